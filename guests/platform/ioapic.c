// SPDX-License-Identifier: MIT
/* I/O APIC (Intel 82093AA datasheet) with the 8259s masked: ID and version registers, redirection entries, edge and level delivery of pc-testdev IRQ lines to the BSP, masking, remote IRR and EOI. */
#include "platform.h"

#define IOAPIC_BASE 0xfec00000ul
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_ID 0x00
#define IOAPIC_VER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))

#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_REMOTE_IRR (1u << 14)
#define RED_DELIVS (1u << 12)

#define TESTDEV_IRQ(n) (0x2000 + (n))
#define LINE_EDGE 10
#define LINE_LEVEL 11
#define VEC_EDGE 0x41
#define VEC_LEVEL 0x42

static volatile unsigned irq_count[256];
static volatile uint32_t redir_in_handler;
static volatile int level_mode; /* 0: lower the line, then EOI; 1: no EOI; 2: EOI with the line still high once */

static uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOREGSEL) = reg;
	return *(volatile uint32_t *)(IOAPIC_BASE + IOWIN);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(IOAPIC_BASE + IOREGSEL) = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + IOWIN) = v;
}

static void set_line(unsigned line, int v)
{
	outb(v, TESTDEV_IRQ(line));
}

static void pulse(unsigned line)
{
	set_line(line, 1);
	set_line(line, 0);
}

void platform_irq(unsigned long vector)
{
	irq_count[vector & 0xff]++;
	if (vector == VEC_LEVEL) {
		redir_in_handler = ioapic_read(IOREDTBL(LINE_LEVEL));
		if (level_mode == 1)
			return;
		if (level_mode == 2)
			level_mode = 0; /* EOI with the line high: it must come again */
		else
			set_line(LINE_LEVEL, 0);
	}
	if (vector != 0xff) /* no EOI for the spurious vector (SDM 11.9) */
		apic_write(APIC_EOI, 0);
}

asm(".text\n" IRQ_STUB(0x41) IRQ_STUB(0x42) IRQ_STUB(0xff) IRQ_COMMON);
extern char irq_stub_0x41[], irq_stub_0x42[], irq_stub_0xff[];

/* Let pending interrupts in with IF=1 for a while (channel 2 of the PIT times it). */
static void irq_window(void)
{
	asm volatile("sti; nop" ::: "memory");
	pit_delay(2, 1200); /* ~1 ms */
	asm volatile("cli" ::: "memory");
}

static bool vec_bit(uint32_t base, unsigned vector)
{
	return (apic_read(base + ((vector >> 5) << 4)) >> (vector & 31)) & 1;
}

static void test_id_version(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VER);

	report(((ver >> 16) & 0xff) == 23, "version register: max redirection entry 23 (%#x)", ver);
	report((ver & 0xff) == 0x11 || (ver & 0xff) == 0x20, "version %#x is 0x11 or 0x20", ver & 0xff);
	report_info("IOAPIC ID %u", (ioapic_read(IOAPIC_ID) >> 24) & 0xf);
	ioapic_write(IOREDTBL(LINE_EDGE), RED_MASKED | 0x5a);
	ioapic_write(IOREDTBL(LINE_EDGE) + 1, 0x07u << 24);
	report((ioapic_read(IOREDTBL(LINE_EDGE)) & 0x1ffff) == (RED_MASKED | 0x5a) &&
	       ioapic_read(IOREDTBL(LINE_EDGE) + 1) >> 24 == 7, "redirection entry reads back (%#x %#x)",
	       ioapic_read(IOREDTBL(LINE_EDGE)), ioapic_read(IOREDTBL(LINE_EDGE) + 1));
}

static void route(unsigned line, uint32_t flags, unsigned vector)
{
	ioapic_write(IOREDTBL(line), RED_MASKED | vector);
	ioapic_write(IOREDTBL(line) + 1, (apic_read(APIC_ID) >> 24) << 24);
	ioapic_write(IOREDTBL(line), flags | vector); /* fixed, physical, active high */
}

static void test_edge(void)
{
	asm volatile("cli");
	route(LINE_EDGE, 0, VEC_EDGE);
	pulse(LINE_EDGE);
	report(vec_bit(APIC_IRR, VEC_EDGE) && irq_count[VEC_EDGE] == 0, "edge: vector in the local APIC IRR with IF=0");
	irq_window();
	report(irq_count[VEC_EDGE] == 1, "edge: delivered once (%u)", irq_count[VEC_EDGE]);
	report(!vec_bit(APIC_ISR, VEC_EDGE) && !vec_bit(APIC_IRR, VEC_EDGE), "edge: EOI cleared the ISR");
	pulse(LINE_EDGE);
	pulse(LINE_EDGE);
	irq_window();
	report(irq_count[VEC_EDGE] == 2 || irq_count[VEC_EDGE] == 3, "edge: two more pulses with IF=0 give 1 or 2 (%u)",
	       irq_count[VEC_EDGE] - 1);
	irq_count[VEC_EDGE] = 0;
	set_line(LINE_EDGE, 1);
	irq_window();
	report(irq_count[VEC_EDGE] == 1, "edge: a held line interrupts once (%u)", irq_count[VEC_EDGE]);
	set_line(LINE_EDGE, 0);

	/* Masked: the edge is lost. */
	irq_count[VEC_EDGE] = 0;
	ioapic_write(IOREDTBL(LINE_EDGE), RED_MASKED | VEC_EDGE);
	pulse(LINE_EDGE);
	irq_window();
	report(irq_count[VEC_EDGE] == 0, "edge: masked pulse not delivered");
	ioapic_write(IOREDTBL(LINE_EDGE), VEC_EDGE);
	irq_window();
	report(irq_count[VEC_EDGE] == 0, "edge: masked pulse lost after unmasking");
	pulse(LINE_EDGE);
	irq_window();
	report(irq_count[VEC_EDGE] == 1, "edge: unmasked pulse delivered");
	ioapic_write(IOREDTBL(LINE_EDGE), RED_MASKED | VEC_EDGE);
}

static void test_level(void)
{
	uint32_t r;

	asm volatile("cli");
	route(LINE_LEVEL, RED_LEVEL, VEC_LEVEL);
	report(!(ioapic_read(IOREDTBL(LINE_LEVEL)) & RED_REMOTE_IRR), "level: remote IRR clear at start");

	/* Handler lowers the line and EOIs. */
	level_mode = 0;
	set_line(LINE_LEVEL, 1);
	irq_window();
	report(irq_count[VEC_LEVEL] == 1, "level: delivered (%u)", irq_count[VEC_LEVEL]);
	report(redir_in_handler & RED_REMOTE_IRR, "level: remote IRR set in the handler (%#x)", redir_in_handler);
	report(!(ioapic_read(IOREDTBL(LINE_LEVEL)) & RED_REMOTE_IRR), "level: remote IRR clear after EOI");

	/* Handler returns without EOI: remote IRR stays set until the EOI. */
	level_mode = 1;
	set_line(LINE_LEVEL, 1);
	irq_window();
	report(irq_count[VEC_LEVEL] == 2, "level: delivered again (%u)", irq_count[VEC_LEVEL]);
	set_line(LINE_LEVEL, 0);
	r = ioapic_read(IOREDTBL(LINE_LEVEL));
	report(r & RED_REMOTE_IRR, "level: remote IRR still set without EOI, line low (%#x)", r);
	report(vec_bit(APIC_ISR, VEC_LEVEL), "level: vector still in service in the local APIC");
	apic_write(APIC_EOI, 0);
	r = ioapic_read(IOREDTBL(LINE_LEVEL));
	report(!(r & RED_REMOTE_IRR), "level: EOI to the local APIC clears remote IRR (%#x)", r);
	report(!vec_bit(APIC_ISR, VEC_LEVEL), "level: EOI cleared the ISR");
	irq_window();
	report(irq_count[VEC_LEVEL] == 2, "level: nothing more with the line low");

	/* EOI while the line is still asserted: the entry fires again. */
	level_mode = 2;
	set_line(LINE_LEVEL, 1);
	irq_window();
	report(irq_count[VEC_LEVEL] == 4, "level: EOI with the line high re-delivers (%u of 4)", irq_count[VEC_LEVEL]);
	report(!(ioapic_read(IOREDTBL(LINE_LEVEL)) & RED_REMOTE_IRR), "level: remote IRR clear at the end");

	/* Masked while asserted, then unmasked: the level is still seen. */
	level_mode = 0;
	ioapic_write(IOREDTBL(LINE_LEVEL), RED_MASKED | RED_LEVEL | VEC_LEVEL);
	set_line(LINE_LEVEL, 1);
	irq_window();
	report(irq_count[VEC_LEVEL] == 4, "level: masked, nothing delivered");
	ioapic_write(IOREDTBL(LINE_LEVEL), RED_LEVEL | VEC_LEVEL);
	irq_window();
	report(irq_count[VEC_LEVEL] == 5, "level: unmasking an asserted line delivers (%u of 5)", irq_count[VEC_LEVEL]);
	set_line(LINE_LEVEL, 0);
	ioapic_write(IOREDTBL(LINE_LEVEL), RED_MASKED | VEC_LEVEL);
}

int main(void)
{
	set_irq_gate(VEC_EDGE, irq_stub_0x41);
	set_irq_gate(VEC_LEVEL, irq_stub_0x42);
	set_irq_gate(0xff, irq_stub_0xff);
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
	apic_enable(false);
	/* Channel 2 of the PIT, gate up, mode 2, is the time base. */
	outb((inb(0x61) & ~0x02) | 0x01, 0x61);
	pit_program(2, 2, 0);
	test_id_version();
	test_edge();
	test_level();
	report(irq_count[0xff] == 0, "no spurious interrupts");
	asm volatile("cli");
	return report_summary();
}
