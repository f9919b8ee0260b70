; segv.asm — write a line, then store to an unmapped address: the process
; must die of SIGSEGV (exit status 139 in a shell).
        bits 64
        global _start
        section .text
_start:
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel msg]
        mov     edx, 7
        syscall
        mov     rbx, 0x1008
        mov     [rbx], eax

        section .rodata
msg:    db      "before", 10
