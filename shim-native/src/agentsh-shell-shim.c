/* agentsh-shell-shim: installed as /bin/bash and /bin/sh (the real shells renamed to *.real).
 *
 * Every shell start asks the agentsh daemon, over its unix socket, what to run
 * (POST /api/v1/shim/exec, docs/interfaces.md §2) and then execve()s exactly that, in place:
 * same pid, same stdin/stdout/stderr and terminal, so the command's bytes and exit status are
 * its own. A denial prints the rule and exits 126. Anything else that goes wrong (no daemon,
 * a timeout, a malformed answer) refuses to run the command: exit 126. The single documented
 * exception is the reference's non-interactive bypass: stdin is not a terminal and force is
 * off in /etc/agentsh/shim.conf.
 *
 * Statically linked (musl) so it works whatever state the system's libraries are in.
 * Built with -DSHIM_TEST it also honours AGENTSH_SHIM_CONF_ROOT, AGENTSH_SOCKET and
 * AGENTSH_SHIM_TIMEOUT_MS, for tests; production builds ignore them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "json.h"

#define PROG "agentsh-shell-shim"
#define DEFAULT_SOCKET "/run/agentsh/agentsh.sock"
#define ANSWER_TIMEOUT_MS 10000
#define READY_GATE_MS 5000 /* ready_gate=true: how long to wait for a daemon that is starting */
#define CONF_MAX (64 * 1024)
#define STDIN_SCRIPT_MAX (128 * 1024 - 1) /* MAX_ARG_STRLEN: one argv string */
#define EXIT_REFUSED 126
#define EXIT_CONFIG 127

extern char **environ;

static int g_debug;
static int g_argc;
static char **g_argv;

/* ---------------------------------------------------------------- messages */

static void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dbg(const char *fmt, ...)
{
	if (!g_debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Fatal message in the reference's shape: "<msg>\nHint: <hint>\n". */
static void __attribute__((noreturn)) die(int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void die(int code, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (hint)
		fprintf(stderr, "Hint: %s\n", hint);
	if (g_debug) {
		fprintf(stderr, "Debug: argv0=%s args=", g_argc > 0 ? g_argv[0] : "");
		for (int i = 1; i < g_argc; i++)
			fprintf(stderr, "%s%s", i > 1 ? " " : "", g_argv[i]);
		const char *path = getenv("PATH");
		fprintf(stderr, "\nDebug: PATH=%s\n", path ? path : "");
	}
	fflush(stderr);
	exit(code);
}

/* snprintf that reports truncation: 1 when the whole text fit. */
static int fmt(char *out, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *out, size_t n, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int r = vsnprintf(out, n, f, ap);
	va_end(ap);
	return r >= 0 && (size_t)r < n;
}

static int env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* ---------------------------------------------------------------- shim.conf */

enum install_mode { INSTALL_OFF, INSTALL_AUTO, INSTALL_ON };

struct conf {
	int force;
	int ready_gate;
	enum install_mode install;
};

static const char *conf_root(void)
{
#ifdef SHIM_TEST
	const char *r = getenv("AGENTSH_SHIM_CONF_ROOT");
	if (r && *r)
		return r;
#endif
	return "/";
}

static void root_path(char *out, size_t n, const char *rel)
{
	const char *root = conf_root();
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		rl = 0;
	if (snprintf(out, n, "%.*s%s", (int)rl, root, rel) >= (int)n)
		die(EXIT_CONFIG, NULL, "path too long under %s", root);
}

static int parse_bool(const char *key, const char *v, int *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		die(EXIT_CONFIG, "Fix the value in /etc/agentsh/shim.conf or remove the invalid line.",
		    "shim.conf: invalid %s value \"%s\" (expected true, 1, false, or 0)", key, v);
	return 1;
}

static int parse_install(const char *v, enum install_mode *out)
{
	if (strcmp(v, "off") == 0)
		*out = INSTALL_OFF;
	else if (strcmp(v, "auto") == 0)
		*out = INSTALL_AUTO;
	else if (strcmp(v, "on") == 0)
		*out = INSTALL_ON;
	else
		return 0;
	return 1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static void conf_parse(struct conf *c, char *text)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq)
			continue; /* not a key=value line: kept as-is by the writer, meaningless here */
		*eq = '\0';
		char *key = trim(line), *val = trim(eq + 1);
		if (strcmp(key, "force") == 0)
			parse_bool(key, val, &c->force);
		else if (strcmp(key, "ready_gate") == 0)
			parse_bool(key, val, &c->ready_gate);
		else if (strcmp(key, "shim_install") == 0 && !parse_install(val, &c->install))
			die(EXIT_CONFIG, "Fix the value in /etc/agentsh/shim.conf or remove the invalid line.",
			    "shim.conf: invalid shim_install value \"%s\" (expected auto, on, or off)", val);
	}
}

/* Missing file: defaults. Unreadable: fail closed (force=true). Invalid value: exit 127. */
static void conf_read(struct conf *c)
{
	c->force = 0;
	c->ready_gate = 0;
	c->install = INSTALL_AUTO;
	char path[PATH_MAX];
	root_path(path, sizeof path, "/etc/agentsh/shim.conf");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			dbg("no %s: defaults", path);
			return;
		}
		dbg("cannot open %s (%s): failing closed with force=true", path, strerror(errno));
		c->force = 1;
		return;
	}
	char *text = malloc(CONF_MAX + 1);
	size_t len = 0;
	int ok = text != NULL;
	while (ok && len < CONF_MAX) {
		ssize_t r = read(fd, text + len, CONF_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ok = 0;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!ok) {
		dbg("cannot read %s: failing closed with force=true", path);
		free(text);
		c->force = 1;
		return;
	}
	text[len] = '\0';
	conf_parse(c, text);
	free(text);
	dbg("%s: force=%d ready_gate=%d shim_install=%d", path, c->force, c->ready_gate, (int)c->install);
}

/* ---------------------------------------------------------------- real shell */

static int usable(const char *path, const struct stat *self, int self_known)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0)
		return 0;
	if (self_known && st.st_dev == self->st_dev && st.st_ino == self->st_ino) {
		dbg("skipping %s: it is the shim itself", path);
		return 0;
	}
	return 1;
}

static void dir_of(char *out, size_t n, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, n, ".");
	else if (slash == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
}

static int resolve_real_shell(const char *name, const char *argv0, char *out, size_t n)
{
	struct stat self;
	int self_known = stat("/proc/self/exe", &self) == 0;
	char dir[PATH_MAX], cand[PATH_MAX + 64];

	if (strchr(argv0, '/')) {
		dir_of(dir, sizeof dir, argv0);
		snprintf(cand, sizeof cand, "%s/%s.real", dir, name);
		if (usable(cand, &self, self_known))
			goto found;
	}
	snprintf(cand, sizeof cand, "/bin/%s.real", name);
	if (usable(cand, &self, self_known))
		goto found;
	snprintf(cand, sizeof cand, "/usr/bin/%s.real", name);
	if (usable(cand, &self, self_known))
		goto found;
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		dir_of(dir, sizeof dir, exe);
		snprintf(cand, sizeof cand, "%s/%s.real", dir, name);
		if (usable(cand, &self, self_known))
			goto found;
	}
	return 0;
found:
	if (strlen(cand) >= n)
		return 0;
	strcpy(out, cand);
	return 1;
}

/* ---------------------------------------------------------------- session id */

/* SHA-256 (FIPS 180-4), just enough to name the workspace session file. */
struct sha256 {
	uint32_t h[8];
	unsigned char block[64];
	size_t fill;
	uint64_t bits;
};

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(struct sha256 *s)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)s->block[4 * i] << 24 | (uint32_t)s->block[4 * i + 1] << 16 |
		       (uint32_t)s->block[4 * i + 2] << 8 | s->block[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_hex(const char *data, size_t n, char out[65])
{
	struct sha256 s = { .h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 } };
	for (size_t i = 0; i < n; i++) {
		s.block[s.fill++] = (unsigned char)data[i];
		if (s.fill == 64) {
			sha256_block(&s);
			s.fill = 0;
		}
	}
	s.bits = (uint64_t)n * 8;
	s.block[s.fill++] = 0x80;
	if (s.fill > 56) {
		memset(s.block + s.fill, 0, 64 - s.fill);
		sha256_block(&s);
		s.fill = 0;
	}
	memset(s.block + s.fill, 0, 56 - s.fill);
	for (int i = 0; i < 8; i++)
		s.block[56 + i] = (unsigned char)(s.bits >> (56 - 8 * i));
	sha256_block(&s);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(s.h[i / 4] >> (24 - 8 * (i % 4)));
		out[2 * i] = hx[byte >> 4];
		out[2 * i + 1] = hx[byte & 15];
	}
	out[64] = '\0';
}

static int valid_session_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

static int new_session_id(char *out, size_t n)
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t k = getrandom(r + got, sizeof r - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return 0;
		got += (size_t)k;
	}
	r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
	snprintf(out, n, "session-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
	return 1;
}

/* Reads the id from a locked file, writing a fresh one when it is empty. 1 on success. */
static int session_from_file(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		dbg("session file %s: %s", path, strerror(errno));
		return 0;
	}
	int ok = 0;
	if (flock(fd, LOCK_EX) != 0)
		goto out;
	char text[256];
	ssize_t r;
	do
		r = pread(fd, text, sizeof text - 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		goto out;
	text[r] = '\0';
	char *id = text;
	while (*id == ' ' || *id == '\t' || *id == '\n' || *id == '\r')
		id++;
	id[strcspn(id, " \t\r\n")] = '\0';
	if (valid_session_id(id)) {
		snprintf(out, n, "%s", id);
		ok = 1;
		goto out;
	}
	char fresh[64], line[80];
	if (!new_session_id(fresh, sizeof fresh))
		goto out;
	int ll = snprintf(line, sizeof line, "%s\n", fresh);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)ll, 0) != ll)
		goto out;
	snprintf(out, n, "%s", fresh);
	ok = 1;
out:
	close(fd); /* also drops the lock */
	return ok;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void workspace_root(const char *cwd, char *out, size_t n)
{
	const char *w = getenv("AGENTSH_WORKSPACE");
	if (w && *w) {
		snprintf(out, n, "%s", w);
		return;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", cwd);
	for (;;) {
		char git[PATH_MAX + 8];
		struct stat st;
		snprintf(git, sizeof git, "%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
		if (stat(git, &st) == 0) {
			snprintf(out, n, "%s", dir);
			return;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || strcmp(dir, "/") == 0)
			break;
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	snprintf(out, n, "%s", cwd);
}

/* Reference §2.4: AGENTSH_SESSION_ID, AGENTSH_SESSION_FILE, then a file-backed id scoped to the
 * workspace (or global) under the first writable base, last session-default. */
static void resolve_session_id(const char *cwd, char *out, size_t n)
{
	const char *env = getenv("AGENTSH_SESSION_ID");
	if (env) {
		while (*env == ' ' || *env == '\t')
			env++;
		if (*env) {
			snprintf(out, n, "%s", env);
			out[strcspn(out, " \t\r\n")] = '\0';
			dbg("session id from AGENTSH_SESSION_ID: %s", out);
			return;
		}
	}
	const char *file = getenv("AGENTSH_SESSION_FILE");
	if (file && *file && session_from_file(file, out, n)) {
		dbg("session id from %s: %s", file, out);
		return;
	}
	const char *scope = getenv("AGENTSH_SESSION_SCOPE");
	int global = scope && strcmp(scope, "global") == 0;
	char root[PATH_MAX], name[128];
	workspace_root(cwd && *cwd ? cwd : "/", root, sizeof root);
	if (global) {
		snprintf(name, sizeof name, "session-global.sid");
	} else {
		char hex[65];
		sha256_hex(root, strlen(root), hex);
		snprintf(name, sizeof name, "sessions/workspace-%.16s.sid", hex);
	}
	char bases[3][PATH_MAX];
	root_path(bases[0], sizeof bases[0], "/run/agentsh");
	root_path(bases[1], sizeof bases[1], "/tmp/agentsh");
	if (!fmt(bases[2], sizeof bases[2], "%s/.agentsh", strcmp(root, "/") == 0 ? "" : root))
		bases[2][0] = '\0';
	for (int i = 0; i < 3; i++) {
		char dir[PATH_MAX + 16], path[PATH_MAX + 160];
		if (!bases[i][0])
			continue;
		if (!fmt(dir, sizeof dir, "%s%s", bases[i], global ? "" : "/sessions") || mkdir_p(dir, 0755) != 0)
			continue;
		if (fmt(path, sizeof path, "%s/%s", bases[i], name) && session_from_file(path, out, n)) {
			dbg("session id from %s: %s", path, out);
			return;
		}
	}
	snprintf(out, n, "session-default");
	dbg("no writable session file: %s", out);
}

/* ---------------------------------------------------------------- daemon socket */

static int socket_path(char *out, size_t n, int *from_env)
{
	*from_env = 0;
#ifdef SHIM_TEST
	const char *t = getenv("AGENTSH_SOCKET");
	if (t && *t) {
		snprintf(out, n, "%s", t);
		*from_env = 1;
		return 1;
	}
#endif
	const char *s = getenv("AGENTSH_SERVER");
	if (s && strncmp(s, "unix://", 7) == 0 && s[7] == '/') {
		snprintf(out, n, "%s", s + 7);
		*from_env = 1;
		return 1;
	}
	snprintf(out, n, "%s", DEFAULT_SOCKET);
	return 1;
}

#ifndef SHIM_TEST
/* A socket named by the caller's environment must belong to a root daemon: otherwise any
 * process could point the shim at a listener of its own that answers "exec" to everything. */
static int peer_is_root(const char *path, char *why, size_t n)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return 0;
	}
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		close(fd);
		snprintf(why, n, "socket path too long");
		return 0;
	}
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(why, n, "connect %s: %s", path, strerror(errno));
		close(fd);
		return 0;
	}
	struct ucred cr;
	socklen_t l = sizeof cr;
	int ok = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0 && cr.uid == 0;
	close(fd);
	if (!ok)
		snprintf(why, n, "the listener at %s is not owned by root (AGENTSH_SERVER may not redirect the shim)", path);
	return ok;
}
#endif

/* ready_gate=true: a daemon that is not listening yet (boot, restart) is waited for, up to
 * READY_GATE_MS; the reference instead ran the command unenforced. Never fails open: after the
 * wait the normal path refuses as usual. */
static void wait_ready(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return;
	strcpy(sa.sun_path, path);
	for (int waited = 0; waited < READY_GATE_MS; waited += 50) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return;
		int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
		int e = errno;
		close(fd);
		if (r == 0 || (e != ENOENT && e != ECONNREFUSED))
			return;
		if (waited == 0)
			dbg("ready_gate: %s not listening yet (%s); waiting up to %d ms", path, strerror(e), READY_GATE_MS);
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

static void __attribute__((noreturn)) unreachable(const char *sock, const char *reason)
{
	die(EXIT_REFUSED,
	    "Start the agentsh server (systemctl start agentsh), or check AGENTSH_SERVER; the shim never runs a command without a decision.",
	    "agentsh server unreachable at %s: %s; refusing to run the command unenforced", sock, reason);
}

/* ---------------------------------------------------------------- request */

static void put_str(struct buf *b, const char *s)
{
	json_write_string(b, s, strlen(s), 0);
}

static void build_request(struct buf *b, const char *sid, const char *argv0, const char *shell,
			  const char *real, char **args, int nargs, const char *cwd)
{
	buf_puts(b, "{\"session_id\":");
	put_str(b, sid);
	buf_puts(b, ",\"argv0\":");
	put_str(b, argv0);
	buf_puts(b, ",\"shell\":");
	put_str(b, shell);
	buf_puts(b, ",\"real_shell\":");
	put_str(b, real);
	buf_puts(b, ",\"args\":[");
	for (int i = 0; i < nargs; i++) {
		if (i)
			buf_putc(b, ',');
		put_str(b, args[i]);
	}
	buf_puts(b, "],\"cwd\":");
	put_str(b, cwd);
	buf_puts(b, ",\"env\":[");
	for (char **e = environ; e && *e; e++) {
		if (e != environ)
			buf_putc(b, ',');
		put_str(b, *e);
	}
	const char *hint = getenv("AGENTSH_IN_SESSION");
	buf_printf(b, "],\"tty\":{\"stdin\":%s,\"stdout\":%s,\"stderr\":%s},\"in_session_hint\":%s}",
		   isatty(0) ? "true" : "false", isatty(1) ? "true" : "false", isatty(2) ? "true" : "false",
		   hint && strcmp(hint, "1") == 0 ? "true" : "false");
}

/* ---------------------------------------------------------------- answer */

/* Turns a JSON array of strings into a NULL-terminated vector, or NULL when malformed. */
static char **string_vector(const struct json *a, int need_one)
{
	if (!a || a->type != JSON_ARRAY || (need_one && a->count == 0))
		return NULL;
	char **v = calloc(a->count + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->count; i++) {
		if (!json_str_is_c(a->items[i])) {
			free(v);
			return NULL;
		}
		v[i] = a->items[i]->str;
	}
	return v;
}

static void __attribute__((noreturn)) run_exec_answer(const struct json *ans, const char *sock)
{
	const struct json *path = json_get(ans, "path");
	const struct json *cwd = json_get(ans, "cwd");
	if (!json_str_is_c(path) || path->str[0] != '/')
		unreachable(sock, "malformed answer: \"path\" must be an absolute path");
	char **argv = string_vector(json_get(ans, "argv"), 1);
	if (!argv)
		unreachable(sock, "malformed answer: \"argv\" must be a non-empty array of strings");
	char **envp = string_vector(json_get(ans, "env"), 0);
	if (!envp)
		unreachable(sock, "malformed answer: \"env\" must be an array of strings");
	if (cwd && cwd->type != JSON_NULL && !json_str_is_c(cwd))
		unreachable(sock, "malformed answer: \"cwd\" must be a string");
	if (cwd && cwd->type == JSON_STRING && cwd->len > 0 && chdir(cwd->str) != 0)
		die(EXIT_REFUSED, "The working directory the server chose does not exist or is not accessible.",
		    "cannot enter working directory %s: %s", cwd->str, strerror(errno));
	dbg("exec %s (argv[0]=%s, %zu env entries)", path->str, argv[0], json_get(ans, "env")->count);
	fflush(NULL);
	execve(path->str, argv, envp);
	int e = errno;
	die(e == ENOENT ? 127 : EXIT_REFUSED, "The program the server chose could not be started.",
	    "run %s: %s", path->str, strerror(e));
}

static void __attribute__((noreturn)) deny(const struct json *ans)
{
	const char *rule = json_get_str(ans, "rule", NULL);
	const char *msg = json_get_str(ans, "message", NULL);
	if (rule && *rule)
		fprintf(stderr, "agentsh: command denied by policy (rule=%s)\n", rule);
	else
		fprintf(stderr, "agentsh: command denied by policy\n");
	if (msg && *msg && strcmp(msg, "command denied by policy") != 0)
		fprintf(stderr, "agentsh: %s\n", msg);
	fprintf(stderr, "agentsh: hint: operation denied by policy; adjust policy or change command\n");
	fflush(stderr);
	exit(EXIT_REFUSED);
}

static void __attribute__((noreturn)) handle_answer(const struct http_response *r, const char *sock)
{
	char jerr[128], why[512];
	struct json *ans = json_parse(r->body.data, r->body.len, jerr, sizeof jerr);
	const char *action = ans ? json_get_str(ans, "action", NULL) : NULL;
	dbg("answer: HTTP %d action=%s", r->status, action ? action : "(none)");
	if (r->status == 200 && action && strcmp(action, "exec") == 0)
		run_exec_answer(ans, sock);
	if (r->status == 403 && action && strcmp(action, "deny") == 0)
		deny(ans);
	if (!ans)
		snprintf(why, sizeof why, "malformed answer (HTTP %d): %s", r->status, jerr);
	else if (json_get_str(ans, "error", NULL))
		snprintf(why, sizeof why, "unexpected answer (HTTP %d): %.300s", r->status, json_get_str(ans, "error", NULL));
	else
		snprintf(why, sizeof why, "unexpected answer (HTTP %d, action %s)", r->status, action ? action : "missing");
	unreachable(sock, why);
}

/* ---------------------------------------------------------------- main */

static const char *shell_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	while (*base == '-')
		base++;
	return strcmp(base, "bash") == 0 ? "bash" : "sh";
}

/* Stdin mode: no arguments and piped stdin: the script becomes -c "<trimmed stdin>". */
static char *read_stdin_script(void)
{
	struct buf b;
	buf_init(&b);
	for (;;) {
		buf_reserve(&b, 65536);
		ssize_t r = read(STDIN_FILENO, b.data + b.len, b.cap - b.len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EXIT_REFUSED, NULL, "reading the script from stdin: %s", strerror(errno));
		if (r == 0)
			break;
		b.len += (size_t)r;
		if (b.len > 64 * 1024 * 1024)
			break;
	}
	char *s = buf_cstr(&b);
	if (memchr(s, '\0', b.len))
		die(EXIT_REFUSED, "Pass binary data as a file or with -c.", "the script on stdin contains a NUL byte");
	size_t start = 0, end = b.len;
	while (start < end && strchr(" \t\n\r\v\f", s[start]))
		start++;
	while (end > start && strchr(" \t\n\r\v\f", s[end - 1]))
		end--;
	if (end - start > STDIN_SCRIPT_MAX)
		die(EXIT_REFUSED, "Write the script to a file and run it with the shell.",
		    "the script on stdin is too large (%zu bytes; at most %d fit in one argument)", end - start, STDIN_SCRIPT_MAX);
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	json_oom_exit_status = EXIT_REFUSED;
	g_argc = argc;
	g_argv = argv;
	g_debug = env_true("AGENTSH_SHIM_DEBUG");
	const char *argv0 = argc > 0 && argv[0] ? argv[0] : "sh";
	const char *name = shell_name(argv0);
	dbg("argv0=%s shell=%s args=%d", argv0, name, argc > 0 ? argc - 1 : 0);

	struct conf conf;
	conf_read(&conf);
	const char *mode_env = getenv("AGENTSH_SHIM_INSTALL");
	enum install_mode env_mode;
	if (mode_env && *mode_env && !parse_install(mode_env, &env_mode))
		die(EXIT_REFUSED, "Use AGENTSH_SHIM_INSTALL=auto, on or off.",
		    "invalid AGENTSH_SHIM_INSTALL value \"%s\" (expected auto, on, or off)", mode_env);

	char real[PATH_MAX];
	if (!resolve_real_shell(name, argv0, real, sizeof real))
		die(EXIT_CONFIG, "Reinstall the shim with `agentsh shim install-shell` or restore the shell.",
		    "cannot find the real shell %s.real (looked next to %s, in /bin, /usr/bin and next to the shim)", name, argv0);
	dbg("real shell: %s", real);

	int force = conf.force || env_true("AGENTSH_SHIM_FORCE");
	int stdin_tty = isatty(STDIN_FILENO);
	if (!stdin_tty && !force) {
		/* The reference's documented non-interactive bypass (CONTRACT keeps it). */
		dbg("stdin is not a terminal and force is off: running %s directly", real);
		fflush(NULL);
		execv(real, argv);
		die(127, "Check that the real shell is executable.", "run %s: %s", real, strerror(errno));
	}

	char **args = argc > 1 ? argv + 1 : NULL;
	int nargs = argc > 1 ? argc - 1 : 0;
	char *stdin_args[2];
	if (nargs == 0 && !stdin_tty) {
		stdin_args[0] = "-c";
		stdin_args[1] = read_stdin_script();
		args = stdin_args;
		nargs = 2;
		dbg("stdin mode: %zu-byte script", strlen(stdin_args[1]));
	}

	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = '\0';
	char sid[160];
	resolve_session_id(cwd, sid, sizeof sid);

	char sock[PATH_MAX];
	int from_env;
	socket_path(sock, sizeof sock, &from_env);
	struct http_url url;
	char err[512];
	char urltext[PATH_MAX + 8];
	snprintf(urltext, sizeof urltext, "unix://%s", sock);
	if (http_url_parse(urltext, &url, err, sizeof err) != 0)
		unreachable(sock, err);
	if (conf.ready_gate)
		wait_ready(sock);
#ifndef SHIM_TEST
	if (from_env && !peer_is_root(sock, err, sizeof err))
		unreachable(sock, err);
#endif

	struct buf req;
	buf_init(&req);
	build_request(&req, sid, argv0, name, real, args, nargs, cwd);
	dbg("POST /api/v1/shim/exec on %s (%zu bytes, session %s)", sock, req.len, sid);
	int timeout_ms = ANSWER_TIMEOUT_MS;
#ifdef SHIM_TEST
	const char *t = getenv("AGENTSH_SHIM_TIMEOUT_MS");
	if (t && atoi(t) > 0)
		timeout_ms = atoi(t);
#endif
	struct http_response resp;
	int rc = http_request(&url, "POST", "/api/v1/shim/exec", NULL, req.data, req.len, timeout_ms,
			      &resp, err, sizeof err);
	buf_free(&req);
	if (rc != HTTP_OK)
		unreachable(sock, err);
	handle_answer(&resp, sock);
}
