// SPDX-License-Identifier: MIT
/* Model-specific registers: EFER, SYSCALL MSRs, FS/GS bases and SWAPGS, SYSENTER MSRs, PAT, TSC, APIC_BASE, MISC_ENABLE, FEATURE_CONTROL, and #GP(0) for reserved bits and unknown MSRs (SDM Vol. 4, chapter 2 "Model-Specific Registers"; Vol. 2B "RDMSR", "WRMSR", "SWAPGS"). */
#include "libcflat.h"
#include "processor.h"

#define CANONICAL_HIGH 0xffff800000001000ull
#define NONCANONICAL 0x0000800000000000ull

/* QEMU 7.2 TCG ignores unknown MSRs and most reserved bits: that is skipped, not passed. */
static void expect_gp(const char *what, int vector)
{
	if (vector == -1 && cpu_is_qemu_tcg()) {
		report_skip("%s: QEMU TCG raises no #GP", what);
		return;
	}
	report(vector == GP_VECTOR && exception_error_code() == 0, "%s: #GP(0) (vector %d, error %#lx)", what,
	       vector, exception_error_code());
}

static void round_trip(const char *name, uint32_t msr, uint64_t val)
{
	uint64_t old = rdmsr(msr), got;

	wrmsr(msr, val);
	got = rdmsr(msr);
	wrmsr(msr, old);
	report(got == val, "%s reads back %#llx (got %#llx)", name, (unsigned long long)val,
	       (unsigned long long)got);
}

static void test_efer(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	report((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER.LME and LMA set in 64-bit mode (%#llx)",
	       (unsigned long long)efer);
	expect_gp("EFER reserved bit 1", wrmsr_safe(MSR_EFER, efer | 2));
	expect_gp("EFER reserved bit 63", wrmsr_safe(MSR_EFER, efer | (1ull << 63)));
	report(wrmsr_safe(MSR_EFER, efer | EFER_SCE) == -1 && (rdmsr(MSR_EFER) & EFER_SCE), "EFER.SCE can be set");
	wrmsr(MSR_EFER, efer);
}

static void test_syscall_msrs(void)
{
	round_trip("STAR", MSR_STAR, 0x0033000800000000ull | 0x12345678);
	round_trip("LSTAR", MSR_LSTAR, CANONICAL_HIGH);
	round_trip("CSTAR", MSR_CSTAR, 0x1234000);
	round_trip("FMASK", MSR_SYSCALL_MASK, 0x47700);
	expect_gp("LSTAR non-canonical", wrmsr_safe(MSR_LSTAR, NONCANONICAL));
}

static void test_segment_bases(void)
{
	static uint64_t area[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
	uint64_t v, gs = rdmsr(MSR_GS_BASE), kgs = rdmsr(MSR_KERNEL_GS_BASE);

	write_fs(0);
	wrmsr(MSR_FS_BASE, (uintptr_t)&area[1]);
	asm volatile("mov %%fs:8, %0" : "=r"(v));
	report(v == 0x3333, "FS_BASE is used by %%fs: accesses (%#llx)", (unsigned long long)v);
	wrmsr(MSR_GS_BASE, (uintptr_t)&area[0]);
	wrmsr(MSR_KERNEL_GS_BASE, (uintptr_t)&area[2]);
	asm volatile("swapgs; mov %%gs:0, %0; swapgs" : "=r"(v));
	report(v == 0x3333, "SWAPGS makes KERNEL_GS_BASE the GS base");
	asm volatile("swapgs" ::: "memory");
	report(rdmsr(MSR_GS_BASE) == (uintptr_t)&area[2] && rdmsr(MSR_KERNEL_GS_BASE) == (uintptr_t)&area[0],
	       "SWAPGS exchanges GS_BASE and KERNEL_GS_BASE");
	asm volatile("swapgs" ::: "memory");
	expect_gp("FS_BASE non-canonical", wrmsr_safe(MSR_FS_BASE, NONCANONICAL));
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_GS_BASE, gs);
	wrmsr(MSR_KERNEL_GS_BASE, kgs);
}

static void test_misc(void)
{
	uint64_t v, pat = rdmsr(MSR_IA32_CR_PAT), t1, t2;
	int vec;

	round_trip("SYSENTER_CS", MSR_IA32_SYSENTER_CS, 0x50);
	round_trip("SYSENTER_ESP", MSR_IA32_SYSENTER_ESP, 0x123000);
	round_trip("SYSENTER_EIP", MSR_IA32_SYSENTER_EIP, 0x456000);

	/* Power-up PAT: WB WT UC- UC, twice (SDM Vol. 3A, Table 12-12). */
	report(pat == 0x0007040600070406ull, "PAT has its reset value (%#llx)", (unsigned long long)pat);
	round_trip("PAT", MSR_IA32_CR_PAT, 0x0000000001050607ull);
	vec = wrmsr_safe(MSR_IA32_CR_PAT, 0x0000000000000002ull); /* type 2 is reserved */
	if (vec == -1 && cpu_is_qemu_tcg())
		report_skip("PAT reserved memory type: QEMU TCG accepts it");
	else
		expect_gp("PAT reserved memory type 2", vec);
	wrmsr(MSR_IA32_CR_PAT, pat);

	t1 = rdtsc();
	t2 = rdtsc();
	report(t2 > t1, "TSC counts up");
	wrmsr(MSR_IA32_TSC, 1ull << 40);
	t1 = rdtsc();
	if (t1 < 1ull << 40 && cpu_is_qemu_tcg()) {
		report_skip("WRMSR TSC: QEMU TCG ignores writes to IA32_TIME_STAMP_COUNTER");
	} else {
		report(t1 >= 1ull << 40 && t1 < (1ull << 40) + (1ull << 36),
		       "WRMSR TSC sets the counter (%#llx)", (unsigned long long)t1);
		report(rdmsr(MSR_IA32_TSC) >= t1, "RDMSR TSC agrees with RDTSC");
	}

	v = rdmsr(MSR_IA32_APICBASE);
	report((v & 0xfffff000) == 0xfee00000 && (v & (1 << 8)) && (v & (1 << 11)),
	       "APIC_BASE: BSP, enabled, base 0xfee00000 (%#llx)", (unsigned long long)v);
	expect_gp("APIC_BASE reserved bit 0", wrmsr_safe(MSR_IA32_APICBASE, v | 1));

	if (cpu_is_intel()) {
		report(rdmsr_safe(MSR_IA32_MISC_ENABLE, &v) == -1, "MISC_ENABLE reads (%#llx)", (unsigned long long)v);
		vec = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);
		if (this_cpu_has(X86_FEATURE_VMX))
			report(vec == -1, "FEATURE_CONTROL reads when VMX is in CPUID (%#llx)", (unsigned long long)v);
		else
			report_skip("FEATURE_CONTROL: no VMX in CPUID");
	} else {
		report_skip("MISC_ENABLE and FEATURE_CONTROL are Intel MSRs");
	}

	expect_gp("RDMSR of an unknown MSR 0x12345678", rdmsr_safe(0x12345678, &v));
	expect_gp("WRMSR of an unknown MSR 0x12345678", wrmsr_safe(0x12345678, 0));
}

static unsigned long user_rdmsr(unsigned long msr)
{
	uint64_t v;

	return rdmsr_safe(msr, &v);
}

int main(void)
{
	test_efer();
	test_syscall_msrs();
	test_segment_bases();
	test_misc();
	report(run_in_user(user_rdmsr, MSR_EFER) == GP_VECTOR && exception_error_code() == 0,
	       "RDMSR at CPL3: #GP(0)");
	return report_summary();
}
