/* SPDX-License-Identifier: MIT */
/*
 * Conversions of the x87 FPU's double-extended values: integers (FILD, FIST, FISTTP),
 * single and double precision (FLD, FST m32/m64, SDM Vol. 1, 4.2.2 "Floating-Point
 * Data Types"), packed BCD (FBLD, FBSTP, 4.7) and the FLD1 … FLDZ constants (8.3.8).
 */
#include "hw/softfloat80.h"

#include "hw/softfloat80_int.h"

static const struct sf80_format fmt_f32 = {16383 - 126, 16383 + 128, false};
static const struct sf80_format fmt_f64 = {16383 - 1022, 16383 + 1024, false};

struct f80 sf80_from_int(int64_t v)
{
	bool s = v < 0;
	uint64_t m = s ? 0 - (uint64_t)v : (uint64_t)v;
	int lz;

	if (!m)
		return f80_make(false, 0, 0);
	lz = __builtin_clzll(m);
	return f80_make(s, (uint16_t)(16383 + 63 - lz), m << lz);
}

int64_t sf80_to_int(struct sf80_ctx *c, struct f80 a, unsigned bits, bool truncate)
{
	uint64_t indefinite = 1ull << (bits - 1), v;
	bool big, inexact, inc;

	if (sf80_is_nan(a) || sf80_is_unsupported(a) || sf80_inf(a)) {
		c->flags |= SF80_IE;
		return (int64_t)indefinite;
	}
	v = sf80_round_to_integer(c, a, truncate ? RC_ZERO : sf80_rc(c), &big, &inexact, &inc);
	if (big || v > indefinite || (v == indefinite && !f80_sign(a))) {
		c->flags |= SF80_IE;
		return (int64_t)indefinite;
	}
	if (inexact) {
		c->flags |= SF80_PE;
		c->rounded_up = inc;
	}
	return f80_sign(a) ? (int64_t)(0 - v) : (int64_t)v;
}

static struct f80 from_ieee(struct sf80_ctx *c, uint64_t v, unsigned fbits, unsigned ebits)
{
	bool s = (v >> (fbits + ebits)) & 1;
	uint32_t e = (uint32_t)(v >> fbits) & ((1u << ebits) - 1);
	uint64_t f = v & ((1ull << fbits) - 1);
	int32_t bias = (1 << (ebits - 1)) - 1;

	if (e == (1u << ebits) - 1) {
		struct f80 r = f80_make(s, 0x7fff, (1ull << 63) | (f << (63 - fbits)));

		if (f && !(f >> (fbits - 1)))
			c->flags |= SF80_IE;
		return f ? sf80_quiet(r) : r;
	}
	if (e == 0) {
		int lz;

		if (!f)
			return f80_make(s, 0, 0);
		c->flags |= SF80_DE;
		lz = __builtin_clzll(f);
		/* f * 2^(1 - bias - fbits) */
		return f80_make(s, (uint16_t)(16383 + 1 - bias - (int32_t)fbits + 63 - lz),
				f << lz);
	}
	return f80_make(s, (uint16_t)(e - bias + 16383), (1ull << 63) | (f << (63 - fbits)));
}

struct f80 sf80_widen(uint64_t v, unsigned size, bool *denormal)
{
	struct sf80_ctx c = {0x037f, 0, false};
	unsigned fbits = size == 4 ? 23 : 52, ebits = size == 4 ? 8 : 11;
	struct f80 r = from_ieee(&c, v, fbits, ebits);

	*denormal = (c.flags & SF80_DE) != 0;
	if (c.flags & SF80_IE)
		r.signif &= ~(1ull << 62); /* keep it signaling for the operation */
	return r;
}

struct f80 sf80_from_f32(struct sf80_ctx *c, uint32_t v)
{
	return from_ieee(c, v, 23, 8);
}

struct f80 sf80_from_f64(struct sf80_ctx *c, uint64_t v)
{
	return from_ieee(c, v, 52, 11);
}

static uint64_t to_ieee(struct sf80_ctx *c, struct f80 a, unsigned fbits, unsigned ebits,
			const struct sf80_format *f)
{
	uint64_t sign = (uint64_t)f80_sign(a) << (fbits + ebits);
	uint64_t emask = (1ull << ebits) - 1;
	int32_t e;
	uint64_t m;
	struct sf80_rounded r;

	if (sf80_is_unsupported(a)) {
		c->flags |= SF80_IE;
		return (1ull << (fbits + ebits)) | (emask << fbits) | (1ull << (fbits - 1));
	}
	if (sf80_is_nan(a)) {
		if (sf80_is_snan(a))
			c->flags |= SF80_IE;
		return sign | (emask << fbits) | (1ull << (fbits - 1)) |
		       ((a.signif << 1) >> (64 - fbits));
	}
	if (sf80_inf(a))
		return sign | (emask << fbits);
	if (sf80_zero(a))
		return sign;
	sf80_unpack(a, &e, &m);
	r = sf80_round(c, f80_sign(a), e, (u128)m << 64, fbits + 1, f);
	/* Field exponent = r.exp - (emin - 1); the denormal marker emin-1 becomes 0. */
	return sign | ((uint64_t)(r.exp - (f->emin - 1)) << fbits) |
	       ((r.sig >> (63 - fbits)) & ((1ull << fbits) - 1));
}

uint32_t sf80_to_f32(struct sf80_ctx *c, struct f80 a)
{
	return (uint32_t)to_ieee(c, a, 23, 8, &fmt_f32);
}

uint64_t sf80_to_f64(struct sf80_ctx *c, struct f80 a)
{
	return to_ieee(c, a, 52, 11, &fmt_f64);
}

struct f80 sf80_from_bcd(const uint8_t bcd[10])
{
	uint64_t v = 0;
	struct f80 r;

	for (int i = 8; i >= 0; i--)
		v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 0xf);
	r = sf80_from_int((int64_t)v);
	if (bcd[9] & 0x80)
		r.sign_exp |= 0x8000;
	return r;
}

void sf80_to_bcd(struct sf80_ctx *c, struct f80 a, uint8_t bcd[10])
{
	bool big, inexact, inc;
	uint64_t v;

	for (int i = 0; i < 10; i++)
		bcd[i] = 0;
	if (sf80_is_nan(a) || sf80_is_unsupported(a) || sf80_inf(a))
		goto indefinite;
	v = sf80_round_to_integer(c, a, sf80_rc(c), &big, &inexact, &inc);
	if (big || v > 999999999999999999ull)
		goto indefinite;
	if (inexact) {
		c->flags |= SF80_PE;
		c->rounded_up = inc;
	}
	for (int i = 0; i < 9; i++) {
		bcd[i] = (uint8_t)((v % 10) | ((v / 10 % 10) << 4));
		v /= 100;
	}
	bcd[9] = f80_sign(a) ? 0x80 : 0;
	return;
indefinite:
	/* Packed BCD integer indefinite (SDM Vol. 1, 4.7, Table 4-4). */
	c->flags |= SF80_IE;
	bcd[9] = bcd[8] = 0xff;
	bcd[7] = 0xc0;
}

/*
 * FLD1 … FLDZ (SDM Vol. 1, 8.3.8 "Load Constant Instructions"): the constants as the
 * 64-bit truncation of the true value plus whether the next bits are above, at or below
 * half an ulp; RC then picks the neighbour (8.3.8: rounded per RC, PC ignored).
 */
struct f80 sf80_const(const struct sf80_ctx *c, unsigned which, bool *rounded_up)
{
	static const struct {
		uint16_t exp;
		uint64_t sig;
		bool above_half; /* discarded bits > 1/2 ulp (none is exactly 1/2) */
		bool inexact;
	} k[7] = {
		{16383, 0x8000000000000000ull, false, false}, /* 1 */
		{16384, 0xd49a784bcd1b8afeull, false, true},  /* log2(10) */
		{16383, 0xb8aa3b295c17f0bbull, true, true},   /* log2(e) */
		{16384, 0xc90fdaa22168c234ull, true, true},   /* pi */
		{16381, 0x9a209a84fbcff798ull, true, true},   /* log10(2) */
		{16382, 0xb17217f7d1cf79abull, true, true},   /* ln(2) */
		{0, 0, false, false},                         /* +0.0 */
	};
	unsigned rc = sf80_rc(c);
	bool up;

	if (which > 6)
		which = 6;
	up = k[which].inexact &&
	     (rc == RC_UP || (rc == RC_NEAREST && k[which].above_half));
	*rounded_up = up;
	return f80_make(false, k[which].exp, k[which].sig + up);
}
