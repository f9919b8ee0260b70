/*
 * interp.h — the IR interpreter backend (jit_backend_interp, declared in
 * jit/backend.h) and the one exec-layer entry point that interpreted and
 * native code both call for `lookup_tb`.
 */
#ifndef FERRY_JIT_INTERP_H
#define FERRY_JIT_INTERP_H

#include "jit/backend.h"
#include "jit/cpu-common.h"

/*
 * Provided by the exec layer (jit/exec.c, declared in jit/engine.h): the
 * code of the TB for the CPU's current state if already translated, else
 * NULL. The interpreter's `lookup_tb` turns NULL into its epilogue (the
 * bytecode `exit_tb $0`), as native backends do.
 */
const void *jit_lookup_tb_ptr(JitCpu *cpu);

/*
 * Frame slots (8 bytes each) one interpreted TB may use: temps and
 * constants, 2 slots for an i128/v128 temp. gen_code fails with
 * JIT_ERR_TOO_LARGE beyond it. The frame lives on the host stack of
 * `enter` (INTERP_MAX_SLOTS * 8 bytes).
 */
#define INTERP_MAX_SLOTS 8192

#endif
