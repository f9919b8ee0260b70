/*
 * device.c — the -device registry: a name-sorted table filled by hw/ at
 * start-up (single-threaded, before the main loop), read-only afterwards.
 */
#include "system/device.h"

#include <assert.h>
#include <string.h>

typedef struct DeviceType {
    char *name;
    char *help;
    SysDeviceCreateFn create;
} DeviceType;

/* Written only during start-up, before any other thread exists. */
static GPtrArray *device_types;

#define dev_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-device"), 0, __VA_ARGS__)

static const DeviceType *find_type(const char *name)
{
    for (guint i = 0; device_types && i < device_types->len; i++) {
        const DeviceType *t = g_ptr_array_index(device_types, i);

        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

static gint type_cmp(gconstpointer a, gconstpointer b)
{
    const DeviceType *x = *(DeviceType *const *)a;
    const DeviceType *y = *(DeviceType *const *)b;

    return strcmp(x->name, y->name);
}

void sys_device_register(const char *name, const char *help,
                         SysDeviceCreateFn create)
{
    DeviceType *t = g_new0(DeviceType, 1);

    assert(!find_type(name));
    t->name = g_strdup(name);
    t->help = g_strdup(help);
    t->create = create;
    if (!device_types) {
        device_types = g_ptr_array_new();
    }
    g_ptr_array_add(device_types, t);
    g_ptr_array_sort(device_types, type_cmp);
}

void sys_device_list(GString *out)
{
    for (guint i = 0; device_types && i < device_types->len; i++) {
        const DeviceType *t = g_ptr_array_index(device_types, i);

        g_string_append_printf(out, "name \"%s\", desc \"%s\"\n", t->name,
                               t->help);
    }
}

bool sys_device_exists(const char *name)
{
    return find_type(name) != NULL;
}

/* "k=v" pairs after the name; "k" alone means "k=on". */
static GHashTable *parse_props(char **parts, GError **err)
{
    GHashTable *props = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, g_free);

    for (int i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        g_autofree char *key = eq ? g_strndup(parts[i], eq - parts[i])
                                  : g_strdup(parts[i]);

        if (!*key) {
            dev_error(err, "empty property name in '%s'", parts[i]);
            g_hash_table_unref(props);
            return NULL;
        }
        if (g_hash_table_contains(props, key)) {
            dev_error(err, "property '%s' given twice", key);
            g_hash_table_unref(props);
            return NULL;
        }
        g_hash_table_insert(props, g_steal_pointer(&key),
                            g_strdup(eq ? eq + 1 : "on"));
    }
    return props;
}

bool sys_device_create(const char *spec, GError **err)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const DeviceType *t;
    GHashTable *props;
    bool ok;

    if (!parts[0] || !*parts[0]) {
        dev_error(err, "-device: missing device name");
        return false;
    }
    t = find_type(parts[0]);
    if (!t) {
        dev_error(err, "-device %s: no such device (try -device help)",
                  parts[0]);
        return false;
    }
    props = parse_props(parts, err);
    if (!props) {
        return false;
    }
    ok = t->create(props, err);
    g_hash_table_unref(props);
    return ok;
}
