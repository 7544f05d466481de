/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_xattr.c - RFC 8276 extended attributes: GETXATTR, SETXATTR,
 * LISTXATTRS and REMOVEXATTR (§8.4.1-§8.4.4, NFSv4.2 only), plus the
 * xattr_support attribute and the ACCESS4_XA* bits (xattr.h).
 *
 * The protocol carries only the user namespace (RFC 8276 §5): a key on the
 * wire is the host name without its "user." prefix, so no other namespace
 * can be named, and LISTXATTRS shows only user.* names, stripped.  Inside
 * that namespace the names that store labels (a domain's configured xattr,
 * see lfs_is_label_xattr(), and the whole "user.<word>." family such a name
 * belongs to) do not exist for clients: they are skipped by LISTXATTRS,
 * GETXATTR and REMOVEXATTR answer NFS4ERR_NOXATTR, and SETXATTR is refused
 * with NFS4ERR_PERM (RFC 8881 §15.1.6.2: not permitted for anyone, whatever
 * the mode bits say, which NFS4ERR_ACCESS would suggest).  The same answer
 * comes whether or not the host holds the name, so nothing leaks.
 *
 * Objects are reached through their O_PATH descriptors as "/proc/self/fd/N"
 * with the following getxattr()/setxattr()/listxattr()/removexattr(), which
 * land on the object itself (lfs.h explains why).  Linux keeps user.* only
 * on regular files and directories; elsewhere this server answers what
 * knfsd answers there (the host's own errors): GETXATTR NFS4ERR_NOXATTR,
 * SETXATTR and REMOVEXATTR NFS4ERR_PERM, LISTXATTRS an empty list.  The
 * pseudo-fs has no xattrs (xattr_support is false there): NFS4ERR_NOTSUPP.
 * Permissions follow the kernel's rule for user.*: read access to get or
 * list, write access to set or remove, and in a sticky directory only its
 * owner may write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config/cfg.h"
#include "lfs/lfs.h"
#include "server/attr.h"
#include "server/export.h"
#include "server/limits.h"
#include "server/obj.h"
#include "server/ops.h"
#include "server/srv.h"
#include "server/xattr.h"

#define USER_PREFIX "user."
#define USER_PREFIX_LEN 5
/* a host name: "user." + key + NUL */
#define HOST_NAME_SIZE (USER_PREFIX_LEN + LNFS_MAX_XATTR_KEY + 1)
/* "/proc/self/fd/" + an int + NUL */
#define PROC_PATH_SIZE 48
/* attempts when a value grows between sizing and reading it */
#define GET_TRIES 4

#define ACCESS4_XA_ALL (ACCESS4_XAREAD | ACCESS4_XAWRITE | ACCESS4_XALIST)

static void proc_path(int fd, char *buf)
{
	snprintf(buf, PROC_PATH_SIZE, "/proc/thread-self/fd/%d", fd);
}

/* Linux refuses user.* on anything but regular files and directories
 * (fs/xattr.c xattr_permission()). */
static bool holds_user_xattrs(mode_t mode)
{
	return S_ISREG(mode) || S_ISDIR(mode);
}

/*
 * A host name that must stay invisible: a label domain's storage xattr, or
 * any name in the "user.<word>." family of a domain that keeps labels under
 * user.*.  virtiofsd stacks one such prefix per nesting level
 * ("user.virtiofs.user.virtiofs.security.selinux" for a nested guest) and
 * remaps a guest's privileged xattrs under it, so a client that could write
 * anywhere in the family could forge the label of some other domain level.
 * Only exact names are reserved for a domain whose xattr has no second dot.
 */
static bool name_reserved(const struct cfg *cfg, const char *name)
{
	unsigned int i;

	if (lfs_is_label_xattr(cfg, name))
		return true;
	for (i = 0; i < cfg->ndomains; i++) {
		const char *x = cfg->domains[i].xattr;
		const char *dot;

		if (strncmp(x, USER_PREFIX, USER_PREFIX_LEN) != 0)
			continue;
		dot = strchr(x + USER_PREFIX_LEN, '.');
		if (dot && strncmp(name, x, (size_t)(dot - x) + 1) == 0)
			return true;
	}
	return false;
}

/* A host name a client may see: user.*, not empty after the prefix, not
 * reserved. */
static bool name_visible(const struct cfg *cfg, const char *name)
{
	return strncmp(name, USER_PREFIX, USER_PREFIX_LEN) == 0 && name[USER_PREFIX_LEN] &&
	       strlen(name) - USER_PREFIX_LEN <= LNFS_MAX_XATTR_KEY && !name_reserved(cfg, name);
}

/*
 * xattrkey4 (a component4, RFC 8276 §8.4): empty is NFS4ERR_INVAL, longer
 * than the host allows once "user." is added NFS4ERR_NAMETOOLONG, a NUL
 * (which no host name can hold) NFS4ERR_BADCHAR, as for other component
 * names (obj_get_name()).  '/' is a legal xattr name byte.  Copied into
 * buf[HOST_NAME_SIZE] as the host name, "user." + key.
 */
static nfsstat4 dec_xattrkey4(struct xdr_in *x, char *buf)
{
	struct xdr_view v;

	if (!xdr_get_opaque(x, UINT32_MAX, &v))
		return NFS4ERR_BADXDR;
	if (v.len == 0)
		return NFS4ERR_INVAL;
	if (v.len > LNFS_MAX_XATTR_KEY)
		return NFS4ERR_NAMETOOLONG;
	if (memchr(v.data, 0, v.len))
		return NFS4ERR_BADCHAR;
	memcpy(buf, USER_PREFIX, USER_PREFIX_LEN);
	memcpy(buf + USER_PREFIX_LEN, v.data, v.len);
	buf[USER_PREFIX_LEN + v.len] = 0;
	return NFS4_OK;
}

/* Errors of the host xattr calls; the rest as for other operations. */
static nfsstat4 xattr_errno(int err)
{
	switch (err) {
	case ENODATA:
		return NFS4ERR_NOXATTR;
	case E2BIG:
	case ERANGE:
		/* a value (or a list) beyond what the host can hold */
		return NFS4ERR_XATTR2BIG;
	case ENOTSUP:
		return NFS4ERR_NOTSUPP;
	default:
		return nfs4_errno(err);
	}
}

/* The current object of an xattr op and its stat. */
static nfsstat4 xattr_obj(struct compound *c, struct stat *st)
{
	if (!c->cur.exp)
		return NFS4ERR_NOTSUPP;
	return obj_stat(c, &c->cur, st);
}

static bool may_read(const struct compound *c, const struct stat *st)
{
	return obj_perms(c, st) & 4;
}

/* Write access to the object's user xattrs: NFS4_OK, NFS4ERR_ACCESS
 * without write permission, NFS4ERR_PERM in a sticky directory the caller
 * does not own (the kernel's rule for user.*). */
static nfsstat4 may_write(const struct compound *c, const struct stat *st)
{
	const struct rpc_cred *cr = &c->call->cred;

	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && cr->uid != 0 &&
	    cr->uid != st->st_uid)
		return NFS4ERR_PERM;
	return (obj_perms(c, st) & 2) ? NFS4_OK : NFS4ERR_ACCESS;
}

/* The change attribute (as attr.c derives it, from ctime) for change_info4. */
static uint64_t change_of(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_CTIME, &stx) < 0)
		return 0;
	return (uint64_t)stx.stx_ctime.tv_sec * 1000000000ull + stx.stx_ctime.tv_nsec;
}

static void put_cinfo(struct xdr_out *res, uint64_t before, uint64_t after)
{
	xdr_put_bool(res, false); /* other host processes may change it between */
	xdr_put_u64(res, before);
	xdr_put_u64(res, after);
}

bool xattr_fs_supported(const struct export *x, int fd, mode_t mode)
{
	char path[PROC_PATH_SIZE];

	if (!x)
		return false;
	/* symlinks and special files always answer ENODATA for user.*:
	 * ask their file system through the export root (the server never
	 * crosses mount points, so it is the same file system) */
	proc_path(holds_user_xattrs(mode) && fd >= 0 ? fd : x->root_fd, path);
	if (getxattr(path, USER_PREFIX "lnfsd-probe", NULL, 0) >= 0)
		return true;
	/* only a file system without a user.* handler says ENOTSUP */
	return errno != ENOTSUP;
}

void xattr_access(const struct compound *c, const struct stat *st, uint32_t want,
		  uint32_t *supported, uint32_t *granted)
{
	uint32_t g = 0;

	*supported = 0;
	*granted = 0;
	if (c->minorversion < 2 || !c->cur.exp || !(want & ACCESS4_XA_ALL) ||
	    !holds_user_xattrs(st->st_mode) ||
	    !xattr_fs_supported(c->cur.exp, c->cur.fd, st->st_mode))
		return;
	*supported = want & ACCESS4_XA_ALL;
	if (may_read(c, st))
		g |= ACCESS4_XAREAD | ACCESS4_XALIST;
	if (!obj_export_readonly(c, c->cur.exp) && may_write(c, st) == NFS4_OK)
		g |= ACCESS4_XAWRITE;
	*granted = g & *supported;
}

/* RFC 8276 §8.4.1: GETXATTR4args { xattrkey4 gxa_name; },
 * GETXATTR4resok { xattrvalue4 gxr_value; }. */
NFS4_OP(getxattr)
{
	char name[HOST_NAME_SIZE], path[PROC_PATH_SIZE];
	struct stat st;
	ssize_t len, n;
	size_t pos;
	uint8_t *p;
	nfsstat4 r;
	int i;

	r = dec_xattrkey4(args, name);
	if (r != NFS4_OK)
		return r;
	r = xattr_obj(c, &st);
	if (r != NFS4_OK)
		return r;
	if (!holds_user_xattrs(st.st_mode))
		return NFS4ERR_NOXATTR;
	if (!may_read(c, &st))
		return NFS4ERR_ACCESS;
	if (name_reserved(c->snap->cfg, name))
		return NFS4ERR_NOXATTR;
	proc_path(c->cur.fd, path);
	for (i = 0; i < GET_TRIES; i++) {
		len = getxattr(path, name, NULL, 0);
		if (len < 0)
			return xattr_errno(errno);
		if ((size_t)len > LNFS_MAX_XATTR_VALUE)
			return NFS4ERR_XATTR2BIG;
		/* read straight into the reply; a value larger than the
		 * session's reply limit overflows it and the loop answers
		 * NFS4ERR_REP_TOO_BIG (RFC 8881 §2.10.6.4) */
		pos = xdr_out_pos(res);
		p = xdr_reserve(res, 4 + XDR_PAD(len));
		if (!p)
			return NFS4ERR_RESOURCE;
		n = getxattr(path, name, p + 4, (size_t)len);
		if (n >= 0 && n <= len) {
			memset(p + 4 + n, 0, XDR_PAD(n) - (size_t)n);
			xdr_set_u32_at(res, pos, (uint32_t)n);
			xdr_truncate(res, pos + 4 + XDR_PAD(n));
			return NFS4_OK;
		}
		xdr_truncate(res, pos);
		/* anything but growth between the two calls is final */
		if (n < 0 && errno != ERANGE)
			return xattr_errno(errno);
	}
	return NFS4ERR_DELAY;
}

/* RFC 8276 §8.4.2: SETXATTR4args { setxattr_option4 sxa_option; xattrkey4
 * sxa_key; xattrvalue4 sxa_value; }, SETXATTR4resok { change_info4
 * sxr_info; }.  CREATE fails with NFS4ERR_EXIST on an existing key, REPLACE
 * with NFS4ERR_NOXATTR on a missing one; the host's XATTR_CREATE and
 * XATTR_REPLACE make both checks atomic with the write. */
NFS4_OP(setxattr)
{
	char name[HOST_NAME_SIZE], path[PROC_PATH_SIZE];
	struct xdr_view val;
	struct stat st;
	uint32_t option;
	uint64_t before;
	nfsstat4 r;
	int flags;

	if (!xdr_get_u32(args, &option))
		return NFS4ERR_BADXDR;
	r = dec_xattrkey4(args, name);
	if (r != NFS4_OK)
		return r;
	if (!xdr_get_opaque(args, UINT32_MAX, &val))
		return NFS4ERR_BADXDR;
	if (option > SETXATTR4_REPLACE)
		return NFS4ERR_INVAL;
	if (val.len > LNFS_MAX_XATTR_VALUE)
		return NFS4ERR_XATTR2BIG;
	r = xattr_obj(c, &st);
	if (r != NFS4_OK)
		return r;
	if (obj_export_readonly(c, c->cur.exp))
		return NFS4ERR_ROFS;
	if (!holds_user_xattrs(st.st_mode))
		return NFS4ERR_PERM;
	r = may_write(c, &st);
	if (r != NFS4_OK)
		return r;
	if (name_reserved(c->snap->cfg, name))
		return NFS4ERR_PERM;
	flags = option == SETXATTR4_CREATE ? XATTR_CREATE :
		option == SETXATTR4_REPLACE ? XATTR_REPLACE : 0;
	proc_path(c->cur.fd, path);
	before = change_of(c->cur.fd);
	if (setxattr(path, name, val.data, val.len, flags) < 0)
		return errno == EEXIST ? NFS4ERR_EXIST : xattr_errno(errno);
	put_cinfo(res, before, change_of(c->cur.fd));
	return NFS4_OK;
}

/*
 * RFC 8276 §8.4.3: LISTXATTRS4args { nfs_cookie4 lxa_cookie; count4
 * lxa_maxcount; }, LISTXATTRS4resok { nfs_cookie4 lxr_cookie; xattrkey4
 * lxr_names<>; bool lxr_eof; }.  lxa_maxcount bounds the whole resok, XDR
 * overhead included; if not even one name fits: NFS4ERR_TOOSMALL.  A
 * cookie is the number of visible names already returned (0 to start), so
 * one beyond the current count is NFS4ERR_BAD_COOKIE; a list that changes
 * between calls may repeat or skip names, as with knfsd.
 */
NFS4_OP(listxattrs)
{
	char path[PROC_PATH_SIZE];
	char *buf = NULL;
	struct stat st;
	uint64_t cookie, idx = 0, count = 0;
	uint32_t maxcount;
	size_t pos, used, need, len = 0, off, hlen, nlen;
	ssize_t n;
	bool eof = true;
	nfsstat4 r;

	if (!xdr_get_u64(args, &cookie) || !xdr_get_u32(args, &maxcount))
		return NFS4ERR_BADXDR;
	r = xattr_obj(c, &st);
	if (r != NFS4_OK)
		return r;
	if (!may_read(c, &st))
		return NFS4ERR_ACCESS;
	if (holds_user_xattrs(st.st_mode)) {
		buf = malloc(LNFS_MAX_XATTR_LIST);
		if (!buf)
			return NFS4ERR_DELAY;
		proc_path(c->cur.fd, path);
		n = listxattr(path, buf, LNFS_MAX_XATTR_LIST);
		if (n < 0) {
			r = xattr_errno(errno);
			free(buf);
			return r;
		}
		len = (size_t)n;
	}

	/* cookie, name count and eof: 16 bytes whatever the names */
	used = 16;
	if (used > maxcount) {
		free(buf);
		return NFS4ERR_TOOSMALL;
	}
	pos = xdr_out_pos(res);
	xdr_put_u64(res, 0);
	xdr_put_u32(res, 0);
	/* the host list is NUL-separated names, each NUL-terminated */
	for (off = 0; off < len; off += hlen + 1) {
		const char *name = buf + off;

		hlen = strnlen(name, len - off);
		if (hlen == len - off)
			break;
		if (!name_visible(c->snap->cfg, name))
			continue;
		if (idx++ < cookie)
			continue;
		nlen = hlen - USER_PREFIX_LEN;
		need = 4 + XDR_PAD(nlen);
		if (used + need > maxcount) {
			if (count == 0) {
				free(buf);
				return NFS4ERR_TOOSMALL;
			}
			eof = false;
			break;
		}
		if (count > 0 && xdr_out_room(res) < need + 4) {
			/* the session's reply limit: return what fits */
			eof = false;
			break;
		}
		xdr_put_opaque(res, name + USER_PREFIX_LEN, (uint32_t)nlen);
		used += need;
		count++;
	}
	free(buf);
	if (eof && cookie > idx)
		return NFS4ERR_BAD_COOKIE;
	xdr_put_bool(res, eof);
	if (res->overflow)
		return NFS4ERR_RESOURCE;
	cookie += count;
	xdr_set_u32_at(res, pos, (uint32_t)(cookie >> 32));
	xdr_set_u32_at(res, pos + 4, (uint32_t)cookie);
	xdr_set_u32_at(res, pos + 8, (uint32_t)count);
	return NFS4_OK;
}

/* RFC 8276 §8.4.4: REMOVEXATTR4args { xattrkey4 rxa_name; },
 * REMOVEXATTR4resok { change_info4 rxr_info; }. */
NFS4_OP(removexattr)
{
	char name[HOST_NAME_SIZE], path[PROC_PATH_SIZE];
	struct stat st;
	uint64_t before;
	nfsstat4 r;

	r = dec_xattrkey4(args, name);
	if (r != NFS4_OK)
		return r;
	r = xattr_obj(c, &st);
	if (r != NFS4_OK)
		return r;
	if (obj_export_readonly(c, c->cur.exp))
		return NFS4ERR_ROFS;
	if (!holds_user_xattrs(st.st_mode))
		return NFS4ERR_PERM;
	r = may_write(c, &st);
	if (r != NFS4_OK)
		return r;
	if (name_reserved(c->snap->cfg, name))
		return NFS4ERR_NOXATTR;
	proc_path(c->cur.fd, path);
	before = change_of(c->cur.fd);
	if (removexattr(path, name) < 0)
		return xattr_errno(errno);
	put_cinfo(res, before, change_of(c->cur.fd));
	return NFS4_OK;
}
