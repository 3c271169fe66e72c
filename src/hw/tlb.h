/* SPDX-License-Identifier: MIT */
/*
 * The software TLB (SDM Vol. 3A, 4.10 "Caching Translation Information"): linear page
 * → host page, tagged by PCID and global bit; separate read, write and fetch arrays.
 */
#ifndef NESTVM_HW_TLB_H
#define NESTVM_HW_TLB_H

#include <stdint.h>

#include "hw/cpu.h"

void tlb_flush_all(struct cpu *cpu);        /* every entry, global ones too */
void tlb_flush_nonglobal(struct cpu *cpu);  /* MOV to CR3 without PCID preservation */
void tlb_flush_page(struct cpu *cpu, uint64_t linear); /* INVLPG: all PCIDs, globals too */
void tlb_flush_pcid(struct cpu *cpu, uint16_t pcid);   /* non-global entries of one PCID */
/* Drop write and fetch entries that map machine page hpa (code became live there). */
void tlb_drop_writes_to(struct cpu *cpu, uint64_t hpa_page);

#endif
