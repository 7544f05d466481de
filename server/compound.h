/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compound.h - the COMPOUND engine (RFC 8881 §15-16) and the per-request
 * context every operation handler receives.
 *
 * A handler is one function per operation, listed in the op table
 * (optab.c).  It gets the request context, a decode cursor positioned at its
 * arguments and the reply encoder positioned just after its status word.  It
 * decodes its own arguments (through a separate nfs4_dec_* function where the
 * arguments are more than a few words, so decoders can be fuzzed alone),
 * does the work, encodes its result body on success and returns an nfsstat4.
 * On error the loop truncates whatever the handler encoded, unless the op's
 * row has OPF_ENCODE_ON_ERROR (SETATTR's attrsset, LOCK's denied), and stops.
 * Handlers never write the status word themselves.
 */
#ifndef LNFSD_COMPOUND_H
#define LNFSD_COMPOUND_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc/rpc.h"
#include "server/cred.h"
#include "server/fh.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

struct srv;
struct client;
struct session;
struct slot;
struct export;

struct stateid4 {
	uint32_t seqid;
	uint8_t other[NFS4_OTHER_SIZE];
};

/* One object reached by a filehandle: the current or the saved one. */
struct cur_obj {
	bool set;               /* a filehandle has been put */
	struct nfs_fh fh;       /* the wire handle */
	struct export *exp;     /* borrowed from the config snapshot; NULL in the pseudo-fs */
	uint32_t pseudo_node;   /* pseudo-fs node index when exp == NULL */
	int fd;                 /* O_PATH descriptor, -1 until resolved; owned */
};

struct snapshot;
struct exports;

struct compound {
	struct srv *srv;              /* borrowed */
	struct snapshot *snap;        /* reference held for the whole compound */
	struct exports *exports;      /* == snap->exports */
	const struct rpc_call *call;  /* borrowed: credentials, peer, connection */
	uint32_t minorversion;        /* 1 or 2 */
	uint32_t op_index;            /* index of the op being run */
	uint32_t op_count;            /* ops in the request */
	uint32_t tag_len;             /* the request's tag, echoed in the reply */

	struct cur_obj cur;           /* current filehandle */
	struct cur_obj saved;         /* saved filehandle */

	/* RFC 8881 §16.2.3.1.2: the current stateid. */
	bool have_cur_stateid;
	struct stateid4 cur_stateid;

	/* Set by SEQUENCE (or CREATE_SESSION/EXCHANGE_ID for their client). */
	struct session *session;      /* reference held until the reply is sent */
	struct slot *slot;            /* the slot this request runs in */
	struct client *client;        /* the session's client, reference held */
	bool cachethis;               /* sa_cachethis */

	/* Limits from the session's fore channel (or defaults without one). */
	uint32_t max_resp_size;
	uint32_t max_ops;

	/* The principal client rule (cfg_match_principal) of an RPCSEC_GSS
	 * caller, found once before the first op when the configuration has
	 * principal rules; NULL otherwise.  Borrowed from snap. */
	const struct cfg_client *gss_rule;

	/* The filesystem identity the worker runs with (cred.h). */
	struct cred_state cred;

	/* Set by SEQUENCE when the request is a retry answered from the
	 * slot's reply cache: the loop sends these bytes as COMPOUND4res. */
	bool replay;
};

/* Flags of an op table row. */
enum {
	OPF_NEEDS_FH = 1u << 0,        /* NFS4ERR_NOFILEHANDLE without a current fh */
	OPF_FIRST_OK = 1u << 1,        /* may be the first op without SEQUENCE */
	OPF_ONLY_OP = 1u << 2,         /* if first without SEQUENCE, must be alone */
	OPF_MODIFIES = 1u << 3,        /* changes state on the server */
	OPF_ENCODE_ON_ERROR = 1u << 4, /* keep the result body on error */
	OPF_IS_SEQUENCE = 1u << 5,
	OPF_AS_SERVER = 1u << 6,       /* runs with the server's own identity
					* (handle resolution needs it) */
};

typedef nfsstat4 (*nfs4_op_fn)(struct compound *c, struct xdr_in *args, struct xdr_out *res);

struct nfs4_op_desc {
	const char *name;
	nfs4_op_fn handler;   /* NULL: the op is valid but not implemented */
	unsigned flags;
	uint32_t minor_min;   /* lowest minor version the op exists in */
};

/* The op table, indexed by op number; rows with a NULL handler answer
 * NFS4ERR_NOTSUPP (valid ops not implemented) after which the compound
 * stops. */
extern const struct nfs4_op_desc nfs4_optab[NFS4_OP_MAX];

/*
 * Run one COMPOUND whose arguments start at `args` (after the RPC header)
 * and append COMPOUND4res to `res`.  Returns false only when the arguments
 * cannot be decoded far enough to produce any reply (GARBAGE_ARGS).
 */
bool nfs4_compound(struct srv *srv, const struct rpc_call *call, struct xdr_in *args,
		   struct xdr_out *res);

/* Release a cur_obj's descriptor and clear it. */
void cur_obj_release(struct cur_obj *o);
/* Copy src into dst, duplicating the descriptor if src has one. */
void cur_obj_copy(struct cur_obj *dst, const struct cur_obj *src);

/* Decoders shared by several ops. */
bool nfs4_dec_stateid4(struct xdr_in *x, struct stateid4 *sid);
bool nfs4_enc_stateid4(struct xdr_out *x, const struct stateid4 *sid);
/* bitmap4: up to `max` words are kept, words beyond are checked to be zero
 * only if they fit; returns the number of words the client sent (may be
 * larger than max; extra words are consumed). */
bool nfs4_dec_bitmap4(struct xdr_in *x, uint32_t *words, uint32_t max, uint32_t *nwords);
bool nfs4_enc_bitmap4(struct xdr_out *x, const uint32_t *words, uint32_t nwords);

#endif
