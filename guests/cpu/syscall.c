// SPDX-License-Identifier: MIT
/* Fast system calls from CPL3: SYSCALL/SYSRET (64-bit and to compatibility mode) and SYSENTER/SYSEXIT in IA-32e mode (SDM Vol. 2B "SYSCALL", "SYSRET", "SYSENTER", "SYSEXIT"; Vol. 3A 5.8.7 and 5.8.8). */
#include "libcflat.h"
#include "processor.h"

static volatile unsigned long sc_rcx, sc_r11, sc_cs, sc_ss, sc_rflags, sc_mode;
extern char syscall_entry[], sysenter_entry[], after_syscall[], compat_user[];

/*
 * SYSCALL handler (runs at CPL0 on the caller's stack): records what SYSCALL loaded, then
 * SYSRETQ, or SYSRETL into compat_user when sc_mode is 1.
 */
asm(".pushsection .text\n"
    "syscall_entry:\n"
    "mov %rcx, sc_rcx\n"
    "mov %r11, sc_r11\n"
    "mov %cs, sc_cs\n"
    "mov %ss, sc_ss\n"
    "pushf\n"
    "popq sc_rflags\n"
    "cmpq $1, sc_mode\n"
    "je 1f\n"
    "sysretq\n"
    "1: mov $compat_user, %ecx\n"
    "sysretl\n"
    ".code32\n"
    "compat_user:\n"
    "mov %cs, %eax\n"
    "int $0x7f\n"
    ".code64\n"
    "sysenter_entry:\n"
    "mov %cs, sc_cs\n"
    "mov %ss, sc_ss\n"
    "rex.w sysexit\n"
    ".popsection");

static unsigned long user_syscall(unsigned long unused)
{
	unsigned long cs, ss, flags;

	asm volatile("std\n\t"
		     "syscall\n"
		     "after_syscall:\n\t"
		     "pushf\n\t"
		     "pop %2\n\t"
		     "cld\n\t"
		     "mov %%cs, %0\n\t"
		     "mov %%ss, %1"
		     : "=r"(cs), "=r"(ss), "=r"(flags) : : "rcx", "r11", "memory");
	return cs << 32 | ss << 16 | !!(flags & X86_EFLAGS_DF);
}

static unsigned long user_sysret(unsigned long unused)
{
	asm volatile(ASM_TRY("1f") "sysretq\n1:" : : : "memory");
	return exception_vector();
}

static unsigned long user_sysenter(unsigned long unused)
{
	unsigned long cs;

	asm volatile("lea 1f(%%rip), %%rdx\n\t"
		     "mov %%rsp, %%rcx\n\t" ASM_TRY("2f")
		     "sysenter\n"
		     "1: mov %%cs, %0\n"
		     "2:"
		     : "=r"(cs) : "0"(0ul) : "rcx", "rdx", "memory");
	return exception_vector() == -1 ? cs : (unsigned long)(0x10000 | exception_vector());
}

static void test_syscall(void)
{
	uint64_t efer = rdmsr(MSR_EFER);
	unsigned long r;

	wrmsr(MSR_EFER, efer & ~EFER_SCE);
	asm volatile(ASM_TRY("1f") "syscall\n1:" : : : "rcx", "r11", "memory");
	report(exception_vector() == UD_VECTOR, "SYSCALL with EFER.SCE=0: #UD (vector %d)", exception_vector());

	wrmsr(MSR_EFER, efer | EFER_SCE);
	wrmsr(MSR_STAR, (uint64_t)USER_CS32 << 48 | (uint64_t)KERNEL_CS64 << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_DF | X86_EFLAGS_AC);
	sc_mode = 0;
	r = run_in_user(user_syscall, 0);
	report(sc_cs == KERNEL_CS64 && sc_ss == KERNEL_DS, "SYSCALL loads CS %#lx SS %#lx from STAR[47:32]",
	       sc_cs, sc_ss);
	report(sc_rcx == (uintptr_t)after_syscall, "SYSCALL saves the next RIP in RCX");
	report((sc_r11 & X86_EFLAGS_DF) && !(sc_rflags & X86_EFLAGS_DF),
	       "SYSCALL saves RFLAGS (DF=1) in R11 and clears FMASK bits (DF=0)");
	report(r >> 32 == (USER_CS64 | 3) && (r >> 16 & 0xffff) == (USER_DS | 3) && (r & 1),
	       "SYSRETQ returns to CS %#lx SS %#lx with RFLAGS from R11", r >> 32, r >> 16 & 0xffff);

	sc_mode = 1;
	r = run_in_user(user_syscall, 0);
	report((r & 0xffff) == (USER_CS32 | 3), "SYSRETL returns to compatibility mode, CS %#lx", r & 0xffff);
	sc_mode = 0;

	r = run_in_user(user_sysret, 0);
	report(r == GP_VECTOR && exception_error_code() == 0, "SYSRET at CPL3: #GP(0)");
	wrmsr(MSR_EFER, efer);
}

static void test_sysenter(void)
{
	static uint8_t stack[1024] __attribute__((aligned(16)));
	unsigned long r;

	wrmsr(MSR_IA32_SYSENTER_CS, SYSENTER_CS);
	wrmsr(MSR_IA32_SYSENTER_ESP, (uintptr_t)(stack + sizeof(stack)));
	wrmsr(MSR_IA32_SYSENTER_EIP, (uintptr_t)sysenter_entry);
	sc_cs = sc_ss = 0;
	r = run_in_user(user_sysenter, 0);
	if (cpu_is_amd()) {
		/* AMD: SYSENTER and SYSEXIT are invalid in long mode (APM Vol. 3, SYSENTER). */
		if (r != (0x10000 | UD_VECTOR) && cpu_is_qemu_tcg())
			report_skip("SYSENTER in long mode on an AMD CPU: QEMU TCG executes it (CS %#lx)", r);
		else
			report(r == (0x10000 | UD_VECTOR), "SYSENTER in long mode on AMD: #UD");
		return;
	}
	report(sc_cs == SYSENTER_CS && sc_ss == SYSENTER_CS + 8, "SYSENTER loads CS %#lx SS %#lx", sc_cs, sc_ss);
	report(r == ((SYSENTER_CS + 32) | 3), "SYSEXIT (REX.W) returns to 64-bit CS %#lx", r);
}

int main(void)
{
	test_syscall();
	test_sysenter();
	return report_summary();
}
