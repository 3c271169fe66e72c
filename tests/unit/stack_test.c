/* SPDX-License-Identifier: MIT */
/* Unit tests of the stack handlers (insn_stack.c) against SDM Vol. 2 PUSH … LEAVE. */
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "machine.h"
#include "test.h"

/* Test machine, defined in mov_test.c. */

static struct insn one(struct cpu *cpu, insn_fn *fn, unsigned opsize, struct operand a)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	in.nops = 1;
	in.op[0] = a;
	return in;
}

static struct insn none(struct cpu *cpu, insn_fn *fn, unsigned opsize)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	return in;
}

TEST(stack, push_pop_registers_32)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	cpu->gpr[R_RAX] = 0xdeadbeef;
	in = one(cpu, exec_push, 4, insn_test_reg(R_RAX, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xdeadbeef, insn_test_peek(cpu, 0x7fffc, 4));
	in = one(cpu, exec_pop, 4, insn_test_reg(R_RBX, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xdeadbeef, cpu->gpr[R_RBX]);
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	/* 16-bit push/pop in a 32-bit stack. */
	in = one(cpu, exec_push, 2, insn_test_reg(R_RAX, 2));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x7fffe, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xbeef, insn_test_peek(cpu, 0x7fffe, 2));
	insn_test_free(cpu);
}

TEST(stack, push_imm_sign_extends_and_push_rsp_old_value)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	in = one(cpu, exec_push, 8, insn_test_imm(0x80, 1));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xffffffffffffff80ull, insn_test_peek(cpu, 0x7fff8, 8));
	in = one(cpu, exec_push, 8, insn_test_imm(0xffffffff80000000ull, 8));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffffff80000000ull, insn_test_peek(cpu, 0x7fff0, 8));
	in = one(cpu, exec_push, 8, insn_test_reg(R_RSP, 8));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x7fff0, insn_test_peek(cpu, 0x7ffe8, 8));
	ASSERT_EQ(0x7ffe8, cpu->gpr[R_RSP]);
	/* 66h PUSH in 64-bit mode: two bytes. */
	in = one(cpu, exec_push, 2, insn_test_imm(0xfffe, 2));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x7ffe6, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xfffe, insn_test_peek(cpu, 0x7ffe6, 2));
	insn_test_free(cpu);
}

TEST(stack, push_sreg_32_writes_16_bits)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct operand seg = {.kind = OPK_SEG, .size = 2, .reg = SEG_DS};
	struct insn in;

	insn_test_poke(cpu, 0x7fffc, 4, 0xaaaaaaaa);
	in = one(cpu, exec_push, 4, seg);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xaaaa0010, insn_test_peek(cpu, 0x7fffc, 4));
	insn_test_free(cpu);

	cpu = insn_test_cpu(MODE_LONG64);
	insn_test_poke(cpu, 0x7fff8, 8, ~0ull);
	in = one(cpu, exec_push, 8, seg);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x10, insn_test_peek(cpu, 0x7fff8, 8));
	insn_test_free(cpu);
}

TEST(stack, pop_memory_uses_incremented_rsp)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	insn_test_poke(cpu, 0x7fff8, 4, 0x11223344);
	cpu->gpr[R_RSP] = 0x7fff8;
	/* POP DWORD [ESP+4]: the address is ESP after the pop (7FFFCh) + 4. */
	in = one(cpu, exec_pop, 4, insn_test_mem(SEG_SS, R_RSP, 4, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x11223344, insn_test_peek(cpu, 0x80000, 4));
	/* POP ESP: ESP gets the popped value. */
	insn_test_poke(cpu, 0x7fffc, 4, 0x12340);
	in = one(cpu, exec_pop, 4, insn_test_reg(R_RSP, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x12340, cpu->gpr[R_RSP]);
	insn_test_free(cpu);
}

TEST(stack, pop_memory_fault_keeps_rsp)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	cpu->seg[SEG_DS].limit = 0xfff;
	cpu->gpr[R_RSP] = 0x7fff8;
	in = one(cpu, exec_pop, 4, insn_test_mem(SEG_DS, REG_NONE, 0x2000, 4));
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x1000, cpu->rip);
	insn_test_free(cpu);
}

TEST(stack, push_fault_is_precise)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	cpu->seg[SEG_SS].limit = 0xffff;
	cpu->gpr[R_RSP] = 2; /* a 4-byte push wraps below 0: beyond the limit */
	in = one(cpu, exec_push, 4, insn_test_reg(R_RAX, 4));
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_SS, cpu->fault.vector);
	ASSERT_EQ(2, cpu->gpr[R_RSP]);
	insn_test_free(cpu);
}

TEST(stack, pusha_popa)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	for (unsigned r = 0; r < 8; r++)
		if (r != R_RSP)
			cpu->gpr[r] = 0x100 + r;
	in = none(cpu, exec_pusha, 4);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x80000 - 32, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x100, insn_test_peek(cpu, 0x7fffc, 4));  /* EAX first */
	ASSERT_EQ(0x103, insn_test_peek(cpu, 0x7fff0, 4));   /* EBX */
	ASSERT_EQ(0x80000, insn_test_peek(cpu, 0x7ffec, 4)); /* original ESP */
	ASSERT_EQ(0x107, insn_test_peek(cpu, 0x7ffe0, 4));  /* EDI last */
	insn_test_poke(cpu, 0x7ffec, 4, 0x55555555);         /* ignored by POPA */
	for (unsigned r = 0; r < 8; r++)
		if (r != R_RSP)
			cpu->gpr[r] = 0;
	in = none(cpu, exec_popa, 4);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	for (unsigned r = 0; r < 8; r++)
		if (r != R_RSP)
			ASSERT_EQ(0x100 + r, cpu->gpr[r]);
	/* 16-bit PUSHA. */
	in = none(cpu, exec_pusha, 2);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x80000 - 16, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x0000, insn_test_peek(cpu, 0x7fff6, 2)); /* SP = 0000h of 80000h */
	insn_test_free(cpu);
}

TEST(stack, pushf_image_and_v86)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	flags_write(cpu, RFLAGS_RF | RFLAGS_IF | RFLAGS_CF | RFLAGS_AC);
	in = none(cpu, exec_pushf, 4);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(RFLAGS_IF | RFLAGS_CF | RFLAGS_AC | RFLAGS_FIXED1,
		  insn_test_peek(cpu, 0x7fffc, 4));
	/* Virtual-8086 mode with IOPL < 3: #GP(0), unless 16-bit with CR4.VME. */
	flags_write(cpu, RFLAGS_VM | RFLAGS_VIF);
	cpu->seg[SEG_SS].ar = 0xf3;
	cpu->seg[SEG_SS].limit = 0xffffffffu;
	cpu_update_mode(cpu);
	in = none(cpu, exec_pushf, 4);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	in = none(cpu, exec_pushf, 2);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	cpu->cr4 |= CR4_VME;
	cpu->gpr[R_RSP] = 0x8000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7ffe, cpu->gpr[R_RSP]);
	/* IF shows VIF, IOPL reads 3. */
	ASSERT_EQ(RFLAGS_IF | RFLAGS_IOPL | RFLAGS_FIXED1, insn_test_peek(cpu, 0x7ffe, 2));
	insn_test_free(cpu);
}

static enum exec_status popf_with(struct cpu *cpu, unsigned size, uint64_t image)
{
	struct insn in = none(cpu, exec_popf, size);

	cpu->gpr[R_RSP] = 0x7fff0;
	insn_test_poke(cpu, 0x7fff0, size, image);
	return insn_test_run(cpu, &in);
}

TEST(stack, popf_privilege_rules)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	uint64_t all = 0x3f7fd5; /* every bit POPF could touch, plus VM/VIF/VIP/RF */

	/* CPL 0: IOPL and IF load; VM, VIF, VIP stay; RF cleared. */
	flags_write(cpu, RFLAGS_RF);
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 4, all));
	ASSERT_EQ(0x7fff4, cpu->gpr[R_RSP]);
	ASSERT_EQ((all & ~(uint64_t)(RFLAGS_VM | RFLAGS_VIF | RFLAGS_VIP | RFLAGS_RF | 0x8028)) |
		  RFLAGS_FIXED1, flags_read(cpu));
	/* CPL 3, IOPL 0: IOPL and IF kept. */
	flags_write(cpu, 0);
	cpu->cpl = 3;
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 4, RFLAGS_IOPL | RFLAGS_IF | RFLAGS_ZF | RFLAGS_TF));
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_TF | RFLAGS_FIXED1, flags_read(cpu));
	/* CPL 1, IOPL 1: IF loads, IOPL does not. */
	flags_write(cpu, 1u << RFLAGS_IOPL_SHIFT);
	cpu->cpl = 1;
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 4, RFLAGS_IOPL | RFLAGS_IF));
	ASSERT_EQ((1u << RFLAGS_IOPL_SHIFT) | RFLAGS_IF | RFLAGS_FIXED1, flags_read(cpu));
	/* 16-bit POPF only touches bits 15:0 and keeps RF. */
	cpu->cpl = 0;
	flags_write(cpu, RFLAGS_RF | RFLAGS_AC | RFLAGS_CF);
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 2, RFLAGS_ZF));
	ASSERT_EQ(0x7fff2, cpu->gpr[R_RSP]);
	ASSERT_EQ(RFLAGS_RF | RFLAGS_AC | RFLAGS_ZF | RFLAGS_FIXED1, flags_read(cpu));
	insn_test_free(cpu);
}

TEST(stack, popf_v86)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);

	cpu->seg[SEG_SS].ar = 0xf3 | AR_DB | AR_G;
	/* IOPL 3: IF loads, IOPL kept, VM stays. */
	flags_write(cpu, RFLAGS_VM | RFLAGS_IOPL);
	cpu_update_mode(cpu);
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 4, RFLAGS_IF | RFLAGS_CF));
	ASSERT_EQ(RFLAGS_VM | RFLAGS_IOPL | RFLAGS_IF | RFLAGS_CF | RFLAGS_FIXED1,
		  flags_read(cpu));
	/* IOPL 0 without VME: #GP(0), RSP unchanged. */
	flags_write(cpu, RFLAGS_VM);
	ASSERT_EQ(EXEC_FAULT, popf_with(cpu, 2, 0));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x7fff0, cpu->gpr[R_RSP]);
	/* VME, 16-bit: bit 9 goes to VIF, IF stays. */
	cpu->cr4 |= CR4_VME;
	flags_write(cpu, RFLAGS_VM);
	ASSERT_EQ(EXEC_OK, popf_with(cpu, 2, RFLAGS_IF | RFLAGS_ZF));
	ASSERT_EQ(RFLAGS_VM | RFLAGS_VIF | RFLAGS_ZF | RFLAGS_FIXED1, flags_read(cpu));
	/* VME: setting TF, or IF while VIP is pending, is #GP(0). */
	ASSERT_EQ(EXEC_FAULT, popf_with(cpu, 2, RFLAGS_TF));
	flags_write(cpu, RFLAGS_VM | RFLAGS_VIP);
	ASSERT_EQ(EXEC_FAULT, popf_with(cpu, 2, RFLAGS_IF));
	ASSERT_EQ(RFLAGS_VM | RFLAGS_VIP | RFLAGS_FIXED1, flags_read(cpu));
	insn_test_free(cpu);
}

static struct insn enter_insn(struct cpu *cpu, unsigned opsize, uint16_t alloc, uint8_t level)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = exec_enter;
	in.nops = 2;
	in.op[0] = insn_test_imm(alloc, 2);
	in.op[1] = insn_test_imm(level, 1);
	return in;
}

TEST(stack, enter_leave)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	/* Level 0: push EBP, EBP = ESP, ESP -= 16. */
	cpu->gpr[R_RBP] = 0x12345678;
	in = enter_insn(cpu, 4, 16, 0);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RBP]);
	ASSERT_EQ(0x7fffc - 16, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x12345678, insn_test_peek(cpu, 0x7fffc, 4));
	/* LEAVE undoes it. */
	in = none(cpu, exec_leave, 4);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x12345678, cpu->gpr[R_RBP]);

	/* Level 3: two display entries copied from [EBP-4], [EBP-8], then the new frame. */
	cpu->gpr[R_RBP] = 0x60000;
	insn_test_poke(cpu, 0x60000 - 4, 4, 0xaaaa);
	insn_test_poke(cpu, 0x60000 - 8, 4, 0xbbbb);
	in = enter_insn(cpu, 4, 8, 3);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x60000, insn_test_peek(cpu, 0x7fffc, 4));
	ASSERT_EQ(0xaaaa, insn_test_peek(cpu, 0x7fff8, 4));
	ASSERT_EQ(0xbbbb, insn_test_peek(cpu, 0x7fff4, 4));
	ASSERT_EQ(0x7fffc, insn_test_peek(cpu, 0x7fff0, 4));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RBP]);
	ASSERT_EQ(0x7fff0 - 8, cpu->gpr[R_RSP]);
	/* Level 1: only the new frame pointer is pushed after EBP. */
	cpu->gpr[R_RSP] = 0x80000;
	cpu->gpr[R_RBP] = 0x60000;
	in = enter_insn(cpu, 4, 0, 1);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x7fffc, insn_test_peek(cpu, 0x7fff8, 4));
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RSP]);
	insn_test_free(cpu);
}

TEST(stack, enter_leave_faults_are_precise)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	/* The display copy reads [EBP-4] beyond SS.limit: nothing changes. */
	cpu->seg[SEG_SS].limit = 0x8ffff;
	cpu->gpr[R_RBP] = 0x90002;
	in = enter_insn(cpu, 4, 0, 2);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_SS, cpu->fault.vector);
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x90002, cpu->gpr[R_RBP]);
	/* LEAVE with EBP beyond the limit: #SS, ESP and EBP kept. */
	cpu->gpr[R_RBP] = 0x90000;
	in = none(cpu, exec_leave, 4);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_SS, cpu->fault.vector);
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x90000, cpu->gpr[R_RBP]);
	insn_test_free(cpu);
}

TEST(stack, enter_leave_64)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RBP] = 0x1122334455667788ull;
	in = enter_insn(cpu, 8, 0x20, 0);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RBP]);
	ASSERT_EQ(0x7fff8 - 0x20, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x1122334455667788ull, insn_test_peek(cpu, 0x7fff8, 8));
	in = none(cpu, exec_leave, 8);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x80000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x1122334455667788ull, cpu->gpr[R_RBP]);
	insn_test_free(cpu);
}

/* Operands as decode.c fills them from Zydis: immediates, segment registers, ENTER. */
TEST(stack, decoded_forms)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	static const uint8_t push_imm8[] = {0x6a, 0x80};        /* push -80h */
	static const uint8_t push_fs[] = {0x0f, 0xa0};          /* push fs */
	static const uint8_t enter[] = {0xc8, 0x10, 0x00, 0x01}; /* enter 10h, 1 */
	static const uint8_t pop_mem[] = {0x8f, 0x44, 0x24, 0x04}; /* pop dword [esp+4] */

	ASSERT_TRUE(insn_test_decode(cpu, push_imm8, sizeof(push_imm8), &in));
	ASSERT_TRUE(in.fn == exec_push);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xffffff80, insn_test_peek(cpu, 0x7fffc, 4));

	cpu->seg[SEG_FS].selector = 0x2b;
	insn_test_poke(cpu, 0x7fff8, 4, 0xcccccccc);
	ASSERT_TRUE(insn_test_decode(cpu, push_fs, sizeof(push_fs), &in));
	ASSERT_TRUE(in.fn == exec_push);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fff8, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xcccc002b, insn_test_peek(cpu, 0x7fff8, 4));

	ASSERT_TRUE(insn_test_decode(cpu, pop_mem, sizeof(pop_mem), &in));
	ASSERT_TRUE(in.fn == exec_pop);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RSP]);
	ASSERT_EQ(0xcccc002b, insn_test_peek(cpu, 0x80000, 4));

	cpu->gpr[R_RSP] = 0x80000;
	cpu->gpr[R_RBP] = 0x12345;
	ASSERT_TRUE(insn_test_decode(cpu, enter, sizeof(enter), &in));
	ASSERT_TRUE(in.fn == exec_enter);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x7fffc, cpu->gpr[R_RBP]);
	ASSERT_EQ(0x7fffc, insn_test_peek(cpu, 0x7fff8, 4));
	ASSERT_EQ(0x7fff8 - 0x10, cpu->gpr[R_RSP]);
	insn_test_free(cpu);
}
