/* Strict JSON reader/writer and a byte buffer. See json.h. */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int json_oom_exit_status = 1;

static void oom(void)
{
	static const char msg[] = "agentsh: out of memory\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)r;
	_exit(json_oom_exit_status);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

/* ---------------------------------------------------------------- buffer */

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reserve(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		oom();
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			oom();
		cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *buf_cstr(struct buf *b)
{
	buf_reserve(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

/* ---------------------------------------------------------------- UTF-8 */

size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static void utf8_encode(struct buf *b, unsigned cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(b, out, n);
}

/* ---------------------------------------------------------------- reader */

struct parser {
	const unsigned char *p;
	const unsigned char *start;
	const unsigned char *end;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct parser *ps, const char *what)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "%s at offset %zu", what, (size_t)(ps->p - ps->start));
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json *new_value(enum json_type t)
{
	struct json *v = xrealloc(NULL, sizeof *v);
	memset(v, 0, sizeof *v);
	v->type = t;
	return v;
}

static int hex4(struct parser *ps, unsigned *out)
{
	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return 0;
	}
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = ps->p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else {
			fail(ps, "bad hex digit in \\u escape");
			return 0;
		}
	}
	ps->p += 4;
	*out = v;
	return 1;
}

/* Parses a string starting at the opening quote into b. */
static int parse_string_into(struct parser *ps, struct buf *b)
{
	ps->p++; /* opening quote */
	for (;;) {
		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			return 0;
		}
		unsigned char c = *ps->p;
		if (c == '"') {
			ps->p++;
			return 1;
		}
		if (c < 0x20) {
			fail(ps, "control character in string");
			return 0;
		}
		if (c == '\\') {
			ps->p++;
			if (ps->p >= ps->end) {
				fail(ps, "unterminated escape");
				return 0;
			}
			char e = (char)*ps->p++;
			switch (e) {
			case '"': buf_putc(b, '"'); break;
			case '\\': buf_putc(b, '\\'); break;
			case '/': buf_putc(b, '/'); break;
			case 'b': buf_putc(b, '\b'); break;
			case 'f': buf_putc(b, '\f'); break;
			case 'n': buf_putc(b, '\n'); break;
			case 'r': buf_putc(b, '\r'); break;
			case 't': buf_putc(b, '\t'); break;
			case 'u': {
				unsigned u;
				if (!hex4(ps, &u))
					return 0;
				if (u >= 0xD800 && u <= 0xDBFF) {
					unsigned lo;
					if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
						fail(ps, "unpaired high surrogate");
						return 0;
					}
					ps->p += 2;
					if (!hex4(ps, &lo))
						return 0;
					if (lo < 0xDC00 || lo > 0xDFFF) {
						fail(ps, "high surrogate not followed by a low surrogate");
						return 0;
					}
					utf8_encode(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				} else if (u >= 0xDC00 && u <= 0xDFFF) {
					/* surrogateescape: a raw byte that was not UTF-8 */
					if (u < 0xDC80 || u > 0xDCFF) {
						fail(ps, "unpaired low surrogate");
						return 0;
					}
					buf_putc(b, (char)(u - 0xDC00));
				} else {
					utf8_encode(b, u);
				}
				break;
			}
			default:
				ps->p--;
				fail(ps, "invalid escape");
				return 0;
			}
			continue;
		}
		if (c < 0x80) {
			/* copy a run of plain ASCII at once */
			const unsigned char *q = ps->p;
			while (q < ps->end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
				q++;
			buf_append(b, ps->p, (size_t)(q - ps->p));
			ps->p = q;
			continue;
		}
		unsigned cp;
		size_t n = utf8_decode(ps->p, (size_t)(ps->end - ps->p), &cp);
		if (!n) {
			fail(ps, "invalid UTF-8 in string");
			return 0;
		}
		buf_append(b, ps->p, n);
		ps->p += n;
	}
}

static int is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static struct json *parse_number(struct parser *ps)
{
	const unsigned char *s = ps->p;
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (!is_digit(ps)) {
		fail(ps, "invalid number");
		return NULL;
	}
	if (*ps->p == '0') {
		ps->p++;
		if (is_digit(ps)) {
			fail(ps, "leading zero in number");
			return NULL;
		}
	} else {
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "digit expected after decimal point");
			return NULL;
		}
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "digit expected in exponent");
			return NULL;
		}
		while (is_digit(ps))
			ps->p++;
	}
	struct json *v = new_value(JSON_NUMBER);
	v->len = (size_t)(ps->p - s);
	v->str = xrealloc(NULL, v->len + 1);
	memcpy(v->str, s, v->len);
	v->str[v->len] = '\0';
	v->num = strtod(v->str, NULL); /* the grammar was checked above; C locale */
	return v;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		fail(ps, "invalid literal");
		return 0;
	}
	ps->p += n;
	return 1;
}

static struct json *parse_value(struct parser *ps, int depth);

static struct json *parse_array(struct parser *ps, int depth)
{
	struct json *v = new_value(JSON_ARRAY);
	size_t cap = 0;
	ps->p++; /* [ */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return v;
	}
	for (;;) {
		struct json *item = parse_value(ps, depth + 1);
		if (!item)
			goto bad;
		if (v->count == cap) {
			cap = cap ? cap * 2 : 8;
			v->items = xrealloc(v->items, cap * sizeof *v->items);
		}
		v->items[v->count++] = item;
		skip_ws(ps);
		if (ps->p >= ps->end) {
			fail(ps, "unterminated array");
			goto bad;
		}
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == ']') {
			ps->p++;
			return v;
		}
		fail(ps, "expected ',' or ']' in array");
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json *parse_object(struct parser *ps, int depth)
{
	struct json *v = new_value(JSON_OBJECT);
	size_t cap = 0;
	ps->p++; /* { */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return v;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail(ps, "expected string key in object");
			goto bad;
		}
		struct buf key;
		buf_init(&key);
		const unsigned char *key_at = ps->p;
		if (!parse_string_into(ps, &key)) {
			buf_free(&key);
			goto bad;
		}
		buf_cstr(&key);
		for (size_t i = 0; i < v->count; i++) {
			if (v->members[i].key_len == key.len && memcmp(v->members[i].key, key.data, key.len) == 0) {
				ps->p = key_at;
				fail(ps, "duplicate object key");
				buf_free(&key);
				goto bad;
			}
		}
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			fail(ps, "expected ':' after object key");
			buf_free(&key);
			goto bad;
		}
		ps->p++;
		struct json *val = parse_value(ps, depth + 1);
		if (!val) {
			buf_free(&key);
			goto bad;
		}
		if (v->count == cap) {
			cap = cap ? cap * 2 : 8;
			v->members = xrealloc(v->members, cap * sizeof *v->members);
		}
		v->members[v->count].key = key.data;
		v->members[v->count].key_len = key.len;
		v->members[v->count].value = val;
		v->count++;
		skip_ws(ps);
		if (ps->p >= ps->end) {
			fail(ps, "unterminated object");
			goto bad;
		}
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == '}') {
			ps->p++;
			return v;
		}
		fail(ps, "expected ',' or '}' in object");
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	if (depth >= JSON_MAX_DEPTH) {
		fail(ps, "nesting too deep");
		return NULL;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_object(ps, depth);
	case '[':
		return parse_array(ps, depth);
	case '"': {
		struct buf b;
		buf_init(&b);
		if (!parse_string_into(ps, &b)) {
			buf_free(&b);
			return NULL;
		}
		struct json *v = new_value(JSON_STRING);
		v->str = buf_cstr(&b);
		v->len = b.len;
		return v;
	}
	case 't':
		return literal(ps, "true") ? new_value(JSON_TRUE) : NULL;
	case 'f':
		return literal(ps, "false") ? new_value(JSON_FALSE) : NULL;
	case 'n':
		return literal(ps, "null") ? new_value(JSON_NULL) : NULL;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps);
		fail(ps, "unexpected character");
		return NULL;
	}
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = {
		.p = (const unsigned char *)text,
		.start = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
		.err = err,
		.errlen = errlen,
		.failed = 0,
	};
	if (err && errlen)
		err[0] = '\0';
	if (!text) {
		fail(&ps, "no input");
		return NULL;
	}
	struct json *v = parse_value(&ps, 0);
	if (!v)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "trailing characters after JSON value");
		json_free(v);
		return NULL;
	}
	return v;
}

void json_free(struct json *v)
{
	if (!v)
		return;
	for (size_t i = 0; v->items && i < v->count; i++)
		json_free(v->items[i]);
	for (size_t i = 0; v->members && i < v->count; i++) {
		free(v->members[i].key);
		json_free(v->members[i].value);
	}
	free(v->items);
	free(v->members);
	free(v->str);
	free(v);
}

const struct json *json_get(const struct json *v, const char *key)
{
	if (!v || v->type != JSON_OBJECT)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < v->count; i++)
		if (v->members[i].key_len == n && memcmp(v->members[i].key, key, n) == 0)
			return v->members[i].value;
	return NULL;
}

const char *json_get_str(const struct json *v, const char *key, size_t *len)
{
	const struct json *s = json_get(v, key);
	if (!s || s->type != JSON_STRING)
		return NULL;
	if (len)
		*len = s->len;
	return s->str;
}

int json_as_int(const struct json *v, long long *out)
{
	if (!v || v->type != JSON_NUMBER)
		return 0;
	/* only plain integer literals: no fraction, no exponent */
	for (size_t i = 0; i < v->len; i++)
		if (v->str[i] == '.' || v->str[i] == 'e' || v->str[i] == 'E')
			return 0;
	errno = 0;
	char *end;
	long long n = strtoll(v->str, &end, 10);
	if (errno || *end)
		return 0;
	*out = n;
	return 1;
}

int json_str_is_c(const struct json *v)
{
	return v && v->type == JSON_STRING && memchr(v->str, '\0', v->len) == NULL;
}

/* ---------------------------------------------------------------- writer */

static const char hexdig[] = "0123456789abcdef";

static void put_u(struct buf *b, unsigned u)
{
	char e[6] = { '\\', 'u', hexdig[(u >> 12) & 15], hexdig[(u >> 8) & 15], hexdig[(u >> 4) & 15], hexdig[u & 15] };
	buf_append(b, e, 6);
}

void json_write_string(struct buf *b, const char *s, size_t n, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_reserve(b, n + 2);
	buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			unsigned cp;
			size_t k = utf8_decode(p + i, n - i, &cp);
			if (!k) {
				put_u(b, 0xDC00 + c); /* surrogateescape */
				i++;
			} else if ((flags & JSON_ESC_HTML) && (cp == 0x2028 || cp == 0x2029)) {
				put_u(b, cp);
				i += k;
			} else {
				buf_append(b, p + i, k);
				i += k;
			}
			continue;
		}
		switch (c) {
		case '"': buf_append(b, "\\\"", 2); break;
		case '\\': buf_append(b, "\\\\", 2); break;
		case '\n': buf_append(b, "\\n", 2); break;
		case '\r': buf_append(b, "\\r", 2); break;
		case '\t': buf_append(b, "\\t", 2); break;
		default:
			if (c < 0x20 || ((flags & JSON_ESC_HTML) && (c == '<' || c == '>' || c == '&')))
				put_u(b, c);
			else
				buf_putc(b, (char)c);
		}
		i++;
	}
	buf_putc(b, '"');
}

static void newline_indent(struct buf *b, int indent, int level)
{
	buf_putc(b, '\n');
	for (int i = 0; i < indent * level; i++)
		buf_putc(b, ' ');
}

static void write_value(struct buf *b, const struct json *v, int indent, int flags, int level)
{
	switch (v->type) {
	case JSON_NULL: buf_puts(b, "null"); return;
	case JSON_TRUE: buf_puts(b, "true"); return;
	case JSON_FALSE: buf_puts(b, "false"); return;
	case JSON_NUMBER: buf_append(b, v->str, v->len); return;
	case JSON_STRING: json_write_string(b, v->str, v->len, flags); return;
	case JSON_ARRAY:
		buf_putc(b, '[');
		for (size_t i = 0; i < v->count; i++) {
			if (i)
				buf_putc(b, ',');
			if (indent)
				newline_indent(b, indent, level + 1);
			write_value(b, v->items[i], indent, flags, level + 1);
		}
		if (indent && v->count)
			newline_indent(b, indent, level);
		buf_putc(b, ']');
		return;
	case JSON_OBJECT:
		buf_putc(b, '{');
		for (size_t i = 0; i < v->count; i++) {
			if (i)
				buf_putc(b, ',');
			if (indent)
				newline_indent(b, indent, level + 1);
			json_write_string(b, v->members[i].key, v->members[i].key_len, flags);
			buf_putc(b, ':');
			if (indent)
				buf_putc(b, ' ');
			write_value(b, v->members[i].value, indent, flags, level + 1);
		}
		if (indent && v->count)
			newline_indent(b, indent, level);
		buf_putc(b, '}');
		return;
	}
}

void json_write(struct buf *b, const struct json *v, int indent, int flags)
{
	write_value(b, v, indent, flags, 0);
}
