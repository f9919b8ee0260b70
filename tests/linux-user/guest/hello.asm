; hello.asm — write(1, "Hello, world\n") and exit_group(0): the smallest
; program that needs the loader, the syscall instruction and two syscalls.
        bits 64
        global _start
        section .text
_start:
        mov     eax, 1                  ; write
        mov     edi, 1
        lea     rsi, [rel msg]
        mov     edx, msg_len
        syscall
        mov     eax, 231                ; exit_group
        xor     edi, edi
        syscall

        section .rodata
msg:    db      "Hello, world", 10
msg_len equ     $ - msg
