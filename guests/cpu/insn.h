/* SPDX-License-Identifier: MIT */
/* Helpers shared by the cpu/ tests: run one instruction with given RFLAGS and capture the result and RFLAGS. */
#ifndef NESTVM_GUESTS_CPU_INSN_H
#define NESTVM_GUESTS_CPU_INSN_H

#include "libcflat.h"
#include "processor.h"

#define CF X86_EFLAGS_CF
#define PF X86_EFLAGS_PF
#define AF X86_EFLAGS_AF
#define ZF X86_EFLAGS_ZF
#define SF X86_EFLAGS_SF
#define OF X86_EFLAGS_OF
#define ARITH X86_EFLAGS_ARITH

typedef unsigned long (*alu_fn)(unsigned long a, unsigned long b, unsigned long fin, unsigned long *fout);

/* Defines name(a, b, fin, &fout): RFLAGS = fin; insn (operands %[a], %[b], b may be CL); return a. */
#define ALU2(name, insn)                                                                     \
	static unsigned long name(unsigned long a, unsigned long b, unsigned long fin,        \
				  unsigned long *fout)                                        \
	{                                                                                    \
		asm volatile("push %[fin]; popf\n\t" insn "\n\tpushf; pop %[fout]"            \
			     : [a] "+r"(a), [fout] "=&r"(*fout)                                \
			     : [b] "c"(b), [fin] "r"(fin)                                      \
			     : "cc");                                                        \
		return a;                                                            \
	}

struct alu_case {
	const char *name;
	alu_fn fn;
	unsigned long a, b, fin;
	unsigned long result, flags, mask; /* mask: the flags the SDM defines for this case */
};

static inline void run_alu_cases(const struct alu_case *cases, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct alu_case *c = &cases[i];
		unsigned long f, r = c->fn(c->a, c->b, c->fin | X86_EFLAGS_FIXED, &f);

		report(r == c->result && (f & c->mask) == c->flags,
		       "%s: result %#lx (want %#lx), flags %#lx (want %#lx)", c->name, r, c->result,
		       f & c->mask, c->flags);
	}
}

#endif
