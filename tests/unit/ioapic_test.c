/* SPDX-License-Identifier: MIT */
/* I/O APIC: register access, edge delivery, level with remote IRR and EOI, masking, polarity. */
#include "dev/ioapic.h"
#include "test.h"

static struct ioapic io;
static struct ioapic_msg last;
static int sent;

static void record(void *opaque, const struct ioapic_msg *msg)
{
	last = *msg;
	sent++;
}

static void setup(void)
{
	sent = 0;
	last = (struct ioapic_msg){0};
	ioapic_init(&io, 1, record, NULL);
}

static uint32_t reg_read(uint32_t reg)
{
	ioapic_write(&io, IOAPIC_IOREGSEL, reg);
	return ioapic_read(&io, IOAPIC_IOWIN);
}

static void reg_write(uint32_t reg, uint32_t value)
{
	ioapic_write(&io, IOAPIC_IOREGSEL, reg);
	ioapic_write(&io, IOAPIC_IOWIN, value);
}

static void program(unsigned pin, uint64_t rte)
{
	reg_write(0x11 + 2 * pin, (uint32_t)(rte >> 32));
	reg_write(0x10 + 2 * pin, (uint32_t)rte);
}

TEST(ioapic, id_version_arbitration_and_reset_entries)
{
	setup();
	ASSERT_EQ(0x01000000, reg_read(IOAPIC_REG_ID));
	ASSERT_EQ(0x00170020, reg_read(IOAPIC_REG_VER)); /* 24 entries, version 0x20 */
	ASSERT_EQ(0x01000000, reg_read(IOAPIC_REG_ARB));
	reg_write(IOAPIC_REG_ID, 0x0a000000);
	ASSERT_EQ(0x0a000000, reg_read(IOAPIC_REG_ID));
	ASSERT_EQ(0x0a000000, reg_read(IOAPIC_REG_ARB));
	reg_write(IOAPIC_REG_VER, 0);
	ASSERT_EQ(0x00170020, reg_read(IOAPIC_REG_VER));
	for (unsigned pin = 0; pin < 24; pin++) {
		ASSERT_EQ(0x00010000, reg_read(0x10 + 2 * pin)); /* masked */
		ASSERT_EQ(0, reg_read(0x11 + 2 * pin));
	}
	ASSERT_EQ(0x2f, (ioapic_write(&io, IOAPIC_IOREGSEL, 0x2f), ioapic_read(&io, IOAPIC_IOREGSEL)));
	/* Read-only bits stay clear; the destination is in the high dword. */
	program(5, 0x030000000000d031ull);
	ASSERT_EQ(0x8031, reg_read(0x1a)); /* level kept, delivery status 0, remote IRR 0 */
	ASSERT_EQ(0x03000000, reg_read(0x1b));
}

TEST(ioapic, edge_delivers_once_per_rising_assertion)
{
	setup();
	program(2, 0x0000000000000830ull | 2ull << 56); /* vector 0x30, logical, dest 2 */
	ioapic_set_irq(&io, 2, true);
	ASSERT_EQ(1, sent);
	ASSERT_EQ(0x30, last.vector);
	ASSERT_EQ(IOAPIC_DM_FIXED, last.delivery_mode);
	ASSERT_EQ(2, last.dest);
	ASSERT_TRUE(last.logical);
	ASSERT_FALSE(last.level);
	ASSERT_EQ(2, last.pin);
	ioapic_set_irq(&io, 2, true);
	ASSERT_EQ(1, sent);
	ioapic_set_irq(&io, 2, false);
	ioapic_set_irq(&io, 2, true);
	ASSERT_EQ(2, sent);
	/* An NMI entry carries its delivery mode. */
	program(3, 0x0000000000000400ull);
	ioapic_set_irq(&io, 3, true);
	ASSERT_EQ(IOAPIC_DM_NMI, last.delivery_mode);
}

TEST(ioapic, masked_edge_is_lost)
{
	setup();
	program(4, 0x0000000000010041ull);
	ioapic_set_irq(&io, 4, true);
	ioapic_set_irq(&io, 4, false);
	ASSERT_EQ(0, sent);
	program(4, 0x0000000000000041ull);
	ASSERT_EQ(0, sent);
	ioapic_set_irq(&io, 4, true);
	ASSERT_EQ(1, sent);
	ASSERT_EQ(0x41, last.vector);
}

TEST(ioapic, level_remote_irr_and_eoi_redelivery)
{
	setup();
	program(16, 0x0000000000008050ull); /* level, active high, vector 0x50 */
	ioapic_set_irq(&io, 16, true);
	ASSERT_EQ(1, sent);
	ASSERT_TRUE(last.level);
	ASSERT_EQ(0x4000, reg_read(0x30) & 0x4000); /* remote IRR */
	ioapic_set_irq(&io, 16, true);
	ASSERT_EQ(1, sent); /* waits for the EOI */
	ioapic_eoi(&io, 0x51); /* another vector: nothing */
	ASSERT_EQ(1, sent);
	ioapic_eoi(&io, 0x50); /* still asserted: delivered again */
	ASSERT_EQ(2, sent);
	ASSERT_EQ(0x4000, reg_read(0x30) & 0x4000);
	ioapic_set_irq(&io, 16, false);
	ioapic_write(&io, IOAPIC_EOI, 0x50); /* the version 0x20 EOI register */
	ASSERT_EQ(0, reg_read(0x30) & 0x4000);
	ASSERT_EQ(2, sent);
	/* Masked while asserted: delivered on unmask. */
	program(16, 0x0000000000018050ull);
	ioapic_set_irq(&io, 16, true);
	ASSERT_EQ(2, sent);
	program(16, 0x0000000000008050ull);
	ASSERT_EQ(3, sent);
}

TEST(ioapic, active_low_polarity_inverts_the_pin)
{
	setup();
	ioapic_set_irq(&io, 20, true); /* idle high, as an active-low line */
	program(20, 0x000000000000a060ull); /* level, active low, vector 0x60 */
	ASSERT_EQ(0, sent);
	ioapic_set_irq(&io, 20, false);
	ASSERT_EQ(1, sent);
	ASSERT_EQ(0x60, last.vector);
	ioapic_set_irq(&io, 20, true);
	ioapic_eoi(&io, 0x60);
	ASSERT_EQ(1, sent);
	/* Edge, active low: the falling edge is the assertion. */
	program(21, 0x0000000000002061ull);
	ioapic_set_irq(&io, 21, true);
	ASSERT_EQ(1, sent);
	ioapic_set_irq(&io, 21, false);
	ASSERT_EQ(2, sent);
	ASSERT_EQ(0x61, last.vector);
}

TEST(ioapic, snapshot_round_trip)
{
	uint8_t blob[512];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};

	setup();
	program(9, 0x0100000000008039ull);
	ioapic_set_irq(&io, 9, true);
	ASSERT_TRUE(ioapic_snapshot(&io, &save));
	setup();
	ASSERT_TRUE(ioapic_snapshot(&io, &load));
	ASSERT_EQ(0xc039, reg_read(0x22));
	ASSERT_EQ(0x01000000, reg_read(0x23));
	ioapic_eoi(&io, 0x39);
	ASSERT_EQ(1, sent);
}
