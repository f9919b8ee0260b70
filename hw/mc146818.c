/*
 * mc146818.c — MC146818A RTC and CMOS RAM (Motorola MC146818A datasheet).
 * The time is not stepped: it is rtc_secs plus the whole seconds elapsed on
 * the virtual clock since rtc_ref_ns, a point on the divider's one-second
 * grid. Flags are accounted lazily (when register C is read or a timer
 * fires) by counting the grid points passed, and timers are armed only
 * while an interrupt is enabled. Everything runs under the BQL.
 */
#include "hw/mc146818.h"

#include <string.h>
#include <time.h>

#include "system/log.h"

enum {
    REG_SEC = 0, REG_SEC_ALARM = 1, REG_MIN = 2, REG_MIN_ALARM = 3,
    REG_HOUR = 4, REG_HOUR_ALARM = 5, REG_WDAY = 6, REG_MDAY = 7,
    REG_MON = 8, REG_YEAR = 9, REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c,
    REG_D = 0x0d,
    A_UIP = 0x80, A_DV_RESET = 0x60, A_RS = 0x0f,
    B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_DM = 0x04,
    B_24H = 0x02,
    C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10, C_FLAGS = 0x70,
    D_VRT = 0x80,
};

#define NS INT64_C(1000000000)
/* UIP rises 244 us (8 cycles of 32.768 kHz) before each update. */
#define UIP_HOLD_NS 244141

static bool divider_running(const RtcState *s)
{
    return (s->cmos[REG_A] & A_DV_RESET) != A_DV_RESET;
}

static bool counting(const RtcState *s)
{
    return divider_running(s) && !(s->cmos[REG_B] & B_SET);
}

/* Index of the last one-second grid point at or before @now. */
static int64_t second_index(const RtcState *s, int64_t now)
{
    int64_t d = now - s->div_origin;

    return d >= 0 ? d / NS : -((-d + NS - 1) / NS);
}

static int64_t last_boundary(const RtcState *s, int64_t now)
{
    return s->div_origin + second_index(s, now) * NS;
}

static int64_t secs_at(const RtcState *s, int64_t now)
{
    if (!counting(s)) {
        return s->rtc_secs;
    }
    return s->rtc_secs + (now - s->rtc_ref_ns) / NS;
}

/* Periodic interrupt period in 32.768 kHz cycles (0: off). RS 1 and 2
 * repeat RS 8 and 9 with this time base. */
static uint64_t period_cycles(const RtcState *s)
{
    unsigned rs = s->cmos[REG_A] & A_RS;

    if (rs == 0) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7;
    }
    return UINT64_C(1) << (rs - 1);
}

/* Index of the last periodic grid point at or before @now. */
static int64_t period_index(const RtcState *s, int64_t now)
{
    if (now < s->div_origin) {
        return 0;
    }
    return (unsigned __int128)(now - s->div_origin) * 32768 /
           ((unsigned __int128)period_cycles(s) * NS);
}

static int64_t period_time(const RtcState *s, int64_t k)
{
    unsigned __int128 p = (unsigned __int128)k * period_cycles(s) * NS;

    return s->div_origin + (int64_t)((p + 32767) / 32768);
}

static uint8_t to_reg(const RtcState *s, int v)
{
    return (s->cmos[REG_B] & B_DM) ? v : (v / 10) << 4 | v % 10;
}

static int from_reg(const RtcState *s, uint8_t v)
{
    return (s->cmos[REG_B] & B_DM) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t hour_to_reg(const RtcState *s, int h)
{
    if (s->cmos[REG_B] & B_24H) {
        return to_reg(s, h);
    }
    return to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static int hour_from_reg(const RtcState *s, uint8_t v)
{
    if (s->cmos[REG_B] & B_24H) {
        return from_reg(s, v);
    }
    return from_reg(s, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

static struct tm broken_down(int64_t secs)
{
    time_t t = secs;
    struct tm tm;

    gmtime_r(&t, &tm);
    return tm;
}

/* An alarm byte matches when equal or "don't care" (top bits 11). */
static bool alarm_match(const RtcState *s, int64_t secs)
{
    struct tm tm = broken_down(secs);
    uint8_t as = s->cmos[REG_SEC_ALARM], am = s->cmos[REG_MIN_ALARM];
    uint8_t ah = s->cmos[REG_HOUR_ALARM];

    return ((as & 0xc0) == 0xc0 || as == to_reg(s, tm.tm_sec)) &&
           ((am & 0xc0) == 0xc0 || am == to_reg(s, tm.tm_min)) &&
           ((ah & 0xc0) == 0xc0 || ah == hour_to_reg(s, tm.tm_hour));
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE, and IRQ8 follows it. */
static void update_irq(RtcState *s) REQUIRES(sys_bql)
{
    bool irqf = s->cmos[REG_C] & s->cmos[REG_B] & C_FLAGS;

    s->cmos[REG_C] = irqf ? s->cmos[REG_C] | C_IRQF : s->cmos[REG_C] & ~C_IRQF;
    if (irqf != s->irq_level) {
        s->irq_level = irqf;
        sys_irq_set(s->irq, irqf);
    }
}

/* Set PF, UF and AF for every grid point passed up to @now. */
static void account(RtcState *s, int64_t now) REQUIRES(sys_bql)
{
    if (divider_running(s) && period_cycles(s) &&
        period_index(s, now) > period_index(s, s->pf_checked_ns)) {
        s->cmos[REG_C] |= C_PF;
    }
    s->pf_checked_ns = now;
    if (counting(s)) {
        int64_t j0 = second_index(s, s->upd_checked_ns);
        int64_t j1 = second_index(s, now);

        if (j1 > j0) {
            s->cmos[REG_C] |= C_UF;
        }
        /* A day of updates covers every alarm pattern. */
        for (int64_t j = j1 - j0 > 86400 ? j1 - 86400 : j0 + 1; j <= j1; j++) {
            if (alarm_match(s, secs_at(s, s->div_origin + j * NS))) {
                s->cmos[REG_C] |= C_AF;
                break;
            }
        }
    }
    s->upd_checked_ns = now;
    update_irq(s);
}

/* Arm the timers for the interrupts that are enabled. */
static void rearm(RtcState *s, int64_t now) REQUIRES(sys_bql)
{
    uint8_t b = s->cmos[REG_B];

    if ((b & B_PIE) && divider_running(s) && period_cycles(s)) {
        sys_timer_mod(&s->periodic_timer,
                      period_time(s, period_index(s, now) + 1));
    } else {
        sys_timer_del(&s->periodic_timer);
    }
    if ((b & (B_UIE | B_AIE)) && counting(s)) {
        sys_timer_mod(&s->update_timer, last_boundary(s, now) + NS);
    } else {
        sys_timer_del(&s->update_timer);
    }
}

static void rtc_timer_cb(void *opaque) REQUIRES(sys_bql)
{
    RtcState *s = opaque;
    int64_t now = sys_clock_ns(s->clock);

    account(s, now);
    rearm(s, now);
}

static uint8_t read_time_reg(RtcState *s, unsigned idx, int64_t now)
{
    struct tm tm = broken_down(secs_at(s, now));

    switch (idx) {
    case REG_SEC:
        return to_reg(s, tm.tm_sec);
    case REG_MIN:
        return to_reg(s, tm.tm_min);
    case REG_HOUR:
        return hour_to_reg(s, tm.tm_hour);
    case REG_WDAY:
        return to_reg(s, tm.tm_wday + 1);       /* Sunday = 1 */
    case REG_MDAY:
        return to_reg(s, tm.tm_mday);
    case REG_MON:
        return to_reg(s, tm.tm_mon + 1);
    default:
        return to_reg(s, (tm.tm_year + 1900) % 100);
    }
}

static void write_time_reg(RtcState *s, unsigned idx, uint8_t v, int64_t now)
{
    struct tm tm = broken_down(secs_at(s, now));
    int century;

    switch (idx) {
    case REG_SEC:
        tm.tm_sec = from_reg(s, v);
        break;
    case REG_MIN:
        tm.tm_min = from_reg(s, v);
        break;
    case REG_HOUR:
        tm.tm_hour = hour_from_reg(s, v);
        break;
    case REG_WDAY:
        return;                 /* derived from the date here */
    case REG_MDAY:
        tm.tm_mday = from_reg(s, v);
        break;
    case REG_MON:
        tm.tm_mon = from_reg(s, v) - 1;
        break;
    default:
        century = (s->cmos[RTC_REG_CENTURY] >> 4) * 10 +
                  (s->cmos[RTC_REG_CENTURY] & 15);
        tm.tm_year = century * 100 + from_reg(s, v) - 1900;
        break;
    }
    /* Out-of-range values are normalised rather than stored raw. */
    s->rtc_secs = timegm(&tm);
    s->rtc_ref_ns = last_boundary(s, now);
}

/* Registers A and B change whether time counts: settle the time and the
 * flags first, then restart from the new state. */
static void write_control(RtcState *s, unsigned idx, uint8_t v, int64_t now)
    REQUIRES(sys_bql)
{
    bool div_was_running = divider_running(s);

    account(s, now);
    s->rtc_secs = secs_at(s, now);
    if (idx == REG_A) {
        s->cmos[REG_A] = v & 0x7f;
        if (divider_running(s) && !div_was_running) {
            /* Leaving divider reset: the first update is 500 ms later. */
            s->div_origin = now - NS / 2;
        }
    } else {
        if (v & B_SET) {
            v &= ~B_UIE;        /* SET clears UIE */
        }
        s->cmos[REG_B] = v;
    }
    s->rtc_ref_ns = last_boundary(s, now);
    s->pf_checked_ns = s->upd_checked_ns = now;
    update_irq(s);
    rearm(s, now);
}

static uint8_t read_reg(RtcState *s, unsigned idx) REQUIRES(sys_bql)
{
    int64_t now = sys_clock_ns(s->clock);
    uint8_t v;

    switch (idx) {
    case REG_SEC: case REG_MIN: case REG_HOUR: case REG_WDAY:
    case REG_MDAY: case REG_MON: case REG_YEAR:
        return read_time_reg(s, idx, now);
    case REG_A:
        v = s->cmos[REG_A];
        if (counting(s) && now - last_boundary(s, now) >= NS - UIP_HOLD_NS) {
            v |= A_UIP;
        }
        return v;
    case REG_C:
        account(s, now);
        v = s->cmos[REG_C];
        s->cmos[REG_C] = 0;
        update_irq(s);
        return v;
    case REG_D:
        return D_VRT;
    default:
        return s->cmos[idx];
    }
}

static void write_reg(RtcState *s, unsigned idx, uint8_t v) REQUIRES(sys_bql)
{
    int64_t now = sys_clock_ns(s->clock);

    switch (idx) {
    case REG_SEC: case REG_MIN: case REG_HOUR: case REG_WDAY:
    case REG_MDAY: case REG_MON: case REG_YEAR:
        account(s, now);
        write_time_reg(s, idx, v, now);
        break;
    case REG_A:
    case REG_B:
        write_control(s, idx, v, now);
        break;
    case REG_C:
    case REG_D:
        sys_log_guest_error("rtc: write 0x%02x to read-only register %u", v,
                            idx);
        break;
    default:
        s->cmos[idx] = v;
        break;
    }
}

static uint64_t rtc_io_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    RtcState *s = opaque;

    if (addr == 0) {
        return 0xff;            /* the index port is write-only */
    }
    return read_reg(s, s->index);
}

static void rtc_io_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size) REQUIRES(sys_bql)
{
    RtcState *s = opaque;

    if (addr == 0) {
        s->index = val & 0x7f;
        s->nmi_disabled = val & 0x80;
    } else {
        write_reg(s, s->index, val);
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_io_read, .write = rtc_io_write, .max_access = 1,
};

void rtc_reset(RtcState *s)
{
    int64_t now = sys_clock_ns(s->clock);

    account(s, now);
    s->cmos[REG_B] &= ~(B_PIE | B_AIE | B_UIE | 0x08);
    s->cmos[REG_C] = 0;
    update_irq(s);
    rearm(s, now);
}

int64_t rtc_get_time(RtcState *s)
{
    return secs_at(s, sys_clock_ns(s->clock));
}

void rtc_set_cmos(RtcState *s, unsigned addr, uint8_t val)
{
    if (addr >= 0x0e && addr < RTC_CMOS_SIZE) {
        s->cmos[addr] = val;
    }
}

uint8_t rtc_get_cmos(RtcState *s, unsigned addr)
{
    return addr < RTC_CMOS_SIZE ? s->cmos[addr] : 0xff;
}

NO_THREAD_SAFETY_ANALYSIS   /* before the device is reachable by anyone */
void rtc_init(RtcState *s, SysClock *clock, SysIrqLine irq, int64_t unix_secs)
{
    int64_t now = sys_clock_ns(clock);
    int year = broken_down(unix_secs).tm_year + 1900;

    memset(s, 0, sizeof(*s));
    s->clock = clock;
    s->irq = irq;
    s->cmos[REG_A] = 0x26;
    s->cmos[REG_B] = B_24H;
    s->cmos[RTC_REG_CENTURY] = (year / 1000 % 10) << 4 | (year / 100 % 10);
    s->rtc_secs = unix_secs;
    s->div_origin = s->rtc_ref_ns = now;
    s->pf_checked_ns = s->upd_checked_ns = now;
    sys_timer_init(&s->periodic_timer, clock, rtc_timer_cb, s);
    sys_timer_init(&s->update_timer, clock, rtc_timer_cb, s);
    sys_mr_init_io(&s->io, "rtc", 2, &rtc_ops, s);
}
