/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 real-time clock and CMOS memory at 0x70/0x71, IRQ 8 (Motorola MC146818A
 * data sheet). The clock starts at a fixed time given at init and advances with the
 * machine's deterministic nanosecond clock, so every run reads the same dates.
 */
#ifndef NESTVM_DEV_RTC_H
#define NESTVM_DEV_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/bus.h"
#include "dev/registry.h"

#define RTC_BASE 0x70
#define RTC_NR_PORTS 2
#define RTC_IRQ 8
#define RTC_NO_EVENT UINT64_MAX
#define RTC_CMOS_SIZE 128
/* 2026-01-01 00:00:00 UTC, the default start of the clock. */
#define RTC_DEFAULT_EPOCH 1767225600ll

/* Register indices (data sheet, "Address Map"), plus the PC's century byte. */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

struct rtc {
	uint8_t cmos[RTC_CMOS_SIZE]; /* alarms, A, B and RAM 0x0e-0x7f; time bytes unused */
	uint8_t index;               /* port 0x70 bits 6-0 */
	bool nmi_disabled;           /* port 0x70 bit 7 */
	uint8_t flags;               /* register C IRQF/PF/AF/UF, set lazily up to last_ns */
	bool irq_level;
	/*
	 * The clock: at phase_ns + k seconds (an update boundary) it shows base_sec + k
	 * (Unix seconds). While stopped (SET, or divider not running) it shows frozen_sec.
	 */
	int64_t base_sec;
	int64_t frozen_sec;
	int64_t phase_ns;
	int64_t last_ns; /* flags are current up to here */
	uint64_t (*now_ns)(void *opaque);
	void *clock_opaque;
	void (*set_irq)(void *opaque, int irq, bool level);
	void *irq_opaque;
};

/* epoch: Unix time the clock shows at init (e.g. RTC_DEFAULT_EPOCH). set_irq may be NULL. */
void rtc_init(struct rtc *r, int64_t epoch, uint64_t (*now_ns)(void *opaque), void *clock_opaque,
	      void (*set_irq)(void *opaque, int irq, bool level), void *irq_opaque);
/* Reset: registers B and C cleared of interrupt enables and flags; time and RAM kept. */
void rtc_reset(struct rtc *r);
bool rtc_register(struct rtc *r, struct bus *bus);
/* port: 0 (index, write only) or 1 (data). */
uint8_t rtc_read(struct rtc *r, unsigned port);
void rtc_write(struct rtc *r, unsigned port, uint8_t value);
/* The next time IRQ8 must rise, or RTC_NO_EVENT; rtc_update once it has come. */
uint64_t rtc_next_event_ns(struct rtc *r);
void rtc_update(struct rtc *r);
/* Port 0x70 bit 7: the NMI mask the machine should honour. */
bool rtc_nmi_disabled(const struct rtc *r);
/* For the machine to fill CMOS RAM (index 0x0e-0x7f) before the guest starts. */
void rtc_set_cmos(struct rtc *r, uint8_t index, uint8_t value);
/*
 * Fills the memory-size bytes as PC BIOSes and QEMU do:
 *   0x15/0x16 base memory in KiB (640);
 *   0x17/0x18 and 0x30/0x31 memory from 1 MiB to ram_below_4g in KiB, at most 0xffff;
 *   0x34/0x35 memory from 16 MiB to ram_below_4g in 64 KiB units, at most 0xffff;
 *   0x5b/0x5c/0x5d ram_above_4g in 64 KiB units (24 bits).
 */
void rtc_set_memory_size(struct rtc *r, uint64_t ram_below_4g, uint64_t ram_above_4g);
/* The Unix time the clock shows now. */
int64_t rtc_time(struct rtc *r);
bool rtc_snapshot(struct rtc *r, struct dev_snapshot *snap);

#endif
