/*
 * cpu-models.c — a guest program (static glibc) that checks the CPUID of
 * the model named in argv[1] against the feature lists below, taken from
 * the x86-64 psABI's micro-architecture levels (x86-64 baseline = v1, v2)
 * and from what ferry documents for its max model, in CPUID (and in
 * /proc/cpuinfo's flags when asked); then that glibc runs
 * (its ifunc selection read the same CPUID) and that an instruction the
 * model lacks raises #UD (SIGILL in a child). Exit 0 when all hold.
 */
#include <cpuid.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Bit {
    const char *name;              /* as Linux's /proc/cpuinfo spells it */
    unsigned leaf, reg, bit;       /* reg: 0 eax 1 ebx 2 ecx 3 edx */
} Bit;

/* Every bit the test looks at. */
static const Bit bits[] = {
    { "fpu", 1, 3, 0 }, { "cx8", 1, 3, 8 }, { "cmov", 1, 3, 15 }, { "mmx", 1, 3, 23 },
    { "fxsr", 1, 3, 24 }, { "sse", 1, 3, 25 }, { "sse2", 1, 3, 26 },
    { "syscall", 0x80000001, 3, 11 }, { "lm", 0x80000001, 3, 29 },
    { "pni", 1, 2, 0 }, { "pclmulqdq", 1, 2, 1 }, { "ssse3", 1, 2, 9 }, { "fma", 1, 2, 12 },
    { "cx16", 1, 2, 13 }, { "sse4_1", 1, 2, 19 }, { "sse4_2", 1, 2, 20 },
    { "movbe", 1, 2, 22 }, { "popcnt", 1, 2, 23 }, { "aes", 1, 2, 25 },
    { "xsave", 1, 2, 26 }, { "osxsave", 1, 2, 27 }, { "avx", 1, 2, 28 }, { "f16c", 1, 2, 29 },
    { "lahf_lm", 0x80000001, 2, 0 }, { "abm", 0x80000001, 2, 5 },
    { "bmi1", 7, 1, 3 }, { "avx2", 7, 1, 5 }, { "bmi2", 7, 1, 8 }, { "adx", 7, 1, 19 },
    { "avx512f", 7, 1, 16 },
};

/* x86-64 psABI: baseline (v1) and x86-64-v2. */
#define V1 "fpu cx8 cmov mmx fxsr sse sse2 syscall lm"
#define V2 V1 " cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3"   /* pni: SSE3 */

static const struct { const char *model, *want; } models[] = {
    { "v1", V1 },
    { "v2", V2 },
    /* ferry's max: v2 and what ferry implements beyond, no AVX */
    { "max", V2 " pclmulqdq aes movbe xsave osxsave bmi1 bmi2 adx abm" },
};

static unsigned cpuid_reg(unsigned leaf, unsigned reg)
{
    unsigned r[4] = { 0 }, max = __get_cpuid_max(leaf & 0x80000000u, NULL);
    if (leaf > max) {
        return 0;
    }
    __cpuid_count(leaf, 0, r[0], r[1], r[2], r[3]);
    return r[reg];
}

static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

/* The flags line of /proc/cpuinfo (the first CPU's), or "". */
static void cpuinfo_flags(char *buf, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];

    buf[0] = '\0';
    while (f && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "flags", 5) == 0 && colon) {
            snprintf(buf, size, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = '\0';
            break;
        }
    }
    if (f) {
        fclose(f);
    }
}

/* Run one instruction in a child: 0 if it ran, else the signal. */
static int try_insn(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void do_popcnt(void) { __asm__ volatile("popcnt %%rax, %%rax" ::: "rax", "cc"); }
static void do_aesenc(void) { __asm__ volatile("aesenc %%xmm1, %%xmm0" ::: "xmm0"); }
static void do_xgetbv(void)
{
    unsigned lo, hi;
    __asm__ volatile("xor %%ecx, %%ecx\n\txgetbv" : "=a"(lo), "=d"(hi) :: "rcx");
    if (lo != 3 || hi != 0) {
        _exit(3);                  /* XCR0 must be x87 | SSE */
    }
}

int main(int argc, char **argv)
{
    const char *want = NULL;
    int fails = 0;
    /* argv[2] "cpuinfo": /proc/cpuinfo is the guest's view (linux-user's
     * procfs), so its flags must follow the model too */
    bool check_cpuinfo = argc > 2 && strcmp(argv[2], "cpuinfo") == 0;

    for (size_t i = 0; argc > 1 && i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(argv[1], models[i].model) == 0) {
            want = models[i].want;
        }
    }
    if (!want) {
        fprintf(stderr, "usage: cpu-models v1|v2|max [cpuinfo]\n");
        return 2;
    }
    static char flags[4096];
    cpuinfo_flags(flags, sizeof(flags));
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        bool has = cpuid_reg(bits[i].leaf, bits[i].reg) >> bits[i].bit & 1;
        if (has != listed(want, bits[i].name)) {
            printf("%s: %s is %s\n", argv[1], bits[i].name, has ? "set" : "clear");
            fails++;
        }
        /* Linux does not list osxsave */
        bool shown = listed(flags, bits[i].name);
        if (check_cpuinfo && strcmp(bits[i].name, "osxsave") != 0 &&
            shown != listed(want, bits[i].name)) {
            printf("%s: /proc/cpuinfo %s %s\n", argv[1], shown ? "lists" : "lacks",
                   bits[i].name);
            fails++;
        }
    }
    /* glibc works with what it chose (string functions are ifuncs) */
    char buf[300];
    memset(buf, 'x', sizeof(buf));
    buf[257] = '\0';
    if (strlen(buf) != 257 || strchr(buf, 'y') || memcmp(buf, buf + 1, 200) != 0) {
        printf("%s: glibc string functions\n", argv[1]);
        fails++;
    }
    /* instructions of features the model lacks are #UD */
    static const struct { const char *feat; void (*fn)(void); } insns[] = {
        { "popcnt", do_popcnt }, { "aes", do_aesenc }, { "osxsave", do_xgetbv },
    };
    for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
        int sig = try_insn(insns[i].fn);
        int expect = listed(want, insns[i].feat) ? 0 : SIGILL;
        if (sig != expect) {
            printf("%s: %s instruction: signal %d, expected %d\n", argv[1], insns[i].feat,
                   sig, expect);
            fails++;
        }
    }
    printf("%s: %s\n", argv[1], fails ? "FAIL" : "ok");
    return fails ? 1 : 0;
}
