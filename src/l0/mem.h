/* SPDX-License-Identifier: MIT */
/*
 * Machine memory and L1's guest-physical map (the EPT01 role, DESIGN.md "Translation"):
 * memory slots backed by machine RAM, everything else MMIO on the platform bus.
 * Machine RAM = L1's RAM followed by L0's private pages (bitmaps the VMCS points to).
 */
#ifndef NESTVM_L0_MEM_H
#define NESTVM_L0_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/bus.h"
#include "hw/slat.h"

/* RAM above this guest-physical address is moved above 4 GiB (the PCI hole). */
#define MEM_LOW_LIMIT 0xe0000000ull
#define MEM_HIGH_BASE 0x100000000ull
/* L0's private machine pages. */
#define MEM_L0_PAGES 16

struct mem_slot {
	uint64_t gpa, size, hpa;
};

struct mem {
	uint8_t *machine;       /* machine RAM */
	uint64_t machine_size;
	uint64_t l1_size;       /* L1 RAM in bytes */
	uint64_t l0_base;       /* machine address of L0's private pages */
	struct mem_slot slot[2];
	unsigned nslots;
	uint32_t *code_gen;
	struct bus *bus;
	/* Consulted before the bus: per-vCPU MMIO such as the local APIC page. */
	bool (*mmio_hook)(void *opaque, uint64_t gpa, unsigned size, bool write, uint64_t *value);
	void *mmio_hook_opaque;
	/* Called after every MMIO write (with mmio_hook_opaque). */
	void (*kick)(void *opaque);
	struct slat slat01;     /* translator for L1: slots, then MMIO */
};

bool mem_init(struct mem *mem, uint64_t l1_size, struct bus *bus, char *err, size_t errlen);
void mem_destroy(struct mem *mem);
/* Host pointer of an L1 guest-physical range, NULL if not entirely RAM in one slot. */
uint8_t *mem_gpa_ptr(struct mem *mem, uint64_t gpa, uint64_t len);
/* Host pointer of L0's private page i (0 … MEM_L0_PAGES-1) and its machine address. */
uint8_t *mem_l0_page(struct mem *mem, unsigned i, uint64_t *hpa);

#endif
