/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pci-testdev: register behaviour of hw/misc/pci-testdev.c as kvm-unit-tests'
 * lib/pci-testdev.c observes it. The device handles single bytes (QEMU's
 * impl.max_access_size = 1), so a wider access is a run of byte accesses.
 */
#include "dev/pcitestdev.h"

#include <stdio.h>
#include <string.h>

#include "util/bits.h"

#define IOTEST_DATAMATCH 0xfa
#define IOTEST_NOMATCH 0xce
#define IOTEST_ACCESS_WIDTH 1

static const char *const test_names[PCITESTDEV_TESTS] = {
	"no-eventfd",
	"wildcard-eventfd",
	"datamatch-eventfd",
};

static void pcitestdev_update_irq(struct pcitestdev *d)
{
	/* pci-testdev has no interrupt pin; the hook keeps the device shape. */
}

static uint32_t count_of(const struct pcitestdev_test *t)
{
	return (uint32_t)bits_load_le(t->hdr + PCITESTDEV_HDR_COUNT, 4);
}

static uint8_t read_byte(const struct pcitestdev *d, uint64_t addr)
{
	const struct pcitestdev_test *t;

	if (d->current < 0)
		return 0;
	t = &d->tests[d->current];
	/* QEMU's bound is addr + size >= bufsize: the name's NUL reads as 0 either way. */
	return addr + 1 < t->bufsize ? t->hdr[addr] : 0;
}

static void write_byte(struct pcitestdev *d, bool io, uint64_t addr, uint8_t value)
{
	struct pcitestdev_test *t;

	if (addr == PCITESTDEV_HDR_TEST) {
		d->current = -1;
		if (value >= PCITESTDEV_TESTS)
			return;
		d->current = (io ? PCITESTDEV_TESTS : 0) + value;
		bits_store_le(d->tests[d->current].hdr + PCITESTDEV_HDR_COUNT, 4, 0);
		return;
	}
	if (d->current < 0)
		return;
	t = &d->tests[d->current];
	if (addr != bits_load_le(t->hdr + PCITESTDEV_HDR_OFFSET, 4))
		return;
	if (t->match_data && value != t->hdr[PCITESTDEV_HDR_DATA])
		return;
	bits_store_le(t->hdr + PCITESTDEV_HDR_COUNT, 4, count_of(t) + 1);
}

uint64_t pcitestdev_read(struct pcitestdev *d, bool io, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)read_byte(d, offset + i) << (8 * i);
	pcitestdev_update_irq(d);
	return v;
}

void pcitestdev_write(struct pcitestdev *d, bool io, uint64_t offset, unsigned size,
		      uint64_t value)
{
	for (unsigned i = 0; i < size; i++)
		write_byte(d, io, offset + i, (uint8_t)(value >> (8 * i)));
	pcitestdev_update_irq(d);
}

void pcitestdev_reset(struct pcitestdev *d)
{
	d->current = -1;
}

static uint64_t mem_read(void *opaque, uint64_t addr, unsigned size)
{
	return pcitestdev_read(opaque, false, addr, size);
}

static void mem_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pcitestdev_write(opaque, false, addr, size, value);
}

static uint64_t io_read(void *opaque, uint64_t addr, unsigned size)
{
	return pcitestdev_read(opaque, true, addr, size);
}

static void io_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pcitestdev_write(opaque, true, addr, size, value);
}

/* QEMU's unbacked "membar" is an empty container: reads 0, writes vanish. */
static uint64_t membar_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0;
}

static void membar_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
}

static const struct bus_ops mem_ops = {.read = mem_read, .write = mem_write};
static const struct bus_ops io_ops = {.read = io_read, .write = io_write};
static const struct bus_ops membar_ops = {.read = membar_read, .write = membar_write};

void pcitestdev_init(struct pcitestdev *d, uint64_t membar_size)
{
	*d = (struct pcitestdev){.current = -1, .membar_size = membar_size};
	pci_device_init(&d->pci, "pci-testdev", PCITESTDEV_VENDOR_ID, PCITESTDEV_DEVICE_ID,
			PCITESTDEV_CLASS, 0);
	d->pci.config[PCI_INTERRUPT_PIN] = 0;
	d->pci.opaque = d;
	pci_device_set_bar(&d->pci, 0, PCI_BAR_MEM32, PCITESTDEV_MEM_SIZE, false, &mem_ops, d);
	pci_device_set_bar(&d->pci, 1, PCI_BAR_IO, PCITESTDEV_IO_SIZE, false, &io_ops, d);
	if (membar_size)
		pci_device_set_bar(&d->pci, 2, PCI_BAR_MEM64, membar_size, true, &membar_ops, d);

	for (unsigned i = 0; i < 2 * PCITESTDEV_TESTS; i++) {
		struct pcitestdev_test *t = &d->tests[i];
		bool mem = i < PCITESTDEV_TESTS;
		const char *test = test_names[i % PCITESTDEV_TESTS];
		char name[PCITESTDEV_HDR_MAX - PCITESTDEV_HDR_NAME];
		int len = snprintf(name, sizeof(name), "%s-%s", mem ? "mmio" : "portio", test);

		t->bufsize = PCITESTDEV_HDR_NAME + (unsigned)len + 1;
		t->match_data = strcmp(test, "wildcard-eventfd") != 0;
		t->hdr[PCITESTDEV_HDR_TEST] = (uint8_t)i;
		t->hdr[PCITESTDEV_HDR_WIDTH] = IOTEST_ACCESS_WIDTH;
		/* Each test's register lies in the BAR's upper half, one byte per test. */
		bits_store_le(t->hdr + PCITESTDEV_HDR_OFFSET, 4,
			      (mem ? PCITESTDEV_MEM_SIZE : PCITESTDEV_IO_SIZE) / 2 +
				      i * IOTEST_ACCESS_WIDTH);
		t->hdr[PCITESTDEV_HDR_DATA] = t->match_data ? IOTEST_DATAMATCH : IOTEST_NOMATCH;
		memcpy(t->hdr + PCITESTDEV_HDR_NAME, name, (size_t)len + 1);
	}
}

bool pcitestdev_register(struct pcitestdev *d, struct pci *pci, unsigned devfn)
{
	return pci_register_device(pci, devfn, &d->pci);
}

bool pcitestdev_snapshot(struct pcitestdev *d, struct dev_snapshot *snap)
{
	if (!dev_snapshot_section(snap, "pci-testdev", 1) ||
	    !dev_snapshot_field(snap, "current", &d->current, sizeof(d->current)))
		return false;
	for (unsigned i = 0; i < 2 * PCITESTDEV_TESTS; i++)
		if (!dev_snapshot_field(snap, "count", d->tests[i].hdr + PCITESTDEV_HDR_COUNT, 4))
			return false;
	if (snap->dir == SNAPSHOT_RESTORE &&
	    (d->current < -1 || d->current >= 2 * PCITESTDEV_TESTS)) {
		snap->failed = "current";
		return false;
	}
	return true;
}
