; vdso-x86_64.asm — ferry's vDSO for x86-64 guests: an ELF shared object
; written out by hand (nasm -f bin) with the symbols and versions of the
; kernel's (arch/x86/entry/vdso/vdso.lds.S: __vdso_clock_gettime,
; __vdso_gettimeofday, __vdso_time, __vdso_getcpu, __vdso_clock_getres and
; their weak aliases, all LINUX_2.6). Each function is the syscall itself.
; scripts/gen-vdso-image turns it into linux-user/vdso-image.c; the guest
; finds it through AT_SYSINFO_EHDR (linux-user/vdso.c maps it).
bits 64
org 0

; SysV ELF hash and GNU hash of a string, computed by the preprocessor
; into %$h / %$g of the context the macro opens (closed by the user).
%macro hashes 1
    %push hashctx
    %assign %$h 0
    %assign %$g 5381
    %strlen %$len %1
    %assign %$i 1
    %rep %$len
        %substr %$c %1 %$i
        %assign %$h ((%$h << 4) + %$c) & 0xffffffff
        %assign %$hi %$h & 0xf0000000
        %assign %$h (%$h ^ (%$hi >> 24)) & ~%$hi & 0xffffffff
        %assign %$g (%$g * 33 + %$c) & 0xffffffff
        %assign %$i %$i + 1
    %endrep
%endmacro

; ---------------------------------------------------------------------------
; ELF header and program headers
ehdr:
    db 0x7f, "ELF", 2, 1, 1, 0          ; 64-bit, little-endian, version 1, SysV
    times 8 db 0
    dw 3                                ; ET_DYN
    dw 62                               ; EM_X86_64
    dd 1
    dq 0                                ; no entry point
    dq phdr - ehdr
    dq shdr - ehdr
    dd 0
    dw 64, 56, PHNUM, 64, SHNUM, SHSTRNDX

phdr:
    dd 1, 5                             ; PT_LOAD, R+X
    dq 0, 0, 0, image_end, image_end, 4096
    dd 2, 4                             ; PT_DYNAMIC, R
    dq dynamic, dynamic, dynamic, dynamic_end - dynamic, dynamic_end - dynamic, 8
PHNUM equ ($ - phdr) / 56

; ---------------------------------------------------------------------------
; Symbols: index 1.. in this order, in both hash tables and in versym.
%define SYMS "__vdso_clock_gettime", "clock_gettime", "__vdso_gettimeofday", \
    "gettimeofday", "__vdso_time", "time", "__vdso_getcpu", "getcpu", \
    "__vdso_clock_getres", "clock_getres"
NSYMS equ 10

; DT_HASH: one bucket holding every symbol in one chain.
    align 8
hash:
    dd 1, NSYMS + 1
    dd 1
    dd 0
%assign i 1
%rep NSYMS
    %if i < NSYMS
        dd i + 1
    %else
        dd 0
    %endif
    %assign i i + 1
%endrep

; DT_GNU_HASH: one bucket, a bloom word that lets every name through, and
; the chain of hashes (low bit set on the last).
    align 8
gnu_hash:
    dd 1, 1, 1, 6                       ; nbuckets, symoffset, bloom words, shift
    dq -1
    dd 1
%assign i 1
%macro gnu_chain 1-*
    %rep %0
        hashes %1
        %if i < NSYMS
            dd %$g & ~1
        %else
            dd %$g | 1
        %endif
        %pop
        %assign i i + 1
        %rotate 1
    %endrep
%endmacro
gnu_chain SYMS

; .dynsym: st_name, st_info, st_other, st_shndx, st_value, st_size.
    align 8
dynsym:
    times 24 db 0
%macro sym 3                            ; name label, function, binding
    dd %1 - dynstr
    db (%3 << 4) | 2, 0                 ; STT_FUNC
    dw TEXT_SHNDX
    dq %2, %2 %+ _end - %2
%endmacro
    sym s_clock_gettime_v, vdso_clock_gettime, 1
    sym s_clock_gettime, vdso_clock_gettime, 2
    sym s_gettimeofday_v, vdso_gettimeofday, 1
    sym s_gettimeofday, vdso_gettimeofday, 2
    sym s_time_v, vdso_time, 1
    sym s_time, vdso_time, 2
    sym s_getcpu_v, vdso_getcpu, 1
    sym s_getcpu, vdso_getcpu, 2
    sym s_clock_getres_v, vdso_clock_getres, 1
    sym s_clock_getres, vdso_clock_getres, 2
dynsym_end:

dynstr:
    db 0
s_soname:           db "linux-vdso.so.1", 0
s_linux26:          db "LINUX_2.6", 0
s_clock_gettime_v:  db "__vdso_"
s_clock_gettime:    db "clock_gettime", 0
s_gettimeofday_v:   db "__vdso_"
s_gettimeofday:     db "gettimeofday", 0
s_time_v:           db "__vdso_"
s_time:             db "time", 0
s_getcpu_v:         db "__vdso_"
s_getcpu:           db "getcpu", 0
s_clock_getres_v:   db "__vdso_"
s_clock_getres:     db "clock_getres", 0
dynstr_end:

; .gnu.version: every symbol is LINUX_2.6 (index 2).
    align 2
versym:
    dw 0
    times NSYMS dw 2
versym_end:

; .gnu.version_d: the base version (the soname) and LINUX_2.6.
    align 8
verdef:
    hashes "linux-vdso.so.1"
    dw 1, 1, 1, 1                       ; version, VER_FLG_BASE, index 1, one aux
    dd %$h, 20, 28
    %pop
    dd s_soname - dynstr, 0
    hashes "LINUX_2.6"
    dw 1, 0, 2, 1
    dd %$h, 20, 0
    %pop
    dd s_linux26 - dynstr, 0
verdef_end:

    align 8
dynamic:
    dq 4, hash                          ; DT_HASH
    dq 0x6ffffef5, gnu_hash             ; DT_GNU_HASH
    dq 5, dynstr                        ; DT_STRTAB
    dq 6, dynsym                        ; DT_SYMTAB
    dq 10, dynstr_end - dynstr          ; DT_STRSZ
    dq 11, 24                           ; DT_SYMENT
    dq 14, s_soname - dynstr            ; DT_SONAME
    dq 0x6ffffff0, versym               ; DT_VERSYM
    dq 0x6ffffffc, verdef               ; DT_VERDEF
    dq 0x6ffffffd, 2                    ; DT_VERDEFNUM
    dq 0, 0                             ; DT_NULL
dynamic_end:

; ---------------------------------------------------------------------------
; The functions: the system call, as glibc would make it without a vDSO.
    align 16
text:
vdso_clock_gettime:
    mov eax, 228
    syscall
    ret
vdso_clock_gettime_end:
    align 16
vdso_gettimeofday:
    mov eax, 96
    syscall
    ret
vdso_gettimeofday_end:
    align 16
vdso_time:
    mov eax, 201
    syscall
    ret
vdso_time_end:
    align 16
vdso_getcpu:
    mov eax, 309
    syscall
    ret
vdso_getcpu_end:
    align 16
vdso_clock_getres:
    mov eax, 229
    syscall
    ret
vdso_clock_getres_end:
text_end:

; ---------------------------------------------------------------------------
; Section headers (for tools; the loader needs only the dynamic segment).
shstrtab:
    db 0
n_hash:     db ".hash", 0
n_gnu_hash: db ".gnu.hash", 0
n_dynsym:   db ".dynsym", 0
n_dynstr:   db ".dynstr", 0
n_versym:   db ".gnu.version", 0
n_verdef:   db ".gnu.version_d", 0
n_dynamic:  db ".dynamic", 0
n_text:     db ".text", 0
n_shstrtab: db ".shstrtab", 0
shstrtab_end:

; name, type, flags, start, end, link, info, align, entsize
%macro shent 9
    dd %1 - shstrtab, %2
    dq %3, %4, %4, %5 - %4
    dd %6, %7
    dq %8, %9
%endmacro
    align 8
shdr:
    times 64 db 0
    shent n_hash, 5, 2, hash, gnu_hash, 3, 0, 8, 4
    shent n_gnu_hash, 0x6ffffff6, 2, gnu_hash, dynsym, 3, 0, 8, 0
    shent n_dynsym, 11, 2, dynsym, dynsym_end, 4, 1, 8, 24
    shent n_dynstr, 3, 2, dynstr, dynstr_end, 0, 0, 1, 0
    shent n_versym, 0x6fffffff, 2, versym, versym_end, 3, 0, 2, 2
    shent n_verdef, 0x6ffffffd, 2, verdef, verdef_end, 4, 2, 8, 0
    shent n_dynamic, 6, 2, dynamic, dynamic_end, 4, 0, 8, 16
TEXT_SHNDX equ ($ - shdr) / 64
    shent n_text, 1, 6, text, text_end, 0, 0, 16, 0
SHSTRNDX equ ($ - shdr) / 64
    dd n_shstrtab - shstrtab, 3
    dq 0, 0, shstrtab, shstrtab_end - shstrtab
    dd 0, 0
    dq 1, 0
SHNUM equ ($ - shdr) / 64
image_end:
