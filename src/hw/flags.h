/* SPDX-License-Identifier: MIT */
/*
 * Lazy evaluation of the arithmetic flags CF, PF, AF, ZF, SF, OF (SDM Vol. 1, 3.4.3.1
 * "Status Flags"; Appendix A "EFLAGS Cross-Reference"). Instructions record what they
 * computed; flags are materialised only when something reads them.
 *
 * Owner of cpu->lazy. Everyone else reads RFLAGS with flags_read() and writes it with
 * flags_write(), never cpu->rflags' arithmetic bits directly.
 */
#ifndef NESTVM_HW_FLAGS_H
#define NESTVM_HW_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

enum flags_op {
	FLAGS_OP_NONE, /* arithmetic flags are materialised in cpu->rflags */
	FLAGS_OP_ADD,
	FLAGS_OP_ADC,
	FLAGS_OP_SUB, /* also CMP */
	FLAGS_OP_SBB,
	FLAGS_OP_LOGIC, /* AND, OR, XOR, TEST: CF=OF=0, AF undefined (we clear it) */
	FLAGS_OP_INC,   /* CF preserved */
	FLAGS_OP_DEC,   /* CF preserved */
	FLAGS_OP_NEG,
	FLAGS_OP_COUNT,
};

/* Record the flags of `res = dst OP src` at operand size `size` bytes. */
void flags_set_lazy(struct cpu *cpu, enum flags_op op, unsigned size, uint64_t dst,
		    uint64_t src, uint64_t res);
/* Set the six arithmetic flags explicitly (bits of RFLAGS_ARITH); others unchanged. */
void flags_set_arith(struct cpu *cpu, uint32_t arith);
/* Full RFLAGS with the arithmetic flags materialised. */
uint64_t flags_read(struct cpu *cpu);
/* Replace RFLAGS entirely (fixed bit 1 is forced on). */
void flags_write(struct cpu *cpu, uint64_t rflags);
/* Condition code cc (0..15, the low nibble of Jcc/SETcc/CMOVcc opcodes). */
bool flags_cond(struct cpu *cpu, unsigned cc);
bool flags_cf(struct cpu *cpu);

#endif
