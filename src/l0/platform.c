/* SPDX-License-Identifier: MIT */
/* PC interrupt routing and platform timers (see platform.h). */
#include "l0/platform.h"

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
	struct vcpu *best = NULL;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!lapic_match_destination(&t->lapic, ipi.dest, ipi.logical, false))
			continue;
		if (ipi.delivery_mode == APIC_DM_LOWEST) {
			if (!best || lapic_arbitration_priority(&t->lapic) <
					     lapic_arbitration_priority(&best->lapic))
				best = t;
			continue;
		}
		lapic_deliver(&t->lapic, &ipi);
	}
	if (best)
		lapic_deliver(&best->lapic, &ipi);
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
	return pic_register(&p->pic, &vm->bus) && ioapic_register(&p->ioapic, &vm->bus, IOAPIC_BASE) &&
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

int platform_pic_acknowledge(struct vm *vm)
{
	return pic_acknowledge(&vm->platform.pic);
}
