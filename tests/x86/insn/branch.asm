; branch.asm — LOOP/LOOPE/LOOPNE and JRCXZ/JECXZ: rcx (or ecx with a 67
; prefix) counts, no flags change, ZF ends LOOPE/LOOPNE.
bits 64

;> test loop-counts
;> init rcx=5
l1: inc eax
    loop l1
;> expect rax=5 rcx=0 flags=PF

;> test loop-from-zero-wraps
;> init rcx=0
    loop l2
l2:
;> expect rcx=0xffffffffffffffff

;> test loope-stops-on-zf-clear
;> init rcx=10 rax=3
l3: dec eax
    loope l3
;> expect rax=2 rcx=9 flags=none

;> test loopne-stops-on-zf-set
;> init rcx=10 rax=3
l4: dec eax
    loopne l4
;> expect rax=0 rcx=7 flags=ZF,PF

;> test jrcxz-taken
;> init rcx=0
    jrcxz s5
    mov eax, 1
s5:
;> expect rax=0

;> test jrcxz-not-taken
;> init rcx=0x100000000
    jrcxz s6
    mov eax, 1
s6:
;> expect rax=1

;> test jecxz-ignores-top
;> init rcx=0x100000000
    jecxz s7
    mov eax, 1
s7:
;> expect rax=0

;> test jcc-over
;> init rax=1 rcx=1
    cmp rax, rcx
    jne s8
    mov edx, 7
s8:
;> expect rdx=7 flags=ZF,PF
