/* SPDX-License-Identifier: MIT */
/*
 * VM entry, the non-root run loop and VM exit (SDM Vol. 3C, Chapter 27 "VM Entries",
 * 26.7 "VMX-Preemption Timer", 27.7 "VM-Exits Induced by VM Entry", Chapter 28 "VM
 * Exits").
 */
#include "hw/vmx/vmx.h"

#include <string.h>

#include "hw/event.h"
#include "hw/exec.h"
#include "hw/flags.h"
#include "hw/paging.h"
#include "hw/tlb.h"
#include "hw/vmx/vmexit.h"
#include "hw/vmx/vmx_arch.h"

/* Selector, base, limit and access-rights fields of one segment register. */
struct seg_fields {
	size_t sel, base, limit, ar;
};

#define SEG_FIELDS(s)                                                              \
	{                                                                          \
		offsetof(struct vmcs, guest_##s##_selector),                          \
		offsetof(struct vmcs, guest_##s##_base),                          \
		offsetof(struct vmcs, guest_##s##_limit),                         \
		offsetof(struct vmcs, guest_##s##_ar_bytes)                       \
	}

static const struct seg_fields seg_fields[8] = {
	SEG_FIELDS(es), SEG_FIELDS(cs), SEG_FIELDS(ss), SEG_FIELDS(ds),
	SEG_FIELDS(fs), SEG_FIELDS(gs), SEG_FIELDS(ldtr), SEG_FIELDS(tr),
};

static void *field(struct vmcs *v, size_t off)
{
	return (uint8_t *)v + off;
}

bool vmx_machine_read(const struct cpu *cpu, uint64_t hpa, void *buf, unsigned size)
{
	const struct slat *slat = cpu->slat;

	if (hpa >= slat->ram_size || size > slat->ram_size - hpa) {
		memset(buf, 0xff, size);
		return false;
	}
	memcpy(buf, slat->ram + hpa, size);
	return true;
}

/* SDM 27.3.2.1–27.3.2.4: control registers, MSRs, segment registers, RIP/RSP/RFLAGS. */
static void load_guest_state(struct cpu *cpu, struct vmcs *v)
{
	uint32_t entry = v->vm_entry_controls;

	cpu->cr0 = v->guest_cr0;
	cpu->cr3 = v->guest_cr3;
	cpu->cr4 = v->guest_cr4;
	if (entry & VM_ENTRY_LOAD_DEBUG_CONTROLS) {
		cpu->dr[7] = v->guest_dr7;
		cpu->msr.debugctl = v->guest_ia32_debugctl;
	}
	cpu->msr.sysenter_cs = v->guest_sysenter_cs;
	cpu->msr.sysenter_esp = v->guest_sysenter_esp;
	cpu->msr.sysenter_eip = v->guest_sysenter_eip;
	if (entry & VM_ENTRY_LOAD_IA32_PAT)
		cpu->msr.pat = v->guest_ia32_pat;
	if (entry & VM_ENTRY_LOAD_IA32_EFER) {
		cpu->efer = v->guest_ia32_efer;
	} else {
		/* LMA and LME follow the "IA-32e mode guest" control (SDM 27.3.2.1). */
		cpu->efer &= ~(EFER_LMA | EFER_LME);
		if (entry & VM_ENTRY_IA32E_MODE)
			cpu->efer |= EFER_LMA | EFER_LME;
	}
	for (unsigned s = 0; s < 8; s++) {
		struct segment *seg = &cpu->seg[s];
		seg->selector = *(uint16_t *)field(v, seg_fields[s].sel);
		seg->base = *(uint64_t *)field(v, seg_fields[s].base);
		seg->limit = *(uint32_t *)field(v, seg_fields[s].limit);
		seg->ar = *(uint32_t *)field(v, seg_fields[s].ar) & 0x1f0ff;
	}
	cpu->gdtr.base = v->guest_gdtr_base;
	cpu->gdtr.limit = v->guest_gdtr_limit & 0xffff;
	cpu->idtr.base = v->guest_idtr_base;
	cpu->idtr.limit = v->guest_idtr_limit & 0xffff;
	cpu->gpr[R_RSP] = v->guest_rsp;
	cpu->rip = v->guest_rip;
	flags_write(cpu, v->guest_rflags);
	cpu->interruptibility = v->guest_interruptibility_info;
	cpu->activity = (enum activity_state)v->guest_activity_state;
	cpu_update_mode(cpu);

	/* PAE paging without EPT loads the PDPTEs from CR3; with EPT from the VMCS. */
	if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) && !(cpu->efer & EFER_LMA)) {
		if (v->secondary_vm_exec_control & SECONDARY_EXEC_ENABLE_EPT) {
			cpu->pdpte[0] = v->guest_pdptr0;
			cpu->pdpte[1] = v->guest_pdptr1;
			cpu->pdpte[2] = v->guest_pdptr2;
			cpu->pdpte[3] = v->guest_pdptr3;
		} else {
			paging_load_pdptes(cpu, cpu->cr3);
		}
	}
}

/* SDM 28.3: guest-state area written at every VM exit. */
void vmx_save_guest_state(struct cpu *cpu, struct vmcs *v)
{
	uint32_t exitc = v->vm_exit_controls;

	v->guest_cr0 = cpu->cr0;
	v->guest_cr3 = cpu->cr3;
	v->guest_cr4 = cpu->cr4;
	if (exitc & VM_EXIT_SAVE_DEBUG_CONTROLS) {
		v->guest_dr7 = cpu->dr[7];
		v->guest_ia32_debugctl = cpu->msr.debugctl;
	}
	v->guest_sysenter_cs = (uint32_t)cpu->msr.sysenter_cs;
	v->guest_sysenter_esp = cpu->msr.sysenter_esp;
	v->guest_sysenter_eip = cpu->msr.sysenter_eip;
	if (exitc & VM_EXIT_SAVE_IA32_PAT)
		v->guest_ia32_pat = cpu->msr.pat;
	if (exitc & VM_EXIT_SAVE_IA32_EFER)
		v->guest_ia32_efer = cpu->efer;
	/* The "IA-32e mode guest" entry control reflects EFER.LMA (SDM 28.2). */
	if (cpu->efer & EFER_LMA)
		v->vm_entry_controls |= VM_ENTRY_IA32E_MODE;
	else
		v->vm_entry_controls &= ~VM_ENTRY_IA32E_MODE;
	for (unsigned s = 0; s < 8; s++) {
		const struct segment *seg = &cpu->seg[s];
		*(uint16_t *)field(v, seg_fields[s].sel) = seg->selector;
		*(uint64_t *)field(v, seg_fields[s].base) = seg->base;
		*(uint32_t *)field(v, seg_fields[s].limit) = seg->limit;
		*(uint32_t *)field(v, seg_fields[s].ar) = seg->ar;
	}
	v->guest_gdtr_base = cpu->gdtr.base;
	v->guest_gdtr_limit = cpu->gdtr.limit;
	v->guest_idtr_base = cpu->idtr.base;
	v->guest_idtr_limit = cpu->idtr.limit;
	v->guest_rsp = cpu->gpr[R_RSP];
	v->guest_rip = cpu->rip;
	v->guest_rflags = flags_read(cpu);
	v->guest_interruptibility_info = cpu->interruptibility;
	v->guest_activity_state = cpu->activity;
	if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) && !(cpu->efer & EFER_LMA)) {
		v->guest_pdptr0 = cpu->pdpte[0];
		v->guest_pdptr1 = cpu->pdpte[1];
		v->guest_pdptr2 = cpu->pdpte[2];
		v->guest_pdptr3 = cpu->pdpte[3];
	}
}

/* SDM 28.2: exit information fields. */
static void record_exit(struct cpu *cpu, struct vmcs *v)
{
	const struct vmexit_info *e = &cpu->exit;

	v->vm_exit_reason = e->reason;
	v->exit_qualification = e->qualification;
	v->guest_linear_address = e->guest_linear;
	v->guest_physical_address = e->guest_physical;
	v->vm_exit_intr_info = e->intr_info;
	v->vm_exit_intr_error_code = e->intr_error;
	v->idt_vectoring_info_field = e->idt_vectoring_info;
	v->idt_vectoring_error_code = e->idt_vectoring_error;
	v->vm_exit_instruction_len = e->insn_len;
	v->vmx_instruction_info = e->insn_info;
	/* The valid bit of the VM-entry interruption information is cleared (SDM 28.2). */
	v->vm_entry_intr_info_field &= ~INTR_INFO_VALID_MASK;
}

/* SDM 27.6 "Event Injection". */
static enum exec_status inject_event(struct cpu *cpu, struct vmcs *v)
{
	uint32_t info = v->vm_entry_intr_info_field;
	uint8_t vector = info & INTR_INFO_VECTOR_MASK;
	enum event_type type = (enum event_type)((info & INTR_INFO_INTR_TYPE_MASK) >> 8);
	bool has_error = (info & INTR_INFO_DELIVER_CODE_MASK) != 0;
	uint64_t ret = cpu->rip;

	if (!(info & INTR_INFO_VALID_MASK))
		return EXEC_OK;
	if (type == EVENT_SOFT_INT || type == EVENT_SOFT_EXC || type == EVENT_PRIV_SOFT_EXC)
		ret += v->vm_entry_instruction_len;
	if (type == EVENT_NMI)
		cpu->interruptibility |= INTR_BLOCK_NMI;
	cpu->activity = ACTIVITY_ACTIVE;
	return event_inject(cpu, vector, type, has_error, v->vm_entry_exception_error_code, ret);
}

/* Events that are pending at an instruction boundary (SDM Vol. 3C, 26.7.5, 26.7.6). */
static bool window_exit(struct cpu *cpu, struct vmcs *v)
{
	uint32_t proc = v->cpu_based_vm_exec_control;

	/*
	 * NMI window: no virtual-NMI blocking and no MOV-SS blocking; this processor also
	 * holds the exit back while STI blocks events, as SDM 26.7.6 allows.
	 */
	if ((proc & CPU_BASED_NMI_WINDOW_EXITING) &&
	    !(cpu->interruptibility & (INTR_BLOCK_NMI | INTR_BLOCK_MOV_SS | INTR_BLOCK_STI))) {
		vmexit(cpu, EXIT_REASON_NMI_WINDOW, 0);
		return true;
	}
	if ((proc & CPU_BASED_INTR_WINDOW_EXITING) && (cpu->rflags & RFLAGS_IF) &&
	    !(cpu->interruptibility & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))) {
		vmexit(cpu, EXIT_REASON_INTERRUPT_WINDOW, 0);
		return true;
	}
	return false;
}

void vmx_run(struct cpu *cpu, struct vmcs *vmcs, const struct slat *slat)
{
	bool timer = (vmcs->pin_based_vm_exec_control & PIN_BASED_VMX_PREEMPTION_TIMER) != 0;
	uint64_t deadline = 0;

	cpu->vmcs = vmcs;
	cpu->slat = slat;
	memset(&cpu->exit, 0, sizeof(cpu->exit));
	cpu->in_event_delivery = false;
	/* Cached translations belong to one (VPID, EPTP): without VPID, entry flushes. */
	if (cpu->tlb.slat != slat || !(vmcs->secondary_vm_exec_control & SECONDARY_EXEC_ENABLE_VPID))
		tlb_flush_all(cpu);
	cpu->tlb.slat = slat;
	load_guest_state(cpu, vmcs);
	if (timer)
		deadline = ((cpu->tsc >> VMX_PREEMPTION_TIMER_RATE) +
			    vmcs->vmx_preemption_timer_value) << VMX_PREEMPTION_TIMER_RATE;

	if (inject_event(cpu, vmcs) == EXEC_VMEXIT)
		goto out;
	/* Window exiting is checked at every boundary only if a control asks for it. */
	bool windows = (vmcs->cpu_based_vm_exec_control &
			(CPU_BASED_NMI_WINDOW_EXITING | CPU_BASED_INTR_WINDOW_EXITING)) != 0;
	if (!timer)
		deadline = UINT64_MAX;
	/* A timer value of zero exits before the first instruction (SDM 26.7.4). */
	for (;;) {
		if (cpu->tsc >= deadline) {
			vmexit(cpu, EXIT_REASON_PREEMPTION_TIMER, 0);
			break;
		}
		if (windows && window_exit(cpu, vmcs))
			break;
		if (cpu->activity != ACTIVITY_ACTIVE) {
			/* Halted: nothing inside the CPU wakes it; time runs to the timer. */
			if (timer) {
				cpu->tsc = deadline;
				continue;
			}
			vmexit(cpu, EXIT_REASON_HLT, 0);
			break;
		}
		if (exec_one(cpu) == EXEC_VMEXIT)
			break;
		if (cpu->ext_intr && (vmcs->pin_based_vm_exec_control & PIN_BASED_EXT_INTR_MASK)) {
			cpu->ext_intr = false;
			vmexit(cpu, EXIT_REASON_EXTERNAL_INTERRUPT, 0);
			break;
		}
	}
out:
	if (timer && (vmcs->vm_exit_controls & VM_EXIT_SAVE_VMX_PREEMPTION_TIMER))
		vmcs->vmx_preemption_timer_value =
			cpu->tsc >= deadline ? 0
					     : (uint32_t)((deadline - cpu->tsc) >> VMX_PREEMPTION_TIMER_RATE);
	vmx_save_guest_state(cpu, vmcs);
	record_exit(cpu, vmcs);
}
