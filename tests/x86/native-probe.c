/*
 * native-probe.c — runs instructions on the real CPU. Length: the
 * first k bytes are placed at the end of an executable page followed by a
 * PROT_NONE page; if the CPU needs byte k+1 it takes an instruction-fetch
 * page fault at the instruction itself (RIP = start, error code I/D bit).
 * The smallest k that does not fault that way is the length, whatever the
 * instruction then does (#UD, a data fault, a jump, returning).
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

static sigjmp_buf probe_env;
static volatile uintptr_t probe_start, probe_boundary;
static volatile int probe_fetch_fault;
static volatile int probe_k;

static void on_signal(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    uintptr_t rip = uc->uc_mcontext.gregs[REG_RIP];
    unsigned long err = uc->uc_mcontext.gregs[REG_ERR];
    probe_fetch_fault = sig == SIGSEGV && rip == probe_start &&
                        (uintptr_t)si->si_addr == probe_boundary &&
                        (err & 0x10);
    siglongjmp(probe_env, 1);
}

static void on_alarm(int sig)
{
    (void)sig;
    _exit(probe_k);     /* it ran (a loop): it was fetched whole */
}

/* Run the code at start; true if it faulted fetching its own bytes. */
static __attribute__((noinline)) bool run_once(uint8_t *start)
{
    if (!sigsetjmp(probe_env, 1)) {
        ((void (*)(void))start)();
        _exit(probe_k);         /* it returned: fetched whole */
    }
    return probe_fetch_fault;
}

static void child(const uint8_t *bytes, size_t n)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = on_signal,
                            .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGALRM, on_alarm);
    uint8_t *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || mprotect(page + 4096, 4096, PROT_NONE))
        _exit(0);
    for (size_t k = 1; k <= n; k++) {
        uint8_t *start = page + 4096 - k;
        memcpy(start, bytes, k);
        probe_start = (uintptr_t)start;
        probe_boundary = (uintptr_t)(page + 4096);
        probe_fetch_fault = 0;
        probe_k = (int)k;
        alarm(1);
        if (!run_once(start))
            _exit((int)k);
    }
    _exit(0);
}

int native_insn_length(const uint8_t *bytes, size_t n)
{
    if (n > 15)
        n = 15;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        child(bytes, n);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 0)
        return -1;
    return WEXITSTATUS(st);
}

/* ---- #UD probe ---------------------------------------------------------- */

static volatile int ud_sig;

static void on_ud_signal(int sig)
{
    ud_sig = sig;
    siglongjmp(probe_env, 1);
}

static void on_ud_timer(int sig)
{
    (void)sig;
    _exit(0);           /* still running: it did not #UD */
}

static __attribute__((noinline)) void ud_child(const uint8_t *bytes, size_t n)
{
    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_handler = on_ud_signal,
                            .sa_flags = SA_ONSTACK | SA_NODEFER };
    int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGALRM, on_ud_timer);
    struct itimerval it = { .it_value = { .tv_usec = 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    uint8_t *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        _exit(2);
    memcpy(m, bytes, n);
    m[n] = 0xc3;                        /* ret */
    uint8_t *scratch = m + (1 << 19);
    if (!sigsetjmp(probe_env, 1)) {
        __asm__ volatile(
            "mov %0, %%rax\n\tmov %0, %%rcx\n\tmov %0, %%rdx\n\t"
            "mov %0, %%rsi\n\tmov %0, %%rdi\n\tmov %0, %%r8\n\t"
            "mov %0, %%r9\n\tmov %0, %%r10\n\tmov %0, %%r11\n\t"
            "call *%1"
            :: "r"(scratch), "r"(m)
            : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
              "memory", "cc");
        _exit(0);
    }
    _exit(ud_sig == SIGILL ? 1 : 0);
}

int native_insn_ud(const uint8_t *bytes, size_t n)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        ud_child(bytes, n);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
        return -1;
    return WEXITSTATUS(st);
}

#else
int native_insn_ud(const uint8_t *bytes, size_t n)
{
    (void)bytes;
    (void)n;
    return -1;
}

int native_insn_length(const uint8_t *bytes, size_t n)
{
    (void)bytes;
    (void)n;
    return -1;
}
#endif
