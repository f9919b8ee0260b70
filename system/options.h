/*
 * options.h — ferry-system-x86_64's command line: QEMU-compatible options
 * parsed into a SysOptions, with every impossible value or combination
 * reported as a message (the caller prints it and exits 1).
 */
#ifndef FERRY_SYSTEM_OPTIONS_H
#define FERRY_SYSTEM_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Limits (xAPIC ids are 8 bits; 0xff is the broadcast id). */
#define SYS_MAX_CPUS 255
#define SYS_MAX_SERIAL 4
#define SYS_DEFAULT_RAM (UINT64_C(128) << 20)

typedef struct SysOptions {
    uint64_t ram_bytes;         /* -m */
    int smp;                    /* -smp */
    char *kernel, *initrd, *append;
    bool nographic;
    char *display;              /* -display: only "none" */
    GPtrArray *serial;          /* -serial specs (char *) */
    char *monitor;              /* -monitor spec or NULL */
    char *debugcon;             /* -debugcon spec (port 0xE9) or NULL */
    GPtrArray *qmp;             /* -qmp specs */
    char *accel;                /* -accel: "null" (tcg, kvm: not yet) */
    GPtrArray *devices;         /* -device specs */
    bool no_reboot;             /* -no-reboot */
    bool start_stopped;         /* -S */
    bool help, version, device_help, accel_help;
} SysOptions;

/* Parse @argv into @o (which it initialises). Returns false with @err set
 * on an unknown option, a missing argument or an impossible value or
 * combination. */
bool sys_options_parse(SysOptions *o, int argc, char **argv, GError **err);

/* Free what sys_options_parse allocated. */
void sys_options_free(SysOptions *o);

/* The -h text. */
void sys_options_usage(GString *out, const char *prog);

/* Parse a -m size ("512", "512M", "2G", "size=1G"; no suffix = MiB). */
bool sys_options_parse_size(const char *s, uint64_t *bytes, GError **err);

#endif
