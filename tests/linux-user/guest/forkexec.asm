; forkexec.asm — usage: forkexec PROGRAM. fork; the child execs PROGRAM
; (argv = { "child", NULL }, the parent's environment); the parent waits
; and prints the child's wait status. Then: a child that exits 5; an
; execve of a missing file (prints its -errno, -2); vfork + _exit(7).
        bits 64
        global _start
        section .text

; print rax as 8 hex digits and a newline
print_hex32:
        lea     rsi, [rel hexbuf]
        mov     ecx, 8
.nib:   rol     eax, 4
        mov     edx, eax
        and     edx, 15
        lea     rdi, [rel digits]
        mov     dl, [rdi + rdx]
        mov     [rsi], dl
        inc     rsi
        dec     ecx
        jnz     .nib
        mov     byte [rsi], 10
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel hexbuf]
        mov     edx, 9
        syscall
        ret

; wait for any child and print its status
wait_print:
        mov     eax, 61                 ; wait4(-1, &status, 0, NULL)
        mov     rdi, -1
        lea     rsi, [rel status]
        xor     edx, edx
        xor     r10d, r10d
        syscall
        mov     eax, [rel status]
        jmp     print_hex32

_start:
        mov     rbx, rsp
        mov     r12, [rbx + 16]         ; argv[1]
        mov     rax, [rbx]
        lea     r13, [rbx + 8 + rax * 8 + 8]   ; envp
        ; 1: fork + execve(argv[1])
        mov     eax, 57
        syscall
        test    eax, eax
        jnz     .parent1
        lea     rax, [rel child_name]
        mov     [rel cargv], rax
        mov     eax, 59
        mov     rdi, r12
        lea     rsi, [rel cargv]
        mov     rdx, r13
        syscall
        mov     edi, 99                 ; exec failed
        mov     eax, 231
        syscall
.parent1:
        call    wait_print
        ; 2: fork, child exits 5
        mov     eax, 57
        syscall
        test    eax, eax
        jnz     .parent2
        mov     edi, 5
        mov     eax, 231
        syscall
.parent2:
        call    wait_print
        ; 3: execve of a missing file returns -ENOENT
        mov     eax, 59
        lea     rdi, [rel missing]
        lea     rsi, [rel cargv]
        mov     rdx, r13
        syscall
        call    print_hex32
        ; 4: vfork, child _exit(7)
        mov     eax, 58
        syscall
        test    eax, eax
        jnz     .parent4
        mov     edi, 7
        mov     eax, 60
        syscall
.parent4:
        call    wait_print
        mov     eax, 231
        xor     edi, edi
        syscall

        section .rodata
digits:     db  "0123456789abcdef"
child_name: db  "child", 0
missing:    db  "/nonexistent/program", 0
        section .data
cargv:      dq  0, 0
status:     dd  0
hexbuf:     times 9 db 0
