/* SPDX-License-Identifier: MIT */
/*
 * PCI bus 0 behind a Q35-like host bridge (PCI Local Bus Specification 3.0, chapter 6
 * "Configuration Space"; 3.2.2.3.2 "Software Generation of Configuration Transactions"):
 * configuration mechanism #1 at 0xcf8/0xcfc, ECAM (PCI Express Base Specification,
 * 7.2.2), BARs with sizing and command-register decoding, and the reset control
 * register at 0xcf9 that shares the host bridge's ports.
 *
 * The bus cannot remove regions, so decoded BARs are reached through two windows the
 * host registers once (pci_register): a 32-bit MMIO window and an I/O window. A BAR
 * programmed outside its window decodes nothing (reads all ones), as a BAR outside a
 * bridge's forwarding range does. Devices also learn every change of address through
 * on_bar_change.
 */
#ifndef NESTVM_DEV_PCI_H
#define NESTVM_DEV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define PCI_CONFIG_ADDRESS_PORT 0xcf8 /* 32-bit accesses only */
#define PCI_RESET_CONTROL_PORT 0xcf9  /* byte accesses: ICH9 RST_CNT */
#define PCI_CONFIG_DATA_PORT 0xcfc    /* 0xcfc–0xcff */
#define PCI_ECAM_BUS_SIZE (1u << 20)  /* 32 devices × 8 functions × 4 KiB */
#define PCI_CONFIG_SIZE 256           /* conventional space; ECAM 0x100–0xfff reads ~0 */
#define PCI_DEVFN(dev, fn) ((unsigned)(((dev) << 3) | (fn)))
#define PCI_NUM_BARS 6
#define PCI_BAR_UNMAPPED (~0ull)

/* The host bridge at 00:00.0: the Q35 MCH (82G33 DRAM controller), as QEMU's q35. */
#define PCI_HOST_VENDOR_ID 0x8086
#define PCI_HOST_DEVICE_ID 0x29c0
#define PCI_CLASS_HOST_BRIDGE 0x060000

/* Type 0 configuration header (PCI 3.0, 6.1), offsets and bits. */
enum pci_config_reg {
	PCI_VENDOR_ID = 0x00,
	PCI_DEVICE_ID = 0x02,
	PCI_COMMAND = 0x04,
	PCI_STATUS = 0x06,
	PCI_REVISION_ID = 0x08,
	PCI_CLASS_PROG = 0x09,
	PCI_CLASS_DEVICE = 0x0a,
	PCI_CACHE_LINE_SIZE = 0x0c,
	PCI_LATENCY_TIMER = 0x0d,
	PCI_HEADER_TYPE = 0x0e,
	PCI_BASE_ADDRESS_0 = 0x10,
	PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
	PCI_SUBSYSTEM_ID = 0x2e,
	PCI_ROM_ADDRESS = 0x30,
	PCI_CAPABILITY_LIST = 0x34,
	PCI_INTERRUPT_LINE = 0x3c,
	PCI_INTERRUPT_PIN = 0x3d,
};

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_PARITY (1u << 6)
#define PCI_COMMAND_SERR (1u << 8)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BAR_SPACE_IO 0x01        /* bit 0 of a BAR */
#define PCI_BAR_MEM_TYPE_64 0x04     /* bits 2:1 = 10b */
#define PCI_BAR_MEM_PREFETCH 0x08
#define PCI_CONFIG_ENABLE (1u << 31) /* CONFIG_ADDRESS enable bit */

enum pci_bar_type { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };

struct pci_bar {
	enum pci_bar_type type;
	uint64_t size; /* a power of two: ≥ 4 for I/O, ≥ 16 for memory */
	bool prefetchable;
	/* Accesses inside the decoded BAR: addr relative to the BAR's start. */
	const struct bus_ops *ops;
	void *opaque;
};

struct pci;

struct pci_device {
	const char *name;
	uint8_t config[PCI_CONFIG_SIZE];
	uint8_t wmask[PCI_CONFIG_SIZE]; /* bits software may write; BARs' set by set_bar */
	struct pci_bar bar[PCI_NUM_BARS];
	uint64_t bar_addr[PCI_NUM_BARS]; /* decoded address, or PCI_BAR_UNMAPPED */
	/*
	 * Called when a BAR starts or stops decoding or moves (BAR write, command write,
	 * snapshot restore); addresses are PCI_BAR_UNMAPPED when not decoding. May be NULL.
	 */
	void (*on_bar_change)(struct pci_device *dev, unsigned bar, uint64_t old_addr,
			      uint64_t new_addr);
	/* Called after a configuration write has updated config[]; may be NULL. */
	void (*config_write)(struct pci_device *dev, unsigned reg, unsigned size,
			     uint32_t value);
	void *opaque; /* for the device's callbacks */
	/* Set by pci_register_device: config[] as registered, restored by pci_reset. */
	struct pci *pci;
	unsigned devfn;
	uint8_t reset_config[PCI_CONFIG_SIZE];
};

struct pci_config {
	/* ECAM: ecam_base, buses 0 … ecam_bus_end (0 = no ECAM region). */
	uint64_t ecam_base;
	uint8_t ecam_bus_end;
	/* Where decoded BARs are reachable (pci_register) and where pci_assign_bars puts them. */
	uint64_t mmio32_base, mmio32_size;
	uint16_t io_base, io_size;
	/* INTx routing for pci_assign_bars: pin P of slot S gets intx_line[(S + P - 1) % 4]. */
	uint8_t intx_line[4];
	/* A write of RST_CPU to 0xcf9 stops the run with this status (legacy.c's reset). */
	int reset_status;
};

struct pci {
	struct pci_config cfg;
	struct bus *bus;
	uint32_t config_address; /* CONFIG_ADDRESS, 0xcf8 */
	uint8_t reset_control;   /* 0xcf9 RST_CNT: SYS_RST (bit 1) as last written */
	struct pci_device host;  /* 00:00.0 */
	struct pci_device *devices[256]; /* bus 0, by devfn */
	struct pci_device *registered[256]; /* the same, packed, for BAR decoding */
	unsigned ndevices;
};

/* Host side. */
void pci_init(struct pci *pci, struct bus *bus, const struct pci_config *cfg);
void pci_reset(struct pci *pci);
/* Claims 0xcf8–0xcff, the ECAM range and the two BAR windows on the bus. */
bool pci_register(struct pci *pci);
/* Returns false if devfn is taken (00:00.0 is the host bridge). */
bool pci_register_device(struct pci *pci, unsigned devfn, struct pci_device *dev);
/*
 * Firmware's job: gives every BAR a naturally aligned address (largest first) in the
 * windows and enables I/O and memory decoding. Returns false when a window is too small.
 */
bool pci_assign_bars(struct pci *pci, uint64_t mmio32_base, uint64_t mmio32_size,
		     uint16_t io_base, uint16_t io_size);
bool pci_snapshot(struct pci *pci, struct dev_snapshot *snap);

/* Configuration accesses; bus/devfn/reg decoded, absent functions read all ones. */
uint32_t pci_config_read(struct pci *pci, unsigned bus, unsigned devfn, unsigned reg,
			 unsigned size);
void pci_config_write(struct pci *pci, unsigned bus, unsigned devfn, unsigned reg,
		      unsigned size, uint32_t value);
/* ECAM: addr relative to ecam_base. */
uint64_t pci_ecam_read(struct pci *pci, uint64_t addr, unsigned size);
void pci_ecam_write(struct pci *pci, uint64_t addr, unsigned size, uint64_t value);
/* The 0xcf8–0xcff ports: offset 0 … 7 from 0xcf8. */
uint32_t pci_port_read(struct pci *pci, unsigned offset, unsigned size);
void pci_port_write(struct pci *pci, unsigned offset, unsigned size, uint32_t value);
/* Accesses to the BAR windows, by absolute address or port. */
uint64_t pci_mmio_read(struct pci *pci, uint64_t addr, unsigned size);
void pci_mmio_write(struct pci *pci, uint64_t addr, unsigned size, uint64_t value);
uint64_t pci_io_read(struct pci *pci, uint16_t port, unsigned size);
void pci_io_write(struct pci *pci, uint16_t port, unsigned size, uint64_t value);

/* Device side: fill the header, describe BARs, then pci_register_device. */
void pci_device_init(struct pci_device *dev, const char *name, uint16_t vendor,
		     uint16_t device, uint32_t class_code, uint8_t revision);
void pci_device_set_bar(struct pci_device *dev, unsigned n, enum pci_bar_type type,
			uint64_t size, bool prefetchable, const struct bus_ops *ops,
			void *opaque);
/* The current decoded address of BAR n, or PCI_BAR_UNMAPPED. */
uint64_t pci_device_bar_addr(const struct pci_device *dev, unsigned n);

_Static_assert(PCI_CONFIG_SIZE == 256, "type 0 header plus device-specific space");

#endif
