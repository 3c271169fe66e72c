/* SPDX-License-Identifier: MIT */
/*
 * Recording a VM exit raised inside the interpreter (SDM Vol. 3C, 28.2 "Recording
 * VM-Exit Information and Updating VM-Entry Control Fields").
 */
#include "hw/vmx/vmexit.h"

#include "hw/vmx/vmcs.h"
#include "hw/vmx/vmx_arch.h"

enum exec_status vmexit(struct cpu *cpu, uint32_t reason, uint64_t qualification)
{
	cpu->exit.reason = reason;
	cpu->exit.qualification = qualification;
	/* An exit during event delivery reports the event (SDM 28.2.4). */
	if (cpu->in_event_delivery) {
		cpu->exit.idt_vectoring_info = cpu->delivering_info | INTR_INFO_VALID_MASK;
		cpu->exit.idt_vectoring_error = cpu->delivering_error;
		cpu->in_event_delivery = false;
	}
	return EXEC_VMEXIT;
}

bool vmexit_exception_intercepted(const struct cpu *cpu, uint8_t vector, uint32_t error)
{
	const struct vmcs *v = cpu->vmcs;

	if (vector == VEC_PF) {
		/* #PF exits when bit 14 agrees with the error-code match (SDM 26.2). */
		bool match = (error & v->page_fault_error_code_mask) ==
			     v->page_fault_error_code_match;
		bool bit = (v->exception_bitmap >> VEC_PF) & 1;
		return bit ? match : !match;
	}
	if (vector == VEC_NMI)
		return (v->pin_based_vm_exec_control & PIN_BASED_NMI_EXITING) != 0;
	return vector < 32 && ((v->exception_bitmap >> vector) & 1);
}

enum exec_status vmexit_exception(struct cpu *cpu, uint8_t vector, enum event_type type,
				  bool has_error, uint32_t error)
{
	uint64_t qual = 0;

	cpu->exit.intr_info = vector | ((uint32_t)type << 8) | INTR_INFO_VALID_MASK |
			      (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
	cpu->exit.intr_error = has_error ? error : 0;
	if (vector == VEC_PF && type == EVENT_HW_EXC) {
		/* The faulting address goes to the qualification; CR2 is not written (SDM 27.1). */
		qual = cpu->fault_addr;
		cpu->cr2 = cpu->cr2_before;
	}
	if (type == EVENT_SOFT_EXC || type == EVENT_PRIV_SOFT_EXC)
		cpu->exit.insn_len = (uint32_t)(cpu->next_rip - cpu->rip);
	return vmexit(cpu, EXIT_REASON_EXCEPTION_NMI, qual);
}

enum exec_status vmexit_triple_fault(struct cpu *cpu)
{
	return vmexit(cpu, EXIT_REASON_TRIPLE_FAULT, 0);
}
