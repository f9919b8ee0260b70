/*
 * gen.c — the case builder of the oracle differ: random initial state with
 * edge values, the x86-64 encoder used by the family generators, operand
 * pickers that keep the snippet inside its buffers, and the tracking of
 * which EFLAGS bits are still defined after each instruction.
 */
#include "tests/x86/gen.h"

#include <string.h>

#include "jit/fatal.h"
#include "tests/x86/gen-enc.h"

/* ---------------------------------------------------------------------- */
/* Randomness                                                              */

uint64_t xt_rand(XtRng *r)
{
    /* splitmix64: tiny, good enough, and the same on every host. */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t xt_edge_value(XtRng *r)
{
    static const uint64_t edges[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
        0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full, 0x0123456789abcdefull,
    };
    uint64_t v;

    switch (xt_below(r, 6)) {
    case 0:
    case 1:
        return edges[xt_below(r, sizeof(edges) / sizeof(edges[0]))];
    case 2:
        return xt_below(r, 70);                       /* small: counts, bit numbers */
    case 3:
        return -(uint64_t)xt_below(r, 70);            /* small negative */
    case 4:
        /* an edge value in the low part, random garbage above it */
        v = edges[xt_below(r, sizeof(edges) / sizeof(edges[0]))];
        return (xt_rand(r) & ~0xffffffffull) | (uint32_t)v;
    default:
        return xt_rand(r);
    }
}

unsigned xt_pick_size(XtGen *g, bool bytes)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    return bytes ? sizes[xt_pick(g, 4)] : sizes[1 + xt_pick(g, 3)];
}

/* ---------------------------------------------------------------------- */
/* Registers                                                               */

unsigned xt_full_reg(unsigned enc, unsigned size, bool rex)
{
    return (size == 1 && !rex && enc >= 4 && enc < 8) ? enc - 4 : enc;
}

static bool writable(unsigned full)
{
    return full != 3 && full != 4;   /* rbx: data pointer, rsp: the runner's */
}

XtEnc xt_begin(XtGen *g, unsigned size, bool has_byte)
{
    XtEnc e = { .size = size };
    if (has_byte) {
        e.rex = size == 8 || xt_coin(g);
        g->lowregs = !e.rex;
    } else {
        g->lowregs = false;
    }
    return e;
}

unsigned xt_pick_dst(XtGen *g, unsigned size, bool rex)
{
    unsigned n = g->lowregs ? 8 : 16;
    for (;;) {
        unsigned r = xt_pick(g, n);
        /* BH (7 without REX) is part of rbx as well. */
        if (writable(xt_full_reg(r, size, rex)) && !(size == 1 && !rex && r == 7)) {
            g->last_dst = (int)r;
            return r;
        }
    }
}

unsigned xt_pick_src(XtGen *g, unsigned size, bool rex)
{
    if (g->alias && g->last_dst >= 0 && xt_coin(g) && (!g->lowregs || g->last_dst < 8)) {
        return (unsigned)g->last_dst;
    }
    return xt_pick(g, g->lowregs ? 8 : 16);
}

bool xt_pin(XtGen *g, unsigned reg, uint64_t v)
{
    uint16_t bit = (uint16_t)(1u << reg);
    if (!writable(reg) || ((g->written | g->pinned) & bit)) {
        return false;
    }
    g->pinned |= bit;
    g->c->init.regs[reg] = v;
    return true;
}

int xt_pin_reg(XtGen *g, uint64_t v, bool allow_rcx)
{
    for (int tries = 0; tries < 32; tries++) {
        unsigned r = xt_pick(g, g->lowregs ? 8 : 16);
        if ((allow_rcx || r != 1) && xt_pin(g, r, v)) {
            return (int)r;
        }
    }
    return -1;
}

void xt_wrote(XtGen *g, unsigned full_reg)
{
    if (!writable(full_reg) && full_reg != 4) {
        ferry_die("generator writes rbx");
    }
    g->written |= (uint16_t)(1u << full_reg);
}

/* ---------------------------------------------------------------------- */
/* Memory operands                                                         */

XtRm xt_mem(XtGen *g, unsigned size)
{
    XtRm m = { .mem = true, .base = 3, .index = -1 };
    int lim = XT_DATA_SIZE / 2;

    switch (xt_pick(g, 4)) {
    case 0:
        m.disp = (int32_t)xt_pick(g, 256) - 128;
        break;
    case 1:
        m.disp = (int32_t)xt_pick(g, (unsigned)(2 * lim - size)) - lim;
        m.disp32 = xt_coin(g);
        m.sib = xt_coin(g);
        break;
    default: {
        /* [rbx + index*scale + disp8] with the index pinned to a small value */
        int64_t v = (int64_t)xt_pick(g, 401) - 200;
        m.scale = xt_pick(g, 4);
        m.disp = (int32_t)xt_pick(g, 128) - 64;
        m.index = xt_pin_reg(g, (uint64_t)v, true);
        if (m.index < 0) {
            m.disp = (int32_t)xt_pick(g, 256) - 128;
        }
        break;
    }
    }
    return m;
}

XtRm xt_rm(XtGen *g, unsigned size, bool rex, bool dst)
{
    if (xt_coin(g)) {
        return xt_mem(g, size);
    }
    return xt_regop(dst ? xt_pick_dst(g, size, rex) : xt_pick_src(g, size, rex));
}

void xt_fix_iz(XtGen *g, XtEnc *e)
{
}

/* ---------------------------------------------------------------------- */
/* Flags                                                                   */

void xt_flags(XtGen *g, uint32_t def, uint32_t undef)
{
    g->def = (g->def | def) & ~undef;
}

uint32_t xt_cc_reads(unsigned cc)
{
    static const uint32_t reads[8] = {
        XT_OF, XT_CF, XT_ZF, XT_CF | XT_ZF, XT_SF, XT_PF, XT_SF | XT_OF,
        XT_ZF | XT_SF | XT_OF,
    };
    return reads[(cc >> 1) & 7];
}

int xt_pick_cc(XtGen *g)
{
    unsigned start = xt_pick(g, 16);
    for (unsigned i = 0; i < 16; i++) {
        unsigned cc = (start + i) & 15;
        if ((xt_cc_reads(cc) & ~g->def) == 0) {
            return (int)cc;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Encoding                                                                */

static void put(XtGen *g, unsigned byte)
{
    if (g->c->len >= sizeof(g->c->code)) {
        ferry_die("test case too long");
    }
    g->c->code[g->c->len++] = (uint8_t)byte;
}

static void put_le(XtGen *g, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        put(g, (unsigned)(v >> (8 * i)) & 0xff);
    }
}

static unsigned rex_of(const XtEnc *e)
{
    unsigned rex = 0;
    if (e->size == 8 && !e->no_w) {
        rex |= 8;
    }
    if (e->modrm && e->reg >= 8) {
        rex |= 4;
    }
    if (e->modrm && e->rm.mem && e->rm.index >= 8) {
        rex |= 2;
    }
    if ((e->modrm || e->plusr) && !e->rm.mem && e->rm.reg >= 8) {
        rex |= 1;
    }
    if (e->modrm && e->rm.mem && !e->rm.rip && e->rm.base >= 8) {
        rex |= 1;
    }
    if (rex || e->rex) {
        return 0x40 | rex;
    }
    return 0;
}

static void put_modrm(XtGen *g, const XtEnc *e)
{
    const XtRm *m = &e->rm;
    unsigned reg = (e->reg & 7) << 3;

    if (!m->mem) {
        put(g, 0xc0 | reg | (m->reg & 7));
        return;
    }
    if (m->rip) {
        put(g, reg | 5);
        put_le(g, (uint32_t)m->disp, 4);
        return;
    }
    bool need_sib = m->sib || m->index >= 0 || m->base < 0 || (m->base & 7) == 4;
    unsigned mod;
    if (m->base < 0) {
        mod = 0;                                     /* SIB base 101: disp32, no base */
    } else if (m->disp32 || m->disp < -128 || m->disp > 127) {
        mod = 2;
    } else if (m->disp == 0 && (m->base & 7) != 5) {
        mod = 0;
    } else {
        mod = 1;
    }
    put(g, (mod << 6) | reg | (need_sib ? 4 : (unsigned)(m->base & 7)));
    if (need_sib) {
        unsigned idx = m->index >= 0 ? (unsigned)m->index & 7 : 4;
        unsigned base = m->base >= 0 ? (unsigned)m->base & 7 : 5;
        put(g, (m->scale << 6) | (idx << 3) | base);
    }
    if (mod == 1) {
        put(g, (uint8_t)m->disp);
    } else if (mod == 2 || m->base < 0) {
        put_le(g, (uint32_t)m->disp, 4);
    }
}

unsigned xt_emit(XtGen *g, const XtEnc *e)
{
    size_t start = g->c->len;
    unsigned rex = rex_of(e);

    if (e->lock) {
        put(g, 0xf0);
    }
    if (e->size == 2) {
        put(g, 0x66);
    }
    if (e->addr32) {
        put(g, 0x67);
    }
    if (e->pfx) {
        put(g, e->pfx);
    }
    if (rex) {
        put(g, rex);
    }
    for (unsigned i = 0; i < e->oplen; i++) {
        unsigned op = e->op[i];
        if (e->plusr && i == e->oplen - 1) {
            op += e->rm.reg & 7;
        }
        put(g, op);
    }
    if (e->modrm) {
        put_modrm(g, e);
    }
    put_le(g, e->imm, e->immlen);
    return (unsigned)(g->c->len - start);
}

unsigned xt_emit_vex(XtGen *g, const XtEnc *e, unsigned map, unsigned pp, unsigned vvvv)
{
    size_t start = g->c->len;
    unsigned r = e->reg >= 8, x = e->rm.mem && e->rm.index >= 8;
    unsigned bb = e->rm.mem ? e->rm.base >= 8 : e->rm.reg >= 8;

    put(g, 0xc4);
    put(g, ((!r) << 7) | ((!x) << 6) | ((!bb) << 5) | map);
    put(g, ((e->size == 8) << 7) | ((~vvvv & 15) << 3) | pp);
    put(g, e->op[0]);
    put_modrm(g, e);
    put_le(g, e->imm, e->immlen);
    return (unsigned)(g->c->len - start);
}

void xt_emit_raw(XtGen *g, const uint8_t *bytes, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        put(g, bytes[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                   */

const XtFamily *xt_family_find(const char *name)
{
    for (const XtFamily *f = xt_families; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }
    return NULL;
}

static void random_state(XtRng *rng, XtState *st)
{
    xt_state_init(st);
    for (unsigned r = 0; r < 16; r++) {
        if (r != 3 && r != 4) {
            st->regs[r] = xt_edge_value(rng);
        }
    }
    st->rflags = xt_rand(rng) & XT_OSZAPC;
    for (size_t i = 0; i < XT_DATA_SIZE; i += 8) {
        uint64_t v = xt_edge_value(rng);
        memcpy(st->data + i, &v, 8);
    }
    for (size_t i = 0; i < XT_STACK_SIZE; i += 8) {
        uint64_t v = xt_rand(rng);
        memcpy(st->stack + i, &v, 8);
    }
}

extern const XtGenEntry xt_alu_entries[], xt_shift_entries[], xt_muldiv_entries[],
    xt_bitops_entries[], xt_lock_arith_entries[], xt_rotc_entries[], xt_move_entries[],
    xt_cc_entries[], xt_lock_move_entries[], xt_stack_entries[], xt_xadd_entries[],
    xt_shxd_entries[], xt_bmi_entries[], xt_string_entries[], xt_frame_entries[],
    xt_fault_entries[], xt_x87_entries[], xt_mmx_entries[], xt_crypto_entries[],
    xt_fault_crypto_entries[], xt_xsave_entries[], xt_fault_xsave_entries[];

/*
 * The families; all run in `make check`. (Earlier "-full" twins that kept
 * known translator bugs out of check are gone with the bugs; see
 * tests/x86/insn/bugs.asm for their regression tests.)
 */
const XtFamily xt_families[] = {
    { "alu", true, false, { xt_alu_entries },
      "ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT" },
    { "shift", true, false, { xt_shift_entries }, "ROL ROR SHL SHR SAR by 1, imm8, CL" },
    { "rotc", true, false, { xt_rotc_entries }, "RCL RCR by imm8, CL" },
    { "muldiv", true, false, { xt_muldiv_entries }, "MUL IMUL (1-3 operands) DIV IDIV" },
    { "bitops", true, false, { xt_bitops_entries },
      "BT BTS BTR BTC BSF BSR TZCNT LZCNT POPCNT BSWAP" },
    { "move", true, false, { xt_move_entries },
      "MOV MOVZX MOVSX MOVSXD LEA XCHG CBW CWD flag ops NOP" },
    { "cc", true, false, { xt_cc_entries, xt_alu_entries, xt_shift_entries },
      "SETcc CMOVcc Jcc LOOP JRCXZ after flag producers" },
    { "lock", true, false, { xt_lock_arith_entries, xt_lock_move_entries },
      "LOCK ALU/INC/DEC/NEG/NOT/BTx on memory, XCHG, LOCK misuse (#UD)" },
    { "xadd", true, false, { xt_xadd_entries }, "XADD CMPXCHG" },
    { "stack", true, false, { xt_stack_entries }, "PUSH POP (rsp forms) LEAVE CALL" },
    { "shxd", true, false, { xt_shxd_entries }, "SHLD SHRD by imm8, CL" },
    { "bmi", true, false, { xt_bmi_entries },
      "ANDN BEXTR BLS* BZHI MULX PDEP PEXT RORX SARX SHLX SHRX ADCX ADOX MOVBE" },
    { "string", true, false, { xt_string_entries },
      "MOVS STOS LODS CMPS SCAS, REP/REPE/REPNE, CLD/STD" },
    { "frame", true, false, { xt_frame_entries, xt_stack_entries },
      "PUSHF POPF ENTER XLAT among the stack kinds" },
    { "fault", true, false, { xt_fault_entries, xt_alu_entries },
      "INT3 INT1 UD2 UD0 UD1 HLT CLI STI IN OUT after alu instructions" },
    { "alias", true, true,
      { xt_alu_entries, xt_bitops_entries, xt_shxd_entries, xt_bmi_entries },
      "alu bitops shxd bmi with sources repeating the destination" },
    { "x87", true, false, { xt_x87_entries },
      "x87 loads, arithmetic, compares, stack ops, stores, FLDCW (RC/PC), FCMOV" },
    { "mmx", true, false, { xt_mmx_entries },
      "MMX moves, arithmetic, shifts, packs, SSE/SSSE3 mm forms, EMMS (x87 aliasing)" },
    { "crypto", true, false, { xt_crypto_entries },
      "AESENC AESENCLAST AESDEC AESDECLAST AESIMC AESKEYGENASSIST PCLMULQDQ (xmm via memory)" },
    { "fault-crypto", true, false, { xt_fault_crypto_entries },
      "the crypto kinds with misaligned memory operands (#GP)" },
    { "xsave", true, false, { xt_xsave_entries },
      "XSAVE XSAVEOPT XSAVEC XRSTOR of x87+SSE (rfbm within XCR0 = 3)" },
    { "fault-xsave", true, false, { xt_fault_xsave_entries },
      "XSAVE/XSAVEC misaligned, XRSTOR of corrupted headers (#GP)" },
    { NULL, false, false, { NULL }, NULL },
};

/* The i-th entry over all of f's tables; total count if i is too big. */
static const XtGenEntry *family_entry(const XtFamily *f, unsigned i, unsigned *count)
{
    unsigned n = 0;
    for (unsigned t = 0; t < 4 && f->entries[t]; t++) {
        for (const XtGenEntry *e = f->entries[t]; e->name; e++, n++) {
            if (n == i) {
                return e;
            }
        }
    }
    *count = n;
    return NULL;
}

/* Append one instruction from a random entry of f; false if none fit. */
static bool gen_one(XtGen *g, const XtFamily *f)
{
    XtCase *c = g->c;
    unsigned n = 0;
    uint64_t regs[16];

    family_entry(f, ~0u, &n);
    for (int tries = 0; tries < 64; tries++) {
        const XtGenEntry *e = family_entry(f, xt_pick(g, n), &n);
        XtGen saved = *g;
        size_t len = c->len;
        memcpy(regs, c->init.regs, sizeof(regs));
        if (e->gen(g)) {
            c->insn_kind[c->nb_insns] = e->name;
            return true;
        }
        *g = saved;
        c->len = len;
        memcpy(c->init.regs, regs, sizeof(regs));
    }
    return false;
}

void xt_gen_case(const XtFamily *f, XtRng *rng, XtCase *c)
{
    XtGen g = { .rng = rng, .c = c, .def = XT_OSZAPC,
                .alias = f->alias, .last_dst = -1 };
    unsigned want = 1 + xt_below(rng, 3);

    memset(c, 0, offsetof(XtCase, init));
    random_state(rng, &c->init);
    c->flags_def[0] = g.def;
    while (c->nb_insns < want && !g.stop) {
        c->insn_off[c->nb_insns] = (uint8_t)c->len;
        if (!gen_one(&g, f)) {
            break;
        }
        c->nb_insns++;
        c->flags_def[c->nb_insns] = g.def;
    }
    c->insn_off[c->nb_insns] = (uint8_t)c->len;
}
