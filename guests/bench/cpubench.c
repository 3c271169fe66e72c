// SPDX-License-Identifier: MIT
/*
 * CPU-bound benchmark guest: a prime sieve (byte stores and loads, compares, branches),
 * a string-hash loop (shifts, multiplies, XOR), and memcpy through REP MOVSB, repeated
 * ROUNDS times. It prints checksums so a wrong answer is visible, then exits with success.
 * bench/run.sh measures instructions retired, wall time and MIPS.
 */
#include "libcflat.h"

#define SIEVE_N 200000
#define ROUNDS 20

static uint8_t composite[SIEVE_N + 1];
static uint8_t buf_a[65536], buf_b[65536];

static unsigned sieve(void)
{
	unsigned count = 0;

	for (unsigned i = 0; i <= SIEVE_N; i++)
		composite[i] = 0;
	for (unsigned i = 2; i <= SIEVE_N; i++) {
		if (composite[i])
			continue;
		count++;
		for (unsigned j = i * 2; j <= SIEVE_N; j += i)
			composite[j] = 1;
	}
	return count;
}

/* FNV-1a over a buffer: multiply and XOR per byte. */
static uint64_t fnv1a(const uint8_t *p, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void copy(void *dst, const void *src, unsigned long n)
{
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

int main(void)
{
	uint64_t h = 0;
	unsigned primes = 0;

	for (unsigned i = 0; i < sizeof(buf_a); i++)
		buf_a[i] = (uint8_t)(i * 7 + 3);
	for (unsigned r = 0; r < ROUNDS; r++) {
		primes = sieve();
		copy(buf_b, buf_a, sizeof(buf_a));
		h ^= fnv1a(buf_b, sizeof(buf_b)) + r;
	}
	printf("cpubench: %u primes below %u, hash 0x%lx\n", primes, SIEVE_N, h);
	/* pi(200000) = 17984: a known constant, so a broken CPU cannot pass silently. */
	report(primes == 17984, "sieve found 17984 primes");
	return report_summary();
}
