/* SPDX-License-Identifier: MIT */
/* Unit tests of the string handlers (insn_string.c) against SDM Vol. 2 MOVS … SCAS, REP. */
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "machine.h"
#include "test.h"

/* Test machine, defined in mov_test.c. */

/* A string instruction: opcode's low bit says byte (0) or opsize elements (1). */
static struct insn str(struct cpu *cpu, insn_fn *fn, uint8_t opcode, unsigned opsize,
		       uint8_t rep)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	in.opcode = opcode;
	in.rep = rep;
	in.len = rep ? 2 : 1;
	return in;
}

/* Run a REP instruction to completion the way the interpreter would: restarts included. */
static enum exec_status run_all(struct cpu *cpu, const struct insn *in, unsigned *calls)
{
	uint64_t start = cpu->rip;
	enum exec_status st;

	*calls = 0;
	do {
		st = insn_test_run(cpu, in);
		(*calls)++;
	} while (st == EXEC_OK && cpu->rip == start && *calls < 1000);
	return st;
}

TEST(string, rep_movsb_forward)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa4, 1, REP_REP);
	unsigned calls;

	for (unsigned i = 0; i < 100; i++)
		insn_test_poke(cpu, 0x10000 + i, 1, i + 1);
	cpu->gpr[R_RSI] = 0x10000;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 100;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(1, calls);
	ASSERT_EQ(0, memcmp(cpu->slat->ram + 0x10000, cpu->slat->ram + 0x20000, 100));
	ASSERT_EQ(0x10064, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x20064, cpu->gpr[R_RDI]);
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	insn_test_free(cpu);
}

TEST(string, rep_movsb_overlap_replicates)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa4, 1, REP_REP);
	unsigned calls;

	/* Forward copy onto itself one byte ahead spreads the first byte. */
	insn_test_poke(cpu, 0x10000, 1, 0x5a);
	cpu->gpr[R_RSI] = 0x10000;
	cpu->gpr[R_RDI] = 0x10001;
	cpu->gpr[R_RCX] = 64;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	for (unsigned i = 0; i <= 64; i++)
		ASSERT_EQ(0x5a, insn_test_peek(cpu, 0x10000 + i, 1));
	insn_test_free(cpu);
}

TEST(string, rep_movsd_backward)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa5, 4, REP_REP);
	unsigned calls;

	for (unsigned i = 0; i < 4; i++)
		insn_test_poke(cpu, 0x10000 + 4 * i, 4, 0x1000 + i);
	flags_write(cpu, RFLAGS_DF);
	cpu->gpr[R_RSI] = 0x1000c;
	cpu->gpr[R_RDI] = 0x2000c;
	cpu->gpr[R_RCX] = 4;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	for (unsigned i = 0; i < 4; i++)
		ASSERT_EQ(0x1000 + i, insn_test_peek(cpu, 0x20000 + 4 * i, 4));
	ASSERT_EQ(0xfffc, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x1fffc, cpu->gpr[R_RDI]);
	insn_test_free(cpu);
}

TEST(string, source_override_destination_es)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa5, 2, REP_NONE);

	cpu->seg[SEG_FS].base = 0x30000;
	cpu->seg[SEG_ES].base = 0x40000;
	in.seg_override = SEG_FS;
	insn_test_poke(cpu, 0x30010, 2, 0xabcd);
	cpu->gpr[R_RSI] = 0x10;
	cpu->gpr[R_RDI] = 0x20;
	cpu->gpr[R_RCX] = 77; /* no REP: the count is not used */
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xabcd, insn_test_peek(cpu, 0x40020, 2));
	ASSERT_EQ(0x12, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x22, cpu->gpr[R_RDI]);
	ASSERT_EQ(77, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(string, rep_stos_16bit_address_wraps)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_stos, 0xab, 2, REP_REP);
	unsigned calls;

	in.addrsize = 2;
	cpu->gpr[R_RAX] = 0x1234;
	cpu->gpr[R_RDI] = 0xabcdfffc; /* only DI counts, and DI wraps */
	cpu->gpr[R_RCX] = 0x55550003; /* only CX counts */
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0x1234, insn_test_peek(cpu, 0xfffc, 2));
	ASSERT_EQ(0x1234, insn_test_peek(cpu, 0xfffe, 2));
	ASSERT_EQ(0x1234, insn_test_peek(cpu, 0x0000, 2));
	ASSERT_EQ(0xabcd0002, cpu->gpr[R_RDI]);
	ASSERT_EQ(0x55550000, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(string, lods_and_zero_count)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in = str(cpu, exec_lods, 0xad, 8, REP_NONE);

	insn_test_poke(cpu, 0x10000, 8, 0x0102030405060708ull);
	cpu->gpr[R_RSI] = 0x10000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x0102030405060708ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(0x10008, cpu->gpr[R_RSI]);
	/* 32-bit LODSD zero-extends RAX; 67h zero-extends RSI through ESI. */
	in = str(cpu, exec_lods, 0xad, 4, REP_NONE);
	in.addrsize = 4;
	cpu->gpr[R_RSI] = 0xffffffff00010000ull;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x05060708, cpu->gpr[R_RAX]);
	ASSERT_EQ(0x10004, cpu->gpr[R_RSI]);
	/* REP with RCX = 0 does nothing at all. */
	in = str(cpu, exec_stos, 0xaa, 1, REP_REP);
	cpu->gpr[R_RCX] = 0;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->rip = 0x1000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x20000, cpu->gpr[R_RDI]);
	ASSERT_EQ(0x1002, cpu->rip);
	insn_test_free(cpu);
}

TEST(string, repe_cmps_and_repne_scas)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_cmps, 0xa6, 1, REP_REP);
	unsigned calls;

	memcpy(cpu->slat->ram + 0x10000, "hello world", 11);
	memcpy(cpu->slat->ram + 0x20000, "hello there", 11);
	cpu->gpr[R_RSI] = 0x10000;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 11;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	/* Stops after comparing 'w' with 't' (7th byte): ZF=0, 'w' > 't' so CF=0. */
	ASSERT_EQ(11 - 7, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x10007, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x20007, cpu->gpr[R_RDI]);
	ASSERT_EQ(0, flags_read(cpu) & (RFLAGS_ZF | RFLAGS_CF));

	in = str(cpu, exec_scas, 0xae, 1, REP_REPNE);
	cpu->gpr[R_RAX] = 'r';
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 11;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0x2000a, cpu->gpr[R_RDI]); /* just past the 'r' of "there" */
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	/* Not found: runs out of count with ZF=0. */
	cpu->gpr[R_RAX] = 'z';
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 11;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_ZF);
	insn_test_free(cpu);
}

TEST(string, rep_is_interruptible)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_stos, 0xaa, 1, REP_REP);
	unsigned calls;

	cpu->gpr[R_RAX] = 0xee;
	cpu->gpr[R_RDI] = 0x100000;
	cpu->gpr[R_RCX] = 10000;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	/* A bounded number of iterations, then the instruction restarts itself. */
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_TRUE(cpu->gpr[R_RCX] > 0 && cpu->gpr[R_RCX] < 10000);
	ASSERT_EQ(0x100000 + 10000 - cpu->gpr[R_RCX], cpu->gpr[R_RDI]);
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	ASSERT_EQ(0xee, insn_test_peek(cpu, 0x100000 + 9999, 1));
	ASSERT_EQ(0, insn_test_peek(cpu, 0x100000 + 10000, 1));
	insn_test_free(cpu);
}

TEST(string, rep_movsb_long_unaligned_across_pages)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa4, 1, REP_REP);
	unsigned calls;

	for (unsigned i = 0; i < 10000; i++)
		insn_test_poke(cpu, 0x10123 + i, 1, (i * 7 + 3) & 0xff);
	cpu->gpr[R_RSI] = 0x10123;
	cpu->gpr[R_RDI] = 0x30ffd;
	cpu->gpr[R_RCX] = 10000;
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_TRUE(calls > 1); /* it yielded at least once */
	ASSERT_EQ(0, memcmp(cpu->slat->ram + 0x10123, cpu->slat->ram + 0x30ffd, 10000));
	ASSERT_EQ(0, insn_test_peek(cpu, 0x30ffd + 10000, 1));
	ASSERT_EQ(0, insn_test_peek(cpu, 0x30ffc, 1));
	ASSERT_EQ(0x10123 + 10000, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x30ffd + 10000, cpu->gpr[R_RDI]);
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(string, rep_stosq_page_fault_is_precise)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in = str(cpu, exec_stos, 0xab, 8, REP_REP);
	unsigned calls;

	/* Unmap 200000h..3FFFFFh (PD entry 1). */
	insn_test_poke(cpu, 0x3008, 8, 0);
	cpu->gpr[R_RAX] = 0x0101010101010101ull;
	cpu->gpr[R_RDI] = 0x1fff00;
	cpu->gpr[R_RCX] = 64;
	ASSERT_EQ(EXEC_FAULT, run_all(cpu, &in, &calls));
	ASSERT_EQ(VEC_PF, cpu->fault.vector);
	ASSERT_EQ(32, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x200000, cpu->gpr[R_RDI]);
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(0x0101010101010101ull, insn_test_peek(cpu, 0x1ffff8, 8));
	insn_test_free(cpu);
}

TEST(string, trap_flag_single_steps_iterations)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_stos, 0xaa, 1, REP_REP);

	flags_write(cpu, RFLAGS_TF);
	cpu->gpr[R_RDI] = 0x10000;
	cpu->gpr[R_RCX] = 2;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	insn_test_free(cpu);
}

TEST(string, sse_movsd_is_not_a_string_instruction)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0x10, 4, REP_REPNE);

	in.opcode_map = 1; /* F2 0F 10: MOVSD xmm, xmm/m64 */
	cpu->gpr[R_RCX] = 1;
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(string, fault_mid_way_is_precise)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = str(cpu, exec_movs, 0xa5, 4, REP_REP);
	unsigned calls;

	/* ES ends at 2000Fh: the 5th dword store faults. */
	cpu->seg[SEG_ES].limit = 0x2000f;
	cpu->gpr[R_RSI] = 0x10000;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 8;
	ASSERT_EQ(EXEC_FAULT, run_all(cpu, &in, &calls));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(4, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x10010, cpu->gpr[R_RSI]);
	ASSERT_EQ(0x20010, cpu->gpr[R_RDI]);
	ASSERT_EQ(0x1000, cpu->rip);
	/* A fault on the first element leaves the registers exactly as they were. */
	in.addrsize = 2;
	cpu->gpr[R_RSI] = 0xffff0000;
	cpu->gpr[R_RDI] = 0xffff0010 + 0x20000; /* DI = 0010h: ES offset 10h, fine */
	cpu->seg[SEG_DS].limit = 0;             /* but DS:0 of 4 bytes is beyond */
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(0xffff0000, cpu->gpr[R_RSI]);
	ASSERT_EQ(4, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

/* REP prefixes, element sizes and overrides as decode.c fills them from Zydis. */
TEST(string, decoded_forms)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;
	unsigned calls;

	static const uint8_t rep_movsq[] = {0xf3, 0x48, 0xa5};
	static const uint8_t fs_lodsb[] = {0x64, 0xac};
	static const uint8_t repne_scasw[] = {0xf2, 0x66, 0xaf};

	insn_test_poke(cpu, 0x10000, 8, 0x1111);
	insn_test_poke(cpu, 0x10008, 8, 0x2222);
	cpu->gpr[R_RSI] = 0x10000;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 2;
	ASSERT_TRUE(insn_test_decode(cpu, rep_movsq, sizeof(rep_movsq), &in));
	ASSERT_TRUE(in.fn == exec_movs);
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0x2222, insn_test_peek(cpu, 0x20008, 8));
	ASSERT_EQ(0x20010, cpu->gpr[R_RDI]);
	ASSERT_EQ(0x1003, cpu->rip);

	cpu->seg[SEG_FS].base = 0x30000;
	insn_test_poke(cpu, 0x30005, 1, 0x77);
	cpu->gpr[R_RSI] = 5;
	ASSERT_TRUE(insn_test_decode(cpu, fs_lodsb, sizeof(fs_lodsb), &in));
	ASSERT_TRUE(in.fn == exec_lods);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x77, cpu->gpr[R_RAX] & 0xff);
	ASSERT_EQ(6, cpu->gpr[R_RSI]);

	insn_test_poke(cpu, 0x40000, 8, 0x0003000200010000ull);
	cpu->gpr[R_RAX] = 0x0002;
	cpu->gpr[R_RDI] = 0x40000;
	cpu->gpr[R_RCX] = 4;
	ASSERT_TRUE(insn_test_decode(cpu, repne_scasw, sizeof(repne_scasw), &in));
	ASSERT_TRUE(in.fn == exec_scas);
	ASSERT_EQ(EXEC_OK, run_all(cpu, &in, &calls));
	ASSERT_EQ(0x40006, cpu->gpr[R_RDI]);
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	insn_test_free(cpu);
}
