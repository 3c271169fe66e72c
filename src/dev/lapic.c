/* SPDX-License-Identifier: MIT */
/*
 * Local APIC (SDM Vol. 3A, chapter 11 "Advanced Programmable Interrupt Controller
 * (APIC)"), shaped like the other devices: registers switched by name in one read and
 * one write function, shared by the xAPIC page and the x2APIC MSRs (SDM 11.12.1
 * "Detecting and Enabling x2APIC Mode" and Table 11-6). The timer is not ticked: its
 * count is derived from the TSC when read, and L0 asks lapic_next_event() when to call
 * lapic_update_timer().
 */
#include "dev/lapic.h"

#include <string.h>

/* Register bits software may write, per register (SDM Figures 11-8, 11-12, 11-23). */
#define ICR_LOW_WRITABLE 0x000ccfffu /* vector, mode, dest mode, level, trigger, shorthand */
#define LVT_TIMER_WRITABLE_BASE (APIC_VECTOR_MASK | APIC_LVT_MASKED | (1u << 17))
#define LVT_TIMER_DEADLINE_BIT (1u << 18)
#define LVT_LOCAL_WRITABLE 0x000107ffu /* thermal, PMC, CMCI: vector, mode, mask */
#define LVT_LINT_WRITABLE 0x0001a7ffu  /* plus polarity and trigger mode */
#define LVT_ERROR_WRITABLE 0x000100ffu
#define SVR_WRITABLE 0x000003ffu       /* vector, APIC enable, focus processor checking */
#define DIVIDE_WRITABLE 0x0000000bu    /* bits 0, 1 and 3 (SDM Figure 11-10) */
#define XAPIC_ID_MASK 0xff000000u
#define DFR_MODEL_FLAT 0xfu
#define DFR_MODEL_CLUSTER 0x0u

/* 256-bit IRR/ISR/TMR, 32 vectors per register (SDM Figure 11-20). */
static bool vec_test(const uint32_t *bits, unsigned v)
{
	return (bits[v >> 5] >> (v & 31)) & 1;
}

static void vec_set(uint32_t *bits, unsigned v)
{
	bits[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(uint32_t *bits, unsigned v)
{
	bits[v >> 5] &= ~(1u << (v & 31));
}

static int vec_highest(const uint32_t *bits)
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

static uint64_t now(struct lapic *apic)
{
	return apic->ops && apic->ops->now ? apic->ops->now(apic->opaque) : 0;
}

bool lapic_is_enabled(const struct lapic *apic)
{
	return apic->base_msr & APIC_BASE_EN;
}

bool lapic_is_x2apic(const struct lapic *apic)
{
	return (apic->base_msr & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

bool lapic_is_sw_enabled(const struct lapic *apic)
{
	return lapic_is_enabled(apic) && (apic->svr & APIC_SVR_ENABLE);
}

static bool lvt_masked(uint32_t entry)
{
	return entry & APIC_LVT_MASKED;
}

static unsigned lvt_delivery_mode(uint32_t entry)
{
	return (entry >> APIC_DM_SHIFT) & 7;
}

static enum lapic_timer_mode timer_mode(const struct lapic *apic)
{
	unsigned mode = (apic->lvt[LVT_TIMER] >> APIC_LVT_TIMER_MODE_SHIFT) & 3;

	/* Mode 3 is reserved (SDM Table 11-2); it behaves as one-shot here. */
	return mode == 3 ? APIC_TIMER_ONE_SHOT : (enum lapic_timer_mode)mode;
}

/* The x2APIC logical ID is derived from the x2APIC ID (SDM 11.12.10.2). */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* SDM 11.8.3.1 "Task and Processor Priorities". */
uint8_t lapic_ppr(const struct lapic *apic)
{
	int isrv = vec_highest(apic->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	if ((apic->tpr & 0xf0) >= isr_class)
		return apic->tpr & 0xff;
	return isr_class;
}

/* APR (SDM Figure 11-15, Pentium 4 and Xeon rule), used for lowest-priority delivery. */
uint8_t lapic_arbitration_priority(const struct lapic *apic)
{
	int isrv = vec_highest(apic->isr), irrv = vec_highest(apic->irr);
	uint32_t tpr_class = apic->tpr & 0xf0;
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
	uint32_t apr = tpr_class;

	if (tpr_class >= irr_class && tpr_class > isr_class)
		return apic->tpr & 0xff;
	if (isr_class > apr)
		apr = isr_class;
	if (irr_class > apr)
		apr = irr_class;
	return apr;
}

/* Puts a vector in the IRR; the caller has checked it is 16 or more. */
static void set_irr(struct lapic *apic, uint8_t vector, bool level_trigger)
{
	vec_set(apic->irr, vector);
	if (level_trigger)
		vec_set(apic->tmr, vector);
	else
		vec_clear(apic->tmr, vector);
}

/*
 * Record errors for the next ESR write and raise the error LVT for new ones (SDM 11.5.3
 * "Error Handling"). An illegal vector in the error LVT itself only adds its ESR bit.
 */
static void set_error(struct lapic *apic, uint32_t bits)
{
	uint32_t fresh = bits & ~apic->esr_pending;
	uint32_t entry = apic->lvt[LVT_ERROR];

	apic->esr_pending |= bits;
	if (!fresh || lvt_masked(entry) || !lapic_is_sw_enabled(apic))
		return;
	if ((entry & APIC_VECTOR_MASK) < 16) {
		apic->esr_pending |= APIC_ESR_RECEIVE_ILLEGAL_VECTOR;
		return;
	}
	set_irr(apic, entry & APIC_VECTOR_MASK, false);
}

void lapic_accept_irq(struct lapic *apic, uint8_t vector, bool level_trigger)
{
	/* SDM 11.4.7.2: a software-disabled APIC takes only INIT, NMI, SMI and SIPI. */
	if (!lapic_is_sw_enabled(apic))
		return;
	if (vector < 16) {
		set_error(apic, APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	set_irr(apic, vector, level_trigger);
}

void lapic_receive_init(struct lapic *apic)
{
	apic->init_pending = true;
}

void lapic_receive_sipi(struct lapic *apic, uint8_t vector)
{
	apic->sipi_vector = vector;
}

void lapic_deliver(struct lapic *apic, const struct lapic_ipi *ipi)
{
	if (!lapic_is_enabled(apic))
		return;
	switch (ipi->delivery_mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		lapic_accept_irq(apic, ipi->vector, ipi->trigger_level);
		break;
	case APIC_DM_SMI:
		apic->smi_pending = true;
		break;
	case APIC_DM_NMI:
		apic->nmi_pending = true;
		break;
	case APIC_DM_INIT:
		/* INIT level de-assert (level 0, trigger level) only synchronises arbitration IDs. */
		if (ipi->trigger_level && !ipi->level)
			break;
		lapic_receive_init(apic);
		break;
	case APIC_DM_SIPI:
		lapic_receive_sipi(apic, ipi->vector);
		break;
	case APIC_DM_EXTINT:
		break; /* never an IPI: ExtINT comes from LINT0 (lapic_set_lint) */
	}
}

/* An LVT entry fires (SDM 11.5.1 "Local Vector Table"); the caller checked the mask. */
static void deliver_lvt(struct lapic *apic, enum lapic_lvt idx, bool level_trigger)
{
	uint32_t entry = apic->lvt[idx];
	unsigned mode = APIC_DM_FIXED;

	/* Timer and error entries have no delivery-mode field: always fixed. */
	if (idx != LVT_TIMER && idx != LVT_ERROR)
		mode = lvt_delivery_mode(entry);
	switch (mode) {
	case APIC_DM_FIXED:
		lapic_accept_irq(apic, entry & APIC_VECTOR_MASK, level_trigger);
		break;
	case APIC_DM_SMI:
		apic->smi_pending = true;
		break;
	case APIC_DM_NMI:
		apic->nmi_pending = true;
		break;
	case APIC_DM_INIT:
		lapic_receive_init(apic);
		break;
	default:
		break; /* ExtINT is a level seen by lapic_pending_vector; others reserved */
	}
}

static bool lint_asserted(const struct lapic *apic, int pin)
{
	bool active_low = apic->lvt[LVT_LINT0 + pin] & APIC_LVT_POLARITY;

	return apic->lint_level[pin] != active_low;
}

/*
 * LINT delivery (SDM 11.5.1): fixed level-triggered inputs deliver while asserted and
 * remote IRR is clear, setting it until the EOI; NMI, SMI, INIT and edge-triggered fixed
 * inputs deliver on the asserting edge. was_asserted is the previous state.
 */
static void lint_update(struct lapic *apic, int pin, bool was_asserted)
{
	uint32_t *entry = &apic->lvt[LVT_LINT0 + pin];
	bool asserted = lint_asserted(apic, pin);
	unsigned mode = lvt_delivery_mode(*entry);

	if (lvt_masked(*entry) || !asserted || mode == APIC_DM_EXTINT)
		return;
	if (mode == APIC_DM_FIXED && (*entry & APIC_LVT_LEVEL)) {
		if (*entry & APIC_LVT_REMOTE_IRR)
			return;
		*entry |= APIC_LVT_REMOTE_IRR;
		deliver_lvt(apic, LVT_LINT0 + pin, true);
		return;
	}
	if (!was_asserted)
		deliver_lvt(apic, LVT_LINT0 + pin, false);
}

void lapic_set_lint(struct lapic *apic, int pin, bool level)
{
	bool was_asserted;

	if (pin < 0 || pin > 1)
		return;
	if (!lapic_is_enabled(apic)) {
		/* A globally disabled APIC passes LINT0 through as INTR and LINT1 as NMI. */
		if (pin == 1 && level && !apic->lint_level[1])
			apic->nmi_pending = true;
		apic->lint_level[pin] = level;
		return;
	}
	was_asserted = lint_asserted(apic, pin);
	apic->lint_level[pin] = level;
	lint_update(apic, pin, was_asserted);
}

bool lapic_take_nmi(struct lapic *apic)
{
	bool pending = apic->nmi_pending;

	apic->nmi_pending = false;
	return pending;
}

bool lapic_take_smi(struct lapic *apic)
{
	bool pending = apic->smi_pending;

	apic->smi_pending = false;
	return pending;
}

int lapic_take_sipi(struct lapic *apic)
{
	int vector = apic->sipi_vector;

	apic->sipi_vector = -1;
	return vector;
}

int lapic_pending_vector(struct lapic *apic)
{
	int irrv;

	if (!lapic_is_enabled(apic))
		return apic->lint_level[0] ? LAPIC_EXTINT : -1;
	if (lapic_is_sw_enabled(apic)) {
		irrv = vec_highest(apic->irr);
		/* SDM 11.8.3.1: only a priority class above the PPR's is dispatched. */
		if (irrv >= 0 && ((uint32_t)irrv & 0xf0) > (lapic_ppr(apic) & 0xf0u))
			return irrv;
	}
	for (int pin = 0; pin < 2; pin++) {
		uint32_t entry = apic->lvt[LVT_LINT0 + pin];

		if (!lvt_masked(entry) && lvt_delivery_mode(entry) == APIC_DM_EXTINT &&
		    lint_asserted(apic, pin))
			return LAPIC_EXTINT;
	}
	return -1;
}

void lapic_ack(struct lapic *apic, uint8_t vector)
{
	if (!vec_test(apic->irr, vector))
		return;
	vec_clear(apic->irr, vector);
	vec_set(apic->isr, vector);
}

/* SDM 11.8.5 "Signaling Interrupt Servicing Completion". */
static void eoi(struct lapic *apic)
{
	int v = vec_highest(apic->isr);

	if (v < 0)
		return;
	vec_clear(apic->isr, (unsigned)v);
	if (vec_test(apic->tmr, (unsigned)v) && apic->ops && apic->ops->eoi_broadcast)
		apic->ops->eoi_broadcast(apic->opaque, (uint8_t)v);
	/* A level-triggered LINT input waits for this EOI (remote IRR) and may fire again. */
	for (int pin = 0; pin < 2; pin++) {
		uint32_t *entry = &apic->lvt[LVT_LINT0 + pin];

		if ((*entry & APIC_LVT_REMOTE_IRR) && (*entry & APIC_VECTOR_MASK) == (uint32_t)v) {
			*entry &= ~APIC_LVT_REMOTE_IRR;
			lint_update(apic, pin, true);
		}
	}
}

/* Timer (SDM 11.5.4 "APIC Timer"). */

static uint64_t divide_value(uint32_t dcr)
{
	unsigned code = (dcr & 3) | ((dcr >> 1) & 4);

	return code == 7 ? 1 : 2ull << code;
}

/* TSC cycles per count of the current-count register. */
static uint64_t timer_scale(const struct lapic *apic)
{
	uint64_t per_tick = apic->tsc_per_bus_tick ? apic->tsc_per_bus_tick : 1;

	return divide_value(apic->timer_divide) * per_tick;
}

static void timer_start(struct lapic *apic)
{
	apic->timer_armed = apic->timer_initial != 0 && timer_mode(apic) != APIC_TIMER_TSC_DEADLINE;
	if (apic->timer_armed)
		apic->timer_deadline = now(apic) + apic->timer_initial * timer_scale(apic);
}

static uint32_t timer_current(struct lapic *apic)
{
	uint64_t t, scale = timer_scale(apic), left, period;

	if (!apic->timer_armed || timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)
		return 0;
	t = now(apic);
	if (t < apic->timer_deadline) {
		left = apic->timer_deadline - t;
	} else if (timer_mode(apic) == APIC_TIMER_PERIODIC) {
		/* Expired, L0 has not called lapic_update_timer yet: already in a new period. */
		period = apic->timer_initial * scale;
		left = period - (t - apic->timer_deadline) % period;
	} else {
		return 0;
	}
	return (uint32_t)((left + scale - 1) / scale);
}

static void timer_set_divide(struct lapic *apic, uint32_t value)
{
	uint64_t t = now(apic);
	uint32_t count = 0;
	bool counting = apic->timer_armed && t < apic->timer_deadline;

	/* The count left keeps counting, at the new rate. */
	if (counting)
		count = timer_current(apic);
	apic->timer_divide = value & DIVIDE_WRITABLE;
	if (counting)
		apic->timer_deadline = t + count * timer_scale(apic);
}

uint64_t lapic_next_event(struct lapic *apic)
{
	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)
		return apic->tsc_deadline ? apic->tsc_deadline : UINT64_MAX;
	return apic->timer_armed ? apic->timer_deadline : UINT64_MAX;
}

static void timer_fire(struct lapic *apic)
{
	if (!lvt_masked(apic->lvt[LVT_TIMER]))
		deliver_lvt(apic, LVT_TIMER, false);
}

void lapic_update_timer(struct lapic *apic)
{
	uint64_t t = now(apic), period;

	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE) {
		/* SDM 11.5.4.1: the timer fires once and disarms (the MSR reads 0). */
		if (apic->tsc_deadline && t >= apic->tsc_deadline) {
			apic->tsc_deadline = 0;
			timer_fire(apic);
		}
		return;
	}
	if (!apic->timer_armed || t < apic->timer_deadline)
		return;
	timer_fire(apic);
	if (timer_mode(apic) == APIC_TIMER_PERIODIC) {
		/* Periods missed while L0 was away collapse into this one interrupt. */
		period = apic->timer_initial * timer_scale(apic);
		apic->timer_deadline += ((t - apic->timer_deadline) / period + 1) * period;
	} else {
		apic->timer_armed = false;
	}
}

uint64_t lapic_tsc_deadline_read(struct lapic *apic)
{
	return timer_mode(apic) == APIC_TIMER_TSC_DEADLINE ? apic->tsc_deadline : 0;
}

void lapic_tsc_deadline_write(struct lapic *apic, uint64_t value)
{
	/* SDM 11.5.4.1: writes outside TSC-deadline mode are ignored; 0 disarms. */
	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)
		apic->tsc_deadline = value;
}

/* Register writes. */

static uint32_t lvt_writable(const struct lapic *apic, enum lapic_lvt idx)
{
	switch (idx) {
	case LVT_TIMER:
		return LVT_TIMER_WRITABLE_BASE |
		       (apic->tsc_deadline_supported ? LVT_TIMER_DEADLINE_BIT : 0);
	case LVT_LINT0:
	case LVT_LINT1:
		return LVT_LINT_WRITABLE;
	case LVT_ERROR:
		return LVT_ERROR_WRITABLE;
	default:
		return LVT_LOCAL_WRITABLE;
	}
}

static uint32_t lvt_read_only(enum lapic_lvt idx)
{
	return APIC_DELIVERY_STATUS |
	       (idx == LVT_LINT0 || idx == LVT_LINT1 ? APIC_LVT_REMOTE_IRR : 0);
}

static void lvt_write(struct lapic *apic, enum lapic_lvt idx, uint32_t value)
{
	uint32_t old = apic->lvt[idx];
	bool was_deadline = timer_mode(apic) == APIC_TIMER_TSC_DEADLINE;

	value &= lvt_writable(apic, idx);
	/* SDM 11.4.7.2: while software-disabled the mask bits stay set. */
	if (!lapic_is_sw_enabled(apic))
		value |= APIC_LVT_MASKED;
	apic->lvt[idx] = value | (old & APIC_LVT_REMOTE_IRR);
	if (idx == LVT_TIMER && was_deadline != (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)) {
		/* SDM 11.5.4.1: moving into or out of TSC-deadline mode disarms the timer. */
		apic->timer_armed = false;
		apic->timer_initial = 0;
		apic->tsc_deadline = 0;
	}
	if (idx == LVT_LINT0 || idx == LVT_LINT1) {
		/* A level input unmasked while asserted delivers now; an edge one waits. */
		int pin = idx - LVT_LINT0;

		lint_update(apic, pin, lint_asserted(apic, pin));
	}
}

static void svr_write(struct lapic *apic, uint32_t value)
{
	apic->svr = value & SVR_WRITABLE;
	if (!(apic->svr & APIC_SVR_ENABLE))
		for (int i = 0; i < LVT_COUNT; i++)
			apic->lvt[i] |= APIC_LVT_MASKED;
}

/* ICR → message (SDM 11.6.1 "Interrupt Command Register (ICR)"). */
static void send_ipi(struct lapic *apic, uint32_t low, uint32_t dest, bool x2apic)
{
	struct lapic_ipi ipi = {
		.vector = low & APIC_VECTOR_MASK,
		.delivery_mode = (enum lapic_delivery_mode)lvt_delivery_mode(low),
		.logical = low & APIC_ICR_DEST_LOGICAL,
		.shorthand = (enum lapic_shorthand)((low >> APIC_ICR_SHORTHAND_SHIFT) & 3),
		.dest = dest,
		.x2apic = x2apic,
		.level = low & APIC_ICR_LEVEL_ASSERT,
		.trigger_level = low & APIC_ICR_TRIGGER_LEVEL,
		.source_id = x2apic ? apic->apic_id : apic->id >> 24,
	};

	if ((ipi.delivery_mode == APIC_DM_FIXED || ipi.delivery_mode == APIC_DM_LOWEST) &&
	    ipi.vector < 16) {
		set_error(apic, APIC_ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	/* Reserved delivery modes 3 and 7 (ExtINT is not an IPI) send nothing. */
	if (ipi.delivery_mode == 3 || ipi.delivery_mode == APIC_DM_EXTINT)
		return;
	/* INIT level de-assert is not supported by Pentium 4 and later (SDM 11.6.1). */
	if (ipi.delivery_mode == APIC_DM_INIT && ipi.trigger_level && !ipi.level)
		return;
	if (ipi.shorthand == APIC_SHORTHAND_SELF) {
		/* Only fixed delivery is valid to self (SDM Table 11-5 note). */
		if (ipi.delivery_mode == APIC_DM_FIXED)
			lapic_accept_irq(apic, ipi.vector, ipi.trigger_level);
		return;
	}
	if (apic->ops && apic->ops->send_ipi)
		apic->ops->send_ipi(apic->opaque, &ipi);
}

static void self_ipi(struct lapic *apic, uint8_t vector)
{
	/* SDM 11.12.11 "SELF IPI Register": an edge-triggered fixed IPI to self. */
	if (vector < 16) {
		set_error(apic, APIC_ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	lapic_accept_irq(apic, vector, false);
}

static void timer_initial_write(struct lapic *apic, uint32_t value)
{
	/* SDM 11.5.4.1: ignored in TSC-deadline mode. */
	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)
		return;
	apic->timer_initial = value;
	timer_start(apic);
}

static bool reg_is_lvt(uint32_t reg, enum lapic_lvt *idx)
{
	if (reg == APIC_LVT_CMCI) {
		*idx = LVT_CMCI;
		return true;
	}
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
		*idx = (enum lapic_lvt)((reg - APIC_LVT_TIMER) >> 4);
		return true;
	}
	return false;
}

/*
 * A 32-bit register read, shared by both interfaces; false for offsets that are no
 * register. Validity per mode is the caller's.
 */
static bool reg_read(struct lapic *apic, uint32_t reg, uint32_t *out)
{
	enum lapic_lvt idx;

	if (reg_is_lvt(reg, &idx)) {
		*out = apic->lvt[idx];
		return true;
	}
	if (reg >= APIC_ISR && reg < APIC_ESR) {
		unsigned n = (reg - APIC_ISR) >> 4;

		*out = n < 8 ? apic->isr[n] : n < 16 ? apic->tmr[n - 8] : apic->irr[n - 16];
		return true;
	}
	switch (reg) {
	case APIC_ID:
		*out = lapic_is_x2apic(apic) ? apic->apic_id : apic->id;
		break;
	case APIC_VERSION:
		*out = LAPIC_VERSION_VALUE;
		break;
	case APIC_TPR:
		*out = apic->tpr;
		break;
	case APIC_APR:
		*out = lapic_arbitration_priority(apic);
		break;
	case APIC_PPR:
		*out = lapic_ppr(apic);
		break;
	case APIC_LDR:
		*out = apic->ldr;
		break;
	case APIC_DFR:
		*out = apic->dfr;
		break;
	case APIC_SVR:
		*out = apic->svr;
		break;
	case APIC_ESR:
		*out = apic->esr;
		break;
	case APIC_ICR_LOW:
		*out = apic->icr_low; /* delivery status: always idle, sending is instant */
		break;
	case APIC_ICR_HIGH:
		*out = apic->icr_high;
		break;
	case APIC_TIMER_INITIAL:
		*out = apic->timer_initial;
		break;
	case APIC_TIMER_CURRENT:
		*out = timer_current(apic);
		break;
	case APIC_TIMER_DIVIDE:
		*out = apic->timer_divide;
		break;
	default:
		return false;
	}
	return true;
}

/* A register write, shared by both interfaces (ICR and SELF IPI excepted). */
static bool reg_write(struct lapic *apic, uint32_t reg, uint32_t value)
{
	enum lapic_lvt idx;

	if (reg_is_lvt(reg, &idx)) {
		lvt_write(apic, idx, value);
		return true;
	}
	switch (reg) {
	case APIC_ID:
		apic->id = value & XAPIC_ID_MASK;
		break;
	case APIC_TPR:
		apic->tpr = value & 0xff;
		break;
	case APIC_EOI:
		eoi(apic);
		break;
	case APIC_LDR:
		apic->ldr = value & XAPIC_ID_MASK;
		break;
	case APIC_DFR:
		apic->dfr = value | 0x0fffffff; /* only the model, bits 31:28, is writable */
		break;
	case APIC_SVR:
		svr_write(apic, value);
		break;
	case APIC_ESR:
		/* SDM 11.5.3: a write latches the errors since the previous write. */
		apic->esr = apic->esr_pending;
		apic->esr_pending = 0;
		break;
	case APIC_TIMER_INITIAL:
		timer_initial_write(apic, value);
		break;
	case APIC_TIMER_DIVIDE:
		timer_set_divide(apic, value);
		break;
	case APIC_VERSION:
	case APIC_APR:
	case APIC_PPR:
	case APIC_RRD:
	case APIC_TIMER_CURRENT:
		break; /* read-only: the write is ignored */
	default:
		if (reg >= APIC_ISR && reg < APIC_ESR)
			break;
		return false;
	}
	return true;
}

uint64_t lapic_mmio_read(struct lapic *apic, uint32_t offset, unsigned size)
{
	uint32_t reg = offset & 0xff0, byte = offset & 0xf, v = 0;

	if (!lapic_is_enabled(apic) || lapic_is_x2apic(apic) || offset >= LAPIC_MMIO_SIZE)
		return 0;
	if (size == 0 || size > 4 || byte + size > 4)
		return 0;
	if (reg == APIC_EOI || reg == APIC_RRD) {
		v = 0; /* write-only and obsolete remote read: read as 0 */
	} else if (reg == APIC_SELF_IPI || !reg_read(apic, reg, &v)) {
		set_error(apic, APIC_ESR_ILLEGAL_REGISTER);
		return 0;
	}
	v >>= byte * 8;
	return size == 4 ? v : v & ((1u << (size * 8)) - 1);
}

void lapic_mmio_write(struct lapic *apic, uint32_t offset, unsigned size, uint64_t value)
{
	uint32_t reg = offset & 0xff0, v = (uint32_t)value;

	if (!lapic_is_enabled(apic) || lapic_is_x2apic(apic) || offset >= LAPIC_MMIO_SIZE)
		return;
	if (size != 4 || (offset & 0xf))
		return;
	switch (reg) {
	case APIC_ICR_LOW:
		apic->icr_low = v & ICR_LOW_WRITABLE;
		send_ipi(apic, apic->icr_low, apic->icr_high >> 24, false);
		return;
	case APIC_ICR_HIGH:
		apic->icr_high = v & XAPIC_ID_MASK;
		return;
	case APIC_SELF_IPI:
		break; /* x2APIC only */
	default:
		if (reg_write(apic, reg, v))
			return;
	}
	set_error(apic, APIC_ESR_ILLEGAL_REGISTER);
}

/* x2APIC MSR interface (SDM 11.12.1, Table 11-6). */

static bool x2apic_readable(uint32_t reg)
{
	switch (reg) {
	case APIC_EOI:
	case APIC_SELF_IPI:
	case APIC_APR:
	case APIC_RRD:
	case APIC_DFR:
	case APIC_ICR_HIGH:
		return false;
	default:
		return true; /* the rest is decided by reg_read */
	}
}

bool lapic_msr_read(struct lapic *apic, uint32_t msr, uint64_t *value)
{
	uint32_t reg = (msr - MSR_X2APIC_FIRST) << 4, v;

	if (!lapic_is_x2apic(apic) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return false;
	if (reg == APIC_ICR_LOW) {
		*value = apic->icr_low | ((uint64_t)apic->icr_high << 32);
		return true;
	}
	if (!x2apic_readable(reg) || !reg_read(apic, reg, &v))
		return false;
	*value = v;
	return true;
}

/* Bits of an x2APIC register that a WRMSR may set without #GP (SDM 11.12.1.2). */
static bool x2apic_write_ok(const struct lapic *apic, uint32_t reg, uint64_t value)
{
	enum lapic_lvt idx;
	uint64_t allowed;

	if (reg_is_lvt(reg, &idx)) {
		allowed = lvt_writable(apic, idx) | lvt_read_only(idx);
	} else {
		switch (reg) {
		case APIC_TPR:
		case APIC_SELF_IPI:
			allowed = 0xff;
			break;
		case APIC_EOI:
		case APIC_ESR:
			allowed = 0; /* "WRMSR of a non-zero value causes #GP(0)" */
			break;
		case APIC_SVR:
			allowed = SVR_WRITABLE;
			break;
		case APIC_TIMER_INITIAL:
			allowed = 0xffffffffu;
			break;
		case APIC_TIMER_DIVIDE:
			allowed = DIVIDE_WRITABLE;
			break;
		case APIC_ICR_LOW:
			allowed = 0xffffffff00000000ull | ICR_LOW_WRITABLE;
			break;
		default:
			return false; /* read-only or not a register */
		}
	}
	return !(value & ~allowed);
}

bool lapic_msr_write(struct lapic *apic, uint32_t msr, uint64_t value)
{
	uint32_t reg = (msr - MSR_X2APIC_FIRST) << 4;

	if (!lapic_is_x2apic(apic) || msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return false;
	if (!x2apic_write_ok(apic, reg, value))
		return false;
	switch (reg) {
	case APIC_ICR_LOW:
		apic->icr_low = (uint32_t)value;
		apic->icr_high = (uint32_t)(value >> 32);
		send_ipi(apic, apic->icr_low, apic->icr_high, true);
		return true;
	case APIC_SELF_IPI:
		self_ipi(apic, (uint8_t)value);
		return true;
	default:
		return reg_write(apic, reg, (uint32_t)value);
	}
}

/* Destinations (SDM 11.6.2 "Determining IPI Destination", 11.12.10). */
bool lapic_match_destination(const struct lapic *apic, uint32_t dest, bool logical,
			     bool dest_x2apic)
{
	uint32_t ldr8, d;

	if (!lapic_is_enabled(apic))
		return false;
	if (dest_x2apic && dest == 0xffffffffu)
		return true;
	if (!dest_x2apic && (dest & 0xff) == 0xff)
		return true;
	if (lapic_is_x2apic(apic)) {
		if (!logical)
			return dest == apic->apic_id;
		/* Logical x2APIC: cluster in bits 31:16, one bit per member in 15:0. */
		if (!dest_x2apic)
			return false; /* no 8-bit logical destinations for an x2APIC */
		return (dest >> 16) == (apic->ldr >> 16) && (dest & apic->ldr & 0xffff);
	}
	if (dest_x2apic && dest > 0xff)
		return false;
	d = dest & 0xff;
	if (!logical)
		return d == apic->id >> 24;
	ldr8 = apic->ldr >> 24;
	switch (apic->dfr >> 28) {
	case DFR_MODEL_FLAT:
		return (d & ldr8) != 0;
	case DFR_MODEL_CLUSTER:
		return (d >> 4) == (ldr8 >> 4) && (d & ldr8 & 0xf);
	default:
		return false; /* reserved model */
	}
}

bool lapic_ipi_matches(const struct lapic *apic, const struct lapic_ipi *ipi, bool is_sender)
{
	if (!lapic_is_enabled(apic))
		return false;
	switch (ipi->shorthand) {
	case APIC_SHORTHAND_SELF:
		return is_sender;
	case APIC_SHORTHAND_ALL:
		return true;
	case APIC_SHORTHAND_ALL_BUT_SELF:
		return !is_sender;
	default:
		return lapic_match_destination(apic, ipi->dest, ipi->logical, ipi->x2apic);
	}
}

/* Reset and base MSR. */

/* The registers as SDM 11.4.7.1 leaves them; the ID register is the caller's. */
static void reset_registers(struct lapic *apic)
{
	memset(apic->irr, 0, sizeof(apic->irr));
	memset(apic->isr, 0, sizeof(apic->isr));
	memset(apic->tmr, 0, sizeof(apic->tmr));
	apic->tpr = 0;
	apic->ldr = lapic_is_x2apic(apic) ? x2apic_ldr(apic->apic_id) : 0;
	apic->dfr = 0xffffffffu;
	apic->svr = 0xff;
	apic->esr = apic->esr_pending = 0;
	apic->icr_low = apic->icr_high = 0;
	for (int i = 0; i < LVT_COUNT; i++)
		apic->lvt[i] = APIC_LVT_MASKED;
	apic->timer_initial = 0;
	apic->timer_divide = 0;
	apic->timer_armed = false;
	apic->timer_deadline = 0;
	apic->tsc_deadline = 0;
}

void lapic_reset(struct lapic *apic)
{
	apic->base_msr = LAPIC_DEFAULT_BASE | APIC_BASE_EN | (apic->bsp ? APIC_BASE_BSP : 0);
	apic->id = apic->apic_id << 24;
	reset_registers(apic);
	apic->nmi_pending = apic->smi_pending = apic->init_pending = false;
	apic->sipi_vector = -1;
}

void lapic_setup_virtual_wire(struct lapic *apic)
{
	apic->lvt[LVT_LINT0] = (uint32_t)APIC_DM_EXTINT << APIC_DM_SHIFT;
	apic->lvt[LVT_LINT1] = (uint32_t)APIC_DM_NMI << APIC_DM_SHIFT;
}

bool lapic_take_init(struct lapic *apic)
{
	if (!apic->init_pending)
		return false;
	/* SDM 11.4.7.3: INIT resets as RESET does, except the ID and IA32_APIC_BASE. */
	apic->init_pending = false;
	reset_registers(apic);
	apic->sipi_vector = -1;
	return true;
}

uint64_t lapic_base(const struct lapic *apic)
{
	return apic->base_msr;
}

bool lapic_set_base(struct lapic *apic, uint64_t value)
{
	uint64_t reserved = 0x2ffull | (~0ull << apic->maxphyaddr);
	bool old_en = lapic_is_enabled(apic), old_x2 = lapic_is_x2apic(apic);
	bool en = value & APIC_BASE_EN, extd = value & APIC_BASE_EXTD;

	if (!apic->x2apic_supported)
		reserved |= APIC_BASE_EXTD;
	if (value & reserved & ~APIC_BASE_BSP)
		return false;
	/* SDM 11.12.5, Figure 11-27: EXTD without EN is invalid; x2APIC leaves only to disabled. */
	if (extd && !en)
		return false;
	if (old_x2 && en && !extd)
		return false;
	if (!old_en && en && extd)
		return false;
	apic->base_msr = (value & ~APIC_BASE_BSP) | (apic->bsp ? APIC_BASE_BSP : 0);
	if (old_en && !en) {
		/* Disabling returns the APIC to its power-up state (SDM 11.4.3). */
		apic->id = apic->apic_id << 24;
		reset_registers(apic);
	} else if (!old_x2 && extd) {
		/* xAPIC → x2APIC: the ID becomes the x2APIC ID, LDR derives from it (11.12.5.1). */
		apic->ldr = x2apic_ldr(apic->apic_id);
		apic->icr_high = 0;
	}
	return true;
}

void lapic_init(struct lapic *apic, uint32_t apic_id, bool bsp, const struct lapic_ops *ops,
		void *opaque)
{
	*apic = (struct lapic){
		.apic_id = apic_id,
		.bsp = bsp,
		.x2apic_supported = true,
		.tsc_deadline_supported = true,
		.maxphyaddr = 39,
		.tsc_per_bus_tick = LAPIC_DEFAULT_TSC_PER_BUS_TICK,
		.ops = ops,
		.opaque = opaque,
	};
	lapic_reset(apic);
}

bool lapic_snapshot(struct lapic *apic, struct dev_snapshot *snap)
{
	const struct {
		const char *name;
		void *field;
		size_t size;
	} fields[] = {
		{"apic_id", &apic->apic_id, sizeof(apic->apic_id)},
		{"base_msr", &apic->base_msr, sizeof(apic->base_msr)},
		{"id", &apic->id, sizeof(apic->id)},
		{"tpr", &apic->tpr, sizeof(apic->tpr)},
		{"ldr", &apic->ldr, sizeof(apic->ldr)},
		{"dfr", &apic->dfr, sizeof(apic->dfr)},
		{"svr", &apic->svr, sizeof(apic->svr)},
		{"isr", apic->isr, sizeof(apic->isr)},
		{"tmr", apic->tmr, sizeof(apic->tmr)},
		{"irr", apic->irr, sizeof(apic->irr)},
		{"esr", &apic->esr, sizeof(apic->esr)},
		{"esr_pending", &apic->esr_pending, sizeof(apic->esr_pending)},
		{"icr_low", &apic->icr_low, sizeof(apic->icr_low)},
		{"icr_high", &apic->icr_high, sizeof(apic->icr_high)},
		{"lvt", apic->lvt, sizeof(apic->lvt)},
		{"timer_initial", &apic->timer_initial, sizeof(apic->timer_initial)},
		{"timer_divide", &apic->timer_divide, sizeof(apic->timer_divide)},
		{"timer_armed", &apic->timer_armed, sizeof(apic->timer_armed)},
		{"timer_deadline", &apic->timer_deadline, sizeof(apic->timer_deadline)},
		{"tsc_deadline", &apic->tsc_deadline, sizeof(apic->tsc_deadline)},
		{"lint_level", apic->lint_level, sizeof(apic->lint_level)},
		{"nmi_pending", &apic->nmi_pending, sizeof(apic->nmi_pending)},
		{"smi_pending", &apic->smi_pending, sizeof(apic->smi_pending)},
		{"init_pending", &apic->init_pending, sizeof(apic->init_pending)},
		{"sipi_vector", &apic->sipi_vector, sizeof(apic->sipi_vector)},
	};
	bool ok = dev_snapshot_section(snap, "lapic", 1);

	for (size_t i = 0; ok && i < sizeof(fields) / sizeof(fields[0]); i++)
		ok = dev_snapshot_field(snap, fields[i].name, fields[i].field, fields[i].size);
	if (ok && snap->dir == SNAPSHOT_RESTORE &&
	    (apic->sipi_vector < -1 || apic->sipi_vector > 255)) {
		snap->failed = "lapic.sipi_vector";
		return false;
	}
	return ok;
}
