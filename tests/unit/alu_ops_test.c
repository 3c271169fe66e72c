/* SPDX-License-Identifier: MIT */
/*
 * Shift, rotate, multiply, divide and bit instruction handlers (hw/insn_shift.c,
 * insn_muldiv.c, insn_bit.c) on register and immediate operands, against SDM Vol. 2
 * and, where the SDM leaves results undefined, what Intel silicon produces.
 */
#include <string.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "test.h"

static struct cpu ops_cpu;

static struct cpu *fresh_cpu(void)
{
	memset(&ops_cpu, 0, sizeof(ops_cpu));
	flags_write(&ops_cpu, RFLAGS_FIXED1);
	return &ops_cpu;
}

static struct operand reg(unsigned r, unsigned size)
{
	struct operand op = {.kind = OPK_REG, .size = (uint8_t)size, .reg = (uint8_t)r};

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

/* Shifts */

TEST(alu_shift, count_zero_changes_no_flag)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0xffffffff80000001ull;
	cpu->gpr[R_RCX] = 0x40; /* masked to 0 for 32-bit, and for 64-bit too */
	flags_set_arith(cpu, CF | OF | AF | ZF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RAX, 4), reg(R_RCX, 1)));
	ASSERT_EQ(0x80000001ull, cpu->gpr[R_RAX]); /* the 32-bit write still zero-extends */
	ASSERT_EQ(CF | OF | AF | ZF, arith(cpu));
	cpu->gpr[R_RBX] = 0x1234;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcr, reg(R_RBX, 2), imm(0x20, 1)));
	ASSERT_EQ(0x1234, cpu->gpr[R_RBX]);
	ASSERT_EQ(CF | OF | AF | ZF, arith(cpu));
}

TEST(alu_shift, shl_counts)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0xc0000000;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RAX, 4), imm(1, 1)));
	ASSERT_EQ(0x80000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 0x40000000;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_shl, reg(R_RAX, 4))); /* implicit count 1 */
	ASSERT_EQ(0x80000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(OF | SF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 3;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RAX, 4), imm(31, 1)));
	ASSERT_EQ(0x80000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | PF, arith(cpu)); /* OF = CF ^ MSB = 0 */

	cpu->gpr[R_RAX] = 3;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RAX, 8), imm(63, 1)));
	ASSERT_EQ(0x8000000000000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | PF, arith(cpu));

	/* 8-bit operand, counts 8 and 9 (past the operand). */
	cpu->gpr[R_RDX] = 0x1281;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RDX, 1), imm(8, 1)));
	ASSERT_EQ(0x1200, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | OF | ZF | PF, arith(cpu));
	cpu->gpr[R_RDX] = 0x1281;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shl, reg(R_RDX, 1), imm(9, 1)));
	ASSERT_EQ(0x1200, cpu->gpr[R_RDX]);
	ASSERT_EQ(ZF | PF, arith(cpu));
}

TEST(alu_shift, shr_sar)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x81;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shr, reg(R_RAX, 1), imm(1, 1)));
	ASSERT_EQ(0x40, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF, arith(cpu)); /* OF = original MSB */

	cpu->gpr[R_RAX] = 0x8000000000000000ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shr, reg(R_RAX, 8), imm(63, 1)));
	ASSERT_EQ(1, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu));

	cpu->gpr[R_RAX] = 0x8000;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_shr, reg(R_RAX, 2), imm(17, 1)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 0x80000001;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sar, reg(R_RAX, 4), imm(1, 1)));
	ASSERT_EQ(0xc0000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | PF, arith(cpu));

	cpu->gpr[R_RAX] = 0x80;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_sar, reg(R_RAX, 1), imm(31, 1)));
	ASSERT_EQ(0xff, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | SF | PF, arith(cpu));
}

TEST(alu_shift, rol_ror)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_arith(cpu, ZF | SF | AF | PF);
	cpu->gpr[R_RAX] = 0x81;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rol, reg(R_RAX, 1), imm(1, 1)));
	ASSERT_EQ(0x03, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | SF | AF | PF | CF | OF, arith(cpu)); /* only CF and OF change */

	cpu->gpr[R_RAX] = 0x01;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_ror, reg(R_RAX, 1), imm(1, 1)));
	ASSERT_EQ(0x80, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | SF | AF | PF | CF | OF, arith(cpu));

	/* An 8-bit rotate by 16: value unchanged, CF/OF from it. */
	flags_set_arith(cpu, 0);
	cpu->gpr[R_RAX] = 0x01;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rol, reg(R_RAX, 1), imm(16, 1)));
	ASSERT_EQ(0x01, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF, arith(cpu));

	cpu->gpr[R_RAX] = 0x8000000000000001ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_ror, reg(R_RAX, 8), imm(63, 1)));
	ASSERT_EQ(0x0000000000000003ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu));

	cpu->gpr[R_RAX] = 0x12345678;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rol, reg(R_RAX, 4), imm(8, 1)));
	ASSERT_EQ(0x34567812, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu));
}

TEST(alu_shift, rcl_rcr_modulo)
{
	struct cpu *cpu = fresh_cpu();

	/* 8-bit RCL by 9 is a full turn through CF: nothing changes. */
	flags_set_arith(cpu, CF);
	cpu->gpr[R_RAX] = 0x5a;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcl, reg(R_RAX, 1), imm(9, 1)));
	ASSERT_EQ(0x5a, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF, arith(cpu));

	/* RCL by 10 ≡ 1: 0x5a << 1 | CF = 0xb5, CF = 0, OF = MSB ^ CF = 1. */
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcl, reg(R_RAX, 1), imm(10, 1)));
	ASSERT_EQ(0xb5, cpu->gpr[R_RAX]);
	ASSERT_EQ(OF, arith(cpu));

	/* 16-bit RCR by 17 is a full turn; by 1 takes CF into bit 15. */
	flags_set_arith(cpu, CF);
	cpu->gpr[R_RAX] = 0x0002;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcr, reg(R_RAX, 2), imm(17, 1)));
	ASSERT_EQ(0x0002, cpu->gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcr, reg(R_RAX, 2), imm(1, 1)));
	ASSERT_EQ(0x8001, cpu->gpr[R_RAX]);
	ASSERT_EQ(OF, arith(cpu));

	/* 64-bit RCL by 63 with CF = 1. */
	flags_set_arith(cpu, CF);
	cpu->gpr[R_RAX] = 0x2;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcl, reg(R_RAX, 8), imm(63, 1)));
	/* Left by 63 in 65 bits is right by 2: CF (bit 64) → bit 62, bit 1 → CF. */
	ASSERT_EQ(0x4000000000000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF, arith(cpu) & CF);

	/* 32-bit RCR: 32 masks to 0; 31 in 33 bits is a rotate left by 2. */
	flags_set_arith(cpu, 0);
	cpu->gpr[R_RAX] = 0x80000001;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcr, reg(R_RAX, 4), imm(32, 1)));
	ASSERT_EQ(0x80000001, cpu->gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_rcr, reg(R_RAX, 4), imm(31, 1)));
	ASSERT_EQ(0x00000005, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu) & CF);
}

TEST(alu_shift, shld_shrd)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x12345678;
	cpu->gpr[R_RBX] = 0x9abcdef0;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_shld, reg(R_RAX, 4), reg(R_RBX, 4), imm(8, 1)));
	ASSERT_EQ(0x3456789a, cpu->gpr[R_RAX]);
	ASSERT_EQ(PF, arith(cpu));

	cpu->gpr[R_RAX] = 0x12345678;
	cpu->gpr[R_RCX] = 4;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_shrd, reg(R_RAX, 4), reg(R_RBX, 4), reg(R_RCX, 1)));
	ASSERT_EQ(0x01234567, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF, arith(cpu));

	cpu->gpr[R_RAX] = 0x8000000000000000ull;
	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_shld, reg(R_RAX, 8), reg(R_RBX, 8), imm(1, 1)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF | ZF | PF, arith(cpu));

	/* 16-bit, count 20 > 16: shifts through dst:src:dst. */
	cpu->gpr[R_RAX] = 0x1234;
	cpu->gpr[R_RBX] = 0xabcd;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_shld, reg(R_RAX, 2), reg(R_RBX, 2), imm(20, 1)));
	ASSERT_EQ(0xbcd1, cpu->gpr[R_RAX]);
	ASSERT_EQ(SF, arith(cpu) & (CF | SF | ZF));
	cpu->gpr[R_RAX] = 0x1234;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_shrd, reg(R_RAX, 2), reg(R_RBX, 2), imm(20, 1)));
	ASSERT_EQ(0x4abc, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF, arith(cpu) & (CF | SF | ZF));
}

/* Multiply and divide */

TEST(alu_muldiv, mul_sizes)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x1280;
	cpu->gpr[R_RBX] = 2;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_mul, reg(R_RBX, 1)));
	ASSERT_EQ(0x0100, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF | ZF | PF, arith(cpu)); /* SF/ZF/PF from AL */

	cpu->gpr[R_RAX] = 0xffff;
	cpu->gpr[R_RDX] = 0xdead0000;
	cpu->gpr[R_RBX] = 0xffff;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_mul, reg(R_RBX, 2)));
	ASSERT_EQ(0x0001, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xdeadfffe, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | OF, arith(cpu));

	cpu->gpr[R_RAX] = 0xffffffff00000003ull;
	cpu->gpr[R_RDX] = ~0ull;
	cpu->gpr[R_RBX] = 5;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_mul, reg(R_RBX, 4)));
	ASSERT_EQ(15, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);
	ASSERT_EQ(PF, arith(cpu));

	cpu->gpr[R_RAX] = ~0ull;
	cpu->gpr[R_RBX] = ~0ull;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_mul, reg(R_RBX, 8)));
	ASSERT_EQ(1, cpu->gpr[R_RAX]);
	ASSERT_EQ(~0ull - 1, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | OF, arith(cpu));
}

TEST(alu_muldiv, imul_forms)
{
	struct cpu *cpu = fresh_cpu();

	/* One operand: -1 * 1 = -1 fits: CF = OF = 0, DX = FFFF. */
	cpu->gpr[R_RAX] = 0xffff;
	cpu->gpr[R_RBX] = 1;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_imul, reg(R_RBX, 2)));
	ASSERT_EQ(0xffff, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xffff, cpu->gpr[R_RDX]);
	ASSERT_EQ(SF | PF, arith(cpu));

	/* 8-bit: -128 * -1 = 128 does not fit AL. */
	cpu->gpr[R_RAX] = 0x80;
	cpu->gpr[R_RBX] = 0xff;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_imul, reg(R_RBX, 1)));
	ASSERT_EQ(0x0080, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | OF | SF, arith(cpu));

	/* Two operands, 64-bit overflow. */
	cpu->gpr[R_RCX] = 0x4000000000000000ull;
	cpu->gpr[R_RBX] = 2;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_imul, reg(R_RCX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(0x8000000000000000ull, cpu->gpr[R_RCX]);
	ASSERT_EQ(CF | OF | SF | PF, arith(cpu));

	/* Three operands with a negative immediate, 32-bit. */
	cpu->gpr[R_RBX] = 7;
	cpu->gpr[R_RDX] = 0xffffffffffffffffull;
	ASSERT_EQ(EXEC_OK, run(cpu, exec_imul, reg(R_RDX, 4), reg(R_RBX, 4), imm(0xfffffffd, 4)));
	ASSERT_EQ(0xffffffeb, cpu->gpr[R_RDX]); /* -21, upper half cleared */
	ASSERT_EQ(SF | PF, arith(cpu));

	/* 64-bit one operand: INT64_MIN * -1. */
	cpu->gpr[R_RAX] = 0x8000000000000000ull;
	cpu->gpr[R_RBX] = ~0ull;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_imul, reg(R_RBX, 8)));
	ASSERT_EQ(0x8000000000000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);
	ASSERT_EQ(CF | OF | SF | PF, arith(cpu));
}

TEST(alu_muldiv, div_and_divide_errors)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x0234;
	cpu->gpr[R_RBX] = 0x10;
	flags_set_arith(cpu, CF | ZF);
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_div, reg(R_RBX, 1)));
	ASSERT_EQ(0x0423, cpu->gpr[R_RAX]); /* AH = rem 4, AL = quot 0x23 */
	ASSERT_EQ(CF | ZF, arith(cpu));     /* flags unchanged */

	/* 0x1234 / 0x13 = 0xf5 rem 5 fits; / 0x12 = 0x102 does not: #DE, AX untouched. */
	cpu->gpr[R_RAX] = 0x1234;
	cpu->gpr[R_RBX] = 0x13;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_div, reg(R_RBX, 1)));
	ASSERT_EQ(0x05f5, cpu->gpr[R_RAX]);
	cpu->gpr[R_RAX] = 0x1234;
	cpu->gpr[R_RBX] = 0x12;
	cpu->fault.vector = 0xff;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_div, reg(R_RBX, 1)));
	ASSERT_EQ(VEC_DE, cpu->fault.vector);
	ASSERT_EQ(0x1234, cpu->gpr[R_RAX]);

	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_div, reg(R_RBX, 8)));
	ASSERT_EQ(VEC_DE, cpu->fault.vector);

	/* 128-bit dividend. */
	cpu->gpr[R_RDX] = 1;
	cpu->gpr[R_RAX] = 0;
	cpu->gpr[R_RBX] = 2;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_div, reg(R_RBX, 8)));
	ASSERT_EQ(0x8000000000000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);
	cpu->gpr[R_RDX] = 2;
	cpu->gpr[R_RAX] = 0;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_div, reg(R_RBX, 8)));
	ASSERT_EQ(2, cpu->gpr[R_RDX]);

	/* 32-bit: EDX:EAX / ECX, upper halves cleared. */
	cpu->gpr[R_RDX] = 0xffffffff00000001ull;
	cpu->gpr[R_RAX] = 0xffffffff00000005ull;
	cpu->gpr[R_RCX] = 0x10;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_div, reg(R_RCX, 4)));
	ASSERT_EQ(0x10000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(5, cpu->gpr[R_RDX]);
}

TEST(alu_muldiv, idiv_signs_and_overflow)
{
	static const unsigned sizes[] = {1, 2, 4, 8};
	struct cpu *cpu = fresh_cpu();

	/* -7 / 2 = -3 rem -1 (truncation), 32-bit. */
	cpu->gpr[R_RDX] = 0xffffffff;
	cpu->gpr[R_RAX] = 0xfffffff9;
	cpu->gpr[R_RBX] = 2;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_idiv, reg(R_RBX, 4)));
	ASSERT_EQ(0xfffffffd, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xffffffff, cpu->gpr[R_RDX]);

	/* 8-bit: AX = -300 / 7 = -42 rem -6. */
	cpu->gpr[R_RAX] = (uint16_t)-300;
	cpu->gpr[R_RBX] = 7;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_idiv, reg(R_RBX, 1)));
	ASSERT_EQ((uint8_t)-42, cpu->gpr[R_RAX] & 0xff);
	ASSERT_EQ((uint8_t)-6, (cpu->gpr[R_RAX] >> 8) & 0xff);

	/* MIN / -1 overflows at every size; so does 128 / 1 in 8 bits. */
	for (unsigned i = 0; i < 4; i++) {
		unsigned s = sizes[i];
		uint64_t min = 1ull << (8 * s - 1);

		cpu->gpr[R_RBX] = ~0ull;
		if (s == 1) {
			cpu->gpr[R_RAX] = 0xff80;
		} else {
			cpu->gpr[R_RAX] = min;
			cpu->gpr[R_RDX] = ~0ull;
		}
		cpu->fault.vector = 0xff;
		ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_idiv, reg(R_RBX, s)));
		ASSERT_EQ(VEC_DE, cpu->fault.vector);
	}
	cpu->gpr[R_RAX] = 0x0080;
	cpu->gpr[R_RBX] = 1;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_idiv, reg(R_RBX, 1)));

	/* 128-bit dividend MIN / -1 (no host overflow trap), and a legal large one. */
	cpu->gpr[R_RDX] = 0x8000000000000000ull;
	cpu->gpr[R_RAX] = 0;
	cpu->gpr[R_RBX] = ~0ull;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_idiv, reg(R_RBX, 8)));
	cpu->gpr[R_RDX] = ~0ull; /* -2^64 / 4 = -2^62 */
	cpu->gpr[R_RAX] = 0;
	cpu->gpr[R_RBX] = 4;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_idiv, reg(R_RBX, 8)));
	ASSERT_EQ(0xc000000000000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);

	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_FAULT, run1(cpu, exec_idiv, reg(R_RBX, 2)));
}

/* Bit instructions */

TEST(alu_bit, bt_family_registers)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_arith(cpu, ZF | SF);
	cpu->gpr[R_RAX] = 0x8000000000000001ull;
	cpu->gpr[R_RCX] = 63 + 64; /* register offsets are taken modulo the width */
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bt, reg(R_RAX, 8), reg(R_RCX, 8)));
	ASSERT_EQ(CF | ZF | SF, arith(cpu));

	ASSERT_EQ(EXEC_OK, run2(cpu, exec_btr, reg(R_RAX, 4), imm(32, 1))); /* bit 0 */
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | ZF | SF, arith(cpu));

	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bts, reg(R_RAX, 2), imm(15, 1)));
	ASSERT_EQ(0x8000, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF | SF, arith(cpu));

	ASSERT_EQ(EXEC_OK, run2(cpu, exec_btc, reg(R_RAX, 2), imm(31, 1))); /* bit 15 */
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(CF | ZF | SF, arith(cpu));
}

TEST(alu_bit, bsf_bsr)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0xdeadbeefdeadbeefull;
	cpu->gpr[R_RBX] = 0;
	flags_set_arith(cpu, CF | OF);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bsf, reg(R_RAX, 4), reg(R_RBX, 4)));
	ASSERT_EQ(0xdeadbeefdeadbeefull, cpu->gpr[R_RAX]); /* not even zero-extended */
	ASSERT_EQ(CF | OF | ZF, arith(cpu));

	cpu->gpr[R_RBX] = 0x00f0000000000000ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bsf, reg(R_RAX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(52, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu)); /* 52 = 0b110100 has three ones: PF clear */
}

TEST(alu_bit, bsr_lzcnt_tzcnt_popcnt)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RBX] = 0x00f0;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bsr, reg(R_RAX, 2), reg(R_RBX, 2)));
	ASSERT_EQ(7, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu)); /* 7 has three ones: PF clear */

	cpu->gpr[R_RBX] = 1;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_bsr, reg(R_RAX, 4), reg(R_RBX, 4)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(PF, arith(cpu)); /* result 0 but the source was not: ZF clear */

	flags_set_arith(cpu, SF | OF);
	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_lzcnt, reg(R_RAX, 2), reg(R_RBX, 2)));
	ASSERT_EQ(16, cpu->gpr[R_RAX]);
	ASSERT_EQ(SF | OF | CF, arith(cpu));
	cpu->gpr[R_RBX] = 0x80000000;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_lzcnt, reg(R_RAX, 4), reg(R_RBX, 4)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(SF | OF | ZF, arith(cpu));
	cpu->gpr[R_RBX] = 0x100;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_lzcnt, reg(R_RAX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(55, cpu->gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_tzcnt, reg(R_RAX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(8, cpu->gpr[R_RAX]);
	ASSERT_EQ(SF | OF, arith(cpu));
	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_tzcnt, reg(R_RAX, 4), reg(R_RBX, 4)));
	ASSERT_EQ(32, cpu->gpr[R_RAX]);
	ASSERT_EQ(SF | OF | CF, arith(cpu));

	flags_set_arith(cpu, RFLAGS_ARITH);
	cpu->gpr[R_RBX] = 0xff00ff00ff00ff00ull;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_popcnt, reg(R_RAX, 8), reg(R_RBX, 8)));
	ASSERT_EQ(32, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, arith(cpu));
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_popcnt, reg(R_RAX, 2), reg(R_RBX, 2)));
	ASSERT_EQ(8, cpu->gpr[R_RAX]);
	cpu->gpr[R_RBX] = 0;
	ASSERT_EQ(EXEC_OK, run2(cpu, exec_popcnt, reg(R_RAX, 4), reg(R_RBX, 4)));
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	ASSERT_EQ(ZF, arith(cpu));
}

TEST(alu_bit, bswap)
{
	struct cpu *cpu = fresh_cpu();

	cpu->gpr[R_RAX] = 0x0102030405060708ull;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_bswap, reg(R_RAX, 8)));
	ASSERT_EQ(0x0807060504030201ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_bswap, reg(R_RAX, 4)));
	ASSERT_EQ(0x01020304ull, cpu->gpr[R_RAX]);
	cpu->gpr[R_RAX] = 0x1122334455667788ull;
	ASSERT_EQ(EXEC_OK, run1(cpu, exec_bswap, reg(R_RAX, 2)));
	ASSERT_EQ(0x1122334455660000ull, cpu->gpr[R_RAX]);
}
