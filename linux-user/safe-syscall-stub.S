/*
 * safe-syscall-stub.S — lu_safe_syscall_base for x86-64, arm64 and
 * loongarch64 hosts (see safe-syscall.h): load the syscall registers, test
 * the thread's queued signal word, enter the kernel. A host signal handler that finds the pc
 * after lu_safe_syscall_start and before lu_safe_syscall_end moves it to
 * lu_safe_syscall_interrupted, which returns -EINTR (-4).
 * Other hosts use the C fallback in safe-syscall.c.
 */
#if defined(__x86_64__)
        .text
        .globl  lu_safe_syscall_base, lu_safe_syscall_start
        .globl  lu_safe_syscall_end, lu_safe_syscall_interrupted
        .type   lu_safe_syscall_base, @function
/* rdi = pending, rsi = nr, rdx, rcx, r8, r9, 8(%rsp), 16(%rsp) = a1..a6 */
lu_safe_syscall_base:
        .cfi_startproc
        mov     %rdi, %r11
        mov     %rsi, %rax
        mov     %rdx, %rdi
        mov     %rcx, %rsi
        mov     %r8, %rdx
        mov     %r9, %r10
        mov     8(%rsp), %r8
        mov     16(%rsp), %r9
lu_safe_syscall_start:
        cmpq    $0, (%r11)
        jne     lu_safe_syscall_interrupted
        syscall
lu_safe_syscall_end:
        ret
lu_safe_syscall_interrupted:
        mov     $-4, %rax
        ret
        .cfi_endproc
        .size   lu_safe_syscall_base, . - lu_safe_syscall_base
        .section .note.GNU-stack, "", @progbits
#elif defined(__aarch64__)
        .text
        .globl  lu_safe_syscall_base, lu_safe_syscall_start
        .globl  lu_safe_syscall_end, lu_safe_syscall_interrupted
        .type   lu_safe_syscall_base, %function
/* x0 = pending, x1 = nr, x2..x7 = a1..a6 */
lu_safe_syscall_base:
        .cfi_startproc
        mov     x9, x0
        mov     x8, x1
        mov     x0, x2
        mov     x1, x3
        mov     x2, x4
        mov     x3, x5
        mov     x4, x6
        mov     x5, x7
lu_safe_syscall_start:
        ldr     x10, [x9]
        cbnz    x10, lu_safe_syscall_interrupted
        svc     #0
lu_safe_syscall_end:
        ret
lu_safe_syscall_interrupted:
        mov     x0, #-4
        ret
        .cfi_endproc
        .size   lu_safe_syscall_base, . - lu_safe_syscall_base
        .section .note.GNU-stack, "", %progbits
#elif defined(__loongarch64)
        .text
        .globl  lu_safe_syscall_base, lu_safe_syscall_start
        .globl  lu_safe_syscall_end, lu_safe_syscall_interrupted
        .type   lu_safe_syscall_base, @function
/* a0 = pending, a1 = nr, a2..a7 = a1..a6; the kernel takes nr in a7 */
lu_safe_syscall_base:
        move    $t0, $a0
        move    $t1, $a1
        move    $a0, $a2
        move    $a1, $a3
        move    $a2, $a4
        move    $a3, $a5
        move    $a4, $a6
        move    $a5, $a7
        move    $a7, $t1
lu_safe_syscall_start:
        ld.d    $t2, $t0, 0
        bnez    $t2, lu_safe_syscall_interrupted
        syscall 0
lu_safe_syscall_end:
        jr      $ra
lu_safe_syscall_interrupted:
        li.w    $a0, -4
        jr      $ra
        .size   lu_safe_syscall_base, . - lu_safe_syscall_base
        .section .note.GNU-stack, "", @progbits
#endif
