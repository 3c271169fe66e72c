// SPDX-License-Identifier: MIT
/* Integer arithmetic and logic with flags, SETcc and CMOVcc (SDM Vol. 1, 7.3.2 and Appendix A "EFLAGS Cross-Reference"; Vol. 2, Appendix B.1.4 "Condition Test Field"). */
#include "insn.h"

ALU2(addb, "addb %b[b], %b[a]")
ALU2(addw, "addw %w[b], %w[a]")
ALU2(addl, "addl %k[b], %k[a]")
ALU2(addq, "addq %[b], %[a]")
ALU2(adcb, "adcb %b[b], %b[a]")
ALU2(adcq, "adcq %[b], %[a]")
ALU2(subb, "subb %b[b], %b[a]")
ALU2(subl, "subl %k[b], %k[a]")
ALU2(sbbq, "sbbq %[b], %[a]")
ALU2(cmpq, "cmpq %[b], %[a]")
ALU2(andq, "andq %[b], %[a]")
ALU2(orb, "orb %b[b], %b[a]")
ALU2(xorl, "xorl %k[b], %k[a]")
ALU2(testq, "testq %[b], %[a]")
ALU2(incb, "incb %b[a]")
ALU2(incq, "incq %[a]")
ALU2(decl, "decl %k[a]")
ALU2(negq, "negq %[a]")
ALU2(negb, "negb %b[a]")
ALU2(negw, "negw %w[a]")
ALU2(notq, "notq %[a]")
ALU2(addb_imm, "addb $0x80, %b[a]")
ALU2(subq_imm, "subq $-1, %[a]")

#define LOGIC (CF | PF | ZF | SF | OF) /* AF is undefined after logical ops */

/* Results and flags worked out by hand from the SDM's definitions. */
static const struct alu_case cases[] = {
	{ "add8 0x7f+1 signed overflow", addb, 0x7f, 1, 0, 0x80, OF | SF | AF, ARITH },
	{ "add8 0xff+1 carry, zero", addb, 0xff, 1, 0, 0, CF | ZF | AF | PF, ARITH },
	{ "add16 keeps bits 63:16", addw, 0x123456789abcffff, 0xffff, 0, 0x123456789abcfffe, CF | SF | AF, ARITH },
	{ "add32 zero-extends to 64", addl, 0xffffffff80000000, 0x80000000, 0, 0, CF | OF | ZF | PF, ARITH },
	{ "add64 INT64_MAX+1", addq, 0x7fffffffffffffff, 1, 0, 0x8000000000000000, OF | SF | AF | PF, ARITH },
	{ "add8 imm 0x80+0x80", addb_imm, 0x80, 0, 0, 0, CF | OF | ZF | PF, ARITH },
	{ "adc8 0xff+0+CF", adcb, 0xff, 0, CF, 0, CF | ZF | AF | PF, ARITH },
	{ "adc64 1+1, CF=0", adcq, 1, 1, 0, 2, 0, ARITH },
	{ "sub8 0-1 borrow", subb, 0, 1, 0, 0xff, CF | SF | AF | PF, ARITH },
	{ "sub8 0x80-1 signed overflow", subb, 0x80, 1, 0, 0x7f, OF | AF, ARITH },
	{ "sub32 5-5", subl, 5, 5, 0, 0, ZF | PF, ARITH },
	{ "sub64 imm -1 (sign-extended)", subq_imm, 1, 0, 0, 2, CF | AF, ARITH },
	{ "sbb64 0-0-CF", sbbq, 0, 0, CF, ~0ul, CF | SF | AF | PF, ARITH },
	{ "cmp64 3,5 leaves dest", cmpq, 3, 5, 0, 3, CF | SF | AF, ARITH },
	{ "and64", andq, 0xf0f0, 0x0ff0, CF | OF, 0xf0, PF, LOGIC },
	{ "or8 clears CF/OF", orb, 0x80, 0x01, CF | OF, 0x81, SF | PF, LOGIC },
	{ "xor32 self zero-extends", xorl, 0xffffffffdeadbeef, 0xdeadbeef, 0, 0, ZF | PF, LOGIC },
	{ "test64 sign bit", testq, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000, SF | PF, LOGIC },
	{ "inc8 0xff keeps CF", incb, 0xff, 0, CF, 0, CF | ZF | AF | PF, ARITH },
	{ "inc64 INT64_MAX", incq, 0x7fffffffffffffff, 0, 0, 0x8000000000000000, OF | SF | AF | PF, ARITH },
	{ "dec32 0 zero-extends, keeps CF=0", decl, 0xabcdef0000000000, 0, 0, 0xffffffff, SF | AF | PF, ARITH },
	{ "neg64 0", negq, 0, 0, CF, 0, ZF | PF, ARITH },
	{ "neg8 0x80", negb, 0x80, 0, 0, 0x80, CF | OF | SF, ARITH },
	{ "neg16 1", negw, 1, 0, 0, 0xffff, CF | SF | AF | PF, ARITH },
	{ "not64 leaves flags", notq, 0x0123456789abcdef, 0, ARITH, 0xfedcba9876543210, ARITH, ARITH },
};

static void test_alu(void)
{
	run_alu_cases(cases, ARRAY_SIZE(cases));
}

/* SETcc and CMOVcc for all 16 condition codes: cc in the low nibble of the opcode. */
#define CC_FN(cc)                                                                              \
	static unsigned set_##cc(unsigned long f)                                              \
	{                                                                                      \
		uint8_t r;                                                                     \
		asm volatile("push %1; popf; set" #cc " %0" : "=q"(r) : "r"(f) : "cc");        \
		return r;                                                                      \
	}                                                                                      \
	static unsigned long cmov_##cc(unsigned long f, unsigned long a, unsigned long b)      \
	{                                                                                      \
		asm volatile("push %2; popf; cmov" #cc "q %1, %0" : "+r"(a) : "r"(b), "r"(f) : "cc"); \
		return a;                                                                      \
	}                                                                                      \
	static unsigned long cmov32_##cc(unsigned long f, unsigned long a, unsigned long b)    \
	{                                                                                      \
		asm volatile("push %2; popf; cmov" #cc "l %k1, %k0" : "+r"(a) : "r"(b), "r"(f) : "cc"); \
		return a;                                                                      \
	}

CC_FN(o) CC_FN(no) CC_FN(b) CC_FN(ae) CC_FN(e) CC_FN(ne) CC_FN(be) CC_FN(a)
CC_FN(s) CC_FN(ns) CC_FN(p) CC_FN(np) CC_FN(l) CC_FN(ge) CC_FN(le) CC_FN(g)

static unsigned (*const setcc[16])(unsigned long) = {
	set_o, set_no, set_b, set_ae, set_e, set_ne, set_be, set_a,
	set_s, set_ns, set_p, set_np, set_l, set_ge, set_le, set_g,
};
static unsigned long (*const cmovcc[16])(unsigned long, unsigned long, unsigned long) = {
	cmov_o, cmov_no, cmov_b, cmov_ae, cmov_e, cmov_ne, cmov_be, cmov_a,
	cmov_s, cmov_ns, cmov_p, cmov_np, cmov_l, cmov_ge, cmov_le, cmov_g,
};
static unsigned long (*const cmov32cc[16])(unsigned long, unsigned long, unsigned long) = {
	cmov32_o, cmov32_no, cmov32_b, cmov32_ae, cmov32_e, cmov32_ne, cmov32_be, cmov32_a,
	cmov32_s, cmov32_ns, cmov32_p, cmov32_np, cmov32_l, cmov32_ge, cmov32_le, cmov32_g,
};

/* Bit n set: condition n (O NO B AE E NE BE A S NS P NP L GE LE G) holds; by hand. */
static const struct {
	unsigned long flags;
	uint16_t true_mask;
} cc_cases[] = {
	{ 0, 0xaaaa },
	{ CF | ZF | SF | OF | PF, 0x6555 },
	{ SF, 0x59aa },
	{ OF | CF, 0x5a65 },
};

static void test_cc(void)
{
	unsigned i, cc;

	for (i = 0; i < ARRAY_SIZE(cc_cases); i++) {
		unsigned long f = cc_cases[i].flags | X86_EFLAGS_FIXED;
		uint16_t set = 0, mov = 0, mov32 = 0, mov32_zext = 0;

		for (cc = 0; cc < 16; cc++) {
			set |= setcc[cc](f) << cc;
			mov |= (cmovcc[cc](f, 0x1111111111111111, 0x2222222222222222) ==
				0x2222222222222222) << cc;
			mov32 |= (cmov32cc[cc](f, 0x1111111111111111, 0x2222222222222222) ==
				  0x22222222) << cc;
			/* A 32-bit CMOVcc writes its destination, zero-extended, even when false (SDM Vol. 2A, CMOVcc). */
			mov32_zext |= (cmov32cc[cc](f, 0x1111111111111111, 0x2222222222222222) ==
				       0x11111111) << cc;
		}
		report(set == cc_cases[i].true_mask, "SETcc with flags %#lx: %#x (want %#x)", f, set,
		       cc_cases[i].true_mask);
		report(mov == cc_cases[i].true_mask, "CMOVcc64 with flags %#lx: %#x (want %#x)", f, mov,
		       cc_cases[i].true_mask);
		report(mov32 == cc_cases[i].true_mask && (unsigned)mov32_zext + cc_cases[i].true_mask == 0xffff,
		       "CMOVcc32 with flags %#lx: taken %#x, zero-extended when not taken %#x", f, mov32,
		       mov32_zext);
	}
}

/* LAHF/SAHF move SF ZF AF PF CF through AH (SDM Vol. 2A, LAHF); bit 1 reads as 1. */
static void test_lahf_sahf(void)
{
	unsigned long ah, f;

	if (!this_cpu_has(X86_FEATURE_LAHF_LM)) {
		report_skip("LAHF/SAHF not available in 64-bit mode");
		return;
	}
	asm volatile("push %1; popf; lahf; movzbl %%ah, %k0" : "=a"(ah) : "r"(CF | ZF | SF | X86_EFLAGS_FIXED) : "cc");
	report(ah == (CF | ZF | SF | X86_EFLAGS_FIXED), "LAHF: AH=%#lx (want 0xc3)", ah);
	asm volatile("push %2; popf; movb %1, %%ah; sahf; pushf; pop %0"
		     : "=r"(f) : "i"(AF | PF), "r"(OF | X86_EFLAGS_FIXED) : "cc", "rax");
	report((f & ARITH) == (OF | AF | PF), "SAHF sets AF PF, clears CF ZF SF, keeps OF: %#lx", f & ARITH);
}

int main(void)
{
	test_alu();
	test_cc();
	test_lahf_sahf();
	return report_summary();
}
