/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attr.c - fattr4 encoding and decoding (RFC 8881 §5, RFC 7862 §12).
 *
 * Encoding walks the requested bitmap in attribute order and writes each
 * supported attribute straight into the reply: reserve the attrlist length,
 * encode, back-fill.  Values come from one statx() of the object (and one
 * fstatfs() when a space/files attribute is asked for); the label is read
 * only when sec_label is requested.  Pseudo-fs nodes get synthetic
 * directory attributes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include "server/attr.h"
#include "server/compound.h"
#include "server/export.h"
#include "server/idmap.h"
#include "server/limits.h"
#include "server/srv.h"
#include "server/v42.h"
#include "server/xattr.h"

#define PSEUDO_FSID_MAJOR 0x4c4e4653ull /* "LNFS" */

nfsstat4 nfs4_errno(int err)
{
	switch (err) {
	case 0:
		return NFS4_OK;
	case EPERM:
		return NFS4ERR_PERM;
	case ENOENT:
		return NFS4ERR_NOENT;
	case EACCES:
		return NFS4ERR_ACCESS;
	case EEXIST:
		return NFS4ERR_EXIST;
	case EXDEV:
		return NFS4ERR_XDEV;
	case ENOTDIR:
		return NFS4ERR_NOTDIR;
	case EISDIR:
		return NFS4ERR_ISDIR;
	case EINVAL:
		return NFS4ERR_INVAL;
	case EFBIG:
		return NFS4ERR_FBIG;
	case ENOSPC:
		return NFS4ERR_NOSPC;
	case EROFS:
		return NFS4ERR_ROFS;
	case EMLINK:
		return NFS4ERR_MLINK;
	case ENAMETOOLONG:
		return NFS4ERR_NAMETOOLONG;
	case ENOTEMPTY:
		return NFS4ERR_NOTEMPTY;
	case EDQUOT:
		return NFS4ERR_DQUOT;
	case ESTALE:
		return NFS4ERR_STALE;
	case ELOOP:
		return NFS4ERR_SYMLINK;
	case ENXIO:
	case ENODEV:
		return NFS4ERR_NXIO;
	case ENOMEM:
	case EAGAIN:
	case EMFILE:
	case ENFILE:
		return NFS4ERR_DELAY;
	case EOPNOTSUPP:
		return NFS4ERR_NOTSUPP;
	default:
		return NFS4ERR_IO;
	}
}

/* Attributes every object supports (word 0 and 1). */
static const unsigned common_attrs[] = {
	FATTR4_SUPPORTED_ATTRS, FATTR4_TYPE, FATTR4_FH_EXPIRE_TYPE, FATTR4_CHANGE, FATTR4_SIZE,
	FATTR4_LINK_SUPPORT, FATTR4_SYMLINK_SUPPORT, FATTR4_NAMED_ATTR, FATTR4_FSID,
	FATTR4_UNIQUE_HANDLES, FATTR4_LEASE_TIME, FATTR4_RDATTR_ERROR, FATTR4_CANSETTIME,
	FATTR4_CASE_INSENSITIVE, FATTR4_CASE_PRESERVING, FATTR4_CHOWN_RESTRICTED,
	FATTR4_FILEHANDLE, FATTR4_FILEID, FATTR4_FILES_AVAIL, FATTR4_FILES_FREE,
	FATTR4_FILES_TOTAL, FATTR4_HOMOGENEOUS, FATTR4_MAXFILESIZE, FATTR4_MAXLINK,
	FATTR4_MAXNAME, FATTR4_MAXREAD, FATTR4_MAXWRITE, FATTR4_MODE, FATTR4_NO_TRUNC,
	FATTR4_NUMLINKS, FATTR4_OWNER, FATTR4_OWNER_GROUP, FATTR4_RAWDEV, FATTR4_SPACE_AVAIL,
	FATTR4_SPACE_FREE, FATTR4_SPACE_TOTAL, FATTR4_SPACE_USED, FATTR4_TIME_ACCESS,
	FATTR4_TIME_ACCESS_SET, FATTR4_TIME_CREATE, FATTR4_TIME_DELTA, FATTR4_TIME_METADATA,
	FATTR4_TIME_MODIFY, FATTR4_TIME_MODIFY_SET, FATTR4_MOUNTED_ON_FILEID,
	FATTR4_SUPPATTR_EXCLCREAT,
};

/* The supported attributes; with fs_probe false, the two that depend on the
 * export's file system type (clone_blksize, space_freed: one fstatfs()) are
 * left out, for callers that did not ask for either of them. */
/* common_attrs as a bitmap, built once (it is asked for per READDIR entry) */
static uint32_t common_words[FATTR4_WORDS];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void common_init(void)
{
	size_t i;

	for (i = 0; i < sizeof(common_attrs) / sizeof(common_attrs[0]); i++)
		attr_setbit(common_words, common_attrs[i]);
}

static void supported(const struct compound *c, const struct export *x,
		      uint32_t out[FATTR4_WORDS], bool fs_probe)
{
	pthread_once(&common_once, common_init);
	memcpy(out, common_words, sizeof(common_words));
	if (c->minorversion >= 2) {
		attr_setbit(out, FATTR4_CHANGE_ATTR_TYPE);
		/* RFC 8276 §8.1: whether the object's file system keeps
		 * user xattrs (op_xattr.c); false in the pseudo-fs */
		attr_setbit(out, FATTR4_XATTR_SUPPORT);
		/* the pseudo-fs has no labels of its own but serves the default */
		if (!x || label_enabled(c, x))
			attr_setbit(out, FATTR4_SEC_LABEL);
		/* RFC 7862 §12.2.1-2: clone_blksize only where CLONE works
		 * (op_v42.c); space_freed only where no blocks are shared,
		 * so that a file's own blocks are what removing it frees */
		if (x && fs_probe && v42_clone_blksize(x))
			attr_setbit(out, FATTR4_CLONE_BLKSIZE);
		else if (x && fs_probe)
			attr_setbit(out, FATTR4_SPACE_FREED);
	}
}

void attr_supported(const struct compound *c, const struct export *x, uint32_t out[FATTR4_WORDS])
{
	supported(c, x, out, true);
}

/* Attributes that may be given with an EXCLUSIVE4_1 create: the verifier is
 * kept in atime/mtime (as knfsd does), so the times are left out. */
static void attr_exclcreat(const struct compound *c, const struct export *x,
			   uint32_t out[FATTR4_WORDS])
{
	memset(out, 0, FATTR4_WORDS * sizeof(uint32_t));
	attr_setbit(out, FATTR4_SIZE);
	attr_setbit(out, FATTR4_MODE);
	attr_setbit(out, FATTR4_OWNER);
	attr_setbit(out, FATTR4_OWNER_GROUP);
	if (c->minorversion >= 2 && (!x || label_enabled(c, x)))
		attr_setbit(out, FATTR4_SEC_LABEL);
}

static uint32_t nfs_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return NF4REG;
	case S_IFDIR:
		return NF4DIR;
	case S_IFBLK:
		return NF4BLK;
	case S_IFCHR:
		return NF4CHR;
	case S_IFLNK:
		return NF4LNK;
	case S_IFSOCK:
		return NF4SOCK;
	case S_IFIFO:
		return NF4FIFO;
	default:
		return NF4REG;
	}
}

static bool put_time(struct xdr_out *out, const struct statx_timestamp *t)
{
	return xdr_put_i64(out, t->tv_sec) && xdr_put_u32(out, t->tv_nsec);
}

static int fetch_stx(struct attr_obj *o)
{
	int r;

	if (o->have_stx)
		return 0;
	if (o->fd < 0 && o->name)
		r = statx(o->dirfd, o->name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME,
			  &o->stx);
	else
		r = statx(o->fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
			  STATX_BASIC_STATS | STATX_BTIME, &o->stx);
	if (r < 0)
		return errno;
	o->have_stx = true;
	return 0;
}

/* A descriptor of the object itself: a READDIR entry known by name is
 * opened (O_PATH, never following a symlink) on first need. */
static int obj_fd(struct attr_obj *o)
{
	if (o->fd >= 0 || !o->name)
		return o->fd;
	o->fd = openat(o->dirfd, o->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (o->fd < 0)
		return -errno;
	o->fd_owned = true;
	return o->fd;
}

static void pseudo_stx(const struct compound *c, const struct attr_obj *o, struct statx *st)
{
	const struct exports *e = c->exports;

	memset(st, 0, sizeof(*st));
	st->stx_mode = S_IFDIR | 0555;
	st->stx_nlink = 2;
	st->stx_ino = e->node[o->node].fileid;
	st->stx_size = 4096;
	st->stx_atime.tv_sec = (int64_t)c->srv->boot_time;
	st->stx_mtime = st->stx_ctime = st->stx_btime = st->stx_atime;
}

static nfsstat4 encode(const struct compound *c, struct attr_obj *o, const uint32_t *req,
		       uint32_t nreq, struct xdr_out *out)
{
	uint32_t sup[FATTR4_WORDS], want[FATTR4_WORDS] = { 0 }, exclcreat[FATTR4_WORDS];
	uint32_t i, a, nwords = 0;
	struct statfs sfs;
	bool have_sfs = false;
	struct statx pst;
	const struct statx *st;
	size_t bm_pos, len_pos, start;
	struct nfs_label lbl;
	struct nfs_fh fh;
	char name[LNFS_MAX_OWNER];
	int err;

	/* the fstatfs() for clone_blksize/space_freed only when they matter */
	supported(c, o->exp, sup,
		  nreq > 0 && (attr_isset(req, FATTR4_SUPPORTED_ATTRS) ||
			       (nreq > FATTR4_CLONE_BLKSIZE / 32 &&
				attr_isset(req, FATTR4_CLONE_BLKSIZE)) ||
			       (nreq > FATTR4_SPACE_FREED / 32 && attr_isset(req, FATTR4_SPACE_FREED))));
	for (i = 0; i < FATTR4_WORDS && i < nreq; i++) {
		want[i] = req[i] & sup[i];
		if (want[i])
			nwords = i + 1;
	}
	if (o->exp) {
		err = fetch_stx(o);
		if (err) {
			if (attr_isset(want, FATTR4_RDATTR_ERROR)) {
				/* READDIR: report the error in place of the attributes */
				return xdr_put_u32(out, 1) && xdr_put_u32(out, 1u << FATTR4_RDATTR_ERROR) &&
						       xdr_put_u32(out, 4) && xdr_put_u32(out, nfs4_errno(err)) ?
					       NFS4_OK :
					       NFS4ERR_RESOURCE;
			}
			return nfs4_errno(err);
		}
		st = &o->stx;
	} else {
		pseudo_stx(c, o, &pst);
		st = &pst;
	}
	if (attr_isset(want, FATTR4_SEC_LABEL)) {
		if (o->exp) {
			uint32_t fsuid;
			nfsstat4 s;

			err = obj_fd(o);
			if (err < 0)
				return nfs4_errno(-err);
			fsuid = cred_raise_st(&c->cred);
			s = label_get(c, o->exp, o->fd, st->stx_mode, &lbl);
			cred_lower(fsuid);

			if (s != NFS4_OK)
				return s;
		} else {
			/* the pseudo-fs: the default label of the caller's domain */
			nfsstat4 s = label_get(c, NULL, -1, 0, &lbl);

			if (s != NFS4_OK)
				return s;
		}
	}
	if (attr_isset(want, FATTR4_FILEHANDLE) && !o->fh) {
		if (o->exp) {
			if (o->fd < 0 && o->name)
				err = fh_for_name(c->exports, o->exp, o->dirfd, o->name, &fh);
			else
				err = o->name ? fh_for_child(c->exports, o->exp, o->dirfd, o->fd, &fh) :
						fh_for_fd(c->exports, o->exp, o->fd, &fh);
			if (err)
				return nfs4_errno(-err);
		} else {
			fh_for_pseudo(c->exports, o->node, &fh);
		}
		o->fh = &fh;
	}

	start = xdr_out_pos(out);
	if (!xdr_put_u32(out, nwords))
		return NFS4ERR_RESOURCE;
	bm_pos = xdr_out_pos(out);
	for (i = 0; i < nwords; i++)
		xdr_put_u32(out, want[i]);
	len_pos = xdr_out_pos(out);
	xdr_put_u32(out, 0);

	for (a = 0; a < nwords * 32; a++) {
		if (!attr_isset(want, a))
			continue;
		switch (a) {
		case FATTR4_SUPPORTED_ATTRS:
			xdr_put_u32(out, FATTR4_WORDS);
			for (i = 0; i < FATTR4_WORDS; i++)
				xdr_put_u32(out, sup[i]);
			break;
		case FATTR4_TYPE:
			xdr_put_u32(out, nfs_type(st->stx_mode));
			break;
		case FATTR4_FH_EXPIRE_TYPE:
			xdr_put_u32(out, FH4_PERSISTENT);
			break;
		case FATTR4_CHANGE:
			/* ctime moves on data, metadata and xattr (label) changes */
			xdr_put_u64(out, (uint64_t)st->stx_ctime.tv_sec * 1000000000ull +
						 st->stx_ctime.tv_nsec);
			break;
		case FATTR4_SIZE:
			xdr_put_u64(out, st->stx_size);
			break;
		case FATTR4_LINK_SUPPORT:
		case FATTR4_SYMLINK_SUPPORT:
		case FATTR4_UNIQUE_HANDLES:
		case FATTR4_CANSETTIME:
		case FATTR4_CASE_PRESERVING:
		case FATTR4_CHOWN_RESTRICTED:
		case FATTR4_HOMOGENEOUS:
		case FATTR4_NO_TRUNC:
			xdr_put_bool(out, true);
			break;
		case FATTR4_NAMED_ATTR:
		case FATTR4_CASE_INSENSITIVE:
			xdr_put_bool(out, false);
			break;
		case FATTR4_FSID:
			if (o->exp) {
				xdr_put_u64(out, o->exp->id);
				xdr_put_u64(out, 0);
			} else {
				xdr_put_u64(out, PSEUDO_FSID_MAJOR);
				xdr_put_u64(out, 0);
			}
			break;
		case FATTR4_LEASE_TIME:
			xdr_put_u32(out, c->srv->lease_time);
			break;
		case FATTR4_RDATTR_ERROR:
			xdr_put_u32(out, NFS4_OK);
			break;
		case FATTR4_FILEHANDLE:
			xdr_put_opaque(out, o->fh->data, o->fh->len);
			break;
		case FATTR4_FILEID:
			xdr_put_u64(out, st->stx_ino);
			break;
		case FATTR4_FILES_AVAIL:
		case FATTR4_FILES_FREE:
		case FATTR4_FILES_TOTAL:
		case FATTR4_SPACE_AVAIL:
		case FATTR4_SPACE_FREE:
		case FATTR4_SPACE_TOTAL:
			if (!have_sfs) {
				memset(&sfs, 0, sizeof(sfs));
				if (o->exp && (obj_fd(o) < 0 || fstatfs(o->fd, &sfs) < 0))
					memset(&sfs, 0, sizeof(sfs));
				have_sfs = true;
			}
			if (a == FATTR4_FILES_AVAIL)
				xdr_put_u64(out, sfs.f_ffree);
			else if (a == FATTR4_FILES_FREE)
				xdr_put_u64(out, sfs.f_ffree);
			else if (a == FATTR4_FILES_TOTAL)
				xdr_put_u64(out, sfs.f_files);
			else if (a == FATTR4_SPACE_AVAIL)
				xdr_put_u64(out, (uint64_t)sfs.f_bavail * sfs.f_bsize);
			else if (a == FATTR4_SPACE_FREE)
				xdr_put_u64(out, (uint64_t)sfs.f_bfree * sfs.f_bsize);
			else
				xdr_put_u64(out, (uint64_t)sfs.f_blocks * sfs.f_bsize);
			break;
		case FATTR4_MAXFILESIZE:
			xdr_put_u64(out, (uint64_t)NFS4_INT64_MAX);
			break;
		case FATTR4_MAXLINK:
			xdr_put_u32(out, 65000);
			break;
		case FATTR4_MAXNAME:
			xdr_put_u32(out, LNFS_MAX_NAME);
			break;
		case FATTR4_MAXREAD:
		case FATTR4_MAXWRITE:
			xdr_put_u64(out, LNFS_MAX_IO);
			break;
		case FATTR4_MODE:
			xdr_put_u32(out, st->stx_mode & 07777);
			break;
		case FATTR4_NUMLINKS:
			xdr_put_u32(out, st->stx_nlink);
			break;
		case FATTR4_OWNER:
			idmap_uid_to_owner(c, st->stx_uid, name, sizeof(name));
			xdr_put_string(out, name);
			break;
		case FATTR4_OWNER_GROUP:
			idmap_gid_to_group(c, st->stx_gid, name, sizeof(name));
			xdr_put_string(out, name);
			break;
		case FATTR4_RAWDEV:
			xdr_put_u32(out, st->stx_rdev_major);
			xdr_put_u32(out, st->stx_rdev_minor);
			break;
		case FATTR4_SPACE_USED:
			xdr_put_u64(out, st->stx_blocks * 512ull);
			break;
		case FATTR4_TIME_ACCESS:
			put_time(out, &st->stx_atime);
			break;
		case FATTR4_TIME_CREATE:
			put_time(out, (st->stx_mask & STATX_BTIME) ? &st->stx_btime : &st->stx_ctime);
			break;
		case FATTR4_TIME_DELTA:
			xdr_put_i64(out, 0);
			xdr_put_u32(out, 1);
			break;
		case FATTR4_TIME_METADATA:
			put_time(out, &st->stx_ctime);
			break;
		case FATTR4_TIME_MODIFY:
			put_time(out, &st->stx_mtime);
			break;
		case FATTR4_MOUNTED_ON_FILEID:
			if (o->mounted_on)
				xdr_put_u64(out, o->mounted_on);
			else if (o->exp && st->stx_ino == o->exp->root_ino)
				/* an export root sits on its pseudo directory */
				xdr_put_u64(out, c->exports->node[o->exp->pseudo_node].fileid);
			else
				xdr_put_u64(out, st->stx_ino);
			break;
		case FATTR4_SUPPATTR_EXCLCREAT:
			attr_exclcreat(c, o->exp, exclcreat);
			xdr_put_u32(out, FATTR4_WORDS);
			for (i = 0; i < FATTR4_WORDS; i++)
				xdr_put_u32(out, exclcreat[i]);
			break;
		case FATTR4_CHANGE_ATTR_TYPE:
			xdr_put_u32(out, NFS4_CHANGE_TYPE_IS_TIME_METADATA);
			break;
		case FATTR4_SEC_LABEL:
			label_encode(out, &lbl);
			break;
		case FATTR4_XATTR_SUPPORT:
			xdr_put_bool(out, xattr_fs_supported(o->exp, o->exp ? obj_fd(o) : -1,
							     st->stx_mode));
			break;
		case FATTR4_CLONE_BLKSIZE:
			xdr_put_u32(out, v42_clone_blksize(o->exp));
			break;
		case FATTR4_SPACE_FREED:
			/* removing the last link frees the file's blocks; with
			 * other links left, removing this one frees nothing */
			xdr_put_u64(out, st->stx_nlink == 1 ? st->stx_blocks * 512ull : 0);
			break;
		default:
			/* write-only attributes (time_*_set) are not returned */
			want[a / 32] &= ~(1u << (a % 32));
			xdr_set_u32_at(out, bm_pos + 4 * (a / 32), want[a / 32]);
			break;
		}
	}
	if (out->overflow) {
		xdr_truncate(out, start);
		return NFS4ERR_RESOURCE;
	}
	xdr_set_u32_at(out, len_pos, (uint32_t)(xdr_out_pos(out) - len_pos - 4));
	return NFS4_OK;
}

nfsstat4 attr_encode(const struct compound *c, struct attr_obj *o, const uint32_t *req,
		     uint32_t nreq, struct xdr_out *out)
{
	nfsstat4 r = encode(c, o, req, nreq, out);

	if (o->fd_owned) {
		close(o->fd);
		o->fd = -1;
		o->fd_owned = false;
	}
	return r;
}

static nfsstat4 dec_settime(struct xdr_in *in, uint32_t *how, struct timespec *ts)
{
	int64_t sec;
	uint32_t nsec;

	if (!xdr_get_u32(in, how))
		return NFS4ERR_BADXDR;
	if (*how == SET_TO_SERVER_TIME4)
		return NFS4_OK;
	if (*how != SET_TO_CLIENT_TIME4)
		return NFS4ERR_BADXDR;
	if (!xdr_get_i64(in, &sec) || !xdr_get_u32(in, &nsec))
		return NFS4ERR_BADXDR;
	if (nsec >= 1000000000u)
		return NFS4ERR_INVAL;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return NFS4_OK;
}

nfsstat4 attr_decode_set(const struct compound *c, const struct export *x, struct xdr_in *in,
			 struct attr_set *s)
{
	uint32_t words[LNFS_MAX_BITMAP_WORDS], nwords, sup[FATTR4_WORDS], i, a;
	struct xdr_view list, owner;
	struct xdr_in l;
	nfsstat4 st;

	memset(s->mask, 0, sizeof(s->mask));
	if (!nfs4_dec_bitmap4(in, words, LNFS_MAX_BITMAP_WORDS, &nwords))
		return NFS4ERR_BADXDR;
	if (!xdr_get_opaque(in, LNFS_MAX_ATTRLIST, &list))
		return NFS4ERR_BADXDR;
	attr_supported(c, x, sup);
	for (i = 0; i < nwords && i < LNFS_MAX_BITMAP_WORDS; i++) {
		uint32_t sw = i < FATTR4_WORDS ? sup[i] : 0;

		if (words[i] & ~sw)
			return NFS4ERR_ATTRNOTSUPP;
	}
	xdr_in_init(&l, list.data, list.len);
	for (a = 0; a < FATTR4_WORDS * 32 && a / 32 < nwords; a++) {
		if (!attr_isset(words, a))
			continue;
		switch (a) {
		case FATTR4_SIZE:
			if (!xdr_get_u64(&l, &s->size))
				return NFS4ERR_BADXDR;
			break;
		case FATTR4_MODE:
			if (!xdr_get_u32(&l, &s->mode))
				return NFS4ERR_BADXDR;
			if (s->mode & ~07777u)
				return NFS4ERR_INVAL;
			break;
		case FATTR4_OWNER:
			if (!xdr_get_opaque(&l, LNFS_MAX_OWNER, &owner))
				return NFS4ERR_BADXDR;
			st = idmap_owner_to_uid(c, owner.data, owner.len, &s->uid);
			if (st != NFS4_OK)
				return st;
			break;
		case FATTR4_OWNER_GROUP:
			if (!xdr_get_opaque(&l, LNFS_MAX_OWNER, &owner))
				return NFS4ERR_BADXDR;
			st = idmap_group_to_gid(c, owner.data, owner.len, &s->gid);
			if (st != NFS4_OK)
				return st;
			break;
		case FATTR4_TIME_ACCESS_SET:
			st = dec_settime(&l, &s->atime_how, &s->atime);
			if (st != NFS4_OK)
				return st;
			break;
		case FATTR4_TIME_MODIFY_SET:
			st = dec_settime(&l, &s->mtime_how, &s->mtime);
			if (st != NFS4_OK)
				return st;
			break;
		case FATTR4_SEC_LABEL:
			st = label_decode(&l, &s->label);
			if (st != NFS4_OK)
				return st;
			break;
		default:
			/* supported but read-only (RFC 8881 §18.30.4) */
			return NFS4ERR_INVAL;
		}
		attr_setbit(s->mask, a);
	}
	if (xdr_in_left(&l) != 0)
		return NFS4ERR_BADXDR;
	return NFS4_OK;
}

static int proc_path(int fd, char *buf, size_t len)
{
	return snprintf(buf, len, "/proc/thread-self/fd/%d", fd) < (int)len ? 0 : -ENAMETOOLONG;
}

nfsstat4 attr_apply(const struct compound *c, const struct export *x, int fd,
		    const struct attr_set *s, uint32_t done[FATTR4_WORDS])
{
	char path[64];
	struct stat st;
	nfsstat4 r;

	if (proc_path(fd, path, sizeof(path)))
		return NFS4ERR_SERVERFAULT;
	if (fstat(fd, &st) < 0)
		return nfs4_errno(errno);
	if (attr_isset(s->mask, FATTR4_SEC_LABEL)) {
		uint32_t fsuid = cred_fsuid();

		/* relabelling is the owner's right (or root's), as the
		 * kernel's SELinux hook decides for security.selinux */
		if (fsuid != 0 && st.st_uid != fsuid)
			return NFS4ERR_PERM;
		fsuid = cred_raise();
		r = label_set(c, x, fd, &s->label);
		cred_lower(fsuid);
		if (r != NFS4_OK)
			return r;
		attr_setbit(done, FATTR4_SEC_LABEL);
	}
	if (attr_isset(s->mask, FATTR4_SIZE)) {
		if (S_ISDIR(st.st_mode))
			return NFS4ERR_ISDIR;
		if (!S_ISREG(st.st_mode))
			return NFS4ERR_INVAL;
		if (s->size > (uint64_t)NFS4_INT64_MAX)
			return NFS4ERR_FBIG;
		if (truncate(path, (off_t)s->size) < 0)
			return nfs4_errno(errno);
		attr_setbit(done, FATTR4_SIZE);
	}
	if (attr_isset(s->mask, FATTR4_OWNER) || attr_isset(s->mask, FATTR4_OWNER_GROUP)) {
		uid_t u = attr_isset(s->mask, FATTR4_OWNER) ? s->uid : (uid_t)-1;
		gid_t g = attr_isset(s->mask, FATTR4_OWNER_GROUP) ? s->gid : (gid_t)-1;

		if (fchownat(fd, "", u, g, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return nfs4_errno(errno);
		if (attr_isset(s->mask, FATTR4_OWNER))
			attr_setbit(done, FATTR4_OWNER);
		if (attr_isset(s->mask, FATTR4_OWNER_GROUP))
			attr_setbit(done, FATTR4_OWNER_GROUP);
	}
	if (attr_isset(s->mask, FATTR4_MODE)) {
		/* Linux symlinks have no permission bits of their own (always
		 * 0777) and cannot be chmod()ed: the mode is ignored, as knfsd
		 * does, and left out of attrsset, as CREATE of a symlink does.
		 * Failing would stop clients (and pynfs's tree cleanup) that
		 * reset modes on every entry they are about to remove. */
		if (!S_ISLNK(st.st_mode)) {
			if (chmod(path, s->mode) < 0)
				return nfs4_errno(errno);
			attr_setbit(done, FATTR4_MODE);
		}
	}
	if (attr_isset(s->mask, FATTR4_TIME_ACCESS_SET) ||
	    attr_isset(s->mask, FATTR4_TIME_MODIFY_SET)) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

		if (attr_isset(s->mask, FATTR4_TIME_ACCESS_SET))
			ts[0] = s->atime_how == SET_TO_SERVER_TIME4 ?
					(struct timespec){ .tv_nsec = UTIME_NOW } :
					s->atime;
		if (attr_isset(s->mask, FATTR4_TIME_MODIFY_SET))
			ts[1] = s->mtime_how == SET_TO_SERVER_TIME4 ?
					(struct timespec){ .tv_nsec = UTIME_NOW } :
					s->mtime;
		if (utimensat(AT_FDCWD, path, ts, 0) < 0) {
			/* symlinks: /proc/self/fd/N of an O_PATH symlink fd
			 * refers to the link itself */
			return nfs4_errno(errno);
		}
		if (attr_isset(s->mask, FATTR4_TIME_ACCESS_SET))
			attr_setbit(done, FATTR4_TIME_ACCESS_SET);
		if (attr_isset(s->mask, FATTR4_TIME_MODIFY_SET))
			attr_setbit(done, FATTR4_TIME_MODIFY_SET);
	}
	return NFS4_OK;
}
