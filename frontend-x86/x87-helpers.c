/*
 * x87-helpers.c — the x87 at run time: the register stack (TOP, tags,
 * stack overflow/underflow), FSW condition codes and exception flags, and
 * every x87 operation on top of softfloat80. Called from the code x87.c
 * generates; the memory side of each instruction stays in generated code.
 *
 * Exceptions: flags accumulate in FSW; an unmasked one sets ES and B, and
 * the next waiting x87 instruction raises #MF (x87_helper_wait). As on the
 * CPU, an unmasked IE, DE or ZE leaves the destination and the stack
 * unchanged, unmasked OE/UE deliver the exponent-wrapped result to a
 * register, and a store to memory with any of IE/OE/UE unmasked is skipped.
 */
#include "frontend-x86/x87.h"

#include <string.h>

#include "frontend-x86/cpu.h"

enum {
    FSW_IE = 1 << 0, FSW_SF = 1 << 6, FSW_ES = 1 << 7, FSW_C0 = 1 << 8,
    FSW_C1 = 1 << 9, FSW_C2 = 1 << 10, FSW_C3 = 1 << 14, FSW_B = 1 << 15,
    FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3,
};

static X86Fpu *fpu_of(void *env)
{
    return &((X86Cpu *)env)->fpu;
}

/* ---------------------------------------------------------------------- */
/* State                                                                   */

void x87_reset(X86Cpu *cpu)
{
    X86Fpu *f = &cpu->fpu;
    f->fcw = 0x37f;
    f->fsw = 0;
    f->top = 0;
    f->tag_used = 0;
    f->fop = 0;
    f->fip = f->fdp = 0;
}

uint16_t x87_get_fsw(const X86Cpu *cpu)
{
    return (uint16_t)((cpu->fpu.fsw & ~0x3800) | (cpu->fpu.top & 7) << 11);
}

static unsigned tag_of(const X86Fpu *f, unsigned phys)
{
    Sf80 v = f->st[phys];
    unsigned e = SF80_EXP(v);
    if (!((f->tag_used >> phys) & 1)) {
        return 3;
    }
    if (e == 0) {
        return v.mant == 0 ? 1 : 2;
    }
    return e == 0x7fff || !(v.mant >> 63) ? 2 : 0;
}

uint16_t x87_get_ftw(const X86Cpu *cpu)
{
    uint16_t t = 0;
    for (unsigned i = 0; i < 8; i++) {
        t |= (uint16_t)(tag_of(&cpu->fpu, i) << (2 * i));
    }
    return t;
}

static unsigned phys(const X86Fpu *f, unsigned i)
{
    return (f->top + i) & 7;
}

static bool is_empty(const X86Fpu *f, unsigned i)
{
    return !((f->tag_used >> phys(f, i)) & 1);
}

static Sf80 get(const X86Fpu *f, unsigned i)
{
    return f->st[phys(f, i)];
}

static void set(X86Fpu *f, unsigned i, Sf80 v)
{
    unsigned p = phys(f, i);
    f->st[p] = v;
    f->tag_used |= (uint8_t)(1 << p);
}

static void pop(X86Fpu *f)
{
    f->tag_used &= (uint8_t)~(1 << f->top);
    f->top = (f->top + 1) & 7;
}

static Sf80Env env_of(const X86Fpu *f)
{
    return (Sf80Env){ .rc = (f->fcw >> 10) & 3, .pc = (f->fcw >> 8) & 3,
                      .traps = (uint8_t)(~f->fcw & (SF80_OE | SF80_UE)) };
}

static bool ie_masked(const X86Fpu *f)
{
    return f->fcw & FSW_IE;
}

/* Record the exception flags of an operation; C1 from "rounded up". */
static void finish(X86Fpu *f, unsigned flags)
{
    f->fsw = (uint16_t)((f->fsw & ~FSW_C1) | (flags & 0x3f) | (flags & SF80_C1 ? FSW_C1 : 0));
    if (f->fsw & ~f->fcw & 0x3f) {
        f->fsw |= FSW_ES | FSW_B;
    }
}

/* Stack underflow (an empty register read): IE, SF, C1 = 0. */
static void underflow(X86Fpu *f)
{
    finish(f, SF80_IE);
    f->fsw |= FSW_SF;
}

/* Push; on overflow IE, SF, C1 = 1 and (masked) the indefinite. */
static void push(X86Fpu *f, Sf80 v)
{
    unsigned nt = (f->top - 1) & 7;
    if ((f->tag_used >> nt) & 1) {
        finish(f, SF80_IE);
        f->fsw |= FSW_SF | FSW_C1;
        if (!ie_masked(f)) {
            return;
        }
        v = sf80_indefinite;
    }
    f->top = nt;
    set(f, 0, v);
}

/* An unmasked exception found before computing (IE, DE, ZE): the CPU
 * leaves the destination and the stack alone. */
static bool pre_fault(const X86Fpu *f, unsigned flags)
{
    return (flags & ~f->fcw & (SF80_IE | SF80_DE | SF80_ZE)) != 0;
}

/* Push after a stack underflow: the CPU reports no overflow then. */
static void push_quiet(X86Fpu *f, Sf80 v)
{
    f->top = (f->top - 1) & 7;
    set(f, 0, v);
}

/* Write a result unless an unmasked IE/DE/ZE forbids it. */
static void put(X86Fpu *f, unsigned i, Sf80 v, unsigned flags)
{
    if (!pre_fault(f, flags)) {
        set(f, i, v);
    }
}

uint32_t x87_helper_wait(void *env)
{
    return (fpu_of(env)->fsw & FSW_ES) != 0;
}

/* ---------------------------------------------------------------------- */
/* Loads and arithmetic                                                    */

/* Convert a memory operand into fpu.tmp without losing SNaN-ness; DE for
 * float denormals goes to tmp_flags for the consuming operation. */
void x87_helper_load_tmp(void *env, uint64_t lo, uint64_t hi, uint32_t kind)
{
    X86Fpu *f = fpu_of(env);
    Sf80Env e = { 0 };
    f->tmp_flags = 0;
    switch (kind) {
    case X87_M_F32:
        f->tmp = sf80_from_f32((uint32_t)lo, &e);
        if ((lo & 0x7f800000) == 0x7f800000 && (lo & 0x7fffff) && !(lo & 0x400000)) {
            f->tmp.mant &= ~(1ull << 62);              /* keep it signalling */
        }
        break;
    case X87_M_F64:
        f->tmp = sf80_from_f64(lo, &e);
        if ((lo >> 52 & 0x7ff) == 0x7ff && (lo << 12) && !(lo >> 51 & 1)) {
            f->tmp.mant &= ~(1ull << 62);
        }
        break;
    case X87_M_F80: f->tmp = sf80_make(0, 0, lo); f->tmp.se = (uint16_t)hi; break;
    case X87_M_I16: f->tmp = sf80_from_int((int16_t)lo); break;
    case X87_M_I32: f->tmp = sf80_from_int((int32_t)lo); break;
    case X87_M_I64: f->tmp = sf80_from_int((int64_t)lo); break;
    default: {
        uint8_t b[10];
        memcpy(b, &lo, 8);
        b[8] = (uint8_t)hi;
        b[9] = (uint8_t)(hi >> 8);
        f->tmp = sf80_from_bcd(b);
        break;
    }
    }
    f->tmp_flags = e.flags & SF80_DE;
}

/* FLD/FILD/FBLD from tmp; signal: FLD m32/m64 raise IE on an SNaN. */
void x87_helper_push_tmp(void *env, uint32_t signal)
{
    X86Fpu *f = fpu_of(env);
    Sf80 v = f->tmp;
    unsigned flags = f->tmp_flags;
    if ((f->tag_used >> ((f->top - 1) & 7)) & 1) {
        push(f, v);                    /* overflow: no conversion flags */
        return;
    }
    if (signal && sf80_is_snan(v)) {
        flags |= SF80_IE;
        v.mant |= 1ull << 62;
    }
    finish(f, flags);
    if ((flags & SF80_IE) && !ie_masked(f)) {
        return;                        /* an unmasked DE still loads (as the CPU) */
    }
    push(f, v);
}

/* DE of a denormal float32/float64 memory operand (now normal in tmp):
 * raised unless a NaN operand, an invalid operation or a division by zero
 * takes precedence, as for register operands. */
static unsigned tmp_de(const X86Fpu *f, Sf80 a, Sf80 b, unsigned flags)
{
    bool nan = sf80_is_nan(a) || sf80_is_nan(b) || sf80_is_unsupported(a) ||
               sf80_is_unsupported(b);
    return nan || (flags & (SF80_IE | SF80_ZE)) ? 0 : f->tmp_flags;
}

static Sf80 arith(unsigned op, Sf80 a, Sf80 b, Sf80Env *e)
{
    switch (op) {
    case X87_ADD:  return sf80_add(a, b, e);
    case X87_MUL:  return sf80_mul(a, b, e);
    case X87_SUB:  return sf80_sub(a, b, e);
    case X87_SUBR: return sf80_sub(b, a, e);
    case X87_DIV:  return sf80_div(a, b, e);
    default:       return sf80_div(b, a, e);
    }
}

void x87_helper_arith(void *env, uint32_t code)
{
    X86Fpu *f = fpu_of(env);
    unsigned op = code & 15, dst = (code >> 4) & 15, src = (code >> 8) & 15;
    Sf80Env e = env_of(f);
    Sf80 b;

    if (src == X87_SRC_TMP) {
        b = f->tmp;
    } else if (is_empty(f, src)) {
        goto under;
    } else {
        b = get(f, src);
    }
    if (is_empty(f, dst)) {
        goto under;
    }
    Sf80 r = arith(op, get(f, dst), b, &e);
    if (src == X87_SRC_TMP) {
        e.flags |= tmp_de(f, get(f, dst), b, e.flags);
    }
    if (pre_fault(f, e.flags)) {
        /* nothing computed: only the operand exceptions, no result, no pop */
        finish(f, e.flags & (SF80_IE | SF80_DE | SF80_ZE));
        return;
    }
    finish(f, e.flags);
    set(f, dst, r);
    goto out;
under:
    underflow(f);
    if (!ie_masked(f)) {
        return;
    }
    set(f, dst, sf80_indefinite);
out:
    if ((code >> 12) & 1) {
        pop(f);
    }
}

/* ---------------------------------------------------------------------- */
/* Compares                                                                */

uint32_t x87_helper_com(void *env, uint32_t code)
{
    static const uint16_t cc[4] = { FSW_C0, FSW_C3, 0, FSW_C3 | FSW_C2 | FSW_C0 };
    static const uint32_t ef[4] = { X86_CF, X86_ZF, 0, X86_ZF | X86_PF | X86_CF };
    X86Fpu *f = fpu_of(env);
    unsigned src = code & 15, pops = (code >> 5) & 3;
    Sf80Env e = env_of(f);
    int res = SF80_UN;
    Sf80 b;

    b = src == X87_SRC_TMP ? f->tmp : get(f, src);
    if (is_empty(f, 0) || (src != X87_SRC_TMP && is_empty(f, src))) {
        underflow(f);
        e.flags = SF80_IE;
    } else {
        res = sf80_compare(get(f, 0), b, (code >> 4) & 1, &e);
        if (src == X87_SRC_TMP) {
            e.flags |= tmp_de(f, get(f, 0), b, e.flags);
        }
        if ((code >> 7) & 1) {
            e.flags |= f->fsw & FSW_C1 ? SF80_C1 : 0;   /* FCOMI keeps C1 */
        }
        finish(f, e.flags);
    }
    uint32_t ret = 0;
    if (pre_fault(f, e.flags) && (e.flags & SF80_DE) && !(e.flags & SF80_IE)) {
        return (code >> 7) & 1 ? ef[SF80_UN] : 0;   /* unmasked DE: nothing */
    }
    if ((code >> 7) & 1) {
        ret = ef[res];
    } else {
        f->fsw = (uint16_t)((f->fsw & ~(FSW_C0 | FSW_C2 | FSW_C3)) | cc[res]);
    }
    if (pre_fault(f, e.flags)) {
        return ret;                    /* unmasked IE: "unordered", no pop */
    }
    while (pops--) {
        pop(f);
    }
    return ret;
}

/* ---------------------------------------------------------------------- */
/* Stores                                                                  */

static uint64_t store_indefinite(X86Fpu *f, unsigned kind)
{
    switch (kind) {
    case X87_M_F32: return 0xffc00000;
    case X87_M_F64: return 0xfff8000000000000ull;
    case X87_M_F80: f->tmp.se = sf80_indefinite.se; return sf80_indefinite.mant;
    case X87_M_BCD: f->tmp.se = 0xffff; return 0xc000000000000000ull;
    case X87_M_I16: case X87_M_I16T: return 0x8000;
    case X87_M_I32: case X87_M_I32T: return 0x80000000;
    default: return 0x8000000000000000ull;
    }
}

/*
 * The value FST/FIST/FBSTP write for ST0 (the caller stores it, then pops).
 * m80 and BCD: the low 8 bytes are returned, the top 2 are left in tmp.se.
 * tmp_flags = 1: an unmasked exception suppresses the store and the pop.
 */
uint64_t x87_helper_store(void *env, uint32_t kind)
{
    X86Fpu *f = fpu_of(env);
    Sf80Env e = env_of(f);
    uint64_t v;
    f->tmp_flags = 0;
    if (is_empty(f, 0)) {
        underflow(f);
        f->tmp_flags = !ie_masked(f);
        return store_indefinite(f, kind);
    }
    Sf80 a = get(f, 0);
    switch (kind) {
    case X87_M_F32: v = sf80_to_f32(a, &e); break;
    case X87_M_F64: v = sf80_to_f64(a, &e); break;
    case X87_M_F80: f->tmp.se = a.se; v = a.mant; break;
    case X87_M_I16: case X87_M_I16T:
        v = (uint16_t)sf80_to_int(a, 16, kind == X87_M_I16T, &e);
        break;
    case X87_M_I32: case X87_M_I32T:
        v = (uint32_t)sf80_to_int(a, 32, kind == X87_M_I32T, &e);
        break;
    case X87_M_I64: case X87_M_I64T:
        v = (uint64_t)sf80_to_int(a, 64, kind == X87_M_I64T, &e);
        break;
    default: {
        uint8_t b[10];
        sf80_to_bcd(a, b, &e);
        memcpy(&v, b, 8);
        f->tmp.se = (uint16_t)(b[8] | b[9] << 8);
        break;
    }
    }
    finish(f, e.flags);
    /* An unmasked IE (OE, UE for floats) leaves memory and the stack alone. */
    f->tmp_flags = (e.flags & ~f->fcw & (SF80_IE | SF80_OE | SF80_UE)) != 0;
    return v;
}

/* ---------------------------------------------------------------------- */
/* Control                                                                 */

uint32_t x87_helper_fnstsw(void *env)
{
    return x87_get_fsw(env);
}

void x87_helper_fldcw(void *env, uint32_t cw)
{
    X86Fpu *f = fpu_of(env);
    f->fcw = (uint16_t)((cw & 0x1f3f) | 0x40);   /* reserved bits as the CPU keeps them */
    f->fsw &= (uint16_t)~(FSW_ES | FSW_B);
    if (f->fsw & ~f->fcw & 0x3f) {
        f->fsw |= FSW_ES | FSW_B;      /* unmasking a pending exception */
    }
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

/* FNSTENV / FNSAVE image into fpu.buf (protected-mode formats). */
void x87_helper_stenv(void *env, uint32_t mode)
{
    X86Cpu *cpu = env;
    X86Fpu *f = &cpu->fpu;
    uint8_t *b = f->buf;
    unsigned n;
    memset(b, 0, sizeof(f->buf));
    if (mode & X87_ENV32) {
        put32(b, 0xffff0000u | f->fcw);
        put32(b + 4, 0xffff0000u | x87_get_fsw(cpu));
        put32(b + 8, 0xffff0000u | x87_get_ftw(cpu));
        /* FCS:FOP and FDS as the test host writes them: the code selector
         * once an instruction has been recorded, FDS's upper half all ones */
        put32(b + 12, (uint32_t)f->fip);
        put32(b + 16, (uint32_t)(f->fop & 0x7ff) << 16 | (f->fip ? cpu->seg_sel[1] : 0));
        put32(b + 20, (uint32_t)f->fdp);
        put32(b + 24, 0xffff0000u | (f->fdp ? cpu->seg_sel[3] : 0));
        n = 28;
    } else {
        put16(b, f->fcw);
        put16(b + 2, x87_get_fsw(cpu));
        put16(b + 4, x87_get_ftw(cpu));
        put16(b + 6, (uint32_t)f->fip);
        put16(b + 10, (uint32_t)f->fdp);
        n = 14;
    }
    if (mode & X87_SAVE) {
        for (unsigned i = 0; i < 8; i++) {
            Sf80 v = get(f, i);
            memcpy(b + n + 10 * i, &v.mant, 8);
            put16(b + n + 10 * i + 8, v.se);
        }
        x87_reset(cpu);
    } else {
        f->fcw |= 0x3f;                /* FNSTENV masks all exceptions: */
        f->fsw &= (uint16_t)~(FSW_ES | FSW_B);   /* nothing is pending now */
    }
}

void x87_helper_ldenv(void *env, uint32_t mode)
{
    X86Cpu *cpu = env;
    X86Fpu *f = &cpu->fpu;
    const uint8_t *b = f->buf;
    unsigned n = X87_ENV_SIZE(mode), w = (mode & X87_ENV32) ? 4 : 2;
    uint32_t ftw;
    f->fcw = (uint16_t)((get16(b) & 0x1f3f) | 0x40);
    uint32_t sw = get16(b + w);
    ftw = get16(b + 2 * w);
    f->top = (sw >> 11) & 7;
    f->fsw = (uint16_t)(sw & ~0x3800);
    f->fip = (mode & X87_ENV32) ? get32(b + 12) : get16(b + 6);
    f->fop = (mode & X87_ENV32) ? (get32(b + 16) >> 16) & 0x7ff : 0;
    f->fdp = (mode & X87_ENV32) ? get32(b + 20) : get16(b + 10);
    f->tag_used = 0;
    for (unsigned i = 0; i < 8; i++) {
        if (((ftw >> (2 * i)) & 3) != 3) {
            f->tag_used |= (uint8_t)(1 << i);
        }
    }
    if (mode & X87_SAVE) {
        for (unsigned i = 0; i < 8; i++) {
            uint64_t m;
            memcpy(&m, b + n + 10 * i, 8);
            f->st[phys(f, i)] = sf80_make(0, 0, m);
            f->st[phys(f, i)].se = (uint16_t)get16(b + n + 10 * i + 8);
        }
    }
    f->fsw &= (uint16_t)~(FSW_ES | FSW_B);
    if (f->fsw & ~f->fcw & 0x3f) {
        f->fsw |= FSW_ES | FSW_B;
    }
}

void x87_state_to_fxsave(const X86Cpu *cpu, uint8_t out[512])
{
    const X86Fpu *f = &cpu->fpu;
    put16(out, f->fcw);
    put16(out + 2, x87_get_fsw(cpu));
    out[4] = f->tag_used;
    out[5] = 0;
    /* Like the AMD CPUs of the native oracle: FOP, FIP and FDP are saved
     * only while an unmasked exception is pending (FSW.ES), else zero. */
    uint64_t zero = 0;
    bool es = (x87_get_fsw(cpu) & FSW_ES) != 0;
    put16(out + 6, es ? f->fop : 0);
    memcpy(out + 8, es ? &f->fip : &zero, 8);
    memcpy(out + 16, es ? &f->fdp : &zero, 8);
    for (unsigned i = 0; i < 8; i++) {
        Sf80 v = get(f, i);
        memset(out + 32 + 16 * i, 0, 16);
        memcpy(out + 32 + 16 * i, &v.mant, 8);
        put16(out + 32 + 16 * i + 8, v.se);
    }
}

void x87_state_from_fxsave(X86Cpu *cpu, const uint8_t in[512])
{
    X86Fpu *f = &cpu->fpu;
    f->fcw = (uint16_t)((get16(in) & 0x1f3f) | 0x40);
    uint32_t sw = get16(in + 2);
    f->top = (sw >> 11) & 7;
    f->fsw = (uint16_t)(sw & ~0x3800);
    f->tag_used = in[4];
    f->fop = (uint16_t)(get16(in + 6) & 0x7ff);
    memcpy(&f->fip, in + 8, 8);
    memcpy(&f->fdp, in + 16, 8);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t m;
        memcpy(&m, in + 32 + 16 * i, 8);
        f->st[phys(f, i)] = sf80_make(0, 0, m);
        f->st[phys(f, i)].se = (uint16_t)get16(in + 32 + 16 * i + 8);
    }
}

/* ---------------------------------------------------------------------- */
/* Register-only operations                                                */

/*
 * The load-constant instructions: the 64-bit significand truncated, and
 * whether the exact value lies above its midpoint (round to nearest goes
 * up). All are inexact, positive, and raise no exception; RC picks the
 * last bit as on the CPU.
 */
static Sf80 constant(const X86Fpu *f, unsigned op)
{
    static const struct { uint16_t se; uint64_t mant; bool near_up; } k[] = {
        [X87_FLD1 - X87_FLD1] = { 0x3fff, 0x8000000000000000ull, false },
        [X87_FLDL2T - X87_FLD1] = { 0x4000, 0xd49a784bcd1b8afeull, false },
        [X87_FLDL2E - X87_FLD1] = { 0x3fff, 0xb8aa3b295c17f0bbull, true },
        [X87_FLDPI - X87_FLD1] = { 0x4000, 0xc90fdaa22168c234ull, true },
        [X87_FLDLG2 - X87_FLD1] = { 0x3ffd, 0x9a209a84fbcff798ull, true },
        [X87_FLDLN2 - X87_FLD1] = { 0x3ffe, 0xb17217f7d1cf79abull, true },
        [X87_FLDZ - X87_FLD1] = { 0, 0, false },
    };
    unsigned i = op - X87_FLD1, rc = (f->fcw >> 10) & 3;
    Sf80 v = sf80_make(0, 0, k[i].mant);
    v.se = k[i].se;
    bool exact = op == X87_FLD1 || op == X87_FLDZ;
    if (!exact && (rc == SF80_RC_UP || (rc == SF80_RC_NEAREST && k[i].near_up))) {
        v.mant++;
    }
    return v;
}

/* FXAM's class in C3 C2 C0, C1 = sign. */
static uint16_t fxam(const X86Fpu *f)
{
    Sf80 v = get(f, 0);
    uint16_t c1 = SF80_SIGN(v) ? FSW_C1 : 0;
    unsigned e = SF80_EXP(v);
    if (is_empty(f, 0)) {
        return c1 | FSW_C3 | FSW_C0;
    }
    if (sf80_is_unsupported(v)) {
        return c1;
    }
    if (e == 0x7fff) {
        return c1 | (sf80_is_nan(v) ? FSW_C0 : FSW_C2 | FSW_C0);
    }
    if (e == 0) {
        return c1 | (v.mant == 0 ? FSW_C3 : FSW_C3 | FSW_C2);
    }
    return c1 | FSW_C2;
}

/* Unary operations on ST0 (FSQRT, FRNDINT, FCHS, FABS). */
static void unary(X86Fpu *f, unsigned op)
{
    Sf80Env e = env_of(f);
    Sf80 a = get(f, 0), r;
    if (is_empty(f, 0)) {
        underflow(f);
        if (ie_masked(f)) {
            set(f, 0, sf80_indefinite);
        }
        return;
    }
    switch (op) {
    case X87_FCHS:    r = a; r.se ^= 0x8000; break;
    case X87_FABS:    r = a; r.se &= 0x7fff; break;
    case X87_FSQRT:   r = sf80_sqrt(a, &e); break;
    default:          r = sf80_round_int(a, &e); break;
    }
    finish(f, e.flags);
    put(f, 0, r, e.flags);
}

/* Two-operand ST0/ST1 operations that replace ST0 (FSCALE, FPREM, FPREM1). */
static void binary01(X86Fpu *f, unsigned op)
{
    Sf80Env e = env_of(f);
    if (is_empty(f, 0) || is_empty(f, 1)) {
        if (op != X87_FSCALE) {
            f->fsw &= (uint16_t)~FSW_C2;   /* FPREM: "complete" */
        }
        underflow(f);
        if (ie_masked(f)) {
            set(f, 0, sf80_indefinite);
        }
        return;
    }
    Sf80 a = get(f, 0), b = get(f, 1), r;
    if (op == X87_FSCALE) {
        r = sf80_scale(a, b, &e);
    } else {
        unsigned q;
        bool partial;
        r = sf80_rem(a, b, op == X87_FPREM1, &q, &partial, &e);
        f->fsw &= (uint16_t)~FSW_C2;
        if (!sf80_is_nan(r)) {         /* a NaN result leaves C0 and C3 (as the CPU) */
            f->fsw &= (uint16_t)~(FSW_C0 | FSW_C3);
            f->fsw |= (uint16_t)((partial ? FSW_C2 : 0) | (q & 4 ? FSW_C0 : 0) |
                                 (q & 2 ? FSW_C3 : 0));
        }
        e.flags = (e.flags & ~SF80_C1) | (q & 1 ? SF80_C1 : 0);
    }
    finish(f, e.flags);
    put(f, 0, r, e.flags);
}

/* FXTRACT/FPTAN/FSINCOS when ST7 is in use: stack overflow, and (masked)
 * both results are the indefinite, as on the CPU. */
static bool overflow2(X86Fpu *f)
{
    if (!((f->tag_used >> ((f->top - 1) & 7)) & 1)) {
        return false;
    }
    if (ie_masked(f)) {
        set(f, 0, sf80_indefinite);
    }
    push(f, sf80_indefinite);
    return true;
}

static void fxtract(X86Fpu *f)
{
    Sf80Env e = env_of(f);
    if (!is_empty(f, 0) && overflow2(f)) {
        return;
    }
    if (is_empty(f, 0)) {
        underflow(f);
        if (ie_masked(f)) {
            set(f, 0, sf80_indefinite);
            push_quiet(f, sf80_indefinite);
        }
        return;
    }
    Sf80 ex, sig = sf80_xtract(get(f, 0), &ex, &e);
    finish(f, e.flags);
    if ((e.flags & SF80_IE) && !ie_masked(f)) {
        return;
    }
    set(f, 0, ex);
    push(f, sig);
}

static void fxch(X86Fpu *f, unsigned i)
{
    if (is_empty(f, 0) || is_empty(f, i)) {
        underflow(f);
        if (!ie_masked(f)) {
            return;
        }
        if (is_empty(f, 0)) {
            set(f, 0, sf80_indefinite);
        }
        if (is_empty(f, i)) {
            set(f, i, sf80_indefinite);
        }
    } else {
        f->fsw &= (uint16_t)~FSW_C1;
    }
    Sf80 t = get(f, 0);
    set(f, 0, get(f, i));
    set(f, i, t);
}

/* Stack moves: FST/FSTP ST(i), FLD ST(i), FCMOV. */
static void move(X86Fpu *f, unsigned op, unsigned i, unsigned cond)
{
    unsigned from = op == X87_FLDST || op == X87_FCMOV ? i : 0;
    Sf80 v = get(f, from);
    bool under = is_empty(f, from) || (op == X87_FCMOV && is_empty(f, 0));
    if (under) {
        underflow(f);
        if (!ie_masked(f)) {
            return;
        }
        v = sf80_indefinite;
    } else if (op != X87_FCMOV) {
        f->fsw &= (uint16_t)~FSW_C1;   /* FCMOV leaves C1 alone (as the CPU) */
    }
    switch (op) {
    case X87_FLDST:
        if (under) {                   /* underflow wins: no overflow report */
            push_quiet(f, v);
        } else {
            push(f, v);
        }
        break;
    case X87_FCMOV:
        if (cond || under) {
            set(f, 0, v);
        }
        break;
    default:
        set(f, i, v);
        if (op == X87_FSTP) {
            pop(f);
        }
        break;
    }
}

void x87_helper_misc(void *env, uint32_t code)
{
    X86Fpu *f = fpu_of(env);
    unsigned op = code & 0xff, i = (code >> 8) & 7, extra = (code >> 12) & 1;

    switch (op) {
    case X87_FXCH:    fxch(f, i); break;
    case X87_FST: case X87_FSTP: case X87_FLDST: case X87_FCMOV:
        move(f, op, i, extra);
        break;
    case X87_FFREE: case X87_FFREEP:   /* the CPU clears C1 */
        f->tag_used &= (uint8_t)~(1 << phys(f, i));
        f->fsw &= (uint16_t)~FSW_C1;
        if (op == X87_FFREEP) {
            pop(f);
        }
        break;
    case X87_POP:     pop(f); break;
    case X87_FCHS: case X87_FABS: case X87_FSQRT: case X87_FRNDINT:
        unary(f, op);
        break;
    case X87_FTST:                     /* a signalling compare with +0.0 */
        f->tmp = sf80_make(0, 0, 0);
        f->tmp_flags = 0;
        x87_helper_com(env, X87_COM(X87_SRC_TMP, 0, 0, 0));
        break;
    case X87_FXAM:
        f->fsw = (uint16_t)((f->fsw & ~FSW_CC) | fxam(f));
        break;
    case X87_FLD1: case X87_FLDL2T: case X87_FLDL2E: case X87_FLDPI:
    case X87_FLDLG2: case X87_FLDLN2: case X87_FLDZ:
        f->fsw &= (uint16_t)~FSW_C1;
        push(f, constant(f, op));
        break;
    case X87_FINCSTP: f->top = (f->top + 1) & 7; f->fsw &= (uint16_t)~FSW_C1; break;
    case X87_FDECSTP: f->top = (f->top - 1) & 7; f->fsw &= (uint16_t)~FSW_C1; break;
    case X87_FNCLEX:  f->fsw &= (uint16_t)~(0x3f | FSW_SF | FSW_ES | FSW_B); break;
    case X87_FNINIT:  x87_reset(env); break;
    case X87_FSCALE: case X87_FPREM: case X87_FPREM1:
        binary01(f, op);
        break;
    case X87_FXTRACT: fxtract(f); break;
    default:
        x87_transcendental(env, op);
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Transcendentals                                                         */

void x87_transcendental(void *env, unsigned op)
{
    X86Fpu *f = fpu_of(env);
    Sf80Env e = env_of(f);
    bool two = op == X87_FYL2X || op == X87_FYL2XP1 || op == X87_FPATAN;
    bool pushes = op == X87_FPTAN || op == X87_FSINCOS;
    Sf80 x = get(f, 0), r, r2 = sf80_make(0, 0x3fff, 1ull << 63);

    if (is_empty(f, 0) || (two && is_empty(f, 1))) {
        f->fsw &= (uint16_t)~FSW_C2;
        underflow(f);
        if (ie_masked(f)) {
            set(f, two ? 1 : 0, sf80_indefinite);
            if (two) {
                pop(f);
            } else if (pushes) {
                push_quiet(f, sf80_indefinite);
            }
        }
        return;
    }
    f->fsw &= (uint16_t)~FSW_C2;
    if (pushes && overflow2(f)) {
        return;
    }
    switch (op) {
    case X87_F2XM1:   r = sf80_f2xm1(x, &e); break;
    case X87_FYL2X:   r = sf80_yl2x(x, get(f, 1), &e); break;
    case X87_FYL2XP1: r = sf80_yl2xp1(x, get(f, 1), &e); break;
    case X87_FPATAN:  r = sf80_patan(x, get(f, 1), &e); break;
    case X87_FPTAN:
        if (!sf80_ptan(x, &r, &e)) {
            f->fsw |= FSW_C2;          /* out of range: operand unchanged */
            return;
        }
        break;
    default: {
        Sf80 s, c;
        if (!sf80_sincos(x, &s, &c, &e)) {
            f->fsw |= FSW_C2;
            return;
        }
        r = op == X87_FCOS ? c : s;
        r2 = c;
        break;
    }
    }
    finish(f, e.flags);
    if ((e.flags & SF80_IE) && !ie_masked(f)) {
        return;
    }
    if (two) {
        set(f, 1, r);
        pop(f);
        return;
    }
    set(f, 0, r);
    if (pushes) {
        push(f, r2);
    }
}
