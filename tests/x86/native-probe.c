/*
 * native-probe.c — runs instructions on the real CPU, in 64-bit mode or in
 * 32-bit compatibility mode (a far return to the kernel's 32-bit user code
 * selector), always in a forked child with its own low-memory stack.
 * Length: the first k bytes are placed at the end of an executable page
 * followed by a PROT_NONE page; if the CPU needs byte k+1 it takes an
 * instruction-fetch page fault at the instruction itself (IP = start, error
 * code I/D bit). The smallest k that does not fault that way is the
 * length, whatever the instruction then does. #UD: the instruction is
 * followed by INT3; SIGILL means #UD, anything else means it was accepted.
 */
#include "tests/x86/native-probe.h"

#if defined(__x86_64__) && defined(__linux__)
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096
#define SCRATCH (1u << 20)
#define USER_CS32 0x23      /* Linux x86-64 GDT: 32-bit user code */
#define USER_CS64 0x33

/* Child-only state (each probe runs in its own forked process). */
static sigjmp_buf probe_env;
static volatile uintptr_t probe_start, probe_boundary;
static volatile int probe_sig, probe_fetch_fault, probe_timeout_exit;

static void on_signal(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uintptr_t ip = uc->uc_mcontext.gregs[REG_RIP];
    unsigned long err = uc->uc_mcontext.gregs[REG_ERR];
    probe_sig = sig;
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

/* Low memory: [code page][guard page][scratch: data and stack]. */
static uint8_t *setup(void)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_signal,
                            .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGALRM, on_timer);
    uint8_t *m = mmap(NULL, 2 * PAGE + SCRATCH,
                      PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (m == MAP_FAILED || mprotect(m + PAGE, PAGE, PROT_NONE))
        _exit(120);
    return m;
}

/* Jump to start in the given mode with every GPR but rSP pointing into
   the scratch area; returns (through siglongjmp) on the first signal. */
static __attribute__((noinline)) void run(uint8_t *m, uint8_t *start,
                                          bool compat)
{
    struct itimerval it = { .it_value = { .tv_usec = 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    probe_start = (uintptr_t)start;
    probe_boundary = (uintptr_t)(m + PAGE);
    probe_sig = 0;
    probe_fetch_fault = 0;
    if (sigsetjmp(probe_env, 1))
        return;
    register uint64_t r_data __asm__("r8") = (uintptr_t)(m + 2 * PAGE + SCRATCH / 2);
    register uint64_t r_stack __asm__("r9") = (uintptr_t)(m + 2 * PAGE + SCRATCH - 64);
    register uint64_t r_ip __asm__("r10") = (uintptr_t)start;
    register uint64_t r_cs __asm__("r11") = compat ? USER_CS32 : USER_CS64;
    __asm__ volatile(
        "mov %0, %%rax\n\tmov %0, %%rcx\n\tmov %0, %%rdx\n\t"
        "mov %0, %%rbx\n\tmov %0, %%rsi\n\tmov %0, %%rdi\n\t"
        "mov %1, %%rsp\n\tpush %3\n\tpush %2\n\tlretq"
        :: "r"(r_data), "r"(r_stack), "r"(r_ip), "r"(r_cs)
        : "rax", "rcx", "rdx", "rbx", "rsi", "rdi", "memory", "cc");
    __builtin_unreachable();
}

static void length_child(const uint8_t *bytes, size_t n, bool compat)
{
    uint8_t *m = setup();
    for (size_t k = 1; k <= n; k++) {
        uint8_t *start = m + PAGE - k;
        memcpy(start, bytes, k);
        probe_timeout_exit = (int)k;
        run(m, start, compat);
        if (!probe_fetch_fault)
            _exit((int)k);
    }
    _exit(0);
}

static void ud_child(const uint8_t *bytes, size_t n, bool compat)
{
    uint8_t *m = setup();
    memcpy(m, bytes, n);
    m[n] = 0xcc;                /* int3: reaching it means accepted */
    probe_timeout_exit = 0;
    run(m, m, compat);
    _exit(probe_sig == SIGILL ? 1 : 0);
}

/* Fork, run fn in the child, return its exit status or -1. */
static int in_child(void (*fn)(const uint8_t *, size_t, bool),
                    const uint8_t *bytes, size_t n, bool compat)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        fn(bytes, n, compat);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
        WEXITSTATUS(st) >= 120)
        return -1;
    return WEXITSTATUS(st);
}

int native_insn_length(const uint8_t *bytes, size_t n, X86Mode mode)
{
    if (mode == X86_MODE_16)
        return -1;
    int r = in_child(length_child, bytes, n > 15 ? 15 : n,
                     mode == X86_MODE_32);
    return r > 0 ? r : -1;
}

int native_insn_ud(const uint8_t *bytes, size_t n, X86Mode mode)
{
    if (mode == X86_MODE_16 || n > 15)
        return -1;
    int r = in_child(ud_child, bytes, n, mode == X86_MODE_32);
    return r < 0 ? -1 : r;
}

#else
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
