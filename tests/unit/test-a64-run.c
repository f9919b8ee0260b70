/*
 * test-a64-run.c — runs code emitted by the arm64 encoder: each test emits
 * a small function, wraps it in a standalone ELF (a64-elf.c), runs it under
 * qemu-aarch64-static (or directly on an arm64 host) and compares the
 * registers it returns with results computed here in plain C. Programs
 * that avoid LSE/LRCPC also run with -cpu cortex-a53 (ARMv8.0).
 */
#include "backend-arm64/a64-elf.h"
#include "backend-arm64/a64-enc.h"

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef QEMU_AARCH64
#define QEMU_AARCH64 ""
#endif
#ifndef FERRY_TEST_WRAPPER
#define FERRY_TEST_WRAPPER ""
#endif

/* ---------------------------------------------------------------------- */
/* Harness                                                                 */

static uint32_t code[2048];
static A64Buf bufv, *b = &bufv;

/*
 * How to run an arm64 executable: directly on a native arm64 build, else
 * under qemu-aarch64. That includes the cross build, where this test itself
 * runs under qemu-user: a direct execve of an arm64 file from there only
 * works if the machine has a binfmt_misc handler for arm64, while starting
 * the (build-machine) qemu binary always works, so qemu is preferred when
 * configure found one.
 */
static const char *default_runner(void)
{
#if defined(__aarch64__)
    if (FERRY_TEST_WRAPPER[0] == 0 || QEMU_AARCH64[0] == 0) {
        return NULL;
    }
#endif
    return QEMU_AARCH64;
}

static bool can_run(void)
{
#if defined(__aarch64__)
    return true;
#else
    return QEMU_AARCH64[0] != 0;
#endif
}

static void begin(void)
{
    a64_buf_init(b, code, sizeof(code));
}

/*
 * Write the emitted function with `data` as its data area, run it (under
 * qemu with -cpu cpu when cpu is non-NULL) and parse the four returned
 * registers into r. Returns the wait status.
 */
static int run(const char *cpu, const void *data, size_t dlen, uint64_t r[4])
{
    char *path = NULL, out[256];
    const char *qemu = cpu ? QEMU_AARCH64 : default_runner();
    int fd, status;

    ck_assert_msg(a64_buf_error(b) == A64_OK, "emit failed: %s",
                  a64_err_str(a64_buf_error(b)));
    fd = g_file_open_tmp("ferry-a64-XXXXXX", &path, NULL);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(a64_elf_write(path, code, b->pos, data, dlen), 0);
    status = a64_elf_run(qemu, cpu, path, out, sizeof(out));
    g_unlink(path);
    g_free(path);
    memset(r, 0, 4 * sizeof(*r));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ck_assert_int_eq(sscanf(out, "%lx %lx %lx %lx", &r[0], &r[1], &r[2],
                                &r[3]), 4);
    }
    return status;
}

static void run_ok(const char *cpu, const void *data, size_t dlen,
                   uint64_t r[4])
{
    int st = run(cpu, data, dlen, r);

    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "program failed (cpu %s): wait status 0x%x",
                  cpu ? cpu : "default", st);
}

/* run_ok on the default cpu and, when qemu is there, on ARMv8.0
 * (cortex-a53) too: code without LSE/LRCPC must give the same registers. */
static void run_v80(const void *data, size_t dlen, uint64_t r[4])
{
    uint64_t r80[4];

    run_ok(NULL, data, dlen, r);
    if (QEMU_AARCH64[0]) {
        run_ok("cortex-a53", data, dlen, r80);
        for (int i = 0; i < 4; i++) {
            ck_assert_msg(r80[i] == r[i], "cortex-a53: x%d = %016lx, "
                          "default cpu: %016lx", i, r80[i], r[i]);
        }
    }
}

static void expect4(const uint64_t r[4], uint64_t e0, uint64_t e1,
                    uint64_t e2, uint64_t e3)
{
    const uint64_t e[4] = { e0, e1, e2, e3 };
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(r[i] == e[i], "x%d = %016lx, expected %016lx", i,
                      r[i], e[i]);
    }
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t ror64(uint64_t v, int n)
{
    return n ? (v >> n) | (v << (64 - n)) : v;
}

/* Branch helpers for forward labels: emit with offset 0, patch later. */
static uint32_t *here(void)
{
    return a64_buf_cur(b);
}

static int64_t back_to(const uint32_t *label)
{
    return (int64_t)((uintptr_t)label - (uintptr_t)here());
}

static void bind(uint32_t *branch)
{
    ck_assert_int_eq(a64_patch_branch(branch, here()), A64_OK);
}

enum { X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15,
       SP = A64_SP, ZR = A64_ZR };

/* ---------------------------------------------------------------------- */
/* Integer arithmetic                                                      */

static void emit_arith(uint64_t a, uint64_t bb, uint64_t c)
{
    begin();
    a64_movi64(b, X9, a);
    a64_movi64(b, X10, bb);
    a64_movi64(b, X11, c);
    a64_madd(b, true, X0, X9, X10, X11);
    a64_umulh(b, X1, X9, X10);
    a64_adds_rrr(b, true, X12, X10, X9);
    a64_adc(b, true, X2, X9, X11);
    a64_ubfx(b, true, X3, X9, 7, 13);
    a64_sxtw(b, X12, X10);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_shift_rri(b, A64_ROR, true, X12, X11, 17);
    a64_eor_rrr(b, true, X3, X3, X12);
    a64_clz(b, true, X12, X9);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_rev(b, true, X12, X10);
    a64_eor_rrr(b, true, X3, X3, X12);
    a64_add_rrr(b, false, X12, X9, X10);          /* W op zero-extends */
    a64_add_rrr(b, true, X3, X3, X12);
    a64_logic_imm(b, A64_ORR, true, X13, X11, 1);
    a64_sdiv(b, true, X12, X9, X13);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_cmp_rr(b, true, X9, X10);
    a64_cset(b, true, X12, A64_LT);
    a64_addsub_shift(b, A64_ADD, true, X3, X3, X12, A64_LSL, 5);
    a64_csel(b, true, X12, X9, X10, A64_HI);
    a64_eor_rrr(b, true, X3, X3, X12);
    a64_logic_imm(b, A64_AND, true, X12, X9, 0xff00ff00ff00ff00ull);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_msub(b, true, X12, X10, X11, X9);
    a64_eor_rrr(b, true, X3, X3, X12);
    a64_bfi(b, true, X3, X10, 40, 8);
    a64_ret(b, A64_LR);
}

static uint64_t model_arith(uint64_t a, uint64_t bb, uint64_t c, uint64_t r[3])
{
    uint64_t x3, d = c | 1, q;

    r[0] = a * bb + c;
    r[1] = (uint64_t)(((unsigned __int128)a * bb) >> 64);
    r[2] = a + c + (bb + a < bb);
    x3 = (a >> 7) & 0x1fff;
    x3 += (uint64_t)(int64_t)(int32_t)bb;
    x3 ^= ror64(c, 17);
    x3 += a ? (uint64_t)__builtin_clzll(a) : 64;
    x3 ^= __builtin_bswap64(bb);
    x3 += (uint32_t)(a + bb);
    q = ((int64_t)a == INT64_MIN && (int64_t)d == -1)
        ? a : (uint64_t)((int64_t)a / (int64_t)d);
    x3 += q;
    x3 += (uint64_t)((int64_t)a < (int64_t)bb) << 5;
    x3 ^= a > bb ? a : bb;
    x3 += a & 0xff00ff00ff00ff00ull;
    x3 ^= a - bb * c;
    x3 = (x3 & ~(0xffull << 40)) | (bb & 0xff) << 40;
    return x3;
}

START_TEST(test_arith)
{
    static const uint64_t fixed[][3] = {
        { 0, 0, 0 },
        { 0x8000000000000000ull, 0x7fffffffffffffffull, ~0ull },
        { ~0ull, ~0ull, 1 },
    };
    for (int i = 0; i < 6; i++) {
        uint64_t a = i < 3 ? fixed[i][0] : rnd(), bb = i < 3 ? fixed[i][1] : rnd();
        uint64_t c = i < 3 ? fixed[i][2] : rnd() >> (i * 7), r[4], e[3], e3;

        emit_arith(a, bb, c);
        e3 = model_arith(a, bb, c, e);
        run_v80(NULL, 0, r);
        expect4(r, e[0], e[1], e[2], e3);
    }
}
END_TEST

/* NZCV as MRS returns it (bits 31:28) after subtraction / 32-bit add. */
static uint64_t nzcv_sub64(uint64_t a, uint64_t bb)
{
    uint64_t d = a - bb;
    uint64_t n = d >> 63, z = d == 0, c = a >= bb;
    uint64_t v = ((a ^ bb) & (a ^ d)) >> 63;
    return (n << 31) | (z << 30) | (c << 29) | (v << 28);
}

static uint64_t nzcv_add32(uint32_t a, uint32_t bb)
{
    uint32_t d = a + bb;
    uint64_t n = d >> 31, z = d == 0, c = (uint64_t)a + bb > 0xffffffffu;
    uint64_t v = (~(a ^ bb) & (a ^ d)) >> 31;
    return (n << 31) | (z << 30) | (c << 29) | (v << 28);
}

START_TEST(test_flags)
{
    for (int i = 0; i < 4; i++) {
        uint64_t a = rnd(), bb = i == 1 ? a : rnd(), flags = rnd() & 0xf;
        uint64_t r[4], e2, e3;

        if (i == 2) {
            bb = a ^ 0x8000000000000000ull;
        }
        begin();
        a64_movi64(b, X9, a);
        a64_movi64(b, X10, bb);
        a64_cmp_rr(b, true, X9, X10);
        a64_mrs(b, X0, A64_SYS_NZCV);
        a64_adds_rrr(b, false, X11, X9, X10);
        a64_mrs(b, X1, A64_SYS_NZCV);
        a64_cmp_rr(b, true, X9, X10);
        a64_ccmp(b, true, X10, X9, 5, A64_EQ);
        a64_mrs(b, X2, A64_SYS_NZCV);
        a64_movi64(b, X12, flags << 28);
        a64_msr(b, A64_SYS_NZCV, X12);
        a64_cset(b, true, X3, A64_HS);
        a64_cset(b, true, X13, A64_EQ);
        a64_addsub_shift(b, A64_ADD, true, X3, X3, X13, A64_LSL, 1);
        a64_cset(b, true, X13, A64_MI);
        a64_addsub_shift(b, A64_ADD, true, X3, X3, X13, A64_LSL, 2);
        a64_csetm(b, true, X13, A64_VS);
        a64_logic_imm(b, A64_AND, true, X13, X13, 8);
        a64_orr_rrr(b, true, X3, X3, X13);
        a64_ret(b, A64_LR);
        run_v80(NULL, 0, r);
        e2 = a == bb ? nzcv_sub64(bb, a) : 5u << 28;
        e3 = ((flags >> 1) & 1) | ((flags >> 2) & 1) << 1 |
             ((flags >> 3) & 1) << 2 | (flags & 1) << 3;
        expect4(r, nzcv_sub64(a, bb), nzcv_add32(a, bb), e2, e3);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Memory and loops                                                        */

START_TEST(test_memory)
{
    uint64_t data[32], r[4], sum = 0, e1, e2, e3, k = rnd();
    uint8_t *bytes = (uint8_t *)data;
    int16_t h;
    int32_t w;
    uint64_t u, p[2];

    for (int i = 0; i < 32; i++) {
        data[i] = rnd();
    }
    bytes[3] = 0x85;        /* make the sign extensions matter */
    for (int i = 0; i < 32; i++) {
        sum += data[i];
    }
    begin();
    a64_mov_rr(b, true, X15, X0);
    a64_mov_rr(b, true, X9, X0);
    a64_movz(b, true, X10, 32, 0);
    a64_movz(b, true, X0, 0, 0);
    uint32_t *loop = here();
    a64_ldst_post(b, A64_LDR_X, X11, X9, 8);
    a64_add_rrr(b, true, X0, X0, X11);
    a64_addsub_ri(b, A64_SUBS, true, X10, X10, 1);
    a64_bcond(b, A64_NE, back_to(loop));
    a64_ldst(b, A64_LDRSB_X, X1, X15, 3);
    a64_ldst(b, A64_LDRH, X12, X15, 10);
    a64_add_rrr(b, true, X1, X1, X12);
    a64_ldst(b, A64_LDRSW, X12, X15, 20);
    a64_add_rrr(b, true, X1, X1, X12);
    a64_ldst(b, A64_LDR_X, X12, X15, 5);           /* unaligned: LDUR */
    a64_eor_rrr(b, true, X1, X1, X12);
    a64_movz(b, true, X13, 7, 0);
    a64_ldst_reg(b, A64_LDR_X, X12, X15, X13, A64_UXTX, true);
    a64_add_rrr(b, true, X1, X1, X12);
    a64_ldst(b, A64_LDRSH_W, X12, X15, 30);
    a64_add_rrr(b, true, X1, X1, X12);
    /* Stores into the scratch area after the data. */
    a64_movi64(b, X12, k);
    a64_ldst(b, A64_STR_X, X12, X15, 256);
    a64_movz(b, false, X13, 0xabcd, 0);
    a64_ldst(b, A64_STRH, X13, X15, 258);
    a64_ldst(b, A64_STRB, ZR, X15, 263);
    a64_ldst(b, A64_LDR_X, X2, X15, 256);
    a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X12, X13, X15, 16);
    a64_ldstp(b, A64_STP_X, A64_IDX_OFF, X13, X12, X15, 272);
    a64_ldst(b, A64_LDR_X, X3, X15, 272);
    a64_ldst(b, A64_LDR_X, X12, X15, 280);
    a64_sub_rrr(b, true, X3, X3, X12);
    a64_add_rri(b, true, X14, X15, 320);
    a64_ldst_pre(b, A64_STR_X, X3, X14, -8);
    a64_ldst(b, A64_LDR_X, X3, X15, 312);
    a64_sub_rrr(b, true, X12, X14, X15);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_ret(b, A64_LR);
    run_v80(data, sizeof(data), r);

    e1 = (uint64_t)(int64_t)(int8_t)bytes[3];
    e1 += (uint64_t)bytes[10] | (uint64_t)bytes[11] << 8;
    memcpy(&w, bytes + 20, 4);
    e1 += (uint64_t)(int64_t)w;
    memcpy(&u, bytes + 5, 8);
    e1 ^= u;
    e1 += data[7];
    memcpy(&h, bytes + 30, 2);
    e1 += (uint32_t)(int32_t)h;
    e2 = (k & ~0xff000000ffff0000ull) | 0xabcdull << 16;
    memcpy(p, bytes + 16, 16);
    e3 = (p[1] - p[0]) + 312;
    expect4(r, sum, e1, e2, e3);
}
END_TEST

static uint64_t collatz_steps(uint64_t n)
{
    uint64_t s = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : n / 2;
        s++;
    }
    return s;
}

START_TEST(test_loops)
{
    static const uint64_t ns[] = { 1, 27, 837799 };

    for (int i = 0; i < 3; i++) {
        uint64_t n = ns[i], m = 1000 + i, r[4], sq = 0;
        uint32_t *loop, *done, *odd, *next, *l2;

        begin();
        a64_movi64(b, X9, n);
        a64_movz(b, true, X0, 0, 0);
        loop = here();
        a64_cmp_ri(b, true, X9, 1);
        done = here();
        a64_bcond(b, A64_EQ, 0);
        odd = here();
        a64_tbnz(b, X9, 0, 0);
        a64_shift_rri(b, A64_LSR, true, X9, X9, 1);
        next = here();
        a64_b(b, 0);
        bind(odd);
        a64_addsub_shift(b, A64_ADD, true, X10, X9, X9, A64_LSL, 1);
        a64_add_rri(b, true, X9, X10, 1);
        bind(next);
        a64_add_rri(b, true, X0, X0, 1);
        a64_b(b, back_to(loop));
        bind(done);
        a64_movi64(b, X10, m);
        a64_movz(b, true, X1, 0, 0);
        l2 = here();
        a64_sub_rri(b, true, X10, X10, 1);
        a64_madd(b, true, X1, X10, X10, X1);
        a64_cbnz(b, true, X10, back_to(l2));
        a64_movz(b, true, X2, 0, 0);
        a64_movz(b, true, X3, 0, 0);
        a64_ret(b, A64_LR);
        for (uint64_t j = 0; j < m; j++) {
            sq += j * j;
        }
        run_ok(NULL, NULL, 0, r);
        expect4(r, collatz_steps(n), sq, 0, 0);
        run_ok("cortex-a53", NULL, 0, r);
        expect4(r, collatz_steps(n), sq, 0, 0);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

START_TEST(test_lse)
{
    uint64_t data[4], v0 = rnd(), v1 = rnd(), add = rnd(), newv = rnd();
    uint64_t bits = rnd(), clr = rnd(), sw = rnd(), x = rnd(), r[4];
    uint64_t n2 = rnd(), n3 = rnd(), d1, e3;
    int st;

    data[0] = v0, data[1] = v1, data[2] = rnd(), data[3] = rnd();
    begin();
    a64_mov_rr(b, true, X15, X0);
    a64_add_rri(b, true, X14, X15, 8);
    a64_movi64(b, X9, add);
    a64_ldop(b, A64_LDADD, 3, A64_ORD_AR, X9, X0, X15);   /* x0 = v0 */
    a64_add_rrr(b, true, X10, X0, X9);                    /* expected */
    a64_movi64(b, X11, newv);
    a64_cas(b, 3, A64_ORD_AR, X10, X11, X15);             /* succeeds */
    a64_movi64(b, X13, bits);
    a64_ldop(b, A64_LDSET, 3, 0, X13, X1, X14);           /* x1 = v1 */
    a64_movi64(b, X13, clr);
    a64_ldop(b, A64_LDCLR, 3, A64_ORD_AR, X13, X2, X14);  /* v1 | bits */
    a64_eor_rrr(b, true, X2, X2, X10);
    a64_movi64(b, X13, sw);
    a64_swp(b, 3, A64_ORD_AR, X13, X3, X15);              /* x3 = newv */
    a64_mov_rr(b, true, X12, X11);
    a64_cas(b, 3, A64_ORD_ACQ, X12, X9, X15);             /* fails: sw */
    a64_add_rrr(b, true, X3, X3, X12);
    a64_movi64(b, X13, x);
    a64_ldop(b, A64_LDEOR, 3, A64_ORD_REL, X13, ZR, X14); /* STEOR */
    a64_ldapr(b, 3, X12, X15);                            /* sw */
    a64_add_rrr(b, true, X3, X3, X12);
    a64_ldst(b, A64_LDR_X, X12, X14, 0);
    a64_eor_rrr(b, true, X3, X3, X12);
    /* 128-bit compare-and-swap of data[2..3]. */
    a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X4, X5, X15, 16);
    a64_movi64(b, X6, n2);
    a64_movi64(b, X7, n3);
    a64_add_rri(b, true, X14, X15, 16);
    a64_casp(b, true, A64_ORD_AR, X4, X6, X14);
    a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X12, X13, X15, 16);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_addsub_shift(b, A64_ADD, true, X3, X3, X13, A64_LSL, 1);
    a64_ret(b, A64_LR);
    run_ok(NULL, data, sizeof(data), r);
    d1 = ((v1 | bits) & ~clr) ^ x;
    /* The second CAS fails (memory holds sw) unless sw == newv, which
     * the random values make practically impossible; ck_assert says so. */
    ck_assert(sw != newv);
    e3 = ((newv + sw + sw) ^ d1) + n2 + (n3 << 1);
    expect4(r, v0, v1, (v1 | bits) ^ (v0 + add), e3);

    /* ARMv8.0 has no LSE: the same program must die with SIGILL. */
    if (QEMU_AARCH64[0]) {
        st = run("cortex-a53", data, sizeof(data), r);
        ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
                      "LSE on cortex-a53: wait status 0x%x", st);
    }
}
END_TEST

static void emit_exclusive(uint64_t add)
{
    uint32_t *retry;

    begin();
    a64_mov_rr(b, true, X15, X0);
    a64_movi64(b, X9, add);
    retry = here();
    a64_ldaxr(b, 3, X10, X15);
    a64_add_rrr(b, true, X10, X10, X9);
    a64_stlxr(b, 3, X11, X10, X15);
    a64_cbnz(b, false, X11, back_to(retry));
    a64_mov_rr(b, true, X0, X10);
    a64_add_rri(b, true, X14, X15, 8);
    retry = here();
    a64_ldxr(b, 2, X10, X14);
    a64_eor_rrr(b, false, X10, X10, X9);
    a64_stxr(b, 2, X11, X10, X14);
    a64_cbnz(b, false, X11, back_to(retry));
    a64_ldst(b, A64_LDR_X, X1, X14, 0);
    a64_add_rri(b, true, X14, X15, 16);
    retry = here();
    a64_ldaxp(b, true, X10, X12, X14);
    a64_add_rri(b, true, X10, X10, 1);
    a64_sub_rri(b, true, X12, X12, 1);
    a64_stlxp(b, true, X11, X10, X12, X14);
    a64_cbnz(b, false, X11, back_to(retry));
    a64_dmb(b, A64_BAR_ISH);
    a64_ldar(b, 3, X2, X14);
    a64_ldst(b, A64_LDR_X, X13, X14, 8);
    a64_stlr(b, 3, X9, X15);
    a64_dmb(b, A64_BAR_ISHST);
    a64_ldst(b, A64_LDR_X, X3, X15, 0);
    a64_add_rrr(b, true, X3, X3, X13);
    a64_ldar(b, 0, X12, X15);
    a64_add_rrr(b, true, X3, X3, X12);
    a64_ret(b, A64_LR);
}

START_TEST(test_exclusive)
{
    static const char *const cpus[] = { NULL, "cortex-a53" };
    uint64_t data[4], add = rnd(), r[4], e1;

    for (int i = 0; i < 2; i++) {
        if (i == 1 && !QEMU_AARCH64[0]) {
            break;
        }
        for (int j = 0; j < 4; j++) {
            data[j] = rnd();
        }
        emit_exclusive(add);
        run_ok(cpus[i], data, sizeof(data), r);
        /* The W exclusive writes only the low half of data[1]. */
        e1 = (data[1] & ~0xffffffffull) | (uint32_t)(data[1] ^ add);
        expect4(r, data[0] + add, e1, data[2] + 1,
                add + (data[3] - 1) + (add & 0xff));
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* NEON                                                                    */

typedef struct V128 {
    uint8_t b[16];
} V128;

static uint64_t lane(const V128 *v, int esize, int i)
{
    uint64_t x = 0;
    memcpy(&x, v->b + i * esize, esize);
    return x;
}

static void set_lane(V128 *v, int esize, int i, uint64_t x)
{
    memcpy(v->b + i * esize, &x, esize);
}

static int64_t slane(const V128 *v, int esize, int i)
{
    int sh = 64 - 8 * esize;
    return (int64_t)(lane(v, esize, i) << sh) >> sh;
}

static uint64_t emask(int esize)
{
    return esize == 8 ? ~0ull : (1ull << (8 * esize)) - 1;
}

START_TEST(test_neon)
{
    uint64_t data[8], r[4], k = rnd();
    V128 v0, v1, v2, v3, v4, v5, v6, v7, v17, v18;
    int i;

    for (i = 0; i < 8; i++) {
        data[i] = rnd();
    }
    memcpy(&data[2], &data[0], 4);        /* some equal lanes for CMEQ */
    begin();
    a64_mov_rr(b, true, X15, X0);
    a64_movi64(b, X9, k);
    a64_ldst(b, A64_LDR_Q, 0, X15, 0);
    a64_ldst(b, A64_LDR_Q, 1, X15, 16);
    a64_vadd(b, true, A64_E32, 2, 0, 1);
    a64_vsub(b, true, A64_E16, 3, 0, 1);
    a64_veor(b, true, 4, 2, 3);
    a64_vshl_imm(b, true, A64_E64, 5, 4, 3);
    a64_vushr_imm(b, true, A64_E32, 6, 0, 5);
    a64_vsshr_imm(b, true, A64_E16, 7, 1, 2);
    a64_vcmgt(b, true, A64_E8, 17, 0, 1);
    a64_vorr(b, true, 18, 5, 6);
    a64_vbic(b, true, 18, 18, 7);
    a64_vadd(b, true, A64_E8, 18, 18, 17);
    a64_vdup_gpr(b, true, A64_E16, 19, X9);
    a64_vins_gpr(b, A64_E32, 19, 1, X15);
    a64_vadd(b, true, A64_E16, 18, 18, 19);
    a64_vcmeq(b, true, A64_E32, 20, 0, 1);
    a64_vand(b, true, 18, 18, 20);
    a64_vmov(b, true, 21, 18);
    a64_ldst(b, A64_STR_Q, 21, X15, 64);
    a64_vumov(b, A64_E64, X0, 18, 0);
    a64_ldst(b, A64_LDR_X, X1, X15, 72);
    a64_fmov_to_gpr(b, true, X2, 2);
    a64_vumov(b, A64_E16, X3, 7, 3);
    a64_fmov_from_gpr(b, false, 22, X9);
    a64_fmov_to_gpr(b, true, X12, 22);             /* upper half zeroed */
    a64_add_rrr(b, true, X3, X3, X12);
    a64_vumov(b, A64_E8, X12, 17, 9);
    a64_addsub_shift(b, A64_ADD, true, X3, X3, X12, A64_LSL, 40);
    a64_ret(b, A64_LR);
    run_v80(data, sizeof(data), r);

    memcpy(&v0, &data[0], 16);
    memcpy(&v1, &data[2], 16);
    for (i = 0; i < 4; i++) {
        set_lane(&v2, 4, i, lane(&v0, 4, i) + lane(&v1, 4, i));
        set_lane(&v6, 4, i, lane(&v0, 4, i) >> 5);
    }
    for (i = 0; i < 8; i++) {
        set_lane(&v3, 2, i, lane(&v0, 2, i) - lane(&v1, 2, i));
        set_lane(&v7, 2, i, (uint64_t)(slane(&v1, 2, i) >> 2));
    }
    for (i = 0; i < 16; i++) {
        v4.b[i] = v2.b[i] ^ v3.b[i];
        v17.b[i] = (int8_t)v0.b[i] > (int8_t)v1.b[i] ? 0xff : 0;
    }
    for (i = 0; i < 2; i++) {
        set_lane(&v5, 8, i, lane(&v4, 8, i) << 3);
    }
    for (i = 0; i < 16; i++) {
        v18.b[i] = ((v5.b[i] | v6.b[i]) & ~v7.b[i]) + v17.b[i];
    }
    for (i = 0; i < 8; i++) {
        /* v19: k's low half in every H lane, then S lane 1 = data address */
        uint64_t d = (i == 2 || i == 3)
            ? (A64_ELF_DATA_ADDR >> (16 * (i - 2))) & 0xffff : k & 0xffff;
        set_lane(&v18, 2, i, (lane(&v18, 2, i) + d) & emask(2));
    }
    for (i = 0; i < 4; i++) {
        if (lane(&v0, 4, i) != lane(&v1, 4, i)) {
            set_lane(&v18, 4, i, 0);
        }
    }
    expect4(r, lane(&v18, 8, 0), lane(&v18, 8, 1), lane(&v2, 8, 0),
            lane(&v7, 2, 3) + (uint32_t)k + ((uint64_t)v17.b[9] << 40));
}
END_TEST

static Suite *a64_run_suite(void)
{
    Suite *s = suite_create("a64-run");
    TCase *tc = tcase_create("run");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_arith);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_loops);
    tcase_add_test(tc, test_lse);
    tcase_add_test(tc, test_exclusive);
    tcase_add_test(tc, test_neon);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (!can_run()) {
        printf("SKIP: no qemu-aarch64-static and not an arm64 host\n");
        return 77;
    }
    sr = srunner_create(a64_run_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
