; stack.asm — PUSH/POP with rsp as operand or base (push rsp pushes the
; old value; pop rsp loads rsp; pop [rsp+d] computes the address after the
; increment, push [rsp+d] before the decrement), 16-bit push/pop, PUSH imm8
; sign extension, LEAVE, CALL to the next instruction.
bits 64

;> test push-rsp
    push rsp
;> expect rsp=stack-8 s64[-8]=stack

;> test pop-rsp
;> init s64[0]=0x1234
    pop rsp
;> expect rsp=0x1234

;> test pop-mem-rsp-based
;> init s64[0]=0x55
    pop qword [rsp+8]
;> expect rsp=stack+8 s64[16]=0x55

;> test push-mem-rsp-based
;> init s64[8]=0x77
    push qword [rsp+8]
;> expect rsp=stack-8 s64[-8]=0x77

;> test push-imm8-sign-extends
    push -2
;> expect rsp=stack-8 s64[-8]=-2

;> test push-imm32-sign-extends
    push qword -0x80000000
;> expect rsp=stack-8 s64[-8]=0xffffffff80000000

;> test push16-pop16
;> init rax=0x1234 rcx=0xffffffffffffffff
    push ax
    pop cx
;> expect rcx=0xffffffffffff1234 s16[-2]=0x1234

;> test push16-imm
    push word 0x8001
;> expect rsp=stack-2 s16[-2]=0x8001

;> test pop-order
;> init s64[0]=1 s64[8]=2
    pop rax
    pop rcx
;> expect rax=1 rcx=2 rsp=stack+16

;> test leave
;> init rbp=stack+16 s64[16]=0xabc
    leave
;> expect rsp=stack+24 rbp=0xabc

;> test call-next
    call cn1
cn1:
;> expect rsp=stack-8 s64[-8]=code+5
