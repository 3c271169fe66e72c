/* SPDX-License-Identifier: MIT */
/*
 * PCI bus 0 and its host bridge (PCI Local Bus Specification 3.0, 3.2.2.3.2 and chapter
 * 6; PCI Express Base Specification, 7.2.2 "PCI Express Enhanced Configuration Access
 * Mechanism"). Configuration space is a byte array with a write mask per byte, so
 * read-only fields, BAR size bits and the command register all follow from the mask.
 */
#include "dev/pci.h"

#include <assert.h>
#include <string.h>

#include "util/bits.h"

/* ICH9 RST_CNT at 0xcf9 (ICH9 datasheet, 13.7.5 "RST_CNT—Reset Control Register"). */
#define RST_CNT_SYS_RST (1u << 1)
#define RST_CNT_RST_CPU (1u << 2)
#define RST_CNT_FULL_RST (1u << 3)

/* CONFIG_ADDRESS bits that hold state: enable, bus, device, function, register. */
#define CONFIG_ADDRESS_MASK 0x80fffffcu

/* QEMU's default subsystem IDs (Red Hat/Qumranet, QEMU), which guests have seen. */
#define PCI_SUBVENDOR_QEMU 0x1af4
#define PCI_SUBDEVICE_QEMU 0x1100

static void put_config(struct pci_device *dev, unsigned reg, unsigned size, uint64_t v)
{
	bits_store_le(dev->config + reg, size, v);
}

static uint32_t bar_dword(const struct pci_device *dev, unsigned n)
{
	return (uint32_t)bits_load_le(dev->config + PCI_BASE_ADDRESS_0 + 4 * n, 4);
}

/* Where BAR n decodes now, from its register and the command register (PCI 3.0, 6.2.5.1). */
static uint64_t decoded_addr(const struct pci_device *dev, unsigned n)
{
	const struct pci_bar *b = &dev->bar[n];
	uint16_t command = (uint16_t)bits_load_le(dev->config + PCI_COMMAND, 2);
	uint64_t addr, last;

	switch (b->type) {
	case PCI_BAR_IO:
		if (!(command & PCI_COMMAND_IO))
			return PCI_BAR_UNMAPPED;
		addr = bar_dword(dev, n) & ~3u;
		/* x86 has 64 KiB of ports; a BAR beyond them (the sizing value) decodes nothing. */
		return addr && addr + b->size <= 0x10000 ? addr : PCI_BAR_UNMAPPED;
	case PCI_BAR_MEM32:
		if (!(command & PCI_COMMAND_MEMORY))
			return PCI_BAR_UNMAPPED;
		addr = bar_dword(dev, n) & ~0xfu;
		/* Ending at 4 GiB - 1 is the all-ones sizing value: not a real placement. */
		return addr && addr + b->size < (1ull << 32) ? addr : PCI_BAR_UNMAPPED;
	case PCI_BAR_MEM64:
		if (!(command & PCI_COMMAND_MEMORY))
			return PCI_BAR_UNMAPPED;
		addr = (bar_dword(dev, n) & ~0xfu) | (uint64_t)bar_dword(dev, n + 1) << 32;
		last = addr + b->size - 1;
		return addr && last > addr && last != ~0ull ? addr : PCI_BAR_UNMAPPED;
	default:
		return PCI_BAR_UNMAPPED;
	}
}

/* Recomputes every BAR's decoded address and tells the device what moved. */
static void update_mappings(struct pci_device *dev)
{
	for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
		uint64_t old = dev->bar_addr[n], now = decoded_addr(dev, n);

		if (old == now)
			continue;
		dev->bar_addr[n] = now;
		if (dev->on_bar_change)
			dev->on_bar_change(dev, n, old, now);
	}
}

void pci_device_init(struct pci_device *dev, const char *name, uint16_t vendor,
		     uint16_t device, uint32_t class_code, uint8_t revision)
{
	*dev = (struct pci_device){.name = name};
	put_config(dev, PCI_VENDOR_ID, 2, vendor);
	put_config(dev, PCI_DEVICE_ID, 2, device);
	put_config(dev, PCI_REVISION_ID, 1, revision);
	put_config(dev, PCI_CLASS_PROG, 3, class_code);
	put_config(dev, PCI_SUBSYSTEM_VENDOR_ID, 2, PCI_SUBVENDOR_QEMU);
	put_config(dev, PCI_SUBSYSTEM_ID, 2, PCI_SUBDEVICE_QEMU);
	/* Writable: command bits we model, cache line size, interrupt line. */
	bits_store_le(dev->wmask + PCI_COMMAND, 2,
		      PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			      PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	for (unsigned n = 0; n < PCI_NUM_BARS; n++)
		dev->bar_addr[n] = PCI_BAR_UNMAPPED;
}

void pci_device_set_bar(struct pci_device *dev, unsigned n, enum pci_bar_type type,
			uint64_t size, bool prefetchable, const struct bus_ops *ops,
			void *opaque)
{
	uint64_t mask = ~(size - 1);
	unsigned reg = PCI_BASE_ADDRESS_0 + 4 * n;

	assert(n < PCI_NUM_BARS && "BUG: BAR number");
	assert(size && !(size & (size - 1)) && "BUG: BAR size must be a power of two");
	assert(type != PCI_BAR_MEM64 || n + 1 < PCI_NUM_BARS);
	dev->bar[n] = (struct pci_bar){type, size, prefetchable, ops, opaque};
	switch (type) {
	case PCI_BAR_IO:
		assert(size >= 4);
		put_config(dev, reg, 4, PCI_BAR_SPACE_IO);
		bits_store_le(dev->wmask + reg, 4, mask & ~3ull);
		break;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM64:
		assert(size >= 16);
		assert(type == PCI_BAR_MEM64 || size <= (1ull << 31));
		put_config(dev, reg, 4,
			   (type == PCI_BAR_MEM64 ? PCI_BAR_MEM_TYPE_64 : 0) |
				   (prefetchable ? PCI_BAR_MEM_PREFETCH : 0));
		bits_store_le(dev->wmask + reg, 4, mask & 0xfffffff0ull);
		if (type == PCI_BAR_MEM64) {
			/* The next BAR is the upper half (PCI 3.0, 6.2.5.1). */
			dev->bar[n + 1] = (struct pci_bar){PCI_BAR_NONE, 0, false, NULL, NULL};
			put_config(dev, reg + 4, 4, 0);
			bits_store_le(dev->wmask + reg + 4, 4, mask >> 32);
		}
		break;
	default:
		put_config(dev, reg, 4, 0);
		bits_store_le(dev->wmask + reg, 4, 0);
		break;
	}
}

uint64_t pci_device_bar_addr(const struct pci_device *dev, unsigned n)
{
	return n < PCI_NUM_BARS ? dev->bar_addr[n] : PCI_BAR_UNMAPPED;
}

/* The function at bus/devfn, or NULL: only bus 0 exists, and a function other than 0
 * answers only when function 0 does (PCI 3.0, 6.2.3.1 on multi-function devices). */
static struct pci_device *find(struct pci *pci, unsigned bus, unsigned devfn)
{
	if (bus != 0 || devfn > 0xff)
		return NULL;
	if (!pci->devices[devfn & ~7u])
		return NULL;
	return pci->devices[devfn];
}

static uint32_t device_read(const struct pci_device *dev, unsigned reg, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned off = reg + i;
		uint8_t b = off < PCI_CONFIG_SIZE ? dev->config[off] : 0xff;

		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

static void device_write(struct pci_device *dev, unsigned reg, unsigned size,
			 uint32_t value)
{
	bool remap = false;

	for (unsigned i = 0; i < size; i++) {
		unsigned off = reg + i;
		uint8_t b = (uint8_t)(value >> (8 * i)), m;

		if (off >= PCI_CONFIG_SIZE)
			break;
		m = dev->wmask[off];
		dev->config[off] = (uint8_t)((dev->config[off] & ~m) | (b & m));
		if ((off >= PCI_COMMAND && off < PCI_COMMAND + 2) ||
		    (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS))
			remap = true;
	}
	if (remap)
		update_mappings(dev);
	if (dev->config_write && reg < PCI_CONFIG_SIZE)
		dev->config_write(dev, reg, size, value);
}

uint32_t pci_config_read(struct pci *pci, unsigned bus, unsigned devfn, unsigned reg,
			 unsigned size)
{
	struct pci_device *dev = find(pci, bus, devfn);

	if (!dev || size == 0 || size > 4)
		return (uint32_t)bits_mask(size > 4 ? 4 : size);
	return device_read(dev, reg, size);
}

void pci_config_write(struct pci *pci, unsigned bus, unsigned devfn, unsigned reg,
		      unsigned size, uint32_t value)
{
	struct pci_device *dev = find(pci, bus, devfn);

	if (dev && size >= 1 && size <= 4)
		device_write(dev, reg, size, value);
}

uint64_t pci_ecam_read(struct pci *pci, uint64_t addr, unsigned size)
{
	unsigned bus = (unsigned)(addr >> 20);

	/* ECAM accesses are at most a dword (PCIe Base 7.2.2.1); wider ones read ones. */
	if (size > 4 || bus > pci->cfg.ecam_bus_end)
		return bits_mask(size);
	return pci_config_read(pci, bus, (addr >> 12) & 0xff, addr & 0xfff, size);
}

void pci_ecam_write(struct pci *pci, uint64_t addr, unsigned size, uint64_t value)
{
	unsigned bus = (unsigned)(addr >> 20);

	if (size > 4 || bus > pci->cfg.ecam_bus_end)
		return;
	pci_config_write(pci, bus, (addr >> 12) & 0xff, addr & 0xfff, size, (uint32_t)value);
}

/* Mechanism #1 target of CONFIG_DATA: bus, devfn and dword register from CONFIG_ADDRESS. */
static bool config_target(const struct pci *pci, unsigned *bus, unsigned *devfn,
			  unsigned *reg)
{
	uint32_t a = pci->config_address;

	*bus = (a >> 16) & 0xff;
	*devfn = (a >> 8) & 0xff;
	*reg = a & 0xfc;
	return a & PCI_CONFIG_ENABLE;
}

uint32_t pci_port_read(struct pci *pci, unsigned offset, unsigned size)
{
	unsigned bus, devfn, reg;

	if (offset == 0 && size == 4)
		return pci->config_address;
	if (offset == 1 && size == 1)
		return pci->reset_control;
	if (offset < 4 || !config_target(pci, &bus, &devfn, &reg))
		return (uint32_t)bits_mask(size);
	return pci_config_read(pci, bus, devfn, reg + (offset - 4), size);
}

void pci_port_write(struct pci *pci, unsigned offset, unsigned size, uint32_t value)
{
	unsigned bus, devfn, reg;

	if (offset == 0 && size == 4) {
		pci->config_address = value & CONFIG_ADDRESS_MASK;
		return;
	}
	if (offset == 1 && size == 1) {
		pci->reset_control = value & (RST_CNT_SYS_RST | RST_CNT_FULL_RST);
		/* RST_CPU starts a reset; nestvm ends the run as the -no-reboot policy says. */
		if (value & RST_CNT_RST_CPU)
			bus_request_stop(pci->bus, pci->cfg.reset_status, "reset");
		return;
	}
	if (offset >= 4 && config_target(pci, &bus, &devfn, &reg))
		pci_config_write(pci, bus, devfn, reg + (offset - 4), size, value);
}

/* The device and BAR decoding addr in the given space, or NULL. */
static struct pci_device *decoder(struct pci *pci, bool io, uint64_t addr, unsigned *bar)
{
	for (unsigned i = 0; i < pci->ndevices; i++) {
		struct pci_device *dev = pci->registered[i];

		for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
			uint64_t base = dev->bar_addr[n];

			if (base == PCI_BAR_UNMAPPED || (dev->bar[n].type == PCI_BAR_IO) != io)
				continue;
			if (addr >= base && addr - base < dev->bar[n].size) {
				*bar = n;
				return dev;
			}
		}
	}
	return NULL;
}

static uint64_t bar_read(struct pci *pci, bool io, uint64_t addr, unsigned size)
{
	unsigned n;
	struct pci_device *dev = decoder(pci, io, addr, &n);

	/* No claimant: master abort, all ones (PCI 3.0, 6.1). */
	if (!dev || !dev->bar[n].ops || !dev->bar[n].ops->read)
		return bits_mask(size);
	return dev->bar[n].ops->read(dev->bar[n].opaque, addr - dev->bar_addr[n], size);
}

static void bar_write(struct pci *pci, bool io, uint64_t addr, unsigned size,
		      uint64_t value)
{
	unsigned n;
	struct pci_device *dev = decoder(pci, io, addr, &n);

	if (dev && dev->bar[n].ops && dev->bar[n].ops->write)
		dev->bar[n].ops->write(dev->bar[n].opaque, addr - dev->bar_addr[n], size,
				       value);
}

uint64_t pci_mmio_read(struct pci *pci, uint64_t addr, unsigned size)
{
	return bar_read(pci, false, addr, size);
}

void pci_mmio_write(struct pci *pci, uint64_t addr, unsigned size, uint64_t value)
{
	bar_write(pci, false, addr, size, value);
}

uint64_t pci_io_read(struct pci *pci, uint16_t port, unsigned size)
{
	return bar_read(pci, true, port, size);
}

void pci_io_write(struct pci *pci, uint16_t port, unsigned size, uint64_t value)
{
	bar_write(pci, true, port, size, value);
}

static void update_multifunction(struct pci *pci, unsigned slot)
{
	struct pci_device *fn0 = pci->devices[slot << 3];
	bool multi = false;

	if (!fn0)
		return;
	for (unsigned fn = 1; fn < 8; fn++)
		multi |= pci->devices[(slot << 3) | fn] != NULL;
	if (multi)
		fn0->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
	else
		fn0->config[PCI_HEADER_TYPE] &= ~PCI_HEADER_TYPE_MULTI_FUNCTION;
	fn0->reset_config[PCI_HEADER_TYPE] = fn0->config[PCI_HEADER_TYPE];
}

bool pci_register_device(struct pci *pci, unsigned devfn, struct pci_device *dev)
{
	if (devfn > 0xff || pci->devices[devfn])
		return false;
	dev->pci = pci;
	dev->devfn = devfn;
	memcpy(dev->reset_config, dev->config, PCI_CONFIG_SIZE);
	pci->devices[devfn] = dev;
	pci->registered[pci->ndevices++] = dev;
	update_multifunction(pci, devfn >> 3);
	update_mappings(dev);
	return true;
}

void pci_reset(struct pci *pci)
{
	pci->config_address = 0;
	pci->reset_control = 0;
	for (unsigned devfn = 0; devfn < 256; devfn++) {
		struct pci_device *dev = pci->devices[devfn];

		if (!dev)
			continue;
		memcpy(dev->config, dev->reset_config, PCI_CONFIG_SIZE);
		update_mappings(dev);
	}
}

void pci_init(struct pci *pci, struct bus *bus, const struct pci_config *cfg)
{
	*pci = (struct pci){.cfg = *cfg, .bus = bus};
	pci_device_init(&pci->host, "host-bridge", PCI_HOST_VENDOR_ID, PCI_HOST_DEVICE_ID,
			PCI_CLASS_HOST_BRIDGE, 0);
	pci_register_device(pci, PCI_DEVFN(0, 0), &pci->host);
}

struct bar_slot {
	struct pci_device *dev;
	unsigned n;
};

/* Places the BARs of one space, largest first, so natural alignment wastes nothing. */
static bool place(struct pci *pci, bool io, uint64_t base, uint64_t size)
{
	struct bar_slot slots[256];
	unsigned count = 0;
	uint64_t cursor = base;

	for (unsigned devfn = 0; devfn < 256; devfn++) {
		struct pci_device *dev = pci->devices[devfn];

		for (unsigned n = 0; dev && n < PCI_NUM_BARS; n++) {
			enum pci_bar_type t = dev->bar[n].type;

			if (t != PCI_BAR_NONE && (t == PCI_BAR_IO) == io && count < 256)
				slots[count++] = (struct bar_slot){dev, n};
		}
	}
	for (unsigned i = 1; i < count; i++) /* insertion sort, largest size first */
		for (unsigned j = i; j > 0 &&
				     slots[j].dev->bar[slots[j].n].size >
					     slots[j - 1].dev->bar[slots[j - 1].n].size;
		     j--) {
			struct bar_slot t = slots[j];

			slots[j] = slots[j - 1];
			slots[j - 1] = t;
		}
	for (unsigned i = 0; i < count; i++) {
		struct pci_device *dev = slots[i].dev;
		unsigned n = slots[i].n, reg = PCI_BASE_ADDRESS_0 + 4 * n;
		uint64_t bsize = dev->bar[n].size;
		uint64_t addr = (cursor + bsize - 1) & ~(bsize - 1);

		if (addr < cursor || addr - base > size || size - (addr - base) < bsize)
			return false;
		cursor = addr + bsize;
		device_write(dev, reg, 4, (uint32_t)addr);
		if (dev->bar[n].type == PCI_BAR_MEM64)
			device_write(dev, reg + 4, 4, (uint32_t)(addr >> 32));
	}
	return true;
}

bool pci_assign_bars(struct pci *pci, uint64_t mmio32_base, uint64_t mmio32_size,
		     uint16_t io_base, uint16_t io_size)
{
	if (!place(pci, false, mmio32_base, mmio32_size) || !place(pci, true, io_base, io_size))
		return false;
	for (unsigned devfn = 0; devfn < 256; devfn++) {
		struct pci_device *dev = pci->devices[devfn];
		uint16_t command;
		uint8_t pin;

		if (!dev)
			continue;
		command = (uint16_t)device_read(dev, PCI_COMMAND, 2);
		for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
			if (dev->bar[n].type == PCI_BAR_IO)
				command |= PCI_COMMAND_IO;
			else if (dev->bar[n].type != PCI_BAR_NONE)
				command |= PCI_COMMAND_MEMORY;
		}
		pin = dev->config[PCI_INTERRUPT_PIN];
		if (pin >= 1 && pin <= 4)
			device_write(dev, PCI_INTERRUPT_LINE, 1,
				     pci->cfg.intx_line[((devfn >> 3) + pin - 1) % 4]);
		device_write(dev, PCI_COMMAND, 2, command);
	}
	return true;
}

static uint64_t port_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pci_port_read(opaque, (unsigned)addr, size);
}

static void port_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pci_port_write(opaque, (unsigned)addr, size, (uint32_t)value);
}

static uint64_t ecam_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pci_ecam_read(opaque, addr, size);
}

static void ecam_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pci_ecam_write(opaque, addr, size, value);
}

static uint64_t mmio_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pci *pci = opaque;

	return pci_mmio_read(pci, pci->cfg.mmio32_base + addr, size);
}

static void mmio_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	struct pci *pci = opaque;

	pci_mmio_write(pci, pci->cfg.mmio32_base + addr, size, value);
}

static uint64_t io_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	struct pci *pci = opaque;

	return pci_io_read(pci, (uint16_t)(pci->cfg.io_base + addr), size);
}

static void io_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	struct pci *pci = opaque;

	pci_io_write(pci, (uint16_t)(pci->cfg.io_base + addr), size, value);
}

static const struct bus_ops port_ops = {.read = port_bus_read, .write = port_bus_write};
static const struct bus_ops ecam_ops = {.read = ecam_bus_read, .write = ecam_bus_write};
static const struct bus_ops mmio_ops = {.read = mmio_bus_read, .write = mmio_bus_write};
static const struct bus_ops io_ops = {.read = io_bus_read, .write = io_bus_write};

bool pci_register(struct pci *pci)
{
	const struct pci_config *c = &pci->cfg;

	if (!bus_add_pio(pci->bus, "pci-config", PCI_CONFIG_ADDRESS_PORT, 8, &port_ops, pci))
		return false;
	if (c->ecam_base &&
	    !bus_add_mmio(pci->bus, "pci-ecam", c->ecam_base,
			  (uint64_t)(c->ecam_bus_end + 1) * PCI_ECAM_BUS_SIZE, &ecam_ops, pci))
		return false;
	if (c->mmio32_size &&
	    !bus_add_mmio(pci->bus, "pci-mmio", c->mmio32_base, c->mmio32_size, &mmio_ops, pci))
		return false;
	return !c->io_size || bus_add_pio(pci->bus, "pci-io", c->io_base, c->io_size, &io_ops,
					  pci);
}

bool pci_snapshot(struct pci *pci, struct dev_snapshot *snap)
{
	if (!dev_snapshot_section(snap, "pci", 1) ||
	    !dev_snapshot_field(snap, "config_address", &pci->config_address,
				sizeof(pci->config_address)) ||
	    !dev_snapshot_field(snap, "reset_control", &pci->reset_control,
				sizeof(pci->reset_control)))
		return false;
	for (unsigned devfn = 0; devfn < 256; devfn++) {
		struct pci_device *dev = pci->devices[devfn];

		if (!dev)
			continue;
		if (!dev_snapshot_field(snap, dev->name, dev->config, sizeof(dev->config)))
			return false;
		if (snap->dir == SNAPSHOT_RESTORE)
			update_mappings(dev);
	}
	return true;
}
