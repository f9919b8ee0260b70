/*
 * fw-cfg.c — fw_cfg over I/O ports: selector (16-bit write at +0) and data
 * (8-bit read at +1), the only accesses the x86 interface defines. Reading
 * past an item's end or reading an absent item gives zeros. The file
 * directory is rebuilt whenever a file is added.
 */
#include "hw/fw-cfg.h"

#include <string.h>

#include "jit/fatal.h"
#include "system/log.h"

typedef struct FwCfgFile {
    char name[FW_CFG_MAX_FILE_PATH];
    GBytes *data;
} FwCfgFile;

static void file_free(gpointer p)
{
    FwCfgFile *file = p;

    g_bytes_unref(file->data);
    g_free(file);
}

void fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len)
{
    g_hash_table_replace(f->items, GUINT_TO_POINTER(key),
                         g_bytes_new(data, len));
}

void fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2] = { v, v >> 8 };

    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];

    for (int i = 0; i < 4; i++) {
        b[i] = v >> (i * 8);
    }
    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];

    for (int i = 0; i < 8; i++) {
        b[i] = v >> (i * 8);
    }
    fw_cfg_add_bytes(f, key, b, sizeof(b));
}

void fw_cfg_add_string(FwCfg *f, uint16_t key, const char *s)
{
    fw_cfg_add_bytes(f, key, s, strlen(s) + 1);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* The directory: be32 count, then per file be32 size, be16 select,
 * u16 reserved, char name[56]. Files take selectors 0x20 on, in order. */
static void rebuild_directory(FwCfg *f)
{
    size_t len = 4 + 64 * f->files->len;
    uint8_t *dir = g_malloc0(len);

    put_be32(dir, f->files->len);
    for (guint i = 0; i < f->files->len; i++) {
        FwCfgFile *file = g_ptr_array_index(f->files, i);
        uint8_t *e = dir + 4 + 64 * i;
        uint16_t sel = FW_CFG_FILE_FIRST + i;

        put_be32(e, g_bytes_get_size(file->data));
        e[4] = sel >> 8;
        e[5] = sel;
        memcpy(e + 8, file->name, FW_CFG_MAX_FILE_PATH);
        g_hash_table_replace(f->items, GUINT_TO_POINTER(sel),
                             g_bytes_ref(file->data));
    }
    g_hash_table_replace(f->items, GUINT_TO_POINTER(FW_CFG_FILE_DIR),
                         g_bytes_new_take(dir, len));
}

uint16_t fw_cfg_add_file(FwCfg *f, const char *name, const void *data,
                         size_t len)
{
    FwCfgFile *file;
    guint i;

    if (strlen(name) >= FW_CFG_MAX_FILE_PATH) {
        ferry_die("fw_cfg: file name too long: %s", name);
    }
    for (i = 0; i < f->files->len; i++) {
        int c = strcmp(name, ((FwCfgFile *)g_ptr_array_index(f->files, i))->name);

        if (c == 0) {
            ferry_die("fw_cfg: duplicate file %s", name);
        }
        if (c < 0) {
            break;
        }
    }
    file = g_new0(FwCfgFile, 1);
    strncpy(file->name, name, FW_CFG_MAX_FILE_PATH - 1);
    file->data = g_bytes_new(data, len);
    g_ptr_array_insert(f->files, i, file);
    rebuild_directory(f);
    return FW_CFG_FILE_FIRST + i;
}

static uint8_t read_data(FwCfg *f) REQUIRES(sys_bql)
{
    GBytes *item = g_hash_table_lookup(f->items,
                                       GUINT_TO_POINTER(f->cur_key));
    const uint8_t *p;
    gsize len;

    if (!item) {
        return 0;
    }
    p = g_bytes_get_data(item, &len);
    if (f->cur_offset >= len) {
        return 0;
    }
    return p[f->cur_offset++];
}

static uint64_t fw_cfg_io_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    FwCfg *f = opaque;

    if (addr == 1 && size == 1) {
        return read_data(f);
    }
    sys_log_guest_error("fw_cfg: %u-byte read at +%u", size, (unsigned)addr);
    return 0;
}

static void fw_cfg_io_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size) REQUIRES(sys_bql)
{
    FwCfg *f = opaque;

    if (addr == 0 && size == 2) {
        /* The write channel is gone from QEMU too: writes are ignored. */
        f->cur_key = val & ~FW_CFG_WRITE_CHANNEL;
        f->cur_offset = 0;
        return;
    }
    sys_log_guest_error("fw_cfg: %u-byte write at +%u", size, (unsigned)addr);
}

static const MemoryRegionOps fw_cfg_ops = {
    .read = fw_cfg_io_read, .write = fw_cfg_io_write, .max_access = 2,
};

void fw_cfg_init(FwCfg *f)
{
    memset(f, 0, sizeof(*f));
    f->items = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     (GDestroyNotify)g_bytes_unref);
    f->files = g_ptr_array_new_with_free_func(file_free);
    fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(f, FW_CFG_ID, 1);
    rebuild_directory(f);
    sys_mr_init_io(&f->io, "fw_cfg", 2, &fw_cfg_ops, f);
}

void fw_cfg_fini(FwCfg *f)
{
    g_hash_table_destroy(f->items);
    g_ptr_array_free(f->files, TRUE);
}
