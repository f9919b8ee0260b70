/*
 * x64-enc.c — x86-64 instruction encoder. Every form goes through emit_opc
 * (legacy prefixes, REX, escape bytes, opcode) followed by modrm_r (register
 * operand) or modrm_m (memory operand with every addressing form). See
 * x64-enc.h for the overflow discipline.
 */
#include "backend-x86_64/x64-enc.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

/* Opcode flags above the low opcode byte. */
enum {
    P_EXT    = 0x100,     /* 0F escape */
    P_EXT38  = 0x200,     /* 0F 38 escape */
    P_EXT3A  = 0x400,     /* 0F 3A escape */
    P_DATA16 = 0x800,     /* 66 prefix */
    P_REPZ   = 0x1000,    /* F3 prefix */
    P_REPNZ  = 0x2000,    /* F2 prefix */
    P_REXW   = 0x4000,    /* REX.W */
    P_BYTER  = 0x8000,    /* reg field is a byte register: spl..dil need REX */
    P_BYTERM = 0x10000,   /* rm field is a byte register */
};

void x64_buf_init(X64Buf *b, uint8_t *rw, size_t cap, uintptr_t rx)
{
    b->start = b->p = rw;
    b->end = rw + cap;
    b->rx = rx;
    b->overflow = false;
}

/* Called at each instruction start: redirect into the sink when full. */
static void begin(X64Buf *b)
{
    if (b->overflow || b->end - b->p < X64_MAX_INSN) {
        b->overflow = true;
        b->p = b->sink;
    }
}

static inline void out8(X64Buf *b, unsigned v) { *b->p++ = (uint8_t)v; }
static inline void out32(X64Buf *b, uint32_t v) { memcpy(b->p, &v, 4); b->p += 4; }
static inline void out64(X64Buf *b, uint64_t v) { memcpy(b->p, &v, 8); b->p += 8; }

static void emit_opc(X64Buf *b, unsigned opc, int r, int rm, int x)
{
    unsigned rex = 0;

    begin(b);
    if (opc & P_DATA16) {
        out8(b, 0x66);
    }
    if (opc & P_REPZ) {
        out8(b, 0xf3);
    } else if (opc & P_REPNZ) {
        out8(b, 0xf2);
    }
    rex |= opc & P_REXW ? 8 : 0;
    rex |= (r & 8) >> 1;        /* REX.R */
    rex |= (x & 8) >> 2;        /* REX.X */
    rex |= (rm & 8) >> 3;       /* REX.B */
    /* spl, bpl, sil, dil exist only with a REX prefix (else ah..bh). */
    if ((opc & P_BYTER && r >= 4 && r < 8) || (opc & P_BYTERM && rm >= 4 && rm < 8)) {
        rex |= 0x40;
    }
    if (rex) {
        out8(b, 0x40 | rex);
    }
    if (opc & (P_EXT | P_EXT38 | P_EXT3A)) {
        out8(b, 0x0f);
        if (opc & P_EXT38) {
            out8(b, 0x38);
        } else if (opc & P_EXT3A) {
            out8(b, 0x3a);
        }
    }
    out8(b, opc & 0xff);
}

static void modrm_r(X64Buf *b, unsigned opc, int r, int rm)
{
    emit_opc(b, opc, r, rm, 0);
    out8(b, 0xc0 | (r & 7) << 3 | (rm & 7));
}

/* Memory operand. `tail` = immediate bytes after the disp (for RIP). */
static void modrm_m_tail(X64Buf *b, unsigned opc, int r, X64Mem m, unsigned tail)
{
    int base = m.base, index = m.index;

    assert(index != X64_RSP);
    if (base == X64_RIP) {
        emit_opc(b, opc, r, 0, 0);
        out8(b, (r & 7) << 3 | 5);
        out32(b, (uint32_t)m.disp);
        (void)tail;
        return;
    }
    emit_opc(b, opc, r, base < 0 ? 0 : base, index < 0 ? 0 : index);
    if (base < 0) {
        /* [index*s + disp32] or absolute [disp32]: SIB with base=5, mod=0. */
        out8(b, (r & 7) << 3 | 4);
        out8(b, m.scale << 6 | (index < 0 ? 4 : index & 7) << 3 | 5);
        out32(b, (uint32_t)m.disp);
        return;
    }
    unsigned mod;
    /* rbp/r13 as base have no disp-less form (mod 0 means RIP/disp32). */
    if (m.disp == 0 && (base & 7) != X64_RBP) {
        mod = 0;
    } else if (m.disp == (int8_t)m.disp) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    /* rsp/r12 as base always need a SIB byte. */
    if (index < 0 && (base & 7) != X64_RSP) {
        out8(b, mod | (r & 7) << 3 | (base & 7));
    } else {
        out8(b, mod | (r & 7) << 3 | 4);
        out8(b, m.scale << 6 | (index < 0 ? 4 : index & 7) << 3 | (base & 7));
    }
    if (mod == 0x40) {
        out8(b, (uint8_t)m.disp);
    } else if (mod == 0x80) {
        out32(b, (uint32_t)m.disp);
    }
}

static void modrm_m(X64Buf *b, unsigned opc, int r, X64Mem m)
{
    modrm_m_tail(b, opc, r, m, 0);
}

static unsigned qw(bool q) { return q ? P_REXW : 0; }

/* ---------------------------------------------------------------------- */
/* Moves                                                                   */

void x64_mov_rr(X64Buf *b, bool q, int d, int s)
{
    modrm_r(b, 0x8b | qw(q), d, s);
}

void x64_movi(X64Buf *b, int d, uint64_t v)
{
    if (v == (uint32_t)v) {
        emit_opc(b, 0xb8 + (d & 7), 0, d, 0);
        out32(b, (uint32_t)v);
    } else if ((int64_t)v == (int32_t)v) {
        modrm_r(b, 0xc7 | P_REXW, 0, d);
        out32(b, (uint32_t)v);
    } else {
        emit_opc(b, (0xb8 + (d & 7)) | P_REXW, 0, d, 0);
        out64(b, v);
    }
}

void x64_zero(X64Buf *b, int d)
{
    modrm_r(b, 0x33, d, d);
}

void x64_load(X64Buf *b, unsigned size, bool sign, bool q, int d, X64Mem m)
{
    switch (size) {
    case 1: modrm_m(b, (sign ? 0xbe : 0xb6) | P_EXT | qw(q && sign), d, m); break;
    case 2: modrm_m(b, (sign ? 0xbf : 0xb7) | P_EXT | qw(q && sign), d, m); break;
    case 4: modrm_m(b, sign && q ? 0x63 | P_REXW : 0x8b, d, m); break;
    case 8: modrm_m(b, 0x8b | P_REXW, d, m); break;
    default: assert(0);
    }
}

void x64_store(X64Buf *b, unsigned size, int s, X64Mem m)
{
    switch (size) {
    case 1: modrm_m(b, 0x88 | P_BYTER, s, m); break;
    case 2: modrm_m(b, 0x89 | P_DATA16, s, m); break;
    case 4: modrm_m(b, 0x89, s, m); break;
    case 8: modrm_m(b, 0x89 | P_REXW, s, m); break;
    default: assert(0);
    }
}

void x64_store_imm(X64Buf *b, unsigned size, int32_t imm, X64Mem m)
{
    switch (size) {
    case 1: modrm_m_tail(b, 0xc6, 0, m, 1); out8(b, imm); break;
    case 2: modrm_m_tail(b, 0xc7 | P_DATA16, 0, m, 2); out8(b, imm); out8(b, imm >> 8); break;
    case 4: modrm_m_tail(b, 0xc7, 0, m, 4); out32(b, imm); break;
    case 8: modrm_m_tail(b, 0xc7 | P_REXW, 0, m, 4); out32(b, imm); break;
    default: assert(0);
    }
}

void x64_movzx(X64Buf *b, unsigned size, int d, int s)
{
    modrm_r(b, (size == 1 ? 0xb6 | P_BYTERM : 0xb7) | P_EXT, d, s);
}

void x64_movsx(X64Buf *b, unsigned size, bool q, int d, int s)
{
    if (size == 4) {
        modrm_r(b, 0x63 | P_REXW, d, s);
    } else {
        modrm_r(b, (size == 1 ? 0xbe | P_BYTERM : 0xbf) | P_EXT | qw(q), d, s);
    }
}

void x64_lea(X64Buf *b, bool q, int d, X64Mem m)
{
    modrm_m(b, 0x8d | qw(q), d, m);
}

void x64_xchg_rr(X64Buf *b, bool q, int a, int c)
{
    modrm_r(b, 0x87 | qw(q), a, c);
}

/* ---------------------------------------------------------------------- */
/* ALU                                                                     */

void x64_alu_rr(X64Buf *b, X64Alu op, bool q, int d, int s)
{
    modrm_r(b, (op << 3 | 3) | qw(q), d, s);
}

void x64_alu_ri(X64Buf *b, X64Alu op, bool q, int d, int32_t imm)
{
    if (imm == (int8_t)imm) {
        modrm_r(b, 0x83 | qw(q), op, d);
        out8(b, imm);
    } else {
        modrm_r(b, 0x81 | qw(q), op, d);
        out32(b, imm);
    }
}

void x64_alu_rm(X64Buf *b, X64Alu op, bool q, int d, X64Mem m)
{
    modrm_m(b, (op << 3 | 3) | qw(q), d, m);
}

static unsigned size_flags(unsigned size)
{
    return size == 2 ? P_DATA16 : size == 8 ? P_REXW : 0;
}

void x64_alu_mr(X64Buf *b, X64Alu op, unsigned size, X64Mem m, int s)
{
    unsigned opc = size == 1 ? (op << 3 | 0) | P_BYTER : (op << 3 | 1) | size_flags(size);
    modrm_m(b, opc, s, m);
}

void x64_alu_mi(X64Buf *b, X64Alu op, unsigned size, X64Mem m, int32_t imm)
{
    if (size == 1) {
        modrm_m_tail(b, 0x80, op, m, 1);
        out8(b, imm);
    } else if (imm == (int8_t)imm) {
        modrm_m_tail(b, 0x83 | size_flags(size), op, m, 1);
        out8(b, imm);
    } else if (size == 2) {
        modrm_m_tail(b, 0x81 | P_DATA16, op, m, 2);
        out8(b, imm);
        out8(b, imm >> 8);
    } else {
        modrm_m_tail(b, 0x81 | size_flags(size), op, m, 4);
        out32(b, imm);
    }
}

void x64_test_rr(X64Buf *b, bool q, int a, int c)
{
    modrm_r(b, 0x85 | qw(q), c, a);
}

void x64_test_ri(X64Buf *b, bool q, int r, int32_t imm)
{
    if (!q && (uint32_t)imm <= 0xff && r < 4) {
        modrm_r(b, 0xf6, 0, r);     /* test r8, imm8 (al..bl only, no REX) */
        out8(b, imm);
    } else {
        modrm_r(b, 0xf7 | qw(q), 0, r);
        out32(b, imm);
    }
}

void x64_unary(X64Buf *b, X64Unary op, bool q, int r)
{
    modrm_r(b, 0xf7 | qw(q), op, r);
}

void x64_inc(X64Buf *b, bool q, int r)
{
    modrm_r(b, 0xff | qw(q), 0, r);
}

void x64_dec(X64Buf *b, bool q, int r)
{
    modrm_r(b, 0xff | qw(q), 1, r);
}

void x64_shift_cl(X64Buf *b, X64Shift op, bool q, int r)
{
    modrm_r(b, 0xd3 | qw(q), op, r);
}

void x64_shift_ri(X64Buf *b, X64Shift op, bool q, int r, unsigned n)
{
    if (n == 1) {
        modrm_r(b, 0xd1 | qw(q), op, r);
    } else {
        modrm_r(b, 0xc1 | qw(q), op, r);
        out8(b, n);
    }
}

void x64_imul_rr(X64Buf *b, bool q, int d, int s)
{
    modrm_r(b, 0xaf | P_EXT | qw(q), d, s);
}

void x64_imul_rri(X64Buf *b, bool q, int d, int s, int32_t imm)
{
    if (imm == (int8_t)imm) {
        modrm_r(b, 0x6b | qw(q), d, s);
        out8(b, imm);
    } else {
        modrm_r(b, 0x69 | qw(q), d, s);
        out32(b, imm);
    }
}

void x64_cqo(X64Buf *b, bool q)
{
    emit_opc(b, 0x99 | qw(q), 0, 0, 0);
}

void x64_bswap(X64Buf *b, bool q, int r)
{
    emit_opc(b, (0xc8 + (r & 7)) | P_EXT | qw(q), 0, r, 0);
}

void x64_rol16_8(X64Buf *b, int r)
{
    modrm_r(b, 0xc1 | P_DATA16, X64_ROL, r);
    out8(b, 8);
}

void x64_bt_ri(X64Buf *b, bool q, int r, unsigned bit)
{
    modrm_r(b, 0xba | P_EXT | qw(q), 4, r);
    out8(b, bit);
}

void x64_setcc(X64Buf *b, X64Cond cc, int r)
{
    modrm_r(b, (0x90 + cc) | P_EXT | P_BYTERM, 0, r);
}

void x64_cmov(X64Buf *b, X64Cond cc, bool q, int d, int s)
{
    modrm_r(b, (0x40 + cc) | P_EXT | qw(q), d, s);
}

/*
 * VEX-encoded GPR ops (BMI2). 3-byte VEX: C4, RXB.mmmmm, W.vvvv.L.pp.
 * pp: 0 none, 1 66, 2 F3, 3 F2; mmmmm: 2 = 0F38, 3 = 0F3A.
 */
static void vex_rr(X64Buf *b, unsigned pp, unsigned mmmmm, bool w, int v, int r, int rm,
                   unsigned opc)
{
    begin(b);
    out8(b, 0xc4);
    out8(b, (~r & 8) << 4 | (1 << 6) | (~rm & 8) << 2 | mmmmm);
    out8(b, (w ? 0x80 : 0) | (~v & 15) << 3 | pp);
    out8(b, opc);
    out8(b, 0xc0 | (r & 7) << 3 | (rm & 7));
}

void x64_shlx(X64Buf *b, bool q, int d, int s, int cnt) { vex_rr(b, 1, 2, q, cnt, d, s, 0xf7); }
void x64_shrx(X64Buf *b, bool q, int d, int s, int cnt) { vex_rr(b, 3, 2, q, cnt, d, s, 0xf7); }
void x64_sarx(X64Buf *b, bool q, int d, int s, int cnt) { vex_rr(b, 2, 2, q, cnt, d, s, 0xf7); }

void x64_rorx(X64Buf *b, bool q, int d, int s, unsigned imm)
{
    vex_rr(b, 3, 3, q, 0, d, s, 0xf0);
    out8(b, imm);
}

void x64_lzcnt(X64Buf *b, bool q, int d, int s) { modrm_r(b, 0xbd | P_EXT | P_REPZ | qw(q), d, s); }
void x64_tzcnt(X64Buf *b, bool q, int d, int s) { modrm_r(b, 0xbc | P_EXT | P_REPZ | qw(q), d, s); }
void x64_popcnt(X64Buf *b, bool q, int d, int s) { modrm_r(b, 0xb8 | P_EXT | P_REPZ | qw(q), d, s); }
void x64_bsr(X64Buf *b, bool q, int d, int s) { modrm_r(b, 0xbd | P_EXT | qw(q), d, s); }
void x64_bsf(X64Buf *b, bool q, int d, int s) { modrm_r(b, 0xbc | P_EXT | qw(q), d, s); }

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

void x64_lock(X64Buf *b)
{
    begin(b);
    out8(b, 0xf0);
}

void x64_cmpxchg(X64Buf *b, unsigned size, X64Mem m, int s)
{
    modrm_m(b, (size == 1 ? 0xb0 | P_BYTER : 0xb1 | size_flags(size)) | P_EXT, s, m);
}

void x64_cmpxchg16b(X64Buf *b, X64Mem m)
{
    modrm_m(b, 0xc7 | P_EXT | P_REXW, 1, m);
}

void x64_xadd(X64Buf *b, unsigned size, X64Mem m, int s)
{
    modrm_m(b, (size == 1 ? 0xc0 | P_BYTER : 0xc1 | size_flags(size)) | P_EXT, s, m);
}

void x64_xchg_mr(X64Buf *b, unsigned size, X64Mem m, int s)
{
    modrm_m(b, size == 1 ? 0x86 | P_BYTER : 0x87 | size_flags(size), s, m);
}

void x64_mfence(X64Buf *b)
{
    begin(b);
    out8(b, 0x0f);
    out8(b, 0xae);
    out8(b, 0xf0);
}

/* ---------------------------------------------------------------------- */
/* Control flow                                                            */

size_t x64_jcc32(X64Buf *b, X64Cond cc)
{
    begin(b);
    out8(b, 0x0f);
    out8(b, 0x80 + cc);
    out32(b, 0);
    return x64_buf_offset(b) - 4;
}

size_t x64_jmp32(X64Buf *b)
{
    begin(b);
    out8(b, 0xe9);
    out32(b, 0);
    return x64_buf_offset(b) - 4;
}

void x64_patch_rel32(X64Buf *b, size_t field, size_t target)
{
    if (b->overflow) {
        return;
    }
    int32_t rel = (int32_t)((intptr_t)target - (intptr_t)(field + 4));
    memcpy(b->start + field, &rel, 4);
}

void x64_jcc8(X64Buf *b, X64Cond cc, size_t target)
{
    begin(b);
    out8(b, 0x70 + cc);
    out8(b, (uint8_t)(target - (x64_buf_offset(b) + 1)));
}

void x64_jmp8(X64Buf *b, size_t target)
{
    begin(b);
    out8(b, 0xeb);
    out8(b, (uint8_t)(target - (x64_buf_offset(b) + 1)));
}

size_t x64_jcc8_fwd(X64Buf *b, X64Cond cc)
{
    begin(b);
    out8(b, 0x70 + cc);
    out8(b, 0);
    return x64_buf_offset(b) - 1;
}

void x64_patch_rel8(X64Buf *b, size_t field, size_t target)
{
    if (b->overflow) {
        return;
    }
    assert(target - (field + 1) < 128);
    b->start[field] = (uint8_t)(target - (field + 1));
}

static bool rel32_reach(const X64Buf *b, uintptr_t target, unsigned len)
{
    intptr_t rel = (intptr_t)target - (intptr_t)(x64_buf_pc(b) + len);
    return rel == (int32_t)rel;
}

void x64_call_abs(X64Buf *b, uintptr_t target, int scratch)
{
    if (rel32_reach(b, target, 5)) {
        begin(b);
        out8(b, 0xe8);
        out32(b, (uint32_t)(target - (x64_buf_pc(b) + 4)));
    } else {
        x64_movi(b, scratch, target);
        x64_call_r(b, scratch);
    }
}

void x64_jmp_abs(X64Buf *b, uintptr_t target, int scratch)
{
    if (rel32_reach(b, target, 5)) {
        begin(b);
        out8(b, 0xe9);
        out32(b, (uint32_t)(target - (x64_buf_pc(b) + 4)));
    } else {
        x64_movi(b, scratch, target);
        x64_jmp_r(b, scratch);
    }
}

void x64_call_r(X64Buf *b, int r) { modrm_r(b, 0xff, 2, r); }
void x64_jmp_r(X64Buf *b, int r) { modrm_r(b, 0xff, 4, r); }
void x64_ret(X64Buf *b) { emit_opc(b, 0xc3, 0, 0, 0); }
void x64_push(X64Buf *b, int r) { emit_opc(b, 0x50 + (r & 7), 0, r, 0); }
void x64_pop(X64Buf *b, int r) { emit_opc(b, 0x58 + (r & 7), 0, r, 0); }
void x64_int3(X64Buf *b) { emit_opc(b, 0xcc, 0, 0, 0); }

void x64_nop(X64Buf *b, unsigned n)
{
    static const uint8_t nops[9][8] = {
        {0},
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    assert(n <= 8);
    if (n) {
        begin(b);
        memcpy(b->p, nops[n], n);
        b->p += n;
    }
}

int32_t x64_rip_disp(const X64Buf *b, uintptr_t target, unsigned insn_len_from_here)
{
    return (int32_t)((intptr_t)target - (intptr_t)(x64_buf_pc(b) + insn_len_from_here));
}

/* ---------------------------------------------------------------------- */
/* SSE                                                                     */

static unsigned sse_opc(X64Sse op)
{
    return (op & 0x3800) == 0x3800 ? (op & 0xff) | P_EXT38 | P_DATA16 : op | P_EXT | P_DATA16;
}

void x64_sse_rr(X64Buf *b, X64Sse op, int xd, int xs) { modrm_r(b, sse_opc(op), xd, xs); }
void x64_sse_rm(X64Buf *b, X64Sse op, int xd, X64Mem m) { modrm_m(b, sse_opc(op), xd, m); }

void x64_sse_shift_i(X64Buf *b, X64Shift op, unsigned vece, int x, unsigned n)
{
    /* 66 0F 71/72/73 with /6 (sll), /2 (srl), /4 (sra). */
    unsigned ext = op == X64_SHL ? 6 : op == X64_SHR ? 2 : 4;
    assert(vece >= 1 && vece <= 3 && !(op == X64_SAR && vece == 3));
    modrm_r(b, (0x70 + vece) | P_EXT | P_DATA16, ext, x);
    out8(b, n);
}

void x64_pshufd(X64Buf *b, int xd, int xs, uint8_t imm)
{
    modrm_r(b, 0x70 | P_EXT | P_DATA16, xd, xs);
    out8(b, imm);
}

void x64_pshuflw(X64Buf *b, int xd, int xs, uint8_t imm)
{
    modrm_r(b, 0x70 | P_EXT | P_REPNZ, xd, xs);
    out8(b, imm);
}

void x64_pshufhw(X64Buf *b, int xd, int xs, uint8_t imm)
{
    modrm_r(b, 0x70 | P_EXT | P_REPZ, xd, xs);
    out8(b, imm);
}

void x64_movdqu_load(X64Buf *b, int x, X64Mem m) { modrm_m(b, 0x6f | P_EXT | P_REPZ, x, m); }
void x64_movdqu_store(X64Buf *b, int x, X64Mem m) { modrm_m(b, 0x7f | P_EXT | P_REPZ, x, m); }
void x64_movdqa_load(X64Buf *b, int x, X64Mem m) { modrm_m(b, 0x6f | P_EXT | P_DATA16, x, m); }
void x64_movdqa_store(X64Buf *b, int x, X64Mem m) { modrm_m(b, 0x7f | P_EXT | P_DATA16, x, m); }

void x64_sse_load(X64Buf *b, unsigned size, int x, X64Mem m)
{
    switch (size) {
    case 4: modrm_m(b, 0x6e | P_EXT | P_DATA16, x, m); break;
    case 8: modrm_m(b, 0x7e | P_EXT | P_REPZ, x, m); break;
    default: x64_movdqu_load(b, x, m); break;
    }
}

void x64_sse_store(X64Buf *b, unsigned size, int x, X64Mem m)
{
    switch (size) {
    case 4: modrm_m(b, 0x7e | P_EXT | P_DATA16, x, m); break;
    case 8: modrm_m(b, 0xd6 | P_EXT | P_DATA16, x, m); break;
    default: x64_movdqu_store(b, x, m); break;
    }
}

void x64_movq_xr(X64Buf *b, bool q, int x, int r)
{
    modrm_r(b, 0x6e | P_EXT | P_DATA16 | qw(q), x, r);
}

void x64_movq_rx(X64Buf *b, bool q, int r, int x)
{
    modrm_r(b, 0x7e | P_EXT | P_DATA16 | qw(q), x, r);
}

void x64_pinsr(X64Buf *b, unsigned size, int x, int r, uint8_t lane)
{
    switch (size) {
    case 1: modrm_r(b, 0x20 | P_EXT3A | P_DATA16, x, r); break;
    case 2: modrm_r(b, 0xc4 | P_EXT | P_DATA16, x, r); break;
    case 4: modrm_r(b, 0x22 | P_EXT3A | P_DATA16, x, r); break;
    case 8: modrm_r(b, 0x22 | P_EXT3A | P_DATA16 | P_REXW, x, r); break;
    default: assert(0);
    }
    out8(b, lane);
}

void x64_pextr(X64Buf *b, unsigned size, int r, int x, uint8_t lane)
{
    switch (size) {
    case 1: modrm_r(b, 0x14 | P_EXT3A | P_DATA16, x, r); break;
    case 2: modrm_r(b, 0xc5 | P_EXT | P_DATA16, r, x); break;
    case 4: modrm_r(b, 0x16 | P_EXT3A | P_DATA16, x, r); break;
    case 8: modrm_r(b, 0x16 | P_EXT3A | P_DATA16 | P_REXW, x, r); break;
    default: assert(0);
    }
    out8(b, lane);
}

/* ---------------------------------------------------------------------- */
/* Features                                                                */

#if defined(__x86_64__)
#include <cpuid.h>

static X64Features probe(void)
{
    X64Features f = { 0 };
    unsigned a, bx, c, d;

    if (__get_cpuid(1, &a, &bx, &c, &d)) {
        f.sse41 = c & bit_SSE4_1;
        f.sse42 = c & bit_SSE4_2;
        f.ssse3 = c & bit_SSSE3;
        f.popcnt = c & bit_POPCNT;
        f.cx16 = c & bit_CMPXCHG16B;
    }
    if (__get_cpuid_count(7, 0, &a, &bx, &c, &d)) {
        f.bmi1 = bx & bit_BMI;
        f.bmi2 = bx & bit_BMI2;
    }
    if (__get_cpuid(0x80000001, &a, &bx, &c, &d)) {
        f.lzcnt = c & bit_LZCNT;
    }
    return f;
}
#else
static X64Features probe(void)
{
    return (X64Features){ 0 };
}
#endif

static X64Features feat;
static const X64Features *feat_override;

void x64_set_features(const X64Features *f)
{
    feat_override = f;
}

static void probe_once(void)
{
    feat = probe();
}

const X64Features *x64_features(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, probe_once);
    return feat_override ? feat_override : &feat;
}
