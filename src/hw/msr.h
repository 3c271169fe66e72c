/* SPDX-License-Identifier: MIT */
/*
 * Model-specific registers and control registers whose state lives in struct cpu, with
 * the architectural checks of their writes (SDM Vol. 4, Chapter 2 "Model-Specific
 * Registers (MSRs)"; Vol. 3A, 2.5 "Control Registers"). RDMSR, WRMSR and MOV CR use
 * them, and so do L0's exit handlers when they emulate those instructions for L1:
 * nothing here depends on a decoded instruction.
 */
#ifndef NESTVM_HW_MSR_H
#define NESTVM_HW_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/* MSR indices (SDM Vol. 4, Table 2-2 "IA-32 Architectural MSRs"). */
#define MSR_IA32_TSC 0x00000010u
#define MSR_IA32_SPEC_CTRL 0x00000048u
#define MSR_IA32_SYSENTER_CS 0x00000174u
#define MSR_IA32_SYSENTER_ESP 0x00000175u
#define MSR_IA32_SYSENTER_EIP 0x00000176u
#define MSR_IA32_DEBUGCTL 0x000001d9u
#define MSR_IA32_PAT 0x00000277u
#define MSR_IA32_EFER 0xc0000080u
#define MSR_IA32_STAR 0xc0000081u
#define MSR_IA32_LSTAR 0xc0000082u
#define MSR_IA32_CSTAR 0xc0000083u
#define MSR_IA32_FMASK 0xc0000084u
#define MSR_IA32_FS_BASE 0xc0000100u
#define MSR_IA32_GS_BASE 0xc0000101u
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102u
#define MSR_IA32_TSC_AUX 0xc0000103u

/* IA32_SPEC_CTRL bits this CPU accepts. */
#define SPEC_CTRL_IBRS (1ull << 0)
#define SPEC_CTRL_STIBP (1ull << 1)
#define SPEC_CTRL_SSBD (1ull << 2)

/* IA32_DEBUGCTL bits this CPU accepts (SDM Vol. 3B, 18.4.1 "IA32_DEBUGCTL MSR"). */
#define DEBUGCTL_LBR (1ull << 0)
#define DEBUGCTL_BTF (1ull << 1)

/*
 * What this CPU model implements. L0 derives the CPUID bits and the VMX capability MSRs
 * IA32_VMX_CR0_FIXED1, IA32_VMX_CR4_FIXED1 from these, so that they cannot disagree.
 * PKE is absent (struct cpu holds no PKRU), SMXE too (no SMX), CET too.
 */
#define MSR_EFER_SUPPORTED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define MSR_CR0_SUPPORTED                                                             \
	(CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | \
	 CR0_CD | CR0_PG)
#define MSR_CR4_SUPPORTED                                                            \
	(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | \
	 CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_UMIP | CR4_LA57 | CR4_VMXE |        \
	 CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE | CR4_SMEP | CR4_SMAP)

#define MSR_MAXPHYADDR CPU_MAXPHYADDR

/* CR3 with CR4.PCIDE=1: bit 63 of the source asks MOV to CR3 not to flush (4.10.4.1). */
#define CR3_PCID_NOFLUSH (1ull << 63)
#define CR3_PCID_MASK 0xfffull

/* DR6 and DR7 (SDM Vol. 3B, 18.2.3 "Debug Status Register", 18.2.4 "Debug Control Register"). */
#define DR6_BD (1ull << 13)
#define DR6_FIXED1 0xffff0ff0ull  /* bits 4-11 and 16-31 read as 1 (no RTM, no bus-lock) */
#define DR6_WRITABLE 0x0000e00full /* B0-B3, BD, BS, BT */
#define DR7_GD (1ull << 13)
#define DR7_FIXED1 0x00000400ull
#define DR7_WRITABLE 0xffff23ffull

/* The linear-address width that canonical checks use: 57 with CR4.LA57, else 48. */
static inline unsigned msr_linear_width(const struct cpu *cpu)
{
	return (cpu->cr4 & CR4_LA57) ? 57 : 48;
}

/*
 * RDMSR and WRMSR of one MSR. Unknown MSRs, reserved bits, non-canonical addresses and
 * invalid values return EXEC_FAULT with #GP(0) in cpu->fault and change nothing.
 */
enum exec_status msr_read(struct cpu *cpu, uint32_t index, uint64_t *value);
enum exec_status msr_write(struct cpu *cpu, uint32_t index, uint64_t value);

/*
 * MOV to CR0, CR3, CR4, CR8 with every #GP check of SDM Vol. 2B "MOV—Move to/from
 * Control Registers", the PAE PDPTE loads (Vol. 3A, 4.4.1), EFER.LMA on paging changes
 * (Vol. 3A, 10.8.5 "Initializing IA-32e Mode"), the TLB invalidations of 4.10.4.1 and
 * cpu_update_mode(). value is the full source register (the caller truncates it to 32
 * bits outside 64-bit mode). A fault leaves every register unchanged.
 */
enum exec_status msr_write_cr(struct cpu *cpu, unsigned cr, uint64_t value);
/* MOV from CRn: CR0, CR2, CR3, CR4, CR8 (the TPR, bits 3:0). */
uint64_t msr_read_cr(const struct cpu *cpu, unsigned cr);
/* Is cr a control register that MOV CR can name (0, 2, 3, 4, 8)? */
static inline bool msr_cr_exists(unsigned cr)
{
	return cr == 0 || cr == 2 || cr == 3 || cr == 4 || cr == 8;
}

#endif
