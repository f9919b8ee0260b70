/*
 * log.c — log classes for the system emulator: an atomic mask and a counter,
 * output to stderr. Lock-free so any thread (vCPU, main loop, device under
 * its own lock) can log.
 */
#include "system/log.h"

#include <stdarg.h>
#include <stdio.h>

static _Atomic unsigned log_mask;
static _Atomic unsigned long guest_error_count;

void sys_log_set_mask(unsigned mask)
{
    log_mask = mask;
}

bool sys_log_enabled(unsigned mask)
{
    return (log_mask & mask) != 0;
}

static void log_v(unsigned cls, const char *prefix, const char *fmt, va_list ap)
{
    guest_error_count++;
    if (!sys_log_enabled(cls)) {
        return;
    }
    flockfile(stderr);
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}

void sys_log_guest_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_v(SYS_LOG_GUEST_ERRORS, "guest error: ", fmt, ap);
    va_end(ap);
}

void sys_log_unimp(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_v(SYS_LOG_UNIMP, "unimplemented: ", fmt, ap);
    va_end(ap);
}

unsigned long sys_log_guest_error_count(void)
{
    return guest_error_count;
}
