/* agentsh: the command-line front end (/usr/bin/agentsh).
 *
 * The hot verbs are served natively over the HTTP API, with no JVM start:
 *   agentsh --version
 *   agentsh exec [SID] -- CMD ARGS...      (--output, --events, --timeout, --argv0, --root,
 *                                           --project-root, --no-detect-root, --real-paths,
 *                                           --session-file; session auto-create on 404)
 *   agentsh session create [--workspace W] [--policy P] [--id ID] [--real-paths] [--json]
 * Every other verb or flag form starts the JVM in this same process through JNI
 * (libjvm.so of the bundled runtime) and calls io.agentsh.cli.Main.main(args), so the daemon
 * shows up in ps as "agentsh server ...".
 *
 * Paths, for tests and development:
 *   AGENTSH_JAVA_HOME    runtime directory (default /usr/lib/agentsh/runtime)
 *   AGENTSH_LIB_DIR      jar directories, ':'-separated (default /usr/lib/agentsh/lib)
 *   AGENTSH_JVM_OPTIONS  options file (default /usr/lib/agentsh/jvm.options)
 *   AGENTSH_MAIN_CLASS   main class (default io.agentsh.cli.Main)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"
#include "json.h"

#ifndef AGENTSH_VERSION
#define AGENTSH_VERSION "dev"
#endif

#define DEFAULT_SERVER "http://127.0.0.1:18080"
#define DEFAULT_RUNTIME "/usr/lib/agentsh/runtime"
#define DEFAULT_LIB_DIR "/usr/lib/agentsh/lib"
#define DEFAULT_JVM_OPTIONS "/usr/lib/agentsh/jvm.options"
#define DEFAULT_MAIN_CLASS "io.agentsh.cli.Main"
#define FALLBACK (-1000) /* "not handled natively: hand the command line to the JVM" */

static void fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ================================================================ JVM over JNI */

struct strvec {
	char **v;
	size_t n, cap;
};

static void sv_push(struct strvec *s, char *str)
{
	if (s->n + 1 >= s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v) {
			fail_msg("agentsh: out of memory");
			exit(1);
		}
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fail_msg("agentsh: out of memory");
		exit(1);
	}
	return d;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the .jar files of dir, sorted, to cp: JNI does not expand class path wildcards. */
static void add_jars(struct buf *cp, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct strvec jars = { 0 };
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".jar") == 0)
			sv_push(&jars, xstrdup(e->d_name));
	}
	closedir(d);
	if (jars.n)
		qsort(jars.v, jars.n, sizeof *jars.v, cmp_str);
	for (size_t i = 0; i < jars.n; i++) {
		if (cp->len)
			buf_putc(cp, ':');
		buf_printf(cp, "%s/%s", dir, jars.v[i]);
		free(jars.v[i]);
	}
	free(jars.v);
}

/* Expands a class path whose entries may be "dir/ *" wildcards (or a plain directory name
 * given through AGENTSH_LIB_DIR, which means its jars). */
static void expand_class_path(struct buf *out, const char *spec, int dirs_are_jar_dirs)
{
	char *copy = xstrdup(spec);
	char *save = NULL;
	for (char *ent = strtok_r(copy, ":", &save); ent; ent = strtok_r(NULL, ":", &save)) {
		size_t l = strlen(ent);
		if (l >= 2 && strcmp(ent + l - 2, "/*") == 0) {
			ent[l - 2] = '\0';
			add_jars(out, ent);
		} else if (strcmp(ent, "*") == 0) {
			add_jars(out, ".");
		} else if (dirs_are_jar_dirs) {
			add_jars(out, ent);
		} else {
			if (out->len)
				buf_putc(out, ':');
			buf_puts(out, ent);
		}
	}
	free(copy);
}

static char *trim_line(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* JVM options: one per line from the options file ('#' comments), the class path built from
 * the jar directories unless the file sets one. */
static void jvm_options(struct strvec *opts)
{
	const char *file = getenv("AGENTSH_JVM_OPTIONS");
	if (!file || !*file)
		file = DEFAULT_JVM_OPTIONS;
	int have_cp = 0, have_file = 0;
	FILE *f = fopen(file, "re");
	if (f) {
		have_file = 1;
		char *line = NULL;
		size_t cap = 0;
		while (getline(&line, &cap, f) >= 0) {
			char *o = trim_line(line);
			if (!*o || *o == '#')
				continue;
			if (strncmp(o, "-Djava.class.path=", 18) == 0) {
				if (getenv("AGENTSH_LIB_DIR"))
					continue; /* the override wins */
				struct buf cp;
				buf_init(&cp);
				buf_puts(&cp, "-Djava.class.path=");
				struct buf tmp;
				buf_init(&tmp);
				expand_class_path(&tmp, o + 18, 0);
				buf_append(&cp, tmp.data, tmp.len);
				buf_free(&tmp);
				sv_push(opts, xstrdup(buf_cstr(&cp)));
				buf_free(&cp);
				have_cp = 1;
				continue;
			}
			sv_push(opts, xstrdup(o));
		}
		free(line);
		fclose(f);
	}
	if (!have_file) {
		sv_push(opts, xstrdup("--sun-misc-unsafe-memory-access=allow"));
		sv_push(opts, xstrdup("--enable-native-access=ALL-UNNAMED"));
	}
	if (!have_cp) {
		const char *dirs = getenv("AGENTSH_LIB_DIR");
		if (!dirs || !*dirs)
			dirs = DEFAULT_LIB_DIR;
		struct buf cp;
		buf_init(&cp);
		expand_class_path(&cp, dirs, 1);
		if (cp.len == 0) {
			fail_msg("agentsh: no jars found in %s (set AGENTSH_LIB_DIR)", dirs);
			exit(1);
		}
		struct buf o;
		buf_init(&o);
		buf_printf(&o, "-Djava.class.path=%s", buf_cstr(&cp));
		sv_push(opts, xstrdup(buf_cstr(&o)));
		buf_free(&o);
		buf_free(&cp);
	}
	/* Lets the Java side re-exec this launcher (e.g. to start the server). */
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		struct buf o;
		buf_init(&o);
		buf_printf(&o, "-Dagentsh.launcher=%s", exe);
		sv_push(opts, xstrdup(buf_cstr(&o)));
		buf_free(&o);
	}
}

/* UTF-8 argv to a Java string; bytes that are not UTF-8 become U+FFFD, as the java launcher
 * does with a UTF-8 locale (NewStringUTF would be undefined for them). */
static jstring java_string(JNIEnv *env, const char *s)
{
	size_t n = strlen(s);
	jchar *u = malloc((n + 1) * sizeof *u);
	if (!u)
		return NULL;
	size_t k = 0, i = 0;
	while (i < n) {
		unsigned cp;
		size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!len) {
			cp = 0xFFFD;
			len = 1;
		}
		i += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[k++] = (jchar)(0xD800 + (cp >> 10));
			u[k++] = (jchar)(0xDC00 + (cp & 0x3FF));
		} else {
			u[k++] = (jchar)cp;
		}
	}
	jstring js = (*env)->NewString(env, u, (jsize)k);
	free(u);
	return js;
}

struct jvm_job {
	int argc;
	char **argv;
	int status;
};

typedef jint(JNICALL *create_vm_fn)(JavaVM **, void **, void *);

static void *jvm_thread(void *arg)
{
	struct jvm_job *job = arg;
	job->status = 1;
	const char *rt = getenv("AGENTSH_JAVA_HOME");
	if (!rt || !*rt)
		rt = DEFAULT_RUNTIME;
	char lib[PATH_MAX];
	snprintf(lib, sizeof lib, "%s/lib/server/libjvm.so", rt);
	void *h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		fail_msg("agentsh: cannot load the Java runtime: %s (set AGENTSH_JAVA_HOME)", dlerror());
		return NULL;
	}
	create_vm_fn create = (create_vm_fn)dlsym(h, "JNI_CreateJavaVM");
	if (!create) {
		fail_msg("agentsh: %s has no JNI_CreateJavaVM", lib);
		return NULL;
	}
	struct strvec opts = { 0 };
	jvm_options(&opts);
	JavaVMOption *jo = calloc(opts.n ? opts.n : 1, sizeof *jo);
	if (!jo)
		return NULL;
	for (size_t i = 0; i < opts.n; i++)
		jo[i].optionString = opts.v[i];
	JavaVMInitArgs args = { .version = JNI_VERSION_21, .nOptions = (jint)opts.n, .options = jo,
				.ignoreUnrecognized = JNI_FALSE };
	JavaVM *vm = NULL;
	JNIEnv *env = NULL;
	jint rc = create(&vm, (void **)&env, &args);
	if (rc != JNI_OK) {
		fail_msg("agentsh: cannot start the Java runtime in %s (JNI_CreateJavaVM returned %d)", rt, (int)rc);
		return NULL;
	}
	const char *mc = getenv("AGENTSH_MAIN_CLASS");
	char cls[512];
	snprintf(cls, sizeof cls, "%s", mc && *mc ? mc : DEFAULT_MAIN_CLASS);
	for (char *p = cls; *p; p++)
		if (*p == '.')
			*p = '/';
	jclass main_class = (*env)->FindClass(env, cls);
	jmethodID main_id = main_class ? (*env)->GetStaticMethodID(env, main_class, "main", "([Ljava/lang/String;)V") : NULL;
	if (!main_id) {
		if ((*env)->ExceptionCheck(env))
			(*env)->ExceptionDescribe(env);
		fail_msg("agentsh: %s.main(String[]) not found on the class path", mc && *mc ? mc : DEFAULT_MAIN_CLASS);
		goto leave;
	}
	jclass string_class = (*env)->FindClass(env, "java/lang/String");
	jobjectArray jargs = string_class ? (*env)->NewObjectArray(env, job->argc, string_class, NULL) : NULL;
	for (int i = 0; jargs && i < job->argc; i++) {
		jstring s = java_string(env, job->argv[i]);
		if (!s) {
			jargs = NULL;
			break;
		}
		(*env)->SetObjectArrayElement(env, jargs, i, s);
		(*env)->DeleteLocalRef(env, s);
	}
	if (!jargs || (*env)->ExceptionCheck(env)) {
		if ((*env)->ExceptionCheck(env))
			(*env)->ExceptionDescribe(env);
		fail_msg("agentsh: cannot pass the arguments to the Java runtime");
		goto leave;
	}
	(*env)->CallStaticVoidMethod(env, main_class, main_id, jargs);
	if ((*env)->ExceptionCheck(env)) {
		(*env)->ExceptionDescribe(env); /* like the java launcher: uncaught exception, exit 1 */
		job->status = 1;
	} else {
		job->status = 0;
	}
leave:
	/* As the java launcher: detach, then wait for the remaining non-daemon threads. */
	if ((*vm)->DetachCurrentThread(vm) != JNI_OK)
		job->status = 1;
	(*vm)->DestroyJavaVM(vm);
	return NULL;
}

/* Runs Main with argv in a thread of its own (the JVM wants a big stack and not to be the
 * primordial thread), returns its exit status. System.exit() ends the process directly. */
static int run_jvm(int argc, char **argv)
{
	struct jvm_job job = { .argc = argc, .argv = argv, .status = 1 };
	pthread_attr_t attr;
	pthread_t t;
	if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, 8 * 1024 * 1024) != 0) {
		fail_msg("agentsh: pthread attributes failed");
		return 1;
	}
	int e = pthread_create(&t, &attr, jvm_thread, &job);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		fail_msg("agentsh: cannot start the Java thread: %s", strerror(e));
		return 1;
	}
	e = pthread_join(t, NULL);
	if (e != 0) {
		fail_msg("agentsh: pthread_join: %s", strerror(e));
		return 1;
	}
	return job.status;
}

/* ================================================================ HTTP API client */

struct client {
	struct http_url url;
	const char *api_key;
	long long timeout_ms;
	int server_given; /* --server or AGENTSH_SERVER */
};

/* Go duration ("30s", "1m30s", "500ms", "2h"): milliseconds, or -1 when invalid. */
static long long parse_duration(const char *s)
{
	if (!s || !*s)
		return -1;
	if (strcmp(s, "0") == 0)
		return 0;
	double total = 0;
	const char *p = s;
	while (*p) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno || v < 0)
			return -1;
		p = end;
		double unit;
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1;
			p += 2;
		} else if (strncmp(p, "us", 2) == 0 || strncmp(p, "µs", 3) == 0) {
			unit = 0.001;
			p += p[0] == 'u' ? 2 : 3;
		} else if (strncmp(p, "ns", 2) == 0) {
			unit = 0.000001;
			p += 2;
		} else if (*p == 'h') {
			unit = 3600000;
			p++;
		} else if (*p == 'm') {
			unit = 60000;
			p++;
		} else if (*p == 's') {
			unit = 1000;
			p++;
		} else {
			return -1;
		}
		total += v * unit;
	}
	if (total > 1e12)
		return -1;
	return (long long)total;
}

static int header_safe(const char *v)
{
	return v && !strpbrk(v, "\r\n");
}

static void auth_headers(const struct client *c, struct buf *h)
{
	if (c->api_key && *c->api_key && header_safe(c->api_key))
		buf_printf(h, "X-API-Key: %s\r\n", c->api_key);
	const char *tp = getenv("TRACEPARENT");
	if (tp && *tp && header_safe(tp))
		buf_printf(h, "Traceparent: %s\r\n", tp);
}

static int do_request(const struct client *c, const char *method, const char *path, const struct buf *body,
		      long long timeout_ms, struct http_response *resp, char *err, size_t errlen)
{
	struct buf h;
	buf_init(&h);
	auth_headers(c, &h);
	int rc = http_request(&c->url, method, path, buf_cstr(&h), body ? body->data : NULL, body ? body->len : 0,
			      timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms, resp, err, errlen);
	buf_free(&h);
	return rc;
}

/* "<METHOD> <path>: <status> <text>: <body trimmed>", exit 1 (reference HTTPError). */
static int http_error_exit(const char *method, const char *path, const struct http_response *r)
{
	const char *text = http_status_text(r->status);
	if (!*text)
		text = r->reason;
	size_t n = r->body.len;
	const char *b = r->body.data ? r->body.data : "";
	while (n && (b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == ' ' || b[n - 1] == '\t'))
		n--;
	if (n > 65536)
		n = 65536;
	fprintf(stderr, "%s %s: %d %s: %.*s\n", method, path, r->status, text, (int)n, b);
	return 1;
}

static void path_escape(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

static void put_str(struct buf *b, const char *s)
{
	json_write_string(b, s, strlen(s), 0);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Go's MarshalIndent(v, "", "  ") + "\n" of a parsed document (order kept). */
static void print_json(const struct json *v)
{
	struct buf out;
	buf_init(&out);
	json_write(&out, v, 2, JSON_ESC_HTML);
	buf_putc(&out, '\n');
	fflush(stdout);
	if (write_all(STDOUT_FILENO, out.data, out.len) != 0 && errno != EPIPE)
		fail_msg("agentsh: writing to stdout: %s", strerror(errno));
	buf_free(&out);
}

static int truthy(const char *v)
{
	return v && (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcasecmp(v, "yes") ||
		     !strcasecmp(v, "y") || !strcasecmp(v, "on"));
}

/* ================================================================ option parsing */

struct flag_parser {
	int argc;
	char **argv;
	int i;
	const char *name; /* without leading dashes and without =value */
	size_t name_len;
	const char *inline_value;
};

/* Matches "--name", "--name=value". Returns 1 when argv[i] is that flag. */
static int is_flag(struct flag_parser *fp, const char *name)
{
	return fp->name_len == strlen(name) && strncmp(fp->name, name, fp->name_len) == 0;
}

/* Value of a flag that takes one: inline or the next argument. NULL when missing. */
static const char *flag_value(struct flag_parser *fp)
{
	if (fp->inline_value)
		return fp->inline_value;
	if (fp->i + 1 >= fp->argc)
		return NULL;
	return fp->argv[++fp->i];
}

/* Boolean flag: "--x" or "--x=true|false". -1 when the value is not a boolean. */
static int flag_bool(struct flag_parser *fp)
{
	if (!fp->inline_value)
		return 1;
	if (!strcmp(fp->inline_value, "true") || !strcmp(fp->inline_value, "1"))
		return 1;
	if (!strcmp(fp->inline_value, "false") || !strcmp(fp->inline_value, "0"))
		return 0;
	return -1;
}

static void split_flag(struct flag_parser *fp, const char *arg)
{
	fp->name = arg + 2;
	const char *eq = strchr(fp->name, '=');
	fp->name_len = eq ? (size_t)(eq - fp->name) : strlen(fp->name);
	fp->inline_value = eq ? eq + 1 : NULL;
}

/* Root persistent flags; 1 consumed, 0 not one of them, -1 malformed (let the JVM say why). */
static int global_flag(struct flag_parser *fp, const char **server, const char **api_key, const char **ct)
{
	const char **dst = NULL;
	if (is_flag(fp, "server"))
		dst = server;
	else if (is_flag(fp, "api-key"))
		dst = api_key;
	else if (is_flag(fp, "client-timeout"))
		dst = ct;
	else
		return 0;
	const char *v = flag_value(fp);
	if (!v)
		return -1;
	*dst = v;
	return 1;
}

static int client_init(struct client *c, const char *server, const char *api_key, const char *ct)
{
	memset(c, 0, sizeof *c);
	c->server_given = server != NULL || getenv("AGENTSH_SERVER") != NULL;
	if (!server)
		server = getenv("AGENTSH_SERVER");
	if (!server || !*server)
		server = DEFAULT_SERVER;
	char err[600];
	if (http_url_parse(server, &c->url, err, sizeof err) != 0) {
		fail_msg("%s", err);
		return -1;
	}
	c->api_key = api_key ? api_key : getenv("AGENTSH_API_KEY");
	if (!ct)
		ct = getenv("AGENTSH_CLIENT_TIMEOUT");
	c->timeout_ms = 30000;
	if (ct && *ct) {
		long long t = parse_duration(ct);
		if (t < 0) {
			fail_msg("invalid client timeout %s", ct);
			return -1;
		}
		if (t > 0)
			c->timeout_ms = t;
	}
	return 0;
}

/* The reference auto-starts a local server on connection errors (§1.2): the JVM does that. */
static int may_auto_start(const struct client *c)
{
	return !truthy(getenv("AGENTSH_NO_AUTO")) && http_url_is_loopback(&c->url) &&
	       (strcmp(c->url.port, "18080") == 0 || strcmp(c->url.port, "80") == 0);
}

/* ================================================================ exec */

struct exec_opts {
	const char *output, *events, *timeout, *argv0, *root, *project_root, *session_file;
	int no_detect_root, real_paths;
	const char *server, *api_key, *client_timeout;
	const char *pre[3];
	int npre;
	char **cmd;     /* command words after the session id */
	int ncmd;
	char **post;    /* after "--" */
	int npost;
	int saw_dashdash;
};

static const char *jstr(const struct json *v, const char *key)
{
	const char *s = json_get_str(v, key, NULL);
	return s ? s : "";
}

static void line_err(const char *prefix, const char *text, const char *rule)
{
	if (rule && *rule)
		fprintf(stderr, "agentsh: %s%s (rule=%s)\n", prefix, text, rule);
	else
		fprintf(stderr, "agentsh: %s%s\n", prefix, text);
}

static void print_suggestions(const struct json *list, int subs)
{
	if (!list || list->type != JSON_ARRAY)
		return;
	for (size_t i = 0; i < list->count; i++) {
		const char *cmd = jstr(list->items[i], "command");
		const char *reason = jstr(list->items[i], "reason");
		if (*cmd)
			fprintf(stderr, "agentsh: try: %s\n", cmd);
		else if (!subs && *reason)
			fprintf(stderr, "agentsh: hint: %s\n", reason);
	}
}

/* guidance missing (an older or partial server): derive the reference's guidance lines from
 * result.error and the blocked operations so the user still sees why. */
static void fallback_guidance(const struct json *resp, long long code)
{
	const struct json *result = json_get(resp, "result");
	const struct json *error = json_get(result, "error");
	const struct json *blocked = json_get(json_get(resp, "events"), "blocked_operations");
	const char *ecode = jstr(error, "code");
	const char *emsg = jstr(error, "message");
	const char *erule = jstr(error, "policy_rule");
	if (!strcmp(ecode, "E_POLICY_DENIED") || !strcmp(ecode, "E_APPROVAL_DENIED") || !strcmp(ecode, "E_APPROVAL_TIMEOUT")) {
		int timeout = !strcmp(ecode, "E_APPROVAL_TIMEOUT");
		line_err("", timeout ? "approval timed out" : "command denied by policy", erule);
		if (json_get(error, "suggestions"))
			print_suggestions(json_get(error, "suggestions"), 0);
		else
			fprintf(stderr, "agentsh: hint: %s\n", !strcmp(ecode, "E_POLICY_DENIED")
				? "operation denied by policy; adjust policy or change command"
				: "operation requires approval per policy (enable approvals or approve via API)");
		return;
	}
	if (blocked && blocked->type == JSON_ARRAY && blocked->count > 0) {
		const struct json *ev = blocked->items[0];
		const char *rule = jstr(json_get(ev, "policy"), "rule");
		const char *msg = jstr(json_get(ev, "policy"), "message");
		const char *target = jstr(ev, "path");
		if (!*target)
			target = jstr(ev, "remote");
		if (!*target)
			target = jstr(ev, "domain");
		if (!*target)
			target = jstr(ev, "type");
		if (*rule)
			fprintf(stderr, "agentsh: blocked by policy (rule=%s): %s\n", rule, *msg ? msg : target);
		else
			fprintf(stderr, "agentsh: blocked by policy: %s\n", target);
		return;
	}
	if (code == 0)
		return;
	if (strstr(emsg, "timed out") || strstr(emsg, "deadline exceeded")) {
		fprintf(stderr, "agentsh: command timed out\nagentsh: try: agentsh exec --timeout 2m ...\n");
		return;
	}
	fprintf(stderr, "agentsh: command failed\n");
	if (strstr(emsg, "executable file not found") || strstr(emsg, "no such file or directory"))
		fprintf(stderr, "agentsh: hint: use an absolute executable path (or install the missing tool if allowed)\n");
	else if (strstr(emsg, "permission denied"))
		fprintf(stderr, "agentsh: hint: ensure the executable is allowed and has execute permission\n");
}

static int exit_status_of(long long code)
{
	if (code < 0 || code > 255)
		return 1;
	return (int)code;
}

/* Shell output (reference printShellExec). */
static int print_shell(const struct json *resp)
{
	const struct json *result = json_get(resp, "result");
	long long code = 0;
	if (!result || !json_as_int(json_get(result, "exit_code"), &code)) {
		fail_msg("agentsh: malformed exec response: result.exit_code missing");
		return 1;
	}
	size_t n;
	const char *out = json_get_str(result, "stdout", &n);
	fflush(stdout);
	if (out && n && write_all(STDOUT_FILENO, out, n) != 0 && errno != EPIPE)
		fail_msg("agentsh: writing to stdout: %s", strerror(errno));
	const char *err = json_get_str(result, "stderr", &n);
	if (err && n && write_all(STDERR_FILENO, err, n) != 0 && errno != EPIPE)
		return exit_status_of(code);
	const struct json *g = json_get(resp, "guidance");
	if (g && g->type == JSON_OBJECT) {
		const char *reason = jstr(g, "reason");
		const struct json *blocked = json_get(g, "blocked");
		if (*reason && ((blocked && blocked->type == JSON_TRUE) || code != 0)) {
			line_err("", reason, jstr(g, "policy_rule"));
			print_suggestions(json_get(g, "substitutions"), 1);
			print_suggestions(json_get(g, "suggestions"), 0);
		}
	} else {
		fallback_guidance(resp, code);
	}
	fflush(stderr);
	return exit_status_of(code);
}

static int is_exec_response(const struct json *v)
{
	const char *cid = json_get_str(v, "command_id", NULL);
	const char *sid = json_get_str(v, "session_id", NULL);
	return cid && *cid && sid && *sid;
}

static int create_session_for_exec(const struct client *c, const char *sid, const struct exec_opts *o)
{
	char cwd[PATH_MAX];
	const char *root = o->root;
	if (!root || !*root)
		root = getenv("AGENTSH_SESSION_ROOT");
	if (!root || !*root)
		root = getcwd(cwd, sizeof cwd) ? cwd : ".";
	struct buf body;
	buf_init(&body);
	buf_puts(&body, "{\"id\":");
	put_str(&body, sid);
	buf_puts(&body, ",\"workspace\":");
	put_str(&body, root);
	const char *home = getenv("HOME");
	buf_puts(&body, ",\"home\":");
	put_str(&body, home ? home : "");
	if (o->no_detect_root)
		buf_puts(&body, ",\"detect_project_root\":false");
	if (o->project_root) {
		buf_puts(&body, ",\"project_root\":");
		put_str(&body, o->project_root);
	}
	if (o->real_paths)
		buf_puts(&body, ",\"real_paths\":true");
	buf_putc(&body, '}');
	struct http_response r;
	char err[512];
	int rc = do_request(c, "POST", "/api/v1/sessions", &body, c->timeout_ms, &r, err, sizeof err);
	buf_free(&body);
	if (rc != HTTP_OK)
		return 0;
	int ok = r.status == 201 || r.status == 200 || r.status == 409;
	http_response_free(&r);
	return ok;
}

static int cmd_exec(int argc, char **argv)
{
	struct exec_opts o;
	memset(&o, 0, sizeof o);
	struct flag_parser fp = { .argc = argc, .argv = argv };
	char **pre = calloc((size_t)argc + 1, sizeof *pre);
	int npre = 0;
	if (!pre)
		return 1;
	for (fp.i = 0; fp.i < argc; fp.i++) {
		const char *a = argv[fp.i];
		if (!strcmp(a, "--")) {
			o.saw_dashdash = 1;
			o.post = argv + fp.i + 1;
			o.npost = argc - fp.i - 1;
			break;
		}
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			split_flag(&fp, a);
			int g = global_flag(&fp, &o.server, &o.api_key, &o.client_timeout);
			if (g < 0)
				goto fallback;
			if (g > 0)
				continue;
			const char **dst = NULL;
			if (is_flag(&fp, "output"))
				dst = &o.output;
			else if (is_flag(&fp, "events"))
				dst = &o.events;
			else if (is_flag(&fp, "timeout"))
				dst = &o.timeout;
			else if (is_flag(&fp, "argv0"))
				dst = &o.argv0;
			else if (is_flag(&fp, "root"))
				dst = &o.root;
			else if (is_flag(&fp, "project-root"))
				dst = &o.project_root;
			else if (is_flag(&fp, "session-file"))
				dst = &o.session_file;
			if (dst) {
				if (!(*dst = flag_value(&fp)))
					goto fallback;
				continue;
			}
			int *bdst = is_flag(&fp, "no-detect-root") ? &o.no_detect_root
				  : is_flag(&fp, "real-paths") ? &o.real_paths : NULL;
			if (bdst) {
				if ((*bdst = flag_bool(&fp)) < 0)
					goto fallback;
				continue;
			}
			goto fallback; /* --pty, --stream, --json, --help, anything unknown */
		}
		if (a[0] == '-' && a[1])
			goto fallback; /* short flags: cobra's parsing and messages */
		pre[npre++] = argv[fp.i];
	}

	struct client c;
	if (client_init(&c, o.server, o.api_key, o.client_timeout) != 0) {
		free(pre);
		return 1;
	}
	if (!o.output)
		o.output = getenv("AGENTSH_OUTPUT");
	if (!o.output || !*o.output)
		o.output = "shell";
	if (strcmp(o.output, "shell") && strcmp(o.output, "json")) {
		fail_msg("invalid --output \"%s\" (expected shell|json)", o.output);
		free(pre);
		return 1;
	}
	int json_out = !strcmp(o.output, "json");
	if (!o.events)
		o.events = getenv("AGENTSH_EVENTS");
	if (!o.events || !*o.events)
		o.events = json_out ? "summary" : "none";
	if (strcmp(o.events, "all") && strcmp(o.events, "summary") && strcmp(o.events, "blocked") && strcmp(o.events, "none")) {
		fail_msg("invalid --events \"%s\" (expected all|summary|blocked|none)", o.events);
		free(pre);
		return 1;
	}

	/* Session id and command (reference exec_parse.go). */
	char envsid[256] = "";
	const char *es = getenv("AGENTSH_SESSION_ID");
	if (es) {
		while (*es == ' ' || *es == '\t' || *es == '\n')
			es++;
		snprintf(envsid, sizeof envsid, "%s", es);
		size_t l = strlen(envsid);
		while (l && (envsid[l - 1] == ' ' || envsid[l - 1] == '\t' || envsid[l - 1] == '\n' || envsid[l - 1] == '\r'))
			envsid[--l] = '\0';
	}
	const char *sid = NULL;
	int first = 0;
	if (*envsid) {
		sid = envsid;
		if (npre > 0 && !strcmp(pre[0], envsid))
			first = 1;
		else if (o.saw_dashdash && npre > 0)
			first = 1; /* "SID -- CMD": the env id wins over the positional one */
	} else if (npre > 0) {
		sid = pre[0];
		first = 1;
	}
	struct strvec cmd = { 0 };
	for (int i = first; i < npre; i++)
		sv_push(&cmd, pre[i]);
	for (int i = 0; i < o.npost; i++)
		sv_push(&cmd, o.post[i]);
	free(pre);
	if (!sid || !*sid) {
		fail_msg("session id is required (provide as argument or set AGENTSH_SESSION_ID)");
		return 1;
	}
	if (cmd.n == 0) {
		fail_msg("command is required");
		return 1;
	}

	struct buf body;
	buf_init(&body);
	buf_puts(&body, "{\"command\":");
	put_str(&body, cmd.v[0]);
	buf_puts(&body, ",\"args\":[");
	for (size_t i = 1; i < cmd.n; i++) {
		if (i > 1)
			buf_putc(&body, ',');
		put_str(&body, cmd.v[i]);
	}
	buf_putc(&body, ']');
	if (o.timeout && *o.timeout) {
		buf_puts(&body, ",\"timeout\":");
		put_str(&body, o.timeout);
	}
	if (o.argv0 && *o.argv0) {
		buf_puts(&body, ",\"argv0\":");
		put_str(&body, o.argv0);
	}
	buf_puts(&body, ",\"include_events\":");
	put_str(&body, o.events);
	buf_putc(&body, '}');
	free(cmd.v);

	/* The exec answers when the command ends: wait for its own timeout plus a margin, never
	 * less than the client timeout, and never send it twice. */
	long long wait_ms = c.timeout_ms;
	long long cmd_ms = parse_duration(o.timeout);
	if (cmd_ms > 0 && cmd_ms + 30000 > wait_ms)
		wait_ms = cmd_ms + 30000;

	struct buf path;
	buf_init(&path);
	buf_puts(&path, "/api/v1/sessions/");
	path_escape(&path, sid);
	buf_puts(&path, "/exec");
	buf_cstr(&path);

	struct http_response r;
	char err[600];
	int created = 0, status = 1;
	for (;;) {
		int rc = do_request(&c, "POST", path.data, &body, wait_ms, &r, err, sizeof err);
		if (rc == HTTP_ERR_CONNECT && may_auto_start(&c)) {
			buf_free(&body);
			buf_free(&path);
			return FALLBACK; /* the JVM CLI starts the server and retries */
		}
		if (rc != HTTP_OK) {
			fail_msg("POST %s: %s (server %s)", path.data, err, c.url.display);
			goto out;
		}
		if (r.status == 404 && !created && strstr(buf_cstr(&r.body), "session not found") &&
		    !truthy(getenv("AGENTSH_NO_AUTO"))) {
			http_response_free(&r);
			created = 1;
			if (create_session_for_exec(&c, sid, &o))
				continue;
			if (do_request(&c, "POST", path.data, &body, wait_ms, &r, err, sizeof err) != HTTP_OK) {
				fail_msg("POST %s: %s (server %s)", path.data, err, c.url.display);
				goto out;
			}
		}
		break;
	}
	if (r.status == 404 && o.session_file && strstr(buf_cstr(&r.body), "session not found")) {
		unlink(o.session_file);
		fail_msg("session \"%s\" no longer exists (cache invalidated); retry your command", sid);
		http_response_free(&r);
		goto out;
	}
	char jerr[128];
	struct json *resp = json_parse(r.body.data, r.body.len, jerr, sizeof jerr);
	if (r.status < 200 || r.status > 299) {
		if (!resp || !is_exec_response(resp)) {
			status = http_error_exit("POST", path.data, &r);
			json_free(resp);
			http_response_free(&r);
			goto out;
		}
	} else if (!resp || resp->type != JSON_OBJECT) {
		fail_msg("decode exec response: %s", resp ? "not a JSON object" : jerr);
		json_free(resp);
		http_response_free(&r);
		goto out;
	}
	if (json_out) {
		print_json(resp);
		long long code = 0;
		json_as_int(json_get(json_get(resp, "result"), "exit_code"), &code);
		status = exit_status_of(code);
	} else {
		status = print_shell(resp);
	}
	json_free(resp);
	http_response_free(&r);
out:
	buf_free(&body);
	buf_free(&path);
	return status;
fallback:
	free(pre);
	return FALLBACK;
}

/* ================================================================ session create */

static int cmd_session_create(int argc, char **argv)
{
	const char *workspace = ".", *policy = "default", *id = NULL;
	const char *server = NULL, *api_key = NULL, *ct = NULL;
	int json_out = 0, real_paths = 0, real_paths_given = 0;
	struct flag_parser fp = { .argc = argc, .argv = argv };
	for (fp.i = 0; fp.i < argc; fp.i++) {
		const char *a = argv[fp.i];
		if (!(a[0] == '-' && a[1] == '-' && a[2]))
			return FALLBACK; /* positional or short flag: cobra's messages */
		split_flag(&fp, a);
		int g = global_flag(&fp, &server, &api_key, &ct);
		if (g < 0)
			return FALLBACK;
		if (g > 0)
			continue;
		const char **dst = is_flag(&fp, "workspace") ? &workspace
				 : is_flag(&fp, "policy") ? &policy
				 : is_flag(&fp, "id") ? &id : NULL;
		if (dst) {
			if (!(*dst = flag_value(&fp)))
				return FALLBACK;
			continue;
		}
		int *b = is_flag(&fp, "json") ? &json_out : is_flag(&fp, "real-paths") ? &real_paths : NULL;
		if (!b || (*b = flag_bool(&fp)) < 0)
			return FALLBACK;
		if (b == &real_paths)
			real_paths_given = 1;
	}
	struct client c;
	if (client_init(&c, server, api_key, ct) != 0)
		return 1;

	/* A relative workspace is taken relative to the caller (the reference let the server
	 * resolve it against its own working directory). */
	char abs[PATH_MAX * 2];
	if (workspace[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd)) {
			fail_msg("getwd: %s", strerror(errno));
			return 1;
		}
		if (!strcmp(workspace, "."))
			snprintf(abs, sizeof abs, "%s", cwd);
		else
			snprintf(abs, sizeof abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", workspace);
		workspace = abs;
	}
	struct buf body;
	buf_init(&body);
	buf_putc(&body, '{');
	if (id) {
		buf_puts(&body, "\"id\":");
		put_str(&body, id);
		buf_putc(&body, ',');
	}
	buf_puts(&body, "\"workspace\":");
	put_str(&body, workspace);
	buf_puts(&body, ",\"policy\":");
	put_str(&body, policy);
	const char *home = getenv("HOME");
	buf_puts(&body, ",\"home\":");
	put_str(&body, home ? home : "");
	if (real_paths_given)
		buf_puts(&body, real_paths ? ",\"real_paths\":true" : ",\"real_paths\":false");
	buf_putc(&body, '}');

	struct http_response r;
	char err[600];
	int rc = do_request(&c, "POST", "/api/v1/sessions", &body, c.timeout_ms, &r, err, sizeof err);
	buf_free(&body);
	if (rc != HTTP_OK) {
		fail_msg("POST /api/v1/sessions: %s (server %s)", err, c.url.display);
		return 1;
	}
	if (r.status < 200 || r.status > 299) {
		int s = http_error_exit("POST", "/api/v1/sessions", &r);
		http_response_free(&r);
		return s;
	}
	char jerr[128];
	struct json *sess = json_parse(r.body.data, r.body.len, jerr, sizeof jerr);
	http_response_free(&r);
	const char *sid = sess ? json_get_str(sess, "id", NULL) : NULL;
	if (!sess || sess->type != JSON_OBJECT || !sid) {
		fail_msg("decode session: %s", sess ? "no id in the answer" : jerr);
		json_free(sess);
		return 1;
	}
	if (json_out) {
		print_json(sess);
		json_free(sess);
		return 0;
	}
	printf("Session %s started\n", sid);
	/* Proxy and DLP lines, as the reference prints them, when a proxy runs. */
	struct buf path;
	buf_init(&path);
	buf_puts(&path, "/api/v1/sessions/");
	path_escape(&path, sid);
	buf_puts(&path, "/proxy");
	if (do_request(&c, "GET", buf_cstr(&path), NULL, c.timeout_ms, &r, err, sizeof err) == HTTP_OK) {
		struct json *px = r.status == 200 ? json_parse(r.body.data, r.body.len, NULL, 0) : NULL;
		const char *addr = jstr(px, "address");
		const char *state = jstr(px, "state");
		if (*addr && strcmp(state, "not configured")) {
			printf("  Proxy: http://%s\n", addr);
			const char *dlp = jstr(px, "dlp_mode");
			if (*dlp && strcmp(dlp, "disabled")) {
				printf("  DLP: %s (", dlp);
				const struct json *names = json_get(px, "pattern_names");
				for (size_t i = 0; names && names->type == JSON_ARRAY && i < names->count; i++)
					printf("%s%s", i ? ", " : "", names->items[i]->type == JSON_STRING ? names->items[i]->str : "");
				printf(")\n");
			}
			printf("\nExport for agent:\n  export ANTHROPIC_BASE_URL=http://%s\n  export OPENAI_BASE_URL=http://%s\n", addr, addr);
		}
		json_free(px);
		http_response_free(&r);
	}
	buf_free(&path);
	json_free(sess);
	return 0;
}

/* ================================================================ main */

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		printf("agentsh %s\n", AGENTSH_VERSION);
		return 0;
	}
	/* Root flags may come before the verb; the verb handlers accept them too. */
	const char *server = NULL, *api_key = NULL, *ct = NULL;
	struct flag_parser fp = { .argc = argc, .argv = argv };
	int verb = 0;
	for (fp.i = 1; fp.i < argc; fp.i++) {
		const char *a = argv[fp.i];
		if (a[0] != '-') {
			verb = fp.i;
			break;
		}
		if (a[1] != '-' || !a[2])
			break;
		split_flag(&fp, a);
		if (global_flag(&fp, &server, &api_key, &ct) <= 0)
			break;
	}
	int status = FALLBACK;
	if (verb) {
		/* Hand the root flags to the verb handler, which reads them anywhere. */
		struct strvec args = { 0 };
		int sub = verb + 1;
		if (!strcmp(argv[verb], "session") && sub < argc && !strcmp(argv[sub], "create"))
			sub++;
		else if (strcmp(argv[verb], "exec"))
			sub = -1;
		if (sub > 0) {
			/* first, so that for exec they stay before "--" */
			if (server) {
				sv_push(&args, "--server");
				sv_push(&args, (char *)server);
			}
			if (api_key) {
				sv_push(&args, "--api-key");
				sv_push(&args, (char *)api_key);
			}
			if (ct) {
				sv_push(&args, "--client-timeout");
				sv_push(&args, (char *)ct);
			}
			for (int i = sub; i < argc; i++)
				sv_push(&args, argv[i]);
			status = !strcmp(argv[verb], "exec") ? cmd_exec((int)args.n, args.v)
							     : cmd_session_create((int)args.n, args.v);
			free(args.v);
		}
	}
	if (status == FALLBACK)
		status = run_jvm(argc - 1, argv + 1);
	fflush(NULL);
	return status;
}
