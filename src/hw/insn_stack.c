/* SPDX-License-Identifier: MIT */
/*
 * Stack instructions PUSH, POP, PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE (SDM Vol. 1, 6.2
 * "Stacks" and 7.3.2 "Stack Manipulation Instructions"; Vol. 2 entries of each).
 * Faults are precise: every access that can fault happens before RSP, RBP or RFLAGS
 * change.
 */
#include "hw/insn_handlers.h"

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/operand.h"

/* RSP as an offset in SS: the stack address size decides how much of it counts. */
static uint64_t stack_offset(const struct cpu *cpu, int64_t delta)
{
	return (cpu->gpr[R_RSP] + (uint64_t)delta) & bits_mask(stack_addr_size(cpu));
}

/*
 * PUSH of a segment register pushes its selector. A 32-bit push on current processors
 * moves only 16 bits into the 4-byte slot and leaves the upper half of the slot as it
 * was (SDM Vol. 2B, PUSH, Description); 16- and 64-bit pushes store the zero-extended
 * selector.
 */
static enum exec_status push_sreg(struct cpu *cpu, unsigned size, unsigned sreg)
{
	uint16_t sel = cpu->seg[sreg].selector;
	uint64_t off;
	enum exec_status st;

	if (size != 4)
		return stack_push(cpu, size, sel);
	off = stack_offset(cpu, -4);
	st = mem_probe_write(cpu, SEG_SS, off, 4);
	if (st == EXEC_OK)
		st = mem_write(cpu, SEG_SS, off, 2, sel);
	if (st == EXEC_OK)
		stack_adjust(cpu, -4);
	return st;
}

/*
 * PUSH r/m, imm, Sreg. The value is read before RSP moves, so PUSH RSP stores the old
 * RSP and PUSH [RSP+x] uses the old RSP for its address. Immediates are sign-extended
 * to the operand size (6A ib, 68 iw/id).
 */
enum exec_status exec_push(struct cpu *cpu, const struct insn *in)
{
	const struct operand *op = &in->op[0];
	unsigned size = in->opsize;
	uint64_t v;
	enum exec_status st;

	switch (op->kind) {
	case OPK_SEG:
		return push_sreg(cpu, size, op->reg);
	case OPK_IMM:
		v = (uint64_t)bits_sext(op->imm, op->size ? op->size : size);
		break;
	default:
		st = op_read(cpu, in, 0, &v);
		if (st != EXEC_OK)
			return st;
		break;
	}
	return stack_push(cpu, size, v & bits_mask(size));
}

/*
 * POP r/m. For a memory destination the SDM says the address is computed after RSP is
 * incremented (POP [RSP+x]); the value is read first and RSP is put back if the store
 * faults. POP RSP ends with the popped value in RSP.
 */
enum exec_status exec_pop(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t v, old_rsp = cpu->gpr[R_RSP];
	enum exec_status st;

	if (in->op[0].kind != OPK_MEM) {
		st = stack_pop(cpu, size, &v);
		if (st != EXEC_OK)
			return st;
		return op_write(cpu, in, 0, v);
	}
	st = stack_peek(cpu, 0, size, &v);
	if (st != EXEC_OK)
		return st;
	stack_adjust(cpu, size);
	st = op_write(cpu, in, 0, v);
	if (st != EXEC_OK)
		cpu->gpr[R_RSP] = old_rsp;
	return st;
}

/*
 * PUSHA/PUSHAD: AX CX DX BX, the SP from before the instruction, BP SI DI. On a fault
 * part-way RSP is put back, so the instruction can restart.
 */
enum exec_status exec_pusha(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t old_rsp = cpu->gpr[R_RSP];
	enum exec_status st = EXEC_OK;

	for (unsigned r = R_RAX; r <= R_RDI && st == EXEC_OK; r++)
		st = stack_push(cpu, size, r == R_RSP ? old_rsp & bits_mask(size)
						      : reg_read(cpu, r, size));
	if (st != EXEC_OK)
		cpu->gpr[R_RSP] = old_rsp;
	return st;
}

/* POPA/POPAD: DI SI BP, the SP slot skipped, BX DX CX AX; all read before any write. */
enum exec_status exec_popa(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t v[8];
	enum exec_status st;

	for (unsigned i = 0; i < 8; i++) {
		st = stack_peek(cpu, (uint64_t)i * size, size, &v[i]);
		if (st != EXEC_OK)
			return st;
	}
	for (unsigned i = 0; i < 8; i++) {
		unsigned r = R_RDI - i;

		if (r != R_RSP)
			reg_write(cpu, r, size, v[i]);
	}
	stack_adjust(cpu, 8 * size);
	return EXEC_OK;
}

static unsigned rflags_iopl(uint64_t rflags)
{
	return (rflags & RFLAGS_IOPL) >> RFLAGS_IOPL_SHIFT;
}

/*
 * PUSHF/PUSHFD/PUSHFQ: the image has VM and RF cleared. In virtual-8086 mode with
 * IOPL < 3 it is #GP(0), except a 16-bit PUSHF with CR4.VME = 1, which pushes IF
 * replaced by VIF and IOPL reading 3 (SDM Vol. 2B, PUSHF; Vol. 3B, 20.3 "Interrupt and
 * Exception Handling in Virtual-8086 Mode", Table 20-2).
 */
enum exec_status exec_pushf(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t f = flags_read(cpu);

	if (in->mode == MODE_V86 && rflags_iopl(f) < 3) {
		if (size != 2 || !(cpu->cr4 & CR4_VME))
			return cpu_gp0(cpu);
		f = (f & ~(uint64_t)RFLAGS_IF) | RFLAGS_IOPL |
		    ((f & RFLAGS_VIF) ? RFLAGS_IF : 0);
	}
	f &= ~(uint64_t)(RFLAGS_VM | RFLAGS_RF);
	return stack_push(cpu, size, f & bits_mask(size));
}

/* Bits POPF may ever load; the others (VM, VIF, VIP, RF, reserved) it never loads. */
#define POPF_LOADABLE                                                                   \
	(RFLAGS_ARITH | RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT |      \
	 RFLAGS_AC | RFLAGS_ID)

/*
 * POPF/POPFD/POPFQ (SDM Vol. 2B, POPF, Operation): at CPL 0 (or in real mode) every
 * loadable flag changes; at CPL > 0 IOPL is kept; at CPL > IOPL IF is kept too. In
 * virtual-8086 mode IOPL = 3 behaves like CPL 3 with IOPL 3; IOPL < 3 is #GP(0) except a
 * 16-bit POPF with CR4.VME = 1, which loads VIF from bit 9 instead of IF and faults if
 * it would set TF or enable interrupts while VIP is pending. 32- and 64-bit POPF clear
 * RF; VM, VIF and VIP are never loaded.
 */
enum exec_status exec_popf(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	uint64_t old = flags_read(cpu), v, mask = POPF_LOADABLE, nf;
	unsigned iopl = rflags_iopl(old);
	bool vme = false;
	enum exec_status st;

	if (in->mode == MODE_V86 && iopl < 3) {
		if (size != 2 || !(cpu->cr4 & CR4_VME))
			return cpu_gp0(cpu);
		vme = true;
	}
	st = stack_peek(cpu, 0, size, &v);
	if (st != EXEC_OK)
		return st;
	if (vme) {
		if (((old & RFLAGS_VIP) && (v & RFLAGS_IF)) || (v & RFLAGS_TF))
			return cpu_gp0(cpu);
		mask &= ~(uint64_t)(RFLAGS_IOPL | RFLAGS_IF);
	} else if (in->mode == MODE_V86) {
		mask &= ~(uint64_t)RFLAGS_IOPL;
	} else if (cpu_protected(cpu) && cpu->cpl > 0) {
		mask &= ~(uint64_t)RFLAGS_IOPL;
		if (cpu->cpl > iopl)
			mask &= ~(uint64_t)RFLAGS_IF;
	}
	mask &= bits_mask(size);
	nf = (old & ~mask) | (v & mask);
	if (size != 2)
		nf &= ~(uint64_t)RFLAGS_RF;
	if (vme)
		nf = (nf & ~(uint64_t)RFLAGS_VIF) | ((v & RFLAGS_IF) ? RFLAGS_VIF : 0);
	stack_adjust(cpu, size);
	flags_write(cpu, nf);
	return EXEC_OK;
}

/*
 * ENTER imm16, imm8 (SDM Vol. 2A, ENTER, Operation): push the frame pointer, copy
 * level-1 frame pointers from the enclosing frame (read through SS at [BP - i*size],
 * BP of the stack address size), push the new frame pointer, then allocate imm16
 * bytes. Everything is read and written through SS before RSP and RBP change; like
 * silicon, the final stack pointer is checked for a write.
 */
enum exec_status exec_enter(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	unsigned ssize = stack_addr_size(cpu);
	uint64_t smask = bits_mask(ssize);
	uint64_t alloc = in->op[0].imm & 0xffff;
	unsigned level = (unsigned)(in->nops > 1 ? in->op[1].imm : 0) & 31;
	uint64_t sp = cpu->gpr[R_RSP] & smask;
	uint64_t bp = cpu->gpr[R_RBP] & smask;
	uint64_t frame, v;
	enum exec_status st;

	sp = (sp - size) & smask;
	st = mem_write(cpu, SEG_SS, sp, size, cpu->gpr[R_RBP] & bits_mask(size));
	if (st != EXEC_OK)
		return st;
	/* FrameTemp is the whole (E)SP after the push: a 16-bit stack keeps ESP[31:16]. */
	frame = (cpu->gpr[R_RSP] & ~smask) | sp;
	if (level > 0) {
		for (unsigned i = 1; i < level; i++) {
			bp = (bp - size) & smask;
			st = mem_read(cpu, SEG_SS, bp, size, &v);
			if (st != EXEC_OK)
				return st;
			sp = (sp - size) & smask;
			st = mem_write(cpu, SEG_SS, sp, size, v);
			if (st != EXEC_OK)
				return st;
		}
		sp = (sp - size) & smask;
		st = mem_write(cpu, SEG_SS, sp, size, frame & bits_mask(size));
		if (st != EXEC_OK)
			return st;
	}
	sp = (sp - alloc) & smask;
	st = mem_probe_write(cpu, SEG_SS, sp, size);
	if (st != EXEC_OK)
		return st;
	reg_write(cpu, R_RBP, in->mode == MODE_LONG64 ? 8 : size, frame);
	reg_write(cpu, R_RSP, ssize, sp);
	return EXEC_OK;
}

/*
 * LEAVE: RSP = RBP (at the stack address size), then pop RBP (at the operand size).
 * The pop is read before either register changes.
 */
enum exec_status exec_leave(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->opsize;
	unsigned ssize = stack_addr_size(cpu);
	uint64_t bp = cpu->gpr[R_RBP] & bits_mask(ssize);
	uint64_t v;
	enum exec_status st = mem_read(cpu, SEG_SS, bp, size, &v);

	if (st != EXEC_OK)
		return st;
	reg_write(cpu, R_RSP, ssize, (bp + size) & bits_mask(ssize));
	reg_write(cpu, R_RBP, size, v);
	return EXEC_OK;
}
