/* SPDX-License-Identifier: MIT */
/*
 * The 8254 programmable interval timer at 0x40-0x43 (Intel 8254 data sheet): three
 * counters at 1.193182 MHz, counter 0 on IRQ0, counter 2 gated and read back through
 * system control port B (0x61, claimed by dev/legacy.c, which calls pit_port61_*).
 * Time is the machine's deterministic nanosecond clock; nothing here runs on its own:
 * the machine asks pit_next_event_ns and calls pit_update once that time has come.
 */
#ifndef NESTVM_DEV_PIT_H
#define NESTVM_DEV_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define PIT_BASE 0x40
#define PIT_NR_PORTS 4
#define PIT_IRQ 0
#define PIT_FREQ_HZ 1193182u
#define PIT_NO_EVENT UINT64_MAX

/* Port 0x61 bits the PIT owns. */
#define PIT_PORT61_GATE2 0x01   /* timer 2 gate (read/write) */
#define PIT_PORT61_SPEAKER 0x02 /* speaker data enable (read/write, stored only) */
#define PIT_PORT61_OUT2 0x20    /* timer 2 output (read only) */

struct pit_channel {
	uint8_t mode;       /* 0-5 */
	uint8_t rw;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	uint32_t count;     /* reload value in binary, 1 … 65536 (10000 in BCD) */
	bool loaded;        /* a count was written since the control word */
	bool null_count;    /* written but not yet in the counting element (status bit 6) */
	bool gate;
	bool triggered;     /* modes 1 and 5: a gate rising edge started the count */
	bool frozen;        /* counting stopped by the gate; elapsed holds the ticks so far */
	uint64_t elapsed;
	uint64_t load_tick; /* tick at which counting (re)started */
	bool pending;       /* modes 2 and 3: a new count waits for the end of the period */
	uint32_t pending_count;
	uint64_t pending_tick;
	/* Host interface state. */
	uint16_t latch;
	uint8_t latched;    /* bytes of latch still to read: 0, or 1/2 */
	bool latch_hi_next; /* LSB-then-MSB latch: the MSB is next */
	uint8_t status;
	bool status_latched;
	bool read_hi_next;  /* LSB-then-MSB live read: the MSB is next */
	bool write_hi_next; /* LSB-then-MSB write: the MSB is next */
	uint8_t write_lsb;
};

struct pit {
	struct pit_channel ch[3];
	bool speaker;      /* port 0x61 bit 1 */
	bool irq_level;    /* counter 0 output as last reported */
	uint64_t last_tick; /* IRQ0 edges up to this tick have been reported */
	uint64_t (*now_ns)(void *opaque);
	void *clock_opaque;
	void (*set_irq)(void *opaque, int irq, bool level);
	void *irq_opaque;
};

/*
 * now_ns: the machine clock. set_irq (may be NULL) receives counter 0's output on
 * PIT_IRQ; an edge-triggered PIC input sees at least one rising edge for every period
 * that ended, even when several ended between two calls to pit_update.
 */
void pit_init(struct pit *p, uint64_t (*now_ns)(void *opaque), void *clock_opaque,
	      void (*set_irq)(void *opaque, int irq, bool level), void *irq_opaque);
/* Counters unprogrammed (no count, no output changes), gates 0 and 1 high, gate 2 low. */
void pit_reset(struct pit *p);
bool pit_register(struct pit *p, struct bus *bus);
/* reg: 0-2 counters, 3 control word. */
uint8_t pit_read(struct pit *p, unsigned reg);
void pit_write(struct pit *p, unsigned reg, uint8_t value);
/* The next time counter 0's output changes, or PIT_NO_EVENT. */
uint64_t pit_next_event_ns(struct pit *p);
/* Brings IRQ0 up to now_ns. */
void pit_update(struct pit *p);
/* Port 0x61: returns PIT_PORT61_GATE2 | PIT_PORT61_SPEAKER | PIT_PORT61_OUT2 bits only. */
uint8_t pit_port61_read(struct pit *p);
/* Takes bits 0 (gate 2) and 1 (speaker data) of a port 0x61 write. */
void pit_port61_write(struct pit *p, uint8_t value);
/* A counter's gate (counter 2 through port 0x61; 0 and 1 are tied high on a PC). */
void pit_set_gate(struct pit *p, unsigned channel, bool level);
bool pit_snapshot(struct pit *p, struct dev_snapshot *snap);

#endif
