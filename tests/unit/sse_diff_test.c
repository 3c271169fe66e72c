/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the SSE floating-point handlers against the host CPU (x86-64
 * hosts only): each instruction below runs natively (inline assembly, between two
 * labels whose bytes are also fed to the decoder) and through insn_sse_fp.c on the same
 * operands — signed zeros, infinities, QNaN/SNaN with payloads, denormals, extreme
 * normals and random bits — under every rounding mode with DAZ and FTZ off and on, and
 * compares XMM0, RAX, RCX, MXCSR and (where the instruction sets them) the arithmetic
 * flags. Integer, SSE4.2 string and MMX forms (as MOVDQ2Q … MOVQ2DQ sequences) too. Exceptions stay
 * masked (an unmasked one would be SIGFPE natively). RCPPS/RSQRTPS are left out: their
 * approximations are model-specific.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

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
	uint64_t rax, rcx, rdx;
	uint32_t mxcsr;
	uint16_t flags; /* AH from LAHF (SF ZF AF PF CF) << 8 | OF */
};

/*
 * One instruction, run natively with XMM0, XMM1, RAX and MXCSR from the state; its
 * bytes lie between <name>_begin and <name>_end.
 */
#define NATIVE(name, text)                                                                 \
	extern const uint8_t name##_begin[], name##_end[];                                \
	__attribute__((noinline, noclone)) static void name##_native(struct native_state *s) \
	{                                                                                  \
		uint32_t saved;                                                            \
		asm volatile("stmxcsr %[sv]\n\t"                                           \
			     "ldmxcsr %[m]\n\t"                                            \
			     "movdqu %[a], %%xmm0\n\t"                                     \
			     "movdqu %[b], %%xmm1\n\t"                                     \
			     "mov %[r], %%rax\n\t"                                         \
			     "mov %[c], %%rcx\n\t"                                         \
			     "mov %[d], %%rdx\n\t"                                         \
			     ".globl " #name "_begin\n" #name "_begin:\n\t" text "\n"      \
			     ".globl " #name "_end\n" #name "_end:\n\t"                    \
			     "stmxcsr %[m]\n\t"                                            \
			     "ldmxcsr %[sv]\n\t"                                           \
			     "movdqu %%xmm0, %[a]\n\t"                                     \
			     "mov %%rax, %[r]\n\t"                                         \
			     "mov %%rcx, %[c]\n\t"                                         \
			     "lahf\n\t"                                                    \
			     "seto %%al\n\t"                                               \
			     "mov %%ax, %[f]\n\t"                                          \
			     : [a] "+m"(s->x0), [m] "+m"(s->mxcsr), [r] "+m"(s->rax),      \
			       [c] "+m"(s->rcx), [f] "=m"(s->flags), [sv] "=m"(saved)      \
			     : [b] "m"(s->x1), [d] "m"(s->rdx)                             \
			     : "rax", "rcx", "rdx", "xmm0", "xmm1", "cc", "memory");      \
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

NATIVE(d_pmulhuw, "pmulhuw %%xmm1, %%xmm0")
NATIVE(d_pmulhw, "pmulhw %%xmm1, %%xmm0")
NATIVE(d_pmuludq, "pmuludq %%xmm1, %%xmm0")
NATIVE(d_pmaddwd, "pmaddwd %%xmm1, %%xmm0")
NATIVE(d_psadbw, "psadbw %%xmm1, %%xmm0")
NATIVE(d_packssdw, "packssdw %%xmm1, %%xmm0")
NATIVE(d_packuswb, "packuswb %%xmm1, %%xmm0")
NATIVE(d_pavgb, "pavgb %%xmm1, %%xmm0")
NATIVE(d_paddsw, "paddsw %%xmm1, %%xmm0")
NATIVE(d_psubusw, "psubusw %%xmm1, %%xmm0")
NATIVE(d_pcmpgtd, "pcmpgtd %%xmm1, %%xmm0")
NATIVE(d_punpckhbw, "punpckhbw %%xmm1, %%xmm0")
NATIVE(d_punpcklqdq, "punpcklqdq %%xmm1, %%xmm0")
NATIVE(d_pshufhw, "pshufhw $0x4e, %%xmm1, %%xmm0")
NATIVE(d_shufps, "shufps $0x9c, %%xmm1, %%xmm0")
NATIVE(d_psraw, "psraw %%xmm1, %%xmm0")
NATIVE(d_psrad_i, "psrad $9, %%xmm0")
NATIVE(d_psllq, "psllq %%xmm1, %%xmm0")
NATIVE(d_psrldq, "psrldq $5, %%xmm0")
NATIVE(d_pmovmskb, "pmovmskb %%xmm1, %%eax")
NATIVE(d_pextrw, "pextrw $5, %%xmm1, %%eax")
NATIVE(d_pinsrw, "pinsrw $6, %%eax, %%xmm0")
NATIVE(d_movmskpd, "movmskpd %%xmm1, %%eax")
NATIVE(d_pshufb, "pshufb %%xmm1, %%xmm0")
NATIVE(d_phaddsw, "phaddsw %%xmm1, %%xmm0")
NATIVE(d_phsubd, "phsubd %%xmm1, %%xmm0")
NATIVE(d_pmaddubsw, "pmaddubsw %%xmm1, %%xmm0")
NATIVE(d_pmulhrsw, "pmulhrsw %%xmm1, %%xmm0")
NATIVE(d_psignb, "psignb %%xmm1, %%xmm0")
NATIVE(d_pabsw, "pabsw %%xmm1, %%xmm0")
NATIVE(d_palignr, "palignr $7, %%xmm1, %%xmm0")
NATIVE(d_packusdw, "packusdw %%xmm1, %%xmm0")
NATIVE(d_pminud, "pminud %%xmm1, %%xmm0")
NATIVE(d_pmaxsb, "pmaxsb %%xmm1, %%xmm0")
NATIVE(d_pmuldq, "pmuldq %%xmm1, %%xmm0")
NATIVE(d_pmulld, "pmulld %%xmm1, %%xmm0")
NATIVE(d_mpsadbw, "mpsadbw $5, %%xmm1, %%xmm0")
NATIVE(d_phminposuw, "phminposuw %%xmm1, %%xmm0")
NATIVE(d_pblendw, "pblendw $0xa5, %%xmm1, %%xmm0")
NATIVE(d_blendvps, "blendvps %%xmm1, %%xmm0")
NATIVE(d_ptest, "ptest %%xmm1, %%xmm0")
NATIVE(d_pextrb, "pextrb $9, %%xmm1, %%eax")
NATIVE(d_pinsrd, "pinsrd $2, %%eax, %%xmm0")
NATIVE(d_insertps, "insertps $0x9c, %%xmm1, %%xmm0")
NATIVE(d_extractps, "extractps $2, %%xmm1, %%eax")
NATIVE(d_pmovzxwq, "pmovzxwq %%xmm1, %%xmm0")
NATIVE(d_pmovsxbd, "pmovsxbd %%xmm1, %%xmm0")
NATIVE(d_pcmpeqq, "pcmpeqq %%xmm1, %%xmm0")
NATIVE(d_pcmpgtq, "pcmpgtq %%xmm1, %%xmm0")
NATIVE(d_crc32b, "crc32b %%cl, %%eax")
NATIVE(d_crc32q, "crc32q %%rcx, %%rax")
NATIVE(d_crc32w, "crc32w %%cx, %%eax")
NATIVE(d_pcmpestri00, "pcmpestri $0x00, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri00, "pcmpistri $0x00, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri04, "pcmpestri $0x04, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri04, "pcmpistri $0x04, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri08, "pcmpestri $0x08, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri08, "pcmpistri $0x08, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri0c, "pcmpestri $0x0c, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri0c, "pcmpistri $0x0c, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri14, "pcmpestri $0x14, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri14, "pcmpistri $0x14, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri34, "pcmpestri $0x34, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri34, "pcmpistri $0x34, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri40, "pcmpestri $0x40, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri40, "pcmpistri $0x40, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri01, "pcmpestri $0x01, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri01, "pcmpistri $0x01, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri05, "pcmpestri $0x05, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri05, "pcmpistri $0x05, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri0d, "pcmpestri $0x0d, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri0d, "pcmpistri $0x0d, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri4a, "pcmpestri $0x4a, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri4a, "pcmpistri $0x4a, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri3e, "pcmpestri $0x3e, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri3e, "pcmpistri $0x3e, %%xmm1, %%xmm0")
NATIVE(d_pcmpestri07, "pcmpestri $0x07, %%xmm1, %%xmm0")
NATIVE(d_pcmpistri07, "pcmpistri $0x07, %%xmm1, %%xmm0")
NATIVE(d_pcmpestrm40, "pcmpestrm $0x40, %%xmm1, %%xmm0")
NATIVE(d_pcmpistrm40, "pcmpistrm $0x40, %%xmm1, %%xmm0")
NATIVE(d_pcmpestrm00, "pcmpestrm $0x00, %%xmm1, %%xmm0")
NATIVE(d_pcmpistrm00, "pcmpistrm $0x00, %%xmm1, %%xmm0")
NATIVE(d_pcmpestrm44, "pcmpestrm $0x44, %%xmm1, %%xmm0")
NATIVE(d_pcmpistrm44, "pcmpistrm $0x44, %%xmm1, %%xmm0")
NATIVE(d_pcmpestrm09, "pcmpestrm $0x09, %%xmm1, %%xmm0")
NATIVE(d_pcmpistrm09, "pcmpistrm $0x09, %%xmm1, %%xmm0")
NATIVE(d_pcmpestrm58, "pcmpestrm $0x58, %%xmm1, %%xmm0")
NATIVE(d_pcmpistrm58, "pcmpistrm $0x58, %%xmm1, %%xmm0")

NATIVE(d_mmx_paddb, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpaddb %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psubusw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsubusw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmulhw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmulhw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmaddwd, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmaddwd %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psadbw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsadbw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_packsswb, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpacksswb %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_punpckhbw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpunpckhbw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_punpckldq, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpunpckldq %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pavgw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpavgw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pminub, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpminub %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pcmpgtw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpcmpgtw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmuludq, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmuludq %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psraw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsraw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psrlq, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsrlq %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_paddsb, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpaddsb %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmulhuw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmulhuw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pshufb, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpshufb %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_phaddw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tphaddw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_phsubsw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tphsubsw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psignw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsignw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmulhrsw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmulhrsw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pabsd, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpabsd %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmaddubsw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmaddubsw %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pshufw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpshufw $0x93, %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_palignr, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpalignr $3, %%mm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_psllq_i, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpsllq $9, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pextrw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpextrw $2, %%mm1, %%eax\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pinsrw, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpinsrw $3, %%eax, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_pmovmskb, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tpmovmskb %%mm1, %%eax\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_movd, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tmovd %%eax, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_movd_out, "movdq2q %%xmm0, %%mm0\n\tmovdq2q %%xmm1, %%mm1\n\tmovd %%mm1, %%eax\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_cvtpi2ps, "movdq2q %%xmm1, %%mm1\n\tcvtpi2ps %%mm1, %%xmm0\n\temms")
NATIVE(d_mmx_cvtps2pi, "cvtps2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")
NATIVE(d_mmx_cvttpd2pi, "cvttpd2pi %%xmm1, %%mm0\n\tmovq2dq %%mm0, %%xmm0\n\temms")

enum feature { F_SSE2, F_SSE3, F_SSSE3, F_SSE41, F_SSE42 };

struct diff_op {
	const char *name;
	void (*native)(struct native_state *);
	const uint8_t *begin, *end;
	unsigned sz;        /* operands: 4/8 floating point, 1 integers, 2 strings */
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
	OP(mmx_paddb, 1, false, F_SSE2),
	OP(mmx_psubusw, 1, false, F_SSE2),
	OP(mmx_pmulhw, 1, false, F_SSE2),
	OP(mmx_pmaddwd, 1, false, F_SSE2),
	OP(mmx_psadbw, 1, false, F_SSE2),
	OP(mmx_packsswb, 1, false, F_SSE2),
	OP(mmx_punpckhbw, 1, false, F_SSE2),
	OP(mmx_punpckldq, 1, false, F_SSE2),
	OP(mmx_pavgw, 1, false, F_SSE2),
	OP(mmx_pminub, 1, false, F_SSE2),
	OP(mmx_pcmpgtw, 1, false, F_SSE2),
	OP(mmx_pmuludq, 1, false, F_SSE2),
	OP(mmx_psraw, 1, false, F_SSE2),
	OP(mmx_psrlq, 1, false, F_SSE2),
	OP(mmx_paddsb, 1, false, F_SSE2),
	OP(mmx_pmulhuw, 1, false, F_SSE2),
	OP(mmx_pshufb, 1, false, F_SSSE3),
	OP(mmx_phaddw, 1, false, F_SSSE3),
	OP(mmx_phsubsw, 1, false, F_SSSE3),
	OP(mmx_psignw, 1, false, F_SSSE3),
	OP(mmx_pmulhrsw, 1, false, F_SSSE3),
	OP(mmx_pabsd, 1, false, F_SSSE3),
	OP(mmx_pmaddubsw, 1, false, F_SSSE3),
	OP(mmx_pshufw, 1, false, F_SSE2),
	OP(mmx_palignr, 1, false, F_SSSE3),
	OP(mmx_psllq_i, 1, false, F_SSE2),
	OP(mmx_pextrw, 1, false, F_SSE2),
	OP(mmx_pinsrw, 1, false, F_SSE2),
	OP(mmx_pmovmskb, 1, false, F_SSE2),
	OP(mmx_movd, 1, false, F_SSE2),
	OP(mmx_movd_out, 1, false, F_SSE2),
	OP(mmx_cvtpi2ps, 1, false, F_SSE2), OP(mmx_cvtps2pi, 4, false, F_SSE2), OP(mmx_cvttpd2pi, 8, false, F_SSE2),
	OP(pmulhuw, 1, false, F_SSE2),
	OP(pmulhw, 1, false, F_SSE2),
	OP(pmuludq, 1, false, F_SSE2),
	OP(pmaddwd, 1, false, F_SSE2),
	OP(psadbw, 1, false, F_SSE2),
	OP(packssdw, 1, false, F_SSE2),
	OP(packuswb, 1, false, F_SSE2),
	OP(pavgb, 1, false, F_SSE2),
	OP(paddsw, 1, false, F_SSE2),
	OP(psubusw, 1, false, F_SSE2),
	OP(pcmpgtd, 1, false, F_SSE2),
	OP(punpckhbw, 1, false, F_SSE2),
	OP(punpcklqdq, 1, false, F_SSE2),
	OP(pshufhw, 1, false, F_SSE2),
	OP(shufps, 1, false, F_SSE2),
	OP(psraw, 1, false, F_SSE2),
	OP(psrad_i, 1, false, F_SSE2),
	OP(psllq, 1, false, F_SSE2),
	OP(psrldq, 1, false, F_SSE2),
	OP(pmovmskb, 1, false, F_SSE2),
	OP(pextrw, 1, false, F_SSE2),
	OP(pinsrw, 1, false, F_SSE2),
	OP(movmskpd, 1, false, F_SSE2),
	OP(pshufb, 1, false, F_SSSE3),
	OP(phaddsw, 1, false, F_SSSE3),
	OP(phsubd, 1, false, F_SSSE3),
	OP(pmaddubsw, 1, false, F_SSSE3),
	OP(pmulhrsw, 1, false, F_SSSE3),
	OP(psignb, 1, false, F_SSSE3),
	OP(pabsw, 1, false, F_SSSE3),
	OP(palignr, 1, false, F_SSSE3),
	OP(packusdw, 1, false, F_SSE41),
	OP(pminud, 1, false, F_SSE41),
	OP(pmaxsb, 1, false, F_SSE41),
	OP(pmuldq, 1, false, F_SSE41),
	OP(pmulld, 1, false, F_SSE41),
	OP(mpsadbw, 1, false, F_SSE41),
	OP(phminposuw, 1, false, F_SSE41),
	OP(pblendw, 1, false, F_SSE41),
	OP(blendvps, 1, false, F_SSE41),
	OP(ptest, 1, true, F_SSE41),
	OP(pextrb, 1, false, F_SSE41),
	OP(pinsrd, 1, false, F_SSE41),
	OP(insertps, 1, false, F_SSE41),
	OP(extractps, 1, false, F_SSE41),
	OP(pmovzxwq, 1, false, F_SSE41),
	OP(pmovsxbd, 1, false, F_SSE41),
	OP(pcmpeqq, 1, false, F_SSE41),
	OP(pcmpgtq, 1, false, F_SSE42),
	OP(crc32b, 1, false, F_SSE42),
	OP(crc32q, 1, false, F_SSE42),
	OP(crc32w, 1, false, F_SSE42),
	OP(pcmpestri00, 2, true, F_SSE42),
	OP(pcmpistri00, 2, true, F_SSE42),
	OP(pcmpestri04, 2, true, F_SSE42),
	OP(pcmpistri04, 2, true, F_SSE42),
	OP(pcmpestri08, 2, true, F_SSE42),
	OP(pcmpistri08, 2, true, F_SSE42),
	OP(pcmpestri0c, 2, true, F_SSE42),
	OP(pcmpistri0c, 2, true, F_SSE42),
	OP(pcmpestri14, 2, true, F_SSE42),
	OP(pcmpistri14, 2, true, F_SSE42),
	OP(pcmpestri34, 2, true, F_SSE42),
	OP(pcmpistri34, 2, true, F_SSE42),
	OP(pcmpestri40, 2, true, F_SSE42),
	OP(pcmpistri40, 2, true, F_SSE42),
	OP(pcmpestri01, 2, true, F_SSE42),
	OP(pcmpistri01, 2, true, F_SSE42),
	OP(pcmpestri05, 2, true, F_SSE42),
	OP(pcmpistri05, 2, true, F_SSE42),
	OP(pcmpestri0d, 2, true, F_SSE42),
	OP(pcmpistri0d, 2, true, F_SSE42),
	OP(pcmpestri4a, 2, true, F_SSE42),
	OP(pcmpistri4a, 2, true, F_SSE42),
	OP(pcmpestri3e, 2, true, F_SSE42),
	OP(pcmpistri3e, 2, true, F_SSE42),
	OP(pcmpestri07, 2, true, F_SSE42),
	OP(pcmpistri07, 2, true, F_SSE42),
	OP(pcmpestrm40, 2, true, F_SSE42),
	OP(pcmpistrm40, 2, true, F_SSE42),
	OP(pcmpestrm00, 2, true, F_SSE42),
	OP(pcmpistrm00, 2, true, F_SSE42),
	OP(pcmpestrm44, 2, true, F_SSE42),
	OP(pcmpistrm44, 2, true, F_SSE42),
	OP(pcmpestrm09, 2, true, F_SSE42),
	OP(pcmpistrm09, 2, true, F_SSE42),
	OP(pcmpestrm58, 2, true, F_SSE42),
	OP(pcmpistrm58, 2, true, F_SSE42),
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
	static const uint8_t special[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe};
	static const uint8_t alphabet[] = {'a', 'b', 'c', 'a', 'b', 'c', 0, 0xff};

	for (unsigned i = 0; i < 16; i++) {
		uint64_t r = rng();
		if (sz == 1)
			v[i] = (r & 3) ? (uint8_t)(r >> 8) : special[(r >> 8) % sizeof(special)];
		else if (sz == 2)
			v[i] = (r & 15) ? alphabet[(r >> 8) & 5] : alphabet[6 + ((r >> 8) & 1)];
	}
	if (sz < 4)
		return;
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
	case F_SSSE3:
		return __builtin_cpu_supports("ssse3");
	case F_SSE41:
		return __builtin_cpu_supports("sse4.1");
	case F_SSE42:
		return __builtin_cpu_supports("sse4.2");
	default:
		return true;
	}
}

/* Run the instructions between begin and end one by one (MMX snippets are sequences). */
static enum exec_status run_seq(struct cpu *cpu, const uint8_t *p, const uint8_t *end)
{
	enum exec_status st = EXEC_OK;

	while (p < end && st == EXEC_OK) {
		uint64_t rip = cpu->rip;
		st = sse_test_exec(cpu, p, (unsigned)(end - p));
		p += cpu->rip - rip;
	}
	return st;
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
		n.rcx = rng();
		n.rdx = rng();
		if (op->sz == 2) { /* explicit lengths around the element count, both signs */
			n.rax = (uint64_t)((int64_t)(rng() % 41) - 20);
			n.rdx = (uint64_t)((int64_t)(rng() % 41) - 20);
			if (rng() & 1)
				n.rax |= 0x1234567800000000ull;
		}
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
				cpu->gpr[R_RCX] = n.rcx;
				cpu->gpr[R_RDX] = n.rdx;
				cpu->simd.mxcsr = mxcsr;
				flags_set_arith(cpu, RFLAGS_ARITH);
				enum exec_status st = run_seq(cpu, op->begin, op->end);
				uint32_t fl = (uint32_t)flags_read(cpu);
				uint32_t want_fl = (h.flags >> 8) & (RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF |
								     RFLAGS_PF | RFLAGS_CF);
				if (h.flags & 1)
					want_fl |= RFLAGS_OF;
				bool ok = st == EXEC_OK && !memcmp(cpu->simd.ymm[0], h.x0, 16) &&
					  cpu->gpr[R_RAX] == h.rax && cpu->gpr[R_RCX] == h.rcx &&
					  cpu->simd.mxcsr == h.mxcsr &&
					  (!op->flags || (fl & RFLAGS_ARITH) == want_fl);
				if (!ok && bad++ < 4) {
					uint64_t a[2], b[2], g[2], w[2];
					memcpy(a, n.x0, 16);
					memcpy(b, n.x1, 16);
					memcpy(g, cpu->simd.ymm[0], 16);
					memcpy(w, h.x0, 16);
					printf("  %s mxcsr %#x: x0 %016llx%016llx x1 %016llx%016llx "
					       "rax %llx rdx %llx\n    want %016llx%016llx rax %llx rcx %llx "
					       "mxcsr %#x fl %#x\n    got  %016llx%016llx rax %llx rcx %llx "
					       "mxcsr %#x fl %#x st %d\n",
					       op->name, mxcsr, (unsigned long long)a[1],
					       (unsigned long long)a[0], (unsigned long long)b[1],
					       (unsigned long long)b[0], (unsigned long long)n.rax,
					       (unsigned long long)n.rdx, (unsigned long long)w[1],
					       (unsigned long long)w[0], (unsigned long long)h.rax,
					       (unsigned long long)h.rcx, h.mxcsr, want_fl,
					       (unsigned long long)g[1], (unsigned long long)g[0],
					       (unsigned long long)cpu->gpr[R_RAX],
					       (unsigned long long)cpu->gpr[R_RCX], cpu->simd.mxcsr,
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

/*
 * Unmasked exceptions: natively they are #XM, i.e. SIGFPE; the handler takes XMM0,
 * MXCSR, RAX and RCX from the signal frame (the state at the fault) and jumps back.
 */
static sigjmp_buf fpe_jump;
static struct native_state fpe_state;

static void fpe_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	fpe_state.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
	memcpy(fpe_state.x0, &uc->uc_mcontext.fpregs->_xmm[0], 16);
	/* glibc's x86-64 gregs order: R8 … R15, RDI, RSI, RBP, RBX, RDX, RAX (13), RCX (14). */
	fpe_state.rax = (uint64_t)uc->uc_mcontext.gregs[13];
	fpe_state.rcx = (uint64_t)uc->uc_mcontext.gregs[14];
	siglongjmp(fpe_jump, 1);
}

/* Run natively; true if it raised #XM (then *s holds the state at the fault). */
static bool native_may_fault(const struct diff_op *op, struct native_state *s)
{
	if (sigsetjmp(fpe_jump, 1)) {
		uint32_t host = 0x1f80;
		asm volatile("ldmxcsr %0" : : "m"(host));
		s->mxcsr = fpe_state.mxcsr;
		memcpy(s->x0, fpe_state.x0, 16);
		s->rax = fpe_state.rax;
		s->rcx = fpe_state.rcx;
		return true;
	}
	op->native(s);
	return false;
}

TEST(sse_diff, fp_unmasked_exceptions)
{
	struct sigaction sa, old;
	unsigned bad = 0, faults = 0, cases = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fpe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGFPE, &sa, &old);
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct diff_op *op = &ops[i];
		struct cpu *cpu;
		if (op->sz < 4 || !host_has(op->feature))
			continue;
		cpu = sse_test_cpu();
		for (unsigned v = 0; v < 2000; v++) {
			struct native_state n, h;
			fill(n.x0, op->sz);
			fill(n.x1, op->sz);
			n.rax = (rng() & 1) ? rng() : (uint64_t)(int64_t)(int32_t)(rng() >> 40);
			n.rcx = rng();
			n.rdx = rng();
			/* Random masks, rounding, DAZ, FTZ. */
			n.mxcsr = (uint32_t)(rng() & 0xffc0);
			n.flags = 0;
			h = n;
			bool trapped = native_may_fault(op, &h);

			memcpy(cpu->simd.ymm[0], n.x0, 16);
			memcpy(cpu->simd.ymm[1], n.x1, 16);
			cpu->gpr[R_RAX] = n.rax;
			cpu->gpr[R_RCX] = n.rcx;
			cpu->gpr[R_RDX] = n.rdx;
			cpu->simd.mxcsr = n.mxcsr;
			enum exec_status st = run_seq(cpu, op->begin, op->end);
			bool ok = trapped ? st == EXEC_FAULT && cpu->fault.vector == VEC_XM
					  : st == EXEC_OK;
			ok = ok && !memcmp(cpu->simd.ymm[0], h.x0, 16) && cpu->gpr[R_RAX] == h.rax &&
			     cpu->simd.mxcsr == h.mxcsr;
			cases++;
			faults += trapped;
			if (!ok && bad++ < 6) {
				uint64_t a[2], b[2], g[2], w[2];
				memcpy(a, n.x0, 16);
				memcpy(b, n.x1, 16);
				memcpy(g, cpu->simd.ymm[0], 16);
				memcpy(w, h.x0, 16);
				printf("  %s mxcsr %#x: x0 %016llx%016llx x1 %016llx%016llx\n"
				       "    want %s %016llx%016llx mxcsr %#x\n"
				       "    got  st %d vec %d %016llx%016llx mxcsr %#x\n",
				       op->name, n.mxcsr, (unsigned long long)a[1], (unsigned long long)a[0],
				       (unsigned long long)b[1], (unsigned long long)b[0],
				       trapped ? "#XM" : "ok", (unsigned long long)w[1],
				       (unsigned long long)w[0], h.mxcsr, st, cpu->fault.vector,
				       (unsigned long long)g[1], (unsigned long long)g[0], cpu->simd.mxcsr);
			}
		}
		insn_test_free(cpu);
	}
	sigaction(SIGFPE, &old, NULL);
	printf("  sse_diff: %u cases with random exception masks, %u raised #XM natively\n",
	       cases, faults);
	ASSERT_EQ(0, bad);
}

#else

TEST(sse_diff, fp_against_host)
{
	printf("  SKIP sse_diff: not an x86-64 host\n");
}

TEST(sse_diff, fp_unmasked_exceptions)
{
	printf("  SKIP sse_diff: not an x86-64 host\n");
}

#endif
