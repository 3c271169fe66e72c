/* SPDX-License-Identifier: MIT */
/* PC interrupt routing and platform timers (see platform.h). */
#include "l0/platform.h"

#include <stdio.h>

#include "boot/acpi.h"
#include "l0/vm_internal.h"

/* Platform time is the running vCPU's TSC: one tick per nanosecond (docs/decisions.md). */
static uint64_t platform_now_ns(void *opaque)
{
	struct vm *vm = opaque;
	return vm->current->cpu.tsc;
}

static void isa_irq(void *opaque, int irq, bool level)
{
	platform_set_isa_irq(opaque, irq, level);
}

/* A line of the bus (pc-testdev's 0x2000 ports): ISA IRQs 0–15, then GSIs 16–23. */
static void bus_line(void *opaque, unsigned line, bool level)
{
	if (line < 16)
		platform_set_isa_irq(opaque, (int)line, level);
	else
		platform_set_gsi(opaque, (int)line, level);
}

/* The PIC's INTR output is wired to LINT0 of the BSP (virtual-wire mode, MP spec 3.6.2). */
static void pic_output(void *opaque, bool level)
{
	struct vm *vm = opaque;
	lapic_set_lint(&vm->vcpus[0]->lapic, 0, level);
}

/* An I/O APIC redirection entry fires: deliver it like an IPI (SDM Vol. 3A, 11.6). */
static void ioapic_deliver(void *opaque, const struct ioapic_msg *msg)
{
	struct vm *vm = opaque;
	struct lapic_ipi ipi = {
		.vector = msg->vector,
		.delivery_mode = (enum lapic_delivery_mode)msg->delivery_mode,
		.logical = msg->logical,
		.shorthand = APIC_SHORTHAND_NONE,
		.dest = msg->dest,
		.level = true,
		.trigger_level = msg->level,
		.source_id = 0xff,
	};

	intr_deliver(vm, &ipi, NULL);
}

static void acpi_shutdown(void *opaque)
{
	struct vm *vm = opaque;
	bus_request_stop(&vm->bus, 0, "the guest powered off (ACPI S5)");
}

bool platform_init(struct vm *vm, bool pit)
{
	struct platform *p = &vm->platform;

	pic_init(&p->pic, pic_output, vm);
	ioapic_init(&p->ioapic, (uint8_t)vm->nvcpus, ioapic_deliver, vm);
	pit_init(&p->pit, platform_now_ns, vm, isa_irq, vm);
	rtc_init(&p->rtc, RTC_DEFAULT_EPOCH, platform_now_ns, vm, isa_irq, vm);
	pmtimer_init(&p->pm, true, platform_now_ns, vm, isa_irq, vm, acpi_shutdown, vm);
	uint64_t below = vm->mem.slot[0].size;
	uint64_t above = vm->mem.nslots > 1 ? vm->mem.slot[1].size : 0;
	rtc_set_memory_size(&p->rtc, below, above);
	p->pit_enabled = pit;
	struct pci_config pc = {
		.ecam_base = PLATFORM_ECAM_BASE,
		.ecam_bus_end = 0xff,
		.mmio32_base = PLATFORM_MMIO32_BASE,
		.mmio32_size = PLATFORM_MMIO32_SIZE,
		.io_base = PLATFORM_PCI_IO_BASE,
		.io_size = PLATFORM_PCI_IO_SIZE,
		.intx_line = {10, 11, 10, 11},
		.reset_status = VM_STATUS_SHUTDOWN,
	};
	pci_init(&p->pci, &vm->bus, &pc);
	vm->bus.set_irq = bus_line;
	vm->bus.irq_opaque = vm;
	vm->bus.pci = &p->pci;
	return pci_register(&p->pci) && pic_register(&p->pic, &vm->bus) && ioapic_register(&p->ioapic, &vm->bus, IOAPIC_BASE) &&
	       (!pit || pit_register(&p->pit, &vm->bus)) && rtc_register(&p->rtc, &vm->bus) &&
	       pmtimer_register(&p->pm, &vm->bus, PLATFORM_PM_BASE);
}

void platform_set_gsi(struct vm *vm, int gsi, bool level)
{
	if (gsi >= 0 && gsi < 24)
		ioapic_set_irq(&vm->platform.ioapic, gsi, level);
}

void platform_set_isa_irq(struct vm *vm, int irq, bool level)
{
	if (irq < 0 || irq > 15)
		return;
	pic_set_irq(&vm->platform.pic, irq, level);
	/* Interrupt source override: ISA IRQ0 is GSI2 (the MADT says so). */
	platform_set_gsi(vm, irq == 0 ? 2 : irq, level);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t platform_next_event(struct vm *vm)
{
	struct platform *p = &vm->platform;
	uint64_t t = min_u64(rtc_next_event_ns(&p->rtc), pmtimer_next_event_ns(&p->pm));

	if (p->pit_enabled)
		t = min_u64(t, pit_next_event_ns(&p->pit));
	return t;
}

void platform_update(struct vm *vm)
{
	struct platform *p = &vm->platform;
	uint64_t now = vm->current->cpu.tsc;

	if (p->pit_enabled && now >= pit_next_event_ns(&p->pit))
		pit_update(&p->pit);
	if (now >= rtc_next_event_ns(&p->rtc))
		rtc_update(&p->rtc);
	if (now >= pmtimer_next_event_ns(&p->pm))
		pmtimer_update(&p->pm);
}

/*
 * What PC firmware leaves behind and guests booted without a BIOS expect (kvm-unit-tests
 * was written against SeaBIOS): the 8259s initialized with vectors 08h and 70h (ICW1–4),
 * and the BSP's LINT0/LINT1 in virtual-wire mode (ExtINT, NMI; MP spec 3.6.2.2).
 */
static void firmware_state(struct vm *vm)
{
	static const uint8_t init[][2] = {
		{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}, /* master: ICW1–ICW4 */
		{0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01}, /* slave on IR2 */
		{0x21, 0x00}, {0xa1, 0x00},                             /* OCW1: no masks */
	};

	for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++)
		pic_write(&vm->platform.pic, init[i][0], init[i][1]);
	/* SeaBIOS also software-enables the APIC (SVR 1FFh) so LINT0 is live. */
	lapic_mmio_write(&vm->vcpus[0]->lapic, 0xf0, 4, 0x1ff);
	lapic_setup_virtual_wire(&vm->vcpus[0]->lapic);
}

bool platform_finish(struct vm *vm, char *err, size_t errlen)
{
	struct platform *p = &vm->platform;
	struct acpi_config ac = {
		.ncpus = vm->nvcpus,
		.lapic_base = 0xfee00000ull,
		.ioapic_base = IOAPIC_BASE,
		.ioapic_id = vm->nvcpus,
		.gsi_base = 0,
		.pic = true,
		.pm_base = PLATFORM_PM_BASE,
		.pm_timer_32bit = pmtimer_is_32bit(&p->pm),
		.sci_irq = PMTIMER_SCI_IRQ,
		.ecam_base = PLATFORM_ECAM_BASE,
		.ecam_bus_end = 0xff,
		.reset_port = 0xcf9,
		.reset_value = 0x06,
	};

	firmware_state(vm);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		ac.apic_ids[i] = vm->vcpus[i]->lapic.apic_id;
	if (!pci_assign_bars(&p->pci, PLATFORM_MMIO32_BASE, PLATFORM_MMIO32_SIZE,
			     PLATFORM_PCI_IO_BASE, PLATFORM_PCI_IO_SIZE)) {
		snprintf(err, errlen, "the PCI devices' BARs do not fit their windows");
		return false;
	}
	if (vm->mem.l1_size < 0x100000) {
		snprintf(err, errlen, "-m: at least 1 MiB of RAM is needed");
		return false;
	}
	return acpi_build(&ac, vm->mem.machine, 0x100000, PLATFORM_ACPI_TABLES, PLATFORM_RSDP, err,
			  errlen) != 0;
}

int platform_pic_acknowledge(struct vm *vm)
{
	return pic_acknowledge(&vm->platform.pic);
}
