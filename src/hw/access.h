/* SPDX-License-Identifier: MIT */
/*
 * Guest memory accesses as instructions make them: segmentation (SDM Vol. 3A, 5.3
 * "Limit Checking", 3.4.5 "Segment Descriptors"), then paging (Chapter 4) through the
 * software TLB, then second-level translation (hw/slat.h). Every function returns
 * EXEC_OK or the architectural fault (#GP, #SS, #PF, #AC) in cpu->fault, or EXEC_VMEXIT
 * when an EPT violation ended the access.
 */
#ifndef NESTVM_HW_ACCESS_H
#define NESTVM_HW_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/* Flags for linear accesses. */
#define ACC_READ 0u
#define ACC_WRITE (1u << 0)
#define ACC_FETCH (1u << 1)
#define ACC_IMPLICIT_SV (1u << 2) /* implicit supervisor access: GDT, LDT, IDT, TSS */
#define ACC_NO_AC (1u << 3)       /* never raise #AC (descriptor loads, …) */

/* Segmented accesses: offset is the effective address (already wrapped to address size). */
enum exec_status mem_read(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			  uint64_t *value);
enum exec_status mem_write(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			   uint64_t value);
enum exec_status mem_read_buf(struct cpu *cpu, unsigned seg, uint64_t offset, void *buf,
			      unsigned size);
enum exec_status mem_write_buf(struct cpu *cpu, unsigned seg, uint64_t offset,
			       const void *buf, unsigned size);
/* Check that a write would succeed (segment limits, paging) without writing. */
enum exec_status mem_probe_write(struct cpu *cpu, unsigned seg, uint64_t offset,
				 unsigned size);

/* Segmentation only: offset → linear address with limit/type/canonical checks. */
enum exec_status seg_linear(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			    uint32_t acc, uint64_t *linear);

/* Linear accesses (paging and second-level translation, no segmentation). */
enum exec_status lin_read(struct cpu *cpu, uint64_t linear, void *buf, unsigned size,
			  uint32_t acc);
enum exec_status lin_write(struct cpu *cpu, uint64_t linear, const void *buf,
			   unsigned size, uint32_t acc);

/* Guest-physical accesses (paging-structure walks, VMCS-referenced memory). */
enum exec_status phys_read(struct cpu *cpu, uint64_t gpa, void *buf, unsigned size);
enum exec_status phys_write(struct cpu *cpu, uint64_t gpa, const void *buf, unsigned size);

/* Instruction fetch (the interpreter's): up to 15 bytes at CS:rip, within one page first. */
enum exec_status fetch_code(struct cpu *cpu, uint64_t rip, uint8_t *buf, unsigned *len);
/* Continue a fetch that crossed into the next page: bytes have..15 (or the CS limit). */
enum exec_status fetch_more(struct cpu *cpu, uint64_t rip, uint8_t *buf, unsigned have,
			    unsigned *len);
/* Fetch TLB lookup/fill: host pointer of a linear code address (NULL: MMIO or *st set). */
uint8_t *fetch_translate(struct cpu *cpu, uint64_t linear, uint64_t *hpa,
			 enum exec_status *st);

#endif
