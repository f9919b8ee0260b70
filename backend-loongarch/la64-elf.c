/*
 * la64-elf.c — the standalone-executable harness for the loongarch64
 * backend (see la64-elf.h for the contract the code runs under). The file
 * image is built in memory, little-endian like every ferry host, with the
 * runtime emitted by la64-enc; la64_elf_run runs it under qemu-user.
 */
#include "backend-loongarch/la64-elf.h"

#include <assert.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend-loongarch/la64-enc.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
/* e_flags: LP64D ABI (double-float) and object file ABI v1, as the
 * toolchain writes them and the kernel/qemu expect. */
#define LA64_EF_LP64D 0x3
#define LA64_EF_OBJ_V1 0x40

#define SEG_ALIGN 0x10000ull  /* covers 4K, 16K and 64K host pages */
#define RT_MAX 32             /* runtime words (entry + rt_write + rt_exit) */

/* ---------------------------------------------------------------------- */
/* Image assembly                                                          */

static const char shstrtab[] = "\0.text\0.data\0.shstrtab";
enum { STR_TEXT = 1, STR_DATA = 7, STR_SHSTRTAB = 13 };

static void put(GByteArray *img, const void *p, size_t n)
{
    g_byte_array_append(img, p, (guint)n);
}

static void pad_to(GByteArray *img, size_t off)
{
    static const uint8_t zero[16];
    while (img->len < off) {
        size_t n = MIN(off - img->len, sizeof(zero));
        put(img, zero, n);
    }
}

static Elf64_Ehdr make_ehdr(uint16_t type, uint64_t entry, int phnum)
{
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = type;
    eh.e_machine = EM_LOONGARCH;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = phnum ? sizeof(Elf64_Ehdr) : 0;
    eh.e_flags = LA64_EF_LP64D | LA64_EF_OBJ_V1;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = phnum ? sizeof(Elf64_Phdr) : 0;
    eh.e_phnum = (uint16_t)phnum;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    return eh;
}

static Elf64_Shdr make_shdr(uint32_t name, uint32_t type, uint64_t flags,
                            uint64_t addr, uint64_t off, uint64_t size)
{
    Elf64_Shdr sh;
    memset(&sh, 0, sizeof(sh));
    sh.sh_name = name;
    sh.sh_type = type;
    sh.sh_flags = flags;
    sh.sh_addr = addr;
    sh.sh_offset = off;
    sh.sh_size = size;
    sh.sh_addralign = type == SHT_STRTAB ? 1 : 4;
    return sh;
}

/* Section headers: null, .text, [.data], .shstrtab; patches @eh to match. */
static void put_sections(GByteArray *img, Elf64_Ehdr *eh, uint64_t text_addr,
                         uint64_t text_off, uint64_t text_len, uint64_t data_addr,
                         uint64_t data_off, uint64_t data_len)
{
    Elf64_Shdr sh[4];
    int n = 0;
    uint64_t str_off = img->len;

    put(img, shstrtab, sizeof(shstrtab));
    pad_to(img, (img->len + 7) & ~7u);
    memset(&sh[n++], 0, sizeof(sh[0]));
    sh[n++] = make_shdr(STR_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
                        text_addr, text_off, text_len);
    if (data_off) {
        sh[n++] = make_shdr(STR_DATA, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
                            data_addr, data_off, data_len);
    }
    sh[n++] = make_shdr(STR_SHSTRTAB, SHT_STRTAB, 0, 0, str_off, sizeof(shstrtab));
    eh->e_shoff = img->len;
    eh->e_shnum = (uint16_t)n;
    eh->e_shstrndx = (uint16_t)(n - 1);
    put(img, sh, n * sizeof(sh[0]));
}

static int write_file(const char *path, const GByteArray *img, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    size_t done = 0;
    int err = 0;

    if (fd < 0) {
        return -errno;
    }
    while (done < img->len && !err) {
        ssize_t n = write(fd, img->data + done, img->len - done);
        if (n < 0 && errno != EINTR) {
            err = -errno;
        } else if (n > 0) {
            done += (size_t)n;
        }
    }
    if (!err && fchmod(fd, mode) < 0) {
        err = -errno;
    }
    if (close(fd) < 0 && !err) {
        err = -errno;
    }
    return err;
}

/* ---------------------------------------------------------------------- */
/* Runtime                                                                 */

/*
 * rt_exit, rt_write, then the entry that calls the user code, which follows
 * immediately. Returns the entry's word index; the runtime's length is
 * b->len. Layout decisions here are what la64-elf.h promises.
 */
static size_t emit_runtime(La64Buf *b, uint64_t data_addr)
{
    size_t rt_exit, rt_write, loop, entry;
    uint32_t *br_done, *br_fail;

    rt_exit = b->len;                       /* a0 = status */
    la64_ori(b, LA64_A7, LA64_ZERO, 94);    /* exit_group */
    la64_syscall(b, 0);
    la64_break(b, 0);

    rt_write = b->len;                      /* a0 = buf, a1 = len */
    la64_mov(b, LA64_T0, LA64_A0);
    la64_mov(b, LA64_T1, LA64_A1);
    loop = b->len;
    br_done = la64_buf_cur(b);
    la64_beqz(b, LA64_T1, 0);
    la64_ori(b, LA64_A0, LA64_ZERO, 1);     /* fd 1 */
    la64_mov(b, LA64_A1, LA64_T0);
    la64_mov(b, LA64_A2, LA64_T1);
    la64_ori(b, LA64_A7, LA64_ZERO, 64);    /* write */
    la64_syscall(b, 0);
    br_fail = la64_buf_cur(b);
    la64_blt(b, LA64_A0, LA64_ZERO, 0);     /* -errno: return it */
    la64_add_d(b, LA64_T0, LA64_T0, LA64_A0);
    la64_sub_d(b, LA64_T1, LA64_T1, LA64_A0);
    la64_b(b, ((int64_t)loop - (int64_t)b->len) * 4);
    la64_set_branch_offset(br_done, (int64_t)(la64_buf_cur(b) - br_done) * 4);
    la64_mov(b, LA64_A0, LA64_ZERO);
    la64_set_branch_offset(br_fail, (int64_t)(la64_buf_cur(b) - br_fail) * 4);
    la64_jirl(b, LA64_ZERO, LA64_RA, 0);

    entry = b->len;
    la64_movi64(b, LA64_A0, data_addr);
    la64_pcaddi(b, LA64_A1, (int64_t)rt_write - (int64_t)b->len);
    la64_pcaddi(b, LA64_A2, (int64_t)rt_exit - (int64_t)b->len);
    la64_bl(b, 12);                         /* the code after the exit below */
    la64_ori(b, LA64_A7, LA64_ZERO, 94);    /* returned: exit_group(a0) */
    la64_syscall(b, 0);
    assert(b->err == LA64_OK);
    return entry;
}

/* ---------------------------------------------------------------------- */
/* Writers                                                                 */

int la64_elf_write(const char *path, const void *code, size_t len,
                   const void *data, size_t dlen)
{
    const size_t hdrs = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
    uint32_t rt[RT_MAX];
    La64Buf b;
    Elf64_Phdr ph[2];
    uint64_t text_end, data_off, data_addr, text_addr = LA64_ELF_TEXT_VADDR;
    size_t entry;
    GByteArray *img;
    Elf64_Ehdr eh;
    int err;

    if (len % 4 || (dlen && !data)) {
        return -EINVAL;
    }
    /* The runtime's size does not depend on data_addr's value beyond the
     * movi64 length, so place data first with a worst-case runtime size. */
    text_end = hdrs + RT_MAX * 4 + len;
    data_off = (text_end + 15) & ~15ull;
    data_addr = text_addr + ((text_end + SEG_ALIGN - 1) & ~(SEG_ALIGN - 1)) +
                SEG_ALIGN + (data_off & (SEG_ALIGN - 1));
    la64_buf_init(&b, rt, RT_MAX);
    entry = emit_runtime(&b, data_addr);
    text_end = hdrs + b.len * 4 + len;

    eh = make_ehdr(ET_EXEC, text_addr + hdrs + entry * 4, 2);
    memset(ph, 0, sizeof(ph));
    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_vaddr = ph[0].p_paddr = text_addr;
    ph[0].p_filesz = ph[0].p_memsz = text_end;
    ph[0].p_align = SEG_ALIGN;
    ph[1].p_type = PT_LOAD;
    ph[1].p_flags = PF_R | PF_W;
    ph[1].p_offset = data_off;
    ph[1].p_vaddr = ph[1].p_paddr = data_addr;
    ph[1].p_filesz = dlen;
    ph[1].p_memsz = dlen + LA64_ELF_SCRATCH;
    ph[1].p_align = SEG_ALIGN;

    img = g_byte_array_new();
    put(img, &eh, sizeof(eh));
    put(img, ph, sizeof(ph));
    put(img, rt, b.len * 4);
    put(img, code, len);
    pad_to(img, data_off);
    put(img, data, dlen);
    put_sections(img, &eh, text_addr + hdrs, hdrs, text_end - hdrs,
                 data_addr, data_off, dlen);
    memcpy(img->data, &eh, sizeof(eh));
    err = write_file(path, img, 0755);
    g_byte_array_unref(img);
    return err;
}

int la64_elf_write_obj(const char *path, const void *code, size_t len)
{
    GByteArray *img = g_byte_array_new();
    Elf64_Ehdr eh = make_ehdr(ET_REL, 0, 0);
    int err;

    put(img, &eh, sizeof(eh));
    put(img, code, len);
    pad_to(img, (img->len + 7) & ~7u);
    put_sections(img, &eh, 0, sizeof(eh), len, 0, 0, 0);
    memcpy(img->data, &eh, sizeof(eh));
    err = write_file(path, img, 0644);
    g_byte_array_unref(img);
    return err;
}

/* ---------------------------------------------------------------------- */
/* Running under qemu-user                                                 */

/* Read @fd to EOF into @res->out. */
static void read_all(int fd, La64RunResult *res)
{
    GByteArray *out = g_byte_array_new();
    uint8_t buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            break;
        }
        g_byte_array_append(out, buf, (guint)n);
    }
    res->out_len = out->len;
    g_byte_array_append(out, (const guint8 *)"", 1);
    res->out = g_byte_array_free(out, FALSE);
}

/* fork + exec (not posix_spawn) to arm the alarm that bounds a hung run;
 * the alarm survives exec, and qemu-user dies of it like the guest would. */
static int spawn_and_wait(const char *qemu, const char *exe, unsigned timeout_s,
                          La64RunResult *res)
{
    int pipefd[2], status;
    pid_t pid;

    if (pipe(pipefd) < 0) {
        return -errno;
    }
    pid = fork();
    if (pid < 0) {
        int err = -errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return err;
    }
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        /* no guest core files from qemu in the test directory */
        setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
        alarm(timeout_s);
        execl(qemu, qemu, exe, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    read_all(pipefd[0], res);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return 0;
}

int la64_elf_run(const char *qemu, const void *code, size_t len,
                 const void *data, size_t dlen, unsigned timeout_s,
                 La64RunResult *res)
{
    GError *gerr = NULL;
    char *exe = NULL;
    int fd, err;

    memset(res, 0, sizeof(*res));
    res->exit_code = -1;
    fd = g_file_open_tmp("ferry-la64-XXXXXX", &exe, &gerr);
    if (fd < 0) {
        g_error_free(gerr);
        return -EIO;
    }
    close(fd);
    err = la64_elf_write(exe, code, len, data, dlen);
    if (!err) {
        err = spawn_and_wait(qemu, exe, timeout_s, res);
    }
    unlink(exe);
    g_free(exe);
    return err;
}

void la64_run_result_clear(La64RunResult *res)
{
    g_free(res->out);
    memset(res, 0, sizeof(*res));
}
