/*
 * codebuf.c — mapping, allocation and cache maintenance of the code buffer.
 */
#include "jit/codebuf.h"

#include <errno.h>
#include <glib.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t host_page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static bool map_rwx(JitCodeBuf *cb)
{
    void *p = mmap(NULL, cb->size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    cb->rw = cb->rx = p;
    cb->split = false;
    return true;
}

static bool map_split(JitCodeBuf *cb)
{
    int fd = memfd_create("ferry-code", MFD_CLOEXEC);
    void *rw = MAP_FAILED, *rx = MAP_FAILED;
    int err;

    if (fd < 0) {
        return false;
    }
    if (ftruncate(fd, (off_t)cb->size) == 0) {
        rw = mmap(NULL, cb->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        rx = mmap(NULL, cb->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
    err = errno;
    close(fd);
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        if (rw != MAP_FAILED) {
            munmap(rw, cb->size);
        }
        if (rx != MAP_FAILED) {
            munmap(rx, cb->size);
        }
        errno = err;
        return false;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->split = true;
    return true;
}

JitCodeBuf *jit_codebuf_new(size_t size, JitWxMode mode)
{
    JitCodeBuf *cb = g_new0(JitCodeBuf, 1);
    size_t page = host_page_size();
    bool ok;

    cb->size = (size + page - 1) & ~(page - 1);
    switch (mode) {
    case JIT_WX_RWX:
        ok = map_rwx(cb);
        break;
    case JIT_WX_SPLIT:
        ok = map_split(cb);
        break;
    default:
        /* Hosts that enforce W^X refuse the RWX mapping with EACCES/EPERM. */
        ok = map_rwx(cb) || map_split(cb);
        break;
    }
    if (!ok) {
        int err = errno;
        g_free(cb);
        errno = err;
        return NULL;
    }
    return cb;
}

void jit_codebuf_free(JitCodeBuf *cb)
{
    if (!cb) {
        return;
    }
    munmap(cb->rw, cb->size);
    if (cb->split) {
        munmap(cb->rx, cb->size);
    }
    g_free(cb);
}

size_t jit_codebuf_avail(const JitCodeBuf *cb, size_t align)
{
    size_t start = (cb->used + align - 1) & ~(align - 1);
    return start >= cb->size ? 0 : cb->size - start;
}

uint8_t *jit_codebuf_alloc(JitCodeBuf *cb, size_t len, size_t align)
{
    size_t start = (cb->used + align - 1) & ~(align - 1);

    if (start > cb->size || len > cb->size - start) {
        return NULL;
    }
    cb->used = start + len;
    return cb->rw + start;
}

void jit_codebuf_reset(JitCodeBuf *cb)
{
    cb->used = 0;
}

void jit_codebuf_sync(const JitCodeBuf *cb, uintptr_t rx, size_t len)
{
    (void)cb;
    /* A no-op on x86-64; dc cvau/ic ivau on arm64; ibar on loongarch64. */
    __builtin___clear_cache((char *)rx, (char *)(rx + len));
}
