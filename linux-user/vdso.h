/*
 * vdso.h — ferry's vDSO for the guest: an x86-64 ELF shared object
 * (linux-user/vdso-x86_64.asm, as bytes in vdso-image.c) with the kernel's
 * __vdso_* symbols and LINUX_2.6 versions, each function making the
 * system call; mapped once at startup and announced by AT_SYSINFO_EHDR.
 */
#ifndef FERRY_LINUX_USER_VDSO_H
#define FERRY_LINUX_USER_VDSO_H

#include <stddef.h>
#include <stdint.h>

#include "linux-user/guestmem.h"

extern const uint8_t lu_vdso_image[];
extern const size_t lu_vdso_image_size;

/* Map the vDSO read+exec in the guest (top-down, as the mmap base); returns
 * its guest address (AT_SYSINFO_EHDR), or 0 when there is no room. */
uint64_t lu_vdso_map(LuMem *m);

#endif
