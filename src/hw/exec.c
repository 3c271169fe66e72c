/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's step (STYLE.md 4): fetch through the TLB, decode (or hit the
 * decoded-instruction cache), apply in SDM priority order the mode and #UD checks, the
 * faults that outrank VM exits (SDM Vol. 3C, 26.1.1 "Relative Priority of Faults and VM
 * Exits"), the intercept query, then the handler.
 */
#include "hw/exec.h"

#include <Zydis/Zydis.h>
#include <stddef.h>

#include "hw/access.h"
#include "hw/decode.h"
#include "hw/event.h"
#include "hw/flags.h"
#include "hw/intercept.h"
#include "hw/tlb.h"

static inline uint8_t decode_key(const struct cpu *cpu)
{
	return (uint8_t)(cpu->mode * 2 + ((cpu->seg[SEG_CS].ar & AR_DB) != 0));
}

/* Decode the instruction at CS:rip from guest memory (uncached path). */
static enum exec_status decode_slow(struct cpu *cpu, uint64_t rip, struct insn *out)
{
	uint8_t bytes[16];
	unsigned len = 0;
	bool need_more;
	enum exec_status st = fetch_code(cpu, rip, bytes, &len);

	if (st != EXEC_OK)
		return st;
	if (decode_insn(cpu->mode, (cpu->seg[SEG_CS].ar & AR_DB) != 0, bytes, len, out,
			&need_more))
		return EXEC_OK;
	if (!need_more)
		return cpu_ud(cpu);
	/* The instruction continues in the next page (or beyond the CS limit: #GP). */
	st = fetch_more(cpu, rip, bytes, len, &len);
	if (st != EXEC_OK)
		return st;
	if (decode_insn(cpu->mode, (cpu->seg[SEG_CS].ar & AR_DB) != 0, bytes, len, out,
			&need_more))
		return EXEC_OK;
	/* Longer than the limit allows: #GP; not an instruction: #UD (SDM Vol. 2A, 2.3.11). */
	return need_more ? cpu_gp0(cpu) : cpu_ud(cpu);
}

static enum exec_status fetch_decode(struct cpu *cpu, const struct insn **out,
				     struct insn *scratch)
{
	const struct segment *cs = &cpu->seg[SEG_CS];
	uint64_t rip = cpu->rip, linear, hpa;
	enum exec_status st;
	uint8_t *host;

	if (cpu->mode == MODE_LONG64) {
		linear = rip;
	} else {
		if (rip > cs->limit)
			return cpu_gp0(cpu);
		linear = (uint32_t)(cs->base + rip);
	}
	uint32_t *genp;
	uint8_t key;
	if ((linear >> 12) == cpu->fetch_page.linear_page) {
		/* Still in the code page of the last instruction: no TLB lookup. */
		hpa = cpu->fetch_page.hpa_page | (linear & 0xfff);
		host = cpu->slat->ram + hpa;
		genp = cpu->fetch_page.gen;
		key = cpu->fetch_page.key;
		if (*genp & 1)
			goto lookup;
	} else {
		host = fetch_translate(cpu, linear, &hpa, &st);
		if (!host) {
			/* Faulting fetch, or code in MMIO space: decode without caching. */
			if (st != EXEC_OK)
				return st;
			if ((st = decode_slow(cpu, rip, scratch)) != EXEC_OK)
				return st;
			*out = scratch;
			return EXEC_OK;
		}
		genp = &cpu->slat->code_gen[hpa >> 12];
		key = decode_key(cpu);
		cpu->fetch_page.linear_page = linear >> 12;
		cpu->fetch_page.hpa_page = hpa & ~0xfffull;
		cpu->fetch_page.gen = genp;
		cpu->fetch_page.key = key;
	}
	if (!(*genp & 1)) {
		/* First decode from this page since it was written: writes must now see it. */
		*genp += 1;
		tlb_drop_writes_to(cpu, hpa & ~0xfffull);
	}
lookup:;
	const struct insn *in = decode_cache_lookup(cpu->dcache, hpa, key, *genp);
	if (in) {
		*out = in;
		return EXEC_OK;
	}
	bool need_more;
	unsigned avail = 4096 - (unsigned)(hpa & 0xfff);
	if (cpu->mode != MODE_LONG64 && cs->limit - rip + 1 < avail)
		avail = (unsigned)(cs->limit - rip + 1);
	if (avail > 15)
		avail = 15;
	struct insn *slot = decode_cache_insert(cpu->dcache, hpa, key, *genp);
	if (decode_insn(cpu->mode, (cs->ar & AR_DB) != 0, host, avail, slot, &need_more)) {
		*out = slot;
		return EXEC_OK;
	}
	decode_cache_insert(cpu->dcache, hpa, key, 0); /* leave the slot invalid */
	if (!need_more)
		return cpu_ud(cpu);
	/* Crosses a page: not cached. */
	if ((st = decode_slow(cpu, rip, scratch)) != EXEC_OK)
		return st;
	*out = scratch;
	return EXEC_OK;
}

/* IRET and POPF load RF from the stack image: they keep what they loaded. */
static bool rf_keeper(const struct insn *in)
{
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_IRET:
	case ZYDIS_MNEMONIC_IRETD:
	case ZYDIS_MNEMONIC_IRETQ:
	case ZYDIS_MNEMONIC_POPF:
	case ZYDIS_MNEMONIC_POPFD:
	case ZYDIS_MNEMONIC_POPFQ:
		return true;
	default:
		return false;
	}
}

static enum exec_status instruction_breakpoint(struct cpu *cpu)
{
	uint64_t dr7 = cpu->dr[7], linear;
	uint8_t hits = 0;

	linear = cpu->mode == MODE_LONG64 ? cpu->rip : (uint32_t)(cpu->seg[SEG_CS].base + cpu->rip);
	for (unsigned i = 0; i < 4; i++) {
		if (((dr7 >> (2 * i)) & 3) && !((dr7 >> (16 + 4 * i)) & 3) && cpu->dr[i] == linear)
			hits |= (uint8_t)(1u << i);
	}
	if (!hits)
		return EXEC_OK;
	cpu->dr[6] = (cpu->dr[6] & ~0xfull) | hits;
	return cpu_fault(cpu, VEC_DB);
}

static bool is_software_interrupt(const struct insn *in)
{
	return in->mnemonic == ZYDIS_MNEMONIC_INT || in->mnemonic == ZYDIS_MNEMONIC_INT3 ||
	       in->mnemonic == ZYDIS_MNEMONIC_INTO || in->mnemonic == ZYDIS_MNEMONIC_INT1;
}

static bool lock_allowed(const struct insn *in)
{
	return (in->attrs & INSN_ATTR_LOCKABLE) && in->nops && in->op[0].kind == OPK_MEM;
}

static enum exec_status precheck(struct cpu *cpu, const struct insn *in)
{
	if (in->lock && !lock_allowed(in))
		return cpu_ud(cpu);
	if ((in->attrs & INSN_ATTR_NO64) && cpu->mode == MODE_LONG64)
		return cpu_ud(cpu);
	if ((in->attrs & INSN_ATTR_PROT) && (cpu->mode == MODE_REAL || cpu->mode == MODE_V86))
		return cpu_ud(cpu);
	if ((in->attrs & INSN_ATTR_CPL0) && cpu->cpl != 0)
		return cpu_gp0(cpu);
	return EXEC_OK;
}

enum exec_status exec_one(struct cpu *cpu)
{
	struct insn scratch;
	const struct insn *in = NULL;
	enum exec_status st;
	uint32_t shadow = cpu->interruptibility & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS);
	bool tf = (cpu->rflags & RFLAGS_TF) != 0;
	bool done = false;

	cpu->dbg_hits = 0;
	st = fetch_decode(cpu, &in, &scratch);
	/*
	 * Instruction breakpoints fault before the instruction (SDM Vol. 3B, 18.3.1.1);
	 * Intel processors inhibit them while MOV SS / POP SS blocking is active.
	 */
	if (st == EXEC_OK && __builtin_expect(cpu_breakpoints_armed(cpu), 0) &&
	    !(cpu->rflags & RFLAGS_RF) &&
	    !((shadow & INTR_BLOCK_MOV_SS) && !cpu->vendor_amd))
		st = instruction_breakpoint(cpu);
	if (st == EXEC_OK && cpu->mode != MODE_LONG64 &&
	    cpu->rip + in->len - 1 > cpu->seg[SEG_CS].limit)
		st = cpu_gp0(cpu);
	if (st == EXEC_OK && (in->attrs | in->lock))
		st = precheck(cpu, in);
	if (st == EXEC_OK) {
		cpu->next_rip = cpu->rip + in->len;
		if (cpu->mode != MODE_LONG64)
			cpu->next_rip &= 0xffffffffu;
		if (in->icpt != ICPT_NONE)
			st = intercept_insn(cpu, in, &done);
		if (st == EXEC_OK && !done)
			st = in->fn(cpu, in);
	}
	switch (st) {
	case EXEC_OK:
		cpu->rip = cpu->next_rip;
		cpu->icount++;
		cpu->tsc++;
		/* RF suppresses instruction breakpoints for one instruction (SDM 18.3.1.1). */
		if (__builtin_expect((cpu->rflags & RFLAGS_RF) != 0, 0) && !rf_keeper(in))
			cpu->rflags &= ~(uint64_t)RFLAGS_RF;
		if (__builtin_expect(cpu->dbg_hits != 0, 0)) {
			/* Data breakpoints trap after the instruction, with single-step if both. */
			cpu->dr[6] = (cpu->dr[6] & ~0xfull) | cpu->dbg_hits |
				     (tf && !(cpu->interruptibility & INTR_BLOCK_MOV_SS) ? 1u << 14 : 0);
			cpu->dbg_hits = 0;
			if (cpu->interruptibility & INTR_BLOCK_MOV_SS)
				return EXEC_OK; /* held back with MOV SS blocking: kept in DR6 */
			return event_raise(cpu, VEC_DB, EVENT_HW_EXC, false, 0, cpu->rip);
		}
		/* A blocking shadow covers exactly one instruction (SDM Vol. 3A, 6.8.3). */
		if (shadow)
			cpu->interruptibility &= ~shadow;
		/*
		 * SYSCALL and SYSRET trap on the TF they leave (FMASK may clear it, SYSRET may
		 * set it); software interrupts clear TF on delivery: the trap follows the IRET.
		 */
		if (in->mnemonic == ZYDIS_MNEMONIC_SYSCALL || in->mnemonic == ZYDIS_MNEMONIC_SYSRET)
			tf = (cpu->rflags & RFLAGS_TF) != 0;
		/*
		 * MOV SS / POP SS hold debug traps back until the next instruction completes
		 * (SDM Vol. 3A, 6.8.3): TF is still set then, so the trap comes after it.
		 */
		if (tf && (cpu->interruptibility & INTR_BLOCK_MOV_SS))
			return EXEC_OK;
		if (tf && !is_software_interrupt(in)) {
			/* Single-step trap after the instruction (SDM Vol. 3A, 18.3.1.4). */
			cpu->dr[6] |= 1u << 14;
			return event_raise(cpu, VEC_DB, EVENT_HW_EXC, false, 0, cpu->rip);
		}
		return EXEC_OK;
	case EXEC_FAULT:
		return event_raise_fault(cpu);
	default:
		return st;
	}
}
