/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for the PC platform (ACPI Specification 6.5, chapter 5 "ACPI Software
 * Programming Model"): RSDP, RSDT, XSDT, FADT, FACS, a DSDT holding \_S5, MADT, MCFG
 * (PCI Firmware Specification 3.3, 4.1.2) and HPET (IA-PC HPET Specification 1.0a,
 * 3.2.4), built from a description of the machine straight into guest RAM.
 */
#ifndef NESTVM_BOOT_ACPI_H
#define NESTVM_BOOT_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 256
#define ACPI_OEM_ID "NESTVM"         /* 6 bytes, every table and the RSDP */
#define ACPI_OEM_TABLE_ID "NESTVM  " /* 8 bytes */
#define ACPI_CREATOR_ID "NSTV"
#define ACPI_RSDP_SIZE 36
#define ACPI_HEADER_SIZE 36
#define ACPI_FADT_SIZE 276 /* FADT revision 6 (ACPI 6.x, table 5.9) */
#define ACPI_FACS_SIZE 64
/*
 * \_S5 is Package(){ACPI_S5_SLP_TYP, ACPI_S5_SLP_TYP, 0, 0}: writing SLP_TYP = 5 with
 * SLP_EN (PM1_CNT bits 12:10 and 13) to PM1a_CNT is the guest's request to power off.
 */
#define ACPI_S5_SLP_TYP 5
/* HPET Event Timer Block ID when the description gives none: QEMU's (8086, 3 timers,
 * 64-bit counter, legacy replacement capable, revision 1). */
#define ACPI_HPET_BLOCK_ID_DEFAULT 0x8086a201u

struct acpi_config {
	unsigned ncpus; /* 1 … ACPI_MAX_CPUS; CPU i gets ACPI processor UID i */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	uint64_t lapic_base;  /* 0xfee00000 */
	uint64_t ioapic_base; /* 0xfec00000 */
	uint32_t ioapic_id;
	uint32_t gsi_base; /* the IOAPIC's first GSI; ISA IRQ n is GSI n */
	bool pic;          /* an 8259 pair is present: MADT PCAT_COMPAT */
	bool i8042;        /* an 8042 keyboard controller is present: IAPC_BOOT_ARCH */
	/* PM1a_EVT_BLK at pm_base (4 bytes), PM1a_CNT_BLK at +4 (2), PM_TMR_BLK at +8 (4). */
	uint16_t pm_base;
	bool pm_timer_32bit; /* FADT TMR_VAL_EXT */
	uint8_t sci_irq;     /* ISA IRQ of the SCI, level-triggered active high (9) */
	uint64_t ecam_base;  /* 0: no MCFG */
	uint8_t ecam_bus_end;
	bool hpet;
	uint64_t hpet_base;
	uint32_t hpet_block_id; /* 0: ACPI_HPET_BLOCK_ID_DEFAULT */
	uint16_t reset_port;    /* FADT RESET_REG, an I/O port (0xcf9) */
	uint8_t reset_value;    /* 0x06 */
};

/*
 * Writes the tables into ram (guest-physical 0 … ram_size - 1): the RSDP at rsdp_addr
 * (16-byte aligned; 0xe0000 puts it where guests search) and the rest from table_base
 * up, all below 4 GiB. Returns the bytes used from table_base, or 0 with one line in
 * err on a bad description or when the tables do not fit.
 */
uint64_t acpi_build(const struct acpi_config *cfg, uint8_t *ram, uint64_t ram_size,
		    uint64_t table_base, uint64_t rsdp_addr, char *err, size_t errlen);

/* The ACPI table checksum rule: all bytes of a table sum to zero (ACPI 5.2.6). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
