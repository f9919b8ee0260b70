/*
 * memory.h — the guest-physical memory map: memory regions (RAM, MMIO/PIO
 * with callbacks, containers, aliases), address spaces (memory and I/O), and
 * access dispatch. A change to the region tree (under the BQL) flattens every
 * address space into an immutable FlatView published with RCU; accesses look
 * the view up without locks and call a device under the BQL, or under the
 * device's own lock when its region is lockless.
 */
#ifndef FERRY_SYSTEM_MEMORY_H
#define FERRY_SYSTEM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "system/bql.h"

/* How a device is accessed. read/write take an offset into the region and a
 * size of 1, 2, 4 or 8 bytes (little-endian values); a NULL callback makes
 * that direction read all ones / ignore the write and log a guest error. */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
    /* Sizes the callbacks implement (0 means 1 and 4). A bigger access is
     * split into max-sized pieces, a smaller one widened to min: a read is
     * extracted from the wider read, a write is sent wide with the other
     * bytes zero (so set min > 1 only if the device ignores them). */
    unsigned min_access;
    unsigned max_access;
    /* Dispatch without the BQL. The callbacks then run concurrently from
     * any thread and are serialized only by MemoryRegion.lock if set,
     * otherwise by whatever the device does itself. */
    bool lockless;
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MR_CONTAINER,    /* only subregions */
    MR_RAM,          /* host memory */
    MR_IO,           /* callbacks */
    MR_ALIAS,        /* a window onto another region */
} MemoryRegionKind;

typedef struct MemoryRegion MemoryRegion;

/* A region. Owned by whoever embeds it (usually a device state struct); it
 * must outlive the address spaces that map it, or be unmapped and then freed
 * only after a grace period (sys_rcu_synchronize() outside the BQL). The tree
 * fields are changed only under the BQL through the functions below; a
 * published FlatView reads kind, ram, ops and opaque without locks, so those
 * are set once at init and never changed while mapped. */
struct MemoryRegion {
    MemoryRegionKind kind;       /* immutable after init */
    const char *name;            /* immutable; not owned */
    uint64_t size;               /* immutable; UINT64_MAX = up to 2^64-2 */
    uint8_t *ram;                /* MR_RAM: host memory; immutable */
    bool ram_owned;              /* MR_RAM: allocated by init, freed by fini */
    const MemoryRegionOps *ops;  /* MR_IO; immutable */
    void *opaque;                /* MR_IO; immutable */
    SysMutex *lock;              /* lockless MR_IO: taken around callbacks */
    MemoryRegion *alias;         /* MR_ALIAS target; immutable */
    uint64_t alias_offset;       /* MR_ALIAS: window start in target */
    /* Placement in the tree; all GUARDED_BY(sys_bql) via the functions. */
    MemoryRegion *parent;
    uint64_t addr;               /* offset inside parent */
    int priority;                /* higher wins over overlapping siblings */
    bool enabled;
    MemoryRegion *subregions;    /* list, highest priority first */
    MemoryRegion *next_sibling;
};

/* Result of a dispatch. */
typedef enum SysMemResult {
    SYS_MEM_OK = 0,
    SYS_MEM_UNASSIGNED,     /* nothing mapped: read all ones, write dropped */
} SysMemResult;

typedef struct FlatView FlatView;
typedef struct AddressSpace AddressSpace;

/* Initialise regions. @name is not copied. The size is in bytes. */
void sys_mr_init_container(MemoryRegion *mr, const char *name, uint64_t size);
/* RAM of zeroes from anonymous memory aligned to 2 MiB (KVM slots need
 * page alignment; THP likes 2 MiB); fini unmaps it. */
void sys_mr_init_ram(MemoryRegion *mr, const char *name, uint64_t size);
/* RAM backed by @host (not freed by fini), at least @size bytes. */
void sys_mr_init_ram_ptr(MemoryRegion *mr, const char *name, uint64_t size,
                         void *host);
void sys_mr_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                    const MemoryRegionOps *ops, void *opaque);
void sys_mr_init_alias(MemoryRegion *mr, const char *name, uint64_t size,
                       MemoryRegion *target, uint64_t offset);

/* Release what init allocated. The region must be unmapped and no view may
 * still reference it (a grace period has passed since it was unmapped). */
void sys_mr_fini(MemoryRegion *mr);

/* Give a lockless region the device lock dispatch takes around callbacks. */
void sys_mr_set_lock(MemoryRegion *mr, SysMutex *lock);

/* Map @child at @offset in container @parent (priority 0, or @priority).
 * @child must not be mapped anywhere. Rebuilds and publishes the views of
 * the address spaces (unless inside a transaction). */
void sys_mr_add_subregion(MemoryRegion *parent, uint64_t offset,
                          MemoryRegion *child) REQUIRES(sys_bql);
void sys_mr_add_subregion_prio(MemoryRegion *parent, uint64_t offset,
                               MemoryRegion *child, int priority)
    REQUIRES(sys_bql);

/* Unmap @child from @parent. Accesses may still reach it until the old view
 * has gone past a grace period. */
void sys_mr_del_subregion(MemoryRegion *parent, MemoryRegion *child)
    REQUIRES(sys_bql);

/* Enable/disable a region in place, or move it inside its parent. */
void sys_mr_set_enabled(MemoryRegion *mr, bool enabled) REQUIRES(sys_bql);
void sys_mr_set_address(MemoryRegion *mr, uint64_t offset) REQUIRES(sys_bql);

/* Batch changes: views are rebuilt once, at the outermost commit. */
void sys_memory_begin(void) REQUIRES(sys_bql);
void sys_memory_commit(void) REQUIRES(sys_bql);

/* Told after an address space published a new view (vCPUs flush their
 * TLBs). Called under the BQL; must not change the map. */
typedef struct SysMemListener {
    void (*commit)(void *opaque, AddressSpace *as);
    void *opaque;
    struct SysMemListener *next;     /* list link, BQL */
} SysMemListener;

/* Register / unregister @l (owned by the caller). */
void sys_memory_listener_add(SysMemListener *l) REQUIRES(sys_bql);
void sys_memory_listener_del(SysMemListener *l) REQUIRES(sys_bql);

/* An address space over @root (kept; not owned). Publishes its first view. */
AddressSpace *sys_as_new(const char *name, MemoryRegion *root)
    REQUIRES(sys_bql);

/* Free an address space: waits for a grace period, so not with the BQL. */
void sys_as_free(AddressSpace *as) EXCLUDES(sys_bql);

/* Read/write @size (1, 2, 4, 8) bytes at @addr, little-endian. Callable from
 * any thread registered with RCU, with or without the BQL: the BQL is taken
 * for non-lockless devices when the caller does not hold it. An access over
 * several regions is done bytewise; unassigned bytes read as ones. */
SysMemResult sys_as_read(AddressSpace *as, uint64_t addr, unsigned size,
                         uint64_t *val);
SysMemResult sys_as_write(AddressSpace *as, uint64_t addr, unsigned size,
                          uint64_t val);

/* Copy @len bytes between @buf and the space at @addr: RAM by memcpy,
 * devices byte by byte through dispatch (for loaders and DMA). Returns
 * SYS_MEM_UNASSIGNED if any byte was unassigned (those read as ones). */
SysMemResult sys_as_write_buf(AddressSpace *as, uint64_t addr,
                              const void *buf, uint64_t len);
SysMemResult sys_as_read_buf(AddressSpace *as, uint64_t addr, void *buf,
                             uint64_t len);

/* Append the region tree under @root to @out, one region per line with
 * its absolute range, priority and kind (the monitor's "info mtree"). */
void sys_mr_print_tree(GString *out, MemoryRegion *root)
    REQUIRES(sys_bql);

/* Append the current flat view of @as: range, region, offset. */
void sys_as_print_view(GString *out, AddressSpace *as);

/* How many views @as has published (for tests and statistics). */
unsigned long sys_as_generation(AddressSpace *as);

/* How many replaced views have been freed so far, over all spaces. */
unsigned long sys_memory_views_freed(void);

/* One range of a view, for the TLB and for tests: the region and offset
 * mapped at @addr, and the last address of that range. Valid only inside
 * an RCU read-side section. Returns false if @addr is unassigned. */
typedef struct SysMemSection {
    MemoryRegion *mr;
    uint64_t offset;        /* offset of @addr inside mr */
    uint64_t last;          /* last address of the range */
} SysMemSection;
bool sys_as_lookup(AddressSpace *as, uint64_t addr, SysMemSection *out);

#endif
