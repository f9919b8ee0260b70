; muldiv.asm — MUL IMUL DIV IDIV: results, CF/OF of the multiplies
; (SF ZF AF PF are undefined after them, all flags after a divide), and
; #DE for a zero divisor and for a quotient that does not fit.
bits 64

;> test imul2-overflow
;> init rax=0x100000000 rcx=0x100000000
    imul rax, rcx
;> expect rax=0 flags=CF,OF mask=CF,OF

;> test imul1-negative-fits
;> init rax=-3 rcx=5
    imul rcx
;> expect rax=-15 rdx=-1 mask=CF,OF

;> test imul3-imm8-overflow-32
;> init rcx=0x40000000
    imul eax, ecx, 2
;> expect rax=0x80000000 flags=CF,OF mask=CF,OF

;> test imul1-8-fits
;> init rax=0xfe rcx=0x3f
    imul cl
;> expect rax=0xff82 flags=none mask=CF,OF

;> test imul1-8-overflow
;> init rax=0xfe rcx=0x7f
    imul cl
;> expect rax=0xff02 flags=CF,OF mask=CF,OF

;> test mul8-overflow
;> init rax=0x12340080 rcx=2
    mul cl
;> expect rax=0x12340100 flags=CF,OF mask=CF,OF

;> test mul64-max
;> init rax=0xffffffffffffffff rcx=0xffffffffffffffff
    mul rcx
;> expect rax=1 rdx=0xfffffffffffffffe flags=CF,OF mask=CF,OF

;> test mul32-no-overflow-clears-rdx-top
;> init rax=0xffffffff00000003 rdx=0xffffffffffffffff rcx=5
    mul ecx
;> expect rax=15 rdx=0 flags=none mask=CF,OF

;> test div-by-zero
;> init rax=10 rcx=0
    div rcx
;> expect fault=DE

;> test div-quotient-overflow
;> init rax=0 rdx=1 rcx=1
    div rcx
;> expect fault=DE

;> test idiv-min-by-minus-one
;> init rax=0x80000000 rdx=0xffffffff rcx=0xffffffff
    idiv ecx
;> expect fault=DE

;> test div-fault-after-first-insn
;> init rax=1 rcx=0
    inc rax
    div cl
;> expect rax=2 fault=DE flags=none

;> test div32
;> init rax=0xffffffff00000007 rdx=0xffffffff00000000 rcx=2
    div ecx
;> expect rax=3 rdx=1 mask=none

;> test idiv8-negative
;> init rax=0xfff9 rcx=2
    idiv cl
;> expect rax=0xfffd mask=none

;> test idiv64-negative-remainder
;> init rax=-7 rdx=-1 rcx=2
    idiv rcx
;> expect rax=-3 rdx=-1 mask=none

;> test div16-mem
;> init rax=0x1234000a rdx=0x55550000 m16[6]=3
    div word [rbx+6]
;> expect rax=0x12340003 rdx=0x55550001 mask=none
