/*
 * softmmu.c — guest memory from C: the load/store/atomic slow paths that
 * native code calls on a TLB miss and that the interpreter uses for every
 * access, in user mode (host = guest_base + addr) and softmmu mode (per-CPU
 * TLB, MMIO callbacks, NOTDIRTY code pages, page-crossing accesses). Also
 * TLB maintenance and the non-local exit back to the exec loop.
 *
 * Atomics the host cannot do in one instruction take links on their pages
 * (jit/excl-link.c); stores to a JIT_TLB_LINKED page serialize with them.
 * Not done yet: JIT_TLB_WATCH pages are accessed as plain RAM, and
 * IR_MO_ATOM on a 16-byte load or store is two 8-byte atomic halves.
 */
#include "jit/softmmu.h"

#include <glib.h>
#include <string.h>

#include "jit/excl-link.h"
#include "jit/fatal.h"

void (*jit_notdirty_hook)(JitCpu *cpu, uint64_t addr, unsigned size);
void (*jit_unaligned_hook)(JitCpu *cpu, uint64_t addr, JitAccess access, unsigned mmu,
                           uintptr_t ra);
void (*jit_user_exclusive_hook)(JitCpu *cpu, bool begin);
__thread uintptr_t jit_user_access_ra;
__thread uintptr_t jit_interp_helper_ra;

/*
 * The atomics that cannot be done with one host atomic instruction
 * (crossing a line or a page, MMIO, watch/linked pages, misaligned in user
 * mode, 16 bytes on hosts without a 16-byte CAS) run holding jit_link_lock,
 * after linking their RAM pages in softmmu mode (fallback_begin). That makes
 * them atomic with respect to each other and to every other CPU's stores to
 * those pages. User mode has no TLB: there the fallback runs in an
 * exclusive section (every other guest thread parked between TBs or in a
 * syscall, DESIGN §6) through jit_user_exclusive_hook. Every
 * page involved is probed before the lock is taken so that a guest fault
 * never leaves with it held (user mode cannot probe: a fault there under
 * the lock is fatal for the process, like a split lock to an unmapped page).
 */

/* ---------------------------------------------------------------------- */
/* Raw little-endian host accesses                                         */

/*
 * A naturally aligned access is one host atomic access: loads acquire and
 * stores release, which is x86-TSO for the accesses done here (a weakly
 * ordered host may still reorder a store with a later load, as x86 does)
 * and makes them single-copy atomic. Misaligned ones are aligned pieces
 * (below) bracketed by the same fences (an acquire fence after a load, a
 * release fence before a store), so they keep the order too.
 */
/*
 * A misaligned access within a 64-byte line is one host access (memcpy
 * compiles to one unaligned load or store), which x86 hosts make atomic as
 * x86 guests expect. One that crosses a line is atomic on no host: it is
 * done as the fewest naturally aligned pieces, each a relaxed atomic, so
 * that an aligned access of another thread overlapping it sees each piece
 * whole (never a torn aligned word) and it is not a C data race.
 */
static inline bool crosses_line(uintptr_t a, unsigned size)
{
    return (a & 63) + size > 64;
}

static unsigned piece_size(uintptr_t a, unsigned left)
{
    unsigned k = 8;

    while (k > left || (a & (k - 1))) {
        k >>= 1;
    }
    return k;
}

static uint64_t piece_ld(const uint8_t *p, unsigned k)
{
    switch (k) {
    case 8: return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
    case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
    case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
    default: return __atomic_load_n(p, __ATOMIC_RELAXED);
    }
}

static void piece_st(uint8_t *p, uint64_t v, unsigned k)
{
    switch (k) {
    case 8: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); break;
    case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); break;
    case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); break;
    default: __atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED); break;
    }
}

static uint64_t host_ld(const void *p, unsigned size)
{
    uint64_t d;

    if (((uintptr_t)p & (size - 1)) == 0) {
        switch (size) {
        case 1: return __atomic_load_n((const uint8_t *)p, __ATOMIC_ACQUIRE);
        case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
        case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
        default: return __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE);
        }
    }
    if (!crosses_line((uintptr_t)p, size)) {
        switch (size) {
        case 2: { uint16_t h; memcpy(&h, p, 2); d = h; break; }
        case 4: { uint32_t w; memcpy(&w, p, 4); d = w; break; }
        default: memcpy(&d, p, 8); break;
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        return d;
    }
    d = 0;
    for (unsigned off = 0; off < size;) {
        unsigned k = piece_size((uintptr_t)p + off, size - off);
        d |= piece_ld((const uint8_t *)p + off, k) << (8 * off);
        off += k;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return d;
}

static void host_st(void *p, uint64_t v, unsigned size)
{
    if (((uintptr_t)p & (size - 1)) == 0) {
        switch (size) {
        case 1: __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELEASE); return;
        case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELEASE); return;
        case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELEASE); return;
        default: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELEASE); return;
        }
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (!crosses_line((uintptr_t)p, size)) {
        uint16_t h = v;
        uint32_t w = v;
        memcpy(p, size == 2 ? (void *)&h : size == 4 ? (void *)&w : (void *)&v, size);
        return;
    }
    for (unsigned off = 0; off < size;) {
        unsigned k = piece_size((uintptr_t)p + off, size - off);
        piece_st((uint8_t *)p + off, v >> (8 * off), k);
        off += k;
    }
}

static uint64_t bswap_n(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16(v);
    case 4: return __builtin_bswap32(v);
    case 8: return __builtin_bswap64(v);
    default: return v & 0xff;
    }
}

/* Turn the raw little-endian memory value into the register value. */
static uint64_t ld_finish(uint64_t raw, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);

    if (mo & IR_MO_BSWAP) {
        raw = bswap_n(raw, size);
    }
    if ((mo & IR_MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        raw = (uint64_t)((int64_t)(raw << sh) >> sh);
    }
    return raw;
}

/* Turn a register value into the raw little-endian memory value. */
static uint64_t st_prepare(uint64_t val, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);

    if (size < 8) {
        val &= (1ull << (8 * size)) - 1;
    }
    return (mo & IR_MO_BSWAP) ? bswap_n(val, size) : val;
}

static void check_align(JitCpu *cpu, uint64_t addr, uint32_t oi, JitAccess acc, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);

    if ((mo & IR_MO_ALIGN) && (addr & (ir_memop_size(mo) - 1))) {
        if (jit_unaligned_hook) {
            jit_unaligned_hook(cpu, addr, acc, jit_oi_mmu(oi), ra);
        }
        ferry_die("misaligned guest access at 0x%" G_GINT64_MODIFIER "x not raised", addr);
    }
}

static inline void *user_host(JitCpu *cpu, uint64_t addr)
{
    return (void *)(uintptr_t)(cpu->guest_base + addr);
}

/* ---------------------------------------------------------------------- */
/* TLB lookup                                                              */

static inline unsigned tlb_index(uint64_t addr)
{
    return (addr >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1);
}

static inline uint64_t entry_tag(const JitTlbEntry *e, JitAccess acc)
{
    return acc == JIT_ACCESS_READ ? e->addr_read
         : acc == JIT_ACCESS_WRITE ? e->addr_write : e->addr_code;
}

/* Where one in-page access goes: RAM at host, or MMIO with iotlb. */
typedef struct PageAccess {
    uint8_t *host;                 /* NULL for MMIO */
    uint64_t iotlb;
    unsigned flags;                /* JIT_TLB_* of the entry */
} PageAccess;

/* Look up addr's page for acc, calling tlb_fill on a miss (may not return). */
static PageAccess tlb_lookup(JitCpu *cpu, uint64_t addr, JitAccess acc, unsigned mmu,
                             uintptr_t ra)
{
    uint64_t page = addr & JIT_PAGE_MASK;
    unsigned idx = tlb_index(addr);
    JitTlbEntry *e = &cpu->tlb[mmu][idx];
    uint64_t tag = entry_tag(e, acc);

    if ((tag & (JIT_PAGE_MASK | JIT_TLB_INVALID)) != page) {
        cpu->mem_ops->tlb_fill(cpu, addr, acc, mmu, ra);
        tag = entry_tag(e, acc);
        if ((tag & (JIT_PAGE_MASK | JIT_TLB_INVALID)) != page) {
            ferry_die("tlb_fill returned without mapping 0x%" G_GINT64_MODIFIER "x", addr);
        }
    }
    PageAccess pa = { .flags = tag & JIT_TLB_FLAGS_MASK };
    if (pa.flags & JIT_TLB_MMIO) {
        pa.iotlb = cpu->iotlb[mmu][idx];
    } else {
        pa.host = (uint8_t *)(uintptr_t)(addr + e->addend);
    }
    return pa;
}

/* Raw load of size bytes that do not cross a page. */
static uint64_t ld_in_page(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu,
                           uintptr_t ra)
{
    PageAccess pa = tlb_lookup(cpu, addr, JIT_ACCESS_READ, mmu, ra);

    if (!pa.host) {
        return cpu->mem_ops->io_read(cpu, pa.iotlb, addr, size, ra);
    }
    return host_ld(pa.host, size);
}

/*
 * Stores into code pages done inside a fallback atomic are reported only
 * after it has released jit_link_lock: the hook takes jit_tb_lock and may
 * leave through jit_cpu_loop_exit, which must not happen with the lock
 * held. The range of this thread's deferred report:
 */
static __thread uint64_t nd_start, nd_end;

static void notdirty_report(JitCpu *cpu, uint64_t addr, unsigned size)
{
    if (!jit_link_held()) {
        jit_notdirty_hook(cpu, addr, size);
        return;
    }
    if (nd_start == nd_end) {
        nd_start = addr;
        nd_end = addr + size;
    } else {
        nd_start = addr < nd_start ? addr : nd_start;
        nd_end = addr + size > nd_end ? addr + size : nd_end;
    }
}

/* Raw store of size bytes that do not cross a page. */
static void st_in_page(JitCpu *cpu, uint64_t addr, uint64_t raw, unsigned size,
                       unsigned mmu, uintptr_t ra)
{
    PageAccess pa = tlb_lookup(cpu, addr, JIT_ACCESS_WRITE, mmu, ra);

    if (!pa.host) {
        cpu->mem_ops->io_write(cpu, pa.iotlb, addr, raw, size, ra);
        return;
    }
    if (!(pa.flags & JIT_TLB_LINKED)) {
        host_st(pa.host, raw, size);
    } else if (jit_link_held()) {
        host_st(pa.host, raw, size);     /* this thread's own atomic */
    } else {
        /* Another CPU may be inside a split atomic on this page. */
        cpu->linked_stores++;
        jit_mutex_lock(&jit_link_lock);
        host_st(pa.host, raw, size);
        jit_mutex_unlock(&jit_link_lock);
    }
    if ((pa.flags & JIT_TLB_NOTDIRTY) && jit_notdirty_hook) {
        notdirty_report(cpu, addr, size);
    }
}

static inline bool crosses_page(uint64_t addr, unsigned size)
{
    return (addr & ~JIT_PAGE_MASK) + size > JIT_PAGE_SIZE;
}

/* Raw softmmu load of 1..8 bytes, split into bytes when crossing a page. */
static uint64_t mmu_ld_raw(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu,
                           uintptr_t ra)
{
    uint64_t v = 0;

    if (!crosses_page(addr, size)) {
        return ld_in_page(cpu, addr, size, mmu, ra);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= ld_in_page(cpu, addr + i, 1, mmu, ra) << (8 * i);
    }
    return v;
}

/*
 * Raw softmmu store of 1..8 bytes. A page-crossing store first makes sure
 * both pages are writable so that a fault on the second page leaves the
 * first one untouched (x86 stores are all or nothing).
 */
static void mmu_st_raw(JitCpu *cpu, uint64_t addr, uint64_t raw, unsigned size,
                       unsigned mmu, uintptr_t ra)
{
    if (!crosses_page(addr, size)) {
        st_in_page(cpu, addr, raw, size, mmu, ra);
        return;
    }
    tlb_lookup(cpu, addr, JIT_ACCESS_WRITE, mmu, ra);
    tlb_lookup(cpu, addr + size - 1, JIT_ACCESS_WRITE, mmu, ra);
    for (unsigned i = 0; i < size; i++) {
        st_in_page(cpu, addr + i, raw >> (8 * i), 1, mmu, ra);
    }
}

/* Raw load/store in either mode. */
static uint64_t ld_raw(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu, uintptr_t ra)
{
    if (cpu->mem_mode == JIT_MEM_USER) {
        jit_user_access_ra = ra;
        uint64_t v = host_ld(user_host(cpu, addr), size);
        jit_user_access_ra = 0;
        return v;
    }
    return mmu_ld_raw(cpu, addr, size, mmu, ra);
}

static void st_raw(JitCpu *cpu, uint64_t addr, uint64_t raw, unsigned size, unsigned mmu,
                   uintptr_t ra)
{
    if (cpu->mem_mode == JIT_MEM_USER) {
        jit_user_access_ra = ra;
        host_st(user_host(cpu, addr), raw, size);
        jit_user_access_ra = 0;
        return;
    }
    mmu_st_raw(cpu, addr, raw, size, mmu, ra);
}

/* ---------------------------------------------------------------------- */
/* Loads and stores                                                        */

/*
 * IR_MO_TSO (docs/memory-model.md): a load is ordered before every later
 * access, a store after every earlier one. The accesses here are plain C,
 * so the ordering comes from fences around them: GCC emits nothing but a
 * compiler barrier for these on an x86-64 host (TSO already), DMB ISHLD /
 * DMB ISH on arm64 and DBAR on loongarch64. Backends' slow paths and the
 * interpreter both come through here.
 */
static inline void tso_after_load(IrMemOp mo)
{
    if (mo & IR_MO_TSO) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    }
}

static inline void tso_before_store(IrMemOp mo)
{
    if (mo & IR_MO_TSO) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
}

uint64_t jit_ld_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);

    check_align(cpu, addr, oi, JIT_ACCESS_READ, ra);
    uint64_t raw = ld_raw(cpu, addr, ir_memop_size(mo), jit_oi_mmu(oi), ra);
    tso_after_load(mo);
    return ld_finish(raw, mo);
}

void jit_st_helper(JitCpu *cpu, uint64_t addr, uint64_t val, uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);

    check_align(cpu, addr, oi, JIT_ACCESS_WRITE, ra);
    tso_before_store(mo);
    st_raw(cpu, addr, st_prepare(val, mo), ir_memop_size(mo), jit_oi_mmu(oi), ra);
}

/*
 * 16 bytes as two 8-byte halves, low address first; with IR_MO_BSWAP the
 * whole 16 bytes are reversed. Each half is single-copy atomic when it is
 * aligned RAM; the pair is not (IR_MO_ATOM on a 16-byte load is not
 * honoured here yet: x86 only needs it for CMPXCHG16B, an atomic op).
 */
void jit_ld128_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra, uint64_t out[2])
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned mmu = jit_oi_mmu(oi);

    check_align(cpu, addr, oi, JIT_ACCESS_READ, ra);
    if (cpu->mem_mode == JIT_MEM_SOFTMMU && crosses_page(addr, 16)) {
        /* Probe both pages first so a fault happens before any MMIO read. */
        tlb_lookup(cpu, addr, JIT_ACCESS_READ, mmu, ra);
        tlb_lookup(cpu, addr + 15, JIT_ACCESS_READ, mmu, ra);
    }
    uint64_t lo = ld_raw(cpu, addr, 8, mmu, ra);
    uint64_t hi = ld_raw(cpu, addr + 8, 8, mmu, ra);
    tso_after_load(mo);
    if (mo & IR_MO_BSWAP) {
        out[0] = __builtin_bswap64(hi);
        out[1] = __builtin_bswap64(lo);
    } else {
        out[0] = lo;
        out[1] = hi;
    }
}

void jit_st128_helper(JitCpu *cpu, uint64_t addr, const uint64_t val[2], uint32_t oi,
                      uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned mmu = jit_oi_mmu(oi);
    uint64_t lo = val[0], hi = val[1];

    check_align(cpu, addr, oi, JIT_ACCESS_WRITE, ra);
    if (mo & IR_MO_BSWAP) {
        lo = __builtin_bswap64(val[1]);
        hi = __builtin_bswap64(val[0]);
    }
    if (cpu->mem_mode == JIT_MEM_SOFTMMU) {
        /* All or nothing: both pages must be writable before any byte. */
        tlb_lookup(cpu, addr, JIT_ACCESS_WRITE, mmu, ra);
        tlb_lookup(cpu, addr + 15, JIT_ACCESS_WRITE, mmu, ra);
    }
    tso_before_store(mo);
    st_raw(cpu, addr, lo, 8, mmu, ra);
    st_raw(cpu, addr + 8, hi, 8, mmu, ra);
}

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

/*
 * The host address for an atomic of size bytes at addr if it can be done
 * with one host atomic instruction (RAM, naturally aligned, no watch or
 * link flag), else NULL after probing every page involved for read and
 * write. *notdirty is set when a store there must be reported.
 */
static void *atomic_host(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu,
                         uintptr_t ra, bool *notdirty)
{
    bool aligned = (addr & (size - 1)) == 0;

    *notdirty = false;
    if (cpu->mem_mode == JIT_MEM_USER) {
        return aligned ? user_host(cpu, addr) : NULL;
    }
    PageAccess w = tlb_lookup(cpu, addr, JIT_ACCESS_WRITE, mmu, ra);
    tlb_lookup(cpu, addr, JIT_ACCESS_READ, mmu, ra);
    if (aligned && w.host && !(w.flags & (JIT_TLB_WATCH | JIT_TLB_LINKED))) {
        *notdirty = (w.flags & JIT_TLB_NOTDIRTY) != 0;
        return w.host;
    }
    if (crosses_page(addr, size)) {
        tlb_lookup(cpu, addr + size - 1, JIT_ACCESS_WRITE, mmu, ra);
        tlb_lookup(cpu, addr + size - 1, JIT_ACCESS_READ, mmu, ra);
    }
    return NULL;
}

/* Host page of the RAM page holding addr, 0 for MMIO. Probed already. */
static uintptr_t host_page_of(JitCpu *cpu, uint64_t addr, unsigned mmu, uintptr_t ra)
{
    PageAccess pa = tlb_lookup(cpu, addr, JIT_ACCESS_WRITE, mmu, ra);

    return pa.host ? (uintptr_t)pa.host - (uintptr_t)(addr & ~JIT_PAGE_MASK) : 0;
}

/* Enter the fallback of an atomic of size bytes at addr (see above). */
static void fallback_begin(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu,
                           uintptr_t ra) ACQUIRE(jit_link_lock)
{
    uintptr_t hp[2] = { 0, 0 };

    if (cpu->mem_mode == JIT_MEM_SOFTMMU) {
        hp[0] = host_page_of(cpu, addr, mmu, ra);
        if (crosses_page(addr, size)) {
            hp[1] = host_page_of(cpu, addr + size - 1, mmu, ra);
        }
    } else if (jit_user_exclusive_hook) {
        /* No TLB to divert other threads' stores: stop them instead. */
        jit_user_exclusive_hook(cpu, true);
    }
    jit_link_acquire(cpu, hp);
}

/* Leave the fallback: release the lock, then report code-page stores. */
static void fallback_end(JitCpu *cpu) RELEASE(jit_link_lock)
{
    uint64_t start = nd_start, end = nd_end;

    jit_link_release(cpu);
    if (cpu->mem_mode == JIT_MEM_USER && jit_user_exclusive_hook) {
        jit_user_exclusive_hook(cpu, false);
    }
    if (start != end) {
        nd_start = nd_end = 0;
        jit_notdirty_hook(cpu, start, (unsigned)(end - start));
    }
}

static uint64_t host_cmpxchg(void *p, uint64_t cmp, uint64_t nv, unsigned size)
{
    switch (size) {
    case 1: { uint8_t c = cmp;
        __atomic_compare_exchange_n((uint8_t *)p, &c, (uint8_t)nv, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c; }
    case 2: { uint16_t c = cmp;
        __atomic_compare_exchange_n((uint16_t *)p, &c, (uint16_t)nv, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c; }
    case 4: { uint32_t c = cmp;
        __atomic_compare_exchange_n((uint32_t *)p, &c, (uint32_t)nv, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c; }
    default: { uint64_t c = cmp;
        __atomic_compare_exchange_n((uint64_t *)p, &c, nv, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c; }
    }
}

static uint64_t rmw_apply(JitAtomicOp op, uint64_t old, uint64_t val)
{
    switch (op) {
    case JIT_ATOMIC_XCHG: return val;
    case JIT_ATOMIC_ADD:  return old + val;
    case JIT_ATOMIC_AND:  return old & val;
    case JIT_ATOMIC_OR:   return old | val;
    default:              return old ^ val;
    }
}

/* A read-modify-write as a CAS loop: one code path for every size and op. */
static uint64_t host_rmw(void *p, uint64_t val, JitAtomicOp op, unsigned size)
{
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    uint64_t old = host_ld(p, size), seen;

    /* The first load is a plain one: the CAS below validates it. */
    for (;;) {
        seen = host_cmpxchg(p, old, rmw_apply(op, old, val) & mask, size);
        if (seen == old) {
            return old;
        }
        old = seen;
    }
}

/* Byte-swapped atomics work on register values: swap operands and result. */
uint64_t jit_atomic_cmpxchg_helper(JitCpu *cpu, uint64_t addr, uint64_t cmp, uint64_t nv,
                                   uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned size = ir_memop_size(mo), mmu = jit_oi_mmu(oi);
    uint64_t rcmp = st_prepare(cmp, mo), rnv = st_prepare(nv, mo), old;
    bool notdirty;

    check_align(cpu, addr, oi, JIT_ACCESS_WRITE, ra);
    void *host = atomic_host(cpu, addr, size, mmu, ra, &notdirty);
    if (host) {
        jit_user_access_ra = ra;
        old = host_cmpxchg(host, rcmp, rnv, size);
        jit_user_access_ra = 0;
        if (notdirty && old == rcmp && jit_notdirty_hook) {
            jit_notdirty_hook(cpu, addr, size);
        }
    } else {
        fallback_begin(cpu, addr, size, mmu, ra);
        old = ld_raw(cpu, addr, size, mmu, ra);
        if (old == rcmp) {
            st_raw(cpu, addr, rnv, size, mmu, ra);
        }
        fallback_end(cpu);
    }
    return ld_finish(old, mo);
}

uint64_t jit_atomic_rmw_helper(JitCpu *cpu, uint64_t addr, uint64_t val, JitAtomicOp op,
                               uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned size = ir_memop_size(mo), mmu = jit_oi_mmu(oi);
    uint64_t old, nv;
    bool notdirty;

    check_align(cpu, addr, oi, JIT_ACCESS_WRITE, ra);
    void *host = atomic_host(cpu, addr, size, mmu, ra, &notdirty);
    if (host && !(mo & IR_MO_BSWAP)) {
        jit_user_access_ra = ra;
        old = host_rmw(host, st_prepare(val, mo), op, size);
        jit_user_access_ra = 0;
        if (notdirty && jit_notdirty_hook) {
            jit_notdirty_hook(cpu, addr, size);
        }
        return ld_finish(old, mo);
    }
    /* Big-endian add cannot be done on swapped bytes: CAS on register values. */
    if (host) {
        uint64_t seen = jit_ld_helper(cpu, addr, jit_make_oi(mo & ~IR_MO_SIGN, mmu), ra);
        for (old = seen + 1; old != seen;) {
            old = seen;
            nv = rmw_apply(op, old, val);
            seen = jit_atomic_cmpxchg_helper(cpu, addr, old, nv,
                                             jit_make_oi(mo & ~IR_MO_SIGN, mmu), ra);
        }
        return ld_finish(st_prepare(old, mo), mo);
    }
    fallback_begin(cpu, addr, size, mmu, ra);
    old = ld_finish(ld_raw(cpu, addr, size, mmu, ra), mo & ~IR_MO_SIGN);
    st_raw(cpu, addr, st_prepare(rmw_apply(op, old, val), mo), size, mmu, ra);
    fallback_end(cpu);
    return ld_finish(st_prepare(old, mo), mo);
}

/* ---------------------------------------------------------------------- */
/* 16-byte compare and exchange                                            */

#if defined(__x86_64__)
#define HAVE_CAS128 1
/* gcc routes 16-byte __atomic through libatomic on x86-64: use the insn. */
static unsigned __int128 host_cas128(void *p, unsigned __int128 cmp, unsigned __int128 nv)
{
    uint64_t lo = (uint64_t)cmp, hi = (uint64_t)(cmp >> 64);

    __asm__ volatile("lock cmpxchg16b %0"
                     : "+m"(*(unsigned __int128 *)p), "+a"(lo), "+d"(hi)
                     : "b"((uint64_t)nv), "c"((uint64_t)(nv >> 64))
                     : "memory", "cc");
    return ((unsigned __int128)hi << 64) | lo;
}
#elif defined(__aarch64__)
#define HAVE_CAS128 1
/*
 * gcc calls libatomic for a 16-byte __atomic CAS on arm64 too: use an
 * exclusive pair loop (every ARMv8 CPU). On a mismatch the old value is
 * stored back so that the read itself was single-copy atomic.
 */
static unsigned __int128 host_cas128(void *p, unsigned __int128 cmp, unsigned __int128 nv)
{
    uint64_t ol, oh;
    uint32_t fail;

    __asm__ volatile("1: ldaxp %[ol], %[oh], %[mem]\n"
                     "   cmp %[ol], %[cl]\n"
                     "   ccmp %[oh], %[ch], #0, eq\n"
                     "   b.ne 2f\n"
                     "   stlxp %w[f], %[nl], %[nh], %[mem]\n"
                     "   cbnz %w[f], 1b\n"
                     "   b 3f\n"
                     "2: stlxp %w[f], %[ol], %[oh], %[mem]\n"
                     "   cbnz %w[f], 1b\n"
                     "3:\n"
                     : [ol] "=&r"(ol), [oh] "=&r"(oh), [f] "=&r"(fail),
                       [mem] "+Q"(*(unsigned __int128 *)p)
                     : [cl] "r"((uint64_t)cmp), [ch] "r"((uint64_t)(cmp >> 64)),
                       [nl] "r"((uint64_t)nv), [nh] "r"((uint64_t)(nv >> 64))
                     : "cc", "memory");
    return ((unsigned __int128)oh << 64) | ol;
}
#else
#define HAVE_CAS128 0
#endif

void jit_atomic_cmpxchg128_helper(JitCpu *cpu, uint64_t addr, const uint64_t cmp[2],
                                  const uint64_t nv[2], uint32_t oi, uintptr_t ra,
                                  uint64_t old[2])
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned mmu = jit_oi_mmu(oi);
    bool notdirty;

    check_align(cpu, addr, oi, JIT_ACCESS_WRITE, ra);
    void *host = atomic_host(cpu, addr, 16, mmu, ra, &notdirty);
#if HAVE_CAS128
    if (host && !(mo & IR_MO_BSWAP)) {
        unsigned __int128 c = ((unsigned __int128)cmp[1] << 64) | cmp[0];
        unsigned __int128 n = ((unsigned __int128)nv[1] << 64) | nv[0];
        jit_user_access_ra = ra;
        unsigned __int128 o = host_cas128(host, c, n);
        jit_user_access_ra = 0;
        old[0] = (uint64_t)o;
        old[1] = (uint64_t)(o >> 64);
        if (notdirty && o == c && jit_notdirty_hook) {
            jit_notdirty_hook(cpu, addr, 16);
        }
        return;
    }
#endif
    (void)host;                     /* no host CAS128, or it cannot be used */
    uint32_t plain = jit_make_oi(mo & ~(IR_MO_ALIGN | IR_MO_ATOM), mmu);
    fallback_begin(cpu, addr, 16, mmu, ra);
    jit_ld128_helper(cpu, addr, plain, ra, old);
    if (old[0] == cmp[0] && old[1] == cmp[1]) {
        jit_st128_helper(cpu, addr, nv, plain, ra);   /* reports code pages */
    }
    fallback_end(cpu);
}

/* ---------------------------------------------------------------------- */
/* TLB maintenance                                                         */

static void entry_invalidate(JitTlbEntry *e)
{
    e->addr_read = e->addr_write = e->addr_code = JIT_TLB_INVALID;
    e->addend = 0;
}

void jit_tlb_init(JitCpu *cpu)
{
    for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
        cpu->tlb[m] = g_new(JitTlbEntry, JIT_TLB_SIZE);
        cpu->iotlb[m] = g_new0(uint64_t, JIT_TLB_SIZE);
    }
    jit_tlb_flush(cpu);
}

void jit_tlb_free(JitCpu *cpu)
{
    for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
        g_free(cpu->tlb[m]);
        g_free(cpu->iotlb[m]);
        cpu->tlb[m] = NULL;
        cpu->iotlb[m] = NULL;
    }
}

void jit_tlb_flush(JitCpu *cpu)
{
    for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
        for (unsigned i = 0; i < JIT_TLB_SIZE; i++) {
            entry_invalidate(&cpu->tlb[m][i]);
        }
    }
}

void jit_tlb_flush_page(JitCpu *cpu, uint64_t vaddr)
{
    uint64_t page = vaddr & JIT_PAGE_MASK;
    unsigned idx = tlb_index(vaddr);

    for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
        JitTlbEntry *e = &cpu->tlb[m][idx];
        if ((e->addr_read & JIT_PAGE_MASK) == page || (e->addr_write & JIT_PAGE_MASK) == page ||
            (e->addr_code & JIT_PAGE_MASK) == page) {
            entry_invalidate(e);
        }
    }
}

/*
 * NOTDIRTY and LINKED only concern stores, so loads and fetches of such
 * pages keep the fast path; MMIO and WATCH concern every data access.
 */
void jit_tlb_set_page(JitCpu *cpu, uint64_t vaddr, void *host, unsigned prot, unsigned mmu,
                      unsigned flags, uint64_t iotlb)
{
    uint64_t page = vaddr & JIT_PAGE_MASK;
    unsigned idx = tlb_index(vaddr);
    JitTlbEntry *e = &cpu->tlb[mmu][idx];
    uint64_t base = page | (flags & JIT_TLB_FLAGS_MASK & ~JIT_TLB_INVALID);

    if (!host) {
        base |= JIT_TLB_MMIO;
    }
    e->addr_read = (prot & (1u << JIT_ACCESS_READ))
        ? base & ~(uint64_t)(JIT_TLB_NOTDIRTY | JIT_TLB_LINKED) : JIT_TLB_INVALID;
    e->addr_write = (prot & (1u << JIT_ACCESS_WRITE)) ? base : JIT_TLB_INVALID;
    if (host && (e->addr_write & JIT_TLB_INVALID) == 0 && jit_link_page_linked((uintptr_t)host)) {
        e->addr_write |= JIT_TLB_LINKED;
    }
    e->addr_code = (prot & (1u << JIT_ACCESS_CODE))
        ? base & ~(uint64_t)(JIT_TLB_NOTDIRTY | JIT_TLB_LINKED | JIT_TLB_WATCH)
        : JIT_TLB_INVALID;
    e->addend = host ? (uintptr_t)host - (uintptr_t)page : 0;
    cpu->iotlb[mmu][idx] = iotlb;
}

/* ---------------------------------------------------------------------- */
/* Leaving generated code                                                  */

/* The landing point is the sigsetjmp in jit_cpu_exec (or a test's own). */
void jit_cpu_loop_exit(JitCpu *cpu)
{
    jit_interp_helper_ra = 0;
    jit_user_access_ra = 0;
    siglongjmp(cpu->jmp_env, 1);
}

void jit_cpu_loop_exit_restore(JitCpu *cpu, uintptr_t ra)
{
    if (ra) {
        jit_restore_state(cpu, ra);
    }
    jit_cpu_loop_exit(cpu);
}
