/* SPDX-License-Identifier: MIT */
/* Operand access for instruction handlers (SDM Vol. 2A, 2.1.5 "Addressing-Mode Encoding"). */
#include "hw/operand.h"

#include "hw/access.h"

uint64_t op_ea(const struct cpu *cpu, const struct insn *in, const struct operand *op)
{
	uint64_t ea = (uint64_t)op->disp;

	if (op->base == REG_RIP)
		ea += cpu->rip + in->len;
	else if (op->base != REG_NONE)
		ea += cpu->gpr[op->base];
	if (op->index != REG_NONE)
		ea += cpu->gpr[op->index] * op->scale;
	return ea & bits_mask(in->addrsize);
}

enum exec_status op_read_slow(struct cpu *cpu, const struct insn *in, unsigned n,
			      uint64_t *value)
{
	const struct operand *op = &in->op[n];

	switch (op->kind) {
	case OPK_REG:
		if (op->high8)
			*value = (cpu->gpr[op->reg] >> 8) & 0xff;
		else
			*value = cpu->gpr[op->reg] & bits_mask(op->size);
		return EXEC_OK;
	case OPK_MEM:
		return mem_read(cpu, op->seg, op_ea(cpu, in, op), op->size, value);
	case OPK_IMM:
		*value = op->imm & bits_mask(op->size);
		return EXEC_OK;
	case OPK_SEG:
		*value = cpu->seg[op->reg].selector;
		return EXEC_OK;
	default:
		*value = 0;
		return cpu_ud(cpu);
	}
}

enum exec_status op_write_slow(struct cpu *cpu, const struct insn *in, unsigned n,
			       uint64_t value)
{
	const struct operand *op = &in->op[n];

	switch (op->kind) {
	case OPK_REG:
		if (op->high8)
			cpu->gpr[op->reg] = (cpu->gpr[op->reg] & ~0xff00ull) | ((value & 0xff) << 8);
		else
			reg_write(cpu, op->reg, op->size, value);
		return EXEC_OK;
	case OPK_MEM:
		return mem_write(cpu, op->seg, op_ea(cpu, in, op), op->size, value);
	default:
		return cpu_ud(cpu);
	}
}

unsigned stack_addr_size(const struct cpu *cpu)
{
	if (cpu->mode == MODE_LONG64)
		return 8;
	return (cpu->seg[SEG_SS].ar & AR_DB) ? 4 : 2;
}

void stack_adjust(struct cpu *cpu, int64_t delta)
{
	unsigned sz = stack_addr_size(cpu);
	reg_write(cpu, R_RSP, sz, cpu->gpr[R_RSP] + (uint64_t)delta);
}

enum exec_status stack_push(struct cpu *cpu, unsigned size, uint64_t value)
{
	unsigned sz = stack_addr_size(cpu);
	uint64_t rsp = (cpu->gpr[R_RSP] - size) & bits_mask(sz);
	enum exec_status st = mem_write(cpu, SEG_SS, rsp, size, value);

	if (st == EXEC_OK)
		reg_write(cpu, R_RSP, sz, rsp);
	return st;
}

enum exec_status stack_pop(struct cpu *cpu, unsigned size, uint64_t *value)
{
	unsigned sz = stack_addr_size(cpu);
	uint64_t rsp = cpu->gpr[R_RSP] & bits_mask(sz);
	enum exec_status st = mem_read(cpu, SEG_SS, rsp, size, value);

	if (st == EXEC_OK)
		reg_write(cpu, R_RSP, sz, rsp + size);
	return st;
}

enum exec_status stack_peek(struct cpu *cpu, uint64_t offset, unsigned size, uint64_t *value)
{
	unsigned sz = stack_addr_size(cpu);
	return mem_read(cpu, SEG_SS, (cpu->gpr[R_RSP] + offset) & bits_mask(sz), size, value);
}
