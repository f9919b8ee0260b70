/*
 * log.h — the system emulator's `-d` style log classes. Devices report guest
 * mistakes (unassigned accesses, bad programming) under guest_errors; they
 * never abort. A counter lets tests check that an error was reported.
 */
#ifndef FERRY_SYSTEM_LOG_H
#define FERRY_SYSTEM_LOG_H

#include <stdbool.h>

enum {
    SYS_LOG_GUEST_ERRORS = 1u << 0,    /* -d guest_errors */
    SYS_LOG_UNIMP        = 1u << 1,    /* -d unimp: features not emulated */
};

/* Enable the classes in @mask (replaces the previous mask). Thread-safe. */
void sys_log_set_mask(unsigned mask);

/* Whether any class in @mask is enabled. Thread-safe. */
bool sys_log_enabled(unsigned mask);

/* Report a guest programming error: counted always, printed to stderr when
 * guest_errors is enabled. Thread-safe. */
void sys_log_guest_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Report an access to something not emulated (counted as a guest error too:
 * the guest sees hardware that does nothing). Thread-safe. */
void sys_log_unimp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* How many guest errors and unimp reports were made since start. */
unsigned long sys_log_guest_error_count(void);

#endif
