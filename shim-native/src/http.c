/* Tiny HTTP/1.1 client. See http.h. */
#define _GNU_SOURCE
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void seterr(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
}

int http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof *u);
	if (!url || !*url) {
		seterr(err, errlen, "empty server URL%s%s", "", "");
		return -1;
	}
	snprintf(u->display, sizeof u->display, "%s", url);
	if (strncmp(url, "unix://", 7) == 0) {
		const char *p = url + 7;
		if (*p != '/') {
			seterr(err, errlen, "invalid server URL %s: unix socket path must be absolute%s", url, "");
			return -1;
		}
		if (strlen(p) >= sizeof u->path) {
			seterr(err, errlen, "invalid server URL %s: socket path too long%s", url, "");
			return -1;
		}
		u->is_unix = 1;
		strcpy(u->path, p);
		return 0;
	}
	if (strncmp(url, "http://", 7) != 0) {
		seterr(err, errlen, "invalid server URL %s: expected http://host:port or unix:///path%s", url, "");
		return -1;
	}
	const char *h = url + 7;
	const char *end = h + strcspn(h, "/?#");
	if (end[0] == '/' && end[1] != '\0') {
		seterr(err, errlen, "invalid server URL %s: a path prefix is not supported%s", url, "");
		return -1;
	}
	const char *host_end, *port = NULL;
	if (*h == '[') {
		host_end = memchr(h, ']', (size_t)(end - h));
		if (!host_end) {
			seterr(err, errlen, "invalid server URL %s: unterminated IPv6 literal%s", url, "");
			return -1;
		}
		if (host_end + 1 < end) {
			if (host_end[1] != ':') {
				seterr(err, errlen, "invalid server URL %s%s", url, "");
				return -1;
			}
			port = host_end + 2;
		}
		h++;
	} else {
		host_end = memchr(h, ':', (size_t)(end - h));
		if (host_end)
			port = host_end + 1;
		else
			host_end = end;
	}
	size_t hl = (size_t)(host_end - h);
	if (hl == 0 || hl >= sizeof u->host) {
		seterr(err, errlen, "invalid server URL %s: bad host%s", url, "");
		return -1;
	}
	memcpy(u->host, h, hl);
	if (port) {
		size_t pl = (size_t)(end - port);
		if (pl == 0 || pl > 5 || strspn(port, "0123456789") < pl) {
			seterr(err, errlen, "invalid server URL %s: bad port%s", url, "");
			return -1;
		}
		memcpy(u->port, port, pl);
		long n = strtol(u->port, NULL, 10);
		if (n < 1 || n > 65535) {
			seterr(err, errlen, "invalid server URL %s: bad port%s", url, "");
			return -1;
		}
	} else {
		strcpy(u->port, "80");
	}
	return 0;
}

int http_url_is_loopback(const struct http_url *u)
{
	if (u->is_unix)
		return 0;
	return strcasecmp(u->host, "localhost") == 0 || strncmp(u->host, "127.", 4) == 0 ||
	       strcmp(u->host, "::1") == 0;
}

/* ---------------------------------------------------------------- transport */

static long long now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(long long deadline)
{
	long long r = deadline - now_ms();
	if (r <= 0)
		return 0;
	return r > 1000000000 ? 1000000000 : (int)r;
}

/* Waits for events on fd until the deadline: 1 ready, 0 timeout, -1 error (errno). */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		int ms = remaining(deadline);
		if (ms == 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
		int r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		return 1;
	}
}

/* Non-blocking connect finished by poll. Returns 0 or an http_error. */
static int connect_fd(int fd, const struct sockaddr *sa, socklen_t salen, long long deadline,
		      char *err, size_t errlen, const char *what)
{
	if (connect(fd, sa, salen) == 0)
		return HTTP_OK;
	if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR) {
		seterr(err, errlen, "connect %s: %s", what, strerror(errno));
		return HTTP_ERR_CONNECT;
	}
	int r = wait_fd(fd, POLLOUT, deadline);
	if (r == 0) {
		seterr(err, errlen, "connect %s: timed out%s", what, "");
		return HTTP_ERR_TIMEOUT;
	}
	if (r < 0) {
		seterr(err, errlen, "connect %s: %s", what, strerror(errno));
		return HTTP_ERR_CONNECT;
	}
	int soerr = 0;
	socklen_t l = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l) != 0)
		soerr = errno;
	if (soerr) {
		seterr(err, errlen, "connect %s: %s", what, strerror(soerr));
		return HTTP_ERR_CONNECT;
	}
	return HTTP_OK;
}

static int open_connection(const struct http_url *u, long long deadline, int *out, char *err, size_t errlen)
{
	if (u->is_unix) {
		struct sockaddr_un sa;
		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, u->path, strlen(u->path));
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			seterr(err, errlen, "socket: %s%s", strerror(errno), "");
			return HTTP_ERR_CONNECT;
		}
		int r = connect_fd(fd, (struct sockaddr *)&sa, sizeof sa, deadline, err, errlen, u->path);
		if (r != HTTP_OK) {
			close(fd);
			return r;
		}
		*out = fd;
		return HTTP_OK;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int g = getaddrinfo(u->host, u->port, &hints, &res);
	if (g != 0) {
		seterr(err, errlen, "resolve %s: %s", u->host, gai_strerror(g));
		return HTTP_ERR_CONNECT;
	}
	int rc = HTTP_ERR_CONNECT;
	char what[300];
	snprintf(what, sizeof what, "%s:%s", u->host, u->port);
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			seterr(err, errlen, "socket: %s%s", strerror(errno), "");
			continue;
		}
		rc = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline, err, errlen, what);
		if (rc == HTTP_OK) {
			*out = fd;
			break;
		}
		close(fd);
		if (rc == HTTP_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	return rc;
}

static int send_all(int fd, const char *p, size_t n, long long deadline, char *err, size_t errlen)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = wait_fd(fd, POLLOUT, deadline);
			if (r == 0) {
				seterr(err, errlen, "sending the request: timed out%s%s", "", "");
				return HTTP_ERR_TIMEOUT;
			}
			if (r < 0)
				break;
			continue;
		}
		break;
	}
	if (n > 0) {
		seterr(err, errlen, "sending the request: %s%s", strerror(errno), "");
		return HTTP_ERR_IO;
	}
	return HTTP_OK;
}

/* ---------------------------------------------------------------- response parsing */

struct head {
	int status;
	char reason[64];
	long long content_length; /* -1 when absent */
	int chunked;
	size_t head_len;          /* bytes up to and including the blank line */
};

static const char *find_crlfcrlf(const char *p, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
			return p + i;
	return NULL;
}

static int header_is(const char *line, size_t n, const char *name, const char **value, size_t *vlen)
{
	size_t nl = strlen(name);
	if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return 0;
	const char *v = line + nl + 1;
	const char *e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*value = v;
	*vlen = (size_t)(e - v);
	return 1;
}

/* Parses the status line and headers in p[0..n) which ends with CRLFCRLF. */
static int parse_head(const char *p, size_t n, struct head *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof *h);
	h->content_length = -1;
	h->head_len = n;
	const char *end = p + n - 4;
	const char *eol = memchr(p, '\r', (size_t)(end - p) + 1);
	if (!eol)
		eol = end;
	size_t ll = (size_t)(eol - p);
	if (ll < 12 || (strncmp(p, "HTTP/1.1 ", 9) != 0 && strncmp(p, "HTTP/1.0 ", 9) != 0) ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
	    (ll > 12 && p[12] != ' ')) {
		seterr(err, errlen, "malformed HTTP status line%s%s", "", "");
		return HTTP_ERR_PROTO;
	}
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (ll > 13) {
		size_t rl = ll - 13;
		if (rl >= sizeof h->reason)
			rl = sizeof h->reason - 1;
		memcpy(h->reason, p + 13, rl);
		for (size_t i = 0; i < rl; i++)
			if ((unsigned char)h->reason[i] < 0x20)
				h->reason[i] = '?';
	}
	const char *line = eol + 2;
	while (line < end + 2 && line < p + n) {
		const char *le = line;
		while (le < p + n && *le != '\r')
			le++;
		size_t len = (size_t)(le - line);
		if (len == 0)
			break;
		const char *v;
		size_t vl;
		if (header_is(line, len, "Content-Length", &v, &vl)) {
			if (vl == 0 || vl > 15 || strspn(v, "0123456789") < vl) {
				seterr(err, errlen, "malformed Content-Length%s%s", "", "");
				return HTTP_ERR_PROTO;
			}
			long long cl = 0;
			for (size_t i = 0; i < vl; i++)
				cl = cl * 10 + (v[i] - '0');
			if (h->content_length >= 0 && h->content_length != cl) {
				seterr(err, errlen, "conflicting Content-Length headers%s%s", "", "");
				return HTTP_ERR_PROTO;
			}
			h->content_length = cl;
		} else if (header_is(line, len, "Transfer-Encoding", &v, &vl)) {
			if (vl == 7 && strncasecmp(v, "chunked", 7) == 0) {
				h->chunked = 1;
			} else if (!(vl == 8 && strncasecmp(v, "identity", 8) == 0)) {
				seterr(err, errlen, "unsupported Transfer-Encoding%s%s", "", "");
				return HTTP_ERR_PROTO;
			}
		}
		line = le + 2;
	}
	if (h->chunked)
		h->content_length = -1;
	return HTTP_OK;
}

/* Decodes a chunked body. 1: complete (out filled), 0: needs more data, -1: malformed. */
static int dechunk(const char *p, size_t n, struct buf *out)
{
	size_t i = 0;
	out->len = 0;
	for (;;) {
		size_t size = 0, digits = 0;
		while (i < n) {
			char c = p[i];
			int d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			if (++digits > 12)
				return -1;
			size = size * 16 + (size_t)d;
			i++;
		}
		if (i >= n)
			return 0;
		if (digits == 0)
			return -1;
		/* skip chunk extensions up to CRLF */
		while (i < n && p[i] != '\r')
			i++;
		if (i + 1 >= n)
			return 0;
		if (p[i + 1] != '\n')
			return -1;
		i += 2;
		if (size == 0) {
			/* trailers, then an empty line */
			for (;;) {
				size_t ls = i;
				while (i < n && p[i] != '\r')
					i++;
				if (i + 1 >= n)
					return 0;
				if (p[i + 1] != '\n')
					return -1;
				i += 2;
				if (i - 2 == ls)
					return 1;
			}
		}
		if (size > HTTP_MAX_BODY || n - i < size + 2)
			return size > HTTP_MAX_BODY ? -1 : 0;
		buf_append(out, p + i, size);
		i += size;
		if (p[i] != '\r' || p[i + 1] != '\n')
			return -1;
		i += 2;
	}
}

static int no_body_status(int status)
{
	return (status >= 100 && status < 200) || status == 204 || status == 304;
}

int http_request(const struct http_url *u, const char *method, const char *path,
		 const char *headers, const char *body, size_t body_len, int timeout_ms,
		 struct http_response *resp, char *err, size_t errlen)
{
	memset(resp, 0, sizeof *resp);
	buf_init(&resp->body);
	if (err && errlen)
		err[0] = '\0';
	if (!path || path[0] != '/' || strpbrk(path, " \r\n") || strpbrk(method, " \r\n")) {
		seterr(err, errlen, "invalid request path%s%s", "", "");
		return HTTP_ERR_ARG;
	}
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	int fd = -1;
	int rc = open_connection(u, deadline, &fd, err, errlen);
	if (rc != HTTP_OK)
		return rc;

	struct buf req;
	buf_init(&req);
	buf_printf(&req, "%s %s HTTP/1.1\r\n", method, path);
	if (u->is_unix)
		buf_puts(&req, "Host: localhost\r\n");
	else if (strchr(u->host, ':'))
		buf_printf(&req, "Host: [%s]:%s\r\n", u->host, u->port);
	else
		buf_printf(&req, "Host: %s:%s\r\n", u->host, u->port);
	buf_puts(&req, "User-Agent: agentsh-native\r\nAccept: application/json\r\nConnection: close\r\n");
	if (headers)
		buf_puts(&req, headers);
	if (body) {
		buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", body_len);
		buf_append(&req, body, body_len);
	} else {
		buf_puts(&req, "\r\n");
	}
	rc = send_all(fd, req.data, req.len, deadline, err, errlen);
	buf_free(&req);
	if (rc != HTTP_OK) {
		close(fd);
		return rc;
	}

	struct buf in;
	buf_init(&in);
	struct head h;
	int have_head = 0, done = 0;
	rc = HTTP_OK;
	while (!done) {
		buf_reserve(&in, 65536);
		ssize_t r = recv(fd, in.data + in.len, in.cap - in.len - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = wait_fd(fd, POLLIN, deadline);
			if (w == 0) {
				seterr(err, errlen, "no complete answer within %s%s", "the time limit", "");
				rc = HTTP_ERR_TIMEOUT;
				break;
			}
			if (w < 0) {
				seterr(err, errlen, "reading the answer: %s%s", strerror(errno), "");
				rc = HTTP_ERR_IO;
				break;
			}
			continue;
		}
		if (r < 0) {
			seterr(err, errlen, "reading the answer: %s%s", strerror(errno), "");
			rc = HTTP_ERR_IO;
			break;
		}
		int eof = (r == 0);
		in.len += (size_t)r;
		if (!have_head) {
			const char *e = find_crlfcrlf(in.data, in.len);
			if (!e) {
				if (in.len > HTTP_MAX_HEAD) {
					seterr(err, errlen, "answer headers too large%s%s", "", "");
					rc = HTTP_ERR_PROTO;
					break;
				}
				if (eof) {
					seterr(err, errlen, in.len ? "connection closed inside the answer headers%s%s"
								   : "connection closed without an answer%s%s", "", "");
					rc = in.len ? HTTP_ERR_PROTO : HTTP_ERR_IO;
					break;
				}
				continue;
			}
			rc = parse_head(in.data, (size_t)(e - in.data) + 4, &h, err, errlen);
			if (rc != HTTP_OK)
				break;
			if (h.status < 200) {
				seterr(err, errlen, "unexpected informational answer%s%s", "", "");
				rc = HTTP_ERR_PROTO;
				break;
			}
			have_head = 1;
		}
		size_t blen = in.len - h.head_len;
		const char *bp = in.data + h.head_len;
		if (blen > HTTP_MAX_BODY) {
			seterr(err, errlen, "answer body too large%s%s", "", "");
			rc = HTTP_ERR_PROTO;
			break;
		}
		if (no_body_status(h.status)) {
			done = 1;
		} else if (h.content_length >= 0) {
			if ((unsigned long long)h.content_length > HTTP_MAX_BODY) {
				seterr(err, errlen, "answer body too large%s%s", "", "");
				rc = HTTP_ERR_PROTO;
				break;
			}
			if (blen >= (size_t)h.content_length) {
				buf_append(&resp->body, bp, (size_t)h.content_length);
				done = 1;
			} else if (eof) {
				seterr(err, errlen, "connection closed before the full answer body%s%s", "", "");
				rc = HTTP_ERR_IO;
				break;
			}
		} else if (h.chunked) {
			int d = 0;
			/* try to finish only when the data could end a chunked body */
			if (blen >= 5 && memcmp(in.data + in.len - 4, "\r\n\r\n", 4) == 0)
				d = dechunk(bp, blen, &resp->body);
			if (d < 0 || (eof && d == 0 && (d = dechunk(bp, blen, &resp->body)) <= 0)) {
				seterr(err, errlen, d < 0 ? "malformed chunked body%s%s" : "connection closed inside a chunked body%s%s", "", "");
				rc = d < 0 ? HTTP_ERR_PROTO : HTTP_ERR_IO;
				break;
			}
			if (d == 1)
				done = 1;
		} else if (eof) {
			buf_append(&resp->body, bp, blen);
			done = 1;
		}
		if (eof && !done) {
			seterr(err, errlen, "connection closed early%s%s", "", "");
			rc = HTTP_ERR_IO;
			break;
		}
	}
	close(fd);
	buf_free(&in);
	if (rc != HTTP_OK) {
		buf_free(&resp->body);
		return rc;
	}
	resp->status = h.status;
	snprintf(resp->reason, sizeof resp->reason, "%s", h.reason);
	buf_cstr(&resp->body);
	return HTTP_OK;
}

void http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}
