/* SPDX-License-Identifier: MIT */
/* Exit statistics per basic exit reason (like `perf kvm stat report`), and guest progress. */
#include "l0/stats.h"

#include <inttypes.h>

#include "hw/vmx/vmcs.h"
#include "l0/vm_internal.h"

void stats_print(struct vm *vm, FILE *f)
{
	uint64_t count[VCPU_EXIT_REASONS] = {0}, exits = 0, insns = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const struct vcpu *vcpu = vm->vcpus[i];
		for (unsigned r = 0; r < VCPU_EXIT_REASONS; r++)
			count[r] += vcpu->exit_count[r];
		exits += vcpu->exits;
		insns += vcpu->cpu.icount;
	}
	fprintf(f, "\nnestvm: exit statistics (%u vCPU%s, L1 under vmcs01)\n", vm->nvcpus,
		vm->nvcpus == 1 ? "" : "s");
	fprintf(f, "%24s %10s %8s\n", "VM-EXIT", "Samples", "Samples%");
	for (unsigned r = 0; r < VCPU_EXIT_REASONS; r++) {
		if (!count[r])
			continue;
		fprintf(f, "%24s %10" PRIu64 " %7.2f%%\n", vmx_exit_reason_name(r), count[r],
			100.0 * (double)count[r] / (double)(exits ? exits : 1));
	}
	fprintf(f, "%24s %10" PRIu64 "\n", "total exits", exits);
	fprintf(f, "%24s %10" PRIu64 "\n", "guest instructions", insns);
}
