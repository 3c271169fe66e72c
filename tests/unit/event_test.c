/* SPDX-License-Identifier: MIT */
/*
 * Event delivery (SDM Vol. 3A, 6.10–6.15, 20.1.4) and its VMX rules (Vol. 3C, 26.2,
 * 28.2.4) on the flat machine of seg_test.c.
 */
#include <string.h>

#include "hw/cpu.h"
#include "hw/event.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "hw/seg.h"
#include "hw/vmx/vmcs.h"
#include "test.h"
#include "util/bits.h"

#define IDT_BASE 0x2000u
#define TSS_BASE 0x3000u
#define EXIT_TRIPLE_FAULT 2u  /* SDM Vol. 3C, Appendix C */
#define EXIT_EXCEPTION_NMI 0u

/* The machine of seg_test.c. */
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

/* A legacy IDT gate: type 0xe interrupt, 0xf trap, 0x6/0x7 16-bit. */
static void gate32(struct seg_env *e, unsigned vector, uint16_t sel, uint32_t off,
		   unsigned type, unsigned dpl, bool present)
{
	uint64_t g = (off & 0xffff) | (uint64_t)sel << 16 |
		     (uint64_t)(type | dpl << 5 | (present ? 0x80 : 0)) << 40 |
		     (uint64_t)(off >> 16) << 48;

	bits_store_le(e->ram + IDT_BASE + vector * 8, 8, g);
}

static void gate64(struct seg_env *e, unsigned vector, uint16_t sel, uint64_t off,
		   unsigned ist, unsigned dpl)
{
	uint64_t lo = (off & 0xffff) | (uint64_t)sel << 16 | (uint64_t)ist << 32 |
		      (uint64_t)(0xe | dpl << 5 | 0x80) << 40 | ((off >> 16) & 0xffff) << 48;

	bits_store_le(e->ram + IDT_BASE + vector * 16, 8, lo);
	bits_store_le(e->ram + IDT_BASE + vector * 16 + 8, 8, off >> 32);
}

static uint64_t rd(struct seg_env *e, uint64_t addr, unsigned size)
{
	return bits_load_le(e->ram + addr, size);
}

TEST(event, real_mode_ivt)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	/* After reset: real mode, IVT at 0. Vector 0x21 → 2000:1234. */
	bits_store_le(e->ram + 0x21 * 4, 2, 0x1234);
	bits_store_le(e->ram + 0x21 * 4 + 2, 2, 0x2000);
	seg_load_real(cpu, SEG_CS, 0x1000);
	seg_load_real(cpu, SEG_SS, 0);
	cpu->gpr[R_RSP] = 0x100;
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_TF | RFLAGS_CF);
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x21, EVENT_SOFT_INT, false, 0, 0x5678));
	ASSERT_EQ(0x1234, cpu->rip);
	ASSERT_EQ(0x1234, cpu->next_rip);
	ASSERT_EQ(0x2000, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x20000, cpu->seg[SEG_CS].base);
	ASSERT_EQ(0xfa, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x5678, rd(e, 0xfa, 2));
	ASSERT_EQ(0x1000, rd(e, 0xfc, 2));
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_TF | RFLAGS_CF, rd(e, 0xfe, 2));
	ASSERT_EQ(0, flags_read(cpu) & (RFLAGS_IF | RFLAGS_TF));
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_CF);
	/* Beyond the IVT limit: #GP, itself beyond → #DF → … → triple fault. */
	cpu->idtr.limit = 0x20;
	memset(&cpu->exit, 0, sizeof(cpu->exit));
	ASSERT_EQ(EXEC_VMEXIT, event_raise(cpu, 0xff, EVENT_EXT_INT, false, 0, cpu->rip));
	ASSERT_EQ(EXIT_TRIPLE_FAULT, cpu->exit.reason);
	seg_env_free(e);
}

TEST(event, prot32_interrupt_gate_privilege_change)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 3);
	gate32(e, 0x30, 0x08, 0x00104000, 0xe, 3, true);
	cpu->gpr[R_RSP] = 0x8000;
	cpu->interruptibility = INTR_BLOCK_STI;
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_ZF);
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x30, EVENT_SOFT_INT, false, 0, 0x401002));
	ASSERT_EQ(0x104000, cpu->rip);
	ASSERT_EQ(0, cpu->cpl);
	ASSERT_EQ(0x08, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x10, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(0x9000 - 20, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x401002, rd(e, 0x9000 - 20, 4));
	ASSERT_EQ(0x1b, rd(e, 0x9000 - 16, 4));
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_ZF, rd(e, 0x9000 - 12, 4));
	ASSERT_EQ(0x8000, rd(e, 0x9000 - 8, 4));
	ASSERT_EQ(0x23, rd(e, 0x9000 - 4, 4));
	ASSERT_EQ(0, flags_read(cpu) & RFLAGS_IF);
	ASSERT_EQ(0, cpu->interruptibility);
	ASSERT_FALSE(cpu->in_event_delivery);
	seg_env_free(e);
}

TEST(event, prot32_fault_pushes_error_and_rf)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 0);
	gate32(e, VEC_GP, 0x08, 0x2000, 0xf, 0, true); /* trap gate keeps IF */
	cpu->gpr[R_RSP] = 0x7000;
	cpu->rip = 0x1234;
	cpu->fault.vector = VEC_GP;
	cpu->fault.has_error = true;
	cpu->fault.error = 0x28;
	ASSERT_EQ(EXEC_OK, event_raise_fault(cpu));
	ASSERT_EQ(0x7000 - 16, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x28, rd(e, 0x7000 - 16, 4));
	ASSERT_EQ(0x1234, rd(e, 0x7000 - 12, 4));
	ASSERT_EQ(0x08, rd(e, 0x7000 - 8, 4));
	ASSERT_TRUE(rd(e, 0x7000 - 4, 4) & RFLAGS_RF);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_IF);
	ASSERT_EQ(0, flags_read(cpu) & RFLAGS_RF);
	seg_env_free(e);
}

TEST(event, long64_ist_delivery)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	uint64_t top = 0xa000;

	seg_env_long64(e, 0);
	ASSERT_EQ(MODE_LONG64, cpu->mode);
	gate64(e, VEC_NMI, 0x38, 0xffff800000001000ull, 2, 0);
	bits_store_le(e->ram + TSS_BASE + 0x24 + 8, 8, top + 8); /* IST2, realigned to 16 */
	cpu->gpr[R_RSP] = 0x7008;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, VEC_NMI, EVENT_NMI, false, 0, 0x401000));
	ASSERT_EQ(0xffff800000001000ull, cpu->rip);
	ASSERT_EQ(top - 40, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x401000, rd(e, top - 40, 8));
	ASSERT_EQ(0x38, rd(e, top - 32, 8));
	ASSERT_EQ(0x7008, rd(e, top - 16, 8));
	ASSERT_EQ(0x10, rd(e, top - 8, 8));
	ASSERT_EQ(0x10, cpu->seg[SEG_SS].selector);
	ASSERT_TRUE(cpu->interruptibility & INTR_BLOCK_NMI);
	seg_env_free(e);
}

TEST(event, long64_privilege_change_null_ss)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_long64(e, 3);
	ASSERT_EQ(3, cpu->cpl);
	gate64(e, 0x80, 0x38, 0x5000, 0, 3);
	bits_store_le(e->ram + TSS_BASE + 4, 8, 0x9008); /* RSP0 */
	cpu->gpr[R_RSP] = 0x7ff8;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x80, EVENT_SOFT_INT, false, 0, 0x401002));
	ASSERT_EQ(0, cpu->cpl);
	ASSERT_EQ(0x9000 - 40, cpu->gpr[R_RSP]);
	ASSERT_EQ(0, cpu->seg[SEG_SS].selector);
	ASSERT_TRUE(cpu->seg[SEG_SS].ar & AR_UNUSABLE);
	ASSERT_EQ(0x43, rd(e, 0x9000 - 32, 8));
	ASSERT_EQ(0x7ff8, rd(e, 0x9000 - 16, 8));
	ASSERT_EQ(0x23, rd(e, 0x9000 - 8, 8));
	seg_env_free(e);
}

TEST(event, not_present_gate_np)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	struct cpu before;

	seg_env_prot32(e, 0);
	gate32(e, 0x40, 0x08, 0x3000, 0xe, 0, false);
	cpu->gpr[R_RSP] = 0x7000;
	before = *cpu;
	ASSERT_EQ(EXEC_FAULT, event_deliver_idt(cpu, 0x40, EVENT_EXT_INT, false, 0, 0));
	ASSERT_EQ(VEC_NP, cpu->fault.vector);
	ASSERT_EQ(0x40 * 8 + 2 + 1, cpu->fault.error);
	ASSERT_EQ(before.gpr[R_RSP], cpu->gpr[R_RSP]);
	ASSERT_EQ(before.rip, cpu->rip);
	ASSERT_EQ(before.seg[SEG_CS].selector, cpu->seg[SEG_CS].selector);
	/* Software INT n: EXT = 0. */
	ASSERT_EQ(EXEC_FAULT, event_deliver_idt(cpu, 0x40, EVENT_SOFT_INT, false, 0, 0));
	ASSERT_EQ(0x40 * 8 + 2, cpu->fault.error);
	seg_env_free(e);
}

TEST(event, int_n_gate_dpl_gp)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 3);
	gate32(e, 0x41, 0x08, 0x3000, 0xe, 0, true);
	gate32(e, VEC_GP, 0x08, 0x6000, 0xe, 0, true);
	cpu->gpr[R_RSP] = 0x8000;
	ASSERT_EQ(EXEC_FAULT, event_deliver_idt(cpu, 0x41, EVENT_SOFT_INT, false, 0, 0x1002));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0x41 * 8 + 2, cpu->fault.error);
	/* A hardware event ignores the gate DPL. */
	ASSERT_EQ(EXEC_OK, event_deliver_idt(cpu, 0x41, EVENT_EXT_INT, false, 0, 0x1000));
	ASSERT_EQ(0x3000, cpu->rip);

	/* Through event_raise the #GP is delivered, charged to the INT instruction. */
	seg_env_prot32(e, 3);
	cpu->gpr[R_RSP] = 0x8000;
	cpu->rip = 0x1000;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x41, EVENT_SOFT_INT, false, 0, 0x1002));
	ASSERT_EQ(0x6000, cpu->rip);
	ASSERT_EQ(0x41 * 8 + 2, rd(e, 0x9000 - 24, 4));
	ASSERT_EQ(0x1000, rd(e, 0x9000 - 20, 4));
	seg_env_free(e);
}

TEST(event, double_fault_and_triple_fault)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 0);
	gate32(e, VEC_GP, 0x08, 0x6000, 0x0, 0, true); /* invalid gate type → #GP */
	gate32(e, VEC_DF, 0x08, 0x8888, 0xe, 0, true);
	cpu->gpr[R_RSP] = 0x7000;
	cpu->rip = 0x1234;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, VEC_GP, EVENT_HW_EXC, true, 0, cpu->rip));
	ASSERT_EQ(0x8888, cpu->rip);
	ASSERT_EQ(0x7000 - 16, cpu->gpr[R_RSP]);
	ASSERT_EQ(0, rd(e, 0x7000 - 16, 4));
	ASSERT_EQ(0x1234, rd(e, 0x7000 - 12, 4));

	/* #DF that cannot be delivered either: triple fault, a VM exit (reason 2). */
	gate32(e, VEC_DF, 0x08, 0x8888, 0xe, 0, false);
	memset(&cpu->exit, 0, sizeof(cpu->exit));
	ASSERT_EQ(EXEC_VMEXIT, event_raise(cpu, VEC_GP, EVENT_HW_EXC, true, 0, cpu->rip));
	ASSERT_EQ(EXIT_TRIPLE_FAULT, cpu->exit.reason);
	ASSERT_EQ(0, cpu->exit.idt_vectoring_info);
	ASSERT_FALSE(cpu->in_event_delivery);

	/* A benign first event is followed serially: #GP while delivering INT 0x50
	 * from an external source delivers the #GP (after fixing its gate). */
	gate32(e, VEC_GP, 0x08, 0x6000, 0xe, 0, true);
	gate32(e, 0x50, 0x08, 0x6000, 0x0, 0, true);
	cpu->gpr[R_RSP] = 0x7000;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x50, EVENT_EXT_INT, false, 0, 0x4444));
	ASSERT_EQ(0x6000, cpu->rip);
	ASSERT_EQ(0x50 * 8 + 3, rd(e, 0x7000 - 16, 4));
	ASSERT_EQ(0x4444, rd(e, 0x7000 - 12, 4));
	seg_env_free(e);
}

TEST(event, exception_bitmap_exits)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 0);
	e->vmcs->exception_bitmap = 1u << VEC_GP;
	gate32(e, 0x50, 0x08, 0x6000, 0x0, 0, true);
	cpu->gpr[R_RSP] = 0x7000;
	/* #GP during delivery of an external interrupt: exit with IDT-vectoring info. */
	memset(&cpu->exit, 0, sizeof(cpu->exit));
	ASSERT_EQ(EXEC_VMEXIT, event_raise(cpu, 0x50, EVENT_EXT_INT, false, 0, 0x4444));
	ASSERT_EQ(EXIT_EXCEPTION_NMI, cpu->exit.reason);
	ASSERT_EQ(VEC_GP | 3u << 8 | 1u << 11 | 1u << 31, cpu->exit.intr_info);
	ASSERT_EQ(0x50 * 8 + 3, cpu->exit.intr_error);
	ASSERT_EQ(0x50 | 1u << 31, cpu->exit.idt_vectoring_info);
	ASSERT_EQ(0x7000, cpu->gpr[R_RSP]);
	/* INT3 with #BP intercepted: exits directly, no IDT-vectoring info. */
	e->vmcs->exception_bitmap = 1u << VEC_BP;
	memset(&cpu->exit, 0, sizeof(cpu->exit));
	ASSERT_EQ(EXEC_VMEXIT, event_raise(cpu, VEC_BP, EVENT_SOFT_EXC, false, 0, 0x4445));
	ASSERT_EQ(VEC_BP | 6u << 8 | 1u << 31, cpu->exit.intr_info);
	ASSERT_EQ(0, cpu->exit.idt_vectoring_info);
	seg_env_free(e);
}

TEST(event, v86_int_needs_iopl3_and_pushes_segments)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;

	seg_env_prot32(e, 0);
	gate32(e, 0x21, 0x08, 0x7777, 0xe, 3, true);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_VM);
	cpu_update_mode(cpu);
	seg_load_real(cpu, SEG_CS, 0x1000);
	seg_load_real(cpu, SEG_SS, 0x2000);
	seg_load_real(cpu, SEG_DS, 0x3000);
	seg_load_real(cpu, SEG_ES, 0x4000);
	seg_load_real(cpu, SEG_FS, 0x5000);
	seg_load_real(cpu, SEG_GS, 0x6000);
	cpu->gpr[R_RSP] = 0xfffe;
	ASSERT_EQ(EXEC_FAULT, event_deliver_idt(cpu, 0x21, EVENT_SOFT_INT, false, 0, 0x102));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, cpu->fault.error);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_VM | RFLAGS_IOPL | RFLAGS_IF);
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x21, EVENT_SOFT_INT, false, 0, 0x102));
	ASSERT_EQ(MODE_PROT32, cpu->mode);
	ASSERT_EQ(0, cpu->cpl);
	ASSERT_EQ(0x7777, cpu->rip);
	ASSERT_EQ(0x9000 - 36, cpu->gpr[R_RSP]);
	ASSERT_EQ(0x102, rd(e, 0x9000 - 36, 4));
	ASSERT_EQ(0x1000, rd(e, 0x9000 - 32, 4));
	ASSERT_TRUE(rd(e, 0x9000 - 28, 4) & RFLAGS_VM);
	ASSERT_EQ(0xfffe, rd(e, 0x9000 - 24, 4));
	ASSERT_EQ(0x2000, rd(e, 0x9000 - 20, 4));
	ASSERT_EQ(0x4000, rd(e, 0x9000 - 16, 4));
	ASSERT_EQ(0x3000, rd(e, 0x9000 - 12, 4));
	ASSERT_EQ(0x5000, rd(e, 0x9000 - 8, 4));
	ASSERT_EQ(0x6000, rd(e, 0x9000 - 4, 4));
	ASSERT_TRUE(cpu->seg[SEG_DS].ar & AR_UNUSABLE);
	ASSERT_EQ(0, flags_read(cpu) & (RFLAGS_VM | RFLAGS_IF));
	seg_env_free(e);
}

static struct insn iret_insn(unsigned opsize)
{
	struct insn in;

	memset(&in, 0, sizeof(in));
	in.opsize = (uint8_t)opsize;
	in.addrsize = in.stacksize = (uint8_t)(opsize == 8 ? 8 : 4);
	return in;
}

TEST(event, iret_round_trip_prot32)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	struct insn in = iret_insn(4);

	seg_env_prot32(e, 3);
	gate32(e, 0x30, 0x08, 0x00104000, 0xe, 3, true);
	cpu->gpr[R_RSP] = 0x8000;
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_ZF);
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x30, EVENT_SOFT_INT, false, 0, 0x401002));
	cpu->interruptibility |= INTR_BLOCK_NMI;
	ASSERT_EQ(EXEC_OK, exec_iret(cpu, &in));
	ASSERT_EQ(3, cpu->cpl);
	ASSERT_EQ(0x401002, cpu->next_rip);
	ASSERT_EQ(0x1b, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x23, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(0x8000, cpu->gpr[R_RSP]);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_IF);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_ZF);
	ASSERT_EQ(0, cpu->interruptibility & INTR_BLOCK_NMI);
	seg_env_free(e);
}

TEST(event, iretq_round_trip_long64)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	struct insn in = iret_insn(8);

	seg_env_long64(e, 3);
	gate64(e, 0x80, 0x38, 0x5000, 0, 3);
	bits_store_le(e->ram + TSS_BASE + 4, 8, 0x9000);
	cpu->gpr[R_RSP] = 0x7ff8;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x80, EVENT_SOFT_INT, false, 0, 0x401002));
	ASSERT_EQ(EXEC_OK, exec_iret(cpu, &in));
	ASSERT_EQ(MODE_LONG64, cpu->mode);
	ASSERT_EQ(3, cpu->cpl);
	ASSERT_EQ(0x401002, cpu->next_rip);
	ASSERT_EQ(0x43, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x23, cpu->seg[SEG_SS].selector);
	ASSERT_EQ(0x7ff8, cpu->gpr[R_RSP]);
	seg_env_free(e);
}

TEST(event, iret_back_to_v86)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	struct insn in = iret_insn(4);

	seg_env_prot32(e, 0);
	gate32(e, 0x21, 0x08, 0x7777, 0xe, 3, true);
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_VM | RFLAGS_IOPL);
	cpu_update_mode(cpu);
	seg_load_real(cpu, SEG_CS, 0x1000);
	seg_load_real(cpu, SEG_SS, 0x2000);
	seg_load_real(cpu, SEG_DS, 0x3000);
	cpu->gpr[R_RSP] = 0xfffe;
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x21, EVENT_SOFT_INT, false, 0, 0x102));
	ASSERT_EQ(EXEC_OK, exec_iret(cpu, &in));
	ASSERT_EQ(MODE_V86, cpu->mode);
	ASSERT_EQ(3, cpu->cpl);
	ASSERT_EQ(0x102, cpu->next_rip);
	ASSERT_EQ(0x10000, cpu->seg[SEG_CS].base);
	ASSERT_EQ(0x3000, cpu->seg[SEG_DS].selector);
	ASSERT_EQ(0xf3, cpu->seg[SEG_SS].ar);
	ASSERT_EQ(0xfffe, cpu->gpr[R_RSP]);
	seg_env_free(e);
}

TEST(event, iret_real_mode)
{
	struct seg_env *e = seg_env_new();
	struct cpu *cpu = &e->cpu;
	struct insn in = iret_insn(2);

	bits_store_le(e->ram + 0x21 * 4, 4, 0x20001234);
	seg_load_real(cpu, SEG_CS, 0x1000);
	seg_load_real(cpu, SEG_SS, 0);
	cpu->gpr[R_RSP] = 0x100;
	flags_write(cpu, RFLAGS_FIXED1 | RFLAGS_IF);
	ASSERT_EQ(EXEC_OK, event_raise(cpu, 0x21, EVENT_SOFT_INT, false, 0, 0x5678));
	ASSERT_EQ(EXEC_OK, exec_iret(cpu, &in));
	ASSERT_EQ(0x5678, cpu->next_rip);
	ASSERT_EQ(0x1000, cpu->seg[SEG_CS].selector);
	ASSERT_EQ(0x100, cpu->gpr[R_RSP]);
	ASSERT_TRUE(flags_read(cpu) & RFLAGS_IF);
	seg_env_free(e);
}
