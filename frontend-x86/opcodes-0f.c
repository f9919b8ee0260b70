/*
 * opcodes-0f.c — the two-byte (0F xx) opcode map, one table per mandatory
 * prefix class (none, 66, F3, F2), and its groups 6, 7, 8, 9, 12..16.
 * A row in the no-prefix table flagged XF_MPFX defers to the table of the
 * prefix class in effect; VEX map 1 reads the tables by VEX.pp directly.
 * Source: Intel SDM vol. 2, appendix A, tables.
 *
 * UD0 (0F FF) and UD1 (0F B9) are listed with a ModRM byte in the SDM, but
 * the CPU raises #UD after the two opcode bytes (measured: it does not
 * fetch a ModRM from an unmapped next page), so they decode as 2 bytes.
 */
#include "frontend-x86/opcodes.h"

#define MP (MR | XF_MPFX)
#define VX (MR | XF_VEX)
/* Packed-single row (no prefix) of an SSE family selected by prefix. */
#define PS3(o) R3(o, MP | XF_VEX, V, H, W)
#define PD3(o) R3(o, VX, V, H, W)
#define SS3(o) R3(o, VX, V, H, Wd)
#define SD3(o) R3(o, VX, V, H, Wq)
/* MMX (no prefix) and its SSE2 form (66). */
#define MMX(o) R2(o, MP, P, Q)
#define XMM(o) R3(o, VX, V, H, W)
#define SHIFT_MMX(o) R2(o, MP, P, Q)
#define X8(...) __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
    __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define X16(...) X8(__VA_ARGS__), X8(__VA_ARGS__)

static const X86OpRow map_none[256] = {
    [0x00] = GRP(XG_6, 0), GRP(XG_7, 0),
    [0x02] = R2(LAR, MR, Gv, Ew), R2(LSL, MR, Gv, Ew),
    [0x05] = R0(SYSCALL, 0), R0(CLTS, 0), R0(SYSRET, 0), R0(INVD, 0),
    [0x09] = R0(WBINVD, 0),
    [0x0b] = R0(UD2, 0),
    [0x0d] = GRP(XG_P, 0), R0(FEMMS, XF_MPFX | XF_NOTIMPL),
    [0x10] = R2(MOVUPS, MP | XF_VEX, V, W), R2(MOVUPS, MP | XF_VEX, W, V),
    [0x12] = GRP(XG_0F12, XF_MPFX | XF_VEX),
    [0x13] = R2(MOVLPS, MP | XF_VEX | L0, Mq, V),
    [0x14] = PS3(UNPCKLPS), PS3(UNPCKHPS),
    [0x16] = GRP(XG_0F16, XF_MPFX | XF_VEX),
    [0x17] = R2(MOVHPS, MP | XF_VEX | L0, Mq, V),
    [0x18] = GRP(XG_16, 0),
    [0x19] = R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
    [0x1b] = R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
    [0x1d] = R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MP, Ev), R1(NOP, MR, Ev),
    /* MOV to/from CRn/DRn ignore ModRM.mod: always a register form. */
    [0x20] = R2(MOV, MR | XF_MODREG | XF_F64, Ry, Cy),
    [0x21] = R2(MOV, MR | XF_MODREG | XF_F64, Ry, Dy),
    [0x22] = R2(MOV, MR | XF_MODREG | XF_F64, Cy, Ry),
    [0x23] = R2(MOV, MR | XF_MODREG | XF_F64, Dy, Ry),
    [0x28] = R2(MOVAPS, MP | XF_VEX, V, W), R2(MOVAPS, MP | XF_VEX, W, V),
    [0x2a] = R2(CVTPI2PS, MP, V, Q), R2(MOVNTPS, MP | XF_VEX, Mx, V),
    [0x2c] = R2(CVTTPS2PI, MP, P, Wq), R2(CVTPS2PI, MP, P, Wq),
    [0x2e] = R2(UCOMISS, MP | XF_VEX, V, Wd), R2(COMISS, MP | XF_VEX, V, Wd),
    [0x30] = R0(WRMSR, 0), R0(RDTSC, 0), R0(RDMSR, 0), R0(RDPMC, 0),
    [0x34] = R0(SYSENTER, 0), R0(SYSEXIT, 0),
    [0x37] = R0(GETSEC, 0),
    [0x40] = X16(R2(CMOVCC, MR, Gv, Ev)),
    [0x50] = R2(MOVMSKPS, MP | XF_VEX, Gy, U), R2(SQRTPS, MP | XF_VEX, V, W),
    [0x52] = R2(RSQRTPS, MP | XF_VEX, V, W), R2(RCPPS, MP | XF_VEX, V, W),
    [0x54] = PS3(ANDPS), PS3(ANDNPS), PS3(ORPS), PS3(XORPS),
    [0x58] = PS3(ADDPS), PS3(MULPS),
    [0x5a] = R2(CVTPS2PD, MP | XF_VEX, V, Wq),
    [0x5b] = R2(CVTDQ2PS, MP | XF_VEX, V, W),
    [0x5c] = PS3(SUBPS), PS3(MINPS), PS3(DIVPS), PS3(MAXPS),
    [0x60] = MMX(PUNPCKLBW), MMX(PUNPCKLWD), MMX(PUNPCKLDQ), MMX(PACKSSWB),
    [0x64] = MMX(PCMPGTB), MMX(PCMPGTW), MMX(PCMPGTD), MMX(PACKUSWB),
    [0x68] = MMX(PUNPCKHBW), MMX(PUNPCKHWD), MMX(PUNPCKHDQ), MMX(PACKSSDW),
    [0x6c] = R0(UD, MP), R0(UD, MP),
    [0x6e] = R2(MOVD, MP, P, Ey), R2(MOVQ, MP, P, Q),
    [0x70] = R3(PSHUFW, MP, P, Q, Ib),
    [0x71] = GRP(XG_12, XF_MPFX), GRP(XG_13, XF_MPFX), GRP(XG_14, XF_MPFX),
    [0x74] = MMX(PCMPEQB), MMX(PCMPEQW), MMX(PCMPEQD),
    [0x77] = R0(EMMS, XF_MPFX),    /* 66/F2/F3: #UD (host CPU) */
    [0x78] = R2(VMREAD, MP | XF_F64, Ey, Gy), R2(VMWRITE, MP | XF_F64, Gy, Ey),
    [0x7c] = R0(UD, MP), R0(UD, MP),
    [0x7e] = R2(MOVD, MP, Ey, P), R2(MOVQ, MP, Q, P),
    [0x80] = X16(R1(JCC, XF_D64, Jz)),
    [0x90] = X16(R1(SETCC, MR, Eb)),
    [0xa0] = R1(PUSH, XF_D64, FS), R1(POP, XF_D64, FS), R0(CPUID, 0),
    [0xa3] = R2(BT, MR, Ev, Gv),
    [0xa4] = R3(SHLD, MR, Ev, Gv, Ib), R3(SHLD, MR, Ev, Gv, CL),
    [0xa8] = R1(PUSH, XF_D64, GS), R1(POP, XF_D64, GS), R0(RSM, 0),
    [0xab] = R2(BTS, LK, Ev, Gv),
    [0xac] = R3(SHRD, MR, Ev, Gv, Ib), R3(SHRD, MR, Ev, Gv, CL),
    [0xae] = GRP(XG_15, XF_MPFX),
    [0xaf] = R2(IMUL, MR, Gv, Ev),
    [0xb0] = R2(CMPXCHG, LK, Eb, Gb), R2(CMPXCHG, LK, Ev, Gv),
    [0xb2] = R2(LSS, MR, Gv, Mp), R2(BTR, LK, Ev, Gv),
    [0xb4] = R2(LFS, MR, Gv, Mp), R2(LGS, MR, Gv, Mp),
    [0xb6] = R2(MOVZX, MR, Gv, Eb), R2(MOVZX, MR, Gv, Ew),
    [0xb8] = R0(UD, MP), R0(UD1, 0), GRP(XG_8, 0),
    [0xbb] = R2(BTC, LK, Ev, Gv),
    [0xbc] = R2(BSF, MP, Gv, Ev), R2(BSR, MP, Gv, Ev),
    [0xbe] = R2(MOVSX, MR, Gv, Eb), R2(MOVSX, MR, Gv, Ew),
    [0xc0] = R2(XADD, LK, Eb, Gb), R2(XADD, LK, Ev, Gv),
    [0xc2] = R4(CMPPS, MP | XF_VEX, V, H, W, Ib),
    [0xc3] = R2(MOVNTI, MP, M, Gy),
    [0xc4] = R3(PINSRW, MP, P, Ew, Ib), R3(PEXTRW, MP, Gd, N, Ib),
    [0xc6] = R4(SHUFPS, MP | XF_VEX, V, H, W, Ib),
    [0xc7] = GRP(XG_9, XF_MPFX),
    [0xc8] = X8(R1(BSWAP, 0, Zv)),
    [0xd0] = R0(UD, MP), SHIFT_MMX(PSRLW), SHIFT_MMX(PSRLD),
    [0xd3] = SHIFT_MMX(PSRLQ), MMX(PADDQ), MMX(PMULLW), R0(UD, MP),
    [0xd7] = R2(PMOVMSKB, MP, Gd, N),
    [0xd8] = MMX(PSUBUSB), MMX(PSUBUSW), MMX(PMINUB), MMX(PAND),
    [0xdc] = MMX(PADDUSB), MMX(PADDUSW), MMX(PMAXUB), MMX(PANDN),
    [0xe0] = MMX(PAVGB), SHIFT_MMX(PSRAW), SHIFT_MMX(PSRAD), MMX(PAVGW),
    [0xe4] = MMX(PMULHUW), MMX(PMULHW), R0(UD, MP),
    [0xe7] = R2(MOVNTQ, MP, Mq, P),
    [0xe8] = MMX(PSUBSB), MMX(PSUBSW), MMX(PMINSW), MMX(POR),
    [0xec] = MMX(PADDSB), MMX(PADDSW), MMX(PMAXSW), MMX(PXOR),
    [0xf0] = R0(UD, MP), SHIFT_MMX(PSLLW), SHIFT_MMX(PSLLD),
    [0xf3] = SHIFT_MMX(PSLLQ), MMX(PMULUDQ), MMX(PMADDWD), MMX(PSADBW),
    [0xf7] = R2(MASKMOVQ, MP, P, N),
    [0xf8] = MMX(PSUBB), MMX(PSUBW), MMX(PSUBD), MMX(PSUBQ),
    [0xfc] = MMX(PADDB), MMX(PADDW), MMX(PADDD), R0(UD0, 0),
};

static const X86OpRow map_66[256] = {
    [0x10] = R2(MOVUPD, VX, V, W), R2(MOVUPD, VX, W, V),
    [0x12] = R3(MOVLPD, VX | L0, V, H, Mq), R2(MOVLPD, VX | L0, Mq, V),
    [0x14] = PD3(UNPCKLPD), PD3(UNPCKHPD),
    [0x16] = R3(MOVHPD, VX | L0, V, H, Mq), R2(MOVHPD, VX | L0, Mq, V),
    [0x1e] = R1(HINT_NOP, MR, Ev),
    [0x28] = R2(MOVAPD, VX, V, W), R2(MOVAPD, VX, W, V),
    [0x2a] = R2(CVTPI2PD, MR, V, Q), R2(MOVNTPD, VX, Mx, V),
    [0x2c] = R2(CVTTPD2PI, MR, P, W), R2(CVTPD2PI, MR, P, W),
    [0x2e] = R2(UCOMISD, VX, V, Wq), R2(COMISD, VX, V, Wq),
    [0x50] = R2(MOVMSKPD, VX, Gy, U), R2(SQRTPD, VX, V, W),
    [0x54] = PD3(ANDPD), PD3(ANDNPD), PD3(ORPD), PD3(XORPD),
    [0x58] = PD3(ADDPD), PD3(MULPD),
    [0x5a] = R2(CVTPD2PS, VX, V, W), R2(CVTPS2DQ, VX, V, W),
    [0x5c] = PD3(SUBPD), PD3(MINPD), PD3(DIVPD), PD3(MAXPD),
    [0x60] = XMM(PUNPCKLBW), XMM(PUNPCKLWD), XMM(PUNPCKLDQ), XMM(PACKSSWB),
    [0x64] = XMM(PCMPGTB), XMM(PCMPGTW), XMM(PCMPGTD), XMM(PACKUSWB),
    [0x68] = XMM(PUNPCKHBW), XMM(PUNPCKHWD), XMM(PUNPCKHDQ), XMM(PACKSSDW),
    [0x6c] = XMM(PUNPCKLQDQ), XMM(PUNPCKHQDQ),
    [0x6e] = R2(MOVD, VX | L0, V, Ey), R2(MOVDQA, VX, V, W),
    [0x70] = R3(PSHUFD, VX, V, W, Ib),
    [0x71] = GRP(XG_12_66, XF_VEX), GRP(XG_13_66, XF_VEX),
    [0x73] = GRP(XG_14_66, XF_VEX),
    [0x74] = XMM(PCMPEQB), XMM(PCMPEQW), XMM(PCMPEQD),
    [0x78] = GRP(XG_EXTRQ, 0), R2(EXTRQ, MR, V, U),
    [0x7c] = PD3(HADDPD), PD3(HSUBPD),
    [0x7e] = R2(MOVD, VX | L0, Ey, V), R2(MOVDQA, VX, W, V),
    [0xae] = GRP(XG_15_66, 0),
    [0xbc] = R2(BSF, MR | XF_OSZ66, Gv, Ev), R2(BSR, MR | XF_OSZ66, Gv, Ev),
    [0xc2] = R4(CMPPD, VX, V, H, W, Ib),
    [0xc4] = R4(PINSRW, VX | L0, V, H, Ew, Ib), R3(PEXTRW, VX | L0, Gd, U, Ib),
    [0xc6] = R4(SHUFPD, VX, V, H, W, Ib),
    [0xc7] = GRP(XG_9_66, 0),
    [0xd0] = PD3(ADDSUBPD), XMM(PSRLW), XMM(PSRLD), XMM(PSRLQ),
    [0xd4] = XMM(PADDQ), XMM(PMULLW), R2(MOVQ, VX | L0, Wq, V),
    [0xd7] = R2(PMOVMSKB, VX, Gd, U),
    [0xd8] = XMM(PSUBUSB), XMM(PSUBUSW), XMM(PMINUB), XMM(PAND),
    [0xdc] = XMM(PADDUSB), XMM(PADDUSW), XMM(PMAXUB), XMM(PANDN),
    [0xe0] = XMM(PAVGB), XMM(PSRAW), XMM(PSRAD), XMM(PAVGW),
    [0xe4] = XMM(PMULHUW), XMM(PMULHW), R2(CVTTPD2DQ, VX, V, W),
    [0xe7] = R2(MOVNTDQ, VX, Mx, V),
    [0xe8] = XMM(PSUBSB), XMM(PSUBSW), XMM(PMINSW), XMM(POR),
    [0xec] = XMM(PADDSB), XMM(PADDSW), XMM(PMAXSW), XMM(PXOR),
    [0xf1] = XMM(PSLLW), XMM(PSLLD), XMM(PSLLQ),
    [0xf4] = XMM(PMULUDQ), XMM(PMADDWD), XMM(PSADBW),
    [0xf7] = R2(MASKMOVDQU, VX | L0, V, U),
    [0xf8] = XMM(PSUBB), XMM(PSUBW), XMM(PSUBD), XMM(PSUBQ),
    [0xfc] = XMM(PADDB), XMM(PADDW), XMM(PADDD),
};

static const X86OpRow map_f3[256] = {
    [0x10] = R3(MOVSS, VX | XF_HREG, V, H, Wd),
    [0x11] = R3(MOVSS, VX | XF_HREG, Wd, H, V),
    [0x12] = R2(MOVSLDUP, VX, V, W),
    [0x16] = R2(MOVSHDUP, VX, V, W),
    [0x1e] = GRP(XG_1E_F3, 0),
    [0x2a] = R3(CVTSI2SS, VX, V, H, Ey), R2(MOVNTSS, MR, Md, V),
    [0x2c] = R2(CVTTSS2SI, VX, Gy, Wd), R2(CVTSS2SI, VX, Gy, Wd),
    [0x51] = SS3(SQRTSS), SS3(RSQRTSS), SS3(RCPSS),
    [0x58] = SS3(ADDSS), SS3(MULSS), SS3(CVTSS2SD),
    [0x5b] = R2(CVTTPS2DQ, VX, V, W),
    [0x5c] = SS3(SUBSS), SS3(MINSS), SS3(DIVSS), SS3(MAXSS),
    [0x6f] = R2(MOVDQU, VX, V, W),
    [0x70] = R3(PSHUFHW, VX, V, W, Ib),
    [0x7e] = R2(MOVQ, VX | L0, V, Wq), R2(MOVDQU, VX, W, V),
    [0xae] = GRP(XG_15_F3, 0),
    [0xb8] = R2(POPCNT, MR, Gv, Ev),
    [0xbc] = R2(TZCNT, MR, Gv, Ev), R2(LZCNT, MR, Gv, Ev),
    [0xc2] = R4(CMPSS, VX, V, H, Wd, Ib),
    [0xc7] = GRP(XG_9_F3, 0),
    [0xd6] = R2(MOVQ2DQ, MR, V, N),
    [0xe6] = R2(CVTDQ2PD, VX, V, Wq),
};

static const X86OpRow map_f2[256] = {
    [0x10] = R3(MOVSD, VX | XF_HREG, V, H, Wq),
    [0x11] = R3(MOVSD, VX | XF_HREG, Wq, H, V),
    [0x12] = R2(MOVDDUP, VX, V, Wq),
    [0x1e] = R1(HINT_NOP, MR, Ev),
    [0x2a] = R3(CVTSI2SD, VX, V, H, Ey), R2(MOVNTSD, MR, Mq, V),
    [0x2c] = R2(CVTTSD2SI, VX, Gy, Wq), R2(CVTSD2SI, VX, Gy, Wq),
    [0x51] = SD3(SQRTSD),
    [0x58] = SD3(ADDSD), SD3(MULSD), SD3(CVTSD2SS),
    [0x5c] = SD3(SUBSD), SD3(MINSD), SD3(DIVSD), SD3(MAXSD),
    [0x70] = R3(PSHUFLW, VX, V, W, Ib),
    [0x78] = R4(INSERTQ, MR, V, U, Ib, Ib), R2(INSERTQ, MR, V, U),
    [0x7c] = R3(HADDPS, VX, V, H, W), R3(HSUBPS, VX, V, H, W),
    [0xae] = GRP(XG_15_F2, 0),
    [0xbc] = R2(BSF, MR, Gv, Ev), R2(BSR, MR, Gv, Ev),
    [0xc2] = R4(CMPSD, VX, V, H, Wq, Ib),
    [0xc7] = GRP(XG_9_F2, 0),
    [0xd0] = R3(ADDSUBPS, VX, V, H, W),
    [0xd6] = R2(MOVDQ2Q, MR, P, U),
    [0xe6] = R2(CVTPD2DQ, VX, V, W),
    [0xf0] = R2(LDDQU, VX, V, M),
};

/* Indexed by prefix class: the order of X86_PC_* matters. */
const X86OpRow *const x86_map_0f[4] = { map_none, map_66, map_f3, map_f2 };

#define SHIFTG(a, b, c)                                                    \
    { .reg = { [2] = a, [4] = b, [6] = c } }

const X86Group x86_groups_0f[XG_17 - XG_6] = {
    [XG_6 - XG_6] = {
        .mem = { R1(SLDT, MR, Mw), R1(STR, MR, Mw), R1(LLDT, MR, Ew),
                 R1(LTR, MR, Ew), R1(VERR, MR, Ew), R1(VERW, MR, Ew) },
        .reg = { R1(SLDT, MR, Rv), R1(STR, MR, Rv), R1(LLDT, MR, Ew),
                 R1(LTR, MR, Ew), R1(VERR, MR, Ew), R1(VERW, MR, Ew) },
    },
    [XG_7 - XG_6] = {
        .mem = { R1(SGDT, MR, Ms), R1(SIDT, MR, Ms), R1(LGDT, MR, Ms),
                 R1(LIDT, MR, Ms), R1(SMSW, MR, Mw), UNDEF_M,
                 R1(LMSW, MR, Ew), R1(INVLPG, MR, Mb) },
        .reg = { RMT(XR_01_0, 0), RMT(XR_01_1, 0), RMT(XR_01_2, 0),
                 RMT(XR_01_3, 0), R1(SMSW, MR, Rv), RMT(XR_01_5, 0),
                 R1(LMSW, MR, Ew), RMT(XR_01_7, 0) },
    },
    [XG_8 - XG_6] = {
        .mem = { [4] = R2(BT, MR, Ev, Ib), R2(BTS, LK, Ev, Ib),
                 R2(BTR, LK, Ev, Ib), R2(BTC, LK, Ev, Ib) },
        .reg = { [4] = R2(BT, MR, Ev, Ib), R2(BTS, LK, Ev, Ib),
                 R2(BTR, LK, Ev, Ib), R2(BTC, LK, Ev, Ib) },
    },
    /* CMPXCHG8B becomes CMPXCHG16B with REX.W (decode.c). */
    [XG_9 - XG_6] = {
        .mem = { [1] = R1(CMPXCHG8B, LK, Mq), [3] = R1(XRSTORS, MR, M),
                 R1(XSAVEC, MR, M), R1(XSAVES, MR, M), R1(VMPTRLD, MR, Mq),
                 R1(VMPTRST, MR, Mq) },
        .reg = { [6] = R1(RDRAND, MR, Rv), R1(RDSEED, MR, Rv) },
    },
    /* With 66/F3 only these remain (66 is then an operand size); the
       XSAVE forms are #UD (host CPU). */
    [XG_9_66 - XG_6] = {
        .mem = { [1] = R1(CMPXCHG8B, LK, Mq), [6] = R1(VMCLEAR, MR, Mq) },
        .reg = { [6] = R1(RDRAND, MR, Rv), R1(RDSEED, MR, Rv) },
    },
    [XG_9_F3 - XG_6] = {
        .mem = { [1] = R1(CMPXCHG8B, LK, Mq), [6] = R1(VMXON, MR, Mq) },
        .reg = { [7] = R1(RDPID, MR | XF_F64, Ry) },
    },
    /* F2 0F C7: only CMPXCHG8B (XACQUIRE); RDRAND etc. are #UD. */
    [XG_9_F2 - XG_6] = { .mem = { [1] = R1(CMPXCHG8B, LK, Mq) } },
    [XG_12 - XG_6] = SHIFTG(R2(PSRLW, MR, N, Ib), R2(PSRAW, MR, N, Ib),
                            R2(PSLLW, MR, N, Ib)),
    [XG_12_66 - XG_6] = SHIFTG(R3(PSRLW, VX, H, U, Ib),
                               R3(PSRAW, VX, H, U, Ib),
                               R3(PSLLW, VX, H, U, Ib)),
    [XG_13 - XG_6] = SHIFTG(R2(PSRLD, MR, N, Ib), R2(PSRAD, MR, N, Ib),
                            R2(PSLLD, MR, N, Ib)),
    [XG_13_66 - XG_6] = SHIFTG(R3(PSRLD, VX, H, U, Ib),
                               R3(PSRAD, VX, H, U, Ib),
                               R3(PSLLD, VX, H, U, Ib)),
    [XG_14 - XG_6] = { .reg = { [2] = R2(PSRLQ, MR, N, Ib),
                                [6] = R2(PSLLQ, MR, N, Ib) } },
    [XG_14_66 - XG_6] = { .reg = { [2] = R3(PSRLQ, VX, H, U, Ib),
                                   R3(PSRLDQ, VX, H, U, Ib),
                                   [6] = R3(PSLLQ, VX, H, U, Ib),
                                   R3(PSLLDQ, VX, H, U, Ib) } },
    /* 0F AE is prefix-strict on the host CPU: FXSAVE..CLFLUSH and the
       fences are #UD with 66/F3/F2, which select other instructions. */
    [XG_15 - XG_6] = {
        .mem = { R1(FXSAVE, MR, M), R1(FXRSTOR, MR, M),
                 R1(LDMXCSR, MR | XF_VEX | L0, Md),
                 R1(STMXCSR, MR | XF_VEX | L0, Md), R1(XSAVE, MR, M),
                 R1(XRSTOR, MR, M), R1(XSAVEOPT, MR, M), R1(CLFLUSH, MR, Mb) },
        .reg = { [5] = R0(LFENCE, MR), R0(MFENCE, MR), R0(SFENCE, MR) },
    },
    [XG_15_66 - XG_6] = {
        .mem = { [6] = R1(CLWB, MR, Mb), R1(CLFLUSHOPT, MR, Mb) },
        .reg = { [6] = R1(TPAUSE, MR, Ry) },
    },
    [XG_15_F3 - XG_6] = {
        .mem = { [4] = R1(PTWRITE, MR, Ey) },
        .reg = { R1(RDFSBASE, MR | XF_O64, Ry), R1(RDGSBASE, MR | XF_O64, Ry),
                 R1(WRFSBASE, MR | XF_O64, Ry), R1(WRGSBASE, MR | XF_O64, Ry),
                 R1(PTWRITE, MR, Ey), R1(INCSSP, MR, Ry),
                 R1(UMONITOR, MR, Rv) },
    },
    [XG_15_F2 - XG_6] = { .reg = { [6] = R1(UMWAIT, MR, Ry) } },
    [XG_16 - XG_6] = {
        .mem = { R1(PREFETCHNTA, MR, Mb), R1(PREFETCHT0, MR, Mb),
                 R1(PREFETCHT1, MR, Mb), R1(PREFETCHT2, MR, Mb),
                 R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
                 R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev) },
        .reg = { X8(R1(HINT_NOP, MR, Ev)) },
    },
    /* 0F 0D: AMD PREFETCH/PREFETCHW; the other reg values alias PREFETCH.
       The register form is #UD (checked on the host CPU). */
    [XG_P - XG_6] = {
        .mem = { R1(PREFETCH, MR, Mb), R1(PREFETCHW, MR, Mb),
                 R1(PREFETCH, MR, Mb), R1(PREFETCH, MR, Mb),
                 R1(PREFETCH, MR, Mb), R1(PREFETCH, MR, Mb),
                 R1(PREFETCH, MR, Mb), R1(PREFETCH, MR, Mb) },
    },
    [XG_1E_F3 - XG_6] = {
        .mem = { X8(R1(HINT_NOP, MR, Ev)) },
        .reg = { R1(HINT_NOP, MR, Ev), R1(RDSSP, MR, Ry),
                 R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
                 R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
                 R1(HINT_NOP, MR, Ev), RMT(XR_1E_7, 0) },
    },
    /* EXTRQ ignores ModRM.reg (the CPU runs 66 0F 78 /r for any reg). */
    [XG_EXTRQ - XG_6] = { .reg = { X8(R3(EXTRQ, MR, U, Ib, Ib)) } },
    /* 0F 12 / 0F 16 without prefix: the register form is another insn. */
    [XG_0F12 - XG_6] = { .mem = { X8(R3(MOVLPS, VX | L0, V, H, Mq)) },
                         .reg = { X8(R3(MOVHLPS, VX | L0, V, H, U)) } },
    [XG_0F16 - XG_6] = { .mem = { X8(R3(MOVHPS, VX | L0, V, H, Mq)) },
                         .reg = { X8(R3(MOVLHPS, VX | L0, V, H, U)) } },
};

const X86OpRow x86_rmtabs_0f[XR_D9_2][8] = {
#define NP (MR | XF_NOPFX)
    [XR_01_0] = { [1] = R0(VMCALL, NP), R0(VMLAUNCH, NP), R0(VMRESUME, NP),
                  R0(VMXOFF, NP) },
    [XR_01_1] = { R0(MONITOR, NP), R0(MWAIT, NP), R0(CLAC, NP), R0(STAC, NP),
                  [7] = R0(ENCLS, NP) },
    [XR_01_2] = { R0(XGETBV, NP), R0(XSETBV, NP), [4] = R0(VMFUNC, NP),
                  R0(XEND, NP), R0(XTEST, NP), R0(ENCLU, NP) },
    /* SVM ignores 66/F2/F3 (host CPU); the other 0F 01 forms do not. */
    [XR_01_3] = { R0(VMRUN, MR), R0(VMMCALL, MR), R0(VMLOAD, MR),
                  R0(VMSAVE, MR), R0(STGI, MR), R0(CLGI, MR),
                  R0(SKINIT, MR), R0(INVLPGA, MR) },
    [XR_01_5] = { R0(SERIALIZE, NP), [6] = R0(RDPKRU, NP), R0(WRPKRU, NP) },
    [XR_01_7] = { R0(SWAPGS, MR | XF_O64), R0(RDTSCP, MR),
                  R0(MONITORX, NP), R0(MWAITX, NP), R0(CLZERO, MR),
                  R0(RDPRU, NP), R0(INVLPGB, MR), R0(TLBSYNC, MR) },
    [XR_1E_7] = { R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev), R0(ENDBR64, MR),
                  R0(ENDBR32, MR), R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev),
                  R1(HINT_NOP, MR, Ev), R1(HINT_NOP, MR, Ev) },
};
