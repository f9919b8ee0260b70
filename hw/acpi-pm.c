/*
 * acpi-pm.c — ACPI PM1a event/control blocks and PM timer (ACPI 6.5
 * section 4.8). The FADT says SMI_CMD = 0, so the machine is always in
 * ACPI mode and SCI_EN reads 1. No event source is modelled (no power or
 * sleep button, no timer-carry status), so no SCI is ever raised; SLP_EN
 * hands the sleep type to the board (S5: power off). The PM timer is
 * derived from the virtual clock, 32 bits wide (FADT TMR_VAL_EXT).
 */
#include "hw/acpi-pm.h"

#include <string.h>

#include "system/log.h"

#define CNT_SCI_EN 0x0001u
#define CNT_SLP_TYP_SHIFT 10
#define CNT_SLP_EN 0x2000u
#define CNT_WRITABLE 0x1c06u           /* SLP_TYP, GBL_RLS, BM_RLD */

static uint32_t pm_timer(AcpiPm *s)
{
    return (unsigned __int128)sys_clock_ns(s->clock) * ACPI_PM_TIMER_HZ /
           SYS_NS_PER_SEC;
}

static uint64_t pm_read(void *opaque, uint64_t off, unsigned size)
    REQUIRES(sys_bql)
{
    AcpiPm *s = opaque;
    uint8_t regs[ACPI_PM_SIZE + 8] = { 0 };
    uint16_t cnt = s->cnt | CNT_SCI_EN;
    uint32_t tmr = pm_timer(s);
    uint64_t v;

    memcpy(regs + ACPI_PM1_EVT_OFF, &s->sts, 2);     /* little-endian host */
    memcpy(regs + ACPI_PM1_EVT_OFF + 2, &s->en, 2);
    memcpy(regs + ACPI_PM1_CNT_OFF, &cnt, 2);
    memcpy(regs + ACPI_PM_TMR_OFF, &tmr, 4);
    memcpy(&v, regs + off, 8);
    return size == 4 ? (uint32_t)v : v & ((1u << (size * 8)) - 1);
}

/* Apply one byte of a write; the registers are byte-addressable. */
static void pm_write_byte(AcpiPm *s, unsigned off, uint8_t b)
    REQUIRES(sys_bql)
{
    unsigned shift = (off & 1) * 8;

    switch (off & ~1u) {
    case ACPI_PM1_EVT_OFF:
        s->sts &= ~(b << shift);                      /* write 1 to clear */
        break;
    case ACPI_PM1_EVT_OFF + 2:
        s->en = (s->en & ~(0xff << shift)) | b << shift;
        break;
    case ACPI_PM1_CNT_OFF:
        s->cnt = (s->cnt & ~(0xff << shift)) | ((b << shift) &
                                                (CNT_WRITABLE | CNT_SLP_EN));
        break;
    default:
        sys_log_guest_error("acpi-pm: write to read-only port +%u", off);
        break;
    }
}

static void pm_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
    REQUIRES(sys_bql)
{
    AcpiPm *s = opaque;

    for (unsigned i = 0; i < size && off + i < ACPI_PM_SIZE; i++) {
        pm_write_byte(s, off + i, val >> (i * 8));
    }
    if (s->cnt & CNT_SLP_EN) {                        /* write-only bit */
        s->cnt &= ~CNT_SLP_EN;
        if (s->sleep) {
            s->sleep(s->opaque, (s->cnt >> CNT_SLP_TYP_SHIFT) & 7);
        }
    }
}

static const MemoryRegionOps pm_ops = {
    .read = pm_read, .write = pm_write, .min_access = 1, .max_access = 4,
};

void acpi_pm_init(AcpiPm *s, SysClock *clock, AcpiPmSleepCb sleep,
                  void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->clock = clock;
    s->sleep = sleep;
    s->opaque = opaque;
    sys_mr_init_io(&s->io, "acpi-pm", ACPI_PM_SIZE, &pm_ops, s);
}

void acpi_pm_reset(AcpiPm *s)
{
    s->sts = s->en = s->cnt = 0;
}
