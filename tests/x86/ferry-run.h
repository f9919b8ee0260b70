/*
 * ferry-run.h — the ferry half of the x86 oracle: runs the same snippet
 * and initial state as native.h, at the same addresses (user-mode memory,
 * guest_base 0), under the x86 translator on one backend, and returns the
 * end state in the same form.
 */
#ifndef FERRY_TESTS_X86_FERRY_RUN_H
#define FERRY_TESTS_X86_FERRY_RUN_H

#include "tests/x86/native.h"

typedef struct XtFerry XtFerry;

/* Backends this build can run ("interp", and the host's: "x86_64", "arm64"). */
extern const char *const xt_ferry_backends[];

/* An engine and CPU on the named backend (NULL if not built here).
 * Needs xt_arena_init first; registers the calling thread with RCU. */
XtFerry *xt_ferry_new(const char *backend);

/* Translations are cut after this many instructions (1: one per TB). */
void xt_ferry_set_max_insns(unsigned n);

/*
 * Run code[0..len) followed by a ud2 terminator from state `in`. The snippet
 * completed (XT_DONE) when ferry raises #UD at the terminator; any other
 * exception is reported with the state at that point. *excp gets ferry's
 * raw exception number.
 */
void xt_ferry_run(XtFerry *f, const uint8_t *code, size_t len, const XtState *in,
                  XtResult *out, int *excp);

/* Log unimplemented instructions of the following runs to stderr. */
void xt_ferry_log_unimp(XtFerry *f, bool on);

#endif
