/* A tiny HTTP/1.1 client: one request per connection ("Connection: close"), over a unix
 * socket or TCP, with one deadline for connect + send + receive. Shared by the shim and the
 * agentsh front end. */
#ifndef AGENTSH_HTTP_H
#define AGENTSH_HTTP_H

#include <stddef.h>
#include "json.h"

struct http_url {
	int is_unix;
	char path[108];   /* unix socket path (sun_path size) */
	char host[256];   /* TCP host (brackets stripped for IPv6 literals) */
	char port[8];
	char display[512]; /* what to show in messages: the URL as given */
};

/* Accepts http://host[:port][/] and unix:///path. Returns 0, or -1 with a message in err. */
int http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen);
/* 1 when the URL is TCP on a loopback host (localhost, 127.x, ::1). */
int http_url_is_loopback(const struct http_url *u);

struct http_response {
	int status;
	char reason[64];
	struct buf body;
};

enum http_error {
	HTTP_OK = 0,
	HTTP_ERR_CONNECT = 1, /* nothing listening, no socket, refused: the server is down */
	HTTP_ERR_TIMEOUT = 2,
	HTTP_ERR_IO = 3,      /* connection broke mid-exchange */
	HTTP_ERR_PROTO = 4,   /* the answer is not HTTP we understand */
	HTTP_ERR_ARG = 5,
};

#define HTTP_MAX_HEAD (64 * 1024)
#define HTTP_MAX_BODY ((size_t)256 * 1024 * 1024)

/* Sends one request and reads the whole answer. headers: extra "Name: value\r\n" lines or
 * NULL. body may be NULL (no body). On success fills resp (caller frees resp->body) and
 * returns HTTP_OK; otherwise an http_error with a message in err. */
int http_request(const struct http_url *u, const char *method, const char *path,
		 const char *headers, const char *body, size_t body_len, int timeout_ms,
		 struct http_response *resp, char *err, size_t errlen);

void http_response_free(struct http_response *resp);

/* Standard reason phrase for a status, e.g. "Not Found" (Go's http.StatusText). */
const char *http_status_text(int status);

#endif
