/*
 * shared-map.c — a freestanding x86-64 guest for check-tso-ir.sh: runs a
 * function that loads and stores, maps memory MAP_SHARED and writable
 * (which under -tso auto switches ferry to parallel mode), then runs the
 * same function again and exits 0. The IR log (-d op) shows whether each
 * translation of the function is x86-TSO ordered.
 */
typedef unsigned long u64;

static u64 sc6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return (u64)ret;
}

static volatile u64 cell[2];

/* One load and one store of guest memory. */
__attribute__((noinline)) static void touch(void)
{
    cell[1] = cell[0] + 1;
}

void cmain(void)
{
    enum { SYS_mmap = 9, SYS_exit = 60, PROT_RW = 3, MAP_SHARED_ANON = 0x21 };

    touch();
    u64 p = sc6(SYS_mmap, 0, 4096, PROT_RW, MAP_SHARED_ANON, -1, 0);
    touch();
    sc6(SYS_exit, p > -4096ul, 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "    and $-16, %rsp\n"
        "    call cmain\n"
        "    hlt\n");
