/* SPDX-License-Identifier: MIT */
/*
 * Near control transfers JMP, CALL, RET, Jcc, JCXZ/JECXZ/JRCXZ, LOOP/LOOPcc (SDM Vol. 1,
 * 6.3 "Calling Procedures Using CALL and RET" and 7.3.8 "Control Transfer
 * Instructions"; Vol. 2 entries of each). The far forms live in insn_seg.c.
 */
#include "hw/insn_handlers.h"

#include "hw/flags.h"
#include "hw/operand.h"

/*
 * Check a near branch target and make it the next RIP. Outside 64-bit mode the target
 * wraps to IP or EIP and must lie within CS.limit; in 64-bit mode it must be canonical
 * (a 16-bit operand size truncates it to 16 bits in every mode). #GP(0) otherwise,
 * raised by the branch itself, before anything changed.
 */
static enum exec_status branch_check(struct cpu *cpu, const struct insn *in,
				     uint64_t *target)
{
	uint64_t t = *target;

	if (in->opsize == 2)
		t &= 0xffff;
	if (in->mode == MODE_LONG64) {
		if (!bits_is_canonical(t, (cpu->cr4 & CR4_LA57) ? 57 : 48))
			return cpu_gp0(cpu);
	} else {
		t &= 0xffffffffu;
		if (t > cpu->seg[SEG_CS].limit)
			return cpu_gp0(cpu);
	}
	*target = t;
	return EXEC_OK;
}

static enum exec_status branch_to(struct cpu *cpu, const struct insn *in, uint64_t target)
{
	enum exec_status st = branch_check(cpu, in, &target);

	if (st == EXEC_OK)
		cpu->next_rip = target;
	return st;
}

/* Relative forms carry the sign-extended displacement from the next instruction. */
static uint64_t rel_target(const struct cpu *cpu, const struct insn *in)
{
	return cpu->next_rip + in->op[0].imm;
}

/* JMP rel8/rel16/rel32 or r/m16/32/64 (absolute indirect). */
static enum exec_status near_target(struct cpu *cpu, const struct insn *in, uint64_t *target)
{
	if (in->op[0].kind == OPK_IMM) {
		*target = rel_target(cpu, in);
		return EXEC_OK;
	}
	return op_read(cpu, in, 0, target);
}

enum exec_status exec_jmp(struct cpu *cpu, const struct insn *in)
{
	uint64_t target;
	enum exec_status st = near_target(cpu, in, &target);

	if (st != EXEC_OK)
		return st;
	return branch_to(cpu, in, target);
}

/*
 * CALL near: the target is read and checked before the return address is pushed, and
 * the push happens before RIP changes, so a fault on either leaves RSP and RIP as they
 * were (SDM Vol. 2A, CALL, Operation: #GP(0) on the target, #SS/#PF on the push).
 */
enum exec_status exec_call(struct cpu *cpu, const struct insn *in)
{
	uint64_t target;
	enum exec_status st = near_target(cpu, in, &target);

	if (st != EXEC_OK)
		return st;
	st = branch_check(cpu, in, &target);
	if (st != EXEC_OK)
		return st;
	st = stack_push(cpu, in->opsize, cpu->next_rip & bits_mask(in->opsize));
	if (st != EXEC_OK)
		return st;
	cpu->next_rip = target;
	return EXEC_OK;
}

/* RET near [imm16]: pop the return address, check it, then release imm16 more bytes. */
enum exec_status exec_ret(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t release = 0, target;
	enum exec_status st;

	if (in->nops > 0 && in->op[0].kind == OPK_IMM)
		release = in->op[0].imm & 0xffff;
	st = stack_peek(cpu, 0, size, &target);
	if (st != EXEC_OK)
		return st;
	st = branch_check(cpu, in, &target);
	if (st != EXEC_OK)
		return st;
	stack_adjust(cpu, (int64_t)(size + release));
	cpu->next_rip = target;
	return EXEC_OK;
}

/* Jcc rel8 (70..7F) and rel16/32 (0F 80..8F): the low opcode nibble is the condition. */
enum exec_status exec_jcc(struct cpu *cpu, const struct insn *in)
{
	if (!flags_cond(cpu, in->opcode & 0xf))
		return EXEC_OK;
	return branch_to(cpu, in, rel_target(cpu, in));
}

/* JCXZ/JECXZ/JRCXZ: the address size picks CX, ECX or RCX. */
enum exec_status exec_jcxz(struct cpu *cpu, const struct insn *in)
{
	if (reg_read(cpu, R_RCX, in->addrsize) != 0)
		return EXEC_OK;
	return branch_to(cpu, in, rel_target(cpu, in));
}

/*
 * LOOP (E2), LOOPE (E1), LOOPNE (E0): decrement the counter chosen by the address size
 * without touching flags, branch while it is nonzero (and ZF agrees). The counter is
 * written only once the target passed its checks, so a #GP leaves it unchanged.
 */
enum exec_status exec_loop(struct cpu *cpu, const struct insn *in)
{
	unsigned asz = in->addrsize;
	uint64_t count = (reg_read(cpu, R_RCX, asz) - 1) & bits_mask(asz);
	bool taken = count != 0;
	uint64_t target = rel_target(cpu, in);
	enum exec_status st;

	if (taken && in->opcode == 0xe1)
		taken = flags_cond(cpu, 0x4); /* ZF = 1 */
	else if (taken && in->opcode == 0xe0)
		taken = flags_cond(cpu, 0x5); /* ZF = 0 */
	if (taken) {
		st = branch_check(cpu, in, &target);
		if (st != EXEC_OK)
			return st;
		cpu->next_rip = target;
	}
	reg_write(cpu, R_RCX, asz, count);
	return EXEC_OK;
}
