/* SPDX-License-Identifier: MIT */
/* ACPI PM timer: frequency, 24/32-bit wrap, TMR_STS and SCI, PM1 registers, SLP_EN to S5. */
#include "dev/pmtimer.h"
#include "test.h"

static struct pmtimer pm;
static uint64_t fake_ns;
static bool sci;
static int shutdowns;

static uint64_t fake_now(void *opaque)
{
	return fake_ns;
}

static void record_sci(void *opaque, int irq, bool level)
{
	if (irq == PMTIMER_SCI_IRQ)
		sci = level;
}

static void record_shutdown(void *opaque)
{
	shutdowns++;
}

static void setup(bool ext32)
{
	fake_ns = 0;
	sci = false;
	shutdowns = 0;
	pmtimer_init(&pm, ext32, fake_now, NULL, record_sci, NULL, record_shutdown, NULL);
}

TEST(pmtimer, counts_at_3_579545_mhz)
{
	setup(false);
	ASSERT_FALSE(pmtimer_is_32bit(&pm));
	ASSERT_EQ(0, pmtimer_read(&pm, PMTIMER_PM_TMR, 4));
	fake_ns = 1000000000ull;
	ASSERT_EQ(3579545, pmtimer_read(&pm, PMTIMER_PM_TMR, 4));
	fake_ns = 1000;
	ASSERT_EQ(3579545, pmtimer_counter(&pm)); /* never backwards */
	setup(false);
	fake_ns = 1000;
	ASSERT_EQ(3, pmtimer_counter(&pm)); /* 3.58 ticks per microsecond */
	ASSERT_EQ(0x03, pmtimer_read(&pm, PMTIMER_PM_TMR, 1));
}

TEST(pmtimer, wraps_at_24_or_32_bits)
{
	setup(false);
	fake_ns = 5000000000ull; /* 17897725 ticks */
	ASSERT_EQ(17897725 & 0xffffff, pmtimer_counter(&pm));
	setup(true);
	ASSERT_TRUE(pmtimer_is_32bit(&pm));
	fake_ns = 5000000000ull;
	ASSERT_EQ(17897725, pmtimer_counter(&pm));
	fake_ns = 1300000000000ull; /* 4653408500 ticks */
	ASSERT_EQ((uint32_t)4653408500ull, pmtimer_counter(&pm));
}

TEST(pmtimer, tmr_sts_and_sci_at_top_bit_flip)
{
	uint64_t flip;

	setup(false);
	ASSERT_EQ(PMTIMER_NO_EVENT, pmtimer_next_event_ns(&pm));
	pmtimer_write(&pm, PMTIMER_PM1_EN, 2, PMTIMER_TMR_STS);
	ASSERT_EQ(PMTIMER_TMR_STS, pmtimer_read(&pm, PMTIMER_PM1_EN, 2));
	flip = pmtimer_next_event_ns(&pm);
	ASSERT_EQ((0x800000ull * 1000000000 + PMTIMER_FREQ_HZ - 1) / PMTIMER_FREQ_HZ, flip);
	fake_ns = flip - 1;
	pmtimer_update(&pm);
	ASSERT_FALSE(sci);
	fake_ns = flip;
	pmtimer_update(&pm);
	ASSERT_TRUE(sci);
	ASSERT_EQ(0x800000, pmtimer_counter(&pm));
	ASSERT_EQ(PMTIMER_TMR_STS, pmtimer_read(&pm, PMTIMER_PM1_STS, 2));
	ASSERT_EQ(PMTIMER_NO_EVENT, pmtimer_next_event_ns(&pm));
	pmtimer_write(&pm, PMTIMER_PM1_STS, 2, PMTIMER_TMR_STS); /* write 1 to clear */
	ASSERT_FALSE(sci);
	ASSERT_EQ(0, pmtimer_read(&pm, PMTIMER_PM1_STS, 2));
	/* A 32-bit read at 0 returns PM1_STS and PM1_EN together. */
	ASSERT_EQ(0x00010000, pmtimer_read(&pm, PMTIMER_PM1_STS, 4));
}

TEST(pmtimer, power_button_and_sci_en)
{
	setup(false);
	ASSERT_EQ(PMTIMER_SCI_EN, pmtimer_read(&pm, PMTIMER_PM1_CNT, 2));
	pmtimer_power_button(&pm);
	ASSERT_FALSE(sci); /* not enabled */
	ASSERT_EQ(PMTIMER_PWRBTN_STS, pmtimer_read(&pm, PMTIMER_PM1_STS, 2));
	pmtimer_write(&pm, PMTIMER_PM1_EN, 2, PMTIMER_PWRBTN_STS);
	ASSERT_TRUE(sci);
	pmtimer_write(&pm, PMTIMER_PM1_STS, 4, 0xffff0000u | PMTIMER_PWRBTN_STS); /* STS and EN */
	ASSERT_FALSE(sci);
	ASSERT_EQ(0x0101, pmtimer_read(&pm, PMTIMER_PM1_EN, 2)); /* only TMR_EN, PWRBTN_EN */
}

TEST(pmtimer, slp_en_with_s5_shuts_down)
{
	setup(false);
	pmtimer_write(&pm, PMTIMER_PM1_CNT, 2, 1u << PMTIMER_SLP_TYP_SHIFT | PMTIMER_SLP_EN);
	ASSERT_EQ(0, shutdowns); /* S1: not implemented, ignored */
	pmtimer_write(&pm, PMTIMER_PM1_CNT, 2, PMTIMER_SLP_TYP_S5 << PMTIMER_SLP_TYP_SHIFT);
	ASSERT_EQ(0, shutdowns); /* SLP_TYP alone does nothing */
	ASSERT_EQ(PMTIMER_SLP_TYP_S5 << PMTIMER_SLP_TYP_SHIFT | PMTIMER_SCI_EN,
		  pmtimer_read(&pm, PMTIMER_PM1_CNT, 2));
	/* Linux writes SLP_TYP then SLP_TYP | SLP_EN, 16 bits; a byte write to 0x605 works too. */
	pmtimer_write(&pm, PMTIMER_PM1_CNT + 1, 1, (PMTIMER_SLP_TYP_S5 << 2) | 0x20);
	ASSERT_EQ(1, shutdowns);
	ASSERT_EQ(0, pmtimer_read(&pm, PMTIMER_PM1_CNT, 2) & PMTIMER_SLP_EN); /* write only */
}

TEST(pmtimer, snapshot_round_trip)
{
	uint8_t blob[128];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};

	setup(true);
	pmtimer_write(&pm, PMTIMER_PM1_EN, 2, PMTIMER_PWRBTN_STS);
	pmtimer_power_button(&pm);
	ASSERT_TRUE(pmtimer_snapshot(&pm, &save));
	setup(false);
	ASSERT_TRUE(pmtimer_snapshot(&pm, &load));
	ASSERT_TRUE(sci);
	ASSERT_TRUE(pmtimer_is_32bit(&pm));
}
