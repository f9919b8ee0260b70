/*
 * uart16550.c — 16550A UART (TI/National PC16550D datasheet). Transmission
 * is instant: a THR write reaches the sink (or, in loopback, the receiver)
 * at once and THR is empty again. The receive FIFO raises RDA at its
 * trigger level and the character timeout after four character times on
 * the virtual clock. On a PC the interrupt pin is gated by MCR OUT2, and so
 * is it here. Everything runs under the BQL.
 */
#include "hw/uart16550.h"

#include <string.h>

#include "system/log.h"

enum {
    IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MSI = 0x08,
    IIR_NONE = 0x01, IIR_MSI = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04,
    IIR_RLS = 0x06, IIR_TIMEOUT = 0x0c, IIR_FIFO = 0xc0,
    FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08,
    LSR_BI = 0x10, LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_FIFO_ERR = 0x80,
    LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI,
    MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08,
    MSR_DELTAS = 0x0f, MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40,
    MSR_DCD = 0x80,
};

static bool fifo_on(const Uart16550 *s)
{
    return s->fcr & FCR_ENABLE;
}

static int rx_capacity(const Uart16550 *s)
{
    return fifo_on(s) ? UART_FIFO_SIZE : 1;
}

static int rx_trigger(const Uart16550 *s)
{
    static const int levels[4] = { 1, 4, 8, 14 };

    return fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

/* The interrupt to report, as IIR bits 3-1 (IIR_NONE if none). */
static uint8_t pending_iir(const Uart16550 *s)
{
    if ((s->ier & IER_RLS) && (s->lsr & LSR_ERRORS)) {
        return IIR_RLS;
    }
    if ((s->ier & IER_RDA) && s->rx_count >= rx_trigger(s)) {
        return IIR_RDA;
    }
    if ((s->ier & IER_RDA) && s->timeout_ipending) {
        return IIR_TIMEOUT;
    }
    if ((s->ier & IER_THRE) && s->thr_ipending) {
        return IIR_THRE;
    }
    if ((s->ier & IER_MSI) && (s->msr & MSR_DELTAS)) {
        return IIR_MSI;
    }
    return IIR_NONE;
}

static void update_irq(Uart16550 *s) REQUIRES(sys_bql)
{
    bool level = pending_iir(s) != IIR_NONE && (s->mcr & MCR_OUT2);

    if (level != s->irq_level) {
        s->irq_level = level;
        sys_irq_set(s->irq, level);
    }
}

/* Nanoseconds for one character at the current line settings. */
static int64_t char_time_ns(const Uart16550 *s)
{
    int bits = 1 + 5 + (s->lcr & 3) + ((s->lcr >> 3) & 1) +
               ((s->lcr & 4) ? 2 : 1);
    int64_t div = s->divisor ? s->divisor : 1;

    return bits * SYS_NS_PER_SEC * div / 115200;
}

/* Restart the character timeout: four character times without reads or
 * new data while the FIFO holds something. */
static void rearm_timeout(Uart16550 *s) REQUIRES(sys_bql)
{
    s->timeout_ipending = false;
    if (fifo_on(s) && s->rx_count) {
        sys_timer_mod(&s->timeout_timer,
                      sys_clock_ns(s->clock) + 4 * char_time_ns(s));
    } else {
        sys_timer_del(&s->timeout_timer);
    }
}

static void timeout_cb(void *opaque) REQUIRES(sys_bql)
{
    Uart16550 *s = opaque;

    if (s->rx_count) {
        s->timeout_ipending = true;
        update_irq(s);
    }
}

static void rx_clear(Uart16550 *s) REQUIRES(sys_bql)
{
    s->rx_head = s->rx_count = 0;
    s->lsr &= ~(LSR_DR | LSR_FIFO_ERR);
    rearm_timeout(s);
}

static void rx_push(Uart16550 *s, uint8_t ch)
{
    if (s->rx_count >= rx_capacity(s)) {
        s->lsr |= LSR_OE;
        if (!fifo_on(s)) {
            s->rx[s->rx_head] = ch;     /* 16450 mode: RBR overwritten */
        }
        return;                          /* FIFO mode: the new byte is lost */
    }
    s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = ch;
    s->rx_count++;
    s->lsr |= LSR_DR;
}

static void receive_byte(Uart16550 *s, uint8_t ch) REQUIRES(sys_bql)
{
    rx_push(s, ch);
    rearm_timeout(s);
    update_irq(s);
}

static uint8_t read_rbr(Uart16550 *s) REQUIRES(sys_bql)
{
    uint8_t ch = 0;

    if (s->rx_count) {
        ch = s->rx[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
        s->rx_count--;
    }
    if (!s->rx_count) {
        s->lsr &= ~LSR_DR;
    }
    rearm_timeout(s);
    update_irq(s);
    return ch;
}

static void write_thr(Uart16550 *s, uint8_t ch) REQUIRES(sys_bql)
{
    if (s->mcr & MCR_LOOP) {
        rx_push(s, ch);
        rearm_timeout(s);
    } else if (s->sink) {
        s->sink(s->sink_opaque, &ch, 1);
    }
    /* Sent at once: THR (and the FIFO) is empty again. */
    s->lsr |= LSR_THRE | LSR_TEMT;
    s->thr_ipending = true;
    update_irq(s);
}

/* The modem status inputs: from MCR in loopback, else from outside. */
static uint8_t modem_inputs(const Uart16550 *s)
{
    if (s->mcr & MCR_LOOP) {
        return (s->mcr & MCR_RTS ? MSR_CTS : 0) |
               (s->mcr & MCR_DTR ? MSR_DSR : 0) |
               (s->mcr & MCR_OUT1 ? MSR_RI : 0) |
               (s->mcr & MCR_OUT2 ? MSR_DCD : 0);
    }
    return s->modem_in;
}

/* Latch new modem inputs into MSR with their delta bits. */
static void update_msr(Uart16550 *s) REQUIRES(sys_bql)
{
    uint8_t now = modem_inputs(s), old = s->msr & 0xf0;
    uint8_t changed = now ^ old;

    s->msr = (s->msr & MSR_DELTAS) | now;
    if (changed & MSR_CTS) {
        s->msr |= MSR_DCTS;
    }
    if (changed & MSR_DSR) {
        s->msr |= MSR_DDSR;
    }
    if ((old & MSR_RI) && !(now & MSR_RI)) {
        s->msr |= MSR_TERI;             /* trailing edge of RI */
    }
    if (changed & MSR_DCD) {
        s->msr |= MSR_DDCD;
    }
    update_irq(s);
}

static void write_fcr(Uart16550 *s, uint8_t val) REQUIRES(sys_bql)
{
    if ((val ^ s->fcr) & FCR_ENABLE) {
        val |= FCR_CLEAR_RX | FCR_CLEAR_TX;   /* toggling clears both */
    }
    s->fcr = val & 0xc9;
    if (val & FCR_CLEAR_RX) {
        rx_clear(s);
    }
    /* TX FIFO is always empty: nothing to clear. */
    update_irq(s);
}

static uint8_t read_iir(Uart16550 *s) REQUIRES(sys_bql)
{
    uint8_t iir = pending_iir(s);

    if (iir == IIR_THRE) {
        s->thr_ipending = false;        /* reading IIR acknowledges THRE */
        update_irq(s);
    }
    return iir | (fifo_on(s) ? IIR_FIFO : 0);
}

static uint64_t uart_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    Uart16550 *s = opaque;
    uint8_t v;

    switch (addr) {
    case 0:
        return s->lcr & LCR_DLAB ? s->divisor & 0xff : read_rbr(s);
    case 1:
        return s->lcr & LCR_DLAB ? s->divisor >> 8 : s->ier;
    case 2:
        return read_iir(s);
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        v = s->lsr;
        s->lsr &= ~(LSR_ERRORS | LSR_FIFO_ERR);
        update_irq(s);
        return v;
    case 6:
        v = s->msr;
        s->msr &= ~MSR_DELTAS;
        update_irq(s);
        return v;
    default:
        return s->scr;
    }
}

static void write_ier(Uart16550 *s, uint8_t val) REQUIRES(sys_bql)
{
    uint8_t old = s->ier;

    s->ier = val & 0x0f;
    /* Enabling ETBEI with THR empty raises THRE at once. */
    if ((s->ier & IER_THRE) && !(old & IER_THRE) && (s->lsr & LSR_THRE)) {
        s->thr_ipending = true;
    }
    update_irq(s);
}

static void uart_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size) REQUIRES(sys_bql)
{
    Uart16550 *s = opaque;

    switch (addr) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (s->divisor & 0xff00) | val;
        } else {
            write_thr(s, val);
        }
        break;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (s->divisor & 0x00ff) | val << 8;
        } else {
            write_ier(s, val);
        }
        break;
    case 2:
        write_fcr(s, val);
        break;
    case 3:
        s->lcr = val;
        break;
    case 4:
        s->mcr = val & 0x1f;
        update_msr(s);
        break;
    case 5:
    case 6:
        sys_log_guest_error("uart: write 0x%02x to read-only register %u",
                            (unsigned)val, (unsigned)addr);
        break;
    default:
        s->scr = val;
        break;
    }
}

static const MemoryRegionOps uart_ops = {
    .read = uart_read, .write = uart_write, .max_access = 1,
};

int uart_can_receive(Uart16550 *s)
{
    return rx_capacity(s) - s->rx_count;
}

void uart_receive(Uart16550 *s, const uint8_t *buf, int len)
{
    for (int i = 0; i < len; i++) {
        receive_byte(s, buf[i]);
    }
}

void uart_set_modem_inputs(Uart16550 *s, uint8_t msr_bits)
{
    s->modem_in = msr_bits & 0xf0;
    update_msr(s);
}

/* Register values after master reset (datasheet table "UART reset"). */
static void reset_regs(Uart16550 *s)
{
    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->fcr = 0;
    s->lsr = LSR_THRE | LSR_TEMT;
    s->msr = s->modem_in;
    s->rx_head = s->rx_count = 0;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    s->divisor = 12;            /* 9600 baud until programmed */
}

void uart_reset(Uart16550 *s)
{
    reset_regs(s);
    sys_timer_del(&s->timeout_timer);
    update_irq(s);
}

NO_THREAD_SAFETY_ANALYSIS   /* before the device is reachable by anyone */
void uart_init(Uart16550 *s, SysClock *clock, SysIrqLine irq, UartSink sink,
               void *sink_opaque)
{
    memset(s, 0, sizeof(*s));
    s->irq = irq;
    s->sink = sink;
    s->sink_opaque = sink_opaque;
    s->clock = clock;
    /* A terminal is attached: CTS, DSR and DCD asserted. */
    s->modem_in = MSR_CTS | MSR_DSR | MSR_DCD;
    reset_regs(s);
    sys_timer_init(&s->timeout_timer, clock, timeout_cb, s);
    sys_mr_init_io(&s->io, "uart16550", 8, &uart_ops, s);
}
