/* SPDX-License-Identifier: MIT */
/*
 * The architectural state of one software x86-64 logical processor (SDM Vol. 3A,
 * Chapter 2 "System Architecture Overview"), as hw/ keeps it while it runs guest code
 * in VMX non-root operation.
 */
#ifndef NESTVM_HW_CPU_H
#define NESTVM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/slat.h"

struct vmcs;
struct insn;
struct decode_cache;

enum gpr {
	R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI,
	R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment registers in the SDM's encoding order (ES=0 … GS=5), then LDTR and TR. */
enum seg_reg {
	SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR,
	SEG_NONE = 0xff,
};

/*
 * Hidden part of a segment register. The attributes use the VMCS access-rights layout
 * (SDM Vol. 3C, 25.4.1 "Guest Register State", Table 25-2) so that VM entry and exit
 * copy them unchanged.
 */
struct segment {
	uint16_t selector;
	uint64_t base;
	uint32_t limit; /* byte granular, already expanded for G=1 */
	uint32_t ar;
};

#define AR_TYPE_MASK 0xfu
#define AR_TYPE_ACCESSED (1u << 0)
#define AR_TYPE_RW (1u << 1)   /* data: writable; code: readable */
#define AR_TYPE_DC (1u << 2)   /* data: expand-down; code: conforming */
#define AR_TYPE_CODE (1u << 3)
#define AR_S (1u << 4)         /* descriptor type: 1 = code or data */
#define AR_DPL_SHIFT 5
#define AR_DPL_MASK (3u << 5)
#define AR_P (1u << 7)
#define AR_AVL (1u << 12)
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define AR_G (1u << 15)
#define AR_UNUSABLE (1u << 16)

struct dtable {
	uint64_t base;
	uint32_t limit;
};

/* RFLAGS bits (SDM Vol. 1, 3.4.3 "EFLAGS Register"). */
#define RFLAGS_CF (1u << 0)
#define RFLAGS_FIXED1 (1u << 1)
#define RFLAGS_PF (1u << 2)
#define RFLAGS_AF (1u << 4)
#define RFLAGS_ZF (1u << 6)
#define RFLAGS_SF (1u << 7)
#define RFLAGS_TF (1u << 8)
#define RFLAGS_IF (1u << 9)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_OF (1u << 11)
#define RFLAGS_IOPL_SHIFT 12
#define RFLAGS_IOPL (3u << 12)
#define RFLAGS_NT (1u << 14)
#define RFLAGS_RF (1u << 16)
#define RFLAGS_VM (1u << 17)
#define RFLAGS_AC (1u << 18)
#define RFLAGS_VIF (1u << 19)
#define RFLAGS_VIP (1u << 20)
#define RFLAGS_ID (1u << 21)
#define RFLAGS_DEFINED 0x3f7fd5ull /* every bit that is not reserved */
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)

/* Control registers (SDM Vol. 3A, 2.5 "Control Registers"). */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME (1ull << 0)
#define CR4_PVI (1ull << 1)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP (1ull << 11)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define CR4_SMXE (1ull << 14)
#define CR4_FSGSBASE (1ull << 16)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PKE (1ull << 22)

#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Exception vectors (SDM Vol. 3A, Table 6-1). */
enum vector {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5,
	VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12,
	VEC_GP = 13, VEC_PF = 14, VEC_MF = 16, VEC_AC = 17, VEC_MC = 18, VEC_XM = 19,
	VEC_VE = 20, VEC_CP = 21,
};

/* Page-fault error code bits (SDM Vol. 3A, 4.7 "Page-Fault Exceptions"). */
#define PFEC_P (1u << 0)
#define PFEC_W (1u << 1)
#define PFEC_U (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_I (1u << 4)
#define PFEC_PK (1u << 5)

/* Physical-address width the CPU implements (CPUID.80000008H:EAX[7:0]). */
#define CPU_MAXPHYADDR 46

/* Operating mode, recomputed by cpu_update_mode() after CR0, EFER, CS or RFLAGS.VM change. */
enum cpu_mode {
	MODE_REAL,
	MODE_V86,
	MODE_PROT16,
	MODE_PROT32,
	MODE_COMPAT16,
	MODE_COMPAT32,
	MODE_LONG64,
};

/* Result of executing one instruction or one step of event delivery. */
enum exec_status {
	EXEC_OK = 0,
	EXEC_FAULT,  /* cpu->fault holds an exception to deliver */
	EXEC_VMEXIT, /* a VM exit was recorded in the current VMCS; stop running */
};

/* An exception raised by an instruction, not yet delivered. */
struct fault {
	uint8_t vector;
	bool has_error;
	uint32_t error;
};

/* VMX interruption types (SDM Vol. 3C, 25.8.3 "VM-Entry Controls for Event Injection"). */
enum event_type {
	EVENT_EXT_INT = 0,
	EVENT_NMI = 2,
	EVENT_HW_EXC = 3,
	EVENT_SOFT_INT = 4,
	EVENT_PRIV_SOFT_EXC = 5, /* INT1 */
	EVENT_SOFT_EXC = 6,      /* INT3, INTO */
	EVENT_OTHER = 7,
};

/* Interruptibility state (SDM Vol. 3C, 25.4.2 "Guest Non-Register State", Table 25-3). */
#define INTR_BLOCK_STI (1u << 0)
#define INTR_BLOCK_MOV_SS (1u << 1)
#define INTR_BLOCK_SMI (1u << 2)
#define INTR_BLOCK_NMI (1u << 3)

enum activity_state {
	ACTIVITY_ACTIVE = 0,
	ACTIVITY_HLT = 1,
	ACTIVITY_SHUTDOWN = 2,
	ACTIVITY_WAIT_SIPI = 3,
};

/* Model-specific registers that are part of guest state (SDM Vol. 4). */
struct cpu_msrs {
	uint64_t star, lstar, cstar, fmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t pat;
	uint64_t tsc_aux;
	uint64_t debugctl;
	uint64_t spec_ctrl;
};

/*
 * x87 FPU state (SDM Vol. 1, Chapter 8 "Programming with the x87 FPU"). Registers are
 * physical R0..R7 in 80-bit double-extended format: 64-bit significand and 16-bit
 * sign+exponent. Owned by insn_x87.c (and FXSAVE/XSAVE).
 */
struct x87_state {
	uint64_t signif[8];
	uint16_t sign_exp[8];
	uint16_t fcw, fsw;
	uint16_t ftw;   /* full tag word, 2 bits per physical register (11b = empty) */
	uint16_t fop;
	uint16_t fcs, fds;
	uint64_t fip, fdp;
};

/*
 * SSE/AVX state (SDM Vol. 1, Chapters 10–14): 16 YMM registers (XMM is the low half)
 * and MXCSR. Owned by insn_sse*.c (and FXSAVE/XSAVE).
 */
struct simd_state {
	uint8_t ymm[16][32] __attribute__((aligned(32)));
	uint32_t mxcsr;
};

/* Software TLB: separate read/write/fetch arrays keyed by linear page (STYLE.md 7). */
#define TLB_BITS 8
#define TLB_ENTRIES (1u << TLB_BITS)
struct tlb_entry {
	uint64_t tag;    /* (linear page << 1) | user, or TLB_INVALID */
	uint8_t *host;   /* host pointer to the start of the page */
	uint64_t hpa;    /* machine-physical page address (offset in machine RAM) */
	uint16_t pcid;
	bool global;
	uint32_t epoch;  /* valid only while it equals the TLB's epoch (global: global_epoch) */
};
#define TLB_INVALID (~0ull)

struct tlb {
	struct tlb_entry read[TLB_ENTRIES];
	struct tlb_entry write[TLB_ENTRIES];
	struct tlb_entry fetch[TLB_ENTRIES];
	const struct slat *slat; /* the translation the entries were filled under */
	/* Whole-TLB flushes bump these instead of touching every entry. */
	uint32_t epoch, global_epoch;
};

/* Exit information latched by hw/ and written into the VMCS at VM exit. */
struct vmexit_info {
	uint32_t reason;
	uint64_t qualification;
	uint64_t guest_linear;
	uint64_t guest_physical;
	uint32_t intr_info;
	uint32_t intr_error;
	uint32_t idt_vectoring_info;
	uint32_t idt_vectoring_error;
	uint32_t insn_len;
	uint32_t insn_info;
};

struct cpu {
	/* General-purpose state. */
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t next_rip; /* rip of the following instruction while one executes */

	/* RFLAGS: arithmetic bits live lazily in flags (see hw/flags.h). */
	uint64_t rflags;
	struct {
		uint64_t dst, src, res;
		uint32_t op;
		uint8_t size;
	} lazy;

	struct segment seg[8];
	struct dtable gdtr, idtr;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t xcr0;
	uint64_t dr[8];
	uint64_t efer;
	struct cpu_msrs msr;
	struct x87_state x87;
	struct simd_state simd;

	/* Vendor personality where Intel and AMD processors differ (SYSCALL, SYSENTER). */
	bool vendor_amd;

	/* Derived state. */
	enum cpu_mode mode;
	uint8_t cpl;

	/* Non-register state. */
	uint32_t interruptibility;
	enum activity_state activity;
	uint64_t pdpte[4]; /* PAE PDPTEs, loaded on CR3 writes (SDM Vol. 3A, 4.4.1) */

	/* Time: deterministic, advanced per retired instruction. */
	uint64_t icount;
	uint64_t tsc;

	/* Data breakpoints (DR0–DR3) the current instruction hit: a #DB trap after it. */
	uint8_t dbg_hits;

	/* The exception being raised by the current instruction. */
	struct fault fault;
	uint64_t fault_addr;   /* linear address of the last #PF (exit qualification) */
	uint64_t cr2_before;   /* CR2 before that #PF: a #PF that exits leaves CR2 alone */
	uint64_t walk_linear;  /* the linear address being translated while walk_active */
	bool walk_active;

	/* Second-level translation (the EPT role) and physical memory. */
	const struct slat *slat;

	/* The VMCS this CPU runs under, and what the VM exit will report. */
	struct vmcs *vmcs;
	struct vmexit_info exit;
	bool in_event_delivery;  /* an exit now must report IDT-vectoring information */
	uint32_t delivering_info;
	uint32_t delivering_error;

	/*
	 * The code page instructions are being fetched from: while RIP stays in it, fetch
	 * skips the TLB. Dropped by every TLB flush and every mode or CPL change.
	 */
	struct {
		uint64_t linear_page; /* linear address >> 12, or ~0 when invalid */
		uint64_t hpa_page;    /* machine address of the page */
		uint32_t *gen;        /* its code generation word */
		uint8_t key;          /* decode key (mode, CS.D) it was filled for */
	} fetch_page;

	/* Caches. */
	struct tlb tlb;
	struct decode_cache *dcache;

	/* Scratch used by string instructions to know they were interrupted. */
	uint64_t stop_request; /* nonzero: leave the run loop at the next boundary */
	/*
	 * An interrupt is pending for the processor from outside (the platform raised one
	 * while the guest ran, e.g. through an MMIO write): with external-interrupt exiting
	 * it causes a VM exit at the next instruction boundary (SDM Vol. 3C, 26.2).
	 */
	bool ext_intr;
};

void cpu_init(struct cpu *cpu);
void cpu_destroy(struct cpu *cpu);
void cpu_update_mode(struct cpu *cpu);
void cpu_reset_x86(struct cpu *cpu); /* power-on register values (SDM Vol. 3A, 10.1.1) */

static inline bool cpu_is_long64(const struct cpu *cpu)
{
	return cpu->mode == MODE_LONG64;
}

static inline bool cpu_paging(const struct cpu *cpu)
{
	return (cpu->cr0 & CR0_PG) != 0;
}

static inline bool cpu_protected(const struct cpu *cpu)
{
	return (cpu->cr0 & CR0_PE) != 0;
}

/* Record a fault for the current instruction; returns EXEC_FAULT for `return cpu_fault(...)`. */
static inline enum exec_status cpu_fault(struct cpu *cpu, uint8_t vector)
{
	cpu->fault.vector = vector;
	cpu->fault.has_error = false;
	cpu->fault.error = 0;
	return EXEC_FAULT;
}

static inline enum exec_status cpu_fault_err(struct cpu *cpu, uint8_t vector, uint32_t error)
{
	cpu->fault.vector = vector;
	cpu->fault.has_error = true;
	cpu->fault.error = error;
	return EXEC_FAULT;
}

static inline enum exec_status cpu_gp0(struct cpu *cpu)
{
	return cpu_fault_err(cpu, VEC_GP, 0);
}

static inline enum exec_status cpu_ud(struct cpu *cpu)
{
	return cpu_fault(cpu, VEC_UD);
}

/* Is any DR7 breakpoint enabled (L0–L3, G0–G3)? Memory accesses then take the slow path. */
static inline bool cpu_breakpoints_armed(const struct cpu *cpu)
{
	return (cpu->dr[7] & 0xff) != 0;
}

static inline unsigned cpu_seg_dpl(const struct segment *s)
{
	return (s->ar & AR_DPL_MASK) >> AR_DPL_SHIFT;
}

#endif
