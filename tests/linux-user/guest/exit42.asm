; exit42.asm — exit(42): the exit status must reach the shell.
        bits 64
        global _start
        section .text
_start:
        mov     eax, 60                 ; exit
        mov     edi, 42
        syscall
