/*
 * stack.c — the initial process stack, following the x86-64 kernel step by
 * step (fs/exec.c copies the strings, fs/binfmt_elf.c create_elf_tables
 * adds the rest). ferry does not randomize (arch_align_stack without
 * ASLR only rounds down to 16), like running under `setarch -R`.
 * AT_SYSINFO_EHDR is there when a vDSO is mapped (vdso.c); rseq is not
 * supported, so neither are AT_RSEQ_FEATURE_SIZE / AT_RSEQ_ALIGN.
 */
#include "linux-user/stack.h"

#include <elf.h>
#include <glib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* A cursor writing downwards into the guest stack. */
typedef struct StackBuf {
    uint8_t *host;                 /* host view of guest address `lo` */
    uint64_t lo, top;
    bool overflow;
} StackBuf;

static void put_bytes(StackBuf *s, uint64_t addr, const void *data, size_t len)
{
    if (addr < s->lo || addr > s->top || len > s->top - addr) {
        s->overflow = true;
        return;
    }
    memcpy(s->host + (addr - s->lo), data, len);
}

static void put_u64(StackBuf *s, uint64_t addr, uint64_t v)
{
    put_bytes(s, addr, &v, sizeof(v));
}

/* STACK_ALLOC: move p down by len (saturating: overflow is checked on use). */
static uint64_t stack_alloc(StackBuf *s, uint64_t p, size_t len)
{
    if (p < s->lo + len) {
        s->overflow = true;
        return s->lo;
    }
    return p - len;
}

/* Copy strings as copy_strings does: the last one highest, so the first
 * ends up lowest; returns the new p. */
static uint64_t copy_strings(StackBuf *s, uint64_t p, int n, char *const v[])
{
    for (int i = n - 1; i >= 0; i--) {
        size_t len = strlen(v[i]) + 1;
        p = stack_alloc(s, p, len);
        put_bytes(s, p, v[i], len);
    }
    return p;
}

/* The auxv in create_elf_tables order; returns the number of words. */
static unsigned fill_auxv(uint64_t *w, const LuAuxInfo *a, uint64_t u_rand,
                          uint64_t u_execfn, uint64_t u_platform)
{
    unsigned n = 0;
#define AUX(k, v) do { w[n++] = (k); w[n++] = (v); } while (0)
    if (a->sysinfo_ehdr) {                    /* ARCH_DLINFO */
        AUX(AT_SYSINFO_EHDR, a->sysinfo_ehdr);
    }
    AUX(AT_MINSIGSTKSZ, a->minsigstksz);
    AUX(AT_HWCAP, a->hwcap);
    AUX(AT_PAGESZ, LU_PAGE_SIZE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, a->phdr);
    AUX(AT_PHENT, sizeof(Elf64_Phdr));
    AUX(AT_PHNUM, a->phnum);
    AUX(AT_BASE, a->base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, a->entry);
    AUX(AT_UID, a->uid);
    AUX(AT_EUID, a->euid);
    AUX(AT_GID, a->gid);
    AUX(AT_EGID, a->egid);
    AUX(AT_SECURE, a->secure);
    AUX(AT_RANDOM, u_rand);
    AUX(AT_HWCAP2, a->hwcap2);
    AUX(AT_EXECFN, u_execfn);
    AUX(AT_PLATFORM, u_platform);
    AUX(AT_NULL, 0);
#undef AUX
    return n;
}

uint64_t lu_stack_build(uint8_t *host, uint64_t top, uint64_t size, int argc,
                        char *const argv[], int envc, char *const envp[],
                        const LuAuxInfo *aux)
{
    static const char platform[] = "x86_64";
    StackBuf s = { .host = host, .lo = top - size, .top = top };

    /* fs/exec.c: a NULL word at the very top, then the file name, the
     * environment and the arguments. */
    uint64_t p = stack_alloc(&s, top, sizeof(uint64_t));
    put_u64(&s, p, 0);
    p = stack_alloc(&s, p, strlen(aux->execfn) + 1);
    uint64_t u_execfn = p;
    put_bytes(&s, p, aux->execfn, strlen(aux->execfn) + 1);
    p = copy_strings(&s, p, envc, envp);
    uint64_t u_strings = copy_strings(&s, p, argc, argv);

    /* create_elf_tables */
    p = u_strings & ~15ull;                        /* arch_align_stack */
    p = stack_alloc(&s, p, sizeof(platform));
    uint64_t u_platform = p;
    put_bytes(&s, p, platform, sizeof(platform));
    p = stack_alloc(&s, p, sizeof(aux->random));
    uint64_t u_rand = p;
    put_bytes(&s, p, aux->random, sizeof(aux->random));

    uint64_t auxv[64];
    unsigned ei_index = fill_auxv(auxv, aux, u_rand, u_execfn, u_platform);
    uint64_t items = (uint64_t)(argc + 1) + (uint64_t)(envc + 1) + 1;
    uint64_t sp = stack_alloc(&s, p, (ei_index + items) * 8) & ~15ull;
    if (s.overflow || sp < s.lo) {
        return 0;
    }

    uint64_t w = sp;
    put_u64(&s, w, (uint64_t)argc);
    w += 8;
    uint64_t str = u_strings;
    for (int i = 0; i < argc; i++, w += 8) {
        put_u64(&s, w, str);
        str += strlen(argv[i]) + 1;
    }
    put_u64(&s, w, 0);
    w += 8;
    for (int i = 0; i < envc; i++, w += 8) {
        put_u64(&s, w, str);
        str += strlen(envp[i]) + 1;
    }
    put_u64(&s, w, 0);
    w += 8;
    put_bytes(&s, w, auxv, ei_index * 8);
    return s.overflow ? 0 : sp;
}

void lu_aux_defaults(LuAuxInfo *aux)
{
    aux->uid = getuid();
    aux->euid = geteuid();
    aux->gid = getgid();
    aux->egid = getegid();
    aux->secure = getauxval(AT_SECURE) != 0;
    aux->hwcap = LU_HWCAP_X86;
    aux->hwcap2 = 0;               /* no FSGSBASE, no ring-3 MWAIT */
    aux->minsigstksz = LU_MINSIGSTKSZ;
    for (unsigned i = 0; i < sizeof(aux->random); i += 4) {
        guint32 r = g_random_int();
        memcpy(aux->random + i, &r, 4);
    }
}

uint64_t lu_stack_setup(LuMem *m, uint64_t size, bool exec, int argc, char *const argv[],
                        int envc, char *const envp[], const LuAuxInfo *aux)
{
    size = (size + m->host_page - 1) & ~(m->host_page - 1);
    int prot = PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0);
    int64_t lo = lu_mem_map(m, 0, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (lo < 0) {
        return 0;
    }
    return lu_stack_build(lu_g2h(m, (uint64_t)lo), (uint64_t)lo + size, size, argc, argv,
                          envc, envp, aux);
}
