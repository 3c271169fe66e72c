/* SPDX-License-Identifier: MIT */
/*
 * Operand access for instruction handlers: registers with the x86 partial-register
 * rules (SDM Vol. 1, 3.4.1.1 "General-Purpose Registers in 64-Bit Mode"), effective
 * addresses (Vol. 2A, 2.1.5), the stack (Vol. 1, 6.2 "Stacks").
 */
#ifndef NESTVM_HW_OPERAND_H
#define NESTVM_HW_OPERAND_H

#include <stdint.h>

#include "hw/cpu.h"
#include "hw/insn.h"
#include "util/bits.h"

/* Read a general-purpose register as `size` bytes (zero-extended). */
static inline uint64_t reg_read(const struct cpu *cpu, unsigned reg, unsigned size)
{
	return cpu->gpr[reg] & bits_mask(size);
}

/*
 * Write `size` bytes of a general-purpose register: 8 and 16-bit writes merge, 32-bit
 * writes zero the upper half, 64-bit writes replace.
 */
static inline void reg_write(struct cpu *cpu, unsigned reg, unsigned size, uint64_t value)
{
	switch (size) {
	case 1:
		cpu->gpr[reg] = (cpu->gpr[reg] & ~0xffull) | (value & 0xff);
		break;
	case 2:
		cpu->gpr[reg] = (cpu->gpr[reg] & ~0xffffull) | (value & 0xffff);
		break;
	case 4:
		cpu->gpr[reg] = (uint32_t)value;
		break;
	default:
		cpu->gpr[reg] = value;
		break;
	}
}

/* Effective address (offset within the segment) of a memory operand, wrapped to addrsize. */
uint64_t op_ea(const struct cpu *cpu, const struct insn *in, const struct operand *op);

enum exec_status op_read_slow(struct cpu *cpu, const struct insn *in, unsigned n,
			      uint64_t *value);
enum exec_status op_write_slow(struct cpu *cpu, const struct insn *in, unsigned n,
			       uint64_t value);

/* Read operand n (register, memory, immediate) zero-extended from its size. */
static inline enum exec_status op_read(struct cpu *cpu, const struct insn *in, unsigned n,
				       uint64_t *value)
{
	const struct operand *op = &in->op[n];

	/* The interpreter's hottest path: plain registers and immediates inline. */
	if (op->kind == OPK_REG && !op->high8) {
		*value = cpu->gpr[op->reg] & bits_mask(op->size);
		return EXEC_OK;
	}
	if (op->kind == OPK_IMM) {
		*value = op->imm & bits_mask(op->size);
		return EXEC_OK;
	}
	return op_read_slow(cpu, in, n, value);
}

/* Write operand n (register or memory) with its size's rules. */
static inline enum exec_status op_write(struct cpu *cpu, const struct insn *in, unsigned n,
					uint64_t value)
{
	const struct operand *op = &in->op[n];

	if (op->kind == OPK_REG && !op->high8) {
		reg_write(cpu, op->reg, op->size, value);
		return EXEC_OK;
	}
	return op_write_slow(cpu, in, n, value);
}

/* Stack: push and pop `size` bytes through SS with the stack address size. */
enum exec_status stack_push(struct cpu *cpu, unsigned size, uint64_t value);
enum exec_status stack_pop(struct cpu *cpu, unsigned size, uint64_t *value);
/* Read the stack at RSP + offset without moving RSP. */
enum exec_status stack_peek(struct cpu *cpu, uint64_t offset, unsigned size, uint64_t *value);
/* Stack address size in bytes: 8 in 64-bit mode, else SS.B ? 4 : 2. */
unsigned stack_addr_size(const struct cpu *cpu);
/* Add delta to RSP (or ESP/SP) respecting the stack address size. */
void stack_adjust(struct cpu *cpu, int64_t delta);

#endif
