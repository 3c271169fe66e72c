/* SPDX-License-Identifier: MIT */
/*
 * Segment-register loads and far transfers (SDM Vol. 2 MOV, POP, JMP, CALL, RET, IRET;
 * Vol. 3A, 5.5–5.8) on a CPU with flat RAM, paging off. Also provides the small machine
 * that event_test.c uses (seg_env_*).
 */
#include <stdlib.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "hw/seg.h"
#include "hw/vmx/vmcs.h"
#include "test.h"
#include "util/bits.h"

#define RAM_SIZE (1u << 20)
#define GDT_BASE 0x1000u
#define IDT_BASE 0x2000u
#define TSS_BASE 0x3000u

/* Machine shared with event_test.c. */
struct seg_env {
	struct cpu cpu;
	struct slat slat;
	struct vmcs *vmcs;
	uint8_t *ram;
};

struct seg_env *seg_env_new(void);
void seg_env_free(struct seg_env *e);
void seg_env_prot32(struct seg_env *e, unsigned cpl);
void seg_env_long64(struct seg_env *e, unsigned cpl);
void seg_env_gdt(struct seg_env *e, unsigned index, uint64_t desc);
uint64_t seg_env_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags);

static enum slat_status flat_translate(const struct slat *s, uint64_t gpa, uint32_t access,
				       struct slat_page *page)
{
	(void)access;
	if (gpa >= s->ram_size)
		return SLAT_MMIO;
	page->host = s->ram + (gpa & ~0xfffull);
	page->hpa = gpa & ~0xfffull;
	page->perm = SLAT_READ | SLAT_WRITE | SLAT_FETCH;
	page->violation_bits = 0;
	return SLAT_RAM;
}

/* access: byte 5 (type, S, DPL, P); flags: the nibble G, D/B, L, AVL (bits 55:52). */
uint64_t seg_env_desc(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
	return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xf) << 48 |
	       (uint64_t)flags << 52 | (uint64_t)(base >> 24) << 56;
}

void seg_env_gdt(struct seg_env *e, unsigned index, uint64_t desc)
{
	bits_store_le(e->ram + GDT_BASE + index * 8, 8, desc);
}

struct seg_env *seg_env_new(void)
{
	struct seg_env *e = calloc(1, sizeof(*e));

	e->ram = calloc(1, RAM_SIZE);
	e->vmcs = calloc(1, sizeof(*e->vmcs));
	e->slat.translate = flat_translate;
	e->slat.ram = e->ram;
	e->slat.ram_size = RAM_SIZE;
	e->slat.code_gen = calloc(RAM_SIZE / 4096, sizeof(uint32_t));
	cpu_init(&e->cpu);
	e->cpu.slat = &e->slat;
	e->cpu.vmcs = e->vmcs;
	return e;
}

void seg_env_free(struct seg_env *e)
{
	cpu_destroy(&e->cpu);
	free(e->slat.code_gen);
	free(e->vmcs);
	free(e->ram);
	free(e);
}

static void load(struct seg_env *e, unsigned seg, uint16_t sel)
{
	uint64_t desc = bits_load_le(e->ram + GDT_BASE + (sel & 0xfff8), 8);

	seg_from_desc(&e->cpu.seg[seg], sel, desc, 0);
}

/*
 * GDT: 1 code32 DPL0, 2 data DPL0, 3 code32 DPL3, 4 data DPL3, 5 TSS32, 6 data DPL0 not
 * present, 7 code64 DPL0, 8 code64 DPL3, 9 execute-only code DPL3, 10 code16 DPL0,
 * 12–13 64-bit TSS. TSS32: SS0:ESP0 = 0x10:0x9000.
 */
static void build_gdt(struct seg_env *e)
{
	seg_env_gdt(e, 1, seg_env_desc(0, 0xfffff, 0x9b, 0xc));
	seg_env_gdt(e, 2, seg_env_desc(0, 0xfffff, 0x93, 0xc));
	seg_env_gdt(e, 3, seg_env_desc(0, 0xfffff, 0xfb, 0xc));
	seg_env_gdt(e, 4, seg_env_desc(0, 0xfffff, 0xf3, 0xc));
	seg_env_gdt(e, 5, seg_env_desc(TSS_BASE, 0x67, 0x89, 0));
	seg_env_gdt(e, 6, seg_env_desc(0, 0xfffff, 0x13, 0xc));
	seg_env_gdt(e, 7, seg_env_desc(0, 0xfffff, 0x9b, 0xa));
	seg_env_gdt(e, 8, seg_env_desc(0, 0xfffff, 0xfb, 0xa));
	seg_env_gdt(e, 9, seg_env_desc(0, 0xfffff, 0xf9, 0xc));
	seg_env_gdt(e, 10, seg_env_desc(0, 0xffff, 0x9b, 0));
	seg_env_gdt(e, 12, seg_env_desc(TSS_BASE, 0x67, 0x89, 0));
	seg_env_gdt(e, 13, 0);
	e->cpu.gdtr.base = GDT_BASE;
	e->cpu.gdtr.limit = 14 * 8 - 1;
	e->cpu.idtr.base = IDT_BASE;
	e->cpu.idtr.limit = 0xfff;
	bits_store_le(e->ram + TSS_BASE + 4, 4, 0x9000);
	bits_store_le(e->ram + TSS_BASE + 8, 2, 0x10);
}

void seg_env_prot32(struct seg_env *e, unsigned cpl)
{
	build_gdt(e);
	e->cpu.cr0 = CR0_PE | CR0_ET;
	e->cpu.efer = 0;
	load(e, SEG_CS, cpl ? 0x1b : 0x08);
	load(e, SEG_SS, cpl ? 0x23 : 0x10);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++) {
		if (s != SEG_CS && s != SEG_SS)
			load(e, s, cpl ? 0x23 : 0x10);
	}
	load(e, SEG_TR, 0x28);
	e->cpu.seg[SEG_TR].ar |= 2; /* busy */
	flags_write(&e->cpu, RFLAGS_FIXED1 | RFLAGS_IF);
	cpu_update_mode(&e->cpu);
}

void seg_env_long64(struct seg_env *e, unsigned cpl)
{
	seg_env_prot32(e, cpl);
	e->cpu.efer = EFER_LME | EFER_LMA;
	e->cpu.cr4 = CR4_PAE;
	load(e, SEG_CS, cpl ? 0x43 : 0x38);
	load(e, SEG_TR, 0x60);
	e->cpu.seg[SEG_TR].ar |= 2;
	cpu_update_mode(&e->cpu);
}

TEST(seg, load_data_sets_accessed)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 0);
	seg_env_gdt(e, 2, seg_env_desc(0x12345678, 0xfff, 0x92, 0x4));
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_DS, 0x10));
	ASSERT_EQ(0x12345678, e->cpu.seg[SEG_DS].base);
	ASSERT_EQ(0xfff, e->cpu.seg[SEG_DS].limit);
	ASSERT_EQ(0x4093, e->cpu.seg[SEG_DS].ar);
	ASSERT_EQ(0x93, e->ram[GDT_BASE + 2 * 8 + 5]);
	seg_env_free(e);
}

TEST(seg, load_null_data_is_unusable)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 3);
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_FS, 0x3));
	ASSERT_TRUE(e->cpu.seg[SEG_FS].ar & AR_UNUSABLE);
	ASSERT_EQ(3, e->cpu.seg[SEG_FS].selector);
	seg_env_free(e);
}

TEST(seg, load_null_ss)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 0);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_SS, 0));
	ASSERT_EQ(VEC_GP, e->cpu.fault.vector);
	ASSERT_EQ(0, e->cpu.fault.error);
	/* 64-bit mode, CPL 0, RPL 0: allowed. RPL 1 ≠ CPL: #GP(0). */
	seg_env_long64(e, 0);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_SS, 1));
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_SS, 0));
	ASSERT_TRUE(e->cpu.seg[SEG_SS].ar & AR_UNUSABLE);
	ASSERT_EQ(0, cpu_seg_dpl(&e->cpu.seg[SEG_SS]));
	seg_env_free(e);
}

TEST(seg, load_beyond_gdt_limit)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 0);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_ES, 0x1f3));
	ASSERT_EQ(VEC_GP, e->cpu.fault.vector);
	ASSERT_EQ(0x1f0, e->cpu.fault.error);
	/* TI = 1 with a null LDTR. */
	e->cpu.seg[SEG_LDTR].ar = AR_UNUSABLE;
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_ES, 0x0c));
	ASSERT_EQ(0x0c, e->cpu.fault.error);
	seg_env_free(e);
}

TEST(seg, load_privilege_checks)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 3);
	/* DPL 0 data at CPL 3. */
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_DS, 0x13));
	ASSERT_EQ(VEC_GP, e->cpu.fault.vector);
	ASSERT_EQ(0x10, e->cpu.fault.error);
	/* Execute-only code cannot be a data segment; readable non-conforming DPL 3 can. */
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_DS, 0x4b));
	ASSERT_EQ(0x48, e->cpu.fault.error);
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_DS, 0x1b));
	/* SS: RPL must equal CPL, and DPL too. */
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_SS, 0x20));
	ASSERT_EQ(0x20, e->cpu.fault.error);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_SS, 0x1b));
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_SS, 0x23));
	seg_env_free(e);
}

TEST(seg, load_not_present)
{
	struct seg_env *e = seg_env_new();

	seg_env_prot32(e, 0);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_DS, 0x30));
	ASSERT_EQ(VEC_NP, e->cpu.fault.vector);
	ASSERT_EQ(0x30, e->cpu.fault.error);
	ASSERT_EQ(EXEC_FAULT, seg_load(&e->cpu, SEG_SS, 0x30));
	ASSERT_EQ(VEC_SS, e->cpu.fault.vector);
	ASSERT_EQ(0x30, e->cpu.fault.error);
	/* The register is unchanged after a fault. */
	ASSERT_EQ(0x10, e->cpu.seg[SEG_SS].selector);
	seg_env_free(e);
}

TEST(seg, load_real_and_v86)
{
	struct seg_env *e = seg_env_new();

	e->cpu.seg[SEG_DS].limit = 0xffffffff; /* "unreal" limit survives */
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_DS, 0x1234));
	ASSERT_EQ(0x12340, e->cpu.seg[SEG_DS].base);
	ASSERT_EQ(0xffffffff, e->cpu.seg[SEG_DS].limit);
	seg_env_prot32(e, 0);
	flags_write(&e->cpu, RFLAGS_FIXED1 | RFLAGS_VM);
	cpu_update_mode(&e->cpu);
	ASSERT_EQ(MODE_V86, e->cpu.mode);
	ASSERT_EQ(EXEC_OK, seg_load(&e->cpu, SEG_ES, 0xb800));
	ASSERT_EQ(0xb8000, e->cpu.seg[SEG_ES].base);
	ASSERT_EQ(0xffff, e->cpu.seg[SEG_ES].limit);
	ASSERT_EQ(0xf3, e->cpu.seg[SEG_ES].ar);
	seg_env_free(e);
}

static struct insn far_insn(unsigned opsize)
{
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.opsize = (uint8_t)opsize;
	in.addrsize = 4;
	in.stacksize = 4;
	return in;
}

TEST(seg, jmp_far_direct_and_checks)
{
	struct seg_env *e = seg_env_new();
	struct insn in = far_insn(4);

	seg_env_prot32(e, 0);
	in.nops = 1;
	in.op[0].kind = OPK_PTR;
	in.op[0].ptr_sel = 0x50; /* 16-bit code, DPL 0 */
	in.op[0].imm = 0x1234;
	ASSERT_EQ(EXEC_OK, exec_jmp_far(&e->cpu, &in));
	ASSERT_EQ(0x50, e->cpu.seg[SEG_CS].selector);
	ASSERT_EQ(0x1234, e->cpu.next_rip);
	ASSERT_EQ(MODE_PROT16, e->cpu.mode);
	/* Beyond the limit of the target: #GP(0), CS unchanged. */
	in.op[0].imm = 0x10000;
	ASSERT_EQ(EXEC_FAULT, exec_jmp_far(&e->cpu, &in));
	ASSERT_EQ(VEC_GP, e->cpu.fault.vector);
	ASSERT_EQ(0, e->cpu.fault.error);
	/* Non-conforming DPL 3 code from CPL 0: #GP(sel). */
	in.op[0].ptr_sel = 0x18;
	in.op[0].imm = 0;
	ASSERT_EQ(EXEC_FAULT, exec_jmp_far(&e->cpu, &in));
	ASSERT_EQ(0x18, e->cpu.fault.error);
	seg_env_free(e);
}

TEST(seg, call_gate_to_ring0_and_ret_far)
{
	struct seg_env *e = seg_env_new();
	struct insn in = far_insn(4);
	uint64_t gate;

	seg_env_prot32(e, 3);
	/* GDT 11: 32-bit call gate DPL 3 → 0x08:0x5000, one parameter. */
	gate = 0x5000 | (uint64_t)0x08 << 16 | 1ull << 32 | 0xecull << 40;
	seg_env_gdt(e, 11, gate);
	e->cpu.gpr[R_RSP] = 0x8000;
	bits_store_le(e->ram + 0x8000, 4, 0xabcd1234); /* the parameter */
	e->cpu.next_rip = 0x401005;
	in.nops = 1;
	in.op[0].kind = OPK_PTR;
	in.op[0].ptr_sel = 0x5b;
	ASSERT_EQ(EXEC_OK, exec_call_far(&e->cpu, &in));
	ASSERT_EQ(0, e->cpu.cpl);
	ASSERT_EQ(0x08, e->cpu.seg[SEG_CS].selector);
	ASSERT_EQ(0x10, e->cpu.seg[SEG_SS].selector);
	ASSERT_EQ(0x5000, e->cpu.next_rip);
	ASSERT_EQ(0x9000 - 20, e->cpu.gpr[R_RSP]);
	ASSERT_EQ(0x401005, bits_load_le(e->ram + 0x9000 - 20, 4));
	ASSERT_EQ(0x1b, bits_load_le(e->ram + 0x9000 - 16, 4));
	ASSERT_EQ(0xabcd1234, bits_load_le(e->ram + 0x9000 - 12, 4));
	ASSERT_EQ(0x8000, bits_load_le(e->ram + 0x9000 - 8, 4));
	ASSERT_EQ(0x23, bits_load_le(e->ram + 0x9000 - 4, 4));

	/* RET 4 back to ring 3: DS with DPL 0 gets nulled. */
	struct insn ret = far_insn(4);

	ret.nops = 1;
	ret.op[0].kind = OPK_IMM;
	ret.op[0].imm = 4;
	load(e, SEG_DS, 0x10);
	ASSERT_EQ(EXEC_OK, exec_ret_far(&e->cpu, &ret));
	ASSERT_EQ(3, e->cpu.cpl);
	ASSERT_EQ(0x1b, e->cpu.seg[SEG_CS].selector);
	ASSERT_EQ(0x23, e->cpu.seg[SEG_SS].selector);
	ASSERT_EQ(0x8004, e->cpu.gpr[R_RSP]);
	ASSERT_EQ(0x401005, e->cpu.next_rip);
	ASSERT_TRUE(e->cpu.seg[SEG_DS].ar & AR_UNUSABLE);
	seg_env_free(e);
}

TEST(seg, lar_lsl_verr_arpl)
{
	struct seg_env *e = seg_env_new();
	struct insn in = far_insn(4);

	seg_env_prot32(e, 3);
	in.nops = 2;
	in.op[0].kind = OPK_REG;
	in.op[0].reg = R_RAX;
	in.op[0].size = 4;
	in.op[1].kind = OPK_REG;
	in.op[1].reg = R_RBX;
	in.op[1].size = 2;
	e->cpu.gpr[R_RBX] = 0x23;
	ASSERT_EQ(EXEC_OK, exec_lar(&e->cpu, &in));
	ASSERT_TRUE(flags_read(&e->cpu) & RFLAGS_ZF);
	ASSERT_EQ(0x00c0f300, e->cpu.gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, exec_lsl(&e->cpu, &in));
	ASSERT_EQ(0xffffffff, e->cpu.gpr[R_RAX]);
	/* DPL 0 data from CPL 3: ZF = 0, no fault, destination unchanged. */
	e->cpu.gpr[R_RBX] = 0x10;
	ASSERT_EQ(EXEC_OK, exec_lar(&e->cpu, &in));
	ASSERT_FALSE(flags_read(&e->cpu) & RFLAGS_ZF);
	ASSERT_EQ(0xffffffff, e->cpu.gpr[R_RAX]);
	/* Beyond the GDT: ZF = 0, no fault. */
	e->cpu.gpr[R_RBX] = 0x3f3;
	ASSERT_EQ(EXEC_OK, exec_lsl(&e->cpu, &in));
	ASSERT_FALSE(flags_read(&e->cpu) & RFLAGS_ZF);

	struct insn v = far_insn(2);

	v.nops = 1;
	v.op[0] = in.op[1];
	e->cpu.gpr[R_RBX] = 0x4b; /* execute-only code: not readable */
	ASSERT_EQ(EXEC_OK, exec_verr(&e->cpu, &v));
	ASSERT_FALSE(flags_read(&e->cpu) & RFLAGS_ZF);
	e->cpu.gpr[R_RBX] = 0x23;
	ASSERT_EQ(EXEC_OK, exec_verw(&e->cpu, &v));
	ASSERT_TRUE(flags_read(&e->cpu) & RFLAGS_ZF);

	struct insn a = far_insn(2);

	a.nops = 2;
	a.op[0] = in.op[1];
	a.op[1] = in.op[0];
	a.op[1].size = 2;
	e->cpu.gpr[R_RBX] = 0x20;
	e->cpu.gpr[R_RAX] = 0x3;
	ASSERT_EQ(EXEC_OK, exec_arpl(&e->cpu, &a));
	ASSERT_EQ(0x23, e->cpu.gpr[R_RBX]);
	ASSERT_TRUE(flags_read(&e->cpu) & RFLAGS_ZF);
	seg_env_free(e);
}

TEST(seg, ltr_sets_busy)
{
	struct seg_env *e = seg_env_new();
	struct insn in = far_insn(2);

	seg_env_prot32(e, 0);
	in.nops = 1;
	in.op[0].kind = OPK_REG;
	in.op[0].reg = R_RAX;
	in.op[0].size = 2;
	e->cpu.gpr[R_RAX] = 0x28;
	ASSERT_EQ(EXEC_OK, exec_ltr(&e->cpu, &in));
	ASSERT_EQ(0x8b, e->ram[GDT_BASE + 5 * 8 + 5]);
	ASSERT_EQ(0x8b, e->cpu.seg[SEG_TR].ar);
	/* Now busy: a second LTR is #GP(sel). */
	ASSERT_EQ(EXEC_FAULT, exec_ltr(&e->cpu, &in));
	ASSERT_EQ(VEC_GP, e->cpu.fault.vector);
	ASSERT_EQ(0x28, e->cpu.fault.error);
	seg_env_free(e);
}

TEST(seg, mov_ss_blocks_and_mov_cs_ud)
{
	struct seg_env *e = seg_env_new();
	struct insn in = far_insn(2);

	seg_env_prot32(e, 0);
	in.nops = 2;
	in.op[0].kind = OPK_SEG;
	in.op[0].reg = SEG_SS;
	in.op[1].kind = OPK_REG;
	in.op[1].reg = R_RAX;
	in.op[1].size = 2;
	e->cpu.gpr[R_RAX] = 0x10;
	e->cpu.interruptibility = 0;
	ASSERT_EQ(EXEC_OK, exec_mov_sreg(&e->cpu, &in));
	ASSERT_TRUE(e->cpu.interruptibility & INTR_BLOCK_MOV_SS);
	in.op[0].reg = SEG_CS;
	ASSERT_EQ(EXEC_FAULT, exec_mov_sreg(&e->cpu, &in));
	ASSERT_EQ(VEC_UD, e->cpu.fault.vector);
	/* MOV r32, DS zero-extends the selector. */
	in.op[0] = in.op[1];
	in.op[0].size = 4;
	in.op[1].kind = OPK_SEG;
	in.op[1].reg = SEG_DS;
	e->cpu.gpr[R_RAX] = ~0ull;
	ASSERT_EQ(EXEC_OK, exec_mov_sreg(&e->cpu, &in));
	ASSERT_EQ(0x10, e->cpu.gpr[R_RAX]);
	seg_env_free(e);
}
