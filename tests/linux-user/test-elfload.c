/*
 * test-elfload.c — the ELF loader on files the test writes itself: a valid
 * static ET_EXEC, a PIE, a dynamic program with an interpreter in a
 * sysroot, and malformed files (truncated, wrong machine, program headers
 * outside the file, overlapping segments, missing interpreter, ...), each
 * of which must give its exit status and a message, never a crash.
 * Every test runs in its own forked process (Check's default).
 */
#include <check.h>
#include <elf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux-user/elfload.h"

static char *tmpdir;
static char err[512];

/* A two-segment program: text at 0x400000 (file 0..0x200), data at
 * 0x601000 (file 0x1000..0x1010, memsz 0x2000). */
typedef struct TestElf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[4];
    size_t file_size;
} TestElf;

static TestElf base_elf(uint16_t type, uint64_t vbase)
{
    TestElf t = { .file_size = 0x1010 };
    memcpy(t.eh.e_ident, ELFMAG, SELFMAG);
    t.eh.e_ident[EI_CLASS] = ELFCLASS64;
    t.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    t.eh.e_ident[EI_VERSION] = EV_CURRENT;
    t.eh.e_type = type;
    t.eh.e_machine = EM_X86_64;
    t.eh.e_version = EV_CURRENT;
    t.eh.e_entry = vbase + 0x100;
    t.eh.e_phoff = sizeof(Elf64_Ehdr);
    t.eh.e_ehsize = sizeof(Elf64_Ehdr);
    t.eh.e_phentsize = sizeof(Elf64_Phdr);
    t.eh.e_phnum = 2;
    t.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
                            .p_vaddr = vbase, .p_filesz = 0x200, .p_memsz = 0x200,
                            .p_align = 0x1000 };
    t.ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
                            .p_vaddr = vbase + 0x201000, .p_filesz = 0x10,
                            .p_memsz = 0x2000, .p_align = 0x1000 };
    return t;
}

/* Write t to tmpdir/name with mode; the code bytes at 0x100 are 0xcc and
 * the data bytes at 0x1000 are 0x11. Returns the path (g_free). */
static char *write_elf(const char *name, const TestElf *t, int mode)
{
    size_t cap = t->file_size > 0x2000 ? t->file_size : 0x2000;
    uint8_t *buf = g_malloc0(cap);
    memcpy(buf, &t->eh, sizeof(t->eh));
    size_t ph_bytes = t->eh.e_phnum * sizeof(Elf64_Phdr);
    if (t->eh.e_phoff < cap && ph_bytes <= cap - t->eh.e_phoff && t->eh.e_phnum <= 4) {
        memcpy(buf + t->eh.e_phoff, t->ph, ph_bytes);
    }
    memset(buf + 0x100, 0xcc, 0x10);
    memset(buf + 0x1000, 0x11, 0x10);
    memcpy(buf + 0x180, "/ld.so", 7);   /* a PT_INTERP string if one points here */
    char *path = g_build_filename(tmpdir, name, NULL);
    ck_assert(g_file_set_contents(path, (char *)buf, (gssize)t->file_size, NULL));
    ck_assert_int_eq(g_chmod(path, mode), 0);
    g_free(buf);
    return path;
}

static int load(const TestElf *t, const char *sysroot, LuElfInfo *info)
{
    char *path = write_elf("prog", t, 0755);
    LuMem *m = lu_mem_new(0);
    int st = lu_elf_load(m, path, sysroot, info, err, sizeof(err));
    g_free(path);
    return st;
}

#define assert_err(st, want_st, substr) do { \
        ck_assert_int_eq((st), (want_st)); \
        ck_assert_msg(strstr(err, (substr)) != NULL, "message '%s' lacks '%s'", err, \
                      (substr)); \
    } while (0)

static void setup(void)
{
    tmpdir = g_dir_make_tmp("ferry-elf-XXXXXX", NULL);
    ck_assert_ptr_nonnull(tmpdir);
}

static void teardown(void)
{
    static const char *const names[] = { "prog", "ld.so", "plain" };
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        char *p = g_build_filename(tmpdir, names[i], NULL);
        g_unlink(p);
        g_free(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
}

/* ---------------------------------------------------------------------- */

START_TEST(static_exec)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    ck_assert_int_eq(load(&t, NULL, &info), LU_ELF_OK);
    ck_assert(!info.has_interp);
    ck_assert_uint_eq(info.exe.bias, 0);
    ck_assert_uint_eq(info.start, 0x400100);
    ck_assert_uint_eq(info.exe.phdr, 0x400040);
    ck_assert_uint_eq(info.brk, 0x603000);
    ck_assert_uint_eq(*(uint8_t *)0x400100, 0xcc);
    ck_assert_mem_eq((void *)0x400040, t.ph, 2 * sizeof(Elf64_Phdr));
    ck_assert_uint_eq(*(uint8_t *)0x601000, 0x11);
    for (uint64_t a = 0x601010; a < 0x603000; a += 0x100) {
        ck_assert_uint_eq(*(uint8_t *)a, 0);   /* bss */
    }
}
END_TEST

START_TEST(static_exec_prot)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    char *path = write_elf("prog", &t, 0755);
    LuMem *m = lu_mem_new(0);
    ck_assert_int_eq(lu_elf_load(m, path, NULL, &info, err, sizeof(err)), LU_ELF_OK);
    ck_assert_int_eq(lu_mem_prot_at(m, 0x400000), PROT_READ | PROT_EXEC);
    ck_assert_int_eq(lu_mem_prot_at(m, 0x602000), PROT_READ | PROT_WRITE);
    ck_assert_int_eq(lu_mem_prot_at(m, 0x500000), PROT_NONE);   /* the gap */
    ck_assert_int_eq(lu_mem_prot_at(m, 0x603000), -1);
    uint8_t code[32];
    /* a fetch stops where the executable segment ends */
    ck_assert_uint_eq(lu_mem_read(m, 0x400ff0, code, 32, PROT_EXEC), 16);
    g_free(path);
}
END_TEST

/* ferry itself at the program's fixed address: a non-zero guest base. */
START_TEST(static_exec_needs_base)
{
    LuElfInfo info;
    void *busy = mmap((void *)0x400000, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                      MAP_FIXED_NOREPLACE, -1, 0);
    ck_assert_ptr_eq(busy, (void *)0x400000);
    TestElf t = base_elf(ET_EXEC, 0x400000);
    char *path = write_elf("prog", &t, 0755);
    LuMem *m = lu_mem_new(0);
    ck_assert_int_eq(lu_elf_load(m, path, NULL, &info, err, sizeof(err)), LU_ELF_NEED_BASE);
    ck_assert_uint_eq(info.exe.hi, 0x603000);
    uint64_t gb = lu_mem_pick_base(info.exe.hi);
    ck_assert_uint_ne(gb, 0);
    LuMem *m2 = lu_mem_new(gb);
    ck_assert_int_eq(lu_elf_load(m2, path, NULL, &info, err, sizeof(err)), LU_ELF_OK);
    ck_assert_uint_eq(info.start, 0x400100);
    ck_assert_uint_eq(*(uint8_t *)(uintptr_t)(gb + 0x400100), 0xcc);
    ck_assert_int_eq(lu_mem_prot_at(m2, 0x400000), PROT_READ | PROT_EXEC);
    g_free(path);
}
END_TEST

START_TEST(pie)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_DYN, 0);
    ck_assert_int_eq(load(&t, NULL, &info), LU_ELF_OK);
    ck_assert_uint_ne(info.exe.bias, 0);
    ck_assert_uint_eq(info.exe.bias % 4096, 0);
    ck_assert_uint_lt(info.exe.hi, LU_GUEST_ADDR_LIMIT);
    ck_assert_uint_eq(info.start, info.exe.bias + 0x100);
    ck_assert_uint_eq(*(uint8_t *)(uintptr_t)(info.exe.bias + 0x100), 0xcc);
}
END_TEST

START_TEST(pie_big_align)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_DYN, 0);
    t.ph[0].p_align = 0x200000;
    ck_assert_int_eq(load(&t, NULL, &info), LU_ELF_OK);
    ck_assert_uint_eq(info.exe.bias % 0x200000, 0);
}
END_TEST

START_TEST(dynamic_with_interp)
{
    LuElfInfo info;
    TestElf ld = base_elf(ET_DYN, 0);
    g_free(write_elf("ld.so", &ld, 0755));
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phnum = 3;
    t.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x180, .p_filesz = 7 };
    ck_assert_int_eq(load(&t, tmpdir, &info), LU_ELF_OK);
    ck_assert(info.has_interp);
    ck_assert_uint_ne(info.interp.bias, 0);
    ck_assert_uint_eq(info.start, info.interp.bias + 0x100);
    ck_assert_uint_eq(info.exe.entry, 0x400100);
    ck_assert_uint_lt(info.interp.hi, LU_GUEST_ADDR_LIMIT);
}
END_TEST

/* ---- malformed files ---- */

START_TEST(truncated_header)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.file_size = 40;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "truncated ELF header");
}
END_TEST

START_TEST(truncated_segment)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.file_size = 0x800;           /* the data segment's bytes are missing */
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "beyond the end of the file");
}
END_TEST

START_TEST(not_elf)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_ident[1] = 'X';
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "not an ELF file");
}
END_TEST

START_TEST(bad_machine)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_machine = EM_AARCH64;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "not an x86-64 ELF");
}
END_TEST

START_TEST(bad_class)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_ident[EI_CLASS] = ELFCLASS32;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "not an x86-64 ELF");
}
END_TEST

START_TEST(bad_phoff)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phoff = 0xfffffffffffffff0ull;  /* offset + size overflows */
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "program headers");
    t.eh.e_phoff = 0x1000;         /* inside the file, table runs past its end */
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "program headers");
}
END_TEST

START_TEST(bad_phentsize)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phentsize = 32;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "e_phentsize");
}
END_TEST

START_TEST(overlapping_segments)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.ph[1].p_vaddr = 0x400100;
    t.ph[1].p_offset = 0x100;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "overlaps");
}
END_TEST

START_TEST(filesz_above_memsz)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.ph[1].p_memsz = 4;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "p_filesz > p_memsz");
}
END_TEST

START_TEST(beyond_user_space)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.ph[1].p_vaddr = 0x7ffffffff000ull;
    t.ph[1].p_memsz = 0x2000;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "outside user space");
}
END_TEST

START_TEST(misaligned_offset)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.ph[1].p_offset = 0x1008;
    t.file_size = 0x1100;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "modulo 4K");
}
END_TEST

START_TEST(entry_outside)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_entry = 0x10;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "entry point");
}
END_TEST

START_TEST(no_load_segment)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.ph[0].p_type = PT_NOTE;
    t.ph[1].p_type = PT_NOTE;
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "no loadable segment");
}
END_TEST

START_TEST(missing_interp)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phnum = 3;
    /* "/ld.so" exists neither in this (empty) sysroot nor on the host */
    t.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x180, .p_filesz = 7 };
    /* 127, as bash reports the kernel's ENOENT for a missing interpreter */
    assert_err(load(&t, tmpdir, &info), LU_ELF_NOTFOUND, "interpreter /ld.so not found");
}
END_TEST

START_TEST(unterminated_interp)
{
    LuElfInfo info;
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phnum = 3;
    t.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x180, .p_filesz = 4 };
    assert_err(load(&t, NULL, &info), LU_ELF_BAD, "PT_INTERP");
}
END_TEST

START_TEST(not_found)
{
    LuElfInfo info;
    LuMem *m = lu_mem_new(0);
    char *path = g_build_filename(tmpdir, "nope", NULL);
    assert_err(lu_elf_load(m, path, NULL, &info, err, sizeof(err)), LU_ELF_NOTFOUND,
               "No such file");
    g_free(path);
}
END_TEST

START_TEST(directory_and_noexec)
{
    LuElfInfo info;
    LuMem *m = lu_mem_new(0);
    assert_err(lu_elf_load(m, tmpdir, NULL, &info, err, sizeof(err)), LU_ELF_NOEXEC,
               "Is a directory");
    TestElf t = base_elf(ET_EXEC, 0x400000);
    char *path = write_elf("plain", &t, 0644);
    assert_err(lu_elf_load(m, path, NULL, &info, err, sizeof(err)), LU_ELF_NOEXEC,
               "Permission denied");
    g_free(path);
}
END_TEST

/* Random corruptions of the headers: every load ends with a status, never
 * a crash (each in a child process, so mappings do not pile up). */
START_TEST(random_corruption)
{
    TestElf t = base_elf(ET_EXEC, 0x400000);
    t.eh.e_phnum = 3;
    t.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x180, .p_filesz = 7 };
    char *good = write_elf("prog", &t, 0755);
    gchar *bytes;
    gsize len;
    ck_assert(g_file_get_contents(good, &bytes, &len, NULL));
    GRand *rng = g_rand_new_with_seed(1234);
    for (int iter = 0; iter < 200; iter++) {
        char *copy = g_memdup2(bytes, len);
        int flips = g_rand_int_range(rng, 1, 5);
        for (int k = 0; k < flips; k++) {
            copy[g_rand_int_range(rng, 0, 0x200)] = (char)g_rand_int(rng);
        }
        ck_assert(g_file_set_contents(good, copy, (gssize)len, NULL));
        ck_assert_int_eq(g_chmod(good, 0755), 0);
        g_free(copy);
        pid_t pid = fork();
        if (pid == 0) {
            LuMem *m = lu_mem_new(0);
            LuElfInfo info;
            _exit(lu_elf_load(m, good, tmpdir, &info, err, sizeof(err)));
        }
        int ws;
        ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
        ck_assert_msg(WIFEXITED(ws), "iteration %d: killed by signal %d", iter,
                      WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        int st = WEXITSTATUS(ws);
        ck_assert_msg(st == LU_ELF_OK || st == LU_ELF_BAD || st == LU_ELF_NEED_BASE ||
                      st == LU_ELF_NOTFOUND || st == LU_ELF_NOEXEC,   /* the interpreter */
                      "iteration %d: status %d", iter, st);
    }
    g_rand_free(rng);
    g_free(bytes);
    g_free(good);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elfload");
    TCase *ok = tcase_create("load");
    tcase_add_checked_fixture(ok, setup, teardown);
    tcase_add_test(ok, static_exec);
    tcase_add_test(ok, static_exec_prot);
    tcase_add_test(ok, static_exec_needs_base);
    tcase_add_test(ok, pie);
    tcase_add_test(ok, pie_big_align);
    tcase_add_test(ok, dynamic_with_interp);
    suite_add_tcase(s, ok);
    TCase *bad = tcase_create("malformed");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, truncated_header);
    tcase_add_test(bad, truncated_segment);
    tcase_add_test(bad, not_elf);
    tcase_add_test(bad, bad_machine);
    tcase_add_test(bad, bad_class);
    tcase_add_test(bad, bad_phoff);
    tcase_add_test(bad, bad_phentsize);
    tcase_add_test(bad, overlapping_segments);
    tcase_add_test(bad, filesz_above_memsz);
    tcase_add_test(bad, beyond_user_space);
    tcase_add_test(bad, misaligned_offset);
    tcase_add_test(bad, entry_outside);
    tcase_add_test(bad, no_load_segment);
    tcase_add_test(bad, missing_interp);
    tcase_add_test(bad, unterminated_interp);
    tcase_add_test(bad, not_found);
    tcase_add_test(bad, directory_and_noexec);
    tcase_add_test(bad, random_corruption);
    tcase_set_timeout(bad, 60);    /* 200 forked loads, on a loaded machine */
    suite_add_tcase(s, bad);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
