/* SPDX-License-Identifier: MIT */
/*
 * Control registers and the MSRs held in struct cpu: their reads and their checked
 * writes (SDM Vol. 3A, 2.5 "Control Registers"; Vol. 4, Table 2-2 "IA-32 Architectural
 * MSRs"). CR0 and IA32_EFER live together because each write checks the other.
 */
#include "hw/msr.h"

#include "hw/paging.h"
#include "hw/tlb.h"
#include "util/bits.h"

static bool is_canonical(const struct cpu *cpu, uint64_t addr)
{
	return bits_is_canonical(addr, msr_linear_width(cpu));
}

/* PAE paging is in use: CR0.PG=1, CR4.PAE=1, IA32_EFER.LMA=0 (SDM Vol. 3A, 4.1.1). */
static bool is_pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

/* IA32_PAT: each of the eight entries must be UC, WC, WT, WP, WB or UC- (SDM Vol. 3A, 13.12.2). */
static bool is_valid_pat(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned type = (pat >> (i * 8)) & 0xff;

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * MOV to CR0 (SDM Vol. 2B, "MOV—Move to/from Control Registers"; Vol. 3A, 2.5 and
 * 10.8.5 "Initializing IA-32e Mode").
 */
static enum exec_status write_cr0(struct cpu *cpu, uint64_t value)
{
	uint64_t old = cpu->cr0;
	uint64_t efer = cpu->efer;
	enum exec_status st;

	/* Bits 63:32 must be zero; setting reserved bits of CR0[31:0] is ignored (2.5). */
	if (value >> 32)
		return cpu_gp0(cpu);
	value = (value & MSR_CR0_SUPPORTED) | CR0_ET; /* ET is hardwired to 1 */

	if ((value & CR0_PG) && !(value & CR0_PE))
		return cpu_gp0(cpu);
	if ((value & CR0_NW) && !(value & CR0_CD))
		return cpu_gp0(cpu);

	if (!(old & CR0_PG) && (value & CR0_PG) && (efer & EFER_LME)) {
		/* Activating IA-32e mode needs PAE, and a CS that is not already 64-bit. */
		if (!(cpu->cr4 & CR4_PAE))
			return cpu_gp0(cpu);
		if (cpu->seg[SEG_CS].ar & AR_L)
			return cpu_gp0(cpu);
		efer |= EFER_LMA;
	}
	if ((old & CR0_PG) && !(value & CR0_PG)) {
		/* Paging may be turned off from compatibility mode only, and not with PCIDs. */
		if (cpu->cr4 & CR4_PCIDE)
			return cpu_gp0(cpu);
		if (cpu_is_long64(cpu))
			return cpu_gp0(cpu);
		efer &= ~EFER_LMA;
	}

	/* 4.4.1: PDPTEs load when PAE paging follows a change of CD, NW or PG. */
	if (is_pae_paging(value, cpu->cr4, efer) && ((old ^ value) & (CR0_PG | CR0_CD | CR0_NW))) {
		st = paging_load_pdptes(cpu, cpu->cr3);
		if (st != EXEC_OK)
			return st;
	}

	cpu->cr0 = value;
	cpu->efer = efer;
	/* The software TLB caches translations and WP-dependent write permission. */
	/* WP needs no flush: no cached write permission depends on it (access.c). */
	if ((old ^ value) & CR0_PG)
		tlb_flush_all(cpu);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/*
 * MOV to CR3 (SDM Vol. 3A, 4.10.4.1 "Operations that Invalidate TLBs and
 * Paging-Structure Caches").
 */
static enum exec_status write_cr3(struct cpu *cpu, uint64_t value)
{
	bool noflush = false;
	enum exec_status st;

	if (cpu->cr4 & CR4_PCIDE) {
		noflush = (value & CR3_PCID_NOFLUSH) != 0;
		value &= ~CR3_PCID_NOFLUSH;
	}
	if (cpu->efer & EFER_LMA) {
		if (value >> MSR_MAXPHYADDR)
			return cpu_gp0(cpu);
	} else {
		value = (uint32_t)value;
	}

	if (is_pae_paging(cpu->cr0, cpu->cr4, cpu->efer)) {
		st = paging_load_pdptes(cpu, value);
		if (st != EXEC_OK)
			return st;
	}

	cpu->cr3 = value;
	if (!(cpu->cr4 & CR4_PCIDE))
		tlb_flush_nonglobal(cpu);
	else if (!noflush)
		tlb_flush_pcid(cpu, value & CR3_PCID_MASK);
	return EXEC_OK;
}

/* MOV to CR4 (SDM Vol. 2B, "MOV—Move to/from Control Registers"; Vol. 3A, 2.5, 4.10.1). */
static enum exec_status write_cr4(struct cpu *cpu, uint64_t value)
{
	uint64_t old = cpu->cr4;
	uint64_t changed = old ^ value;
	bool ia32e = (cpu->efer & EFER_LMA) != 0;
	enum exec_status st;

	if (value & ~MSR_CR4_SUPPORTED)
		return cpu_gp0(cpu);
	if (ia32e && !(value & CR4_PAE))
		return cpu_gp0(cpu);
	if (ia32e && (changed & CR4_LA57))
		return cpu_gp0(cpu);
	/* 4.10.1: PCIDs are enabled only in IA-32e mode, and only while CR3[11:0] = 0. */
	if (!(old & CR4_PCIDE) && (value & CR4_PCIDE)) {
		if (!ia32e || (cpu->cr3 & CR3_PCID_MASK))
			return cpu_gp0(cpu);
	}

	/* 4.4.1: PDPTEs load when PAE paging follows a change of PAE, PGE, PSE or SMEP. */
	if (is_pae_paging(cpu->cr0, value, cpu->efer) &&
	    (changed & (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP))) {
		st = paging_load_pdptes(cpu, cpu->cr3);
		if (st != EXEC_OK)
			return st;
	}

	cpu->cr4 = value;
	/*
	 * 4.10.4.1: changing PGE, or clearing PCIDE, invalidates everything; the paging-mode
	 * and permission bits change what the software TLB has cached, so they flush too.
	 */
	if (changed & (CR4_PGE | CR4_PCIDE | CR4_PAE | CR4_PSE | CR4_LA57 | CR4_SMEP | CR4_SMAP))
		tlb_flush_all(cpu);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

enum exec_status msr_write_cr(struct cpu *cpu, unsigned cr, uint64_t value)
{
	switch (cr) {
	case 0:
		return write_cr0(cpu, value);
	case 2:
		cpu->cr2 = value;
		return EXEC_OK;
	case 3:
		return write_cr3(cpu, value);
	case 4:
		return write_cr4(cpu, value);
	case 8:
		/* The TPR: bits 63:4 are reserved (SDM Vol. 3A, 11.8.6.1). */
		if (value & ~0xfull)
			return cpu_gp0(cpu);
		cpu->cr8 = value;
		return EXEC_OK;
	default:
		return cpu_ud(cpu);
	}
}

uint64_t msr_read_cr(const struct cpu *cpu, unsigned cr)
{
	switch (cr) {
	case 0:
		return cpu->cr0;
	case 2:
		return cpu->cr2;
	case 3:
		return cpu->cr3;
	case 4:
		return cpu->cr4;
	case 8:
		return cpu->cr8 & 0xf;
	default:
		return 0;
	}
}

/* IA32_EFER (SDM Vol. 3A, 2.2.1 "Extended Feature Enable Register"). */
static enum exec_status write_efer(struct cpu *cpu, uint64_t value)
{
	uint64_t old = cpu->efer;

	if (value & ~MSR_EFER_SUPPORTED)
		return cpu_gp0(cpu);
	/* 10.8.5: LME cannot change while paging is enabled. */
	if (((old ^ value) & EFER_LME) && cpu_paging(cpu))
		return cpu_gp0(cpu);
	/* LMA is read-only: the processor sets it when paging is enabled with LME=1. */
	value = (value & ~EFER_LMA) | (old & EFER_LMA);
	cpu->efer = value;
	/* NXE changes what the software TLB cached as executable. */
	if ((old ^ value) & EFER_NXE)
		tlb_flush_all(cpu);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

enum exec_status msr_read(struct cpu *cpu, uint32_t index, uint64_t *value)
{
	const struct cpu_msrs *m = &cpu->msr;

	switch (index) {
	case MSR_IA32_TSC:
		*value = cpu->tsc;
		break;
	case MSR_IA32_SPEC_CTRL:
		*value = m->spec_ctrl;
		break;
	case MSR_IA32_SYSENTER_CS:
		*value = m->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*value = m->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*value = m->sysenter_eip;
		break;
	case MSR_IA32_DEBUGCTL:
		*value = m->debugctl;
		break;
	case MSR_IA32_PAT:
		*value = m->pat;
		break;
	case MSR_IA32_EFER:
		*value = cpu->efer;
		break;
	case MSR_IA32_STAR:
		*value = m->star;
		break;
	case MSR_IA32_LSTAR:
		*value = m->lstar;
		break;
	case MSR_IA32_CSTAR:
		*value = m->cstar;
		break;
	case MSR_IA32_FMASK:
		*value = m->fmask;
		break;
	case MSR_IA32_FS_BASE:
		*value = cpu->seg[SEG_FS].base;
		break;
	case MSR_IA32_GS_BASE:
		*value = cpu->seg[SEG_GS].base;
		break;
	case MSR_IA32_KERNEL_GS_BASE:
		*value = m->kernel_gs_base;
		break;
	case MSR_IA32_TSC_AUX:
		*value = m->tsc_aux;
		break;
	default:
		return cpu_gp0(cpu);
	}
	return EXEC_OK;
}

enum exec_status msr_write(struct cpu *cpu, uint32_t index, uint64_t value)
{
	struct cpu_msrs *m = &cpu->msr;

	switch (index) {
	case MSR_IA32_TSC:
		cpu->tsc = value;
		return EXEC_OK;
	case MSR_IA32_SPEC_CTRL:
		if (value & ~(SPEC_CTRL_IBRS | SPEC_CTRL_STIBP | SPEC_CTRL_SSBD))
			return cpu_gp0(cpu);
		m->spec_ctrl = value;
		return EXEC_OK;
	case MSR_IA32_SYSENTER_CS:
		/* Bits 63:32 are not used: writes ignore them, reads return zero. */
		m->sysenter_cs = (uint32_t)value;
		return EXEC_OK;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!is_canonical(cpu, value))
			return cpu_gp0(cpu);
		if (index == MSR_IA32_SYSENTER_ESP)
			m->sysenter_esp = value;
		else
			m->sysenter_eip = value;
		return EXEC_OK;
	case MSR_IA32_DEBUGCTL:
		if (value & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
			return cpu_gp0(cpu);
		m->debugctl = value;
		return EXEC_OK;
	case MSR_IA32_PAT:
		if (!is_valid_pat(value))
			return cpu_gp0(cpu);
		m->pat = value;
		return EXEC_OK;
	case MSR_IA32_EFER:
		return write_efer(cpu, value);
	case MSR_IA32_STAR:
		m->star = value;
		return EXEC_OK;
	case MSR_IA32_LSTAR:
	case MSR_IA32_CSTAR:
		if (!is_canonical(cpu, value))
			return cpu_gp0(cpu);
		if (index == MSR_IA32_LSTAR)
			m->lstar = value;
		else
			m->cstar = value;
		return EXEC_OK;
	case MSR_IA32_FMASK:
		/* Bits 63:32 are reserved; the mask applies to EFLAGS (bits 31:0). */
		m->fmask = (uint32_t)value;
		return EXEC_OK;
	case MSR_IA32_FS_BASE:
	case MSR_IA32_GS_BASE:
	case MSR_IA32_KERNEL_GS_BASE:
		if (!is_canonical(cpu, value))
			return cpu_gp0(cpu);
		if (index == MSR_IA32_FS_BASE)
			cpu->seg[SEG_FS].base = value;
		else if (index == MSR_IA32_GS_BASE)
			cpu->seg[SEG_GS].base = value;
		else
			m->kernel_gs_base = value;
		return EXEC_OK;
	case MSR_IA32_TSC_AUX:
		if (value >> 32)
			return cpu_gp0(cpu);
		m->tsc_aux = value;
		return EXEC_OK;
	default:
		return cpu_gp0(cpu);
	}
}
