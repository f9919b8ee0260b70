; move.asm — LAHF SAHF, CBW/CWDE/CDQE, CWD/CDQ/CQO, MOVZX MOVSX MOVSXD,
; and how writes of each size merge into the 64-bit register (32-bit
; writes zero-extend, 8/16-bit writes keep the rest).
bits 64

;> test lahf
;> init rax=0 flags=SF,ZF,AF,PF,CF
    lahf
;> expect rax=0xd700

;> test lahf-none
;> init rax=0xffffffffffffffff
    lahf
;> expect rax=0xffffffffffff02ff

;> test sahf
;> init rax=0xd500 flags=OF
    sahf
;> expect flags=OF,SF,ZF,AF,PF,CF

;> test sahf-clears
;> init rax=0x2a00 flags=SF,ZF,AF,PF,CF
    sahf
;> expect flags=none

;> test cbw
;> init rax=0x12345680
    cbw
;> expect rax=0x1234ff80

;> test cwde
;> init rax=0xffffffff00008000
    cwde
;> expect rax=0xffff8000

;> test cdqe
;> init rax=0x80000000
    cdqe
;> expect rax=0xffffffff80000000

;> test cwd
;> init rax=0x8000 rdx=0x123456789abcdef0
    cwd
;> expect rdx=0x123456789abcffff

;> test cdq
;> init rax=0x80000000 rdx=-1
    cdq
;> expect rdx=0xffffffff

;> test cqo
;> init rax=-1
    cqo
;> expect rdx=-1

;> test cqo-positive
;> init rax=1 rdx=-1
    cqo
;> expect rdx=0

;> test movzx-byte-high
;> init rax=0xffffffffffffffff rcx=0x8000
    movzx eax, ch
;> expect rax=0x80

;> test movsx-word
;> init rax=0 m16[0]=0x8000
    movsx rax, word [rbx]
;> expect rax=0xffffffffffff8000

;> test movsxd
;> init rcx=0x80000000
    movsxd rax, ecx
;> expect rax=0xffffffff80000000

;> test mov32-zero-extends
;> init rax=0xffffffffffffffff rcx=0x1234
    mov eax, ecx
;> expect rax=0x1234

;> test mov8-keeps-rest
;> init rax=0xffffffffffffffff rcx=0x12
    mov al, cl
;> expect rax=0xffffffffffffff12

;> test mov-spl-dil
;> init rsi=0x1111 rdi=0x2222
    mov sil, dil
;> expect rsi=0x1122

;> test movabs
    mov r10, 0x8000000000000001
;> expect r10=0x8000000000000001

;> test lea-wraps-32
;> init rax=0xffffffff rcx=2
    lea edx, [rax+rcx*2]
;> expect rdx=3

;> test xchg-eax-eax-zero-extends
;> init rax=0xffffffff00000001
    xchg eax, ecx
    xchg eax, ecx
;> expect rax=1 rcx=0

;> test nop-90-keeps-rax
;> init rax=0xffffffff00000001
    nop
;> expect rax=0xffffffff00000001

;> test stc-cmc-clc
    stc
    cmc
    cmc
;> expect flags=CF
