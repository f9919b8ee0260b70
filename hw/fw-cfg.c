/*
 * fw-cfg.c — fw_cfg over I/O ports: selector (16-bit write at +0) and data
 * (8-bit read at +1), the only accesses the x86 interface defines. Reading
 * past an item's end or reading an absent item gives zeros. The file
 * directory is rebuilt whenever a file is added. The DMA interface reads
 * its descriptor from guest memory and copies under the BQL.
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

/* ---- DMA interface ------------------------------------------------------ */

enum {
    DMA_ERROR = 0x01, DMA_READ = 0x02, DMA_SKIP = 0x04, DMA_SELECT = 0x08,
    DMA_WRITE = 0x10,
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Copy @len bytes of the selected item (zeros past its end) to @addr, or
 * just advance over them. */
static void dma_transfer(FwCfg *f, uint64_t addr, uint32_t len, bool copy)
    REQUIRES(sys_bql)
{
    GBytes *item = g_hash_table_lookup(f->items,
                                       GUINT_TO_POINTER(f->cur_key));
    gsize size = 0;
    const uint8_t *p = item ? g_bytes_get_data(item, &size) : NULL;

    while (len) {
        uint8_t buf[256] = { 0 };
        uint32_t n = MIN(len, sizeof(buf));

        for (uint32_t i = 0; i < n; i++) {
            if (f->cur_offset + i < size) {
                buf[i] = p[f->cur_offset + i];
            }
        }
        if (copy) {
            sys_as_write_buf(f->dma_as, addr, buf, n);
        }
        f->cur_offset = MIN((uint64_t)f->cur_offset + n, UINT32_MAX);
        addr += n;
        len -= n;
    }
}

/* Run the FWCfgDmaAccess at @desc: be32 control, be32 length, be64
 * address; control is written back 0, or with the error bit. */
static void dma_run(FwCfg *f, uint64_t desc) REQUIRES(sys_bql)
{
    uint8_t d[16], out[4] = { 0 };
    uint32_t control, len;
    uint64_t addr;

    sys_as_read_buf(f->dma_as, desc, d, sizeof(d));
    control = be32(d);
    len = be32(d + 4);
    addr = (uint64_t)be32(d + 8) << 32 | be32(d + 12);
    if (control & DMA_SELECT) {
        f->cur_key = (control >> 16) & ~FW_CFG_WRITE_CHANNEL;
        f->cur_offset = 0;
    }
    if (control & DMA_WRITE) {
        out[3] = DMA_ERROR;             /* the write channel is gone */
    } else if (control & (DMA_READ | DMA_SKIP)) {
        dma_transfer(f, addr, len, control & DMA_READ);
    }
    sys_as_write_buf(f->dma_as, desc, out, sizeof(out));
}

/* Reads give the DMA signature "QEMU CFG" byte by byte. */
static uint64_t dma_io_read(void *opaque, uint64_t addr, unsigned size)
{
    static const char sig[8] = "QEMU CFG";
    uint64_t v = 0;

    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        v |= (uint64_t)(uint8_t)sig[addr + i] << (i * 8);
    }
    return v;
}

/* The address register is big-endian: the guest writes the high half at
 * +0 and the low half at +4, which starts the transfer. */
static void dma_io_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size) REQUIRES(sys_bql)
{
    FwCfg *f = opaque;
    uint32_t half = __builtin_bswap32(val);

    if (size != 4) {
        sys_log_guest_error("fw_cfg: %u-byte DMA register write", size);
        return;
    }
    if (addr == 0) {
        f->dma_addr = (uint64_t)half << 32;
    } else {
        f->dma_addr |= half;
        dma_run(f, f->dma_addr);
        f->dma_addr = 0;
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = dma_io_read, .write = dma_io_write, .max_access = 4,
};

void fw_cfg_enable_dma(FwCfg *f, AddressSpace *as)
{
    f->dma_as = as;
    fw_cfg_add_i32(f, FW_CFG_ID, 3);    /* traditional and DMA */
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
    sys_mr_init_io(&f->io_dma, "fw_cfg-dma", 8, &fw_cfg_dma_ops, f);
}

void fw_cfg_reset(FwCfg *f)
{
    f->cur_key = 0;
    f->cur_offset = 0;
}

void fw_cfg_fini(FwCfg *f)
{
    g_hash_table_destroy(f->items);
    g_ptr_array_free(f->files, TRUE);
}
