/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg.h - lnfsd configuration: the main INI file (nfs.conf style), the
 * exports file (exports(5) style), and the immutable snapshot they produce.
 *
 * A struct cfg is built by one thread: cfg_new_default(), then any of
 * cfg_read(), cfg_parse_conf_text(), cfg_parse_exports_text(),
 * cfg_add_export_path(), then cfg_finish(), which resolves names, applies
 * derived defaults, cross-checks and seals it.  cfg_load() does all of that
 * from files.  A sealed cfg is never modified again (builders return -EBUSY);
 * it is shared by reference count (cfg_get()/cfg_put(), atomic) so a SIGHUP
 * reload builds and checks a new snapshot, then swaps it in a cfg_holder while
 * requests in flight keep the old one.  The cfg owns every string, array and
 * struct reachable from it; pointers handed out by lookups are borrowed and
 * valid while the caller holds a reference.
 *
 * Errors: builders return 0 or -errno (-EINVAL for a syntax or semantic
 * error, -ENOMEM, -ENOENT, ...) and stop at the first error, writing one line
 * "FILE:LINE: KEY: problem" (or "FILE: KEY: problem" when there is no line)
 * into the caller's buffer err[errlen], which may be NULL/0.
 *
 * Main file (default CFG_DEFAULT_CONF_PATH), one "key = value" per line:
 *
 *   # or ; at the start of a line begins a comment; blank lines are ignored;
 *   keys are case-insensitive; whitespace around key and value is trimmed;
 *   a value may be enclosed in double quotes (taken verbatim, no escapes).
 *   Booleans: yes/no, true/false, 1/0, on/off.  A repeated key replaces the
 *   earlier value, except listen, which accumulates.
 *
 *   [lnfsd]
 *   listen = ADDR[:PORT] ...   IPv4 "a.b.c.d[:port]" or IPv6 "[addr][:port]",
 *                              comma/space separated, repeatable; port
 *                              defaults to 2049.  No listen key: nlisten is 0
 *                              and the caller listens on CFG_DEFAULT_LISTEN.
 *   threads = 1..1024          (8)
 *   lease-time = 10..3600      seconds (90)
 *   grace-time = 10..3600      seconds (90)
 *   max-record = 8K..64M       bytes, suffix K or M allowed (1 MiB + 64 KiB)
 *   max-clients = 1..1048576   client records held at once (1024)
 *   max-connections = 1..1048576   TCP connections served at once (4096);
 *                              more are accepted and closed.  At start only
 *   max-requests = 1..1024     calls a connection may have outstanding (64):
 *                              with this many taken and unanswered (reply
 *                              not yet sent), lnfsd stops reading it.  At
 *                              start only.  Reply memory is at most
 *                              max-connections x max-requests x max-record.
 *   state-dir = /abs/path      (/var/lib/lnfsd)
 *   exports = path             (/etc/lnfsd/exports); relative to the main
 *                              file's directory
 *   default-domain = NAME      (default)
 *   keytab = /abs/path|TYPE:NAME   the Kerberos keytab RPCSEC_GSS contexts
 *                              are accepted with (any principal in it,
 *                              e.g. nfs/HOST@REALM); default: KRB5_KTNAME,
 *                              else the Kerberos default.  Read at start.
 *   control-socket = /abs/path|none   (/run/lnfsd/lnfsd.sock) the UNIX
 *                              socket lnfsctl talks to (mode 0600); at most
 *                              107 bytes; none: no control socket
 *   metrics-listen = ADDR:PORT|none   (none) an HTTP listener answering
 *                              GET /metrics in the Prometheus text format;
 *                              the port must be given (0: any free port)
 *
 *   control-socket and metrics-listen are opened at start; a reload does
 *   not move them.
 *
 *   [domain "NAME"]            NAME is [a-z0-9-]{1,32}; declared once
 *   lfs = N ...                accepted LFS numbers (0 258), at most 16
 *   pi = N ...                 accepted policy ids (0), at most 16
 *   xattr = NAME               host xattr holding this domain's labels
 *   xattr-format = framed|raw  see below
 *   default-label = LABEL      (system_u:object_r:nfs_t:s0)
 *   default-lfs = N            (the first lfs listed); must be in lfs
 *   default-pi = N             (the first pi listed); must be in pi
 *   max-label = 1..2048        bytes (2048)
 *   read-only = BOOL           (no) labels can be read, not set
 *   parent = NAME              nesting, see below
 *   format = selinux|opaque    (opaque) selinux: user:role:type[:level],
 *                              printable ASCII, no spaces
 *   policy = PATH              a binary SELinux policy (policy.NN, as
 *                              checkpolicy/secilc write it; relative to the
 *                              main file's directory): a label that is not a
 *                              valid context in it is refused (lfs_validate
 *                              -EINVAL, NFS4ERR_BADLABEL).  Implies format =
 *                              selinux; default-label must be valid in it.
 *                              The host's loaded policy is never consulted.
 *   translate-from = NAME ...  source domains, in order, at most 8 (none)
 *   translate-table = PATH     rules mapping their labels (relative to the
 *                              main file's directory); required with
 *                              translate-from, see "Translation" below
 *   translate-unmapped = default|deny   (default) what a label no rule maps
 *                              gives: the domain's default label, or a
 *                              refusal (GETATTR of sec_label: NFS4ERR_ACCESS)
 *   integrity = off|log|default|deny   (off) tamper-evident labels: every
 *                              label stored in the domain carries a keyed
 *                              tag over the object's identity, the domain
 *                              name, LFS, PI and label (format in lfs/lfs.h
 *                              "Integrity"; key STATE_DIR/label.key).  A
 *                              value with a missing or wrong tag (edited,
 *                              copied from another file or another domain)
 *                              is logged and gives: log, the stored label;
 *                              default, the domain's default label; deny,
 *                              NFS4ERR_ACCESS for GETATTR of sec_label.
 *                              Needs xattr-format = framed (an error with
 *                              raw).  Turning it on makes existing untagged
 *                              labels fail: set them again (lnfs-label set).
 *   label-required = BOOL      (no) with integrity: an object without a
 *                              stored label in this domain (the xattr
 *                              removed on the host) counts as tampered and
 *                              gets the integrity action; objects lnfsd
 *                              creates without a client label store the
 *                              tagged default label; "lnfs-label seal"
 *                              labels an existing tree.  Needs integrity
 *                              other than off.
 *
 * A domain "default" always exists (declared or implicit with defaults).
 *
 * Xattr names.  Without "xattr", a domain's labels live in
 * "trusted.lnfs.NAME".  With "parent = P" and no "xattr", the name stacks
 * P's prefix in front of P's whole name, the way one more virtiofsd
 * ":map::PREFIX:" level nests: prefix(P) is P's xattr up to and including its
 * second '.', so "user.virtiofs.security.selinux" gives
 * "user.virtiofs.user.virtiofs.security.selinux" and "trusted.lnfs.a" gives
 * "trusted.lnfs.trusted.lnfs.a".  A parent whose xattr has no second '.'
 * (e.g. "security.selinux") cannot be stacked: set xattr explicitly.  Names
 * must be <= 255 bytes of [A-Za-z0-9._-], begin with "trusted." or "user."
 * or be one of the LSM label names "security.selinux" / "security.SMACK64";
 * no two domains may share a name.  The host's security.selinux is therefore
 * used only when a domain names it explicitly.
 *
 * xattr-format: "framed" stores lnfsd's header with LFS and PI before the
 * label (see lfs.h); "raw" stores the bare label, as the kernel and
 * virtiofsd do, so other software can read it.  Default: raw when the xattr
 * name ends in "security.selinux", else framed.
 *
 * Translation (RFC 7862 §9.5.1.1 leaves the function out of scope; this is
 * lnfsd's own).  When an object has no label stored in a domain D that has
 * translate-from, the first source domain in translate-from order that has a
 * stored label (its own xattr or the fallback store; never a translated or
 * default one, so translations do not chain) gives the label, and D's table
 * maps it.  The first matching rule wins.  A label no rule maps, or whose
 * result D does not accept (format, max-label, policy), is "unmapped": D's
 * default label is served, or with translate-unmapped = deny the read is
 * refused (-EACCES in lfs/, NFS4ERR_ACCESS on the wire).  An object with no
 * label in any source gets D's default label either way.  Translation only
 * reads: it never writes to any store; a label set by a client of D is
 * stored in D's own xattr and wins from then on.  A translated label carries
 * D's default-lfs and default-pi.
 *
 * Table file syntax (cfg_xlate.c), one rule per line:
 *
 *   # comment (a '#' at the start of a token, outside quotes)
 *   SOURCE MATCH -> RESULT
 *
 *   SOURCE  a domain listed in translate-from, or * for any of them
 *   MATCH   *                      any label
 *           "exact label"          exactly these bytes (\" and \\ escape;
 *           exact-label            a bare token without '=' is the same)
 *           FIELD=VALUE ...        the label parses as an SELinux context
 *                                  user:role:type[:level] and every field
 *                                  given equals VALUE (* = any; a missing
 *                                  level matches only level=*); FIELD is
 *                                  user, role, type or level, each at most
 *                                  once
 *   RESULT  "label" or label       this label
 *           FIELD=VALUE ...        the source context with these fields
 *                                  replaced, the others kept (a level given
 *                                  is added when the source had none);
 *                                  a source that is not a context does not
 *                                  match such a rule
 *           =                      the source label unchanged
 *
 * for example
 *
 *   alpha "secret data" -> "public data"
 *   alpha type=httpd_sys_content_t -> system_u:object_r:public_content_t:s0
 *   alpha type=user_home_t -> type=nfs_t
 *   *     user=* role=* type=* level=s0 -> =
 *
 * Limits: 64 KiB per line, 12 words per rule, 65536 rules; labels 1..2048
 * bytes without control characters.  A '"' inside an unquoted word or text
 * glued to a closing quote is an error, so nothing is silently split.
 * Errors name the table as "FILE:LINE: rule: problem".  Checked when the
 * configuration is finished: every SOURCE is in translate-from, a literal
 * RESULT is acceptable to the domain (format, max-label, policy).
 *
 * Exports file (exports(5) syntax):
 *
 *   /path [-DEFAULTOPTS] client[(opts)] ...
 *
 *   '#' starts a comment (outside quotes); a trailing '\' continues the line;
 *   the path may be "quoted" and may use \ooo octal escapes (\040 = space).
 *   Clients: "*", an IPv4/IPv6 address, a CIDR "10.0.0.0/8", "fd00::/8" or
 *   "10.0.0.0/255.0.0.0", a host name, a wildcard host ("*.example.com",
 *   '*' and '?'); "@netgroup" and "gss/..." are rejected (not supported
 *   yet).  A path with no client is exported to "*".  "(opts)" alone means
 *   "*(opts)".
 *   Options: ro rw sync async root_squash no_root_squash all_squash
 *   no_all_squash anonuid=N anongid=N sec=F[:F...] (sys none krb5 krb5i
 *   krb5p) fsid=N|root|UUID security_label no_security_label domain=NAME
 *   secure insecure subtree_check no_subtree_check crossmnt nohide wdelay
 *   no_wdelay host_context=CONTEXT.  Defaults: ro, sync, root_squash,
 *   anonuid=anongid=65534, sec=sys, secure, security_label, domain =
 *   default-domain, no host_context.  Unknown options are errors.
 *
 * host_context=CONTEXT (an export option, like fsid: every client of the
 * export that gives it must give the same value) is the host SELinux
 * context, user:role:type[:level], that every object lnfsd creates in the
 * export gets on the host (security.selinux), whatever the client's label
 * (which stays in the domain's xattr).  No ',' (options are split on it:
 * write category sets as ranges, c0.c5).  Checked when the line is read
 * (cfg_host_context_check()); with SELinux disabled on the host only its
 * syntax is checked and lnfsd warns at start (cfg_host_context_inert()).
 *
 * subtree_check / no_subtree_check (the default) are export options too:
 * the clients of an export that give one must agree.  With subtree_check
 * the handle of a non-directory also names its parent directory, checked
 * at every use (server/export.c).
 *
 * Export ids: fsid=N (N != 0) gives id N.  Otherwise (also for fsid=0 and
 * fsid=root, which only set cfg_export.fsid_root) the id is the 32-bit
 * FNV-1a hash of the normalised path, with 0 replaced by 1.  A UUID fsid is
 * folded into 32 bits by XOR of its four words.  cfg_finish() rejects two
 * exports with the same id.  Export paths are normalised (no "//", no
 * trailing '/', no "." or ".." components) and must be absolute; existence is
 * checked by cfg_check_paths().
 */
#ifndef LNFSD_CFG_H
#define LNFSD_CFG_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define CFG_DEFAULT_CONF_PATH "/etc/lnfsd/lnfsd.conf"
#define CFG_DEFAULT_EXPORTS_PATH "/etc/lnfsd/exports"
#define CFG_DEFAULT_STATE_DIR "/var/lib/lnfsd"
#define CFG_DEFAULT_CONTROL_SOCKET "/run/lnfsd/lnfsd.sock"
#define CFG_SOCKET_PATH_MAX 107	/* sizeof(sun_path) - 1 */
#define CFG_DEFAULT_LISTEN "0.0.0.0:2049 [::]:2049"
#define CFG_DEFAULT_DOMAIN "default"
#define CFG_DEFAULT_LABEL "system_u:object_r:nfs_t:s0"
#define CFG_DEFAULT_PORT 2049
#define CFG_DEFAULT_MAX_CLIENTS 1024u	/* STATE_DEFAULT_MAX_CLIENTS */
#define CFG_MAX_MAX_CLIENTS 1048576u
#define CFG_DEFAULT_MAX_CONNS 4096u	/* rpc_server.c's default */
#define CFG_MAX_MAX_CONNS 1048576u
#define CFG_DEFAULT_MAX_REQUESTS 64u	/* rpc_server.c's default */
#define CFG_MAX_MAX_REQUESTS 1024u

#define CFG_NAME_MAX 32		/* domain name length */
#define CFG_XATTR_MAX 255	/* XATTR_NAME_MAX */
#define CFG_LABEL_MAX 2048	/* NFS4_MAXLABELLEN */
#define CFG_MAX_LFS 16
#define CFG_MAX_PI 16
#define CFG_MAX_LISTEN 32
#define CFG_MAX_DOMAINS 256
#define CFG_MAX_EXPORTS 4096
#define CFG_MAX_CLIENTS 256	/* per export */
#define CFG_ANON_ID 65534u
#define CFG_HOST_CONTEXT_MAX 255	/* host_context= length */

enum cfg_label_format {
	CFG_LABEL_OPAQUE = 0,	/* any bytes */
	CFG_LABEL_SELINUX,	/* user:role:type[:level] */
};

#define CFG_MAX_XLATE_FROM 8
#define CFG_MAX_XLATE_RULES 65536

enum cfg_xlate_unmapped {
	CFG_XLATE_DEFAULT = 0,	/* serve the domain's default label */
	CFG_XLATE_DENY,		/* refuse the read */
};

/* SELinux context fields, in context order. */
enum cfg_ctx_field {
	CFG_CTX_USER = 0,
	CFG_CTX_ROLE,
	CFG_CTX_TYPE,
	CFG_CTX_LEVEL,
	CFG_CTX_NFIELDS
};

enum cfg_xlate_match {
	CFG_XM_ANY = 0,		/* * */
	CFG_XM_EXACT,		/* "exact label" */
	CFG_XM_FIELDS,		/* user=... role=... type=... level=... */
};

enum cfg_xlate_result {
	CFG_XR_LITERAL = 0,	/* "label" */
	CFG_XR_REWRITE,		/* field=value ...; other fields kept */
	CFG_XR_KEEP,		/* = */
};

/* One translation rule; all strings owned by the table. */
struct cfg_xlate_rule {
	char src[CFG_NAME_MAX + 1];	/* source domain, "" = any */
	enum cfg_xlate_match match;
	char *exact;			/* CFG_XM_EXACT */
	uint32_t exact_len;
	char *field[CFG_CTX_NFIELDS];	/* CFG_XM_FIELDS; NULL = any */
	enum cfg_xlate_result result;
	char *literal;			/* CFG_XR_LITERAL */
	uint32_t literal_len;
	char *set[CFG_CTX_NFIELDS];	/* CFG_XR_REWRITE; NULL = keep */
	unsigned int line;
};

/* A parsed translate-table file. */
struct cfg_xlate {
	const char *file;		/* borrowed from the cfg */
	struct cfg_xlate_rule *rules;
	unsigned int nrules;
};

struct cfg_policy;		/* a loaded binary SELinux policy (libsepol) */

enum cfg_integrity {
	CFG_INTEGRITY_OFF = 0,	/* no tags written or checked */
	CFG_INTEGRITY_LOG,	/* bad tag: log, serve the stored label */
	CFG_INTEGRITY_DEFAULT,	/* bad tag: log, serve the default label */
	CFG_INTEGRITY_DENY,	/* bad tag: log, NFS4ERR_ACCESS */
};

enum cfg_xattr_format {
	CFG_XATTR_FRAMED = 0,	/* lnfsd header + label */
	CFG_XATTR_RAW,		/* bare label + NUL (security.selinux style) */
};

struct cfg_domain {
	char name[CFG_NAME_MAX + 1];
	uint32_t lfs[CFG_MAX_LFS];	/* accepted LFS values */
	unsigned int nlfs;
	uint32_t pi[CFG_MAX_PI];	/* accepted policy identifiers */
	unsigned int npi;
	char xattr[CFG_XATTR_MAX + 1];	/* resolved storage name */
	enum cfg_xattr_format xattr_format;
	enum cfg_integrity integrity;	/* integrity tags (framed only) */
	bool label_required;		/* no stored label counts as tampering */
	char default_label[CFG_LABEL_MAX + 1];	/* NUL-terminated */
	uint32_t default_label_len;
	uint32_t default_lfs;
	uint32_t default_pi;
	uint32_t max_label;		/* 1..CFG_LABEL_MAX */
	bool read_only;
	enum cfg_label_format format;
	char parent_name[CFG_NAME_MAX + 1];	/* "" if none */
	const struct cfg_domain *parent;	/* resolved by cfg_finish() */
	char xlate_from_name[CFG_MAX_XLATE_FROM][CFG_NAME_MAX + 1];
	unsigned int nxlate_from;
	const struct cfg_domain *xlate_from[CFG_MAX_XLATE_FROM];
					/* resolved by cfg_finish() */
	char *xlate_path;		/* translate-table, resolved; owned */
	struct cfg_xlate *xlate;	/* loaded table; owned */
	enum cfg_xlate_unmapped xlate_unmapped;
	char *policy_path;		/* policy, resolved; owned */
	struct cfg_policy *policy;	/* loaded policy; owned */
	bool implicit;			/* not declared in a file */
	unsigned int keys_set;		/* internal: CFG_DK_* bits */
	unsigned int key_line[17];	/* internal: line of each CFG_DK_* */
	const char *file;		/* borrowed from the cfg */
	unsigned int line;
};

enum cfg_client_kind {
	CFG_CLIENT_ANY = 0,	/* "*" */
	CFG_CLIENT_ADDR,	/* one address */
	CFG_CLIENT_CIDR,	/* network/prefix */
	CFG_CLIENT_HOST,	/* exact host name */
	CFG_CLIENT_WILDCARD,	/* host pattern with * or ? */
	CFG_CLIENT_PRINCIPAL,	/* "krb5:PRINCIPAL", exact */
	CFG_CLIENT_PRINCIPAL_PATTERN,	/* "krb5:PATTERN" with * ? [ */
};

enum cfg_squash {
	CFG_SQUASH_ROOT = 0,
	CFG_SQUASH_NONE,
	CFG_SQUASH_ALL,
};

enum cfg_sec {
	CFG_SEC_SYS = 0,
	CFG_SEC_NONE,
	CFG_SEC_KRB5,
	CFG_SEC_KRB5I,
	CFG_SEC_KRB5P,
	CFG_SEC_COUNT
};

struct cfg_client {
	enum cfg_client_kind kind;
	int family;		/* AF_INET or AF_INET6 for ADDR and CIDR */
	uint8_t addr[16];	/* network byte order; masked for CIDR */
	unsigned int prefix;	/* CIDR prefix length; 32/128 for ADDR */
	char *host;		/* HOST/WILDCARD, lower case; PRINCIPAL*:
				 * the principal or pattern as written (no
				 * "krb5:"); owned by cfg */
	char *spec;		/* the client as written; owned by cfg */
	bool rw;
	bool sync;
	bool secure;		/* require a source port < 1024 */
	bool labels;		/* security_label */
	bool crossmnt;
	bool nohide;
	enum cfg_squash squash;
	uint32_t anonuid;
	uint32_t anongid;
	uint8_t sec[CFG_SEC_COUNT];	/* enum cfg_sec, in preference order */
	unsigned int nsec;
	unsigned int sec_mask;	/* 1u << enum cfg_sec */
	char domain_name[CFG_NAME_MAX + 1];	/* "" = default-domain */
	const struct cfg_domain *domain;	/* resolved by cfg_finish() */
	unsigned int line;
};

struct cfg_export {
	char *path;		/* normalised absolute path; owned by cfg */
	uint32_t id;		/* nonzero, unique in the cfg */
	bool fsid_set;		/* fsid= given with a number or UUID */
	uint32_t fsid;
	bool fsid_root;		/* fsid=root or fsid=0 */
	char host_context[CFG_HOST_CONTEXT_MAX + 1];	/* "" = none */
	unsigned int host_context_line;
	bool subtree_check;	/* subtree_check: file handles name the parent */
	unsigned int subtree_line;	/* where [no_]subtree_check was given, 0 = not */
	struct cfg_client *clients;
	unsigned int nclients;
	const char *file;	/* borrowed from the cfg */
	unsigned int line;
};

struct cfg_listen {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned int line;
};

struct cfg_name;		/* internal list of source file names */

struct cfg {
	atomic_uint refcount;
	bool sealed;
	struct cfg_listen listen[CFG_MAX_LISTEN];
	unsigned int nlisten;	/* 0: use CFG_DEFAULT_LISTEN */
	unsigned int threads;
	uint32_t lease_time;
	uint32_t grace_time;
	uint32_t max_record;
	uint32_t max_clients;	/* client records held at once */
	uint32_t max_conns;	/* connections served at once */
	uint32_t max_requests;	/* outstanding calls per connection */
	char *state_dir;
	char *control_socket;	/* NULL: none */
	bool metrics_set;	/* metrics-listen given (not none) */
	struct cfg_listen metrics_listen;
	char *exports_path;
	bool exports_explicit;	/* "exports" key given */
	unsigned int exports_line;
	char *conf_path;	/* NULL when built in memory */
	char *keytab;		/* NULL: KRB5_KTNAME or the Kerberos default */
	char default_domain_name[CFG_NAME_MAX + 1];
	const char *default_domain_file;	/* where it was set, or NULL */
	unsigned int default_domain_line;
	const struct cfg_domain *default_domain;	/* after cfg_finish() */
	struct cfg_domain *domains;
	unsigned int ndomains;
	struct cfg_export *exports;
	unsigned int nexports;
	/* Set by cfg_finish(): some export has a host-name (HOST, WILDCARD)
	 * or a principal rule, so callers know whether a peer's name or
	 * principal is worth finding before matching. */
	bool has_host_rules;
	bool has_principal_rules;
	struct cfg_name *names;	/* internal */
};

/*
 * Returns a new unsealed cfg with the built-in defaults (no domains yet, no
 * exports, no listen addresses), refcount 1; NULL when out of memory.
 */
struct cfg *cfg_new_default(void);

/* Takes a reference; returns cfg. */
struct cfg *cfg_get(struct cfg *cfg);
/* Drops a reference; frees at zero.  NULL is ignored. */
void cfg_put(struct cfg *cfg);

/*
 * Parse main-file text (len bytes, need not be NUL-terminated) into cfg.
 * fname is used in messages only (copied).  Stops at the first error.
 */
int cfg_parse_conf_text(struct cfg *cfg, const char *text, size_t len,
			const char *fname, char *err, size_t errlen);
/* Same for exports-file text. */
int cfg_parse_exports_text(struct cfg *cfg, const char *text, size_t len,
			   const char *fname, char *err, size_t errlen);
/*
 * Adds an export of path to "*" with (rw,no_root_squash,security_label,
 * domain=default), for "lnfsd -e PATH".  Errors name "command line".
 */
int cfg_add_export_path(struct cfg *cfg, const char *path, char *err,
			size_t errlen);
/*
 * Reads conf_path (must exist), then the exports file it names: a missing
 * exports file is an error only when the "exports" key was given.
 */
int cfg_read(struct cfg *cfg, const char *conf_path, char *err, size_t errlen);
/*
 * Loads what the domains' keys name: translate-table files and policy files
 * (cfg_read() calls it after the main file).  Domains whose table or policy
 * is already loaded are skipped.  Errors name the key's file and line, or
 * the table's FILE:LINE.
 */
int cfg_load_domain_files(struct cfg *cfg, char *err, size_t errlen);
/*
 * Parses translate-table text (len bytes) for the named domain of an
 * unsealed cfg, replacing any table it had; fname is used in messages.
 * Syntax errors: -EINVAL with "FILE:LINE: rule: problem".
 */
int cfg_parse_translate_text(struct cfg *cfg, const char *domain,
			     const char *text, size_t len, const char *fname,
			     char *err, size_t errlen);
/*
 * Loads a binary SELinux policy file into d (unsealed cfg), replacing any.
 * -errno with a message naming the file.
 */
int cfg_load_policy(struct cfg *cfg, const char *domain, const char *path,
		    char *err, size_t errlen);
/*
 * Label bytes are a valid context in the policy: 0, -EINVAL if not.
 * Thread-safe (no shared mutable state).  One trailing NUL is ignored.
 */
int cfg_policy_check(const struct cfg_policy *p, const uint8_t *label,
		     size_t len);
/*
 * Splits an SELinux context user:role:type[:level] (one trailing NUL
 * ignored) into views f[i]/n[i]; a missing level gives f[3] NULL, n[3] 0.
 * 0 or -EINVAL (cfg_label_format_check()'s rules).
 */
int cfg_ctx_split(const uint8_t *label, size_t len,
		  const uint8_t *f[CFG_CTX_NFIELDS], size_t n[CFG_CTX_NFIELDS]);
/* "user", "role", "type", "level". */
const char *cfg_ctx_field_name(enum cfg_ctx_field f);

/*
 * Creates the implicit "default" domain, resolves parents, xattr names,
 * derived defaults and client domains, assigns export ids, cross-checks
 * everything, then seals cfg.  On error cfg is unusable: cfg_put() it.
 */
int cfg_finish(struct cfg *cfg, char *err, size_t errlen);
/* Checks every export path exists and is a directory (stat follows links). */
int cfg_check_paths(const struct cfg *cfg, char *err, size_t errlen);
/*
 * cfg_new_default + cfg_read + cfg_finish + cfg_check_paths.  On success
 * *out is a new sealed snapshot (refcount 1, owned by the caller).
 */
int cfg_load(const char *conf_path, struct cfg **out, char *err, size_t errlen);

/* Parses one listen spec ("1.2.3.4:2049", "[::1]", ...) into out. */
int cfg_parse_listen(const char *spec, struct cfg_listen *out);

/* Borrowed pointer to the named domain, or NULL. */
const struct cfg_domain *cfg_find_domain(const struct cfg *cfg,
					 const char *name);
/* Borrowed pointer to the export with this id or exact path, or NULL. */
const struct cfg_export *cfg_find_export(const struct cfg *cfg, uint32_t id);
const struct cfg_export *cfg_find_export_path(const struct cfg *cfg,
					      const char *path);
/* Who is calling, for client rules.  Every pointer is borrowed. */
struct cfg_caller {
	const struct sockaddr *peer;	/* may be NULL */
	const char *hostname;	/* verified reverse-DNS name, or NULL */
	const char *principal;	/* RPCSEC_GSS authenticated principal, or NULL */
};

/*
 * The most specific client rule of exp matching the caller: exact principal
 * > principal pattern (more literal characters first) > exact address >
 * longest CIDR prefix > exact host name > wildcard host (more literal
 * characters first) > "*"; ties go to the first rule written.  Principal
 * rules ("krb5:...") match only a caller with that authenticated principal
 * (fnmatch with FNM_PATHNAME: "*" does not cross "/").  IPv4-mapped IPv6
 * peers match IPv4 rules.  Host rules match only a non-NULL hostname.
 * Returns a borrowed pointer or NULL.
 */
const struct cfg_client *cfg_match_caller(const struct cfg_export *exp,
					  const struct cfg_caller *who);
/* cfg_match_caller() without a principal. */
const struct cfg_client *cfg_match_client(const struct cfg_export *exp,
					  const struct sockaddr *peer,
					  const char *hostname);
/*
 * The principal rule deciding the label domain of calls made with an
 * authenticated principal: the most specific principal rule of any export
 * (ties: the first in configuration order), or NULL when none matches.
 */
const struct cfg_client *cfg_match_principal(const struct cfg *cfg,
					     const char *principal);

/*
 * host_context= values (cfg_hostctx.c).  cfg_host_context_check(): 0 if ctx
 * is an SELinux context (user:role:type[:level], at most
 * CFG_HOST_CONTEXT_MAX bytes, no ',') and, when SELinux is enabled on the
 * host, valid in its loaded policy (security_check_context); else -EINVAL
 * with the reason in why[whylen].  cfg_host_context_inert(): true when
 * some export of cfg has a host_context but SELinux is disabled on this
 * host, so the option does nothing; msg[msglen] then says which
 * ("FILE:LINE: host_context: ...").
 */
int cfg_host_context_check(const char *ctx, char *why, size_t whylen);
bool cfg_host_context_inert(const struct cfg *cfg, char *msg, size_t msglen);

/* Name helpers shared with lfs/: true if valid. */
bool cfg_domain_name_ok(const char *name);
bool cfg_xattr_name_ok(const char *name);
/* Checks label bytes against a format: 0 or -EINVAL. */
int cfg_label_format_check(enum cfg_label_format fmt, const uint8_t *label,
			   size_t len);

/*
 * Print the effective configuration: cfg_dump_conf() as a main file,
 * cfg_dump_exports() as an exports file, cfg_dump() both (the exports part
 * after a comment line naming the exports file).  Output re-parses to the
 * same configuration.
 */
void cfg_dump_conf(const struct cfg *cfg, FILE *f);
void cfg_dump_exports(const struct cfg *cfg, FILE *f);
void cfg_dump(const struct cfg *cfg, FILE *f);

/*
 * The current snapshot, swapped on reload.  Readers take a reference with
 * cfg_holder_acquire() and cfg_put() it when done; the lock is held only
 * for the pointer copy and the increment.
 */
struct cfg_holder;
/* Takes ownership of the caller's reference to cfg.  NULL on ENOMEM. */
struct cfg_holder *cfg_holder_new(struct cfg *cfg);
void cfg_holder_free(struct cfg_holder *h);
/* Returns a new reference to the current snapshot. */
struct cfg *cfg_holder_acquire(struct cfg_holder *h);
/* Installs cfg (takes ownership of the caller's reference), drops the old. */
void cfg_holder_swap(struct cfg_holder *h, struct cfg *cfg);

#endif /* LNFSD_CFG_H */
