/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_fallback.c - lnfsd's own label store for objects whose domain xattr
 * cannot be written (user.* names on symlinks, fifos, sockets, devices),
 * and the combined read/write/erase that try the xattr first.  Layout,
 * keys, entry format and what happens on host-side changes are described
 * in lfs.h.  Every path is relative to the store's directory descriptor
 * (openat/renameat/unlinkat); nothing here follows a client-supplied path.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define FB_DIR "labels"
#define FB_MAGIC "LNFB"
#define FB_VERSION 1
#define FB_HDR 48		/* magic..len, see lfs.h */
#define FB_KEY_MAX 100		/* key bytes: 200 hex digits */
#define FB_NAME_MAX (1 + 2 * FB_KEY_MAX + 1)

struct lfs_fallback {
	int dirfd;
	char *path;
};

struct fb_ident {
	uint64_t ino;
	int64_t btime_sec;
	uint32_t btime_nsec;
};

const char *lfs_fallback_path(const struct lfs_fallback *fb)
{
	return fb->path;
}

int lfs_fallback_open(const char *state_dir, struct lfs_fallback **out)
{
	struct lfs_fallback *fb;
	int sfd, rc;

	sfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return -errno;
	if (mkdirat(sfd, FB_DIR, 0700) < 0 && errno != EEXIST) {
		rc = -errno;
		close(sfd);
		return rc;
	}
	fb = calloc(1, sizeof(*fb));
	if (fb)
		fb->path = malloc(strlen(state_dir) + sizeof("/" FB_DIR));
	if (!fb || !fb->path) {
		if (fb)
			free(fb);
		close(sfd);
		return -ENOMEM;
	}
	sprintf(fb->path, "%s/%s", state_dir, FB_DIR);
	fb->dirfd = openat(sfd, FB_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
	rc = fb->dirfd < 0 ? -errno : 0;
	close(sfd);
	if (rc) {
		free(fb->path);
		free(fb);
		return rc;
	}
	*out = fb;
	return 0;
}

void lfs_fallback_close(struct lfs_fallback *fb)
{
	if (!fb)
		return;
	close(fb->dirfd);
	free(fb->path);
	free(fb);
}

static void hex(char *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	*o = '\0';
}

static void put_be(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The object's store key as a directory name. */
static int fb_key(int fd, char name[static FB_NAME_MAX + 1])
{
	union {
		struct file_handle fh;
		uint8_t raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	uint8_t key[FB_KEY_MAX];
	struct statfs sfs;
	struct stat st;
	int mnt;
	size_t n;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (fstatfs(fd, &sfs) == 0 &&
	    name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH) == 0) {
		n = 8 + 4 + h.fh.handle_bytes;
		if (n > FB_KEY_MAX)
			return -ENAMETOOLONG;
		memcpy(key, &sfs.f_fsid, 8);
		put_be(key + 8, (uint32_t)h.fh.handle_type, 4);
		memcpy(key + 12, h.fh.f_handle, h.fh.handle_bytes);
		name[0] = 'h';
		hex(name + 1, key, n);
		return 0;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	put_be(key, (uint64_t)st.st_dev, 8);
	put_be(key + 8, (uint64_t)st.st_ino, 8);
	name[0] = 'i';
	hex(name + 1, key, 16);
	return 0;
}

static int fb_ident(int fd, struct fb_ident *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  STATX_INO | STATX_BTIME, &stx) < 0)
		return -errno;
	id->ino = stx.stx_ino;
	id->btime_sec = 0;
	id->btime_nsec = 0;
	if (stx.stx_mask & STATX_BTIME) {
		id->btime_sec = stx.stx_btime.tv_sec;
		id->btime_nsec = stx.stx_btime.tv_nsec;
	}
	return 0;
}

/* Removes the key directory if it is empty; errors are ignored. */
static void fb_prune(struct lfs_fallback *fb, const char *key)
{
	unlinkat(fb->dirfd, key, AT_REMOVEDIR);
}

int lfs_fallback_get(struct lfs_fallback *fb, const struct cfg_domain *d,
		     int fd, struct lfs_label *out)
{
	uint8_t buf[FB_HDR + NFS4_MAXLABELLEN + 1];
	char key[FB_NAME_MAX + 1], path[FB_NAME_MAX + CFG_NAME_MAX + 2];
	struct fb_ident id;
	ssize_t n;
	uint32_t len;
	int efd, rc;

	rc = fb_key(fd, key);
	if (rc)
		return rc == -ENAMETOOLONG ? -ENODATA : rc;
	snprintf(path, sizeof(path), "%s/%s", key, d->name);
	efd = openat(fb->dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (efd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENODATA : -errno;
	n = read(efd, buf, sizeof(buf));
	rc = n < 0 ? -errno : 0;
	close(efd);
	if (rc)
		return rc;
	if (n < FB_HDR || memcmp(buf, FB_MAGIC, 4) || buf[4] != FB_VERSION)
		return -EBADMSG;
	len = (uint32_t)get_be(buf + 44, 4);
	if (!len || len > NFS4_MAXLABELLEN || (size_t)n != FB_HDR + len)
		return -EBADMSG;
	rc = fb_ident(fd, &id);
	if (rc)
		return rc;
	if (get_be(buf + 8, 8) != id.ino ||
	    (int64_t)get_be(buf + 16, 8) != id.btime_sec ||
	    (uint32_t)get_be(buf + 24, 4) != id.btime_nsec) {
		/* another object now has this key: the entry is stale */
		unlinkat(fb->dirfd, path, 0);
		fb_prune(fb, key);
		return -ENODATA;
	}
	out->lfs = (uint32_t)get_be(buf + 28, 4);
	out->pi = (uint32_t)get_be(buf + 32, 4);
	/* 36..43 reserved, zero */
	out->len = len;
	memcpy(out->data, buf + FB_HDR, len);
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int lfs_fallback_set(struct lfs_fallback *fb, const struct cfg_domain *d,
		     int fd, const struct lfs_label *l)
{
	uint8_t buf[FB_HDR + NFS4_MAXLABELLEN];
	char key[FB_NAME_MAX + 1], path[FB_NAME_MAX + CFG_NAME_MAX + 2];
	char tmp[FB_NAME_MAX + CFG_NAME_MAX + 40];
	struct fb_ident id;
	uint64_t r = 0;
	int efd, rc, tries;

	if (l->len > NFS4_MAXLABELLEN)
		return -E2BIG;
	rc = fb_key(fd, key);
	if (!rc)
		rc = fb_ident(fd, &id);
	if (rc)
		return rc;
	memset(buf, 0, FB_HDR);
	memcpy(buf, FB_MAGIC, 4);
	buf[4] = FB_VERSION;
	put_be(buf + 8, id.ino, 8);
	put_be(buf + 16, (uint64_t)id.btime_sec, 8);
	put_be(buf + 24, id.btime_nsec, 4);
	put_be(buf + 28, l->lfs, 4);
	put_be(buf + 32, l->pi, 4);
	put_be(buf + 44, l->len, 4);
	memcpy(buf + FB_HDR, l->data, l->len);
	snprintf(path, sizeof(path), "%s/%s", key, d->name);
	/* a concurrent lfs_forget() may remove the directory: retry once */
	for (tries = 0; tries < 2; tries++) {
		if (mkdirat(fb->dirfd, key, 0700) < 0 && errno != EEXIST)
			return -errno;
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r ^= (uint64_t)(uintptr_t)&r ^ (uint64_t)getpid();
		snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%016llx", key, d->name,
			 (unsigned long long)r);
		efd = openat(fb->dirfd, tmp,
			     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				     O_CLOEXEC,
			     0600);
		if (efd < 0 && errno == ENOENT)
			continue;
		if (efd < 0)
			return -errno;
		rc = write_all(efd, buf, FB_HDR + l->len);
		if (!rc && fsync(efd) < 0)
			rc = -errno;
		close(efd);
		if (!rc && renameat(fb->dirfd, tmp, fb->dirfd, path) < 0)
			rc = -errno;
		if (rc)
			unlinkat(fb->dirfd, tmp, 0);
		if (rc == -ENOENT)
			continue;
		return rc;
	}
	return -ENOENT;
}

int lfs_fallback_remove(struct lfs_fallback *fb, const struct cfg_domain *d,
			int fd)
{
	char key[FB_NAME_MAX + 1], path[FB_NAME_MAX + CFG_NAME_MAX + 2];
	int rc;

	rc = fb_key(fd, key);
	if (rc)
		return rc == -ENAMETOOLONG ? 0 : rc;
	snprintf(path, sizeof(path), "%s/%s", key, d->name);
	if (unlinkat(fb->dirfd, path, 0) < 0 && errno != ENOENT &&
	    errno != ENOTDIR)
		return -errno;
	fb_prune(fb, key);
	return 0;
}

/* Removes the key directory key with everything in it. */
static int fb_drop_key(struct lfs_fallback *fb, const char *key)
{
	struct dirent *de;
	DIR *dir;
	int kfd, rc = 0;

	kfd = openat(fb->dirfd, key,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (kfd < 0)
		return errno == ENOENT ? 0 : -errno;
	dir = fdopendir(kfd);
	if (!dir) {
		rc = -errno;
		close(kfd);
		return rc;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(kfd, de->d_name, 0) < 0 && errno != ENOENT)
			rc = -errno;
	}
	closedir(dir);
	if (unlinkat(fb->dirfd, key, AT_REMOVEDIR) < 0 && errno != ENOENT &&
	    !rc)
		rc = -errno;
	return rc;
}

int lfs_forget(struct lfs_fallback *fb, int fd)
{
	char key[FB_NAME_MAX + 1];
	int rc;

	if (!fb)
		return 0;
	rc = fb_key(fd, key);
	if (rc)
		return rc == -ENAMETOOLONG ? 0 : rc;
	return fb_drop_key(fb, key);
}

static bool special(mode_t m)
{
	return !S_ISREG(m) && !S_ISDIR(m);
}

int lfs_forget_begin(struct lfs_fallback *fb, int dirfd, const char *name)
{
	struct stat st;
	int fd;

	if (!fb)
		return -1;
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !special(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

void lfs_forget_end(struct lfs_fallback *fb, int fd, bool done)
{
	struct stat st;

	if (fd < 0)
		return;
	if (fb && done && fstat(fd, &st) == 0 && st.st_nlink == 0)
		lfs_forget(fb, fd);
	close(fd);
}

static int unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max) {
		unsigned int v;

		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return *s ? -1 : (int)n;
}

int lfs_fallback_reap(struct lfs_fallback *fb, int mount_fd)
{
	union {
		struct file_handle fh;
		uint8_t raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	uint8_t key[FB_KEY_MAX];
	struct statfs sfs;
	struct dirent *de;
	DIR *dir;
	int dfd, n, removed = 0, rc = 0;

	if (fstatfs(mount_fd, &sfs) < 0)
		return -errno;
	dfd = openat(fb->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		int ofd;

		if (de->d_name[0] != 'h')
			continue;
		n = unhex(de->d_name + 1, key, sizeof(key));
		if (n < 12 || memcmp(key, &sfs.f_fsid, 8))
			continue;
		h.fh.handle_type = (int)get_be(key + 8, 4);
		h.fh.handle_bytes = (unsigned int)n - 12;
		memcpy(h.fh.f_handle, key + 12, (size_t)n - 12);
		ofd = open_by_handle_at(mount_fd, &h.fh, O_PATH | O_CLOEXEC);
		if (ofd >= 0) {
			close(ofd);
			continue;
		}
		if (errno == EPERM) {
			rc = -EPERM;
			break;
		}
		if (errno == ESTALE && fb_drop_key(fb, de->d_name) == 0)
			removed++;
	}
	closedir(dir);
	return rc ? rc : removed;
}

int lfs_fallback_sweep_tmp(struct lfs_fallback *fb)
{
	struct dirent *de, *e;
	DIR *dir, *kd;
	int dfd, kfd, removed = 0;

	dfd = openat(fb->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] != 'h')
			continue;
		kfd = openat(fb->dirfd, de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (kfd < 0)
			continue;
		kd = fdopendir(kfd);
		if (!kd) {
			close(kfd);
			continue;
		}
		while ((e = readdir(kd)))
			if (!strncmp(e->d_name, ".tmp-", 5) && unlinkat(kfd, e->d_name, 0) == 0)
				removed++;
		closedir(kd);
		fb_prune(fb, de->d_name);
	}
	closedir(dir);
	return removed;
}

/* ---- xattr first, fallback second ---- */

static bool is_special(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && special(st.st_mode);
}

int lfs_read(struct lfs_fallback *fb, const struct cfg_domain *d, int fd,
	     struct lfs_label *out)
{
	int rc = lfs_get(d, fd, out);

	if ((rc == -ENODATA || rc == -EOPNOTSUPP) && fb && is_special(fd)) {
		int r = lfs_fallback_get(fb, d, fd, out);

		if (r != -ENODATA)
			return r;
	}
	return rc;
}

int lfs_write(struct lfs_fallback *fb, const struct cfg_domain *d, int fd,
	      const struct lfs_label *l)
{
	int rc = lfs_set(d, fd, l);

	if ((rc == -EPERM || rc == -EOPNOTSUPP) && fb && is_special(fd))
		return lfs_fallback_set(fb, d, fd, l);
	return rc;
}

int lfs_erase(struct lfs_fallback *fb, const struct cfg_domain *d, int fd)
{
	int rc = lfs_remove(d, fd);

	if (rc == -EPERM || rc == -EOPNOTSUPP)
		rc = 0;	/* user.* on a special file: nothing can be there */
	if (!rc && fb && is_special(fd))
		rc = lfs_fallback_remove(fb, d, fd);
	return rc;
}
