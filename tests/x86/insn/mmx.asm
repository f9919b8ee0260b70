; mmx.asm — MMX instructions on values moved in and out through GPRs
; and memory: wrap-around and saturating arithmetic, packs and unpacks of
; the 64-bit halves, multiplies, shifts, the SSE/SSSE3 mm forms (whose
; 64-bit results are not the low half of the xmm form), MASKMOVQ, and
; MOVQ2DQ/MOVDQ2Q (Intel SDM vol. 2, each instruction's Operation).
bits 64

;> test paddb-wraps
;> init rax=0x807fff01 rcx=0x80010101
    movq mm0, rax
    movq mm1, rcx
    paddb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x800002

;> test paddsb-saturates
;> init rax=0x807fff01 rcx=0x80010101
    movq mm0, rax
    movq mm1, rcx
    paddsb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x807f0002

;> test paddusb-saturates
;> init rax=0x807fff01 rcx=0x80010101
    movq mm0, rax
    movq mm1, rcx
    paddusb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xff80ff02

;> test psubusw-floors-at-zero
;> init rax=0x10005ffff0000 rcx=0x2000300010001
    movq mm0, rax
    movq mm1, rcx
    psubusw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x2fffe0000

;> test packsswb-both-halves
;> init rax=0x80ff7f7fff8000 rcx=0x1fffe00000005
    movq mm0, rax
    movq mm1, rcx
    packsswb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x1fe00057f807f80

;> test packuswb-both-halves
;> init rax=0x80007fffff0100 rcx=0x4000300020001
    movq mm0, rax
    movq mm1, rcx
    packuswb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x4030201807f00ff

;> test punpckhbw-high-halves
;> init rax=0x8877665544332211 rcx=0xffeeddccbbaa9988
    movq mm0, rax
    movq mm1, rcx
    punpckhbw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xff88ee77dd66cc55

;> test punpckldq-low-dwords
;> init rax=0x8877665544332211 rcx=0xffeeddccbbaa9988
    movq mm0, rax
    movq mm1, rcx
    punpckldq mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xbbaa998844332211

;> test pmaddwd-signed-pairs
;> init rax=0x7fffffff00020001 rcx=0x8000800000040003
    movq mm0, rax
    movq mm1, rcx
    pmaddwd mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xc00100000000000b

;> test psadbw-sum-in-low-word
;> init rax=0xff00ff00ff00ff rcx=0xff00ff00ff00ff00
    movq mm0, rax
    movq mm1, rcx
    psadbw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x7f8

;> test pmulhuw-unsigned-high
;> init rax=0xffffffff80000002 rcx=0xffff000280008000
    movq mm0, rax
    movq mm1, rcx
    pmulhuw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xfffe000140000001

;> test pmulhw-signed-high
;> init rax=0xffffffff80000002 rcx=0xffff000280008000
    movq mm0, rax
    movq mm1, rcx
    pmulhw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xffff4000ffff

;> test pcmpgtw-signed
;> init rax=0x180007fff0000 rcx=0x17fff8000ffff
    movq mm0, rax
    movq mm1, rcx
    pcmpgtw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0xffffffff

;> test pshufb-mm-uses-3-index-bits
;> init rax=0x8877665544332211 rcx=0x800f070001020308
    movq mm0, rax
    movq mm1, rcx
    pshufb mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x88881122334411

;> test phaddw-mm-pairs
;> init rax=0x4000300020001 rcx=0x28001e0014000a
    movq mm0, rax
    movq mm1, rcx
    phaddw mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x46001e00070003

;> test psrlq-count-64-clears
;> init rax=0x123456789abcdef rcx=0x40
    movq mm0, rax
    movq mm1, rcx
    psrlq mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x0

;> test psllq-by-register
;> init rax=0x123456789abcdef rcx=0x4
    movq mm0, rax
    movq mm1, rcx
    psllq mm0, mm1
    movq rax, mm0
    emms
;> expect rax=0x123456789abcdef0

;> test pshufw-reverse
;> init rcx=0x4444333322221111
    movq mm1, rcx
    pshufw mm0, mm1, 0x1b
    movq rax, mm0
    emms
;> expect rax=0x1111222233334444

;> test pmovmskb-mm
;> init rax=0x8000ff7f01800080
    movq mm0, rax
    pmovmskb eax, mm0
    emms
;> expect rax=0xa5

;> test pextrw-pinsrw
;> init rax=0x4444333322221111 rcx=0xabcd
    movq mm0, rax
    pextrw edx, mm0, 2
    pinsrw mm0, ecx, 1
    movq rax, mm0
    emms
;> expect rax=0x44443333abcd1111 rdx=0x3333

;> test psraw-imm
;> init rax=0x80007ff0fff00010
    movq mm0, rax
    psraw mm0, 4
    movq rax, mm0
    emms
;> expect rax=0xf80007ffffff0001

;> test palignr-mm
;> init rax=0x8877665544332211 rcx=0xffeeddccbbaa9988
    movq mm0, rax
    movq mm1, rcx
    palignr mm0, mm1, 3
    movq rax, mm0
    emms
;> expect rax=0x332211ffeeddccbb

;> test maskmovq-selected-bytes
;> init rax=0x8877665544332211 rcx=0x80000000000080ff
    lea rdi, [rbx]
    movq mm0, rax
    movq mm1, rcx
    maskmovq mm0, mm1
    emms
;> expect rdi=data m64[0]=0x8800000000002211

;> test movd-store-and-movq-load
;> init m64[16]=0x0123456789abcdef rax=0x8877665544332211
    movq mm0, rax
    movd [rbx+8], mm0
    movq mm2, [rbx+16]
    movq [rbx+24], mm2
    emms
;> expect m64[8]=0x44332211 m64[24]=0x0123456789abcdef

;> test movq2dq-movdq2q
;> init rax=0x8877665544332211
    movq mm1, rax
    movq2dq xmm0, mm1
    movdq2q mm2, xmm0
    movq rcx, mm2
    movq rdx, xmm0
    psrldq xmm0, 8
    movq rsi, xmm0
    pxor xmm0, xmm0
    emms
;> expect rcx=0x8877665544332211 rdx=0x8877665544332211

;> test cvtpi2ps-mm
;> init rcx=0xfffffffe00000001
    movq mm1, rcx
    pxor xmm0, xmm0
    cvtpi2ps xmm0, mm1
    movq rax, xmm0
    pxor xmm0, xmm0
    emms
;> expect rax=0xc00000003f800000

;> test cvttps2pi-truncates
;> init rax=0xc02ccccd3fc00000
    movq xmm0, rax
    cvttps2pi mm0, xmm0
    movq rax, mm0
    pxor xmm0, xmm0
    emms
;> expect rax=0xfffffffe00000001
