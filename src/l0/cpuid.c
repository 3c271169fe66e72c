/* SPDX-License-Identifier: MIT */
/*
 * CPUID leaves for L1 (SDM Vol. 2A, "CPUID—CPU Identification", Tables 3-8 … 3-20).
 * A feature appears only when the software CPU implements it (one table, below).
 */
#include "l0/cpuid.h"

#include <stdio.h>
#include <string.h>

enum feat_word { W_1_ECX, W_1_EDX, W_7_EBX, W_7_ECX, W_7_EDX, W_X1_ECX, W_X1_EDX };

struct feature {
	const char *name;
	enum feat_word word;
	unsigned bit;
	bool implemented; /* offered by "max"/"host" */
	bool base;        /* offered by "qemu64" */
};

static const struct feature features[] = {
	{"vme", W_1_EDX, 1, false, false},
	{"de", W_1_EDX, 2, true, true},
	{"pse", W_1_EDX, 3, true, true},
	{"tsc", W_1_EDX, 4, true, true},
	{"msr", W_1_EDX, 5, true, true},
	{"pae", W_1_EDX, 6, true, true},
	{"cx8", W_1_EDX, 8, true, true},
	{"sep", W_1_EDX, 11, true, true},
	{"pge", W_1_EDX, 13, true, true},
	{"cmov", W_1_EDX, 15, true, true},
	{"pat", W_1_EDX, 16, true, true},
	{"pse36", W_1_EDX, 17, true, true},
	{"clflush", W_1_EDX, 19, true, true},
	{"cx16", W_1_ECX, 13, true, true},
	{"pcid", W_1_ECX, 17, true, false},
	{"popcnt", W_1_ECX, 23, true, true},
	{"hypervisor", W_1_ECX, 31, true, true},
	{"fsgsbase", W_7_EBX, 0, true, false},
	{"smep", W_7_EBX, 7, true, false},
	{"erms", W_7_EBX, 9, true, false},
	{"invpcid", W_7_EBX, 10, true, false},
	{"smap", W_7_EBX, 20, true, false},
	{"umip", W_7_ECX, 2, true, false},
	{"lahf_lm", W_X1_ECX, 0, true, true},
	{"abm", W_X1_ECX, 5, true, false},
	{"syscall", W_X1_EDX, 11, true, true},
	{"nx", W_X1_EDX, 20, true, true},
	{"pdpe1gb", W_X1_EDX, 26, true, false},
	{"rdtscp", W_X1_EDX, 27, true, false},
	{"lm", W_X1_EDX, 29, true, true},
};

static uint32_t *word_of(struct cpuid_model *m, enum feat_word w)
{
	switch (w) {
	case W_1_ECX: return &m->leaf1_ecx;
	case W_1_EDX: return &m->leaf1_edx;
	case W_7_EBX: return &m->leaf7_ebx;
	case W_7_ECX: return &m->leaf7_ecx;
	case W_7_EDX: return &m->leaf7_edx;
	case W_X1_ECX: return &m->ext1_ecx;
	default: return &m->ext1_edx;
	}
}

static const struct feature *find_feature(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		if (strlen(features[i].name) == len && !strncmp(features[i].name, name, len))
			return &features[i];
	}
	return NULL;
}

bool cpuid_model_init(struct cpuid_model *m, const char *spec, unsigned ncpus, char *err,
		      size_t errlen)
{
	const char *p = spec ? spec : "max";
	size_t len = strcspn(p, ",");
	bool base_only;

	memset(m, 0, sizeof(*m));
	m->ncpus = ncpus ? ncpus : 1;
	if ((len == 3 && !strncmp(p, "max", 3)) || (len == 4 && !strncmp(p, "host", 4))) {
		base_only = false;
	} else if ((len == 6 && !strncmp(p, "qemu64", 6)) || (len == 5 && !strncmp(p, "kvm64", 5))) {
		base_only = true;
	} else {
		snprintf(err, errlen, "-cpu %.*s: unknown CPU model (max, host, qemu64, kvm64)",
			 (int)len, p);
		return false;
	}
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		const struct feature *f = &features[i];
		if (f->implemented && (!base_only || f->base))
			*word_of(m, f->word) |= 1u << f->bit;
	}
	p += len;
	while (*p == ',') {
		p++;
		len = strcspn(p, ",");
		bool on = true;
		const char *name = p;
		size_t nlen = len;
		if (*p == '+' || *p == '-') {
			on = *p == '+';
			name++;
			nlen--;
		} else {
			const char *eq = memchr(p, '=', len);
			if (eq) {
				nlen = (size_t)(eq - p);
				on = !strncmp(eq + 1, "on", len - nlen - 1) ||
				     !strncmp(eq + 1, "true", len - nlen - 1);
			}
		}
		const struct feature *f = find_feature(name, nlen);
		if (!f) {
			/* Features nestvm does not know it cannot offer; asking to drop them is fine. */
			if (!on) {
				p += len;
				continue;
			}
			snprintf(err, errlen, "-cpu: feature '%.*s' is not implemented by nestvm",
				 (int)nlen, name);
			return false;
		}
		if (on && !f->implemented) {
			snprintf(err, errlen, "-cpu: feature '%s' is not implemented by nestvm", f->name);
			return false;
		}
		if (on)
			*word_of(m, f->word) |= 1u << f->bit;
		else
			*word_of(m, f->word) &= ~(1u << f->bit);
		p += len;
	}
	return true;
}

bool cpuid_has(const struct cpuid_model *m, const char *feature)
{
	const struct feature *f = find_feature(feature, strlen(feature));
	if (!f)
		return false;
	return (*word_of((struct cpuid_model *)m, f->word) >> f->bit) & 1;
}

static void brand(uint32_t leaf, struct cpuid_regs *out)
{
	static const char name[48] = "nestvm software x86-64 CPU";
	uint32_t w[4];

	memcpy(w, name + (leaf - 0x80000002u) * 16, 16);
	out->eax = w[0];
	out->ebx = w[1];
	out->ecx = w[2];
	out->edx = w[3];
}

void cpuid_query(const struct cpuid_model *m, uint32_t leaf, uint32_t subleaf,
		 struct cpuid_regs *out)
{
	memset(out, 0, sizeof(*out));
	switch (leaf) {
	case 0:
		out->eax = 0xd;
		out->ebx = 0x756e6547; /* "GenuineIntel" */
		out->edx = 0x49656e69;
		out->ecx = 0x6c65746e;
		break;
	case 1:
		/* Family 6, model 0x55 (Skylake server), stepping 4. */
		out->eax = 0x00050654;
		out->ebx = (m->apic_id << 24) | (m->ncpus << 16) | (8 << 8);
		out->ecx = m->leaf1_ecx;
		out->edx = m->leaf1_edx;
		if (m->ncpus > 1)
			out->edx |= 1u << 28; /* HTT: the count in EBX[23:16] is meaningful */
		break;
	case 7:
		if (subleaf == 0) {
			out->ebx = m->leaf7_ebx;
			out->ecx = m->leaf7_ecx;
			out->edx = m->leaf7_edx;
		}
		break;
	case 0x80000000:
		out->eax = 0x80000008;
		break;
	case 0x80000001:
		out->ecx = m->ext1_ecx;
		out->edx = m->ext1_edx;
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
		brand(leaf, out);
		break;
	case 0x80000008:
		out->eax = (48 << 8) | 46; /* linear and physical address widths */
		break;
	default:
		/* Leaves above the maximum return the highest basic leaf's data on Intel; 0 here. */
		break;
	}
}
