/* SPDX-License-Identifier: MIT */
/*
 * Data movement, conditional moves and flag instructions (SDM Vol. 2, the MOV, MOVZX,
 * MOVSX/MOVSXD, LEA, XCHG, XADD, CMPXCHG, CMPXCHG8B/16B, CMOVcc, SETcc, CBW/CWD, LAHF,
 * SAHF, CLC … STD, NOP, XLAT entries; Vol. 1, 7.3 "Programming with General-Purpose
 * Instructions").
 */
#include "hw/insn_handlers.h"

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/operand.h"

static bool is_mem(const struct operand *op)
{
	return op->kind == OPK_MEM;
}

/* The accumulator at operand size: AL, AX, EAX or RAX. */
static uint64_t acc_read(const struct cpu *cpu, unsigned size)
{
	return reg_read(cpu, R_RAX, size);
}

static uint64_t arith_flags(struct cpu *cpu)
{
	return flags_read(cpu) & RFLAGS_ARITH;
}

static void set_zf(struct cpu *cpu, bool zf)
{
	uint64_t f = arith_flags(cpu) & ~(uint64_t)RFLAGS_ZF;

	flags_set_arith(cpu, (uint32_t)(f | (zf ? RFLAGS_ZF : 0)));
}

enum exec_status exec_mov(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st = op_read(cpu, in, 1, &v);

	if (st != EXEC_OK)
		return st;
	return op_write(cpu, in, 0, v);
}

enum exec_status exec_movzx(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st = op_read(cpu, in, 1, &v);

	if (st != EXEC_OK)
		return st;
	return op_write(cpu, in, 0, v & bits_mask(in->op[1].size));
}

enum exec_status exec_movsx(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st = op_read(cpu, in, 1, &v);

	if (st != EXEC_OK)
		return st;
	v = (uint64_t)bits_sext(v, in->op[1].size) & bits_mask(in->op[0].size);
	return op_write(cpu, in, 0, v);
}

/*
 * MOVSXD r64, r/m32 sign-extends; the forms without REX.W (r32, r/m32 and r16, r/m16)
 * are plain moves, which the same source-size → destination-size extension gives.
 */
enum exec_status exec_movsxd(struct cpu *cpu, const struct insn *in)
{
	return exec_movsx(cpu, in);
}

/*
 * LEA computes the offset with the address size and then truncates or zero-extends it
 * to the operand size (SDM Vol. 2A, LEA, Table 3-54); no memory is accessed.
 */
enum exec_status exec_lea(struct cpu *cpu, const struct insn *in)
{
	const struct operand *src = &in->op[1];

	if (!is_mem(src))
		return cpu_ud(cpu);
	return op_write(cpu, in, 0, op_ea(cpu, in, src) & bits_mask(in->op[0].size));
}

/*
 * XCHG: with a memory operand it is locked whether or not LOCK is present; here the
 * memory write comes first so a fault on it leaves the register untouched.
 * 87 C0 (XCHG EAX, EAX) in 64-bit mode zero-extends RAX through the 32-bit write; 90
 * decodes as NOP and never arrives here.
 */
enum exec_status exec_xchg(struct cpu *cpu, const struct insn *in)
{
	uint64_t a, b;
	enum exec_status st;
	unsigned first = is_mem(&in->op[1]) ? 1 : 0;

	st = op_read(cpu, in, 0, &a);
	if (st != EXEC_OK)
		return st;
	st = op_read(cpu, in, 1, &b);
	if (st != EXEC_OK)
		return st;
	st = op_write(cpu, in, first, first ? a : b);
	if (st != EXEC_OK)
		return st;
	return op_write(cpu, in, 1 - first, first ? b : a);
}

/*
 * XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. With two registers the destination
 * is written last, so XADD r, r (same register) leaves the sum; with memory the memory
 * write goes first so that a fault changes nothing.
 */
enum exec_status exec_xadd(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t dst, src, sum;
	enum exec_status st;

	st = op_read(cpu, in, 0, &dst);
	if (st != EXEC_OK)
		return st;
	st = op_read(cpu, in, 1, &src);
	if (st != EXEC_OK)
		return st;
	sum = (dst + src) & bits_mask(size);
	if (is_mem(&in->op[0])) {
		st = op_write(cpu, in, 0, sum);
		if (st != EXEC_OK)
			return st;
		st = op_write(cpu, in, 1, dst);
	} else {
		st = op_write(cpu, in, 1, dst);
		if (st == EXEC_OK)
			st = op_write(cpu, in, 0, sum);
	}
	if (st != EXEC_OK)
		return st;
	flags_set_lazy(cpu, FLAGS_OP_ADD, size, dst, src, sum);
	return EXEC_OK;
}

/*
 * CMPXCHG (SDM Vol. 2A, CMPXCHG, Operation): flags of CMP accumulator, DEST. On a
 * match DEST = SRC; otherwise the accumulator gets DEST. A memory destination receives
 * a write cycle either way (the old value on failure); a register destination is left
 * untouched on failure (no zero-extension in 64-bit mode), as silicon does, and the
 * accumulator is written only on failure.
 */
enum exec_status exec_cmpxchg(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->op[0].size;
	uint64_t dst, src, acc = acc_read(cpu, size);
	enum exec_status st;
	bool equal;

	st = op_read(cpu, in, 0, &dst);
	if (st != EXEC_OK)
		return st;
	st = op_read(cpu, in, 1, &src);
	if (st != EXEC_OK)
		return st;
	equal = acc == dst;
	if (equal || is_mem(&in->op[0])) {
		st = op_write(cpu, in, 0, equal ? src : dst);
		if (st != EXEC_OK)
			return st;
	}
	if (!equal)
		reg_write(cpu, R_RAX, size, dst);
	flags_set_lazy(cpu, FLAGS_OP_SUB, size, acc, dst, (acc - dst) & bits_mask(size));
	return EXEC_OK;
}

/*
 * CMPXCHG8B m64 / CMPXCHG16B m128: compare EDX:EAX (RDX:RAX) with the memory operand;
 * equal → store ECX:EBX (RCX:RBX), else load the accumulator pair. Memory is written in
 * both cases (the old value on failure). Only ZF changes. A register operand is #UD;
 * CMPXCHG16B requires a 16-byte aligned operand, else #GP(0).
 */
static enum exec_status cmpxchg_wide(struct cpu *cpu, const struct insn *in, unsigned half)
{
	const struct operand *m = &in->op[0];
	uint64_t off, mem[2] = {0, 0}, rep[2];
	enum exec_status st;
	bool equal;

	if (!is_mem(m))
		return cpu_ud(cpu);
	off = op_ea(cpu, in, m);
	if (half == 4) {
		/* One 8-byte access, so alignment checking (#AC) applies as to any qword. */
		uint64_t acc = reg_read(cpu, R_RAX, 4) | reg_read(cpu, R_RDX, 4) << 32;

		st = mem_read(cpu, m->seg, off, 8, &mem[0]);
		if (st != EXEC_OK)
			return st;
		equal = mem[0] == acc;
		rep[0] = reg_read(cpu, R_RBX, 4) | reg_read(cpu, R_RCX, 4) << 32;
		st = mem_write(cpu, m->seg, off, 8, equal ? rep[0] : mem[0]);
		if (st != EXEC_OK)
			return st;
		if (!equal) {
			reg_write(cpu, R_RAX, 4, mem[0]);
			reg_write(cpu, R_RDX, 4, mem[0] >> 32);
		}
	} else {
		/* 64-bit mode only (REX.W): the base of FS and GS is all segmentation adds. */
		uint64_t base = (m->seg == SEG_FS || m->seg == SEG_GS) ? cpu->seg[m->seg].base : 0;

		if ((base + off) & 15)
			return cpu_gp0(cpu);
		st = mem_read_buf(cpu, m->seg, off, mem, 16);
		if (st != EXEC_OK)
			return st;
		equal = mem[0] == cpu->gpr[R_RAX] && mem[1] == cpu->gpr[R_RDX];
		rep[0] = cpu->gpr[R_RBX];
		rep[1] = cpu->gpr[R_RCX];
		st = mem_write_buf(cpu, m->seg, off, equal ? rep : mem, 16);
		if (st != EXEC_OK)
			return st;
		if (!equal) {
			cpu->gpr[R_RAX] = mem[0];
			cpu->gpr[R_RDX] = mem[1];
		}
	}
	set_zf(cpu, equal);
	return EXEC_OK;
}

enum exec_status exec_cmpxchg8b(struct cpu *cpu, const struct insn *in)
{
	return cmpxchg_wide(cpu, in, 4);
}

enum exec_status exec_cmpxchg16b(struct cpu *cpu, const struct insn *in)
{
	return cmpxchg_wide(cpu, in, 8);
}

/*
 * CMOVcc (0F 40..4F): the source is read whatever the condition (a memory source can
 * fault even when no move happens); a 32-bit destination in 64-bit mode is
 * zero-extended even when the condition is false (SDM Vol. 2A, CMOVcc, Operation).
 */
enum exec_status exec_cmovcc(struct cpu *cpu, const struct insn *in)
{
	const struct operand *d = &in->op[0];
	uint64_t v;
	enum exec_status st = op_read(cpu, in, 1, &v);

	if (st != EXEC_OK)
		return st;
	if (flags_cond(cpu, in->opcode & 0xf))
		return op_write(cpu, in, 0, v);
	if (d->kind == OPK_REG && d->size == 4)
		reg_write(cpu, d->reg, 4, reg_read(cpu, d->reg, 4));
	return EXEC_OK;
}

/* SETcc (0F 90..9F): the byte destination gets 1 or 0. */
enum exec_status exec_setcc(struct cpu *cpu, const struct insn *in)
{
	return op_write(cpu, in, 0, flags_cond(cpu, in->opcode & 0xf) ? 1 : 0);
}

/* CBW / CWDE / CDQE: sign-extend the lower half of the accumulator into all of it. */
enum exec_status exec_cbw(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	unsigned half = size / 2;

	reg_write(cpu, R_RAX, size, (uint64_t)bits_sext(reg_read(cpu, R_RAX, half), half));
	return EXEC_OK;
}

/* CWD / CDQ / CQO: DX, EDX or RDX become copies of the accumulator's sign bit. */
enum exec_status exec_cwd(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	bool neg = (reg_read(cpu, R_RAX, size) & bits_sign_bit(size)) != 0;

	reg_write(cpu, R_RDX, size, neg ? ~0ull : 0);
	return EXEC_OK;
}

/*
 * LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. Valid in 64-bit mode because our CPUID reports
 * LAHF-SAHF (CPUID.80000001H:ECX[0]).
 */
enum exec_status exec_lahf(struct cpu *cpu, const struct insn *in)
{
	uint64_t ah = (flags_read(cpu) & (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF |
					  RFLAGS_CF)) | RFLAGS_FIXED1;

	cpu->gpr[R_RAX] = (cpu->gpr[R_RAX] & ~0xff00ull) | ah << 8;
	return EXEC_OK;
}

/* SAHF: SF, ZF, AF, PF, CF from AH; OF is kept. */
enum exec_status exec_sahf(struct cpu *cpu, const struct insn *in)
{
	uint64_t ah = (cpu->gpr[R_RAX] >> 8) & 0xff;
	uint64_t keep = arith_flags(cpu) & RFLAGS_OF;

	flags_set_arith(cpu, (uint32_t)(keep | (ah & (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF |
						      RFLAGS_PF | RFLAGS_CF))));
	return EXEC_OK;
}

enum exec_status exec_clc(struct cpu *cpu, const struct insn *in)
{
	flags_set_arith(cpu, (uint32_t)(arith_flags(cpu) & ~(uint64_t)RFLAGS_CF));
	return EXEC_OK;
}

enum exec_status exec_stc(struct cpu *cpu, const struct insn *in)
{
	flags_set_arith(cpu, (uint32_t)(arith_flags(cpu) | RFLAGS_CF));
	return EXEC_OK;
}

enum exec_status exec_cmc(struct cpu *cpu, const struct insn *in)
{
	flags_set_arith(cpu, (uint32_t)(arith_flags(cpu) ^ RFLAGS_CF));
	return EXEC_OK;
}

/* DF is not an arithmetic flag, so it lives in cpu->rflags directly (hw/flags.h). */
enum exec_status exec_cld(struct cpu *cpu, const struct insn *in)
{
	cpu->rflags &= ~(uint64_t)RFLAGS_DF;
	return EXEC_OK;
}

enum exec_status exec_std(struct cpu *cpu, const struct insn *in)
{
	cpu->rflags |= RFLAGS_DF;
	return EXEC_OK;
}

/*
 * NOP, multi-byte NOP, fences and prefetches: no architectural effect. PREFETCHh with
 * a memory operand makes no access and never faults (SDM Vol. 2B, PREFETCHh).
 */
enum exec_status exec_nop(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/*
 * XLAT: AL = [seg:(E/R)BX + zero-extended AL], the sum wrapped to the address size;
 * DS by default, overridable (SDM Vol. 2B, XLAT/XLATB).
 */
enum exec_status exec_xlat(struct cpu *cpu, const struct insn *in)
{
	unsigned seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
	uint64_t off = (cpu->gpr[R_RBX] + (cpu->gpr[R_RAX] & 0xff)) & bits_mask(in->addrsize);
	uint64_t v;
	enum exec_status st = mem_read(cpu, seg, off, 1, &v);

	if (st != EXEC_OK)
		return st;
	reg_write(cpu, R_RAX, 1, v);
	return EXEC_OK;
}

/* SALC (D6, undocumented outside 64-bit mode): AL = CF ? FFh : 00h, flags unchanged. */
enum exec_status exec_salc(struct cpu *cpu, const struct insn *in)
{
	/* Condition B (cc 2) is CF; flags_cond handles materialised flags as well. */
	reg_write(cpu, R_RAX, 1, flags_cond(cpu, 0x2) ? 0xff : 0);
	return EXEC_OK;
}

/* BOUND (SDM Vol. 2A): #BR when the signed index lies outside [lower, upper]. */
enum exec_status exec_bound(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	const struct operand *m = &in->op[1];
	uint64_t idx, lo, hi;
	enum exec_status st;

	if (m->kind != OPK_MEM)
		return cpu_ud(cpu);
	uint64_t ea = op_ea(cpu, in, m);
	if ((st = op_read(cpu, in, 0, &idx)) != EXEC_OK)
		return st;
	if ((st = mem_read(cpu, m->seg, ea, size, &lo)) != EXEC_OK)
		return st;
	if ((st = mem_read(cpu, m->seg, (ea + size) & bits_mask(in->addrsize), size, &hi)) != EXEC_OK)
		return st;
	if (bits_sext(idx, size) < bits_sext(lo, size) || bits_sext(idx, size) > bits_sext(hi, size))
		return cpu_fault(cpu, VEC_BR);
	return EXEC_OK;
}
