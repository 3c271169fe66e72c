// SPDX-License-Identifier: MIT
/* The built-in demo: says what CPU it runs on, visits every x86 operating mode, computes a little, exits with success. */
#include "libcflat.h"
#include "processor.h"

/* Real mode (16-bit): AX = 1 + 2 + ... + CX. */
extern const char rm_sum[], rm_sum_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "rm_sum: xor %ax, %ax\n"
    "1: add %cx, %ax\n"
    "loop 1b\n"
    "lret\n"
    "rm_sum_end:\n"
    ".code64\n"
    ".popsection");

/* Compatibility mode (32-bit code under IA-32e paging): EAX = EAX * EAX. */
extern const char compat_square[];
asm(".pushsection .text\n"
    ".code32\n"
    "compat_square: imul %eax, %eax\n"
    "ret\n"
    ".code64\n"
    ".popsection");

/* CPL3: the privilege level lives in the low bits of CS (SDM Vol. 3A, 5.5). */
static unsigned long user_cpl(unsigned long unused)
{
	return read_cs() & 3;
}

static uint64_t factorial(unsigned n)
{
	return n ? n * factorial(n - 1) : 1;
}

int main(void)
{
	char vendor[13], brand[49] = "";
	struct rm_regs regs = { .ecx = 100 };
	unsigned i;

	cpu_vendor(vendor);
	if (cpuid(0x80000000).a >= 0x80000004)
		for (i = 0; i < 3; i++) {
			struct cpuid r = cpuid(0x80000002 + i);

			memcpy(brand + 16 * i, &r, 16);
		}
	printf("nestvm demo: hello from a Multiboot guest\n");
	printf("  CPU vendor \"%s\", brand \"%s\"\n", vendor, brand);
	printf("  booted in 32-bit protected mode, now in 64-bit long mode (EFER=%#llx)\n",
	       (unsigned long long)rdmsr(MSR_EFER));

	realmode_call(&regs, rm_sum, rm_sum_end - rm_sum);
	printf("  long -> compat -> protected -> real mode: 1 + ... + 100 = %u\n", regs.eax & 0xffff);
	report((regs.eax & 0xffff) == 5050, "real mode computed 5050");

	printf("  long -> compatibility mode: 12345 squared = %u\n", compat_call(compat_square, 12345));
	report(compat_call(compat_square, 12345) == 152399025u, "compatibility mode computed 152399025");

	printf("  ring 0 -> ring 3 -> ring 0: CPL there was %lu\n", run_in_user(user_cpl, 0));
	report(run_in_user(user_cpl, 0) == 3, "ran at CPL3");

	printf("  20! = %llu\n", (unsigned long long)factorial(20));
	report(factorial(20) == 2432902008176640000ull, "20! in 64-bit arithmetic");
	printf("nestvm demo: done, exiting through isa-debug-exit\n");
	return report_summary();
}
