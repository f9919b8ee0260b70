; bitops.asm — BT BTS BTR BTC (register offsets reach any bit of memory,
; negative ones included; register operands take the offset modulo the
; width), BSF BSR, TZCNT LZCNT POPCNT, BSWAP. After BT* only CF is defined
; (ZF unchanged); after BSF/BSR only ZF; after TZCNT/LZCNT CF and ZF.
bits 64

;> test bt-mem-negative-offset
;> init rcx=-9 m8[-2]=0x80
    bt qword [rbx], rcx
;> expect flags=CF mask=CF

;> test bt-mem-far-offset
;> init rcx=1000 m8[125]=0x01
    bt dword [rbx], ecx
;> expect flags=CF mask=CF

;> test bts-mem-reg
;> init rcx=100
    bts dword [rbx], ecx
;> expect m8[12]=0x10 flags=none mask=CF

;> test btr-mem-negative
;> init rax=-1 m64[-8]=-1
    btr [rbx], rax
;> expect m64[-8]=0x7fffffffffffffff flags=CF mask=CF

;> test btc16-imm-modulo
;> init rax=0x12345678
    btc ax, 17
;> expect rax=0x1234567a flags=none mask=CF

;> test bt-keeps-zf
;> init rax=1 flags=ZF
    bt eax, 0
;> expect flags=CF,ZF mask=CF,ZF

;> test bsf
;> init rcx=0x80000100
    bsf rax, rcx
;> expect rax=8 flags=none mask=ZF

;> test bsr
;> init rcx=0x80000100
    bsr eax, ecx
;> expect rax=31 flags=none mask=ZF

;> test bsf-zero-sets-zf
;> init rcx=0 rax=0
    bsf rdx, rcx
;> expect flags=ZF mask=ZF

;> test tzcnt-zero
;> init rcx=0 rax=5
    tzcnt rax, rcx
;> expect rax=64 flags=CF mask=CF,ZF

;> test tzcnt-bit0
;> init rcx=1 rax=5
    tzcnt eax, ecx
;> expect rax=0 flags=ZF mask=CF,ZF

;> test lzcnt32
;> init rcx=0x00010000
    lzcnt ecx, ecx
;> expect rcx=15 flags=none mask=CF,ZF

;> test lzcnt16-zero
;> init rcx=0xffff0000 rax=0xffffffffffffffff
    lzcnt ax, cx
;> expect rax=0xffffffffffff0010 flags=CF mask=CF,ZF

;> test popcnt
;> init rcx=0xff00ff00ff00ff01 flags=CF,OF,SF,AF,PF
    popcnt rax, rcx
;> expect rax=33 flags=none

;> test popcnt-zero
;> init rcx=0xffffffff00000000 rax=7
    popcnt eax, ecx
;> expect rax=0 flags=ZF

;> test bswap32
;> init rax=0xffffffff12345678
    bswap eax
;> expect rax=0x78563412

;> test bswap64
;> init r9=0x0102030405060708
    bswap r9
;> expect r9=0x0807060504030201
