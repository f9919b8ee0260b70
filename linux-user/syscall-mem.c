/*
 * syscall-mem.c — the guest's memory calls: mmap, munmap, mprotect,
 * mremap, madvise, msync and brk, on top of guestmem.c's table. Whenever
 * guest code may change under existing translations (a mapping replaced or
 * removed, a protection change involving PROT_EXEC) the range is
 * invalidated. PROT_* / MAP_* / MADV_* values are the same on x86-64 and
 * the hosts (asm-generic), apart from MAP_32BIT which guestmem handles.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/syscall-int.h"

#define LU_PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

/* The guest's map-changing calls run one at a time (p->mmap_lock), so
 * that each acts on the table it looked at. Translations of a changed
 * range are dropped after the change: one made by another thread
 * meanwhile read the old bytes. */
static int64_t mmap_serialized(LuProc *p, const uint64_t *a,
                               int64_t (*fn)(LuProc *p, const uint64_t *a))
{
    pthread_mutex_lock(&p->mmap_lock);
    int64_t r = fn(p, a);
    pthread_mutex_unlock(&p->mmap_lock);
    return r;
}

static int64_t mmap_locked(LuProc *p, const uint64_t *a)
{
    uint64_t addr = a[0], len = a[1];
    int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
    if (prot & ~LU_PROT_ALL) {
        return -EINVAL;
    }
    if (flags & MAP_ANONYMOUS) {
        fd = -1;
    }
    int64_t r = lu_mem_map(p->mem, addr, len, prot, flags, fd, (off_t)a[5]);
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && r >= 0) {
        lu_sys_invalidate(p, addr, len);
    }
    /* Another process can now see this process's stores in order or not
     * (docs/memory-model.md). A shared mapping made writable later by
     * mprotect is not caught: use -tso on for that. */
    int type = flags & MAP_TYPE;
    if (r >= 0 && (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) && prot & PROT_WRITE) {
        lu_sys_go_parallel(p);
    }
    return r;
}

static int64_t munmap_locked(LuProc *p, const uint64_t *a)
{
    int r = lu_mem_unmap(p->mem, a[0], a[1]);
    if (r == 0) {
        lu_sys_invalidate(p, a[0], a[1]);
    }
    return r;
}

static int64_t mprotect_locked(LuProc *p, const uint64_t *a)
{
    int prot = (int)a[2];
    if (prot & ~(LU_PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)) {
        return -EINVAL;
    }
    prot &= LU_PROT_ALL;
    bool code = (prot & PROT_EXEC) || lu_mem_any(p->mem, a[0], a[1], PROT_EXEC);
    int r = lu_mem_protect(p->mem, a[0], a[1], prot);
    if (r == 0 && code) {
        lu_sys_invalidate(p, a[0], a[1]);
    }
    return r;
}

static int64_t sys_mmap(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return mmap_serialized(p, a, mmap_locked);
}

static int64_t sys_munmap(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return mmap_serialized(p, a, munmap_locked);
}

static int64_t sys_mprotect(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return mmap_serialized(p, a, mprotect_locked);
}

/* Move or grow [old, old+old_len) to new_len at dest through the host. */
static int64_t remap_to(LuProc *p, uint64_t old, uint64_t old_len, uint64_t new_len,
                        uint64_t dest, int prot)
{
    LuMem *m = p->mem;
    void *r = mremap(lu_g2h(m, old), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     lu_g2h(m, dest));
    if (r == MAP_FAILED) {
        return -errno;
    }
    lu_mem_forget(m, old, old + old_len);
    lu_mem_record(m, dest, dest + new_len, prot);
    lu_sys_invalidate(p, old, old_len);
    lu_sys_invalidate(p, dest, new_len);
    return (int64_t)dest;
}

/* Under p->mmap_lock: no other guest thread maps between a lookup of the
 * table and the host call. A new place is reserved through the table
 * first (PROT_NONE), so that none of ferry's own threads can map there
 * either before the host mremap moves onto it. */
static int64_t mremap_locked(LuProc *p, const uint64_t *a)
{
    LuMem *m = p->mem;
    uint64_t old = a[0], old_len = LU_PAGE_ALIGN(a[1]), new_len = LU_PAGE_ALIGN(a[2]);
    int flags = (int)a[3];
    if ((old & (LU_PAGE_SIZE - 1)) || new_len == 0 ||
        (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))) {
        return -EINVAL;
    }
    int prot = lu_mem_prot_at(m, old);
    if (prot < 0 || !lu_mem_check(m, old, old_len ? old_len : 1, 0)) {
        return -EFAULT;
    }
    if (flags & MREMAP_FIXED) {
        if (!(flags & MREMAP_MAYMOVE) || (a[4] & (LU_PAGE_SIZE - 1))) {
            return -EINVAL;
        }
        return remap_to(p, old, old_len, new_len, a[4], prot);
    }
    if (new_len <= old_len) {
        if (new_len < old_len) {
            lu_mem_unmap(m, old + new_len, old_len - new_len);
            lu_sys_invalidate(p, old + new_len, old_len - new_len);
        }
        return (int64_t)old;
    }
    /* Grow in place when the guest range above is free. */
    if (lu_mem_find_free(m, old + old_len, new_len - old_len) == old + old_len &&
        mremap(lu_g2h(m, old), old_len, new_len, 0) != MAP_FAILED) {
        lu_mem_record(m, old, old + new_len, prot);
        return (int64_t)old;
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        return -ENOMEM;
    }
    int64_t dest = lu_mem_map(m, 0, new_len, PROT_NONE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (dest < 0) {
        return -ENOMEM;
    }
    int64_t r = remap_to(p, old, old_len, new_len, (uint64_t)dest, prot);
    if (r < 0) {
        lu_mem_unmap(m, (uint64_t)dest, new_len);
    }
    return r;
}

static int64_t sys_mremap(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return mmap_serialized(p, a, mremap_locked);
}

static int64_t sys_madvise(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t addr = a[0], len = LU_PAGE_ALIGN(a[1]);
    int advice = (int)a[2];
    if (addr & (LU_PAGE_SIZE - 1)) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    if (!lu_mem_check(p->mem, addr, len, 0)) {
        return -ENOMEM;
    }
    if (p->mem->host_page == LU_PAGE_SIZE) {
        return lu_ret(madvise(lu_g2h(p->mem, addr), len, advice));
    }
    /* Larger host pages: only DONTNEED has a visible effect (zero-fill
     * of private anonymous memory), done by hand; the rest are hints. */
    if (advice == MADV_DONTNEED && lu_mem_check(p->mem, addr, len, PROT_WRITE)) {
        memset(lu_g2h(p->mem, addr), 0, len);
    }
    return 0;
}

static int64_t sys_msync(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    if (!lu_mem_check(p->mem, a[0], a[1], 0)) {
        return -ENOMEM;
    }
    uint64_t hp = p->mem->host_page;
    uint64_t start = a[0] & ~(hp - 1);
    return lu_ret(msync(lu_g2h(p->mem, start), a[1] + (a[0] - start), (int)a[2]));
}

/* brk: the break moves within [brk_start, ...); pages are mapped and
 * unmapped 4K at a time; a failed growth returns the old break. */
static int64_t sys_brk(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t want = a[0];
    pthread_mutex_lock(&p->lock);
    uint64_t cur = p->brk_cur;
    if (want >= p->brk_start && want < LU_GUEST_ADDR_LIMIT) {
        uint64_t cur_top = LU_PAGE_ALIGN(cur), new_top = LU_PAGE_ALIGN(want);
        if (new_top > cur_top) {
            int64_t r = lu_mem_map(p->mem, cur_top, new_top - cur_top,
                                   PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (r >= 0) {
                p->brk_cur = want;
            }
        } else {
            if (new_top < cur_top) {
                lu_mem_unmap(p->mem, new_top, cur_top - new_top);
            }
            p->brk_cur = want;
        }
    }
    uint64_t r = p->brk_cur;
    pthread_mutex_unlock(&p->lock);
    return (int64_t)r;
}

void lu_sys_mem_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_mmap, sys_mmap, "xpuxxfx" }, { LU_NR_munmap, sys_munmap, "dpu" },
        { LU_NR_mprotect, sys_mprotect, "dpux" }, { LU_NR_mremap, sys_mremap, "xpuuxp" },
        { LU_NR_madvise, sys_madvise, "dpud" }, { LU_NR_msync, sys_msync, "dpux" },
        { LU_NR_brk, sys_brk, "xp" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
