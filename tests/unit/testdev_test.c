/* SPDX-License-Identifier: MIT */
/*
 * QEMU's test devices: pci-testdev driven the way kvm-unit-tests' lib/pci-testdev.c
 * drives it (find by id on bus 0, BARs from firmware, select, write 16 times, count),
 * and pc-testdev's scratch port, IRQ lines, flush port and iomem.
 */
#include <string.h>

#include "dev/bus.h"
#include "dev/pci.h"
#include "dev/pcitestdev.h"
#include "dev/pctestdev.h"
#include "test.h"

static struct bus bus;
static struct pci pci;
static struct pcitestdev ptd;

static void setup_pci(void)
{
	struct pci_config c = {
		.ecam_base = 0xb0000000,
		.ecam_bus_end = 0xff,
		.mmio32_base = 0xc0000000,
		.mmio32_size = 0x10000000,
		.io_base = 0xc000,
		.io_size = 0x4000,
	};

	bus_init(&bus);
	pci_init(&pci, &bus, &c);
	pci_register(&pci);
	pcitestdev_init(&ptd, 0);
	pcitestdev_register(&ptd, &pci, PCI_DEVFN(3, 0));
	pci_assign_bars(&pci, c.mmio32_base, c.mmio32_size, c.io_base, c.io_size);
}

static uint32_t cfg_read(unsigned devfn, unsigned reg)
{
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u | devfn << 8 | reg);
	return (uint32_t)bus_pio_read(&bus, 0xcfc, 4);
}

/* One access through BAR 0 (io false, MMIO) or BAR 1 (io true, ports). */
static uint64_t acc_read(bool io, uint64_t base, uint64_t off, unsigned size)
{
	return io ? bus_pio_read(&bus, (uint16_t)(base + off), size)
		  : bus_mmio_read(&bus, base + off, size);
}

static void acc_write(bool io, uint64_t base, uint64_t off, unsigned size, uint64_t v)
{
	if (io)
		bus_pio_write(&bus, (uint16_t)(base + off), size, v);
	else
		bus_mmio_write(&bus, base + off, size, v);
}

/* kvm-unit-tests' pci_testdev_one: false ends the walk over test numbers. */
static bool testdev_one(bool io, uint64_t base, unsigned nr, char *name)
{
	uint32_t count, sig, off;
	uint8_t width;

	acc_write(io, base, 0, 1, nr);
	count = (uint32_t)acc_read(io, base, 12, 4);
	if (count != 0)
		return false;
	width = (uint8_t)acc_read(io, base, 1, 1);
	if (width != 1 && width != 2 && width != 4)
		return false;
	sig = (uint32_t)acc_read(io, base, 8, 4);
	off = (uint32_t)acc_read(io, base, 4, 4);
	for (int i = 0; i < 16; i++)
		acc_write(io, base, off, width, sig);
	count = (uint32_t)acc_read(io, base, 12, 4);
	for (unsigned i = 0; i < 40; i++) {
		name[i] = (char)acc_read(io, base, 16 + i, 1);
		if (!name[i])
			break;
	}
	return count == 0 || count == 16;
}

TEST(pcitestdev, found_by_id_with_valid_bars)
{
	unsigned devfn = 256;

	setup_pci();
	for (unsigned d = 0; d < 256; d++)
		if (cfg_read(d, 0) == 0x00051b36u) {
			devfn = d;
			break;
		}
	ASSERT_EQ(PCI_DEVFN(3, 0), devfn);
	ASSERT_EQ(0x00ff0000u, cfg_read(devfn, PCI_REVISION_ID)); /* class 00ff, rev 0 */
	ASSERT_EQ(0, cfg_read(devfn, PCI_INTERRUPT_LINE) >> 8 & 0xff); /* no pin */
	ASSERT_TRUE(cfg_read(devfn, 0x10) != 0);
	ASSERT_EQ(1, cfg_read(devfn, 0x14) & 1);
	/* Sizes the way lib/pci.c's pci_bar_size does. */
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u | devfn << 8 | 0x10);
	bus_pio_write(&bus, 0xcfc, 4, 0xffffffffu);
	ASSERT_EQ(0xfffff000u, bus_pio_read(&bus, 0xcfc, 4));
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u | devfn << 8 | 0x14);
	bus_pio_write(&bus, 0xcfc, 4, 0xffffffffu);
	ASSERT_EQ(0xffffff01u, bus_pio_read(&bus, 0xcfc, 4));
}

TEST(pcitestdev, kvm_unit_tests_walk)
{
	static const char *const want[] = {
		"mmio-no-eventfd",   "mmio-wildcard-eventfd",   "mmio-datamatch-eventfd",
		"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
	};
	uint64_t mem, io;
	unsigned passed = 0;
	char name[48];

	setup_pci();
	mem = pci_device_bar_addr(&ptd.pci, 0);
	io = pci_device_bar_addr(&ptd.pci, 1);
	ASSERT_TRUE(mem != PCI_BAR_UNMAPPED && io != PCI_BAR_UNMAPPED);
	for (unsigned bar = 0; bar < 2; bar++)
		for (unsigned nr = 0;; nr++) {
			if (!testdev_one(bar == 1, bar ? io : mem, nr, name))
				break;
			ASSERT_TRUE(!strcmp(name, want[passed]));
			passed++;
		}
	ASSERT_EQ(6, passed);
}

TEST(pcitestdev, header_and_counting)
{
	uint64_t mem;

	setup_pci();
	mem = pci_device_bar_addr(&ptd.pci, 0);
	/* Nothing selected: reads 0. */
	ASSERT_EQ(0, bus_mmio_read(&bus, mem, 4));
	bus_mmio_write(&bus, mem, 1, 2); /* mmio-datamatch-eventfd */
	ASSERT_EQ(2, bus_mmio_read(&bus, mem, 1));
	ASSERT_EQ(2048 + 2, bus_mmio_read(&bus, mem + 4, 4));
	ASSERT_EQ(0xfa, bus_mmio_read(&bus, mem + 8, 4));
	/* Only the matching byte counts; a dword write is four byte writes. */
	bus_mmio_write(&bus, mem + 2050, 1, 0xce);
	ASSERT_EQ(0, bus_mmio_read(&bus, mem + 12, 4));
	bus_mmio_write(&bus, mem + 2050, 1, 0xfa);
	bus_mmio_write(&bus, mem + 2050, 4, 0x000000fa);
	bus_mmio_write(&bus, mem + 2051, 1, 0xfa); /* not the test's offset */
	ASSERT_EQ(2, bus_mmio_read(&bus, mem + 12, 4));
	/* Wildcard counts any value; selecting restarts the count. */
	bus_mmio_write(&bus, mem, 1, 1);
	ASSERT_EQ(0xce, bus_mmio_read(&bus, mem + 8, 1));
	bus_mmio_write(&bus, mem + 2049, 1, 0x12);
	bus_mmio_write(&bus, mem + 2049, 1, 0x34);
	ASSERT_EQ(2, bus_mmio_read(&bus, mem + 12, 4));
	/* An out-of-range test number deselects. */
	bus_mmio_write(&bus, mem, 1, 3);
	ASSERT_EQ(0, bus_mmio_read(&bus, mem + 1, 1));
	/* The name's last byte (its NUL) and beyond read 0. */
	bus_mmio_write(&bus, mem, 1, 0);
	ASSERT_EQ('m', bus_mmio_read(&bus, mem + 16, 1));
	ASSERT_EQ(0, bus_mmio_read(&bus, mem + 16 + 15, 1));
	ASSERT_EQ(0, bus_mmio_read(&bus, mem + 100, 1));
	pcitestdev_reset(&ptd);
	ASSERT_EQ(0, bus_mmio_read(&bus, mem + 1, 1));
}

TEST(pcitestdev, membar_and_snapshot)
{
	static uint8_t buf[256];
	struct dev_snapshot s = {.dir = SNAPSHOT_SAVE, .buf = buf, .len = sizeof(buf)};
	struct pcitestdev t;

	pcitestdev_init(&t, 1 << 20);
	ASSERT_EQ(0xc, t.pci.config[0x18]); /* 64-bit prefetchable BAR 2 */
	t.current = 4;
	t.tests[4].hdr[12] = 9;
	ASSERT_TRUE(pcitestdev_snapshot(&t, &s));
	pcitestdev_init(&t, 0);
	s = (struct dev_snapshot){.dir = SNAPSHOT_RESTORE, .buf = buf, .len = sizeof(buf)};
	ASSERT_TRUE(pcitestdev_snapshot(&t, &s));
	ASSERT_EQ(4, t.current);
	ASSERT_EQ(9, t.tests[4].hdr[12]);
}

static struct pctestdev pct;
static unsigned irq_calls, irq_line;
static bool irq_level;
static uint64_t flushed;

static void set_irq(void *opaque, unsigned line, bool level)
{
	irq_calls++;
	irq_line = line;
	irq_level = level;
}

static void flush_page(void *opaque, uint64_t page)
{
	flushed = page;
}

static void setup_pc(void)
{
	bus_init(&bus);
	pctestdev_init(&pct, set_irq, flush_page, NULL);
	ASSERT_TRUE(pctestdev_register(&pct, &bus));
	irq_calls = 0;
	flushed = 0;
}

TEST(pctestdev, scratch_port_any_size)
{
	setup_pc();
	bus_pio_write(&bus, 0xe0, 4, 0x12345678);
	ASSERT_EQ(0x12345678, bus_pio_read(&bus, 0xe0, 4));
	ASSERT_EQ(0x1234, bus_pio_read(&bus, 0xe2, 2));
	ASSERT_EQ(0x56, bus_pio_read(&bus, 0xe1, 1));
	bus_pio_write(&bus, 0xe1, 2, 0xabcd);
	ASSERT_EQ(0x12abcd78, bus_pio_read(&bus, 0xe0, 4));
	/* 0xe8 is the same register, byte by byte. */
	ASSERT_EQ(0x12abcd78, bus_pio_read(&bus, 0xe8, 4));
	bus_pio_write(&bus, 0xeb, 1, 0x99);
	ASSERT_EQ(0x99abcd78, bus_pio_read(&bus, 0xe0, 4));
}

TEST(pctestdev, irq_lines_and_flush)
{
	setup_pc();
	bus_pio_write(&bus, 0x2000 + 10, 1, 1);
	ASSERT_EQ(1, irq_calls);
	ASSERT_EQ(10, irq_line);
	ASSERT_TRUE(irq_level);
	bus_pio_write(&bus, 0x2000 + 23, 1, 0);
	ASSERT_EQ(23, irq_line);
	ASSERT_FALSE(irq_level);
	/* A wider access covers one line per byte, as QEMU splits it: line 10 up, 11 down. */
	bus_pio_write(&bus, 0x2000 + 10, 2, 1);
	ASSERT_EQ(4, irq_calls);
	ASSERT_EQ(11, irq_line);
	ASSERT_FALSE(irq_level);
	ASSERT_EQ(0xffff, bus_pio_read(&bus, 0x2018, 2)); /* past the 24 lines: unclaimed */
	bus_pio_write(&bus, 0xe4, 4, 0x12345678);
	ASSERT_EQ(0x12345000, flushed);
	flushed = 0;
	bus_pio_write(&bus, 0xe4, 2, 0x5678); /* only dword writes are valid */
	ASSERT_EQ(0, flushed);
}

TEST(pctestdev, iomem_is_memory)
{
	static uint8_t buf[PCTESTDEV_IOMEM_LEN + 64];
	struct dev_snapshot s = {.dir = SNAPSHOT_SAVE, .buf = buf, .len = sizeof(buf)};

	setup_pc();
	bus_mmio_write(&bus, 0xff000000, 8, 0x0102030405060708ull);
	ASSERT_EQ(0x0102030405060708ull, bus_mmio_read(&bus, 0xff000000, 8));
	ASSERT_EQ(0x0506, bus_mmio_read(&bus, 0xff000002, 2));
	bus_mmio_write(&bus, 0xff00fffc, 4, 0xcafef00d);
	ASSERT_EQ(0xcafef00d, bus_mmio_read(&bus, 0xff00fffc, 4));
	ASSERT_EQ(0, bus_mmio_read(&bus, 0xff00fffc, 8)); /* would cross the end */
	ASSERT_TRUE(pctestdev_snapshot(&pct, &s));
	pctestdev_init(&pct, NULL, NULL, NULL);
	s = (struct dev_snapshot){.dir = SNAPSHOT_RESTORE, .buf = buf, .len = sizeof(buf)};
	ASSERT_TRUE(pctestdev_snapshot(&pct, &s));
	ASSERT_EQ(0xcafef00d, pctestdev_iomem_read(&pct, 0xfffc, 4));
}
