/* SPDX-License-Identifier: MIT */
/*
 * MSRs L0 emulates for L1 because they describe the platform rather than the CPU core
 * (APIC base, feature control, MTRRs, machine check, …). The MSRs whose state the
 * software CPU holds pass through vmcs01's MSR bitmap and never come here.
 */
#ifndef NESTVM_L0_PLATFORM_MSR_H
#define NESTVM_L0_PLATFORM_MSR_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* false: the MSR does not exist or the value is invalid: L1 gets #GP(0). */
bool platform_msr_read(struct vcpu *vcpu, uint32_t index, uint64_t *value);
bool platform_msr_write(struct vcpu *vcpu, uint32_t index, uint64_t value);

#endif
