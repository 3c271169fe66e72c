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
#include <stddef.h>
#include <stdint.h>

#include "dev/ioapic.h"
#include "dev/pci.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/pmtimer.h"
#include "dev/rtc.h"

struct vm;

#define PLATFORM_PM_BASE 0x600
/* PCI: ECAM right after low RAM, 32-bit BARs above it, below the I/O APIC. */
#define PLATFORM_ECAM_BASE 0xe0000000ull
#define PLATFORM_MMIO32_BASE 0xf0000000ull
#define PLATFORM_MMIO32_SIZE 0x0c000000ull
#define PLATFORM_PCI_IO_BASE 0xc000
#define PLATFORM_PCI_IO_SIZE 0x4000
/* ACPI: the RSDP where guests search (ACPI 6.4, 5.2.5.1), tables after it. */
#define PLATFORM_RSDP 0xe0000ull
#define PLATFORM_ACPI_TABLES 0xe0100ull

struct platform {
	struct pic pic;
	struct ioapic ioapic;
	struct pit pit;
	struct rtc rtc;
	struct pmtimer pm;
	struct pci pci;
	bool pit_enabled;
};

bool platform_init(struct vm *vm, bool pit);
/* After every device exists: place PCI BARs and write the ACPI tables into RAM. */
bool platform_finish(struct vm *vm, char *err, size_t errlen);
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
