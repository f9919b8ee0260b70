/*
 * test-decode.c — Check unit tests for x86_decode(): hand-written
 * encodings whose length and fields come from the Intel SDM (and, where
 * the vendors differ, the host CPU), covering prefixes, REX/VEX fields,
 * ModRM/SIB, 16-bit addressing, immediates, invalid and truncated input.
 */
#include "frontend-x86/decode.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Decode hex text ("48 8b 04 24") in mode; returns x86_decode's result. */
static int dec(X86Mode mode, const char *hex, X86Insn *in)
{
    uint8_t b[32];
    size_t n = 0;
    while (*hex) {
        char *end;
        b[n++] = (uint8_t)strtoul(hex, &end, 16);
        hex = end;
        while (*hex == ' ')
            hex++;
    }
    return x86_decode(b, n, mode, in);
}

#define M64 X86_MODE_64
#define M32 X86_MODE_32
#define M16 X86_MODE_16

/* A table of encodings with their SDM length, mnemonic and validity. */
typedef struct Case {
    X86Mode mode;
    const char *hex;
    int len;            /* 0: not checked (a #UD encoding's length is not
                           observable beyond the opcode) */
    X86Op op;
    X86Invalid inv;
} Case;

static const Case cases[] = {
    { M64, "90", 1, X86_OP_NOP, 0 },
    { M64, "f3 90", 2, X86_OP_PAUSE, 0 },
    { M64, "41 90", 2, X86_OP_XCHG, 0 },               /* xchg r8, rax */
    { M64, "0f 1f 44 00 00", 5, X86_OP_NOP, 0 },
    { M64, "66 2e 0f 1f 84 00 00 00 00 00", 10, X86_OP_NOP, 0 },
    { M64, "48 b8 88 77 66 55 44 33 22 11", 10, X86_OP_MOV, 0 },
    { M32, "b8 44 33 22 11", 5, X86_OP_MOV, 0 },
    { M64, "66 b8 22 11", 4, X86_OP_MOV, 0 },
    { M64, "c8 10 00 01", 4, X86_OP_ENTER, 0 },
    { M32, "ea 78 56 34 12 00 f0", 7, X86_OP_JMPF, 0 },
    { M32, "66 9a 34 12 00 f0", 6, X86_OP_CALLF, 0 },
    { M64, "a1 88 77 66 55 44 33 22 11", 9, X86_OP_MOV, 0 },
    { M64, "67 a1 44 33 22 11", 6, X86_OP_MOV, 0 },
    { M32, "a1 44 33 22 11", 5, X86_OP_MOV, 0 },
    { M16, "a1 22 11", 3, X86_OP_MOV, 0 },
    { M64, "f6 c0 12", 3, X86_OP_TEST, 0 },
    { M64, "f6 d0", 2, X86_OP_NOT, 0 },
    { M64, "f7 c0 44 33 22 11", 6, X86_OP_TEST, 0 },
    { M64, "66 f7 c0 22 11", 5, X86_OP_TEST, 0 },
    { M64, "48 f7 c0 44 33 22 11", 7, X86_OP_TEST, 0 },   /* imm32 sext */
    { M64, "e8 00 00 00 00", 5, X86_OP_CALL, 0 },
    { M64, "66 e8 00 00", 4, X86_OP_CALL, 0 },         /* rel16 (AMD) */
    { M64, "0f 85 00 00 00 00", 6, X86_OP_JCC, 0 },
    { M64, "c2 08 00", 3, X86_OP_RET, 0 },
    { M64, "c7 f8 00 00 00 00", 6, X86_OP_XBEGIN, 0 },
    { M64, "48 63 c1", 3, X86_OP_MOVSXD, 0 },
    { M32, "63 c1", 2, X86_OP_ARPL, 0 },
    { M32, "40", 1, X86_OP_INC, 0 },
    { M64, "0f 20 c0", 3, X86_OP_MOV, 0 },             /* mov rax, cr0 */
    { M64, "0f 20 05", 3, X86_OP_MOV, 0 },             /* mod ignored */
    { M64, "d9 e8", 2, X86_OP_FLD1, 0 },
    { M64, "dd 04 24", 3, X86_OP_FLD, 0 },
    { M64, "de c1", 2, X86_OP_FADDP, 0 },
    { M64, "df e0", 2, X86_OP_FNSTSW, 0 },
    { M64, "db 2c 24", 3, X86_OP_FLD, 0 },             /* m80 */
    { M64, "d9 d0", 2, X86_OP_FNOP, 0 },
    { M64, "d9 d1", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "0f 01 d0", 3, X86_OP_XGETBV, 0 },
    /* AES-NI, PCLMULQDQ (66 only), the XSAVE family, segment moves, INT */
    { M64, "66 0f 38 dc c1", 5, X86_OP_AESENC, 0 },
    { M64, "66 44 0f 38 dd 43 10", 7, X86_OP_AESENCLAST, 0 },
    { M64, "66 0f 38 de 00", 5, X86_OP_AESDEC, 0 },
    { M64, "66 0f 38 df c1", 5, X86_OP_AESDECLAST, 0 },
    { M64, "66 0f 38 db c1", 5, X86_OP_AESIMC, 0 },
    { M64, "0f 38 dc c1", 4, X86_OP_UD, X86_INV_OPCODE },
    { M64, "66 0f 3a df c1 1b", 6, X86_OP_AESKEYGENASSIST, 0 },
    { M64, "66 0f 3a 44 c1 11", 6, X86_OP_PCLMULQDQ, 0 },
    { M64, "66 0f 3a 44 44 24 08 00", 8, X86_OP_PCLMULQDQ, 0 },
    { M64, "0f ae 20", 3, X86_OP_XSAVE, 0 },
    { M64, "48 0f ae 20", 4, X86_OP_XSAVE, 0 },        /* xsave64 */
    { M64, "0f ae 28", 3, X86_OP_XRSTOR, 0 },
    { M64, "0f ae 30", 3, X86_OP_XSAVEOPT, 0 },
    { M64, "0f c7 20", 3, X86_OP_XSAVEC, 0 },
    { M64, "66 0f ae 20", 4, X86_OP_UD, X86_INV_OPCODE },   /* prefix-strict */
    { M64, "0f 01 d1", 3, X86_OP_XSETBV, 0 },
    { M64, "8c c8", 2, X86_OP_MOV, 0 },                /* mov eax, cs */
    { M64, "48 8c 13", 3, X86_OP_MOV, 0 },             /* mov [rbx], ss */
    { M64, "8e d8", 2, X86_OP_MOV, 0 },                /* mov ds, eax */
    { M64, "8e f0", 2, X86_OP_MOV, X86_INV_OPCODE },   /* no segment 6 */
    { M64, "0f a0", 2, X86_OP_PUSH, 0 },               /* push fs */
    { M64, "0f a9", 2, X86_OP_POP, 0 },                /* pop gs */
    { M64, "cd 80", 2, X86_OP_INT, 0 },
    { M64, "0f 01 f9", 3, X86_OP_RDTSCP, 0 },
    { M64, "0f ae f0", 3, X86_OP_MFENCE, 0 },
    { M64, "0f ae 38", 3, X86_OP_CLFLUSH, 0 },
    { M64, "66 0f ae 38", 4, X86_OP_CLFLUSHOPT, 0 },
    { M64, "f3 48 0f ae c0", 5, X86_OP_RDFSBASE, 0 },
    { M32, "f3 0f ae c0", 4, X86_OP_RDFSBASE, X86_INV_MODE },
    { M64, "0f c7 f0", 3, X86_OP_RDRAND, 0 },
    { M64, "f3 0f 1e fa", 4, X86_OP_ENDBR64, 0 },
    { M64, "0f ba e0 05", 4, X86_OP_BT, 0 },
    { M64, "0f ba c0 05", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "0f 0b", 2, X86_OP_UD2, 0 },
    { M64, "0f 0d 08", 3, X86_OP_PREFETCHW, 0 },
    { M64, "0f 0d c0", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "f3 0f c7 f8", 4, X86_OP_RDPID, 0 },
    { M64, "f3 0f c7 c0", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "0f 0f c1 9e", 4, X86_OP_3DNOW, X86_INV_UNSUPPORTED },
    { M64, "66 0f 73 d8 04", 5, X86_OP_PSRLDQ, 0 },
    { M64, "0f 73 d0 04", 4, X86_OP_PSRLQ, 0 },        /* MMX form */
    { M64, "66 0f 3a 0f c1 08", 6, X86_OP_PALIGNR, 0 },
    { M64, "66 0f 3a 63 c1 0c", 6, X86_OP_PCMPISTRI, 0 },
    { M64, "66 0f 38 00 c1", 5, X86_OP_PSHUFB, 0 },
    { M64, "f2 0f 38 f1 c1", 5, X86_OP_CRC32, 0 },
    { M64, "66 0f 38 f1 c1", 5, X86_OP_MOVBE, X86_INV_MODRM },
    { M64, "0f 38 50 c1", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "f3 0f b8 c0", 4, X86_OP_POPCNT, 0 },
    { M64, "0f b8 c0", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "f3 0f bc c0", 4, X86_OP_TZCNT, 0 },
    { M64, "f2 0f bc c0", 4, X86_OP_BSF, 0 },
    { M64, "66 0f 10 c1", 4, X86_OP_MOVUPD, 0 },
    { M64, "66 f3 0f 10 c1", 5, X86_OP_MOVSS, 0 },     /* F3 beats 66 */
    { M64, "f3 f2 0f 10 c1", 5, X86_OP_MOVSD, 0 },     /* last F2/F3 */
    { M64, "f2 f3 0f 10 c1", 5, X86_OP_MOVSS, 0 },
    { M64, "f2 0f 60 c1", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "0f 12 c1", 3, X86_OP_MOVHLPS, 0 },
    { M64, "0f 12 01", 3, X86_OP_MOVLPS, 0 },
    { M64, "66 0f 78 c1 04 08", 6, X86_OP_EXTRQ, 0 },
    { M64, "f2 0f 78 c1 04 08", 6, X86_OP_INSERTQ, 0 },
    { M64, "0f 78 c1", 3, X86_OP_VMREAD, 0 },
    /* VEX */
    { M64, "c5 f8 77", 3, X86_OP_VZEROUPPER, 0 },
    { M64, "c5 fc 77", 3, X86_OP_VZEROALL, 0 },
    { M64, "c5 fc 58 c1", 4, X86_OP_ADDPS, 0 },
    { M64, "c4 e2 79 18 05 00 00 00 00", 9, X86_OP_VBROADCASTSS, 0 },
    { M64, "c4 e3 7d 18 c1 01", 6, X86_OP_VINSERTF128, 0 },
    { M64, "c4 e3 79 4a c1 20", 6, X86_OP_BLENDVPS, 0 },
    { M64, "c4 e2 f3 f6 c0", 5, X86_OP_MULX, 0 },
    { M64, "c4 e2 78 f3 c8", 5, X86_OP_BLSR, 0 },
    { M64, "66 c5 f8 58 c0", 5, X86_OP_ADDPS, X86_INV_VEX },
    { M64, "c5 f8 40 c0", 4, X86_OP_CMOVCC, X86_INV_OPCODE },
    { M64, "0f 38 f2 c0", 4, X86_OP_ANDN, X86_INV_OPCODE },  /* VEX only */
    /* VEX #UD rules, each checked on the host CPU (test-decode-native) */
    { M64, "c5 fb 77 c0", 0, X86_OP_UD, X86_INV_OPCODE },  /* pp must be 0 */
    { M64, "c5 f8 ae 10", 4, X86_OP_LDMXCSR, 0 },
    { M64, "c5 fc ae 10", 4, X86_OP_LDMXCSR, X86_INV_VEX },   /* L=1 */
    { M64, "c5 f8 ae 00", 4, X86_OP_FXSAVE, X86_INV_OPCODE },
    { M64, "c5 d9 7f 00", 4, X86_OP_MOVDQA, X86_INV_VEX },   /* vvvv */
    { M64, "c5 f2 10 00", 4, X86_OP_MOVSS, X86_INV_VEX },    /* vvvv, mem */
    { M64, "c5 f2 10 c1", 4, X86_OP_MOVSS, 0 },              /* reg: H */
    { M64, "c5 fe 58 c1", 4, X86_OP_ADDSS, 0 },              /* L ignored */
    { M64, "c5 fd 6e c0", 4, X86_OP_MOVD, X86_INV_VEX },     /* L must be 0 */
    { M64, "c4 e2 79 19 c1", 5, X86_OP_VBROADCASTSD, X86_INV_VEX }, /* L=1 */
    { M64, "c4 e2 74 f2 c0", 5, X86_OP_ANDN, X86_INV_VEX },
    { M64, "c5 d5 42 d0", 4, X86_OP_UD, X86_INV_UNSUPPORTED },  /* KANDNB */
    { M32, "c4 e1 38 58 c2", 5, X86_OP_ADDPS, 0 },     /* vvvv bit 3 ignored */
    { M32, "c4 e3 39 17 c0 01", 6, X86_OP_EXTRACTPS, X86_INV_VEX },  /* not */
    { M64, "c4 e2 69 92 00", 5, X86_OP_VGATHERDP, X86_INV_MODRM },  /* no SIB */
    /* prefix-strict rows (host CPU) */
    { M64, "66 0f 01 d0", 4, X86_OP_XGETBV, X86_INV_OPCODE },
    { M64, "66 0f 01 f9", 4, X86_OP_RDTSCP, 0 },
    { M64, "66 0f 77", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "66 0f ae e8", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "66 0f c7 20", 0, X86_OP_UD, X86_INV_OPCODE },
    { M64, "66 0f c7 f0", 4, X86_OP_RDRAND, 0 },
    { M64, "8c f8", 2, X86_OP_MOV, X86_INV_OPCODE },          /* Sreg 7 */
    { M64, "8e c8", 2, X86_OP_MOV, X86_INV_OPCODE },          /* to CS */
    { M64, "0f 20 c8", 3, X86_OP_MOV, X86_INV_OPCODE },       /* CR1 */
    { M64, "44 0f 20 c0", 4, X86_OP_MOV, 0 },                 /* CR8 */
    { M32, "f0 0f 22 c1", 4, X86_OP_MOV, 0 },         /* AMD: LOCK CR0=CR8 */
    { M32, "f0 0f 22 c9", 4, X86_OP_MOV, X86_INV_OPCODE },    /* CR1 */
    { M64, "0f 0e", 2, X86_OP_FEMMS, X86_INV_UNSUPPORTED },
    { M32, "c4 00", 2, X86_OP_LES, 0 },
    { M32, "c5 f8 77", 3, X86_OP_VZEROUPPER, 0 },
    { M64, "62 f1 7c 48 58 c1", 6, X86_OP_EVEX, X86_INV_UNSUPPORTED },
    { M64, "62 f3 7d 48 18 c1 01", 7, X86_OP_EVEX, X86_INV_UNSUPPORTED },
    { M32, "62 00", 2, X86_OP_BOUND, 0 },
    { M64, "8f ea 78 10 c0 01 02 03 04", 9, X86_OP_XOP, X86_INV_UNSUPPORTED },
    { M64, "8f c0", 2, X86_OP_POP, 0 },
    /* invalid in 64-bit mode, valid in 32-bit mode */
    { M64, "06", 1, X86_OP_PUSH, X86_INV_MODE },
    { M64, "07", 1, X86_OP_POP, X86_INV_MODE },
    { M64, "27", 1, X86_OP_DAA, X86_INV_MODE },
    { M64, "2f", 1, X86_OP_DAS, X86_INV_MODE },
    { M64, "37", 1, X86_OP_AAA, X86_INV_MODE },
    { M64, "3f", 1, X86_OP_AAS, X86_INV_MODE },
    { M64, "60", 1, X86_OP_PUSHA, X86_INV_MODE },
    { M64, "61", 1, X86_OP_POPA, X86_INV_MODE },
    { M64, "82 c0 01", 3, X86_OP_ADD, X86_INV_MODE },
    { M64, "d4 0a", 2, X86_OP_AAM, X86_INV_MODE },
    { M64, "d5 0a", 2, X86_OP_AAD, X86_INV_MODE },
    { M64, "ce", 1, X86_OP_INTO, X86_INV_MODE },
    { M32, "06", 1, X86_OP_PUSH, 0 },
    { M32, "27", 1, X86_OP_DAA, 0 },
    { M32, "82 c0 01", 3, X86_OP_ADD, 0 },
    { M32, "d4 0a", 2, X86_OP_AAM, 0 },
    { M32, "9a 78 56 34 12 00 f0", 7, X86_OP_CALLF, 0 },
    { M64, "0f 01 f8", 3, X86_OP_SWAPGS, 0 },
    { M32, "0f 01 f8", 3, X86_OP_SWAPGS, X86_INV_MODE },
    /* LOCK */
    { M64, "f0 01 00", 3, X86_OP_ADD, 0 },
    { M64, "f0 01 c0", 3, X86_OP_ADD, X86_INV_LOCK },
    { M64, "f0 8b 00", 3, X86_OP_MOV, X86_INV_LOCK },
    { M64, "f0 39 00", 3, X86_OP_CMP, X86_INV_LOCK },
    { M64, "f0 90", 2, X86_OP_NOP, X86_INV_LOCK },
    { M64, "f0 0f c7 08", 4, X86_OP_CMPXCHG8B, 0 },
    { M64, "f0 48 0f c7 08", 5, X86_OP_CMPXCHG16B, 0 },
    { M64, "f0 0f ba 28 01", 5, X86_OP_BTS, 0 },
    { M64, "f0 0f ba 20 01", 5, X86_OP_BT, X86_INV_LOCK },
    { M64, "f0 87 00", 3, X86_OP_XCHG, 0 },
    { M64, "f0 f6 10", 3, X86_OP_NOT, 0 },
    /* ModRM needs memory / register */
    { M64, "8d c0", 2, X86_OP_LEA, X86_INV_MODRM },
    { M64, "0f 01 20", 3, X86_OP_SMSW, 0 },
    { M64, "c4 e2 7d 5a c0", 5, X86_OP_VBROADCASTI128, X86_INV_MODRM },
};

START_TEST(test_table)
{
    const Case *c = &cases[_i];
    X86Insn in;
    int n = dec(c->mode, c->hex, &in);
    ck_assert_msg(c->len ? n == c->len : n > 0, "%s: len %d, want %d",
                  c->hex, n, c->len);
    ck_assert_msg(in.op == c->op, "%s: op %s, want %s", c->hex,
                  x86_op_names[in.op], x86_op_names[c->op]);
    ck_assert_msg(in.invalid == c->inv, "%s: invalid %u, want %u", c->hex,
                  in.invalid, c->inv);
    ck_assert_int_eq(in.len, n);
}
END_TEST

START_TEST(test_prefix_fields)
{
    X86Insn in;
    /* The last segment prefix wins; each prefix is recorded. */
    ck_assert_int_eq(dec(M64, "26 64 8b 00", &in), 4);
    ck_assert_int_eq(in.seg, X86_SEG_FS);
    ck_assert_int_eq(dec(M64, "64 26 8b 00", &in), 4);
    ck_assert_int_eq(in.seg, X86_SEG_ES);
    ck_assert_int_eq(dec(M64, "8b 00", &in), 2);
    ck_assert_int_eq(in.seg, X86_SEG_NONE);
    ck_assert_int_eq(dec(M64, "f3 a4", &in), 2);
    ck_assert_int_eq(in.rep, 0xf3);
    ck_assert_int_eq(dec(M64, "f3 f2 a6", &in), 3);
    ck_assert_int_eq(in.rep, 0xf2);
    ck_assert(in.prefixes & X86_PFX_REP);
    /* REX only counts right before the opcode. */
    ck_assert_int_eq(dec(M64, "48 66 89 c0", &in), 4);
    ck_assert_int_eq(in.rex, 0);
    ck_assert_int_eq(in.opsize, 2);
    ck_assert_int_eq(dec(M64, "66 48 89 c0", &in), 4);
    ck_assert_int_eq(in.rex, 0x48);
    ck_assert_int_eq(in.opsize, 8);
    ck_assert_int_eq(dec(M64, "41 48 89 c0", &in), 4);   /* last REX */
    ck_assert_int_eq(in.rex, 0x48);
    ck_assert_int_eq(in.rm, 0);
    /* A mandatory prefix is not also an operand-size prefix ... */
    ck_assert_int_eq(dec(M64, "66 0f 6f c1", &in), 4);
    ck_assert_int_eq(in.mandatory, 0x66);
    ck_assert_int_eq(dec(M64, "f3 66 0f b8 c0", &in), 5);
    ck_assert_int_eq(in.mandatory, 0xf3);
    ck_assert_int_eq(in.opsize, 2);                     /* ... but 66 is */
    ck_assert_int_eq(in.rep, 0);
    ck_assert_int_eq(dec(M64, "66 0f 38 f0 00", &in), 5);   /* MOVBE r16 */
    ck_assert_int_eq(in.opsize, 2);
    /* Operand and address size defaults per mode. */
    ck_assert_int_eq(dec(M64, "50", &in), 1);
    ck_assert_int_eq(in.opsize, 8);
    ck_assert_int_eq(dec(M64, "66 50", &in), 2);
    ck_assert_int_eq(in.opsize, 2);
    ck_assert_int_eq(dec(M32, "50", &in), 1);
    ck_assert_int_eq(in.opsize, 4);
    ck_assert_int_eq(dec(M16, "50", &in), 1);
    ck_assert_int_eq(in.opsize, 2);
    ck_assert_int_eq(dec(M16, "66 50", &in), 2);
    ck_assert_int_eq(in.opsize, 4);
    ck_assert_int_eq(dec(M64, "67 8b 00", &in), 3);
    ck_assert_int_eq(in.addrsize, 4);
    ck_assert_int_eq(dec(M16, "67 8b 00", &in), 3);
    ck_assert_int_eq(in.addrsize, 4);
}
END_TEST

START_TEST(test_modrm_sib)
{
    X86Insn in;
    /* mov rax, [r13 + r12*4 + 0x10] */
    ck_assert_int_eq(dec(M64, "4b 8b 44 a5 10", &in), 5);
    ck_assert(in.has_modrm && in.has_sib);
    ck_assert_int_eq(in.mod, 1);
    ck_assert_int_eq(in.reg, 0);
    ck_assert_int_eq(in.base, 13);
    ck_assert_int_eq(in.index, 12);
    ck_assert_int_eq(in.scale, 2);
    ck_assert_int_eq(in.disp, 0x10);
    ck_assert_int_eq(in.disp_size, 1);
    ck_assert_int_eq(in.opsize, 8);
    /* mov r8, [rsp]: SIB index 100 = none */
    ck_assert_int_eq(dec(M64, "4c 8b 04 24", &in), 4);
    ck_assert_int_eq(in.reg, 8);
    ck_assert_int_eq(in.base, 4);
    ck_assert_int_eq(in.index, -1);
    /* REX.X makes index 100 a real register (r12) */
    ck_assert_int_eq(dec(M64, "42 8b 04 24", &in), 4);
    ck_assert_int_eq(in.index, 12);
    /* SIB base 101 with mod 00: disp32, no base */
    ck_assert_int_eq(dec(M64, "8b 04 25 78 56 34 12", &in), 7);
    ck_assert_int_eq(in.base, -1);
    ck_assert_int_eq(in.disp, 0x12345678);
    ck_assert(!in.rip_rel);
    /* RIP-relative, negative displacement */
    ck_assert_int_eq(dec(M64, "48 8d 05 f0 ff ff ff", &in), 7);
    ck_assert(in.rip_rel);
    ck_assert_int_eq(in.base, -1);
    ck_assert_int_eq(in.disp, -16);
    /* mod 00 rm 101 in 32-bit mode is absolute, not EIP-relative */
    ck_assert_int_eq(dec(M32, "8b 05 78 56 34 12", &in), 6);
    ck_assert(!in.rip_rel);
    /* RIP-relative with an immediate after the displacement */
    ck_assert_int_eq(dec(M64, "c7 05 10 00 00 00 01 00 00 00", &in), 10);
    ck_assert(in.rip_rel);
    ck_assert_int_eq(in.disp, 16);
    ck_assert_int_eq(in.imm, 1);
    ck_assert_int_eq(in.imm_size, 4);
    /* mod 10: disp32 */
    ck_assert_int_eq(dec(M64, "8b 80 00 01 00 00", &in), 6);
    ck_assert_int_eq(in.disp, 256);
    ck_assert_int_eq(in.base, 0);
    /* register form */
    ck_assert_int_eq(dec(M64, "4d 89 c8", &in), 3);
    ck_assert_int_eq(in.mod, 3);
    ck_assert_int_eq(in.reg, 9);
    ck_assert_int_eq(in.rm, 8);
}
END_TEST

START_TEST(test_addr16)
{
    X86Insn in;
    ck_assert_int_eq(dec(M16, "8b 00", &in), 2);        /* [bx+si] */
    ck_assert_int_eq(in.base, 3);
    ck_assert_int_eq(in.index, 6);
    ck_assert_int_eq(dec(M16, "8b 46 02", &in), 3);     /* [bp+2] */
    ck_assert_int_eq(in.base, 5);
    ck_assert_int_eq(in.index, -1);
    ck_assert_int_eq(in.disp, 2);
    ck_assert_int_eq(dec(M16, "8b 06 34 12", &in), 4);  /* [0x1234] */
    ck_assert_int_eq(in.base, -1);
    ck_assert_int_eq(in.disp, 0x1234);
    ck_assert_int_eq(dec(M16, "8b 8b fe ff", &in), 4);  /* [bp+di-2] */
    ck_assert_int_eq(in.base, 5);
    ck_assert_int_eq(in.index, 7);
    ck_assert_int_eq(in.disp, -2);
    ck_assert_int_eq(dec(M16, "8b 04", &in), 2);        /* [si]: no SIB */
    ck_assert(!in.has_sib);
    ck_assert_int_eq(dec(M32, "67 8b 46 02", &in), 4);  /* 16-bit in 32 */
    ck_assert_int_eq(in.base, 5);
    ck_assert_int_eq(dec(M16, "67 8b 04 24", &in), 4);  /* 32-bit in 16 */
    ck_assert(in.has_sib);
    ck_assert_int_eq(in.base, 4);
}
END_TEST

START_TEST(test_immediates)
{
    X86Insn in;
    ck_assert_int_eq(dec(M64, "48 b8 88 77 66 55 44 33 22 11", &in), 10);
    ck_assert_int_eq(in.imm, 0x1122334455667788LL);
    ck_assert_int_eq(in.imm_size, 8);
    ck_assert_int_eq(in.zreg, 0);
    ck_assert_int_eq(dec(M64, "49 bf 01 00 00 00 00 00 00 80", &in), 10);
    ck_assert_int_eq(in.zreg, 15);
    ck_assert_int_eq(in.imm, (int64_t)0x8000000000000001ULL);
    ck_assert_int_eq(dec(M64, "6a ff", &in), 2);
    ck_assert_int_eq(in.imm, -1);
    ck_assert_int_eq(dec(M64, "c8 10 00 01", &in), 4);
    ck_assert_int_eq(in.imm, 16);
    ck_assert_int_eq(in.imm_size, 2);
    ck_assert_int_eq(in.imm2, 1);
    ck_assert_int_eq(in.imm2_size, 1);
    ck_assert_int_eq(dec(M32, "ea 78 56 34 12 00 f0", &in), 7);
    ck_assert_int_eq(in.imm, 0x12345678);
    ck_assert_int_eq(in.imm2, 0xf000);
    ck_assert_int_eq(dec(M64, "a1 88 77 66 55 44 33 22 11", &in), 9);
    ck_assert_int_eq(in.disp, 0x1122334455667788LL);
    ck_assert_int_eq(in.disp_size, 8);
    ck_assert_int_eq(dec(M32, "a1 00 00 00 80", &in), 5);    /* unsigned */
    ck_assert_int_eq(in.disp, 0x80000000LL);
    ck_assert_int_eq(dec(M64, "0f 85 fa ff ff ff", &in), 6);
    ck_assert_int_eq(in.imm, -6);
    ck_assert_int_eq(in.cond, 5);
    ck_assert_int_eq(dec(M64, "7c fe", &in), 2);
    ck_assert_int_eq(in.cond, 0xc);
    ck_assert_int_eq(in.imm, -2);
    ck_assert_int_eq(dec(M64, "c2 00 80", &in), 3);     /* Iw: unsigned */
    ck_assert_int_eq(in.imm, 0x8000);
    ck_assert_int_eq(dec(M64, "e4 f0", &in), 2);        /* Ib: unsigned */
    ck_assert_int_eq(in.imm, 0xf0);
    ck_assert_int_eq(dec(M64, "48 83 c0 f0", &in), 4);  /* Ibs: signed */
    ck_assert_int_eq(in.imm, -16);
    ck_assert_int_eq(dec(M64, "48 05 00 00 00 80", &in), 6);  /* Iz sext */
    ck_assert_int_eq(in.imm, (int64_t)0xffffffff80000000ULL);
    ck_assert_int_eq(dec(M64, "b8 00 00 00 80", &in), 5);     /* Iv 32 */
    ck_assert_int_eq(in.imm, 0x80000000LL);
    ck_assert_int_eq(dec(M64, "66 0f 78 c1 04 08", &in), 6);   /* EXTRQ */
    ck_assert_int_eq(in.imm, 4);
    ck_assert_int_eq(in.imm2, 8);
}
END_TEST

START_TEST(test_vex_fields)
{
    X86Insn in;
    /* vaddps ymm8, ymm0, ymm10: 3-byte VEX with R and B */
    ck_assert_int_eq(dec(M64, "c4 41 7c 58 c2", &in), 5);
    ck_assert(in.prefixes & X86_PFX_VEX);
    ck_assert_int_eq(in.reg, 8);
    ck_assert_int_eq(in.rm, 10);
    ck_assert_int_eq(in.vex_vvvv, 0);
    ck_assert_int_eq(in.vex_l, 1);
    ck_assert_int_eq(in.map, X86_MAP_0F);
    /* vaddps xmm0, xmm1, xmm2: 2-byte VEX, vvvv = 1 */
    ck_assert_int_eq(dec(M64, "c5 f0 58 c2", &in), 4);
    ck_assert_int_eq(in.vex_vvvv, 1);
    ck_assert_int_eq(in.vex_l, 0);
    /* mulx rax, rcx, rax: VEX.F2.0F38.W1 */
    ck_assert_int_eq(dec(M64, "c4 e2 f3 f6 c0", &in), 5);
    ck_assert_int_eq(in.vex_w, 1);
    ck_assert_int_eq(in.opsize, 8);
    ck_assert_int_eq(in.mandatory, 0xf2);
    ck_assert_int_eq(in.map, X86_MAP_0F38);
    /* VEX in 32-bit mode: vvvv's top bit is ignored (capstone agrees) */
    ck_assert_int_eq(dec(M32, "c4 e1 38 58 c2", &in), 5);
    ck_assert_int_eq(in.vex_vvvv, 0);
    ck_assert_int_eq(dec(M32, "c5 b0 58 00 00 00", &in), 6);  /* LDS */
    ck_assert_int_eq(in.op, X86_OP_LDS);
    /* vpshufd: imm8 after ModRM */
    ck_assert_int_eq(dec(M64, "c5 f9 70 c1 1b", &in), 5);
    ck_assert_int_eq(in.op, X86_OP_PSHUFD);
    ck_assert_int_eq(in.imm, 0x1b);
    /* VSIB gather */
    ck_assert_int_eq(dec(M64, "c4 e2 69 92 04 88", &in), 6);
    ck_assert_int_eq(in.op, X86_OP_VGATHERDP);
    ck_assert_int_eq(in.index, 1);
}
END_TEST

START_TEST(test_too_long)
{
    uint8_t b[32];
    X86Insn in;
    memset(b, 0x66, sizeof b);
    b[14] = 0x90;   /* 14 prefixes + NOP = 15 bytes: fine */
    ck_assert_int_eq(x86_decode(b, sizeof b, M64, &in), 15);
    b[14] = 0x66;
    b[15] = 0x90;   /* 16 bytes */
    ck_assert_int_eq(x86_decode(b, sizeof b, M64, &in), X86_DECODE_TOO_LONG);
    ck_assert_int_eq(x86_decode(b, 15, M64, &in), X86_DECODE_TOO_LONG);
    ck_assert_int_eq(x86_decode(b, 14, M64, &in), X86_DECODE_TRUNCATED);
    /* 4 prefixes + REX + mov r/m64, imm32 with SIB and disp32 = 16 */
    ck_assert_int_eq(dec(M64, "26 26 26 26 48 c7 84 24 00 00 00 00 01 00 00 00",
                         &in), X86_DECODE_TOO_LONG);
    ck_assert_int_eq(dec(M64, "26 26 26 48 c7 84 24 00 00 00 00 01 00 00 00",
                         &in), 15);
}
END_TEST

/* Every proper prefix of a valid instruction is "truncated". */
static const char *const whole[] = {
    "48 b8 88 77 66 55 44 33 22 11", "c4 e2 79 18 05 00 00 00 00",
    "66 0f 3a 0f c1 08", "f0 48 0f c7 8c 24 00 01 00 00",
    "62 f3 7d 48 18 c1 01", "64 48 8b 04 25 28 00 00 00", "c8 10 00 01",
    "0f 0f c1 9e", "8f ea 78 10 c0 01 02 03 04", "d9 e8", "f3 0f 1e fa",
    "c5 f8 77", "67 a1 44 33 22 11", "66 e9 00 00", "0f 01 d0",
};

START_TEST(test_truncated)
{
    uint8_t b[16] = { 0 };
    X86Insn in;
    const char *hex = whole[_i];
    size_t n = 0;
    while (*hex) {
        char *end;
        b[n++] = (uint8_t)strtoul(hex, &end, 16);
        hex = end;
    }
    ck_assert_int_eq(x86_decode(b, n, M64, &in), (int)n);
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(x86_decode(b, k, M64, &in) == X86_DECODE_TRUNCATED,
                      "%s cut at %zu", whole[_i], k);
}
END_TEST

START_TEST(test_print)
{
    X86Insn in;
    char buf[256];
    dec(M64, "48 01 d8", &in);
    x86_insn_print(&in, buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "ADD Ev,Gv len=3", 15) == 0, "%s", buf);
    x86_insn_print(&in, buf, 8);     /* truncates, stays terminated */
    ck_assert_int_eq(strlen(buf), 7);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_add_loop_test(tc, test_table, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, test_prefix_fields);
    tcase_add_test(tc, test_modrm_sib);
    tcase_add_test(tc, test_addr16);
    tcase_add_test(tc, test_immediates);
    tcase_add_test(tc, test_vex_fields);
    tcase_add_test(tc, test_too_long);
    tcase_add_loop_test(tc, test_truncated, 0, sizeof whole / sizeof whole[0]);
    tcase_add_test(tc, test_print);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
