/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the system-instruction handlers (insn_sys.c) and the I/O permission
 * check (io.c) against SDM Vol. 2 and Vol. 1, 19.5. Also the small machine that
 * msr_test.c shares: RAM behind a trivial second-level translator, flat segments,
 * paging off, or identity-mapped 2-MiB pages in 64-bit mode.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "hw/io.h"
#include "hw/msr.h"
#include "hw/vmx/vmcs.h"
#include "test.h"

/* Test machine, shared with msr_test.c. */
struct cpu *sys_test_cpu(enum cpu_mode mode);
void sys_test_free(struct cpu *cpu);
void sys_test_set_cpl(struct cpu *cpu, unsigned cpl);
uint64_t sys_test_peek(struct cpu *cpu, uint64_t gpa, unsigned size);
void sys_test_poke(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t v);

#define SYS_RAM_SIZE (4u << 20)

struct sys_machine {
	struct cpu cpu;
	struct slat slat;
};

static enum slat_status sys_translate(const struct slat *slat, uint64_t gpa, uint32_t access,
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

static uint64_t sys_mmio_read(const struct slat *slat, uint64_t gpa, unsigned size)
{
	return ~0ull;
}

static void sys_mmio_write(const struct slat *slat, uint64_t gpa, unsigned size, uint64_t v)
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
 * MODE_PROT32: CR0.PE, flat segments, paging off. MODE_LONG64: 4-level paging with
 * identity 2-MiB pages over RAM (PML4 1000h, PDPT 2000h, PD 3000h). MODE_REAL: reset
 * state with CR0.CD/NW cleared. CPL 0, RIP 1000h, RSP 80000h.
 */
struct cpu *sys_test_cpu(enum cpu_mode mode)
{
	struct sys_machine *m = aligned_alloc(64, (sizeof(*m) + 63) & ~(size_t)63);

	/* struct cpu holds 32-byte-aligned SIMD registers. */
	memset(m, 0, sizeof(*m));
	struct cpu *cpu = &m->cpu;

	m->slat.translate = sys_translate;
	m->slat.mmio_read = sys_mmio_read;
	m->slat.mmio_write = sys_mmio_write;
	m->slat.ram_size = SYS_RAM_SIZE;
	m->slat.ram = calloc(1, SYS_RAM_SIZE);
	m->slat.code_gen = calloc(SYS_RAM_SIZE >> 12, sizeof(uint32_t));
	cpu_init(cpu);
	cpu->slat = &m->slat;
	cpu->cr0 = CR0_ET | CR0_NE;
	cpu->rip = 0x1000;
	cpu->gpr[R_RSP] = 0x80000;
	if (mode == MODE_REAL) {
		cpu->seg[SEG_CS].base = 0;
		cpu->seg[SEG_CS].selector = 0;
		cpu_update_mode(cpu);
		return cpu;
	}
	cpu->cr0 |= CR0_PE;
	flat(&cpu->seg[SEG_CS], 0x8, 0x9b | AR_DB | AR_G);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			flat(&cpu->seg[s], 0x10, 0x93 | AR_DB | AR_G);
	if (mode == MODE_LONG64) {
		sys_test_poke(cpu, 0x1000, 8, 0x2000 | 3);
		sys_test_poke(cpu, 0x2000, 8, 0x3000 | 3);
		for (uint64_t i = 0; i < (SYS_RAM_SIZE >> 21); i++)
			sys_test_poke(cpu, 0x3000 + 8 * i, 8, (i << 21) | 0x83);
		cpu->cr3 = 0x1000;
		cpu->cr4 = CR4_PAE;
		cpu->cr0 |= CR0_PG;
		cpu->efer = EFER_LME | EFER_LMA;
		cpu->seg[SEG_CS].ar = 0x9b | AR_L | AR_G;
	}
	cpu_update_mode(cpu);
	return cpu;
}

void sys_test_free(struct cpu *cpu)
{
	struct sys_machine *m = (struct sys_machine *)cpu;

	cpu_destroy(cpu);
	free(m->slat.ram);
	free(m->slat.code_gen);
	free(m);
}

/* CPL is SS.DPL; CS.DPL follows for a non-conforming code segment. */
void sys_test_set_cpl(struct cpu *cpu, unsigned cpl)
{
	cpu->seg[SEG_CS].ar = (cpu->seg[SEG_CS].ar & ~AR_DPL_MASK) | cpl << AR_DPL_SHIFT;
	cpu->seg[SEG_SS].ar = (cpu->seg[SEG_SS].ar & ~AR_DPL_MASK) | cpl << AR_DPL_SHIFT;
	cpu->seg[SEG_CS].selector = (uint16_t)((cpu->seg[SEG_CS].selector & ~3) | cpl);
	cpu->seg[SEG_SS].selector = (uint16_t)((cpu->seg[SEG_SS].selector & ~3) | cpl);
	cpu_update_mode(cpu);
}

uint64_t sys_test_peek(struct cpu *cpu, uint64_t gpa, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, cpu->slat->ram + gpa, size);
	return v;
}

void sys_test_poke(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t v)
{
	memcpy(cpu->slat->ram + gpa, &v, size);
}

/* An instruction with the mode's default sizes, no operands. */
static struct insn make(const struct cpu *cpu, insn_fn *fn, unsigned opsize)
{
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.fn = fn;
	in.len = 2;
	in.opsize = (uint8_t)opsize;
	in.addrsize = cpu->mode == MODE_LONG64 ? 8 : cpu->mode == MODE_PROT32 ? 4 : 2;
	in.stacksize = in.addrsize;
	in.seg_override = SEG_NONE;
	in.mode = (uint8_t)cpu->mode;
	return in;
}

static struct operand reg_op(unsigned kind, unsigned reg, unsigned size)
{
	struct operand op = {.kind = (uint8_t)kind, .size = (uint8_t)size, .reg = (uint8_t)reg,
			     .base = REG_NONE, .index = REG_NONE};

	return op;
}

static struct operand mem_op(unsigned seg, unsigned base, int64_t disp, unsigned size)
{
	struct operand op = {.kind = OPK_MEM, .size = (uint8_t)size, .seg = (uint8_t)seg,
			     .base = (uint8_t)base, .index = REG_NONE, .scale = 1, .disp = disp};

	return op;
}

/* What the interpreter does around a handler: next_rip, then commit on EXEC_OK. */
static enum exec_status run(struct cpu *cpu, const struct insn *in)
{
	enum exec_status st;

	cpu->next_rip = cpu->rip + in->len;
	st = in->fn(cpu, in);
	if (st == EXEC_OK)
		cpu->rip = cpu->next_rip;
	return st;
}

static bool is_gp0(const struct cpu *cpu, enum exec_status st)
{
	return st == EXEC_FAULT && cpu->fault.vector == VEC_GP && cpu->fault.has_error &&
	       cpu->fault.error == 0;
}

static bool is_ud(const struct cpu *cpu, enum exec_status st)
{
	return st == EXEC_FAULT && cpu->fault.vector == VEC_UD;
}

/* SYSCALL; SYSRET: STAR selectors, RCX/R11, FMASK, LSTAR, CPL and mode both ways. */
TEST(sys, syscall_sysret_64)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->efer |= EFER_SCE;
	cpu->msr.star = 0x0023001000000000ull; /* SYSCALL CS 10h, SYSRET base 23h */
	cpu->msr.lstar = 0xffffffff81000000ull;
	cpu->msr.fmask = RFLAGS_IF | RFLAGS_DF | RFLAGS_TF;
	sys_test_set_cpl(cpu, 3);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_DF | RFLAGS_CF);
	cpu->rip = 0x401000;

	in = make(cpu, exec_syscall, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x401002, cpu->gpr[R_RCX]);
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_DF | RFLAGS_CF, cpu->gpr[R_R11]);
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_CF, flags_read(cpu));
	ASSERT_EQ(0xffffffff81000000ull, cpu->rip);
	ASSERT_EQ(0x10, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x18, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(0, cpu->cpl);
	ASSERT_EQ(MODE_LONG64, cpu->mode);
	ASSERT_EQ(0xffffffffu, cpu->seg[SEG_SS].limit);

	/* SYSRET with REX.W: CS = 23h + 16, SS = 23h + 8, both RPL 3. */
	cpu->gpr[R_R11] = 0xffffffffffffffffull;
	in = make(cpu, exec_sysret, 8);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x401002, cpu->rip);
	ASSERT_EQ(0x33, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x2b, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(3, cpu->cpl);
	ASSERT_EQ(MODE_LONG64, cpu->mode);
	ASSERT_EQ(0x3c7fd7, flags_read(cpu)); /* RF and VM never come from R11 */
	sys_test_free(cpu);
}

TEST(sys, sysret_compat_and_faults)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	/* EFER.SCE = 0: #UD for both. */
	in = make(cpu, exec_syscall, 4);
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));
	in = make(cpu, exec_sysret, 8);
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));

	cpu->efer |= EFER_SCE;
	cpu->msr.star = 0x0023001000000000ull;
	/* Non-canonical RCX with REX.W: #GP(0) at CPL 0, nothing changed. */
	cpu->gpr[R_RCX] = 0x0000800000000000ull;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	ASSERT_EQ(0, cpu->cpl);
	/* Without REX.W: compatibility mode at ECX, CS = STAR[63:48] | 3. */
	cpu->gpr[R_RCX] = 0xdead000012345678ull;
	in = make(cpu, exec_sysret, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x12345678, cpu->rip);
	ASSERT_EQ(0x23, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(MODE_COMPAT32, cpu->mode);
	ASSERT_EQ(3, cpu->cpl);
	/* SYSCALL from compatibility mode: #UD on Intel. */
	in = make(cpu, exec_syscall, 4);
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));
	sys_test_free(cpu);
}

TEST(sys, sysenter_sysexit)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	/* SYSENTER_CS = 0: #GP(0). */
	in = make(cpu, exec_sysenter, 4);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));

	cpu->msr.sysenter_cs = 0x60;
	cpu->msr.sysenter_esp = 0x9000;
	cpu->msr.sysenter_eip = 0xc0001000;
	sys_test_set_cpl(cpu, 3);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xc0001000, cpu->rip);
	ASSERT_EQ(0x9000, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x60, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x68, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(0, cpu->cpl);
	ASSERT_EQ(MODE_PROT32, cpu->mode);
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_IF);

	cpu->gpr[R_RCX] = 0xbff0;
	cpu->gpr[R_RDX] = 0x8048000;
	in = make(cpu, exec_sysexit, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x8048000, cpu->rip);
	ASSERT_EQ(0xbff0, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x73, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x7b, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(3, cpu->cpl);
	sys_test_free(cpu);

	/* 64-bit SYSEXIT: CS = SYSENTER_CS + 32, non-canonical RDX → #GP(0). */
	cpu = sys_test_cpu(MODE_LONG64);
	cpu->msr.sysenter_cs = 0x10;
	cpu->gpr[R_RCX] = 0x7fff0000;
	cpu->gpr[R_RDX] = 0x8000000000000000ull;
	in = make(cpu, exec_sysexit, 8);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	cpu->gpr[R_RDX] = 0x00007f0000001000ull;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x33, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x3b, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(MODE_LONG64, cpu->mode);
	ASSERT_EQ(0x00007f0000001000ull, cpu->rip);
	sys_test_free(cpu);
}

/* MOV CR through the handler: operand size by mode, CR8, unknown CRs. */
TEST(sys, mov_cr_handler)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	in = make(cpu, exec_mov_cr, 4);
	in.nops = 2;
	in.op[0] = reg_op(OPK_CR, 0, 4);
	in.op[1] = reg_op(OPK_REG, R_RAX, 4);
	cpu->gpr[R_RAX] = CR0_PE | CR0_ET | CR0_TS | CR0_PG; /* PG with no PAE: 32-bit paging */
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(CR0_PE | CR0_ET | CR0_TS | CR0_PG, cpu->cr0);

	in.op[0] = reg_op(OPK_REG, R_RBX, 4);
	in.op[1] = reg_op(OPK_CR, 0, 4);
	cpu->gpr[R_RBX] = ~0ull;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(CR0_PE | CR0_ET | CR0_TS | CR0_PG, cpu->gpr[R_RBX]);
	in.op[1] = reg_op(OPK_CR, 5, 4);
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));
	sys_test_free(cpu);

	cpu = sys_test_cpu(MODE_LONG64);
	in = make(cpu, exec_mov_cr, 8);
	in.op[0] = reg_op(OPK_CR, 8, 8);
	in.op[1] = reg_op(OPK_REG, R_RAX, 8);
	cpu->gpr[R_RAX] = 0x10;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	cpu->gpr[R_RAX] = 0xf;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xf, cpu->cr8);
	/* CLTS clears TS. */
	cpu->cr0 |= CR0_TS;
	in = make(cpu, exec_clts, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_FALSE(cpu->cr0 & CR0_TS);
	sys_test_free(cpu);
}

TEST(sys, mov_dr_alias_gd_and_fixed_bits)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	in = make(cpu, exec_mov_dr, 8);
	in.op[0] = reg_op(OPK_DR, 5, 8); /* DR5 aliases DR7 */
	in.op[1] = reg_op(OPK_REG, R_RAX, 8);
	cpu->gpr[R_RAX] = 0x1;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x401, cpu->dr[7]);
	cpu->cr4 |= CR4_DE;
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));

	/* DR6: upper half #GP(0); fixed ones kept. */
	in.op[0] = reg_op(OPK_DR, 6, 8);
	cpu->gpr[R_RAX] = 1ull << 32;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	cpu->gpr[R_RAX] = 0x4001;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffff4ff1, cpu->dr[6]);

	/* DR7.GD: any access is a #DB fault with DR6.BD. */
	cpu->dr[7] |= DR7_GD;
	in.op[0] = reg_op(OPK_REG, R_RBX, 8);
	in.op[1] = reg_op(OPK_DR, 0, 8);
	ASSERT_EQ(EXEC_FAULT, run(cpu, &in));
	ASSERT_EQ(VEC_DB, cpu->fault.vector);
	ASSERT_TRUE(cpu->dr[6] & DR6_BD);
	sys_test_free(cpu);
}

TEST(sys, lmsw_smsw_umip)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	/* LMSW cannot clear PE, sets MP/EM/TS. */
	in = make(cpu, exec_lmsw, 2);
	in.op[0] = reg_op(OPK_REG, R_RAX, 2);
	cpu->gpr[R_RAX] = 0xe;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(CR0_PE | CR0_MP | CR0_EM | CR0_TS, cpu->cr0 & 0xf);

	/* SMSW r32 stores CR0[31:0]; m16 stores 16 bits. */
	cpu->cr0 |= CR0_WP;
	in = make(cpu, exec_smsw, 4);
	in.op[0] = reg_op(OPK_REG, R_RBX, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(cpu->cr0, cpu->gpr[R_RBX]);
	sys_test_poke(cpu, 0x5000, 4, 0xaaaaaaaa);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x5000, 2);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xaaaa0000 | (cpu->cr0 & 0xffff), sys_test_peek(cpu, 0x5000, 4));

	/* UMIP at CPL 3: #GP(0) for SMSW and SGDT. */
	cpu->cr4 |= CR4_UMIP;
	sys_test_set_cpl(cpu, 3);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	in = make(cpu, exec_sgdt, 4);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x5000, 6);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	sys_test_free(cpu);
}

TEST(sys, lgdt_sgdt_sizes)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	sys_test_poke(cpu, 0x6000, 2, 0x27);
	sys_test_poke(cpu, 0x6002, 4, 0x12345678);
	in = make(cpu, exec_lgdt, 4);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x6000, 6);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x27, cpu->gdtr.limit);
	ASSERT_EQ(0x12345678, cpu->gdtr.base);
	/* 16-bit operand size keeps a 24-bit base. */
	in = make(cpu, exec_lidt, 2);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x6000, 6);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x345678, cpu->idtr.base);
	/* SGDT stores the full 32-bit base. */
	in = make(cpu, exec_sgdt, 2);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x7000, 6);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x27, sys_test_peek(cpu, 0x7000, 2));
	ASSERT_EQ(0x12345678, sys_test_peek(cpu, 0x7002, 4));
	sys_test_free(cpu);

	/* 64-bit mode: 10 bytes, the base must be canonical. */
	cpu = sys_test_cpu(MODE_LONG64);
	sys_test_poke(cpu, 0x6000, 2, 0xfff);
	sys_test_poke(cpu, 0x6002, 8, 0xffff800000001000ull);
	in = make(cpu, exec_lidt, 8);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x6000, 10);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffff800000001000ull, cpu->idtr.base);
	sys_test_poke(cpu, 0x6002, 8, 0x0000800000001000ull);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	ASSERT_EQ(0xffff800000001000ull, cpu->idtr.base);
	in = make(cpu, exec_sidt, 8);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x7000, 10);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffff800000001000ull, sys_test_peek(cpu, 0x7002, 8));
	sys_test_free(cpu);
}

TEST(sys, rdmsr_wrmsr_rdtsc_rdpmc)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	cpu->gpr[R_RCX] = MSR_IA32_LSTAR;
	cpu->gpr[R_RDX] = 0xffffffff;
	cpu->gpr[R_RAX] = 0x81000000;
	in = make(cpu, exec_wrmsr, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffffffff81000000ull, cpu->msr.lstar);
	cpu->gpr[R_RAX] = cpu->gpr[R_RDX] = ~0ull;
	in = make(cpu, exec_rdmsr, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x81000000, cpu->gpr[R_RAX]);
	ASSERT_EQ(0xffffffff, cpu->gpr[R_RDX]);
	cpu->gpr[R_RCX] = 0x4b564d00;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));

	cpu->tsc = 0x1122334455667788ull;
	cpu->msr.tsc_aux = 7;
	in = make(cpu, exec_rdtscp, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x55667788, cpu->gpr[R_RAX]);
	ASSERT_EQ(0x11223344, cpu->gpr[R_RDX]);
	ASSERT_EQ(7, cpu->gpr[R_RCX]);
	cpu->cr4 |= CR4_TSD;
	in = make(cpu, exec_rdtsc, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	sys_test_set_cpl(cpu, 3);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	/* No performance counters: every RDPMC faults. */
	in = make(cpu, exec_rdpmc, 4);
	cpu->gpr[R_RCX] = 0;
	cpu->cr4 |= CR4_PCE;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	sys_test_free(cpu);
}

TEST(sys, cli_sti_iopl_vif_and_shadow)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn cli, sti;

	cli = make(cpu, exec_cli, 4);
	sti = make(cpu, exec_sti, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &sti));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_IF);
	ASSERT_EQ(INTR_BLOCK_STI, cpu->interruptibility);
	/* STI with IF already 1 gives no new shadow. */
	cpu->interruptibility = 0;
	ASSERT_EQ(EXEC_OK, run(cpu, &sti));
	ASSERT_EQ(0, cpu->interruptibility);
	ASSERT_EQ(EXEC_OK, run(cpu, &cli));
	ASSERT_FALSE(flags_read(cpu) & RFLAGS_IF);

	/* CPL 3, IOPL 0: #GP(0), or VIF with CR4.PVI. */
	sys_test_set_cpl(cpu, 3);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &cli)));
	cpu->cr4 |= CR4_PVI;
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_VIF);
	ASSERT_EQ(EXEC_OK, run(cpu, &cli));
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_IF, flags_read(cpu));
	ASSERT_EQ(EXEC_OK, run(cpu, &sti));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_VIF);
	/* VIP pending: STI #GP(0). */
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_VIP);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &sti)));
	/* IOPL 3 at CPL 3: IF itself. */
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IOPL);
	ASSERT_EQ(EXEC_OK, run(cpu, &sti));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_IF);
	sys_test_free(cpu);
}

TEST(sys, in_out_ins_outs_no_device)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	cpu->gpr[R_RAX] = 0x1234567812345678ull;
	in = make(cpu, exec_in, 4);
	in.opcode = 0xec; /* IN AL, DX */
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x12345678123456ffull, cpu->gpr[R_RAX]);
	in.opcode = 0xed; /* IN EAX, DX: zero-extended */
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffffffff, cpu->gpr[R_RAX]);

	/* REP INSW: three words of ones at ES:EDI, ECX to 0. */
	cpu->rip = 0x1000;
	cpu->gpr[R_RDI] = 0x8000;
	cpu->gpr[R_RCX] = 3;
	in = make(cpu, exec_ins, 2);
	in.opcode = 0x6d;
	in.rep = REP_REP;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xffffffffffffull, sys_test_peek(cpu, 0x8000, 8));
	ASSERT_EQ(0x8006, cpu->gpr[R_RDI]);
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1002, cpu->rip);
	/* Backwards with DF, 16-bit address size wraps DI. */
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_DF);
	cpu->gpr[R_RDI] = 0x10000;
	in = make(cpu, exec_ins, 4);
	in.opcode = 0x6c;
	in.addrsize = 2;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0xff, sys_test_peek(cpu, 0, 1));
	ASSERT_EQ(0x1ffff, cpu->gpr[R_RDI]);
	/* OUTSD reads DS:ESI and advances. */
	flags_write(cpu, RFLAGS_FIXED1);
	cpu->gpr[R_RSI] = 0x9000;
	in = make(cpu, exec_outs, 4);
	in.opcode = 0x6f;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x9004, cpu->gpr[R_RSI]);
	sys_test_free(cpu);
}

/* A 32-bit TSS at 10000h with its I/O bit map at offset 88h. */
static void setup_tss(struct cpu *cpu, uint32_t limit)
{
	cpu->seg[SEG_TR].selector = 0x28;
	cpu->seg[SEG_TR].base = 0x10000;
	cpu->seg[SEG_TR].limit = limit;
	cpu->seg[SEG_TR].ar = 0x8b;
	sys_test_poke(cpu, 0x10000 + TSS_IO_MAP_BASE, 2, 0x88);
}

TEST(sys, io_permission_bitmap)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);

	setup_tss(cpu, 0x88 + 0x2000); /* map for all 65536 ports plus the final byte */
	/* Ports 0x60-0x67 denied except 0x64 and 0x65; 0x3f8 allowed. */
	sys_test_poke(cpu, 0x10088 + 0x60 / 8, 1, 0xcf);
	sys_test_poke(cpu, 0x10088 + 0x68 / 8, 1, 0x01);
	sys_test_poke(cpu, 0x10088 + 0x2000, 1, 0xff);

	/* CPL 0 ≤ IOPL 0: no bitmap. */
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x60, 1));
	sys_test_set_cpl(cpu, 3);
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x60, 1)));
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x64, 1));
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x64, 2));
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x64, 4)));
	/* An access crossing into the next byte of the map: 0x67 allowed? no (bit 7). */
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x66, 2)));
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x3f8, 4));
	/* IOPL 3 bypasses the map. */
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IOPL);
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x60, 1));
	/* …but not in virtual-8086 mode. */
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IOPL | RFLAGS_VM);
	cpu_update_mode(cpu);
	ASSERT_EQ(MODE_V86, cpu->mode);
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x60, 1)));
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x65, 1));
	flags_write(cpu, RFLAGS_FIXED1);
	cpu_update_mode(cpu);

	/* Beyond the limit: the two bytes read must both be inside it. */
	setup_tss(cpu, 0x88 + 0x10);
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x7f, 1));
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x80, 1)));
	/* Map base at or beyond the limit: no map at all. */
	setup_tss(cpu, 0x67);
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x0, 1)));
	/* 16-bit TSS: #GP(0). */
	setup_tss(cpu, 0x88 + 0x2000);
	cpu->seg[SEG_TR].ar = 0x83;
	ASSERT_TRUE(is_gp0(cpu, io_check_permission(cpu, 0x3f8, 1)));
	sys_test_free(cpu);

	/* Real mode: never checked. */
	cpu = sys_test_cpu(MODE_REAL);
	ASSERT_EQ(EXEC_OK, io_check_permission(cpu, 0x60, 1));
	sys_test_free(cpu);
}

TEST(sys, hlt_swapgs_fsgsbase_xgetbv)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	in = make(cpu, exec_hlt, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(ACTIVITY_HLT, cpu->activity);
	ASSERT_TRUE(cpu->stop_request);
	ASSERT_EQ(0x1002, cpu->rip);

	cpu->seg[SEG_GS].base = 0x1111;
	cpu->msr.kernel_gs_base = 0x2222;
	in = make(cpu, exec_swapgs, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x2222, cpu->seg[SEG_GS].base);
	ASSERT_EQ(0x1111, cpu->msr.kernel_gs_base);

	in = make(cpu, exec_wrfsbase, 8);
	in.op[0] = reg_op(OPK_REG, R_RAX, 8);
	cpu->gpr[R_RAX] = 0x7f0000000000ull;
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in))); /* CR4.FSGSBASE = 0 */
	cpu->cr4 |= CR4_FSGSBASE;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x7f0000000000ull, cpu->seg[SEG_FS].base);
	cpu->gpr[R_RAX] = 0x800000000000ull;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	in = make(cpu, exec_rdfsbase, 4);
	in.op[0] = reg_op(OPK_REG, R_RBX, 4);
	cpu->seg[SEG_FS].base = 0x123456789aull;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x3456789a, cpu->gpr[R_RBX]);

	in = make(cpu, exec_xgetbv, 4);
	cpu->gpr[R_RCX] = 0;
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));
	cpu->cr4 |= CR4_OSXSAVE;
	cpu->xcr0 = 7;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(7, cpu->gpr[R_RAX]);
	ASSERT_EQ(0, cpu->gpr[R_RDX]);
	cpu->gpr[R_RCX] = 1;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	sys_test_free(cpu);

	cpu = sys_test_cpu(MODE_PROT32);
	in = make(cpu, exec_swapgs, 4);
	ASSERT_TRUE(is_ud(cpu, run(cpu, &in)));
	sys_test_free(cpu);
}

TEST(sys, invpcid_invlpg_mwait_checks)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct insn in;

	in = make(cpu, exec_invpcid, 8);
	in.op[0] = reg_op(OPK_REG, R_RAX, 8);
	in.op[1] = mem_op(SEG_DS, REG_NONE, 0x6000, 16);
	cpu->gpr[R_RAX] = 4;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	/* PCID 1 with CR4.PCIDE = 0. */
	cpu->gpr[R_RAX] = 1;
	sys_test_poke(cpu, 0x6000, 8, 1);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	/* Reserved descriptor bits. */
	sys_test_poke(cpu, 0x6000, 8, 0x1000);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	/* Type 0, non-canonical address. */
	cpu->gpr[R_RAX] = 0;
	sys_test_poke(cpu, 0x6000, 8, 0);
	sys_test_poke(cpu, 0x6008, 8, 0x0000800000000000ull);
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	sys_test_poke(cpu, 0x6008, 8, 0x1000);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	cpu->gpr[R_RAX] = 2;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));

	/* INVLPG of a non-canonical address: a NOP, not a fault. */
	in = make(cpu, exec_invlpg, 8);
	in.op[0] = mem_op(SEG_DS, R_RAX, 0, 1);
	cpu->gpr[R_RAX] = 0x0000800000000000ull;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));

	in = make(cpu, exec_mwait, 4);
	cpu->gpr[R_RCX] = 2;
	ASSERT_TRUE(is_gp0(cpu, run(cpu, &in)));
	cpu->gpr[R_RCX] = 1;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	in = make(cpu, exec_monitor, 4);
	cpu->gpr[R_RAX] = 0x5000;
	cpu->gpr[R_RCX] = 0;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	cpu->gpr[R_RAX] = 0x0000800000000000ull;
	ASSERT_EQ(EXEC_FAULT, run(cpu, &in)); /* non-canonical DS address: #GP(0) */
	in = make(cpu, exec_clflush, 4);
	in.op[0] = mem_op(SEG_DS, REG_NONE, 0x5000, 1);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	sys_test_free(cpu);
}

/* REP INS: a fault leaves the registers at the faulting element; long runs yield. */
TEST(sys, rep_ins_fault_and_yield)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	struct insn in;

	in = make(cpu, exec_ins, 2);
	in.opcode = 0x6d;
	in.rep = REP_REP;
	cpu->seg[SEG_ES].limit = 0x8003; /* the third word is beyond the limit */
	cpu->gpr[R_RDI] = 0x8000;
	cpu->gpr[R_RCX] = 3;
	ASSERT_EQ(EXEC_FAULT, run(cpu, &in));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x8004, cpu->gpr[R_RDI]);
	ASSERT_EQ(1, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x1000, cpu->rip);

	/* 5000 bytes: the first run stops after a batch and re-runs itself. */
	cpu->seg[SEG_ES].limit = 0xffffffffu;
	in.opcode = 0x6c;
	cpu->gpr[R_RDI] = 0x20000;
	cpu->gpr[R_RCX] = 5000;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x1000, cpu->rip);
	ASSERT_EQ(5000 - 4096, cpu->gpr[R_RCX]);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x1002, cpu->rip);
	ASSERT_EQ(0, cpu->gpr[R_RCX]);
	ASSERT_EQ(0x20000 + 5000, cpu->gpr[R_RDI]);
	ASSERT_EQ(0xff, sys_test_peek(cpu, 0x20000 + 4999, 1));
	ASSERT_EQ(0, sys_test_peek(cpu, 0x20000 + 5000, 1));
	/* REP with ECX = 0 does nothing. */
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(0x20000 + 5000, cpu->gpr[R_RDI]);
	sys_test_free(cpu);
}

/* In VMX non-root operation: host-owned CR0/CR4 bits survive, the TSC is offset and scaled. */
TEST(sys, vmcs_masks_and_tsc_offsetting)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	struct vmcs *v = calloc(1, sizeof(*v));
	struct insn in;

	cpu->vmcs = v;
	v->cr0_guest_host_mask = CR0_TS | CR0_NE;
	v->cr4_guest_host_mask = CR4_VMXE;
	cpu->cr0 |= CR0_TS;
	cpu->cr4 |= CR4_VMXE;

	/* MOV to CR0 clearing TS and NE, setting WP: only WP changes. */
	in = make(cpu, exec_mov_cr, 8);
	in.op[0] = reg_op(OPK_CR, 0, 8);
	in.op[1] = reg_op(OPK_REG, R_RAX, 8);
	cpu->gpr[R_RAX] = (cpu->cr0 & ~(CR0_TS | CR0_NE)) | CR0_WP;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_TRUE(cpu->cr0 & CR0_TS);
	ASSERT_TRUE(cpu->cr0 & CR0_NE);
	ASSERT_TRUE(cpu->cr0 & CR0_WP);
	/* CLTS leaves a host-owned TS alone. */
	in = make(cpu, exec_clts, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_TRUE(cpu->cr0 & CR0_TS);
	/* MOV to CR4 cannot clear a host-owned VMXE. */
	in = make(cpu, exec_mov_cr, 8);
	in.op[0] = reg_op(OPK_CR, 4, 8);
	in.op[1] = reg_op(OPK_REG, R_RAX, 8);
	cpu->gpr[R_RAX] = CR4_PAE | CR4_OSXSAVE;
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(CR4_PAE | CR4_OSXSAVE | CR4_VMXE, cpu->cr4);

	/* TSC: offset, then scaling by 2.0 (1 << 49 with 48 fractional bits). */
	cpu->tsc = 1000;
	v->tsc_offset = (uint64_t)-400;
	v->cpu_based_vm_exec_control = CPU_BASED_USE_TSC_OFFSETTING;
	in = make(cpu, exec_rdtsc, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(600, cpu->gpr[R_RAX]);
	v->cpu_based_vm_exec_control |= CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	v->secondary_vm_exec_control = SECONDARY_EXEC_TSC_SCALING;
	v->tsc_multiplier = 1ull << 49;
	cpu->gpr[R_RCX] = MSR_IA32_TSC;
	in = make(cpu, exec_rdmsr, 4);
	ASSERT_EQ(EXEC_OK, run(cpu, &in));
	ASSERT_EQ(1600, cpu->gpr[R_RAX]);
	cpu->vmcs = NULL;
	free(v);
	sys_test_free(cpu);
}
