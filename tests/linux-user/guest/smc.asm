; smc.asm — self-modifying code: a function in an RWX page is called,
; patched with a store, called again, then rewritten by read(2) from a
; pipe and called once more. Prints "123": each call must see the code
; as it is in memory at that moment.
        bits 64
        global _start
        section .text
_start:
        mov     eax, 9                  ; mmap(NULL, 4096, RWX, PRIVATE|ANON)
        xor     edi, edi
        mov     esi, 4096
        mov     edx, 7
        mov     r10d, 0x22
        mov     r8, -1
        xor     r9d, r9d
        syscall
        mov     rbx, rax
        mov     dword [rbx], 0x000001b8 ; mov eax, 1
        mov     word [rbx + 4], 0xc300  ; ret
        call    rbx
        add     al, '0'
        mov     [rel out], al
        mov     byte [rbx + 1], 2       ; now mov eax, 2
        call    rbx
        add     al, '0'
        mov     [rel out + 1], al
        mov     eax, 293                ; pipe2(fds, 0)
        lea     rdi, [rel fds]
        xor     esi, esi
        syscall
        mov     eax, 1                  ; write(fds[1], code3, 6)
        mov     edi, [rel fds + 4]
        lea     rsi, [rel code3]
        mov     edx, 6
        syscall
        mov     eax, 0                  ; read(fds[0], rbx, 6): the kernel rewrites the code
        mov     edi, [rel fds]
        mov     rsi, rbx
        mov     edx, 6
        syscall
        call    rbx
        add     al, '0'
        mov     [rel out + 2], al
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel out]
        mov     edx, 4
        syscall
        mov     eax, 231
        xor     edi, edi
        syscall

        section .rodata
code3:  db      0xb8, 3, 0, 0, 0, 0xc3  ; mov eax, 3; ret
        section .data
out:    db      "???", 10
fds:    dd      0, 0
