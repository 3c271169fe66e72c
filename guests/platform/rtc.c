// SPDX-License-Identifier: MIT
/* MC146818 RTC (Motorola MC146818A datasheet): registers A-D, BCD time and date, the update cycle (UIP), the periodic interrupt on IRQ8 through the slave 8259, register C read-to-clear. */
#include "platform.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define A_UIP 0x80
#define B_PIE 0x40
#define B_DM 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40

#define VEC_BASE1 0x30
#define VEC_BASE2 0x38
#define VEC_IRQ8 VEC_BASE2

static volatile unsigned irq8_count;
static volatile uint8_t c_in_handler, c_or;

static uint8_t rtc_read(uint8_t reg)
{
	outb(reg, RTC_INDEX); /* bit 7 clear: NMI stays enabled, as firmware leaves it */
	return inb(RTC_DATA);
}

static void rtc_write(uint8_t reg, uint8_t v)
{
	outb(reg, RTC_INDEX);
	outb(v, RTC_DATA);
}

void platform_irq(unsigned long vector)
{
	if (vector == VEC_IRQ8) {
		irq8_count++;
		c_in_handler = rtc_read(REG_C);
		c_or |= c_in_handler;
		outb(PIC_EOI, PIC2_CMD);
		outb(PIC_EOI, PIC1_CMD);
	}
}

asm(".text\n" IRQ_STUB(0x38) IRQ_COMMON);
extern char irq_stub_0x38[];

static bool bcd_ok(uint8_t v, unsigned lo, unsigned hi)
{
	unsigned bin = (v >> 4) * 10 + (v & 0xf);

	return (v & 0xf) <= 9 && (v >> 4) <= 9 && bin >= lo && bin <= hi;
}

static unsigned bcd2bin(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static void test_registers(void)
{
	uint8_t a = rtc_read(REG_A), b = rtc_read(REG_B), d = rtc_read(REG_D);

	report((a & 0x70) == 0x20, "register A: 32.768 kHz divider (A %#x)", a);
	report((b & (B_DM | B_24H)) == B_24H, "register B: BCD, 24-hour mode (B %#x)", b);
	report(d == 0x80, "register D: VRT set, other bits 0 (D %#x)", d);
	rtc_read(REG_C);
	report((rtc_read(REG_C) & 0x0f) == 0, "register C: bits 3-0 read 0");
}

static void test_time(void)
{
	uint8_t sec, min, hour, day, mon, year;
	for (unsigned n = 0; n < 10000000 && (rtc_read(REG_A) & A_UIP); n++)
		;
	sec = rtc_read(0x00);
	min = rtc_read(0x02);
	hour = rtc_read(0x04);
	day = rtc_read(0x07);
	mon = rtc_read(0x08);
	year = rtc_read(0x09);
	report_info("20%02x-%02x-%02x %02x:%02x:%02x", year, mon, day, hour, min, sec);
	report(bcd_ok(sec, 0, 59), "seconds %#x valid BCD 0-59", sec);
	report(bcd_ok(min, 0, 59), "minutes %#x valid BCD 0-59", min);
	report(bcd_ok(hour, 0, 23), "hours %#x valid BCD 0-23", hour);
	report(bcd_ok(day, 1, 31), "day %#x valid BCD 1-31", day);
	report(bcd_ok(mon, 1, 12), "month %#x valid BCD 1-12", mon);
	report(bcd_ok(year, 0, 99), "year %#x valid BCD 0-99", year);
}

/* Follow one update cycle: UIP rises, falls, and the seconds have advanced by one. */
static bool follow_update(bool *seen, bool *cleared, uint8_t *s0, uint8_t *s1)
{
	struct pit_clock c;

	/* Read just after an update ended so that the next one is almost a second away. */
	pit_clock_start(&c, 2);
	while (pit_clock_read(&c) < PIT_MS(1200) && !(rtc_read(REG_A) & A_UIP))
		;
	while (pit_clock_read(&c) < PIT_MS(1300) && (rtc_read(REG_A) & A_UIP))
		;
	*s0 = rtc_read(0x00);
	*seen = false;
	pit_clock_start(&c, 2);
	while (pit_clock_read(&c) < PIT_MS(1200)) {
		if (rtc_read(REG_A) & A_UIP) {
			*seen = true;
			break;
		}
	}
	/* UIP lasts 244 us plus the update (MC146818A, register A). */
	pit_clock_start(&c, 2);
	while (pit_clock_read(&c) < PIT_MS(100) && (rtc_read(REG_A) & A_UIP))
		;
	*cleared = !(rtc_read(REG_A) & A_UIP);
	*s1 = rtc_read(0x00);
	return *seen && *cleared && bcd2bin(*s1) == (bcd2bin(*s0) + 1) % 60;
}

static void test_update(void)
{
	uint8_t s0, s1;
	bool seen, cleared;

	/* A host that starves the VMM can hide a whole update cycle: up to three tries. */
	for (int attempt = 0; attempt < 3 && !follow_update(&seen, &cleared, &s0, &s1); attempt++)
		;
	report(seen, "UIP set by the next update cycle");
	report(cleared, "UIP clears after the update");
	report(bcd2bin(s1) == (bcd2bin(s0) + 1) % 60, "seconds advanced by one (%#x -> %#x)", s0, s1);
}

static void test_periodic(void)
{
	uint8_t a = rtc_read(REG_A), b = rtc_read(REG_B), c1, c2;
	unsigned n, before;

	asm volatile("cli");
	rtc_write(REG_A, (a & 0xf0) | 0x06); /* rate 6: 1024 Hz */
	report((rtc_read(REG_A) & 0x0f) == 6, "rate select 6 written to register A");
	rtc_read(REG_C);
	irq8_count = 0;
	outb(0xfb, PIC1_DATA); /* IRQ2 (cascade) */
	outb(0xfe, PIC2_DATA); /* IRQ8 */
	rtc_write(REG_B, b | B_PIE);
	report(rtc_read(REG_B) & B_PIE, "PIE set in register B");
	for (n = 0; n < 10000 && irq8_count < 8; n++)
		asm volatile("sti; hlt; cli" ::: "memory");
	report(irq8_count >= 8, "8 periodic interrupts on IRQ8 (%u)", irq8_count);
	report((c_in_handler & (C_IRQF | C_PF)) == (C_IRQF | C_PF), "register C in the handler: IRQF and PF (%#x)",
	       c_in_handler);

	/* ~1024 Hz against the PIT: channel 2 in mode 2 counts the time (~50 ms). */
	for (int attempt = 0; attempt < 3; attempt++) { /* best of three, as in pic_pit */
		before = irq8_count;
		asm volatile("sti");
		n = pit_delay(2, 59659);
		asm volatile("cli");
		before = irq8_count - before;
		if (RATE_OK(before, n * 1024ull / PIT_HZ))
			break;
	}
	report(RATE_OK(before, n * 1024ull / PIT_HZ), "rate: %u interrupts in %u PIT clocks (expect %llu)", before, n,
	       n * 1024ull / PIT_HZ);

	/* Flags latch with IF=0 and clear on read. */
	rtc_read(REG_C);
	for (int attempt = 0; attempt < 20; attempt++) { /* ~5 periods each */
		pit_delay(2, 6000);
		c1 = rtc_read(REG_C);
		if (c1 & C_PF)
			break;
	}
	c2 = rtc_read(REG_C);
	report((c1 & (C_IRQF | C_PF)) == (C_IRQF | C_PF), "register C flags set while unserviced (%#x)", c1);
	report((c2 & (C_IRQF | C_PF)) == 0, "reading register C cleared them (%#x)", c2);

	/* PIE off: no more interrupts. */
	rtc_write(REG_B, b & ~B_PIE);
	rtc_read(REG_C);
	outb(PIC_EOI, PIC2_CMD); /* nothing in service; harmless */
	before = irq8_count;
	asm volatile("sti");
	pit_delay(2, 24000);
	asm volatile("cli");
	/* At most the edge latched in the PIC before PIE was cleared. */
	report(irq8_count - before <= 1, "PIE clear stops the periodic interrupt (%u more)", irq8_count - before);
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
	rtc_write(REG_A, a);
}

/* SET (register B bit 7) holds the clock while the time is written. */
static void test_set(void)
{
	uint8_t b = rtc_read(REG_B), m0, h0, s1, m1, h1;

	m0 = rtc_read(0x02);
	h0 = rtc_read(0x04);
	rtc_write(REG_B, b | 0x80);
	rtc_write(0x00, 0x58);
	rtc_write(0x02, 0x59);
	rtc_write(0x04, 0x23);
	pit_delay(2, 59659); /* 50 ms with the clock held */
	report(rtc_read(0x00) == 0x58 && rtc_read(0x02) == 0x59 && rtc_read(0x04) == 0x23,
	       "SET: written time 23:59:58 reads back");
	rtc_write(REG_B, b);
	for (int i = 0; i < 30; i++)
		pit_delay(2, 59659); /* 1.5 s */
	s1 = rtc_read(0x00);
	m1 = rtc_read(0x02);
	h1 = rtc_read(0x04);
	report((s1 == 0x59 || s1 == 0x00 || s1 == 0x01) && (s1 == 0x59 ? m1 == 0x59 && h1 == 0x23 : m1 == 0 && h1 == 0),
	       "clock runs on from 23:59:58 after SET clears (%02x:%02x:%02x)", h1, m1, s1);
	/* Put back roughly the old hour and minute. */
	rtc_write(REG_B, b | 0x80);
	rtc_write(0x02, m0);
	rtc_write(0x04, h0);
	rtc_write(REG_B, b);
}

/* Update-ended interrupt (UIE): one per second with UF in register C. */
static void test_update_irq(void)
{
	uint8_t a = rtc_read(REG_A), b = rtc_read(REG_B);
	struct pit_clock c;
	unsigned before;

	asm volatile("cli");
	rtc_write(REG_A, a & 0xf0); /* rate 0: no periodic flag (PF is set whatever PIE says) */
	outb(0xfb, PIC1_DATA);
	outb(0xfe, PIC2_DATA);
	rtc_read(REG_C);
	c_or = 0;
	before = irq8_count;
	rtc_write(REG_B, (b & ~B_PIE) | 0x10);
	pit_clock_start(&c, 2);
	asm volatile("sti" ::: "memory");
	while (irq8_count == before && pit_clock_read(&c) < PIT_MS(1500))
		;
	asm volatile("cli" ::: "memory");
	report(irq8_count == before + 1 && (c_or & 0x90) == 0x90 && !(c_or & C_PF),
	       "UIE: update-ended interrupt with IRQF and UF (C %#x, %u interrupts)", c_or, irq8_count - before);
	rtc_write(REG_B, b);
	rtc_write(REG_A, a);
	rtc_read(REG_C);
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
}

int main(void)
{
	set_irq_gate(VEC_IRQ8, irq_stub_0x38);
	apic_enable(true);
	pic_init(VEC_BASE1, VEC_BASE2, 0xff, 0xff);
	/* PIT channel 2, gate up, mode 2, reload 65536: the time base. */
	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	pit_program(2, 2, 0);
	test_registers();
	test_time();
	test_update();
	test_periodic();
	test_set();
	test_update_irq();
	asm volatile("cli");
	return report_summary();
}
