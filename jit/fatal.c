/*
 * fatal.c — ferry_die_at(): report and abort.
 */
#include "jit/fatal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ferry_die_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "ferry: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
