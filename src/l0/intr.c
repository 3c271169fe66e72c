/* SPDX-License-Identifier: MIT */
/*
 * Interrupts for L1: the local APIC of each vCPU, IPI routing, and injection through
 * vmcs01 — an external interrupt is injected at VM entry when L1 can take it (RFLAGS.IF,
 * no STI/MOV-SS blocking), otherwise L0 asks for an interrupt-window exit
 * (SDM Vol. 3C, 27.6 "Event Injection", 26.7.5 "Interrupt-Window Exiting").
 */
#include <stdint.h>

#include "dev/ioapic.h"
#include "hw/flags.h"
#include "hw/vmx/vmx_arch.h"
#include "l0/vcpu.h"
#include "l0/vm_internal.h"

static uint64_t lapic_now(void *opaque)
{
	struct vcpu *vcpu = opaque;
	return vcpu->cpu.tsc;
}

/*
 * Does the target's APIC accept the message? From the I/O APIC (no sender), an
 * x2APIC-mode target reads the 8-bit destination as an x2APIC destination (logical:
 * cluster 0, one bit per APIC ID), as KVM does.
 */
static bool accepts(struct vcpu *t, const struct lapic_ipi *ipi, const struct vcpu *sender)
{
	if (!sender)
		return lapic_match_destination(&t->lapic, ipi->dest, ipi->logical,
					       lapic_is_x2apic(&t->lapic));
	return lapic_ipi_matches(&t->lapic, ipi, t == sender);
}

void intr_deliver(struct vm *vm, const struct lapic_ipi *ipi, struct vcpu *sender)
{
	/* Lowest priority goes to the one matching APIC with the lowest arbitration priority. */
	bool lowest = ipi->delivery_mode == APIC_DM_LOWEST && ipi->shorthand == APIC_SHORTHAND_NONE;
	struct vcpu *best = NULL;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!accepts(t, ipi, sender))
			continue;
		if (lowest) {
			if (!best || lapic_arbitration_priority(&t->lapic) <
					     lapic_arbitration_priority(&best->lapic))
				best = t;
			continue;
		}
		lapic_deliver(&t->lapic, ipi);
		/* Directed yield: the sender usually waits for the target's answer. */
		if (sender && t != sender) {
			sender->yield = true;
			sender->cpu.ext_intr = true;
		}
	}
	if (best)
		lapic_deliver(&best->lapic, ipi);
}

static void lapic_send_ipi(void *opaque, const struct lapic_ipi *ipi)
{
	struct vcpu *sender = opaque;

	intr_deliver(sender->vm, ipi, sender);
}

/* EOI of a level-triggered vector clears the I/O APIC's remote IRR (SDM Vol. 3A, 11.8.5). */
static void lapic_eoi_broadcast(void *opaque, uint8_t vector)
{
	struct vcpu *vcpu = opaque;
	ioapic_eoi(&vcpu->vm->platform.ioapic, vector);
}

static const struct lapic_ops lapic_ops = {
	.send_ipi = lapic_send_ipi,
	.now = lapic_now,
	.eoi_broadcast = lapic_eoi_broadcast,
};

void intr_vcpu_init(struct vcpu *vcpu)
{
	lapic_init(&vcpu->lapic, vcpu->id, vcpu->id == 0, &lapic_ops, vcpu);
	/* The APIC offers what CPUID says (x2APIC, TSC deadline) and the CPU's address width. */
	vcpu->lapic.maxphyaddr = CPU_MAXPHYADDR;
	vcpu->lapic.x2apic_supported = cpuid_has(&vcpu->vm->cpuid, "x2apic");
	vcpu->lapic.tsc_deadline_supported = cpuid_has(&vcpu->vm->cpuid, "tsc-deadline");
}

uint64_t intr_next_event(struct vcpu *vcpu)
{
	uint64_t a = lapic_next_event(&vcpu->lapic), p = platform_next_event(vcpu->vm);
	return a < p ? a : p;
}

static bool window_open(const struct vmcs *v)
{
	return (v->guest_rflags & RFLAGS_IF) &&
	       !(v->guest_interruptibility_info & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS));
}

bool intr_deliverable(struct vcpu *vcpu)
{
	const struct vmcs *v = &vcpu->vmcs01;

	if (vcpu->nmi_pending || vcpu->lapic.nmi_pending)
		return true;
	return window_open(v) && lapic_pending_vector(&vcpu->lapic) >= 0;
}

static void inject(struct vmcs *v, uint8_t vector, enum event_type type)
{
	v->vm_entry_intr_info_field = vector | ((uint32_t)type << 8) | INTR_INFO_VALID_MASK;
	v->guest_activity_state = ACTIVITY_ACTIVE;
}

void intr_prepare_entry(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	struct lapic *apic = &vcpu->lapic;

	if (vcpu->cpu.tsc >= lapic_next_event(apic))
		lapic_update_timer(apic);
	platform_update(vcpu->vm);
	/*
	 * INIT and the start-up IPI that follows it can both arrive within one quantum; the
	 * SIPI is read before INIT's reset would drop it, and applied after.
	 */
	int sipi = lapic_take_sipi(apic);
	if (lapic_take_init(apic))
		vcpu_init_state(vcpu);
	if (sipi >= 0)
		vcpu_sipi(vcpu, (uint8_t)sipi);
	v->cpu_based_vm_exec_control &= ~(CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING);
	if (lapic_take_nmi(apic))
		vcpu->nmi_pending = true;
	/* An event already being injected (an exception L0 reflects) goes first. */
	if (v->vm_entry_intr_info_field & INTR_INFO_VALID_MASK)
		return;
	if (vcpu->nmi_pending) {
		if (!(v->guest_interruptibility_info &
		      (INTR_BLOCK_NMI | INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))) {
			vcpu->nmi_pending = false;
			inject(v, VEC_NMI, EVENT_NMI);
			return;
		}
		v->cpu_based_vm_exec_control |= CPU_BASED_NMI_WINDOW_EXITING;
	}
	int vector = lapic_pending_vector(apic);
	if (vector < 0)
		return;
	if (!window_open(v)) {
		v->cpu_based_vm_exec_control |= CPU_BASED_INTR_WINDOW_EXITING;
		return;
	}
	if (vector == LAPIC_EXTINT) {
		/* ExtINT: the 8259 supplies the vector in its INTA cycle. */
		vector = platform_pic_acknowledge(vcpu->vm);
	} else {
		lapic_ack(apic, (uint8_t)vector);
	}
	inject(v, (uint8_t)vector, EVENT_EXT_INT);
}

/* The xAPIC page at IA32_APIC_BASE answers MMIO for this vCPU (SDM Vol. 3A, 11.4.1). */
bool intr_lapic_mmio(struct vcpu *vcpu, uint64_t gpa, unsigned size, bool write, uint64_t *value)
{
	struct lapic *apic = &vcpu->lapic;
	uint64_t base = lapic_base(apic) & ~0xfffull & ((1ull << 52) - 1);

	if (!lapic_is_enabled(apic) || lapic_is_x2apic(apic) || gpa < base || gpa - base >= 4096)
		return false;
	if (write)
		lapic_mmio_write(apic, (uint32_t)(gpa - base), size, *value);
	else
		*value = lapic_mmio_read(apic, (uint32_t)(gpa - base), size);
	return true;
}
