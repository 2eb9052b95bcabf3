/* A minimal, single-threaded stand-in daemon for measuring the shim's own overhead: it
 * answers every POST /api/v1/shim/exec with "exec the real shell with the caller's argv, env
 * and cwd", as fast as it can. Usage: bench_daemon SOCKET */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"

static void str(struct buf *b, const struct json *v)
{
	json_write(b, v, 0, 0);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (s < 0 || strlen(argv[1]) >= sizeof sa.sun_path)
		return 2;
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 128) != 0) {
		perror("bench_daemon");
		return 2;
	}
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		struct buf in;
		buf_init(&in);
		size_t want = 0, head = 0;
		for (;;) {
			buf_reserve(&in, 65536);
			ssize_t r = read(c, in.data + in.len, in.cap - in.len - 1);
			if (r <= 0)
				break;
			in.len += (size_t)r;
			buf_cstr(&in);
			if (!head) {
				char *e = strstr(in.data, "\r\n\r\n");
				if (!e)
					continue;
				head = (size_t)(e - in.data) + 4;
				char *cl = strcasestr(in.data, "Content-Length:");
				want = cl ? strtoul(cl + 15, NULL, 10) : 0;
			}
			if (in.len >= head + want)
				break;
		}
		struct json *req = head ? json_parse(in.data + head, want, NULL, 0) : NULL;
		struct buf body, out;
		buf_init(&body);
		buf_init(&out);
		if (req) {
			buf_puts(&body, "{\"action\":\"exec\",\"path\":");
			str(&body, json_get(req, "real_shell"));
			buf_puts(&body, ",\"argv\":[");
			str(&body, json_get(req, "shell"));
			const struct json *args = json_get(req, "args");
			for (size_t i = 0; args && i < args->count; i++) {
				buf_putc(&body, ',');
				str(&body, args->items[i]);
			}
			buf_puts(&body, "],\"env\":");
			str(&body, json_get(req, "env"));
			buf_puts(&body, ",\"cwd\":");
			str(&body, json_get(req, "cwd"));
			buf_puts(&body, "}\n");
			buf_printf(&out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", body.len);
			buf_append(&out, body.data, body.len);
		} else {
			buf_puts(&out, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
		}
		ssize_t w = write(c, out.data, out.len);
		(void)w;
		close(c);
		json_free(req);
		buf_free(&in);
		buf_free(&body);
		buf_free(&out);
	}
}
