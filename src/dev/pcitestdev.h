/* SPDX-License-Identifier: MIT */
/*
 * QEMU's "pci-testdev" (hw/misc/pci-testdev.c), the PCI device kvm-unit-tests'
 * lib/pci-testdev.c drives: 1b36:0005, a 4 KiB memory BAR 0 and a 256-byte I/O BAR 1.
 * Writing a test number to offset 0 selects a test whose header (number, access width,
 * offset, data, write count, name) then reads back byte by byte; writes at the test's
 * offset with the matching data count up. Without ioeventfds every test counts, as in
 * QEMU under TCG.
 */
#ifndef NESTVM_DEV_PCITESTDEV_H
#define NESTVM_DEV_PCITESTDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/pci.h"
#include "dev/registry.h"

#define PCITESTDEV_VENDOR_ID 0x1b36 /* Red Hat */
#define PCITESTDEV_DEVICE_ID 0x0005
#define PCITESTDEV_CLASS 0x00ff00   /* QEMU's PCI_CLASS_OTHERS: base 0x00, sub 0xff */
#define PCITESTDEV_MEM_SIZE 4096    /* BAR 0: twice IOTEST_MEMSIZE */
#define PCITESTDEV_IO_SIZE 256      /* BAR 1: twice IOTEST_IOSIZE */
#define PCITESTDEV_TESTS 3          /* per BAR: no-eventfd, wildcard-, datamatch-eventfd */
#define PCITESTDEV_HDR_MAX 48

/* Header offsets (QEMU's PCITestDevHdr). */
enum pcitestdev_hdr {
	PCITESTDEV_HDR_TEST = 0,
	PCITESTDEV_HDR_WIDTH = 1,
	PCITESTDEV_HDR_OFFSET = 4,
	PCITESTDEV_HDR_DATA = 8,
	PCITESTDEV_HDR_COUNT = 12,
	PCITESTDEV_HDR_NAME = 16,
};

struct pcitestdev_test {
	uint8_t hdr[PCITESTDEV_HDR_MAX];
	unsigned bufsize; /* header and name with its NUL */
	bool match_data;
};

struct pcitestdev {
	struct pci_device pci;
	/* Tests 0 … 2 are selected through BAR 0 (mmio-*), 3 … 5 through BAR 1 (portio-*). */
	struct pcitestdev_test tests[2 * PCITESTDEV_TESTS];
	int current; /* -1: none selected */
	uint64_t membar_size;
};

/* membar_size: 0, or the size of an optional 64-bit prefetchable BAR 2 (QEMU "membar"). */
void pcitestdev_init(struct pcitestdev *d, uint64_t membar_size);
void pcitestdev_reset(struct pcitestdev *d);
bool pcitestdev_register(struct pcitestdev *d, struct pci *pci, unsigned devfn);
/* io: the access came through BAR 1; offset is relative to the BAR. */
uint64_t pcitestdev_read(struct pcitestdev *d, bool io, uint64_t offset, unsigned size);
void pcitestdev_write(struct pcitestdev *d, bool io, uint64_t offset, unsigned size,
		      uint64_t value);
bool pcitestdev_snapshot(struct pcitestdev *d, struct dev_snapshot *snap);

#endif
