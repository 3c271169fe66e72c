/* SPDX-License-Identifier: MIT */
/*
 * Segment descriptors and segment-register loads (SDM Vol. 3A, 3.4 "Logical and Linear
 * Addresses", 3.4.5 "Segment Descriptors", 5.5–5.8 privilege checks; Vol. 2 MOV, POP,
 * LDS/LES/LFS/LGS/LSS pseudocode).
 */
#ifndef NESTVM_HW_SEG_H
#define NESTVM_HW_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/* Selector fields (SDM Vol. 3A, 3.4.2 "Segment Selectors"). */
#define SEL_RPL_MASK 3u
#define SEL_TI (1u << 2)
#define SEL_INDEX_MASK 0xfff8u

/* System-descriptor types (S = 0), SDM Vol. 3A, Table 3-2. */
enum sys_desc_type {
	SYS_TSS16_AVAIL = 1,
	SYS_LDT = 2,
	SYS_TSS16_BUSY = 3,
	SYS_CALL_GATE16 = 4,
	SYS_TASK_GATE = 5,
	SYS_INT_GATE16 = 6,
	SYS_TRAP_GATE16 = 7,
	SYS_TSS32_AVAIL = 9, /* 64-bit TSS in IA-32e mode */
	SYS_TSS32_BUSY = 11,
	SYS_CALL_GATE32 = 12, /* 64-bit call gate in IA-32e mode */
	SYS_INT_GATE32 = 14,
	SYS_TRAP_GATE32 = 15,
};

/* Error code for a fault about a selector: index and TI, RPL replaced by EXT (6.13). */
static inline uint32_t seg_sel_error(uint16_t sel, uint32_t ext)
{
	return (uint32_t)(sel & 0xfffcu) | ext;
}

/* Access rights of a raw 8-byte descriptor in the VMCS layout (cpu.h AR_*). */
static inline uint32_t seg_desc_ar(uint64_t desc)
{
	return (uint32_t)((desc >> 40) & 0xff) | (uint32_t)(((desc >> 52) & 0xf) << 12);
}

static inline unsigned seg_desc_dpl(uint64_t desc)
{
	return (unsigned)(desc >> 45) & 3;
}

static inline bool seg_desc_present(uint64_t desc)
{
	return (desc >> 47) & 1;
}

static inline unsigned seg_desc_type(uint64_t desc)
{
	return (unsigned)(desc >> 40) & 0xf;
}

/* S = 1: code or data segment. */
static inline bool seg_desc_is_code_data(uint64_t desc)
{
	return (desc >> 44) & 1;
}

static inline bool seg_desc_is_code(uint64_t desc)
{
	return seg_desc_is_code_data(desc) && (seg_desc_type(desc) & AR_TYPE_CODE);
}

static inline bool seg_desc_is_conforming(uint64_t desc)
{
	return seg_desc_is_code(desc) && (seg_desc_type(desc) & AR_TYPE_DC);
}

static inline bool seg_desc_is_writable_data(uint64_t desc)
{
	return seg_desc_is_code_data(desc) && !(seg_desc_type(desc) & AR_TYPE_CODE) &&
	       (seg_desc_type(desc) & AR_TYPE_RW);
}

/* Base (low 32 bits) and byte-granular limit of a descriptor. */
static inline uint32_t seg_desc_base(uint64_t desc)
{
	return (uint32_t)(((desc >> 16) & 0xffffff) | (((desc >> 56) & 0xff) << 24));
}

static inline uint32_t seg_desc_limit(uint64_t desc)
{
	uint32_t limit = (uint32_t)((desc & 0xffff) | (((desc >> 48) & 0xf) << 16));

	if (desc & (1ull << 55))
		limit = (limit << 12) | 0xfff;
	return limit;
}

/* Hidden part of a segment register from a descriptor; upper is bits 95:64 of a
 * 16-byte system descriptor in IA-32e mode (base 63:32), else 0. */
void seg_from_desc(struct segment *s, uint16_t sel, uint64_t desc, uint32_t upper);

/* Null selector loaded in protected mode: unusable (VMCS AR bit 16), DPL kept as given. */
void seg_set_null(struct segment *s, uint16_t sel, unsigned dpl);

/* Is IA-32e mode active (64-bit or compatibility mode)? */
static inline bool seg_ia32e(const struct cpu *cpu)
{
	return (cpu->efer & EFER_LMA) != 0;
}

/* Is a linear address canonical for the current paging mode (48 or 57 bits)? */
static inline bool seg_canonical(const struct cpu *cpu, uint64_t linear)
{
	unsigned width = (cpu->cr4 & CR4_LA57) ? 57 : 48;
	int64_t s = (int64_t)(linear << (64 - width)) >> (64 - width);

	return (uint64_t)s == linear;
}

/*
 * Read the 8-byte descriptor for sel from the GDT or LDT with supervisor implicit
 * accesses. A selector outside the table (or TI=1 with an unusable LDTR) raises
 * vector(seg_sel_error(sel, ext)). *addr receives the descriptor's linear address.
 */
enum exec_status seg_desc_fetch(struct cpu *cpu, uint16_t sel, uint8_t vector, uint32_t ext,
				uint64_t *desc, uint64_t *addr);
/* The same for a 16-byte system descriptor in IA-32e mode: *upper = bytes 8..11. */
enum exec_status seg_desc_fetch16(struct cpu *cpu, uint16_t sel, uint8_t vector, uint32_t ext,
				  uint64_t *desc, uint32_t *upper, uint64_t *addr);
/* Does sel's descriptor lie inside its table? (LAR, LSL, VERR, VERW: no faults.) */
bool seg_desc_in_table(const struct cpu *cpu, uint16_t sel, unsigned size);

/* Set the accessed bit of a code/data descriptor in memory if it is clear. */
enum exec_status seg_desc_set_accessed(struct cpu *cpu, uint64_t addr, uint64_t *desc);

/*
 * Load a data or stack segment register (ES, SS, DS, FS, GS) as MOV, POP and LxS do in
 * the current mode, with every check of SDM Vol. 2 "MOV—Move": #GP(sel), #NP(sel),
 * #SS(sel), the null-selector rules. On a fault the register is unchanged.
 */
enum exec_status seg_load(struct cpu *cpu, unsigned seg, uint16_t selector);

/* Real-address and virtual-8086 mode load: base = selector << 4 (SDM Vol. 3A, 20.1.1). */
void seg_load_real(struct cpu *cpu, unsigned seg, uint16_t selector);

/*
 * Privilege-level stack from the current TSS (SDM Vol. 3A, 7.2.1, 7.7): SSn:ESPn of a
 * 16- or 32-bit TSS; #TS(TR selector | ext) when it lies beyond the TSS limit.
 */
enum exec_status seg_tss_stack(struct cpu *cpu, unsigned dpl, uint32_t ext, uint16_t *ss,
			       uint32_t *esp);
/* 64-bit TSS: RSPn (ist = 0) or ISTn (ist = 1..7) (SDM Vol. 3A, 7.7 "Task Management in
 * 64-bit Mode"). */
enum exec_status seg_tss64_stack(struct cpu *cpu, unsigned dpl, unsigned ist, uint32_t ext,
				 uint64_t *rsp);

/*
 * Validate a stack segment selector taken from the TSS for a privilege change to cpl
 * (CALL through a gate, interrupt delivery): #TS(sel | ext) for null, outside the table,
 * RPL or DPL ≠ cpl, not a writable data segment; #SS(sel | ext) when not present.
 */
enum exec_status seg_check_new_ss(struct cpu *cpu, uint16_t sel, unsigned cpl, uint32_t ext,
				  uint64_t *desc, uint64_t *addr);

/*
 * Write size bytes at offset of a stack segment that is not yet (or is) loaded, for a
 * frame built by a far CALL or an event delivery: limit checks as for SS (expand-down
 * too) with #SS(ss_error), then linear writes as a supervisor when cpl < 3.
 * In 64-bit mode offset is a linear address and must be canonical.
 */
enum exec_status seg_stack_write(struct cpu *cpu, const struct segment *ss, uint64_t offset,
				 const void *buf, unsigned size, unsigned cpl, uint32_t ss_error);
/* The same check and read for popping (IRET, RET far). */
enum exec_status seg_stack_read(struct cpu *cpu, const struct segment *ss, uint64_t offset,
				void *buf, unsigned size, uint32_t ss_error);

/* DS, ES, FS, GS on return to an outer level: null those the new CPL may not use
 * (SDM Vol. 2, RET and IRET "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
void seg_null_invalid_data(struct cpu *cpu, unsigned new_cpl);

#endif
