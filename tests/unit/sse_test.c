/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the SSE/MMX handlers (insn_sse*.c, insn_xsave.c) through the real
 * decoder: moves and alignment, packed integers, floating point with MXCSR (NaN rules,
 * flags, DAZ/FTZ, #XM/#UD), #UD/#NM rules, FXSAVE/FXRSTOR, XSAVE/XRSTOR, SSE4.2, MMX.
 */
#include <Zydis/Zydis.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "hw/insn_handlers.h"
#include "hw/simd.h"
#include "machine.h"
#include "test.h"


/* Shared with sse_diff_test.c. */
struct cpu *sse_test_cpu(void);
enum exec_status sse_test_exec(struct cpu *cpu, const uint8_t *bytes, unsigned len);
void sse_test_set_xmm(struct cpu *cpu, unsigned n, uint64_t lo, uint64_t hi);
uint64_t sse_test_xmm(struct cpu *cpu, unsigned n, unsigned half);

#define DATA 0x10000u

struct cpu *sse_test_cpu(void)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);

	cpu->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
	cpu->simd.mxcsr = MXCSR_RESET;
	cpu->xcr0 = 7;
	cpu->x87.fcw = 0x37f;
	cpu->x87.ftw = 0xffff;
	return cpu;
}

/*
 * Decode and run one instruction. MOVSD and CMPSD with XMM operands share their
 * mnemonics with the string instructions; until decode.c narrows them to the
 * MOVSD_SSE/CMPSD_SSE rows, the test picks the SSE handler itself.
 */
enum exec_status sse_test_exec(struct cpu *cpu, const uint8_t *bytes, unsigned len)
{
	struct insn in;

	if (!insn_test_decode(cpu, bytes, len, &in))
		return (enum exec_status)99;
	for (unsigned i = 0; i < in.nops; i++) {
		if (in.op[i].kind != OPK_OTHER)
			continue;
		if (in.mnemonic == ZYDIS_MNEMONIC_MOVSD)
			in.fn = exec_sse_mov;
		if (in.mnemonic == ZYDIS_MNEMONIC_CMPSD)
			in.fn = exec_sse_fpcmp;
	}
	return insn_test_run(cpu, &in);
}

void sse_test_set_xmm(struct cpu *cpu, unsigned n, uint64_t lo, uint64_t hi)
{
	memcpy(cpu->simd.ymm[n], &lo, 8);
	memcpy(cpu->simd.ymm[n] + 8, &hi, 8);
}

uint64_t sse_test_xmm(struct cpu *cpu, unsigned n, unsigned half)
{
	uint64_t v;

	memcpy(&v, cpu->simd.ymm[n] + 8 * half, 8);
	return v;
}

#define RUN(cpu, ...)                                                                   \
	sse_test_exec((cpu), (const uint8_t[]){__VA_ARGS__},                           \
		      sizeof((const uint8_t[]){__VA_ARGS__}))
#define X(cpu, n, h) sse_test_xmm((cpu), (n), (h))

TEST(sse, moves_and_alignment)
{
	struct cpu *cpu = sse_test_cpu();

	insn_test_poke(cpu, DATA, 8, 0x1111111122222222ull);
	insn_test_poke(cpu, DATA + 8, 8, 0x3333333344444444ull);
	insn_test_poke(cpu, DATA + 16, 8, 0x5555555566666666ull);
	cpu->gpr[R_RAX] = DATA;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x28, 0x08)); /* movaps xmm1, [rax] */
	ASSERT_EQ(0x1111111122222222ull, X(cpu, 1, 0));
	ASSERT_EQ(0x3333333344444444ull, X(cpu, 1, 1));
	cpu->gpr[R_RAX] = DATA + 8;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0x28, 0x08)); /* misaligned movaps: #GP(0) */
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	ASSERT_EQ(0, cpu->fault.error);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x10, 0x08)); /* movups: no alignment */
	ASSERT_EQ(0x3333333344444444ull, X(cpu, 1, 0));
	cpu->gpr[R_RAX] = DATA + 32;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x7f, 0x08)); /* movdqa [rax], xmm1 */
	ASSERT_EQ(0x5555555566666666ull, insn_test_peek(cpu, DATA + 40, 8));
	cpu->gpr[R_RAX] = 0xfffffffff0000001ull;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x6e, 0xd0)); /* movd xmm2, eax */
	ASSERT_EQ(0xf0000001ull, X(cpu, 2, 0));
	ASSERT_EQ(0, X(cpu, 2, 1));
	sse_test_set_xmm(cpu, 2, 0x0123456789abcdefull, 7);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x48, 0x0f, 0x7e, 0xd0)); /* movq rax, xmm2 */
	ASSERT_EQ(0x0123456789abcdefull, cpu->gpr[R_RAX]);
	/* movss reg,reg merges; movss xmm, m32 zeroes the rest; movsd reg,reg merges. */
	sse_test_set_xmm(cpu, 0, 0xaaaaaaaabbbbbbbbull, 0xccccccccddddddddull);
	sse_test_set_xmm(cpu, 1, 0x1234567887654321ull, 0x1111111111111111ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x10, 0xc1));
	ASSERT_EQ(0xaaaaaaaa87654321ull, X(cpu, 0, 0));
	ASSERT_EQ(0xccccccccddddddddull, X(cpu, 0, 1));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf2, 0x0f, 0x10, 0xc1));
	ASSERT_EQ(0x1234567887654321ull, X(cpu, 0, 0));
	ASSERT_EQ(0xccccccccddddddddull, X(cpu, 0, 1));
	cpu->gpr[R_RAX] = DATA;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x10, 0x00)); /* movss xmm0, [rax] */
	ASSERT_EQ(0x22222222ull, X(cpu, 0, 0));
	ASSERT_EQ(0, X(cpu, 0, 1));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x16, 0x00)); /* movhps xmm0, [rax] */
	ASSERT_EQ(0x1111111122222222ull, X(cpu, 0, 1));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x7e, 0xc1)); /* movq xmm0, xmm1 */
	ASSERT_EQ(0x1234567887654321ull, X(cpu, 0, 0));
	ASSERT_EQ(0, X(cpu, 0, 1));
	insn_test_free(cpu);
}

TEST(sse, packed_integer)
{
	struct cpu *cpu = sse_test_cpu();

	sse_test_set_xmm(cpu, 0, 0x80ff7f0102030405ull, 0x0001000200030004ull);
	sse_test_set_xmm(cpu, 1, 0x8001010101010101ull, 0x0005000600070008ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xfc, 0xc1)); /* paddb */
	ASSERT_EQ(0x0000800203040506ull, X(cpu, 0, 0));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xd8, 0xc1)); /* psubusb */
	ASSERT_EQ(0x00007f0102030405ull, X(cpu, 0, 0));
	sse_test_set_xmm(cpu, 0, 0x0001000200030004ull, 0x7fff7fff80008000ull);
	sse_test_set_xmm(cpu, 1, 0x0005000600070008ull, 0x7fff7fff80008000ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xf5, 0xc1)); /* pmaddwd */
	ASSERT_EQ(((uint64_t)(5 + 12) << 32) | (21 + 32), X(cpu, 0, 0));
	ASSERT_EQ(0x7ffe000280000000ull, X(cpu, 0, 1)); /* (-32768)^2 * 2 wraps */
	sse_test_set_xmm(cpu, 0, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
	sse_test_set_xmm(cpu, 1, 0x000102030405060full, 0x8080808080808080ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x38, 0x00, 0xc1)); /* pshufb */
	ASSERT_EQ(0x000102030405060full, X(cpu, 0, 0));
	ASSERT_EQ(0, X(cpu, 0, 1));
	sse_test_set_xmm(cpu, 0, 0x00ff0100ff7f8000ull, 0x0000000000000000ull);
	sse_test_set_xmm(cpu, 1, 0, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x63, 0xc1)); /* packsswb */
	ASSERT_EQ(0x7f7f8080ull, X(cpu, 0, 0)); /* -32768, -129, 256, 255 */
	sse_test_set_xmm(cpu, 0, 0x8000400020001000ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x71, 0xe0, 0x03)); /* psraw xmm0, 3 */
	ASSERT_EQ(0xf000080004000200ull, X(cpu, 0, 0));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x73, 0xf8, 0x04)); /* pslldq xmm0, 4 */
	ASSERT_EQ(0x0400020000000000ull, X(cpu, 0, 0));
	ASSERT_EQ(0xf0000800ull, X(cpu, 0, 1));
	sse_test_set_xmm(cpu, 1, 0x1111111122222222ull, 0x3333333344444444ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x70, 0xc1, 0x1b)); /* pshufd 0x1b */
	ASSERT_EQ(0x2222222211111111ull, X(cpu, 0, 1));
	ASSERT_EQ(0x4444444433333333ull, X(cpu, 0, 0));
	sse_test_set_xmm(cpu, 0, 0x8000000000000080ull, 0x00000000000000ffull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xd7, 0xc0)); /* pmovmskb eax, xmm0 */
	ASSERT_EQ(0x0181, cpu->gpr[R_RAX]);
	sse_test_set_xmm(cpu, 0, 0x4444333322221111ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xc5, 0xc0, 0x03)); /* pextrw eax, xmm0, 3 */
	ASSERT_EQ(0x4444, cpu->gpr[R_RAX]);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xc4, 0xc0, 0x05)); /* pinsrw xmm0, eax, 5 */
	ASSERT_EQ(0x44440000ull, X(cpu, 0, 1));
	sse_test_set_xmm(cpu, 0, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
	sse_test_set_xmm(cpu, 1, 0x1716151413121110ull, 0x1f1e1d1c1b1a1918ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x05)); /* palignr 5 */
	ASSERT_EQ(0x1c1b1a1918171615ull, X(cpu, 0, 0));
	ASSERT_EQ(0x04030201001f1e1dull, X(cpu, 0, 1));
	sse_test_set_xmm(cpu, 0, 0xf0, 0);
	sse_test_set_xmm(cpu, 1, 0x0f, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x38, 0x17, 0xc1)); /* ptest */
	ASSERT_EQ(RFLAGS_ZF, flags_read(cpu) & RFLAGS_ARITH);
	sse_test_set_xmm(cpu, 0, 0xfffffffe00000005ull, 0x7fffffff80000000ull);
	sse_test_set_xmm(cpu, 1, 0x00000001fffffffbull, 0x8000000000000003ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x38, 0x39, 0xc1)); /* pminsd */
	ASSERT_EQ(0xfffffffefffffffbull, X(cpu, 0, 0));
	ASSERT_EQ(0x8000000080000000ull, X(cpu, 0, 1));
	sse_test_set_xmm(cpu, 1, 0x00000000000080ffull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x38, 0x20, 0xc1)); /* pmovsxbw */
	ASSERT_EQ(0x00000000ff80ffffull, X(cpu, 0, 0));
	insn_test_free(cpu);
}

static uint32_t f32(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static uint64_t f64(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

TEST(sse, fp_arith_and_nan_rules)
{
	struct cpu *cpu = sse_test_cpu();

	sse_test_set_xmm(cpu, 0, ((uint64_t)f32(2.5f) << 32) | f32(1.0f), 0x7fc00001ull << 32 | f32(-0.0f));
	sse_test_set_xmm(cpu, 1, ((uint64_t)f32(0.5f) << 32) | f32(2.0f), 0x7fc00002ull << 32 | f32(0.0f));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x58, 0xc1)); /* addps */
	ASSERT_EQ(((uint64_t)f32(3.0f) << 32) | f32(3.0f), X(cpu, 0, 0));
	ASSERT_EQ(0x7fc00001ull << 32 | f32(0.0f), X(cpu, 0, 1)); /* first QNaN wins */
	ASSERT_EQ(MXCSR_RESET, cpu->simd.mxcsr);
	/* SNaN in the second operand only: quietened, IE. */
	sse_test_set_xmm(cpu, 0, f32(1.0f), 0);
	sse_test_set_xmm(cpu, 1, 0xff800123ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x59, 0xc1)); /* mulss */
	ASSERT_EQ(0xffc00123ull, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr);
	/* inf - inf: default NaN (negative QNaN indefinite), IE. */
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, f64(__builtin_inf()), 5);
	sse_test_set_xmm(cpu, 1, f64(-__builtin_inf()), 6);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf2, 0x0f, 0x58, 0xc1)); /* addsd */
	ASSERT_EQ(0xfff8000000000000ull, X(cpu, 0, 0));
	ASSERT_EQ(5, X(cpu, 0, 1));
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr);
	/* 1/0: +inf and ZE; 1/3: PE. */
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, f32(1.0f), 0);
	sse_test_set_xmm(cpu, 1, f32(0.0f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x5e, 0xc1)); /* divss */
	ASSERT_EQ(0x7f800000ull, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_ZE, cpu->simd.mxcsr);
	/* MIN/MAX: NaN or both zero → the second operand. */
	sse_test_set_xmm(cpu, 0, f32(-0.0f), 0);
	sse_test_set_xmm(cpu, 1, f32(0.0f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x5d, 0xc1)); /* minss */
	ASSERT_EQ(f32(0.0f), X(cpu, 0, 0));
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, 0x7fc00000ull, 0);
	sse_test_set_xmm(cpu, 1, f32(7.0f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x5f, 0xc1)); /* maxss */
	ASSERT_EQ(f32(7.0f), X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr);
	/* Denormal operand: DE; with DAZ treated as zero and no DE. */
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, 1, 0);
	sse_test_set_xmm(cpu, 1, f32(1.0f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x59, 0xc1)); /* mulss */
	ASSERT_EQ(1, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_DE, cpu->simd.mxcsr);
	cpu->simd.mxcsr = MXCSR_RESET | MXCSR_DAZ;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x59, 0xc1));
	ASSERT_EQ(0, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_DAZ, cpu->simd.mxcsr);
	/* FTZ: a tiny result becomes zero with UE and PE. */
	cpu->simd.mxcsr = MXCSR_RESET | MXCSR_FZ;
	sse_test_set_xmm(cpu, 0, f32(0x1p-100f), 0);
	sse_test_set_xmm(cpu, 1, f32(0x1p-30f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x59, 0xc1));
	ASSERT_EQ(0, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | MXCSR_FZ | MXCSR_UE | MXCSR_PE, cpu->simd.mxcsr);
	/* Rounding control: 1 + 2^-30 rounds up under RC = up. */
	cpu->simd.mxcsr = MXCSR_RESET | (2u << MXCSR_RC_SHIFT);
	sse_test_set_xmm(cpu, 0, f32(1.0f), 0);
	sse_test_set_xmm(cpu, 1, f32(0x1p-30f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x58, 0xc1));
	ASSERT_EQ(f32(1.0f) + 1, X(cpu, 0, 0));
	ASSERT_EQ(MXCSR_RESET | (2u << MXCSR_RC_SHIFT) | MXCSR_PE, cpu->simd.mxcsr);
	insn_test_free(cpu);
}

TEST(sse, fp_exceptions_unmasked)
{
	struct cpu *cpu = sse_test_cpu();

	/* ZE unmasked: #XM, destination unchanged, ZE set. */
	cpu->simd.mxcsr = MXCSR_RESET & ~(MXCSR_ZE << MXCSR_MASK_SHIFT);
	sse_test_set_xmm(cpu, 0, f32(1.0f), 0);
	sse_test_set_xmm(cpu, 1, 0, 0);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xf3, 0x0f, 0x5e, 0xc1));
	ASSERT_EQ(VEC_XM, cpu->fault.vector);
	ASSERT_EQ(f32(1.0f), X(cpu, 0, 0));
	ASSERT_TRUE(cpu->simd.mxcsr & MXCSR_ZE);
	/* Without CR4.OSXMMEXCPT the same exception is #UD. */
	cpu->cr4 &= ~CR4_OSXMMEXCPT;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xf3, 0x0f, 0x5e, 0xc1));
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	cpu->cr4 |= CR4_OSXMMEXCPT;
	/* PE unmasked: post-computation, still #XM with the destination unchanged. */
	cpu->simd.mxcsr = MXCSR_RESET & ~(MXCSR_PE << MXCSR_MASK_SHIFT);
	sse_test_set_xmm(cpu, 1, f32(3.0f), 0);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0xf3, 0x0f, 0x5e, 0xc1));
	ASSERT_EQ(VEC_XM, cpu->fault.vector);
	ASSERT_EQ(f32(1.0f), X(cpu, 0, 0));
	ASSERT_TRUE(cpu->simd.mxcsr & MXCSR_PE);
	/* cvttss2si: out of range → 0x80000000 and IE (masked). */
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 1, f32(3e9f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x0f, 0x2c, 0xc1));
	ASSERT_EQ(0x80000000ull, cpu->gpr[R_RAX]);
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr);
	sse_test_set_xmm(cpu, 1, f32(-2.5f), 0);
	cpu->simd.mxcsr = MXCSR_RESET;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf3, 0x48, 0x0f, 0x2d, 0xc1)); /* cvtss2si rax: even */
	ASSERT_EQ((uint64_t)-2, cpu->gpr[R_RAX]);
	ASSERT_EQ(MXCSR_RESET | MXCSR_PE, cpu->simd.mxcsr);
	insn_test_free(cpu);
}

TEST(sse, compare)
{
	struct cpu *cpu = sse_test_cpu();

	sse_test_set_xmm(cpu, 0, ((uint64_t)f32(2.0f) << 32) | f32(1.0f), 0x7fc00000ull);
	sse_test_set_xmm(cpu, 1, ((uint64_t)f32(1.0f) << 32) | f32(2.0f), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xc2, 0xc1, 0x01)); /* cmpltps */
	ASSERT_EQ(0x00000000ffffffffull, X(cpu, 0, 0));
	ASSERT_EQ(0, X(cpu, 0, 1));
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr); /* LT signals on QNaN */
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, 0x7ff8000000000000ull, 9);
	sse_test_set_xmm(cpu, 1, f64(1.0), 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf2, 0x0f, 0xc2, 0xc1, 0x03)); /* cmpunordsd */
	ASSERT_EQ(~0ull, X(cpu, 0, 0));
	ASSERT_EQ(9, X(cpu, 0, 1));
	ASSERT_EQ(MXCSR_RESET, cpu->simd.mxcsr);
	/* comiss: less → CF; unordered → ZF PF CF and IE (QNaN, signaling form). */
	sse_test_set_xmm(cpu, 0, f32(1.0f), 0);
	sse_test_set_xmm(cpu, 1, f32(2.0f), 0);
	flags_set_arith(cpu, RFLAGS_OF | RFLAGS_SF | RFLAGS_AF);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x2f, 0xc1));
	ASSERT_EQ(RFLAGS_CF, flags_read(cpu) & RFLAGS_ARITH);
	sse_test_set_xmm(cpu, 1, 0x7fc00000ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x2f, 0xc1));
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF, flags_read(cpu) & RFLAGS_ARITH);
	ASSERT_EQ(MXCSR_RESET | MXCSR_IE, cpu->simd.mxcsr);
	cpu->simd.mxcsr = MXCSR_RESET;
	sse_test_set_xmm(cpu, 0, f64(3.0), 0);
	sse_test_set_xmm(cpu, 1, 0x7ff8000000000000ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x2e, 0xc1)); /* ucomisd: QNaN quiet */
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF, flags_read(cpu) & RFLAGS_ARITH);
	ASSERT_EQ(MXCSR_RESET, cpu->simd.mxcsr);
	insn_test_free(cpu);
}

TEST(sse, ud_nm_rules)
{
	struct cpu *cpu = sse_test_cpu();

	cpu->cr4 &= ~CR4_OSFXSR;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0x58, 0xc1)); /* addps: #UD */
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xfc, 0xc1)); /* paddb mm: MMX ignores OSFXSR */
	cpu->cr4 |= CR4_OSFXSR;
	cpu->cr0 |= CR0_TS;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x66, 0x0f, 0xfc, 0xc1)); /* paddb xmm: #NM */
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0x77)); /* emms: #NM */
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	cpu->cr0 |= CR0_EM;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x66, 0x0f, 0xfc, 0xc1)); /* EM: #UD before #NM */
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xfc, 0xc1));
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	cpu->cr0 &= ~(CR0_EM | CR0_TS);
	/* LDMXCSR: reserved bit 16 → #GP(0); STMXCSR. */
	cpu->gpr[R_RAX] = DATA;
	insn_test_poke(cpu, DATA, 4, 0x10000 | MXCSR_RESET);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x10));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	insn_test_poke(cpu, DATA, 4, 0x7f80 | MXCSR_DAZ);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x10));
	ASSERT_EQ(0x7f80u | MXCSR_DAZ, cpu->simd.mxcsr);
	cpu->gpr[R_RAX] = DATA + 4;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x18));
	ASSERT_EQ(0x7f80u | MXCSR_DAZ, insn_test_peek(cpu, DATA + 4, 4));
	insn_test_free(cpu);
}

TEST(sse, fxsave_fxrstor)
{
	struct cpu *cpu = sse_test_cpu();

	/* TOP = 6; R6 = ST0 valid, R7 = ST1 zero, others empty. */
	cpu->x87.fsw = 6u << 11;
	cpu->x87.signif[6] = 0x8000000000000000ull;
	cpu->x87.sign_exp[6] = 0x3fff;
	cpu->x87.signif[7] = 0;
	cpu->x87.sign_exp[7] = 0;
	cpu->x87.ftw = 0x4fff; /* R7 01 (zero), R6 00 (valid), R0..R5 11 */
	cpu->x87.fip = 0x123456789aull;
	cpu->x87.fcs = 0x33;
	cpu->simd.mxcsr = 0x1f80 | MXCSR_PE;
	for (unsigned i = 0; i < 16; i++)
		sse_test_set_xmm(cpu, i, 0x100 + i, 0x200 + i);
	cpu->gpr[R_RAX] = DATA + 8;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x00)); /* misaligned: #GP(0) */
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	cpu->gpr[R_RAX] = DATA;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x00)); /* fxsave (32-bit FIP format) */
	ASSERT_EQ(0x1f80 | MXCSR_PE, insn_test_peek(cpu, DATA + 24, 4));
	ASSERT_EQ(0xffff, insn_test_peek(cpu, DATA + 28, 4));
	ASSERT_EQ(0xc0, insn_test_peek(cpu, DATA + 4, 1)); /* abridged: R6, R7 */
	ASSERT_EQ(0x3456789a, insn_test_peek(cpu, DATA + 8, 4));
	ASSERT_EQ(0x33, insn_test_peek(cpu, DATA + 12, 2));
	ASSERT_EQ(0x3fff, insn_test_peek(cpu, DATA + 32 + 8, 2)); /* ST0 = R6 */
	ASSERT_EQ(0x10f, insn_test_peek(cpu, DATA + 160 + 15 * 16, 8));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x48, 0x0f, 0xae, 0x00)); /* fxsave64 */
	ASSERT_EQ(0x123456789aull, insn_test_peek(cpu, DATA + 8, 8));
	memset(&cpu->x87, 0, sizeof(cpu->x87));
	memset(cpu->simd.ymm, 0, sizeof(cpu->simd.ymm));
	cpu->simd.mxcsr = 0;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x48, 0x0f, 0xae, 0x08)); /* fxrstor64 */
	ASSERT_EQ(0x4fff, cpu->x87.ftw); /* recomputed from the contents */
	ASSERT_EQ(0x3fff, cpu->x87.sign_exp[6]);
	ASSERT_EQ(0x123456789aull, cpu->x87.fip);
	ASSERT_EQ(0x1f80 | MXCSR_PE, cpu->simd.mxcsr);
	ASSERT_EQ(0x20c, X(cpu, 12, 1));
	insn_test_poke(cpu, DATA + 24, 4, 0x10000);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x08)); /* reserved MXCSR bit: #GP */
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	cpu->cr0 |= CR0_EM;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x00)); /* EM: #NM for FXSAVE */
	ASSERT_EQ(VEC_NM, cpu->fault.vector);
	insn_test_free(cpu);
}

TEST(sse, xsave_xrstor)
{
	struct cpu *cpu = sse_test_cpu();

	cpu->gpr[R_RCX] = DATA + 0x100; /* 64-byte aligned */
	cpu->gpr[R_RAX] = 3;
	cpu->gpr[R_RDX] = 0;
	cpu->simd.mxcsr = 0x1f80 | MXCSR_DAZ;
	sse_test_set_xmm(cpu, 3, 0x33, 0x333);
	cpu->x87.fcw = 0x27f;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x21)); /* xsave [rcx] */
	ASSERT_EQ(3, insn_test_peek(cpu, DATA + 0x100 + 512, 8));
	ASSERT_EQ(0x27f, insn_test_peek(cpu, DATA + 0x100, 2));
	ASSERT_EQ(0x333, insn_test_peek(cpu, DATA + 0x100 + 160 + 3 * 16 + 8, 8));
	/* Restore SSE with XSTATE_BV[1] = 0: XMM initialised, MXCSR loaded. */
	sse_test_set_xmm(cpu, 3, 1, 1);
	cpu->simd.mxcsr = MXCSR_RESET;
	insn_test_poke(cpu, DATA + 0x100 + 512, 8, 1);
	cpu->gpr[R_RAX] = 2;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x29)); /* xrstor [rcx] */
	ASSERT_EQ(0, X(cpu, 3, 0));
	ASSERT_EQ(0x1f80 | MXCSR_DAZ, cpu->simd.mxcsr);
	/* XSTATE_BV bit outside XCR0: #GP(0); XCOMP_BV nonzero in the standard form: #GP. */
	insn_test_poke(cpu, DATA + 0x100 + 512, 8, 8);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x29));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	insn_test_poke(cpu, DATA + 0x100 + 512, 8, 3);
	insn_test_poke(cpu, DATA + 0x100 + 520, 8, 1);
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x29));
	insn_test_poke(cpu, DATA + 0x100 + 520, 8, 0);
	/* XSAVEC: compacted header. */
	cpu->gpr[R_RAX] = 7;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xc7, 0x21));
	ASSERT_EQ(0x8000000000000007ull, insn_test_peek(cpu, DATA + 0x100 + 520, 8));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x29)); /* xrstor of the compacted image */
	/* Misaligned: #GP; CR4.OSXSAVE = 0: #UD. */
	cpu->gpr[R_RCX] = DATA + 0x110;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x21));
	ASSERT_EQ(VEC_GP, cpu->fault.vector);
	cpu->cr4 &= ~CR4_OSXSAVE;
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xae, 0x21));
	ASSERT_EQ(VEC_UD, cpu->fault.vector);
	insn_test_free(cpu);
}

TEST(sse, sse42_strings_crc32)
{
	struct cpu *cpu = sse_test_cpu();

	/* pcmpistri equal-ordered: "lo" in "hello\0" → index 3. */
	sse_test_set_xmm(cpu, 0, 0x6f6c, 0);
	sse_test_set_xmm(cpu, 1, 0x6f6c6c6568ull, 0);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x0c));
	ASSERT_EQ(3, cpu->gpr[R_RCX]);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF | RFLAGS_SF, flags_read(cpu) & RFLAGS_ARITH);
	/* pcmpestri equal-any, lengths 2 and 5: first of 'l','o' in "hello" → 2. */
	cpu->gpr[R_RAX] = 2;
	cpu->gpr[R_RDX] = 5;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x3a, 0x61, 0xc1, 0x00));
	ASSERT_EQ(2, cpu->gpr[R_RCX]);
	/* pcmpestrm, byte mask expanded: elements 2, 3, 4. */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0x3a, 0x60, 0xc1, 0x40));
	ASSERT_EQ(0x000000ffffff0000ull, X(cpu, 0, 0));
	/* CRC32C of "123456789" is E3069283h. */
	const char *s = "123456789";
	uint32_t crc = ~0u;
	cpu->gpr[R_RCX] = DATA;
	for (unsigned i = 0; i < 9; i++) {
		insn_test_poke(cpu, DATA, 1, (uint8_t)s[i]);
		cpu->gpr[R_RAX] = crc;
		ASSERT_EQ(EXEC_OK, RUN(cpu, 0xf2, 0x0f, 0x38, 0xf0, 0x01));
		crc = (uint32_t)cpu->gpr[R_RAX];
	}
	ASSERT_EQ(0xe3069283u, ~crc);
	insn_test_free(cpu);
}

TEST(sse, mmx)
{
	struct cpu *cpu = sse_test_cpu();

	cpu->x87.signif[0] = 0x01020304050607ffull;
	cpu->x87.signif[1] = 0x0101010101010101ull;
	cpu->x87.fsw = 3u << 11;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xfc, 0xc1)); /* paddb mm0, mm1 */
	ASSERT_EQ(0x0203040506070800ull, cpu->x87.signif[0]);
	ASSERT_EQ(0xffff, cpu->x87.sign_exp[0]);
	ASSERT_EQ(0, cpu->x87.ftw);               /* all valid */
	ASSERT_EQ(0, cpu->x87.fsw & (7u << 11));  /* TOP = 0 */
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x70, 0xc1, 0x1b)); /* pshufw */
	ASSERT_EQ(0x0101010101010101ull, cpu->x87.signif[0]);
	cpu->gpr[R_RAX] = DATA + 3; /* MMX memory operands need no alignment */
	insn_test_poke(cpu, DATA + 3, 8, 0x1122334455667788ull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x6f, 0x00)); /* movq mm0, [rax] */
	ASSERT_EQ(0x1122334455667788ull, cpu->x87.signif[0]);
	cpu->x87.signif[1] = ((uint64_t)3 << 32) | (uint32_t)-2;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x2a, 0xc1)); /* cvtpi2ps xmm0, mm1 */
	ASSERT_EQ(((uint64_t)f32(3.0f) << 32) | f32(-2.0f), X(cpu, 0, 0));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x77)); /* emms */
	ASSERT_EQ(0xffff, cpu->x87.ftw);
	cpu->x87.fsw |= FSW_ES; /* pending x87 exception: #MF with CR0.NE */
	ASSERT_EQ(EXEC_FAULT, RUN(cpu, 0x0f, 0xfc, 0xc1));
	ASSERT_EQ(VEC_MF, cpu->fault.vector);
	ASSERT_EQ(0xffff, cpu->x87.ftw); /* nothing changed */
	insn_test_free(cpu);
}

TEST(sse, protected_mode_32bit)
{
	struct cpu *cpu = insn_test_cpu(MODE_PROT32);

	cpu->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	cpu->simd.mxcsr = MXCSR_RESET;
	cpu->x87.fcw = 0x37f;
	cpu->x87.ftw = 0xffff;
	cpu->x87.fip = 0x1234567812345678ull;
	insn_test_poke(cpu, DATA, 8, 0x0102030405060708ull);
	insn_test_poke(cpu, DATA + 8, 8, 0x1112131415161718ull);
	cpu->gpr[R_RAX] = DATA;
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0x28, 0x38)); /* movaps xmm7, [eax] */
	ASSERT_EQ(0x1112131415161718ull, X(cpu, 7, 1));
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x66, 0x0f, 0xd4, 0xf8)); /* paddq xmm7, xmm0 */
	sse_test_set_xmm(cpu, 8, 0xdead, 0xbeef); /* not visible outside 64-bit mode */
	cpu->gpr[R_RAX] = DATA + 0x200;
	insn_test_poke(cpu, DATA + 0x200 + 288, 8, 0x5a5a5a5a5a5a5a5aull);
	ASSERT_EQ(EXEC_OK, RUN(cpu, 0x0f, 0xae, 0x00)); /* fxsave [eax] */
	ASSERT_EQ(0x12345678, insn_test_peek(cpu, DATA + 0x200 + 8, 4));
	ASSERT_EQ(0, insn_test_peek(cpu, DATA + 0x200 + 12, 4)); /* FCS, reserved */
	ASSERT_EQ(0x1112131415161718ull, insn_test_peek(cpu, DATA + 0x200 + 160 + 7 * 16 + 8, 8));
	ASSERT_EQ(0x5a5a5a5a5a5a5a5aull, insn_test_peek(cpu, DATA + 0x200 + 288, 8)); /* XMM8 slot */
	insn_test_free(cpu);
}
