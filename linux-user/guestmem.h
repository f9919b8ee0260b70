/*
 * guestmem.h — the guest's address space in linux-user: host address =
 * guest address + guest_base, and a table of what the guest has mapped
 * (4K-granular ranges with their protection) used to place new mappings
 * below the 47-bit x86-64 user limit without clobbering ferry's own memory,
 * to validate guest code fetches, and to answer "is this range mapped".
 *
 * Host pages larger than 4K (16K/64K on arm64 and loongarch64): the table
 * keeps 4K guest semantics. Mappings placed by ferry start on a host page.
 * A MAP_FIXED private mapping that splits a host page is emulated: the host
 * page becomes anonymous memory filled with zeros and the file's bytes
 * (pread), and gets the union of its guest pages' protections, so a guest
 * page may be more accessible than asked but never less. Shared mappings
 * that split a host page are refused (-EINVAL). munmap releases only whole
 * host pages. The ELF loader reads segments into anonymous memory, so it
 * works on any page size.
 */
#ifndef FERRY_LINUX_USER_GUESTMEM_H
#define FERRY_LINUX_USER_GUESTMEM_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The x86-64 user address space ends here (47-bit canonical addresses). */
#define LU_GUEST_ADDR_LIMIT 0x800000000000ull
#define LU_PAGE_SIZE 4096ull
#define LU_PAGE_ALIGN(x) (((x) + LU_PAGE_SIZE - 1) & ~(LU_PAGE_SIZE - 1))

/* A mapped range [start, end) of guest pages. */
typedef struct LuMemRange {
    uint64_t start, end;
    int prot;                      /* PROT_*; for host ranges, -1 */
} LuMemRange;

typedef struct LuMem {
    uint64_t guest_base;           /* immutable after lu_mem_new */
    uint64_t host_page;            /* host page size: immutable */
    uint64_t mmap_top;             /* new mappings are placed below: immutable */
    pthread_mutex_t lock;          /* a leaf: nothing else is taken under it */
    GArray *ranges;                /* LuMemRange sorted by start, disjoint: lock */
    /* Host pages (address / host_page) holding translated guest code that
     * the guest may write: write-protected on the host until the guest
     * writes them (self-modifying code, DESIGN §5): lock. */
    GHashTable *code_pages;
} LuMem;

/* Create the address-space table for guest_base. Reads /proc/self/maps so
 * that ferry's own mappings are never handed to the guest. */
LuMem *lu_mem_new(uint64_t guest_base);
void lu_mem_free(LuMem *m);

static inline void *lu_g2h(const LuMem *m, uint64_t addr)
{
    return (void *)(uintptr_t)(addr + m->guest_base);
}

static inline uint64_t lu_h2g(const LuMem *m, const void *p)
{
    return (uint64_t)(uintptr_t)p - m->guest_base;
}

/*
 * A guest base (host-page aligned, the lowest of a few candidates from
 * 1 TiB up) at which guest addresses [0, span) are free on the host, for a
 * fixed-address program that collides with ferry at guest base 0.
 * Returns 0 when none is found.
 */
uint64_t lu_mem_pick_base(uint64_t span);

/* Record [start, end) as guest-mapped with prot (replacing what was there),
 * or as unmapped. No host call. */
void lu_mem_record(LuMem *m, uint64_t start, uint64_t end, int prot);
void lu_mem_forget(LuMem *m, uint64_t start, uint64_t end);

/* True if every page of [addr, addr+len) is guest-mapped with all of prot. */
bool lu_mem_check(LuMem *m, uint64_t addr, uint64_t len, int prot);

/* True if some guest page of [addr, addr+len) has any of the prot bits. */
bool lu_mem_any(LuMem *m, uint64_t addr, uint64_t len, int prot);

/* Protection of the guest page holding addr, or -1 when unmapped. */
int lu_mem_prot_at(LuMem *m, uint64_t addr);

/*
 * Find a free guest range of len bytes (host-page aligned), at hint when
 * that is free, else the highest gap below mmap_top. Returns the guest
 * address or 0 when the space is exhausted. Reserves nothing.
 */
uint64_t lu_mem_find_free(LuMem *m, uint64_t hint, uint64_t len);

/*
 * mmap(2) for the guest: addr/len/prot/flags/fd/off as the guest passed
 * them (MAP_* are the same values on x86-64, arm64 and loongarch64).
 * Returns the guest address or -errno. Records the mapping.
 */
int64_t lu_mem_map(LuMem *m, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                   off_t off);
/* munmap / mprotect for the guest: 0 or -errno. */
int lu_mem_unmap(LuMem *m, uint64_t addr, uint64_t len);
int lu_mem_protect(LuMem *m, uint64_t addr, uint64_t len, int prot);

/*
 * Self-modifying code. lu_mem_code_mark: the translator is about to read
 * code at [addr, addr+len); if the guest can write and execute those
 * pages, write-protect them on the host so that a write faults. lu_mem_code_unprotect: the
 * guest writes [addr, addr+len) (a write fault, or a syscall about to
 * write there): give write access back; returns true if any page was
 * protected, i.e. translations of [*start, *end) must be invalidated.
 * With try_lock (the write-fault handler) it waits for another thread
 * holding the table's lock but gives up (false) when the calling thread
 * holds it, and also returns true, with an empty range, when the page is
 * guest-writable and no longer protected (another thread unprotected it
 * after this write faulted: the write is retried).
 */
void lu_mem_code_mark(LuMem *m, uint64_t addr, uint64_t len);
bool lu_mem_code_unprotect(LuMem *m, uint64_t addr, uint64_t len, bool try_lock,
                           uint64_t *start, uint64_t *end);

/*
 * Copy up to len bytes of guest memory at addr into buf, stopping at the
 * first page that is not mapped with all of prot. Returns the bytes copied.
 */
size_t lu_mem_read(LuMem *m, uint64_t addr, void *buf, size_t len, int prot);

#endif
