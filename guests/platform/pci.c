// SPDX-License-Identifier: MIT
/* PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): bus 0 scan, host bridge, absent functions, BAR sizing, and QEMU's pci-testdev (vendor 0x1b36, device 0x0005) register protocol. */
#include "platform.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define PCI_VENDOR_REDHAT 0x1b36
#define PCI_DEVICE_TESTDEV 0x0005

/* pci-testdev test header in each BAR (QEMU hw/misc/pci-testdev.c). */
#define HDR_TEST 0
#define HDR_WIDTH 1
#define HDR_OFFSET 4
#define HDR_DATA 8
#define HDR_COUNT 12
#define HDR_NAME 16

static uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
	outl(cfg_addr(dev, fn, reg), PCI_ADDR);
	return inl(PCI_DATA);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(cfg_addr(dev, fn, reg), PCI_ADDR);
	outl(v, PCI_DATA);
}

static uint16_t cfg_read16(unsigned dev, unsigned fn, unsigned reg)
{
	outl(cfg_addr(dev, fn, reg), PCI_ADDR);
	return inw(PCI_DATA + (reg & 2));
}

static void test_mechanism(void)
{
	outl(0x80001234 & ~3u, PCI_ADDR);
	report(inl(PCI_ADDR) == (0x80001234 & ~3u), "CONFIG_ADDRESS reads back (%#x)", inl(PCI_ADDR));
}

static void test_host_bridge(void)
{
	uint32_t id = cfg_read(0, 0, 0), class = cfg_read(0, 0, 8), hdr = cfg_read(0, 0, 0x0c);
	unsigned absent = 0;

	report_info("00:00.0 %04x:%04x class %06x", id & 0xffff, id >> 16, class >> 8);
	report((id & 0xffff) != 0xffff && (id & 0xffff) != 0, "host bridge 00:00.0 present (vendor %#x)", id & 0xffff);
	report(class >> 24 == 0x06 && ((class >> 16) & 0xff) == 0x00, "00:00.0 is a host bridge (class %#x)", class >> 8);
	report(cfg_read16(0, 0, 2) == id >> 16, "16-bit read of the device ID matches the dword read");
	report(((hdr >> 16) & 0x7f) == 0, "00:00.0 header type 0 (%#x)", (hdr >> 16) & 0xff);
	if (!(hdr & 0x800000)) {
		for (unsigned fn = 1; fn < 8; fn++)
			absent += cfg_read(0, fn, 0) == 0xffffffffu;
		report(absent == 7, "single-function 00:00: functions 1-7 read all ones (%u of 7)", absent);
	} else {
		report_skip("00:00.0 is multi-function");
	}
}

static bool bar_is_64(uint32_t bar)
{
	return !(bar & 1) && ((bar >> 1) & 3) == 2;
}

/* Size BAR n of dev: write all ones, read the mask back, restore; returns the size or 0. */
static uint64_t bar_size(unsigned dev, unsigned n, uint32_t *orig_out)
{
	unsigned reg = 0x10 + 4 * n;
	uint32_t orig = cfg_read(dev, 0, reg), mask, orig_hi = 0, mask_hi = ~0u;
	uint16_t cmd = cfg_read(dev, 0, 4) & 0xffff;
	uint64_t m;

	*orig_out = orig;
	cfg_write(dev, 0, 4, cmd & ~3u); /* decoding off while sizing */
	cfg_write(dev, 0, reg, ~0u);
	mask = cfg_read(dev, 0, reg);
	cfg_write(dev, 0, reg, orig);
	if (bar_is_64(orig)) {
		orig_hi = cfg_read(dev, 0, reg + 4);
		cfg_write(dev, 0, reg + 4, ~0u);
		mask_hi = cfg_read(dev, 0, reg + 4);
		cfg_write(dev, 0, reg + 4, orig_hi);
	}
	cfg_write(dev, 0, 4, cmd);
	if (!mask)
		return 0;
	if (orig & 1)
		m = 0xffffffff00000000ull | (mask & ~3u) | 0xffff0000u; /* I/O BARs may implement 16 bits only */
	else
		m = ((uint64_t)mask_hi << 32) | (mask & ~0xfu);
	return ~m + 1;
}

static int scan(unsigned *testdev)
{
	int found = 0, absent = 0, odd = 0;

	*testdev = ~0u;
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(dev, 0, 0);

		if ((id & 0xffff) == 0xffff) {
			absent++;
			odd += id != 0xffffffffu || cfg_read(dev, 0, 8) != 0xffffffffu;
			continue;
		}
		found++;
		report_info("00:%02x.0 %04x:%04x class %06x", dev, id & 0xffff, id >> 16, cfg_read(dev, 0, 8) >> 8);
		if ((id & 0xffff) == PCI_VENDOR_REDHAT && id >> 16 == PCI_DEVICE_TESTDEV)
			*testdev = dev;
	}
	report(absent > 0 && odd == 0, "%d absent slots on bus 0 read all ones (%d do not)", absent, odd);
	return found;
}

static void test_bars(unsigned dev)
{
	for (unsigned n = 0; n < 6; n++) {
		uint32_t orig, after;
		uint64_t size = bar_size(dev, n, &orig);
		uint64_t addr = orig & 1 ? orig & ~3u : orig & ~0xfu;

		if (!size) {
			if (bar_is_64(orig))
				n++;
			continue;
		}
		if (bar_is_64(orig))
			addr |= (uint64_t)cfg_read(dev, 0, 0x14 + 4 * n) << 32;
		after = cfg_read(dev, 0, 0x10 + 4 * n);
		report((size & (size - 1)) == 0 && size >= (orig & 1 ? 4u : 16u),
		       "00:%02x.0 BAR%u (%s) size %#llx is a power of two", dev, n, orig & 1 ? "I/O" : "memory",
		       (unsigned long long)size);
		report(addr != 0 && (addr & (size - 1)) == 0, "00:%02x.0 BAR%u assigned at %#llx, aligned to its size",
		       dev, n, (unsigned long long)addr);
		report(after == orig, "00:%02x.0 BAR%u restored after sizing (%#x)", dev, n, after);
		if (bar_is_64(orig))
			n++;
	}
}

/* Accessors for the two BARs of pci-testdev: BAR0 memory, BAR1 I/O. */
static uintptr_t td_base;
static bool td_io;

static uint8_t td_rb(unsigned off)
{
	return td_io ? inb(td_base + off) : *(volatile uint8_t *)(td_base + off);
}

static uint32_t td_rl(unsigned off)
{
	return td_io ? inl(td_base + off) : *(volatile uint32_t *)(td_base + off);
}

static void td_wb(unsigned off, uint8_t v)
{
	if (td_io)
		outb(v, td_base + off);
	else
		*(volatile uint8_t *)(td_base + off) = v;
}

static void td_w(unsigned off, unsigned width, uint32_t v)
{
	if (td_io) {
		if (width == 1)
			outb(v, td_base + off);
		else if (width == 2)
			outw(v, td_base + off);
		else
			outl(v, td_base + off);
	} else {
		if (width == 1)
			*(volatile uint8_t *)(td_base + off) = v;
		else if (width == 2)
			*(volatile uint16_t *)(td_base + off) = v;
		else
			*(volatile uint32_t *)(td_base + off) = v;
	}
}

static const char *const td_names[] = { "no-eventfd", "wildcard-eventfd", "datamatch-eventfd" };

static void testdev_bar(const char *kind, const char *prefix)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		char name[32];
		uint32_t count, off, data;
		uint8_t width;
		unsigned k;

		td_wb(HDR_TEST, i);
		count = td_rl(HDR_COUNT);
		width = td_rb(HDR_WIDTH);
		if (count != 0 || (width != 1 && width != 2 && width != 4))
			break;
		data = td_rl(HDR_DATA);
		off = td_rl(HDR_OFFSET);
		for (k = 0; k < sizeof(name) - 1; k++) {
			name[k] = td_rb(HDR_NAME + k);
			if (!name[k])
				break;
		}
		name[k] = 0;
		for (k = 0; k < 16; k++)
			td_w(off, width, data);
		count = td_rl(HDR_COUNT);
		/*
		 * The device counts the writes unless an ioeventfd consumed them (QEMU registers
		 * one for the wildcard and datamatch tests, so those count 0 there).
		 */
		report(count == 16 || count == 0, "pci-testdev %s test %u \"%s\": 16 writes of %#x at %#x counted %u",
		       kind, i, name, data, off, count);
		report(i < ARRAY_SIZE(td_names) && !memcmp(name, prefix, strlen(prefix)) &&
		       !strcmp(name + strlen(prefix), td_names[i]), "pci-testdev %s test %u name \"%s\"", kind, i, name);
		/* A write of another value to the register is not counted. */
		if (i == 0) {
			td_w(off, width, ~data);
			report(td_rl(HDR_COUNT) == count, "pci-testdev %s: a write of other data is not counted", kind);
		}
	}
	report(i == 3, "pci-testdev %s BAR has 3 tests (%u)", kind, i);
}

static void test_testdev(unsigned dev)
{
	uint32_t bar0 = cfg_read(dev, 0, 0x10), bar1 = cfg_read(dev, 0, 0x14);
	uint16_t cmd = cfg_read(dev, 0, 4) & 0xffff;

	report(!(bar0 & 1) && (bar0 & ~0xfu) != 0, "pci-testdev BAR0 is memory, assigned (%#x)", bar0);
	report((bar1 & 1) && (bar1 & ~3u) != 0, "pci-testdev BAR1 is I/O, assigned (%#x)", bar1);
	if (!(cmd & 3)) {
		/* Firmware enables decoding of assigned devices; do it if it did not. */
		report_info("enabling I/O and memory decoding (command %#x)", cmd);
		cfg_write(dev, 0, 4, cmd | 3);
	}
	td_io = false;
	td_base = bar0 & ~0xfu;
	testdev_bar("mem", "mmio-");
	td_io = true;
	td_base = bar1 & ~3u;
	testdev_bar("io", "portio-");
	/* Decoding off: the BARs stop responding (memory reads all ones, I/O reads all ones). */
	cfg_write(dev, 0, 4, (cmd | 3) & ~3u);
	report(inl((bar1 & ~3u) + HDR_COUNT) == 0xffffffffu, "I/O decoding off: BAR1 reads all ones");
	cfg_write(dev, 0, 4, cmd | 3);
	report(cfg_read(dev, 0, 4) & 3, "command register decoding bits read back");
}

int main(void)
{
	unsigned testdev;
	int n;

	test_mechanism();
	test_host_bridge();
	n = scan(&testdev);
	report_info("bus 0: %d devices", n);
	for (unsigned dev = 0; dev < 32; dev++)
		if ((cfg_read(dev, 0, 0) & 0xffff) != 0xffff)
			test_bars(dev);
	if (testdev == ~0u) {
		report_skip("pci-testdev not present (-device pci-testdev)");
		return report_summary();
	}
	test_testdev(testdev);
	return report_summary();
}
