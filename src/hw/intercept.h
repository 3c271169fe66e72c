/* SPDX-License-Identifier: MIT */
/*
 * The instruction intercept query (STYLE.md 4: one query in exec.c): given a decoded
 * instruction whose row names an intercept class, decide from the current VMCS whether
 * it causes a VM exit (SDM Vol. 3C, 26.1 "Instructions That Cause VM Exits").
 */
#ifndef NESTVM_HW_INTERCEPT_H
#define NESTVM_HW_INTERCEPT_H

#include <stdbool.h>

#include "hw/cpu.h"
#include "hw/insn.h"

/*
 * EXEC_OK: run the handler (unless *done, when the query itself carried out the
 * instruction, e.g. a read of a shadowed CR0). EXEC_VMEXIT: the exit is recorded.
 * EXEC_FAULT: a fault with priority over the VM exit (I/O permission, UMIP, mode #UD).
 */
enum exec_status intercept_insn(struct cpu *cpu, const struct insn *in, bool *done);

#endif
