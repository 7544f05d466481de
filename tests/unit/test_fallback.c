/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_fallback.c - the fallback label store (lfs.h): labels of symlinks
 * and fifos in a user.* domain go there (the kernel refuses user.* xattrs
 * on them), regular files never do; labels survive renames and a reopen of
 * the store (a server restart); lfs_forget_begin/end around an unlink or a
 * rename-over clean the entry only when the last link goes; a stale entry
 * (another inode under the key) is removed when found; lfs_fallback_reap
 * removes entries of objects deleted on the host (needs
 * CAP_DAC_READ_SEARCH, else that case is skipped).  Runs in a temporary
 * directory; skips when it has no user xattrs.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "lfs/lfs.h"

static const char conf_text[] =
	"[domain \"alpha\"]\n"
	"xattr = user.lnfs-fb.alpha\n"
	"[domain \"beta\"]\n"
	"xattr = user.lnfs-fb.beta\n"
	"lfs = 0 7\n"
	"pi = 0 3\n"
	"[domain \"gamma\"]\n"
	"xattr = user.lnfs-fb.gamma\n"
	"translate-from = alpha\n"
	"translate-table = t\n";

struct fx {
	struct cfg *cfg;
	const struct cfg_domain *alpha, *beta, *gamma;
	struct lfs_fallback *fb;
	char dir[64], state[96], data[96];
	int dfd;	/* data directory */
};

static int rm_tree(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];
	int fd;

	if (!f)
		return -1;
	f->cfg = cfg_new_default();
	if (cfg_parse_conf_text(f->cfg, conf_text, strlen(conf_text), "fb.conf",
				err, sizeof(err)) ||
	    cfg_parse_translate_text(f->cfg, "gamma", "alpha * -> =\n", 13, "t",
				     err, sizeof(err)) ||
	    cfg_finish(f->cfg, err, sizeof(err))) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	f->alpha = cfg_find_domain(f->cfg, "alpha");
	f->beta = cfg_find_domain(f->cfg, "beta");
	f->gamma = cfg_find_domain(f->cfg, "gamma");
	snprintf(f->dir, sizeof(f->dir), "%s/lnfs-fb.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
	if (mkdir(f->state, 0700) || mkdir(f->data, 0700))
		return -1;
	f->dfd = open(f->data, O_RDONLY | O_DIRECTORY);
	if (f->dfd < 0 || lfs_fallback_open(f->state, &f->fb))
		return -1;
	*state = f;
	/* user xattrs at all? */
	fd = openat(f->dfd, "probe", O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return -1;
	if (fsetxattr(fd, "user.lnfs-fb.probe", "x", 1, 0) < 0) {
		close(fd);
		return 0;	/* the tests skip themselves */
	}
	close(fd);
	unlinkat(f->dfd, "probe", 0);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	lfs_fallback_close(f->fb);
	close(f->dfd);
	rm_tree(f->dir);
	cfg_put(f->cfg);
	free(f);
	return 0;
}

static bool have_user_xattrs(const struct fx *f)
{
	return faccessat(f->dfd, "probe", F_OK, 0) != 0;
}

static void set_label(struct lfs_label *l, uint32_t lfs, uint32_t pi,
		      const char *s)
{
	l->lfs = lfs;
	l->pi = pi;
	l->len = (uint32_t)strlen(s);
	memcpy(l->data, s, l->len);
}

static int opath(const struct fx *f, const char *name)
{
	int fd = openat(f->dfd, name, O_PATH | O_NOFOLLOW);

	assert_true(fd >= 0);
	return fd;
}

/* Number of object directories in the store. */
static int entries(const struct fx *f)
{
	DIR *d = opendir(lfs_fallback_path(f->fb));
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void expect(struct lfs_fallback *fb, const struct cfg_domain *d,
		   int fd, int want_rc, uint32_t lfs, uint32_t pi,
		   const char *want)
{
	struct lfs_label out;
	int rc = lfs_read(fb, d, fd, &out);

	assert_int_equal(rc, want_rc);
	if (rc)
		return;
	assert_int_equal(out.lfs, lfs);
	assert_int_equal(out.pi, pi);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
}

static void test_symlink_and_fifo(void **state)
{
	struct fx *f = *state;
	struct lfs_label l;
	int lfd, ffd, rfd;

	if (!have_user_xattrs(f))
		skip();
	assert_int_equal(symlinkat("target", f->dfd, "ln"), 0);
	assert_int_equal(mkfifoat(f->dfd, "fifo", 0600), 0);
	rfd = openat(f->dfd, "reg", O_RDWR | O_CREAT, 0600);
	assert_true(rfd >= 0);
	lfd = opath(f, "ln");
	ffd = opath(f, "fifo");
	/* without the store: the kernel's answer */
	set_label(&l, 0, 0, "a-link");
	assert_int_equal(lfs_write(NULL, f->alpha, lfd, &l), -EPERM);
	expect(NULL, f->alpha, lfd, -ENODATA, 0, 0, NULL);
	/* with it */
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	set_label(&l, 7, 3, "b-link");
	assert_int_equal(lfs_write(f->fb, f->beta, lfd, &l), 0);
	set_label(&l, 0, 0, "a-fifo");
	assert_int_equal(lfs_write(f->fb, f->alpha, ffd, &l), 0);
	expect(f->fb, f->alpha, lfd, 0, 0, 0, "a-link");
	expect(f->fb, f->beta, lfd, 0, 7, 3, "b-link");
	expect(f->fb, f->alpha, ffd, 0, 0, 0, "a-fifo");
	expect(f->fb, f->beta, ffd, -ENODATA, 0, 0, NULL);
	assert_int_equal(entries(f), 2);
	/* translation reads the store too */
	{
		struct lfs_origin o;
		struct lfs_label out;

		assert_int_equal(lfs_get_translated(f->fb, f->gamma, lfd, &out,
						    &o), 0);
		assert_int_equal(o.kind, LFS_ORIGIN_TRANSLATED);
		assert_memory_equal(out.data, "a-link", 6);
	}
	/* regular files keep using the xattr */
	set_label(&l, 0, 0, "a-reg");
	assert_int_equal(lfs_write(f->fb, f->alpha, rfd, &l), 0);
	assert_int_equal(entries(f), 2);
	assert_true(fgetxattr(rfd, "user.lnfs-fb.alpha", NULL, 0) > 0);
	/* the store still checks what it is given */
	set_label(&l, 9, 0, "bad-lfs");
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), -EPROTO);
	/* replace, then erase one domain */
	set_label(&l, 0, 0, "a-link-2");
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	expect(f->fb, f->alpha, lfd, 0, 0, 0, "a-link-2");
	assert_int_equal(lfs_erase(f->fb, f->beta, lfd), 0);
	expect(f->fb, f->beta, lfd, -ENODATA, 0, 0, NULL);
	expect(f->fb, f->alpha, lfd, 0, 0, 0, "a-link-2");
	/* renames keep labels; so does reopening the store (a restart) */
	close(lfd);
	assert_int_equal(renameat(f->dfd, "ln", f->dfd, "ln2"), 0);
	lfs_fallback_close(f->fb);
	f->fb = NULL;
	assert_int_equal(lfs_fallback_open(f->state, &f->fb), 0);
	lfd = opath(f, "ln2");
	expect(f->fb, f->alpha, lfd, 0, 0, 0, "a-link-2");
	/* REMOVE of a name with another link left keeps the entry */
	assert_int_equal(linkat(f->dfd, "fifo", f->dfd, "fifo-link", 0), 0);
	{
		int g = lfs_forget_begin(f->fb, f->dfd, "fifo");

		assert_true(g >= 0);
		assert_int_equal(unlinkat(f->dfd, "fifo", 0), 0);
		lfs_forget_end(f->fb, g, true);
	}
	expect(f->fb, f->alpha, ffd, 0, 0, 0, "a-fifo");
	/* ... the last one drops it */
	{
		int g = lfs_forget_begin(f->fb, f->dfd, "fifo-link");

		assert_true(g >= 0);
		assert_int_equal(unlinkat(f->dfd, "fifo-link", 0), 0);
		lfs_forget_end(f->fb, g, true);
	}
	assert_int_equal(entries(f), 1);
	/* a failed unlink keeps it */
	{
		int g = lfs_forget_begin(f->fb, f->dfd, "ln2");

		lfs_forget_end(f->fb, g, false);
		expect(f->fb, f->alpha, lfd, 0, 0, 0, "a-link-2");
	}
	/* RENAME over the symlink drops its labels */
	assert_int_equal(symlinkat("other", f->dfd, "ln3"), 0);
	{
		int g = lfs_forget_begin(f->fb, f->dfd, "ln2");

		assert_true(g >= 0);
		assert_int_equal(renameat(f->dfd, "ln3", f->dfd, "ln2"), 0);
		lfs_forget_end(f->fb, g, true);
	}
	assert_int_equal(entries(f), 0);
	/* regular files and directories never get a forget descriptor */
	assert_int_equal(lfs_forget_begin(f->fb, f->dfd, "reg"), -1);
	assert_int_equal(lfs_forget_begin(NULL, f->dfd, "ln2"), -1);
	assert_int_equal(lfs_forget_begin(f->fb, f->dfd, "missing"), -1);
	lfs_forget_end(f->fb, -1, true);
	close(lfd);
	close(ffd);
	close(rfd);
}

/* Path of the only entry file of domain dom. */
static void entry_path(const struct fx *f, const char *dom, char *out,
		       size_t len)
{
	DIR *d = opendir(lfs_fallback_path(f->fb));
	struct dirent *de;

	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			snprintf(out, len, "%s/%s/%s", lfs_fallback_path(f->fb),
				 de->d_name, dom);
	closedir(d);
	assert_true(out[0]);
}

static void test_stale_and_corrupt(void **state)
{
	struct fx *f = *state;
	struct lfs_label l;
	char path[512];
	uint8_t b;
	int lfd, efd;

	if (!have_user_xattrs(f))
		skip();
	assert_int_equal(symlinkat("t", f->dfd, "s"), 0);
	lfd = opath(f, "s");
	set_label(&l, 0, 0, "lbl");
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	entry_path(f, "alpha", path, sizeof(path));
	/* a different inode number in the entry: stale, removed on sight */
	efd = open(path, O_RDWR);
	assert_true(efd >= 0);
	assert_int_equal(pread(efd, &b, 1, 15), 1);
	b ^= 1;
	assert_int_equal(pwrite(efd, &b, 1, 15), 1);
	close(efd);
	expect(f->fb, f->alpha, lfd, -ENODATA, 0, 0, NULL);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(entries(f), 0);
	/* a corrupt entry is reported as such */
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	entry_path(f, "alpha", path, sizeof(path));
	efd = open(path, O_WRONLY | O_TRUNC);
	assert_true(efd >= 0);
	assert_int_equal(write(efd, "LNFB", 4), 4);
	close(efd);
	expect(f->fb, f->alpha, lfd, -EBADMSG, 0, 0, NULL);
	assert_int_equal(lfs_forget(f->fb, lfd), 0);
	assert_int_equal(entries(f), 0);
	close(lfd);
}

static void test_reap(void **state)
{
	struct fx *f = *state;
	struct lfs_label l;
	int lfd, n;

	if (!have_user_xattrs(f))
		skip();
	assert_int_equal(symlinkat("t", f->dfd, "keep"), 0);
	assert_int_equal(symlinkat("t", f->dfd, "gone"), 0);
	set_label(&l, 0, 0, "k");
	lfd = opath(f, "keep");
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	close(lfd);
	lfd = opath(f, "gone");
	assert_int_equal(lfs_write(f->fb, f->alpha, lfd, &l), 0);
	close(lfd);
	assert_int_equal(entries(f), 2);
	/* removed on the host, behind lnfsd's back */
	assert_int_equal(unlinkat(f->dfd, "gone", 0), 0);
	n = lfs_fallback_reap(f->fb, f->dfd);
	if (n == -EPERM) {
		print_message("open_by_handle_at needs CAP_DAC_READ_SEARCH: "
			      "skipped\n");
		skip();
	}
	assert_int_equal(n, 1);
	assert_int_equal(entries(f), 1);
	lfd = opath(f, "keep");
	expect(f->fb, f->alpha, lfd, 0, 0, 0, "k");
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_symlink_and_fifo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_corrupt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
