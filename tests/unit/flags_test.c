/* SPDX-License-Identifier: MIT */
/*
 * Lazy arithmetic flags (hw/flags.c) against SDM Vol. 1, 3.4.3.1 "Status Flags" and
 * the condition codes of Vol. 2, Appendix B.1.4.7 "Condition Test (tttn) Field".
 */
#include <string.h>

#include "hw/flags.h"
#include "test.h"

static struct cpu flags_cpu;

static struct cpu *fresh_cpu(void)
{
	memset(&flags_cpu, 0, sizeof(flags_cpu));
	flags_write(&flags_cpu, RFLAGS_FIXED1);
	return &flags_cpu;
}

static uint64_t arith(struct cpu *cpu)
{
	return flags_read(cpu) & RFLAGS_ARITH;
}

/* The conditions straight from the flag bits, as the SDM's table states them. */
static bool reference_cond(uint64_t f, unsigned cc)
{
	bool cf = f & RFLAGS_CF, zf = f & RFLAGS_ZF, sf = f & RFLAGS_SF, of = f & RFLAGS_OF;
	bool pf = f & RFLAGS_PF, v;

	switch (cc >> 1) {
	case 0: v = of; break;
	case 1: v = cf; break;
	case 2: v = zf; break;
	case 3: v = cf || zf; break;
	case 4: v = sf; break;
	case 5: v = pf; break;
	case 6: v = sf != of; break;
	default: v = zf || sf != of; break;
	}
	return v != (cc & 1);
}

TEST(flags, write_forces_bit1_and_read_back)
{
	struct cpu *cpu = fresh_cpu();

	flags_write(cpu, RFLAGS_CF | RFLAGS_IF | RFLAGS_OF);
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_CF | RFLAGS_IF | RFLAGS_OF, flags_read(cpu));
	flags_set_arith(cpu, RFLAGS_ZF | RFLAGS_PF | RFLAGS_IF);
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_ZF | RFLAGS_PF | RFLAGS_IF, flags_read(cpu));
}

TEST(flags, lazy_keeps_system_flags)
{
	struct cpu *cpu = fresh_cpu();

	flags_write(cpu, RFLAGS_IF | RFLAGS_DF | RFLAGS_CF);
	flags_set_lazy(cpu, FLAGS_OP_LOGIC, 4, 1, 1, 1);
	ASSERT_EQ(RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_DF, flags_read(cpu));
}

TEST(flags, add_every_flag)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_lazy(cpu, FLAGS_OP_ADD, 1, 0x7f, 0x01, 0x80);
	ASSERT_EQ(RFLAGS_OF | RFLAGS_SF | RFLAGS_AF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_ADD, 1, 0xff, 0x01, 0x00);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_ADD, 1, 0x80, 0x80, 0x00);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_OF | RFLAGS_ZF | RFLAGS_PF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_ADD, 8, ~0ull, 2, 1);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_AF, arith(cpu));
	/* Bits above the operand size are ignored. */
	flags_set_lazy(cpu, FLAGS_OP_ADD, 2, 0x1234ffff, 1, 0x12350000);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF | RFLAGS_PF | RFLAGS_AF, arith(cpu));
}

TEST(flags, adc_and_sbb_carry_in)
{
	struct cpu *cpu = fresh_cpu();

	/* 0xff + 0xff + 1 = 0x1ff: CF with the result equal to dst. */
	flags_set_lazy(cpu, FLAGS_OP_ADC, 1, 0xff, 0xff, 0xff);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	/* 0 + 0xffffffff + 1 = 0 with carry. */
	flags_set_lazy(cpu, FLAGS_OP_ADC, 4, 0, 0xffffffff, 0);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_ZF | RFLAGS_PF | RFLAGS_AF, arith(cpu));
	/* 5 - 5 - 1 = -1: borrow. */
	flags_set_lazy(cpu, FLAGS_OP_SBB, 2, 5, 5, 0xffff);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	/* 5 - 5 - 0 = 0. */
	flags_set_lazy(cpu, FLAGS_OP_SBB, 2, 5, 5, 0);
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF, arith(cpu));
	/* 0x8000000000000000 - 0 - 1: signed overflow, no borrow. */
	flags_set_lazy(cpu, FLAGS_OP_SBB, 8, 1ull << 63, 0, (1ull << 63) - 1);
	ASSERT_EQ(RFLAGS_OF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
}

TEST(flags, sub_every_flag)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_lazy(cpu, FLAGS_OP_SUB, 1, 0x80, 0x01, 0x7f);
	ASSERT_EQ(RFLAGS_OF | RFLAGS_AF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_SUB, 4, 0, 1, 0xffffffff);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_SUB, 8, 42, 42, 0);
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF, arith(cpu));
}

TEST(flags, inc_dec_keep_cf)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_arith(cpu, RFLAGS_CF);
	flags_set_lazy(cpu, FLAGS_OP_INC, 1, 0x7f, 1, 0x80);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_OF | RFLAGS_SF | RFLAGS_AF, arith(cpu));
	flags_set_arith(cpu, 0);
	flags_set_lazy(cpu, FLAGS_OP_INC, 1, 0xff, 1, 0x00);
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	/* CF inherited through a lazy ADD that carried, then two DECs. */
	flags_set_lazy(cpu, FLAGS_OP_ADD, 4, 0xffffffff, 1, 0);
	flags_set_lazy(cpu, FLAGS_OP_DEC, 4, 0, 1, 0xffffffff);
	flags_set_lazy(cpu, FLAGS_OP_DEC, 2, 0x8000, 1, 0x7fff);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_OF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	ASSERT_TRUE(flags_cf(cpu));
}

TEST(flags, neg_and_logic)
{
	struct cpu *cpu = fresh_cpu();

	flags_set_lazy(cpu, FLAGS_OP_NEG, 1, 0, 0x80, 0x80);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_OF | RFLAGS_SF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_NEG, 4, 0, 0, 0);
	ASSERT_EQ(RFLAGS_ZF | RFLAGS_PF, arith(cpu));
	flags_set_lazy(cpu, FLAGS_OP_NEG, 2, 0, 1, 0xffff);
	ASSERT_EQ(RFLAGS_CF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF, arith(cpu));
	flags_set_arith(cpu, RFLAGS_ARITH);
	flags_set_lazy(cpu, FLAGS_OP_LOGIC, 8, 0, 0, 0x8000000000000003ull);
	ASSERT_EQ(RFLAGS_SF | RFLAGS_PF, arith(cpu));
}

TEST(flags, parity_counts_low_byte_only)
{
	struct cpu *cpu = fresh_cpu();

	for (unsigned v = 0; v < 256; v++) {
		flags_set_lazy(cpu, FLAGS_OP_LOGIC, 2, 0, 0, 0x100 | v);
		bool even = (__builtin_popcount(v) & 1) == 0;

		ASSERT_EQ(even ? RFLAGS_PF : 0, arith(cpu) & RFLAGS_PF);
	}
}

/*
 * Every condition, for every lazy operation and size, over operand pairs around the
 * sign and carry boundaries, must agree with the materialised flags.
 */
TEST(flags, cond_all_16_match_materialised)
{
	static const uint64_t vals[] = {
		0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x7fffffffffffffffull, 0x8000000000000000ull,
		~0ull, 0x123456789abcdef0ull,
	};
	static const unsigned sizes[] = {1, 2, 4, 8};
	struct cpu *cpu = fresh_cpu();
	unsigned n = sizeof(vals) / sizeof(vals[0]);

	for (unsigned op = FLAGS_OP_ADD; op < FLAGS_OP_COUNT; op++)
		for (unsigned si = 0; si < 4; si++)
			for (unsigned i = 0; i < n; i++)
				for (unsigned j = 0; j < n; j++)
					for (unsigned cin = 0; cin < 2; cin++) {
						uint64_t d = vals[i], s = vals[j], r;

						switch (op) {
						case FLAGS_OP_ADD: r = d + s; break;
						case FLAGS_OP_ADC: r = d + s + cin; break;
						case FLAGS_OP_SUB: r = d - s; break;
						case FLAGS_OP_SBB: r = d - s - cin; break;
						case FLAGS_OP_INC: s = 1; r = d + 1; break;
						case FLAGS_OP_DEC: s = 1; r = d - 1; break;
						case FLAGS_OP_NEG: s = d; d = 0; r = 0 - s; break;
						default: r = d & s; break;
						}
						for (unsigned cc = 0; cc < 16; cc++) {
							flags_set_arith(cpu, cin ? RFLAGS_CF : 0);
							flags_set_lazy(cpu, (enum flags_op)op, sizes[si], d, s, r);
							bool fast = flags_cond(cpu, cc);
							uint64_t f = flags_read(cpu);

							if (fast != reference_cond(f, cc)) {
								printf("  op %u size %u d %#" PRIx64 " s %#" PRIx64
								       " cc %u\n", op, sizes[si], d, s, cc);
							}
							ASSERT_EQ(reference_cond(f, cc), fast);
							/* And once materialised. */
							ASSERT_EQ(reference_cond(f, cc), flags_cond(cpu, cc));
						}
					}
}

TEST(flags, cond_after_cmp_examples)
{
	struct cpu *cpu = fresh_cpu();

	/* cmp eax, ebx with eax = -1, ebx = 1: below is false, less is true. */
	flags_set_lazy(cpu, FLAGS_OP_SUB, 4, 0xffffffff, 1, 0xfffffffe);
	ASSERT_FALSE(flags_cond(cpu, 0x2)); /* B */
	ASSERT_TRUE(flags_cond(cpu, 0x7));  /* A */
	ASSERT_TRUE(flags_cond(cpu, 0xc));  /* L */
	ASSERT_TRUE(flags_cond(cpu, 0xe));  /* LE */
	ASSERT_FALSE(flags_cond(cpu, 0xf)); /* G */
	ASSERT_TRUE(flags_cond(cpu, 0x5));  /* NE */
	ASSERT_TRUE(flags_cond(cpu, 0x8));  /* S */
	ASSERT_FALSE(flags_cond(cpu, 0x0)); /* O */
	/* The lazy path must not have materialised anything. */
	ASSERT_EQ(FLAGS_OP_SUB, cpu->lazy.op);
}

TEST(flags, cond_from_materialised_bits)
{
	struct cpu *cpu = fresh_cpu();

	for (uint32_t bits = 0; bits < 64; bits++) {
		uint32_t f = ((bits & 1) ? RFLAGS_CF : 0) | ((bits & 2) ? RFLAGS_PF : 0) |
			     ((bits & 4) ? RFLAGS_ZF : 0) | ((bits & 8) ? RFLAGS_SF : 0) |
			     ((bits & 16) ? RFLAGS_OF : 0) | ((bits & 32) ? RFLAGS_AF : 0);

		flags_set_arith(cpu, f);
		for (unsigned cc = 0; cc < 16; cc++)
			ASSERT_EQ(reference_cond(f, cc), flags_cond(cpu, cc));
	}
}
