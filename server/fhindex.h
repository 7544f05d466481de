/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fhindex.h - the handle index: what lnfsd uses instead of
 * open_by_handle_at() when it runs without CAP_DAC_READ_SEARCH (export.h,
 * "index" handles).  For each export it maps an inode number to the inode
 * number of a directory holding it and the entry name there, as learned from
 * LOOKUP, READDIR, OPEN, CREATE and RENAME; export.c walks these links from
 * the export root to reopen an object.  Nothing here touches the exported
 * tree: it is a table and its log.
 *
 * Persistence: with a state directory the table is kept in
 * STATE_DIR/fhindex, an append-only log ("LNFI", version) of records
 *   export id (4), ino (8), parent ino (8), name length (2), name,
 *   FNV-1a of the preceding record bytes (4)      (big-endian)
 * where a name length of 0 forgets the inode.  Loading stops at the first
 * short or damaged record and cuts the file there; a log with many more
 * records than live entries is rewritten (temporary file, fsync, rename).
 * Records are written when an entry changes, without fsync: after a crash
 * the last ones may be missing, which only costs a search (export.c).
 */
#ifndef LNFSD_FHINDEX_H
#define LNFSD_FHINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fh_index;

/* Use the index for every export, even where open_by_handle_at() works
 * (tests, and file systems whose own handles are not wanted). */
#define FH_INDEX_ALWAYS 1u

/* A new, empty, memory-only index; NULL when out of memory. */
struct fh_index *fh_index_new(unsigned flags);
/* Writes pending records, closes the log and frees everything. */
void fh_index_free(struct fh_index *ix);
bool fh_index_always(const struct fh_index *ix);

/* Load STATE_DIR/fhindex (creating it) and log changes there from now on:
 * 0 or -errno (the index then stays memory-only). */
int fh_index_persist(struct fh_index *ix, const char *state_dir);

/*
 * Record that inode ino of export xid is the entry name (len bytes, 1 to
 * 255, no '/') of directory parent.  A learn that changes nothing writes
 * nothing.  batch: keep the record in memory until fh_index_flush() (or
 * until enough have piled up).  0, or -errno when the log could not be
 * written (the table is updated anyway).
 */
int fh_index_learn(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t parent,
		   const char *name, size_t len, bool batch);
int fh_index_flush(struct fh_index *ix);
/* Drop the entry of ino (e.g. found to be gone); 0 or -errno. */
int fh_index_forget(struct fh_index *ix, uint32_t xid, uint64_t ino);
/*
 * The entry of ino: 0 with *parent and the name copied NUL-terminated into
 * name[namelen]; -ENOENT if there is none.
 */
int fh_index_get(struct fh_index *ix, uint32_t xid, uint64_t ino, uint64_t *parent, char *name,
		 size_t namelen);
/* Number of live entries (tests, logs). */
size_t fh_index_count(struct fh_index *ix);

/*
 * A short memory of inodes a full search did not find, so that a client
 * repeating a stale handle does not cost a search each time.  Learning the
 * inode again clears the mark.
 */
void fh_index_mark_gone(struct fh_index *ix, uint32_t xid, uint64_t ino);
bool fh_index_is_gone(struct fh_index *ix, uint32_t xid, uint64_t ino);

#endif
