/*
 * apic.c — local APIC (Intel SDM vol. 3, chapter 11: xAPIC and x2APIC
 * modes) and the APIC bus. Interrupts wait in IRR until the CPU's INTA
 * cycle (apic_get_interrupt) moves the highest one whose class beats the
 * PPR to ISR; an EOI retires the highest ISR bit and, for level vectors
 * (TMR), tells the I/O APIC. The timer counts at a 1 GHz bus clock divided
 * per the divide configuration, or in TSC-deadline mode compares the
 * guest TSC (system/clock.h) with IA32_TSC_DEADLINE. As in QEMU, the APIC
 * with ID 0 comes out of reset with LINT0 in ExtINT mode so the PIC
 * reaches a CPU whose OS never programs its APIC. Everything runs under
 * the BQL.
 */
#include "hw/apic.h"

#include <string.h>

#include "jit/fatal.h"
#include "system/log.h"

enum {
    R_ID = 0x20, R_VERSION = 0x30, R_TPR = 0x80, R_APR = 0x90, R_PPR = 0xa0,
    R_EOI = 0xb0, R_LDR = 0xd0, R_DFR = 0xe0, R_SVR = 0xf0, R_ISR = 0x100,
    R_TMR = 0x180, R_IRR = 0x200, R_ESR = 0x280, R_ICR_LO = 0x300,
    R_ICR_HI = 0x310, R_LVT = 0x320, R_TIMER_INIT = 0x380,
    R_TIMER_CUR = 0x390, R_TIMER_DIV = 0x3e0, R_SELF_IPI = 0x3f0,
    LVT_TIMER = 0, LVT_LINT0 = 3, LVT_LINT1 = 4,
    TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2,       /* LVT timer mode */
    DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5,
    DM_SIPI = 6, DM_EXTINT = 7,
};

#define APIC_VERSION 0x00050014u          /* version 0x14, 6 LVT entries */
#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define SVR_ENABLE (1u << 8)
#define BASE_BSP (1u << 8)
#define BASE_X2APIC (1u << 10)
#define BASE_ENABLE (1u << 11)
#define BASE_ADDR UINT64_C(0xffffff000)
#define ESR_RECV_ILLEGAL 0x40u
#define LVT_RO_BITS 0x5000u               /* delivery status, remote IRR */
#define ICR_X2APIC_VALID UINT64_C(0xffffffff000ccfff)
#define SVR_VALID 0x3ffu                  /* no EOI-broadcast suppression */

/* The writable bits of each LVT entry (vol. 3 figure 11-8): timer, thermal,
 * performance counters, LINT0, LINT1, error. */
static const uint32_t lvt_mask[APIC_LVT_COUNT] = {
    0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

/* ---- bit arrays and priorities ------------------------------------------ */

static void set_bit(uint32_t *a, int v)   { a[v >> 5] |= 1u << (v & 31); }
static void clear_bit(uint32_t *a, int v) { a[v >> 5] &= ~(1u << (v & 31)); }
static bool test_bit(const uint32_t *a, int v)
{
    return a[v >> 5] & (1u << (v & 31));
}

static int highest(const uint32_t *a)
{
    for (int i = 7; i >= 0; i--) {
        if (a[i]) {
            return i * 32 + 31 - __builtin_clz(a[i]);
        }
    }
    return -1;
}

/* PPR: the TPR or the class of the highest in-service vector. */
static uint32_t ppr(const LApic *s)
{
    int isrv = highest(s->isr);
    uint32_t tpr = s->tpr & 0xff, cls = isrv < 0 ? 0 : isrv & 0xf0;

    return (tpr & 0xf0) >= cls ? tpr : cls;
}

/* The vector the CPU would take now, or -1. */
static int pending_vector(const LApic *s)
{
    int v = highest(s->irr);

    if (v < 0 || (uint32_t)(v & 0xf0) <= (ppr(s) & 0xf0)) {
        return -1;
    }
    return v;
}

static bool hw_enabled(const LApic *s)
{
    return s->apicbase & BASE_ENABLE;
}

static bool x2apic_mode(const LApic *s)
{
    return s->apicbase & BASE_X2APIC;
}

/* The PIC's INTR reaches the CPU through LINT0 in ExtINT mode, or
 * directly while the APIC is hardware-disabled. */
static bool extint_accepted(const LApic *s)
{
    uint32_t l = s->lvt[LVT_LINT0];

    if (!hw_enabled(s)) {
        return s->extint_pending;
    }
    return s->extint_pending && !(l & LVT_MASKED) &&
           ((l >> 8) & 7) == DM_EXTINT;
}

/* Whether the APIC itself delivers vectors (enabled in MSR and SVR). */
static bool delivering(const LApic *s)
{
    return hw_enabled(s) && (s->svr & SVR_ENABLE);
}

bool apic_has_interrupt(LApic *s)
{
    return (delivering(s) && pending_vector(s) >= 0) || extint_accepted(s);
}

static void update(LApic *s) REQUIRES(sys_bql)
{
    bool level = apic_has_interrupt(s);

    if (level != s->cpu_int_level) {
        s->cpu_int_level = level;
        sys_irq_set(s->cpu_int, level);
    }
}

/* ---- accepting interrupts ----------------------------------------------- */

/* INIT (SDM vol. 3 11.4.7.3, 11.12.5.1): the power-up state except that
 * the APIC ID, IA32_APIC_BASE (so xAPIC/x2APIC mode) and, in x2APIC mode,
 * the LDR are kept. */
static void init_reset(LApic *s) REQUIRES(sys_bql)
{
    uint8_t id = s->id;
    uint64_t base = s->apicbase;
    uint32_t ldr = s->ldr;

    apic_reset(s);
    s->id = id;
    s->apicbase = base;
    if (x2apic_mode(s)) {
        s->ldr = ldr;
    }
    update(s);
}

static void accept(LApic *s, int mode, uint8_t vector, bool level)
    REQUIRES(sys_bql)
{
    if (!hw_enabled(s)) {
        return;                 /* a disabled APIC is off the bus */
    }
    switch (mode) {
    case DM_FIXED:
    case DM_LOWEST:
        if (vector < 16) {
            s->esr |= ESR_RECV_ILLEGAL;
            return;
        }
        set_bit(s->irr, vector);
        if (level) {
            set_bit(s->tmr, vector);
        } else {
            clear_bit(s->tmr, vector);
        }
        update(s);
        break;
    case DM_NMI:
        s->ops->nmi(s->cpu);
        break;
    case DM_INIT:
        init_reset(s);
        s->ops->init(s->cpu);
        break;
    case DM_SIPI:
        s->ops->sipi(s->cpu, vector);
        break;
    default:
        sys_log_unimp("apic: delivery mode %d", mode);
        break;
    }
}

int apic_get_interrupt(LApic *s)
{
    int v;

    if (delivering(s)) {
        v = pending_vector(s);
        if (v >= 0) {
            clear_bit(s->irr, v);
            set_bit(s->isr, v);
            update(s);
            return v;
        }
    }
    if (extint_accepted(s)) {
        return APIC_EXTINT;
    }
    return delivering(s) ? (int)(s->svr & 0xff) : -1;
}

static void eoi(LApic *s) REQUIRES(sys_bql)
{
    int v = highest(s->isr);

    if (v < 0) {
        return;
    }
    clear_bit(s->isr, v);
    if (test_bit(s->tmr, v) && s->bus->ioapic) {
        ioapic_eoi(s->bus->ioapic, v);
    }
    update(s);
}

/* ---- the bus -------------------------------------------------------------- */

/* Whether @s is a destination of @m (vol. 3 11.6.2; x2APIC mode 11.12.10:
 * 32-bit IDs, logical destinations cluster << 16 | bitmap). An 8-bit
 * destination of 0xFF (the I/O APIC's broadcast) reaches x2APICs too. */
static bool dest_match(const LApic *s, const IoapicMsg *m)
{
    uint8_t ldr = s->ldr >> 24, dest = m->dest;

    if (m->dest == (m->x2apic ? 0xffffffffu : 0xffu)) {
        return true;
    }
    if (x2apic_mode(s)) {
        if (!m->dest_logical) {
            return m->dest == s->initial_id;
        }
        return (m->dest >> 16) == (s->ldr >> 16) &&
               (m->dest & s->ldr & 0xffff);
    }
    if (!m->dest_logical) {
        return dest == s->id;
    }
    if ((s->dfr >> 28) == 0xf) {
        return (dest & ldr) != 0;                       /* flat */
    }
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0x0f);   /* cluster */
}

void apic_bus_deliver(ApicBus *bus, const IoapicMsg *m)
{
    LApic *lowest = NULL;

    for (int i = 0; i < bus->n; i++) {
        LApic *s = bus->apics[i];

        if (!dest_match(s, m)) {
            continue;
        }
        if (m->delivery_mode == DM_LOWEST) {
            if (!lowest || ppr(s) < ppr(lowest)) {
                lowest = s;
            }
            continue;
        }
        accept(s, m->delivery_mode, m->vector, m->level);
    }
    if (lowest) {
        accept(lowest, DM_LOWEST, m->vector, m->level);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* I/O APIC callbacks run under the BQL */
void apic_bus_ioapic_deliver(void *bus, const IoapicMsg *msg)
{
    apic_bus_deliver(bus, msg);
}

/* An IPI from @s's ICR. */
static void send_ipi(LApic *s) REQUIRES(sys_bql)
{
    uint32_t lo = s->icr_lo;
    IoapicMsg m = {
        .vector = lo & 0xff, .delivery_mode = (lo >> 8) & 7,
        .dest_logical = (lo >> 11) & 1,
        .dest = x2apic_mode(s) ? s->icr_hi : s->icr_hi >> 24,
        .level = (lo >> 15) & 1, .pin = -1, .x2apic = x2apic_mode(s),
    };
    int shorthand = (lo >> 18) & 3;

    if (m.delivery_mode == DM_INIT && m.level && !(lo & (1u << 14))) {
        return;                 /* INIT level de-assert: arbitration only */
    }
    if (shorthand == 0) {
        apic_bus_deliver(s->bus, &m);
        return;
    }
    for (int i = 0; i < s->bus->n; i++) {
        LApic *d = s->bus->apics[i];

        if ((shorthand == 1 && d == s) || shorthand == 2 ||
            (shorthand == 3 && d != s)) {
            accept(d, m.delivery_mode, m.vector, m.level);
        }
    }
}

/* ---- timer ---------------------------------------------------------------- */

static int64_t divisor(const LApic *s)
{
    unsigned v = ((s->divide_conf & 8) >> 1) | (s->divide_conf & 3);

    return 1 << ((v + 1) & 7);
}

static int timer_mode(const LApic *s)
{
    return (s->lvt[LVT_TIMER] >> 17) & 3;
}

static bool timer_periodic(const LApic *s)
{
    return timer_mode(s) == TIMER_PERIODIC;
}

/* The current count; the initial count is 0 in TSC-deadline mode. */
static uint32_t timer_current(const LApic *s)
{
    int64_t t;

    if (!s->initial_count) {
        return 0;
    }
    t = (sys_clock_ns(s->clock) - s->timer_start) / divisor(s);
    if (timer_periodic(s)) {
        return s->initial_count - t % s->initial_count;
    }
    return t >= s->initial_count ? 0 : s->initial_count - t;
}

static void timer_arm(LApic *s) REQUIRES(sys_bql)
{
    int64_t period = (int64_t)s->initial_count * divisor(s);
    int64_t t = sys_clock_ns(s->clock) - s->timer_start;

    if (timer_mode(s) == TIMER_TSC_DEADLINE) {
        if (s->tsc_deadline) {
            sys_timer_mod(&s->timer, sys_ns_from_tsc(s->tsc_deadline));
        } else {
            sys_timer_del(&s->timer);
        }
    } else if (!s->initial_count) {
        sys_timer_del(&s->timer);
    } else if (timer_periodic(s)) {
        sys_timer_mod(&s->timer, s->timer_start + (t / period + 1) * period);
    } else if (t < period) {
        sys_timer_mod(&s->timer, s->timer_start + period);
    } else {
        sys_timer_del(&s->timer);
    }
}

static void timer_cb(void *opaque) REQUIRES(sys_bql)
{
    LApic *s = opaque;
    uint32_t l = s->lvt[LVT_TIMER];

    if (!(l & LVT_MASKED)) {
        accept(s, DM_FIXED, l & 0xff, false);
    }
    if (timer_mode(s) == TIMER_TSC_DEADLINE) {
        s->tsc_deadline = 0;        /* at most one interrupt per write */
    }
    timer_arm(s);
}

/* WRMSR IA32_TSC_DEADLINE (vol. 3 11.5.4.1): ignored outside TSC-deadline
 * mode; 0 disarms; a deadline the TSC has reached fires at once. */
static void tsc_deadline_write(LApic *s, uint64_t val) REQUIRES(sys_bql)
{
    if (timer_mode(s) != TIMER_TSC_DEADLINE) {
        return;
    }
    s->tsc_deadline = val;
    if (val && sys_tsc_from_ns(sys_clock_ns(s->clock)) >= val) {
        timer_cb(s);
    } else {
        timer_arm(s);
    }
}

/* ---- LINT pins ------------------------------------------------------------ */

static void lint_set(void *opaque, int n, int level) REQUIRES(sys_bql)
{
    LApic *s = opaque;
    uint32_t l = s->lvt[LVT_LINT0 + n];
    bool rising = level && !s->lint_level[n];
    int mode = (l >> 8) & 7;

    s->lint_level[n] = level;
    if (n == 0 && (mode == DM_EXTINT || !hw_enabled(s))) {
        s->extint_pending = level;          /* the PIC holds its INT */
        update(s);
    } else if (!(l & LVT_MASKED) && (rising || ((l & LVT_LEVEL) && level))) {
        accept(s, mode, l & 0xff, (l & LVT_LEVEL) != 0);
    }
}

SysIrqLine apic_lint(LApic *s, int n)
{
    return sys_irq_line(lint_set, s, n);
}

/* ---- IA32_APIC_BASE ------------------------------------------------------------ */

uint64_t apic_get_base(LApic *s)
{
    return s->apicbase;
}

/* x2APIC mode: the ID is the initial APIC ID, the LDR follows from it
 * (vol. 3 11.12.10.2) and DFR has no meaning (always cluster). */
static void enter_x2apic(LApic *s)
{
    s->id = s->initial_id;
    s->ldr = (uint32_t)(s->initial_id >> 4) << 16 |
             1u << (s->initial_id & 15);
}

bool apic_set_base(LApic *s, uint64_t val)
{
    bool en = val & BASE_ENABLE, extd = val & BASE_X2APIC;
    bool was_enabled = hw_enabled(s), was_x2apic = x2apic_mode(s);

    if (val & ~(BASE_ADDR | BASE_BSP | BASE_X2APIC | BASE_ENABLE)) {
        return false;
    }
    /* Figure 11-27: EXTD without EN is invalid; x2APIC only leaves to
     * disabled, and is entered only from xAPIC. */
    if ((extd && !en) || (was_x2apic && en && !extd) ||
        (!was_enabled && extd)) {
        return false;
    }
    if ((val & BASE_ADDR) != APIC_DEFAULT_BASE) {
        sys_log_unimp("apic: relocation to 0x%llx",
                      (unsigned long long)(val & BASE_ADDR));
    }
    s->apicbase = (s->apicbase & ~(uint64_t)(BASE_ENABLE | BASE_X2APIC)) |
                  (val & (BASE_ENABLE | BASE_X2APIC));
    if (was_enabled && !en) {
        uint64_t base = s->apicbase;

        apic_reset(s);                  /* initialisation is lost */
        s->apicbase = base;
        s->extint_pending = s->lint_level[0];
    } else if (!was_x2apic && extd) {
        enter_x2apic(s);
    }
    update(s);
    return true;
}

/* ---- registers -------------------------------------------------------------- */

/* The value of a fixed register, or -1 if @off is none. */
static int64_t fixed_reg(LApic *s, uint32_t off) REQUIRES(sys_bql)
{
    switch (off) {
    case R_ID:       return (uint32_t)s->id << 24;
    case R_VERSION:  return APIC_VERSION;
    case R_TPR:      return s->tpr;
    case R_APR:      return 0;
    case R_PPR:      return ppr(s);
    case R_LDR:      return s->ldr;
    case R_DFR:      return s->dfr;
    case R_SVR:      return s->svr;
    case R_ESR:      return s->esr;
    case R_ICR_LO:   return s->icr_lo;
    case R_ICR_HI:   return s->icr_hi;
    case R_TIMER_INIT: return s->initial_count;
    case R_TIMER_CUR:  return timer_current(s);
    case R_TIMER_DIV:  return s->divide_conf;
    default:         return -1;
    }
}

/* The readable xAPIC register at @off into @val; false if none. */
static bool reg_read(LApic *s, uint32_t off, uint32_t *val)
    REQUIRES(sys_bql)
{
    static const uint32_t arrays[] = { R_ISR, R_TMR, R_IRR };
    const uint32_t *regs[] = { s->isr, s->tmr, s->irr };
    int64_t v = fixed_reg(s, off);

    if (v >= 0) {
        *val = v;
        return true;
    }
    for (int i = 0; i < 3; i++) {
        if (off >= arrays[i] && off < arrays[i] + 0x80 && !(off & 0xf)) {
            *val = regs[i][(off - arrays[i]) >> 4];
            return true;
        }
    }
    if (off >= R_LVT && off < R_LVT + 0x10 * APIC_LVT_COUNT && !(off & 0xf)) {
        *val = s->lvt[(off - R_LVT) >> 4];
        return true;
    }
    return false;
}

uint32_t apic_read(LApic *s, uint32_t off)
{
    uint32_t val;

    if (!reg_read(s, off, &val)) {
        sys_log_guest_error("apic: read of register 0x%03x", off);
        return 0;
    }
    return val;
}

static void write_lvt(LApic *s, int i, uint32_t val) REQUIRES(sys_bql)
{
    bool was_deadline = timer_mode(s) == TIMER_TSC_DEADLINE;

    if (!(s->svr & SVR_ENABLE)) {
        val |= LVT_MASKED;          /* software-disabled: stays masked */
    }
    s->lvt[i] = val & lvt_mask[i];
    if (i == LVT_TIMER) {
        if (was_deadline != (timer_mode(s) == TIMER_TSC_DEADLINE)) {
            s->tsc_deadline = 0;    /* switching modes disarms the timer */
            s->initial_count = 0;
        }
        timer_arm(s);
    } else if (i == LVT_LINT0) {
        update(s);                  /* ExtINT may (no longer) pass */
    }
}

static void write_svr(LApic *s, uint32_t val) REQUIRES(sys_bql)
{
    s->svr = val & 0x3ff;
    if (!(val & SVR_ENABLE)) {
        for (int i = 0; i < APIC_LVT_COUNT; i++) {
            s->lvt[i] |= LVT_MASKED;
        }
    }
    update(s);
}

void apic_write(LApic *s, uint32_t off, uint32_t val)
{
    switch (off) {
    case R_ID:      s->id = val >> 24; return;
    case R_TPR:     s->tpr = val & 0xff; update(s); return;
    case R_EOI:     eoi(s); return;
    case R_LDR:     s->ldr = val & 0xff000000; return;
    case R_DFR:     s->dfr = val | 0x0fffffff; return;
    case R_SVR:     write_svr(s, val); return;
    case R_ESR:     s->esr = 0; return;         /* write latches and clears */
    case R_ICR_HI:  s->icr_hi = val & 0xff000000; return;
    case R_ICR_LO:
        s->icr_lo = val & ~(1u << 12);          /* delivery status: idle */
        send_ipi(s);
        return;
    case R_TIMER_INIT:
        if (timer_mode(s) == TIMER_TSC_DEADLINE) {
            return;                             /* not used: ignored */
        }
        s->initial_count = val;
        s->timer_start = sys_clock_ns(s->clock);
        timer_arm(s);
        return;
    case R_TIMER_DIV:
        s->divide_conf = val & 0xb;
        return;
    default:
        break;
    }
    if (off >= R_LVT && off < R_LVT + 0x10 * APIC_LVT_COUNT) {
        write_lvt(s, (off - R_LVT) >> 4, val);
        return;
    }
    sys_log_guest_error("apic: write 0x%08x to register 0x%03x", val, off);
}

/* ---- MSRs: IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC ------------------ */

/* RDMSR of the x2APIC register at xAPIC offset @off (table 11-6). */
static bool x2apic_read(LApic *s, uint32_t off, uint64_t *val)
    REQUIRES(sys_bql)
{
    uint32_t v;

    switch (off) {
    case R_ID:      *val = s->initial_id; return true;
    case R_ICR_LO:  *val = (uint64_t)s->icr_hi << 32 | s->icr_lo; return true;
    case R_APR:
    case R_DFR:
    case R_ICR_HI:
        return false;           /* no such register in x2APIC mode */
    default:
        break;
    }
    if (!reg_read(s, off, &v)) {
        return false;           /* reserved, or write-only (EOI, SELF IPI) */
    }
    *val = v;
    return true;
}

/* Bits a WRMSR to x2APIC register @off may set, or 0 if the register is
 * read-only or reserved (the ICR is 64 bits and checked by the caller). */
static uint32_t x2apic_write_mask(uint32_t off)
{
    switch (off) {
    case R_TPR:         return 0xff;
    case R_EOI:         return 0;       /* only 0 may be written */
    case R_ESR:         return 0;
    case R_SVR:         return SVR_VALID;
    case R_TIMER_INIT:  return 0xffffffff;
    case R_TIMER_DIV:   return 0xb;
    case R_SELF_IPI:    return 0xff;
    default:
        break;
    }
    if (off >= R_LVT && off < R_LVT + 0x10 * APIC_LVT_COUNT) {
        return lvt_mask[(off - R_LVT) >> 4] | LVT_RO_BITS;
    }
    return 0;
}

static bool x2apic_write(LApic *s, uint32_t off, uint64_t val)
    REQUIRES(sys_bql)
{
    uint32_t mask = x2apic_write_mask(off);

    if (off == R_ICR_LO) {
        if (val & ~ICR_X2APIC_VALID) {
            return false;
        }
        s->icr_hi = val >> 32;
        s->icr_lo = val;
        send_ipi(s);
        return true;
    }
    if ((!mask && off != R_EOI && off != R_ESR) || (val & ~(uint64_t)mask)) {
        return false;
    }
    if (off == R_SELF_IPI) {
        accept(s, DM_FIXED, val, false);        /* edge, to itself */
    } else {
        apic_write(s, off, val);
    }
    return true;
}

bool apic_msr_read(LApic *s, uint32_t msr, uint64_t *val)
{
    if (msr == APIC_MSR_BASE) {
        *val = s->apicbase;
        return true;
    }
    if (msr == APIC_MSR_TSC_DEADLINE) {
        *val = timer_mode(s) == TIMER_TSC_DEADLINE ? s->tsc_deadline : 0;
        return true;
    }
    if (msr >= APIC_MSR_X2APIC_FIRST && msr <= APIC_MSR_X2APIC_LAST &&
        x2apic_mode(s)) {
        return x2apic_read(s, (msr - APIC_MSR_X2APIC_FIRST) << 4, val);
    }
    return false;
}

bool apic_msr_write(LApic *s, uint32_t msr, uint64_t val)
{
    if (msr == APIC_MSR_BASE) {
        return apic_set_base(s, val);
    }
    if (msr == APIC_MSR_TSC_DEADLINE) {
        tsc_deadline_write(s, val);
        return true;
    }
    if (msr >= APIC_MSR_X2APIC_FIRST && msr <= APIC_MSR_X2APIC_LAST &&
        x2apic_mode(s)) {
        return x2apic_write(s, (msr - APIC_MSR_X2APIC_FIRST) << 4, val);
    }
    return false;
}

/* ---- MMIO window and life cycle --------------------------------------------- */

static LApic *current(ApicBus *bus)
{
    if (bus->current) {
        return bus->current(bus->current_opaque);
    }
    return bus->n ? bus->apics[0] : NULL;
}

/* The page answers in xAPIC mode only (x2APIC mode turns it off). */
static bool xapic_window(const LApic *s, uint64_t addr)
{
    return hw_enabled(s) && !x2apic_mode(s) && !(addr & 0xf);
}

static uint64_t apic_mmio_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    LApic *s = current(opaque);

    return s && xapic_window(s, addr) ? apic_read(s, addr) : 0;
}

static void apic_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size) REQUIRES(sys_bql)
{
    LApic *s = current(opaque);

    if (s && xapic_window(s, addr)) {
        apic_write(s, addr, val);
    }
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read, .write = apic_mmio_write, .min_access = 4,
    .max_access = 4,
};

void apic_bus_init(ApicBus *bus, Ioapic *ioapic)
{
    memset(bus, 0, sizeof(*bus));
    bus->ioapic = ioapic;
    sys_mr_init_io(&bus->mmio, "apic", 0x1000, &apic_mmio_ops, bus);
}

void apic_reset(LApic *s)
{
    s->id = s->initial_id;
    s->tsc_deadline = 0;
    s->tpr = s->ldr = s->esr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    memset(s->irr, 0, sizeof(s->irr));
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    for (int i = 0; i < APIC_LVT_COUNT; i++) {
        s->lvt[i] = LVT_MASKED;
    }
    if (s->id == 0) {
        s->lvt[LVT_LINT0] = DM_EXTINT << 8;     /* virtual wire, as QEMU */
    }
    s->icr_lo = s->icr_hi = 0;
    s->initial_count = s->divide_conf = 0;
    s->apicbase = APIC_DEFAULT_BASE | BASE_ENABLE | (s->id == 0 ? BASE_BSP : 0);
    sys_timer_del(&s->timer);
    update(s);
}

NO_THREAD_SAFETY_ANALYSIS   /* before the APIC is reachable by anyone */
void apic_init(LApic *s, ApicBus *bus, uint8_t id, SysClock *clock,
               SysIrqLine cpu_int, const ApicCpuOps *ops, void *cpu)
{
    memset(s, 0, sizeof(*s));
    s->id = s->initial_id = id;
    s->bus = bus;
    s->clock = clock;
    s->cpu_int = cpu_int;
    s->ops = ops;
    s->cpu = cpu;
    sys_timer_init(&s->timer, clock, timer_cb, s);
    if (bus->n == APIC_BUS_MAX) {
        ferry_die("apic: more than %d local APICs", APIC_BUS_MAX);
    }
    bus->apics[bus->n++] = s;
    apic_reset(s);              /* the line is low and stays low here */
}
