; shift.asm — SHL SHR SAR ROL ROR RCL: count masking, flags kept for a
; zero count, CF/OF rules for count 1 (OF is undefined for other counts,
; AF for every shift, CF for SHL/SHR counts >= the operand width).
bits 64

;> test shl-by-zero-keeps-flags
;> init rax=0x80 rcx=0 flags=CF,OF,ZF,AF
    shl rax, cl
;> expect rax=0x80 flags=CF,OF,ZF,AF

;> test shl-by-1-of
;> init rax=0x40
    shl al, 1
;> expect rax=0x80 flags=OF,SF mask=CF,OF,SF,ZF,PF

;> test shl-count-masked-32
;> init rax=1 rcx=33
    shl eax, cl
;> expect rax=2 flags=none mask=CF,OF,SF,ZF,PF

;> test shl-count-masked-64
;> init rax=1 rcx=65
    shl rax, cl
;> expect rax=2 flags=none mask=CF,OF,SF,ZF,PF

;> test shl8-count-9-clears
;> init rax=0x81 rcx=9
    shl al, cl
;> expect rax=0 flags=ZF,PF mask=SF,ZF,PF

;> test sar-negative
;> init rax=-5
    sar rax, 1
;> expect rax=-3 flags=CF,SF mask=CF,OF,SF,ZF,PF

;> test sar8-count-big
;> init rax=0x80 rcx=31
    sar al, cl
;> expect rax=0xff flags=CF,SF,PF mask=CF,SF,ZF,PF

;> test shr-1-of-is-old-msb
;> init rax=0x80000000
    shr eax, 1
;> expect rax=0x40000000 flags=OF,PF mask=CF,OF,SF,ZF,PF

;> test shr-last-bit-out
;> init rax=0x18
    shr rax, 4
;> expect rax=1 flags=CF mask=CF,SF,ZF,PF

;> test rol-cf-of
;> init rax=0x80
    rol al, 1
;> expect rax=1 flags=CF,OF mask=CF,OF

;> test ror-cf-of
;> init rax=1
    ror eax, 1
;> expect rax=0x80000000 flags=CF,OF mask=CF,OF

;> test rol-keeps-szap
;> init rax=1 flags=ZF,SF,PF,AF
    rol rax, 4
;> expect rax=0x10 flags=ZF,SF,PF,AF mask=CF,SF,ZF,AF,PF

;> test rol16-by-16
;> init rax=0x8001 rcx=16
    rol ax, cl
;> expect rax=0x8001 flags=CF mask=CF

;> test rol-by-zero-keeps-all
;> init rax=0x8001 rcx=32 flags=OF,ZF
    rol eax, cl
;> expect rax=0x8001 flags=OF,ZF

;> test rcl-through-carry
;> init rax=0x80 flags=CF
    rcl al, 1
;> expect rax=1 flags=CF,OF mask=CF,OF

;> test rcr-through-carry
;> init rax=1
    rcr rax, 1
;> expect rax=0 flags=CF mask=CF,OF

; ROL/ROR by an immediate after a known flag producer keep that producer's
; SF ZF AF PF lazily (cc_op X86_CC_ROT + k): read them back every way.
;> test rol-after-add-keeps-szap
;> init rax=0x7fffffff rcx=1
    add eax, ecx
    rol eax, 1
;> expect rax=1 flags=CF,OF,SF,AF,PF

;> test ror-after-sub-setc-seto
;> init rax=0x80000006 rcx=5
    sub eax, ecx
    ror eax, 1
    setc dl
    seto r8b
;> expect rax=0xc0000000 rdx=1 flags=CF,SF mask=CF,SF,ZF,PF

;> test adc-reads-cf-of-rol
;> init rax=0x80000000
    or eax, eax
    rol eax, 1
    adc edx, ecx
;> expect rax=1 rdx=1 flags=none

;> test rol-after-adc
;> init rax=1 rcx=1 flags=CF
    adc eax, ecx
    rol eax, 1
;> expect rax=6 flags=PF mask=CF,OF,SF,ZF,PF

;> test rol-flags-at-fault
;> init rax=0x7fffffff rcx=1
    add eax, ecx
    rol eax, 1
    ud2
;> expect rax=1 flags=CF,OF,SF,AF,PF fault=UD
