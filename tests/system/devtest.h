/*
 * devtest.h — helpers for device tests: an I/O address space to map devices
 * into, port accessors that go through sys_as_read/write as a vCPU's IN/OUT
 * would, and an interrupt line recorder standing in for the CPU.
 */
#ifndef FERRY_TESTS_SYSTEM_DEVTEST_H
#define FERRY_TESTS_SYSTEM_DEVTEST_H

#include <check.h>
#include <stdint.h>

#include "system/bql.h"
#include "system/irq.h"
#include "system/memory.h"

typedef struct DevTestIo {
    MemoryRegion root;
    AddressSpace *as;
} DevTestIo;

/* The I/O space of the tests (devices are mapped into io.root). */
extern DevTestIo devtest_io;

/* Create the 64K I/O space (call without the BQL); destroy it. */
void devtest_io_init(void);
void devtest_io_fini(void);

/* Map @mr at @port, under the BQL. */
void devtest_map(MemoryRegion *mr, uint64_t port);

/* Port I/O through the memory map; the result must be SYS_MEM_OK. */
void devtest_out(uint16_t port, unsigned size, uint32_t val);
uint32_t devtest_in(uint16_t port, unsigned size);

static inline void outb(uint16_t port, uint8_t v) { devtest_out(port, 1, v); }
static inline uint8_t inb(uint16_t port) { return devtest_in(port, 1); }

/* An interrupt input that records its level and counts rising edges. */
typedef struct IrqProbe {
    int level;
    int rises;
} IrqProbe;

SysIrqLine irq_probe_line(IrqProbe *p);

#endif
