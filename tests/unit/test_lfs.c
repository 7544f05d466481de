/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_lfs.c - lfs/: names (with nesting), label checks, framed and raw
 * encodings, and real xattr round trips in a temporary directory through
 * ordinary, O_PATH and symlink descriptors.  Exits 77 (skip) when the
 * temporary directory's file system has no user xattrs; the trusted.* cases
 * skip themselves without CAP_SYS_ADMIN.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "lfs/lfs.h"

static const char conf_text[] =
	"[domain \"fr\"]\n"
	"xattr = user.lnfs-test.fr\n"
	"lfs = 0 258\n"
	"pi = 0 9\n"
	"[domain \"se\"]\n"
	"xattr = user.virtiofs.security.selinux\n"
	"format = selinux\n"
	"default-lfs = 258\n"
	"[domain \"kid\"]\n"
	"parent = se\n"
	"[domain \"ro\"]\n"
	"xattr = user.lnfs-test.ro\n"
	"read-only = yes\n"
	"[domain \"small\"]\n"
	"xattr = user.lnfs-test.small\n"
	"max-label = 16\n"
	"default-label = small\n"
	"[domain \"tr\"]\n"
	"xattr = trusted.lnfs-test.tr\n";

struct fixture {
	struct cfg *cfg;
	const struct cfg_domain *fr, *se, *kid, *ro, *small, *tr, *def;
	char dir[128];
	char file[160];
	char link[160];
	int fd;		/* O_RDWR on file */
	int pfd;	/* O_PATH on file */
	int lfd;	/* O_PATH|O_NOFOLLOW on link */
};

static char tmpdir_base[64] = "/tmp";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	int rc;

	if (!f)
		return -1;
	f->cfg = cfg_new_default();
	rc = cfg_parse_conf_text(f->cfg, conf_text, strlen(conf_text),
				 "lfs.conf", err, sizeof(err));
	if (!rc)
		rc = cfg_finish(f->cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	f->fr = cfg_find_domain(f->cfg, "fr");
	f->se = cfg_find_domain(f->cfg, "se");
	f->kid = cfg_find_domain(f->cfg, "kid");
	f->ro = cfg_find_domain(f->cfg, "ro");
	f->small = cfg_find_domain(f->cfg, "small");
	f->tr = cfg_find_domain(f->cfg, "tr");
	f->def = cfg_find_domain(f->cfg, "default");
	snprintf(f->dir, sizeof(f->dir), "%s/test_lfs.XXXXXX", tmpdir_base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/file", f->dir);
	snprintf(f->link, sizeof(f->link), "%s/link", f->dir);
	f->fd = open(f->file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (f->fd < 0 || symlink("file", f->link))
		return -1;
	f->pfd = open(f->file, O_PATH);
	f->lfd = open(f->link, O_PATH | O_NOFOLLOW);
	if (f->pfd < 0 || f->lfd < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	close(f->fd);
	close(f->pfd);
	close(f->lfd);
	unlink(f->link);
	unlink(f->file);
	rmdir(f->dir);
	cfg_put(f->cfg);
	free(f);
	return 0;
}

static void set_label(struct lfs_label *l, uint32_t lfs, uint32_t pi,
		      const char *s)
{
	memset(l, 0, sizeof(*l));
	l->lfs = lfs;
	l->pi = pi;
	l->len = (uint32_t)strlen(s);
	memcpy(l->data, s, l->len);
}

static void test_names(void **state)
{
	struct fixture *f = *state;
	char buf[256];

	assert_int_equal(lfs_name(f->fr, 258, 9, buf, sizeof(buf)),
			 (int)strlen("user.lnfs-test.fr"));
	assert_string_equal(buf, "user.lnfs-test.fr");
	assert_int_equal(lfs_name(f->fr, 1, 0, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(lfs_name(f->fr, 0, 1, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(lfs_name(f->fr, 0, 0, buf, 5), -ENAMETOOLONG);
	assert_int_equal(lfs_name(f->def, 0, 0, buf, sizeof(buf)),
			 (int)strlen("trusted.lnfs.default"));
	assert_string_equal(buf, "trusted.lnfs.default");
	assert_int_equal(lfs_name(f->kid, 0, 0, buf, sizeof(buf)), 44);
	assert_string_equal(buf, "user.virtiofs.user.virtiofs.security.selinux");
	assert_int_equal(f->kid->xattr_format, CFG_XATTR_RAW);
	assert_int_equal(f->se->xattr_format, CFG_XATTR_RAW);
	assert_int_equal(f->fr->xattr_format, CFG_XATTR_FRAMED);

	assert_true(lfs_is_label_xattr(f->cfg, "user.lnfs-test.fr"));
	assert_true(lfs_is_label_xattr(f->cfg,
				       "user.virtiofs.user.virtiofs.security.selinux"));
	assert_true(lfs_is_label_xattr(f->cfg, "trusted.lnfs.default"));
	assert_true(lfs_is_label_xattr(f->cfg, "trusted.lnfs.removed-domain"));
	assert_false(lfs_is_label_xattr(f->cfg, "user.lnfs-test"));
	assert_false(lfs_is_label_xattr(f->cfg, "user.mime_type"));
	assert_false(lfs_is_label_xattr(f->cfg, "security.selinux"));
}

static void test_hostile_names_rejected(void **state)
{
	static const char *const confs[] = {
		"[domain \"a.b\"]\n",
		"[domain \"../x\"]\n",
		"[domain a]\nxattr = security.capability\n",
		"[domain a]\nxattr = system.posix_acl_access\n",
		"[domain a]\nxattr = trusted.a\\nb\n",
		"[domain a]\nxattr = user.x y\n",
		/* stacking onto the host's own security.selinux */
		"[domain a]\nxattr = security.selinux\n[domain b]\nparent = a\n",
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		struct cfg *cfg = cfg_new_default();
		int rc = cfg_parse_conf_text(cfg, confs[i], strlen(confs[i]),
					     "h.conf", err, sizeof(err));

		if (!rc)
			rc = cfg_finish(cfg, err, sizeof(err));
		assert_int_equal(rc, -EINVAL);
		cfg_put(cfg);
	}
}

static void test_validate(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l;

	set_label(&l, 0, 0, "anything at all");
	assert_int_equal(lfs_validate(f->fr, &l), 0);
	l.lfs = 7;
	assert_int_equal(lfs_validate(f->fr, &l), -EPROTO);
	l.lfs = 258;
	l.pi = 1;
	assert_int_equal(lfs_validate(f->fr, &l), -EPROTO);
	l.pi = 9;
	assert_int_equal(lfs_validate(f->fr, &l), 0);
	l.len = 0;
	assert_int_equal(lfs_validate(f->fr, &l), -EINVAL);
	l.len = NFS4_MAXLABELLEN + 1;
	assert_int_equal(lfs_validate(f->fr, &l), -E2BIG);
	set_label(&l, 0, 0, "0123456789abcdefX");
	assert_int_equal(lfs_validate(f->small, &l), -E2BIG);
	l.len = 16;
	assert_int_equal(lfs_validate(f->small, &l), 0);
	set_label(&l, 0, 0, "not a context");
	assert_int_equal(lfs_validate(f->se, &l), -EINVAL);
	set_label(&l, 0, 0, "u:r:t:s0");
	assert_int_equal(lfs_validate(f->se, &l), 0);
	l.data[l.len++] = '\0';
	assert_int_equal(lfs_validate(f->se, &l), 0);
}

static void test_encode_decode(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[LFS_VALUE_MAX];
	struct lfs_label l, out;
	int n;

	set_label(&l, 258, 9, "lab");
	n = lfs_encode(f->fr, &l, buf, sizeof(buf));
	assert_int_equal(n, LFS_FRAME_HDR + 3);
	assert_memory_equal(buf, "LN\1\0\0\0\1\2\0\0\0\11lab", 15);
	assert_int_equal(lfs_decode(f->fr, buf, (size_t)n, &out), 0);
	assert_int_equal(out.lfs, 258);
	assert_int_equal(out.pi, 9);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "lab", 3);
	assert_int_equal(lfs_encode(f->fr, &l, buf, 14), -ENOSPC);

	/* corrupt framed values */
	assert_int_equal(lfs_decode(f->fr, buf, LFS_FRAME_HDR, &out), -EBADMSG);
	assert_int_equal(lfs_decode(f->fr, buf, 3, &out), -EBADMSG);
	buf[2] = 2;
	assert_int_equal(lfs_decode(f->fr, buf, (size_t)n, &out), -EBADMSG);
	buf[2] = 1;
	buf[3] = 1;
	assert_int_equal(lfs_decode(f->fr, buf, (size_t)n, &out), -EBADMSG);
	buf[3] = 0;
	buf[0] = 'X';
	assert_int_equal(lfs_decode(f->fr, buf, (size_t)n, &out), -EBADMSG);
	assert_int_equal(lfs_decode(f->fr, buf, LFS_VALUE_MAX + 1, &out),
			 -EBADMSG);

	/* raw: label + NUL; LFS/PI come from the domain */
	set_label(&l, 0, 0, "u:r:t:s0");
	n = lfs_encode(f->se, &l, buf, sizeof(buf));
	assert_int_equal(n, 9);
	assert_memory_equal(buf, "u:r:t:s0", 9);
	assert_int_equal(lfs_decode(f->se, buf, (size_t)n, &out), 0);
	assert_int_equal(out.len, 8);
	assert_int_equal(out.lfs, 258);
	assert_int_equal(out.pi, 0);
	assert_int_equal(lfs_decode(f->se, buf, 8, &out), 0);
	assert_int_equal(out.len, 8);
	assert_int_equal(lfs_decode(f->se, buf, 0, &out), -EBADMSG);
	assert_int_equal(lfs_decode(f->se, (const uint8_t *)"", 1, &out),
			 -EBADMSG);
}

static void test_framed_roundtrip(void **state)
{
	struct fixture *f = *state;
	uint8_t raw[64];
	struct lfs_label l, out;
	bool dflt = false;
	ssize_t n;

	assert_int_equal(lfs_get(f->fr, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_get_or_default(f->fr, f->fd, &out, &dflt), 0);
	assert_true(dflt);
	assert_int_equal(out.len, strlen(CFG_DEFAULT_LABEL));
	assert_memory_equal(out.data, CFG_DEFAULT_LABEL, out.len);

	set_label(&l, 258, 9, "staff_u:object_r:user_home_t:s0");
	assert_int_equal(lfs_set(f->fr, f->fd, &l), 0);
	memset(&out, 0, sizeof(out));
	assert_int_equal(lfs_get(f->fr, f->fd, &out), 0);
	assert_int_equal(out.lfs, 258);
	assert_int_equal(out.pi, 9);
	assert_int_equal(out.len, l.len);
	assert_memory_equal(out.data, l.data, l.len);
	assert_int_equal(lfs_get_or_default(f->fr, f->fd, &out, &dflt), 0);
	assert_false(dflt);

	/* the bytes on disk carry the header */
	n = getxattr(f->file, "user.lnfs-test.fr", raw, sizeof(raw));
	assert_int_equal(n, LFS_FRAME_HDR + l.len);
	assert_memory_equal(raw, "LN\1\0\0\0\1\2\0\0\0\11", 12);

	/* O_PATH descriptor reads and writes the same object */
	memset(&out, 0, sizeof(out));
	assert_int_equal(lfs_get(f->fr, f->pfd, &out), 0);
	assert_int_equal(out.lfs, 258);
	set_label(&l, 0, 0, "second");
	assert_int_equal(lfs_set(f->fr, f->pfd, &l), 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), 0);
	assert_int_equal(out.lfs, 0);
	assert_int_equal(out.len, 6);

	/* other domains' xattrs are separate */
	assert_int_equal(lfs_get(f->small, f->fd, &out), -ENODATA);

	assert_int_equal(lfs_remove(f->fr, f->pfd), 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_remove(f->fr, f->fd), 0);
	assert_int_equal(lfs_get(f->fr, -1, &out), -EBADF);
}

static void test_raw_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	char raw[64];
	ssize_t n;

	set_label(&l, 0, 0, "system_u:object_r:nfs_t:s0");
	assert_int_equal(lfs_set(f->se, f->fd, &l), 0);
	n = getxattr(f->file, "user.virtiofs.security.selinux", raw,
		     sizeof(raw));
	assert_int_equal(n, l.len + 1);
	assert_int_equal(raw[n - 1], '\0');
	assert_string_equal(raw, "system_u:object_r:nfs_t:s0");
	assert_int_equal(lfs_get(f->se, f->pfd, &out), 0);
	assert_int_equal(out.len, l.len);
	assert_int_equal(out.lfs, 258);	/* the domain's default-lfs */
	assert_memory_equal(out.data, l.data, l.len);

	/* written by other software without the NUL */
	assert_int_equal(setxattr(f->file, "user.virtiofs.security.selinux",
				  "u:r:t:s1", 8, 0), 0);
	assert_int_equal(lfs_get(f->se, f->fd, &out), 0);
	assert_int_equal(out.len, 8);
	assert_memory_equal(out.data, "u:r:t:s1", 8);

	/* the nested domain is a different name */
	assert_int_equal(lfs_get(f->kid, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_set(f->kid, f->fd, &l), 0);
	n = getxattr(f->file, "user.virtiofs.user.virtiofs.security.selinux",
		     raw, sizeof(raw));
	assert_int_equal(n, l.len + 1);
	assert_int_equal(lfs_remove(f->kid, f->fd), 0);
	assert_int_equal(lfs_remove(f->se, f->fd), 0);
}

static void test_corrupt(void **state)
{
	struct fixture *f = *state;
	static uint8_t big[3000];
	struct lfs_label out;

	assert_int_equal(setxattr(f->file, "user.lnfs-test.fr", "LN\2\0junk",
				  8, 0), 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), -EBADMSG);
	assert_int_equal(lfs_get_or_default(f->fr, f->fd, &out, NULL),
			 -EBADMSG);
	assert_int_equal(setxattr(f->file, "user.lnfs-test.fr", "LN", 2, 0),
			 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), -EBADMSG);
	memcpy(big, "LN\1\0\0\0\0\0\0\0\0\0", 12);
	memset(big + 12, 'a', sizeof(big) - 12);
	assert_int_equal(setxattr(f->file, "user.lnfs-test.fr", big,
				  sizeof(big), 0), 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), -EBADMSG);
	/* exactly the largest valid value still reads */
	assert_int_equal(setxattr(f->file, "user.lnfs-test.fr", big,
				  LFS_VALUE_MAX, 0), 0);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), 0);
	assert_int_equal(out.len, NFS4_MAXLABELLEN);
	assert_int_equal(lfs_remove(f->fr, f->fd), 0);
}

static void test_set_errors(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;

	set_label(&l, 5, 0, "x");
	assert_int_equal(lfs_set(f->fr, f->fd, &l), -EPROTO);
	set_label(&l, 0, 0, "0123456789abcdefghij");
	assert_int_equal(lfs_set(f->small, f->fd, &l), -E2BIG);
	set_label(&l, 0, 0, "no colons");
	assert_int_equal(lfs_set(f->se, f->fd, &l), -EINVAL);
	set_label(&l, 0, 0, "x");
	assert_int_equal(lfs_set(f->ro, f->fd, &l), -EROFS);
	assert_int_equal(lfs_remove(f->ro, f->fd), -EROFS);
	assert_int_equal(lfs_get(f->fr, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_get(f->small, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_get_or_default(f->ro, f->fd, &out, NULL), 0);
}

static void test_symlink_user(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	bool dflt;

	/* Linux allows user.* only on regular files and directories. */
	set_label(&l, 0, 0, "x");
	assert_int_equal(lfs_set(f->fr, f->lfd, &l), -EPERM);
	assert_int_equal(lfs_get(f->fr, f->lfd, &out), -ENODATA);
	assert_int_equal(lfs_get_or_default(f->fr, f->lfd, &out, &dflt), 0);
	assert_true(dflt);
}

static bool have_trusted(const char *dir)
{
	char p[192];
	int fd;
	bool ok;

	snprintf(p, sizeof(p), "%s/probe", dir);
	fd = open(p, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return false;
	ok = fsetxattr(fd, "trusted.lnfs-test.probe", "1", 1, 0) == 0;
	close(fd);
	unlink(p);
	return ok;
}

static void test_symlink_trusted(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	char raw[64];

	if (!have_trusted(f->dir))
		skip();	/* needs CAP_SYS_ADMIN */
	set_label(&l, 258, 0, "u:r:link_t:s0");
	assert_int_equal(lfs_set(f->tr, f->lfd, &l), 0);
	/* stored on the link itself, not on its target */
	assert_int_equal(lgetxattr(f->link, "trusted.lnfs-test.tr", raw,
				   sizeof(raw)), LFS_FRAME_HDR + l.len);
	assert_int_equal(lfs_get(f->tr, f->fd, &out), -ENODATA);
	assert_int_equal(lfs_get(f->tr, f->lfd, &out), 0);
	assert_int_equal(out.lfs, 258);
	assert_memory_equal(out.data, "u:r:link_t:s0", out.len);
	assert_int_equal(lfs_remove(f->tr, f->lfd), 0);
	assert_int_equal(lfs_get(f->tr, f->lfd, &out), -ENODATA);
}

static void test_host_selinux_untouched(void **state)
{
	struct fixture *f = *state;
	char before[512], after[512];
	ssize_t nb, na;
	struct lfs_label l;

	nb = getxattr(f->file, "security.selinux", before, sizeof(before));
	set_label(&l, 0, 0, "u:r:t:s0");
	assert_int_equal(lfs_set(f->se, f->fd, &l), 0);
	assert_int_equal(lfs_set(f->kid, f->fd, &l), 0);
	assert_int_equal(lfs_set(f->fr, f->fd, &l), 0);
	na = getxattr(f->file, "security.selinux", after, sizeof(after));
	assert_int_equal(nb, na);
	if (nb > 0)
		assert_memory_equal(before, after, (size_t)nb);
	lfs_remove(f->se, f->fd);
	lfs_remove(f->kid, f->fd);
	lfs_remove(f->fr, f->fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hostile_names_rejected),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_framed_roundtrip),
		cmocka_unit_test(test_raw_roundtrip),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_symlink_user),
		cmocka_unit_test(test_symlink_trusted),
		cmocka_unit_test(test_host_selinux_untouched),
	};
	const char *t = getenv("TMPDIR");
	char probe[128];
	int fd, r;

	if (t && *t && strlen(t) < sizeof(tmpdir_base))
		snprintf(tmpdir_base, sizeof(tmpdir_base), "%s", t);
	snprintf(probe, sizeof(probe), "%s/test_lfs.probe.%d", tmpdir_base,
		 (int)getpid());
	fd = open(probe, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "test_lfs: cannot create %s: skipped\n", probe);
		return 77;
	}
	r = fsetxattr(fd, "user.lnfs-test.probe", "1", 1, 0) ? errno : 0;
	close(fd);
	unlink(probe);
	if (r) {
		fprintf(stderr, "test_lfs: no user xattrs in %s (%s): "
				"skipped\n", tmpdir_base, strerror(r));
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
