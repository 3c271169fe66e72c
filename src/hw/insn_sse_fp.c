// SPDX-License-Identifier: MIT
/*
 * SSE/SSE2/SSE3/SSE4.1 floating point: arithmetic, comparisons, conversions, rounding
 * and dot products (SDM Vol. 1, Chapter 10 "Programming with SSE", 11 "… SSE2", 12
 * "… SSE3, SSSE3, SSE4"; Vol. 1, 4.8.3.7 and Table 4-7 "Rules for Handling NaNs";
 * 11.5 "SSE, SSE2, and SSE3 Exceptions"). The host does the IEEE 754 arithmetic, which
 * is exact and identical everywhere; what differs between hosts — NaN results, DAZ,
 * FTZ, the denormal-operand flag, integer conversion overflow — is done here.
 */
#include "hw/simd.h"

#include <Zydis/Zydis.h>
#include <fenv.h>
#include <math.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

/* The floating-point environment of one instruction: MXCSR in, flags raised. */
struct fp_env {
	uint32_t mxcsr;
	uint32_t flags;
	uint32_t earlier; /* flags of completed stages (DPPS), all masked */
	int host_round;
};

/* Bit layout of single (sz 4) and double (sz 8) precision. */
static uint64_t sign_bit(unsigned sz)
{
	return sz == 4 ? 0x80000000ull : 0x8000000000000000ull;
}

static uint64_t exp_mask(unsigned sz)
{
	return sz == 4 ? 0x7f800000ull : 0x7ff0000000000000ull;
}

static uint64_t mant_mask(unsigned sz)
{
	return sz == 4 ? 0x007fffffull : 0x000fffffffffffffull;
}

static uint64_t quiet_bit(unsigned sz)
{
	return sz == 4 ? 0x00400000ull : 0x0008000000000000ull;
}

static bool is_nan(uint64_t x, unsigned sz)
{
	return (x & exp_mask(sz)) == exp_mask(sz) && (x & mant_mask(sz));
}

static bool is_snan(uint64_t x, unsigned sz)
{
	return is_nan(x, sz) && !(x & quiet_bit(sz));
}

static bool is_denormal(uint64_t x, unsigned sz)
{
	return !(x & exp_mask(sz)) && (x & mant_mask(sz));
}

/* QNaN floating-point indefinite (SDM Vol. 1, 4.8.3.7). */
static uint64_t default_nan(unsigned sz)
{
	return sz == 4 ? 0xffc00000ull : 0xfff8000000000000ull;
}

static double as_double(uint64_t x, unsigned sz)
{
	if (sz == 4) {
		float f;
		uint32_t u = (uint32_t)x;
		memcpy(&f, &u, 4);
		return f;
	}
	double dd;
	memcpy(&dd, &x, 8);
	return dd;
}

static uint64_t from_double(double v, unsigned sz)
{
	if (sz == 4) {
		volatile float f = (float)v; /* only for values exactly representable */
		float g = f;
		uint32_t u;
		memcpy(&u, &g, 4);
		return u;
	}
	uint64_t u;
	memcpy(&u, &v, 8);
	return u;
}

static void env_begin(struct fp_env *e, struct cpu *cpu)
{
	static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};

	e->mxcsr = cpu->simd.mxcsr;
	e->flags = 0;
	e->earlier = 0;
	e->host_round = fegetround();
	fesetround(modes[(e->mxcsr & MXCSR_RC_MASK) >> MXCSR_RC_SHIFT]);
}

static void env_end(struct fp_env *e)
{
	fesetround(e->host_round);
}

/* DAZ: denormal source operands become zero of the same sign (SDM Vol. 1, 10.2.3.4). */
static uint64_t daz(const struct fp_env *e, uint64_t x, unsigned sz)
{
	if ((e->mxcsr & MXCSR_DAZ) && is_denormal(x, sz))
		return x & sign_bit(sz);
	return x;
}

/* Host exception flags → MXCSR flags. */
static uint32_t host_flags(void)
{
	int f = fetestexcept(FE_ALL_EXCEPT);
	uint32_t m = 0;

	if (f & FE_INVALID)
		m |= MXCSR_IE;
	if (f & FE_DIVBYZERO)
		m |= MXCSR_ZE;
	if (f & FE_OVERFLOW)
		m |= MXCSR_OE;
	if (f & FE_UNDERFLOW)
		m |= MXCSR_UE;
	if (f & FE_INEXACT)
		m |= MXCSR_PE;
	return m;
}

/*
 * Post-computation fixes of a host result r: an invalid operation gives the default
 * NaN; a tiny result raises UE when UE is unmasked even if exact (SDM Vol. 1,
 * 4.9.1.5), and is flushed to zero with UE and PE under FTZ when UE is masked
 * (10.2.3.3). With UE or OE unmasked no result is delivered, and PE then says whether
 * the result rounded to the format's precision with an unbounded exponent is inexact:
 * *exact_unbounded tells (computed only then, as it costs a second operation).
 */
struct unbounded {
	bool (*exact)(const struct unbounded *u);
	int op;
	uint64_t a, b;
	unsigned sz;
};

static uint64_t post(struct fp_env *e, uint64_t r, unsigned sz, uint32_t hf,
		     const struct unbounded *ub)
{
	bool um = e->mxcsr & (MXCSR_UE << MXCSR_MASK_SHIFT);
	bool om = e->mxcsr & (MXCSR_OE << MXCSR_MASK_SHIFT);
	bool tiny = (hf & MXCSR_UE) || is_denormal(r, sz);

	if (is_nan(r, sz)) {
		r = default_nan(sz);
		hf |= MXCSR_IE;
	}
	if (tiny && um && (e->mxcsr & MXCSR_FZ)) {
		r &= sign_bit(sz);
		hf |= MXCSR_UE | MXCSR_PE;
	} else if ((tiny && !um) || ((hf & MXCSR_OE) && !om)) {
		if (tiny)
			hf |= MXCSR_UE;
		hf &= ~MXCSR_PE;
		if (!ub->exact(ub))
			hf |= MXCSR_PE;
	}
	e->flags |= hf;
	return r;
}

/* Does v (a double, or a long double) have at most p significant bits? */
static bool fits_bits(long double v, int p)
{
	int ex;
	long double m = frexpl(v, &ex);
	long double t = ldexpl(m, p);

	return t == truncl(t);
}

enum fp_op { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MIN, FOP_MAX, FOP_SQRT };

/*
 * Is a OP b exact at the format's precision with an unbounded exponent? Single precision
 * in double cannot over- or underflow; double precision works on the significands
 * (frexp) or, for sums (only overflow matters: tiny sums are exact), on operands scaled
 * by 1/4. The host's inexact flag then answers.
 */
static bool arith_exact_unbounded(const struct unbounded *u)
{
	volatile double x = as_double(u->a, u->sz), y = as_double(u->b, u->sz), v;
	int ea = 0, eb = 0;
	bool inexact;

	feclearexcept(FE_ALL_EXCEPT);
	if (u->sz == 8) {
		switch (u->op) {
		case FOP_MUL:
		case FOP_DIV:
			x = frexp(x, &ea);
			y = frexp(y, &eb);
			break;
		case FOP_SQRT:
			y = frexp(y, &eb);
			if (eb & 1)
				y = y * 2.0;
			break;
		default:
			/* A sum that is tiny is exact; only a huge one needs scaling down. */
			if (fabs(x) >= 0x1p1000 || fabs(y) >= 0x1p1000) {
				x = x * 0.25;
				y = y * 0.25;
			}
			break;
		}
	}
	switch (u->op) {
	case FOP_ADD: v = x + y; break;
	case FOP_SUB: v = x - y; break;
	case FOP_MUL: v = x * y; break;
	case FOP_DIV: v = x / y; break;
	default: v = sqrt(y); break;
	}
	inexact = fetestexcept(FE_INEXACT) != 0;
	return !inexact && (u->sz == 8 || fits_bits(v, 24));
}

#if !defined(__x86_64__) && !defined(__i386__)
/*
 * x86 detects tininess after rounding (SoftFloat's 8086-SSE specialisation agrees); Arm
 * hosts detect it before. The two differ only for results that round to ±MinNormal:
 * there, round the exact value v (computed wider) to the format's precision with an
 * unbounded exponent and see whether it stays below MinNormal.
 */
static bool tiny_after_rounding(long double v, unsigned sz)
{
	int p = sz == 4 ? 24 : 53, emin = sz == 4 ? -126 : -1022;
	long double w = rintl(ldexpl(v, p - emin));

	return fabsl(w) < ldexpl(1.0L, p);
}

static uint32_t fix_tininess(uint32_t hf, uint64_t r, unsigned sz, long double v)
{
	uint64_t min_normal = sz == 4 ? 0x00800000ull : 0x0010000000000000ull;

	if ((hf & MXCSR_UE) && (r & ~sign_bit(sz)) == min_normal && !tiny_after_rounding(v, sz))
		hf &= ~MXCSR_UE;
	return hf;
}

static long double wide_result(enum fp_op op, uint64_t a, uint64_t b, unsigned sz)
{
	long double x = as_double(a, sz), y = as_double(b, sz);

	switch (op) {
	case FOP_ADD: return x + y;
	case FOP_SUB: return x - y;
	case FOP_MUL: return x * y;
	case FOP_DIV: return x / y;
	default: return sqrtl(y);
	}
}
#endif

/* One element of an arithmetic operation: a OP b (SQRT: of b). */
static uint64_t fp_arith(struct fp_env *e, enum fp_op op, uint64_t a, uint64_t b, unsigned sz)
{
	bool unary = op == FOP_SQRT;
	volatile double va, vb, vr;
	volatile float fa, fb, fr;
	uint32_t hf;
	uint64_t r;
	bool de;

	a = daz(e, a, sz);
	b = daz(e, b, sz);
	if (op == FOP_MIN || op == FOP_MAX) {
		/* SDM Vol. 2 MINPS/MAXPS: any NaN or both zero → the second operand. */
		double x = as_double(a, sz), y = as_double(b, sz);
		if (is_nan(a, sz) || is_nan(b, sz)) {
			e->flags |= MXCSR_IE;
			return b;
		}
		if (is_denormal(a, sz) || is_denormal(b, sz))
			e->flags |= MXCSR_DE;
		if (op == FOP_MIN)
			return x < y ? a : b;
		return x > y ? a : b;
	}
	if ((!unary && is_nan(a, sz)) || is_nan(b, sz)) {
		/* Table 4-7: the first source that is a NaN, quietened; SNaN raises IE. */
		if ((!unary && is_snan(a, sz)) || is_snan(b, sz))
			e->flags |= MXCSR_IE;
		return ((!unary && is_nan(a, sz)) ? a : b) | quiet_bit(sz);
	}
	de = (!unary && is_denormal(a, sz)) || is_denormal(b, sz);
	feclearexcept(FE_ALL_EXCEPT);
	if (sz == 8) {
		va = as_double(a, 8);
		vb = as_double(b, 8);
		switch (op) {
		case FOP_ADD: vr = va + vb; break;
		case FOP_SUB: vr = va - vb; break;
		case FOP_MUL: vr = va * vb; break;
		case FOP_DIV: vr = va / vb; break;
		default: vr = sqrt(vb); break;
		}
		r = from_double(vr, 8);
	} else {
		fa = (float)as_double(a, 4);
		fb = (float)as_double(b, 4);
		switch (op) {
		case FOP_ADD: fr = fa + fb; break;
		case FOP_SUB: fr = fa - fb; break;
		case FOP_MUL: fr = fa * fb; break;
		case FOP_DIV: fr = fa / fb; break;
		default: fr = sqrtf(fb); break;
		}
		float g = fr;
		uint32_t u;
		memcpy(&u, &g, 4);
		r = u;
	}
	hf = host_flags();
#if !defined(__x86_64__) && !defined(__i386__)
	hf = fix_tininess(hf, r, sz, wide_result(op, a, b, sz));
#endif
	/* An invalid operation or a division by zero outranks the denormal operand. */
	if (de && !(hf & (MXCSR_IE | MXCSR_ZE)))
		hf |= MXCSR_DE;
	struct unbounded ub = {arith_exact_unbounded, op, a, b, sz};
	return post(e, r, sz, hf, &ub);
}

/*
 * Commit: on an unmasked exception MXCSR gets the flags (only the pre-computation ones
 * if one of those is unmasked, SDM Vol. 1, 11.5.2) and #XM/#UD is raised with the
 * destination unchanged; else MXCSR gets the flags and the caller writes the result.
 */
static enum exec_status env_commit(struct cpu *cpu, struct fp_env *e)
{
	uint32_t masks = (e->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
	uint32_t unmasked = e->flags & ~masks;
	uint32_t pre = MXCSR_IE | MXCSR_DE | MXCSR_ZE;

	env_end(e);
	if (unmasked & pre)
		e->flags &= pre;
	cpu->simd.mxcsr |= e->flags | e->earlier;
	if (unmasked)
		return simd_fp_fault(cpu);
	return EXEC_OK;
}

static uint64_t lane(const union simd_vec *v, unsigned sz, unsigned i)
{
	return sz == 4 ? v->d[i] : v->q[i];
}

static void set_lane(union simd_vec *v, unsigned sz, unsigned i, uint64_t x)
{
	if (sz == 4)
		v->d[i] = (uint32_t)x;
	else
		v->q[i] = x;
}

struct fp_form {
	enum fp_op op;
	unsigned sz;
	bool scalar;
};

static bool arith_form(uint16_t mn, struct fp_form *f)
{
	static const struct {
		uint16_t mn;
		uint8_t op;
	} tab[] = {
		{ZYDIS_MNEMONIC_ADDPS, FOP_ADD}, {ZYDIS_MNEMONIC_ADDSS, FOP_ADD},
		{ZYDIS_MNEMONIC_ADDPD, FOP_ADD}, {ZYDIS_MNEMONIC_ADDSD, FOP_ADD},
		{ZYDIS_MNEMONIC_SUBPS, FOP_SUB}, {ZYDIS_MNEMONIC_SUBSS, FOP_SUB},
		{ZYDIS_MNEMONIC_SUBPD, FOP_SUB}, {ZYDIS_MNEMONIC_SUBSD, FOP_SUB},
		{ZYDIS_MNEMONIC_MULPS, FOP_MUL}, {ZYDIS_MNEMONIC_MULSS, FOP_MUL},
		{ZYDIS_MNEMONIC_MULPD, FOP_MUL}, {ZYDIS_MNEMONIC_MULSD, FOP_MUL},
		{ZYDIS_MNEMONIC_DIVPS, FOP_DIV}, {ZYDIS_MNEMONIC_DIVSS, FOP_DIV},
		{ZYDIS_MNEMONIC_DIVPD, FOP_DIV}, {ZYDIS_MNEMONIC_DIVSD, FOP_DIV},
		{ZYDIS_MNEMONIC_MINPS, FOP_MIN}, {ZYDIS_MNEMONIC_MINSS, FOP_MIN},
		{ZYDIS_MNEMONIC_MINPD, FOP_MIN}, {ZYDIS_MNEMONIC_MINSD, FOP_MIN},
		{ZYDIS_MNEMONIC_MAXPS, FOP_MAX}, {ZYDIS_MNEMONIC_MAXSS, FOP_MAX},
		{ZYDIS_MNEMONIC_MAXPD, FOP_MAX}, {ZYDIS_MNEMONIC_MAXSD, FOP_MAX},
		{ZYDIS_MNEMONIC_SQRTPS, FOP_SQRT}, {ZYDIS_MNEMONIC_SQRTSS, FOP_SQRT},
		{ZYDIS_MNEMONIC_SQRTPD, FOP_SQRT}, {ZYDIS_MNEMONIC_SQRTSD, FOP_SQRT},
	};

	for (unsigned i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].mn == mn) {
			f->op = (enum fp_op)tab[i].op;
			f->scalar = (i & 1) != 0;
			f->sz = (i & 2) ? 8 : 4;
			return true;
		}
	}
	return false;
}

/*
 * ADD/SUB/MUL/DIV/MIN/MAX/SQRT in the PS, SS, PD and SD forms; SSE3 ADDSUBPS/PD,
 * HADDPS/PD, HSUBPS/PD (SDM Vol. 2, each by name).
 */
enum exec_status exec_sse_fp(struct cpu *cpu, const struct insn *in)
{
	union simd_vec d, s, r;
	struct fp_form f;
	struct fp_env e;
	enum exec_status st;
	uint16_t mn = in->mnemonic;
	unsigned n;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	r = d;
	env_begin(&e, cpu);
	if (arith_form(mn, &f)) {
		n = f.scalar ? 1 : 16 / f.sz;
		for (unsigned i = 0; i < n; i++)
			set_lane(&r, f.sz, i,
				 fp_arith(&e, f.op, lane(&d, f.sz, i), lane(&s, f.sz, i), f.sz));
	} else {
		unsigned sz = (mn == ZYDIS_MNEMONIC_ADDSUBPS || mn == ZYDIS_MNEMONIC_HADDPS ||
			       mn == ZYDIS_MNEMONIC_HSUBPS) ? 4 : 8;
		n = 16 / sz;
		for (unsigned i = 0; i < n; i++) {
			const union simd_vec *v = i < n / 2 ? &d : &s;
			unsigned j = 2 * (i % (n / 2));
			switch (mn) {
			case ZYDIS_MNEMONIC_ADDSUBPS:
			case ZYDIS_MNEMONIC_ADDSUBPD:
				set_lane(&r, sz, i, fp_arith(&e, (i & 1) ? FOP_ADD : FOP_SUB,
							     lane(&d, sz, i), lane(&s, sz, i), sz));
				break;
			case ZYDIS_MNEMONIC_HADDPS:
			case ZYDIS_MNEMONIC_HADDPD:
				set_lane(&r, sz, i, fp_arith(&e, FOP_ADD, lane(v, sz, j),
							     lane(v, sz, j + 1), sz));
				break;
			case ZYDIS_MNEMONIC_HSUBPS:
			case ZYDIS_MNEMONIC_HSUBPD:
				set_lane(&r, sz, i, fp_arith(&e, FOP_SUB, lane(v, sz, j),
							     lane(v, sz, j + 1), sz));
				break;
			default:
				env_end(&e);
				return cpu_ud(cpu);
			}
		}
	}
	if ((st = env_commit(cpu, &e)) != EXEC_OK)
		return st;
	return simd_write(cpu, in, 0, &r);
}

/*
 * One comparison: the CMPPS predicate (0–7) result. LT, LE, NLT, NLE signal on QNaN
 * too; EQ, UNORD, NEQ, ORD only on SNaN (SDM Vol. 2 CMPPS, Table 3-1).
 */
static bool fp_compare(struct fp_env *e, unsigned pred, uint64_t a, uint64_t b, unsigned sz)
{
	bool unord, lt, eq;

	a = daz(e, a, sz);
	b = daz(e, b, sz);
	unord = is_nan(a, sz) || is_nan(b, sz);
	if (unord) {
		bool signaling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
		if (signaling || is_snan(a, sz) || is_snan(b, sz))
			e->flags |= MXCSR_IE;
	} else if (is_denormal(a, sz) || is_denormal(b, sz)) {
		e->flags |= MXCSR_DE;
	}
	lt = !unord && as_double(a, sz) < as_double(b, sz);
	eq = !unord && as_double(a, sz) == as_double(b, sz);
	switch (pred & 7) {
	case 0: return eq;
	case 1: return lt;
	case 2: return lt || eq;
	case 3: return unord;
	case 4: return !eq;
	case 5: return !lt;
	case 6: return !(lt || eq);
	default: return !unord;
	}
}

/* CMPPS/CMPSS/CMPPD/CMPSD (imm8 predicate) and COMISS/UCOMISS/COMISD/UCOMISD. */
enum exec_status exec_sse_fpcmp(struct cpu *cpu, const struct insn *in)
{
	uint16_t mn = in->mnemonic;
	union simd_vec d, s, r;
	struct fp_env e;
	enum exec_status st;
	unsigned sz = 4, n = 4;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	if (mn == ZYDIS_MNEMONIC_CMPPD || mn == ZYDIS_MNEMONIC_CMPSD ||
	    mn == ZYDIS_MNEMONIC_COMISD || mn == ZYDIS_MNEMONIC_UCOMISD)
		sz = 8, n = 2;
	if (mn == ZYDIS_MNEMONIC_CMPSS || mn == ZYDIS_MNEMONIC_CMPSD)
		n = 1;
	r = d;
	env_begin(&e, cpu);
	if (mn == ZYDIS_MNEMONIC_COMISS || mn == ZYDIS_MNEMONIC_COMISD ||
	    mn == ZYDIS_MNEMONIC_UCOMISS || mn == ZYDIS_MNEMONIC_UCOMISD) {
		/* Unordered: ZF PF CF = 111; greater 000; less 001; equal 100; OF SF AF = 0. */
		bool signaling = mn == ZYDIS_MNEMONIC_COMISS || mn == ZYDIS_MNEMONIC_COMISD;
		uint64_t a = lane(&d, sz, 0), b = lane(&s, sz, 0);
		uint32_t fl;
		if (fp_compare(&e, 3, a, b, sz))
			fl = RFLAGS_ZF | RFLAGS_PF | RFLAGS_CF;
		else if (fp_compare(&e, 1, a, b, sz))
			fl = RFLAGS_CF;
		else if (fp_compare(&e, 0, a, b, sz))
			fl = RFLAGS_ZF;
		else
			fl = 0;
		if (!signaling) /* UCOMIS: IE only for SNaN */
			e.flags &= ~MXCSR_IE;
		if (is_snan(a, sz) || is_snan(b, sz) ||
		    (signaling && (is_nan(a, sz) || is_nan(b, sz))))
			e.flags |= MXCSR_IE;
		if ((st = env_commit(cpu, &e)) != EXEC_OK)
			return st;
		flags_set_arith(cpu, fl);
		return EXEC_OK;
	}
	for (unsigned i = 0; i < n; i++)
		set_lane(&r, sz, i,
			 fp_compare(&e, (unsigned)in->op[2].imm & 7, lane(&d, sz, i),
				    lane(&s, sz, i), sz) ? ~0ull : 0);
	if ((st = env_commit(cpu, &e)) != EXEC_OK)
		return st;
	return simd_write(cpu, in, 0, &r);
}

/* Is the double u->a exactly a single-precision significand (CVTSD2SS, CVTPD2PS)? */
static bool narrow_exact_unbounded(const struct unbounded *u)
{
	return fits_bits(as_double(u->a, 8), 24);
}

/* Float → float conversion of one element (CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS). */
static uint64_t cvt_fp(struct fp_env *e, uint64_t x, unsigned from, unsigned to)
{
	x = daz(e, x, from);
	if (is_nan(x, from)) {
		/* The NaN keeps sign and the high bits of its payload, quietened. */
		uint64_t sign = (x & sign_bit(from)) ? sign_bit(to) : 0;
		uint64_t m = x & mant_mask(from);
		if (is_snan(x, from))
			e->flags |= MXCSR_IE;
		m = to > from ? m << 29 : m >> 29;
		return sign | exp_mask(to) | quiet_bit(to) | m;
	}
	if (is_denormal(x, from))
		e->flags |= MXCSR_DE;
	if (to == 8)
		return from_double(as_double(x, 4), 8);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double v = as_double(x, 8);
	volatile float f = (float)v;
	float g = f;
	uint32_t u;
	memcpy(&u, &g, 4);
	struct unbounded ub = {narrow_exact_unbounded, 0, x, 0, 8};
#if !defined(__x86_64__) && !defined(__i386__)
	return post(e, u, 4, fix_tininess(host_flags(), u, 4, as_double(x, 8)), &ub);
#else
	return post(e, u, 4, host_flags(), &ub);
#endif
}

/* Integer → float (CVTSI2SS, CVTDQ2PS, …): rounding per MXCSR, PE when inexact. */
static uint64_t cvt_from_int(struct fp_env *e, int64_t v, unsigned to)
{
	volatile int64_t iv = v;
	uint64_t r;

	feclearexcept(FE_ALL_EXCEPT);
	if (to == 8) {
		volatile double dv = (double)iv;
		double g = dv;
		memcpy(&r, &g, 8);
	} else {
		volatile float fv = (float)iv;
		float g = fv;
		uint32_t u;
		memcpy(&u, &g, 4);
		r = u;
	}
	e->flags |= host_flags() & MXCSR_PE;
	return r;
}

/*
 * Float → integer of `bits` bits, rounding per MXCSR or truncating. NaN and out of
 * range give the integer indefinite (the sign bit alone) and IE (SDM Vol. 1, 4.8.3.6).
 */
static uint64_t cvt_to_int(struct fp_env *e, uint64_t x, unsigned from, unsigned bits,
			   bool truncate)
{
	uint64_t indefinite = 1ull << (bits - 1);
	volatile double v, rv;
	double lim = ldexp(1.0, (int)bits - 1);

	x = daz(e, x, from);
	if (is_nan(x, from)) {
		e->flags |= MXCSR_IE;
		return indefinite;
	}
	v = as_double(x, from);
	rv = truncate ? trunc(v) : nearbyint(v);
	if (!(rv >= -lim && rv < lim)) {
		e->flags |= MXCSR_IE;
		return indefinite;
	}
	if (rv != v)
		e->flags |= MXCSR_PE;
	return (uint64_t)(int64_t)rv & (bits == 64 ? ~0ull : 0xffffffffull);
}

/* All conversions (SDM Vol. 2 CVTDQ2PD … CVTTSS2SI). */
enum exec_status exec_sse_cvt(struct cpu *cpu, const struct insn *in)
{
	uint16_t mn = in->mnemonic;
	union simd_vec d, s, r;
	struct fp_env e;
	enum exec_status st;
	unsigned i;

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	memset(&d, 0, sizeof(d));
	if (in->op[0].kind == OPK_OTHER && (st = simd_read(cpu, in, 0, &d)) != EXEC_OK)
		return st;
	r = d;
	env_begin(&e, cpu);
	switch (mn) {
	case ZYDIS_MNEMONIC_CVTSS2SD:
		r.q[0] = cvt_fp(&e, s.d[0], 4, 8);
		break;
	case ZYDIS_MNEMONIC_CVTSD2SS:
		r.d[0] = (uint32_t)cvt_fp(&e, s.q[0], 8, 4);
		break;
	case ZYDIS_MNEMONIC_CVTPS2PD:
		r.q[1] = cvt_fp(&e, s.d[1], 4, 8);
		r.q[0] = cvt_fp(&e, s.d[0], 4, 8);
		break;
	case ZYDIS_MNEMONIC_CVTPD2PS:
		r.d[0] = (uint32_t)cvt_fp(&e, s.q[0], 8, 4);
		r.d[1] = (uint32_t)cvt_fp(&e, s.q[1], 8, 4);
		r.q[1] = 0;
		break;
	case ZYDIS_MNEMONIC_CVTSI2SS:
	case ZYDIS_MNEMONIC_CVTSI2SD: {
		int64_t v = in->op[1].size == 8 ? (int64_t)s.q[0] : (int64_t)s.sd[0];
		if (mn == ZYDIS_MNEMONIC_CVTSI2SS)
			r.d[0] = (uint32_t)cvt_from_int(&e, v, 4);
		else
			r.q[0] = cvt_from_int(&e, v, 8);
		break;
	}
	case ZYDIS_MNEMONIC_CVTDQ2PS:
		for (i = 0; i < 4; i++)
			r.d[i] = (uint32_t)cvt_from_int(&e, s.sd[i], 4);
		break;
	case ZYDIS_MNEMONIC_CVTPI2PS:
		for (i = 0; i < 2; i++)
			r.d[i] = (uint32_t)cvt_from_int(&e, s.sd[i], 4);
		break;
	case ZYDIS_MNEMONIC_CVTDQ2PD:
	case ZYDIS_MNEMONIC_CVTPI2PD:
		r.q[1] = cvt_from_int(&e, s.sd[1], 8);
		r.q[0] = cvt_from_int(&e, s.sd[0], 8);
		break;
	case ZYDIS_MNEMONIC_CVTSS2SI:
	case ZYDIS_MNEMONIC_CVTTSS2SI:
		r.q[0] = cvt_to_int(&e, s.d[0], 4, in->op[0].size * 8u,
				    mn == ZYDIS_MNEMONIC_CVTTSS2SI);
		break;
	case ZYDIS_MNEMONIC_CVTSD2SI:
	case ZYDIS_MNEMONIC_CVTTSD2SI:
		r.q[0] = cvt_to_int(&e, s.q[0], 8, in->op[0].size * 8u,
				    mn == ZYDIS_MNEMONIC_CVTTSD2SI);
		break;
	case ZYDIS_MNEMONIC_CVTPS2DQ:
	case ZYDIS_MNEMONIC_CVTTPS2DQ:
		for (i = 0; i < 4; i++)
			r.d[i] = (uint32_t)cvt_to_int(&e, s.d[i], 4, 32,
						      mn == ZYDIS_MNEMONIC_CVTTPS2DQ);
		break;
	case ZYDIS_MNEMONIC_CVTPS2PI:
	case ZYDIS_MNEMONIC_CVTTPS2PI:
		for (i = 0; i < 2; i++)
			r.d[i] = (uint32_t)cvt_to_int(&e, s.d[i], 4, 32,
						      mn == ZYDIS_MNEMONIC_CVTTPS2PI);
		break;
	case ZYDIS_MNEMONIC_CVTPD2DQ:
	case ZYDIS_MNEMONIC_CVTTPD2DQ:
	case ZYDIS_MNEMONIC_CVTPD2PI:
	case ZYDIS_MNEMONIC_CVTTPD2PI: {
		bool t = mn == ZYDIS_MNEMONIC_CVTTPD2DQ || mn == ZYDIS_MNEMONIC_CVTTPD2PI;
		r.d[0] = (uint32_t)cvt_to_int(&e, s.q[0], 8, 32, t);
		r.d[1] = (uint32_t)cvt_to_int(&e, s.q[1], 8, 32, t);
		r.q[1] = 0;
		break;
	}
	default:
		env_end(&e);
		return cpu_ud(cpu);
	}
	if ((st = env_commit(cpu, &e)) != EXEC_OK)
		return st;
	return simd_write(cpu, in, 0, &r);
}

/* ROUNDPS/PD/SS/SD (SDM Vol. 2 ROUNDPS, Table 4-18): imm8 rounding, PE unless imm8[3]. */
enum exec_status exec_sse_round(struct cpu *cpu, const struct insn *in)
{
	static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
	uint16_t mn = in->mnemonic;
	unsigned imm = (unsigned)in->op[2].imm;
	unsigned sz = (mn == ZYDIS_MNEMONIC_ROUNDPS || mn == ZYDIS_MNEMONIC_ROUNDSS) ? 4 : 8;
	unsigned n = (mn == ZYDIS_MNEMONIC_ROUNDSS || mn == ZYDIS_MNEMONIC_ROUNDSD) ? 1 : 16 / sz;
	union simd_vec d, s, r;
	struct fp_env e;
	enum exec_status st;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	r = d;
	env_begin(&e, cpu);
	if (!(imm & 4))
		fesetround(modes[imm & 3]);
	for (unsigned i = 0; i < n; i++) {
		uint64_t x = daz(&e, lane(&s, sz, i), sz);
		volatile double v, rv;
		if (is_nan(x, sz)) {
			if (is_snan(x, sz))
				e.flags |= MXCSR_IE;
			set_lane(&r, sz, i, x | quiet_bit(sz));
			continue;
		}
		v = as_double(x, sz);
		rv = nearbyint(v);
		if (rv != v && !(imm & 8))
			e.flags |= MXCSR_PE;
		set_lane(&r, sz, i, from_double(rv, sz));
	}
	if ((st = env_commit(cpu, &e)) != EXEC_OK)
		return st;
	return simd_write(cpu, in, 0, &r);
}

/*
 * End of a DPPS stage: an unmasked exception stops the instruction (true); else the
 * stage's flags are kept apart, so that a later stage's unmasked pre-computation
 * exception does not hide them.
 */
static bool stage_faulted(struct fp_env *e)
{
	if (e->flags & ~(e->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS)
		return true;
	e->earlier |= e->flags;
	e->flags = 0;
	return false;
}

/*
 * DPPS/DPPD (SDM Vol. 2 DPPS): masked products, summed in pairs, masked broadcast. The
 * stages (products, pair sums, final sum) run in order, and an unmasked exception in one
 * stage ends the instruction there, as on silicon.
 */
enum exec_status exec_sse_dp(struct cpu *cpu, const struct insn *in)
{
	unsigned imm = (unsigned)in->op[2].imm;
	unsigned sz = in->mnemonic == ZYDIS_MNEMONIC_DPPS ? 4 : 8, n = 16 / sz;
	union simd_vec d, s, r;
	struct fp_env e;
	enum exec_status st;
	uint64_t t[4], sum = 0;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	env_begin(&e, cpu);
	for (unsigned i = 0; i < n; i++)
		t[i] = (imm >> (4 + i)) & 1 ? fp_arith(&e, FOP_MUL, lane(&d, sz, i), lane(&s, sz, i), sz)
					    : 0;
	bool stop = stage_faulted(&e);
	if (!stop && n == 4) {
		t[0] = fp_arith(&e, FOP_ADD, t[0], t[1], sz);
		t[1] = fp_arith(&e, FOP_ADD, t[2], t[3], sz);
		stop = stage_faulted(&e);
	}
	if (!stop)
		sum = fp_arith(&e, FOP_ADD, t[0], t[1], sz);
	memset(&r, 0, sizeof(r));
	for (unsigned i = 0; i < n; i++)
		if ((imm >> i) & 1)
			set_lane(&r, sz, i, sum);
	if ((st = env_commit(cpu, &e)) != EXEC_OK)
		return st;
	return simd_write(cpu, in, 0, &r);
}

/*
 * RCPPS/RCPSS/RSQRTPS/RSQRTSS: approximations with relative error ≤ 1.5 × 2^-12 (SDM
 * Vol. 2 RCPPS). Ours is the exact reciprocal rounded to 12 significand bits; denormal
 * inputs count as zero and tiny results flush to zero; no exceptions.
 */
enum exec_status exec_sse_rcp(struct cpu *cpu, const struct insn *in)
{
	uint16_t mn = in->mnemonic;
	bool rsqrt = mn == ZYDIS_MNEMONIC_RSQRTPS || mn == ZYDIS_MNEMONIC_RSQRTSS;
	unsigned n = (mn == ZYDIS_MNEMONIC_RCPSS || mn == ZYDIS_MNEMONIC_RSQRTSS) ? 1 : 4;
	union simd_vec d, s, r;
	enum exec_status st;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	r = d;
	for (unsigned i = 0; i < n; i++) {
		uint32_t x = s.d[i], sign = x & 0x80000000u, out;
		if (is_nan(x, 4)) {
			out = x | 0x00400000u;
		} else if (!(x & 0x7f800000u)) { /* zero or denormal: ±infinity */
			out = sign | 0x7f800000u;
		} else if (rsqrt && sign) {
			out = 0xffc00000u;
		} else if ((x & 0x7f800000u) == 0x7f800000u) {
			out = sign;
		} else {
			double v = as_double(x, 4);
			double q = rsqrt ? 1.0 / sqrt(v) : 1.0 / v;
			uint64_t b;
			memcpy(&b, &q, 8);
			b = (b + (1ull << 40)) & ~((1ull << 41) - 1); /* 12 significand bits */
			memcpy(&q, &b, 8);
			if (fabs(q) < 0x1p-126)
				q = copysign(0.0, q);
			out = (uint32_t)from_double(q, 4);
		}
		r.d[i] = out;
	}
	return simd_write(cpu, in, 0, &r);
}

/* LDMXCSR / STMXCSR (SDM Vol. 2): reserved bits 31:16 → #GP(0). */
enum exec_status exec_ldmxcsr(struct cpu *cpu, const struct insn *in)
{
	uint64_t v;
	enum exec_status st;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = op_read(cpu, in, 0, &v)) != EXEC_OK)
		return st;
	if (v & ~(uint64_t)MXCSR_SUPPORTED)
		return cpu_gp0(cpu);
	cpu->simd.mxcsr = (uint32_t)v;
	return EXEC_OK;
}

enum exec_status exec_stmxcsr(struct cpu *cpu, const struct insn *in)
{
	enum exec_status st;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	return op_write(cpu, in, 0, cpu->simd.mxcsr);
}
