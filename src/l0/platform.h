/* SPDX-License-Identifier: MIT */
/*
 * The PC platform around the vCPUs, as L0 wires it: the 8259 PIC pair, the I/O APIC,
 * the 8254 PIT, the RTC and the ACPI PM timer; ISA interrupt lines routed to both the
 * PIC and the I/O APIC (IRQ0 to GSI2, as the MADT's source override says); the PIC's
 * output to LINT0 of the bootstrap processor; I/O APIC messages to the local APICs.
 */
#ifndef NESTVM_L0_PLATFORM_H
#define NESTVM_L0_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/ioapic.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/pmtimer.h"
#include "dev/rtc.h"

struct vm;

#define PLATFORM_PM_BASE 0x600

struct platform {
	struct pic pic;
	struct ioapic ioapic;
	struct pit pit;
	struct rtc rtc;
	struct pmtimer pm;
	bool pit_enabled;
};

bool platform_init(struct vm *vm, bool pit);
/* An ISA interrupt line (0–15) changed level. */
void platform_set_isa_irq(struct vm *vm, int irq, bool level);
/* A GSI (I/O APIC pin 0–23) changed level; GSIs 0–15 are the ISA lines after overrides. */
void platform_set_gsi(struct vm *vm, int gsi, bool level);
/* TSC (= nanoseconds) of the next platform timer event; UINT64_MAX if none. */
uint64_t platform_next_event(struct vm *vm);
/* Let timers whose event time has passed raise their interrupts. */
void platform_update(struct vm *vm);
/* The vector of an ExtINT the PIC delivers (INTA cycle). */
int platform_pic_acknowledge(struct vm *vm);

#endif
