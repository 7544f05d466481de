/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_fattr4.c - libFuzzer target for the decoders of attributes a client
 * sets: attr_decode_set() (a whole fattr4 as SETATTR, OPEN and CREATE send
 * it) and label_decode() (a sec_label4), followed by the label checks of
 * both label domains of a small configuration (an opaque one stored framed,
 * a selinux-format one stored raw) and an encode/decode round trip of the
 * stored form.  The first input byte chooses the minor version (bit 0: 2,
 * else 1) and the object (bit 1: the pseudo-fs, else the export); the rest
 * is the fattr4 (and, separately, the sec_label4).  A minimal compound from
 * 127.0.0.1 is built on the first call around a temporary export, removed
 * at exit.
 */
#include "config.h"

#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/cfg.h"
#include "lfs/lfs.h"
#include "rpc/rpc.h"
#include "server/attr.h"
#include "server/compound.h"
#include "server/export.h"
#include "server/label.h"
#include "server/srv.h"
#include "xdr/nfs4_prot.h"
#include "xdr/xdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] = "[domain \"sel\"]\n"
			   "format = selinux\n"
			   "xattr = trusted.lnfs.fuzzsel\n"
			   "xattr-format = raw\n";

static struct {
	bool ready;
	struct srv srv;
	struct rpc_conn_info conn;
	struct rpc_call call;
	char dir[64];
} g;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(void)
{
	nftw(g.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void init(void)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&g.conn.peer;
	struct snapshot *snap;
	struct cfg *cfg;
	char err[512] = "";

	snprintf(g.dir, sizeof(g.dir), "/tmp/lnfs-fuzz-fattr4.XXXXXX");
	if (!mkdtemp(g.dir))
		abort();
	atexit(remove_tree);
	cfg = cfg_new_default();
	if (!cfg || cfg_parse_conf_text(cfg, conf, sizeof(conf) - 1, "fuzz.conf", err,
					sizeof(err)) < 0 ||
	    cfg_add_export_path(cfg, g.dir, err, sizeof(err)) < 0 ||
	    cfg_finish(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_fattr4: config: %s\n", err);
		abort();
	}
	pthread_mutex_init(&g.srv.snap_lock, NULL);
	g.srv.lease_time = cfg->lease_time;
	memcpy(g.srv.fh_key, "fuzz-fattr4-key!", 16);
	if (snapshot_new(&g.srv, cfg, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_fattr4: %s\n", err);
		abort();
	}
	g.srv.snap = snap;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.conn.peer_len = sizeof(*sin);
	g.call.cred.flavor = RPC_AUTH_SYS;
	g.call.conn = &g.conn;
	g.ready = true;
}

/* The checks and the stored form of a decoded label in domain d. */
static void check_label(const struct cfg_domain *d, const struct nfs_label *l)
{
	static uint8_t val[LFS_VALUE_MAX + 16];
	struct lfs_label in, out;
	int n;

	if (l->len > NFS4_MAXLABELLEN)
		abort();
	in.lfs = l->lfs;
	in.pi = l->pi;
	in.len = l->len;
	memcpy(in.data, l->data, l->len);
	if (lfs_validate(d, &in) != 0)
		return;
	n = lfs_encode(d, &in, val, sizeof(val));
	if (n < 0 || (size_t)n > sizeof(val))
		abort();
	if (lfs_decode(d, val, (size_t)n, &out) != 0)
		abort();
	/* the raw form keeps only the label; the framed one keeps all */
	if (out.len != in.len || memcmp(out.data, in.data, in.len))
		abort();
	if (d->xattr_format == CFG_XATTR_FRAMED && (out.lfs != in.lfs || out.pi != in.pi))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compound c;
	struct attr_set *s;
	struct nfs_label *l;
	struct export *x;
	struct xdr_in in;
	uint32_t sup[FATTR4_WORDS];
	nfsstat4 st;
	unsigned i;

	if (!g.ready)
		init();
	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.srv = &g.srv;
	c.snap = g.srv.snap;
	c.exports = c.snap->exports;
	c.call = &g.call;
	c.minorversion = (data[0] & 1) ? 2 : 1;
	c.op_count = 1;
	c.cur.fd = -1;
	c.saved.fd = -1;
	x = (data[0] & 2) ? NULL : &c.exports->exp[0];

	s = malloc(sizeof(*s));
	l = malloc(sizeof(*l));
	if (!s || !l)
		abort();
	xdr_in_init(&in, data + 1, size - 1);
	st = attr_decode_set(&c, x, &in, s);
	if (st == NFS4_OK) {
		attr_supported(&c, x, sup);
		for (i = 0; i < FATTR4_WORDS; i++)
			if (s->mask[i] & ~sup[i])
				abort();
		if (attr_isset(s->mask, FATTR4_MODE) && (s->mode & ~07777u))
			abort();
		if (attr_isset(s->mask, FATTR4_SEC_LABEL)) {
			if (c.minorversion < 2)
				abort();
			check_label(c.snap->cfg->default_domain, &s->label);
			label_check(&c, x, &s->label);
		}
	}
	if (in.p < data + 1 || in.p > in.end)
		abort();

	xdr_in_init(&in, data + 1, size - 1);
	st = label_decode(&in, l);
	if (st == NFS4_OK) {
		const struct cfg_domain *sel = cfg_find_domain(c.snap->cfg, "sel");

		if (!sel)
			abort();
		check_label(c.snap->cfg->default_domain, l);
		check_label(sel, l);
	} else if (st != NFS4ERR_BADXDR && st != NFS4ERR_BADLABEL) {
		abort();
	}
	free(l);
	free(s);
	return 0;
}
