// SPDX-License-Identifier: MIT
/*
 * Packed-integer and bitwise SIMD instructions on XMM and MMX registers: MMX, SSE2,
 * SSSE3 and SSE4.1 integer forms, shuffles, packs and unpacks (SDM Vol. 1, 9.4, 11.4.3,
 * 12.6, 12.7, 12.8; Vol. 2, each by name).
 */
#include "hw/simd.h"

#include <Zydis/Zydis.h>

#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"

static int8_t sat_s8(int32_t x)
{
	return (int8_t)(x > 127 ? 127 : x < -128 ? -128 : x);
}

static uint8_t sat_u8(int32_t x)
{
	return (uint8_t)(x > 255 ? 255 : x < 0 ? 0 : x);
}

static int16_t sat_s16(int32_t x)
{
	return (int16_t)(x > 32767 ? 32767 : x < -32768 ? -32768 : x);
}

static uint16_t sat_u16(int32_t x)
{
	return (uint16_t)(x > 65535 ? 65535 : x < 0 ? 0 : x);
}

/* Shift count from a register/memory operand (64-bit) or an imm8. */
static uint64_t shift_count(const struct insn *in, const union simd_vec *s)
{
	return in->op[1].kind == OPK_IMM ? (in->op[1].imm & 0xff) : s->q[0];
}

static void shift_lanes(union simd_vec *r, unsigned w, unsigned size, uint64_t count,
			int dir /* 0 left, 1 logical right, 2 arithmetic right */)
{
	unsigned bits = size * 8;

	for (unsigned i = 0; i < w / size; i++) {
		uint64_t x = 0;
		int64_t sx;

		memcpy(&x, r->b + i * size, size);
		if (dir == 2) {
			sx = (int64_t)(x << (64 - bits)) >> (64 - bits);
			x = (uint64_t)(sx >> (count >= bits ? bits - 1 : count));
		} else if (count >= bits) {
			x = 0;
		} else {
			x = dir == 0 ? x << count : x >> count;
		}
		memcpy(r->b + i * size, &x, size);
	}
}

/* Interleave the low (hi = false) or high halves of d and s in lanes of `size` bytes. */
static void unpack(union simd_vec *r, const union simd_vec *d, const union simd_vec *s,
		   unsigned w, unsigned size, bool hi)
{
	unsigned n = w / size, base = hi ? n / 2 : 0;
	union simd_vec t;

	memset(&t, 0, sizeof(t));
	for (unsigned i = 0; i < n / 2; i++) {
		memcpy(t.b + (2 * i) * size, d->b + (base + i) * size, size);
		memcpy(t.b + (2 * i + 1) * size, s->b + (base + i) * size, size);
	}
	*r = t;
}

/* PACKSSWB/PACKUSWB (words → bytes), PACKSSDW/PACKUSDW (dwords → words). */
static void pack(union simd_vec *r, const union simd_vec *d, const union simd_vec *s,
		 unsigned w, uint16_t mn)
{
	union simd_vec t;
	const union simd_vec *src[2] = {d, s};

	memset(&t, 0, sizeof(t));
	for (unsigned h = 0; h < 2; h++) {
		if (mn == ZYDIS_MNEMONIC_PACKSSWB || mn == ZYDIS_MNEMONIC_PACKUSWB) {
			unsigned n = w / 2;
			for (unsigned i = 0; i < n; i++) {
				int16_t x = src[h]->sw[i];
				t.b[h * n + i] = mn == ZYDIS_MNEMONIC_PACKSSWB ? (uint8_t)sat_s8(x)
									       : sat_u8(x);
			}
		} else {
			unsigned n = w / 4;
			for (unsigned i = 0; i < n; i++) {
				int32_t x = src[h]->sd[i];
				t.w[h * n + i] = mn == ZYDIS_MNEMONIC_PACKSSDW ? (uint16_t)sat_s16(x)
									       : sat_u16(x);
			}
		}
	}
	*r = t;
}

/* PMOVSX / PMOVZX: widen the low lanes of s (SDM Vol. 2 PMOVSX, PMOVZX). */
static void pmovx(union simd_vec *r, const union simd_vec *s, unsigned from, unsigned to,
		  bool sign)
{
	union simd_vec t;

	for (unsigned i = 0; i < 16 / to; i++) {
		uint64_t x = 0;

		memcpy(&x, s->b + i * from, from);
		if (sign)
			x = (uint64_t)((int64_t)(x << (64 - 8 * from)) >> (64 - 8 * from));
		memcpy(t.b + i * to, &x, to);
	}
	*r = t;
}

/* PHADD/PHSUB W/D/SW: pairs from d fill the low half, pairs from s the high half. */
static void horizontal(union simd_vec *r, const union simd_vec *d, const union simd_vec *s,
		       unsigned w, uint16_t mn)
{
	union simd_vec t;
	bool dword = mn == ZYDIS_MNEMONIC_PHADDD || mn == ZYDIS_MNEMONIC_PHSUBD;
	bool sub = mn == ZYDIS_MNEMONIC_PHSUBW || mn == ZYDIS_MNEMONIC_PHSUBD ||
		   mn == ZYDIS_MNEMONIC_PHSUBSW;
	bool sat = mn == ZYDIS_MNEMONIC_PHADDSW || mn == ZYDIS_MNEMONIC_PHSUBSW;
	unsigned n = dword ? w / 4 : w / 2;

	for (unsigned h = 0; h < 2; h++) {
		const union simd_vec *v = h ? s : d;
		for (unsigned i = 0; i < n / 2; i++) {
			if (dword) {
				uint32_t a = v->d[2 * i], b = v->d[2 * i + 1];
				t.d[h * n / 2 + i] = sub ? a - b : a + b;
			} else {
				int32_t a = v->sw[2 * i], b = v->sw[2 * i + 1];
				int32_t x = sub ? a - b : a + b;
				t.w[h * n / 2 + i] = sat ? (uint16_t)sat_s16(x) : (uint16_t)x;
			}
		}
	}
	*r = t;
}

static enum exec_status lane_op(const struct insn *in, union simd_vec *r,
				const union simd_vec *d, const union simd_vec *s, unsigned w,
				struct cpu *cpu);

/* The binary packed-integer instructions: d = d OP s (imm8 where the form has one). */
enum exec_status exec_sse_int(struct cpu *cpu, const struct insn *in)
{
	union simd_vec d, s, r;
	enum exec_status st;
	unsigned w = simd_width(in);

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	r = d;
	if ((st = lane_op(in, &r, &d, &s, w, cpu)) != EXEC_OK)
		return st;
	if (in->mnemonic == ZYDIS_MNEMONIC_PTEST)
		return EXEC_OK;
	if (w == 8)
		r.q[1] = 0;
	return simd_write(cpu, in, 0, &r);
}

static enum exec_status lane_op(const struct insn *in, union simd_vec *r,
				const union simd_vec *d, const union simd_vec *s, unsigned w,
				struct cpu *cpu)
{
	unsigned imm = in->nops > 2 && in->op[2].kind == OPK_IMM ? (unsigned)in->op[2].imm & 0xff : 0;
	const uint8_t *x0 = simd_xmm(cpu, 0);
	uint16_t mn = in->mnemonic;
	unsigned i;

	switch (mn) {
	/* Bitwise (SSE ANDPS … XORPD operate on bits exactly like PAND … PXOR). */
	case ZYDIS_MNEMONIC_PAND:
	case ZYDIS_MNEMONIC_ANDPS:
	case ZYDIS_MNEMONIC_ANDPD:
		r->q[0] = d->q[0] & s->q[0], r->q[1] = d->q[1] & s->q[1];
		break;
	case ZYDIS_MNEMONIC_PANDN:
	case ZYDIS_MNEMONIC_ANDNPS:
	case ZYDIS_MNEMONIC_ANDNPD:
		r->q[0] = ~d->q[0] & s->q[0], r->q[1] = ~d->q[1] & s->q[1];
		break;
	case ZYDIS_MNEMONIC_POR:
	case ZYDIS_MNEMONIC_ORPS:
	case ZYDIS_MNEMONIC_ORPD:
		r->q[0] = d->q[0] | s->q[0], r->q[1] = d->q[1] | s->q[1];
		break;
	case ZYDIS_MNEMONIC_PXOR:
	case ZYDIS_MNEMONIC_XORPS:
	case ZYDIS_MNEMONIC_XORPD:
		r->q[0] = d->q[0] ^ s->q[0], r->q[1] = d->q[1] ^ s->q[1];
		break;
	/* Wrap-around and saturating add/subtract. */
	case ZYDIS_MNEMONIC_PADDB:
		for (i = 0; i < w; i++) r->b[i] = (uint8_t)(d->b[i] + s->b[i]);
		break;
	case ZYDIS_MNEMONIC_PADDW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)(d->w[i] + s->w[i]);
		break;
	case ZYDIS_MNEMONIC_PADDD:
		for (i = 0; i < w / 4; i++) r->d[i] = d->d[i] + s->d[i];
		break;
	case ZYDIS_MNEMONIC_PADDQ:
		for (i = 0; i < w / 8; i++) r->q[i] = d->q[i] + s->q[i];
		break;
	case ZYDIS_MNEMONIC_PSUBB:
		for (i = 0; i < w; i++) r->b[i] = (uint8_t)(d->b[i] - s->b[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)(d->w[i] - s->w[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBD:
		for (i = 0; i < w / 4; i++) r->d[i] = d->d[i] - s->d[i];
		break;
	case ZYDIS_MNEMONIC_PSUBQ:
		for (i = 0; i < w / 8; i++) r->q[i] = d->q[i] - s->q[i];
		break;
	case ZYDIS_MNEMONIC_PADDSB:
		for (i = 0; i < w; i++) r->sb[i] = sat_s8(d->sb[i] + s->sb[i]);
		break;
	case ZYDIS_MNEMONIC_PADDSW:
		for (i = 0; i < w / 2; i++) r->sw[i] = sat_s16(d->sw[i] + s->sw[i]);
		break;
	case ZYDIS_MNEMONIC_PADDUSB:
		for (i = 0; i < w; i++) r->b[i] = sat_u8(d->b[i] + s->b[i]);
		break;
	case ZYDIS_MNEMONIC_PADDUSW:
		for (i = 0; i < w / 2; i++) r->w[i] = sat_u16(d->w[i] + s->w[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBSB:
		for (i = 0; i < w; i++) r->sb[i] = sat_s8(d->sb[i] - s->sb[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBSW:
		for (i = 0; i < w / 2; i++) r->sw[i] = sat_s16(d->sw[i] - s->sw[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBUSB:
		for (i = 0; i < w; i++) r->b[i] = sat_u8(d->b[i] - s->b[i]);
		break;
	case ZYDIS_MNEMONIC_PSUBUSW:
		for (i = 0; i < w / 2; i++) r->w[i] = sat_u16(d->w[i] - s->w[i]);
		break;
	/* Multiplies. */
	case ZYDIS_MNEMONIC_PMULLW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)(d->sw[i] * s->sw[i]);
		break;
	case ZYDIS_MNEMONIC_PMULHW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)((d->sw[i] * s->sw[i]) >> 16);
		break;
	case ZYDIS_MNEMONIC_PMULHUW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)(((uint32_t)d->w[i] * s->w[i]) >> 16);
		break;
	case ZYDIS_MNEMONIC_PMULHRSW:
		for (i = 0; i < w / 2; i++)
			r->w[i] = (uint16_t)((((d->sw[i] * s->sw[i]) >> 14) + 1) >> 1);
		break;
	case ZYDIS_MNEMONIC_PMULLD:
		for (i = 0; i < 4; i++) r->d[i] = d->d[i] * s->d[i];
		break;
	case ZYDIS_MNEMONIC_PMULUDQ:
		for (i = 0; i < w / 8; i++) r->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i];
		break;
	case ZYDIS_MNEMONIC_PMULDQ:
		for (i = 0; i < 2; i++)
			r->sq[i] = (int64_t)d->sd[2 * i] * s->sd[2 * i];
		break;
	case ZYDIS_MNEMONIC_PMADDWD:
		for (i = 0; i < w / 4; i++)
			r->d[i] = (uint32_t)(d->sw[2 * i] * s->sw[2 * i]) +
				  (uint32_t)(d->sw[2 * i + 1] * s->sw[2 * i + 1]);
		break;
	case ZYDIS_MNEMONIC_PMADDUBSW:
		for (i = 0; i < w / 2; i++)
			r->sw[i] = sat_s16(d->b[2 * i] * s->sb[2 * i] +
					   d->b[2 * i + 1] * s->sb[2 * i + 1]);
		break;
	/* Average, min, max, sum of absolute differences. */
	case ZYDIS_MNEMONIC_PAVGB:
		for (i = 0; i < w; i++) r->b[i] = (uint8_t)((d->b[i] + s->b[i] + 1) >> 1);
		break;
	case ZYDIS_MNEMONIC_PAVGW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)((d->w[i] + s->w[i] + 1) >> 1);
		break;
	case ZYDIS_MNEMONIC_PMINUB:
		for (i = 0; i < w; i++) r->b[i] = d->b[i] < s->b[i] ? d->b[i] : s->b[i];
		break;
	case ZYDIS_MNEMONIC_PMAXUB:
		for (i = 0; i < w; i++) r->b[i] = d->b[i] > s->b[i] ? d->b[i] : s->b[i];
		break;
	case ZYDIS_MNEMONIC_PMINSB:
		for (i = 0; i < w; i++) r->sb[i] = d->sb[i] < s->sb[i] ? d->sb[i] : s->sb[i];
		break;
	case ZYDIS_MNEMONIC_PMAXSB:
		for (i = 0; i < w; i++) r->sb[i] = d->sb[i] > s->sb[i] ? d->sb[i] : s->sb[i];
		break;
	case ZYDIS_MNEMONIC_PMINSW:
		for (i = 0; i < w / 2; i++) r->sw[i] = d->sw[i] < s->sw[i] ? d->sw[i] : s->sw[i];
		break;
	case ZYDIS_MNEMONIC_PMAXSW:
		for (i = 0; i < w / 2; i++) r->sw[i] = d->sw[i] > s->sw[i] ? d->sw[i] : s->sw[i];
		break;
	case ZYDIS_MNEMONIC_PMINUW:
		for (i = 0; i < 8; i++) r->w[i] = d->w[i] < s->w[i] ? d->w[i] : s->w[i];
		break;
	case ZYDIS_MNEMONIC_PMAXUW:
		for (i = 0; i < 8; i++) r->w[i] = d->w[i] > s->w[i] ? d->w[i] : s->w[i];
		break;
	case ZYDIS_MNEMONIC_PMINSD:
		for (i = 0; i < 4; i++) r->sd[i] = d->sd[i] < s->sd[i] ? d->sd[i] : s->sd[i];
		break;
	case ZYDIS_MNEMONIC_PMAXSD:
		for (i = 0; i < 4; i++) r->sd[i] = d->sd[i] > s->sd[i] ? d->sd[i] : s->sd[i];
		break;
	case ZYDIS_MNEMONIC_PMINUD:
		for (i = 0; i < 4; i++) r->d[i] = d->d[i] < s->d[i] ? d->d[i] : s->d[i];
		break;
	case ZYDIS_MNEMONIC_PMAXUD:
		for (i = 0; i < 4; i++) r->d[i] = d->d[i] > s->d[i] ? d->d[i] : s->d[i];
		break;
	case ZYDIS_MNEMONIC_PSADBW:
		for (unsigned q = 0; q < w / 8; q++) {
			unsigned sum = 0;
			for (i = 0; i < 8; i++) {
				int x = d->b[8 * q + i] - s->b[8 * q + i];
				sum += (unsigned)(x < 0 ? -x : x);
			}
			r->q[q] = sum;
		}
		break;
	case ZYDIS_MNEMONIC_MPSADBW: {
		unsigned dofs = (imm & 4) ? 4 : 0, sofs = (imm & 3) * 4;
		for (i = 0; i < 8; i++) {
			unsigned sum = 0;
			for (unsigned k = 0; k < 4; k++) {
				int x = d->b[dofs + i + k] - s->b[sofs + k];
				sum += (unsigned)(x < 0 ? -x : x);
			}
			r->w[i] = (uint16_t)sum;
		}
		break;
	}
	case ZYDIS_MNEMONIC_PHMINPOSUW: {
		unsigned idx = 0;
		for (i = 1; i < 8; i++)
			if (s->w[i] < s->w[idx])
				idx = i;
		memset(r, 0, sizeof(*r));
		r->w[0] = s->w[idx];
		r->w[1] = (uint16_t)idx;
		break;
	}
	/* Compares. */
	case ZYDIS_MNEMONIC_PCMPEQB:
		for (i = 0; i < w; i++) r->b[i] = d->b[i] == s->b[i] ? 0xff : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPEQW:
		for (i = 0; i < w / 2; i++) r->w[i] = d->w[i] == s->w[i] ? 0xffff : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPEQD:
		for (i = 0; i < w / 4; i++) r->d[i] = d->d[i] == s->d[i] ? ~0u : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPEQQ:
		for (i = 0; i < 2; i++) r->q[i] = d->q[i] == s->q[i] ? ~0ull : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPGTB:
		for (i = 0; i < w; i++) r->b[i] = d->sb[i] > s->sb[i] ? 0xff : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPGTW:
		for (i = 0; i < w / 2; i++) r->w[i] = d->sw[i] > s->sw[i] ? 0xffff : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPGTD:
		for (i = 0; i < w / 4; i++) r->d[i] = d->sd[i] > s->sd[i] ? ~0u : 0;
		break;
	case ZYDIS_MNEMONIC_PCMPGTQ:
		for (i = 0; i < 2; i++) r->q[i] = d->sq[i] > s->sq[i] ? ~0ull : 0;
		break;
	/* Shifts: imm8 form or count from xmm/m128 (mm/m64). */
	case ZYDIS_MNEMONIC_PSLLW:
		shift_lanes(r, w, 2, shift_count(in, s), 0);
		break;
	case ZYDIS_MNEMONIC_PSLLD:
		shift_lanes(r, w, 4, shift_count(in, s), 0);
		break;
	case ZYDIS_MNEMONIC_PSLLQ:
		shift_lanes(r, w, 8, shift_count(in, s), 0);
		break;
	case ZYDIS_MNEMONIC_PSRLW:
		shift_lanes(r, w, 2, shift_count(in, s), 1);
		break;
	case ZYDIS_MNEMONIC_PSRLD:
		shift_lanes(r, w, 4, shift_count(in, s), 1);
		break;
	case ZYDIS_MNEMONIC_PSRLQ:
		shift_lanes(r, w, 8, shift_count(in, s), 1);
		break;
	case ZYDIS_MNEMONIC_PSRAW:
		shift_lanes(r, w, 2, shift_count(in, s), 2);
		break;
	case ZYDIS_MNEMONIC_PSRAD:
		shift_lanes(r, w, 4, shift_count(in, s), 2);
		break;
	case ZYDIS_MNEMONIC_PSLLDQ:
	case ZYDIS_MNEMONIC_PSRLDQ: {
		unsigned n = (unsigned)(in->op[1].imm & 0xff);
		memset(r, 0, sizeof(*r));
		for (i = 0; i < 16 && n < 16; i++) {
			if (mn == ZYDIS_MNEMONIC_PSLLDQ && i >= n)
				r->b[i] = d->b[i - n];
			else if (mn == ZYDIS_MNEMONIC_PSRLDQ && i + n < 16)
				r->b[i] = d->b[i + n];
		}
		break;
	}
	/* Unpacks and packs. */
	case ZYDIS_MNEMONIC_PUNPCKLBW:
		unpack(r, d, s, w, 1, false);
		break;
	case ZYDIS_MNEMONIC_PUNPCKLWD:
		unpack(r, d, s, w, 2, false);
		break;
	case ZYDIS_MNEMONIC_PUNPCKLDQ:
	case ZYDIS_MNEMONIC_UNPCKLPS:
		unpack(r, d, s, w, 4, false);
		break;
	case ZYDIS_MNEMONIC_PUNPCKLQDQ:
	case ZYDIS_MNEMONIC_UNPCKLPD:
		unpack(r, d, s, w, 8, false);
		break;
	case ZYDIS_MNEMONIC_PUNPCKHBW:
		unpack(r, d, s, w, 1, true);
		break;
	case ZYDIS_MNEMONIC_PUNPCKHWD:
		unpack(r, d, s, w, 2, true);
		break;
	case ZYDIS_MNEMONIC_PUNPCKHDQ:
	case ZYDIS_MNEMONIC_UNPCKHPS:
		unpack(r, d, s, w, 4, true);
		break;
	case ZYDIS_MNEMONIC_PUNPCKHQDQ:
	case ZYDIS_MNEMONIC_UNPCKHPD:
		unpack(r, d, s, w, 8, true);
		break;
	case ZYDIS_MNEMONIC_PACKSSWB:
	case ZYDIS_MNEMONIC_PACKUSWB:
	case ZYDIS_MNEMONIC_PACKSSDW:
	case ZYDIS_MNEMONIC_PACKUSDW:
		pack(r, d, s, w, mn);
		break;
	/* Shuffles, alignment, blends. */
	case ZYDIS_MNEMONIC_SHUFPS:
		r->d[0] = d->d[imm & 3];
		r->d[1] = d->d[(imm >> 2) & 3];
		r->d[2] = s->d[(imm >> 4) & 3];
		r->d[3] = s->d[(imm >> 6) & 3];
		break;
	case ZYDIS_MNEMONIC_SHUFPD:
		r->q[0] = d->q[imm & 1];
		r->q[1] = s->q[(imm >> 1) & 1];
		break;
	case ZYDIS_MNEMONIC_PSHUFD:
		for (i = 0; i < 4; i++) r->d[i] = s->d[(imm >> (2 * i)) & 3];
		break;
	case ZYDIS_MNEMONIC_PSHUFW:
		for (i = 0; i < 4; i++) r->w[i] = s->w[(imm >> (2 * i)) & 3];
		break;
	case ZYDIS_MNEMONIC_PSHUFLW:
		r->q[1] = s->q[1];
		for (i = 0; i < 4; i++) r->w[i] = s->w[(imm >> (2 * i)) & 3];
		break;
	case ZYDIS_MNEMONIC_PSHUFHW:
		r->q[0] = s->q[0];
		for (i = 0; i < 4; i++) r->w[4 + i] = s->w[4 + ((imm >> (2 * i)) & 3)];
		break;
	case ZYDIS_MNEMONIC_PSHUFB:
		for (i = 0; i < w; i++)
			r->b[i] = (s->b[i] & 0x80) ? 0 : d->b[s->b[i] & (w - 1)];
		break;
	case ZYDIS_MNEMONIC_PALIGNR: {
		uint8_t cat[32] = {0};
		memcpy(cat, s->b, w);
		memcpy(cat + w, d->b, w);
		for (i = 0; i < w; i++)
			r->b[i] = imm + i < 2 * w ? cat[imm + i] : 0;
		break;
	}
	case ZYDIS_MNEMONIC_PBLENDW:
		for (i = 0; i < 8; i++) r->w[i] = (imm >> i) & 1 ? s->w[i] : d->w[i];
		break;
	case ZYDIS_MNEMONIC_BLENDPS:
		for (i = 0; i < 4; i++) r->d[i] = (imm >> i) & 1 ? s->d[i] : d->d[i];
		break;
	case ZYDIS_MNEMONIC_BLENDPD:
		for (i = 0; i < 2; i++) r->q[i] = (imm >> i) & 1 ? s->q[i] : d->q[i];
		break;
	case ZYDIS_MNEMONIC_PBLENDVB:
		for (i = 0; i < 16; i++) r->b[i] = (x0[i] & 0x80) ? s->b[i] : d->b[i];
		break;
	case ZYDIS_MNEMONIC_BLENDVPS:
		for (i = 0; i < 4; i++) r->d[i] = (x0[4 * i + 3] & 0x80) ? s->d[i] : d->d[i];
		break;
	case ZYDIS_MNEMONIC_BLENDVPD:
		for (i = 0; i < 2; i++) r->q[i] = (x0[8 * i + 7] & 0x80) ? s->q[i] : d->q[i];
		break;
	/* Unary SSSE3/SSE4.1 forms: the result comes from the source only. */
	case ZYDIS_MNEMONIC_PABSB:
		for (i = 0; i < w; i++) r->b[i] = (uint8_t)(s->sb[i] < 0 ? -s->sb[i] : s->sb[i]);
		break;
	case ZYDIS_MNEMONIC_PABSW:
		for (i = 0; i < w / 2; i++) r->w[i] = (uint16_t)(s->sw[i] < 0 ? -s->sw[i] : s->sw[i]);
		break;
	case ZYDIS_MNEMONIC_PABSD:
		for (i = 0; i < w / 4; i++) r->d[i] = s->sd[i] < 0 ? 0u - s->d[i] : s->d[i];
		break;
	case ZYDIS_MNEMONIC_PSIGNB:
		for (i = 0; i < w; i++)
			r->b[i] = s->sb[i] < 0 ? (uint8_t)-d->b[i] : s->sb[i] ? d->b[i] : 0;
		break;
	case ZYDIS_MNEMONIC_PSIGNW:
		for (i = 0; i < w / 2; i++)
			r->w[i] = s->sw[i] < 0 ? (uint16_t)-d->w[i] : s->sw[i] ? d->w[i] : 0;
		break;
	case ZYDIS_MNEMONIC_PSIGND:
		for (i = 0; i < w / 4; i++)
			r->d[i] = s->sd[i] < 0 ? 0u - d->d[i] : s->sd[i] ? d->d[i] : 0;
		break;
	case ZYDIS_MNEMONIC_PHADDW:
	case ZYDIS_MNEMONIC_PHADDD:
	case ZYDIS_MNEMONIC_PHADDSW:
	case ZYDIS_MNEMONIC_PHSUBW:
	case ZYDIS_MNEMONIC_PHSUBD:
	case ZYDIS_MNEMONIC_PHSUBSW:
		horizontal(r, d, s, w, mn);
		break;
	case ZYDIS_MNEMONIC_PMOVSXBW: pmovx(r, s, 1, 2, true); break;
	case ZYDIS_MNEMONIC_PMOVSXBD: pmovx(r, s, 1, 4, true); break;
	case ZYDIS_MNEMONIC_PMOVSXBQ: pmovx(r, s, 1, 8, true); break;
	case ZYDIS_MNEMONIC_PMOVSXWD: pmovx(r, s, 2, 4, true); break;
	case ZYDIS_MNEMONIC_PMOVSXWQ: pmovx(r, s, 2, 8, true); break;
	case ZYDIS_MNEMONIC_PMOVSXDQ: pmovx(r, s, 4, 8, true); break;
	case ZYDIS_MNEMONIC_PMOVZXBW: pmovx(r, s, 1, 2, false); break;
	case ZYDIS_MNEMONIC_PMOVZXBD: pmovx(r, s, 1, 4, false); break;
	case ZYDIS_MNEMONIC_PMOVZXBQ: pmovx(r, s, 1, 8, false); break;
	case ZYDIS_MNEMONIC_PMOVZXWD: pmovx(r, s, 2, 4, false); break;
	case ZYDIS_MNEMONIC_PMOVZXWQ: pmovx(r, s, 2, 8, false); break;
	case ZYDIS_MNEMONIC_PMOVZXDQ: pmovx(r, s, 4, 8, false); break;
	case ZYDIS_MNEMONIC_PTEST: {
		/* SDM Vol. 2 PTEST: ZF = (d AND s) == 0, CF = (NOT d AND s) == 0. */
		uint32_t fl = 0;
		if (!((d->q[0] & s->q[0]) | (d->q[1] & s->q[1])))
			fl |= RFLAGS_ZF;
		if (!((~d->q[0] & s->q[0]) | (~d->q[1] & s->q[1])))
			fl |= RFLAGS_CF;
		flags_set_arith(cpu, fl);
		break;
	}
	default:
		return cpu_ud(cpu);
	}
	return EXEC_OK;
}
