/*
 * test-uart16550.c — the 16550A through its 8 ports at 0x3F8 (COM1).
 * Expected values from the PC16550D datasheet: reset values, DLAB access to
 * the divisor, IIR codes and their priority (RLS > RDA/timeout > THRE >
 * modem status), FIFO trigger levels and overrun, the character timeout of
 * four character times, loopback wiring of MCR to MSR, and IRQ gating by
 * OUT2 as on a PC.
 */
#include <check.h>
#include <string.h>

#include "hw/uart16550.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

#define COM1 0x3f8

static Uart16550 uart;
static SysClock *clk;
static IrqProbe irq4;
static uint8_t out[64];
static int out_len;

static void sink(void *opaque, const uint8_t *buf, int len)
{
    for (int i = 0; i < len && out_len < (int)sizeof(out); i++) {
        out[out_len++] = buf[i];
    }
}

static void inject(const char *str, int len)
{
    sys_bql_lock();
    uart_receive(&uart, (const uint8_t *)str, len);
    sys_bql_unlock();
}

static void advance_ns(int64_t ns)
{
    sys_bql_lock();
    sys_clock_advance(clk, ns);
    sys_bql_unlock();
}

static void setup(void)
{
    memset(&irq4, 0, sizeof(irq4));
    out_len = 0;
    devtest_io_init();
    clk = sys_clock_new_manual(0);
    uart_init(&uart, clk, irq_probe_line(&irq4), sink, NULL);
    devtest_map(&uart.io, COM1);
}

static void teardown(void)
{
    sys_bql_lock();
    uart_reset(&uart);
    sys_bql_unlock();
    devtest_io_fini();
    sys_clock_free(clk);
}

/* 115200 8N1, FIFO with trigger @fcr, OUT2 set. */
static void program(uint8_t fcr)
{
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, fcr);
    outb(COM1 + 4, 0x0b);               /* DTR, RTS, OUT2 */
}

START_TEST(reset_values_and_divisor)
{
    ck_assert_uint_eq(inb(COM1 + 1), 0x00);    /* IER */
    ck_assert_uint_eq(inb(COM1 + 2), 0x01);    /* IIR: none pending */
    ck_assert_uint_eq(inb(COM1 + 3), 0x00);    /* LCR */
    ck_assert_uint_eq(inb(COM1 + 4), 0x00);    /* MCR */
    ck_assert_uint_eq(inb(COM1 + 5), 0x60);    /* LSR: THRE, TEMT */
    ck_assert_uint_eq(inb(COM1 + 6) & 0xf0, 0xb0);  /* DCD, DSR, CTS in */
    outb(COM1 + 3, 0x83);
    outb(COM1 + 0, 0x34);
    outb(COM1 + 1, 0x12);
    ck_assert_uint_eq(inb(COM1 + 0), 0x34);
    ck_assert_uint_eq(inb(COM1 + 1), 0x12);
    outb(COM1 + 3, 0x03);
    ck_assert_uint_eq(inb(COM1 + 1), 0x00);    /* IER again, untouched */
    outb(COM1 + 1, 0xff);
    ck_assert_uint_eq(inb(COM1 + 1), 0x0f);    /* bits 7-4 read zero */
    outb(COM1 + 7, 0x5a);
    ck_assert_uint_eq(inb(COM1 + 7), 0x5a);    /* scratch */
}
END_TEST

START_TEST(transmit_and_thre)
{
    program(0x00);
    outb(COM1, 'h');
    outb(COM1, 'i');
    ck_assert_int_eq(out_len, 2);
    ck_assert_mem_eq(out, "hi", 2);
    ck_assert_uint_eq(inb(COM1 + 5), 0x60);
    outb(COM1 + 1, 0x02);               /* ETBEI with THR empty: at once */
    ck_assert_int_eq(irq4.level, 1);
    ck_assert_uint_eq(inb(COM1 + 2), 0x02);
    ck_assert_int_eq(irq4.level, 0);    /* IIR read acknowledged THRE */
    ck_assert_uint_eq(inb(COM1 + 2), 0x01);
    outb(COM1, '!');                    /* THR empties again */
    ck_assert_int_eq(irq4.level, 1);
    ck_assert_uint_eq(inb(COM1 + 2), 0x02);
}
END_TEST

START_TEST(out2_gates_irq)
{
    program(0x00);
    outb(COM1 + 4, 0x03);               /* OUT2 off */
    outb(COM1 + 1, 0x02);
    ck_assert_uint_eq(inb(COM1 + 2) & 0x0f, 0x02);   /* pending inside */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 1, 0x02);
    ck_assert_int_eq(irq4.level, 0);    /* but the pin is gated */
    outb(COM1 + 4, 0x0b);
    ck_assert_int_eq(irq4.level, 1);
}
END_TEST

START_TEST(fifo_trigger_and_timeout)
{
    program(0x47);                      /* FIFO on, clear, trigger 4 */
    outb(COM1 + 1, 0x01);               /* ERBFI */
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);    /* FIFOs enabled, none */
    inject("abc", 3);
    ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0x01);
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);    /* below the trigger */
    inject("d", 1);
    ck_assert_uint_eq(inb(COM1 + 2), 0xc4);    /* RDA */
    ck_assert_int_eq(irq4.level, 1);
    ck_assert_uint_eq(inb(COM1), 'a');
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);    /* 3 left: below trigger */
    ck_assert_int_eq(irq4.level, 0);
    /* 8N1 at 115200: 10 bits = 86.8us per character; timeout after 4. */
    advance_ns(340000);
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);
    advance_ns(10000);
    ck_assert_uint_eq(inb(COM1 + 2), 0xcc);    /* character timeout */
    ck_assert_int_eq(irq4.level, 1);
    ck_assert_uint_eq(inb(COM1), 'b');
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);    /* reading reset it */
    ck_assert_uint_eq(inb(COM1), 'c');
    ck_assert_uint_eq(inb(COM1), 'd');
    ck_assert_uint_eq(inb(COM1 + 5), 0x60);    /* empty */
    advance_ns(1000000);
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);    /* no timeout when empty */
}
END_TEST

START_TEST(overrun_and_priority)
{
    char buf[17];

    program(0xc7);                      /* FIFO on, trigger 14 */
    outb(COM1 + 1, 0x0f);               /* all four sources */
    inb(COM1 + 2);                      /* THRE acknowledged */
    inb(COM1 + 6);                      /* no stale modem deltas */
    memset(buf, 'x', sizeof(buf));
    buf[0] = '0';
    inject(buf, 17);                    /* one more than the FIFO holds */
    sys_bql_lock();
    uart_set_modem_inputs(&uart, 0x30); /* DCD dropped: a modem delta */
    sys_bql_unlock();
    outb(COM1, 't');                    /* and THRE again */
    ck_assert_uint_eq(inb(COM1 + 2), 0xc6);    /* RLS first */
    ck_assert_uint_eq(inb(COM1 + 5), 0x63);    /* OE, DR, THRE, TEMT */
    ck_assert_uint_eq(inb(COM1 + 5), 0x61);    /* read clears OE */
    ck_assert_uint_eq(inb(COM1 + 2), 0xc4);    /* then RDA (16 >= 14) */
    ck_assert_uint_eq(inb(COM1), '0');
    for (int i = 0; i < 15; i++) {
        inb(COM1);
    }
    ck_assert_uint_eq(inb(COM1 + 2), 0xc2);    /* then THRE */
    ck_assert_uint_eq(inb(COM1 + 2), 0xc0);    /* then modem status */
    ck_assert_uint_eq(inb(COM1 + 6), 0x38);    /* DDCD; CTS, DSR */
    ck_assert_uint_eq(inb(COM1 + 2), 0xc1);
    ck_assert_int_eq(irq4.level, 0);
}
END_TEST

START_TEST(loopback)
{
    program(0x07);
    inb(COM1 + 6);
    outb(COM1 + 4, 0x1a);               /* LOOP, RTS, OUT2 (Linux probe) */
    ck_assert_uint_eq(inb(COM1 + 6) & 0xf0, 0x90);  /* CTS, DCD */
    outb(COM1 + 4, 0x1f);
    ck_assert_uint_eq(inb(COM1 + 6), 0xf2);    /* all four; DDSR */
    outb(COM1 + 4, 0x1b);               /* RI (OUT1) falls: TERI */
    ck_assert_uint_eq(inb(COM1 + 6) & 0x0f, 0x04);
    outb(COM1, 'L');
    ck_assert_int_eq(out_len, 0);       /* nothing on the wire */
    ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0x01);
    ck_assert_uint_eq(inb(COM1), 'L');
    outb(COM1 + 4, 0x0b);
    outb(COM1, 'W');
    ck_assert_int_eq(out_len, 1);
    ck_assert_uint_eq(out[0], 'W');
}
END_TEST

START_TEST(non_fifo_overrun_overwrites)
{
    program(0x00);
    inject("12", 2);
    ck_assert_uint_eq(inb(COM1 + 5) & 0x03, 0x03);
    ck_assert_uint_eq(inb(COM1), '2');  /* 16450 mode: RBR overwritten */
    sys_bql_lock();
    ck_assert_int_eq(uart_can_receive(&uart), 1);
    sys_bql_unlock();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("uart");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_values_and_divisor);
    tcase_add_test(tc, transmit_and_thre);
    tcase_add_test(tc, out2_gates_irq);
    tcase_add_test(tc, fifo_trigger_and_timeout);
    tcase_add_test(tc, overrun_and_priority);
    tcase_add_test(tc, loopback);
    tcase_add_test(tc, non_fifo_overrun_overwrites);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
