/* SPDX-License-Identifier: MIT */
/*
 * x87 transcendental functions (SDM Vol. 1, 8.3.10 "Transcendental Instructions";
 * Vol. 2 FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1) in portable C.
 *
 * Values are carried in a 128-bit-significand float ("bf") through argument reduction
 * and series evaluation, then rounded once to double extended per FCW.RC, so the
 * result is within 1 ulp of the true value (almost always correctly rounded; the
 * intermediate error is about 2^-120 relative). The hardware is not correctly rounded
 * either, and reduces with a 66-bit pi: results for arguments near multiples of pi/2
 * differ from real CPUs, which are further from the true value there. Trigonometric
 * reduction uses a 256-bit pi/2, exact enough for every |x| < 2^63.
 */
#include "hw/softfloat80.h"

#include "hw/softfloat80_int.h"

/* sign * sig * 2^(exp - 127); sig normalized (bit 127 set) unless zero. */
struct bf {
	bool neg;
	int32_t exp;
	u128 sig;
};

static struct bf bf_norm(struct bf a)
{
	int lz;

	if (!a.sig)
		return a;
	lz = sf80_clz128(a.sig);
	a.sig <<= lz;
	a.exp -= lz;
	return a;
}

static struct bf bf_make(bool neg, int32_t exp, u128 sig)
{
	struct bf r = {neg, exp, sig};

	return bf_norm(r);
}

static struct bf bf_from_f80(struct f80 a)
{
	int32_t e;
	uint64_t m;

	if (f80_exp(a) == 0 && a.signif == 0)
		return bf_make(f80_sign(a), 0, 0);
	sf80_unpack(a, &e, &m);
	return bf_make(f80_sign(a), e - 16383, (u128)m << 64);
}

/* A computed (approximated) result: always #P (and #U if tiny), as the hardware reports. */
static struct f80 bf_to_f80(struct sf80_ctx *c, struct bf a)
{
	/* The sticky bit makes an exactly representable approximation inexact too. */
	return sf80_pack(c, a.neg, a.exp + 16383, a.sig | 1, 64);
}

static struct bf bf_u128(uint64_t hi, uint64_t lo, int32_t exp)
{
	return bf_make(false, exp, (u128)hi << 64 | lo);
}

static struct bf bf_int(int64_t v)
{
	return bf_make(v < 0, 127, v < 0 ? (u128)(0 - (uint64_t)v) : (u128)v);
}

static struct bf bf_neg(struct bf a)
{
	a.neg = !a.neg;
	return a;
}

static struct bf bf_add(struct bf a, struct bf b)
{
	int32_t d;
	u128 s;

	if (!b.sig)
		return a;
	if (!a.sig)
		return b;
	if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
		struct bf t = a;

		a = b;
		b = t;
	}
	d = a.exp - b.exp;
	if (d >= 128) {
		/* b only nudges a: keep the direction for the final rounding. */
		if (a.neg == b.neg)
			a.sig |= 1;
		else
			a.sig -= 1;
		return bf_norm(a);
	}
	b.sig >>= d;
	if (a.neg == b.neg) {
		s = a.sig + b.sig;
		if (s < a.sig)
			return bf_make(a.neg, a.exp + 1, (s >> 1) | ((u128)1 << 127));
		return bf_make(a.neg, a.exp, s);
	}
	return bf_make(a.neg, a.exp, a.sig - b.sig);
}

static struct bf bf_sub(struct bf a, struct bf b)
{
	return bf_add(a, bf_neg(b));
}

static struct bf bf_mul(struct bf a, struct bf b)
{
	uint64_t ah = (uint64_t)(a.sig >> 64), al = (uint64_t)a.sig;
	uint64_t bh = (uint64_t)(b.sig >> 64), bl = (uint64_t)b.sig;
	u128 hi, mid1, mid2, lo, midsum;
	bool carry;

	if (!a.sig || !b.sig)
		return bf_make(a.neg != b.neg, 0, 0);
	hi = (u128)ah * bh;
	mid1 = (u128)ah * bl;
	mid2 = (u128)al * bh;
	lo = (u128)al * bl;
	midsum = mid1 + mid2;
	carry = midsum < mid1;
	hi += (midsum >> 64) + ((u128)carry << 64);
	if (((midsum << 64) + lo) < lo)
		hi += 1;
	/* a*b = hi * 2^128 * 2^(ea + eb - 254) */
	return bf_make(a.neg != b.neg, a.exp + b.exp + 1, hi);
}

/* a / b by restoring division: 128 quotient bits, sticky in the last. */
static struct bf bf_div(struct bf a, struct bf b)
{
	u128 n = a.sig, d = b.sig, q = 0;
	bool hi = false; /* bit 128 of the partial remainder */

	if (!a.sig)
		return a;
	for (int i = 0; i < 128; i++) {
		if (hi || n >= d) {
			n -= d;
			q = (q << 1) | 1;
		} else {
			q <<= 1;
		}
		hi = n >> 127;
		n <<= 1;
	}
	if (n || hi)
		q |= 1;
	return bf_make(a.neg != b.neg, a.exp - b.exp, q);
}

static struct bf bf_div_small(struct bf a, uint64_t d)
{
	u128 q = a.sig / d, r = a.sig % d;
	int k;

	if (!q)
		return a;
	k = sf80_clz128(q);
	q = (q << k) | ((r << k) / d);
	return bf_make(a.neg, a.exp - k, q);
}

static struct bf bf_sqrt(struct bf a)
{
	int32_t t = a.exp - 127;
	u128 n = a.sig, rem;
	uint64_t r;
	struct bf y;

	if (!a.sig)
		return a;
	if (t & 1) {
		n >>= 1;
		t += 1;
	}
	r = (uint64_t)sf80_isqrt128(n, &rem);
	y = bf_make(false, t / 2 + 63, (u128)r << 64);
	y = bf_add(y, bf_div(a, y));
	y.exp -= 1;
	return y;
}

/* pi/2 to 256 bits: value = PIO2[3]:PIO2[2]:PIO2[1]:PIO2[0] * 2^-255. */
static const uint64_t PIO2[4] = {
	0x020bbea63b139b22ull, 0x29024e088a67cc74ull, 0xc4c6628b80dc1cd1ull, 0xc90fdaa22168c234ull,
};

static struct bf bf_pio2(void)
{
	/* The correct 128-bit truncation is ...c4c6628b80dc1cd1. */
	return bf_u128(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 0);
}

static struct bf bf_ln2(void)
{
	return bf_u128(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1);
}

static struct bf bf_2_over_ln2(void)
{
	return bf_u128(0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 1);
}

static bool negligible(struct bf term, struct bf sum)
{
	return !term.sig || term.exp < sum.exp - 140;
}

/* sin r = r - r^3/3! + … and cos r = 1 - r^2/2! + … for |r| <= ~pi/4. */
static struct bf sin_poly(struct bf r)
{
	struct bf r2 = bf_mul(r, r), term = r, sum = r;

	for (uint64_t n = 1; n < 100; n++) {
		term = bf_neg(bf_div_small(bf_mul(term, r2), (2 * n) * (2 * n + 1)));
		sum = bf_add(sum, term);
		if (negligible(term, sum))
			break;
	}
	return sum;
}

static struct bf cos_poly(struct bf r)
{
	struct bf r2 = bf_mul(r, r), term = bf_int(1), sum = term;

	for (uint64_t n = 1; n < 100; n++) {
		term = bf_neg(bf_div_small(bf_mul(term, r2), (2 * n - 1) * (2 * n)));
		sum = bf_add(sum, term);
		if (negligible(term, sum))
			break;
	}
	return sum;
}

/* t + s*t^3/3 + t^5/5 + s*… (s = -1: atan, s = +1: atanh) for small |t|. */
static struct bf odd_harmonic(struct bf t, bool alternate)
{
	struct bf t2 = bf_mul(t, t), pow = t, sum = t;

	for (uint64_t n = 1; n < 200; n++) {
		struct bf term;

		pow = bf_mul(pow, t2);
		if (alternate)
			pow = bf_neg(pow);
		term = bf_div_small(pow, 2 * n + 1);
		sum = bf_add(sum, term);
		if (negligible(term, sum))
			break;
	}
	return sum;
}

/*
 * x = k * pi/2 + r with |r| <= pi/4 (about): k mod 4 in *quadrant. |x| < 2^63.
 */
static struct bf reduce(struct f80 x, unsigned *quadrant)
{
	int32_t e;
	uint64_t m, k;
	struct bf bx = bf_from_f80(x), q;
	uint64_t w[6] = {0}, kp[6] = {0};
	int shift, top;
	bool neg = false;
	u128 carry;

	*quadrant = 0;
	q = bf_div(bx, bf_pio2());
	if (q.exp < -1)
		return bx;
	/* k = round(|x| / (pi/2)) */
	q.neg = false;
	q = bf_add(q, bf_u128(0x8000000000000000ull, 0, -1));
	k = (uint64_t)(q.sig >> (127 - q.exp));
	if (!k)
		return bx;
	sf80_unpack(x, &e, &m);
	/* |x| * 2^255 = m * 2^(e - 16383 - 63 + 255) as a 384-bit integer */
	shift = e - 16383 - 63 + 255;
	for (int i = 0; i < 6; i++) {
		int lo = i * 64;

		if (shift >= lo && shift < lo + 64) {
			w[i] |= m << (shift - lo);
			if (shift - lo && i + 1 < 6)
				w[i + 1] |= m >> (64 - (shift - lo));
		}
	}
	/* kp = k * PIO2 */
	carry = 0;
	for (int i = 0; i < 4; i++) {
		u128 p = (u128)PIO2[i] * k + carry;

		kp[i] = (uint64_t)p;
		carry = p >> 64;
	}
	kp[4] = (uint64_t)carry;
	/* w = w - kp (two's complement, then magnitude) */
	{
		uint64_t borrow = 0;

		for (int i = 0; i < 6; i++) {
			uint64_t a = w[i], b = kp[i];
			uint64_t d = a - b - borrow;

			borrow = (a < b) || (a - b < borrow);
			w[i] = d;
		}
		if (borrow) {
			uint64_t c = 1;

			neg = true;
			for (int i = 0; i < 6; i++) {
				w[i] = ~w[i] + c;
				c = c && w[i] == 0;
			}
		}
	}
	top = -1;
	for (int i = 5; i >= 0 && top < 0; i--)
		if (w[i])
			top = i * 64 + 63 - __builtin_clzll(w[i]);
	*quadrant = (unsigned)(k & 3);
	if (f80_sign(x))
		*quadrant = (4 - *quadrant) & 3;
	if (top < 0)
		return bf_make(false, 0, 0);
	{
		/* the 128 bits from top down */
		u128 sig = 0;

		for (int b = 0; b < 128; b++) {
			int bit = top - b;

			sig <<= 1;
			if (bit >= 0 && ((w[bit / 64] >> (bit % 64)) & 1))
				sig |= 1;
		}
		return bf_make(neg != f80_sign(x), top - 255, sig);
	}
}

/* #D; true when unmasked (the instruction stops). */
static bool denormal_traps(struct sf80_ctx *c, struct f80 a)
{
	if (f80_exp(a) != 0 || a.signif == 0)
		return false;
	c->flags |= SF80_DE;
	return !(c->fcw & SF80_DE);
}

/* Common checks for FSIN, FCOS, FSINCOS, FPTAN. Returns true with *out when done. */
static bool trig_special(struct sf80_ctx *c, struct f80 a, bool *oor, struct f80 *out)
{
	*oor = false;
	if (sf80_nan_operands(c, a, a, false, out))
		return true;
	if (sf80_inf(a)) {
		c->flags |= SF80_IE;
		*out = f80_indefinite();
		return true;
	}
	if (f80_exp(a) >= 16383 + 63) {
		*oor = true;
		*out = a;
		return true;
	}
	if (denormal_traps(c, a)) {
		*out = a;
		return true;
	}
	return false;
}

static void sincos_bf(struct f80 a, struct bf *s, struct bf *co)
{
	unsigned q;
	struct bf r = reduce(a, &q), sr = sin_poly(r), cr = cos_poly(r);

	switch (q) {
	case 0:
		*s = sr, *co = cr;
		break;
	case 1:
		*s = cr, *co = bf_neg(sr);
		break;
	case 2:
		*s = bf_neg(sr), *co = bf_neg(cr);
		break;
	default:
		*s = bf_neg(cr), *co = sr;
		break;
	}
}

static struct f80 one(void)
{
	return f80_make(false, 16383, 0x8000000000000000ull);
}

struct f80 sf80_sin(struct sf80_ctx *c, struct f80 a, bool *out_of_range)
{
	struct f80 r;
	struct bf s, co;

	if (trig_special(c, a, out_of_range, &r))
		return r;
	if (sf80_zero(a))
		return a;
	sincos_bf(a, &s, &co);
	return bf_to_f80(c, s);
}

struct f80 sf80_cos(struct sf80_ctx *c, struct f80 a, bool *out_of_range)
{
	struct f80 r;
	struct bf s, co;

	if (trig_special(c, a, out_of_range, &r))
		return r;
	if (sf80_zero(a))
		return one();
	sincos_bf(a, &s, &co);
	return bf_to_f80(c, co);
}

void sf80_sincos(struct sf80_ctx *c, struct f80 a, struct f80 *s, struct f80 *co,
		 bool *out_of_range)
{
	struct bf bs, bc;

	if (trig_special(c, a, out_of_range, s)) {
		*co = *s;
		return;
	}
	if (sf80_zero(a)) {
		*s = a;
		*co = one();
		return;
	}
	sincos_bf(a, &bs, &bc);
	*s = bf_to_f80(c, bs);
	*co = bf_to_f80(c, bc);
}

struct f80 sf80_tan(struct sf80_ctx *c, struct f80 a, bool *out_of_range)
{
	struct f80 r;
	struct bf s, co;

	if (trig_special(c, a, out_of_range, &r))
		return r;
	if (sf80_zero(a))
		return a;
	if (f80_exp(a) < 16383 - 80) {
		/* tan x = x + x^3/3 + …: just above x in magnitude. */
		struct bf x = bf_from_f80(a);

		x.sig |= 1;
		return bf_to_f80(c, x);
	}
	sincos_bf(a, &s, &co);
	return bf_to_f80(c, bf_div(s, co));
}

/* atan(t) for 0 <= t <= 1: three argument halvings, then the Taylor series. */
static struct bf atan_unit(struct bf t)
{
	struct bf one_bf = bf_int(1);

	for (int i = 0; i < 3; i++)
		t = bf_div(t, bf_add(one_bf, bf_sqrt(bf_add(one_bf, bf_mul(t, t)))));
	t = odd_harmonic(t, true);
	t.exp += 3;
	return t;
}

struct f80 sf80_atan2(struct sf80_ctx *c, struct f80 y, struct f80 x)
{
	struct f80 nan;
	bool sy = f80_sign(y), sx = f80_sign(x);
	struct bf pio2 = bf_pio2(), pi = pio2, r;

	pi.exp += 1;
	if (sf80_nan_operands(c, y, x, true, &nan))
		return nan;
	if (denormal_traps(c, y) || denormal_traps(c, x))
		return y;
	if (sf80_zero(y)) {
		if (!sx)
			return y;
		r = pi;
	} else if (sf80_inf(y)) {
		if (sf80_inf(x)) {
			struct bf q = pio2;

			q.exp -= 1; /* pi/4 */
			r = sx ? bf_add(pio2, q) : q;
		} else {
			r = pio2;
		}
	} else if (sf80_inf(x)) {
		if (!sx)
			return f80_make(sy, 0, 0);
		r = pi;
	} else if (sf80_zero(x)) {
		r = pio2;
	} else {
		struct bf by = bf_from_f80(y), bx = bf_from_f80(x);

		by.neg = bx.neg = false;
		if (by.exp < bx.exp || (by.exp == bx.exp && by.sig <= bx.sig))
			r = atan_unit(bf_div(by, bx));
		else
			r = bf_sub(pio2, atan_unit(bf_div(bx, by)));
		if (sx)
			r = bf_sub(pi, r);
	}
	r.neg = sy;
	return bf_to_f80(c, r);
}

/* expm1(z) = z + z^2/2! + … for moderate |z|. */
static struct bf expm1_series(struct bf z)
{
	struct bf sum = z, pow = z;

	for (unsigned n = 2; n < 400; n++) {
		pow = bf_div_small(bf_mul(pow, z), n);
		sum = bf_add(sum, pow);
		if (!pow.sig || pow.exp < sum.exp - 140)
			break;
	}
	return sum;
}

struct f80 sf80_f2xm1(struct sf80_ctx *c, struct f80 a)
{
	struct f80 nan;
	struct bf x;

	if (sf80_nan_operands(c, a, a, false, &nan))
		return nan;
	if (sf80_zero(a))
		return a;
	if (sf80_inf(a))
		return f80_sign(a) ? f80_make(true, 16383, 0x8000000000000000ull) : a;
	if (denormal_traps(c, a))
		return a;
	x = bf_from_f80(a);
	if (x.exp >= 0) {
		/* Outside the documented -1..+1: 2^x - 1 = 2^n * 2^f - 1 with |f| <= 1/2. */
		int64_t n;
		struct bf f, p;

		if (x.exp >= 15)
			return bf_to_f80(c, x.neg ? bf_int(-1) : bf_make(false, 1 << 16, (u128)1 << 127));
		n = (int64_t)(x.sig >> (127 - x.exp));
		if ((x.sig << (x.exp + 1)) >> 127)
			n++;
		if (x.neg)
			n = -n;
		f = bf_sub(x, bf_int(n));
		p = bf_add(expm1_series(bf_mul(f, bf_ln2())), bf_int(1));
		p.exp += (int32_t)n;
		return bf_to_f80(c, bf_sub(p, bf_int(1)));
	}
	return bf_to_f80(c, expm1_series(bf_mul(x, bf_ln2())));
}

/* log2(m) for m in [1/sqrt2, sqrt2] as 2/ln2 * atanh((m-1)/(m+1)). */
static struct bf log2_near1(struct bf num, struct bf den)
{
	struct bf s = bf_div(num, den);

	return bf_mul(odd_harmonic(s, false), bf_2_over_ln2());
}

struct f80 sf80_yl2x(struct sf80_ctx *c, struct f80 y, struct f80 x)
{
	struct f80 nan;
	bool sy = f80_sign(y);

	if (sf80_nan_operands(c, y, x, true, &nan))
		return nan;
	if (f80_sign(x) && !sf80_zero(x)) {
		c->flags |= SF80_IE;
		return f80_indefinite();
	}
	if (!sf80_zero(x) && (denormal_traps(c, y) || denormal_traps(c, x)))
		return y;
	if (sf80_zero(x)) {
		if (sf80_zero(y)) {
			c->flags |= SF80_IE;
			return f80_indefinite();
		}
		if (!sf80_inf(y))
			c->flags |= SF80_ZE;
		return f80_make(!sy, 0x7fff, 0x8000000000000000ull);
	}
	if (sf80_inf(x)) {
		if (sf80_zero(y)) {
			c->flags |= SF80_IE;
			return f80_indefinite();
		}
		return f80_make(sy, 0x7fff, 0x8000000000000000ull);
	}
	{
		struct bf bx = bf_from_f80(x), m = bx, l;
		int32_t e = bx.exp;
		bool below_one = e < 0;

		m.exp = 0;
		/* m in [1, 2): move to [1/sqrt2, sqrt2) */
		if (m.sig > ((u128)0xb504f333f9de6484ull << 64)) {
			m.exp = -1;
			e += 1;
		}
		l = bf_add(bf_int(e), log2_near1(bf_sub(m, bf_int(1)), bf_add(m, bf_int(1))));
		if (!l.sig) { /* x == 1 */
			if (sf80_inf(y)) {
				c->flags |= SF80_IE;
				return f80_indefinite();
			}
			return f80_make(sy, 0, 0);
		}
		if (sf80_inf(y))
			return f80_make(sy != below_one, 0x7fff, 0x8000000000000000ull);
		if (sf80_zero(y))
			return f80_make(sy != below_one, 0, 0);
		return bf_to_f80(c, bf_mul(bf_from_f80(y), l));
	}
}

struct f80 sf80_yl2xp1(struct sf80_ctx *c, struct f80 y, struct f80 x)
{
	struct f80 nan;
	bool sy = f80_sign(y);
	struct bf bx, l;

	if (sf80_nan_operands(c, y, x, true, &nan))
		return nan;
	bx = bf_from_f80(x);
	if (sf80_inf(x) || (!sf80_zero(x) && bx.neg && bx.exp >= 0)) {
		/* Outside the documented range: log2(1 + x) through FYL2X's rules. */
		struct sf80_ctx scratch = *c;
		struct f80 onep = sf80_inf(x) ? x : sf80_add(&scratch, x, one());

		return sf80_yl2x(c, y, onep);
	}
	if (denormal_traps(c, y) || denormal_traps(c, x))
		return y;
	if (sf80_zero(x)) {
		if (sf80_inf(y)) {
			c->flags |= SF80_IE;
			return f80_indefinite();
		}
		return f80_make(sy != f80_sign(x), 0, 0);
	}
	l = log2_near1(bx, bf_add(bx, bf_int(2)));
	if (sf80_inf(y))
		return f80_make(sy != bx.neg, 0x7fff, 0x8000000000000000ull);
	if (sf80_zero(y))
		return f80_make(sy != bx.neg, 0, 0);
	return bf_to_f80(c, bf_mul(bf_from_f80(y), l));
}
