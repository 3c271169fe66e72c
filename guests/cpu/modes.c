// SPDX-License-Identifier: MIT
/* Operating-mode round trips: 64-bit ↔ compatibility ↔ protected (paging off) ↔ real-address mode, each checked by something only that mode computes (SDM Vol. 3A, 2.2 "Modes of Operation", 10.8.5 "Initializing IA-32e Mode", 10.9 "Mode Switching"). */
#include "libcflat.h"
#include "processor.h"

/*
 * Real mode: EAX = 0xffff + 1 in 16 bits (wraps, CF into BL), a store through DS = 0x0800
 * to offset 0x10 (linear 0x8010), MSW into CX, and an IRET to a pushed return point (DX = 1).
 */
extern const char rm_code[], rm_code_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "rm_code:\n"
    "mov $0xffff, %ax\n"
    "add $1, %ax\n"
    "setc %bl\n"
    "push %ds\n"
    "mov $0x0800, %dx\n"
    "mov %dx, %ds\n"
    "movw $0xbeef, 0x10\n"
    "pop %ds\n"
    "smsw %cx\n"
    "xor %dx, %dx\n"
    "pushf\n"
    "push %cs\n"
    "push $(rm_iret_to - rm_code)\n"
    "iret\n"
    "mov $0xdead, %dx\n"
    "rm_iret_to:\n"
    "inc %dx\n"
    "lret\n"
    "rm_code_end:\n"
    ".code64\n"
    ".popsection");

/* Compatibility mode: 0x40 is INC EAX (a REX prefix in 64-bit mode); PUSH moves ESP by 4. */
extern const char compat_code[];
asm(".pushsection .text\n"
    ".code32\n"
    "compat_code:\n"
    "mov %esp, %ecx\n"
    "push %eax\n"
    "sub %esp, %ecx\n"
    "pop %eax\n"
    "xor %eax, %eax\n"
    ".byte 0x40\n"       /* inc %eax */
    "shl $8, %ecx\n"
    "or %ecx, %eax\n"    /* EAX = push size << 8 | 1 */
    "ret\n"
    ".code64\n"
    ".popsection");

/* Protected mode, paging off: EAX = CR0.PG << 1 | EFER.LMA (both 0 expected), tagged. */
extern const char legacy_code[];
asm(".pushsection .text\n"
    ".code32\n"
    "legacy_code:\n"
    "mov %eax, %esi\n"
    "mov $0xc0000080, %ecx\n"
    "rdmsr\n"
    "shr $10, %eax\n"
    "and $1, %eax\n"
    "mov %cr0, %edx\n"
    "shr $31, %edx\n"
    "shl $1, %edx\n"
    "or %edx, %eax\n"
    "or %esi, %eax\n"
    "ret\n"
    ".code64\n"
    ".popsection");

/* IRETQ to a 32-bit code segment lands in compatibility mode, which far-jumps back. */
extern char iret_compat[], iret_back[];
static uint32_t iret_to_compat(void)
{
	uint32_t r;

	asm volatile("mov %%rsp, %%rbx\n\t"
		     "mov %%ss, %%eax\n\t"
		     "push %%rax\n\t"
		     "push %%rbx\n\t"
		     "pushq $2\n\t"
		     "pushq %[cs32]\n\t"
		     "pushq $iret_compat\n\t"
		     "iretq\n"
		     ".code32\n"
		     "iret_compat: xor %%eax, %%eax\n\t"
		     ".byte 0x40\n\t"
		     "ljmp %[cs64], $iret_back\n"
		     ".code64\n"
		     "iret_back: mov %%rbx, %%rsp"
		     : "=a"(r) : [cs32] "i"(KERNEL_CS32), [cs64] "i"(KERNEL_CS64) : "rbx", "memory");
	return r;
}

static void test_long_mode(void)
{
	unsigned long r;

	report((rdmsr(MSR_EFER) & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA) && read_cs() == KERNEL_CS64,
	       "64-bit mode: EFER.LMA=1, CS=%#x", read_cs());
	asm volatile("mov $-1, %%rax\n\t"
		     "mov $-1, %%eax" : "=a"(r));
	report(r == 0xffffffff, "64-bit mode: a 32-bit MOV zero-extends (%#lx)", r);
	/* 0x48 0xff 0xc0: REX.W inc %rax in 64-bit mode. */
	r = 0xffffffff;
	asm volatile(".byte 0x48, 0xff, 0xc0" : "+a"(r));
	report(r == 0x100000000, "64-bit mode: REX.W INC carries into bit 32 (%#lx)", r);
}

static void round_trip(unsigned n)
{
	unsigned long cr0 = read_cr0(), cr3 = read_cr3(), cr4 = read_cr4();
	uint64_t efer = rdmsr(MSR_EFER);
	struct descriptor_table_ptr idt_before, idt_after;
	struct rm_regs regs = { 0 };
	uint32_t r;

	report_prefix_push(n == 0 ? "round 1" : n == 1 ? "round 2" : "round 3");
	sidt(&idt_before);
	r = compat_call(compat_code, 0);
	report(r == (4 << 8 | 1), "compatibility mode: 0x40 is INC, PUSH is 4 bytes (%#x)", r);

	r = legacy_call(legacy_code, 0xa500);
	report(r == 0xa500, "protected mode: CR0.PG=0 and EFER.LMA=0 there (%#x)", r);

	*(volatile uint16_t *)0x8010 = 0;
	realmode_call(&regs, rm_code, rm_code_end - rm_code);
	report((regs.eax & 0xffff) == 0 && (regs.ebx & 0xff) == 1, "real mode: 16-bit add wraps with CF");
	report(*(volatile uint16_t *)0x8010 == 0xbeef, "real mode: DS=0x0800 offset 0x10 is linear 0x8010");
	report((regs.ecx & 1) == 0, "real mode: MSW.PE=0 (MSW %#x)", regs.ecx & 0xffff);
	report((regs.edx & 0xffff) == 1, "real mode: IRET returns to the pushed CS:IP");

	report(iret_to_compat() == 1, "IRETQ into compatibility mode and far JMP back");

	sidt(&idt_after);
	report(read_cr0() == cr0 && read_cr3() == cr3 && read_cr4() == cr4 && rdmsr(MSR_EFER) == efer &&
	       idt_after.base == idt_before.base && idt_after.limit == idt_before.limit,
	       "back in 64-bit mode with CR0/CR3/CR4/EFER/IDTR as before");
	asm volatile(ASM_TRY("1f") "ud2\n1:" : : : "memory");
	report(exception_vector() == UD_VECTOR, "exceptions are delivered after the round trip");
	report_prefix_pop();
}

int main(void)
{
	unsigned i;

	test_long_mode();
	for (i = 0; i < 3; i++)
		round_trip(i);
	return report_summary();
}
