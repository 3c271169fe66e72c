/* SPDX-License-Identifier: MIT */
/*
 * L0's handlers for L1's VM exits, one per basic exit reason, dispatched through a table
 * (STYLE.md 7 "Exit record"). Exit information is read from vmcs01 as KVM reads it from
 * the hardware VMCS (SDM Vol. 3C, 28.2).
 */
#include <inttypes.h>
#include <stdio.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/operand.h"
#include "hw/vmx/vmx_arch.h"
#include "l0/platform_msr.h"
#include "l0/vcpu.h"
#include "l0/vm_internal.h"

typedef enum exit_action exit_fn(struct vcpu *vcpu);

static enum exit_action stop_with(struct vcpu *vcpu, int status)
{
	vcpu->stop = true;
	vcpu->status = status;
	return EXIT_STOP;
}

static enum exit_action handle_triple_fault(struct vcpu *vcpu)
{
	fprintf(stderr, "nestvm: guest shutdown: triple fault\n");
	vcpu_dump(vcpu, stderr);
	return stop_with(vcpu, VM_STATUS_SHUTDOWN);
}

static enum exit_action handle_cpuid(struct vcpu *vcpu)
{
	struct cpuid_regs r;
	uint64_t *gpr = vcpu->cpu.gpr;

	cpuid_query(&vcpu->cpuid, (uint32_t)gpr[R_RAX], (uint32_t)gpr[R_RCX],
		    (vcpu->cpu.cr4 & CR4_OSXSAVE) != 0, &r);
	/* CPUID.1:EDX.APIC follows IA32_APIC_BASE.EN (SDM Vol. 3A, 11.4.3). */
	if ((uint32_t)gpr[R_RAX] == 1 && !lapic_is_enabled(&vcpu->lapic))
		r.edx &= ~(1u << 9);
	gpr[R_RAX] = r.eax;
	gpr[R_RBX] = r.ebx;
	gpr[R_RCX] = r.ecx;
	gpr[R_RDX] = r.edx;
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/*
 * HLT: L1 enters the HLT activity state; the next injected event wakes it, and time
 * jumps to the next timer event meanwhile (vmx_run with the preemption timer armed).
 */
static enum exit_action handle_hlt(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	bool intr = (v->guest_rflags & RFLAGS_IF) != 0;

	vcpu_skip_instruction(vcpu);
	if (intr_deliverable(vcpu))
		return EXIT_RESUME;
	if (vcpu->vm->nvcpus == 1 && intr_next_event(vcpu) == UINT64_MAX && !vcpu->vm->bus.stop) {
		fprintf(stderr, "nestvm: guest halted at rip 0x%" PRIx64 " with interrupts %s; nothing can wake it\n",
			v->guest_rip, intr ? "enabled" : "disabled");
		return stop_with(vcpu, VM_STATUS_SHUTDOWN);
	}
	v->guest_activity_state = ACTIVITY_HLT;
	return EXIT_RESUME;
}

/* Port I/O (SDM Vol. 3C, Table 28-5 "Exit Qualification for I/O Instructions"). */
static enum exit_action handle_io(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	struct cpu *cpu = &vcpu->cpu;
	struct bus *bus = &vcpu->vm->bus;
	uint64_t q = v->exit_qualification;
	unsigned size = (unsigned)(q & 7) + 1;
	bool in = (q >> 3) & 1, string = (q >> 4) & 1, rep = (q >> 5) & 1;
	uint16_t port = (uint16_t)(q >> 16);

	if (!string) {
		if (in) {
			uint64_t val = bus_pio_read(bus, port, size);
			reg_write(cpu, R_RAX, size, val);
		} else {
			bus_pio_write(bus, port, size, cpu->gpr[R_RAX] & bits_mask(size));
		}
		vcpu_skip_instruction(vcpu);
		return EXIT_RESUME;
	}

	/* INS/OUTS: L0 emulates the memory side through L1's own paging. */
	unsigned asz = 2u << ((v->vmx_instruction_info >> 7) & 7);
	unsigned seg = in ? SEG_ES : (v->vmx_instruction_info >> 15) & 7;
	unsigned idx = in ? R_RDI : R_RSI;
	uint64_t amask = bits_mask(asz);
	uint64_t count = rep ? cpu->gpr[R_RCX] & amask : 1;
	int64_t step = (v->guest_rflags & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	unsigned done = 0;

	cpu->gpr[R_RSP] = v->guest_rsp;
	while (count && done < 4096) {
		uint64_t off = cpu->gpr[idx] & amask, val;
		enum exec_status st;
		if (in) {
			val = bus_pio_read(bus, port, size);
			st = mem_write(cpu, seg, off, size, val);
		} else {
			st = mem_read(cpu, seg, off, size, &val);
			if (st == EXEC_OK)
				bus_pio_write(bus, port, size, val);
		}
		if (st == EXEC_FAULT) {
			vcpu_inject_exception(vcpu, cpu->fault.vector, cpu->fault.has_error,
					      cpu->fault.error);
			return EXIT_RESUME;
		}
		reg_write(cpu, idx, asz, off + (uint64_t)step);
		count--;
		done++;
		if (rep)
			reg_write(cpu, R_RCX, asz, count);
	}
	/* Unfinished REP: leave RIP on the instruction so it continues (like an interrupted REP). */
	if (!count)
		vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/*
 * CR access (SDM Vol. 3C, Table 28-3): L0 intercepts CR8, the local APIC's task
 * priority (TPR bits 7:4 = CR8 bits 3:0, SDM Vol. 3A, 11.8.6.1), and CR4 writes that set
 * bits of features CPUID hides (vcpu.c, hide_absent_features).
 */
static enum exit_action handle_cr_access(struct vcpu *vcpu)
{
	uint64_t q = vcpu->vmcs01.exit_qualification;
	unsigned cr = q & 0xf, type = (q >> 4) & 3, reg = (q >> 8) & 0xf;
	struct lapic *apic = &vcpu->lapic;

	/* CR4: L1 tried to set a bit of a feature its CPUID does not offer. */
	if (cr == 4 && type == 0) {
		vcpu_inject_exception(vcpu, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	if (cr != 8 || type > 1) {
		fprintf(stderr, "nestvm: unexpected CR access exit (qualification 0x%" PRIx64 ")\n", q);
		return stop_with(vcpu, VM_STATUS_INTERNAL);
	}
	if (type == 0) {
		uint64_t val = reg == R_RSP ? vcpu->vmcs01.guest_rsp : vcpu->cpu.gpr[reg];
		if (val & ~0xfull) {
			vcpu_inject_exception(vcpu, VEC_GP, true, 0);
			return EXIT_RESUME;
		}
		/* With the APIC disabled CR8 is still a register of its own. */
		if (lapic_is_x2apic(apic))
			lapic_msr_write(apic, 0x808, val << 4);
		else if (lapic_is_enabled(apic))
			lapic_mmio_write(apic, 0x80, 4, val << 4);
		vcpu->cpu.cr8 = val;
	} else {
		uint64_t tpr = vcpu->cpu.cr8 << 4;
		if (lapic_is_x2apic(apic))
			lapic_msr_read(apic, 0x808, &tpr);
		else if (lapic_is_enabled(apic))
			tpr = lapic_mmio_read(apic, 0x80, 4);
		if (reg == R_RSP)
			vcpu->vmcs01.guest_rsp = (tpr >> 4) & 0xf;
		else
			vcpu->cpu.gpr[reg] = (tpr >> 4) & 0xf;
	}
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

static enum exit_action handle_rdmsr(struct vcpu *vcpu)
{
	uint64_t *gpr = vcpu->cpu.gpr;
	uint64_t val;

	if (!platform_msr_read(vcpu, (uint32_t)gpr[R_RCX], &val)) {
		vcpu_inject_exception(vcpu, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	gpr[R_RAX] = (uint32_t)val;
	gpr[R_RDX] = val >> 32;
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

static enum exit_action handle_wrmsr(struct vcpu *vcpu)
{
	uint64_t *gpr = vcpu->cpu.gpr;
	uint64_t val = (uint32_t)gpr[R_RAX] | ((uint64_t)(uint32_t)gpr[R_RDX] << 32);

	if (!platform_msr_write(vcpu, (uint32_t)gpr[R_RCX], val)) {
		vcpu_inject_exception(vcpu, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/* XSETBV (SDM Vol. 2D): XCR0 = x87 (bit 0, always) with or without SSE (bit 1). */
static enum exit_action handle_xsetbv(struct vcpu *vcpu)
{
	uint64_t *gpr = vcpu->cpu.gpr;
	uint64_t val = (uint32_t)gpr[R_RAX] | ((uint64_t)(uint32_t)gpr[R_RDX] << 32);

	if (!(vcpu->cpu.cr4 & CR4_OSXSAVE)) {
		vcpu_inject_exception(vcpu, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if ((uint32_t)gpr[R_RCX] != 0 || (val != 1 && val != 3) || vcpu->cpu.cpl != 0) {
		vcpu_inject_exception(vcpu, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vcpu->cpu.xcr0 = val;
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/*
 * VMCALL from L1: KVM's hypercall ABI (Linux Documentation/virt/kvm/x86/hypercalls.rst),
 * since guests written for KVM use it: number in RAX, arguments in RBX, RCX, RDX, RSI,
 * result in RAX. nestvm implements KVM_HC_SEND_IPI; other numbers return -KVM_ENOSYS.
 */
#define KVM_HC_SEND_IPI 10
#define KVM_ENOSYS 1000
#define KVM_EPERM 1

static enum exit_action handle_vmcall(struct vcpu *vcpu)
{
	uint64_t *gpr = vcpu->cpu.gpr;
	bool long_mode = (vcpu->vmcs01.guest_cs_ar_bytes & AR_L) != 0;
	uint64_t mask = long_mode ? ~0ull : 0xffffffffull;
	uint64_t nr = gpr[R_RAX] & mask;
	int64_t ret;

	if (vcpu->cpu.cpl != 0) {
		ret = -KVM_EPERM;
	} else if (nr == KVM_HC_SEND_IPI) {
		/* a0/a1: bitmap of APIC IDs from a2 upwards; a3: ICR low (vector, mode). */
		uint64_t bitmap[2] = {gpr[R_RBX] & mask, gpr[R_RCX] & mask};
		uint64_t min = gpr[R_RDX] & mask;
		uint32_t icr = (uint32_t)gpr[R_RSI];
		struct lapic_ipi ipi = {
			.vector = (uint8_t)icr,
			.delivery_mode = (enum lapic_delivery_mode)((icr >> 8) & 7),
			.shorthand = APIC_SHORTHAND_NONE,
			.level = true,
			.x2apic = true,
		};
		unsigned bits = long_mode ? 64 : 32;
		ret = 0;
		for (unsigned w = 0; w < 2; w++) {
			for (unsigned b = 0; b < bits; b++) {
				uint64_t id = min + w * bits + b;
				if (!((bitmap[w] >> b) & 1) || id >= vcpu->vm->nvcpus)
					continue;
				lapic_deliver(&vcpu->vm->vcpus[id]->lapic, &ipi);
				ret++;
			}
		}
	} else {
		ret = -KVM_ENOSYS;
	}
	gpr[R_RAX] = (uint64_t)ret & mask;
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/*
 * PAUSE (exiting only with several vCPUs): L1 spins waiting for another vCPU. The spin
 * lasts until the end of this quantum, as it would in real time, and the others run.
 */
static enum exit_action handle_pause(struct vcpu *vcpu)
{
	vcpu_skip_instruction(vcpu);
	if (vcpu->cpu.tsc < vcpu->slice_end)
		vcpu->cpu.tsc = vcpu->slice_end;
	vcpu->yield = true;
	return EXIT_RESUME;
}

static enum exit_action handle_skip(struct vcpu *vcpu)
{
	vcpu_skip_instruction(vcpu);
	return EXIT_RESUME;
}

/* VMX is not offered to L1 yet (CPUID.1:ECX.VMX = 0): its instructions are #UD. */
static enum exit_action handle_ud(struct vcpu *vcpu)
{
	vcpu_inject_exception(vcpu, VEC_UD, false, 0);
	return EXIT_RESUME;
}

static enum exit_action handle_resume(struct vcpu *vcpu)
{
	(void)vcpu;
	return EXIT_RESUME;
}

static enum exit_action handle_unexpected(struct vcpu *vcpu)
{
	uint32_t reason = vcpu->vmcs01.vm_exit_reason & 0xffff;

	fprintf(stderr, "nestvm: unexpected VM exit %u (%s) from L1\n", reason,
		vmx_exit_reason_name(reason));
	vcpu_dump(vcpu, stderr);
	return stop_with(vcpu, VM_STATUS_INTERNAL);
}

static exit_fn *const exit_handlers[VCPU_EXIT_REASONS] = {
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_ud,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_skip,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = handle_ud,
	[EXIT_REASON_VMLAUNCH] = handle_ud,
	[EXIT_REASON_VMPTRLD] = handle_ud,
	[EXIT_REASON_VMPTRST] = handle_ud,
	[EXIT_REASON_VMREAD] = handle_ud,
	[EXIT_REASON_VMRESUME] = handle_ud,
	[EXIT_REASON_VMWRITE] = handle_ud,
	[EXIT_REASON_VMOFF] = handle_ud,
	[EXIT_REASON_VMON] = handle_ud,
	[EXIT_REASON_INVEPT] = handle_ud,
	[EXIT_REASON_INVVPID] = handle_ud,
	[EXIT_REASON_VMFUNC] = handle_ud,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_PAUSE_INSTRUCTION] = handle_pause,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_resume,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_resume,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_resume,
	[EXIT_REASON_NMI_WINDOW] = handle_resume,
};

enum exit_action exit_dispatch(struct vcpu *vcpu, uint32_t reason)
{
	exit_fn *fn = reason < VCPU_EXIT_REASONS ? exit_handlers[reason] : NULL;

	return (fn ? fn : handle_unexpected)(vcpu);
}
