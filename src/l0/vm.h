/* SPDX-License-Identifier: MIT */
/*
 * The virtual machine as L0 owns it: machine RAM, the platform bus, the vCPU(s) running
 * L1 under vmcs01. cli/ builds one from the user's options and runs it.
 */
#ifndef NESTVM_L0_VM_H
#define NESTVM_L0_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"
#include "dev/bus.h"

struct vm;

struct vm_config {
	uint64_t ram_size;
	unsigned smp;
	const char *cpu_model;  /* "max", "qemu64", "host"… with +feat/-feat list */
	bool no_reboot;
	bool stats;             /* print exit statistics at the end */
	const char *trace;      /* trace event pattern or NULL */
	uint64_t max_insns;     /* stop after this many guest instructions (0 = no limit) */
	bool no_pit;            /* -machine pit=off */
	bool realtime;          /* -clock realtime: guest time follows the host's clock */
};

/*
 * Exit statuses nestvm itself uses. isa-debug-exit gives odd ones ((v << 1) | 1) and a
 * user error is 2, so these are even.
 */
#define VM_STATUS_SHUTDOWN 4   /* triple fault, reset, or halted for good: reported on stderr */
#define VM_STATUS_INTERNAL 6   /* nestvm could not continue (reported on stderr) */

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
void vm_destroy(struct vm *vm);
uint8_t *vm_ram(struct vm *vm);
uint64_t vm_ram_size(const struct vm *vm);
struct bus *vm_bus(struct vm *vm);
/* ISA interrupt line of a device created outside l0 (the serial port): opaque is the vm. */
void vm_set_isa_irq(void *vm, int irq, bool level);
/* The PIT, for port 0x61 (system control port B); NULL with -machine pit=off. */
struct pit *vm_pit(struct vm *vm);
/* After the devices of the command line exist: PCI BARs placed, ACPI tables written. */
bool vm_finish_platform(struct vm *vm, char *err, size_t errlen);
/* Set the first vCPU's L1 state (written into vmcs01's guest-state area). */
void vm_set_boot_state(struct vm *vm, const struct boot_state *bs);
/* Run until a device stops the machine, the guest shuts down, or an error. */
int vm_run(struct vm *vm);

#endif
