/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU arithmetic, comparison and transcendental instructions (SDM Vol. 1, 8.3
 * "x87 FPU Instructions"; Vol. 2 FADD … FYL2XP1): operand fetch from the register stack
 * or memory, stack faults, condition codes, and the numerics of softfloat80.c.
 */
#include <Zydis/Zydis.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"
#include "hw/x87_int.h"

enum arith_op { OP_ADD, OP_MUL, OP_SUB, OP_SUBR, OP_DIV, OP_DIVR };

static enum arith_op arith_op_of(unsigned mnemonic, bool *pop, bool *integer)
{
	*pop = false;
	*integer = false;
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_FADDP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FADD:
		return OP_ADD;
	case ZYDIS_MNEMONIC_FIADD:
		*integer = true;
		return OP_ADD;
	case ZYDIS_MNEMONIC_FMULP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FMUL:
		return OP_MUL;
	case ZYDIS_MNEMONIC_FIMUL:
		*integer = true;
		return OP_MUL;
	case ZYDIS_MNEMONIC_FSUBP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FSUB:
		return OP_SUB;
	case ZYDIS_MNEMONIC_FISUB:
		*integer = true;
		return OP_SUB;
	case ZYDIS_MNEMONIC_FSUBRP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FSUBR:
		return OP_SUBR;
	case ZYDIS_MNEMONIC_FISUBR:
		*integer = true;
		return OP_SUBR;
	case ZYDIS_MNEMONIC_FDIVP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FDIV:
		return OP_DIV;
	case ZYDIS_MNEMONIC_FIDIV:
		*integer = true;
		return OP_DIV;
	case ZYDIS_MNEMONIC_FDIVRP:
		*pop = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FDIVR:
		return OP_DIVR;
	default:
		*integer = true;
		return OP_DIVR; /* FIDIVR */
	}
}

/*
 * A memory source operand: m32fp, m64fp, m16int, m32int. An SNaN stays signaling for
 * the operation; a denormal sets *denormal (#D is raised unless ST(0) is a NaN).
 */
static enum exec_status mem_source(struct cpu *cpu, const struct insn *in, bool integer,
				   bool *denormal, struct f80 *v)
{
	const struct operand *m = x87_mem_op(in);
	uint64_t raw;
	enum exec_status st = mem_read(cpu, m->seg, op_ea(cpu, in, m), m->size, &raw);

	if (st != EXEC_OK)
		return st;
	*denormal = false;
	if (integer)
		*v = sf80_from_int(m->size == 2 ? (int16_t)raw : m->size == 4 ? (int32_t)raw
									 : (int64_t)raw);
	else
		*v = sf80_widen(raw, m->size, denormal);
	return EXEC_OK;
}

/*
 * #D for a denormal memory operand; true when unmasked (the instruction stops). Not
 * raised with a NaN in ST(0), nor when ST(0) is a zero divisor (#Z wins, as for
 * register operands).
 */
static bool mem_denormal_traps(struct cpu *cpu, struct sf80_ctx *c, bool denormal,
			       bool st0_divisor)
{
	struct f80 a = x87_st(cpu, 0);

	if (!denormal || sf80_is_nan(a) || sf80_is_unsupported(a))
		return false;
	if (st0_divisor && sf80_classify(a) == SF80_CLASS_ZERO)
		return false;
	c->flags |= SF80_DE;
	return !(c->fcw & SF80_DE);
}

/* FADD … FIDIVR: dest ← dest op src (8.3.5 "Basic Arithmetic Instructions"). */
static enum exec_status do_arith(struct cpu *cpu, const struct insn *in)
{
	bool pop, integer;
	enum arith_op op = arith_op_of(in->mnemonic, &pop, &integer);
	struct sf80_ctx c = x87_ctx(cpu);
	unsigned dst = 0, src = 0;
	struct f80 a, b, r;

	bool mem_denormal = false;

	if (x87_mem_op(in)) {
		enum exec_status st = mem_source(cpu, in, integer, &mem_denormal, &b);

		if (st != EXEC_OK)
			return st;
	} else if (in->opcode == 0xd8) {
		src = x87_sti(in);
	} else {
		dst = x87_sti(in);
		if (pop && dst == 0 && in->nops < 2)
			dst = 1; /* FADDP with no operands is FADDP ST(1), ST(0) */
	}
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, dst) || (!x87_mem_op(in) && x87_empty(cpu, src))) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		x87_write(cpu, dst, f80_indefinite());
		if (pop)
			x87_pop(cpu);
		return EXEC_OK;
	}
	a = x87_st(cpu, dst);
	if (!x87_mem_op(in))
		b = x87_st(cpu, src);
	if (mem_denormal_traps(cpu, &c, mem_denormal, op == OP_DIVR)) {
		x87_commit(cpu, &c);
		return EXEC_OK;
	}
	switch (op) {
	case OP_ADD:
		r = sf80_add(&c, a, b);
		break;
	case OP_MUL:
		r = sf80_mul(&c, a, b);
		break;
	case OP_SUB:
		r = sf80_sub(&c, a, b);
		break;
	case OP_SUBR:
		r = sf80_sub(&c, b, a);
		break;
	case OP_DIV:
		r = sf80_div(&c, a, b);
		break;
	default:
		r = sf80_div(&c, b, a);
		break;
	}
	if (!x87_commit(cpu, &c))
		return EXEC_OK;
	x87_write(cpu, dst, r);
	if (pop)
		x87_pop(cpu);
	return EXEC_OK;
}

/* C3 C2 C0 for a comparison (Vol. 2A "FCOM", Table 3-21), EFLAGS for FCOMI (Table 3-22). */
static void set_compare_result(struct cpu *cpu, enum sf80_cmp r, bool eflags)
{
	static const uint16_t cc[] = {
		[SF80_LT] = X87_FSW_C0,
		[SF80_EQ] = X87_FSW_C3,
		[SF80_GT] = 0,
		[SF80_UNORDERED] = X87_FSW_C3 | X87_FSW_C2 | X87_FSW_C0,
	};
	static const uint32_t fl[] = {
		[SF80_LT] = RFLAGS_CF,
		[SF80_EQ] = RFLAGS_ZF,
		[SF80_GT] = 0,
		[SF80_UNORDERED] = RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF,
	};

	if (eflags) {
		flags_set_arith(cpu, fl[r]);
		x87_set_cc(cpu, cpu->x87.fsw & (X87_FSW_C0 | X87_FSW_C2 | X87_FSW_C3));
	} else {
		x87_set_cc(cpu, cc[r]);
	}
}

/* FCOM, FCOMP, FCOMPP, FUCOM*, FICOM*, FCOMI*, FUCOMI*, FTST. */
static enum exec_status do_compare(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	bool quiet = false, eflags = false, integer = false;
	unsigned pops = 0, i = 1;
	struct f80 b = f80_make(false, 0, 0);
	bool mem_denormal = false;
	enum sf80_cmp r;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FUCOMPP:
		quiet = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FCOMPP:
		pops = 2;
		break;
	case ZYDIS_MNEMONIC_FUCOMP:
		quiet = true;
		/* fall through */
	case ZYDIS_MNEMONIC_FCOMP:
		pops = 1;
		break;
	case ZYDIS_MNEMONIC_FUCOM:
		quiet = true;
		break;
	case ZYDIS_MNEMONIC_FICOMP:
		pops = 1;
		/* fall through */
	case ZYDIS_MNEMONIC_FICOM:
		integer = true;
		break;
	case ZYDIS_MNEMONIC_FUCOMIP:
		pops = 1;
		/* fall through */
	case ZYDIS_MNEMONIC_FUCOMI:
		quiet = eflags = true;
		break;
	case ZYDIS_MNEMONIC_FCOMIP:
		pops = 1;
		/* fall through */
	case ZYDIS_MNEMONIC_FCOMI:
		eflags = true;
		break;
	default:
		break;
	}
	if (in->mnemonic == ZYDIS_MNEMONIC_FTST) {
		i = 0;
	} else if (x87_mem_op(in)) {
		enum exec_status st = mem_source(cpu, in, integer, &mem_denormal, &b);

		if (st != EXEC_OK)
			return st;
		i = 0;
	} else if (pops < 2 && (x87_sti(in) || in->nops >= 2)) {
		i = x87_sti(in);
	}
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0) || x87_empty(cpu, i)) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		r = SF80_UNORDERED;
	} else {
		if (!x87_mem_op(in) && in->mnemonic != ZYDIS_MNEMONIC_FTST)
			b = x87_st(cpu, i);
		mem_denormal_traps(cpu, &c, mem_denormal, false);
		r = sf80_compare(&c, x87_st(cpu, 0), b, quiet);
		if (!x87_commit(cpu, &c)) {
			/* Unmasked #IA or #D: the codes are still set; nothing pops. */
			set_compare_result(cpu, r, eflags);
			return EXEC_OK;
		}
	}
	set_compare_result(cpu, r, eflags);
	while (pops--)
		x87_pop(cpu);
	return EXEC_OK;
}

/* FXAM (Vol. 2A "FXAM"): class in C3 C2 C0, sign in C1; never faults. */
static enum exec_status do_fxam(struct cpu *cpu, const struct insn *in)
{
	struct f80 v = x87_st(cpu, 0);
	unsigned cls = x87_empty(cpu, 0) ? SF80_CLASS_EMPTY : sf80_classify(v);
	uint16_t cc = 0;

	if (cls & 4)
		cc |= X87_FSW_C3;
	if (cls & 2)
		cc |= X87_FSW_C2;
	if (cls & 1)
		cc |= X87_FSW_C0;
	if (f80_sign(v))
		cc |= X87_FSW_C1;
	x87_set_cc(cpu, cc);
	return EXEC_OK;
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (Vol. 1, 8.3.8). */
static enum exec_status do_fldconst(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	unsigned which;
	bool up;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FLD1:
		which = 0;
		break;
	case ZYDIS_MNEMONIC_FLDL2T:
		which = 1;
		break;
	case ZYDIS_MNEMONIC_FLDL2E:
		which = 2;
		break;
	case ZYDIS_MNEMONIC_FLDPI:
		which = 3;
		break;
	case ZYDIS_MNEMONIC_FLDLG2:
		which = 4;
		break;
	case ZYDIS_MNEMONIC_FLDLN2:
		which = 5;
		break;
	default:
		which = 6;
		break;
	}
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	x87_push(cpu, sf80_const(&c, which, &up));
	return EXEC_OK;
}

/* Check that ST(0) (and ST(1) when two) hold values; the masked response fills dest. */
static bool operands_present(struct cpu *cpu, bool two, unsigned dest, bool *store_indef)
{
	*store_indef = false;
	if (!x87_empty(cpu, 0) && (!two || !x87_empty(cpu, 1)))
		return true;
	*store_indef = x87_stack_fault(cpu, false);
	if (*store_indef)
		x87_write(cpu, dest, f80_indefinite());
	return false;
}

/* FCHS, FABS: sign only, no exceptions but #IS. */
static enum exec_status do_fsign(struct cpu *cpu, const struct insn *in)
{
	struct f80 v = x87_st(cpu, 0);
	bool indef;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (!operands_present(cpu, false, 0, &indef))
		return EXEC_OK;
	if (in->mnemonic == ZYDIS_MNEMONIC_FCHS)
		v.sign_exp ^= 0x8000;
	else
		v.sign_exp &= 0x7fff;
	x87_write(cpu, 0, v);
	return EXEC_OK;
}

/* FSQRT, FRNDINT, FSCALE, FPREM, FPREM1, F2XM1: ST(0) ← f(ST(0)[, ST(1)]). */
static enum exec_status do_unary(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	bool two = in->mnemonic == ZYDIS_MNEMONIC_FSCALE || in->mnemonic == ZYDIS_MNEMONIC_FPREM ||
		   in->mnemonic == ZYDIS_MNEMONIC_FPREM1;
	bool indef, partial = false;
	unsigned q = 0;
	struct f80 a = x87_st(cpu, 0), b = x87_st(cpu, 1), r;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (!operands_present(cpu, two, 0, &indef))
		return EXEC_OK;
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FSQRT:
		r = sf80_sqrt(&c, a);
		break;
	case ZYDIS_MNEMONIC_FRNDINT:
		r = sf80_round_int(&c, a);
		break;
	case ZYDIS_MNEMONIC_FSCALE:
		r = sf80_scale(&c, a, b);
		break;
	case ZYDIS_MNEMONIC_F2XM1:
		r = sf80_f2xm1(&c, a);
		break;
	default:
		r = sf80_rem(&c, a, b, in->mnemonic == ZYDIS_MNEMONIC_FPREM1, &partial, &q);
		break;
	}
	if (!x87_commit(cpu, &c))
		return EXEC_OK;
	x87_write(cpu, 0, r);
	if (two && in->mnemonic != ZYDIS_MNEMONIC_FSCALE) {
		/* FPREM/FPREM1: C2 = incomplete, C0 C3 C1 = Q2 Q1 Q0 (Vol. 2A "FPREM"). */
		uint16_t cc = partial ? X87_FSW_C2 : 0;

		/* An incomplete reduction leaves C0, C3, C1 clear (as the hardware does). */
		if (!partial && !(c.flags & SF80_IE)) {
			if (q & 4)
				cc |= X87_FSW_C0;
			if (q & 2)
				cc |= X87_FSW_C3;
			if (q & 1)
				cc |= X87_FSW_C1;
		}
		x87_set_cc(cpu, cc);
	}
	return EXEC_OK;
}

/* FXTRACT: ST(0) ← exponent, then push the significand (Vol. 2A "FXTRACT"). */
static enum exec_status do_fxtract(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	struct f80 e, s;
	bool indef;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (!operands_present(cpu, false, 0, &indef)) {
		if (indef)
			x87_push(cpu, f80_indefinite());
		return EXEC_OK;
	}
	if (!x87_empty(cpu, 7)) {
		if (x87_stack_fault(cpu, true)) {
			x87_write(cpu, 0, f80_indefinite());
			x87_dec_top(cpu);
			x87_write(cpu, 0, f80_indefinite());
		}
		return EXEC_OK;
	}
	sf80_extract(&c, x87_st(cpu, 0), &e, &s);
	if (!x87_commit(cpu, &c))
		return EXEC_OK;
	x87_write(cpu, 0, e);
	x87_dec_top(cpu);
	x87_write(cpu, 0, s);
	return EXEC_OK;
}

/* FSIN, FCOS, FSINCOS, FPTAN: |x| >= 2^63 sets C2 and leaves the stack (Vol. 2A "FSIN"). */
static enum exec_status do_trig(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	bool pushes = in->mnemonic == ZYDIS_MNEMONIC_FSINCOS || in->mnemonic == ZYDIS_MNEMONIC_FPTAN;
	bool indef, oor = false;
	struct f80 a = x87_st(cpu, 0), r, r2 = f80_make(false, 16383, 0x8000000000000000ull);

	cpu->x87.fsw &= (uint16_t)~(X87_FSW_C1 | X87_FSW_C2);
	if (!operands_present(cpu, false, 0, &indef)) {
		if (indef && pushes)
			x87_push(cpu, f80_indefinite());
		return EXEC_OK;
	}
	if (pushes && !x87_empty(cpu, 7)) {
		if (x87_stack_fault(cpu, true)) {
			x87_write(cpu, 0, f80_indefinite());
			x87_dec_top(cpu);
			x87_write(cpu, 0, f80_indefinite());
		}
		return EXEC_OK;
	}
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FSIN:
		r = sf80_sin(&c, a, &oor);
		break;
	case ZYDIS_MNEMONIC_FCOS:
		r = sf80_cos(&c, a, &oor);
		break;
	case ZYDIS_MNEMONIC_FPTAN:
		r = sf80_tan(&c, a, &oor);
		if (sf80_is_nan(r))
			r2 = r;
		break;
	default:
		sf80_sincos(&c, a, &r, &r2, &oor);
		break;
	}
	if (oor) {
		cpu->x87.fsw |= X87_FSW_C2;
		return EXEC_OK;
	}
	if (!x87_commit(cpu, &c))
		return EXEC_OK;
	x87_write(cpu, 0, r);
	if (pushes) {
		x87_dec_top(cpu);
		x87_write(cpu, 0, r2);
	}
	return EXEC_OK;
}

/* FPATAN, FYL2X, FYL2XP1: ST(1) ← f(ST(1), ST(0)), then pop. */
static enum exec_status do_binary_pop(struct cpu *cpu, const struct insn *in)
{
	struct sf80_ctx c = x87_ctx(cpu);
	struct f80 x = x87_st(cpu, 0), y = x87_st(cpu, 1), r;
	bool indef;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (!operands_present(cpu, true, 1, &indef)) {
		if (indef)
			x87_pop(cpu);
		return EXEC_OK;
	}
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FPATAN:
		r = sf80_atan2(&c, y, x);
		break;
	case ZYDIS_MNEMONIC_FYL2X:
		r = sf80_yl2x(&c, y, x);
		break;
	default:
		r = sf80_yl2xp1(&c, y, x);
		break;
	}
	if (!x87_commit(cpu, &c))
		return EXEC_OK;
	x87_write(cpu, 1, r);
	x87_pop(cpu);
	return EXEC_OK;
}

enum exec_status exec_farith(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_arith);
}

enum exec_status exec_fcompare(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_compare);
}

enum exec_status exec_fxam(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_fxam);
}

enum exec_status exec_fldconst(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_fldconst);
}

enum exec_status exec_fsign(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_fsign);
}

enum exec_status exec_funary(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_unary);
}

enum exec_status exec_fxtract(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_fxtract);
}

enum exec_status exec_ftrig(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_trig);
}

enum exec_status exec_fbinary_pop(struct cpu *cpu, const struct insn *in)
{
	return x87_run_noncontrol(cpu, in, do_binary_pop);
}
