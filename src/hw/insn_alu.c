/* SPDX-License-Identifier: MIT */
/*
 * Integer arithmetic and logic instructions and the BCD adjustments, as SDM Vol. 2
 * describes each (ADD … XOR, INC, DEC, NEG, NOT, AAA, AAS, AAM, AAD, DAA, DAS) and
 * Vol. 1, 7.3.2 "Binary Arithmetic Instructions" and 7.3.3 "Decimal Arithmetic
 * Instructions" group them.
 */
#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

/*
 * Read the destination of a read-modify-write instruction. Silicon performs the access
 * as a write from the start, so a destination that cannot be written faults before
 * anything is read (#PF reports W=1 even when the page is not present).
 */
static inline enum exec_status rmw_read(struct cpu *cpu, const struct insn *in,
					uint64_t *value)
{
	const struct operand *op = &in->op[0];

	if (op->kind == OPK_MEM) {
		enum exec_status st = mem_probe_write(cpu, op->seg, op_ea(cpu, in, op),
						      op->size);
		if (st != EXEC_OK)
			return st;
	}
	return op_read(cpu, in, 0, value);
}

/*
 * The lazy-flags record of hw/flags.h written in place (this file and flags.c share the
 * ownership of cpu->lazy): the binary operations are the interpreter's hottest path.
 * INC and DEC go through flags_set_lazy(), which keeps their inherited CF.
 */
static inline void lazy_record(struct cpu *cpu, enum flags_op op, unsigned size,
			       uint64_t dst, uint64_t src, uint64_t res)
{
	cpu->lazy.dst = dst;
	cpu->lazy.src = src;
	cpu->lazy.res = res;
	cpu->lazy.size = (uint8_t)size;
	cpu->lazy.op = op;
}

enum alu_op { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_AND, ALU_OR, ALU_XOR };

/*
 * dst OP src with the flags recorded; the result is stored unless the instruction only
 * compares (CMP, TEST). Flags change only once the store has succeeded.
 */
static inline __attribute__((always_inline)) enum exec_status
alu_binary(struct cpu *cpu, const struct insn *in, enum alu_op aop, bool store)
{
	unsigned size = in->op[0].size;
	uint64_t dst, src, res;
	enum flags_op fop;
	enum exec_status st;

	st = store ? rmw_read(cpu, in, &dst) : op_read(cpu, in, 0, &dst);
	if (st != EXEC_OK)
		return st;
	st = op_read(cpu, in, 1, &src);
	if (st != EXEC_OK)
		return st;

	switch (aop) {
	case ALU_ADD:
		res = dst + src;
		fop = FLAGS_OP_ADD;
		break;
	case ALU_ADC:
		res = dst + src + flags_cf(cpu);
		fop = FLAGS_OP_ADC;
		break;
	case ALU_SUB:
		res = dst - src;
		fop = FLAGS_OP_SUB;
		break;
	case ALU_SBB:
		res = dst - src - flags_cf(cpu);
		fop = FLAGS_OP_SBB;
		break;
	case ALU_AND:
		res = dst & src;
		fop = FLAGS_OP_LOGIC;
		break;
	case ALU_OR:
		res = dst | src;
		fop = FLAGS_OP_LOGIC;
		break;
	default:
		res = dst ^ src;
		fop = FLAGS_OP_LOGIC;
		break;
	}
	res &= bits_mask(size);

	if (store) {
		st = op_write(cpu, in, 0, res);
		if (st != EXEC_OK)
			return st;
	}
	lazy_record(cpu, fop, size, dst, src, res);
	return EXEC_OK;
}

enum exec_status exec_add(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_ADD, true);
}

enum exec_status exec_adc(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_ADC, true);
}

enum exec_status exec_sub(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_SUB, true);
}

enum exec_status exec_sbb(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_SBB, true);
}

enum exec_status exec_and(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_AND, true);
}

enum exec_status exec_or(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_OR, true);
}

enum exec_status exec_xor(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_XOR, true);
}

enum exec_status exec_cmp(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_SUB, false);
}

enum exec_status exec_test(struct cpu *cpu, const struct insn *in)
{
	return alu_binary(cpu, in, ALU_AND, false);
}

static inline enum exec_status alu_unary(struct cpu *cpu, const struct insn *in,
					 enum flags_op fop)
{
	unsigned size = in->op[0].size;
	uint64_t dst, res;
	enum exec_status st;

	st = rmw_read(cpu, in, &dst);
	if (st != EXEC_OK)
		return st;
	switch (fop) {
	case FLAGS_OP_INC:
		res = dst + 1;
		break;
	case FLAGS_OP_DEC:
		res = dst - 1;
		break;
	default:
		res = 0 - dst;
		break;
	}
	res &= bits_mask(size);
	st = op_write(cpu, in, 0, res);
	if (st != EXEC_OK)
		return st;
	if (fop == FLAGS_OP_NEG)
		lazy_record(cpu, fop, size, 0, dst, res);
	else
		flags_set_lazy(cpu, fop, size, dst, 1, res);
	return EXEC_OK;
}

enum exec_status exec_inc(struct cpu *cpu, const struct insn *in)
{
	return alu_unary(cpu, in, FLAGS_OP_INC);
}

enum exec_status exec_dec(struct cpu *cpu, const struct insn *in)
{
	return alu_unary(cpu, in, FLAGS_OP_DEC);
}

enum exec_status exec_neg(struct cpu *cpu, const struct insn *in)
{
	return alu_unary(cpu, in, FLAGS_OP_NEG);
}

/* NOT changes no flag. */
enum exec_status exec_not(struct cpu *cpu, const struct insn *in)
{
	uint64_t dst;
	enum exec_status st = rmw_read(cpu, in, &dst);

	if (st != EXEC_OK)
		return st;
	return op_write(cpu, in, 0, ~dst & bits_mask(in->op[0].size));
}

/*
 * The BCD adjustments leave SF, ZF and PF (and OF where undefined) as a logical
 * operation on the final AL would, which is what P6-family and later Intel processors
 * produce for the flags the SDM calls undefined.
 */
static inline uint32_t logic8_flags(uint8_t al)
{
	uint32_t f = __builtin_parity(al) ? 0 : RFLAGS_PF;

	if (al == 0)
		f |= RFLAGS_ZF;
	if (al & 0x80)
		f |= RFLAGS_SF;
	return f;
}

/* AAA and AAS: SDM Vol. 2, "AAA—ASCII Adjust After Addition", "AAS—… Subtraction". */
static enum exec_status ascii_adjust(struct cpu *cpu, bool subtract)
{
	uint64_t f = flags_read(cpu);
	uint16_t ax = (uint16_t)cpu->gpr[R_RAX];
	uint32_t adj = 0;

	if ((ax & 0x0f) > 9 || (f & RFLAGS_AF)) {
		ax = (uint16_t)(subtract ? ax - 0x106 : ax + 0x106);
		adj = RFLAGS_AF | RFLAGS_CF;
	}
	ax &= 0xff0f;
	reg_write(cpu, R_RAX, 2, ax);
	flags_set_arith(cpu, logic8_flags((uint8_t)ax) | adj);
	return EXEC_OK;
}

enum exec_status exec_aaa(struct cpu *cpu, const struct insn *in)
{
	return ascii_adjust(cpu, false);
}

enum exec_status exec_aas(struct cpu *cpu, const struct insn *in)
{
	return ascii_adjust(cpu, true);
}

/* The imm8 base of AAM and AAD (10 for the D4 0A / D5 0A forms assemblers emit). */
static uint8_t bcd_base(const struct insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->op[i].kind == OPK_IMM)
			return (uint8_t)in->op[i].imm;
	return 10;
}

/* SDM Vol. 2, "AAM—ASCII Adjust AX After Multiply": #DE when the base is 0. */
enum exec_status exec_aam(struct cpu *cpu, const struct insn *in)
{
	uint8_t base = bcd_base(in);
	uint8_t al = (uint8_t)cpu->gpr[R_RAX];

	if (base == 0)
		return cpu_fault(cpu, VEC_DE);
	uint8_t q = al / base, r = al % base;

	reg_write(cpu, R_RAX, 2, (uint16_t)(q << 8 | r));
	flags_set_arith(cpu, logic8_flags(r));
	return EXEC_OK;
}

/* SDM Vol. 2, "AAD—ASCII Adjust AX Before Division". */
enum exec_status exec_aad(struct cpu *cpu, const struct insn *in)
{
	uint16_t ax = (uint16_t)cpu->gpr[R_RAX];
	uint8_t al = (uint8_t)((ax & 0xff) + (ax >> 8) * bcd_base(in));

	reg_write(cpu, R_RAX, 2, al);
	flags_set_arith(cpu, logic8_flags(al));
	return EXEC_OK;
}

/* DAA and DAS: SDM Vol. 2, "DAA—Decimal Adjust AL After Addition", "DAS—… Subtraction". */
static enum exec_status decimal_adjust(struct cpu *cpu, bool subtract)
{
	uint64_t f = flags_read(cpu);
	uint8_t old_al = (uint8_t)cpu->gpr[R_RAX], al = old_al;
	bool old_cf = (f & RFLAGS_CF) != 0, cf = false;
	uint32_t af = 0;

	if ((al & 0x0f) > 9 || (f & RFLAGS_AF)) {
		/* The carry (borrow) of the low-digit adjustment itself. */
		cf = old_cf || (subtract ? al < 6 : al > 0xf9);
		al = (uint8_t)(subtract ? al - 6 : al + 6);
		af = RFLAGS_AF;
	}
	if (old_al > 0x99 || old_cf) {
		al = (uint8_t)(subtract ? al - 0x60 : al + 0x60);
		cf = true;
	}
	reg_write(cpu, R_RAX, 1, al);
	flags_set_arith(cpu, logic8_flags(al) | af | (cf ? RFLAGS_CF : 0));
	return EXEC_OK;
}

enum exec_status exec_daa(struct cpu *cpu, const struct insn *in)
{
	return decimal_adjust(cpu, false);
}

enum exec_status exec_das(struct cpu *cpu, const struct insn *in)
{
	return decimal_adjust(cpu, true);
}
