/*
 * chardev.h — character backends for serial ports and debug consoles:
 * stdio (raw terminal), files, pipes/fds, null. Output is written from the
 * device's thread; input is read by the main loop and handed to the
 * frontend (a UART) under the BQL as fast as the frontend accepts it.
 */
#ifndef FERRY_SYSTEM_CHARDEV_H
#define FERRY_SYSTEM_CHARDEV_H

#include <stdint.h>

#include <glib.h>

#include "system/bql.h"

typedef struct Chardev Chardev;

/* Frontend callbacks, run in the main loop under the BQL: how many bytes
 * the device takes now, and the bytes themselves. */
typedef int (*ChrCanReceive)(void *opaque);
typedef void (*ChrReceive)(void *opaque, const uint8_t *buf, int len);

/* A backend on file descriptors (-1: none in that direction). The fds are
 * not closed by chr_free(). */
Chardev *chr_new_fds(const char *label, int in_fd, int out_fd);

/* stdin/stdout; a terminal is put in raw mode (signals kept, so ^C still
 * stops ferry) until chr_free() or exit. */
Chardev *chr_new_stdio(void);

/* Output appended to @path; no input. */
Chardev *chr_new_file(const char *path, GError **err);

/* Discards output, never has input. */
Chardev *chr_new_null(void);

/* From a command-line spec: "stdio", "null", "file:PATH". */
Chardev *chr_new_spec(const char *spec, GError **err);

/* Attach the frontend and start reading input in the main loop (which
 * must exist). One frontend per chardev. */
void chr_set_frontend(Chardev *c, ChrCanReceive can_receive,
                      ChrReceive receive, void *opaque);

/* Write all of @buf (blocking); any thread. Errors drop the output and are
 * reported once. The signature fits UartSink with @opaque a Chardev. */
void chr_write(void *opaque, const uint8_t *buf, int len);

/* Detach from the main loop and free; not under the BQL. */
void chr_free(Chardev *c) EXCLUDES(sys_bql);

#endif
