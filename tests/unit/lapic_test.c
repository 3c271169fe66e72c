/* SPDX-License-Identifier: MIT */
/*
 * Local APIC register behaviour (SDM Vol. 3A, chapter 11): reset values, priorities,
 * EOI, ESR, LVT masking, the timer in its three modes with a fake TSC, the x2APIC MSR
 * rules, IA32_APIC_BASE transitions, ICR messages and logical destinations.
 */
#include <string.h>

#include "dev/lapic.h"
#include "test.h"

static struct lapic apic;
static uint64_t fake_tsc;
static struct lapic_ipi sent[8];
static unsigned nsent;
static int broadcast_vector;
static unsigned nbroadcast;

static void fake_send_ipi(void *opaque, const struct lapic_ipi *ipi)
{
	if (nsent < 8)
		sent[nsent] = *ipi;
	nsent++;
}

static uint64_t fake_now(void *opaque)
{
	return fake_tsc;
}

static void fake_eoi_broadcast(void *opaque, uint8_t vector)
{
	broadcast_vector = vector;
	nbroadcast++;
}

static const struct lapic_ops fake_ops = {
	.send_ipi = fake_send_ipi,
	.now = fake_now,
	.eoi_broadcast = fake_eoi_broadcast,
};

static uint32_t rd(uint32_t reg)
{
	return (uint32_t)lapic_mmio_read(&apic, reg, 4);
}

static void wr(uint32_t reg, uint32_t value)
{
	lapic_mmio_write(&apic, reg, 4, value);
}

/* A fresh APIC with ID 3, software-enabled with spurious vector 0xff. */
static void setup(void)
{
	fake_tsc = 1000;
	nsent = 0;
	nbroadcast = 0;
	broadcast_vector = -1;
	memset(sent, 0, sizeof(sent));
	lapic_init(&apic, 3, true, &fake_ops, NULL);
	wr(APIC_SVR, APIC_SVR_ENABLE | 0xff);
}

static void to_x2apic(void)
{
	lapic_set_base(&apic, LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD);
}

TEST(lapic, reset_values)
{
	lapic_init(&apic, 3, true, &fake_ops, NULL);
	ASSERT_EQ(LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP, lapic_base(&apic));
	ASSERT_EQ(0x03000000, rd(APIC_ID));
	ASSERT_EQ(0x00060014, rd(APIC_VERSION));
	ASSERT_EQ(0, rd(APIC_TPR));
	ASSERT_EQ(0, rd(APIC_PPR));
	ASSERT_EQ(0, rd(APIC_LDR));
	ASSERT_EQ(0xffffffff, rd(APIC_DFR));
	ASSERT_EQ(0xff, rd(APIC_SVR));
	for (uint32_t r = APIC_ISR; r < APIC_ESR; r += 0x10)
		ASSERT_EQ(0, rd(r));
	ASSERT_EQ(0, rd(APIC_ICR_LOW));
	ASSERT_EQ(0, rd(APIC_ICR_HIGH));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_TIMER));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_THERMAL));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_PMC));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_LINT0));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_LINT1));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_ERROR));
	ASSERT_EQ(APIC_LVT_MASKED, rd(APIC_LVT_CMCI));
	ASSERT_EQ(0, rd(APIC_TIMER_INITIAL));
	ASSERT_EQ(0, rd(APIC_TIMER_CURRENT));
	ASSERT_EQ(0, rd(APIC_TIMER_DIVIDE));
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
	lapic_init(&apic, 1, false, &fake_ops, NULL);
	ASSERT_EQ(LAPIC_DEFAULT_BASE | APIC_BASE_EN, lapic_base(&apic)); /* AP: no BSP flag */
}

TEST(lapic, id_writable_and_byte_reads)
{
	setup();
	wr(APIC_ID, 0x12345678);
	ASSERT_EQ(0x12000000, rd(APIC_ID));
	ASSERT_EQ(0x14, lapic_mmio_read(&apic, APIC_VERSION, 1));
	ASSERT_EQ(0x06, lapic_mmio_read(&apic, APIC_VERSION + 2, 1));
	ASSERT_EQ(0, lapic_mmio_read(&apic, APIC_VERSION + 4, 4)); /* beyond the register */
	wr(APIC_VERSION, 0);
	ASSERT_EQ(0x00060014, rd(APIC_VERSION)); /* read-only */
	lapic_mmio_write(&apic, APIC_TPR, 1, 0x20); /* only aligned 32-bit writes count */
	ASSERT_EQ(0, rd(APIC_TPR));
}

TEST(lapic, illegal_register_sets_esr)
{
	setup();
	ASSERT_EQ(0, rd(0x3f0)); /* SELF IPI exists only in x2APIC mode */
	wr(APIC_ESR, 0);
	ASSERT_EQ(APIC_ESR_ILLEGAL_REGISTER, rd(APIC_ESR));
}

TEST(lapic, tpr_ppr_with_isr)
{
	setup();
	wr(APIC_TPR, 0x35);
	ASSERT_EQ(0x35, rd(APIC_TPR));
	ASSERT_EQ(0x35, rd(APIC_PPR)); /* no ISR: PPR = TPR */
	lapic_accept_irq(&apic, 0x51, false);
	ASSERT_EQ(0x51, lapic_pending_vector(&apic));
	lapic_ack(&apic, 0x51);
	ASSERT_EQ(0x50, rd(APIC_PPR)); /* ISRV class above TPR class: PPR = ISRV[7:4] */
	wr(APIC_TPR, 0x5a);
	ASSERT_EQ(0x5a, rd(APIC_PPR)); /* TPR class >= ISRV class: PPR = TPR */
	wr(APIC_TPR, 0x1ff);
	ASSERT_EQ(0xff, rd(APIC_TPR)); /* bits 31:8 reserved */
}

TEST(lapic, priority_arbitration)
{
	setup();
	lapic_accept_irq(&apic, 0x41, false);
	lapic_accept_irq(&apic, 0x62, false);
	lapic_accept_irq(&apic, 0x63, false);
	ASSERT_EQ(0x63, lapic_pending_vector(&apic)); /* highest vector first */
	lapic_ack(&apic, 0x63);
	ASSERT_EQ(0x00000008, rd(APIC_ISR + 0x30)); /* 0x63: ISR bit 96 + 3 */
	ASSERT_EQ(-1, lapic_pending_vector(&apic)); /* 0x62: same class as in service */
	wr(APIC_EOI, 0);
	ASSERT_EQ(0x62, lapic_pending_vector(&apic));
	wr(APIC_TPR, 0x60);
	ASSERT_EQ(-1, lapic_pending_vector(&apic)); /* class 6 not above TPR class 6 */
	wr(APIC_TPR, 0x5f);
	ASSERT_EQ(0x62, lapic_pending_vector(&apic));
	lapic_ack(&apic, 0x62);
	ASSERT_EQ(-1, lapic_pending_vector(&apic)); /* 0x41 below in-service class 6 */
	wr(APIC_EOI, 0);
	wr(APIC_TPR, 0);
	ASSERT_EQ(0x41, lapic_pending_vector(&apic));
}

TEST(lapic, arbitration_priority_register)
{
	setup();
	wr(APIC_TPR, 0x45);
	ASSERT_EQ(0x45, rd(APIC_APR)); /* nothing pending: APR = TPR */
	ASSERT_EQ(0x45, lapic_arbitration_priority(&apic));
	lapic_accept_irq(&apic, 0x71, false);
	ASSERT_EQ(0x70, rd(APIC_APR)); /* IRRV class above TPR */
	lapic_ack(&apic, 0x71);
	lapic_accept_irq(&apic, 0x30, false);
	ASSERT_EQ(0x70, rd(APIC_APR)); /* ISRV class */
}

TEST(lapic, eoi_with_tmr_broadcasts)
{
	setup();
	lapic_accept_irq(&apic, 0x40, true);
	ASSERT_EQ(1, rd(APIC_TMR + 0x20) & 1);
	lapic_ack(&apic, 0x40);
	lapic_accept_irq(&apic, 0x80, false);
	lapic_ack(&apic, 0x80);
	wr(APIC_EOI, 0); /* clears 0x80: edge, no broadcast */
	ASSERT_EQ(0, nbroadcast);
	ASSERT_EQ(1, rd(APIC_ISR + 0x20) & 1);
	wr(APIC_EOI, 0); /* clears 0x40: level → broadcast */
	ASSERT_EQ(1, nbroadcast);
	ASSERT_EQ(0x40, broadcast_vector);
	ASSERT_EQ(0, rd(APIC_ISR + 0x20));
	wr(APIC_EOI, 0); /* empty ISR: nothing */
	ASSERT_EQ(1, nbroadcast);
}

TEST(lapic, illegal_vectors_and_esr_latch)
{
	setup();
	lapic_accept_irq(&apic, 5, false);
	ASSERT_EQ(-1, lapic_pending_vector(&apic)); /* dropped */
	ASSERT_EQ(0, rd(APIC_ESR));                 /* not latched yet */
	wr(APIC_ESR, 0);
	ASSERT_EQ(APIC_ESR_RECEIVE_ILLEGAL_VECTOR, rd(APIC_ESR));
	wr(APIC_ICR_LOW, 0x00004003); /* fixed, vector 3 */
	ASSERT_EQ(0, nsent);
	ASSERT_EQ(APIC_ESR_RECEIVE_ILLEGAL_VECTOR, rd(APIC_ESR)); /* still the old latch */
	wr(APIC_ESR, 0);
	ASSERT_EQ(APIC_ESR_SEND_ILLEGAL_VECTOR, rd(APIC_ESR));
	wr(APIC_ESR, 0x1234); /* the value written does not matter */
	ASSERT_EQ(0, rd(APIC_ESR));
}

TEST(lapic, error_lvt_interrupt)
{
	setup();
	wr(APIC_LVT_ERROR, 0xfe);
	lapic_accept_irq(&apic, 1, false);
	ASSERT_EQ(0xfe, lapic_pending_vector(&apic));
}

TEST(lapic, lvt_masked_while_disabled)
{
	setup();
	wr(APIC_LVT_TIMER, 0x40);
	ASSERT_EQ(0x40, rd(APIC_LVT_TIMER));
	wr(APIC_LVT_LINT0, 0x700);
	wr(APIC_SVR, 0xff); /* software-disable: every LVT gets masked */
	ASSERT_EQ(0x40 | APIC_LVT_MASKED, rd(APIC_LVT_TIMER));
	ASSERT_EQ(0x700 | APIC_LVT_MASKED, rd(APIC_LVT_LINT0));
	wr(APIC_LVT_TIMER, 0x41); /* cannot unmask while disabled */
	ASSERT_EQ(0x41 | APIC_LVT_MASKED, rd(APIC_LVT_TIMER));
	wr(APIC_SVR, 0x1ff);
	ASSERT_EQ(0x41 | APIC_LVT_MASKED, rd(APIC_LVT_TIMER)); /* enabling does not unmask */
	wr(APIC_LVT_TIMER, 0x41);
	ASSERT_EQ(0x41, rd(APIC_LVT_TIMER));
	wr(APIC_LVT_LINT0, 0xffffffff);
	ASSERT_EQ(0x1a7ff, rd(APIC_LVT_LINT0)); /* writable bits only */
}

TEST(lapic, sw_disabled_holds_irr)
{
	setup();
	lapic_accept_irq(&apic, 0x50, false);
	wr(APIC_SVR, 0xff);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	lapic_accept_irq(&apic, 0x60, false); /* dropped while disabled */
	wr(APIC_SVR, 0x1ff);
	ASSERT_EQ(0x50, lapic_pending_vector(&apic)); /* held */
	lapic_ack(&apic, 0x50);
	wr(APIC_EOI, 0);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
}

TEST(lapic, timer_one_shot)
{
	setup();
	wr(APIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
	wr(APIC_LVT_TIMER, 0x30);
	wr(APIC_TIMER_INITIAL, 1000);
	ASSERT_EQ(1000, rd(APIC_TIMER_CURRENT));
	ASSERT_EQ(2000, lapic_next_event(&apic));
	fake_tsc = 1400;
	ASSERT_EQ(600, rd(APIC_TIMER_CURRENT));
	lapic_update_timer(&apic); /* early: nothing */
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	fake_tsc = 2000;
	ASSERT_EQ(0, rd(APIC_TIMER_CURRENT));
	lapic_update_timer(&apic);
	ASSERT_EQ(0x30, lapic_pending_vector(&apic));
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
	lapic_ack(&apic, 0x30);
	wr(APIC_EOI, 0);
	fake_tsc = 5000;
	lapic_update_timer(&apic);
	ASSERT_EQ(-1, lapic_pending_vector(&apic)); /* fires once */
	ASSERT_EQ(0, rd(APIC_TIMER_CURRENT));
	ASSERT_EQ(1000, rd(APIC_TIMER_INITIAL));
	wr(APIC_TIMER_INITIAL, 10);
	wr(APIC_TIMER_INITIAL, 0); /* a zero count stops the timer */
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
}

TEST(lapic, timer_divide)
{
	static const struct {
		uint32_t dcr, divide;
	} table[] = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};

	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		setup();
		wr(APIC_TIMER_DIVIDE, table[i].dcr | 0xf0);
		ASSERT_EQ(table[i].dcr, rd(APIC_TIMER_DIVIDE));
		wr(APIC_TIMER_INITIAL, 100);
		ASSERT_EQ(1000 + 100 * table[i].divide, lapic_next_event(&apic));
		fake_tsc += 10 * table[i].divide;
		ASSERT_EQ(90, rd(APIC_TIMER_CURRENT));
	}
	/* Changing the divider keeps the remaining count, counted at the new rate. */
	setup();
	wr(APIC_TIMER_DIVIDE, 0xb);
	wr(APIC_TIMER_INITIAL, 100);
	fake_tsc = 1040;
	wr(APIC_TIMER_DIVIDE, 0x1); /* divide by 4 */
	ASSERT_EQ(60, rd(APIC_TIMER_CURRENT));
	ASSERT_EQ(1040 + 240, lapic_next_event(&apic));
}

TEST(lapic, timer_periodic)
{
	setup();
	wr(APIC_TIMER_DIVIDE, 0x0); /* divide by 2 */
	wr(APIC_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | 0x31);
	wr(APIC_TIMER_INITIAL, 50); /* period 100 TSC */
	for (unsigned i = 1; i <= 3; i++) {
		fake_tsc = 1000 + 100 * i - 1;
		ASSERT_EQ(1, rd(APIC_TIMER_CURRENT));
		lapic_update_timer(&apic);
		ASSERT_EQ(-1, lapic_pending_vector(&apic));
		fake_tsc++;
		lapic_update_timer(&apic);
		ASSERT_EQ(0x31, lapic_pending_vector(&apic));
		ASSERT_EQ(1000 + 100 * (i + 1), lapic_next_event(&apic)); /* rearmed */
		ASSERT_EQ(50, rd(APIC_TIMER_CURRENT));
		lapic_ack(&apic, 0x31);
		wr(APIC_EOI, 0);
	}
	fake_tsc = 1000 + 100 * 7 + 30; /* several periods late: one interrupt */
	ASSERT_EQ(35, rd(APIC_TIMER_CURRENT));
	lapic_update_timer(&apic);
	ASSERT_EQ(0x31, lapic_pending_vector(&apic));
	ASSERT_EQ(1000 + 800, lapic_next_event(&apic));
	/* Masked: the timer keeps running, no interrupt. */
	lapic_ack(&apic, 0x31);
	wr(APIC_EOI, 0);
	wr(APIC_LVT_TIMER, (APIC_TIMER_PERIODIC << 17) | APIC_LVT_MASKED | 0x31);
	fake_tsc = 1800;
	lapic_update_timer(&apic);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	ASSERT_EQ(1900, lapic_next_event(&apic));
}

TEST(lapic, timer_tsc_deadline)
{
	setup();
	lapic_tsc_deadline_write(&apic, 5000); /* ignored outside deadline mode */
	ASSERT_EQ(0, lapic_tsc_deadline_read(&apic));
	wr(APIC_TIMER_INITIAL, 100);
	ASSERT_EQ(1200, lapic_next_event(&apic)); /* reset DCR 0: divide by 2 */
	wr(APIC_LVT_TIMER, (APIC_TIMER_TSC_DEADLINE << 17) | 0x32);
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic)); /* mode change disarmed */
	ASSERT_EQ(0, rd(APIC_TIMER_INITIAL));
	wr(APIC_TIMER_INITIAL, 100); /* ignored in deadline mode */
	ASSERT_EQ(0, rd(APIC_TIMER_INITIAL));
	ASSERT_EQ(0, rd(APIC_TIMER_CURRENT));
	lapic_tsc_deadline_write(&apic, 3000);
	ASSERT_EQ(3000, lapic_tsc_deadline_read(&apic));
	ASSERT_EQ(3000, lapic_next_event(&apic));
	fake_tsc = 2999;
	lapic_update_timer(&apic);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	fake_tsc = 3000;
	lapic_update_timer(&apic);
	ASSERT_EQ(0x32, lapic_pending_vector(&apic));
	ASSERT_EQ(0, lapic_tsc_deadline_read(&apic)); /* disarmed after firing */
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
	lapic_tsc_deadline_write(&apic, 4000);
	lapic_tsc_deadline_write(&apic, 0); /* zero disarms */
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
	lapic_tsc_deadline_write(&apic, 4000);
	wr(APIC_LVT_TIMER, 0x32); /* back to one-shot: disarmed */
	ASSERT_EQ(UINT64_MAX, lapic_next_event(&apic));
	ASSERT_EQ(0, lapic_tsc_deadline_read(&apic));
}

TEST(lapic, x2apic_msr_rules)
{
	uint64_t v;

	setup();
	ASSERT_FALSE(lapic_msr_read(&apic, 0x802, &v)); /* xAPIC mode: #GP */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x808, 0));
	wr(APIC_TPR, 0x20);
	wr(APIC_LVT_TIMER, 0x40);
	to_x2apic();
	ASSERT_TRUE(lapic_is_x2apic(&apic));
	ASSERT_EQ(0, lapic_mmio_read(&apic, APIC_TPR, 4)); /* MMIO gone */
	ASSERT_TRUE(lapic_msr_read(&apic, 0x802, &v));
	ASSERT_EQ(3, v); /* 32-bit x2APIC ID */
	ASSERT_TRUE(lapic_msr_read(&apic, 0x803, &v));
	ASSERT_EQ(0x00060014, v);
	ASSERT_TRUE(lapic_msr_read(&apic, 0x808, &v));
	ASSERT_EQ(0x20, v); /* state carried over */
	ASSERT_TRUE(lapic_msr_read(&apic, 0x832, &v));
	ASSERT_EQ(0x40, v);
	ASSERT_TRUE(lapic_msr_read(&apic, 0x80d, &v));
	ASSERT_EQ(0x00000008, v); /* LDR: cluster 0, bit 3 */
	/* Reads of write-only or absent registers. */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x80b, &v)); /* EOI */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x83f, &v)); /* SELF IPI */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x80e, &v)); /* DFR */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x831, &v)); /* ICR high */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x809, &v)); /* APR */
	ASSERT_FALSE(lapic_msr_read(&apic, 0x804, &v)); /* reserved */
	/* Writes of read-only registers. */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x802, 3));
	ASSERT_FALSE(lapic_msr_write(&apic, 0x803, 0));
	ASSERT_FALSE(lapic_msr_write(&apic, 0x80a, 0)); /* PPR */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x80d, 0)); /* LDR */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x810, 0)); /* ISR */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x839, 0)); /* current count */
	/* Reserved bits. */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x808, 0x100));
	ASSERT_FALSE(lapic_msr_write(&apic, 0x808, 1ull << 32));
	ASSERT_FALSE(lapic_msr_write(&apic, 0x80b, 1)); /* EOI: only 0 */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x828, 1)); /* ESR: only 0 */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x80f, 0x1000)); /* SVR bit 12 unsupported */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x835, 0x80000)); /* LVT LINT0 bit 19 */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x83e, 0x4));     /* DCR bit 2 */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x830, 1u << 12)); /* ICR bit 12 */
	ASSERT_FALSE(lapic_msr_write(&apic, 0x83f, 0x100));    /* SELF IPI bits 31:8 */
	/* Legal writes. */
	ASSERT_TRUE(lapic_msr_write(&apic, 0x808, 0x30));
	ASSERT_EQ(0x30, rd(APIC_TPR) | apic.tpr);
	ASSERT_TRUE(lapic_msr_write(&apic, 0x80b, 0));
	ASSERT_TRUE(lapic_msr_write(&apic, 0x828, 0));
	ASSERT_TRUE(lapic_msr_write(&apic, 0x835, 0x5700 | APIC_LVT_MASKED)); /* RO bits tolerated */
	ASSERT_TRUE(lapic_msr_write(&apic, 0x838, 0xffffffff));
	ASSERT_FALSE(lapic_msr_write(&apic, 0x838, 0x100000000ull));
	/* SELF IPI. */
	ASSERT_TRUE(lapic_msr_write(&apic, 0x808, 0));
	ASSERT_TRUE(lapic_msr_write(&apic, 0x83f, 0x55));
	ASSERT_EQ(0x55, lapic_pending_vector(&apic));
	ASSERT_EQ(0, nsent);
	ASSERT_TRUE(lapic_msr_write(&apic, 0x83f, 0x05)); /* illegal vector */
	ASSERT_TRUE(lapic_msr_write(&apic, 0x828, 0));
	ASSERT_TRUE(lapic_msr_read(&apic, 0x828, &v));
	ASSERT_EQ(APIC_ESR_SEND_ILLEGAL_VECTOR, v);
	/* The 64-bit ICR. */
	ASSERT_TRUE(lapic_msr_write(&apic, 0x830, 0x0000012300004041ull));
	ASSERT_EQ(1, nsent);
	ASSERT_EQ(0x123, sent[0].dest);
	ASSERT_TRUE(sent[0].x2apic);
	ASSERT_EQ(0x41, sent[0].vector);
	ASSERT_EQ(3, sent[0].source_id);
	ASSERT_TRUE(lapic_msr_read(&apic, 0x830, &v));
	ASSERT_EQ(0x0000012300004041ull, v);
}

TEST(lapic, base_msr_transitions)
{
	const uint64_t base = LAPIC_DEFAULT_BASE;

	setup();
	wr(APIC_TPR, 0x20);
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EN | 1)); /* reserved bit 0 */
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EN | (1ull << 40))); /* > MAXPHYADDR */
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EXTD)); /* EXTD without EN */
	ASSERT_TRUE(lapic_set_base(&apic, 0xfed00000 | APIC_BASE_EN)); /* relocate */
	ASSERT_EQ(0xfed00000 | APIC_BASE_EN | APIC_BASE_BSP, lapic_base(&apic));
	ASSERT_EQ(0x20, rd(APIC_TPR));
	ASSERT_TRUE(lapic_set_base(&apic, base | APIC_BASE_EN | APIC_BASE_EXTD)); /* → x2APIC */
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EN)); /* x2APIC → xAPIC: #GP */
	ASSERT_TRUE(lapic_is_x2apic(&apic));
	ASSERT_TRUE(lapic_set_base(&apic, base)); /* → disabled */
	ASSERT_FALSE(lapic_is_enabled(&apic));
	ASSERT_EQ(0, apic.tpr); /* reset to the power-up state */
	ASSERT_EQ(APIC_LVT_MASKED, apic.lvt[LVT_TIMER]);
	ASSERT_EQ(0xff, apic.svr);
	ASSERT_EQ(0, lapic_mmio_read(&apic, APIC_ID, 4));
	lapic_accept_irq(&apic, 0x40, false);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EN | APIC_BASE_EXTD)); /* disabled → x2APIC */
	ASSERT_TRUE(lapic_set_base(&apic, base | APIC_BASE_EN));
	ASSERT_EQ(0x03000000, rd(APIC_ID));
	ASSERT_EQ(0xff, rd(APIC_SVR));
	apic.x2apic_supported = false;
	ASSERT_FALSE(lapic_set_base(&apic, base | APIC_BASE_EN | APIC_BASE_EXTD));
}

TEST(lapic, icr_messages)
{
	static const struct {
		uint32_t low;
		enum lapic_delivery_mode mode;
	} modes[] = {
		{0x00004031, APIC_DM_FIXED}, {0x00004131, APIC_DM_LOWEST}, {0x00004200, APIC_DM_SMI},
		{0x00004400, APIC_DM_NMI},   {0x0000c500, APIC_DM_INIT},   {0x00004608, APIC_DM_SIPI},
	};

	setup();
	wr(APIC_ICR_HIGH, 0x05ffffff);
	ASSERT_EQ(0x05000000, rd(APIC_ICR_HIGH));
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		nsent = 0;
		wr(APIC_ICR_LOW, modes[i].low);
		ASSERT_EQ(1, nsent);
		ASSERT_EQ(modes[i].mode, sent[0].delivery_mode);
		ASSERT_EQ(modes[i].low & 0xff, sent[0].vector);
		ASSERT_EQ(5, sent[0].dest);
		ASSERT_FALSE(sent[0].x2apic);
		ASSERT_FALSE(sent[0].logical);
		ASSERT_EQ(APIC_SHORTHAND_NONE, sent[0].shorthand);
		ASSERT_TRUE(sent[0].level);
		ASSERT_EQ(modes[i].mode == APIC_DM_INIT, sent[0].trigger_level);
		ASSERT_EQ(3, sent[0].source_id);
		ASSERT_EQ(modes[i].low, rd(APIC_ICR_LOW)); /* delivery status idle */
	}
	/* Logical destination mode. */
	nsent = 0;
	wr(APIC_ICR_LOW, 0x00004831);
	ASSERT_EQ(1, nsent);
	ASSERT_TRUE(sent[0].logical);
	/* Shorthands: all and all-but-self go out; self is delivered here. */
	nsent = 0;
	wr(APIC_ICR_LOW, 0x00084031);
	wr(APIC_ICR_LOW, 0x000c4400);
	ASSERT_EQ(2, nsent);
	ASSERT_EQ(APIC_SHORTHAND_ALL, sent[0].shorthand);
	ASSERT_EQ(APIC_SHORTHAND_ALL_BUT_SELF, sent[1].shorthand);
	ASSERT_EQ(APIC_DM_NMI, sent[1].delivery_mode);
	nsent = 0;
	wr(APIC_ICR_LOW, 0x00044077);
	ASSERT_EQ(0, nsent);
	ASSERT_EQ(0x77, lapic_pending_vector(&apic));
	wr(APIC_ICR_LOW, 0x00044400); /* NMI to self: invalid, dropped */
	ASSERT_EQ(0, nsent);
	ASSERT_FALSE(lapic_take_nmi(&apic));
	/* INIT level de-assert is dropped; reserved delivery mode 3 too. */
	wr(APIC_ICR_LOW, 0x00008500);
	wr(APIC_ICR_LOW, 0x00004331);
	ASSERT_EQ(0, nsent);
}

TEST(lapic, deliver_events)
{
	struct lapic_ipi ipi = {.delivery_mode = APIC_DM_NMI};

	setup();
	lapic_deliver(&apic, &ipi);
	ASSERT_TRUE(lapic_take_nmi(&apic));
	ASSERT_FALSE(lapic_take_nmi(&apic));
	ipi.delivery_mode = APIC_DM_SMI;
	lapic_deliver(&apic, &ipi);
	ASSERT_TRUE(lapic_take_smi(&apic));
	ipi.delivery_mode = APIC_DM_SIPI;
	ipi.vector = 0x9a;
	lapic_deliver(&apic, &ipi);
	ASSERT_EQ(0x9a, lapic_take_sipi(&apic));
	ASSERT_EQ(-1, lapic_take_sipi(&apic));
	wr(APIC_TPR, 0x30);
	wr(APIC_ID, 0x07000000);
	ipi.delivery_mode = APIC_DM_INIT;
	ipi.level = true;
	lapic_deliver(&apic, &ipi);
	ASSERT_TRUE(lapic_take_init(&apic));
	ASSERT_FALSE(lapic_take_init(&apic));
	ASSERT_EQ(0, rd(APIC_TPR));           /* INIT reset */
	ASSERT_EQ(0x07000000, rd(APIC_ID));   /* ... keeps the ID */
	ASSERT_EQ(0xff, rd(APIC_SVR));
	ipi.delivery_mode = APIC_DM_FIXED; /* software-disabled again: fixed dropped */
	ipi.vector = 0x40;
	lapic_deliver(&apic, &ipi);
	wr(APIC_SVR, 0x1ff);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	lapic_deliver(&apic, &ipi);
	ASSERT_EQ(0x40, lapic_pending_vector(&apic));
}

TEST(lapic, logical_destination_flat_and_cluster)
{
	setup();
	wr(APIC_LDR, 0x24000000); /* flat: bits 2 and 5 */
	ASSERT_TRUE(lapic_match_destination(&apic, 0x04, true, false));
	ASSERT_TRUE(lapic_match_destination(&apic, 0x21, true, false));
	ASSERT_FALSE(lapic_match_destination(&apic, 0x01, true, false));
	ASSERT_TRUE(lapic_match_destination(&apic, 0xff, true, false)); /* broadcast */
	ASSERT_TRUE(lapic_match_destination(&apic, 0x03, false, false)); /* physical ID 3 */
	ASSERT_FALSE(lapic_match_destination(&apic, 0x04, false, false));
	ASSERT_TRUE(lapic_match_destination(&apic, 0xff, false, false));
	wr(APIC_DFR, 0x0fffffff); /* cluster model */
	ASSERT_EQ(0x0fffffff, rd(APIC_DFR));
	wr(APIC_LDR, 0x32000000); /* cluster 3, member bit 1 */
	ASSERT_TRUE(lapic_match_destination(&apic, 0x32, true, false));
	ASSERT_TRUE(lapic_match_destination(&apic, 0x3f, true, false));
	ASSERT_FALSE(lapic_match_destination(&apic, 0x31, true, false));
	ASSERT_FALSE(lapic_match_destination(&apic, 0x22, true, false));
	/* x2APIC: LDR derived from ID 0x13 → cluster 1, bit 3. */
	lapic_init(&apic, 0x13, false, &fake_ops, NULL);
	to_x2apic();
	ASSERT_EQ(0x00010008, apic.ldr);
	ASSERT_TRUE(lapic_match_destination(&apic, 0x0001000c, true, true));
	ASSERT_FALSE(lapic_match_destination(&apic, 0x00020008, true, true));
	ASSERT_FALSE(lapic_match_destination(&apic, 0x00010004, true, true));
	ASSERT_TRUE(lapic_match_destination(&apic, 0x13, false, true));
	ASSERT_TRUE(lapic_match_destination(&apic, 0xffffffff, false, true));
	ASSERT_TRUE(lapic_match_destination(&apic, 0x13, false, false)); /* 8-bit source */
}

TEST(lapic, ipi_shorthand_matching)
{
	struct lapic_ipi ipi = {.shorthand = APIC_SHORTHAND_ALL_BUT_SELF};

	setup();
	ASSERT_FALSE(lapic_ipi_matches(&apic, &ipi, true));
	ASSERT_TRUE(lapic_ipi_matches(&apic, &ipi, false));
	ipi.shorthand = APIC_SHORTHAND_ALL;
	ASSERT_TRUE(lapic_ipi_matches(&apic, &ipi, true));
	ipi.shorthand = APIC_SHORTHAND_NONE;
	ipi.dest = 3;
	ASSERT_TRUE(lapic_ipi_matches(&apic, &ipi, false));
	ipi.dest = 4;
	ASSERT_FALSE(lapic_ipi_matches(&apic, &ipi, false));
}

TEST(lapic, lint_inputs)
{
	setup();
	/* LINT1 as NMI: edge. */
	wr(APIC_LVT_LINT1, APIC_DM_NMI << 8);
	lapic_set_lint(&apic, 1, true);
	ASSERT_TRUE(lapic_take_nmi(&apic));
	lapic_set_lint(&apic, 1, true);
	ASSERT_FALSE(lapic_take_nmi(&apic));
	/* LINT0 as ExtINT: pending while asserted, after IRR vectors. */
	wr(APIC_LVT_LINT0, APIC_DM_EXTINT << 8);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	lapic_set_lint(&apic, 0, true);
	ASSERT_EQ(LAPIC_EXTINT, lapic_pending_vector(&apic));
	lapic_accept_irq(&apic, 0x80, false);
	ASSERT_EQ(0x80, lapic_pending_vector(&apic));
	lapic_ack(&apic, 0x80);
	wr(APIC_EOI, 0);
	lapic_set_lint(&apic, 0, false);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	/* LINT0 fixed, level-triggered, active low: remote IRR until EOI. */
	wr(APIC_LVT_LINT0, APIC_LVT_LEVEL | APIC_LVT_POLARITY | 0x45);
	lapic_set_lint(&apic, 0, true); /* inactive */
	lapic_set_lint(&apic, 0, false); /* active */
	ASSERT_EQ(0x45, lapic_pending_vector(&apic));
	ASSERT_TRUE(rd(APIC_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	lapic_ack(&apic, 0x45);
	wr(APIC_EOI, 0); /* still asserted: delivered again */
	ASSERT_EQ(1, nbroadcast);
	ASSERT_EQ(0x45, lapic_pending_vector(&apic));
	lapic_ack(&apic, 0x45);
	lapic_set_lint(&apic, 0, true);
	wr(APIC_EOI, 0);
	ASSERT_EQ(-1, lapic_pending_vector(&apic));
	ASSERT_FALSE(rd(APIC_LVT_LINT0) & APIC_LVT_REMOTE_IRR);
	/* Hardware-disabled: LINT0 is INTR, LINT1 is NMI. */
	lapic_set_base(&apic, LAPIC_DEFAULT_BASE);
	lapic_set_lint(&apic, 0, true);
	ASSERT_EQ(LAPIC_EXTINT, lapic_pending_vector(&apic));
	lapic_set_lint(&apic, 1, false);
	lapic_set_lint(&apic, 1, true);
	ASSERT_TRUE(lapic_take_nmi(&apic));
}

TEST(lapic, virtual_wire)
{
	setup();
	lapic_setup_virtual_wire(&apic);
	ASSERT_EQ(0x700, rd(APIC_LVT_LINT0));
	ASSERT_EQ(0x400, rd(APIC_LVT_LINT1));
	lapic_set_lint(&apic, 0, true);
	ASSERT_EQ(LAPIC_EXTINT, lapic_pending_vector(&apic));
}

TEST(lapic, snapshot_round_trip)
{
	uint8_t buf[1024];
	struct dev_snapshot snap = {.dir = SNAPSHOT_SAVE, .buf = buf, .len = sizeof(buf)};
	struct lapic copy;

	setup();
	wr(APIC_TPR, 0x20);
	wr(APIC_TIMER_INITIAL, 500);
	lapic_accept_irq(&apic, 0x66, true);
	ASSERT_TRUE(lapic_snapshot(&apic, &snap));
	lapic_init(&copy, 0, false, &fake_ops, NULL);
	snap = (struct dev_snapshot){.dir = SNAPSHOT_RESTORE, .buf = buf, .len = snap.pos};
	ASSERT_TRUE(lapic_snapshot(&copy, &snap));
	ASSERT_EQ(0x20, copy.tpr);
	ASSERT_EQ(2000, lapic_next_event(&copy)); /* 500 counts at divide by 2 */
	ASSERT_EQ(0x66, lapic_pending_vector(&copy));
	ASSERT_TRUE(!memcmp(copy.irr, apic.irr, sizeof(copy.irr)));
	snap = (struct dev_snapshot){.dir = SNAPSHOT_SAVE, .buf = buf, .len = 20};
	ASSERT_FALSE(lapic_snapshot(&apic, &snap));
	ASSERT_TRUE(snap.failed != NULL);
}
