/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fhindex.c - the handle index (see fhindex.h): a chained hash table keyed
 * by (export id, inode number) under one mutex, an optional append-only log
 * in the state directory that is replayed at start, and a small ring of
 * inodes known to be gone.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/fhindex.h"

#define IX_FILE "fhindex"
#define IX_MAGIC "LNFI"
#define IX_VERSION 1u
#define IX_FILE_HDR 8
#define IX_REC_HDR 22		/* xid 4, ino 8, parent 8, name length 2 */
#define IX_REC_MAX (IX_REC_HDR + 255 + 4)
#define IX_BATCH_MAX (64u * 1024u)
#define IX_GONE 64
#define IX_MIN_BUCKETS 1024u

struct ix_entry {
	struct ix_entry *next;
	uint64_t ino;
	uint64_t parent;
	uint32_t xid;
	uint16_t len;
	char name[];
};

struct ix_gone {
	uint64_t ino;
	uint32_t xid;
	bool set;
};

struct fh_index {
	pthread_mutex_t lock;
	unsigned flags;
	struct ix_entry **bucket;
	size_t nbucket;             /* a power of two */
	size_t count;
	int log_fd;                 /* -1: memory only */
	bool log_broken;            /* a write failed: stop logging */
	uint8_t *pend;              /* records not written yet */
	size_t npend, cappend;
	struct ix_gone gone[IX_GONE];
	unsigned gone_next;
};

static uint64_t mix(uint32_t xid, uint64_t ino)
{
	uint64_t z = ino + 0x9e3779b97f4a7c15ull * (xid + 1u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static void put_be(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

struct fh_index *fh_index_new(unsigned flags)
{
	struct fh_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return NULL;
	ix->bucket = calloc(IX_MIN_BUCKETS, sizeof(*ix->bucket));
	if (!ix->bucket) {
		free(ix);
		return NULL;
	}
	ix->nbucket = IX_MIN_BUCKETS;
	ix->flags = flags;
	ix->log_fd = -1;
	pthread_mutex_init(&ix->lock, NULL);
	return ix;
}

bool fh_index_always(const struct fh_index *ix)
{
	return ix && (ix->flags & FH_INDEX_ALWAYS);
}

static struct ix_entry **find(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	struct ix_entry **pp = &ix->bucket[mix(xid, ino) & (ix->nbucket - 1)];

	while (*pp && ((*pp)->xid != xid || (*pp)->ino != ino))
		pp = &(*pp)->next;
	return pp;
}

static void grow(struct fh_index *ix)
{
	size_t n = ix->nbucket * 2, i;
	struct ix_entry **nb, *e, *next;

	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return; /* longer chains, still correct */
	for (i = 0; i < ix->nbucket; i++) {
		for (e = ix->bucket[i]; e; e = next) {
			size_t b = mix(e->xid, e->ino) & (n - 1);

			next = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(ix->bucket);
	ix->bucket = nb;
	ix->nbucket = n;
}

/* Table update without logging; 0 or -ENOMEM. */
static int set_entry(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t parent,
		     const char *name, size_t len, bool *changed)
{
	struct ix_entry **pp = find(ix, xid, ino), *e = *pp;

	*changed = false;
	if (e && e->parent == parent && e->len == len && !memcmp(e->name, name, len))
		return 0;
	if (!e || e->len < len) {
		struct ix_entry *ne = malloc(sizeof(*ne) + len + 1);

		if (!ne)
			return -ENOMEM;
		if (e) {
			ne->next = e->next;
			free(e);
		} else {
			ne->next = NULL;
			ix->count++;
		}
		*pp = ne;
		e = ne;
	}
	e->xid = xid;
	e->ino = ino;
	e->parent = parent;
	e->len = (uint16_t)len;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	*changed = true;
	if (ix->count > ix->nbucket * 2)
		grow(ix);
	return 0;
}

static bool drop_entry(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	struct ix_entry **pp = find(ix, xid, ino), *e = *pp;

	if (!e)
		return false;
	*pp = e->next;
	free(e);
	ix->count--;
	return true;
}

static size_t encode(uint8_t *p, uint32_t xid, uint64_t ino, uint64_t parent, const char *name,
		     size_t len)
{
	put_be(p, xid, 4);
	put_be(p + 4, ino, 8);
	put_be(p + 12, parent, 8);
	put_be(p + 20, len, 2);
	memcpy(p + IX_REC_HDR, name, len);
	put_be(p + IX_REC_HDR + len, fnv1a(p, IX_REC_HDR + len), 4);
	return IX_REC_HDR + len + 4;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_locked(struct fh_index *ix)
{
	int r;

	if (!ix->npend)
		return 0;
	r = write_all(ix->log_fd, ix->pend, ix->npend);
	ix->npend = 0;
	if (r < 0)
		ix->log_broken = true;
	return r;
}

/* Queue one record (the table is already updated); writes unless batch. */
static int log_rec(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t parent,
		   const char *name, size_t len, bool batch)
{
	if (ix->log_fd < 0 || ix->log_broken)
		return ix->log_broken ? -EIO : 0;
	if (ix->cappend - ix->npend < IX_REC_MAX) {
		size_t cap = ix->cappend ? ix->cappend * 2 : 4096;
		uint8_t *np;

		if (ix->npend + IX_REC_MAX > cap)
			cap = ix->npend + IX_REC_MAX;
		np = realloc(ix->pend, cap);
		if (!np) {
			ix->log_broken = true;
			return -ENOMEM;
		}
		ix->pend = np;
		ix->cappend = cap;
	}
	ix->npend += encode(ix->pend + ix->npend, xid, ino, parent, name, len);
	if (!batch || ix->npend >= IX_BATCH_MAX)
		return flush_locked(ix);
	return 0;
}

static void unmark_gone(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	unsigned i;

	for (i = 0; i < IX_GONE; i++)
		if (ix->gone[i].set && ix->gone[i].xid == xid && ix->gone[i].ino == ino)
			ix->gone[i].set = false;
}

int fh_index_learn(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t parent,
		   const char *name, size_t len, bool batch)
{
	bool changed;
	int r;

	if (!len || len > 255 || memchr(name, '/', len) || memchr(name, 0, len) || ino == parent ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return -EINVAL;
	pthread_mutex_lock(&ix->lock);
	r = set_entry(ix, xid, ino, parent, name, len, &changed);
	if (!r && changed) {
		unmark_gone(ix, xid, ino);
		r = log_rec(ix, xid, ino, parent, name, len, batch);
	}
	pthread_mutex_unlock(&ix->lock);
	return r;
}

int fh_index_flush(struct fh_index *ix)
{
	int r = 0;

	pthread_mutex_lock(&ix->lock);
	if (ix->log_fd >= 0 && !ix->log_broken)
		r = flush_locked(ix);
	pthread_mutex_unlock(&ix->lock);
	return r;
}

int fh_index_forget(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	int r = 0;

	pthread_mutex_lock(&ix->lock);
	if (drop_entry(ix, xid, ino))
		r = log_rec(ix, xid, ino, 0, "", 0, false);
	pthread_mutex_unlock(&ix->lock);
	return r;
}

int fh_index_get(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t *parent, char *name,
		 size_t namelen)
{
	struct ix_entry *e;
	int r = -ENOENT;

	pthread_mutex_lock(&ix->lock);
	e = *find(ix, xid, ino);
	if (e && e->len < namelen) {
		*parent = e->parent;
		memcpy(name, e->name, e->len + 1u);
		r = 0;
	}
	pthread_mutex_unlock(&ix->lock);
	return r;
}

size_t fh_index_count(struct fh_index *ix)
{
	size_t n;

	pthread_mutex_lock(&ix->lock);
	n = ix->count;
	pthread_mutex_unlock(&ix->lock);
	return n;
}

void fh_index_mark_gone(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	pthread_mutex_lock(&ix->lock);
	unmark_gone(ix, xid, ino);
	ix->gone[ix->gone_next].xid = xid;
	ix->gone[ix->gone_next].ino = ino;
	ix->gone[ix->gone_next].set = true;
	ix->gone_next = (ix->gone_next + 1) % IX_GONE;
	pthread_mutex_unlock(&ix->lock);
}

bool fh_index_is_gone(struct fh_index *ix, uint32_t xid, uint64_t ino)
{
	bool r = false;
	unsigned i;

	pthread_mutex_lock(&ix->lock);
	for (i = 0; i < IX_GONE && !r; i++)
		r = ix->gone[i].set && ix->gone[i].xid == xid && ix->gone[i].ino == ino;
	pthread_mutex_unlock(&ix->lock);
	return r;
}

/* Replay a log image; returns the length of its good prefix and counts the
 * records in *nrec. */
static size_t replay(struct fh_index *ix, const uint8_t *p, size_t n, size_t *nrec)
{
	size_t off = IX_FILE_HDR;
	bool changed;

	*nrec = 0;
	while (n - off >= IX_REC_HDR + 4) {
		size_t len = (size_t)get_be(p + off + 20, 2);
		uint32_t xid = (uint32_t)get_be(p + off, 4);
		uint64_t ino = get_be(p + off + 4, 8);
		const char *name = (const char *)p + off + IX_REC_HDR;

		if (len > 255 || n - off < IX_REC_HDR + len + 4 ||
		    get_be(p + off + IX_REC_HDR + len, 4) != fnv1a(p + off, IX_REC_HDR + len) ||
		    memchr(name, '/', len) || memchr(name, 0, len))
			break;
		if (len == 0)
			drop_entry(ix, xid, ino);
		else if (set_entry(ix, xid, ino, get_be(p + off + 12, 8), name, len, &changed) < 0)
			break;
		off += IX_REC_HDR + len + 4;
		(*nrec)++;
	}
	return off;
}

static int read_file(int fd, uint8_t **out, size_t *outlen)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*out = buf;
	*outlen = got;
	return 0;
}

/* Write the whole table as a new log into dfd/IX_FILE (atomically); returns
 * the new descriptor (O_APPEND) or -errno. */
static int rewrite(struct fh_index *ix, int dfd)
{
	char tmp[64];
	uint8_t hdr[IX_FILE_HDR], rec[IX_REC_MAX];
	struct ix_entry *e;
	size_t i;
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), IX_FILE ".tmp.%ld", (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	memcpy(hdr, IX_MAGIC, 4);
	put_be(hdr + 4, IX_VERSION, 4);
	r = write_all(fd, hdr, sizeof(hdr));
	for (i = 0; i < ix->nbucket && !r; i++) {
		for (e = ix->bucket[i]; e && !r; e = e->next) {
			size_t n = encode(rec, e->xid, e->ino, e->parent, e->name, e->len);

			r = write_all(fd, rec, n);
		}
	}
	if (!r && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (!r && renameat(dfd, tmp, dfd, IX_FILE) < 0)
		r = -errno;
	if (r) {
		unlinkat(dfd, tmp, 0);
		return r;
	}
	fsync(dfd);
	fd = openat(dfd, IX_FILE, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int fh_index_persist(struct fh_index *ix, const char *state_dir)
{
	uint8_t *img = NULL;
	size_t n = 0, good, nrec;
	int dfd, fd, r;

	dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	pthread_mutex_lock(&ix->lock);
	fd = openat(dfd, IX_FILE, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno != ENOENT) {
		r = -errno;
		goto out;
	}
	if (fd >= 0) {
		r = read_file(fd, &img, &n);
		close(fd);
		if (r < 0)
			goto out;
	}
	if (n >= IX_FILE_HDR && !memcmp(img, IX_MAGIC, 4) && get_be(img + 4, 4) == IX_VERSION) {
		good = replay(ix, img, n, &nrec);
		if (good == n && nrec <= 2 * ix->count + 1024) {
			/* a clean log: append to it as it is */
			fd = openat(dfd, IX_FILE, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
			r = fd < 0 ? -errno : 0;
			if (!r)
				ix->log_fd = fd;
			goto out;
		}
	}
	/* missing, foreign, damaged at the end or mostly obsolete: rewrite */
	fd = rewrite(ix, dfd);
	r = fd < 0 ? fd : 0;
	if (!r)
		ix->log_fd = fd;
out:
	pthread_mutex_unlock(&ix->lock);
	free(img);
	close(dfd);
	return r;
}

void fh_index_free(struct fh_index *ix)
{
	struct ix_entry *e, *next;
	size_t i;

	if (!ix)
		return;
	if (ix->log_fd >= 0) {
		if (!ix->log_broken)
			flush_locked(ix);
		fdatasync(ix->log_fd);
		close(ix->log_fd);
	}
	for (i = 0; i < ix->nbucket; i++) {
		for (e = ix->bucket[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(ix->bucket);
	free(ix->pend);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}
