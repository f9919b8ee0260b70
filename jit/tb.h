/*
 * tb.h — a translation block: the key it was translated for, where its
 * host code is, its outgoing and incoming direct jumps, and the data that
 * maps any host pc inside it back to a guest instruction.
 */
#ifndef FERRY_JIT_TB_H
#define FERRY_JIT_TB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <urcu.h>
#include <urcu/rculfhash.h>

#define TB_NO_JUMP UINT32_MAX
#define TB_NO_PAGE UINT64_MAX

typedef struct TbEntry {
    /* Key: immutable after insertion. */
    uint64_t pc;
    uint64_t cs_base;
    uint32_t flags;
    /* Written by the translator before insertion, immutable afterwards. */
    uint32_t guest_size;           /* bytes of guest code */
    uint64_t page[2];              /* guest pages covered (page[1] TB_NO_PAGE if one) */
    uintptr_t code_rx;             /* start of host code (executable view) */
    uint8_t *code_rw;
    uint32_t code_size;
    uint32_t jmp_insn[2];          /* offset of goto_tb slot n's jump, TB_NO_JUMP if unused */
    uint32_t jmp_reset[2];         /* where slot n jumps when unchained */
    uint8_t *insn_data;            /* encoded (pc, extra, host end) per insn */
    uint32_t insn_data_size;
    uint32_t nb_insns;

    /* Chaining, protected by the engine's tb_lock. An incoming edge (src,n)
     * is linked through src->jmp_next[n]; pointers are tagged with n. */
    struct TbEntry *jmp_dest[2];
    uintptr_t jmp_next[2];
    uintptr_t jmp_in;

    /* Guest-page lists, protected by tb_lock. */
    struct TbEntry *page_next[2];

    /* Set once (under tb_lock) when invalidated; read without lock. */
    atomic_bool invalid;

    struct cds_lfht_node node;     /* in the lookup table: RCU readers */
    struct rcu_head rcu;           /* freed after a grace period */
} TbEntry;

#endif
