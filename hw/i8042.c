/*
 * i8042.c — PS/2 controller (IBM PC/AT technical reference; the commands
 * SeaBIOS and Linux use). Replies go through one output queue; a byte at
 * its head raises IRQ1 (or IRQ12 for the aux port) when the command byte
 * enables it. No keyboard matrix or mouse yet: the keyboard answers the
 * probe commands only. Everything runs under the BQL.
 */
#include "hw/i8042.h"

#include <string.h>

#include "system/log.h"

enum {
    STAT_OBF = 0x01, STAT_SYS = 0x04, STAT_CMD = 0x08, STAT_UNLOCKED = 0x10,
    STAT_AUX_OBF = 0x20,
    MODE_KBD_INT = 0x01, MODE_AUX_INT = 0x02, MODE_SYS = 0x04,
    MODE_DISABLE_KBD = 0x10, MODE_DISABLE_AUX = 0x20,
    OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_OBF = 0x10, OUT_AUX_OBF = 0x20,
    OUT_ONES = 0xcc,
};

static void update_irq(I8042 *k) REQUIRES(sys_bql)
{
    bool kbd = false, aux = false;

    if (k->q_count) {
        if (k->queue_aux[k->q_head]) {
            aux = k->cmd_byte & MODE_AUX_INT;
        } else {
            kbd = k->cmd_byte & MODE_KBD_INT;
        }
    }
    sys_irq_set(k->irq_kbd, kbd);
    sys_irq_set(k->irq_aux, aux);
}

static void push(I8042 *k, uint8_t v, bool aux) REQUIRES(sys_bql)
{
    unsigned i;

    if (k->q_count == I8042_QUEUE) {
        sys_log_guest_error("i8042: output queue full, byte dropped");
        return;
    }
    i = (k->q_head + k->q_count++) % I8042_QUEUE;
    k->queue[i] = v;
    k->queue_aux[i] = aux;
    update_irq(k);
}

static void set_outport(I8042 *k, uint8_t v) REQUIRES(sys_bql)
{
    bool a20_changed = (v ^ k->outport) & OUT_A20;

    k->outport = v;
    if (a20_changed && k->a20_cb) {
        k->a20_cb(k->cb_opaque, v & OUT_A20);
    }
    if (!(v & OUT_RESET)) {
        k->outport |= OUT_RESET;        /* the reset line is a pulse */
        if (k->reset_cb) {
            k->reset_cb(k->cb_opaque);
        }
    }
}

/* A byte for the keyboard itself (port 0x60 with no controller command). */
static void keyboard_write(I8042 *k, uint8_t v) REQUIRES(sys_bql)
{
    if (k->kbd_pending) {
        k->kbd_pending = 0;             /* argument of LEDs, rate, set */
        push(k, 0xfa, false);
        return;
    }
    switch (v) {
    case 0xff:                          /* reset: ACK, BAT passed */
        push(k, 0xfa, false);
        push(k, 0xaa, false);
        break;
    case 0xf2:                          /* identify: MF2 keyboard */
        push(k, 0xfa, false);
        push(k, 0xab, false);
        push(k, 0x83, false);
        break;
    case 0xee:                          /* echo */
        push(k, 0xee, false);
        break;
    case 0xed:                          /* LEDs, typematic, scan set */
    case 0xf3:
    case 0xf0:
        k->kbd_pending = v;
        push(k, 0xfa, false);
        break;
    default:                            /* enable, disable, defaults... */
        push(k, 0xfa, false);
        break;
    }
}

static void write_command(I8042 *k, uint8_t v) REQUIRES(sys_bql)
{
    k->status |= STAT_CMD;
    if (v >= 0xf0) {                    /* pulse output bits low */
        if (!(v & 1)) {
            set_outport(k, k->outport & ~OUT_RESET);
        }
        return;
    }
    switch (v) {
    case 0x20:
        push(k, k->cmd_byte, false);
        break;
    case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
        k->pending_cmd = v;             /* the data byte follows */
        break;
    case 0xa7:
        k->cmd_byte |= MODE_DISABLE_AUX;
        break;
    case 0xa8:
        k->cmd_byte &= ~MODE_DISABLE_AUX;
        break;
    case 0xa9: case 0xab:               /* interface tests: no error */
        push(k, 0x00, false);
        break;
    case 0xaa:                          /* controller self-test */
        k->status |= STAT_SYS;
        push(k, 0x55, false);
        break;
    case 0xad:
        k->cmd_byte |= MODE_DISABLE_KBD;
        break;
    case 0xae:
        k->cmd_byte &= ~MODE_DISABLE_KBD;
        break;
    case 0xc0:                          /* input port: keyboard unlocked */
        push(k, 0x80, false);
        break;
    case 0xd0:
        push(k, (k->outport & ~(OUT_OBF | OUT_AUX_OBF)) |
                (k->q_count ? OUT_OBF : 0), false);
        break;
    case 0xdd:
        set_outport(k, k->outport & ~OUT_A20);
        break;
    case 0xdf:
        set_outport(k, k->outport | OUT_A20);
        break;
    default:
        sys_log_unimp("i8042: command 0x%02x", v);
        break;
    }
    update_irq(k);
}

static void write_data(I8042 *k, uint8_t v) REQUIRES(sys_bql)
{
    uint8_t cmd = k->pending_cmd;

    k->status &= ~STAT_CMD;
    k->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        k->cmd_byte = v;
        k->status = (k->status & ~STAT_SYS) | (v & MODE_SYS);
        update_irq(k);
        break;
    case 0xd1:
        set_outport(k, v);
        break;
    case 0xd2:
        push(k, v, false);
        break;
    case 0xd3:
        push(k, v, true);
        break;
    case 0xd4:
        push(k, 0xfe, true);            /* no mouse yet: resend/absent */
        break;
    default:
        keyboard_write(k, v);
        break;
    }
}

static uint64_t data_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    I8042 *k = opaque;
    uint8_t v;

    if (!k->q_count) {
        /* Hardware returns the last byte again; nothing was read yet. */
        return k->queue[(k->q_head + I8042_QUEUE - 1) % I8042_QUEUE];
    }
    v = k->queue[k->q_head];
    k->q_head = (k->q_head + 1) % I8042_QUEUE;
    k->q_count--;
    update_irq(k);
    return v;
}

static void data_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size) REQUIRES(sys_bql)
{
    write_data(opaque, val);
}

static uint64_t status_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    I8042 *k = opaque;
    uint8_t v = k->status;

    if (k->q_count) {
        v |= STAT_OBF;
        if (k->queue_aux[k->q_head]) {
            v |= STAT_AUX_OBF;
        }
    }
    return v;
}

static void cmd_write(void *opaque, uint64_t addr, uint64_t val,
                      unsigned size) REQUIRES(sys_bql)
{
    write_command(opaque, val);
}

static const MemoryRegionOps data_ops = {
    .read = data_read, .write = data_write, .max_access = 1,
};
static const MemoryRegionOps cmd_ops = {
    .read = status_read, .write = cmd_write, .max_access = 1,
};

void i8042_reset(I8042 *k)
{
    k->status = STAT_CMD | STAT_UNLOCKED;
    k->cmd_byte = MODE_KBD_INT | MODE_AUX_INT;
    k->pending_cmd = k->kbd_pending = 0;
    k->q_head = k->q_count = 0;
    set_outport(k, OUT_RESET | OUT_A20 | OUT_ONES);
    update_irq(k);
}

bool i8042_a20_enabled(I8042 *k)
{
    return k->outport & OUT_A20;
}

void i8042_init(I8042 *k, SysIrqLine irq_kbd, SysIrqLine irq_aux,
                I8042ResetCb reset_cb, I8042A20Cb a20_cb, void *opaque)
{
    memset(k, 0, sizeof(*k));
    k->irq_kbd = irq_kbd;
    k->irq_aux = irq_aux;
    k->reset_cb = reset_cb;
    k->a20_cb = a20_cb;
    k->cb_opaque = opaque;
    k->status = STAT_CMD | STAT_UNLOCKED;
    k->cmd_byte = MODE_KBD_INT | MODE_AUX_INT;
    k->outport = OUT_RESET | OUT_A20 | OUT_ONES;
    sys_mr_init_io(&k->io_data, "i8042-data", 1, &data_ops, k);
    sys_mr_init_io(&k->io_cmd, "i8042-cmd", 1, &cmd_ops, k);
}
