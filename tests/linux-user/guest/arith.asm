; arith.asm — a mix of ALU, multiply, divide, shifts and flags whose 64-bit
; results are printed in hex, one per line; the translator must agree
; with the CPU on every one.
        bits 64
        global _start
        section .text

; print rax as 16 hex digits and a newline (clobbers rcx, rdx, rsi, rdi, r11)
print_hex:
        push    rbx
        lea     rsi, [rel hexbuf]
        mov     ecx, 16
.nib:   rol     rax, 4
        mov     ebx, eax
        and     ebx, 15
        lea     rdx, [rel digits]
        mov     bl, [rdx + rbx]
        mov     [rsi], bl
        inc     rsi
        dec     ecx
        jnz     .nib
        mov     byte [rsi], 10
        mov     eax, 1
        mov     edi, 1
        lea     rsi, [rel hexbuf]
        mov     edx, 17
        syscall
        pop     rbx
        ret

_start:
        mov     rax, 0x123456789abcdef0
        mov     rbx, 0x0fedcba987654321
        add     rax, rbx
        call    print_hex               ; 2222222222222211
        mov     rax, 0x7fffffffffffffff
        imul    rax, rax, 3
        call    print_hex               ; 7ffffffffffffffd
        mov     rax, 0xdeadbeef
        mov     rcx, 0x12345
        mul     rcx
        push    rdx
        call    print_hex               ; low half of the product
        pop     rax
        call    print_hex               ; high half
        mov     rax, 1000000007
        xor     edx, edx
        mov     rcx, 97
        div     rcx
        push    rdx
        call    print_hex               ; quotient
        pop     rax
        call    print_hex               ; remainder
        mov     rax, -12345
        sar     rax, 3
        call    print_hex
        mov     rax, 0x8000000000000001
        shr     rax, 63
        call    print_hex
        mov     eax, 0xffffffff
        add     eax, 1                  ; carry out, 32-bit result zero-extends
        setc    al
        movzx   eax, al
        call    print_hex
        mov     rax, 5
        cmp     rax, 7
        mov     rbx, 0x1111
        mov     rcx, 0x2222
        cmovl   rbx, rcx
        mov     rax, rbx
        call    print_hex               ; 2222
        mov     rax, 0x00f0
        bsf     rcx, rax
        bsr     rdx, rax
        shl     rcx, 8
        or      rax, rcx
        or      rax, rdx
        call    print_hex
        mov     rax, 0x0102030405060708
        bswap   rax
        call    print_hex
        mov     eax, 231
        xor     edi, edi
        syscall

        section .rodata
digits: db      "0123456789abcdef"
        section .bss
hexbuf: resb    17
