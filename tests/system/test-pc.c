/*
 * test-pc.c — the PC board's wiring, driven only through the memory and
 * I/O address spaces: RAM, ISA IRQs reaching the CPU through the PIC pair
 * with the vectors a BIOS-style setup gives (IRQ0 -> 0x08, IRQ4 -> 0x0C,
 * IRQ8 -> 0x70), CMOS memory size bytes, fw_cfg, PCI, reset and exit.
 */
#include <check.h>
#include <string.h>

#include "hw/pc.h"
#include "tests/system/systest.h"

static PcBoard *pc;
static SysClock *clk;
static int cpu_level;
static int resets;
static uint64_t exit_status;

static void cpu_int(void *opaque, int n, int level)
{
    cpu_level = level;
}

static void on_reset(void *opaque)
{
    resets++;
}

static void on_exit_req(void *opaque, uint64_t status)
{
    exit_status = status;
}

static int apic_msgs;
static uint8_t apic_vector;

static void apic_deliver(void *opaque, const IoapicMsg *m)
{
    apic_msgs++;
    apic_vector = m->vector;
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

static int intack(void)
{
    int v;

    sys_bql_lock();
    v = pic_intack(&pc->pic);
    sys_bql_unlock();
    return v;
}

static void advance_ns(int64_t ns)
{
    sys_bql_lock();
    sys_clock_advance(clk, ns);
    sys_bql_unlock();
}

static void setup(void)
{
    PcConfig cfg = {
        .ram_size = 64 << 20, .ncpus = 2, .rtc_start = 1700000000,
        .cpu_int = sys_irq_line(cpu_int, NULL, 0),
        .exit_cb = on_exit_req, .reset_cb = on_reset,
        .apic_deliver = apic_deliver,
    };

    cpu_level = resets = apic_msgs = 0;
    exit_status = 0;
    clk = sys_clock_new_manual(0);
    cfg.clock = clk;
    sys_bql_lock();
    pc = pc_new(&cfg);
    sys_bql_unlock();
    /* PIC as a BIOS sets it up. */
    out(0x20, 1, 0x11); out(0x21, 1, 0x08); out(0x21, 1, 0x04);
    out(0x21, 1, 0x01);
    out(0xa0, 1, 0x11); out(0xa1, 1, 0x70); out(0xa1, 1, 0x02);
    out(0xa1, 1, 0x01);
}

static void teardown(void)
{
    pc_free(pc);
    sys_clock_free(clk);
}

START_TEST(ram)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_write(pc->as_mem, 0x3fffff8, 8,
                                  UINT64_C(0x0123456789abcdef)), SYS_MEM_OK);
    ck_assert_int_eq(sys_as_read(pc->as_mem, 0x3fffffc, 4, &v), SYS_MEM_OK);
    ck_assert_uint_eq(v, 0x01234567);
    ck_assert_int_eq(sys_as_read(pc->as_mem, 0x4000000, 4, &v),
                     SYS_MEM_UNASSIGNED);
    ck_assert_uint_eq(pc->below_4g, 64 << 20);
    ck_assert_uint_eq(pc->above_4g, 0);
}
END_TEST

START_TEST(pit_irq0_vector_08)
{
    out(0x43, 1, 0x34);
    out(0x40, 1, 1193 & 0xff);          /* ~1 ms */
    out(0x40, 1, 1193 >> 8);
    ck_assert_int_eq(cpu_level, 0);
    advance_ns(1000000);
    ck_assert_int_eq(cpu_level, 1);
    ck_assert_int_eq(intack(), 0x08);
    out(0x20, 1, 0x20);
    out(0x43, 1, 0x30);                 /* stop: mode 0, no count */
}
END_TEST

START_TEST(pit_on_ioapic_pin2)
{
    uint64_t v;

    /* Redirection entry 2 (registers 0x14/0x15): vector 0x30, edge. */
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x14);
    sys_as_write(pc->as_mem, 0xfec00010, 4, 0x30);
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x01);
    sys_as_read(pc->as_mem, 0xfec00010, 4, &v);
    ck_assert_uint_eq(v, 0x00170020);
    out(0x21, 1, 0xff);                 /* PIC fully masked */
    out(0x43, 1, 0x34);
    out(0x40, 1, 1193 & 0xff);
    out(0x40, 1, 1193 >> 8);
    advance_ns(3000000);                /* three periods of ~1 ms */
    ck_assert_int_eq(apic_msgs, 3);
    ck_assert_uint_eq(apic_vector, 0x30);
    ck_assert_int_eq(cpu_level, 0);
    out(0x43, 1, 0x30);
}
END_TEST

static LApic bsp;
static int bsp_int;

static void bsp_cpu_int(void *opaque, int n, int level)
{
    bsp_int = level;
}

static void no_op(void *cpu) { }
static void no_sipi(void *cpu, uint8_t v) { }
static const ApicCpuOps bsp_ops = { no_op, no_op, no_sipi };

START_TEST(lapic_on_the_board)
{
    PcConfig cfg = {
        .ram_size = 16 << 20, .ncpus = 1, .rtc_start = 1700000000,
        .cpu_int = sys_irq_line(cpu_int, NULL, 0),
    };
    PcBoard *b;
    uint64_t v;

    cfg.clock = clk;
    sys_bql_lock();
    b = pc_new(&cfg);
    apic_init(&bsp, &b->apic_bus, 0, clk, sys_irq_line(bsp_cpu_int, NULL, 0),
              &bsp_ops, NULL);
    sys_bql_unlock();
    /* The APIC page shows the BSP; enable it and route IRQ4 through the
     * I/O APIC (pin 4, vector 0x44, physical destination 0). */
    sys_as_read(b->as_mem, 0xfee00030, 4, &v);
    ck_assert_uint_eq(v, 0x00050014);
    sys_as_write(b->as_mem, 0xfee000f0, 4, 0x1ff);
    sys_as_write(b->as_mem, 0xfec00000, 4, 0x18);
    sys_as_write(b->as_mem, 0xfec00010, 4, 0x44);
    sys_as_write(b->as_io, 0x3fc, 1, 0x08);     /* COM1 OUT2 */
    sys_as_write(b->as_io, 0x3f9, 1, 0x02);     /* THRE interrupt */
    ck_assert_int_eq(bsp_int, 1);
    sys_bql_lock();
    ck_assert_int_eq(apic_get_interrupt(&bsp), 0x44);
    apic_reset(&bsp);
    sys_bql_unlock();
    pc_free(b);
}
END_TEST

START_TEST(com1_irq4_vector_0c)
{
    out(0x3f8 + 4, 1, 0x08);            /* OUT2 */
    out(0x3f8 + 1, 1, 0x02);            /* THRE */
    ck_assert_int_eq(cpu_level, 1);
    ck_assert_int_eq(intack(), 0x0c);
    ck_assert_uint_eq(in(0x3f8 + 2, 1), 0x02);
    out(0x20, 1, 0x20);
    ck_assert_int_eq(cpu_level, 0);
}
END_TEST

START_TEST(rtc_irq8_vector_70)
{
    out(0x70, 1, 0x0b);
    out(0x71, 1, 0x42);                 /* PIE, 1024 Hz */
    advance_ns(1000000);
    ck_assert_int_eq(cpu_level, 1);
    ck_assert_int_eq(intack(), 0x70);
    out(0x70, 1, 0x0c);
    ck_assert_uint_eq(in(0x71, 1) & 0xc0, 0xc0);
    out(0xa0, 1, 0x20);
    out(0x20, 1, 0x20);
    out(0x70, 1, 0x0b);
    out(0x71, 1, 0x02);
}
END_TEST

START_TEST(firmware_view)
{
    uint64_t ram = 0;

    out(0x70, 1, 0x30);
    ck_assert_uint_eq(in(0x71, 1), 0x00);   /* 63 MiB above 1M: 0xFC00 */
    out(0x70, 1, 0x31);
    ck_assert_uint_eq(in(0x71, 1), 0xfc);
    out(0x70, 1, 0x34);
    ck_assert_uint_eq(in(0x71, 1), 0x00);   /* 48 MiB above 16M: 0x0300 */
    out(0x70, 1, 0x35);
    ck_assert_uint_eq(in(0x71, 1), 0x03);
    out(0x510, 2, FW_CFG_RAM_SIZE);
    for (int i = 0; i < 8; i++) {
        ram |= (uint64_t)in(0x511, 1) << (i * 8);
    }
    ck_assert_uint_eq(ram, 64 << 20);
    out(0x510, 2, FW_CFG_NB_CPUS);
    ck_assert_uint_eq(in(0x511, 1), 2);
    out(0xcf8, 4, 0x80000000);
    ck_assert_uint_eq(in(0xcfc, 4), 0x12378086);
    /* etc/e820 is the only file: selector 0x20, one 20-byte RAM entry. */
    out(0x510, 2, FW_CFG_FILE_DIR);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(in(0x511, 1), i == 3 ? 1 : 0);     /* count */
    }
    uint8_t sz[4];
    for (int i = 0; i < 4; i++) {
        sz[i] = in(0x511, 1);
    }
    ck_assert_uint_eq((uint32_t)sz[0] << 24 | sz[1] << 16 | sz[2] << 8 | sz[3],
                      20);
    out(0x510, 2, 0x20);
    uint64_t e[3] = { 0, 0, 0 };
    for (int i = 0; i < 20; i++) {
        e[i / 8] |= (uint64_t)in(0x511, 1) << ((i % 8) * 8);
    }
    ck_assert_uint_eq(e[0], 0);
    ck_assert_uint_eq(e[1], 64 << 20);
    ck_assert_uint_eq(e[2], 1);
}
END_TEST

START_TEST(system_reset)
{
    uint64_t v;

    out(0x21, 1, 0x5a);                         /* PIC mask */
    out(0x3f9, 1, 0x0f);                        /* UART IER */
    out(0x70, 1, 0x0b);
    out(0x71, 1, 0x72);                         /* RTC PIE, AIE, UIE */
    out(0xcf8, 4, 0x80000860);                  /* PIIX3 PIRQRC */
    out(0xcfc, 4, 0x0b0a0b0a);
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x10);
    sys_as_write(pc->as_mem, 0xfec00010, 4, 0x30);   /* pin 0 unmasked */
    out(0x92, 1, 0x02);
    sys_bql_lock();
    pc_reset(pc);
    sys_bql_unlock();
    ck_assert_uint_eq(in(0x21, 1), 0x00);       /* ICW1 state: IMR 0 */
    ck_assert_uint_eq(in(0x3f9, 1), 0x00);
    out(0x70, 1, 0x0b);
    ck_assert_uint_eq(in(0x71, 1), 0x02);
    out(0xcf8, 4, 0x80000860);
    ck_assert_uint_eq(in(0xcfc, 4), 0x80808080);
    sys_as_write(pc->as_mem, 0xfec00000, 4, 0x10);
    sys_as_read(pc->as_mem, 0xfec00010, 4, &v);
    ck_assert_uint_eq(v, 0x00010000);
    ck_assert_uint_eq(in(0x92, 1), 0x00);
    out(0x510, 2, 0);                           /* fw_cfg still there */
    ck_assert_uint_eq(in(0x511, 1), 'Q');
}
END_TEST

START_TEST(reset_and_exit)
{
    out(0x64, 1, 0xfe);
    ck_assert_int_eq(resets, 1);
    out(0x501, 1, 0x21);
    ck_assert_uint_eq(exit_status, 0x43);
    ck_assert_uint_eq(in(0xe9, 1), 0xe9);
    out(0x80, 1, 0x12);
    ck_assert_uint_eq(pc->port80.last_code, 0x12);
    /* Port 0x92: bit 1 fast A20, bit 0 reset on a 0->1 write. */
    ck_assert_uint_eq(in(0x92, 1), 0x00);
    out(0x92, 1, 0x02);
    ck_assert_uint_eq(in(0x92, 1), 0x02);
    ck_assert_int_eq(resets, 1);
    out(0x92, 1, 0x03);
    ck_assert_int_eq(resets, 2);
    out(0x92, 1, 0x03);                 /* no new edge */
    ck_assert_int_eq(resets, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pc");
    TCase *tc = tcase_create("board");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ram);
    tcase_add_test(tc, pit_irq0_vector_08);
    tcase_add_test(tc, pit_on_ioapic_pin2);
    tcase_add_test(tc, com1_irq4_vector_0c);
    tcase_add_test(tc, lapic_on_the_board);
    tcase_add_test(tc, rtc_irq8_vector_70);
    tcase_add_test(tc, firmware_view);
    tcase_add_test(tc, reset_and_exit);
    tcase_add_test(tc, system_reset);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
