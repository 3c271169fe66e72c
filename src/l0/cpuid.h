/* SPDX-License-Identifier: MIT */
/*
 * The CPUID model L0 presents to L1 (SDM Vol. 2A, CPUID): vendor, family and the
 * features the software CPU implements, chosen with -cpu MODEL[,+feat,-feat].
 */
#ifndef NESTVM_L0_CPUID_H
#define NESTVM_L0_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct cpuid_model {
	bool amd;            /* AuthenticAMD: vendor string and AMD instruction behaviour */
	uint32_t signature;  /* CPUID.1:EAX */
	uint32_t leaf1_ecx, leaf1_edx;
	uint32_t leaf7_ebx, leaf7_ecx, leaf7_edx;
	uint32_t ext1_ecx, ext1_edx;
	unsigned ncpus;
	unsigned apic_id;
};

/* Parse "MODEL[,+feat,-feat,feat=on|off]"; false with a message for unknown names. */
bool cpuid_model_init(struct cpuid_model *m, const char *spec, unsigned ncpus, char *err,
		      size_t errlen);
/* Is MODEL (the part of "MODEL,feat…" before the first comma) a known model? */
bool cpuid_model_known(const char *spec);
void cpuid_models_print(FILE *f);
void cpuid_query(const struct cpuid_model *m, uint32_t leaf, uint32_t subleaf,
		 bool cr4_osxsave, struct cpuid_regs *out);
/* Is the named feature offered (for L0's own decisions: MSRs that exist, …)? */
bool cpuid_has(const struct cpuid_model *m, const char *feature);

#endif
