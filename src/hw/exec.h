/* SPDX-License-Identifier: MIT */
/* The interpreter: fetch, decode, check and execute one instruction. */
#ifndef NESTVM_HW_EXEC_H
#define NESTVM_HW_EXEC_H

#include "hw/cpu.h"

/*
 * Execute one instruction (or deliver the fault it raises). EXEC_OK: the CPU moved on;
 * EXEC_VMEXIT: a VM exit was recorded in cpu->exit.
 */
enum exec_status exec_one(struct cpu *cpu);

#endif
