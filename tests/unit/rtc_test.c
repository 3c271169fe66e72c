/* SPDX-License-Identifier: MIT */
/* MC146818: time in BCD/binary/12-hour, setting the clock, periodic rate, C read-to-clear, UIP, alarm, CMOS. */
#include "dev/rtc.h"
#include "test.h"

static struct rtc rtc;
static uint64_t fake_ns;
static bool irq8;
static int rises;

static uint64_t fake_now(void *opaque)
{
	return fake_ns;
}

static void record_irq(void *opaque, int irq, bool level)
{
	if (irq == RTC_IRQ && level && !irq8)
		rises++;
	irq8 = level;
}

static void setup(void)
{
	fake_ns = 0;
	irq8 = false;
	rises = 0;
	rtc_init(&rtc, RTC_DEFAULT_EPOCH, fake_now, NULL, record_irq, NULL);
}

static uint8_t rd(uint8_t index)
{
	rtc_write(&rtc, 0, index);
	return rtc_read(&rtc, 1);
}

static void wr(uint8_t index, uint8_t value)
{
	rtc_write(&rtc, 0, index);
	rtc_write(&rtc, 1, value);
}

static void go(uint64_t ns)
{
	fake_ns = ns;
	rtc_update(&rtc);
}

TEST(rtc, time_in_bcd_binary_and_12_hour)
{
	setup();
	fake_ns = 3725500000000ull; /* 1 h 2 min 5.5 s */
	ASSERT_EQ(0x05, rd(RTC_SECONDS));
	ASSERT_EQ(0x02, rd(RTC_MINUTES));
	ASSERT_EQ(0x01, rd(RTC_HOURS));
	ASSERT_EQ(0x05, rd(RTC_DAY_OF_WEEK)); /* 2026-01-01 is a Thursday */
	ASSERT_EQ(0x01, rd(RTC_DAY_OF_MONTH));
	ASSERT_EQ(0x01, rd(RTC_MONTH));
	ASSERT_EQ(0x26, rd(RTC_YEAR));
	ASSERT_EQ(0x20, rd(RTC_CENTURY));
	ASSERT_EQ(0x80, rd(RTC_REG_D));
	wr(RTC_REG_B, 0x06); /* binary, 24 hour */
	ASSERT_EQ(5, rd(RTC_SECONDS));
	ASSERT_EQ(26, rd(RTC_YEAR));
	fake_ns = 13ull * 3600 * 1000000000;
	ASSERT_EQ(13, rd(RTC_HOURS));
	wr(RTC_REG_B, 0x00); /* BCD, 12 hour */
	ASSERT_EQ(0x81, rd(RTC_HOURS)); /* 1 PM */
	fake_ns = 30ull * 60 * 1000000000;
	ASSERT_EQ(0x81, rd(RTC_HOURS)); /* time never runs backwards */
	ASSERT_EQ(RTC_DEFAULT_EPOCH + 13 * 3600, rtc_time(&rtc));
}

TEST(rtc, set_time_with_set_bit)
{
	setup();
	fake_ns = 2300000000ull;
	wr(RTC_REG_B, 0x82); /* SET, 24 hour, BCD */
	wr(RTC_CENTURY, 0x20);
	wr(RTC_YEAR, 0x99);
	wr(RTC_MONTH, 0x12);
	wr(RTC_DAY_OF_MONTH, 0x31);
	wr(RTC_HOURS, 0x23);
	wr(RTC_MINUTES, 0x59);
	wr(RTC_SECONDS, 0x59);
	fake_ns = 2900000000ull;
	ASSERT_EQ(0x59, rd(RTC_SECONDS)); /* frozen while SET */
	wr(RTC_REG_B, 0x02);
	fake_ns = 2999999999ull;
	ASSERT_EQ(0x59, rd(RTC_SECONDS));
	fake_ns = 3000000000ull; /* SET kept the divider's phase: update at the second */
	ASSERT_EQ(0x00, rd(RTC_SECONDS));
	ASSERT_EQ(0x00, rd(RTC_YEAR));
	ASSERT_EQ(0x21, rd(RTC_CENTURY));
	ASSERT_EQ(0x01, rd(RTC_MONTH));
	ASSERT_EQ(0x01, rd(RTC_DAY_OF_MONTH));
	ASSERT_EQ(0x06, rd(RTC_DAY_OF_WEEK)); /* 2100-01-01 is a Friday */
}

TEST(rtc, periodic_interrupt_rate)
{
	setup();
	ASSERT_EQ(RTC_NO_EVENT, rtc_next_event_ns(&rtc));
	wr(RTC_REG_B, 0x42); /* PIE, rate 6 = 1024 Hz */
	ASSERT_EQ(976563, rtc_next_event_ns(&rtc));
	go(976562);
	ASSERT_FALSE(irq8);
	go(976563);
	ASSERT_TRUE(irq8);
	ASSERT_EQ(RTC_NO_EVENT, rtc_next_event_ns(&rtc)); /* held until C is read */
	ASSERT_EQ(0xc0, rd(RTC_REG_C));
	ASSERT_FALSE(irq8);
	ASSERT_EQ(0x00, rd(RTC_REG_C));
	ASSERT_EQ(1953125, rtc_next_event_ns(&rtc));
	wr(RTC_REG_A, 0x2f); /* rate 15: 2 Hz */
	ASSERT_EQ(500000000, rtc_next_event_ns(&rtc));
	for (int i = 0; i < 4; i++) {
		go(rtc_next_event_ns(&rtc));
		rd(RTC_REG_C);
	}
	ASSERT_EQ(5, rises); /* one at 1024 Hz, four at 2 Hz */
	ASSERT_EQ(2000000000ull, fake_ns);
	wr(RTC_REG_A, 0x20); /* rate 0: none */
	ASSERT_EQ(RTC_NO_EVENT, rtc_next_event_ns(&rtc));
}

TEST(rtc, flags_set_without_enables_and_clear_on_read)
{
	setup();
	fake_ns = 1500000000ull;
	ASSERT_EQ(0x50, rd(RTC_REG_C)); /* PF and UF, no IRQF */
	ASSERT_EQ(0x00, rd(RTC_REG_C));
	ASSERT_FALSE(irq8);
	wr(RTC_REG_B, 0x12); /* UIE */
	ASSERT_EQ(2000000000ull, rtc_next_event_ns(&rtc));
	go(2000000000ull);
	ASSERT_TRUE(irq8);
	ASSERT_EQ(0xd0, rd(RTC_REG_C));
	ASSERT_FALSE(irq8);
	wr(RTC_REG_B, 0x92); /* SET clears UIE */
	ASSERT_EQ(0x82, rd(RTC_REG_B));
}

TEST(rtc, update_in_progress_window)
{
	setup();
	fake_ns = 500000000ull;
	ASSERT_EQ(0x00, rd(RTC_REG_A) & 0x80);
	fake_ns = 999800000ull;
	ASSERT_EQ(0x80, rd(RTC_REG_A) & 0x80);
	ASSERT_EQ(0x00, rd(RTC_SECONDS));
	fake_ns = 1000000001ull;
	ASSERT_EQ(0x00, rd(RTC_REG_A) & 0x80);
	ASSERT_EQ(0x01, rd(RTC_SECONDS));
	wr(RTC_REG_B, 0x82);
	fake_ns = 1999900000ull;
	ASSERT_EQ(0x00, rd(RTC_REG_A) & 0x80); /* no updates while SET */
	/* Divider reset then release: the first update is 500 ms later. */
	wr(RTC_REG_B, 0x02);
	wr(RTC_REG_A, 0x76);
	fake_ns = 5000000000ull;
	ASSERT_EQ(0x01, rd(RTC_SECONDS));
	wr(RTC_REG_A, 0x26);
	fake_ns = 5499999999ull;
	ASSERT_EQ(0x01, rd(RTC_SECONDS));
	fake_ns = 5500000000ull;
	ASSERT_EQ(0x02, rd(RTC_SECONDS));
}

TEST(rtc, alarm_fires_at_match_and_with_dont_care)
{
	setup();
	wr(RTC_SECONDS_ALARM, 0x10);
	wr(RTC_MINUTES_ALARM, 0x00);
	wr(RTC_HOURS_ALARM, 0x00);
	wr(RTC_REG_B, 0x22); /* AIE */
	ASSERT_EQ(10000000000ull, rtc_next_event_ns(&rtc));
	go(9999999999ull);
	ASSERT_FALSE(irq8);
	go(10000000000ull);
	ASSERT_TRUE(irq8);
	ASSERT_EQ(0xf0, rd(RTC_REG_C)); /* IRQF, AF, UF and PF (rate 6 runs) */
	/* Next match is a day later. */
	ASSERT_EQ(86410000000000ull, rtc_next_event_ns(&rtc));
	/* A missed alarm still sets AF when the clock passes it unobserved. */
	wr(RTC_REG_B, 0x02);
	fake_ns = 86500000000000ull;
	ASSERT_EQ(0x70, rd(RTC_REG_C));
	wr(RTC_SECONDS_ALARM, 0xc0);
	wr(RTC_MINUTES_ALARM, 0xc0);
	wr(RTC_HOURS_ALARM, 0xc0);
	wr(RTC_REG_B, 0x22);
	ASSERT_EQ(86501000000000ull, rtc_next_event_ns(&rtc));
}

TEST(rtc, cmos_memory_and_nmi_bit)
{
	setup();
	rtc_set_memory_size(&rtc, 512ull << 20, 1ull << 30);
	ASSERT_EQ(0x80, rd(0x15));
	ASSERT_EQ(0x02, rd(0x16));
	ASSERT_EQ(0xff, rd(0x17));
	ASSERT_EQ(0xff, rd(0x18));
	ASSERT_EQ(0xff, rd(0x31));
	ASSERT_EQ(0x00, rd(0x34));
	ASSERT_EQ(0x1f, rd(0x35));
	ASSERT_EQ(0x00, rd(0x5b));
	ASSERT_EQ(0x40, rd(0x5c));
	ASSERT_EQ(0x00, rd(0x5d));
	rtc_set_memory_size(&rtc, 8ull << 20, 0);
	ASSERT_EQ(0x00, rd(0x17));
	ASSERT_EQ(0x1c, rd(0x18)); /* 7 MiB = 7168 KiB */
	rtc_write(&rtc, 0, 0x80 | 0x40);
	ASSERT_TRUE(rtc_nmi_disabled(&rtc));
	rtc_write(&rtc, 1, 0xa5);
	ASSERT_EQ(0xa5, rd(0x40));
	ASSERT_FALSE(rtc_nmi_disabled(&rtc));
	ASSERT_EQ(0xff, rtc_read(&rtc, 0));
	rtc_set_cmos(&rtc, 0x0b, 0xff); /* clock registers are not RAM */
	ASSERT_EQ(0x02, rd(RTC_REG_B));
}

TEST(rtc, snapshot_round_trip)
{
	uint8_t blob[512];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};

	setup();
	wr(0x20, 0x5a);
	wr(RTC_REG_B, 0x42);
	fake_ns = 7000000000ull;
	ASSERT_TRUE(rtc_snapshot(&rtc, &save));
	setup();
	fake_ns = 7000000000ull;
	ASSERT_TRUE(rtc_snapshot(&rtc, &load));
	ASSERT_EQ(0x5a, rd(0x20));
	ASSERT_EQ(0x07, rd(RTC_SECONDS));
	ASSERT_EQ(0xc0, rd(RTC_REG_C) & 0xc0);
}
