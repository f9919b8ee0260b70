/*
 * cpu-model.h — the guest CPU models: which optional instruction sets a
 * model advertises through CPUID (and AT_HWCAP, /proc/cpuinfo), and the
 * translator's rule that an instruction of a set the model does not
 * advertise raises #UD, as on a CPU without it. One model per process,
 * chosen before the first translation (ferry-x86_64 -cpu).
 */
#ifndef FERRY_FRONTEND_X86_CPU_MODEL_H
#define FERRY_FRONTEND_X86_CPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend-x86/decode.h"

/* The optional features, beyond the x86-64 baseline (FPU TSC CX8 CMOV MMX
 * FXSR SSE SSE2 SYSCALL LM), that ferry implements. */
#define X86_FEATURE_LIST(X)                                             \
    X(SSE3) X(SSSE3) X(SSE41) X(SSE42) X(POPCNT) X(CX16) X(LAHF64)      \
    X(PCLMUL) X(AES) X(MOVBE) X(XSAVE) X(BMI1) X(BMI2) X(ADX) X(LZCNT)

typedef enum X86Feature {
#define X(f) X86_FEAT_##f,
    X86_FEATURE_LIST(X)
#undef X
    X86_FEAT__COUNT
} X86Feature;

#define X86_FEAT_BIT(f) (1u << X86_FEAT_##f)

typedef struct X86CpuModel {
    const char *name;
    const char *what;              /* one line for -cpu help */
    uint32_t features;             /* X86_FEAT_BIT set */
} X86CpuModel;

/* The models, NULL-name terminated; the first is the default. */
extern const X86CpuModel x86_cpu_models[];

/* The model called name, or NULL. */
const X86CpuModel *x86_cpu_model_find(const char *name);

/* Select the process's model. Call before translating or running guest
 * code (its features are read without a lock afterwards). */
void x86_cpu_model_select(const X86CpuModel *m);
const X86CpuModel *x86_cpu_model_current(void);

/* CPUID of model m for leaf/subleaf: out = { eax, ebx, ecx, edx }. */
void x86_cpuid(const X86CpuModel *m, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/*
 * What the current model makes of a decoded, valid instruction: X86_OP_UD
 * when it belongs to a feature the model lacks (#UD), the op to translate
 * otherwise (LZCNT and TZCNT without LZCNT/BMI1 are BSR and BSF, as on
 * CPUs that ignore their F3 prefix).
 */
unsigned x86_cpu_model_op(const X86Insn *insn);

#endif
