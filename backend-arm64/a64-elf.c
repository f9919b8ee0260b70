/*
 * a64-elf.c — standalone arm64 executables for testing the emitter: an ELF
 * image with one read-execute segment (headers, a runtime emitted with our
 * own encoder, the caller's code) and one read-write data segment, plus a
 * runner that executes it under qemu-aarch64 or natively.
 */
#include "backend-arm64/a64-elf.h"

#include "backend-arm64/a64-enc.h"

#include <elf.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

/* File layout: ELF header, two program headers, runtime, code (16-byte
 * aligned), then the data segment at the next 64 KiB boundary so that it
 * maps on hosts with 4K, 16K and 64K pages alike. */
#define SEG_ALIGN 0x10000u
#define RUNTIME_OFF (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr))
#define RUNTIME_MAX 256u

enum { SYS_WRITE = 64, SYS_EXIT = 93 };

/*
 * The runtime: call the code, then print x0..x3 in hex and exit(0). Its
 * length does not depend on dlen (fixed MOVZ/MOVK pair) so that the code
 * address is a constant. Returns the byte position of the BL to patch.
 */
static size_t emit_runtime(A64Buf *b, size_t dlen)
{
    size_t bl_pos, loop, digit;

    a64_movi64(b, A64_X0, A64_ELF_DATA_ADDR);
    a64_movz(b, true, A64_X1, dlen & 0xffff, 0);
    a64_movk(b, true, A64_X1, (dlen >> 16) & 0xffff, 1);
    bl_pos = b->pos;
    a64_bl(b, 0);                                  /* patched to the code */
    a64_ldstp(b, A64_STP_X, A64_IDX_PRE, A64_X0, A64_X1, A64_SP, -64);
    a64_ldstp(b, A64_STP_X, A64_IDX_OFF, A64_X2, A64_X3, A64_SP, 16);
    a64_mov_rr(b, true, A64_X19, A64_SP);
    a64_movz(b, true, A64_X20, 4, 0);
    loop = b->pos;
    a64_ldst_post(b, A64_LDR_X, A64_X21, A64_X19, 8);
    a64_movz(b, true, A64_X9, 15, 0);
    a64_add_rri(b, true, A64_X13, A64_SP, 32);     /* text buffer */
    digit = b->pos;
    a64_logic_imm(b, A64_AND, true, A64_X10, A64_X21, 0xf);
    a64_cmp_ri(b, true, A64_X10, 10);
    a64_add_rri(b, true, A64_X11, A64_X10, '0');
    a64_add_rri(b, true, A64_X12, A64_X10, 'a' - 10);
    a64_csel(b, true, A64_X11, A64_X11, A64_X12, A64_LO);
    a64_ldst_reg(b, A64_STRB, A64_X11, A64_X13, A64_X9, A64_UXTX, false);
    a64_shift_rri(b, A64_LSR, true, A64_X21, A64_X21, 4);
    a64_addsub_ri(b, A64_SUBS, true, A64_X9, A64_X9, 1);
    a64_bcond(b, A64_GE, (int64_t)digit - (int64_t)b->pos);
    a64_movz(b, false, A64_X10, '\n', 0);
    a64_ldst(b, A64_STRB, A64_X10, A64_X13, 16);
    a64_movz(b, true, A64_X0, 1, 0);
    a64_mov_rr(b, true, A64_X1, A64_X13);
    a64_movz(b, true, A64_X2, 17, 0);
    a64_movz(b, true, A64_X8, SYS_WRITE, 0);
    a64_svc(b, 0);
    a64_addsub_ri(b, A64_SUBS, true, A64_X20, A64_X20, 1);
    a64_bcond(b, A64_NE, (int64_t)loop - (int64_t)b->pos);
    a64_movz(b, true, A64_X0, 0, 0);
    a64_movz(b, true, A64_X8, SYS_EXIT, 0);
    a64_svc(b, 0);
    return bl_pos;
}

static size_t runtime_len(void)
{
    static uint32_t scratch[RUNTIME_MAX / 4];
    A64Buf b;

    a64_buf_init(&b, scratch, sizeof(scratch));
    emit_runtime(&b, 0);
    g_assert(a64_buf_error(&b) == A64_OK);
    return b.pos;
}

static size_t code_off(void)
{
    return (RUNTIME_OFF + runtime_len() + 15) & ~(size_t)15;
}

uint64_t a64_elf_code_addr(void)
{
    return A64_ELF_TEXT_ADDR + code_off();
}

static void fill_headers(uint8_t *img, size_t text_len, size_t data_off,
                         size_t dlen)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

    /* Field stores in host order: every ferry build host is little-endian
     * like the target. */
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_AARCH64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = A64_ELF_TEXT_ADDR + RUNTIME_OFF;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;

    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_offset = 0;
    ph[0].p_vaddr = ph[0].p_paddr = A64_ELF_TEXT_ADDR;
    ph[0].p_filesz = ph[0].p_memsz = text_len;
    ph[0].p_align = SEG_ALIGN;

    ph[1].p_type = PT_LOAD;
    ph[1].p_flags = PF_R | PF_W;
    ph[1].p_offset = data_off;
    ph[1].p_vaddr = ph[1].p_paddr = A64_ELF_DATA_ADDR;
    ph[1].p_filesz = dlen;
    ph[1].p_memsz = dlen + A64_ELF_BSS_SIZE;
    ph[1].p_align = SEG_ALIGN;
}

int a64_elf_write(const char *path, const void *code, size_t len,
                  const void *data, size_t dlen)
{
    size_t coff = code_off(), text_len = coff + len;
    size_t data_off = (text_len + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
    size_t total = data_off + dlen;
    uint8_t *img = g_malloc0(total);
    size_t bl_pos;
    A64Buf b;
    int ret = 0;

    if (dlen > 0xffffffffu) {
        g_free(img);
        return -EINVAL;
    }
    fill_headers(img, text_len, data_off, dlen);
    a64_buf_init(&b, img + RUNTIME_OFF, coff - RUNTIME_OFF);
    bl_pos = emit_runtime(&b, dlen);
    g_assert(a64_buf_error(&b) == A64_OK);
    memcpy(img + coff, code, len);
    if (dlen) {
        memcpy(img + data_off, data, dlen);
    }
    if (a64_patch_branch((uint32_t *)(void *)(img + RUNTIME_OFF + bl_pos),
                         img + coff) != A64_OK) {
        ret = -EFBIG;
    } else if (!g_file_set_contents(path, (const char *)img, total, NULL)) {
        ret = -EIO;
    } else if (g_chmod(path, 0755) != 0) {
        ret = -errno;
    }
    g_free(img);
    return ret;
}

int a64_elf_run(const char *qemu, const char *cpu, const char *path,
                char *out, size_t outlen)
{
    const char *argv[5];
    gchar *sout = NULL;
    int n = 0, status = -1;

    if (qemu && *qemu) {
        argv[n++] = qemu;
        if (cpu) {
            argv[n++] = "-cpu";
            argv[n++] = cpu;
        }
    }
    argv[n++] = path;
    argv[n] = NULL;
    if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &sout, NULL, &status, NULL)) {
        return -1;
    }
    if (outlen) {
        g_strlcpy(out, sout ? sout : "", outlen);
    }
    g_free(sout);
    return status;
}
