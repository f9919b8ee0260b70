/*
 * i8259.c — 8259A interrupt controller pair (Intel 8259A datasheet,
 * 231468; PIIX ELCR). Priorities are kept as a rotation (priority_add is
 * the IR that currently has the highest priority); the slave's INT output
 * feeds master IR2. Everything runs under the BQL.
 *
 * One deliberate difference from the datasheet: an edge request stays in IRR
 * even if its line falls before the INTA cycle (the 8259A would answer with
 * a spurious IR7), because emulated devices pulse their lines instantly.
 */
#include "hw/i8259.h"

#include <string.h>

#include "system/log.h"

/* ---- one chip ----------------------------------------------------------- */

/* Rank (0 = highest) of the highest-priority bit set in @mask, 8 if none. */
static int get_priority(const PicChip *s, uint8_t mask)
{
    int prio = 0;

    if (!mask) {
        return 8;
    }
    while (!(mask & (1 << ((prio + s->priority_add) & 7)))) {
        prio++;
    }
    return prio;
}

/* The IR this chip would interrupt with now, or -1. A request must beat
 * everything in service; in special mask mode masked in-service levels do
 * not block, and in special fully nested mode the cascade input (master
 * IR2) may interrupt its own service routine. */
static int chip_pending(const PicChip *s)
{
    uint8_t in_service = s->isr;
    int prio = get_priority(s, s->irr & ~s->imr);

    if (prio == 8) {
        return -1;
    }
    if (s->special_mask) {
        in_service &= ~s->imr;
    }
    if (s->sfnm && s->is_master) {
        in_service &= ~(1 << 2);
    }
    if (prio < get_priority(s, in_service)) {
        return (prio + s->priority_add) & 7;
    }
    return -1;
}

static void chip_set_input(PicChip *s, int irq, int level)
{
    uint8_t mask = 1 << irq;

    if ((s->elcr & mask) || s->ltim) {
        /* Level: IRR follows the input. */
        s->irr = level ? s->irr | mask : s->irr & ~mask;
    } else if (level && !(s->last_level & mask)) {
        s->irr |= mask;               /* rising edge latches */
    }
    s->last_level = level ? s->last_level | mask : s->last_level & ~mask;
}

/* Acknowledge @irq: set ISR (or auto-EOI), clear an edge request. */
static void chip_ack(PicChip *s, int irq)
{
    if (s->auto_eoi) {
        if (s->rotate_on_aeoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= 1 << irq;
    }
    if (!(s->elcr & (1 << irq)) && !s->ltim) {
        s->irr &= ~(1 << irq);
    }
}

/* ICW1: start initialisation. ELCR is not part of the 8259. */
static void chip_init_reset(PicChip *s)
{
    uint8_t elcr = s->elcr, elcr_mask = s->elcr_mask;
    bool master = s->is_master;

    memset(s, 0, sizeof(*s));
    s->elcr = elcr;
    s->elcr_mask = elcr_mask;
    s->is_master = master;
}

/* ---- the pair ----------------------------------------------------------- */

static void pair_update(PicPair *p) REQUIRES(sys_bql)
{
    bool slave_int = chip_pending(&p->chip[1]) >= 0;
    bool level;

    chip_set_input(&p->chip[0], 2, slave_int);
    level = chip_pending(&p->chip[0]) >= 0;
    if (level != p->int_level) {
        p->int_level = level;
        sys_irq_set(p->int_out, level);
    }
}

static void pic_set_irq(void *opaque, int irq, int level) REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    chip_set_input(&p->chip[irq >> 3], irq & 7, level);
    pair_update(p);
}

SysIrqLine pic_input(PicPair *p, int irq)
{
    return sys_irq_line(pic_set_irq, p, irq);
}

int pic_intack(PicPair *p)
{
    PicChip *m = &p->chip[0], *sl = &p->chip[1];
    int irq = chip_pending(m), irq2, vector;

    if (irq < 0) {
        /* Spurious: the request went away before INTA; IR7, no ISR bit. */
        vector = m->irq_base + 7;
    } else if (irq == 2) {
        irq2 = chip_pending(sl);
        if (irq2 >= 0) {
            chip_ack(sl, irq2);
        } else {
            irq2 = 7;                 /* spurious on the slave */
        }
        vector = sl->irq_base + irq2;
        chip_ack(m, irq);
    } else {
        vector = m->irq_base + irq;
        chip_ack(m, irq);
    }
    pair_update(p);
    return vector;
}

bool pic_int_level(PicPair *p)
{
    return p->int_level;
}

/* OCW2: end of interrupt and rotation commands. */
static void write_ocw2(PicChip *s, uint8_t val)
{
    int irq, prio;

    switch (val >> 5) {
    case 0:                 /* clear rotate in auto-EOI mode */
    case 4:                 /* set rotate in auto-EOI mode */
        s->rotate_on_aeoi = val >> 7;
        break;
    case 1:                 /* non-specific EOI */
    case 5:                 /* rotate on non-specific EOI */
        prio = get_priority(s, s->isr);
        if (prio != 8) {
            irq = (prio + s->priority_add) & 7;
            s->isr &= ~(1 << irq);
            if (val & 0x80) {
                s->priority_add = (irq + 1) & 7;
            }
        }
        break;
    case 3:                 /* specific EOI */
        s->isr &= ~(1 << (val & 7));
        break;
    case 6:                 /* set priority: IR L becomes the lowest */
        s->priority_add = (val + 1) & 7;
        break;
    case 7:                 /* rotate on specific EOI */
        irq = val & 7;
        s->isr &= ~(1 << irq);
        s->priority_add = (irq + 1) & 7;
        break;
    default:                /* 2: no operation */
        break;
    }
}

static void write_cmd(PicChip *s, uint8_t val)
{
    if (val & 0x10) {                   /* ICW1 */
        chip_init_reset(s);
        s->init_state = 1;
        s->init4 = val & 1;
        s->single = val & 2;
        s->ltim = val & 8;
        if (val & 0x04) {
            sys_log_unimp("i8259: ICW1 call address interval 4 (8080 mode)");
        }
    } else if (val & 0x08) {            /* OCW3 */
        if (val & 0x04) {
            s->poll = true;
        }
        if (val & 0x02) {
            s->read_isr = val & 1;
        }
        if (val & 0x40) {
            s->special_mask = (val >> 5) & 1;
        }
    } else {                            /* OCW2 */
        write_ocw2(s, val);
    }
}

static void write_data(PicChip *s, uint8_t val)
{
    switch (s->init_state) {
    case 0:                             /* OCW1 */
        s->imr = val;
        break;
    case 1:                             /* ICW2 */
        s->irq_base = val & 0xf8;
        s->init_state = s->single ? (s->init4 ? 3 : 0) : 2;
        break;
    case 2:                             /* ICW3: cascade wiring is fixed */
        s->init_state = s->init4 ? 3 : 0;
        break;
    case 3:                             /* ICW4 */
        s->sfnm = (val >> 4) & 1;
        s->auto_eoi = (val >> 1) & 1;
        if (!(val & 1)) {
            sys_log_unimp("i8259: ICW4 without 8086 mode");
        }
        s->init_state = 0;
        break;
    }
}

/* Poll command: the read acknowledges like INTA and returns 0x80 | level,
 * or 0 when nothing is pending. */
static uint8_t poll_read(PicPair *p, PicChip *s) REQUIRES(sys_bql)
{
    int irq = chip_pending(s);

    s->poll = false;
    if (irq < 0) {
        return 0;
    }
    chip_ack(s, irq);
    pair_update(p);
    return 0x80 | irq;
}

static uint64_t chip_read(PicPair *p, PicChip *s, uint64_t addr)
    REQUIRES(sys_bql)
{
    if (s->poll) {
        return poll_read(p, s);
    }
    if (addr & 1) {
        return s->imr;
    }
    return s->read_isr ? s->isr : s->irr;
}

static void chip_write(PicPair *p, PicChip *s, uint64_t addr, uint64_t val)
    REQUIRES(sys_bql)
{
    if (addr & 1) {
        write_data(s, val);
    } else {
        write_cmd(s, val);
    }
    pair_update(p);
}

static uint64_t master_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    return chip_read(p, &p->chip[0], addr);
}

static void master_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size) REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    chip_write(p, &p->chip[0], addr, val);
}

static uint64_t slave_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    return chip_read(p, &p->chip[1], addr);
}

static void slave_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size) REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    chip_write(p, &p->chip[1], addr, val);
}

static uint64_t elcr_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PicPair *p = opaque;

    return p->chip[addr & 1].elcr;
}

static void elcr_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size) REQUIRES(sys_bql)
{
    PicPair *p = opaque;
    PicChip *s = &p->chip[addr & 1];

    s->elcr = val & s->elcr_mask;
    pair_update(p);
}

static const MemoryRegionOps master_ops = {
    .read = master_read, .write = master_write, .max_access = 1,
};
static const MemoryRegionOps slave_ops = {
    .read = slave_read, .write = slave_write, .max_access = 1,
};
static const MemoryRegionOps elcr_ops = {
    .read = elcr_read, .write = elcr_write, .max_access = 1,
};

NO_THREAD_SAFETY_ANALYSIS   /* before the pair is reachable by anyone */
void pic_init(PicPair *p, SysIrqLine int_out)
{
    memset(p, 0, sizeof(*p));
    p->int_out = int_out;
    p->chip[0].is_master = true;
    /* PIIX: IRQ0, 1, 2, 8 and 13 are always edge triggered. */
    p->chip[0].elcr_mask = 0xf8;
    p->chip[1].elcr_mask = 0xde;
    sys_mr_init_io(&p->io_master, "pic-master", 2, &master_ops, p);
    sys_mr_init_io(&p->io_slave, "pic-slave", 2, &slave_ops, p);
    sys_mr_init_io(&p->io_elcr, "pic-elcr", 2, &elcr_ops, p);
}

void pic_reset(PicPair *p)
{
    for (int i = 0; i < 2; i++) {
        chip_init_reset(&p->chip[i]);
        p->chip[i].elcr = 0;
    }
    pair_update(p);
}
