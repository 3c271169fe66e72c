/* SPDX-License-Identifier: MIT */
/*
 * Protected-mode and virtual-8086 I/O permission (SDM Vol. 1, 19.5 "Protected-Mode I/O"
 * and Vol. 3A, 21.2.8 "Virtual-8086 Mode I/O"): IOPL and the TSS I/O permission bit map.
 *
 * The interpreter calls io_check_permission() before it asks whether the I/O instruction
 * exits: the #GP it raises outranks the VM exit (SDM Vol. 3C, 26.1.1 "Relative Priority
 * of Faults and VM Exits").
 */
#ifndef NESTVM_HW_IO_H
#define NESTVM_HW_IO_H

#include <stdint.h>

#include "hw/cpu.h"

/* Offset of the I/O map base address in a 32-bit or 64-bit TSS. */
#define TSS_IO_MAP_BASE 0x66u

/*
 * May the current code access `size` bytes (1, 2 or 4) at `port`? Real mode: always.
 * Protected mode with CPL <= IOPL: yes. CPL > IOPL, or virtual-8086 mode: every bit of
 * the access in the TSS I/O permission bit map must be clear. Returns EXEC_OK or
 * EXEC_FAULT with #GP(0) (TR not a 32/64-bit TSS, bit map beyond the TSS limit, a bit
 * set), or the fault/VM exit of reading the TSS.
 */
enum exec_status io_check_permission(struct cpu *cpu, uint16_t port, unsigned size);

#endif
