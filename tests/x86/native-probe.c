/*
 * native-probe.c — runs instructions on the real CPU in 64-bit mode, in
 * 32-bit compatibility mode (a far return to the kernel's 32-bit user code
 * selector) or in 16-bit protected mode (a 16-bit code segment in the LDT,
 * made with modify_ldt), always in a forked child with its own low-memory
 * stack.
 * Length: the first k bytes are placed at the end of an executable page
 * followed by a PROT_NONE page; if the CPU needs byte k+1 it takes an
 * instruction-fetch page fault at the instruction itself (IP = start, error
 * code I/D bit). The smallest k that does not fault that way is the
 * length, whatever the instruction then does; #UD is SIGILL at the
 * instruction itself in that last run, anything else means it was accepted.
 */
#include "tests/x86/native-probe.h"

#if defined(__x86_64__) && defined(__linux__)
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096
#define SCRATCH (1u << 20)
#define USER_CS32 0x23      /* Linux x86-64 GDT: 32-bit user code */
#define USER_CS64 0x33
#define LDT_CS16 0x07       /* LDT entry 0, RPL 3 */

/* Child-only state (each probe runs in its own forked process). */
static sigjmp_buf probe_env;
static volatile uintptr_t probe_start, probe_boundary;
static volatile int probe_sig, probe_fetch_fault, probe_timeout_exit;
static volatile uintptr_t probe_ip;

static void on_signal(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uintptr_t ip = uc->uc_mcontext.gregs[REG_RIP];
    unsigned long err = uc->uc_mcontext.gregs[REG_ERR];
    probe_sig = sig;
    probe_ip = ip;
    probe_fetch_fault = sig == SIGSEGV && ip == probe_start &&
                        (uintptr_t)si->si_addr == probe_boundary &&
                        (err & 0x10);
    siglongjmp(probe_env, 1);
}

static void on_timer(int sig)
{
    (void)sig;
    _exit(probe_timeout_exit);  /* still running: it was accepted */
}

/* Low memory: [code page][guard page][scratch: data and stack]. A 16-bit
   code segment based at the code page serves 16-bit mode. */
static uint8_t *setup(X86Mode mode)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_signal,
                            .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGVTALRM, on_timer);
    uint8_t *m = mmap(NULL, 2 * PAGE + SCRATCH,
                      PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (m == MAP_FAILED || mprotect(m + PAGE, PAGE, PROT_NONE))
        _exit(120);
    struct user_desc cs16 = {
        .entry_number = 0, .base_addr = (unsigned)(uintptr_t)m,
        .limit = 0xffff, .seg_32bit = 0, .contents = MODIFY_LDT_CONTENTS_CODE,
        .useable = 1,
    };
    if (mode == X86_MODE_16 &&
        syscall(SYS_modify_ldt, 1, &cs16, sizeof cs16) != 0)
        _exit(121);
    return m;
}

/* Jump to start in the given mode with every GPR but rSP pointing into
   the scratch area; returns (through siglongjmp) on the first signal. */
static __attribute__((noinline)) void run(uint8_t *m, uint8_t *start,
                                          X86Mode mode)
{
    /* CPU time, not wall time: a busy machine must not make a slow start
       look like a loop that ran. */
    struct itimerval it = { .it_value = { .tv_usec = 50000 } };
    setitimer(ITIMER_VIRTUAL, &it, NULL);
    /* The signal context reports IP relative to the code segment base. */
    uintptr_t ip = mode == X86_MODE_16 ? (uintptr_t)(start - m)
                                       : (uintptr_t)start;
    probe_start = ip;
    probe_boundary = (uintptr_t)(m + PAGE);
    probe_sig = 0;
    probe_fetch_fault = 0;
    if (sigsetjmp(probe_env, 1))
        return;
    register uint64_t r_data __asm__("r8") = (uintptr_t)(m + 2 * PAGE + SCRATCH / 2);
    register uint64_t r_stack __asm__("r9") = (uintptr_t)(m + 2 * PAGE + SCRATCH - 64);
    register uint64_t r_ip __asm__("r10") = ip;
    register uint64_t r_cs __asm__("r11") =
        mode == X86_MODE_64 ? USER_CS64
        : mode == X86_MODE_32 ? USER_CS32 : LDT_CS16;
    __asm__ volatile(
        "mov %0, %%rax\n\tmov %0, %%rcx\n\tmov %0, %%rdx\n\t"
        "mov %0, %%rbx\n\tmov %0, %%rsi\n\tmov %0, %%rdi\n\t"
        "mov %1, %%rsp\n\tpush %3\n\tpush %2\n\tlretq"
        :: "r"(r_data), "r"(r_stack), "r"(r_ip), "r"(r_cs)
        : "rax", "rcx", "rdx", "rbx", "rsi", "rdi", "memory", "cc");
    __builtin_unreachable();
}

/* Exit status: the length k, plus 16 if the instruction raised #UD. */
static void probe_child(const uint8_t *bytes, size_t n, X86Mode mode)
{
    uint8_t *m = setup(mode);
    for (size_t k = 1; k <= n; k++) {
        uint8_t *start = m + PAGE - k;
        memcpy(start, bytes, k);
        probe_timeout_exit = (int)k;
        run(m, start, mode);
        if (probe_fetch_fault)
            continue;
        /* #UD of this instruction, not of whatever it jumped to */
        bool ud = probe_sig == SIGILL && probe_ip == probe_start;
        _exit((int)k + (ud ? 16 : 0));
    }
    _exit(0);
}

int native_insn_probe(const uint8_t *bytes, size_t n, X86Mode mode,
                      int *ud)
{
    if (n > 15)
        n = 15;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        probe_child(bytes, n, mode);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
        WEXITSTATUS(st) == 0 || WEXITSTATUS(st) >= 120)
        return -1;
    if (ud)
        *ud = WEXITSTATUS(st) >= 16;
    return WEXITSTATUS(st) & 15;
}

int native_insn_length(const uint8_t *bytes, size_t n, X86Mode mode)
{
    return native_insn_probe(bytes, n, mode, NULL);
}

int native_insn_ud(const uint8_t *bytes, size_t n, X86Mode mode)
{
    int ud;
    return native_insn_probe(bytes, n, mode, &ud) < 0 ? -1 : ud;
}

#else
int native_insn_probe(const uint8_t *bytes, size_t n, X86Mode mode,
                      int *ud)
{
    (void)bytes, (void)n, (void)mode, (void)ud;
    return -1;
}

int native_insn_length(const uint8_t *bytes, size_t n, X86Mode mode)
{
    (void)bytes, (void)n, (void)mode;
    return -1;
}

int native_insn_ud(const uint8_t *bytes, size_t n, X86Mode mode)
{
    (void)bytes, (void)n, (void)mode;
    return -1;
}
#endif
