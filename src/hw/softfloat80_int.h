/* SPDX-License-Identifier: MIT */
/* Internals shared by softfloat80.c and softfloat80_trans.c (not for other modules). */
#ifndef NESTVM_HW_SOFTFLOAT80_INT_H
#define NESTVM_HW_SOFTFLOAT80_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/softfloat80.h"

typedef unsigned __int128 u128;

/* A destination format: normal biased exponents (double-extended bias) emin..emax-1. */
struct sf80_format {
	int32_t emin, emax;
	bool register_dest; /* unmasked #O/#U adjust the exponent by 24576 */
};

struct sf80_rounded {
	int32_t exp;
	uint64_t sig;
};

extern const struct sf80_format sf80_fmt_reg;

static inline bool sf80_inf(struct f80 a)
{
	return f80_exp(a) == 0x7fff && a.signif == 0x8000000000000000ull;
}

static inline bool sf80_zero(struct f80 a)
{
	return f80_exp(a) == 0 && a.signif == 0;
}

static inline unsigned sf80_rc(const struct sf80_ctx *c)
{
	return (c->fcw >> FCW_RC_SHIFT) & 3;
}

int sf80_clz128(u128 v);
u128 sf80_shr_sticky(u128 v, int32_t n);
void sf80_unpack(struct f80 a, int32_t *exp, uint64_t *sig);
struct sf80_rounded sf80_round(struct sf80_ctx *c, bool sign, int32_t exp, u128 v,
			       unsigned prec, const struct sf80_format *f);
/* Round sign * v * 2^(exp - 16383 - 127) to a register value of prec bits. */
struct f80 sf80_pack(struct sf80_ctx *c, bool sign, int32_t exp, u128 v, unsigned prec);
struct f80 sf80_pack_exact(struct sf80_ctx *c, struct f80 a);
bool sf80_nan_operands(struct sf80_ctx *c, struct f80 a, struct f80 b, bool two,
		       struct f80 *out);
u128 sf80_div_sig(uint64_t ma, uint64_t mb, int32_t *exp_adj);
u128 sf80_isqrt128(u128 n, u128 *rem);
struct f80 sf80_quiet(struct f80 a);
/*
 * Round the magnitude of finite a to an integer per rc: the integer (*big when it needs
 * more than 64 bits), whether that was inexact and whether it rounded up.
 */
uint64_t sf80_round_to_integer(struct sf80_ctx *c, struct f80 a, unsigned rc, bool *big,
			       bool *inexact, bool *inc);

#endif
