/* SPDX-License-Identifier: MIT */
/*
 * The I/O permission check of IN, OUT, INS and OUTS (SDM Vol. 1, 19.5.1 "I/O Privilege
 * Level", 19.5.2 "I/O Permission Bit Map"; Vol. 3A, 21.2.8.1 "I/O-Port-Mapped I/O").
 */
#include "hw/io.h"

#include "hw/access.h"
#include "hw/flags.h"

/* TSS system-descriptor types (SDM Vol. 3A, Table 3-2): 32-bit TSS, available or busy. */
#define TSS_TYPE_AVAIL32 0x9u
#define TSS_TYPE_BUSY32 0xbu

static bool needs_bitmap(struct cpu *cpu)
{
	unsigned iopl;

	if (!cpu_protected(cpu))
		return false;
	if (cpu->mode == MODE_V86)
		return true; /* IOPL does not apply to I/O in virtual-8086 mode (21.2.8.1) */
	iopl = (flags_read(cpu) & RFLAGS_IOPL) >> RFLAGS_IOPL_SHIFT;
	return cpu->cpl > iopl;
}

/*
 * Two bytes of the TSS: an implicit supervisor access; linear addresses wrap at 4 GiB
 * outside IA-32e mode.
 */
static enum exec_status read_tss(struct cpu *cpu, uint32_t offset, uint8_t *word)
{
	uint64_t linear = cpu->seg[SEG_TR].base + offset;

	if (!(cpu->efer & EFER_LMA))
		linear = (uint32_t)linear;
	return lin_read(cpu, linear, word, 2, ACC_READ | ACC_IMPLICIT_SV | ACC_NO_AC);
}

enum exec_status io_check_permission(struct cpu *cpu, uint16_t port, unsigned size)
{
	const struct segment *tr = &cpu->seg[SEG_TR];
	unsigned type = tr->ar & AR_TYPE_MASK;
	uint8_t word[2];
	uint16_t map_base;
	uint32_t offset;
	unsigned bits, mask;
	enum exec_status st;

	if (!needs_bitmap(cpu))
		return EXEC_OK;

	/* A 16-bit TSS has no bit map; 64-bit TSSs use the same type codes (Table 3-2). */
	if ((tr->ar & AR_UNUSABLE) || (tr->ar & AR_S) ||
	    (type != TSS_TYPE_AVAIL32 && type != TSS_TYPE_BUSY32))
		return cpu_gp0(cpu);
	if (tr->limit < TSS_IO_MAP_BASE + 1)
		return cpu_gp0(cpu);
	st = read_tss(cpu, TSS_IO_MAP_BASE, word);
	if (st != EXEC_OK)
		return st;
	map_base = (uint16_t)(word[0] | word[1] << 8);

	/*
	 * 19.5.2: the processor reads two bytes of the map so that an access crossing a byte
	 * boundary is covered; both must lie within the TSS limit.
	 */
	offset = (uint32_t)map_base + port / 8;
	if (offset + 1 > tr->limit)
		return cpu_gp0(cpu);
	st = read_tss(cpu, offset, word);
	if (st != EXEC_OK)
		return st;
	bits = (unsigned)word[0] | (unsigned)word[1] << 8;
	mask = ((1u << size) - 1) << (port & 7);
	if (bits & mask)
		return cpu_gp0(cpu);
	return EXEC_OK;
}
