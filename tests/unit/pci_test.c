/* SPDX-License-Identifier: MIT */
/*
 * PCI host: configuration mechanism #1 through the bus ports, ECAM, the host bridge,
 * BAR sizing and decoding, BAR assignment, the windows and the 0xcf9 reset register.
 */
#include <stdlib.h>
#include <string.h>

#include "dev/bus.h"
#include "dev/pci.h"
#include "test.h"

#define ECAM_BASE 0xb0000000ull
#define MMIO_BASE 0xc0000000ull
#define MMIO_SIZE 0x10000000ull
#define IO_BASE 0xc000
#define IO_SIZE 0x4000

static struct pci pci;
static struct bus bus;
static struct pci_device dev; /* 00:03.0: BAR0 mem32 4 KiB, BAR1 I/O 256, BAR2 mem64 1 MiB */
static unsigned changes;
static unsigned last_bar;
static uint64_t last_old, last_new;
static uint8_t bar0_mem[4096];

static void on_bar_change(struct pci_device *d, unsigned bar, uint64_t old_addr,
			  uint64_t new_addr)
{
	changes++;
	last_bar = bar;
	last_old = old_addr;
	last_new = new_addr;
}

static uint64_t mem_read(void *opaque, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, (uint8_t *)opaque + addr, size);
	return v;
}

static void mem_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	memcpy((uint8_t *)opaque + addr, &value, size);
}

static uint64_t io_read(void *opaque, uint64_t addr, unsigned size)
{
	return 0x1000 + addr; /* says which port offset was reached */
}

static const struct bus_ops mem_ops = {.read = mem_read, .write = mem_write};
static const struct bus_ops io_ops = {.read = io_read};

static void setup(void)
{
	struct pci_config c = {
		.ecam_base = ECAM_BASE,
		.ecam_bus_end = 0xff,
		.mmio32_base = MMIO_BASE,
		.mmio32_size = MMIO_SIZE,
		.io_base = IO_BASE,
		.io_size = IO_SIZE,
		.intx_line = {10, 10, 11, 11},
		.reset_status = 4,
	};

	bus_init(&bus);
	pci_init(&pci, &bus, &c);
	pci_register(&pci);
	pci_device_init(&dev, "test", 0x1234, 0x5678, 0x020000, 3);
	dev.on_bar_change = on_bar_change;
	dev.config[PCI_INTERRUPT_PIN] = 1;
	pci_device_set_bar(&dev, 0, PCI_BAR_MEM32, 4096, false, &mem_ops, bar0_mem);
	pci_device_set_bar(&dev, 1, PCI_BAR_IO, 256, false, &io_ops, NULL);
	pci_device_set_bar(&dev, 2, PCI_BAR_MEM64, 1 << 20, true, &mem_ops, bar0_mem);
	pci_register_device(&pci, PCI_DEVFN(3, 0), &dev);
	changes = 0;
}

static uint32_t cfg_read(unsigned devfn, unsigned reg, unsigned size)
{
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return (uint32_t)bus_pio_read(&bus, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(unsigned devfn, unsigned reg, unsigned size, uint32_t value)
{
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u | devfn << 8 | (reg & 0xfc));
	bus_pio_write(&bus, (uint16_t)(0xcfc + (reg & 3)), size, value);
}

TEST(pci, config_address_register)
{
	setup();
	bus_pio_write(&bus, 0xcf8, 4, 0x80000000u);
	ASSERT_EQ(0x80000000u, bus_pio_read(&bus, 0xcf8, 4));
	/* Reserved bits 30:24 and 1:0 read back as zero. */
	bus_pio_write(&bus, 0xcf8, 4, 0xffffffffu);
	ASSERT_EQ(0x80fffffcu, bus_pio_read(&bus, 0xcf8, 4));
	/* Without the enable bit, CONFIG_DATA reads all ones and writes are dropped. */
	bus_pio_write(&bus, 0xcf8, 4, 0x00000000u);
	ASSERT_EQ(0xffffffffu, bus_pio_read(&bus, 0xcfc, 4));
}

TEST(pci, host_bridge_and_absent_functions)
{
	setup();
	ASSERT_EQ(0x29c08086u, cfg_read(0, 0, 4));
	ASSERT_EQ(0x0600, cfg_read(0, PCI_CLASS_DEVICE, 2));
	ASSERT_EQ(0, cfg_read(0, PCI_HEADER_TYPE, 1));
	/* Byte and word accesses at each CONFIG_DATA offset. */
	ASSERT_EQ(0x86, cfg_read(0, 0, 1));
	ASSERT_EQ(0x80, cfg_read(0, 1, 1));
	ASSERT_EQ(0x29, cfg_read(0, 3, 1));
	ASSERT_EQ(0xc0, cfg_read(0, 2, 1));
	ASSERT_EQ(0x29c0, cfg_read(0, 2, 2));
	/* Absent device, absent function, other bus: all ones. */
	ASSERT_EQ(0xffffffffu, cfg_read(PCI_DEVFN(5, 0), 0, 4));
	ASSERT_EQ(0xffff, cfg_read(PCI_DEVFN(3, 1), 0, 2));
	bus_pio_write(&bus, 0xcf8, 4, 0x80010000u);
	ASSERT_EQ(0xffffffffu, bus_pio_read(&bus, 0xcfc, 4));
	/* The device: ids, class, revision, pin. */
	ASSERT_EQ(0x56781234u, cfg_read(PCI_DEVFN(3, 0), 0, 4));
	ASSERT_EQ(0x02000003u, cfg_read(PCI_DEVFN(3, 0), PCI_REVISION_ID, 4));
	ASSERT_EQ(1, cfg_read(PCI_DEVFN(3, 0), PCI_INTERRUPT_PIN, 1));
}

TEST(pci, read_only_fields_and_command)
{
	setup();
	cfg_write(PCI_DEVFN(3, 0), 0, 4, 0);
	ASSERT_EQ(0x56781234u, cfg_read(PCI_DEVFN(3, 0), 0, 4));
	cfg_write(PCI_DEVFN(3, 0), PCI_COMMAND, 2, 0xffff);
	ASSERT_EQ(0x0547, cfg_read(PCI_DEVFN(3, 0), PCI_COMMAND, 2));
	cfg_write(PCI_DEVFN(3, 0), PCI_INTERRUPT_LINE, 1, 0x0b);
	ASSERT_EQ(0x0b, cfg_read(PCI_DEVFN(3, 0), PCI_INTERRUPT_LINE, 1));
	cfg_write(PCI_DEVFN(3, 0), PCI_INTERRUPT_PIN, 1, 4);
	ASSERT_EQ(1, cfg_read(PCI_DEVFN(3, 0), PCI_INTERRUPT_PIN, 1));
}

TEST(pci, bar_sizing)
{
	unsigned d = PCI_DEVFN(3, 0);

	setup();
	ASSERT_EQ(0x0, cfg_read(d, 0x10, 4));
	ASSERT_EQ(0x1, cfg_read(d, 0x14, 4));
	ASSERT_EQ(0xc, cfg_read(d, 0x18, 4)); /* 64-bit, prefetchable */
	cfg_write(d, 0x10, 4, 0xffffffffu);
	ASSERT_EQ(0xfffff000u, cfg_read(d, 0x10, 4));
	cfg_write(d, 0x14, 4, 0xffffffffu);
	ASSERT_EQ(0xffffff01u, cfg_read(d, 0x14, 4));
	cfg_write(d, 0x18, 4, 0xffffffffu);
	cfg_write(d, 0x1c, 4, 0xffffffffu);
	ASSERT_EQ(0xfff0000cu, cfg_read(d, 0x18, 4));
	ASSERT_EQ(0xffffffffu, cfg_read(d, 0x1c, 4));
	/* Unused BARs and the ROM BAR are hard-wired to zero. */
	cfg_write(d, 0x20, 4, 0xffffffffu);
	ASSERT_EQ(0, cfg_read(d, 0x20, 4));
	cfg_write(d, PCI_ROM_ADDRESS, 4, 0xffffffffu);
	ASSERT_EQ(0, cfg_read(d, PCI_ROM_ADDRESS, 4));
	/* Nothing decodes while the command register is off. */
	ASSERT_EQ(0, changes);
}

TEST(pci, decoding_follows_bar_and_command)
{
	unsigned d = PCI_DEVFN(3, 0);

	setup();
	cfg_write(d, 0x10, 4, 0xc0001000u);
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 0));
	cfg_write(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ASSERT_EQ(1, changes);
	ASSERT_EQ(0, last_bar);
	ASSERT_EQ(PCI_BAR_UNMAPPED, last_old);
	ASSERT_EQ(0xc0001000u, last_new);
	/* Reached through the MMIO window. */
	bus_mmio_write(&bus, 0xc0001010, 4, 0xdeadbeef);
	ASSERT_EQ(0xdeadbeef, bus_mmio_read(&bus, 0xc0001010, 4));
	ASSERT_EQ(0xef, bar0_mem[0x10]);
	ASSERT_EQ(0xffffffffu, bus_mmio_read(&bus, 0xc0003000, 4)); /* nobody: master abort */
	/* Sizing while decoding: the all-ones value unmaps, restoring remaps. */
	cfg_write(d, 0x10, 4, 0xffffffffu);
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 0));
	cfg_write(d, 0x10, 4, 0xc0002000u);
	ASSERT_EQ(0xc0002000u, pci_device_bar_addr(&dev, 0));
	ASSERT_EQ(0xc0002000u, last_new);
	ASSERT_EQ(0xef, bus_mmio_read(&bus, 0xc0002010, 1));
	/* I/O BAR needs the I/O enable. */
	cfg_write(d, 0x14, 4, 0xc100);
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 1));
	cfg_write(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ASSERT_EQ(0xc100, pci_device_bar_addr(&dev, 1));
	ASSERT_EQ(0x1004, bus_pio_read(&bus, 0xc104, 2));
	/* Memory off: BAR 0 stops decoding. */
	cfg_write(d, PCI_COMMAND, 2, PCI_COMMAND_IO);
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 0));
	ASSERT_EQ(0xffffffffu, bus_mmio_read(&bus, 0xc0002010, 4));
}

TEST(pci, bar64_decodes_both_halves)
{
	unsigned d = PCI_DEVFN(3, 0);

	setup();
	cfg_write(d, 0x18, 4, 0x00100000u);
	cfg_write(d, 0x1c, 4, 0x1);
	cfg_write(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ASSERT_EQ(0x100100000ull, pci_device_bar_addr(&dev, 2));
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 3));
}

TEST(pci, ecam)
{
	setup();
	ASSERT_EQ(0x29c08086u, bus_mmio_read(&bus, ECAM_BASE, 4));
	ASSERT_EQ(0x5678, bus_mmio_read(&bus, ECAM_BASE + (3 << 15) + 2, 2));
	ASSERT_EQ(0xffffffffu, bus_mmio_read(&bus, ECAM_BASE + (4 << 15), 4));
	ASSERT_EQ(0xffffffffu, bus_mmio_read(&bus, ECAM_BASE + (1 << 20), 4)); /* bus 1 */
	/* Extended space of a conventional function reads all ones. */
	ASSERT_EQ(0xffffffffu, bus_mmio_read(&bus, ECAM_BASE + (3 << 15) + 0x100, 4));
	bus_mmio_write(&bus, ECAM_BASE + (3 << 15) + PCI_INTERRUPT_LINE, 1, 7);
	ASSERT_EQ(7, cfg_read(PCI_DEVFN(3, 0), PCI_INTERRUPT_LINE, 1));
}

TEST(pci, assign_bars_like_firmware)
{
	setup();
	ASSERT_TRUE(pci_assign_bars(&pci, MMIO_BASE, MMIO_SIZE, IO_BASE, IO_SIZE));
	/* Largest first: the 1 MiB BAR at the window's start, the 4 KiB one after it. */
	ASSERT_EQ(MMIO_BASE, pci_device_bar_addr(&dev, 2));
	ASSERT_EQ(MMIO_BASE + (1 << 20), pci_device_bar_addr(&dev, 0));
	ASSERT_EQ(IO_BASE, pci_device_bar_addr(&dev, 1));
	ASSERT_EQ(PCI_COMMAND_IO | PCI_COMMAND_MEMORY,
		  cfg_read(PCI_DEVFN(3, 0), PCI_COMMAND, 2));
	ASSERT_EQ(11, cfg_read(PCI_DEVFN(3, 0), PCI_INTERRUPT_LINE, 1)); /* slot 3, INTA */
	ASSERT_EQ(3, changes);
	/* A window too small fails. */
	setup();
	ASSERT_FALSE(pci_assign_bars(&pci, MMIO_BASE, 0x80000, IO_BASE, IO_SIZE));
}

TEST(pci, multifunction_and_registration)
{
	struct pci_device f1;

	setup();
	ASSERT_FALSE(pci_register_device(&pci, 0, &f1)); /* the host bridge's */
	pci_device_init(&f1, "f1", 0x1234, 0x0001, 0x020000, 0);
	ASSERT_TRUE(pci_register_device(&pci, PCI_DEVFN(3, 1), &f1));
	ASSERT_EQ(0x80, cfg_read(PCI_DEVFN(3, 0), PCI_HEADER_TYPE, 1));
	ASSERT_EQ(0x00011234u, cfg_read(PCI_DEVFN(3, 1), 0, 4));
	ASSERT_FALSE(pci_register_device(&pci, PCI_DEVFN(3, 1), &f1));
}

TEST(pci, reset_control_register)
{
	setup();
	bus_pio_write(&bus, 0xcf9, 1, 0x02);
	ASSERT_EQ(0x02, bus_pio_read(&bus, 0xcf9, 1));
	ASSERT_FALSE(bus.stop);
	/* CONFIG_ADDRESS is untouched by the byte port. */
	bus_pio_write(&bus, 0xcf8, 4, 0x80001800u);
	bus_pio_write(&bus, 0xcf9, 1, 0x06);
	ASSERT_TRUE(bus.stop);
	ASSERT_EQ(4, bus.stop_status);
	ASSERT_EQ(0x80001800u, bus_pio_read(&bus, 0xcf8, 4));
}

TEST(pci, reset_and_snapshot)
{
	static uint8_t buf[4096];
	struct dev_snapshot s = {.dir = SNAPSHOT_SAVE, .buf = buf, .len = sizeof(buf)};
	unsigned d = PCI_DEVFN(3, 0);

	setup();
	ASSERT_TRUE(pci_assign_bars(&pci, MMIO_BASE, MMIO_SIZE, IO_BASE, IO_SIZE));
	bus_pio_write(&bus, 0xcf8, 4, 0x80001804u);
	ASSERT_TRUE(pci_snapshot(&pci, &s));
	pci_reset(&pci);
	ASSERT_EQ(0, cfg_read(d, PCI_COMMAND, 2));
	ASSERT_EQ(0, cfg_read(d, 0x10, 4));
	ASSERT_EQ(PCI_BAR_UNMAPPED, pci_device_bar_addr(&dev, 0));
	s = (struct dev_snapshot){.dir = SNAPSHOT_RESTORE, .buf = buf, .len = sizeof(buf)};
	ASSERT_TRUE(pci_snapshot(&pci, &s));
	ASSERT_EQ(0x80001804u, pci.config_address);
	ASSERT_EQ(MMIO_BASE + (1 << 20), pci_device_bar_addr(&dev, 0));
	ASSERT_EQ(PCI_COMMAND_IO | PCI_COMMAND_MEMORY, cfg_read(d, PCI_COMMAND, 2));
}
