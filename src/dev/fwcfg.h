/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device, traditional I/O interface only: write a 16-bit
 * key to the selector port 0x510, read the item byte by byte from the data port 0x511
 * (QEMU docs/specs/fw_cfg.rst). Guests such as kvm-unit-tests read RAM size and CPU
 * counts here.
 */
#ifndef NESTVM_DEV_FWCFG_H
#define NESTVM_DEV_FWCFG_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define FWCFG_IO_BASE 0x510
#define FWCFG_IO_LEN 2

/* Selector keys: QEMU's include/standard-headers/linux/qemu_fw_cfg.h. */
enum fwcfg_key {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_UUID = 0x02,
	FW_CFG_RAM_SIZE = 0x03,
	FW_CFG_NOGRAPHIC = 0x04,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_MACHINE_ID = 0x06,
	FW_CFG_KERNEL_ADDR = 0x07,
	FW_CFG_KERNEL_SIZE = 0x08,
	FW_CFG_KERNEL_CMDLINE = 0x09,
	FW_CFG_INITRD_ADDR = 0x0a,
	FW_CFG_INITRD_SIZE = 0x0b,
	FW_CFG_BOOT_DEVICE = 0x0c,
	FW_CFG_NUMA = 0x0d,
	FW_CFG_BOOT_MENU = 0x0e,
	FW_CFG_MAX_CPUS = 0x0f,
	FW_CFG_KERNEL_ENTRY = 0x10,
	FW_CFG_KERNEL_DATA = 0x11,
	FW_CFG_INITRD_DATA = 0x12,
	FW_CFG_CMDLINE_ADDR = 0x13,
	FW_CFG_CMDLINE_SIZE = 0x14,
	FW_CFG_CMDLINE_DATA = 0x15,
	FW_CFG_SETUP_ADDR = 0x16,
	FW_CFG_SETUP_SIZE = 0x17,
	FW_CFG_SETUP_DATA = 0x18,
	FW_CFG_FILE_DIR = 0x19,
	FW_CFG_FILE_FIRST = 0x20,
	FW_CFG_WRITE_CHANNEL = 0x4000,
	FW_CFG_ARCH_LOCAL = 0x8000,
};

/* FW_CFG_ID bit 0: the traditional interface (no DMA interface at 0x514). */
#define FW_CFG_VERSION 0x01

struct fwcfg_config {
	uint64_t ram_size;
	uint16_t nb_cpus, max_cpus;
	const char *cmdline;   /* -append text or NULL */
	uint32_t cmdline_addr; /* where the loader put it in guest RAM, or 0 */
	const uint8_t *initrd; /* first module's bytes (may point into guest RAM) or NULL */
	uint32_t initrd_size, initrd_addr;
};

struct fwcfg {
	struct fwcfg_config cfg;
	uint16_t selector;
	uint32_t offset;
};

void fwcfg_init(struct fwcfg *f, const struct fwcfg_config *cfg);
void fwcfg_reset(struct fwcfg *f);
bool fwcfg_register(struct fwcfg *f, struct bus *bus);
/* reg: 0 = selector (16-bit write), 1 = data (8-bit read). */
uint64_t fwcfg_read(struct fwcfg *f, unsigned reg, unsigned size);
void fwcfg_write(struct fwcfg *f, unsigned reg, unsigned size, uint64_t value);
bool fwcfg_snapshot(struct fwcfg *f, struct dev_snapshot *snap);

#endif
