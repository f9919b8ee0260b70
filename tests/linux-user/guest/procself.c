/*
 * procself.c — a glibc program that checks its own /proc files against
 * what it knows of itself (the address of main, a stack variable, a
 * malloc'd block, argv, environ, getauxval, CPUID) and prints one line per
 * file. Run natively and under ferry-x86_64 by run-procfs.sh: the two
 * outputs must be the same.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;
int main(int argc, char **argv);

static char *slurp(const char *path, size_t *len)
{
    static char buf[1 << 20];
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    ssize_t r;
    while (fd >= 0 && n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0) {
        n += (size_t)r;
    }
    if (fd >= 0) {
        close(fd);
    }
    buf[n] = '\0';
    *len = n;
    return fd >= 0 ? buf : NULL;
}

/* The maps line holding addr: its perms, offset and name, or "none". */
static void maps_line(const char *path, uintptr_t addr, char *perms, unsigned long *off,
                      char *name)
{
    size_t len;
    char *text = slurp(path, &len);
    strcpy(perms, "none");
    name[0] = '\0';
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        int n = 0;
        char p[8];
        if (sscanf(line, "%lx-%lx %7s %lx %*x:%*x %*u %n", &lo, &hi, p, off, &n) >= 4 &&
            lo <= addr && addr < hi) {
            strcpy(perms, p);
            strcpy(name, line + n);
            return;
        }
    }
}

static void check_maps(const char *file, const char *label)
{
    char perms[8], name[4096], exe[4096];
    unsigned long off;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    maps_line(file, (uintptr_t)&main, perms, &off, name);
    printf("%s: main in %s, %s\n", label, perms, strcmp(name, exe) == 0 ? "the program" : name);
    int local = 0;
    maps_line(file, (uintptr_t)&local, perms, &off, name);
    printf("%s: a local in %s %s\n", label, perms, name);
    void *small = malloc(100);
    maps_line(file, (uintptr_t)small, perms, &off, name);
    printf("%s: malloc(100) in %s %s\n", label, perms, name);
    free(small);
    maps_line(file, (uintptr_t)&printf, perms, &off, name);
    printf("%s: printf in %s\n", label, perms);
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
    if (vdso) {
        maps_line(file, vdso, perms, &off, name);
        printf("%s: AT_SYSINFO_EHDR in %s\n", label, name);
    }
}

static void check_exe(const char *argv0)
{
    char exe[4096], *real = realpath(argv0, NULL);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    struct stat a, b;
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = { 0 };
    bool same = fd >= 0 && fstat(fd, &a) == 0 && stat(argv0, &b) == 0 &&
                a.st_ino == b.st_ino && a.st_dev == b.st_dev && read(fd, magic, 4) == 4;
    printf("exe: readlink %s, open %s, magic %s\n",
           real && strcmp(real, exe) == 0 ? "is the program" : exe,
           same ? "is the program" : "is not", memcmp(magic, "\177ELF", 4) ? "bad" : "ELF");
    free(real);
    if (fd >= 0) {
        close(fd);
    }
}

/* NUL-separated strings from /proc/self/FILE against v. */
static void check_strings(const char *file, char **v)
{
    char path[64];
    size_t len, at = 0, count = 0;
    snprintf(path, sizeof(path), "/proc/self/%s", file);
    const char *text = slurp(path, &len);
    bool ok = text != NULL;
    for (; ok && v[count]; count++) {
        size_t l = strlen(v[count]) + 1;
        ok = at + l <= len && memcmp(text + at, v[count], l) == 0;
        at += l;
    }
    printf("%s: %zu strings %s\n", file, count, ok && at == len ? "match" : "differ");
}

static void check_auxv(void)
{
    size_t len;
    const uint64_t *kv = (const uint64_t *)slurp("/proc/self/auxv", &len);
    unsigned n = 0, same = 0;
    bool null_last = false;
    for (size_t i = 0; kv && i + 2 <= len / 8; i += 2, n++) {
        null_last = kv[i] == AT_NULL;
        if (null_last) {
            break;
        }
        /* glibc's getauxval(AT_HWCAP) is its own HWCAP_X86_64 word. */
        same += kv[i] == AT_HWCAP || getauxval(kv[i]) == kv[i + 1];
    }
    printf("auxv: every entry as getauxval: %s, ends with AT_NULL: %s\n",
           n > 10 && same == n ? "yes" : "no", null_last ? "yes" : "no");
}

static void check_cpuinfo(void)
{
    static const struct { const char *name; unsigned leaf, reg, bit; } flags[] = {
        { "sse2", 1, 3, 26 }, { "cx8", 1, 3, 8 }, { "cmov", 1, 3, 15 },
        { "ssse3", 1, 2, 9 }, { "sse4_1", 1, 2, 19 }, { "sse4_2", 1, 2, 20 },
        { "popcnt", 1, 2, 23 }, { "cx16", 1, 2, 13 }, { "pclmulqdq", 1, 2, 1 },
        { "bmi1", 7, 1, 3 }, { "bmi2", 7, 1, 8 }, { "adx", 7, 1, 19 },
    };
    size_t len;
    char *text = slurp("/proc/cpuinfo", &len);
    unsigned procs = 0, agree = 0;
    char flag_line[8192] = "";
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        procs += strncmp(line, "processor\t", 10) == 0;
        if (strncmp(line, "flags\t", 6) == 0 && !flag_line[0]) {
            snprintf(flag_line, sizeof(flag_line), "%s ", strchr(line, ':') + 1);
        }
    }
    for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        unsigned r[4] = { 0 };
        __cpuid_count(flags[i].leaf, 0, r[0], r[1], r[2], r[3]);
        char word[32];
        snprintf(word, sizeof(word), " %s ", flags[i].name);
        agree += ((r[flags[i].reg] >> flags[i].bit) & 1) == (strstr(flag_line, word) != NULL);
    }
    printf("cpuinfo: one block per CPU: %s, flags agree with CPUID: %u of %zu\n",
           procs == (unsigned)sysconf(_SC_NPROCESSORS_ONLN) ? "yes" : "no", agree,
           sizeof(flags) / sizeof(flags[0]));
}

/* The first line of a file opened relative to dirfd (or the cwd). */
static void first_line(int dirfd, const char *path, char *out, size_t len)
{
    int fd = openat(dirfd, path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, out, len - 1) : -1;
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    if (fd >= 0) {
        close(fd);
    }
}

/* Relative opens: through a /proc/self directory fd, and from cwd /proc. */
static void check_relative(void)
{
    char a[256], b[256], c[256];
    first_line(AT_FDCWD, "/proc/self/maps", a, sizeof(a));
    int dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
    first_line(dir, "maps", b, sizeof(b));
    close(dir);
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)) || chdir("/proc") != 0) {
        return;
    }
    first_line(AT_FDCWD, "self/maps", c, sizeof(c));
    printf("relative maps: through a dirfd %s, from /proc %s\n",
           strcmp(a, b) == 0 ? "same" : b, strcmp(a, c) == 0 ? "same" : c);
    if (chdir(cwd) != 0) {
        printf("cannot return to %s\n", cwd);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    check_maps("/proc/self/maps", "self/maps");
    check_maps("/proc/thread-self/maps", "thread-self/maps");
    char own[64];
    snprintf(own, sizeof(own), "/proc/%d/maps", (int)getpid());
    check_maps(own, "<pid>/maps");
    check_relative();
    check_exe(argv[0]);
    check_strings("cmdline", argv);
    check_strings("environ", environ);
    check_auxv();
    check_cpuinfo();
    return 0;
}
