/* SPDX-License-Identifier: MIT */
/* Bit helpers shared by every layer. */
#ifndef NESTVM_UTIL_BITS_H
#define NESTVM_UTIL_BITS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t bits_mask(unsigned size_bytes)
{
	return size_bytes >= 8 ? ~0ULL : (1ULL << (size_bytes * 8)) - 1;
}

static inline uint64_t bits_sign_bit(unsigned size_bytes)
{
	return 1ULL << (size_bytes * 8 - 1);
}

static inline int64_t bits_sext(uint64_t v, unsigned size_bytes)
{
	unsigned shift = 64 - size_bytes * 8;
	return (int64_t)(v << shift) >> shift;
}

static inline bool bits_is_canonical(uint64_t addr, unsigned width)
{
	int64_t s = (int64_t)(addr << (64 - width)) >> (64 - width);
	return (uint64_t)s == addr;
}

/* Guest memory is little-endian; so are x86-64 and arm64 Linux hosts. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host required");

static inline uint64_t bits_load_le(const void *p, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, p, size);
	return v;
}

static inline void bits_store_le(void *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

#endif
