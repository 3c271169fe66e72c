// SPDX-License-Identifier: MIT
/* String instructions MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE and EFLAGS.DF (SDM Vol. 1, 7.3.9 "String Operations"; Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). */
#include "insn.h"

static uint8_t src[256], dst[256];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = seed + i * 7;
}

static void test_movs(void)
{
	void *s = src, *d = dst;
	unsigned long n = 100;
	bool ok = true;
	unsigned i;

	fill(src, sizeof(src), 3);
	memset(dst, 0, sizeof(dst));
	asm volatile("cld; rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	for (i = 0; i < 100; i++)
		ok &= dst[i] == (uint8_t)(3 + i * 7);
	report(ok && dst[100] == 0 && n == 0 && s == src + 100 && d == dst + 100,
	       "rep movsb forward: 100 bytes copied, RSI/RDI +100, RCX 0");

	/* Overlapping move up by 1 must run backwards: DF=1 starts at the last byte. */
	fill(dst, 16, 0x40);
	s = dst + 14;
	d = dst + 15;
	n = 15;
	asm volatile("std; rep movsb; cld" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
	ok = dst[0] == 0x40;
	for (i = 1; i < 16; i++)
		ok &= dst[i] == (uint8_t)(0x40 + (i - 1) * 7);
	report(ok && (uintptr_t)s == (uintptr_t)dst - 1 && d == dst, "rep movsb with DF=1: overlapping move, RSI/RDI decrement");

	memset(dst, 0, 16);
	s = src + 6;
	d = dst + 6;
	asm volatile("std; movsw; cld" : "+S"(s), "+D"(d) : : "memory");
	report(d == dst + 4 && s == src + 4 && dst[6] == src[6] && dst[7] == src[7] && dst[8] == 0,
	       "movsw with DF=1 moves 2 bytes and steps back by 2");
}

static void test_stos_lods(void)
{
	uint64_t buf[6] = { 0 };
	void *d = &buf[1];
	unsigned long n = 4, a = 0x1122334455667788;
	const void *s;

	asm volatile("cld; rep stosq" : "+D"(d), "+c"(n) : "a"(a) : "memory");
	report(buf[0] == 0 && buf[1] == a && buf[4] == a && buf[5] == 0 && d == &buf[5],
	       "rep stosq fills 4 quadwords");
	n = 0;
	d = &buf[0];
	asm volatile("cld; rep stosq" : "+D"(d), "+c"(n) : "a"(0ul) : "memory");
	report(buf[1] == a && d == &buf[0], "rep with RCX=0 does nothing");
	s = (uint8_t *)&buf[1] + 1;
	a = ~0ul;
	asm volatile("cld; lodsb" : "+S"(s), "+a"(a) : : "memory");
	report(a == 0xffffffffffffff77 && s == (uint8_t *)&buf[1] + 2,
	       "lodsb loads AL only: %#lx", a);
	a = 0;
	asm volatile("cld; lodsl" : "+S"(s), "+a"(a) : : "memory");
	report(a == 0x33445566, "lodsl zero-extends: %#lx", a);
}

static void test_cmps_scas(void)
{
	static const char a[] = "nestvm-guest", b[] = "nestvm-gUest";
	const void *s = a, *d = b;
	unsigned long n = sizeof(a), f, al;

	asm volatile("cld; repe cmpsb; pushf; pop %3" : "+S"(s), "+D"(d), "+c"(n), "=r"(f) : : "memory", "cc");
	/* Stops after comparing index 8 ('u' 0x75 vs 'U' 0x55): ZF=0, 0x75-0x55 no borrow. */
	report(s == a + 9 && d == b + 9 && n == sizeof(a) - 9 && !(f & ZF) && !(f & CF),
	       "repe cmpsb stops after the first mismatch: RCX %lu", n);
	d = a;
	n = ~0ul;
	al = 0;
	asm volatile("cld; repne scasb; pushf; pop %2" : "+D"(d), "+c"(n), "=r"(f) : "a"(al) : "memory", "cc");
	report(d == a + sizeof(a) && ~n - 1 == strlen(a) && (f & ZF),
	       "repne scasb finds the terminator: length %lu", ~n - 1);
	d = a;
	n = 3;
	asm volatile("cld; repne scasb; pushf; pop %2" : "+D"(d), "+c"(n), "=r"(f) : "a"('x') : "memory", "cc");
	report(n == 0 && d == a + 3 && !(f & ZF), "repne scasb ends on RCX=0 without a match");
}

int main(void)
{
	test_movs();
	test_stos_lods();
	test_cmps_scas();
	return report_summary();
}
