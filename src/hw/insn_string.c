/* SPDX-License-Identifier: MIT */
/*
 * String instructions MOVS, LODS, STOS, CMPS, SCAS with REP/REPE/REPNE (SDM Vol. 1, 7.3.9
 * "String Operations"; Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ).
 *
 * The address size picks SI/ESI/RSI, DI/EDI/RDI and CX/ECX/RCX; the source is DS
 * (overridable), the destination always ES. A repeated instruction runs a bounded number
 * of iterations per call and then restarts itself (next_rip = rip), which is how silicon
 * lets interrupts in between iterations (Vol. 2B, REP: "Interrupts … are recognized
 * between iterations"). Each iteration is precise: on a fault the registers reflect the
 * iterations that completed.
 */
#include "hw/insn_handlers.h"

#include <string.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/operand.h"

/* Iterations per call before a REP instruction yields to the run loop. */
#define STRING_BUDGET 4096u

enum string_kind { STR_MOVS, STR_LODS, STR_STOS, STR_CMPS, STR_SCAS };

/* Element size: the even opcodes (A4, A6, AA, AC, AE) are the byte forms. */
static unsigned string_elem_size(const struct insn *in)
{
	return (in->opcode & 1) ? in->opsize : 1;
}

/* Registers of a string instruction while it runs, written back when it stops. */
struct string_regs {
	uint64_t si, di, cx;
	unsigned done; /* iterations completed by this call */
};

/* Elements of `size` from offset `off` before the address-size wrap (off + n*size - 1 ≤ amask). */
static uint64_t elems_before_wrap(uint64_t off, uint64_t amask, unsigned size)
{
	uint64_t room = amask - off; /* bytes after the first one */

	return room / size + (room % size == size - 1);
}

/*
 * Bulk path for REP MOVS and REP STOS going up (DF = 0): whole runs of elements that
 * stay within one linear page on each side are copied with one segment check and one
 * translation each. Any run it cannot do in bulk (a limit, a fault, an element
 * straddling pages, a forward overlap that must replicate) is left to the per-element
 * loop, which then raises the fault at the exact element; so a fault here never
 * escapes and completed runs are the only state it leaves.
 */
static void string_bulk(struct cpu *cpu, enum string_kind kind, unsigned size,
			unsigned src_seg, uint64_t acc, uint64_t amask, unsigned budget,
			struct string_regs *r)
{
	uint8_t buf[4096];
	bool filled = false;

	while (r->cx != 0 && r->done < budget) {
		uint64_t n = r->cx < budget - r->done ? r->cx : budget - r->done;
		uint64_t dlin, slin = 0, bytes, w;

		w = elems_before_wrap(r->di, amask, size);
		n = n < w ? n : w;
		if (seg_linear(cpu, SEG_ES, r->di, size, ACC_WRITE, &dlin) != EXEC_OK)
			return;
		w = (4096 - (dlin & 0xfff)) / size;
		n = n < w ? n : w;
		if (kind == STR_MOVS) {
			w = elems_before_wrap(r->si, amask, size);
			n = n < w ? n : w;
			if (seg_linear(cpu, src_seg, r->si, size, ACC_READ, &slin) != EXEC_OK)
				return;
			w = (4096 - (slin & 0xfff)) / size;
			n = n < w ? n : w;
		}
		if (n < 2)
			return;
		bytes = n * size;
		if (seg_linear(cpu, SEG_ES, r->di, (unsigned)bytes, ACC_WRITE, &dlin) != EXEC_OK)
			return;
		if (kind == STR_MOVS) {
			if (seg_linear(cpu, src_seg, r->si, (unsigned)bytes, ACC_READ, &slin) !=
			    EXEC_OK)
				return;
			/* Element by element, a destination just above the source replicates. */
			if (dlin > slin && dlin < slin + bytes)
				return;
			if (lin_read(cpu, slin, buf, (unsigned)bytes, ACC_READ) != EXEC_OK)
				return;
		} else if (!filled) {
			for (unsigned i = 0; i < sizeof(buf); i += size)
				memcpy(buf + i, &acc, size);
			filled = true;
		}
		if (lin_write(cpu, dlin, buf, (unsigned)bytes, ACC_WRITE) != EXEC_OK)
			return;
		if (kind == STR_MOVS)
			r->si = (r->si + bytes) & amask;
		r->di = (r->di + bytes) & amask;
		r->cx -= n;
		r->done += (unsigned)n;
	}
}

static bool alignment_checking(const struct cpu *cpu)
{
	return (cpu->cr0 & CR0_AM) && (cpu->rflags & RFLAGS_AC) && cpu->cpl == 3;
}

static enum exec_status string_run(struct cpu *cpu, const struct insn *in,
				   enum string_kind kind)
{
	const unsigned size = string_elem_size(in);
	const uint64_t amask = bits_mask(in->addrsize);
	const unsigned src_seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
	const bool down = (cpu->rflags & RFLAGS_DF) != 0;
	const uint64_t step = down ? (uint64_t)-(int64_t)size : size;
	const bool rep = in->rep != REP_NONE;
	const bool compares = kind == STR_CMPS || kind == STR_SCAS;
	const bool uses_si = kind == STR_MOVS || kind == STR_LODS || kind == STR_CMPS;
	const bool uses_di = kind != STR_LODS;
	/* REPE (F3 = REP_REP) ends when ZF = 0, REPNE when ZF = 1. */
	const bool stop_if_equal = in->rep == REP_REPNE;
	/*
	 * With TF set, silicon single-steps a repeated string instruction one iteration at a
	 * time (the trap arrives with RIP still at the instruction while the count lasts).
	 */
	const unsigned budget = (cpu->rflags & RFLAGS_TF) ? 1 : STRING_BUDGET;
	struct string_regs r = {
		.si = cpu->gpr[R_RSI] & amask,
		.di = cpu->gpr[R_RDI] & amask,
		.cx = rep ? cpu->gpr[R_RCX] & amask : 1,
	};
	uint64_t acc = reg_read(cpu, R_RAX, size);
	uint64_t a = 0, b = 0, last_a = 0, last_b = 0, t = 0;
	enum exec_status st = EXEC_OK;

	/*
	 * SSE MOVSD (F2 0F 10/11) and CMPSD (F2 0F C2) share Zydis mnemonics with the string
	 * forms; only the one-byte opcode map holds string instructions.
	 */
	if (in->opcode_map != 0)
		return cpu_ud(cpu);
	if (r.cx == 0)
		return EXEC_OK;
	if (rep && !down && (kind == STR_MOVS || kind == STR_STOS) && budget > 1 &&
	    !alignment_checking(cpu))
		string_bulk(cpu, kind, size, src_seg, acc, amask, budget, &r);
	for (;;) {
		if (r.cx == 0)
			break;
		if (r.done == budget) {
			cpu->next_rip = cpu->rip;
			break;
		}
		switch (kind) {
		case STR_MOVS:
			st = mem_read(cpu, src_seg, r.si, size, &a);
			if (st == EXEC_OK)
				st = mem_write(cpu, SEG_ES, r.di, size, a);
			break;
		case STR_LODS:
			st = mem_read(cpu, src_seg, r.si, size, &t);
			break;
		case STR_STOS:
			st = mem_write(cpu, SEG_ES, r.di, size, acc);
			break;
		case STR_CMPS:
			st = mem_read(cpu, src_seg, r.si, size, &a);
			if (st == EXEC_OK)
				st = mem_read(cpu, SEG_ES, r.di, size, &b);
			break;
		case STR_SCAS:
			a = acc;
			st = mem_read(cpu, SEG_ES, r.di, size, &b);
			break;
		}
		if (st != EXEC_OK)
			break;
		r.done++;
		if (kind == STR_LODS)
			acc = t;
		last_a = a;
		last_b = b;
		r.si = (r.si + step) & amask;
		r.di = (r.di + step) & amask;
		r.cx = (r.cx - 1) & amask;
		if (!rep)
			break;
		if (compares && (a == b) == stop_if_equal)
			break;
	}
	if (r.done == 0)
		return st;
	if (uses_si)
		reg_write(cpu, R_RSI, in->addrsize, r.si);
	if (uses_di)
		reg_write(cpu, R_RDI, in->addrsize, r.di);
	if (rep)
		reg_write(cpu, R_RCX, in->addrsize, r.cx);
	if (kind == STR_LODS)
		reg_write(cpu, R_RAX, size, acc);
	/* Only the last completed comparison's flags are architectural. */
	if (compares)
		flags_set_lazy(cpu, FLAGS_OP_SUB, size, last_a, last_b,
			       (last_a - last_b) & bits_mask(size));
	return st;
}

enum exec_status exec_movs(struct cpu *cpu, const struct insn *in)
{
	return string_run(cpu, in, STR_MOVS);
}

enum exec_status exec_lods(struct cpu *cpu, const struct insn *in)
{
	return string_run(cpu, in, STR_LODS);
}

enum exec_status exec_stos(struct cpu *cpu, const struct insn *in)
{
	return string_run(cpu, in, STR_STOS);
}

enum exec_status exec_cmps(struct cpu *cpu, const struct insn *in)
{
	return string_run(cpu, in, STR_CMPS);
}

enum exec_status exec_scas(struct cpu *cpu, const struct insn *in)
{
	return string_run(cpu, in, STR_SCAS);
}
