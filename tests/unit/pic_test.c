/* SPDX-License-Identifier: MIT */
/* 8259A pair: initialization, masking, priority and EOI, cascade, level vs edge, poll, spurious. */
#include "dev/pic.h"
#include "test.h"

static struct pic pic;
static int output_changes;
static bool output_level;

static void record_output(void *opaque, bool level)
{
	output_changes++;
	output_level = level;
}

/* The sequence Linux's init_8259A uses: edge, cascade, 8086 mode, vectors 0x20/0x28. */
static void init_pics(bool auto_eoi)
{
	pic_init(&pic, record_output, NULL);
	output_changes = 0;
	output_level = false;
	pic_write(&pic, 0x21, 0xff);
	pic_write(&pic, 0xa1, 0xff);
	pic_write(&pic, 0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
	pic_write(&pic, 0x21, 0x20); /* ICW2: vector base */
	pic_write(&pic, 0x21, 0x04); /* ICW3: slave on IR2 */
	pic_write(&pic, 0x21, auto_eoi ? 0x03 : 0x01); /* ICW4: 8086 (AEOI) */
	pic_write(&pic, 0xa0, 0x11);
	pic_write(&pic, 0xa1, 0x28);
	pic_write(&pic, 0xa1, 0x02); /* slave ID 2 */
	pic_write(&pic, 0xa1, 0x01);
	pic_write(&pic, 0x21, 0x00); /* unmask all */
	pic_write(&pic, 0xa1, 0x00);
}

static void pulse(int irq)
{
	pic_set_irq(&pic, irq, true);
	pic_set_irq(&pic, irq, false);
}

TEST(pic, init_sequence_sets_vectors_and_clears_mask)
{
	init_pics(false);
	ASSERT_EQ(0x20, pic.chip[0].vector_base);
	ASSERT_EQ(0x28, pic.chip[1].vector_base);
	ASSERT_EQ(0, pic.chip[0].init_state);
	ASSERT_EQ(0x00, pic_read(&pic, 0x21));
	pic_write(&pic, 0x21, 0xfb);
	ASSERT_EQ(0xfb, pic_read(&pic, 0x21)); /* OCW1 reads back */
	/* ICW1 clears the mask again. */
	pic_write(&pic, 0x20, 0x11);
	ASSERT_EQ(1, pic.chip[0].init_state);
	ASSERT_EQ(0x00, pic.chip[0].imr);
}

TEST(pic, mask_blocks_and_unmask_delivers)
{
	init_pics(false);
	pic_write(&pic, 0x21, 0x01); /* mask IRQ0 */
	pulse(0);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	ASSERT_EQ(0x01, pic_read(&pic, 0x20)); /* IRR still records it */
	pic_write(&pic, 0x21, 0x00);
	ASSERT_TRUE(pic_has_interrupt(&pic));
	ASSERT_TRUE(output_level);
	ASSERT_EQ(0x20, pic_acknowledge(&pic));
	ASSERT_FALSE(pic_has_interrupt(&pic));
	ASSERT_FALSE(output_level);
}

TEST(pic, priority_and_nonspecific_eoi)
{
	init_pics(false);
	pulse(3);
	pulse(1);
	ASSERT_EQ(0x21, pic_acknowledge(&pic)); /* IR1 beats IR3 */
	ASSERT_FALSE(pic_has_interrupt(&pic)); /* IR3 waits for IR1's EOI */
	pulse(0);
	ASSERT_TRUE(pic_has_interrupt(&pic)); /* IR0 nests above IR1 */
	ASSERT_EQ(0x20, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x0b); /* OCW3: read ISR */
	ASSERT_EQ(0x03, pic_read(&pic, 0x20));
	pic_write(&pic, 0x20, 0x20); /* non-specific EOI: clears IR0 */
	ASSERT_EQ(0x02, pic_read(&pic, 0x20));
	ASSERT_FALSE(pic_has_interrupt(&pic));
	pic_write(&pic, 0x20, 0x20);
	ASSERT_EQ(0x00, pic_read(&pic, 0x20));
	ASSERT_EQ(0x23, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x63); /* specific EOI for IR3 */
	ASSERT_EQ(0x00, pic_read(&pic, 0x20));
	pic_write(&pic, 0x20, 0x0a); /* OCW3: read IRR */
	ASSERT_EQ(0x00, pic_read(&pic, 0x20));
}

TEST(pic, rotation_moves_lowest_priority)
{
	init_pics(false);
	pulse(1);
	ASSERT_EQ(0x21, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0xa0); /* rotate on non-specific EOI: IR1 becomes lowest */
	pulse(1);
	pulse(5);
	ASSERT_EQ(0x25, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0xc4); /* set priority: IR4 lowest, IR5 highest */
	pic_write(&pic, 0x20, 0x65);
	ASSERT_EQ(0x21, pic_acknowledge(&pic));
}

TEST(pic, auto_eoi_sets_no_isr)
{
	init_pics(true);
	pulse(4);
	ASSERT_EQ(0x24, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x0b);
	ASSERT_EQ(0x00, pic_read(&pic, 0x20));
	pulse(5);
	ASSERT_TRUE(pic_has_interrupt(&pic));
}

TEST(pic, cascade_through_slave)
{
	init_pics(false);
	pulse(12);
	ASSERT_TRUE(pic_has_interrupt(&pic));
	ASSERT_EQ(0x2c, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x0b);
	pic_write(&pic, 0xa0, 0x0b);
	ASSERT_EQ(0x04, pic_read(&pic, 0x20)); /* master IR2 in service */
	ASSERT_EQ(0x10, pic_read(&pic, 0xa0)); /* slave IR4 in service */
	pulse(9);
	ASSERT_FALSE(pic_has_interrupt(&pic)); /* master IR2 still in service */
	pic_write(&pic, 0xa0, 0x20);
	pic_write(&pic, 0x20, 0x20);
	ASSERT_TRUE(pic_has_interrupt(&pic));
	ASSERT_EQ(0x29, pic_acknowledge(&pic));
	/* Masking the cascade input hides the whole slave. */
	pic_write(&pic, 0xa0, 0x20);
	pic_write(&pic, 0x20, 0x20);
	pic_write(&pic, 0x21, 0x04);
	pulse(15);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	pic_write(&pic, 0x21, 0x00);
	ASSERT_EQ(0x2f, pic_acknowledge(&pic));
}

TEST(pic, level_follows_line_edge_latches)
{
	init_pics(false);
	pic_write(&pic, 0x4d1, 0xff);
	ASSERT_EQ(0xde, pic_read(&pic, 0x4d1)); /* IRQ8 and IRQ13 stay edge */
	pic_write(&pic, 0x4d0, 0x07);
	ASSERT_EQ(0x00, pic_read(&pic, 0x4d0));
	/*
	 * Level IRQ10: a pulse leaves nothing in the slave's IRR, only the master's latched
	 * IR2 edge, which INTA answers with the spurious IRQ15. A held line requests again
	 * after EOI.
	 */
	pulse(10);
	ASSERT_EQ(0x00, pic.chip[1].irr);
	ASSERT_EQ(0x2f, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x20);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 10, true);
	ASSERT_EQ(0x2a, pic_acknowledge(&pic));
	pic_write(&pic, 0xa0, 0x20);
	pic_write(&pic, 0x20, 0x20);
	ASSERT_TRUE(pic_has_interrupt(&pic));
	ASSERT_EQ(0x2a, pic_acknowledge(&pic));
	pic_set_irq(&pic, 10, false); /* the driver quiets its device before the EOIs */
	pic_write(&pic, 0xa0, 0x20);
	pic_write(&pic, 0x20, 0x20);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	/* Edge IRQ1 held high: one request only. */
	pic_set_irq(&pic, 1, true);
	ASSERT_EQ(0x21, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x20);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 1, false);
	pic_set_irq(&pic, 1, true);
	ASSERT_TRUE(pic_has_interrupt(&pic));
}

TEST(pic, poll_mode)
{
	init_pics(false);
	pic_write(&pic, 0x20, 0x0c); /* OCW3: poll */
	ASSERT_EQ(0x00, pic_read(&pic, 0x20)); /* nothing pending */
	pulse(6);
	pic_write(&pic, 0x20, 0x0c);
	ASSERT_EQ(0x86, pic_read(&pic, 0x20));
	pic_write(&pic, 0x20, 0x0b);
	ASSERT_EQ(0x40, pic_read(&pic, 0x20)); /* polled request is in service */
	ASSERT_FALSE(pic_has_interrupt(&pic));
}

TEST(pic, spurious_irq7_and_irq15)
{
	init_pics(false);
	/* A level request that drops before INTA: spurious IR7 with nothing in service. */
	pic_write(&pic, 0x4d0, 0x08);
	pic_set_irq(&pic, 3, true);
	ASSERT_TRUE(pic_has_interrupt(&pic));
	pic_set_irq(&pic, 3, false);
	ASSERT_EQ(0x27, pic_acknowledge(&pic));
	pic_write(&pic, 0x20, 0x0b);
	ASSERT_EQ(0x00, pic_read(&pic, 0x20));
	/* Same on the slave: vector of IR15, master IR2 in service, slave ISR clear. */
	pic_write(&pic, 0x4d1, 0x02);
	pic_set_irq(&pic, 9, true);
	pic_write(&pic, 0xa1, 0x02); /* masked after the master latched IR2 */
	ASSERT_EQ(0x2f, pic_acknowledge(&pic));
	pic_write(&pic, 0xa0, 0x0b);
	ASSERT_EQ(0x04, pic_read(&pic, 0x20));
	ASSERT_EQ(0x00, pic_read(&pic, 0xa0));
}

TEST(pic, special_mask_mode)
{
	init_pics(false);
	pulse(1);
	ASSERT_EQ(0x21, pic_acknowledge(&pic));
	pulse(4);
	ASSERT_FALSE(pic_has_interrupt(&pic));
	pic_write(&pic, 0x21, 0x02);  /* mask the in-service IR1 */
	pic_write(&pic, 0x20, 0x68);  /* OCW3: set special mask mode */
	ASSERT_TRUE(pic_has_interrupt(&pic));
	ASSERT_EQ(0x24, pic_acknowledge(&pic));
}

TEST(pic, snapshot_round_trip)
{
	uint8_t blob[512];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};

	init_pics(false);
	pic_write(&pic, 0x21, 0x5a);
	pulse(14);
	ASSERT_TRUE(pic_snapshot(&pic, &save));
	pic_init(&pic, record_output, NULL);
	ASSERT_TRUE(pic_snapshot(&pic, &load));
	ASSERT_EQ(0x5a, pic_read(&pic, 0x21));
	ASSERT_EQ(0x2e, pic_acknowledge(&pic));
}
