/*
 * chardev.h — character devices: a backend (stdio, file:PATH,
 * unix:PATH[,server][,nowait], none) seen by one frontend (a UART, a
 * monitor) through write-bytes and a receive callback run in the main loop.
 */
#ifndef FERRY_SYSTEM_CHARDEV_H
#define FERRY_SYSTEM_CHARDEV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "system/bql.h"

typedef struct SysChardev SysChardev;

typedef enum SysChrEvent {
    SYS_CHR_EVENT_OPENED,   /* a peer is there (client connected, stdio) */
    SYS_CHR_EVENT_CLOSED,   /* the peer went away */
} SysChrEvent;

/* A frontend's callbacks, all run on the main loop thread with the BQL. */
typedef struct SysChrHandlers {
    /* How many bytes the frontend takes now (NULL: any number). Returning 0
     * pauses input until the frontend calls sys_chardev_accept_input. */
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, SysChrEvent ev);    /* may be NULL */
} SysChrHandlers;

/* Open a backend from a -serial/-monitor/-chardev style @spec; @label names
 * it in messages. A unix server without nowait blocks here until a client
 * connects. Returns NULL and sets @err on a bad spec or a host error.
 * Needs sys_main_loop_init to have run. */
SysChardev *sys_chardev_new(const char *label, const char *spec, GError **err);

/* Attach the frontend (one per chardev; NULL @h detaches). If a peer is
 * already there, the frontend gets SYS_CHR_EVENT_OPENED from the main loop
 * soon after. */
void sys_chardev_set_handlers(SysChardev *chr, const SysChrHandlers *h,
                              void *opaque) REQUIRES(sys_bql);

/* Write @len bytes to the peer, blocking until the host took them all. With
 * no peer the bytes are dropped, as on an unplugged line. Returns @len, or
 * less if the peer went away in the middle. */
size_t sys_chardev_write(SysChardev *chr, const void *buf, size_t len)
    REQUIRES(sys_bql);

/* printf to the peer (monitor output). */
void sys_chardev_printf(SysChardev *chr, const char *fmt, ...)
    REQUIRES(sys_bql) __attribute__((format(printf, 2, 3)));

/* The frontend can take input again after can_receive returned 0. */
void sys_chardev_accept_input(SysChardev *chr) REQUIRES(sys_bql);

/* Whether a peer is connected (always true for stdio and file). */
bool sys_chardev_connected(SysChardev *chr) REQUIRES(sys_bql);

/* Drop the current peer of a socket chardev (a server listens again). */
void sys_chardev_disconnect(SysChardev *chr) REQUIRES(sys_bql);

/* The label given at creation. */
const char *sys_chardev_label(const SysChardev *chr);

/* Close the backend and free @chr (NULL is fine). */
void sys_chardev_free(SysChardev *chr) REQUIRES(sys_bql);

#endif
