/* SPDX-License-Identifier: MIT */
/* Software TLB maintenance (SDM Vol. 3A, 4.10.4 "Invalidation of TLBs and Paging-Structure Caches"). */
#include "hw/tlb.h"

static void flush_array(struct tlb_entry *a, bool keep_global, int pcid)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++) {
		if (a[i].tag == TLB_INVALID)
			continue;
		if (keep_global && a[i].global)
			continue;
		if (pcid >= 0 && a[i].pcid != pcid)
			continue;
		a[i].tag = TLB_INVALID;
	}
}

static void flush_arrays(struct cpu *cpu)
{
	flush_array(cpu->tlb.read, false, -1);
	flush_array(cpu->tlb.write, false, -1);
	flush_array(cpu->tlb.fetch, false, -1);
}

/* O(1): a new epoch makes every entry stale (CR3, CR0.WP and CR4 writes are frequent). */
void tlb_flush_all(struct cpu *cpu)
{
	cpu->fetch_page.linear_page = ~0ull;
	if (++cpu->tlb.epoch == 0 || ++cpu->tlb.global_epoch == 0) {
		/* An epoch wrapped: old entries could look current again. */
		flush_arrays(cpu);
		cpu->tlb.epoch = cpu->tlb.global_epoch = 1;
	}
}

void tlb_flush_nonglobal(struct cpu *cpu)
{
	cpu->fetch_page.linear_page = ~0ull;
	if (++cpu->tlb.epoch == 0) {
		flush_arrays(cpu);
		cpu->tlb.epoch = cpu->tlb.global_epoch = 1;
	}
}

void tlb_flush_pcid(struct cpu *cpu, uint16_t pcid)
{
	cpu->fetch_page.linear_page = ~0ull;
	flush_array(cpu->tlb.read, true, pcid);
	flush_array(cpu->tlb.write, true, pcid);
	flush_array(cpu->tlb.fetch, true, pcid);
}

void tlb_flush_page(struct cpu *cpu, uint64_t linear)
{
	uint64_t vpage = linear >> 12;
	unsigned i = (unsigned)(vpage & (TLB_ENTRIES - 1));
	struct tlb_entry *arrays[3] = {cpu->tlb.read, cpu->tlb.write, cpu->tlb.fetch};

	cpu->fetch_page.linear_page = ~0ull;
	for (unsigned a = 0; a < 3; a++) {
		if (arrays[a][i].tag != TLB_INVALID && (arrays[a][i].tag >> 1) == vpage)
			arrays[a][i].tag = TLB_INVALID;
	}
}

void tlb_drop_writes_to(struct cpu *cpu, uint64_t hpa_page)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++) {
		if (cpu->tlb.write[i].tag != TLB_INVALID && cpu->tlb.write[i].hpa == hpa_page)
			cpu->tlb.write[i].tag = TLB_INVALID;
	}
}
