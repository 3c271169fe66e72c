/* SPDX-License-Identifier: MIT */
/*
 * The software TLB (SDM Vol. 3A, 4.10 "Caching Translation Information"): linear page
 * → host page, tagged by PCID and global bit; separate read, write and fetch arrays.
 */
#ifndef NESTVM_HW_TLB_H
#define NESTVM_HW_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/* Does entry e translate tag (linear page << 1 | user) for the current PCID? */
static inline bool tlb_hit(const struct cpu *cpu, const struct tlb_entry *e, uint64_t tag)
{
	if (e->tag != tag)
		return false;
	if (e->global)
		return e->epoch == cpu->tlb.global_epoch;
	return e->epoch == cpu->tlb.epoch &&
	       e->pcid == ((cpu->cr4 & CR4_PCIDE) ? (uint16_t)(cpu->cr3 & 0xfff) : 0);
}

void tlb_flush_all(struct cpu *cpu);        /* every entry, global ones too */
void tlb_flush_nonglobal(struct cpu *cpu);  /* MOV to CR3 without PCID preservation */
void tlb_flush_page(struct cpu *cpu, uint64_t linear); /* INVLPG: all PCIDs, globals too */
void tlb_flush_pcid(struct cpu *cpu, uint16_t pcid);   /* non-global entries of one PCID */
/* Drop write and fetch entries that map machine page hpa (code became live there). */
void tlb_drop_writes_to(struct cpu *cpu, uint64_t hpa_page);

#endif
