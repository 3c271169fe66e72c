/* SPDX-License-Identifier: MIT */
/*
 * Shifts and rotates: SDM Vol. 2, "SAL/SAR/SHL/SHR—Shift", "RCL/RCR/ROL/ROR—Rotate",
 * "SHLD—Double Precision Shift Left" and "SHRD—Double Precision Shift Right".
 *
 * Where the SDM leaves a flag undefined (OF for counts above 1, AF, CF and the result
 * of 16-bit SHLD/SHRD beyond 16) we produce what P6-family and later Intel processors
 * do: AF cleared, OF from the same formula as for a count of 1 applied to the final
 * result, and 16-bit double shifts over the operand triple dst:src:dst.
 */
#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

/* See insn_alu.c: a read-modify-write destination is checked for writing first. */
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
 * The count of operand n: CL, an immediate, or the implicit 1 of the D0/D1 forms when
 * the decoder does not list it. Masked to 5 bits, 6 with a 64-bit operand.
 */
static inline enum exec_status shift_count(struct cpu *cpu, const struct insn *in,
					   unsigned n, unsigned *count)
{
	uint64_t c = 1;

	if (in->nops > n) {
		enum exec_status st = op_read(cpu, in, n, &c);
		if (st != EXEC_OK)
			return st;
	}
	*count = (unsigned)c & (in->op[0].size == 8 ? 0x3f : 0x1f);
	return EXEC_OK;
}

/*
 * A count of 0 changes no flag and no bit, but a 32-bit register destination is still
 * written, which clears bits 63:32 as every 32-bit register write does.
 */
static inline enum exec_status zero_count(struct cpu *cpu, const struct insn *in,
					  uint64_t dst)
{
	if (in->op[0].kind == OPK_REG && in->op[0].size == 4)
		return op_write(cpu, in, 0, dst);
	return EXEC_OK;
}

/* SF, ZF and PF of a result; CF, OF and AF clear. */
static inline uint32_t szp_flags(uint64_t res, unsigned size)
{
	uint64_t r = res << (64 - 8 * size);
	uint32_t f = __builtin_parity((unsigned)(res & 0xff)) ? 0 : RFLAGS_PF;

	if (r == 0)
		f |= RFLAGS_ZF;
	if (r >> 63)
		f |= RFLAGS_SF;
	return f;
}

static inline uint32_t cf_of(bool cf, bool of)
{
	return (cf ? RFLAGS_CF : 0) | (of ? RFLAGS_OF : 0);
}

static inline bool msb(uint64_t v, unsigned bits)
{
	return (v >> (bits - 1)) & 1;
}

/* OF of right shifts and rotates: the two top bits of the result differ. */
static inline bool top_two_differ(uint64_t res, unsigned bits)
{
	return ((res ^ (res << 1)) >> (bits - 1)) & 1;
}

enum shift_op { SH_SHL, SH_SHR, SH_SAR };

static inline __attribute__((always_inline)) enum exec_status
shift(struct cpu *cpu, const struct insn *in, enum shift_op sop)
{
	unsigned size = in->op[0].size, bits = 8 * size, count;
	uint64_t dst, res;
	bool cf, of;
	enum exec_status st;

	st = rmw_read(cpu, in, &dst);
	if (st != EXEC_OK)
		return st;
	st = shift_count(cpu, in, 1, &count);
	if (st != EXEC_OK)
		return st;
	if (count == 0)
		return zero_count(cpu, in, dst);

	switch (sop) {
	case SH_SHL:
		/* Counts up to 31 reach past an 8 or 16-bit operand: all bits go. */
		if (count < bits) {
			res = (dst << count) & bits_mask(size);
			cf = (dst >> (bits - count)) & 1;
		} else {
			res = 0;
			cf = count == bits && (dst & 1);
		}
		of = cf ^ msb(res, bits);
		break;
	case SH_SHR:
		res = dst >> count;
		cf = (dst >> (count - 1)) & 1;
		of = top_two_differ(res, bits);
		break;
	default: {
		int64_t s = bits_sext(dst, size);

		res = (uint64_t)(s >> count) & bits_mask(size);
		cf = (s >> (count - 1)) & 1;
		of = false;
		break;
	}
	}

	st = op_write(cpu, in, 0, res);
	if (st != EXEC_OK)
		return st;
	flags_set_arith(cpu, szp_flags(res, size) | cf_of(cf, of));
	return EXEC_OK;
}

enum exec_status exec_shl(struct cpu *cpu, const struct insn *in)
{
	return shift(cpu, in, SH_SHL);
}

enum exec_status exec_shr(struct cpu *cpu, const struct insn *in)
{
	return shift(cpu, in, SH_SHR);
}

enum exec_status exec_sar(struct cpu *cpu, const struct insn *in)
{
	return shift(cpu, in, SH_SAR);
}

enum rotate_op { ROT_ROL, ROT_ROR, ROT_RCL, ROT_RCR };

/* Rotates change CF and OF only; the other arithmetic flags keep their values. */
static inline __attribute__((always_inline)) enum exec_status
rotate(struct cpu *cpu, const struct insn *in, enum rotate_op rop)
{
	unsigned size = in->op[0].size, bits = 8 * size, count;
	uint64_t dst, res, mask = bits_mask(size);
	bool cf, of;
	enum exec_status st;

	st = rmw_read(cpu, in, &dst);
	if (st != EXEC_OK)
		return st;
	st = shift_count(cpu, in, 1, &count);
	if (st != EXEC_OK)
		return st;
	if (count == 0)
		return zero_count(cpu, in, dst);

	if (rop == ROT_ROL || rop == ROT_ROR) {
		/*
		 * An 8 or 16-bit rotate by a multiple of its width leaves the operand as it
		 * is but still sets CF and OF from it.
		 */
		unsigned r = count & (bits - 1);

		if (r == 0)
			res = dst;
		else if (rop == ROT_ROL)
			res = ((dst << r) | (dst >> (bits - r))) & mask;
		else
			res = ((dst >> r) | (dst << (bits - r))) & mask;
		if (rop == ROT_ROL) {
			cf = res & 1;
			of = cf ^ msb(res, bits);
		} else {
			cf = msb(res, bits);
			of = top_two_differ(res, bits);
		}
		if (r != 0) {
			st = op_write(cpu, in, 0, res);
			if (st != EXEC_OK)
				return st;
		}
	} else {
		/* Through CF: a rotate of the bits + 1 wide value CF:dst. */
		unsigned width = bits + 1, c = count;
		unsigned __int128 wmask = ((unsigned __int128)1 << width) - 1, v, r;

		if (bits < 32)
			c %= width;
		if (c == 0)
			return EXEC_OK;
		v = ((unsigned __int128)flags_cf(cpu) << bits) | dst;
		if (rop == ROT_RCL)
			r = ((v << c) | (v >> (width - c))) & wmask;
		else
			r = ((v >> c) | (v << (width - c))) & wmask;
		res = (uint64_t)r & mask;
		cf = (uint64_t)(r >> bits) & 1;
		of = rop == ROT_RCL ? cf ^ msb(res, bits) : top_two_differ(res, bits);
		st = op_write(cpu, in, 0, res);
		if (st != EXEC_OK)
			return st;
	}
	uint64_t keep = flags_read(cpu) & RFLAGS_ARITH & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF);

	flags_set_arith(cpu, (uint32_t)keep | cf_of(cf, of));
	return EXEC_OK;
}

enum exec_status exec_rol(struct cpu *cpu, const struct insn *in)
{
	return rotate(cpu, in, ROT_ROL);
}

enum exec_status exec_ror(struct cpu *cpu, const struct insn *in)
{
	return rotate(cpu, in, ROT_ROR);
}

enum exec_status exec_rcl(struct cpu *cpu, const struct insn *in)
{
	return rotate(cpu, in, ROT_RCL);
}

enum exec_status exec_rcr(struct cpu *cpu, const struct insn *in)
{
	return rotate(cpu, in, ROT_RCR);
}

/*
 * SHLD and SHRD. A 16-bit operand with a count of 17 to 31 shifts, on P6-family and
 * later processors, through the 48-bit triple dst:src:dst; counting CF and the result
 * from that triple also gives the architectural answer for counts up to 16.
 */
static enum exec_status double_shift(struct cpu *cpu, const struct insn *in, bool left)
{
	unsigned size = in->op[0].size, bits = 8 * size, count;
	uint64_t dst, src, res, mask = bits_mask(size);
	bool cf, of;
	enum exec_status st;

	st = rmw_read(cpu, in, &dst);
	if (st != EXEC_OK)
		return st;
	st = op_read(cpu, in, 1, &src);
	if (st != EXEC_OK)
		return st;
	st = shift_count(cpu, in, 2, &count);
	if (st != EXEC_OK)
		return st;
	if (count == 0)
		return zero_count(cpu, in, dst);

	if (size == 2) {
		uint64_t t = dst << 32 | src << 16 | dst;

		if (left) {
			res = (t >> (32 - count)) & mask;
			cf = (t >> (48 - count)) & 1;
		} else {
			res = (t >> count) & mask;
			cf = (t >> (count - 1)) & 1;
		}
	} else if (left) {
		res = ((dst << count) | (src >> (bits - count))) & mask;
		cf = (dst >> (bits - count)) & 1;
	} else {
		res = ((dst >> count) | (src << (bits - count))) & mask;
		cf = (dst >> (count - 1)) & 1;
	}
	of = left ? cf ^ msb(res, bits) : top_two_differ(res, bits);

	st = op_write(cpu, in, 0, res);
	if (st != EXEC_OK)
		return st;
	flags_set_arith(cpu, szp_flags(res, size) | cf_of(cf, of));
	return EXEC_OK;
}

enum exec_status exec_shld(struct cpu *cpu, const struct insn *in)
{
	return double_shift(cpu, in, true);
}

enum exec_status exec_shrd(struct cpu *cpu, const struct insn *in)
{
	return double_shift(cpu, in, false);
}
