/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables read back the way a guest does: find the RSDP on a 16-byte boundary in
 * 0xe0000–0xfffff, check every checksum and length, walk the XSDT, decode each table.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/acpi.h"
#include "test.h"
#include "util/bits.h"

#define RAM_SIZE (2u << 20)
#define TABLE_BASE 0x100000u
#define RSDP_ADDR 0xe0000u

static uint8_t *ram;
static char err[128];

static struct acpi_config config(unsigned ncpus)
{
	struct acpi_config c = {
		.ncpus = ncpus,
		.lapic_base = 0xfee00000,
		.ioapic_base = 0xfec00000,
		.ioapic_id = 0,
		.gsi_base = 0,
		.pic = true,
		.pm_base = 0x600,
		.pm_timer_32bit = true,
		.sci_irq = 9,
		.ecam_base = 0xb0000000,
		.ecam_bus_end = 0xff,
		.hpet = true,
		.hpet_base = 0xfed00000,
		.reset_port = 0xcf9,
		.reset_value = 0x06,
	};

	for (unsigned i = 0; i < ncpus; i++)
		c.apic_ids[i] = i;
	return c;
}

static uint64_t build(const struct acpi_config *c)
{
	free(ram);
	ram = calloc(1, RAM_SIZE);
	return acpi_build(c, ram, RAM_SIZE, TABLE_BASE, RSDP_ADDR, err, sizeof(err));
}

static uint64_t rd(uint64_t addr, unsigned size)
{
	return bits_load_le(ram + addr, size);
}

/* The RSDP as a guest finds it, or 0. */
static uint64_t find_rsdp(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp(ram + a, "RSD PTR ", 8) && acpi_checksum(ram + a, 20) == 0)
			return a;
	return 0;
}

static bool table_ok(uint64_t addr, const char *sig)
{
	uint32_t len = (uint32_t)rd(addr + 4, 4);

	return addr && addr + len <= RAM_SIZE && len >= ACPI_HEADER_SIZE &&
	       !memcmp(ram + addr, sig, 4) && acpi_checksum(ram + addr, len) == 0 &&
	       !memcmp(ram + addr + 10, "NESTVM", 6);
}

/* The XSDT entry with signature sig, or 0. */
static uint64_t find_table(const char *sig)
{
	uint64_t rsdp = find_rsdp(), xsdt = rd(rsdp + 24, 8);
	uint32_t len = (uint32_t)rd(xsdt + 4, 4);

	for (uint32_t off = ACPI_HEADER_SIZE; off + 8 <= len; off += 8) {
		uint64_t t = rd(xsdt + off, 8);

		if (!memcmp(ram + t, sig, 4))
			return t;
	}
	return 0;
}

TEST(acpi, rsdp_found_with_both_checksums)
{
	uint64_t rsdp;

	ASSERT_TRUE(build(&(struct acpi_config){0}) == 0); /* no CPUs: refused */
	struct acpi_config c = config(1);
	ASSERT_TRUE(build(&c) > 0);
	rsdp = find_rsdp();
	ASSERT_EQ(RSDP_ADDR, rsdp);
	ASSERT_EQ(2, ram[rsdp + 15]);
	ASSERT_EQ(ACPI_RSDP_SIZE, rd(rsdp + 20, 4));
	ASSERT_EQ(0, acpi_checksum(ram + rsdp, ACPI_RSDP_SIZE));
	ASSERT_TRUE(!memcmp(ram + rsdp + 9, "NESTVM", 6));
	ASSERT_TRUE(table_ok(rd(rsdp + 16, 4), "RSDT"));
	ASSERT_TRUE(table_ok(rd(rsdp + 24, 8), "XSDT"));
}

TEST(acpi, rsdt_and_xsdt_list_the_same_tables)
{
	struct acpi_config c = config(2);
	uint64_t rsdp, rsdt, xsdt;
	uint32_t rlen, xlen;
	static const char *const want[] = {"FACP", "APIC", "MCFG", "HPET"};

	ASSERT_TRUE(build(&c) > 0);
	rsdp = find_rsdp();
	rsdt = rd(rsdp + 16, 4);
	xsdt = rd(rsdp + 24, 8);
	rlen = (uint32_t)rd(rsdt + 4, 4);
	xlen = (uint32_t)rd(xsdt + 4, 4);
	ASSERT_EQ(ACPI_HEADER_SIZE + 4 * 4, rlen);
	ASSERT_EQ(ACPI_HEADER_SIZE + 4 * 8, xlen);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t t = rd(xsdt + ACPI_HEADER_SIZE + 8 * i, 8);

		ASSERT_EQ(t, rd(rsdt + ACPI_HEADER_SIZE + 4 * i, 4));
		ASSERT_TRUE(table_ok(t, want[i]));
	}
	/* Without an ECAM and an HPET, only the FADT and the MADT remain. */
	c.ecam_base = 0;
	c.hpet = false;
	ASSERT_TRUE(build(&c) > 0);
	xsdt = rd(find_rsdp() + 24, 8);
	ASSERT_EQ(ACPI_HEADER_SIZE + 2 * 8, rd(xsdt + 4, 4));
	ASSERT_EQ(0, find_table("MCFG"));
	ASSERT_EQ(0, find_table("HPET"));
}

TEST(acpi, fadt_fields)
{
	struct acpi_config c = config(1);
	uint64_t f, facs, dsdt;

	ASSERT_TRUE(build(&c) > 0);
	f = find_table("FACP");
	ASSERT_TRUE(table_ok(f, "FACP"));
	ASSERT_EQ(ACPI_FADT_SIZE, rd(f + 4, 4));
	ASSERT_EQ(6, ram[f + 8]);
	ASSERT_EQ(9, rd(f + 46, 2));     /* SCI_INT */
	ASSERT_EQ(0, rd(f + 48, 4));     /* SMI_CMD: always in ACPI mode */
	ASSERT_EQ(0x600, rd(f + 56, 4)); /* PM1a_EVT_BLK */
	ASSERT_EQ(0x604, rd(f + 64, 4)); /* PM1a_CNT_BLK */
	ASSERT_EQ(0x608, rd(f + 76, 4)); /* PM_TMR_BLK */
	ASSERT_EQ(4, ram[f + 88]);
	ASSERT_EQ(2, ram[f + 89]);
	ASSERT_EQ(4, ram[f + 91]);
	ASSERT_EQ(0x5, rd(f + 109, 2)); /* IAPC_BOOT_ARCH: legacy devices, no VGA */
	ASSERT_EQ(0x575, rd(f + 112, 4)); /* WBINVD PROC_C1 buttons FIX_RTC TMR_VAL_EXT RESET */
	/* RESET_REG: SystemIO, 8 bits, byte access, port 0xcf9; RESET_VALUE 6. */
	ASSERT_EQ(1, ram[f + 116]);
	ASSERT_EQ(8, ram[f + 117]);
	ASSERT_EQ(1, ram[f + 119]);
	ASSERT_EQ(0xcf9, rd(f + 120, 8));
	ASSERT_EQ(6, ram[f + 128]);
	/* X_ blocks agree with the legacy ones. */
	ASSERT_EQ(1, ram[f + 148]);
	ASSERT_EQ(32, ram[f + 149]);
	ASSERT_EQ(0x600, rd(f + 152, 8));
	ASSERT_EQ(16, ram[f + 173]);
	ASSERT_EQ(0x604, rd(f + 176, 8));
	ASSERT_EQ(32, ram[f + 209]);
	ASSERT_EQ(0x608, rd(f + 212, 8));
	/* FACS: 64-byte aligned, both pointers equal. */
	facs = rd(f + 36, 4);
	ASSERT_EQ(facs, rd(f + 132, 8));
	ASSERT_EQ(0, facs % 64);
	ASSERT_TRUE(!memcmp(ram + facs, "FACS", 4));
	ASSERT_EQ(ACPI_FACS_SIZE, rd(facs + 4, 4));
	/* DSDT: Name(_S5, Package(){5, 5, 0, 0}) in AML. */
	dsdt = rd(f + 40, 4);
	ASSERT_EQ(dsdt, rd(f + 140, 8));
	ASSERT_TRUE(table_ok(dsdt, "DSDT"));
	{
		static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					     0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};

		ASSERT_EQ(ACPI_HEADER_SIZE + sizeof(s5), rd(dsdt + 4, 4));
		ASSERT_TRUE(!memcmp(ram + dsdt + ACPI_HEADER_SIZE, s5, sizeof(s5)));
	}
	/* A 24-bit timer and no PIC clear TMR_VAL_EXT and LEGACY_DEVICES. */
	c.pm_timer_32bit = false;
	c.pic = false;
	c.i8042 = true;
	ASSERT_TRUE(build(&c) > 0);
	f = find_table("FACP");
	ASSERT_TRUE(table_ok(f, "FACP"));
	ASSERT_EQ(0x475, rd(f + 112, 4));
	ASSERT_EQ(0x6, rd(f + 109, 2));
}

TEST(acpi, madt_entries)
{
	struct acpi_config c = config(4);
	unsigned lapics = 0, ioapics = 0, overrides = 0, nmis = 0;
	uint64_t m;
	uint32_t len, off;

	c.apic_ids[3] = 7; /* IDs need not be dense */
	c.ioapic_id = 4;
	ASSERT_TRUE(build(&c) > 0);
	m = find_table("APIC");
	ASSERT_TRUE(table_ok(m, "APIC"));
	ASSERT_EQ(0xfee00000, rd(m + 36, 4));
	ASSERT_EQ(1, rd(m + 40, 4)); /* PCAT_COMPAT */
	len = (uint32_t)rd(m + 4, 4);
	for (off = 44; off < len; off += ram[m + off + 1]) {
		uint64_t e = m + off;

		ASSERT_TRUE(ram[e + 1] >= 2);
		switch (ram[e]) {
		case 0:
			ASSERT_EQ(8, ram[e + 1]);
			ASSERT_EQ(lapics, ram[e + 2]);
			ASSERT_EQ(lapics == 3 ? 7 : lapics, ram[e + 3]);
			ASSERT_EQ(1, rd(e + 4, 4));
			lapics++;
			break;
		case 1:
			ASSERT_EQ(12, ram[e + 1]);
			ASSERT_EQ(4, ram[e + 2]);
			ASSERT_EQ(0xfec00000, rd(e + 4, 4));
			ASSERT_EQ(0, rd(e + 8, 4));
			ioapics++;
			break;
		case 2:
			ASSERT_EQ(10, ram[e + 1]);
			ASSERT_EQ(0, ram[e + 2]);
			if (ram[e + 3] == 0) {
				ASSERT_EQ(2, rd(e + 4, 4));
				ASSERT_EQ(0x5, rd(e + 8, 2));
			} else {
				ASSERT_EQ(9, ram[e + 3]);
				ASSERT_EQ(9, rd(e + 4, 4));
				ASSERT_EQ(0xd, rd(e + 8, 2));
			}
			overrides++;
			break;
		case 4:
			ASSERT_EQ(6, ram[e + 1]);
			ASSERT_EQ(0xff, ram[e + 2]);
			ASSERT_EQ(1, ram[e + 5]);
			nmis++;
			break;
		default:
			ASSERT_TRUE(!"unexpected MADT entry");
		}
	}
	ASSERT_EQ(len, off); /* the entries fill the table exactly */
	ASSERT_EQ(4, lapics);
	ASSERT_EQ(1, ioapics);
	ASSERT_EQ(2, overrides);
	ASSERT_EQ(1, nmis);
}

TEST(acpi, madt_x2apic_for_large_ids)
{
	struct acpi_config c = config(2);
	uint64_t m;

	c.apic_ids[1] = 300;
	c.pic = false;
	ASSERT_TRUE(build(&c) > 0);
	m = find_table("APIC");
	ASSERT_TRUE(table_ok(m, "APIC"));
	ASSERT_EQ(0, rd(m + 40, 4)); /* no PCAT_COMPAT */
	ASSERT_EQ(0, ram[m + 44]);
	ASSERT_EQ(9, ram[m + 52]);
	ASSERT_EQ(16, ram[m + 53]);
	ASSERT_EQ(300, rd(m + 56, 4));
	ASSERT_EQ(1, rd(m + 60, 4));
	ASSERT_EQ(1, rd(m + 64, 4));
}

TEST(acpi, mcfg_and_hpet)
{
	struct acpi_config c = config(1);
	uint64_t t;

	c.ecam_bus_end = 0x3f;
	ASSERT_TRUE(build(&c) > 0);
	t = find_table("MCFG");
	ASSERT_TRUE(table_ok(t, "MCFG"));
	ASSERT_EQ(60, rd(t + 4, 4));
	ASSERT_EQ(0xb0000000, rd(t + 44, 8));
	ASSERT_EQ(0, rd(t + 52, 2));
	ASSERT_EQ(0, ram[t + 54]);
	ASSERT_EQ(0x3f, ram[t + 55]);
	t = find_table("HPET");
	ASSERT_TRUE(table_ok(t, "HPET"));
	ASSERT_EQ(56, rd(t + 4, 4));
	ASSERT_EQ(ACPI_HPET_BLOCK_ID_DEFAULT, rd(t + 36, 4));
	ASSERT_EQ(0, ram[t + 40]); /* system memory */
	ASSERT_EQ(0xfed00000, rd(t + 44, 8));
}

TEST(acpi, refuses_what_does_not_fit)
{
	struct acpi_config c = config(1);

	free(ram);
	ram = calloc(1, RAM_SIZE);
	ASSERT_EQ(0, acpi_build(&c, ram, RAM_SIZE, RAM_SIZE - 256, RSDP_ADDR, err,
				sizeof(err)));
	ASSERT_TRUE(strstr(err, "fit") != NULL);
	ASSERT_EQ(0, acpi_build(&c, ram, RAM_SIZE, TABLE_BASE, RSDP_ADDR + 8, err,
				sizeof(err)));
	ASSERT_EQ(0, acpi_build(&c, ram, RAM_SIZE, RSDP_ADDR, RSDP_ADDR + 16, err,
				sizeof(err)));
	ASSERT_TRUE(strstr(err, "overlaps") != NULL);
}
