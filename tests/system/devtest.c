/*
 * devtest.c — the I/O space, port accessors and IRQ probe shared by the
 * device tests (see devtest.h).
 */
#include "tests/system/devtest.h"

DevTestIo devtest_io;

void devtest_io_init(void)
{
    sys_bql_lock();
    sys_mr_init_container(&devtest_io.root, "io", 0x10000);
    devtest_io.as = sys_as_new("I/O", &devtest_io.root);
    sys_bql_unlock();
}

void devtest_io_fini(void)
{
    sys_as_free(devtest_io.as);
}

void devtest_map(MemoryRegion *mr, uint64_t port)
{
    sys_bql_lock();
    sys_mr_add_subregion(&devtest_io.root, port, mr);
    sys_bql_unlock();
}

void devtest_out(uint16_t port, unsigned size, uint32_t val)
{
    ck_assert_int_eq(sys_as_write(devtest_io.as, port, size, val), SYS_MEM_OK);
}

uint32_t devtest_in(uint16_t port, unsigned size)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_read(devtest_io.as, port, size, &v), SYS_MEM_OK);
    return v;
}

static void probe_set(void *opaque, int n, int level)
{
    IrqProbe *p = opaque;

    if (level && !p->level) {
        p->rises++;
    }
    p->level = level;
}

SysIrqLine irq_probe_line(IrqProbe *p)
{
    return sys_irq_line(probe_set, p, 0);
}
