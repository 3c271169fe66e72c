/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU data transfer and control instructions (SDM Vol. 1, Chapter 8 "Programming
 * with the x87 FPU"; Vol. 2 FLD … FXCH, FINIT … FRSTOR), the register stack, device-not-
 * available (#NM) and the deferred #MF (Vol. 1, 8.7 "Handling x87 FPU Exceptions in
 * Software"). Arithmetic is in x87_arith.c, the numerics in softfloat80.c.
 *
 * Exception reporting: an unmasked exception sets FSW.ES and B; the next waiting x87
 * instruction raises #MF (vector 16) when CR0.NE = 1. With CR0.NE = 0 the legacy FERR#
 * / IGNNE# path (8.7.1 "Native Mode", 8.7.2 "MS-DOS* Compatibility Sub-mode") would
 * involve an external interrupt controller; we only set the status bits and let the
 * instruction proceed, as if IGNNE# were asserted.
 *
 * FOP is kept as in "fopcode compatibility mode" (8.1.9.1): the opcode of the last non-
 * control instruction. The data pointer is updated by non-control instructions with a
 * memory operand only.
 */
#include <Zydis/Zydis.h>
#include <string.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"
#include "hw/x87_int.h"

bool x87_commit(struct cpu *cpu, const struct sf80_ctx *c)
{
	uint16_t unmasked = c->flags & ~cpu->x87.fcw & SF80_ALL;

	cpu->x87.fsw |= c->flags;
	if ((c->flags & SF80_PE) && c->rounded_up)
		cpu->x87.fsw |= X87_FSW_C1;
	if (unmasked)
		cpu->x87.fsw |= X87_FSW_ES | X87_FSW_B;
	return !(unmasked & (SF80_IE | SF80_DE | SF80_ZE));
}

bool x87_stack_fault(struct cpu *cpu, bool overflow)
{
	cpu->x87.fsw |= SF80_IE | X87_FSW_SF;
	cpu->x87.fsw = (uint16_t)((cpu->x87.fsw & ~X87_FSW_C1) | (overflow ? X87_FSW_C1 : 0));
	if (cpu->x87.fcw & SF80_IE)
		return true;
	cpu->x87.fsw |= X87_FSW_ES | X87_FSW_B;
	return false;
}

unsigned x87_sti(const struct insn *in)
{
	for (unsigned n = 0; n < in->nops; n++) {
		const struct operand *op = &in->op[n];

		if (op->kind == OPK_OTHER && op->other_reg > ZYDIS_REGISTER_ST0 &&
		    op->other_reg <= ZYDIS_REGISTER_ST7)
			return (unsigned)(op->other_reg - ZYDIS_REGISTER_ST0);
	}
	return 0;
}

const struct operand *x87_mem_op(const struct insn *in)
{
	for (unsigned n = 0; n < in->nops; n++)
		if (in->op[n].kind == OPK_MEM)
			return &in->op[n];
	return NULL;
}

/* ModRM.rm of a memory form, rebuilt from the operand (struct insn does not keep it). */
static unsigned mem_rm(const struct insn *in, const struct operand *m)
{
	static const uint8_t rm16[8][8] = {
		/* [base][index]: BX+SI 0, BX+DI 1, BP+SI 2, BP+DI 3; SI 4, DI 5, BP 6, BX 7 */
		[R_RBX] = {[R_RSI] = 0, [R_RDI] = 1},
		[R_RBP] = {[R_RSI] = 2, [R_RDI] = 3},
	};

	if (in->addrsize == 2) {
		if (m->base != REG_NONE && m->index != REG_NONE)
			return rm16[m->base & 7][m->index & 7];
		switch (m->base) {
		case R_RSI:
			return 4;
		case R_RDI:
			return 5;
		case R_RBX:
			return 7;
		default:
			return 6; /* BP, or disp16 with mod 00 */
		}
	}
	if (m->base == REG_RIP)
		return 5;
	if (m->index != REG_NONE || (m->base != REG_NONE && (m->base & 7) == R_RSP))
		return 4;
	if (m->base == REG_NONE)
		return in->mode == MODE_LONG64 ? 4 : 5;
	return m->base & 7;
}

/* What every x87 instruction does first (SDM Vol. 3A, 2.5 CR0.EM/TS/MP; Vol. 1, 8.7). */
static enum exec_status x87_enter(struct cpu *cpu, const struct insn *in, enum x87_kind kind)
{
	const struct operand *m;

	if (cpu->cr0 & (CR0_EM | CR0_TS))
		return cpu_fault(cpu, VEC_NM);
	if (kind != X87_NOWAIT && (cpu->x87.fsw & X87_FSW_ES) && (cpu->cr0 & CR0_NE))
		return cpu_fault(cpu, VEC_MF);
	if (kind != X87_NONCONTROL)
		return EXEC_OK;
	cpu->x87.fcs = cpu->seg[SEG_CS].selector;
	cpu->x87.fip = cpu->rip;
	m = x87_mem_op(in);
	cpu->x87.fop = (uint16_t)(((in->opcode & 7) << 8) | (in->modrm_mod << 6) |
				  (in->modrm_reg << 3) | (m ? mem_rm(in, m) : x87_sti(in)));
	if (m) {
		cpu->x87.fds = cpu->seg[m->seg].selector;
		cpu->x87.fdp = op_ea(cpu, in, m);
	}
	return EXEC_OK;
}

/*
 * Run one x87 instruction: a fault (memory, #MF, #NM) leaves the FPU state as it was
 * before the instruction (faults are precise), so we snapshot it.
 */
enum exec_status x87_run(struct cpu *cpu, const struct insn *in, enum x87_kind kind, x87_fn *fn)
{
	struct x87_state saved = cpu->x87;
	enum exec_status st = x87_enter(cpu, in, kind);

	if (st == EXEC_OK)
		st = fn(cpu, in);
	if (st != EXEC_OK)
		cpu->x87 = saved;
	return st;
}

enum exec_status x87_run_noncontrol(struct cpu *cpu, const struct insn *in, x87_fn *fn)
{
	return x87_run(cpu, in, X87_NONCONTROL, fn);
}

static enum exec_status read_mem(struct cpu *cpu, const struct insn *in,
				 const struct operand *m, uint64_t *v)
{
	return mem_read(cpu, m->seg, op_ea(cpu, in, m), m->size, v);
}

static enum exec_status write_mem(struct cpu *cpu, const struct insn *in,
				  const struct operand *m, uint64_t v)
{
	return mem_write(cpu, m->seg, op_ea(cpu, in, m), m->size, v);
}

/* Push v, or the masked response to a stack overflow. */
void x87_push(struct cpu *cpu, struct f80 v)
{
	if (!x87_empty(cpu, 7)) {
		if (!x87_stack_fault(cpu, true))
			return;
		v = f80_indefinite();
	}
	x87_dec_top(cpu);
	x87_write(cpu, 0, v);
}

/* FLD (SDM Vol. 2A "FLD"): m32/m64 convert (#IA on SNaN, #D); m80 and ST(i) copy. */
static enum exec_status do_fld(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	struct sf80_ctx c = x87_ctx(cpu);
	struct f80 v;
	enum exec_status st;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (m) {
		uint8_t b[10];
		uint64_t raw;

		if (m->size == 10) {
			st = mem_read_buf(cpu, m->seg, op_ea(cpu, in, m), b, 10);
			v = x87_get_f80(b);
		} else {
			st = read_mem(cpu, in, m, &raw);
			v = m->size == 4 ? sf80_from_f32(&c, (uint32_t)raw) : sf80_from_f64(&c, raw);
		}
		if (st != EXEC_OK)
			return st;
	} else {
		unsigned i = x87_sti(in);

		if (x87_empty(cpu, i)) {
			if (x87_empty(cpu, 7) && !x87_stack_fault(cpu, false))
				return EXEC_OK;
			v = f80_indefinite();
		} else {
			v = x87_st(cpu, i);
		}
	}
	if (!x87_empty(cpu, 7)) { /* overflow first: the conversion's flags do not count */
		x87_push(cpu, v);
		return EXEC_OK;
	}
	/* An unmasked #D still loads the value (as the hardware does); #IA does not. */
	if (!x87_commit(cpu, &c) && (c.flags & ~cpu->x87.fcw & SF80_IE))
		return EXEC_OK;
	x87_push(cpu, v);
	return EXEC_OK;
}

/* FST, FSTP (SDM Vol. 2A "FST/FSTP"): memory forms round to the format (#O #U #P). */
static enum exec_status do_fst(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	bool pop = in->mnemonic != ZYDIS_MNEMONIC_FST;
	struct sf80_ctx c = x87_ctx(cpu);
	struct f80 v = x87_st(cpu, 0);
	enum exec_status st = EXEC_OK;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0)) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		v = f80_indefinite();
	}
	if (!m) {
		x87_write(cpu, x87_sti(in), v);
	} else if (m->size == 10) {
		uint8_t b[10];

		x87_put_f80(b, v);
		st = mem_write_buf(cpu, m->seg, op_ea(cpu, in, m), b, 10);
	} else {
		uint64_t raw = m->size == 4 ? sf80_to_f32(&c, v) : sf80_to_f64(&c, v);

		/* Unmasked #O/#U with a memory destination: nothing is stored (8.5.3, 8.5.4). */
		if (!x87_commit(cpu, &c) || (c.flags & ~cpu->x87.fcw & (SF80_OE | SF80_UE)))
			return EXEC_OK;
		st = write_mem(cpu, in, m, raw);
	}
	if (st == EXEC_OK && pop)
		x87_pop(cpu);
	return st;
}

/* FILD (SDM Vol. 2A "FILD"): exact. */
static enum exec_status do_fild(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint64_t raw;
	int64_t v;
	enum exec_status st = read_mem(cpu, in, m, &raw);

	if (st != EXEC_OK)
		return st;
	v = m->size == 2 ? (int16_t)raw : m->size == 4 ? (int32_t)raw : (int64_t)raw;
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	x87_push(cpu, sf80_from_int(v));
	return EXEC_OK;
}

/* FIST, FISTP, FISTTP (SDM Vol. 2A): integer indefinite when out of range (#IA). */
static enum exec_status do_fist(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	struct sf80_ctx c = x87_ctx(cpu);
	bool pop = in->mnemonic != ZYDIS_MNEMONIC_FIST;
	int64_t v;
	enum exec_status st;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0)) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		v = (int64_t)(1ull << (m->size * 8 - 1));
	} else {
		v = sf80_to_int(&c, x87_st(cpu, 0), m->size * 8u,
				in->mnemonic == ZYDIS_MNEMONIC_FISTTP);
		if (!x87_commit(cpu, &c))
			return EXEC_OK;
	}
	st = write_mem(cpu, in, m, (uint64_t)v);
	if (st == EXEC_OK && pop)
		x87_pop(cpu);
	return st;
}

/* FBLD (SDM Vol. 2A "FBLD"). */
static enum exec_status do_fbld(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint8_t b[10];
	enum exec_status st = mem_read_buf(cpu, m->seg, op_ea(cpu, in, m), b, 10);

	if (st != EXEC_OK)
		return st;
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	x87_push(cpu, sf80_from_bcd(b));
	return EXEC_OK;
}

/* FBSTP (SDM Vol. 2A "FBSTP"): BCD indefinite when out of range (#IA). */
static enum exec_status do_fbstp(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	struct sf80_ctx c = x87_ctx(cpu);
	uint8_t b[10];
	enum exec_status st;

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0)) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		sf80_to_bcd(&c, f80_indefinite(), b);
	} else {
		sf80_to_bcd(&c, x87_st(cpu, 0), b);
		if (!x87_commit(cpu, &c))
			return EXEC_OK;
	}
	st = mem_write_buf(cpu, m->seg, op_ea(cpu, in, m), b, 10);
	if (st == EXEC_OK)
		x87_pop(cpu);
	return st;
}

/* FXCH (SDM Vol. 2A "FXCH"): empty operands read as the indefinite when #IS is masked. */
static enum exec_status do_fxch(struct cpu *cpu, const struct insn *in)
{
	unsigned i = x87_sti(in);
	struct f80 a = x87_st(cpu, 0), b = x87_st(cpu, i);

	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0) || x87_empty(cpu, i)) {
		if (!x87_stack_fault(cpu, false))
			return EXEC_OK;
		if (x87_empty(cpu, 0))
			a = f80_indefinite();
		if (x87_empty(cpu, i))
			b = f80_indefinite();
	}
	x87_write(cpu, 0, b);
	x87_write(cpu, i, a);
	return EXEC_OK;
}

/* FINIT/FNINIT (SDM Vol. 2A "FINIT/FNINIT"). */
void x87_init_state(struct cpu *cpu)
{
	cpu->x87.fcw = 0x37f;
	cpu->x87.fsw = 0;
	cpu->x87.ftw = 0xffff;
	cpu->x87.fop = 0;
	cpu->x87.fip = cpu->x87.fdp = 0;
	cpu->x87.fcs = cpu->x87.fds = 0;
}

static enum exec_status do_fninit(struct cpu *cpu, const struct insn *in)
{
	x87_init_state(cpu);
	return EXEC_OK;
}

static enum exec_status do_fnclex(struct cpu *cpu, const struct insn *in)
{
	cpu->x87.fsw &= (uint16_t)~(SF80_ALL | X87_FSW_SF | X87_FSW_ES | X87_FSW_B);
	return EXEC_OK;
}

/* ES and B follow the unmasked flags after FCW or FSW is loaded (8.1.3.1). */
void x87_update_es(struct cpu *cpu)
{
	if (cpu->x87.fsw & ~cpu->x87.fcw & SF80_ALL)
		cpu->x87.fsw |= X87_FSW_ES | X87_FSW_B;
	else
		cpu->x87.fsw &= (uint16_t)~(X87_FSW_ES | X87_FSW_B);
}

/* Reserved FCW bits: 6 reads as 1, 13-15 as 0 (8.1.5). */
uint16_t x87_fcw_of(uint32_t v)
{
	return (uint16_t)((v & 0x1f3f) | 0x40);
}

static enum exec_status do_fldcw(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st = read_mem(cpu, in, x87_mem_op(in), &v);

	if (st != EXEC_OK)
		return st;
	cpu->x87.fcw = x87_fcw_of((uint32_t)v);
	x87_update_es(cpu);
	return EXEC_OK;
}

static enum exec_status do_fnstcw(struct cpu *cpu, const struct insn *in)
{
	return write_mem(cpu, in, x87_mem_op(in), cpu->x87.fcw);
}

static enum exec_status do_fnstsw(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);

	if (!m) {
		reg_write(cpu, R_RAX, 2, cpu->x87.fsw);
		return EXEC_OK;
	}
	return write_mem(cpu, in, m, cpu->x87.fsw);
}

static enum exec_status do_fincstp(struct cpu *cpu, const struct insn *in)
{
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	x87_set_top(cpu, x87_top(cpu) + (in->mnemonic == ZYDIS_MNEMONIC_FINCSTP ? 1 : 7));
	return EXEC_OK;
}

/* FFREE, FFREEP (the latter is undocumented in Vol. 2 but executes on every x86). */
static enum exec_status do_ffree(struct cpu *cpu, const struct insn *in)
{
	x87_set_tag(cpu, x87_phys(cpu, x87_sti(in)), TAG_EMPTY);
	if (in->mnemonic == ZYDIS_MNEMONIC_FFREEP)
		x87_pop(cpu);
	return EXEC_OK;
}

static enum exec_status do_nothing(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/* FCMOVcc (SDM Vol. 2A "FCMOVcc"): condition from CF, ZF, PF. */
static enum exec_status do_fcmov(struct cpu *cpu, const struct insn *in)
{
	unsigned i = x87_sti(in);
	bool cond;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FCMOVB:
		cond = flags_cond(cpu, 2);
		break;
	case ZYDIS_MNEMONIC_FCMOVNB:
		cond = flags_cond(cpu, 3);
		break;
	case ZYDIS_MNEMONIC_FCMOVE:
		cond = flags_cond(cpu, 4);
		break;
	case ZYDIS_MNEMONIC_FCMOVNE:
		cond = flags_cond(cpu, 5);
		break;
	case ZYDIS_MNEMONIC_FCMOVBE:
		cond = flags_cond(cpu, 6);
		break;
	case ZYDIS_MNEMONIC_FCMOVNBE:
		cond = flags_cond(cpu, 7);
		break;
	case ZYDIS_MNEMONIC_FCMOVU:
		cond = flags_cond(cpu, 10);
		break;
	default:
		cond = flags_cond(cpu, 11);
		break;
	}
	cpu->x87.fsw &= (uint16_t)~X87_FSW_C1;
	if (x87_empty(cpu, 0) || x87_empty(cpu, i)) {
		if (x87_stack_fault(cpu, false))
			x87_write(cpu, 0, f80_indefinite());
		return EXEC_OK;
	}
	if (cond)
		x87_write(cpu, 0, x87_st(cpu, i));
	return EXEC_OK;
}

enum exec_status exec_fld(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fld);
}

enum exec_status exec_fst(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fst);
}

enum exec_status exec_fild(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fild);
}

enum exec_status exec_fist(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fist);
}

enum exec_status exec_fbld(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fbld);
}

enum exec_status exec_fbstp(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fbstp);
}

enum exec_status exec_fxch(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fxch);
}

enum exec_status exec_fcmov(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fcmov);
}

enum exec_status exec_fninit(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fninit);
}

enum exec_status exec_fnclex(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fnclex);
}

enum exec_status exec_fldcw(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_CONTROL, do_fldcw);
}

enum exec_status exec_fnstcw(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fnstcw);
}

enum exec_status exec_fnstsw(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fnstsw);
}

enum exec_status exec_fincstp(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_fincstp);
}

enum exec_status exec_ffree(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_ffree);
}

enum exec_status exec_fnop(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NONCONTROL, do_nothing);
}

/* FENI, FDISI, FSETPM: 8087/80287 controls, no-ops since the 80387 (non-waiting). */
enum exec_status exec_fnop_legacy(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_nothing);
}

/* WAIT/FWAIT (SDM Vol. 2B): #NM only when CR0.TS and CR0.MP; then pending #MF. */
enum exec_status exec_fwait(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
		return cpu_fault(cpu, VEC_NM);
	if ((cpu->x87.fsw & X87_FSW_ES) && (cpu->cr0 & CR0_NE))
		return cpu_fault(cpu, VEC_MF);
	return EXEC_OK;
}
