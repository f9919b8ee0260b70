; atomic.asm — CMPXCHG (success writes the destination and sets ZF;
; failure loads the accumulator), XADD, CMPXCHG16B, XCHG with memory and
; LOCK forms of the ALU instructions. Flags of CMPXCHG are those of CMP.
bits 64

;> test cmpxchg-success
;> init rax=5 rcx=9 m64[0]=5
    lock cmpxchg [rbx], rcx
;> expect m64[0]=9 flags=ZF,PF

;> test cmpxchg32-failure-zero-extends
;> init rax=0xffffffff00000005 rcx=9 m32[0]=7
    cmpxchg [rbx], ecx
;> expect rax=7 flags=CF,SF,AF

;> test cmpxchg32-success-keeps-rax
;> init rax=0xffffffff00000005 rcx=9 m32[0]=5
    cmpxchg [rbx], ecx
;> expect m32[0]=9 flags=ZF,PF

;> test cmpxchg8-reg
;> init rax=0x11 rdx=0x11 rcx=0x22
    cmpxchg dl, cl
;> expect rdx=0x22 flags=ZF,PF

;> test xadd-lock
;> init rcx=3 m64[8]=10
    lock xadd [rbx+8], rcx
;> expect rcx=10 m64[8]=13

;> test xadd-reg
;> init rax=0xff rcx=1
    xadd al, cl
;> expect rax=0 rcx=0xff flags=CF,ZF,PF,AF

;> test lock-add-mem
;> init m32[4]=0xffffffff
    lock add dword [rbx+4], 1
;> expect m32[4]=0 flags=CF,ZF,PF,AF

;> test lock-sub-mem-reg
;> init rcx=1 m16[2]=0
    lock sub [rbx+2], cx
;> expect m16[2]=0xffff flags=CF,SF,AF,PF

;> test lock-bts
;> init rcx=-1 m8[-1]=0
    lock bts [rbx], rcx
;> expect m8[-1]=0x80 flags=none mask=CF

;> test xchg-mem
;> init rax=1 m64[-8]=2
    xchg [rbx-8], rax
;> expect rax=2 m64[-8]=1

;> test lock-on-register-is-ud
;> init rax=1 rcx=2
    db 0xf0, 0x48, 0x01, 0xc8   ; lock add rax, rcx
;> expect fault=UD
