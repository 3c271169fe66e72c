/* SPDX-License-Identifier: MIT */
/*
 * One event delivery through the IDT (SDM Vol. 3A, 6.10–6.14 "Interrupt Descriptor
 * Table", "IDT Descriptors", "Exception and Interrupt Handling", "Exception and Interrupt
 * Handling in 64-bit Mode"; 20.1.4 "Interrupt and Exception Handling" in real mode;
 * 20.3 "Interrupt and Exception Handling in Virtual-8086 Mode"; Vol. 2 "INT n").
 *
 * Every check runs before state changes: the frame is built in a buffer, written to
 * the (new) stack, and only then are the registers committed.
 */
#include "hw/event.h"

#include <stdio.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/seg.h"
#include "util/bits.h"

/* Largest frame: error code, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS. */
#define FRAME_MAX 10

struct frame {
	uint64_t v[FRAME_MAX]; /* lowest address first */
	unsigned n;
	unsigned width;
};

static void frame_put(struct frame *f, uint64_t value)
{
	f->v[f->n++] = value;
}

static unsigned frame_bytes(const struct frame *f)
{
	return f->n * f->width;
}

static void frame_encode(const struct frame *f, uint8_t *buf)
{
	for (unsigned i = 0; i < f->n; i++)
		bits_store_le(buf + i * f->width, f->width, f->v[i]);
}

static bool is_software(enum event_type type)
{
	return type == EVENT_SOFT_INT || type == EVENT_SOFT_EXC;
}

/*
 * Fault-class exceptions push RF = 1 so that the restarted instruction does not hit its
 * instruction breakpoint again (SDM Vol. 3A, 18.3.1.1 "Instruction-Breakpoint Exception
 * Condition", 6.15 per-vector "Exception Class"). #DB itself is left alone: an
 * instruction breakpoint must not set it, and the trap-like kinds do not either.
 */
static bool is_fault_class(uint8_t vector, enum event_type type)
{
	if (type != EVENT_HW_EXC)
		return false;
	switch (vector) {
	case VEC_DE: case VEC_BR: case VEC_UD: case VEC_NM: case VEC_TS: case VEC_NP:
	case VEC_SS: case VEC_GP: case VEC_PF: case VEC_MF: case VEC_AC: case VEC_XM:
	case VEC_VE: case VEC_CP:
		return true;
	default:
		return false;
	}
}

static uint64_t pushed_rflags(struct cpu *cpu, uint8_t vector, enum event_type type)
{
	uint64_t rflags = flags_read(cpu);

	if (is_fault_class(vector, type))
		rflags |= RFLAGS_RF;
	return rflags;
}

/* Real-address mode: the IVT and a FLAGS, CS, IP frame (SDM Vol. 3A, 20.1.4). */
static enum exec_status deliver_real(struct cpu *cpu, uint8_t vector, uint64_t return_rip)
{
	uint64_t mask = (cpu->seg[SEG_SS].ar & AR_DB) ? 0xffffffffull : 0xffffull;
	uint64_t sp = cpu->gpr[R_RSP];
	uint64_t rflags = flags_read(cpu);
	uint64_t words[3] = {rflags & 0xffff, cpu->seg[SEG_CS].selector, return_rip & 0xffff};
	uint8_t ivt[4];
	enum exec_status st;

	/* Real-mode exceptions push no error code, so they record none. */
	if ((uint32_t)vector * 4 + 3 > cpu->idtr.limit)
		return cpu_fault(cpu, VEC_GP);
	st = lin_read(cpu, cpu->idtr.base + (uint32_t)vector * 4, ivt, 4,
		      ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	for (unsigned i = 0; i < 3; i++) {
		sp = (sp - 2) & mask;
		st = mem_write(cpu, SEG_SS, sp, 2, words[i]);
		if (st != EXEC_OK) {
			if (st == EXEC_FAULT && cpu->fault.vector == VEC_SS)
				cpu->fault.has_error = false;
			return st;
		}
	}
	cpu->gpr[R_RSP] = (cpu->gpr[R_RSP] & ~mask) | sp;
	seg_load_real(cpu, SEG_CS, (uint16_t)bits_load_le(ivt + 2, 2));
	flags_write(cpu, rflags & ~(uint64_t)(RFLAGS_IF | RFLAGS_TF | RFLAGS_AC | RFLAGS_RF));
	cpu->rip = cpu->next_rip = bits_load_le(ivt, 2);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/* A gate read from the IDT, decoded for both the legacy and the IA-32e layout. */
struct gate {
	uint16_t sel;
	uint64_t offset;
	unsigned type;
	unsigned dpl;
	unsigned ist;
	bool present;
	bool system;
};

static enum exec_status read_gate(struct cpu *cpu, uint8_t vector, uint32_t idt_err,
				  struct gate *g)
{
	bool ia32e = seg_ia32e(cpu);
	unsigned size = ia32e ? 16 : 8;
	uint8_t buf[16] = {0};
	uint64_t lo, hi;
	enum exec_status st;

	if ((uint32_t)vector * size + size - 1 > cpu->idtr.limit)
		return cpu_fault_err(cpu, VEC_GP, idt_err);
	st = lin_read(cpu, cpu->idtr.base + (uint64_t)vector * size, buf, size,
		      ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	lo = bits_load_le(buf, 8);
	hi = bits_load_le(buf + 8, 8);
	g->sel = (uint16_t)(lo >> 16);
	g->offset = (lo & 0xffff) | (((lo >> 48) & 0xffff) << 16);
	if (ia32e)
		g->offset |= (hi & 0xffffffffull) << 32;
	g->type = seg_desc_type(lo);
	g->dpl = seg_desc_dpl(lo);
	g->present = seg_desc_present(lo);
	g->system = !seg_desc_is_code_data(lo);
	g->ist = ia32e ? (unsigned)(lo >> 32) & 7 : 0;
	return EXEC_OK;
}

static bool gate_type_valid(const struct cpu *cpu, const struct gate *g)
{
	if (!g->system)
		return false;
	if (seg_ia32e(cpu))
		return g->type == SYS_INT_GATE32 || g->type == SYS_TRAP_GATE32;
	switch (g->type) {
	case SYS_TASK_GATE: case SYS_INT_GATE16: case SYS_TRAP_GATE16:
	case SYS_INT_GATE32: case SYS_TRAP_GATE32:
		return true;
	default:
		return false;
	}
}

/* Where the frame goes and what the stack registers become. */
struct stack_plan {
	bool switch_ss;       /* load a new SS (privilege change) */
	bool flat64;          /* IA-32e: 64-bit frame, no limit checks */
	struct segment ss;    /* the stack written to (new SS when switch_ss) */
	uint64_t ss_desc_addr;
	uint64_t ss_desc;
	uint64_t old_rsp;
	uint64_t top;         /* stack pointer before the pushes */
	uint32_t ss_error;    /* error code of #SS for this stack */
};

static enum exec_status plan_stack_ia32e(struct cpu *cpu, const struct gate *g, bool inter,
					 unsigned new_cpl, uint32_t ext, struct stack_plan *p)
{
	enum exec_status st;

	p->flat64 = true;
	p->switch_ss = inter;
	p->ss_error = ext;
	p->top = cpu->gpr[R_RSP];
	if (inter || g->ist) {
		st = seg_tss64_stack(cpu, new_cpl, g->ist, ext, &p->top);
		if (st != EXEC_OK)
			return st;
	}
	/* The 64-bit frame is always 16-byte aligned (SDM Vol. 3A, 6.14.2). */
	p->top &= ~0xfull;
	return EXEC_OK;
}

static enum exec_status plan_stack_legacy(struct cpu *cpu, bool inter, unsigned new_cpl,
					  uint32_t ext, struct stack_plan *p)
{
	enum exec_status st;

	p->flat64 = false;
	p->switch_ss = inter;
	if (!inter) {
		p->ss = cpu->seg[SEG_SS];
		p->top = cpu->gpr[R_RSP];
		p->ss_error = ext;
		return EXEC_OK;
	}
	uint16_t ss_sel;
	uint32_t esp;

	st = seg_tss_stack(cpu, new_cpl, ext, &ss_sel, &esp);
	if (st != EXEC_OK)
		return st;
	st = seg_check_new_ss(cpu, ss_sel, new_cpl, ext, &p->ss_desc, &p->ss_desc_addr);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&p->ss, ss_sel, p->ss_desc, 0);
	p->top = esp;
	p->ss_error = seg_sel_error(ss_sel, ext);
	return EXEC_OK;
}

static uint64_t stack_mask(const struct stack_plan *p)
{
	if (p->flat64)
		return ~0ull;
	return (p->ss.ar & AR_DB) ? 0xffffffffull : 0xffffull;
}

static void task_gate_unimplemented(void)
{
	static bool said;

	if (!said)
		fprintf(stderr, "nestvm: hw: task switch through an IDT task gate (SDM Vol. 3A, "
				"7.3 \"Task Switching\") is not implemented; raising #GP\n");
	said = true;
}

static enum exec_status deliver_protected(struct cpu *cpu, uint8_t vector, enum event_type type,
					  bool has_error, uint32_t error, uint64_t return_rip)
{
	uint32_t ext = is_software(type) ? 0 : 1;
	uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
	bool ia32e = seg_ia32e(cpu);
	bool v86 = cpu->mode == MODE_V86;
	struct gate g;
	struct stack_plan plan = {0};
	struct frame fr = {.n = 0};
	uint64_t cs_desc, cs_addr;
	uint32_t cs_err;
	enum exec_status st;

	/* INT n in virtual-8086 mode needs IOPL 3 (no CR4.VME redirection). */
	if (v86 && type == EVENT_SOFT_INT && ((flags_read(cpu) & RFLAGS_IOPL) >> 12) < 3)
		return cpu_gp0(cpu);
	st = read_gate(cpu, vector, idt_err, &g);
	if (st != EXEC_OK)
		return st;
	if (!gate_type_valid(cpu, &g))
		return cpu_fault_err(cpu, VEC_GP, idt_err);
	/* Software interrupts and exceptions check the gate DPL; INT1 does not (6.12.1.1). */
	if (is_software(type) && g.dpl < cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, (uint32_t)vector * 8 + 2);
	if (!g.present)
		return cpu_fault_err(cpu, VEC_NP, idt_err);
	if (g.type == SYS_TASK_GATE) {
		task_gate_unimplemented();
		return cpu_fault_err(cpu, VEC_GP, idt_err);
	}

	/* The handler's code segment. */
	cs_err = seg_sel_error(g.sel, ext);
	if (!(g.sel & SEL_INDEX_MASK) && !(g.sel & SEL_TI))
		return cpu_fault_err(cpu, VEC_GP, ext);
	st = seg_desc_fetch(cpu, g.sel, VEC_GP, ext, &cs_desc, &cs_addr);
	if (st != EXEC_OK)
		return st;
	if (!seg_desc_is_code(cs_desc) || seg_desc_dpl(cs_desc) > cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, cs_err);
	if (!seg_desc_present(cs_desc))
		return cpu_fault_err(cpu, VEC_NP, cs_err);
	if (ia32e && (!(seg_desc_ar(cs_desc) & AR_L) || (seg_desc_ar(cs_desc) & AR_DB)))
		return cpu_fault_err(cpu, VEC_GP, cs_err);

	bool conforming = seg_desc_is_conforming(cs_desc);
	unsigned new_cpl = conforming ? cpu->cpl : seg_desc_dpl(cs_desc);
	bool inter = new_cpl < cpu->cpl;

	/* From virtual-8086 mode only a ring-0 non-conforming handler is allowed (20.3.1.1). */
	if (v86 && (!inter || new_cpl != 0))
		return cpu_fault_err(cpu, VEC_GP, cs_err);

	uint64_t handler = g.offset;
	bool gate32 = (g.type & 8) != 0;

	if (ia32e) {
		if (!seg_canonical(cpu, handler))
			return cpu_fault_err(cpu, VEC_GP, ext);
		st = plan_stack_ia32e(cpu, &g, inter, new_cpl, ext, &plan);
	} else {
		if (!gate32)
			handler &= 0xffff;
		if (handler > seg_desc_limit(cs_desc))
			return cpu_fault_err(cpu, VEC_GP, ext);
		st = plan_stack_legacy(cpu, inter, new_cpl, ext, &plan);
	}
	if (st != EXEC_OK)
		return st;

	/* Build the frame, lowest address first (Figures 6-4, 6-9, 20-2). */
	uint64_t rflags = pushed_rflags(cpu, vector, type);

	fr.width = ia32e ? 8 : gate32 ? 4 : 2;
	if (has_error)
		frame_put(&fr, error);
	frame_put(&fr, return_rip);
	frame_put(&fr, cpu->seg[SEG_CS].selector);
	frame_put(&fr, rflags);
	if (ia32e || inter) {
		frame_put(&fr, cpu->gpr[R_RSP]);
		frame_put(&fr, cpu->seg[SEG_SS].selector);
	}
	if (v86) {
		frame_put(&fr, cpu->seg[SEG_ES].selector);
		frame_put(&fr, cpu->seg[SEG_DS].selector);
		frame_put(&fr, cpu->seg[SEG_FS].selector);
		frame_put(&fr, cpu->seg[SEG_GS].selector);
	}

	uint8_t buf[FRAME_MAX * 8];
	uint64_t mask = stack_mask(&plan);
	uint64_t new_sp = (plan.top - frame_bytes(&fr)) & mask;

	frame_encode(&fr, buf);
	st = seg_stack_write(cpu, plan.flat64 ? NULL : &plan.ss, new_sp, buf, frame_bytes(&fr),
			     new_cpl, plan.ss_error);
	if (st != EXEC_OK)
		return st;
	st = seg_desc_set_accessed(cpu, cs_addr, &cs_desc);
	if (st == EXEC_OK && plan.switch_ss && !ia32e)
		st = seg_desc_set_accessed(cpu, plan.ss_desc_addr, &plan.ss_desc);
	if (st != EXEC_OK)
		return st;

	/* Commit. */
	if (plan.switch_ss) {
		if (ia32e) {
			/* SS becomes a null selector whose RPL is the new CPL (6.14.4). */
			seg_set_null(&cpu->seg[SEG_SS], (uint16_t)new_cpl, new_cpl);
		} else {
			seg_from_desc(&cpu->seg[SEG_SS], plan.ss.selector, plan.ss_desc, 0);
		}
		if (plan.flat64 || (plan.ss.ar & AR_DB))
			cpu->gpr[R_RSP] = new_sp;
		else
			cpu->gpr[R_RSP] = (plan.top & ~0xffffull) | new_sp;
	} else {
		cpu->gpr[R_RSP] = (cpu->gpr[R_RSP] & ~mask) | new_sp;
	}
	if (v86) {
		seg_set_null(&cpu->seg[SEG_ES], 0, 0);
		seg_set_null(&cpu->seg[SEG_DS], 0, 0);
		seg_set_null(&cpu->seg[SEG_FS], 0, 0);
		seg_set_null(&cpu->seg[SEG_GS], 0, 0);
	}
	seg_from_desc(&cpu->seg[SEG_CS], (uint16_t)((g.sel & ~SEL_RPL_MASK) | new_cpl), cs_desc, 0);

	uint64_t clear = RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM;

	if (g.type == SYS_INT_GATE16 || g.type == SYS_INT_GATE32)
		clear |= RFLAGS_IF;
	flags_write(cpu, flags_read(cpu) & ~clear);
	cpu->rip = cpu->next_rip = handler;
	cpu_update_mode(cpu);
	return EXEC_OK;
}

enum exec_status event_deliver_idt(struct cpu *cpu, uint8_t vector, enum event_type type,
				   bool has_error, uint32_t error, uint64_t return_rip)
{
	if (!cpu_protected(cpu))
		return deliver_real(cpu, vector, return_rip);
	return deliver_protected(cpu, vector, type, has_error, error, return_rip);
}
