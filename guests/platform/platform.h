/* SPDX-License-Identifier: MIT */
/* Helpers shared by the platform-device guest tests: port I/O widths, the 8259 PIC, the 8254 PIT as a time base, the local APIC and interrupt stubs. */
#ifndef NESTVM_GUESTS_PLATFORM_PLATFORM_H
#define NESTVM_GUESTS_PLATFORM_PLATFORM_H

#include "libcflat.h"
#include "desc.h"
#include "processor.h"

static inline void outw(uint16_t v, uint16_t port)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* 8259A (Intel 8259A datasheet: ICW1-4, OCW1-3). */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20 /* OCW2: non-specific EOI */

/* ICW1 edge/cascade/ICW4, ICW2 vector bases, ICW3 slave on IR2, ICW4 8086 mode; then masks. */
static inline void pic_init(uint8_t base1, uint8_t base2, uint8_t mask1, uint8_t mask2)
{
	outb(0x11, PIC1_CMD);
	outb(0x11, PIC2_CMD);
	outb(base1, PIC1_DATA);
	outb(base2, PIC2_DATA);
	outb(0x04, PIC1_DATA);
	outb(0x02, PIC2_DATA);
	outb(0x01, PIC1_DATA);
	outb(0x01, PIC2_DATA);
	outb(mask1, PIC1_DATA);
	outb(mask2, PIC2_DATA);
}

/* OCW3 read IRR (0x0a) or ISR (0x0b). */
static inline uint8_t pic_read_reg(uint16_t cmd, uint8_t ocw3)
{
	outb(ocw3, cmd);
	return inb(cmd);
}

/* 8254 PIT, 1.193182 MHz input. */
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_HZ 1193182u

static inline void pit_program(unsigned ch, unsigned mode, uint16_t count)
{
	outb((uint8_t)((ch << 6) | 0x30 | (mode << 1)), PIT_CMD); /* lo/hi byte, binary */
	outb(count & 0xff, PIT_CH0 + ch);
	outb(count >> 8, PIT_CH0 + ch);
}

/* Counter latch command, then the latched value low byte first. */
static inline uint16_t pit_latch(unsigned ch)
{
	uint8_t lo, hi;

	outb((uint8_t)(ch << 6), PIT_CMD);
	lo = inb(PIT_CH0 + ch);
	hi = inb(PIT_CH0 + ch);
	return lo | (hi << 8);
}

/*
 * Busy-wait at least `ticks` PIT input clocks by following channel ch, which the caller
 * has left counting in mode 2 with a reload of 0 (65536) and its gate high; returns the
 * clocks that passed.
 */
static inline uint32_t pit_delay(unsigned ch, uint32_t ticks)
{
	uint16_t prev = pit_latch(ch), now;
	uint32_t elapsed = 0, still = 0;

	while (elapsed < ticks) {
		now = pit_latch(ch);
		elapsed += (uint16_t)(prev - now); /* down-counter, modulo 65536 */
		if (now == prev && ++still > 10000000)
			report_abort("PIT channel %u is not counting (%#x)", ch, now);
		prev = now;
	}
	return elapsed;
}

/* A clock made of PIT channel ch (mode 2, reload 65536, gate high): read it often (< 55 ms apart). */
struct pit_clock {
	unsigned ch;
	uint16_t prev;
	uint64_t elapsed;
};

static inline void pit_clock_start(struct pit_clock *c, unsigned ch)
{
	c->ch = ch;
	c->prev = pit_latch(ch);
	c->elapsed = 0;
}

static inline uint64_t pit_clock_read(struct pit_clock *c)
{
	uint16_t now = pit_latch(c->ch);

	c->elapsed += (uint16_t)(c->prev - now);
	c->prev = now;
	return c->elapsed;
}

/*
 * Interrupts counted in a window that should hold `want`: never more than 20% (+2 for
 * the window's edges) over; at least a quarter, as a starved host VMM delivers late.
 */
#define RATE_OK(got, want) ((got) >= (want) / 4 && (got) <= (want) + (want) / 5 + 2)

#define PIT_MS(ms) ((uint64_t)(ms) * PIT_HZ / 1000)

/* Local APIC (SDM Vol. 3A, chapter 11). */
#define APIC_MMIO 0xfee00000ul
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define LVT_MASKED (1u << 16)
#define LVT_EXTINT (7u << 8)
#define LVT_NMI (4u << 8)

static inline uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(APIC_MMIO + reg);
}

static inline void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(APIC_MMIO + reg) = val;
}

static inline void apic_enable(bool lint0_extint)
{
	apic_write(APIC_SVR, 0x100 | 0xff);
	apic_write(APIC_LVT_LINT0, lint0_extint ? LVT_EXTINT : (LVT_MASKED | LVT_EXTINT));
	apic_write(APIC_LVT_LINT1, LVT_MASKED | LVT_NMI);
}

/*
 * Interrupt stubs: IRQ_STUBS(...) defines irq_stub_<v> for each vector given with
 * IRQ_STUB(v), each calling `void platform_irq(unsigned long vector)` with the
 * caller-saved registers preserved (RSP realigned to 16 for the call).
 */
#define IRQ_STUB(v) ".globl irq_stub_" #v "\nirq_stub_" #v ":\n\tpushq $" #v "\n\tjmp irq_common\n"
#define IRQ_COMMON                                                              \
	"irq_common:\n"                                                         \
	"\tpush %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n"     \
	"\tpush %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n"                    \
	"\tmov 72(%rsp), %rdi\n"                                                \
	"\tsub $8, %rsp\n\tcld\n\tcall platform_irq\n\tadd $8, %rsp\n"          \
	"\tpop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n"                        \
	"\tpop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n"          \
	"\tadd $8, %rsp\n\tiretq\n"

void platform_irq(unsigned long vector);

static inline void set_irq_gate(unsigned vector, void *stub)
{
	idt_set_gate(vector, stub, KERNEL_CS64, 0xe, 0);
}

#endif
