/*
 * memory.c — memory regions, their flattening into FlatViews, RCU publication
 * of the views, and access dispatch (lookup, locking, access size
 * adjustment). See memory.h for the model; the lock order is in bql.c.
 */
#include "system/memory.h"

#include <assert.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "jit/fatal.h"
#include "system/log.h"
#include "system/rcu.h"

#ifdef FERRY_TSAN
char sys_rcu_tsan_gp;
#endif

/* One piece of a flattened address space: [start, last] maps to @mr at
 * offsets starting with @offset. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t last;
    MemoryRegion *mr;       /* terminal: MR_RAM or MR_IO */
    uint64_t offset;
} FlatRange;

/* Immutable once published; freed by an RCU callback. */
struct FlatView {
    struct rcu_head rcu;
    unsigned n;
    FlatRange *ranges;      /* sorted by start, disjoint */
};

struct AddressSpace {
    char *name;                         /* immutable */
    MemoryRegion *root;                 /* immutable */
    FlatView *view;                     /* published with RCU; replaced
                                           under the BQL */
    _Atomic unsigned long generation;   /* written under the BQL */
    AddressSpace *next GUARDED_BY(sys_bql);
};

static AddressSpace *all_spaces GUARDED_BY(sys_bql);
static unsigned txn_depth GUARDED_BY(sys_bql);
static bool txn_pending GUARDED_BY(sys_bql);
static _Atomic unsigned long views_freed;
static SysMemListener *listeners GUARDED_BY(sys_bql);

/* ---- regions ------------------------------------------------------------ */

static void mr_init(MemoryRegion *mr, MemoryRegionKind kind, const char *name,
                    uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->kind = kind;
    mr->name = name;
    mr->size = size;
    mr->enabled = true;
}

void sys_mr_init_container(MemoryRegion *mr, const char *name, uint64_t size)
{
    mr_init(mr, MR_CONTAINER, name, size);
}

/* Guest RAM is anonymous memory (zero, committed on first touch) aligned
 * to 2 MiB so that KVM can map it as a memory slot and transparent huge
 * pages can back it. */
#define RAM_ALIGN (UINT64_C(2) << 20)

static uint64_t ram_map_size(uint64_t size)
{
    return (size + 4095) & ~UINT64_C(4095);
}

static void *ram_alloc(uint64_t size)
{
    uint64_t len = ram_map_size(size) + RAM_ALIGN;
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uint8_t *ram;

    if (p == MAP_FAILED) {
        ferry_die("cannot map %" PRIu64 " bytes of guest RAM", size);
    }
    ram = (uint8_t *)(((uintptr_t)p + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1));
    if (ram > p) {
        munmap(p, ram - p);                 /* the unaligned head */
    }
    munmap(ram + ram_map_size(size), p + len - (ram + ram_map_size(size)));
#ifdef MADV_HUGEPAGE
    madvise(ram, ram_map_size(size), MADV_HUGEPAGE);
#endif
    return ram;
}

void sys_mr_init_ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    mr_init(mr, MR_RAM, name, size);
    mr->ram = ram_alloc(size);
    mr->ram_owned = true;
}

void sys_mr_init_ram_ptr(MemoryRegion *mr, const char *name, uint64_t size,
                         void *host)
{
    mr_init(mr, MR_RAM, name, size);
    mr->ram = host;
}

static inline bool valid_access_size(unsigned s)
{
    return s == 0 || s == 1 || s == 2 || s == 4 || s == 8;
}

void sys_mr_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                    const MemoryRegionOps *ops, void *opaque)
{
    assert(valid_access_size(ops->min_access));
    assert(valid_access_size(ops->max_access));
    assert(!ops->min_access || !ops->max_access ||
           ops->min_access <= ops->max_access);
    mr_init(mr, MR_IO, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void sys_mr_init_alias(MemoryRegion *mr, const char *name, uint64_t size,
                       MemoryRegion *target, uint64_t offset)
{
    mr_init(mr, MR_ALIAS, name, size);
    mr->alias = target;
    mr->alias_offset = offset;
}

void sys_mr_fini(MemoryRegion *mr)
{
    assert(!mr->parent);
    if (mr->ram_owned) {
        munmap(mr->ram, ram_map_size(mr->size));
    }
    mr->ram = NULL;
}

void sys_mr_set_lock(MemoryRegion *mr, SysMutex *lock)
{
    assert(mr->kind == MR_IO && mr->ops->lockless);
    mr->lock = lock;
}

static void memory_changed(void) REQUIRES(sys_bql);

void sys_mr_add_subregion_prio(MemoryRegion *parent, uint64_t offset,
                               MemoryRegion *child, int priority)
{
    MemoryRegion **link = &parent->subregions;

    assert(parent->kind == MR_CONTAINER);
    assert(!child->parent);
    child->parent = parent;
    child->addr = offset;
    child->priority = priority;
    /* Before the first sibling of lower or equal priority: among equals the
     * region added last wins. */
    while (*link && (*link)->priority > priority) {
        link = &(*link)->next_sibling;
    }
    child->next_sibling = *link;
    *link = child;
    memory_changed();
}

void sys_mr_add_subregion(MemoryRegion *parent, uint64_t offset,
                          MemoryRegion *child)
{
    sys_mr_add_subregion_prio(parent, offset, child, 0);
}

void sys_mr_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    MemoryRegion **link = &parent->subregions;

    assert(child->parent == parent);
    while (*link != child) {
        assert(*link);
        link = &(*link)->next_sibling;
    }
    *link = child->next_sibling;
    child->next_sibling = NULL;
    child->parent = NULL;
    memory_changed();
}

void sys_mr_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_changed();
    }
}

void sys_mr_set_address(MemoryRegion *mr, uint64_t offset)
{
    MemoryRegion *parent = mr->parent;
    int prio = mr->priority;

    if (!parent) {
        mr->addr = offset;
        return;
    }
    sys_memory_begin();
    sys_mr_del_subregion(parent, mr);
    sys_mr_add_subregion_prio(parent, offset, mr, prio);
    sys_memory_commit();
}

/* ---- flattening --------------------------------------------------------- */

#define RANGE(a, i) g_array_index((a), FlatRange, (i))

static void insert_range(GArray *a, guint i, uint64_t start, uint64_t last,
                         MemoryRegion *mr, uint64_t base)
{
    FlatRange r = { start, last, mr, start - base };

    g_array_insert_val(a, i, r);
}

/* Map the parts of [lo, hi] not yet covered in @a to @mr, whose offset 0 is
 * at address @base. @a stays sorted and disjoint. */
static void fill_gaps(GArray *a, uint64_t lo, uint64_t hi, MemoryRegion *mr,
                      uint64_t base)
{
    uint64_t cur = lo;
    guint i = 0;

    while (i < a->len && RANGE(a, i).last < cur) {
        i++;
    }
    for (;;) {
        if (i >= a->len || RANGE(a, i).start > hi) {
            insert_range(a, i, cur, hi, mr, base);
            return;
        }
        if (RANGE(a, i).start > cur) {
            insert_range(a, i, cur, RANGE(a, i).start - 1, mr, base);
            i++;
        }
        if (RANGE(a, i).last >= hi) {
            return;
        }
        cur = RANGE(a, i).last + 1;
        i++;
    }
}

/* Render @mr, whose offset 0 lies at address @base, clipped to [lo, hi],
 * into @a beneath what is already there (higher priority came first). */
static void render(GArray *a, MemoryRegion *mr, uint64_t base, uint64_t lo,
                   uint64_t hi)
{
    /* Work in offsets inside @mr, modulo 2^64: an alias may put offset 0
     * of its target below address 0. */
    uint64_t olo = lo - base, ohi = hi - base;

    if (!mr->enabled || mr->size == 0) {
        return;
    }
    if (olo <= ohi) {
        if (olo > mr->size - 1) {
            return;
        }
    } else {
        olo = 0;                /* offset 0 lies inside (lo, hi] */
    }
    ohi = MIN(ohi, mr->size - 1);
    lo = base + olo;
    hi = base + ohi;
    switch (mr->kind) {
    case MR_CONTAINER:
        for (MemoryRegion *c = mr->subregions; c; c = c->next_sibling) {
            render(a, c, base + c->addr, lo, hi);
        }
        break;
    case MR_ALIAS:
        render(a, mr->alias, base - mr->alias_offset, lo, hi);
        break;
    case MR_RAM:
    case MR_IO:
        fill_gaps(a, lo, hi, mr, base);
        break;
    }
}

static FlatView *flatten(MemoryRegion *root)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(FlatRange));
    FlatView *v = g_new0(FlatView, 1);

    render(a, root, 0, 0, UINT64_MAX);
    v->n = a->len;
    v->ranges = (FlatRange *)g_array_free(a, FALSE);
    return v;
}

static void free_view_rcu(struct rcu_head *head)
{
    FlatView *v = caa_container_of(head, FlatView, rcu);

    SYS_RCU_TSAN_GP_DONE();
    g_free(v->ranges);
    g_free(v);
    views_freed++;
}

/* Build and publish a new view of @as; the old one goes after a grace
 * period (call_rcu, since the BQL is held: see bql.c). */
static void as_update(AddressSpace *as) REQUIRES(sys_bql)
{
    FlatView *old = as->view;

    sys_rcu_publish(as->view, flatten(as->root));
    as->generation++;
    if (old) {
        sys_rcu_call(&old->rcu, free_view_rcu);
    }
    for (SysMemListener *l = listeners; l; l = l->next) {
        l->commit(l->opaque, as);
    }
}

void sys_memory_listener_add(SysMemListener *l)
{
    l->next = listeners;
    listeners = l;
}

void sys_memory_listener_del(SysMemListener *l)
{
    SysMemListener **link = &listeners;

    while (*link != l) {
        assert(*link);
        link = &(*link)->next;
    }
    *link = l->next;
}

static void memory_changed(void)
{
    if (txn_depth) {
        txn_pending = true;
        return;
    }
    for (AddressSpace *as = all_spaces; as; as = as->next) {
        as_update(as);
    }
}

void sys_memory_begin(void)
{
    txn_depth++;
}

void sys_memory_commit(void)
{
    assert(txn_depth > 0);
    if (--txn_depth == 0 && txn_pending) {
        txn_pending = false;
        memory_changed();
    }
}

/* ---- address spaces ----------------------------------------------------- */

AddressSpace *sys_as_new(const char *name, MemoryRegion *root)
{
    AddressSpace *as = g_new0(AddressSpace, 1);

    as->name = g_strdup(name);
    as->root = root;
    as->next = all_spaces;
    all_spaces = as;
    as_update(as);
    return as;
}

void sys_as_free(AddressSpace *as)
{
    AddressSpace **link;
    FlatView *v;

    sys_bql_lock();
    for (link = &all_spaces; *link != as; link = &(*link)->next) {
        assert(*link);
    }
    *link = as->next;
    v = as->view;
    sys_rcu_publish(as->view, NULL);
    sys_bql_unlock();
    sys_rcu_synchronize();
    g_free(v->ranges);
    g_free(v);
    g_free(as->name);
    g_free(as);
}

unsigned long sys_as_generation(AddressSpace *as)
{
    return as->generation;
}

unsigned long sys_memory_views_freed(void)
{
    return views_freed;
}

/* The range holding @addr, or NULL. */
static const FlatRange *view_lookup(const FlatView *v, uint64_t addr)
{
    unsigned lo = 0, hi = v ? v->n : 0;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const FlatRange *r = &v->ranges[mid];

        if (addr < r->start) {
            hi = mid;
        } else if (addr > r->last) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

bool sys_as_lookup(AddressSpace *as, uint64_t addr, SysMemSection *out)
{
    const FlatRange *r = view_lookup(sys_rcu_deref(as->view), addr);

    if (!r) {
        return false;
    }
    out->mr = r->mr;
    out->offset = r->offset + (addr - r->start);
    out->last = r->last;
    return true;
}

/* ---- dispatch ----------------------------------------------------------- */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static unsigned ops_min(const MemoryRegionOps *ops)
{
    return ops->min_access ? ops->min_access : 1;
}

static unsigned ops_max(const MemoryRegionOps *ops)
{
    return ops->max_access ? ops->max_access : 4;
}

/* A read adjusted to the sizes the device implements. */
static uint64_t io_read(MemoryRegion *mr, uint64_t off, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned min = ops_min(ops), max = ops_max(ops);
    uint64_t v = 0, a;

    if (!ops->read) {
        sys_log_guest_error("%s: read of write-only region at 0x%" PRIx64,
                            mr->name, off);
        return size_mask(size);
    }
    if (size >= min && size <= max) {
        return ops->read(mr->opaque, off, size) & size_mask(size);
    }
    if (size > max) {
        for (unsigned i = 0; i < size; i += max) {
            v |= io_read(mr, off + i, max) << (i * 8);
        }
        return v;
    }
    a = off & ~(uint64_t)(min - 1);
    if (off - a + size <= min) {
        return (ops->read(mr->opaque, a, min) >> ((off - a) * 8)) &
               size_mask(size);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= io_read(mr, off + i, 1) << (i * 8);
    }
    return v;
}

/* A write adjusted to the sizes the device implements. */
static void io_write(MemoryRegion *mr, uint64_t off, uint64_t val,
                     unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned min = ops_min(ops), max = ops_max(ops);
    uint64_t a;

    val &= size_mask(size);
    if (!ops->write) {
        sys_log_guest_error("%s: write to read-only region at 0x%" PRIx64,
                            mr->name, off);
        return;
    }
    if (size >= min && size <= max) {
        ops->write(mr->opaque, off, val, size);
        return;
    }
    if (size > max) {
        for (unsigned i = 0; i < size; i += max) {
            io_write(mr, off + i, val >> (i * 8), max);
        }
        return;
    }
    a = off & ~(uint64_t)(min - 1);
    if (off - a + size <= min) {
        ops->write(mr->opaque, a, val << ((off - a) * 8), min);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        io_write(mr, off + i, val >> (i * 8), 1);
    }
}

/* Which lock an I/O access needs, taken here and dropped by io_unlock().
 * The analysis cannot follow a lock chosen at run time. */
typedef enum { HELD_NONE, HELD_BQL, HELD_DEV } HeldLock;

NO_THREAD_SAFETY_ANALYSIS
static HeldLock io_lock(MemoryRegion *mr)
{
    if (mr->ops->lockless) {
        if (mr->lock) {
            sys_mutex_lock(mr->lock);
            return HELD_DEV;
        }
        return HELD_NONE;
    }
    if (sys_bql_held()) {
        return HELD_NONE;
    }
    sys_bql_lock();
    return HELD_BQL;
}

NO_THREAD_SAFETY_ANALYSIS
static void io_unlock(MemoryRegion *mr, HeldLock h)
{
    if (h == HELD_BQL) {
        sys_bql_unlock();
    } else if (h == HELD_DEV) {
        sys_mutex_unlock(mr->lock);
    }
}

static void mr_read(MemoryRegion *mr, uint64_t off, unsigned size,
                    uint64_t *val)
{
    HeldLock h;

    if (mr->kind == MR_RAM) {
        *val = 0;
        memcpy(val, mr->ram + off, size);     /* little-endian hosts only */
        return;
    }
    h = io_lock(mr);
    *val = io_read(mr, off, size);
    io_unlock(mr, h);
}

static void mr_write(MemoryRegion *mr, uint64_t off, unsigned size,
                     uint64_t val)
{
    HeldLock h;

    if (mr->kind == MR_RAM) {
        memcpy(mr->ram + off, &val, size);
        return;
    }
    h = io_lock(mr);
    io_write(mr, off, val, size);
    io_unlock(mr, h);
}

/* Whether one range of @v holds all of [addr, addr + size - 1]. */
static const FlatRange *whole(const FlatView *v, uint64_t addr, unsigned size)
{
    const FlatRange *r = view_lookup(v, addr);
    uint64_t last = addr + size - 1;

    return r && last >= addr && last <= r->last ? r : NULL;
}

SysMemResult sys_as_read(AddressSpace *as, uint64_t addr, unsigned size,
                         uint64_t *val)
{
    SysMemResult res = SYS_MEM_OK;
    const FlatRange *r;
    const FlatView *v;

    assert(valid_access_size(size) && size);
    sys_rcu_read_lock();
    v = sys_rcu_deref(as->view);
    r = whole(v, addr, size);
    if (r) {
        mr_read(r->mr, r->offset + (addr - r->start), size, val);
    } else {
        *val = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = 0xff;

            r = view_lookup(v, addr + i);
            if (r) {
                mr_read(r->mr, r->offset + (addr + i - r->start), 1, &b);
            } else {
                res = SYS_MEM_UNASSIGNED;
            }
            *val |= b << (i * 8);
        }
    }
    sys_rcu_read_unlock();
    if (res == SYS_MEM_UNASSIGNED) {
        sys_log_guest_error("%s: unassigned read of %u at 0x%" PRIx64,
                            as->name, size, addr);
    }
    return res;
}

SysMemResult sys_as_write(AddressSpace *as, uint64_t addr, unsigned size,
                          uint64_t val)
{
    SysMemResult res = SYS_MEM_OK;
    const FlatRange *r;
    const FlatView *v;

    assert(valid_access_size(size) && size);
    sys_rcu_read_lock();
    v = sys_rcu_deref(as->view);
    r = whole(v, addr, size);
    if (r) {
        mr_write(r->mr, r->offset + (addr - r->start), size, val);
    } else {
        for (unsigned i = 0; i < size; i++) {
            r = view_lookup(v, addr + i);
            if (r) {
                mr_write(r->mr, r->offset + (addr + i - r->start), 1,
                         (val >> (i * 8)) & 0xff);
            } else {
                res = SYS_MEM_UNASSIGNED;
            }
        }
    }
    sys_rcu_read_unlock();
    if (res == SYS_MEM_UNASSIGNED) {
        sys_log_guest_error("%s: unassigned write of %u at 0x%" PRIx64,
                            as->name, size, addr);
    }
    return res;
}

/* One step of a buffer copy: up to the end of the range holding @addr.
 * Returns the bytes done. Runs inside the caller's read-side section. */
static uint64_t buf_step(AddressSpace *as, const FlatView *v, uint64_t addr,
                         uint8_t *buf, uint64_t len, bool write,
                         SysMemResult *res)
{
    const FlatRange *r = view_lookup(v, addr);
    uint64_t n, val;

    if (r && r->mr->kind == MR_RAM) {
        uint8_t *host = r->mr->ram + r->offset + (addr - r->start);

        n = MIN(len, r->last - addr + 1);
        if (n == 0) {
            n = len;                    /* the range runs to 2^64 */
        }
        if (write) {
            memcpy(host, buf, n);
        } else {
            memcpy(buf, host, n);
        }
        return n;
    }
    if (!r) {
        *res = SYS_MEM_UNASSIGNED;
        if (!write) {
            *buf = 0xff;
        }
        return 1;
    }
    if (write) {
        mr_write(r->mr, r->offset + (addr - r->start), 1, *buf);
    } else {
        mr_read(r->mr, r->offset + (addr - r->start), 1, &val);
        *buf = val;
    }
    return 1;
}

static SysMemResult as_copy(AddressSpace *as, uint64_t addr, uint8_t *buf,
                            uint64_t len, bool write)
{
    SysMemResult res = SYS_MEM_OK;
    const FlatView *v;

    sys_rcu_read_lock();
    v = sys_rcu_deref(as->view);
    while (len) {
        uint64_t n = buf_step(as, v, addr, buf, len, write, &res);

        addr += n;
        buf += n;
        len -= n;
    }
    sys_rcu_read_unlock();
    if (res == SYS_MEM_UNASSIGNED) {
        sys_log_guest_error("%s: unassigned bytes in a buffer %s", as->name,
                            write ? "write" : "read");
    }
    return res;
}

SysMemResult sys_as_write_buf(AddressSpace *as, uint64_t addr,
                              const void *buf, uint64_t len)
{
    return as_copy(as, addr, (uint8_t *)buf, len, true);
}

SysMemResult sys_as_read_buf(AddressSpace *as, uint64_t addr, void *buf,
                             uint64_t len)
{
    return as_copy(as, addr, buf, len, false);
}

/* ---- printing ----------------------------------------------------------- */

static const char *kind_name(const MemoryRegion *mr)
{
    switch (mr->kind) {
    case MR_RAM:
        return "ram";
    case MR_IO:
        return mr->ops->lockless ? "i/o, lockless" : "i/o";
    case MR_ALIAS:
        return "alias";
    default:
        return "container";
    }
}

static void print_tree(GString *out, MemoryRegion *mr, uint64_t base,
                       int depth)
{
    g_string_append_printf(out, "%*s%016" PRIx64 "-%016" PRIx64
                           " (prio %d, %s): %s", depth * 2, "", base,
                           base + (mr->size - 1), mr->priority,
                           kind_name(mr), mr->name);
    if (mr->kind == MR_ALIAS) {
        g_string_append_printf(out, " @%s %016" PRIx64 "-%016" PRIx64,
                               mr->alias->name, mr->alias_offset,
                               mr->alias_offset + (mr->size - 1));
    }
    g_string_append(out, mr->enabled ? "\n" : " [disabled]\n");
    for (MemoryRegion *c = mr->subregions; c; c = c->next_sibling) {
        print_tree(out, c, base + c->addr, depth + 1);
    }
}

void sys_mr_print_tree(GString *out, MemoryRegion *root)
{
    print_tree(out, root, 0, 0);
}

void sys_as_print_view(GString *out, AddressSpace *as)
{
    const FlatView *v;

    sys_rcu_read_lock();
    v = sys_rcu_deref(as->view);
    g_string_append_printf(out, "%s:\n", as->name);
    for (unsigned i = 0; v && i < v->n; i++) {
        const FlatRange *r = &v->ranges[i];

        g_string_append_printf(out, "  %016" PRIx64 "-%016" PRIx64
                               " (%s): %s @%016" PRIx64 "\n", r->start,
                               r->last, kind_name(r->mr), r->mr->name,
                               r->offset);
    }
    sys_rcu_read_unlock();
}
