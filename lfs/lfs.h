/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfs.h - the label store: where each label domain keeps its sec_label
 * (RFC 7862 §12.2.4: LFS, PI, opaque data) on the host file system, and the
 * only code that reads or writes those extended attributes.  It knows
 * nothing of NFS: callers pass a struct cfg_domain (borrowed; the caller
 * holds the cfg reference) and a descriptor, and get 0 or -errno back, which
 * the protocol layer turns into NFS4ERR_* per operation.
 *
 * Storage.  Each domain has one host xattr (cfg_domain.xattr, resolved by
 * config/).  Its value is either
 *   framed (CFG_XATTR_FRAMED): a 12-byte header then the label bytes:
 *       byte 0-1  magic 'L' 'N'
 *       byte 2    version (LFS_FRAME_VERSION = 1)
 *       byte 3    flags: 0, or LFS_FRAME_F_TAG (0x01) with a tag after
 *                 the label; any other bit is corrupt
 *       byte 4-7  LFS, big endian
 *       byte 8-11 PI, big endian
 *       byte 12-  label, 1..NFS4_MAXLABELLEN bytes, stored exactly
 *       last 8    the integrity tag, only when flags has LFS_FRAME_F_TAG
 *     so GETATTR returns the LFS and PI a client set;
 *   raw (CFG_XATTR_RAW): the bare label followed by one NUL, as the kernel
 *     stores security.selinux and virtiofsd its remapped names, so other
 *     software reads it directly.  On read one trailing NUL is removed if
 *     present; LFS and PI are reported as the domain's default-lfs and
 *     default-pi (an accepted but different LFS/PI given to lfs_set() is
 *     therefore not kept).
 * A stored value that does not parse (short, bad magic/version/flags, empty
 * label, label longer than NFS4_MAXLABELLEN) is -EBADMSG.  Reads do not apply
 * the domain's max-label (it may have been lowered after the label was set).
 *
 * Integrity (cfg_domain.integrity, cfg.h "integrity"; framed only).  When
 * a domain's integrity is not off, lfs_set() stores flags LFS_FRAME_F_TAG
 * and appends an 8-byte tag: SipHash-2-4 (a PRF made for short inputs; a
 * 64-bit tag cannot be found by trial through GETATTR) keyed with the
 * 128-bit key in STATE_DIR/label.key (16 random bytes, mode 0600, created
 * on first use; lfs_key_init()), over, in this order:
 *   "lnfsd label tag v1" and its NUL; the domain name's length (1) and
 *   bytes; the object's inode number (8, big endian); then 'h', the host
 *   handle type (4) and length (4) and bytes from name_to_handle_at() (the
 *   handle carries the inode generation), or, without handles, 'b' and the
 *   birth time seconds (8) and nanoseconds (8) (0 without birth time); LFS
 *   (4), PI (4), label length (8), label.  The tag is stored big endian.
 * st_dev is left out (not stable across reboots).  lfs_get() of such a
 * domain returns -EKEYREJECTED, with out holding the stored label, for a
 * value without the flag, a wrong tag (label, LFS or PI edited; value
 * copied from another object or from another domain's xattr) or a missing
 * key; lfs_integrity_action() then applies the domain's action.  Not
 * detected: removal of the xattr (the default is served), replay of an
 * older tagged value of the same object and domain.  Objects restored from
 * a copy (new inode, new handle) fail verification: set their labels again.
 * A domain with integrity off reads tagged values without checking them.
 * Fallback store entries (below) live in the root-only state-dir and carry
 * no tag.
 *
 * Descriptors.  fd may be any descriptor of the object, including O_PATH
 * (with O_NOFOLLOW, of a symlink itself).  fgetxattr() fails with EBADF on
 * O_PATH descriptors, so the calls go through "/proc/self/fd/N" with the
 * *following* getxattr()/setxattr()/removexattr(): following that magic link
 * lands on the object the descriptor refers to, a symlink included, while
 * the l*xattr() variants would address the /proc link itself (ENODATA or
 * EOPNOTSUPP).  /proc must be mounted.  Linux refuses user.* xattrs on
 * anything but regular files and directories: writes give -EPERM, reads
 * -ENODATA; trusted.* (CAP_SYS_ADMIN) works on every inode type.
 *
 * Privilege.  trusted.* and security.* need CAP_SYS_ADMIN; this file's
 * implementation (lfs_xattr.c) is the only caller of the xattr syscalls for
 * labels so that it can move to a privileged helper later.  Nothing here
 * ever touches a name that is not some domain's configured xattr, so the
 * host's own security.selinux is used only when a domain names it.
 */
#ifndef LNFSD_LFS_H
#define LNFSD_LFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "xdr/nfs4_prot.h"

#define LFS_FRAME_MAGIC0 'L'
#define LFS_FRAME_MAGIC1 'N'
#define LFS_FRAME_VERSION 1
#define LFS_FRAME_HDR 12
#define LFS_FRAME_F_TAG 0x01	/* flags: an integrity tag follows the label */
#define LFS_TAG_LEN 8
/* Largest untagged stored value: header + label (raw needs label + NUL). */
#define LFS_VALUE_MAX (LFS_FRAME_HDR + NFS4_MAXLABELLEN)
/* Largest stored value of all, a tagged one. */
#define LFS_VALUE_MAX_TAGGED (LFS_VALUE_MAX + LFS_TAG_LEN)

struct lfs_label {
	uint32_t lfs;
	uint32_t pi;
	uint32_t len;		/* bytes used in data */
	uint8_t data[NFS4_MAXLABELLEN];
};

/* ---- names and checks (lfs_name.c; no system calls) ---- */

/*
 * The host xattr name holding (d, lfs, pi): the domain's one name, since
 * LFS and PI travel inside the value.  Copies it into buf[buflen]; returns
 * its length, -EPROTO if the domain does not accept lfs/pi, -ENAMETOOLONG
 * if buf is too small.
 */
int lfs_name(const struct cfg_domain *d, uint32_t lfs, uint32_t pi,
	     char *buf, size_t buflen);
/* True if the domain accepts this LFS and PI. */
bool lfs_accepts(const struct cfg_domain *d, uint32_t lfs, uint32_t pi);
/*
 * True if name is the storage name of any domain of cfg, or lies under the
 * reserved "trusted.lnfs." prefix: such names must be hidden from and
 * refused to the RFC 8276 xattr operations.
 */
bool lfs_is_label_xattr(const struct cfg *cfg, const char *name);
/*
 * Checks l against d, in this order: LFS/PI accepted (-EPROTO, the caller
 * answers NFS4ERR_BADLABEL), length 0 (-EINVAL), longer than max_label
 * (-E2BIG), format for selinux domains (-EINVAL), a valid context in the
 * domain's policy when it has one (-EINVAL).  0 if acceptable.  Does not
 * look at read_only (lfs_set() does).
 */
int lfs_validate(const struct cfg_domain *d, const struct lfs_label *l);
/* Fills out with d's default label, default-lfs and default-pi. */
void lfs_default(const struct cfg_domain *d, struct lfs_label *out);
/*
 * The stored value for l in d's xattr format into buf[buflen]; returns its
 * length or -ENOSPC.  No validation.
 */
int lfs_encode(const struct cfg_domain *d, const struct lfs_label *l,
	       uint8_t *buf, size_t buflen);
/* Parses a stored value; 0 or -EBADMSG.  A tag, if any, is not checked. */
int lfs_decode(const struct cfg_domain *d, const uint8_t *val, size_t len,
	       struct lfs_label *out);
/* As lfs_encode() with flags LFS_FRAME_F_TAG and tag appended (framed
 * only: -EINVAL for raw). */
int lfs_encode_tagged(const struct cfg_domain *d, const struct lfs_label *l,
		      const uint8_t tag[LFS_TAG_LEN], uint8_t *buf,
		      size_t buflen);
/* As lfs_decode(); *tagged (may be NULL) says whether the value carried a
 * tag, copied into tag (may be NULL). */
int lfs_decode_tagged(const struct cfg_domain *d, const uint8_t *val,
		      size_t len, struct lfs_label *out, bool *tagged,
		      uint8_t tag[LFS_TAG_LEN]);

/* ---- integrity tags (lfs_tag.c; see "Integrity" above) ---- */

/* Where the key lives: STATE_DIR/label.key, read (or created) on first
 * use.  Without it tags cannot be made (-ENOKEY). */
void lfs_key_init(const char *state_dir);
/* Uses key instead of the file (tests). */
void lfs_key_set(const uint8_t key[16]);
/* The tag of l as d's label of the object fd: 0, -ENOKEY / -errno when the
 * key cannot be loaded, -errno when fd cannot be identified. */
int lfs_tag(const struct cfg_domain *d, int fd, const struct lfs_label *l,
	    uint8_t tag[LFS_TAG_LEN]);
/*
 * After -EKEYREJECTED from a read with l the stored label: integrity = log
 * keeps l and returns 0; default replaces it with d's default and returns
 * 0; deny returns -EACCES (GETATTR: NFS4ERR_ACCESS).  The caller logs.
 */
int lfs_integrity_action(const struct cfg_domain *d, struct lfs_label *l);
/* SipHash-2-4 of data under key. */
uint64_t lfs_siphash24(const uint8_t key[16], const void *data, size_t len);

/* ---- storage (lfs_xattr.c; the only xattr syscalls for labels) ---- */

/* d's label of the object fd: 0, -ENODATA if none stored, -EBADMSG if the
 * stored value is corrupt, -EKEYREJECTED (out filled with the stored label)
 * if d has integrity and the value's tag is missing or wrong, other -errno
 * from the file system. */
int lfs_get(const struct cfg_domain *d, int fd, struct lfs_label *out);
/*
 * As lfs_get(), but when nothing is stored (-ENODATA) or the file system has
 * no xattrs (-EOPNOTSUPP) returns d's default label and sets *is_default
 * (which may be NULL).  Corrupt values and other errors are returned.
 */
int lfs_get_or_default(const struct cfg_domain *d, int fd,
		       struct lfs_label *out, bool *is_default);
/*
 * Stores l as d's label of fd, replacing any: -EROFS for a read-only domain,
 * then lfs_validate()'s errors, then lfs_tag()'s when d has integrity, then
 * -errno from the file system (-EPERM for user.* names on symlinks and
 * special files).
 */
int lfs_set(const struct cfg_domain *d, int fd, const struct lfs_label *l);
/* Removes d's label of fd; 0 also when none was stored; -EROFS if the
 * domain is read-only. */
int lfs_remove(const struct cfg_domain *d, int fd);

/* ---- the fallback store (lfs_fallback.c) ----
 *
 * Linux refuses user.* xattrs on symlinks, fifos, sockets and devices
 * (EPERM on write, ENODATA on read), so an unprivileged lnfsd (or any
 * domain whose xattr is a user.* name) could not label those objects.  For
 * them only, and only when the xattr write fails with EPERM or EOPNOTSUPP,
 * the label goes into a store of lnfsd's own: one directory
 * STATE_DIR/labels/, in it one directory per object named after the
 * object's key, in that one file per domain (named after the domain).
 *
 * Key: "h" + hex of the file system id (fstatfs f_fsid), the host file
 * handle type and bytes (name_to_handle_at(), which needs no privilege), so
 * renames and hard links keep the label and a new object never inherits an
 * old key (handles carry the inode generation); "i" + hex of st_dev and
 * st_ino when the file system has no handles.  Keys longer than 200 hex
 * digits are refused (-ENAMETOOLONG; no usual file system comes close).
 *
 * Entry file: "LNFB", version 1, three zero bytes, then big-endian inode
 * number (8), birth time seconds (8) and nanoseconds (4) (zero when the file
 * system has no birth time), LFS (4), PI (4), 8 zero bytes, label length
 * (4), label (48-byte header).  It
 * is written to a temporary name, fsync'd and renamed into place, so a crash
 * leaves the old or the new label, and it survives restarts.  A read whose
 * object's inode number or birth time differ from the entry's finds the
 * entry stale (the object was deleted on the host and its key reused):
 * the entry is removed then and -ENODATA returned.
 *
 * Host-side changes: a rename or hard link on the host keeps the label; a
 * host-side rm leaves the entry until it is found stale (or an "lnfs-label
 * reap" removes entries whose handles no longer open); REMOVE and
 * RENAME-over through NFS remove it (lfs_forget_begin()/lfs_forget_end()).
 * Copying the tree elsewhere (cp -a, rsync, tar) does not carry these
 * labels: use "lnfs-label export" first.
 */
struct lfs_fallback;

/* Opens (creating, mode 0700) STATE_DIR/labels: 0 or -errno. */
int lfs_fallback_open(const char *state_dir, struct lfs_fallback **out);
void lfs_fallback_close(struct lfs_fallback *fb);
/* The store's directory path (borrowed). */
const char *lfs_fallback_path(const struct lfs_fallback *fb);
/* d's entry for fd: 0, -ENODATA (none, or stale and now removed). */
int lfs_fallback_get(struct lfs_fallback *fb, const struct cfg_domain *d,
		     int fd, struct lfs_label *out);
/* Stores l (not validated here) as d's entry for fd. */
int lfs_fallback_set(struct lfs_fallback *fb, const struct cfg_domain *d,
		     int fd, const struct lfs_label *l);
/* Removes d's entry for fd; 0 also when there was none. */
int lfs_fallback_remove(struct lfs_fallback *fb, const struct cfg_domain *d,
			int fd);
/* Removes every domain's entry for fd (the object is gone). */
int lfs_forget(struct lfs_fallback *fb, int fd);
/*
 * Around an unlink or rename that may drop the last link of dirfd/name:
 * lfs_forget_begin() returns an O_PATH descriptor of the object when it may
 * have entries (fb set, not a regular file or directory), else -1;
 * lfs_forget_end() closes it, first forgetting the object's entries when
 * done is true and the object has no links left.  Both accept fb NULL.
 */
int lfs_forget_begin(struct lfs_fallback *fb, int dirfd, const char *name);
void lfs_forget_end(struct lfs_fallback *fb, int fd, bool done);
/*
 * Removes entries of fsid/handle keys that open_by_handle_at(mount_fd)
 * reports stale (needs CAP_DAC_READ_SEARCH: -EPERM otherwise).  Only keys of
 * mount_fd's file system are looked at.  Returns the number removed.
 */
/* Remove the temporary files (".tmp-*") a killed writer left in the store,
 * and key directories left empty; only while nothing else writes to the
 * store (lnfsd calls it at start).  The number removed, or -errno. */
int lfs_fallback_sweep_tmp(struct lfs_fallback *fb);
int lfs_fallback_reap(struct lfs_fallback *fb, int mount_fd);

/* ---- the whole store: xattr first, then the fallback (fb may be NULL) */

/* As lfs_get(); for symlinks and special files without the xattr, the
 * fallback entry. */
int lfs_read(struct lfs_fallback *fb, const struct cfg_domain *d, int fd,
	     struct lfs_label *out);
/* As lfs_set(); -EPERM/-EOPNOTSUPP on a symlink or special file with fb set
 * stores into the fallback instead. */
int lfs_write(struct lfs_fallback *fb, const struct cfg_domain *d, int fd,
	      const struct lfs_label *l);
/* As lfs_remove(), and removes the fallback entry too. */
int lfs_erase(struct lfs_fallback *fb, const struct cfg_domain *d, int fd);

/* ---- translation (lfs_translate.c; see cfg.h "Translation") ---- */

enum lfs_origin_kind {
	LFS_ORIGIN_STORED = 0,	/* the domain's own stored label */
	LFS_ORIGIN_TRANSLATED,	/* mapped from a source domain's label */
	LFS_ORIGIN_DEFAULT,	/* nothing stored anywhere: the default */
	LFS_ORIGIN_UNMAPPED,	/* a source label no rule maps: the default */
};

struct lfs_origin {
	enum lfs_origin_kind kind;
	const struct cfg_domain *from;	/* source domain, TRANSLATED/UNMAPPED */
	unsigned int line;		/* table line of the rule, TRANSLATED */
};

/*
 * Maps in, a label stored in domain from, into to's label out with to's
 * table: 0 and *line (may be NULL) the rule's line; -ENOENT when no rule
 * matches (or to has no table); -EINVAL when the first matching rule's
 * result is not acceptable to to (lfs_validate()).  No system calls.
 */
int lfs_translate(const struct cfg_domain *to, const struct cfg_domain *from,
		  const struct lfs_label *in, struct lfs_label *out,
		  unsigned int *line);
/*
 * d's label of fd for a reader in d: the stored one, else the first source
 * domain's (translate-from order) stored label translated, else d's
 * default.  A source label that cannot be mapped gives the default, or
 * -EACCES when d has translate-unmapped = deny.  -EBADMSG when d's own
 * stored value is corrupt, -EKEYREJECTED (out: the stored label) when its
 * integrity tag is missing or wrong (corrupt or untagged source values are
 * skipped); other -errno from the file system.  origin may be NULL.  Never writes.
 */
int lfs_get_translated(struct lfs_fallback *fb, const struct cfg_domain *d,
		       int fd, struct lfs_label *out,
		       struct lfs_origin *origin);

#endif /* LNFSD_LFS_H */
