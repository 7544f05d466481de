/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfs4_client.h - a small NFSv4.1/4.2 client for tests and benchmarks.
 *
 * Three layers, usable separately.  The compound builder (struct
 * nfs4_compound) encodes the argument ops of a COMPOUND with one typed helper
 * per op plus raw escape hatches for malformed input; the reply parser
 * (nfs4_parse_compound_res) walks a COMPOUND4res op by op through the
 * bounds-checked xdr_in cursor and yields typed results whose byte views
 * borrow the reply buffer.  Neither touches a socket, so both are unit-tested
 * on canned bytes.  The client (struct nfs4_client) owns one TCP connection:
 * it frames RPC calls (record marking, AUTH_SYS or AUTH_NONE), matches
 * replies by xid so many calls may be in flight, and runs the NFSv4.1 session
 * (EXCHANGE_ID, CREATE_SESSION, slot table, SEQUENCE prepended on submit).
 *
 * The client is single-threaded: one thread drives one struct nfs4_client;
 * use one client per thread.  Replies are only read inside nfs4_* calls.
 * Functions returning int use 0 for success and -errno for local or transport
 * failures; the session helpers additionally return a positive nfsstat4 when
 * the server answered with an error.
 */
#ifndef LNFSD_TESTS_NFS4_CLIENT_H
#define LNFSD_TESTS_NFS4_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

#define NFS4_BITMAP_WORDS 4	/* bitmap4 words kept; more on the wire is accepted if zero */
#define NFS4_SECINFO_MAX 8
#define NFS4_CLIENT_MAX_GIDS 16
#define NFS4_RPC_AUTH_NONE 0u
#define NFS4_RPC_AUTH_SYS 1u

/* ---------------------------------------------------------------- types */

struct nfs4_bitmap {
	uint32_t n;			/* words in use (0..NFS4_BITMAP_WORDS) */
	uint32_t w[NFS4_BITMAP_WORDS];
};

struct nfs4_fh {
	uint32_t len;
	uint8_t data[NFS4_FHSIZE];
};

struct nfs4_stateid {
	uint32_t seqid;
	uint8_t other[NFS4_OTHER_SIZE];
};

struct nfs4_time {
	int64_t sec;
	uint32_t nsec;
};

/* sec_label4 (RFC 7862 §12.2.4); data borrows the reply or caller buffer. */
struct nfs4_sec_label {
	uint32_t lfs;
	uint32_t pi;
	struct xdr_view data;
};

struct nfs4_change_info {
	bool atomic;
	uint64_t before;
	uint64_t after;
};

/*
 * A decoded fattr4.  `mask` says which fields are valid.  Views (owner,
 * owner_group, filehandle, sec_label.data) borrow the reply buffer.  If the
 * server returned an attribute this decoder does not know, decoding stops
 * there and `partial` is set (the surrounding reply stays parseable because
 * attrlist4 is length-delimited).
 */
struct nfs4_attrs {
	struct nfs4_bitmap mask;
	bool partial;
	struct nfs4_bitmap supported_attrs;
	struct nfs4_bitmap suppattr_exclcreat;
	uint32_t type;
	uint32_t fh_expire_type;
	uint64_t change;
	uint64_t size;
	bool link_support, symlink_support, named_attr, unique_handles;
	bool cansettime, case_insensitive, case_preserving, chown_restricted;
	bool no_trunc, homogeneous, hidden, system, archive, xattr_support;
	struct {
		uint64_t major, minor;
	} fsid;
	uint32_t lease_time;
	uint32_t rdattr_error;
	uint32_t aclsupport;
	uint32_t acl_count;		/* ACEs present (not decoded further) */
	struct xdr_view filehandle;
	uint64_t fileid;
	uint64_t files_avail, files_free, files_total;
	uint64_t maxfilesize;
	uint32_t maxlink, maxname;
	uint64_t maxread, maxwrite;
	uint32_t mode;
	uint32_t numlinks;
	struct xdr_view owner, owner_group;
	uint64_t quota_avail_hard, quota_avail_soft, quota_used;
	struct {
		uint32_t major, minor;
	} rawdev;
	uint64_t space_avail, space_free, space_total, space_used;
	struct nfs4_time time_access, time_backup, time_create, time_delta;
	struct nfs4_time time_metadata, time_modify;
	uint64_t mounted_on_fileid;
	uint32_t fs_layout_types_count;
	uint32_t layout_blksize;
	uint32_t fs_charset_cap;
	uint32_t clone_blksize;
	uint64_t space_freed;
	uint32_t change_attr_type;
	struct nfs4_sec_label sec_label;
	struct {
		uint32_t mode, umask;
	} mode_umask;
};

/*
 * Settable attributes for SETATTR, OPEN/CREATE createattrs and
 * VERIFY/NVERIFY.  Set the bit of each attribute in `mask`
 * (nfs4_bitmap_set); pointers are borrowed until the op is appended.
 * Supported: SIZE, MODE, OWNER, OWNER_GROUP, TIME_ACCESS_SET,
 * TIME_MODIFY_SET, SEC_LABEL, MODE_UMASK; for VERIFY/NVERIFY also TYPE,
 * CHANGE, FILEID, NUMLINKS, TIME_MODIFY (get format).
 */
struct nfs4_setattrs {
	struct nfs4_bitmap mask;
	uint64_t size;
	uint32_t mode;
	const char *owner;
	const char *owner_group;
	uint32_t atime_how;		/* SET_TO_SERVER_TIME4 / SET_TO_CLIENT_TIME4 */
	struct nfs4_time atime;
	uint32_t mtime_how;
	struct nfs4_time mtime;
	uint32_t label_lfs, label_pi;
	const void *label;		/* borrowed */
	uint32_t label_len;
	uint32_t umask;			/* MODE_UMASK: mode + this umask */
	/* VERIFY/NVERIFY only */
	uint32_t type;
	uint64_t change, fileid;
	uint32_t numlinks;
	struct nfs4_time time_modify;
};

struct nfs4_channel_attrs {
	uint32_t headerpadsize;
	uint32_t maxrequestsize;
	uint32_t maxresponsesize;
	uint32_t maxresponsesize_cached;
	uint32_t maxops;
	uint32_t maxrequests;		/* number of slots */
};

/* ------------------------------------------------------ bitmap helpers */

void nfs4_bitmap_clear(struct nfs4_bitmap *bm);
void nfs4_bitmap_set(struct nfs4_bitmap *bm, uint32_t attr);
bool nfs4_bitmap_isset(const struct nfs4_bitmap *bm, uint32_t attr);
/* Build a bitmap from a list of attribute numbers ended by -1. */
void nfs4_bitmap_of(struct nfs4_bitmap *bm, ...);
/* The attributes tests usually want: type change size fsid fileid mode
 * numlinks owner owner_group rawdev space_used times mounted_on_fileid. */
void nfs4_bitmap_common(struct nfs4_bitmap *bm);

static inline bool nfs4_attrs_has(const struct nfs4_attrs *a, uint32_t attr)
{
	return nfs4_bitmap_isset(&a->mask, attr);
}

/* --------------------------------------------------- compound builder */

/*
 * struct nfs4_compound holds the encoded ops of one COMPOUND4args, without
 * the header; the header (tag, minorversion, numops) and, for session
 * compounds, a SEQUENCE op are written when the compound is submitted
 * (nfs4_compound_encode).  The op helpers never fail on their own: an
 * encoding that outgrows the limit sets ops.overflow, and submitting such a
 * compound fails with -EMSGSIZE.  The struct owns ops.buf.
 */
struct nfs4_compound {
	struct xdr_out ops;
	uint32_t nops;			/* ops appended (raw bytes do not count) */
	uint32_t minor;			/* minorversion, default 1 (the client sets its own) */
	bool minor_set;			/* minor given by the caller: the client keeps it */
	char tag[64];			/* NUL-terminated; sent as the tag */
	bool no_sequence;		/* do not prepend SEQUENCE (session setup ops, raw tests) */
	bool cachethis;			/* sa_cachethis of the prepended SEQUENCE */
	bool numops_override;		/* send numops_value instead of the real count */
	uint32_t numops_value;
};

void nfs4_compound_init(struct nfs4_compound *c);
void nfs4_compound_release(struct nfs4_compound *c);
/* Drop the ops, keep the allocation and settings. */
void nfs4_compound_reset(struct nfs4_compound *c);

/*
 * Encode COMPOUND4args into out: header, then a SEQUENCE built from seq
 * (NULL: none), then the ops.  Returns false on overflow.
 */
struct nfs4_sequence_args {
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sequenceid;
	uint32_t slotid;
	uint32_t highest_slotid;
	bool cachethis;
};
bool nfs4_compound_encode(const struct nfs4_compound *c, const struct nfs4_sequence_args *seq,
			  struct xdr_out *out);

/* Raw escape hatches: an op number followed by arbitrary argument bytes
 * (counted as one op), or bytes alone (not counted). */
void nfs4_op_raw(struct nfs4_compound *c, uint32_t opnum, const void *args, size_t len);
void nfs4_op_raw_bytes(struct nfs4_compound *c, const void *bytes, size_t len);

void nfs4_op_sequence(struct nfs4_compound *c, const struct nfs4_sequence_args *a);
void nfs4_op_exchange_id(struct nfs4_compound *c, const uint8_t verifier[NFS4_VERIFIER_SIZE],
			 const void *owner, uint32_t owner_len, uint32_t flags);
void nfs4_op_create_session(struct nfs4_compound *c, uint64_t clientid, uint32_t sequence,
			    uint32_t flags, const struct nfs4_channel_attrs *fore,
			    const struct nfs4_channel_attrs *back);
void nfs4_op_destroy_session(struct nfs4_compound *c, const uint8_t sid[NFS4_SESSIONID_SIZE]);
void nfs4_op_destroy_clientid(struct nfs4_compound *c, uint64_t clientid);
void nfs4_op_reclaim_complete(struct nfs4_compound *c, bool one_fs);

void nfs4_op_putrootfh(struct nfs4_compound *c);
void nfs4_op_putfh(struct nfs4_compound *c, const struct nfs4_fh *fh);
void nfs4_op_getfh(struct nfs4_compound *c);
void nfs4_op_lookup(struct nfs4_compound *c, const char *name);
/* LOOKUP with an explicit length (names with NULs, empty, over-long). */
void nfs4_op_lookup_len(struct nfs4_compound *c, const void *name, uint32_t len);
void nfs4_op_lookupp(struct nfs4_compound *c);
void nfs4_op_savefh(struct nfs4_compound *c);
void nfs4_op_restorefh(struct nfs4_compound *c);
void nfs4_op_getattr(struct nfs4_compound *c, const struct nfs4_bitmap *request);
void nfs4_op_access(struct nfs4_compound *c, uint32_t access);
void nfs4_op_readdir(struct nfs4_compound *c, uint64_t cookie,
		     const uint8_t verifier[NFS4_VERIFIER_SIZE], uint32_t dircount,
		     uint32_t maxcount, const struct nfs4_bitmap *request);
void nfs4_op_readlink(struct nfs4_compound *c);

struct nfs4_open_args {
	uint32_t share_access;		/* OPEN4_SHARE_ACCESS_* (| WANT_* bits) */
	uint32_t share_deny;
	uint64_t clientid;		/* open_owner4 */
	const void *owner;		/* borrowed; NULL: "lnfs-open-owner" */
	uint32_t owner_len;
	uint32_t claim;			/* CLAIM_NULL (name) or CLAIM_FH (current fh) */
	const char *name;		/* CLAIM_NULL */
	bool create;			/* OPEN4_CREATE; else OPEN4_NOCREATE */
	uint32_t createmode;		/* UNCHECKED4, GUARDED4, EXCLUSIVE4, EXCLUSIVE4_1 */
	const struct nfs4_setattrs *attrs;	/* createattrs / cva_attrs; may be NULL */
	uint8_t verifier[NFS4_VERIFIER_SIZE];	/* EXCLUSIVE4 / EXCLUSIVE4_1 */
};
void nfs4_op_open(struct nfs4_compound *c, const struct nfs4_open_args *a);
void nfs4_op_close(struct nfs4_compound *c, const struct nfs4_stateid *sid);
/* Byte-range locks (RFC 8881 §18.10-18.12).  LOCK with new_owner sends
 * open_to_lock_owner4 (sid: the open stateid; owner: the lock owner, its
 * clientid sent as 0), else exist_lock_owner4 (sid: the lock stateid).
 * Seqids are sent as 0 (ignored in 4.1).  owner is copied. */
void nfs4_op_lock(struct nfs4_compound *c, uint32_t locktype, bool reclaim, uint64_t offset,
		  uint64_t length, bool new_owner, const struct nfs4_stateid *sid,
		  const void *owner, uint32_t owner_len);
void nfs4_op_lockt(struct nfs4_compound *c, uint32_t locktype, uint64_t offset, uint64_t length,
		   const void *owner, uint32_t owner_len);
void nfs4_op_locku(struct nfs4_compound *c, uint32_t locktype, const struct nfs4_stateid *sid,
		   uint64_t offset, uint64_t length);
void nfs4_op_free_stateid(struct nfs4_compound *c, const struct nfs4_stateid *sid);
void nfs4_op_read(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		  uint32_t count);
/* data is copied into the compound. */
void nfs4_op_write(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		   uint32_t stable, const void *data, uint32_t len);
void nfs4_op_commit(struct nfs4_compound *c, uint64_t offset, uint32_t count);

/* NFSv4.2 data operations (RFC 7862 §15; nfs4_v42.c).  COPY and CLONE read
 * the saved fh (source) and the current fh (destination). */
void nfs4_op_seek(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		  uint32_t what);
void nfs4_op_read_plus(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		       uint32_t count);
void nfs4_op_allocate(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		      uint64_t length);
void nfs4_op_deallocate(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
			uint64_t length);
struct nfs4_copy_args {
	struct nfs4_stateid src, dst;
	uint64_t src_offset, dst_offset, count;
	bool consecutive, synchronous;
	const char *source_server;	/* NULL: none (intra-server); else one NL4_NAME */
};
void nfs4_op_copy(struct nfs4_compound *c, const struct nfs4_copy_args *a);
void nfs4_op_clone(struct nfs4_compound *c, const struct nfs4_stateid *src,
		   const struct nfs4_stateid *dst, uint64_t src_offset, uint64_t dst_offset,
		   uint64_t count);
/* hints: a bitmap of IO_ADVISE_type4 bit numbers (0..10) */
void nfs4_op_io_advise(struct nfs4_compound *c, const struct nfs4_stateid *sid, uint64_t offset,
		       uint64_t count, const struct nfs4_bitmap *hints);

/* One read_plus_content4 of a READ_PLUS result; data borrows the reply. */
struct nfs4_rp_segment {
	uint32_t content;		/* NFS4_CONTENT_DATA or NFS4_CONTENT_HOLE */
	uint64_t offset;
	uint64_t length;		/* hole length, or data.len */
	struct xdr_view data;		/* NFS4_CONTENT_DATA */
};
/* Walk u.read_plus.segments: start with xdr_in_init(x, segments.data,
 * segments.len); false at the end (or on bytes that do not parse). */
bool nfs4_read_plus_next(struct xdr_in *x, struct nfs4_rp_segment *s);
/* One NFSv4.2 op result body (for nfs4_reply.c): -1 malformed, 0 unknown
 * op, 1 decoded. */
struct nfs4_op_res;
int nfs4_dec_resop_v42(struct xdr_in *x, struct nfs4_op_res *r);
void nfs4_op_setattr(struct nfs4_compound *c, const struct nfs4_stateid *sid,
		     const struct nfs4_setattrs *attrs);

struct nfs4_create_args {
	uint32_t type;			/* NF4DIR, NF4LNK, NF4FIFO, NF4SOCK, NF4BLK, NF4CHR */
	const char *name;
	const char *linkdata;		/* NF4LNK */
	uint32_t specmajor, specminor;	/* NF4BLK / NF4CHR */
	const struct nfs4_setattrs *attrs;	/* may be NULL */
};
void nfs4_op_create(struct nfs4_compound *c, const struct nfs4_create_args *a);
void nfs4_op_remove(struct nfs4_compound *c, const char *name);
void nfs4_op_rename(struct nfs4_compound *c, const char *oldname, const char *newname);
void nfs4_op_link(struct nfs4_compound *c, const char *newname);
void nfs4_op_verify(struct nfs4_compound *c, const struct nfs4_setattrs *attrs);
void nfs4_op_nverify(struct nfs4_compound *c, const struct nfs4_setattrs *attrs);
void nfs4_op_secinfo_no_name(struct nfs4_compound *c, uint32_t style);
/* RFC 8276 xattr ops (minor version 2).  Keys are sent as given (without
 * a namespace prefix); key and value are copied into the compound. */
void nfs4_op_getxattr(struct nfs4_compound *c, const void *key, uint32_t key_len);
void nfs4_op_setxattr(struct nfs4_compound *c, uint32_t option, const void *key, uint32_t key_len,
		      const void *value, uint32_t value_len);
void nfs4_op_listxattrs(struct nfs4_compound *c, uint64_t cookie, uint32_t maxcount);
void nfs4_op_removexattr(struct nfs4_compound *c, const void *key, uint32_t key_len);

/* Append a fattr4 (bitmap4 + attrlist4) for attrs; `verify` selects the
 * VERIFY formats (get side) for the attributes that differ. */
bool nfs4_encode_fattr4(struct xdr_out *x, const struct nfs4_setattrs *attrs, bool verify);

/* The anonymous stateid (all zeros) and the current stateid (seqid 1). */
extern const struct nfs4_stateid nfs4_anon_stateid;
extern const struct nfs4_stateid nfs4_current_stateid;

/* ------------------------------------------------------- reply parser */

struct nfs4_dirent {
	uint64_t cookie;
	struct xdr_view name;		/* borrows the reply */
	struct nfs4_attrs attrs;
};

struct nfs4_res_sequence {
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sequenceid, slotid, highest_slotid, target_highest_slotid;
	uint32_t status_flags;
};

struct nfs4_res_exchange_id {
	uint64_t clientid;
	uint32_t sequenceid;
	uint32_t flags;
	uint32_t state_protect;
	uint64_t server_minor_id;
	struct xdr_view server_major_id;
	struct xdr_view server_scope;
	bool has_impl_id;
	struct xdr_view impl_domain, impl_name;
	struct nfs4_time impl_date;
};

struct nfs4_res_create_session {
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sequenceid;
	uint32_t flags;
	struct nfs4_channel_attrs fore, back;
};

struct nfs4_res_open {
	struct nfs4_stateid stateid;
	struct nfs4_change_info cinfo;
	uint32_t rflags;
	struct nfs4_bitmap attrset;
	uint32_t delegation_type;	/* OPEN_DELEGATE_* */
	struct nfs4_stateid delegation_stateid;
	uint32_t why_no_deleg;		/* OPEN_DELEGATE_NONE_EXT */
};

struct nfs4_op_res {
	uint32_t op;			/* resop */
	nfsstat4 status;
	union {
		struct nfs4_res_sequence sequence;
		struct nfs4_res_exchange_id exchange_id;
		struct nfs4_res_create_session create_session;
		struct nfs4_fh getfh;
		struct nfs4_attrs getattr;
		struct {
			uint32_t supported, access;
		} access;
		struct {
			uint8_t verifier[NFS4_VERIFIER_SIZE];
			uint32_t count;
			struct nfs4_dirent *entries;	/* owned by the result */
			bool eof;
		} readdir;
		struct xdr_view readlink;
		struct nfs4_res_open open;
		struct nfs4_stateid close;
		/* LOCK, LOCKU: stateid; LOCK, LOCKT with NFS4ERR_DENIED: the
		 * LOCK4denied fields (owner borrows the reply) */
		struct {
			struct nfs4_stateid stateid;
			uint64_t offset, length;
			uint32_t locktype;
			uint64_t clientid;
			struct xdr_view owner;
		} lock;
		struct {
			bool eof;
			struct xdr_view data;
		} read;
		struct {
			uint32_t count;
			uint32_t committed;
			uint8_t verifier[NFS4_VERIFIER_SIZE];
		} write;
		struct {
			bool eof;
			uint64_t offset;
		} seek;
		struct {
			bool eof;
			uint32_t count;			/* segments */
			struct xdr_view segments;	/* nfs4_read_plus_next() */
		} read_plus;
		struct {
			uint32_t callback_ids;		/* wr_callback_id<1> count */
			struct nfs4_stateid callback_id;
			uint64_t count;
			uint32_t committed;
			uint8_t verifier[NFS4_VERIFIER_SIZE];
			bool consecutive, synchronous;
		} copy;
		struct nfs4_bitmap io_advise;		/* ior_hints */
		struct {
			uint8_t verifier[NFS4_VERIFIER_SIZE];
		} commit;
		struct nfs4_bitmap setattr;	/* attrsset: valid whatever the status */
		struct {
			struct nfs4_change_info cinfo;
			struct nfs4_bitmap attrset;
		} create;
		struct nfs4_change_info remove;
		struct nfs4_change_info link;
		struct {
			struct nfs4_change_info source, target;
		} rename;
		struct {
			uint32_t count;
			uint32_t flavors[NFS4_SECINFO_MAX];
		} secinfo;
		struct xdr_view getxattr;	/* gxr_value, borrows the reply */
		struct nfs4_change_info setxattr;
		struct {
			uint64_t cookie;
			uint32_t count;
			struct xdr_view *names;	/* owned by the result; borrow the reply */
			bool eof;
		} listxattrs;
		struct nfs4_change_info removexattr;
	} u;
};

/*
 * A parsed COMPOUND4res.  ops[0..nparsed) are the results in order; nres is
 * the resarray count the server sent.  `incomplete` means the parser met a
 * successful result of an op it cannot decode and stopped there (nparsed <
 * nres).  Views borrow the buffer given to the parser.
 */
struct nfs4_compound_res {
	nfsstat4 status;
	struct xdr_view tag;
	uint32_t nres;
	uint32_t nparsed;
	bool incomplete;
	struct nfs4_op_res *ops;	/* owned */
};

/*
 * Parse a COMPOUND4res from buf (borrowed; must outlive res).  Returns 0, or
 * -EBADMSG if the bytes are truncated, malformed or followed by garbage; on
 * failure res holds nothing to release.
 */
int nfs4_parse_compound_res(const void *buf, size_t len, struct nfs4_compound_res *res);
void nfs4_compound_res_release(struct nfs4_compound_res *res);
/* Decode one fattr4 (bitmap4 + attrlist4) from x; false if malformed. */
bool nfs4_decode_fattr4(struct xdr_in *x, struct nfs4_attrs *a);
bool nfs4_decode_bitmap(struct xdr_in *x, struct nfs4_bitmap *bm);

const char *nfs4_stat_name(nfsstat4 st);
const char *nfs4_op_name(uint32_t op);

/* ---------------------------------------------------------- RPC reply */

/* accepted/denied reply header (RFC 5531 §9) */
struct nfs4_rpc_reply {
	uint32_t xid;
	uint32_t reply_stat;		/* 0 MSG_ACCEPTED, 1 MSG_DENIED */
	uint32_t accept_stat;		/* 0 SUCCESS, 1 PROG_UNAVAIL, 2 PROG_MISMATCH, ... */
	uint32_t reject_stat;		/* 0 RPC_MISMATCH, 1 AUTH_ERROR */
	uint32_t auth_stat;
	uint32_t mismatch_low, mismatch_high;
	struct xdr_view body;		/* procedure results when SUCCESS */
};

/* Parse one reply record (without record mark).  Returns 0 or -EBADMSG. */
int nfs4_rpc_parse_reply(const void *rec, size_t len, struct nfs4_rpc_reply *r);

/* --------------------------------------------------------------- client */

struct nfs4_client_opts {
	const char *host;		/* numeric IPv4/IPv6 or name; borrowed */
	const char *port;		/* default "2049"; borrowed */
	const char *src_addr;		/* local address to bind, or NULL; borrowed */
	uint32_t auth;			/* NFS4_RPC_AUTH_SYS (default) or NFS4_RPC_AUTH_NONE */
	uint32_t uid, gid;		/* default: getuid(), getgid() */
	uint32_t ngids;
	uint32_t gids[NFS4_CLIENT_MAX_GIDS];
	const char *machine;		/* AUTH_SYS machinename; default hostname */
	uint32_t minor;			/* minorversion, default 1 */
	const char *owner;		/* EXCHANGE_ID co_ownerid; default unique per client */
	struct nfs4_channel_attrs fore;	/* requested fore channel (default 16 slots) */
	int timeout_ms;			/* per wait; default 30000 */
};

/* Fill o with the defaults above. */
void nfs4_client_opts_init(struct nfs4_client_opts *o);

struct nfs4_client;
struct nfs4_call;

typedef void (*nfs4_done_fn)(struct nfs4_call *call, void *arg);

/*
 * One RPC in flight or completed.  Returned by nfs4_submit*(), owned by the
 * caller, freed with nfs4_call_free().  Fields are valid once `done`.
 */
struct nfs4_call {
	uint32_t xid;
	bool done;
	int error;			/* 0, or -errno: connection lost, bad reply */
	struct nfs4_rpc_reply rpc;	/* views borrow the call's reply buffer */
	bool parsed;			/* res holds a parsed COMPOUND4res */
	struct nfs4_compound_res res;
	uint32_t first_op;		/* index in res.ops of the caller's first op */
	int slot;			/* session slot used, or -1 */
	/* private to nfs4_client.c */
	uint8_t *reply;
	size_t reply_len;
	bool compound;
	bool orphan;
	bool sec;			/* sent through nfs4_sec_ops */
	uint64_t sec_cookie;
	nfs4_done_fn cb;
	void *cb_arg;
	struct nfs4_client *cl;
	struct nfs4_call *prev, *next;
};

/*
 * Connect (TCP, optionally binding src_addr first).  No NFS traffic yet.
 * On success *out is a new client the caller frees with nfs4_client_free().
 */
int nfs4_client_connect(const struct nfs4_client_opts *o, struct nfs4_client **out);
/* Close the connection, free pending calls the caller orphaned, and cl.
 * Sends nothing (call nfs4_client_teardown() first for a clean exit). */
void nfs4_client_free(struct nfs4_client *cl);

/* Human-readable reason of the last failure of a client function. */
const char *nfs4_client_error(const struct nfs4_client *cl);
int nfs4_client_fd(const struct nfs4_client *cl);
uint64_t nfs4_client_clientid(const struct nfs4_client *cl);
const uint8_t *nfs4_client_sessionid(const struct nfs4_client *cl);
/* Negotiated fore channel attributes (valid after create_session). */
const struct nfs4_channel_attrs *nfs4_client_fore(const struct nfs4_client *cl);
uint32_t nfs4_client_nslots(const struct nfs4_client *cl);
uint32_t nfs4_client_minor(const struct nfs4_client *cl);

/* Session management: 0, a positive nfsstat4, or -errno. */
int nfs4_client_exchange_id(struct nfs4_client *cl);
int nfs4_client_create_session(struct nfs4_client *cl);
int nfs4_client_reclaim_complete(struct nfs4_client *cl);
/* EXCHANGE_ID + CREATE_SESSION + RECLAIM_COMPLETE. */
int nfs4_client_setup(struct nfs4_client *cl);
int nfs4_client_destroy_session(struct nfs4_client *cl);
int nfs4_client_destroy_clientid(struct nfs4_client *cl);
/* DESTROY_SESSION + DESTROY_CLIENTID when established. */
int nfs4_client_teardown(struct nfs4_client *cl);

/*
 * Submit a COMPOUND.  Unless c->no_sequence, the client takes a free slot
 * (waiting for replies while none is free) and prepends SEQUENCE.  c is
 * borrowed only during the call.  cb (may be NULL) runs when the reply
 * arrives, inside a later nfs4_* call.  *out is a new call.
 */
int nfs4_submit(struct nfs4_client *cl, const struct nfs4_compound *c, nfs4_done_fn cb,
		void *arg, struct nfs4_call **out);
/* Submit any RPC: args are the raw procedure arguments (borrowed).
 * A reply to NFS4 COMPOUND is parsed as such. */
int nfs4_submit_rpc(struct nfs4_client *cl, uint32_t prog, uint32_t vers, uint32_t proc,
		    const void *args, size_t len, struct nfs4_call **out);
/* Wait until call is done (0) or the timeout/connection failure (-errno). */
int nfs4_wait(struct nfs4_client *cl, struct nfs4_call *call);
/* Process whatever arrives within timeout_ms (0: no blocking); returns the
 * number of calls completed, or -errno once the connection is gone. */
int nfs4_poll(struct nfs4_client *cl, int timeout_ms);
/* Free a call; a pending one is orphaned and freed when its reply comes
 * (its slot stays busy until then). */
void nfs4_call_free(struct nfs4_call *call);
/* Calls submitted but not done. */
unsigned int nfs4_client_inflight(const struct nfs4_client *cl);

/* Synchronous: submit and wait.  0 means a reply came (look at
 * (*out)->rpc and (*out)->res.status); *out is set whenever a call was made. */
int nfs4_call_sync(struct nfs4_client *cl, const struct nfs4_compound *c,
		   struct nfs4_call **out);
/* Op i of the caller's ops (SEQUENCE skipped), or NULL if the reply ended
 * before it or did not parse. */
const struct nfs4_op_res *nfs4_call_op(const struct nfs4_call *call, uint32_t i);
/* First failing op result in the whole reply (SEQUENCE included), or NULL. */
const struct nfs4_op_res *nfs4_call_failed_op(const struct nfs4_call *call);

/* RPC NULL ping: 0 when an accepted SUCCESS reply came. */
int nfs4_null(struct nfs4_client *cl);

/*
 * Another security flavour for every later call (nfs4_gss.c installs
 * RPCSEC_GSS): put_cred writes credential and verifier after the call
 * header's procedure number and names the call by *cookie; seal signs or
 * wraps the finished record in x (record mark first, set afterwards);
 * unseal checks the reply of that call, parsed in *r, and may unwrap
 * r->body, replacing *rec (freeing the old one).  0 or -errno.  free runs
 * when the client is freed or the flavour replaced; ops NULL: back to the
 * options' AUTH_SYS/AUTH_NONE.
 */
struct nfs4_sec_ops {
	void (*put_cred)(void *ctx, struct xdr_out *x, uint64_t *cookie);
	int (*seal)(void *ctx, struct xdr_out *x, uint64_t cookie);
	int (*unseal)(void *ctx, uint64_t cookie, uint8_t **rec, size_t *len,
		      struct nfs4_rpc_reply *r);
	void (*free)(void *ctx);
};
void nfs4_client_set_sec(struct nfs4_client *cl, const struct nfs4_sec_ops *ops, void *ctx);
void *nfs4_client_sec_ctx(const struct nfs4_client *cl);

/* Raw bytes onto the connection, no framing (malformed record marks...). */
int nfs4_send_raw(struct nfs4_client *cl, const void *buf, size_t len);
/* An xid the client will not use itself, and a pending call for a reply to
 * a hand-made request sent with nfs4_send_raw(). */
uint32_t nfs4_client_next_xid(struct nfs4_client *cl);
int nfs4_expect_reply(struct nfs4_client *cl, uint32_t xid, struct nfs4_call **out);
/* 1 if the server closed the connection within timeout_ms, else 0. */
int nfs4_client_wait_closed(struct nfs4_client *cl, int timeout_ms);
bool nfs4_client_is_closed(const struct nfs4_client *cl);

/*
 * Resolve a server path: PUTROOTFH + LOOKUP per component + GETFH.  Returns
 * 0, a positive nfsstat4 (then the failing op number goes to *failed_op when
 * not NULL), or -errno.
 */
int nfs4_lookup_path(struct nfs4_client *cl, const char *path, struct nfs4_fh *fh,
		     uint32_t *failed_op);

#endif
