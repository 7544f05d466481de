/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lnfs_label.c - lnfs-label, the administrator's view of lnfsd's label
 * store: list, read, set and remove a domain's label of host files, try a
 * translation, copy labels between lnfsd's layout and a virtiofsd xattrmap
 * layout, and reap stale fallback-store entries.  It reads the same
 * configuration as lnfsd (-c FILE) and goes through lfs/ only, so it sees
 * exactly what a domain's NFS clients see (translation, defaults, the
 * fallback store) and refuses what they would be refused (LFS/PI, format,
 * policy, read-only domains).  Paths are the host's; symlinks are labelled
 * themselves, never followed.  Usage and exit codes: lnfs-label.8.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lfs/lfs.h"

#define EXIT_USAGE 2

struct tool {
	struct cfg *cfg;
	struct lfs_fallback *fb;	/* NULL when state-dir is unusable */
	int failures;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lnfs-label [-c FILE] COMMAND ...\n"
		"  list PATH...\n"
		"  get -d DOMAIN PATH\n"
		"  set -d DOMAIN [--lfs N] [--pi N] LABEL PATH\n"
		"  remove -d DOMAIN PATH\n"
		"  translate -d TO --from FROM LABEL\n"
		"  export --virtiofs XATTR -d DOMAIN [-R] PATH...\n"
		"  import --virtiofs XATTR -d DOMAIN [-R] PATH...\n"
		"  seal -d DOMAIN PATH...\n"
		"  reap PATH\n"
		"FILE defaults to %s; see lnfs-label(8).\n",
		CFG_DEFAULT_CONF_PATH);
}

static void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warnx(const char *fmt, ...)
{
	va_list ap;

	fputs("lnfs-label: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static const struct cfg_domain *domain(const struct tool *t, const char *name)
{
	const struct cfg_domain *d;

	if (!name) {
		warnx("-d DOMAIN is required");
		return NULL;
	}
	d = cfg_find_domain(t->cfg, name);
	if (!d)
		warnx("no domain \"%s\" in %s", name,
		      t->cfg->conf_path ? t->cfg->conf_path : "the configuration");
	return d;
}

static int open_obj(const char *path)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		warnx("%s: %s", path, strerror(errno));
	return fd;
}

/* A message for lfs_validate()/lfs_write() errors. */
static const char *why(int rc)
{
	switch (rc) {
	case -EPROTO:
		return "the domain does not accept this LFS/PI";
	case -EINVAL:
		return "not a label the domain accepts (empty, format or policy)";
	case -E2BIG:
		return "longer than the domain's max-label";
	case -EROFS:
		return "the domain is read-only";
	case -EPERM:
		return "the host refuses this xattr on this kind of file "
		       "(user.* on a symlink or special file) and there is no "
		       "fallback store";
	case -EACCES:
		return "denied: no rule maps the source label "
		       "(translate-unmapped = deny)";
	case -EBADMSG:
		return "the stored value is corrupt";
	case -EKEYREJECTED:
		return "the stored value's integrity tag is missing or wrong "
		       "(edited, or copied from another file or domain)";
	case -ENOKEY:
		return "no integrity key (state-dir/label.key)";
	default:
		return strerror(-rc);
	}
}

static void print_label(const struct lfs_label *l)
{
	printf("%u %u %.*s\n", l->lfs, l->pi, (int)l->len,
	       (const char *)l->data);
}

static int cmd_list(struct tool *t, int argc, char **argv)
{
	int i, fd;
	unsigned int k;

	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		fd = open_obj(argv[i]);
		if (fd < 0) {
			t->failures++;
			continue;
		}
		for (k = 0; k < t->cfg->ndomains; k++) {
			const struct cfg_domain *d = &t->cfg->domains[k];
			struct lfs_origin o;
			struct lfs_label l;
			char origin[64];
			int rc;

			rc = lfs_get_translated(t->fb, d, fd, &l, &o);
			if (rc == -EACCES) {
				printf("%s %s - - denied:%s\n", argv[i],
				       d->name, o.from ? o.from->name : "?");
				continue;
			}
			if (rc) {
				warnx("%s: domain %s: %s", argv[i], d->name,
				      why(rc));
				t->failures++;
				continue;
			}
			switch (o.kind) {
			case LFS_ORIGIN_STORED:
				snprintf(origin, sizeof(origin), "stored");
				break;
			case LFS_ORIGIN_TRANSLATED:
				snprintf(origin, sizeof(origin),
					 "translated:%s", o.from->name);
				break;
			case LFS_ORIGIN_UNMAPPED:
				snprintf(origin, sizeof(origin),
					 "default(unmapped:%s)", o.from->name);
				break;
			default:
				snprintf(origin, sizeof(origin), "default");
			}
			printf("%s %s %u %u %s %.*s\n", argv[i], d->name,
			       l.lfs, l.pi, origin, (int)l.len,
			       (const char *)l.data);
		}
		close(fd);
	}
	return t->failures ? 1 : 0;
}

struct dom_opts {
	const char *domain;
	const char *from;
	const char *virtiofs;
	uint32_t lfs, pi;
	bool lfs_set, pi_set, recursive;
};

static int parse_opts(int argc, char **argv, struct dom_opts *o)
{
	static const struct option lopts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "lfs", required_argument, NULL, 'L' },
		{ "pi", required_argument, NULL, 'P' },
		{ "from", required_argument, NULL, 'F' },
		{ "virtiofs", required_argument, NULL, 'V' },
		{ "recursive", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: start a new scan */
	while ((ch = getopt_long(argc, argv, "+d:R", lopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->domain = optarg;
			break;
		case 'L':
			if (!parse_u32(optarg, &o->lfs)) {
				warnx("--lfs %s: not a number", optarg);
				return -1;
			}
			o->lfs_set = true;
			break;
		case 'P':
			if (!parse_u32(optarg, &o->pi)) {
				warnx("--pi %s: not a number", optarg);
				return -1;
			}
			o->pi_set = true;
			break;
		case 'F':
			o->from = optarg;
			break;
		case 'V':
			o->virtiofs = optarg;
			break;
		case 'R':
			o->recursive = true;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

static int cmd_get(struct tool *t, int argc, char **argv)
{
	const struct cfg_domain *d;
	struct dom_opts o;
	struct lfs_label l;
	int n = parse_opts(argc, argv, &o), fd, rc;

	if (n < 0 || argc - n != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	d = domain(t, o.domain);
	if (!d)
		return 1;
	fd = open_obj(argv[n]);
	if (fd < 0)
		return 1;
	rc = lfs_get_translated(t->fb, d, fd, &l, NULL);
	close(fd);
	if (rc) {
		warnx("%s: domain %s: %s", argv[n], d->name, why(rc));
		return 1;
	}
	print_label(&l);
	return 0;
}

static int cmd_set(struct tool *t, int argc, char **argv)
{
	const struct cfg_domain *d;
	struct dom_opts o;
	struct lfs_label l;
	int n = parse_opts(argc, argv, &o), fd, rc;
	size_t len;

	if (n < 0 || argc - n != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	d = domain(t, o.domain);
	if (!d)
		return 1;
	len = strlen(argv[n]);
	if (len > NFS4_MAXLABELLEN) {
		warnx("label longer than %d bytes", NFS4_MAXLABELLEN);
		return 1;
	}
	l.lfs = o.lfs_set ? o.lfs : d->default_lfs;
	l.pi = o.pi_set ? o.pi : d->default_pi;
	l.len = (uint32_t)len;
	memcpy(l.data, argv[n], len);
	fd = open_obj(argv[n + 1]);
	if (fd < 0)
		return 1;
	rc = lfs_write(t->fb, d, fd, &l);
	close(fd);
	if (rc) {
		warnx("%s: domain %s: %s", argv[n + 1], d->name, why(rc));
		return 1;
	}
	return 0;
}

static int cmd_remove(struct tool *t, int argc, char **argv)
{
	const struct cfg_domain *d;
	struct dom_opts o;
	int n = parse_opts(argc, argv, &o), fd, rc;

	if (n < 0 || argc - n != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	d = domain(t, o.domain);
	if (!d)
		return 1;
	fd = open_obj(argv[n]);
	if (fd < 0)
		return 1;
	rc = lfs_erase(t->fb, d, fd);
	close(fd);
	if (rc) {
		warnx("%s: domain %s: %s", argv[n], d->name, why(rc));
		return 1;
	}
	return 0;
}

static int cmd_translate(struct tool *t, int argc, char **argv)
{
	const struct cfg_domain *to, *from;
	struct lfs_label in, out;
	struct dom_opts o;
	unsigned int line = 0;
	int n = parse_opts(argc, argv, &o), rc;
	size_t len;

	if (n < 0 || argc - n != 1 || !o.from) {
		usage(stderr);
		return EXIT_USAGE;
	}
	to = domain(t, o.domain);
	from = to ? domain(t, o.from) : NULL;
	if (!to || !from)
		return 1;
	len = strlen(argv[n]);
	if (!len || len > NFS4_MAXLABELLEN) {
		warnx("a label is 1..%d bytes", NFS4_MAXLABELLEN);
		return 1;
	}
	in.lfs = from->default_lfs;
	in.pi = from->default_pi;
	in.len = (uint32_t)len;
	memcpy(in.data, argv[n], len);
	rc = lfs_translate(to, from, &in, &out, &line);
	if (rc == -ENOENT) {
		warnx("unmapped: no rule of domain %s maps this label from %s "
		      "(clients would get %s)", to->name, from->name,
		      to->xlate_unmapped == CFG_XLATE_DENY ?
			      "NFS4ERR_ACCESS" : "the default label");
		return 1;
	}
	if (rc) {
		warnx("unmapped: the rule at %s:%u gives a label domain %s "
		      "does not accept", to->xlate ? to->xlate->file : "?",
		      line, to->name);
		return 1;
	}
	print_label(&out);
	return 0;
}

/* ---- import / export between lnfsd and a virtiofsd xattrmap layout ---- */

struct copy_job {
	struct tool *t;
	const struct cfg_domain *d;	/* lnfsd's domain */
	struct cfg_domain v;		/* the virtiofs name, raw */
	bool import;
	unsigned int copied, skipped;
};

static void copy_one(struct copy_job *j, const char *path)
{
	const struct cfg_domain *src = j->import ? &j->v : j->d;
	const struct cfg_domain *dst = j->import ? j->d : &j->v;
	struct lfs_label l;
	int fd, rc;

	fd = open_obj(path);
	if (fd < 0) {
		j->t->failures++;
		return;
	}
	/* only labels really stored are copied, never defaults */
	rc = j->import ? lfs_get(src, fd, &l) : lfs_read(j->t->fb, src, fd, &l);
	if (rc == -ENODATA || rc == -EOPNOTSUPP) {
		j->skipped++;
		close(fd);
		return;
	}
	if (!rc && j->import) {
		l.lfs = j->d->default_lfs;
		l.pi = j->d->default_pi;
	}
	if (!rc)
		rc = j->import ? lfs_write(j->t->fb, dst, fd, &l) :
				 lfs_set(dst, fd, &l);
	close(fd);
	if (rc == -EPERM && !j->import) {
		warnx("%s: skipped: %s cannot be set on this kind of file",
		      path, j->v.xattr);
		j->skipped++;
		return;
	}
	if (rc) {
		warnx("%s: %s", path, why(rc));
		j->t->failures++;
		return;
	}
	j->copied++;
}

static void copy_visit(void *arg, const char *path)
{
	copy_one(arg, path);
}

/* fn(arg, P) for path and everything under it on the same file system
 * (dev), symlinks not followed; failures to read a directory counted in
 * t->failures. */
static void walk_tree(struct tool *t, const char *path, dev_t dev,
		      void (*fn)(void *arg, const char *path), void *arg)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;

	fn(arg, path);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != dev)
		return;
	dir = opendir(path);
	if (!dir) {
		warnx("%s: %s", path, strerror(errno));
		t->failures++;
		return;
	}
	while ((de = readdir(dir))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) < 0) {
			t->failures++;
			break;
		}
		walk_tree(t, sub, dev, fn, arg);
		free(sub);
	}
	closedir(dir);
}

static int cmd_copy(struct tool *t, int argc, char **argv, bool import)
{
	struct copy_job j = { .t = t, .import = import };
	struct dom_opts o;
	int n = parse_opts(argc, argv, &o), i;

	if (n < 0 || argc - n < 1 || !o.virtiofs) {
		usage(stderr);
		return EXIT_USAGE;
	}
	j.d = domain(t, o.domain);
	if (!j.d)
		return 1;
	if (!cfg_xattr_name_ok(o.virtiofs)) {
		warnx("--virtiofs %s: not an allowed label xattr name "
		      "(trusted.*, user.*, security.selinux)", o.virtiofs);
		return 1;
	}
	if (!strcmp(o.virtiofs, j.d->xattr)) {
		warnx("--virtiofs %s is domain %s's own xattr", o.virtiofs,
		      j.d->name);
		return 1;
	}
	/* the virtiofs side: the bare context plus NUL, as virtiofsd keeps
	 * what the guest's kernel set; checked with the domain's rules */
	j.v = *j.d;
	snprintf(j.v.xattr, sizeof(j.v.xattr), "%s", o.virtiofs);
	j.v.xattr_format = CFG_XATTR_RAW;
	j.v.read_only = false;
	for (i = n; i < argc; i++) {
		struct stat st;

		if (o.recursive && lstat(argv[i], &st) == 0) {
			walk_tree(t, argv[i], st.st_dev, copy_visit, &j);
		} else {
			copy_one(&j, argv[i]);
		}
	}
	printf("%s %u label(s), %u without one\n",
	       import ? "imported" : "exported", j.copied, j.skipped);
	return t->failures ? 1 : 0;
}

/* ---- seal: the default label on every unlabelled object of a tree ---- */

struct seal_job {
	struct tool *t;
	const struct cfg_domain *d;
	unsigned int sealed, labelled, bad;
};

static void seal_one(void *arg, const char *path)
{
	struct seal_job *j = arg;
	struct lfs_label l;
	int fd, rc;

	fd = open_obj(path);
	if (fd < 0) {
		j->t->failures++;
		return;
	}
	rc = lfs_read(j->t->fb, j->d, fd, &l);
	if (rc == 0) {
		j->labelled++;
	} else if (rc == -ENODATA || rc == -EOPNOTSUPP) {
		lfs_default(j->d, &l);
		rc = lfs_write(j->t->fb, j->d, fd, &l);
		if (rc) {
			warnx("%s: domain %s: %s", path, j->d->name, why(rc));
			j->t->failures++;
		} else {
			j->sealed++;
		}
	} else {
		/* a bad tag or a corrupt value: the admin decides (set) */
		warnx("%s: domain %s: %s; left as it is", path, j->d->name, why(rc));
		j->bad++;
	}
	close(fd);
}

static int cmd_seal(struct tool *t, int argc, char **argv)
{
	struct seal_job j = { .t = t };
	struct dom_opts o;
	int n = parse_opts(argc, argv, &o), i;
	struct stat st;

	if (n < 0 || argc - n < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	j.d = domain(t, o.domain);
	if (!j.d)
		return 1;
	if (j.d->nxlate_from) {
		warnx("domain %s translates labels from another domain; a stored "
		      "label would hide the translation: seal the source domain",
		      j.d->name);
		return 1;
	}
	for (i = n; i < argc; i++) {
		if (lstat(argv[i], &st) < 0) {
			warnx("%s: %s", argv[i], strerror(errno));
			t->failures++;
			continue;
		}
		walk_tree(t, argv[i], st.st_dev, seal_one, &j);
	}
	printf("sealed %u object(s) with the default label, %u already labelled, "
	       "%u with a bad value\n", j.sealed, j.labelled, j.bad);
	return t->failures || j.bad ? 1 : 0;
}

static int cmd_reap(struct tool *t, int argc, char **argv)
{
	int fd, rc;

	if (argc != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!t->fb) {
		warnx("no fallback store under %s", t->cfg->state_dir);
		return 1;
	}
	fd = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		warnx("%s: %s", argv[0], strerror(errno));
		return 1;
	}
	rc = lfs_fallback_reap(t->fb, fd);
	close(fd);
	if (rc < 0) {
		warnx("%s: %s", argv[0],
		      rc == -EPERM ? "needs CAP_DAC_READ_SEARCH (run as root)" :
				     strerror(-rc));
		return 1;
	}
	printf("removed %d stale entr%s\n", rc, rc == 1 ? "y" : "ies");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = CFG_DEFAULT_CONF_PATH;
	struct tool t = { 0 };
	char err[1024];
	const char *cmd;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "+c:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	t.cfg = cfg_new_default();
	if (!t.cfg)
		return 1;
	/* the export paths need not exist here: no cfg_check_paths() */
	rc = cfg_read(t.cfg, conf, err, sizeof(err));
	if (!rc)
		rc = cfg_finish(t.cfg, err, sizeof(err));
	if (rc) {
		warnx("%s", err);
		cfg_put(t.cfg);
		return 1;
	}
	if (lfs_fallback_open(t.cfg->state_dir, &t.fb) < 0)
		t.fb = NULL;
	/* integrity domains: set writes tagged values, get checks them */
	lfs_key_init(t.cfg->state_dir);
	/* subcommands see their own arguments with argv[0] = the command */
	argc++;
	argv--;
	if (!strcmp(cmd, "list"))
		rc = cmd_list(&t, argc - 1, argv + 1);
	else if (!strcmp(cmd, "get"))
		rc = cmd_get(&t, argc, argv);
	else if (!strcmp(cmd, "set"))
		rc = cmd_set(&t, argc, argv);
	else if (!strcmp(cmd, "remove"))
		rc = cmd_remove(&t, argc, argv);
	else if (!strcmp(cmd, "translate"))
		rc = cmd_translate(&t, argc, argv);
	else if (!strcmp(cmd, "export"))
		rc = cmd_copy(&t, argc, argv, false);
	else if (!strcmp(cmd, "import"))
		rc = cmd_copy(&t, argc, argv, true);
	else if (!strcmp(cmd, "seal"))
		rc = cmd_seal(&t, argc, argv);
	else if (!strcmp(cmd, "reap"))
		rc = cmd_reap(&t, argc - 1, argv + 1);
	else {
		warnx("unknown command \"%s\"", cmd);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	if (fflush(stdout))
		rc = 1;
	lfs_fallback_close(t.fb);
	cfg_put(t.cfg);
	return rc;
}
