/*
 * monitor.c — HMP: line input from the chardev frontend callbacks, a
 * command table searched by name (two words for "info"), and the built-in
 * commands. All state is touched in the main loop under the BQL.
 */
#include "system/monitor.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "system/cpus.h"

#define LINE_MAX_LEN 1024
#define PROMPT "(ferry) "

typedef struct MonCmd {
    const char *name;
    const char *args;
    const char *help;
    MonCmdFn fn;
    void *opaque;
} MonCmd;

struct Monitor {
    Chardev *chr;                /* immutable */
    bool echo;                   /* immutable */
    GArray *cmds;                /* MonCmd; BQL */
    char line[LINE_MAX_LEN];     /* BQL (main loop) */
    int len;
    MemoryRegion *mem_root, *io_root;
    AddressSpace *mem, *io;
};

void mon_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    chr_write(mon->chr, (const uint8_t *)s, strlen(s));
    g_free(s);
}

void mon_register(Monitor *mon, const char *name, const char *args,
                  const char *help, MonCmdFn fn, void *opaque)
{
    MonCmd c = { name, args, help, fn, opaque };

    g_array_append_val(mon->cmds, c);
}

void mon_set_memory(Monitor *mon, MemoryRegion *mem_root, AddressSpace *mem,
                    MemoryRegion *io_root, AddressSpace *io)
{
    mon->mem_root = mem_root;
    mon->mem = mem;
    mon->io_root = io_root;
    mon->io = io;
}

/* ---- built-in commands -------------------------------------------------- */

static void cmd_help(Monitor *mon, int argc, char **argv, void *opaque)
{
    for (guint i = 0; i < mon->cmds->len; i++) {
        MonCmd *c = &g_array_index(mon->cmds, MonCmd, i);

        mon_printf(mon, "%s%s%s -- %s\n", c->name, *c->args ? " " : "",
                   c->args, c->help);
    }
}

static void cmd_info_mtree(Monitor *mon, int argc, char **argv,
                           void *opaque) REQUIRES(sys_bql)
{
    GString *out = g_string_new(NULL);
    bool flat = argc > 2 && strcmp(argv[2], "-f") == 0;

    if (flat) {
        if (mon->mem) {
            sys_as_print_view(out, mon->mem);
        }
        if (mon->io) {
            sys_as_print_view(out, mon->io);
        }
    } else {
        if (mon->mem_root) {
            g_string_append(out, "address-space: memory\n");
            sys_mr_print_tree(out, mon->mem_root);
        }
        if (mon->io_root) {
            g_string_append(out, "address-space: I/O\n");
            sys_mr_print_tree(out, mon->io_root);
        }
    }
    mon_printf(mon, "%s", out->str);
    g_string_free(out, TRUE);
}

/* "/NFS" -> count, format (x, d, u), unit size (b, h, w, g). */
static bool parse_fmt(const char *s, int *count, char *fmt, unsigned *size)
{
    char *end;

    *count = 1;
    *fmt = 'x';
    *size = 4;
    if (*s != '/') {
        return false;
    }
    s++;
    if (g_ascii_isdigit(*s)) {
        *count = strtol(s, &end, 10);
        s = end;
    }
    for (; *s; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': *fmt = *s; break;
        case 'b': *size = 1; break;
        case 'h': *size = 2; break;
        case 'w': *size = 4; break;
        case 'g': *size = 8; break;
        default: return false;
        }
    }
    return *count > 0 && *count <= 4096;
}

static void print_unit(Monitor *mon, uint64_t v, char fmt, unsigned size)
{
    if (fmt == 'x') {
        mon_printf(mon, " 0x%0*" PRIx64, size * 2, v);
    } else if (fmt == 'd') {
        int64_t sv = size == 8 ? (int64_t)v
                               : (int64_t)(v << (64 - size * 8)) >>
                                     (64 - size * 8);
        mon_printf(mon, " %" PRId64, sv);
    } else {
        mon_printf(mon, " %" PRIu64, v);
    }
}

static void cmd_xp(Monitor *mon, int argc, char **argv, void *opaque)
{
    int count, per_line;
    char fmt;
    unsigned size;
    uint64_t addr;

    if (argc != 3 || !parse_fmt(argv[1], &count, &fmt, &size) || !mon->mem) {
        mon_printf(mon, "usage: xp /[count][x|d|u][b|h|w|g] address\n");
        return;
    }
    addr = strtoull(argv[2], NULL, 0);
    per_line = 16 / size;
    for (int i = 0; i < count; i++) {
        uint64_t v;

        if (i % per_line == 0) {
            mon_printf(mon, "%s%016" PRIx64 ":", i ? "\n" : "", addr);
        }
        sys_as_read(mon->mem, addr, size, &v);
        print_unit(mon, v, fmt, size);
        addr += size;
    }
    mon_printf(mon, "\n");
}

static void cmd_stop(Monitor *mon, int argc, char **argv, void *opaque)
    REQUIRES(sys_bql)
{
    sys_pause_all_vcpus();
}

static void cmd_cont(Monitor *mon, int argc, char **argv, void *opaque)
    REQUIRES(sys_bql)
{
    sys_resume_all_vcpus();
}

/* ---- dispatch and input --------------------------------------------------- */

static MonCmd *find(Monitor *mon, int argc, char **argv)
{
    for (guint i = 0; i < mon->cmds->len; i++) {
        MonCmd *c = &g_array_index(mon->cmds, MonCmd, i);

        if (g_str_has_prefix(c->name, "info ")) {
            if (argc >= 2 && strcmp(argv[0], "info") == 0 &&
                strcmp(c->name + 5, argv[1]) == 0) {
                return c;
            }
        } else if (strcmp(c->name, argv[0]) == 0) {
            return c;
        }
    }
    return NULL;
}

void mon_execute(Monitor *mon, const char *line)
{
    char **argv = g_strsplit_set(line, " \t", -1);
    char **words = g_new0(char *, g_strv_length(argv) + 1);
    int argc = 0;
    MonCmd *c;

    for (char **p = argv; *p; p++) {
        if (**p) {
            words[argc++] = *p;
        }
    }
    if (argc > 0) {
        c = find(mon, argc, words);
        if (c) {
            c->fn(mon, argc, words, c->opaque);
        } else {
            mon_printf(mon, "unknown command: '%s%s%s' (try help)\n",
                       words[0], argc > 1 && !strcmp(words[0], "info") ? " "
                                                                       : "",
                       argc > 1 && !strcmp(words[0], "info") ? words[1] : "");
        }
    }
    g_free(words);
    g_strfreev(argv);
}

static int mon_can_receive(void *opaque)
{
    return LINE_MAX_LEN;
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev frontends run under the BQL */
static void mon_receive(void *opaque, const uint8_t *buf, int n)
{
    Monitor *mon = opaque;

    for (int i = 0; i < n; i++) {
        uint8_t ch = buf[i];

        if (ch == '\r' || ch == '\n') {
            if (mon->echo) {
                mon_printf(mon, "\r\n");
            }
            mon->line[mon->len] = 0;
            mon->len = 0;
            mon_execute(mon, mon->line);
            mon_printf(mon, PROMPT);
        } else if (ch == 0x7f || ch == 0x08) {
            if (mon->len > 0) {
                mon->len--;
                if (mon->echo) {
                    mon_printf(mon, "\b \b");
                }
            }
        } else if (ch >= 0x20 && mon->len < LINE_MAX_LEN - 1) {
            mon->line[mon->len++] = ch;
            if (mon->echo) {
                chr_write(mon->chr, &ch, 1);
            }
        }
    }
}

Monitor *mon_new(Chardev *chr, bool echo)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->echo = echo;
    mon->cmds = g_array_new(FALSE, FALSE, sizeof(MonCmd));
    mon_register(mon, "help", "", "list commands", cmd_help, NULL);
    mon_register(mon, "info mtree", "[-f]",
                 "show the memory region tree (-f: flat views)",
                 cmd_info_mtree, NULL);
    mon_register(mon, "xp", "/fmt addr", "dump physical memory", cmd_xp,
                 NULL);
    mon_register(mon, "stop", "", "pause all vCPUs", cmd_stop, NULL);
    mon_register(mon, "cont", "", "resume all vCPUs", cmd_cont, NULL);
    mon_printf(mon, "ferry monitor - type 'help' for commands\n" PROMPT);
    chr_set_frontend(chr, mon_can_receive, mon_receive, mon);
    return mon;
}

void mon_free(Monitor *mon)
{
    g_array_free(mon->cmds, TRUE);
    g_free(mon);
}
