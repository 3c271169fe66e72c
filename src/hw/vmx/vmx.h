/* SPDX-License-Identifier: MIT */
/*
 * VMX non-root operation as the silicon provides it to L0: VM entry loads the guest
 * state of a VMCS (SDM Vol. 3C, 27.3.2 "Loading Guest State"), injects the pending event
 * (27.6), runs guest code until a VM exit, and stores guest state and exit information
 * back into the VMCS (28.2 "Recording VM-Exit Information", 28.3 "Saving Guest State").
 */
#ifndef NESTVM_HW_VMX_VMX_H
#define NESTVM_HW_VMX_VMX_H

#include "hw/cpu.h"
#include "hw/slat.h"
#include "hw/vmx/vmcs.h"

/* The VMX-preemption timer counts down when TSC bit 5 changes (IA32_VMX_MISC[4:0]). */
#define VMX_PREEMPTION_TIMER_RATE 5

/*
 * Enter the guest described by vmcs, with guest-physical memory translated by slat,
 * and run it until a VM exit. Control and guest-state fields were checked by L0 (it
 * built the VMCS), so this VM entry does not fail.
 */
void vmx_run(struct cpu *cpu, struct vmcs *vmcs, const struct slat *slat);

/*
 * Store the CPU's state into the VMCS guest-state area as a VM exit does (SDM 28.3);
 * L0 uses it to give a vCPU its RESET or INIT state.
 */
void vmx_save_guest_state(struct cpu *cpu, struct vmcs *vmcs);

/* Machine-physical access (VMCS-referenced pages: I/O and MSR bitmaps, …). */
bool vmx_machine_read(const struct cpu *cpu, uint64_t hpa, void *buf, unsigned size);

#endif
