/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_fhindex.c - index file handles (export.h, fhindex.h): the table
 * (learn, replace, forget, refusal of bad names), its log (reload after a
 * restart, a torn last record cut off, a foreign file replaced), and the
 * export side with FH_INDEX_ALWAYS so it runs with or without privileges:
 * handles of a deep file resolve from the index, without it (search), after
 * a host-side rename; a deleted file's handle is NFS4ERR_STALE, a changed
 * byte NFS4ERR_BADHANDLE, an inode of another type NFS4ERR_STALE; on a
 * subtree_check export index handles keep their format and already refuse
 * a file moved or hard-linked out (then removed inside), while one moved
 * within the export is found again.  Works in a temporary directory.
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
#include <unistd.h>
#include <cmocka.h>

#include "config/cfg.h"
#include "server/export.h"
#include "server/fhindex.h"

struct fx {
	char dir[64], exp[96], state[96];
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

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/lnfs-fhix.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->exp, sizeof(f->exp), "%s/exp", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	if (mkdir(f->exp, 0755) < 0 || mkdir(f->state, 0700) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_tree(f->dir);
	free(f);
	return 0;
}

static void test_table(void **state)
{
	struct fh_index *ix = fh_index_new(0);
	char name[256];
	uint64_t parent;

	(void)state;
	assert_non_null(ix);
	assert_int_equal(fh_index_learn(ix, 1, 10, 2, "a", 1, false), 0);
	assert_int_equal(fh_index_learn(ix, 2, 10, 3, "other-export", 12, false), 0);
	assert_int_equal(fh_index_get(ix, 1, 10, &parent, name, sizeof(name)), 0);
	assert_int_equal(parent, 2);
	assert_string_equal(name, "a");
	/* a rename replaces the entry, longer name included */
	assert_int_equal(fh_index_learn(ix, 1, 10, 5, "a-longer-name", 13, false), 0);
	assert_int_equal(fh_index_get(ix, 1, 10, &parent, name, sizeof(name)), 0);
	assert_int_equal(parent, 5);
	assert_string_equal(name, "a-longer-name");
	assert_int_equal(fh_index_get(ix, 2, 10, &parent, name, sizeof(name)), 0);
	assert_string_equal(name, "other-export");
	/* names that cannot be one component */
	assert_int_equal(fh_index_learn(ix, 1, 11, 2, "a/b", 3, false), -EINVAL);
	assert_int_equal(fh_index_learn(ix, 1, 11, 2, "..", 2, false), -EINVAL);
	assert_int_equal(fh_index_learn(ix, 1, 11, 2, "", 0, false), -EINVAL);
	assert_int_equal(fh_index_learn(ix, 1, 11, 11, "self", 4, false), -EINVAL);
	/* a name that does not fit the caller's buffer is not there */
	assert_int_equal(fh_index_get(ix, 1, 10, &parent, name, 5), -ENOENT);
	assert_int_equal(fh_index_forget(ix, 1, 10), 0);
	assert_int_equal(fh_index_get(ix, 1, 10, &parent, name, sizeof(name)), -ENOENT);
	assert_int_equal(fh_index_count(ix), 1);
	/* many entries: the table grows */
	for (uint64_t i = 100; i < 20100; i++)
		assert_int_equal(fh_index_learn(ix, 1, i, 2, "n", 1, true), 0);
	assert_int_equal(fh_index_count(ix), 20001);
	assert_int_equal(fh_index_get(ix, 1, 12345, &parent, name, sizeof(name)), 0);
	fh_index_mark_gone(ix, 1, 777777);
	assert_true(fh_index_is_gone(ix, 1, 777777));
	assert_false(fh_index_is_gone(ix, 2, 777777));
	assert_int_equal(fh_index_learn(ix, 1, 777777, 2, "back", 4, false), 0);
	assert_false(fh_index_is_gone(ix, 1, 777777));
	fh_index_free(ix);
}

static void test_log(void **state)
{
	struct fx *f = *state;
	struct fh_index *ix = fh_index_new(0);
	char name[256], path[160];
	uint64_t parent;
	struct stat st;
	int fd;

	assert_int_equal(fh_index_persist(ix, f->state), 0);
	assert_int_equal(fh_index_learn(ix, 7, 100, 2, "one", 3, false), 0);
	assert_int_equal(fh_index_learn(ix, 7, 101, 100, "two", 3, true), 0);
	assert_int_equal(fh_index_learn(ix, 7, 102, 100, "three", 5, false), 0);
	assert_int_equal(fh_index_forget(ix, 7, 102), 0);
	assert_int_equal(fh_index_learn(ix, 7, 100, 2, "renamed", 7, false), 0);
	fh_index_free(ix);

	/* a restart replays the log */
	ix = fh_index_new(0);
	assert_int_equal(fh_index_persist(ix, f->state), 0);
	assert_int_equal(fh_index_count(ix), 2);
	assert_int_equal(fh_index_get(ix, 7, 100, &parent, name, sizeof(name)), 0);
	assert_string_equal(name, "renamed");
	assert_int_equal(fh_index_get(ix, 7, 101, &parent, name, sizeof(name)), 0);
	assert_int_equal(parent, 100);
	assert_int_equal(fh_index_get(ix, 7, 102, &parent, name, sizeof(name)), -ENOENT);
	assert_int_equal(fh_index_learn(ix, 7, 103, 100, "four", 4, false), 0);
	fh_index_free(ix);

	/* a torn last record is cut off; what came before stays */
	snprintf(path, sizeof(path), "%s/fhindex", f->state);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	ix = fh_index_new(0);
	assert_int_equal(fh_index_persist(ix, f->state), 0);
	assert_int_equal(fh_index_get(ix, 7, 103, &parent, name, sizeof(name)), -ENOENT);
	assert_int_equal(fh_index_get(ix, 7, 101, &parent, name, sizeof(name)), 0);
	assert_int_equal(fh_index_learn(ix, 7, 104, 100, "five", 4, false), 0);
	fh_index_free(ix);
	ix = fh_index_new(0);
	assert_int_equal(fh_index_persist(ix, f->state), 0);
	assert_int_equal(fh_index_get(ix, 7, 104, &parent, name, sizeof(name)), 0);
	assert_string_equal(name, "five");
	fh_index_free(ix);

	/* a foreign file is replaced by an empty index */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage!garbage!", 16), 16);
	close(fd);
	ix = fh_index_new(0);
	assert_int_equal(fh_index_persist(ix, f->state), 0);
	assert_int_equal(fh_index_count(ix), 0);
	fh_index_free(ix);
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static nfsstat4 resolve_ino(struct exports *e, const struct nfs_fh *fh, ino_t *ino)
{
	struct export *x;
	struct stat st;
	uint32_t node;
	nfsstat4 s;
	int fd;

	s = fh_resolve(e, fh, &x, &node, &fd);
	if (s != NFS4_OK)
		return s;
	assert_non_null(x);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	*ino = st.st_ino;
	return NFS4_OK;
}

static void test_export(void **state)
{
	struct fx *f = *state;
	const char *paths[1] = { f->exp };
	const uint32_t ids[1] = { 9 };
	uint8_t key[16] = { 1, 2, 3 };
	struct fh_index *ix = fh_index_new(FH_INDEX_ALWAYS);
	struct nfs_fh fh_deep, fh_dir, fh_gone, fh_bad;
	struct exports *e;
	struct stat st;
	char p[256], err[256];
	ino_t ino;
	int dfd, fd;

	assert_non_null(ix);
	snprintf(p, sizeof(p), "mkdir -p '%s/a/b/c'", f->exp);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/a/b/c/deep", f->exp);
	put(p, "deep");
	snprintf(p, sizeof(p), "%s/gone", f->exp);
	put(p, "gone");
	assert_int_equal(exports_new(paths, ids, NULL, 1, key, ix, &e, err, sizeof(err)), 0);
	assert_true(e->exp[0].by_index);

	snprintf(p, sizeof(p), "%s/a/b/c", f->exp);
	dfd = open(p, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(fh_for_fd(e, &e->exp[0], dfd, &fh_dir), 0);
	assert_int_equal(fh_for_name(e, &e->exp[0], dfd, "deep", &fh_deep), 0);
	close(dfd);
	assert_int_equal(fh_deep.data[0], 1);
	assert_int_equal(fh_deep.data[1], 3);
	fd = openat(e->exp[0].root_fd, "gone", O_PATH);
	assert_true(fd >= 0);
	assert_int_equal(fh_for_fd(e, &e->exp[0], fd, &fh_gone), 0);
	close(fd);

	/* nothing learned yet: found by searching, and learned meanwhile */
	snprintf(p, sizeof(p), "%s/a/b/c/deep", f->exp);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(resolve_ino(e, &fh_deep, &ino), NFS4_OK);
	assert_int_equal(ino, st.st_ino);
	assert_true(fh_index_count(ix) >= 5);
	assert_int_equal(resolve_ino(e, &fh_dir, &ino), NFS4_OK);

	/* a host-side rename of a directory on the way */
	snprintf(p, sizeof(p), "mv '%s/a/b' '%s/moved'", f->exp, f->exp);
	assert_int_equal(system(p), 0);
	assert_int_equal(resolve_ino(e, &fh_deep, &ino), NFS4_OK);
	assert_int_equal(ino, st.st_ino);

	/* deleted: stale, and remembered as gone */
	snprintf(p, sizeof(p), "%s/gone", f->exp);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(resolve_ino(e, &fh_gone, &ino), NFS4ERR_STALE);
	assert_int_equal(resolve_ino(e, &fh_gone, &ino), NFS4ERR_STALE);

	/* any changed byte breaks the tag */
	fh_bad = fh_deep;
	fh_bad.data[30] ^= 1;
	assert_int_equal(resolve_ino(e, &fh_bad, &ino), NFS4ERR_BADHANDLE);
	fh_bad = fh_deep;
	fh_bad.len--;
	assert_int_equal(resolve_ino(e, &fh_bad, &ino), NFS4ERR_BADHANDLE);

	/* the file replaced by a directory under its name (ext4 often gives
	 * it the same inode number: then the type differs; else the search
	 * does not find the number): stale either way */
	snprintf(p, sizeof(p), "%s/moved/c/deep", f->exp);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(resolve_ino(e, &fh_deep, &ino), NFS4ERR_STALE);
	exports_free(e);
	fh_index_free(ix);
}

/* subtree_check with index handles (export.c): nothing to add, the walk
 * and the search start at the export root. */
static void test_subtree_index(void **state)
{
	struct fx *f = *state;
	const char *paths[1] = { f->exp };
	const uint32_t ids[1] = { 11 };
	struct cfg_export ce = { .subtree_check = true };
	const struct cfg_export *cfgs[1] = { &ce };
	uint8_t key[16] = { 4, 5, 6 };
	struct fh_index *ix = fh_index_new(FH_INDEX_ALWAYS);
	struct nfs_fh fh_a, fh_b, fh_c;
	struct exports *e;
	struct stat st;
	char p[512], q[512], err[256];
	ino_t ino;
	int dfd;

	assert_non_null(ix);
	snprintf(p, sizeof(p), "mkdir -p '%s/d' '%s/d2' '%s/out'", f->exp, f->exp, f->dir);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/d/a", f->exp);
	put(p, "a");
	snprintf(p, sizeof(p), "%s/d/b", f->exp);
	put(p, "b");
	snprintf(p, sizeof(p), "%s/d/c", f->exp);
	put(p, "c");
	assert_int_equal(exports_new(paths, ids, cfgs, 1, key, ix, &e, err, sizeof(err)), 0);
	assert_true(e->exp[0].by_index);
	assert_true(e->exp[0].subtree_check);
	snprintf(p, sizeof(p), "%s/d", f->exp);
	dfd = open(p, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(fh_for_name(e, &e->exp[0], dfd, "a", &fh_a), 0);
	assert_int_equal(fh_for_name(e, &e->exp[0], dfd, "b", &fh_b), 0);
	assert_int_equal(fh_for_name(e, &e->exp[0], dfd, "c", &fh_c), 0);
	close(dfd);
	assert_int_equal(fh_a.data[1], 3); /* the index format, unchanged */
	assert_int_equal(fh_a.len, 40);

	/* moved out: stale; back in: found again */
	snprintf(p, sizeof(p), "%s/d/a", f->exp);
	snprintf(q, sizeof(q), "%s/out/a", f->dir);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(resolve_ino(e, &fh_a, &ino), NFS4ERR_STALE);
	assert_int_equal(rename(q, p), 0);
	fh_index_free(ix);	/* forget "gone": as after the negative entry expired */
	ix = fh_index_new(FH_INDEX_ALWAYS);
	assert_non_null(ix);
	exports_free(e);
	assert_int_equal(exports_new(paths, ids, cfgs, 1, key, ix, &e, err, sizeof(err)), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(resolve_ino(e, &fh_a, &ino), NFS4_OK);
	assert_int_equal(ino, st.st_ino);

	/* hard-linked outside, removed inside: stale */
	snprintf(p, sizeof(p), "%s/d/b", f->exp);
	snprintf(q, sizeof(q), "%s/out/b", f->dir);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(resolve_ino(e, &fh_b, &ino), NFS4ERR_STALE);

	/* renamed into another directory of the export: found again */
	snprintf(p, sizeof(p), "%s/d/c", f->exp);
	snprintf(q, sizeof(q), "%s/d2/c", f->exp);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(resolve_ino(e, &fh_c, &ino), NFS4_OK);
	assert_int_equal(ino, st.st_ino);
	exports_free(e);
	fh_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subtree_index, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
