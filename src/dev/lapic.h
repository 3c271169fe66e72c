/* SPDX-License-Identifier: MIT */
/*
 * The local APIC of one vCPU (SDM Vol. 3A, chapter 11 "Advanced Programmable Interrupt
 * Controller (APIC)"): xAPIC MMIO and x2APIC MSR interfaces, priorities, LVT, timer,
 * IPIs. Pure device logic: L0 routes IPIs, injects what lapic_pending_vector() offers
 * and maps the MMIO page at lapic_base().
 */
#ifndef NESTVM_DEV_LAPIC_H
#define NESTVM_DEV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/registry.h"

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_MMIO_SIZE 0x1000u

/* IA32_APIC_BASE (SDM Vol. 3A, 11.4.4 "Local APIC Status and Location"). */
#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ull << 8)   /* BSP flag (read-only) */
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)   /* APIC global enable */
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff

/* Register offsets in the xAPIC page (SDM Vol. 3A, Table 11-1). */
enum lapic_reg {
	APIC_ID = 0x020,
	APIC_VERSION = 0x030,
	APIC_TPR = 0x080,
	APIC_APR = 0x090,
	APIC_PPR = 0x0a0,
	APIC_EOI = 0x0b0,
	APIC_RRD = 0x0c0,
	APIC_LDR = 0x0d0,
	APIC_DFR = 0x0e0,
	APIC_SVR = 0x0f0,
	APIC_ISR = 0x100, /* 8 registers, 0x100..0x170 */
	APIC_TMR = 0x180,
	APIC_IRR = 0x200,
	APIC_ESR = 0x280,
	APIC_LVT_CMCI = 0x2f0,
	APIC_ICR_LOW = 0x300,
	APIC_ICR_HIGH = 0x310,
	APIC_LVT_TIMER = 0x320,
	APIC_LVT_THERMAL = 0x330,
	APIC_LVT_PMC = 0x340,
	APIC_LVT_LINT0 = 0x350,
	APIC_LVT_LINT1 = 0x360,
	APIC_LVT_ERROR = 0x370,
	APIC_TIMER_INITIAL = 0x380,
	APIC_TIMER_CURRENT = 0x390,
	APIC_TIMER_DIVIDE = 0x3e0,
	APIC_SELF_IPI = 0x3f0, /* x2APIC only (MSR 0x83f) */
};

/* LVT entries in the order of the version register's "max LVT entry" (SDM Figure 11-8). */
enum lapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PMC,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_CMCI,
	LVT_COUNT
};

/* LVT and ICR fields (SDM Vol. 3A, Figures 11-8 and 11-12). */
#define APIC_VECTOR_MASK 0xffu
#define APIC_DM_SHIFT 8
#define APIC_DELIVERY_STATUS (1u << 12)
#define APIC_LVT_POLARITY (1u << 13)  /* LINT: 1 = active low */
#define APIC_LVT_REMOTE_IRR (1u << 14) /* LINT, level-triggered fixed */
#define APIC_LVT_LEVEL (1u << 15)      /* trigger mode: 1 = level */
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_MODE_SHIFT 17
#define APIC_ICR_DEST_LOGICAL (1u << 11)
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_ICR_SHORTHAND_SHIFT 18

/* Timer modes (LVT timer bits 18:17, SDM Table 11-2). */
enum lapic_timer_mode { APIC_TIMER_ONE_SHOT = 0, APIC_TIMER_PERIODIC = 1, APIC_TIMER_TSC_DEADLINE = 2 };

/* SVR bits (SDM Figure 11-23). */
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_SVR_FOCUS_DISABLE (1u << 9)

/* ESR bits (SDM Vol. 3A, 11.5.3 "Error Handling", Figure 11-9). */
#define APIC_ESR_SEND_CHECKSUM (1u << 0)
#define APIC_ESR_RECEIVE_CHECKSUM (1u << 1)
#define APIC_ESR_SEND_ACCEPT (1u << 2)
#define APIC_ESR_RECEIVE_ACCEPT (1u << 3)
#define APIC_ESR_REDIRECTABLE_IPI (1u << 4)
#define APIC_ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define APIC_ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define APIC_ESR_ILLEGAL_REGISTER (1u << 7)

/* Version register: version 0x14, max LVT entry 6 (CMCI present), no EOI-broadcast suppression. */
#define LAPIC_VERSION 0x14u
#define LAPIC_VERSION_VALUE (LAPIC_VERSION | ((LVT_COUNT - 1u) << 16))

/*
 * The timer's input is the bus clock; in nestvm it runs at the TSC divided by
 * tsc_per_bus_tick (default 1, so "divide by 1" counts once per TSC cycle: time is
 * deterministic and the TSC advances with retired instructions).
 */
#define LAPIC_DEFAULT_TSC_PER_BUS_TICK 1u

/* lapic_pending_vector(): an ExtINT is pending; L0 asks the PIC for the vector (INTA). */
#define LAPIC_EXTINT 256

/* Delivery modes (ICR and LVT bits 10:8). */
enum lapic_delivery_mode {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6, /* "start-up" */
	APIC_DM_EXTINT = 7,
};

enum lapic_shorthand {
	APIC_SHORTHAND_NONE = 0,
	APIC_SHORTHAND_SELF = 1,
	APIC_SHORTHAND_ALL = 2,		/* all including self */
	APIC_SHORTHAND_ALL_BUT_SELF = 3,
};

/* One interrupt message, from an ICR write (or built by L0 for IOAPIC/MSI routing). */
struct lapic_ipi {
	uint8_t vector;
	enum lapic_delivery_mode delivery_mode;
	bool logical;	/* destination mode */
	enum lapic_shorthand shorthand;
	uint32_t dest;	/* 8-bit xAPIC destination, or 32-bit when x2apic */
	bool x2apic;	/* dest is a 32-bit x2APIC destination */
	bool level;	/* level: assert (1) / de-assert (0) */
	bool trigger_level; /* trigger mode: level (1) / edge (0) */
	uint32_t source_id; /* APIC ID of the sender */
};

struct lapic_ops {
	/*
	 * An ICR write produced an IPI. The shorthand "self" with fixed delivery is handled
	 * inside the APIC and never reaches send_ipi; every other message, "all including
	 * self" too, does, and L0 routes it (lapic_ipi_matches, lapic_deliver).
	 */
	void (*send_ipi)(void *opaque, const struct lapic_ipi *ipi);
	uint64_t (*now)(void *opaque); /* the current TSC */
	/* EOI of a level-triggered (TMR) vector: the IOAPIC clears its remote IRR. */
	void (*eoi_broadcast)(void *opaque, uint8_t vector);
};

struct lapic {
	/* Identity and mode. */
	uint32_t apic_id;    /* initial APIC ID (x2APIC ID in x2APIC mode) */
	uint64_t base_msr;   /* IA32_APIC_BASE: base | EN | EXTD | BSP */
	bool bsp;
	bool x2apic_supported;
	bool tsc_deadline_supported;
	uint8_t maxphyaddr;	 /* bits of the APIC base that may be set */
	uint32_t tsc_per_bus_tick;

	/* Registers (SDM Table 11-1). */
	uint32_t id;	    /* xAPIC ID register (ID in bits 31:24) */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t esr;	      /* the readable ESR */
	uint32_t esr_pending; /* errors since the last ESR write */
	uint32_t icr_low, icr_high;
	uint32_t lvt[LVT_COUNT];
	uint32_t timer_initial, timer_divide;

	/* Timer state: TSC at which the count reaches 0, when armed (one-shot/periodic). */
	bool timer_armed;
	uint64_t timer_deadline;
	uint64_t tsc_deadline; /* IA32_TSC_DEADLINE, 0 = disarmed */

	/* LINT pins and events for the vCPU. */
	bool lint_level[2];
	bool nmi_pending, smi_pending, init_pending;
	int sipi_vector; /* -1: none */

	const struct lapic_ops *ops;
	void *opaque;
};

void lapic_init(struct lapic *apic, uint32_t apic_id, bool bsp, const struct lapic_ops *ops,
		void *opaque);
/* Power-up/RESET state (SDM 11.4.7.1), IA32_APIC_BASE included. */
void lapic_reset(struct lapic *apic);
/*
 * The state firmware leaves on the BSP (MP spec 3.6.2.2 "virtual wire mode"): LINT0
 * ExtINT and LINT1 NMI, unmasked. L0 calls it after lapic_reset when no BIOS runs, so a
 * PIC keeps working once the guest software-enables the APIC.
 */
void lapic_setup_virtual_wire(struct lapic *apic);

/* xAPIC MMIO: offset within the 4-KiB page. Aligned 32-bit accesses; others read 0. */
uint64_t lapic_mmio_read(struct lapic *apic, uint32_t offset, unsigned size);
void lapic_mmio_write(struct lapic *apic, uint32_t offset, unsigned size, uint64_t value);
/* x2APIC MSRs 0x800–0x8ff (SDM 11.12.1). false: the caller raises #GP(0). */
bool lapic_msr_read(struct lapic *apic, uint32_t msr, uint64_t *value);
bool lapic_msr_write(struct lapic *apic, uint32_t msr, uint64_t value);
/* IA32_APIC_BASE write (SDM 11.12.5 "x2APIC State Transitions"); false: #GP(0). */
bool lapic_set_base(struct lapic *apic, uint64_t apic_base_msr);
uint64_t lapic_base(const struct lapic *apic);
bool lapic_is_enabled(const struct lapic *apic); /* IA32_APIC_BASE.EN */
bool lapic_is_x2apic(const struct lapic *apic);
bool lapic_is_sw_enabled(const struct lapic *apic); /* EN and SVR bit 8 */

/*
 * A fixed (or lowest-priority, once chosen) interrupt arrives. Vectors 0–15 set ESR
 * "received illegal vector" and are dropped; a hardware- or software-disabled APIC
 * drops it too (SDM 11.4.7.2: only INIT, NMI, SMI and SIPI are accepted then).
 */
void lapic_accept_irq(struct lapic *apic, uint8_t vector, bool level_trigger);
/* Accept one message this APIC was chosen for (all delivery modes). */
void lapic_deliver(struct lapic *apic, const struct lapic_ipi *ipi);
/*
 * The vector the CPU may take now: the highest IRR vector whose priority class is above
 * PPR's; else LAPIC_EXTINT if LINT0 is an asserted ExtINT input (or the APIC is
 * hardware-disabled and LINT0, acting as INTR, is high); else -1. A software-disabled
 * APIC holds IRR and offers nothing from it. For a vector, call lapic_ack when the CPU
 * takes it; for LAPIC_EXTINT, run the PIC's acknowledge cycle instead.
 */
int lapic_pending_vector(struct lapic *apic);
void lapic_ack(struct lapic *apic, uint8_t vector); /* IRR → ISR */
uint8_t lapic_ppr(const struct lapic *apic);
uint8_t lapic_arbitration_priority(const struct lapic *apic); /* APR (SDM Figure 11-15) */

/*
 * Does this APIC accept a message with this destination? logical: flat or cluster
 * model per DFR (xAPIC), or cluster:mask (x2APIC). Broadcast (0xff, or 0xffffffff for
 * x2apic destinations) matches everyone. dest_x2apic: dest is a 32-bit x2APIC
 * destination (else 8-bit, e.g. from an xAPIC ICR, the IOAPIC or MSI).
 */
bool lapic_match_destination(const struct lapic *apic, uint32_t dest, bool logical,
			     bool dest_x2apic);
/* lapic_match_destination plus the shorthand: is_sender says apic sent it. */
bool lapic_ipi_matches(const struct lapic *apic, const struct lapic_ipi *ipi, bool is_sender);

/* Timer (SDM 11.5.4). */
uint64_t lapic_tsc_deadline_read(struct lapic *apic);
void lapic_tsc_deadline_write(struct lapic *apic, uint64_t value);
uint64_t lapic_next_event(struct lapic *apic); /* TSC of the next expiry, UINT64_MAX: none */
void lapic_update_timer(struct lapic *apic);   /* fire if now() has reached it */

/* LINT0/LINT1 input pins (pin 0 or 1), delivered per their LVT entries. */
void lapic_set_lint(struct lapic *apic, int pin, bool level);
/* Events for the vCPU loop: each returns and clears its pending flag. */
bool lapic_take_nmi(struct lapic *apic);
bool lapic_take_smi(struct lapic *apic);
/*
 * INIT: returns true once per received INIT and puts the APIC in its INIT state
 * (SDM 11.4.7.3: as after RESET but ID and IA32_APIC_BASE kept). L0 does not call it
 * while INIT is blocked (VMX root operation, SMM).
 */
bool lapic_take_init(struct lapic *apic);
/* The last SIPI vector, or -1. L0 discards it unless the vCPU waits for SIPI. */
int lapic_take_sipi(struct lapic *apic);
void lapic_receive_init(struct lapic *apic);
void lapic_receive_sipi(struct lapic *apic, uint8_t vector);

bool lapic_snapshot(struct lapic *apic, struct dev_snapshot *snap);

_Static_assert(LAPIC_VERSION_VALUE == 0x00060014u, "version 0x14, max LVT entry 6");
_Static_assert(LVT_COUNT == 7, "seven LVT entries, CMCI included");

#endif
