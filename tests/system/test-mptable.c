/*
 * test-mptable.c — the MP 1.4 tables read back the way a kernel finds and
 * parses them (MultiProcessor Specification 1.4, chapter 4): "_MP_" on a
 * 16-byte boundary in 0xF0000-0xFFFFF with a zero checksum, a "PCMP" table
 * whose base checksum is zero and whose entries (20-byte processors,
 * 8-byte others) exactly fill the base length, and the interrupt routing
 * the PC board implements.
 */
#include <check.h>
#include <string.h>

#include "hw/mptable.h"
#include "tests/system/systest.h"

static MemoryRegion root, ram;
static AddressSpace *as;

static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--) {
        s += *p++;
    }
    return s;
}

static void setup(void)
{
    sys_bql_lock();
    sys_mr_init_container(&root, "root", UINT64_MAX);
    sys_mr_init_ram(&ram, "ram", 1 << 20);
    sys_mr_add_subregion(&root, 0, &ram);
    as = sys_as_new("mp-mem", &root);
    sys_bql_unlock();
}

static void teardown(void)
{
    sys_as_free(as);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &ram);
    sys_bql_unlock();
    sys_rcu_synchronize();
    sys_mr_fini(&ram);
}

/* Find the interrupt source entry for (bus, busirq); NULL if none. */
static const uint8_t *find_int(const uint8_t *t, int type, int bus,
                               int busirq)
{
    const uint8_t *e = t + 44, *end = t + get16(t + 4);

    while (e < end) {
        if (e[0] == type && e[4] == bus && e[5] == busirq) {
            return e;
        }
        e += e[0] == 0 ? 20 : 8;
    }
    return NULL;
}

START_TEST(tables_as_a_kernel_reads_them)
{
    const uint8_t *fp = NULL, *t, *e, *end;
    int cpus = 0, bsps = 0, ioapics = 0, buses = 0, count = 0;

    mptable_build(as, MPTABLE_DEFAULT_ADDR, 4, 4);
    for (uint32_t a = 0xf0000; a < 0x100000; a += 16) {
        if (!memcmp(ram.ram + a, "_MP_", 4) && !sum(ram.ram + a, 16)) {
            fp = ram.ram + a;
            break;
        }
    }
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fp[8], 1);
    ck_assert_uint_eq(fp[9], 4);
    ck_assert_uint_eq(fp[11], 0);               /* table present */
    ck_assert_uint_eq(fp[12] & 0x80, 0);        /* virtual wire mode */
    t = ram.ram + get32(fp + 4);
    ck_assert_mem_eq(t, "PCMP", 4);
    ck_assert_uint_eq(sum(t, get16(t + 4)), 0);
    ck_assert_uint_eq(get32(t + 36), 0xfee00000);
    end = t + get16(t + 4);
    for (e = t + 44; e < end; e += e[0] == 0 ? 20 : 8, count++) {
        switch (e[0]) {
        case 0:
            ck_assert_uint_eq(e[1], cpus);      /* APIC IDs 0..3 */
            ck_assert_uint_eq(e[3] & 1, 1);
            bsps += (e[3] >> 1) & 1;
            cpus++;
            break;
        case 1:
            buses++;
            break;
        case 2:
            ck_assert_uint_eq(e[1], 4);
            ck_assert_uint_eq(get32(e + 4), 0xfec00000);
            ioapics++;
            break;
        default:
            ck_assert_uint_le(e[0], 4);
        }
    }
    ck_assert_ptr_eq(e, end);                   /* entries fill the table */
    ck_assert_int_eq(count, get16(t + 34));
    ck_assert_int_eq(cpus, 4);
    ck_assert_int_eq(bsps, 1);
    ck_assert_int_eq(buses, 2);
    ck_assert_int_eq(ioapics, 1);
    /* ISA IRQ0 on pin 2, IRQ4 on pin 4, none for the cascade. */
    ck_assert_uint_eq(find_int(t, 3, 1, 0)[7], 2);
    ck_assert_uint_eq(find_int(t, 3, 1, 4)[7], 4);
    ck_assert_ptr_null(find_int(t, 3, 1, 2));
    /* PCI 00:03 INTA: PIRQC, pin 18, active low, level. */
    e = find_int(t, 3, 0, 3 << 2 | 0);
    ck_assert_uint_eq(e[7], 18);
    ck_assert_uint_eq(get16(e + 2), 0x0f);
    /* ExtINT on LINT0, NMI on LINT1, every local APIC. */
    e = find_int(t, 4, 1, 0);
    ck_assert_uint_eq(e[1], 3);
    ck_assert_uint_eq(e[6], 0xff);
    ck_assert_uint_eq(e[7], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mptable");
    TCase *tc = tcase_create("mp");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tables_as_a_kernel_reads_them);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
