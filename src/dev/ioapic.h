/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC at 0xfec00000 (Intel 82093AA I/O APIC data sheet; version 0x20 as in
 * ICH chipsets, with the EOI register): 24 redirection entries that turn pin levels into
 * interrupt messages for the local APICs.
 */
#ifndef NESTVM_DEV_IOAPIC_H
#define NESTVM_DEV_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_MMIO_LEN 0x1000
#define IOAPIC_NR_PINS 24
#define IOAPIC_VERSION 0x20

/* MMIO offsets. */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOI 0x40

/* Indirect registers (IOREGSEL values). */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10 /* entry n: low dword 0x10 + 2n, high dword 0x11 + 2n */

/* Redirection entry bits. */
#define IOAPIC_RTE_VECTOR 0xffull
#define IOAPIC_RTE_DELIVERY_SHIFT 8     /* bits 10:8 delivery mode */
#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11)
#define IOAPIC_RTE_DELIVERY_STATUS (1ull << 12) /* read only */
#define IOAPIC_RTE_ACTIVE_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14)      /* read only */
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56

enum ioapic_delivery_mode {
	IOAPIC_DM_FIXED = 0,
	IOAPIC_DM_LOWEST = 1,
	IOAPIC_DM_SMI = 2,
	IOAPIC_DM_NMI = 4,
	IOAPIC_DM_INIT = 5,
	IOAPIC_DM_EXTINT = 7,
};

/* One interrupt message, as the local APICs receive it. */
struct ioapic_msg {
	uint8_t vector;
	uint8_t delivery_mode; /* enum ioapic_delivery_mode */
	uint8_t dest;          /* APIC ID, or logical destination when logical */
	bool logical;
	bool level;            /* level triggered: the APIC must report its EOI (ioapic_eoi) */
	uint8_t pin;
};

struct ioapic {
	uint8_t id;
	uint8_t arb;       /* arbitration ID */
	uint32_t ioregsel;
	uint64_t rte[IOAPIC_NR_PINS];
	uint32_t lines;    /* electrical level of each pin */
	void (*deliver)(void *opaque, const struct ioapic_msg *msg);
	void *opaque;
};

void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*deliver)(void *opaque, const struct ioapic_msg *msg), void *opaque);
/* All entries masked, edge, active high; ID kept (it is set by the machine). */
void ioapic_reset(struct ioapic *io);
bool ioapic_register(struct ioapic *io, struct bus *bus, uint64_t base);
/* offset: from the base (IOREGSEL, IOWIN, EOI). */
uint32_t ioapic_read(struct ioapic *io, uint64_t offset);
void ioapic_write(struct ioapic *io, uint64_t offset, uint32_t value);
/*
 * Drive pin (0-23) to the electrical level: an entry programmed active low is asserted
 * while the level is low. Edge entries send one message per assertion while unmasked
 * (an edge on a masked pin is lost, 82093AA "Interrupt Mask"); level entries send one and
 * wait for the EOI.
 */
void ioapic_set_irq(struct ioapic *io, int pin, bool level);
/* A local APIC's EOI broadcast (or a write of the EOI register): clears remote IRR. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
bool ioapic_snapshot(struct ioapic *io, struct dev_snapshot *snap);

#endif
