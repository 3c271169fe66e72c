/* SPDX-License-Identifier: MIT */
/*
 * Lazy arithmetic flags: CF, PF, AF, ZF, SF and OF as SDM Vol. 1, 3.4.3.1 "Status Flags"
 * and Appendix A "EFLAGS Cross-Reference" define them, computed only when read.
 *
 * cpu->lazy holds the last flag-setting operation: res = dst OP src at size bytes.
 * Values are evaluated left-aligned: shifting an operand left by 64 - 8 * size puts its
 * sign bit in bit 63 and drops whatever the caller left above the operand, so one 64-bit
 * comparison serves every operand size and callers need not mask.
 *
 * INC and DEC leave CF alone; their record keeps the CF they inherited in lazy.src
 * (bit 0), which is free because their source is always 1.
 */
#include "hw/flags.h"

static inline unsigned align_shift(unsigned size)
{
	return 64 - 8 * size;
}

/* PF is set when the low byte of the result holds an even number of ones. */
static inline uint32_t parity_flag(uint64_t res)
{
	return __builtin_parity((unsigned)(res & 0xff)) ? 0 : RFLAGS_PF;
}

static inline bool lazy_cf(const struct cpu *cpu)
{
	if (cpu->lazy.op == FLAGS_OP_NONE)
		return (cpu->rflags & RFLAGS_CF) != 0;

	unsigned sh = align_shift(cpu->lazy.size);
	uint64_t d = cpu->lazy.dst << sh, s = cpu->lazy.src << sh, r = cpu->lazy.res << sh;

	switch (cpu->lazy.op) {
	case FLAGS_OP_ADD:
		return r < d;
	case FLAGS_OP_ADC:
		/* The carry-in is what the sum holds beyond dst + src. */
		return (r - d - s) ? r <= d : r < d;
	case FLAGS_OP_SUB:
		return d < s;
	case FLAGS_OP_SBB:
		return (d - s - r) ? d <= s : d < s;
	case FLAGS_OP_INC:
	case FLAGS_OP_DEC:
		return cpu->lazy.src & 1;
	case FLAGS_OP_NEG:
		/* 0 - x borrows unless x is zero, and x is zero exactly when -x is. */
		return r != 0;
	case FLAGS_OP_LOGIC:
		return false;
	default:
		return (cpu->rflags & RFLAGS_CF) != 0;
	}
}

static inline bool lazy_of(const struct cpu *cpu)
{
	unsigned sh = align_shift(cpu->lazy.size);
	uint64_t d = cpu->lazy.dst << sh, s = cpu->lazy.src << sh, r = cpu->lazy.res << sh;
	const uint64_t sign = 1ull << 63;

	switch (cpu->lazy.op) {
	case FLAGS_OP_ADD:
	case FLAGS_OP_ADC:
		/* Both addends share a sign the sum does not have. */
		return ((d ^ r) & (s ^ r)) >> 63;
	case FLAGS_OP_SUB:
	case FLAGS_OP_SBB:
		/* Operands of different signs, and the result took the subtrahend's. */
		return ((d ^ s) & (d ^ r)) >> 63;
	case FLAGS_OP_INC:
	case FLAGS_OP_NEG:
		/* Only MAX + 1 and -MIN overflow; both give MIN. */
		return r == sign;
	case FLAGS_OP_DEC:
		return d == sign;
	case FLAGS_OP_LOGIC:
		return false;
	default:
		return (cpu->rflags & RFLAGS_OF) != 0;
	}
}

/* AF: carry out of, or borrow into, bit 3. */
static inline uint32_t lazy_af(const struct cpu *cpu)
{
	uint64_t res = cpu->lazy.res;

	switch (cpu->lazy.op) {
	case FLAGS_OP_ADD:
	case FLAGS_OP_ADC:
	case FLAGS_OP_SUB:
	case FLAGS_OP_SBB:
		return (uint32_t)((cpu->lazy.dst ^ cpu->lazy.src ^ res) & RFLAGS_AF);
	case FLAGS_OP_INC:
		return (res & 0xf) == 0 ? RFLAGS_AF : 0;
	case FLAGS_OP_DEC:
		return (res & 0xf) == 0xf ? RFLAGS_AF : 0;
	case FLAGS_OP_NEG:
		return (res & 0xf) != 0 ? RFLAGS_AF : 0;
	case FLAGS_OP_LOGIC:
		/* Undefined for AND, OR, XOR, TEST; Intel silicon clears it. */
		return 0;
	default:
		return (uint32_t)(cpu->rflags & RFLAGS_AF);
	}
}

static uint32_t lazy_arith(const struct cpu *cpu)
{
	uint64_t r = cpu->lazy.res << align_shift(cpu->lazy.size);
	uint32_t f = parity_flag(cpu->lazy.res) | lazy_af(cpu);

	if (lazy_cf(cpu))
		f |= RFLAGS_CF;
	if (lazy_of(cpu))
		f |= RFLAGS_OF;
	if (r == 0)
		f |= RFLAGS_ZF;
	if (r >> 63)
		f |= RFLAGS_SF;
	return f;
}

void flags_set_lazy(struct cpu *cpu, enum flags_op op, unsigned size, uint64_t dst,
		    uint64_t src, uint64_t res)
{
	/* INC and DEC keep the CF they inherit: capture it before the record changes. */
	if (op == FLAGS_OP_INC || op == FLAGS_OP_DEC)
		src = flags_cf(cpu);
	cpu->lazy.dst = dst;
	cpu->lazy.src = src;
	cpu->lazy.res = res;
	cpu->lazy.size = (uint8_t)size;
	cpu->lazy.op = op;
}

void flags_set_arith(struct cpu *cpu, uint32_t arith)
{
	cpu->rflags = (cpu->rflags & ~(uint64_t)RFLAGS_ARITH) | (arith & RFLAGS_ARITH);
	cpu->lazy.op = FLAGS_OP_NONE;
}

uint64_t flags_read(struct cpu *cpu)
{
	if (cpu->lazy.op != FLAGS_OP_NONE) {
		cpu->rflags = (cpu->rflags & ~(uint64_t)RFLAGS_ARITH) | lazy_arith(cpu);
		cpu->lazy.op = FLAGS_OP_NONE;
	}
	return cpu->rflags | RFLAGS_FIXED1;
}

void flags_write(struct cpu *cpu, uint64_t rflags)
{
	/* Bits 3, 5, 15 and 22-63 are reserved: they read 0 whatever is written (SDM Vol. 1, 3.4.3). */
	cpu->rflags = (rflags & RFLAGS_DEFINED) | RFLAGS_FIXED1;
	cpu->lazy.op = FLAGS_OP_NONE;
}

bool flags_cf(struct cpu *cpu)
{
	return lazy_cf(cpu);
}

/* Conditions in the order of the tttn encoding (SDM Vol. 2, Appendix B.1.4.7), true sense. */
enum cond {
	COND_O, COND_B, COND_Z, COND_BE, COND_S, COND_P, COND_L, COND_LE,
};

static bool cond_from_bits(uint64_t f, unsigned c)
{
	bool of = (f & RFLAGS_OF) != 0, sf = (f & RFLAGS_SF) != 0, zf = (f & RFLAGS_ZF) != 0;

	switch (c) {
	case COND_O:
		return of;
	case COND_B:
		return (f & RFLAGS_CF) != 0;
	case COND_Z:
		return zf;
	case COND_BE:
		return (f & (RFLAGS_CF | RFLAGS_ZF)) != 0;
	case COND_S:
		return sf;
	case COND_P:
		return (f & RFLAGS_PF) != 0;
	case COND_L:
		return sf != of;
	default:
		return zf || sf != of;
	}
}

/*
 * Jcc, SETcc and CMOVcc read one condition, mostly right after CMP, SUB, TEST or a
 * logical operation: answer those from the record (unsigned and signed comparisons of
 * the aligned operands) without building the flags.
 */
bool flags_cond(struct cpu *cpu, unsigned cc)
{
	unsigned c = (cc >> 1) & 7;
	unsigned op = cpu->lazy.op;
	bool v;

	if (op == FLAGS_OP_NONE)
		return cond_from_bits(cpu->rflags, c) != (cc & 1);

	unsigned sh = align_shift(cpu->lazy.size);
	uint64_t d = cpu->lazy.dst << sh, s = cpu->lazy.src << sh, r = cpu->lazy.res << sh;

	if (c == COND_Z) {
		v = r == 0;
	} else if (c == COND_S) {
		v = r >> 63;
	} else if (op == FLAGS_OP_SUB) {
		switch (c) {
		case COND_O:
			v = ((d ^ s) & (d ^ r)) >> 63;
			break;
		case COND_B:
			v = d < s;
			break;
		case COND_BE:
			v = d <= s;
			break;
		case COND_L:
			v = (int64_t)d < (int64_t)s;
			break;
		case COND_LE:
			v = (int64_t)d <= (int64_t)s;
			break;
		default:
			v = parity_flag(cpu->lazy.res) != 0;
			break;
		}
	} else if (op == FLAGS_OP_LOGIC) {
		switch (c) {
		case COND_O:
		case COND_B:
			v = false;
			break;
		case COND_BE:
			v = r == 0;
			break;
		case COND_L:
			v = r >> 63;
			break;
		case COND_LE:
			v = (int64_t)r <= 0;
			break;
		default:
			v = parity_flag(cpu->lazy.res) != 0;
			break;
		}
	} else {
		v = cond_from_bits(lazy_arith(cpu), c);
	}
	return v != (cc & 1);
}
