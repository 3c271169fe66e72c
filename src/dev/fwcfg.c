/* SPDX-License-Identifier: MIT */
/*
 * QEMU fw_cfg, traditional I/O interface (QEMU docs/specs/fw_cfg.rst, "Selector
 * Register", "Data Register"): a 16-bit write to the selector chooses an item and
 * rewinds it; each 8-bit read of the data register returns the next byte, and 0 past
 * the end or for an unknown key. Integers are little-endian; the file directory's
 * fields are big-endian.
 */
#include "dev/fwcfg.h"

#include <string.h>

#include "util/bits.h"

enum fwcfg_reg {
	FWCFG_REG_SELECTOR = 0, /* 0x510, 16-bit write */
	FWCFG_REG_DATA = 1,     /* 0x511, 8-bit read */
};

static void fwcfg_update_irq(struct fwcfg *f)
{
	/* fw_cfg has no interrupt; the hook keeps the device shape. */
}

/*
 * The bytes of the selected item: integers are built in scratch, blobs point at their
 * data. Returns the item length (0 for an unknown key).
 */
static uint32_t item(const struct fwcfg *f, const uint8_t **data, uint8_t scratch[8])
{
	const struct fwcfg_config *c = &f->cfg;
	uint16_t key = f->selector & ~(uint16_t)FW_CFG_WRITE_CHANNEL;

	*data = scratch;
	memset(scratch, 0, 8);
	switch (key) {
	case FW_CFG_SIGNATURE:
		memcpy(scratch, "QEMU", 4);
		return 4;
	case FW_CFG_ID:
		bits_store_le(scratch, 4, FW_CFG_VERSION);
		return 4;
	case FW_CFG_RAM_SIZE:
		bits_store_le(scratch, 8, c->ram_size);
		return 8;
	case FW_CFG_NB_CPUS:
		bits_store_le(scratch, 2, c->nb_cpus);
		return 2;
	case FW_CFG_MAX_CPUS:
		bits_store_le(scratch, 2, c->max_cpus);
		return 2;
	case FW_CFG_KERNEL_CMDLINE: /* the legacy name of the command line's address */
	case FW_CFG_CMDLINE_ADDR:
		bits_store_le(scratch, 4, c->cmdline_addr);
		return 4;
	case FW_CFG_CMDLINE_SIZE:
		bits_store_le(scratch, 4, c->cmdline ? strlen(c->cmdline) + 1 : 0);
		return 4;
	case FW_CFG_CMDLINE_DATA:
		if (!c->cmdline)
			return 0;
		*data = (const uint8_t *)c->cmdline;
		return (uint32_t)strlen(c->cmdline) + 1; /* with its NUL, as QEMU */
	case FW_CFG_INITRD_ADDR:
		bits_store_le(scratch, 4, c->initrd ? c->initrd_addr : 0);
		return 4;
	case FW_CFG_INITRD_SIZE:
		bits_store_le(scratch, 4, c->initrd ? c->initrd_size : 0);
		return 4;
	case FW_CFG_INITRD_DATA:
		if (!c->initrd)
			return 0;
		*data = c->initrd;
		return c->initrd_size;
	case FW_CFG_FILE_DIR:
		return 4; /* struct FWCfgFiles: a big-endian count of 0, no entries */
	default:
		return 0;
	}
}

uint64_t fwcfg_read(struct fwcfg *f, unsigned reg, unsigned size)
{
	const uint8_t *data;
	uint8_t scratch[8];
	uint64_t v = 0;

	/* QEMU's I/O interface accepts only 8-bit data reads; anything else reads 0. */
	if (reg == FWCFG_REG_DATA && size == 1) {
		uint32_t len = item(f, &data, scratch);

		if (f->offset < len)
			v = data[f->offset++];
	}
	fwcfg_update_irq(f);
	return v;
}

void fwcfg_write(struct fwcfg *f, unsigned reg, unsigned size, uint64_t value)
{
	/* Data-register writes have been ignored since QEMU 2.4; only the selector counts. */
	if (reg == FWCFG_REG_SELECTOR && size == 2) {
		f->selector = (uint16_t)value;
		f->offset = 0;
	}
	fwcfg_update_irq(f);
}

void fwcfg_reset(struct fwcfg *f)
{
	f->selector = FW_CFG_SIGNATURE;
	f->offset = 0;
}

void fwcfg_init(struct fwcfg *f, const struct fwcfg_config *cfg)
{
	*f = (struct fwcfg){.cfg = *cfg};
	fwcfg_reset(f);
}

static uint64_t bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return fwcfg_read(opaque, (unsigned)addr, size);
}

static void bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	fwcfg_write(opaque, (unsigned)addr, size, value);
}

static const struct bus_ops fwcfg_ops = {.read = bus_read, .write = bus_write};

bool fwcfg_register(struct fwcfg *f, struct bus *bus)
{
	return bus_add_pio(bus, "fw_cfg", FWCFG_IO_BASE, FWCFG_IO_LEN, &fwcfg_ops, f);
}

bool fwcfg_snapshot(struct fwcfg *f, struct dev_snapshot *snap)
{
	return dev_snapshot_section(snap, "fw_cfg", 1) &&
	       dev_snapshot_field(snap, "selector", &f->selector, sizeof(f->selector)) &&
	       dev_snapshot_field(snap, "offset", &f->offset, sizeof(f->offset));
}
