; cc.asm — SETcc and CMOVcc for all 16 conditions under several flag
; combinations (SDM vol. 1 table B-1), and CMOV's 32-bit write that clears
; the top half even when the condition is false.
bits 64

; the 16 SETcc into m8[0..15], conditions in encoding order 0..15
%macro SETALL 0
    seto [rbx+0]
    setno [rbx+1]
    setb [rbx+2]
    setae [rbx+3]
    sete [rbx+4]
    setne [rbx+5]
    setbe [rbx+6]
    seta [rbx+7]
    sets [rbx+8]
    setns [rbx+9]
    setp [rbx+10]
    setnp [rbx+11]
    setl [rbx+12]
    setge [rbx+13]
    setle [rbx+14]
    setg [rbx+15]
%endmacro

; rdi |= 1 << n when condition cc holds (mov/lea: no flags touched)
%macro CMOV1 2
    mov r9d, 1 << %2
    mov r8d, 0
    cmov%1 r8d, r9d
    lea rdi, [rdi + r8]
%endmacro
%macro CMOVALL 0
    CMOV1 o, 0
    CMOV1 no, 1
    CMOV1 b, 2
    CMOV1 ae, 3
    CMOV1 e, 4
    CMOV1 ne, 5
    CMOV1 be, 6
    CMOV1 a, 7
    CMOV1 s, 8
    CMOV1 ns, 9
    CMOV1 p, 10
    CMOV1 np, 11
    CMOV1 l, 12
    CMOV1 ge, 13
    CMOV1 le, 14
    CMOV1 g, 15
%endmacro

;> test setcc-cf-zf
;> init flags=CF,ZF
    SETALL
;> expect m64[0]=0x1000100010100 m64[8]=0x1010001000100

;> test setcc-sf-of-pf
;> init flags=SF,OF,PF
    SETALL
;> expect m64[0]=0x100010001000001 m64[8]=0x100010000010001

;> test setcc-sf
;> init flags=SF
    SETALL
;> expect m64[0]=0x100010001000100 m64[8]=0x1000101000001

;> test setcc-of-cf
;> init flags=OF,CF
    SETALL
;> expect m64[0]=0x1010000010001 m64[8]=0x1000101000100

;> test setcc-after-cmp
;> init rax=1 rcx=2
    cmp rax, rcx
    SETALL
;> expect flags=CF,SF,AF,PF m64[0]=0x1010000010100 m64[8]=0x1000100010001

;> test cmovcc-cf-zf
;> init flags=CF,ZF
    CMOVALL
;> expect rdi=0x6a56 r8=0 r9=0x8000

;> test cmovcc-sf-of-pf
;> init flags=SF,OF,PF
    CMOVALL
;> expect rdi=0xa5a9 r8=0x8000 r9=0x8000

;> test cmovcc-sf
;> init flags=SF
    CMOVALL
;> expect rdi=0x59aa r8=0 r9=0x8000

;> test cmovcc-of-cf
;> init flags=OF,CF
    CMOVALL
;> expect rdi=0x5a65 r8=0 r9=0x8000

;> test cmov32-false-clears-top
;> init rax=0xffffffff00000001 rcx=2
    cmovz eax, ecx
;> expect rax=1

;> test cmov64-false-keeps
;> init rax=0xffffffff00000001 rcx=2
    cmovz rax, rcx
;> expect rax=0xffffffff00000001
