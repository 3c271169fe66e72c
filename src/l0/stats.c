/* SPDX-License-Identifier: MIT */
/* Exit statistics per basic exit reason (like `perf kvm stat report`), and guest progress. */
#include "l0/stats.h"

#include <inttypes.h>

#include "hw/vmx/vmcs.h"
#include "l0/vm_internal.h"

void stats_print(struct vm *vm, FILE *f)
{
	const struct vcpu *vcpu = vm->vcpu;

	fprintf(f, "\nnestvm: exit statistics (vCPU %u, L1 under vmcs01)\n", vcpu->id);
	fprintf(f, "%24s %10s %8s\n", "VM-EXIT", "Samples", "Samples%");
	for (unsigned r = 0; r < VCPU_EXIT_REASONS; r++) {
		uint64_t n = vcpu->exit_count[r];
		if (!n)
			continue;
		fprintf(f, "%24s %10" PRIu64 " %7.2f%%\n", vmx_exit_reason_name(r), n,
			100.0 * (double)n / (double)(vcpu->exits ? vcpu->exits : 1));
	}
	fprintf(f, "%24s %10" PRIu64 "\n", "total exits", vcpu->exits);
	fprintf(f, "%24s %10" PRIu64 "\n", "guest instructions", vcpu->cpu.icount);
}
