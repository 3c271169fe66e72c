/* SPDX-License-Identifier: MIT */
/*
 * What happens to an event in VMX non-root operation: the exception bitmap (SDM Vol. 3C,
 * 26.2 "Other Causes of VM Exits"), IDT-vectoring information for exits during delivery
 * (28.2.4 "Information for VM Exits During Event Delivery"), the double-fault rules
 * (Vol. 3A, 6.15 "Interrupt 8—Double Fault Exception", Table 6-5) and triple fault.
 */
#include "hw/event.h"

#include "hw/vmx/vmexit.h"

#define IDT_VECTORING_ERROR_VALID (1u << 11)
#define IDT_VECTORING_VALID (1u << 31)

bool event_is_contributory(uint8_t vector)
{
	switch (vector) {
	case VEC_DE: case VEC_TS: case VEC_NP: case VEC_SS: case VEC_GP:
		return true;
	default:
		return false;
	}
}

/* Exception classes of Table 6-4; only hardware exceptions are other than benign. */
enum exc_class { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PAGE_FAULT, CLASS_DOUBLE_FAULT };

static enum exc_class class_of(uint8_t vector, enum event_type type)
{
	if (type != EVENT_HW_EXC)
		return CLASS_BENIGN;
	if (vector == VEC_PF)
		return CLASS_PAGE_FAULT;
	if (vector == VEC_DF)
		return CLASS_DOUBLE_FAULT;
	return event_is_contributory(vector) ? CLASS_CONTRIBUTORY : CLASS_BENIGN;
}

/* Events the exception bitmap (or NMI exiting) can turn into a VM exit (26.2). */
static bool is_exception_or_nmi(enum event_type type)
{
	return type == EVENT_HW_EXC || type == EVENT_SOFT_EXC || type == EVENT_PRIV_SOFT_EXC ||
	       type == EVENT_NMI;
}

static bool is_software(enum event_type type)
{
	return type == EVENT_SOFT_INT || type == EVENT_SOFT_EXC ||
	       type == EVENT_PRIV_SOFT_EXC;
}

static void begin_delivery(struct cpu *cpu, uint8_t vector, enum event_type type,
			   bool has_error, uint32_t error)
{
	cpu->in_event_delivery = true;
	cpu->delivering_info = vector | (uint32_t)type << 8 |
			       (has_error ? IDT_VECTORING_ERROR_VALID : 0) | IDT_VECTORING_VALID;
	cpu->delivering_error = has_error ? error : 0;
}

static enum exec_status end_delivery(struct cpu *cpu, enum exec_status st)
{
	cpu->in_event_delivery = false;
	return st;
}

/*
 * Deliver an event and whatever exceptions its delivery raises, until a handler runs or
 * a VM exit happens. bitmap_checked: the first event is not subject to the exception
 * bitmap (it was checked already, or it is injected at VM entry).
 */
static enum exec_status raise_event(struct cpu *cpu, uint8_t vector, enum event_type type,
				    bool has_error, uint32_t error, uint64_t return_rip,
				    bool bitmap_checked)
{

	for (;;) {
		enum exec_status st;

		/* Real-address mode pushes no error codes, so none is reported either. */
		if (!cpu_protected(cpu))
			has_error = false;
		if (!bitmap_checked && is_exception_or_nmi(type) &&
		    vmexit_exception_intercepted(cpu, vector, error))
			return end_delivery(cpu, vmexit_exception(cpu, vector, type, has_error,
								  error));
		begin_delivery(cpu, vector, type, has_error, error);
		st = event_deliver_idt(cpu, vector, type, has_error, error, return_rip);
		if (st == EXEC_OK) {
			/* Delivery ends the STI and MOV-SS shadows; an NMI blocks further NMIs
			 * until IRET (Vol. 3C, 25.4.2 Table 25-3; Vol. 3A, 6.7.1). */
			cpu->interruptibility &= ~(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS);
			if (type == EVENT_NMI)
				cpu->interruptibility |= INTR_BLOCK_NMI;
			cpu->activity = ACTIVITY_ACTIVE;
			return end_delivery(cpu, EXEC_OK);
		}
		if (st != EXEC_FAULT)
			return end_delivery(cpu, st);

		/* A second exception while delivering this event. */
		struct fault second = cpu->fault;
		enum exc_class first_class = class_of(vector, type);
		enum exc_class second_class = class_of(second.vector, EVENT_HW_EXC);

		if (!cpu_protected(cpu))
			second.has_error = false;
		/* The exception bitmap sees the second exception first, as an exit during
		 * delivery of the first (28.2.4). */
		if (vmexit_exception_intercepted(cpu, second.vector, second.error))
			return end_delivery(cpu, vmexit_exception(cpu, second.vector, EVENT_HW_EXC,
								  second.has_error, second.error));
		/* The faulting delivery is charged to the instruction that raised it. */
		if (is_software(type))
			return_rip = cpu->rip;

		bool serious = second_class == CLASS_CONTRIBUTORY ||
			       second_class == CLASS_PAGE_FAULT;

		if (first_class == CLASS_DOUBLE_FAULT && serious) {
			/* Triple fault: not an exit during event delivery (28.2.4). */
			cpu->in_event_delivery = false;
			return vmexit_triple_fault(cpu);
		}
		if ((first_class == CLASS_CONTRIBUTORY && second_class == CLASS_CONTRIBUTORY) ||
		    (first_class == CLASS_PAGE_FAULT && serious)) {
			/* A #DF that exits does so directly, not during delivery (28.2.4). */
			cpu->in_event_delivery = false;
			vector = VEC_DF;
			has_error = true;
			error = 0;
			bitmap_checked = false;
		} else {
			/* Handled serially: deliver the second exception instead. */
			vector = second.vector;
			has_error = second.has_error;
			error = second.error;
			bitmap_checked = true;
		}
		type = EVENT_HW_EXC;
	}
}

enum exec_status event_raise(struct cpu *cpu, uint8_t vector, enum event_type type,
			     bool has_error, uint32_t error, uint64_t return_rip)
{
	return raise_event(cpu, vector, type, has_error, error, return_rip, false);
}

/* Injection at VM entry (SDM Vol. 3C, 27.6.1.1): the exception bitmap does not apply
 * to the injected event, only to exceptions its delivery raises. */
enum exec_status event_inject(struct cpu *cpu, uint8_t vector, enum event_type type,
			      bool has_error, uint32_t error, uint64_t return_rip)
{
	return raise_event(cpu, vector, type, has_error, error, return_rip, true);
}

enum exec_status event_raise_fault(struct cpu *cpu)
{
	return event_raise(cpu, cpu->fault.vector, EVENT_HW_EXC, cpu->fault.has_error,
			   cpu->fault.error, cpu->rip);
}
