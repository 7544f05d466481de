/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_cli.c - nfs4cli, a command-line front end to the test client library
 * for shell-driven integration tests and manual poking at a server.
 *
 *   nfs4cli [-s ADDR] [-p PORT] [-b SRCADDR] [-u UID -g GID] [-m MINOR] CMD ARGS
 *
 * Server paths are resolved from the root filehandle one LOOKUP per
 * component.  Every failure prints the failing op and its nfsstat4 and
 * exits 1; usage errors exit 2.  Defaults for -s/-p come from LNFS_SERVER
 * and LNFS_PORT when set.
 */
#include "tests/lib/nfs4_client.h"
#ifdef NFS4CLI_GSS
#include "tests/lib/nfs4_gss.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *prog = "nfs4cli";
static struct nfs4_client *g_cl;	/* torn down by die() so the server forgets us */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (g_cl) {
		struct nfs4_client *cl = g_cl;

		g_cl = NULL;
		nfs4_client_teardown(cl);
		nfs4_client_free(cl);
	}
	exit(1);
}

/* Run c; on any failure print what failed and exit. */
static struct nfs4_call *run(struct nfs4_client *cl, const struct nfs4_compound *c,
			     const char *what)
{
	struct nfs4_call *call = NULL;
	const struct nfs4_op_res *bad;

	if (nfs4_call_sync(cl, c, &call) < 0)
		die("%s: %s", what, nfs4_client_error(cl));
	if (call->rpc.reply_stat != 0 || call->rpc.accept_stat != 0) {
		die("%s: RPC reply_stat %u accept_stat %u", what, call->rpc.reply_stat,
		    call->rpc.accept_stat);
	}
	if (call->res.status != NFS4_OK) {
		bad = nfs4_call_failed_op(call);
		die("%s: %s failed: %s (%u)", what, bad ? nfs4_op_name(bad->op) : "?",
		    nfs4_stat_name(call->res.status), call->res.status);
	}
	return call;
}

/* Split "/a/b/c" into parent "/a/b" and name "c". */
static void split_path(const char *path, char *parent, size_t plen, const char **name)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(parent, plen, "/");
		*name = path;
		return;
	}
	snprintf(parent, plen, "%.*s", (int)(slash - path), path);
	*name = slash + 1;
	if (!**name)
		die("%s: no file name in path", path);
}

static void lookup(struct nfs4_client *cl, const char *path, struct nfs4_fh *fh)
{
	int rc = nfs4_lookup_path(cl, path, fh, NULL);

	if (rc != 0)
		die("%s", nfs4_client_error(cl));
}

static const char *type_name(uint32_t t)
{
	static const char *const names[] = { "?", "reg", "dir", "blk", "chr",
					     "lnk", "sock", "fifo", "attrdir", "namedattr" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

struct ls_entry {
	char *name;
	struct nfs4_attrs a;
};

static int cmp_entry(const void *x, const void *y)
{
	return strcmp(((const struct ls_entry *)x)->name, ((const struct ls_entry *)y)->name);
}

/* Every entry of directory path, in directory order, through fn: READDIR
 * with the attributes in bm, following cookies to eof.  what names the
 * command in errors. */
static void readdir_each(struct nfs4_client *cl, const char *path, const struct nfs4_bitmap *bm,
			 const char *what, void (*fn)(void *arg, const struct nfs4_dirent *e),
			 void *arg)
{
	struct nfs4_fh fh;
	uint8_t verf[NFS4_VERIFIER_SIZE] = { 0 };
	uint64_t cookie = 0;
	bool eof = false;

	lookup(cl, path, &fh);
	while (!eof) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_readdir(&c, cookie, verf, 8192, 32768, bm);
		call = run(cl, &c, what);
		r = nfs4_call_op(call, 1);
		if (!r)
			die("%s: no READDIR result", what);
		for (uint32_t i = 0; i < r->u.readdir.count; i++) {
			fn(arg, &r->u.readdir.entries[i]);
			cookie = r->u.readdir.entries[i].cookie;
		}
		memcpy(verf, r->u.readdir.verifier, sizeof(verf));
		eof = r->u.readdir.eof;
		if (!eof && r->u.readdir.count == 0)
			die("%s: server returned no entries and no eof", what);
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
}

static void print_lsz(void *arg, const struct nfs4_dirent *e)
{
	const struct nfs4_sec_label *l = &e->attrs.sec_label;

	(void)arg;
	printf("%.*s %u %u %.*s\n", (int)e->name.len, (const char *)e->name.data, l->lfs, l->pi,
	       (int)l->data.len, (const char *)l->data.data);
}

/* lsz DIR: READDIR with sec_label requested; "name lfs pi label" per entry,
 * in directory order (labels as this client's domain sees them). */
static int cmd_lsz(struct nfs4_client *cl, const char *path)
{
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_SEC_LABEL, -1);
	readdir_each(cl, path, &bm, "lsz", print_lsz, NULL);
	return 0;
}

/* verifylabel PATH LABEL [LFS PI]: VERIFY of sec_label; prints "same" (exit 0)
 * or "not same" (exit 1). */
static int cmd_verifylabel(struct nfs4_client *cl, const char *path, const char *label,
			   uint32_t lfs, uint32_t pi)
{
	struct nfs4_setattrs sa;
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;
	struct nfs4_fh fh;
	int rc;

	lookup(cl, path, &fh);
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_set(&sa.mask, FATTR4_SEC_LABEL);
	sa.label = label;
	sa.label_len = (uint32_t)strlen(label);
	sa.label_lfs = lfs;
	sa.label_pi = pi;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_verify(&c, &sa);
	if (nfs4_call_sync(cl, &c, &call) < 0)
		die("verifylabel: %s", nfs4_client_error(cl));
	if (call->res.status == NFS4_OK) {
		printf("same\n");
		rc = 0;
	} else if (call->res.status == NFS4ERR_NOT_SAME) {
		printf("not same\n");
		rc = 1;
	} else {
		die("verifylabel: VERIFY failed: %s (%u)", nfs4_stat_name(call->res.status),
		    call->res.status);
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return rc;
}

struct ls_list {
	struct ls_entry *ents;
	size_t n, cap;
};

static void collect_ls(void *arg, const struct nfs4_dirent *e)
{
	struct ls_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ents = realloc(l->ents, l->cap * sizeof(*l->ents));
		if (!l->ents)
			die("out of memory");
	}
	l->ents[l->n].name = strndup((const char *)e->name.data, e->name.len);
	l->ents[l->n].a = e->attrs;
	l->n++;
}

static int cmd_ls(struct nfs4_client *cl, const char *path)
{
	struct nfs4_bitmap bm;
	struct ls_list l = { NULL, 0, 0 };
	struct ls_entry *ents;
	size_t n;

	nfs4_bitmap_of(&bm, FATTR4_TYPE, FATTR4_SIZE, FATTR4_FILEID, FATTR4_MODE,
		       FATTR4_RDATTR_ERROR, -1);
	readdir_each(cl, path, &bm, "ls", collect_ls, &l);
	ents = l.ents;
	n = l.n;
	qsort(ents, n, sizeof(*ents), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		printf("%s %s %" PRIu64 " %04o %" PRIu64 "\n", ents[i].name,
		       type_name(ents[i].a.type), ents[i].a.size, ents[i].a.mode & 07777,
		       ents[i].a.fileid);
		free(ents[i].name);
	}
	free(ents);
	return 0;
}

static void print_fh(const char *prefix, const uint8_t *data, uint32_t len)
{
	printf("%s", prefix);
	for (uint32_t i = 0; i < len; i++)
		printf("%02x", data[i]);
	printf("\n");
}

static void print_time(const char *name, const struct nfs4_time *t)
{
	printf("%s: %" PRId64 ".%09u\n", name, t->sec, t->nsec);
}

static int cmd_stat_fh(struct nfs4_client *cl, const struct nfs4_fh *fhp)
{
	struct nfs4_fh fh = *fhp;
	struct nfs4_bitmap bm;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_attrs *a;

	nfs4_bitmap_common(&bm);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_getattr(&c, &bm);
	call = run(cl, &c, "stat");
	a = &nfs4_call_op(call, 1)->u.getattr;
	printf("type: %s\n", type_name(a->type));
	printf("size: %" PRIu64 "\n", a->size);
	printf("mode: %04o\n", a->mode & 07777);
	printf("nlink: %u\n", a->numlinks);
	printf("owner: %.*s\n", (int)a->owner.len, (const char *)a->owner.data);
	printf("group: %.*s\n", (int)a->owner_group.len, (const char *)a->owner_group.data);
	printf("fileid: %" PRIu64 "\n", a->fileid);
	printf("fsid: %" PRIu64 ".%" PRIu64 "\n", a->fsid.major, a->fsid.minor);
	printf("change: %" PRIu64 "\n", a->change);
	printf("space_used: %" PRIu64 "\n", a->space_used);
	printf("rawdev: %u,%u\n", a->rawdev.major, a->rawdev.minor);
	printf("mounted_on_fileid: %" PRIu64 "\n", a->mounted_on_fileid);
	print_time("atime", &a->time_access);
	print_time("mtime", &a->time_modify);
	print_time("ctime", &a->time_metadata);
	printf("fh: ");
	for (uint32_t i = 0; i < fh.len; i++)
		printf("%02x", fh.data[i]);
	printf("\n");
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return 0;
}

/* OPEN name in the directory of path; fills fh and stateid. */
static void open_file(struct nfs4_client *cl, const char *path, uint32_t access,
		      const struct nfs4_setattrs *create, struct nfs4_fh *fh,
		      struct nfs4_stateid *sid)
{
	char parent[4096];
	const char *name;
	struct nfs4_fh dir;
	struct nfs4_compound c;
	struct nfs4_open_args oa;
	struct nfs4_call *call;

	split_path(path, parent, sizeof(parent), &name);
	lookup(cl, parent, &dir);
	memset(&oa, 0, sizeof(oa));
	oa.share_access = access | OPEN4_SHARE_ACCESS_WANT_NO_DELEG;
	oa.share_deny = OPEN4_SHARE_DENY_NONE;
	oa.clientid = nfs4_client_clientid(cl);
	oa.owner = "nfs4cli";
	oa.owner_len = 7;
	oa.claim = CLAIM_NULL;
	oa.name = name;
	if (create) {
		oa.create = true;
		oa.createmode = UNCHECKED4;
		oa.attrs = create;
	}
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dir);
	nfs4_op_open(&c, &oa);
	nfs4_op_getfh(&c);
	call = run(cl, &c, "open");
	*sid = nfs4_call_op(call, 1)->u.open.stateid;
	*fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void close_file(struct nfs4_client *cl, const struct nfs4_fh *fh,
		       const struct nfs4_stateid *sid)
{
	struct nfs4_compound c;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_close(&c, sid);
	nfs4_call_free(run(cl, &c, "close"));
	nfs4_compound_release(&c);
}

/* lock PATH: open PATH for writing and try a whole-file WRITE_LT lock.
 * Granted: print "granted", release it, exit 0.  Conflict: print "denied"
 * with the holder's range, exit 3. */
static int cmd_lock(struct nfs4_client *cl, const char *path)
{
	static const char owner[] = "nfs4cli-lock";
	struct nfs4_compound c;
	struct nfs4_call *call = NULL;
	const struct nfs4_op_res *r;
	struct nfs4_fh fh;
	struct nfs4_stateid sid, lsid;
	int rc;

	open_file(cl, path, OPEN4_SHARE_ACCESS_BOTH, NULL, &fh, &sid);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lock(&c, WRITE_LT, false, 0, NFS4_UINT64_MAX, true, &sid, owner,
		     sizeof(owner) - 1);
	if (nfs4_call_sync(cl, &c, &call) < 0)
		die("lock: %s", nfs4_client_error(cl));
	nfs4_compound_release(&c);
	r = nfs4_call_op(call, 1);
	if (call->res.status == NFS4ERR_DENIED && r) {
		printf("denied: held over %" PRIu64 "+%" PRIu64 " by clientid %" PRIx64 "\n",
		       r->u.lock.offset, r->u.lock.length, r->u.lock.clientid);
		rc = 3;
	} else if (call->res.status == NFS4_OK && r) {
		printf("granted\n");
		lsid = r->u.lock.stateid;
		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_locku(&c, WRITE_LT, &lsid, 0, NFS4_UINT64_MAX);
		nfs4_call_free(run(cl, &c, "locku"));
		nfs4_compound_release(&c);
		lsid.seqid = 0;
		nfs4_compound_init(&c);
		nfs4_op_free_stateid(&c, &lsid);
		nfs4_call_free(run(cl, &c, "free_stateid"));
		nfs4_compound_release(&c);
		rc = 0;
	} else {
		die("lock: LOCK failed: %s (%u)", nfs4_stat_name(call->res.status), call->res.status);
	}
	nfs4_call_free(call);
	close_file(cl, &fh, &sid);
	return rc;
}

static uint32_t io_size(uint32_t max)
{
	uint32_t n = max > 2048 ? max - 1024 : 1024;

	return n > (1u << 20) ? 1u << 20 : n;
}

static int cmd_cat(struct nfs4_client *cl, const char *path)
{
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	uint32_t chunk = io_size(nfs4_client_fore(cl)->maxresponsesize);
	uint64_t off = 0;
	bool eof = false;

	open_file(cl, path, OPEN4_SHARE_ACCESS_READ, NULL, &fh, &sid);
	while (!eof) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		nfs4_op_read(&c, &sid, off, chunk);
		call = run(cl, &c, "cat");
		r = nfs4_call_op(call, 1);
		if (r->u.read.data.len &&
		    fwrite(r->u.read.data.data, 1, r->u.read.data.len, stdout) !=
			    r->u.read.data.len)
			die("cat: %s", strerror(errno));
		off += r->u.read.data.len;
		eof = r->u.read.eof || r->u.read.data.len == 0;
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	close_file(cl, &fh, &sid);
	return 0;
}

static int cmd_put(struct nfs4_client *cl, const char *local, const char *path)
{
	struct nfs4_setattrs sa;
	struct nfs4_fh fh;
	struct nfs4_stateid sid;
	uint32_t chunk = io_size(nfs4_client_fore(cl)->maxrequestsize);
	uint8_t *buf = malloc(chunk);
	uint64_t off = 0;
	int fd = open(local, O_RDONLY);
	ssize_t n;

	if (fd < 0 || !buf)
		die("%s: %s", local, strerror(errno));
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_SIZE, FATTR4_MODE, -1);
	sa.size = 0;
	sa.mode = 0644;
	open_file(cl, path, OPEN4_SHARE_ACCESS_WRITE, &sa, &fh, &sid);
	while ((n = read(fd, buf, chunk)) > 0) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;
		uint32_t done = 0;

		while (done < (uint32_t)n) {
			nfs4_compound_init(&c);
			nfs4_op_putfh(&c, &fh);
			nfs4_op_write(&c, &sid, off, FILE_SYNC4, buf + done, (uint32_t)n - done);
			call = run(cl, &c, "put");
			r = nfs4_call_op(call, 1);
			if (r->u.write.count == 0)
				die("put: %s", "server wrote 0 bytes");
			done += r->u.write.count;
			off += r->u.write.count;
			nfs4_call_free(call);
			nfs4_compound_release(&c);
		}
	}
	if (n < 0)
		die("%s: %s", local, strerror(errno));
	close(fd);
	free(buf);
	close_file(cl, &fh, &sid);
	return 0;
}

static int cmd_mkdir(struct nfs4_client *cl, const char *path)
{
	char parent[4096];
	const char *name;
	struct nfs4_fh dir;
	struct nfs4_setattrs sa;
	struct nfs4_create_args ca = { .type = NF4DIR };
	struct nfs4_compound c;

	split_path(path, parent, sizeof(parent), &name);
	lookup(cl, parent, &dir);
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_MODE, -1);
	sa.mode = 0755;
	ca.name = name;
	ca.attrs = &sa;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dir);
	nfs4_op_create(&c, &ca);
	nfs4_call_free(run(cl, &c, "mkdir"));
	nfs4_compound_release(&c);
	return 0;
}

/* symlink TARGET PATH, mkfifo PATH, mksock PATH, mkchr PATH MAJOR MINOR:
 * CREATE of NF4LNK / NF4FIFO / NF4SOCK / NF4CHR (mode 0644; symlinks have
 * no mode). */
static int cmd_create(struct nfs4_client *cl, uint32_t type, const char *target,
		      const char *path, uint32_t major, uint32_t minor, bool print)
{
	struct nfs4_call *call;
	char parent[4096];
	const char *name;
	struct nfs4_fh dir;
	struct nfs4_setattrs sa;
	struct nfs4_create_args ca = { .type = type };
	struct nfs4_compound c;

	split_path(path, parent, sizeof(parent), &name);
	lookup(cl, parent, &dir);
	memset(&sa, 0, sizeof(sa));
	if (type != NF4LNK) {
		nfs4_bitmap_of(&sa.mask, FATTR4_MODE, -1);
		sa.mode = 0644;
	}
	ca.name = name;
	ca.linkdata = target;
	ca.specmajor = major;
	ca.specminor = minor;
	ca.attrs = &sa;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dir);
	nfs4_op_create(&c, &ca);
	if (print)
		nfs4_op_getfh(&c);
	call = run(cl, &c, "create");
	if (print)
		print_fh("fh: ", nfs4_call_op(call, 2)->u.getfh.data,
			 nfs4_call_op(call, 2)->u.getfh.len);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return 0;
}

/* mv OLD NEW: one RENAME (SAVEFH of OLD's directory, PUTFH of NEW's). */
static int cmd_mv(struct nfs4_client *cl, const char *from, const char *to)
{
	char pfrom[4096], pto[4096];
	const char *nfrom, *nto;
	struct nfs4_fh dfrom, dto;
	struct nfs4_compound c;

	split_path(from, pfrom, sizeof(pfrom), &nfrom);
	split_path(to, pto, sizeof(pto), &nto);
	lookup(cl, pfrom, &dfrom);
	lookup(cl, pto, &dto);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dfrom);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, &dto);
	nfs4_op_rename(&c, nfrom, nto);
	nfs4_call_free(run(cl, &c, "mv"));
	nfs4_compound_release(&c);
	return 0;
}

/* ln OLD NEW: one LINK (SAVEFH of OLD, PUTFH of NEW's directory). */
static int cmd_ln(struct nfs4_client *cl, const char *from, const char *to)
{
	char pto[4096];
	const char *nto;
	struct nfs4_fh src, dto;
	struct nfs4_compound c;

	split_path(to, pto, sizeof(pto), &nto);
	lookup(cl, from, &src);
	lookup(cl, pto, &dto);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &src);
	nfs4_op_savefh(&c);
	nfs4_op_putfh(&c, &dto);
	nfs4_op_link(&c, nto);
	nfs4_call_free(run(cl, &c, "ln"));
	nfs4_compound_release(&c);
	return 0;
}

/* lsfh DIR: "NAME HEXHANDLE" per entry, from READDIR's filehandle
 * attribute. */
static void print_lsfh(void *arg, const struct nfs4_dirent *e)
{
	(void)arg;
	printf("%.*s ", (int)e->name.len, (const char *)e->name.data);
	print_fh("", e->attrs.filehandle.data, e->attrs.filehandle.len);
}

static int cmd_lsfh(struct nfs4_client *cl, const char *path)
{
	struct nfs4_bitmap bm;

	nfs4_bitmap_of(&bm, FATTR4_FILEHANDLE, FATTR4_RDATTR_ERROR, -1);
	readdir_each(cl, path, &bm, "lsfh", print_lsfh, NULL);
	return 0;
}

/* openfh PATH: OPEN (creating PATH if missing, UNCHECKED4) and print the
 * handle GETFH returns after it, then CLOSE. */
static int cmd_openfh(struct nfs4_client *cl, const char *path)
{
	struct nfs4_setattrs sa;
	struct nfs4_stateid sid;
	struct nfs4_fh fh;

	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_MODE, -1);
	sa.mode = 0644;
	open_file(cl, path, OPEN4_SHARE_ACCESS_READ, &sa, &fh, &sid);
	print_fh("fh: ", fh.data, fh.len);
	close_file(cl, &fh, &sid);
	return 0;
}

static int cmd_rm(struct nfs4_client *cl, const char *path)
{
	char parent[4096];
	const char *name;
	struct nfs4_fh dir;
	struct nfs4_compound c;

	split_path(path, parent, sizeof(parent), &name);
	lookup(cl, parent, &dir);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &dir);
	nfs4_op_remove(&c, name);
	nfs4_call_free(run(cl, &c, "rm"));
	nfs4_compound_release(&c);
	return 0;
}

static int cmd_getlabel(struct nfs4_client *cl, const char *path)
{
	struct nfs4_fh fh;
	struct nfs4_bitmap bm;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct nfs4_attrs *a;

	lookup(cl, path, &fh);
	nfs4_bitmap_of(&bm, FATTR4_SEC_LABEL, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_getattr(&c, &bm);
	call = run(cl, &c, "getlabel");
	a = &nfs4_call_op(call, 1)->u.getattr;
	if (!nfs4_attrs_has(a, FATTR4_SEC_LABEL))
		die("getlabel: %s", "server returned no sec_label (unsupported)");
	printf("%u %u %.*s\n", a->sec_label.lfs, a->sec_label.pi, (int)a->sec_label.data.len,
	       (const char *)a->sec_label.data.data);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return 0;
}

static int cmd_setlabel(struct nfs4_client *cl, const char *path, const char *label,
			uint32_t lfs, uint32_t pi)
{
	struct nfs4_fh fh;
	struct nfs4_setattrs sa;
	struct nfs4_compound c;

	lookup(cl, path, &fh);
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_SEC_LABEL, -1);
	sa.label_lfs = lfs;
	sa.label_pi = pi;
	sa.label = label;
	sa.label_len = (uint32_t)strlen(label);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &sa);
	nfs4_call_free(run(cl, &c, "setlabel"));
	nfs4_compound_release(&c);
	return 0;
}

/* chown PATH OWNER GROUP: SETATTR of owner and owner_group ("0", "root"). */
static int cmd_chown(struct nfs4_client *cl, const char *path, const char *owner,
		     const char *group)
{
	struct nfs4_fh fh;
	struct nfs4_setattrs sa;
	struct nfs4_compound c;

	lookup(cl, path, &fh);
	memset(&sa, 0, sizeof(sa));
	nfs4_bitmap_of(&sa.mask, FATTR4_OWNER, FATTR4_OWNER_GROUP, -1);
	sa.owner = owner;
	sa.owner_group = group;
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_setattr(&c, &nfs4_anon_stateid, &sa);
	nfs4_call_free(run(cl, &c, "chown"));
	nfs4_compound_release(&c);
	return 0;
}

/* readlink PATH: the symlink's text, as stored. */
static int cmd_readlink(struct nfs4_client *cl, const char *path)
{
	struct nfs4_fh fh;
	struct nfs4_compound c;
	struct nfs4_call *call;
	const struct xdr_view *v;

	lookup(cl, path, &fh);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_readlink(&c);
	call = run(cl, &c, "readlink");
	v = &nfs4_call_op(call, 1)->u.readlink;
	printf("%.*s\n", (int)v->len, (const char *)v->data);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return 0;
}

/* parent PATH: LOOKUPP from PATH, then what stat prints for the result. */
static int cmd_parent(struct nfs4_client *cl, const char *path)
{
	struct nfs4_fh fh;
	struct nfs4_compound c;
	struct nfs4_call *call;

	lookup(cl, path, &fh);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_lookupp(&c);
	nfs4_op_getfh(&c);
	call = run(cl, &c, "parent");
	fh = nfs4_call_op(call, 2)->u.getfh;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return cmd_stat_fh(cl, &fh);
}

static int cmd_stat(struct nfs4_client *cl, const char *path)
{
	struct nfs4_fh fh;

	lookup(cl, path, &fh);
	return cmd_stat_fh(cl, &fh);
}

/* statfh HEX: GETATTR of a handle given in hex (e.g. one printed by stat
 * before a server restart). */
static int cmd_statfh(struct nfs4_client *cl, const char *hex)
{
	struct nfs4_fh fh;
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > NFS4_FHSIZE)
		die("statfh: %s is not a handle in hex", hex);
	memset(&fh, 0, sizeof(fh));
	for (i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("statfh: %s is not a handle in hex", hex);
		fh.data[i] = (uint8_t)v;
	}
	fh.len = (uint32_t)(n / 2);
	return cmd_stat_fh(cl, &fh);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-s ADDR] [-p PORT] [-b SRCADDR] [-u UID -g GID] [-m MINOR]\n"
		"       [-k PRINCIPAL [-K krb5|krb5i|krb5p] [-t SERVICE@HOST]] CMD ARGS\n"
		"(-k: RPCSEC_GSS as PRINCIPAL, keys from $LNFS_CLIENT_KEYTAB or the\n"
		" default ccache, nfs4cli-gss only; -t default nfs@localhost)\n"
		"commands: ls PATH | stat PATH | cat PATH | getlabel PATH |\n"
		"          setlabel PATH LABEL [LFS PI] | put LOCALFILE PATH | mkdir PATH |\n"
		"          rm PATH | statfh HEXHANDLE | lock PATH | symlink TARGET PATH |\n"
		"          mkfifo PATH | mksock PATH | mkchr PATH MAJOR MINOR |\n"
		"          mv OLDPATH NEWPATH | lsz DIR | verifylabel PATH LABEL [LFS PI] |\n"
		"          chown PATH OWNER GROUP | readlink PATH | parent PATH | null |\n"
		"          ln OLDPATH NEWPATH | lsfh DIR | openfh PATH | mkfifofh PATH\n",
		prog);
	exit(2);
}

static uint32_t num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX)
		usage();
	return (uint32_t)v;
}

int main(int argc, char **argv)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	const char *cmd, *principal = NULL, *target = "nfs@localhost";
	uint32_t service = 3; /* krb5p */
	int ch, rc;

	nfs4_client_opts_init(&o);
	if (getenv("LNFS_SERVER"))
		o.host = getenv("LNFS_SERVER");
	if (getenv("LNFS_PORT"))
		o.port = getenv("LNFS_PORT");
	while ((ch = getopt(argc, argv, "s:p:b:u:g:m:k:K:t:h")) != -1) {
		switch (ch) {
		case 'k':
			principal = optarg;
			break;
		case 'K':
			service = !strcmp(optarg, "krb5")  ? 1 :
				  !strcmp(optarg, "krb5i") ? 2 :
				  !strcmp(optarg, "krb5p") ? 3 : 0;
			if (!service)
				usage();
			break;
		case 't':
			target = optarg;
			break;
		case 's':
			o.host = optarg;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 'b':
			o.src_addr = optarg;
			break;
		case 'u':
			o.uid = num(optarg);
			break;
		case 'g':
			o.gid = num(optarg);
			break;
		case 'm':
			o.minor = num(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	rc = nfs4_client_connect(&o, &cl);
	if (rc < 0) {
		fprintf(stderr, "%s: connect %s port %s: %s\n", prog, o.host, o.port,
			strerror(-rc));
		return 1;
	}
	if (principal) {
#ifdef NFS4CLI_GSS
		struct nfs4_gss_opts go = { .target = target, .service = service,
					    .principal = principal,
					    .client_keytab = getenv("LNFS_CLIENT_KEYTAB") };

		rc = nfs4_client_gss_init(cl, &go, NULL);
		if (rc < 0) {
			fprintf(stderr, "%s: RPCSEC_GSS context as %s for %s: %s\n", prog,
				principal, target, strerror(-rc));
			nfs4_client_free(cl);
			return 1;
		}
#else
		(void)target;
		(void)service;
		fprintf(stderr, "%s: -k needs nfs4cli-gss (built with GSSAPI)\n", prog);
		nfs4_client_free(cl);
		return 2;
#endif
	}
	if (strcmp(cmd, "null") == 0) {
		if (nfs4_null(cl) < 0)
			die("null: %s", nfs4_client_error(cl));
		nfs4_client_free(cl);
		return 0;
	}
	if (nfs4_client_setup(cl) != 0)
		die("%s", nfs4_client_error(cl));
	g_cl = cl;
	if (strcmp(cmd, "ls") == 0 && argc == 2)
		rc = cmd_ls(cl, argv[1]);
	else if (strcmp(cmd, "stat") == 0 && argc == 2)
		rc = cmd_stat(cl, argv[1]);
	else if (strcmp(cmd, "cat") == 0 && argc == 2)
		rc = cmd_cat(cl, argv[1]);
	else if (strcmp(cmd, "lsz") == 0 && argc == 2)
		rc = cmd_lsz(cl, argv[1]);
	else if (strcmp(cmd, "verifylabel") == 0 && (argc == 3 || argc == 5))
		rc = cmd_verifylabel(cl, argv[1], argv[2], argc == 5 ? num(argv[3]) : 0,
				     argc == 5 ? num(argv[4]) : 0);
	else if (strcmp(cmd, "lock") == 0 && argc == 2)
		rc = cmd_lock(cl, argv[1]);
	else if (strcmp(cmd, "statfh") == 0 && argc == 2)
		rc = cmd_statfh(cl, argv[1]);
	else if (strcmp(cmd, "getlabel") == 0 && argc == 2)
		rc = cmd_getlabel(cl, argv[1]);
	else if (strcmp(cmd, "setlabel") == 0 && (argc == 3 || argc == 5))
		rc = cmd_setlabel(cl, argv[1], argv[2], argc == 5 ? num(argv[3]) : 0,
				  argc == 5 ? num(argv[4]) : 0);
	else if (strcmp(cmd, "put") == 0 && argc == 3)
		rc = cmd_put(cl, argv[1], argv[2]);
	else if (strcmp(cmd, "mkdir") == 0 && argc == 2)
		rc = cmd_mkdir(cl, argv[1]);
	else if (strcmp(cmd, "rm") == 0 && argc == 2)
		rc = cmd_rm(cl, argv[1]);
	else if (strcmp(cmd, "symlink") == 0 && argc == 3)
		rc = cmd_create(cl, NF4LNK, argv[1], argv[2], 0, 0, false);
	else if (strcmp(cmd, "mkfifo") == 0 && argc == 2)
		rc = cmd_create(cl, NF4FIFO, NULL, argv[1], 0, 0, false);
	else if (strcmp(cmd, "mksock") == 0 && argc == 2)
		rc = cmd_create(cl, NF4SOCK, NULL, argv[1], 0, 0, false);
	else if (strcmp(cmd, "mkchr") == 0 && argc == 4)
		rc = cmd_create(cl, NF4CHR, NULL, argv[1], num(argv[2]), num(argv[3]), false);
	else if (strcmp(cmd, "mkfifofh") == 0 && argc == 2)
		rc = cmd_create(cl, NF4FIFO, NULL, argv[1], 0, 0, true);
	else if (strcmp(cmd, "ln") == 0 && argc == 3)
		rc = cmd_ln(cl, argv[1], argv[2]);
	else if (strcmp(cmd, "lsfh") == 0 && argc == 2)
		rc = cmd_lsfh(cl, argv[1]);
	else if (strcmp(cmd, "openfh") == 0 && argc == 2)
		rc = cmd_openfh(cl, argv[1]);
	else if (strcmp(cmd, "mv") == 0 && argc == 3)
		rc = cmd_mv(cl, argv[1], argv[2]);
	else if (strcmp(cmd, "chown") == 0 && argc == 4)
		rc = cmd_chown(cl, argv[1], argv[2], argv[3]);
	else if (strcmp(cmd, "readlink") == 0 && argc == 2)
		rc = cmd_readlink(cl, argv[1]);
	else if (strcmp(cmd, "parent") == 0 && argc == 2)
		rc = cmd_parent(cl, argv[1]);
	else
		usage();
	if (fflush(stdout) != 0)
		rc = 1;
	g_cl = NULL;
	if (nfs4_client_teardown(cl) != 0)
		fprintf(stderr, "%s: warning: %s\n", prog, nfs4_client_error(cl));
	nfs4_client_free(cl);
	return rc;
}
