/* SPDX-License-Identifier: MIT */
/* Platform MSRs of SDM Vol. 4, Table 2-2 "IA-32 Architectural MSRs", as L0 emulates them. */
#include "l0/platform_msr.h"

#include "hw/msr.h"
#include "l0/vcpu.h"
#include "l0/vm_internal.h"

#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_PHYSBASE0 0x200
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_K7_PERF_FIRST 0xc0010000u
#define MSR_K7_PERF_LAST 0xc0010007u
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff

#define FEATURE_CONTROL_LOCK (1ull << 0)

static int mtrr_fixed_index(uint32_t index)
{
	switch (index) {
	case 0x250: return 0;
	case 0x258: return 1;
	case 0x259: return 2;
	default:
		if (index >= 0x268 && index <= 0x26f)
			return 3 + (int)(index - 0x268);
		return -1;
	}
}

static bool valid_mem_types(uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(v >> (8 * i));
		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6)
			return false;
	}
	return true;
}

/* MSRs that exist only when CPUID enumerates their feature (SDM Vol. 4, Table 2-2). */
static bool msr_enumerated(uint32_t index)
{
	switch (index) {
	case MSR_IA32_SPEC_CTRL: /* CPUID.7.0:EDX[26] (IBRS), not offered */
		return false;
	default:
		return true;
	}
}

bool platform_msr_read(struct vcpu *vcpu, uint32_t index, uint64_t *value)
{
	struct platform_msrs *p = &vcpu->pmsr;
	int fixed = mtrr_fixed_index(index);

	if (!msr_enumerated(index))
		return false;
	switch (index) {
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_BIOS_SIGN_ID:
	case MSR_IA32_MCG_CAP:
		*value = 0;
		return true;
	case MSR_IA32_APIC_BASE:
		*value = lapic_base(&vcpu->lapic);
		return true;
	case MSR_IA32_TSC_DEADLINE:
		*value = lapic_tsc_deadline_read(&vcpu->lapic);
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		*value = p->feature_control;
		return true;
	case MSR_IA32_TSC_ADJUST:
		*value = p->tsc_adjust;
		return true;
	case MSR_IA32_MTRRCAP:
		*value = (1u << 8) | (1u << 10) | 8; /* fixed ranges, WC, 8 variable */
		return true;
	case MSR_IA32_MCG_STATUS:
		*value = p->mcg_status;
		return true;
	case MSR_IA32_MISC_ENABLE:
		*value = p->misc_enable;
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		*value = p->mtrr_def_type;
		return true;
	default:
		break;
	}
	if (fixed >= 0) {
		*value = p->mtrr_fixed[fixed];
		return true;
	}
	if (index >= MSR_X2APIC_FIRST && index <= MSR_X2APIC_LAST)
		return lapic_msr_read(&vcpu->lapic, index, value);
	if (vcpu->cpuid.amd && index >= MSR_K7_PERF_FIRST && index <= MSR_K7_PERF_LAST) {
		*value = p->k7_perf[index - MSR_K7_PERF_FIRST];
		return true;
	}
	if (index >= MSR_IA32_MTRR_PHYSBASE0 && index < MSR_IA32_MTRR_PHYSBASE0 + 16) {
		*value = p->mtrr_var[index - MSR_IA32_MTRR_PHYSBASE0];
		return true;
	}
	/* MSRs the software CPU holds, reached here only if the bitmap sent them. */
	return msr_read(&vcpu->cpu, index, value) == EXEC_OK;
}

bool platform_msr_write(struct vcpu *vcpu, uint32_t index, uint64_t value)
{
	struct platform_msrs *p = &vcpu->pmsr;
	int fixed = mtrr_fixed_index(index);

	if (!msr_enumerated(index))
		return false;
	switch (index) {
	case MSR_IA32_BIOS_SIGN_ID:
		return true;
	case MSR_IA32_APIC_BASE:
		/* Mode transitions and reserved bits (SDM Vol. 3A, 11.12.5) are the APIC's. */
		return lapic_set_base(&vcpu->lapic, value);
	case MSR_IA32_TSC_DEADLINE:
		lapic_tsc_deadline_write(&vcpu->lapic, value);
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		/* Writes after the lock bit is set #GP (SDM Vol. 3C, 24.7). */
		if (p->feature_control & FEATURE_CONTROL_LOCK)
			return false;
		if (value & ~0x7ull)
			return false;
		p->feature_control = value;
		return true;
	case MSR_IA32_TSC:
		/* A TSC write moves IA32_TSC_ADJUST by the same amount (SDM Vol. 3B, 18.17.3). */
		p->tsc_adjust += value - vcpu->cpu.tsc;
		vcpu->cpu.tsc = value;
		return true;
	case MSR_IA32_TSC_ADJUST:
		/* A write moves the TSC by the difference (SDM Vol. 3B, 18.17.3). */
		vcpu->cpu.tsc += value - p->tsc_adjust;
		p->tsc_adjust = value;
		return true;
	case MSR_IA32_MCG_STATUS:
		if (value)
			return false;
		p->mcg_status = 0;
		return true;
	case MSR_IA32_MISC_ENABLE:
		p->misc_enable = value;
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		if (value & ~0xcffull)
			return false;
		p->mtrr_def_type = value;
		return true;
	default:
		break;
	}
	if (index >= MSR_X2APIC_FIRST && index <= MSR_X2APIC_LAST)
		return lapic_msr_write(&vcpu->lapic, index, value);
	/* AMD's legacy performance counters exist on every AMD processor (APM Vol. 2, 13.2). */
	if (vcpu->cpuid.amd && index >= MSR_K7_PERF_FIRST && index <= MSR_K7_PERF_LAST) {
		p->k7_perf[index - MSR_K7_PERF_FIRST] = value;
		return true;
	}
	if (fixed >= 0) {
		if (!valid_mem_types(value))
			return false;
		p->mtrr_fixed[fixed] = value;
		return true;
	}
	if (index >= MSR_IA32_MTRR_PHYSBASE0 && index < MSR_IA32_MTRR_PHYSBASE0 + 16) {
		p->mtrr_var[index - MSR_IA32_MTRR_PHYSBASE0] = value;
		return true;
	}
	return msr_write(&vcpu->cpu, index, value) == EXEC_OK;
}
