/*
 * native.h — the native half of the x86 oracle: one fixed memory arena
 * (code page, 4 KiB data buffer, 4 KiB stack) in which a straight-line
 * x86-64 snippet runs directly on the host CPU, bracketed by a generated
 * prologue/epilogue that loads and stores every GPR and the flags. ferry
 * runs the same snippet at the same addresses (ferry-run.h), so any value
 * derived from an address is the same on both sides.
 *
 * Register conventions of every snippet: rbx holds XT_DATA_PTR (the middle
 * of the data buffer: [rbx+disp8] reaches either side), rsp XT_STACK_PTR
 * (the middle of the stack buffer). Both are part of the compared state.
 */
#ifndef FERRY_TESTS_X86_NATIVE_H
#define FERRY_TESTS_X86_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XT_DATA_SIZE 4096
#define XT_STACK_SIZE 4096
#define XT_MAX_CODE 2048          /* bytes of snippet */

#define XT_OSZAPC 0x8d5u          /* CF PF AF ZF SF OF */
#define XT_DF 0x400u
#define XT_CF 0x001u
#define XT_PF 0x004u
#define XT_AF 0x010u
#define XT_ZF 0x040u
#define XT_SF 0x080u
#define XT_OF 0x800u

/* Where the snippet stopped. The same names on both sides: a native
 * signal maps to the x86 exception that causes it. */
typedef enum XtOutcome {
    XT_DONE,                      /* ran to the end of the snippet */
    XT_FAULT_DE,                  /* SIGFPE  <-> #DE */
    XT_FAULT_UD,                  /* SIGILL  <-> #UD */
    XT_FAULT_SEGV,                /* SIGSEGV <-> #GP / #PF */
    XT_FAULT_TRAP,                /* SIGTRAP <-> #BP / #DB */
    XT_FAULT_OTHER,               /* anything else ferry returned */
} XtOutcome;

const char *xt_outcome_name(XtOutcome o);

/* Guest-visible machine state: GPRs (x86 order), the flags, both buffers. */
/* x87 state at the end of a run (output only: every run starts in the
 * FNINIT state). st[i] is ST(i) as 10 bytes; ftw the full tag word. */
typedef struct XtX87 {
    uint16_t fcw, fsw, ftw;
    uint8_t st[8][10];
} XtX87;

typedef struct XtState {
    uint64_t regs[16];
    uint64_t rflags;              /* on input only OSZAPC is used */
    XtX87 x87;
    uint8_t data[XT_DATA_SIZE];
    uint8_t stack[XT_STACK_SIZE];
} XtState;

/* The end state of one run. At a fault, `st` is the state at the faulting
 * instruction and fault_off its offset from the start of the snippet. */
typedef struct XtResult {
    XtOutcome outcome;
    uint64_t fault_off;
    XtState st;
} XtResult;

/* Addresses fixed once xt_arena_init has run. */
extern uint8_t *xt_snippet;       /* where snippets run (native and ferry) */
extern uint8_t *xt_data;          /* the data buffer */
extern uint8_t *xt_stack;         /* the stack buffer */
#define XT_DATA_PTR ((uint64_t)(uintptr_t)(xt_data + XT_DATA_SIZE / 2))
#define XT_STACK_PTR ((uint64_t)(uintptr_t)(xt_stack + XT_STACK_SIZE / 2))

/* Map the arena (RWX code page, data, stack, guard pages around them; at
 * 0x5a5a0000000 when that is free). Call once before anything else. */
void xt_arena_init(void);

/* Fill a state with rbx/rsp set to the buffer pointers, everything else 0. */
void xt_state_init(XtState *st);

/* Copy st's buffers into the arena / the arena's buffers into st. */
void xt_arena_load(const XtState *st);
void xt_arena_save(XtState *st);

/*
 * x86-64 hosts only (native.c). Run code[0..len) natively from state `in`
 * and fill `out`; the first call installs the signal handlers. Signals raised
 * by the snippet are caught (with the state at the faulting instruction);
 * a signal anywhere else keeps its default action.
 */
void xt_native_run(const uint8_t *code, size_t len, const XtState *in, XtResult *out);

#endif
