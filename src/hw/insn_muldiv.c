/* SPDX-License-Identifier: MIT */
/*
 * Multiplication and division: SDM Vol. 2, "MUL—Unsigned Multiply", "IMUL—Signed
 * Multiply", "DIV—Unsigned Divide" and "IDIV—Signed Divide".
 *
 * Flags the SDM leaves undefined are those of P6-family and later Intel processors (as
 * Bochs models them): after MUL and IMUL, SF, ZF and PF describe the low half of the
 * product (the destination) and AF is clear; DIV and IDIV change no flag.
 */
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static inline uint32_t mul_flags(uint64_t low, unsigned size, bool overflow)
{
	uint64_t r = low << (64 - 8 * size);
	uint32_t f = __builtin_parity((unsigned)(low & 0xff)) ? 0 : RFLAGS_PF;

	if (r == 0)
		f |= RFLAGS_ZF;
	if (r >> 63)
		f |= RFLAGS_SF;
	if (overflow)
		f |= RFLAGS_CF | RFLAGS_OF;
	return f;
}

/* Store the double-width result: AX for bytes, else rDX:rAX. */
static inline void write_rdx_rax(struct cpu *cpu, unsigned size, uint64_t low,
				 uint64_t high)
{
	if (size == 1) {
		reg_write(cpu, R_RAX, 2, (high & 0xff) << 8 | (low & 0xff));
		return;
	}
	reg_write(cpu, R_RAX, size, low);
	reg_write(cpu, R_RDX, size, high);
}

/* MUL r/m: rDX:rAX = rAX * r/m; CF = OF = the high half is not zero. */
enum exec_status exec_mul(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size, bits = 8 * size;
	uint64_t src, low, high;
	enum exec_status st = op_read(cpu, in, 0, &src);

	if (st != EXEC_OK)
		return st;
	uint64_t a = reg_read(cpu, R_RAX, size);

	if (size == 8) {
		u128 p = (u128)a * src;

		low = (uint64_t)p;
		high = (uint64_t)(p >> 64);
	} else {
		uint64_t p = a * src;

		low = p & bits_mask(size);
		high = p >> bits;
	}
	write_rdx_rax(cpu, size, low, high);
	flags_set_arith(cpu, mul_flags(low, size, high != 0));
	return EXEC_OK;
}

/*
 * IMUL in its three forms: one operand (rDX:rAX = rAX * r/m), two (dst *= r/m) and
 * three (dst = r/m * imm). CF = OF = the product does not fit the destination.
 */
enum exec_status exec_imul(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t x, y, low, high;
	bool overflow;
	enum exec_status st;

	if (in->nops == 1) {
		st = op_read(cpu, in, 0, &y);
		if (st != EXEC_OK)
			return st;
		x = reg_read(cpu, R_RAX, size);
	} else {
		st = op_read(cpu, in, in->nops - 2, &x);
		if (st != EXEC_OK)
			return st;
		st = op_read(cpu, in, in->nops - 1, &y);
		if (st != EXEC_OK)
			return st;
	}

	if (size == 8) {
		s128 p = (s128)(int64_t)x * (int64_t)y;

		low = (uint64_t)p;
		high = (uint64_t)(p >> 64);
		overflow = p != (int64_t)low;
	} else {
		int64_t p = bits_sext(x, size) * bits_sext(y, size);

		low = (uint64_t)p & bits_mask(size);
		high = ((uint64_t)p >> (8 * size)) & bits_mask(size);
		overflow = p != bits_sext(low, size);
	}

	if (in->nops == 1) {
		write_rdx_rax(cpu, size, low, high);
	} else {
		st = op_write(cpu, in, 0, low);
		if (st != EXEC_OK)
			return st;
	}
	flags_set_arith(cpu, mul_flags(low, size, overflow));
	return EXEC_OK;
}

/* The dividend: AX for bytes, else rDX:rAX. */
static inline u128 read_dividend(const struct cpu *cpu, unsigned size)
{
	if (size == 1)
		return reg_read(cpu, R_RAX, 2);
	return (u128)reg_read(cpu, R_RDX, size) << (8 * size) | reg_read(cpu, R_RAX, size);
}

/* Store quotient and remainder: AL and AH for bytes, else rAX and rDX. */
static inline void write_quotient(struct cpu *cpu, unsigned size, uint64_t q, uint64_t r)
{
	if (size == 1)
		reg_write(cpu, R_RAX, 2, (r & 0xff) << 8 | (q & 0xff));
	else
		write_rdx_rax(cpu, size, q, r);
}

/* DIV r/m: #DE when the divisor is 0 or the quotient does not fit; nothing is written. */
enum exec_status exec_div(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t d, q, r;
	enum exec_status st = op_read(cpu, in, 0, &d);

	if (st != EXEC_OK)
		return st;
	if (d == 0)
		return cpu_fault(cpu, VEC_DE);

	if (size == 8 && cpu->gpr[R_RDX] != 0) {
		/* A 128-bit dividend: the quotient fits only when RDX < divisor. */
		if (cpu->gpr[R_RDX] >= d)
			return cpu_fault(cpu, VEC_DE);
		u128 n = (u128)cpu->gpr[R_RDX] << 64 | cpu->gpr[R_RAX];

		q = (uint64_t)(n / d);
		r = (uint64_t)(n % d);
	} else {
		uint64_t n = (uint64_t)read_dividend(cpu, size);

		q = n / d;
		r = n % d;
		if (q > bits_mask(size))
			return cpu_fault(cpu, VEC_DE);
	}
	write_quotient(cpu, size, q, r);
	return EXEC_OK;
}

/*
 * IDIV r/m: #DE when the divisor is 0 or the quotient leaves the signed range (which
 * includes the most negative dividend divided by -1). Quotients round toward zero and
 * the remainder takes the dividend's sign, as C's / and % do.
 */
enum exec_status exec_idiv(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t dv;
	int64_t d, q, r;
	enum exec_status st = op_read(cpu, in, 0, &dv);

	if (st != EXEC_OK)
		return st;
	d = bits_sext(dv, size);
	if (d == 0)
		return cpu_fault(cpu, VEC_DE);

	int64_t qmax = (int64_t)(bits_mask(size) >> 1), qmin = -qmax - 1;

	if (size == 8) {
		s128 n = (s128)((u128)cpu->gpr[R_RDX] << 64 | cpu->gpr[R_RAX]);

		if (n == (int64_t)cpu->gpr[R_RAX]) {
			/* The dividend fits 64 bits: divide natively. */
			int64_t n64 = (int64_t)cpu->gpr[R_RAX];

			if (n64 == INT64_MIN && d == -1)
				return cpu_fault(cpu, VEC_DE);
			q = n64 / d;
			r = n64 % d;
		} else {
			/*
			 * |n| >= 2^63 here, so a divisor of -1 (or 1) gives a quotient out of
			 * range; ruling -1 out first also keeps n / d inside 128 bits.
			 */
			if (d == -1)
				return cpu_fault(cpu, VEC_DE);
			s128 q128 = n / d;

			if (q128 > qmax || q128 < qmin)
				return cpu_fault(cpu, VEC_DE);
			q = (int64_t)q128;
			r = (int64_t)(n % d);
		}
	} else {
		/* At most 64 bits of dividend; its minimum over -1 is the one C overflow. */
		int64_t n = bits_sext((uint64_t)read_dividend(cpu, size), size == 1 ? 2 : 2 * size);

		if (d == -1 && n == INT64_MIN)
			return cpu_fault(cpu, VEC_DE);
		q = n / d;
		r = n % d;
		if (q > qmax || q < qmin)
			return cpu_fault(cpu, VEC_DE);
	}
	write_quotient(cpu, size, (uint64_t)q, (uint64_t)r);
	return EXEC_OK;
}
