/*
 * gen-enc.h — what the family generators (gen-families.c) share with the
 * case builder (gen.c): an x86-64 encoder driven by opcode templates,
 * register/memory operand pickers that keep rbx (the data pointer) and
 * rsp intact and memory accesses inside the data buffer, initial values
 * pinned for operands whose value matters (shift counts, divisors, bit
 * offsets), and EFLAGS definedness tracking.
 */
#ifndef FERRY_TESTS_X86_GEN_ENC_H
#define FERRY_TESTS_X86_GEN_ENC_H

#include "tests/x86/gen.h"

/* A ModRM r/m operand. Memory is [rbx + index*scale + disp] (index < 0:
 * none) or, for LEA only, any base (see the LEA generator). */
typedef struct XtRm {
    bool mem;
    unsigned reg;                 /* register number (encoding) when !mem */
    int base;                     /* memory: base register, -1 = none (disp32) */
    int index;                    /* -1 = none */
    unsigned scale;               /* 0..3 */
    int32_t disp;
    bool disp32;                  /* force a 32-bit displacement */
    bool sib;                     /* force a SIB byte */
    bool rip;                     /* RIP-relative (LEA only) */
} XtRm;

/* One instruction to encode. */
typedef struct XtEnc {
    unsigned size;                /* operand size 1 2 4 8: 66 / REX.W */
    bool lock;
    uint8_t pfx;                  /* a mandatory prefix (F3/F2) or 0 */
    bool addr32;                  /* 67 prefix */
    bool rex;                     /* emit a REX prefix even without bits (spl..dil) */
    uint8_t op[3];
    unsigned oplen;
    bool modrm;
    unsigned reg;                 /* ModRM.reg: register or /digit */
    XtRm rm;
    uint64_t imm;
    unsigned immlen;              /* 0 1 2 4 8 */
    bool no_w;                    /* size 8 is the default: no REX.W (push/pop) */
    bool plusr;                   /* register in the opcode's low bits (rm.reg) */
} XtEnc;

struct XtGen {
    XtRng *rng;
    XtCase *c;
    uint16_t written;             /* registers written so far */
    uint16_t pinned;              /* registers whose initial value a generator chose */
    uint32_t def;                 /* OSZAPC bits defined now */
    bool stop;                    /* end the case after this instruction */
    bool lowregs;                 /* this insn has byte operands and no REX: regs 0..7 */
    bool alias;                   /* sources repeat the last destination half the time */
    int last_dst;                 /* the last register picked as a destination, or -1 */
    uint16_t str_ptrs;            /* rsi/rdi known to point into the data buffer */
    bool rcx_small;               /* rcx known to be a small count (REP) */
};

/* ---- randomness ---- */
uint64_t xt_edge_value(XtRng *r);
static inline bool xt_coin(XtGen *g) { return xt_rand(g->rng) & 1; }
static inline unsigned xt_pick(XtGen *g, unsigned n) { return xt_below(g->rng, n); }
/* 1, 2, 4 or 8; byte-less forms pass bytes=false. */
unsigned xt_pick_size(XtGen *g, bool bytes);

/* ---- registers ---- */
/* The full register an encoding names for size/REX (AH..BH -> 0..3). */
unsigned xt_full_reg(unsigned enc, unsigned size, bool rex);
/* Start an instruction of operand size `size`; has_byte: some operand is
 * a byte register, so decide now whether a REX prefix is present (it
 * changes what encodings 4..7 name) and keep all registers below 8 if not. */
XtEnc xt_begin(XtGen *g, unsigned size, bool has_byte);
/* A register encoding the instruction may write / read. */
unsigned xt_pick_dst(XtGen *g, unsigned size, bool rex);
unsigned xt_pick_src(XtGen *g, unsigned size, bool rex);
/* A register not yet written or pinned, pinned to value v; -1 if none. */
int xt_pin_reg(XtGen *g, uint64_t v, bool allow_rcx);
/* Pin a specific register; false if it was written or pinned already. */
bool xt_pin(XtGen *g, unsigned reg, uint64_t v);
/* Record that the instruction writes a full register. */
void xt_wrote(XtGen *g, unsigned full_reg);

/* ---- memory operands ---- */
/* A random [rbx+...] operand for a `size`-byte access inside the buffer. */
XtRm xt_mem(XtGen *g, unsigned size);
static inline XtRm xt_regop(unsigned reg) { return (XtRm){ .reg = reg }; }
/* An r/m operand: register (picked as dst or src) or memory. */
XtRm xt_rm(XtGen *g, unsigned size, bool rex, bool dst);

/* ---- flags ---- */
/* Apply one instruction's effect: def bits get defined values, undef
 * bits become undefined, the rest are unchanged. */
void xt_flags(XtGen *g, uint32_t def, uint32_t undef);
/* The OSZAPC bits condition code cc (0..15) reads. */
uint32_t xt_cc_reads(unsigned cc);
/* A condition code whose flags are all defined now; -1 if none. */
int xt_pick_cc(XtGen *g);

/* An Iz immediate (imm32 sign-extended to 64 bits with REX.W) is kept
 * non-negative when avoiding known bugs (see xt_families in gen.c). */
void xt_fix_iz(XtGen *g, XtEnc *e);

/* ---- encoding ---- */
/* Append the encoded instruction to the case; returns its length. */
unsigned xt_emit(XtGen *g, const XtEnc *e);
/* Append a VEX-encoded instruction (3-byte form, L=0): map 2 = 0F38,
 * 3 = 0F3A; pp 0/1/2/3 = none/66/F3/F2; vvvv a register; W from e->size. */
unsigned xt_emit_vex(XtGen *g, const XtEnc *e, unsigned map, unsigned pp, unsigned vvvv);
/* Append raw bytes as one instruction. */
void xt_emit_raw(XtGen *g, const uint8_t *bytes, unsigned len);

#endif
