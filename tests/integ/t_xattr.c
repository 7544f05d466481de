/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * t_xattr.c - RFC 8276 extended attributes against a live server: SETXATTR,
 * GETXATTR, LISTXATTRS and REMOVEXATTR round trips checked against the
 * host's own getxattr()/listxattr() on the exported files, SETXATTR4_CREATE
 * and _REPLACE, LISTXATTRS paging over 50 names with a small maxcount,
 * NFS4ERR_XATTR2BIG and the key checks, symlinks and fifos, the
 * xattr_support attribute and the ACCESS4_XA* bits, a caller without write
 * permission, a read-only export, minor version 1 (OP_ILLEGAL), the
 * Linux client's `setfattr -n user.lnfs -v hello` flow, and above all that
 * the host xattrs holding labels can be neither listed, read, written nor
 * removed through these operations.
 *
 * Run by t_xattr.sh through run.sh, with a configuration whose "default"
 * domain keeps its labels in user.virtiofs.security.selinux and whose
 * "test-domain" keeps them in user.lnfs.test-domain (LNFS_XATTR_LABELS=1),
 * and a read-only export (LNFS_XATTR_RO_EXPORT, holding a file "f").  Tests
 * that need those skip against another server (NFS4_TEST_SERVER).
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/lib/nfs4_client.h"

#define MANY 50
#define MAX_NAMES 128
#define OTHER_UID 12345u

/* label storage names of the test configuration (t_xattr.sh) */
#define LABEL_DEFAULT "user.virtiofs.security.selinux"
#define LABEL_NESTED "user.virtiofs.user.virtiofs.security.selinux"
#define LABEL_TEST "user.lnfs.test-domain"
#define LABEL_VALUE "system_u:object_r:etc_t:s0"

static struct {
	struct nfs4_client *cl;	/* minor version 2, AUTH_SYS as ourselves */
	char hostdir[4096];	/* our subdirectory on the host */
	char srvdir[4096];	/* the same directory in the server's namespace */
	bool labels;		/* the label configuration of t_xattr.sh is in force */
} g;

struct names {
	unsigned int n;
	char name[MAX_NAMES][256];
};

/* ----------------------------------------------------------- host side */

static void host_path(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g.hostdir, rel);
}

/* The host's value of name on rel (not following symlinks): its length,
 * or -errno. */
static ssize_t host_get(const char *rel, const char *name, void *buf, size_t cap)
{
	char p[4200];
	ssize_t n;

	host_path(rel, p, sizeof(p));
	n = lgetxattr(p, name, buf, cap);
	return n < 0 ? -errno : n;
}

static void host_set(const char *rel, const char *name, const void *val, size_t len)
{
	char p[4200];

	host_path(rel, p, sizeof(p));
	if (lsetxattr(p, name, val, len, 0) != 0)
		fail_msg("host setxattr %s %s: %s", rel, name, strerror(errno));
}

static void host_expect(const char *rel, const char *name, const char *val)
{
	char buf[4096];
	ssize_t n = host_get(rel, name, buf, sizeof(buf));

	if (n < 0)
		fail_msg("host getxattr %s %s: %s", rel, name, strerror((int)-n));
	assert_int_equal(n, strlen(val));
	assert_memory_equal(buf, val, (size_t)n);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* ---------------------------------------------------------- NFS helpers */

static struct nfs4_call *run_on(struct nfs4_client *cl, struct nfs4_compound *c)
{
	struct nfs4_call *call = NULL;

	if (nfs4_call_sync(cl, c, &call) != 0)
		fail_msg("call failed: %s", nfs4_client_error(cl));
	return call;
}

/* Status of the caller's op i (SEQUENCE not counted); NFS4ERR_SERVERFAULT
 * if the reply stopped before it. */
static nfsstat4 op_status(const struct nfs4_call *call, uint32_t i)
{
	const struct nfs4_op_res *r = nfs4_call_op(call, i);

	return r ? r->status : NFS4ERR_SERVERFAULT;
}

static void assert_status(nfsstat4 got, nfsstat4 want, const char *what)
{
	if (got != want)
		fail_msg("%s: got %s, wanted %s", what, nfs4_stat_name(got), nfs4_stat_name(want));
}

static void lookup_on(struct nfs4_client *cl, const char *srvpath, struct nfs4_fh *fh)
{
	if (nfs4_lookup_path(cl, srvpath, fh, NULL) != 0)
		fail_msg("lookup %s: %s", srvpath, nfs4_client_error(cl));
}

static void lookup_rel(const char *rel, struct nfs4_fh *fh)
{
	char p[8400];

	snprintf(p, sizeof(p), "%s/%s", g.srvdir, rel);
	lookup_on(g.cl, p, fh);
}

static nfsstat4 xa_set_on(struct nfs4_client *cl, const struct nfs4_fh *fh, uint32_t option,
			  const void *key, uint32_t klen, const void *val, uint32_t vlen,
			  struct nfs4_change_info *ci)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_setxattr(&c, option, key, klen, val, vlen);
	call = run_on(cl, &c);
	st = op_status(call, 1);
	if (st == NFS4_OK && ci)
		*ci = nfs4_call_op(call, 1)->u.setxattr;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

static nfsstat4 xa_set(const struct nfs4_fh *fh, uint32_t option, const char *key, const char *val)
{
	return xa_set_on(g.cl, fh, option, key, (uint32_t)strlen(key), val, (uint32_t)strlen(val),
			 NULL);
}

/* GETXATTR: the value goes to buf[cap] (NUL-terminated when it fits). */
static nfsstat4 xa_get(const struct nfs4_fh *fh, const char *key, void *buf, size_t cap,
		       uint32_t *len)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_getxattr(&c, key, (uint32_t)strlen(key));
	call = run_on(g.cl, &c);
	st = op_status(call, 1);
	if (st == NFS4_OK) {
		const struct xdr_view *v = &nfs4_call_op(call, 1)->u.getxattr;

		assert_true(v->len <= cap);
		memcpy(buf, v->data, v->len);
		if (v->len < cap)
			((char *)buf)[v->len] = 0;
		*len = v->len;
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

static void xa_expect(const struct nfs4_fh *fh, const char *key, const char *val)
{
	char buf[4096];
	uint32_t len = 0;

	assert_status(xa_get(fh, key, buf, sizeof(buf), &len), NFS4_OK, key);
	assert_int_equal(len, strlen(val));
	assert_memory_equal(buf, val, len);
}

static nfsstat4 xa_remove_on(struct nfs4_client *cl, const struct nfs4_fh *fh, const char *key)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_removexattr(&c, key, (uint32_t)strlen(key));
	call = run_on(cl, &c);
	st = op_status(call, 1);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

static nfsstat4 xa_remove(const struct nfs4_fh *fh, const char *key)
{
	return xa_remove_on(g.cl, fh, key);
}

/* One LISTXATTRS page; names are appended to out. */
static nfsstat4 xa_list_page(const struct nfs4_fh *fh, uint64_t cookie, uint32_t maxcount,
			     struct names *out, uint64_t *next, bool *eof)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	nfsstat4 st;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_listxattrs(&c, cookie, maxcount);
	call = run_on(g.cl, &c);
	st = op_status(call, 1);
	if (st == NFS4_OK) {
		const struct nfs4_op_res *r = nfs4_call_op(call, 1);
		size_t bytes = 16;

		for (uint32_t i = 0; i < r->u.listxattrs.count; i++) {
			const struct xdr_view *v = &r->u.listxattrs.names[i];

			assert_true(out->n < MAX_NAMES);
			assert_true(v->len > 0 && v->len < 256);
			memcpy(out->name[out->n], v->data, v->len);
			out->name[out->n][v->len] = 0;
			out->n++;
			bytes += 4 + ((v->len + 3) & ~3u);
		}
		/* the whole resok stays within maxcount (RFC 8276 §8.4.3) */
		assert_true(bytes <= maxcount);
		*next = r->u.listxattrs.cookie;
		*eof = r->u.listxattrs.eof;
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	return st;
}

/* Every name, page by page; returns the number of pages. */
static unsigned int xa_list_all(const struct nfs4_fh *fh, uint32_t maxcount, struct names *out)
{
	uint64_t cookie = 0, next = 0;
	unsigned int pages = 0;
	bool eof = false;

	out->n = 0;
	while (!eof) {
		unsigned int before = out->n;

		assert_status(xa_list_page(fh, cookie, maxcount, out, &next, &eof), NFS4_OK,
			      "LISTXATTRS");
		assert_true(eof || out->n > before);	/* progress on every page */
		assert_int_equal(next, cookie + (out->n - before));
		cookie = next;
		pages++;
		assert_true(pages < 1000);
	}
	return pages;
}

static bool has_name(const struct names *l, const char *name)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

static void access_on(struct nfs4_client *cl, const struct nfs4_fh *fh, uint32_t want,
		      uint32_t *supported, uint32_t *granted)
{
	struct nfs4_compound c;
	struct nfs4_call *call;

	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, fh);
	nfs4_op_access(&c, want);
	call = run_on(cl, &c);
	assert_status(op_status(call, 1), NFS4_OK, "ACCESS");
	*supported = nfs4_call_op(call, 1)->u.access.supported;
	*granted = nfs4_call_op(call, 1)->u.access.access;
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static struct nfs4_client *new_client(uint32_t minor, uint32_t uid)
{
	struct nfs4_client_opts o;
	struct nfs4_client *cl;
	int rc;

	nfs4_client_opts_init(&o);
	o.host = getenv("LNFS_SERVER");
	o.port = getenv("LNFS_PORT");
	o.minor = minor;
	if (uid) {
		o.uid = uid;
		o.gid = uid;
		o.ngids = 0;
	}
	rc = nfs4_client_connect(&o, &cl);
	if (rc < 0)
		fail_msg("connect: %s", strerror(-rc));
	if (nfs4_client_setup(cl) != 0)
		fail_msg("session setup: %s", nfs4_client_error(cl));
	return cl;
}

static void free_client(struct nfs4_client *cl)
{
	nfs4_client_teardown(cl);
	nfs4_client_free(cl);
}

/* ---------------------------------------------------------------- setup */

static int setup(void **state)
{
	const char *server = getenv("LNFS_SERVER");
	const char *port = getenv("LNFS_PORT");
	const char *export = getenv("LNFS_EXPORT");
	const char *hostexp = getenv("NFS4_TEST_EXPORT_HOSTDIR");
	char name[64], p[4200];

	if (!server || !port || !export) {
		fprintf(stderr, "t_xattr: LNFS_SERVER/LNFS_PORT/LNFS_EXPORT not set "
				"(run through tests/integ/t_xattr.sh)\n");
		exit(77);
	}
	if (getenv("NFS4_TEST_SERVER") && !hostexp) {
		fprintf(stderr, "t_xattr: NFS4_TEST_SERVER needs NFS4_TEST_EXPORT_HOSTDIR\n");
		exit(77);
	}
	if (!hostexp)
		hostexp = export;
	g.labels = getenv("LNFS_XATTR_LABELS") && !getenv("NFS4_TEST_SERVER");
	snprintf(name, sizeof(name), "t_xattr.%d", (int)getpid());
	snprintf(g.hostdir, sizeof(g.hostdir), "%s/%s", hostexp, name);
	snprintf(g.srvdir, sizeof(g.srvdir), "%s/%s", export, name);

	assert_int_equal(mkdir(g.hostdir, 0755), 0);
	/* the host's user.* must work here, or nothing below can */
	host_path("probe", p, sizeof(p));
	fclose(fopen(p, "w"));
	if (lsetxattr(p, "user.probe", "x", 1, 0) != 0) {
		fprintf(stderr, "t_xattr: %s has no user xattrs (%s)\n", g.hostdir,
			strerror(errno));
		nftw(g.hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		exit(77);
	}
	g.cl = new_client(2, 0);
	return 0;
}

static int teardown(void **state)
{
	if (g.cl)
		free_client(g.cl);
	if (g.hostdir[0])
		nftw(g.hostdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void host_file(const char *rel, mode_t mode)
{
	char p[4200];
	FILE *f;

	host_path(rel, p, sizeof(p));
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

/* ---------------------------------------------------------------- tests */

static void test_xattr_support_attr(void **state)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap req;
	struct nfs4_fh fh, lfh;
	char p[4200];
	const struct nfs4_attrs *a;

	host_file("sup", 0644);
	host_path("sup-link", p, sizeof(p));
	assert_int_equal(symlink("sup", p), 0);
	lookup_rel("sup", &fh);
	lookup_rel("sup-link", &lfh);

	nfs4_bitmap_of(&req, FATTR4_SUPPORTED_ATTRS, FATTR4_XATTR_SUPPORT, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_getattr(&c, &req);
	nfs4_op_putfh(&c, &lfh);
	nfs4_op_getattr(&c, &req);
	nfs4_op_putrootfh(&c);
	nfs4_op_getattr(&c, &req);
	call = run_on(g.cl, &c);
	assert_status(call->res.status, NFS4_OK, "GETATTR xattr_support");
	for (uint32_t i = 1; i <= 5; i += 2) {
		a = &nfs4_call_op(call, i)->u.getattr;
		assert_true(nfs4_bitmap_isset(&a->supported_attrs, FATTR4_XATTR_SUPPORT));
		assert_true(nfs4_attrs_has(a, FATTR4_XATTR_SUPPORT));
		/* a file system property: true for the symlink's file system
		 * too; the pseudo root has none */
		assert_int_equal(a->xattr_support, i < 5);
	}
	nfs4_call_free(call);
	nfs4_compound_release(&c);
}

static void test_roundtrip(void **state)
{
	struct nfs4_change_info ci;
	struct nfs4_fh fh, dfh;
	struct names l;
	char big[3001], p[4200];
	uint32_t len;

	host_file("rt", 0644);
	lookup_rel("rt", &fh);

	/* set through NFS: the host sees user.KEY */
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, "k1", 2, "v1", 2, &ci), NFS4_OK,
		      "SETXATTR k1");
	assert_false(ci.atomic);
	assert_true(ci.after >= ci.before);
	host_expect("rt", "user.k1", "v1");
	xa_expect(&fh, "k1", "v1");

	/* set on the host: visible through NFS without the prefix */
	host_set("rt", "user.from-host", "hostval", 7);
	xa_expect(&fh, "from-host", "hostval");

	/* odd lengths, an empty value, a value of some kilobytes */
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "odd", "abcde"), NFS4_OK, "SETXATTR odd");
	host_expect("rt", "user.odd", "abcde");
	xa_expect(&fh, "odd", "abcde");
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "empty", ""), NFS4_OK, "SETXATTR empty");
	assert_int_equal(host_get("rt", "user.empty", p, sizeof(p)), 0);
	xa_expect(&fh, "empty", "");
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = 0;
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "big", big), NFS4_OK, "SETXATTR big");
	host_expect("rt", "user.big", big);
	assert_status(xa_get(&fh, "big", p, sizeof(p), &len), NFS4_OK, "GETXATTR big");
	assert_int_equal(len, sizeof(big) - 1);
	assert_memory_equal(p, big, len);

	/* a key that itself starts with "user." is just a name (knfsd: same) */
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "user.attr1", "u"), NFS4_OK,
		      "SETXATTR user.attr1");
	host_expect("rt", "user.user.attr1", "u");

	/* the list: exactly the host's user.* names, stripped */
	xa_list_all(&fh, 8192, &l);
	assert_int_equal(l.n, 6);
	assert_true(has_name(&l, "k1"));
	assert_true(has_name(&l, "from-host"));
	assert_true(has_name(&l, "odd"));
	assert_true(has_name(&l, "empty"));
	assert_true(has_name(&l, "big"));
	assert_true(has_name(&l, "user.attr1"));

	/* remove: gone on the host, then NOXATTR */
	assert_status(xa_remove(&fh, "k1"), NFS4_OK, "REMOVEXATTR k1");
	assert_int_equal(host_get("rt", "user.k1", p, sizeof(p)), -ENODATA);
	assert_status(xa_get(&fh, "k1", p, sizeof(p), &len), NFS4ERR_NOXATTR, "GETXATTR removed");
	assert_status(xa_remove(&fh, "k1"), NFS4ERR_NOXATTR, "REMOVEXATTR twice");
	assert_status(xa_get(&fh, "never-set", p, sizeof(p), &len), NFS4ERR_NOXATTR,
		      "GETXATTR missing");

	/* directories hold user xattrs too */
	host_path("rt-dir", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	lookup_rel("rt-dir", &dfh);
	assert_status(xa_set(&dfh, SETXATTR4_CREATE, "d", "dirval"), NFS4_OK, "SETXATTR dir");
	host_expect("rt-dir", "user.d", "dirval");
	xa_list_all(&dfh, 8192, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.name[0], "d");
}

static void test_create_replace(void **state)
{
	struct nfs4_fh fh;

	host_file("cr", 0644);
	lookup_rel("cr", &fh);
	assert_status(xa_set(&fh, SETXATTR4_REPLACE, "a", "1"), NFS4ERR_NOXATTR,
		      "REPLACE of a missing key");
	assert_int_equal(host_get("cr", "user.a", NULL, 0), -ENODATA);
	assert_status(xa_set(&fh, SETXATTR4_CREATE, "a", "1"), NFS4_OK, "CREATE");
	assert_status(xa_set(&fh, SETXATTR4_CREATE, "a", "2"), NFS4ERR_EXIST,
		      "CREATE of an existing key");
	host_expect("cr", "user.a", "1");
	assert_status(xa_set(&fh, SETXATTR4_REPLACE, "a", "3"), NFS4_OK, "REPLACE");
	host_expect("cr", "user.a", "3");
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "a", "4"), NFS4_OK, "EITHER existing");
	host_expect("cr", "user.a", "4");
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "b", "5"), NFS4_OK, "EITHER new");
	host_expect("cr", "user.b", "5");
	assert_status(xa_set(&fh, 3, "c", "6"), NFS4ERR_INVAL, "unknown setxattr_option4");
	assert_int_equal(host_get("cr", "user.c", NULL, 0), -ENODATA);
}

static void test_list_paging(void **state)
{
	struct nfs4_fh fh;
	struct names l;
	uint64_t next;
	unsigned int pages;
	char name[64], want[64];
	bool eof;

	host_file("many", 0644);
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "user.attr-%02d-padding", i);
		host_set("many", name, "v", 1);
	}
	lookup_rel("many", &fh);

	/* one page holds everything */
	assert_int_equal(xa_list_all(&fh, 65536, &l), 1);
	assert_int_equal(l.n, MANY);

	/* 60 bytes: the 16-byte frame plus two 20-byte names per page */
	pages = xa_list_all(&fh, 60, &l);
	assert_int_equal(l.n, MANY);
	assert_true(pages >= MANY / 2);
	for (int i = 0; i < MANY; i++) {
		snprintf(want, sizeof(want), "attr-%02d-padding", i);
		if (!has_name(&l, want))
			fail_msg("paged listing misses %s", want);
		for (unsigned int j = 0, seen = 0; j < l.n; j++)
			if (strcmp(l.name[j], want) == 0 && ++seen > 1)
				fail_msg("paged listing repeats %s", want);
	}

	/* too small for one name, or for the frame alone */
	l.n = 0;
	assert_status(xa_list_page(&fh, 0, 24, &l, &next, &eof), NFS4ERR_TOOSMALL,
		      "maxcount below one name");
	assert_status(xa_list_page(&fh, 0, 8, &l, &next, &eof), NFS4ERR_TOOSMALL,
		      "maxcount below the frame");
	/* the end, and beyond */
	assert_status(xa_list_page(&fh, MANY, 4096, &l, &next, &eof), NFS4_OK, "cookie at end");
	assert_int_equal(l.n, 0);
	assert_true(eof);
	assert_status(xa_list_page(&fh, MANY + 5, 4096, &l, &next, &eof), NFS4ERR_BAD_COOKIE,
		      "cookie past the end");
}

static void test_limits(void **state)
{
	static uint8_t val[65537];
	struct nfs4_fh fh;
	char key[260];
	char hostname[300];

	host_file("lim", 0644);
	lookup_rel("lim", &fh);
	memset(val, 'x', sizeof(val));

	/* values up to XATTR_SIZE_MAX; beyond is XATTR2BIG, nothing stored */
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, "huge", 4, val, sizeof(val), NULL),
		      NFS4ERR_XATTR2BIG, "SETXATTR of 64 KiB + 1");
	assert_int_equal(host_get("lim", "user.huge", NULL, 0), -ENODATA);

	/* keys: 250 bytes fit (255 with "user."), 251 do not */
	memset(key, 'k', sizeof(key));
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, key, 250, "v", 1, NULL), NFS4_OK,
		      "250-byte key");
	memcpy(hostname, "user.", 5);
	memset(hostname + 5, 'k', 250);
	hostname[255] = 0;
	host_expect("lim", hostname, "v");
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, key, 251, "v", 1, NULL),
		      NFS4ERR_NAMETOOLONG, "251-byte key");
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, key, 0, "v", 1, NULL), NFS4ERR_INVAL,
		      "empty key");
	assert_status(xa_set_on(g.cl, &fh, SETXATTR4_EITHER, "a\0b", 3, "v", 1, NULL),
		      NFS4ERR_BADCHAR, "key with a NUL");
	assert_int_equal(host_get("lim", "user.a", NULL, 0), -ENODATA);
}

static void test_special_files(void **state)
{
	struct nfs4_fh lfh, pfh;
	struct names l;
	char p[4200], buf[64];
	uint32_t len, sup, granted;
	uint64_t next;
	bool eof;

	host_file("target", 0644);
	host_path("sym", p, sizeof(p));
	assert_int_equal(symlink("target", p), 0);
	host_path("fifo", p, sizeof(p));
	assert_int_equal(mkfifo(p, 0644), 0);
	lookup_rel("sym", &lfh);
	lookup_rel("fifo", &pfh);

	/* Linux keeps user.* only on regular files and directories; the
	 * answers are the host's (and knfsd's): NOXATTR on read, PERM on
	 * write, an empty list */
	for (int i = 0; i < 2; i++) {
		const struct nfs4_fh *fh = i ? &pfh : &lfh;

		assert_status(xa_get(fh, "x", buf, sizeof(buf), &len), NFS4ERR_NOXATTR,
			      "GETXATTR on a special file");
		assert_status(xa_set(fh, SETXATTR4_EITHER, "x", "y"), NFS4ERR_PERM,
			      "SETXATTR on a special file");
		assert_status(xa_remove(fh, "x"), NFS4ERR_PERM, "REMOVEXATTR on a special file");
		l.n = 0;
		assert_status(xa_list_page(fh, 0, 4096, &l, &next, &eof), NFS4_OK,
			      "LISTXATTRS on a special file");
		assert_int_equal(l.n, 0);
		assert_true(eof);
		/* and ACCESS does not offer the xattr bits there */
		access_on(g.cl, fh, ACCESS4_READ | ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST,
			  &sup, &granted);
		assert_int_equal(sup & (ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST), 0);
	}
	/* the symlink's target was not touched */
	assert_int_equal(host_get("target", "user.x", NULL, 0), -ENODATA);

	/* the pseudo-fs has no xattrs at all */
	{
		struct nfs4_compound c;
		struct nfs4_call *call;

		nfs4_compound_init(&c);
		nfs4_op_putrootfh(&c);
		nfs4_op_getxattr(&c, "x", 1);
		call = run_on(g.cl, &c);
		assert_status(op_status(call, 1), NFS4ERR_NOTSUPP, "GETXATTR in the pseudo-fs");
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
}

static void test_access_and_permissions(void **state)
{
	const uint32_t xa = ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST;
	struct nfs4_client *other, *v41;
	struct nfs4_fh fh;
	char p[8400];
	uint32_t sup, granted;

	host_file("perm", 0644);
	host_set("perm", "user.p", "1", 1);
	lookup_rel("perm", &fh);

	/* as ourselves (the owner, or root): everything */
	access_on(g.cl, &fh, ACCESS4_READ | xa, &sup, &granted);
	assert_int_equal(sup & xa, xa);
	if (getuid() == 0 || geteuid() == 0)
		assert_int_equal(granted & xa, xa);

	/* another user: read and list, not write (mode 0644) */
	other = new_client(2, OTHER_UID);
	snprintf(p, sizeof(p), "%s/perm", g.srvdir);
	lookup_on(other, p, &fh);
	access_on(other, &fh, ACCESS4_READ | xa, &sup, &granted);
	assert_int_equal(sup & xa, xa);
	assert_int_equal(granted & xa, ACCESS4_XAREAD | ACCESS4_XALIST);
	assert_status(xa_set_on(other, &fh, SETXATTR4_EITHER, "q", 1, "2", 1, NULL),
		      NFS4ERR_ACCESS, "SETXATTR without write permission");
	assert_status(xa_remove_on(other, &fh, "p"), NFS4ERR_ACCESS,
		      "REMOVEXATTR without write permission");
	host_expect("perm", "user.p", "1");
	assert_int_equal(host_get("perm", "user.q", NULL, 0), -ENODATA);
	free_client(other);

	/* minor version 1 knows no xattr bits */
	v41 = new_client(1, 0);
	lookup_on(v41, p, &fh);
	access_on(v41, &fh, ACCESS4_READ | xa, &sup, &granted);
	assert_int_equal(sup & xa, 0);
	assert_int_equal(granted & xa, 0);
	free_client(v41);
}

static void test_minor1_illegal(void **state)
{
	static const uint32_t ops[] = { OP_GETXATTR, OP_SETXATTR, OP_LISTXATTRS,
					OP_REMOVEXATTR };
	struct nfs4_client *v41 = new_client(1, 0);
	struct nfs4_fh fh;
	char p[8400];

	host_file("v41", 0644);
	snprintf(p, sizeof(p), "%s/v41", g.srvdir);
	lookup_on(v41, p, &fh);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct nfs4_compound c;
		struct nfs4_call *call;
		const struct nfs4_op_res *r;

		nfs4_compound_init(&c);
		nfs4_op_putfh(&c, &fh);
		switch (ops[i]) {
		case OP_GETXATTR:
			nfs4_op_getxattr(&c, "a", 1);
			break;
		case OP_SETXATTR:
			nfs4_op_setxattr(&c, SETXATTR4_EITHER, "a", 1, "b", 1);
			break;
		case OP_LISTXATTRS:
			nfs4_op_listxattrs(&c, 0, 4096);
			break;
		default:
			nfs4_op_removexattr(&c, "a", 1);
			break;
		}
		call = run_on(v41, &c);
		/* RFC 8881 §15.2: an op outside the minor version is illegal */
		r = nfs4_call_op(call, 1);
		assert_non_null(r);
		assert_int_equal(r->op, OP_ILLEGAL);
		assert_status(r->status, NFS4ERR_OP_ILLEGAL, nfs4_op_name(ops[i]));
		nfs4_call_free(call);
		nfs4_compound_release(&c);
	}
	assert_int_equal(host_get("v41", "user.a", NULL, 0), -ENODATA);
	free_client(v41);
}

/* What `setfattr -n user.lnfs -v hello FILE` then `getfattr -n user.lnfs
 * FILE` on a Linux NFSv4.2 mount send: ACCESS for XAWRITE, SETXATTR with
 * SETXATTR4_EITHER (flags 0) and the key without "user.", then GETXATTR. */
static void test_linux_setfattr_flow(void **state)
{
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap req;
	struct nfs4_fh fh;
	const struct nfs4_op_res *r;
	uint32_t sup, granted;

	host_file("setfattr", 0644);
	lookup_rel("setfattr", &fh);
	access_on(g.cl, &fh, ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST, &sup, &granted);
	assert_true(granted & ACCESS4_XAWRITE);

	nfs4_bitmap_of(&req, FATTR4_CHANGE, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_setxattr(&c, SETXATTR4_EITHER, "lnfs", 4, "hello", 5);
	nfs4_op_getattr(&c, &req);
	call = run_on(g.cl, &c);
	assert_status(call->res.status, NFS4_OK, "PUTFH SETXATTR GETATTR");
	r = nfs4_call_op(call, 1);
	/* change_info4.after is the change attribute right after the set */
	assert_true(nfs4_call_op(call, 2)->u.getattr.change == r->u.setxattr.after);
	nfs4_call_free(call);
	nfs4_compound_release(&c);
	host_expect("setfattr", "user.lnfs", "hello");
	xa_expect(&fh, "lnfs", "hello");
}

static void test_readonly_export(void **state)
{
	const char *ro = getenv("LNFS_XATTR_RO_EXPORT");
	struct nfs4_fh fh;
	struct names l;
	char p[4200];
	uint32_t sup, granted;

	if (!ro || getenv("NFS4_TEST_SERVER"))
		skip();
	snprintf(p, sizeof(p), "%s/f", ro);
	assert_int_equal(lsetxattr(p, "user.ro", "1", 1, 0), 0);
	lookup_on(g.cl, p, &fh);
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "x", "y"), NFS4ERR_ROFS,
		      "SETXATTR on a read-only export");
	assert_status(xa_remove(&fh, "ro"), NFS4ERR_ROFS, "REMOVEXATTR on a read-only export");
	xa_expect(&fh, "ro", "1");
	xa_list_all(&fh, 4096, &l);
	assert_int_equal(l.n, 1);
	access_on(g.cl, &fh, ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST, &sup, &granted);
	assert_int_equal(granted & ACCESS4_XAWRITE, 0);
	assert_true(granted & ACCESS4_XAREAD);
}

/* The label storage names of the configuration, and every name in their
 * user.<word>. families, do not exist for RFC 8276 clients. */
static void test_labels_hidden(void **state)
{
	static const char *const hidden[] = {
		LABEL_DEFAULT, LABEL_NESTED, LABEL_TEST,
	};
	static const char *const family[] = {
		"user.virtiofs.other", "user.lnfs.other-domain",
	};
	struct nfs4_compound c;
	struct nfs4_call *call;
	struct nfs4_bitmap req;
	struct nfs4_fh fh;
	struct names l;
	char buf[256];
	uint32_t len;
	const struct nfs4_attrs *a;

	if (!g.labels)
		skip();
	host_file("labelled", 0644);
	/* raw format, as the kernel and virtiofsd store it: label + NUL */
	host_set("labelled", LABEL_DEFAULT, LABEL_VALUE, sizeof(LABEL_VALUE));
	host_set("labelled", LABEL_NESTED, LABEL_VALUE, sizeof(LABEL_VALUE));
	host_set("labelled", LABEL_TEST, "not-a-frame", 11);
	host_set("labelled", "user.virtiofs.other", "o", 1);
	host_set("labelled", "user.visible", "yes", 3);
	lookup_rel("labelled", &fh);

	/* they are real labels: sec_label reads the default domain's */
	nfs4_bitmap_of(&req, FATTR4_SEC_LABEL, -1);
	nfs4_compound_init(&c);
	nfs4_op_putfh(&c, &fh);
	nfs4_op_getattr(&c, &req);
	call = run_on(g.cl, &c);
	assert_status(call->res.status, NFS4_OK, "GETATTR sec_label");
	a = &nfs4_call_op(call, 1)->u.getattr;
	assert_true(nfs4_attrs_has(a, FATTR4_SEC_LABEL));
	assert_int_equal(a->sec_label.data.len, strlen(LABEL_VALUE));
	assert_memory_equal(a->sec_label.data.data, LABEL_VALUE, strlen(LABEL_VALUE));
	nfs4_call_free(call);
	nfs4_compound_release(&c);

	/* not listed, in one page or many */
	xa_list_all(&fh, 4096, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.name[0], "visible");
	xa_list_all(&fh, 28, &l);
	assert_int_equal(l.n, 1);

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		const char *key = hidden[i] + 5; /* without "user." */
		char before[256];
		ssize_t n = host_get("labelled", hidden[i], before, sizeof(before));

		assert_true(n > 0);
		assert_status(xa_get(&fh, key, buf, sizeof(buf), &len), NFS4ERR_NOXATTR, key);
		assert_status(xa_set(&fh, SETXATTR4_EITHER, key, "forged"), NFS4ERR_PERM, key);
		assert_status(xa_set(&fh, SETXATTR4_CREATE, key, "forged"), NFS4ERR_PERM, key);
		assert_status(xa_set(&fh, SETXATTR4_REPLACE, key, "forged"), NFS4ERR_PERM, key);
		assert_status(xa_remove(&fh, key), NFS4ERR_NOXATTR, key);
		/* untouched on the host */
		assert_int_equal(host_get("labelled", hidden[i], buf, sizeof(buf)), n);
		assert_memory_equal(buf, before, (size_t)n);
	}
	/* the families too, present or not; the same answers either way */
	for (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++) {
		const char *key = family[i] + 5;

		assert_status(xa_get(&fh, key, buf, sizeof(buf), &len), NFS4ERR_NOXATTR, key);
		assert_status(xa_set(&fh, SETXATTR4_EITHER, key, "x"), NFS4ERR_PERM, key);
		assert_status(xa_remove(&fh, key), NFS4ERR_NOXATTR, key);
	}
	host_expect("labelled", "user.virtiofs.other", "o");
	assert_int_equal(host_get("labelled", "user.lnfs.other-domain", NULL, 0), -ENODATA);

	/* a label name that is not on the object yet cannot be created */
	host_file("unlabelled", 0644);
	lookup_rel("unlabelled", &fh);
	assert_status(xa_set(&fh, SETXATTR4_EITHER, LABEL_TEST + 5, "x"), NFS4ERR_PERM,
		      "creating a label name");
	assert_int_equal(host_get("unlabelled", LABEL_TEST, NULL, 0), -ENODATA);
	/* names beside the families stay usable ("user.lnfs" is not
	 * "user.lnfs.*") */
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "lnfs", "hello"), NFS4_OK, "user.lnfs");
	assert_status(xa_set(&fh, SETXATTR4_EITHER, "virtiofs", "v"), NFS4_OK, "user.virtiofs");
	host_expect("unlabelled", "user.lnfs", "hello");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xattr_support_attr),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_create_replace),
		cmocka_unit_test(test_list_paging),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_special_files),
		cmocka_unit_test(test_access_and_permissions),
		cmocka_unit_test(test_minor1_illegal),
		cmocka_unit_test(test_linux_setfattr_flow),
		cmocka_unit_test(test_readonly_export),
		cmocka_unit_test(test_labels_hidden),
	};

	return cmocka_run_group_tests_name("t_xattr", tests, setup, teardown);
}
