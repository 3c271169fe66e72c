/* SPDX-License-Identifier: MIT */
/* The virtual machine: machine memory, the platform bus, vCPU 0 running L1 under vmcs01. */
#include "l0/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/flags.h"
#include "hw/vmx/vmx.h"
#include "l0/stats.h"
#include "l0/vm_internal.h"

/* The local APIC page of the vCPU that is running (one vCPU for now). */
static bool vm_lapic_mmio(void *opaque, uint64_t gpa, unsigned size, bool write, uint64_t *value)
{
	struct vm *vm = opaque;
	return intr_lapic_mmio(vm->current, gpa, size, write, value);
}

/* Make the running vCPU leave guest mode at the next boundary (an external interrupt). */
static void vm_kick(void *opaque)
{
	struct vm *vm = opaque;
	vm->current->cpu.ext_intr = true;
}

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	uint8_t *page;

	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vm->cfg = *cfg;
	bus_init(&vm->bus);
	if (!cpuid_model_init(&vm->cpuid, cfg->cpu_model, cfg->smp, err, errlen)) {
		free(vm);
		return NULL;
	}
	if (!mem_init(&vm->mem, cfg->ram_size, &vm->bus, err, errlen)) {
		free(vm);
		return NULL;
	}
	/*
	 * vmcs01's MSR bitmap: the MSRs whose state the software CPU holds pass through;
	 * every other MSR exits to L0 (SDM Vol. 3C, 25.6.9).
	 */
	page = mem_l0_page(&vm->mem, 0, &vm->msr_bitmap);
	memset(page, 0xff, 4096);
	static const uint32_t passthrough[] = {
		0x174, 0x175, 0x176, /* SYSENTER_CS/ESP/EIP */
		0x1d9,      /* IA32_DEBUGCTL */
		0x277,      /* IA32_PAT */
		0xc0000080, /* IA32_EFER */
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, FMASK */
		0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103, /* FS, GS, KERNEL_GS base, TSC_AUX */
	};
	for (size_t i = 0; i < sizeof(passthrough) / sizeof(passthrough[0]); i++) {
		uint32_t msr = passthrough[i];
		unsigned off = msr >= 0xc0000000u ? 1024 : 0;
		uint32_t bit = msr & 0x1fff;
		page[off + bit / 8] &= (uint8_t)~(1u << (bit % 8));        /* read */
		page[2048 + off + bit / 8] &= (uint8_t)~(1u << (bit % 8)); /* write */
	}
	if (cfg->smp < 1 || cfg->smp > VM_MAX_VCPUS) {
		snprintf(err, errlen, "-smp %u: too many SMP CPUs (max %u)", cfg->smp, VM_MAX_VCPUS);
		vm_destroy(vm);
		return NULL;
	}
	for (unsigned i = 0; i < cfg->smp; i++) {
		/* struct cpu holds 32-byte-aligned SIMD registers: calloc's 16 is not enough. */
		size_t size = (sizeof(struct vcpu) + 63) & ~(size_t)63;
		vm->vcpus[i] = aligned_alloc(64, size);
		if (vm->vcpus[i])
			memset(vm->vcpus[i], 0, size);
		if (!vm->vcpus[i]) {
			vm_destroy(vm);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		vm->nvcpus = i + 1;
		vcpu_init(vm->vcpus[i], vm, i);
	}
	vm->current = vm->vcpus[0];
	if (!platform_init(vm, !cfg->no_pit)) {
		snprintf(err, errlen, "cannot place the platform devices on the bus");
		vm_destroy(vm);
		return NULL;
	}
	vm->mem.mmio_hook = vm_lapic_mmio;
	vm->mem.kick = vm_kick;
	vm->mem.mmio_hook_opaque = vm;
	return vm;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		vcpu_destroy(vm->vcpus[i]);
		free(vm->vcpus[i]);
	}
	mem_destroy(&vm->mem);
	free(vm);
}

uint8_t *vm_ram(struct vm *vm)
{
	return vm->mem.machine;
}

uint64_t vm_ram_size(const struct vm *vm)
{
	return vm->mem.l1_size < MEM_LOW_LIMIT ? vm->mem.l1_size : MEM_LOW_LIMIT;
}

struct bus *vm_bus(struct vm *vm)
{
	return &vm->bus;
}

bool vm_finish_platform(struct vm *vm, char *err, size_t errlen)
{
	return platform_finish(vm, err, errlen);
}

void vm_set_isa_irq(void *vm, int irq, bool level)
{
	platform_set_isa_irq(vm, irq, level);
}

struct pit *vm_pit(struct vm *vm)
{
	return vm->platform.pit_enabled ? &vm->platform.pit : NULL;
}

/* L1's first state goes into vmcs01's guest-state area (SDM Vol. 3C, 25.4). */
void vm_set_boot_state(struct vm *vm, const struct boot_state *bs)
{
	struct vcpu *vcpu = vm->vcpus[0];
	struct cpu *cpu = &vcpu->cpu;

	/* Put the state in the CPU and store it as a VM exit would: one mapping to the VMCS. */
	memcpy(cpu->gpr, bs->gpr, sizeof(bs->gpr));
	cpu->rip = bs->rip;
	flags_write(cpu, bs->rflags);
	cpu->cr0 = bs->cr0 | CR0_ET;
	cpu->cr3 = bs->cr3;
	cpu->cr4 = bs->cr4;
	cpu->efer = bs->efer;
	for (unsigned s = 0; s < 8; s++)
		cpu->seg[s] = (struct segment){bs->seg[s].selector, bs->seg[s].base,
					       bs->seg[s].limit, bs->seg[s].ar};
	cpu->gdtr = (struct dtable){bs->gdtr_base, bs->gdtr_limit};
	cpu->idtr = (struct dtable){bs->idtr_base, bs->idtr_limit};
	cpu->activity = ACTIVITY_ACTIVE;
	cpu->interruptibility = 0;
	vmx_save_guest_state(cpu, &vcpu->vmcs01);
}

/*
 * The scheduler: vCPUs take turns on this thread, each running until its TSC reaches the
 * end of the current quantum, so their TSCs stay within one quantum of each other and a
 * run is deterministic (docs/decisions.md "SMP").
 */
static int schedule(struct vm *vm)
{
	for (;;) {
		unsigned idle = 0;

		vm->quantum_end += vm->nvcpus > 1 ? VM_QUANTUM_SMP : VM_QUANTUM;
		/* With -clock realtime the vCPUs' time may have jumped past several quanta. */
		uint64_t slowest = UINT64_MAX;
		for (unsigned i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i]->cpu.tsc < slowest)
				slowest = vm->vcpus[i]->cpu.tsc;
		if (vm->quantum_end <= slowest)
			vm->quantum_end = slowest + (vm->nvcpus > 1 ? VM_QUANTUM_SMP : VM_QUANTUM);
		for (unsigned i = 0; i < vm->nvcpus; i++) {
			struct vcpu *vcpu = vm->vcpus[i];
			vm->current = vcpu;
			switch (vcpu_run_slice(vcpu, vm->quantum_end)) {
			case SLICE_STOP:
				return vcpu->status;
			case SLICE_IDLE:
				idle++;
				break;
			case SLICE_DONE:
				break;
			}
		}
		if (idle == vm->nvcpus) {
			fprintf(stderr, "nestvm: every vCPU is halted and nothing can wake one\n");
			vcpu_dump(vm->vcpus[0], stderr);
			return VM_STATUS_SHUTDOWN;
		}
	}
}

int vm_run(struct vm *vm)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	vm->start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	int status = schedule(vm);

	if (vm->cfg.stats)
		stats_print(vm, stderr);
	return status;
}
