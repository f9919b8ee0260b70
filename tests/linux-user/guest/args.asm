; args.asm — print argc's digit (argc < 10), each argv string and the
; first environment string on its own line: checks the initial stack.
        bits 64
        global _start
        section .text

; write the NUL-terminated string at rsi plus a newline
puts:
        mov     rdx, rsi
.len:   cmp     byte [rdx], 0
        je      .got
        inc     rdx
        jmp     .len
.got:   sub     rdx, rsi
        mov     eax, 1
        mov     edi, 1
        syscall
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel nl]
        mov     edx, 1
        syscall
        ret

_start:
        mov     rbx, rsp
        mov     rax, [rbx]              ; argc
        add     al, '0'
        mov     [rel digit], al
        lea     rsi, [rel digit]
        call    puts
        lea     r12, [rbx + 8]          ; argv
.arg:   mov     rsi, [r12]
        test    rsi, rsi
        jz      .env
        call    puts
        add     r12, 8
        jmp     .arg
.env:   mov     rsi, [r12 + 8]          ; envp[0]
        test    rsi, rsi
        jz      .done
        call    puts
.done:  test    rsp, 15                 ; rsp was 16-byte aligned at entry
        setnz   dil
        movzx   edi, dil
        mov     eax, 231
        syscall

        section .data
digit:  db      0, 0
nl:     db      10
