/* SPDX-License-Identifier: MIT */
/*
 * Multiboot version 1 loader (Multiboot Specification 0.6.96): ELF32, ELF64 (loaded by
 * physical address, entry below 4 GiB) or the a.out kludge, boot modules from -initrd,
 * and the Multiboot information structure in guest RAM.
 */
#ifndef NESTVM_BOOT_MULTIBOOT_H
#define NESTVM_BOOT_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_SEARCH 8192        /* the header lies in the image's first 8 KiB */
#define MULTIBOOT_INFO_LOW 0x9000u   /* preferred place of the information structure */
#define MULTIBOOT_MAX_MODS 16
#define MULTIBOOT_MAX_RANGES 64      /* loaded ranges tracked: segments and modules */
#define MULTIBOOT_INFO_SIZE 88       /* struct multiboot_info up to vbe_interface_len */
#define MULTIBOOT_MMAP_ENTRY_SIZE 24 /* size field + base_addr + length + type */
#define MULTIBOOT_MOD_SIZE 16

/* The PCI hole: with more RAM than this the map reports [3.5 GiB, 4 GiB) reserved. */
#define MULTIBOOT_PCI_HOLE_START 0xe0000000ull
#define MULTIBOOT_4G 0x100000000ull

/* Multiboot information flags (spec 3.3 "Boot information format"). */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)

/* Information structure offsets (spec 3.3). */
enum multiboot_info_offset {
	MBI_FLAGS = 0,
	MBI_MEM_LOWER = 4,
	MBI_MEM_UPPER = 8,
	MBI_BOOT_DEVICE = 12,
	MBI_CMDLINE = 16,
	MBI_MODS_COUNT = 20,
	MBI_MODS_ADDR = 24,
	MBI_MMAP_LENGTH = 44,
	MBI_MMAP_ADDR = 48,
	MBI_BOOT_LOADER_NAME = 64,
};

#define MULTIBOOT_MEMORY_AVAILABLE 1
#define MULTIBOOT_MEMORY_RESERVED 2

struct multiboot_image {
	struct boot_state state;  /* what the guest's first instruction sees */
	uint32_t entry;
	uint32_t kernel_start, kernel_end; /* lowest and highest+1 kernel byte */
	uint32_t info_addr, info_size;
	uint32_t cmdline_addr;
	uint32_t mmap_addr;
	unsigned mmap_count;
	unsigned nmods;
	uint32_t mod_start[MULTIBOOT_MAX_MODS], mod_end[MULTIBOOT_MAX_MODS];
};

/*
 * Load p->kernel and p->initrd into p->ram. On failure writes one line naming the file,
 * such as "-kernel foo.elf: no Multiboot header in the first 8192 bytes", and returns
 * false.
 */
bool multiboot_load(const struct boot_params *p, struct multiboot_image *img, char *err,
		    size_t errlen);
/* The same with the kernel image already in memory (p->kernel only names it). */
bool multiboot_load_buffer(const struct boot_params *p, const uint8_t *kernel, size_t size,
			   struct multiboot_image *img, char *err, size_t errlen);
/* Highest usable address + 1 below 4 GiB for a machine of ram_size bytes. */
uint64_t multiboot_low_ram_top(uint64_t ram_size);

#endif
