; segment.asm — segment registers in 64-bit user mode under Linux: reading
; the selectors (CS 0x33, SS 0x2b, the data segments 0), MOV to and from
; registers and memory (16-bit stores, zero-extension into 32/64-bit
; registers), loads of the selectors Linux's GDT gives CPL 3 (null, 0x20
; 0x28 0x30 0x78 with any RPL; SS only 0x2b) and #GP for the others, PUSH
; and POP GS. FS is only read: loading it would clear the host's TLS base
; in the native run. Expectations: Intel SDM MOV/PUSH/POP, Linux's
; arch/x86/include/asm/segment.h.
bits 64

;> test read-selectors
;> init rax=-1 rcx=-1 rdx=-1 rsi=-1 rdi=-1 rbp=-1
    mov eax, cs
    mov ecx, ss
    mov edx, ds
    mov esi, es
    mov edi, fs
    mov ebp, gs
;> expect rax=0x33 rcx=0x2b rdx=0 rsi=0 rdi=0 rbp=0

;> test mov-r64-from-sreg-zero-extends
;> init rax=-1
    mov rax, cs
;> expect rax=0x33

;> test mov-r16-from-sreg-keeps-upper
;> init rax=-1
    mov ax, ss
;> expect rax=0xffffffffffff002b

;> test mov-m16-from-sreg-stores-16-bits
;> init m64[0]=-1 m64[8]=-1
    mov [rbx], cs
    o64 mov [rbx+8], ss
;> expect m64[0]=0xffffffffffff0033 m64[8]=0xffffffffffff002b

;> test load-es-user-selectors
;> init rax=0x2b
    mov es, ax
    mov ecx, es
    mov eax, 0x23
    mov es, ax
    mov edx, es
    mov eax, 0x7b
    mov es, ax
    mov esi, es
    mov eax, 3
    mov es, ax
    mov edi, es
    xor eax, eax
    mov es, ax
;> expect rax=0 rcx=0x2b rdx=0x23 rsi=0x7b rdi=3 flags=ZF,PF

;> test load-ds-from-memory
;> init m16[0]=0x33
    mov ds, [rbx]
    mov eax, ds
    mov word [rbx], 0
    mov ds, [rbx]
;> expect rax=0x33 m16[0]=0

;> test load-ss-user-data
;> init rax=0x2b
    mov ss, ax
    mov ecx, ss
;> expect rcx=0x2b

;> test load-ss-null-gp
    mov ss, ax
;> expect fault=GP

;> test load-ss-rpl0-gp
;> init rax=0x28
    mov ss, ax
;> expect fault=GP

;> test load-gs-kernel-code-gp
;> init rax=0x10
    mov gs, ax
;> expect fault=GP

;> test load-es-tss-gp
;> init rax=0x40
    mov es, ax
;> expect fault=GP

;> test load-es-empty-tls-gp
;> init rax=0x63
    mov es, ax
;> expect fault=GP

;> test load-ds-beyond-gdt-gp
;> init rax=0x1234
    mov ds, ax
;> expect fault=GP

;> test load-ds-ldt-gp
;> init rax=0x2f
    mov ds, ax
;> expect fault=GP

;> test push-fs-gs-zero-extended
;> init s64[-8]=-1 s64[-16]=-1
    push fs
    push gs
;> expect rsp=stack-16 s64[-8]=0 s64[-16]=0

;> test pop-gs
;> init rcx=-1
    push 0x2b
    pop gs
    mov ecx, gs
    push 0
    pop gs
;> expect rcx=0x2b s64[-8]=0

;> test pop-gs-bad-selector-gp-keeps-rsp
    push 0x18
    pop gs
;> expect rsp=stack-8 s64[-8]=0x18 fault=GP

;> test mov-cs-ud
    db 0x8e, 0xc8              ; mov cs, ax
;> expect fault=UD
