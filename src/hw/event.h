/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts (SDM Vol. 3A, Chapter 6 "Interrupt and Exception Handling").
 *
 * event.c decides what happens to an event in VMX non-root operation: the exception
 * bitmap (SDM Vol. 3C, 26.2 "Other Causes of VM Exits"), the double-fault rules
 * (Table 6-5), triple fault (a VM exit), IDT-vectoring information (27.2.4).
 * event_idt.c carries out a delivery through the IDT in the current mode: gate checks,
 * privilege and stack switches, the frame, CS:RIP of the handler (6.11–6.14, 20.1.4).
 */
#ifndef NESTVM_HW_EVENT_H
#define NESTVM_HW_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

/*
 * Raise an event. return_rip is what the frame saves: the faulting instruction for
 * faults and external interrupts, the next instruction for traps and INT n.
 * On EXEC_OK the CPU is at the handler (cpu->rip and cpu->next_rip both point there).
 * EXEC_VMEXIT: the event (or a fault while delivering it) caused a VM exit.
 */
enum exec_status event_raise(struct cpu *cpu, uint8_t vector, enum event_type type,
			     bool has_error, uint32_t error, uint64_t return_rip);

/*
 * Event injection at VM entry (SDM Vol. 3C, 27.6.1): like event_raise, but the injected
 * event itself is never intercepted by the exception bitmap; faults while delivering it
 * are, and report it as IDT-vectoring information.
 */
enum exec_status event_inject(struct cpu *cpu, uint8_t vector, enum event_type type,
			      bool has_error, uint32_t error, uint64_t return_rip);

/* Deliver the fault in cpu->fault, raised by the instruction at cpu->rip. */
enum exec_status event_raise_fault(struct cpu *cpu);

/*
 * One delivery through the IDT in the current mode, with no VMX or #DF logic.
 * Checks before it changes state: a fault while delivering leaves the CPU as it was and
 * returns EXEC_FAULT with cpu->fault set (the caller applies the #DF rules).
 */
enum exec_status event_deliver_idt(struct cpu *cpu, uint8_t vector, enum event_type type,
				   bool has_error, uint32_t error, uint64_t return_rip);

/* Does the exception class of vector make a second exception a double fault? */
bool event_is_contributory(uint8_t vector);

#endif
