/* SPDX-License-Identifier: MIT */
/*
 * Bit instructions: SDM Vol. 2, "BT—Bit Test" (and BTS, BTR, BTC), "BSF—Bit Scan
 * Forward", "BSR—Bit Scan Reverse", "LZCNT", "TZCNT", "POPCNT" and "BSWAP—Byte Swap".
 *
 * Flags the SDM leaves undefined are those of P6-family and later Intel processors as
 * Bochs models them: BT* and LZCNT/TZCNT change no flag besides the defined ones; BSF
 * and BSR with a nonzero source clear CF, OF, SF and AF and set PF from the index.
 */
#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

/* Replace the arithmetic flags in `which` by `value`, keeping the others. */
static inline void flags_update(struct cpu *cpu, uint32_t which, uint32_t value)
{
	uint64_t keep = flags_read(cpu) & RFLAGS_ARITH & ~(uint64_t)which;

	flags_set_arith(cpu, (uint32_t)keep | (value & which));
}

enum bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static inline uint64_t bt_apply(enum bt_op bop, uint64_t v, uint64_t bitmask)
{
	switch (bop) {
	case BT_SET:
		return v | bitmask;
	case BT_RESET:
		return v & ~bitmask;
	case BT_COMPLEMENT:
		return v ^ bitmask;
	default:
		return v;
	}
}

/*
 * With a memory bit base and a register bit offset, the offset is a signed index into
 * a bit string that starts at the operand: the access moves by (offset / width) operands
 * (SDM Vol. 2, 3.1.1.9 "Operation Section", "Bit(BitBase, BitOffset)"). An immediate
 * offset, or a register base, only selects a bit within the operand.
 */
static inline __attribute__((always_inline)) enum exec_status
bit_test(struct cpu *cpu, const struct insn *in, enum bt_op bop)
{
	const struct operand *base = &in->op[0];
	unsigned size = base->size, bits = 8 * size;
	uint64_t off, v;
	bool cf;
	enum exec_status st;

	st = op_read(cpu, in, 1, &off);
	if (st != EXEC_OK)
		return st;

	if (base->kind == OPK_MEM) {
		uint64_t ea = op_ea(cpu, in, base);

		if (in->op[1].kind != OPK_IMM) {
			int64_t index = bits_sext(off, size) >> __builtin_ctz(bits);

			ea = (ea + (uint64_t)index * size) & bits_mask(in->addrsize);
		}
		/* A read-modify-write is checked for writing before it reads. */
		if (bop != BT_TEST) {
			st = mem_probe_write(cpu, base->seg, ea, size);
			if (st != EXEC_OK)
				return st;
		}
		st = mem_read(cpu, base->seg, ea, size, &v);
		if (st != EXEC_OK)
			return st;
		uint64_t bitmask = 1ull << (off & (bits - 1));

		cf = (v & bitmask) != 0;
		if (bop != BT_TEST) {
			st = mem_write(cpu, base->seg, ea, size, bt_apply(bop, v, bitmask));
			if (st != EXEC_OK)
				return st;
		}
	} else {
		st = op_read(cpu, in, 0, &v);
		if (st != EXEC_OK)
			return st;
		uint64_t bitmask = 1ull << (off & (bits - 1));

		cf = (v & bitmask) != 0;
		if (bop != BT_TEST) {
			st = op_write(cpu, in, 0, bt_apply(bop, v, bitmask));
			if (st != EXEC_OK)
				return st;
		}
	}
	flags_update(cpu, RFLAGS_CF, cf ? RFLAGS_CF : 0);
	return EXEC_OK;
}

enum exec_status exec_bt(struct cpu *cpu, const struct insn *in)
{
	return bit_test(cpu, in, BT_TEST);
}

enum exec_status exec_bts(struct cpu *cpu, const struct insn *in)
{
	return bit_test(cpu, in, BT_SET);
}

enum exec_status exec_btr(struct cpu *cpu, const struct insn *in)
{
	return bit_test(cpu, in, BT_RESET);
}

enum exec_status exec_btc(struct cpu *cpu, const struct insn *in)
{
	return bit_test(cpu, in, BT_COMPLEMENT);
}

/*
 * BSF and BSR: a zero source sets ZF and leaves the destination, all of it, unchanged
 * (Intel documents the destination as undefined; silicon and AMD's manual keep it).
 */
static enum exec_status bit_scan(struct cpu *cpu, const struct insn *in, bool reverse)
{
	uint64_t src, res;
	enum exec_status st = op_read(cpu, in, 1, &src);

	if (st != EXEC_OK)
		return st;
	src &= bits_mask(in->op[0].size);
	if (src == 0) {
		flags_update(cpu, RFLAGS_ZF, RFLAGS_ZF);
		return EXEC_OK;
	}
	res = reverse ? 63 - (unsigned)__builtin_clzll(src) : (unsigned)__builtin_ctzll(src);
	st = op_write(cpu, in, 0, res);
	if (st != EXEC_OK)
		return st;
	flags_set_arith(cpu, __builtin_parity((unsigned)res) ? 0 : RFLAGS_PF);
	return EXEC_OK;
}

enum exec_status exec_bsf(struct cpu *cpu, const struct insn *in)
{
	return bit_scan(cpu, in, false);
}

enum exec_status exec_bsr(struct cpu *cpu, const struct insn *in)
{
	return bit_scan(cpu, in, true);
}

/* LZCNT and TZCNT: the operand width for a zero source; CF = source was 0, ZF = result is 0. */
static enum exec_status bit_count_zeros(struct cpu *cpu, const struct insn *in, bool leading)
{
	unsigned bits = 8 * in->op[0].size;
	uint64_t src, res;
	enum exec_status st = op_read(cpu, in, 1, &src);

	if (st != EXEC_OK)
		return st;
	src &= bits_mask(in->op[0].size);
	if (src == 0)
		res = bits;
	else if (leading)
		res = (unsigned)__builtin_clzll(src) - (64 - bits);
	else
		res = (unsigned)__builtin_ctzll(src);
	st = op_write(cpu, in, 0, res);
	if (st != EXEC_OK)
		return st;
	flags_update(cpu, RFLAGS_CF | RFLAGS_ZF,
		     (src == 0 ? RFLAGS_CF : 0) | (res == 0 ? RFLAGS_ZF : 0));
	return EXEC_OK;
}

enum exec_status exec_lzcnt(struct cpu *cpu, const struct insn *in)
{
	return bit_count_zeros(cpu, in, true);
}

enum exec_status exec_tzcnt(struct cpu *cpu, const struct insn *in)
{
	return bit_count_zeros(cpu, in, false);
}

/* POPCNT: every arithmetic flag cleared but ZF, which says the source was 0. */
enum exec_status exec_popcnt(struct cpu *cpu, const struct insn *in)
{
	uint64_t src;
	enum exec_status st = op_read(cpu, in, 1, &src);

	if (st != EXEC_OK)
		return st;
	src &= bits_mask(in->op[0].size);
	st = op_write(cpu, in, 0, (uint64_t)__builtin_popcountll(src));
	if (st != EXEC_OK)
		return st;
	flags_set_arith(cpu, src == 0 ? RFLAGS_ZF : 0);
	return EXEC_OK;
}

/* BSWAP: with a 16-bit operand the result is undefined; silicon zeroes the low word. */
enum exec_status exec_bswap(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t v;
	enum exec_status st = op_read(cpu, in, 0, &v);

	if (st != EXEC_OK)
		return st;
	if (size == 8)
		v = __builtin_bswap64(v);
	else if (size == 4)
		v = __builtin_bswap32((uint32_t)v);
	else
		v = 0;
	return op_write(cpu, in, 0, v);
}
