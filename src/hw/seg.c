/* SPDX-License-Identifier: MIT */
/*
 * Segment descriptors and segment-register loads (SDM Vol. 3A, 3.4 "Logical and Linear
 * Addresses", 5.5 "Privilege Levels"; Vol. 2 "MOV—Move", "POP", "LDS/LES/LFS/LGS/LSS").
 */
#include "hw/seg.h"

#include "hw/access.h"
#include "util/bits.h"

void seg_from_desc(struct segment *s, uint16_t sel, uint64_t desc, uint32_t upper)
{
	s->selector = sel;
	s->base = seg_desc_base(desc) | ((uint64_t)upper << 32);
	s->limit = seg_desc_limit(desc);
	s->ar = seg_desc_ar(desc);
}

void seg_set_null(struct segment *s, uint16_t sel, unsigned dpl)
{
	s->selector = sel;
	s->base = 0;
	s->limit = 0;
	s->ar = AR_UNUSABLE | (dpl << AR_DPL_SHIFT);
}

/* Table (GDT or LDT) holding sel; false when TI=1 and LDTR is unusable. */
static bool desc_table(const struct cpu *cpu, uint16_t sel, uint64_t *base, uint32_t *limit)
{
	if (sel & SEL_TI) {
		const struct segment *ldtr = &cpu->seg[SEG_LDTR];

		if ((ldtr->ar & AR_UNUSABLE) || !(ldtr->selector & SEL_INDEX_MASK))
			return false;
		*base = ldtr->base;
		*limit = ldtr->limit;
		return true;
	}
	*base = cpu->gdtr.base;
	*limit = cpu->gdtr.limit;
	return true;
}

bool seg_desc_in_table(const struct cpu *cpu, uint16_t sel, unsigned size)
{
	uint64_t base;
	uint32_t limit;

	if (!desc_table(cpu, sel, &base, &limit))
		return false;
	return (uint64_t)(sel & SEL_INDEX_MASK) + size - 1 <= limit;
}

static uint64_t table_linear(const struct cpu *cpu, uint64_t base, uint64_t off)
{
	uint64_t lin = base + off;

	return seg_ia32e(cpu) ? lin : (uint32_t)lin;
}

static enum exec_status fetch_desc(struct cpu *cpu, uint16_t sel, unsigned size,
				   uint8_t vector, uint32_t ext, void *buf, uint64_t *addr)
{
	uint64_t base = 0;
	uint32_t limit = 0;

	if (!seg_desc_in_table(cpu, sel, size))
		return cpu_fault_err(cpu, vector, seg_sel_error(sel, ext));
	desc_table(cpu, sel, &base, &limit);
	*addr = table_linear(cpu, base, sel & SEL_INDEX_MASK);
	return lin_read(cpu, *addr, buf, size, ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
}

enum exec_status seg_desc_fetch(struct cpu *cpu, uint16_t sel, uint8_t vector, uint32_t ext,
				uint64_t *desc, uint64_t *addr)
{
	uint8_t buf[8];
	enum exec_status st = fetch_desc(cpu, sel, 8, vector, ext, buf, addr);

	if (st != EXEC_OK)
		return st;
	*desc = bits_load_le(buf, 8);
	return EXEC_OK;
}

enum exec_status seg_desc_fetch16(struct cpu *cpu, uint16_t sel, uint8_t vector, uint32_t ext,
				  uint64_t *desc, uint32_t *upper, uint64_t *addr)
{
	uint8_t buf[16];
	enum exec_status st = fetch_desc(cpu, sel, 16, vector, ext, buf, addr);

	if (st != EXEC_OK)
		return st;
	*desc = bits_load_le(buf, 8);
	*upper = (uint32_t)bits_load_le(buf + 8, 4);
	/* Bits 12:8 of the upper doubleword must be 0 (SDM Vol. 3A, 5.8.3.1, Figure 5-9). */
	if ((bits_load_le(buf + 12, 4) >> 8) & 0x1f)
		return cpu_fault_err(cpu, vector, seg_sel_error(sel, ext));
	return EXEC_OK;
}

enum exec_status seg_desc_set_accessed(struct cpu *cpu, uint64_t addr, uint64_t *desc)
{
	uint8_t access;
	enum exec_status st;

	if (*desc & (1ull << 40))
		return EXEC_OK;
	access = (uint8_t)(*desc >> 40) | AR_TYPE_ACCESSED;
	st = lin_write(cpu, addr + 5, &access, 1, ACC_WRITE | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	*desc |= 1ull << 40;
	return EXEC_OK;
}

void seg_load_real(struct cpu *cpu, unsigned seg, uint16_t selector)
{
	struct segment *s = &cpu->seg[seg];

	s->selector = selector;
	s->base = (uint64_t)selector << 4;
	if (cpu->mode == MODE_V86) {
		/* Virtual-8086 segments are 64 KiB, DPL 3, read/write accessed (SDM Vol. 3C,
		 * 26.3.1.2 "Checks on Guest Segment Registers", virtual-8086 case). */
		s->limit = 0xffff;
		s->ar = 0xf3;
		return;
	}
	/* Real mode keeps the cached limit and attributes ("unreal" mode relies on it);
	 * only a register left unusable by protected mode becomes a plain data segment. */
	if (s->ar & AR_UNUSABLE)
		s->ar = seg == SEG_CS ? 0x9b : 0x93;
}

static enum exec_status load_ss(struct cpu *cpu, uint16_t sel)
{
	uint64_t desc, addr;
	enum exec_status st;

	if (!(sel & SEL_INDEX_MASK) && !(sel & SEL_TI)) {
		/* 64-bit mode allows a null SS at CPL < 3 when RPL = CPL (MOV, POP). */
		if (cpu_is_long64(cpu) && cpu->cpl != 3 && (sel & SEL_RPL_MASK) == cpu->cpl) {
			seg_set_null(&cpu->seg[SEG_SS], sel, cpu->cpl);
			cpu->seg[SEG_SS].ar |= AR_S | AR_TYPE_RW | AR_TYPE_ACCESSED;
			return EXEC_OK;
		}
		return cpu_gp0(cpu);
	}
	st = seg_desc_fetch(cpu, sel, VEC_GP, 0, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	if ((sel & SEL_RPL_MASK) != cpu->cpl || !seg_desc_is_writable_data(desc) ||
	    seg_desc_dpl(desc) != cpu->cpl)
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_SS, seg_sel_error(sel, 0));
	st = seg_desc_set_accessed(cpu, addr, &desc);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&cpu->seg[SEG_SS], sel, desc, 0);
	return EXEC_OK;
}

static enum exec_status load_data(struct cpu *cpu, unsigned seg, uint16_t sel)
{
	uint64_t desc, addr;
	enum exec_status st;
	unsigned type;

	if (!(sel & SEL_INDEX_MASK) && !(sel & SEL_TI)) {
		/* A null selector loads an unusable register; Intel clears the FS/GS base
		 * in 64-bit mode too (AMD keeps it, Linux's X86_BUG_NULL_SEG). */
		seg_set_null(&cpu->seg[seg], sel, 0);
		return EXEC_OK;
	}
	st = seg_desc_fetch(cpu, sel, VEC_GP, 0, &desc, &addr);
	if (st != EXEC_OK)
		return st;
	type = seg_desc_type(desc);
	if (!seg_desc_is_code_data(desc) ||
	    ((type & AR_TYPE_CODE) && !(type & AR_TYPE_RW)))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (!seg_desc_is_conforming(desc) &&
	    ((sel & SEL_RPL_MASK) > seg_desc_dpl(desc) || cpu->cpl > seg_desc_dpl(desc)))
		return cpu_fault_err(cpu, VEC_GP, seg_sel_error(sel, 0));
	if (!seg_desc_present(desc))
		return cpu_fault_err(cpu, VEC_NP, seg_sel_error(sel, 0));
	st = seg_desc_set_accessed(cpu, addr, &desc);
	if (st != EXEC_OK)
		return st;
	seg_from_desc(&cpu->seg[seg], sel, desc, 0);
	return EXEC_OK;
}

enum exec_status seg_load(struct cpu *cpu, unsigned seg, uint16_t selector)
{
	if (cpu->mode == MODE_REAL || cpu->mode == MODE_V86) {
		seg_load_real(cpu, seg, selector);
		return EXEC_OK;
	}
	if (seg == SEG_SS)
		return load_ss(cpu, selector);
	return load_data(cpu, seg, selector);
}

enum exec_status seg_tss_stack(struct cpu *cpu, unsigned dpl, uint32_t ext, uint16_t *ss,
			       uint32_t *esp)
{
	const struct segment *tr = &cpu->seg[SEG_TR];
	bool tss32 = (tr->ar & AR_TYPE_MASK) >= SYS_TSS32_AVAIL;
	unsigned off = tss32 ? dpl * 8 + 4 : dpl * 4 + 2;
	unsigned width = tss32 ? 4 : 2;
	uint8_t buf[8] = {0};
	enum exec_status st;

	if (off + 2 * width - 1 > tr->limit)
		return cpu_fault_err(cpu, VEC_TS, seg_sel_error(tr->selector, ext));
	st = lin_read(cpu, (uint32_t)(tr->base + off), buf, 2 * width,
		      ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	*esp = (uint32_t)bits_load_le(buf, width);
	*ss = (uint16_t)bits_load_le(buf + width, 2);
	return EXEC_OK;
}

enum exec_status seg_tss64_stack(struct cpu *cpu, unsigned dpl, unsigned ist, uint32_t ext,
				 uint64_t *rsp)
{
	const struct segment *tr = &cpu->seg[SEG_TR];
	unsigned off = ist ? 0x24 + (ist - 1) * 8 : 4 + dpl * 8;
	uint8_t buf[8];
	enum exec_status st;

	if (off + 7 > tr->limit)
		return cpu_fault_err(cpu, VEC_TS, seg_sel_error(tr->selector, ext));
	st = lin_read(cpu, tr->base + off, buf, 8, ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
	if (st != EXEC_OK)
		return st;
	*rsp = bits_load_le(buf, 8);
	return EXEC_OK;
}

enum exec_status seg_check_new_ss(struct cpu *cpu, uint16_t sel, unsigned cpl, uint32_t ext,
				  uint64_t *desc, uint64_t *addr)
{
	enum exec_status st;

	if (!(sel & SEL_INDEX_MASK) && !(sel & SEL_TI))
		return cpu_fault_err(cpu, VEC_TS, ext);
	st = seg_desc_fetch(cpu, sel, VEC_TS, ext, desc, addr);
	if (st != EXEC_OK)
		return st;
	if ((sel & SEL_RPL_MASK) != cpl || seg_desc_dpl(*desc) != cpl ||
	    !seg_desc_is_writable_data(*desc))
		return cpu_fault_err(cpu, VEC_TS, seg_sel_error(sel, ext));
	if (!seg_desc_present(*desc))
		return cpu_fault_err(cpu, VEC_SS, seg_sel_error(sel, ext));
	return EXEC_OK;
}

/* Segment-limit check of a stack access (SDM Vol. 3A, 5.3 "Limit Checking"). */
static bool stack_in_limit(const struct segment *ss, uint64_t offset, unsigned size)
{
	uint64_t last = offset + size - 1;

	if ((ss->ar & AR_TYPE_DC) && !(ss->ar & AR_TYPE_CODE)) {
		uint64_t upper = (ss->ar & AR_DB) ? 0xffffffffull : 0xffffull;

		return offset > ss->limit && last <= upper;
	}
	return last <= ss->limit;
}

static enum exec_status stack_linear(struct cpu *cpu, const struct segment *ss,
				     uint64_t offset, unsigned size, uint32_t ss_error,
				     uint64_t *linear)
{
	if (!ss) {
		if (!seg_canonical(cpu, offset) || !seg_canonical(cpu, offset + size - 1))
			return cpu_fault_err(cpu, VEC_SS, ss_error);
		*linear = offset;
		return EXEC_OK;
	}
	if (!stack_in_limit(ss, offset, size))
		return cpu_fault_err(cpu, VEC_SS, ss_error);
	*linear = (uint32_t)(ss->base + offset);
	return EXEC_OK;
}

enum exec_status seg_stack_write(struct cpu *cpu, const struct segment *ss, uint64_t offset,
				 const void *buf, unsigned size, unsigned cpl, uint32_t ss_error)
{
	uint64_t linear;
	uint8_t old_cpl = cpu->cpl;
	enum exec_status st = stack_linear(cpu, ss, offset, size, ss_error, &linear);

	if (st != EXEC_OK)
		return st;
	/* The pushes happen at the new privilege level: paging checks them as such. */
	cpu->cpl = (uint8_t)cpl;
	st = lin_write(cpu, linear, buf, size, ACC_WRITE | (cpl < 3 ? ACC_NO_AC : 0));
	cpu->cpl = old_cpl;
	return st;
}

enum exec_status seg_stack_read(struct cpu *cpu, const struct segment *ss, uint64_t offset,
				void *buf, unsigned size, uint32_t ss_error)
{
	uint64_t linear;
	enum exec_status st = stack_linear(cpu, ss, offset, size, ss_error, &linear);

	if (st != EXEC_OK)
		return st;
	return lin_read(cpu, linear, buf, size, ACC_READ);
}

void seg_null_invalid_data(struct cpu *cpu, unsigned new_cpl)
{
	static const unsigned regs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};

	for (unsigned i = 0; i < 4; i++) {
		struct segment *s = &cpu->seg[regs[i]];
		bool conforming = (s->ar & AR_TYPE_CODE) && (s->ar & AR_TYPE_DC);

		if (s->ar & AR_UNUSABLE)
			continue;
		/* Only selector and validity change: the FS/GS base stays, as Bochs's
		 * invalidate_sreg_if_needed keeps it, so 64-bit TLS survives. */
		if (!conforming && cpu_seg_dpl(s) < new_cpl) {
			uint64_t base = s->base;

			seg_set_null(s, 0, 0);
			s->base = base;
		}
	}
}
