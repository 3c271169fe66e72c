/* SPDX-License-Identifier: MIT */
/*
 * Linear → guest-physical translation (SDM Vol. 3A, Chapter 4 "Paging"): 32-bit, PAE
 * and 4-level paging, with every protection check, A/D updates, reserved-bit faults.
 */
#ifndef NESTVM_HW_PAGING_H
#define NESTVM_HW_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

struct paging_result {
	uint64_t gpa;     /* of the byte at the linear address */
	bool writable;    /* a write by this privilege would be allowed (dirty set by walk) */
	bool user;        /* U/S of the translation */
	bool rw_all;      /* R/W set at every level: writable whatever CR0.WP says */
	bool global;
	bool nx;
	unsigned page_shift; /* 12, 21, 22 or 30 */
};

/*
 * Walk the guest's paging structures for an access (ACC_* from hw/access.h).
 * Returns EXEC_FAULT with #PF (CR2 set) or EXEC_VMEXIT (an EPT violation while walking).
 */
enum exec_status paging_walk(struct cpu *cpu, uint64_t linear, uint32_t acc,
			     struct paging_result *res);

/* PAE: load the four PDPTEs from CR3 (SDM Vol. 3A, 4.4.1); #GP(0) on reserved bits. */
enum exec_status paging_load_pdptes(struct cpu *cpu, uint64_t cr3);

#endif
