/* SPDX-License-Identifier: MIT */
/*
 * The unit tests' small machine (defined in mov_test.c): a CPU with RAM behind a plain
 * translator, flat segments, identity-mapped pages in 64-bit mode; helpers to build,
 * decode and run instructions on it.
 */
#ifndef NESTVM_TESTS_UNIT_MACHINE_H
#define NESTVM_TESTS_UNIT_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/insn.h"

struct cpu *insn_test_cpu(enum cpu_mode mode);
void insn_test_free(struct cpu *cpu);
uint64_t insn_test_peek(struct cpu *cpu, uint64_t gpa, unsigned size);
void insn_test_poke(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t v);
struct insn insn_test_make(const struct cpu *cpu, unsigned opsize);
struct operand insn_test_reg(unsigned reg, unsigned size);
struct operand insn_test_imm(uint64_t imm, unsigned size);
struct operand insn_test_mem(unsigned seg, unsigned base, int64_t disp, unsigned size);
enum exec_status insn_test_run(struct cpu *cpu, const struct insn *in);
bool insn_test_decode(const struct cpu *cpu, const uint8_t *bytes, unsigned len,
		      struct insn *in);

#endif
