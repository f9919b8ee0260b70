/*
 * vdso.c — a glibc program that finds the vDSO through AT_SYSINFO_EHDR,
 * looks up the kernel's five __vdso_* functions by name and version
 * (LINUX_2.6, through DT_HASH, .dynsym, versym and verdef, as
 * Documentation/vDSO/parse_vdso.c does), calls each against the system
 * call, and then shows that glibc itself calls through the vDSO: once the
 * vDSO's clock_gettime and time are patched to return marker values,
 * glibc's clock_gettime() and time() return them (where the vDSO can be
 * patched: kernels that seal it refuse). run-procfs.sh compares the lines
 * with a native run's.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct Vdso {
    uintptr_t base, bias;
    const Elf64_Sym *sym;
    const char *str;
    const uint32_t *hash;          /* DT_HASH: nbucket, nchain, buckets, chains */
    const uint16_t *versym;
    const Elf64_Verdef *verdef;
} Vdso;

static int vdso_open(Vdso *v)
{
    memset(v, 0, sizeof(*v));
    v->base = getauxval(AT_SYSINFO_EHDR);
    if (!v->base) {
        return -1;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)v->base;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(v->base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !v->bias) {
            v->bias = v->base + ph[i].p_offset - ph[i].p_vaddr;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn *)(v->base + ph[i].p_offset);
        }
    }
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        const void *a = (const void *)(v->bias + dyn->d_un.d_ptr);
        switch (dyn->d_tag) {
        case DT_SYMTAB: v->sym = a; break;
        case DT_STRTAB: v->str = a; break;
        case DT_HASH: v->hash = a; break;
        case DT_VERSYM: v->versym = a; break;
        case DT_VERDEF: v->verdef = a; break;
        default: break;
        }
    }
    return v->sym && v->str && v->hash && v->versym && v->verdef ? 0 : -1;
}

static unsigned long elf_hash(const char *name)
{
    unsigned long h = 0, g;
    for (; *name; name++) {
        h = (h << 4) + (unsigned char)*name;
        g = h & 0xf0000000;
        h = (h ^ (g >> 24)) & ~g;
    }
    return h;
}

/* Is symbol i of version `version` (by verdef name and hash)? */
static int has_version(const Vdso *v, unsigned i, const char *version)
{
    unsigned ndx = v->versym[i] & 0x7fff;
    const Elf64_Verdef *d = v->verdef;
    for (;;) {
        if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == ndx) {
            const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
            return d->vd_hash == elf_hash(version) && strcmp(v->str + aux->vda_name, version) == 0;
        }
        if (!d->vd_next) {
            return 0;
        }
        d = (const void *)((const char *)d + d->vd_next);
    }
}

static void *vdso_sym(const Vdso *v, const char *name)
{
    uint32_t nbucket = v->hash[0];
    const uint32_t *bucket = v->hash + 2, *chain = bucket + nbucket;
    for (uint32_t i = bucket[elf_hash(name) % nbucket]; i; i = chain[i]) {
        const Elf64_Sym *s = &v->sym[i];
        if (ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF &&
            strcmp(v->str + s->st_name, name) == 0 && has_version(v, i, "LINUX_2.6")) {
            return (void *)(v->bias + s->st_value);
        }
    }
    return NULL;
}

static int64_t ns(const struct timespec *t) { return t->tv_sec * 1000000000ll + t->tv_nsec; }

static void call_each(const Vdso *v)
{
    int (*cg)(clockid_t, struct timespec *) = vdso_sym(v, "__vdso_clock_gettime");
    int (*gtod)(struct timeval *, void *) = vdso_sym(v, "__vdso_gettimeofday");
    time_t (*tm)(time_t *) = vdso_sym(v, "__vdso_time");
    long (*gc)(unsigned *, unsigned *, void *) = vdso_sym(v, "__vdso_getcpu");
    int (*cr)(clockid_t, struct timespec *) = vdso_sym(v, "__vdso_clock_getres");
    printf("symbols@LINUX_2.6: clock_gettime %d gettimeofday %d time %d getcpu %d "
           "clock_getres %d\n", !!cg, !!gtod, !!tm, !!gc, !!cr);
    if (!cg || !gtod || !tm || !gc || !cr) {
        return;
    }
    struct timespec a, b, c;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    int r = cg(CLOCK_MONOTONIC, &b);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &c);
    printf("__vdso_clock_gettime: %d, between two syscalls: %d\n", r,
           ns(&a) <= ns(&b) && ns(&b) <= ns(&c));
    struct timeval tv;
    time_t before = time(NULL);
    r = gtod(&tv, NULL);
    printf("__vdso_gettimeofday: %d, near time(): %d\n", r,
           tv.tv_sec >= before && tv.tv_sec <= before + 2);
    time_t t2 = 0, t1 = tm(&t2);
    printf("__vdso_time: agrees with its argument %d, near time(): %d\n", t1 == t2,
           t1 >= before && t1 <= before + 2);
    unsigned cpu = ~0u, node = ~0u;
    long g = gc(&cpu, &node, NULL);
    printf("__vdso_getcpu: %ld, cpu in range %d\n", g, cpu < (unsigned)sysconf(_SC_NPROCESSORS_CONF));
    struct timespec res = { 0 }, sres = { 0 };
    r = cr(CLOCK_MONOTONIC, &res);
    syscall(SYS_clock_getres, CLOCK_MONOTONIC, &sres);
    printf("__vdso_clock_getres: %d, same as the syscall %d\n", r, ns(&res) == ns(&sres));
}

/* Make fn return: mov qword [rsi], marker; xor eax, eax; ret (clock_gettime)
 * or mov eax, marker; ret (time). */
static int patch(void *fn, const unsigned char *code, size_t len)
{
    uintptr_t page = (uintptr_t)fn & ~(uintptr_t)4095;
    size_t span = (((uintptr_t)fn + len - 1) & ~(uintptr_t)4095) + 4096 - page;
    if (mprotect((void *)page, span, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        return -1;
    }
    memcpy(fn, code, len);
    return mprotect((void *)page, span, PROT_READ | PROT_EXEC);
}

static void glibc_uses_it(const Vdso *v)
{
    static const unsigned char cg_code[] = { 0x48, 0xc7, 0x06, 0x39, 0x30, 0, 0, 0x31, 0xc0, 0xc3 };
    static const unsigned char tm_code[] = { 0xb8, 0x15, 0xcd, 0x5b, 0x07, 0xc3 };
    void *cg = vdso_sym(v, "__vdso_clock_gettime"), *tm = vdso_sym(v, "__vdso_time");
    if (!cg || !tm) {
        return;
    }
    /* Kernels with sealed system mappings (6.15+) refuse this. */
    if (patch(cg, cg_code, sizeof(cg_code)) != 0 || patch(tm, tm_code, sizeof(tm_code)) != 0) {
        printf("glibc through the vDSO: the vDSO cannot be patched here\n");
        return;
    }
    struct timespec ts = { 0 };
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t t = time(NULL);
    printf("glibc clock_gettime through the vDSO: %d, time through the vDSO: %d\n",
           ts.tv_sec == 12345, t == 123456789);
}

int main(void)
{
    Vdso v;
    if (vdso_open(&v) != 0) {
        printf("no usable vDSO\n");
        return 1;
    }
    call_each(&v);
    glibc_uses_it(&v);
    return 0;
}
