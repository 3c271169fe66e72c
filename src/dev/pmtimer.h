/* SPDX-License-Identifier: MIT */
/*
 * The ACPI power-management timer and the PM1a event and control registers (ACPI 6.5,
 * 4.8.3 "Fixed Hardware Registers": PM1 Event Grouping, PM1 Control Grouping, Power
 * Management Timer). The block sits at a port base the machine chooses:
 * base+0 PM1_STS, base+2 PM1_EN, base+4 PM1_CNT, base+8 PM_TMR. Writing SLP_EN with the
 * S5 sleep type calls the shutdown callback, so guests can power off.
 */
#ifndef NESTVM_DEV_PMTIMER_H
#define NESTVM_DEV_PMTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define PMTIMER_FREQ_HZ 3579545u
#define PMTIMER_BLOCK_LEN 12
#define PMTIMER_SCI_IRQ 9
#define PMTIMER_NO_EVENT UINT64_MAX
/* SLP_TYP of S5 in PM1_CNT: the DSDT's \_S5 package must carry this value. */
#define PMTIMER_SLP_TYP_S5 5

/* Offsets in the block. */
#define PMTIMER_PM1_STS 0
#define PMTIMER_PM1_EN 2
#define PMTIMER_PM1_CNT 4
#define PMTIMER_PM_TMR 8

/* PM1_STS / PM1_EN bits. */
#define PMTIMER_TMR_STS 0x0001
#define PMTIMER_PWRBTN_STS 0x0100
#define PMTIMER_WAK_STS 0x8000
/* PM1_CNT bits. */
#define PMTIMER_SCI_EN 0x0001
#define PMTIMER_SLP_TYP_SHIFT 10
#define PMTIMER_SLP_TYP_MASK 0x1c00
#define PMTIMER_SLP_EN 0x2000

struct pmtimer {
	uint16_t sts, en, cnt;
	bool ext32;           /* 32-bit counter (FADT TMR_VAL_EXT) instead of 24-bit */
	bool sci_level;
	uint64_t last_ns;     /* TMR_STS is current up to here */
	uint64_t (*now_ns)(void *opaque);
	void *clock_opaque;
	void (*set_irq)(void *opaque, int irq, bool level); /* SCI, level triggered */
	void *irq_opaque;
	int sci_irq;
	void (*shutdown)(void *opaque); /* SLP_EN with SLP_TYP S5 */
	void *shutdown_opaque;
};

/*
 * ext32 selects the 32-bit counter. set_irq and shutdown may be NULL. The system starts
 * in ACPI mode (SCI_EN set), so the FADT needs no SMI_CMD.
 */
void pmtimer_init(struct pmtimer *pm, bool ext32, uint64_t (*now_ns)(void *opaque),
		  void *clock_opaque, void (*set_irq)(void *opaque, int irq, bool level),
		  void *irq_opaque, void (*shutdown)(void *opaque), void *shutdown_opaque);
void pmtimer_reset(struct pmtimer *pm);
/* Claims PMTIMER_BLOCK_LEN ports from base (e.g. 0x600: the timer at 0x608). */
bool pmtimer_register(struct pmtimer *pm, struct bus *bus, uint16_t base);
/* offset: from the block base; size 1, 2 or 4. */
uint32_t pmtimer_read(struct pmtimer *pm, unsigned offset, unsigned size);
void pmtimer_write(struct pmtimer *pm, unsigned offset, unsigned size, uint32_t value);
/* The PM_TMR value now. */
uint32_t pmtimer_counter(struct pmtimer *pm);
/* For the FADT: true means TMR_VAL_EXT (32-bit counter). */
bool pmtimer_is_32bit(const struct pmtimer *pm);
/* The power button was pressed: sets PWRBTN_STS. */
void pmtimer_power_button(struct pmtimer *pm);
/* The next time the counter's top bit flips while TMR_EN asks for an SCI. */
uint64_t pmtimer_next_event_ns(struct pmtimer *pm);
void pmtimer_update(struct pmtimer *pm);
bool pmtimer_snapshot(struct pmtimer *pm, struct dev_snapshot *snap);

#endif
