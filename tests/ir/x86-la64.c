/*
 * x86-la64.c — x86 snippets through the whole loongarch64 pipeline: the
 * real front end (frontend-x86: x86_translator, code fetched from a host
 * buffer) translates each snippet into one TB, opt_run optimizes it, the
 * loongarch64 backend compiles it, and the TB runs as a standalone
 * executable under qemu-loongarch64 (tests/ir/la64-batch.h). The final
 * GPRs, rip, the defined OSZAPC flags (x86_cpu_get_eflags on the lazy
 * state) and, for the memory snippets, the whole 64 KiB of guest RAM
 * (mapped at the same guest addresses in this process for the native run)
 * are compared with the same bytes executed natively on this x86-64 host
 * from the same initial state. Only snippets whose translation
 * needs no helper call can run standalone; the others are reported as
 * skipped. x86-64 hosts only (the native run is the oracle).
 *
 *   x86-la64 [-v] [--tso]    (--tso: translated in parallel mode)
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backend-x86_64/x64-enc.h"
#include "frontend-x86/cpu.h"
#include "frontend-x86/translate.h"
#include "jit/engine.h"
#include "jit/opt.h"
#include "tests/ir/la64-batch.h"

#ifndef QEMU_LOONGARCH64
#define QEMU_LOONGARCH64 "qemu-loongarch64-static"
#endif

#define GUEST_PC 0x401000u
#define NB_STATES 12
#define FLAGS_ALL 0x8d5u            /* OF SF ZF AF PF CF */
#define FLAGS_NO_AF 0x8c5u
#define FLAGS_CF_OF 0x801u

typedef struct Snippet {
    const char *name;
    unsigned nb_insns;
    const uint8_t *code;
    unsigned len;
    uint32_t flags;                 /* EFLAGS bits the snippet defines */
    bool mem;                       /* accesses guest memory at rbx (RAM at TH_MEM_BASE) */
    unsigned feat;                  /* FEAT_*: host features the native run needs */
} Snippet;

enum { FEAT_POPCNT = 1, FEAT_LZCNT = 2, FEAT_BMI1 = 4 };

/* Bytes assembled with nasm from the text in each comment. */
static const Snippet snippets[] = {
    { "add/sub", 5,
      /* add rax, rbx; sub rcx, rdx; add esi, edi; sub r8w, r9w; add r10b, r11b */
      (const uint8_t[]){ 0x48, 0x01, 0xd8, 0x48, 0x29, 0xd1, 0x01, 0xfe, 0x66, 0x45, 0x29, 0xc8, 0x45, 0x00,
                         0xda }, 15, FLAGS_ALL },
    { "adc/sbb", 3,
      /* add r12, r13; adc r14, r15; sbb rax, rbx */
      (const uint8_t[]){ 0x4d, 0x01, 0xec, 0x4d, 0x11, 0xfe, 0x48, 0x19, 0xd8 }, 9, FLAGS_ALL },
    { "logic", 8,
      /* and rax, rbx; or rcx, rdx; xor esi, edi; and r8d, 0x7f0f; or r9, -5; xor r10w, 0x1234; not r11; neg r12d */
      (const uint8_t[]){ 0x48, 0x21, 0xd8, 0x48, 0x09, 0xd1, 0x31, 0xfe, 0x41, 0x81, 0xe0, 0x0f, 0x7f, 0x00,
                         0x00, 0x49, 0x83, 0xc9, 0xfb, 0x66, 0x41, 0x81, 0xf2, 0x34, 0x12, 0x49, 0xf7, 0xd3,
                         0x41, 0xf7, 0xdc }, 31, FLAGS_ALL },
    { "shift imm", 6,
      /* shl rax, 3; shr rbx, 7; sar rcx, 13; shl edx, 31; shr esi, 1; sar di, 5 */
      (const uint8_t[]){ 0x48, 0xc1, 0xe0, 0x03, 0x48, 0xc1, 0xeb, 0x07, 0x48, 0xc1, 0xf9, 0x0d, 0xc1, 0xe2,
                         0x1f, 0xd1, 0xee, 0x66, 0xc1, 0xff, 0x05 }, 21, 0 },
    { "rotate", 2,
      /* rol r8, 17; ror r9d, 9 */
      (const uint8_t[]){ 0x49, 0xc1, 0xc0, 0x11, 0x41, 0xc1, 0xc9, 0x09 }, 8, 0 },
    { "shift cl", 4,
      /* mov ecx, edx; shl rax, cl; shr rbx, cl; sar rsi, cl */
      (const uint8_t[]){ 0x89, 0xd1, 0x48, 0xd3, 0xe0, 0x48, 0xd3, 0xeb, 0x48, 0xd3, 0xfe }, 11, 0 },
    { "mov/movzx/movsx/lea", 8,
      /* mov eax, ebx; movzx ecx, dl; movsx rsi, di; movsxd r8, r9d; lea r10, [r11+r12*4+0x123]; lea r13d, [r14+r15*8-7]; mov bh, al; mov r15w, 0x8001 */
      (const uint8_t[]){ 0x89, 0xd8, 0x0f, 0xb6, 0xca, 0x48, 0x0f, 0xbf, 0xf7, 0x4d, 0x63, 0xc1, 0x4f, 0x8d,
                         0x94, 0xa3, 0x23, 0x01, 0x00, 0x00, 0x47, 0x8d, 0x6c, 0xfe, 0xf9, 0x88, 0xc7, 0x66,
                         0x41, 0xbf, 0x01, 0x80 }, 32, 0 },
    { "cmp+setcc", 7,
      /* cmp rax, rbx; setb cl; setl dl; setz sil; setbe dil; setle r8b; sets r9b */
      (const uint8_t[]){ 0x48, 0x39, 0xd8, 0x0f, 0x92, 0xc1, 0x0f, 0x9c, 0xc2, 0x40, 0x0f, 0x94, 0xc6, 0x40,
                         0x0f, 0x96, 0xc7, 0x41, 0x0f, 0x9e, 0xc0, 0x41, 0x0f, 0x98, 0xc1 }, 25, FLAGS_ALL },
    { "cmp32+setcc", 7,
      /* cmp eax, ebx; seta cl; setg dl; setnz sil; setae dil; setge r8b; setns r9b */
      (const uint8_t[]){ 0x39, 0xd8, 0x0f, 0x97, 0xc1, 0x0f, 0x9f, 0xc2, 0x40, 0x0f, 0x95, 0xc6, 0x40, 0x0f,
                         0x93, 0xc7, 0x41, 0x0f, 0x9d, 0xc0, 0x41, 0x0f, 0x99, 0xc1 }, 24, FLAGS_ALL },
    { "seto/setp", 3,
      /* cmp rax, rbx; seto r10b; setp r11b */
      (const uint8_t[]){ 0x48, 0x39, 0xd8, 0x41, 0x0f, 0x90, 0xc2, 0x41, 0x0f, 0x9a, 0xc3 }, 11, FLAGS_ALL },
    { "cmov", 7,
      /* cmp rax, rbx; cmovb rcx, rdx; cmovg rsi, rdi; cmovz r8, r9; cmovns r10d, r11d; test r12, r13; cmovnz r14, r15 */
      (const uint8_t[]){ 0x48, 0x39, 0xd8, 0x48, 0x0f, 0x42, 0xca, 0x48, 0x0f, 0x4f, 0xf7, 0x4d, 0x0f, 0x44,
                         0xc1, 0x45, 0x0f, 0x49, 0xd3, 0x4d, 0x85, 0xec, 0x4d, 0x0f, 0x45, 0xf7 }, 26, FLAGS_NO_AF },
    { "inc/dec/test", 7,
      /* inc rax; dec ebx; inc cx; dec dl; test rsi, rdi; setz r8b; inc r9 */
      (const uint8_t[]){ 0x48, 0xff, 0xc0, 0xff, 0xcb, 0x66, 0xff, 0xc1, 0xfe, 0xca, 0x48, 0x85, 0xfe, 0x41,
                         0x0f, 0x94, 0xc0, 0x49, 0xff, 0xc1 }, 20, FLAGS_ALL },
    { "bswap/xchg", 5,
      /* bswap rax; bswap ebx; xchg rcx, rdx; xchg esi, edi; xadd r8, r9 */
      (const uint8_t[]){ 0x48, 0x0f, 0xc8, 0x0f, 0xcb, 0x48, 0x87, 0xca, 0x87, 0xf7, 0x4d, 0x0f, 0xc1, 0xc8 }, 14, FLAGS_ALL },
    { "imul", 3,
      /* imul rax, rbx; imul ecx, edx, 77; imul rsi, rdi, -3 */
      (const uint8_t[]){ 0x48, 0x0f, 0xaf, 0xc3, 0x6b, 0xca, 0x4d, 0x48, 0x6b, 0xf7, 0xfd }, 11, FLAGS_CF_OF },
    { "add+flags", 1,
      /* add rax, rbx */
      (const uint8_t[]){ 0x48, 0x01, 0xd8 }, 3, FLAGS_ALL },
    { "sub+flags", 1,
      /* sub rcx, rdx */
      (const uint8_t[]){ 0x48, 0x29, 0xd1 }, 3, FLAGS_ALL },
    { "sub32+flags", 1,
      /* sub ecx, edx */
      (const uint8_t[]){ 0x29, 0xd1 }, 2, FLAGS_ALL },
    { "and+flags", 1,
      /* and rsi, rdi */
      (const uint8_t[]){ 0x48, 0x21, 0xfe }, 3, FLAGS_NO_AF },
    { "cmp8+flags", 1,
      /* cmp al, bl */
      (const uint8_t[]){ 0x38, 0xd8 }, 2, FLAGS_ALL },
    { "load/store", 8,
      /* mov [rbx+8], rax; mov rcx, [rbx+16]; mov [rbx+20], edx; mov [rbx+27], si; mov [rbx+30], dil; movzx r8d, byte [rbx+3]; movsx r9, word [rbx+5]; movsxd r10, dword [rbx+9] */
      (const uint8_t[]){ 0x48, 0x89, 0x43, 0x08, 0x48, 0x8b, 0x4b, 0x10, 0x89, 0x53, 0x14, 0x66, 0x89, 0x73,
                         0x1b, 0x40, 0x88, 0x7b, 0x1e, 0x44, 0x0f, 0xb6, 0x43, 0x03, 0x4c, 0x0f, 0xbf, 0x4b,
                         0x05, 0x4c, 0x63, 0x53, 0x09 }, 33, 0, true },
    { "rmw memory", 8,
      /* add [rbx+24], rdx; sub dword [rbx+40], 77; and [rbx+44], cx; or byte [rbx+47], 0x81; xor [rbx+48], rsi; neg qword [rbx+56]; not dword [rbx+64]; inc word [rbx+70] */
      (const uint8_t[]){ 0x48, 0x01, 0x53, 0x18, 0x83, 0x6b, 0x28, 0x4d, 0x66, 0x21, 0x4b, 0x2c, 0x80, 0x4b,
                         0x2f, 0x81, 0x48, 0x31, 0x73, 0x30, 0x48, 0xf7, 0x5b, 0x38, 0xf7, 0x53, 0x40, 0x66,
                         0xff, 0x43, 0x46 }, 31, FLAGS_ALL, true },
    { "xadd/xchg memory", 3,
      /* xadd [rbx+32], r8; xchg [rbx+40], r9; lock xadd [rbx+61], r11d */
      (const uint8_t[]){ 0x4c, 0x0f, 0xc1, 0x43, 0x20, 0x4c, 0x87, 0x4b, 0x28, 0xf0, 0x44, 0x0f, 0xc1, 0x5b,
                         0x3d }, 15, FLAGS_ALL, true },
    /* Flags after CMPXCHG are not compared: for the 64-bit form the front end
     * (frontend-x86/atomic.c, x86_tr_cmpxchg) computes them from rAX after
     * the movcond updated it (x86_load_reg returns the rax global itself), so
     * ZF is always set. The second cmpxchg succeeds, the others mostly fail. */
    { "cmpxchg memory", 6,
      /* cmpxchg [rbx+48], r10; mov r13, rax; mov rax, [rbx+8]; lock cmpxchg [rbx+8], r12; mov r14, rax; lock cmpxchg [rbx+72], r12 */
      (const uint8_t[]){ 0x4c, 0x0f, 0xb1, 0x53, 0x30, 0x49, 0x89, 0xc5, 0x48, 0x8b, 0x43, 0x08, 0xf0, 0x4c,
                         0x0f, 0xb1, 0x63, 0x08, 0x49, 0x89, 0xc6, 0xf0, 0x4c, 0x0f, 0xb1, 0x63, 0x48 }, 27, 0, true },
    { "cmp memory+setcc", 6,
      /* cmp [rbx+16], rax; setb cl; setz dl; setl sil; test [rbx+24], edi; setnz r8b */
      (const uint8_t[]){ 0x48, 0x39, 0x43, 0x10, 0x0f, 0x92, 0xc1, 0x0f, 0x94, 0xc2, 0x40, 0x0f, 0x9c, 0xc6,
                         0x85, 0x7b, 0x18, 0x41, 0x0f, 0x95, 0xc0 }, 21, FLAGS_NO_AF, true },
    { "bit scan", 6,
      /* or rsi, 1; bsf rax, rsi; bsr rcx, rsi; or edi, 0x100; bsf edx, edi; bsr r8d, edi */
      (const uint8_t[]){ 0x48, 0x83, 0xce, 0x01, 0x48, 0x0f, 0xbc, 0xc6, 0x48, 0x0f, 0xbd, 0xce, 0x81, 0xcf,
                         0x00, 0x01, 0x00, 0x00, 0x0f, 0xbc, 0xd7, 0x44, 0x0f, 0xbd, 0xc7 }, 25, 0x40, false, 0 },
    { "popcnt", 3,
      /* popcnt rax, rbx; popcnt r8d, r9d; popcnt cx, dx */
      (const uint8_t[]){ 0xf3, 0x48, 0x0f, 0xb8, 0xc3, 0xf3, 0x45, 0x0f, 0xb8, 0xc1, 0x66, 0xf3, 0x0f, 0xb8,
                         0xca }, 15, 0x8d5, false, FEAT_POPCNT },
    { "lzcnt", 3,
      /* lzcnt rcx, rdx; lzcnt r10d, r11d; lzcnt si, di */
      (const uint8_t[]){ 0xf3, 0x48, 0x0f, 0xbd, 0xca, 0xf3, 0x45, 0x0f, 0xbd, 0xd3, 0x66, 0xf3, 0x0f, 0xbd,
                         0xf7 }, 15, 0x41, false, FEAT_LZCNT },
    { "tzcnt", 3,
      /* tzcnt rsi, rdi; tzcnt eax, ebx; tzcnt r12w, r13w */
      (const uint8_t[]){ 0xf3, 0x48, 0x0f, 0xbc, 0xf7, 0xf3, 0x0f, 0xbc, 0xc3, 0x66, 0xf3, 0x45, 0x0f, 0xbc,
                         0xe5 }, 15, 0x41, false, FEAT_BMI1 },
    { "bt family", 6,
      /* bt rax, 5; setc cl; bts rdx, 63; btr rsi, 0; btc edi, 31; bt r8, r9 */
      (const uint8_t[]){ 0x48, 0x0f, 0xba, 0xe0, 0x05, 0x0f, 0x92, 0xc1, 0x48, 0x0f, 0xba, 0xea, 0x3f, 0x48,
                         0x0f, 0xba, 0xf6, 0x00, 0x0f, 0xba, 0xff, 0x1f, 0x4d, 0x0f, 0xa3, 0xc8 }, 26, 0x1, false, 0 },
    { "cdqe/cqo", 2,
      /* cdqe; cqo */
      (const uint8_t[]){ 0x48, 0x98, 0x48, 0x99 }, 4, 0, false, 0 },
    { "cbw/cwd/cdq", 4,
      /* cbw; cwd; cwde; cdq */
      (const uint8_t[]){ 0x66, 0x98, 0x66, 0x99, 0x98, 0x99 }, 6, 0, false, 0 },
    { "mul", 2,
      /* imul rbx; mul ecx */
      (const uint8_t[]){ 0x48, 0xf7, 0xeb, 0xf7, 0xe1 }, 5, 0x801, false, 0 },
    { "div", 3,
      /* xor edx, edx; or rcx, 1; div rcx */
      (const uint8_t[]){ 0x31, 0xd2, 0x48, 0x83, 0xc9, 0x01, 0x48, 0xf7, 0xf1 }, 9, 0, false, 0 },
    { "shl 1 flags", 1,
      /* shl rax, 1 */
      (const uint8_t[]){ 0x48, 0xd1, 0xe0 }, 3, 0x8c5, false, 0 },
    { "sar cl flags", 2,
      /* mov ecx, 3; sar rbx, cl */
      (const uint8_t[]){ 0xb9, 0x03, 0x00, 0x00, 0x00, 0x48, 0xd3, 0xfb }, 8, 0xc5, false, 0 },
    { "shr 8-bit flags", 1,
      /* shr dl, 2 */
      (const uint8_t[]){ 0xc0, 0xea, 0x02 }, 3, 0xc5, false, 0 },
};

static const Snippet *cur_snippet;

static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)cpu;
    if (addr < GUEST_PC || addr >= GUEST_PC + cur_snippet->len) {
        return 0;
    }
    size_t n = MIN(len, GUEST_PC + cur_snippet->len - addr);
    memcpy(buf, cur_snippet->code + (addr - GUEST_PC), n);
    return n;
}

/* ---------------------------------------------------------------------- */
/* Native execution                                                        */

/*
 * Guest RAM for the native run: the same guest addresses, mapped at
 * TH_MEM_BASE in this process (NULL if that address is taken: the memory
 * snippets are then skipped).
 */
static uint8_t *native_mem;

static void native_mem_map(void)
{
    void *p = mmap((void *)(uintptr_t)TH_MEM_BASE, TH_MEM_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    native_mem = p == (void *)(uintptr_t)TH_MEM_BASE ? p : NULL;
}

/* regs[16] in, regs[16] and flags out; rsp is neither loaded nor stored. */
typedef struct NativeState {
    uint64_t regs[16];
    uint64_t flags;
} NativeState;

/*
 * void run(NativeState *st): save callee-saved registers, load every GPR
 * but rsp from st, run the snippet, pushfq, store the GPRs and flags back.
 */
static void native_run(const Snippet *sn, NativeState *st)
{
    static uint8_t *page;
    X64Buf b;

    if (!page) {
        page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        g_assert(page != MAP_FAILED);
    }
    static const int saved[] = { X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R14, X64_R15 };
    x64_buf_init(&b, page, 4096, (uintptr_t)page);
    for (unsigned i = 0; i < G_N_ELEMENTS(saved); i++) {
        x64_push(&b, saved[i]);
    }
    x64_push(&b, X64_RDI);
    for (int r = 0; r < 16; r++) {
        if (r != X64_RSP && r != X64_RDI) {
            x64_load(&b, 8, false, true, r, x64_mem(X64_RDI, 8 * r));
        }
    }
    x64_load(&b, 8, false, true, X64_RDI, x64_mem(X64_RDI, 8 * X64_RDI));
    memcpy(b.p, sn->code, sn->len);
    b.p += sn->len;
    *b.p++ = 0x9c;                                    /* pushfq */
    x64_push(&b, X64_RDI);
    x64_load(&b, 8, false, true, X64_RDI, x64_mem(X64_RSP, 16));
    for (int r = 0; r < 16; r++) {
        if (r != X64_RSP && r != X64_RDI) {
            x64_store(&b, 8, r, x64_mem(X64_RDI, 8 * r));
        }
    }
    x64_pop(&b, X64_RAX);
    x64_store(&b, 8, X64_RAX, x64_mem(X64_RDI, 8 * X64_RDI));
    x64_pop(&b, X64_RAX);
    x64_store(&b, 8, X64_RAX, x64_mem(X64_RDI, 128));
    x64_pop(&b, X64_RDI);
    for (unsigned i = G_N_ELEMENTS(saved); i-- > 0;) {
        x64_pop(&b, saved[i]);
    }
    x64_ret(&b);
    g_assert(!x64_buf_overflow(&b));
    __builtin___clear_cache((char *)page, (char *)b.p);
    ((void (*)(NativeState *))page)(st);
}

static unsigned host_feats(void)
{
    const X64Features *f = x64_features();
    return (f->popcnt ? FEAT_POPCNT : 0) | (f->lzcnt ? FEAT_LZCNT : 0) | (f->bmi1 ? FEAT_BMI1 : 0);
}

/* ---------------------------------------------------------------------- */
/* Translation                                                             */

static JitEngine engine;            /* only log_mask/log are read (unimp path) */

/* Translate the snippet into ctx (reset); false (with why) if it cannot run
 * standalone. */
static bool translate(const Snippet *sn, IrContext *ctx, X86Cpu *cpu, TbEntry *tb,
                      const char **why)
{
    cur_snippet = sn;
    x86_tr_config.fetch = fetch;
    x86_tr_config.max_insns = sn->nb_insns;
    x86_tr_config.user_mode = true;
    ir_reset(ctx);
    memset(tb, 0, sizeof(*tb));
    tb->pc = GUEST_PC;
    tb->flags = X86_MODE_64;
    if (x86_translator.translate(&cpu->jit, tb, ctx) != 0) {
        *why = "translation failed";
        return false;
    }
    opt_run(ctx);
    IR_FOR_EACH_OP(ctx, op) {
        if (op->opc == IR_OP_call) {
            *why = ir_helper_get(ir_op_cargs(op)[0])->name;
            return false;
        }
    }
    return true;
}

static void init_state(X86Cpu *cpu, GRand *rng, const Snippet *sn, uint8_t *mem)
{
    static const uint64_t edge[] = { 0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                     0xffffffff, 0x80000000, 0x7f, 0x80, 0xffff };
    memset(cpu, 0, sizeof(*cpu));
    cpu->jit.engine = &engine;
    cpu->jit.exception = -1;
    for (int r = 0; r < 16; r++) {
        uint64_t v = (uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng);
        if (g_rand_int_range(rng, 0, 3) == 0) {
            v = edge[g_rand_int_range(rng, 0, G_N_ELEMENTS(edge))];
        } else if (g_rand_int_range(rng, 0, 3) == 0) {
            v &= 0xff;                       /* small values: shift counts, equal bytes */
        }
        cpu->regs[r] = v;
    }
    cpu->regs[4] = 0x7fff0000;               /* rsp: never touched by the snippets */
    if (sn->mem) {
        cpu->regs[3] = TH_MEM_BASE + 0x100 + g_rand_int_range(rng, 0, 64);   /* rbx */
        for (unsigned i = 0; i < TH_MEM_SIZE; i++) {
            mem[i] = g_rand_int(rng);
        }
    } else {
        memset(mem, 0, TH_MEM_SIZE);
    }
    cpu->rip = GUEST_PC;
    cpu->df = 1;
    x86_cpu_set_eflags(cpu, 0x202);
}

typedef struct Run {
    const Snippet *sn;
    X86Cpu start;
    TbEntry *tb;
    uint8_t *mem;                   /* initial guest RAM (memory snippets) */
} Run;

static bool check(const Run *r, const X86Cpu *got, const uint8_t *got_mem, uint64_t ret,
                  bool verbose)
{
    NativeState ns;
    GString *why = g_string_new(NULL);

    memcpy(ns.regs, r->start.regs, sizeof(ns.regs));
    if (r->mem) {
        memcpy(native_mem, r->mem, TH_MEM_SIZE);
    }
    native_run(r->sn, &ns);
    for (unsigned i = 0; r->mem && i < TH_MEM_SIZE; i++) {
        if (got_mem[i] != native_mem[i]) {
            g_string_append_printf(why, " mem[%#x]=%02x (native %02x)", TH_MEM_BASE + i,
                                   got_mem[i], native_mem[i]);
            break;
        }
    }
    ns.regs[4] = r->start.regs[4];
    for (int i = 0; i < 16; i++) {
        if (got->regs[i] != ns.regs[i]) {
            g_string_append_printf(why, " r%d=%#" PRIx64 " (native %#" PRIx64 ")", i,
                                   got->regs[i], ns.regs[i]);
        }
    }
    if (got->rip != GUEST_PC + r->sn->len) {
        g_string_append_printf(why, " rip=%#" PRIx64, got->rip);
    }
    uint64_t fl = x86_cpu_get_eflags(got);
    if ((fl ^ ns.flags) & r->sn->flags) {
        g_string_append_printf(why, " flags=%#" PRIx64 " (native %#" PRIx64 ", mask %#x)",
                               fl & r->sn->flags, ns.flags & r->sn->flags, r->sn->flags);
    }
    if (ret != (uintptr_t)r->tb) {
        g_string_append_printf(why, " exit word %#" PRIx64 " (want the TB, slot 0)", ret);
    }
    bool ok = why->len == 0;
    if (!ok || verbose) {
        printf("%s %s:%s\n", ok ? "pass" : "FAIL", r->sn->name, why->str);
    }
    g_string_free(why, true);
    return ok;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        verbose |= !strcmp(argv[i], "-v");
        /* --tso: translate in parallel mode (docs/memory-model.md) */
        engine.parallel = engine.parallel || !strcmp(argv[i], "--tso");
    }
    unsigned passed = 0, failed = 0, skipped = 0;
    static uint8_t mem[TH_MEM_SIZE];
    GRand *rng = g_rand_new_with_seed(42);
    gint64 t0 = g_get_monotonic_time();

    if (!g_file_test(QEMU_LOONGARCH64, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("SKIP: %s not found\n", QEMU_LOONGARCH64);
        return 77;
    }
    engine.log = stdout;
    native_mem_map();
    IrContext *ctx = ir_context_new();
    x86_translator.init_context(ctx);
    La64Batch b;
    la64_batch_init(&b);
    Run *runs = g_new0(Run, G_N_ELEMENTS(snippets) * NB_STATES);
    unsigned nr = 0;
    for (unsigned s = 0; s < G_N_ELEMENTS(snippets); s++) {
        const char *why = NULL;
        X86Cpu cpu;
        TbEntry *tb = g_new0(TbEntry, 1);
        if (snippets[s].mem && !native_mem) {
            printf("skip %s: guest RAM address taken in this process\n", snippets[s].name);
            skipped++;
            g_free(tb);
            continue;
        }
        if (snippets[s].feat & ~host_feats()) {
            printf("skip %s: this host cannot run it natively\n", snippets[s].name);
            skipped++;
            g_free(tb);
            continue;
        }
        init_state(&cpu, rng, &snippets[s], mem);
        if (!translate(&snippets[s], ctx, &cpu, tb, &why)) {
            printf("skip %s: calls helper %s\n", snippets[s].name, why);
            skipped++;
            g_free(tb);
            continue;
        }
        if (verbose) {
            ir_print(ctx, stdout);
        }
        const int chain[1][2] = { { -1, -1 } };
        for (unsigned k = 0; k < NB_STATES; k++) {
            if (k) {
                init_state(&cpu, rng, &snippets[s], mem);
            }
            ThStatus st = la64_batch_add(&b, &ctx, 1, chain, &cpu, sizeof(cpu), mem, false);
            if (st != TH_RAN) {
                printf("FAIL %s: code generation failed (%d)\n", snippets[s].name, st);
                failed++;
                break;
            }
            runs[nr++] = (Run){ .sn = &snippets[s], .start = cpu, .tb = tb,
                                .mem = snippets[s].mem ? g_memdup2(mem, TH_MEM_SIZE) : NULL };
        }
    }
    char why[160];
    if (nr && !la64_batch_run(&b, QEMU_LOONGARCH64, 60, why, sizeof(why))) {
        printf("FAIL: the executable did not run: %s\n", why);
        failed += nr;
    } else {
        for (unsigned i = 0; i < nr; i++) {
            X86Cpu got;
            uint64_t ret;
            la64_batch_result(&b, i, &got, mem, &ret);
            check(&runs[i], &got, mem, ret, verbose) ? passed++ : failed++;
        }
    }
    printf("x86-la64: %u snippets x %u states: %u runs passed, %u failed; %u snippets skipped "
           "(%.1f s)\n", (unsigned)G_N_ELEMENTS(snippets), NB_STATES, passed, failed, skipped,
           (g_get_monotonic_time() - t0) / 1e6);
    for (unsigned i = 0; i < nr; i++) {
        g_free(runs[i].mem);
    }
    g_free(runs);
    la64_batch_free(&b);
    ir_context_free(ctx);
    g_rand_free(rng);
    return failed ? 1 : 0;
}
