/* SPDX-License-Identifier: MIT */
/*
 * Software double-extended (80-bit) arithmetic with the x87 FPU's rules (SDM Vol. 1,
 * Chapter 4 "Data Types" 4.8 "Real Numbers and Floating-Point Formats", 4.9
 * "Overview of Floating-Point Exceptions", Chapter 8 "Programming with the x87 FPU").
 * Portable C: the host's long double is never used, so arm64 hosts behave the same.
 */
#ifndef NESTVM_HW_SOFTFLOAT80_H
#define NESTVM_HW_SOFTFLOAT80_H

#include <stdbool.h>
#include <stdint.h>

/* A register value: explicit integer bit in signif bit 63; sign in sign_exp bit 15. */
struct f80 {
	uint64_t signif;
	uint16_t sign_exp;
};

/* Exception flags, in their FSW/FCW bit positions (SDM Vol. 1, 8.1.3, 8.1.5). */
#define SF80_IE 0x0001u /* invalid operation */
#define SF80_DE 0x0002u /* denormal operand */
#define SF80_ZE 0x0004u /* divide by zero */
#define SF80_OE 0x0008u /* overflow */
#define SF80_UE 0x0010u /* underflow */
#define SF80_PE 0x0020u /* precision (inexact) */
#define SF80_ALL 0x003fu

/* FCW fields used by the arithmetic (SDM Vol. 1, 8.1.5 "x87 FPU Control Word"). */
#define FCW_PC_SHIFT 8
#define FCW_RC_SHIFT 10
enum sf80_rc { RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3 };
enum sf80_pc { PC_24 = 0, PC_53 = 2, PC_64 = 3 };

/*
 * The environment of one operation: the control word in, the flags raised out, and
 * whether the last rounding incremented the magnitude (FSW.C1 after a #P).
 */
struct sf80_ctx {
	uint16_t fcw;
	uint16_t flags;
	bool rounded_up;
};

/* Comparison results. */
enum sf80_cmp { SF80_LT, SF80_EQ, SF80_GT, SF80_UNORDERED };

/* Classes as FXAM reports them (C3,C2,C0 as a 3-bit number, SDM Vol. 2A "FXAM"). */
enum sf80_class {
	SF80_CLASS_UNSUPPORTED = 0, /* 000 */
	SF80_CLASS_NAN = 1,         /* 001 */
	SF80_CLASS_NORMAL = 2,      /* 010 */
	SF80_CLASS_INF = 3,         /* 011 */
	SF80_CLASS_ZERO = 4,        /* 100 */
	SF80_CLASS_EMPTY = 5,       /* 101 (set by the caller) */
	SF80_CLASS_DENORMAL = 6,    /* 110 */
};

static inline struct f80 f80_make(bool sign, uint16_t exp, uint64_t signif)
{
	struct f80 r = {signif, (uint16_t)((sign ? 0x8000u : 0) | (exp & 0x7fffu))};
	return r;
}

static inline bool f80_sign(struct f80 a)
{
	return (a.sign_exp & 0x8000u) != 0;
}

static inline uint16_t f80_exp(struct f80 a)
{
	return a.sign_exp & 0x7fffu;
}

/* The default QNaN ("real indefinite", SDM Vol. 1, 4.8.3.7). */
static inline struct f80 f80_indefinite(void)
{
	return f80_make(true, 0x7fff, 0xc000000000000000ull);
}

bool sf80_is_nan(struct f80 a);
bool sf80_is_snan(struct f80 a);
bool sf80_is_unsupported(struct f80 a);
enum sf80_class sf80_classify(struct f80 a);

/* Basic arithmetic; honour FCW.PC and FCW.RC. */
struct f80 sf80_add(struct sf80_ctx *c, struct f80 a, struct f80 b);
struct f80 sf80_sub(struct sf80_ctx *c, struct f80 a, struct f80 b);
struct f80 sf80_mul(struct sf80_ctx *c, struct f80 a, struct f80 b);
struct f80 sf80_div(struct sf80_ctx *c, struct f80 a, struct f80 b);
struct f80 sf80_sqrt(struct sf80_ctx *c, struct f80 a);

/* FRNDINT: round to an integral value per FCW.RC. */
struct f80 sf80_round_int(struct sf80_ctx *c, struct f80 a);
/*
 * FPREM (ieee=false: quotient truncated) and FPREM1 (ieee=true: rounded to nearest).
 * *partial is FSW.C2 (reduction incomplete); *quot receives the low three bits of the
 * quotient (Q2 Q1 Q0).
 */
struct f80 sf80_rem(struct sf80_ctx *c, struct f80 a, struct f80 b, bool ieee, bool *partial,
		    unsigned *quot);
/* FSCALE: a * 2^trunc(b). */
struct f80 sf80_scale(struct sf80_ctx *c, struct f80 a, struct f80 b);
/* FXTRACT: a = *sig * 2^*exp. */
void sf80_extract(struct sf80_ctx *c, struct f80 a, struct f80 *exp, struct f80 *sig);
/* FCOM family (quiet=false: any NaN is #IA) and FUCOM family (quiet: only SNaN is #IA). */
enum sf80_cmp sf80_compare(struct sf80_ctx *c, struct f80 a, struct f80 b, bool quiet);

/* Integers. to_int: bits 16/32/64; truncate (FISTTP) or round per RC; indefinite on overflow. */
struct f80 sf80_from_int(int64_t v);
int64_t sf80_to_int(struct sf80_ctx *c, struct f80 a, unsigned bits, bool truncate);

/* Single and double precision memory formats (raw bits). */
struct f80 sf80_from_f32(struct sf80_ctx *c, uint32_t v);
struct f80 sf80_from_f64(struct sf80_ctx *c, uint64_t v);
/*
 * A memory source operand of an arithmetic instruction (size 4 or 8) widened exactly,
 * without exceptions: an SNaN stays signaling; *denormal says it was a denormal (the
 * instruction decides whether #D applies).
 */
struct f80 sf80_widen(uint64_t v, unsigned size, bool *denormal);
uint32_t sf80_to_f32(struct sf80_ctx *c, struct f80 a);
uint64_t sf80_to_f64(struct sf80_ctx *c, struct f80 a);
/* Check an 80-bit operand of FLD m80 / FST ST(i): only unsupported encodings fault. */

/* Packed BCD (SDM Vol. 1, 4.7 "BCD and Packed BCD Integers"): 10 bytes. */
struct f80 sf80_from_bcd(const uint8_t bcd[10]);
void sf80_to_bcd(struct sf80_ctx *c, struct f80 a, uint8_t bcd[10]);

/* Constants for FLD1 … FLDZ: index 0 1, 1 L2T, 2 L2E, 3 PI, 4 LG2, 5 LN2, 6 Z; rounded per RC. */
struct f80 sf80_const(const struct sf80_ctx *c, unsigned which, bool *rounded_up);

/*
 * Transcendentals (softfloat80 trig/log/exp): results within 1 ulp of the true value
 * (computed with 128-bit significands, then rounded once per FCW.RC). *out_of_range
 * (FSW.C2) when |a| >= 2^63 for the trigonometric ones; the operand is then unchanged.
 */
struct f80 sf80_sin(struct sf80_ctx *c, struct f80 a, bool *out_of_range);
struct f80 sf80_cos(struct sf80_ctx *c, struct f80 a, bool *out_of_range);
void sf80_sincos(struct sf80_ctx *c, struct f80 a, struct f80 *s, struct f80 *co,
		 bool *out_of_range);
struct f80 sf80_tan(struct sf80_ctx *c, struct f80 a, bool *out_of_range);
struct f80 sf80_atan2(struct sf80_ctx *c, struct f80 y, struct f80 x); /* FPATAN: atan(y/x) */
struct f80 sf80_f2xm1(struct sf80_ctx *c, struct f80 a);
struct f80 sf80_yl2x(struct sf80_ctx *c, struct f80 y, struct f80 x);
struct f80 sf80_yl2xp1(struct sf80_ctx *c, struct f80 y, struct f80 x);

_Static_assert(SF80_ALL == 0x3f, "exception flags are FSW bits 5:0");

#endif
