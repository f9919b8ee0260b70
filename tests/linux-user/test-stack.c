/*
 * test-stack.c — the initial stack byte by byte. The expected addresses
 * were worked out by hand from the kernel's fs/exec.c (strings) and
 * fs/binfmt_elf.c create_elf_tables (platform, random bytes, auxv,
 * STACK_ROUND) for a stack top of 0x7ffffffff000, not taken from the code.
 * On an x86-64 host the auxv key order is also compared with the kernel's
 * own /proc/self/auxv.
 */
#include <check.h>
#include <elf.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "linux-user/stack.h"

#define TOP 0x7ffffffff000ull
#define SIZE 0x10000ull

static uint8_t *mem;

static uint64_t rd64(uint64_t addr)
{
    uint64_t v;
    memcpy(&v, mem + (addr - (TOP - SIZE)), 8);
    return v;
}

static const uint8_t *at(uint64_t addr) { return mem + (addr - (TOP - SIZE)); }

static LuAuxInfo test_aux(const char *execfn)
{
    LuAuxInfo a = {
        .phdr = 0x400040, .phnum = 9, .base = 0x7ffff7fc3000, .entry = 0x401000,
        .hwcap = LU_HWCAP_X86, .hwcap2 = 0, .minsigstksz = LU_MINSIGSTKSZ,
        .uid = 1000, .euid = 1001, .gid = 100, .egid = 101, .secure = false,
        .execfn = execfn,
    };
    for (int i = 0; i < 16; i++) {
        a.random[i] = (uint8_t)(0xa0 + i);
    }
    return a;
}

/* The auxv the kernel writes for test_aux, given the string addresses. */
static void check_auxv(uint64_t a, uint64_t u_rand, uint64_t u_execfn, uint64_t u_plat)
{
    const uint64_t want[][2] = {
        { AT_MINSIGSTKSZ, 2048 }, { AT_HWCAP, 0x8010 }, { AT_PAGESZ, 4096 },
        { AT_CLKTCK, 100 }, { AT_PHDR, 0x400040 }, { AT_PHENT, 56 }, { AT_PHNUM, 9 },
        { AT_BASE, 0x7ffff7fc3000 }, { AT_FLAGS, 0 }, { AT_ENTRY, 0x401000 },
        { AT_UID, 1000 }, { AT_EUID, 1001 }, { AT_GID, 100 }, { AT_EGID, 101 },
        { AT_SECURE, 0 }, { AT_RANDOM, u_rand }, { AT_HWCAP2, 0 },
        { AT_EXECFN, u_execfn }, { AT_PLATFORM, u_plat }, { AT_NULL, 0 },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(want); i++) {
        ck_assert_uint_eq(rd64(a + 16 * i), want[i][0]);
        ck_assert_uint_eq(rd64(a + 16 * i + 8), want[i][1]);
    }
}

START_TEST(two_args_one_env)
{
    char *argv[] = { "/bin/prog", "a" };
    char *envp[] = { "X=1" };
    LuAuxInfo aux = test_aux("/bin/prog");
    mem = g_malloc0(SIZE);
    uint64_t sp = lu_stack_build(mem, TOP, SIZE, 2, argv, 1, envp, &aux);
    ck_assert_uint_eq(sp, 0x7fffffffee40);
    ck_assert_uint_eq(rd64(0x7fffffffee40), 2);
    ck_assert_uint_eq(rd64(0x7fffffffee48), 0x7fffffffefde);
    ck_assert_uint_eq(rd64(0x7fffffffee50), 0x7fffffffefe8);
    ck_assert_uint_eq(rd64(0x7fffffffee58), 0);
    ck_assert_uint_eq(rd64(0x7fffffffee60), 0x7fffffffefea);
    ck_assert_uint_eq(rd64(0x7fffffffee68), 0);
    check_auxv(0x7fffffffee70, 0x7fffffffefb9, 0x7fffffffefee, 0x7fffffffefc9);
    /* strings: argv, envp, execfn, then 8 zero bytes up to the top */
    static const char strings[] = "/bin/prog\0a\0X=1\0/bin/prog\0\0\0\0\0\0\0\0\0";
    ck_assert_mem_eq(at(0x7fffffffefde), strings, sizeof(strings) - 1);
    ck_assert_mem_eq(at(0x7fffffffefc9), "x86_64", 7);
    for (int i = 0; i < 16; i++) {
        ck_assert_uint_eq(*at(0x7fffffffefb9 + i), 0xa0 + i);
    }
    /* the gaps left by the rounding are untouched */
    for (uint64_t a = 0x7fffffffefb0; a < 0x7fffffffefb9; a++) {
        ck_assert_uint_eq(*at(a), 0);
    }
    for (uint64_t a = 0x7fffffffefd0; a < 0x7fffffffefde; a++) {
        ck_assert_uint_eq(*at(a), 0);
    }
    g_free(mem);
}
END_TEST

START_TEST(one_arg_no_env)
{
    char *argv[] = { "ab" };
    LuAuxInfo aux = test_aux("ab");
    mem = g_malloc0(SIZE);
    uint64_t sp = lu_stack_build(mem, TOP, SIZE, 1, argv, 0, NULL, &aux);
    ck_assert_uint_eq(sp, 0x7fffffffee70);
    ck_assert_uint_eq(sp % 16, 0);
    ck_assert_uint_eq(rd64(0x7fffffffee70), 1);
    ck_assert_uint_eq(rd64(0x7fffffffee78), 0x7fffffffeff2);
    ck_assert_uint_eq(rd64(0x7fffffffee80), 0);
    ck_assert_uint_eq(rd64(0x7fffffffee88), 0);
    check_auxv(0x7fffffffee90, 0x7fffffffefd9, 0x7fffffffeff5, 0x7fffffffefe9);
    ck_assert_mem_eq(at(0x7fffffffeff2), "ab\0ab\0", 6);
    g_free(mem);
}
END_TEST

START_TEST(too_small)
{
    char *argv[] = { "prog" };
    LuAuxInfo aux = test_aux("prog");
    mem = g_malloc0(256);
    /* 256 bytes cannot hold the 320-byte auxv */
    ck_assert_uint_eq(lu_stack_build(mem, TOP, 256, 1, argv, 0, NULL, &aux), 0);
    g_free(mem);
}
END_TEST

#ifdef __x86_64__
/* The kernel's own auxv for this process, in order, without the entries
 * ferry deliberately omits (no rseq); AT_SYSINFO_EHDR where the kernel
 * has a vDSO too. */
START_TEST(key_order_matches_kernel)
{
    FILE *f = fopen("/proc/self/auxv", "rb");
    ck_assert_ptr_nonnull(f);
    uint64_t kv[2], keys[64];
    unsigned n = 0;
    bool vdso = false;
    while (fread(kv, sizeof(kv), 1, f) == 1 && n < 64) {
        vdso |= kv[0] == AT_SYSINFO_EHDR;
        if (kv[0] != 27 && kv[0] != 28) {
            keys[n++] = kv[0];
        }
        if (kv[0] == AT_NULL) {
            break;
        }
    }
    fclose(f);
    char *argv[] = { "p" };
    LuAuxInfo aux = test_aux("p");
    aux.sysinfo_ehdr = vdso ? 0x7ffff7fc1000 : 0;
    mem = g_malloc0(SIZE);
    uint64_t sp = lu_stack_build(mem, TOP, SIZE, 1, argv, 0, NULL, &aux);
    uint64_t a = sp + 8 * 4;       /* argc, argv[0], NULL, NULL */
    ck_assert_uint_eq(rd64(a + 8), aux.sysinfo_ehdr ? aux.sysinfo_ehdr : 2048);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_uint_eq(rd64(a + 16 * i), keys[i]);
    }
    g_free(mem);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("stack");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, two_args_one_env);
    tcase_add_test(tc, one_arg_no_env);
    tcase_add_test(tc, too_small);
#ifdef __x86_64__
    tcase_add_test(tc, key_order_matches_kernel);
#endif
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
