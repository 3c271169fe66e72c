// SPDX-License-Identifier: MIT
/* SSE, SSE2 and MMX in 64-bit mode: packed integers, floating point with MXCSR (NaN rules, flags, rounding), #XM/#UD/#NM, LDMXCSR, FXSAVE/FXRSTOR, and the SSE3…SSE4.2 and XSAVE forms the CPUID reports (SDM Vol. 1, Chapters 9–13; Vol. 3A, 13.1 "Provide Support for FXSAVE/FXRSTOR", 6.15 "#XM"). */
#include "libcflat.h"
#include "processor.h"

#define X86_CR4_OSXMMEXCPT (1ul << 10)
#define X86_CR4_OSXSAVE_BIT (1ul << 18)
#define XM_VECTOR 19

#define FEATURE_SSE3 CPUID_FEATURE(1, 0, 2, 0)
#define FEATURE_SSSE3 CPUID_FEATURE(1, 0, 2, 9)
#define FEATURE_SSE41 CPUID_FEATURE(1, 0, 2, 19)
#define FEATURE_SSE42 CPUID_FEATURE(1, 0, 2, 20)
#define FEATURE_XSAVE CPUID_FEATURE(1, 0, 2, 26)

struct v128 {
	uint64_t lo, hi;
} __attribute__((aligned(16)));

/* Run `insn` with XMM0 = *a, XMM1 = *b and MXCSR = *mx; return XMM0, MXCSR, RFLAGS. */
#define SSE_OP(insn, a, b, r, mx, fl)                                                  \
	asm volatile("ldmxcsr %[m]\n\t"                                                 \
		     "movdqa %[x], %%xmm0\n\t"                                          \
		     "movdqa %[y], %%xmm1\n\t" insn "\n\t"                              \
		     "movdqa %%xmm0, %[o]\n\t"                                          \
		     "stmxcsr %[m]\n\t"                                                 \
		     "pushfq\n\t"                                                       \
		     "popq %[f]"                                                        \
		     : [o] "=m"(r), [m] "+m"(mx), [f] "=r"(fl)                          \
		     : [x] "m"(a), [y] "m"(b)                                           \
		     : "memory", "cc")

/* Checks that QEMU TCG (7.x) is known to fail: a skip there, a failure elsewhere. */
static void tcg_quirk(bool pass, const char *what)
{
	if (!pass && cpu_is_qemu_tcg())
		report_skip("%s: not so under QEMU TCG", what);
	else
		report(pass, "%s", what);
}

static uint32_t op_mxcsr;
static unsigned long op_flags;

static struct v128 op(const char *which, struct v128 a, struct v128 b, uint32_t mxcsr);

static bool eq(struct v128 r, uint64_t lo, uint64_t hi)
{
	return r.lo == lo && r.hi == hi;
}

#define OP_CASE(name, text)                                                             \
	if (!strcmp(which, name)) {                                                     \
		SSE_OP(text, a, b, r, mx, fl);                                          \
		goto done;                                                              \
	}

static struct v128 op(const char *which, struct v128 a, struct v128 b, uint32_t mxcsr)
{
	struct v128 r = {0, 0};
	uint32_t mx = mxcsr;
	unsigned long fl = 0;

	OP_CASE("paddd", "paddd %%xmm1, %%xmm0")
	OP_CASE("pmaddwd", "pmaddwd %%xmm1, %%xmm0")
	OP_CASE("pshufd", "pshufd $0x1b, %%xmm1, %%xmm0")
	OP_CASE("packuswb", "packuswb %%xmm1, %%xmm0")
	OP_CASE("psrlq", "psrlq $12, %%xmm0")
	OP_CASE("pcmpgtb", "pcmpgtb %%xmm1, %%xmm0")
	OP_CASE("punpckhwd", "punpckhwd %%xmm1, %%xmm0")
	OP_CASE("addps", "addps %%xmm1, %%xmm0")
	OP_CASE("mulpd", "mulpd %%xmm1, %%xmm0")
	OP_CASE("divss", "divss %%xmm1, %%xmm0")
	OP_CASE("sqrtsd", "sqrtsd %%xmm1, %%xmm0")
	OP_CASE("maxss", "maxss %%xmm1, %%xmm0")
	OP_CASE("subps", "subps %%xmm1, %%xmm0")
	OP_CASE("mulss", "mulss %%xmm1, %%xmm0")
	OP_CASE("comisd", "comisd %%xmm1, %%xmm0")
	OP_CASE("ucomiss", "ucomiss %%xmm1, %%xmm0")
	OP_CASE("cmpps", "cmpps $1, %%xmm1, %%xmm0")
	OP_CASE("cvtsd2si", "cvtsd2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
	OP_CASE("cvttsd2si", "cvttsd2si %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
	OP_CASE("cvtpd2ps", "cvtpd2ps %%xmm1, %%xmm0")
	OP_CASE("cvtdq2ps", "cvtdq2ps %%xmm1, %%xmm0")
	OP_CASE("haddps", "haddps %%xmm1, %%xmm0")
	OP_CASE("pshufb", "pshufb %%xmm1, %%xmm0")
	OP_CASE("phaddw", "phaddw %%xmm1, %%xmm0")
	OP_CASE("pminsd", "pminsd %%xmm1, %%xmm0")
	OP_CASE("roundsd", "roundsd $9, %%xmm1, %%xmm0")
	OP_CASE("ptest", "ptest %%xmm1, %%xmm0")
	OP_CASE("pcmpistri", "pcmpistri $0x0c, %%xmm1, %%xmm0\n\tmovd %%ecx, %%xmm0")
	OP_CASE("pcmpgtq", "pcmpgtq %%xmm1, %%xmm0")
	report_abort("no such operation %s", which);
done:
	op_mxcsr = mx;
	op_flags = fl;
	return r;
}

#define V(lo, hi) ((struct v128){(lo), (hi)})
#define MXCSR_DEFAULT 0x1f80u
#define ARITH_FLAGS 0x8d5ul

static void test_integer(void)
{
	struct v128 r;

	r = op("paddd", V(0xffffffff00000001ull, 0x7fffffff00000000ull),
	       V(0x0000000100000002ull, 0x0000000100000000ull), MXCSR_DEFAULT);
	report(eq(r, 0x0000000000000003ull, 0x8000000000000000ull), "PADDD wraps per lane");
	r = op("pmaddwd", V(0x0002000300040005ull, 0x8000800000000000ull),
	       V(0x0006000700080009ull, 0x8000800000000000ull), MXCSR_DEFAULT);
	report(eq(r, ((uint64_t)(12 + 21) << 32) | (32 + 45), 0x80000000ull << 32),
	       "PMADDWD (%#llx %#llx)", (unsigned long long)r.lo, (unsigned long long)r.hi);
	r = op("pshufd", V(0, 0), V(0x1111111122222222ull, 0x3333333344444444ull), MXCSR_DEFAULT);
	report(eq(r, 0x4444444433333333ull, 0x2222222211111111ull), "PSHUFD 1Bh");
	r = op("packuswb", V(0x00ff0100ff7f8000ull, 0x0001000200030004ull), V(0, 0), MXCSR_DEFAULT);
	report(eq(r, 0x01020304ffff0000ull, 0), "PACKUSWB saturates (%#llx)",
	       (unsigned long long)r.lo);
	r = op("psrlq", V(0x123456789abcdef0ull, 0xfedcba9876543210ull), V(0, 0), MXCSR_DEFAULT);
	report(eq(r, 0x000123456789abcdull, 0x000fedcba9876543ull), "PSRLQ 12");
	r = op("pcmpgtb", V(0x7f0080ff01000000ull, 0), V(0x80ff7f0000000000ull, 0), MXCSR_DEFAULT);
	report(eq(r, 0xffff0000ff000000ull, 0), "PCMPGTB is signed (%#llx)",
	       (unsigned long long)r.lo);
	r = op("punpckhwd", V(0, 0x4444333322221111ull), V(0, 0x8888777766665555ull),
	       MXCSR_DEFAULT);
	report(r.lo == 0x6666222255551111ull, "PUNPCKHWD interleaves the high words");
}

#define F1 0x3f800000ull /* 1.0f */
#define F2 0x40000000ull
#define F3 0x40400000ull
#define QNAN_F 0x7fc00000ull
#define D1 0x3ff0000000000000ull
#define D2 0x4000000000000000ull

static void test_fp(void)
{
	struct v128 r;

	r = op("addps", V(F1 | F2 << 32, F3 | QNAN_F << 32), V(F2 | F1 << 32, F3 | 0x7fc00123ull << 32),
	       MXCSR_DEFAULT);
	report(r.lo == (F3 | F3 << 32) && (uint32_t)r.hi == 0x40c00000u, "ADDPS");
	tcg_quirk(eq(r, F3 | F3 << 32, 0x40c00000ull | QNAN_F << 32) && op_mxcsr == MXCSR_DEFAULT,
		  "ADDPS: the first QNaN operand propagates, no flags (Table 4-7)");
	r = op("divss", V(F1, 0), V(F3, 0), MXCSR_DEFAULT);
	report(r.lo == 0x3eaaaaabull && op_mxcsr == (MXCSR_DEFAULT | 0x20), "DIVSS 1/3 rounds, PE");
	r = op("divss", V(F1, 0), V(F3, 0), MXCSR_DEFAULT | 0x2000);
	report(r.lo == 0x3eaaaaaaull, "DIVSS 1/3 under RC=down (%#llx)", (unsigned long long)r.lo);
	r = op("sqrtsd", V(0, 7), V(D2, 0), MXCSR_DEFAULT);
	report(eq(r, 0x3ff6a09e667f3bcdull, 7), "SQRTSD 2.0 keeps the high half");
	r = op("subps", V(0x7f800000ull, 0), V(0x7f800000ull, 0), MXCSR_DEFAULT);
	report((uint32_t)r.lo == 0xffc00000u && (op_mxcsr & 1), "inf - inf: QNaN indefinite, IE");
	r = op("mulss", V(F2, 0), V(0x7f800001ull, 0), MXCSR_DEFAULT);
	report((uint32_t)r.lo == 0x7fc00001u && (op_mxcsr & 1), "SNaN source quietened, IE");
	r = op("maxss", V(QNAN_F, 0), V(F2, 0), MXCSR_DEFAULT);
	report((uint32_t)r.lo == F2 && (op_mxcsr & 1), "MAXSS with a NaN returns the second operand, IE");
	r = op("maxss", V(0x80000000ull, 0), V(0, 0), MXCSR_DEFAULT);
	report((uint32_t)r.lo == 0, "MAXSS(-0, +0) = +0 (second operand)");
	r = op("mulss", V(0x00000001ull, 0), V(F1, 0), MXCSR_DEFAULT);
	tcg_quirk((uint32_t)r.lo == 1 && (op_mxcsr & 2), "denormal operand: DE");
	r = op("mulss", V(0x00000001ull, 0), V(F1, 0), MXCSR_DEFAULT | 0x40);
	report((uint32_t)r.lo == 0 && !(op_mxcsr & 2), "DAZ: denormal input is zero, no DE");
	r = op("mulss", V(0x0d800000ull, 0), V(0x31000000ull, 0), MXCSR_DEFAULT | 0x8000);
	report((uint32_t)r.lo == 0 && (op_mxcsr & 0x30) == 0x30, "FTZ: tiny result flushed, UE PE");
	r = op("mulpd", V(D2, 0xc000000000000000ull), V(D2, D1), MXCSR_DEFAULT);
	report(eq(r, 0x4010000000000000ull, 0xc000000000000000ull), "MULPD");
	r = op("cmpps", V(F1 | F2 << 32, QNAN_F), V(F2 | F1 << 32, F1), MXCSR_DEFAULT);
	report(eq(r, 0xffffffffull, 0) && (op_mxcsr & 1), "CMPLTPS; QNaN signals IE");
	r = op("comisd", V(D1, 0), V(D2, 0), MXCSR_DEFAULT);
	report((op_flags & ARITH_FLAGS) == 1, "COMISD less: CF only (%#lx)", op_flags & ARITH_FLAGS);
	r = op("ucomiss", V(QNAN_F, 0), V(F1, 0), MXCSR_DEFAULT);
	report((op_flags & ARITH_FLAGS) == 0x45 && op_mxcsr == MXCSR_DEFAULT,
	       "UCOMISS unordered: ZF PF CF, QNaN quiet");
	r = op("cvtsd2si", V(0, 0), V(0x4004000000000000ull, 0), MXCSR_DEFAULT); /* 2.5 */
	report((uint32_t)r.lo == 2 && (op_mxcsr & 0x20), "CVTSD2SI 2.5 → 2 (to even), PE");
	r = op("cvttsd2si", V(0, 0), V(0x41ed1a94a2000000ull, 0), MXCSR_DEFAULT); /* 3.9e9 */
	report((uint32_t)r.lo == 0x80000000u && (op_mxcsr & 1), "CVTTSD2SI overflow: indefinite, IE");
	r = op("cvtpd2ps", V(0, 0), V(0x7ff4000000000123ull, D1), MXCSR_DEFAULT);
	report(eq(r, 0x7fe00000ull | F1 << 32, 0) && (op_mxcsr & 1),
	       "CVTPD2PS: SNaN payload kept and quietened (%#llx)", (unsigned long long)r.lo);
	r = op("cvtdq2ps", V(0, 0), V(0x7fffffffull | 0xfffffffdull << 32, 0), MXCSR_DEFAULT);
	report(r.lo == (0x4f000000ull | 0xc0400000ull << 32) && (op_mxcsr & 0x20),
	       "CVTDQ2PS rounds 2^31-1, PE");
}

static void test_faults(void)
{
	struct v128 a = V(F1, 0), z = V(0, 0), out = V(0x1234, 0);
	uint32_t mx = MXCSR_DEFAULT & ~0x200u; /* ZM clear */
	uint32_t bad = 0x10000 | MXCSR_DEFAULT;

	asm volatile("movdqa %[a], %%xmm0\n\t"
		     "movdqa %[z], %%xmm1\n\t"
		     "ldmxcsr %[m]\n\t" ASM_TRY("1f") "divss %%xmm1, %%xmm0\n"
		     "1:\n\t"
		     "stmxcsr %[m]\n\t"
		     "movdqa %%xmm0, %[o]"
		     : [o] "=m"(out), [m] "+m"(mx) : [a] "m"(a), [z] "m"(z) : "memory");
	tcg_quirk(exception_vector() == XM_VECTOR && out.lo == F1 && (mx & 4),
		  "unmasked divide-by-zero: #XM, destination unchanged, ZE");
	write_cr4(read_cr4() & ~X86_CR4_OSXMMEXCPT);
	mx = MXCSR_DEFAULT & ~0x200u;
	asm volatile("ldmxcsr %[m]\n\t" ASM_TRY("1f") "divss %%xmm1, %%xmm0\n"
		     "1:" : [m] "+m"(mx) : : "memory");
	tcg_quirk(exception_vector() == UD_VECTOR, "same without CR4.OSXMMEXCPT: #UD");
	write_cr4(read_cr4() | X86_CR4_OSXMMEXCPT);
	mx = MXCSR_DEFAULT;
	asm volatile("ldmxcsr %[m]" : : [m] "m"(mx));

	asm volatile(ASM_TRY("1f") "ldmxcsr %[b]\n1:" : : [b] "m"(bad) : "memory");
	tcg_quirk(exception_vector() == GP_VECTOR, "LDMXCSR with bit 16 set: #GP");

	write_cr0(read_cr0() | X86_CR0_TS);
	asm volatile(ASM_TRY("1f") "addps %%xmm1, %%xmm0\n1:" : : : "memory");
	report(exception_vector() == NM_VECTOR, "CR0.TS: #NM (%d)", exception_vector());
	asm volatile(ASM_TRY("1f") "paddb %%mm1, %%mm0\n1:" : : : "memory");
	report(exception_vector() == NM_VECTOR, "CR0.TS: MMX #NM (%d)", exception_vector());
	asm volatile("clts");

	write_cr4(read_cr4() & ~X86_CR4_OSFXSR);
	asm volatile(ASM_TRY("1f") "addps %%xmm1, %%xmm0\n1:" : : : "memory");
	report(exception_vector() == UD_VECTOR, "CR4.OSFXSR=0: #UD (%d)", exception_vector());
	write_cr4(read_cr4() | X86_CR4_OSFXSR);
}

static uint8_t fx_img[512] __attribute__((aligned(16)));
static uint8_t fx_img2[512] __attribute__((aligned(16)));
static struct v128 xmm_in[16], xmm_out[16];

static void test_fxsave(void)
{
	uint32_t mx = MXCSR_DEFAULT | 0x6000 | 0x10; /* RC=toward zero, UE set */
	uint64_t one = 0x8000000000000000ull;
	bool ok = true;

	for (unsigned i = 0; i < 16; i++)
		xmm_in[i] = V(0x1111111111111111ull * i, ~0x0101010101010101ull * i);
	/* A crafted x87 image: FCW 27Fh, TOP = 7, R7 = ST0 = 1.0 valid, others empty. */
	memset(fx_img, 0, sizeof(fx_img));
	*(uint16_t *)(fx_img + 0) = 0x27f;
	*(uint16_t *)(fx_img + 2) = 7 << 11;
	fx_img[4] = 0x80;
	*(uint32_t *)(fx_img + 24) = mx;
	memcpy(fx_img + 32, &one, 8);
	*(uint16_t *)(fx_img + 40) = 0x3fff;
	memcpy(fx_img + 160, xmm_in, 256);
	asm volatile("fxrstor64 %0" : : "m"(fx_img) : "memory");
	asm volatile("fxsave64 %0" : "=m"(fx_img2) : : "memory");
	report(*(uint16_t *)(fx_img2 + 0) == 0x27f && *(uint16_t *)(fx_img2 + 2) == 7 << 11 &&
	       fx_img2[4] == 0x80, "FXSAVE: FCW, FSW, abridged FTW (%#x %#x %#x)",
	       *(uint16_t *)(fx_img2 + 0), *(uint16_t *)(fx_img2 + 2), fx_img2[4]);
	report(*(uint32_t *)(fx_img2 + 24) == mx, "FXSAVE: MXCSR (%#x)", *(uint32_t *)(fx_img2 + 24));
	report(*(uint32_t *)(fx_img2 + 28) == 0xffff, "FXSAVE: MXCSR_MASK FFFFh (%#x)",
	       *(uint32_t *)(fx_img2 + 28));
	report(!memcmp(fx_img2 + 32, &one, 8) && *(uint16_t *)(fx_img2 + 40) == 0x3fff,
	       "FXSAVE: ST0 = 1.0");
	asm volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm9, %%xmm9\n\tpxor %%xmm15, %%xmm15" ::: "memory");
	asm volatile("fxrstor %0" : : "m"(fx_img2) : "memory");
	asm volatile("movdqa %%xmm0, 0(%0)\n\tmovdqa %%xmm9, 16(%0)\n\tmovdqa %%xmm15, 32(%0)"
		     : : "r"(xmm_out) : "memory");
	ok = eq(xmm_out[0], xmm_in[0].lo, xmm_in[0].hi) && eq(xmm_out[1], xmm_in[9].lo, xmm_in[9].hi) &&
	     eq(xmm_out[2], xmm_in[15].lo, xmm_in[15].hi);
	report(ok, "FXRSTOR brings back XMM0, XMM9, XMM15");
	mx = MXCSR_DEFAULT;
	asm volatile("ldmxcsr %0" : : "m"(mx));
}

static void test_mmx(void)
{
	uint64_t a = 0x01020304050607ffull, b = 0x0101010101010101ull, r = 0;

	asm volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\tpaddusb %%mm1, %%mm0\n\tmovq %%mm0, %0"
		     : "=m"(r) : "m"(a), "m"(b) : "memory");
	report(r == 0x02030405060708ffull, "PADDUSB mm saturates (%#llx)", (unsigned long long)r);
	asm volatile("fxsave64 %0" : "=m"(fx_img2) : : "memory");
	report(fx_img2[4] == 0xff && ((*(uint16_t *)(fx_img2 + 2) >> 11) & 7) == 0,
	       "MMX: all tags valid, TOP 0 (%#x %#x)", fx_img2[4], *(uint16_t *)(fx_img2 + 2));
	tcg_quirk(*(uint16_t *)(fx_img2 + 32 + 8) == 0xffff, "MMX write: exponent of R0 is FFFFh");
	asm volatile("emms\n\tfxsave64 %0" : "=m"(fx_img2) : : "memory");
	report(fx_img2[4] == 0, "EMMS empties the tags");
}

static void test_newer(void)
{
	struct v128 r;

	if (this_cpu_has(FEATURE_SSE3)) {
		r = op("haddps", V(F1 | F2 << 32, F3 | F3 << 32), V(0, F1), MXCSR_DEFAULT);
		report(eq(r, F3 | 0x40c00000ull << 32, F1 << 32), "SSE3 HADDPS");
	} else {
		report_skip("SSE3 not in CPUID");
	}
	if (this_cpu_has(FEATURE_SSSE3)) {
		r = op("pshufb", V(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull),
		       V(0x000102030405060full, 0x8080808080808080ull), MXCSR_DEFAULT);
		report(eq(r, 0x000102030405060full, 0), "SSSE3 PSHUFB");
		r = op("phaddw", V(0x0004000300020001ull, 0x7fff000100000000ull), V(0, 0), MXCSR_DEFAULT);
		report(r.lo == 0x8000000000070003ull, "SSSE3 PHADDW wraps (%#llx)", (unsigned long long)r.lo);
	} else {
		report_skip("SSSE3 not in CPUID");
	}
	if (this_cpu_has(FEATURE_SSE41)) {
		r = op("pminsd", V(0xfffffffe00000005ull, 0), V(0x00000001fffffffbull, 0), MXCSR_DEFAULT);
		report(r.lo == 0xfffffffefffffffbull, "SSE4.1 PMINSD");
		r = op("roundsd", V(0, 0), V(0xc004000000000000ull, 0), MXCSR_DEFAULT); /* -2.5 floor */
		report(r.lo == 0xc008000000000000ull && !(op_mxcsr & 0x20),
		       "SSE4.1 ROUNDSD floor(-2.5) = -3, PE suppressed");
		op("ptest", V(0xf0, 0), V(0x0f, 0), MXCSR_DEFAULT);
		report((op_flags & ARITH_FLAGS) == 0x40, "SSE4.1 PTEST: ZF");
	} else {
		report_skip("SSE4.1 not in CPUID");
	}
	if (this_cpu_has(FEATURE_SSE42)) {
		uint32_t crc = ~0u;
		const char *s = "123456789";
		r = op("pcmpistri", V(0x6f6c, 0), V(0x6f6c6c6568ull, 0), MXCSR_DEFAULT);
		report((uint32_t)r.lo == 3 && (op_flags & ARITH_FLAGS) == 0xc1,
		       "SSE4.2 PCMPISTRI equal-ordered finds \"lo\" at 3 (%u)", (uint32_t)r.lo);
		r = op("pcmpgtq", V(1, 0x8000000000000000ull), V(0, 0), MXCSR_DEFAULT);
		report(eq(r, ~0ull, 0), "SSE4.2 PCMPGTQ");
		for (unsigned i = 0; i < 9; i++)
			asm("crc32b %1, %0" : "+r"(crc) : "m"(s[i]));
		report(~crc == 0xe3069283u, "SSE4.2 CRC32C(\"123456789\") (%#x)", ~crc);
	} else {
		report_skip("SSE4.2 not in CPUID");
	}
}

static uint8_t xs_img[1024] __attribute__((aligned(64)));

static void test_xsave(void)
{
	struct v128 v = V(0x5555, 0xaaaa), o = V(0, 0);

	if (!this_cpu_has(FEATURE_XSAVE)) {
		report_skip("XSAVE not in CPUID");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE_BIT);
	asm volatile("xsetbv" : : "c"(0), "a"(3), "d"(0));
	memset(xs_img, 0, sizeof(xs_img));
	asm volatile("movdqa %0, %%xmm5" : : "m"(v));
	asm volatile("xsave %0" : "+m"(xs_img) : "a"(3), "d"(0) : "memory");
	report((*(uint64_t *)(xs_img + 512) & 2) && !memcmp(xs_img + 160 + 5 * 16, &v, 16),
	       "XSAVE: XSTATE_BV[1], XMM5 in the legacy region");
	asm volatile("pxor %%xmm5, %%xmm5" ::: "memory");
	asm volatile("xrstor %0" : : "m"(xs_img), "a"(2), "d"(0) : "memory");
	asm volatile("movdqa %%xmm5, %0" : "=m"(o));
	report(eq(o, v.lo, v.hi), "XRSTOR brings back XMM5");
	*(uint64_t *)(xs_img + 512) &= ~2ull;
	asm volatile("xrstor %0" : : "m"(xs_img), "a"(2), "d"(0) : "memory");
	asm volatile("movdqa %%xmm5, %0" : "=m"(o));
	report(eq(o, 0, 0), "XRSTOR with XSTATE_BV[1] = 0 initialises XMM5");
	*(uint64_t *)(xs_img + 512) = 1ull << 9; /* not in XCR0 */
	asm volatile(ASM_TRY("1f") "xrstor %0\n1:" : : "m"(xs_img), "a"(3), "d"(0) : "memory");
	report(exception_vector() == GP_VECTOR, "XRSTOR with an XSTATE_BV bit outside XCR0: #GP (%d)",
	       exception_vector());
	asm volatile(ASM_TRY("1f") "xsave 16+%0\n1:" : "+m"(xs_img) : "a"(3), "d"(0) : "memory");
	report(exception_vector() == GP_VECTOR, "XSAVE to a non-64-byte-aligned area: #GP (%d)",
	       exception_vector());
}

int main(void)
{
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	test_integer();
	test_fp();
	test_faults();
	test_fxsave();
	test_mmx();
	test_newer();
	test_xsave();
	return report_summary();
}
