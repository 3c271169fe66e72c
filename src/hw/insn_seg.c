/* SPDX-License-Identifier: MIT */
/*
 * Segment loads, far transfers and descriptor-table instructions (SDM Vol. 2: MOV, POP,
 * LDS/LES/LFS/LGS/LSS, JMP, CALL, RET, IRET, INT n/INTO/INT3/INT1, LLDT, SLDT, LTR, STR,
 * LAR, LSL, VERR/VERW, ARPL; Vol. 3A, 5.8 "Privilege Level Checking When Transferring
 * Program Control Between Code Segments").
 */
#include "hw/insn_handlers.h"

#include <stdio.h>

#include "hw/access.h"
#include "hw/event.h"
#include "hw/flags.h"
#include "hw/operand.h"
#include "hw/seg.h"
#include "hw/vmx/vmcs.h"
#include "util/bits.h"

#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)

static bool is_real_or_v86(const struct cpu *cpu)
{
	return cpu->mode == MODE_REAL || cpu->mode == MODE_V86;
}

static bool is_null_sel(uint16_t sel)
{
	return (sel & ~SEL_RPL_MASK) == 0;
}

static unsigned rpl_of(uint16_t sel)
{
	return sel & SEL_RPL_MASK;
}

static unsigned iopl_of(uint64_t rflags)
{
	return (unsigned)(rflags & RFLAGS_IOPL) >> RFLAGS_IOPL_SHIFT;
}

static uint64_t stack_mask_now(const struct cpu *cpu)
{
	return bits_mask(stack_addr_size(cpu));
}

/* Read bytes at RSP + offset through SS (pops that commit nothing yet). */
static enum exec_status stack_read(struct cpu *cpu, uint64_t offset, void *buf, unsigned size)
{
	uint64_t rsp = (cpu->gpr[R_RSP] + offset) & stack_mask_now(cpu);

	return mem_read_buf(cpu, SEG_SS, rsp, buf, size);
}

/* Write n values below RSP on the current stack, lowest address first; *rsp is the new
 * stack pointer, committed by the caller once nothing else can fault. */
static enum exec_status stack_write_frame(struct cpu *cpu, const uint64_t *v, unsigned n,
					  unsigned width, uint64_t *rsp)
{
	uint8_t buf[8 * 8];

	*rsp = (cpu->gpr[R_RSP] - (uint64_t)n * width) & stack_mask_now(cpu);
	for (unsigned i = 0; i < n; i++)
		bits_store_le(buf + i * width, width, v[i]);
	return mem_write_buf(cpu, SEG_SS, *rsp, buf, n * width);
}

/* Commit RSP with the stack address size the instruction started with (sas). */
static void set_rsp(struct cpu *cpu, unsigned sas, uint64_t rsp)
{
	reg_write(cpu, R_RSP, sas, rsp);
}

/* Is the target offset valid in the code segment about to be loaded? */
static bool target_ok(const struct cpu *cpu, uint64_t cs_desc, uint64_t off)
{
	if (seg_ia32e(cpu) && (seg_desc_ar(cs_desc) & AR_L))
		return seg_canonical(cpu, off);
	return off <= seg_desc_limit(cs_desc);
}

static bool is_long_code_with_d(const struct cpu *cpu, uint64_t desc)
{
	uint32_t ar = seg_desc_ar(desc);

	return seg_ia32e(cpu) && (ar & AR_L) && (ar & AR_DB);
}

static enum exec_status commit_cs(struct cpu *cpu, uint16_t sel, uint64_t desc,
				  uint64_t addr, uint64_t off)
{
	enum exec_status st = seg_desc_set_accessed(cpu, addr, &desc);

	if (st != EXEC_OK)
		return st;
	seg_from_desc(&cpu->seg[SEG_CS], sel, desc, 0);
	cpu_update_mode(cpu);
	cpu->next_rip = off;
	return EXEC_OK;
}

/* MOV Sreg, r/m16 and MOV r/m, Sreg. */
enum exec_status exec_mov_sreg(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st;

	if (in->op[0].kind == OPK_SEG) {
		unsigned seg = in->op[0].reg;

		if (seg == SEG_CS || seg > SEG_GS)
			return cpu_ud(cpu);
		st = op_read(cpu, in, 1, &v);
		if (st != EXEC_OK)
			return st;
		st = seg_load(cpu, seg, (uint16_t)v);
		if (st == EXEC_OK && seg == SEG_SS)
			cpu->interruptibility |= INTR_BLOCK_MOV_SS;
		return st;
	}
	if (in->op[1].kind != OPK_SEG || in->op[1].reg > SEG_GS)
		return cpu_ud(cpu);
	return op_write(cpu, in, 0, cpu->seg[in->op[1].reg].selector);
}

enum exec_status exec_pop_sreg(struct cpu *cpu, const struct insn *in)
{
	unsigned seg = in->op[0].reg;
	uint64_t old_rsp = cpu->gpr[R_RSP];
	uint64_t v;
	enum exec_status st;

	if (seg == SEG_CS || seg > SEG_GS)
		return cpu_ud(cpu);
	st = stack_peek(cpu, 0, in->opsize, &v);
	if (st != EXEC_OK)
		return st;
	/* RSP moves with the old SS's address size, before the load. */
	stack_adjust(cpu, in->opsize);
	st = seg_load(cpu, seg, (uint16_t)v);
	if (st != EXEC_OK) {
		cpu->gpr[R_RSP] = old_rsp;
		return st;
	}
	if (seg == SEG_SS)
		cpu->interruptibility |= INTR_BLOCK_MOV_SS;
	return EXEC_OK;
}

/* A far pointer operand: ptr16:16/32 immediate or m16:16/32/64 (offset first). */
static enum exec_status far_pointer(struct cpu *cpu, const struct insn *in, unsigned n,
				    uint16_t *sel, uint64_t *off)
{
	const struct operand *op = &in->op[n];
	uint64_t ea, v;
	enum exec_status st;

	if (op->kind == OPK_PTR) {
		*sel = op->ptr_sel;
		*off = op->imm & bits_mask(in->opsize);
		return EXEC_OK;
	}
	if (op->kind != OPK_MEM)
		return cpu_ud(cpu);
	ea = op_ea(cpu, in, op);
	st = mem_read(cpu, op->seg, ea, in->opsize, off);
	if (st != EXEC_OK)
		return st;
	st = mem_read(cpu, op->seg, (ea + in->opsize) & bits_mask(in->addrsize), 2, &v);
	*sel = (uint16_t)v;
	return st;
}

enum exec_status exec_lxs(struct cpu *cpu, const struct insn *in)
{
	unsigned seg;
	uint16_t sel;
	uint64_t off;
	enum exec_status st;

	if (in->op[1].kind != OPK_MEM)
		return cpu_ud(cpu);
	/* The opcode names the register: C5 LDS, C4 LES, 0F B2 LSS, 0F B4 LFS, 0F B5 LGS. */
	switch (in->opcode) {
	case 0xc5: seg = SEG_DS; break;
	case 0xc4: seg = SEG_ES; break;
	case 0xb2: seg = SEG_SS; break;
	case 0xb4: seg = SEG_FS; break;
	case 0xb5: seg = SEG_GS; break;
	default: return cpu_ud(cpu);
	}
	st = far_pointer(cpu, in, 1, &sel, &off);
	if (st != EXEC_OK)
		return st;
	st = seg_load(cpu, seg, sel);
	if (st != EXEC_OK)
		return st;
	reg_write(cpu, in->op[0].reg, in->opsize, off);
	return EXEC_OK;
}

/* Checks on a code segment named directly by a far JMP or CALL (5.8.1, 5.8.2). */
static enum exec_status check_direct_code(struct cpu *cpu, uint16_t sel, uint64_t desc)
{
	uint32_t err = seg_sel_error(sel, 0);

	if (seg_desc_is_conforming(desc)) {
		if (seg_desc_dpl(desc) > cpu->cpl)
			return cpu_fault_err(cpu, VEC_GP, err);
	} else if (rpl_of(sel) > cpu->cpl || seg_desc_dpl(desc) != cpu->cpl) {
		return cpu_fault_err(cpu, VEC_GP, err);
	}
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_NP, err);
	if (is_long_code_with_d(cpu, desc))
		return cpu_fault_err(cpu, VEC_GP, err);
	return EXEC_OK;
}

/* A call gate and the code segment it names (5.8.6 "Call Gates"). */
struct call_gate {
	uint16_t cs_sel;
	uint64_t off;
	unsigned params;
	unsigned width; /* 2, 4 or 8 */
	uint64_t cs_desc;
	uint64_t cs_addr;
};

static enum exec_status read_call_gate(struct cpu *cpu, uint16_t sel, uint64_t desc,
				       struct call_gate *g)
{
	uint32_t err = seg_sel_error(sel, 0);
	uint32_t upper = 0;
	uint64_t addr;
	enum exec_status st;

	if (seg_ia32e(cpu)) {
		st = seg_desc_fetch16(cpu, sel, VEC_GP, 0, &desc, &upper, &addr);
		if (st != EXEC_OK)
			return st;
	}
	if (seg_desc_dpl(desc) < cpu->cpl || seg_desc_dpl(desc) < rpl_of(sel))
		return cpu_fault_err(cpu, VEC_GP, err);
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_NP, err);
	g->cs_sel = (uint16_t)(desc >> 16);
	g->off = (desc & 0xffff) | (((desc >> 48) & 0xffff) << 16) | ((uint64_t)upper << 32);
	g->params = (unsigned)(desc >> 32) & 0x1f;
	g->width = seg_ia32e(cpu) ? 8 : seg_desc_type(desc) == SYS_CALL_GATE32 ? 4 : 2;
	if (g->width == 2)
		g->off &= 0xffff;
	if (g->width == 8)
		g->params = 0;
	if (is_null_sel(g->cs_sel))
		return cpu_gp0(cpu);
	st = seg_desc_fetch(cpu, g->cs_sel, VEC_GP, 0, &g->cs_desc, &g->cs_addr);
	if (st != EXEC_OK)
		return st;
	err = seg_sel_error(g->cs_sel, 0);
	if (!seg_desc_is_code(g->cs_desc) || seg_desc_dpl(g->cs_desc) > cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, err);
	if (!seg_desc_present(g->cs_desc))
		return cpu_fault_err(cpu, VEC_NP, err);
	if (seg_ia32e(cpu) &&
	    (!(seg_desc_ar(g->cs_desc) & AR_L) || (seg_desc_ar(g->cs_desc) & AR_DB)))
		return cpu_fault_err(cpu, VEC_GP, err);
	return EXEC_OK;
}

static bool is_call_gate_type(const struct cpu *cpu, unsigned type)
{
	return type == SYS_CALL_GATE32 || (!seg_ia32e(cpu) && type == SYS_CALL_GATE16);
}

static bool is_task_type(const struct cpu *cpu, unsigned type)
{
	return !seg_ia32e(cpu) &&
	       (type == SYS_TASK_GATE || type == SYS_TSS16_AVAIL || type == SYS_TSS32_AVAIL);
}

static enum exec_status task_switch_unimplemented(struct cpu *cpu, uint16_t sel)
{
	static bool said;

	if (!said)
		fprintf(stderr, "nestvm: hw: task switch by JMP/CALL/IRET (SDM Vol. 3A, 7.3 "
				"\"Task Switching\") is not implemented; raising #GP\n");
	said = true;
	return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
}

/* Fetch the descriptor a far JMP or CALL names; #GP(0) for a null selector. */
static enum exec_status far_target(struct cpu *cpu, uint16_t sel, uint64_t *desc,
				   uint64_t *addr)
{
	if (is_null_sel(sel))
		return cpu_gp0(cpu);
	return seg_desc_fetch(cpu, sel, VEC_GP, 0, desc, addr);
}

enum exec_status exec_jmp_far(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel;
	uint64_t off, desc, addr;
	struct call_gate g;
	enum exec_status st;

	st = far_pointer(cpu, in, 0, &sel, &off);
	if (st != EXEC_OK)
		return st;
	if (is_real_or_v86(cpu)) {
		if (off > cpu->seg[SEG_CS].limit)
			return cpu_gp0(cpu);
		seg_load_real(cpu, SEG_CS, sel);
		cpu->next_rip = off;
		return EXEC_OK;
	}
	st = far_target(cpu, sel, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	if (seg_desc_is_code_data(desc)) {
		if (!seg_desc_is_code(desc))
			return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
		st = check_direct_code(cpu, sel, desc);
		if (st != EXEC_OK)
			return st;
		if (!target_ok(cpu, desc, off))
			return cpu_gp0(cpu);
		return commit_cs(cpu, (uint16_t)((sel & ~SEL_RPL_MASK) | cpu->cpl), desc, addr,
				 off);
	}
	if (is_task_type(cpu, seg_desc_type(desc)))
		return task_switch_unimplemented(cpu, sel);
	if (!is_call_gate_type(cpu, seg_desc_type(desc)))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	st = read_call_gate(cpu, sel, desc, &g);
	if (st != EXEC_OK)
		return st;
	/* JMP through a call gate never changes privilege (5.8.6). */
	if (!seg_desc_is_conforming(g.cs_desc) && seg_desc_dpl(g.cs_desc) != cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(g.cs_sel, 0));
	if (!target_ok(cpu, g.cs_desc, g.off))
		return cpu_gp0(cpu);
	return commit_cs(cpu, (uint16_t)((g.cs_sel & ~SEL_RPL_MASK) | cpu->cpl), g.cs_desc,
			 g.cs_addr, g.off);
}

/* CALL through a call gate to a more privileged non-conforming segment (5.8.5, 5.8.6). */
static enum exec_status call_gate_inner(struct cpu *cpu, const struct call_gate *g)
{
	unsigned new_cpl = seg_desc_dpl(g->cs_desc);
	uint64_t frame[4 + 31];
	unsigned n = 0;
	uint64_t ss_desc = 0, ss_addr = 0, new_sp;
	struct segment new_ss;
	uint8_t buf[sizeof(frame)];
	enum exec_status st;

	if (g->width == 8) {
		/* 64-bit call gate: RSPn from the TSS, null SS with RPL = new CPL (5.8.6.1). */
		st = seg_tss64_stack(cpu, new_cpl, 0, 0, &new_sp);
		if (st != EXEC_OK)
			return st;
		if (!target_ok(cpu, g->cs_desc, g->off))
			return cpu_gp0(cpu);
		frame[n++] = cpu->next_rip;
		frame[n++] = cpu->seg[SEG_CS].selector;
		frame[n++] = cpu->gpr[R_RSP];
		frame[n++] = cpu->seg[SEG_SS].selector;
		for (unsigned i = 0; i < n; i++)
			bits_store_le(buf + i * 8, 8, frame[i]);
		new_sp -= n * 8;
		st = seg_stack_write(cpu, NULL, new_sp, buf, n * 8, new_cpl, 0);
		if (st != EXEC_OK)
			return st;
		st = commit_cs(cpu, (uint16_t)((g->cs_sel & ~SEL_RPL_MASK) | new_cpl), g->cs_desc,
			       g->cs_addr, g->off);
		if (st != EXEC_OK)
			return st;
		seg_set_null(&cpu->seg[SEG_SS], (uint16_t)new_cpl, new_cpl);
		cpu->gpr[R_RSP] = new_sp;
		cpu_update_mode(cpu);
		return EXEC_OK;
	}

	uint16_t ss_sel;
	uint32_t esp;
	unsigned w = g->width;
	uint8_t params[31 * 4];

	st = seg_tss_stack(cpu, new_cpl, 0, &ss_sel, &esp);
	if (st != EXEC_OK)
		return st;
	st = seg_check_new_ss(cpu, ss_sel, new_cpl, 0, &ss_desc, &ss_addr);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&new_ss, ss_sel, ss_desc, 0);
	/* Parameters are copied from the caller's stack in place (Figure 5-13). */
	if (g->params) {
		st = stack_read(cpu, 0, params, g->params * w);
		if (st != EXEC_OK)
			return st;
	}
	if (!target_ok(cpu, g->cs_desc, g->off))
		return cpu_gp0(cpu);
	frame[n++] = cpu->next_rip;
	frame[n++] = cpu->seg[SEG_CS].selector;
	for (unsigned i = 0; i < g->params; i++)
		frame[n++] = bits_load_le(params + i * w, w);
	frame[n++] = cpu->gpr[R_RSP];
	frame[n++] = cpu->seg[SEG_SS].selector;
	for (unsigned i = 0; i < n; i++)
		bits_store_le(buf + i * w, w, frame[i]);
	new_sp = (esp - (uint64_t)n * w) & ((new_ss.ar & AR_DB) ? 0xffffffffull : 0xffffull);
	st = seg_stack_write(cpu, &new_ss, new_sp, buf, n * w, new_cpl, seg_sel_error(ss_sel, 0));
	if (st == EXEC_OK)
		st = seg_desc_set_accessed(cpu, ss_addr, &ss_desc);
	if (st != EXEC_OK)
		return st;
	st = commit_cs(cpu, (uint16_t)((g->cs_sel & ~SEL_RPL_MASK) | new_cpl), g->cs_desc,
		       g->cs_addr, g->off);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&cpu->seg[SEG_SS], ss_sel, ss_desc, 0);
	if (new_ss.ar & AR_DB)
		cpu->gpr[R_RSP] = new_sp;
	else
		cpu->gpr[R_RSP] = (esp & ~0xffffull) | new_sp;
	cpu_update_mode(cpu);
	return EXEC_OK;
}

enum exec_status exec_call_far(struct cpu *cpu, const struct insn *in)
{
	uint16_t sel;
	uint64_t off, desc, addr, rsp;
	uint64_t ret[2] = {cpu->next_rip, cpu->seg[SEG_CS].selector};
	unsigned sas = stack_addr_size(cpu);
	struct call_gate g;
	enum exec_status st;

	st = far_pointer(cpu, in, 0, &sel, &off);
	if (st != EXEC_OK)
		return st;
	if (is_real_or_v86(cpu)) {
		if (off > cpu->seg[SEG_CS].limit)
			return cpu_gp0(cpu);
		st = stack_write_frame(cpu, ret, 2, in->opsize, &rsp);
		if (st != EXEC_OK)
			return st;
		set_rsp(cpu, sas, rsp);
		seg_load_real(cpu, SEG_CS, sel);
		cpu->next_rip = off;
		return EXEC_OK;
	}
	st = far_target(cpu, sel, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	if (seg_desc_is_code_data(desc)) {
		if (!seg_desc_is_code(desc))
			return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
		st = check_direct_code(cpu, sel, desc);
		if (st != EXEC_OK)
			return st;
		if (!target_ok(cpu, desc, off))
			return cpu_gp0(cpu);
		st = stack_write_frame(cpu, ret, 2, in->opsize, &rsp);
		if (st != EXEC_OK)
			return st;
		st = commit_cs(cpu, (uint16_t)((sel & ~SEL_RPL_MASK) | cpu->cpl), desc, addr, off);
		if (st == EXEC_OK)
			set_rsp(cpu, sas, rsp);
		return st;
	}
	if (is_task_type(cpu, seg_desc_type(desc)))
		return task_switch_unimplemented(cpu, sel);
	if (!is_call_gate_type(cpu, seg_desc_type(desc)))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	st = read_call_gate(cpu, sel, desc, &g);
	if (st != EXEC_OK)
		return st;
	if (!seg_desc_is_conforming(g.cs_desc) && seg_desc_dpl(g.cs_desc) < cpu->cpl)
		return call_gate_inner(cpu, &g);
	/* Same privilege: CS and EIP pushed with the gate's size. */
	if (!target_ok(cpu, g.cs_desc, g.off))
		return cpu_gp0(cpu);
	st = stack_write_frame(cpu, ret, 2, g.width, &rsp);
	if (st != EXEC_OK)
		return st;
	st = commit_cs(cpu, (uint16_t)((g.cs_sel & ~SEL_RPL_MASK) | cpu->cpl), g.cs_desc,
		       g.cs_addr, g.off);
	if (st == EXEC_OK)
		set_rsp(cpu, sas, rsp);
	return st;
}

/* Checks on the code segment a far RET or IRET returns to (Vol. 2, RET, IRET). */
static enum exec_status check_return_cs(struct cpu *cpu, uint16_t sel, uint64_t *desc,
					uint64_t *addr)
{
	uint32_t err = seg_sel_error(sel, 0);
	enum exec_status st;

	if (is_null_sel(sel))
		return cpu_gp0(cpu);
	st = seg_desc_fetch(cpu, sel, VEC_GP, 0, desc, addr);
	if (st != EXEC_OK)
		return st;
	if (!seg_desc_is_code(*desc) || rpl_of(sel) < cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, err);
	if (seg_desc_is_conforming(*desc) ? seg_desc_dpl(*desc) > rpl_of(sel)
					  : seg_desc_dpl(*desc) != rpl_of(sel))
		return cpu_fault_err(cpu, VEC_GP, err);
	if (!seg_desc_present(*desc))
		return cpu_fault_err(cpu, VEC_NP, err);
	if (is_long_code_with_d(cpu, *desc))
		return cpu_fault_err(cpu, VEC_GP, err);
	return EXEC_OK;
}

/* SS popped by a return to an outer level (or by IRET in 64-bit mode). */
static enum exec_status check_return_ss(struct cpu *cpu, uint16_t ss_sel, uint16_t cs_sel,
					uint64_t cs_desc, uint64_t *desc, uint64_t *addr,
					bool *null_ok)
{
	uint32_t err = seg_sel_error(ss_sel, 0);
	enum exec_status st;

	*null_ok = false;
	if (is_null_sel(ss_sel)) {
		/* 64-bit mode may return to 64-bit code below ring 3 with a null SS. */
		if (cpu_is_long64(cpu) && (seg_desc_ar(cs_desc) & AR_L) && rpl_of(cs_sel) != 3 &&
		    rpl_of(ss_sel) == rpl_of(cs_sel)) {
			*null_ok = true;
			return EXEC_OK;
		}
		return cpu_gp0(cpu);
	}
	st = seg_desc_fetch(cpu, ss_sel, VEC_GP, 0, desc, addr);
	if (st != EXEC_OK)
		return st;
	if (rpl_of(ss_sel) != rpl_of(cs_sel) || !seg_desc_is_writable_data(*desc) ||
	    seg_desc_dpl(*desc) != rpl_of(cs_sel))
		return cpu_fault_err(cpu, VEC_GP, err);
	if (!seg_desc_present(*desc))
		return cpu_fault_err(cpu, VEC_SS, err);
	return EXEC_OK;
}

/* Load SS and RSP for a return to an outer level; the new CS is already loaded. */
static enum exec_status commit_return_stack(struct cpu *cpu, uint16_t ss_sel, uint64_t ss_desc,
					    uint64_t ss_addr, bool ss_null, uint64_t rsp)
{
	enum exec_status st;

	if (ss_null) {
		seg_set_null(&cpu->seg[SEG_SS], ss_sel, rpl_of(ss_sel));
	} else {
		st = seg_desc_set_accessed(cpu, ss_addr, &ss_desc);
		if (st != EXEC_OK)
			return st;
		seg_from_desc(&cpu->seg[SEG_SS], ss_sel, ss_desc, 0);
	}
	cpu_update_mode(cpu);
	if (cpu_is_long64(cpu) || (cpu->seg[SEG_SS].ar & AR_DB))
		cpu->gpr[R_RSP] = cpu_is_long64(cpu) ? rsp : (uint32_t)rsp;
	else
		cpu->gpr[R_RSP] = (cpu->gpr[R_RSP] & ~0xffffull) | (rsp & 0xffff);
	return EXEC_OK;
}

enum exec_status exec_ret_far(struct cpu *cpu, const struct insn *in)
{
	unsigned w = in->opsize;
	uint64_t imm = in->nops && in->op[0].kind == OPK_IMM ? in->op[0].imm & 0xffff : 0;
	uint8_t buf[16];
	uint64_t off, cs_desc, cs_addr;
	uint16_t cs_sel;
	unsigned sas = stack_addr_size(cpu);
	enum exec_status st;

	st = stack_read(cpu, 0, buf, 2 * w);
	if (st != EXEC_OK)
		return st;
	off = bits_load_le(buf, w);
	cs_sel = (uint16_t)bits_load_le(buf + w, 2);
	if (is_real_or_v86(cpu)) {
		if (off > cpu->seg[SEG_CS].limit)
			return cpu_gp0(cpu);
		seg_load_real(cpu, SEG_CS, cs_sel);
		stack_adjust(cpu, (int64_t)(2 * w + imm));
		cpu->next_rip = off;
		return EXEC_OK;
	}
	st = check_return_cs(cpu, cs_sel, &cs_desc, &cs_addr);
	if (st != EXEC_OK)
		return st;
	if (rpl_of(cs_sel) == cpu->cpl) {
		if (!target_ok(cpu, cs_desc, off))
			return cpu_gp0(cpu);
		st = commit_cs(cpu, cs_sel, cs_desc, cs_addr, off);
		if (st == EXEC_OK)
			set_rsp(cpu, sas, cpu->gpr[R_RSP] + 2 * w + imm);
		return st;
	}

	/* Return to an outer privilege level: ESP and SS follow the parameters. */
	uint64_t ss_desc = 0, ss_addr = 0, new_rsp;
	uint16_t ss_sel;
	bool ss_null;

	st = stack_read(cpu, 2 * w + imm, buf, 2 * w);
	if (st != EXEC_OK)
		return st;
	new_rsp = bits_load_le(buf, w) + imm;
	ss_sel = (uint16_t)bits_load_le(buf + w, 2);
	st = check_return_ss(cpu, ss_sel, cs_sel, cs_desc, &ss_desc, &ss_addr, &ss_null);
	if (st != EXEC_OK)
		return st;
	if (!target_ok(cpu, cs_desc, off))
		return cpu_gp0(cpu);
	st = commit_cs(cpu, cs_sel, cs_desc, cs_addr, off);
	if (st != EXEC_OK)
		return st;
	st = commit_return_stack(cpu, ss_sel, ss_desc, ss_addr, ss_null, new_rsp);
	if (st == EXEC_OK)
		seg_null_invalid_data(cpu, cpu->cpl);
	return st;
}

/* IRET unblocks NMIs, except with NMI exiting and no virtual NMIs (Vol. 3C, 26.3). */
static void iret_unblock_nmi(struct cpu *cpu)
{
	uint32_t pin = cpu->vmcs ? cpu->vmcs->pin_based_vm_exec_control : 0;

	if (!(pin & PIN_NMI_EXITING) || (pin & PIN_VIRTUAL_NMIS))
		cpu->interruptibility &= ~INTR_BLOCK_NMI;
}

/* RFLAGS after a protected-mode IRET from privilege cpl (Vol. 2, IRET pseudocode). */
static uint64_t iret_flags(uint64_t old, uint64_t popped, unsigned w, unsigned cpl)
{
	uint64_t change = RFLAGS_ARITH | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT;

	if (w >= 4)
		change |= RFLAGS_RF | RFLAGS_AC | RFLAGS_ID;
	if (cpl <= iopl_of(old))
		change |= RFLAGS_IF;
	if (cpl == 0) {
		change |= RFLAGS_IOPL;
		if (w >= 4)
			change |= RFLAGS_VIF | RFLAGS_VIP;
	}
	return (old & ~change) | (popped & change);
}

static enum exec_status iret_real(struct cpu *cpu, unsigned w)
{
	uint8_t buf[12];
	uint64_t off, popped, old = flags_read(cpu), rflags;
	enum exec_status st;

	if (cpu->mode == MODE_V86 && iopl_of(old) < 3)
		return cpu_gp0(cpu);
	st = stack_read(cpu, 0, buf, 3 * w);
	if (st != EXEC_OK)
		return st;
	off = bits_load_le(buf, w);
	popped = bits_load_le(buf + 2 * w, w);
	if (off > cpu->seg[SEG_CS].limit)
		return cpu_gp0(cpu);
	if (w == 4) {
		uint64_t keep = cpu->mode == MODE_V86 ? 0x1a3000ull : 0x1a0000ull;

		rflags = (popped & 0x257fd5ull & ~keep) | (old & keep);
	} else {
		uint64_t keep = cpu->mode == MODE_V86 ? RFLAGS_IOPL : 0;

		rflags = (old & ~0xffffull) | (popped & 0xffff & ~keep) | (old & keep);
	}
	seg_load_real(cpu, SEG_CS, (uint16_t)bits_load_le(buf + w, 2));
	stack_adjust(cpu, 3 * w);
	flags_write(cpu, rflags);
	cpu->next_rip = off;
	iret_unblock_nmi(cpu);
	return EXEC_OK;
}

/* IRET from ring 0 with VM = 1 in the popped EFLAGS (Vol. 2, RETURN-TO-VIRTUAL-8086-MODE). */
static enum exec_status iret_to_v86(struct cpu *cpu, const uint8_t *head)
{
	uint8_t buf[24];
	uint64_t rflags = bits_load_le(head + 8, 4);
	enum exec_status st = stack_read(cpu, 12, buf, 24);

	if (st != EXEC_OK)
		return st;
	flags_write(cpu, rflags);
	cpu_update_mode(cpu);
	seg_load_real(cpu, SEG_CS, (uint16_t)bits_load_le(head + 4, 2));
	seg_load_real(cpu, SEG_SS, (uint16_t)bits_load_le(buf + 4, 2));
	seg_load_real(cpu, SEG_ES, (uint16_t)bits_load_le(buf + 8, 2));
	seg_load_real(cpu, SEG_DS, (uint16_t)bits_load_le(buf + 12, 2));
	seg_load_real(cpu, SEG_FS, (uint16_t)bits_load_le(buf + 16, 2));
	seg_load_real(cpu, SEG_GS, (uint16_t)bits_load_le(buf + 20, 2));
	cpu->gpr[R_RSP] = (uint32_t)bits_load_le(buf, 4);
	cpu_update_mode(cpu);
	cpu->next_rip = bits_load_le(head, 4) & 0xffff;
	iret_unblock_nmi(cpu);
	return EXEC_OK;
}

enum exec_status exec_iret(struct cpu *cpu, const struct insn *in)
{
	unsigned w = in->opsize;
	uint64_t old = flags_read(cpu);
	uint8_t head[40];
	uint64_t off, popped, cs_desc, cs_addr;
	uint16_t cs_sel;
	unsigned old_cpl = cpu->cpl;
	enum exec_status st;

	if (is_real_or_v86(cpu))
		return iret_real(cpu, w);
	if (old & RFLAGS_NT) {
		/* IA-32e mode has no task switching; legacy task return is unimplemented. */
		if (seg_ia32e(cpu))
			return cpu_gp0(cpu);
		return task_switch_unimplemented(cpu, 0);
	}
	st = stack_read(cpu, 0, head, 3 * w);
	if (st != EXEC_OK)
		return st;
	off = bits_load_le(head, w);
	cs_sel = (uint16_t)bits_load_le(head + w, 2);
	popped = bits_load_le(head + 2 * w, w);
	if (!seg_ia32e(cpu) && w == 4 && (popped & RFLAGS_VM) && cpu->cpl == 0)
		return iret_to_v86(cpu, head);
	st = check_return_cs(cpu, cs_sel, &cs_desc, &cs_addr);
	if (st != EXEC_OK)
		return st;

	uint64_t rflags = iret_flags(old, popped, w, old_cpl);

	/* 64-bit mode always pops SS:RSP (Vol. 3A, 6.14.3). */
	if (rpl_of(cs_sel) == cpu->cpl && !cpu_is_long64(cpu)) {
		if (!target_ok(cpu, cs_desc, off))
			return cpu_gp0(cpu);
		st = commit_cs(cpu, cs_sel, cs_desc, cs_addr, off);
		if (st != EXEC_OK)
			return st;
		stack_adjust(cpu, 3 * w);
		flags_write(cpu, rflags);
		cpu_update_mode(cpu);
		iret_unblock_nmi(cpu);
		return EXEC_OK;
	}

	uint64_t ss_desc = 0, ss_addr = 0, new_rsp;
	uint16_t ss_sel;
	bool ss_null;

	st = stack_read(cpu, 3 * w, head + 3 * w, 2 * w);
	if (st != EXEC_OK)
		return st;
	new_rsp = bits_load_le(head + 3 * w, w);
	ss_sel = (uint16_t)bits_load_le(head + 4 * w, 2);
	st = check_return_ss(cpu, ss_sel, cs_sel, cs_desc, &ss_desc, &ss_addr, &ss_null);
	if (st != EXEC_OK)
		return st;
	if (!target_ok(cpu, cs_desc, off))
		return cpu_gp0(cpu);
	st = commit_cs(cpu, cs_sel, cs_desc, cs_addr, off);
	if (st != EXEC_OK)
		return st;
	st = commit_return_stack(cpu, ss_sel, ss_desc, ss_addr, ss_null, new_rsp);
	flags_write(cpu, rflags);
	cpu_update_mode(cpu);
	if (cpu->cpl > old_cpl)
		seg_null_invalid_data(cpu, cpu->cpl);
	iret_unblock_nmi(cpu);
	return st;
}

enum exec_status exec_int(struct cpu *cpu, const struct insn *in)
{
	uint8_t vector = (uint8_t)in->op[0].imm;

	/* Virtual-8086 mode with IOPL < 3 is refused in event_deliver_idt (no CR4.VME). */
	return event_raise(cpu, vector, EVENT_SOFT_INT, false, 0, cpu->next_rip);
}

enum exec_status exec_int3(struct cpu *cpu, const struct insn *in)
{
	return event_raise(cpu, VEC_BP, EVENT_SOFT_EXC, false, 0, cpu->next_rip);
}

enum exec_status exec_into(struct cpu *cpu, const struct insn *in)
{
	if (!(flags_read(cpu) & RFLAGS_OF))
		return EXEC_OK;
	return event_raise(cpu, VEC_OF, EVENT_SOFT_EXC, false, 0, cpu->next_rip);
}

enum exec_status exec_int1(struct cpu *cpu, const struct insn *in)
{
	return event_raise(cpu, VEC_DB, EVENT_PRIV_SOFT_EXC, false, 0, cpu->next_rip);
}

enum exec_status exec_lldt(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, desc, addr;
	uint32_t upper = 0;
	uint16_t sel;
	enum exec_status st;

	st = op_read(cpu, in, 0, &v);
	if (st != EXEC_OK)
		return st;
	sel = (uint16_t)v;
	if (is_null_sel(sel)) {
		seg_set_null(&cpu->seg[SEG_LDTR], sel, 0);
		return EXEC_OK;
	}
	if (sel & SEL_TI)
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (seg_ia32e(cpu))
		st = seg_desc_fetch16(cpu, sel, VEC_GP, 0, &desc, &upper, &addr);
	else
		st = seg_desc_fetch(cpu, sel, VEC_GP, 0, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	if (seg_desc_is_code_data(desc) || seg_desc_type(desc) != SYS_LDT)
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_NP, seg_sel_error(sel, 0));
	if (seg_ia32e(cpu) && !seg_canonical(cpu, seg_desc_base(desc) | (uint64_t)upper << 32))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	seg_from_desc(&cpu->seg[SEG_LDTR], sel, desc, upper);
	return EXEC_OK;
}

enum exec_status exec_ltr(struct cpu *cpu, const struct insn *in)
{
	uint64_t v, desc, addr;
	uint32_t upper = 0;
	uint16_t sel;
	unsigned type;
	uint8_t access;
	enum exec_status st;

	st = op_read(cpu, in, 0, &v);
	if (st != EXEC_OK)
		return st;
	sel = (uint16_t)v;
	if (is_null_sel(sel))
		return cpu_gp0(cpu);
	if (sel & SEL_TI)
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (seg_ia32e(cpu))
		st = seg_desc_fetch16(cpu, sel, VEC_GP, 0, &desc, &upper, &addr);
	else
		st = seg_desc_fetch(cpu, sel, VEC_GP, 0, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	type = seg_desc_type(desc);
	if (seg_desc_is_code_data(desc) ||
	    !(type == SYS_TSS32_AVAIL || (!seg_ia32e(cpu) && type == SYS_TSS16_AVAIL)))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_NP, seg_sel_error(sel, 0));
	if (seg_ia32e(cpu) && !seg_canonical(cpu, seg_desc_base(desc) | (uint64_t)upper << 32))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	/* Mark the TSS busy in the GDT (7.2.2 "TSS Descriptor"). */
	desc |= 2ull << 40;
	access = (uint8_t)(desc >> 40);
	st = lin_write(cpu, addr + 5, &access, 1, ACC_WRITE | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&cpu->seg[SEG_TR], sel, desc, upper);
	return EXEC_OK;
}

/* SLDT and STR store a selector: 16 bits to memory, zero-extended to a register. */
static enum exec_status store_selector(struct cpu *cpu, const struct insn *in, uint16_t sel)
{
	if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0)
		return cpu_gp0(cpu);
	return op_write(cpu, in, 0, sel);
}

enum exec_status exec_sldt(struct cpu *cpu, const struct insn *in)
{
	return store_selector(cpu, in, cpu->seg[SEG_LDTR].selector);
}

enum exec_status exec_str(struct cpu *cpu, const struct insn *in)
{
	return store_selector(cpu, in, cpu->seg[SEG_TR].selector);
}

static void set_zf(struct cpu *cpu, bool zf)
{
	uint32_t arith = (uint32_t)(flags_read(cpu) & RFLAGS_ARITH);

	flags_set_arith(cpu, zf ? arith | RFLAGS_ZF : arith & ~RFLAGS_ZF);
}

enum desc_query { QUERY_LAR, QUERY_LSL, QUERY_VERR, QUERY_VERW };

/* Which system types LAR and LSL accept (Vol. 2, LAR Table 3-60, LSL Table 3-63). */
static bool system_type_visible(const struct cpu *cpu, unsigned type, enum desc_query q)
{
	switch (type) {
	case SYS_LDT: case SYS_TSS32_AVAIL: case SYS_TSS32_BUSY:
		return true;
	case SYS_TSS16_AVAIL: case SYS_TSS16_BUSY:
		return !seg_ia32e(cpu);
	case SYS_CALL_GATE32:
		return q == QUERY_LAR;
	case SYS_CALL_GATE16: case SYS_TASK_GATE:
		return q == QUERY_LAR && !seg_ia32e(cpu);
	default:
		return false;
	}
}

/*
 * LAR, LSL, VERR, VERW: look the selector up without faulting on it (memory faults on
 * the table read still happen). Returns EXEC_OK with *ok and the descriptor.
 */
static enum exec_status desc_query(struct cpu *cpu, uint16_t sel, enum desc_query q, bool *ok,
				   uint64_t *desc)
{
	uint64_t addr;
	unsigned dpl;
	enum exec_status st;

	*ok = false;
	if (is_null_sel(sel) || !seg_desc_in_table(cpu, sel, 8))
		return EXEC_OK;
	st = seg_desc_fetch(cpu, sel, VEC_GP, 0, desc, &addr);
	if (st != EXEC_OK)
		return st;
	dpl = seg_desc_dpl(*desc);
	if (!seg_desc_is_code_data(*desc)) {
		if (q == QUERY_VERR || q == QUERY_VERW || !system_type_visible(cpu, seg_desc_type(*desc), q))
			return EXEC_OK;
	} else if (q == QUERY_VERR && seg_desc_is_code(*desc) &&
		   !(seg_desc_type(*desc) & AR_TYPE_RW)) {
		return EXEC_OK;
	} else if (q == QUERY_VERW && !seg_desc_is_writable_data(*desc)) {
		return EXEC_OK;
	}
	if (!seg_desc_is_conforming(*desc) && (dpl < cpu->cpl || dpl < rpl_of(sel)))
		return EXEC_OK;
	*ok = true;
	return EXEC_OK;
}

static enum exec_status lar_lsl(struct cpu *cpu, const struct insn *in, enum desc_query q)
{
	uint64_t v, desc = 0, result;
	bool ok;
	enum exec_status st;

	st = op_read(cpu, in, 1, &v);
	if (st != EXEC_OK)
		return st;
	st = desc_query(cpu, (uint16_t)v, q, &ok, &desc);
	if (st != EXEC_OK)
		return st;
	set_zf(cpu, ok);
	if (!ok)
		return EXEC_OK;
	if (q == QUERY_LAR)
		result = (desc >> 32) & (in->opsize == 2 ? 0xff00ull : 0x00f0ff00ull);
	else
		result = seg_desc_limit(desc);
	return op_write(cpu, in, 0, result);
}

enum exec_status exec_lar(struct cpu *cpu, const struct insn *in)
{
	return lar_lsl(cpu, in, QUERY_LAR);
}

enum exec_status exec_lsl(struct cpu *cpu, const struct insn *in)
{
	return lar_lsl(cpu, in, QUERY_LSL);
}

static enum exec_status verify(struct cpu *cpu, const struct insn *in, enum desc_query q)
{
	uint64_t v, desc;
	bool ok;
	enum exec_status st;

	st = op_read(cpu, in, 0, &v);
	if (st != EXEC_OK)
		return st;
	st = desc_query(cpu, (uint16_t)v, q, &ok, &desc);
	if (st == EXEC_OK)
		set_zf(cpu, ok);
	return st;
}

enum exec_status exec_verr(struct cpu *cpu, const struct insn *in)
{
	return verify(cpu, in, QUERY_VERR);
}

enum exec_status exec_verw(struct cpu *cpu, const struct insn *in)
{
	return verify(cpu, in, QUERY_VERW);
}

enum exec_status exec_arpl(struct cpu *cpu, const struct insn *in)
{
	uint64_t dst, src;
	enum exec_status st;

	st = op_read(cpu, in, 0, &dst);
	if (st == EXEC_OK)
		st = op_read(cpu, in, 1, &src);
	if (st != EXEC_OK)
		return st;
	if ((dst & 3) < (src & 3)) {
		st = op_write(cpu, in, 0, (dst & ~3ull) | (src & 3));
		if (st == EXEC_OK)
			set_zf(cpu, true);
		return st;
	}
	set_zf(cpu, false);
	return EXEC_OK;
}
