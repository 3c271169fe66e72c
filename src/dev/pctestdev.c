/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pc-testdev, register behaviour of hw/misc/pc-testdev.c: the scratch register
 * keeps the bytes each access covers; IRQ-line ports take one byte per line and set
 * the level to value != 0; the flush port takes 32-bit writes only; iomem is plain
 * byte-addressed storage.
 */
#include "dev/pctestdev.h"

#include <string.h>

#include "util/bits.h"

static void pctestdev_update_irq(struct pctestdev *t)
{
	/* Lines change only on writes to the IRQ ports, which call set_irq directly. */
}

/* Byte i of the scratch register at offset off (0 … 3), as an access of size bytes sees it. */
static uint64_t ioport_read(const struct pctestdev *t, unsigned off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && off + i < 4; i++)
		v |= (uint64_t)((t->ioport_data >> (8 * (off + i))) & 0xff) << (8 * i);
	return v;
}

static void ioport_write(struct pctestdev *t, unsigned off, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size && off + i < 4; i++) {
		unsigned shift = 8 * (off + i);

		t->ioport_data &= ~(0xffu << shift);
		t->ioport_data |= (uint32_t)((value >> (8 * i)) & 0xff) << shift;
	}
}

uint64_t pctestdev_pio_read(struct pctestdev *t, uint16_t port, unsigned size)
{
	uint64_t v = 0;

	if (port >= PCTESTDEV_PORT_IOPORT && port < PCTESTDEV_PORT_IOPORT + 4)
		v = ioport_read(t, port - PCTESTDEV_PORT_IOPORT, size);
	else if (port >= PCTESTDEV_PORT_IOPORT_BYTE && port < PCTESTDEV_PORT_IOPORT_BYTE + 4)
		v = ioport_read(t, port - PCTESTDEV_PORT_IOPORT_BYTE, size);
	/* The flush and IRQ ports are write-only: reads return 0. */
	pctestdev_update_irq(t);
	return v;
}

void pctestdev_pio_write(struct pctestdev *t, uint16_t port, unsigned size, uint64_t value)
{
	if (port >= PCTESTDEV_PORT_IOPORT && port < PCTESTDEV_PORT_IOPORT + 4) {
		ioport_write(t, port - PCTESTDEV_PORT_IOPORT, size, value);
	} else if (port >= PCTESTDEV_PORT_IOPORT_BYTE && port < PCTESTDEV_PORT_IOPORT_BYTE + 4) {
		ioport_write(t, port - PCTESTDEV_PORT_IOPORT_BYTE, size, value);
	} else if (port == PCTESTDEV_PORT_FLUSH) {
		if (size == 4 && t->flush_page)
			t->flush_page(t->opaque, value & ~0xfffull);
	} else if (port >= PCTESTDEV_PORT_IRQ &&
		   port < PCTESTDEV_PORT_IRQ + PCTESTDEV_IRQ_LINES) {
		/*
		 * The lines are byte registers; a wider access covers consecutive lines, one
		 * byte each (QEMU splits it the same way), e.g. outl 1 to 0x200b sets line 11.
		 */
		for (unsigned i = 0; i < size && t->set_irq; i++) {
			unsigned line = port - PCTESTDEV_PORT_IRQ + i;
			if (line < PCTESTDEV_IRQ_LINES)
				t->set_irq(t->opaque, line, ((value >> (8 * i)) & 0xff) != 0);
		}
	}
	pctestdev_update_irq(t);
}

uint64_t pctestdev_iomem_read(struct pctestdev *t, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	if (offset < PCTESTDEV_IOMEM_LEN && size <= PCTESTDEV_IOMEM_LEN - offset)
		memcpy(&v, t->iomem + offset, size);
	return v;
}

void pctestdev_iomem_write(struct pctestdev *t, uint64_t offset, unsigned size,
			   uint64_t value)
{
	if (offset < PCTESTDEV_IOMEM_LEN && size <= PCTESTDEV_IOMEM_LEN - offset)
		memcpy(t->iomem + offset, &value, size);
}

void pctestdev_reset(struct pctestdev *t)
{
	/* QEMU's device has no reset handler: the scratch contents survive a reset. */
}

void pctestdev_init(struct pctestdev *t, void (*set_irq)(void *, unsigned, bool),
		    void (*flush_page)(void *, uint64_t), void *opaque)
{
	memset(t, 0, sizeof(*t));
	t->set_irq = set_irq;
	t->flush_page = flush_page;
	t->opaque = opaque;
}

/* 0xe0–0xeb is one region (ioport, flush, ioport-byte); the IRQ lines another. */
static uint64_t ports_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pctestdev_pio_read(opaque, (uint16_t)(PCTESTDEV_PORT_IOPORT + addr), size);
}

static void ports_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pctestdev_pio_write(opaque, (uint16_t)(PCTESTDEV_PORT_IOPORT + addr), size, value);
}

static uint64_t irq_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pctestdev_pio_read(opaque, (uint16_t)(PCTESTDEV_PORT_IRQ + addr), size);
}

static void irq_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pctestdev_pio_write(opaque, (uint16_t)(PCTESTDEV_PORT_IRQ + addr), size, value);
}

static uint64_t iomem_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pctestdev_iomem_read(opaque, addr, size);
}

static void iomem_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pctestdev_iomem_write(opaque, addr, size, value);
}

static const struct bus_ops ports_ops = {.read = ports_bus_read, .write = ports_bus_write};
static const struct bus_ops irq_ops = {.read = irq_bus_read, .write = irq_bus_write};
static const struct bus_ops iomem_ops = {.read = iomem_bus_read, .write = iomem_bus_write};

bool pctestdev_register(struct pctestdev *t, struct bus *bus)
{
	return bus_add_pio(bus, "pc-testdev", PCTESTDEV_PORT_IOPORT,
			   PCTESTDEV_PORT_IOPORT_BYTE + 4 - PCTESTDEV_PORT_IOPORT, &ports_ops, t) &&
	       bus_add_pio(bus, "pc-testdev-irq-line", PCTESTDEV_PORT_IRQ, PCTESTDEV_IRQ_LINES,
			   &irq_ops, t) &&
	       bus_add_mmio(bus, "pc-testdev-iomem", PCTESTDEV_IOMEM_BASE, PCTESTDEV_IOMEM_LEN,
			    &iomem_ops, t);
}

bool pctestdev_snapshot(struct pctestdev *t, struct dev_snapshot *snap)
{
	return dev_snapshot_section(snap, "pc-testdev", 1) &&
	       dev_snapshot_field(snap, "ioport_data", &t->ioport_data,
				  sizeof(t->ioport_data)) &&
	       dev_snapshot_field(snap, "iomem", t->iomem, sizeof(t->iomem));
}
