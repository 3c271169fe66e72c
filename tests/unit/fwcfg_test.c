/* SPDX-License-Identifier: MIT */
/* fw_cfg traditional I/O interface: selector and data port, QEMU's item encodings. */
#include <string.h>

#include "dev/bus.h"
#include "dev/fwcfg.h"
#include "test.h"

static struct fwcfg fw;
static struct bus bus;
static const uint8_t initrd_bytes[5] = {1, 2, 3, 4, 5};

static void setup(void)
{
	struct fwcfg_config c = {
		.ram_size = 256ull << 20,
		.nb_cpus = 2,
		.max_cpus = 4,
		.cmdline = "console=ttyS0",
		.cmdline_addr = 0x9100,
		.initrd = initrd_bytes,
		.initrd_size = sizeof(initrd_bytes),
		.initrd_addr = 0x200000,
	};

	bus_init(&bus);
	fwcfg_init(&fw, &c);
	fwcfg_register(&fw, &bus);
}

static void select_key(uint16_t key)
{
	bus_pio_write(&bus, FWCFG_IO_BASE, 2, key);
}

static uint64_t read_le(unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= bus_pio_read(&bus, FWCFG_IO_BASE + 1, 1) << (8 * i);
	return v;
}

TEST(fwcfg, signature_and_id)
{
	char sig[5] = {0};

	setup();
	select_key(FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)bus_pio_read(&bus, FWCFG_IO_BASE + 1, 1);
	ASSERT_TRUE(!strcmp(sig, "QEMU"));
	ASSERT_EQ(0, read_le(1)); /* past the end */
	select_key(FW_CFG_ID);
	ASSERT_EQ(1, read_le(4)); /* traditional interface only, no DMA */
}

TEST(fwcfg, machine_numbers)
{
	setup();
	select_key(FW_CFG_RAM_SIZE);
	ASSERT_EQ(256ull << 20, read_le(8));
	select_key(FW_CFG_NB_CPUS);
	ASSERT_EQ(2, read_le(2));
	select_key(FW_CFG_MAX_CPUS);
	ASSERT_EQ(4, read_le(2));
	/* Re-selecting rewinds. */
	select_key(FW_CFG_NB_CPUS);
	ASSERT_EQ(2, read_le(1));
	select_key(FW_CFG_NB_CPUS);
	ASSERT_EQ(2, read_le(2));
}

TEST(fwcfg, command_line)
{
	char buf[32] = {0};

	setup();
	select_key(FW_CFG_CMDLINE_SIZE);
	ASSERT_EQ(14, read_le(4)); /* with the NUL */
	select_key(FW_CFG_CMDLINE_ADDR);
	ASSERT_EQ(0x9100, read_le(4));
	select_key(FW_CFG_KERNEL_CMDLINE);
	ASSERT_EQ(0x9100, read_le(4));
	select_key(FW_CFG_CMDLINE_DATA);
	for (int i = 0; i < 14; i++)
		buf[i] = (char)read_le(1);
	ASSERT_TRUE(!strcmp(buf, "console=ttyS0"));
}

TEST(fwcfg, initrd)
{
	setup();
	select_key(FW_CFG_INITRD_SIZE);
	ASSERT_EQ(5, read_le(4));
	select_key(FW_CFG_INITRD_ADDR);
	ASSERT_EQ(0x200000, read_le(4));
	select_key(FW_CFG_INITRD_DATA);
	ASSERT_EQ(0x0504030201ull, read_le(5));
	ASSERT_EQ(0, read_le(1));
}

TEST(fwcfg, unknown_keys_and_empty_file_dir)
{
	setup();
	select_key(FW_CFG_FILE_DIR);
	ASSERT_EQ(0, read_le(4)); /* count 0 (big-endian) */
	select_key(0x7777);
	ASSERT_EQ(0, read_le(8));
	select_key(FW_CFG_ARCH_LOCAL | 3); /* x86 e820 table: not provided */
	ASSERT_EQ(0, read_le(4));
	select_key(FW_CFG_FILE_FIRST);
	ASSERT_EQ(0, read_le(4));
}

TEST(fwcfg, wrong_widths_are_ignored)
{
	setup();
	select_key(FW_CFG_NB_CPUS);
	bus_pio_write(&bus, FWCFG_IO_BASE, 1, FW_CFG_SIGNATURE); /* 8-bit selector write */
	ASSERT_EQ(0, bus_pio_read(&bus, FWCFG_IO_BASE + 1, 2));  /* 16-bit data read */
	ASSERT_EQ(2, read_le(1));
	bus_pio_write(&bus, FWCFG_IO_BASE + 1, 1, 0x55); /* data writes are ignored */
	select_key(FW_CFG_NB_CPUS);
	ASSERT_EQ(2, read_le(2));
}

TEST(fwcfg, no_cmdline_no_initrd)
{
	struct fwcfg_config c = {.ram_size = 1 << 20, .nb_cpus = 1, .max_cpus = 1};

	fwcfg_init(&fw, &c);
	fwcfg_write(&fw, 0, 2, FW_CFG_CMDLINE_SIZE);
	ASSERT_EQ(0, fwcfg_read(&fw, 1, 1));
	fwcfg_write(&fw, 0, 2, FW_CFG_CMDLINE_DATA);
	ASSERT_EQ(0, fwcfg_read(&fw, 1, 1));
	fwcfg_write(&fw, 0, 2, FW_CFG_INITRD_DATA);
	ASSERT_EQ(0, fwcfg_read(&fw, 1, 1));
}
