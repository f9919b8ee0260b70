; brk.asm — grow the heap with brk by 64K, fill it, read it back, print
; "brk ok" and exit 0 (exit 1 if brk did not move, 2 if memory is wrong).
        bits 64
        global _start
        section .text
_start:
        mov     eax, 12                 ; brk(0)
        xor     edi, edi
        syscall
        mov     rbx, rax
        lea     rdi, [rax + 65536]
        mov     eax, 12
        syscall
        lea     rcx, [rbx + 65536]
        cmp     rax, rcx
        mov     edi, 1
        jne     .exit
        mov     rdi, rbx
        mov     ecx, 65536
        mov     al, 0x5a
        rep     stosb
        mov     al, [rbx + 65535]
        cmp     al, 0x5a
        mov     edi, 2
        jne     .exit
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel msg]
        mov     edx, 7
        syscall
        xor     edi, edi
.exit:  mov     eax, 231
        syscall

        section .rodata
msg:    db      "brk ok", 10
