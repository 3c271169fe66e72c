/* SPDX-License-Identifier: MIT */
/* Prototypes of every instruction handler named in insn.def. */
#ifndef NESTVM_HW_INSN_HANDLERS_H
#define NESTVM_HW_INSN_HANDLERS_H

#include "hw/cpu.h"
#include "hw/insn.h"

#define INSN(form, mnemonic, fn, attrs, icpt) insn_fn fn;
#include "hw/insn.def"
#undef INSN

#endif
