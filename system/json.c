/*
 * json.c — JSON values, a recursive-descent parser with a depth limit and
 * positions in its errors, a compact writer, and the QMP stream splitter.
 * Nothing here is shared between threads: each user owns its values.
 */
#include "system/json.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct JsonValue {
    JsonType type;
    union {
        bool b;
        int64_t i;
        double d;
        char *s;
        GPtrArray *arr;             /* of JsonValue * */
        struct {
            GPtrArray *keys;        /* of char *, parallel to vals */
            GPtrArray *vals;
        } obj;
    } u;
};

#define json_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-json"), 0, __VA_ARGS__)

/* ---- values -------------------------------------------------------------- */

static JsonValue *json_new(JsonType t)
{
    JsonValue *v = g_new0(JsonValue, 1);

    v->type = t;
    return v;
}

JsonValue *json_null(void) { return json_new(JSON_NULL); }

JsonValue *json_bool(bool b)
{
    JsonValue *v = json_new(JSON_BOOL);

    v->u.b = b;
    return v;
}

JsonValue *json_int(int64_t i)
{
    JsonValue *v = json_new(JSON_INT);

    v->u.i = i;
    return v;
}

JsonValue *json_double(double d)
{
    JsonValue *v = json_new(JSON_DOUBLE);

    v->u.d = d;
    return v;
}

static JsonValue *json_string_take(char *s)
{
    JsonValue *v = json_new(JSON_STRING);

    v->u.s = s;
    return v;
}

JsonValue *json_string(const char *s)
{
    return json_string_take(g_strdup(s));
}

JsonValue *json_array(void)
{
    JsonValue *v = json_new(JSON_ARRAY);

    v->u.arr = g_ptr_array_new_with_free_func((GDestroyNotify)json_free);
    return v;
}

JsonValue *json_object(void)
{
    JsonValue *v = json_new(JSON_OBJECT);

    v->u.obj.keys = g_ptr_array_new_with_free_func(g_free);
    v->u.obj.vals = g_ptr_array_new_with_free_func((GDestroyNotify)json_free);
    return v;
}

void json_free(JsonValue *v)
{
    if (!v) {
        return;
    }
    switch (v->type) {
    case JSON_STRING:
        g_free(v->u.s);
        break;
    case JSON_ARRAY:
        g_ptr_array_free(v->u.arr, TRUE);
        break;
    case JSON_OBJECT:
        g_ptr_array_free(v->u.obj.keys, TRUE);
        g_ptr_array_free(v->u.obj.vals, TRUE);
        break;
    default:
        break;
    }
    g_free(v);
}

void json_array_append(JsonValue *arr, JsonValue *v)
{
    assert(arr->type == JSON_ARRAY);
    g_ptr_array_add(arr->u.arr, v);
}

static int object_find(const JsonValue *obj, const char *key)
{
    for (guint i = 0; i < obj->u.obj.keys->len; i++) {
        if (!strcmp(g_ptr_array_index(obj->u.obj.keys, i), key)) {
            return i;
        }
    }
    return -1;
}

void json_object_set(JsonValue *obj, const char *key, JsonValue *v)
{
    int i;

    assert(obj->type == JSON_OBJECT);
    i = object_find(obj, key);
    if (i >= 0) {
        json_free(g_ptr_array_index(obj->u.obj.vals, i));
        g_ptr_array_index(obj->u.obj.vals, i) = v;
        return;
    }
    g_ptr_array_add(obj->u.obj.keys, g_strdup(key));
    g_ptr_array_add(obj->u.obj.vals, v);
}

JsonType json_type(const JsonValue *v) { return v->type; }

const char *json_type_name(JsonType t)
{
    static const char *const names[] = {
        "null", "boolean", "integer", "number", "string", "array", "object",
    };
    return names[t];
}

bool json_get_bool(const JsonValue *v)
{
    assert(v->type == JSON_BOOL);
    return v->u.b;
}

int64_t json_get_int(const JsonValue *v)
{
    assert(v->type == JSON_INT);
    return v->u.i;
}

double json_get_double(const JsonValue *v)
{
    assert(v->type == JSON_DOUBLE || v->type == JSON_INT);
    return v->type == JSON_INT ? (double)v->u.i : v->u.d;
}

const char *json_get_string(const JsonValue *v)
{
    assert(v->type == JSON_STRING);
    return v->u.s;
}

size_t json_length(const JsonValue *v)
{
    assert(v->type == JSON_ARRAY || v->type == JSON_OBJECT);
    return v->type == JSON_ARRAY ? v->u.arr->len : v->u.obj.keys->len;
}

JsonValue *json_array_get(const JsonValue *arr, size_t i)
{
    assert(arr->type == JSON_ARRAY && i < arr->u.arr->len);
    return g_ptr_array_index(arr->u.arr, i);
}

JsonValue *json_object_get(const JsonValue *obj, const char *key)
{
    int i;

    assert(obj->type == JSON_OBJECT);
    i = object_find(obj, key);
    return i < 0 ? NULL : g_ptr_array_index(obj->u.obj.vals, i);
}

const char *json_object_key(const JsonValue *obj, size_t i)
{
    assert(obj->type == JSON_OBJECT && i < obj->u.obj.keys->len);
    return g_ptr_array_index(obj->u.obj.keys, i);
}

JsonValue *json_object_value(const JsonValue *obj, size_t i)
{
    assert(obj->type == JSON_OBJECT && i < obj->u.obj.vals->len);
    return g_ptr_array_index(obj->u.obj.vals, i);
}

/* ---- parser -------------------------------------------------------------- */

typedef struct Parser {
    const char *p, *start, *end;
    int depth;
    GError **err;
} Parser;

static JsonValue *parse_value(Parser *ps);

static JsonValue *parse_fail(Parser *ps, const char *what)
{
    if (ps->p >= ps->end) {
        json_error(ps->err, "offset %td: unexpected end of input (%s)",
                   ps->p - ps->start, what);
    } else {
        json_error(ps->err, "offset %td: %s", ps->p - ps->start, what);
    }
    return NULL;
}

static void skip_ws(Parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
            *ps->p == '\r')) {
        ps->p++;
    }
}

static bool match_word(Parser *ps, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, w, n)) {
        ps->p += n;
        return true;
    }
    return false;
}

static int hex4(const char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* A \uXXXX escape (with its surrogate pair) at ps->p, just after "\u". */
static bool parse_u_escape(Parser *ps, GString *out)
{
    int cp, lo;

    if (ps->end - ps->p < 4 || (cp = hex4(ps->p)) < 0) {
        return parse_fail(ps, "bad \\u escape"), false;
    }
    ps->p += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        return parse_fail(ps, "lone low surrogate in \\u escape"), false;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
            (lo = hex4(ps->p + 2)) < 0xdc00 || lo > 0xdfff) {
            return parse_fail(ps, "high surrogate without low surrogate"),
                   false;
        }
        ps->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (cp == 0) {
        return parse_fail(ps, "\\u0000 is not supported"), false;
    }
    g_string_append_unichar(out, cp);
    return true;
}

static bool parse_escape(Parser *ps, GString *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e;

    if (ps->p >= ps->end) {
        return parse_fail(ps, "unterminated string"), false;
    }
    if (*ps->p == 'u') {
        ps->p++;
        return parse_u_escape(ps, out);
    }
    e = strchr(from, *ps->p);
    if (!e || !*ps->p) {
        return parse_fail(ps, "bad escape in string"), false;
    }
    g_string_append_c(out, to[e - from]);
    ps->p++;
    return true;
}

/* A string at ps->p (on the opening quote); returns it as a new C string. */
static char *parse_string_raw(Parser *ps)
{
    g_autoptr(GString) s = g_string_new(NULL);
    const char *open = ps->p;

    ps->p++;
    for (;;) {
        unsigned char c;

        if (ps->p >= ps->end) {
            return parse_fail(ps, "unterminated string"), NULL;
        }
        c = *ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            return parse_fail(ps, "control character in string"), NULL;
        }
        if (c == '\\') {
            ps->p++;
            if (!parse_escape(ps, s)) {
                return NULL;
            }
            continue;
        }
        g_string_append_c(s, c);
        ps->p++;
    }
    if (!g_utf8_validate(s->str, s->len, NULL)) {
        ps->p = open;       /* escapes make inner offsets meaningless */
        return parse_fail(ps, "string is not valid UTF-8"), NULL;
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static JsonValue *parse_number(Parser *ps)
{
    const char *s = ps->p;
    bool integral = true;
    char buf[64];
    char *endp;

    if (ps->p < ps->end && *ps->p == '-') {
        ps->p++;
    }
    if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
        return parse_fail(ps, "bad number");
    }
    if (*ps->p == '0') {
        ps->p++;
    } else {
        while (ps->p < ps->end && g_ascii_isdigit(*ps->p)) {
            ps->p++;
        }
    }
    if (ps->p < ps->end && *ps->p == '.') {
        integral = false;
        ps->p++;
        if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
            return parse_fail(ps, "bad number: digit expected after '.'");
        }
        while (ps->p < ps->end && g_ascii_isdigit(*ps->p)) {
            ps->p++;
        }
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integral = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) {
            ps->p++;
        }
        if (ps->p >= ps->end || !g_ascii_isdigit(*ps->p)) {
            return parse_fail(ps, "bad number: digit expected in exponent");
        }
        while (ps->p < ps->end && g_ascii_isdigit(*ps->p)) {
            ps->p++;
        }
    }
    if (ps->p - s >= (ptrdiff_t)sizeof(buf)) {
        ps->p = s;
        return parse_fail(ps, "number too long");
    }
    memcpy(buf, s, ps->p - s);
    buf[ps->p - s] = 0;
    if (integral) {
        long long i;

        errno = 0;
        i = strtoll(buf, &endp, 10);
        if (!errno) {
            return json_int(i);
        }
    }
    return json_double(g_ascii_strtod(buf, &endp));
}

static JsonValue *parse_array(Parser *ps)
{
    JsonValue *arr = json_array();

    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        JsonValue *v = parse_value(ps);

        if (!v) {
            json_free(arr);
            return NULL;
        }
        json_array_append(arr, v);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        json_free(arr);
        return parse_fail(ps, "',' or ']' expected in array");
    }
}

static JsonValue *parse_object(Parser *ps)
{
    JsonValue *obj = json_object();

    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        g_autofree char *key = NULL;
        JsonValue *v;

        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            json_free(obj);
            return parse_fail(ps, "string key expected in object");
        }
        if (!(key = parse_string_raw(ps))) {
            json_free(obj);
            return NULL;
        }
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            json_free(obj);
            return parse_fail(ps, "':' expected after key");
        }
        ps->p++;
        if (!(v = parse_value(ps))) {
            json_free(obj);
            return NULL;
        }
        json_object_set(obj, key, v);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        json_free(obj);
        return parse_fail(ps, "',' or '}' expected in object");
    }
}

static JsonValue *parse_value(Parser *ps)
{
    JsonValue *v;

    skip_ws(ps);
    if (ps->p >= ps->end) {
        return parse_fail(ps, "value expected");
    }
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > JSON_MAX_DEPTH) {
            return parse_fail(ps, "nesting too deep");
        }
        v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    case '"': {
        char *s = parse_string_raw(ps);

        return s ? json_string_take(s) : NULL;
    }
    case 't':
        return match_word(ps, "true") ? json_bool(true)
                                      : parse_fail(ps, "invalid literal");
    case 'f':
        return match_word(ps, "false") ? json_bool(false)
                                       : parse_fail(ps, "invalid literal");
    case 'n':
        return match_word(ps, "null") ? json_null()
                                      : parse_fail(ps, "invalid literal");
    default:
        if (*ps->p == '-' || g_ascii_isdigit(*ps->p)) {
            return parse_number(ps);
        }
        return parse_fail(ps, "unexpected character");
    }
}

JsonValue *json_parse(const char *text, size_t len, GError **err)
{
    Parser ps = { .p = text, .start = text, .end = text + len, .err = err };
    JsonValue *v = parse_value(&ps);

    if (!v) {
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        json_free(v);
        return parse_fail(&ps, "trailing characters after value");
    }
    return v;
}

/* ---- writer -------------------------------------------------------------- */

static void write_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        unsigned char c = *s;

        switch (c) {
        case '"':  g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                g_string_append_printf(out, "\\u%04x", c);
            } else {
                g_string_append_c(out, c);
            }
        }
    }
    g_string_append_c(out, '"');
}

void json_write(GString *out, const JsonValue *v)
{
    switch (v->type) {
    case JSON_NULL:
        g_string_append(out, "null");
        break;
    case JSON_BOOL:
        g_string_append(out, v->u.b ? "true" : "false");
        break;
    case JSON_INT:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, v->u.i);
        break;
    case JSON_DOUBLE: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        if (!isfinite(v->u.d)) {
            g_string_append(out, "null");   /* JSON has no inf/nan */
            break;
        }
        g_ascii_dtostr(buf, sizeof(buf), v->u.d);
        g_string_append(out, buf);
        /* Keep it a number with a fraction, so that it reads back as a
         * double ("-0" would come back as the integer 0). */
        if (!strpbrk(buf, ".eE")) {
            g_string_append(out, ".0");
        }
        break;
    }
    case JSON_STRING:
        write_string(out, v->u.s);
        break;
    case JSON_ARRAY:
        g_string_append_c(out, '[');
        for (guint i = 0; i < v->u.arr->len; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            json_write(out, g_ptr_array_index(v->u.arr, i));
        }
        g_string_append_c(out, ']');
        break;
    case JSON_OBJECT:
        g_string_append_c(out, '{');
        for (guint i = 0; i < v->u.obj.keys->len; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            write_string(out, g_ptr_array_index(v->u.obj.keys, i));
            g_string_append(out, ": ");
            json_write(out, g_ptr_array_index(v->u.obj.vals, i));
        }
        g_string_append_c(out, '}');
        break;
    }
}

char *json_to_string(const JsonValue *v)
{
    GString *s = g_string_new(NULL);

    json_write(s, v);
    return g_string_free(s, FALSE);
}

/* ---- streamer ------------------------------------------------------------ */

struct JsonStreamer {
    GString *buf;
    size_t max_bytes;
    int depth;              /* unclosed { and [ outside strings */
    bool in_string, escape;
    bool oversized;         /* dropping the rest of a too-large message */
    JsonStreamFn fn;
    void *opaque;
};

JsonStreamer *json_streamer_new(size_t max_bytes, JsonStreamFn fn,
                                void *opaque)
{
    JsonStreamer *st = g_new0(JsonStreamer, 1);

    st->buf = g_string_new(NULL);
    st->max_bytes = max_bytes;
    st->fn = fn;
    st->opaque = opaque;
    return st;
}

void json_streamer_reset(JsonStreamer *st)
{
    g_string_truncate(st->buf, 0);
    st->depth = 0;
    st->in_string = st->escape = st->oversized = false;
}

static void stream_emit(JsonStreamer *st)
{
    g_autoptr(GError) err = NULL;
    JsonValue *v = NULL;

    if (st->oversized) {
        json_error(&err, "message longer than %zu bytes", st->max_bytes);
    } else {
        v = json_parse(st->buf->str, st->buf->len, &err);
    }
    json_streamer_reset(st);
    st->fn(st->opaque, v, err);
}

/* Track strings and nesting for one byte; true when a value just ended. */
static bool stream_track(JsonStreamer *st, char c)
{
    if (st->in_string) {
        if (st->escape) {
            st->escape = false;
        } else if (c == '\\') {
            st->escape = true;
        } else if (c == '"') {
            st->in_string = false;
        }
        return false;
    }
    switch (c) {
    case '"':
        st->in_string = true;
        return false;
    case '{':
    case '[':
        st->depth++;
        return false;
    case '}':
    case ']':
        return --st->depth <= 0;
    case ' ': case '\t': case '\r': case '\n':
        return st->depth == 0;      /* ends a top-level scalar (an error) */
    default:
        return false;
    }
}

void json_streamer_feed(JsonStreamer *st, const void *data, size_t len)
{
    const char *p = data;

    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        bool empty = st->buf->len == 0 && !st->oversized;

        if (empty && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
            continue;
        }
        if (!st->oversized) {
            if (st->buf->len >= st->max_bytes) {
                st->oversized = true;
                g_string_truncate(st->buf, 0);
            } else {
                g_string_append_c(st->buf, c);
            }
        }
        if (stream_track(st, c)) {
            stream_emit(st);
        }
    }
}

void json_streamer_free(JsonStreamer *st)
{
    if (st) {
        g_string_free(st->buf, TRUE);
        g_free(st);
    }
}
