/* SPDX-License-Identifier: MIT */
/*
 * MC146818A real-time clock plus CMOS RAM (Motorola MC146818A data sheet, "Address
 * Map", "Register A"-"Register D", "Interrupts"). Nothing ticks: the time and the
 * register C flags are computed from the machine clock when looked at, so any instant
 * reads exactly. Only the 32.768 kHz time base (divider 010) runs the clock; the day
 * of week is derived from the date and daylight saving (DSE) is not implemented.
 */
#include "dev/rtc.h"

#define NS_PER_SEC 1000000000ll

#define REG_A_UIP 0x80      /* update in progress */
#define REG_A_DV_SHIFT 4    /* divider select */
#define REG_A_DV_MASK 0x70
#define REG_A_RS_MASK 0x0f  /* periodic rate select */
#define DV_32768HZ 2
#define REG_B_SET 0x80
#define REG_B_PIE 0x40
#define REG_B_AIE 0x20
#define REG_B_UIE 0x10
#define REG_B_SQWE 0x08
#define REG_B_DM 0x04       /* 1 = binary, 0 = BCD */
#define REG_B_24H 0x02
#define REG_C_IRQF 0x80
#define REG_C_PF 0x40
#define REG_C_AF 0x20
#define REG_C_UF 0x10
#define REG_D_VRT 0x80      /* valid RAM and time: the battery is good */
#define HOUR_PM 0x80
#define ALARM_DONT_CARE 0xc0
#define NMI_DISABLE 0x80

/* UIP is high for 244 us (8 cycles of 32.768 kHz) before each update. */
#define UIP_NS 244141

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (after H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct rtc_date {
	int64_t year;
	unsigned month, day, hour, minute, second, weekday; /* weekday 1 = Sunday */
};

static struct rtc_date date_of(int64_t t)
{
	int64_t days = floor_div(t, 86400), sod = t - days * 86400;
	int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	struct rtc_date d;

	d.day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	d.year = yoe + era * 400 + (d.month <= 2);
	d.hour = (unsigned)(sod / 3600);
	d.minute = (unsigned)(sod / 60 % 60);
	d.second = (unsigned)(sod % 60);
	d.weekday = (unsigned)((days % 7 + 7 + 4) % 7) + 1; /* 1970-01-01 was a Thursday */
	return d;
}

static int64_t time_of(const struct rtc_date *d)
{
	return days_from_civil(d->year, d->month, d->day) * 86400 + d->hour * 3600 +
	       d->minute * 60 + d->second;
}

static bool is_binary(const struct rtc *r)
{
	return r->cmos[RTC_REG_B] & REG_B_DM;
}

static uint8_t encode(const struct rtc *r, unsigned v)
{
	return is_binary(r) ? (uint8_t)v : (uint8_t)(v / 10 % 10 << 4 | v % 10);
}

static unsigned decode(const struct rtc *r, uint8_t v)
{
	return is_binary(r) ? v : (unsigned)(v >> 4) * 10 + (v & 0xf);
}

static uint8_t encode_hour(const struct rtc *r, unsigned h)
{
	if (r->cmos[RTC_REG_B] & REG_B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h % 12 == 0 ? 12 : h % 12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned decode_hour(const struct rtc *r, uint8_t v)
{
	if (r->cmos[RTC_REG_B] & REG_B_24H)
		return decode(r, v);
	return decode(r, v & ~HOUR_PM) % 12 + ((v & HOUR_PM) ? 12 : 0);
}

static bool divider_running(const struct rtc *r)
{
	return ((r->cmos[RTC_REG_A] & REG_A_DV_MASK) >> REG_A_DV_SHIFT) == DV_32768HZ;
}

static bool clock_stopped(const struct rtc *r)
{
	return !divider_running(r) || (r->cmos[RTC_REG_B] & REG_B_SET);
}

static int64_t now(const struct rtc *r)
{
	int64_t t = (int64_t)r->now_ns(r->clock_opaque);

	return t < r->last_ns ? r->last_ns : t;
}

static int64_t clock_sec(const struct rtc *r, int64_t t)
{
	if (clock_stopped(r))
		return r->frozen_sec;
	return r->base_sec + floor_div(t - r->phase_ns, NS_PER_SEC);
}

/* The periodic interrupt divides the 32.768 kHz base by 2^shift (data sheet, Table 3). */
static unsigned periodic_shift(const struct rtc *r)
{
	unsigned rs = r->cmos[RTC_REG_A] & REG_A_RS_MASK;

	if (rs == 0)
		return 0;
	return rs <= 2 ? rs + 6 : rs - 1;
}

static int64_t periodic_index(const struct rtc *r, int64_t t)
{
	int64_t rel = t - r->phase_ns;

	if (rel < 0)
		return -1;
	return (int64_t)(((unsigned __int128)rel * 32768 / NS_PER_SEC) >> periodic_shift(r));
}

/* An alarm byte: -1 for "don't care" (11xxxxxx), else its value. */
static int alarm_field(const struct rtc *r, uint8_t reg, bool hour)
{
	uint8_t v = r->cmos[reg];

	if ((v & ALARM_DONT_CARE) == ALARM_DONT_CARE)
		return -1;
	return (int)(hour ? decode_hour(r, v) : decode(r, v));
}

static int first_match(int want, int lo, int limit)
{
	if (lo >= limit)
		return -1;
	if (want < 0)
		return lo;
	return want >= lo && want < limit ? want : -1;
}

/* The first second after t whose time of day matches the three alarm bytes, or INT64_MAX. */
static int64_t next_alarm_after(const struct rtc *r, int64_t t)
{
	int want_h = alarm_field(r, RTC_HOURS_ALARM, true);
	int want_m = alarm_field(r, RTC_MINUTES_ALARM, false);
	int want_s = alarm_field(r, RTC_SECONDS_ALARM, false);
	int64_t start = t + 1, day = floor_div(start, 86400) * 86400;
	int tod = (int)(start - day), h_lo = tod / 3600, m_lo = tod / 60 % 60, s_lo = tod % 60;

	for (int d = 0; d < 2; d++, day += 86400, h_lo = m_lo = s_lo = 0) {
		for (int h = first_match(want_h, h_lo, 24); h >= 0; h = first_match(want_h, h + 1, 24)) {
			int ml = h == h_lo ? m_lo : 0;

			for (int m = first_match(want_m, ml, 60); m >= 0;
			     m = first_match(want_m, m + 1, 60)) {
				int s = first_match(want_s, h == h_lo && m == m_lo ? s_lo : 0, 60);

				if (s >= 0)
					return day + h * 3600 + m * 60 + s;
			}
		}
	}
	return INT64_MAX;
}

/* Set the register C flags for everything that happened in (last_ns, t]. */
static void rtc_catch_up(struct rtc *r, int64_t t)
{
	int64_t s0, s1;

	if (t <= r->last_ns)
		return;
	if (divider_running(r)) {
		/* PF is set at every period whatever PIE says. */
		if (periodic_shift(r) && periodic_index(r, t) > periodic_index(r, r->last_ns))
			r->flags |= REG_C_PF;
		if (!(r->cmos[RTC_REG_B] & REG_B_SET)) {
			s0 = clock_sec(r, r->last_ns);
			s1 = clock_sec(r, t);
			if (s1 > s0)
				r->flags |= REG_C_UF;
			if (s1 > s0 && next_alarm_after(r, s0) <= s1)
				r->flags |= REG_C_AF;
		}
	}
	r->last_ns = t;
}

static void rtc_update_irq(struct rtc *r)
{
	uint8_t b = r->cmos[RTC_REG_B];
	bool irqf = ((r->flags & REG_C_PF) && (b & REG_B_PIE)) ||
		    ((r->flags & REG_C_AF) && (b & REG_B_AIE)) ||
		    ((r->flags & REG_C_UF) && (b & REG_B_UIE));

	r->flags = (uint8_t)((r->flags & ~REG_C_IRQF) | (irqf ? REG_C_IRQF : 0));
	if (irqf != r->irq_level) {
		r->irq_level = irqf;
		if (r->set_irq)
			r->set_irq(r->irq_opaque, RTC_IRQ, irqf);
	}
}

void rtc_update(struct rtc *r)
{
	rtc_catch_up(r, now(r));
	rtc_update_irq(r);
}

static int64_t ceil_ns_of_32k(int64_t ticks)
{
	return (int64_t)(((unsigned __int128)ticks * NS_PER_SEC + 32767) / 32768);
}

uint64_t rtc_next_event_ns(struct rtc *r)
{
	uint8_t b = r->cmos[RTC_REG_B];
	int64_t best = INT64_MAX, t, sec;
	unsigned shift = periodic_shift(r);

	if (r->irq_level || !divider_running(r))
		return RTC_NO_EVENT; /* IRQ8 stays high until register C is read */
	if ((b & REG_B_PIE) && shift) {
		t = r->phase_ns + ceil_ns_of_32k((periodic_index(r, r->last_ns) + 1) << shift);
		best = t < best ? t : best;
	}
	if (!(b & REG_B_SET) && (b & (REG_B_UIE | REG_B_AIE))) {
		sec = clock_sec(r, r->last_ns);
		if (b & REG_B_UIE)
			t = sec + 1;
		else
			t = next_alarm_after(r, sec);
		if (t != INT64_MAX) {
			t = r->phase_ns + (t - r->base_sec) * NS_PER_SEC;
			best = t < best ? t : best;
		}
	}
	return best == INT64_MAX ? RTC_NO_EVENT : (uint64_t)(best < 0 ? 0 : best);
}

static uint8_t read_time_byte(struct rtc *r, uint8_t index, int64_t t)
{
	struct rtc_date d = date_of(clock_sec(r, t));

	switch (index) {
	case RTC_SECONDS:
		return encode(r, d.second);
	case RTC_MINUTES:
		return encode(r, d.minute);
	case RTC_HOURS:
		return encode_hour(r, d.hour);
	case RTC_DAY_OF_WEEK:
		return encode(r, d.weekday);
	case RTC_DAY_OF_MONTH:
		return encode(r, d.day);
	case RTC_MONTH:
		return encode(r, d.month);
	case RTC_YEAR:
		return encode(r, (unsigned)(d.year % 100));
	case RTC_CENTURY:
		return encode(r, (unsigned)(d.year / 100 % 100));
	}
	return 0xff;
}

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A write to a time byte sets that field of the clock and keeps the others. */
static void write_time_byte(struct rtc *r, uint8_t index, uint8_t value, int64_t t)
{
	int64_t old = clock_sec(r, t), new;
	struct rtc_date d = date_of(old);

	switch (index) {
	case RTC_SECONDS:
		d.second = clamp(decode(r, value), 0, 59);
		break;
	case RTC_MINUTES:
		d.minute = clamp(decode(r, value), 0, 59);
		break;
	case RTC_HOURS:
		d.hour = clamp(decode_hour(r, value), 0, 23);
		break;
	case RTC_DAY_OF_MONTH:
		d.day = clamp(decode(r, value), 1, 31);
		break;
	case RTC_MONTH:
		d.month = clamp(decode(r, value), 1, 12);
		break;
	case RTC_YEAR:
		d.year = d.year / 100 * 100 + clamp(decode(r, value), 0, 99);
		break;
	case RTC_CENTURY:
		d.year = d.year % 100 + clamp(decode(r, value), 0, 99) * 100;
		break;
	default:
		return; /* the day of week follows the date */
	}
	new = time_of(&d);
	if (clock_stopped(r))
		r->frozen_sec = new;
	else
		r->base_sec += new - old;
}

/* Registers A and B may stop or restart the clock; keep the time shown continuous. */
static void write_control(struct rtc *r, uint8_t index, uint8_t value, int64_t t)
{
	bool was_stopped = clock_stopped(r), was_reset = !divider_running(r);
	int64_t sec = clock_sec(r, t);

	if (index == RTC_REG_A) {
		r->cmos[RTC_REG_A] = value & ~REG_A_UIP;
	} else {
		/* SET aborts an update cycle in progress and clears UIE (data sheet, "Register B"). */
		if (value & REG_B_SET)
			value &= (uint8_t)~REG_B_UIE;
		r->cmos[RTC_REG_B] = value;
	}
	if (was_reset && divider_running(r))
		r->phase_ns = t - NS_PER_SEC / 2; /* the first update comes 500 ms later */
	if (!was_stopped && clock_stopped(r))
		r->frozen_sec = sec;
	else if (was_stopped && !clock_stopped(r))
		r->base_sec = r->frozen_sec - floor_div(t - r->phase_ns, NS_PER_SEC);
}

static bool update_in_progress(const struct rtc *r, int64_t t)
{
	int64_t into_second;

	if (clock_stopped(r))
		return false;
	into_second = t - r->phase_ns - floor_div(t - r->phase_ns, NS_PER_SEC) * NS_PER_SEC;
	return into_second >= NS_PER_SEC - UIP_NS;
}

uint8_t rtc_read(struct rtc *r, unsigned port)
{
	int64_t t = now(r);
	uint8_t v = 0xff;

	rtc_catch_up(r, t);
	if (port == 0) {
		rtc_update_irq(r);
		return 0xff; /* the index register is write only */
	}
	switch (r->index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		v = read_time_byte(r, r->index, t);
		break;
	case RTC_REG_A:
		v = (uint8_t)(r->cmos[RTC_REG_A] | (update_in_progress(r, t) ? REG_A_UIP : 0));
		break;
	case RTC_REG_C:
		rtc_update_irq(r);
		v = r->flags;
		r->flags = 0; /* all flags clear on read */
		break;
	case RTC_REG_D:
		v = REG_D_VRT;
		break;
	default:
		v = r->cmos[r->index];
		break;
	}
	rtc_update_irq(r);
	return v;
}

void rtc_write(struct rtc *r, unsigned port, uint8_t value)
{
	int64_t t = now(r);

	rtc_catch_up(r, t);
	if (port == 0) {
		r->index = value & (RTC_CMOS_SIZE - 1);
		r->nmi_disabled = value & NMI_DISABLE;
		rtc_update_irq(r);
		return;
	}
	switch (r->index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		write_time_byte(r, r->index, value, t);
		break;
	case RTC_REG_A:
	case RTC_REG_B:
		write_control(r, r->index, value, t);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break; /* read only */
	default:
		r->cmos[r->index] = value;
		break;
	}
	rtc_update_irq(r);
}

bool rtc_nmi_disabled(const struct rtc *r)
{
	return r->nmi_disabled;
}

int64_t rtc_time(struct rtc *r)
{
	return clock_sec(r, now(r));
}

void rtc_set_cmos(struct rtc *r, uint8_t index, uint8_t value)
{
	if (index >= 0x0e && index < RTC_CMOS_SIZE && index != RTC_CENTURY)
		r->cmos[index] = value;
}

static void set_word(struct rtc *r, uint8_t index, uint64_t v)
{
	r->cmos[index] = (uint8_t)v;
	r->cmos[index + 1] = (uint8_t)(v >> 8);
}

void rtc_set_memory_size(struct rtc *r, uint64_t ram_below_4g, uint64_t ram_above_4g)
{
	const uint64_t kib = 1024, mib = 1024 * kib, chunk = 64 * kib;
	uint64_t ext_kib = ram_below_4g > mib ? (ram_below_4g - mib) / kib : 0;
	uint64_t above_16m = ram_below_4g > 16 * mib ? (ram_below_4g - 16 * mib) / chunk : 0;
	uint64_t above_4g = ram_above_4g / chunk;

	set_word(r, 0x15, 640);
	set_word(r, 0x17, ext_kib > 0xffff ? 0xffff : ext_kib);
	set_word(r, 0x30, ext_kib > 0xffff ? 0xffff : ext_kib);
	set_word(r, 0x34, above_16m > 0xffff ? 0xffff : above_16m);
	if (above_4g > 0xffffff)
		above_4g = 0xffffff;
	r->cmos[0x5b] = (uint8_t)above_4g;
	r->cmos[0x5c] = (uint8_t)(above_4g >> 8);
	r->cmos[0x5d] = (uint8_t)(above_4g >> 16);
}

void rtc_reset(struct rtc *r)
{
	rtc_catch_up(r, now(r));
	/* RESET clears PIE, AIE, UIE, SQWE and every flag of register C (data sheet, "RESET"). */
	r->cmos[RTC_REG_B] &= (uint8_t)~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
	r->flags = 0;
	rtc_update_irq(r);
}

void rtc_init(struct rtc *r, int64_t epoch, uint64_t (*now_ns)(void *opaque), void *clock_opaque,
	      void (*set_irq)(void *opaque, int irq, bool level), void *irq_opaque)
{
	*r = (struct rtc){.now_ns = now_ns, .clock_opaque = clock_opaque, .set_irq = set_irq,
			  .irq_opaque = irq_opaque};
	r->last_ns = (int64_t)now_ns(clock_opaque);
	r->phase_ns = r->last_ns;
	r->base_sec = epoch;
	r->frozen_sec = epoch;
	/* What a PC BIOS leaves: 32.768 kHz, 1024 Hz periodic rate, 24-hour BCD. */
	r->cmos[RTC_REG_A] = DV_32768HZ << REG_A_DV_SHIFT | 0x06;
	r->cmos[RTC_REG_B] = REG_B_24H;
	rtc_reset(r);
}

static uint64_t rtc_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return rtc_read(opaque, (unsigned)addr);
}

static void rtc_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	rtc_write(opaque, (unsigned)addr, (uint8_t)value);
}

static const struct bus_ops rtc_ops = {.read = rtc_bus_read, .write = rtc_bus_write};

bool rtc_register(struct rtc *r, struct bus *bus)
{
	return bus_add_pio(bus, "rtc", RTC_BASE, RTC_NR_PORTS, &rtc_ops, r);
}

bool rtc_snapshot(struct rtc *r, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "rtc", 1) &&
		  dev_snapshot_field(snap, "cmos", r->cmos, sizeof(r->cmos)) &&
		  dev_snapshot_field(snap, "index", &r->index, sizeof(r->index)) &&
		  dev_snapshot_field(snap, "nmi_disabled", &r->nmi_disabled,
				     sizeof(r->nmi_disabled)) &&
		  dev_snapshot_field(snap, "flags", &r->flags, sizeof(r->flags)) &&
		  dev_snapshot_field(snap, "base_sec", &r->base_sec, sizeof(r->base_sec)) &&
		  dev_snapshot_field(snap, "frozen_sec", &r->frozen_sec, sizeof(r->frozen_sec)) &&
		  dev_snapshot_field(snap, "phase_ns", &r->phase_ns, sizeof(r->phase_ns)) &&
		  dev_snapshot_field(snap, "last_ns", &r->last_ns, sizeof(r->last_ns));

	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		r->index &= RTC_CMOS_SIZE - 1;
		r->irq_level = !(r->flags & REG_C_IRQF); /* force the line to be re-sent */
		rtc_update_irq(r);
	}
	return ok;
}
