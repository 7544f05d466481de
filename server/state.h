/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - NFSv4.1 client records, sessions (slot tables and the reply
 * cache), stateids, share reservations and leases (RFC 8881 §2.4, §2.10,
 * §8, §9), and the stable client records and grace period of §8.4.  The
 * table hangs off struct srv.state; there is no other global state.  This
 * module knows nothing about sockets, and of the filesystem only its own
 * record files: it keeps the descriptors the OPEN handler gives it and
 * hands them back to READ/WRITE, and it learns about connections only
 * through their ids.
 *
 * Objects and references
 *   struct client   one client record (confirmed or not), hashed by client
 *                   id and by owner name.  References: one while hashed, one
 *                   per session, one per compound that holds it in c->client.
 *   struct session  hashed by session id; holds a reference on its client.
 *                   References: one while hashed, one per compound in
 *                   c->session.  A destroyed session is unhashed at once and
 *                   freed when the last compound using it is done.
 *   struct open_state  one per (client, open owner, file); its stateid lives
 *                   in the client's stateid array.  References: one while
 *                   open, one per READ/WRITE between state_stateid_for_io()
 *                   and state_io_done().  Its descriptors are closed when
 *                   the last reference goes.
 *   struct lock_state  one per (client, lock owner, file) (RFC 8881 §8.2.1,
 *                   §9.1.4), hanging off the open it was created from, which
 *                   it never outlives (CLOSE frees the lock states of an
 *                   open, or fails with NFS4ERR_LOCKS_HELD).  It owns a
 *                   descriptor of its own, a separate open file description
 *                   of the file on which the host's OFD locks
 *                   (F_OFD_SETLK) are taken, so the kernel arbitrates between
 *                   NFS lock owners and local processes; closing it (FREE_
 *                   STATEID, CLOSE, expiry, DESTROY_CLIENTID) drops them.
 *                   Only the state module uses that descriptor, under the
 *                   table lock.  No reference count: it lives while linked.
 *
 * Lock order (never take a lock to the left while holding one to the right):
 *
 *	rec_lock (mutex)  ->  state_table.lock (rwlock)  ->  client.cl_lock (mutex)
 *	    ->  gr_lock (mutex)
 *
 *   rec_lock serialises the stable-storage files (client records, their
 *   directory) and the end of the grace period; it is taken with no other
 *   lock held, and only the record writer then takes a cl_lock under it.
 *   gr_lock is a leaf guarding the in-memory grace state (whether grace is
 *   on, its end, which previous clients are done).
 *   state_table.lock guards the hashes (clients by id and by owner, sessions,
 *   files), client and session lifetime transitions (hash/unhash), the
 *   per-file lists of opens, and session connection bindings' existence.
 *   client.cl_lock guards everything inside one client: lease expiry, the
 *   CREATE_SESSION sequence slot, slot tables of its sessions, bound
 *   connections, its stateid array and open owners.  The share fields of an
 *   open (access, deny) are written with BOTH locks held, so either lock is
 *   enough to read them.  Byte-range locks follow the same rule: the
 *   per-file lists of lock states, a lock state's ranges and its host
 *   descriptor are changed (and F_OFD_SETLK called) with the table lock held
 *   for writing and the owning client's cl_lock; LOCKT and the search for
 *   the owner of a conflicting lock read other clients' lock states under
 *   the table lock alone (read), so no two clients' cl_locks are ever held
 *   together.  Reference counts are atomics and need no lock;
 *   a final put never takes state_table.lock.  The laundromat lock
 *   (lm_lock) is a leaf, taken with nothing else held.
 */
#ifndef LNFSD_STATE_H
#define LNFSD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/compound.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

struct srv;
struct state_table;
struct client;
struct session;
struct open_state;

/*
 * Channel limits offered in CREATE_SESSION (RFC 8881 §18.36.3).  Request and
 * response sizes include the RPC header, so they match the transport's
 * largest record (rpc.h: 1 MiB + 64 KiB by default).
 */
#define STATE_MAX_REQUEST_SIZE (1024u * 1024u + 64u * 1024u)
#define STATE_MAX_RESPONSE_SIZE (1024u * 1024u + 64u * 1024u)
/* Replies kept per slot for replay; bounds the cache at 64 slots * 8 KiB
 * per session (enough for OPEN + GETFH + GETATTR with a 2 KiB label). */
#define STATE_MAX_RESPONSE_CACHED (8u * 1024u)
#define STATE_MAX_OPS 64u           /* ca_maxoperations cap */
#define STATE_MAX_SLOTS 64u         /* ca_maxrequests cap (slots per session) */
/* The smallest useful channel: an AUTH_NONE call header (40 bytes), a
 * COMPOUND header with an empty tag (12) and SEQUENCE (36); the matching
 * reply header (24), COMPOUND4res header (12) and SEQUENCE4res (44).
 * Smaller ca_maxrequestsize/ca_maxresponsesize: NFS4ERR_TOOSMALL. */
#define STATE_MIN_REQUEST_SIZE 88u
#define STATE_MIN_RESPONSE_SIZE 80u
/* The same for the back channel, whose smallest call is CB_COMPOUND with
 * CB_SEQUENCE: an AUTH_NONE call header (40), the CB_COMPOUND4args header
 * with an empty tag (16) and CB_SEQUENCE (4 + 36); the reply header (24),
 * CB_COMPOUND4res header (12) and CB_SEQUENCE4res (8 + 32).  Smaller back
 * channel sizes: NFS4ERR_TOOSMALL (RFC 8881 §18.36.3), even though no
 * callback is sent yet. */
#define STATE_MIN_CB_REQUEST_SIZE 96u
#define STATE_MIN_CB_RESPONSE_SIZE 76u
/* The smallest COMPOUND4res holding a successful SEQUENCE, without the tag
 * the reply echoes: status, tag length, result count (12), then opnum,
 * status and SEQUENCE4resok (8 + 36).  With sa_cachethis, a session whose
 * ca_maxresponsesize_cached is below this plus the padded tag gets
 * NFS4ERR_REP_TOO_BIG_TO_CACHE from SEQUENCE itself (§2.10.6.4). */
#define STATE_SEQUENCE_REPLY_MIN 56u
#define STATE_MAX_CONNS_PER_SESSION 16u

#define STATE_DEFAULT_LEASE 90u           /* seconds */
#define STATE_DEFAULT_MAX_CLIENTS 1024u   /* records, confirmed or not */
#define STATE_DEFAULT_MAX_SESSIONS 16u    /* per client */
#define STATE_MAX_STATEIDS 16384u         /* per client (16-bit index) */

struct state_limits {
	uint32_t max_clients;              /* 0: keep the current value */
	uint32_t max_sessions_per_client;  /* 0: keep */
	uint32_t max_stateids_per_client;  /* 0: keep; at most STATE_MAX_STATEIDS */
};

/* A monotonic clock in seconds; tests inject a fake one. */
typedef uint64_t (*state_clock_fn)(void *arg);

/* Kinds of stateid (RFC 8881 §8.2.1). */
enum stid_type {
	STID_OPEN = 1,
	STID_LOCK = 2,
};

/* --- lifecycle ---------------------------------------------------------- */

/* A new, empty table for srv (borrowed; it must outlive the table).  The
 * boot epoch is the low 32 bits of srv->boot_time (state_recovery_init()
 * may move it on).  No stable storage until state_recovery_init().  NULL on
 * allocation failure.  lease_time 0 means STATE_DEFAULT_LEASE. */
struct state_table *state_table_new(struct srv *srv, uint32_t lease_time);
/* Stop the laundromat, drop every client and free the table.  No compound
 * may be running. */
void state_table_free(struct state_table *st);

void state_set_lease_time(struct state_table *st, uint32_t seconds);
uint32_t state_lease_time(struct state_table *st);
void state_set_limits(struct state_table *st, const struct state_limits *lim);
/* Replace the clock (default: CLOCK_MONOTONIC seconds).  Set it before any
 * client exists; arg is borrowed. */
void state_set_clock(struct state_table *st, state_clock_fn fn, void *arg);
uint64_t state_now(const struct state_table *st);

/*
 * Expire every client whose lease ended before `now` and that has no
 * compound in progress: its sessions, opens (descriptors closed when no
 * READ/WRITE uses them any more) and records go (RFC 8881 §8.3).
 */
void state_laundromat(struct state_table *st, uint64_t now);
/* Run state_laundromat() once a second on a thread of its own until
 * state_stop_laundromat() or state_table_free().  0 or -errno. */
int state_start_laundromat(struct state_table *st);
void state_stop_laundromat(struct state_table *st);

/* The transport closed connection conn_id: unbind it from every session. */
void state_conn_closed(struct state_table *st, uint64_t conn_id);

/* --- stable client records and the grace period (RFC 8881 §8.4.2, §8.4.3) -
 *
 * With a state directory, every client that gets state (its first OPEN,
 * reclaim or not) has a record there, DIR/clients/<client ID in hex>,
 * holding its co_ownerid; it is written atomically (temporary file, fsync,
 * rename, fsync of the directory) before the OPEN is answered, and removed
 * when the client is destroyed, replaced or expires.  Shutting down keeps
 * the records.  At start-up the records of earlier instances name the
 * clients that may reclaim: if there are any, the server is in its grace
 * period for grace_time seconds, or until each of them has sent
 * RECLAIM_COMPLETE or been destroyed, replaced or expired.  When grace
 * ends the earlier instances' records are removed first, then new state is
 * allowed.  A crash during grace keeps them, so a client that had no time
 * to reclaim still may after the next start (§8.4.3).
 */

/*
 * Open (creating it if needed) the state directory dir and its clients/
 * subdirectory, lock it against other instances, choose a boot epoch later
 * than any earlier instance's (so their client IDs, sessions and stateids
 * are never taken for ours), load the earlier records and start the grace
 * period if there are any.  grace_time 0 means the lease time.  Call once,
 * before any client exists and before state_start_laundromat(); the clock
 * must be set already.  0 or -errno (-EBUSY: another lnfsd holds the
 * directory); on error the table works without stable storage: no records,
 * no grace.
 */
int state_recovery_init(struct state_table *st, const char *dir, uint32_t grace_time);

/* Whether the server is in its grace period (RFC 8881 §8.4.2): reclaims are
 * accepted (state_reclaim_open(), LOCK with reclaim), new opens and locks
 * get NFS4ERR_GRACE, and so do READ/WRITE/SETATTR with a special stateid
 * (a share reservation may still be reclaimed).  Ends the grace period
 * first if its time is up or every previous client is done, so call it
 * with no state lock held.  st may be NULL (false). */
bool state_in_grace(struct state_table *st);

/* Number of clients of earlier instances that may still reclaim (0 outside
 * grace), for tests and logs. */
unsigned state_reclaim_pending(struct state_table *st);

/* Number of hashed client records (confirmed or not), for tests and stats. */
unsigned state_client_count(struct state_table *st);

/* --- the COMPOUND loop's side of SEQUENCE --------------------------------- */

/*
 * After SEQUENCE succeeded: true if the request is a retry whose reply is in
 * the slot's cache (RFC 8881 §2.10.6.1.1); SEQUENCE also sets c->replay in
 * that case (cleared by state_slot_done()).  The loop must then send exactly
 * *data and *len as the COMPOUND4res and run nothing else; the bytes are
 * borrowed until state_slot_done().
 */
bool state_slot_replay(struct compound *c, const uint8_t **data, size_t *len);
/*
 * Call once at the end of EVERY compound (a no-op when no SEQUENCE
 * succeeded), with the complete encoded COMPOUND4res.  For a new request
 * with sa_cachethis, the bytes are copied into the slot (if they fit
 * ca_maxresponsesize_cached; otherwise the slot remembers that nothing was
 * cached and a retry gets NFS4ERR_RETRY_UNCACHED_REP).  Then the slot is
 * released, the lease renewed and the references in c->session,
 * c->client are dropped; c->session/slot/client become NULL.
 */
void state_slot_done(struct compound *c, const uint8_t *compound_res, size_t len);
/* The session's ca_maxresponsesize_cached (0 without a session): with
 * c->cachethis, a reply larger than this must be answered with
 * NFS4ERR_REP_TOO_BIG_TO_CACHE by the loop (RFC 8881 §2.10.6.4). */
uint32_t state_max_cached_reply(const struct compound *c);

/* --- client records ------------------------------------------------------- */

/* The label domain name chosen when the record was created (decisions.md 5);
 * valid while the caller holds a reference (c->client). */
const char *client_domain(const struct client *cl);
uint64_t client_id(const struct client *cl);

/* --- stateids and opens --------------------------------------------------- */

/*
 * Record an OPEN (not a reclaim: NFS4ERR_GRACE during grace or before the
 * client's RECLAIM_COMPLETE, see state_new_state_allowed()) by c->client's
 * open owner `owner` (the owner opaque of
 * open_owner4, borrowed) of file (dev, ino) with OPEN4_SHARE_ACCESS_* /
 * OPEN4_SHARE_DENY_* (delegation want bits are ignored).
 *
 * A first open creates the open state (seqid 1); a second OPEN by the same
 * owner of the same file upgrades it to the union of the modes and bumps the
 * seqid (RFC 8881 §18.16.3).  Share reservations of every client's opens of
 * the file are enforced (§9.7): a conflict gives NFS4ERR_SHARE_DENIED.
 *
 * fd: a descriptor opened with the requested access (or -1).  On NFS4_OK its
 * ownership passes to the state (kept if it adds a mode, closed otherwise);
 * on error the caller still owns it.  *out receives the open stateid, which
 * also becomes the current stateid (§16.2.3.1.2).
 */
nfsstat4 state_open_file(struct compound *c, const struct xdr_view *owner, uint64_t dev,
			 uint64_t ino, uint32_t share_access, uint32_t share_deny, int fd,
			 struct stateid4 *out);
/*
 * OPEN with CLAIM_PREVIOUS (RFC 8881 §9.11, §18.16.3): as state_open_file(),
 * re-establishing an open c->client held before the restart, with a new
 * stateid.  NFS4ERR_NO_GRACE outside grace, for a client that has no record
 * of an earlier instance, or after its RECLAIM_COMPLETE (§18.51.3); a share
 * conflict with what others reclaimed is NFS4ERR_RECLAIM_CONFLICT.
 * state_reclaim_allowed() makes the same check without opening anything,
 * so the handler can answer before touching the file.
 */
nfsstat4 state_reclaim_open(struct compound *c, const struct xdr_view *owner, uint64_t dev,
			    uint64_t ino, uint32_t share_access, uint32_t share_deny, int fd,
			    struct stateid4 *out);
nfsstat4 state_reclaim_allowed(struct compound *c);
/*
 * May c->client get new (non-reclaim) locking state now: an OPEN that is
 * not CLAIM_PREVIOUS, or a LOCK without reclaim?  NFS4ERR_GRACE during the
 * grace period, and for a client that has not sent RECLAIM_COMPLETE with
 * rca_one_fs FALSE since it established its client ID (RFC 8881 §18.51.3),
 * whether or not the server is in grace.  state_open_file() and
 * state_lock() check the same; the OPEN handler asks first so that nothing
 * is created on the way to the error.  NFS4ERR_OP_NOT_IN_SESSION without a
 * client.
 */
nfsstat4 state_new_state_allowed(struct compound *c);
/*
 * Check stateid `sid` for a READ (write false) or WRITE/SETATTR of size
 * (write true) of file (dev, ino) (RFC 8881 §8.2.2-8.2.5, §9.1.4).
 *  - anonymous and READ-bypass stateids: NFS4ERR_GRACE during grace
 *    (§8.4.2: a denying open may still be reclaimed), NFS4ERR_LOCKED if an
 *    open denies the access, else NFS4_OK with *fd_out = -1 and
 *    *ref_out = NULL;
 *  - the current stateid (seqid 1, other zero) is taken from c;
 *  - a lock stateid stands for the open it was created from (§8.2.1):
 *    everything below applies to that open;
 *  - an open stateid: NFS4ERR_OPENMODE for WRITE on a read-only open; a
 *    READ on a write-only open is allowed (§18.22.3, subject to the caller's
 *    permission check).  *fd_out is a borrowed descriptor with the needed
 *    access, or -1 if the state has none (the caller opens the file itself),
 *    valid until state_io_done(*ref_out).
 * Renews the lease.
 */
nfsstat4 state_stateid_for_io(struct compound *c, const struct stateid4 *sid, uint64_t dev,
			      uint64_t ino, bool write, int *fd_out, struct open_state **ref_out);
/* Drop the reference from state_stateid_for_io(); NULL is allowed. */
void state_io_done(struct open_state *os);

/* --- byte-range locks (RFC 8881 §9, §18.10-18.12; handlers in op_lock.c) - */

/* LOCK4denied: the conflicting lock and its owner (a local process on the
 * host appears as client ID 0, owner "local"). */
struct state_lock_denied {
	uint64_t offset;
	uint64_t length;
	uint32_t locktype;
	uint64_t clientid;
	uint32_t owner_len;
	uint8_t owner[NFS4_OPAQUE_LIMIT];
};

struct state_lock_args {
	uint32_t locktype;        /* READ_LT, WRITE_LT, READW_LT, WRITEW_LT */
	bool reclaim;
	uint64_t start, end;      /* from lock_range_from_wire() */
	bool new_lock_owner;
	struct stateid4 sid;      /* open stateid (new owner) or lock stateid */
	struct xdr_view owner;    /* new owner: lock_owner4.owner, borrowed */
};

/*
 * LOCK on file (dev, ino).  A reclaim (RFC 8881 §8.4.2) is allowed as for
 * state_reclaim_open(), and a conflict is then NFS4ERR_RECLAIM_CONFLICT;
 * anything else during grace, or before the client's RECLAIM_COMPLETE, is
 * NFS4ERR_GRACE.  With new_lock_owner the lock owner's lock state
 * for the file is found or created from the open stateid; otherwise sid is
 * the lock stateid.  A new lock state takes over *fd (a descriptor of the
 * file open for reading and/or writing, which must be given with
 * new_lock_owner) and sets *fd to -1; otherwise the caller keeps it.  The
 * blocking types are answered at once (NFS4ERR_DENIED, never a wait).
 * On NFS4ERR_DENIED *denied names the conflict.  On NFS4_OK *out is the
 * lock stateid (seqid 1 when new, else bumped), also the current stateid.
 */
nfsstat4 state_lock(struct compound *c, const struct state_lock_args *a, uint64_t dev,
		    uint64_t ino, int *fd, struct stateid4 *out, struct state_lock_denied *denied);
/*
 * LOCKT: would c->client's lock owner `owner` get [start, end] of locktype
 * on (dev, ino)?  fd: a descriptor of the file (borrowed), asked for
 * conflicts with local processes when the owner has no lock state there.
 */
nfsstat4 state_lockt(struct compound *c, uint32_t locktype, uint64_t start, uint64_t end,
		     const struct xdr_view *owner, uint64_t dev, uint64_t ino, int fd,
		     struct state_lock_denied *denied);
/* LOCKU of [start, end] with lock stateid sid on (dev, ino); *out is the
 * lock stateid with its seqid bumped. */
nfsstat4 state_locku(struct compound *c, const struct stateid4 *sid, uint64_t start, uint64_t end,
		     uint64_t dev, uint64_t ino, struct stateid4 *out);

/* --- operation handlers (server/op_session.c) ----------------------------- */

nfsstat4 nfs4_op_exchange_id(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_create_session(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_sequence(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_bind_conn_to_session(struct compound *c, struct xdr_in *args,
				      struct xdr_out *res);
nfsstat4 nfs4_op_destroy_session(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_destroy_clientid(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_reclaim_complete(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_test_stateid(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_free_stateid(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_close(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_open_downgrade(struct compound *c, struct xdr_in *args, struct xdr_out *res);
/* server/op_lock.c */
nfsstat4 nfs4_op_lock(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_lockt(struct compound *c, struct xdr_in *args, struct xdr_out *res);
nfsstat4 nfs4_op_locku(struct compound *c, struct xdr_in *args, struct xdr_out *res);

/* --- hooks implemented outside this module (by the lead's code) ----------- */

/* Copy the label domain name for the caller (srv_domain_for_call()) into
 * buf, NUL-terminated and truncated to len. */
void srv_client_domain_name(struct srv *s, const struct compound *c, char *buf, size_t len);
/* The (st_dev, st_ino) of the current filehandle's object, for the CLOSE
 * and OPEN_DOWNGRADE file checks; NFS4ERR_NOFILEHANDLE without one, or the
 * status resolving it produced (NFS4ERR_STALE ...). */
nfsstat4 srv_cur_file_key(struct compound *c, uint64_t *dev, uint64_t *ino);
/* Also used: nfs4_dec_stateid4() and nfs4_enc_stateid4() from compound.h,
 * and cred_raise()/cred_lower() from cred.h around the record files (an
 * OPEN runs with its caller's filesystem identity). */

/* --- internal: shared between state.c and op_session.c -------------------- */

/*
 * The handlers in op_session.c decode and encode; the table logic is here.
 * Everything below returns an nfsstat4 and takes the locks itself.
 */
struct state_exchange_args {
	uint8_t verifier[NFS4_VERIFIER_SIZE];
	struct xdr_view owner;        /* borrowed */
	uint32_t flags;
};
struct state_exchange_res {
	uint64_t clientid;
	uint32_t sequenceid;
	uint32_t flags;
};
nfsstat4 state_exchange_id(struct compound *c, const struct state_exchange_args *a,
			   struct state_exchange_res *r);

struct state_chan_attrs {
	uint32_t headerpadsize;
	uint32_t maxrequestsize;
	uint32_t maxresponsesize;
	uint32_t maxresponsesize_cached;
	uint32_t maxoperations;
	uint32_t maxrequests;
};
struct state_create_session_args {
	uint64_t clientid;
	uint32_t sequence;
	uint32_t flags;
	struct state_chan_attrs fore, back;
	uint32_t cb_program;
};
/* On NFS4_OK or a replayed result, res holds the encoded CREATE_SESSION4resok
 * (a replay appends the cached bytes). */
nfsstat4 state_create_session(struct compound *c, const struct state_create_session_args *a,
			      struct xdr_out *res);

struct state_sequence_args {
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t sequenceid;
	uint32_t slotid;
	uint32_t highest_slotid;
	bool cachethis;
};
struct state_sequence_res {
	uint32_t highest_slotid;
	uint32_t target_highest_slotid;
	uint32_t status_flags;
	bool replay;
};
/* With cachethis, a session whose ca_maxresponsesize_cached cannot hold
 * even this SEQUENCE's reply (STATE_SEQUENCE_REPLY_MIN plus c->tag_len
 * padded) gets NFS4ERR_REP_TOO_BIG_TO_CACHE before the slot is touched,
 * so the request may be sent again without cachethis (§2.10.6.4). */
nfsstat4 state_sequence(struct compound *c, const struct state_sequence_args *a,
			struct state_sequence_res *r);
/* dir: CDFC4_*; *dir_out: CDFS4_* */
nfsstat4 state_bind_conn(struct compound *c, const uint8_t sessionid[NFS4_SESSIONID_SIZE],
			 uint32_t dir, uint32_t *dir_out);
/* RFC 8881 §18.37.3: on a connection not bound to the session (with
 * SP4_NONE a connection is bound by CREATE_SESSION, BIND_CONN_TO_SESSION
 * or a SEQUENCE of the session on it) NFS4ERR_CONN_NOT_BOUND_TO_SESSION;
 * the compound's own session unless DESTROY_SESSION is its last op
 * NFS4ERR_NOT_ONLY_OP. */
nfsstat4 state_destroy_session(struct compound *c,
			       const uint8_t sessionid[NFS4_SESSIONID_SIZE]);
nfsstat4 state_destroy_clientid(struct compound *c, uint64_t clientid);
nfsstat4 state_reclaim_complete(struct compound *c, bool one_fs);
/* TEST_STATEID for one stateid (no current-stateid substitution). */
nfsstat4 state_test_stateid(struct compound *c, const struct stateid4 *sid);
nfsstat4 state_free_stateid(struct compound *c, const struct stateid4 *sid);
nfsstat4 state_close(struct compound *c, const struct stateid4 *sid, uint64_t dev,
		     uint64_t ino);
nfsstat4 state_open_downgrade(struct compound *c, const struct stateid4 *sid, uint64_t dev,
			      uint64_t ino, uint32_t share_access, uint32_t share_deny,
			      struct stateid4 *out);

/* --- for the control socket (server/state_info.inc, server/ctl.c) --------- */

struct state_client_info {
	uint64_t clientid;
	char domain[64];
	struct sockaddr_storage addr;  /* peer of its EXCHANGE_ID */
	bool confirmed;
	bool in_request;               /* a compound is running for it */
	bool reclaim_complete;
	uint32_t nsessions;
	uint32_t nopens;
	uint32_t nlock_states;         /* (lock owner, file) pairs */
	uint32_t nlocks;               /* byte ranges held */
	int64_t lease_left;            /* seconds; negative: overdue */
};
/* A copy of every client record, in *out (free() it), *n of them.  0 or
 * -ENOMEM.  Takes the table lock for reading. */
int state_list_clients(struct state_table *st, struct state_client_info **out, unsigned *n);
/* Expire one client now, as the laundromat does when its lease ends: its
 * sessions, opens, locks and record go.  0, -ENOENT (no such client ID),
 * -EBUSY (a request of it is in progress: try again). */
int state_evict(struct state_table *st, uint64_t clientid);

#endif
