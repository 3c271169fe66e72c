/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit device (hw/misc/debugexit.c): any write to its ports stops the
 * machine with status (value << 1) | 1, so status 1 can never mean "guest wrote 0 by
 * accident" and an odd status always means the guest chose it. Reads return 0.
 */
#include "dev/debugexit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void debugexit_update_irq(struct debugexit *d)
{
	/* isa-debug-exit has no interrupt line; the hook is kept for the device shape. */
}

uint64_t debugexit_read(struct debugexit *d, unsigned reg, unsigned size)
{
	return 0;
}

void debugexit_write(struct debugexit *d, unsigned reg, unsigned size, uint64_t value)
{
	/* Computed unsigned: QEMU passes the same int to exit(), which keeps the low 8 bits. */
	uint64_t status = (value << 1) | 1;

	bus_request_stop(d->bus, (int)(uint32_t)status, "isa-debug-exit");
	debugexit_update_irq(d);
}

void debugexit_reset(struct debugexit *d)
{
}

void debugexit_init(struct debugexit *d, struct bus *bus, uint16_t iobase, uint16_t iosize)
{
	*d = (struct debugexit){.iobase = iobase, .iosize = iosize, .bus = bus};
	debugexit_reset(d);
}

static uint64_t bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return debugexit_read(opaque, (unsigned)addr, size);
}

static void bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	debugexit_write(opaque, (unsigned)addr, size, value);
}

static const struct bus_ops debugexit_ops = {.read = bus_read, .write = bus_write};

bool debugexit_register(struct debugexit *d)
{
	return bus_add_pio(d->bus, "isa-debug-exit", d->iobase, d->iosize, &debugexit_ops, d);
}

bool debugexit_snapshot(struct debugexit *d, struct dev_snapshot *snap)
{
	/* The ports are configuration, not state; the section records them to catch a mismatch. */
	uint16_t iobase = d->iobase, iosize = d->iosize;

	if (!dev_snapshot_section(snap, "isa-debug-exit", 1) ||
	    !dev_snapshot_field(snap, "iobase", &iobase, sizeof(iobase)) ||
	    !dev_snapshot_field(snap, "iosize", &iosize, sizeof(iosize)))
		return false;
	if (iobase != d->iobase || iosize != d->iosize) {
		snap->failed = "isa-debug-exit.iobase";
		return false;
	}
	return true;
}

bool debugexit_create(struct bus *bus, const char *opts, char *err, size_t errlen)
{
	struct device_opt kv[8];
	uint64_t iobase = DEBUGEXIT_DEFAULT_IOBASE, iosize = DEBUGEXIT_DEFAULT_IOSIZE;
	int n = registry_parse_opts(opts, kv, 8, err, errlen);
	struct debugexit *d;

	if (n < 0)
		return false;
	for (int i = 0; i < n; i++) {
		uint64_t *dst;

		if (!strcmp(kv[i].key, "iobase"))
			dst = &iobase;
		else if (!strcmp(kv[i].key, "iosize"))
			dst = &iosize;
		else {
			snprintf(err, errlen, "no property '%s' (has iobase, iosize)", kv[i].key);
			return false;
		}
		if (!registry_parse_u64(kv[i].value, dst)) {
			snprintf(err, errlen, "%s=%s: not a number", kv[i].key, kv[i].value);
			return false;
		}
	}
	if (iobase > 0xffff || iosize == 0 || iosize > 0x10000 - iobase) {
		snprintf(err, errlen, "iobase=0x%llx,iosize=0x%llx: outside the I/O space",
			 (unsigned long long)iobase, (unsigned long long)iosize);
		return false;
	}
	if (!bus)
		return true;
	d = malloc(sizeof(*d));
	if (!d || !registry_keep(d)) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	debugexit_init(d, bus, (uint16_t)iobase, (uint16_t)iosize);
	if (!debugexit_register(d)) {
		snprintf(err, errlen, "ports 0x%llx-0x%llx overlap another device",
			 (unsigned long long)iobase, (unsigned long long)(iobase + iosize - 1));
		return false;
	}
	return true;
}
