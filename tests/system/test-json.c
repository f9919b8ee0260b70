/*
 * test-json.c — system/json.c on its own: values from RFC 8259 examples and
 * hand-written expectations (escapes, \u sequences and surrogate pairs,
 * number ranges), errors with positions, every truncation of a valid
 * document, huge and deeply nested input, and the QMP stream splitter.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "system/json.h"

static JsonValue *parse_ok(const char *s)
{
    GError *err = NULL;
    JsonValue *v = json_parse(s, strlen(s), &err);

    ck_assert_msg(v, "parse of %s failed: %s", s, err ? err->message : "?");
    return v;
}

static char *parse_err(const char *s, size_t len)
{
    GError *err = NULL;
    JsonValue *v = json_parse(s, len, &err);
    char *msg;

    ck_assert_msg(!v, "parse of '%.*s' should fail", (int)len, s);
    ck_assert(err);
    msg = g_strdup(err->message);
    g_error_free(err);
    return msg;
}

START_TEST(test_scalars)
{
    JsonValue *v;

    v = parse_ok(" true ");
    ck_assert(json_type(v) == JSON_BOOL && json_get_bool(v));
    json_free(v);
    v = parse_ok("null");
    ck_assert(json_type(v) == JSON_NULL);
    json_free(v);
    v = parse_ok("-9223372036854775808");
    ck_assert(json_type(v) == JSON_INT && json_get_int(v) == INT64_MIN);
    json_free(v);
    v = parse_ok("9223372036854775807");
    ck_assert(json_type(v) == JSON_INT && json_get_int(v) == INT64_MAX);
    json_free(v);
    /* Out of int64 range: a double, as QEMU's parser does. */
    v = parse_ok("9223372036854775808");
    ck_assert(json_type(v) == JSON_DOUBLE);
    ck_assert(json_get_double(v) == 9223372036854775808.0);
    json_free(v);
    v = parse_ok("-1.5e3");
    ck_assert(json_type(v) == JSON_DOUBLE && json_get_double(v) == -1500.0);
    json_free(v);
    v = parse_ok("0.25");
    ck_assert(json_get_double(v) == 0.25);
    json_free(v);
}
END_TEST

START_TEST(test_strings)
{
    JsonValue *v;

    v = parse_ok("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"");
    ck_assert_str_eq(json_get_string(v), "a\"b\\c/d\b\f\n\r\t");
    json_free(v);
    /* U+00E9 and U+20AC by \u, U+1F600 by a surrogate pair. */
    v = parse_ok("\"\\u00e9\\u20AC\\ud83d\\ude00\"");
    ck_assert_str_eq(json_get_string(v),
                     "\xc3\xa9" "\xe2\x82\xac" "\xf0\x9f\x98\x80");
    json_free(v);
    /* Raw UTF-8 passes through. */
    v = parse_ok("\"caf\xc3\xa9\"");
    ck_assert_str_eq(json_get_string(v), "caf\xc3\xa9");
    json_free(v);
}
END_TEST

START_TEST(test_nesting)
{
    const char *doc = "{\"a\": [1, {\"b\": [true, null, \"x\"]}, []], "
                      "\"c\": {}, \"a2\": -0}";
    JsonValue *v = parse_ok(doc), *a, *b;
    char *out;

    ck_assert_uint_eq(json_length(v), 3);
    a = json_object_get(v, "a");
    ck_assert(json_type(a) == JSON_ARRAY && json_length(a) == 3);
    ck_assert_int_eq(json_get_int(json_array_get(a, 0)), 1);
    b = json_object_get(json_array_get(a, 1), "b");
    ck_assert_uint_eq(json_length(b), 3);
    ck_assert_str_eq(json_get_string(json_array_get(b, 2)), "x");
    ck_assert(!json_object_get(v, "zz"));
    out = json_to_string(v);
    ck_assert_str_eq(out, "{\"a\": [1, {\"b\": [true, null, \"x\"]}, []], "
                     "\"c\": {}, \"a2\": 0}");
    g_free(out);
    json_free(v);
}
END_TEST

START_TEST(test_writer_escapes)
{
    JsonValue *v = json_string("q\"\\\n\x01\x7f\xc3\xa9"), *d;
    char *s = json_to_string(v);
    JsonValue *back;

    ck_assert_str_eq(s, "\"q\\\"\\\\\\n\\u0001\\u007f\xc3\xa9\"");
    back = parse_ok(s);
    ck_assert_str_eq(json_get_string(back), json_get_string(v));
    g_free(s);
    json_free(v);
    json_free(back);
    /* Doubles stay doubles when written, and exact: -0.0, 2.0, 0.1. */
    d = json_array();
    json_array_append(d, json_double(-0.0));
    json_array_append(d, json_double(2.0));
    json_array_append(d, json_double(0.25));
    json_array_append(d, json_double(0.1));
    s = json_to_string(d);
    ck_assert(g_str_has_prefix(s, "[-0.0, 2.0, 0.25, 0."));
    back = parse_ok(s);
    ck_assert(json_type(json_array_get(back, 0)) == JSON_DOUBLE);
    ck_assert(json_get_double(json_array_get(back, 3)) == 0.1);
    g_free(s);
    json_free(back);
    json_free(d);
}
END_TEST

START_TEST(test_errors)
{
    static const struct { const char *in, *msg; } cases[] = {
        { "{\"a\" 1}", "offset 5: ':' expected after key" },
        { "[1 2]", "offset 3: ',' or ']' expected in array" },
        { "{\"a\":1,}", "offset 7: string key expected in object" },
        { "01", "offset 1: trailing characters after value" },
        { "1.", "offset 2: unexpected end of input (bad number: digit "
                "expected after '.')" },
        { "\"\\x\"", "offset 2: bad escape in string" },
        { "\"\\u12\"", "offset 3: bad \\u escape" },
        { "\"\\udc00\"", "offset 7: lone low surrogate in \\u escape" },
        { "\"\\ud800x\"", "offset 7: high surrogate without low surrogate" },
        { "\"\\u0000\"", "offset 7: \\u0000 is not supported" },
        { "\"a\nb\"", "offset 2: control character in string" },
        { "\"\xff\"", "offset 0: string is not valid UTF-8" },
        { "tru", "offset 0: invalid literal" },
        { "", "offset 0: unexpected end of input (value expected)" },
        { "{} {}", "offset 3: trailing characters after value" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *m = parse_err(cases[i].in, strlen(cases[i].in));

        ck_assert_str_eq(m, cases[i].msg);
        g_free(m);
    }
}
END_TEST

/* Every proper prefix of a valid document is an error, never a crash. */
START_TEST(test_truncated)
{
    const char *doc = "{\"execute\": \"x\\u00e9\\ud83d\\ude00\", "
                      "\"arguments\": {\"n\": [-1.5e+3, true, false, null]}}";

    for (size_t len = 0; len < strlen(doc); len++) {
        GError *err = NULL;
        JsonValue *v = json_parse(doc, len, &err);

        ck_assert_msg(!v && err, "prefix of length %zu accepted", len);
        g_error_free(err);
    }
    json_free(parse_ok(doc));
}
END_TEST

START_TEST(test_huge)
{
    size_t n = 100000;
    char *deep = g_malloc(2 * n + 1);
    GString *big = g_string_new("[\"");
    char *m;
    JsonValue *v;

    /* 100000 nested arrays: rejected at the depth limit, no stack blow-up. */
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = 0;
    m = parse_err(deep, 2 * n);
    ck_assert_str_eq(m, "offset 128: nesting too deep");
    g_free(m);
    /* Exactly at the limit is fine. */
    v = json_parse(deep + n - JSON_MAX_DEPTH, 2 * JSON_MAX_DEPTH, NULL);
    ck_assert(v);
    json_free(v);
    /* An 8 MiB string. */
    for (int i = 0; i < (8 << 20) / 8; i++) {
        g_string_append(big, "abcdefgh");
    }
    g_string_append(big, "\"]");
    v = json_parse(big->str, big->len, NULL);
    ck_assert(v);
    ck_assert_uint_eq(strlen(json_get_string(json_array_get(v, 0))), 8 << 20);
    json_free(v);
    g_string_free(big, TRUE);
    g_free(deep);
}
END_TEST

/* Random mutations of valid documents: never a crash, and whatever parses
 * writes out as text that parses back to the same text. */
START_TEST(test_fuzz_roundtrip)
{
    static const char *const seeds[] = {
        "{\"execute\": \"qmp_capabilities\", \"id\": [1, 2.5e-3, null]}",
        "[\"\\u00e9\\ud83d\\ude00\\n\", {\"a\": {\"b\": [true, false]}}, -0.0]",
        "{\"k\": \"v\\\"\\\\\", \"n\": 9223372036854775807}",
    };
    static const char alphabet[] = "{}[]\":,\\u0123456789.eE+-tfn \x01\xc3\xff";
    GRand *r = g_rand_new_with_seed(12345);
    int parsed = 0;

    for (int iter = 0; iter < 50000; iter++) {
        GString *d = g_string_new(seeds[iter % G_N_ELEMENTS(seeds)]);
        int edits = g_rand_int_range(r, 1, 5);
        JsonValue *v;

        for (int e = 0; e < edits && d->len; e++) {
            guint pos = g_rand_int_range(r, 0, d->len);
            char c = alphabet[g_rand_int_range(r, 0, sizeof(alphabet) - 1)];

            switch (g_rand_int_range(r, 0, 4)) {
            case 0: d->str[pos] = c; break;
            case 1: g_string_insert_c(d, pos, c); break;
            case 2: g_string_erase(d, pos, 1); break;
            default: g_string_truncate(d, pos); break;
            }
        }
        v = json_parse(d->str, d->len, NULL);
        if (v) {
            char *once = json_to_string(v), *twice;
            JsonValue *back = json_parse(once, strlen(once), NULL);

            ck_assert_msg(back, "written form does not parse: %s", once);
            twice = json_to_string(back);
            ck_assert_str_eq(once, twice);
            g_free(once);
            g_free(twice);
            json_free(back);
            json_free(v);
            parsed++;
        }
        g_string_free(d, TRUE);
    }
    /* Some mutations keep the document valid; most do not. */
    ck_assert_int_gt(parsed, 100);
    ck_assert_int_lt(parsed, 40000);
    g_rand_free(r);
}
END_TEST

/* ---- streamer ------------------------------------------------------------ */

typedef struct Got {
    GPtrArray *items;       /* "ok:<json>" or "err:<message>" */
} Got;

static void got_cb(void *opaque, JsonValue *v, const GError *err)
{
    Got *g = opaque;

    if (v) {
        char *s = json_to_string(v);

        g_ptr_array_add(g->items, g_strdup_printf("ok:%s", s));
        g_free(s);
        json_free(v);
    } else {
        g_ptr_array_add(g->items, g_strdup_printf("err:%s", err->message));
    }
}

static void feed_bytewise(JsonStreamer *st, const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        json_streamer_feed(st, s + i, 1);
    }
}

START_TEST(test_streamer)
{
    Got g = { g_ptr_array_new_with_free_func(g_free) };
    JsonStreamer *st = json_streamer_new(64, got_cb, &g);

    /* Braces inside strings and escaped quotes do not end a message. */
    feed_bytewise(st, "{\"a\": \"}{\\\"]\"}\r\n  [1,\n2]{\"x\": }junk\n");
    ck_assert_uint_eq(g.items->len, 4);
    ck_assert_str_eq(g_ptr_array_index(g.items, 0), "ok:{\"a\": \"}{\\\"]\"}");
    ck_assert_str_eq(g_ptr_array_index(g.items, 1), "ok:[1, 2]");
    ck_assert_str_eq(g_ptr_array_index(g.items, 2),
                     "err:offset 6: unexpected character");
    ck_assert_str_eq(g_ptr_array_index(g.items, 3),
                     "err:offset 0: unexpected character");
    /* A message past the limit: one error, then the stream is usable. */
    feed_bytewise(st, "{\"big\": \"");
    for (int i = 0; i < 1000; i++) {
        json_streamer_feed(st, "xxxxxxxx{[", 10);
    }
    feed_bytewise(st, "\"} {\"ok\": 1}");
    ck_assert_uint_eq(g.items->len, 6);
    ck_assert_str_eq(g_ptr_array_index(g.items, 4),
                     "err:message longer than 64 bytes");
    ck_assert_str_eq(g_ptr_array_index(g.items, 5), "ok:{\"ok\": 1}");
    /* A truncated message is held, and dropped by reset. */
    feed_bytewise(st, "{\"a\": [1, ");
    ck_assert_uint_eq(g.items->len, 6);
    json_streamer_reset(st);
    feed_bytewise(st, "{}");
    ck_assert_str_eq(g_ptr_array_index(g.items, 6), "ok:{}");
    json_streamer_free(st);
    g_ptr_array_free(g.items, TRUE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_nesting);
    tcase_add_test(tc, test_writer_escapes);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_huge);
    tcase_add_test(tc, test_fuzz_roundtrip);
    tcase_add_test(tc, test_streamer);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
