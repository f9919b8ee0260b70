/*
 * i8254.c — 8254 interval timer (Intel 8254 datasheet, 231164) and port 0x61.
 * A channel's state is its initial count and the clock time its counting
 * started; the current count and OUT are computed from the elapsed input
 * clocks, and channel 0 arms a timer for its next OUT transition so IRQ0
 * follows OUT. Simplifications, as in most emulators: the count is loaded
 * at the write rather than on the next CLK. A low gate suspends counting in
 * modes 0 and 4 by freezing the elapsed clocks. Everything runs under the
 * BQL.
 */
#include "hw/i8254.h"

#include <string.h>

#include "system/log.h"

enum { RW_LATCHED_NONE = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD0 = 3, RW_WORD1 = 4 };

/* Input clocks elapsed since @c started counting. */
static uint64_t elapsed(const PitChannel *c, int64_t now)
{
    if (c->frozen) {
        return c->frozen_ticks;
    }
    if (now <= c->load_time) {
        return 0;
    }
    return (unsigned __int128)(now - c->load_time) * PIT_FREQ / SYS_NS_PER_SEC;
}

/* Nanoseconds for @ticks input clocks, rounded up. */
static int64_t ticks_span(uint64_t ticks)
{
    return ((unsigned __int128)ticks * SYS_NS_PER_SEC + PIT_FREQ - 1) /
           PIT_FREQ;
}

/* The clock time at which @ticks input clocks have elapsed. */
static int64_t ticks_to_time(const PitChannel *c, uint64_t ticks)
{
    return c->load_time + ticks_span(ticks);
}

/* Whether the channel is counting (count written; gate for modes 1-3, 5). */
static bool counting(const PitChannel *c)
{
    if (!c->armed) {
        return false;
    }
    switch (c->mode) {
    case 1:
    case 5:
        return c->triggered;
    case 2:
    case 3:
        return c->gate;
    default:
        return true;
    }
}

/* Modes 2 and 3 need a period of at least 2 (1 is illegal there). */
static uint64_t period(const PitChannel *c)
{
    return c->count < 2 ? 2 : c->count;
}

static uint32_t current_count(const PitChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now), n = c->count;

    if (!counting(c)) {
        return n & 0xffff;
    }
    switch (c->mode) {
    case 2:
        return n - d % period(c);
    case 3:
        /* Decrements by two, reloading every half period. */
        return n - (2 * d) % period(c);
    default:
        return (n - d) & 0xffff;
    }
}

static bool out_at(const PitChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now), n = c->count;

    if (!counting(c)) {
        /* Mode 0 holds OUT low from the control word; others idle high. */
        return c->mode != 0;
    }
    switch (c->mode) {
    case 0:                     /* interrupt on terminal count */
    case 1:                     /* one-shot: low from trigger to zero */
        return d >= n;
    case 2:                     /* rate generator: low for the last clock */
        return d % period(c) != period(c) - 1;
    case 3:                     /* square wave: high for the larger half */
        return d % period(c) < (period(c) + 1) / 2;
    default:                    /* 4, 5: strobe low for one clock at zero */
        return d != n;
    }
}

/* Clocks elapsed at the next OUT transition after @now, or UINT64_MAX. */
static uint64_t next_transition(const PitChannel *c, int64_t now)
{
    uint64_t d = elapsed(c, now), n = c->count, p = period(c), r;

    if (!counting(c) || c->frozen) {
        return UINT64_MAX;
    }
    switch (c->mode) {
    case 0:
    case 1:
        return d < n ? n : UINT64_MAX;
    case 2:
        r = d % p;
        return r < p - 1 ? d - r + p - 1 : d - r + p;
    case 3:
        r = d % p;
        return r < (p + 1) / 2 ? d - r + (p + 1) / 2 : d - r + p;
    default:
        return d < n ? n : d == n ? n + 1 : UINT64_MAX;
    }
}

/* Channel 0: drive IRQ0 from OUT and arm the timer for the next change. */
static void irq_update(PitState *s, PitChannel *c) REQUIRES(sys_bql)
{
    int64_t now = sys_clock_ns(s->clock);
    uint64_t next;
    bool out;

    if (c != &s->ch[0]) {
        return;
    }
    out = out_at(c, now);
    if (out != c->irq_level) {
        c->irq_level = out;
        sys_irq_set(c->irq, out);
    }
    next = next_transition(c, now);
    if (next == UINT64_MAX) {
        sys_timer_del(&c->timer);
    } else {
        sys_timer_mod(&c->timer, ticks_to_time(c, next));
    }
}

static void pit_timer_cb(void *opaque) REQUIRES(sys_bql)
{
    PitState *s = opaque;

    irq_update(s, &s->ch[0]);
}

static uint16_t to_bcd(uint32_t v)
{
    v %= 10000;
    return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
}

static uint32_t from_bcd(uint16_t v)
{
    return (v >> 12) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 +
           (v & 15);
}

static void load_count(PitState *s, PitChannel *c, uint16_t val)
    REQUIRES(sys_bql)
{
    uint32_t n = c->bcd ? from_bcd(val) : val;

    if (n == 0) {
        n = c->bcd ? 10000 : 0x10000;
    }
    c->count = n;
    c->armed = true;
    c->null_count = false;
    c->load_time = sys_clock_ns(s->clock);
    c->frozen = false;
    if ((c->mode == 0 || c->mode == 4) && !c->gate) {
        c->frozen_ticks = 0;            /* loaded, waiting for the gate */
        c->frozen = true;
    }
    irq_update(s, c);
}

static void latch_count(PitState *s, PitChannel *c) REQUIRES(sys_bql)
{
    uint32_t v;

    if (c->count_latched) {
        return;                 /* a second latch is ignored until read */
    }
    v = current_count(c, sys_clock_ns(s->clock));
    c->latched_count = c->bcd ? to_bcd(v) : v;
    c->count_latched = c->rw_mode;
}

static void latch_status(PitState *s, PitChannel *c) REQUIRES(sys_bql)
{
    if (c->status_latched) {
        return;
    }
    c->status = out_at(c, sys_clock_ns(s->clock)) << 7 | c->null_count << 6 |
                c->rw_mode << 4 | c->mode << 1 | c->bcd;
    c->status_latched = true;
}

/* Port 0x43: control word, counter latch or read-back. */
static void write_control(PitState *s, uint8_t val) REQUIRES(sys_bql)
{
    int n = val >> 6, access = (val >> 4) & 3;
    PitChannel *c;

    if (n == 3) {
        for (int i = 0; i < 3; i++) {
            if (val & (2 << i)) {
                if (!(val & 0x20)) {
                    latch_count(s, &s->ch[i]);
                }
                if (!(val & 0x10)) {
                    latch_status(s, &s->ch[i]);
                }
            }
        }
        return;
    }
    c = &s->ch[n];
    if (access == 0) {
        latch_count(s, c);
        return;
    }
    c->rw_mode = access;
    c->read_state = c->write_state = access;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5) {
        c->mode -= 4;           /* x10 and x11 are modes 2 and 3 */
    }
    c->bcd = val & 1;
    c->armed = false;           /* counting waits for a new count */
    c->frozen = false;
    c->null_count = true;
    c->count_latched = 0;
    c->status_latched = false;
    irq_update(s, c);
}

static void write_counter(PitState *s, PitChannel *c, uint8_t val)
    REQUIRES(sys_bql)
{
    switch (c->write_state) {
    case RW_LSB:
        load_count(s, c, val);
        break;
    case RW_MSB:
        load_count(s, c, val << 8);
        break;
    case RW_WORD0:
        c->write_latch = val;
        c->write_state = RW_WORD1;
        break;
    case RW_WORD1:
        load_count(s, c, c->write_latch | val << 8);
        c->write_state = RW_WORD0;
        break;
    default:
        sys_log_guest_error("i8254: count written before a control word");
        break;
    }
}

static uint8_t read_counter(PitState *s, PitChannel *c) REQUIRES(sys_bql)
{
    uint32_t v;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        v = c->latched_count;
        switch (c->count_latched) {
        case RW_MSB:
            c->count_latched = 0;
            return v >> 8;
        case RW_WORD0:
            c->count_latched = RW_MSB;
            return v & 0xff;
        default:
            c->count_latched = 0;
            return v & 0xff;
        }
    }
    v = current_count(c, sys_clock_ns(s->clock));
    if (c->bcd) {
        v = to_bcd(v);
    }
    switch (c->read_state) {
    case RW_MSB:
        return v >> 8;
    case RW_WORD0:
        c->read_state = RW_WORD1;
        return v & 0xff;
    case RW_WORD1:
        c->read_state = RW_WORD0;
        return v >> 8;
    default:
        return v & 0xff;
    }
}

static uint64_t pit_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PitState *s = opaque;

    if (addr == 3) {
        return 0xff;            /* the control word register is write-only */
    }
    return read_counter(s, &s->ch[addr]);
}

static void pit_write(void *opaque, uint64_t addr, uint64_t val,
                      unsigned size) REQUIRES(sys_bql)
{
    PitState *s = opaque;

    if (addr == 3) {
        write_control(s, val);
    } else {
        write_counter(s, &s->ch[addr], val);
    }
}

/* Port 0x61: bit 0 gate 2, bit 1 speaker data, bit 4 refresh request
 * (toggles every 15.085 us), bit 5 OUT2. */
static uint64_t speaker_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PitState *s = opaque;
    int64_t now = sys_clock_ns(s->clock);
    bool refresh = (now / 15085) & 1;

    return s->ch[2].gate | s->speaker_data_on << 1 | refresh << 4 |
           out_at(&s->ch[2], now) << 5;
}

static void speaker_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size) REQUIRES(sys_bql)
{
    PitState *s = opaque;

    s->speaker_data_on = (val >> 1) & 1;
    pit_set_gate(s, 2, val & 1);
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read, .write = pit_write, .max_access = 1,
};
static const MemoryRegionOps speaker_ops = {
    .read = speaker_read, .write = speaker_write, .max_access = 1,
};

/* Modes 0 and 4 hold their count while the gate is low. */
static void gate_suspend(PitState *s, PitChannel *c, bool level)
{
    int64_t now = sys_clock_ns(s->clock);

    if (!level && !c->frozen) {
        c->frozen_ticks = elapsed(c, now);
        c->frozen = true;
    } else if (level && c->frozen) {
        c->frozen = false;
        c->load_time = now - ticks_span(c->frozen_ticks);
    }
}

void pit_set_gate(PitState *s, int n, bool level)
{
    PitChannel *c = &s->ch[n];
    bool rising = level && !c->gate;

    if (c->mode == 0 || c->mode == 4) {
        gate_suspend(s, c, level);
    } else if (rising) {
        /* Modes 1, 2, 3 and 5: a rising gate (re)starts the count. */
        c->load_time = sys_clock_ns(s->clock);
        c->triggered = true;
    }
    c->gate = level;
    irq_update(s, c);
}

bool pit_get_out(PitState *s, int n)
{
    return out_at(&s->ch[n], sys_clock_ns(s->clock));
}

/* Power-on state of channel @i: mode 3, not counting, OUT high. */
static void channel_reset(PitChannel *c, int i)
{
    c->mode = 3;
    c->gate = i != 2;
    c->armed = false;
    c->triggered = false;
    c->frozen = false;
    c->count = 0x10000;
    c->rw_mode = c->read_state = c->write_state = RW_WORD0;
    c->count_latched = 0;
    c->status_latched = false;
    c->bcd = false;
}

void pit_reset(PitState *s)
{
    for (int i = 0; i < 3; i++) {
        sys_timer_del(&s->ch[i].timer);
        channel_reset(&s->ch[i], i);
    }
    /* Tell IRQ0 where OUT is, whatever it was believed to be. */
    s->ch[0].irq_level = !out_at(&s->ch[0], sys_clock_ns(s->clock));
    irq_update(s, &s->ch[0]);
    s->speaker_data_on = false;
}

NO_THREAD_SAFETY_ANALYSIS   /* before the device is reachable by anyone */
void pit_init(PitState *s, SysClock *clock, SysIrqLine irq0)
{
    memset(s, 0, sizeof(*s));
    s->clock = clock;
    s->ch[0].irq = irq0;
    sys_timer_init(&s->ch[0].timer, clock, pit_timer_cb, s);
    for (int i = 1; i < 3; i++) {
        sys_timer_init(&s->ch[i].timer, clock, pit_timer_cb, s);
    }
    sys_mr_init_io(&s->io, "pit", 4, &pit_ops, s);
    sys_mr_init_io(&s->io_speaker, "pit-speaker", 1, &speaker_ops, s);
    for (int i = 0; i < 3; i++) {
        channel_reset(&s->ch[i], i);
    }
    /* IRQ0 is taken to be where OUT idles, without signalling it. */
    s->ch[0].irq_level = true;
}
