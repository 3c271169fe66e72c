/* SPDX-License-Identifier: MIT */
/* Processor state bookkeeping: operating mode and CPL (SDM Vol. 3A, 2.2 "Modes of Operation"). */
#include "hw/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "hw/decode.h"
#include "hw/flags.h"
#include "hw/tlb.h"

void cpu_init(struct cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->dcache = decode_cache_create();
	cpu_reset_x86(cpu);
}

void cpu_destroy(struct cpu *cpu)
{
	decode_cache_destroy(cpu->dcache);
	cpu->dcache = NULL;
}

static void set_seg(struct segment *s, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->ar = ar;
}

/* Register values after RESET (SDM Vol. 3A, 10.1.1, Table 10-1). */
void cpu_reset_x86(struct cpu *cpu)
{
	memset(cpu->gpr, 0, sizeof(cpu->gpr));
	cpu->gpr[R_RDX] = 0x600;
	cpu->rip = 0xfff0;
	flags_write(cpu, RFLAGS_FIXED1);
	set_seg(&cpu->seg[SEG_CS], 0xf000, 0xffff0000, 0xffff, 0x9b);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++) {
		if (s != SEG_CS)
			set_seg(&cpu->seg[s], 0, 0, 0xffff, 0x93);
	}
	set_seg(&cpu->seg[SEG_LDTR], 0, 0, 0xffff, 0x82);
	set_seg(&cpu->seg[SEG_TR], 0, 0, 0xffff, 0x8b);
	cpu->gdtr.base = cpu->idtr.base = 0;
	cpu->gdtr.limit = cpu->idtr.limit = 0xffff;
	cpu->cr0 = CR0_ET | CR0_CD | CR0_NW;
	cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
	cpu->xcr0 = 1;
	memset(cpu->dr, 0, sizeof(cpu->dr));
	cpu->dr[6] = 0xffff0ff0;
	cpu->dr[7] = 0x400;
	cpu->efer = 0;
	memset(&cpu->msr, 0, sizeof(cpu->msr));
	cpu->msr.pat = 0x0007040600070406ull;
	/* x87 and SSE after RESET (SDM Vol. 3A, Table 10-1). */
	memset(&cpu->x87, 0, sizeof(cpu->x87));
	cpu->x87.fcw = 0x40;
	cpu->x87.ftw = 0xffff;
	memset(&cpu->simd, 0, sizeof(cpu->simd));
	cpu->simd.mxcsr = 0x1f80;
	cpu->interruptibility = 0;
	cpu->activity = ACTIVITY_ACTIVE;
	tlb_flush_all(cpu);
	cpu_update_mode(cpu);
}

void cpu_update_mode(struct cpu *cpu)
{
	const struct segment *cs = &cpu->seg[SEG_CS];

	/* CS, CPL and the mode select how code is fetched and decoded. */
	cpu->fetch_page.linear_page = ~0ull;
	if (!(cpu->cr0 & CR0_PE)) {
		cpu->mode = MODE_REAL;
		cpu->cpl = 0;
		return;
	}
	if (cpu->rflags & RFLAGS_VM) {
		cpu->mode = MODE_V86;
		cpu->cpl = 3;
		return;
	}
	/* CPL is SS.DPL: CS.DPL differs from CPL in a conforming segment (SDM Vol. 3C, 27.3.1.5). */
	cpu->cpl = cpu_seg_dpl(&cpu->seg[SEG_SS]);
	if (cpu->efer & EFER_LMA) {
		if (cs->ar & AR_L)
			cpu->mode = MODE_LONG64;
		else
			cpu->mode = (cs->ar & AR_DB) ? MODE_COMPAT32 : MODE_COMPAT16;
	} else {
		cpu->mode = (cs->ar & AR_DB) ? MODE_PROT32 : MODE_PROT16;
	}
}
