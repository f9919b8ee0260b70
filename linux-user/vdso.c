/*
 * vdso.c — mapping the guest's vDSO: anonymous guest memory filled with
 * the image and made read+exec. It is ordinary guest memory (the guest
 * may mprotect and patch it, as it may the kernel's); the translator
 * reads its code like any other.
 */
#include "linux-user/vdso.h"

#include <string.h>
#include <sys/mman.h>

uint64_t lu_vdso_map(LuMem *m)
{
    uint64_t len = LU_PAGE_ALIGN(lu_vdso_image_size);
    int64_t a = lu_mem_map(m, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
    if (a < 0) {
        return 0;
    }
    memcpy(lu_g2h(m, (uint64_t)a), lu_vdso_image, lu_vdso_image_size);
    if (lu_mem_protect(m, (uint64_t)a, len, PROT_READ | PROT_EXEC) < 0) {
        lu_mem_unmap(m, (uint64_t)a, len);
        return 0;
    }
    return (uint64_t)a;
}
