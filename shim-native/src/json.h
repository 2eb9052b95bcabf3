/* A small, strict JSON reader and writer, shared by the shell shim and the agentsh front end.
 *
 * Reader: RFC 8259 grammar, UTF-8 validated, nesting depth limited, duplicate object keys and
 * trailing garbage rejected. Strings are decoded to bytes (they may contain NUL, so every
 * string carries its length).
 *
 * Bytes that are not UTF-8: JSON can only carry Unicode text, but argv and environment entries
 * are arbitrary bytes. The writer sends such a byte B (0x80..0xFF) as the lone surrogate
 * escape \udcB ("surrogateescape", as Python does), and the reader turns a lone \udc80..\udcff
 * back into the byte, so a round trip through the daemon is byte-exact. Every other lone
 * surrogate is an error.
 */
#ifndef AGENTSH_JSON_H
#define AGENTSH_JSON_H

#include <stddef.h>

/* A growable byte buffer; running out of memory ends the process (see buf.c note in json.c). */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates the contents (not counted in len) and returns data. */
char *buf_cstr(struct buf *b);

/* Exit status used when an allocation fails; the shim sets 126 (fail closed). */
extern int json_oom_exit_status;

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json;

struct json_member {
	char *key;
	size_t key_len;
	struct json *value;
};

struct json {
	enum json_type type;
	char *str;       /* STRING: decoded bytes, NUL-terminated; NUMBER: the literal text */
	size_t len;      /* length of str */
	double num;      /* NUMBER */
	size_t count;    /* ARRAY: items; OBJECT: members */
	struct json **items;
	struct json_member *members;
};

#define JSON_MAX_DEPTH 128

/* Parses exactly one JSON value (surrounding whitespace allowed). Returns NULL and a message
 * with the byte offset in err on any error. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *v);

/* Object member lookup; NULL when v is not an object or has no such key. */
const struct json *json_get(const struct json *v, const char *key);
/* The string value of member key, or NULL when missing or not a string. */
const char *json_get_str(const struct json *v, const char *key, size_t *len);
/* 1 and *out when v is a number with an integral value that fits, else 0. */
int json_as_int(const struct json *v, long long *out);
/* 1 when the string contains no NUL byte (usable as a C string for argv/env/paths). */
int json_str_is_c(const struct json *v);

/* Writer. Flags: */
#define JSON_ESC_HTML 1  /* also escape < > & U+2028 U+2029 as Go's encoding/json does */
void json_write_string(struct buf *b, const char *s, size_t n, int flags);
/* Writes v back out; indent > 0 pretty-prints like Go's MarshalIndent(v, "", "  "), keeping
 * member order; numbers are written as their original literal. */
void json_write(struct buf *b, const struct json *v, int indent, int flags);

/* UTF-8 helpers. Returns the length of a valid UTF-8 sequence at s (1..4) and its code point,
 * or 0 when the bytes at s are not valid UTF-8. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
