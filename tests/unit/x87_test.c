/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the x87 instruction handlers (insn_x87.c, x87_arith.c) through the real
 * decoder on real byte sequences: the register stack and tags, #NM and the deferred
 * #MF (SDM Vol. 1, 8.7; Vol. 3A, 2.5), the instruction and data pointers and FOP
 * (Vol. 1, 8.1.8, 8.1.9), the environment layouts of every mode and operand size
 * (Vol. 1, 8.1.10, Figures 8-9 … 8-12) and precise memory faults.
 */
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "machine.h"
#include "test.h"


/* Decode and run one instruction given as bytes; returns the status (fault in cpu). */
static enum exec_status run(struct cpu *cpu, const uint8_t *b, unsigned len)
{
	struct insn in;

	if (!insn_test_decode(cpu, b, len, &in))
		return EXEC_VMEXIT; /* never a valid outcome here */
	return insn_test_run(cpu, &in);
}

#define RUN(cpu, ...)                                                                 \
	({                                                                            \
		static const uint8_t b_[] = {__VA_ARGS__};                           \
		run((cpu), b_, sizeof(b_));                                           \
	})

static unsigned top(const struct cpu *cpu)
{
	return (cpu->x87.fsw >> 11) & 7;
}

static struct cpu *fresh(enum cpu_mode mode)
{
	struct cpu *cpu = insn_test_cpu(mode);

	cpu->cr0 = (cpu->cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	cpu->x87.fcw = 0x37f; /* as after FNINIT (RESET leaves 0x40: all unmasked) */
	return cpu;
}

TEST(x87, finit_push_pop_tags)
{
	struct cpu *cpu = fresh(MODE_LONG64);

	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xe3)); /* fninit */
	ASSERT_EQ(0x37f, cpu->x87.fcw);
	ASSERT_EQ(0xffff, cpu->x87.ftw);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xe8)); /* fld1 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xee)); /* fldz */
	ASSERT_EQ(6, top(cpu));
	ASSERT_EQ(0x1fff, cpu->x87.ftw); /* R7 valid, R6 zero */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xc9)); /* fxch st1 */
	ASSERT_EQ(0x3fff, cpu->x87.sign_exp[6]);
	ASSERT_EQ(0x4fff, cpu->x87.ftw);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdf, 0xc1)); /* ffreep st1: free R7, pop */
	ASSERT_EQ(7, top(cpu));
	ASSERT_EQ(0xffff, cpu->x87.ftw);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xf6)); /* fdecstp */
	ASSERT_EQ(6, top(cpu));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xf7)); /* fincstp */
	ASSERT_EQ(7, top(cpu));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xe0)); /* feni: a no-op since the 387 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdf, 0xe0)); /* fnstsw ax */
	ASSERT_EQ(0x3800, cpu->gpr[R_RAX] & 0xffff);
	insn_test_free(cpu);
}

TEST(x87, memory_forms_and_fcmov)
{
	struct cpu *cpu = fresh(MODE_LONG64);

	cpu->gpr[R_RBX] = 0x9000;
	insn_test_poke(cpu, 0x9000, 4, 0xfffffff9); /* -7 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0x03)); /* fild dword [rbx] */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0x3b)); /* fstp tbyte [rbx] */
	ASSERT_EQ(0xe000000000000000ull, insn_test_peek(cpu, 0x9000, 8));
	ASSERT_EQ(0xc001, insn_test_peek(cpu, 0x9008, 2));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0x2b)); /* fld tbyte [rbx] */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x1b)); /* fstp dword [rbx] */
	ASSERT_EQ(0xc0e00000u, insn_test_peek(cpu, 0x9000, 4));
	insn_test_poke(cpu, 0x9000, 8, 0x4004000000000000ull); /* 2.5 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x03)); /* fld qword [rbx] */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0x0b)); /* fisttp dword [rbx]: truncates */
	ASSERT_EQ(2, insn_test_peek(cpu, 0x9000, 4));
	/* fcmovb st0, st1 with CF = 1, then fcmovnb with CF = 1 (no move) */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xe8)); /* fld1 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xee)); /* fldz */
	flags_write(cpu, 0x203);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xc1)); /* fcmovnb: CF = 1, no move */
	ASSERT_EQ(0, cpu->x87.sign_exp[top(cpu)]);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xda, 0xc1)); /* fcmovb */
	ASSERT_EQ(0x3fff, cpu->x87.sign_exp[top(cpu)]);
	/* fcomi st0, st1: 1 = 1 sets ZF only */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xf1));
	ASSERT_EQ(RFLAGS_ZF, flags_read(cpu) & RFLAGS_ARITH);
	insn_test_free(cpu);
}

TEST(x87, nm_and_deferred_mf)
{
	struct cpu *cpu = fresh(MODE_LONG64);

	cpu->cr0 |= CR0_TS;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xd9, 0xe8));
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	cpu->cr0 &= ~CR0_MP;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x9b)); /* fwait: TS without MP */
	cpu->cr0 |= CR0_MP;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x9b));
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	cpu->cr0 = (cpu->cr0 & ~CR0_TS) | CR0_EM;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xdb, 0xe3));
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x9b)); /* EM does not affect WAIT */
	cpu->cr0 &= ~CR0_EM;

	/* Unmasked #Z: ES, B; the next waiting instruction faults, state untouched. */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xe3));
	cpu->x87.fcw = 0x37b;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xee)); /* fldz */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xe8)); /* fld1 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd8, 0xf1)); /* fdiv st0, st1 */
	ASSERT_EQ(0x8084 | (6 << 11), cpu->x87.fsw);
	ASSERT_EQ(0x3fff, cpu->x87.sign_exp[6]); /* destination unchanged */
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xd9, 0xe8));
	ASSERT_EQ(VEC_MF, cpu->fault.vector);
	ASSERT_EQ(6, top(cpu));
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x9b));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdf, 0xe0)); /* fnstsw ax does not wait */
	/* CR0.NE = 0: no #MF (FERR#/IGNNE# not modelled: the instruction proceeds) */
	cpu->cr0 &= ~CR0_NE;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x9b));
	cpu->cr0 |= CR0_NE;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdb, 0xe2)); /* fnclex */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x9b));
	/* Unmasking a pending flag with FLDCW makes it pending */
	cpu->x87.fsw |= 0x01;
	cpu->x87.fcw = 0x37f;
	cpu->gpr[R_RBX] = 0x9000;
	insn_test_poke(cpu, 0x9000, 2, 0x37e);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x2b)); /* fldcw [rbx] */
	ASSERT_EQ(0x8081, cpu->x87.fsw & 0x80ff);
	insn_test_free(cpu);
}

TEST(x87, pointers_and_opcode)
{
	struct cpu *cpu = fresh(MODE_LONG64);

	cpu->gpr[R_RBX] = 0x9000;
	cpu->rip = 0x1234;
	cpu->seg[SEG_DS].selector = 0x10;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x43, 0x08)); /* fld qword [rbx+8] */
	ASSERT_EQ(0x1234, cpu->x87.fip);
	ASSERT_EQ(0x8, cpu->x87.fcs);
	ASSERT_EQ(0x9008, cpu->x87.fdp);
	ASSERT_EQ(0x10, cpu->x87.fds);
	ASSERT_EQ(0x543, cpu->x87.fop); /* DD 43: 101 01000011 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x3b)); /* fnstcw at 1237h: control, pointers kept */
	ASSERT_EQ(0x1234, cpu->x87.fip);
	ASSERT_EQ(0x543, cpu->x87.fop);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd8, 0xc9)); /* fmul st0, st1 at 1239h */
	ASSERT_EQ(0x0c9, cpu->x87.fop);
	ASSERT_EQ(0x1239, cpu->x87.fip);
	insn_test_free(cpu);
}

TEST(x87, precise_memory_fault)
{
	struct cpu *cpu = fresh(MODE_PROT32);
	struct x87_state before;

	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xe8)); /* fld1 */
	cpu->seg[SEG_DS].limit = 0xfff;
	cpu->gpr[R_RBX] = 0xffc;
	before = cpu->x87;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xdd, 0x1b)); /* fstp qword [ebx]: beyond the limit */
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, memcmp(&before, &cpu->x87, sizeof(before)));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x1b)); /* fstp dword [ebx] fits */
	ASSERT_EQ(0x3f800000u, insn_test_peek(cpu, 0xffc, 4));
	insn_test_free(cpu);
}

TEST(x87, env_layouts)
{
	struct cpu *cpu = fresh(MODE_PROT32);
	uint8_t img[28];

	/* 32-bit protected: FIP, FCS|FOP<<16, FDP, FDS */
	cpu->rip = 0x4000;
	cpu->gpr[R_RBX] = 0x9000;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x03)); /* fld qword [ebx] */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x33)); /* fnstenv [ebx] */
	ASSERT_EQ(0xffff037f, insn_test_peek(cpu, 0x9000, 4));
	ASSERT_EQ(0xffff7fff, insn_test_peek(cpu, 0x9008, 4)); /* R7 zero (the qword was 0) */
	ASSERT_EQ(0x4000, insn_test_peek(cpu, 0x900c, 4));
	ASSERT_EQ(0x05030008, insn_test_peek(cpu, 0x9010, 4));
	ASSERT_EQ(0x9000, insn_test_peek(cpu, 0x9014, 4));
	ASSERT_EQ(0xffff0010, insn_test_peek(cpu, 0x9018, 4));
	/* 16-bit protected (66 prefix): 14 bytes */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0xd9, 0x33));
	ASSERT_EQ(0x037f, insn_test_peek(cpu, 0x9000, 2));
	ASSERT_EQ(0x4000, insn_test_peek(cpu, 0x9006, 2));
	ASSERT_EQ(0x0008, insn_test_peek(cpu, 0x9008, 2));
	ASSERT_EQ(0x9000, insn_test_peek(cpu, 0x900a, 2));
	ASSERT_EQ(0x0010, insn_test_peek(cpu, 0x900c, 2));
	/* and back: FLDENV of the 14-byte image with another FCW */
	insn_test_poke(cpu, 0x9000, 2, 0x0c7f);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0xd9, 0x23)); /* fldenv [ebx] (16-bit) */
	ASSERT_EQ(0x0c7f, cpu->x87.fcw);
	ASSERT_EQ(0x7fff, cpu->x87.ftw);
	insn_test_free(cpu);

	/* Real mode, 16-bit: linear FIP split 15..0 / 19..16 with FOP */
	cpu = fresh(MODE_REAL);
	cpu->seg[SEG_CS].selector = 0x1000;
	cpu->seg[SEG_CS].base = 0x10000;
	cpu->rip = 0x0123;
	cpu->gpr[R_RBX] = 0x9000;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x07)); /* fld qword [bx] */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x37)); /* fnstenv [bx] */
	ASSERT_EQ(0x0123, insn_test_peek(cpu, 0x9006, 2));
	ASSERT_EQ(0x1507, insn_test_peek(cpu, 0x9008, 2)); /* FIP 19..16 = 1, FOP 0x507 */
	ASSERT_EQ(0x9000, insn_test_peek(cpu, 0x900a, 2));
	/* Real mode, 32-bit (66 prefix): 28 bytes */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0xd9, 0x37));
	ASSERT_EQ(0xffff0123, insn_test_peek(cpu, 0x900c, 4));
	ASSERT_EQ(0x00001507, insn_test_peek(cpu, 0x9010, 4));
	memcpy(img, cpu->slat->ram + 0x9000, 28);
	ASSERT_EQ(0x37f, img[0] | img[1] << 8);
	insn_test_free(cpu);
}

TEST(x87, fsave_frstor)
{
	struct cpu *cpu = fresh(MODE_LONG64);
	struct x87_state before;

	cpu->gpr[R_RBX] = 0x9000;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xeb)); /* fldpi */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0xea)); /* fldl2e */
	cpu->x87.fcw = 0x0a7f;
	before = cpu->x87;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x33)); /* fnsave [rbx] */
	ASSERT_EQ(0x37f, cpu->x87.fcw);
	ASSERT_EQ(0xffff, cpu->x87.ftw);
	ASSERT_EQ(0xb8aa3b295c17f0bcull, insn_test_peek(cpu, 0x9000 + 28, 8));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x23)); /* frstor [rbx] */
	ASSERT_EQ(before.fcw, cpu->x87.fcw);
	ASSERT_EQ(before.fsw, cpu->x87.fsw);
	ASSERT_EQ(before.ftw, cpu->x87.ftw);
	ASSERT_EQ(0, memcmp(before.signif, cpu->x87.signif, sizeof(before.signif)));
	ASSERT_EQ(0, memcmp(before.sign_exp, cpu->x87.sign_exp, sizeof(before.sign_exp)));
	insn_test_free(cpu);
}

TEST(x87, unmasked_overflow_register_and_memory)
{
	struct cpu *cpu = fresh(MODE_LONG64);

	cpu->gpr[R_RBX] = 0x9000;
	insn_test_poke(cpu, 0x9000, 8, 0x7fefffffffffffffull); /* DBL_MAX */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xdd, 0x03)); /* fld qword [rbx] */
	cpu->x87.fcw = 0x0377; /* #O unmasked */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xd9, 0x1b)); /* fstp dword [rbx]: nothing stored */
	ASSERT_EQ(0xffffffffu, insn_test_peek(cpu, 0x9000, 4));
	ASSERT_EQ(7, top(cpu)); /* not popped */
	ASSERT_EQ(0x8088, cpu->x87.fsw & 0x80ff);
	insn_test_free(cpu);
}
