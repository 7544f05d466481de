/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lnfs_crash.c - crash consistency loop.  Starts lnfsd itself (fork and
 * exec, PR_SET_PDEATHSIG; stopped by pid), runs a mixed workload from two
 * clients of the project's client library (tests/lib), kills the server
 * with SIGKILL at a random point, often with a call in flight, starts it
 * again on the same state directory, lets both clients reclaim, and checks
 * the export against the clients' record:
 *
 *   - every object whose creation was acknowledged is there under its last
 *     acknowledged name, with its type and its last acknowledged label (an
 *     object whose creation, rename, relabel or removal was in flight at
 *     the kill may be in either state, never in a third);
 *   - data acknowledged stable (FILE_SYNC, or UNSTABLE followed by a COMMIT
 *     whose verifier matched) reads back intact; data in flight or written
 *     UNSTABLE and not yet committed is the old or the new byte at every
 *     offset;
 *   - a COMMIT after the restart of UNSTABLE data written before it carries
 *     a different write verifier (so a client resends what it did not
 *     commit), and the client then resends;
 *   - no ".lnfsd-stage-*" entry is visible over NFS, and none is left on
 *     the host once the restarted server has listed the directory (it
 *     removes those of a killed instance; their number is reported);
 *   - the fallback label store holds one entry per symlink of the
 *     fallback-store domain, and no temporary file (lnfsd removes those of
 *     a killed instance at start);
 *   - each client reclaims its open file (CLAIM_PREVIOUS) and the grace
 *     period ends with the two RECLAIM_COMPLETEs (new OPENs succeed).
 *
 * Client A (127.0.0.1) is in domain "default" (trusted.lnfs.default),
 * client B (127.0.0.2) in domain "fb" (user.lnfs.fb: symlink labels go to
 * the fallback store).  Each works in its own directory: regular files
 * created with a label by OPEN, written FILE_SYNC or UNSTABLE (COMMIT in
 * the same compound or later), directories and symlinks created with a
 * label by CREATE, renames, removes and label changes.
 *
 * usage: lnfs_crash LNFSD CONF EXPORT STATE_DIR PORT LOG ITERATIONS [SECONDS [SEED]]
 * (run by crash.sh, which writes CONF).  Stops after ITERATIONS kills, or
 * SECONDS when given and not 0.  Prints one summary line; exit 0 only when
 * every check held.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/lib/nfs4_client.h"

#define NCLIENTS 2
#define MAX_OBJS 48
#define MAX_LEN 32768u
#define NAME_LEN 40
#define LABEL_LEN 64

enum kind { K_REG, K_DIR, K_LNK };

struct obj {
	bool used;
	enum kind kind;
	char name[NAME_LEN];
	char label[LABEL_LEN];
	struct nfs4_fh fh;		/* regular files */
	/* data (regular files): the whole file is rewritten each time */
	uint32_t len;
	uint32_t seed;			/* content acknowledged stable */
	bool pend;			/* UNSTABLE write acknowledged, not committed */
	uint32_t pend_seed;
	uint8_t pend_verf[NFS4_VERIFIER_SIZE];
	/* what an op in flight at the kill may or may not have done */
	bool maybe_absent;		/* creation in flight */
	bool maybe_present;		/* removal in flight */
	bool data_unsure;		/* a write in flight: old or new per byte */
	uint32_t unsure_seed;
	bool create_data;		/* creation with data in flight: prefix of unsure_seed */
	char alt_name[NAME_LEN];	/* rename in flight: this or name */
	char alt_label[LABEL_LEN];	/* relabel in flight: this or label */
};

struct client {
	const char *src;
	const char *domain;
	char owner[64];
	char dirname[16];
	char hostdir[4200];
	struct nfs4_client *cl;
	struct nfs4_fh dir;
	struct nfs4_fh held_fh;		/* a file kept open across restarts */
	struct nfs4_stateid held_sid;
	struct obj o[MAX_OBJS];
	unsigned gen;
};

static struct {
	const char *lnfsd, *conf, *export, *state_dir, *port, *log;
	pid_t pid;
	struct client c[NCLIENTS];
	uint64_t rng;
	unsigned long failures;
	/* figures */
	unsigned long kills, inflight_kills, acked_before_kill, ops, stable_checked;
	unsigned long reclaims, resends, verf_changes, unsure_resolved, stage_left;
	unsigned long fb_checked, stage_found;
} g;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: kill %lu: ", g.kills);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
	g.failures++;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: kill %lu: ", g.kills);
	vprintf(fmt, ap);
	printf(" (server log: %s)\n", g.log);
	va_end(ap);
	if (g.pid > 0) {
		kill(g.pid, SIGKILL);
		waitpid(g.pid, NULL, 0);
	}
	exit(1);
}

static uint32_t rnd(void)
{
	g.rng ^= g.rng << 13;
	g.rng ^= g.rng >> 7;
	g.rng ^= g.rng << 17;
	return (uint32_t)(g.rng >> 11);
}

static uint8_t byte_at(uint32_t seed, uint32_t i)
{
	uint32_t v = seed * 2654435761u ^ (i / 4) * 40503u;

	v ^= v >> 15;
	v *= 2246822519u;
	v ^= v >> 13;
	return (uint8_t)(v >> (8 * (i % 4)));
}

static void fill(uint8_t *b, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		b[i] = byte_at(seed, i);
}

/* ------------------------------------------------------------ server */

static void server_start(void)
{
	char l1[64], l2[64];

	snprintf(l1, sizeof(l1), "127.0.0.1:%s", g.port);
	snprintf(l2, sizeof(l2), "127.0.0.2:%s", g.port);
	g.pid = fork();
	if (g.pid < 0)
		die("fork: %s", strerror(errno));
	if (g.pid == 0) {
		int fd = open(g.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(g.lnfsd, "lnfsd", "-f", "-c", g.conf, "-l", l1, "-l", l2, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400; i++) {
		struct nfs4_client_opts o;
		struct nfs4_client *cl;
		int status;

		nfs4_client_opts_init(&o);
		o.host = "127.0.0.2";
		o.port = g.port;
		o.timeout_ms = 5000;
		if (nfs4_client_connect(&o, &cl) == 0) {
			int rc = nfs4_null(cl);

			nfs4_client_free(cl);
			if (rc == 0)
				return;
		}
		if (waitpid(g.pid, &status, WNOHANG) == g.pid) {
			g.pid = 0;
			die("lnfsd exited at start (status %d)", status);
		}
		usleep(25 * 1000);
	}
	die("lnfsd does not answer on port %s", g.port);
}

static void server_kill(void)
{
	kill(g.pid, SIGKILL);
	waitpid(g.pid, NULL, 0);
	g.pid = 0;
}

/* ------------------------------------------------------------ client */

static struct nfs4_call *run(struct client *c, const struct nfs4_compound *cp)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(c->cl, cp, &call) != 0)
		die("client %s: no reply: %s", c->dirname, nfs4_client_error(c->cl));
	return call;
}

static nfsstat4 op_status(const struct nfs4_call *call, uint32_t i)
{
	const struct nfs4_op_res *r = nfs4_call_op(call, i);

	return r ? r->status : call->res.status ? call->res.status : NFS4ERR_SERVERFAULT;
}

static void connect_client(struct client *c)
{
	struct nfs4_client_opts o;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = c->src;
	o.src_addr = c->src;
	o.port = g.port;
	o.minor = 2;
	o.owner = c->owner;
	o.timeout_ms = 20000;
	o.uid = 0;
	o.gid = 0;
	o.ngids = 0;
	if (nfs4_client_connect(&o, &c->cl) < 0)
		die("connect %s: cannot", c->src);
	rc = nfs4_client_exchange_id(c->cl);
	if (rc == 0)
		rc = nfs4_client_create_session(c->cl);
	if (rc != 0)
		die("client %s: session setup: %d %s", c->dirname, rc, nfs4_client_error(c->cl));
}

static void set_label(struct nfs4_setattrs *a, const char *label)
{
	memset(a, 0, sizeof(*a));
	nfs4_bitmap_set(&a->mask, FATTR4_SEC_LABEL);
	a->label = label;
	a->label_len = (uint32_t)strlen(label);
}

static void new_label(struct client *c, char *buf)
{
	snprintf(buf, LABEL_LEN, "system_u:object_r:crash_%s%u_t:s0", c->domain, c->gen++);
}

/* OPEN of c->dirname/name: CLAIM_NULL (create or not) or, with reclaim,
 * CLAIM_PREVIOUS of fh. */
static void open_args(struct client *c, struct nfs4_open_args *oa, const char *name, bool create,
		      const struct nfs4_setattrs *a)
{
	memset(oa, 0, sizeof(*oa));
	oa->share_access = OPEN4_SHARE_ACCESS_BOTH;
	oa->share_deny = OPEN4_SHARE_DENY_NONE;
	oa->clientid = nfs4_client_clientid(c->cl);
	oa->owner = c->owner;
	oa->owner_len = (uint32_t)strlen(c->owner);
	oa->claim = name ? CLAIM_NULL : CLAIM_PREVIOUS;
	oa->name = name;
	oa->create = create;
	oa->createmode = GUARDED4;
	oa->attrs = a;
}

/* Set up the client's directory and its held-open file (first start). */
static void client_init(struct client *c)
{
	struct nfs4_compound cp;
	struct nfs4_open_args oa;
	struct nfs4_setattrs a;
	struct nfs4_call *call;
	char label[LABEL_LEN];
	char path[4300];

	connect_client(c);
	if (nfs4_client_reclaim_complete(c->cl) != 0)
		die("client %s: RECLAIM_COMPLETE: %s", c->dirname, nfs4_client_error(c->cl));
	snprintf(path, sizeof(path), "%s/%s", g.export, c->dirname);
	if (nfs4_lookup_path(c->cl, path, &c->dir, NULL) != 0)
		die("lookup %s: %s", path, nfs4_client_error(c->cl));
	new_label(c, label);
	set_label(&a, label);
	open_args(c, &oa, "held", true, &a);
	nfs4_compound_init(&cp);
	nfs4_op_putfh(&cp, &c->dir);
	nfs4_op_open(&cp, &oa);
	nfs4_op_getfh(&cp);
	call = run(c, &cp);
	nfs4_compound_release(&cp);
	if (call->res.status != NFS4_OK)
		die("client %s: open held: %s", c->dirname, nfs4_stat_name(call->res.status));
	c->held_sid = nfs4_call_op(call, 1)->u.open.stateid;
	c->held_fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
}

/* ------------------------------------------------------------ model */

static struct obj *obj_free_slot(struct client *c)
{
	for (int i = 0; i < MAX_OBJS; i++)
		if (!c->o[i].used)
			return &c->o[i];
	return NULL;
}

static struct obj *obj_pick(struct client *c, bool reg_only)
{
	int n = 0, k;

	for (int i = 0; i < MAX_OBJS; i++)
		n += c->o[i].used && (!reg_only || c->o[i].kind == K_REG);
	if (!n)
		return NULL;
	k = (int)(rnd() % (uint32_t)n);
	for (int i = 0; i < MAX_OBJS; i++)
		if (c->o[i].used && (!reg_only || c->o[i].kind == K_REG) && k-- == 0)
			return &c->o[i];
	return NULL;
}

/* ------------------------------------------------------------ ops */

enum op_kind { W_CREATE_FILE, W_WRITE, W_COMMIT_LATER, W_MKDIR, W_SYMLINK, W_RENAME,
	       W_REMOVE, W_RELABEL, W_NKINDS };

/* One op: its compound, and what to do with its reply or its loss. */
struct op {
	enum op_kind kind;
	struct client *c;
	struct obj *o;
	struct nfs4_compound cp;
	char name[NAME_LEN], label[LABEL_LEN];
	uint32_t seed, len;
	uint32_t stable;		/* FILE_SYNC4 or UNSTABLE4 */
	bool commit;			/* COMMIT in the same compound */
	struct nfs4_setattrs a;
	uint8_t *buf;
};

/* Build a random op for client c; false if nothing fits now. */
static bool op_build(struct op *op, struct client *c)
{
	struct nfs4_open_args oa;
	struct nfs4_create_args ca;
	static uint8_t buf[MAX_LEN];
	uint32_t r = rnd() % 100;

	memset(op, 0, sizeof(*op));
	op->c = c;
	op->buf = buf;
	nfs4_compound_init(&op->cp);
	if (r < 25)
		op->kind = W_CREATE_FILE;
	else if (r < 45)
		op->kind = W_WRITE;
	else if (r < 52)
		op->kind = W_COMMIT_LATER;
	else if (r < 60)
		op->kind = W_MKDIR;
	else if (r < 68)
		op->kind = W_SYMLINK;
	else if (r < 80)
		op->kind = W_RENAME;
	else if (r < 90)
		op->kind = W_REMOVE;
	else
		op->kind = W_RELABEL;

	switch (op->kind) {
	case W_CREATE_FILE:
	case W_MKDIR:
	case W_SYMLINK:
		op->o = obj_free_slot(c);
		if (!op->o)
			return false;
		snprintf(op->name, sizeof(op->name), "%c%u", "fdl"[op->kind == W_CREATE_FILE ? 0 :
								  op->kind == W_MKDIR ? 1 : 2],
			 c->gen++);
		new_label(c, op->label);
		set_label(&op->a, op->label);
		nfs4_op_putfh(&op->cp, &c->dir);
		if (op->kind == W_CREATE_FILE) {
			op->len = 1 + rnd() % MAX_LEN;
			op->seed = rnd() | 1;
			op->stable = rnd() % 2 ? FILE_SYNC4 : UNSTABLE4;
			op->commit = op->stable == UNSTABLE4 && rnd() % 2;
			fill(buf, op->len, op->seed);
			open_args(c, &oa, op->name, true, &op->a);
			nfs4_op_open(&op->cp, &oa);
			nfs4_op_getfh(&op->cp);
			nfs4_op_write(&op->cp, &nfs4_current_stateid, 0, op->stable, buf, op->len);
			if (op->commit)
				nfs4_op_commit(&op->cp, 0, 0);
			nfs4_op_close(&op->cp, &nfs4_current_stateid);
		} else {
			memset(&ca, 0, sizeof(ca));
			ca.type = op->kind == W_MKDIR ? NF4DIR : NF4LNK;
			ca.name = op->name;
			ca.linkdata = "target/of/a/symlink";
			ca.attrs = &op->a;
			nfs4_op_create(&op->cp, &ca);
		}
		return true;
	case W_WRITE:
		op->o = obj_pick(c, true);
		if (!op->o || op->o->pend)
			return false;
		op->len = op->o->len;
		op->seed = rnd() | 1;
		op->stable = rnd() % 2 ? FILE_SYNC4 : UNSTABLE4;
		op->commit = op->stable == UNSTABLE4 && rnd() % 2;
		fill(buf, op->len, op->seed);
		nfs4_op_putfh(&op->cp, &c->dir);
		open_args(c, &oa, op->o->name, false, NULL);
		nfs4_op_open(&op->cp, &oa);
		nfs4_op_write(&op->cp, &nfs4_current_stateid, 0, op->stable, buf, op->len);
		if (op->commit)
			nfs4_op_commit(&op->cp, 0, 0);
		nfs4_op_close(&op->cp, &nfs4_current_stateid);
		return true;
	case W_COMMIT_LATER:
		for (int i = 0; i < MAX_OBJS && !op->o; i++)
			if (c->o[i].used && c->o[i].pend)
				op->o = &c->o[i];
		if (!op->o)
			return false;
		nfs4_op_putfh(&op->cp, &op->o->fh);
		nfs4_op_commit(&op->cp, 0, 0);
		return true;
	case W_RENAME:
		op->o = obj_pick(c, false);
		if (!op->o)
			return false;
		snprintf(op->name, sizeof(op->name), "%c%u", op->o->name[0], c->gen++);
		nfs4_op_putfh(&op->cp, &c->dir);
		nfs4_op_savefh(&op->cp);
		nfs4_op_rename(&op->cp, op->o->name, op->name);
		return true;
	case W_REMOVE:
		op->o = obj_pick(c, false);
		if (!op->o || op->o->pend)
			return false;
		nfs4_op_putfh(&op->cp, &c->dir);
		nfs4_op_remove(&op->cp, op->o->name);
		return true;
	case W_RELABEL:
		op->o = obj_pick(c, false);
		if (!op->o)
			return false;
		new_label(c, op->label);
		set_label(&op->a, op->label);
		nfs4_op_putfh(&op->cp, &c->dir);
		nfs4_op_lookup(&op->cp, op->o->name);
		nfs4_op_setattr(&op->cp, &nfs4_anon_stateid, &op->a);
		return true;
	default:
		return false;
	}
}

/* The reply came: update the record.  Index 0 is the first op after
 * SEQUENCE (PUTFH). */
static void op_done(struct op *op, const struct nfs4_call *call)
{
	struct obj *o = op->o;
	nfsstat4 st = call->res.status;

	g.ops++;
	switch (op->kind) {
	case W_CREATE_FILE:
		if (st != NFS4_OK) {
			fail("%s: create %s: %s", op->c->dirname, op->name, nfs4_stat_name(st));
			return;
		}
		memset(o, 0, sizeof(*o));
		o->used = true;
		o->kind = K_REG;
		snprintf(o->name, sizeof(o->name), "%s", op->name);
		snprintf(o->label, sizeof(o->label), "%s", op->label);
		o->fh = nfs4_call_op(call, 2)->u.getfh;
		o->len = op->len;
		if (nfs4_call_op(call, 3)->u.write.count != op->len)
			fail("%s: create %s: short write", op->c->dirname, op->name);
		if (op->stable == FILE_SYNC4 || op->commit) {
			o->seed = op->seed;
		} else {
			/* stable content so far: none, i.e. any prefix of the
			 * pending data up to its length (seed 0 = "empty or
			 * a prefix", see check_data) */
			o->seed = 0;
			o->pend = true;
			o->pend_seed = op->seed;
			memcpy(o->pend_verf, nfs4_call_op(call, 3)->u.write.verifier,
			       NFS4_VERIFIER_SIZE);
		}
		if (op->commit &&
		    memcmp(nfs4_call_op(call, 3)->u.write.verifier,
			   nfs4_call_op(call, 4)->u.commit.verifier, NFS4_VERIFIER_SIZE))
			fail("%s: create %s: WRITE and COMMIT verifiers differ with no restart",
			     op->c->dirname, op->name);
		return;
	case W_MKDIR:
	case W_SYMLINK:
		if (st != NFS4_OK) {
			fail("%s: create %s: %s", op->c->dirname, op->name, nfs4_stat_name(st));
			return;
		}
		memset(o, 0, sizeof(*o));
		o->used = true;
		o->kind = op->kind == W_MKDIR ? K_DIR : K_LNK;
		snprintf(o->name, sizeof(o->name), "%s", op->name);
		snprintf(o->label, sizeof(o->label), "%s", op->label);
		return;
	case W_WRITE:
		if (st != NFS4_OK) {
			fail("%s: write %s: %s", op->c->dirname, o->name, nfs4_stat_name(st));
			return;
		}
		if (op->stable == FILE_SYNC4 || op->commit) {
			o->seed = op->seed;
		} else {
			o->pend = true;
			o->pend_seed = op->seed;
			memcpy(o->pend_verf, nfs4_call_op(call, 2)->u.write.verifier,
			       NFS4_VERIFIER_SIZE);
		}
		return;
	case W_COMMIT_LATER:
		if (st != NFS4_OK) {
			fail("%s: commit %s: %s", op->c->dirname, o->name, nfs4_stat_name(st));
			return;
		}
		if (memcmp(nfs4_call_op(call, 1)->u.commit.verifier, o->pend_verf,
			   NFS4_VERIFIER_SIZE))
			fail("%s: commit %s: verifier changed with no restart", op->c->dirname,
			     o->name);
		o->seed = o->pend_seed;
		o->pend = false;
		return;
	case W_RENAME:
		if (st != NFS4_OK) {
			fail("%s: rename %s: %s", op->c->dirname, o->name, nfs4_stat_name(st));
			return;
		}
		snprintf(o->name, sizeof(o->name), "%s", op->name);
		return;
	case W_REMOVE:
		if (st != NFS4_OK) {
			fail("%s: remove %s: %s", op->c->dirname, o->name, nfs4_stat_name(st));
			return;
		}
		o->used = false;
		return;
	case W_RELABEL:
		if (st != NFS4_OK) {
			fail("%s: relabel %s: %s", op->c->dirname, o->name, nfs4_stat_name(st));
			return;
		}
		snprintf(o->label, sizeof(o->label), "%s", op->label);
		return;
	default:
		return;
	}
}

/* No reply before the kill: the op may or may not have happened. */
static void op_lost(struct op *op)
{
	struct obj *o = op->o;

	switch (op->kind) {
	case W_CREATE_FILE:
	case W_MKDIR:
	case W_SYMLINK:
		memset(o, 0, sizeof(*o));
		o->used = true;
		o->maybe_absent = true;
		o->kind = op->kind == W_CREATE_FILE ? K_REG : op->kind == W_MKDIR ? K_DIR : K_LNK;
		snprintf(o->name, sizeof(o->name), "%s", op->name);
		snprintf(o->label, sizeof(o->label), "%s", op->label);
		if (o->kind == K_REG) {
			o->len = op->len;
			o->create_data = true;
			o->unsure_seed = op->seed;
		}
		return;
	case W_WRITE:
		o->data_unsure = true;
		o->unsure_seed = op->seed;
		return;
	case W_COMMIT_LATER:
		return;	/* still pending: resolved after the restart */
	case W_RENAME:
		snprintf(o->alt_name, sizeof(o->alt_name), "%s", op->name);
		return;
	case W_REMOVE:
		o->maybe_present = true;
		return;
	case W_RELABEL:
		snprintf(o->alt_label, sizeof(o->alt_label), "%s", op->label);
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------ checks */

/* Does the file's content fit the record?  Each byte is the stable byte,
 * or (pending, unsure) one of the newer ones; a creation in flight or an
 * UNSTABLE create not committed may leave a shorter file. */
static bool data_ok(const struct obj *o, const uint8_t *d, uint32_t len, char *why, size_t wlen)
{
	uint32_t seeds[3], ns = 0;
	bool prefix_ok = o->create_data || (o->seed == 0);

	if (o->seed)
		seeds[ns++] = o->seed;
	if (o->pend)
		seeds[ns++] = o->pend_seed;
	if (o->data_unsure || o->create_data)
		seeds[ns++] = o->unsure_seed;
	if (len != o->len && !(prefix_ok && len < o->len)) {
		snprintf(why, wlen, "size %u, want %u", len, o->len);
		return false;
	}
	for (uint32_t i = 0; i < len; i++) {
		bool ok = false;

		for (uint32_t k = 0; k < ns && !ok; k++)
			ok = d[i] == byte_at(seeds[k], i);
		if (!ok && prefix_ok && d[i] == 0)
			ok = true;	/* a hole before data that never came */
		if (!ok) {
			snprintf(why, wlen, "byte %u is %02x, none of the %u acceptable values", i,
				 d[i], ns);
			return false;
		}
	}
	return true;
}

static bool name_is(const struct xdr_view *v, const char *s)
{
	return v->len == strlen(s) && !memcmp(v->data, s, v->len);
}

static bool label_is(const struct nfs4_sec_label *l, const char *s)
{
	return s[0] && l->data.len == strlen(s) && !memcmp(l->data.data, s, l->data.len);
}

/* Read a regular file's content through NFS. */
static void check_file_data(struct client *c, struct obj *o, const char *name)
{
	struct nfs4_compound cp;
	struct nfs4_call *call;
	const struct nfs4_op_res *rd;
	char why[128];

	nfs4_compound_init(&cp);
	nfs4_op_putfh(&cp, &c->dir);
	nfs4_op_lookup(&cp, name);
	nfs4_op_getfh(&cp);
	nfs4_op_read(&cp, &nfs4_anon_stateid, 0, MAX_LEN + 1);
	call = run(c, &cp);
	nfs4_compound_release(&cp);
	rd = nfs4_call_op(call, 3);
	if (call->res.status != NFS4_OK || !rd) {
		fail("%s: read %s: %s", c->dirname, name, nfs4_stat_name(call->res.status));
	} else {
		o->fh = nfs4_call_op(call, 2)->u.getfh;
		if (!data_ok(o, rd->u.read.data.data, rd->u.read.data.len, why, sizeof(why)))
			fail("%s: %s: data lost or corrupt: %s (stable %s, pending %s, in flight %s)",
			     c->dirname, name, why, o->seed ? "yes" : "no", o->pend ? "yes" : "no",
			     o->data_unsure || o->create_data ? "yes" : "no");
		else if (o->seed && !o->pend && !o->data_unsure && !o->create_data)
			g.stable_checked++;
	}
	nfs4_call_free(call);
}

/* Rewrite a file FILE_SYNC with new content (what a client resends). */
static void resend(struct client *c, struct obj *o)
{
	static uint8_t buf[MAX_LEN];
	struct nfs4_compound cp;
	struct nfs4_open_args oa;
	struct nfs4_call *call;

	o->seed = rnd() | 1;
	fill(buf, o->len, o->seed);
	nfs4_compound_init(&cp);
	nfs4_op_putfh(&cp, &c->dir);
	open_args(c, &oa, o->name, false, NULL);
	nfs4_op_open(&cp, &oa);
	nfs4_op_write(&cp, &nfs4_current_stateid, 0, FILE_SYNC4, buf, o->len);
	nfs4_op_close(&cp, &nfs4_current_stateid);
	call = run(c, &cp);
	nfs4_compound_release(&cp);
	if (call->res.status != NFS4_OK)
		fail("%s: resend %s: %s", c->dirname, o->name, nfs4_stat_name(call->res.status));
	nfs4_call_free(call);
	o->pend = o->data_unsure = o->create_data = false;
	g.resends++;
}

/* After the restart: UNSTABLE data acknowledged before it is committed now;
 * the verifier must have changed, and the client resends. */
static void commit_pending(struct client *c, struct obj *o)
{
	struct nfs4_compound cp;
	struct nfs4_call *call;

	nfs4_compound_init(&cp);
	nfs4_op_putfh(&cp, &o->fh);
	nfs4_op_commit(&cp, 0, 0);
	call = run(c, &cp);
	nfs4_compound_release(&cp);
	if (call->res.status != NFS4_OK) {
		fail("%s: commit %s after restart: %s", c->dirname, o->name,
		     nfs4_stat_name(call->res.status));
	} else if (!memcmp(nfs4_call_op(call, 1)->u.commit.verifier, o->pend_verf,
			   NFS4_VERIFIER_SIZE)) {
		fail("%s: commit %s after restart: same write verifier as before the restart",
		     c->dirname, o->name);
	} else {
		g.verf_changes++;
	}
	nfs4_call_free(call);
}

static unsigned host_stage_entries(const char *dir)
{
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".lnfsd-stage-", 13))
			n++;
	closedir(d);
	return n;
}

/* Fallback store: entries and temporaries. */
static unsigned fallback_entries(void)
{
	char p[4400];
	struct dirent *de, *de2;
	unsigned n = 0;
	DIR *d, *d2;

	snprintf(p, sizeof(p), "%s/labels", g.state_dir);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		snprintf(p, sizeof(p), "%s/labels/%s", g.state_dir, de->d_name);
		d2 = opendir(p);
		while (d2 && (de2 = readdir(d2)))
			if (!strncmp(de2->d_name, ".tmp", 4))
				fail("temporary file left in the fallback store: %s/%s",
				     de->d_name, de2->d_name);
		if (d2)
			closedir(d2);
	}
	closedir(d);
	return n;
}

/* READDIR with type and label, against the record; resolve what was in
 * flight to what is there. */
static void check_dir(struct client *c)
{
	uint8_t verf[NFS4_VERIFIER_SIZE] = { 0 };
	bool seen[MAX_OBJS] = { false };
	bool seen_alt[MAX_OBJS] = { false };
	char seen_label[MAX_OBJS][LABEL_LEN];
	struct nfs4_compound cp;
	struct nfs4_call *call;
	struct nfs4_bitmap bm;
	const struct nfs4_op_res *r;
	uint64_t cookie = 0;
	bool eof = false, held = false;

	memset(seen_label, 0, sizeof(seen_label));
	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_SEC_LABEL, -1);
	while (!eof) {
		nfs4_compound_init(&cp);
		nfs4_op_putfh(&cp, &c->dir);
		nfs4_op_readdir(&cp, cookie, verf, 8192, 65536, &bm);
		call = run(c, &cp);
		nfs4_compound_release(&cp);
		r = nfs4_call_op(call, 1);
		if (call->res.status != NFS4_OK || !r)
			die("%s: readdir: %s", c->dirname, nfs4_stat_name(call->res.status));
		for (uint32_t j = 0; j < r->u.readdir.count; j++) {
			const struct nfs4_dirent *e = &r->u.readdir.entries[j];
			int k = -1;
			bool alt = false;

			cookie = e->cookie;
			if (e->name.len >= 13 && !memcmp(e->name.data, ".lnfsd-stage-", 13)) {
				fail("%s: staging entry visible over NFS: %.*s", c->dirname,
				     (int)e->name.len, (const char *)e->name.data);
				continue;
			}
			if (name_is(&e->name, "held")) {
				held = true;
				continue;
			}
			for (int i = 0; i < MAX_OBJS && k < 0; i++) {
				if (!c->o[i].used)
					continue;
				if (name_is(&e->name, c->o[i].name))
					k = i;
				else if (c->o[i].alt_name[0] && name_is(&e->name, c->o[i].alt_name))
					k = i, alt = true;
			}
			if (k < 0) {
				fail("%s: unexpected entry %.*s", c->dirname, (int)e->name.len,
				     (const char *)e->name.data);
				continue;
			}
			if (seen[k] || seen_alt[k])
				fail("%s: %s visible under both names", c->dirname, c->o[k].name);
			if (alt)
				seen_alt[k] = true;
			else
				seen[k] = true;
			if (e->attrs.type != (c->o[k].kind == K_REG ? NF4REG :
					      c->o[k].kind == K_DIR ? NF4DIR : NF4LNK))
				fail("%s: %s has type %u", c->dirname, c->o[k].name, e->attrs.type);
			if (label_is(&e->attrs.sec_label, c->o[k].label))
				snprintf(seen_label[k], LABEL_LEN, "%s", c->o[k].label);
			else if (label_is(&e->attrs.sec_label, c->o[k].alt_label))
				snprintf(seen_label[k], LABEL_LEN, "%s", c->o[k].alt_label);
			else
				fail("%s: %.*s has label '%.*s', want '%s'%s%s", c->dirname,
				     (int)e->name.len, (const char *)e->name.data,
				     (int)e->attrs.sec_label.data.len,
				     (const char *)e->attrs.sec_label.data.data, c->o[k].label,
				     c->o[k].alt_label[0] ? " or " : "", c->o[k].alt_label);
		}
		memcpy(verf, r->u.readdir.verifier, sizeof(verf));
		eof = r->u.readdir.eof;
		nfs4_call_free(call);
	}
	if (!held)
		fail("%s: the held-open file is gone", c->dirname);
	for (int i = 0; i < MAX_OBJS; i++) {
		struct obj *o = &c->o[i];
		bool present = seen[i] || seen_alt[i];

		if (!o->used)
			continue;
		if (!present && !o->maybe_absent && !o->maybe_present && !o->alt_name[0])
			fail("%s: %s (acknowledged) is missing", c->dirname, o->name);
		if (!present && o->alt_name[0] && !o->maybe_absent)
			fail("%s: %s is missing under both its old and new name", c->dirname,
			     o->name);
		if (o->maybe_absent || o->maybe_present || o->alt_name[0] || o->alt_label[0])
			g.unsure_resolved++;
		if (!present) {
			o->used = false;
			continue;
		}
		if (seen_alt[i])
			snprintf(o->name, sizeof(o->name), "%s", o->alt_name);
		if (seen_label[i][0])
			memcpy(o->label, seen_label[i], LABEL_LEN);
		o->alt_name[0] = o->alt_label[0] = '\0';
		o->maybe_absent = o->maybe_present = false;
		if (o->kind == K_REG) {
			check_file_data(c, o, o->name);
			if (o->pend)
				commit_pending(c, o);
			if (o->pend || o->data_unsure || o->create_data)
				resend(c, o);
		}
	}
}

/* After a restart: a new session under the same owner, reclaim of the held
 * open, RECLAIM_COMPLETE. */
static void reclaim(struct client *c)
{
	struct nfs4_compound cp;
	struct nfs4_open_args oa;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_client_free(c->cl);
	c->cl = NULL;
	connect_client(c);
	open_args(c, &oa, NULL, false, NULL);
	nfs4_compound_init(&cp);
	nfs4_op_putfh(&cp, &c->held_fh);
	nfs4_op_open(&cp, &oa);
	call = run(c, &cp);
	nfs4_compound_release(&cp);
	st = op_status(call, 1);
	if (st != NFS4_OK)
		fail("%s: reclaim of the held open: %s", c->dirname, nfs4_stat_name(st));
	else {
		c->held_sid = nfs4_call_op(call, 1)->u.open.stateid;
		g.reclaims++;
	}
	nfs4_call_free(call);
	if (nfs4_client_reclaim_complete(c->cl) != 0)
		fail("%s: RECLAIM_COMPLETE: %s", c->dirname, nfs4_client_error(c->cl));
}

static void check_all(void)
{
	unsigned fb_links = 0, nfb;

	/* left by the killed server; the READDIR of check_dir() removes them */
	for (int i = 0; i < NCLIENTS; i++)
		g.stage_found += host_stage_entries(g.c[i].hostdir);
	for (int i = 0; i < NCLIENTS; i++)
		check_dir(&g.c[i]);
	for (int i = 0; i < NCLIENTS; i++) {
		unsigned n = host_stage_entries(g.c[i].hostdir);

		if (n) {
			fail("%s: %u staging entries still on the host after a READDIR",
			     g.c[i].dirname, n);
			g.stage_left += n;
		}
	}
	/* client B's domain keeps symlink labels in the fallback store */
	for (int i = 0; i < MAX_OBJS; i++)
		fb_links += g.c[1].o[i].used && g.c[1].o[i].kind == K_LNK;
	nfb = fallback_entries();
	if (nfb != fb_links)
		fail("the fallback store holds %u entries for %u labelled symlinks", nfb,
		     fb_links);
	else
		g.fb_checked++;
}

/* ------------------------------------------------------------ loop */

/* Run ops, the last one with the kill in flight. */
static void workload_then_kill(void)
{
	unsigned n = 1 + rnd() % 30;
	struct op op;

	for (unsigned i = 0; i < n; i++) {
		struct client *c = &g.c[rnd() % NCLIENTS];
		struct nfs4_call *call;

		if (!op_build(&op, c)) {
			nfs4_compound_release(&op.cp);
			if (i + 1 == n && n < 200)
				n++;	/* the kill comes with an op in flight */
			continue;
		}
		if (i + 1 < n) {
			call = run(c, &op.cp);
			op_done(&op, call);
			nfs4_call_free(call);
			nfs4_compound_release(&op.cp);
			continue;
		}
		/* the last: submitted, then SIGKILL at once or after up to
		 * 0.2, 1 or 3 ms (a reply takes about 0.1-1 ms here) */
		if (nfs4_submit(c->cl, &op.cp, NULL, NULL, &call) != 0)
			die("%s: submit: %s", c->dirname, nfs4_client_error(c->cl));
		switch (rnd() % 4) {
		case 0:
			break;
		case 1:
			usleep(rnd() % 200);
			break;
		case 2:
			usleep(rnd() % 1000);
			break;
		default:
			usleep(rnd() % 3000);
			break;
		}
		server_kill();
		nfs4_poll(c->cl, 0);
		if (call->done && call->error == 0 && call->parsed) {
			g.acked_before_kill++;
			op_done(&op, call);
		} else {
			g.inflight_kills++;
			op_lost(&op);
		}
		nfs4_call_free(call);
		nfs4_compound_release(&op.cp);
		return;
	}
	server_kill();
}

int main(int argc, char **argv)
{
	unsigned long iterations;
	unsigned seconds;
	time_t end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 8 || argc > 10) {
		fprintf(stderr, "usage: lnfs_crash LNFSD CONF EXPORT STATE_DIR PORT LOG "
				"ITERATIONS [SECONDS [SEED]]\n");
		return 2;
	}
	g.lnfsd = argv[1];
	g.conf = argv[2];
	g.export = argv[3];
	g.state_dir = argv[4];
	g.port = argv[5];
	g.log = argv[6];
	iterations = strtoul(argv[7], NULL, 10);
	seconds = argc > 8 ? (unsigned)strtoul(argv[8], NULL, 10) : 0;
	g.rng = argc > 9 ? strtoull(argv[9], NULL, 0) : (uint64_t)time(NULL) * 2654435761u;
	if (!g.rng)
		g.rng = 1;
	printf("lnfs_crash: seed %llu\n", (unsigned long long)g.rng);
	end = time(NULL) + seconds;

	g.c[0].src = "127.0.0.1";
	g.c[0].domain = "a";
	g.c[1].src = "127.0.0.2";
	g.c[1].domain = "b";
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &g.c[i];

		snprintf(c->owner, sizeof(c->owner), "lnfs_crash.%d.%s", (int)getpid(), c->domain);
		snprintf(c->dirname, sizeof(c->dirname), "client-%s", c->domain);
		snprintf(c->hostdir, sizeof(c->hostdir), "%s/%s", g.export, c->dirname);
		if (mkdir(c->hostdir, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", c->hostdir, strerror(errno));
	}
	server_start();
	for (int i = 0; i < NCLIENTS; i++)
		client_init(&g.c[i]);

	while (g.kills < iterations && (!seconds || time(NULL) < end)) {
		workload_then_kill();
		g.kills++;
		server_start();
		for (int i = 0; i < NCLIENTS; i++)
			reclaim(&g.c[i]);
		check_all();
		if (g.kills % 50 == 0)
			printf("lnfs_crash: %lu kills, %lu ops, %lu failures\n", g.kills, g.ops,
			       g.failures);
	}
	server_kill();
	printf("lnfs_crash: %lu kills (%lu with a call in flight, %lu answered just before), "
	       "%lu ops acknowledged, %lu stable files verified, %lu in-flight outcomes resolved, "
	       "%lu reclaims, %lu verifier changes seen, %lu resends, %lu fallback-store checks, "
	       "%lu staging entries left by a kill (%lu after READDIR), %lu failures\n",
	       g.kills, g.inflight_kills, g.acked_before_kill, g.ops, g.stable_checked,
	       g.unsure_resolved, g.reclaims, g.verf_changes, g.resends, g.fb_checked,
	       g.stage_found, g.stage_left, g.failures);
	return g.failures ? 1 : 0;
}
