/*
 * procfs.c — /proc/self/{maps,auxv,cmdline,environ} as the guest sees
 * them. Each open builds the whole text into a memfd (the kernel's own
 * files are snapshots per read too). maps walks the guest mapping table
 * (guestmem.c) and takes file names, offsets and inodes from the host's
 * /proc/self/maps where the guest mmapped a file, from the ELF images'
 * segments where the loader read a file into anonymous memory, and names
 * the heap, the stack and ranges such as [vdso].
 */
#include "linux-user/procfs.h"

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux-user/syscall-int.h"

/* A guest range with a name (image segment, [stack], [vdso], ...). */
typedef struct NamedRange {
    uint64_t start, end;
    uint64_t offset;               /* file offset of start, 0 for [..] names */
    uint64_t dev, ino;
    char *name;
} NamedRange;

/* Immutable after lu_procfs_init (and lu_procfs_name_range at setup). */
struct LuProcfs {
    GArray *named;                 /* NamedRange, sorted by start */
    uint64_t arg_start, arg_end, env_start, env_end;
    uint8_t *auxv;
    size_t auxv_len;
    LuCpuidFn cpuid;
};

/* One line of a maps file. */
typedef struct MapLine {
    uint64_t start, end, offset, dev, ino;
    int prot;
    bool shared;
    const char *name;              /* NULL for none */
} MapLine;

/* ---------------------------------------------------------------------- */
/* Setup                                                                    */

static void add_named(LuProcfs *fs, uint64_t start, uint64_t end, uint64_t offset,
                      const struct stat *st, const char *name)
{
    NamedRange r = {
        .start = start, .end = end, .offset = offset,
        .dev = st ? st->st_dev : 0, .ino = st ? st->st_ino : 0, .name = g_strdup(name),
    };
    guint i = 0;
    while (i < fs->named->len && g_array_index(fs->named, NamedRange, i).start < start) {
        i++;
    }
    g_array_insert_val(fs->named, i, r);
}

/* The file-backed part of each PT_LOAD of an image, read from its program
 * headers in guest memory (the loader left them there). */
static void add_image(LuProc *p, const LuImage *img, const char *path)
{
    struct stat st;
    if (!path || !img->phdr || stat(path, &st) != 0) {
        return;
    }
    for (unsigned i = 0; i < img->phnum; i++) {
        Elf64_Phdr ph;
        if (lu_mem_read(p->mem, img->phdr + i * sizeof(ph), &ph, sizeof(ph), PROT_READ) !=
            sizeof(ph)) {
            return;
        }
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0) {
            continue;
        }
        uint64_t start = (ph.p_vaddr + img->bias) & ~(LU_PAGE_SIZE - 1);
        uint64_t end = LU_PAGE_ALIGN(ph.p_vaddr + img->bias + ph.p_filesz);
        add_named(p->procfs, start, end, ph.p_offset & ~(LU_PAGE_SIZE - 1), &st, path);
    }
}

/* The end of the guest string at addr (its NUL + 1), or addr. */
static uint64_t gstr_end(LuMem *m, uint64_t addr)
{
    char c = 1;
    uint64_t a = addr;
    while (lu_mem_read(m, a, &c, 1, PROT_READ) == 1 && c) {
        a++;
    }
    return c ? addr : a + 1;
}

static uint64_t gword(LuMem *m, uint64_t addr)
{
    uint64_t v = 0;
    lu_mem_read(m, addr, &v, sizeof(v), PROT_READ);
    return v;
}

/* argv, envp and auxv from the initial stack, as the kernel's mm fields. */
static void read_initial_stack(LuProcfs *fs, LuMem *m, uint64_t sp)
{
    uint64_t argc = gword(m, sp);
    uint64_t w = sp + 8;
    if (argc) {
        fs->arg_start = gword(m, w);
        fs->arg_end = gstr_end(m, gword(m, w + (argc - 1) * 8));
    }
    w += (argc + 1) * 8;
    uint64_t envc = 0;
    while (gword(m, w + envc * 8)) {
        envc++;
    }
    fs->env_start = fs->env_end = fs->arg_end;
    if (envc) {
        fs->env_start = gword(m, w);
        fs->env_end = gstr_end(m, gword(m, w + (envc - 1) * 8));
    }
    w += (envc + 1) * 8;
    uint64_t n = 0;
    while (gword(m, w + n * 16) != AT_NULL) {
        n++;
    }
    fs->auxv_len = (n + 1) * 16;
    fs->auxv = g_malloc0(fs->auxv_len);
    lu_mem_read(m, w, fs->auxv, fs->auxv_len, PROT_READ);
}

void lu_procfs_init(LuProc *p, const LuElfInfo *info, uint64_t sp, uint64_t stack_size,
                    LuCpuidFn cpuid)
{
    LuProcfs *fs = g_new0(LuProcfs, 1);
    fs->named = g_array_new(FALSE, FALSE, sizeof(NamedRange));
    fs->cpuid = cpuid;
    p->procfs = fs;
    read_initial_stack(fs, p->mem, sp);
    add_image(p, &info->exe, p->exe_path);
    if (info->has_interp) {
        add_image(p, &info->interp, info->interp_path);
    }
    /* The stack mapping ends at the host page above the AT_EXECFN string. */
    uint64_t execfn = 0;
    for (size_t i = 0; i + 16 <= fs->auxv_len; i += 16) {
        uint64_t kv[2];
        memcpy(kv, fs->auxv + i, sizeof(kv));
        execfn = kv[0] == AT_EXECFN ? kv[1] : execfn;
    }
    uint64_t hp = p->mem->host_page;
    uint64_t top = (gstr_end(p->mem, execfn) + 8 + hp - 1) & ~(hp - 1);
    uint64_t size = (stack_size + hp - 1) & ~(hp - 1);
    if (execfn && top > size) {
        add_named(fs, top - size, top, 0, NULL, "[stack]");
    }
}

void lu_procfs_name_range(LuProc *p, uint64_t start, uint64_t end, const char *name)
{
    add_named(p->procfs, start, end, 0, NULL, name);
}

void lu_procfs_free(LuProc *p)
{
    LuProcfs *fs = p->procfs;
    if (!fs) {
        return;
    }
    for (guint i = 0; i < fs->named->len; i++) {
        g_free(g_array_index(fs->named, NamedRange, i).name);
    }
    g_array_free(fs->named, TRUE);
    g_free(fs->auxv);
    g_free(fs);
    p->procfs = NULL;
}

/* ---------------------------------------------------------------------- */
/* maps                                                                     */

/* The host's mappings (host addresses), names owned by the array's strings. */
typedef struct HostMap {
    uint64_t start, end, offset, dev, ino;
    bool shared;
    char *name;
} HostMap;

static GArray *read_host_maps(void)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(HostMap));
    FILE *f = fopen("/proc/self/maps", "re");
    char line[PATH_MAX + 128];
    while (f && fgets(line, sizeof(line), f)) {
        HostMap h = { 0 };
        unsigned long long s, e, off, ino;
        unsigned maj, min;
        char perms[8];
        int n = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &s, &e, perms, &off, &maj, &min,
                   &ino, &n) < 7) {
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        h = (HostMap){ .start = s, .end = e, .offset = off, .dev = makedev(maj, min),
                       .ino = ino, .shared = perms[3] == 's',
                       .name = line[n] == '/' ? g_strdup(line + n) : NULL };
        g_array_append_val(a, h);
    }
    if (f) {
        fclose(f);
    }
    return a;
}

static void free_host_maps(GArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        g_free(g_array_index(a, HostMap, i).name);
    }
    g_array_free(a, TRUE);
}

/* The guest's mappings (prot >= 0), copied under the table's lock. */
static GArray *guest_ranges(LuMem *m)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(LuMemRange));
    pthread_mutex_lock(&m->lock);
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange r = g_array_index(m->ranges, LuMemRange, i);
        if (r.prot >= 0) {
            g_array_append_val(a, r);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return a;
}

/* Fill line for guest address a from the host map covering it (or none),
 * limiting line->end. */
static void from_host(MapLine *line, uint64_t a, uint64_t gb, GArray *host, guint *hi)
{
    while (*hi < host->len && g_array_index(host, HostMap, *hi).end <= a + gb) {
        (*hi)++;
    }
    if (*hi >= host->len) {
        return;
    }
    const HostMap *h = &g_array_index(host, HostMap, *hi);
    if (h->start > a + gb) {
        line->end = MIN(line->end, h->start - gb);
        return;
    }
    line->end = MIN(line->end, h->end - gb);
    line->shared = h->shared;
    if (h->ino) {
        line->offset = h->offset + (a + gb - h->start);
        line->dev = h->dev;
        line->ino = h->ino;
        line->name = h->name;
    }
}

/* Anonymous on the host: a named range (an image segment, [stack]) may say more. */
static void from_named(MapLine *line, uint64_t a, const GArray *named)
{
    for (guint i = 0; i < named->len; i++) {
        const NamedRange *r = &g_array_index(named, NamedRange, i);
        if (r->start <= a && a < r->end) {
            line->end = MIN(line->end, r->end);
            line->offset = r->offset + (r->ino ? a - r->start : 0);
            line->dev = r->dev;
            line->ino = r->ino;
            line->name = r->name;
            return;
        }
        if (r->start > a) {
            line->end = MIN(line->end, r->start);
            return;
        }
    }
}

static bool mergeable(const MapLine *a, const MapLine *b)
{
    return a->end == b->start && a->prot == b->prot && a->shared == b->shared &&
           a->dev == b->dev && a->ino == b->ino && g_strcmp0(a->name, b->name) == 0 &&
           (a->ino == 0 || a->offset + (a->end - a->start) == b->offset);
}

/* A path as the guest knows it: without the -L prefix. */
static const char *guest_name(LuProc *p, const char *name)
{
    size_t n = p->sysroot ? strlen(p->sysroot) : 0;
    if (name && n && strncmp(name, p->sysroot, n) == 0 && name[n] == '/') {
        return name + n;
    }
    return name;
}

static void print_line(GString *s, LuProc *p, const MapLine *l)
{
    size_t before = s->len;
    g_string_append_printf(s, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64
                           " %02x:%02x %" PRIu64 " ", l->start, l->end,
                           l->prot & PROT_READ ? 'r' : '-', l->prot & PROT_WRITE ? 'w' : '-',
                           l->prot & PROT_EXEC ? 'x' : '-', l->shared ? 's' : 'p', l->offset,
                           major(l->dev), minor(l->dev), l->ino);
    if (l->name) {
        /* The kernel pads to column 73 (25 + 6 * sizeof(void *) - 1). */
        while (s->len - before < 73) {
            g_string_append_c(s, ' ');
        }
        g_string_append(s, guest_name(p, l->name));
    }
    g_string_append_c(s, '\n');
}

/* The guest's /proc/self/maps. */
static GString *maps_text(LuProc *p)
{
    LuProcfs *fs = p->procfs;
    GArray *ranges = guest_ranges(p->mem), *host = read_host_maps();
    GArray *named = g_array_copy(fs->named);
    pthread_mutex_lock(&p->lock);
    uint64_t brk0 = p->brk_start, brk1 = LU_PAGE_ALIGN(p->brk_cur);
    pthread_mutex_unlock(&p->lock);
    NamedRange heap = { .start = brk0, .end = brk1, .name = "[heap]" };
    guint at = 0;
    while (at < named->len && g_array_index(named, NamedRange, at).start < brk0) {
        at++;
    }
    if (brk1 > brk0) {
        g_array_insert_val(named, at, heap);
    }
    GString *s = g_string_new(NULL);
    MapLine prev = { 0 };
    guint hi = 0;
    for (guint i = 0; i < ranges->len; i++) {
        const LuMemRange *r = &g_array_index(ranges, LuMemRange, i);
        for (uint64_t a = r->start; a < r->end;) {
            MapLine l = { .start = a, .end = r->end, .prot = r->prot };
            from_host(&l, a, p->mem->guest_base, host, &hi);
            if (!l.ino) {
                from_named(&l, a, named);
            }
            if (mergeable(&prev, &l)) {
                prev.end = l.end;
            } else {
                if (prev.end) {
                    print_line(s, p, &prev);
                }
                prev = l;
            }
            a = l.end;
        }
    }
    if (prev.end) {
        print_line(s, p, &prev);
    }
    g_array_free(named, TRUE);
    g_array_free(ranges, TRUE);
    free_host_maps(host);
    return s;
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                  */

const char *lu_procfs_self_file(const char *path)
{
    static const char *const prefixes[] = { "/proc/self/", "/proc/thread-self/" };
    for (unsigned i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(path, prefixes[i])) {
            return path + strlen(prefixes[i]);
        }
    }
    char own[32];
    int n = snprintf(own, sizeof(own), "/proc/%d/", (int)getpid());
    return strncmp(path, own, (size_t)n) == 0 ? path + n : NULL;
}

/* A read-only fd holding len bytes of data, positioned at 0. */
static int64_t content_fd(const void *data, size_t len, int host_flags)
{
    int fd = memfd_create("ferry-proc", (host_flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0) {
        return -errno;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, (const char *)data + done, len - done);
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            return -e;
        }
        done += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int64_t guest_bytes_fd(LuProc *p, uint64_t start, uint64_t end, int host_flags)
{
    size_t len = end > start ? end - start : 0;
    char *buf = g_malloc(len + 1);
    len = lu_mem_read(p->mem, start, buf, len, PROT_READ);
    int64_t fd = content_fd(buf, len, host_flags);
    g_free(buf);
    return fd;
}

/* exe is not here: lu_gpath already turns every path to it into the
 * guest program's. */
enum { VIEW_NONE, VIEW_MAPS, VIEW_AUXV, VIEW_CMDLINE, VIEW_ENVIRON, VIEW_CPUINFO };

static int view_of(const char *path)
{
    static const char *const names[] = {
        [VIEW_MAPS] = "maps", [VIEW_AUXV] = "auxv", [VIEW_CMDLINE] = "cmdline",
        [VIEW_ENVIRON] = "environ",
    };
    if (strcmp(path, "/proc/cpuinfo") == 0) {
        return VIEW_CPUINFO;
    }
    const char *name = lu_procfs_self_file(path);
    for (int v = VIEW_MAPS; name && v <= VIEW_ENVIRON; v++) {
        if (strcmp(name, names[v]) == 0) {
            return v;
        }
    }
    return VIEW_NONE;
}

/* path made absolute against dirfd (AT_FDCWD: the cwd) when that is in
 * /proc, the only place the views are; else path itself. */
static const char *proc_absolute(int dirfd, const char *path, char *buf)
{
    char dir[PATH_MAX];
    if (path[0] == '/') {
        return path;
    }
    ssize_t n;
    if (dirfd == AT_FDCWD) {
        n = getcwd(dir, sizeof(dir)) ? (ssize_t)strlen(dir) : -1;
    } else {
        char link[32];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        n = readlink(link, dir, sizeof(dir) - 1);
    }
    if (n < 5 || strncmp(dir, "/proc", 5) != 0 || (n > 5 && dir[5] != '/')) {
        return path;
    }
    dir[n] = '\0';
    return snprintf(buf, PATH_MAX, "%s/%s", dir, path) < PATH_MAX ? buf : path;
}

bool lu_procfs_open(LuProc *p, int dirfd, const char *path, int host_flags, int64_t *ret)
{
    LuProcfs *fs = p->procfs;
    char abs[PATH_MAX];
    int v = fs ? view_of(proc_absolute(dirfd, path, abs)) : VIEW_NONE;
    if (!fs || v == VIEW_NONE || (v == VIEW_CPUINFO && !fs->cpuid)) {
        return false;
    }
    if ((host_flags & O_ACCMODE) != O_RDONLY) {
        *ret = -EACCES;
        return true;
    }
    GString *text = NULL;
    switch (v) {
    case VIEW_MAPS: text = maps_text(p); break;
    case VIEW_CPUINFO: text = lu_procfs_cpuinfo(fs->cpuid); break;
    case VIEW_AUXV: *ret = content_fd(fs->auxv, fs->auxv_len, host_flags); break;
    case VIEW_CMDLINE: *ret = guest_bytes_fd(p, fs->arg_start, fs->arg_end, host_flags); break;
    default: *ret = guest_bytes_fd(p, fs->env_start, fs->env_end, host_flags); break;
    }
    if (text) {
        *ret = content_fd(text->str, text->len, host_flags);
        g_string_free(text, TRUE);
    }
    return true;
}
