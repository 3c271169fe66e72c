/* SPDX-License-Identifier: MIT */
/* The register state a loader leaves for the first instruction of the guest. */
#ifndef NESTVM_BOOT_BOOT_H
#define NESTVM_BOOT_BOOT_H

#include <stdint.h>

struct boot_segment {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;
	uint32_t ar; /* VMCS access-rights layout, as hw/cpu.h's AR_* bits */
};

struct boot_state {
	uint64_t gpr[16]; /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8 … R15 */
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct boot_segment seg[8]; /* ES, CS, SS, DS, FS, GS, LDTR, TR */
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
};

/* What a loader gets: where machine RAM is and what the user asked for. */
struct boot_params {
	uint8_t *ram;
	uint64_t ram_size;
	const char *kernel;  /* path */
	const char *cmdline; /* -append, may be NULL */
	const char *initrd;  /* path, may be NULL; Multiboot: one module (comma list: several) */
};

#endif
