; loop.asm — sum 1..100000 in a counted loop, print it in decimal
; (5000050000), then exit with the sum's low byte (0x50 = 80).
        bits 64
        global _start
        section .text
_start:
        xor     eax, eax
        mov     ecx, 100000
.add:   add     rax, rcx
        dec     rcx
        jnz     .add
        mov     rbx, rax                ; keep the sum
        ; decimal conversion into buf, right to left
        lea     rdi, [rel buf + 31]
        mov     byte [rdi], 10
        mov     r8, 10
.digit: xor     edx, edx
        div     r8
        add     dl, '0'
        dec     rdi
        mov     [rdi], dl
        test    rax, rax
        jnz     .digit
        lea     rdx, [rel buf + 32]
        sub     rdx, rdi                ; length
        mov     rsi, rdi
        mov     edi, 1
        mov     eax, 1                  ; write
        syscall
        movzx   edi, bl
        mov     eax, 231                ; exit_group
        syscall

        section .bss
buf:    resb    32
