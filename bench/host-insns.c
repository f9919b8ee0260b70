/*
 * host-insns.c — generated host instructions per guest instruction, the
 * x86-64 backend against the arm64 backend (both emitters build on every
 * host; nothing generated is run). The guest blocks are either every block
 * of an x86-64 ELF's .text, walked as bench/translate does, or the blocks a
 * real run translated (the "IN 0x...:" lines of `ferry-x86_64 -d in_asm`),
 * at their real guest addresses, so address constants are the run's.
 * Host instructions are counted with capstone.
 * With qemu-x86_64's `-d exec,nochain` log instead, each block counts as
 * often as it ran: host instructions per guest instruction executed.
 * Usage: bench/host-insns [-l in_asm.log|exec.log] [-B base] ELF
 */
#include <capstone/capstone.h>
#include <elf.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "frontend-x86/translate.h"

/* The guest program: its file and where its executable segments go. */
static struct {
    const uint8_t *file;
    size_t size;
    uint64_t bias;                 /* load address of an ET_DYN object */
    const Elf64_Phdr *ph;
    unsigned phnum;
} img;

/* Guest code at addr (guest_base 0): the file bytes of the executable
 * PT_LOAD holding it, up to the end of that segment's file part. */
static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)cpu;
    for (unsigned i = 0; i < img.phnum; i++) {
        const Elf64_Phdr *p = &img.ph[i];
        uint64_t lo = p->p_vaddr + img.bias;
        if (p->p_type != PT_LOAD || !(p->p_flags & PF_X) || addr < lo ||
            addr >= lo + p->p_filesz) {
            continue;
        }
        size_t n = MIN((size_t)(lo + p->p_filesz - addr), len);
        memcpy(buf, img.file + p->p_offset + (addr - lo), n);
        return n;
    }
    return 0;
}

static void load_elf(const char *path, uint64_t base, uint64_t *text, uint64_t *text_size)
{
    gchar *data;
    gsize size;
    if (!g_file_get_contents(path, &data, &size, NULL) || size < sizeof(Elf64_Ehdr) ||
        memcmp(data, ELFMAG, SELFMAG) != 0) {
        fprintf(stderr, "host-insns: %s is not an ELF file\n", path);
        exit(1);
    }
    const Elf64_Ehdr *eh = (const void *)data;
    img.file = (const uint8_t *)data;
    img.size = size;
    img.bias = eh->e_type == ET_DYN ? base : 0;
    img.ph = (const void *)(data + eh->e_phoff);
    img.phnum = eh->e_phnum;
    const Elf64_Shdr *sh = (const void *)(data + eh->e_shoff);
    const char *names = data + sh[eh->e_shstrndx].sh_offset;
    *text = *text_size = 0;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (strcmp(names + sh[i].sh_name, ".text") == 0) {
            *text = sh[i].sh_addr + img.bias;
            *text_size = sh[i].sh_size;
        }
    }
}

/* Blocks to translate: start addresses, once each, with a weight. */
typedef struct Blocks {
    GArray *pc, *weight;           /* uint64_t each, in first-seen order */
} Blocks;

/*
 * Read a log: ferry's `-d in_asm` ("IN 0x...:", every translated block,
 * weight 1) or qemu-x86_64's `-d exec,nochain` ("Trace N: host
 * [cs_base/pc/flags/cflags]", one line per block executed: the weight is
 * the number of executions, so the figures are per guest instruction run).
 */
static Blocks read_log(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "host-insns: cannot read %s\n", path);
        exit(1);
    }
    Blocks b = { g_array_new(FALSE, FALSE, sizeof(uint64_t)),
                 g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    GHashTable *index = g_hash_table_new(NULL, NULL);   /* pc -> position + 1 */
    char line[256];
    unsigned long long pc, cs_base;
    while (fgets(line, sizeof(line), f)) {
        bool exec = sscanf(line, "Trace %*d: %*s [%llx/%llx/", &cs_base, &pc) == 2;
        if (!exec && sscanf(line, "IN %llx:", &pc) != 1) {
            continue;
        }
        gpointer pos = g_hash_table_lookup(index, GSIZE_TO_POINTER(pc));
        if (!pos) {
            uint64_t v = pc, zero = 0;
            g_array_append_val(b.pc, v);
            g_array_append_val(b.weight, zero);
            pos = GSIZE_TO_POINTER(b.pc->len);
            g_hash_table_insert(index, GSIZE_TO_POINTER(pc), pos);
        }
        uint64_t *w = &g_array_index(b.weight, uint64_t, GPOINTER_TO_SIZE(pos) - 1);
        *w = exec ? *w + 1 : 1;
    }
    g_hash_table_destroy(index);
    fclose(f);
    return b;
}

typedef struct Totals {
    uint64_t blocks, skipped, guest, host, host_bytes, ir_ops;   /* weighted but blocks */
} Totals;

/* Host instructions in code[0, size); bytes that do not decode are
 * skipped a unit (1 byte on x86-64, 4 on arm64) at a time, uncounted. */
static uint64_t count_host(csh cs, const uint8_t *code, size_t size, size_t unit)
{
    cs_insn *insn = cs_malloc(cs);
    uint64_t n = 0, addr = 0;
    while (size > 0) {
        if (cs_disasm_iter(cs, &code, &size, &addr, insn)) {
            n++;
        } else {
            size_t step = MIN(size, unit);
            code += step;
            size -= step;
            addr += step;
        }
    }
    cs_free(insn, 1);
    return n;
}

/* Translate one block at pc on engine e, counting it weight times; false
 * when pc is not code here. */
static bool one_block(JitEngine *e, X86Cpu *cpu, csh cs, size_t unit, uint64_t pc,
                      uint64_t weight, Totals *t, uint32_t *guest_size)
{
    uint8_t probe;
    if (fetch(NULL, pc, &probe, 1) == 0) {
        t->skipped++;
        return false;
    }
    TbEntry *tb = jit_tb_lookup_or_translate(e, &cpu->jit, pc, 0, X86_MODE_64);
    t->blocks++;
    t->guest += weight * tb->nb_insns;
    t->host += weight * count_host(cs, tb->code_rw, tb->code_size, unit);
    t->host_bytes += weight * tb->code_size;
    *guest_size = tb->guest_size;
    return true;
}

/* Every block of blocks (or of [text, end) when blocks is NULL) on be. */
static Totals run_backend(JitBackend *be, csh cs, size_t unit, const Blocks *blocks,
                          uint64_t text, uint64_t end)
{
    Totals t = { 0 };
    JitEngine *e = jit_engine_new(be, &x86_translator, 512 << 20, JIT_WX_AUTO);
    X86Cpu *cpu = g_new0(X86Cpu, 1);
    cpu->jit.mem_mode = JIT_MEM_USER;
    cpu->df = 1;
    jit_cpu_register(e, &cpu->jit);
    uint32_t gsize;
    if (blocks) {
        for (guint i = 0; i < blocks->pc->len; i++) {
            one_block(e, cpu, cs, unit, g_array_index(blocks->pc, uint64_t, i),
                      g_array_index(blocks->weight, uint64_t, i), &t, &gsize);
        }
    } else {
        for (uint64_t pc = text; pc < end;) {
            bool ok = one_block(e, cpu, cs, unit, pc, 1, &t, &gsize);
            pc += ok && gsize ? gsize : 1;
        }
    }
    t.ir_ops = e->stats.ir_ops;
    jit_cpu_unregister(e, &cpu->jit);
    jit_engine_free(e);
    g_free(cpu);
    return t;
}

int main(int argc, char **argv)
{
    const char *log = NULL;
    uint64_t base = 0x7ffff7c00000ull;   /* where ferry's ld.so puts a first library */
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-l") == 0) {
            log = argv[i + 1];
        } else if (strcmp(argv[i], "-B") == 0) {
            base = strtoull(argv[i + 1], NULL, 0);
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: host-insns [-l in_asm.log|exec.log] [-B base] ELF\n");
        return 2;
    }
    uint64_t text, text_size;
    load_elf(argv[i], base, &text, &text_size);
    Blocks blocks = log ? read_log(log) : (Blocks){ NULL, NULL };
    rcu_register_thread();
    x86_tr_config.fetch = fetch;
    x86_tr_config.user_mode = true;

    static const struct {
        const char *name;
        JitBackend *be;
        cs_arch arch;
        cs_mode mode;
        size_t unit;
    } bes[] = {
        { "x86_64", &jit_backend_x86_64, CS_ARCH_X86, CS_MODE_64, 1 },
        { "arm64", &jit_backend_arm64, CS_ARCH_ARM64, CS_MODE_ARM, 4 },
    };
    printf("%s, %s: ", argv[i], log ? log : ".text, every block");
    for (unsigned b = 0; b < G_N_ELEMENTS(bes); b++) {
        csh cs;
        if (cs_open(bes[b].arch, bes[b].mode, &cs) != CS_ERR_OK) {
            fprintf(stderr, "host-insns: capstone cannot open %s\n", bes[b].name);
            return 1;
        }
        Totals t = run_backend(bes[b].be, cs, bes[b].unit, log ? &blocks : NULL, text,
                               text + text_size);
        cs_close(&cs);
        if (b == 0) {
            printf("%llu blocks (%llu not in the file), %llu guest insns\n",
                   (unsigned long long)t.blocks, (unsigned long long)t.skipped,
                   (unsigned long long)t.guest);
        }
        printf("  %-6s %.2f host insns per guest insn (%.2f bytes)\n", bes[b].name,
               (double)t.host / t.guest, (double)t.host_bytes / t.guest);
    }
    rcu_unregister_thread();
    return 0;
}
