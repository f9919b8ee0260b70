/*
 * opcodes-0f38.c — the three-byte maps 0F 38 and 0F 3A, one table per
 * prefix class, including the VEX-only rows (AVX/AVX2, FMA, F16C, BMI) that
 * share the opcode space with VEX maps 2 and 3. Every 0F38 row has a ModRM
 * byte; every 0F3A row also has an imm8 (Ib, or L for the is4 register).
 * Source: Intel SDM vol. 2, appendix A, tables.
 */
#include "frontend-x86/opcodes.h"

#define VX (MR | XF_VEX)
#define VO (MR | XF_VEXONLY)
#define MMX(o) R2(o, MR, P, Q)
#define XMM(o) R3(o, VX, V, H, W)
#define XMM2(o) R2(o, VX, V, W)
#define FMA3(b)                                                             \
    [b + 0x6] = R3(VFMADDSUBP, VO, V, H, W), R3(VFMSUBADDP, VO, V, H, W),   \
    R3(VFMADDP, VO, V, H, W), R3(VFMADDS, VO, V, H, W),                     \
    R3(VFMSUBP, VO, V, H, W), R3(VFMSUBS, VO, V, H, W),                     \
    R3(VFNMADDP, VO, V, H, W), R3(VFNMADDS, VO, V, H, W),                   \
    R3(VFNMSUBP, VO, V, H, W), R3(VFNMSUBS, VO, V, H, W)

static const X86OpRow m38_none[256] = {
    [0x00] = MMX(PSHUFB), MMX(PHADDW), MMX(PHADDD), MMX(PHADDSW),
    [0x04] = MMX(PMADDUBSW), MMX(PHSUBW), MMX(PHSUBD), MMX(PHSUBSW),
    [0x08] = MMX(PSIGNB), MMX(PSIGNW), MMX(PSIGND), MMX(PMULHRSW),
    [0x1c] = MMX(PABSB), MMX(PABSW), MMX(PABSD),
    [0xc8] = R2(SHA1NEXTE, MR, V, W), R2(SHA1MSG1, MR, V, W),
    [0xca] = R2(SHA1MSG2, MR, V, W), R2(SHA256RNDS2, MR, V, W),
    [0xcc] = R2(SHA256MSG1, MR, V, W), R2(SHA256MSG2, MR, V, W),
    [0xf0] = R2(MOVBE, MR, Gv, M), R2(MOVBE, MR, M, Gv),
    [0xf2] = R3(ANDN, VO | L0, Gy, By, Ey), GRP(XG_17, XF_VEXONLY | L0),
    [0xf5] = R3(BZHI, VO | L0, Gy, Ey, By), R2(WRSS, MR, M, Gy),
    [0xf7] = R3(BEXTR, VO | L0, Gy, Ey, By),
    [0xf9] = R2(MOVDIRI, MR, M, Gy),
};

static const X86OpRow m38_66[256] = {
    [0x00] = XMM(PSHUFB), XMM(PHADDW), XMM(PHADDD), XMM(PHADDSW),
    [0x04] = XMM(PMADDUBSW), XMM(PHSUBW), XMM(PHSUBD), XMM(PHSUBSW),
    [0x08] = XMM(PSIGNB), XMM(PSIGNW), XMM(PSIGND), XMM(PMULHRSW),
    [0x0c] = R3(VPERMILPS, VO, V, H, W), R3(VPERMILPD, VO, V, H, W),
    [0x0e] = R2(VTESTPS, VO, V, W), R2(VTESTPD, VO, V, W),
    [0x10] = R2(PBLENDVB, MR, V, W),
    [0x13] = R2(VCVTPH2PS, VO, V, W),
    [0x14] = R2(BLENDVPS, MR, V, W), R2(BLENDVPD, MR, V, W),
    [0x16] = R3(VPERMPS, VO | L1, V, H, W), XMM2(PTEST),
    [0x18] = R2(VBROADCASTSS, VO, V, Wd), R2(VBROADCASTSD, VO | L1, V, Wq),
    [0x1a] = R2(VBROADCASTF128, VO | L1, V, Mdq),
    [0x1c] = XMM2(PABSB), XMM2(PABSW), XMM2(PABSD),
    [0x20] = XMM2(PMOVSXBW), XMM2(PMOVSXBD), XMM2(PMOVSXBQ),
    [0x23] = XMM2(PMOVSXWD), XMM2(PMOVSXWQ), XMM2(PMOVSXDQ),
    [0x28] = XMM(PMULDQ), XMM(PCMPEQQ), R2(MOVNTDQA, VX, V, Mx),
    [0x2b] = XMM(PACKUSDW),
    [0x2c] = R3(VMASKMOVPS, VO, V, H, Mx), R3(VMASKMOVPD, VO, V, H, Mx),
    [0x2e] = R3(VMASKMOVPS, VO, Mx, H, V), R3(VMASKMOVPD, VO, Mx, H, V),
    [0x30] = XMM2(PMOVZXBW), XMM2(PMOVZXBD), XMM2(PMOVZXBQ),
    [0x33] = XMM2(PMOVZXWD), XMM2(PMOVZXWQ), XMM2(PMOVZXDQ),
    [0x36] = R3(VPERMD, VO | L1, V, H, W), XMM(PCMPGTQ),
    [0x38] = XMM(PMINSB), XMM(PMINSD), XMM(PMINUW), XMM(PMINUD),
    [0x3c] = XMM(PMAXSB), XMM(PMAXSD), XMM(PMAXUW), XMM(PMAXUD),
    [0x40] = XMM(PMULLD), R2(PHMINPOSUW, VX | L0, V, W),
    [0x45] = R3(VPSRLV, VO, V, H, W), R3(VPSRAVD, VO, V, H, W),
    [0x47] = R3(VPSLLV, VO, V, H, W),
    [0x58] = R2(VPBROADCASTD, VO, V, Wd), R2(VPBROADCASTQ, VO, V, Wq),
    [0x5a] = R2(VBROADCASTI128, VO | L1, V, Mdq),
    [0x78] = R2(VPBROADCASTB, VO, V, W), R2(VPBROADCASTW, VO, V, W),
    [0x80] = R2(INVEPT, MR | XF_F64, Gy, Mdq),
    [0x81] = R2(INVVPID, MR | XF_F64, Gy, Mdq),
    [0x82] = R2(INVPCID, MR | XF_F64, Gy, Mdq),
    [0x8c] = R3(VPMASKMOV, VO, V, H, Mx),
    [0x8e] = R3(VPMASKMOV, VO, Mx, H, V),
    /* Gathers: the memory operand uses a vector index (VSIB). */
    [0x90] = R3(VPGATHERD, VO, V, Mx, H), R3(VPGATHERQ, VO, V, Mx, H),
    [0x92] = R3(VGATHERDP, VO, V, Mx, H), R3(VGATHERQP, VO, V, Mx, H),
    FMA3(0x90), FMA3(0xa0), FMA3(0xb0),
    [0xcf] = XMM(GF2P8MULB),
    [0xdb] = R2(AESIMC, VX | L0, V, W), XMM(AESENC), XMM(AESENCLAST), XMM(AESDEC),
    [0xdf] = XMM(AESDECLAST),
    [0xf0] = R2(MOVBE, MR | XF_OSZ66, Gv, M),
    [0xf1] = R2(MOVBE, MR | XF_OSZ66, M, Gv),
    [0xf5] = R2(WRUSS, MR, M, Gy),
    [0xf6] = R2(ADCX, MR, Gy, Ey), R3(SHLX, VO | L0, Gy, Ey, By),
    [0xf8] = R2(MOVDIR64B, MR, Gv, M),
};

static const X86OpRow m38_f3[256] = {
    [0xf5] = R3(PEXT, VO | L0, Gy, By, Ey),
    [0xf6] = R2(ADOX, MR, Gy, Ey), R3(SARX, VO | L0, Gy, Ey, By),
    [0xf8] = R2(ENQCMDS, MR, Gv, M),
};

static const X86OpRow m38_f2[256] = {
    [0xf0] = R2(CRC32, MR | XF_OSZ66, Gd, Eb),
    [0xf1] = R2(CRC32, MR | XF_OSZ66, Gd, Ev),
    [0xf5] = R3(PDEP, VO | L0, Gy, By, Ey),
    [0xf6] = R3(MULX, VO | L0, Gy, By, Ey), R3(SHRX, VO | L0, Gy, Ey, By),
    [0xf8] = R2(ENQCMD, MR, Gv, M),
};

const X86OpRow *const x86_map_0f38[4] = { m38_none, m38_66, m38_f3, m38_f2 };

const X86Group x86_groups_0f38[XG__COUNT - XG_17] = {
    [XG_17 - XG_17] = {
        .mem = { [1] = R2(BLSR, VO | L0, By, Ey), R2(BLSMSK, VO | L0, By, Ey),
                 R2(BLSI, VO | L0, By, Ey) },
        .reg = { [1] = R2(BLSR, VO | L0, By, Ey), R2(BLSMSK, VO | L0, By, Ey),
                 R2(BLSI, VO | L0, By, Ey) },
    },
};

/* 0F 3A ------------------------------------------------------------------ */

#define XMMI(o) R4(o, VX, V, H, W, Ib)

static const X86OpRow m3a_none[256] = {
    [0x0f] = R3(PALIGNR, MR, P, Q, Ib),
    [0xcc] = R3(SHA1RNDS4, MR, V, W, Ib),
};

static const X86OpRow m3a_66[256] = {
    [0x00] = R3(VPERMQ, VO | L1, V, W, Ib), R3(VPERMPD, VO | L1, V, W, Ib),
    [0x02] = R4(VPBLENDD, VO, V, H, W, Ib),
    [0x04] = R3(VPERMILPS, VO, V, W, Ib), R3(VPERMILPD, VO, V, W, Ib),
    [0x06] = R4(VPERM2F128, VO | L1, V, H, W, Ib),
    [0x08] = R3(ROUNDPS, VX, V, W, Ib), R3(ROUNDPD, VX, V, W, Ib),
    [0x0a] = R4(ROUNDSS, VX, V, H, Wd, Ib), R4(ROUNDSD, VX, V, H, Wq, Ib),
    [0x0c] = XMMI(BLENDPS), XMMI(BLENDPD), XMMI(PBLENDW), XMMI(PALIGNR),
    [0x14] = R3(PEXTRB, VX | L0, Ed, V, Ib), R3(PEXTRW, VX | L0, Ed, V, Ib),
    [0x16] = R3(PEXTRD, VX | L0, Ey, V, Ib), R3(EXTRACTPS, VX | L0, Ed, V, Ib),
    [0x18] = R4(VINSERTF128, VO | L1, V, H, W, Ib),
    [0x19] = R3(VEXTRACTF128, VO | L1, W, V, Ib),
    [0x1d] = R3(VCVTPS2PH, VO, W, V, Ib),
    [0x20] = R4(PINSRB, VX | L0, V, H, Ed, Ib),
    [0x21] = R4(INSERTPS, VX | L0, V, H, Wd, Ib),
    [0x22] = R4(PINSRD, VX | L0, V, H, Ey, Ib),
    [0x38] = R4(VINSERTI128, VO | L1, V, H, W, Ib),
    [0x39] = R3(VEXTRACTI128, VO | L1, W, V, Ib),
    [0x40] = XMMI(DPPS), XMMI(DPPD), XMMI(MPSADBW),
    [0x44] = XMMI(PCLMULQDQ),
    [0x46] = R4(VPERM2I128, VO | L1, V, H, W, Ib),
    [0x4a] = R4(BLENDVPS, VO, V, H, W, L), R4(BLENDVPD, VO, V, H, W, L),
    [0x4c] = R4(PBLENDVB, VO, V, H, W, L),
    [0x60] = R3(PCMPESTRM, VX | L0, V, W, Ib), R3(PCMPESTRI, VX | L0, V, W, Ib),
    [0x62] = R3(PCMPISTRM, VX | L0, V, W, Ib), R3(PCMPISTRI, VX | L0, V, W, Ib),
    [0xce] = XMMI(GF2P8AFFINEQB), XMMI(GF2P8AFFINEINVQB),
    [0xdf] = R3(AESKEYGENASSIST, VX | L0, V, W, Ib),
};

static const X86OpRow m3a_f3[256] = { [0] = R0(UD, 0) };

static const X86OpRow m3a_f2[256] = {
    [0xf0] = R3(RORX, VO | L0, Gy, Ey, Ib),
};

const X86OpRow *const x86_map_0f3a[4] = { m3a_none, m3a_66, m3a_f3, m3a_f2 };
