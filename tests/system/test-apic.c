/*
 * test-apic.c — local APICs on the APIC bus, values from the Intel SDM
 * (vol. 3, chapter 11): reset state (version 0x00050014, SVR 0xFF, LVTs
 * masked), priority classes against PPR/TPR, nesting and EOI, spurious
 * vector, software disable, level EOIs reaching the I/O APIC, the timer
 * (divide configuration, one-shot, periodic) on a 1 GHz bus clock, IPIs
 * with destinations and shorthands, INIT/SIPI/NMI, logical flat and
 * cluster addressing, lowest priority, LINT0 ExtINT, the MMIO window;
 * x2APIC mode (vol. 3 11.12: IA32_APIC_BASE transitions, the MSR register
 * map and its #GP cases, 32-bit and cluster destinations, SELF IPI) and
 * the TSC-deadline timer (11.5.4.1) against the guest TSC's 2 GHz.
 */
#include <check.h>
#include <string.h>

#include "hw/apic.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static ApicBus bus;
static Ioapic io;
#define NAPIC 3
static const uint8_t apic_ids[NAPIC] = { 0, 1, 0x13 };  /* 0x13: cluster 1 */
static LApic apic[NAPIC];
static IrqProbe cpu[NAPIC];
static SysClock *clk;
static int nmis, inits, sipis;
static uint8_t sipi_vector;
static LApic *cur;

static void on_nmi(void *c) { nmis++; }
static void on_init(void *c) { inits++; }
static void on_sipi(void *c, uint8_t v) { sipis++; sipi_vector = v; }
static const ApicCpuOps ops = { on_nmi, on_init, on_sipi };

static LApic *current_apic(void *opaque) { return cur; }

NO_THREAD_SAFETY_ANALYSIS   /* the fixture holds the BQL for each test */
static void setup(void)
{
    memset(cpu, 0, sizeof(cpu));
    nmis = inits = sipis = 0;
    clk = sys_clock_new_manual(0);
    ioapic_init(&io, apic_bus_ioapic_deliver, &bus);
    apic_bus_init(&bus, &io);
    bus.current = current_apic;
    for (int i = 0; i < NAPIC; i++) {
        apic_init(&apic[i], &bus, apic_ids[i], clk, irq_probe_line(&cpu[i]),
                  &ops, NULL);
    }
    cur = &apic[0];
    sys_bql_lock();
}

NO_THREAD_SAFETY_ANALYSIS
static void teardown(void)
{
    for (int i = 0; i < NAPIC; i++) {
        apic_reset(&apic[i]);
    }
    sys_bql_unlock();
    sys_clock_free(clk);
}

static void send(uint8_t dest, bool logical, int mode, uint8_t vector,
                 bool level) REQUIRES(sys_bql)
{
    IoapicMsg m = { vector, mode, logical, dest, level, -1 };

    apic_bus_deliver(&bus, &m);
}

static bool irr_has(LApic *s, int v) REQUIRES(sys_bql)
{
    return apic_read(s, 0x200 + (v >> 5) * 0x10) & (1u << (v & 31));
}

START_TEST(reset_state)
{
    sys_bql_assert_held();         /* taken by the fixture */
    ck_assert_uint_eq(apic_read(&apic[1], 0x20), 0x01000000);
    ck_assert_uint_eq(apic_read(&apic[0], 0x30), 0x00050014);
    ck_assert_uint_eq(apic_read(&apic[0], 0xf0), 0xff);
    ck_assert_uint_eq(apic_read(&apic[0], 0xe0), 0xffffffff);
    ck_assert_uint_eq(apic_read(&apic[0], 0x320), 0x00010000);
    ck_assert_uint_eq(apic_read(&apic[0], 0x350), 0x00000700);
    ck_assert_uint_eq(apic_read(&apic[1], 0x350), 0x00010000);
    /* Software-disabled: LVT writes stay masked. */
    apic_write(&apic[0], 0x370, 0x000000ef);
    ck_assert_uint_eq(apic_read(&apic[0], 0x370), 0x000100ef);
}
END_TEST

START_TEST(priority_classes_and_eoi)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[0], 0xf0, 0x1ff);
    send(0, false, 0, 0x41, false);
    ck_assert_int_eq(cpu[0].level, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x41);
    ck_assert_uint_eq(apic_read(&apic[0], 0x120), 0x2);   /* ISR bit 0x41 */
    ck_assert_uint_eq(apic_read(&apic[0], 0xa0), 0x40);   /* PPR */
    ck_assert_int_eq(cpu[0].level, 0);
    send(0, false, 0, 0x35, false);                      /* class 3 < 4 */
    ck_assert_int_eq(cpu[0].level, 0);
    send(0, false, 0, 0x52, false);                      /* class 5 nests */
    ck_assert_int_eq(cpu[0].level, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x52);
    apic_write(&apic[0], 0xb0, 0);                       /* EOI 0x52 */
    ck_assert_int_eq(cpu[0].level, 0);
    apic_write(&apic[0], 0xb0, 0);                       /* EOI 0x41 */
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x35);
    apic_write(&apic[0], 0xb0, 0);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0xff); /* spurious */
    /* TPR holds back classes at or below it. */
    apic_write(&apic[0], 0x80, 0x60);
    send(0, false, 0, 0x55, false);
    ck_assert_int_eq(cpu[0].level, 0);
    ck_assert_uint_eq(apic_read(&apic[0], 0xa0), 0x60);
    apic_write(&apic[0], 0x80, 0x00);
    ck_assert_int_eq(cpu[0].level, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x55);
    /* Vectors 0-15 are illegal: ESR bit 6. */
    send(0, false, 0, 0x05, false);
    ck_assert_uint_eq(apic_read(&apic[0], 0x280), 0x40);
}
END_TEST

START_TEST(software_disabled)
{
    sys_bql_assert_held();         /* taken by the fixture */
    send(0, false, 0, 0x41, false);
    ck_assert(irr_has(&apic[0], 0x41));
    ck_assert(!apic_has_interrupt(&apic[0]));
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), -1);
    apic_write(&apic[0], 0xf0, 0x1ff);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x41);
}
END_TEST

START_TEST(level_eoi_reaches_ioapic)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[0], 0xf0, 0x1ff);
    io.redtbl[10] = 0x803a;                 /* level, vector 0x3a, dest 0 */
    sys_irq_set(ioapic_input(&io, 10), 1);
    ck_assert(irr_has(&apic[0], 0x3a));
    ck_assert_uint_eq(apic_read(&apic[0], 0x180 + 0x10), 1u << 26); /* TMR */
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x3a);
    ck_assert(io.redtbl[10] & (1u << 14));              /* Remote IRR */
    apic_write(&apic[0], 0xb0, 0);                       /* still high */
    ck_assert(irr_has(&apic[0], 0x3a));                  /* sent again */
    sys_irq_set(ioapic_input(&io, 10), 0);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x3a);
    apic_write(&apic[0], 0xb0, 0);
    ck_assert(!(io.redtbl[10] & (1u << 14)));
    ck_assert(!irr_has(&apic[0], 0x3a));
}
END_TEST

START_TEST(timer_modes)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[0], 0xf0, 0x1ff);
    apic_write(&apic[0], 0x3e0, 0xb);                    /* divide by 1 */
    apic_write(&apic[0], 0x320, 0x20030);                /* periodic */
    apic_write(&apic[0], 0x380, 1000);
    sys_clock_advance(clk, 250);
    ck_assert_uint_eq(apic_read(&apic[0], 0x390), 750);
    for (int i = 0; i < 3; i++) {
        sys_clock_advance(clk, i ? 1000 : 750);
        ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x30);
        apic_write(&apic[0], 0xb0, 0);
        ck_assert_int_eq(cpu[0].level, 0);
    }
    /* One-shot, divide by 2 (0000b): 100 counts = 200 ns, once. */
    apic_write(&apic[0], 0x320, 0x00031);
    apic_write(&apic[0], 0x3e0, 0x0);
    apic_write(&apic[0], 0x380, 100);
    sys_clock_advance(clk, 199);
    ck_assert_int_eq(cpu[0].level, 0);
    sys_clock_advance(clk, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x31);
    apic_write(&apic[0], 0xb0, 0);
    sys_clock_advance(clk, 10000);
    ck_assert_int_eq(cpu[0].level, 0);
    ck_assert_uint_eq(apic_read(&apic[0], 0x390), 0);
    /* Divide by 32 (1000b): 10 counts = 320 ns. */
    apic_write(&apic[0], 0x3e0, 0x8);
    apic_write(&apic[0], 0x380, 10);
    sys_clock_advance(clk, 319);
    ck_assert_int_eq(cpu[0].level, 0);
    sys_clock_advance(clk, 1);
    ck_assert_int_eq(cpu[0].level, 1);
}
END_TEST

START_TEST(ipis)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[1], 0xf0, 0x1ff);
    apic_write(&apic[0], 0xf0, 0x1ff);
    apic_write(&apic[0], 0x310, 0x01000000);
    apic_write(&apic[0], 0x300, 0x00000061);             /* fixed to 1 */
    ck_assert(irr_has(&apic[1], 0x61));
    ck_assert(!irr_has(&apic[0], 0x61));
    ck_assert_uint_eq(apic_read(&apic[0], 0x300) & 0x1000, 0);
    apic_write(&apic[0], 0x300, 0x00040062);             /* self */
    ck_assert(irr_has(&apic[0], 0x62));
    ck_assert(!irr_has(&apic[1], 0x62));
    apic_write(&apic[0], 0x300, 0x000c0063);             /* all but self */
    ck_assert(irr_has(&apic[1], 0x63));
    ck_assert(!irr_has(&apic[0], 0x63));
    apic_write(&apic[0], 0x300, 0x00004500);             /* INIT assert */
    ck_assert_int_eq(inits, 1);
    apic_write(&apic[0], 0x300, 0x00008500);             /* de-assert */
    ck_assert_int_eq(inits, 1);
    apic_write(&apic[0], 0x300, 0x00004608);             /* SIPI 0x08 */
    ck_assert_int_eq(sipis, 1);
    ck_assert_uint_eq(sipi_vector, 0x08);
    apic_write(&apic[0], 0x300, 0x00004400);             /* NMI */
    ck_assert_int_eq(nmis, 1);
}
END_TEST

START_TEST(logical_and_lowest_priority)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[0], 0xf0, 0x1ff);
    apic_write(&apic[1], 0xf0, 0x1ff);
    apic_write(&apic[0], 0xd0, 0x01000000);
    apic_write(&apic[1], 0xd0, 0x02000000);
    send(0x02, true, 0, 0x71, false);                    /* flat */
    ck_assert(irr_has(&apic[1], 0x71) && !irr_has(&apic[0], 0x71));
    apic_write(&apic[0], 0x80, 0x20);
    apic_write(&apic[1], 0x80, 0x10);
    send(0x03, true, 1, 0x72, false);                    /* lowest prio */
    ck_assert(irr_has(&apic[1], 0x72) && !irr_has(&apic[0], 0x72));
    apic_write(&apic[1], 0xe0, 0x0fffffff);              /* cluster */
    apic_write(&apic[1], 0xd0, 0x12000000);
    send(0x12, true, 0, 0x73, false);
    ck_assert(irr_has(&apic[1], 0x73));
    send(0x22, true, 0, 0x74, false);
    ck_assert(!irr_has(&apic[1], 0x74));
}
END_TEST

START_TEST(lint0_extint)
{
    sys_bql_assert_held();         /* taken by the fixture */
    sys_irq_set(apic_lint(&apic[0], 0), 1);              /* PIC INT */
    ck_assert_int_eq(cpu[0].level, 1);                   /* even disabled */
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), APIC_EXTINT);
    sys_irq_set(apic_lint(&apic[0], 0), 0);
    ck_assert_int_eq(cpu[0].level, 0);
    sys_irq_set(apic_lint(&apic[1], 0), 1);              /* masked there */
    ck_assert_int_eq(cpu[1].level, 0);
}
END_TEST

/* sys_as_free waits for a grace period: not under the fixture's BQL. */
NO_THREAD_SAFETY_ANALYSIS
static void free_space_unlocked(AddressSpace *as)
{
    sys_bql_unlock();
    sys_as_free(as);
    sys_bql_lock();
}

START_TEST(apic_base_msr)
{
    sys_bql_assert_held();         /* taken by the fixture */
    ck_assert_uint_eq(apic_get_base(&apic[0]), 0xfee00900);
    ck_assert_uint_eq(apic_get_base(&apic[1]), 0xfee00800);
    ck_assert(!apic_set_base(&apic[1], 0xfee00400));    /* EXTD, !EN */
    ck_assert(!apic_set_base(&apic[1], 0xfee00801));    /* reserved bit */
    apic_write(&apic[1], 0xf0, 0x1ff);
    ck_assert(apic_set_base(&apic[1], 0xfee00000));     /* disable */
    send(1, false, 0, 0x41, false);
    ck_assert(!irr_has(&apic[1], 0x41));                /* off the bus */
    /* Disabled: the PIC's INTR reaches the CPU although LINT0 is masked. */
    sys_irq_set(apic_lint(&apic[1], 0), 1);
    ck_assert_int_eq(cpu[1].level, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[1]), APIC_EXTINT);
    sys_irq_set(apic_lint(&apic[1], 0), 0);
    ck_assert(apic_set_base(&apic[1], 0xfee00800));     /* enable again */
    ck_assert_uint_eq(apic_read(&apic[1], 0xf0), 0xff); /* state was reset */
    ck_assert_int_eq(cpu[1].level, 0);
}
END_TEST

START_TEST(mmio_window)
{
    MemoryRegion root;
    AddressSpace *as;
    uint64_t v;

    sys_bql_assert_held();         /* taken by the fixture */
    sys_mr_init_container(&root, "mem", UINT64_MAX);
    sys_mr_add_subregion(&root, APIC_DEFAULT_BASE, &bus.mmio);
    as = sys_as_new("mem", &root);
    cur = &apic[1];
    sys_as_read(as, APIC_DEFAULT_BASE + 0x20, 4, &v);   /* BQL held: ok */
    ck_assert_uint_eq(v, 0x01000000);
    sys_as_write(as, APIC_DEFAULT_BASE + 0x80, 4, 0x30);
    ck_assert_uint_eq(apic[1].tpr, 0x30);
    ck_assert_uint_eq(apic[0].tpr, 0);
    free_space_unlocked(as);
}
END_TEST

/* RDMSR that must succeed. */
static uint64_t rdmsr(LApic *s, uint32_t msr) REQUIRES(sys_bql)
{
    uint64_t v = 0xdeadbeef;

    ck_assert_msg(apic_msr_read(s, msr, &v), "RDMSR 0x%x raised #GP", msr);
    return v;
}

/* Every APIC in x2APIC mode and software-enabled, through MSRs only. */
static void all_x2apic(void) REQUIRES(sys_bql)
{
    for (int i = 0; i < NAPIC; i++) {
        ck_assert(apic_msr_write(&apic[i], 0x1b,
                                 apic_get_base(&apic[i]) | 0x400));
        ck_assert(apic_msr_write(&apic[i], 0x80f, 0x1ff));  /* SVR */
    }
}

START_TEST(x2apic_transitions)
{
    const MemoryRegionOps *mmio = bus.mmio.ops;
    uint64_t v;

    sys_bql_assert_held();         /* taken by the fixture */
    ck_assert(!apic_msr_read(&apic[2], 0x802, &v));     /* xAPIC mode */
    ck_assert(!apic_msr_write(&apic[2], 0x1b, 0xfee00400)); /* EXTD, !EN */
    ck_assert(apic_msr_write(&apic[2], 0x1b, 0xfee00c00));  /* -> x2APIC */
    ck_assert_uint_eq(rdmsr(&apic[2], 0x1b), 0xfee00c00);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x802), 0x13);    /* initial ID */
    ck_assert_uint_eq(rdmsr(&apic[2], 0x80d), 0x10008); /* 1 << 16 | 1 << 3 */
    ck_assert(!apic_msr_write(&apic[2], 0x1b, 0xfee00800)); /* -> xAPIC */
    ck_assert(apic_msr_write(&apic[2], 0x1b, 0xfee00000));  /* -> off */
    ck_assert(!apic_msr_read(&apic[2], 0x802, &v));
    ck_assert(!apic_msr_write(&apic[2], 0x1b, 0xfee00c00)); /* off -> x2 */
    ck_assert(apic_msr_write(&apic[2], 0x1b, 0xfee00800));
    ck_assert_uint_eq(apic_read(&apic[2], 0x20), 0x13000000);
    ck_assert(apic_msr_write(&apic[2], 0x1b, 0xfee00c00));
    /* x2APIC mode turns the xAPIC page off. */
    cur = &apic[2];
    ck_assert_uint_eq(mmio->read(&bus, 0x20, 4), 0);
    mmio->write(&bus, 0x80, 0x50, 4);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x808), 0);       /* TPR untouched */
    ck_assert(!apic_msr_read(&apic[2], 0x10, &v));      /* not an APIC MSR */
}
END_TEST

START_TEST(x2apic_register_map)
{
    uint64_t v;

    sys_bql_assert_held();         /* taken by the fixture */
    all_x2apic();
    ck_assert_uint_eq(rdmsr(&apic[2], 0x803), 0x00050014);  /* version */
    ck_assert_uint_eq(rdmsr(&apic[2], 0x832), 0x00010000);  /* LVT timer */
    /* Table 11-6: no DFR, APR or ICR high half, no CMCI LVT (6 LVT
     * entries), reserved holes; EOI and SELF IPI are write-only. */
    for (uint32_t msr = 0x800; msr <= 0x8ff; msr++) {
        bool readable = msr == 0x802 || msr == 0x803 || msr == 0x808 ||
                        msr == 0x80a || msr == 0x80d ||
                        (msr >= 0x80f && msr <= 0x828) || msr == 0x830 ||
                        (msr >= 0x832 && msr <= 0x839) || msr == 0x83e;

        ck_assert_msg(apic_msr_read(&apic[2], msr, &v) == readable,
                      "RDMSR 0x%x", msr);
    }
    /* Read-only registers and reserved bits raise #GP. */
    ck_assert(!apic_msr_write(&apic[2], 0x802, 0x13));      /* ID */
    ck_assert(!apic_msr_write(&apic[2], 0x80d, 0x10008));   /* LDR */
    ck_assert(!apic_msr_write(&apic[2], 0x80a, 0));         /* PPR */
    ck_assert(!apic_msr_write(&apic[2], 0x839, 0));         /* current */
    ck_assert(!apic_msr_write(&apic[2], 0x808, 0x100));     /* TPR 31:8 */
    ck_assert(!apic_msr_write(&apic[2], 0x808, UINT64_C(1) << 32));
    ck_assert(!apic_msr_write(&apic[2], 0x80b, 1));         /* EOI != 0 */
    ck_assert(!apic_msr_write(&apic[2], 0x828, 1));         /* ESR != 0 */
    ck_assert(!apic_msr_write(&apic[2], 0x83e, 0x4));       /* divide bit 2 */
    ck_assert(!apic_msr_write(&apic[2], 0x832, 0x100));     /* timer 8 */
    ck_assert(apic_msr_write(&apic[2], 0x808, 0x20));
    ck_assert_uint_eq(rdmsr(&apic[2], 0x808), 0x20);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x80a), 0x20);        /* PPR */
    ck_assert(apic_msr_write(&apic[2], 0x808, 0));
    /* SELF IPI: a fixed edge interrupt to itself, then EOI by MSR. */
    ck_assert(!apic_msr_write(&apic[2], 0x83f, 0x164));
    ck_assert(apic_msr_write(&apic[2], 0x83f, 0x64));
    ck_assert(irr_has(&apic[2], 0x64) && !irr_has(&apic[1], 0x64));
    ck_assert_int_eq(apic_get_interrupt(&apic[2]), 0x64);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x813), 1u << 4);     /* ISR 0x64 */
    ck_assert(apic_msr_write(&apic[2], 0x80b, 0));
    ck_assert_uint_eq(rdmsr(&apic[2], 0x813), 0);
}
END_TEST

START_TEST(x2apic_ipis)
{
    sys_bql_assert_held();         /* taken by the fixture */
    all_x2apic();
    /* Physical: the 32-bit x2APIC ID in ICR bits 63:32. */
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0x13) << 32 | 0x61));
    ck_assert_uint_eq(rdmsr(&apic[0], 0x830), UINT64_C(0x13) << 32 | 0x61);
    ck_assert(irr_has(&apic[2], 0x61) && !irr_has(&apic[1], 0x61));
    /* Logical: cluster 1 bit 3 is ID 0x13; cluster 0 bit 1 is ID 1. */
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0x10008) << 32 |
                             0x862));
    ck_assert(irr_has(&apic[2], 0x62) && !irr_has(&apic[1], 0x62));
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0x00002) << 32 |
                             0x863));
    ck_assert(irr_has(&apic[1], 0x63) && !irr_has(&apic[2], 0x63));
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0x10002) << 32 |
                             0x864));                   /* nobody */
    for (int i = 0; i < NAPIC; i++) {
        ck_assert(!irr_has(&apic[i], 0x64));
    }
    /* Broadcast 0xFFFFFFFF; 0xFF is just ID 0xFF in x2APIC mode. */
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0xff) << 32 | 0x65));
    ck_assert(!irr_has(&apic[1], 0x65) && !irr_has(&apic[2], 0x65));
    ck_assert(apic_msr_write(&apic[0], 0x830,
                             UINT64_C(0xffffffff) << 32 | 0x66));
    for (int i = 0; i < NAPIC; i++) {
        ck_assert(irr_has(&apic[i], 0x66));
    }
    /* Reserved ICR bits (12: no delivery status; 13; 16-17; 20-31). */
    ck_assert(!apic_msr_write(&apic[0], 0x830, 0x1067));
    ck_assert(!apic_msr_write(&apic[0], 0x830, 0x2067));
    ck_assert(!apic_msr_write(&apic[0], 0x830, 0x100067));
    /* The I/O APIC's 8-bit broadcast still reaches x2APICs. */
    send(0xff, false, 0, 0x68, false);
    for (int i = 0; i < NAPIC; i++) {
        ck_assert(irr_has(&apic[i], 0x68));
    }
}
END_TEST

/* INIT resets the APIC but keeps its ID, IA32_APIC_BASE and, in x2APIC
 * mode, its LDR (vol. 3 11.4.7.3, 11.12.5.1). */
START_TEST(init_ipi_resets_apic)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[1], 0xf0, 0x1ff);
    apic_write(&apic[1], 0x20, 0x05000000);             /* xAPIC ID 5 */
    apic_write(&apic[1], 0x80, 0x40);
    apic_write(&apic[0], 0x310, 0x05000000);
    apic_write(&apic[0], 0x300, 0x00004500);            /* INIT to 5 */
    ck_assert_int_eq(inits, 1);
    ck_assert_uint_eq(apic_read(&apic[1], 0x20), 0x05000000);
    ck_assert_uint_eq(apic_read(&apic[1], 0x80), 0);
    ck_assert_uint_eq(apic_read(&apic[1], 0xf0), 0xff);
    all_x2apic();
    ck_assert(apic_msr_write(&apic[2], 0x808, 0x30));
    ck_assert(apic_msr_write(&apic[2], 0x832, 0x20031));
    ck_assert(apic_msr_write(&apic[0], 0x830, UINT64_C(0x13) << 32 |
                             0x4500));
    ck_assert_int_eq(inits, 2);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x1b), 0xfee00c00);  /* x2APIC */
    ck_assert_uint_eq(rdmsr(&apic[2], 0x802), 0x13);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x80d), 0x10008);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x808), 0);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x80f), 0xff);
    ck_assert_uint_eq(rdmsr(&apic[2], 0x832), 0x10000);
}
END_TEST

/* Guest TSC ticks at 2 GHz (system/clock.h): 2 ticks per ns. */
START_TEST(tsc_deadline_timer)
{
    sys_bql_assert_held();         /* taken by the fixture */
    apic_write(&apic[0], 0xf0, 0x1ff);
    ck_assert(apic_msr_write(&apic[0], 0x6e0, 500));    /* one-shot mode */
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);       /* ignored */
    apic_write(&apic[0], 0x320, 0x40031);               /* TSC-deadline */
    ck_assert_uint_eq(apic_read(&apic[0], 0x320), 0x40031);
    apic_write(&apic[0], 0x380, 1000);                  /* ignored */
    ck_assert_uint_eq(apic_read(&apic[0], 0x380), 0);
    ck_assert_uint_eq(apic_read(&apic[0], 0x390), 0);
    sys_clock_advance(clk, 100);                        /* TSC 200 */
    ck_assert(apic_msr_write(&apic[0], 0x6e0, 2201));   /* at 1100.5 ns */
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 2201);
    sys_clock_advance(clk, 1000);                       /* TSC 2200 */
    ck_assert_int_eq(cpu[0].level, 0);
    sys_clock_advance(clk, 1);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x31);
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);       /* disarmed */
    apic_write(&apic[0], 0xb0, 0);
    sys_clock_advance(clk, 100000);
    ck_assert_int_eq(cpu[0].level, 0);                  /* only once */
    /* Writing 0 disarms. */
    ck_assert(apic_msr_write(&apic[0], 0x6e0, 2 * 101101 + 10));
    ck_assert(apic_msr_write(&apic[0], 0x6e0, 0));
    sys_clock_advance(clk, 1000);
    ck_assert_int_eq(cpu[0].level, 0);
    /* A deadline the TSC has passed fires at the write. */
    ck_assert(apic_msr_write(&apic[0], 0x6e0, 5));
    ck_assert_int_eq(cpu[0].level, 1);
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);
    ck_assert_int_eq(apic_get_interrupt(&apic[0]), 0x31);
    apic_write(&apic[0], 0xb0, 0);
    /* Masked: the timer still expires and disarms, without an interrupt. */
    apic_write(&apic[0], 0x320, 0x50031);
    ck_assert(apic_msr_write(&apic[0], 0x6e0,
                             sys_tsc_from_ns(sys_clock_ns(clk)) + 20));
    sys_clock_advance(clk, 10);
    ck_assert_int_eq(cpu[0].level, 0);
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);
    /* Leaving TSC-deadline mode disarms it; so does entering it. */
    apic_write(&apic[0], 0x320, 0x40031);
    ck_assert(apic_msr_write(&apic[0], 0x6e0,
                             sys_tsc_from_ns(sys_clock_ns(clk)) + 20));
    apic_write(&apic[0], 0x320, 0x00031);               /* one-shot */
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);
    apic_write(&apic[0], 0x380, 100);                   /* counts again */
    ck_assert_uint_eq(apic_read(&apic[0], 0x390), 100);
    apic_write(&apic[0], 0x320, 0x40031);
    ck_assert_uint_eq(rdmsr(&apic[0], 0x6e0), 0);
    ck_assert_uint_eq(apic_read(&apic[0], 0x380), 0);
    sys_clock_advance(clk, 100000);
    ck_assert_int_eq(cpu[0].level, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apic");
    TCase *tc = tcase_create("lapic");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_state);
    tcase_add_test(tc, priority_classes_and_eoi);
    tcase_add_test(tc, software_disabled);
    tcase_add_test(tc, level_eoi_reaches_ioapic);
    tcase_add_test(tc, timer_modes);
    tcase_add_test(tc, ipis);
    tcase_add_test(tc, logical_and_lowest_priority);
    tcase_add_test(tc, lint0_extint);
    tcase_add_test(tc, mmio_window);
    tcase_add_test(tc, apic_base_msr);
    tcase_add_test(tc, x2apic_transitions);
    tcase_add_test(tc, x2apic_register_map);
    tcase_add_test(tc, x2apic_ipis);
    tcase_add_test(tc, tsc_deadline_timer);
    tcase_add_test(tc, init_ipi_resets_apic);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
