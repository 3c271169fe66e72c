/* SPDX-License-Identifier: MIT */
/*
 * A virtual CPU as L0 owns it: the software CPU, vmcs01 (L1's VMCS, built by L0), the
 * platform MSRs L0 emulates, exit statistics.
 */
#ifndef NESTVM_L0_VCPU_H
#define NESTVM_L0_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/lapic.h"
#include "l0/cpuid.h"
#include "hw/cpu.h"
#include "hw/vmx/vmcs.h"

struct vm;

#define VCPU_EXIT_REASONS 96

/* Platform MSRs that are not part of the software CPU's state (SDM Vol. 4). */
struct platform_msrs {
	uint64_t misc_enable;
	uint64_t feature_control;
	uint64_t tsc_adjust;
	uint64_t mtrr_def_type;
	uint64_t mtrr_fixed[11];
	uint64_t mtrr_var[16];
	uint64_t mcg_status;
	uint64_t k7_perf[8]; /* AMD legacy PERF_CTL0-3 / PERF_CTR0-3 (counters do not count) */
};

struct vcpu {
	struct cpu cpu;
	struct vmcs vmcs01;
	struct vm *vm;
	unsigned id;
	struct platform_msrs pmsr;
	struct cpuid_model cpuid;
	struct lapic lapic;
	bool nmi_pending;
	uint64_t exit_count[VCPU_EXIT_REASONS];
	uint64_t exits;
	bool stop;     /* leave the run loop */
	bool yield;    /* end the slice early: L1 spins (PAUSE) waiting for another vCPU */
	uint64_t slice_end;
	int status;    /* exit status when stop is set by L0 itself */
};

/* What an exit handler tells the loop. */
enum exit_action {
	EXIT_RESUME, /* re-enter L1 */
	EXIT_STOP,   /* vcpu->status says why */
};

void vcpu_init(struct vcpu *vcpu, struct vm *vm, unsigned id);
void vcpu_destroy(struct vcpu *vcpu);
enum slice_result {
	SLICE_DONE, /* the vCPU reached the end of its quantum */
	SLICE_IDLE, /* halted (or waiting for SIPI) with no event that could wake it */
	SLICE_STOP, /* the machine stops: vcpu->status */
};

/* Run L1 on this vCPU until its TSC reaches until_tsc, or the machine stops. */
enum slice_result vcpu_run_slice(struct vcpu *vcpu, uint64_t until_tsc);
/* Put the vCPU in its INIT state, waiting for a start-up IPI (SDM Vol. 3A, 10.4). */
void vcpu_init_state(struct vcpu *vcpu);
/* Start-up IPI: real mode at vector << 12 (SDM Vol. 3A, 10.4.4). */
void vcpu_sipi(struct vcpu *vcpu, uint8_t vector);

/* Helpers for exit handlers. */
void vcpu_skip_instruction(struct vcpu *vcpu);
void vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error);
/* Print registers, code bytes and vmcs01 (STYLE.md 7 "Failure dump"). */
void vcpu_dump(struct vcpu *vcpu, FILE *f);

/* intr.c: interrupts for L1 (SDM Vol. 3C, 27.6 event injection, 26.7.5 interrupt window). */
void intr_vcpu_init(struct vcpu *vcpu);
/* Service timers that are due, then inject what is deliverable or ask for a window. */
void intr_prepare_entry(struct vcpu *vcpu);
/* TSC of the next timer event of this vCPU or the platform (UINT64_MAX: none). */
uint64_t intr_next_event(struct vcpu *vcpu);
/* Could an interrupt or NMI be taken right now (used by HLT)? */
bool intr_deliverable(struct vcpu *vcpu);
/*
 * Route an interrupt message to the local APICs that accept it (SDM Vol. 3A, 11.6):
 * an IPI from sender's APIC, or an I/O APIC message when sender is NULL.
 */
void intr_deliver(struct vm *vm, const struct lapic_ipi *ipi, struct vcpu *sender);
bool intr_lapic_mmio(struct vcpu *vcpu, uint64_t gpa, unsigned size, bool write, uint64_t *value);

/* exit.c: one handler per basic exit reason. */
enum exit_action exit_dispatch(struct vcpu *vcpu, uint32_t reason);

#endif
