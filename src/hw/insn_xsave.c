// SPDX-License-Identifier: MIT
/*
 * Saving and restoring the x87/SSE/AVX state: FXSAVE/FXRSTOR (SDM Vol. 1, 10.5
 * "FXSAVE and FXRSTOR Instructions", Tables 10-2 and 10-3; Vol. 2 FXSAVE) and the
 * XSAVE feature set for state components 0 (x87), 1 (SSE) and 2 (AVX YMM_Hi128) (Vol. 1,
 * Chapter 13 "Managing State Using the XSAVE Feature Set"). XSAVES/XRSTORS are not
 * implemented (no supervisor state components): they raise #UD.
 */
#include "hw/simd.h"

#include <Zydis/Zydis.h>

#include "hw/access.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

#define XFEATURE_X87 (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_AVX (1ull << 2)
#define XFEATURE_SUPPORTED (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX)
#define XCOMP_BV_COMPACT (1ull << 63)

#define XSAVE_HEADER 512
#define XSAVE_AVX_OFFSET 576 /* standard format; also compacted, AVX being first */
#define XSAVE_SIZE 832

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static unsigned x87_top(const struct cpu *cpu)
{
	return (cpu->x87.fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT;
}

/* Number of XMM registers the image holds: 16 in 64-bit mode, else 8. */
static unsigned xmm_count(const struct cpu *cpu)
{
	return cpu->mode == MODE_LONG64 ? 16 : 8;
}

/* Full 2-bit tag of a non-empty register from its contents (SDM Vol. 1, 8.1.7). */
static unsigned x87_tag_of(uint16_t sign_exp, uint64_t signif)
{
	unsigned exp = sign_exp & 0x7fff;

	if (exp == 0x7fff)
		return 2; /* special: NaN, infinity */
	if (exp == 0)
		return signif ? 2 : 1; /* denormal: special; zero */
	return (signif >> 63) ? 0 : 2; /* unnormal: special */
}

/* x87 part of the legacy region: bytes 0–23 and 32–159 (Table 10-2 / 10-3). */
static void x87_save(const struct cpu *cpu, uint8_t *img, bool rexw)
{
	const struct x87_state *x = &cpu->x87;
	uint8_t ftw = 0;
	unsigned top = x87_top(cpu);

	for (unsigned i = 0; i < 8; i++)
		if (((x->ftw >> (2 * i)) & 3) != 3)
			ftw |= (uint8_t)(1u << i);
	put16(img + 0, x->fcw);
	put16(img + 2, x->fsw);
	img[4] = ftw;
	img[5] = 0;
	put16(img + 6, x->fop & 0x7ff);
	if (rexw) {
		put64(img + 8, x->fip);
		put64(img + 16, x->fdp);
	} else {
		put32(img + 8, (uint32_t)x->fip);
		put16(img + 12, x->fcs);
		put16(img + 14, 0);
		put32(img + 16, (uint32_t)x->fdp);
		put16(img + 20, x->fds);
		put16(img + 22, 0);
	}
	for (unsigned st = 0; st < 8; st++) {
		unsigned phys = (top + st) & 7;
		uint8_t *slot = img + 32 + 16 * st;
		memset(slot, 0, 16);
		put64(slot, x->signif[phys]);
		put16(slot + 8, x->sign_exp[phys]);
	}
}

static void x87_restore(struct cpu *cpu, const uint8_t *img, bool rexw)
{
	struct x87_state *x = &cpu->x87;
	uint8_t ftw = img[4];
	unsigned top;

	x->fcw = get16(img + 0);
	x->fsw = get16(img + 2);
	x->fop = get16(img + 6) & 0x7ff;
	if (rexw) {
		x->fip = get64(img + 8);
		x->fdp = get64(img + 16);
		x->fcs = x->fds = 0;
	} else {
		x->fip = get32(img + 8);
		x->fcs = get16(img + 12);
		x->fdp = get32(img + 16);
		x->fds = get16(img + 20);
	}
	top = x87_top(cpu);
	for (unsigned st = 0; st < 8; st++) {
		unsigned phys = (top + st) & 7;
		x->signif[phys] = get64(img + 32 + 16 * st);
		x->sign_exp[phys] = get16(img + 32 + 16 * st + 8);
	}
	x->ftw = 0;
	for (unsigned i = 0; i < 8; i++) {
		unsigned tag = (ftw >> i) & 1 ? x87_tag_of(x->sign_exp[i], x->signif[i]) : 3;
		x->ftw |= (uint16_t)(tag << (2 * i));
	}
}

/* x87 initial configuration (SDM Vol. 1, 13.6 "Processor Tracking of XSAVE-Managed State"). */
static void x87_init(struct cpu *cpu)
{
	memset(&cpu->x87, 0, sizeof(cpu->x87));
	cpu->x87.fcw = 0x037f;
	cpu->x87.ftw = 0xffff;
}

static void xmm_save(const struct cpu *cpu, uint8_t *img)
{
	for (unsigned i = 0; i < xmm_count(cpu); i++)
		memcpy(img + 160 + 16 * i, cpu->simd.ymm[i], 16);
}

static void xmm_restore(struct cpu *cpu, const uint8_t *img)
{
	for (unsigned i = 0; i < xmm_count(cpu); i++)
		memcpy(cpu->simd.ymm[i], img + 160 + 16 * i, 16);
}

static bool is_rexw_form(const struct insn *in)
{
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_FXSAVE64:
	case ZYDIS_MNEMONIC_FXRSTOR64:
	case ZYDIS_MNEMONIC_XSAVE64:
	case ZYDIS_MNEMONIC_XSAVEOPT64:
	case ZYDIS_MNEMONIC_XSAVEC64:
	case ZYDIS_MNEMONIC_XRSTOR64:
		return true;
	default:
		return false;
	}
}

/* FXSAVE/FXRSTOR: #NM if CR0.TS or CR0.EM; 16-byte alignment or #GP(0) (SDM Vol. 2). */
static enum exec_status fx_checks(struct cpu *cpu, const struct insn *in)
{
	if (cpu->cr0 & (CR0_TS | CR0_EM))
		return cpu_fault(cpu, VEC_NM);
	if (simd_linear(cpu, in, 0) & 15)
		return cpu_gp0(cpu);
	return EXEC_OK;
}

enum exec_status exec_fxsave(struct cpu *cpu, const struct insn *in)
{
	uint8_t img[512];
	enum exec_status st;

	if ((st = fx_checks(cpu, in)) != EXEC_OK)
		return st;
	/* Bytes 288–511 not written by the processor keep their contents (Table 10-2). */
	if ((st = simd_read_mem(cpu, in, 0, img, 512, false)) != EXEC_OK)
		return st;
	x87_save(cpu, img, is_rexw_form(in));
	put32(img + 24, cpu->simd.mxcsr);
	put32(img + 28, MXCSR_SUPPORTED);
	xmm_save(cpu, img);
	return simd_write_mem(cpu, in, 0, img, 512, false);
}

enum exec_status exec_fxrstor(struct cpu *cpu, const struct insn *in)
{
	uint8_t img[512];
	enum exec_status st;
	uint32_t mxcsr;

	if ((st = fx_checks(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read_mem(cpu, in, 0, img, 512, false)) != EXEC_OK)
		return st;
	mxcsr = get32(img + 24);
	if (mxcsr & ~MXCSR_SUPPORTED)
		return cpu_gp0(cpu);
	x87_restore(cpu, img, is_rexw_form(in));
	cpu->simd.mxcsr = mxcsr;
	xmm_restore(cpu, img);
	return EXEC_OK;
}

/* XSAVE family: #UD if CR4.OSXSAVE = 0, #NM if CR0.TS, 64-byte alignment (SDM Vol. 2 XSAVE). */
static enum exec_status xsave_checks(struct cpu *cpu, const struct insn *in)
{
	if (!(cpu->cr4 & CR4_OSXSAVE) || in->op[0].kind != OPK_MEM)
		return cpu_ud(cpu);
	if (cpu->cr0 & CR0_TS)
		return cpu_fault(cpu, VEC_NM);
	if (simd_linear(cpu, in, 0) & 63)
		return cpu_gp0(cpu);
	return EXEC_OK;
}

static uint64_t rfbm_of(const struct cpu *cpu)
{
	uint64_t edx_eax = ((cpu->gpr[R_RDX] & 0xffffffffull) << 32) |
			   (cpu->gpr[R_RAX] & 0xffffffffull);
	return edx_eax & cpu->xcr0 & XFEATURE_SUPPORTED;
}

/*
 * XSAVE, XSAVEOPT (standard format) and XSAVEC (compacted). XINUSE is reported as all
 * ones, which the SDM permits (13.6), so XSAVEOPT has nothing to optimise.
 */
enum exec_status exec_xsave(struct cpu *cpu, const struct insn *in)
{
	bool compact = in->mnemonic == ZYDIS_MNEMONIC_XSAVEC ||
		       in->mnemonic == ZYDIS_MNEMONIC_XSAVEC64;
	uint8_t img[XSAVE_SIZE];
	uint64_t rfbm = rfbm_of(cpu), bv;
	unsigned size = (rfbm & XFEATURE_AVX) ? XSAVE_SIZE : 576;
	enum exec_status st;

	if ((st = xsave_checks(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read_mem(cpu, in, 0, img, size, false)) != EXEC_OK)
		return st;
	if (rfbm & XFEATURE_X87)
		x87_save(cpu, img, is_rexw_form(in));
	if (rfbm & (XFEATURE_SSE | XFEATURE_AVX)) {
		put32(img + 24, cpu->simd.mxcsr);
		put32(img + 28, MXCSR_SUPPORTED);
	}
	if (rfbm & XFEATURE_SSE)
		xmm_save(cpu, img);
	if (rfbm & XFEATURE_AVX)
		for (unsigned i = 0; i < xmm_count(cpu); i++)
			memcpy(img + XSAVE_AVX_OFFSET + 16 * i, cpu->simd.ymm[i] + 16, 16);
	bv = get64(img + XSAVE_HEADER);
	if (compact) {
		put64(img + XSAVE_HEADER, rfbm);
		put64(img + XSAVE_HEADER + 8, XCOMP_BV_COMPACT | rfbm);
	} else {
		put64(img + XSAVE_HEADER, (bv & ~rfbm) | rfbm);
	}
	return simd_write_mem(cpu, in, 0, img, size, false);
}

/*
 * XRSTOR (SDM Vol. 1, 13.8 "Operation of XRSTOR"): header checks (#GP), then for each
 * requested component either load it (XSTATE_BV bit set) or initialise it.
 */
enum exec_status exec_xrstor(struct cpu *cpu, const struct insn *in)
{
	uint8_t img[XSAVE_SIZE];
	uint64_t rfbm = rfbm_of(cpu), xstate_bv, xcomp_bv;
	enum exec_status st;
	bool compact;
	uint32_t mxcsr;

	if ((st = xsave_checks(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read_mem(cpu, in, 0, img, 576, false)) != EXEC_OK)
		return st;
	xstate_bv = get64(img + XSAVE_HEADER);
	xcomp_bv = get64(img + XSAVE_HEADER + 8);
	compact = (xcomp_bv & XCOMP_BV_COMPACT) != 0;
	if (compact) {
		/* 13.8.2: XCOMP_BV ⊆ XCR0, XSTATE_BV ⊆ XCOMP_BV, bytes 63:16 zero. */
		if ((xcomp_bv & ~XCOMP_BV_COMPACT & ~cpu->xcr0) || (xstate_bv & ~xcomp_bv))
			return cpu_gp0(cpu);
		for (unsigned i = 16; i < 64; i++)
			if (img[XSAVE_HEADER + i])
				return cpu_gp0(cpu);
	} else {
		/* 13.8.1: XSTATE_BV ⊆ XCR0, bytes 23:8 of the header zero. */
		if (xstate_bv & ~cpu->xcr0)
			return cpu_gp0(cpu);
		for (unsigned i = 8; i < 24; i++)
			if (img[XSAVE_HEADER + i])
				return cpu_gp0(cpu);
	}
	if ((rfbm & XFEATURE_AVX) && (xstate_bv & XFEATURE_AVX) &&
	    (!compact || (xcomp_bv & XFEATURE_AVX)) &&
	    (st = simd_read_mem(cpu, in, 0, img, XSAVE_SIZE, false)) != EXEC_OK)
		return st;
	/* MXCSR: standard form loads it whenever RFBM[1] or RFBM[2]; compacted with SSE data. */
	mxcsr = cpu->simd.mxcsr;
	if (compact ? ((rfbm & XFEATURE_SSE) && (xstate_bv & XFEATURE_SSE))
		    : (rfbm & (XFEATURE_SSE | XFEATURE_AVX)) != 0) {
		mxcsr = get32(img + 24);
		if (mxcsr & ~MXCSR_SUPPORTED)
			return cpu_gp0(cpu);
	} else if (compact && (rfbm & XFEATURE_SSE)) {
		mxcsr = MXCSR_RESET;
	}
	if (rfbm & XFEATURE_X87) {
		if (xstate_bv & XFEATURE_X87)
			x87_restore(cpu, img, is_rexw_form(in));
		else
			x87_init(cpu);
	}
	if (rfbm & XFEATURE_SSE) {
		if (xstate_bv & XFEATURE_SSE)
			xmm_restore(cpu, img);
		else
			for (unsigned i = 0; i < xmm_count(cpu); i++)
				memset(cpu->simd.ymm[i], 0, 16);
	}
	if (rfbm & XFEATURE_AVX) {
		for (unsigned i = 0; i < xmm_count(cpu); i++) {
			if (xstate_bv & XFEATURE_AVX)
				memcpy(cpu->simd.ymm[i] + 16, img + XSAVE_AVX_OFFSET + 16 * i, 16);
			else
				memset(cpu->simd.ymm[i] + 16, 0, 16);
		}
	}
	cpu->simd.mxcsr = mxcsr;
	return EXEC_OK;
}
