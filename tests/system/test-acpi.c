/*
 * test-acpi.c — the firmware tables of a freshly built PC read back the way
 * an OS finds them (ACPI 6.5 5.2.5.1: the RSDP on a 16-byte boundary in
 * 0xE0000-0xFFFFF; signatures and checksums; RSDT and XSDT to the FADT and
 * MADT; FADT to FACS, DSDT and the PM blocks), the MADT against -smp N and
 * the I/O APIC's own ID register, and the PM registers (timer at
 * 3.579545 MHz, SCI_EN, S5); and, where iasl is installed, ACPICA's
 * disassembler and compiler reproduce every table.
 */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "hw/acpi-tables.h"
#include "hw/mptable.h"
#include "hw/pc.h"
#include "tests/system/systest.h"

static PcBoard *pc;
static SysClock *clk;
static unsigned sleeps, sleep_type;

static void on_sleep(void *opaque, unsigned slp_typ)
{
    sleeps++;
    sleep_type = slp_typ;
}

static void board_new(unsigned ncpus)
{
    PcConfig cfg = {
        .ram_size = 64 << 20, .ncpus = ncpus, .rtc_start = 1700000000,
        .sleep_cb = on_sleep,
    };

    clk = sys_clock_new_manual(0);
    cfg.clock = clk;
    sleeps = 0;
    sys_bql_lock();
    pc = pc_new(&cfg);
    sys_bql_unlock();
}

static void board_free(void)
{
    pc_free(pc);
    sys_clock_free(clk);
}

/* ---- reading guest memory as an OS ------------------------------------- */

static uint32_t rd(uint64_t addr, unsigned size)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_read(pc->as_mem, addr, size, &v), SYS_MEM_OK);
    return v;
}

static uint64_t rd64(uint64_t addr)
{
    return rd(addr, 4) | (uint64_t)rd(addr + 4, 4) << 32;
}

static uint8_t sum(uint64_t addr, uint32_t len)
{
    uint8_t s = 0;

    for (uint32_t i = 0; i < len; i++) {
        s += rd(addr + i, 1);
    }
    return s;
}

static bool sig_is(uint64_t addr, const char *sig)
{
    for (size_t i = 0; i < strlen(sig); i++) {
        if (rd(addr + i, 1) != (uint8_t)sig[i]) {
            return false;
        }
    }
    return true;
}

/* The RSDP as Linux's acpi_find_root_pointer scans for it, or 0. */
static uint64_t find_rsdp(void)
{
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
        if (sig_is(a, "RSD PTR ") && sum(a, 20) == 0) {
            return a;
        }
    }
    return 0;
}

/* A system description table at @addr: signature and checksum. */
static uint32_t check_table(uint64_t addr, const char *sig)
{
    uint32_t len = rd(addr + 4, 4);

    ck_assert_msg(sig_is(addr, sig), "no %s at 0x%llx", sig,
                  (unsigned long long)addr);
    ck_assert_uint_ge(len, 36);
    ck_assert_msg(sum(addr, len) == 0, "%s checksum", sig);
    return len;
}

/* The table with @sig among the RSDT's (width 4) or XSDT's (8) entries. */
static uint64_t sdt_find(uint64_t sdt, unsigned width, const char *sig)
{
    uint32_t len = rd(sdt + 4, 4);

    for (uint32_t off = 36; off < len; off += width) {
        uint64_t t = width == 4 ? rd(sdt + off, 4) : rd64(sdt + off);

        if (sig_is(t, sig)) {
            return t;
        }
    }
    return 0;
}

/* ---- tests --------------------------------------------------------------- */

static const unsigned smp_counts[] = { 1, 2, 4, 8, 255 };  /* -smp max */

START_TEST(rsdp_rsdt_xsdt)
{
    uint64_t rsdp, rsdt, xsdt, mpc;

    board_new(smp_counts[_i]);
    rsdp = find_rsdp();
    ck_assert_uint_ne(rsdp, 0);
    ck_assert_uint_eq(rd(rsdp + 15, 1), 2);             /* revision 2 */
    ck_assert_uint_eq(rd(rsdp + 20, 4), 36);            /* length */
    ck_assert_uint_eq(sum(rsdp, 36), 0);                /* extended */
    rsdt = rd(rsdp + 16, 4);
    xsdt = rd64(rsdp + 24);
    ck_assert_uint_eq(check_table(rsdt, "RSDT"), 36 + 2 * 4);
    ck_assert_uint_eq(check_table(xsdt, "XSDT"), 36 + 2 * 8);
    for (int i = 0; i < 2; i++) {
        const char *sig = i ? "APIC" : "FACP";
        uint64_t t = sdt_find(rsdt, 4, sig);

        ck_assert_uint_ne(t, 0);
        ck_assert_uint_eq(t, sdt_find(xsdt, 8, sig));
        check_table(t, sig);
    }
    /* Everything in the BIOS area that e820 reserves. */
    ck_assert_uint_ge(rsdt, 0xf0000);
    ck_assert_uint_lt(xsdt, 0x100000);
    /* The MP table is there too, intact: the tables do not overlap. */
    ck_assert(sig_is(MPTABLE_DEFAULT_ADDR, "_MP_"));
    ck_assert_uint_eq(sum(MPTABLE_DEFAULT_ADDR, 16), 0);
    mpc = rd(MPTABLE_DEFAULT_ADDR + 4, 4);
    ck_assert(sig_is(mpc, "PCMP"));
    ck_assert_uint_eq(sum(mpc, rd(mpc + 4, 2)), 0);
    ck_assert_uint_eq(rd(mpc + 34, 2), smp_counts[_i] + 3 + 15 + 124 + 2);
    ck_assert_uint_le(mpc + rd(mpc + 4, 2), ACPI_TABLES_ADDR);
    board_free();
}
END_TEST

START_TEST(fadt_facs_dsdt)
{
    uint64_t fadt, facs, dsdt;

    board_new(2);
    fadt = sdt_find(rd64(find_rsdp() + 24), 8, "FACP");
    ck_assert_uint_eq(check_table(fadt, "FACP"), 244);
    ck_assert_uint_eq(rd(fadt + 8, 1), 3);              /* revision */
    facs = rd(fadt + 36, 4);
    dsdt = rd(fadt + 40, 4);
    ck_assert_uint_eq(rd64(fadt + 132), facs);          /* X_FIRMWARE_CTRL */
    ck_assert_uint_eq(rd64(fadt + 140), dsdt);          /* X_DSDT */
    ck_assert(sig_is(facs, "FACS"));
    ck_assert_uint_eq(rd(facs + 4, 4), 64);
    ck_assert_uint_eq(facs % 64, 0);
    check_table(dsdt, "DSDT");
    ck_assert_uint_eq(rd(fadt + 46, 2), 9);             /* SCI_INT */
    ck_assert_uint_eq(rd(fadt + 48, 4), 0);             /* SMI_CMD */
    ck_assert_uint_eq(rd(fadt + 56, 4), 0x600);         /* PM1a_EVT_BLK */
    ck_assert_uint_eq(rd(fadt + 64, 4), 0x604);         /* PM1a_CNT_BLK */
    ck_assert_uint_eq(rd(fadt + 76, 4), 0x608);         /* PM_TMR_BLK */
    ck_assert_uint_eq(rd(fadt + 88, 1), 4);
    ck_assert_uint_eq(rd(fadt + 89, 1), 2);
    ck_assert_uint_eq(rd(fadt + 91, 1), 4);
    ck_assert(rd(fadt + 112, 4) & (1u << 8));           /* TMR_VAL_EXT */
    ck_assert(!(rd(fadt + 112, 4) & (1u << 20)));       /* not HW-reduced */
    /* X_PM_TMR_BLK: system I/O, 32 bits, at the same port. */
    ck_assert_uint_eq(rd(fadt + 208, 1), 1);
    ck_assert_uint_eq(rd(fadt + 209, 1), 32);
    ck_assert_uint_eq(rd64(fadt + 212), 0x608);
    ck_assert_uint_eq(rd64(fadt + 148 + 4), 0x600);
    ck_assert_uint_eq(rd64(fadt + 172 + 4), 0x604);
    board_free();
}
END_TEST

/* The I/O APIC's ID register (index 0, bits 27:24) through its window. */
static uint8_t ioapic_hw_id(void)
{
    uint64_t v;

    sys_as_write(pc->as_mem, IOAPIC_BASE, 4, 0);
    sys_as_read(pc->as_mem, IOAPIC_BASE + 0x10, 4, &v);
    return (v >> 24) & 0xf;
}

typedef struct MadtCount {
    unsigned lapic, x2apic, ioapic, iso, nmi, x2nmi;
    uint32_t ioapic_addr, ioapic_gsi;
    uint8_t ioapic_id;
    bool irq0_on_gsi2, sci_level;
    uint32_t next_id;                   /* the IDs in order from 0 */
} MadtCount;

static void madt_walk(uint64_t madt, MadtCount *c)
{
    uint32_t len = rd(madt + 4, 4), off = 44;

    memset(c, 0, sizeof(*c));
    while (off < len) {
        uint64_t e = madt + off;
        unsigned type = rd(e, 1), elen = rd(e + 1, 1);

        ck_assert_uint_ge(elen, 2);
        switch (type) {
        case 0:
            ck_assert_uint_eq(elen, 8);
            ck_assert_uint_eq(rd(e + 3, 1), c->next_id++);
            ck_assert_uint_eq(rd(e + 4, 4) & 1, 1);     /* enabled */
            c->lapic++;
            break;
        case 1:
            c->ioapic++;
            c->ioapic_id = rd(e + 2, 1);
            c->ioapic_addr = rd(e + 4, 4);
            c->ioapic_gsi = rd(e + 8, 4);
            break;
        case 2:
            c->iso++;
            c->irq0_on_gsi2 |= rd(e + 3, 1) == 0 && rd(e + 4, 4) == 2;
            c->sci_level |= rd(e + 3, 1) == 9 && rd(e + 8, 2) == 0xd;
            break;
        case 4:
            c->nmi++;
            ck_assert_uint_eq(rd(e + 2, 1), 0xff);      /* all CPUs */
            ck_assert_uint_eq(rd(e + 5, 1), 1);         /* LINT1 */
            break;
        case 9:
            ck_assert_uint_eq(elen, 16);
            ck_assert_uint_eq(rd(e + 4, 4), c->next_id++);
            c->x2apic++;
            break;
        case 10:
            c->x2nmi++;
            break;
        default:
            ck_abort_msg("MADT entry type %u", type);
        }
        off += elen;
    }
    ck_assert_uint_eq(off, len);
}

START_TEST(madt_cpus_and_ioapic)
{
    unsigned n = smp_counts[_i];
    uint64_t madt;
    MadtCount c;

    board_new(n);
    madt = sdt_find(rd(find_rsdp() + 16, 4), 4, "APIC");
    ck_assert_uint_eq(rd(madt + 36, 4), 0xfee00000);    /* local APICs */
    ck_assert_uint_eq(rd(madt + 40, 4) & 1, 1);         /* PCAT_COMPAT */
    madt_walk(madt, &c);
    ck_assert_uint_eq(c.lapic, n);
    ck_assert_uint_eq(c.x2apic, 0);
    ck_assert_uint_eq(c.ioapic, 1);
    ck_assert_uint_eq(c.ioapic_addr, 0xfec00000);
    ck_assert_uint_eq(c.ioapic_gsi, 0);
    ck_assert_uint_eq(c.ioapic_id, ioapic_hw_id());
    ck_assert(c.irq0_on_gsi2 && c.sci_level);
    ck_assert_uint_eq(c.nmi, 1);
    board_free();
}
END_TEST

/* APIC IDs of 255 and up need local x2APIC entries. */
START_TEST(madt_x2apic_entries)
{
    uint64_t rsdp, madt;
    MadtCount c;

    board_new(1);
    acpi_tables_build(pc->as_mem, ACPI_TABLES_ADDR, 300, 7);
    rsdp = find_rsdp();
    madt = sdt_find(rd64(rsdp + 24), 8, "APIC");
    check_table(madt, "APIC");
    madt_walk(madt, &c);
    ck_assert_uint_eq(c.lapic, 255);
    ck_assert_uint_eq(c.x2apic, 45);
    ck_assert_uint_eq(c.x2nmi, 1);
    ck_assert_uint_eq(c.ioapic_id, 7);
    board_free();
}
END_TEST

static uint32_t in(uint16_t port, unsigned size)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_read(pc->as_io, port, size, &v), SYS_MEM_OK);
    return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
    ck_assert_int_eq(sys_as_write(pc->as_io, port, size, v), SYS_MEM_OK);
}

START_TEST(pm_registers)
{
    board_new(1);
    ck_assert_uint_eq(in(0x608, 4), 0);
    sys_bql_lock();
    sys_clock_advance(clk, SYS_NS_PER_SEC);
    sys_bql_unlock();
    ck_assert_uint_eq(in(0x608, 4), 3579545);           /* one second */
    ck_assert_uint_eq(in(0x604, 2) & 1, 1);             /* SCI_EN */
    out(0x602, 2, 0x0120);                              /* PM1_EN */
    ck_assert_uint_eq(in(0x602, 2), 0x0120);
    ck_assert_uint_eq(in(0x600, 2), 0);                 /* no events */
    out(0x604, 2, 5 << 10);                             /* SLP_TYP only */
    ck_assert_uint_eq(sleeps, 0);
    out(0x604, 2, 0x2000 | 0 << 10);                    /* S5: power off */
    ck_assert_uint_eq(sleeps, 1);
    ck_assert_uint_eq(sleep_type, 0);
    ck_assert_uint_eq(in(0x604, 2) & 0x2000, 0);        /* write-only */
    board_free();
}
END_TEST

/* Run iasl @a1 [@a2] in @dir; true if it exits with 0. */
static bool iasl(const char *dir, const char *a1, const char *a2)
{
    const char *argv[] = { "iasl", a1, a2, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status;

    ck_assert(g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_SEARCH_PATH,
                           NULL, NULL, &out, &err, &status, NULL));
    return g_spawn_check_wait_status(status, NULL);
}

/* ACPICA's own reading: each table disassembled by iasl -d and compiled
 * back gives the same bytes after the header (whose creator fields iasl
 * rewrites). Skipped where acpica-tools is not installed. */
START_TEST(tables_pass_iasl)
{
    static const char *const sigs[] = { "FACP", "APIC", "DSDT", "XSDT" };
    g_autofree char *dir = NULL, *iasl_path = g_find_program_in_path("iasl");
    uint64_t xsdt, fadt, addrs[4];

    if (!iasl_path) {
        printf("SKIP tables_pass_iasl: iasl (acpica-tools) not installed\n");
        return;
    }
    dir = g_dir_make_tmp("ferry-acpi-XXXXXX", NULL);
    board_new(4);
    xsdt = rd64(find_rsdp() + 24);
    fadt = sdt_find(xsdt, 8, "FACP");
    addrs[0] = fadt;
    addrs[1] = sdt_find(xsdt, 8, "APIC");
    addrs[2] = rd(fadt + 40, 4);
    addrs[3] = xsdt;
    for (int i = 0; i < 4; i++) {
        uint32_t len = rd(addrs[i] + 4, 4);
        g_autofree uint8_t *buf = g_malloc(len);
        g_autofree char *dat = g_strdup_printf("%s/%s.dat", dir, sigs[i]);
        g_autofree char *dsl = g_strdup_printf("%s.dsl", sigs[i]);
        g_autofree char *aml = g_strdup_printf("%s/%s.aml", dir, sigs[i]);
        g_autofree char *back = NULL;
        gsize back_len;

        sys_as_read_buf(pc->as_mem, addrs[i], buf, len);
        ck_assert(g_file_set_contents(dat, (char *)buf, len, NULL));
        ck_assert_msg(iasl(dir, "-d", dat), "iasl -d %s", sigs[i]);
        ck_assert_msg(iasl(dir, dsl, NULL), "iasl %s", dsl);
        ck_assert(g_file_get_contents(aml, &back, &back_len, NULL));
        ck_assert_uint_eq(back_len, len);
        ck_assert_msg(!memcmp(back, buf, 9) &&
                      !memcmp(back + 36, buf + 36, len - 36),
                      "%s differs after iasl", sigs[i]);
    }
    board_free();
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 3; k++) {
            static const char *const ext[] = { "dat", "dsl", "aml" };
            g_autofree char *f = g_strdup_printf("%s/%s.%s", dir, sigs[i],
                                                 ext[k]);
            g_remove(f);
        }
    }
    g_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("tables");
    int n = G_N_ELEMENTS(smp_counts);

    tcase_add_loop_test(tc, rsdp_rsdt_xsdt, 0, n);
    tcase_add_test(tc, fadt_facs_dsdt);
    tcase_add_loop_test(tc, madt_cpus_and_ioapic, 0, n);
    tcase_add_test(tc, madt_x2apic_entries);
    tcase_add_test(tc, pm_registers);
    tcase_add_test(tc, tables_pass_iasl);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
