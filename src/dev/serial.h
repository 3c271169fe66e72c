/* SPDX-License-Identifier: MIT */
/* A 16550A UART (COM1 at 0x3f8, IRQ 4), after kvmtool's hw/serial.c. */
#ifndef NESTVM_DEV_SERIAL_H
#define NESTVM_DEV_SERIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ 4
#define SERIAL_NR_PORTS 8
#define SERIAL_FIFO_LEN 64

struct serial {
	/* Registers (16550A data sheet, "Register Description"). */
	uint8_t ier, iir, fcr, lcr, mcr, lsr, msr, scr;
	uint8_t dll, dlm;
	bool thri_pending; /* THR empty, not yet acknowledged by an IIR read or THR write */
	uint8_t rx[SERIAL_FIFO_LEN];
	unsigned rx_head, rx_count;
	bool irq_level;
	/* Host side. */
	FILE *out;   /* NULL: output goes nowhere (-serial none) */
	int in_fd;   /* -1: no input */
	unsigned poll_countdown;
	int irq;
	void (*set_irq)(void *opaque, int irq, bool level); /* NULL until the PIC lands */
	void *irq_opaque;
};

/* out: where transmitted bytes go (NULL = nowhere); in_fd: polled for input or -1. */
void serial_init(struct serial *s, FILE *out, int in_fd);
void serial_reset(struct serial *s);
bool serial_register(struct serial *s, struct bus *bus, uint16_t base);
uint8_t serial_read(struct serial *s, unsigned reg);
void serial_write(struct serial *s, unsigned reg, uint8_t value);
/* Queue a byte as if it arrived on the line (stdin polling and tests use this). */
void serial_receive(struct serial *s, uint8_t byte);
void serial_flush(struct serial *s);
bool serial_snapshot(struct serial *s, struct dev_snapshot *snap);

#endif
