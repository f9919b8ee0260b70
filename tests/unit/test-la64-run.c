/*
 * test-la64-run.c — loongarch64 code emitted by la64-enc, run as standalone
 * executables (la64-elf) under qemu-loongarch64-static, with every result
 * recomputed independently in C here: constants, mul/div edge cases, bit
 * operations, loads/stores, branches and loops, LL/SC and AM* atomics.
 */
#include "backend-loongarch/la64-elf.h"

#include <check.h>
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend-loongarch/la64-enc.h"

#define MAXW 65536
#define OUT 0x4000     /* output area offset inside the data block */
#define DATA_SIZE 0x40000

/* Registers the test programs use (the harness contract is in la64-elf.h). */
enum { DATA = LA64_S0, WRITE = LA64_S1, RET = LA64_S2, OUTP = LA64_S3 };

/* A program under construction: code, its data block, the expected stdout. */
typedef struct Prog {
    uint32_t code[MAXW];
    La64Buf b;
    uint8_t data[DATA_SIZE];
    GByteArray *expect;
} Prog;

/* Start a program: keep data/rt_write/ra in s-registers, OUTP at OUT. */
static Prog *prog_new(void)
{
    Prog *p = g_new0(Prog, 1);
    la64_buf_init(&p->b, p->code, MAXW);
    p->expect = g_byte_array_new();
    la64_mov(&p->b, DATA, LA64_A0);
    la64_mov(&p->b, WRITE, LA64_A1);
    la64_mov(&p->b, RET, LA64_RA);
    la64_movi64(&p->b, LA64_T0, OUT);
    la64_add_d(&p->b, OUTP, DATA, LA64_T0);
    return p;
}

/* Emit "store 64-bit @reg to *OUTP++" and record the value C expects. */
static void out_reg(Prog *p, int reg, uint64_t expect)
{
    la64_st_d(&p->b, reg, OUTP, 0);
    la64_addi_d(&p->b, OUTP, OUTP, 8);
    g_byte_array_append(p->expect, (const guint8 *)&expect, 8);
}

/* Finish: write the output area [OUT, OUTP) to stdout, return @status. */
static void prog_end(Prog *p, int status)
{
    la64_movi64(&p->b, LA64_T0, OUT);
    la64_add_d(&p->b, LA64_A0, DATA, LA64_T0);
    la64_sub_d(&p->b, LA64_A1, OUTP, LA64_A0);
    la64_jirl(&p->b, LA64_RA, WRITE, 0);
    la64_ori(&p->b, LA64_A0, LA64_ZERO, (int64_t)status);
    la64_jirl(&p->b, LA64_ZERO, RET, 0);
}

/* Run @p and compare stdout with the expectation, naming the first
 * differing 8-byte slot; then free @p. */
static void prog_check(Prog *p, int status)
{
    La64RunResult r;

    prog_end(p, status);
    ck_assert_msg(p->b.err == LA64_OK, "emit: %s", la64_err_name(p->b.err));
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, p->code, p->b.len * 4, p->data,
                                  sizeof(p->data), 30, &r), 0);
    ck_assert_msg(r.signal == 0, "killed by signal %d", r.signal);
    ck_assert_int_eq(r.exit_code, status);
    for (size_t i = 0; i < MIN(r.out_len, p->expect->len); i += 8) {
        uint64_t got = 0, want = 0;
        memcpy(&got, r.out + i, MIN(8, r.out_len - i));
        memcpy(&want, p->expect->data + i, 8);
        ck_assert_msg(got == want, "slot %zu: got %016" PRIx64 ", want %016" PRIx64,
                      i / 8, got, want);
    }
    ck_assert_uint_eq(r.out_len, p->expect->len);
    la64_run_result_clear(&r);
    g_byte_array_unref(p->expect);
    g_free(p);
}

static uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* ---------------------------------------------------------------------- */
/* The harness itself                                                      */

START_TEST(test_harness)
{
    static const uint8_t hello[] = "hello, loongarch\n";
    uint32_t code[64];
    La64Buf b;
    La64RunResult r;

    /* write the data block's first bytes through rt_write, return 42 */
    la64_buf_init(&b, code, 64);
    la64_mov(&b, LA64_S0, LA64_RA);
    la64_mov(&b, LA64_T2, LA64_A1);
    la64_ori(&b, LA64_A1, LA64_ZERO, sizeof(hello) - 1);
    la64_jirl(&b, LA64_RA, LA64_T2, 0);
    la64_ori(&b, LA64_A0, LA64_ZERO, 42);
    la64_jirl(&b, LA64_ZERO, LA64_S0, 0);
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, code, b.len * 4, hello,
                                  sizeof(hello) - 1, 30, &r), 0);
    ck_assert_int_eq(r.exit_code, 42);
    ck_assert_uint_eq(r.out_len, sizeof(hello) - 1);
    ck_assert(memcmp(r.out, hello, r.out_len) == 0);
    la64_run_result_clear(&r);

    /* rt_exit(7) from inside, no data at all */
    la64_buf_init(&b, code, 64);
    la64_ori(&b, LA64_A0, LA64_ZERO, 7);
    la64_jirl(&b, LA64_RA, LA64_A2, 0);
    la64_break(&b, 0);
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, code, b.len * 4, NULL, 0, 30, &r), 0);
    ck_assert_int_eq(r.exit_code, 7);
    ck_assert_uint_eq(r.out_len, 0);
    la64_run_result_clear(&r);

    /* a trap is reported as a signal, a hang as SIGALRM after the timeout */
    la64_buf_init(&b, code, 64);
    la64_break(&b, 0);
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, code, 4, NULL, 0, 30, &r), 0);
    ck_assert_int_eq(r.exit_code, -1);
    ck_assert_int_eq(r.signal, SIGTRAP);
    la64_run_result_clear(&r);
    la64_buf_init(&b, code, 64);
    la64_b(&b, 0);
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, code, 4, NULL, 0, 1, &r), 0);
    ck_assert_int_eq(r.signal, SIGALRM);
    la64_run_result_clear(&r);
    ck_assert_int_eq(la64_elf_run(QEMU_LOONGARCH64, code, 3, NULL, 0, 1, &r), -EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Constants                                                               */

/* Random constants whose 12/20/20/12-bit fields are each zero, all ones or
 * random, so every movi64 path (and every skip) is taken. */
static uint64_t field_const(GRand *g)
{
    static const int width[4] = { 12, 20, 20, 12 };
    uint64_t v = 0;
    int shift = 0;

    for (int f = 0; f < 4; f++) {
        uint64_t mask = ((uint64_t)1 << width[f]) - 1, x;
        switch (g_rand_int_range(g, 0, 4)) {
        case 0: x = 0; break;
        case 1: x = mask; break;
        case 2: x = (uint64_t)1 << g_rand_int_range(g, 0, width[f]); break;
        default: x = ((uint64_t)g_rand_int(g) << 32 | g_rand_int(g)) & mask;
        }
        v |= x << shift;
        shift += width[f];
    }
    return v;
}

START_TEST(test_movi64)
{
    GRand *g = g_rand_new_with_seed(0x1a64);
    Prog *p = prog_new();
    int lens[5] = { 0 };

    for (int i = 0; i < 1500; i++) {
        uint64_t v = i < 1000 ? field_const(g)
                              : ((uint64_t)g_rand_int(g) << 32 | g_rand_int(g));
        if (i % 10 == 9) {
            v = (v << 32) | (uint32_t)v;                 /* equal halves */
        }
        int reg = LA64_A0 + i % 8;
        lens[la64_movi64_len(v)]++;
        ck_assert_int_eq(la64_movi64(&p->b, reg, v), LA64_OK);
        out_reg(p, reg, v);
    }
    for (int n = 1; n <= 4; n++) {
        ck_assert_msg(lens[n] > 0, "no constant needed %d instructions", n);
    }
    g_rand_free(g);
    prog_check(p, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Multiply and divide over a table of operand pairs, in a loop           */

static const uint64_t edge[] = {
    0, 1, 2, 3, 7, (uint64_t)-1, (uint64_t)-2, (uint64_t)-7, 0x7fffffff, 0x80000000,
    0xffffffff, 0xffffffff80000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x100000000ull, 1000000007,
    0x00000000fffffffeull, 0xdeadbeefcafef00dull,
};

/* The 16 mul/div results for (x, y), as the LoongArch manual defines them;
 * .w forms take sign-extended 32-bit inputs and sign-extend their result. */
static void muldiv_ref(uint64_t x, uint64_t y, uint64_t r[16])
{
    int32_t xs = (int32_t)x, ys = (int32_t)y;
    uint32_t xu = (uint32_t)x, yu = (uint32_t)y;

    r[0] = sx32((uint32_t)(xu * yu));
    r[1] = sx32((uint64_t)(((int64_t)xs * ys) >> 32));
    r[2] = sx32(((uint64_t)xu * yu) >> 32);
    r[3] = x * y;
    r[4] = (uint64_t)(((__int128)(int64_t)x * (int64_t)y) >> 64);
    r[5] = (uint64_t)(((unsigned __int128)x * y) >> 64);
    r[6] = (uint64_t)((int64_t)xs * ys);
    r[7] = (uint64_t)xu * yu;
    r[8] = sx32((uint32_t)(xs / ys));
    r[9] = sx32((uint32_t)(xs % ys));
    r[10] = sx32(xu / yu);
    r[11] = sx32(xu % yu);
    r[12] = (uint64_t)((int64_t)x / (int64_t)y);
    r[13] = (uint64_t)((int64_t)x % (int64_t)y);
    r[14] = x / y;
    r[15] = x % y;
}

/* Division results are unspecified for a zero divisor or an overflowing
 * quotient; the translator guards those (x86 #DE) before dividing. */
static int divisible(uint64_t x, uint64_t y)
{
    return (int32_t)y != 0 && y != 0 && !((int32_t)x == INT32_MIN && (int32_t)y == -1) &&
           !(x == 0x8000000000000000ull && y == (uint64_t)-1);
}

START_TEST(test_muldiv)
{
    typedef int (*Enc3)(La64Buf *, int, int, int);
    static const Enc3 ops[16] = {
        la64_mul_w, la64_mulh_w, la64_mulh_wu, la64_mul_d, la64_mulh_d, la64_mulh_du,
        la64_mulw_d_w, la64_mulw_d_wu, la64_div_w, la64_mod_w, la64_div_wu, la64_mod_wu,
        la64_div_d, la64_mod_d, la64_div_du, la64_mod_du,
    };
    Prog *p = prog_new();
    uint64_t *pairs = (uint64_t *)p->data;
    size_t n = 0;
    uint32_t *loop;

    for (size_t i = 0; i < G_N_ELEMENTS(edge); i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(edge); j++) {
            uint64_t r[16];
            if (!divisible(edge[i], edge[j])) {
                continue;
            }
            pairs[2 * n] = edge[i];
            pairs[2 * n + 1] = edge[j];
            muldiv_ref(edge[i], edge[j], r);
            g_byte_array_append(p->expect, (const guint8 *)r, sizeof(r));
            n++;
        }
    }
    ck_assert_uint_lt(n * 16, OUT);
    /* t2 walks the pairs, t4 counts down; a3/a4 64-bit, a5/a6 32-bit views */
    la64_mov(&p->b, LA64_T2, DATA);
    la64_movi64(&p->b, LA64_T4, n);
    loop = la64_buf_cur(&p->b);
    la64_ld_d(&p->b, LA64_A3, LA64_T2, 0);
    la64_ld_d(&p->b, LA64_A4, LA64_T2, 8);
    la64_ld_w(&p->b, LA64_A5, LA64_T2, 0);
    la64_ld_w(&p->b, LA64_A6, LA64_T2, 8);
    for (int k = 0; k < 16; k++) {
        int wide = k >= 3 && k != 6 && k != 7 && (k < 8 || k >= 12);
        ops[k](&p->b, LA64_A7, wide ? LA64_A3 : LA64_A5, wide ? LA64_A4 : LA64_A6);
        la64_st_d(&p->b, LA64_A7, OUTP, k * 8);
    }
    la64_addi_d(&p->b, OUTP, OUTP, 128);
    la64_addi_d(&p->b, LA64_T2, LA64_T2, 16);
    la64_addi_d(&p->b, LA64_T4, LA64_T4, -1);
    la64_bnez(&p->b, LA64_T4, (loop - la64_buf_cur(&p->b)) * 4);
    prog_check(p, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bit operations: every unary and binary op over the edge values         */

static uint64_t bitrev_n(uint64_t v, int n)
{
    uint64_t r = 0;
    for (int i = 0; i < n; i++) {
        r |= ((v >> i) & 1) << (n - 1 - i);
    }
    return r;
}

/* Apply @f to each @w-bit lane of the low @n bits of @v. */
static uint64_t lanes(uint64_t v, int n, int w, uint64_t (*f)(uint64_t, int))
{
    uint64_t r = 0, m = w == 64 ? ~0ull : ((uint64_t)1 << w) - 1;
    for (int i = 0; i < n; i += w) {
        r |= (f((v >> i) & m, w) & m) << i;
    }
    return r;
}

static uint64_t bswap_n(uint64_t v, int n)
{
    return n == 64 ? __builtin_bswap64(v) : n == 32 ? __builtin_bswap32((uint32_t)v)
                                                    : __builtin_bswap16((uint16_t)v);
}

static uint64_t unary_ref(int k, uint64_t x)
{
    uint32_t w = (uint32_t)x;
    switch (k) {
    case 0: return w ? (uint64_t)__builtin_clz(w) : 32;
    case 1: return w ? (uint64_t)__builtin_ctz(w) : 32;
    case 2: return x ? (uint64_t)__builtin_clzll(x) : 64;
    case 3: return x ? (uint64_t)__builtin_ctzll(x) : 64;
    case 4: return sx32(lanes(x, 32, 16, bswap_n));
    case 5: return lanes(x, 64, 16, bswap_n);
    case 6: return lanes(x, 64, 32, bswap_n);
    case 7: return __builtin_bswap64(x);
    case 8: return sx32(lanes(x, 32, 8, bitrev_n));
    case 9: return lanes(x, 64, 8, bitrev_n);
    case 10: return sx32(bitrev_n(x, 32));
    case 11: return bitrev_n(x, 64);
    case 12: return (uint64_t)(int64_t)(int16_t)x;
    case 13: return (uint64_t)(int64_t)(int8_t)x;
    case 14: return unary_ref(0, ~x);   /* clo.w = clz.w of the complement */
    case 15: return unary_ref(1, ~x);
    case 16: return unary_ref(2, ~x);
    case 17: return unary_ref(3, ~x);
    }
    return 0;
}

static uint64_t rotr64(uint64_t x, unsigned s) { s &= 63; return s ? x >> s | x << (64 - s) : x; }
static uint64_t rotr32(uint32_t x, unsigned s) { s &= 31; return sx32(s ? x >> s | x << (32 - s) : x); }

static uint64_t binary_ref(int k, uint64_t x, uint64_t y)
{
    uint32_t w = (uint32_t)x;
    switch (k) {
    case 0: return sx32(w + (uint32_t)y);
    case 1: return x + y;
    case 2: return sx32(w - (uint32_t)y);
    case 3: return x - y;
    case 4: return (int64_t)x < (int64_t)y;
    case 5: return x < y;
    case 6: return y ? x : 0;      /* maskeqz: rj if rk != 0 */
    case 7: return y ? 0 : x;      /* masknez */
    case 8: return ~(x | y);
    case 9: return x & y;
    case 10: return x | y;
    case 11: return x ^ y;
    case 12: return x | ~y;
    case 13: return x & ~y;
    case 14: return sx32(w << (y & 31));
    case 15: return sx32(w >> (y & 31));
    case 16: return sx32((uint32_t)((int32_t)w >> (y & 31)));
    case 17: return x << (y & 63);
    case 18: return x >> (y & 63);
    case 19: return (uint64_t)((int64_t)x >> (y & 63));
    case 20: return rotr32(w, (unsigned)y);
    case 21: return rotr64(x, (unsigned)y);
    }
    return 0;
}

START_TEST(test_bitops)
{
    typedef int (*Enc2)(La64Buf *, int, int);
    typedef int (*Enc3)(La64Buf *, int, int, int);
    static const Enc2 un[] = {
        la64_clz_w, la64_ctz_w, la64_clz_d, la64_ctz_d, la64_revb_2h, la64_revb_4h,
        la64_revb_2w, la64_revb_d, la64_bitrev_4b, la64_bitrev_8b, la64_bitrev_w,
        la64_bitrev_d, la64_ext_w_h, la64_ext_w_b, la64_clo_w, la64_cto_w, la64_clo_d,
        la64_cto_d,
    };
    static const Enc3 bin[] = {
        la64_add_w, la64_add_d, la64_sub_w, la64_sub_d, la64_slt, la64_sltu,
        la64_maskeqz, la64_masknez, la64_nor, la64_and, la64_or, la64_xor, la64_orn,
        la64_andn, la64_sll_w, la64_srl_w, la64_sra_w, la64_sll_d, la64_srl_d,
        la64_sra_d, la64_rotr_w, la64_rotr_d,
    };
    static const uint64_t shifts[] = { 0, 1, 5, 31, 32, 33, 63, 64, 0x1234567f };
    Prog *p = prog_new();
    uint64_t *in = (uint64_t *)p->data;
    size_t ne = G_N_ELEMENTS(edge), ns = G_N_ELEMENTS(shifts);

    memcpy(in, edge, sizeof(edge));
    memcpy(in + ne, shifts, sizeof(shifts));
    for (size_t i = 0; i < ne; i++) {
        la64_ld_d(&p->b, LA64_A3, DATA, (int64_t)i * 8);
        for (size_t k = 0; k < G_N_ELEMENTS(un); k++) {
            un[k](&p->b, LA64_A7, LA64_A3);
            out_reg(p, LA64_A7, unary_ref((int)k, edge[i]));
        }
        /* second operands: the other edge values, then shift counts */
        for (size_t j = 0; j < ne + ns; j++) {
            uint64_t y = j < ne ? edge[j] : shifts[j - ne];
            la64_ld_d(&p->b, LA64_A4, DATA, (int64_t)j * 8);
            for (size_t k = 0; k < G_N_ELEMENTS(bin); k++) {
                bin[k](&p->b, LA64_A7, LA64_A3, LA64_A4);
                out_reg(p, LA64_A7, binary_ref((int)k, edge[i], y));
            }
        }
        /* immediate forms, checked against the same references */
        for (unsigned s = 0; s < 64; s += 7) {
            la64_slli_d(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, binary_ref(17, edge[i], s));
            la64_srai_d(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, binary_ref(19, edge[i], s));
            la64_rotri_d(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, binary_ref(21, edge[i], s));
            la64_srli_w(&p->b, LA64_A7, LA64_A3, s & 31);
            out_reg(p, LA64_A7, binary_ref(15, edge[i], s & 31));
            la64_rotri_w(&p->b, LA64_A7, LA64_A3, s & 31);
            out_reg(p, LA64_A7, binary_ref(20, edge[i], s & 31));
        }
    }
    ck_assert_uint_lt(p->expect->len, DATA_SIZE - OUT);
    prog_check(p, 0);
}
END_TEST

/* Immediate ALU forms, bit fields, set-less-than, lu32i/lu52i/addu16i. */
START_TEST(test_imm_bitfield)
{
    static const int64_t imms[] = { -2048, -1, 0, 1, 7, 2047 };
    Prog *p = prog_new();
    uint64_t *in = (uint64_t *)p->data;

    memcpy(in, edge, sizeof(edge));
    for (size_t i = 0; i < G_N_ELEMENTS(edge); i++) {
        uint64_t x = edge[i];
        la64_ld_d(&p->b, LA64_A3, DATA, (int64_t)i * 8);
        for (size_t k = 0; k < G_N_ELEMENTS(imms); k++) {
            int64_t s = imms[k];
            uint64_t u = (uint64_t)s & 0xfff;
            la64_addi_w(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, sx32(x + (uint64_t)s));
            la64_addi_d(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, x + (uint64_t)s);
            la64_slti(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, (int64_t)x < s);
            la64_sltui(&p->b, LA64_A7, LA64_A3, s);   /* sign-extended, unsigned compare */
            out_reg(p, LA64_A7, x < (uint64_t)s);
            la64_andi(&p->b, LA64_A7, LA64_A3, (int64_t)u);
            out_reg(p, LA64_A7, x & u);
            la64_ori(&p->b, LA64_A7, LA64_A3, (int64_t)u);
            out_reg(p, LA64_A7, x | u);
            la64_xori(&p->b, LA64_A7, LA64_A3, (int64_t)u);
            out_reg(p, LA64_A7, x ^ u);
            la64_lu52i_d(&p->b, LA64_A7, LA64_A3, s);
            out_reg(p, LA64_A7, (x & 0x000fffffffffffffull) | (uint64_t)s << 52);
            la64_addu16i_d(&p->b, LA64_A7, LA64_A3, s * 16);
            out_reg(p, LA64_A7, x + ((uint64_t)(s * 16) << 16));
            la64_mov(&p->b, LA64_A7, LA64_A3);
            la64_lu32i_d(&p->b, LA64_A7, s * 256);
            out_reg(p, LA64_A7, (uint32_t)x | (uint64_t)(s * 256) << 32);
        }
        for (unsigned lsb = 0; lsb < 64; lsb += 9) {
            for (unsigned msb = lsb; msb < 64; msb += 13) {
                uint64_t m = (msb == 63 ? ~0ull : ((uint64_t)1 << (msb + 1)) - 1) >> lsb << lsb;
                uint64_t dst = 0x5555aaaa3333ccccull;
                la64_movi64(&p->b, LA64_A7, dst);
                la64_bstrins_d(&p->b, LA64_A7, LA64_A3, msb, lsb);
                out_reg(p, LA64_A7, (dst & ~m) | ((x << lsb) & m));
                la64_bstrpick_d(&p->b, LA64_A7, LA64_A3, msb, lsb);
                out_reg(p, LA64_A7, (x & m) >> lsb);
                if (msb < 32) {
                    uint32_t m32 = (uint32_t)m;
                    la64_movi64(&p->b, LA64_A7, dst);
                    la64_bstrins_w(&p->b, LA64_A7, LA64_A3, msb, lsb);
                    out_reg(p, LA64_A7, sx32(((uint32_t)dst & ~m32) | (((uint32_t)x << lsb) & m32)));
                    la64_bstrpick_w(&p->b, LA64_A7, LA64_A3, msb, lsb);
                    out_reg(p, LA64_A7, sx32(((uint32_t)x & m32) >> lsb));
                }
            }
        }
    }
    prog_check(p, 0);
}
END_TEST

/* ALSL (scaled add), BYTEPICK (funnel by bytes), CPUCFG and RDTIME. */
START_TEST(test_alsl_bytepick_misc)
{
    Prog *p = prog_new();
    size_t ne = G_N_ELEMENTS(edge);

    memcpy(p->data, edge, sizeof(edge));
    for (size_t i = 0; i < ne; i++) {
        for (size_t j = 0; j < ne; j += 3) {
            uint64_t x = edge[i], y = edge[j];
            la64_ld_d(&p->b, LA64_A3, DATA, (int64_t)i * 8);
            la64_ld_d(&p->b, LA64_A4, DATA, (int64_t)j * 8);
            for (unsigned sa = 1; sa <= 4; sa++) {
                la64_alsl_w(&p->b, LA64_A7, LA64_A3, LA64_A4, sa);
                out_reg(p, LA64_A7, sx32((x << sa) + y));
                la64_alsl_wu(&p->b, LA64_A7, LA64_A3, LA64_A4, sa);
                out_reg(p, LA64_A7, (uint32_t)((x << sa) + y));
                la64_alsl_d(&p->b, LA64_A7, LA64_A3, LA64_A4, sa);
                out_reg(p, LA64_A7, (x << sa) + y);
            }
            /* rd = rk's low bytes above rj's high bytes */
            for (unsigned sa = 0; sa < 8; sa++) {
                uint64_t d = sa ? y << (8 * sa) | x >> (64 - 8 * sa) : y;
                la64_bytepick_d(&p->b, LA64_A7, LA64_A3, LA64_A4, sa);
                out_reg(p, LA64_A7, d);
                if (sa < 4) {
                    uint32_t xw = (uint32_t)x, yw = (uint32_t)y;
                    uint32_t w = sa ? yw << (8 * sa) | xw >> (32 - 8 * sa) : yw;
                    la64_bytepick_w(&p->b, LA64_A7, LA64_A3, LA64_A4, sa);
                    out_reg(p, LA64_A7, sx32(w));
                }
            }
        }
    }
    /* CPUCFG word 1 bits 1..0 = ARCH: 2 means LA64 */
    la64_ori(&p->b, LA64_A3, LA64_ZERO, 1);
    la64_cpucfg(&p->b, LA64_A7, LA64_A3);
    la64_andi(&p->b, LA64_A7, LA64_A7, 3);
    out_reg(p, LA64_A7, 2);
    /* the stable counter moves forward across a busy loop */
    la64_rdtime_d(&p->b, LA64_A3, LA64_ZERO);
    la64_movi64(&p->b, LA64_A5, 100000);
    la64_addi_d(&p->b, LA64_A5, LA64_A5, -1);
    la64_bnez(&p->b, LA64_A5, -4);
    la64_rdtime_d(&p->b, LA64_A4, LA64_ZERO);
    la64_sltu(&p->b, LA64_A7, LA64_A3, LA64_A4);
    out_reg(p, LA64_A7, 1);
    prog_check(p, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Memory                                                                  */

START_TEST(test_loads_stores)
{
    typedef int (*EncI)(La64Buf *, int, int, int64_t);
    typedef int (*Enc3)(La64Buf *, int, int, int);
    static const EncI ld[] = { la64_ld_b, la64_ld_h, la64_ld_w, la64_ld_d,
                               la64_ld_bu, la64_ld_hu, la64_ld_wu };
    static const Enc3 ldx[] = { la64_ldx_b, la64_ldx_h, la64_ldx_w, la64_ldx_d,
                                la64_ldx_bu, la64_ldx_hu, la64_ldx_wu };
    static const int size[] = { 1, 2, 4, 8, 1, 2, 4 };
    static const int64_t offs[] = { -2048, -1000, -8, 0, 8, 1000, 2040 };
    static const EncI st[] = { la64_st_b, la64_st_h, la64_st_w, la64_st_d };
    static const Enc3 stx[] = { la64_stx_b, la64_stx_h, la64_stx_w, la64_stx_d };
    Prog *p = prog_new();
    uint8_t mem[DATA_SIZE];
    const int base = 0x2000;

    for (size_t i = 0; i < OUT; i++) {
        p->data[i] = (uint8_t)(i * 151 + (i >> 8) * 7 + 0x80);
    }
    memcpy(mem, p->data, sizeof(mem));
    la64_movi64(&p->b, LA64_T2, base);
    la64_add_d(&p->b, LA64_T2, LA64_T2, DATA);          /* t2 = DATA + base */
    for (size_t k = 0; k < G_N_ELEMENTS(ld); k++) {
        for (size_t i = 0; i < G_N_ELEMENTS(offs); i++) {
            int64_t o = offs[i] + (int64_t)k;            /* also unaligned ones */
            uint64_t v = 0;
            memcpy(&v, mem + base + o, (size_t)size[k]);
            if (k < 4 && size[k] < 8) {                  /* sign-extending loads */
                int sh = 64 - 8 * size[k];
                v = (uint64_t)((int64_t)(v << sh) >> sh);
            }
            ld[k](&p->b, LA64_A7, LA64_T2, o);
            out_reg(p, LA64_A7, v);
            la64_movi64(&p->b, LA64_A5, (uint64_t)o);
            ldx[k](&p->b, LA64_A7, LA64_T2, LA64_A5);
            out_reg(p, LA64_A7, v);
        }
    }
    /* ldptr: offsets beyond 12 bits, inside the input area */
    static const int64_t far[] = { -8192, -4096, -4, 0, 2052, 4096, 8184 };
    for (size_t i = 0; i < G_N_ELEMENTS(far); i++) {
        uint64_t v = 0;
        memcpy(&v, mem + base + far[i], 8);
        la64_ldptr_d(&p->b, LA64_A7, LA64_T2, far[i]);
        out_reg(p, LA64_A7, v);
        la64_ldptr_w(&p->b, LA64_A7, LA64_T2, far[i]);
        out_reg(p, LA64_A7, sx32(v));
    }
    /* stores of a known value, then read back the whole region */
    la64_movi64(&p->b, LA64_A6, 0x0123456789abcdefull);
    for (size_t k = 0; k < 4; k++) {
        uint64_t v = 0x0123456789abcdefull;
        int64_t o1 = -100 - 16 * (int64_t)k, o2 = 300 + 16 * (int64_t)k;
        st[k](&p->b, LA64_A6, LA64_T2, o1);
        memcpy(mem + base + o1, &v, (size_t)size[k]);
        la64_movi64(&p->b, LA64_A5, (uint64_t)o2);
        stx[k](&p->b, LA64_A6, LA64_T2, LA64_A5);
        memcpy(mem + base + o2, &v, (size_t)size[k]);
    }
    la64_stptr_w(&p->b, LA64_A6, LA64_T2, 4096);
    memcpy(mem + base + 4096, &(uint32_t){ 0x89abcdef }, 4);
    la64_stptr_d(&p->b, LA64_A6, LA64_T2, -4096);
    memcpy(mem + base - 4096, &(uint64_t){ 0x0123456789abcdefull }, 8);
    for (int64_t o = -4096; o < 4104; o += 8) {
        uint64_t v;
        memcpy(&v, mem + base + o, 8);
        la64_ldptr_d(&p->b, LA64_A7, LA64_T2, o);
        out_reg(p, LA64_A7, v);
    }
    prog_check(p, 0);
}
END_TEST

/* la64_mem and la64_addi_any over offsets that take every sequence. */
START_TEST(test_far_operands)
{
    static const int64_t offs[] = { -70000, -32768, -5000, -2048, -3, 0, 100, 2047,
                                    2048, 2052, 4100, 30000, 32764, 32768, 40001, 90000 };
    static const int size[LA64_MEM_COUNT] = { 1, 2, 4, 8, 1, 2, 4, 1, 2, 4, 8 };
    Prog *p = prog_new();
    uint8_t *mem;          /* the C model of memory; p->data is the initial state */
    const int64_t base = 0x20000;

    for (int64_t i = OUT + 0x4000; i < DATA_SIZE; i++) {
        p->data[i] = (uint8_t)(i * 37 + (i >> 9));
    }
    mem = g_malloc(DATA_SIZE);
    memcpy(mem, p->data, DATA_SIZE);
    la64_movi64(&p->b, LA64_T2, base);
    la64_add_d(&p->b, LA64_T2, LA64_T2, DATA);
    la64_movi64(&p->b, LA64_A6, 0x8877665544332211ull);
    for (size_t i = 0; i < G_N_ELEMENTS(offs); i++) {
        int64_t o = offs[i];
        for (int op = LA64_LD_B; op <= LA64_LD_WU; op++) {
            uint64_t v = 0;
            int sh = 64 - 8 * size[op];
            memcpy(&v, mem + base + o, (size_t)size[op]);
            if (op <= LA64_LD_D && sh) {
                v = (uint64_t)((int64_t)(v << sh) >> sh);
            }
            ck_assert_int_eq(la64_mem(&p->b, op, LA64_A7, LA64_T2, o, LA64_T0), LA64_OK);
            out_reg(p, LA64_A7, v);
        }
        /* stores to base + o + 8 (a different spot), then read back */
        for (int op = LA64_ST_B; op <= LA64_ST_D; op++) {
            uint64_t v = 0x8877665544332211ull, back = 0;
            ck_assert_int_eq(la64_mem(&p->b, op, LA64_A6, LA64_T2, o + 8, LA64_T0), LA64_OK);
            memcpy(mem + base + o + 8, &v, (size_t)size[op]);
            memcpy(&back, mem + base + o + 8, 8);
            la64_mem(&p->b, LA64_LD_D, LA64_A7, LA64_T2, o + 8, LA64_A7);
            out_reg(p, LA64_A7, back);
        }
        la64_addi_any(&p->b, LA64_A7, LA64_T2, o * 1001, LA64_T0);
        la64_sub_d(&p->b, LA64_A7, LA64_A7, LA64_T2);
        out_reg(p, LA64_A7, (uint64_t)(o * 1001));
    }
    la64_addi_any(&p->b, LA64_A7, LA64_T2, 0x7654000000000000ll, LA64_A7);
    la64_sub_d(&p->b, LA64_A7, LA64_A7, LA64_T2);
    out_reg(p, LA64_A7, 0x7654000000000000ull);
    ck_assert_uint_lt(OUT + p->expect->len, OUT + 0x4000);
    g_free(mem);
    prog_check(p, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Branches and loops                                                      */

START_TEST(test_branches_loops)
{
    typedef int (*EncB)(La64Buf *, int, int, int64_t);
    static const EncB br[] = { la64_beq, la64_bne, la64_blt, la64_bge, la64_bltu, la64_bgeu };
    Prog *p = prog_new();

    /* each condition over edge pairs: a7 = taken ? 1 : 0 via a forward branch */
    memcpy(p->data, edge, sizeof(edge));
    for (size_t i = 0; i < G_N_ELEMENTS(edge); i += 3) {
        for (size_t j = 0; j < G_N_ELEMENTS(edge); j++) {
            uint64_t x = edge[i], y = edge[j];
            int64_t sx = (int64_t)x, sy = (int64_t)y;
            const int want[6] = { x == y, x != y, sx < sy, sx >= sy, x < y, x >= y };
            la64_ld_d(&p->b, LA64_A3, DATA, (int64_t)i * 8);
            la64_ld_d(&p->b, LA64_A4, DATA, (int64_t)j * 8);
            for (int k = 0; k < 6; k++) {
                la64_ori(&p->b, LA64_A7, LA64_ZERO, 1);
                br[k](&p->b, LA64_A3, LA64_A4, 8);       /* skip the clear */
                la64_mov(&p->b, LA64_A7, LA64_ZERO);
                out_reg(p, LA64_A7, (uint64_t)want[k]);
            }
            la64_ori(&p->b, LA64_A7, LA64_ZERO, 1);
            la64_beqz(&p->b, LA64_A3, 8);
            la64_mov(&p->b, LA64_A7, LA64_ZERO);
            out_reg(p, LA64_A7, x == 0);
            la64_ori(&p->b, LA64_A7, LA64_ZERO, 1);
            la64_bnez(&p->b, LA64_A4, 8);
            la64_mov(&p->b, LA64_A7, LA64_ZERO);
            out_reg(p, LA64_A7, y != 0);
        }
    }
    /* sum of i*i for i < 1000 (blt back edge), and a countdown (bne) */
    la64_mov(&p->b, LA64_A3, LA64_ZERO);
    la64_mov(&p->b, LA64_A4, LA64_ZERO);
    la64_ori(&p->b, LA64_A5, LA64_ZERO, 1000);
    uint32_t *top = la64_buf_cur(&p->b);
    la64_mul_d(&p->b, LA64_A6, LA64_A3, LA64_A3);
    la64_add_d(&p->b, LA64_A4, LA64_A4, LA64_A6);
    la64_addi_d(&p->b, LA64_A3, LA64_A3, 1);
    la64_blt(&p->b, LA64_A3, LA64_A5, (top - la64_buf_cur(&p->b)) * 4);
    out_reg(p, LA64_A4, 332833500);
    /* a call through jirl to a local subroutine placed after a B over it */
    la64_pcaddi(&p->b, LA64_T3, 3);                     /* t3 = &sub */
    la64_jirl(&p->b, LA64_RA, LA64_T3, 0);
    la64_b(&p->b, 12);                                  /* over sub */
    la64_addi_d(&p->b, LA64_A4, LA64_ZERO, -77);        /* sub: */
    la64_jirl(&p->b, LA64_ZERO, LA64_RA, 0);
    out_reg(p, LA64_A4, (uint64_t)-77);
    /* pcaddu12i: pc-relative address of this very instruction */
    la64_pcaddu12i(&p->b, LA64_A3, 1);
    la64_pcaddi(&p->b, LA64_A4, -1);                    /* = address of pcaddu12i */
    la64_sub_d(&p->b, LA64_A3, LA64_A3, LA64_A4);
    out_reg(p, LA64_A3, 4096);
    /* la64_pcrel, both forms, measured against a PCADDI of known position */
    static const int64_t rel[] = { 8, 6, -2097152, 2097152, 0x7ffff7ff, -0x80000000ll };
    for (size_t i = 0; i < G_N_ELEMENTS(rel); i++) {
        uint32_t *at = la64_buf_cur(&p->b);
        la64_pcrel(&p->b, LA64_A3, rel[i]);
        la64_pcaddi(&p->b, LA64_A4, at - la64_buf_cur(&p->b));
        la64_sub_d(&p->b, LA64_A3, LA64_A3, LA64_A4);
        out_reg(p, LA64_A3, (uint64_t)rel[i]);
    }
    /* ...and used: load a literal placed in the code */
    la64_pcrel(&p->b, LA64_A3, 8);
    la64_b(&p->b, 12);
    la64_emit(&p->b, 0x9abcdef0);
    la64_emit(&p->b, 0x12345678);
    la64_ld_d(&p->b, LA64_A4, LA64_A3, 0);
    out_reg(p, LA64_A4, 0x123456789abcdef0ull);
    /* la64_jump_far: a call to a local subroutine, and a jump over a trap */
    la64_mov(&p->b, LA64_A4, LA64_ZERO);
    la64_jump_far(&p->b, LA64_RA, 12, LA64_T0);
    la64_b(&p->b, 12);
    la64_addi_d(&p->b, LA64_A4, LA64_A4, 55);           /* the subroutine */
    la64_jirl(&p->b, LA64_ZERO, LA64_RA, 0);
    la64_jump_far(&p->b, LA64_ZERO, 12, LA64_T1);
    la64_break(&p->b, 0);
    out_reg(p, LA64_A4, 55);
    prog_check(p, 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

/* Old value and new memory value of AM op @k (swap add and or xor). */
static uint64_t am_ref(int k, uint64_t m, uint64_t v)
{
    switch (k) {
    case 0: return v;
    case 1: return m + v;
    case 2: return m & v;
    case 3: return m | v;
    default: return m ^ v;
    }
}

START_TEST(test_atomics)
{
    typedef int (*EncAm)(La64Buf *, int, int, int);
    static const EncAm am_w[] = { la64_amswap_w, la64_amadd_w, la64_amand_w, la64_amor_w,
                                  la64_amxor_w, la64_amswap_db_w, la64_amadd_db_w,
                                  la64_amand_db_w, la64_amor_db_w, la64_amxor_db_w };
    static const EncAm am_d[] = { la64_amswap_d, la64_amadd_d, la64_amand_d, la64_amor_d,
                                  la64_amxor_d, la64_amswap_db_d, la64_amadd_db_d,
                                  la64_amand_db_d, la64_amor_db_d, la64_amxor_db_d };
    Prog *p = prog_new();

    la64_addi_d(&p->b, LA64_T2, DATA, 256);             /* t2 = scratch word */
    for (size_t i = 0; i < G_N_ELEMENTS(edge); i += 2) {
        for (size_t j = 1; j < G_N_ELEMENTS(edge); j += 3) {
            uint64_t m = edge[i], v = edge[j];
            for (int k = 0; k < 10; k++) {
                la64_movi64(&p->b, LA64_A3, m);
                la64_movi64(&p->b, LA64_A4, v);
                la64_st_d(&p->b, LA64_A3, LA64_T2, 0);
                am_d[k](&p->b, LA64_A5, LA64_A4, LA64_T2);
                out_reg(p, LA64_A5, m);
                la64_ld_d(&p->b, LA64_A6, LA64_T2, 0);
                out_reg(p, LA64_A6, am_ref(k % 5, m, v));
                /* 32-bit: only the low word changes, rd is sign-extended */
                la64_st_d(&p->b, LA64_A3, LA64_T2, 0);
                am_w[k](&p->b, LA64_A5, LA64_A4, LA64_T2);
                out_reg(p, LA64_A5, sx32(m));
                la64_ld_d(&p->b, LA64_A6, LA64_T2, 0);
                out_reg(p, LA64_A6, (m & ~0xffffffffull) | (uint32_t)am_ref(k % 5, m, v));
            }
        }
    }
    prog_check(p, 0);
}
END_TEST

START_TEST(test_llsc)
{
    Prog *p = prog_new();
    uint32_t *retry, *outer;

    la64_addi_d(&p->b, LA64_T2, DATA, 256);             /* t2 = scratch words */
    /* LL/SC increment loop, 1000 times, on a 64-bit and a 32-bit word */
    la64_st_d(&p->b, LA64_ZERO, LA64_T2, 0);
    la64_st_d(&p->b, LA64_ZERO, LA64_T2, 8);
    la64_ori(&p->b, LA64_T4, LA64_ZERO, 1000);
    outer = retry = la64_buf_cur(&p->b);
    la64_ll_d(&p->b, LA64_A3, LA64_T2, 0);
    la64_addi_d(&p->b, LA64_A3, LA64_A3, 3);
    la64_sc_d(&p->b, LA64_A3, LA64_T2, 0);
    la64_beqz(&p->b, LA64_A3, (retry - la64_buf_cur(&p->b)) * 4);
    retry = la64_buf_cur(&p->b);
    la64_ll_w(&p->b, LA64_A3, LA64_T2, 8);
    la64_addi_w(&p->b, LA64_A3, LA64_A3, -5);
    la64_sc_w(&p->b, LA64_A3, LA64_T2, 8);
    la64_beqz(&p->b, LA64_A3, (retry - la64_buf_cur(&p->b)) * 4);
    la64_addi_d(&p->b, LA64_T4, LA64_T4, -1);
    la64_bnez(&p->b, LA64_T4, (outer - la64_buf_cur(&p->b)) * 4);
    la64_dbar(&p->b, LA64_DBAR_FULL);
    la64_dbar(&p->b, LA64_DBAR_ACQUIRE);     /* hints run (as barriers) too */
    la64_dbar(&p->b, LA64_DBAR_RELEASE);
    la64_dbar(&p->b, LA64_DBAR_SAME_ADDR_RAR);
    la64_ld_d(&p->b, LA64_A5, LA64_T2, 0);
    out_reg(p, LA64_A5, 3000);
    la64_ld_d(&p->b, LA64_A5, LA64_T2, 8);
    out_reg(p, LA64_A5, (uint32_t)-5000);
    /* compare-and-swap with LL/SC: succeeds when the expected value matches */
    la64_movi64(&p->b, LA64_A4, 3000);
    la64_movi64(&p->b, LA64_A6, 0xabcdef);
    retry = la64_buf_cur(&p->b);
    la64_ll_d(&p->b, LA64_A3, LA64_T2, 0);
    la64_bne(&p->b, LA64_A3, LA64_A4, 16);              /* mismatch: out */
    la64_mov(&p->b, LA64_A5, LA64_A6);
    la64_sc_d(&p->b, LA64_A5, LA64_T2, 0);
    la64_beqz(&p->b, LA64_A5, (retry - la64_buf_cur(&p->b)) * 4);
    la64_ibar(&p->b, 0);
    la64_ld_d(&p->b, LA64_A5, LA64_T2, 0);
    out_reg(p, LA64_A5, 0xabcdef);
    out_reg(p, LA64_A3, 3000);
    prog_check(p, 0);
}
END_TEST

static Suite *la64_run_suite(void)
{
    Suite *s = suite_create("la64-run");
    TCase *tc = tcase_create("qemu");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_harness);
    tcase_add_test(tc, test_movi64);
    tcase_add_test(tc, test_muldiv);
    tcase_add_test(tc, test_bitops);
    tcase_add_test(tc, test_imm_bitfield);
    tcase_add_test(tc, test_alsl_bytepick_misc);
    tcase_add_test(tc, test_loads_stores);
    tcase_add_test(tc, test_far_operands);
    tcase_add_test(tc, test_branches_loops);
    tcase_add_test(tc, test_atomics);
    tcase_add_test(tc, test_llsc);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (QEMU_LOONGARCH64[0] == '\0' || access(QEMU_LOONGARCH64, X_OK) != 0) {
        fprintf(stderr, "qemu-loongarch64-static not found: skipping\n");
        return 77;
    }
    sr = srunner_create(la64_run_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
