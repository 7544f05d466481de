/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs_tag.c - integrity tags on framed label values (cfg "integrity"): the
 * key in STATE_DIR/label.key, the object's identity, and the keyed MAC,
 * SipHash-2-4 (Aumasson and Bernstein, 2012) with a 128-bit key.  See lfs.h
 * "Integrity" for the format and what is and is not detected.
 */
#include "config.h"

#include "lfs/lfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- SipHash-2-4, written from the paper's description ---- */

static uint64_t rol(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = rol(s->v1, 13) ^ s->v0;
	s->v0 = rol(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rol(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rol(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rol(s->v1, 17) ^ s->v2;
	s->v2 = rol(s->v2, 32);
}

static void sip_block(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t lfs_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8), last;
	struct sip s = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
			 k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL };
	size_t i, rest = len & 7;

	for (i = 0; i + 8 <= len; i += 8)
		sip_block(&s, le64(p + i));
	last = (uint64_t)(len & 0xff) << 56;
	while (rest--)
		last |= (uint64_t)p[i + rest] << (8 * rest);
	sip_block(&s, last);
	s.v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

/* ---- the key ---- */

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static char *key_dir;		/* state-dir, from lfs_key_init() */
static uint8_t key_bytes[16];
static bool key_loaded;

void lfs_key_init(const char *state_dir)
{
	pthread_mutex_lock(&key_lock);
	free(key_dir);
	key_dir = state_dir ? strdup(state_dir) : NULL;
	key_loaded = false;	/* read from the new place on next use */
	pthread_mutex_unlock(&key_lock);
}

void lfs_key_set(const uint8_t key[16])
{
	pthread_mutex_lock(&key_lock);
	memcpy(key_bytes, key, 16);
	key_loaded = true;
	pthread_mutex_unlock(&key_lock);
}

/* Reads dir/label.key, creating it (mode 0600, O_EXCL) if missing. */
static int key_load(const char *dir, uint8_t key[16])
{
	char path[4096];
	ssize_t n;
	int fd, tries;

	if (snprintf(path, sizeof(path), "%s/label.key", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			n = read(fd, key, 16);
			close(fd);
			return n == 16 ? 0 : -EBADMSG;	/* never replace a key */
		}
		if (errno != ENOENT)
			return -errno;
		if (getrandom(key, 16, 0) != 16)
			return -EIO;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;	/* another process made it: read it */
			return -errno;
		}
		n = write(fd, key, 16);
		if (n != 16 || fsync(fd) < 0) {
			close(fd);
			unlink(path);
			return -EIO;
		}
		close(fd);
		return 0;
	}
	return -EIO;
}

static int key_get(uint8_t key[16])
{
	int rc = 0;

	pthread_mutex_lock(&key_lock);
	if (!key_loaded) {
		rc = key_dir ? key_load(key_dir, key_bytes) : -ENOKEY;
		key_loaded = rc == 0;
	}
	if (!rc)
		memcpy(key, key_bytes, 16);
	pthread_mutex_unlock(&key_lock);
	return rc;
}

/* ---- the tag ---- */

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * The object's identity: 'h', handle type (4), handle length (4), handle
 * bytes when name_to_handle_at() works (the handle carries the inode
 * generation), else 'b', birth time seconds (8) and nanoseconds (4) (zero
 * without birth time); either way preceded by the inode number (8).
 * Returns the length written into p (at most LFS_ID_MAX).
 */
#define LFS_HANDLE_MAX 128
#define LFS_ID_MAX (8 + 1 + 8 + LFS_HANDLE_MAX)

static int identity(int fd, uint8_t *p)
{
	union {
		struct file_handle fh;
		uint8_t b[sizeof(struct file_handle) + LFS_HANDLE_MAX];
	} h;
	struct statx stx;
	int mnt, n = 0;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  STATX_INO | STATX_BTIME, &stx) < 0)
		return -errno;
	put64(p, stx.stx_ino);
	n = 8;
	h.fh.handle_bytes = LFS_HANDLE_MAX;
	if (name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH) == 0) {
		p[n++] = 'h';
		put64(p + n, (uint64_t)(uint32_t)h.fh.handle_type << 32 |
			     h.fh.handle_bytes);
		n += 8;
		memcpy(p + n, h.fh.f_handle, h.fh.handle_bytes);
		return n + (int)h.fh.handle_bytes;
	}
	p[n++] = 'b';
	if (!(stx.stx_mask & STATX_BTIME))
		stx.stx_btime.tv_sec = 0, stx.stx_btime.tv_nsec = 0;
	put64(p + n, (uint64_t)stx.stx_btime.tv_sec);
	n += 8;
	put64(p + n, stx.stx_btime.tv_nsec);
	return n + 8;
}

int lfs_tag(const struct cfg_domain *d, int fd, const struct lfs_label *l,
	    uint8_t tag[LFS_TAG_LEN])
{
	static const char ctx[] = "lnfsd label tag v1";
	uint8_t msg[sizeof(ctx) + 1 + CFG_NAME_MAX + LFS_ID_MAX + 16 +
		    NFS4_MAXLABELLEN];
	uint8_t key[16];
	size_t n = 0, nl = strlen(d->name);
	int rc;

	if (l->len > NFS4_MAXLABELLEN || nl > CFG_NAME_MAX)
		return -EINVAL;
	rc = key_get(key);
	if (rc)
		return rc;
	memcpy(msg, ctx, sizeof(ctx));	/* with its NUL */
	n = sizeof(ctx);
	msg[n++] = (uint8_t)nl;
	memcpy(msg + n, d->name, nl);
	n += nl;
	rc = identity(fd, msg + n);
	if (rc < 0)
		return rc;
	n += (size_t)rc;
	put64(msg + n, (uint64_t)l->lfs << 32 | l->pi);
	n += 8;
	put64(msg + n, l->len);	/* 8 bytes: the label's length */
	n += 8;
	memcpy(msg + n, l->data, l->len);
	n += l->len;
	put64(tag, lfs_siphash24(key, msg, n));
	return 0;
}

int lfs_integrity_action(const struct cfg_domain *d, struct lfs_label *l)
{
	switch (d->integrity) {
	case CFG_INTEGRITY_LOG:
		return 0;	/* l is the stored label */
	case CFG_INTEGRITY_DENY:
		return -EACCES;
	case CFG_INTEGRITY_DEFAULT:
	default:
		lfs_default(d, l);
		return 0;
	}
}
