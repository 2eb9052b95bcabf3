/* Unit tests of the HTTP client: URL parsing, and answers from a forked canned server on a
 * unix socket (lengths, chunked, close-delimited, malformed). "PASS"/"FAIL" lines. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http.h"

static int failures;

static void result(int ok, const char *name, const char *why)
{
	if (ok)
		printf("PASS http: %s\n", name);
	else {
		printf("FAIL http: %s: %s\n", name, why);
		failures++;
	}
}

static void url_ok(const char *in, int is_unix, const char *host_or_path, const char *port)
{
	struct http_url u;
	char err[256] = "";
	int r = http_url_parse(in, &u, err, sizeof err);
	int ok = r == 0 && u.is_unix == is_unix &&
		 (is_unix ? !strcmp(u.path, host_or_path) : !strcmp(u.host, host_or_path) && !strcmp(u.port, port));
	char name[300];
	snprintf(name, sizeof name, "url %s", in);
	result(ok, name, r ? err : "wrong parts");
}

static void url_bad(const char *in)
{
	struct http_url u;
	char err[256] = "";
	char name[300];
	snprintf(name, sizeof name, "bad url %s", in);
	result(http_url_parse(in, &u, err, sizeof err) != 0 && err[0], name, "accepted");
}

/* Serves one canned answer per connection, in order, then exits. */
static pid_t serve(const char *path, const char **answers, int n)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		exit(2);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 16) != 0) {
		perror("test server");
		exit(2);
	}
	pid_t pid = fork();
	if (pid < 0)
		exit(2);
	if (pid > 0) {
		close(s);
		return pid;
	}
	for (int i = 0; i < n; i++) {
		int c = accept(s, NULL, NULL);
		if (c < 0)
			_exit(2);
		char req[4096];
		ssize_t r = read(c, req, sizeof req); /* the request fits: small bodies only */
		(void)r;
		const char *a = answers[i];
		size_t len = strlen(a);
		if (write(c, a, len) != (ssize_t)len)
			_exit(2);
		close(c);
	}
	_exit(0);
}

int main(void)
{
	url_ok("http://127.0.0.1:18080", 0, "127.0.0.1", "18080");
	url_ok("http://localhost:8080/", 0, "localhost", "8080");
	url_ok("http://example.invalid", 0, "example.invalid", "80");
	url_ok("http://[::1]:9000", 0, "::1", "9000");
	url_ok("unix:///run/agentsh/agentsh.sock", 1, "/run/agentsh/agentsh.sock", "");
	url_bad("");
	url_bad("https://127.0.0.1:18080");
	url_bad("127.0.0.1:18080");
	url_bad("http://:80");
	url_bad("http://h:0");
	url_bad("http://h:65536");
	url_bad("http://h:12x");
	url_bad("http://h/prefix");
	url_bad("unix://relative.sock");
	url_bad("http://[::1");

	char dir[] = "/tmp/httptest.XXXXXX";
	if (!mkdtemp(dir))
		return 2;
	char sock[100];
	snprintf(sock, sizeof sock, "%s/s", dir);
	static const char *answers[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA",
		"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nuntil close",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTX/1.1 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"",
	};
	int n = (int)(sizeof answers / sizeof *answers);
	pid_t pid = serve(sock, answers, n);
	struct http_url u;
	char err[256], url[256];
	snprintf(url, sizeof url, "unix://%s", sock);
	http_url_parse(url, &u, err, sizeof err);
	struct http_response r;

	int rc = http_request(&u, "POST", "/x", NULL, "{}", 2, 2000, &r, err, sizeof err);
	result(rc == HTTP_OK && r.status == 200 && r.body.len == 5 && !memcmp(r.body.data, "hello", 5), "Content-Length body", err);
	if (rc == HTTP_OK)
		http_response_free(&r);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_OK && r.status == 403 && r.body.len == 5 && !memcmp(r.body.data, "abcde", 5) &&
	       !strcmp(r.reason, "Forbidden"), "chunked body with extension and trailer", err);
	if (rc == HTTP_OK)
		http_response_free(&r);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_OK && r.body.len == 11 && !memcmp(r.body.data, "until close", 11), "close-delimited body", err);
	if (rc == HTTP_OK)
		http_response_free(&r);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_OK && r.status == 204 && r.body.len == 0, "204 without body", err);
	if (rc == HTTP_OK)
		http_response_free(&r);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_PROTO, "malformed status line", err);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_PROTO, "conflicting Content-Length", err);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_PROTO, "bad chunk size", err);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_IO, "body shorter than Content-Length", err);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_PROTO, "unsupported Transfer-Encoding", err);
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_IO, "closed without an answer", err);
	int st;
	waitpid(pid, &st, 0);
	result(WIFEXITED(st) && WEXITSTATUS(st) == 0, "canned server saw every request", "server failed");
	rc = http_request(&u, "GET", "/x", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_CONNECT, "nobody listening", err);
	rc = http_request(&u, "GET", "/x y", NULL, NULL, 0, 2000, &r, err, sizeof err);
	result(rc == HTTP_ERR_ARG, "request path with a space refused", err);
	unlink(sock);
	rmdir(dir);
	return failures ? 1 : 0;
}
