/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_fault.c - failure loops through a live lnfsd running under libfault.so
 * (tests/fault/t_fault.sh starts it).  For every scenario and every errno,
 * N = 1, 2, 3... : arm the shim to fail the Nth counted file system call,
 * run the scenario, disarm, and check, until a run completes without the
 * shim failing anything (or FAULT_MAX_N is reached, which fails).
 *
 * After every run: the status of the failing op is one RFC 8881 §15.2
 * (RFC 7862 for labels) lets that op return; READDIR of the scenario
 * directory shows only objects the test made, each with the label it was
 * created or relabelled with (a rename leaves exactly one of its names); the
 * host directory holds no ".lnfsd-stage-*" entry; the fallback label store
 * holds one entry per labelled symlink or fifo that exists and no temporary
 * files; and the server answers NULL.  A run that fails although nothing
 * was injected fails the test, as does a successful run whose data or label
 * reads back wrong.
 *
 * Environment: LNFS_SERVER, LNFS_PORT, LNFS_EXPORT (from t_fault.sh),
 * LNFS_FAULT_CTL (the shim's control file), FAULT_ADDR (client source
 * address, selects the label domain), FAULT_STATE_DIR (server state-dir,
 * for the fallback store), FAULT_TAG (subdirectory name), FAULT_ERRNOS
 * (default "ENOSPC EIO EDQUOT EACCES"), FAULT_SCENARIOS (default all),
 * FAULT_MAX_N (default 60), FAULT_FALLBACK=1 (the domain stores user.* xattrs,
 * so symlink and fifo labels go to the fallback store; otherwise the store
 * must stay empty).  Prints one summary line per scenario and
 * errno; exits 0, 1 (a check failed) or 77 (not root).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fault/fault.h"
#include "tests/lib/nfs4_client.h"

#define MAX_OBJS 4096
#define MAX_LABELS 2
#define WRITE_LEN 8192

static struct {
	const char *server, *port, *export, *addr, *state_dir, *tag;
	struct nfs4_client *cl;
	struct fault_ctl *ctl;
	char srvdir[PATH_MAX], hostdir[PATH_MAX];
	struct nfs4_fh dir;
	unsigned failures;
	int max_n;
	bool fallback;		/* the domain keeps symlink/fifo labels in the fallback store */
	uint32_t owner_seq;
} g;

/* What may exist in the scenario directory: a name and its possible labels. */
static struct obj {
	char name[64];
	char label[MAX_LABELS][64];
	unsigned nlabels;
	bool fallback;		/* a symlink or fifo: the label may be in the fallback store */
} objs[MAX_OBJS];
static unsigned nobjs;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
	g.failures++;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FATAL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------ legal statuses per op */

/* Statuses RFC 8881 §15.2 allows for (nearly) every op after SEQUENCE. */
static const nfsstat4 common_errs[] = {
	NFS4ERR_BADXDR, NFS4ERR_DEADSESSION, NFS4ERR_DELAY, NFS4ERR_OP_NOT_IN_SESSION,
	NFS4ERR_REP_TOO_BIG, NFS4ERR_REP_TOO_BIG_TO_CACHE, NFS4ERR_REQ_TOO_BIG,
	NFS4ERR_RETRY_UNCACHED_REP, NFS4ERR_SERVERFAULT, NFS4ERR_TOO_MANY_OPS,
	NFS4ERR_FHEXPIRED, NFS4ERR_MOVED, NFS4ERR_NOFILEHANDLE, NFS4ERR_STALE, 0
};

static const struct op_errs {
	uint32_t op;
	nfsstat4 errs[48];
} op_errs[] = {
	{ OP_PUTFH, { NFS4ERR_BADHANDLE, NFS4ERR_WRONGSEC, 0 } },
	{ OP_GETFH, { 0 } },
	{ OP_SAVEFH, { 0 } },
	{ OP_LOOKUP, { NFS4ERR_ACCESS, NFS4ERR_BADCHAR, NFS4ERR_BADNAME, NFS4ERR_INVAL,
		       NFS4ERR_IO, NFS4ERR_NAMETOOLONG, NFS4ERR_NOENT, NFS4ERR_NOTDIR,
		       NFS4ERR_SYMLINK, NFS4ERR_WRONGSEC, 0 } },
	{ OP_GETATTR, { NFS4ERR_ACCESS, NFS4ERR_GRACE, NFS4ERR_INVAL, NFS4ERR_IO,
			NFS4ERR_WRONG_TYPE, 0 } },
	{ OP_READDIR, { NFS4ERR_ACCESS, NFS4ERR_BAD_COOKIE, NFS4ERR_INVAL, NFS4ERR_IO,
			NFS4ERR_NOTDIR, NFS4ERR_NOT_SAME, NFS4ERR_TOOSMALL, 0 } },
	{ OP_OPEN, { NFS4ERR_ACCESS, NFS4ERR_ADMIN_REVOKED, NFS4ERR_ATTRNOTSUPP,
		     NFS4ERR_BADCHAR, NFS4ERR_BADNAME, NFS4ERR_BADOWNER, NFS4ERR_BAD_STATEID,
		     NFS4ERR_DELEG_ALREADY_WANTED, NFS4ERR_DELEG_REVOKED, NFS4ERR_DQUOT,
		     NFS4ERR_EXIST, NFS4ERR_EXPIRED, NFS4ERR_FBIG, NFS4ERR_GRACE, NFS4ERR_INVAL,
		     NFS4ERR_ISDIR, NFS4ERR_IO, NFS4ERR_NAMETOOLONG, NFS4ERR_NOENT,
		     NFS4ERR_NOSPC, NFS4ERR_NOTDIR, NFS4ERR_NO_GRACE, NFS4ERR_OLD_STATEID,
		     NFS4ERR_PERM, NFS4ERR_RECLAIM_BAD, NFS4ERR_RECLAIM_CONFLICT, NFS4ERR_ROFS,
		     NFS4ERR_SHARE_DENIED, NFS4ERR_SYMLINK, NFS4ERR_UNSAFE_COMPOUND,
		     NFS4ERR_WRONGSEC, NFS4ERR_WRONG_TYPE, NFS4ERR_BADLABEL, NFS4ERR_WRONG_LFS, 0 } },
	{ OP_CLOSE, { NFS4ERR_ADMIN_REVOKED, NFS4ERR_BAD_STATEID, NFS4ERR_EXPIRED,
		      NFS4ERR_LOCKS_HELD, NFS4ERR_OLD_STATEID, 0 } },
	{ OP_CREATE, { NFS4ERR_ACCESS, NFS4ERR_ATTRNOTSUPP, NFS4ERR_BADCHAR, NFS4ERR_BADNAME,
		       NFS4ERR_BADOWNER, NFS4ERR_BADTYPE, NFS4ERR_DQUOT, NFS4ERR_EXIST,
		       NFS4ERR_INVAL, NFS4ERR_IO, NFS4ERR_MLINK, NFS4ERR_NAMETOOLONG,
		       NFS4ERR_NOSPC, NFS4ERR_NOTDIR, NFS4ERR_PERM, NFS4ERR_ROFS,
		       NFS4ERR_UNSAFE_COMPOUND, NFS4ERR_BADLABEL, NFS4ERR_WRONG_LFS, 0 } },
	{ OP_RENAME, { NFS4ERR_ACCESS, NFS4ERR_BADCHAR, NFS4ERR_BADNAME, NFS4ERR_DQUOT,
		       NFS4ERR_EXIST, NFS4ERR_FILE_OPEN, NFS4ERR_GRACE, NFS4ERR_INVAL,
		       NFS4ERR_IO, NFS4ERR_MLINK, NFS4ERR_NAMETOOLONG, NFS4ERR_NOENT,
		       NFS4ERR_NOSPC, NFS4ERR_NOTDIR, NFS4ERR_NOTEMPTY, NFS4ERR_PERM,
		       NFS4ERR_ROFS, NFS4ERR_WRONGSEC, NFS4ERR_XDEV, 0 } },
	{ OP_WRITE, { NFS4ERR_ACCESS, NFS4ERR_ADMIN_REVOKED, NFS4ERR_BAD_STATEID,
		      NFS4ERR_DELEG_REVOKED, NFS4ERR_DQUOT, NFS4ERR_EXPIRED, NFS4ERR_FBIG,
		      NFS4ERR_GRACE, NFS4ERR_INVAL, NFS4ERR_IO, NFS4ERR_ISDIR, NFS4ERR_LOCKED,
		      NFS4ERR_NOSPC, NFS4ERR_OLD_STATEID, NFS4ERR_OPENMODE,
		      NFS4ERR_PNFS_IO_HOLE, NFS4ERR_PNFS_NO_LAYOUT, NFS4ERR_ROFS,
		      NFS4ERR_SYMLINK, NFS4ERR_WRONG_TYPE, 0 } },
	/* §15.2 lists no NOSPC/DQUOT for COMMIT: a failed flush is NFS4ERR_IO */
	{ OP_COMMIT, { NFS4ERR_ACCESS, NFS4ERR_IO, NFS4ERR_ISDIR, NFS4ERR_SYMLINK,
		       NFS4ERR_WRONG_TYPE, 0 } },
	{ OP_SETATTR, { NFS4ERR_ACCESS, NFS4ERR_ADMIN_REVOKED, NFS4ERR_ATTRNOTSUPP,
			NFS4ERR_BADCHAR, NFS4ERR_BADOWNER, NFS4ERR_BAD_STATEID,
			NFS4ERR_DELEG_REVOKED, NFS4ERR_DQUOT, NFS4ERR_EXPIRED, NFS4ERR_FBIG,
			NFS4ERR_GRACE, NFS4ERR_INVAL, NFS4ERR_IO, NFS4ERR_LOCKED, NFS4ERR_NOSPC,
			NFS4ERR_OLD_STATEID, NFS4ERR_OPENMODE, NFS4ERR_PERM, NFS4ERR_ROFS,
			NFS4ERR_UNKNOWN_LAYOUTTYPE, NFS4ERR_WRONG_TYPE, NFS4ERR_BADLABEL,
			NFS4ERR_WRONG_LFS, 0 } },
	{ OP_READ, { NFS4ERR_ACCESS, NFS4ERR_ADMIN_REVOKED, NFS4ERR_BAD_STATEID,
		     NFS4ERR_DELEG_REVOKED, NFS4ERR_EXPIRED, NFS4ERR_GRACE, NFS4ERR_INVAL,
		     NFS4ERR_IO, NFS4ERR_ISDIR, NFS4ERR_LOCKED, NFS4ERR_OLD_STATEID,
		     NFS4ERR_OPENMODE, NFS4ERR_SYMLINK, NFS4ERR_WRONG_TYPE, 0 } },
};

static bool in_list(const nfsstat4 *l, nfsstat4 s)
{
	for (; *l; l++)
		if (*l == s)
			return true;
	return false;
}

/* -1: no table for op; 0 illegal; 1 legal. */
static int status_legal(uint32_t op, nfsstat4 s)
{
	size_t i;

	for (i = 0; i < sizeof(op_errs) / sizeof(op_errs[0]); i++) {
		if (op_errs[i].op != op)
			continue;
		return in_list(op_errs[i].errs, s) || in_list(common_errs, s);
	}
	return -1;
}

/* ------------------------------------------------------- the shim */

static const struct {
	const char *name;
	int err;
	uint32_t funcs;
	uint32_t opts;
} errnos[] = {
#define F(x) (1u << FAULT_FN_##x)
	/* what can allocate space or inodes */
	{ "ENOSPC", ENOSPC,
	  F(OPEN) | F(OPENAT) | F(LINKAT) | F(RENAMEAT) | F(MKDIRAT) | F(MKNODAT) | F(SYMLINKAT) |
		  F(SETXATTR) | F(LSETXATTR) | F(FSETXATTR) | F(PWRITE) | F(PWRITEV) | F(FSYNC) |
		  F(FDATASYNC) | F(FALLOCATE),
	  FAULT_OPT_OPEN_CREATE_ONLY },
	/* anything */
	{ "EIO", EIO, FAULT_FN_ALL, 0 },
	{ "EDQUOT", EDQUOT,
	  F(OPEN) | F(OPENAT) | F(LINKAT) | F(RENAMEAT) | F(MKDIRAT) | F(MKNODAT) | F(SYMLINKAT) |
		  F(SETXATTR) | F(LSETXATTR) | F(FSETXATTR) | F(PWRITE) | F(PWRITEV) | F(FSYNC) |
		  F(FDATASYNC) | F(FALLOCATE),
	  FAULT_OPT_OPEN_CREATE_ONLY },
	/* permission checks */
	{ "EACCES", EACCES,
	  F(OPEN) | F(OPENAT) | F(LINKAT) | F(RENAMEAT) | F(MKDIRAT) | F(MKNODAT) | F(SYMLINKAT) |
		  F(UNLINKAT) | F(SETXATTR) | F(LSETXATTR) | F(FSETXATTR) | F(GETXATTR) |
		  F(REMOVEXATTR) | F(TRUNCATE),
	  0 },
#undef F
};

static void arm(unsigned e, uint32_t nth)
{
	struct fault_ctl *c = g.ctl;

	__atomic_store_n(&c->armed, 0, __ATOMIC_SEQ_CST);
	c->funcs = errnos[e].funcs;
	c->opts = errnos[e].opts;
	c->err = (uint32_t)errnos[e].err;
	c->nth = nth;
	c->persist = 0;
	__atomic_store_n(&c->calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->injected, 0, __ATOMIC_SEQ_CST);
	c->last_fn[0] = '\0';
	__atomic_store_n(&c->armed, 1, __ATOMIC_RELEASE);
}

static uint64_t disarm(void)
{
	__atomic_store_n(&g.ctl->armed, 0, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&g.ctl->injected, __ATOMIC_SEQ_CST);
}

/* ---------------------------------------------------- client helpers */

static struct nfs4_call *run(const struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;
	int rc = nfs4_call_sync(g.cl, c, &call);

	if (rc != 0 || !call->parsed)
		die("no usable reply: %s (rc %d)", nfs4_client_error(g.cl), rc);
	return call;
}

/* The op that failed (op number and status), or op 0 and NFS4_OK. */
static nfsstat4 failed_op(const struct nfs4_call *call, uint32_t *op)
{
	const struct nfs4_op_res *r = nfs4_call_failed_op(call);

	*op = r ? r->op : 0;
	return r ? r->status : call->res.status;
}

static struct obj *obj_find(const char *name, size_t len)
{
	unsigned i;

	for (i = 0; i < nobjs; i++)
		if (strlen(objs[i].name) == len && !memcmp(objs[i].name, name, len))
			return &objs[i];
	return NULL;
}

static struct obj *obj_add(const char *name, const char *label, bool fallback)
{
	struct obj *o = obj_find(name, strlen(name));

	if (!o) {
		if (nobjs == MAX_OBJS)
			die("too many objects");
		o = &objs[nobjs++];
		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", name);
	}
	o->fallback = fallback;
	o->nlabels = 0;
	if (label) {
		snprintf(o->label[0], sizeof(o->label[0]), "%s", label);
		o->nlabels = 1;
	}
	return o;
}

static void obj_also(struct obj *o, const char *label)
{
	if (o->nlabels < MAX_LABELS)
		snprintf(o->label[o->nlabels++], sizeof(o->label[0]), "%s", label);
}

static void set_label(struct nfs4_setattrs *a, const char *label)
{
	nfs4_bitmap_set(&a->mask, FATTR4_SEC_LABEL);
	a->label_lfs = 0;
	a->label_pi = 0;
	a->label = label;
	a->label_len = (uint32_t)strlen(label);
}

struct outcome {
	uint32_t op;
	nfsstat4 status;
};

/* Record the first failure of a scenario's compounds; true if it succeeded. */
static bool step_ok(struct nfs4_call *call, struct outcome *out)
{
	uint32_t op;
	nfsstat4 s = failed_op(call, &op);

	if (s == NFS4_OK)
		return true;
	if (out->status == NFS4_OK) {
		out->op = op;
		out->status = s;
	}
	return false;
}

static struct nfs4_call *open_create(const char *name, const char *label, bool exclusive,
				     uint32_t access)
{
	struct nfs4_compound c;
	struct nfs4_open_args oa;
	struct nfs4_setattrs a;
	struct nfs4_call *call;
	char owner[32];

	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_MODE);
	a.mode = 0644;
	if (label)
		set_label(&a, label);
	memset(&oa, 0, sizeof(oa));
	snprintf(owner, sizeof(owner), "fault-owner-%u", g.owner_seq++);
	oa.share_access = access;
	oa.share_deny = OPEN4_SHARE_DENY_NONE;
	oa.clientid = nfs4_client_clientid(g.cl);
	oa.owner = owner;
	oa.owner_len = (uint32_t)strlen(owner);
	oa.claim = CLAIM_NULL;
	oa.name = name;
	oa.create = true;
	oa.createmode = exclusive ? GUARDED4 : UNCHECKED4;
	oa.attrs = &a;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dir);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = run(&c);
	nfs4_compound_release(&c);
	return call;
}

static void close_sid(const struct nfs4_fh *fh, const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, sid);
	call = run(&c);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

/* A file made before arming: fh and open stateid (open for read+write). */
static void make_file(const char *name, const char *label, struct nfs4_fh *fh,
		      struct nfs4_stateid *sid)
{
	struct nfs4_call *call = open_create(name, label, true, OPEN4_SHARE_ACCESS_BOTH);
	uint32_t op;
	nfsstat4 s = failed_op(call, &op);

	if (s != NFS4_OK)
		die("setting up %s: %s failed with %s", name, nfs4_op_name(op), nfs4_stat_name(s));
	*sid = nfs4_call_op(call, 1)->u.open.stateid;
	*fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	obj_add(name, label, false);
}

/* --------------------------------------------------------- scenarios */

struct scenario {
	const char *name;
	/* set up (disarmed), stored in *st; run the armed part; finish
	 * (disarmed, with the outcome): false if a check failed */
	void (*setup)(const char *base, void *st);
	void (*armed)(const char *base, void *st, struct outcome *out);
	void (*finish)(const char *base, void *st, const struct outcome *out);
};

struct sc_state {
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	bool have_open;
	char name[64], name2[64];
	char label[64], label2[64];
	bool commit_failed;             /* WRITE ok, its COMMIT failed */
	uint8_t wverf[NFS4_VERIFIER_SIZE]; /* that WRITE's verifier */
};

static void sc_open_armed(const char *base, void *v, struct outcome *out)
{
	struct sc_state *st = v;
	struct nfs4_call *call;

	snprintf(st->name, sizeof(st->name), "%s", base);
	snprintf(st->label, sizeof(st->label), "L-%s", base);
	obj_add(st->name, st->label, false);
	call = open_create(st->name, st->label, true, OPEN4_SHARE_ACCESS_BOTH);
	if (step_ok(call, out)) {
		st->fh = nfs4_call_op(call, 2)->u.getfh;
		st->sid = nfs4_call_op(call, 1)->u.open.stateid;
		st->have_open = true;
	}
	nfs4_call_free(call);
}

static void sc_open_finish(const char *base, void *v, const struct outcome *out)
{
	struct sc_state *st = v;

	if (st->have_open)
		close_sid(&st->fh, &st->sid);
}

static void create_armed(const char *base, struct sc_state *st, struct outcome *out,
			 uint32_t type)
{
	struct nfs4_create_args ca;
	struct nfs4_setattrs a;
	struct nfs4_compound c;
	struct nfs4_call *call;

	snprintf(st->name, sizeof(st->name), "%s", base);
	snprintf(st->label, sizeof(st->label), "L-%s", base);
	obj_add(st->name, st->label, type != NF4DIR);
	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_MODE);
	a.mode = type == NF4DIR ? 0755 : 0644;
	set_label(&a, st->label);
	memset(&ca, 0, sizeof(ca));
	ca.type = type;
	ca.name = st->name;
	ca.linkdata = "fault-target";
	ca.attrs = &a;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dir);
	nfs4_op_create(&c, &ca);
	call = run(&c);
	step_ok(call, out);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void sc_dir_armed(const char *b, void *v, struct outcome *o)
{
	create_armed(b, v, o, NF4DIR);
}

static void sc_symlink_armed(const char *b, void *v, struct outcome *o)
{
	create_armed(b, v, o, NF4LNK);
}

static void sc_fifo_armed(const char *b, void *v, struct outcome *o)
{
	create_armed(b, v, o, NF4FIFO);
}

static void sc_rename_setup(const char *base, void *v)
{
	struct sc_state *st = v;

	snprintf(st->name, sizeof(st->name), "%s-a", base);
	snprintf(st->name2, sizeof(st->name2), "%s-b", base);
	snprintf(st->label, sizeof(st->label), "L-%s", base);
	make_file(st->name, st->label, &st->fh, &st->sid);
	close_sid(&st->fh, &st->sid);
	obj_add(st->name2, st->label, false);
}

static void sc_rename_armed(const char *base, void *v, struct outcome *out)
{
	struct sc_state *st = v;
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &g.dir);
	nfs4_op_savefh(&c);
	nfs4_op_rename(&c, st->name, st->name2);
	call = run(&c);
	step_ok(call, out);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void write_setup(const char *base, void *v)
{
	struct sc_state *st = v;

	snprintf(st->name, sizeof(st->name), "%s", base);
	snprintf(st->label, sizeof(st->label), "L-%s", base);
	make_file(st->name, st->label, &st->fh, &st->sid);
	st->have_open = true;
}

static void fill(uint8_t *buf, size_t len, const char *seed)
{
	size_t i, n = strlen(seed);

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed[i % n] ^ (i * 131u));
}

static void write_armed(struct sc_state *st, struct outcome *out, uint32_t stable)
{
	static uint8_t buf[WRITE_LEN];
	struct nfs4_compound c;
	struct nfs4_call *call;

	fill(buf, sizeof(buf), st->name);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &st->fh);
	nfs4_op_write(&c, &st->sid, 0, stable, buf, sizeof(buf));
	if (stable == UNSTABLE4)
		nfs4_op_commit(&c, 0, 0);
	call = run(&c);
	step_ok(call, out);
	if (stable == UNSTABLE4) {
		const struct nfs4_op_res *w = nfs4_call_op(call, 1), *cm = nfs4_call_op(call, 2);

		/* only a failed flush can lose data (a failed open cannot) */
		if (w && w->status == NFS4_OK && cm && cm->status != NFS4_OK &&
		    (!strcmp(g.ctl->last_fn, "fsync") || !strcmp(g.ctl->last_fn, "fdatasync"))) {
			st->commit_failed = true;
			memcpy(st->wverf, w->u.write.verifier, sizeof(st->wverf));
		}
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void sc_unstable_armed(const char *b, void *v, struct outcome *o)
{
	write_armed(v, o, UNSTABLE4);
}

static void sc_filesync_armed(const char *b, void *v, struct outcome *o)
{
	write_armed(v, o, FILE_SYNC4);
}

static void write_finish(const char *base, void *v, const struct outcome *out)
{
	static uint8_t want[WRITE_LEN];
	struct sc_state *st = v;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_op_res *r;

	if (st->commit_failed) {
		/* RFC 8881 §18.32.3: after a failed flush the next COMMIT must
		 * carry a new verifier, so the client writes its data again */
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &st->fh);
		nfs4_op_commit(&c, 0, 0);
		call = run(&c);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r)
			failf("%s: COMMIT after the failed one: %s", base,
			      nfs4_stat_name(call->res.status));
		else if (!memcmp(r->u.commit.verifier, st->wverf, NFS4_VERIFIER_SIZE))
			failf("%s: the write verifier did not change after a failed COMMIT", base);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	if (out->status == NFS4_OK) {
		fill(want, sizeof(want), st->name);
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &st->fh);
		nfs4_op_read(&c, &st->sid, 0, WRITE_LEN);
		call = run(&c);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r || r->u.read.data.len != WRITE_LEN ||
		    memcmp(r->u.read.data.data, want, WRITE_LEN))
			failf("%s: data written and reported stable does not read back", base);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	close_sid(&st->fh, &st->sid);
}

static void setattr_armed(struct sc_state *st, struct outcome *out, const struct nfs4_setattrs *a,
			  const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &st->fh);
	nfs4_op_setattr(&c, sid, a);
	call = run(&c);
	step_ok(call, out);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void sc_size_armed(const char *b, void *v, struct outcome *o)
{
	struct sc_state *st = v;
	struct nfs4_setattrs a;

	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_SIZE);
	a.size = 12345;
	setattr_armed(st, o, &a, &st->sid);
}

static void sc_mode_armed(const char *b, void *v, struct outcome *o)
{
	struct sc_state *st = v;
	struct nfs4_setattrs a;

	memset(&a, 0, sizeof(a));
	nfs4_bitmap_set(&a.mask, FATTR4_MODE);
	a.mode = 0600;
	setattr_armed(st, o, &a, &nfs4_anon_stateid);
}

static void sc_label_armed(const char *b, void *v, struct outcome *o)
{
	struct sc_state *st = v;
	struct nfs4_setattrs a;

	snprintf(st->label2, sizeof(st->label2), "M-%s", b);
	obj_also(obj_find(st->name, strlen(st->name)), st->label2);
	memset(&a, 0, sizeof(a));
	set_label(&a, st->label2);
	setattr_armed(st, o, &a, &nfs4_anon_stateid);
}

/* After SETATTR: a successful one took effect (size, mode or label). */
static void setattr_finish(const char *base, void *v, const struct outcome *out)
{
	struct sc_state *st = v;
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *r;
	struct obj *o = obj_find(st->name, strlen(st->name));

	if (out->status == NFS4_OK) {
		nfs4_bitmap_of(&bm, FATTR4_SIZE, FATTR4_MODE, FATTR4_SEC_LABEL, -1);
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &st->fh);
		nfs4_op_getattr(&c, &bm);
		call = run(&c);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r)
			failf("%s: GETATTR after SETATTR: %s", base,
			      nfs4_stat_name(call->res.status));
		else if (strstr(base, "size") && r->u.getattr.size != 12345)
			failf("%s: size %llu after a successful SETATTR", base,
			      (unsigned long long)r->u.getattr.size);
		else if (strstr(base, "mode") && (r->u.getattr.mode & 07777) != 0600)
			failf("%s: mode %o after a successful SETATTR", base, r->u.getattr.mode);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
		/* the new label only, from now on */
		if (st->label2[0] && o)
			obj_add(st->name, st->label2, false);
	}
	close_sid(&st->fh, &st->sid);
}

static const struct scenario scenarios[] = {
	{ "open-create-label", NULL, sc_open_armed, sc_open_finish },
	{ "create-dir-label", NULL, sc_dir_armed, NULL },
	{ "create-symlink-label", NULL, sc_symlink_armed, NULL },
	{ "create-fifo-label", NULL, sc_fifo_armed, NULL },
	{ "rename", sc_rename_setup, sc_rename_armed, NULL },
	{ "write-unstable-commit", write_setup, sc_unstable_armed, write_finish },
	{ "write-filesync", write_setup, sc_filesync_armed, write_finish },
	{ "setattr-size", write_setup, sc_size_armed, setattr_finish },
	{ "setattr-mode", write_setup, sc_mode_armed, setattr_finish },
	{ "setattr-label", write_setup, sc_label_armed, setattr_finish },
};

/* ------------------------------------------------------------ checks */

static bool label_ok(const struct obj *o, const struct nfs4_sec_label *l)
{
	unsigned i;

	for (i = 0; i < o->nlabels; i++)
		if (l->data.len == strlen(o->label[i]) &&
		    !memcmp(l->data.data, o->label[i], l->data.len))
			return true;
	return false;
}

/* READDIR the scenario directory through NFS: every entry is known and
 * carries one of its labels.  Returns the number of entries, -1 if the
 * server did not answer. */
static int check_listing(const char *what, unsigned *nfb_objs)
{
	uint8_t verf[NFS4_VERIFIER_SIZE] = { 0 };
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *r;
	uint64_t cookie = 0;
	bool eof = false;
	int n = 0;
	uint32_t i;

	*nfb_objs = 0;
	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_SEC_LABEL, -1);
	while (!eof) {
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &g.dir);
		nfs4_op_readdir(&c, cookie, verf, 8192, 32768, &bm);
		call = run(&c);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r) {
			failf("%s: READDIR of the scenario directory: %s", what,
			      nfs4_stat_name(call->res.status));
			nfs4_call_free(call);
			nfs4_compound_release(&c);
			return -1;
		}
		for (i = 0; i < r->u.readdir.count; i++) {
			const struct nfs4_dirent *e = &r->u.readdir.entries[i];
			const struct obj *o = obj_find((const char *)e->name.data, e->name.len);

			n++;
			cookie = e->cookie;
			if (!o) {
				failf("%s: unexpected entry '%.*s'", what, (int)e->name.len,
				      (const char *)e->name.data);
				continue;
			}
			if (!nfs4_attrs_has(&e->attrs, FATTR4_SEC_LABEL) ||
			    !label_ok(o, &e->attrs.sec_label))
				failf("%s: '%s' is visible with label '%.*s', not '%s'", what,
				      o->name, (int)e->attrs.sec_label.data.len,
				      (const char *)e->attrs.sec_label.data.data, o->label[0]);
			if (e->attrs.type == NF4LNK || e->attrs.type == NF4FIFO)
				(*nfb_objs)++;
		}
		memcpy(verf, r->u.readdir.verifier, sizeof(verf));
		eof = r->u.readdir.eof;
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	return n;
}

static bool exists_host(const char *name)
{
	char p[PATH_MAX + 80];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", g.hostdir, name);
	return lstat(p, &st) == 0;
}

/* No staging entries on the host; fallback store entries: count and temps. */
static void check_host(const char *what, unsigned nfb_objs)
{
	char p[PATH_MAX + 600];
	struct dirent *de, *de2;
	unsigned entries = 0;
	DIR *d, *d2;

	d = opendir(g.hostdir);
	if (!d) {
		failf("%s: opendir %s: %s", what, g.hostdir, strerror(errno));
		return;
	}
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".lnfsd-stage-", 13))
			failf("%s: staging entry left on the host: %s", what, de->d_name);
	closedir(d);
	if (!g.state_dir)
		return;
	snprintf(p, sizeof(p), "%s/labels", g.state_dir);
	d = opendir(p);
	if (!d)
		return;	/* no store: nothing can be stale */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		entries++;
		snprintf(p, sizeof(p), "%s/labels/%s", g.state_dir, de->d_name);
		d2 = opendir(p);
		while (d2 && (de2 = readdir(d2)))
			if (!strncmp(de2->d_name, ".tmp", 4))
				failf("%s: temporary file left in the fallback store: %s/%s", what,
				      de->d_name, de2->d_name);
		if (d2)
			closedir(d2);
	}
	closedir(d);
	if (entries != nfb_objs)
		failf("%s: the fallback store holds %u objects, %u labelled symlinks/fifos exist",
		      what, entries, nfb_objs);
}

static void check_alive(const char *what)
{
	if (nfs4_null(g.cl) != 0)
		die("%s: the server no longer answers NULL: %s", what, nfs4_client_error(g.cl));
}

/* ------------------------------------------------------------- sweep */

static void sweep(const struct scenario *s, unsigned e)
{
	unsigned n, injected_runs = 0, absorbed = 0;
	char base[64], what[160];
	unsigned f0 = g.failures;
	bool done = false;

	for (n = 1; n <= (unsigned)g.max_n && !done; n++) {
		struct sc_state st;
		struct outcome out = { 0, NFS4_OK };
		uint64_t inj;
		unsigned nfb;
		int legal;

		memset(&st, 0, sizeof(st));
		snprintf(base, sizeof(base), "%s-%s-%u", s->name, errnos[e].name, n);
		snprintf(what, sizeof(what), "%s %s N=%u", s->name, errnos[e].name, n);
		if (s->setup)
			s->setup(base, &st);
		arm(e, n);
		s->armed(base, &st, &out);
		inj = disarm();
		if (inj)
			snprintf(what, sizeof(what), "%s %s N=%u (%s failed)", s->name,
				 errnos[e].name, n, g.ctl->last_fn);
		if (inj == 0) {
			done = true;
			if (out.status != NFS4_OK)
				failf("%s: %s failed with %s although nothing was injected", what,
				      nfs4_op_name(out.op), nfs4_stat_name(out.status));
		} else {
			injected_runs++;
			if (out.status == NFS4_OK) {
				absorbed++;
			} else {
				legal = status_legal(out.op, out.status);
				if (legal == 0)
					failf("%s: %s returned %s, not a status RFC 8881 §15.2 allows it (injected into %s)",
					      what, nfs4_op_name(out.op), nfs4_stat_name(out.status),
					      g.ctl->last_fn);
				else if (legal < 0)
					failf("%s: %s failed (%s) and has no table here", what,
					      nfs4_op_name(out.op), nfs4_stat_name(out.status));
			}
		}
		if (s->finish)
			s->finish(base, &st, &out);
		check_alive(what);
		if (check_listing(what, &nfb) >= 0)
			check_host(what, g.fallback ? nfb : 0);
		if (s->armed == sc_rename_armed && exists_host(st.name) == exists_host(st.name2))
			failf("%s: after RENAME %s both or neither of the names exist", what,
			      nfs4_stat_name(out.status));
	}
	if (!done)
		failf("%s %s: still failing after N=%d", s->name, errnos[e].name, g.max_n);
	printf("%s: %s %s: %u faults injected (%u absorbed), clean run at N=%u%s\n",
	       g.failures == f0 ? "ok" : "FAILED", s->name, errnos[e].name, injected_runs,
	       absorbed, n - 1, done ? "" : " (not reached)");
	fflush(stdout);
}

static bool selected(const char *list, const char *name)
{
	char buf[512], *save = NULL, *t;

	if (!list || !*list)
		return true;
	snprintf(buf, sizeof(buf), "%s", list);
	for (t = strtok_r(buf, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
		if (!strcmp(t, name))
			return true;
	return false;
}

int main(void)
{
	const char *ctl_path = getenv("LNFS_FAULT_CTL");
	const char *errs = getenv("FAULT_ERRNOS"), *scs = getenv("FAULT_SCENARIOS");
	struct nfs4_client_opts o;
	struct nfs4_call *call;
	uint32_t op;
	size_t i, e;
	int fd, rc;

	g.server = getenv("LNFS_SERVER");
	g.port = getenv("LNFS_PORT");
	g.export = getenv("LNFS_EXPORT");
	g.addr = getenv("FAULT_ADDR");
	g.state_dir = getenv("FAULT_STATE_DIR");
	g.tag = getenv("FAULT_TAG") ? getenv("FAULT_TAG") : "default";
	g.fallback = getenv("FAULT_FALLBACK") && atoi(getenv("FAULT_FALLBACK"));
	g.max_n = getenv("FAULT_MAX_N") ? atoi(getenv("FAULT_MAX_N")) : 60;
	if (!g.server || !g.port || !g.export || !ctl_path)
		die("LNFS_SERVER, LNFS_PORT, LNFS_EXPORT and LNFS_FAULT_CTL are needed");
	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	fd = open(ctl_path, O_RDWR);
	if (fd < 0)
		die("%s: %s", ctl_path, strerror(errno));
	g.ctl = mmap(NULL, sizeof(*g.ctl), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (g.ctl == MAP_FAILED || g.ctl->magic != FAULT_MAGIC)
		die("%s is not a fault control block (is lnfsd running under libfault.so?)",
		    ctl_path);
	disarm();

	snprintf(g.hostdir, sizeof(g.hostdir), "%s/fault-%s", g.export, g.tag);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/fault-%s", g.export, g.tag);
	if (mkdir(g.hostdir, 0777) < 0 && errno != EEXIST)
		die("mkdir %s: %s", g.hostdir, strerror(errno));

	nfs4_client_opts_init(&o);
	o.host = g.addr ? g.addr : g.server;
	o.src_addr = g.addr;
	o.port = g.port;
	o.minor = 2;
	o.uid = 0;
	o.gid = 0;
	o.timeout_ms = 20000;
	rc = nfs4_client_connect(&o, &g.cl);
	if (rc < 0)
		die("connect: %s", strerror(-rc));
	if (nfs4_client_setup(g.cl) != 0)
		die("session: %s", nfs4_client_error(g.cl));
	rc = nfs4_lookup_path(g.cl, g.srvdir, &g.dir, &op);
	if (rc != 0)
		die("lookup %s: %d (op %u)", g.srvdir, rc, op);
	/* the client record is written at the first OPEN: not in the sweep */
	call = open_create("fault-first", "L-first", false, OPEN4_SHARE_ACCESS_READ);
	if (failed_op(call, &op) != NFS4_OK)
		die("first OPEN failed: %s", nfs4_stat_name(failed_op(call, &op)));
	close_sid(&nfs4_call_op(call, 2)->u.getfh, &nfs4_call_op(call, 1)->u.open.stateid);
	nfs4_call_free(call);
	obj_add("fault-first", "L-first", false);

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!selected(scs, scenarios[i].name))
			continue;
		for (e = 0; e < sizeof(errnos) / sizeof(errnos[0]); e++)
			if (selected(errs ? errs : NULL, errnos[e].name))
				sweep(&scenarios[i], (unsigned)e);
	}
	disarm();
	nfs4_client_teardown(g.cl);
	nfs4_client_free(g.cl);
	printf("%s: %u check(s) failed\n", g.failures ? "FAIL" : "PASS", g.failures);
	return g.failures ? 1 : 0;
}
