; alu.asm — ADD ADC SUB SBB CMP AND XOR INC DEC NEG: results and flags
; from the Intel SDM (vol. 2, each instruction's "Flags Affected").
bits 64

;> test adc-carry-in
;> init rax=0xffffffffffffffff rcx=0 flags=CF
    adc rax, rcx
;> expect rax=0 flags=CF,ZF,PF,AF

;> test adc-no-carry-in
;> init rax=0x7fffffffffffffff rcx=0
    adc rax, rcx
;> expect rax=0x7fffffffffffffff flags=PF

;> test adc-carry-makes-overflow
;> init rax=0x7fffffff rcx=0 flags=CF
    adc eax, ecx
;> expect rax=0x80000000 flags=OF,SF,AF,PF

;> test sbb-borrow-chain-128
;> init rax=0 rdx=1 rcx=1 r8=0
    sub rax, rcx
    sbb rdx, r8
;> expect rax=0xffffffffffffffff rdx=0 flags=ZF,PF

;> test sbb-self-borrow
;> init rax=0x123456789 flags=CF
    sbb eax, eax
;> expect rax=0xffffffff flags=CF,SF,AF,PF

;> test sbb-imm-no-borrow
;> init rax=0x1000
    sbb ax, 1
;> expect rax=0x0fff flags=AF,PF

;> test add-overflow-8
;> init rax=0x1234567f rcx=1
    add al, cl
;> expect rax=0x12345680 flags=OF,SF,AF

;> test add-ah-ch
;> init rax=0x1234 rcx=0x0100
    add ah, ch
;> expect rax=0x1334

;> test add32-zero-extends
;> init rax=0xffffffff00000001 rcx=0xffffffff00000001
    add eax, ecx
;> expect rax=2

;> test add16-keeps-upper
;> init rax=0xffffffffffffffff rcx=1
    add ax, cx
;> expect rax=0xffffffffffff0000 flags=CF,ZF,PF,AF

;> test cmp-below
;> init rax=1 rcx=2
    cmp rax, rcx
;> expect flags=CF,SF,AF,PF

;> test cmp-signed-overflow
;> init rax=0x80000000
    cmp eax, 1
;> expect flags=OF,AF,PF

;> test inc-keeps-cf
;> init rax=0xffffffffffffffff flags=CF
    inc rax
;> expect rax=0 flags=CF,ZF,PF,AF

;> test dec-overflow
;> init rax=0x80000000
    dec eax
;> expect rax=0x7fffffff flags=OF,AF,PF

;> test inc-mem-byte
;> init m8[3]=0x7f
    inc byte [rbx+3]
;> expect m8[3]=0x80 flags=OF,SF,AF

;> test neg-zero
;> init rax=0 flags=CF
    neg rax
;> expect rax=0 flags=ZF,PF

;> test neg-min-8
;> init rax=0x80
    neg al
;> expect rax=0x80 flags=CF,OF,SF

;> test not-no-flags
;> init rax=0x00ff00ff flags=CF,ZF
    not eax
;> expect rax=0xff00ff00 flags=CF,ZF

;> test xor-self
;> init rax=0x1234 flags=CF,OF
    xor eax, eax
;> expect rax=0 flags=ZF,PF mask=CF,OF,SF,ZF,PF

;> test and-16-keeps-upper
;> init rax=0xffffffffffff8f0f rcx=0x80f0
    and ax, cx
;> expect rax=0xffffffffffff8000 flags=SF,PF mask=CF,OF,SF,ZF,PF

;> test or-imm8-sign-extended
;> init rax=0
    or rax, -128
;> expect rax=0xffffffffffffff80 flags=SF mask=CF,OF,SF,ZF,PF

;> test test-no-write
;> init rax=0x80 rcx=0x80
    test al, cl
;> expect flags=SF mask=CF,OF,SF,ZF,PF
