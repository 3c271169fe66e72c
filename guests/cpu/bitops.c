// SPDX-License-Identifier: MIT
/* Bit instructions: BT BTS BTR BTC (register and bit-string memory forms), BSF BSR, POPCNT LZCNT TZCNT, BSWAP (SDM Vol. 2A "BT", "BSF", "BSR"; Vol. 1, 3.1.1.8 "Bit and Byte Order"). */
#include "insn.h"

ALU2(btq_reg, "btq %[b], %[a]")
ALU2(btsl_imm, "btsl $31, %k[a]")
ALU2(btrq_reg, "btrq %[b], %[a]")
ALU2(btcw_reg, "btcw %w[b], %w[a]")
ALU2(bsfq, "bsfq %[b], %[a]")
ALU2(bsrl, "bsrl %k[b], %k[a]")
ALU2(bswapl, "bswapl %k[a]")
ALU2(bswapq, "bswapq %[a]")

static const struct alu_case cases[] = {
	{ "bt64 reg bit 5 set", btq_reg, 0x20, 5, 0, 0x20, CF, CF },
	{ "bt64 reg offset 69 is bit 5 (mod 64)", btq_reg, 0x20, 69, 0, 0x20, CF, CF },
	{ "bt64 reg bit 4 clear", btq_reg, 0x20, 4, CF, 0x20, 0, CF },
	{ "bts32 bit 31, zero-extends", btsl_imm, 0xffffffff00000001, 0, 0, 0x80000001, 0, CF },
	{ "btr64 bit 63", btrq_reg, 0x8000000000000001, 63, 0, 1, CF, CF },
	{ "btc16 offset 17 is bit 1 (mod 16)", btcw_reg, 0xffff0000, 17, CF, 0xffff0002, 0, CF },
	{ "bsf64 0xf0 = 4", bsfq, 0, 0xf0, ZF, 4, 0, ZF },
	{ "bsf64 of 0 sets ZF", bsfq, 0, 0, 0, 0, ZF, ZF },
	{ "bsr32 0x00f0 = 7", bsrl, 0, 0xf0, ZF, 7, 0, ZF },
	{ "bsr32 bit 31", bsrl, 0, 0x80000000, 0, 31, 0, ZF },
	{ "bswap32 zero-extends", bswapl, 0xffffffff12345678, 0, 0, 0x78563412, 0, 0 },
	{ "bswap64", bswapq, 0x0102030405060708, 0, 0, 0x0807060504030201, 0, 0 },
};

/* Bit-string memory forms: the register offset is signed and reaches outside the operand. */
static void test_bit_string(void)
{
	uint32_t bits[4] = { 0, 0, 0, 0 };
	uint8_t cf;
	long off;

	off = 35;
	asm volatile("btsl %k1, %0" : "+m"(bits[1]) : "r"(off) : "cc", "memory");
	report(bits[2] == 8 && bits[1] == 0, "bts32 mem offset 35 sets bit 3 of the next dword: %#x", bits[2]);
	off = -1;
	asm volatile("btsq %1, %0" : "+m"(*(uint64_t *)&bits[2]) : "r"(off) : "cc", "memory");
	report(bits[1] == 0x80000000, "bts64 mem offset -1 sets bit 63 of the previous qword: %#x", bits[1]);
	off = 64 + 3;
	asm volatile("btcq %2, %1; setc %0" : "=q"(cf), "+m"(*(uint64_t *)&bits[0]) : "r"(off) : "cc", "memory");
	report(cf == 1 && bits[2] == 0, "btc64 mem offset 67: old bit 1, now 0 (%#x)", bits[2]);
	off = 31;
	asm volatile("btrl %k2, %1; setc %0" : "=q"(cf), "+m"(bits[1]) : "r"(off) : "cc", "memory");
	report(cf == 1 && bits[1] == 0, "btr32 mem offset 31");
	asm volatile("btl $32, %1; setc %0" : "=q"(cf) : "m"(bits[0]) : "cc");
	report(cf == 0, "bt32 mem immediate 32 masks to bit 0 of the same dword");
}

static void test_counts(void)
{
	unsigned long r, f;

	if (this_cpu_has(X86_FEATURE_POPCNT)) {
		asm volatile("popcntq %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(0xf0f0f0f0f0f0f0f1ul) : "cc");
		report(r == 33 && !(f & ZF), "popcnt64 = 33");
		asm volatile("popcntq %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(0ul) : "cc");
		report(r == 0 && (f & ZF), "popcnt64 of 0 sets ZF");
	} else {
		report_skip("POPCNT not in CPUID");
	}
	if (this_cpu_has(X86_FEATURE_ABM)) {
		asm volatile("lzcntq %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(1ul) : "cc");
		report(r == 63 && !(f & CF), "lzcnt64 of 1 = 63");
		asm volatile("lzcntl %k2, %k0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(0ul) : "cc");
		report(r == 32 && (f & CF), "lzcnt32 of 0 = 32, CF=1");
	} else {
		report_skip("LZCNT not in CPUID");
	}
	if (this_cpu_has(X86_FEATURE_BMI1)) {
		asm volatile("tzcntq %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(0x100ul) : "cc");
		report(r == 8 && !(f & CF) && !(f & ZF), "tzcnt64 of 0x100 = 8");
		asm volatile("tzcntq %2, %0; pushf; pop %1" : "=r"(r), "=r"(f) : "r"(0ul) : "cc");
		report(r == 64 && (f & CF), "tzcnt64 of 0 = 64, CF=1");
	} else {
		report_skip("TZCNT (BMI1) not in CPUID");
	}
}

int main(void)
{
	run_alu_cases(cases, ARRAY_SIZE(cases));
	test_bit_string();
	test_counts();
	return report_summary();
}
