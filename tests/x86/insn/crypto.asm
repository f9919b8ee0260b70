; crypto.asm — AES-NI and PCLMULQDQ with known answers: the FIPS-197
; appendix C.1 AES-128 vector (key expansion with AESKEYGENASSIST,
; encryption with AESENC/AESENCLAST, decryption through AESIMC round keys
; with AESDEC/AESDECLAST), the FIPS-197 appendix A.1 key schedule, and
; carry-less products of small polynomials for every PCLMULQDQ selector
; (the nasm pseudo-ops), plus the #GP of a misaligned legacy-SSE operand.
bits 64

; One AES-128 key expansion step (Intel AES-NI white paper): xmm1 holds
; round key i, becomes round key i+1; xmm2 and xmm3 are scratch.
%macro EXPAND 1
    aeskeygenassist xmm2, xmm1, %1
    pshufd xmm2, xmm2, 0xff
    movdqa xmm3, xmm1
    pslldq xmm3, 4
    pxor xmm1, xmm3
    pslldq xmm3, 4
    pxor xmm1, xmm3
    pslldq xmm3, 4
    pxor xmm1, xmm3
    pxor xmm1, xmm2
%endmacro

; Round keys 0..10 of the key at [rbx+16] into xmm4..xmm14.
%macro SCHEDULE 0
    movdqu xmm1, [rbx+16]
    movdqa xmm4, xmm1
    EXPAND 0x01
    movdqa xmm5, xmm1
    EXPAND 0x02
    movdqa xmm6, xmm1
    EXPAND 0x04
    movdqa xmm7, xmm1
    EXPAND 0x08
    movdqa xmm8, xmm1
    EXPAND 0x10
    movdqa xmm9, xmm1
    EXPAND 0x20
    movdqa xmm10, xmm1
    EXPAND 0x40
    movdqa xmm11, xmm1
    EXPAND 0x80
    movdqa xmm12, xmm1
    EXPAND 0x1b
    movdqa xmm13, xmm1
    EXPAND 0x36
    movdqa xmm14, xmm1
%endmacro

;> test fips197-c1-aes128-encrypt-decrypt
; plaintext 00112233445566778899aabbccddeeff, key 000102..0f
;> init m64[0]=0x7766554433221100 m64[8]=0xffeeddccbbaa9988
;> init m64[16]=0x0706050403020100 m64[24]=0x0f0e0d0c0b0a0908
    SCHEDULE
    movdqu xmm0, [rbx]
    pxor xmm0, xmm4
    aesenc xmm0, xmm5
    aesenc xmm0, xmm6
    aesenc xmm0, xmm7
    aesenc xmm0, xmm8
    aesenc xmm0, xmm9
    aesenc xmm0, xmm10
    aesenc xmm0, xmm11
    aesenc xmm0, xmm12
    aesenc xmm0, xmm13
    aesenclast xmm0, xmm14
    movdqu [rbx+32], xmm0
    ; equivalent inverse cipher: InvMixColumns of round keys 9..1
    pxor xmm0, xmm14
    aesimc xmm15, xmm13
    aesdec xmm0, xmm15
    aesimc xmm15, xmm12
    aesdec xmm0, xmm15
    aesimc xmm15, xmm11
    aesdec xmm0, xmm15
    aesimc xmm15, xmm10
    aesdec xmm0, xmm15
    aesimc xmm15, xmm9
    aesdec xmm0, xmm15
    aesimc xmm15, xmm8
    aesdec xmm0, xmm15
    aesimc xmm15, xmm7
    aesdec xmm0, xmm15
    aesimc xmm15, xmm6
    aesdec xmm0, xmm15
    aesimc xmm15, xmm5
    aesdec xmm0, xmm15
    aesdeclast xmm0, xmm4
    movdqu [rbx+48], xmm0
    movdqu [rbx+64], xmm14
; ciphertext 69c4e0d86a7b0430d8cdb78070b4c55a; round key 10 13111d7f...
;> expect m64[32]=0x30047b6ad8e0c469 m64[40]=0x5ac5b47080b7cdd8
;> expect m64[48]=0x7766554433221100 m64[56]=0xffeeddccbbaa9988
;> expect m64[64]=0x174a94e37f1d1113 m64[72]=0xc5302b4d8ba707f3

;> test fips197-a1-key-schedule
; key 2b7e151628aed2a6abf7158809cf4f3c: w[40..43] = d014f9a8 c9ee2589 e13f0cc8 b6630ca6
;> init m64[16]=0xa6d2ae2816157e2b m64[24]=0x3c4fcf098815f7ab
    SCHEDULE
    movdqu [rbx+32], xmm14
;> expect m64[32]=0x8925eec9a8f914d0 m64[40]=0xa60c63b6c80c3fe1

;> test aesenclast-memory-operand
; one round with the key from (aligned) memory equals the register form
;> init m64[0]=0x0123456789abcdef m64[8]=0xfedcba9876543210
;> init m64[16]=0x1111111111111111 m64[24]=0x2222222222222222
    movdqu xmm0, [rbx]
    movdqu xmm1, [rbx+16]
    movdqa xmm2, xmm0
    aesenclast xmm0, [rbx+16]
    aesenclast xmm2, xmm1
    pxor xmm0, xmm2
    movdqu [rbx+32], xmm0
;> expect m64[32]=0 m64[40]=0

;> test aes-misaligned-memory-gp
;> init rax=1
    aesenc xmm0, [rbx+8]
    mov eax, 2
;> expect fault=GP

;> test pclmulqdq-selectors
; a = [3, 5], b = [7, x^4]: 3*7 = 9, 5*7 = 0x1b, 3*x^4 = 0x30, 5*x^4 = 0x50
;> init m64[0]=3 m64[8]=5 m64[16]=7 m64[24]=0x10
    movdqu xmm0, [rbx]
    movdqu xmm1, [rbx+16]
    movdqa xmm2, xmm0
    pclmullqlqdq xmm2, xmm1
    movq [rbx+32], xmm2
    movdqa xmm2, xmm0
    pclmulhqlqdq xmm2, xmm1
    movq [rbx+40], xmm2
    movdqa xmm2, xmm0
    pclmullqhqdq xmm2, xmm1
    movq [rbx+48], xmm2
    movdqa xmm2, xmm0
    pclmulhqhqdq xmm2, [rbx+16]
    movdqu [rbx+64], xmm2
    movdqa xmm2, xmm0
    pclmulqdq xmm2, xmm1, 0xee     ; only bits 0 and 4 select: 0xee = lqlq
    movq [rbx+56], xmm2
;> expect m64[32]=9 m64[40]=0x1b m64[48]=0x30 m64[64]=0x50 m64[72]=0 m64[56]=9

;> test pclmulqdq-all-ones
; (sum of x^0..x^63)^2 = sum of the even powers x^0..x^126
;> init m64[0]=-1 m64[16]=-1
    movdqu xmm0, [rbx]
    pclmulqdq xmm0, [rbx+16], 0
    movdqu [rbx+32], xmm0
;> expect m64[32]=0x5555555555555555 m64[40]=0x5555555555555555
