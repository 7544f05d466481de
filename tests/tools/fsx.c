/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsx.c - a random file exerciser with an in-memory model of the file.
 *
 * Runs on a mounted file system (the kernel NFS client in the test guest):
 * a seeded stream of writes, truncates (up and down), reads, mmap reads and
 * writes, fsync and close/reopen, each checked byte for byte against a copy
 * of what the file must contain.  The first mismatch prints the operation
 * log tail, the offset and both bytes, and exits 1.
 *
 * Usage: fsx [-s SEED] [-n OPS] [-t SECONDS] [-l MAXLEN] [-o MAXOP] FILE
 *   stops after OPS operations or SECONDS seconds, whichever comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum op_kind { OP_READ, OP_WRITE, OP_TRUNC, OP_MAPREAD, OP_MAPWRITE, OP_FSYNC, OP_REOPEN, OP_NKINDS };
static const char *const op_names[] = { "read", "write", "truncate", "mapread", "mapwrite",
					"fsync", "reopen" };

struct logent {
	enum op_kind kind;
	uint64_t off, len;
};

#define LOGN 64

struct fsx {
	const char *path;
	int fd;
	uint8_t *model;       /* what the file must hold */
	uint8_t *buf;         /* scratch for reads and writes */
	uint64_t size;        /* current file size in the model */
	uint64_t maxlen;      /* largest file */
	uint64_t maxop;       /* largest single read/write */
	uint64_t rng;
	uint64_t nops;
	struct logent log[LOGN];
	long pagesize;
};

static uint64_t rnd(struct fsx *f)
{
	/* xorshift64*: reproducible from the seed */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ULL;
}

static void logop(struct fsx *f, enum op_kind k, uint64_t off, uint64_t len)
{
	struct logent *e = &f->log[f->nops % LOGN];

	e->kind = k;
	e->off = off;
	e->len = len;
}

static void dump_log(struct fsx *f)
{
	uint64_t i, first = f->nops >= LOGN ? f->nops - LOGN + 1 : 0;

	fprintf(stderr, "last operations:\n");
	for (i = first; i <= f->nops; i++) {
		const struct logent *e = &f->log[i % LOGN];

		fprintf(stderr, "  %6" PRIu64 " %-8s off %-10" PRIu64 " len %" PRIu64 "\n", i,
			op_names[e->kind], e->off, e->len);
	}
}

static void fail(struct fsx *f, const char *what)
{
	fprintf(stderr, "fsx: %s at operation %" PRIu64 ": %s\n", f->path, f->nops, what);
	dump_log(f);
	exit(1);
}

static void check(struct fsx *f, const uint8_t *got, uint64_t off, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++) {
		if (got[i] != f->model[off + i]) {
			char msg[160];

			snprintf(msg, sizeof(msg),
				 "data mismatch at offset %" PRIu64 ": got 0x%02x, expected 0x%02x",
				 off + i, got[i], f->model[off + i]);
			fail(f, msg);
		}
	}
}

static void pick(struct fsx *f, uint64_t limit, uint64_t *off, uint64_t *len)
{
	*off = limit ? rnd(f) % limit : 0;
	*len = rnd(f) % f->maxop + 1;
	if (*off + *len > f->maxlen)
		*len = f->maxlen - *off;
}

static void op_read(struct fsx *f)
{
	uint64_t off, len;
	ssize_t n;

	if (f->size == 0)
		return;
	pick(f, f->size, &off, &len);
	if (off + len > f->size)
		len = f->size - off;
	logop(f, OP_READ, off, len);
	n = pread(f->fd, f->buf, len, (off_t)off);
	if (n < 0 || (uint64_t)n != len)
		fail(f, n < 0 ? strerror(errno) : "short read");
	check(f, f->buf, off, len);
}

static void op_write(struct fsx *f)
{
	uint64_t off, len, i;
	ssize_t n;

	pick(f, f->maxlen, &off, &len);
	if (len == 0)
		return;
	logop(f, OP_WRITE, off, len);
	for (i = 0; i < len; i++)
		f->buf[i] = (uint8_t)(rnd(f) >> 56);
	n = pwrite(f->fd, f->buf, len, (off_t)off);
	if (n < 0 || (uint64_t)n != len)
		fail(f, n < 0 ? strerror(errno) : "short write");
	if (off > f->size)
		memset(f->model + f->size, 0, off - f->size);
	memcpy(f->model + off, f->buf, len);
	if (off + len > f->size)
		f->size = off + len;
}

static void op_trunc(struct fsx *f)
{
	uint64_t len = rnd(f) % (f->maxlen + 1);

	logop(f, OP_TRUNC, 0, len);
	if (ftruncate(f->fd, (off_t)len) < 0)
		fail(f, strerror(errno));
	if (len > f->size)
		memset(f->model + f->size, 0, len - f->size);
	f->size = len;
}

static void op_map(struct fsx *f, bool write)
{
	uint64_t off, len, moff, i;
	uint8_t *p;

	if (f->size == 0)
		return;
	pick(f, f->size, &off, &len);
	if (off + len > f->size)
		len = f->size - off;
	if (len == 0)
		return;
	logop(f, write ? OP_MAPWRITE : OP_MAPREAD, off, len);
	moff = off & ~(uint64_t)(f->pagesize - 1);
	p = mmap(NULL, len + (off - moff), PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, f->fd,
		 (off_t)moff);
	if (p == MAP_FAILED)
		fail(f, strerror(errno));
	if (write) {
		for (i = 0; i < len; i++) {
			uint8_t b = (uint8_t)(rnd(f) >> 56);

			p[off - moff + i] = b;
			f->model[off + i] = b;
		}
		if (msync(p, len + (off - moff), MS_SYNC) < 0)
			fail(f, strerror(errno));
	} else {
		check(f, p + (off - moff), off, len);
	}
	munmap(p, len + (off - moff));
}

static void op_reopen(struct fsx *f)
{
	logop(f, OP_REOPEN, 0, 0);
	if (close(f->fd) < 0)
		fail(f, strerror(errno));
	f->fd = open(f->path, O_RDWR);
	if (f->fd < 0)
		fail(f, strerror(errno));
}

static void verify_all(struct fsx *f)
{
	struct stat st;
	ssize_t n;

	if (fstat(f->fd, &st) < 0)
		fail(f, strerror(errno));
	if ((uint64_t)st.st_size != f->size) {
		char msg[120];

		snprintf(msg, sizeof(msg), "size %lld, expected %" PRIu64, (long long)st.st_size,
			 f->size);
		fail(f, msg);
	}
	n = pread(f->fd, f->buf, f->size, 0);
	if (n < 0 || (uint64_t)n != f->size)
		fail(f, "short read of the whole file");
	check(f, f->buf, 0, f->size);
}

int main(int argc, char **argv)
{
	struct fsx f;
	uint64_t seed = 1, maxops = 100000, secs = 60;
	time_t end;
	int ch;

	memset(&f, 0, sizeof(f));
	f.maxlen = 1024 * 1024;
	f.maxop = 64 * 1024;
	while ((ch = getopt(argc, argv, "s:n:t:l:o:")) != -1) {
		switch (ch) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			maxops = strtoull(optarg, NULL, 0);
			break;
		case 't':
			secs = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			f.maxlen = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			f.maxop = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: fsx [-s SEED] [-n OPS] [-t SECONDS] [-l MAXLEN] [-o MAXOP] FILE\n");
			return 2;
		}
	}
	if (optind != argc - 1 || f.maxlen == 0 || f.maxop == 0) {
		fprintf(stderr, "usage: fsx [-s SEED] [-n OPS] [-t SECONDS] [-l MAXLEN] [-o MAXOP] FILE\n");
		return 2;
	}
	f.path = argv[optind];
	f.rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	f.pagesize = sysconf(_SC_PAGESIZE);
	f.model = calloc(1, f.maxlen);
	f.buf = malloc(f.maxlen);
	if (!f.model || !f.buf)
		return 1;
	f.fd = open(f.path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (f.fd < 0) {
		perror(f.path);
		return 1;
	}
	end = time(NULL) + (time_t)secs;
	for (f.nops = 0; f.nops < maxops && time(NULL) < end; f.nops++) {
		switch (rnd(&f) % 20) {
		case 0 ... 5:
			op_read(&f);
			break;
		case 6 ... 12:
			op_write(&f);
			break;
		case 13 ... 14:
			op_trunc(&f);
			break;
		case 15:
			op_map(&f, false);
			break;
		case 16:
			op_map(&f, true);
			break;
		case 17:
			logop(&f, OP_FSYNC, 0, 0);
			if (fsync(f.fd) < 0)
				fail(&f, strerror(errno));
			break;
		default:
			op_reopen(&f);
			break;
		}
	}
	verify_all(&f);
	close(f.fd);
	printf("fsx: %s: %" PRIu64 " operations, seed %" PRIu64 ", final size %" PRIu64 ": OK\n", f.path,
	       f.nops, seed, f.size);
	return 0;
}
