/* SPDX-License-Identifier: MIT */
/* 8254: mode 0/1/2/3/4 counts and IRQ0 edges against a fake clock, latch, read-back, BCD, port 0x61. */
#include "dev/pit.h"
#include "test.h"

static struct pit pit;
static uint64_t fake_ns;
static int rises;
static bool irq0;

static uint64_t fake_now(void *opaque)
{
	return fake_ns;
}

static void record_irq(void *opaque, int irq, bool level)
{
	if (irq == PIT_IRQ && level && !irq0)
		rises++;
	irq0 = level;
}

/* The first nanosecond of PIT tick t. */
static uint64_t at_tick(uint64_t t)
{
	return (t * 1000000000ull + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

static void setup(void)
{
	fake_ns = 0;
	rises = 0;
	irq0 = false;
	pit_init(&pit, fake_now, NULL, record_irq, NULL);
}

static void go(uint64_t tick)
{
	fake_ns = at_tick(tick);
	pit_update(&pit);
}

static uint16_t read16(unsigned ch)
{
	uint16_t lo = pit_read(&pit, ch);

	return (uint16_t)(lo | pit_read(&pit, ch) << 8);
}

static void program(unsigned ch, unsigned mode, uint16_t count)
{
	pit_write(&pit, 3, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	pit_write(&pit, ch, (uint8_t)count);
	pit_write(&pit, ch, (uint8_t)(count >> 8));
}

TEST(pit, unprogrammed_has_no_event)
{
	setup();
	ASSERT_EQ(PIT_NO_EVENT, pit_next_event_ns(&pit));
	ASSERT_FALSE(irq0);
}

TEST(pit, mode0_counts_down_and_raises_irq0_once)
{
	setup();
	program(0, 0, 100);
	ASSERT_FALSE(irq0);
	ASSERT_EQ(100, read16(0));
	fake_ns = at_tick(40);
	ASSERT_EQ(60, read16(0));
	ASSERT_EQ(at_tick(100), pit_next_event_ns(&pit));
	go(99);
	ASSERT_FALSE(irq0);
	go(100);
	ASSERT_TRUE(irq0);
	ASSERT_EQ(1, rises);
	ASSERT_EQ(PIT_NO_EVENT, pit_next_event_ns(&pit));
	fake_ns = at_tick(101);
	ASSERT_EQ(0xffff, read16(0)); /* counts on past terminal count */
	go(70000);
	ASSERT_EQ(1, rises);
	/* A new control word drops OUT at once. */
	pit_write(&pit, 3, 0x30);
	ASSERT_FALSE(irq0);
}

TEST(pit, mode2_rate_generator_one_edge_per_period)
{
	setup();
	program(0, 2, 1000);
	ASSERT_TRUE(irq0); /* OUT high after the control word */
	rises = 0;
	ASSERT_EQ(at_tick(999), pit_next_event_ns(&pit));
	go(999);
	ASSERT_FALSE(irq0); /* low while the count is 1 */
	ASSERT_EQ(at_tick(1000), pit_next_event_ns(&pit));
	go(1000);
	ASSERT_TRUE(irq0);
	ASSERT_EQ(1, rises);
	/* Following next_event: one edge per period. */
	for (int i = 0; i < 18; i++) {
		fake_ns = pit_next_event_ns(&pit);
		pit_update(&pit);
	}
	ASSERT_EQ(10, rises);
	ASSERT_EQ(at_tick(10000), fake_ns);
	/* Five periods passing unseen still show as one rising edge. */
	go(15500);
	ASSERT_EQ(11, rises);
	ASSERT_TRUE(irq0);
	fake_ns = at_tick(15500);
	ASSERT_EQ(500, read16(0));
}

TEST(pit, mode2_new_count_waits_for_period_end)
{
	setup();
	program(0, 2, 1000);
	go(300);
	pit_write(&pit, 0, 100);
	pit_write(&pit, 0, 0);
	fake_ns = at_tick(500);
	ASSERT_EQ(500, read16(0)); /* old period still running */
	go(1000);
	fake_ns = at_tick(1010);
	ASSERT_EQ(90, read16(0));
	ASSERT_EQ(at_tick(1099), pit_next_event_ns(&pit));
}

TEST(pit, mode3_square_wave)
{
	setup();
	program(0, 3, 100);
	rises = 0;
	ASSERT_TRUE(irq0);
	ASSERT_EQ(at_tick(50), pit_next_event_ns(&pit));
	fake_ns = at_tick(10);
	pit_write(&pit, 3, 0x00); /* latch counter 0 */
	ASSERT_EQ(80, read16(0)); /* decrements by two */
	go(49);
	ASSERT_TRUE(irq0);
	go(50);
	ASSERT_FALSE(irq0);
	go(99);
	ASSERT_FALSE(irq0);
	go(100);
	ASSERT_TRUE(irq0);
	ASSERT_EQ(1, rises);
	go(250);
	ASSERT_FALSE(irq0);
	ASSERT_EQ(2, rises);
}

TEST(pit, latch_holds_value_while_time_moves)
{
	setup();
	program(0, 2, 5000);
	fake_ns = at_tick(1234);
	pit_write(&pit, 3, 0x00);
	fake_ns = at_tick(2000);
	pit_write(&pit, 3, 0x00); /* ignored: a latch is pending */
	ASSERT_EQ(5000 - 1234, read16(0));
	ASSERT_EQ(3000, read16(0)); /* live again */
	/* LSB-only access mode. */
	pit_write(&pit, 3, 0x54); /* counter 1, LSB, mode 2 */
	pit_write(&pit, 1, 200);
	fake_ns = at_tick(2050);
	ASSERT_EQ(150, pit_read(&pit, 1));
	ASSERT_EQ(150, pit_read(&pit, 1));
}

TEST(pit, read_back_status_and_count)
{
	setup();
	program(0, 2, 1000);
	fake_ns = at_tick(250);
	pit_write(&pit, 3, 0xc2); /* read-back: count and status of counter 0 */
	fake_ns = at_tick(400);
	ASSERT_EQ(0x80 | 0x34, pit_read(&pit, 0)); /* OUT high, LSB/MSB, mode 2, binary */
	ASSERT_EQ(750, read16(0));
	/* Status only, of counters 0 and 2; a new control word sets NULL COUNT. */
	pit_write(&pit, 3, 0xb0); /* counter 2, LSB/MSB, mode 0 */
	pit_write(&pit, 3, 0xe8 | 0x02); /* read-back, !COUNT, counters 0 and 2 */
	ASSERT_EQ(0x80 | 0x34, pit_read(&pit, 0));
	ASSERT_EQ(0x40 | 0x30, pit_read(&pit, 2)); /* OUT low, NULL COUNT */
}

TEST(pit, bcd_counting)
{
	setup();
	pit_write(&pit, 3, 0x31); /* counter 0, LSB/MSB, mode 0, BCD */
	pit_write(&pit, 0, 0x00);
	pit_write(&pit, 0, 0x10); /* 1000 decimal */
	fake_ns = at_tick(1);
	ASSERT_EQ(0x0999, read16(0));
	ASSERT_EQ(at_tick(1000), pit_next_event_ns(&pit));
	fake_ns = at_tick(1001);
	ASSERT_EQ(0x9999, read16(0)); /* wraps in decimal */
}

TEST(pit, port61_gate_and_output_of_counter2)
{
	setup();
	ASSERT_EQ(0x00, pit_port61_read(&pit));
	program(2, 0, 1000); /* Linux's PIT calibration shape */
	go(5000);
	ASSERT_EQ(0x00, pit_port61_read(&pit)); /* gate low: not counting */
	pit_port61_write(&pit, 0x01);
	ASSERT_EQ(0x01, pit_port61_read(&pit));
	go(5999);
	ASSERT_EQ(0x01, pit_port61_read(&pit));
	go(6000);
	ASSERT_EQ(0x21, pit_port61_read(&pit)); /* OUT2 high at terminal count */
	pit_port61_write(&pit, 0x03);
	ASSERT_EQ(0x23, pit_port61_read(&pit));
	ASSERT_EQ(0, rises); /* counter 2 never reaches IRQ0 */
}

TEST(pit, gate_pauses_mode0_and_triggers_mode1)
{
	setup();
	pit_port61_write(&pit, 0x01);
	program(2, 0, 1000);
	go(400);
	pit_port61_write(&pit, 0x00);
	go(900);
	fake_ns = at_tick(900);
	ASSERT_EQ(600, read16(2)); /* held while the gate is low */
	pit_port61_write(&pit, 0x01);
	go(1499);
	ASSERT_EQ(0x00, pit_port61_read(&pit) & 0x20);
	go(1500);
	ASSERT_EQ(0x20, pit_port61_read(&pit) & 0x20);
	/* Mode 1: OUT high until a gate edge, then low for N ticks. */
	pit_port61_write(&pit, 0x00);
	program(2, 1, 100);
	ASSERT_EQ(0x20, pit_port61_read(&pit));
	pit_port61_write(&pit, 0x01);
	go(1599);
	ASSERT_EQ(0x01, pit_port61_read(&pit));
	go(1600);
	ASSERT_EQ(0x21, pit_port61_read(&pit));
}

TEST(pit, mode4_strobe)
{
	setup();
	program(0, 4, 50);
	rises = 0;
	go(49);
	ASSERT_TRUE(irq0);
	go(50);
	ASSERT_FALSE(irq0);
	go(51);
	ASSERT_TRUE(irq0);
	ASSERT_EQ(1, rises);
	ASSERT_EQ(PIT_NO_EVENT, pit_next_event_ns(&pit));
}

TEST(pit, snapshot_round_trip)
{
	uint8_t blob[1024];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};

	setup();
	program(0, 2, 1000);
	go(250);
	ASSERT_TRUE(pit_snapshot(&pit, &save));
	setup();
	fake_ns = at_tick(250);
	ASSERT_TRUE(pit_snapshot(&pit, &load));
	ASSERT_EQ(750, read16(0));
	ASSERT_EQ(at_tick(999), pit_next_event_ns(&pit));
}
