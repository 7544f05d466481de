/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_io.c - OPEN, READ, WRITE and COMMIT (RFC 8881 §18.16, §18.22, §18.32,
 * §18.3).
 *
 * READ reads file data straight into the reply buffer and WRITE writes from
 * the received record: no payload is copied in user space.  WRITE honours
 * stable_how exactly: FILE_SYNC4 is fsync()ed, DATA_SYNC4 fdatasync()ed
 * before the reply, UNSTABLE4 is left to COMMIT.  No delegations are ever
 * granted (decisions.md 7).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lfs/procfd.h"
#include "server/attr.h"
#include "server/create.h"
#include "server/export.h"
#include "server/limits.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"
#include "server/state.h"

struct open_args {
	uint32_t seqid;
	uint32_t access, want, deny;
	uint64_t clientid;
	struct xdr_view owner;
	uint32_t opentype;
	uint32_t createmode;
	uint8_t verf[NFS4_VERIFIER_SIZE];
	struct xdr_in createattrs;   /* undecoded fattr4, if any */
	bool have_attrs;
	uint32_t claim;
	char name[LNFS_MAX_NAME + 1];
	nfsstat4 name_status;        /* a bad name is reported after other checks */
	uint32_t deleg_type;         /* CLAIM_PREVIOUS: delegate_type */
};

/* Skip over a fattr4, leaving a cursor on it in *fa. */
static bool skip_fattr4(struct xdr_in *x, struct xdr_in *fa)
{
	uint32_t words[LNFS_MAX_BITMAP_WORDS], n;
	struct xdr_view v;
	const uint8_t *start = x->p;

	if (!nfs4_dec_bitmap4(x, words, LNFS_MAX_BITMAP_WORDS, &n) ||
	    !xdr_get_opaque(x, LNFS_MAX_ATTRLIST, &v))
		return false;
	xdr_in_init(fa, start, (size_t)(x->p - start));
	return true;
}

static nfsstat4 nfs4_dec_open_args(struct xdr_in *x, struct open_args *a)
{
	struct stateid4 dsid;

	memset(a, 0, sizeof(*a));
	if (!xdr_get_u32(x, &a->seqid) || !xdr_get_u32(x, &a->access) ||
	    !xdr_get_u32(x, &a->deny) || !xdr_get_u64(x, &a->clientid) ||
	    !xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, &a->owner) || !xdr_get_u32(x, &a->opentype))
		return NFS4ERR_BADXDR;
	a->want = a->access & ~OPEN4_SHARE_ACCESS_BOTH;
	a->access &= OPEN4_SHARE_ACCESS_BOTH;
	if (a->opentype == OPEN4_CREATE) {
		if (!xdr_get_u32(x, &a->createmode))
			return NFS4ERR_BADXDR;
		switch (a->createmode) {
		case UNCHECKED4:
		case GUARDED4:
			if (!skip_fattr4(x, &a->createattrs))
				return NFS4ERR_BADXDR;
			a->have_attrs = true;
			break;
		case EXCLUSIVE4:
			if (!xdr_get_fixed(x, a->verf, sizeof(a->verf)))
				return NFS4ERR_BADXDR;
			break;
		case EXCLUSIVE4_1:
			if (!xdr_get_fixed(x, a->verf, sizeof(a->verf)) ||
			    !skip_fattr4(x, &a->createattrs))
				return NFS4ERR_BADXDR;
			a->have_attrs = true;
			break;
		default:
			return NFS4ERR_BADXDR;
		}
	} else if (a->opentype != OPEN4_NOCREATE) {
		return NFS4ERR_BADXDR;
	}
	if (!xdr_get_u32(x, &a->claim))
		return NFS4ERR_BADXDR;
	switch (a->claim) {
	case CLAIM_NULL:
	case CLAIM_DELEGATE_PREV:
		a->name_status = obj_get_name(x, a->name);
		if (a->name_status == NFS4ERR_BADXDR)
			return NFS4ERR_BADXDR;
		break;
	case CLAIM_PREVIOUS:
		if (!xdr_get_u32(x, &a->deleg_type))
			return NFS4ERR_BADXDR;
		break;
	case CLAIM_DELEGATE_CUR:
		if (!nfs4_dec_stateid4(x, &dsid))
			return NFS4ERR_BADXDR;
		a->name_status = obj_get_name(x, a->name);
		if (a->name_status == NFS4ERR_BADXDR)
			return NFS4ERR_BADXDR;
		break;
	case CLAIM_FH:
	case CLAIM_DELEG_PREV_FH:
		break;
	case CLAIM_DELEG_CUR_FH:
		if (!nfs4_dec_stateid4(x, &dsid))
			return NFS4ERR_BADXDR;
		break;
	default:
		return NFS4ERR_BADXDR;
	}
	return NFS4_OK;
}

/* The exclusive-create verifier lives in atime/mtime seconds (as knfsd). */
static void verf_times(const uint8_t *verf, struct timespec ts[2])
{
	uint32_t a, m;

	memcpy(&a, verf, 4);
	memcpy(&m, verf + 4, 4);
	ts[0].tv_sec = a;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = m;
	ts[1].tv_nsec = 0;
}

static bool verf_matches(int fd, const uint8_t *verf)
{
	struct timespec ts[2];
	struct stat st;

	verf_times(verf, ts);
	return fstat(fd, &st) == 0 && st.st_atim.tv_sec == ts[0].tv_sec &&
	       st.st_mtim.tv_sec == ts[1].tv_sec;
}

static nfsstat4 want_regular(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return nfs4_errno(errno);
	if (S_ISREG(st.st_mode))
		return NFS4_OK;
	if (S_ISDIR(st.st_mode))
		return NFS4ERR_ISDIR;
	if (S_ISLNK(st.st_mode))
		return NFS4ERR_SYMLINK;
	return NFS4ERR_WRONG_TYPE;
}

/* A descriptor for I/O on the object open as pfd (O_PATH). */
static int io_open(int pfd, bool ro_ok)
{
	int fd;

	fd = procfd_open(pfd, O_RDWR | O_NOCTTY);
	if (fd < 0 && ro_ok && (errno == EROFS || errno == EACCES || errno == ETXTBSY))
		fd = procfd_open(pfd, O_RDONLY | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

/* Permission to open an existing file for the requested access. */
static nfsstat4 may_open(const struct compound *c, int pfd, uint32_t access)
{
	struct stat st;
	unsigned p;

	if (fstat(pfd, &st) < 0)
		return nfs4_errno(errno);
	p = obj_perms(c, &st);
	if ((access & OPEN4_SHARE_ACCESS_READ) && !(p & 4))
		return NFS4ERR_ACCESS;
	if ((access & OPEN4_SHARE_ACCESS_WRITE) && !(p & 2))
		return NFS4ERR_ACCESS;
	return NFS4_OK;
}

static void put_delegation_none(struct xdr_out *res, uint32_t want)
{
	switch (want & OPEN4_SHARE_ACCESS_WANT_DELEG_MASK) {
	case OPEN4_SHARE_ACCESS_WANT_NO_PREFERENCE:
		xdr_put_u32(res, OPEN_DELEGATE_NONE);
		break;
	case OPEN4_SHARE_ACCESS_WANT_NO_DELEG:
		xdr_put_u32(res, OPEN_DELEGATE_NONE_EXT);
		xdr_put_u32(res, WND4_NOT_WANTED);
		break;
	case OPEN4_SHARE_ACCESS_WANT_CANCEL:
		xdr_put_u32(res, OPEN_DELEGATE_NONE_EXT);
		xdr_put_u32(res, WND4_CANCELLED);
		break;
	default:
		/* this server grants no delegations */
		xdr_put_u32(res, OPEN_DELEGATE_NONE_EXT);
		xdr_put_u32(res, WND4_RESOURCE);
		xdr_put_bool(res, false);
		break;
	}
}

static uint64_t change_of(int fd)
{
	struct statx stx;

	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_CTIME, &stx) < 0)
		return 0;
	return (uint64_t)stx.stx_ctime.tv_sec * 1000000000ull + stx.stx_ctime.tv_nsec;
}

NFS4_OP(open)
{
	uint32_t attrset[FATTR4_WORDS] = { 0 };
	struct open_args a;
	struct attr_set *as = NULL;
	struct stateid4 sid;
	struct export *x = c->cur.exp;
	uint64_t before = 0, after = 0;
	int pfd = -1, iofd = -1;
	bool created = false;
	struct stat st;
	nfsstat4 r;

	r = nfs4_dec_open_args(args, &a);
	if (r != NFS4_OK)
		return r;
	if (a.access == 0 || a.deny > OPEN4_SHARE_DENY_BOTH ||
	    (a.want & ~(OPEN4_SHARE_ACCESS_WANT_DELEG_MASK |
			OPEN4_SHARE_ACCESS_WANT_SIGNAL_DELEG_WHEN_RESRC_AVAIL |
			OPEN4_SHARE_ACCESS_WANT_PUSH_DELEG_WHEN_UNCONTENDED)))
		return NFS4ERR_INVAL;

	switch (a.claim) {
	case CLAIM_NULL:
		break;
	case CLAIM_FH:
		if (a.opentype == OPEN4_CREATE)
			return NFS4ERR_INVAL;
		break;
	case CLAIM_PREVIOUS:
		/* RFC 8881 §9.11, §18.16.3: reclaim of an open held before the
		 * restart; the current fh is the file, opened as for CLAIM_FH */
		r = state_reclaim_allowed(c);
		if (r != NFS4_OK)
			return r;
		if (a.deleg_type != OPEN_DELEGATE_NONE)
			return NFS4ERR_RECLAIM_BAD; /* we never grant delegations */
		if (a.opentype == OPEN4_CREATE)
			return NFS4ERR_INVAL;
		break;
	case CLAIM_DELEGATE_CUR:
	case CLAIM_DELEG_CUR_FH:
		return NFS4ERR_BAD_STATEID; /* no delegation was ever granted */
	default:
		return NFS4ERR_NOTSUPP;
	}
	/* §8.4.2, §18.51.3: during grace, or before the client's
	 * RECLAIM_COMPLETE, only reclaims; checked before anything is created */
	if (a.claim != CLAIM_PREVIOUS) {
		r = state_new_state_allowed(c);
		if (r != NFS4_OK)
			return r;
	}
	if (!x)
		return a.opentype == OPEN4_CREATE ? NFS4ERR_ROFS :
		       a.claim == CLAIM_NULL	   ? NFS4ERR_NOENT :
						     NFS4ERR_ISDIR;
	if (a.opentype == OPEN4_CREATE && obj_export_readonly(c, x))
		return NFS4ERR_ROFS;
	if ((a.access & OPEN4_SHARE_ACCESS_WRITE) && obj_export_readonly(c, x))
		return NFS4ERR_ROFS;

	if (a.claim == CLAIM_FH || a.claim == CLAIM_PREVIOUS) {
		pfd = fcntl(c->cur.fd, F_DUPFD_CLOEXEC, 0);
		if (pfd < 0)
			return NFS4ERR_DELAY;
		r = want_regular(pfd);
		if (r == NFS4_OK)
			r = may_open(c, pfd, a.access);
		if (r != NFS4_OK)
			goto fail;
		before = after = change_of(pfd);
		goto opened;
	}

	/* CLAIM_NULL: cur is the directory */
	r = obj_want_dir(c, &c->cur);
	if (r != NFS4_OK)
		return r;
	if (a.name_status != NFS4_OK)
		return a.name_status;
	if (obj_name_hidden(a.name))
		return a.opentype == OPEN4_CREATE ? NFS4ERR_ACCESS : NFS4ERR_NOENT;
	if (a.have_attrs) {
		as = calloc(1, sizeof(*as));
		if (!as)
			return NFS4ERR_DELAY;
		r = attr_decode_set(c, x, &a.createattrs, as);
		if (r != NFS4_OK)
			goto fail;
		if (a.createmode == EXCLUSIVE4_1 &&
		    (attr_isset(as->mask, FATTR4_TIME_ACCESS_SET) ||
		     attr_isset(as->mask, FATTR4_TIME_MODIFY_SET)))
			/* not in suppattr_exclcreat (RFC 8881 §18.16.3) */
			{
				r = NFS4ERR_INVAL;
				goto fail;
			}
		if (attr_isset(as->mask, FATTR4_SEC_LABEL)) {
			r = label_check(c, x, &as->label);
			if (r != NFS4_OK)
				goto fail;
		}
	}
	before = change_of(c->cur.fd);
retry:
	pfd = openat(c->cur.fd, a.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd >= 0) {
		/* the name exists */
		if (a.opentype == OPEN4_CREATE) {
			if (a.createmode == GUARDED4) {
				r = NFS4ERR_EXIST;
				goto fail;
			}
			if ((a.createmode == EXCLUSIVE4 || a.createmode == EXCLUSIVE4_1) &&
			    !verf_matches(pfd, a.verf)) {
				r = NFS4ERR_EXIST;
				goto fail;
			}
		}
		r = want_regular(pfd);
		if (r != NFS4_OK)
			goto fail;
		if (!(a.opentype == OPEN4_CREATE && a.createmode >= EXCLUSIVE4)) {
			r = may_open(c, pfd, a.access);
			if (r != NFS4_OK)
				goto fail;
		}
	} else if (errno == ENOENT && a.opentype == OPEN4_CREATE) {
		struct create_req cr = { .type = S_IFREG, .attrs = as };

		r = create_object(c, x, c->cur.fd, a.name, &cr, &pfd, &iofd, attrset);
		if (r == NFS4ERR_EXIST && a.createmode != GUARDED4)
			goto retry; /* lost a race with another creator */
		if (r != NFS4_OK)
			goto fail;
		created = true;
		if (a.createmode == EXCLUSIVE4 || a.createmode == EXCLUSIVE4_1) {
			struct timespec ts[2];

			verf_times(a.verf, ts);
			if (futimens(iofd, ts) < 0) {
				r = nfs4_errno(errno);
				goto fail;
			}
		}
	} else {
		r = nfs4_errno(errno);
		goto fail;
	}
	after = change_of(c->cur.fd);

opened:
	if (iofd < 0) {
		iofd = io_open(pfd, !(a.access & OPEN4_SHARE_ACCESS_WRITE));
		if (iofd < 0) {
			r = nfs4_errno(-iofd);
			iofd = -1;
			goto fail;
		}
	}
	/* UNCHECKED4 on an existing file applies only a size of zero */
	if (!created && a.opentype == OPEN4_CREATE && a.createmode == UNCHECKED4 && as &&
	    attr_isset(as->mask, FATTR4_SIZE)) {
		if (as->size != 0) {
			r = NFS4ERR_INVAL;
			goto fail;
		}
		if (ftruncate(iofd, 0) < 0) {
			r = nfs4_errno(errno);
			goto fail;
		}
		attr_setbit(attrset, FATTR4_SIZE);
	}
	if (fstat(pfd, &st) < 0) {
		r = nfs4_errno(errno);
		goto fail;
	}
	if (a.claim == CLAIM_PREVIOUS)
		r = state_reclaim_open(c, &a.owner, st.st_dev, st.st_ino, a.access, a.deny, iofd,
				       &sid);
	else
		r = state_open_file(c, &a.owner, st.st_dev, st.st_ino, a.access, a.deny, iofd,
				    &sid);
	if (r != NFS4_OK)
		goto fail;
	iofd = -1; /* the open state owns it now */

	nfs4_enc_stateid4(res, &sid);
	xdr_put_bool(res, false);
	xdr_put_u64(res, before);
	xdr_put_u64(res, after);
	xdr_put_u32(res, OPEN4_RESULT_LOCKTYPE_POSIX);
	nfs4_enc_bitmap4(res, attrset, FATTR4_WORDS);
	put_delegation_none(res, a.want);
	free(as);
	/* RFC 8881 §16.2.3.1.2: OPEN sets the current stateid */
	c->cur_stateid = sid;
	c->have_cur_stateid = true;
	if (a.claim == CLAIM_NULL) { /* cur is the directory */
		fh_learn(c->exports, x, c->cur.fd, a.name, pfd); /* index handles (export.h) */
		return obj_set_child(c, &c->cur, x, c->cur.fd, pfd);
	}
	/* CLAIM_FH, CLAIM_PREVIOUS: cur already is the file, with its handle */
	close(pfd);
	return NFS4_OK;

fail:
	if (created) {
		/* undo our own create; a name is never left half made */
		unlinkat(c->cur.fd, a.name, 0);
	}
	if (iofd >= 0)
		close(iofd);
	if (pfd >= 0)
		close(pfd);
	free(as);
	return r;
}

/* The descriptor READ/WRITE use for stateid sid on the current file. */
static nfsstat4 io_fd_for(struct compound *c, const struct stateid4 *sid, bool write, int *fd,
			  struct open_state **os, bool *own)
{
	struct stat st;
	nfsstat4 r;

	*own = false;
	*os = NULL;
	r = want_regular(c->cur.fd);
	if (r != NFS4_OK)
		return r == NFS4ERR_WRONG_TYPE || r == NFS4ERR_SYMLINK ? NFS4ERR_INVAL : r;
	if (fstat(c->cur.fd, &st) < 0)
		return nfs4_errno(errno);
	r = state_stateid_for_io(c, sid, st.st_dev, st.st_ino, write, fd, os);
	if (r != NFS4_OK)
		return r;
	if (*fd < 0) {
		/* an anonymous or bypass stateid: the caller's own rights */
		r = may_open(c, c->cur.fd, write ? OPEN4_SHARE_ACCESS_WRITE : OPEN4_SHARE_ACCESS_READ);
		if (r != NFS4_OK) {
			state_io_done(*os);
			*os = NULL;
			return r;
		}
		*fd = io_open(c->cur.fd, !write);
		if (*fd < 0) {
			r = nfs4_errno(-*fd);
			state_io_done(*os);
			*os = NULL;
			return r;
		}
		*own = true;
	}
	return NFS4_OK;
}

static void io_fd_done(int fd, struct open_state *os, bool own)
{
	if (own)
		close(fd);
	state_io_done(os);
}

NFS4_OP(read)
{
	struct stateid4 sid;
	struct open_state *os;
	uint64_t offset;
	uint32_t count;
	size_t pos;
	uint8_t *p;
	ssize_t n;
	struct stat st;
	bool own, eof;
	nfsstat4 r;
	int fd;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u32(args, &count))
		return NFS4ERR_BADXDR;
	if (!c->cur.exp)
		return NFS4ERR_ISDIR;
	r = io_fd_for(c, &sid, false, &fd, &os, &own);
	if (r != NFS4_OK)
		return r;
	if (count > LNFS_MAX_IO)
		count = LNFS_MAX_IO;
	/* never more than fits in the reply (eof word + length word) */
	if (xdr_out_room(res) < 16) {
		io_fd_done(fd, os, own);
		return NFS4ERR_RESOURCE;
	}
	if (count > xdr_out_room(res) - 16)
		count = (uint32_t)(xdr_out_room(res) - 16) & ~3u;
	pos = xdr_out_pos(res);
	xdr_put_bool(res, false);
	xdr_put_u32(res, 0);
	p = xdr_reserve(res, XDR_PAD(count));
	if (!p) {
		io_fd_done(fd, os, own);
		return NFS4ERR_RESOURCE;
	}
	n = offset > (uint64_t)NFS4_INT64_MAX ? 0 : pread(fd, p, count, (off_t)offset);
	if (n < 0) {
		r = nfs4_errno(errno);
		io_fd_done(fd, os, own);
		return r;
	}
	eof = (uint32_t)n < count;
	if (!eof && fstat(fd, &st) == 0 && offset + (uint64_t)n >= (uint64_t)st.st_size)
		eof = true;
	io_fd_done(fd, os, own);
	memset(p + n, 0, XDR_PAD(n) - (size_t)n);
	xdr_truncate(res, pos + 8 + XDR_PAD(n));
	xdr_set_u32_at(res, pos, eof);
	xdr_set_u32_at(res, pos + 4, (uint32_t)n);
	return NFS4_OK;
}

NFS4_OP(write)
{
	struct stateid4 sid;
	struct open_state *os;
	struct xdr_view data;
	uint64_t offset;
	uint32_t stable;
	size_t done = 0;
	bool own;
	nfsstat4 r;
	int fd;

	if (!nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u32(args, &stable) || !xdr_get_opaque(args, LNFS_MAX_IO, &data))
		return NFS4ERR_BADXDR;
	if (stable > FILE_SYNC4)
		return NFS4ERR_BADXDR;
	if (!c->cur.exp)
		return NFS4ERR_ISDIR;
	if (offset > (uint64_t)NFS4_INT64_MAX || data.len > (uint64_t)NFS4_INT64_MAX - offset)
		return NFS4ERR_FBIG;
	if (obj_export_readonly(c, c->cur.exp))
		return NFS4ERR_ROFS;
	r = io_fd_for(c, &sid, true, &fd, &os, &own);
	if (r != NFS4_OK)
		return r;
	while (done < data.len) {
		ssize_t n = pwrite(fd, data.data + done, data.len - done, (off_t)(offset + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (done)
				break; /* report the short write */
			r = nfs4_errno(errno);
			io_fd_done(fd, os, own);
			return r;
		}
		done += (size_t)n;
	}
	if (stable == FILE_SYNC4 && fsync(fd) < 0) {
		r = nfs4_errno(errno);
		srv_write_verf_bump(c->srv); /* earlier UNSTABLE data may be lost */
		io_fd_done(fd, os, own);
		return r;
	}
	if (stable == DATA_SYNC4 && fdatasync(fd) < 0) {
		r = nfs4_errno(errno);
		srv_write_verf_bump(c->srv);
		io_fd_done(fd, os, own);
		return r;
	}
	io_fd_done(fd, os, own);
	xdr_put_u32(res, (uint32_t)done);
	xdr_put_u32(res, stable);
	srv_put_write_verf(c->srv, res);
	return NFS4_OK;
}

NFS4_OP(commit)
{
	uint64_t offset;
	uint32_t count;
	struct stat st;
	int fd;

	if (!xdr_get_u64(args, &offset) || !xdr_get_u32(args, &count))
		return NFS4ERR_BADXDR;
	if (!c->cur.exp)
		return NFS4ERR_ISDIR;
	if (fstat(c->cur.fd, &st) < 0)
		return nfs4_errno(errno);
	if (S_ISDIR(st.st_mode))
		return NFS4ERR_ISDIR;
	if (!S_ISREG(st.st_mode))
		return S_ISLNK(st.st_mode) ? NFS4ERR_SYMLINK : NFS4ERR_INVAL;
	if (count && offset + count < offset)
		return NFS4ERR_INVAL;
	fd = obj_reopen(&c->cur, O_RDONLY);
	if (fd < 0)
		return nfs4_errno(-fd);
	if (fsync(fd) < 0) {
		int e = errno;

		/* the kernel may have dropped the dirty pages: a new verifier
		 * makes the client send its UNSTABLE writes again */
		srv_write_verf_bump(c->srv);
		close(fd);
		/* RFC 8881 §15.2 allows COMMIT no NFS4ERR_NOSPC or NFS4ERR_DQUOT:
		 * a flush that failed is NFS4ERR_IO (tests/fault/t_fault) */
		return e == ENOSPC || e == EDQUOT ? NFS4ERR_IO : nfs4_errno(e);
	}
	close(fd);
	srv_put_write_verf(c->srv, res);
	return NFS4_OK;
}
