/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fh.h - NFSv4 file handles.  A wire handle is opaque to clients; inside it
 * says which export (or the pseudo-filesystem) it belongs to and carries the
 * host's name_to_handle_at() bytes, so it survives a server restart.
 */
#ifndef LNFSD_FH_H
#define LNFSD_FH_H

#include <stdint.h>

#include "xdr/nfs4_prot.h"

struct nfs_fh {
	uint32_t len;
	uint8_t data[NFS4_FHSIZE];
};

#endif
