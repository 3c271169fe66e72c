/* SPDX-License-Identifier: MIT */
/*
 * The machine's I/O-port space and MMIO space: device models register handlers here and
 * L0 dispatches I/O and MMIO exits to them. A device may also ask the machine to stop
 * (isa-debug-exit, a reset request).
 */
#ifndef NESTVM_DEV_BUS_H
#define NESTVM_DEV_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct pci;

struct bus_ops {
	/* size is 1, 2, 4 (ports) or 1, 2, 4, 8 (MMIO); addr is relative to the base. */
	uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
	void (*write)(void *opaque, uint64_t addr, unsigned size, uint64_t value);
};

#define BUS_MAX_REGIONS 64

struct bus_region {
	const char *name;
	uint64_t base, len;
	const struct bus_ops *ops;
	void *opaque;
};

struct bus {
	struct bus_region pio[BUS_MAX_REGIONS];
	unsigned npio;
	struct bus_region mmio[BUS_MAX_REGIONS];
	unsigned nmmio;
	/* The machine's interrupt lines (ISA IRQ 0–15, then GSIs 16–23) and its PCI bus. */
	void (*set_irq)(void *opaque, unsigned line, bool level);
	void *irq_opaque;
	struct pci *pci;
	/* Set by a device that ends the run (isa-debug-exit, reset with -no-reboot). */
	bool stop;
	int stop_status;
	const char *stop_reason;
};

void bus_init(struct bus *bus);
/* Returns false if the range overlaps an existing region or the table is full. */
bool bus_add_pio(struct bus *bus, const char *name, uint16_t base, uint16_t len,
		 const struct bus_ops *ops, void *opaque);
bool bus_add_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t len,
		  const struct bus_ops *ops, void *opaque);
/* Unclaimed ports read as all ones and ignore writes, as on a PC. */
uint64_t bus_pio_read(struct bus *bus, uint16_t port, unsigned size);
void bus_pio_write(struct bus *bus, uint16_t port, unsigned size, uint64_t value);
uint64_t bus_mmio_read(struct bus *bus, uint64_t addr, unsigned size);
void bus_mmio_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t value);
void bus_request_stop(struct bus *bus, int status, const char *reason);

#endif
