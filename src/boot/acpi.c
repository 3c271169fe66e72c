/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables (ACPI Specification 6.5, 5.2 "ACPI System Description Tables"): each
 * table is built in a small writer over guest RAM, its length and checksum patched in
 * when it is complete. Integers are little-endian, fields are packed.
 */
#include "boot/acpi.h"

#include <stdio.h>
#include <string.h>

#include "util/bits.h"

/* Signatures and revisions (ACPI 6.5 table 5.5 and each table's own section). */
#define RSDP_REVISION 2 /* ACPI 2.0+ RSDP: RSDT and XSDT addresses */
#define RSDT_REVISION 1
#define XSDT_REVISION 1
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5 /* ACPI 6.5 */
#define FACS_VERSION 2
#define DSDT_REVISION 2 /* 2 and up: AML integers are 64-bit */
#define MADT_REVISION 5
#define MCFG_REVISION 1
#define HPET_REVISION 1
#define OEM_REVISION 1
#define CREATOR_REVISION 1

/* FADT Flags (table 5.10 "Fixed ACPI Description Table Fixed Feature Flags"). */
#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_PWR_BUTTON (1u << 4) /* no fixed-feature power button */
#define FADT_SLP_BUTTON (1u << 5) /* no fixed-feature sleep button */
#define FADT_FIX_RTC (1u << 6)    /* RTC wake status not in the fixed registers */
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_RESET_REG_SUP (1u << 10)

/* IAPC_BOOT_ARCH (table 5.11 "IA-PC Boot Architecture Flags"). */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042 (1u << 1)
#define IAPC_VGA_NOT_PRESENT (1u << 2)

/* Generic Address Structure (5.2.3.2). */
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

/* MADT (5.2.12): flags and Interrupt Controller Structure types. */
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_TYPE_LOCAL_APIC 0
#define MADT_TYPE_IO_APIC 1
#define MADT_TYPE_INTERRUPT_OVERRIDE 2
#define MADT_TYPE_LOCAL_APIC_NMI 4
#define MADT_TYPE_LOCAL_X2APIC 9
#define MADT_LAPIC_ENABLED (1u << 0)
/* MPS INTI flags (table 5.26): polarity bits 1:0, trigger mode bits 3:2. */
#define MPS_INTI_POLARITY_HIGH 0x1
#define MPS_INTI_TRIGGER_EDGE (0x1 << 2)
#define MPS_INTI_TRIGGER_LEVEL (0x3 << 2)

/* AML opcodes for the DSDT (ACPI 6.5, 20.2 "AML Grammar Definition"). */
#define AML_ZERO_OP 0x00
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_PACKAGE_OP 0x12

struct writer {
	uint8_t *ram;
	uint64_t pos, end; /* guest-physical cursor and limit */
	bool overflow;
};

static void put(struct writer *w, unsigned size, uint64_t v)
{
	if (w->pos + size > w->end) {
		w->overflow = true;
		return;
	}
	bits_store_le(w->ram + w->pos, size, v);
	w->pos += size;
}

static void put_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->pos + n > w->end) {
		w->overflow = true;
		return;
	}
	memcpy(w->ram + w->pos, p, n);
	w->pos += n;
}

static void align(struct writer *w, uint64_t a)
{
	while (w->pos % a && !w->overflow)
		put(w, 1, 0);
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/* Starts a table with the common header (5.2.6); returns its address. */
static uint64_t begin_table(struct writer *w, const char *sig, uint8_t revision)
{
	uint64_t start;

	align(w, 16);
	start = w->pos;
	put_bytes(w, sig, 4);
	put(w, 4, 0); /* Length, patched by end_table */
	put(w, 1, revision);
	put(w, 1, 0); /* Checksum, patched by end_table */
	put_bytes(w, ACPI_OEM_ID, 6);
	put_bytes(w, ACPI_OEM_TABLE_ID, 8);
	put(w, 4, OEM_REVISION);
	put_bytes(w, ACPI_CREATOR_ID, 4);
	put(w, 4, CREATOR_REVISION);
	return start;
}

static void end_table(struct writer *w, uint64_t start)
{
	uint8_t *t = w->ram + start;

	if (w->overflow)
		return;
	bits_store_le(t + 4, 4, w->pos - start);
	t[9] = 0;
	t[9] = (uint8_t)-acpi_checksum(t, w->pos - start);
}

static void put_gas(struct writer *w, uint8_t space, uint8_t bit_width, uint8_t access,
		    uint64_t address)
{
	put(w, 1, space);
	put(w, 1, bit_width);
	put(w, 1, 0); /* Register Bit Offset */
	put(w, 1, access);
	put(w, 8, address);
}

static void put_zero(struct writer *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put(w, 1, 0);
}

/* FACS (5.2.10): no checksum; the OS's waking vector and global lock live here. */
static uint64_t build_facs(struct writer *w)
{
	uint64_t start;

	align(w, 64);
	start = w->pos;
	put_bytes(w, "FACS", 4);
	put(w, 4, ACPI_FACS_SIZE);
	put(w, 4, 0); /* Hardware Signature */
	put(w, 4, 0); /* Firmware Waking Vector */
	put(w, 4, 0); /* Global Lock */
	put(w, 4, 0); /* Flags: no S4BIOS, no 64-bit wake */
	put(w, 8, 0); /* X Firmware Waking Vector */
	put(w, 1, FACS_VERSION);
	put_zero(w, 3);
	put(w, 4, 0); /* OSPM Flags */
	put_zero(w, 24);
	return start;
}

/* DSDT (5.2.11.1): Name(_S5, Package(){5, 5, 0, 0}) in the root scope, nothing else. */
static uint64_t build_dsdt(struct writer *w)
{
	uint64_t start = begin_table(w, "DSDT", DSDT_REVISION);
	static const uint8_t elements[] = {
		AML_BYTE_PREFIX, ACPI_S5_SLP_TYP, /* PM1a_CNT.SLP_TYP */
		AML_BYTE_PREFIX, ACPI_S5_SLP_TYP, /* PM1b_CNT.SLP_TYP */
		AML_ZERO_OP, AML_ZERO_OP,         /* reserved */
	};

	put(w, 1, AML_NAME_OP);
	put_bytes(w, "_S5_", 4);
	put(w, 1, AML_PACKAGE_OP);
	/* PkgLength (20.2.4) counts itself, NumElements and the elements; < 64: one byte. */
	put(w, 1, 1 + 1 + sizeof(elements));
	put(w, 1, 4); /* NumElements */
	put_bytes(w, elements, sizeof(elements));
	end_table(w, start);
	return start;
}

static uint64_t build_fadt(struct writer *w, const struct acpi_config *c, uint64_t facs,
			   uint64_t dsdt)
{
	uint64_t start = begin_table(w, "FACP", FADT_REVISION);
	uint32_t flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
			 FADT_FIX_RTC | FADT_RESET_REG_SUP;
	uint16_t boot_arch = IAPC_VGA_NOT_PRESENT;
	uint32_t pm1a_evt = c->pm_base, pm1a_cnt = c->pm_base + 4u, pm_tmr = c->pm_base + 8u;

	if (c->pm_timer_32bit)
		flags |= FADT_TMR_VAL_EXT;
	if (c->pic)
		boot_arch |= IAPC_LEGACY_DEVICES;
	if (c->i8042)
		boot_arch |= IAPC_8042;

	put(w, 4, facs);         /* FIRMWARE_CTRL (36) */
	put(w, 4, dsdt);         /* DSDT (40) */
	put(w, 1, 0);            /* reserved (44) */
	put(w, 1, 0);            /* Preferred_PM_Profile: unspecified (45) */
	put(w, 2, c->sci_irq);   /* SCI_INT (46) */
	put(w, 4, 0);            /* SMI_CMD: none, the machine is always in ACPI mode (48) */
	put(w, 1, 0);            /* ACPI_ENABLE (52) */
	put(w, 1, 0);            /* ACPI_DISABLE (53) */
	put(w, 1, 0);            /* S4BIOS_REQ (54) */
	put(w, 1, 0);            /* PSTATE_CNT (55) */
	put(w, 4, pm1a_evt);     /* PM1a_EVT_BLK (56) */
	put(w, 4, 0);            /* PM1b_EVT_BLK (60) */
	put(w, 4, pm1a_cnt);     /* PM1a_CNT_BLK (64) */
	put(w, 4, 0);            /* PM1b_CNT_BLK (68) */
	put(w, 4, 0);            /* PM2_CNT_BLK (72) */
	put(w, 4, pm_tmr);       /* PM_TMR_BLK (76) */
	put(w, 4, 0);            /* GPE0_BLK (80) */
	put(w, 4, 0);            /* GPE1_BLK (84) */
	put(w, 1, 4);            /* PM1_EVT_LEN: status and enable, 16 bits each (88) */
	put(w, 1, 2);            /* PM1_CNT_LEN (89) */
	put(w, 1, 0);            /* PM2_CNT_LEN (90) */
	put(w, 1, 4);            /* PM_TMR_LEN (91) */
	put(w, 1, 0);            /* GPE0_BLK_LEN (92) */
	put(w, 1, 0);            /* GPE1_BLK_LEN (93) */
	put(w, 1, 0);            /* GPE1_BASE (94) */
	put(w, 1, 0);            /* CST_CNT (95) */
	put(w, 2, 101);          /* P_LVL2_LAT: > 100, C2 not supported (96) */
	put(w, 2, 1001);         /* P_LVL3_LAT: > 1000, C3 not supported (98) */
	put(w, 2, 0);            /* FLUSH_SIZE (100) */
	put(w, 2, 0);            /* FLUSH_STRIDE (102) */
	put(w, 1, 0);            /* DUTY_OFFSET (104) */
	put(w, 1, 0);            /* DUTY_WIDTH (105) */
	put(w, 1, 0);            /* DAY_ALRM (106) */
	put(w, 1, 0);            /* MON_ALRM (107) */
	put(w, 1, 0x32);         /* CENTURY: the MC146818 CMOS century byte (108) */
	put(w, 2, boot_arch);    /* IAPC_BOOT_ARCH (109) */
	put(w, 1, 0);            /* reserved (111) */
	put(w, 4, flags);        /* Flags (112) */
	put_gas(w, GAS_SYSTEM_IO, 8, GAS_ACCESS_BYTE, c->reset_port); /* RESET_REG (116) */
	put(w, 1, c->reset_value); /* RESET_VALUE (128) */
	put(w, 2, 0);            /* ARM_BOOT_ARCH (129) */
	put(w, 1, FADT_MINOR_VERSION); /* (131) */
	put(w, 8, facs);         /* X_FIRMWARE_CTRL (132), equal to FIRMWARE_CTRL */
	put(w, 8, dsdt);         /* X_DSDT (140) */
	put_gas(w, GAS_SYSTEM_IO, 32, GAS_ACCESS_WORD, pm1a_evt);  /* X_PM1a_EVT_BLK (148) */
	put_gas(w, 0, 0, 0, 0);                                    /* X_PM1b_EVT_BLK (160) */
	put_gas(w, GAS_SYSTEM_IO, 16, GAS_ACCESS_WORD, pm1a_cnt);  /* X_PM1a_CNT_BLK (172) */
	put_gas(w, 0, 0, 0, 0);                                    /* X_PM1b_CNT_BLK (184) */
	put_gas(w, 0, 0, 0, 0);                                    /* X_PM2_CNT_BLK (196) */
	put_gas(w, GAS_SYSTEM_IO, 32, GAS_ACCESS_DWORD, pm_tmr);   /* X_PM_TMR_BLK (208) */
	put_gas(w, 0, 0, 0, 0);                                    /* X_GPE0_BLK (220) */
	put_gas(w, 0, 0, 0, 0);                                    /* X_GPE1_BLK (232) */
	put_gas(w, 0, 0, 0, 0);                                    /* SLEEP_CONTROL_REG (244) */
	put_gas(w, 0, 0, 0, 0);                                    /* SLEEP_STATUS_REG (256) */
	put_bytes(w, "NESTVM\0\0", 8); /* Hypervisor Vendor Identity (268) */
	end_table(w, start);
	return start;
}

static void madt_override(struct writer *w, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	put(w, 1, MADT_TYPE_INTERRUPT_OVERRIDE);
	put(w, 1, 10);
	put(w, 1, 0); /* Bus: ISA */
	put(w, 1, irq);
	put(w, 4, gsi);
	put(w, 2, flags);
}

/* MADT (5.2.12): local APICs, the IOAPIC, ISA overrides and LINT1 as NMI. */
static uint64_t build_madt(struct writer *w, const struct acpi_config *c)
{
	uint64_t start = begin_table(w, "APIC", MADT_REVISION);

	put(w, 4, c->lapic_base);
	put(w, 4, c->pic ? MADT_PCAT_COMPAT : 0);
	for (unsigned i = 0; i < c->ncpus; i++) {
		if (c->apic_ids[i] < 0xff) {
			/* Processor Local APIC (5.2.12.2). */
			put(w, 1, MADT_TYPE_LOCAL_APIC);
			put(w, 1, 8);
			put(w, 1, i); /* ACPI Processor UID */
			put(w, 1, c->apic_ids[i]);
			put(w, 4, MADT_LAPIC_ENABLED);
		} else {
			/* Processor Local x2APIC (5.2.12.12): IDs 255 and up. */
			put(w, 1, MADT_TYPE_LOCAL_X2APIC);
			put(w, 1, 16);
			put(w, 2, 0);
			put(w, 4, c->apic_ids[i]);
			put(w, 4, MADT_LAPIC_ENABLED);
			put(w, 4, i);
		}
	}
	/* I/O APIC (5.2.12.3). */
	put(w, 1, MADT_TYPE_IO_APIC);
	put(w, 1, 12);
	put(w, 1, c->ioapic_id);
	put(w, 1, 0);
	put(w, 4, c->ioapic_base);
	put(w, 4, c->gsi_base);
	/* The PIT's IRQ 0 reaches IOAPIC pin 2, as on every PC (pin 0 is the 8259's INTR). */
	madt_override(w, 0, 2, MPS_INTI_POLARITY_HIGH | MPS_INTI_TRIGGER_EDGE);
	/* The SCI is level-triggered active high (5.2.12.5). */
	if (c->sci_irq)
		madt_override(w, c->sci_irq, c->sci_irq,
			      MPS_INTI_POLARITY_HIGH | MPS_INTI_TRIGGER_LEVEL);
	/* Local APIC NMI (5.2.12.7): LINT1 of every processor (UID 0xff), conforming. */
	put(w, 1, MADT_TYPE_LOCAL_APIC_NMI);
	put(w, 1, 6);
	put(w, 1, 0xff);
	put(w, 2, 0);
	put(w, 1, 1);
	end_table(w, start);
	return start;
}

/* MCFG (PCI Firmware Specification 3.3, 4.1.2): one ECAM range, segment 0. */
static uint64_t build_mcfg(struct writer *w, const struct acpi_config *c)
{
	uint64_t start = begin_table(w, "MCFG", MCFG_REVISION);

	put(w, 8, 0); /* reserved */
	put(w, 8, c->ecam_base);
	put(w, 2, 0); /* PCI Segment Group */
	put(w, 1, 0); /* Start Bus */
	put(w, 1, c->ecam_bus_end);
	put(w, 4, 0);
	end_table(w, start);
	return start;
}

/* HPET description table (IA-PC HPET Specification 1.0a, 3.2.4). */
static uint64_t build_hpet(struct writer *w, const struct acpi_config *c)
{
	uint64_t start = begin_table(w, "HPET", HPET_REVISION);

	put(w, 4, c->hpet_block_id ? c->hpet_block_id : ACPI_HPET_BLOCK_ID_DEFAULT);
	put_gas(w, GAS_SYSTEM_MEMORY, 64, 0, c->hpet_base);
	put(w, 1, 0); /* HPET Number */
	put(w, 2, 0); /* Main Counter Minimum Clock_tick in Periodic Mode */
	put(w, 1, 0); /* Page Protection: none */
	end_table(w, start);
	return start;
}

static uint64_t build_rsdt(struct writer *w, const uint64_t *tables, unsigned n)
{
	uint64_t start = begin_table(w, "RSDT", RSDT_REVISION);

	for (unsigned i = 0; i < n; i++)
		put(w, 4, tables[i]);
	end_table(w, start);
	return start;
}

static uint64_t build_xsdt(struct writer *w, const uint64_t *tables, unsigned n)
{
	uint64_t start = begin_table(w, "XSDT", XSDT_REVISION);

	for (unsigned i = 0; i < n; i++)
		put(w, 8, tables[i]);
	end_table(w, start);
	return start;
}

/* RSDP (5.2.5.3): checksum over the ACPI 1.0 part, extended checksum over all 36. */
static void build_rsdp(uint8_t *p, uint64_t rsdt, uint64_t xsdt)
{
	memset(p, 0, ACPI_RSDP_SIZE);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, ACPI_OEM_ID, 6);
	p[15] = RSDP_REVISION;
	bits_store_le(p + 16, 4, rsdt);
	bits_store_le(p + 20, 4, ACPI_RSDP_SIZE);
	bits_store_le(p + 24, 8, xsdt);
	p[8] = (uint8_t)-acpi_checksum(p, 20);
	p[32] = (uint8_t)-acpi_checksum(p, ACPI_RSDP_SIZE);
}

static bool check_config(const struct acpi_config *c, char *err, size_t errlen)
{
	if (c->ncpus == 0 || c->ncpus > ACPI_MAX_CPUS) {
		snprintf(err, errlen, "ACPI: %u CPUs (1 to %u supported)", c->ncpus,
			 ACPI_MAX_CPUS);
		return false;
	}
	if (c->lapic_base >> 32 || c->ioapic_base >> 32) {
		snprintf(err, errlen, "ACPI: APIC addresses must lie below 4 GiB");
		return false;
	}
	if (c->sci_irq > 15) {
		snprintf(err, errlen, "ACPI: SCI IRQ %u is not an ISA IRQ", c->sci_irq);
		return false;
	}
	return true;
}

uint64_t acpi_build(const struct acpi_config *cfg, uint8_t *ram, uint64_t ram_size,
		    uint64_t table_base, uint64_t rsdp_addr, char *err, size_t errlen)
{
	/* RSDT entries are 32-bit: every table lies below 4 GiB. */
	uint64_t limit = ram_size < (1ull << 32) ? ram_size : (1ull << 32);
	struct writer w = {.ram = ram, .pos = table_base, .end = limit};
	uint64_t tables[4], facs, dsdt, rsdt, xsdt;
	unsigned n = 0;

	if (!check_config(cfg, err, errlen))
		return 0;
	if (rsdp_addr % 16 || rsdp_addr > ram_size || ram_size - rsdp_addr < ACPI_RSDP_SIZE ||
	    table_base > limit) {
		snprintf(err, errlen, "ACPI: RSDP at 0x%llx or tables at 0x%llx outside RAM",
			 (unsigned long long)rsdp_addr, (unsigned long long)table_base);
		return 0;
	}
	facs = build_facs(&w);
	dsdt = build_dsdt(&w);
	tables[n++] = build_fadt(&w, cfg, facs, dsdt);
	tables[n++] = build_madt(&w, cfg);
	if (cfg->ecam_base)
		tables[n++] = build_mcfg(&w, cfg);
	if (cfg->hpet)
		tables[n++] = build_hpet(&w, cfg);
	rsdt = build_rsdt(&w, tables, n);
	xsdt = build_xsdt(&w, tables, n);
	if (w.overflow) {
		snprintf(err, errlen, "ACPI: tables do not fit below 0x%llx",
			 (unsigned long long)limit);
		return 0;
	}
	if (rsdp_addr + ACPI_RSDP_SIZE > table_base && rsdp_addr < w.pos) {
		snprintf(err, errlen, "ACPI: RSDP at 0x%llx overlaps the tables",
			 (unsigned long long)rsdp_addr);
		return 0;
	}
	build_rsdp(ram + rsdp_addr, rsdt, xsdt);
	return w.pos - table_base;
}
