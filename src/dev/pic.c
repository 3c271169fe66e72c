/* SPDX-License-Identifier: MIT */
/*
 * 8259A programmable interrupt controller pair (Intel 8259A data sheet, "Programming
 * the 8259A": ICW1-ICW4, OCW1-OCW3) with the PIIX/ICH edge/level control registers.
 * Edge-triggered inputs latch a rising edge in IRR until INTA, as a request held only
 * until the falling edge would otherwise be lost between two instructions.
 */
#include "dev/pic.h"

#define ICW1_IC4 0x01   /* ICW4 needed */
#define ICW1_SNGL 0x02  /* single (no cascade) */
#define ICW1_LTIM 0x08  /* level triggered mode */
#define ICW1_INIT 0x10  /* with A0 = 0: this byte is ICW1 */
#define OCW3_SEL 0x08   /* with A0 = 0 and bit 4 clear: this byte is OCW3 */
#define OCW3_RIS 0x01   /* read ISR (with RR) */
#define OCW3_RR 0x02    /* read register command */
#define OCW3_P 0x04     /* poll command */
#define OCW3_SMM 0x20   /* special mask mode (with ESMM) */
#define OCW3_ESMM 0x40  /* enable special mask mode change */
#define ICW4_AEOI 0x02  /* automatic end of interrupt */
#define ICW4_SFNM 0x10  /* special fully nested mode */
#define POLL_INT 0x80   /* poll word: an interrupt is pending */

/* OCW2 R, SL, EOI (bits 7-5). */
enum ocw2_cmd {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_NONSPECIFIC_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_NONSPECIFIC_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* Inputs that are wired edge-only on a PC: IRQ0-2 (timer, keyboard, cascade), 8, 13. */
#define ELCR_MASK_MASTER 0xf8
#define ELCR_MASK_SLAVE 0xde

static bool is_level(const struct pic_chip *c, unsigned ir)
{
	return c->level_mode || (c->elcr & (1u << ir));
}

/* Priority 0 is the highest; 8 means "none of mask". */
static unsigned priority_of(const struct pic_chip *c, uint8_t mask)
{
	unsigned p;

	if (!mask)
		return 8;
	for (p = 0; !(mask & (1u << ((p + c->highest) & 7))); p++)
		;
	return p;
}

/* The IR the chip would raise INT for, or -1. */
static int chip_pending(const struct pic_chip *c, bool is_master)
{
	uint8_t in_service = c->isr;
	unsigned want = priority_of(c, c->irr & ~c->imr);

	if (want == 8)
		return -1;
	/* Special mask mode: masked in-service levels do not inhibit lower ones. */
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested mode: the slave may interrupt while its cascade IR is in service. */
	if (is_master && c->special_nested)
		in_service &= ~(1u << PIC_CASCADE_IRQ);
	if (want < priority_of(c, in_service))
		return (int)((want + c->highest) & 7);
	return -1;
}

static void chip_input(struct pic_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (is_level(c, ir)) {
		/* Level mode: IRR follows the line. */
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit; /* rising edge */
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

static void pic_update_irq(struct pic *p)
{
	bool out;

	/* The slave's INT drives the master's IR2. */
	chip_input(&p->chip[0], PIC_CASCADE_IRQ, chip_pending(&p->chip[1], false) >= 0);
	out = chip_pending(&p->chip[0], true) >= 0;
	if (out != p->output) {
		p->output = out;
		if (p->set_output)
			p->set_output(p->opaque, out);
	}
}

void pic_set_irq(struct pic *p, int irq, bool level)
{
	if (irq < 0 || irq >= PIC_NR_IRQS || irq == PIC_CASCADE_IRQ)
		return; /* IR2 is the cascade, driven only by the slave */
	chip_input(&p->chip[irq >> 3], (unsigned)irq & 7, level);
	pic_update_irq(p);
}

bool pic_has_interrupt(const struct pic *p)
{
	struct pic_chip master = p->chip[0];

	/* As pic_update_irq would see it, without changing state. */
	chip_input(&master, PIC_CASCADE_IRQ, chip_pending(&p->chip[1], false) >= 0);
	return chip_pending(&master, true) >= 0;
}

/* INTA for ir: IRR to ISR, or a rotation in automatic EOI mode. */
static void chip_ack(struct pic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	/* Level inputs keep requesting while high; an edge request is consumed. */
	if (!is_level(c, ir))
		c->irr &= ~bit;
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->highest = (uint8_t)((ir + 1) & 7);
	} else {
		c->isr |= bit;
	}
}

int pic_acknowledge(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int ir, slave_ir, vector;

	pic_update_irq(p);
	ir = chip_pending(m, true);
	if (ir < 0) {
		/* The request went away before INTA: spurious IR7, no ISR bit (data sheet). */
		vector = m->vector_base + 7;
	} else if (ir == PIC_CASCADE_IRQ) {
		chip_ack(m, (unsigned)ir);
		slave_ir = chip_pending(s, false);
		if (slave_ir >= 0) {
			chip_ack(s, (unsigned)slave_ir);
			vector = s->vector_base + slave_ir;
		} else {
			vector = s->vector_base + 7; /* spurious IRQ15: the master's IR2 is in service */
		}
	} else {
		chip_ack(m, (unsigned)ir);
		vector = m->vector_base + ir;
	}
	pic_update_irq(p);
	return vector;
}

/* The poll word: 0x80 | IR with the request acknowledged, or 0 with nothing pending. */
static uint8_t chip_poll(struct pic *p, struct pic_chip *c)
{
	int ir;

	pic_update_irq(p);
	ir = chip_pending(c, c == &p->chip[0]);
	if (ir < 0)
		return 0;
	chip_ack(c, (unsigned)ir);
	return (uint8_t)(POLL_INT | ir);
}

static void chip_icw1(struct pic_chip *c, uint8_t value)
{
	/*
	 * ICW1 clears IMR, the special mask mode and the edge sense latches (a request must
	 * rise again), gives IR7 the lowest priority and selects IRR for status reads.
	 */
	c->imr = 0;
	c->isr = 0;
	c->irr = 0;
	c->highest = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->icw4_needed = value & ICW1_IC4;
	c->single = value & ICW1_SNGL;
	c->level_mode = value & ICW1_LTIM;
	/* Without ICW4 all its functions are zero. */
	c->auto_eoi = false;
	c->special_nested = false;
	c->rotate_on_aeoi = false;
	c->init_state = 1;
	/* Level inputs that are high request at once; edges wait for the next rise. */
	for (unsigned ir = 0; ir < 8; ir++)
		if (is_level(c, ir) && (c->lines & (1u << ir)))
			c->irr |= (uint8_t)(1u << ir);
}

static void chip_ocw2(struct pic_chip *c, uint8_t value)
{
	unsigned ir, prio;

	switch ((enum ocw2_cmd)(value >> 5)) {
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_on_aeoi = false;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_aeoi = true;
		break;
	case OCW2_NONSPECIFIC_EOI:
	case OCW2_ROTATE_NONSPECIFIC_EOI:
		prio = priority_of(c, c->isr);
		if (prio == 8)
			break;
		ir = (prio + c->highest) & 7;
		c->isr &= (uint8_t)~(1u << ir);
		if (value >> 5 == OCW2_ROTATE_NONSPECIFIC_EOI)
			c->highest = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC_EOI:
		ir = value & 7;
		c->isr &= (uint8_t)~(1u << ir);
		if (value >> 5 == OCW2_ROTATE_SPECIFIC_EOI)
			c->highest = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_SET_PRIORITY:
		c->highest = (uint8_t)((value + 1) & 7); /* L2-L0 becomes the lowest */
		break;
	case OCW2_NOP:
		break;
	}
}

static void chip_ocw3(struct pic_chip *c, uint8_t value)
{
	if (value & OCW3_P)
		c->poll = true;
	if (value & OCW3_RR)
		c->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		c->special_mask = value & OCW3_SMM;
}

static void chip_write_data(struct pic_chip *c, uint8_t value)
{
	switch (c->init_state) {
	case 0:
		c->imr = value; /* OCW1 */
		break;
	case 1:
		c->vector_base = value & 0xf8; /* ICW2: T7-T3 in 8086 mode */
		c->init_state = c->single ? (c->icw4_needed ? 3 : 0) : 2;
		break;
	case 2:
		c->icw3 = value;
		c->init_state = c->icw4_needed ? 3 : 0;
		break;
	case 3:
		/* ICW4: uPM (8086 mode) is assumed; buffered mode changes nothing here. */
		c->auto_eoi = value & ICW4_AEOI;
		c->special_nested = value & ICW4_SFNM;
		c->init_state = 0;
		break;
	}
}

uint8_t pic_read(struct pic *p, uint16_t port)
{
	struct pic_chip *c;
	uint8_t v = 0xff;

	switch (port) {
	case PIC_ELCR_BASE:
	case PIC_ELCR_BASE + 1:
		v = p->chip[port - PIC_ELCR_BASE].elcr;
		break;
	case PIC_MASTER_BASE:
	case PIC_MASTER_BASE + 1:
	case PIC_SLAVE_BASE:
	case PIC_SLAVE_BASE + 1:
		c = &p->chip[port >= PIC_SLAVE_BASE];
		if (c->poll) {
			/* A poll command turns the next read, at either address, into INTA. */
			c->poll = false;
			v = chip_poll(p, c);
		} else if (port & 1) {
			v = c->imr;
		} else {
			v = c->read_isr ? c->isr : c->irr;
		}
		break;
	}
	pic_update_irq(p);
	return v;
}

void pic_write(struct pic *p, uint16_t port, uint8_t value)
{
	struct pic_chip *c;

	switch (port) {
	case PIC_ELCR_BASE:
	case PIC_ELCR_BASE + 1:
		c = &p->chip[port - PIC_ELCR_BASE];
		c->elcr = value & c->elcr_mask;
		break;
	case PIC_MASTER_BASE:
	case PIC_SLAVE_BASE:
		c = &p->chip[port >= PIC_SLAVE_BASE];
		if (value & ICW1_INIT)
			chip_icw1(c, value);
		else if (value & OCW3_SEL)
			chip_ocw3(c, value);
		else
			chip_ocw2(c, value);
		break;
	case PIC_MASTER_BASE + 1:
	case PIC_SLAVE_BASE + 1:
		chip_write_data(&p->chip[port >= PIC_SLAVE_BASE], value);
		break;
	}
	pic_update_irq(p);
}

void pic_reset(struct pic *p)
{
	for (unsigned i = 0; i < 2; i++) {
		struct pic_chip *c = &p->chip[i];
		uint8_t lines = c->lines;

		*c = (struct pic_chip){.lines = lines,
				       .elcr_mask = i ? ELCR_MASK_SLAVE : ELCR_MASK_MASTER};
	}
	pic_update_irq(p);
}

void pic_init(struct pic *p, void (*set_output)(void *opaque, bool level), void *opaque)
{
	*p = (struct pic){.set_output = set_output, .opaque = opaque};
	pic_reset(p);
}

static uint64_t master_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pic_read(opaque, (uint16_t)(PIC_MASTER_BASE + addr));
}

static void master_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pic_write(opaque, (uint16_t)(PIC_MASTER_BASE + addr), (uint8_t)value);
}

static uint64_t slave_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pic_read(opaque, (uint16_t)(PIC_SLAVE_BASE + addr));
}

static void slave_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pic_write(opaque, (uint16_t)(PIC_SLAVE_BASE + addr), (uint8_t)value);
}

/* A 16-bit access to 0x4d0 reaches both ELCRs. */
static uint64_t elcr_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)(addr + i < 2 ? pic_read(opaque, (uint16_t)(PIC_ELCR_BASE + addr + i))
					     : 0xff)
		     << (8 * i);
	return v;
}

static void elcr_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	for (unsigned i = 0; i < size && addr + i < 2; i++)
		pic_write(opaque, (uint16_t)(PIC_ELCR_BASE + addr + i), (uint8_t)(value >> (8 * i)));
}

static const struct bus_ops master_ops = {.read = master_bus_read, .write = master_bus_write};
static const struct bus_ops slave_ops = {.read = slave_bus_read, .write = slave_bus_write};
static const struct bus_ops elcr_ops = {.read = elcr_bus_read, .write = elcr_bus_write};

bool pic_register(struct pic *p, struct bus *bus)
{
	return bus_add_pio(bus, "pic-master", PIC_MASTER_BASE, 2, &master_ops, p) &&
	       bus_add_pio(bus, "pic-slave", PIC_SLAVE_BASE, 2, &slave_ops, p) &&
	       bus_add_pio(bus, "elcr", PIC_ELCR_BASE, 2, &elcr_ops, p);
}

static bool chip_snapshot(struct pic_chip *c, struct dev_snapshot *snap)
{
	return dev_snapshot_field(snap, "irr", &c->irr, sizeof(c->irr)) &&
	       dev_snapshot_field(snap, "isr", &c->isr, sizeof(c->isr)) &&
	       dev_snapshot_field(snap, "imr", &c->imr, sizeof(c->imr)) &&
	       dev_snapshot_field(snap, "lines", &c->lines, sizeof(c->lines)) &&
	       dev_snapshot_field(snap, "elcr", &c->elcr, sizeof(c->elcr)) &&
	       dev_snapshot_field(snap, "vector_base", &c->vector_base, sizeof(c->vector_base)) &&
	       dev_snapshot_field(snap, "icw3", &c->icw3, sizeof(c->icw3)) &&
	       dev_snapshot_field(snap, "highest", &c->highest, sizeof(c->highest)) &&
	       dev_snapshot_field(snap, "init_state", &c->init_state, sizeof(c->init_state)) &&
	       dev_snapshot_field(snap, "icw4_needed", &c->icw4_needed, sizeof(c->icw4_needed)) &&
	       dev_snapshot_field(snap, "single", &c->single, sizeof(c->single)) &&
	       dev_snapshot_field(snap, "level_mode", &c->level_mode, sizeof(c->level_mode)) &&
	       dev_snapshot_field(snap, "auto_eoi", &c->auto_eoi, sizeof(c->auto_eoi)) &&
	       dev_snapshot_field(snap, "special_nested", &c->special_nested,
				  sizeof(c->special_nested)) &&
	       dev_snapshot_field(snap, "rotate_on_aeoi", &c->rotate_on_aeoi,
				  sizeof(c->rotate_on_aeoi)) &&
	       dev_snapshot_field(snap, "special_mask", &c->special_mask,
				  sizeof(c->special_mask)) &&
	       dev_snapshot_field(snap, "read_isr", &c->read_isr, sizeof(c->read_isr)) &&
	       dev_snapshot_field(snap, "poll", &c->poll, sizeof(c->poll));
}

bool pic_snapshot(struct pic *p, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "pic", 1) && chip_snapshot(&p->chip[0], snap) &&
		  chip_snapshot(&p->chip[1], snap);

	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		for (unsigned i = 0; i < 2; i++) {
			p->chip[i].highest &= 7;
			p->chip[i].elcr &= p->chip[i].elcr_mask;
			if (p->chip[i].init_state > 3) {
				snap->failed = "pic.init_state";
				return false;
			}
		}
		pic_update_irq(p);
	}
	return ok;
}
