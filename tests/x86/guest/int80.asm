; int80.asm — `int 0x80` from 64-bit code, as Linux with IA32 emulation
; runs it: the 32-bit syscall numbers in eax (upper half ignored), arguments
; in ebx ecx edx, the result sign-extended into rax, r8-r11 kept. Prints
; what it sees; run-guests.sh compares the output with a native run.
bits 64
global _start

section .data
msg:    db "int80 write", 10
len     equ $ - msg
same:   db "getpid same", 10
diff:   db "getpid differs", 10
enosys: db "enosys sign-extended", 10
kept:   db "r8-r11 kept", 10

section .text
; print rsi (12..21 bytes: rdx) with the 64-bit syscall
%macro SAY 2
    mov eax, 1
    mov edi, 1
    lea rsi, [rel %1]
    mov edx, %2
    syscall
%endmacro

_start:
    mov rax, 0xffffffff00000004     ; write, upper half ignored
    mov ebx, 1
    mov ecx, msg                    ; a 32-bit pointer (non-PIE)
    mov edx, len
    int 0x80

    mov eax, 39                     ; getpid (64-bit)
    syscall
    mov r12, rax
    mov r8, -1
    mov r9, -2
    mov r10, -3
    mov r11, -4
    mov eax, 20                     ; getpid (32-bit table)
    int 0x80
    cmp rax, r12
    jne .differs
    SAY same, 12
    jmp .enosys
.differs:
    SAY diff, 15
.enosys:
    mov r8, -1
    mov r9, -2
    mov r10, -3
    mov r11, -4
    mov eax, 9999
    int 0x80
    cmp rax, -38
    jne .regs
    SAY enosys, 21
.regs:
    ; r8-r11 as set before the second int 0x80 (SAY's syscall clobbers r11)
    cmp r8, -1
    jne .exit
    cmp r9, -2
    jne .exit
    cmp r10, -3
    jne .exit
    SAY kept, 12
.exit:
    mov eax, 1                      ; exit(7) through the 32-bit table
    mov ebx, 7
    int 0x80
    hlt
