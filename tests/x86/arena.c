/*
 * arena.c — the oracle's fixed memory arena (code page, data buffer,
 * stack), shared by the native runner (x86-64 hosts) and the ferry runner
 * (every host). Its fixed address makes states that hold buffer addresses
 * the same in every run and on every host, which the recorded results
 * (differ --replay) rely on.
 */
#include "tests/x86/native.h"

#include <string.h>
#include <sys/mman.h>

#include "jit/fatal.h"

#define CODE_AREA_SIZE 8192       /* RWX: native prologue, snippet, epilogue */
#define SNIPPET_OFFSET 1024       /* the native prologue ends right here */

uint8_t *xt_snippet;
uint8_t *xt_data;
uint8_t *xt_stack;

const char *xt_outcome_name(XtOutcome o)
{
    static const char *const names[] = { "done", "#DE", "#UD", "#GP/#PF", "#BP/#DB",
                                         "other" };
    return o <= XT_FAULT_OTHER ? names[o] : "?";
}

void xt_arena_init(void)
{
    /* guard | code (2 pages) | guard | data | guard | stack | guard */
    size_t pg = 4096, total = 9 * pg;
    /* A fixed address when free, so that reproducers (which may compute
     * with the buffer addresses) give the same values in every run. */
    uint8_t *base = mmap((void *)0x5a5a0000000ull, total, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

    if (base == MAP_FAILED) {
        base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (base == MAP_FAILED) {
        ferry_die("cannot map the oracle arena");
    }
    uint8_t *code_area = base + pg;
    xt_data = base + 4 * pg;
    xt_stack = base + 6 * pg;
    if (mprotect(code_area, CODE_AREA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC) != 0 ||
        mprotect(xt_data, pg, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(xt_stack, pg, PROT_READ | PROT_WRITE) != 0) {
        ferry_die("cannot set the oracle arena's protections");
    }
    xt_snippet = code_area + SNIPPET_OFFSET;
}

void xt_state_init(XtState *st)
{
    memset(st, 0, sizeof(*st));
    st->regs[3] = XT_DATA_PTR;
    st->regs[4] = XT_STACK_PTR;
}

void xt_arena_load(const XtState *st)
{
    memcpy(xt_data, st->data, XT_DATA_SIZE);
    memcpy(xt_stack, st->stack, XT_STACK_SIZE);
}

void xt_arena_save(XtState *st)
{
    memcpy(st->data, xt_data, XT_DATA_SIZE);
    memcpy(st->stack, xt_stack, XT_STACK_SIZE);
}
