/*
 * guestmem.c — the guest address-space table and the guest's mmap, munmap
 * and mprotect. Placement is ferry's own (top-down below mmap_top, like
 * Linux's mmap base) so that the guest never sees an address above the
 * x86-64 user limit even on a host with a larger address space, and
 * MAP_FIXED_NOREPLACE keeps ferry's own mappings intact.
 */
#include "linux-user/guestmem.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/fatal.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define LU_MAP_32BIT 0x40          /* x86-64 only: a mapping below 2 GiB */
#define LU_MMAP_MIN 0x10000ull     /* Linux's default vm.mmap_min_addr */
#define HOST_RANGE (-1)            /* prot of a range ferry itself owns */

/* Whether the calling thread holds a table's lock: the write-fault path
 * (a signal handler) must not wait for a lock its own thread holds. */
static __thread bool mem_lock_held;

static void mem_lock(LuMem *m)
{
    pthread_mutex_lock(&m->lock);
    mem_lock_held = true;
}

static void mem_unlock(LuMem *m)
{
    mem_lock_held = false;
    pthread_mutex_unlock(&m->lock);
}

static inline LuMemRange *range_at(LuMem *m, guint i)
{
    return &g_array_index(m->ranges, LuMemRange, i);
}

static uint64_t align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }
static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* What the host mapping needs: guest code is read by the translator, never
 * executed by the host, so PROT_EXEC becomes PROT_READ. */
static int host_prot(int prot)
{
    int p = prot & (PROT_READ | PROT_WRITE);
    return (prot & PROT_EXEC) ? p | PROT_READ : p;
}

/* ---------------------------------------------------------------------- */
/* The range table (caller holds m->lock)                                   */

/* Cut [start, end) out of every range (splitting one that straddles it). */
static void table_remove(LuMem *m, uint64_t start, uint64_t end)
{
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->end <= start || r->start >= end) {
            continue;
        }
        if (r->start < start && r->end > end) {
            LuMemRange tail = { end, r->end, r->prot };
            r->end = start;
            g_array_insert_val(m->ranges, i + 1, tail);
            return;
        }
        if (r->start < start) {
            r->end = start;
        } else if (r->end > end) {
            r->start = end;
        } else {
            g_array_remove_index(m->ranges, i);
            i--;
        }
    }
}

static int host_page_prot(LuMem *m, uint64_t hpage);

/* Forget code marks of the host pages touching [start, end) and give
 * them back the protection the table says (callers that change the table
 * set it afresh afterwards anyway; this matters for the part of a large
 * host page that stays mapped). The caller invalidates translations. */
static void code_forget(LuMem *m, uint64_t start, uint64_t end)
{
    if (g_hash_table_size(m->code_pages) == 0) {
        return;
    }
    for (uint64_t hpg = align_down(start, m->host_page); hpg < end; hpg += m->host_page) {
        if (g_hash_table_remove(m->code_pages, (gpointer)(uintptr_t)(hpg / m->host_page))) {
            mprotect(lu_g2h(m, hpg), m->host_page, host_prot(host_page_prot(m, hpg)));
        }
    }
}

static void table_insert(LuMem *m, uint64_t start, uint64_t end, int prot)
{
    guint i = 0;
    if (prot != HOST_RANGE) {
        code_forget(m, start, end);
    }
    table_remove(m, start, end);
    while (i < m->ranges->len && range_at(m, i)->start < start) {
        i++;
    }
    LuMemRange r = { start, end, prot };
    g_array_insert_val(m->ranges, i, r);
    /* Merge with equal neighbours so the table stays small. */
    if (i + 1 < m->ranges->len && range_at(m, i + 1)->start == end &&
        range_at(m, i + 1)->prot == prot) {
        range_at(m, i)->end = range_at(m, i + 1)->end;
        g_array_remove_index(m->ranges, i + 1);
    }
    if (i > 0 && range_at(m, i - 1)->end == start && range_at(m, i - 1)->prot == prot) {
        range_at(m, i - 1)->end = range_at(m, i)->end;
        g_array_remove_index(m->ranges, i);
    }
}

/* Insert [start, end) as a host range only where no guest range is. */
static void table_add_host(LuMem *m, uint64_t start, uint64_t end)
{
    uint64_t cur = start;
    for (guint i = 0; i < m->ranges->len && cur < end; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->end <= cur) {
            continue;
        }
        if (r->start >= end) {
            break;
        }
        if (r->start > cur) {
            uint64_t gap_end = r->start;
            table_insert(m, cur, gap_end, HOST_RANGE);
            /* the table shifted: restart the scan past the gap */
            cur = gap_end;
            i = (guint)-1;
            continue;
        }
        cur = r->end;
    }
    if (cur < end) {
        table_insert(m, cur, end, HOST_RANGE);
    }
}

/* Forget the host ranges and re-read ferry's own mappings; returns the
 * highest host address seen. */
static uint64_t table_refresh_host(LuMem *m)
{
    for (guint i = 0; i < m->ranges->len; i++) {
        if (range_at(m, i)->prot == HOST_RANGE) {
            g_array_remove_index(m->ranges, i--);
        }
    }
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) {
        ferry_die("cannot read /proc/self/maps: %s", strerror(errno));
    }
    char line[512];
    unsigned long long lo, hi, top = 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%llx-%llx", &lo, &hi) != 2) {
            continue;
        }
        if (hi <= (1ull << 57)) {  /* not the kernel's vsyscall page */
            top = hi > top ? hi : top;
        }
        if (hi <= m->guest_base) {
            continue;
        }
        uint64_t glo = lo > m->guest_base ? lo - m->guest_base : 0;
        uint64_t ghi = hi - m->guest_base;
        if (glo < LU_GUEST_ADDR_LIMIT) {
            table_add_host(m, glo, ghi < LU_GUEST_ADDR_LIMIT ? ghi : LU_GUEST_ADDR_LIMIT);
        }
    }
    fclose(f);
    return top;
}

/* ---------------------------------------------------------------------- */
/* Creation and queries                                                     */

LuMem *lu_mem_new(uint64_t guest_base)
{
    LuMem *m = g_new0(LuMem, 1);
    m->guest_base = guest_base;
    m->host_page = (uint64_t)sysconf(_SC_PAGESIZE);
    pthread_mutex_init(&m->lock, NULL);
    m->ranges = g_array_new(FALSE, FALSE, sizeof(LuMemRange));
    m->code_pages = g_hash_table_new(NULL, NULL);
    uint64_t top = table_refresh_host(m);
    /* The host's user address space ends at the next power of two above
     * its highest mapping (its stack): 2^39, 2^47, 2^48... */
    uint64_t host_limit = 1ull << 32;
    while (host_limit < top) {
        host_limit <<= 1;
    }
    /* A guest base at or above that guess means the host is larger than
     * its current mappings show (qemu-user shows a 39-bit view): trust the
     * user's base and allow as much above it. */
    while (host_limit <= guest_base && host_limit < (1ull << 56)) {
        host_limit <<= 1;
    }
    uint64_t limit = host_limit > guest_base ? host_limit - guest_base : 0;
    limit = align_down(limit < LU_GUEST_ADDR_LIMIT ? limit : LU_GUEST_ADDR_LIMIT,
                       m->host_page);
    m->mmap_top = limit > m->host_page ? limit - m->host_page : 0;
    return m;
}

uint64_t lu_mem_pick_base(uint64_t span)
{
    for (uint64_t gb = 1ull << 40; gb < (1ull << 46); gb += 1ull << 40) {
        void *want = (void *)(uintptr_t)gb;
        void *p = mmap(want, span, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != MAP_FAILED) {
            munmap(p, span);
            if (p == want) {
                return gb;
            }
        }
    }
    return 0;
}

void lu_mem_free(LuMem *m)
{
    g_array_free(m->ranges, TRUE);
    g_hash_table_destroy(m->code_pages);
    pthread_mutex_destroy(&m->lock);
    g_free(m);
}

void lu_mem_record(LuMem *m, uint64_t start, uint64_t end, int prot)
{
    mem_lock(m);
    table_insert(m, align_down(start, LU_PAGE_SIZE), align_up(end, LU_PAGE_SIZE), prot);
    mem_unlock(m);
}

void lu_mem_forget(LuMem *m, uint64_t start, uint64_t end)
{
    mem_lock(m);
    table_remove(m, align_down(start, LU_PAGE_SIZE), align_up(end, LU_PAGE_SIZE));
    mem_unlock(m);
}

/* Caller holds the lock. True if [start, end) is covered by guest ranges
 * that all have `prot` (prot 0: any guest range). */
static bool covered(LuMem *m, uint64_t start, uint64_t end, int prot)
{
    uint64_t cur = start;
    for (guint i = 0; i < m->ranges->len && cur < end; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->end <= cur) {
            continue;
        }
        if (r->start > cur || r->prot == HOST_RANGE || (r->prot & prot) != prot) {
            return false;
        }
        cur = r->end;
    }
    return cur >= end;
}

/* Caller holds the lock. True if [start, end) touches a host range. */
static bool overlaps_host(LuMem *m, uint64_t start, uint64_t end)
{
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->prot == HOST_RANGE && r->start < end && r->end > start) {
            return true;
        }
    }
    return false;
}

bool lu_mem_any(LuMem *m, uint64_t addr, uint64_t len, int prot)
{
    bool any = false;
    mem_lock(m);
    for (guint i = 0; i < m->ranges->len && !any; i++) {
        LuMemRange *r = range_at(m, i);
        any = r->prot != HOST_RANGE && (r->prot & prot) && r->start < addr + len &&
              r->end > addr;
    }
    mem_unlock(m);
    return any;
}

bool lu_mem_check(LuMem *m, uint64_t addr, uint64_t len, int prot)
{
    if (len == 0) {
        return true;
    }
    if (addr + len < addr || addr + len > LU_GUEST_ADDR_LIMIT) {
        return false;
    }
    mem_lock(m);
    bool ok = covered(m, align_down(addr, LU_PAGE_SIZE), addr + len, prot);
    mem_unlock(m);
    return ok;
}

int lu_mem_prot_at(LuMem *m, uint64_t addr)
{
    int prot = -1;
    mem_lock(m);
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->start <= addr && addr < r->end) {
            prot = r->prot;
            break;
        }
    }
    mem_unlock(m);
    return prot == HOST_RANGE ? -1 : prot;
}

size_t lu_mem_read(LuMem *m, uint64_t addr, void *buf, size_t len, int prot)
{
    size_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t page_end = align_down(a, LU_PAGE_SIZE) + LU_PAGE_SIZE;
        size_t n = page_end - a < len - done ? page_end - a : len - done;
        if (!lu_mem_check(m, a, n, prot)) {
            break;
        }
        memcpy((uint8_t *)buf + done, lu_g2h(m, a), n);
        done += n;
    }
    return done;
}

/* Caller holds the lock. */
static uint64_t find_free_locked(LuMem *m, uint64_t hint, uint64_t len, uint64_t top)
{
    uint64_t hp = m->host_page;
    if (hint && (hint & (hp - 1)) == 0 && hint >= LU_MMAP_MIN && hint + len > hint &&
        hint + len <= m->mmap_top) {
        bool busy = false;
        for (guint i = 0; i < m->ranges->len && !busy; i++) {
            LuMemRange *r = range_at(m, i);
            busy = r->start < hint + len && r->end > hint;
        }
        if (!busy) {
            return hint;
        }
    }
    uint64_t hi = top;
    for (guint k = m->ranges->len; k-- > 0;) {
        LuMemRange *r = range_at(m, k);
        if (r->start >= hi) {
            continue;
        }
        uint64_t lo = align_up(r->end, hp);
        if (lo < hi && hi - lo >= len) {
            return align_down(hi - len, hp);
        }
        hi = align_down(r->start, hp);
    }
    if (hi > LU_MMAP_MIN && hi - LU_MMAP_MIN >= len) {
        return align_down(hi - len, hp);
    }
    return 0;
}

uint64_t lu_mem_find_free(LuMem *m, uint64_t hint, uint64_t len)
{
    mem_lock(m);
    uint64_t a = find_free_locked(m, hint, align_up(len, m->host_page), m->mmap_top);
    mem_unlock(m);
    return a;
}

/* ---------------------------------------------------------------------- */
/* mmap, munmap, mprotect                                                   */


/* Caller holds the lock. True if a guest range touches [start, end). */
static bool any_guest(LuMem *m, uint64_t start, uint64_t end)
{
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->prot != HOST_RANGE && r->start < end && r->end > start) {
            return true;
        }
    }
    return false;
}

/* Union of the guest protections of the 4K pages in host page hpage. */
static int host_page_prot(LuMem *m, uint64_t hpage)
{
    int prot = 0;
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->prot != HOST_RANGE && r->start < hpage + m->host_page && r->end > hpage) {
            prot |= r->prot;
        }
    }
    return prot;
}

/*
 * A private mapping that does not line up with the host's larger pages:
 * make sure the host pages under it exist and are writable, fill the 4K
 * pages with zeros and the file's bytes, then give every host page the
 * union of its guest pages' protections. (Shared mappings cannot be
 * emulated this way and are refused.)
 */
static int64_t map_fixed_emulated(LuMem *m, uint64_t addr, uint64_t len, int prot,
                                  int flags, int fd, off_t off)
{
    uint64_t hp = m->host_page, end = align_up(addr + len, LU_PAGE_SIZE);
    if ((flags & MAP_TYPE) != MAP_PRIVATE) {
        return -EINVAL;
    }
    for (uint64_t hpg = align_down(addr, hp); hpg < end; hpg += hp) {
        void *h = lu_g2h(m, hpg);
        if (!any_guest(m, hpg, hpg + hp)) {
            if (mmap(h, hp, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                     -1, 0) == MAP_FAILED) {
                return -errno;
            }
        } else if (mprotect(h, hp, PROT_READ | PROT_WRITE) != 0) {
            return -errno;
        }
    }
    memset(lu_g2h(m, addr), 0, end - addr);
    if (fd >= 0) {
        for (uint64_t done = 0; done < len;) {
            ssize_t n = pread(fd, lu_g2h(m, addr + done), len - done, off + (off_t)done);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                return -errno;     /* e.g. EBADF, EACCES: as mmap would */
            }
            if (n == 0) {
                break;             /* past the end of the file: zeros */
            }
            done += (uint64_t)n;
        }
    }
    table_insert(m, addr, end, prot);
    for (uint64_t hpg = align_down(addr, hp); hpg < end; hpg += hp) {
        mprotect(lu_g2h(m, hpg), hp, host_prot(host_page_prot(m, hpg)));
    }
    return (int64_t)addr;
}

static int64_t map_fixed(LuMem *m, uint64_t addr, uint64_t len, int prot, int flags,
                         int fd, off_t off)
{
    uint64_t hp = m->host_page;
    uint64_t end = align_up(addr + len, LU_PAGE_SIZE);
    /* The host pages this touches: one host page may hold several guest pages. */
    uint64_t hs = align_down(addr + m->guest_base, hp) - m->guest_base;
    uint64_t he = align_up(end + m->guest_base, hp) - m->guest_base;
    if (flags & MAP_FIXED_NOREPLACE) {
        /* Anything the table knows is in the way; the host call below
         * catches what ferry mapped since the last refresh. */
        for (guint i = 0; i < m->ranges->len; i++) {
            LuMemRange *r = range_at(m, i);
            if (r->start < end && r->end > addr) {
                return -EEXIST;
            }
        }
    } else if (!covered(m, hs, he, 0)) {
        table_refresh_host(m);
        if (overlaps_host(m, hs, he)) {
            return -ENOMEM;        /* would clobber ferry itself */
        }
    }
    if (hs != addr || (he != end && any_guest(m, end, he))) {
        if (flags & MAP_FIXED_NOREPLACE) {
            table_refresh_host(m);
            if (overlaps_host(m, hs, he)) {
                return -EEXIST;
            }
        }
        return map_fixed_emulated(m, addr, len, prot, flags, fd, off);
    }
    if (!(flags & MAP_FIXED_NOREPLACE)) {
        flags |= MAP_FIXED;
    }
    void *p = mmap(lu_g2h(m, addr), len, host_prot(prot), flags, fd, off);
    if (p == MAP_FAILED) {
        return -errno;
    }
    if (p != lu_g2h(m, addr)) {
        munmap(p, len);            /* an old kernel took NOREPLACE as a hint */
        return -EEXIST;
    }
    table_insert(m, addr, end, prot);
    return (int64_t)addr;
}

static int64_t map_anywhere(LuMem *m, uint64_t hint, uint64_t len, int prot, int flags,
                            int fd, off_t off)
{
    uint64_t top = (flags & LU_MAP_32BIT) ? 0x80000000ull : m->mmap_top;
    flags &= ~(LU_MAP_32BIT | MAP_FIXED | MAP_FIXED_NOREPLACE);
    for (int attempt = 0; attempt < 4; attempt++) {
        uint64_t a = find_free_locked(m, hint, align_up(len, m->host_page), top);
        if (a == 0) {
            return -ENOMEM;
        }
        void *want = lu_g2h(m, a);
        void *p = mmap(want, len, host_prot(prot), flags | MAP_FIXED_NOREPLACE, fd, off);
        if (p == want) {
            table_insert(m, a, align_up(a + len, LU_PAGE_SIZE), prot);
            return (int64_t)a;
        }
        if (p != MAP_FAILED) {
            munmap(p, len);        /* an old kernel took NOREPLACE as a hint */
        } else if (errno != EEXIST) {
            return -errno;
        }
        table_refresh_host(m);     /* ferry mapped something there since */
        hint = 0;
    }
    return -ENOMEM;
}

int64_t lu_mem_map(LuMem *m, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                   off_t off)
{
    if (len == 0 || (off & (LU_PAGE_SIZE - 1)) != 0) {
        return -EINVAL;
    }
    if (len > LU_GUEST_ADDR_LIMIT) {
        return -ENOMEM;
    }
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && ((addr & (LU_PAGE_SIZE - 1)) || addr + len > LU_GUEST_ADDR_LIMIT ||
                  addr + len < addr)) {
        return (addr & (LU_PAGE_SIZE - 1)) ? -EINVAL : -ENOMEM;
    }
    mem_lock(m);
    int64_t r = fixed ? map_fixed(m, addr, len, prot, flags & ~LU_MAP_32BIT, fd, off)
                      : map_anywhere(m, align_down(addr, LU_PAGE_SIZE), len, prot, flags,
                                     fd, off);
    mem_unlock(m);
    return r;
}

int lu_mem_unmap(LuMem *m, uint64_t addr, uint64_t len)
{
    if ((addr & (LU_PAGE_SIZE - 1)) || len == 0 || addr + len < addr ||
        addr + len > LU_GUEST_ADDR_LIMIT) {
        return -EINVAL;
    }
    uint64_t end = align_up(addr + len, LU_PAGE_SIZE);
    mem_lock(m);
    /* Unmap only what the guest owns, and only whole host pages of it. */
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->prot == HOST_RANGE || r->end <= addr || r->start >= end) {
            continue;
        }
        uint64_t lo = align_up(MAX(r->start, addr), m->host_page);
        uint64_t hi = align_down(MIN(r->end, end), m->host_page);
        if (lo < hi) {
            munmap(lu_g2h(m, lo), hi - lo);
        }
    }
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange *r = range_at(m, i);
        if (r->prot != HOST_RANGE && r->end > addr && r->start < end) {
            uint64_t lo = MAX(r->start, addr), hi = MIN(r->end, end);
            table_remove(m, lo, hi);
            i = (guint)-1;         /* rescan: the table changed */
        }
    }
    code_forget(m, addr, end);
    mem_unlock(m);
    return 0;
}

int lu_mem_protect(LuMem *m, uint64_t addr, uint64_t len, int prot)
{
    if (addr & (LU_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    uint64_t end = align_up(addr + len, LU_PAGE_SIZE);
    if (end < addr || end > LU_GUEST_ADDR_LIMIT) {
        return -ENOMEM;
    }
    mem_lock(m);
    int ret = 0;
    if (!covered(m, addr, end, 0)) {
        ret = -ENOMEM;
    } else if (m->host_page == LU_PAGE_SIZE) {
        if (mprotect(lu_g2h(m, addr), end - addr, host_prot(prot)) != 0) {
            ret = -errno;
        }
    } else {
        table_insert(m, addr, end, prot);
        for (uint64_t hpg = align_down(addr, m->host_page); hpg < end; hpg += m->host_page) {
            mprotect(lu_g2h(m, hpg), m->host_page, host_prot(host_page_prot(m, hpg)));
        }
    }
    if (ret == 0) {
        table_insert(m, addr, end, prot);
    }
    mem_unlock(m);
    return ret;
}

/* ---------------------------------------------------------------------- */
/* Self-modifying code                                                      */

void lu_mem_code_mark(LuMem *m, uint64_t addr, uint64_t len)
{
    uint64_t hp = m->host_page;
    mem_lock(m);
    for (uint64_t hpg = align_down(addr, hp); hpg < addr + len; hpg += hp) {
        gpointer key = (gpointer)(uintptr_t)(hpg / hp);
        if (g_hash_table_contains(m->code_pages, key)) {
            continue;
        }
        int prot = host_page_prot(m, hpg);
        /* A page without PROT_EXEC holds no code the translator can read
         * (the caller may mark past the code it ends up reading). */
        if ((prot & PROT_WRITE) && (prot & PROT_EXEC)) {
            g_hash_table_add(m->code_pages, key);
            mprotect(lu_g2h(m, hpg), hp, host_prot(prot) & ~PROT_WRITE);
        }
    }
    mem_unlock(m);
}

bool lu_mem_code_unprotect(LuMem *m, uint64_t addr, uint64_t len, bool try_lock,
                           uint64_t *start, uint64_t *end)
{
    uint64_t hp = m->host_page;
    bool hit = false;
    if (len == 0) {
        return false;
    }
    if (try_lock) {
        /* Another thread holding the lock releases it soon (it never waits
         * for this one); this thread holding it cannot be helped. */
        if (mem_lock_held) {
            return false;
        }
        while (pthread_mutex_trylock(&m->lock) != 0) {
            sched_yield();
        }
        mem_lock_held = true;
    } else {
        mem_lock(m);
    }
    *start = UINT64_MAX;
    *end = 0;
    if (g_hash_table_size(m->code_pages) != 0) {
        for (uint64_t hpg = align_down(addr, hp); hpg < addr + len; hpg += hp) {
            if (g_hash_table_remove(m->code_pages, (gpointer)(uintptr_t)(hpg / hp))) {
                mprotect(lu_g2h(m, hpg), hp, host_prot(host_page_prot(m, hpg)));
                *start = MIN(*start, hpg);
                *end = MAX(*end, hpg + hp);
                hit = true;
            }
        }
    }
    if (!hit && try_lock && covered(m, addr, addr + len, PROT_WRITE)) {
        /* Another thread gave the page back between this write's fault
         * and now: nothing to invalidate, the write just runs again. */
        *start = *end = 0;
        hit = true;
    }
    mem_unlock(m);
    return hit;
}
