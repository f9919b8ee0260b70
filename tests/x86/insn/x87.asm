; x87.asm — x87 instructions: load-constant rounding under RC, FCOMI's
; EFLAGS, FNSTSW condition codes and TOP, FIST rounding, FBSTP, FPREM's
; quotient bits, masked stack underflow, the FNSTENV image, and #MF at
; the next waiting instruction after an unmasked exception (Intel SDM
; vol. 1 ch. 8, vol. 2 FLDPI/FCOMI/FPREM/FNSTENV).
bits 64

;> test fldpi-nearest
    fldpi
    fstp tword [rbx]
;> expect m64[0]=0xc90fdaa22168c235 m16[8]=0x4000

;> test fldpi-down
;> init m16[16]=0x077f
    fldcw [rbx+16]
    fldpi
    fstp tword [rbx]
;> expect m64[0]=0xc90fdaa22168c234 m16[8]=0x4000

;> test fldl2t-up
;> init m16[16]=0x0b7f
    fldcw [rbx+16]
    fldl2t
    fstp tword [rbx]
;> expect m64[0]=0xd49a784bcd1b8aff m16[8]=0x4000

;> test fldlg2-nearest
    fldlg2
    fstp tword [rbx]
;> expect m64[0]=0x9a209a84fbcff799 m16[8]=0x3ffd

;> test fldln2-zero
;> init m16[16]=0x0f7f
    fldcw [rbx+16]
    fldln2
    fstp tword [rbx]
;> expect m64[0]=0xb17217f7d1cf79ab m16[8]=0x3ffe

;> test fcomi-less
    fld1
    fldz
    fcomi st0, st1
;> expect flags=CF

;> test fucomi-unordered
;> init m64[0]=0x7ff8000000000000 rax=0x8d5
    fld qword [rbx]
    fld1
    fucomip st0, st1
;> expect flags=ZF,PF,CF

;> test fcompp-equal-fnstsw
    fld1
    fld1
    fcompp
    fnstsw ax
;> expect rax=0x4000

;> test fistp-round-half-even
;> init m64[0]=0x4004000000000000
    fld qword [rbx]
    fistp dword [rbx+8]
;> expect m32[8]=2

;> test fbstp-negative
;> init m64[0]=-1234
    fild qword [rbx]
    fbstp [rbx+16]
;> expect m16[16]=0x1234 m8[25]=0x80

;> test fprem-quotient-bits
;> init m64[0]=0x401c000000000000 m64[8]=0x4000000000000000
    fld qword [rbx+8]
    fld qword [rbx]
    fprem
    fnstsw ax
    fstp qword [rbx+16]
;> expect rax=0x7200 m64[16]=0x3ff0000000000000

;> test underflow-masked
    fadd st0, st1
    fnstsw ax
;> expect rax=0x0041

;> test fnstenv-after-init
    fnstenv [rbx]
;> expect m32[0]=0xffff037f m32[4]=0xffff0000 m32[8]=0xffffffff m32[24]=0xffff0000

;> test unmasked-ze-raises-mf-at-fwait
;> init m16[16]=0x037b
    fldcw [rbx+16]
    fld1
    fldz
    fdivp st1, st0
    fwait
;> expect fault=DE
