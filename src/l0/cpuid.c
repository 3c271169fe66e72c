/* SPDX-License-Identifier: MIT */
/*
 * CPUID leaves for L1 (SDM Vol. 2A, "CPUID—CPU Identification", Tables 3-8 … 3-20).
 * A feature appears only when the software CPU implements it (one table, below).
 */
#include "l0/cpuid.h"

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
	{"fpu", W_1_EDX, 0, true, true},
	{"vme", W_1_EDX, 1, false, false},
	{"de", W_1_EDX, 2, true, true},
	{"pse", W_1_EDX, 3, true, true},
	{"tsc", W_1_EDX, 4, true, true},
	{"msr", W_1_EDX, 5, true, true},
	{"pae", W_1_EDX, 6, true, true},
	{"cx8", W_1_EDX, 8, true, true},
	{"apic", W_1_EDX, 9, true, true},
	{"mmx", W_1_EDX, 23, true, true},
	{"fxsr", W_1_EDX, 24, true, true},
	{"sse", W_1_EDX, 25, true, true},
	{"sse2", W_1_EDX, 26, true, true},
	{"pni", W_1_ECX, 0, true, true},
	{"sse3", W_1_ECX, 0, true, true},
	{"ssse3", W_1_ECX, 9, true, false},
	{"sse4.1", W_1_ECX, 19, true, false},
	{"sse4.2", W_1_ECX, 20, true, false},
	{"xsave", W_1_ECX, 26, true, false},
	{"sep", W_1_EDX, 11, true, true},
	{"pge", W_1_EDX, 13, true, true},
	{"cmov", W_1_EDX, 15, true, true},
	{"pat", W_1_EDX, 16, true, true},
	{"pse36", W_1_EDX, 17, true, true},
	{"clflush", W_1_EDX, 19, true, true},
	{"cx16", W_1_ECX, 13, true, true},
	{"pcid", W_1_ECX, 17, true, false},
	{"x2apic", W_1_ECX, 21, true, false},
	{"popcnt", W_1_ECX, 23, true, true},
	{"tsc-deadline", W_1_ECX, 24, true, false},
	{"hypervisor", W_1_ECX, 31, true, true},
	{"fsgsbase", W_7_EBX, 0, true, false},
	{"tsc_adjust", W_7_EBX, 1, true, false},
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

/*
 * CPU models (-cpu NAME). Every model offers only what the software CPU implements;
 * "base" models offer the older subset (as QEMU's qemu64). AMD models change the vendor
 * and the vendor-specific behaviour of the CPU (SYSCALL outside 64-bit mode, SYSENTER in
 * long mode).
 */
struct model {
	const char *name;
	bool amd;
	bool base_only;
	uint32_t signature; /* CPUID.1:EAX */
};

static const struct model models[] = {
	{"max", false, false, 0x00050654},
	{"host", false, false, 0x00050654},
	{"base", false, true, 0x00000663},
	{"qemu64", false, true, 0x00000663},
	{"qemu32", false, true, 0x00000663},
	{"kvm64", false, true, 0x00000f61},
	{"kvm32", false, true, 0x00000f61},
	{"Nehalem", false, true, 0x000106a2},
	{"Westmere", false, true, 0x000206c1},
	{"SandyBridge", false, false, 0x000206a1},
	{"IvyBridge", false, false, 0x000306a9},
	{"Haswell", false, false, 0x000306c1},
	{"Broadwell", false, false, 0x000306d2},
	{"Skylake-Client", false, false, 0x000506e3},
	{"Skylake-Server", false, false, 0x00050654},
	{"Cascadelake-Server", false, false, 0x00050657},
	{"Icelake-Server", false, false, 0x000606a6},
	{"Opteron_G1", true, true, 0x00000f01},
	{"Opteron_G2", true, true, 0x00040f12},
	{"Opteron_G3", true, true, 0x00100f42},
	{"EPYC", true, false, 0x00800f12},
};

static const struct model *find_model(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		if (strlen(models[i].name) == len && !strncmp(models[i].name, name, len))
			return &models[i];
	}
	return NULL;
}

bool cpuid_model_known(const char *spec)
{
	return find_model(spec, strcspn(spec, ",")) != NULL;
}

void cpuid_models_print(FILE *f)
{
	fprintf(f, "Available CPU models:\n");
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		fprintf(f, "  %s%s\n", models[i].name, models[i].amd ? " (AuthenticAMD)" : "");
	fprintf(f, "Features (+name, -name, name=on|off; vendor=GenuineIntel|AuthenticAMD):\n ");
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].implemented)
			fprintf(f, " %s", features[i].name);
	fprintf(f, "\n");
}

bool cpuid_model_init(struct cpuid_model *m, const char *spec, unsigned ncpus, char *err,
		      size_t errlen)
{
	const char *p = spec ? spec : "max";
	size_t len = strcspn(p, ",");
	const struct model *model = find_model(p, len);

	memset(m, 0, sizeof(*m));
	m->ncpus = ncpus ? ncpus : 1;
	if (!model) {
		snprintf(err, errlen, "-cpu %.*s: unknown CPU model (see -cpu help)", (int)len, p);
		return false;
	}
	m->amd = model->amd;
	m->signature = model->signature;
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		const struct feature *f = &features[i];
		if (f->implemented && (!model->base_only || f->base))
			*word_of(m, f->word) |= 1u << f->bit;
	}
	p += len;
	while (*p == ',') {
		p++;
		len = strcspn(p, ",");
		bool on = true;
		const char *name = p;
		size_t nlen = len;
		if (len > 7 && !strncmp(p, "vendor=", 7)) {
			if (len - 7 == 12 && !strncmp(p + 7, "AuthenticAMD", 12)) {
				m->amd = true;
			} else if (len - 7 == 12 && !strncmp(p + 7, "GenuineIntel", 12)) {
				m->amd = false;
			} else {
				snprintf(err, errlen, "-cpu: vendor '%.*s' is not GenuineIntel or AuthenticAMD",
					 (int)(len - 7), p + 7);
				return false;
			}
			p += len;
			continue;
		}
		/* QEMU CPU properties that are not CPUID features: accepted, no effect here. */
		static const char *const props[] = {"host-phys-bits", "phys-bits", "migratable",
						    "check", "enforce", "l3-cache", "pmu", "level",
						    "xlevel", "model-id", "host-cache-info"};
		bool prop = false;
		for (size_t k = 0; k < sizeof(props) / sizeof(props[0]); k++) {
			size_t pl = strlen(props[k]);
			if (len >= pl && !strncmp(p, props[k], pl) && (len == pl || p[pl] == '='))
				prop = true;
		}
		if (prop) {
			p += len;
			continue;
		}
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
		 bool cr4_osxsave, struct cpuid_regs *out)
{
	memset(out, 0, sizeof(*out));
	switch (leaf) {
	case 0:
		out->eax = 0xd;
		if (m->amd) {
			out->ebx = 0x68747541; /* "AuthenticAMD" */
			out->edx = 0x69746e65;
			out->ecx = 0x444d4163;
		} else {
			out->ebx = 0x756e6547; /* "GenuineIntel" */
			out->edx = 0x49656e69;
			out->ecx = 0x6c65746e;
		}
		break;
	case 1:
		out->eax = m->signature;
		out->ebx = (m->apic_id << 24) | (m->ncpus << 16) | (8 << 8);
		out->ecx = m->leaf1_ecx;
		out->edx = m->leaf1_edx;
		/* OSXSAVE mirrors CR4.OSXSAVE (SDM Vol. 2A, CPUID leaf 1). */
		if (cr4_osxsave && (m->leaf1_ecx & (1u << 26)))
			out->ecx |= 1u << 27;
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
	case 0xb: {
		/* Extended topology (SDM Vol. 2A, CPUID leaf 0BH): one thread per core, all cores
		 * in one package; EDX is the x2APIC ID. */
		unsigned shift = 0;
		while ((1u << shift) < m->ncpus)
			shift++;
		out->edx = m->apic_id;
		if (subleaf == 0) {
			out->eax = 0;
			out->ebx = 1;
			out->ecx = (1u << 8) | subleaf; /* SMT level */
		} else if (subleaf == 1) {
			out->eax = shift;
			out->ebx = m->ncpus;
			out->ecx = (2u << 8) | subleaf; /* core level */
		} else {
			out->ecx = subleaf & 0xff;      /* invalid level */
		}
		break;
	}
	case 0xd:
		/* XSAVE state: x87 and SSE (SDM Vol. 1, 13.2); AVX arrives with VEX. */
		if (!(m->leaf1_ecx & (1u << 26)))
			break;
		if (subleaf == 0) {
			out->eax = 3;
			out->ebx = 576;
			out->ecx = 576;
		} else if (subleaf == 1) {
			out->eax = 3; /* XSAVEOPT, XSAVEC */
			out->ebx = 576;
		}
		break;
	case 0x80000000:
		out->eax = 0x80000008;
		if (m->amd) { /* AMD repeats the vendor in the extended range */
			out->ebx = 0x68747541;
			out->edx = 0x69746e65;
			out->ecx = 0x444d4163;
		}
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
