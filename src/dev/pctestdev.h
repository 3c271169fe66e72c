/* SPDX-License-Identifier: MIT */
/*
 * QEMU's "pc-testdev" (hw/misc/pc-testdev.c), the ISA device kvm-unit-tests uses: a
 * 32-bit scratch register at port 0xe0 (and byte-wise at 0xe8), a flush-page port at
 * 0xe4, 24 IRQ-line ports at 0x2000 and 64 KiB of scratch MMIO at 0xff000000.
 */
#ifndef NESTVM_DEV_PCTESTDEV_H
#define NESTVM_DEV_PCTESTDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define PCTESTDEV_PORT_IOPORT 0xe0      /* 4 bytes, any access size */
#define PCTESTDEV_PORT_FLUSH 0xe4       /* 32-bit writes of a guest-physical address */
#define PCTESTDEV_PORT_IOPORT_BYTE 0xe8 /* the same register, handled byte by byte */
#define PCTESTDEV_PORT_IRQ 0x2000       /* 0x2000 + n: byte write sets line n's level */
#define PCTESTDEV_IRQ_LINES 24
#define PCTESTDEV_IOMEM_BASE 0xff000000ull
#define PCTESTDEV_IOMEM_LEN 0x10000

struct pctestdev {
	uint32_t ioport_data;
	uint8_t iomem[PCTESTDEV_IOMEM_LEN];
	/* Host side. Line n is ISA IRQ n, GSI n on the IOAPIC (QEMU's isa_get_irq). */
	void (*set_irq)(void *opaque, unsigned line, bool level);
	/*
	 * QEMU mprotects the page to exercise KVM's MMU notifiers; nestvm has none, so
	 * the host may pass NULL or a hook that drops cached translations of the page.
	 */
	void (*flush_page)(void *opaque, uint64_t page);
	void *opaque;
};

void pctestdev_init(struct pctestdev *t, void (*set_irq)(void *, unsigned, bool),
		    void (*flush_page)(void *, uint64_t), void *opaque);
void pctestdev_reset(struct pctestdev *t);
/* Claims the four port ranges and the iomem region. */
bool pctestdev_register(struct pctestdev *t, struct bus *bus);
/* port: absolute I/O port. */
uint64_t pctestdev_pio_read(struct pctestdev *t, uint16_t port, unsigned size);
void pctestdev_pio_write(struct pctestdev *t, uint16_t port, unsigned size, uint64_t value);
/* offset: relative to PCTESTDEV_IOMEM_BASE. */
uint64_t pctestdev_iomem_read(struct pctestdev *t, uint64_t offset, unsigned size);
void pctestdev_iomem_write(struct pctestdev *t, uint64_t offset, unsigned size,
			   uint64_t value);
bool pctestdev_snapshot(struct pctestdev *t, struct dev_snapshot *snap);

#endif
