/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the integer instruction handlers against the host processor
 * (DESIGN.md "Differential testing"): the same operation runs natively through inline
 * assembly and in hw/, over edge values and a fixed pseudo-random sequence, and the
 * results and the flags SDM Vol. 2 defines for each instruction must agree. Flags the
 * SDM leaves undefined are not compared (the host may be an AMD processor). Only on
 * x86-64 hosts; elsewhere this file is empty.
 */
#if defined(__x86_64__)

#include <cpuid.h>
#include <string.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "util/bits.h"
#include "test.h"

struct native_regs {
	uint64_t rax, rbx, rcx, rdx, flags;
};

typedef void native_fn(struct native_regs *r);

/*
 * One native instruction with RAX, RDX, RCX and RFLAGS loaded from r and stored back;
 * the second operand is in any register as %[b]. The stack pointer steps over the red
 * zone before PUSHF/POPF touch the stack.
 */
#define NATIVE(name, text)                                                              \
	static void name(struct native_regs *r)                                          \
	{                                                                                \
		uint64_t a = r->rax, d = r->rdx, c = r->rcx, b = r->rbx, f = r->flags;   \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                              \
				 "push %[f]\n\t"                                           \
				 "popfq\n\t" text "\n\t"                                   \
				 "pushfq\n\t"                                              \
				 "pop %[f]\n\t"                                            \
				 "lea 128(%%rsp), %%rsp"                                   \
				 : "+a"(a), "+d"(d), [f] "+r"(f)                           \
				 : [b] "r"(b), "c"(c)                                      \
				 : "cc", "memory");                                        \
		r->rax = a;                                                              \
		r->rdx = d;                                                              \
		r->flags = f;                                                            \
	}

#define NATIVE_BIN(op)                                  \
	NATIVE(op##8, #op "b %b[b], %%al")             \
	NATIVE(op##16, #op "w %w[b], %%ax")            \
	NATIVE(op##32, #op "l %k[b], %%eax")           \
	NATIVE(op##64, #op "q %q[b], %%rax")

#define NATIVE_BIN_NO8(op)                              \
	NATIVE(op##16, #op "w %w[b], %%ax")            \
	NATIVE(op##32, #op "l %k[b], %%eax")           \
	NATIVE(op##64, #op "q %q[b], %%rax")

#define NATIVE_UN(op)                                   \
	NATIVE(op##8, #op "b %%al")                    \
	NATIVE(op##16, #op "w %%ax")                   \
	NATIVE(op##32, #op "l %%eax")                  \
	NATIVE(op##64, #op "q %%rax")

#define NATIVE_SHIFT(op)                                \
	NATIVE(op##8, #op "b %%cl, %%al")              \
	NATIVE(op##16, #op "w %%cl, %%ax")             \
	NATIVE(op##32, #op "l %%cl, %%eax")            \
	NATIVE(op##64, #op "q %%cl, %%rax")

#define NATIVE_DSHIFT(op)                               \
	NATIVE(op##16, #op "w %%cl, %w[b], %%ax")      \
	NATIVE(op##32, #op "l %%cl, %k[b], %%eax")     \
	NATIVE(op##64, #op "q %%cl, %q[b], %%rax")

/* One-operand forms on rDX:rAX with the source in %[b]. */
#define NATIVE_ACC(op)                                  \
	NATIVE(op##8, #op "b %b[b]")                   \
	NATIVE(op##16, #op "w %w[b]")                  \
	NATIVE(op##32, #op "l %k[b]")                  \
	NATIVE(op##64, #op "q %q[b]")

NATIVE_BIN(add)
NATIVE_BIN(adc)
NATIVE_BIN(sub)
NATIVE_BIN(sbb)
NATIVE_BIN(and)
NATIVE_BIN(or)
NATIVE_BIN(xor)
NATIVE_BIN(cmp)
NATIVE_BIN(test)
NATIVE_UN(inc)
NATIVE_UN(dec)
NATIVE_UN(neg)
NATIVE_UN(not)
NATIVE_SHIFT(shl)
NATIVE_SHIFT(shr)
NATIVE_SHIFT(sar)
NATIVE_SHIFT(rol)
NATIVE_SHIFT(ror)
NATIVE_SHIFT(rcl)
NATIVE_SHIFT(rcr)
NATIVE_DSHIFT(shld)
NATIVE_DSHIFT(shrd)
NATIVE_ACC(mul)
NATIVE_ACC(imul)
NATIVE_ACC(div)
NATIVE_ACC(idiv)
NATIVE(imul2_16, "imulw %w[b], %%ax")
NATIVE(imul2_32, "imull %k[b], %%eax")
NATIVE(imul2_64, "imulq %q[b], %%rax")
NATIVE_BIN_NO8(bt)
NATIVE_BIN_NO8(bts)
NATIVE_BIN_NO8(btr)
NATIVE_BIN_NO8(btc)
NATIVE_BIN_NO8(bsf)
NATIVE_BIN_NO8(bsr)
NATIVE_BIN_NO8(lzcnt)
NATIVE_BIN_NO8(tzcnt)
NATIVE_BIN_NO8(popcnt)
NATIVE(bswap32, "bswapl %%eax")
NATIVE(bswap64, "bswapq %%rax")

enum diff_kind {
	DK_BIN,    /* op rax, rbx */
	DK_UN,     /* op rax */
	DK_SHIFT,  /* op rax, cl */
	DK_DSHIFT, /* op rax, rbx, cl */
	DK_ACC,    /* op rbx, on rdx:rax */
	DK_BSWAP,  /* op rax */
};

/* What the SDM defines, beyond the result, for one operation. */
enum diff_flags {
	DF_ALL,     /* all six arithmetic flags */
	DF_LOGIC,   /* all but AF */
	DF_SHIFT,   /* SHL/SHR/SAR rules */
	DF_ROTATE,  /* ROL/ROR/RCL/RCR rules */
	DF_DSHIFT,  /* SHLD/SHRD rules */
	DF_MUL,     /* CF, OF */
	DF_DIV,     /* none; #DE cases checked */
	DF_BT,      /* CF, ZF unaffected */
	DF_SCAN,    /* ZF */
	DF_CNT,     /* CF, ZF */
	DF_NONE,
};

struct diff_op {
	const char *name;
	insn_fn *fn;
	enum diff_kind kind;
	enum diff_flags flags;
	native_fn *native[4]; /* by size 1, 2, 4, 8 */
	bool is_signed_div;
};

#define SIZES4(op) {op##8, op##16, op##32, op##64}
#define SIZES3(op) {0, op##16, op##32, op##64}

static const struct diff_op diff_ops[] = {
	{"add", exec_add, DK_BIN, DF_ALL, SIZES4(add), false},
	{"adc", exec_adc, DK_BIN, DF_ALL, SIZES4(adc), false},
	{"sub", exec_sub, DK_BIN, DF_ALL, SIZES4(sub), false},
	{"sbb", exec_sbb, DK_BIN, DF_ALL, SIZES4(sbb), false},
	{"and", exec_and, DK_BIN, DF_LOGIC, SIZES4(and), false},
	{"or", exec_or, DK_BIN, DF_LOGIC, SIZES4(or), false},
	{"xor", exec_xor, DK_BIN, DF_LOGIC, SIZES4(xor), false},
	{"cmp", exec_cmp, DK_BIN, DF_ALL, SIZES4(cmp), false},
	{"test", exec_test, DK_BIN, DF_LOGIC, SIZES4(test), false},
	{"inc", exec_inc, DK_UN, DF_ALL, SIZES4(inc), false},
	{"dec", exec_dec, DK_UN, DF_ALL, SIZES4(dec), false},
	{"neg", exec_neg, DK_UN, DF_ALL, SIZES4(neg), false},
	{"not", exec_not, DK_UN, DF_ALL, SIZES4(not), false},
	{"shl", exec_shl, DK_SHIFT, DF_SHIFT, SIZES4(shl), false},
	{"shr", exec_shr, DK_SHIFT, DF_SHIFT, SIZES4(shr), false},
	{"sar", exec_sar, DK_SHIFT, DF_SHIFT, SIZES4(sar), false},
	{"rol", exec_rol, DK_SHIFT, DF_ROTATE, SIZES4(rol), false},
	{"ror", exec_ror, DK_SHIFT, DF_ROTATE, SIZES4(ror), false},
	{"rcl", exec_rcl, DK_SHIFT, DF_ROTATE, SIZES4(rcl), false},
	{"rcr", exec_rcr, DK_SHIFT, DF_ROTATE, SIZES4(rcr), false},
	{"shld", exec_shld, DK_DSHIFT, DF_DSHIFT, SIZES3(shld), false},
	{"shrd", exec_shrd, DK_DSHIFT, DF_DSHIFT, SIZES3(shrd), false},
	{"mul", exec_mul, DK_ACC, DF_MUL, SIZES4(mul), false},
	{"imul", exec_imul, DK_ACC, DF_MUL, SIZES4(imul), false},
	{"imul2", exec_imul, DK_BIN, DF_MUL, SIZES3(imul2_), false},
	{"div", exec_div, DK_ACC, DF_DIV, SIZES4(div), false},
	{"idiv", exec_idiv, DK_ACC, DF_DIV, SIZES4(idiv), true},
	{"bt", exec_bt, DK_BIN, DF_BT, SIZES3(bt), false},
	{"bts", exec_bts, DK_BIN, DF_BT, SIZES3(bts), false},
	{"btr", exec_btr, DK_BIN, DF_BT, SIZES3(btr), false},
	{"btc", exec_btc, DK_BIN, DF_BT, SIZES3(btc), false},
	{"bsf", exec_bsf, DK_BIN, DF_SCAN, SIZES3(bsf), false},
	{"bsr", exec_bsr, DK_BIN, DF_SCAN, SIZES3(bsr), false},
	{"lzcnt", exec_lzcnt, DK_BIN, DF_CNT, SIZES3(lzcnt), false},
	{"tzcnt", exec_tzcnt, DK_BIN, DF_CNT, SIZES3(tzcnt), false},
	{"popcnt", exec_popcnt, DK_BIN, DF_ALL, SIZES3(popcnt), false},
	{"bswap", exec_bswap, DK_BSWAP, DF_NONE, {0, 0, bswap32, bswap64}, false},
};

static const uint64_t edges[] = {
	0, 1, 2, 3, 7, 8, 9, 0xf, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0x99, 0xfe, 0xff, 0x100,
	0x7fff, 0x8000, 0x8001, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
	0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0x8000000000000001ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
	0x0f0f0f0f0f0f0f0full,
};

static const uint64_t counts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255};

#define N_EDGES (sizeof(edges) / sizeof(edges[0]))
#define N_COUNTS (sizeof(counts) / sizeof(counts[0]))

static uint64_t rng_state;

/* xorshift64*: a fixed sequence, so every run tests the same values. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Random values of every magnitude, half of them negative. */
static uint64_t rng_value(void)
{
	uint64_t v = rng() >> (rng() & 63);

	return (rng() & 1) ? 0 - v : v;
}

static bool host_has(unsigned leaf, unsigned reg, unsigned bit)
{
	unsigned r[4] = {0};

	if (!__get_cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3]))
		return false;
	return (r[reg] >> bit) & 1;
}

static unsigned size_index(unsigned size)
{
	return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

/* The flags to compare; UINT32_MAX when the SDM leaves the whole result undefined. */
static uint32_t defined_flags(const struct diff_op *d, unsigned size, uint64_t count)
{
	unsigned bits = 8 * size, masked = (unsigned)count & (size == 8 ? 63 : 31);
	const uint32_t szp = RFLAGS_SF | RFLAGS_ZF | RFLAGS_PF;

	switch (d->flags) {
	case DF_ALL:
		return RFLAGS_ARITH;
	case DF_LOGIC:
		return RFLAGS_ARITH & ~RFLAGS_AF;
	case DF_SHIFT:
		if (masked == 0)
			return RFLAGS_ARITH;
		if (masked >= bits && d->fn != exec_sar)
			return szp;
		return szp | RFLAGS_CF | (masked == 1 ? RFLAGS_OF : 0);
	case DF_ROTATE:
		if (masked == 0)
			return RFLAGS_ARITH;
		return szp | RFLAGS_AF | RFLAGS_CF | (masked == 1 ? RFLAGS_OF : 0);
	case DF_DSHIFT:
		if (masked == 0)
			return RFLAGS_ARITH;
		if (masked > bits)
			return UINT32_MAX;
		return szp | RFLAGS_CF | (masked == 1 ? RFLAGS_OF : 0);
	case DF_MUL:
		return RFLAGS_CF | RFLAGS_OF;
	case DF_BT:
		return RFLAGS_CF | RFLAGS_ZF;
	case DF_SCAN:
		return RFLAGS_ZF;
	case DF_CNT:
		return RFLAGS_CF | RFLAGS_ZF;
	default:
		return 0;
	}
}

/* Whether DIV or IDIV must raise #DE, from 128-bit arithmetic. */
static bool divide_faults(bool is_signed, unsigned size, uint64_t rax, uint64_t rdx,
			  uint64_t divisor)
{
	unsigned bits = 8 * size;
	uint64_t m = bits_mask(size);
	unsigned __int128 n;

	divisor &= m;
	if (divisor == 0)
		return true;
	if (size == 1)
		n = rax & 0xffff;
	else
		n = ((unsigned __int128)(rdx & m) << bits) | (rax & m);
	if (!is_signed) {
		if (size == 8)
			return (rdx >= divisor);
		return n / divisor > m;
	}
	__int128 sn = (__int128)(n << (128 - 2 * bits)) >> (128 - 2 * bits);
	__int128 sd = bits_sext(divisor, size);
	__int128 max = (__int128)(m >> 1), min = -max - 1;

	if (size == 8) {
		if (sd == -1)
			return sn == min || sn > max || sn < min;
		if (sd == 1)
			return sn > max || sn < min;
	}
	__int128 q = sn / sd;

	return q > max || q < min;
}

static struct cpu diff_cpu;

/*
 * Run op at size on (a, b, c) with rdx and flags fin both ways; returns false and
 * prints the case on a mismatch.
 */
static bool diff_one(const struct diff_op *d, unsigned size, uint64_t a, uint64_t b,
		     uint64_t c, uint64_t rdx, uint64_t fin)
{
	struct cpu *cpu = &diff_cpu;
	struct insn in;
	struct native_regs nr = {a, b, c, rdx, fin};
	uint32_t mask = defined_flags(d, size, c);
	enum exec_status st;

	if (mask == UINT32_MAX)
		return true;
	memset(&in, 0, sizeof(in));
	in.opsize = (uint8_t)size;
	in.addrsize = 8;
	in.op[0].kind = OPK_REG;
	in.op[0].size = (uint8_t)size;
	in.op[0].reg = R_RAX;
	in.op[1].kind = OPK_REG;
	in.op[1].size = (uint8_t)size;
	in.op[1].reg = R_RBX;
	in.op[2].kind = OPK_REG;
	in.op[2].size = 1;
	in.op[2].reg = R_RCX;
	switch (d->kind) {
	case DK_BIN:
		in.nops = 2;
		break;
	case DK_UN:
	case DK_BSWAP:
		in.nops = 1;
		break;
	case DK_SHIFT:
		in.nops = 2;
		in.op[1] = in.op[2];
		break;
	case DK_DSHIFT:
		in.nops = 3;
		break;
	case DK_ACC:
		in.nops = 1;
		in.op[0].reg = R_RBX;
		break;
	}

	cpu->gpr[R_RAX] = a;
	cpu->gpr[R_RBX] = b;
	cpu->gpr[R_RCX] = c;
	cpu->gpr[R_RDX] = rdx;
	flags_write(cpu, fin);
	cpu->fault.vector = 0xff;
	st = d->fn(cpu, &in);

	if (d->flags == DF_DIV) {
		bool faults = divide_faults(d->is_signed_div, size, a, rdx, b);

		if (faults || st != EXEC_OK) {
			if (faults && st == EXEC_FAULT && cpu->fault.vector == VEC_DE &&
			    cpu->gpr[R_RAX] == a && cpu->gpr[R_RDX] == rdx)
				return true;
			printf("  %s/%u rax %#" PRIx64 " rdx %#" PRIx64 " src %#" PRIx64
			       ": #DE expected %d, status %d\n",
			       d->name, size, a, rdx, b, faults, st);
			return false;
		}
	}
	if (st != EXEC_OK) {
		printf("  %s/%u: status %d\n", d->name, size, st);
		return false;
	}
	d->native[size_index(size)](&nr);

	uint64_t got_f = flags_read(cpu) & mask, want_f = nr.flags & mask;

	if (cpu->gpr[R_RAX] != nr.rax || cpu->gpr[R_RDX] != nr.rdx || got_f != want_f) {
		printf("  %s/%u a %#" PRIx64 " b %#" PRIx64 " c %#" PRIx64 " rdx %#" PRIx64
		       " flags %#" PRIx64 "\n"
		       "    want rax %#" PRIx64 " rdx %#" PRIx64 " flags %#" PRIx64 "\n"
		       "    got  rax %#" PRIx64 " rdx %#" PRIx64 " flags %#" PRIx64 "\n",
		       d->name, size, a, b, c, rdx, fin, nr.rax, nr.rdx, want_f,
		       cpu->gpr[R_RAX], cpu->gpr[R_RDX], got_f);
		return false;
	}
	return true;
}

/* Input flags: the carry both ways, the other arithmetic flags at random. */
static uint64_t random_flags(unsigned cf)
{
	return RFLAGS_FIXED1 | ((rng() & RFLAGS_ARITH) & ~(uint64_t)RFLAGS_CF) |
	       (cf ? RFLAGS_CF : 0);
}

/* rDX for DIV and IDIV: often small or a sign extension, so most cases do not fault. */
static uint64_t pick_rdx(uint64_t a, unsigned i)
{
	switch (i & 3) {
	case 0:
		return 0;
	case 1:
		return (int64_t)a < 0 ? ~0ull : 0;
	case 2:
		return rng() & 0xff;
	default:
		return rng_value();
	}
}

static bool diff_op_size(const struct diff_op *d, unsigned size)
{
	enum { RANDOM_PAIRS = 1500, RANDOM_SHIFTS = 400 };

	for (unsigned cf = 0; cf < 2; cf++) {
		if (d->kind == DK_SHIFT || d->kind == DK_DSHIFT) {
			for (unsigned i = 0; i < N_EDGES + RANDOM_SHIFTS; i++) {
				uint64_t a = i < N_EDGES ? edges[i] : rng_value(), b = rng_value();

				for (unsigned k = 0; k < N_COUNTS + 2; k++) {
					uint64_t c = k < N_COUNTS ? counts[k] : rng() & 0xff;

					if (!diff_one(d, size, a, b, c, 0, random_flags(cf)))
						return false;
				}
			}
			continue;
		}
		for (unsigned i = 0; i < N_EDGES * N_EDGES + RANDOM_PAIRS; i++) {
			uint64_t a, b;

			if (i < N_EDGES * N_EDGES) {
				a = edges[i / N_EDGES];
				b = edges[i % N_EDGES];
			} else {
				a = rng_value();
				b = rng_value();
			}
			if (!diff_one(d, size, a, b, rng() & 0xff, pick_rdx(a, i),
				      random_flags(cf)))
				return false;
		}
	}
	return true;
}

static void diff_run(const char *name)
{
	static const unsigned sizes[] = {1, 2, 4, 8};

	memset(&diff_cpu, 0, sizeof(diff_cpu));
	rng_state = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < sizeof(diff_ops) / sizeof(diff_ops[0]); i++) {
		const struct diff_op *d = &diff_ops[i];

		if (strcmp(d->name, name) != 0)
			continue;
		for (unsigned s = 0; s < 4; s++) {
			if (!d->native[s])
				continue;
			if (!diff_op_size(d, sizes[s])) {
				unit_fail_msg(__FILE__, __LINE__, "differs from the host CPU");
				return;
			}
		}
	}
}

TEST(alu_diff, add_adc_sub_sbb_cmp)
{
	diff_run("add");
	diff_run("adc");
	diff_run("sub");
	diff_run("sbb");
	diff_run("cmp");
}

TEST(alu_diff, logic)
{
	diff_run("and");
	diff_run("or");
	diff_run("xor");
	diff_run("test");
}

TEST(alu_diff, inc_dec_neg_not)
{
	diff_run("inc");
	diff_run("dec");
	diff_run("neg");
	diff_run("not");
}

TEST(alu_diff, shifts)
{
	diff_run("shl");
	diff_run("shr");
	diff_run("sar");
}

TEST(alu_diff, rotates)
{
	diff_run("rol");
	diff_run("ror");
	diff_run("rcl");
	diff_run("rcr");
}

TEST(alu_diff, double_shifts)
{
	diff_run("shld");
	diff_run("shrd");
}

TEST(alu_diff, mul_imul)
{
	diff_run("mul");
	diff_run("imul");
	diff_run("imul2");
}

TEST(alu_diff, div_idiv)
{
	diff_run("div");
	diff_run("idiv");
}

TEST(alu_diff, bit_test_and_scan)
{
	diff_run("bt");
	diff_run("bts");
	diff_run("btr");
	diff_run("btc");
	diff_run("bsf");
	diff_run("bsr");
	diff_run("bswap");
}

TEST(alu_diff, lzcnt_tzcnt_popcnt)
{
	/* Without the feature the F3 prefix is ignored and the host would run BSR/BSF. */
	if (host_has(0x80000001, 2, 5))
		diff_run("lzcnt");
	if (host_has(7, 1, 3))
		diff_run("tzcnt");
	if (host_has(1, 2, 23))
		diff_run("popcnt");
}

#endif
