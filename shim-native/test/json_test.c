/* Unit tests of the JSON reader/writer. Prints "PASS name" / "FAIL name: why" per case and
 * exits non-zero on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int failures;

static void result(int ok, const char *name, const char *why)
{
	if (ok)
		printf("PASS json: %s\n", name);
	else {
		printf("FAIL json: %s: %s\n", name, why);
		failures++;
	}
}

static struct json *parse(const char *s, size_t n, char *err)
{
	return json_parse(s, n, err, 128);
}

static void rejects(const char *name, const char *s, size_t n)
{
	char err[128];
	struct json *v = parse(s, n, err);
	result(v == NULL && err[0] != '\0', name, v ? "accepted" : "no error message");
	json_free(v);
}
#define REJECT(name, lit) rejects(name, lit, sizeof(lit) - 1)

/* Parses s, expects a string with exactly the bytes want[0..wn). */
static void string_is(const char *name, const char *s, const char *want, size_t wn)
{
	char err[128];
	struct json *v = parse(s, strlen(s), err);
	int ok = v && v->type == JSON_STRING && v->len == wn && memcmp(v->str, want, wn) == 0 && v->str[wn] == '\0';
	result(ok, name, v ? "wrong bytes" : err);
	json_free(v);
}
#define STRING_IS(name, s, lit) string_is(name, s, lit, sizeof(lit) - 1)

static void writes(const char *name, const char *in, int indent, int flags, const char *want)
{
	char err[128];
	struct json *v = parse(in, strlen(in), err);
	struct buf b;
	buf_init(&b);
	if (v)
		json_write(&b, v, indent, flags);
	int ok = v && b.len == strlen(want) && memcmp(b.data, want, b.len) == 0;
	if (!ok && v)
		fprintf(stderr, "got: %.*s\n", (int)b.len, b.data);
	result(ok, name, v ? "different output" : err);
	buf_free(&b);
	json_free(v);
}

static void test_values(void)
{
	char err[128];
	struct json *v;
	const char *doc = " {\"action\":\"exec\",\"argv\":[\"bash\",\"-c\",\"echo hi\"],\"n\":-12,\"f\":1.5e3,"
			  "\"t\":true,\"fa\":false,\"nu\":null,\"o\":{},\"a\":[]} \n";
	v = parse(doc, strlen(doc), err);
	result(v && v->type == JSON_OBJECT && v->count == 9, "object parses", err);
	const struct json *argv = json_get(v, "argv");
	result(argv && argv->type == JSON_ARRAY && argv->count == 3 && !strcmp(argv->items[2]->str, "echo hi"),
	       "array of strings", "wrong argv");
	long long n = 0;
	result(json_as_int(json_get(v, "n"), &n) && n == -12, "integer", "wrong int");
	result(!json_as_int(json_get(v, "f"), &n) && json_get(v, "f")->num == 1500.0, "float not an int", "1.5e3");
	result(json_get(v, "t")->type == JSON_TRUE && json_get(v, "fa")->type == JSON_FALSE &&
	       json_get(v, "nu")->type == JSON_NULL, "literals", "wrong type");
	result(json_get(v, "missing") == NULL && json_get_str(v, "n", NULL) == NULL, "lookup misses", "found");
	result(!strcmp(json_get_str(v, "action", NULL), "exec"), "get_str", "wrong");
	json_free(v);

	const char *nums[] = { "0", "-0", "1", "-1", "0.5", "1e9", "1E+9", "1e-9", "-1.25E-3", "123456789012" };
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		struct json *x = parse(nums[i], strlen(nums[i]), err);
		char name[64];
		snprintf(name, sizeof name, "number %s", nums[i]);
		result(x && x->type == JSON_NUMBER && !strcmp(x->str, nums[i]), name, err);
		json_free(x);
	}
	v = parse("99999999999999999999", 20, err);
	result(v && !json_as_int(v, &n), "int overflow is not an int", "accepted");
	json_free(v);

	char deep[600];
	int d = JSON_MAX_DEPTH;
	memset(deep, '[', (size_t)d);
	memset(deep + d, ']', (size_t)d);
	v = parse(deep, (size_t)(2 * d), err);
	result(v != NULL, "nesting at the depth limit", err);
	json_free(v);
	memset(deep, '[', (size_t)d + 1);
	memset(deep + d + 1, ']', (size_t)d + 1);
	v = parse(deep, (size_t)(2 * d + 2), err);
	result(v == NULL && strstr(err, "deep"), "nesting beyond the limit", "accepted");
	json_free(v);
}

static void test_strings(void)
{
	STRING_IS("simple escapes", "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t");
	STRING_IS("\\u ASCII", "\"\\u0041\\u007a\"", "Az");
	STRING_IS("\\u two-byte", "\"\\u00e9\"", "\xc3\xa9");
	STRING_IS("\\u three-byte", "\"\\u20AC\"", "\xe2\x82\xac");
	STRING_IS("surrogate pair", "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
	STRING_IS("highest pair", "\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf");
	STRING_IS("NUL inside", "\"a\\u0000b\"", "a\0b");
	STRING_IS("raw UTF-8", "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"", "h\xc3\xa9llo \xf0\x9f\x98\x80");
	STRING_IS("surrogateescape byte", "\"\\udcff\\udc80x\"", "\xff\x80x");
	STRING_IS("empty", "\"\"", "");
	char err[128];
	struct json *v = parse("\"a\\u0000b\"", 10, err);
	result(v && !json_str_is_c(v), "NUL string is not a C string", "accepted");
	json_free(v);
}

static void test_malformed(void)
{
	REJECT("empty input", "");
	REJECT("only whitespace", "  \n ");
	REJECT("unterminated object", "{");
	REJECT("unterminated array", "[1,2");
	REJECT("trailing comma in array", "[1,]");
	REJECT("trailing comma in object", "{\"a\":1,}");
	REJECT("missing colon", "{\"a\" 1}");
	REJECT("unquoted key", "{a:1}");
	REJECT("single quotes", "'x'");
	REJECT("missing comma", "[1 2]");
	REJECT("leading zero", "01");
	REJECT("bare minus", "-");
	REJECT("dot without digits", "1.");
	REJECT("leading dot", ".5");
	REJECT("plus sign", "+1");
	REJECT("empty exponent", "1e");
	REJECT("NaN", "NaN");
	REJECT("Infinity", "Infinity");
	REJECT("hex number", "0x10");
	REJECT("truncated true", "tru");
	REJECT("truncated null", "nul");
	REJECT("capital True", "True");
	REJECT("unterminated string", "\"abc");
	REJECT("invalid escape", "\"\\x\"");
	REJECT("short \\u", "\"\\u12\"");
	REJECT("bad hex in \\u", "\"\\u12G4\"");
	REJECT("lone high surrogate", "\"\\ud800\"");
	REJECT("high then non-low", "\"\\ud800\\u0041\"");
	REJECT("high then high", "\"\\ud800\\ud800\"");
	REJECT("lone low surrogate", "\"\\udc41\"");
	REJECT("lone low surrogate top", "\"\\udfff\"");
	REJECT("raw newline in string", "\"a\nb\"");
	REJECT("raw tab in string", "\"a\tb\"");
	REJECT("raw NUL in string", "\"a\0b\"");
	REJECT("invalid UTF-8 byte", "\"\xff\"");
	REJECT("overlong UTF-8", "\"\xc0\x80\"");
	REJECT("UTF-8 surrogate", "\"\xed\xa0\x80\"");
	REJECT("truncated UTF-8", "\"\xe2\x82\"");
	REJECT("UTF-8 beyond U+10FFFF", "\"\xf4\x90\x80\x80\"");
	REJECT("trailing garbage", "{} x");
	REJECT("two values", "1 2");
	REJECT("duplicate key", "{\"a\":1,\"a\":2}");
	REJECT("comment", "{/*x*/}");
	REJECT("NUL after value", "{}\0");
	REJECT("key not a string", "{1:2}");
	REJECT("colon in array", "[1:2]");
	char err[128];
	result(json_parse(NULL, 0, err, sizeof err) == NULL, "NULL input", "accepted");
	struct json *v = parse("[1,x]", 5, err);
	result(!v && strstr(err, "offset 3"), "error names the offset", err);
	json_free(v);
}

static void test_writer(void)
{
	/* bytes that are not UTF-8 survive a round trip as \udcXX */
	const char raw[] = "a\xff\xfe\x80 \xc3\xa9 \x01\"\\\n";
	struct buf b;
	buf_init(&b);
	json_write_string(&b, raw, sizeof raw - 1, 0);
	const char want[] = "\"a\\udcff\\udcfe\\udc80 \xc3\xa9 \\u0001\\\"\\\\\\n\"";
	result(b.len == sizeof want - 1 && memcmp(b.data, want, b.len) == 0, "writer escapes", "wrong escaping");
	char err[128];
	struct json *v = parse(b.data, b.len, err);
	result(v && v->len == sizeof raw - 1 && memcmp(v->str, raw, v->len) == 0, "byte-exact round trip", err);
	json_free(v);
	buf_free(&b);

	/* every byte value round-trips */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	buf_init(&b);
	json_write_string(&b, all, 256, 0);
	v = parse(b.data, b.len, err);
	result(v && v->len == 256 && memcmp(v->str, all, 256) == 0, "all 256 byte values round-trip", err);
	json_free(v);
	buf_free(&b);

	writes("compact", "{ \"a\" : [ 1 , 2.50 , \"x\" ] , \"b\" : { } }", 0, 0, "{\"a\":[1,2.50,\"x\"],\"b\":{}}");
	writes("pretty like Go MarshalIndent", "{\"a\":[1,{\"k\":null}],\"e\":[],\"o\":{}}", 2, 0,
	       "{\n  \"a\": [\n    1,\n    {\n      \"k\": null\n    }\n  ],\n  \"e\": [],\n  \"o\": {}\n}");
	writes("Go HTML escaping", "\"<a>&\xe2\x80\xa8\"", 0, JSON_ESC_HTML, "\"\\u003ca\\u003e\\u0026\\u2028\"");
	writes("key order kept", "{\"z\":1,\"a\":2}", 0, 0, "{\"z\":1,\"a\":2}");
}

int main(void)
{
	test_values();
	test_strings();
	test_malformed();
	test_writer();
	return failures ? 1 : 0;
}
