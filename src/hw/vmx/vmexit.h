/* SPDX-License-Identifier: MIT */
/*
 * VM exits raised by hw/ while it runs guest code in VMX non-root operation
 * (SDM Vol. 3C, Chapter 26 "VMX Non-Root Operation", Chapter 28 "VM Exits").
 * Each function latches the exit information in cpu->exit, adds IDT-vectoring
 * information when the exit interrupts an event delivery (28.2.4), and returns
 * EXEC_VMEXIT so the caller can `return vmexit_…(…)`.
 */
#ifndef NESTVM_HW_VMX_VMEXIT_H
#define NESTVM_HW_VMX_VMEXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

enum exec_status vmexit(struct cpu *cpu, uint32_t reason, uint64_t qualification);

/* Exception bitmap and page-fault error-code mask/match (SDM Vol. 3C, 26.2). */
bool vmexit_exception_intercepted(const struct cpu *cpu, uint8_t vector, uint32_t error);

/* Exit reason 0 with VM-exit interruption information for the exception or NMI. */
enum exec_status vmexit_exception(struct cpu *cpu, uint8_t vector, enum event_type type,
				  bool has_error, uint32_t error);

/* Exit reason 2: a triple fault in VMX non-root operation. */
enum exec_status vmexit_triple_fault(struct cpu *cpu);

#endif
