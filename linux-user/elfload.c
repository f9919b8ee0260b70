/*
 * elfload.c — the ELF loader. Every PT_LOAD span is mapped as one anonymous
 * read-write region and the segments are read into it with pread, then
 * given their protections: this needs no file mapping at 4K offsets, so it
 * loads the same way whatever the host page size, and guest code never
 * needs host PROT_EXEC (the translator only reads it).
 *
 * Placement follows Linux: ET_EXEC at its addresses (guest_base 0 needs
 * them free on the host: otherwise LU_ELF_NEED_BASE tells the caller to
 * retry with a non-zero guest base), a PIE near
 * ELF_ET_DYN_BASE (0x555555554000 without ASLR), the interpreter top-down
 * from the mmap base. A PIE base honours the largest p_align.
 */
#include "linux-user/elfload.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LU_ET_DYN_BASE 0x555555554000ull
#define LU_MAX_PHNUM (65536 / sizeof(Elf64_Phdr))   /* Linux's limit on the table */
#define LU_MAX_ALIGN (1ull << 30)

/* The file being loaded, and where its error goes. */
typedef struct ElfFile {
    const char *path;
    int fd;
    bool own_fd;                   /* opened here (closed by elf_close) */
    uint64_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
    char *err;
    size_t errlen;
} ElfFile;

static int fail(ElfFile *f, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(ElfFile *f, int status, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(f->err, f->errlen, "%s: ", f->path);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < f->errlen) {
        vsnprintf(f->err + n, f->errlen - n, fmt, ap);
    }
    va_end(ap);
    return status;
}

/* Read exactly len bytes at off; false if the file is shorter. */
static bool read_at(ElfFile *f, void *buf, size_t len, uint64_t off)
{
    if (off > f->size || len > f->size - off) {
        return false;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(f->fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += (size_t)n;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Opening and header checks                                                */

/* Open f->path, or take the caller's f->fd as it is (the kernel opened
 * it, checking execute permission: binfmt_misc's AT_EXECFD). */
static int open_elf(ElfFile *f, bool need_exec)
{
    if (f->fd < 0) {
        f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
        f->own_fd = true;
        if (f->fd < 0) {
            int e = errno;
            return fail(f, e == ENOENT || e == ENOTDIR ? LU_ELF_NOTFOUND : LU_ELF_NOEXEC,
                        "%s", strerror(e));
        }
    } else {
        need_exec = false;
    }
    struct stat st;
    if (fstat(f->fd, &st) != 0) {
        return fail(f, LU_ELF_NOEXEC, "%s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return fail(f, LU_ELF_NOEXEC, "Is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(f, LU_ELF_NOEXEC, "not a regular file");
    }
    if (need_exec && access(f->path, X_OK) != 0) {
        return fail(f, LU_ELF_NOEXEC, "%s", strerror(errno));
    }
    f->size = (uint64_t)st.st_size;
    return LU_ELF_OK;
}

static int check_ehdr(ElfFile *f)
{
    const Elf64_Ehdr *eh = &f->eh;
    if (!read_at(f, &f->eh, sizeof(f->eh), 0)) {
        return fail(f, LU_ELF_BAD, "truncated ELF header (%llu bytes)",
                    (unsigned long long)f->size);
    }
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        return fail(f, LU_ELF_BAD, "not an ELF file");
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64) {
        return fail(f, LU_ELF_BAD, "not an x86-64 ELF (class %u, data %u, machine %u)",
                    eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA], eh->e_machine);
    }
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT) {
        return fail(f, LU_ELF_BAD, "unknown ELF version");
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        return fail(f, LU_ELF_BAD, "not an executable (e_type %u)", eh->e_type);
    }
    if (eh->e_ehsize < sizeof(Elf64_Ehdr)) {
        return fail(f, LU_ELF_BAD, "bad e_ehsize %u", eh->e_ehsize);
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
        return fail(f, LU_ELF_BAD, "bad e_phentsize %u", eh->e_phentsize);
    }
    if (eh->e_phnum == 0 || eh->e_phnum > LU_MAX_PHNUM) {
        return fail(f, LU_ELF_BAD, "bad e_phnum %u", eh->e_phnum);
    }
    size_t tab = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
    f->ph = g_malloc(tab);
    if (!read_at(f, f->ph, tab, eh->e_phoff)) {
        return fail(f, LU_ELF_BAD, "program headers (e_phoff %#llx, %u entries) "
                    "lie outside the file", (unsigned long long)eh->e_phoff, eh->e_phnum);
    }
    return LU_ELF_OK;
}

static bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

/* Check the PT_LOAD entries: bounds, congruence, order, overlap, entry. */
static int check_loads(ElfFile *f, uint64_t *lo, uint64_t *hi, uint64_t *align)
{
    uint64_t prev_end = 0;
    bool any = false, entry_ok = false;
    *align = LU_PAGE_SIZE;
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        if (p->p_filesz > p->p_memsz) {
            return fail(f, LU_ELF_BAD, "segment %u: p_filesz > p_memsz", i);
        }
        if (p->p_offset > f->size || p->p_filesz > f->size - p->p_offset) {
            return fail(f, LU_ELF_BAD, "segment %u: file range %#llx+%#llx beyond the end "
                        "of the file (truncated?)", i, (unsigned long long)p->p_offset,
                        (unsigned long long)p->p_filesz);
        }
        if (p->p_vaddr >= LU_GUEST_ADDR_LIMIT ||
            p->p_memsz > LU_GUEST_ADDR_LIMIT - p->p_vaddr) {
            return fail(f, LU_ELF_BAD, "segment %u: address range outside user space", i);
        }
        if ((p->p_vaddr - p->p_offset) % LU_PAGE_SIZE != 0) {
            return fail(f, LU_ELF_BAD, "segment %u: p_vaddr and p_offset differ modulo 4K", i);
        }
        if (p->p_align > 1 && !is_pow2(p->p_align)) {
            return fail(f, LU_ELF_BAD, "segment %u: p_align %#llx is not a power of two", i,
                        (unsigned long long)p->p_align);
        }
        if (any && p->p_vaddr < prev_end) {
            return fail(f, LU_ELF_BAD, "segment %u overlaps or precedes the previous one", i);
        }
        if (!any) {
            *lo = p->p_vaddr & ~(LU_PAGE_SIZE - 1);
        }
        if (p->p_align > *align && p->p_align <= LU_MAX_ALIGN) {
            *align = p->p_align;
        }
        prev_end = p->p_vaddr + p->p_memsz;
        entry_ok |= f->eh.e_entry >= p->p_vaddr && f->eh.e_entry < prev_end;
        any = true;
    }
    if (!any) {
        return fail(f, LU_ELF_BAD, "no loadable segment");
    }
    if (!entry_ok) {
        return fail(f, LU_ELF_BAD, "entry point %#llx is outside every segment",
                    (unsigned long long)f->eh.e_entry);
    }
    *hi = LU_PAGE_ALIGN(prev_end);
    return LU_ELF_OK;
}

/* ---------------------------------------------------------------------- */
/* Mapping                                                                  */

static int elf_prot(uint32_t flags)
{
    return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
           ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Reserve the span [lo, hi) + bias: returns the bias or -errno. */
static int64_t reserve_span(LuMem *m, ElfFile *f, uint64_t lo, uint64_t hi, uint64_t align,
                            uint64_t hint)
{
    uint64_t len = hi - lo;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (f->eh.e_type == ET_EXEC) {
        int64_t r = lo < 0x10000 ? -EPERM
                                 : lu_mem_map(m, lo, len, PROT_READ | PROT_WRITE,
                                              flags | MAP_FIXED_NOREPLACE, -1, 0);
        return r < 0 ? r : 0;
    }
    /* Over-allocate by the alignment, then trim to an aligned base. */
    uint64_t extra = align > m->host_page ? align : 0;
    int64_t r = lu_mem_map(m, hint, len + extra, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (r < 0) {
        return r;
    }
    uint64_t base = ((uint64_t)r + align - 1) & ~(align - 1);
    if (base > (uint64_t)r) {
        lu_mem_unmap(m, (uint64_t)r, base - (uint64_t)r);
    }
    if ((uint64_t)r + extra > base) {
        lu_mem_unmap(m, base + len, (uint64_t)r + extra - base);
    }
    return (int64_t)(base - lo);
}

/* Read each segment (from the start of its first page, as a file mapping
 * would show it) and set its protection. */
static int fill_segments(LuMem *m, ElfFile *f, uint64_t bias, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        uint64_t head = p->p_vaddr & (LU_PAGE_SIZE - 1);
        uint64_t va = p->p_vaddr - head + bias;
        if (p->p_filesz && !read_at(f, lu_g2h(m, va), p->p_filesz + head, p->p_offset - head)) {
            return fail(f, LU_ELF_BAD, "segment %u: read error", i);
        }
    }
    /* Gaps between segments are inaccessible, as in a kernel-loaded image. */
    lu_mem_protect(m, lo + bias, hi - lo, PROT_NONE);
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        uint64_t va = (p->p_vaddr & ~(LU_PAGE_SIZE - 1)) + bias;
        uint64_t end = LU_PAGE_ALIGN(p->p_vaddr + p->p_memsz + bias);
        int r = lu_mem_protect(m, va, end - va, elf_prot(p->p_flags));
        if (r < 0) {
            return fail(f, LU_ELF_BAD, "segment %u: mprotect: %s", i, strerror(-r));
        }
    }
    return LU_ELF_OK;
}

/* Where the program headers are in memory: PT_PHDR, else the PT_LOAD
 * that holds e_phoff (what Linux reports as AT_PHDR). */
static uint64_t phdr_vaddr(const ElfFile *f)
{
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        if (f->ph[i].p_type == PT_PHDR) {
            return f->ph[i].p_vaddr;
        }
    }
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type == PT_LOAD && f->eh.e_phoff >= p->p_offset &&
            f->eh.e_phoff - p->p_offset < p->p_filesz) {
            return p->p_vaddr + (f->eh.e_phoff - p->p_offset);
        }
    }
    return 0;
}

static int map_image(LuMem *m, ElfFile *f, uint64_t hint, LuImage *img)
{
    uint64_t lo = 0, hi = 0, align = LU_PAGE_SIZE;
    int st = check_loads(f, &lo, &hi, &align);
    if (st != LU_ELF_OK) {
        return st;
    }
    int64_t bias = reserve_span(m, f, lo, hi, align, hint ? hint - lo : 0);
    if (bias < 0) {
        if (f->eh.e_type == ET_EXEC) {
            img->lo = lo;
            img->hi = hi;
            return fail(f, LU_ELF_NEED_BASE, "cannot map its fixed range %#llx-%#llx (%s): "
                        "ferry itself is there; try -B to set a guest base",
                        (unsigned long long)lo, (unsigned long long)hi, strerror((int)-bias));
        }
        return fail(f, LU_ELF_BAD, "cannot reserve %#llx bytes: %s",
                    (unsigned long long)(hi - lo), strerror((int)-bias));
    }
    st = fill_segments(m, f, (uint64_t)bias, lo, hi);
    if (st != LU_ELF_OK) {
        return st;
    }
    uint64_t ph = phdr_vaddr(f);
    *img = (LuImage){
        .bias = (uint64_t)bias, .entry = f->eh.e_entry + (uint64_t)bias,
        .phdr = ph ? ph + (uint64_t)bias : 0, .phnum = f->eh.e_phnum,
        .lo = lo + (uint64_t)bias, .hi = hi + (uint64_t)bias,
    };
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        if (f->ph[i].p_type == PT_LOAD) {
            img->end = f->ph[i].p_vaddr + f->ph[i].p_memsz + (uint64_t)bias;
        }
    }
    return LU_ELF_OK;
}

/* ---------------------------------------------------------------------- */
/* The interpreter and the whole load                                       */

/* The PT_INTERP string (g_free), NULL if none; *st gets an error status. */
static char *read_interp(ElfFile *f, int *st)
{
    char *path = NULL;
    *st = LU_ELF_OK;
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_INTERP) {
            continue;
        }
        if (path) {
            *st = fail(f, LU_ELF_BAD, "more than one PT_INTERP");
            break;
        }
        if (p->p_filesz < 2 || p->p_filesz > PATH_MAX) {
            *st = fail(f, LU_ELF_BAD, "bad PT_INTERP size %llu",
                       (unsigned long long)p->p_filesz);
            break;
        }
        path = g_malloc(p->p_filesz);
        if (!read_at(f, path, p->p_filesz, p->p_offset) || path[p->p_filesz - 1] != '\0' ||
            strlen(path) != p->p_filesz - 1) {
            *st = fail(f, LU_ELF_BAD, "PT_INTERP is truncated or not a string");
            break;
        }
    }
    if (*st != LU_ELF_OK) {
        g_free(path);
        return NULL;
    }
    return path;
}

static void elf_close(ElfFile *f)
{
    if (f->fd >= 0 && f->own_fd) {
        close(f->fd);
    }
    g_free(f->ph);
}

static int load_interp(LuMem *m, const char *name, const char *sysroot, LuElfInfo *info,
                       char *err, size_t errlen)
{
    char *path = sysroot ? g_build_filename(sysroot, name, NULL) : g_strdup(name);
    if (sysroot && access(path, F_OK) != 0) {
        g_free(path);
        path = g_strdup(name);
    }
    ElfFile f = { .path = path, .fd = -1, .err = err, .errlen = errlen };
    int st = open_elf(&f, false);
    if (st == LU_ELF_OK) {
        st = check_ehdr(&f);
    }
    if (st == LU_ELF_OK) {
        int ist;
        char *nested = read_interp(&f, &ist);
        st = nested ? fail(&f, LU_ELF_BAD, "the interpreter itself has a PT_INTERP") : ist;
        g_free(nested);
    }
    if (st == LU_ELF_OK) {
        st = map_image(m, &f, 0, &info->interp);
    }
    if (st == LU_ELF_NEED_BASE) {
        /* A fixed-address interpreter over the program: no guest base helps. */
        st = fail(&f, LU_ELF_BAD, "the interpreter's fixed range %#llx-%#llx is taken",
                  (unsigned long long)info->interp.lo, (unsigned long long)info->interp.hi);
    }
    /* Status 127 / 126 as a shell reports the kernel's ENOENT / EACCES. */
    if (st == LU_ELF_NOTFOUND) {
        snprintf(err, errlen, "interpreter %s not found%s (use -L to point at an x86-64 "
                 "sysroot)", name, sysroot ? " in the sysroot or the host" : "");
    }
    elf_close(&f);
    info->interp_path = path;
    info->has_interp = st == LU_ELF_OK;
    return st;
}

int lu_elf_load_fd(LuMem *m, int fd, const char *path, const char *sysroot,
                   LuElfInfo *info, char *err, size_t errlen)
{
    ElfFile f = { .path = path, .fd = fd, .err = err, .errlen = errlen };
    char *interp = NULL;
    memset(info, 0, sizeof(*info));
    int st = open_elf(&f, true);
    if (st == LU_ELF_OK) {
        st = check_ehdr(&f);
    }
    if (st == LU_ELF_OK) {
        interp = read_interp(&f, &st);
    }
    if (st == LU_ELF_OK) {
        st = map_image(m, &f, f.eh.e_type == ET_DYN ? LU_ET_DYN_BASE : 0, &info->exe);
    }
    for (unsigned i = 0; st == LU_ELF_OK && i < f.eh.e_phnum; i++) {
        if (f.ph[i].p_type == PT_GNU_STACK) {
            info->exec_stack = (f.ph[i].p_flags & PF_X) != 0;
        }
    }
    elf_close(&f);
    if (st == LU_ELF_OK && interp) {
        st = load_interp(m, interp, sysroot, info, err, errlen);
    }
    g_free(interp);
    if (st != LU_ELF_OK) {
        return st;
    }
    info->start = info->has_interp ? info->interp.entry : info->exe.entry;
    info->brk = LU_PAGE_ALIGN(info->exe.end);
    return LU_ELF_OK;
}

int lu_elf_load(LuMem *m, const char *path, const char *sysroot, LuElfInfo *info,
                char *err, size_t errlen)
{
    return lu_elf_load_fd(m, -1, path, sysroot, info, err, errlen);
}

void lu_elf_info_clear(LuElfInfo *info)
{
    g_free(info->interp_path);
    info->interp_path = NULL;
}
