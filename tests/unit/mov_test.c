/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the data-movement handlers (insn_mov.c) against SDM Vol. 2 (MOV …
 * SALC). Also the small test machine the stack, string and branch tests share: RAM
 * behind a trivial second-level translator, flat segments, paging off (or identity
 * 2-MiB pages for 64-bit mode).
 */
#include <stdlib.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/decode.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "machine.h"
#include "test.h"

/* Test machine, shared by the insn_* tests (tests/unit has no header of ours for it). */

#define TEST_RAM_SIZE (4u << 20)

struct test_machine {
	struct cpu cpu;
	struct slat slat;
};

static enum slat_status test_translate(const struct slat *slat, uint64_t gpa, uint32_t access,
				       struct slat_page *page)
{
	if (gpa >= slat->ram_size)
		return SLAT_MMIO;
	page->host = slat->ram + (gpa & ~0xfffull);
	page->hpa = gpa & ~0xfffull;
	page->perm = SLAT_READ | SLAT_WRITE | SLAT_FETCH;
	page->violation_bits = 0;
	return SLAT_RAM;
}

static uint64_t test_mmio_read(const struct slat *slat, uint64_t gpa, unsigned size)
{
	return ~0ull;
}

static void test_mmio_write(const struct slat *slat, uint64_t gpa, unsigned size, uint64_t v)
{
}

static void flat(struct segment *s, uint16_t sel, uint32_t ar)
{
	s->selector = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->ar = ar;
}

/*
 * MODE_PROT32: CR0.PE, flat 4-GiB segments, paging off. MODE_LONG64: identity-mapped
 * 2-MiB pages over RAM (PML4 at 1000h, PDPT at 2000h, PD at 3000h), 64-bit CS.
 * MODE_REAL: reset segments (base 0, limit FFFFh). CPL 0 in all.
 */
struct cpu *insn_test_cpu(enum cpu_mode mode)
{
	struct test_machine *m = aligned_alloc(64, (sizeof(*m) + 63) & ~(size_t)63);

	/* struct cpu holds 32-byte-aligned SIMD registers. */
	memset(m, 0, sizeof(*m));

	m->slat.translate = test_translate;
	m->slat.mmio_read = test_mmio_read;
	m->slat.mmio_write = test_mmio_write;
	m->slat.ram_size = TEST_RAM_SIZE;
	m->slat.ram = calloc(1, TEST_RAM_SIZE);
	m->slat.code_gen = calloc(TEST_RAM_SIZE >> 12, sizeof(uint32_t));
	cpu_init(&m->cpu);
	m->cpu.slat = &m->slat;
	if (mode == MODE_REAL) {
		m->cpu.seg[SEG_CS].base = 0;
		m->cpu.seg[SEG_CS].selector = 0;
		m->cpu.rip = 0x1000;
		cpu_update_mode(&m->cpu);
		return &m->cpu;
	}
	m->cpu.cr0 = CR0_PE | CR0_ET | CR0_NE;
	flat(&m->cpu.seg[SEG_CS], 0x8, 0x9b | AR_DB | AR_G);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			flat(&m->cpu.seg[s], 0x10, 0x93 | AR_DB | AR_G);
	if (mode == MODE_LONG64) {
		insn_test_poke(&m->cpu, 0x1000, 8, 0x2000 | 3);
		insn_test_poke(&m->cpu, 0x2000, 8, 0x3000 | 3);
		for (uint64_t i = 0; i < (TEST_RAM_SIZE >> 21); i++)
			insn_test_poke(&m->cpu, 0x3000 + 8 * i, 8, (i << 21) | 0x83);
		m->cpu.cr3 = 0x1000;
		m->cpu.cr4 = CR4_PAE;
		m->cpu.cr0 |= CR0_PG;
		m->cpu.efer = EFER_LME | EFER_LMA;
		m->cpu.seg[SEG_CS].ar = 0x9b | AR_L | AR_G;
	}
	m->cpu.rip = 0x1000;
	m->cpu.gpr[R_RSP] = 0x80000;
	cpu_update_mode(&m->cpu);
	return &m->cpu;
}

void insn_test_free(struct cpu *cpu)
{
	struct test_machine *m = (struct test_machine *)cpu;

	cpu_destroy(cpu);
	free(m->slat.ram);
	free(m->slat.code_gen);
	free(m);
}

uint64_t insn_test_peek(struct cpu *cpu, uint64_t gpa, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, cpu->slat->ram + gpa, size);
	return v;
}

void insn_test_poke(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t v)
{
	memcpy(cpu->slat->ram + gpa, &v, size);
}

/* An instruction for the CPU's current mode: default address and stack sizes. */
struct insn insn_test_make(const struct cpu *cpu, unsigned opsize)
{
	struct insn in;
	unsigned def;

	memset(&in, 0, sizeof(in));
	switch (cpu->mode) {
	case MODE_LONG64:
		def = 8;
		break;
	case MODE_PROT32:
	case MODE_COMPAT32:
		def = 4;
		break;
	default:
		def = 2;
		break;
	}
	in.len = 2;
	in.opsize = (uint8_t)opsize;
	in.addrsize = (uint8_t)def;
	in.stacksize = (uint8_t)(cpu->mode == MODE_LONG64 ? 8 : (cpu->seg[SEG_SS].ar & AR_DB) ? 4 : 2);
	in.seg_override = SEG_NONE;
	in.mode = (uint8_t)cpu->mode;
	return in;
}

struct operand insn_test_reg(unsigned reg, unsigned size)
{
	struct operand op = {.kind = OPK_REG, .size = (uint8_t)size, .reg = (uint8_t)reg,
			     .base = REG_NONE, .index = REG_NONE};

	if (size == 1 && reg >= 4 && reg < 8) {
		/* Tests name AH..BH as 4..7 (no REX), like the ModRM encoding. */
		op.reg = (uint8_t)(reg - 4);
		op.high8 = true;
	}
	return op;
}

struct operand insn_test_imm(uint64_t imm, unsigned size)
{
	struct operand op = {.kind = OPK_IMM, .size = (uint8_t)size, .imm = imm,
			     .base = REG_NONE, .index = REG_NONE};

	return op;
}

struct operand insn_test_mem(unsigned seg, unsigned base, int64_t disp, unsigned size)
{
	struct operand op = {.kind = OPK_MEM, .size = (uint8_t)size, .seg = (uint8_t)seg,
			     .base = (uint8_t)base, .index = REG_NONE, .scale = 1, .disp = disp};

	return op;
}

/* What the interpreter does around a handler: next_rip, then commit on EXEC_OK. */
enum exec_status insn_test_run(struct cpu *cpu, const struct insn *in)
{
	enum exec_status st;

	cpu->next_rip = cpu->rip + in->len;
	st = in->fn(cpu, in);
	if (st == EXEC_OK)
		cpu->rip = cpu->next_rip;
	return st;
}

/* Decode real bytes with decode.c (Zydis) for the CPU's mode, as the interpreter does. */
bool insn_test_decode(const struct cpu *cpu, const uint8_t *bytes, unsigned len,
		      struct insn *in)
{
	bool need_more;

	return decode_insn(cpu->mode, (cpu->seg[SEG_CS].ar & AR_DB) != 0, bytes, len, in,
			   &need_more);
}

/* Two-operand instruction for handler fn. */
static struct insn two(struct cpu *cpu, insn_fn *fn, unsigned opsize, struct operand a,
		       struct operand b)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	in.nops = 2;
	in.op[0] = a;
	in.op[1] = b;
	return in;
}

static struct insn none(struct cpu *cpu, insn_fn *fn, unsigned opsize)
{
	struct insn in = insn_test_make(cpu, opsize);

	in.fn = fn;
	return in;
}

#define RG insn_test_reg
#define IM insn_test_imm

TEST(mov, reg_imm_partial_writes)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RAX] = 0x1122334455667788ull;
	in = two(cpu, exec_mov, 4, RG(R_RAX, 4), IM(0xdeadbeef, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xdeadbeefull, cpu->gpr[R_RAX]); /* 32-bit write zero-extends */
	in = two(cpu, exec_mov, 2, RG(R_RAX, 2), IM(0x1234, 2));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xdead1234ull, cpu->gpr[R_RAX]);
	in = two(cpu, exec_mov, 1, RG(4, 1), IM(0x99, 1)); /* AH */
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xdead9934ull, cpu->gpr[R_RAX]);
	in = two(cpu, exec_mov, 8, RG(R_R9, 8), RG(R_RAX, 8));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xdead9934ull, cpu->gpr[R_R9]);
	ASSERT_EQ(0x1008, cpu->rip); /* four 2-byte instructions */
	insn_test_free(cpu);
}

TEST(mov, memory_and_moffs)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	cpu->gpr[R_RBX] = 0x5000;
	in = two(cpu, exec_mov, 4, insn_test_mem(SEG_DS, R_RBX, 8, 4), IM(0xcafef00d, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xcafef00d, insn_test_peek(cpu, 0x5008, 4));
	/* MOV AL, [moffs]: no base, no index. */
	in = two(cpu, exec_mov, 1, RG(R_RAX, 1), insn_test_mem(SEG_DS, REG_NONE, 0x5009, 1));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xf0, cpu->gpr[R_RAX] & 0xff);
	insn_test_free(cpu);
}

TEST(mov, movzx_movsx_movsxd)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RBX] = 0x80f0;
	cpu->gpr[R_RCX] = ~0ull;
	in = two(cpu, exec_movzx, 4, RG(R_RCX, 4), RG(R_RBX, 1));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xf0, cpu->gpr[R_RCX]);
	in = two(cpu, exec_movsx, 8, RG(R_RCX, 8), RG(R_RBX, 2));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffffffffff80f0ull, cpu->gpr[R_RCX]);
	cpu->gpr[R_RDX] = 0x1234;
	in = two(cpu, exec_movsx, 2, RG(R_RDX, 2), RG(R_RBX, 1));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xfff0, cpu->gpr[R_RDX]);
	cpu->gpr[R_RBX] = 0x80000000u;
	in = two(cpu, exec_movsxd, 8, RG(R_RCX, 8), RG(R_RBX, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffffff80000000ull, cpu->gpr[R_RCX]);
	/* MOVSXD r32, r/m32 (no REX.W) is a plain 32-bit move. */
	cpu->gpr[R_RCX] = ~0ull;
	in = two(cpu, exec_movsxd, 4, RG(R_RCX, 4), RG(R_RBX, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x80000000ull, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(mov, lea_address_and_operand_size)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RBX] = 0x00000001fffffff0ull;
	in = two(cpu, exec_lea, 8, RG(R_RAX, 8), insn_test_mem(SEG_DS, R_RBX, 0x20, 0));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x0000000200000010ull, cpu->gpr[R_RAX]);
	/* 67h: the sum wraps at 32 bits, then zero-extends to 64. */
	in.addrsize = 4;
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x10ull, cpu->gpr[R_RAX]);
	/* 16-bit operand size keeps RAX[63:16]. */
	cpu->gpr[R_RAX] = 0xaaaa0000bbbb0000ull;
	in = two(cpu, exec_lea, 2, RG(R_RAX, 2), insn_test_mem(SEG_DS, R_RBX, 0x21, 0));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xaaaa0000bbbb0011ull, cpu->gpr[R_RAX]);
	insn_test_free(cpu);
}

TEST(mov, xchg_reg_and_mem)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RAX] = 0xffffffff00000001ull;
	cpu->gpr[R_RBX] = 0x2;
	in = two(cpu, exec_xchg, 8, RG(R_RAX, 8), RG(R_RBX, 8));
	insn_test_run(cpu, &in);
	ASSERT_EQ(2, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xffffffff00000001ull, cpu->gpr[R_RBX]);
	/* 87 C0: XCHG EAX, EAX zero-extends RAX in 64-bit mode. */
	cpu->gpr[R_RAX] = 0xffffffff00000003ull;
	in = two(cpu, exec_xchg, 4, RG(R_RAX, 4), RG(R_RAX, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(3, cpu->gpr[R_RAX]);
	insn_test_poke(cpu, 0x6000, 2, 0xbeef);
	cpu->gpr[R_RSI] = 0x6000;
	cpu->gpr[R_RCX] = 0x1111;
	in = two(cpu, exec_xchg, 2, insn_test_mem(SEG_DS, R_RSI, 0, 2), RG(R_RCX, 2));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1111, insn_test_peek(cpu, 0x6000, 2));
	ASSERT_EQ(0xbeef, cpu->gpr[R_RCX]);
	insn_test_free(cpu);
}

TEST(mov, xadd_flags_and_same_register)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RAX] = 0xff;
	cpu->gpr[R_RBX] = 0x01;
	in = two(cpu, exec_xadd, 1, RG(R_RAX, 1), RG(R_RBX, 1));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x00, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xff, cpu->gpr[R_RBX]);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF, flags_read(cpu) & (RFLAGS_CF | RFLAGS_ZF));
	cpu->gpr[R_RCX] = 5;
	in = two(cpu, exec_xadd, 4, RG(R_RCX, 4), RG(R_RCX, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(10, cpu->gpr[R_RCX]);
	insn_test_poke(cpu, 0x6000, 4, 40);
	cpu->gpr[R_RDI] = 0x6000;
	cpu->gpr[R_RDX] = 2;
	in = two(cpu, exec_xadd, 4, insn_test_mem(SEG_DS, R_RDI, 0, 4), RG(R_RDX, 4));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(42, insn_test_peek(cpu, 0x6000, 4));
	ASSERT_EQ(40, cpu->gpr[R_RDX]);
	insn_test_free(cpu);
}

TEST(mov, cmpxchg_register_destination)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	/* Success: ZF=1, dest = src (zero-extended), RAX's upper half untouched. */
	cpu->gpr[R_RAX] = 0xaaaaaaaa00000005ull;
	cpu->gpr[R_RBX] = 0xbbbbbbbb00000005ull;
	cpu->gpr[R_RCX] = 0x77;
	in = two(cpu, exec_cmpxchg, 4, RG(R_RBX, 4), RG(R_RCX, 4));
	insn_test_run(cpu, &in);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(0x77, cpu->gpr[R_RBX]);
	ASSERT_EQ(0xaaaaaaaa00000005ull, cpu->gpr[R_RAX]);
	/* Failure: ZF=0, EAX = dest (zero-extended), the register dest untouched. */
	cpu->gpr[R_RBX] = 0xbbbbbbbb00000009ull;
	insn_test_run(cpu, &in);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(9, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xbbbbbbbb00000009ull, cpu->gpr[R_RBX]);
	/* Flags are those of CMP EAX, dest: 5 - 9 borrows. */
	cpu->gpr[R_RAX] = 5;
	insn_test_run(cpu, &in);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_SF, flags_read(cpu) & (RFLAGS_CF | RFLAGS_SF | RFLAGS_ZF));
	insn_test_free(cpu);
}

TEST(mov, cmpxchg_memory_writes_back)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in;

	insn_test_poke(cpu, 0x7000, 2, 0x1234);
	cpu->gpr[R_RBX] = 0x7000;
	cpu->gpr[R_RAX] = 0x1234;
	cpu->gpr[R_RCX] = 0x4321;
	in = two(cpu, exec_cmpxchg, 2, insn_test_mem(SEG_DS, R_RBX, 0, 2), RG(R_RCX, 2));
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x4321, insn_test_peek(cpu, 0x7000, 2));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x4321, insn_test_peek(cpu, 0x7000, 2));
	ASSERT_EQ(0x4321, cpu->gpr[R_RAX]);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_ZF);
	/* The write cycle happens on failure too: a read-only segment faults. */
	cpu->seg[SEG_DS].ar &= ~AR_TYPE_RW;
	cpu->gpr[R_RAX] = 0;
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, cpu->gpr[R_RAX]);
	insn_test_free(cpu);
}

TEST(mov, cmpxchg8b_16b)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in = none(cpu, exec_cmpxchg8b, 4);

	in.nops = 1;
	in.op[0] = insn_test_mem(SEG_DS, R_RSI, 0, 8);
	cpu->gpr[R_RSI] = 0x8000;
	insn_test_poke(cpu, 0x8000, 8, 0x1111111122222222ull);
	cpu->gpr[R_RDX] = 0x11111111;
	cpu->gpr[R_RAX] = 0x22222222;
	cpu->gpr[R_RCX] = 0x33333333;
	cpu->gpr[R_RBX] = 0x44444444;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x3333333344444444ull, insn_test_peek(cpu, 0x8000, 8));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	cpu->gpr[R_RDX] = 0xffffffff00000000ull;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(0x33333333, cpu->gpr[R_RDX]);
	ASSERT_EQ(0x44444444, cpu->gpr[R_RAX]);
	/* A register operand is #UD. */
	in.op[0] = RG(R_RAX, 8);
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_UD, cpu->fault.vector);

	in = none(cpu, exec_cmpxchg16b, 8);
	in.nops = 1;
	in.op[0] = insn_test_mem(SEG_DS, R_RSI, 0, 16);
	insn_test_poke(cpu, 0x8000, 8, 1);
	insn_test_poke(cpu, 0x8008, 8, 2);
	cpu->gpr[R_RAX] = 1;
	cpu->gpr[R_RDX] = 2;
	cpu->gpr[R_RBX] = 0x0123456789abcdefull;
	cpu->gpr[R_RCX] = 0xfedcba9876543210ull;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(0x0123456789abcdefull, insn_test_peek(cpu, 0x8000, 8));
	ASSERT_EQ(0xfedcba9876543210ull, insn_test_peek(cpu, 0x8008, 8));
	/* Misaligned: #GP(0) before any access. */
	cpu->gpr[R_RSI] = 0x8008;
	ASSERT_EQ(EXEC_FAULT, insn_test_run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, cpu->fault.error);
	insn_test_free(cpu);
}

static struct insn cc_insn(struct cpu *cpu, insn_fn *fn, uint8_t opcode, unsigned opsize,
			   struct operand a, struct operand b)
{
	struct insn in = two(cpu, fn, opsize, a, b);

	in.opcode = opcode;
	in.opcode_map = 1;
	return in;
}

TEST(mov, cmovcc_and_setcc)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	flags_write(cpu, RFLAGS_ZF);
	cpu->gpr[R_RAX] = 0xffffffff00000001ull;
	cpu->gpr[R_RBX] = 0x2;
	/* CMOVNZ false: the 32-bit destination is still zero-extended. */
	in = cc_insn(cpu, exec_cmovcc, 0x45, 4, RG(R_RAX, 4), RG(R_RBX, 4));
	insn_test_run(cpu, &in);
	ASSERT_EQ(1, cpu->gpr[R_RAX]);
	/* CMOVZ true. */
	in = cc_insn(cpu, exec_cmovcc, 0x44, 8, RG(R_RAX, 8), RG(R_RBX, 8));
	insn_test_run(cpu, &in);
	ASSERT_EQ(2, cpu->gpr[R_RAX]);
	/* 16-bit CMOV false leaves everything. */
	cpu->gpr[R_RAX] = 0xffffffff00000001ull;
	in = cc_insn(cpu, exec_cmovcc, 0x45, 2, RG(R_RAX, 2), RG(R_RBX, 2));
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffffff00000001ull, cpu->gpr[R_RAX]);
	/* SETcc over all 16 conditions with CF=1, ZF=0, SF=1, OF=0, PF=1. */
	flags_write(cpu, RFLAGS_CF | RFLAGS_SF | RFLAGS_PF);
	static const uint8_t want[16] = {0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
	for (unsigned cc = 0; cc < 16; cc++) {
		cpu->gpr[R_RCX] = 0xaa55;
		in = cc_insn(cpu, exec_setcc, (uint8_t)(0x90 + cc), 1, RG(R_RCX, 1), IM(0, 1));
		in.nops = 1;
		insn_test_run(cpu, &in);
		ASSERT_EQ(0xaa00 | want[cc], cpu->gpr[R_RCX]);
	}
	insn_test_free(cpu);
}

TEST(mov, cbw_cwd_families)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RAX] = 0x12345680;
	in = none(cpu, exec_cbw, 2);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x1234ff80, cpu->gpr[R_RAX]);
	in = none(cpu, exec_cbw, 4);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffff80, cpu->gpr[R_RAX]);
	in = none(cpu, exec_cbw, 8);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0xffffffffffffff80ull, cpu->gpr[R_RAX]);
	cpu->gpr[R_RDX] = 0x1111111111111111ull;
	in = none(cpu, exec_cwd, 2);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x111111111111ffffull, cpu->gpr[R_RDX]);
	cpu->gpr[R_RAX] = 0x7fffffff;
	in = none(cpu, exec_cwd, 4);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);
	cpu->gpr[R_RAX] = 1ull << 63;
	in = none(cpu, exec_cwd, 8);
	insn_test_run(cpu, &in);
	ASSERT_EQ(~0ull, cpu->gpr[R_RDX]);
	insn_test_free(cpu);
}

TEST(mov, lahf_sahf_and_flag_instructions)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	flags_write(cpu, RFLAGS_SF | RFLAGS_CF | RFLAGS_OF | RFLAGS_IF);
	cpu->gpr[R_RAX] = 0xffff;
	in = none(cpu, exec_lahf, 1);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x83ff, cpu->gpr[R_RAX]);
	cpu->gpr[R_RAX] = 0xff00 | 0; /* AH = all ones: bits 1, 3, 5 are ignored */
	in = none(cpu, exec_sahf, 1);
	insn_test_run(cpu, &in);
	ASSERT_EQ(RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF | RFLAGS_OF |
		  RFLAGS_IF | RFLAGS_FIXED1, flags_read(cpu));
	in = none(cpu, exec_clc, 1);
	insn_test_run(cpu, &in);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_CF);
	in = none(cpu, exec_cmc, 1);
	insn_test_run(cpu, &in);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_CF);
	in = none(cpu, exec_cmc, 1);
	insn_test_run(cpu, &in);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_CF);
	in = none(cpu, exec_stc, 1);
	insn_test_run(cpu, &in);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_CF);
	in = none(cpu, exec_std, 1);
	insn_test_run(cpu, &in);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_DF);
	in = none(cpu, exec_cld, 1);
	insn_test_run(cpu, &in);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_DF);
	/* SALC: AL = CF ? FF : 0, flags kept. */
	cpu->gpr[R_RAX] = 0x1200;
	in = none(cpu, exec_salc, 1);
	insn_test_run(cpu, &in);
	ASSERT_EQ(0x12ff, cpu->gpr[R_RAX]);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_CF);
	insn_test_free(cpu);
}

TEST(mov, xlat_and_nop)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);
	struct insn in = none(cpu, exec_xlat, 1);

	insn_test_poke(cpu, 0x90ff, 1, 0x5a);
	cpu->gpr[R_RBX] = 0x9000;
	cpu->gpr[R_RAX] = 0x123456ff;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x1234565a, cpu->gpr[R_RAX]);
	/* 16-bit address size wraps BX + AL. */
	in.addrsize = 2;
	insn_test_poke(cpu, 0x0001, 1, 0xa5);
	cpu->gpr[R_RBX] = 0x1ffff;
	cpu->gpr[R_RAX] = 0x02;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xa5, cpu->gpr[R_RAX]);
	/* NOP with a memory operand (PREFETCH, NOP r/m) makes no access, even out of limits. */
	in = none(cpu, exec_nop, 4);
	in.nops = 1;
	in.op[0] = insn_test_mem(SEG_DS, REG_NONE, 0, 1);
	cpu->seg[SEG_DS].limit = 0;
	cpu->seg[SEG_DS].ar = 0;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	insn_test_free(cpu);
}

/* The handlers read operands as decode.c fills them from Zydis (real encodings). */
TEST(mov, decoded_forms)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct insn in;

	static const uint8_t xchg_eax[] = {0x87, 0xc0};             /* xchg eax, eax */
	static const uint8_t cmovne[] = {0x0f, 0x45, 0xc3};         /* cmovne eax, ebx */
	static const uint8_t setb[] = {0x0f, 0x92, 0xc1};           /* setb cl */
	static const uint8_t lea[] = {0x67, 0x48, 0x8d, 0x44, 0x8b, 0x10}; /* lea rax, [ebx+ecx*4+10h] */
	static const uint8_t movsxd[] = {0x48, 0x63, 0xc3};         /* movsxd rax, ebx */
	static const uint8_t cx16[] = {0x48, 0x0f, 0xc7, 0x0e};     /* cmpxchg16b [rsi] */
	static const uint8_t cdqe[] = {0x48, 0x98};

	ASSERT_TRUE(insn_test_decode(cpu, xchg_eax, sizeof(xchg_eax), &in));
	ASSERT_TRUE(in.fn == exec_xchg);
	cpu->gpr[R_RAX] = 0xffffffff00000007ull;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(7, cpu->gpr[R_RAX]);

	ASSERT_TRUE(insn_test_decode(cpu, cmovne, sizeof(cmovne), &in));
	ASSERT_TRUE(in.fn == exec_cmovcc);
	flags_write(cpu, 0);
	cpu->gpr[R_RBX] = 0x42;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x42, cpu->gpr[R_RAX]);

	ASSERT_TRUE(insn_test_decode(cpu, setb, sizeof(setb), &in));
	ASSERT_TRUE(in.fn == exec_setcc);
	flags_write(cpu, RFLAGS_CF);
	cpu->gpr[R_RCX] = 0x100;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x101, cpu->gpr[R_RCX]);

	ASSERT_TRUE(insn_test_decode(cpu, lea, sizeof(lea), &in));
	ASSERT_TRUE(in.fn == exec_lea);
	cpu->gpr[R_RBX] = 0xfffffff0;
	cpu->gpr[R_RCX] = 1;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0x4, cpu->gpr[R_RAX]); /* wrapped at 32 bits */

	ASSERT_TRUE(insn_test_decode(cpu, movsxd, sizeof(movsxd), &in));
	ASSERT_TRUE(in.fn == exec_movsxd);
	cpu->gpr[R_RBX] = 0xfffffffe;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(~1ull, cpu->gpr[R_RAX]);

	ASSERT_TRUE(insn_test_decode(cpu, cdqe, sizeof(cdqe), &in));
	ASSERT_TRUE(in.fn == exec_cbw);
	cpu->gpr[R_RAX] = 0x80000000u;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(0xffffffff80000000ull, cpu->gpr[R_RAX]);

	ASSERT_TRUE(insn_test_decode(cpu, cx16, sizeof(cx16), &in));
	ASSERT_TRUE(in.fn == exec_cmpxchg16b);
	cpu->gpr[R_RSI] = 0x8000;
	cpu->gpr[R_RAX] = cpu->gpr[R_RDX] = 0;
	cpu->gpr[R_RBX] = 5;
	cpu->gpr[R_RCX] = 6;
	ASSERT_EQ(EXEC_OK, insn_test_run(cpu, &in));
	ASSERT_EQ(5, insn_test_peek(cpu, 0x8000, 8));
	ASSERT_EQ(6, insn_test_peek(cpu, 0x8008, 8));
	insn_test_free(cpu);
}
