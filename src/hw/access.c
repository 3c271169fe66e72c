/* SPDX-License-Identifier: MIT */
/*
 * Memory accesses: segmentation (SDM Vol. 3A, 3.4 "Segment Selectors" … 5.3 "Limit
 * Checking"), linear → guest-physical through the TLB and the page walker, guest-physical
 * → machine through the second-level translator, EPT violations as VM exits
 * (SDM Vol. 3C, 29.3.3 "EPT-Induced VM Exits"), self-modifying code detection.
 */
#include "hw/access.h"

#include <string.h>

#include "hw/flags.h"
#include "hw/paging.h"
#include "hw/tlb.h"
#include "hw/vmx/vmexit.h"
#include "util/bits.h"

#define EXIT_REASON_EPT_VIOLATION_NR 48
#define EXIT_REASON_EPT_MISCONFIG_NR 49

/* A translated location: RAM (host != NULL) or MMIO (host == NULL, gpa valid). */
struct xlate {
	uint8_t *host;
	uint64_t gpa;
	uint64_t hpa;
};

static inline bool is_user(const struct cpu *cpu, uint32_t acc)
{
	return cpu->cpl == 3 && !(acc & ACC_IMPLICIT_SV);
}

static inline uint16_t current_pcid(const struct cpu *cpu)
{
	return (cpu->cr4 & CR4_PCIDE) ? (uint16_t)(cpu->cr3 & 0xfff) : 0;
}

static inline struct tlb_entry *tlb_array(struct cpu *cpu, uint32_t acc)
{
	if (acc & ACC_WRITE)
		return cpu->tlb.write;
	if (acc & ACC_FETCH)
		return cpu->tlb.fetch;
	return cpu->tlb.read;
}

static enum exec_status ept_exit(struct cpu *cpu, enum slat_status ss,
				 const struct slat_page *pg, uint64_t gpa, uint32_t slat_acc,
				 bool gla_valid, uint64_t gla, bool translated_access)
{
	uint64_t qual;

	cpu->exit.guest_physical = gpa;
	if (ss == SLAT_MISCONFIG) {
		cpu->exit.guest_linear = 0;
		return vmexit(cpu, EXIT_REASON_EPT_MISCONFIG_NR, 0);
	}
	qual = slat_acc | (pg->violation_bits & 0x38);
	if (gla_valid) {
		qual |= 1u << 7;
		if (translated_access)
			qual |= 1u << 8;
		cpu->exit.guest_linear = gla;
	} else {
		cpu->exit.guest_linear = 0;
	}
	return vmexit(cpu, EXIT_REASON_EPT_VIOLATION_NR, qual);
}

/* Machine RAM page hpa was written: cached decodings of it are stale. */
static inline void note_write(const struct slat *slat, uint64_t hpa)
{
	uint32_t *gen = &slat->code_gen[hpa >> 12];
	if (*gen & 1)
		*gen += 1;
}

/* Guest-physical page → machine page, or an EPT-induced VM exit. */
static enum exec_status slat_page(struct cpu *cpu, uint64_t gpa, uint32_t slat_acc,
				  bool gla_valid, uint64_t gla, bool translated_access,
				  struct xlate *x)
{
	const struct slat *slat = cpu->slat;
	struct slat_page pg = {0};
	enum slat_status ss = slat->translate(slat, gpa & ~0xfffull, slat_acc, &pg);

	switch (ss) {
	case SLAT_RAM:
		x->host = pg.host + (gpa & 0xfff);
		x->hpa = pg.hpa + (gpa & 0xfff);
		x->gpa = gpa;
		return EXEC_OK;
	case SLAT_MMIO:
		x->host = NULL;
		x->gpa = gpa;
		x->hpa = 0;
		return EXEC_OK;
	default:
		return ept_exit(cpu, ss, &pg, gpa, slat_acc, gla_valid, gla, translated_access);
	}
}

static inline uint32_t slat_access_of(uint32_t acc)
{
	if (acc & ACC_WRITE)
		return SLAT_WRITE;
	if (acc & ACC_FETCH)
		return SLAT_FETCH;
	return SLAT_READ;
}

/* Linear address (one byte, the rest of the access stays in its page) → location. */
static enum exec_status translate(struct cpu *cpu, uint64_t linear, uint32_t acc,
				  struct xlate *x)
{
	uint64_t vpage = linear >> 12;
	bool user = is_user(cpu, acc);
	uint64_t tag = (vpage << 1) | user;
	struct tlb_entry *arr = tlb_array(cpu, acc);
	struct tlb_entry *e = &arr[vpage & (TLB_ENTRIES - 1)];
	struct paging_result pr;
	enum exec_status st;
	bool cacheable = true;
	uint64_t gpa;

	if (tlb_hit(cpu, e, tag)) {
		x->host = e->host + (linear & 0xfff);
		x->hpa = e->hpa + (linear & 0xfff);
		x->gpa = 0;
		return EXEC_OK;
	}

	if (cpu->cr0 & CR0_PG) {
		st = paging_walk(cpu, linear, acc, &pr);
		if (st != EXEC_OK)
			return st;
		gpa = pr.gpa;
		/* SMAP decisions depend on RFLAGS.AC: never cache them. */
		if (!user && pr.user && (cpu->cr4 & CR4_SMAP))
			cacheable = false;
		/*
		 * Write entries only for pages writable at every level, so that none depends
		 * on CR0.WP and a WP change needs no flush (kvm-unit-tests toggles it often).
		 */
		if ((acc & ACC_WRITE) && (!pr.writable || !pr.rw_all))
			cacheable = false;
	} else {
		gpa = (cpu->efer & EFER_LMA) ? linear : (uint32_t)linear;
		pr.global = true;
	}
	st = slat_page(cpu, gpa, slat_access_of(acc), true, linear, true, x);
	if (st != EXEC_OK || !x->host)
		return st;
	if (acc & ACC_WRITE) {
		uint32_t *gen = &cpu->slat->code_gen[x->hpa >> 12];
		if (*gen & 1) {
			*gen += 1; /* the write invalidates decoded instructions of the page */
		}
	}
	if (cacheable) {
		e->tag = tag;
		e->host = x->host - (linear & 0xfff);
		e->hpa = x->hpa & ~0xfffull;
		e->pcid = current_pcid(cpu);
		e->global = pr.global;
		e->epoch = pr.global ? cpu->tlb.global_epoch : cpu->tlb.epoch;
	}
	return EXEC_OK;
}

enum exec_status seg_linear(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			    uint32_t acc, uint64_t *linear)
{
	const struct segment *s = &cpu->seg[seg];
	uint8_t vec = seg == SEG_SS ? VEC_SS : VEC_GP;

	if (cpu->mode == MODE_LONG64) {
		uint64_t lin = offset + ((seg == SEG_FS || seg == SEG_GS) ? s->base : 0);
		if (!bits_is_canonical(lin, (cpu->cr4 & CR4_LA57) ? 57 : 48) ||
		    !bits_is_canonical(lin + size - 1, (cpu->cr4 & CR4_LA57) ? 57 : 48))
			return cpu_fault_err(cpu, vec, 0);
		*linear = lin;
		return EXEC_OK;
	}
	if (cpu->mode != MODE_REAL && cpu->mode != MODE_V86) {
		uint32_t type = s->ar & AR_TYPE_MASK;
		if (s->ar & AR_UNUSABLE)
			return cpu_fault_err(cpu, vec, 0);
		if (acc & ACC_WRITE) {
			if ((type & AR_TYPE_CODE) || !(type & AR_TYPE_RW))
				return cpu_fault_err(cpu, vec, 0);
		} else if ((type & AR_TYPE_CODE) && !(type & AR_TYPE_RW) && !(acc & ACC_FETCH)) {
			return cpu_fault_err(cpu, vec, 0);
		}
		if (!(type & AR_TYPE_CODE) && (type & AR_TYPE_DC)) {
			/* Expand-down: valid offsets are limit+1 … 0xffff or 0xffffffff. */
			uint64_t top = (s->ar & AR_DB) ? 0xffffffffull : 0xffffull;
			if (offset <= s->limit || offset + size - 1 > top)
				return cpu_fault_err(cpu, vec, 0);
			*linear = (uint32_t)(s->base + offset);
			return EXEC_OK;
		}
	}
	if (offset + size - 1 > s->limit)
		return cpu_fault_err(cpu, vec, 0);
	*linear = (uint32_t)(s->base + offset);
	return EXEC_OK;
}

static inline bool misaligned_ac(const struct cpu *cpu, uint64_t linear, unsigned size,
				 uint32_t acc)
{
	return (cpu->cr0 & CR0_AM) && (cpu->rflags & RFLAGS_AC) && cpu->cpl == 3 &&
	       !(acc & (ACC_IMPLICIT_SV | ACC_NO_AC)) && (linear & (size - 1)) && size <= 16;
}

/*
 * Data breakpoints (SDM Vol. 3B, 18.2.4 "Debug Control Register (DR7)", 18.2.5): an
 * enabled DRi with R/W 01 (writes) or 11 (reads and writes) whose 1/2/4/8-byte range
 * overlaps the access records a hit; the #DB trap follows the instruction.
 */
static void check_data_breakpoints(struct cpu *cpu, uint64_t linear, unsigned size, uint32_t acc)
{
	uint64_t dr7 = cpu->dr[7];

	for (unsigned i = 0; i < 4; i++) {
		unsigned rw = (dr7 >> (16 + 4 * i)) & 3, len = (dr7 >> (18 + 4 * i)) & 3;
		uint64_t bytes = len == 0 ? 1 : len == 1 ? 2 : len == 3 ? 4 : 8;
		uint64_t start = cpu->dr[i] & ~(bytes - 1);

		if (!((dr7 >> (2 * i)) & 3))
			continue;
		if (rw == 1 ? !(acc & ACC_WRITE) : rw != 3)
			continue;
		if (linear < start + bytes && start < linear + size)
			cpu->dbg_hits |= (uint8_t)(1u << i);
	}
}

static enum exec_status lin_access(struct cpu *cpu, uint64_t linear, uint8_t *buf,
				   unsigned size, uint32_t acc)
{
	struct xlate x[2];
	unsigned first = size, npages = 1;
	enum exec_status st;

	if (misaligned_ac(cpu, linear, size, acc))
		return cpu_fault_err(cpu, VEC_AC, 0);
	if ((linear & 0xfff) + size > 4096) {
		first = 4096 - (unsigned)(linear & 0xfff);
		npages = 2;
	}
	/* Translate every page before touching any, so a fault leaves memory unchanged. */
	if ((st = translate(cpu, linear, acc, &x[0])) != EXEC_OK)
		return st;
	if (npages == 2) {
		uint64_t next = linear + first;
		if (!(cpu->efer & EFER_LMA))
			next = (uint32_t)next;
		if ((st = translate(cpu, next, acc, &x[1])) != EXEC_OK)
			return st;
	}
	if (cpu_breakpoints_armed(cpu) && !(acc & ACC_FETCH))
		check_data_breakpoints(cpu, linear, size, acc);
	for (unsigned p = 0; p < npages; p++) {
		unsigned n = p == 0 ? first : size - first;
		uint8_t *b = buf + (p == 0 ? 0 : first);
		if (x[p].host) {
			if (acc & ACC_WRITE)
				memcpy(x[p].host, b, n);
			else
				memcpy(b, x[p].host, n);
			continue;
		}
		/* MMIO: pass naturally sized pieces to the bus. */
		for (unsigned i = 0; i < n;) {
			unsigned piece = (n - i >= 8 && !((x[p].gpa + i) & 7)) ? 8
				       : (n - i >= 4 && !((x[p].gpa + i) & 3)) ? 4
				       : (n - i >= 2 && !((x[p].gpa + i) & 1)) ? 2 : 1;
			if (acc & ACC_WRITE)
				cpu->slat->mmio_write(cpu->slat, x[p].gpa + i, piece,
						      bits_load_le(b + i, piece));
			else
				bits_store_le(b + i, piece,
					      cpu->slat->mmio_read(cpu->slat, x[p].gpa + i, piece));
			i += piece;
		}
	}
	return EXEC_OK;
}

enum exec_status lin_read(struct cpu *cpu, uint64_t linear, void *buf, unsigned size,
			  uint32_t acc)
{
	return lin_access(cpu, linear, buf, size, acc & ~ACC_WRITE);
}

enum exec_status lin_write(struct cpu *cpu, uint64_t linear, const void *buf,
			   unsigned size, uint32_t acc)
{
	return lin_access(cpu, linear, (uint8_t *)buf, size, acc | ACC_WRITE);
}

enum exec_status mem_read(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			  uint64_t *value)
{
	uint64_t linear;
	enum exec_status st = seg_linear(cpu, seg, offset, size, ACC_READ, &linear);

	if (st != EXEC_OK)
		return st;
	/* Fast path: a TLB hit within one page (not while breakpoints watch memory). */
	if ((linear & 0xfff) + size <= 4096 && !misaligned_ac(cpu, linear, size, 0) &&
	    !cpu_breakpoints_armed(cpu)) {
		uint64_t vpage = linear >> 12;
		struct tlb_entry *e = &cpu->tlb.read[vpage & (TLB_ENTRIES - 1)];
		if (tlb_hit(cpu, e, (vpage << 1) | (cpu->cpl == 3))) {
			*value = bits_load_le(e->host + (linear & 0xfff), size);
			return EXEC_OK;
		}
	}
	*value = 0;
	return lin_access(cpu, linear, (uint8_t *)value, size, ACC_READ);
}

enum exec_status mem_write(struct cpu *cpu, unsigned seg, uint64_t offset, unsigned size,
			   uint64_t value)
{
	uint64_t linear;
	enum exec_status st = seg_linear(cpu, seg, offset, size, ACC_WRITE, &linear);

	if (st != EXEC_OK)
		return st;
	if ((linear & 0xfff) + size <= 4096 && !misaligned_ac(cpu, linear, size, 0) &&
	    !cpu_breakpoints_armed(cpu)) {
		uint64_t vpage = linear >> 12;
		struct tlb_entry *e = &cpu->tlb.write[vpage & (TLB_ENTRIES - 1)];
		if (tlb_hit(cpu, e, (vpage << 1) | (cpu->cpl == 3))) {
			bits_store_le(e->host + (linear & 0xfff), size, value);
			return EXEC_OK;
		}
	}
	return lin_access(cpu, linear, (uint8_t *)&value, size, ACC_WRITE);
}

enum exec_status mem_read_buf(struct cpu *cpu, unsigned seg, uint64_t offset, void *buf,
			      unsigned size)
{
	uint64_t linear;
	enum exec_status st = seg_linear(cpu, seg, offset, size, ACC_READ, &linear);

	if (st != EXEC_OK)
		return st;
	return lin_access(cpu, linear, buf, size, ACC_READ | ACC_NO_AC);
}

enum exec_status mem_write_buf(struct cpu *cpu, unsigned seg, uint64_t offset,
			       const void *buf, unsigned size)
{
	uint64_t linear;
	enum exec_status st = seg_linear(cpu, seg, offset, size, ACC_WRITE, &linear);

	if (st != EXEC_OK)
		return st;
	return lin_access(cpu, linear, (uint8_t *)buf, size, ACC_WRITE | ACC_NO_AC);
}

enum exec_status mem_probe_write(struct cpu *cpu, unsigned seg, uint64_t offset,
				 unsigned size)
{
	uint64_t linear;
	struct xlate x;
	enum exec_status st = seg_linear(cpu, seg, offset, size, ACC_WRITE, &linear);

	if (st != EXEC_OK)
		return st;
	if (misaligned_ac(cpu, linear, size, 0))
		return cpu_fault_err(cpu, VEC_AC, 0);
	if ((st = translate(cpu, linear, ACC_WRITE, &x)) != EXEC_OK)
		return st;
	if ((linear & 0xfff) + size > 4096) {
		uint64_t next = (linear | 0xfff) + 1;
		if (!(cpu->efer & EFER_LMA))
			next = (uint32_t)next;
		return translate(cpu, next, ACC_WRITE, &x);
	}
	return EXEC_OK;
}

static enum exec_status phys_access(struct cpu *cpu, uint64_t gpa, uint8_t *buf,
				    unsigned size, bool write)
{
	while (size) {
		unsigned n = 4096 - (unsigned)(gpa & 0xfff);
		struct xlate x;
		enum exec_status st;

		if (n > size)
			n = size;
		st = slat_page(cpu, gpa, write ? SLAT_WRITE : SLAT_READ, cpu->walk_active,
			       cpu->walk_linear, false, &x);
		if (st != EXEC_OK)
			return st;
		if (x.host) {
			if (write) {
				memcpy(x.host, buf, n);
				note_write(cpu->slat, x.hpa);
			} else {
				memcpy(buf, x.host, n);
			}
		} else {
			for (unsigned i = 0; i < n; i++) {
				if (write)
					cpu->slat->mmio_write(cpu->slat, gpa + i, 1, buf[i]);
				else
					buf[i] = (uint8_t)cpu->slat->mmio_read(cpu->slat, gpa + i, 1);
			}
		}
		gpa += n;
		buf += n;
		size -= n;
	}
	return EXEC_OK;
}

enum exec_status phys_read(struct cpu *cpu, uint64_t gpa, void *buf, unsigned size)
{
	return phys_access(cpu, gpa, buf, size, false);
}

enum exec_status phys_write(struct cpu *cpu, uint64_t gpa, const void *buf, unsigned size)
{
	return phys_access(cpu, gpa, (uint8_t *)buf, size, true);
}

enum exec_status fetch_code(struct cpu *cpu, uint64_t rip, uint8_t *buf, unsigned *len)
{
	const struct segment *cs = &cpu->seg[SEG_CS];
	unsigned want = 15;
	uint64_t linear;
	enum exec_status st;

	/* Outside 64-bit mode fetch only up to the CS limit; a longer instruction faults then. */
	if (cpu->mode != MODE_LONG64) {
		if (rip > cs->limit)
			return cpu_gp0(cpu);
		if (cs->limit - rip + 1 < want)
			want = (unsigned)(cs->limit - rip + 1);
		linear = (uint32_t)(cs->base + rip);
	} else {
		linear = rip;
		if (!bits_is_canonical(linear, (cpu->cr4 & CR4_LA57) ? 57 : 48))
			return cpu_gp0(cpu);
	}
	/* Fetch what is in this page; a second page only if the first ends too soon. */
	unsigned first = 4096 - (unsigned)(linear & 0xfff);
	if (first >= want) {
		st = lin_access(cpu, linear, buf, want, ACC_FETCH | ACC_NO_AC);
		*len = want;
		return st;
	}
	st = lin_access(cpu, linear, buf, first, ACC_FETCH | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	*len = first;
	return EXEC_OK;
}

enum exec_status fetch_more(struct cpu *cpu, uint64_t rip, uint8_t *buf, unsigned have,
			    unsigned *len)
{
	const struct segment *cs = &cpu->seg[SEG_CS];
	uint64_t linear;
	unsigned want = 15;
	enum exec_status st;

	if (cpu->mode != MODE_LONG64) {
		if (cs->limit - rip + 1 < want)
			want = (unsigned)(cs->limit - rip + 1);
		linear = (uint32_t)(cs->base + rip + have);
	} else {
		linear = rip + have;
	}
	if (want <= have)
		return cpu_gp0(cpu);
	st = lin_access(cpu, linear, buf + have, want - have, ACC_FETCH | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	*len = want;
	return EXEC_OK;
}

uint8_t *fetch_translate(struct cpu *cpu, uint64_t linear, uint64_t *hpa,
			 enum exec_status *st)
{
	uint64_t vpage = linear >> 12;
	struct tlb_entry *e = &cpu->tlb.fetch[vpage & (TLB_ENTRIES - 1)];
	struct xlate x;

	if (tlb_hit(cpu, e, (vpage << 1) | (cpu->cpl == 3))) {
		*hpa = e->hpa + (linear & 0xfff);
		*st = EXEC_OK;
		return e->host + (linear & 0xfff);
	}
	*st = translate(cpu, linear, ACC_FETCH, &x);
	if (*st != EXEC_OK)
		return NULL;
	*hpa = x.hpa;
	return x.host;
}
