/*
 * test-guestmem.c — the guest address-space table: placement below the
 * x86-64 limit and away from ferry's own mappings, protection tracking,
 * code fetch stopping at non-executable pages, and 4K guest pages on a
 * host with 16K/64K pages. The large-page cases run on a 4K host by
 * declaring a larger host page to the table (every host call it then makes
 * is aligned to that size, which a 4K kernel accepts), so they are
 * exercised on every build host.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux-user/guestmem.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static LuMem *mem_with_page(uint64_t host_page)
{
    LuMem *m = lu_mem_new(0);
    if (host_page > m->host_page) {
        m->host_page = host_page;
        m->mmap_top &= ~(host_page - 1);
    }
    return m;
}

START_TEST(placement)
{
    LuMem *m = lu_mem_new(0);
    int64_t a = lu_mem_map(m, 0, 0x5000, RW, ANON, -1, 0);
    int64_t b = lu_mem_map(m, 0, 0x1000, RW, ANON, -1, 0);
    ck_assert_int_gt(a, 0x10000);
    ck_assert_uint_lt(a + 0x5000, LU_GUEST_ADDR_LIMIT);
    ck_assert_int_lt(b, a);         /* top-down, like Linux's mmap base */
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x4fff), RW);
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x5000), -1);
    /* ferry's own memory (this program's data) is never handed out. Not
     * the stack: qemu-user's /proc/self/maps omits it under -p 16384. */
    static char own_data[0x2000];
    uint64_t own = ((uint64_t)(uintptr_t)own_data + 0xfff) & ~0xfffull;
    ck_assert_int_eq(lu_mem_prot_at(m, own), -1);
    ck_assert_int_eq(lu_mem_map(m, own, 0x1000, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
    ck_assert_int_eq(lu_mem_map(m, own, 0x1000, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
                     -EEXIST);
    /* a hint that is free is honoured */
    uint64_t hint = (uint64_t)a - 0x100000;
    ck_assert_int_eq(lu_mem_map(m, hint, 0x1000, RW, ANON, -1, 0), (int64_t)hint);
    lu_mem_free(m);
}
END_TEST

START_TEST(table_split_and_merge)
{
    LuMem *m = lu_mem_new(0);
    int64_t a = lu_mem_map(m, 0, 0x4000, RW, ANON, -1, 0);
    memset(lu_g2h(m, a + 0x1000), 0x90, 0x1000);
    ck_assert_int_eq(lu_mem_protect(m, a + 0x1000, 0x1000, PROT_READ | PROT_EXEC), 0);
    ck_assert_int_eq(lu_mem_prot_at(m, a), RW);
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x1000), PROT_READ | PROT_EXEC);
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x2000), RW);
    ck_assert(lu_mem_any(m, a, 0x4000, PROT_EXEC));
    ck_assert(!lu_mem_any(m, a + 0x2000, 0x2000, PROT_EXEC));
    ck_assert(!lu_mem_check(m, a, 0x4000, PROT_WRITE));
    ck_assert(lu_mem_check(m, a, 0x4000, PROT_READ));
    /* fetch: stops where PROT_EXEC stops */
    uint8_t buf[0x3000];
    ck_assert_uint_eq(lu_mem_read(m, a + 0x1ff0, buf, 0x20, PROT_EXEC), 0x10);
    ck_assert_uint_eq(buf[0], 0x90);
    ck_assert_uint_eq(lu_mem_read(m, a + 0x800, buf, 4, PROT_EXEC), 0);
    ck_assert_int_eq(lu_mem_protect(m, a + 0x1000, 0x1000, RW), 0);
    ck_assert(lu_mem_check(m, a, 0x4000, PROT_WRITE));
    ck_assert_int_eq(lu_mem_unmap(m, a + 0x1000, 0x2000), 0);
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x1000), -1);
    ck_assert_int_eq(lu_mem_prot_at(m, a + 0x3000), RW);
    ck_assert_int_eq(lu_mem_protect(m, a, 0x2000, PROT_READ), -ENOMEM);  /* hole */
    lu_mem_free(m);
}
END_TEST

/* Code pages the guest can write are write-protected on the host until
 * the guest writes them; read-only code is left alone. */
START_TEST(code_pages)
{
    LuMem *m = lu_mem_new(0);
    int64_t a = lu_mem_map(m, 0, 0x2000, RW | PROT_EXEC, ANON, -1, 0);
    ck_assert_int_eq(lu_mem_protect(m, a + 0x1000, 0x1000, PROT_READ | PROT_EXEC), 0);
    lu_mem_code_mark(m, a + 0xff0, 0x20);
    uint64_t start, end;
    pid_t pid = fork();
    if (pid == 0) {
        *(volatile uint8_t *)lu_g2h(m, a) = 1;  /* must fault */
        _exit(0);
    }
    int ws;
    waitpid(pid, &ws, 0);
    ck_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGSEGV);
    if (m->host_page == LU_PAGE_SIZE) {
        /* the read-only page has a host page of its own (else it shares
         * the written one's, whose protection is per host page) */
        ck_assert(!lu_mem_code_unprotect(m, a + 0x1000, 0x1000, false, &start, &end));
    }
    ck_assert(lu_mem_code_unprotect(m, a + 0x10, 1, false, &start, &end));
    ck_assert_uint_eq(start, (uint64_t)a);
    ck_assert_uint_eq(end, (uint64_t)a + m->host_page);
    *(volatile uint8_t *)lu_g2h(m, a) = 1;      /* writable again */
    ck_assert(!lu_mem_code_unprotect(m, a, 0x2000, false, &start, &end));
    /* a new mark, then the guest changes the protection: the mark goes */
    lu_mem_code_mark(m, a, 1);
    ck_assert_int_eq(lu_mem_protect(m, a, 0x1000, RW), 0);
    ck_assert(!lu_mem_code_unprotect(m, a, 1, false, &start, &end));
    *(volatile uint8_t *)lu_g2h(m, a) = 2;
    lu_mem_free(m);
}
END_TEST

/* A file of three 4K pages filled with 'A', 'B' and 'C'. */
static int abc_file(void)
{
    char *path = NULL;
    int fd = g_file_open_tmp("ferry-gm-XXXXXX", &path, NULL);
    ck_assert_int_ge(fd, 0);
    g_unlink(path);
    g_free(path);
    char page[4096];
    for (char c = 'A'; c <= 'C'; c++) {
        memset(page, c, sizeof(page));
        ck_assert_int_eq(write(fd, page, sizeof(page)), (ssize_t)sizeof(page));
    }
    return fd;
}

static void big_pages(uint64_t hp)
{
    LuMem *m = mem_with_page(hp);
    int64_t small = lu_mem_map(m, 0, 0x1000, RW, ANON, -1, 0);
    ck_assert_uint_eq((uint64_t)small % hp, 0);
    /* what ld.so does: reserve a span, then map pieces of a file into it */
    int64_t base = lu_mem_map(m, 0, 0x40000, PROT_NONE, ANON, -1, 0);
    ck_assert_int_gt(base, 0);
    ck_assert_uint_eq((uint64_t)base % hp, 0);
    int fd = abc_file();
    ck_assert_int_eq(lu_mem_map(m, base + 0x1000, 0x2000, PROT_READ,
                                MAP_PRIVATE | MAP_FIXED, fd, 0x1000), base + 0x1000);
    const uint8_t *h = lu_g2h(m, base);
    ck_assert_uint_eq(h[0x1000], 'B');
    ck_assert_uint_eq(h[0x1fff], 'B');
    ck_assert_uint_eq(h[0x2000], 'C');
    ck_assert_int_eq(lu_mem_prot_at(m, base), PROT_NONE);
    ck_assert_int_eq(lu_mem_prot_at(m, base + 0x1000), PROT_READ);
    /* an anonymous page right after it in the same host page: zeros, writable */
    ck_assert_int_eq(lu_mem_map(m, base + 0x3000, 0x1000, RW, ANON | MAP_FIXED, -1, 0),
                     base + 0x3000);
    ck_assert_uint_eq(h[0x3000], 0);
    ((uint8_t *)lu_g2h(m, base))[0x3000] = 7;
    ck_assert_uint_eq(h[0x2fff], 'C');          /* the file page was not disturbed */
    ck_assert_int_eq(lu_mem_prot_at(m, base + 0x3000), RW);
    /* past the end of the file: zeros */
    ck_assert_int_eq(lu_mem_map(m, base + 0x5000, 0x2000, PROT_READ,
                                MAP_PRIVATE | MAP_FIXED, fd, 0x2000), base + 0x5000);
    ck_assert_uint_eq(h[0x5000], 'C');
    ck_assert_uint_eq(h[0x6000], 0);
    /* shared mappings cannot be split out of a host page */
    ck_assert_int_eq(lu_mem_map(m, base + 0x1000, 0x1000, PROT_READ,
                                MAP_SHARED | MAP_FIXED, fd, 0), -EINVAL);
    /* unmapping part of a host page forgets it in the table */
    ck_assert_int_eq(lu_mem_unmap(m, base + 0x1000, 0x1000), 0);
    ck_assert_int_eq(lu_mem_prot_at(m, base + 0x1000), -1);
    ck_assert_uint_eq(h[0x2000], 'C');
    /* ld.so's pattern: a reservation ending inside a host page, then the
     * last segment mapped over its end: the rest of that host page is the
     * guest's slack, not ferry's memory */
    int64_t res = lu_mem_map(m, 0, 0x99388, PROT_READ, ANON, -1, 0);
    ck_assert_int_gt(res, 0);
    ck_assert_int_eq(lu_mem_map(m, res + 0x98000, 0x2000, RW, MAP_PRIVATE | MAP_FIXED, fd,
                                0x1000), res + 0x98000);
    ck_assert_uint_eq(((uint8_t *)lu_g2h(m, res))[0x99fff], 'C');
    /* unmapping all of it releases the slack too */
    ck_assert_int_eq(lu_mem_unmap(m, res, 0x9a000), 0);
    ck_assert_int_eq(msync(lu_g2h(m, res + 0x99000), 0x1000, MS_ASYNC), -1);
    ck_assert_int_eq(errno, ENOMEM);
    /* a file offset that is 4K- but not host-page aligned, placed by ferry */
    int64_t pr = lu_mem_map(m, 0, 0x1000, PROT_READ, MAP_PRIVATE, fd, 0x1000);
    int64_t sh = lu_mem_map(m, 0, 0x2000, PROT_READ, MAP_SHARED, fd, 0x1000);
    ck_assert_int_gt(pr, 0);
    ck_assert_int_gt(sh, 0);
    ck_assert_uint_eq(*(uint8_t *)lu_g2h(m, pr), 'B');
    ck_assert_uint_eq(((uint8_t *)lu_g2h(m, sh))[0x1000], 'C');
    ck_assert_int_eq(lu_mem_prot_at(m, sh - 0x1000), -1);
    close(fd);
    lu_mem_free(m);
}

START_TEST(host_pages_16k) { big_pages(16384); }
END_TEST

START_TEST(host_pages_64k) { big_pages(65536); }
END_TEST

int main(void)
{
    Suite *s = suite_create("guestmem");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, placement);
    tcase_add_test(tc, table_split_and_merge);
    tcase_add_test(tc, code_pages);
    tcase_add_test(tc, host_pages_16k);
    tcase_add_test(tc, host_pages_64k);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
