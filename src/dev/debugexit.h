/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit: a write of V to its ports ends the run with exit status
 * (V << 1) | 1, so a guest test can report success or failure to the host.
 */
#ifndef NESTVM_DEV_DEBUGEXIT_H
#define NESTVM_DEV_DEBUGEXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define DEBUGEXIT_DEFAULT_IOBASE 0x501
#define DEBUGEXIT_DEFAULT_IOSIZE 2

struct debugexit {
	uint16_t iobase, iosize;
	struct bus *bus;
};

void debugexit_init(struct debugexit *d, struct bus *bus, uint16_t iobase, uint16_t iosize);
void debugexit_reset(struct debugexit *d);
bool debugexit_register(struct debugexit *d);
uint64_t debugexit_read(struct debugexit *d, unsigned reg, unsigned size);
void debugexit_write(struct debugexit *d, unsigned reg, unsigned size, uint64_t value);
bool debugexit_snapshot(struct debugexit *d, struct dev_snapshot *snap);
/* The registry's create function: "iobase=…,iosize=…". */
bool debugexit_create(struct bus *bus, const char *opts, char *err, size_t errlen);

#endif
