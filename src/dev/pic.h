/* SPDX-License-Identifier: MIT */
/*
 * The PC/AT pair of 8259A programmable interrupt controllers (Intel 8259A data sheet):
 * master at 0x20/0x21, slave at 0xa0/0xa1 cascaded on master IR2, and the edge/level
 * control registers (ELCR) at 0x4d0/0x4d1 (Intel PIIX/ICH data sheets).
 */
#ifndef NESTVM_DEV_PIC_H
#define NESTVM_DEV_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE 0xa0
#define PIC_ELCR_BASE 0x4d0
#define PIC_CASCADE_IRQ 2
#define PIC_NR_IRQS 16

/* One 8259A. */
struct pic_chip {
	uint8_t irr;          /* interrupt request register */
	uint8_t isr;          /* in-service register */
	uint8_t imr;          /* interrupt mask register (OCW1) */
	uint8_t lines;        /* current level of the IR inputs, for edge detection */
	uint8_t elcr;         /* 1 = level triggered (ELCR), per input */
	uint8_t elcr_mask;    /* ELCR bits that may be set */
	uint8_t vector_base;  /* ICW2 T7-T3 */
	uint8_t icw3;         /* cascade configuration (slave bits or slave ID) */
	uint8_t highest;      /* the IR with the highest priority: 0 after ICW1, moved by rotation */
	uint8_t init_state;   /* 0 ready, 1 expects ICW2, 2 ICW3, 3 ICW4 */
	bool icw4_needed;     /* ICW1 IC4 */
	bool single;          /* ICW1 SNGL */
	bool level_mode;      /* ICW1 LTIM: all inputs level triggered */
	bool auto_eoi;        /* ICW4 AEOI */
	bool special_nested;  /* ICW4 SFNM */
	bool rotate_on_aeoi;  /* OCW2 rotate in automatic EOI mode */
	bool special_mask;    /* OCW3 SMM */
	bool read_isr;        /* OCW3 RIS: port 0 reads ISR instead of IRR */
	bool poll;            /* OCW3 P: the next read is a poll */
};

struct pic {
	struct pic_chip chip[2]; /* [0] master, [1] slave */
	bool output;             /* INTR, as last reported */
	/* INTR of the master, to LINT0 of the BSP's local APIC or to the CPU. */
	void (*set_output)(void *opaque, bool level);
	void *opaque;
};

/* set_output may be NULL; the CPU can poll pic_has_interrupt instead. */
void pic_init(struct pic *p, void (*set_output)(void *opaque, bool level), void *opaque);
void pic_reset(struct pic *p);
/* Claims 0x20-0x21, 0xa0-0xa1 and 0x4d0-0x4d1. */
bool pic_register(struct pic *p, struct bus *bus);
/* port: the I/O port number (0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1). */
uint8_t pic_read(struct pic *p, uint16_t port);
void pic_write(struct pic *p, uint16_t port, uint8_t value);
/* Drive input irq (0-15) to level; edge-triggered inputs latch a rising edge. */
void pic_set_irq(struct pic *p, int irq, bool level);
/* The INTR output: an unmasked request beats everything in service. */
bool pic_has_interrupt(const struct pic *p);
/*
 * The INTA cycle: returns the vector and moves the request from IRR to ISR (unless in
 * automatic EOI mode). With nothing to report the answer is the spurious IR7 (vector
 * base + 7, of the slave if the master's IR2 was requested) with no ISR bit set.
 */
int pic_acknowledge(struct pic *p);
bool pic_snapshot(struct pic *p, struct dev_snapshot *snap);

#endif
