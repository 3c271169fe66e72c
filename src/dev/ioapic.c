/* SPDX-License-Identifier: MIT */
/*
 * I/O APIC (Intel 82093AA data sheet, "Register Description"; the ICH data sheets for
 * version 0x20 and its EOI register). Messages are delivered at once, so the delivery
 * status bit always reads idle. The pin state is asserted = level XOR active-low.
 */
#include "dev/ioapic.h"

#define ID_SHIFT 24
#define ID_MASK 0x0f
#define VER_MAX_RTE_SHIFT 16
/* Bits software may write: everything but delivery status and remote IRR. */
#define RTE_WRITABLE (~(IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR))
/* Bits 55:17 are reserved. */
#define RTE_DEFINED (0xff00000000000000ull | 0x1ffffull)

static bool pin_asserted(const struct ioapic *io, unsigned pin)
{
	bool level = io->lines & (1u << pin);

	return level != !!(io->rte[pin] & IOAPIC_RTE_ACTIVE_LOW);
}

static void send(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];
	struct ioapic_msg msg = {
		.vector = (uint8_t)(rte & IOAPIC_RTE_VECTOR),
		.delivery_mode = (uint8_t)((rte >> IOAPIC_RTE_DELIVERY_SHIFT) & 7),
		.dest = (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
		.logical = rte & IOAPIC_RTE_DEST_LOGICAL,
		.level = rte & IOAPIC_RTE_LEVEL,
		.pin = (uint8_t)pin,
	};

	if (io->deliver)
		io->deliver(io->opaque, &msg);
}

/* Level entries: deliver while asserted, unmasked and not awaiting an EOI. */
static void ioapic_update_irq(struct ioapic *io)
{
	for (unsigned pin = 0; pin < IOAPIC_NR_PINS; pin++) {
		uint64_t *rte = &io->rte[pin];

		if (!(*rte & IOAPIC_RTE_LEVEL) || (*rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)))
			continue;
		if (!pin_asserted(io, pin))
			continue;
		*rte |= IOAPIC_RTE_REMOTE_IRR;
		send(io, pin);
	}
}

void ioapic_set_irq(struct ioapic *io, int pin, bool level)
{
	bool was;

	if (pin < 0 || pin >= IOAPIC_NR_PINS)
		return;
	was = pin_asserted(io, (unsigned)pin);
	if (level)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	if (!(io->rte[pin] & IOAPIC_RTE_LEVEL) && !was && pin_asserted(io, (unsigned)pin) &&
	    !(io->rte[pin] & IOAPIC_RTE_MASKED))
		send(io, (unsigned)pin);
	ioapic_update_irq(io);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_NR_PINS; pin++) {
		uint64_t *rte = &io->rte[pin];

		if ((*rte & IOAPIC_RTE_LEVEL) && (*rte & IOAPIC_RTE_VECTOR) == vector)
			*rte &= ~IOAPIC_RTE_REMOTE_IRR;
	}
	ioapic_update_irq(io); /* a line still asserted is delivered again */
}

static uint32_t read_register(struct ioapic *io, uint32_t reg)
{
	unsigned pin;

	switch (reg) {
	case IOAPIC_REG_ID:
		return (uint32_t)(io->id & ID_MASK) << ID_SHIFT;
	case IOAPIC_REG_VER:
		return (uint32_t)(IOAPIC_NR_PINS - 1) << VER_MAX_RTE_SHIFT | IOAPIC_VERSION;
	case IOAPIC_REG_ARB:
		return (uint32_t)(io->arb & ID_MASK) << ID_SHIFT;
	}
	if (reg >= IOAPIC_REG_REDTBL && reg < IOAPIC_REG_REDTBL + 2 * IOAPIC_NR_PINS) {
		pin = (reg - IOAPIC_REG_REDTBL) / 2;
		return (uint32_t)(io->rte[pin] >> ((reg & 1) ? 32 : 0));
	}
	return 0xffffffff; /* unimplemented registers float */
}

static void write_register(struct ioapic *io, uint32_t reg, uint32_t value)
{
	unsigned pin;
	uint64_t rte, mask;

	switch (reg) {
	case IOAPIC_REG_ID:
		io->id = (value >> ID_SHIFT) & ID_MASK;
		io->arb = io->id; /* the arbitration ID is loaded from the ID (82093AA, "IOAPICARB") */
		return;
	case IOAPIC_REG_VER:
	case IOAPIC_REG_ARB:
		return; /* read only */
	}
	if (reg < IOAPIC_REG_REDTBL || reg >= IOAPIC_REG_REDTBL + 2 * IOAPIC_NR_PINS)
		return;
	pin = (reg - IOAPIC_REG_REDTBL) / 2;
	mask = (reg & 1) ? 0xffffffff00000000ull : 0xffffffffull;
	rte = (uint64_t)value << ((reg & 1) ? 32 : 0);
	mask &= RTE_WRITABLE & RTE_DEFINED;
	io->rte[pin] = (io->rte[pin] & ~mask) | (rte & mask);
	/* Remote IRR is undefined for edge entries; keep it clear. */
	if (!(io->rte[pin] & IOAPIC_RTE_LEVEL))
		io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
}

uint32_t ioapic_read(struct ioapic *io, uint64_t offset)
{
	uint32_t v = 0xffffffff;

	switch (offset) {
	case IOAPIC_IOREGSEL:
		v = io->ioregsel;
		break;
	case IOAPIC_IOWIN:
		v = read_register(io, io->ioregsel);
		break;
	}
	ioapic_update_irq(io);
	return v;
}

void ioapic_write(struct ioapic *io, uint64_t offset, uint32_t value)
{
	switch (offset) {
	case IOAPIC_IOREGSEL:
		io->ioregsel = value & 0xff;
		break;
	case IOAPIC_IOWIN:
		write_register(io, io->ioregsel, value);
		break;
	case IOAPIC_EOI:
		ioapic_eoi(io, (uint8_t)value);
		break;
	}
	ioapic_update_irq(io); /* unmasking an asserted level pin delivers it */
}

void ioapic_reset(struct ioapic *io)
{
	io->ioregsel = 0;
	io->arb = io->id;
	for (unsigned pin = 0; pin < IOAPIC_NR_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
}

void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*deliver)(void *opaque, const struct ioapic_msg *msg), void *opaque)
{
	*io = (struct ioapic){.id = id & ID_MASK, .deliver = deliver, .opaque = opaque};
	ioapic_reset(io);
}

/* Registers are 32 bits wide; narrower accesses see or change a part of one. */
static uint64_t ioapic_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	uint64_t reg = addr & ~3ull;
	uint64_t v = ioapic_read(opaque, reg) >> (8 * (addr & 3));

	return size >= 4 ? v : v & ((1ull << (8 * size)) - 1);
}

static void ioapic_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	struct ioapic *io = opaque;

	if (size < 4 && (addr & ~3ull) == IOAPIC_IOREGSEL)
		value = (io->ioregsel & ~(((1u << (8 * size)) - 1) << (8 * (addr & 3)))) |
			(value << (8 * (addr & 3)));
	ioapic_write(io, addr & ~3ull, (uint32_t)value);
}

static const struct bus_ops ioapic_ops = {.read = ioapic_bus_read, .write = ioapic_bus_write};

bool ioapic_register(struct ioapic *io, struct bus *bus, uint64_t base)
{
	return bus_add_mmio(bus, "ioapic", base, IOAPIC_MMIO_LEN, &ioapic_ops, io);
}

bool ioapic_snapshot(struct ioapic *io, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "ioapic", 1) &&
		  dev_snapshot_field(snap, "id", &io->id, sizeof(io->id)) &&
		  dev_snapshot_field(snap, "arb", &io->arb, sizeof(io->arb)) &&
		  dev_snapshot_field(snap, "ioregsel", &io->ioregsel, sizeof(io->ioregsel)) &&
		  dev_snapshot_field(snap, "rte", io->rte, sizeof(io->rte)) &&
		  dev_snapshot_field(snap, "lines", &io->lines, sizeof(io->lines));

	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		io->id &= ID_MASK;
		io->arb &= ID_MASK;
		io->ioregsel &= 0xff;
		io->lines &= (1u << IOAPIC_NR_PINS) - 1;
	}
	return ok;
}
