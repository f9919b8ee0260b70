/*
 * ir-ops.h — the IR op table: one X-macro row per op with its property
 * columns. Everything that depends on op order (IrOpcode, ir_op_defs[],
 * backend lowering tables indexed by opcode) is generated from this list.
 *
 * Columns: IR_OP(name, outputs, inputs, consts, flags)
 *   outputs  temps written by the op
 *   inputs   temps read by the op (constants are const temps, not consts)
 *   consts   immediate arguments after the inputs (condition, memop,
 *            offset, label, lane size, ...)
 *   flags    IR_OPF_* properties below
 *
 * Printed forms are listed in docs/ir.md; the operand order in the printed
 * form is exactly outputs, inputs, consts.
 */

/* Moves and type changes ------------------------------------------------ */
IR_OP(mov,         1, 1, 0, IR_OPF_INT | IR_OPF_VEC)
IR_OP(extu_i32_i64,1, 1, 0, 0)            /* i64 d = zero-extend(i32 s) */
IR_OP(exts_i32_i64,1, 1, 0, 0)            /* i64 d = sign-extend(i32 s) */
IR_OP(extrl_i64_i32,1,1, 0, 0)            /* i32 d = low half of i64 s */
IR_OP(extrh_i64_i32,1,1, 0, 0)            /* i32 d = high half of i64 s */
IR_OP(concat_i64_i128,1,2,0, 0)           /* i128 d = hi:lo (inputs lo, hi) */
IR_OP(extrl_i128_i64,1,1,0, 0)            /* i64 d = low half of i128 s */
IR_OP(extrh_i128_i64,1,1,0, 0)            /* i64 d = high half of i128 s */

/* Integer arithmetic (i32 or i64, the op's type) ------------------------ */
IR_OP(add,         1, 2, 0, IR_OPF_INT)
IR_OP(sub,         1, 2, 0, IR_OPF_INT)
IR_OP(neg,         1, 1, 0, IR_OPF_INT)
IR_OP(mul,         1, 2, 0, IR_OPF_INT)
IR_OP(mulu2,       2, 2, 0, IR_OPF_INT)   /* lo, hi = a * b (unsigned) */
IR_OP(muls2,       2, 2, 0, IR_OPF_INT)   /* lo, hi = a * b (signed) */
IR_OP(divu,        1, 2, 0, IR_OPF_INT)   /* divisor 0: undefined value */
IR_OP(divs,        1, 2, 0, IR_OPF_INT)   /* also MIN / -1: undefined */
IR_OP(remu,        1, 2, 0, IR_OPF_INT)
IR_OP(rems,        1, 2, 0, IR_OPF_INT)
IR_OP(divu2,       2, 3, 0, IR_OPF_INT)   /* q, r = (hi:lo) / d; inputs lo, hi, d;
                                             the quotient must fit (caller checks) */
IR_OP(divs2,       2, 3, 0, IR_OPF_INT)
IR_OP(addcarry,    2, 3, 0, IR_OPF_INT)   /* d, cout = a + b + (cin & 1) */
IR_OP(subborrow,   2, 3, 0, IR_OPF_INT)   /* d, bout = a - b - (bin & 1) */

/* Logic ------------------------------------------------------------------ */
IR_OP(and,         1, 2, 0, IR_OPF_INT)
IR_OP(or,          1, 2, 0, IR_OPF_INT)
IR_OP(xor,         1, 2, 0, IR_OPF_INT)
IR_OP(andc,        1, 2, 0, IR_OPF_INT)   /* a & ~b */
IR_OP(orc,         1, 2, 0, IR_OPF_INT)   /* a | ~b */
IR_OP(not,         1, 1, 0, IR_OPF_INT)

/* Shifts and rotates: the count is taken modulo the width --------------- */
IR_OP(shl,         1, 2, 0, IR_OPF_INT)
IR_OP(shr,         1, 2, 0, IR_OPF_INT)
IR_OP(sar,         1, 2, 0, IR_OPF_INT)
IR_OP(rotl,        1, 2, 0, IR_OPF_INT)
IR_OP(rotr,        1, 2, 0, IR_OPF_INT)

/* Bit fields: pos + len <= width, len >= 1 ------------------------------- */
IR_OP(extract,     1, 1, 2, IR_OPF_INT)   /* d = (s >> pos) & mask(len) */
IR_OP(sextract,    1, 1, 2, IR_OPF_INT)   /* same, sign-extended from bit len-1 */
IR_OP(deposit,     1, 2, 2, IR_OPF_INT)   /* d = base with bits [pos,pos+len) = val */

/* Compare and select ------------------------------------------------------ */
IR_OP(setcond,     1, 2, 1, IR_OPF_INT)   /* d = (a cond b) ? 1 : 0 */
IR_OP(negsetcond,  1, 2, 1, IR_OPF_INT)   /* d = (a cond b) ? -1 : 0 */
IR_OP(movcond,     1, 4, 1, IR_OPF_INT)   /* d = (a cond b) ? t : f; inputs a, b, t, f */

/* Bit counting and byte swapping ------------------------------------------ */
IR_OP(clz,         1, 2, 0, IR_OPF_INT)   /* d = a ? clz(a) : fallback */
IR_OP(ctz,         1, 2, 0, IR_OPF_INT)   /* d = a ? ctz(a) : fallback */
IR_OP(popcnt,      1, 1, 0, IR_OPF_INT)
IR_OP(bswap16,     1, 1, 0, IR_OPF_INT)   /* d = zero-extended swap of the low 16 bits */
IR_OP(bswap32,     1, 1, 0, IR_OPF_INT)   /* d = zero-extended swap of the low 32 bits */
IR_OP(bswap64,     1, 1, 0, 0)            /* i64 only */

/* Host memory relative to a host pointer (env, usually) ------------------ */
IR_OP(ld,          1, 1, 2, IR_OPF_INT | IR_OPF_VEC)   /* d = *(base + off); consts off, memop */
IR_OP(st,          0, 2, 2, IR_OPF_INT | IR_OPF_VEC | IR_OPF_SIDE_EFFECTS) /* val, base; off, memop */

/* Guest memory: address is an i64 guest virtual address ------------------- */
IR_OP(guest_ld,    1, 1, 2, IR_OPF_INT | IR_OPF_VEC | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
                                          /* d = [addr]; consts memop, mmu */
IR_OP(guest_st,    0, 2, 2, IR_OPF_INT | IR_OPF_VEC | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
                                          /* [addr] = val; inputs val, addr */

/* Guest atomics: return the old value ------------------------------------- */
IR_OP(atomic_cmpxchg,1,3,2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
                                          /* old = [addr]; if old == cmp: [addr] = new;
                                             inputs addr, cmp, new; i32, i64, i128 */
IR_OP(atomic_xchg,  1, 2, 2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
IR_OP(atomic_fetch_add,1,2,2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
IR_OP(atomic_fetch_and,1,2,2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
IR_OP(atomic_fetch_or, 1,2,2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)
IR_OP(atomic_fetch_xor,1,2,2, IR_OPF_INT | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)

/* Ordering --------------------------------------------------------------- */
IR_OP(mb,          0, 0, 1, IR_OPF_SIDE_EFFECTS)   /* const: IR_MB_* mask */

/* Control flow ------------------------------------------------------------ */
IR_OP(insn_start,  0, 0, 2, IR_OPF_SIDE_EFFECTS)   /* guest pc, extra word */
IR_OP(set_label,   0, 0, 1, IR_OPF_BB_START | IR_OPF_SIDE_EFFECTS)
IR_OP(br,          0, 0, 1, IR_OPF_BB_END | IR_OPF_SIDE_EFFECTS)
IR_OP(brcond,      0, 2, 2, IR_OPF_INT | IR_OPF_BB_END | IR_OPF_COND_BRANCH | IR_OPF_SIDE_EFFECTS)
                                          /* if (a cond b) goto label; consts cond, label */
IR_OP(goto_tb,     0, 0, 1, IR_OPF_SIDE_EFFECTS)   /* patchable jump slot n (0 or 1) */
IR_OP(exit_tb,     0, 0, 1, IR_OPF_BB_END | IR_OPF_BB_EXIT | IR_OPF_SIDE_EFFECTS)
IR_OP(goto_ptr,    0, 1, 0, IR_OPF_BB_END | IR_OPF_BB_EXIT | IR_OPF_SIDE_EFFECTS)
IR_OP(lookup_tb,   1, 0, 0, IR_OPF_SIDE_EFFECTS)   /* d = host code for env's pc, or the
                                                      epilogue; feeds goto_ptr */

/* Helper calls: outputs/inputs vary, see IrOp.nb_oargs/nb_iargs ----------- */
IR_OP(call,        0, 0, 1, IR_OPF_CALL | IR_OPF_SIDE_EFFECTS)  /* const: helper id */

/* Vectors (v128; the const is log2 of the element size in bytes) ------- */
IR_OP(dup,         1, 1, 1, IR_OPF_VEC)   /* v128 d = broadcast(scalar s) */
IR_OP(vec_add,     1, 2, 1, IR_OPF_VEC)
IR_OP(vec_sub,     1, 2, 1, IR_OPF_VEC)
IR_OP(vec_and,     1, 2, 0, IR_OPF_VEC)
IR_OP(vec_or,      1, 2, 0, IR_OPF_VEC)
IR_OP(vec_xor,     1, 2, 0, IR_OPF_VEC)
IR_OP(vec_andc,    1, 2, 0, IR_OPF_VEC)
IR_OP(vec_cmpeq,   1, 2, 1, IR_OPF_VEC)   /* lanes -1 where equal, else 0 */
IR_OP(vec_cmpgt,   1, 2, 1, IR_OPF_VEC)   /* signed greater-than */
IR_OP(vec_shli,    1, 1, 2, IR_OPF_VEC)   /* consts vece, count (< lane bits) */
IR_OP(vec_shri,    1, 1, 2, IR_OPF_VEC)
IR_OP(vec_sari,    1, 1, 2, IR_OPF_VEC)
IR_OP(vec_extract, 1, 1, 2, IR_OPF_VEC)   /* i32/i64 d = lane idx of v; consts vece, idx */
IR_OP(vec_insert,  1, 2, 2, IR_OPF_VEC)   /* v128 d = v with lane idx = s; inputs v, s */

IR_OP(nop,         0, 0, 0, 0)            /* removed op; never printed */
