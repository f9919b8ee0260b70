/*
 * toy-guest.h — the toy guest the engine tests run (see toy-guest.c):
 * blocks of IR text keyed by pc, a CPU with a pc and four registers, and
 * TOY_RAM_PAGES pages of softmmu RAM.
 */
#ifndef FERRY_TESTS_UNIT_TOY_GUEST_H
#define FERRY_TESTS_UNIT_TOY_GUEST_H

#include <stdint.h>

#include "jit/engine.h"

typedef struct ToyCpu {
    JitCpu jit;
    uint64_t pc;
    uint64_t r[4];
} ToyCpu;

/* How a block ends. BR_LTU: r0 <u r1 ? t0 : t1. EXIT: exception t0. */
typedef enum ToyEnd { END_JMP, END_BR_LTU, END_IND, END_EXIT } ToyEnd;

#define TOY_RAM_BASE 0x10000
#define TOY_RAM_PAGES 4
extern uint8_t toy_ram[];
/* A RAM page mapped JIT_TLB_NOTDIRTY (as if it held code); 0: none. */
extern uint64_t toy_code_page;

/* Define (or redefine) the block at pc: IR text body, then a terminator. */
void toy_set_block(uint64_t pc, const char *body, ToyEnd end, uint64_t t0, uint64_t t1);

/* The backends this build can run: toy_backend(0..toy_nb_backends()-1). */
JitBackend *toy_backend(int i);
int toy_nb_backends(void);

/* A fresh engine on backend number be (forgets every block). */
JitEngine *toy_engine_new(int be, size_t size);

/* Zero cpu, give it a softmmu TLB on the toy RAM, register it with e. */
void toy_cpu_init(JitEngine *e, ToyCpu *cpu);
void toy_cpu_fini(JitEngine *e, ToyCpu *cpu);

#endif
