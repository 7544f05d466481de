/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_translate.c - label domains beyond storage: the translate-table
 * parser (valid rules, hostile input and its FILE:LINE messages), the
 * cross-checks cfg_finish() makes, rule matching and rewriting
 * (lfs_translate), the read path on real files (lfs_get_translated: own,
 * translated, unmapped, denied, default; never writing), files named by
 * the main file (relative paths, missing files), and per-domain SELinux
 * policies checked with libsepol on a tiny policy compiled here with
 * secilc (those cases skip without secilc).  Real-file cases use user.*
 * xattrs in a temporary directory and skip when it has none.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "lfs/lfs.h"

static char err[512];

static const char base_conf[] =
	"[domain \"alpha\"]\n"
	"xattr = user.lnfs-t.alpha\n"
	"format = selinux\n"
	"[domain \"beta\"]\n"
	"xattr = user.lnfs-t.beta\n"
	"[domain \"gamma\"]\n"
	"xattr = user.lnfs-t.gamma\n"
	"format = selinux\n"
	"default-label = system_u:object_r:gamma_default_t:s0\n"
	"translate-from = alpha beta\n"
	"translate-table = gamma.tbl\n"
	"[domain \"delta\"]\n"
	"xattr = user.lnfs-t.delta\n"
	"translate-from = alpha\n"
	"translate-table = delta.tbl\n"
	"translate-unmapped = deny\n";

static const char gamma_tbl[] =
	"# gamma sees alpha's and beta's labels through these rules\n"
	"alpha \"system_u:object_r:secret_t:s0\" -> system_u:object_r:hidden_t:s0\n"
	"alpha type=httpd_sys_content_t -> system_u:object_r:public_content_t:s0\n"
	"alpha type=user_home_t level=* -> type=nfs_t   # keep the rest\n"
	"alpha user=staff_u -> user=user_u level=s1\n"
	"alpha type=bad_t -> \"not a context\"\n";

static const char gamma_tbl_ok[] =
	"alpha \"system_u:object_r:secret_t:s0\" -> system_u:object_r:hidden_t:s0\n"
	"alpha type=httpd_sys_content_t -> system_u:object_r:public_content_t:s0\n"
	"alpha type=user_home_t level=* -> type=nfs_t   # keep the rest\n"
	"alpha user=staff_u -> user=user_u level=s1\n"
	"alpha type=keep_t -> =\n"
	"alpha type=long_t -> type=an_extremely_long_type_name_t\n"
	"beta \"plain words\" -> system_u:object_r:from_beta_t:s0\n"
	"beta * -> type=never_t\n"
	"* type=any_t -> system_u:object_r:any_t:s0\n";

static const char delta_tbl[] = "alpha \"x:y:z\" -> \"mapped\"\n";

/* A fresh cfg from base_conf with both tables; rc of the first failure. */
static int build(const char *conf, const char *gtbl, const char *dtbl,
		 struct cfg **out)
{
	struct cfg *cfg = cfg_new_default();
	int rc;

	assert_non_null(cfg);
	*out = cfg;
	err[0] = '\0';
	rc = cfg_parse_conf_text(cfg, conf, strlen(conf), "/etc/t/t.conf", err,
				 sizeof(err));
	if (!rc && gtbl)
		rc = cfg_parse_translate_text(cfg, "gamma", gtbl, strlen(gtbl),
					      "/etc/t/gamma.tbl", err,
					      sizeof(err));
	if (!rc && dtbl)
		rc = cfg_parse_translate_text(cfg, "delta", dtbl, strlen(dtbl),
					      "/etc/t/delta.tbl", err,
					      sizeof(err));
	if (!rc)
		rc = cfg_finish(cfg, err, sizeof(err));
	return rc;
}

static struct cfg *good(void)
{
	struct cfg *cfg;
	int rc = build(base_conf, gamma_tbl_ok, delta_tbl, &cfg);

	if (rc)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	return cfg;
}

/* The table text fails to parse with exactly this message. */
static void bad_table(const char *tbl, const char *want)
{
	struct cfg *cfg = cfg_new_default();
	int rc;

	rc = cfg_parse_conf_text(cfg, base_conf, strlen(base_conf), "t.conf",
				 err, sizeof(err));
	assert_int_equal(rc, 0);
	rc = cfg_parse_translate_text(cfg, "gamma", tbl, strlen(tbl),
				      "g.tbl", err, sizeof(err));
	if (rc != -EINVAL || strcmp(err, want))
		print_error("table %s\nwant: %s\ngot:  %s (%d)\n", tbl, want,
			    err, rc);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(err, want);
	cfg_put(cfg);
}

static void test_parse_rules(void **state)
{
	struct cfg *cfg = good();
	const struct cfg_domain *g = cfg_find_domain(cfg, "gamma");
	const struct cfg_xlate_rule *r;

	assert_non_null(g->xlate);
	assert_int_equal(g->xlate->nrules, 9);
	assert_string_equal(g->xlate->file, "/etc/t/gamma.tbl");
	r = &g->xlate->rules[0];
	assert_string_equal(r->src, "alpha");
	assert_int_equal(r->match, CFG_XM_EXACT);
	assert_string_equal(r->exact, "system_u:object_r:secret_t:s0");
	assert_int_equal(r->result, CFG_XR_LITERAL);
	assert_string_equal(r->literal, "system_u:object_r:hidden_t:s0");
	assert_int_equal(r->line, 1);
	r = &g->xlate->rules[2];
	assert_int_equal(r->match, CFG_XM_FIELDS);
	assert_string_equal(r->field[CFG_CTX_TYPE], "user_home_t");
	assert_null(r->field[CFG_CTX_LEVEL]);	/* level=* tests nothing */
	assert_null(r->field[CFG_CTX_USER]);
	assert_int_equal(r->result, CFG_XR_REWRITE);
	assert_string_equal(r->set[CFG_CTX_TYPE], "nfs_t");
	assert_null(r->set[CFG_CTX_USER]);
	r = &g->xlate->rules[4];
	assert_int_equal(r->result, CFG_XR_KEEP);
	r = &g->xlate->rules[7];
	assert_int_equal(r->match, CFG_XM_ANY);
	r = &g->xlate->rules[8];
	assert_string_equal(r->src, "");
	/* resolved sources, in order */
	assert_int_equal(g->nxlate_from, 2);
	assert_ptr_equal(g->xlate_from[0], cfg_find_domain(cfg, "alpha"));
	assert_ptr_equal(g->xlate_from[1], cfg_find_domain(cfg, "beta"));
	assert_int_equal(cfg_find_domain(cfg, "delta")->xlate_unmapped,
			 CFG_XLATE_DENY);
	assert_int_equal(g->xlate_unmapped, CFG_XLATE_DEFAULT);
	/* translate-table is relative to the main file's directory */
	assert_string_equal(g->xlate_path, "/etc/t/gamma.tbl");
	cfg_put(cfg);
}

static void test_parse_hostile(void **state)
{
	char big[CFG_LABEL_MAX + 64];
	char *huge;

	bad_table("alpha x y\n",
		  "g.tbl:1: rule: expected \"->\"");
	bad_table("\n\nalpha\n", "g.tbl:3: rule: expected SOURCE MATCH -> RESULT");
	bad_table("alpha a -> b -> c\n", "g.tbl:1: rule: more than one \"->\"");
	bad_table("alpha -> b\n", "g.tbl:1: rule: missing MATCH before \"->\"");
	bad_table("alpha a ->\n", "g.tbl:1: rule: missing RESULT after \"->\"");
	bad_table("Alpha a -> b\n",
		  "g.tbl:1: rule: source \"Alpha\" is not a domain name "
		  "([a-z0-9-], 1..32 characters) or *");
	bad_table("\"alpha\" a -> b\n",
		  "g.tbl:1: rule: source must be a domain name or *");
	bad_table("alpha \"abc -> b\n",
		  "g.tbl:1: rule: unterminated quoted string");
	bad_table("alpha \"a\\nb\" -> b\n",
		  "g.tbl:1: rule: unknown escape \"\\n\" (only \\\" and \\\\)");
	bad_table("alpha \"a\"b -> c\n",
		  "g.tbl:1: rule: text right after a closing quote");
	bad_table("alpha a\"b -> c\n", "g.tbl:1: rule: a quote inside a word");
	bad_table("alpha colour=red -> b\n",
		  "g.tbl:1: rule: match \"colour=red\" is not FIELD=VALUE "
		  "(user, role, type, level); quote an exact label");
	bad_table("alpha type=a type=b -> c\n",
		  "g.tbl:1: rule: match gives type twice");
	bad_table("alpha type=a:b -> c\n",
		  "g.tbl:1: rule: match type=\"a:b\" is not a context field "
		  "(printable, no spaces, no ':')");
	bad_table("alpha type= -> c\n",
		  "g.tbl:1: rule: match type=\"\" is not a context field "
		  "(printable, no spaces, no ':')");
	bad_table("alpha type=a -> type=*\n",
		  "g.tbl:1: rule: result type=\"*\" is not a context field "
		  "(printable, no spaces, no ':')");
	bad_table("alpha type=a -> type=b x\n",
		  "g.tbl:1: rule: result \"x\" is not FIELD=VALUE (user, role, "
		  "type, level); quote an exact label");
	bad_table("alpha \"\" -> b\n",
		  "g.tbl:1: rule: exact label must be 1..2048 bytes without "
		  "control characters");
	bad_table("alpha a -> \"\"\n",
		  "g.tbl:1: rule: result label must be 1..2048 bytes without "
		  "control characters");
	bad_table("alpha a -> \"b\x01\"\n",
		  "g.tbl:1: rule: result label must be 1..2048 bytes without "
		  "control characters");
	bad_table("a b c d e f g h i j k l m\n",
		  "g.tbl:1: rule: too many words (at most 12)");
	{
		static const char nul[] = "alpha a -> b\nalpha \0 -> c\n";
		struct cfg *cfg = cfg_new_default();

		assert_int_equal(cfg_parse_conf_text(cfg, base_conf,
						     strlen(base_conf), "t",
						     err, sizeof(err)), 0);
		assert_int_equal(cfg_parse_translate_text(cfg, "gamma", nul,
							  sizeof(nul) - 1,
							  "g.tbl", err,
							  sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "g.tbl:2: rule: line contains a NUL byte");
		assert_int_equal(cfg_parse_translate_text(cfg, "nope", "", 0,
							  "g.tbl", err,
							  sizeof(err)),
				 -ENOENT);
		cfg_put(cfg);
	}
	/* an exact label one byte too long */
	memset(big, 'a', sizeof(big));
	memcpy(big, "alpha ", 6);
	big[6 + CFG_LABEL_MAX + 1] = '\0';
	strcat(big, " -> b\n");
	bad_table(big, "g.tbl:1: rule: exact label must be 1..2048 bytes "
		       "without control characters");
	/* a line longer than the parser takes */
	huge = malloc(70000);
	assert_non_null(huge);
	memset(huge, 'x', 69999);
	huge[69999] = '\0';
	bad_table(huge, "g.tbl:1: rule: line too long");
	free(huge);
	/* blank lines, comments, CRLF and a final line without newline */
	{
		static const char ok[] = "\r\n  # c\r\n\talpha a -> b\r\nbeta c -> =";
		struct cfg *cfg = cfg_new_default();

		assert_int_equal(cfg_parse_conf_text(cfg, base_conf,
						     strlen(base_conf), "t",
						     err, sizeof(err)), 0);
		assert_int_equal(cfg_parse_translate_text(cfg, "gamma", ok,
							  strlen(ok), "g.tbl",
							  err, sizeof(err)),
				 0);
		assert_int_equal(cfg_find_domain(cfg, "gamma")->xlate->nrules,
				 2);
		assert_int_equal(cfg_find_domain(cfg, "gamma")->xlate->rules[1]
					 .line,
				 4);
		cfg_put(cfg);
	}
}

static void bad_finish(const char *conf, const char *gtbl, const char *want)
{
	struct cfg *cfg;
	int rc = build(conf, gtbl, delta_tbl, &cfg);

	if (!rc || strcmp(err, want))
		print_error("want: %s\ngot:  %s (%d)\n", want, err, rc);
	assert_int_not_equal(rc, 0);
	assert_string_equal(err, want);
	cfg_put(cfg);
}

static void test_finish_checks(void **state)
{
	char conf[2048];
	struct cfg *cfg;

	bad_finish(base_conf, "delta a -> b\n",
		   "/etc/t/gamma.tbl:1: rule: \"delta\" is not in "
		   "translate-from of domain \"gamma\"");
	bad_finish(base_conf, gamma_tbl,
		   "/etc/t/gamma.tbl:6: rule: result \"not a context\" is not "
		   "a SELinux context (domain \"gamma\" has format = selinux)");
	snprintf(conf, sizeof(conf), "%s[domain \"e\"]\ntranslate-from = zeta\n"
		 "translate-table = e.tbl\n", base_conf);
	bad_finish(conf, gamma_tbl_ok,
		   "/etc/t/t.conf:18: translate-from: \"zeta\" is not a "
		   "declared domain");
	snprintf(conf, sizeof(conf), "%s[domain \"e\"]\ntranslate-from = alpha\n",
		 base_conf);
	bad_finish(conf, gamma_tbl_ok,
		   "/etc/t/t.conf:18: translate-from: needs translate-table "
		   "in domain \"e\"");
	snprintf(conf, sizeof(conf), "%s[domain \"e\"]\ntranslate-table = x\n",
		 base_conf);
	bad_finish(conf, gamma_tbl_ok,
		   "/etc/t/t.conf:18: translate-table: needs translate-from "
		   "in domain \"e\"");
	snprintf(conf, sizeof(conf), "%s[domain \"e\"]\ntranslate-from = alpha\n"
		 "translate-table = e.tbl\n", base_conf);
	bad_finish(conf, gamma_tbl_ok,
		   "/etc/t/t.conf:19: translate-table: \"/etc/t/e.tbl\" was "
		   "not loaded (cfg_read() or cfg_load_domain_files() loads "
		   "it)");
	/* parse-time errors of the keys */
	snprintf(conf, sizeof(conf), "[domain \"e\"]\ntranslate-from = e\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: translate-from: a domain "
				 "cannot translate from itself");
	cfg_put(cfg);
	snprintf(conf, sizeof(conf), "[domain \"e\"]\ntranslate-from = a b a\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: translate-from: \"a\" is "
				 "listed twice");
	cfg_put(cfg);
	snprintf(conf, sizeof(conf),
		 "[domain \"e\"]\ntranslate-from = a b c d e1 f g h i\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: translate-from: more than "
				 "8 domains");
	cfg_put(cfg);
	snprintf(conf, sizeof(conf), "[domain \"e\"]\ntranslate-from = A\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: translate-from: \"A\" is "
				 "not a domain name ([a-z0-9-], 1..32 "
				 "characters)");
	cfg_put(cfg);
	snprintf(conf, sizeof(conf), "[domain \"e\"]\ntranslate-unmapped = no\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: translate-unmapped: \"no\" "
				 "is not default or deny");
	cfg_put(cfg);
	snprintf(conf, sizeof(conf), "[domain \"e\"]\npolicy = /nonexistent/p\n");
	assert_int_not_equal(build(conf, NULL, NULL, &cfg), 0);
	assert_string_equal(err, "/etc/t/t.conf:2: policy: \"/nonexistent/p\" "
				 "was not loaded (cfg_read() or "
				 "cfg_load_domain_files() loads it)");
	cfg_put(cfg);
}

static void set_label(struct lfs_label *l, const char *s)
{
	l->lfs = 0;
	l->pi = 0;
	l->len = (uint32_t)strlen(s);
	memcpy(l->data, s, l->len);
}

static void expect_map(const struct cfg *cfg, const char *from,
		       const char *in, int want_rc, const char *want,
		       unsigned int want_line)
{
	const struct cfg_domain *g = cfg_find_domain(cfg, "gamma");
	struct lfs_label l, out;
	unsigned int line = 0;
	int rc;

	set_label(&l, in);
	rc = lfs_translate(g, cfg_find_domain(cfg, from), &l, &out, &line);
	if (rc != want_rc)
		print_error("%s %s: rc %d, want %d\n", from, in, rc, want_rc);
	assert_int_equal(rc, want_rc);
	if (rc)
		return;
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	assert_int_equal(line, want_line);
	assert_int_equal(out.lfs, g->default_lfs);
	assert_int_equal(out.pi, g->default_pi);
}

static void test_matching(void **state)
{
	struct cfg *cfg = good();
	struct lfs_label l, out;

	/* exact, with and without the kernel's trailing NUL */
	expect_map(cfg, "alpha", "system_u:object_r:secret_t:s0", 0,
		   "system_u:object_r:hidden_t:s0", 1);
	set_label(&l, "system_u:object_r:secret_t:s0");
	l.data[l.len++] = '\0';
	assert_int_equal(lfs_translate(cfg_find_domain(cfg, "gamma"),
				       cfg_find_domain(cfg, "alpha"), &l, &out,
				       NULL), 0);
	/* field match, literal result */
	expect_map(cfg, "alpha", "u:r:httpd_sys_content_t:s0:c1,c2", 0,
		   "system_u:object_r:public_content_t:s0", 2);
	expect_map(cfg, "alpha", "u:r:httpd_sys_content_t", 0,
		   "system_u:object_r:public_content_t:s0", 2);
	/* rewrite keeps the other fields, with or without a level */
	expect_map(cfg, "alpha", "staff_u:object_r:user_home_t:s0-s0:c0.c1023", 0,
		   "staff_u:object_r:nfs_t:s0-s0:c0.c1023", 3);
	expect_map(cfg, "alpha", "staff_u:object_r:user_home_t", 0,
		   "staff_u:object_r:nfs_t", 3);
	/* rewrite adds a level the source lacked */
	expect_map(cfg, "alpha", "staff_u:object_r:tmp_t", 0,
		   "user_u:object_r:tmp_t:s1", 4);
	/* = keeps the label */
	expect_map(cfg, "alpha", "a:b:keep_t:s9", 0, "a:b:keep_t:s9", 5);
	/* first match wins: rule 4 (user=staff_u) before rule 5 */
	expect_map(cfg, "alpha", "staff_u:r:keep_t:s0", 0,
		   "user_u:r:keep_t:s1", 4);
	/* source-specific rules do not apply to other sources */
	expect_map(cfg, "beta", "staff_u:object_r:user_home_t", 0,
		   "staff_u:object_r:never_t", 8);
	expect_map(cfg, "beta", "plain words", 0,
		   "system_u:object_r:from_beta_t:s0", 7);
	/* beta * -> type=...: a non-context does not match a rewrite */
	expect_map(cfg, "beta", "no context at all", -ENOENT, NULL, 0);
	/* * source */
	expect_map(cfg, "alpha", "x:y:any_t", 0, "system_u:object_r:any_t:s0",
		   9);
	/* nothing matches */
	expect_map(cfg, "alpha", "x:y:other_t:s0", -ENOENT, NULL, 0);
	expect_map(cfg, "alpha", "not a context", -ENOENT, NULL, 0);
	/* field tests never match a level that is not there */
	expect_map(cfg, "alpha", "system_u:object_r:secret_t", -ENOENT, NULL, 0);
	/* a rewrite producing something gamma refuses is "unmapped" */
	{
		char conf[2048];
		struct cfg *c2;

		snprintf(conf, sizeof(conf), "%s", base_conf);
		if (build(conf, "alpha * -> type=t_ level=s0\n", delta_tbl,
			  &c2))
			print_error("%s\n", err);
		assert_int_equal(err[0], '\0');
		expect_map(c2, "alpha", "u:r:x", 0, "u:r:t_:s0", 1);
		cfg_put(c2);
		snprintf(conf, sizeof(conf), "%s",
			 "[domain \"alpha\"]\nxattr = user.a\n"
			 "[domain \"gamma\"]\nxattr = user.g\nmax-label = 8\n"
			 "default-label = d\n"
			 "translate-from = alpha\ntranslate-table = g\n");
		assert_int_equal(build(conf, "alpha * -> =\n", NULL, &c2), 0);
		expect_map(c2, "alpha", "short", 0, "short", 1);
		expect_map(c2, "alpha", "far too long", -EINVAL, NULL, 0);
		cfg_put(c2);
	}
	cfg_put(cfg);
}

/* ---- the read path on real files ---- */

struct files {
	struct cfg *cfg;
	char dir[64];
	char file[96];
	int fd;
};

static int files_setup(void **state)
{
	struct files *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->cfg = good();
	snprintf(f->dir, sizeof(f->dir), "%s/lnfs-xl.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/f", f->dir);
	f->fd = open(f->file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (f->fd < 0)
		return -1;
	*state = f;
	return 0;
}

static int files_teardown(void **state)
{
	struct files *f = *state;

	close(f->fd);
	unlink(f->file);
	rmdir(f->dir);
	cfg_put(f->cfg);
	free(f);
	return 0;
}

static void store(const struct cfg *cfg, int fd, const char *dom,
		  const char *label)
{
	struct lfs_label l;

	set_label(&l, label);
	assert_int_equal(lfs_set(cfg_find_domain(cfg, dom), fd, &l), 0);
}

static void expect_get(const struct cfg *cfg, int fd, const char *dom,
		       int want_rc, enum lfs_origin_kind kind,
		       const char *from, const char *want)
{
	struct lfs_origin o;
	struct lfs_label out;
	int rc;

	rc = lfs_get_translated(NULL, cfg_find_domain(cfg, dom), fd, &out, &o);
	assert_int_equal(rc, want_rc);
	if (rc)
		return;
	assert_int_equal(o.kind, kind);
	if (from)
		assert_string_equal(o.from->name, from);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
}

static void test_get_path(void **state)
{
	struct files *f = *state;
	const struct cfg *cfg = f->cfg;
	char names[1024];
	ssize_t n;

	if (fsetxattr(f->fd, "user.lnfs-t.probe", "x", 1, 0) < 0) {
		print_message("no user xattrs in %s: skipped\n", f->dir);
		skip();
	}
	fremovexattr(f->fd, "user.lnfs-t.probe");
	/* nothing anywhere: defaults, also for deny */
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_DEFAULT, NULL,
		   "system_u:object_r:gamma_default_t:s0");
	expect_get(cfg, f->fd, "delta", 0, LFS_ORIGIN_DEFAULT, NULL,
		   CFG_DEFAULT_LABEL);
	/* beta only: gamma translates beta's */
	store(cfg, f->fd, "beta", "plain words");
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_TRANSLATED, "beta",
		   "system_u:object_r:from_beta_t:s0");
	/* alpha comes first in translate-from */
	store(cfg, f->fd, "alpha", "system_u:object_r:httpd_sys_content_t:s0");
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_TRANSLATED, "alpha",
		   "system_u:object_r:public_content_t:s0");
	/* alpha's label unmapped: gamma's default; delta denies */
	store(cfg, f->fd, "alpha", "system_u:object_r:other_t:s0");
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_UNMAPPED, "alpha",
		   "system_u:object_r:gamma_default_t:s0");
	expect_get(cfg, f->fd, "delta", -EACCES, 0, NULL, NULL);
	store(cfg, f->fd, "alpha", "x:y:z");
	expect_get(cfg, f->fd, "delta", 0, LFS_ORIGIN_TRANSLATED, "alpha",
		   "mapped");
	/* the domains' own labels are served as stored */
	expect_get(cfg, f->fd, "alpha", 0, LFS_ORIGIN_STORED, NULL, "x:y:z");
	store(cfg, f->fd, "gamma", "system_u:object_r:mine_t:s0");
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_STORED, NULL,
		   "system_u:object_r:mine_t:s0");
	assert_int_equal(lfs_remove(cfg_find_domain(cfg, "gamma"), f->fd), 0);
	/* a corrupt source label is skipped: the next source counts */
	assert_int_equal(fsetxattr(f->fd, "user.lnfs-t.alpha", "junk", 4, 0), 0);
	expect_get(cfg, f->fd, "gamma", 0, LFS_ORIGIN_TRANSLATED, "beta",
		   "system_u:object_r:from_beta_t:s0");
	/* a corrupt own label is reported */
	assert_int_equal(fsetxattr(f->fd, "user.lnfs-t.gamma", "junk", 4, 0), 0);
	expect_get(cfg, f->fd, "gamma", -EBADMSG, 0, NULL, NULL);
	assert_int_equal(lfs_remove(cfg_find_domain(cfg, "gamma"), f->fd), 0);
	/* translation never wrote anything: only alpha and beta are there */
	n = flistxattr(f->fd, names, sizeof(names));
	assert_true(n > 0);
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1)
		assert_true(!strcmp(names + i, "user.lnfs-t.alpha") ||
			    !strcmp(names + i, "user.lnfs-t.beta"));
	/* bad descriptors are errors, not defaults */
	expect_get(cfg, -1, "gamma", -EBADF, 0, NULL, NULL);
}

/* ---- files named by the main file ---- */

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_load_files(void **state)
{
	char dir[64], path[128], conf[512];
	struct cfg *cfg;
	int rc;

	snprintf(dir, sizeof(dir), "%s/lnfs-xf.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf),
		 "[lnfsd]\nexports = %s/exports\n"
		 "[domain \"alpha\"]\nxattr = user.a\n"
		 "[domain \"gamma\"]\nxattr = user.g\n"
		 "translate-from = alpha\ntranslate-table = sub/g.tbl\n", dir);
	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	write_file(path, conf);
	snprintf(path, sizeof(path), "%s/exports", dir);
	write_file(path, "");
	/* missing table */
	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	rc = cfg_load(path, &cfg, err, sizeof(err));
	assert_int_equal(rc, -ENOENT);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "%s/lnfsd.conf:8: translate-table: cannot read "
			 "\"%s/sub/g.tbl\": No such file or directory", dir,
			 dir);
		assert_string_equal(err, want);
	}
	/* present, relative to the main file's directory */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/g.tbl", dir);
	write_file(path, "alpha a -> b\nalpha c d\n");
	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	rc = cfg_load(path, &cfg, err, sizeof(err));
	assert_int_equal(rc, -EINVAL);
	{
		char want[512];

		snprintf(want, sizeof(want), "%s/sub/g.tbl:2: rule: expected "
			 "\"->\"", dir);
		assert_string_equal(err, want);
	}
	snprintf(path, sizeof(path), "%s/sub/g.tbl", dir);
	write_file(path, "alpha a -> b\n");
	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	rc = cfg_load(path, &cfg, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(cfg_find_domain(cfg, "gamma")->xlate->nrules, 1);
	/* the dump names the resolved table and re-parses */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		cfg_dump_conf(cfg, m);
		fclose(m);
		assert_non_null(strstr(buf, "translate-from = alpha\n"));
		snprintf(conf, sizeof(conf), "translate-table = \"%s/sub/g.tbl\"\n",
			 dir);
		assert_non_null(strstr(buf, conf));
		assert_non_null(strstr(buf, "translate-unmapped = default\n"));
		free(buf);
	}
	cfg_put(cfg);
	snprintf(path, sizeof(path), "%s/sub/g.tbl", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/exports", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	unlink(path);
	rmdir(dir);
}

/* ---- per-domain SELinux policy (libsepol) ---- */

static const char tiny_cil[] =
	"(class file (read))\n"
	"(classorder (file))\n"
	"(sid kernel)\n"
	"(sidorder (kernel))\n"
	"(user system_u)\n"
	"(role object_r)\n"
	"(type nfs_t)\n"
	"(type alpha_t)\n"
	"(type public_content_t)\n"
	"(sensitivity s0)\n"
	"(sensitivityorder (s0))\n"
	"(category c0)\n"
	"(categoryorder (c0))\n"
	"(sensitivitycategory s0 (c0))\n"
	"(allow nfs_t self (file (read)))\n"
	"(roletype object_r nfs_t)\n"
	"(roletype object_r alpha_t)\n"
	"(roletype object_r public_content_t)\n"
	"(userrole system_u object_r)\n"
	"(userlevel system_u (s0))\n"
	"(userrange system_u ((s0) (s0 (c0))))\n"
	"(sidcontext kernel (system_u object_r nfs_t ((s0) (s0))))\n";

/* Compiles tiny_cil into dir/policy.31 with secilc: 0, or -1 if it
 * cannot (then the caller skips). */
static int compile_policy(const char *dir)
{
	char cil[128], out[128];
	pid_t pid;
	int st;

	snprintf(cil, sizeof(cil), "%s/tiny.cil", dir);
	snprintf(out, sizeof(out), "%s/policy.31", dir);
	write_file(cil, tiny_cil);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("secilc", "secilc", "-M", "true", "-c", "31", "-o", out,
		       "-f", "/dev/null", cil, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

static void rm_policy_dir(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/tiny.cil", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/policy.31", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lnfsd.conf", dir);
	unlink(p);
	rmdir(dir);
}

static int load_conf(const char *dir, const char *conf, struct cfg **out)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "%s/lnfsd.conf", dir);
	write_file(path, conf);
	rc = cfg_load(path, out, err, sizeof(err));
	return rc;
}

static void check(const struct cfg_domain *d, const char *label, int want)
{
	struct lfs_label l;

	set_label(&l, label);
	if (lfs_validate(d, &l) != want)
		print_error("%s: %d, want %d\n", label, lfs_validate(d, &l),
			    want);
	assert_int_equal(lfs_validate(d, &l), want);
}

static void test_policy(void **state)
{
	char dir[64], want[512];
	struct cfg *cfg;
	const struct cfg_domain *d;

	snprintf(dir, sizeof(dir), "%s/lnfs-pol.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	if (compile_policy(dir)) {
		rm_policy_dir(dir);
		print_message("secilc cannot build a policy here: skipped\n");
		skip();
	}
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "policy = policy.31\n"
				   "default-label = system_u:object_r:nfs_t:s0\n",
				   &cfg), 0);
	d = cfg_find_domain(cfg, "alpha");
	assert_non_null(d->policy);
	assert_int_equal(d->format, CFG_LABEL_SELINUX);	/* implied */
	check(d, "system_u:object_r:alpha_t:s0", 0);
	check(d, "system_u:object_r:public_content_t:s0:c0", 0);
	check(d, "system_u:object_r:public_content_t:s0-s0:c0", 0);
	check(d, "system_u:object_r:unknown_t:s0", -EINVAL);	/* no type */
	check(d, "staff_u:object_r:alpha_t:s0", -EINVAL);	/* no user */
	check(d, "system_u:system_r:alpha_t:s0", -EINVAL);	/* no role */
	check(d, "system_u:object_r:alpha_t:s1", -EINVAL);	/* no level */
	check(d, "system_u:object_r:alpha_t:s0:c7", -EINVAL);	/* no cat */
	check(d, "not a context", -EINVAL);
	/* the host's policy plays no part: "default" has none */
	check(cfg_find_domain(cfg, "default"), "system_u:object_r:unknown_t:s0",
	      0);
	cfg_put(cfg);
	/* the built-in default (nfs_t) is valid in the tiny policy */
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "policy = policy.31\n",
				   &cfg), 0);
	cfg_put(cfg);
	/* a default-label the policy does not know */
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "policy = policy.31\n"
				   "default-label = system_u:object_r:web_t:s0\n",
				   &cfg), -EINVAL);
	snprintf(want, sizeof(want), "%s/lnfsd.conf:4: default-label: "
		 "\"system_u:object_r:web_t:s0\" is not a valid context in "
		 "%s/policy.31", dir, dir);
	assert_string_equal(err, want);
	/* policy with an opaque format */
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "format = opaque\n"
				   "policy = policy.31\n",
				   &cfg), -EINVAL);
	snprintf(want, sizeof(want), "%s/lnfsd.conf:3: format: must be "
		 "selinux with policy", dir);
	assert_string_equal(err, want);
	/* not a policy file */
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "policy = tiny.cil\n",
				   &cfg), -EINVAL);
	snprintf(want, sizeof(want), "%s/lnfsd.conf:3: policy: \"%s/tiny.cil\" "
		 "is not a binary SELinux policy that libsepol can read", dir,
		 dir);
	assert_string_equal(err, want);
	/* missing */
	assert_int_equal(load_conf(dir,
				   "[domain \"alpha\"]\n"
				   "xattr = user.a\n"
				   "policy = /nonexistent/policy.31\n",
				   &cfg), -ENOENT);
	snprintf(want, sizeof(want), "%s/lnfsd.conf:3: policy: cannot open "
		 "\"/nonexistent/policy.31\": No such file or directory", dir);
	assert_string_equal(err, want);
	/* translation results are checked against the policy */
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/g.tbl", dir);
		write_file(path, "alpha * -> system_u:object_r:nope_t:s0\n");
		assert_int_equal(load_conf(dir,
					   "[domain \"alpha\"]\n"
					   "xattr = user.a\n"
					   "[domain \"gamma\"]\n"
					   "xattr = user.g\n"
					   "policy = policy.31\n"
					   "translate-from = alpha\n"
					   "translate-table = g.tbl\n",
					   &cfg), -EINVAL);
		snprintf(want, sizeof(want), "%s/g.tbl:1: rule: result "
			 "\"system_u:object_r:nope_t:s0\" is not a valid "
			 "context in %s/policy.31", dir, dir);
		assert_string_equal(err, want);
		unlink(path);
	}
	rm_policy_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_rules),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_finish_checks),
		cmocka_unit_test(test_matching),
		cmocka_unit_test_setup_teardown(test_get_path, files_setup,
						files_teardown),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
