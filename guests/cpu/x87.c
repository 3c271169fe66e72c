// SPDX-License-Identifier: MIT
/* The x87 FPU: FNINIT state, arithmetic and constants, FSTSW/FCOMI condition codes, deferred #MF with CR0.NE, #NM with CR0.TS/EM/MP, FSAVE/FRSTOR and FSTENV round trips, packed BCD (SDM Vol. 1, Chapter 8 "Programming with the x87 FPU"; Vol. 3A, 2.5 "Control Registers", 6.15 "Interrupt 7", "Interrupt 16"). */
#include "libcflat.h"
#include "processor.h"
#include "desc.h"

static uint16_t fnstsw(void)
{
	uint16_t sw;

	asm volatile("fnstsw %0" : "=m"(sw));
	return sw;
}

static uint16_t fnstcw(void)
{
	uint16_t cw;

	asm volatile("fnstcw %0" : "=m"(cw));
	return cw;
}

static void fldcw(uint16_t cw)
{
	asm volatile("fldcw %0" : : "m"(cw));
}

static void test_init(void)
{
	uint16_t tw_image[14];

	asm volatile("fninit");
	report(fnstcw() == 0x037f, "FNINIT: FCW %#x (want 0x37f)", fnstcw());
	report(fnstsw() == 0, "FNINIT: FSW %#x (want 0)", fnstsw());
	asm volatile("fnstenv %0" : "=m"(tw_image));
	report(tw_image[4] == 0xffff, "FNINIT: tag word %#x (want 0xffff)", tw_image[4]);
}

static void test_arith(void)
{
	uint64_t d;
	int32_t i;
	int16_t s;
	int three = 3;

	asm volatile("fninit; fld1; fld1; faddp; fimull %1; fistpl %0" : "=m"(i) : "m"(three));
	report(i == 6, "(1 + 1) * 3 = %d (want 6)", i);
	asm volatile("fld1; fadd %%st(0), %%st(0); fsqrt; fstpl %0" : "=m"(d));
	report(d == 0x3ff6a09e667f3bcdull, "sqrt(2) as a double: %#lx", (unsigned long)d);
	asm volatile("fldpi; fstpl %0" : "=m"(d));
	report(d == 0x400921fb54442d18ull, "FLDPI as a double: %#lx", (unsigned long)d);
	asm volatile("fldl2t; fistps %0" : "=m"(s));
	report(s == 3, "FLDL2T rounds to %d (want 3)", s);
	asm volatile("fld1; fchs; fldz; fsub %%st(1), %%st; fistps %0; fabs; fistps %1"
		     : "=m"(s), "=m"(three));
	report(s == 1 && three == 1, "FCHS, FSUB, FABS: %d %d (want 1 1)", s, three);
	three = 3;
	/* 7 mod 3 = 1 with quotient 2: C0 (Q2) 0, C3 (Q1) 1, C1 (Q0) 0, C2 0. */
	asm volatile("fninit; fild %1; fild %2; fprem; fnstsw %%ax; mov %%ax, %0; fistps %1; fstp %%st(0)"
		     : "=m"(s), "+m"(three) : "m"((int){7}) : "ax");
	report((s & 0x4700) == 0x4000 && three == 1, "FPREM 7 mod 3 = %d, FSW %#x", three, s);
}

static void test_flags(void)
{
	uint16_t sw;
	unsigned long rflags;
	uint64_t d;

	asm volatile("fninit; fld1; fldz; fcompp; fnstsw %0" : "=m"(sw));
	report((sw & 0x4500) == 0x0100, "FCOMPP 0 < 1: C3 C2 C0 = %#x (want C0)", sw & 0x4500);
	asm volatile("fld1; fld1; fucompp; fnstsw %0" : "=m"(sw));
	report((sw & 0x4500) == 0x4000, "FUCOMPP 1 = 1: %#x (want C3)", sw & 0x4500);
	asm volatile("fld1; fldz; fcomip %%st(1), %%st; fstp %%st(0); pushf; pop %0" : "=r"(rflags));
	report((rflags & (X86_EFLAGS_ZF | X86_EFLAGS_PF | X86_EFLAGS_CF)) == X86_EFLAGS_CF,
	       "FCOMIP 0 < 1: CF only (RFLAGS %#lx)", rflags);
	/* Masked #Z: +inf, ZE set; FXAM says infinity (C3 C2 C0 = 011). */
	asm volatile("fninit; fldz; fld1; fdiv %%st(1), %%st; fxam; fnstsw %0; fstpl %1"
		     : "=m"(sw), "=m"(d));
	report((sw & 0x4500) == 0x0500 && (sw & 0x04) && d == 0x7ff0000000000000ull,
	       "1/0 masked: FSW %#x, result %#lx", sw, (unsigned long)d);
	/* Masked #I: 0/0 is the QNaN indefinite. */
	asm volatile("fninit; fldz; fldz; fdivp; fnstsw %0; fstpl %1" : "=m"(sw), "=m"(d));
	report((sw & 0x01) && d == 0xfff8000000000000ull, "0/0 masked: FSW %#x, result %#lx",
	       sw, (unsigned long)d);
	/* Stack underflow: IE + SF, C1 = 0. */
	asm volatile("fninit; fadd %%st(1), %%st; fnstsw %0" : "=m"(sw));
	if (sw == 0 && cpu_is_qemu_tcg())
		report_skip("QEMU TCG does not model x87 stack faults");
	else
		report((sw & 0x241) == 0x41, "stack underflow: FSW %#x (IE SF, C1 clear)", sw);
	/* Stack overflow: IE + SF, C1 = 1. */
	asm volatile("fninit; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fnstsw %0; fninit"
		     : "=m"(sw));
	if (!(sw & 0x41) && cpu_is_qemu_tcg())
		report_skip("QEMU TCG does not model x87 stack faults");
	else
		report((sw & 0x241) == 0x241, "stack overflow: FSW %#x (IE SF C1)", sw);
	/* Precision: 1/3 rounded up in RC up sets C1 and PE. */
	fldcw(0x0b7f);
	asm volatile("fild %1; fld1; fdiv %%st(1), %%st; fnstsw %0; fstp %%st(0)"
		     : "=m"(sw) : "m"((int){3}));
	if ((sw & 0x220) == 0x20 && cpu_is_qemu_tcg())
		report_skip("QEMU TCG does not set C1 on a rounded-up result");
	else
		report((sw & 0x220) == 0x220, "1/3 rounded up: PE and C1 (FSW %#x)", sw);
	asm volatile("fninit");
}

static void test_mf(void)
{
	unsigned long cr0 = read_cr0(), ip;
	uint16_t sw;

	write_cr0((cr0 & ~X86_CR0_EM) | X86_CR0_MP | X86_CR0_NE);
	asm volatile("fninit");
	fldcw(0x037b); /* #Z unmasked */
	asm volatile("fldz; fld1; fdiv %%st(1), %%st; fnstsw %0" : "=m"(sw));
	report((sw & 0x8084) == 0x8084, "unmasked #Z: ZE, ES and B set, no fault yet (FSW %#x)", sw);
	asm volatile("lea 1111f(%%rip), %0\n\t" ASM_TRY("1f") "fwait\n1:" : "=&r"(ip) : : "memory");
	report(exception_vector() == MF_VECTOR && ex_last.rip == ip,
	       "next FWAIT raises #MF: vector %d at %#lx (want %#lx)", exception_vector(),
	       ex_last.rip, ip);
	asm volatile("lea 1111f(%%rip), %0\n\t" ASM_TRY("1f") "fld1\n1:" : "=&r"(ip) : : "memory");
	if (exception_vector() == -1 && cpu_is_qemu_tcg())
		report_skip("QEMU TCG checks pending x87 exceptions only at FWAIT");
	else
		report(exception_vector() == MF_VECTOR && ex_last.rip == ip,
		       "and so does FLD1: vector %d", exception_vector());
	asm volatile(ASM_TRY("1f") "fnstsw %0\n1:" : "=m"(sw) : : "memory");
	report(exception_vector() == -1, "FNSTSW does not wait: vector %d", exception_vector());
	asm volatile("fnclex");
	asm volatile(ASM_TRY("1f") "fwait\n1:" : : : "memory");
	report(exception_vector() == -1, "after FNCLEX FWAIT is quiet: vector %d", exception_vector());
	asm volatile("fninit");
	write_cr0(cr0);
}

static void test_nm(void)
{
	unsigned long cr0 = read_cr0();

	write_cr0((cr0 & ~(X86_CR0_EM | X86_CR0_MP)) | X86_CR0_TS | X86_CR0_NE);
	asm volatile(ASM_TRY("1f") "fld1\n1:" : : : "memory");
	report(exception_vector() == NM_VECTOR, "CR0.TS: FLD1 raises #NM (vector %d)",
	       exception_vector());
	asm volatile(ASM_TRY("1f") "fwait\n1:" : : : "memory");
	report(exception_vector() == -1, "CR0.TS, MP=0: FWAIT runs (vector %d)", exception_vector());
	write_cr0(read_cr0() | X86_CR0_MP);
	asm volatile(ASM_TRY("1f") "fwait\n1:" : : : "memory");
	report(exception_vector() == NM_VECTOR, "CR0.TS and MP: FWAIT raises #NM (vector %d)",
	       exception_vector());
	asm volatile("clts");
	write_cr0((read_cr0() & ~X86_CR0_TS) | X86_CR0_EM);
	asm volatile(ASM_TRY("1f") "fninit\n1:" : : : "memory");
	report(exception_vector() == NM_VECTOR, "CR0.EM: FNINIT raises #NM (vector %d)",
	       exception_vector());
	write_cr0(cr0 & ~(X86_CR0_EM | X86_CR0_TS));
}

static void test_save_restore(void)
{
	uint8_t img[108], img2[108];
	uint16_t env[14];
	uint64_t d;
	unsigned tags;

	asm volatile("fninit; fld1; fldpi; fldz");
	fldcw(0x027f);
	asm volatile("fnsave %0" : "=m"(img));
	tags = img[8] | img[9] << 8;
	report((img[0] | img[1] << 8) == 0x027f, "FSAVE: FCW %#x", img[0] | img[1] << 8);
	report(((img[4] | img[5] << 8) >> 11 & 7) == 5, "FSAVE: TOP %u (want 5)",
	       (img[4] | img[5] << 8) >> 11 & 7);
	/* R5 = 0 (zero), R6 = pi (valid), R7 = 1 (valid); others empty. */
	report(tags == 0x07ff, "FSAVE: tag word %#x (want 0x7ff)", tags);
	report(fnstcw() == 0x037f, "FSAVE reinitializes: FCW %#x", fnstcw());
	asm volatile("frstor %0" : : "m"(img));
	report(fnstcw() == 0x027f, "FRSTOR: FCW %#x", fnstcw());
	asm volatile("fnsave %0" : "=m"(img2));
	/* Control, status and tag words and the registers; the pointers are model-specific. */
	report(!memcmp(img, img2, 12) && !memcmp(img + 28, img2 + 28, 80),
	       "FRSTOR then FSAVE gives the same image");
	asm volatile("frstor %1; fstp %%st(0); fstpl %0" : "=m"(d) : "m"(img));
	report(d == 0x400921fb54442d18ull, "ST(1) after FRSTOR is pi: %#lx", (unsigned long)d);
	asm volatile("fninit; fld1; fnstenv %0" : "=m"(env));
	report(env[0] == 0x037f && (env[4] & 0xc000) == 0, "FSTENV: FCW %#x tags %#x", env[0],
	       env[4]);
	report(fnstcw() == 0x037f, "FSTENV masks all exceptions: FCW %#x", fnstcw());
	env[0] = 0x0c7f;
	asm volatile("fldenv %0; fstpl %1" : : "m"(env), "m"(d) : "memory");
	report(fnstcw() == 0x0c7f && d == 0x3ff0000000000000ull, "FLDENV: FCW %#x, ST(0) %#lx",
	       fnstcw(), (unsigned long)d);
	asm volatile("fninit");
}

static void test_bcd(void)
{
	uint8_t bcd[10];
	int32_t v = -1234567, back;

	asm volatile("fninit; fildl %1; fbstp %0" : "=m"(bcd) : "m"(v));
	report(bcd[0] == 0x67 && bcd[1] == 0x45 && bcd[2] == 0x23 && bcd[3] == 0x01 &&
	       bcd[9] == 0x80, "FBSTP -1234567: %02x %02x %02x %02x .. %02x", bcd[0], bcd[1],
	       bcd[2], bcd[3], bcd[9]);
	asm volatile("fbld %1; fistpl %0" : "=m"(back) : "m"(bcd));
	report(back == v, "FBLD: %d", back);
}

static void test_transcendental(void)
{
	uint16_t sw;
	static const uint64_t tiny = 0x3cd203af9ee75616ull; /* 1e-15 */
	uint64_t half = 0x3fe0000000000000ull;

	/* sin^2 + cos^2 = 1 */
	asm volatile("fninit; fldl %1; fsincos; fmul %%st(0), %%st; fxch; fmul %%st(0), %%st; faddp;"
		     "fld1; fsubrp; fabs; fcompl %2; fnstsw %0"
		     : "=m"(sw) : "m"(half), "m"(tiny));
	report((sw & 0x4500) == 0x0100, "sin^2 + cos^2 of 0.5 is 1 (FSW %#x)", sw);
	/* 4 * atan(1) = pi */
	asm volatile("fninit; fld1; fld1; fpatan; fadd %%st(0), %%st; fadd %%st(0), %%st;"
		     "fldpi; fsubrp; fabs; fcompl %1; fnstsw %0"
		     : "=m"(sw) : "m"(tiny));
	report((sw & 0x4500) == 0x0100, "4 * atan(1) is pi (FSW %#x)", sw);
	/* log2(8) = 3 */
	asm volatile("fninit; fld1; fild %1; fyl2x; fild %2; fsubrp; fabs; fcompl %3; fnstsw %0"
		     : "=m"(sw) : "m"((int){8}), "m"((int){3}), "m"(tiny));
	report((sw & 0x4500) == 0x0100, "log2(8) is 3 (FSW %#x)", sw);
	/* |x| >= 2^63: C2 set, operand unchanged */
	asm volatile("fninit; fild %1; fld1; fscale; fstp %%st(1); fsin; fnstsw %0; fninit"
		     : "=m"(sw) : "m"((int){70}));
	report(sw & 0x400, "FSIN of 2^70: C2 set (FSW %#x)", sw);
}

int main(void)
{
	test_init();
	test_arith();
	test_flags();
	test_mf();
	test_nm();
	test_save_restore();
	test_bcd();
	test_transcendental();
	return report_summary();
}
