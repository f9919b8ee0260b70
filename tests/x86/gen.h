/*
 * gen.h — random x86-64 test cases for the oracle differ: a short
 * straight-line sequence of instructions of one family, encoded in C from
 * opcode templates, plus a random initial state with edge values. Every
 * case carries what the Intel manual leaves undefined (per-instruction
 * EFLAGS bits, a destination left undefined), so the differ compares only
 * what the CPU promises.
 */
#ifndef FERRY_TESTS_X86_GEN_H
#define FERRY_TESTS_X86_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/x86/native.h"

#define XT_MAX_INSNS 6

typedef struct XtCase {
    uint8_t code[64];
    size_t len;
    unsigned nb_insns;
    uint8_t insn_off[XT_MAX_INSNS + 1];   /* offset of insn i; [nb_insns] = len */
    const char *insn_kind[XT_MAX_INSNS];  /* generator entry that made insn i */
    /* OSZAPC bits with defined values before insn i ([nb_insns]: at the end). */
    uint32_t flags_def[XT_MAX_INSNS + 1];
    /* Registers whose final value the manual leaves undefined. */
    uint16_t regs_undef;
    /* Registers whose top 32 bits differ between vendors (CMPXCHG r32 on
     * failure: Intel writes DEST back, zero-extending; AMD leaves it). */
    uint16_t regs_undef_hi;
    /* Undefined when the final ZF is set (BSF/BSR with a zero source). */
    uint16_t regs_undef_if_zf;
    XtState init;
} XtCase;

/* A pseudo-random generator with an explicit state (reproducible by seed). */
typedef struct XtRng {
    uint64_t s;
} XtRng;

uint64_t xt_rand(XtRng *r);
static inline unsigned xt_below(XtRng *r, unsigned n) { return (unsigned)(xt_rand(r) % n); }

/* The generator's working state (gen-enc.h). */
typedef struct XtGen XtGen;

/* One kind of instruction a family can emit (e.g. "alu-rm-imm"). gen
 * appends one instruction, or returns false if it cannot in the current
 * state (say, it reads a flag that is undefined by now). */
typedef struct XtGenEntry {
    const char *name;
    bool (*gen)(XtGen *g);
} XtGenEntry;

typedef struct XtFamily {
    const char *name;
    bool in_check;                /* part of `make check` (the default run) */
    bool alias;                   /* sources often repeat the destination register */
    const XtGenEntry *entries[4]; /* each NULL-name terminated; unused: NULL */
    const char *what;
} XtFamily;

extern const XtFamily xt_families[];   /* NULL-name terminated */

const XtFamily *xt_family_find(const char *name);

/* Make one random case of family f. */
void xt_gen_case(const XtFamily *f, XtRng *rng, XtCase *c);

#endif
