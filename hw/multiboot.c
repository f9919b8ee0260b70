/*
 * multiboot.c — Multiboot 1 loader (Multiboot Specification 0.6.96). The
 * kernel is placed where its header (address fields, flag 16) or its ELF32
 * program headers say; modules follow page-aligned, then one block with
 * the boot information, module list, memory map and strings. Everything
 * must fit in RAM below 4 GiB.
 */
#include "hw/multiboot.h"

#include <string.h>

#include "hw/e820.h"
#include "system/log.h"

#define SEARCH_LIMIT 8192
#define PAGE 4096u
#define MB_FLAG_ADDRESS (1u << 16)
#define MB_FLAGS_KNOWN (0x7u | MB_FLAG_ADDRESS)

typedef struct MbHeader {
    uint32_t off;               /* file offset of the magic */
    uint32_t flags;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} MbHeader;

G_DEFINE_QUARK(ferry-multiboot-error, mb_error)

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (i * 8);
    }
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, v);
    wr32(p + 4, v >> 32);
}

static bool find_header(const uint8_t *image, size_t len, MbHeader *h)
{
    size_t limit = MIN(len, SEARCH_LIMIT);

    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = rd32(image + off), flags = rd32(image + off + 4);

        if (magic == MB_HEADER_MAGIC &&
            (uint32_t)(magic + flags + rd32(image + off + 8)) == 0) {
            memset(h, 0, sizeof(*h));
            h->off = off;
            h->flags = flags;
            if ((flags & MB_FLAG_ADDRESS) && off + 32 <= len) {
                h->header_addr = rd32(image + off + 12);
                h->load_addr = rd32(image + off + 16);
                h->load_end_addr = rd32(image + off + 20);
                h->bss_end_addr = rd32(image + off + 24);
                h->entry_addr = rd32(image + off + 28);
            }
            return true;
        }
    }
    return false;
}

bool mb_probe(const uint8_t *image, size_t len)
{
    MbHeader h;

    return find_header(image, len, &h);
}

/* Whether [addr, addr + size) lies in RAM below 4 GiB. */
static bool in_ram(const MbMemory *mem, uint64_t addr, uint64_t size)
{
    return addr + size >= addr && addr + size <= mem->below_4g;
}

static bool place(AddressSpace *as, const MbMemory *mem, uint64_t addr,
                  const uint8_t *data, uint64_t filesz, uint64_t memsz,
                  GError **err)
{
    static const uint8_t zeros[PAGE];

    if (!in_ram(mem, addr, memsz)) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: [0x%" G_GINT64_MODIFIER "x, +0x%"
                    G_GINT64_MODIFIER "x) is outside RAM", addr, memsz);
        return false;
    }
    sys_as_write_buf(as, addr, data, filesz);
    for (uint64_t a = filesz; a < memsz; a += PAGE) {
        sys_as_write_buf(as, addr + a, zeros, MIN(PAGE, memsz - a));
    }
    return true;
}

/* The a.out kludge: the header's address fields say it all. */
static bool load_aout(AddressSpace *as, const MbMemory *mem,
                      const uint8_t *image, size_t len, const MbHeader *h,
                      MbBoot *out, GError **err)
{
    uint64_t load_off, load_size, end;

    if (h->header_addr < h->load_addr ||
        h->header_addr - h->load_addr > h->off) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: header_addr below load_addr or before file");
        return false;
    }
    load_off = h->off - (h->header_addr - h->load_addr);
    load_size = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr
                                 : len - load_off;
    if (h->load_end_addr && h->load_end_addr < h->load_addr) {
        load_size = UINT64_MAX;
    }
    if (load_size > len - load_off) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: load_end_addr beyond the end of the file");
        return false;
    }
    end = MAX((uint64_t)h->bss_end_addr, h->load_addr + load_size);
    if (!place(as, mem, h->load_addr, image + load_off, load_size,
               end - h->load_addr, err)) {
        return false;
    }
    out->entry = h->entry_addr;
    out->kernel_start = h->load_addr;
    out->kernel_end = end;
    return true;
}

static bool elf_check(const uint8_t *image, size_t len, GError **err)
{
    if (len < 52 || memcmp(image, "\177ELF", 4) != 0) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: no address fields and not an ELF file");
        return false;
    }
    if (image[4] != 1) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: a 64-bit ELF needs address fields (flag 16)");
        return false;
    }
    if (image[5] != 1 || rd16(image + 18) != 3 || rd16(image + 42) < 32 ||
        rd32(image + 28) + (uint64_t)rd16(image + 44) * rd16(image + 42) >
            len) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: not a little-endian i386 ELF, or truncated");
        return false;
    }
    return true;
}

/* ELF32: every PT_LOAD at its physical address; the entry translated
 * from virtual to physical through the segment that holds it. */
static bool load_elf(AddressSpace *as, const MbMemory *mem,
                     const uint8_t *image, size_t len, MbBoot *out,
                     GError **err)
{
    uint32_t entry, phoff;
    unsigned phentsize, phnum;

    if (!elf_check(image, len, err)) {
        return false;
    }
    entry = rd32(image + 24);
    phoff = rd32(image + 28);
    phentsize = rd16(image + 42);
    phnum = rd16(image + 44);
    out->entry = entry;
    out->kernel_start = UINT32_MAX;
    out->kernel_end = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = image + phoff + i * phentsize;
        uint32_t off = rd32(ph + 4), vaddr = rd32(ph + 8);
        uint32_t paddr = rd32(ph + 12), filesz = rd32(ph + 16);
        uint32_t memsz = rd32(ph + 20);

        if (rd32(ph) != 1 || memsz == 0) {
            continue;                   /* not PT_LOAD */
        }
        if ((uint64_t)off + filesz > len || filesz > memsz) {
            g_set_error(err, mb_error_quark(), 0,
                        "multiboot: ELF segment %u is malformed", i);
            return false;
        }
        if (!place(as, mem, paddr, image + off, filesz, memsz, err)) {
            return false;
        }
        if (entry >= vaddr && entry - vaddr < memsz) {
            out->entry = paddr + (entry - vaddr);
        }
        out->kernel_start = MIN(out->kernel_start, paddr);
        out->kernel_end = MAX(out->kernel_end, paddr + memsz);
    }
    if (out->kernel_end == 0) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: ELF file has nothing to load");
        return false;
    }
    return true;
}

/* The PC memory map as Multiboot mmap entries (size field excluded). */
static int build_mmap(const MbMemory *mem, uint8_t *p)
{
    E820Entry map[E820_PC_MAX];
    int n = e820_pc_layout(mem->below_4g, mem->above_4g, map);

    for (int i = 0; i < n; i++) {
        wr32(p + i * 24, 20);           /* size, not counting itself */
        wr64(p + i * 24 + 4, map[i].addr);
        wr64(p + i * 24 + 12, map[i].len);
        wr32(p + i * 24 + 20, map[i].type);
    }
    return n * 24;
}

/* Modules page-aligned from @*next on; updates @*next. */
static bool load_modules(AddressSpace *as, const MbMemory *mem,
                         const MbModule *mods, int nmods, uint64_t *next,
                         uint8_t *list, GError **err)
{
    for (int i = 0; i < nmods; i++) {
        uint64_t start = *next;

        if (!place(as, mem, start, mods[i].data, mods[i].len, mods[i].len,
                   err)) {
            return false;
        }
        wr32(list + i * 16, start);
        wr32(list + i * 16 + 4, start + mods[i].len);
        *next = (start + mods[i].len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    }
    return true;
}

/* Append a NUL-terminated @s to @strings; returns its guest address. */
static uint32_t add_string(GByteArray *strings, uint64_t base, const char *s)
{
    uint32_t addr = base + strings->len;

    g_byte_array_append(strings, (const guint8 *)s, strlen(s) + 1);
    return addr;
}

static bool write_info(AddressSpace *as, const MbMemory *mem,
                       const char *cmdline, const MbModule *mods, int nmods,
                       uint8_t *list, uint64_t at, MbBoot *out, GError **err)
{
    uint8_t info[MBI_SIZE] = { 0 }, mmap[E820_PC_MAX * 24];
    uint64_t mods_at = at + MBI_SIZE, mmap_at = mods_at + 16 * nmods;
    int mmap_len = build_mmap(mem, mmap);
    uint64_t str_at = mmap_at + mmap_len;
    GByteArray *strings = g_byte_array_new();
    bool ok;

    wr32(info + MBI_FLAGS, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS |
                           MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME);
    wr32(info + MBI_MEM_LOWER, 640);
    wr32(info + MBI_MEM_UPPER, (mem->below_4g - 0x100000) / 1024);
    wr32(info + MBI_CMDLINE, add_string(strings, str_at,
                                        cmdline ? cmdline : ""));
    wr32(info + MBI_MODS_COUNT, nmods);
    wr32(info + MBI_MODS_ADDR, mods_at);
    wr32(info + MBI_MMAP_LENGTH, mmap_len);
    wr32(info + MBI_MMAP_ADDR, mmap_at);
    wr32(info + MBI_LOADER_NAME, add_string(strings, str_at, "ferry"));
    for (int i = 0; i < nmods; i++) {
        wr32(list + i * 16 + 8, add_string(strings, str_at,
                                           mods[i].cmdline ? mods[i].cmdline
                                                           : ""));
    }
    ok = place(as, mem, at, info, MBI_SIZE, MBI_SIZE, err) &&
         place(as, mem, mods_at, list, 16 * nmods, 16 * nmods, err) &&
         place(as, mem, mmap_at, mmap, mmap_len, mmap_len, err) &&
         place(as, mem, str_at, strings->data, strings->len, strings->len,
               err);
    g_byte_array_free(strings, TRUE);
    out->ebx = at;
    return ok;
}

bool mb_load(AddressSpace *as, const MbMemory *mem, const uint8_t *image,
             size_t len, const char *cmdline, const MbModule *mods,
             int nmods, MbBoot *out, GError **err)
{
    MbHeader h;
    uint64_t next;
    uint8_t *list;
    bool ok;

    memset(out, 0, sizeof(*out));
    if (!find_header(image, len, &h)) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: no valid header in the first 8 KiB");
        return false;
    }
    if (h.flags & 0xffff & ~MB_FLAGS_KNOWN) {
        g_set_error(err, mb_error_quark(), 0,
                    "multiboot: kernel requires unsupported features "
                    "(flags 0x%08x)", h.flags);
        return false;
    }
    if (h.flags & (1u << 2)) {
        sys_log_unimp("multiboot: video mode request ignored");
    }
    ok = (h.flags & MB_FLAG_ADDRESS) ? load_aout(as, mem, image, len, &h,
                                                 out, err)
                                     : load_elf(as, mem, image, len, out,
                                                err);
    if (!ok) {
        return false;
    }
    next = ((uint64_t)out->kernel_end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    list = g_malloc0(16 * nmods + 1);
    ok = load_modules(as, mem, mods, nmods, &next, list, err) &&
         write_info(as, mem, cmdline, mods, nmods, list, next, out, err);
    g_free(list);
    out->eax = MB_BOOT_MAGIC;
    return ok;
}
