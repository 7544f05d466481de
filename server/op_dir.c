/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_dir.c - READDIR, READLINK, CREATE, REMOVE, RENAME and LINK (RFC 8881
 * §18.23, §18.24, §18.4, §18.25, §18.26, §18.9).
 *
 * READDIR cookies are the host's getdents64 d_off values (positions the
 * directory itself can seek back to), so they stay valid across requests and
 * restarts; the cookie verifier is not used (always zero).  Entries are
 * encoded in place and the reply is cut back to the last whole entry that
 * fits in maxcount.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "server/attr.h"
#include "server/create.h"
#include "server/export.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"

/* getdents64 buffer.  Each READDIR opens the directory afresh, and on a
 * hashed ext4 directory every entry getdents64 returns costs a tree insert
 * in the kernel whether or not the reply has room for it: small chunks
 * waste little past the last entry that fits (measured: 8 KiB lists 10,000
 * entries with ~30 % less server CPU than 64 KiB). */
#define RD_BUF_SIZE (8u * 1024u)

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Encoding state of one READDIR reply. */
struct rd_state {
	struct compound *c;
	struct xdr_out *res;
	size_t start;              /* where READDIR4resok starts */
	uint32_t maxcount;
	uint32_t dircount;
	uint32_t dirbytes;         /* names+cookies so far (the dircount measure) */
	const uint32_t *req;
	uint32_t nreq;
	uint32_t nentries;
	bool full;
};

/* Append one entry; false when it did not fit (the reply is unchanged). */
static bool rd_entry(struct rd_state *s, uint64_t cookie, const char *name, struct attr_obj *ao)
{
	size_t pos = xdr_out_pos(s->res);
	size_t nlen = strlen(name);
	nfsstat4 r;

	if (s->nentries && s->dircount && s->dirbytes + 8 + XDR_PAD(nlen) + 4 > s->dircount)
		goto full;
	xdr_put_u32(s->res, 1); /* value_follows */
	xdr_put_u64(s->res, cookie);
	xdr_put_opaque(s->res, name, (uint32_t)nlen);
	r = attr_encode(s->c, ao, s->req, s->nreq, s->res);
	/* 8 bytes for the closing "no more entries" and eof words */
	if (r != NFS4_OK || s->res->overflow ||
	    xdr_out_pos(s->res) - s->start + 8 > s->maxcount)
		goto full;
	s->dirbytes += 8 + (uint32_t)XDR_PAD(nlen) + 4;
	s->nentries++;
	return true;
full:
	xdr_truncate(s->res, pos);
	s->full = true;
	return false;
}

static nfsstat4 readdir_pseudo(struct rd_state *s, uint64_t cookie, bool *eof)
{
	const struct exports *e = s->c->exports;
	uint32_t node = s->c->cur.pseudo_node;
	uint32_t ch = UINT32_MAX;

	*eof = false;
	while ((ch = pseudo_next_child(e, node, ch)) != UINT32_MAX) {
		uint64_t ck = (uint64_t)ch + 3;
		struct attr_obj ao;
		struct export *x = e->node[ch].exp;
		int fd = -1;
		bool ok;

		if (ck <= cookie)
			continue;
		memset(&ao, 0, sizeof(ao));
		ao.node = ch;
		ao.fd = -1;
		if (x) {
			fd = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 0);
			if (fd < 0)
				return NFS4ERR_DELAY;
			ao.exp = x;
			ao.fd = fd;
			ao.mounted_on = e->node[ch].fileid;
		}
		ok = rd_entry(s, ck, e->node[ch].name, &ao);
		if (fd >= 0)
			close(fd);
		if (!ok)
			return NFS4_OK;
	}
	*eof = true;
	return NFS4_OK;
}

static nfsstat4 readdir_host(struct rd_state *s, uint64_t cookie, bool *eof)
{
	struct cur_obj *o = &s->c->cur;
	uint64_t bufw[RD_BUF_SIZE / 8]; /* aligned for linux_dirent64 */
	char *buf = (char *)bufw;
	long n;
	int dfd;
	nfsstat4 r = NFS4_OK;

	*eof = false;
	dfd = obj_reopen(o, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return nfs4_errno(-dfd);
	if (cookie && lseek(dfd, (off_t)cookie, SEEK_SET) < 0) {
		close(dfd);
		return NFS4ERR_BAD_COOKIE;
	}
	for (;;) {
		long off = 0;

		n = syscall(SYS_getdents64, dfd, buf, RD_BUF_SIZE);
		if (n < 0) {
			r = nfs4_errno(errno);
			break;
		}
		if (n == 0) {
			*eof = true;
			break;
		}
		while (off < n) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			struct attr_obj ao;
			bool ok;

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (obj_name_hidden(d->d_name)) {
				/* left by a killed server: remove it (and
				 * its label) now (tests/crash) */
				create_stage_reap(s->c, o->fd, d->d_name);
				continue;
			}
			/* the entry by name: one statx(), no descriptor of its
			 * own unless an attribute needs one (attr.h) */
			memset(&ao, 0, sizeof(ao));
			ao.exp = o->exp;
			ao.fd = -1;
			ao.dirfd = o->fd;
			ao.name = d->d_name;
			ao.mounted_on = d->d_ino;
			if (statx(o->fd, d->d_name, AT_SYMLINK_NOFOLLOW,
				  STATX_BASIC_STATS | STATX_BTIME, &ao.stx) < 0)
				continue; /* removed meanwhile */
			ao.have_stx = true;
			fh_learn_stx(s->c->exports, o->exp, o->fd, d->d_name, &ao.stx);
			ok = rd_entry(s, (uint64_t)d->d_off, d->d_name, &ao);
			if (!ok)
				goto out;
		}
	}
out:
	close(dfd);
	return r;
}

NFS4_OP(readdir)
{
	uint32_t req[LNFS_MAX_BITMAP_WORDS], nreq, dircount, maxcount;
	uint8_t verf[NFS4_VERIFIER_SIZE];
	struct rd_state s;
	uint64_t cookie;
	nfsstat4 r;
	bool eof = false;

	if (!xdr_get_u64(args, &cookie) || !xdr_get_fixed(args, verf, sizeof(verf)) ||
	    !xdr_get_u32(args, &dircount) || !xdr_get_u32(args, &maxcount) ||
	    !nfs4_dec_bitmap4(args, req, LNFS_MAX_BITMAP_WORDS, &nreq))
		return NFS4ERR_BADXDR;
	r = obj_want_dir(c, &c->cur);
	if (r != NFS4_OK)
		return r == NFS4ERR_SYMLINK ? NFS4ERR_NOTDIR : r;
	/* RFC 8881 §18.23.3: cookies 1 and 2 are reserved */
	if (cookie == 1 || cookie == 2)
		return NFS4ERR_BAD_COOKIE;
	/* too small for the verifier, one empty list and eof */
	if (maxcount < 16)
		return NFS4ERR_TOOSMALL;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.res = res;
	s.start = xdr_out_pos(res);
	s.maxcount = maxcount;
	s.dircount = dircount;
	s.req = req;
	s.nreq = nreq;
	memset(verf, 0, sizeof(verf));
	xdr_put_fixed(res, verf, sizeof(verf));
	if (c->cur.exp)
		r = readdir_host(&s, cookie, &eof);
	else
		r = readdir_pseudo(&s, cookie, &eof);
	if (r != NFS4_OK)
		return r;
	if (s.full && s.nentries == 0)
		return NFS4ERR_TOOSMALL;
	xdr_put_u32(res, 0); /* no more entries */
	xdr_put_bool(res, eof && !s.full);
	return NFS4_OK;
}

NFS4_OP(readlink)
{
	char buf[LNFS_MAX_LINK + 1];
	struct stat st;
	ssize_t n;
	nfsstat4 r;

	r = obj_stat(c, &c->cur, &st);
	if (r != NFS4_OK)
		return r;
	if (S_ISDIR(st.st_mode))
		return NFS4ERR_ISDIR;
	if (!S_ISLNK(st.st_mode))
		return NFS4ERR_INVAL;
	n = readlinkat(c->cur.fd, "", buf, sizeof(buf));
	if (n < 0)
		return nfs4_errno(errno);
	return xdr_put_opaque(res, buf, (uint32_t)n) ? NFS4_OK : NFS4ERR_RESOURCE;
}

/* change_info4 around a directory change: before is taken by the caller. */
static uint64_t dir_change(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_CTIME, &stx) < 0)
		return 0;
	return (uint64_t)stx.stx_ctime.tv_sec * 1000000000ull + stx.stx_ctime.tv_nsec;
}

static void put_cinfo(struct xdr_out *res, uint64_t before, uint64_t after)
{
	xdr_put_bool(res, false); /* not atomic: other host processes may race */
	xdr_put_u64(res, before);
	xdr_put_u64(res, after);
}

/* The current object as a directory that may be changed. */
static nfsstat4 want_writable_dir(struct compound *c, struct cur_obj *o)
{
	nfsstat4 r = obj_want_dir(c, o);

	if (r != NFS4_OK)
		return r;
	if (!o->exp || obj_export_readonly(c, o->exp))
		return NFS4ERR_ROFS;
	return NFS4_OK;
}

NFS4_OP(create)
{
	uint32_t type, major, minor, attrset[FATTR4_WORDS] = { 0 };
	char name[LNFS_MAX_NAME + 1], target[LNFS_MAX_LINK + 1];
	struct create_req cr;
	struct attr_set *as = NULL;
	struct xdr_view link;
	uint64_t before;
	nfsstat4 r;
	int fd;

	memset(&cr, 0, sizeof(cr));
	if (!xdr_get_u32(args, &type))
		return NFS4ERR_BADXDR;
	switch (type) {
	case NF4LNK:
		if (!xdr_get_opaque(args, UINT32_MAX, &link))
			return NFS4ERR_BADXDR;
		if (link.len == 0)
			return NFS4ERR_INVAL;
		if (link.len > LNFS_MAX_LINK)
			return NFS4ERR_NAMETOOLONG;
		if (memchr(link.data, 0, link.len))
			return NFS4ERR_BADCHAR;
		memcpy(target, link.data, link.len);
		target[link.len] = 0;
		cr.type = S_IFLNK;
		cr.target = target;
		break;
	case NF4BLK:
	case NF4CHR:
		if (!xdr_get_u32(args, &major) || !xdr_get_u32(args, &minor))
			return NFS4ERR_BADXDR;
		cr.type = type == NF4BLK ? S_IFBLK : S_IFCHR;
		cr.rdev = makedev(major, minor);
		break;
	case NF4SOCK:
		cr.type = S_IFSOCK;
		break;
	case NF4FIFO:
		cr.type = S_IFIFO;
		break;
	case NF4DIR:
		cr.type = S_IFDIR;
		break;
	case NF4REG:
	case NF4ATTRDIR:
	case NF4NAMEDATTR:
		return NFS4ERR_BADTYPE;
	default:
		return NFS4ERR_BADXDR;
	}
	r = obj_get_name(args, name);
	if (r != NFS4_OK)
		return r;
	as = malloc(sizeof(*as));
	if (!as)
		return NFS4ERR_DELAY;
	r = attr_decode_set(c, c->cur.exp, args, as);
	if (r != NFS4_OK)
		goto out;
	r = want_writable_dir(c, &c->cur);
	if (r != NFS4_OK)
		goto out;
	if (obj_name_hidden(name)) {
		r = NFS4ERR_ACCESS;
		goto out;
	}
	if (attr_isset(as->mask, FATTR4_SEC_LABEL)) {
		r = label_check(c, c->cur.exp, &as->label);
		if (r != NFS4_OK)
			goto out;
	}
	cr.attrs = as;
	before = dir_change(c->cur.fd);
	r = create_object(c, c->cur.exp, c->cur.fd, name, &cr, &fd, NULL, attrset);
	if (r != NFS4_OK)
		goto out;
	put_cinfo(res, before, dir_change(c->cur.fd));
	nfs4_enc_bitmap4(res, attrset, FATTR4_WORDS);
	/* the new object becomes the current filehandle */
	fh_learn(c->exports, c->cur.exp, c->cur.fd, name, fd);
	r = obj_set_child(c, &c->cur, c->cur.exp, c->cur.fd, fd);
out:
	free(as);
	return r;
}

NFS4_OP(remove)
{
	char name[LNFS_MAX_NAME + 1];
	uint64_t before;
	struct stat st;
	nfsstat4 r;
	int fg, e;

	r = obj_get_name(args, name);
	if (r != NFS4_OK)
		return r;
	r = want_writable_dir(c, &c->cur);
	if (r != NFS4_OK)
		return r;
	if (obj_name_hidden(name))
		return NFS4ERR_NOENT;
	if (fstatat(c->cur.fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return nfs4_errno(errno);
	before = dir_change(c->cur.fd);
	/* a symlink or special file may have fallback-store labels (lfs.h) */
	fg = label_forget_begin(c, c->cur.fd, name);
	e = unlinkat(c->cur.fd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 ? errno : 0;
	label_forget_end(c, fg, e == 0);
	if (e)
		return e == EEXIST ? NFS4ERR_NOTEMPTY : nfs4_errno(e);
	if (S_ISDIR(st.st_mode) || st.st_nlink <= 1)
		fh_forget(c->exports, c->cur.exp, st.st_ino); /* index handles (export.h) */
	put_cinfo(res, before, dir_change(c->cur.fd));
	return NFS4_OK;
}

NFS4_OP(rename)
{
	char oldname[LNFS_MAX_NAME + 1], newname[LNFS_MAX_NAME + 1];
	uint64_t sb, tb;
	nfsstat4 r;
	int fg, e;

	r = obj_get_name(args, oldname);
	if (r != NFS4_OK)
		return r;
	r = obj_get_name(args, newname);
	if (r != NFS4_OK)
		return r;
	if (!c->saved.set)
		return NFS4ERR_NOFILEHANDLE;
	r = want_writable_dir(c, &c->saved);
	if (r != NFS4_OK)
		return r;
	r = want_writable_dir(c, &c->cur);
	if (r != NFS4_OK)
		return r;
	if (c->saved.exp != c->cur.exp)
		return NFS4ERR_XDEV;
	if (obj_name_hidden(oldname))
		return NFS4ERR_NOENT;
	if (obj_name_hidden(newname))
		return NFS4ERR_ACCESS;
	sb = dir_change(c->saved.fd);
	tb = dir_change(c->cur.fd);
	/* an existing target may have fallback-store labels (lfs.h) */
	fg = label_forget_begin(c, c->cur.fd, newname);
	e = renameat(c->saved.fd, oldname, c->cur.fd, newname) < 0 ? errno : 0;
	label_forget_end(c, fg, e == 0);
	if (e) {
		switch (e) {
		case EISDIR:
		case ENOTDIR:
		case ENOTEMPTY:
			/* RFC 8881 §18.26.4: an incompatible existing target */
			return NFS4ERR_EXIST;
		case EINVAL:
			return NFS4ERR_INVAL; /* a directory into itself */
		default:
			return nfs4_errno(e);
		}
	}
	/* index handles (export.h) follow the object to its new name */
	fh_learn(c->exports, c->cur.exp, c->cur.fd, newname, -1);
	put_cinfo(res, sb, dir_change(c->saved.fd));
	put_cinfo(res, tb, dir_change(c->cur.fd));
	return NFS4_OK;
}

NFS4_OP(link)
{
	char name[LNFS_MAX_NAME + 1], proc[64];
	struct stat st;
	uint64_t before;
	nfsstat4 r;

	r = obj_get_name(args, name);
	if (r != NFS4_OK)
		return r;
	if (!c->saved.set)
		return NFS4ERR_NOFILEHANDLE;
	r = want_writable_dir(c, &c->cur);
	if (r != NFS4_OK)
		return r;
	if (!c->saved.exp)
		return NFS4ERR_ISDIR;
	if (c->saved.exp != c->cur.exp)
		return NFS4ERR_XDEV;
	if (fstat(c->saved.fd, &st) < 0)
		return nfs4_errno(errno);
	if (S_ISDIR(st.st_mode))
		return NFS4ERR_ISDIR;
	if (obj_name_hidden(name))
		return NFS4ERR_ACCESS;
	before = dir_change(c->cur.fd);
	snprintf(proc, sizeof(proc), "/proc/thread-self/fd/%d", c->saved.fd);
	if (linkat(AT_FDCWD, proc, c->cur.fd, name, AT_SYMLINK_FOLLOW) < 0)
		return nfs4_errno(errno);
	fh_learn(c->exports, c->cur.exp, c->cur.fd, name, c->saved.fd);
	put_cinfo(res, before, dir_change(c->cur.fd));
	return NFS4_OK;
}
