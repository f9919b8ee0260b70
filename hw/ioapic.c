/*
 * ioapic.c — I/O APIC (Intel 82093AA datasheet; version 0x20 adds the EOI
 * register at 0x40). Edge pins send one message per rising edge and a
 * masked edge is dropped; level pins send while asserted, then hold off
 * with Remote IRR until the EOI for their vector. Delivery is instant, so
 * Delivery Status always reads 0. Polarity is not modelled: our lines
 * carry "asserted". Everything runs under the BQL.
 */
#include "hw/ioapic.h"

#include <string.h>

#include "system/log.h"

enum {
    REG_ID = 0x00, REG_VERSION = 0x01, REG_ARB = 0x02, REG_REDTBL = 0x10,
    OFF_IOREGSEL = 0x00, OFF_IOWIN = 0x10, OFF_EOI = 0x40,
};

#define RTE_MASKED      (UINT64_C(1) << 16)
#define RTE_LEVEL       (UINT64_C(1) << 15)
#define RTE_REMOTE_IRR  (UINT64_C(1) << 14)
#define RTE_DELIVS      (UINT64_C(1) << 12)
#define RTE_RO_BITS     (RTE_REMOTE_IRR | RTE_DELIVS)
#define IOAPIC_VERSION  (((IOAPIC_PINS - 1) << 16) | 0x20)

static void send(Ioapic *s, int pin) REQUIRES(sys_bql)
{
    uint64_t e = s->redtbl[pin];
    IoapicMsg m = {
        .vector = e & 0xff,
        .delivery_mode = (e >> 8) & 7,
        .dest_logical = (e >> 11) & 1,
        .dest = e >> 56,
        .level = (e & RTE_LEVEL) != 0,
        .pin = pin,
    };

    if (s->deliver) {
        s->deliver(s->opaque, &m);
    }
}

/* A level pin that is asserted, unmasked and not awaiting an EOI sends. */
static void service_level(Ioapic *s, int pin) REQUIRES(sys_bql)
{
    uint64_t e = s->redtbl[pin];

    if ((e & RTE_LEVEL) && (s->line & (1u << pin)) &&
        !(e & (RTE_MASKED | RTE_REMOTE_IRR))) {
        s->redtbl[pin] |= RTE_REMOTE_IRR;
        send(s, pin);
    }
}

static void ioapic_set_irq(void *opaque, int pin, int level) REQUIRES(sys_bql)
{
    Ioapic *s = opaque;
    uint32_t mask = 1u << pin;
    bool rising = level && !(s->line & mask);

    s->line = level ? s->line | mask : s->line & ~mask;
    if (s->redtbl[pin] & RTE_LEVEL) {
        service_level(s, pin);
    } else if (rising && !(s->redtbl[pin] & RTE_MASKED)) {
        send(s, pin);
    }
}

void ioapic_reset(Ioapic *s)
{
    s->ioregsel = 0;
    for (int i = 0; i < IOAPIC_PINS; i++) {
        s->redtbl[i] = RTE_MASKED;
    }
}

SysIrqLine ioapic_input(Ioapic *s, int pin)
{
    return sys_irq_line(ioapic_set_irq, s, pin);
}

void ioapic_eoi(Ioapic *s, uint8_t vector)
{
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = s->redtbl[pin];

        if ((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR) && (e & 0xff) == vector) {
            s->redtbl[pin] &= ~RTE_REMOTE_IRR;
            service_level(s, pin);
        }
    }
}

static uint32_t read_reg(Ioapic *s, uint8_t idx)
{
    int pin;

    switch (idx) {
    case REG_ID:
    case REG_ARB:
        return (uint32_t)(s->id & 0x0f) << 24;
    case REG_VERSION:
        return IOAPIC_VERSION;
    default:
        pin = (idx - REG_REDTBL) >> 1;
        if (idx < REG_REDTBL || pin >= IOAPIC_PINS) {
            sys_log_guest_error("ioapic: read of register 0x%02x", idx);
            return 0xffffffff;
        }
        return idx & 1 ? s->redtbl[pin] >> 32 : (uint32_t)s->redtbl[pin];
    }
}

static void write_reg(Ioapic *s, uint8_t idx, uint32_t val) REQUIRES(sys_bql)
{
    int pin = (idx - REG_REDTBL) >> 1;
    uint64_t e;

    if (idx == REG_ID) {
        s->id = (val >> 24) & 0x0f;
        return;
    }
    if (idx < REG_REDTBL || pin >= IOAPIC_PINS) {
        sys_log_guest_error("ioapic: write of register 0x%02x", idx);
        return;
    }
    e = s->redtbl[pin];
    if (idx & 1) {
        e = (e & 0xffffffffu) | (uint64_t)val << 32;
    } else {
        e = (e & ~UINT64_C(0xffffffff)) | (val & ~RTE_RO_BITS) |
            (e & RTE_RO_BITS);
    }
    if (!(e & RTE_LEVEL)) {
        e &= ~RTE_REMOTE_IRR;           /* only level entries keep it */
    }
    s->redtbl[pin] = e;
    service_level(s, pin);              /* unmasking a held level pin */
}

static uint64_t ioapic_read(void *opaque, uint64_t addr, unsigned size)
{
    Ioapic *s = opaque;

    switch (addr) {
    case OFF_IOREGSEL:
        return s->ioregsel;
    case OFF_IOWIN:
        return read_reg(s, s->ioregsel);
    default:
        return 0;
    }
}

static void ioapic_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size) REQUIRES(sys_bql)
{
    Ioapic *s = opaque;

    switch (addr) {
    case OFF_IOREGSEL:
        s->ioregsel = val;
        break;
    case OFF_IOWIN:
        write_reg(s, s->ioregsel, val);
        break;
    case OFF_EOI:
        ioapic_eoi(s, val);
        break;
    default:
        sys_log_guest_error("ioapic: write at offset 0x%x", (unsigned)addr);
        break;
    }
}

static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_read, .write = ioapic_write, .min_access = 4,
    .max_access = 4,
};

void ioapic_init(Ioapic *s, IoapicDeliver deliver, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->deliver = deliver;
    s->opaque = opaque;
    for (int i = 0; i < IOAPIC_PINS; i++) {
        s->redtbl[i] = RTE_MASKED;
    }
    sys_mr_init_io(&s->mmio, "ioapic", 0x1000, &ioapic_ops, s);
}
