/*
 * fatal.h — the never-returning error path for conditions ferry cannot
 * recover from (a broken invariant outside debug asserts, a host resource
 * that is gone). Guest input never reaches here: it gets a guest-visible
 * error instead.
 */
#ifndef FERRY_JIT_FATAL_H
#define FERRY_JIT_FATAL_H

/* Print "ferry: FILE:LINE: message" to stderr and abort. */
#define ferry_die(...) ferry_die_at(__FILE__, __LINE__, __VA_ARGS__)

_Noreturn void ferry_die_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
