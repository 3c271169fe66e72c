/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the SSE floating-point handlers against the host CPU (x86-64
 * hosts only): each instruction below runs natively (inline assembly, between two
 * labels whose bytes are also fed to the decoder) and through insn_sse_fp.c on the same
 * operands — signed zeros, infinities, QNaN/SNaN with payloads, denormals, extreme
 * normals and random bits — under every rounding mode with DAZ and FTZ off and on, and
 * compares XMM0, RAX, MXCSR and (for COMIS/UCOMIS) the arithmetic flags. Exceptions stay
 * masked (an unmasked one would be SIGFPE natively). RCPPS/RSQRTPS are left out: their
 * approximations are model-specific.
 */
#include <stdio.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/simd.h"
#include "test.h"

#if defined(__x86_64__)

struct cpu *sse_test_cpu(void);
void insn_test_free(struct cpu *cpu);
enum exec_status sse_test_exec(struct cpu *cpu, const uint8_t *bytes, unsigned len);

struct native_state {
	uint8_t x0[16], x1[16];
	uint64_t rax;
	uint32_t mxcsr;
	uint16_t flags; /* AH from LAHF (SF ZF AF PF CF) << 8 | OF */
};

/*
 * One instruction, run natively with XMM0, XMM1, RAX and MXCSR from the state; its
 * bytes lie between <name>_begin and <name>_end.
 */
#define NATIVE(name, text)                                                                \
	extern const uint8_t name##_begin[], name##_end[];                               \
	__attribute__((noinline, noclone)) static void name##_native(struct native_state *s) \
	{                                                                                 \
		uint32_t saved;                                                           \
		asm volatile("stmxcsr %[sv]\n\t"                                          \
			     "ldmxcsr %[m]\n\t"                                           \
			     "movdqu %[a], %%xmm0\n\t"                                    \
			     "movdqu %[b], %%xmm1\n\t"                                    \
			     "mov %[r], %%rax\n\t"                                        \
			     ".globl " #name "_begin\n" #name "_begin:\n\t" text "\n"     \
			     ".globl " #name "_end\n" #name "_end:\n\t"                   \
			     "stmxcsr %[m]\n\t"                                           \
			     "ldmxcsr %[sv]\n\t"                                          \
			     "movdqu %%xmm0, %[a]\n\t"                                    \
			     "mov %%rax, %[r]\n\t"                                        \
			     "lahf\n\t"                                                   \
			     "seto %%al\n\t"                                              \
			     "mov %%ax, %[f]\n\t"                                         \
			     : [a] "+m"(s->x0), [m] "+m"(s->mxcsr), [r] "+m"(s->rax),     \
			       [f] "=m"(s->flags), [sv] "=m"(saved)                      \
			     : [b] "m"(s->x1)                                             \
			     : "rax", "xmm0", "xmm1", "cc", "memory");                   \
	}

NATIVE(d_addss, "addss %%xmm1, %%xmm0")
NATIVE(d_subss, "subss %%xmm1, %%xmm0")
NATIVE(d_mulss, "mulss %%xmm1, %%xmm0")
NATIVE(d_divss, "divss %%xmm1, %%xmm0")
NATIVE(d_sqrtss, "sqrtss %%xmm1, %%xmm0")
NATIVE(d_minss, "minss %%xmm1, %%xmm0")
NATIVE(d_maxss, "maxss %%xmm1, %%xmm0")
NATIVE(d_addps, "addps %%xmm1, %%xmm0")
NATIVE(d_mulps, "mulps %%xmm1, %%xmm0")
NATIVE(d_divps, "divps %%xmm1, %%xmm0")
NATIVE(d_sqrtps, "sqrtps %%xmm1, %%xmm0")
NATIVE(d_minps, "minps %%xmm1, %%xmm0")
NATIVE(d_maxps, "maxps %%xmm1, %%xmm0")
NATIVE(d_cmpps0, "cmpps $0, %%xmm1, %%xmm0")
NATIVE(d_cmpps1, "cmpps $1, %%xmm1, %%xmm0")
NATIVE(d_cmpps2, "cmpps $2, %%xmm1, %%xmm0")
NATIVE(d_cmpps3, "cmpps $3, %%xmm1, %%xmm0")
NATIVE(d_cmpps4, "cmpps $4, %%xmm1, %%xmm0")
NATIVE(d_cmpps5, "cmpps $5, %%xmm1, %%xmm0")
NATIVE(d_cmpps6, "cmpps $6, %%xmm1, %%xmm0")
NATIVE(d_cmpps7, "cmpps $7, %%xmm1, %%xmm0")
NATIVE(d_cmpss1, "cmpss $1, %%xmm1, %%xmm0")
NATIVE(d_comiss, "comiss %%xmm1, %%xmm0")
NATIVE(d_ucomiss, "ucomiss %%xmm1, %%xmm0")
NATIVE(d_cvtss2sd, "cvtss2sd %%xmm1, %%xmm0")
NATIVE(d_cvtps2pd, "cvtps2pd %%xmm1, %%xmm0")
NATIVE(d_cvtss2si, "cvtss2si %%xmm1, %%eax")
NATIVE(d_cvttss2si, "cvttss2si %%xmm1, %%eax")
NATIVE(d_cvtss2si64, "cvtss2si %%xmm1, %%rax")
NATIVE(d_cvttss2si64, "cvttss2si %%xmm1, %%rax")
NATIVE(d_cvtps2dq, "cvtps2dq %%xmm1, %%xmm0")
NATIVE(d_cvttps2dq, "cvttps2dq %%xmm1, %%xmm0")
NATIVE(d_cvtdq2ps, "cvtdq2ps %%xmm1, %%xmm0")
NATIVE(d_cvtsi2ss, "cvtsi2ss %%eax, %%xmm0")
NATIVE(d_cvtsi2ss64, "cvtsi2ss %%rax, %%xmm0")
NATIVE(d_addsd, "addsd %%xmm1, %%xmm0")
NATIVE(d_subsd, "subsd %%xmm1, %%xmm0")
NATIVE(d_mulsd, "mulsd %%xmm1, %%xmm0")
NATIVE(d_divsd, "divsd %%xmm1, %%xmm0")
NATIVE(d_sqrtsd, "sqrtsd %%xmm1, %%xmm0")
NATIVE(d_minsd, "minsd %%xmm1, %%xmm0")
NATIVE(d_maxsd, "maxsd %%xmm1, %%xmm0")
NATIVE(d_addpd, "addpd %%xmm1, %%xmm0")
NATIVE(d_mulpd, "mulpd %%xmm1, %%xmm0")
NATIVE(d_divpd, "divpd %%xmm1, %%xmm0")
NATIVE(d_sqrtpd, "sqrtpd %%xmm1, %%xmm0")
NATIVE(d_cmppd1, "cmppd $1, %%xmm1, %%xmm0")
NATIVE(d_cmppd4, "cmppd $4, %%xmm1, %%xmm0")
NATIVE(d_cmpsd3, "cmpsd $3, %%xmm1, %%xmm0")
NATIVE(d_cmpsd6, "cmpsd $6, %%xmm1, %%xmm0")
NATIVE(d_comisd, "comisd %%xmm1, %%xmm0")
NATIVE(d_ucomisd, "ucomisd %%xmm1, %%xmm0")
NATIVE(d_cvtsd2ss, "cvtsd2ss %%xmm1, %%xmm0")
NATIVE(d_cvtpd2ps, "cvtpd2ps %%xmm1, %%xmm0")
NATIVE(d_cvtsd2si, "cvtsd2si %%xmm1, %%eax")
NATIVE(d_cvttsd2si, "cvttsd2si %%xmm1, %%eax")
NATIVE(d_cvtsd2si64, "cvtsd2si %%xmm1, %%rax")
NATIVE(d_cvttsd2si64, "cvttsd2si %%xmm1, %%rax")
NATIVE(d_cvtpd2dq, "cvtpd2dq %%xmm1, %%xmm0")
NATIVE(d_cvttpd2dq, "cvttpd2dq %%xmm1, %%xmm0")
NATIVE(d_cvtdq2pd, "cvtdq2pd %%xmm1, %%xmm0")
NATIVE(d_cvtsi2sd64, "cvtsi2sd %%rax, %%xmm0")
NATIVE(d_addsubps, "addsubps %%xmm1, %%xmm0")
NATIVE(d_haddps, "haddps %%xmm1, %%xmm0")
NATIVE(d_hsubpd, "hsubpd %%xmm1, %%xmm0")
NATIVE(d_addsubpd, "addsubpd %%xmm1, %%xmm0")
NATIVE(d_roundss0, "roundss $0, %%xmm1, %%xmm0")
NATIVE(d_roundps1, "roundps $1, %%xmm1, %%xmm0")
NATIVE(d_roundsd2, "roundsd $2, %%xmm1, %%xmm0")
NATIVE(d_roundpd3, "roundpd $3, %%xmm1, %%xmm0")
NATIVE(d_roundps4, "roundps $4, %%xmm1, %%xmm0")
NATIVE(d_roundsd12, "roundsd $12, %%xmm1, %%xmm0")
NATIVE(d_dpps, "dpps $0xf3, %%xmm1, %%xmm0")
NATIVE(d_dppd, "dppd $0x31, %%xmm1, %%xmm0")

enum feature { F_SSE2, F_SSE3, F_SSE41 };

struct diff_op {
	const char *name;
	void (*native)(struct native_state *);
	const uint8_t *begin, *end;
	unsigned sz;        /* element size of the operands: 4 or 8 */
	bool flags;         /* compare ZF PF CF OF SF AF */
	enum feature feature;
};

#define OP(n, sz, flags, feat) {#n, d_##n##_native, d_##n##_begin, d_##n##_end, sz, flags, feat}

static const struct diff_op ops[] = {
	OP(addss, 4, false, F_SSE2), OP(subss, 4, false, F_SSE2), OP(mulss, 4, false, F_SSE2),
	OP(divss, 4, false, F_SSE2), OP(sqrtss, 4, false, F_SSE2), OP(minss, 4, false, F_SSE2),
	OP(maxss, 4, false, F_SSE2), OP(addps, 4, false, F_SSE2), OP(mulps, 4, false, F_SSE2),
	OP(divps, 4, false, F_SSE2), OP(sqrtps, 4, false, F_SSE2), OP(minps, 4, false, F_SSE2),
	OP(maxps, 4, false, F_SSE2), OP(cmpps0, 4, false, F_SSE2), OP(cmpps1, 4, false, F_SSE2),
	OP(cmpps2, 4, false, F_SSE2), OP(cmpps3, 4, false, F_SSE2), OP(cmpps4, 4, false, F_SSE2),
	OP(cmpps5, 4, false, F_SSE2), OP(cmpps6, 4, false, F_SSE2), OP(cmpps7, 4, false, F_SSE2),
	OP(cmpss1, 4, false, F_SSE2), OP(comiss, 4, true, F_SSE2), OP(ucomiss, 4, true, F_SSE2),
	OP(cvtss2sd, 4, false, F_SSE2), OP(cvtps2pd, 4, false, F_SSE2),
	OP(cvtss2si, 4, false, F_SSE2), OP(cvttss2si, 4, false, F_SSE2),
	OP(cvtss2si64, 4, false, F_SSE2), OP(cvttss2si64, 4, false, F_SSE2),
	OP(cvtps2dq, 4, false, F_SSE2), OP(cvttps2dq, 4, false, F_SSE2),
	OP(cvtdq2ps, 4, false, F_SSE2), OP(cvtsi2ss, 4, false, F_SSE2),
	OP(cvtsi2ss64, 4, false, F_SSE2),
	OP(addsd, 8, false, F_SSE2), OP(subsd, 8, false, F_SSE2), OP(mulsd, 8, false, F_SSE2),
	OP(divsd, 8, false, F_SSE2), OP(sqrtsd, 8, false, F_SSE2), OP(minsd, 8, false, F_SSE2),
	OP(maxsd, 8, false, F_SSE2), OP(addpd, 8, false, F_SSE2), OP(mulpd, 8, false, F_SSE2),
	OP(divpd, 8, false, F_SSE2), OP(sqrtpd, 8, false, F_SSE2), OP(cmppd1, 8, false, F_SSE2),
	OP(cmppd4, 8, false, F_SSE2), OP(cmpsd3, 8, false, F_SSE2), OP(cmpsd6, 8, false, F_SSE2),
	OP(comisd, 8, true, F_SSE2), OP(ucomisd, 8, true, F_SSE2),
	OP(cvtsd2ss, 8, false, F_SSE2), OP(cvtpd2ps, 8, false, F_SSE2),
	OP(cvtsd2si, 8, false, F_SSE2), OP(cvttsd2si, 8, false, F_SSE2),
	OP(cvtsd2si64, 8, false, F_SSE2), OP(cvttsd2si64, 8, false, F_SSE2),
	OP(cvtpd2dq, 8, false, F_SSE2), OP(cvttpd2dq, 8, false, F_SSE2),
	OP(cvtdq2pd, 4, false, F_SSE2), OP(cvtsi2sd64, 8, false, F_SSE2),
	OP(addsubps, 4, false, F_SSE3), OP(haddps, 4, false, F_SSE3),
	OP(hsubpd, 8, false, F_SSE3), OP(addsubpd, 8, false, F_SSE3),
	OP(roundss0, 4, false, F_SSE41), OP(roundps1, 4, false, F_SSE41),
	OP(roundsd2, 8, false, F_SSE41), OP(roundpd3, 8, false, F_SSE41),
	OP(roundps4, 4, false, F_SSE41), OP(roundsd12, 8, false, F_SSE41),
	OP(dpps, 4, false, F_SSE41), OP(dppd, 8, false, F_SSE41),
};

static const uint32_t edge32[] = {
	0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
	0x7fc12345, 0xffd00001, 0x7f800001, 0xff812345, 0x7fa00000, 0x00000001,
	0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
	0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000, 0x3eaaaaab, 0x4f000000,
	0xcf000000, 0x5f000000, 0xdf000001, 0x4effffff, 0x3f000000, 0x3fa00000,
	0x0c000000, 0x34000000, 0x00ffffff, 0x1f800000,
};

static const uint64_t edge64[] = {
	0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
	0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
	0x7ff8123456789abcull, 0xfff0000000000001ull, 0x7ff4000000000000ull,
	0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull,
	0x8010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
	0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff8000000000000ull,
	0x4008000000000000ull, 0x3fd5555555555555ull, 0x41e0000000000000ull,
	0xc1e0000000000000ull, 0x41dfffffffffffffull, 0xc1e0000000200000ull,
	0x43e0000000000000ull, 0xc3e0000000000000ull, 0x47efffffe0000000ull,
	0x47efffff00000000ull, 0x36a0000000000000ull, 0x3810000000000000ull,
	0x380fffffffffffffull, 0x3fe0000000000000ull, 0x4004000000000000ull,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* An operand element: an edge case, a random value near one, or random bits. */
static uint64_t pick(unsigned sz)
{
	uint64_t r = rng();
	unsigned k = (unsigned)(r >> 60);

	if (sz == 4) {
		uint32_t e = edge32[(r >> 8) % (sizeof(edge32) / 4)];
		return k < 9 ? e : k < 12 ? (e ^ (uint32_t)(r & 0xff)) : (uint32_t)(r >> 16);
	}
	uint64_t e = edge64[(r >> 8) % (sizeof(edge64) / 8)];
	return k < 9 ? e : k < 12 ? (e ^ (r & 0xfff)) : rng();
}

static void fill(uint8_t *v, unsigned sz)
{
	for (unsigned i = 0; i < 16 / sz; i++) {
		uint64_t x = pick(sz);
		memcpy(v + i * sz, &x, sz);
	}
}

static bool host_has(enum feature f)
{
	__builtin_cpu_init();
	switch (f) {
	case F_SSE3:
		return __builtin_cpu_supports("sse3");
	case F_SSE41:
		return __builtin_cpu_supports("sse4.1");
	default:
		return true;
	}
}

static unsigned diff_one(const struct diff_op *op, unsigned vectors)
{
	struct cpu *cpu = sse_test_cpu();
	unsigned bad = 0;
	static const uint32_t modes[] = {0, MXCSR_DAZ, MXCSR_FZ, MXCSR_DAZ | MXCSR_FZ};

	for (unsigned v = 0; v < vectors; v++) {
		struct native_state n;
		fill(n.x0, op->sz);
		fill(n.x1, op->sz);
		n.rax = (rng() & 1) ? rng() : (uint64_t)(int64_t)(int32_t)(rng() >> 40);
		for (unsigned rc = 0; rc < 4; rc++) {
			for (unsigned m = 0; m < 4; m++) {
				struct native_state h = n;
				uint32_t mxcsr = 0x1f80 | (rc << MXCSR_RC_SHIFT) | modes[m];
				h.mxcsr = mxcsr;
				h.flags = 0;
				op->native(&h);

				memcpy(cpu->simd.ymm[0], n.x0, 16);
				memcpy(cpu->simd.ymm[1], n.x1, 16);
				cpu->gpr[R_RAX] = n.rax;
				cpu->simd.mxcsr = mxcsr;
				flags_set_arith(cpu, RFLAGS_ARITH);
				enum exec_status st =
					sse_test_exec(cpu, op->begin, (unsigned)(op->end - op->begin));
				uint32_t fl = (uint32_t)flags_read(cpu);
				uint32_t want_fl = (h.flags >> 8) & (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF |
								     RFLAGS_PF | RFLAGS_CF);
				if (h.flags & 1)
					want_fl |= RFLAGS_OF;
				bool ok = st == EXEC_OK && !memcmp(cpu->simd.ymm[0], h.x0, 16) &&
					  cpu->gpr[R_RAX] == h.rax && cpu->simd.mxcsr == h.mxcsr &&
					  (!op->flags || (fl & RFLAGS_ARITH) == want_fl);
				if (!ok && bad++ < 4) {
					uint64_t a[2], b[2], g[2], w[2];
					memcpy(a, n.x0, 16);
					memcpy(b, n.x1, 16);
					memcpy(g, cpu->simd.ymm[0], 16);
					memcpy(w, h.x0, 16);
					printf("  %s mxcsr %#x: x0 %016llx%016llx x1 %016llx%016llx "
					       "rax %llx\n    want %016llx%016llx rax %llx mxcsr %#x "
					       "fl %#x\n    got  %016llx%016llx rax %llx mxcsr %#x fl %#x st %d\n",
					       op->name, mxcsr, (unsigned long long)a[1],
					       (unsigned long long)a[0], (unsigned long long)b[1],
					       (unsigned long long)b[0], (unsigned long long)n.rax,
					       (unsigned long long)w[1], (unsigned long long)w[0],
					       (unsigned long long)h.rax, h.mxcsr, want_fl,
					       (unsigned long long)g[1], (unsigned long long)g[0],
					       (unsigned long long)cpu->gpr[R_RAX], cpu->simd.mxcsr,
					       fl & RFLAGS_ARITH, st);
				}
			}
		}
	}
	insn_test_free(cpu);
	return bad;
}

TEST(sse_diff, fp_against_host)
{
	unsigned bad = 0, skipped = 0, run = 0;

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!host_has(ops[i].feature)) {
			skipped++;
			continue;
		}
		unsigned b = diff_one(&ops[i], 300);
		if (b)
			printf("  %s: %u of %u mismatches\n", ops[i].name, b, 300 * 16);
		bad += b;
		run++;
	}
	printf("  sse_diff: %u instructions compared, %u skipped (host lacks the feature)\n",
	       run, skipped);
	ASSERT_EQ(0, bad);
}

#else

TEST(sse_diff, fp_against_host)
{
	printf("  SKIP sse_diff: not an x86-64 host\n");
}

#endif
