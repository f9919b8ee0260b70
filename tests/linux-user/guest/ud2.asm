; ud2.asm — write a line, then execute ud2: the process must die of SIGILL.
        bits 64
        global _start
        section .text
_start:
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel msg]
        mov     edx, 7
        syscall
        ud2

        section .rodata
msg:    db      "before", 10
