/* SPDX-License-Identifier: MIT */
/*
 * The machine's I/O-port and MMIO spaces: a flat table of non-overlapping regions per
 * space, searched linearly (a PC has a few dozen regions). Unclaimed I/O ports read as
 * all ones, as an undriven ISA bus does.
 */
#include "dev/bus.h"

#include <string.h>

#include "util/bits.h"

void bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool add_region(struct bus_region *table, unsigned *count, uint64_t limit,
		       const char *name, uint64_t base, uint64_t len,
		       const struct bus_ops *ops, void *opaque)
{
	if (len == 0 || !ops || *count >= BUS_MAX_REGIONS)
		return false;
	/* The region must end inside the space: base + len may not wrap. */
	if (base > limit || len - 1 > limit - base)
		return false;
	for (unsigned i = 0; i < *count; i++)
		if (ranges_overlap(base, len, table[i].base, table[i].len))
			return false;
	table[*count] = (struct bus_region){name, base, len, ops, opaque};
	(*count)++;
	return true;
}

bool bus_add_pio(struct bus *bus, const char *name, uint16_t base, uint16_t len,
		 const struct bus_ops *ops, void *opaque)
{
	return add_region(bus->pio, &bus->npio, 0xffff, name, base, len, ops, opaque);
}

bool bus_add_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t len,
		  const struct bus_ops *ops, void *opaque)
{
	return add_region(bus->mmio, &bus->nmmio, ~0ULL, name, base, len, ops, opaque);
}

static struct bus_region *find(struct bus_region *table, unsigned count, uint64_t addr)
{
	for (unsigned i = 0; i < count; i++)
		if (addr >= table[i].base && addr - table[i].base < table[i].len)
			return &table[i];
	return NULL;
}

uint64_t bus_pio_read(struct bus *bus, uint16_t port, unsigned size)
{
	struct bus_region *r = find(bus->pio, bus->npio, port);

	if (!r || !r->ops->read)
		return bits_mask(size);
	return r->ops->read(r->opaque, port - r->base, size) & bits_mask(size);
}

void bus_pio_write(struct bus *bus, uint16_t port, unsigned size, uint64_t value)
{
	struct bus_region *r = find(bus->pio, bus->npio, port);

	if (r && r->ops->write)
		r->ops->write(r->opaque, port - r->base, size, value & bits_mask(size));
}

uint64_t bus_mmio_read(struct bus *bus, uint64_t addr, unsigned size)
{
	struct bus_region *r = find(bus->mmio, bus->nmmio, addr);

	if (!r || !r->ops->read)
		return bits_mask(size);
	return r->ops->read(r->opaque, addr - r->base, size) & bits_mask(size);
}

void bus_mmio_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
	struct bus_region *r = find(bus->mmio, bus->nmmio, addr);

	if (r && r->ops->write)
		r->ops->write(r->opaque, addr - r->base, size, value & bits_mask(size));
}

void bus_request_stop(struct bus *bus, int status, const char *reason)
{
	/* The first request wins: a reset after isa-debug-exit must not change the status. */
	if (bus->stop)
		return;
	bus->stop = true;
	bus->stop_status = status;
	bus->stop_reason = reason;
}
