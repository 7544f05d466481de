/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tag.c - integrity tags on stored labels (lfs.h "Integrity", cfg.h
 * "integrity"): SipHash-2-4 test vectors, the key file, and on real files
 * in a temporary directory: a tagged label reads back; a value copied to
 * another file, a label byte edited, the tag stripped, a value copied
 * between two domains' xattrs are all detected; the actions log, default
 * and deny; raw domains refuse integrity.  Exits 77 (skip) when the
 * temporary directory's file system has no user xattrs.
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
	"[domain \"a\"]\n"
	"xattr = user.lnfs-tag.a\n"
	"lfs = 0 258\n"
	"integrity = default\n"
	"[domain \"b\"]\n"
	"xattr = user.lnfs-tag.b\n"
	"lfs = 0 258\n"
	"integrity = default\n"
	"[domain \"lg\"]\n"
	"xattr = user.lnfs-tag.lg\n"
	"integrity = log\n"
	"default-label = dflt\n"
	"[domain \"dn\"]\n"
	"xattr = user.lnfs-tag.dn\n"
	"integrity = deny\n"
	"[domain \"off\"]\n"
	"xattr = user.lnfs-tag.off\n";

struct fixture {
	struct cfg *cfg;
	const struct cfg_domain *a, *b, *lg, *dn, *off;
	char dir[128];
	char f1[160], f2[160];
	int fd1, fd2;
};

static char tmpdir_base[64] = "/tmp";
static const uint8_t test_key[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
				      9, 10, 11, 12, 13, 14, 15, 16 };

/* text parsed as configuration file name and finished: 0 with *out, or
 * the error (err filled, *out freed and NULL). */
static int conf_from_text(const char *text, const char *name, struct cfg **out, char *err,
			  size_t errlen)
{
	struct cfg *cfg = cfg_new_default();
	int rc = cfg_parse_conf_text(cfg, text, strlen(text), name, err, errlen);

	if (!rc)
		rc = cfg_finish(cfg, err, errlen);
	if (rc) {
		cfg_put(cfg);
		cfg = NULL;
	}
	*out = cfg;
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	int rc;

	if (!f)
		return -1;
	rc = conf_from_text(conf_text, "tag.conf", &f->cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	f->a = cfg_find_domain(f->cfg, "a");
	f->b = cfg_find_domain(f->cfg, "b");
	f->lg = cfg_find_domain(f->cfg, "lg");
	f->dn = cfg_find_domain(f->cfg, "dn");
	f->off = cfg_find_domain(f->cfg, "off");
	snprintf(f->dir, sizeof(f->dir), "%s/test_tag.XXXXXX", tmpdir_base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->f1, sizeof(f->f1), "%s/one", f->dir);
	snprintf(f->f2, sizeof(f->f2), "%s/two", f->dir);
	f->fd1 = open(f->f1, O_RDWR | O_CREAT | O_EXCL, 0600);
	f->fd2 = open(f->f2, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (f->fd1 < 0 || f->fd2 < 0)
		return -1;
	lfs_key_set(test_key);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[200];

	close(f->fd1);
	close(f->fd2);
	unlink(f->f1);
	unlink(f->f2);
	snprintf(path, sizeof(path), "%s/label.key", f->dir);
	unlink(path);
	rmdir(f->dir);
	cfg_put(f->cfg);
	free(f);
	return 0;
}

static void set_label(struct lfs_label *l, uint32_t lfs, const char *s)
{
	l->lfs = lfs;
	l->pi = 0;
	l->len = (uint32_t)strlen(s);
	memcpy(l->data, s, l->len);
}

static void assert_label(const struct lfs_label *l, const char *s)
{
	assert_int_equal(l->len, strlen(s));
	assert_memory_equal(l->data, s, l->len);
}

/* The raw stored value of name on path. */
static ssize_t raw_get(const char *path, const char *name, uint8_t *buf,
		      size_t len)
{
	return getxattr(path, name, buf, len);
}

static void test_siphash_vectors(void **state)
{
	uint8_t key[16], msg[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	/* the reference implementation's vectors (key 00..0f, message
	 * 00..len-1) */
	assert_true(lfs_siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(lfs_siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(lfs_siphash24(key, msg, 8) == 0x93f5f5799a932462ULL);
}

static void test_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	ssize_t n;

	set_label(&l, 258, "system_u:object_r:etc_t:s0");
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	assert_int_equal(n, LFS_FRAME_HDR + l.len + LFS_TAG_LEN);
	assert_int_equal(val[3], LFS_FRAME_F_TAG);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	assert_int_equal(out.lfs, 258);
	assert_label(&out, "system_u:object_r:etc_t:s0");
	/* through an O_PATH descriptor too */
	{
		int p = open(f->f1, O_PATH);

		assert_true(p >= 0);
		assert_int_equal(lfs_get(f->a, p, &out), 0);
		close(p);
	}
	/* a domain without integrity reads tagged values */
	assert_int_equal(setxattr(f->f1, f->off->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->off, f->fd1, &out), 0);
	assert_label(&out, "system_u:object_r:etc_t:s0");
	/* and writes untagged ones */
	assert_int_equal(lfs_set(f->off, f->fd1, &l), 0);
	n = raw_get(f->f1, f->off->xattr, val, sizeof(val));
	assert_int_equal(n, LFS_FRAME_HDR + l.len);
	assert_int_equal(val[3], 0);
	/* the longest label, tagged */
	l.len = NFS4_MAXLABELLEN;
	memset(l.data, 'a', l.len);
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	assert_int_equal(raw_get(f->f1, f->a->xattr, val, sizeof(val)),
			 LFS_VALUE_MAX_TAGGED);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	assert_int_equal(out.len, NFS4_MAXLABELLEN);
	lfs_remove(f->a, f->fd1);
	lfs_remove(f->off, f->fd1);
}

static void test_copy_to_other_file(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	ssize_t n;

	set_label(&l, 0, "secret_t");
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	assert_true(n > 0);
	assert_int_equal(setxattr(f->f2, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	assert_int_equal(lfs_get(f->a, f->fd2, &out), -EKEYREJECTED);
	assert_label(&out, "secret_t");	/* the stored label, for "log" */
	/* the same label set properly on the other file verifies */
	assert_int_equal(lfs_set(f->a, f->fd2, &l), 0);
	assert_int_equal(lfs_get(f->a, f->fd2, &out), 0);
	lfs_remove(f->a, f->fd1);
	lfs_remove(f->a, f->fd2);
}

static void test_edit_byte(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	ssize_t n;

	set_label(&l, 0, "user_t");
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	assert_true(n > 0);
	val[LFS_FRAME_HDR] = 'X';	/* "Xser_t" */
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	assert_label(&out, "Xser_t");
	/* the LFS edited */
	val[LFS_FRAME_HDR] = 'u';
	val[7] = 2;	/* LFS 0 -> 2 */
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	/* the tag edited */
	val[7] = 0;
	val[n - 1] ^= 1;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	val[n - 1] ^= 1;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	/* another key: rejected */
	{
		uint8_t k2[16];

		memcpy(k2, test_key, 16);
		k2[0] ^= 0x80;
		lfs_key_set(k2);
		assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
		lfs_key_set(test_key);
	}
	lfs_remove(f->a, f->fd1);
}

static void test_strip_tag(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	ssize_t n;

	set_label(&l, 0, "user_t");
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	/* the flag cleared and the tag cut off: a well-formed untagged value */
	val[3] = 0;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val,
				  (size_t)n - LFS_TAG_LEN, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	assert_label(&out, "user_t");
	/* an untagged value as lfs_encode() makes it */
	n = lfs_encode(f->a, &l, val, sizeof(val));
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	/* the flag cleared but the tag kept: taken as label bytes, rejected */
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	val[3] = 0;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	/* flag set but too short for a tag: corrupt */
	val[3] = LFS_FRAME_F_TAG;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val,
				  LFS_FRAME_HDR + LFS_TAG_LEN, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EBADMSG);
	/* unknown flag bits stay corrupt */
	val[3] = 2;
	assert_int_equal(setxattr(f->f1, f->a->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EBADMSG);
	lfs_remove(f->a, f->fd1);
}

static void test_copy_between_domains(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	ssize_t n;

	set_label(&l, 0, "admin_t");
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	n = raw_get(f->f1, f->a->xattr, val, sizeof(val));
	assert_int_equal(setxattr(f->f1, f->b->xattr, val, (size_t)n, 0), 0);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	assert_int_equal(lfs_get(f->b, f->fd1, &out), -EKEYREJECTED);
	/* translation sources with bad tags are skipped, the own one is not */
	assert_int_equal(lfs_get_translated(NULL, f->b, f->fd1, &out, NULL),
			 -EKEYREJECTED);
	lfs_remove(f->a, f->fd1);
	lfs_remove(f->b, f->fd1);
}

static void test_actions(void **state)
{
	struct fixture *f = *state;
	const struct cfg_domain *doms[3] = { f->lg, f->a, f->dn };
	struct lfs_label l, out;
	uint8_t val[LFS_VALUE_MAX_TAGGED];
	unsigned int i;
	int n;

	set_label(&l, 0, "forged_t");
	for (i = 0; i < 3; i++) {
		/* an untagged value where a tag is required */
		n = lfs_encode(doms[i], &l, val, sizeof(val));
		assert_true(n > 0);
		assert_int_equal(setxattr(f->f1, doms[i]->xattr, val,
					  (size_t)n, 0), 0);
		assert_int_equal(lfs_get(doms[i], f->fd1, &out), -EKEYREJECTED);
		switch (doms[i]->integrity) {
		case CFG_INTEGRITY_LOG:
			assert_int_equal(lfs_integrity_action(doms[i], &out), 0);
			assert_label(&out, "forged_t");
			break;
		case CFG_INTEGRITY_DEFAULT:
			assert_int_equal(lfs_integrity_action(doms[i], &out), 0);
			assert_label(&out, "system_u:object_r:nfs_t:s0");
			break;
		case CFG_INTEGRITY_DENY:
			assert_int_equal(lfs_integrity_action(doms[i], &out),
					 -EACCES);
			break;
		default:
			fail();
		}
		lfs_remove(doms[i], f->fd1);
	}
	/* with no label stored, every action gets the plain default */
	assert_int_equal(lfs_get_or_default(f->dn, f->fd1, &out, NULL), 0);
	assert_label(&out, "system_u:object_r:nfs_t:s0");
}

static void test_key_file(void **state)
{
	struct fixture *f = *state;
	struct lfs_label l, out;
	char path[200];
	uint8_t k1[16], k2[16];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/label.key", f->dir);
	lfs_key_init(f->dir);
	set_label(&l, 0, "user_t");
	assert_int_equal(stat(path, &st), -1);	/* created on first use */
	assert_int_equal(lfs_set(f->a, f->fd1, &l), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 16);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, k1, 16), 16);
	close(fd);
	/* a new start reads the same key */
	lfs_key_init(f->dir);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), 0);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, k2, 16), 16);
	close(fd);
	assert_memory_equal(k1, k2, 16);
	/* no key: writes fail, reads are rejected */
	lfs_key_init(NULL);
	assert_int_equal(lfs_set(f->a, f->fd1, &l), -ENOKEY);
	assert_int_equal(lfs_get(f->a, f->fd1, &out), -EKEYREJECTED);
	lfs_remove(f->a, f->fd1);
	lfs_key_set(test_key);
}

static void test_config(void **state)
{
	static const char bad[] =
		"[domain \"r\"]\n"
		"xattr = user.virtiofs.security.selinux\n"
		"\n"
		"integrity = log\n";
	static const char bad2[] =
		"[domain \"r\"]\n"
		"xattr = user.x.r\n"
		"integrity = sometimes\n";
	static const char bad3[] =
		"[domain \"r\"]\n"
		"xattr = user.x.r\n"
		"label-required = yes\n";
	static const char good[] =
		"[domain \"r\"]\n"
		"xattr = user.x.r\n"
		"integrity = deny\n"
		"label-required = yes\n";
	struct cfg *cfg;
	char err[512];

	(void)state;
	assert_int_not_equal(conf_from_text(bad, "raw.conf", &cfg, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "raw.conf"));
	assert_non_null(strstr(err, "4"));
	assert_non_null(strstr(err, "integrity"));

	assert_int_not_equal(conf_from_text(bad2, "bad2.conf", &cfg, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "integrity"));

	/* label-required without integrity: file, line 3 and key named */
	assert_int_not_equal(conf_from_text(bad3, "req.conf", &cfg, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "req.conf:3"));
	assert_non_null(strstr(err, "label-required"));

	assert_int_equal(conf_from_text(good, "good.conf", &cfg, err, sizeof(err)), 0);
	assert_true(cfg_find_domain(cfg, "r")->label_required);
	assert_false(cfg_find_domain(cfg, "default")->label_required);
	cfg_put(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_copy_to_other_file),
		cmocka_unit_test(test_edit_byte),
		cmocka_unit_test(test_strip_tag),
		cmocka_unit_test(test_copy_between_domains),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_key_file),
	};
	const char *t = getenv("TMPDIR");
	char probe[128];
	int fd, r;

	if (t && *t && strlen(t) < sizeof(tmpdir_base))
		snprintf(tmpdir_base, sizeof(tmpdir_base), "%s", t);
	snprintf(probe, sizeof(probe), "%s/test_tag.probe.%d", tmpdir_base,
		 (int)getpid());
	fd = open(probe, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "test_tag: cannot create %s: skipped\n", probe);
		return 77;
	}
	r = fsetxattr(fd, "user.lnfs-tag.probe", "1", 1, 0) ? errno : 0;
	close(fd);
	unlink(probe);
	if (r) {
		fprintf(stderr, "test_tag: no user xattrs in %s (%s): skipped\n",
			tmpdir_base, strerror(r));
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
