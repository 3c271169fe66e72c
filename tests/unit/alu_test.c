/* SPDX-License-Identifier: MIT */
/*
 * Integer instruction handlers (hw/insn_alu.c, insn_shift.c, insn_muldiv.c,
 * insn_bit.c) on register and immediate operands, checked against the SDM Vol. 2
 * pages of each instruction and the flags Intel silicon leaves where they are undefined.
 */
#include <string.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "test.h"

static struct cpu alu_cpu;

static struct cpu *fresh_cpu(void)
{
	memset(&alu_cpu, 0, sizeof(alu_cpu));
	flags_write(&alu_cpu, RFLAGS_FIXED1);
	return &alu_cpu;
}

static struct operand reg(unsigned r, unsigned size)
{
	struct operand op = {.kind = OPK_REG, .size = (uint8_t)size, .reg = (uint8_t)r};

	return op;
}

static struct operand high8(unsigned r)
{
	struct operand op = reg(r, 1);

	op.high8 = true;
	return op;
}

static struct operand imm(uint64_t v, unsigned size)
{
	struct operand op = {.kind = OPK_IMM, .size = (uint8_t)size, .imm = v};

	return op;
}

static struct operand none(void)
{
	struct operand op = {.kind = OPK_NONE};

	return op;
}

/* Run a handler on up to three operands (OPK_NONE ends the list). */
static enum exec_status run(struct cpu *cpu, insn_fn *fn, struct operand a, struct operand b,
			    struct operand c)
{
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.fn = fn;
	in.op[0] = a;
	in.op[1] = b;
	in.op[2] = c;
	in.nops = a.kind == OPK_NONE ? 0 : b.kind == OPK_NONE ? 1 : c.kind == OPK_NONE ? 2 : 3;
	in.opsize = a.size;
	in.addrsize = 8;
	in.seg_override = SEG_NONE;
	return fn(cpu, &in);
}

static enum exec_status run1(struct cpu *cpu, insn_fn *fn, struct operand a)
{
	return run(cpu, fn, a, none(), none());
}

static enum exec_status run2(struct cpu *cpu, insn_fn *fn, struct operand a, struct operand b)
{
	return run(cpu, fn, a, b, none());
}

static uint64_t arith(struct cpu *cpu)
{
	return flags_read(cpu) & RFLAGS_ARITH;
}

enum {
	CF = RFLAGS_CF, PF = RFLAGS_PF, AF = RFLAGS_AF, ZF = RFLAGS_ZF, SF = RFLAGS_SF,
	OF = RFLAGS_OF,
};

/* ADD … XOR, INC, DEC, NEG, NOT */

TEST(alu, add_sizes_and_flags)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x111111111111117full;
	cpu->gpr[R_RBX] = 0x01;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 1), reg(R_RBX, 1)));
	ASSERT_EQ(0x1111111111111180ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(OF | SF | AF, arith(cpu));

	cpu->gpr[R_RAX] = 0xffffffffffffffffull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 4), imm(1, 4)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]); /* 32-bit result zero-extends */
	ASSERT_EQ(CF | ZF | AF | PF, arith(cpu));

	cpu->gpr[R_RCX] = 0x8000000000000000ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RCX, 8), reg(R_RCX, 8)));
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(CF | OF | ZF | PF, arith(cpu));

	cpu->gpr[R_RDX] = 0xabcd7fff;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RDX, 2), imm(0xffff, 2)));
	ASSERT_EQ(0xabcd7ffe, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | AF, arith(cpu));
}

TEST(alu, add_high8_and_sign_extended_imm)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x12f0;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, high8(R_RAX), imm(0xee, 1)));
	ASSERT_EQ(0x00f0, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | ZF | PF | AF, arith(cpu));

	/* add rbx, -1 (imm8 sign-extended to 64 bits by the decoder) */
	cpu->gpr[R_RBX] = 5;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RBX, 8), imm(~0ull, 8)));
	ASSERT_EQ(4, cpu->gpr[R_RBX]);
	ASSERT_EQ(CF | AF, arith(cpu));
}

TEST(alu, adc_sbb_chain)
{
	struct cpu *cpu = fresh_cpu();

	/* 128-bit add: (2^64 - 1) + 1 carries into the high word. */
	cpu->gpr[R_RAX] = ~0ull;
	cpu->gpr[R_RDX] = 7;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 8), imm(1, 8)));
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_adc, reg(R_RDX, 8), imm(0, 8)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(8, cpu->gpr[R_RDX]);
	ASSERT_EQ(0, arith(cpu) & CF);

	/* adc al, 0xff with CF=1: 0xff + 0xff + 1 = 0x1ff */
	cpu->gpr[R_RAX] = 0xff;
	flags_set_arith(cpu, CF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_adc, reg(R_RAX, 1), imm(0xff, 1)));
	ASSERT_EQ(0xff, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | AF | PF, arith(cpu));

	/* sbb eax, eax with CF=1: all ones, CF stays. */
	cpu->gpr[R_RAX] = 0x1234;
	flags_set_arith(cpu, CF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sbb, reg(R_RAX, 4), reg(R_RAX, 4)));
	ASSERT_EQ(0xffffffff, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | AF | PF, arith(cpu));

	/* sbb with CF=0 is sub. */
	cpu->gpr[R_RBX] = 0x10;
	flags_set_arith(cpu, 0);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sbb, reg(R_RBX, 2), imm(1, 2)));
	ASSERT_EQ(0xf, cpu->gpr[R_RBX]);
	ASSERT_EQ(AF | PF, arith(cpu));
}

TEST(alu, sub_cmp_test)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x80;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sub, reg(R_RAX, 1), imm(1, 1)));
	ASSERT_EQ(0x7f, cpu->gpr[R_RAX]);
	ASSERT_EQ(OF | AF, arith(cpu));

	cpu->gpr[R_RAX] = 3;
	cpu->gpr[R_RBX] = 5;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_cmp, reg(R_RAX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(3, cpu->gpr[R_RAX]); /* CMP writes nothing */
	ASSERT_EQ(CF | SF | AF, arith(cpu));
	ASSERT_TRUE(flags_cond(cpu, 0x2));  /* B */
	ASSERT_TRUE(flags_cond(cpu, 0xc));  /* L */

	cpu->gpr[R_RAX] = 0xffffffff00000000ull;
	flags_set_arith(cpu, CF | OF | AF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_test, reg(R_RAX, 4), reg(R_RAX, 4)));
	ASSERT_EQ(0xffffffff00000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | PF, arith(cpu));
}

TEST(alu, logic_clears_cf_of_af)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RSI] = 0xf0f0;
	flags_set_arith(cpu, CF | OF | AF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_and, reg(R_RSI, 2), imm(0x8f00, 2)));
	ASSERT_EQ(0x8000, cpu->gpr[R_RSI]);
	ASSERT_EQ(SF | PF, arith(cpu));

	cpu->gpr[R_RSI] = 0x1;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_or, reg(R_RSI, 8), imm(0x2, 8)));
	ASSERT_EQ(3, cpu->gpr[R_RSI]);
	ASSERT_EQ(PF, arith(cpu));

	cpu->gpr[R_RDI] = 0xdeadbeefcafef00dull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_xor, reg(R_RDI, 4), reg(R_RDI, 4)));
	ASSERT_EQ(0, cpu->gpr[R_RDI]);
	ASSERT_EQ(ZF | PF, arith(cpu));
}

TEST(alu, inc_dec_preserve_cf)
{
	struct cpu *cpu = fresh_cpu();

	for (unsigned cf = 0; cf < 2; cf++) {
		cpu->gpr[R_RCX] = 0x7fffffff;
		flags_set_arith(cpu, cf ? CF : 0);
		ASSERT_EQ(EXEC_OK, run1(cpu, exec_inc, reg(R_RCX, 4)));
		ASSERT_EQ(0x80000000, cpu->gpr[R_RCX]);
		ASSERT_EQ((cf ? CF : 0) | OF | SF | AF | PF, arith(cpu));
		ASSERT_EQ(EXEC_OK, run1(cpu, exec_dec, reg(R_RCX, 4)));
		ASSERT_EQ(0x7fffffff, cpu->gpr[R_RCX]);
		ASSERT_EQ((cf ? CF : 0) | OF | AF | PF, arith(cpu));
	}
	/* CF from a lazy carry, kept across INC of 0xff → 0. */
	cpu->gpr[R_RAX] = 0xffff;
	cpu->gpr[R_RBX] = 0xff;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 2), imm(1, 2)));
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_inc, reg(R_RBX, 1)));
	ASSERT_EQ(0, cpu->gpr[R_RBX]);
	ASSERT_EQ(CF | ZF | AF | PF, arith(cpu));
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_dec, reg(R_RBX, 8)));
	ASSERT_EQ(~0ull, cpu->gpr[R_RBX]);
	ASSERT_EQ(CF | SF | AF | PF, arith(cpu));
}

TEST(alu, neg_not)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_neg, reg(R_RAX, 8)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 0x8000;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_neg, reg(R_RAX, 2)));
	ASSERT_EQ(0x8000, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF | SF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 1;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_neg, reg(R_RAX, 4)));
	ASSERT_EQ(0xffffffff, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | AF | PF, arith(cpu));

	flags_set_arith(cpu, CF | ZF);
	cpu->gpr[R_RDX] = 0x1200;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_not, high8(R_RDX)));
	ASSERT_EQ(0xed00, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | ZF, arith(cpu));
}

/* BCD adjustments (SDM Vol. 2 examples). */

TEST(alu, daa_das_sdm_examples)
{
	struct cpu *cpu = fresh_cpu();

	/* ADD AL, BL with AL = 79h, BL = 35h gives AEh; DAA gives 14h and CF. */
	cpu->gpr[R_RAX] = 0x79;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 1), imm(0x35, 1)));
	ASSERT_EQ(EXEC_OK, run(cpu, exec_daa, none(), none(), none()));
	ASSERT_EQ(0x14, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | AF | PF, arith(cpu));

	/* SUB AL, BL with AL = 35h, BL = 47h gives EEh; DAS gives 88h and CF. */
	cpu->gpr[R_RAX] = 0x35;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sub, reg(R_RAX, 1), imm(0x47, 1)));
	ASSERT_EQ(EXEC_OK, run(cpu, exec_das, none(), none(), none()));
	ASSERT_EQ(0x88, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | AF | SF | PF, arith(cpu));

	/* 0x99 + 0x01 = 0x9a → DAA → 0x00 with CF. */
	cpu->gpr[R_RAX] = 0x99;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 1), imm(0x01, 1)));
	ASSERT_EQ(EXEC_OK, run(cpu, exec_daa, none(), none(), none()));
	ASSERT_EQ(0x00, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | AF | ZF | PF, arith(cpu));
}

TEST(alu, aaa_aas)
{
	struct cpu *cpu = fresh_cpu();

	/* '9' + '5' = 0x6e: AAA → AH += 1, AL = 4. */
	cpu->gpr[R_RAX] = 0x0039;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_add, reg(R_RAX, 1), imm(0x35, 1)));
	ASSERT_EQ(EXEC_OK, run(cpu, exec_aaa, none(), none(), none()));
	ASSERT_EQ(0x0104, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | AF, arith(cpu));

	/* No adjustment: AL masked, CF = AF = 0, ZF from AL. */
	cpu->gpr[R_RAX] = 0x0530;
	flags_set_arith(cpu, 0);
	ASSERT_EQ(EXEC_OK, run(cpu, exec_aaa, none(), none(), none()));
	ASSERT_EQ(0x0500, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | PF, arith(cpu));

	/* AAA with AL = 0xfa: AX + 0x106 carries into AH twice over. */
	cpu->gpr[R_RAX] = 0x00fa;
	flags_set_arith(cpu, 0);
	ASSERT_EQ(EXEC_OK, run(cpu, exec_aaa, none(), none(), none()));
	ASSERT_EQ(0x0200, cpu->gpr[R_RAX]);

	/* '3' - '5' = 0xfe: AAS → AH -= 1, AL = 8. */
	cpu->gpr[R_RAX] = 0x0233;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sub, reg(R_RAX, 1), imm(0x35, 1)));
	ASSERT_EQ(EXEC_OK, run(cpu, exec_aas, none(), none(), none()));
	ASSERT_EQ(0x0108, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | AF, arith(cpu));
}

TEST(alu, aam_aad_and_divide_error)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0xff3f; /* 63 */
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_aam, imm(10, 1)));
	ASSERT_EQ(0x0603, cpu->gpr[R_RAX]);
	ASSERT_EQ(PF, arith(cpu));

	cpu->gpr[R_RAX] = 0xff;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_aam, imm(16, 1)));
	ASSERT_EQ(0x0f0f, cpu->gpr[R_RAX]);

	cpu->gpr[R_RAX] = 0x1234;
	flags_set_arith(cpu, CF);
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_aam, imm(0, 1)));
	ASSERT_EQ(VEC_DE, cpu->fault.vector);
	ASSERT_EQ(0x1234, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF, arith(cpu));

	cpu->gpr[R_RAX] = 0x0607;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_aad, imm(10, 1)));
	ASSERT_EQ(67, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu));

	/* AAD wraps in 8 bits: 0x20 * 10 + 0x10 = 0x150 → 0x50. */
	cpu->gpr[R_RAX] = 0x2010;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_aad, imm(10, 1)));
	ASSERT_EQ(0x50, cpu->gpr[R_RAX]);
	ASSERT_EQ(PF, arith(cpu));
}
