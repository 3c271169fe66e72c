// SPDX-License-Identifier: MIT
/* MUL, IMUL (one, two and three operands), DIV and IDIV with #DE on divide-by-zero and quotient overflow (SDM Vol. 2A "DIV", "IDIV", "IMUL", "MUL"; Vol. 3A 6.15 "Interrupt 0"). */
#include "insn.h"

struct wide {
	unsigned long rax, rdx, flags;
};

#define MUL1(name, insn, wd)                                                                \
	static struct wide name(unsigned long rax, unsigned long rdx, unsigned long src)   \
	{                                                                                  \
		struct wide w;                                                             \
		asm volatile("push %[f]; popf\n\t" insn " %" wd "[s]\n\tpushf; pop %[f]"            \
			     : "+a"(rax), "+d"(rdx), [f] "=&r"(w.flags) : [s] "r"(src), "2"(X86_EFLAGS_FIXED) : "cc"); \
		w.rax = rax;                                                               \
		w.rdx = rdx;                                                               \
		return w;                                                                  \
	}

static struct wide mulb(unsigned long a, unsigned long d, unsigned long s)
{
	struct wide w;

	asm volatile("push %[f]; popf; mulb %b[s]; pushf; pop %[f]"
		     : "+a"(a), "+d"(d), [f] "=&r"(w.flags) : [s] "q"(s), "2"(X86_EFLAGS_FIXED) : "cc");
	w.rax = a;
	w.rdx = d;
	return w;
}

static struct wide imulb(unsigned long a, unsigned long d, unsigned long s)
{
	struct wide w;

	asm volatile("push %[f]; popf; imulb %b[s]; pushf; pop %[f]"
		     : "+a"(a), "+d"(d), [f] "=&r"(w.flags) : [s] "q"(s), "2"(X86_EFLAGS_FIXED) : "cc");
	w.rax = a;
	w.rdx = d;
	return w;
}

MUL1(mulq, "mulq", "")
MUL1(imulw, "imulw", "w")
MUL1(divq, "divq", "")
MUL1(divl, "divl", "k")
MUL1(idivq, "idivq", "")

static struct wide divb(unsigned long a, unsigned long d, unsigned long s)
{
	struct wide w;

	asm volatile("divb %b[s]" : "+a"(a), "+d"(d) : [s] "q"(s));
	w.rax = a;
	w.rdx = d;
	w.flags = 0;
	return w;
}

static struct wide idivb(unsigned long a, unsigned long d, unsigned long s)
{
	struct wide w;

	asm volatile("idivb %b[s]" : "+a"(a), "+d"(d) : [s] "q"(s));
	w.rax = a;
	w.rdx = d;
	w.flags = 0;
	return w;
}

struct wide_case {
	const char *name;
	struct wide (*fn)(unsigned long, unsigned long, unsigned long);
	unsigned long rax, rdx, src;
	unsigned long want_rax, want_rdx, want_flags; /* only CF and OF are defined after MUL/IMUL */
};

static const struct wide_case wide_cases[] = {
	{ "mul8 0x80*2 sets CF/OF", mulb, 0x80, 0x55, 2, 0x0100, 0x55, CF | OF },
	{ "mul8 0x10*2 clears CF/OF", mulb, 0x10, 0, 2, 0x20, 0, 0 },
	{ "mul64 max*max", mulq, ~0ul, 0, ~0ul, 1, 0xfffffffffffffffe, CF | OF },
	{ "imul8 -128*-1 overflows", imulb, 0x80, 0, 0xff, 0x0080, 0, CF | OF },
	{ "imul16 -2*3 fits", imulw, 0xfffe, 0, 3, 0xfffa, 0xffff, 0 },
	{ "div8 261/16", divb, 0x0105, 0, 0x10, 0x0510, 0, 0 },
	{ "div64 2^64/16", divq, 0, 1, 0x10, 0x1000000000000000, 0, 0 },
	{ "div32 100/7 zero-extends", divl, 0xffffffff00000064, 0xffffffff00000000, 7, 14, 2, 0 },
	{ "idiv8 -7/2 truncates", idivb, 0xfff9, 0, 2, 0xfffd, 0, 0 },
	{ "idiv64 -7/-2", idivq, -7ul, ~0ul, -2ul, 3, -1ul, 0 },
};

static void test_wide(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(wide_cases); i++) {
		const struct wide_case *c = &wide_cases[i];
		struct wide w = c->fn(c->rax, c->rdx, c->src);
		unsigned long mask = c->fn == divb || c->fn == idivb || c->fn == divq ||
				     c->fn == divl || c->fn == idivq ? 0 : CF | OF;

		report(w.rax == c->want_rax && w.rdx == c->want_rdx && (w.flags & mask) == c->want_flags,
		       "%s: rax %#lx rdx %#lx flags %#lx (want %#lx %#lx %#lx)", c->name, w.rax, w.rdx,
		       w.flags & mask, c->want_rax, c->want_rdx, c->want_flags);
	}
}

static void test_imul_forms(void)
{
	unsigned long r = 0x4000000000000000, f;

	asm volatile("imulq $2, %0; pushf; pop %1" : "+r"(r), "=r"(f) : : "cc");
	report(r == 0x8000000000000000 && (f & (CF | OF)) == (CF | OF),
	       "imul64 two-operand overflow: %#lx flags %#lx", r, f & (CF | OF));
	r = 0xffffffff00000007;
	asm volatile("imull $-3, %k0, %k0; pushf; pop %1" : "+r"(r), "=r"(f) : : "cc");
	report(r == 0xffffffeb && !(f & (CF | OF)), "imul32 three-operand -21, zero-extended: %#lx", r);
}

/* Each returns the vector raised (-1: none) and the address of the dividing instruction. */
#define DIV_TRY(name, insn, width)                                                          \
	static int name(unsigned long rax, unsigned long rdx, unsigned long s,               \
			unsigned long *insn_ip, unsigned long *rax_out)                      \
	{                                                                                    \
		asm volatile("lea 1f(%%rip), %[ip]\n\t" ASM_TRY("2f") "1: " insn " %" width "[s]\n2:" \
			     : "+a"(rax), "+d"(rdx), [ip] "=&r"(*insn_ip) : [s] "q"(s) : "memory"); \
		*rax_out = rax;                                                              \
		return exception_vector();                                                   \
	}

DIV_TRY(try_divl, "divl", "k")
DIV_TRY(try_divb, "divb", "b")
DIV_TRY(try_idivq, "idivq", "")
DIV_TRY(try_idivb, "idivb", "b")

static void check_de(const char *what, int (*fn)(unsigned long, unsigned long, unsigned long,
						  unsigned long *, unsigned long *),
		     unsigned long rax, unsigned long rdx, unsigned long s)
{
	unsigned long ip = 0, out = 0;
	int v = fn(rax, rdx, s, &ip, &out);

	report(v == DE_VECTOR && ex_last.rip == ip && out == rax,
	       "%s: vector %d (want 0), saved RIP %#lx (want %#lx, a fault), RAX kept", what, v,
	       ex_last.rip, ip);
}

static void test_de(void)
{
	unsigned long ip = 0, out = 0;

	check_de("div32 by zero", try_divl, 100, 0, 0);
	check_de("div8 quotient 0x100 overflows", try_divb, 0x1000, 0, 0x10);
	check_de("idiv64 INT64_MIN/-1 overflows", try_idivq, 0x8000000000000000, ~0ul, ~0ul);
	check_de("idiv8 -128/-1 overflows", try_idivb, 0xff80, 0, 0xff);
	report(try_idivb(0xff81, 0, 0xff, &ip, &out) == -1 && (out & 0xffff) == 0x007f,
	       "idiv8 -127/-1 = 127 does not fault: ax %#lx", out & 0xffff);
}

int main(void)
{
	test_wide();
	test_imul_forms();
	test_de();
	return report_summary();
}
