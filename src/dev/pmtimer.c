/* SPDX-License-Identifier: MIT */
/*
 * ACPI PM timer and PM1a registers (ACPI 6.5, 4.8.3.1 "PM1 Event Grouping", 4.8.3.2
 * "PM1 Control Grouping", 4.8.3.3 "Power Management Timer"). The counter is computed
 * from the machine clock at 3.579545 MHz; TMR_STS is set each time its top bit flips.
 * Sleep states other than S5 are not implemented: SLP_EN with another type is ignored.
 */
#include "dev/pmtimer.h"

#define STS_WRITE_CLEAR (PMTIMER_TMR_STS | PMTIMER_PWRBTN_STS | PMTIMER_WAK_STS)
#define EN_WRITABLE (PMTIMER_TMR_STS | PMTIMER_PWRBTN_STS)
#define CNT_WRITABLE (PMTIMER_SCI_EN | PMTIMER_SLP_TYP_MASK | 0x0006) /* BM_RLD, GBL_RLS */

static uint64_t ticks(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PMTIMER_FREQ_HZ / 1000000000u);
}

static unsigned top_bit(const struct pmtimer *pm)
{
	return pm->ext32 ? 31 : 23;
}

static uint64_t clock_now(struct pmtimer *pm)
{
	uint64_t t = pm->now_ns(pm->clock_opaque);

	return t < pm->last_ns ? pm->last_ns : t;
}

static void catch_up(struct pmtimer *pm, uint64_t t)
{
	/* The top bit flips every 2^top ticks: any flip since last_ns sets TMR_STS. */
	if (ticks(t) >> top_bit(pm) != ticks(pm->last_ns) >> top_bit(pm))
		pm->sts |= PMTIMER_TMR_STS;
	pm->last_ns = t;
}

static void pmtimer_update_irq(struct pmtimer *pm)
{
	bool level = (pm->sts & pm->en & EN_WRITABLE) != 0;

	if (level != pm->sci_level) {
		pm->sci_level = level;
		if (pm->set_irq)
			pm->set_irq(pm->irq_opaque, pm->sci_irq, level);
	}
}

uint32_t pmtimer_counter(struct pmtimer *pm)
{
	uint64_t t = ticks(clock_now(pm));

	return pm->ext32 ? (uint32_t)t : (uint32_t)(t & 0xffffff);
}

bool pmtimer_is_32bit(const struct pmtimer *pm)
{
	return pm->ext32;
}

void pmtimer_update(struct pmtimer *pm)
{
	catch_up(pm, clock_now(pm));
	pmtimer_update_irq(pm);
}

uint64_t pmtimer_next_event_ns(struct pmtimer *pm)
{
	uint64_t next;
	unsigned __int128 ns;

	if (!(pm->en & PMTIMER_TMR_STS) || (pm->sts & PMTIMER_TMR_STS))
		return PMTIMER_NO_EVENT;
	next = ((ticks(pm->last_ns) >> top_bit(pm)) + 1) << top_bit(pm);
	ns = ((unsigned __int128)next * 1000000000u + PMTIMER_FREQ_HZ - 1) / PMTIMER_FREQ_HZ;
	return ns > UINT64_MAX ? PMTIMER_NO_EVENT : (uint64_t)ns;
}

void pmtimer_power_button(struct pmtimer *pm)
{
	catch_up(pm, clock_now(pm));
	pm->sts |= PMTIMER_PWRBTN_STS;
	pmtimer_update_irq(pm);
}

/* The byte at offset of the block as the guest sees it; the timer sampled once per access. */
static uint8_t block_byte(const struct pmtimer *pm, unsigned offset, uint32_t tmr)
{
	switch (offset) {
	case 0:
	case 1:
		return (uint8_t)(pm->sts >> (8 * offset));
	case 2:
	case 3:
		return (uint8_t)(pm->en >> (8 * (offset - 2)));
	case 4:
	case 5:
		return (uint8_t)(pm->cnt >> (8 * (offset - 4))); /* SLP_EN reads as zero */
	case 8:
	case 9:
	case 10:
	case 11:
		return (uint8_t)(tmr >> (8 * (offset - 8)));
	}
	return 0xff;
}

uint32_t pmtimer_read(struct pmtimer *pm, unsigned offset, unsigned size)
{
	uint32_t v = 0, tmr;

	catch_up(pm, clock_now(pm));
	tmr = pmtimer_counter(pm);
	for (unsigned i = 0; i < size && i < 4; i++)
		v |= (uint32_t)block_byte(pm, offset + i, tmr) << (8 * i);
	pmtimer_update_irq(pm);
	return v;
}

static void write_cnt(struct pmtimer *pm, uint16_t value)
{
	unsigned slp_typ = (value & PMTIMER_SLP_TYP_MASK) >> PMTIMER_SLP_TYP_SHIFT;

	/* SCI_EN is owned by the hardware here: the system is always in ACPI mode. */
	pm->cnt = (uint16_t)((value & CNT_WRITABLE) | PMTIMER_SCI_EN);
	if ((value & PMTIMER_SLP_EN) && slp_typ == PMTIMER_SLP_TYP_S5 && pm->shutdown)
		pm->shutdown(pm->shutdown_opaque);
}

void pmtimer_write(struct pmtimer *pm, unsigned offset, unsigned size, uint32_t value)
{
	uint16_t sts_clear = 0, en_val = pm->en, en_mask = 0, cnt_val = pm->cnt, cnt_mask = 0;

	catch_up(pm, clock_now(pm));
	/* Gather the bytes per register, so a 32-bit write at 0 reaches PM1_STS and PM1_EN. */
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = offset + i, shift;
		uint16_t byte = (uint8_t)(value >> (8 * i));

		if (off < 2) {
			sts_clear |= (uint16_t)(byte << (8 * off));
		} else if (off < 4) {
			shift = 8 * (off - 2);
			en_val = (uint16_t)((en_val & ~(0xff << shift)) | byte << shift);
			en_mask |= (uint16_t)(0xff << shift);
		} else if (off < 6) {
			shift = 8 * (off - 4);
			cnt_val = (uint16_t)((cnt_val & ~(0xff << shift)) | byte << shift);
			cnt_mask |= (uint16_t)(0xff << shift);
		}
	}
	pm->sts &= (uint16_t)~(sts_clear & STS_WRITE_CLEAR); /* write 1 to clear */
	if (en_mask)
		pm->en = en_val & EN_WRITABLE;
	if (cnt_mask)
		write_cnt(pm, cnt_val);
	pmtimer_update_irq(pm);
}

void pmtimer_reset(struct pmtimer *pm)
{
	pm->sts = 0;
	pm->en = 0;
	pm->cnt = PMTIMER_SCI_EN;
	pmtimer_update_irq(pm);
}

void pmtimer_init(struct pmtimer *pm, bool ext32, uint64_t (*now_ns)(void *opaque),
		  void *clock_opaque, void (*set_irq)(void *opaque, int irq, bool level),
		  void *irq_opaque, void (*shutdown)(void *opaque), void *shutdown_opaque)
{
	*pm = (struct pmtimer){.ext32 = ext32, .now_ns = now_ns, .clock_opaque = clock_opaque,
			       .set_irq = set_irq, .irq_opaque = irq_opaque,
			       .sci_irq = PMTIMER_SCI_IRQ, .shutdown = shutdown,
			       .shutdown_opaque = shutdown_opaque};
	pm->last_ns = now_ns(clock_opaque);
	pmtimer_reset(pm);
}

static uint64_t pm_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return pmtimer_read(opaque, (unsigned)addr, size);
}

static void pm_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	pmtimer_write(opaque, (unsigned)addr, size, (uint32_t)value);
}

static const struct bus_ops pm_ops = {.read = pm_bus_read, .write = pm_bus_write};

bool pmtimer_register(struct pmtimer *pm, struct bus *bus, uint16_t base)
{
	return bus_add_pio(bus, "acpi-pm", base, PMTIMER_BLOCK_LEN, &pm_ops, pm);
}

bool pmtimer_snapshot(struct pmtimer *pm, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "pmtimer", 1) &&
		  dev_snapshot_field(snap, "sts", &pm->sts, sizeof(pm->sts)) &&
		  dev_snapshot_field(snap, "en", &pm->en, sizeof(pm->en)) &&
		  dev_snapshot_field(snap, "cnt", &pm->cnt, sizeof(pm->cnt)) &&
		  dev_snapshot_field(snap, "ext32", &pm->ext32, sizeof(pm->ext32)) &&
		  dev_snapshot_field(snap, "last_ns", &pm->last_ns, sizeof(pm->last_ns));

	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		pm->sci_level = !(pm->sts & pm->en & EN_WRITABLE); /* re-send the SCI level */
		pmtimer_update_irq(pm);
	}
	return ok;
}
