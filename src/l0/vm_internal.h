/* SPDX-License-Identifier: MIT */
/* The VM's parts, shared by the files of l0/ (not by other layers: they use l0/vm.h). */
#ifndef NESTVM_L0_VM_INTERNAL_H
#define NESTVM_L0_VM_INTERNAL_H

#include <stdint.h>

#include "dev/bus.h"
#include "l0/cpuid.h"
#include "l0/mem.h"
#include "l0/platform.h"
#include "l0/vcpu.h"
#include "l0/vm.h"

/* vCPUs run interleaved on one host thread, a quantum of TSC each (docs/decisions.md). */
#define VM_MAX_VCPUS 64
#define VM_QUANTUM (1ull << 16)
/* With several vCPUs a shorter quantum keeps IPI latency low. */
#define VM_QUANTUM_SMP (1ull << 13)

struct vm {
	struct vm_config cfg;
	struct bus bus;
	struct mem mem;
	struct cpuid_model cpuid;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	unsigned nvcpus;
	struct vcpu *current;  /* the vCPU running now (vCPUs are interleaved on one thread) */
	uint64_t quantum_end;  /* TSC at which the running vCPU yields to the next */
	uint64_t start_ns;     /* host monotonic clock when the VM started (-clock realtime) */
	struct platform platform;
	uint64_t msr_bitmap;   /* machine addresses of L0's bitmaps for vmcs01 */
	uint64_t io_bitmap_a, io_bitmap_b;
};

#endif
