/* SPDX-License-Identifier: MIT */
/* The virtual machine: machine memory, the platform bus, vCPU 0 running L1 under vmcs01. */
#include "l0/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/flags.h"
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
	struct vmcs *v = &vcpu->vmcs01;

	memcpy(vcpu->cpu.gpr, bs->gpr, sizeof(bs->gpr));
	v->guest_rsp = bs->gpr[R_RSP];
	v->guest_rip = bs->rip;
	v->guest_rflags = bs->rflags | RFLAGS_FIXED1;
	v->guest_cr0 = bs->cr0 | CR0_ET;
	v->guest_cr3 = bs->cr3;
	v->guest_cr4 = bs->cr4;
	v->guest_ia32_efer = bs->efer;
	if (bs->efer & EFER_LMA)
		v->vm_entry_controls |= VM_ENTRY_IA32E_MODE;
	uint16_t *sel[8] = {&v->guest_es_selector, &v->guest_cs_selector, &v->guest_ss_selector,
			    &v->guest_ds_selector, &v->guest_fs_selector, &v->guest_gs_selector,
			    &v->guest_ldtr_selector, &v->guest_tr_selector};
	uint64_t *base[8] = {&v->guest_es_base, &v->guest_cs_base, &v->guest_ss_base,
			     &v->guest_ds_base, &v->guest_fs_base, &v->guest_gs_base,
			     &v->guest_ldtr_base, &v->guest_tr_base};
	uint32_t *limit[8] = {&v->guest_es_limit, &v->guest_cs_limit, &v->guest_ss_limit,
			      &v->guest_ds_limit, &v->guest_fs_limit, &v->guest_gs_limit,
			      &v->guest_ldtr_limit, &v->guest_tr_limit};
	uint32_t *ar[8] = {&v->guest_es_ar_bytes, &v->guest_cs_ar_bytes, &v->guest_ss_ar_bytes,
			   &v->guest_ds_ar_bytes, &v->guest_fs_ar_bytes, &v->guest_gs_ar_bytes,
			   &v->guest_ldtr_ar_bytes, &v->guest_tr_ar_bytes};
	for (unsigned s = 0; s < 8; s++) {
		*sel[s] = bs->seg[s].selector;
		*base[s] = bs->seg[s].base;
		*limit[s] = bs->seg[s].limit;
		*ar[s] = bs->seg[s].ar;
	}
	v->guest_gdtr_base = bs->gdtr_base;
	v->guest_gdtr_limit = bs->gdtr_limit;
	v->guest_idtr_base = bs->idtr_base;
	v->guest_idtr_limit = bs->idtr_limit;
	v->guest_activity_state = ACTIVITY_ACTIVE;
	v->guest_interruptibility_info = 0;
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
