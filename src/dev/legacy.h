/* SPDX-License-Identifier: MIT */
/*
 * Ports every PC guest pokes that need no real device behind them: the POST/delay port
 * 0x80, system control port B (0x61) and system control port A (0x92, A20 and fast
 * reset). The PIC, PIT and RTC ports are not claimed here.
 */
#ifndef NESTVM_DEV_LEGACY_H
#define NESTVM_DEV_LEGACY_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/pit.h"
#include "dev/registry.h"

#define LEGACY_PORT_POST 0x80
#define LEGACY_PORT_SYS_CTRL_B 0x61
#define LEGACY_PORT_SYS_CTRL_A 0x92

struct legacy {
	uint8_t port_b;  /* bits 0-3 as last written (timer 2 gate, speaker, parity checks) */
	bool refresh;    /* port B bit 4, toggles on every read */
	uint8_t port_a;  /* bit 1 A20 gate */
	uint8_t post;    /* last POST code written to 0x80, for failure dumps */
	struct bus *bus;
	int reset_status; /* status of the stop a fast reset requests */
	struct pit *pit;  /* timer 2 gate and output live in port B; NULL without a PIT */
};

void legacy_init(struct legacy *l, struct bus *bus, int reset_status);
void legacy_reset(struct legacy *l);
bool legacy_register(struct legacy *l);
/* port: the I/O port number. */
uint8_t legacy_read(struct legacy *l, uint16_t port);
void legacy_write(struct legacy *l, uint16_t port, uint8_t value);
bool legacy_snapshot(struct legacy *l, struct dev_snapshot *snap);

#endif
