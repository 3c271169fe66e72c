/* SPDX-License-Identifier: MIT */
/*
 * Integer instructions with memory operands, on the test machine of mov_test.c:
 * BT* bit strings (SDM Vol. 2, "BT—Bit Test": a register bit offset reaches outside the
 * addressed operand), read-modify-write faults that leave flags and registers as they
 * were (Vol. 3A, 6.6 "Program or Task Restart"), and the write intent of a
 * read-modify-write in the #PF error code.
 */
#include <string.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "machine.h"
#include "test.h"

/* The shared test machine (tests/unit/mov_test.c). */

#define DATA 0x100000ull     /* ordinary RAM */
#define READ_ONLY 0x200000ull /* its 2-MiB page is made read-only below */
#define ABSENT 0x400000ull    /* no PDE: not present */

/* 64-bit mode with CR0.WP, so that supervisor writes honour read-only pages. */
static struct cpu *mem_cpu(void)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);

	insn_test_poke(cpu, 0x3000 + 8, 8, READ_ONLY | 0x81); /* P, PS, not writable */
	cpu->cr0 |= CR0_WP;
	return cpu;
}

static enum exec_status run2(struct cpu *cpu, insn_fn *fn, unsigned size, struct operand a,
			     struct operand b)
{
	struct insn in = insn_test_make(cpu, size);

	in.fn = fn;
	in.nops = 2;
	in.op[0] = a;
	in.op[1] = b;
	return fn(cpu, &in);
}

TEST(alu_mem, bt_register_offset_walks_the_bit_string)
{
	struct cpu *cpu = mem_cpu();

	cpu->gpr[R_RBX] = DATA;
	insn_test_poke(cpu, DATA + 8, 8, 1ull << 36);
	cpu->gpr[R_RCX] = 100; /* qword 1, bit 36 */
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bt, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8),
				insn_test_reg(R_RCX, 8)));
	ASSERT_TRUE(flags_cf(cpu));

	/* -1 is bit 63 of the qword below the operand. */
	cpu->gpr[R_RCX] = ~0ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bts, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8),
				insn_test_reg(R_RCX, 8)));
	ASSERT_FALSE(flags_cf(cpu));
	ASSERT_EQ(1ull << 63, insn_test_peek(cpu, DATA - 8, 8));

	/* 16-bit offset -17: the word at -4, bit 15. */
	cpu->gpr[R_RCX] = 0xffef;
	insn_test_poke(cpu, DATA - 4, 2, 0x8001);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_btr, 2, insn_test_mem(SEG_DS, R_RBX, 0, 2),
				insn_test_reg(R_RCX, 2)));
	ASSERT_TRUE(flags_cf(cpu));
	ASSERT_EQ(0x0001, insn_test_peek(cpu, DATA - 4, 2));

	/* 32-bit offset -2^31: the dword 2^28 bytes below the operand, bit 0. */
	cpu->gpr[R_RBX] = DATA + 0x10000000ull;
	cpu->gpr[R_RCX] = 0x80000000;
	insn_test_poke(cpu, DATA, 4, 0x80000000);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_btc, 4, insn_test_mem(SEG_DS, R_RBX, 0, 4),
				insn_test_reg(R_RCX, 4)));
	ASSERT_FALSE(flags_cf(cpu));
	ASSERT_EQ(0x80000001, insn_test_peek(cpu, DATA, 4));
	insn_test_free(cpu);
}

TEST(alu_mem, bt_immediate_offset_stays_in_the_operand)
{
	struct cpu *cpu = mem_cpu();

	cpu->gpr[R_RBX] = DATA;
	insn_test_poke(cpu, DATA, 8, 0);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bts, 2, insn_test_mem(SEG_DS, R_RBX, 0, 2),
				insn_test_imm(17, 1)));
	ASSERT_EQ(0x0002, insn_test_peek(cpu, DATA, 8));
	insn_test_free(cpu);
}

TEST(alu_mem, add_to_memory)
{
	struct cpu *cpu = mem_cpu();

	cpu->gpr[R_RBX] = DATA;
	cpu->gpr[R_RAX] = 1;
	insn_test_poke(cpu, DATA + 0x10, 4, 0xffffffff);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, 4, insn_test_mem(SEG_DS, R_RBX, 0x10, 4),
				insn_test_reg(R_RAX, 4)));
	ASSERT_EQ(0, insn_test_peek(cpu, DATA + 0x10, 4));
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF | RFLAGS_PF | RFLAGS_AF, flags_read(cpu) & RFLAGS_ARITH);
	insn_test_free(cpu);
}

TEST(alu_mem, rmw_fault_on_read_only_page_is_precise)
{
	struct cpu *cpu = mem_cpu();

	cpu->gpr[R_RBX] = READ_ONLY;
	insn_test_poke(cpu, READ_ONLY, 8, 0x1234);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_OF);
	ASSERT_EQ(EXEC_FAULT, run2(cpu, exec_sub, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8),
				   insn_test_imm(0x1234, 8)));
	ASSERT_EQ(VEC_PF, cpu->fault.vector);
	ASSERT_EQ(PFEC_P | PFEC_W, cpu->fault.error);
	ASSERT_EQ(0x1234, insn_test_peek(cpu, READ_ONLY, 8));
	ASSERT_EQ(RFLAGS_OF, flags_read(cpu) & RFLAGS_ARITH);

	/* CMP only reads: no fault. */
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_cmp, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8),
				insn_test_imm(0x1234, 8)));
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF, flags_read(cpu) & RFLAGS_ARITH);

	/* BTS to the read-only page: #PF, CF unchanged. */
	cpu->gpr[R_RCX] = 3;
	ASSERT_EQ(EXEC_FAULT, run2(cpu, exec_bts, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8),
				   insn_test_reg(R_RCX, 8)));
	ASSERT_EQ(PFEC_P | PFEC_W, cpu->fault.error);
	ASSERT_EQ(0x1234, insn_test_peek(cpu, READ_ONLY, 8));
	insn_test_free(cpu);
}

TEST(alu_mem, rmw_fault_on_absent_page_reports_a_write)
{
	struct cpu *cpu = mem_cpu();

	cpu->gpr[R_RBX] = ABSENT;
	ASSERT_EQ(EXEC_FAULT, run2(cpu, exec_or, 1, insn_test_mem(SEG_DS, R_RBX, 0, 1),
				   insn_test_imm(1, 1)));
	ASSERT_EQ(VEC_PF, cpu->fault.vector);
	ASSERT_EQ(PFEC_W, cpu->fault.error);
	ASSERT_EQ(ABSENT, cpu->cr2);
	insn_test_free(cpu);
}

TEST(alu_mem, divide_by_memory_fault_keeps_registers)
{
	struct cpu *cpu = mem_cpu();
	struct insn in = insn_test_make(cpu, 8);

	cpu->gpr[R_RBX] = ABSENT;
	cpu->gpr[R_RAX] = 10;
	cpu->gpr[R_RDX] = 0;
	in.fn = exec_div;
	in.nops = 1;
	in.op[0] = insn_test_mem(SEG_DS, R_RBX, 0, 8);
	ASSERT_EQ(EXEC_FAULT, exec_div(cpu, &in));
	ASSERT_EQ(VEC_PF, cpu->fault.vector);
	ASSERT_EQ(0, cpu->fault.error);
	ASSERT_EQ(10, cpu->gpr[R_RAX]);
	insn_test_free(cpu);
}
