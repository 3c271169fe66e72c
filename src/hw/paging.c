/* SPDX-License-Identifier: MIT */
/*
 * The page walker for 32-bit, PAE and 4-level paging (SDM Vol. 3A, 4.3 "32-Bit Paging",
 * 4.4 "PAE Paging", 4.5 "4-Level Paging and 5-Level Paging", 4.6 "Access Rights",
 * 4.7 "Page-Fault Exceptions", 4.8 "Accessed and Dirty Flags").
 */
#include "hw/paging.h"

#include "hw/access.h"
#include "util/bits.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_XD (1ull << 63)

#define MAXPHYADDR CPU_MAXPHYADDR
#define PHYS_MASK (((1ull << MAXPHYADDR) - 1) & ~0xfffull)

static enum exec_status page_fault(struct cpu *cpu, uint64_t linear, uint32_t pfec)
{
	cpu->fault_addr = linear;
	cpu->cr2_before = cpu->cr2;
	cpu->cr2 = linear;
	return cpu_fault_err(cpu, VEC_PF, pfec);
}

static bool user_access(const struct cpu *cpu, uint32_t acc)
{
	return cpu->cpl == 3 && !(acc & ACC_IMPLICIT_SV);
}

static uint32_t base_pfec(const struct cpu *cpu, uint32_t acc)
{
	uint32_t pfec = 0;

	if (acc & ACC_WRITE)
		pfec |= PFEC_W;
	if (user_access(cpu, acc))
		pfec |= PFEC_U;
	/* I/D is reported for fetches when NX or SMEP could apply (SDM 4.7). */
	if ((acc & ACC_FETCH) &&
	    (((cpu->efer & EFER_NXE) && (cpu->cr4 & CR4_PAE)) || (cpu->cr4 & CR4_SMEP)))
		pfec |= PFEC_I;
	return pfec;
}

static enum exec_status read_entry(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t *e)
{
	*e = 0;
	return phys_read(cpu, gpa, e, size);
}

static enum exec_status write_entry(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t e)
{
	return phys_write(cpu, gpa, &e, size);
}

/* The access-rights checks of SDM 4.6 on the combined rights of the walk. */
static bool access_allowed(struct cpu *cpu, uint32_t acc, bool user_page, bool writable,
			   bool nx)
{
	bool user = user_access(cpu, acc);

	if (acc & ACC_FETCH) {
		if (nx)
			return false;
		if (user)
			return user_page;
		/* SMEP: supervisor fetches from user-mode pages fault. */
		return !(user_page && (cpu->cr4 & CR4_SMEP));
	}
	if (user) {
		if (!user_page)
			return false;
		return !(acc & ACC_WRITE) || writable;
	}
	/* Supervisor data access to a user page: SMAP (implicit accesses, or AC clear). */
	if (user_page && (cpu->cr4 & CR4_SMAP)) {
		if ((acc & ACC_IMPLICIT_SV) || !(cpu->rflags & RFLAGS_AC))
			return false;
	}
	if (acc & ACC_WRITE)
		return writable || !(cpu->cr0 & CR0_WP);
	return true;
}

struct walk_level {
	uint64_t gpa;
	uint64_t entry;
};

static enum exec_status walk(struct cpu *cpu, uint64_t linear, uint32_t acc,
			     struct paging_result *res);

enum exec_status paging_walk(struct cpu *cpu, uint64_t linear, uint32_t acc,
			     struct paging_result *res)
{
	enum exec_status st;

	/* An EPT violation on a paging-structure access reports this linear address. */
	cpu->walk_linear = linear;
	cpu->walk_active = true;
	st = walk(cpu, linear, acc, res);
	cpu->walk_active = false;
	return st;
}

static enum exec_status walk(struct cpu *cpu, uint64_t linear, uint32_t acc,
			     struct paging_result *res)
{
	struct walk_level lv[5];
	unsigned nlv = 0;
	uint32_t pfec = base_pfec(cpu, acc);
	bool user_page = true, writable = true, nx = false;
	bool nxe = (cpu->efer & EFER_NXE) != 0;
	uint64_t e, page_base = 0, rsvd;
	unsigned shift = 12;
	enum exec_status st;

	if (!(cpu->cr4 & CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries, 4-MiB pages with CR4.PSE. */
		uint32_t lin = (uint32_t)linear;
		uint64_t pde_gpa = (cpu->cr3 & 0xfffff000u) + ((lin >> 22) << 2);

		if ((st = read_entry(cpu, pde_gpa, 4, &e)) != EXEC_OK)
			return st;
		if (!(e & PTE_P))
			return page_fault(cpu, linear, pfec);
		lv[nlv++] = (struct walk_level){pde_gpa, e};
		user_page &= (e & PTE_US) != 0;
		writable &= (e & PTE_RW) != 0;
		if ((e & PTE_PS) && (cpu->cr4 & CR4_PSE)) {
			/* Bits 20:13 of a 4-MiB PDE hold physical-address bits 39:32; bit 21 reserved. */
			if (e & (1u << 21))
				return page_fault(cpu, linear, pfec | PFEC_P | PFEC_RSVD);
			page_base = (e & 0xffc00000u) | ((e & 0x1fe000u) << 19);
			shift = 22;
		} else {
			uint64_t pte_gpa = (e & 0xfffff000u) + (((lin >> 12) & 0x3ff) << 2);
			if ((st = read_entry(cpu, pte_gpa, 4, &e)) != EXEC_OK)
				return st;
			if (!(e & PTE_P))
				return page_fault(cpu, linear, pfec);
			lv[nlv++] = (struct walk_level){pte_gpa, e};
			user_page &= (e & PTE_US) != 0;
			writable &= (e & PTE_RW) != 0;
			page_base = e & 0xfffff000u;
		}
		res->global = (e & PTE_G) && (cpu->cr4 & CR4_PGE);
	} else {
		unsigned levels;
		uint64_t table;

		if (cpu->efer & EFER_LMA) {
			levels = (cpu->cr4 & CR4_LA57) ? 5 : 4;
			table = cpu->cr3 & PHYS_MASK;
		} else {
			/* PAE: the PDPTE registers, loaded at CR3 write (SDM 4.4.1). */
			e = cpu->pdpte[(linear >> 30) & 3];
			if (!(e & PTE_P))
				return page_fault(cpu, linear, pfec);
			levels = 2;
			table = e & PHYS_MASK;
		}
		for (unsigned l = levels; l >= 1; l--) {
			unsigned idx_shift = 12 + 9 * (l - 1);
			uint64_t gpa = table + (((linear >> idx_shift) & 0x1ff) << 3);

			if ((st = read_entry(cpu, gpa, 8, &e)) != EXEC_OK)
				return st;
			if (!(e & PTE_P))
				return page_fault(cpu, linear, pfec);
			lv[nlv++] = (struct walk_level){gpa, e};
			/* Bits MAXPHYADDR..51 are reserved; 62:52 are ignored. */
			rsvd = e & 0x000ff00000000000ull & ~PHYS_MASK;
			if (!nxe && (e & PTE_XD))
				rsvd |= PTE_XD;
			if (l == 5 || l == 4) {
				if (e & PTE_PS)
					rsvd |= PTE_PS;
			} else if (l == 3 && (e & PTE_PS)) {
				rsvd |= e & 0x3fffe000ull; /* 1-GiB page: bits 29:13 */
			} else if (l == 2 && (e & PTE_PS)) {
				rsvd |= e & 0x1fe000ull; /* 2-MiB page: bits 20:13 */
			}
			if (rsvd)
				return page_fault(cpu, linear, pfec | PFEC_P | PFEC_RSVD);
			user_page &= (e & PTE_US) != 0;
			writable &= (e & PTE_RW) != 0;
			nx |= nxe && (e & PTE_XD);
			if (l == 1 || ((l == 2 || l == 3) && (e & PTE_PS))) {
				shift = idx_shift;
				page_base = e & PHYS_MASK & ~((1ull << shift) - 1);
				break;
			}
			table = e & PHYS_MASK;
		}
		res->global = (e & PTE_G) && (cpu->cr4 & CR4_PGE);
	}

	if (!access_allowed(cpu, acc, user_page, writable, nx))
		return page_fault(cpu, linear, pfec | PFEC_P);

	/* Accessed flags on every entry used, dirty on the leaf for writes (SDM 4.8). */
	for (unsigned i = 0; i < nlv; i++) {
		uint64_t want = lv[i].entry | PTE_A;
		if (i == nlv - 1 && (acc & ACC_WRITE))
			want |= PTE_D;
		if (want != lv[i].entry) {
			unsigned size = (cpu->cr4 & CR4_PAE) ? 8 : 4;
			if ((st = write_entry(cpu, lv[i].gpa, size, want)) != EXEC_OK)
				return st;
		}
	}
	res->gpa = page_base | (linear & ((1ull << shift) - 1));
	res->user = user_page;
	res->rw_all = writable;
	/* A later write may use this translation directly only if it is already dirty. */
	res->writable = access_allowed(cpu, acc | ACC_WRITE, user_page, writable, nx) &&
			((lv[nlv - 1].entry & PTE_D) || (acc & ACC_WRITE));
	res->nx = nx;
	res->page_shift = shift;
	return EXEC_OK;
}

enum exec_status paging_load_pdptes(struct cpu *cpu, uint64_t cr3)
{
	uint64_t pdpte[4];
	enum exec_status st;

	st = phys_read(cpu, cr3 & 0xffffffe0u, pdpte, sizeof(pdpte));
	if (st != EXEC_OK)
		return st;
	for (unsigned i = 0; i < 4; i++) {
		/* Reserved: bits 2:1, 8:5 and above MAXPHYADDR (SDM 4.4.1, Table 4-8). */
		if ((pdpte[i] & PTE_P) && (pdpte[i] & (0x1e6ull | ~((1ull << MAXPHYADDR) - 1))))
			return cpu_gp0(cpu);
	}
	for (unsigned i = 0; i < 4; i++)
		cpu->pdpte[i] = pdpte[i];
	return EXEC_OK;
}
