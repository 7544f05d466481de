/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.c - the state table: client records (RFC 8881 §2.4, §18.35.5),
 * sessions with their slot tables and reply cache (§2.10), stateids and
 * share reservations (§8.2, §9.7), byte-range lock states (§9) and leases
 * (§8.3), and the stable client records and grace period that let clients
 * reclaim after a restart (§8.4.2, §8.4.3).  It does no wire decoding
 * (op_session.c and op_lock.c do) except copying encoded replies it caches;
 * it touches the filesystem only to close() descriptors it owns, for the
 * OFD lock calls (fcntl) on the descriptors of lock states, and for the
 * record files in the state directory.  Lock order and reference rules are
 * documented at the top of state.h.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/cred.h"
#include "server/lock_range.h"
#include "server/log.h"
#include "server/srv.h"
#include "server/state.h"

#define HASH_SIZE 256u
#define CS_RES_MAX 160u /* encoded CREATE_SESSION4resok is 108 bytes */
#define DOMAIN_MAX 64u

/* Stable storage (state.h): DIR/clients/<16 hex digits of the client ID>
 * holds REC_MAGIC, the owner's length (big-endian u32) and its bytes;
 * DIR/clients/epoch the last boot epoch in hex. */
#define REC_DIR "clients"
#define REC_EPOCH "epoch"
#define REC_TMP ".tmp-"
#define REC_MAGIC "LNFSCL01"
#define REC_MAGIC_LEN 8u
#define REC_HDR (REC_MAGIC_LEN + 4u)
#define REC_NAME_LEN 16u

struct slot {
	uint32_t sl_seqid;
	bool sl_used;    /* a request ran in this slot (§2.10.6.1: seqid starts at 0) */
	bool sl_inuse;   /* a request is in progress */
	bool sl_replay;  /* ... and it is a retry answered from sl_data */
	bool sl_cached;  /* sl_data holds the reply to sl_seqid */
	uint8_t *sl_data;
	size_t sl_len;
	size_t sl_cap;
};

struct session {
	struct session *se_hnext;     /* session hash chain (table lock) */
	struct session *se_cnext;     /* client's list (table lock) */
	atomic_uint se_ref;
	struct client *se_client;     /* reference held */
	uint8_t se_id[NFS4_SESSIONID_SIZE];
	bool se_dead;                 /* unhashed (table lock + cl_lock) */
	struct state_chan_attrs se_fore, se_back;
	uint32_t se_cb_program;       /* recorded; no callbacks are sent */
	uint32_t se_nconns;           /* cl_lock */
	uint64_t se_conns[STATE_MAX_CONNS_PER_SESSION];
	uint32_t se_nslots;
	struct slot se_slots[];       /* cl_lock */
};

struct open_owner {
	struct open_owner *oo_next;   /* client's owners (cl_lock) */
	struct open_state *oo_opens;  /* linked by os_onext (cl_lock) */
	uint32_t oo_len;
	uint8_t oo_data[];
};

struct state_file {
	struct state_file *sf_next;   /* file hash chain (table lock) */
	uint64_t sf_dev, sf_ino;
	struct open_state *sf_opens;  /* linked by os_fnext (table lock) */
	struct lock_state *sf_locks;  /* linked by ls_fnext (table lock) */
};

/* Base of every stateid, embedded first in its state (RFC 8881 §8.2). */
struct stid {
	uint8_t type;                 /* enum stid_type */
	uint16_t idx;                 /* slot in the client's array */
	uint32_t seqid;               /* cl_lock */
	uint8_t other[NFS4_OTHER_SIZE];
};

struct open_state {
	struct stid os_stid;          /* first */
	atomic_uint os_ref;
	struct open_owner *os_owner;  /* NULL once closed */
	struct state_file *os_file;   /* NULL once closed */
	struct open_state *os_fnext;  /* file's list (table lock) */
	struct open_state *os_onext;  /* owner's list (cl_lock) */
	uint64_t os_dev, os_ino;
	uint32_t os_access, os_deny;  /* both locks to write */
	uint8_t os_access_bmap;       /* modes OPENed: bit (1 << access) */
	uint8_t os_deny_bmap;         /* bit (1 << deny) */
	int os_fd[4];                 /* indexed by access mode 1..3 (cl_lock) */
	struct lock_state *os_locks;  /* linked by ls_osnext (both locks) */
};

/* A lock owner (RFC 8881 §9.1.1): the client's opaque name for a process
 * or thread; freed with its last lock state (§8.2.4: no seqid in 4.1). */
struct lock_owner {
	struct lock_owner *lo_next;   /* client's lock owners (cl_lock) */
	struct lock_state *lo_states; /* linked by ls_onext (cl_lock) */
	uint64_t lo_clientid;
	uint32_t lo_len;
	uint8_t lo_data[];
};

/* One lock owner's locks on one file (state.h). */
struct lock_state {
	struct stid ls_stid;          /* first */
	struct lock_owner *ls_owner;
	struct open_state *ls_open;   /* the open it was created from */
	struct state_file *ls_file;
	struct lock_state *ls_onext;  /* owner's list (cl_lock) */
	struct lock_state *ls_osnext; /* open's list (both locks) */
	struct lock_state *ls_fnext;  /* file's list (table lock) */
	int ls_fd;                    /* the open file description holding the OFD locks */
	struct lock_ranges ls_ranges; /* what it holds: both locks to change */
};

struct client {
	struct client *cl_idnext;     /* id hash (table lock) */
	struct client *cl_namenext;   /* owner hash (table lock) */
	atomic_uint cl_ref;
	pthread_mutex_t cl_lock;

	/* Fixed at creation. */
	uint64_t cl_clientid;
	uint8_t cl_verifier[NFS4_VERIFIER_SIZE];
	uint32_t cl_flavor, cl_uid;   /* the principal (§2.4: AUTH_SYS uid) */
	char cl_domain[DOMAIN_MAX];
	struct sockaddr_storage cl_addr; /* peer of its EXCHANGE_ID, for logs and lnfsctl */
	uint32_t cl_owner_len;
	uint8_t *cl_owner;
	int cl_prev;                  /* index in st->prev (may reclaim), or -1 */

	atomic_bool cl_recorded;      /* its record file exists (rec_lock to change) */

	/* Table lock (and cl_lock for cl_dead). */
	bool cl_confirmed;
	bool cl_dead;                 /* unhashed: expired or destroyed */
	struct session *cl_sessions;
	uint32_t cl_nsessions;

	/* cl_lock */
	uint64_t cl_expire;           /* lease ends (state clock, seconds) */
	uint32_t cl_rpc_users;        /* compounds between SEQUENCE and done */
	uint32_t cl_cs_seqid;         /* CREATE_SESSION slot (§18.36.4) */
	bool cl_cs_cached;
	uint32_t cl_cs_len;
	uint8_t cl_cs_res[CS_RES_MAX];
	bool cl_reclaim_complete;
	struct open_owner *cl_owners;
	struct lock_owner *cl_lock_owners;
	struct stid **cl_stids;
	uint16_t *cl_gens;
	uint32_t cl_stid_cap;
	uint32_t cl_stid_count;
};

struct state_table {
	pthread_rwlock_t lock;
	struct srv *srv;
	uint32_t epoch;
	atomic_uint lease_time;       /* seconds; read without locks */
	struct state_limits lim;
	state_clock_fn clock;
	void *clock_arg;

	uint32_t next_client;         /* table lock */
	uint32_t next_session;
	uint32_t nclients;
	uint64_t full_logged;         /* when "max-clients reached" was logged */
	struct client *by_id[HASH_SIZE];
	struct client *by_name[HASH_SIZE];
	struct session *sessions[HASH_SIZE];
	struct state_file *files[HASH_SIZE];

	pthread_mutex_t lm_lock;      /* leaf */
	pthread_cond_t lm_cond;
	pthread_t lm_thread;
	bool lm_running, lm_stop;

	/* Stable storage (state.h).  rec_dirfd is fixed by
	 * state_recovery_init() before any client exists. */
	pthread_mutex_t rec_lock;
	int rec_dirfd;                /* DIR/clients, or -1: no records */
	char **rec_old;               /* earlier instances' record names (rec_lock) */
	uint32_t rec_nold;

	/* The grace period.  prev[] (the earlier instances' clients) is fixed
	 * at init except for the done flags. */
	struct prev_client *prev;
	uint32_t nprev;
	pthread_mutex_t gr_lock;      /* leaf: the fields below and prev[].done */
	bool gr_active;               /* new state refused, reclaims accepted */
	uint64_t gr_end;              /* state clock */
	uint32_t gr_left;             /* prev[] entries not done */
};

/* A client of an earlier instance: it may reclaim until done (RECLAIM_COMPLETE,
 * or one of its incarnations here was destroyed, replaced or expired). */
struct prev_client {
	uint8_t *owner;
	uint32_t len;
	bool done;
};

/* --- small helpers -------------------------------------------------------- */

static uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h % HASH_SIZE;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t monotonic_seconds(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

uint64_t state_now(const struct state_table *st)
{
	return st->clock(st->clock_arg);
}

static struct state_table *table_of(const struct compound *c)
{
	return c->srv->state;
}

static uint32_t seqid_next(uint32_t s)
{
	/* RFC 8881 §8.2.2: after 0xffffffff the seqid wraps to 1, not 0. */
	return s == UINT32_MAX ? 1 : s + 1;
}

static void cred_of(const struct compound *c, uint32_t *flavor, uint32_t *uid)
{
	if (c->call) {
		*flavor = c->call->cred.flavor;
		*uid = c->call->cred.uid;
	} else {
		*flavor = RPC_AUTH_NONE;
		*uid = 65534;
	}
}

static bool conn_of(const struct compound *c, uint64_t *id)
{
	if (!c->call || !c->call->conn)
		return false;
	*id = c->call->conn->id;
	return true;
}

static void renew_locked(struct state_table *st, struct client *cl)
{
	cl->cl_expire = state_now(st) + atomic_load(&st->lease_time);
}

/* --- references ----------------------------------------------------------- */

static void client_get(struct client *cl)
{
	atomic_fetch_add(&cl->cl_ref, 1);
}

static void client_free(struct client *cl)
{
	assert(cl->cl_sessions == NULL && cl->cl_owners == NULL && cl->cl_lock_owners == NULL);
	pthread_mutex_destroy(&cl->cl_lock);
	free(cl->cl_owner);
	free(cl->cl_stids);
	free(cl->cl_gens);
	free(cl);
}

static void client_put(struct client *cl)
{
	if (cl && atomic_fetch_sub(&cl->cl_ref, 1) == 1)
		client_free(cl);
}

static void session_get(struct session *se)
{
	atomic_fetch_add(&se->se_ref, 1);
}

static void session_put(struct session *se)
{
	if (!se || atomic_fetch_sub(&se->se_ref, 1) != 1)
		return;
	for (uint32_t i = 0; i < se->se_nslots; i++)
		free(se->se_slots[i].sl_data);
	client_put(se->se_client);
	free(se);
}

static void open_state_put(struct open_state *os)
{
	if (!os || atomic_fetch_sub(&os->os_ref, 1) != 1)
		return;
	for (int i = 1; i < 4; i++)
		if (os->os_fd[i] >= 0)
			close(os->os_fd[i]);
	free(os);
}

/* --- table lifecycle ------------------------------------------------------ */

struct state_table *state_table_new(struct srv *srv, uint32_t lease_time)
{
	struct state_table *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	if (pthread_rwlock_init(&st->lock, NULL) != 0) {
		free(st);
		return NULL;
	}
	pthread_mutex_init(&st->lm_lock, NULL);
	pthread_mutex_init(&st->rec_lock, NULL);
	pthread_mutex_init(&st->gr_lock, NULL);
	st->rec_dirfd = -1;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->lm_cond, &ca);
	pthread_condattr_destroy(&ca);

	st->srv = srv;
	st->epoch = (uint32_t)srv->boot_time;
	atomic_init(&st->lease_time, lease_time ? lease_time : STATE_DEFAULT_LEASE);
	st->lim.max_clients = STATE_DEFAULT_MAX_CLIENTS;
	st->lim.max_sessions_per_client = STATE_DEFAULT_MAX_SESSIONS;
	st->lim.max_stateids_per_client = STATE_MAX_STATEIDS;
	st->clock = monotonic_seconds;
	st->next_client = 1;
	st->next_session = 1;
	return st;
}

void state_set_lease_time(struct state_table *st, uint32_t seconds)
{
	atomic_store(&st->lease_time, seconds ? seconds : STATE_DEFAULT_LEASE);
}

uint32_t state_lease_time(struct state_table *st)
{
	return atomic_load(&st->lease_time);
}

void state_set_limits(struct state_table *st, const struct state_limits *lim)
{
	pthread_rwlock_wrlock(&st->lock);
	if (lim->max_clients)
		st->lim.max_clients = lim->max_clients;
	if (lim->max_sessions_per_client)
		st->lim.max_sessions_per_client = lim->max_sessions_per_client;
	if (lim->max_stateids_per_client)
		st->lim.max_stateids_per_client = lim->max_stateids_per_client > STATE_MAX_STATEIDS
							  ? STATE_MAX_STATEIDS
							  : lim->max_stateids_per_client;
	pthread_rwlock_unlock(&st->lock);
}

void state_set_clock(struct state_table *st, state_clock_fn fn, void *arg)
{
	st->clock = fn ? fn : monotonic_seconds;
	st->clock_arg = arg;
}

unsigned state_client_count(struct state_table *st)
{
	unsigned n;

	pthread_rwlock_rdlock(&st->lock);
	n = st->nclients;
	pthread_rwlock_unlock(&st->lock);
	return n;
}

const char *client_domain(const struct client *cl)
{
	return cl->cl_domain;
}

uint64_t client_id(const struct client *cl)
{
	return cl->cl_clientid;
}

/* --- stable client records and the grace period (RFC 8881 §8.4) ---------- */

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace file `name` in dirfd with data, atomically and durably: a
 * temporary file, fsync, rename over the name, fsync of the directory. */
static int put_file(int dirfd, const char *name, const void *data, size_t len)
{
	char tmp[64];
	int fd, r;

	snprintf(tmp, sizeof(tmp), REC_TMP "%s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	/* the group would be the caller's (only the fsuid is raised); mode
	 * 0600 in a 0700 directory, so a failure here is harmless */
	if (fchown(fd, geteuid(), getegid()) < 0)
		log_debug("%s: fchown: %s", tmp, strerror(errno));
	r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}

static void rec_name(uint64_t clientid, char buf[REC_NAME_LEN + 1])
{
	snprintf(buf, REC_NAME_LEN + 1, "%016" PRIx64, clientid);
}

/*
 * Make sure cl has its record before it is told it holds state (RFC 8881
 * §8.4.2: the server must remember which clients may reclaim).  No state
 * lock held.  A client destroyed meanwhile gets none; a failure is logged
 * and tried again at the client's next OPEN.
 */
static void client_record(struct state_table *st, struct client *cl)
{
	char name[REC_NAME_LEN + 1];
	uint32_t fsuid;
	uint8_t *buf;
	bool dead;
	int r;

	if (st->rec_dirfd < 0 || atomic_load(&cl->cl_recorded))
		return;
	/* OPEN runs as the caller (cred.h); the state directory is ours */
	fsuid = cred_raise();
	pthread_mutex_lock(&st->rec_lock);
	pthread_mutex_lock(&cl->cl_lock);
	dead = cl->cl_dead;
	pthread_mutex_unlock(&cl->cl_lock);
	if (dead || atomic_load(&cl->cl_recorded))
		goto out;
	buf = malloc(REC_HDR + cl->cl_owner_len);
	if (!buf) {
		r = -ENOMEM;
	} else {
		memcpy(buf, REC_MAGIC, REC_MAGIC_LEN);
		put_be32(buf + REC_MAGIC_LEN, cl->cl_owner_len);
		memcpy(buf + REC_HDR, cl->cl_owner, cl->cl_owner_len);
		rec_name(cl->cl_clientid, name);
		r = put_file(st->rec_dirfd, name, buf, REC_HDR + cl->cl_owner_len);
		free(buf);
	}
	if (r == 0) {
		atomic_store(&cl->cl_recorded, true);
		log_debug("client %016" PRIx64 ": record written", cl->cl_clientid);
	} else {
		log_err("client %016" PRIx64 ": cannot write its record (%s): it could not "
			"reclaim after a restart",
			cl->cl_clientid, strerror(-r));
	}
out:
	pthread_mutex_unlock(&st->rec_lock);
	cred_lower(fsuid);
}

/* prev[idx] is done: it may no longer reclaim, and grace need not wait
 * for it.  gr_lock not held. */
static void prev_done(struct state_table *st, int idx)
{
	pthread_mutex_lock(&st->gr_lock);
	if (!st->prev[idx].done) {
		st->prev[idx].done = true;
		st->gr_left--;
	}
	pthread_mutex_unlock(&st->gr_lock);
}

/*
 * A client taken out of the table (destroyed, replaced or expired; not at
 * shutdown) loses its record: it can never reclaim after a later restart
 * (RFC 8881 §8.4.3), and as a previous client it is done.  No state lock
 * held.
 */
static void client_forget(struct state_table *st, struct client *cl)
{
	char name[REC_NAME_LEN + 1];
	uint32_t fsuid;

	if (cl->cl_prev >= 0 && cl->cl_confirmed)
		prev_done(st, cl->cl_prev);
	if (st->rec_dirfd < 0)
		return;
	/* Always under rec_lock: a writer that saw the client alive may
	 * still be writing. */
	fsuid = cred_raise();
	pthread_mutex_lock(&st->rec_lock);
	if (atomic_load(&cl->cl_recorded)) {
		rec_name(cl->cl_clientid, name);
		if (unlinkat(st->rec_dirfd, name, 0) < 0 && errno != ENOENT)
			log_err("client %016" PRIx64 ": cannot remove its record: %s",
				cl->cl_clientid, strerror(errno));
		else
			fsync(st->rec_dirfd);
		atomic_store(&cl->cl_recorded, false);
	}
	pthread_mutex_unlock(&st->rec_lock);
	cred_lower(fsuid);
}

static int prev_find(const struct state_table *st, const uint8_t *owner, uint32_t len)
{
	for (uint32_t i = 0; i < st->nprev; i++)
		if (st->prev[i].len == len && memcmp(st->prev[i].owner, owner, len) == 0)
			return (int)i;
	return -1;
}

static bool grace_active(struct state_table *st)
{
	bool on;

	pthread_mutex_lock(&st->gr_lock);
	on = st->gr_active;
	pthread_mutex_unlock(&st->gr_lock);
	return on;
}

/*
 * End the grace period once its time is up or every previous client is
 * done (RFC 8881 §8.4.2).  The earlier instances' records go first and
 * only then is new state allowed: a crash in between leaves them, so no
 * client loses its right to reclaim while conflicting state could not yet
 * have been granted.  No state lock held.
 */
static void grace_tick(struct state_table *st)
{
	uint32_t left, fsuid;
	bool end;

	pthread_mutex_lock(&st->gr_lock);
	end = st->gr_active && (st->gr_left == 0 || state_now(st) >= st->gr_end);
	pthread_mutex_unlock(&st->gr_lock);
	if (!end)
		return;
	fsuid = cred_raise(); /* perhaps in an OPEN running as its caller */
	pthread_mutex_lock(&st->rec_lock);
	pthread_mutex_lock(&st->gr_lock);
	end = st->gr_active; /* not ended by another thread meanwhile */
	pthread_mutex_unlock(&st->gr_lock);
	if (end) {
		for (uint32_t i = 0; i < st->rec_nold; i++) {
			if (unlinkat(st->rec_dirfd, st->rec_old[i], 0) < 0 && errno != ENOENT)
				log_err("cannot remove client record %s: %s", st->rec_old[i],
					strerror(errno));
			free(st->rec_old[i]);
		}
		if (st->rec_nold)
			fsync(st->rec_dirfd);
		free(st->rec_old);
		st->rec_old = NULL;
		st->rec_nold = 0;
		pthread_mutex_lock(&st->gr_lock);
		st->gr_active = false;
		left = st->gr_left;
		pthread_mutex_unlock(&st->gr_lock);
		if (left)
			log_msg(LOG_NOTICE,
				"grace period ended: time is up, %u client(s) had not sent "
				"RECLAIM_COMPLETE",
				left);
		else
			log_msg(LOG_NOTICE, "grace period ended: every previous client has "
					    "reclaimed or gone");
	}
	pthread_mutex_unlock(&st->rec_lock);
	cred_lower(fsuid);
}

bool state_in_grace(struct state_table *st)
{
	if (!st)
		return false;
	grace_tick(st);
	return grace_active(st);
}

unsigned state_reclaim_pending(struct state_table *st)
{
	unsigned n;

	pthread_mutex_lock(&st->gr_lock);
	n = st->gr_active ? st->gr_left : 0;
	pthread_mutex_unlock(&st->gr_lock);
	return n;
}

/* May cl reclaim now (RFC 8881 §8.4.2, §18.51.3)?  cl_lock held. */
static nfsstat4 reclaim_ok_locked(struct state_table *st, struct client *cl)
{
	bool ok;

	if (cl->cl_prev < 0 || cl->cl_reclaim_complete)
		return NFS4ERR_NO_GRACE;
	pthread_mutex_lock(&st->gr_lock);
	ok = st->gr_active && state_now(st) < st->gr_end && !st->prev[cl->cl_prev].done;
	pthread_mutex_unlock(&st->gr_lock);
	return ok ? NFS4_OK : NFS4ERR_NO_GRACE;
}

/* Run one of the *_ok_locked checks for c's client under its lock. */
static nfsstat4 client_check(struct compound *c,
			     nfsstat4 (*check)(struct state_table *, struct client *))
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	nfsstat4 status;

	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;
	grace_tick(st);
	pthread_mutex_lock(&cl->cl_lock);
	status = check(st, cl);
	pthread_mutex_unlock(&cl->cl_lock);
	return status;
}

nfsstat4 state_reclaim_allowed(struct compound *c)
{
	return client_check(c, reclaim_ok_locked);
}

/* May cl get new, non-reclaim locking state (RFC 8881 §8.4.2, §18.51.3)?
 * cl_lock held. */
static nfsstat4 new_state_ok_locked(struct state_table *st, struct client *cl)
{
	/* §18.51.3: "If non-reclaim locking operations are done before the
	 * RECLAIM_COMPLETE, an NFS4ERR_GRACE error will be returned", for
	 * every new client ID, in grace or not. */
	if (!cl->cl_reclaim_complete || grace_active(st))
		return NFS4ERR_GRACE;
	return NFS4_OK;
}

nfsstat4 state_new_state_allowed(struct compound *c)
{
	return client_check(c, new_state_ok_locked);
}

/* The boot epoch: later than every earlier instance's (kept in
 * DIR/clients/epoch), so that a restart within the same second, or after
 * the clock went back, never reuses client IDs, sessions or stateids. */
static int epoch_advance(struct state_table *st, int dirfd)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = openat(dirfd, REC_EPOCH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			char *end;
			unsigned long last;

			buf[n] = '\0';
			errno = 0;
			last = strtoul(buf, &end, 16);
			if (errno == 0 && end != buf && last <= UINT32_MAX &&
			    (uint32_t)last >= st->epoch)
				st->epoch = (uint32_t)last + 1;
		}
	} else if (errno != ENOENT) {
		return -errno;
	}
	n = snprintf(buf, sizeof(buf), "%08" PRIx32 "\n", st->epoch);
	return put_file(dirfd, REC_EPOCH, buf, (size_t)n);
}

/* Read record file `name`: the owner into a new buffer.  0 or -errno
 * (-EINVAL: not a record). */
static int rec_read(int dirfd, const char *name, uint8_t **owner, uint32_t *len)
{
	uint8_t *buf = NULL;
	struct stat sb;
	ssize_t n;
	int fd, r = -EINVAL;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)REC_HDR ||
	    sb.st_size > (off_t)(REC_HDR + NFS4_OPAQUE_LIMIT))
		goto out;
	buf = malloc((size_t)sb.st_size);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	n = read(fd, buf, (size_t)sb.st_size);
	if (n != sb.st_size || memcmp(buf, REC_MAGIC, REC_MAGIC_LEN) != 0 ||
	    get_be32(buf + REC_MAGIC_LEN) != (uint32_t)(sb.st_size - REC_HDR))
		goto out;
	*len = (uint32_t)(sb.st_size - REC_HDR);
	memmove(buf, buf + REC_HDR, *len);
	*owner = buf;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

static bool is_rec_name(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return i == REC_NAME_LEN;
}

/* Load the earlier instances' records into prev[] and rec_old[]. */
static int rec_load(struct state_table *st, int dirfd)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		uint8_t *owner = NULL;
		uint32_t len = 0;
		char *name;

		if (strncmp(de->d_name, REC_TMP, strlen(REC_TMP)) == 0) {
			/* a write cut short by a crash: never renamed, never
			 * promised to anyone */
			unlinkat(dirfd, de->d_name, 0);
			continue;
		}
		if (!is_rec_name(de->d_name))
			continue;
		r = rec_read(dirfd, de->d_name, &owner, &len);
		if (r == -EINVAL || r == -ENOENT) {
			log_warn("ignoring malformed client record %s", de->d_name);
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		name = strdup(de->d_name);
		char **no = realloc(st->rec_old, (st->rec_nold + 1) * sizeof(*no));

		if (no)
			st->rec_old = no;
		if (!name || !no) {
			free(name);
			free(owner);
			r = -ENOMEM;
			break;
		}
		st->rec_old[st->rec_nold++] = name;
		/* A crash during an earlier grace period leaves both the old
		 * and the new record of a client that reclaimed. */
		if (prev_find(st, owner, len) >= 0) {
			free(owner);
			continue;
		}
		struct prev_client *np = realloc(st->prev, (st->nprev + 1) * sizeof(*np));

		if (!np) {
			free(owner);
			r = -ENOMEM;
			break;
		}
		st->prev = np;
		np[st->nprev].owner = owner;
		np[st->nprev].len = len;
		np[st->nprev].done = false;
		st->nprev++;
	}
	closedir(d);
	return r;
}

int state_recovery_init(struct state_table *st, const char *dir, uint32_t grace_time)
{
	int dfd, cfd, r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (mkdirat(dfd, REC_DIR, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		close(dfd);
		return r;
	}
	cfd = openat(dfd, REC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (cfd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	close(dfd);
	/* One instance per directory: another one's live records are not
	 * ours to reclaim from.  The lock lives as long as the descriptor
	 * (through daemon()'s fork too). */
	if (flock(cfd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto fail;
	}
	r = epoch_advance(st, cfd);
	if (r == 0)
		r = rec_load(st, cfd);
	if (r < 0)
		goto fail;
	st->rec_dirfd = cfd;
	if (st->nprev == 0) {
		log_info("no client records in %s/" REC_DIR ": no grace period", dir);
		return 0;
	}
	pthread_mutex_lock(&st->gr_lock);
	st->gr_active = true;
	st->gr_end = state_now(st) + (grace_time ? grace_time : state_lease_time(st));
	st->gr_left = st->nprev;
	pthread_mutex_unlock(&st->gr_lock);
	log_msg(LOG_NOTICE, "grace period started: %u client(s) may reclaim for %u s", st->nprev,
		grace_time ? grace_time : state_lease_time(st));
	return 0;
fail:
	for (uint32_t i = 0; i < st->rec_nold; i++)
		free(st->rec_old[i]);
	free(st->rec_old);
	st->rec_old = NULL;
	st->rec_nold = 0;
	for (uint32_t i = 0; i < st->nprev; i++)
		free(st->prev[i].owner);
	free(st->prev);
	st->prev = NULL;
	st->nprev = 0;
	close(cfd);
	return r;
}

/* --- files and opens (table lock held for writing, cl_lock held) ---------- */

static struct state_file *file_find(struct state_table *st, uint64_t dev, uint64_t ino)
{
	uint64_t key[2] = { dev, ino };
	struct state_file *f = st->files[hash_bytes(key, sizeof(key))];

	while (f && (f->sf_dev != dev || f->sf_ino != ino))
		f = f->sf_next;
	return f;
}

static void file_unlink_open(struct state_table *st, struct open_state *os)
{
	struct state_file *f = os->os_file;
	struct open_state **pp = &f->sf_opens;

	while (*pp != os)
		pp = &(*pp)->os_fnext;
	*pp = os->os_fnext;
	os->os_file = NULL;
	if (f->sf_opens)
		return;
	assert(f->sf_locks == NULL); /* lock states go before their open */
	uint64_t key[2] = { f->sf_dev, f->sf_ino };
	struct state_file **fp = &st->files[hash_bytes(key, sizeof(key))];

	while (*fp != f)
		fp = &(*fp)->sf_next;
	*fp = f->sf_next;
	free(f);
}

static void owner_unlink_open(struct client *cl, struct open_state *os)
{
	struct open_owner *oo = os->os_owner;
	struct open_state **pp = &oo->oo_opens;

	while (*pp != os)
		pp = &(*pp)->os_onext;
	*pp = os->os_onext;
	os->os_owner = NULL;
	if (oo->oo_opens)
		return;
	/* RFC 8881 §8.2.4 keeps no owner seqid in 4.1: an owner without opens
	 * can go. */
	struct open_owner **op = &cl->cl_owners;

	while (*op != oo)
		op = &(*op)->oo_next;
	*op = oo->oo_next;
	free(oo);
}

static int stid_alloc(struct state_table *st, struct client *cl, struct stid *s, uint8_t type)
{
	uint32_t i;

	if (cl->cl_stid_count >= st->lim.max_stateids_per_client)
		return -ENOSPC;
	if (cl->cl_stid_count == cl->cl_stid_cap) {
		uint32_t ncap = cl->cl_stid_cap ? cl->cl_stid_cap * 2 : 16;

		if (ncap > STATE_MAX_STATEIDS)
			ncap = STATE_MAX_STATEIDS;
		if (ncap <= cl->cl_stid_cap)
			return -ENOSPC;
		struct stid **ns = realloc(cl->cl_stids, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		cl->cl_stids = ns;
		uint16_t *ng = realloc(cl->cl_gens, ncap * sizeof(*ng));

		if (!ng)
			return -ENOMEM;
		cl->cl_gens = ng;
		for (i = cl->cl_stid_cap; i < ncap; i++) {
			ns[i] = NULL;
			ng[i] = 0;
		}
		cl->cl_stid_cap = ncap;
	}
	for (i = 0; i < cl->cl_stid_cap; i++)
		if (!cl->cl_stids[i])
			break;
	assert(i < cl->cl_stid_cap);
	cl->cl_gens[i]++;
	cl->cl_stids[i] = s;
	cl->cl_stid_count++;
	s->type = type;
	s->idx = (uint16_t)i;
	s->seqid = 1;
	/* other: boot epoch, client counter, index, generation (state.h). */
	put_be32(s->other, st->epoch);
	put_be32(s->other + 4, (uint32_t)cl->cl_clientid);
	put_be32(s->other + 8, (uint32_t)i << 16 | cl->cl_gens[i]);
	return 0;
}

static void stid_release(struct client *cl, struct stid *s)
{
	assert(cl->cl_stids[s->idx] == s);
	cl->cl_stids[s->idx] = NULL;
	cl->cl_stid_count--;
}

/*
 * Free one lock state: off the file, open, owner and stateid lists.  Closing
 * its descriptor releases whatever OFD locks it still holds on the host
 * (the last reference to that open file description goes).  Table write
 * lock and cl_lock held.
 */
static void lock_state_unlink(struct client *cl, struct lock_state *ls)
{
	struct lock_state **pp;
	struct lock_owner *lo = ls->ls_owner;

	for (pp = &ls->ls_file->sf_locks; *pp != ls; pp = &(*pp)->ls_fnext)
		;
	*pp = ls->ls_fnext;
	for (pp = &ls->ls_open->os_locks; *pp != ls; pp = &(*pp)->ls_osnext)
		;
	*pp = ls->ls_osnext;
	for (pp = &lo->lo_states; *pp != ls; pp = &(*pp)->ls_onext)
		;
	*pp = ls->ls_onext;
	if (!lo->lo_states) {
		struct lock_owner **lp = &cl->cl_lock_owners;

		while (*lp != lo)
			lp = &(*lp)->lo_next;
		*lp = lo->lo_next;
		free(lo);
	}
	stid_release(cl, &ls->ls_stid);
	if (ls->ls_fd >= 0)
		close(ls->ls_fd);
	lock_ranges_free(&ls->ls_ranges);
	free(ls);
}

/* Close one open: its lock states go first, then off the file, owner and
 * stateid lists; drops the "open" reference.  Table write lock and cl_lock
 * held. */
static void open_state_unlink(struct state_table *st, struct client *cl, struct open_state *os)
{
	while (os->os_locks)
		lock_state_unlink(cl, os->os_locks);
	file_unlink_open(st, os);
	owner_unlink_open(cl, os);
	stid_release(cl, &os->os_stid);
	open_state_put(os);
}

/* --- client records ------------------------------------------------------- */

static struct client *client_find_id(struct state_table *st, uint64_t clientid)
{
	struct client *cl = st->by_id[hash_bytes(&clientid, sizeof(clientid))];

	while (cl && cl->cl_clientid != clientid)
		cl = cl->cl_idnext;
	return cl;
}

static struct client *client_find_name(struct state_table *st, const struct xdr_view *owner,
				       bool confirmed)
{
	struct client *cl = st->by_name[hash_bytes(owner->data, owner->len)];

	for (; cl; cl = cl->cl_namenext)
		if (cl->cl_confirmed == confirmed && cl->cl_owner_len == owner->len &&
		    memcmp(cl->cl_owner, owner->data, owner->len) == 0)
			return cl;
	return NULL;
}

static bool client_has_state(struct client *cl)
{
	return cl->cl_sessions != NULL || cl->cl_stid_count > 0;
}

/*
 * Take a client out of the table with everything it owns (RFC 8881 §8.3 on
 * expiry, §18.50 on DESTROY_CLIENTID, §18.35.5 on replacement).  Table write
 * lock held; the caller drops the returned "hashed" reference with
 * client_put() after unlocking.
 */
static void client_unhash(struct state_table *st, struct client *cl)
{
	struct client **pp;

	pthread_mutex_lock(&cl->cl_lock);
	cl->cl_dead = true;
	for (uint32_t i = 0; i < cl->cl_stid_cap; i++) {
		struct stid *s = cl->cl_stids[i];

		if (s && s->type == STID_OPEN)
			open_state_unlink(st, cl, (struct open_state *)s);
	}
	while (cl->cl_sessions) {
		struct session *se = cl->cl_sessions;
		struct session **sp = &st->sessions[hash_bytes(se->se_id, sizeof(se->se_id))];

		while (*sp != se)
			sp = &(*sp)->se_hnext;
		*sp = se->se_hnext;
		cl->cl_sessions = se->se_cnext;
		se->se_dead = true;
		/* Not the last reference to cl: the table's is still held. */
		session_put(se);
	}
	cl->cl_nsessions = 0;
	pthread_mutex_unlock(&cl->cl_lock);

	pp = &st->by_id[hash_bytes(&cl->cl_clientid, sizeof(cl->cl_clientid))];
	while (*pp != cl)
		pp = &(*pp)->cl_idnext;
	*pp = cl->cl_idnext;
	pp = &st->by_name[hash_bytes(cl->cl_owner, cl->cl_owner_len)];
	while (*pp != cl)
		pp = &(*pp)->cl_namenext;
	*pp = cl->cl_namenext;
	st->nclients--;
}

/* After client_unhash() and the table lock: forget the client's record
 * and drop the "hashed" reference.  NULL is allowed. */
static void client_drop(struct state_table *st, struct client *cl)
{
	if (!cl)
		return;
	client_forget(st, cl);
	client_put(cl);
}

/* One log line per client event, rate-limited (clients can cause many). */
static void client_log(struct state_table *st, const struct client *cl, const char *what)
{
	char addr[64];

	log_limited(st->srv ? &st->srv->log_limits[LOG_KIND_CLIENT] : NULL, LOG_NOTICE,
		    "client %016" PRIx64 " (%s, label domain %s): %s", cl->cl_clientid,
		    log_addr(&cl->cl_addr, addr, sizeof(addr)), cl->cl_domain, what);
}

static struct client *client_new(struct state_table *st, struct compound *c,
				 const struct state_exchange_args *a)
{
	struct client *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return NULL;
	cl->cl_owner = malloc(a->owner.len ? a->owner.len : 1);
	if (!cl->cl_owner) {
		free(cl);
		return NULL;
	}
	memcpy(cl->cl_owner, a->owner.data, a->owner.len);
	cl->cl_owner_len = a->owner.len;
	/* §8.4.2: a client with a record of an earlier instance may reclaim
	 * (during grace, until it is done). */
	cl->cl_prev = prev_find(st, cl->cl_owner, cl->cl_owner_len);
	atomic_init(&cl->cl_recorded, false);
	pthread_mutex_init(&cl->cl_lock, NULL);
	atomic_init(&cl->cl_ref, 1); /* the table's */
	memcpy(cl->cl_verifier, a->verifier, sizeof(cl->cl_verifier));
	cred_of(c, &cl->cl_flavor, &cl->cl_uid);
	srv_client_domain_name(c->srv, c, cl->cl_domain, sizeof(cl->cl_domain));
	cl->cl_domain[sizeof(cl->cl_domain) - 1] = '\0';
	if (c->call && c->call->conn)
		cl->cl_addr = c->call->conn->peer;
	/* RFC 8881 §2.4.1: clientid4 = boot epoch << 32 | counter, so ids of
	 * an earlier instance are recognised as stale. */
	cl->cl_clientid = (uint64_t)st->epoch << 32 | st->next_client;
	if (++st->next_client == 0)
		st->next_client = 1;
	/* §18.35.4: CREATE_SESSION's first csa_sequence is eir_sequenceid;
	 * we answer 1, so the slot "last seen" is 0. */
	cl->cl_cs_seqid = 0;
	renew_locked(st, cl);

	struct client **pp = &st->by_id[hash_bytes(&cl->cl_clientid, sizeof(cl->cl_clientid))];

	cl->cl_idnext = *pp;
	*pp = cl;
	pp = &st->by_name[hash_bytes(cl->cl_owner, cl->cl_owner_len)];
	cl->cl_namenext = *pp;
	*pp = cl;
	st->nclients++;
	return cl;
}

static void exchange_res(struct client *cl, struct state_exchange_res *r)
{
	r->clientid = cl->cl_clientid;
	r->sequenceid = seqid_next(cl->cl_cs_seqid);
	/* §18.35.3: no pNFS, so USE_NON_PNFS. */
	r->flags = EXCHGID4_FLAG_USE_NON_PNFS;
	if (cl->cl_confirmed)
		r->flags |= EXCHGID4_FLAG_CONFIRMED_R;
}

nfsstat4 state_exchange_id(struct compound *c, const struct state_exchange_args *a,
			   struct state_exchange_res *r)
{
	struct state_table *st = table_of(c);
	struct client *conf, *unconf, *old = NULL, *old_unconf = NULL, *cl;
	uint32_t flavor, uid;
	nfsstat4 status = NFS4_OK;
	bool same_verf, same_princ;

	cred_of(c, &flavor, &uid);
	pthread_rwlock_wrlock(&st->lock);
	conf = client_find_name(st, &a->owner, true);
	unconf = client_find_name(st, &a->owner, false);
	same_verf = conf && memcmp(conf->cl_verifier, a->verifier, NFS4_VERIFIER_SIZE) == 0;
	same_princ = conf && conf->cl_flavor == flavor && conf->cl_uid == uid;

	if (a->flags & EXCHGID4_FLAG_UPD_CONFIRMED_REC_A) {
		/* RFC 8881 §18.35.5 cases 6-9. */
		if (!conf)
			status = NFS4ERR_NOENT;          /* case 7 */
		else if (!same_princ)
			status = NFS4ERR_PERM;           /* case 9 */
		else if (!same_verf)
			status = NFS4ERR_NOT_SAME;       /* case 8 */
		else
			exchange_res(conf, r);           /* case 6: nothing to update */
		goto out;
	}
	if (conf && !same_princ) {
		/* Case 3: collision.  A record still holding state keeps its
		 * owner name; one without state is forgotten. */
		pthread_mutex_lock(&conf->cl_lock);
		bool busy = client_has_state(conf) && state_now(st) < conf->cl_expire;

		pthread_mutex_unlock(&conf->cl_lock);
		if (busy) {
			status = NFS4ERR_CLID_INUSE;
			goto out;
		}
		client_unhash(st, conf);
		old = conf;
		conf = NULL;
	}
	if (conf && same_verf) {
		/* Case 2: the same incarnation asks again. */
		pthread_mutex_lock(&conf->cl_lock);
		renew_locked(st, conf);
		pthread_mutex_unlock(&conf->cl_lock);
		exchange_res(conf, r);
		goto out;
	}
	/* Case 1 (new owner), 4 (replace an unconfirmed record) and 5 (client
	 * restart: the confirmed record stays until CREATE_SESSION confirms
	 * the new one). */
	if (unconf) {
		client_unhash(st, unconf);
		old_unconf = unconf;
	}
	if (st->nclients >= st->lim.max_clients) {
		/* RFC 8881 has no "too many clients" error; of those
		 * §15.2 allows for EXCHANGE_ID, NFS4ERR_DELAY makes the
		 * client retry, and records free up as leases expire.
		 * Logged at most once a minute: any peer can trigger it. */
		uint64_t now = state_now(st);

		if (!st->full_logged || now - st->full_logged >= 60) {
			st->full_logged = now;
			log_warn("client limit reached (max-clients = %u): new clients get "
				 "NFS4ERR_DELAY until leases of idle ones expire; raise "
				 "max-clients in lnfsd.conf if this is expected",
				 st->lim.max_clients);
		}
		status = NFS4ERR_DELAY;
		goto out;
	}
	cl = client_new(st, c, a);
	if (!cl) {
		status = NFS4ERR_DELAY;
		goto out;
	}
	exchange_res(cl, r);
out:
	pthread_rwlock_unlock(&st->lock);
	client_drop(st, old);
	client_drop(st, old_unconf);
	return status;
}

/* --- sessions ------------------------------------------------------------- */

static struct session *session_find(struct state_table *st, const uint8_t *id)
{
	struct session *se = st->sessions[hash_bytes(id, NFS4_SESSIONID_SIZE)];

	while (se && memcmp(se->se_id, id, NFS4_SESSIONID_SIZE) != 0)
		se = se->se_hnext;
	return se;
}

/* cl_lock held. */
static bool session_has_conn(const struct session *se, uint64_t conn)
{
	for (uint32_t i = 0; i < se->se_nconns; i++)
		if (se->se_conns[i] == conn)
			return true;
	return false;
}

/* cl_lock held.  RFC 8881 §2.10.3.1: with SP4_NONE a connection is
 * associated with a session by using it; the oldest binding makes room. */
static void session_bind_conn(struct session *se, uint64_t conn)
{
	for (uint32_t i = 0; i < se->se_nconns; i++)
		if (se->se_conns[i] == conn)
			return;
	if (se->se_nconns == STATE_MAX_CONNS_PER_SESSION) {
		memmove(se->se_conns, se->se_conns + 1,
			(STATE_MAX_CONNS_PER_SESSION - 1) * sizeof(se->se_conns[0]));
		se->se_nconns--;
	}
	se->se_conns[se->se_nconns++] = conn;
}

static nfsstat4 negotiate_fore(const struct state_chan_attrs *in, struct state_chan_attrs *out)
{
	/* RFC 8881 §18.36.3: the server may lower every value but must not
	 * raise them; too small to carry SEQUENCE is NFS4ERR_TOOSMALL. */
	if (in->maxrequestsize < STATE_MIN_REQUEST_SIZE ||
	    in->maxresponsesize < STATE_MIN_RESPONSE_SIZE || in->maxoperations == 0)
		return NFS4ERR_TOOSMALL;
	out->headerpadsize = 0;
	out->maxrequestsize = in->maxrequestsize < STATE_MAX_REQUEST_SIZE
				      ? in->maxrequestsize
				      : STATE_MAX_REQUEST_SIZE;
	out->maxresponsesize = in->maxresponsesize < STATE_MAX_RESPONSE_SIZE
				       ? in->maxresponsesize
				       : STATE_MAX_RESPONSE_SIZE;
	out->maxresponsesize_cached = in->maxresponsesize_cached < STATE_MAX_RESPONSE_CACHED
					      ? in->maxresponsesize_cached
					      : STATE_MAX_RESPONSE_CACHED;
	if (out->maxresponsesize_cached > out->maxresponsesize)
		out->maxresponsesize_cached = out->maxresponsesize;
	out->maxoperations = in->maxoperations < STATE_MAX_OPS ? in->maxoperations : STATE_MAX_OPS;
	out->maxrequests = in->maxrequests < STATE_MAX_SLOTS ? in->maxrequests : STATE_MAX_SLOTS;
	if (out->maxrequests == 0)
		out->maxrequests = 1;
	return NFS4_OK;
}

static bool encode_chan(struct xdr_out *x, const struct state_chan_attrs *a)
{
	return xdr_put_u32(x, a->headerpadsize) && xdr_put_u32(x, a->maxrequestsize) &&
	       xdr_put_u32(x, a->maxresponsesize) && xdr_put_u32(x, a->maxresponsesize_cached) &&
	       xdr_put_u32(x, a->maxoperations) && xdr_put_u32(x, a->maxrequests) &&
	       xdr_put_u32(x, 0); /* ca_rdma_ird<1>: empty */
}

nfsstat4 state_create_session(struct compound *c, const struct state_create_session_args *a,
			      struct xdr_out *res)
{
	struct state_table *st = table_of(c);
	struct client *cl, *conf, *old = NULL;
	struct session *se = NULL;
	struct state_chan_attrs fore, back;
	nfsstat4 status;
	uint32_t flavor, uid;
	uint64_t conn;

	if (a->flags & ~(CREATE_SESSION4_FLAG_PERSIST | CREATE_SESSION4_FLAG_CONN_BACK_CHAN |
			 CREATE_SESSION4_FLAG_CONN_RDMA))
		return NFS4ERR_INVAL;
	if ((uint32_t)(a->clientid >> 32) != st->epoch)
		return NFS4ERR_STALE_CLIENTID; /* §18.36.4: another instance's id */

	cred_of(c, &flavor, &uid);
	pthread_rwlock_wrlock(&st->lock);
	cl = client_find_id(st, a->clientid);
	if (!cl) {
		status = NFS4ERR_STALE_CLIENTID;
		goto out_unlock;
	}
	pthread_mutex_lock(&cl->cl_lock);
	/* RFC 8881 §18.36.4: the CREATE_SESSION sequence slot. */
	if (a->sequence == cl->cl_cs_seqid && cl->cl_cs_cached) {
		status = xdr_put_fixed(res, cl->cl_cs_res, cl->cl_cs_len) ? NFS4_OK
									: NFS4ERR_REP_TOO_BIG;
		goto out_cl;
	}
	if (a->sequence != seqid_next(cl->cl_cs_seqid)) {
		status = NFS4ERR_SEQ_MISORDERED;
		goto out_cl;
	}
	/* §18.36.4: an unconfirmed record is confirmed only by the principal
	 * that created it. */
	if (!cl->cl_confirmed && (cl->cl_flavor != flavor || cl->cl_uid != uid)) {
		status = NFS4ERR_CLID_INUSE;
		goto out_cl;
	}
	status = negotiate_fore(&a->fore, &fore);
	if (status)
		goto out_cl;
	/* The back channel is recorded but never used: no callbacks are sent
	 * (decisions.md 7).  Still, §18.36.3: sizes that could never carry
	 * CB_SEQUENCE are NFS4ERR_TOOSMALL, as for the fore channel. */
	if (a->back.maxrequestsize < STATE_MIN_CB_REQUEST_SIZE ||
	    a->back.maxresponsesize < STATE_MIN_CB_RESPONSE_SIZE) {
		status = NFS4ERR_TOOSMALL;
		goto out_cl;
	}
	back = a->back;
	back.headerpadsize = 0;
	if (back.maxrequests > STATE_MAX_SLOTS)
		back.maxrequests = STATE_MAX_SLOTS;
	if (back.maxoperations > STATE_MAX_OPS)
		back.maxoperations = STATE_MAX_OPS;
	if (cl->cl_nsessions >= st->lim.max_sessions_per_client) {
		status = NFS4ERR_NOSPC;
		goto out_cl;
	}
	se = calloc(1, sizeof(*se) + fore.maxrequests * sizeof(se->se_slots[0]));
	if (!se) {
		status = NFS4ERR_DELAY;
		goto out_cl;
	}
	atomic_init(&se->se_ref, 1); /* the table's */
	client_get(cl);
	se->se_client = cl;
	se->se_fore = fore;
	se->se_back = back;
	se->se_cb_program = a->cb_program;
	se->se_nslots = fore.maxrequests;
	/* sessionid4: client id, then a per-boot session counter. */
	put_be32(se->se_id, (uint32_t)(cl->cl_clientid >> 32));
	put_be32(se->se_id + 4, (uint32_t)cl->cl_clientid);
	put_be32(se->se_id + 8, st->next_session++);
	put_be32(se->se_id + 12, st->epoch);
	if (conn_of(c, &conn))
		session_bind_conn(se, conn); /* §18.36.4: the creating connection */

	/* Encode CREATE_SESSION4resok; flags: no persistence, no back
	 * channel on this connection, no RDMA. */
	struct xdr_out enc;

	xdr_out_init(&enc, CS_RES_MAX);
	bool ok = xdr_put_fixed(&enc, se->se_id, NFS4_SESSIONID_SIZE) &&
		  xdr_put_u32(&enc, a->sequence) && xdr_put_u32(&enc, 0) &&
		  encode_chan(&enc, &fore) && encode_chan(&enc, &back);

	if (!ok || !xdr_put_fixed(res, enc.buf, enc.len)) {
		xdr_out_release(&enc);
		status = ok ? NFS4ERR_REP_TOO_BIG : NFS4ERR_SERVERFAULT;
		goto out_cl;
	}
	memcpy(cl->cl_cs_res, enc.buf, enc.len);
	cl->cl_cs_len = (uint32_t)enc.len;
	xdr_out_release(&enc);
	cl->cl_cs_cached = true;
	cl->cl_cs_seqid = a->sequence;
	renew_locked(st, cl);

	struct session **sp = &st->sessions[hash_bytes(se->se_id, NFS4_SESSIONID_SIZE)];

	se->se_hnext = *sp;
	*sp = se;
	se->se_cnext = cl->cl_sessions;
	cl->cl_sessions = se;
	cl->cl_nsessions++;

	if (!cl->cl_confirmed) {
		struct xdr_view owner = { cl->cl_owner, cl->cl_owner_len };

		pthread_mutex_unlock(&cl->cl_lock);
		/* §18.35.5 case 5: confirming a restarted client's new record
		 * discards the old incarnation and its state. */
		conf = client_find_name(st, &owner, true);
		if (conf) {
			client_unhash(st, conf);
			old = conf;
		}
		pthread_mutex_lock(&cl->cl_lock);
		cl->cl_confirmed = true;
		client_log(st, cl, "established");
	}
	status = NFS4_OK;
out_cl:
	pthread_mutex_unlock(&cl->cl_lock);
out_unlock:
	pthread_rwlock_unlock(&st->lock);
	client_drop(st, old);
	return status;
}

nfsstat4 state_sequence(struct compound *c, const struct state_sequence_args *a,
			struct state_sequence_res *r)
{
	struct state_table *st = table_of(c);
	struct session *se;
	struct client *cl;
	struct slot *sl;
	nfsstat4 status;
	uint64_t conn;

	if (c->session)
		return NFS4ERR_SEQUENCE_POS; /* §18.46.3: only one SEQUENCE */
	pthread_rwlock_rdlock(&st->lock);
	se = session_find(st, a->sessionid);
	if (se)
		session_get(se);
	pthread_rwlock_unlock(&st->lock);
	if (!se)
		return NFS4ERR_BADSESSION;

	cl = se->se_client;
	pthread_mutex_lock(&cl->cl_lock);
	if (se->se_dead) {
		status = NFS4ERR_BADSESSION;
		goto fail;
	}
	if (a->slotid >= se->se_nslots) {
		status = NFS4ERR_BADSLOT; /* §18.46.3 */
		goto fail;
	}
	/* §18.46.3 / §2.10.6.4: more ops than ca_maxoperations; checked
	 * before the slot is touched so the request can be sent again */
	if (c->op_count > se->se_fore.maxoperations) {
		status = NFS4ERR_TOO_MANY_OPS;
		goto fail;
	}
	/* §2.10.6.4: a request larger than the negotiated ca_maxrequestsize */
	if (c->call && c->call->record_len > se->se_fore.maxrequestsize) {
		status = NFS4ERR_REQ_TOO_BIG;
		goto fail;
	}
	/* §2.10.6.4, §18.46.3: with sa_cachethis, a reply cache too small
	 * for even this SEQUENCE's reply.  Refused before the slot moves on,
	 * so the client may resend it without sa_cachethis. */
	if (a->cachethis &&
	    STATE_SEQUENCE_REPLY_MIN + (((uint64_t)c->tag_len + 3) & ~3ull) >
		    se->se_fore.maxresponsesize_cached) {
		status = NFS4ERR_REP_TOO_BIG_TO_CACHE;
		goto fail;
	}
	sl = &se->se_slots[a->slotid];
	/* RFC 8881 §2.10.6.1. */
	if (sl->sl_inuse) {
		/* A retry of the request still running waits; anything else
		 * on a busy slot is out of order. */
		status = a->sequenceid == sl->sl_seqid ? NFS4ERR_DELAY : NFS4ERR_SEQ_MISORDERED;
		goto fail;
	}
	if (a->sequenceid == sl->sl_seqid) {
		if (!sl->sl_used) {
			status = NFS4ERR_SEQ_MISORDERED;
			goto fail;
		}
		if (!sl->sl_cached) {
			status = NFS4ERR_RETRY_UNCACHED_REP; /* §2.10.6.1.3 */
			goto fail;
		}
		sl->sl_replay = true;
	} else if (a->sequenceid == seqid_next(sl->sl_seqid)) {
		sl->sl_seqid = a->sequenceid;
		sl->sl_used = true;
		sl->sl_cached = false;
		sl->sl_replay = false;
	} else {
		status = NFS4ERR_SEQ_MISORDERED;
		goto fail;
	}
	sl->sl_inuse = true;
	cl->cl_rpc_users++;
	renew_locked(st, cl); /* §8.3: SEQUENCE renews the lease */
	if (conn_of(c, &conn))
		session_bind_conn(se, conn);
	r->highest_slotid = se->se_nslots - 1;
	r->target_highest_slotid = se->se_nslots - 1;
	/* No callbacks, no revocation yet: nothing to report.  Nor
	 * SEQ4_STATUS_RESTART_RECLAIM_NEEDED (§18.46.3), meant for client IDs
	 * that survive a restart: ours carry the boot epoch, so after one a
	 * client hears NFS4ERR_BADSESSION / NFS4ERR_STALE_CLIENTID (§8.4.2.1)
	 * and reclaims under its new client ID. */
	r->status_flags = 0;
	r->replay = sl->sl_replay;
	pthread_mutex_unlock(&cl->cl_lock);

	client_get(cl);
	c->session = se; /* our reference */
	c->client = cl;
	c->slot = sl;
	c->cachethis = a->cachethis;
	c->replay = r->replay; /* the loop then sends state_slot_replay()'s bytes */
	c->max_resp_size = se->se_fore.maxresponsesize;
	c->max_ops = se->se_fore.maxoperations;
	return NFS4_OK;
fail:
	pthread_mutex_unlock(&cl->cl_lock);
	session_put(se);
	return status;
}

bool state_slot_replay(struct compound *c, const uint8_t **data, size_t *len)
{
	if (!c->slot || !c->slot->sl_replay)
		return false;
	/* The slot is ours (sl_inuse) until state_slot_done(): its cache
	 * cannot change underneath. */
	*data = c->slot->sl_data;
	*len = c->slot->sl_len;
	return true;
}

void state_slot_done(struct compound *c, const uint8_t *compound_res, size_t len)
{
	struct state_table *st = table_of(c);
	struct session *se = c->session;
	struct client *cl = c->client;
	struct slot *sl = c->slot;

	if (se && sl) {
		pthread_mutex_lock(&se->se_client->cl_lock);
		if (!sl->sl_replay) {
			sl->sl_cached = false;
			if (c->cachethis && compound_res &&
			    len <= se->se_fore.maxresponsesize_cached) {
				if (len > sl->sl_cap) {
					uint8_t *p = realloc(sl->sl_data, len);

					if (p) {
						sl->sl_data = p;
						sl->sl_cap = len;
					}
				}
				if (len <= sl->sl_cap) {
					if (len)
						memcpy(sl->sl_data, compound_res, len);
					sl->sl_len = len;
					sl->sl_cached = true;
				}
			}
		}
		sl->sl_replay = false;
		sl->sl_inuse = false;
		se->se_client->cl_rpc_users--;
		renew_locked(st, se->se_client);
		pthread_mutex_unlock(&se->se_client->cl_lock);
	}
	c->slot = NULL;
	c->session = NULL;
	c->client = NULL;
	c->replay = false;
	session_put(se);
	client_put(cl);
}

uint32_t state_max_cached_reply(const struct compound *c)
{
	return c->session ? c->session->se_fore.maxresponsesize_cached : 0;
}

nfsstat4 state_bind_conn(struct compound *c, const uint8_t sessionid[NFS4_SESSIONID_SIZE],
			 uint32_t dir, uint32_t *dir_out)
{
	struct state_table *st = table_of(c);
	struct session *se;
	nfsstat4 status = NFS4_OK;
	uint64_t conn;

	/* RFC 8881 §18.34.3.  The back channel is never used (no
	 * callbacks), so "or both" is answered with the fore channel only
	 * and a back-only request is recorded and acknowledged. */
	switch (dir) {
	case CDFC4_FORE:
	case CDFC4_FORE_OR_BOTH:
		*dir_out = CDFS4_FORE;
		break;
	case CDFC4_BACK:
		*dir_out = CDFS4_BACK;
		break;
	case CDFC4_BACK_OR_BOTH:
		*dir_out = CDFS4_BOTH;
		break;
	default:
		return NFS4ERR_INVAL;
	}
	pthread_rwlock_rdlock(&st->lock);
	se = session_find(st, sessionid);
	if (se)
		session_get(se);
	pthread_rwlock_unlock(&st->lock);
	if (!se)
		return NFS4ERR_BADSESSION;
	pthread_mutex_lock(&se->se_client->cl_lock);
	if (se->se_dead) {
		status = NFS4ERR_BADSESSION;
	} else {
		if (conn_of(c, &conn))
			session_bind_conn(se, conn);
		renew_locked(st, se->se_client);
	}
	pthread_mutex_unlock(&se->se_client->cl_lock);
	session_put(se);
	return status;
}

nfsstat4 state_destroy_session(struct compound *c, const uint8_t sessionid[NFS4_SESSIONID_SIZE])
{
	struct state_table *st = table_of(c);
	struct session *se, **pp;
	struct client *cl;
	uint64_t conn;

	/*
	 * RFC 8881 §18.37.3.  Compounds still running on the session keep it
	 * alive through their reference; new SEQUENCEs get
	 * NFS4ERR_BADSESSION at once.
	 */
	pthread_rwlock_wrlock(&st->lock);
	se = session_find(st, sessionid);
	if (!se) {
		pthread_rwlock_unlock(&st->lock);
		return NFS4ERR_BADSESSION;
	}
	/* §18.37.3: the compound's own session only as its last op. */
	if (se == c->session && c->op_index + 1 != c->op_count) {
		pthread_rwlock_unlock(&st->lock);
		return NFS4ERR_NOT_ONLY_OP;
	}
	cl = se->se_client;
	pthread_mutex_lock(&cl->cl_lock);
	/* §18.37.3: "MUST be invoked on a connection that is associated with
	 * the session".  With SP4_NONE a connection becomes associated by
	 * use (§2.10.3.1: CREATE_SESSION, a SEQUENCE of the session, or
	 * BIND_CONN_TO_SESSION), so only a DESTROY_SESSION alone on a
	 * connection that never did any of those is refused. */
	if (conn_of(c, &conn) && !session_has_conn(se, conn)) {
		pthread_mutex_unlock(&cl->cl_lock);
		pthread_rwlock_unlock(&st->lock);
		return NFS4ERR_CONN_NOT_BOUND_TO_SESSION;
	}
	pp = &st->sessions[hash_bytes(se->se_id, NFS4_SESSIONID_SIZE)];
	while (*pp != se)
		pp = &(*pp)->se_hnext;
	*pp = se->se_hnext;
	pp = &cl->cl_sessions;
	while (*pp != se)
		pp = &(*pp)->se_cnext;
	*pp = se->se_cnext;
	cl->cl_nsessions--;
	se->se_dead = true;
	renew_locked(st, cl);
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	session_put(se);
	return NFS4_OK;
}

nfsstat4 state_destroy_clientid(struct compound *c, uint64_t clientid)
{
	struct state_table *st = table_of(c);
	struct client *cl;
	bool busy;

	if ((uint32_t)(clientid >> 32) != st->epoch)
		return NFS4ERR_STALE_CLIENTID;
	pthread_rwlock_wrlock(&st->lock);
	cl = client_find_id(st, clientid);
	if (!cl) {
		pthread_rwlock_unlock(&st->lock);
		return NFS4ERR_STALE_CLIENTID;
	}
	/* RFC 8881 §18.50.3: sessions or other state make it busy (this
	 * includes the session the request itself came on). */
	pthread_mutex_lock(&cl->cl_lock);
	busy = client_has_state(cl) || cl->cl_rpc_users > 0;
	pthread_mutex_unlock(&cl->cl_lock);
	if (busy) {
		pthread_rwlock_unlock(&st->lock);
		return NFS4ERR_CLIENTID_BUSY;
	}
	client_unhash(st, cl);
	pthread_rwlock_unlock(&st->lock);
	client_drop(st, cl);
	return NFS4_OK;
}

nfsstat4 state_reclaim_complete(struct compound *c, bool one_fs)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	nfsstat4 status = NFS4_OK;

	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;
	/* RFC 8881 §18.51.3: rca_one_fs concerns one file system after a
	 * migration; there is no migration here, so nothing to track. */
	if (one_fs)
		return NFS4_OK;
	pthread_mutex_lock(&cl->cl_lock);
	if (cl->cl_reclaim_complete)
		status = NFS4ERR_COMPLETE_ALREADY;
	cl->cl_reclaim_complete = true;
	pthread_mutex_unlock(&cl->cl_lock);
	/* §8.4.2, §18.51.3: no more reclaims from this client; once every
	 * previous client is done, grace ends at once. */
	if (status == NFS4_OK && cl->cl_prev >= 0) {
		prev_done(st, cl->cl_prev);
		grace_tick(st);
	}
	return status;
}

/* --- stateids ------------------------------------------------------------- */

enum sid_kind {
	SID_NORMAL,
	SID_ANON,    /* all zeros */
	SID_BYPASS,  /* all ones */
};

static bool other_all(const struct stateid4 *sid, uint8_t v)
{
	for (int i = 0; i < NFS4_OTHER_SIZE; i++)
		if (sid->other[i] != v)
			return false;
	return true;
}

/* RFC 8881 §8.2.3: classify the special stateids.  The current stateid is
 * only substituted when `cur` is true (not inside TEST_STATEID's list). */
static nfsstat4 stateid_classify(const struct compound *c, const struct stateid4 *in, bool cur,
				 struct stateid4 *out, enum sid_kind *kind)
{
	*out = *in;
	if (cur && in->seqid == 1 && other_all(in, 0)) {
		if (!c->have_cur_stateid)
			return NFS4ERR_BAD_STATEID; /* §16.2.3.1.2 */
		*out = c->cur_stateid;
	}
	if (other_all(out, 0)) {
		if (out->seqid != 0)
			return NFS4ERR_BAD_STATEID; /* current (nested) or invalid */
		*kind = SID_ANON;
		return NFS4_OK;
	}
	if (other_all(out, 0xff)) {
		if (out->seqid != UINT32_MAX)
			return NFS4ERR_BAD_STATEID;
		*kind = SID_BYPASS;
		return NFS4_OK;
	}
	*kind = SID_NORMAL;
	return NFS4_OK;
}

/* Find cl's stateid `sid` (not special) of a type in `types` (bit 1 << type);
 * cl_lock held.  RFC 8881 §8.2.2 (seqid), §8.2.4 (wrong client). */
static nfsstat4 stid_find(struct state_table *st, struct client *cl, const struct stateid4 *sid,
			  unsigned types, struct stid **out)
{
	uint32_t ig, idx;
	struct stid *s;

	if (get_be32(sid->other) != st->epoch)
		return NFS4ERR_STALE_STATEID;
	if (get_be32(sid->other + 4) != (uint32_t)cl->cl_clientid)
		return NFS4ERR_BAD_STATEID;
	ig = get_be32(sid->other + 8);
	idx = ig >> 16;
	if (idx >= cl->cl_stid_cap || !(s = cl->cl_stids[idx]) ||
	    cl->cl_gens[idx] != (uint16_t)ig || !(types & (1u << s->type)))
		return NFS4ERR_BAD_STATEID;
	if (sid->seqid != 0 && sid->seqid != s->seqid) {
		/* §8.2.2: 0 means "the current one"; older is OLD_STATEID,
		 * a seqid never handed out is BAD_STATEID. */
		return sid->seqid < s->seqid ? NFS4ERR_OLD_STATEID : NFS4ERR_BAD_STATEID;
	}
	*out = s;
	return NFS4_OK;
}

static void stid_to_wire(const struct stid *s, struct stateid4 *out)
{
	out->seqid = s->seqid;
	memcpy(out->other, s->other, NFS4_OTHER_SIZE);
}

static bool share_args_valid(uint32_t access, uint32_t deny)
{
	return access >= OPEN4_SHARE_ACCESS_READ && access <= OPEN4_SHARE_ACCESS_BOTH &&
	       deny <= OPEN4_SHARE_DENY_BOTH;
}

static void set_fd(struct open_state *os, uint32_t access, int fd)
{
	if (fd < 0)
		return;
	if (os->os_fd[access] < 0)
		os->os_fd[access] = fd;
	else
		close(fd);
}

static nfsstat4 open_common(struct compound *c, const struct xdr_view *owner, uint64_t dev,
			    uint64_t ino, uint32_t share_access, uint32_t share_deny, int fd,
			    struct stateid4 *out, bool reclaim)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct open_owner *oo;
	struct open_state *os = NULL, *o;
	struct state_file *f;
	uint32_t access, deny, want_access, want_deny;
	nfsstat4 status = NFS4_OK;
	bool new_owner = false, new_file = false;
	int err;

	access = share_access & ~(OPEN4_SHARE_ACCESS_WANT_DELEG_MASK |
				  OPEN4_SHARE_ACCESS_WANT_SIGNAL_DELEG_WHEN_RESRC_AVAIL |
				  OPEN4_SHARE_ACCESS_WANT_PUSH_DELEG_WHEN_UNCONTENDED);
	deny = share_deny;
	if (!share_args_valid(access, deny))
		return NFS4ERR_INVAL; /* §18.16.3 */
	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;

	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	if (cl->cl_dead) {
		status = NFS4ERR_EXPIRED;
		goto out;
	}
	/* RFC 8881 §8.4.2: during grace only reclaims; reclaims only then.
	 * §18.51.3: new opens only after the client's RECLAIM_COMPLETE. */
	if (reclaim)
		status = reclaim_ok_locked(st, cl);
	else
		status = new_state_ok_locked(st, cl);
	if (status)
		goto out;
	for (oo = cl->cl_owners; oo; oo = oo->oo_next)
		if (oo->oo_len == owner->len && memcmp(oo->oo_data, owner->data, owner->len) == 0)
			break;
	if (oo)
		for (os = oo->oo_opens; os; os = os->os_onext)
			if (os->os_dev == dev && os->os_ino == ino)
				break;
	want_access = access | (os ? os->os_access : 0);
	want_deny = deny | (os ? os->os_deny : 0);

	/* RFC 8881 §9.7: every other open of the file, whoever holds it. */
	f = file_find(st, dev, ino);
	for (o = f ? f->sf_opens : NULL; o; o = o->os_fnext) {
		if (o == os)
			continue;
		if ((o->os_deny & want_access) || (o->os_access & want_deny)) {
			/* §15.1.9.3: a reclaim that conflicts with others' */
			status = reclaim ? NFS4ERR_RECLAIM_CONFLICT : NFS4ERR_SHARE_DENIED;
			goto out;
		}
	}

	if (os) {
		/* §18.16.3: an upgrade; the stateid's seqid moves on. */
		os->os_access = want_access;
		os->os_deny = want_deny;
		os->os_access_bmap |= (uint8_t)(1u << access);
		os->os_deny_bmap |= (uint8_t)(1u << deny);
		os->os_stid.seqid = seqid_next(os->os_stid.seqid);
		set_fd(os, access, fd);
		goto done;
	}

	if (!oo) {
		oo = calloc(1, sizeof(*oo) + (owner->len ? owner->len : 1));
		if (!oo) {
			status = NFS4ERR_DELAY;
			goto out;
		}
		memcpy(oo->oo_data, owner->data, owner->len);
		oo->oo_len = owner->len;
		new_owner = true;
	}
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f) {
			status = NFS4ERR_DELAY;
			goto undo;
		}
		f->sf_dev = dev;
		f->sf_ino = ino;
		new_file = true;
	}
	os = calloc(1, sizeof(*os));
	if (!os) {
		status = NFS4ERR_DELAY;
		goto undo;
	}
	err = stid_alloc(st, cl, &os->os_stid, STID_OPEN);

	if (err) {
		status = err == -ENOSPC ? NFS4ERR_NOSPC : NFS4ERR_DELAY;
		goto undo;
	}
	atomic_init(&os->os_ref, 1); /* "open" */
	for (int i = 0; i < 4; i++)
		os->os_fd[i] = -1;
	os->os_dev = dev;
	os->os_ino = ino;
	os->os_access = access;
	os->os_deny = deny;
	os->os_access_bmap = (uint8_t)(1u << access);
	os->os_deny_bmap = (uint8_t)(1u << deny);
	if (new_owner) {
		oo->oo_next = cl->cl_owners;
		cl->cl_owners = oo;
	}
	os->os_owner = oo;
	os->os_onext = oo->oo_opens;
	oo->oo_opens = os;
	if (new_file) {
		uint64_t key[2] = { dev, ino };
		struct state_file **fp = &st->files[hash_bytes(key, sizeof(key))];

		f->sf_next = *fp;
		*fp = f;
	}
	os->os_file = f;
	os->os_fnext = f->sf_opens;
	f->sf_opens = os;
	set_fd(os, access, fd);
done:
	stid_to_wire(&os->os_stid, out);
	c->cur_stateid = *out;
	c->have_cur_stateid = true;
	renew_locked(st, cl);
	goto out;
undo:
	free(os);
	if (new_file)
		free(f);
	if (new_owner)
		free(oo);
out:
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	if (status == NFS4_OK)
		client_record(st, cl); /* before the client learns it has state */
	return status;
}

nfsstat4 state_open_file(struct compound *c, const struct xdr_view *owner, uint64_t dev,
			 uint64_t ino, uint32_t share_access, uint32_t share_deny, int fd,
			 struct stateid4 *out)
{
	return open_common(c, owner, dev, ino, share_access, share_deny, fd, out, false);
}

nfsstat4 state_reclaim_open(struct compound *c, const struct xdr_view *owner, uint64_t dev,
			    uint64_t ino, uint32_t share_access, uint32_t share_deny, int fd,
			    struct stateid4 *out)
{
	return open_common(c, owner, dev, ino, share_access, share_deny, fd, out, true);
}

nfsstat4 state_stateid_for_io(struct compound *c, const struct stateid4 *sid, uint64_t dev,
			      uint64_t ino, bool write, int *fd_out, struct open_state **ref_out)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct stateid4 s;
	enum sid_kind kind;
	struct stid *stid;
	struct open_state *os;
	nfsstat4 status;

	*fd_out = -1;
	*ref_out = NULL;
	status = stateid_classify(c, sid, true, &s, &kind);
	if (status)
		return status;
	if (kind != SID_NORMAL) {
		/* §8.2.3: READ bypass is the anonymous stateid for WRITE;
		 * both still honour share reservations (§9.7): LOCKED.  During
		 * grace a denying open may yet be reclaimed, so they wait
		 * (§8.4.2).  Byte-range locks are advisory: they never stop
		 * I/O, so I/O with an open's or lock's stateid goes on. */
		uint32_t need = write ? OPEN4_SHARE_DENY_WRITE : OPEN4_SHARE_DENY_READ;
		struct state_file *f;

		if (state_in_grace(st))
			return NFS4ERR_GRACE;

		pthread_rwlock_rdlock(&st->lock);
		f = file_find(st, dev, ino);
		for (os = f ? f->sf_opens : NULL; os; os = os->os_fnext)
			if (os->os_deny & need)
				status = NFS4ERR_LOCKED;
		pthread_rwlock_unlock(&st->lock);
		return status;
	}
	if (!cl)
		return NFS4ERR_BAD_STATEID;
	pthread_mutex_lock(&cl->cl_lock);
	status = stid_find(st, cl, &s, 1u << STID_OPEN | 1u << STID_LOCK, &stid);
	if (status)
		goto out;
	/* §8.2.1: a lock stateid carries its open's access (state.h). */
	if (stid->type == STID_LOCK)
		os = ((struct lock_state *)stid)->ls_open;
	else
		os = (struct open_state *)stid;
	if (os->os_dev != dev || os->os_ino != ino) {
		status = NFS4ERR_BAD_STATEID; /* §8.2.4: another file's stateid */
		goto out;
	}
	if (write) {
		if (!(os->os_access & OPEN4_SHARE_ACCESS_WRITE)) {
			status = NFS4ERR_OPENMODE; /* §18.32.3, §9.1.2 */
			goto out;
		}
		*fd_out = os->os_fd[OPEN4_SHARE_ACCESS_BOTH] >= 0 ? os->os_fd[OPEN4_SHARE_ACCESS_BOTH]
								 : os->os_fd[OPEN4_SHARE_ACCESS_WRITE];
	} else {
		/* §18.22.3: a write-only open may read; the caller opens the
		 * file itself (permission-checked) when no fd can read. */
		*fd_out = os->os_fd[OPEN4_SHARE_ACCESS_BOTH] >= 0 ? os->os_fd[OPEN4_SHARE_ACCESS_BOTH]
								 : os->os_fd[OPEN4_SHARE_ACCESS_READ];
	}
	atomic_fetch_add(&os->os_ref, 1);
	*ref_out = os;
	renew_locked(st, cl); /* §8.3: use of a stateid renews */
out:
	pthread_mutex_unlock(&cl->cl_lock);
	return status;
}

void state_io_done(struct open_state *os)
{
	open_state_put(os);
}

nfsstat4 state_test_stateid(struct compound *c, const struct stateid4 *sid)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct stid *s;
	nfsstat4 status;

	/* RFC 8881 §18.48.3: special stateids are never valid here. */
	if (other_all(sid, 0) || other_all(sid, 0xff))
		return NFS4ERR_BAD_STATEID;
	if (!cl)
		return NFS4ERR_BAD_STATEID;
	pthread_mutex_lock(&cl->cl_lock);
	status = stid_find(st, cl, sid, 1u << STID_OPEN | 1u << STID_LOCK, &s);
	if (!status)
		renew_locked(st, cl);
	pthread_mutex_unlock(&cl->cl_lock);
	return status;
}

nfsstat4 state_free_stateid(struct compound *c, const struct stateid4 *sid)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct stateid4 s;
	enum sid_kind kind;
	struct stid *stid;
	nfsstat4 status;

	status = stateid_classify(c, sid, true, &s, &kind);
	if (status)
		return status;
	if (kind != SID_NORMAL || !cl)
		return NFS4ERR_BAD_STATEID;
	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	status = stid_find(st, cl, &s, 1u << STID_OPEN | 1u << STID_LOCK, &stid);
	if (status == NFS4_OK) {
		/* RFC 8881 §18.38.3: an open stateid is freed by CLOSE, never
		 * here; a lock stateid only once it holds no locks. */
		if (stid->type == STID_LOCK && ((struct lock_state *)stid)->ls_ranges.n == 0)
			lock_state_unlink(cl, (struct lock_state *)stid);
		else
			status = NFS4ERR_LOCKS_HELD;
		renew_locked(st, cl);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

/* Resolve an open stateid of the current file for CLOSE/OPEN_DOWNGRADE;
 * table write lock and cl_lock held. */
static nfsstat4 open_for_fh(struct compound *c, const struct stateid4 *sid, uint64_t dev,
			    uint64_t ino, struct open_state **out)
{
	struct state_table *st = table_of(c);
	struct stateid4 s;
	enum sid_kind kind;
	struct stid *stid;
	nfsstat4 status;

	status = stateid_classify(c, sid, true, &s, &kind);
	if (status)
		return status;
	if (kind != SID_NORMAL)
		return NFS4ERR_BAD_STATEID;
	status = stid_find(st, c->client, &s, 1u << STID_OPEN, &stid);
	if (status)
		return status;
	*out = (struct open_state *)stid;
	if ((*out)->os_dev != dev || (*out)->os_ino != ino)
		return NFS4ERR_BAD_STATEID;
	return NFS4_OK;
}

nfsstat4 state_close(struct compound *c, const struct stateid4 *sid, uint64_t dev, uint64_t ino)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct open_state *os;
	nfsstat4 status;

	if (!cl)
		return NFS4ERR_BAD_STATEID;
	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	status = open_for_fh(c, sid, dev, ino, &os);
	if (status == NFS4_OK) {
		/* RFC 8881 §18.2.4: not while a lock owner of this open still
		 * holds locks; lock states without locks go with the open. */
		for (struct lock_state *ls = os->os_locks; ls; ls = ls->ls_osnext)
			if (ls->ls_ranges.n)
				status = NFS4ERR_LOCKS_HELD;
		if (status == NFS4_OK)
			open_state_unlink(st, cl, os);
		renew_locked(st, cl);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

nfsstat4 state_open_downgrade(struct compound *c, const struct stateid4 *sid, uint64_t dev,
			      uint64_t ino, uint32_t share_access, uint32_t share_deny,
			      struct stateid4 *out)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct open_state *os;
	nfsstat4 status;
	uint32_t access = share_access & ~(OPEN4_SHARE_ACCESS_WANT_DELEG_MASK |
					   OPEN4_SHARE_ACCESS_WANT_SIGNAL_DELEG_WHEN_RESRC_AVAIL |
					   OPEN4_SHARE_ACCESS_WANT_PUSH_DELEG_WHEN_UNCONTENDED);

	if (!share_args_valid(access, share_deny))
		return NFS4ERR_INVAL;
	if (!cl)
		return NFS4ERR_BAD_STATEID;
	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	status = open_for_fh(c, sid, dev, ino, &os);
	if (status)
		goto out;
	/* RFC 8881 §18.18.3: the new modes must be ones this owner OPENed
	 * the file with (a subset of what it holds); otherwise INVAL. */
	if (!(os->os_access_bmap & (1u << access)) || !(os->os_deny_bmap & (1u << share_deny)) ||
	    (access & ~os->os_access) || (share_deny & ~os->os_deny)) {
		status = NFS4ERR_INVAL;
		goto out;
	}
	/* Forget the modes not contained in the new ones, so a later
	 * downgrade cannot go back up. */
	for (uint32_t m = 0; m < 4; m++) {
		if (m & ~access)
			os->os_access_bmap &= (uint8_t)~(1u << m);
		if (m & ~share_deny)
			os->os_deny_bmap &= (uint8_t)~(1u << m);
	}
	os->os_access = access;
	os->os_deny = share_deny;
	os->os_stid.seqid = seqid_next(os->os_stid.seqid);
	stid_to_wire(&os->os_stid, out);
	c->cur_stateid = *out;
	c->have_cur_stateid = true;
	renew_locked(st, cl);
out:
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

/* --- byte-range locks (RFC 8881 §9, §18.10-18.12) -------------------------- */

#define HOST_LOCK_TRIES 4 /* SETLK/GETLK rounds racing a local process */

static const char local_owner[] = "local";

static short host_type(uint32_t type)
{
	return type == WRITE_LT ? F_WRLCK : type == READ_LT ? F_RDLCK : F_UNLCK;
}

static void host_flock(struct flock *fl, uint32_t type, uint64_t start, uint64_t end)
{
	memset(fl, 0, sizeof(*fl)); /* l_pid must be 0 for OFD locks */
	fl->l_type = host_type(type);
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)start;
	fl->l_len = end == LOCK_RANGE_EOF ? 0 : (off_t)(end - start + 1);
}

/* errno of an OFD lock call to a status for LOCK/LOCKU (RFC 8881 §15.2). */
static nfsstat4 host_lock_status(int err)
{
	switch (err) {
	case EBADF:
		return NFS4ERR_OPENMODE; /* the descriptor lacks the access */
	case EINVAL:
	case EOVERFLOW:
		return NFS4ERR_BAD_RANGE;
	case ENOLCK:
	case ENOMEM:
	case EINTR:
		return NFS4ERR_DELAY;
	default:
		return NFS4ERR_SERVERFAULT;
	}
}

/* Ask the host who holds a lock conflicting with [start, end] of type on
 * fd's file (other than fd's own open file description).  true if one
 * does: *denied names it as a local process.  false (and *err) if none. */
static bool host_conflict(int fd, uint32_t type, uint64_t start, uint64_t end,
			  struct state_lock_denied *denied, int *err)
{
	struct flock fl;

	*err = 0;
	host_flock(&fl, type, start, end);
	if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
		*err = errno;
		return false;
	}
	if (fl.l_type == F_UNLCK)
		return false;
	denied->offset = (uint64_t)fl.l_start;
	denied->length = fl.l_len == 0 ? NFS4_UINT64_MAX : (uint64_t)fl.l_len;
	denied->locktype = fl.l_type == F_WRLCK ? WRITE_LT : READ_LT;
	denied->clientid = 0;
	denied->owner_len = sizeof(local_owner) - 1;
	memcpy(denied->owner, local_owner, denied->owner_len);
	return true;
}

/* An NFS lock of another lock state on f conflicting with [start, end] of
 * type; table lock held.  self (may be NULL) is the asking lock state. */
static bool nfs_conflict(const struct state_file *f, const struct lock_state *self,
			 uint32_t type, uint64_t start, uint64_t end,
			 struct state_lock_denied *denied)
{
	for (const struct lock_state *ls = f ? f->sf_locks : NULL; ls; ls = ls->ls_fnext) {
		const struct lock_range *r;

		if (ls == self)
			continue;
		r = lock_ranges_conflict(&ls->ls_ranges, start, end, type);
		if (!r)
			continue;
		/* RFC 8881 §18.10.3: LOCK4denied names the owner and range */
		denied->offset = r->start;
		denied->length = lock_range_length(r->start, r->end);
		denied->locktype = r->type;
		denied->clientid = ls->ls_owner->lo_clientid;
		denied->owner_len = ls->ls_owner->lo_len;
		memcpy(denied->owner, ls->ls_owner->lo_data, ls->ls_owner->lo_len);
		return true;
	}
	return false;
}

static struct lock_owner *lock_owner_find(struct client *cl, const struct xdr_view *owner)
{
	struct lock_owner *lo;

	for (lo = cl->cl_lock_owners; lo; lo = lo->lo_next)
		if (lo->lo_len == owner->len && memcmp(lo->lo_data, owner->data, owner->len) == 0)
			break;
	return lo;
}

static struct lock_state *lock_state_of(const struct lock_owner *lo, const struct state_file *f)
{
	struct lock_state *ls;

	for (ls = lo ? lo->lo_states : NULL; ls; ls = ls->ls_onext)
		if (ls->ls_file == f)
			break;
	return ls;
}

/* A new lock state of owner `owner` on os's file holding fd; table write
 * lock and cl_lock held.  The owner record is made if needed. */
static nfsstat4 lock_state_new(struct state_table *st, struct client *cl,
			       const struct xdr_view *owner, struct open_state *os, int fd,
			       struct lock_state **out)
{
	struct lock_owner *lo = lock_owner_find(cl, owner);
	struct lock_state *ls;
	bool new_owner = false;
	int err;

	if (!lo) {
		lo = calloc(1, sizeof(*lo) + (owner->len ? owner->len : 1));
		if (!lo)
			return NFS4ERR_DELAY;
		memcpy(lo->lo_data, owner->data, owner->len);
		lo->lo_len = owner->len;
		lo->lo_clientid = cl->cl_clientid;
		new_owner = true;
	}
	ls = calloc(1, sizeof(*ls));
	if (!ls) {
		if (new_owner)
			free(lo);
		return NFS4ERR_DELAY;
	}
	err = stid_alloc(st, cl, &ls->ls_stid, STID_LOCK);
	if (err) {
		free(ls);
		if (new_owner)
			free(lo);
		/* NOSPC is not a LOCK status (§15.2): the client may retry
		 * once it has freed stateids. */
		return NFS4ERR_DELAY;
	}
	if (new_owner) {
		lo->lo_next = cl->cl_lock_owners;
		cl->cl_lock_owners = lo;
	}
	ls->ls_owner = lo;
	ls->ls_onext = lo->lo_states;
	lo->lo_states = ls;
	ls->ls_open = os;
	ls->ls_osnext = os->os_locks;
	os->os_locks = ls;
	ls->ls_file = os->os_file;
	ls->ls_fnext = os->os_file->sf_locks;
	os->os_file->sf_locks = ls;
	ls->ls_fd = fd;
	*out = ls;
	return NFS4_OK;
}

/* Set (type READ_LT/WRITE_LT) or clear (0) [start, end] for ls on the host,
 * then in the bookkeeping; table write lock and cl_lock held.  A conflict
 * with a local process: NFS4ERR_DENIED with *denied filled. */
static nfsstat4 lock_state_apply(struct lock_state *ls, uint32_t type, uint64_t start,
				 uint64_t end, struct state_lock_denied *denied)
{
	struct lock_ranges nr;
	struct flock fl;
	int err = 0;

	if (lock_ranges_update(&ls->ls_ranges, start, end, type, &nr) < 0)
		return NFS4ERR_DELAY;
	for (int i = 0; i < HOST_LOCK_TRIES; i++) {
		host_flock(&fl, type, start, end);
		if (fcntl(ls->ls_fd, F_OFD_SETLK, &fl) == 0) {
			err = 0;
			break;
		}
		err = errno;
		if (err != EAGAIN && err != EACCES)
			break;
		/* Held by someone the bookkeeping does not know: a local
		 * process (NFS owners were checked before).  Ask who; if it
		 * went away meanwhile, try again. */
		if (host_conflict(ls->ls_fd, type, start, end, denied, &err)) {
			lock_ranges_free(&nr);
			return NFS4ERR_DENIED;
		}
		if (err)
			break;
		err = EAGAIN;
	}
	if (err) {
		lock_ranges_free(&nr);
		return err == EAGAIN || err == EACCES ? NFS4ERR_DELAY : host_lock_status(err);
	}
	lock_ranges_free(&ls->ls_ranges);
	ls->ls_ranges = nr;
	return NFS4_OK;
}

nfsstat4 state_lock(struct compound *c, const struct state_lock_args *a, uint64_t dev,
		    uint64_t ino, int *fd, struct stateid4 *out, struct state_lock_denied *denied)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	uint32_t type = lock_type_plain(a->locktype);
	struct lock_state *ls = NULL;
	struct open_state *os;
	struct stateid4 s;
	enum sid_kind kind;
	struct stid *stid;
	nfsstat4 status;
	bool created = false;

	if (!type)
		return NFS4ERR_INVAL;
	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;
	/* RFC 8881 §8.4.2, §18.10.3: new locks only outside grace; reclaims
	 * only in it, by clients that may (checked under cl_lock below). */
	if (!a->reclaim && state_in_grace(st))
		return NFS4ERR_GRACE;
	status = stateid_classify(c, &a->sid, true, &s, &kind);
	if (status)
		return status;
	if (kind != SID_NORMAL)
		return NFS4ERR_BAD_STATEID;

	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	if (cl->cl_dead) {
		status = NFS4ERR_EXPIRED;
		goto out;
	}
	/* §18.51.3: a new lock only after the client's RECLAIM_COMPLETE */
	status = a->reclaim ? reclaim_ok_locked(st, cl) : new_state_ok_locked(st, cl);
	if (status)
		goto out;
	/* §18.10.3: with sessions the seqids and the lock_owner4 clientid
	 * are not used; the client is the session's. */
	if (a->new_lock_owner) {
		status = stid_find(st, cl, &s, 1u << STID_OPEN, &stid);
		if (status)
			goto out;
		os = (struct open_state *)stid;
		/* one lock stateid per (lock owner, file): an owner that has
		 * one already keeps using it */
		ls = lock_state_of(lock_owner_find(cl, &a->owner), os->os_file);
	} else {
		status = stid_find(st, cl, &s, 1u << STID_LOCK, &stid);
		if (status)
			goto out;
		ls = (struct lock_state *)stid;
		os = ls->ls_open;
	}
	if (os->os_dev != dev || os->os_ino != ino) {
		status = NFS4ERR_BAD_STATEID; /* §8.2.4: another file's stateid */
		goto out;
	}
	/* §18.10.3: a write lock needs an open for writing; a read lock is
	 * granted on any open (as READ is, §18.22.3). */
	if (type == WRITE_LT && !(os->os_access & OPEN4_SHARE_ACCESS_WRITE)) {
		status = NFS4ERR_OPENMODE;
		goto out;
	}
	/* Conflicts with other NFS owners are found in the bookkeeping, so
	 * LOCK4denied can name them; the host then sees only local ones. */
	if (nfs_conflict(os->os_file, ls, type, a->start, a->end, denied)) {
		/* §15.1.9.3: a reclaim conflicting with what others hold */
		status = a->reclaim ? NFS4ERR_RECLAIM_CONFLICT : NFS4ERR_DENIED;
		goto out;
	}
	if (!ls) {
		if (*fd < 0) {
			status = NFS4ERR_SERVERFAULT;
			goto out;
		}
		status = lock_state_new(st, cl, &a->owner, os, *fd, &ls);
		if (status)
			goto out;
		*fd = -1;
		created = true;
	}
	status = lock_state_apply(ls, type, a->start, a->end, denied);
	if (status == NFS4ERR_DENIED && a->reclaim)
		status = NFS4ERR_RECLAIM_CONFLICT; /* a local process took it */
	if (status) {
		/* §18.10.3: a refused LOCK leaves no new lock stateid */
		if (created)
			lock_state_unlink(cl, ls);
		goto out;
	}
	/* §9.1.4.1: every LOCK changes the lock stateid's seqid (a new one
	 * starts at 1). */
	if (!created)
		ls->ls_stid.seqid = seqid_next(ls->ls_stid.seqid);
	stid_to_wire(&ls->ls_stid, out);
	c->cur_stateid = *out; /* §16.2.3.1.2 */
	c->have_cur_stateid = true;
	renew_locked(st, cl);
out:
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

nfsstat4 state_lockt(struct compound *c, uint32_t locktype, uint64_t start, uint64_t end,
		     const struct xdr_view *owner, uint64_t dev, uint64_t ino, int fd,
		     struct state_lock_denied *denied)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	uint32_t type = lock_type_plain(locktype);
	struct state_file *f;
	struct lock_state *ls;
	nfsstat4 status = NFS4_OK;
	int err;

	if (!type)
		return NFS4ERR_INVAL;
	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;
	if (state_in_grace(st))
		return NFS4ERR_GRACE; /* §8.4.2 */
	pthread_rwlock_rdlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	if (cl->cl_dead) {
		status = NFS4ERR_EXPIRED;
		goto out;
	}
	/* §18.11.3: the owner's clientid is ignored; the session's client
	 * is the one.  The owner's own locks never conflict (§9.2). */
	f = file_find(st, dev, ino);
	ls = f ? lock_state_of(lock_owner_find(cl, owner), f) : NULL;
	if (nfs_conflict(f, ls, type, start, end, denied)) {
		status = NFS4ERR_DENIED;
		goto out;
	}
	if (host_conflict(ls ? ls->ls_fd : fd, type, start, end, denied, &err))
		status = NFS4ERR_DENIED;
	else if (err)
		status = host_lock_status(err);
	renew_locked(st, cl);
out:
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

nfsstat4 state_locku(struct compound *c, const struct stateid4 *sid, uint64_t start, uint64_t end,
		     uint64_t dev, uint64_t ino, struct stateid4 *out)
{
	struct state_table *st = table_of(c);
	struct client *cl = c->client;
	struct state_lock_denied unused;
	struct lock_state *ls;
	struct stateid4 s;
	enum sid_kind kind;
	struct stid *stid;
	nfsstat4 status;

	if (!cl)
		return NFS4ERR_OP_NOT_IN_SESSION;
	status = stateid_classify(c, sid, true, &s, &kind);
	if (status)
		return status;
	if (kind != SID_NORMAL)
		return NFS4ERR_BAD_STATEID;
	pthread_rwlock_wrlock(&st->lock);
	pthread_mutex_lock(&cl->cl_lock);
	status = stid_find(st, cl, &s, 1u << STID_LOCK, &stid);
	if (status)
		goto out;
	ls = (struct lock_state *)stid;
	if (ls->ls_open->os_dev != dev || ls->ls_open->os_ino != ino) {
		status = NFS4ERR_BAD_STATEID;
		goto out;
	}
	/* §18.12.3: unlocking what is not locked is not an error; POSIX
	 * splits a range unlocked in its middle, so no LOCK_RANGE. */
	status = lock_state_apply(ls, 0, start, end, &unused);
	if (status)
		goto out;
	ls->ls_stid.seqid = seqid_next(ls->ls_stid.seqid);
	stid_to_wire(&ls->ls_stid, out);
	c->cur_stateid = *out; /* §16.2.3.1.2 */
	c->have_cur_stateid = true;
	renew_locked(st, cl);
out:
	pthread_mutex_unlock(&cl->cl_lock);
	pthread_rwlock_unlock(&st->lock);
	return status;
}

/* --- leases and connections ----------------------------------------------- */

void state_laundromat(struct state_table *st, uint64_t now)
{
	struct client *dead = NULL, *cl, *next;

	pthread_rwlock_wrlock(&st->lock);
	for (unsigned b = 0; b < HASH_SIZE; b++) {
		for (cl = st->by_id[b]; cl; cl = next) {
			bool expired;

			next = cl->cl_idnext;
			pthread_mutex_lock(&cl->cl_lock);
			/* RFC 8881 §8.3: the lease ran out.  A client with a
			 * compound in progress is renewed when it ends. */
			expired = cl->cl_rpc_users == 0 && now > cl->cl_expire;
			pthread_mutex_unlock(&cl->cl_lock);
			if (!expired)
				continue;
			client_unhash(st, cl);
			/* The id chain is free now: reuse it for the list. */
			cl->cl_idnext = dead;
			dead = cl;
		}
	}
	pthread_rwlock_unlock(&st->lock);
	for (cl = dead; cl; cl = next) {
		next = cl->cl_idnext;
		client_log(st, cl, "lease expired, its state is gone");
		client_drop(st, cl); /* §8.4.3: an expired client cannot reclaim */
	}
	grace_tick(st);
}

static void *laundromat_main(void *arg)
{
	struct state_table *st = arg;
	struct timespec ts;

	pthread_mutex_lock(&st->lm_lock);
	while (!st->lm_stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&st->lm_cond, &st->lm_lock, &ts);
		if (st->lm_stop)
			break;
		pthread_mutex_unlock(&st->lm_lock);
		state_laundromat(st, state_now(st));
		pthread_mutex_lock(&st->lm_lock);
	}
	pthread_mutex_unlock(&st->lm_lock);
	return NULL;
}

int state_start_laundromat(struct state_table *st)
{
	int err;

	pthread_mutex_lock(&st->lm_lock);
	if (st->lm_running) {
		pthread_mutex_unlock(&st->lm_lock);
		return -EALREADY;
	}
	st->lm_stop = false;
	err = pthread_create(&st->lm_thread, NULL, laundromat_main, st);
	if (!err)
		st->lm_running = true;
	pthread_mutex_unlock(&st->lm_lock);
	return -err;
}

void state_stop_laundromat(struct state_table *st)
{
	pthread_mutex_lock(&st->lm_lock);
	if (!st->lm_running) {
		pthread_mutex_unlock(&st->lm_lock);
		return;
	}
	st->lm_stop = true;
	pthread_cond_signal(&st->lm_cond);
	pthread_mutex_unlock(&st->lm_lock);
	pthread_join(st->lm_thread, NULL);
	pthread_mutex_lock(&st->lm_lock);
	st->lm_running = false;
	pthread_mutex_unlock(&st->lm_lock);
}

void state_conn_closed(struct state_table *st, uint64_t conn_id)
{
	pthread_rwlock_rdlock(&st->lock);
	for (unsigned b = 0; b < HASH_SIZE; b++) {
		for (struct session *se = st->sessions[b]; se; se = se->se_hnext) {
			pthread_mutex_lock(&se->se_client->cl_lock);
			for (uint32_t i = 0; i < se->se_nconns; i++) {
				if (se->se_conns[i] != conn_id)
					continue;
				memmove(se->se_conns + i, se->se_conns + i + 1,
					(se->se_nconns - i - 1) * sizeof(se->se_conns[0]));
				se->se_nconns--;
				break;
			}
			pthread_mutex_unlock(&se->se_client->cl_lock);
		}
	}
	pthread_rwlock_unlock(&st->lock);
}

void state_table_free(struct state_table *st)
{
	struct client *cl;

	if (!st)
		return;
	state_stop_laundromat(st);
	pthread_rwlock_wrlock(&st->lock);
	for (unsigned b = 0; b < HASH_SIZE; b++) {
		while ((cl = st->by_id[b]) != NULL) {
			client_unhash(st, cl);
			client_put(cl);
		}
	}
	pthread_rwlock_unlock(&st->lock);
	/* The records stay: after a restart their clients may reclaim. */
	if (st->rec_dirfd >= 0)
		close(st->rec_dirfd);
	for (uint32_t i = 0; i < st->rec_nold; i++)
		free(st->rec_old[i]);
	free(st->rec_old);
	for (uint32_t i = 0; i < st->nprev; i++)
		free(st->prev[i].owner);
	free(st->prev);
	pthread_rwlock_destroy(&st->lock);
	pthread_cond_destroy(&st->lm_cond);
	pthread_mutex_destroy(&st->lm_lock);
	pthread_mutex_destroy(&st->rec_lock);
	pthread_mutex_destroy(&st->gr_lock);
	free(st);
}

/* lnfsctl's view of the table: listing and eviction (state.h). */
#include "server/state_info.inc"
