/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * label.h - sec_label (NFSv4.2 attribute 80, RFC 7862 §12.2.4) as the
 * protocol code sees it: the caller's label domain, the label it reads and
 * the label it sets.  The storage itself (xattr names, formats, privileges)
 * belongs to lfs/; this layer picks the domain for the request and maps lfs
 * errors to nfsstat4.
 */
#ifndef LNFSD_LABEL_H
#define LNFSD_LABEL_H

#include <stdbool.h>
#include <stdint.h>

#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

struct compound;
struct export;

struct nfs_label {
	uint32_t lfs;
	uint32_t pi;
	uint32_t len;
	uint8_t data[NFS4_MAXLABELLEN];
};

/* sec_label is offered for this export to this request: minor version 2
 * and labels switched on for the export and the client. */
bool label_enabled(const struct compound *c, const struct export *x);

/* The caller's domain's label of the object open as fd (O_PATH), or the
 * domain's default when none is stored.  mode: the object's st_mode if the
 * caller has it, else 0; a regular file or directory is never looked up
 * in the fallback store (which holds labels of special files only), which
 * saves an fstat() per unlabelled object. */
nfsstat4 label_get(const struct compound *c, const struct export *x, int fd,
		   unsigned int mode, struct nfs_label *out);
/* Check a label the client sent without storing it: NFS4ERR_BADLABEL if the
 * domain does not accept its LFS/PI, length or format, NFS4ERR_ACCESS if the
 * domain's labels are read-only. */
nfsstat4 label_check(const struct compound *c, const struct export *x, const struct nfs_label *l);
/* Store l as the caller's domain's label of fd (O_PATH is fine). */
nfsstat4 label_set(const struct compound *c, const struct export *x, int fd,
		   const struct nfs_label *l);
/* For a new, still invisible object fd: every label-required domain
 * (cfg.h) gets its default label stored, so that a label missing later
 * means it was removed; except the caller's own domain when the creation
 * carried a label (labelled), and domains that translate from others (an
 * own label would hide the translation).  Other domains: nothing. */
nfsstat4 label_store_required(const struct compound *c, int fd, bool labelled);

/*
 * Around an unlink or rename in directory dirfd that may drop the last link
 * of name: the fallback label store's entries of a symlink or special file
 * go with it (lfs_forget_begin()/lfs_forget_end(), the store used with
 * filesystem uid 0 as every label access).  begin returns a descriptor or
 * -1 for end, which must always be called; done: the unlink succeeded.
 */
int label_forget_begin(const struct compound *c, int dirfd, const char *name);
void label_forget_end(const struct compound *c, int fd, bool done);

/* Decode a sec_label4 from x into l: NFS4ERR_BADXDR when truncated,
 * NFS4ERR_BADLABEL when longer than NFS4_MAXLABELLEN. */
nfsstat4 label_decode(struct xdr_in *x, struct nfs_label *l);
bool label_encode(struct xdr_out *x, const struct nfs_label *l);

#endif
