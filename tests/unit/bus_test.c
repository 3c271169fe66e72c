/* SPDX-License-Identifier: MIT */
/* The port and MMIO bus, isa-debug-exit and the legacy ports behind it. */
#include <string.h>

#include "dev/bus.h"
#include "dev/debugexit.h"
#include "dev/legacy.h"
#include "dev/registry.h"
#include "test.h"

struct recorder {
	uint64_t last_addr, last_value;
	unsigned last_size, reads, writes;
};

static uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
	struct recorder *r = opaque;

	r->last_addr = addr;
	r->last_size = size;
	r->reads++;
	return 0x1122334455667788ull;
}

static void rec_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	struct recorder *r = opaque;

	r->last_addr = addr;
	r->last_size = size;
	r->last_value = value;
	r->writes++;
}

static const struct bus_ops rec_ops = {.read = rec_read, .write = rec_write};

TEST(bus, overlap_rejected)
{
	static struct bus bus;
	struct recorder r = {0};

	bus_init(&bus);
	ASSERT_TRUE(bus_add_pio(&bus, "a", 0x3f8, 8, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "b", 0x3ff, 1, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "c", 0x3f0, 9, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "d", 0x3f0, 0x20, &rec_ops, &r));
	ASSERT_TRUE(bus_add_pio(&bus, "e", 0x3f0, 8, &rec_ops, &r));
	ASSERT_TRUE(bus_add_pio(&bus, "f", 0x400, 1, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "zero", 0x500, 0, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "wrap", 0xfffe, 4, &rec_ops, &r));
	ASSERT_TRUE(bus_add_pio(&bus, "top", 0xffff, 1, &rec_ops, &r));
	ASSERT_TRUE(bus_add_mmio(&bus, "m", 0xfee00000, 0x1000, &rec_ops, &r));
	ASSERT_FALSE(bus_add_mmio(&bus, "m2", 0xfee00800, 0x1000, &rec_ops, &r));
	ASSERT_FALSE(bus_add_mmio(&bus, "mwrap", ~0ull - 10, 100, &rec_ops, &r));
	ASSERT_EQ(4, bus.npio);
	ASSERT_EQ(1, bus.nmmio);
}

TEST(bus, table_full)
{
	static struct bus bus;
	struct recorder r = {0};

	bus_init(&bus);
	for (unsigned i = 0; i < BUS_MAX_REGIONS; i++)
		ASSERT_TRUE(bus_add_pio(&bus, "x", (uint16_t)(0x1000 + i), 1, &rec_ops, &r));
	ASSERT_FALSE(bus_add_pio(&bus, "x", 0x2000, 1, &rec_ops, &r));
}

TEST(bus, unclaimed_reads_all_ones)
{
	static struct bus bus;

	bus_init(&bus);
	ASSERT_EQ(0xff, bus_pio_read(&bus, 0x1234, 1));
	ASSERT_EQ(0xffff, bus_pio_read(&bus, 0x1234, 2));
	ASSERT_EQ(0xffffffff, bus_pio_read(&bus, 0x1234, 4));
	ASSERT_EQ(~0ull, bus_mmio_read(&bus, 0xfed00000, 8));
	bus_pio_write(&bus, 0x1234, 1, 0); /* ignored, no crash */
	bus_mmio_write(&bus, 0xfed00000, 4, 0);
}

TEST(bus, dispatch_relative_and_masked)
{
	static struct bus bus;
	struct recorder r = {0};

	bus_init(&bus);
	bus_add_pio(&bus, "r", 0x3f8, 8, &rec_ops, &r);
	ASSERT_EQ(0x88, bus_pio_read(&bus, 0x3fd, 1));
	ASSERT_EQ(5, r.last_addr);
	ASSERT_EQ(0x7788, bus_pio_read(&bus, 0x3f8, 2));
	bus_pio_write(&bus, 0x3f9, 1, 0x1ff);
	ASSERT_EQ(1, r.last_addr);
	ASSERT_EQ(0xff, r.last_value);
	bus_add_mmio(&bus, "m", 0xfec00000, 0x100, &rec_ops, &r);
	bus_mmio_write(&bus, 0xfec00010, 4, 0xabcdef0123ull);
	ASSERT_EQ(0x10, r.last_addr);
	ASSERT_EQ(0xef0123, r.last_value & 0xffffff);
	ASSERT_EQ(0xcdef0123, r.last_value);
}

TEST(bus, first_stop_wins)
{
	static struct bus bus;

	bus_init(&bus);
	ASSERT_FALSE(bus.stop);
	bus_request_stop(&bus, 7, "first");
	bus_request_stop(&bus, 3, "second");
	ASSERT_TRUE(bus.stop);
	ASSERT_EQ(7, bus.stop_status);
	ASSERT_TRUE(!strcmp(bus.stop_reason, "first"));
}

TEST(bus, debug_exit_status)
{
	static struct bus bus;
	char err[200];

	bus_init(&bus);
	ASSERT_TRUE(registry_create(&bus, "isa-debug-exit,iobase=0xf4,iosize=0x4", err,
				    sizeof(err)));
	ASSERT_EQ(0, bus_pio_read(&bus, 0xf4, 4));
	ASSERT_FALSE(bus.stop);
	bus_pio_write(&bus, 0xf5, 1, 0);
	ASSERT_TRUE(bus.stop);
	ASSERT_EQ(1, bus.stop_status);
	bus_init(&bus);
	ASSERT_TRUE(registry_create(&bus, "isa-debug-exit", err, sizeof(err)));
	ASSERT_EQ(0x501, bus.pio[0].base);
	ASSERT_EQ(2, bus.pio[0].len);
	bus_pio_write(&bus, 0x501, 4, 0x10);
	ASSERT_EQ(0x21, bus.stop_status);
	/* Overlap with an existing device is a user error naming the ports. */
	ASSERT_FALSE(registry_create(&bus, "isa-debug-exit,iobase=0x502", err, sizeof(err)));
	ASSERT_TRUE(!strcmp(err, "ports 0x502-0x503 overlap another device"));
	registry_free_all();
}

TEST(bus, legacy_ports)
{
	static struct bus bus;
	static struct legacy l;
	uint8_t a, b;

	bus_init(&bus);
	legacy_init(&l, &bus, 3);
	ASSERT_TRUE(legacy_register(&l));
	bus_pio_write(&bus, 0x80, 1, 0x42); /* POST code: swallowed */
	ASSERT_EQ(0xff, bus_pio_read(&bus, 0x80, 1));
	a = (uint8_t)bus_pio_read(&bus, 0x61, 1);
	b = (uint8_t)bus_pio_read(&bus, 0x61, 1);
	ASSERT_EQ(0x10, (a ^ b) & 0x10); /* refresh bit toggles */
	bus_pio_write(&bus, 0x61, 1, 0x03);
	ASSERT_EQ(0x03, bus_pio_read(&bus, 0x61, 1) & 0x0f);
	ASSERT_EQ(0x02, bus_pio_read(&bus, 0x92, 1)); /* A20 on */
	bus_pio_write(&bus, 0x92, 1, 0x00);
	ASSERT_EQ(0x02, bus_pio_read(&bus, 0x92, 1)); /* stays on */
	ASSERT_FALSE(bus.stop);
	bus_pio_write(&bus, 0x92, 1, 0x03); /* fast reset */
	ASSERT_TRUE(bus.stop);
	ASSERT_EQ(3, bus.stop_status);
	ASSERT_TRUE(!strcmp(bus.stop_reason, "reset"));
	/* The PIC and PIT ports stay free for their devices. */
	ASSERT_EQ(0xff, bus_pio_read(&bus, 0x20, 1));
	ASSERT_EQ(0xff, bus_pio_read(&bus, 0x40, 1));
}

TEST(bus, registry_lists_devices)
{
	ASSERT_EQ(3, registry_count());
	ASSERT_TRUE(registry_find("isa-debug-exit,iobase=1") == registry_get(0));
	ASSERT_TRUE(registry_find("isa-debug") == NULL);
	ASSERT_TRUE(registry_get(3) == NULL);
}

TEST(bus, registry_option_parsing)
{
	struct device_opt kv[2];
	char err[100];
	char longkey[80];

	ASSERT_EQ(0, registry_parse_opts(NULL, kv, 2, err, sizeof(err)));
	ASSERT_EQ(2, registry_parse_opts("a=1,b", kv, 2, err, sizeof(err)));
	ASSERT_TRUE(!strcmp(kv[1].key, "b") && !strcmp(kv[1].value, "on"));
	ASSERT_EQ(-1, registry_parse_opts("a=1,b=2,c=3", kv, 2, err, sizeof(err)));
	ASSERT_EQ(-1, registry_parse_opts("=1", kv, 2, err, sizeof(err)));
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = 0;
	ASSERT_EQ(-1, registry_parse_opts(longkey, kv, 2, err, sizeof(err)));
	ASSERT_EQ(-1, registry_parse_opts("a=1,", kv, 2, err, sizeof(err)));
}
