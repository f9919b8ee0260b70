/*
 * system.c — instructions that leave translated code or ask the host:
 * SYSCALL, INT3, UD0/UD1/UD2, HLT (privileged in user mode), CPUID, RDTSC,
 * and the NOP forms. CPUID reports only what the translator implements.
 */
#include "frontend-x86/translate.h"
#include "frontend-x86/xsave.h"

#include <string.h>
#include <time.h>

static unsigned helper_cpuid, helper_rdtsc;

/* What the translator implements today, and nothing more. x87 is in
 * x87*.c, MMX in mmx*.c, SSE up to SSE4.2 in sse-*.c and crc32.c, AES-NI
 * and PCLMULQDQ in sse-aes.c. */
#define CPUID_1_EDX ((1u << 0) /* FPU */ | (1u << 4) /* TSC */ | (1u << 8) /* CX8 */ | \
                     (1u << 15) /* CMOV */ | (1u << 23) /* MMX */ | (1u << 24) /* FXSR */ | \
                     (1u << 25) /* SSE */ | (1u << 26) /* SSE2 */)
#define CPUID_1_ECX ((1u << 0) /* SSE3 */ | (1u << 1) /* PCLMULQDQ */ | (1u << 9) /* SSSE3 */ | \
                     (1u << 13) /* CX16 */ | (1u << 19) /* SSE4.1 */ | (1u << 20) /* SSE4.2 */ | \
                     (1u << 22) /* MOVBE */ | (1u << 23) /* POPCNT */ | \
                     (1u << 25) /* AES */ | (1u << 26) /* XSAVE */ | \
                     (1u << 27) /* OSXSAVE: XCR0 set up, as Linux does */)
#define CPUID_7_EBX ((1u << 3) /* BMI1 */ | (1u << 8) /* BMI2 */ | (1u << 19) /* ADX */)

/* CPUID leaf 0xD: the XSAVE components of xsave.h (x87, SSE) and the
 * instructions xsave.c implements (XSAVEOPT, XSAVEC; no XGETBV1, XSAVES). */
static void xsave_leaf(uint32_t sub, uint32_t r[4])
{
    switch (sub) {
    case 0:
        r[0] = X86_XCR0;           /* supported XCR0 bits */
        r[1] = X86_XSAVE_AREA_SIZE;/* size for the enabled components */
        r[2] = X86_XSAVE_AREA_SIZE;/* size for all supported ones */
        break;
    case 1:
        r[0] = 1u << 0 | 1u << 1;  /* XSAVEOPT, XSAVEC */
        r[1] = X86_XSAVE_AREA_SIZE;/* compacted size of XCR0 | XSS */
        break;
    default:
        break;                     /* no components 2..62 */
    }
}

static void helper_x86_cpuid(void *env)
{
    X86Cpu *cpu = env;
    uint32_t leaf = (uint32_t)cpu->regs[X86_RAX];
    uint32_t r[4] = { 0 };         /* eax, ebx, ecx, edx */

    switch (leaf) {
    case 0:
        r[0] = 0xd;
        /* "GenuineIntel" (ebx, edx, ecx): glibc reads the feature leaves
         * only for vendors it knows, and ld.so refuses dynamic programs
         * without the x86-64 baseline found there. Family 6 below. */
        memcpy(&r[1], "Genu", 4);
        memcpy(&r[3], "ineI", 4);
        memcpy(&r[2], "ntel", 4);
        break;
    case 1:
        r[0] = 0x000606a0;         /* family 6 */
        r[2] = CPUID_1_ECX;
        r[3] = CPUID_1_EDX;
        break;
    case 7:
        if ((uint32_t)cpu->regs[X86_RCX] == 0) {
            r[1] = CPUID_7_EBX;
        }
        break;
    case 0xd:
        xsave_leaf((uint32_t)cpu->regs[X86_RCX], r);
        break;
    case 0x80000000:
        r[0] = 0x80000001;
        break;
    case 0x80000001:
        r[2] = 1u << 5;            /* LZCNT (ABM) */
        r[3] = (1u << 11) | (1u << 29);   /* SYSCALL, long mode */
        break;
    default:
        break;
    }
    cpu->regs[X86_RAX] = r[0];
    cpu->regs[X86_RBX] = r[1];
    cpu->regs[X86_RCX] = r[2];
    cpu->regs[X86_RDX] = r[3];
}

/* A monotonic nanosecond count stands for the TSC (1 GHz, invariant). */
static uint64_t helper_x86_rdtsc(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void x86_system_register_helpers(void)
{
    static const IrHelper cpuid = {
        .name = "x86_cpuid", .func = (void *)helper_x86_cpuid, .ret = IR_VOID,
        .nb_args = 1, .args = { IR_I64 }, .flags = 0,
    };
    static const IrHelper rdtsc = {
        .name = "x86_rdtsc", .func = (void *)helper_x86_rdtsc, .ret = IR_I64,
        .nb_args = 0, .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    if (!ir_helper_find(cpuid.name, &helper_cpuid)) {
        helper_cpuid = ir_helper_register(&cpuid);
        helper_rdtsc = ir_helper_register(&rdtsc);
    }
    ir_helper_find(rdtsc.name, &helper_rdtsc);
}

bool x86_tr_system(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;

    switch (tr->insn.op) {
    case X86_OP_SYSCALL:
        if (tr->mode != X86_MODE_64) {
            return false;
        }
        x86_gen_exception_next(tr, X86_EXCP_SYSCALL);
        return true;
    case X86_OP_INT3:
        x86_gen_exception_next(tr, X86_EXCP_BP);
        return true;
    case X86_OP_HLT:
        x86_gen_exception(tr, X86_EXCP_GP);   /* privileged at CPL 3 */
        return true;
    case X86_OP_CPUID:
        ir_gen_call(ctx, helper_cpuid, 0, (IrTempIdx[]){ ctx->env });
        return true;
    case X86_OP_RDTSC: {
        IrTempIdx t = x86_tmp(tr), hi = x86_tmp(tr);
        ir_gen_call(ctx, helper_rdtsc, t, NULL);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, hi, t, x86_const(tr, 32));
        x86_store_reg(tr, X86_RAX, 4, t);
        x86_store_reg(tr, X86_RDX, 4, hi);
        return true;
    }
    case X86_OP_UD0: case X86_OP_UD1: case X86_OP_UD2:
        x86_gen_exception(tr, X86_EXCP_UD);
        return true;
    default:
        return false;
    }
}

/*
 * Instructions that fault at CPL 3 with #GP: I/O without IOPL, interrupt
 * flag changes, descriptor-table and control-register writes, MSRs, cache
 * and TLB control. The system emulator will give them their CPL 0 meaning.
 */
bool x86_tr_priv(X86Tr *tr)
{
    switch (tr->insn.op) {
    case X86_OP_INT1:
        /* #DB is a trap, but what a Linux program sees (the native oracle
         * on this host) is rip at the INT1 itself, so report it there. */
        x86_gen_exception(tr, X86_EXCP_DB);
        return true;
    case X86_OP_INT:
        /* INT n through a DPL 0 gate is #GP. Linux's `int 0x80` (the 32-bit
         * syscall gate) is not supported yet and faults the same way. */
    default:
        x86_gen_exception(tr, X86_EXCP_GP);
        return true;
    }
}

bool x86_tr_nop(X86Tr *tr)
{
    (void)tr;
    return true;
}
