// SPDX-License-Identifier: MIT
/*
 * SSE/SSE2/SSE3/SSE4 and MMX data movement (SDM Vol. 1, 10.4.1, 11.4.1, 12.3–12.10;
 * Vol. 2 MOVAPS … PINSRQ), the SSE4.2 string and text instructions (Vol. 1, 12.12.2;
 * Vol. 2, 4.1 "Imm8 Control Byte Operation for PCMPESTRI …"), CRC32 and EMMS, and the
 * operand helpers of hw/simd.h.
 */
#include "hw/simd.h"

#include <Zydis/Zydis.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"
#include "util/bits.h"

unsigned simd_xmm_index(const struct operand *op)
{
	return (unsigned)ZydisRegisterGetId((ZydisRegister)op->other_reg) & 15;
}

bool simd_op_is_xmm(const struct operand *op)
{
	return op->kind == OPK_OTHER &&
	       ZydisRegisterGetClass((ZydisRegister)op->other_reg) == ZYDIS_REGCLASS_XMM;
}

bool simd_op_is_mmx(const struct operand *op)
{
	return op->kind == OPK_OTHER &&
	       ZydisRegisterGetClass((ZydisRegister)op->other_reg) == ZYDIS_REGCLASS_MMX;
}

enum exec_status simd_check_sse(struct cpu *cpu)
{
	if ((cpu->cr0 & CR0_EM) || !(cpu->cr4 & CR4_OSFXSR))
		return cpu_ud(cpu);
	if (cpu->cr0 & CR0_TS)
		return cpu_fault(cpu, VEC_NM);
	return EXEC_OK;
}

enum exec_status simd_check_mmx(struct cpu *cpu)
{
	if (cpu->cr0 & CR0_EM)
		return cpu_ud(cpu);
	if (cpu->cr0 & CR0_TS)
		return cpu_fault(cpu, VEC_NM);
	/*
	 * A pending unmasked x87 exception (FSW.ES) is reported as #MF (SDM Vol. 1, 9.5
	 * "Compatibility with x87 FPU Architecture"; Vol. 2, each MMX instruction).
	 */
	if ((cpu->x87.fsw & FSW_ES) && (cpu->cr0 & CR0_NE))
		return cpu_fault(cpu, VEC_MF);
	return EXEC_OK;
}

/* SDM Vol. 1, 9.5.1 "MMX Instructions and the x87 FPU Tag Word": TOP = 0, tags valid. */
void simd_mmx_enter(struct cpu *cpu)
{
	cpu->x87.fsw &= (uint16_t)~FSW_TOP_MASK;
	cpu->x87.ftw = 0;
}

/* Writing MMi sets the exponent of Ri to all ones (SDM Vol. 1, 9.5, as above). */
void simd_mmx_write(struct cpu *cpu, unsigned n, uint64_t v)
{
	cpu->x87.signif[n & 7] = v;
	cpu->x87.sign_exp[n & 7] = 0xffff;
}

enum exec_status simd_check_ops(struct cpu *cpu, const struct insn *in)
{
	bool xmm = false, mmx = false;
	enum exec_status st;

	for (unsigned i = 0; i < in->nops; i++) {
		xmm |= simd_op_is_xmm(&in->op[i]);
		mmx |= simd_op_is_mmx(&in->op[i]);
	}
	if (xmm || !mmx) {
		if ((st = simd_check_sse(cpu)) != EXEC_OK)
			return st;
	}
	if (mmx) {
		if ((st = simd_check_mmx(cpu)) != EXEC_OK)
			return st;
		simd_mmx_enter(cpu);
	}
	return EXEC_OK;
}

unsigned simd_width(const struct insn *in)
{
	return simd_op_is_mmx(&in->op[0]) ? 8 : 16;
}

uint64_t simd_linear(const struct cpu *cpu, const struct insn *in, unsigned n)
{
	return cpu->seg[in->op[n].seg].base + op_ea(cpu, in, &in->op[n]);
}

/* The forms whose 16-byte memory operand need not be aligned (SDM Vol. 1, 12.10.3). */
static bool unaligned_form(const struct insn *in)
{
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_MOVUPS:
	case ZYDIS_MNEMONIC_MOVUPD:
	case ZYDIS_MNEMONIC_MOVDQU:
	case ZYDIS_MNEMONIC_LDDQU:
	case ZYDIS_MNEMONIC_PCMPESTRI:
	case ZYDIS_MNEMONIC_PCMPESTRM:
	case ZYDIS_MNEMONIC_PCMPISTRI:
	case ZYDIS_MNEMONIC_PCMPISTRM:
		return true;
	default:
		return false;
	}
}

enum exec_status simd_read_mem(struct cpu *cpu, const struct insn *in, unsigned n,
			       void *buf, unsigned size, bool aligned)
{
	const struct operand *op = &in->op[n];

	if (aligned && (simd_linear(cpu, in, n) & 15))
		return cpu_gp0(cpu);
	return mem_read_buf(cpu, op->seg, op_ea(cpu, in, op), buf, size);
}

enum exec_status simd_write_mem(struct cpu *cpu, const struct insn *in, unsigned n,
				const void *buf, unsigned size, bool aligned)
{
	const struct operand *op = &in->op[n];

	if (aligned && (simd_linear(cpu, in, n) & 15))
		return cpu_gp0(cpu);
	return mem_write_buf(cpu, op->seg, op_ea(cpu, in, op), buf, size);
}

enum exec_status simd_read(struct cpu *cpu, const struct insn *in, unsigned n,
			   union simd_vec *v)
{
	const struct operand *op = &in->op[n];
	uint64_t x;
	enum exec_status st;

	memset(v, 0, sizeof(*v));
	switch (op->kind) {
	case OPK_OTHER:
		if (simd_op_is_mmx(op))
			v->q[0] = cpu->x87.signif[op->reg & 7];
		else
			memcpy(v->b, simd_xmm(cpu, simd_xmm_index(op)), 16);
		return EXEC_OK;
	case OPK_MEM:
		return simd_read_mem(cpu, in, n, v->b, op->size > 16 ? 16 : op->size,
				     op->size == 16 && !unaligned_form(in));
	case OPK_REG:
	case OPK_IMM:
		st = op_read(cpu, in, n, &x);
		v->q[0] = x;
		return st;
	default:
		return cpu_ud(cpu);
	}
}

enum exec_status simd_write(struct cpu *cpu, const struct insn *in, unsigned n,
			    const union simd_vec *v)
{
	const struct operand *op = &in->op[n];

	switch (op->kind) {
	case OPK_OTHER:
		if (simd_op_is_mmx(op))
			simd_mmx_write(cpu, op->reg, v->q[0]);
		else
			memcpy(simd_xmm(cpu, simd_xmm_index(op)), v->b, 16);
		return EXEC_OK;
	case OPK_MEM:
		return simd_write_mem(cpu, in, n, v->b, op->size > 16 ? 16 : op->size,
				      op->size == 16 && !unaligned_form(in));
	case OPK_REG:
		reg_write(cpu, op->reg, op->size, v->q[0]);
		return EXEC_OK;
	default:
		return cpu_ud(cpu);
	}
}

/*
 * Plain moves: MOVAPS … LDDQU, MOVD/MOVQ, scalar and half moves, the SSE3 duplicating
 * moves, MOVQ2DQ/MOVDQ2Q, non-temporal stores (SDM Vol. 2, each by name).
 */
enum exec_status exec_sse_mov(struct cpu *cpu, const struct insn *in)
{
	const struct operand *d = &in->op[0];
	union simd_vec s, r;
	enum exec_status st;
	unsigned k;

	/* MOVNTI moves a general register: no SSE state involved (SDM Vol. 2 MOVNTI). */
	if (in->mnemonic != ZYDIS_MNEMONIC_MOVNTI && (st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	memset(&r, 0, sizeof(r));
	if (d->kind == OPK_OTHER && (st = simd_read(cpu, in, 0, &r)) != EXEC_OK)
		return st;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_MOVD:
	case ZYDIS_MNEMONIC_MOVQ:
	case ZYDIS_MNEMONIC_MOVQ2DQ:
	case ZYDIS_MNEMONIC_MOVDQ2Q:
		/* The low 4 or 8 bytes, zero-extended into a register destination. */
		k = in->mnemonic == ZYDIS_MNEMONIC_MOVD ? 4 : 8;
		if (d->kind == OPK_REG || d->kind == OPK_MEM)
			k = d->size;
		memset(&r, 0, sizeof(r));
		memcpy(r.b, s.b, k);
		break;
	case ZYDIS_MNEMONIC_MOVSS:
	case ZYDIS_MNEMONIC_MOVSD:
		/* Register to register merges; a load zeroes the rest (SDM Vol. 2 MOVSS). */
		k = in->mnemonic == ZYDIS_MNEMONIC_MOVSS ? 4 : 8;
		if (in->op[1].kind == OPK_MEM)
			memset(&r, 0, sizeof(r));
		memcpy(r.b, s.b, k);
		break;
	case ZYDIS_MNEMONIC_MOVLPS:
	case ZYDIS_MNEMONIC_MOVLPD:
		r.q[0] = s.q[0];
		break;
	case ZYDIS_MNEMONIC_MOVHPS:
	case ZYDIS_MNEMONIC_MOVHPD:
		if (d->kind == OPK_MEM)
			r.q[0] = s.q[1];
		else
			r.q[1] = s.q[0];
		break;
	case ZYDIS_MNEMONIC_MOVHLPS:
		r.q[0] = s.q[1];
		break;
	case ZYDIS_MNEMONIC_MOVLHPS:
		r.q[1] = s.q[0];
		break;
	case ZYDIS_MNEMONIC_MOVSHDUP:
		r.d[0] = r.d[1] = s.d[1];
		r.d[2] = r.d[3] = s.d[3];
		break;
	case ZYDIS_MNEMONIC_MOVSLDUP:
		r.d[0] = r.d[1] = s.d[0];
		r.d[2] = r.d[3] = s.d[2];
		break;
	case ZYDIS_MNEMONIC_MOVDDUP:
		r.q[0] = r.q[1] = s.q[0];
		break;
	default:
		r = s;
		break;
	}
	return simd_write(cpu, in, 0, &r);
}

/* Element index `imm` of a vector of `count` lanes of `size` bytes. */
static uint64_t lane_get(const union simd_vec *v, unsigned size, unsigned i)
{
	uint64_t x = 0;

	memcpy(&x, v->b + size * i, size);
	return x;
}

static void lane_set(union simd_vec *v, unsigned size, unsigned i, uint64_t x)
{
	memcpy(v->b + size * i, &x, size);
}

static unsigned lane_size_of(uint16_t mnemonic)
{
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_PEXTRB:
	case ZYDIS_MNEMONIC_PINSRB:
		return 1;
	case ZYDIS_MNEMONIC_PEXTRW:
	case ZYDIS_MNEMONIC_PINSRW:
		return 2;
	case ZYDIS_MNEMONIC_PEXTRQ:
	case ZYDIS_MNEMONIC_PINSRQ:
		return 8;
	default:
		return 4;
	}
}

/* PEXTRB/W/D/Q, EXTRACTPS: a lane to a general register (zero-extended) or memory. */
enum exec_status exec_sse_extract(struct cpu *cpu, const struct insn *in)
{
	unsigned size = lane_size_of(in->mnemonic), width;
	union simd_vec s;
	enum exec_status st;
	uint64_t x;

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	width = simd_op_is_mmx(&in->op[1]) ? 8 : 16;
	x = lane_get(&s, size, (unsigned)in->op[2].imm & (width / size - 1));
	if (in->op[0].kind == OPK_REG) {
		reg_write(cpu, in->op[0].reg, in->op[0].size < 4 ? 4 : in->op[0].size, x);
		return EXEC_OK;
	}
	return op_write(cpu, in, 0, x);
}

/* PINSRB/W/D/Q, INSERTPS (SDM Vol. 2 INSERTPS: count_s, count_d, zmask). */
enum exec_status exec_sse_insert(struct cpu *cpu, const struct insn *in)
{
	unsigned imm = (unsigned)in->op[2].imm, size = lane_size_of(in->mnemonic);
	union simd_vec d, s;
	enum exec_status st;
	uint64_t x;

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &d)) != EXEC_OK)
		return st;
	if (in->mnemonic == ZYDIS_MNEMONIC_INSERTPS) {
		if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
			return st;
		x = in->op[1].kind == OPK_MEM ? s.d[0] : s.d[(imm >> 6) & 3];
		d.d[(imm >> 4) & 3] = (uint32_t)x;
		for (unsigned i = 0; i < 4; i++)
			if (imm & (1u << i))
				d.d[i] = 0;
		return simd_write(cpu, in, 0, &d);
	}
	if ((st = op_read(cpu, in, 1, &x)) != EXEC_OK)
		return st;
	lane_set(&d, size, imm & (simd_width(in) / size - 1), x);
	return simd_write(cpu, in, 0, &d);
}

/* PMOVMSKB, MOVMSKPS, MOVMSKPD: sign bits to a general register, zero-extended. */
enum exec_status exec_sse_movmsk(struct cpu *cpu, const struct insn *in)
{
	unsigned size = in->mnemonic == ZYDIS_MNEMONIC_PMOVMSKB   ? 1
			: in->mnemonic == ZYDIS_MNEMONIC_MOVMSKPS ? 4
								  : 8;
	unsigned width = simd_op_is_mmx(&in->op[1]) ? 8 : 16;
	union simd_vec s;
	enum exec_status st;
	uint64_t m = 0;

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 1, &s)) != EXEC_OK)
		return st;
	for (unsigned i = 0; i < width / size; i++)
		m |= (uint64_t)(s.b[size * i + size - 1] >> 7) << i;
	reg_write(cpu, in->op[0].reg, in->op[0].size < 4 ? 4 : in->op[0].size, m);
	return EXEC_OK;
}

/* MASKMOVDQU / MASKMOVQ: byte-masked store to DS:rDI (SDM Vol. 2 MASKMOVDQU). */
enum exec_status exec_sse_maskmov(struct cpu *cpu, const struct insn *in)
{
	unsigned seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
	unsigned width = simd_width(in);
	uint64_t base = cpu->gpr[R_RDI];
	union simd_vec v, m;
	enum exec_status st;

	if ((st = simd_check_ops(cpu, in)) != EXEC_OK)
		return st;
	simd_read(cpu, in, 0, &v);
	simd_read(cpu, in, 1, &m);
	for (unsigned i = 0; i < width; i++) {
		if (!(m.b[i] & 0x80))
			continue;
		st = mem_write(cpu, seg, (base + i) & bits_mask(in->addrsize), 1, v.b[i]);
		if (st != EXEC_OK)
			return st;
	}
	return EXEC_OK;
}

/* EMMS: every x87 tag empty (SDM Vol. 2 EMMS). */
enum exec_status exec_emms(struct cpu *cpu, const struct insn *in)
{
	enum exec_status st = simd_check_mmx(cpu);

	if (st != EXEC_OK)
		return st;
	cpu->x87.ftw = 0xffff;
	return EXEC_OK;
}

/* CRC32 with the iSCSI polynomial 11EDC6F41H, bit-reflected (SDM Vol. 2 CRC32). */
enum exec_status exec_crc32(struct cpu *cpu, const struct insn *in)
{
	uint64_t src;
	uint32_t crc = (uint32_t)cpu->gpr[in->op[0].reg];
	enum exec_status st = op_read(cpu, in, 1, &src);

	if (st != EXEC_OK)
		return st;
	for (unsigned i = 0; i < in->op[1].size; i++) {
		crc ^= (uint8_t)(src >> (8 * i));
		for (unsigned b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	cpu->gpr[in->op[0].reg] = crc;
	return EXEC_OK;
}

/* SSE4.2 string compare: element value `i` of v, signed or unsigned, bytes or words. */
static int32_t str_elem(const union simd_vec *v, unsigned imm, unsigned i)
{
	switch (imm & 3) {
	case 0:
		return v->b[i];
	case 1:
		return v->w[i];
	case 2:
		return v->sb[i];
	default:
		return v->sw[i];
	}
}

/* Explicit length: |rAX| or |rDX| saturated to the element count. */
static unsigned str_explicit_len(const struct cpu *cpu, const struct insn *in, unsigned reg,
				 unsigned n)
{
	int64_t l = in->opsize == 8 ? (int64_t)cpu->gpr[reg] : (int32_t)cpu->gpr[reg];

	if (l < 0)
		l = l == INT64_MIN ? INT64_MAX : -l;
	return l > (int64_t)n ? n : (unsigned)l;
}

static unsigned str_implicit_len(const union simd_vec *v, unsigned imm, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (str_elem(v, imm, i) == 0)
			return i;
	return n;
}

/*
 * PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM (SDM Vol. 2, 4.1.1–4.1.7): element pair
 * comparisons with the validity overrides of Table 4-7, aggregation, polarity, then
 * ECX or XMM0 and the flags CF ZF SF OF (AF PF cleared).
 */
enum exec_status exec_sse_pcmpstr(struct cpu *cpu, const struct insn *in)
{
	unsigned imm = (unsigned)in->op[2].imm, n = (imm & 1) ? 8 : 16;
	unsigned agg = (imm >> 2) & 3, la, lb;
	bool explicit_len = in->mnemonic == ZYDIS_MNEMONIC_PCMPESTRI ||
			    in->mnemonic == ZYDIS_MNEMONIC_PCMPESTRM;
	bool index = in->mnemonic == ZYDIS_MNEMONIC_PCMPESTRI ||
		     in->mnemonic == ZYDIS_MNEMONIC_PCMPISTRI;
	union simd_vec a, b, r;
	enum exec_status st;
	uint32_t res1 = 0, res2, all = (1u << n) - 1;
	uint32_t fl = 0;

	if ((st = simd_check_sse(cpu)) != EXEC_OK)
		return st;
	if ((st = simd_read(cpu, in, 0, &a)) != EXEC_OK ||
	    (st = simd_read(cpu, in, 1, &b)) != EXEC_OK)
		return st;
	if (explicit_len) {
		la = str_explicit_len(cpu, in, R_RAX, n);
		lb = str_explicit_len(cpu, in, R_RDX, n);
	} else {
		la = str_implicit_len(&a, imm, n);
		lb = str_implicit_len(&b, imm, n);
	}
	for (unsigned i = 0; i < n; i++) { /* i: element of b (xmm2/m128) */
		int32_t bi = str_elem(&b, imm, i);
		bool bit = false;

		switch (agg) {
		case 0: /* equal any */
			for (unsigned j = 0; j < la && i < lb; j++)
				bit |= str_elem(&a, imm, j) == bi;
			break;
		case 1: /* ranges: pairs (a[j], a[j+1]) */
			for (unsigned j = 0; j + 1 < n && i < lb; j += 2) {
				bool lo = j < la && bi >= str_elem(&a, imm, j);
				bool hi = j + 1 < la && bi <= str_elem(&a, imm, j + 1);
				bit |= lo && hi;
			}
			break;
		case 2: /* equal each */
			if (i >= la && i >= lb)
				bit = true;
			else if (i < la && i < lb)
				bit = str_elem(&a, imm, i) == bi;
			break;
		default: /* equal ordered: a is a substring starting at b[i] */
			bit = true;
			for (unsigned k = 0; k < n - i && bit; k++) {
				if (k >= la)
					break; /* a invalid: true */
				if (i + k >= lb)
					bit = false; /* b invalid, a valid */
				else
					bit = str_elem(&a, imm, k) == str_elem(&b, imm, i + k);
			}
			break;
		}
		if (bit)
			res1 |= 1u << i;
	}
	switch ((imm >> 4) & 3) {
	case 1:
		res2 = ~res1 & all;
		break;
	case 3:
		res2 = (res1 ^ ((1u << lb) - 1)) & all;
		break;
	default:
		res2 = res1;
		break;
	}
	if (index) {
		unsigned idx = n;

		if (res2)
			idx = (imm & 0x40) ? 31u - (unsigned)__builtin_clz(res2)
					   : (unsigned)__builtin_ctz(res2);
		cpu->gpr[R_RCX] = idx;
	} else {
		memset(&r, 0, sizeof(r));
		if (!(imm & 0x40)) {
			r.d[0] = res2;
		} else {
			for (unsigned i = 0; i < n; i++)
				if (res2 & (1u << i))
					lane_set(&r, 16 / n, i, ~0ull);
		}
		memcpy(simd_xmm(cpu, 0), r.b, 16);
	}
	if (res2)
		fl |= RFLAGS_CF;
	if (lb < n)
		fl |= RFLAGS_ZF;
	if (la < n)
		fl |= RFLAGS_SF;
	if (res2 & 1)
		fl |= RFLAGS_OF;
	flags_set_arith(cpu, fl);
	return EXEC_OK;
}
