/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_cfg.c - config/: main file and exports parsing, messages with file and
 * line, cross-checks of cfg_finish(), xattr name resolution and nesting,
 * client matching, export ids, dump round trips, file loading and the
 * reference-counted snapshot.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <selinux/selinux.h>

#include "config/cfg.h"

static char err[512];

/* Parse conf and exports text into a fresh cfg; returns rc of the first
 * failing step, the cfg in *out (even on error, for cfg_put). */
static int build(const char *conf, const char *exports, struct cfg **out)
{
	struct cfg *cfg = cfg_new_default();
	int rc = 0;

	assert_non_null(cfg);
	*out = cfg;
	err[0] = '\0';
	if (conf)
		rc = cfg_parse_conf_text(cfg, conf, strlen(conf), "t.conf", err,
					 sizeof(err));
	if (!rc && exports)
		rc = cfg_parse_exports_text(cfg, exports, strlen(exports),
					    "exports", err, sizeof(err));
	if (!rc)
		rc = cfg_finish(cfg, err, sizeof(err));
	return rc;
}

static struct cfg *ok(const char *conf, const char *exports)
{
	struct cfg *cfg;
	int rc = build(conf, exports, &cfg);

	if (rc)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	return cfg;
}

/* Expect failure with a message containing want. */
static void bad(const char *conf, const char *exports, const char *want)
{
	struct cfg *cfg;
	int rc = build(conf, exports, &cfg);

	if (!rc || !strstr(err, want))
		print_error("want \"%s\", got rc %d \"%s\"\n", want, rc, err);
	assert_true(rc < 0);
	assert_non_null(strstr(err, want));
	cfg_put(cfg);
}

static void test_defaults(void **state)
{
	struct cfg *cfg = ok(NULL, NULL);
	const struct cfg_domain *d = cfg_find_domain(cfg, "default");

	assert_non_null(d);
	assert_ptr_equal(cfg->default_domain, d);
	assert_true(d->implicit);
	assert_string_equal(d->xattr, "trusted.lnfs.default");
	assert_int_equal(d->xattr_format, CFG_XATTR_FRAMED);
	assert_string_equal(d->default_label, "system_u:object_r:nfs_t:s0");
	assert_int_equal(d->nlfs, 2);
	assert_int_equal(d->lfs[0], 0);
	assert_int_equal(d->lfs[1], 258);
	assert_int_equal(d->npi, 1);
	assert_int_equal(d->max_label, 2048);
	assert_int_equal(cfg->nlisten, 0);
	assert_int_equal(cfg->threads, 8);
	assert_int_equal(cfg->lease_time, 90);
	assert_string_equal(cfg->state_dir, "/var/lib/lnfsd");
	assert_string_equal(cfg->exports_path, "/etc/lnfsd/exports");
	assert_int_equal(cfg->nexports, 0);
	assert_true(cfg->sealed);
	assert_int_equal(cfg_finish(cfg, err, sizeof(err)), -EBUSY);
	assert_int_equal(cfg_add_export_path(cfg, "/x", err, sizeof(err)),
			 -EBUSY);
	cfg_put(cfg);
}

static void test_full_conf(void **state)
{
	static const char conf[] =
		"# comment\n"
		"; another\n"
		"\n"
		"[lnfsd]\n"
		"  Listen = 127.0.0.1:2050, [::1]:2051\r\n"
		"listen = 10.0.0.1\n"
		"threads = 4\n"
		"lease-time = 30\n"
		"grace-time = 45\n"
		"max-record = 2M\n"
		"state-dir = /var/tmp//lnfsd/\n"
		"exports = \"my exports\"\n"
		"default-domain = guests\n"
		"[domain \"guests\"]\n"
		"lfs = 0, 258 0\n"
		"pi = 7 0\n"
		"default-pi = 0\n"
		"max-label = 256\n"
		"read-only = on\n"
		"format = selinux\n"
		"default-label = \"user_u:object_r:guest_t:s0:c1,c2\"\n"
		"[domain host]\n"
		"xattr = security.selinux\n";
	struct cfg *cfg = ok(conf, NULL);
	const struct cfg_domain *g = cfg_find_domain(cfg, "guests");
	const struct cfg_domain *h = cfg_find_domain(cfg, "host");
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;

	assert_int_equal(cfg->nlisten, 3);
	s4 = (const void *)&cfg->listen[0].addr;
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 2050);
	assert_int_equal(cfg->listen[0].line, 5);
	s6 = (const void *)&cfg->listen[1].addr;
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 2051);
	s4 = (const void *)&cfg->listen[2].addr;
	assert_int_equal(ntohs(s4->sin_port), 2049);
	assert_int_equal(cfg->threads, 4);
	assert_int_equal(cfg->lease_time, 30);
	assert_int_equal(cfg->grace_time, 45);
	assert_int_equal(cfg->max_record, 2u << 20);
	assert_string_equal(cfg->state_dir, "/var/tmp/lnfsd");
	assert_string_equal(cfg->exports_path, "my exports");
	assert_true(cfg->exports_explicit);
	assert_ptr_equal(cfg->default_domain, g);
	assert_non_null(g);
	assert_int_equal(g->nlfs, 2);
	assert_int_equal(g->npi, 2);
	assert_int_equal(g->pi[0], 7);
	assert_int_equal(g->default_lfs, 0);
	assert_int_equal(g->default_pi, 0);
	assert_int_equal(g->max_label, 256);
	assert_true(g->read_only);
	assert_int_equal(g->format, CFG_LABEL_SELINUX);
	assert_string_equal(g->xattr, "trusted.lnfs.guests");
	assert_int_equal(g->line, 14);
	assert_non_null(h);
	assert_int_equal(h->xattr_format, CFG_XATTR_RAW);
	assert_non_null(cfg_find_domain(cfg, "default"));
	assert_null(cfg_find_domain(cfg, "nope"));
	cfg_put(cfg);
}

static void test_exact_message(void **state)
{
	bad("[lnfsd]\n\nlease-time = abc\n", NULL,
	    "t.conf:3: lease-time: \"abc\" is not a number of seconds "
	    "(expected 10..3600)");
	assert_string_equal(err, "t.conf:3: lease-time: \"abc\" is not a "
				 "number of seconds (expected 10..3600)");
}

static void test_conf_errors(void **state)
{
	bad("threads = 3\n", NULL, "t.conf:1: threads: key outside");
	bad("[nfsd]\n", NULL, "t.conf:1: section: unknown section \"[nfsd]\"");
	bad("[lnfsd\n", NULL, "must end with");
	bad("[lnfsd]\nbogus = 1\n", NULL, "t.conf:2: bogus: unknown key");
	bad("[lnfsd]\njunk\n", NULL, "t.conf:2: junk: expected");
	bad("[lnfsd]\nthreads =\n", NULL, "threads: missing value");
	bad("[lnfsd]\nthreads = 0\n", NULL, "threads: \"0\"");
	bad("[lnfsd]\nthreads = 99999999999\n", NULL, "threads:");
	bad("[lnfsd]\nlease-time = 5\n", NULL, "lease-time: \"5\"");
	bad("[lnfsd]\nmax-record = 1\n", NULL, "max-record: \"1\"");
	bad("[lnfsd]\nmax-record = 65M\n", NULL, "max-record");
	bad("[lnfsd]\nstate-dir = rel/dir\n", NULL, "absolute path");
	bad("[lnfsd]\nstate-dir = /a/../b\n", NULL, "state-dir");
	bad("[lnfsd]\ndefault-domain = Bad\n", NULL, "default-domain: \"Bad\"");
	bad("[lnfsd]\nlisten = ::1:2049\n", NULL, "listen: \"::1:2049\"");
	bad("[lnfsd]\nlisten = 1.2.3.4:0\n", NULL, "listen");
	bad("[lnfsd]\nlisten = 1.2.3.4:65536\n", NULL, "listen");
	bad("[lnfsd]\nlisten = [::1]x\n", NULL, "listen");
	bad("[lnfsd]\nlisten = host.example:1\n", NULL, "listen");
	bad("[lnfsd]\nlisten = 1.2.3.4 1.2.3.4:2049\n", NULL, "twice");
	bad("[domain \"UPPER\"]\n", NULL, "t.conf:1: domain: \"UPPER\"");
	bad("[domain \"a.b\"]\n", NULL, "not a domain name");
	bad("[domain \"\"]\n", NULL, "not a domain name");
	bad("[domain \"abcdefghijklmnopqrstuvwxyz0123456\"]\n", NULL,
	    "not a domain name");
	bad("[domain \"a\"]\n[domain \"a\"]\n", NULL,
	    "t.conf:2: domain: \"a\" is already declared at t.conf:1");
	bad("[domain a]\nread-only = maybe\n", NULL, "read-only: \"maybe\"");
	bad("[domain a]\nlfs = 1 x\n", NULL, "lfs: \"x\" is not a number");
	bad("[domain a]\nlfs = ,\n", NULL, "lfs");
	bad("[domain a]\nlfs = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
	    NULL, "more than 16");
	bad("[domain a]\nmax-label = 0\n", NULL, "max-label");
	bad("[domain a]\nmax-label = 2049\n", NULL, "max-label");
	bad("[domain a]\nformat = smack\n", NULL, "format: \"smack\"");
	bad("[domain a]\nxattr-format = zip\n", NULL, "xattr-format");
	bad("[domain a]\nparent = a\n", NULL, "own parent");
	bad("[domain a]\ncolor = red\n", NULL, "unknown key in [domain \"a\"]");
}

static void test_conf_nul_and_crlf(void **state)
{
	static const char text[] = "[lnfsd]\r\nthreads = 2\r\nx\0y = 1\n";
	struct cfg *cfg = cfg_new_default();

	assert_int_equal(cfg_parse_conf_text(cfg, text, sizeof(text) - 1,
					     "t.conf", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.conf:3: line: contains a NUL byte");
	assert_int_equal(cfg->threads, 2);
	cfg_put(cfg);

	cfg = cfg_new_default();
	assert_int_equal(cfg_parse_exports_text(cfg, "/a *\r\n/b x\0y\n", 13,
						"exports", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "exports:2: line: contains a NUL byte");
	cfg_put(cfg);
}

static void test_hostile_xattr_names(void **state)
{
	static const char *const names[] = {
		"system.posix_acl_access", "security.capability",
		"security.ima", "trusted.", "user.", "user..x", "trusted.a b",
		"trusted.a/b", "selinux", "trusted.x.", "TRUSTED.x",
		"trusted.\xc3\xa9",
	};
	char conf[600];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(conf, sizeof(conf), "[domain a]\nxattr = %s\n",
			 names[i]);
		bad(conf, NULL, "t.conf:2: xattr:");
	}
	memset(conf, 0, sizeof(conf));
	strcpy(conf, "[domain a]\nxattr = trusted.");
	memset(conf + strlen(conf), 'x', 260);
	strcat(conf, "\n");
	bad(conf, NULL, "xattr");
	assert_false(cfg_xattr_name_ok("security.capability"));
	assert_true(cfg_xattr_name_ok("security.selinux"));
	assert_true(cfg_xattr_name_ok("user.virtiofs.security.selinux"));
}

static void test_finish_errors(void **state)
{
	bad("[domain a]\n\nparent = zz\n", NULL,
	    "t.conf:3: parent: \"zz\" is not a declared domain");
	bad("[domain a]\nparent = b\n[domain b]\nparent = c\n"
	    "[domain c]\nparent = a\n", NULL, "parent cycle");
	bad("[lnfsd]\ndefault-domain = ghost\n", NULL,
	    "t.conf:2: default-domain: \"ghost\" is not a declared domain");
	bad("[domain a]\nlfs = 258\ndefault-lfs = 0\n", NULL,
	    "t.conf:3: default-lfs: 0 is not in the lfs list");
	bad("[domain a]\ndefault-pi = 3\n", NULL, "default-pi: 3");
	bad("[domain a]\nformat = selinux\ndefault-label = nocolons\n", NULL,
	    "t.conf:3: default-label: \"nocolons\" is not a SELinux context");
	bad("[domain a]\ndefault-label = abcdef\nmax-label = 4\n", NULL,
	    "longer than max-label");
	bad("[domain a]\nxattr = user.x\n[domain b]\nxattr = user.x\n", NULL,
	    "t.conf:4: xattr: \"user.x\" is already used");
	bad("[domain a]\nxattr = trusted.lnfs.b\n[domain b]\n", NULL,
	    "already used");
	bad("[domain host]\nxattr = security.selinux\n[domain kid]\n"
	    "parent = host\n", NULL,
	    "t.conf:4: xattr: parent's xattr \"security.selinux\" has no "
	    "prefix");
}

static void test_selinux_format(void **state)
{
	static const char *const good[] = {
		"u:r:t", "system_u:object_r:nfs_t:s0",
		"u:r:t:s0-s15:c0.c1023", "u:r:t:s0:c1,c2",
	};
	static const char *const badl[] = {
		"", "u", "u:r", "u::t", ":r:t", "u:r:t:", "u:r:t s0",
		"u:r:\x01", "u:r:t:s0\n",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cfg_label_format_check(CFG_LABEL_SELINUX,
							(const uint8_t *)good[i],
							strlen(good[i])), 0);
	/* The trailing NUL the kernel counts is accepted. */
	assert_int_equal(cfg_label_format_check(CFG_LABEL_SELINUX,
						(const uint8_t *)"u:r:t", 6), 0);
	for (i = 0; i < sizeof(badl) / sizeof(badl[0]); i++)
		assert_int_equal(cfg_label_format_check(CFG_LABEL_SELINUX,
							(const uint8_t *)badl[i],
							strlen(badl[i])),
				 -EINVAL);
	assert_int_equal(cfg_label_format_check(CFG_LABEL_SELINUX,
						(const uint8_t *)"u:r\0:t", 6),
			 -EINVAL);
	assert_int_equal(cfg_label_format_check(CFG_LABEL_OPAQUE,
						(const uint8_t *)"\0\1", 2), 0);
}

static void test_nesting(void **state)
{
	static const char conf[] =
		"[domain \"l1\"]\n"
		"xattr = user.virtiofs.security.selinux\n"
		"[domain \"l2\"]\n"
		"parent = l1\n"
		"[domain \"l3\"]\n"
		"parent = l2\n"
		"[domain \"t\"]\n"
		"[domain \"tkid\"]\n"
		"parent = t\n"
		"[domain \"own\"]\n"
		"parent = l1\n"
		"xattr = trusted.own\n"
		"xattr-format = framed\n";
	struct cfg *cfg = ok(conf, NULL);
	const struct cfg_domain *l1 = cfg_find_domain(cfg, "l1");
	const struct cfg_domain *l2 = cfg_find_domain(cfg, "l2");
	const struct cfg_domain *l3 = cfg_find_domain(cfg, "l3");
	const struct cfg_domain *tk = cfg_find_domain(cfg, "tkid");
	const struct cfg_domain *own = cfg_find_domain(cfg, "own");

	assert_int_equal(l1->xattr_format, CFG_XATTR_RAW);
	assert_ptr_equal(l2->parent, l1);
	assert_string_equal(l2->xattr,
			    "user.virtiofs.user.virtiofs.security.selinux");
	assert_int_equal(l2->xattr_format, CFG_XATTR_RAW);
	assert_string_equal(l3->xattr, "user.virtiofs.user.virtiofs."
				       "user.virtiofs.security.selinux");
	assert_string_equal(tk->xattr, "trusted.lnfs.trusted.lnfs.t");
	assert_int_equal(tk->xattr_format, CFG_XATTR_FRAMED);
	assert_string_equal(own->xattr, "trusted.own");
	assert_int_equal(own->xattr_format, CFG_XATTR_FRAMED);
	cfg_put(cfg);

	/* A child declared before its parent resolves the same way. */
	cfg = ok("[domain \"kid\"]\nparent = mom\n[domain \"mom\"]\n"
		 "xattr = trusted.virtiofs.security.selinux\n", NULL);
	assert_string_equal(cfg_find_domain(cfg, "kid")->xattr,
			    "trusted.virtiofs.trusted.virtiofs.security.selinux");
	cfg_put(cfg);
}

static void test_exports_parse(void **state)
{
	static const char exports[] =
		"# exports\n"
		"/srv/a  *(rw,no_root_squash,sec=krb5p:sys,anonuid=7) \\\n"
		"   10.0.0.0/8(ro,domain=guests,no_security_label) # tail\n"
		"\n"
		"\"/srv/with space\" -async,insecure host.Example.COM. "
		"*.example.com(rw) fd00::/8(all_squash,crossmnt)\n"
		"/srv/oct\\040al 192.168.1.5(fsid=42,nohide) "
		"2001:db8::1(no_subtree_check,subtree_check,wdelay)\n"
		"/srv/bare\n"
		"/srv/mask 10.1.0.0/255.255.0.0(fsid=root) (rw)\n"
		"/srv/uuid *(fsid=00000001-0000-0002-0000-000400000000)\n";
	struct cfg *cfg = ok("[domain guests]\n", exports);
	const struct cfg_export *e;
	const struct cfg_client *c;

	assert_int_equal(cfg->nexports, 6);
	e = &cfg->exports[0];
	assert_string_equal(e->path, "/srv/a");
	assert_int_equal(e->line, 2);
	assert_int_equal(e->nclients, 2);
	c = &e->clients[0];
	assert_int_equal(c->kind, CFG_CLIENT_ANY);
	assert_true(c->rw);
	assert_int_equal(c->squash, CFG_SQUASH_NONE);
	assert_int_equal(c->nsec, 2);
	assert_int_equal(c->sec[0], CFG_SEC_KRB5P);
	assert_int_equal(c->sec[1], CFG_SEC_SYS);
	assert_int_equal(c->sec_mask,
			 (1u << CFG_SEC_KRB5P) | (1u << CFG_SEC_SYS));
	assert_int_equal(c->anonuid, 7);
	assert_int_equal(c->anongid, 65534);
	assert_true(c->labels);
	assert_true(c->secure);
	assert_true(c->sync);
	assert_ptr_equal(c->domain, cfg_find_domain(cfg, "default"));
	c = &e->clients[1];
	assert_int_equal(c->kind, CFG_CLIENT_CIDR);
	assert_int_equal(c->prefix, 8);
	assert_false(c->rw);
	assert_false(c->labels);
	assert_int_equal(c->squash, CFG_SQUASH_ROOT);
	assert_ptr_equal(c->domain, cfg_find_domain(cfg, "guests"));

	e = &cfg->exports[1];
	assert_string_equal(e->path, "/srv/with space");
	assert_int_equal(e->line, 5);
	assert_int_equal(e->nclients, 3);
	c = &e->clients[0];
	assert_int_equal(c->kind, CFG_CLIENT_HOST);
	assert_string_equal(c->host, "host.example.com");
	assert_false(c->sync);
	assert_false(c->secure);
	assert_int_equal(e->clients[1].kind, CFG_CLIENT_WILDCARD);
	assert_true(e->clients[1].rw);
	assert_false(e->clients[1].secure);
	c = &e->clients[2];
	assert_int_equal(c->kind, CFG_CLIENT_CIDR);
	assert_int_equal(c->family, AF_INET6);
	assert_int_equal(c->squash, CFG_SQUASH_ALL);
	assert_true(c->crossmnt);

	e = &cfg->exports[2];
	assert_string_equal(e->path, "/srv/oct al");
	assert_true(e->fsid_set);
	assert_int_equal(e->id, 42);
	assert_int_equal(e->clients[0].kind, CFG_CLIENT_ADDR);
	assert_true(e->clients[0].nohide);
	assert_int_equal(e->clients[1].family, AF_INET6);
	assert_true(e->subtree_check); /* the last of the client's two words */
	assert_false(cfg->exports[0].subtree_check);

	e = &cfg->exports[3];
	assert_int_equal(e->nclients, 1);
	assert_int_equal(e->clients[0].kind, CFG_CLIENT_ANY);
	assert_false(e->clients[0].rw);

	e = &cfg->exports[4];
	assert_int_equal(e->clients[0].prefix, 16);
	assert_true(e->fsid_root);
	assert_int_not_equal(e->id, 0);
	assert_int_equal(e->clients[1].kind, CFG_CLIENT_ANY);
	assert_true(e->clients[1].rw);

	e = &cfg->exports[5];
	assert_true(e->fsid_set);
	assert_int_equal(e->id, 7);

	assert_ptr_equal(cfg_find_export(cfg, 42), &cfg->exports[2]);
	assert_ptr_equal(cfg_find_export_path(cfg, "/srv/bare"),
			 &cfg->exports[3]);
	assert_null(cfg_find_export_path(cfg, "/srv"));
	cfg_put(cfg);
}

static void test_exports_errors(void **state)
{
	bad(NULL, "/a *(rw,bogus)\n", "exports:1: bogus: unknown export option");
	bad(NULL, "\n/a gss/krb5(rw)\n",
	    "exports:2: gss/krb5: knfsd's gss/ client specs are not supported");
	bad(NULL, "/a krb5:(rw)\n", "exports:1: krb5:: a principal of 1 to 255");
	bad(NULL, "/a krb5:alice(rw)\n",
	    "krb5:alice: write the principal with its realm, NAME@REALM");
	bad(NULL, "/a krb5:alice@(rw)\n", "write the principal with its realm");
	bad(NULL, "/a krb5:@R(rw)\n", "write the principal with its realm");
	bad(NULL, "/a krb5:al\001ice@R(rw)\n", "a principal has no blanks");
	bad(NULL, "/a krb5:a@R krb5:a@R(rw)\n", "krb5:a@R: client listed twice");
	bad(NULL, "/a @group\n", "@group: netgroups are not supported");
	bad(NULL, "/a *(sec=sys:krb6)\n", "sec: \"krb6\" is not a security");
	bad(NULL, "/a *(anonuid=x)\n", "anonuid: \"x\" is not a number");
	bad(NULL, "/a *(fsid=abc)\n", "fsid: \"abc\"");
	bad(NULL, "/a *(domain=Nope)\n", "domain: \"Nope\"");
	bad(NULL, "rel *\n", "exports:1: rel: not an absolute path");
	bad(NULL, "/a/../b *\n", "not an absolute path");
	bad(NULL, "/a * 1.2.3.4 *(rw)\n", "*: client listed twice");
	bad(NULL, "/a 1.2.3.4(rw\n", "expected client(options)");
	bad(NULL, "/a 1.2.3.4(rw))\n", "expected client(options)");
	bad(NULL, "/a 10.0.0.0/33\n", "bad IPv4 prefix");
	bad(NULL, "/a 10.0.0.0/255.0.255.0\n", "bad IPv4 prefix");
	bad(NULL, "/a fd00::/129\n", "bad IPv6 prefix");
	bad(NULL, "/a foo/8\n", "not an address/prefix");
	bad(NULL, "/a ho$t\n", "ho$t: not an address");
	bad(NULL, "\"/a *\n", "missing closing quote");
	bad(NULL, "/a\\000b *\n", "escaped NUL");
	bad(NULL, "/a 1.2.3.4(fsid=1) 1.2.3.5(fsid=2)\n", "conflicting fsid");
	bad(NULL, "/a 1.2.3.4(subtree_check) \\\n 1.2.3.5(no_subtree_check)\n",
	    "exports:1: no_subtree_check: conflicts with subtree_check at line 1");
	bad(NULL, "/a -subtree_check 1.2.3.4 1.2.3.5(no_subtree_check)\n",
	    "exports:1: no_subtree_check: conflicts");
	bad(NULL, "/a *\n\n/a/ 1.2.3.4\n",
	    "exports:3: /a: already exported at exports:1");
	bad(NULL, "/a *(fsid=5)\n/b *(fsid=5)\n",
	    "exports:2: fsid: export id 5 of /b collides with /a (exports:1)");
	bad(NULL, "/a 1.2.3.4\n/b *(rw,domain=ghost)\n",
	    "exports:2: domain: \"ghost\" is not a declared domain");
}

static void test_default_domain_for_exports(void **state)
{
	struct cfg *cfg = ok("[lnfsd]\ndefault-domain = g\n[domain g]\n",
			     "/a *\n/b *(domain=default)\n");

	assert_ptr_equal(cfg->exports[0].clients[0].domain,
			 cfg_find_domain(cfg, "g"));
	assert_ptr_equal(cfg->exports[1].clients[0].domain,
			 cfg_find_domain(cfg, "default"));
	cfg_put(cfg);
}

static void sin4(struct sockaddr_in *s, const char *a)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &s->sin_addr), 1);
}

static void sin6(struct sockaddr_in6 *s, const char *a)
{
	memset(s, 0, sizeof(*s));
	s->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &s->sin6_addr), 1);
}

static void test_match(void **state)
{
	struct cfg *cfg = ok(NULL,
			     "/a *(ro) *.example.com(rw) *.lab.example.com "
			     "box.lab.example.com 10.0.0.0/8 10.1.0.0/16 "
			     "10.1.2.3 fd00::/8 fd00::5\n"
			     "/b 10.0.0.0/8\n");
	const struct cfg_export *a = &cfg->exports[0];
	const struct cfg_export *b = &cfg->exports[1];
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	sin4(&s4, "10.1.2.3");
	assert_string_equal(cfg_match_client(a, (void *)&s4, "box.lab.example.com")->spec,
			    "10.1.2.3");
	sin4(&s4, "10.1.2.4");
	assert_string_equal(cfg_match_client(a, (void *)&s4, NULL)->spec,
			    "10.1.0.0/16");
	sin4(&s4, "10.2.0.1");
	assert_string_equal(cfg_match_client(a, (void *)&s4, NULL)->spec,
			    "10.0.0.0/8");
	sin4(&s4, "192.168.0.1");
	assert_string_equal(cfg_match_client(a, (void *)&s4,
					     "BOX.lab.example.com.")->spec,
			    "box.lab.example.com");
	assert_string_equal(cfg_match_client(a, (void *)&s4,
					     "pc.lab.example.com")->spec,
			    "*.lab.example.com");
	assert_string_equal(cfg_match_client(a, (void *)&s4,
					     "www.example.com")->spec,
			    "*.example.com");
	assert_string_equal(cfg_match_client(a, (void *)&s4,
					     "example.org")->spec, "*");
	assert_string_equal(cfg_match_client(a, NULL, NULL)->spec, "*");
	sin6(&s6, "fd00::5");
	assert_string_equal(cfg_match_client(a, (void *)&s6, NULL)->spec,
			    "fd00::5");
	sin6(&s6, "fd00::6");
	assert_string_equal(cfg_match_client(a, (void *)&s6, NULL)->spec,
			    "fd00::/8");
	/* IPv4-mapped IPv6 peers match IPv4 rules. */
	sin6(&s6, "::ffff:10.1.2.3");
	assert_string_equal(cfg_match_client(a, (void *)&s6, NULL)->spec,
			    "10.1.2.3");
	assert_non_null(cfg_match_client(b, (void *)&s6, NULL));
	sin4(&s4, "11.0.0.1");
	assert_null(cfg_match_client(b, (void *)&s4, "x.example.com"));
	assert_null(cfg_match_client(b, NULL, NULL));
	cfg_put(cfg);
}

static void test_principal_parse(void **state)
{
	struct cfg *cfg = ok("[domain alpha]\n[domain beta]\n",
			     "/a krb5:alice@EXAMPLE.ORG(rw,sec=krb5p,domain=alpha) "
			     "krb5:*@EXAMPLE.ORG(ro,domain=beta) krb5:nfs/*@EXAMPLE.ORG "
			     "krb5:Alice@EXAMPLE.ORG 10.0.0.1\n");
	const struct cfg_export *a = &cfg->exports[0];

	assert_int_equal(a->nclients, 5);
	assert_int_equal(a->clients[0].kind, CFG_CLIENT_PRINCIPAL);
	assert_string_equal(a->clients[0].host, "alice@EXAMPLE.ORG");
	assert_string_equal(a->clients[0].spec, "krb5:alice@EXAMPLE.ORG");
	assert_ptr_equal(a->clients[0].domain, cfg_find_domain(cfg, "alpha"));
	assert_true(a->clients[0].rw);
	assert_int_equal(a->clients[1].kind, CFG_CLIENT_PRINCIPAL_PATTERN);
	assert_false(a->clients[1].rw);
	assert_int_equal(a->clients[2].kind, CFG_CLIENT_PRINCIPAL_PATTERN);
	/* principals are case-sensitive: kept as written, a distinct rule */
	assert_string_equal(a->clients[3].host, "Alice@EXAMPLE.ORG");
	assert_true(cfg->has_principal_rules);
	assert_false(cfg->has_host_rules);
	cfg_put(cfg);

	cfg = ok(NULL, "/a 10.0.0.1 box.example.com\n");
	assert_false(cfg->has_principal_rules);
	assert_true(cfg->has_host_rules);
	cfg_put(cfg);
	cfg = ok(NULL, "/a 10.0.0.1 *\n");
	assert_false(cfg->has_principal_rules || cfg->has_host_rules);
	cfg_put(cfg);
}

static void test_principal_match(void **state)
{
	struct cfg *cfg = ok("[domain alpha]\n[domain beta]\n[domain gamma]\n",
			     "/a krb5:*@EX.ORG(domain=beta) krb5:alice@EX.ORG(domain=alpha) "
			     "krb5:a*@EX.ORG krb5:nfs/*@EX.ORG(domain=gamma) 10.0.0.1 "
			     "box.ex.org *\n"
			     "/b 10.0.0.0/8 krb5:bob@EX.ORG(domain=gamma)\n"
			     "/c krb5:b?b@EX.ORG(domain=alpha)\n");
	const struct cfg_export *a = &cfg->exports[0];
	const struct cfg_export *b = &cfg->exports[1];
	struct cfg_caller who = { NULL, NULL, NULL };
	struct sockaddr_in s4;

	sin4(&s4, "10.0.0.1");
	who.peer = (void *)&s4;
	who.hostname = "box.ex.org";
	/* no principal (AUTH_SYS): principal rules never match */
	assert_string_equal(cfg_match_caller(a, &who)->spec, "10.0.0.1");
	/* exact principal > pattern > address > host name */
	who.principal = "alice@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "krb5:alice@EX.ORG");
	/* of two patterns the one with more literal characters wins */
	who.principal = "anne@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "krb5:a*@EX.ORG");
	who.principal = "zed@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "krb5:*@EX.ORG");
	/* "*" does not cross "/": a service principal needs its own rule */
	who.principal = "nfs/host.ex.org@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "krb5:nfs/*@EX.ORG");
	who.principal = "host/box.ex.org@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "10.0.0.1");
	/* another realm and case differences do not match */
	who.principal = "alice@OTHER.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "10.0.0.1");
	who.principal = "ALICE@EX.ORG";
	assert_string_equal(cfg_match_caller(a, &who)->spec, "krb5:*@EX.ORG");
	/* an export without a rule for the principal falls back to address */
	who.principal = "alice@EX.ORG";
	assert_string_equal(cfg_match_caller(b, &who)->spec, "10.0.0.0/8");
	who.peer = NULL;
	assert_null(cfg_match_caller(b, &who));
	who.principal = "bob@EX.ORG";
	assert_string_equal(cfg_match_caller(b, &who)->spec, "krb5:bob@EX.ORG");

	/* the domain rule across exports: most specific wins, then order */
	assert_string_equal(cfg_match_principal(cfg, "bob@EX.ORG")->spec, "krb5:bob@EX.ORG");
	assert_ptr_equal(cfg_match_principal(cfg, "bob@EX.ORG")->domain,
			 cfg_find_domain(cfg, "gamma"));
	assert_string_equal(cfg_match_principal(cfg, "bxb@EX.ORG")->spec, "krb5:b?b@EX.ORG");
	assert_ptr_equal(cfg_match_principal(cfg, "alice@EX.ORG")->domain,
			 cfg_find_domain(cfg, "alpha"));
	/* a principal rule without domain= means default-domain */
	assert_ptr_equal(cfg_match_principal(cfg, "anne@EX.ORG")->domain,
			 cfg_find_domain(cfg, "default"));
	assert_null(cfg_match_principal(cfg, "svc/x@OTHER"));
	assert_null(cfg_match_principal(cfg, NULL));
	cfg_put(cfg);

	/* without principal rules there is nothing to match */
	cfg = ok(NULL, "/a *\n");
	assert_null(cfg_match_principal(cfg, "alice@EX.ORG"));
	cfg_put(cfg);
}

static void test_add_export_path(void **state)
{
	struct cfg *cfg = cfg_new_default();
	const struct cfg_client *c;

	assert_int_equal(cfg_add_export_path(cfg, "/srv//x/", err,
					     sizeof(err)), 0);
	assert_int_equal(cfg_add_export_path(cfg, "relative", err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "command line: relative: not an absolute "
				 "path without \".\" or \"..\" components");
	cfg_put(cfg);

	cfg = cfg_new_default();
	assert_int_equal(cfg_add_export_path(cfg, "/srv//x/", err,
					     sizeof(err)), 0);
	assert_int_equal(cfg_finish(cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->nexports, 1);
	assert_string_equal(cfg->exports[0].path, "/srv/x");
	assert_int_not_equal(cfg->exports[0].id, 0);
	c = &cfg->exports[0].clients[0];
	assert_int_equal(c->kind, CFG_CLIENT_ANY);
	assert_true(c->rw);
	assert_int_equal(c->squash, CFG_SQUASH_NONE);
	assert_true(c->labels);
	assert_ptr_equal(c->domain, cfg_find_domain(cfg, "default"));
	cfg_put(cfg);
}

static char *dump_string(const struct cfg *cfg, bool exports)
{
	char *buf = NULL, *o, *p, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (exports)
		cfg_dump_exports(cfg, f);
	else
		cfg_dump_conf(cfg, f);
	fclose(f);
	/* drop comment lines */
	o = buf;
	for (p = buf; (line = strsep(&p, "\n"));) {
		size_t n = strlen(line);

		if (line[0] == '#' || !n)
			continue;
		memmove(o, line, n);
		o[n] = '\n';
		o += n + 1;
	}
	*o = '\0';
	return buf;
}

static void test_dump_roundtrip(void **state)
{
	static const char conf[] =
		"[lnfsd]\nlisten = 0.0.0.0:2049 [::]:20490\nthreads = 3\n"
		"[domain \"l1\"]\nxattr = user.virtiofs.security.selinux\n"
		"format = selinux\nread-only = true\n"
		"[domain \"l2\"]\nparent = l1\nlfs = 258 0\npi = 5\n"
		"default-label = \"a b\"\n";
	static const char exports[] =
		"/srv/a *(rw,sec=krb5:sys,fsid=root) 10.0.0.0/8(domain=l2)\n"
		"\"/srv/we#ird\\134 pa\\042th\" fd00::/8(all_squash,insecure,"
		"async,crossmnt,nohide,anonuid=1,anongid=2,fsid=77) h.ex.com\n";
	struct cfg *a = ok(conf, exports), *b;
	char *c1 = dump_string(a, false), *e1 = dump_string(a, true);
	char *c2, *e2;

	assert_string_equal(a->exports[1].path, "/srv/we#ird\\ pa\"th");
	b = ok(c1, e1);
	c2 = dump_string(b, false);
	e2 = dump_string(b, true);
	assert_string_equal(c1, c2);
	assert_string_equal(e1, e2);
	assert_string_equal(b->exports[1].path, a->exports[1].path);
	assert_int_equal(b->exports[1].id, 77);
	assert_int_equal(b->exports[0].id, a->exports[0].id);
	free(c1);
	free(c2);
	free(e1);
	free(e2);
	cfg_put(a);
	cfg_put(b);
}

/* host_context=: one context per export, checked when read, dumped. */
static void test_host_context(void **state)
{
	static const char ctx[] = "system_u:object_r:lnfsd_export_t:s0";
	struct cfg *cfg;
	char msg[768];
	char *e1;

	(void)state;
	cfg = ok(NULL, "/a 10.0.0.1(rw) *(ro,host_context=system_u:object_r:"
		 "lnfsd_export_t:s0)\n"
		 "/b -host_context=system_u:object_r:lnfsd_export_t:s0 "
		 "10.0.0.2(rw) 10.0.0.3\n"
		 "/c *(rw)\n");
	assert_string_equal(cfg->exports[0].host_context, ctx);
	assert_int_equal(cfg->exports[0].host_context_line, 1);
	assert_string_equal(cfg->exports[1].host_context, ctx);
	assert_int_equal(cfg->exports[1].host_context_line, 2);
	assert_string_equal(cfg->exports[2].host_context, "");
	e1 = dump_string(cfg, true);
	assert_non_null(strstr(e1, ",host_context=system_u:object_r:"
			       "lnfsd_export_t:s0)"));
	free(e1);
	/* off on a host without SELinux, with file:line:key */
	if (is_selinux_enabled() > 0) {
		assert_false(cfg_host_context_inert(cfg, msg, sizeof(msg)));
	} else {
		assert_true(cfg_host_context_inert(cfg, msg, sizeof(msg)));
		assert_non_null(strstr(msg, "exports:1: host_context: SELinux is "
				       "disabled on this host"));
	}
	cfg_put(cfg);
	cfg = ok(NULL, "/c *(rw)\n");
	assert_false(cfg_host_context_inert(cfg, msg, sizeof(msg)));
	cfg_put(cfg);
	/* an MLS range with a category range is fine */
	cfg = ok(NULL, "/a *(host_context=system_u:object_r:lnfsd_export_t:"
		 "s0-s0:c0.c1023)\n");
	cfg_put(cfg);
	/* the same value twice is fine, two values are not */
	cfg = ok(NULL, "/a 10.0.0.1(host_context=u:r:t:s0) "
		 "10.0.0.2(host_context=u:r:t:s0)\n");
	cfg_put(cfg);
	bad(NULL, "/a 10.0.0.1(host_context=u:r:t:s0) "
	    "10.0.0.2(host_context=u:r:u:s0)\n",
	    "exports:1: host_context: conflicting host_context for /a "
	    "(u:r:t:s0 at line 1)");
	bad(NULL, "# x\n/a *(rw,host_context=lnfsd_export_t)\n",
	    "exports:2: host_context: \"lnfsd_export_t\" is not an SELinux "
	    "context");
	bad(NULL, "/a *(host_context=)\n",
	    "exports:1: host_context: a context of 1 to 255 characters");
	bad(NULL, "/a *(host_context=u:r::s0)\n", "is not an SELinux context");
	bad(NULL, "/a *(host_context=u:r:t:s0\001)\n",
	    "is not an SELinux context");
	/* a comma ends the option: the rest is an unknown option */
	bad(NULL, "/a *(host_context=u:r:t:s0:c0,c5)\n",
	    "exports:1: c5: unknown export option");
	/* with SELinux on the host, the type must exist in its policy */
	if (is_selinux_enabled() > 0)
		bad(NULL, "/a *(host_context=system_u:object_r:"
		    "no_such_type_lnfs_t:s0)\n",
		    "is not a valid context in the host's loaded SELinux "
		    "policy");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_files(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", conf[128], exp[128], sub[128],
	     file[128], text[512];
	struct cfg *cfg = NULL;

	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/lnfsd.conf", dir);
	snprintf(exp, sizeof(exp), "%s/exp", dir);
	snprintf(sub, sizeof(sub), "%s/share", dir);
	snprintf(file, sizeof(file), "%s/plain", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(file, "x");

	/* missing main file */
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "lnfsd.conf: read: No such file"));

	/* no exports key: a missing default exports file is fine */
	write_file(conf, "[lnfsd]\nthreads = 2\n");
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->threads, 2);
	assert_string_equal(cfg->conf_path, conf);
	cfg_put(cfg);

	/* explicit relative exports path that is missing */
	write_file(conf, "[lnfsd]\n\nexports = exp\n");
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), -ENOENT);
	snprintf(text, sizeof(text), "%s:3: exports: cannot read \"%s\"",
		 conf, exp);
	assert_non_null(strstr(err, text));

	snprintf(text, sizeof(text), "%s *(rw)\n", sub);
	write_file(exp, text);
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->nexports, 1);
	assert_string_equal(cfg->exports_path, exp);
	assert_string_equal(cfg->exports[0].file, exp);
	cfg_put(cfg);

	snprintf(text, sizeof(text), "%s *(rw)\n%s/nothere *\n", sub, dir);
	write_file(exp, text);
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), -ENOENT);
	snprintf(text, sizeof(text), "%s:2: %s/nothere: No such file", exp,
		 dir);
	assert_non_null(strstr(err, text));

	snprintf(text, sizeof(text), "%s *\n", file);
	write_file(exp, text);
	assert_int_equal(cfg_load(conf, &cfg, err, sizeof(err)), -ENOTDIR);
	assert_non_null(strstr(err, "not a directory"));

	unlink(exp);
	unlink(conf);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

static void test_refcount_holder(void **state)
{
	struct cfg *a = ok(NULL, NULL), *b = ok("[lnfsd]\nthreads = 9\n", NULL);
	struct cfg_holder *h = cfg_holder_new(a);
	struct cfg *r1, *r2;

	assert_non_null(h);
	r1 = cfg_holder_acquire(h);
	assert_ptr_equal(r1, a);
	assert_int_equal(atomic_load(&a->refcount), 2);
	cfg_holder_swap(h, b);
	/* the old snapshot lives while r1 holds it */
	assert_int_equal(atomic_load(&a->refcount), 1);
	assert_int_equal(r1->threads, 8);
	r2 = cfg_holder_acquire(h);
	assert_int_equal(r2->threads, 9);
	cfg_put(r1);
	cfg_put(r2);
	cfg_holder_free(h);
	cfg_put(NULL);
}

static void test_parse_listen(void **state)
{
	struct cfg_listen l;

	assert_int_equal(cfg_parse_listen("[::]", &l), 0);
	assert_int_equal(l.addr.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&l.addr)->sin6_port),
			 2049);
	assert_int_equal(l.addrlen, sizeof(struct sockaddr_in6));
	assert_int_equal(cfg_parse_listen("1.2.3", &l), -EINVAL);
	assert_int_equal(cfg_parse_listen("[::1", &l), -EINVAL);
	assert_int_equal(cfg_parse_listen("1.2.3.4:", &l), -EINVAL);
	assert_int_equal(cfg_parse_listen("1.2.3.4:+1", &l), -EINVAL);
}

static void test_bools(void **state)
{
	static const char *const t[] = { "yes", "TRUE", "1", "On" };
	static const char *const f[] = { "no", "false", "0", "OFF" };
	char conf[64];
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(conf, sizeof(conf), "[domain a]\nread-only = %s\n",
			 t[i]);
		cfg = ok(conf, NULL);
		assert_true(cfg_find_domain(cfg, "a")->read_only);
		cfg_put(cfg);
		snprintf(conf, sizeof(conf), "[domain a]\nread-only = %s\n",
			 f[i]);
		cfg = ok(conf, NULL);
		assert_false(cfg_find_domain(cfg, "a")->read_only);
		cfg_put(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_conf),
		cmocka_unit_test(test_exact_message),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_conf_nul_and_crlf),
		cmocka_unit_test(test_hostile_xattr_names),
		cmocka_unit_test(test_finish_errors),
		cmocka_unit_test(test_selinux_format),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_exports_parse),
		cmocka_unit_test(test_exports_errors),
		cmocka_unit_test(test_default_domain_for_exports),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_principal_parse),
		cmocka_unit_test(test_principal_match),
		cmocka_unit_test(test_add_export_path),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_host_context),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_refcount_holder),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_bools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
