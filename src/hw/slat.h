/* SPDX-License-Identifier: MIT */
/*
 * Second-level address translation: how hw/ turns a guest-physical address into machine
 * memory (the role EPT plays on silicon, SDM Vol. 3C, 29.3 "The Extended Page Table
 * Mechanism (EPT)"). L0 provides the translator: its memory-slot map for L1 (EPT01),
 * its nested-EPT walker for L2 (EPT12 composed with EPT01). Addresses that no RAM backs
 * reach the machine's MMIO bus through the same interface.
 */
#ifndef NESTVM_HW_SLAT_H
#define NESTVM_HW_SLAT_H

#include <stdbool.h>
#include <stdint.h>

/* Access kinds, bit-compatible with EPT-violation exit qualification bits 0..2. */
#define SLAT_READ (1u << 0)
#define SLAT_WRITE (1u << 1)
#define SLAT_FETCH (1u << 2)

enum slat_status {
	SLAT_RAM,       /* page.host and page.hpa are valid */
	SLAT_MMIO,      /* no RAM: use the mmio callbacks with the guest-physical address */
	SLAT_VIOLATION, /* EPT violation: page.violation_bits hold qualification bits 3..5 */
	SLAT_MISCONFIG, /* EPT misconfiguration */
};

struct slat_page {
	uint8_t *host;           /* host address of the 4-KiB page */
	uint64_t hpa;            /* machine-physical page address (offset into machine RAM) */
	uint32_t perm;           /* SLAT_READ | SLAT_WRITE | SLAT_FETCH allowed */
	uint32_t violation_bits; /* for SLAT_VIOLATION: EPT entry permissions, qual bits 3..5 */
};

struct slat {
	enum slat_status (*translate)(const struct slat *slat, uint64_t gpa, uint32_t access,
				      struct slat_page *page);
	uint64_t (*mmio_read)(const struct slat *slat, uint64_t gpa, unsigned size);
	void (*mmio_write)(const struct slat *slat, uint64_t gpa, unsigned size, uint64_t value);
	void *opaque;
	/* Machine RAM: decoded-instruction caching and self-modifying-code detection key on it. */
	uint8_t *ram;
	uint64_t ram_size;
	/*
	 * One word per machine page: odd while decoded instructions of the page are cached;
	 * a write to such a page bumps it (even), which invalidates those instructions.
	 */
	uint32_t *code_gen;
};

#endif
