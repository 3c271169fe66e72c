/* SPDX-License-Identifier: MIT */
/*
 * 8254 programmable interval timer (Intel 8254 data sheet, "Operational Description"
 * and "Modes"). A counter is not ticked: its count and output are computed from the
 * ticks of the 1.193182 MHz clock since it was loaded, so any time can be read exactly.
 * Simplifications: a count written during counting in mode 3 takes effect at the end of
 * the whole period rather than the half-period, and a mode 1/5 retrigger reloads at the
 * gate edge rather than on the next CLK.
 */
#include "dev/pit.h"

#define PIT_CONTROL 3

/* Control word (data sheet, "Control Word Format"). */
#define CW_BCD 0x01
#define CW_SC_SHIFT 6
#define CW_RW_SHIFT 4
#define CW_M_SHIFT 1
#define SC_READ_BACK 3
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RW_LSB_MSB 3
/* Read-back command: bits 5 and 4 are active low. */
#define RB_NOT_COUNT 0x20
#define RB_NOT_STATUS 0x10
/* Status byte. */
#define STATUS_OUT 0x80
#define STATUS_NULL_COUNT 0x40

#define NO_TICK UINT64_MAX

static uint64_t ns_to_tick(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PIT_FREQ_HZ / 1000000000u);
}

/* The first nanosecond at which ns_to_tick reaches tick. */
static uint64_t tick_to_ns(uint64_t tick)
{
	unsigned __int128 ns = ((unsigned __int128)tick * 1000000000u + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static uint64_t now_tick(struct pit *p)
{
	uint64_t t = ns_to_tick(p->now_ns(p->clock_opaque));

	return t < p->last_tick ? p->last_tick : t; /* never run backwards */
}

static uint32_t modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

static bool is_triggered_mode(const struct pit_channel *c)
{
	return c->mode == 1 || c->mode == 5;
}

static uint64_t elapsed(const struct pit_channel *c, uint64_t tick)
{
	if (c->frozen)
		return c->elapsed;
	return tick < c->load_tick ? 0 : tick - c->load_tick;
}

/* OUT at tick (data sheet, "Modes": initial output is low in mode 0, high otherwise). */
static bool channel_out(const struct pit_channel *c, uint64_t tick)
{
	uint64_t n = c->count, d;

	if (!c->loaded)
		return c->mode != 0;
	d = elapsed(c, tick);
	switch (c->mode) {
	case 0:
		return d >= n;
	case 1:
		return !c->triggered || d >= n;
	case 2:
		/* Low for one CLK when the count reaches 1; a gate held low forces it high. */
		return c->frozen || n < 2 || d % n != n - 1;
	case 3:
		/* High for the first (N+1)/2 CLKs of each period, low for the rest. */
		return c->frozen || d % n < (n + 1) / 2;
	case 4:
		return d != n;
	case 5:
		return !c->triggered || d != n;
	}
	return true;
}

/* The first tick after tick at which OUT changes, or NO_TICK. */
static uint64_t channel_next_change(const struct pit_channel *c, uint64_t tick)
{
	uint64_t n = c->count, d, phase, start;

	if (!c->loaded || c->frozen || (is_triggered_mode(c) && !c->triggered))
		return NO_TICK;
	d = elapsed(c, tick);
	switch (c->mode) {
	case 0:
	case 1:
		return d < n ? c->load_tick + n : NO_TICK;
	case 2:
	case 3:
		if (n < 2)
			return NO_TICK;
		phase = d % n;
		start = c->load_tick + d - phase;
		if (c->mode == 2)
			return phase < n - 1 ? start + n - 1 : start + n;
		return phase < (n + 1) / 2 ? start + (n + 1) / 2 : start + n;
	case 4:
	case 5:
		if (d < n)
			return c->load_tick + n;
		return d == n ? c->load_tick + n + 1 : NO_TICK;
	}
	return NO_TICK;
}

/* Did OUT rise somewhere in (t0, t1]? */
static bool channel_rose(const struct pit_channel *c, uint64_t t0, uint64_t t1)
{
	uint64_t t = channel_next_change(c, t0);

	if (t == NO_TICK || t > t1)
		return false;
	if (channel_out(c, t))
		return true;
	t = channel_next_change(c, t);
	return t != NO_TICK && t <= t1;
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

static uint32_t from_bcd(uint16_t v)
{
	return (v & 0xf) + (v >> 4 & 0xf) * 10 + (v >> 8 & 0xf) * 100 + (v >> 12 & 0xf) * 1000;
}

/* The counting element at tick, as the guest reads it. */
static uint16_t channel_count(const struct pit_channel *c, uint64_t tick)
{
	uint64_t n = c->count, m = modulus(c), d;
	uint32_t v;

	if (!c->loaded)
		return 0;
	d = elapsed(c, tick);
	if (is_triggered_mode(c) && !c->triggered)
		d = 0;
	switch (c->mode) {
	case 2:
		v = (uint32_t)((n - d % n) % m);
		break;
	case 3:
		/* Decrements by two; odd counts show the even value below. */
		v = (uint32_t)(((n - (2 * d) % n) & ~1ull) % m);
		break;
	default:
		v = (uint32_t)((n + m - d % m) % m); /* wraps after terminal count */
		break;
	}
	return c->bcd ? to_bcd(v) : (uint16_t)v;
}

static void apply_pending(struct pit_channel *c, uint64_t tick)
{
	if (c->pending && c->pending_tick != NO_TICK && tick >= c->pending_tick) {
		c->count = c->pending_count;
		c->load_tick = c->pending_tick;
		c->pending = false;
		c->null_count = false;
	}
}

static void set_irq_line(struct pit *p, bool level)
{
	p->irq_level = level;
	if (p->set_irq)
		p->set_irq(p->irq_opaque, PIT_IRQ, level);
}

/* Bring every counter and IRQ0 up to tick. */
static void pit_catch_up(struct pit *p, uint64_t tick)
{
	struct pit_channel *c0 = &p->ch[0];
	uint64_t from = p->last_tick;
	bool rose = false, level;

	if (c0->pending && c0->pending_tick != NO_TICK && c0->pending_tick <= tick) {
		rose = channel_rose(c0, from, c0->pending_tick);
		from = c0->pending_tick;
	}
	for (unsigned i = 0; i < 3; i++)
		apply_pending(&p->ch[i], tick);
	rose |= channel_rose(c0, from, tick);
	p->last_tick = tick;

	/* Every period that ended shows as at least one rising edge on IRQ0. */
	level = channel_out(c0, tick);
	if (rose) {
		if (p->irq_level)
			set_irq_line(p, false);
		set_irq_line(p, true);
	}
	if (level != p->irq_level)
		set_irq_line(p, level);
}

static void pit_update_irq(struct pit *p)
{
	pit_catch_up(p, p->last_tick);
}

void pit_update(struct pit *p)
{
	pit_catch_up(p, now_tick(p));
}

uint64_t pit_next_event_ns(struct pit *p)
{
	const struct pit_channel *c0 = &p->ch[0];
	uint64_t t = channel_next_change(c0, p->last_tick);

	if (c0->pending && c0->pending_tick < t)
		t = c0->pending_tick;
	return t == NO_TICK ? PIT_NO_EVENT : tick_to_ns(t);
}

/* Start counting at tick, or hold at zero elapsed ticks while the gate stops the count. */
static void start_counting(struct pit_channel *c, uint64_t tick)
{
	c->load_tick = tick;
	c->elapsed = 0;
	c->frozen = !c->gate && !is_triggered_mode(c);
}

static void load_count(struct pit_channel *c, uint16_t raw, uint64_t tick)
{
	uint32_t n = raw == 0 ? modulus(c) : (c->bcd ? from_bcd(raw) : raw);

	if (n == 0)
		n = modulus(c);
	switch (c->mode) {
	case 2:
	case 3:
		if (c->loaded && !c->frozen && c->count) {
			/* Counting goes on; the new count is loaded at the end of this period. */
			uint64_t d = elapsed(c, tick);

			c->pending = true;
			c->pending_count = n;
			c->pending_tick = c->load_tick + d - d % c->count + c->count;
			c->null_count = true;
			return;
		}
		break;
	case 1:
	case 5:
		if (c->loaded && c->triggered) {
			/* The sequence in progress is not affected; the next trigger loads n. */
			c->pending = true;
			c->pending_count = n;
			c->pending_tick = NO_TICK;
			c->null_count = true;
			return;
		}
		c->count = n;
		c->loaded = true;
		c->triggered = false;
		c->null_count = true; /* until the gate triggers the load */
		return;
	}
	c->count = n;
	c->loaded = true;
	c->null_count = false;
	c->pending = false;
	start_counting(c, tick);
}

static void write_control(struct pit *p, uint8_t value, uint64_t tick)
{
	unsigned sc = value >> CW_SC_SHIFT, rw = (value >> CW_RW_SHIFT) & 3;
	struct pit_channel *c;

	if (sc == SC_READ_BACK) {
		for (unsigned i = 0; i < 3; i++) {
			c = &p->ch[i];
			if (!(value & (2u << i)))
				continue;
			if (!(value & RB_NOT_COUNT) && !c->latched) {
				c->latch = channel_count(c, tick);
				c->latched = c->rw == RW_LSB_MSB ? 2 : 1;
				c->latch_hi_next = c->rw == RW_MSB;
			}
			if (!(value & RB_NOT_STATUS) && !c->status_latched) {
				c->status = (uint8_t)((channel_out(c, tick) ? STATUS_OUT : 0) |
						      (c->null_count ? STATUS_NULL_COUNT : 0) |
						      c->rw << CW_RW_SHIFT | c->mode << CW_M_SHIFT |
						      (c->bcd ? CW_BCD : 0));
				c->status_latched = true;
			}
		}
		return;
	}
	c = &p->ch[sc];
	if (rw == RW_LATCH) {
		/* Counter latch command; a second latch before the read is ignored. */
		if (!c->latched) {
			c->latch = channel_count(c, tick);
			c->latched = c->rw == RW_LSB_MSB ? 2 : 1;
			c->latch_hi_next = c->rw == RW_MSB;
		}
		return;
	}
	c->mode = (value >> CW_M_SHIFT) & 7;
	if (c->mode > 5)
		c->mode &= 3; /* 110 and 111 are modes 2 and 3 */
	c->rw = (uint8_t)rw;
	c->bcd = value & CW_BCD;
	c->loaded = false;
	c->null_count = true;
	c->triggered = false;
	c->frozen = false;
	c->pending = false;
	c->latched = 0;
	c->status_latched = false;
	c->read_hi_next = false;
	c->write_hi_next = false;
}

static void write_counter(struct pit_channel *c, uint8_t value, uint64_t tick)
{
	switch (c->rw) {
	case RW_LSB:
		load_count(c, value, tick);
		break;
	case RW_MSB:
		load_count(c, (uint16_t)(value << 8), tick);
		break;
	case RW_LSB_MSB:
		if (!c->write_hi_next) {
			c->write_lsb = value;
			c->write_hi_next = true;
			/* Mode 0: the first byte stops counting and sets OUT low. */
			if (c->mode == 0)
				c->loaded = false;
		} else {
			c->write_hi_next = false;
			load_count(c, (uint16_t)(c->write_lsb | value << 8), tick);
		}
		break;
	}
}

static uint8_t read_counter(struct pit_channel *c, uint64_t tick)
{
	uint16_t v;
	uint8_t byte;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		byte = (uint8_t)(c->latch_hi_next ? c->latch >> 8 : c->latch);
		c->latch_hi_next = !c->latch_hi_next;
		c->latched--;
		return byte;
	}
	v = channel_count(c, tick);
	switch (c->rw) {
	case RW_MSB:
		return (uint8_t)(v >> 8);
	case RW_LSB_MSB:
		byte = (uint8_t)(c->read_hi_next ? v >> 8 : v);
		c->read_hi_next = !c->read_hi_next;
		return byte;
	default:
		return (uint8_t)v;
	}
}

uint8_t pit_read(struct pit *p, unsigned reg)
{
	uint64_t tick = now_tick(p);
	uint8_t v = 0xff;

	pit_catch_up(p, tick);
	if (reg < PIT_CONTROL)
		v = read_counter(&p->ch[reg], tick);
	/* The control word register cannot be read: the bus floats. */
	pit_update_irq(p);
	return v;
}

void pit_write(struct pit *p, unsigned reg, uint8_t value)
{
	uint64_t tick = now_tick(p);

	pit_catch_up(p, tick);
	if (reg == PIT_CONTROL)
		write_control(p, value, tick);
	else if (reg < PIT_CONTROL)
		write_counter(&p->ch[reg], value, tick);
	pit_update_irq(p);
}

void pit_set_gate(struct pit *p, unsigned channel, bool level)
{
	uint64_t tick = now_tick(p);
	struct pit_channel *c;
	bool rising;

	if (channel > 2)
		return;
	pit_catch_up(p, tick);
	c = &p->ch[channel];
	rising = level && !c->gate;
	c->gate = level;
	if (c->loaded) {
		switch (c->mode) {
		case 0:
		case 4:
			/* The gate suspends counting and resumes it where it stopped. */
			if (!level && !c->frozen) {
				c->elapsed = elapsed(c, tick);
				c->frozen = true;
			} else if (level && c->frozen) {
				c->load_tick = tick - c->elapsed;
				c->frozen = false;
			}
			break;
		case 2:
		case 3:
			/* Low stops the count with OUT high; the rising edge reloads it. */
			if (!level) {
				c->frozen = true;
			} else if (rising) {
				if (c->pending) {
					c->count = c->pending_count;
					c->pending = false;
					c->null_count = false;
				}
				start_counting(c, tick);
			}
			break;
		case 1:
		case 5:
			if (rising) {
				if (c->pending) {
					c->count = c->pending_count;
					c->pending = false;
				}
				c->triggered = true;
				c->null_count = false;
				start_counting(c, tick);
			}
			break;
		}
	}
	pit_update_irq(p);
}

uint8_t pit_port61_read(struct pit *p)
{
	uint64_t tick = now_tick(p);

	pit_catch_up(p, tick);
	return (uint8_t)((p->ch[2].gate ? PIT_PORT61_GATE2 : 0) |
			 (p->speaker ? PIT_PORT61_SPEAKER : 0) |
			 (channel_out(&p->ch[2], tick) ? PIT_PORT61_OUT2 : 0));
}

void pit_port61_write(struct pit *p, uint8_t value)
{
	p->speaker = value & PIT_PORT61_SPEAKER;
	pit_set_gate(p, 2, value & PIT_PORT61_GATE2);
}

void pit_reset(struct pit *p)
{
	for (unsigned i = 0; i < 3; i++)
		p->ch[i] = (struct pit_channel){.mode = 0, .rw = RW_LSB_MSB, .gate = i != 2};
	p->speaker = false;
	p->last_tick = ns_to_tick(p->now_ns(p->clock_opaque));
	/* Unprogrammed counter 0 in mode 0 holds OUT low. */
	if (p->irq_level)
		set_irq_line(p, false);
}

void pit_init(struct pit *p, uint64_t (*now_ns)(void *opaque), void *clock_opaque,
	      void (*set_irq)(void *opaque, int irq, bool level), void *irq_opaque)
{
	*p = (struct pit){.now_ns = now_ns, .clock_opaque = clock_opaque, .set_irq = set_irq,
			  .irq_opaque = irq_opaque};
	pit_reset(p);
}

static uint64_t pit_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pit_read(opaque, (unsigned)addr);
}

static void pit_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pit_write(opaque, (unsigned)addr, (uint8_t)value);
}

static const struct bus_ops pit_ops = {.read = pit_bus_read, .write = pit_bus_write};

bool pit_register(struct pit *p, struct bus *bus)
{
	return bus_add_pio(bus, "pit", PIT_BASE, PIT_NR_PORTS, &pit_ops, p);
}

static bool channel_snapshot(struct pit_channel *c, struct dev_snapshot *snap)
{
	return dev_snapshot_field(snap, "mode", &c->mode, sizeof(c->mode)) &&
	       dev_snapshot_field(snap, "rw", &c->rw, sizeof(c->rw)) &&
	       dev_snapshot_field(snap, "bcd", &c->bcd, sizeof(c->bcd)) &&
	       dev_snapshot_field(snap, "count", &c->count, sizeof(c->count)) &&
	       dev_snapshot_field(snap, "loaded", &c->loaded, sizeof(c->loaded)) &&
	       dev_snapshot_field(snap, "null_count", &c->null_count, sizeof(c->null_count)) &&
	       dev_snapshot_field(snap, "gate", &c->gate, sizeof(c->gate)) &&
	       dev_snapshot_field(snap, "triggered", &c->triggered, sizeof(c->triggered)) &&
	       dev_snapshot_field(snap, "frozen", &c->frozen, sizeof(c->frozen)) &&
	       dev_snapshot_field(snap, "elapsed", &c->elapsed, sizeof(c->elapsed)) &&
	       dev_snapshot_field(snap, "load_tick", &c->load_tick, sizeof(c->load_tick)) &&
	       dev_snapshot_field(snap, "pending", &c->pending, sizeof(c->pending)) &&
	       dev_snapshot_field(snap, "pending_count", &c->pending_count,
				  sizeof(c->pending_count)) &&
	       dev_snapshot_field(snap, "pending_tick", &c->pending_tick, sizeof(c->pending_tick)) &&
	       dev_snapshot_field(snap, "latch", &c->latch, sizeof(c->latch)) &&
	       dev_snapshot_field(snap, "latched", &c->latched, sizeof(c->latched)) &&
	       dev_snapshot_field(snap, "latch_hi_next", &c->latch_hi_next,
				  sizeof(c->latch_hi_next)) &&
	       dev_snapshot_field(snap, "status", &c->status, sizeof(c->status)) &&
	       dev_snapshot_field(snap, "status_latched", &c->status_latched,
				  sizeof(c->status_latched)) &&
	       dev_snapshot_field(snap, "read_hi_next", &c->read_hi_next, sizeof(c->read_hi_next)) &&
	       dev_snapshot_field(snap, "write_hi_next", &c->write_hi_next,
				  sizeof(c->write_hi_next)) &&
	       dev_snapshot_field(snap, "write_lsb", &c->write_lsb, sizeof(c->write_lsb));
}

bool pit_snapshot(struct pit *p, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "pit", 1);

	for (unsigned i = 0; ok && i < 3; i++)
		ok = channel_snapshot(&p->ch[i], snap);
	ok = ok && dev_snapshot_field(snap, "speaker", &p->speaker, sizeof(p->speaker)) &&
	     dev_snapshot_field(snap, "irq_level", &p->irq_level, sizeof(p->irq_level)) &&
	     dev_snapshot_field(snap, "last_tick", &p->last_tick, sizeof(p->last_tick));
	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		for (unsigned i = 0; i < 3; i++) {
			struct pit_channel *c = &p->ch[i];

			if (c->mode > 5 || c->rw < RW_LSB || c->rw > RW_LSB_MSB ||
			    (c->loaded && (c->count == 0 || c->count > 65536))) {
				snap->failed = "pit.channel";
				return false;
			}
		}
		/* Tell the interrupt controller the restored level. */
		set_irq_line(p, p->irq_level);
	}
	return ok;
}
