; regressions.asm — one test per translator bug the native differ found
; (each expectation is from the SDM and checked natively like the others);
; the comment above each names the file and the mistake that was fixed.
bits 64

; operand.c: an Iz immediate with REX.W is sign-extended to 64 bits
;> test sub-imm32-sign-extended
;> init r9=0x100
    sub r9, strict qword -1
;> expect r9=0x101 flags=CF,AF

;> test mov-imm32-sign-extended
    mov qword [rbx], -2
;> expect m64[0]=-2

;> test and-rax-imm32-sign-extended
;> init rax=-1
    and rax, -0x10000
;> expect rax=0xffffffffffff0000 flags=SF,PF mask=CF,OF,SF,ZF,PF

;> test imul-imm32-sign-extended
;> init rcx=3
    imul rax, rcx, -100000
;> expect rax=-300000 flags=none mask=CF,OF

; operand.c x86_zext (so x86_load_reg/x86_load_opnd): a 64-bit register
; read returns the register's global itself, so a handler that reads the
; operand again after writing the destination sees the new value. Hits
; BTS/BTR/BTC r64 (CF), CMPXCHG r/m64 (flags, via rax), NEG r64, XADD and
; ADD/ADC/SUB/SBB with the same r64 twice (lazy flags keep the source),
; SHRD r64 (OF).
;> test btr-reg-modulo
;> init rax=0xffffffffffffffff rcx=67
    btr rax, rcx
;> expect rax=0xfffffffffffffff7 flags=CF mask=CF

;> test bts-reg64-cf-is-old-bit
;> init rcx=63
    bts rax, rcx
;> expect rax=0x8000000000000000 flags=none mask=CF

;> test cmpxchg-failure
;> init rax=5 rcx=9 m64[0]=7
    lock cmpxchg [rbx], rcx
;> expect rax=7 flags=CF,SF,AF

;> test neg-reg64
;> init rdi=0x8080808080808080
    neg rdi
;> expect rdi=0x7f7f7f7f7f7f7f80 flags=CF mask=CF,OF,SF,ZF

;> test add-same-reg64
;> init r14=0xff
    add r14, r14
;> expect r14=0x1fe flags=AF

;> test shrd-reg64-of
;> init rbp=0x100 r15=0xfffffffffffffff1
    shrd rbp, r15, 1
;> expect rbp=0x8000000000000080 flags=OF,SF mask=CF,OF,SF,ZF,PF

;> test xadd-same-reg64
;> init r10=0x8000000000000001
    xadd r10, r10
;> expect r10=2 flags=CF,OF mask=CF,OF,SF,ZF

; atomic.c gen_cmpxchg16b: the address (tr->ea, a block temp) computed
; before the alignment-check label is used after it: invalid IR (aborts).
;> test cmpxchg16b-success
;> init rax=1 rdx=2 rcx=3 m64[0]=1 m64[8]=2
    lock cmpxchg16b [rbx]
;> expect m64[0]=data m64[8]=3 flags=ZF

;> test cmpxchg16b-failure
;> init rax=1 rdx=2 rcx=3 m64[0]=4 m64[8]=2 flags=ZF
    lock cmpxchg16b [rbx]
;> expect rax=4 rdx=2 flags=none

; alu.c cas_loop: LOCK ADC / LOCK SBB use the source and carry block
; temps inside and after the compare-and-swap loop: invalid IR (aborts).
;> test lock-adc-mem
;> init rcx=1 m64[0]=0xffffffffffffffff flags=CF
    lock adc [rbx], rcx
;> expect m64[0]=1 flags=CF mask=CF,ZF,SF,OF

;> test lock-sbb-mem
;> init rcx=1 m32[0]=5 flags=CF
    lock sbb dword [rbx], ecx
;> expect m32[0]=3 flags=none mask=CF,ZF,SF,OF
