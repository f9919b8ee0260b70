/*
 * test-piix3.c — PCI INTx routing on the PC board: the PIIX3 at 00:01.0
 * (8086:7000, ISA bridge, multi-function), slot/pin to PIRQ rotation
 * (PIRQ = (pin + slot - 1) mod 4), PIRQRC route registers (bit 7 disables,
 * reserved IRQs ignored), wire-OR of shared lines, the command register's
 * interrupt disable bit and status bit 3. Checked at the PIC and the CPU.
 */
#include <check.h>

#include "hw/pc.h"
#include "tests/system/systest.h"

static PcBoard *pc;
static SysClock *clk;
static int cpu_level;
static PciDevice dev3, dev4;

static void cpu_int(void *opaque, int n, int level)
{
    cpu_level = level;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
    ck_assert_int_eq(sys_as_write(pc->as_io, port, size, v), SYS_MEM_OK);
}

static uint32_t in(uint16_t port, unsigned size)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_read(pc->as_io, port, size, &v), SYS_MEM_OK);
    return v;
}

static uint32_t cfg_read(unsigned dev, unsigned reg, unsigned size)
{
    out(0xcf8, 4, 0x80000000u | dev << 11 | (reg & 0xfc));
    return in(0xcfc + (reg & 3), size);
}

static void cfg_write(unsigned dev, unsigned reg, unsigned size, uint32_t v)
{
    out(0xcf8, 4, 0x80000000u | dev << 11 | (reg & 0xfc));
    out(0xcfc + (reg & 3), size, v);
}

static void set_intx(PciDevice *d, bool level)
{
    sys_bql_lock();
    pci_set_irq(d, level);
    sys_bql_unlock();
}

static uint8_t slave_irr(void)
{
    out(0xa0, 1, 0x0a);
    return in(0xa0, 1);
}

static void setup(void)
{
    PcConfig cfg = {
        .ram_size = 16 << 20, .ncpus = 1, .rtc_start = 1700000000,
        .cpu_int = sys_irq_line(cpu_int, NULL, 0),
    };

    cpu_level = 0;
    clk = sys_clock_new_manual(0);
    cfg.clock = clk;
    sys_bql_lock();
    pc = pc_new(&cfg);
    pci_device_init(&dev3, "test-a", 0x1af4, 0x1000, 0, 0x020000);
    dev3.config[PCI_INTERRUPT_PIN] = 1;            /* INTA */
    pci_bus_attach(&pc->pci.bus, &dev3, PCI_DEVFN(3, 0));
    pci_device_init(&dev4, "test-d", 0x1af4, 0x1001, 0, 0x020000);
    dev4.config[PCI_INTERRUPT_PIN] = 4;            /* INTD */
    pci_bus_attach(&pc->pci.bus, &dev4, PCI_DEVFN(4, 0));
    sys_bql_unlock();
    out(0x20, 1, 0x11); out(0x21, 1, 0x08); out(0x21, 1, 0x04);
    out(0x21, 1, 0x01);
    out(0xa0, 1, 0x11); out(0xa1, 1, 0x70); out(0xa1, 1, 0x02);
    out(0xa1, 1, 0x01);
    out(0x4d1, 1, 0x08);                           /* IRQ11 level */
}

static void teardown(void)
{
    pc_free(pc);
    sys_clock_free(clk);
}

START_TEST(bridge_identity)
{
    ck_assert_uint_eq(cfg_read(1, 0x00, 4), 0x70008086);
    ck_assert_uint_eq(cfg_read(1, 0x0a, 2), 0x0601);
    ck_assert_uint_eq(cfg_read(1, 0x0e, 1), 0x80);
    ck_assert_uint_eq(cfg_read(1, 0x60, 4), 0x80808080);
}
END_TEST

START_TEST(route_to_irq11)
{
    set_intx(&dev3, true);                  /* slot 3 INTA -> PIRQC */
    ck_assert_uint_eq(slave_irr(), 0x00);   /* route disabled */
    ck_assert_int_eq(cpu_level, 0);
    cfg_write(1, 0x62, 1, 0x0b);            /* PIRQC -> IRQ11 */
    ck_assert_uint_eq(slave_irr(), 0x08);
    ck_assert_int_eq(cpu_level, 1);
    sys_bql_lock();
    ck_assert_int_eq(pic_intack(&pc->pic), 0x73);
    sys_bql_unlock();
    ck_assert_uint_eq(cfg_read(3, 0x06, 2) & 0x08, 0x08);  /* status */
    cfg_write(3, 0x04, 2, 0x0400);          /* interrupt disable */
    ck_assert_uint_eq(slave_irr(), 0x00);
    ck_assert_uint_eq(cfg_read(3, 0x06, 2) & 0x08, 0x08);  /* still wants */
    cfg_write(3, 0x04, 2, 0x0000);
    ck_assert_uint_eq(slave_irr(), 0x08);
    set_intx(&dev3, false);
    ck_assert_uint_eq(slave_irr(), 0x00);
    ck_assert_uint_eq(cfg_read(3, 0x06, 2) & 0x08, 0x00);
}
END_TEST

START_TEST(shared_pirq_wire_or)
{
    cfg_write(1, 0x62, 1, 0x0b);
    set_intx(&dev3, true);                  /* PIRQC */
    set_intx(&dev4, true);                  /* slot 4 INTD -> PIRQC too */
    set_intx(&dev3, false);
    ck_assert_uint_eq(slave_irr(), 0x08);   /* dev4 still holds it */
    set_intx(&dev4, false);
    ck_assert_uint_eq(slave_irr(), 0x00);
}
END_TEST

START_TEST(pirq_on_ioapic_pins)
{
    uint64_t v;

    /* Pin 18 = PIRQC (registers 0x34/0x35): level, vector 0x48. */
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x34);
    sys_as_write(pc->as_mem, 0xfec00010, 4, 0x8048);
    set_intx(&dev3, true);
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x34);
    sys_as_read(pc->as_mem, 0xfec00010, 4, &v);
    ck_assert_uint_eq(v & 0x4000, 0x4000);     /* delivered: Remote IRR */
    set_intx(&dev3, false);
}
END_TEST

START_TEST(reserved_and_rerouting)
{
    set_intx(&dev3, true);
    cfg_write(1, 0x62, 1, 0x02);            /* IRQ2: reserved, ignored */
    out(0x20, 1, 0x0a);
    ck_assert_uint_eq(in(0x20, 1) & 0x04, 0x00);
    cfg_write(1, 0x62, 1, 0x0b);
    ck_assert_uint_eq(slave_irr(), 0x08);
    cfg_write(1, 0x62, 1, 0x0a);            /* move to IRQ10 (edge) */
    ck_assert_uint_eq(slave_irr() & 0x04, 0x04);
    ck_assert_uint_eq(slave_irr() & 0x08, 0x00);   /* IRQ11 let go */
    set_intx(&dev3, false);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("piix3");
    TCase *tc = tcase_create("intx");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bridge_identity);
    tcase_add_test(tc, route_to_irq11);
    tcase_add_test(tc, shared_pirq_wire_or);
    tcase_add_test(tc, reserved_and_rerouting);
    tcase_add_test(tc, pirq_on_ioapic_pins);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
