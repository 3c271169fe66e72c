// SPDX-License-Identifier: MIT
/* 32-bit protected mode only instructions: BCD adjust (DAA DAS AAA AAS AAM AAD), INTO, BOUND, PUSHA/POPA, far CALL/RET, and CPL3 and real-mode round trips from legacy mode (SDM Vol. 1, 7.3.2.4 "Decimal Arithmetic"; Vol. 2 "DAA", "AAM", "INTO", "BOUND", "PUSHA", "CALL"). */
#include "libcflat.h"
#include "processor.h"

#define CF X86_EFLAGS_CF
#define PF X86_EFLAGS_PF
#define AF X86_EFLAGS_AF
#define ZF X86_EFLAGS_ZF
#define SF X86_EFLAGS_SF
#define OF X86_EFLAGS_OF

/* Run a one-byte-opcode BCD instruction on AX with EFLAGS = fin; return AX, flags in *fout. */
#define BCD(name, insn)                                                                    \
	static uint32_t name(uint32_t ax, uint32_t fin, uint32_t *fout)                    \
	{                                                                                  \
		asm volatile("push %[fin]; popf\n\t" insn "\n\tpushf; pop %[fout]"          \
			     : "+a"(ax), [fout] "=&r"(*fout) : [fin] "r"(fin) : "cc");       \
		return ax & 0xffff;                                                        \
	}

BCD(daa, "daa")
BCD(das, "das")
BCD(aaa, "aaa")
BCD(aas, "aas")
BCD(aam10, "aam")
BCD(aad10, "aad")
BCD(aad16, "aad $16")

struct bcd_case {
	const char *name;
	uint32_t (*fn)(uint32_t, uint32_t, uint32_t *);
	uint32_t ax, fin, want_ax, want_flags, mask;
};

/* Worked by hand from the SDM pseudo-code. */
static const struct bcd_case bcd_cases[] = {
	{ "daa after 0x79+0x35=0xae: 114", daa, 0xae, 0, 0x14, CF | AF | PF, CF | AF | SF | ZF | PF },
	{ "das after 0x35-0x47=0xee: -12", das, 0xee, CF | AF, 0x88, CF | AF | SF | PF, CF | AF | SF | ZF | PF },
	{ "aaa after 9+8 (AL 0x11, AF)", aaa, 0x0011, AF, 0x0107, CF | AF, CF | AF },
	{ "aaa without adjust", aaa, 0x0205, 0, 0x0205, 0, CF | AF },
	{ "aas with AF (AL 0xff)", aas, 0x02ff, AF, 0x0109, CF | AF, CF | AF },
	{ "aam 63 -> 6,3", aam10, 0x003f, 0, 0x0603, PF, SF | ZF | PF },
	{ "aad 7,3 -> 73", aad10, 0x0703, 0, 0x0049, 0, SF | ZF | PF },
	{ "aad base 16: 1,2 -> 0x12", aad16, 0x0102, 0, 0x0012, PF, SF | ZF | PF },
};

static void test_bcd(void)
{
	unsigned i;
	uint32_t f, ax;

	for (i = 0; i < ARRAY_SIZE(bcd_cases); i++) {
		const struct bcd_case *c = &bcd_cases[i];

		ax = c->fn(c->ax, c->fin | X86_EFLAGS_FIXED, &f);
		report(ax == c->want_ax && (f & c->mask) == c->want_flags, "%s: AX %#x flags %#x (want %#x %#x)",
		       c->name, ax, f & c->mask, c->want_ax, c->want_flags);
	}
	asm volatile(ASM_TRY("1f") "aam $0\n1:" : : "a"(0x10) : "memory", "cc");
	report(exception_vector() == DE_VECTOR, "aam 0: #DE (vector %d)", exception_vector());
}

static volatile unsigned long of_rip;
extern char into_after[];

static void record_of(struct ex_regs *regs)
{
	of_rip = regs->rip;
}

static void test_into_bound(void)
{
	int32_t bounds[2] = { 10, 20 };

	handle_exception(OF_VECTOR, record_of);
	asm volatile("push %0; popf; into" : : "r"(X86_EFLAGS_FIXED) : "cc", "memory");
	report(of_rip == 0, "INTO with OF=0: no exception");
	asm volatile("push %0; popf; into\n into_after:" : : "r"(X86_EFLAGS_FIXED | OF) : "cc", "memory");
	report(of_rip == (uintptr_t)into_after, "INTO with OF=1: #OF, a trap (saved EIP after INTO)");
	handle_exception(OF_VECTOR, NULL);

	asm volatile(ASM_TRY("1f") "bound %0, %1\n1:" : : "r"(15), "m"(bounds) : "memory");
	report(exception_vector() == -1, "BOUND 15 in [10,20]: no exception");
	asm volatile(ASM_TRY("1f") "bound %0, %1\n1:" : : "r"(21), "m"(bounds) : "memory");
	report(exception_vector() == BR_VECTOR, "BOUND 21 outside [10,20]: #BR (vector %d)", exception_vector());
}

static void test_pusha_far(void)
{
	uint32_t esp_before, slot, cs_slot = 0, r;

	asm volatile("mov %%esp, %0\n\t"
		     "pusha\n\t"
		     "mov 12(%%esp), %1\n\t" /* the ESP slot */
		     "add $32, %%esp"
		     : "=&r"(esp_before), "=&r"(slot) : : "memory");
	report(slot == esp_before, "PUSHA stores ESP as it was before the instruction");

	asm volatile("lcall %[sel], $1f\n\t"
		     "jmp 2f\n"
		     "1: mov 4(%%esp), %[cs]\n\t"
		     "mov $0x600d, %[r]\n\t"
		     "lret\n"
		     "2:"
		     : [cs] "=&r"(cs_slot), [r] "=&r"(r) : [sel] "i"(KERNEL_CS32) : "memory");
	report(cs_slot == KERNEL_CS32 && r == 0x600d, "far CALL pushes CS:EIP, far RET returns (CS slot %#x)", cs_slot);

	r = 0;
	asm volatile("lcall %[sel], $1f\n\t"
		     "jmp 2f\n"
		     "1: mov $7, %[r]\n\t"
		     "lret $0\n"
		     "2:"
		     : [r] "+r"(r) : [sel] "i"(KERNEL_CS32) : "memory");
	report(r == 7, "far RET imm16");
}

static unsigned long user_cpl(unsigned long arg)
{
	return (read_cs() & 3) << 16 | arg;
}

extern const char rm_add[], rm_add_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "rm_add: add %bx, %ax\n"
    "lret\n"
    "rm_add_end:\n"
    ".code32\n"
    ".popsection");

static void test_modes(void)
{
	struct rm_regs regs = { .eax = 0xfff0, .ebx = 0x20 };

	report(run_in_user(user_cpl, 0x42) == (3 << 16 | 0x42), "32-bit CPL3 round trip");
	realmode_call(&regs, rm_add, rm_add_end - rm_add);
	report((regs.eax & 0xffff) == 0x0010 && (regs.eflags & CF), "real mode from legacy mode: 16-bit add wraps");
	report(!(read_cr0() & X86_CR0_PG) && (read_cr0() & X86_CR0_PE), "back in protected mode, paging off");
}

int main(void)
{
	test_bcd();
	test_into_bound();
	test_pusha_far();
	test_modes();
	return report_summary();
}
