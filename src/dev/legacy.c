/* SPDX-License-Identifier: MIT */
/*
 * Harmless answers on PC/AT legacy ports (IBM PC/AT Technical Reference; PS/2 "System
 * Control Port A"): 0x80 swallows POST codes and I/O delays; 0x61 bit 4 (refresh
 * detect) toggles on each read so calibration loops that wait for it finish; 0x92 keeps
 * A20 on and turns a fast-reset request (bit 0 from 0 to 1) into a machine stop.
 */
#include "dev/legacy.h"

#define PORT_B_WRITABLE 0x0f     /* timer 2 gate, speaker data, parity/channel check enables */
#define PORT_B_REFRESH 0x10      /* refresh detect, toggles */
#define PORT_A_FAST_RESET 0x01   /* write 1: pulse the CPU reset line */
#define PORT_A_A20 0x02          /* A20 gate */

static void legacy_update_irq(struct legacy *l)
{
	/* None of these ports raises an interrupt; the hook keeps the device shape. */
}

uint8_t legacy_read(struct legacy *l, uint16_t port)
{
	uint8_t v = 0xff;

	switch (port) {
	case LEGACY_PORT_POST:
		v = 0xff; /* nothing drives the bus on a read, as QEMU's ioport80 */
		break;
	case LEGACY_PORT_SYS_CTRL_B:
		l->refresh = !l->refresh;
		v = (uint8_t)(l->port_b | (l->refresh ? PORT_B_REFRESH : 0));
		/* Bits 0, 1 (timer 2 gate, speaker) and 5 (timer 2 output) are the PIT's. */
		if (l->pit)
			v = (uint8_t)((v & ~0x23u) | pit_port61_read(l->pit));
		break;
	case LEGACY_PORT_SYS_CTRL_A:
		v = l->port_a;
		break;
	}
	legacy_update_irq(l);
	return v;
}

void legacy_write(struct legacy *l, uint16_t port, uint8_t value)
{
	switch (port) {
	case LEGACY_PORT_POST:
		l->post = value;
		break;
	case LEGACY_PORT_SYS_CTRL_B:
		l->port_b = value & PORT_B_WRITABLE;
		if (l->pit)
			pit_port61_write(l->pit, value);
		break;
	case LEGACY_PORT_SYS_CTRL_A:
		/*
		 * Memory is always flat, so A20 stays on whatever is written: A20 masking
		 * (the 8086 wraparound at 1 MiB) is not emulated and bit 1 reads back 1.
		 */
		if ((value & PORT_A_FAST_RESET) && !(l->port_a & PORT_A_FAST_RESET))
			bus_request_stop(l->bus, l->reset_status, "reset");
		l->port_a = (uint8_t)((value & PORT_A_FAST_RESET) | PORT_A_A20);
		break;
	}
	legacy_update_irq(l);
}

void legacy_reset(struct legacy *l)
{
	l->port_b = 0;
	l->refresh = false;
	l->port_a = PORT_A_A20;
	l->post = 0;
}

void legacy_init(struct legacy *l, struct bus *bus, int reset_status)
{
	*l = (struct legacy){.bus = bus, .reset_status = reset_status};
	legacy_reset(l);
}

static uint64_t post_read(void *opaque, uint64_t addr, unsigned size)
{
	return legacy_read(opaque, LEGACY_PORT_POST);
}

static void post_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	legacy_write(opaque, LEGACY_PORT_POST, (uint8_t)value);
}

static uint64_t port_b_read(void *opaque, uint64_t addr, unsigned size)
{
	return legacy_read(opaque, LEGACY_PORT_SYS_CTRL_B);
}

static void port_b_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	legacy_write(opaque, LEGACY_PORT_SYS_CTRL_B, (uint8_t)value);
}

static uint64_t port_a_read(void *opaque, uint64_t addr, unsigned size)
{
	return legacy_read(opaque, LEGACY_PORT_SYS_CTRL_A);
}

static void port_a_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	legacy_write(opaque, LEGACY_PORT_SYS_CTRL_A, (uint8_t)value);
}

static const struct bus_ops post_ops = {.read = post_read, .write = post_write};
static const struct bus_ops port_b_ops = {.read = port_b_read, .write = port_b_write};
static const struct bus_ops port_a_ops = {.read = port_a_read, .write = port_a_write};

bool legacy_register(struct legacy *l)
{
	return bus_add_pio(l->bus, "post", LEGACY_PORT_POST, 1, &post_ops, l) &&
	       bus_add_pio(l->bus, "sys-ctrl-b", LEGACY_PORT_SYS_CTRL_B, 1, &port_b_ops, l) &&
	       bus_add_pio(l->bus, "sys-ctrl-a", LEGACY_PORT_SYS_CTRL_A, 1, &port_a_ops, l);
}

bool legacy_snapshot(struct legacy *l, struct dev_snapshot *snap)
{
	return dev_snapshot_section(snap, "legacy", 1) &&
	       dev_snapshot_field(snap, "port_b", &l->port_b, sizeof(l->port_b)) &&
	       dev_snapshot_field(snap, "refresh", &l->refresh, sizeof(l->refresh)) &&
	       dev_snapshot_field(snap, "port_a", &l->port_a, sizeof(l->port_a)) &&
	       dev_snapshot_field(snap, "post", &l->post, sizeof(l->post));
}
