/*
 * test-monitor.c — the human monitor over pipes, driven by the main loop:
 * prompt, help, line editing, info mtree (tree and flat view), xp dumps
 * checked against bytes placed in RAM, unknown commands, and a command
 * registered from outside.
 */
#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "system/main-loop.h"
#include "system/monitor.h"
#include "tests/system/systest.h"

static int in[2], out[2];
static Chardev *chr;
static Monitor *mon;
static GString *seen;
static MemoryRegion root, ram, ram_alias;
static AddressSpace *as;
static int quits;

/* Send @line and collect output up to the next prompt. */
static const char *run(const char *line)
{
    char buf[4096];

    g_string_truncate(seen, 0);
    ck_assert_int_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
    while (!g_str_has_suffix(seen->str, "(ferry) ")) {
        ssize_t n;

        sys_main_loop_iterate(true);
        while ((n = read(out[0], buf, sizeof(buf))) > 0) {
            g_string_append_len(seen, buf, n);
        }
    }
    return seen->str;
}

static void quit_cmd(Monitor *m, int argc, char **argv, void *opaque)
{
    quits++;
    mon_printf(m, "bye\n");
}

static void setup(void)
{
    char buf[256];

    quits = 0;
    seen = g_string_new(NULL);
    sys_main_loop_init();
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    sys_bql_lock();
    sys_mr_init_container(&root, "system", UINT64_MAX);
    sys_mr_init_ram(&ram, "pc.ram", 0x2000);
    sys_mr_init_alias(&ram_alias, "ram-hi", 0x1000, &ram, 0x1000);
    sys_mr_add_subregion(&root, 0, &ram);
    sys_mr_add_subregion(&root, 0xfffff000, &ram_alias);
    as = sys_as_new("memory", &root);
    sys_bql_unlock();
    chr = chr_new_fds("mon", in[0], out[1]);
    mon = mon_new(chr, false);
    mon_set_memory(mon, &root, as, NULL, NULL);
    mon_register(mon, "quit", "", "quit ferry", quit_cmd, NULL);
    ck_assert_int_gt(read(out[0], buf, sizeof(buf)), 0);   /* banner */
}

static void teardown(void)
{
    chr_free(chr);
    mon_free(mon);
    sys_as_free(as);
    sys_main_loop_fini();
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    g_string_free(seen, TRUE);
}

START_TEST(help_and_editing)
{
    ck_assert_ptr_nonnull(strstr(run("help\n"), "info mtree [-f] -- "));
    ck_assert_ptr_nonnull(strstr(seen->str, "quit -- quit ferry"));
    /* "hx", backspace, "elp": help again. */
    ck_assert_ptr_nonnull(strstr(run("hx\x7f" "elp\n"), "xp /fmt addr"));
    ck_assert_ptr_nonnull(strstr(run("bogus 1\n"),
                                 "unknown command: 'bogus'"));
    ck_assert_ptr_nonnull(strstr(run("info nothing\n"),
                                 "unknown command: 'info nothing'"));
    ck_assert_str_eq(run("\n"), "(ferry) ");
    run("quit\n");
    ck_assert_int_eq(quits, 1);
    ck_assert_ptr_nonnull(strstr(seen->str, "bye\n"));
}
END_TEST

START_TEST(info_mtree)
{
    const char *s = run("info mtree\n");

    ck_assert_ptr_nonnull(strstr(s, "address-space: memory\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "0000000000000000-fffffffffffffffe (prio 0, container): system\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "  0000000000000000-0000000000001fff (prio 0, ram): pc.ram\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "  00000000fffff000-00000000ffffffff (prio 0, alias): ram-hi "
        "@pc.ram 0000000000001000-0000000000001fff\n"));
    s = run("info mtree -f\n");
    ck_assert_ptr_nonnull(strstr(s,
        "  00000000fffff000-00000000ffffffff (ram): pc.ram "
        "@0000000000001000\n"));
}
END_TEST

START_TEST(xp_dumps)
{
    static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0xfe, 0xff,
                                     0xff, 0xff };

    memcpy(ram.ram + 0x1000, bytes, sizeof(bytes));
    ck_assert_ptr_nonnull(strstr(run("xp /4xb 0x1000\n"),
                                 "0000000000001000: 0x01 0x02 0x03 0x04\n"));
    ck_assert_ptr_nonnull(strstr(run("xp /2dw 0x1000\n"),
                                 "0000000000001000: 67305985 -2\n"));
    ck_assert_ptr_nonnull(strstr(run("xp /1xg 0xfffff000\n"),
                                 "00000000fffff000: 0xfffffffe04030201\n"));
    ck_assert_ptr_nonnull(strstr(run("xp 0x1000\n"), "usage: xp"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("monitor");
    TCase *tc = tcase_create("hmp");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, help_and_editing);
    tcase_add_test(tc, info_mtree);
    tcase_add_test(tc, xp_dumps);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
