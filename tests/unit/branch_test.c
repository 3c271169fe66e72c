/* SPDX-License-Identifier: MIT */
/* Unit tests of the near-branch handlers (insn_branch.c) against SDM Vol. 2 JMP … LOOP. */
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "machine.h"
#include "test.h"

/* Test machine, defined in mov_test.c. */

/* A relative branch: Zydis gives the sign-extended displacement as an immediate. */
static struct insn rel(struct cpu *cpu, insn_fn *fn, uint8_t opcode, unsigned opsize,
		       int64_t disp)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	in.opcode = opcode;
	in.nops = 1;
	in.op[0] = insn_test_imm((uint64_t)disp, opsize);
	return in;
}

static struct insn ind(struct cpu *cpu, insn_fn *fn, unsigned opsize, struct operand op)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	in.opcode = 0xff;
	in.nops = 1;
	in.op[0] = op;
	return in;
}

TEST(branch, jmp_rel_and_wraps)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	in = rel(cpu, exec_jmp, 0xeb, 4, -0x12);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1002 - 0x12, cpu->rip);
	/* 16-bit operand size: the target wraps to IP. */
	cpu->rip = 0xfff0;
	in = rel(cpu, exec_jmp, 0xe9, 2, 0x20);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x12, cpu->rip);
	/* Beyond CS.limit: #GP(0) and RIP stays. */
	cpu->seg[SEG_CS].limit = 0xffff;
	cpu->rip = 0x1000;
	in = rel(cpu, exec_jmp, 0xe9, 4, 0x10000);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x1000, cpu->rip);
	insn_test_free(cpu);
}

TEST(branch, jmp_64_canonical_and_indirect)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->rip = 0x00007ffffffffff0ull;
	in = rel(cpu, exec_jmp, 0xe9, 8, 0x100);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, cpu->fault.error);
	ASSERT_EQ(0x00007ffffffffff0ull, cpu->rip);
	cpu->gpr[R_RAX] = 0xffff800000001234ull;
	in = ind(cpu, exec_jmp, 8, insn_test_reg(R_RAX, 8));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xffff800000001234ull, cpu->rip);
	insn_test_poke(cpu, 0x9000, 8, 0x4000);
	cpu->gpr[R_RBX] = 0x9000;
	in = ind(cpu, exec_jmp, 8, insn_test_mem(SEG_DS, R_RBX, 0, 8));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x4000, cpu->rip);
	insn_test_free(cpu);
}

TEST(branch, call_ret)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	in = rel(cpu, exec_call, 0xe8, 8, 0x100);
	in.len = 5;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1105, cpu->rip);
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x1005, insn_test_peek(cpu, 0x7fff8, 8));
	in = insn_test_make(cpu, 8);
	in.fn = exec_ret;
	in.len = 1;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1005, cpu->rip);
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	/* RET imm16 releases the extra bytes. */
	cpu->gpr[R_RSP] = 0x7fff8;
	in.nops = 1;
	in.op[0] = insn_test_imm(0x18, 2);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1005, cpu->rip);
	ASSERT_EQ(0x80000 + 0x18, cpu->gpr[R_RSP]);
	insn_test_free(cpu);
}

TEST(branch, call_ret_faults_are_precise)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	/* CALL to a non-canonical target: #GP(0) before the push. */
	cpu->gpr[R_RAX] = 0x0000800000000000ull;
	in = ind(cpu, exec_call, 8, insn_test_reg(R_RAX, 8));
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0, insn_test_peek(cpu, 0x7fff8, 8));
	/* RET to a non-canonical address: #GP(0), RSP unchanged. */
	insn_test_poke(cpu, 0x7fff8, 8, 0x0000800000000000ull);
	cpu->gpr[R_RSP] = 0x7fff8;
	in = insn_test_make(cpu, 8);
	in.fn = exec_ret;
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x1000, cpu->rip);
	insn_test_free(cpu);
}

TEST(branch, call16_in_32bit_segment)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	/* 66h CALL rel16: pushes IP (2 bytes) and wraps the target to 16 bits. */
	cpu->rip = 0x12340;
	in = rel(cpu, exec_call, 0xe8, 2, 0x10);
	in.len = 4;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x2354, cpu->rip);
	ASSERT_EQ(0x7fffe, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x2344, insn_test_peek(cpu, 0x7fffe, 2));
	insn_test_free(cpu);
}

TEST(branch, jcc_conditions)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	/* CF=1, ZF=0, SF=1, OF=0, PF=1: taken for 1, 2, 5, 6, 8, A, C, E. */
	static const bool taken[16] = {0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};

	for (unsigned cc = 0; cc < 16; cc++) {
		for (unsigned nearform = 0; nearform < 2; nearform++) {
			struct insn in = rel(cpu, exec_jcc,
					     (uint8_t)((nearform ? 0x80 : 0x70) + cc), 4, 0x40);

			flags_write(cpu, RFLAGS_CF | RFLAGS_SF | RFLAGS_PF);
			cpu->rip = 0x1000;
			ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
			ASSERT_EQ(taken[cc] ? 0x1042 : 0x1002, cpu->rip);
		}
	}
	insn_test_free(cpu);
}

TEST(branch, jcxz_by_address_size)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in = rel(cpu, exec_jcxz, 0xe3, 8, 0x10);

	cpu->gpr[R_RCX] = 0x100000000ull;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in)); /* JRCXZ: RCX != 0 */
	ASSERT_EQ(0x1002, cpu->rip);
	in.addrsize = 4; /* JECXZ: ECX == 0 */
	cpu->rip = 0x1000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1012, cpu->rip);
	insn_test_free(cpu);
}

TEST(branch, loop_family)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = rel(cpu, exec_loop, 0xe2, 4, -2);

	cpu->gpr[R_RCX] = 2;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	/* 16-bit address size counts in CX only: 0 wraps to FFFFh and branches. */
	cpu->rip = 0x1000;
	cpu->gpr[R_RCX] = 0x10000;
	in.addrsize = 2;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1ffff, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1000, cpu->rip);
	/* LOOPE stops on ZF=0, LOOPNE on ZF=1; flags are not changed. */
	in = rel(cpu, exec_loop, 0xe1, 4, -2);
	cpu->gpr[R_RCX] = 5;
	flags_write(cpu, 0);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(4, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	in = rel(cpu, exec_loop, 0xe0, 4, -2);
	cpu->rip = 0x1000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(3, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(RFLAGS_FIXED1, flags_read(cpu));
	/* A taken LOOP whose target is beyond CS.limit faults with ECX unchanged. */
	cpu->seg[SEG_CS].limit = 0xfff;
	in = rel(cpu, exec_loop, 0xe2, 4, 0x100);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(3, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

/* Relative targets, condition codes and RET imm16 as decode.c fills them from Zydis. */
TEST(branch, decoded_forms)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	static const uint8_t jmp_back[] = {0xeb, 0xfe};                 /* jmp $ */
	static const uint8_t jnz_near[] = {0x0f, 0x85, 0x00, 0x01, 0x00, 0x00};
	static const uint8_t call_rel[] = {0xe8, 0xfb, 0xff, 0xff, 0xff}; /* call $ */
	static const uint8_t ret8[] = {0xc2, 0x08, 0x00};
	static const uint8_t loop_back[] = {0xe2, 0xfe};
	static const uint8_t jrcxz[] = {0xe3, 0x10};

	ASSERT_TRUE(insn_test_decode(cpu, jmp_back, sizeof(jmp_back), &in));
	ASSERT_TRUE(in.fn == exec_jmp);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1000, cpu->rip);

	ASSERT_TRUE(insn_test_decode(cpu, jnz_near, sizeof(jnz_near), &in));
	ASSERT_TRUE(in.fn == exec_jcc);
	flags_write(cpu, RFLAGS_ZF);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1006, cpu->rip);
	flags_write(cpu, 0);
	cpu->rip = 0x1000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1106, cpu->rip);

	cpu->rip = 0x1000;
	ASSERT_TRUE(insn_test_decode(cpu, call_rel, sizeof(call_rel), &in));
	ASSERT_TRUE(in.fn == exec_call);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(0x1005, insn_test_peek(cpu, 0x7fff8, 8));

	ASSERT_TRUE(insn_test_decode(cpu, ret8, sizeof(ret8), &in));
	ASSERT_TRUE(in.fn == exec_ret);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1005, cpu->rip);
	ASSERT_EQ(0x80008, cpu->gpr[R_RSP]);

	cpu->rip = 0x1000;
	cpu->gpr[R_RCX] = 3;
	ASSERT_TRUE(insn_test_decode(cpu, loop_back, sizeof(loop_back), &in));
	ASSERT_TRUE(in.fn == exec_loop);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(2, cpu->gpr[R_RCX]);

	cpu->gpr[R_RCX] = 0;
	ASSERT_TRUE(insn_test_decode(cpu, jrcxz, sizeof(jrcxz), &in));
	ASSERT_TRUE(in.fn == exec_jcxz);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1012, cpu->rip);
	insn_test_free(cpu);
}
