/* SPDX-License-Identifier: MIT */
/*
 * Software double-extended arithmetic with the x87 FPU's rules: rounding and precision
 * control (SDM Vol. 1, 4.8.4 "Rounding", 8.1.5.2 "Precision Control Field"), operand
 * classes (4.8.3 "Real Number and Non-number Encodings", 8.2.2 "Unsupported Double
 * Extended-Precision Floating-Point Encodings and Pseudo-Denormals"), NaN propagation
 * (4.8.3.5, Table 4-7) and the masked and unmasked responses to the six exceptions
 * (4.9 "Overview of Floating-Point Exceptions", 8.5 "x87 FPU Floating-Point Exception
 * Conditions").
 */
#include "hw/softfloat80.h"

#include "hw/softfloat80_int.h"

/* Unmasked #O / #U on a register destination: bias adjust (SDM Vol. 1, 8.5.3, 8.5.4). */
#define BIAS_ADJUST 24576

bool sf80_is_unsupported(struct f80 a)
{
	/* Unnormals, pseudo-NaNs and pseudo-infinities: exponent nonzero, integer bit 0. */
	return f80_exp(a) != 0 && !(a.signif >> 63);
}

bool sf80_is_nan(struct f80 a)
{
	return f80_exp(a) == 0x7fff && (a.signif >> 63) && (a.signif << 1) != 0;
}

bool sf80_is_snan(struct f80 a)
{
	return sf80_is_nan(a) && !((a.signif >> 62) & 1);
}

/* Denormals and pseudo-denormals (the latter are accepted as operands, 8.2.2). */
static bool is_denormal(struct f80 a)
{
	return f80_exp(a) == 0 && a.signif != 0;
}

enum sf80_class sf80_classify(struct f80 a)
{
	if (sf80_is_unsupported(a))
		return SF80_CLASS_UNSUPPORTED;
	if (sf80_is_nan(a))
		return SF80_CLASS_NAN;
	if (sf80_inf(a))
		return SF80_CLASS_INF;
	if (sf80_zero(a))
		return SF80_CLASS_ZERO;
	if (is_denormal(a))
		return SF80_CLASS_DENORMAL;
	return SF80_CLASS_NORMAL;
}

int sf80_clz128(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;

	if (hi)
		return __builtin_clzll(hi);
	if (lo)
		return 64 + __builtin_clzll(lo);
	return 128;
}

u128 sf80_shr_sticky(u128 v, int32_t n)
{
	if (n <= 0)
		return v;
	if (n >= 128)
		return v != 0;
	return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/* Finite nonzero operand as sig (normalized, bit 63 set) * 2^(exp - 16383 - 63). */
void sf80_unpack(struct f80 a, int32_t *exp, uint64_t *sig)
{
	int32_t e = f80_exp(a);
	uint64_t s = a.signif;

	if (e == 0) {
		int lz = __builtin_clzll(s);
		e = 1 - lz;
		s <<= lz;
	}
	*exp = e;
	*sig = s;
}

static unsigned prec_of(const struct sf80_ctx *c)
{
	switch ((c->fcw >> FCW_PC_SHIFT) & 3) {
	case PC_24:
		return 24;
	case PC_53:
		return 53;
	default:
		return 64; /* 01b is reserved; treated as 64 bits */
	}
}

/* Whether rounding v at bit `pos` (the result's lsb) increments the kept bits. */
static bool round_increments(unsigned rc, bool sign, u128 v, unsigned pos)
{
	u128 lsb = (u128)1 << pos, rem = v & (lsb - 1), half = lsb >> 1;

	if (!rem)
		return false;
	switch (rc) {
	case RC_NEAREST:
		return rem > half || (rem == half && (v & lsb));
	case RC_DOWN:
		return sign;
	case RC_UP:
		return !sign;
	default:
		return false;
	}
}

/*
 * Round sign * v * 2^(exp - 16383 - 127) to prec bits in a format whose normal biased
 * exponents (in double-extended bias) are emin .. emax-1. Returns the exponent (emin-1
 * for a denormal) and the 64-bit significand, integer bit at 63.
 */
struct sf80_rounded sf80_round(struct sf80_ctx *c, bool sign, int32_t exp, u128 v,
			       unsigned prec, const struct sf80_format *f)
{
	struct sf80_rounded r;
	unsigned rc = sf80_rc(c), pos = 128 - prec;
	int lz = sf80_clz128(v);
	bool inexact, inc, tiny;

	v <<= lz;
	exp -= lz;
	/*
	 * Tininess is detected after rounding (to prec bits, exponent unbounded): a value
	 * just below the smallest normal that rounds up to it is not tiny.
	 */
	if (exp == f->emin - 1 && round_increments(rc, sign, v, pos) &&
	    (v | (((u128)1 << pos) - 1)) == ~(u128)0)
		tiny = false;
	else
		tiny = exp < f->emin;
	if (tiny && (c->fcw & SF80_UE)) {
		/* Masked underflow: denormalize, then round. */
		v = sf80_shr_sticky(v, f->emin - exp);
		inexact = (v & (((u128)1 << pos) - 1)) != 0;
		inc = round_increments(rc, sign, v, pos);
		v &= ~(((u128)1 << pos) - 1);
		if (inc)
			v += (u128)1 << pos;
		if (inexact) {
			c->flags |= SF80_UE | SF80_PE;
			c->rounded_up = inc;
		}
		r.exp = (v >> 127) ? f->emin : f->emin - 1;
		r.sig = (uint64_t)(v >> 64);
		return r;
	}
	if (tiny) {
		c->flags |= SF80_UE;
		if (!f->register_dest) {
			/* Unmasked with a memory destination: only #U, nothing stored. */
			r.exp = exp;
			r.sig = (uint64_t)(v >> 64);
			return r;
		}
		exp += BIAS_ADJUST;
		if (exp < f->emin) {
			/* Still tiny after the bias adjustment (FSCALE): zero. */
			c->flags |= SF80_PE;
			c->rounded_up = false;
			r.exp = f->emin - 1;
			r.sig = 0;
			return r;
		}
	}
	inexact = (v & (((u128)1 << pos) - 1)) != 0;
	inc = round_increments(rc, sign, v, pos);
	v &= ~(((u128)1 << pos) - 1);
	if (inc) {
		v += (u128)1 << pos;
		if (v == 0) {
			v = (u128)1 << 127;
			exp++;
		}
	}
	if (exp >= f->emax) {
		if (c->fcw & SF80_OE) {
			bool to_inf = rc == RC_NEAREST || (rc == RC_DOWN && sign) ||
				      (rc == RC_UP && !sign);
			c->flags |= SF80_OE | SF80_PE;
			c->rounded_up = to_inf;
			if (to_inf) {
				r.exp = f->emax;
				r.sig = 0x8000000000000000ull;
			} else {
				r.exp = f->emax - 1;
				r.sig = ~0ull << (64 - prec);
			}
			return r;
		}
		c->flags |= SF80_OE;
		if (!f->register_dest) {
			r.exp = exp;
			r.sig = (uint64_t)(v >> 64);
			return r;
		}
		exp -= BIAS_ADJUST;
		if (exp >= f->emax) {
			/* Still too large after the bias adjustment (FSCALE): infinity. */
			c->flags |= SF80_PE;
			c->rounded_up = true;
			r.exp = f->emax;
			r.sig = 0x8000000000000000ull;
			return r;
		}
	}
	if (inexact) {
		c->flags |= SF80_PE;
		c->rounded_up = inc;
	}
	r.exp = exp;
	r.sig = (uint64_t)(v >> 64);
	return r;
}

/* A finite operand re-rounded to itself: flags #U for a tiny one when unmasked. */
struct f80 sf80_pack_exact(struct sf80_ctx *c, struct f80 a)
{
	int32_t e;
	uint64_t m;

	if (sf80_zero(a))
		return a;
	sf80_unpack(a, &e, &m);
	return sf80_pack(c, f80_sign(a), e, (u128)m << 64, 64);
}

const struct sf80_format sf80_fmt_reg = {1, 0x7fff, true};

struct f80 sf80_pack(struct sf80_ctx *c, bool sign, int32_t exp, u128 v, unsigned prec)
{
	struct sf80_rounded r;

	if (v == 0)
		return f80_make(sign, 0, 0);
	r = sf80_round(c, sign, exp, v, prec, &sf80_fmt_reg);
	return f80_make(sign, (uint16_t)r.exp, r.sig);
}

struct f80 sf80_quiet(struct f80 a)
{
	a.signif |= 1ull << 62;
	return a;
}

/* Result of an operation with a NaN or unsupported operand (Table 4-7), or 0 if none. */
bool sf80_nan_operands(struct sf80_ctx *c, struct f80 a, struct f80 b, bool two,
		       struct f80 *out)
{
	bool an = sf80_is_nan(a), bn = two && sf80_is_nan(b);

	if (sf80_is_unsupported(a) || (two && sf80_is_unsupported(b))) {
		c->flags |= SF80_IE;
		*out = f80_indefinite();
		return true;
	}
	if (!an && !bn)
		return false;
	if (sf80_is_snan(a) || (two && sf80_is_snan(b)))
		c->flags |= SF80_IE;
	if (an && bn) {
		bool as = sf80_is_snan(a), bs = sf80_is_snan(b);
		uint64_t am = a.signif | (1ull << 62), bm = b.signif | (1ull << 62);

		if (as != bs)
			*out = sf80_quiet(as ? b : a);
		else if (am != bm)
			*out = sf80_quiet(am > bm ? a : b);
		else
			*out = sf80_quiet(a.sign_exp < b.sign_exp ? a : b);
		return true;
	}
	*out = sf80_quiet(an ? a : b);
	return true;
}

static struct f80 invalid(struct sf80_ctx *c)
{
	c->flags |= SF80_IE;
	return f80_indefinite();
}

/*
 * #D for a denormal operand. True when it is unmasked: the operation stops there (no
 * result, no further exception; SDM Vol. 1, 8.5.2 "Denormal Operand Exception").
 */
static bool check_denormals(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	if (!is_denormal(a) && !is_denormal(b))
		return false;
	c->flags |= SF80_DE;
	return !(c->fcw & SF80_DE);
}

static struct f80 add_signed(struct sf80_ctx *c, struct f80 a, struct f80 b, bool negate_b)
{
	struct f80 nan;
	bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
	int32_t ea, eb;
	uint64_t ma, mb;
	u128 va, vb, v;

	if (sf80_nan_operands(c, a, b, true, &nan))
		return nan;
	if (check_denormals(c, a, b))
		return a;
	if (sf80_inf(a) || sf80_inf(b)) {
		if (sf80_inf(a) && sf80_inf(b) && sa != sb)
			return invalid(c);
		return sf80_inf(a) ? f80_make(sa, 0x7fff, a.signif) : f80_make(sb, 0x7fff, b.signif);
	}
	if (sf80_zero(a) && sf80_zero(b)) {
		bool s = sa == sb ? sa : sf80_rc(c) == RC_DOWN;
		return f80_make(s, 0, 0);
	}
	if (sf80_zero(a)) {
		sf80_unpack(b, &eb, &mb);
		return sf80_pack(c, sb, eb, (u128)mb << 64, prec_of(c));
	}
	if (sf80_zero(b)) {
		sf80_unpack(a, &ea, &ma);
		return sf80_pack(c, sa, ea, (u128)ma << 64, prec_of(c));
	}
	sf80_unpack(a, &ea, &ma);
	sf80_unpack(b, &eb, &mb);
	va = (u128)ma << 62;
	vb = (u128)mb << 62;
	if (ea < eb || (ea == eb && ma < mb)) {
		int32_t te = ea;
		u128 tv = va;
		bool ts = sa;

		ea = eb, va = vb, sa = sb;
		eb = te, vb = tv, sb = ts;
	}
	vb = sf80_shr_sticky(vb, ea - eb);
	if (sa == sb) {
		v = va + vb;
	} else {
		v = va - vb;
		if (v == 0)
			return f80_make(sf80_rc(c) == RC_DOWN, 0, 0);
	}
	return sf80_pack(c, sa, ea + 2, v, prec_of(c));
}

struct f80 sf80_add(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	return add_signed(c, a, b, false);
}

struct f80 sf80_sub(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	return add_signed(c, a, b, true);
}

struct f80 sf80_mul(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	struct f80 nan;
	bool s = f80_sign(a) ^ f80_sign(b);
	int32_t ea, eb;
	uint64_t ma, mb;

	if (sf80_nan_operands(c, a, b, true, &nan))
		return nan;
	if (sf80_inf(a) || sf80_inf(b)) {
		if (sf80_zero(a) || sf80_zero(b))
			return invalid(c);
		if (check_denormals(c, a, b))
			return a;
		return f80_make(s, 0x7fff, 0x8000000000000000ull);
	}
	if (check_denormals(c, a, b))
		return a;
	if (sf80_zero(a) || sf80_zero(b))
		return f80_make(s, 0, 0);
	sf80_unpack(a, &ea, &ma);
	sf80_unpack(b, &eb, &mb);
	return sf80_pack(c, s, ea + eb - 16383 + 1, (u128)ma * mb, prec_of(c));
}

/* Quotient ma/mb of normalized significands as a 128-bit value with sticky lsb. */
u128 sf80_div_sig(uint64_t ma, uint64_t mb, int32_t *exp_adj)
{
	u128 n, q1, r1, q2, r2;

	if (ma >= mb) {
		n = (u128)ma << 63;
		*exp_adj = 1;
	} else {
		n = (u128)ma << 64;
		*exp_adj = 0;
	}
	q1 = n / mb;
	r1 = n % mb;
	q2 = (r1 << 64) / mb;
	r2 = (r1 << 64) % mb;
	return (q1 << 64) | q2 | (r2 != 0);
}

struct f80 sf80_div(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	struct f80 nan;
	bool s = f80_sign(a) ^ f80_sign(b);
	int32_t ea, eb, adj;
	uint64_t ma, mb;
	u128 q;

	if (sf80_nan_operands(c, a, b, true, &nan))
		return nan;
	if (sf80_inf(a)) {
		if (sf80_inf(b))
			return invalid(c);
		if (check_denormals(c, a, b))
			return a;
		return f80_make(s, 0x7fff, 0x8000000000000000ull);
	}
	if (sf80_inf(b)) {
		if (check_denormals(c, a, b))
			return a;
		return f80_make(s, 0, 0);
	}
	if (sf80_zero(b)) {
		if (sf80_zero(a))
			return invalid(c);
		c->flags |= SF80_ZE;
		return f80_make(s, 0x7fff, 0x8000000000000000ull);
	}
	if (check_denormals(c, a, b))
		return a;
	if (sf80_zero(a))
		return f80_make(s, 0, 0);
	sf80_unpack(a, &ea, &ma);
	sf80_unpack(b, &eb, &mb);
	q = sf80_div_sig(ma, mb, &adj);
	return sf80_pack(c, s, ea - eb + 16383 - 1 + adj, q, prec_of(c));
}

/* floor(sqrt(n)) and the remainder n - root^2. */
u128 sf80_isqrt128(u128 n, u128 *rem)
{
	u128 res = 0, one = (u128)1 << 126;

	while (one > n)
		one >>= 2;
	while (one) {
		if (n >= res + one) {
			n -= res + one;
			res = (res >> 1) + one;
		} else {
			res >>= 1;
		}
		one >>= 2;
	}
	*rem = n;
	return res;
}

struct f80 sf80_sqrt(struct sf80_ctx *c, struct f80 a)
{
	struct f80 nan;
	int32_t e, t, s;
	uint64_t m;
	u128 n, r, rem, v;

	if (sf80_nan_operands(c, a, a, false, &nan))
		return nan;
	if (sf80_zero(a))
		return a;
	if (f80_sign(a))
		return invalid(c);
	if (sf80_inf(a))
		return a;
	if (check_denormals(c, a, a))
		return a;
	sf80_unpack(a, &e, &m);
	t = e - 16383 - 63;
	s = (t & 1) ? 63 : 64;
	n = (u128)m << s;
	r = sf80_isqrt128(n, &rem);
	v = (r << 64) | (rem > r ? (u128)1 << 63 : 0) | (rem != 0);
	return sf80_pack(c, false, 16383 + 63 + (t - s) / 2, v, prec_of(c));
}

/*
 * Round the magnitude of finite a to an integer per rc: returns the integer (saturated
 * to 2^64 + x when it does not fit in 64 bits: *big set) and whether it was inexact.
 */
uint64_t sf80_round_to_integer(struct sf80_ctx *c, struct f80 a, unsigned rc, bool *big,
			       bool *inexact, bool *inc)
{
	int32_t e, k;
	uint64_t m;
	u128 v;

	*big = false;
	*inexact = false;
	*inc = false;
	if (sf80_zero(a))
		return 0;
	sf80_unpack(a, &e, &m);
	if (e - 16383 >= 64) {
		*big = true;
		return 0;
	}
	v = (u128)m << 64;
	/* Bit k of v weighs 2^(k + e - 16383 - 127): the units bit is k = 16510 - e. */
	k = 16383 + 127 - e;
	if (k > 127) {
		v = sf80_shr_sticky(v, k - 127);
		k = 127;
	}
	*inexact = (v & (((u128)1 << k) - 1)) != 0;
	*inc = round_increments(rc, f80_sign(a), v, (unsigned)k);
	v >>= k;
	if (*inc)
		v++;
	if (v >> 64)
		*big = true;
	(void)c;
	return (uint64_t)v;
}

struct f80 sf80_round_int(struct sf80_ctx *c, struct f80 a)
{
	struct f80 nan;
	bool big, inexact, inc;
	uint64_t v;

	if (sf80_nan_operands(c, a, a, false, &nan))
		return nan;
	if (sf80_inf(a) || sf80_zero(a))
		return a;
	if (check_denormals(c, a, a))
		return a;
	if (f80_exp(a) >= 16383 + 63)
		return a;
	v = sf80_round_to_integer(c, a, sf80_rc(c), &big, &inexact, &inc);
	if (inexact) {
		c->flags |= SF80_PE;
		c->rounded_up = inc;
	}
	if (big) /* 2^64 after rounding up */
		return f80_make(f80_sign(a), 16383 + 64, 0x8000000000000000ull);
	if (!v)
		return f80_make(f80_sign(a), 0, 0);
	return sf80_pack(c, f80_sign(a), 16383 + 127, v, 64);
}

enum sf80_cmp sf80_compare(struct sf80_ctx *c, struct f80 a, struct f80 b, bool quiet_cmp)
{
	int32_t ea, eb;
	uint64_t ma, mb;
	bool sa = f80_sign(a), sb = f80_sign(b);
	int mag;

	if (sf80_is_unsupported(a) || sf80_is_unsupported(b)) {
		c->flags |= SF80_IE;
		return SF80_UNORDERED;
	}
	if (sf80_is_nan(a) || sf80_is_nan(b)) {
		if (!quiet_cmp || sf80_is_snan(a) || sf80_is_snan(b))
			c->flags |= SF80_IE;
		return SF80_UNORDERED;
	}
	check_denormals(c, a, b); /* an unmasked #D still lets the codes be set */
	if (sf80_zero(a) && sf80_zero(b))
		return SF80_EQ;
	if (sf80_zero(a))
		return sb ? SF80_GT : SF80_LT;
	if (sf80_zero(b))
		return sa ? SF80_LT : SF80_GT;
	if (sa != sb)
		return sa ? SF80_LT : SF80_GT;
	sf80_unpack(a, &ea, &ma);
	sf80_unpack(b, &eb, &mb);
	if (sf80_inf(a))
		ea = 0x10000;
	if (sf80_inf(b))
		eb = 0x10000;
	mag = ea != eb ? (ea < eb ? -1 : 1) : ma != mb ? (ma < mb ? -1 : 1) : 0;
	if (mag == 0)
		return SF80_EQ;
	if (sa)
		mag = -mag;
	return mag < 0 ? SF80_LT : SF80_GT;
}

struct f80 sf80_rem(struct sf80_ctx *c, struct f80 a, struct f80 b, bool ieee, bool *partial,
		    unsigned *quot)
{
	struct f80 nan;
	bool s = f80_sign(a);
	int32_t ea, eb, d, unit_exp;
	uint64_t ma, mb;
	u128 A, B, q, r;

	*partial = false;
	*quot = 0;
	if (sf80_nan_operands(c, a, b, true, &nan))
		return nan;
	if (sf80_inf(a) || sf80_zero(b))
		return invalid(c);
	if (check_denormals(c, a, b))
		return a;
	if (sf80_inf(b) || sf80_zero(a))
		return sf80_pack_exact(c, a);
	sf80_unpack(a, &ea, &ma);
	sf80_unpack(b, &eb, &mb);
	d = ea - eb;
	if (d >= 64) {
		/* Partial remainder: reduce the exponent by N = 32..63 (SDM Vol. 2A "FPREM"). */
		int32_t n = 32 + (d & 31);

		*partial = true;
		A = (u128)ma << n;
		B = mb;
		q = A / B;
		r = A % B;
		unit_exp = eb + (d - n);
		*quot = (unsigned)(q & 7);
		return sf80_pack(c, s, unit_exp, r << 64, 64);
	}
	if (d < -1 || (d == -1 && !ieee))
		return sf80_pack_exact(c, a);
	if (d >= 0) {
		A = (u128)ma << d;
		B = mb;
		unit_exp = eb;
	} else {
		A = ma;
		B = (u128)mb << 1;
		unit_exp = ea;
	}
	q = A / B;
	r = A % B;
	if (ieee && (r * 2 > B || (r * 2 == B && (q & 1)))) {
		q++;
		r = B - r;
		s = !s;
	}
	*quot = (unsigned)(q & 7);
	if (r == 0)
		return f80_make(f80_sign(a), 0, 0);
	return sf80_pack(c, s, unit_exp + 2, r << 62, 64);
}

struct f80 sf80_scale(struct sf80_ctx *c, struct f80 a, struct f80 b)
{
	struct f80 nan;
	int32_t ea, eb, n;
	uint64_t ma, mb;

	if (sf80_nan_operands(c, a, b, true, &nan))
		return nan;
	if (sf80_inf(b)) {
		bool up = !f80_sign(b);

		if ((sf80_zero(a) && up) || (sf80_inf(a) && !up))
			return invalid(c);
		if (check_denormals(c, a, a))
			return a;
		if (sf80_zero(a) || sf80_inf(a))
			return a;
		return up ? f80_make(f80_sign(a), 0x7fff, 0x8000000000000000ull)
			  : f80_make(f80_sign(a), 0, 0);
	}
	if (check_denormals(c, a, b))
		return a;
	if (sf80_zero(a) || sf80_inf(a))
		return a;
	/* trunc(b), clamped far beyond any finite result's reach. */
	n = 0;
	if (!sf80_zero(b)) {
		sf80_unpack(b, &eb, &mb);
		if (eb - 16383 >= 20)
			n = 1 << 20;
		else if (eb >= 16383)
			n = (int32_t)(mb >> (63 - (eb - 16383)));
		if (f80_sign(b))
			n = -n;
	}
	sf80_unpack(a, &ea, &ma);
	return sf80_pack(c, f80_sign(a), ea + n, (u128)ma << 64, 64);
}

void sf80_extract(struct sf80_ctx *c, struct f80 a, struct f80 *exp, struct f80 *sig)
{
	int32_t e;
	uint64_t m;

	if (sf80_nan_operands(c, a, a, false, sig)) {
		*exp = *sig;
		return;
	}
	if (sf80_zero(a)) {
		c->flags |= SF80_ZE;
		*exp = f80_make(true, 0x7fff, 0x8000000000000000ull);
		*sig = a;
		return;
	}
	if (sf80_inf(a)) {
		*exp = f80_make(false, 0x7fff, 0x8000000000000000ull);
		*sig = a;
		return;
	}
	if (check_denormals(c, a, a))
		return;
	sf80_unpack(a, &e, &m);
	*exp = sf80_from_int(e - 16383);
	*sig = f80_make(f80_sign(a), 16383, m);
}
