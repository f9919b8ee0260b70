/*
 * json.h — a small JSON value type, parser and writer for QMP, and a
 * streamer that cuts a byte stream into top-level values the way QEMU's
 * json-streamer does. Strings are UTF-8 without NUL; numbers are int64 when
 * integral and in range, else double.
 */
#ifndef FERRY_SYSTEM_JSON_H
#define FERRY_SYSTEM_JSON_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum JsonType {
    JSON_NULL, JSON_BOOL, JSON_INT, JSON_DOUBLE, JSON_STRING, JSON_ARRAY,
    JSON_OBJECT,
} JsonType;

typedef struct JsonValue JsonValue;

/* Nesting deeper than this is rejected (bounds the parser's recursion). */
#define JSON_MAX_DEPTH 128

/* Parse exactly one value (surrounding whitespace allowed) from @len bytes
 * of @text. Returns NULL and sets @err ("offset N: what was wrong") on bad
 * or truncated input. */
JsonValue *json_parse(const char *text, size_t len, GError **err);

/* Free @v and everything in it (NULL is fine). */
void json_free(JsonValue *v);

/* Constructors; containers take ownership of what is added to them. */
JsonValue *json_null(void);
JsonValue *json_bool(bool b);
JsonValue *json_int(int64_t i);
JsonValue *json_double(double d);
JsonValue *json_string(const char *s);
JsonValue *json_array(void);
JsonValue *json_object(void);
void json_array_append(JsonValue *arr, JsonValue *v);
/* Set @key in @obj to @v, replacing (and freeing) a previous value. */
void json_object_set(JsonValue *obj, const char *key, JsonValue *v);

/* Accessors. json_object_get returns NULL when @key is absent; the typed
 * getters assert the type. */
JsonType json_type(const JsonValue *v);
const char *json_type_name(JsonType t);
bool json_get_bool(const JsonValue *v);
int64_t json_get_int(const JsonValue *v);
double json_get_double(const JsonValue *v);     /* JSON_INT too */
const char *json_get_string(const JsonValue *v);
size_t json_length(const JsonValue *v);         /* array or object */
JsonValue *json_array_get(const JsonValue *arr, size_t i);
JsonValue *json_object_get(const JsonValue *obj, const char *key);
const char *json_object_key(const JsonValue *obj, size_t i);
JsonValue *json_object_value(const JsonValue *obj, size_t i);

/* Append @v in compact form to @out / return it as a new string. */
void json_write(GString *out, const JsonValue *v);
char *json_to_string(const JsonValue *v);

/* ---- streaming ----------------------------------------------------------- */

/* Called once per top-level value: @v (owned by the callee) or, for bad
 * input, @v NULL and @err set (owned by the streamer). */
typedef void (*JsonStreamFn)(void *opaque, JsonValue *v, const GError *err);

typedef struct JsonStreamer JsonStreamer;

/* A streamer that rejects messages longer than @max_bytes. */
JsonStreamer *json_streamer_new(size_t max_bytes, JsonStreamFn fn,
                                void *opaque);

/* Feed bytes; @fn runs for every value they complete. */
void json_streamer_feed(JsonStreamer *st, const void *buf, size_t len);

/* Drop a partial message (the peer went away). */
void json_streamer_reset(JsonStreamer *st);

void json_streamer_free(JsonStreamer *st);

#endif
