/*
 * cpu-model.c — the CPU models as data: the features each advertises,
 * where each feature shows in CPUID (AT_HWCAP and linux-user's
 * /proc/cpuinfo are read from CPUID), and which X86Ops belong to it (the
 * translator raises #UD for the others). CPUID itself
 * is computed here from the model; system.c calls it from guest code.
 */
#include "frontend-x86/cpu-model.h"

#include <string.h>

#include "frontend-x86/xsave.h"

#define V2_FEATURES                                                        \
    (X86_FEAT_BIT(SSE3) | X86_FEAT_BIT(SSSE3) | X86_FEAT_BIT(SSE41) |      \
     X86_FEAT_BIT(SSE42) | X86_FEAT_BIT(POPCNT) | X86_FEAT_BIT(CX16) |     \
     X86_FEAT_BIT(LAHF64))

const X86CpuModel x86_cpu_models[] = {
    { "max", "x86-64-v2 and every extension ferry implements: PCLMULQDQ AES "
             "MOVBE XSAVE BMI1 BMI2 ADX LZCNT (the default)",
      (1u << X86_FEAT__COUNT) - 1 },
    { "v2", "x86-64-v2: v1 + CMPXCHG16B LAHF/SAHF POPCNT SSE3 SSSE3 SSE4.1 SSE4.2",
      V2_FEATURES },
    { "v1", "x86-64 baseline: CMOV CX8 FPU FXSR MMX SSE SSE2 SYSCALL", 0 },
    { NULL, NULL, 0 },
};

/* Written once before any guest code runs (x86_cpu_model_select). */
static const X86CpuModel *current = &x86_cpu_models[0];

const X86CpuModel *x86_cpu_model_find(const char *name)
{
    for (const X86CpuModel *m = x86_cpu_models; m->name; m++) {
        if (strcmp(m->name, name) == 0) {
            return m;
        }
    }
    return NULL;
}

void x86_cpu_model_select(const X86CpuModel *m)
{
    current = m;
}

const X86CpuModel *x86_cpu_model_current(void)
{
    return current;
}

/* ---------------------------------------------------------------------- */
/* CPUID                                                                   */

/* Where a feature is reported: leaf (1, 7 or 0x80000001), register
 * (0 eax .. 3 edx), bit. */
typedef struct FeatureBit {
    int8_t feat;                   /* X86Feature, -1 = baseline (always) */
    uint32_t leaf;
    uint8_t reg, bit;
} FeatureBit;

enum { EAX, EBX, ECX, EDX };

static const FeatureBit feature_bits[] = {
    /* baseline: FPU TSC CX8 CMOV CLFSH MMX FXSR SSE SSE2, SYSCALL LM (every
     * x86-64 CPU has CLFLUSH; the JVM refuses to start without the bit) */
    { -1, 1, EDX, 0 }, { -1, 1, EDX, 4 }, { -1, 1, EDX, 8 }, { -1, 1, EDX, 15 },
    { -1, 1, EDX, 19 },
    { -1, 1, EDX, 23 }, { -1, 1, EDX, 24 }, { -1, 1, EDX, 25 }, { -1, 1, EDX, 26 },
    { -1, 0x80000001, EDX, 11 }, { -1, 0x80000001, EDX, 29 },
    { X86_FEAT_SSE3, 1, ECX, 0 }, { X86_FEAT_PCLMUL, 1, ECX, 1 },
    { X86_FEAT_SSSE3, 1, ECX, 9 }, { X86_FEAT_CX16, 1, ECX, 13 },
    { X86_FEAT_SSE41, 1, ECX, 19 }, { X86_FEAT_SSE42, 1, ECX, 20 },
    { X86_FEAT_MOVBE, 1, ECX, 22 }, { X86_FEAT_POPCNT, 1, ECX, 23 },
    { X86_FEAT_AES, 1, ECX, 25 }, { X86_FEAT_XSAVE, 1, ECX, 26 },
    /* OSXSAVE: the OS has set XCR0, which Linux does whenever XSAVE exists */
    { X86_FEAT_XSAVE, 1, ECX, 27 },
    { X86_FEAT_LAHF64, 0x80000001, ECX, 0 },
    { X86_FEAT_LZCNT, 0x80000001, ECX, 5 },          /* ABM */
    { X86_FEAT_BMI1, 7, EBX, 3 }, { X86_FEAT_BMI2, 7, EBX, 8 },
    { X86_FEAT_ADX, 7, EBX, 19 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool has(const X86CpuModel *m, int feat)
{
    return feat < 0 || (m->features >> feat & 1);
}

/* CPUID leaf 0xD: the XSAVE components of xsave.h (x87, SSE) and the
 * instructions xsave.c implements (XSAVEOPT, XSAVEC; no XGETBV1, XSAVES). */
static void xsave_leaf(uint32_t sub, uint32_t r[4])
{
    switch (sub) {
    case 0:
        r[EAX] = X86_XCR0;             /* supported XCR0 bits */
        r[EBX] = X86_XSAVE_AREA_SIZE;  /* size for the enabled components */
        r[ECX] = X86_XSAVE_AREA_SIZE;  /* size for all supported ones */
        break;
    case 1:
        r[EAX] = 1u << 0 | 1u << 1;    /* XSAVEOPT, XSAVEC */
        r[EBX] = X86_XSAVE_AREA_SIZE;  /* compacted size of XCR0 | XSS */
        break;
    default:
        break;                         /* no components 2..62 */
    }
}

void x86_cpuid(const X86CpuModel *m, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    bool xsave = has(m, X86_FEAT_XSAVE);

    memset(out, 0, 4 * sizeof(out[0]));
    switch (leaf) {
    case 0:
        out[EAX] = xsave ? 0xd : 7;
        /* "GenuineIntel" (ebx, edx, ecx): glibc reads the feature leaves
         * only for vendors it knows, and ld.so refuses dynamic programs
         * without the x86-64 baseline found there. Family 6 below. */
        memcpy(&out[EBX], "Genu", 4);
        memcpy(&out[EDX], "ineI", 4);
        memcpy(&out[ECX], "ntel", 4);
        return;
    case 1:
        out[EAX] = 0x000606a0;         /* family 6 */
        out[EBX] = 8u << 8;            /* CLFLUSH line size: 8 quadwords */
        break;
    case 7:
        if (sub != 0) {
            return;
        }
        break;
    case 0xd:
        if (xsave) {
            xsave_leaf(sub, out);
        }
        return;
    case 0x80000000:
        out[EAX] = 0x80000001;
        return;
    case 0x80000001:
        break;
    default:
        return;
    }
    for (size_t i = 0; i < COUNT(feature_bits); i++) {
        const FeatureBit *f = &feature_bits[i];
        if (f->leaf == leaf && has(m, f->feat)) {
            out[f->reg] |= 1u << f->bit;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Instructions by feature                                                 */

/* feature + 1 of each X86Op that needs one (0: baseline). Forms that share
 * an X86Op with a baseline form are sorted out in x86_cpu_model_op. */
#define F(f) (X86_FEAT_##f + 1)
static const uint8_t op_feature[X86_OP__COUNT] = {
    [X86_OP_ADDSUBPS] = F(SSE3), [X86_OP_ADDSUBPD] = F(SSE3), [X86_OP_HADDPS] = F(SSE3),
    [X86_OP_HADDPD] = F(SSE3), [X86_OP_HSUBPS] = F(SSE3), [X86_OP_HSUBPD] = F(SSE3),
    [X86_OP_LDDQU] = F(SSE3), [X86_OP_MOVDDUP] = F(SSE3), [X86_OP_MOVSHDUP] = F(SSE3),
    [X86_OP_MOVSLDUP] = F(SSE3), [X86_OP_FISTTP] = F(SSE3), [X86_OP_MONITOR] = F(SSE3),
    [X86_OP_MWAIT] = F(SSE3),
    [X86_OP_PSHUFB] = F(SSSE3), [X86_OP_PHADDW] = F(SSSE3), [X86_OP_PHADDD] = F(SSSE3),
    [X86_OP_PHADDSW] = F(SSSE3), [X86_OP_PMADDUBSW] = F(SSSE3), [X86_OP_PHSUBW] = F(SSSE3),
    [X86_OP_PHSUBD] = F(SSSE3), [X86_OP_PHSUBSW] = F(SSSE3), [X86_OP_PSIGNB] = F(SSSE3),
    [X86_OP_PSIGNW] = F(SSSE3), [X86_OP_PSIGND] = F(SSSE3), [X86_OP_PMULHRSW] = F(SSSE3),
    [X86_OP_PABSB] = F(SSSE3), [X86_OP_PABSW] = F(SSSE3), [X86_OP_PABSD] = F(SSSE3),
    [X86_OP_PALIGNR] = F(SSSE3),
    [X86_OP_PMULLD] = F(SSE41), [X86_OP_PMULDQ] = F(SSE41), [X86_OP_PMINSB] = F(SSE41),
    [X86_OP_PMINSD] = F(SSE41), [X86_OP_PMINUW] = F(SSE41), [X86_OP_PMINUD] = F(SSE41),
    [X86_OP_PMAXSB] = F(SSE41), [X86_OP_PMAXSD] = F(SSE41), [X86_OP_PMAXUW] = F(SSE41),
    [X86_OP_PMAXUD] = F(SSE41), [X86_OP_PCMPEQQ] = F(SSE41), [X86_OP_PACKUSDW] = F(SSE41),
    [X86_OP_PTEST] = F(SSE41), [X86_OP_PBLENDVB] = F(SSE41), [X86_OP_BLENDVPS] = F(SSE41),
    [X86_OP_BLENDVPD] = F(SSE41), [X86_OP_PBLENDW] = F(SSE41), [X86_OP_BLENDPS] = F(SSE41),
    [X86_OP_BLENDPD] = F(SSE41), [X86_OP_ROUNDPS] = F(SSE41), [X86_OP_ROUNDPD] = F(SSE41),
    [X86_OP_ROUNDSS] = F(SSE41), [X86_OP_ROUNDSD] = F(SSE41), [X86_OP_DPPS] = F(SSE41),
    [X86_OP_DPPD] = F(SSE41), [X86_OP_MPSADBW] = F(SSE41), [X86_OP_PHMINPOSUW] = F(SSE41),
    [X86_OP_INSERTPS] = F(SSE41), [X86_OP_EXTRACTPS] = F(SSE41), [X86_OP_PEXTRB] = F(SSE41),
    [X86_OP_PEXTRD] = F(SSE41), [X86_OP_PINSRB] = F(SSE41), [X86_OP_PINSRD] = F(SSE41),
    [X86_OP_MOVNTDQA] = F(SSE41),
    [X86_OP_PMOVSXBW] = F(SSE41), [X86_OP_PMOVSXBD] = F(SSE41), [X86_OP_PMOVSXBQ] = F(SSE41),
    [X86_OP_PMOVSXWD] = F(SSE41), [X86_OP_PMOVSXWQ] = F(SSE41), [X86_OP_PMOVSXDQ] = F(SSE41),
    [X86_OP_PMOVZXBW] = F(SSE41), [X86_OP_PMOVZXBD] = F(SSE41), [X86_OP_PMOVZXBQ] = F(SSE41),
    [X86_OP_PMOVZXWD] = F(SSE41), [X86_OP_PMOVZXWQ] = F(SSE41), [X86_OP_PMOVZXDQ] = F(SSE41),
    [X86_OP_PCMPESTRI] = F(SSE42), [X86_OP_PCMPESTRM] = F(SSE42),
    [X86_OP_PCMPISTRI] = F(SSE42), [X86_OP_PCMPISTRM] = F(SSE42),
    [X86_OP_PCMPGTQ] = F(SSE42), [X86_OP_CRC32] = F(SSE42),
    [X86_OP_POPCNT] = F(POPCNT), [X86_OP_CMPXCHG16B] = F(CX16),
    [X86_OP_LAHF] = F(LAHF64), [X86_OP_SAHF] = F(LAHF64),
    [X86_OP_PCLMULQDQ] = F(PCLMUL),
    [X86_OP_AESENC] = F(AES), [X86_OP_AESENCLAST] = F(AES), [X86_OP_AESDEC] = F(AES),
    [X86_OP_AESDECLAST] = F(AES), [X86_OP_AESIMC] = F(AES), [X86_OP_AESKEYGENASSIST] = F(AES),
    [X86_OP_MOVBE] = F(MOVBE),
    [X86_OP_XSAVE] = F(XSAVE), [X86_OP_XRSTOR] = F(XSAVE), [X86_OP_XSAVEOPT] = F(XSAVE),
    [X86_OP_XSAVEC] = F(XSAVE), [X86_OP_XGETBV] = F(XSAVE), [X86_OP_XSETBV] = F(XSAVE),
    [X86_OP_ANDN] = F(BMI1), [X86_OP_BLSI] = F(BMI1), [X86_OP_BLSMSK] = F(BMI1),
    [X86_OP_BLSR] = F(BMI1), [X86_OP_BEXTR] = F(BMI1), [X86_OP_TZCNT] = F(BMI1),
    [X86_OP_BZHI] = F(BMI2), [X86_OP_PDEP] = F(BMI2), [X86_OP_PEXT] = F(BMI2),
    [X86_OP_MULX] = F(BMI2), [X86_OP_SHLX] = F(BMI2), [X86_OP_SHRX] = F(BMI2),
    [X86_OP_SARX] = F(BMI2), [X86_OP_RORX] = F(BMI2),
    [X86_OP_ADCX] = F(ADX), [X86_OP_ADOX] = F(ADX),
    [X86_OP_LZCNT] = F(LZCNT),
};
#undef F

unsigned x86_cpu_model_op(const X86Insn *insn)
{
    unsigned op = insn->op;
    unsigned f = op_feature[op];

    /* PEXTRW's SSE2 form is 0F C5; only 66 0F 3A 15 (memory) is SSE4.1.
     * LAHF/SAHF need LAHF64 only in 64-bit mode. */
    if (op == X86_OP_PEXTRW && insn->map == X86_MAP_0F3A) {
        f = X86_FEAT_SSE41 + 1;
    }
    if ((op == X86_OP_LAHF || op == X86_OP_SAHF) && insn->mode != X86_MODE_64) {
        f = 0;
    }
    if (f == 0 || (current->features >> (f - 1) & 1)) {
        return op;
    }
    if (op == X86_OP_LZCNT || op == X86_OP_TZCNT) {
        return op == X86_OP_LZCNT ? X86_OP_BSR : X86_OP_BSF;
    }
    return X86_OP_UD;
}
