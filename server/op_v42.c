/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_v42.c - the NFSv4.2 data operations (RFC 7862 §15): SEEK, READ_PLUS,
 * ALLOCATE, DEALLOCATE, COPY (synchronous, intra-server), CLONE and
 * IO_ADVISE.  They exist only at minor version 2; the op table says so and
 * the COMPOUND loop answers OP_ILLEGAL at minor version 1.
 *
 * Each maps onto one host facility: lseek(SEEK_DATA/SEEK_HOLE),
 * fallocate(), copy_file_range(), the FICLONERANGE ioctl and
 * posix_fadvise().  Stateids are checked exactly as READ and WRITE check
 * them (state_stateid_for_io()).  READ_PLUS reads data segments straight
 * into the reply buffer, as READ does: no payload is copied in user space.
 * COPY never goes asynchronous: every copy is done before the reply, which
 * says so (cr_synchronous), and the data is reported UNSTABLE4 under the
 * server's write verifier, for COMMIT to make durable.  Inter-server copy,
 * COPY_NOTIFY, OFFLOAD_* and WRITE_SAME stay NFS4ERR_NOTSUPP.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "server/attr.h"
#include "server/export.h"
#include "server/limits.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"
#include "server/state.h"
#include "server/v42.h"

#ifndef BTRFS_SUPER_MAGIC
#define BTRFS_SUPER_MAGIC 0x9123683e
#endif

/* IO_ADVISE_type4 (RFC 7862 §15.5.1): bit numbers of iaa_hints/ior_hints. */
enum {
	IO_ADVISE4_NORMAL = 0,
	IO_ADVISE4_SEQUENTIAL = 1,
	IO_ADVISE4_SEQUENTIAL_BACKWARDS = 2,
	IO_ADVISE4_RANDOM = 3,
	IO_ADVISE4_WILLNEED = 4,
	IO_ADVISE4_WILLNEED_OPPORTUNISTIC = 5,
	IO_ADVISE4_DONTNEED = 6,
	IO_ADVISE4_NOREUSE = 7,
	IO_ADVISE4_READ = 8,
	IO_ADVISE4_WRITE = 9,
	IO_ADVISE4_INIT_PROXIMITY = 10,
};

/* netloc_type4 (RFC 7862 §3.3) */
enum { NL4_NAME = 1, NL4_URL = 2, NL4_NETADDR = 3 };

/* A synchronous COPY holds a worker: copy at most this much per request
 * and report the short count (wr_count), which RFC 7862 §15.2.3 allows;
 * the client continues from there. */
#define V42_COPY_MAX (64ull << 20)
/* Bytes of one fallback read/write round when copy_file_range() refuses. */
#define V42_COPY_BOUNCE (128u * 1024u)

uint32_t v42_clone_blksize(const struct export *x)
{
	struct statfs sfs;

	if (!x || fstatfs(x->mount_fd, &sfs) < 0)
		return 0;
	if ((uint32_t)sfs.f_type == (uint32_t)BTRFS_SUPER_MAGIC)
		return sfs.f_bsize > 0 ? (uint32_t)sfs.f_bsize : 4096u;
	return 0;
}

/* The current or saved object as a regular file: RFC 7862 §11.2 lists
 * NFS4ERR_ISDIR, NFS4ERR_SYMLINK and NFS4ERR_WRONG_TYPE for the others. */
static nfsstat4 want_file(const struct cur_obj *o, struct stat *st)
{
	if (!o->set)
		return NFS4ERR_NOFILEHANDLE;
	if (!o->exp)
		return NFS4ERR_ISDIR; /* pseudo-fs nodes are directories */
	if (fstat(o->fd, st) < 0)
		return nfs4_errno(errno);
	if (S_ISREG(st->st_mode))
		return NFS4_OK;
	if (S_ISDIR(st->st_mode))
		return NFS4ERR_ISDIR;
	if (S_ISLNK(st->st_mode))
		return NFS4ERR_SYMLINK;
	return NFS4ERR_WRONG_TYPE;
}

/* A descriptor for I/O on o under stateid sid. */
struct io_fd {
	int fd;                 /* borrowed from os, or owned when own */
	bool own;
	struct open_state *os;  /* reference from state_stateid_for_io() */
};

static void io_fd_put(struct io_fd *f)
{
	if (f->own && f->fd >= 0)
		close(f->fd);
	state_io_done(f->os);
	f->fd = -1;
	f->own = false;
	f->os = NULL;
}

/*
 * The stateid rules of READ (write false) and WRITE (write true), RFC 8881
 * §8.2, §9.1.4, which RFC 7862 applies to every op here.  An anonymous or
 * bypass stateid, or an open without a descriptor of the needed mode, gets
 * the caller's own permission check and a descriptor of its own.
 */
static nfsstat4 io_fd_get(struct compound *c, const struct cur_obj *o, const struct stat *st,
			  const struct stateid4 *sid, bool write, struct io_fd *f)
{
	unsigned perms;
	nfsstat4 r;
	int fd;

	f->fd = -1;
	f->own = false;
	f->os = NULL;
	r = state_stateid_for_io(c, sid, st->st_dev, st->st_ino, write, &f->fd, &f->os);
	if (r != NFS4_OK)
		return r;
	if (f->fd >= 0)
		return NFS4_OK;
	perms = obj_perms(c, st);
	if (!(perms & (write ? 2u : 4u))) {
		io_fd_put(f);
		return NFS4ERR_ACCESS;
	}
	fd = obj_reopen(o, write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		io_fd_put(f);
		return nfs4_errno(-fd);
	}
	f->fd = fd;
	f->own = true;
	return NFS4_OK;
}

/* fallocate() errors, for ALLOCATE and DEALLOCATE (RFC 7862 §11.2). */
static nfsstat4 falloc_status(int err)
{
	switch (err) {
	case EOPNOTSUPP:
	case ENOSYS:
		return NFS4ERR_NOTSUPP;
	case ENODEV:
	case ESPIPE:
		return NFS4ERR_WRONG_TYPE;
	case ETXTBSY:
	case EPERM:
		return NFS4ERR_ACCESS; /* immutable or append-only file */
	default:
		return nfs4_errno(err);
	}
}

/* --- SEEK (RFC 7862 §15.11) ------------------------------------------- */

NFS4_OP(seek)
{
	struct stateid4 sid;
	uint64_t offset;
	uint32_t what;
	struct io_fd f;
	struct stat st, fst;
	off_t pos;
	bool eof;
	nfsstat4 r;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u32(args, &what))
		return NFS4ERR_BADXDR;
	r = want_file(&c->cur, &st);
	if (r != NFS4_OK)
		return r;
	/* data_content4 has two arms; any other is an arm we do not know */
	if (what != NFS4_CONTENT_DATA && what != NFS4_CONTENT_HOLE)
		return NFS4ERR_UNION_NOTSUPP;
	/* §15.11.3: the same stateid rules as READ_PLUS, hence READ */
	r = io_fd_get(c, &c->cur, &st, &sid, false, &f);
	if (r != NFS4_OK)
		return r;
	if (fstat(f.fd, &fst) < 0) {
		r = nfs4_errno(errno);
		goto out;
	}
	/* §15.11.3: an sa_offset beyond the end of the file is NFS4ERR_NXIO
	 * (lseek(2)'s rule: at or beyond the size) */
	if (offset > (uint64_t)NFS4_INT64_MAX || offset >= (uint64_t)fst.st_size) {
		r = NFS4ERR_NXIO;
		goto out;
	}
	pos = lseek(f.fd, (off_t)offset, what == NFS4_CONTENT_DATA ? SEEK_DATA : SEEK_HOLE);
	if (pos < 0) {
		if (errno != ENXIO) {
			r = nfs4_errno(errno);
			goto out;
		}
		/* §15.11.3: nothing of the kind up to the end is NFS4_OK with
		 * sr_eof; the offset is where the search ended, the size */
		pos = fst.st_size;
		eof = true;
	} else {
		/* every file ends with a virtual hole: finding it is the end */
		eof = (uint64_t)pos >= (uint64_t)fst.st_size;
	}
	xdr_put_bool(res, eof);
	xdr_put_u64(res, (uint64_t)pos);
	r = NFS4_OK;
out:
	io_fd_put(&f);
	return r;
}

/* --- READ_PLUS (RFC 7862 §15.10) ---------------------------------------- */

/* Bytes a segment takes before its data: rpc_content, d_offset, length. */
#define RP_DATA_HEAD 16u
/* A hole segment: rpc_content, di_offset, di_length. */
#define RP_HOLE_SIZE 20u

/*
 * Append one data segment for [pos, pos + len) read straight into the
 * reply.  Returns the bytes read (0 at a shrunken end of file, the segment
 * then left out) or -errno.
 */
static ssize_t rp_put_data(struct xdr_out *res, int fd, uint64_t pos, uint32_t len)
{
	size_t seg = xdr_out_pos(res), len_pos;
	ssize_t n;
	uint8_t *p;

	xdr_put_u32(res, NFS4_CONTENT_DATA);
	xdr_put_u64(res, pos);
	len_pos = xdr_out_pos(res);
	xdr_put_u32(res, 0);
	p = xdr_reserve(res, XDR_PAD(len));
	if (!p) {
		xdr_truncate(res, seg);
		return -ENOBUFS;
	}
	do
		n = pread(fd, p, len, (off_t)pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		int err = n < 0 ? errno : 0;

		xdr_truncate(res, seg);
		return -err;
	}
	memset(p + n, 0, XDR_PAD(n) - (size_t)n);
	xdr_truncate(res, len_pos + 4 + XDR_PAD(n));
	xdr_set_u32_at(res, len_pos, (uint32_t)n);
	return n;
}

NFS4_OP(read_plus)
{
	struct stateid4 sid;
	uint64_t offset, pos, end, size;
	uint32_t count, nseg = 0;
	size_t eof_pos, nseg_pos;
	struct io_fd f;
	struct stat st, fst;
	nfsstat4 r = NFS4_OK;
	bool full = false;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u32(args, &count))
		return NFS4ERR_BADXDR;
	r = want_file(&c->cur, &st);
	if (r != NFS4_OK)
		return r;
	/* §15.10.3: the stateid rules of READ */
	r = io_fd_get(c, &c->cur, &st, &sid, false, &f);
	if (r != NFS4_OK)
		return r;
	if (fstat(f.fd, &fst) < 0) {
		r = nfs4_errno(errno);
		goto out;
	}
	size = (uint64_t)fst.st_size;
	if (count > LNFS_MAX_IO)
		count = LNFS_MAX_IO;
	eof_pos = xdr_out_pos(res);
	xdr_put_bool(res, false);
	nseg_pos = xdr_out_pos(res);
	xdr_put_u32(res, 0);
	if (res->overflow) {
		r = NFS4ERR_RESOURCE;
		goto out;
	}

	pos = offset;
	end = offset < size && count < size - offset ? offset + count : size;
	while (pos < end) {
		size_t room = xdr_out_room(res);
		off_t data, hole;
		uint64_t stop;
		uint32_t want;
		ssize_t n;

		data = lseek(f.fd, (off_t)pos, SEEK_DATA);
		if (data < 0) {
			if (errno != ENXIO) {
				r = nfs4_errno(errno);
				break;
			}
			data = (off_t)size; /* a hole up to the end */
		}
		if ((uint64_t)data > pos) {
			/* §15.10.3: a hole is described, not sent; it is
			 * reported no further than the range asked for */
			stop = (uint64_t)data < end ? (uint64_t)data : end;
			if (room < RP_HOLE_SIZE) {
				full = true;
				break;
			}
			xdr_put_u32(res, NFS4_CONTENT_HOLE);
			xdr_put_u64(res, pos);
			xdr_put_u64(res, stop - pos);
			nseg++;
			pos = stop;
			continue;
		}
		hole = lseek(f.fd, (off_t)pos, SEEK_HOLE);
		if (hole < 0) {
			if (errno != ENXIO) {
				r = nfs4_errno(errno);
				break;
			}
			hole = (off_t)size;
		}
		stop = (uint64_t)hole < end ? (uint64_t)hole : end;
		if (room < RP_DATA_HEAD + 4) {
			full = true;
			break;
		}
		if (stop - pos > ((room - RP_DATA_HEAD) & ~(size_t)3)) {
			stop = pos + ((room - RP_DATA_HEAD) & ~(size_t)3);
			full = true;
		}
		want = (uint32_t)(stop - pos);
		n = rp_put_data(res, f.fd, pos, want);
		if (n < 0) {
			r = n == -ENOBUFS ? NFS4ERR_RESOURCE : nfs4_errno((int)-n);
			break;
		}
		if (n == 0)
			break; /* the file shrank under us */
		nseg++;
		pos += (uint64_t)n;
		if ((uint32_t)n < want || full)
			break; /* a short read (the end moved) or a full reply */
	}
	if (r != NFS4_OK && nseg > 0)
		r = NFS4_OK; /* report what was read, as a short READ would */
	if (r == NFS4_OK && full && nseg == 0)
		r = NFS4ERR_RESOURCE; /* not even one segment fits */
	if (r != NFS4_OK)
		goto out;
	/* rpr_eof: the reply reaches the end of the file as it is now */
	if (fstat(f.fd, &fst) == 0)
		size = (uint64_t)fst.st_size;
	xdr_set_u32_at(res, eof_pos, pos >= size);
	xdr_set_u32_at(res, nseg_pos, nseg);
out:
	io_fd_put(&f);
	return r;
}

/* --- ALLOCATE and DEALLOCATE (RFC 7862 §15.1, §15.4) -------------------- */

static nfsstat4 do_fallocate(struct compound *c, struct xdr_in *args, int mode)
{
	struct stateid4 sid;
	uint64_t offset, length;
	struct io_fd f;
	struct stat st;
	nfsstat4 r;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u64(args, &length))
		return NFS4ERR_BADXDR;
	r = want_file(&c->cur, &st);
	if (r != NFS4_OK)
		return r;
	if (obj_export_readonly(c, c->cur.exp))
		return NFS4ERR_ROFS;
	/* an empty range reserves or frees nothing: fallocate(2) calls it
	 * invalid, and so do we */
	if (length == 0)
		return NFS4ERR_INVAL;
	/* a range ending past maxfilesize (INT64_MAX) cannot exist */
	if (offset > (uint64_t)NFS4_INT64_MAX || length > (uint64_t)NFS4_INT64_MAX - offset)
		return NFS4ERR_FBIG;
	/* both modify the file: the stateid must allow writing */
	r = io_fd_get(c, &c->cur, &st, &sid, true, &f);
	if (r != NFS4_OK)
		return r;
	if (fallocate(f.fd, mode, (off_t)offset, (off_t)length) < 0)
		r = falloc_status(errno);
	io_fd_put(&f);
	return r;
}

NFS4_OP(allocate)
{
	(void)res;
	/* §15.1.3: reserve the blocks; a range past the end extends the
	 * file to aa_offset + aa_length (fallocate mode 0 does both) */
	return do_fallocate(c, args, 0);
}

NFS4_OP(deallocate)
{
	(void)res;
	/* §15.4.3: the range reads back as zeros afterwards and the file
	 * size does not change */
	return do_fallocate(c, args, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
}

/* --- COPY and CLONE (RFC 7862 §15.2, §15.13) ---------------------------- */

/* Skip one netloc4 (RFC 7862 §3.3). */
static bool skip_netloc4(struct xdr_in *x)
{
	struct xdr_view v;
	uint32_t type;

	if (!xdr_get_u32(x, &type))
		return false;
	switch (type) {
	case NL4_NAME:
	case NL4_URL:
		return xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &v);
	case NL4_NETADDR:
		return xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &v) &&
		       xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &v);
	default:
		return false;
	}
}

/* The two ends of a COPY or CLONE: source = saved fh, destination =
 * current fh (RFC 7862 §15.2.3, §15.13.3). */
struct xfer {
	struct stat sst, dst;
	struct io_fd src, out;
	uint64_t src_size;
};

static void xfer_put(struct xfer *x)
{
	io_fd_put(&x->src);
	io_fd_put(&x->out);
}

/*
 * Check both files and stateids and the source range; *count 0 becomes
 * "to the end of the source" (§15.2.3, §15.13.3).  On NFS4_OK the caller
 * owns x's descriptors (xfer_put()).
 */
static nfsstat4 xfer_get(struct compound *c, const struct stateid4 *src_sid,
			 const struct stateid4 *dst_sid, uint64_t src_off, uint64_t dst_off,
			 uint64_t *count, struct xfer *x)
{
	struct stat fst;
	nfsstat4 r;

	memset(x, 0, sizeof(*x));
	x->src.fd = x->out.fd = -1;
	if (!c->saved.set)
		return NFS4ERR_NOFILEHANDLE;
	r = want_file(&c->saved, &x->sst);
	if (r != NFS4_OK)
		return r;
	r = want_file(&c->cur, &x->dst);
	if (r != NFS4_OK)
		return r;
	if (obj_export_readonly(c, c->cur.exp))
		return NFS4ERR_ROFS;
	if (src_off > (uint64_t)NFS4_INT64_MAX || dst_off > (uint64_t)NFS4_INT64_MAX)
		return NFS4ERR_INVAL;
	r = io_fd_get(c, &c->saved, &x->sst, src_sid, false, &x->src);
	if (r != NFS4_OK)
		return r;
	r = io_fd_get(c, &c->cur, &x->dst, dst_sid, true, &x->out);
	if (r != NFS4_OK)
		goto fail;
	if (fstat(x->src.fd, &fst) < 0) {
		r = nfs4_errno(errno);
		goto fail;
	}
	x->src_size = (uint64_t)fst.st_size;
	/* the source range must lie within the source file */
	if (src_off > x->src_size ||
	    (*count != 0 && *count > x->src_size - src_off)) {
		r = NFS4ERR_INVAL;
		goto fail;
	}
	if (*count == 0)
		*count = x->src_size - src_off;
	/* the destination may grow, but not past maxfilesize */
	if (*count > (uint64_t)NFS4_INT64_MAX - dst_off) {
		r = NFS4ERR_FBIG;
		goto fail;
	}
	/* one file, overlapping ranges: NFS4ERR_INVAL */
	if (x->sst.st_dev == x->dst.st_dev && x->sst.st_ino == x->dst.st_ino &&
	    src_off < dst_off + *count && dst_off < src_off + *count) {
		r = NFS4ERR_INVAL;
		goto fail;
	}
	return NFS4_OK;
fail:
	xfer_put(x);
	return r;
}

/* Copy with read and write rounds, for hosts whose copy_file_range()
 * refuses the pair.  Returns bytes copied or -errno. */
static int64_t copy_bounce(int in, uint64_t src_off, int out, uint64_t dst_off, uint64_t count)
{
	uint8_t *buf = malloc(V42_COPY_BOUNCE);
	uint64_t done = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t want = count - done < V42_COPY_BOUNCE ? (size_t)(count - done) :
								  V42_COPY_BOUNCE;
		ssize_t n = pread(in, buf, want, (off_t)(src_off + done));
		size_t w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		while (w < (size_t)n) {
			ssize_t m = pwrite(out, buf + w, (size_t)n - w, (off_t)(dst_off + done + w));

			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				err = m < 0 ? errno : EIO;
				break;
			}
			w += (size_t)m;
		}
		done += w;
		if (err)
			break;
	}
	free(buf);
	return done > 0 || !err ? (int64_t)done : -err;
}

/* copy_file_range() in a loop; returns bytes copied or -errno. */
static int64_t copy_range(int in, uint64_t src_off, int out, uint64_t dst_off, uint64_t count)
{
	uint64_t done = 0;

	while (done < count) {
		loff_t si = (loff_t)(src_off + done), di = (loff_t)(dst_off + done);
		size_t want = count - done < (1u << 30) ? (size_t)(count - done) : (1u << 30);
		ssize_t n = copy_file_range(in, &si, out, &di, want, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (done == 0 && (errno == EXDEV || errno == EOPNOTSUPP ||
					  errno == ENOSYS || errno == EINVAL))
				return copy_bounce(in, src_off, out, dst_off, count);
			return done > 0 ? (int64_t)done : -errno;
		}
		if (n == 0)
			break; /* the source ended early */
		done += (uint64_t)n;
	}
	return (int64_t)done;
}

NFS4_OP(copy)
{
	struct stateid4 src_sid, dst_sid;
	uint64_t src_off, dst_off, count;
	uint32_t nsrv, i;
	bool consecutive, synchronous;
	struct xfer x;
	int64_t n;
	nfsstat4 r;

	if (!nfs4_dec_stateid4(args, &src_sid) || !nfs4_dec_stateid4(args, &dst_sid) ||
	    !xdr_get_u64(args, &src_off) || !xdr_get_u64(args, &dst_off) ||
	    !xdr_get_u64(args, &count) || !xdr_get_bool(args, &consecutive) ||
	    !xdr_get_bool(args, &synchronous) || !xdr_get_u32(args, &nsrv))
		return NFS4ERR_BADXDR;
	/* each netloc4 takes at least 8 bytes */
	if (nsrv > xdr_in_left(args) / 8)
		return NFS4ERR_BADXDR;
	for (i = 0; i < nsrv; i++)
		if (!skip_netloc4(args))
			return NFS4ERR_BADXDR;
	/* §15.2.3: a source server list asks for an inter-server copy,
	 * which this server does not do */
	if (nsrv > 0)
		return NFS4ERR_NOTSUPP;
	r = xfer_get(c, &src_sid, &dst_sid, src_off, dst_off, &count, &x);
	if (r != NFS4_OK)
		return r;
	/* ca_synchronous or not, the copy is done before the reply, in order
	 * from the start (so cr_consecutive and cr_synchronous are TRUE) */
	if (count > V42_COPY_MAX)
		count = V42_COPY_MAX;
	n = count ? copy_range(x.src.fd, src_off, x.out.fd, dst_off, count) : 0;
	xfer_put(&x);
	if (n < 0)
		return nfs4_errno((int)-n);
	/* write_response4: no callback id for a synchronous copy */
	xdr_put_u32(res, 0);
	xdr_put_u64(res, (uint64_t)n);
	xdr_put_u32(res, UNSTABLE4);
	srv_put_write_verf(c->srv, res);
	/* copy_requirements4 */
	xdr_put_bool(res, true);
	xdr_put_bool(res, true);
	return NFS4_OK;
}

NFS4_OP(clone)
{
	struct stateid4 src_sid, dst_sid;
	uint64_t src_off, dst_off, count;
	struct file_clone_range fcr;
	struct xfer x;
	nfsstat4 r = NFS4_OK;

	(void)res;
	if (!nfs4_dec_stateid4(args, &src_sid) || !nfs4_dec_stateid4(args, &dst_sid) ||
	    !xdr_get_u64(args, &src_off) || !xdr_get_u64(args, &dst_off) ||
	    !xdr_get_u64(args, &count))
		return NFS4ERR_BADXDR;
	r = xfer_get(c, &src_sid, &dst_sid, src_off, dst_off, &count, &x);
	if (r != NFS4_OK)
		return r;
	memset(&fcr, 0, sizeof(fcr));
	fcr.src_fd = x.src.fd;
	fcr.src_offset = src_off;
	fcr.src_length = count;
	fcr.dest_offset = dst_off;
	/* a range of 0 bytes (an empty source) clones nothing; the ioctl
	 * would read src_length 0 as "to the end" and do the same */
	if (count > 0 && ioctl(x.out.fd, FICLONERANGE, &fcr) < 0) {
		switch (errno) {
		case EOPNOTSUPP:
		case ENOTTY:
		case ENOSYS:
			/* the host filesystem cannot share blocks */
			r = NFS4ERR_NOTSUPP;
			break;
		case EXDEV:
			r = NFS4ERR_XDEV;
			break;
		case EINVAL:
			/* §15.13.3: offsets and count not aligned to
			 * clone_blksize (except a count reaching the end) */
			r = NFS4ERR_INVAL;
			break;
		default:
			r = nfs4_errno(errno);
			break;
		}
	}
	xfer_put(&x);
	return r;
}

/* --- IO_ADVISE (RFC 7862 §15.5) ----------------------------------------- */

static bool hint_isset(uint32_t hints, unsigned bit)
{
	return (hints >> bit) & 1u;
}

NFS4_OP(io_advise)
{
	uint32_t words[1], nwords, hints, done = 0;
	struct stateid4 sid;
	uint64_t offset, count;
	struct io_fd f;
	struct stat st;
	off_t len;
	nfsstat4 r;
	int pattern = -1;
	unsigned pattern_bit = 0;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u64(args, &count) || !nfs4_dec_bitmap4(args, words, 1, &nwords))
		return NFS4ERR_BADXDR;
	hints = nwords ? words[0] : 0;
	r = want_file(&c->cur, &st);
	if (r != NFS4_OK)
		return r;
	if (offset > (uint64_t)NFS4_INT64_MAX)
		return NFS4ERR_INVAL;
	r = io_fd_get(c, &c->cur, &st, &sid, false, &f);
	if (r != NFS4_OK)
		return r;
	/* iaa_count 0 means to the end of the file, as posix_fadvise's 0 */
	len = count > (uint64_t)NFS4_INT64_MAX - offset ? 0 : (off_t)count;

	/*
	 * §15.5.3: hints the server cannot follow, or that contradict each
	 * other, are not errors; ior_hints says which ones were acted on.
	 * The access pattern hints live in the open file description, so
	 * they are honoured only on the open's own descriptor (not on one
	 * made for this request alone), and only one of them.  Page cache
	 * hints act on the file itself; WILLNEED and DONTNEED together
	 * cancel out and neither is honoured.
	 */
	if (!f.own) {
		if (hint_isset(hints, IO_ADVISE4_RANDOM)) {
			pattern = POSIX_FADV_RANDOM;
			pattern_bit = IO_ADVISE4_RANDOM;
		} else if (hint_isset(hints, IO_ADVISE4_SEQUENTIAL)) {
			pattern = POSIX_FADV_SEQUENTIAL;
			pattern_bit = IO_ADVISE4_SEQUENTIAL;
		} else if (hint_isset(hints, IO_ADVISE4_NORMAL)) {
			pattern = POSIX_FADV_NORMAL;
			pattern_bit = IO_ADVISE4_NORMAL;
		}
		if (pattern >= 0 && posix_fadvise(f.fd, (off_t)offset, len, pattern) == 0)
			done |= 1u << pattern_bit;
	}
	if (hint_isset(hints, IO_ADVISE4_WILLNEED) != hint_isset(hints, IO_ADVISE4_DONTNEED)) {
		if (hint_isset(hints, IO_ADVISE4_WILLNEED)) {
			if (posix_fadvise(f.fd, (off_t)offset, len, POSIX_FADV_WILLNEED) == 0)
				done |= 1u << IO_ADVISE4_WILLNEED;
		} else if (posix_fadvise(f.fd, (off_t)offset, len, POSIX_FADV_DONTNEED) == 0) {
			done |= 1u << IO_ADVISE4_DONTNEED;
		}
	}
	io_fd_put(&f);
	nfs4_enc_bitmap4(res, &done, 1);
	return NFS4_OK;
}
