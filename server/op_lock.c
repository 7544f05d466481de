/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_lock.c - LOCK, LOCKT and LOCKU (RFC 8881 §18.10-18.12): advisory
 * byte-range locks.  Each handler decodes its arguments through the xdr/
 * cursor, checks the range and the current file, opens the descriptor the
 * state module needs for the host's OFD locks, and lets state.c do the
 * rest under its locks.  LOCK and LOCKT have OPF_ENCODE_ON_ERROR rows, so
 * on NFS4ERR_DENIED the LOCK4denied they encode reaches the client; on any
 * other error they encode nothing.  The blocking types READW_LT and
 * WRITEW_LT are answered at once like the others (§9.6: the client polls).
 * RELEASE_LOCKOWNER is NFSv4.0 only and stays NFS4ERR_NOTSUPP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/lock_range.h"
#include "server/state.h"

/* The current object must be a regular file (RFC 8881 §15.2 lists ISDIR,
 * SYMLINK and WRONG_TYPE for the lock ops); the state module keys files by
 * (dev, ino). */
static nfsstat4 lock_file(struct compound *c, uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	nfsstat4 status;

	status = srv_cur_file_key(c, dev, ino);
	if (status)
		return status;
	if (fstat(c->cur.fd, &st) < 0)
		return NFS4ERR_STALE;
	if (S_ISDIR(st.st_mode))
		return NFS4ERR_ISDIR;
	if (S_ISLNK(st.st_mode))
		return NFS4ERR_SYMLINK;
	if (!S_ISREG(st.st_mode))
		return NFS4ERR_WRONG_TYPE;
	return NFS4_OK;
}

/*
 * A new open file description of the current file (a descriptor of its
 * own, so its OFD locks belong to one lock owner), through the O_PATH
 * descriptor.  For locking (rw) read-write when possible, so both lock
 * types can be taken on it, else read-only or write-only; for LOCKT, whose
 * F_OFD_GETLK needs no access mode, read-only first (no open for writing
 * just to ask).  O_NONBLOCK: a local lease makes it fail rather than wait.
 * -errno on failure.
 */
static int lock_fd_open(const struct compound *c, bool rw)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };
	char path[64];
	int fd = -1, err = ENOENT;

	snprintf(path, sizeof(path), "/proc/thread-self/fd/%d", c->cur.fd);
	for (unsigned i = rw ? 0 : 1; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fd = open(path, modes[i] | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0)
			return fd;
		err = errno;
		if (err != EACCES && err != EROFS && err != ETXTBSY && err != EPERM)
			break;
	}
	return -err;
}

static nfsstat4 open_errno(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return NFS4ERR_ACCESS;
	case ENOENT:
	case ESTALE:
		return NFS4ERR_STALE;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case EINTR:
	case EWOULDBLOCK: /* a local lease is being broken */
		return NFS4ERR_DELAY;
	default:
		return NFS4ERR_SERVERFAULT;
	}
}

/* lock_owner4 (RFC 8881 §3.3.19): the clientid is read and ignored (§18.10.3,
 * §18.11.3: the session names the client). */
static bool dec_lock_owner4(struct xdr_in *x, struct xdr_view *owner)
{
	uint64_t clientid;

	return xdr_get_u64(x, &clientid) && xdr_get_opaque(x, NFS4_OPAQUE_LIMIT, owner);
}

static bool enc_lock4denied(struct xdr_out *x, const struct state_lock_denied *d)
{
	return xdr_put_u64(x, d->offset) && xdr_put_u64(x, d->length) &&
	       xdr_put_u32(x, d->locktype) && xdr_put_u64(x, d->clientid) && /* owner.clientid */
	       xdr_put_opaque(x, d->owner, d->owner_len);                      /* owner.owner */
}

/* LOCK4args (RFC 8881 §18.10.1) */
static nfsstat4 nfs4_dec_lock4args(struct xdr_in *x, struct state_lock_args *a,
				   uint64_t *offset, uint64_t *length)
{
	uint32_t seqid;

	if (!xdr_get_u32(x, &a->locktype) || !xdr_get_bool(x, &a->reclaim) ||
	    !xdr_get_u64(x, offset) || !xdr_get_u64(x, length) ||
	    !xdr_get_bool(x, &a->new_lock_owner))
		return NFS4ERR_BADXDR;
	if (a->new_lock_owner) {
		/* open_to_lock_owner4: open_seqid, open_stateid, lock_seqid,
		 * lock_owner */
		if (!xdr_get_u32(x, &seqid) || !nfs4_dec_stateid4(x, &a->sid) ||
		    !xdr_get_u32(x, &seqid) || !dec_lock_owner4(x, &a->owner))
			return NFS4ERR_BADXDR;
	} else {
		/* exist_lock_owner4: lock_stateid, lock_seqid */
		a->owner.data = NULL;
		a->owner.len = 0;
		if (!nfs4_dec_stateid4(x, &a->sid) || !xdr_get_u32(x, &seqid))
			return NFS4ERR_BADXDR;
	}
	/* nfs_lock_type4 has four values; anything else is not XDR */
	if (!lock_type_plain(a->locktype))
		return NFS4ERR_BADXDR;
	return NFS4_OK;
}

nfsstat4 nfs4_op_lock(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct state_lock_args a;
	struct state_lock_denied denied;
	struct stateid4 out;
	uint64_t offset, length, dev, ino;
	nfsstat4 status;
	int fd = -1;

	status = nfs4_dec_lock4args(args, &a, &offset, &length);
	if (status)
		return status;
	status = lock_range_from_wire(offset, length, &a.start, &a.end);
	if (status)
		return status;
	status = lock_file(c, &dev, &ino);
	if (status)
		return status;
	if (a.new_lock_owner) {
		/* the descriptor a new lock state would hold; opened here,
		 * outside the state locks */
		fd = lock_fd_open(c, true);
		if (fd < 0)
			return open_errno(-fd);
	}
	status = state_lock(c, &a, dev, ino, &fd, &out, &denied);
	if (fd >= 0)
		close(fd); /* an existing lock state was used */
	if (status == NFS4ERR_DENIED)
		return enc_lock4denied(res, &denied) ? NFS4ERR_DENIED : NFS4ERR_REP_TOO_BIG;
	if (status)
		return status;
	/* LOCK4resok: lock_stateid */
	return nfs4_enc_stateid4(res, &out) ? NFS4_OK : NFS4ERR_REP_TOO_BIG;
}

nfsstat4 nfs4_op_lockt(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct state_lock_denied denied;
	struct xdr_view owner;
	uint64_t offset, length, start, end, dev, ino;
	uint32_t locktype;
	nfsstat4 status;
	int fd;

	/* LOCKT4args (§18.11.1): locktype, offset, length, owner */
	if (!xdr_get_u32(args, &locktype) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u64(args, &length) || !dec_lock_owner4(args, &owner) ||
	    !lock_type_plain(locktype))
		return NFS4ERR_BADXDR;
	status = lock_range_from_wire(offset, length, &start, &end);
	if (status)
		return status;
	status = lock_file(c, &dev, &ino);
	if (status)
		return status;
	/* LOCKT needs no open (§18.11.3): a descriptor of our own asks the
	 * host about local processes' locks */
	fd = lock_fd_open(c, false);
	if (fd < 0)
		return open_errno(-fd);
	status = state_lockt(c, locktype, start, end, &owner, dev, ino, fd, &denied);
	close(fd);
	if (status == NFS4ERR_DENIED)
		return enc_lock4denied(res, &denied) ? NFS4ERR_DENIED : NFS4ERR_REP_TOO_BIG;
	return status; /* LOCKT4res carries nothing else */
}

nfsstat4 nfs4_op_locku(struct compound *c, struct xdr_in *args, struct xdr_out *res)
{
	struct stateid4 sid, out;
	uint64_t offset, length, start, end, dev, ino;
	uint32_t locktype, seqid;
	nfsstat4 status;

	/* LOCKU4args (§18.12.1): locktype, seqid (unused with sessions),
	 * lock_stateid, offset, length */
	if (!xdr_get_u32(args, &locktype) || !xdr_get_u32(args, &seqid) ||
	    !nfs4_dec_stateid4(args, &sid) || !xdr_get_u64(args, &offset) ||
	    !xdr_get_u64(args, &length) || !lock_type_plain(locktype))
		return NFS4ERR_BADXDR;
	status = lock_range_from_wire(offset, length, &start, &end);
	if (status)
		return status;
	status = lock_file(c, &dev, &ino);
	if (status)
		return status;
	status = state_locku(c, &sid, start, end, dev, ino, &out);
	if (status)
		return status;
	/* LOCKU4res: lock_stateid */
	return nfs4_enc_stateid4(res, &out) ? NFS4_OK : NFS4ERR_REP_TOO_BIG;
}
