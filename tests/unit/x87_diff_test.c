/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the x87 instructions (insn_x87.c, x87_arith.c, softfloat80.c)
 * against the host's own x87 (x86-64 hosts only). The same bytes run natively, between
 * an FRSTOR of a prepared image and an FNSAVE, and through decode.c and the handlers on
 * the test CPU; the saved images (control, status, tag words and the eight registers),
 * RFLAGS, RAX and the memory operand must be identical. Transcendentals may differ by
 * one unit in the last place (the host's are not correctly rounded either) and only
 * arguments away from the host's reduced-pi artefacts are used.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/flags.h"
#include "hw/insn.h"
#include "machine.h"
#include "test.h"

#if defined(__x86_64__)
#include <sys/mman.h>


/* The native harness's block (offsets are baked into the generated code). */
struct run_block {
	uint8_t in[108];     /* 0: FRSTOR image */
	uint8_t pad0[20];
	uint8_t out[108];    /* 128: FNSAVE image */
	uint8_t pad1[20];
	uint64_t rflags;     /* 256 */
	uint64_t rax;        /* 264 */
	uint64_t mem_ptr;    /* 272 */
	uint8_t mem[112];    /* 280 */
};

#define IMG_GPA 0x20000u
#define MEM_GPA 0x30000u

static uint8_t *code_page;

static void emit(uint8_t **p, const uint8_t *b, unsigned n)
{
	memcpy(*p, b, n);
	*p += n;
}

static void emit32(uint8_t **p, uint32_t v)
{
	memcpy(*p, &v, 4);
	*p += 4;
}

/* push rbx; mov rbx,[rdi+272]; push [rdi+256]; popfq; frstor [rdi]; insn; fnsave [rdi+128];
 * mov [rdi+264],rax; pushfq; pop [rdi+256]; pop rbx; ret */
static void native_run(const uint8_t *insn, unsigned len, struct run_block *rb)
{
	static const uint8_t p1[] = {0x53, 0x48, 0x8b, 0x9f};
	static const uint8_t p2[] = {0xff, 0xb7};
	static const uint8_t p3[] = {0x9d, 0xdd, 0x27};
	static const uint8_t p4[] = {0xdd, 0xb7};
	static const uint8_t p5[] = {0x48, 0x89, 0x87};
	static const uint8_t p6[] = {0x9c, 0x8f, 0x87};
	static const uint8_t p7[] = {0x5b, 0xc3};
	uint8_t *p = code_page;

	emit(&p, p1, 4);
	emit32(&p, 272);
	emit(&p, p2, 2);
	emit32(&p, 256);
	emit(&p, p3, 3);
	emit(&p, insn, len);
	emit(&p, p4, 2);
	emit32(&p, 128);
	emit(&p, p5, 3);
	emit32(&p, 264);
	emit(&p, p6, 3);
	emit32(&p, 256);
	emit(&p, p7, 2);
	rb->mem_ptr = (uint64_t)(uintptr_t)rb->mem;
	((void (*)(struct run_block *))(void *)code_page)(rb);
}

static bool emu_step(struct cpu *cpu, const uint8_t *b, unsigned len)
{
	struct insn in;

	if (!insn_test_decode(cpu, b, len, &in))
		return false;
	return insn_test_run(cpu, &in) == EXEC_OK;
}

static bool emu_run(struct cpu *cpu, const uint8_t *insn, unsigned len, struct run_block *rb)
{
	static const uint8_t frstor[] = {0xdd, 0x27};
	static const uint8_t fnsave[] = {0xdd, 0xb7, 0x80, 0, 0, 0};
	bool ok;

	memcpy(cpu->slat->ram + IMG_GPA, rb->in, 108);
	memcpy(cpu->slat->ram + MEM_GPA, rb->mem, sizeof(rb->mem));
	cpu->gpr[R_RDI] = IMG_GPA;
	cpu->gpr[R_RBX] = MEM_GPA;
	flags_write(cpu, rb->rflags);
	ok = emu_step(cpu, frstor, 2) && emu_step(cpu, insn, len) && emu_step(cpu, fnsave, 6);
	memcpy(rb->out, cpu->slat->ram + IMG_GPA + 128, 108);
	memcpy(rb->mem, cpu->slat->ram + MEM_GPA, sizeof(rb->mem));
	rb->rflags = flags_read(cpu);
	rb->rax = cpu->gpr[R_RAX];
	return ok;
}

struct xval {
	uint16_t se;
	uint64_t sig;
};

static const struct xval edge[] = {
	{0x0000, 0}, {0x8000, 0},
	{0x3fff, 0x8000000000000000ull}, {0xbfff, 0x8000000000000000ull},
	{0x3fff, 0xc000000000000000ull}, {0x4000, 0xc90fdaa22168c235ull},
	{0x3fff, 0x8000000000000001ull}, {0x3ffe, 0xffffffffffffffffull},
	{0x7ffe, 0xffffffffffffffffull}, {0xfffe, 0xffffffffffffffffull},
	{0x0001, 0x8000000000000000ull}, {0x8001, 0x8000000000000000ull},
	{0x0000, 0x0000000000000001ull}, {0x8000, 0x7fffffffffffffffull},
	{0x0000, 0x8000000000000000ull}, /* pseudo-denormal */
	{0x7fff, 0x8000000000000000ull}, {0xffff, 0x8000000000000000ull},
	{0x7fff, 0xc000000000000001ull}, {0xffff, 0xc000000000000000ull},
	{0x7fff, 0x8000000000000001ull}, {0xffff, 0xa000000000000000ull},
	{0x4000, 0x4000000000000000ull}, /* unnormal */
	{0x403e, 0xfffffffffffffffeull}, {0xc03e, 0x8000000000000000ull},
	{0x401d, 0xffffffff00000000ull}, {0x3ffe, 0x8000000000000000ull},
	{0x4000, 0xa000000000000000ull}, {0x3ffd, 0xaaaaaaaaaaaaaaabull},
	{0x43fe, 0x8000000000000400ull}, {0x3c01, 0x8000000000000000ull},
	{0x0010, 0xf0f0f0f0f0f0f0f0ull}, {0x7ff0, 0x8765432187654321ull},
	{0x4030, 0x8000000000000001ull}, {0xc00d, 0x9c3e000000000000ull},
};
#define NEDGE (sizeof(edge) / sizeof(edge[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct xval random_val(unsigned spread)
{
	struct xval v;

	v.sig = rnd() | 0x8000000000000000ull;
	v.se = (uint16_t)(0x3fff + (int)(rnd() % (2 * spread + 1)) - (int)spread);
	if (rnd() & 1)
		v.se |= 0x8000;
	return v;
}

static void put_val(uint8_t *b, struct xval v)
{
	memcpy(b, &v.sig, 8);
	memcpy(b + 8, &v.se, 2);
}

/* An FRSTOR image: ST(0) = a, ST(1) = b (when nregs >= 2), the others empty or filled. */
static void make_image(uint8_t *img, uint16_t fcw, unsigned top, unsigned nregs, struct xval a,
		       struct xval b)
{
	uint32_t w;
	uint16_t ftw = 0xffff;

	memset(img, 0, 108);
	w = 0xffff0000u | fcw;
	memcpy(img, &w, 4);
	w = 0xffff0000u | (top << 11);
	memcpy(img + 4, &w, 4);
	for (unsigned i = 0; i < nregs; i++) {
		struct xval v = i == 0 ? a : i == 1 ? b : edge[(i * 5) % NEDGE];

		ftw &= (uint16_t)~(3u << (2 * ((top + i) & 7)));
		put_val(img + 28 + 10 * i, v);
	}
	w = 0xffff0000u | ftw;
	memcpy(img + 8, &w, 4);
}

static unsigned mismatches, compared, op_base;

/* Registers equal, or within one ulp when tol (same sign and exponent class). */
static bool regs_match(const uint8_t *a, const uint8_t *b, bool tol)
{
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *x = a + 28 + 10 * i, *y = b + 28 + 10 * i;
		uint64_t sx, sy;

		if (!memcmp(x, y, 10))
			continue;
		if (!tol || x[9] != y[9])
			return false;
		memcpy(&sx, x, 8);
		memcpy(&sy, y, 8);
		if (x[8] == y[8] ? (sx - sy + 1 > 2) : (sx + 1 != 0 || sy != 0x8000000000000000ull))
			if (!(x[8] != y[8] && sy + 1 == 0 && sx == 0x8000000000000000ull))
				return false;
	}
	return true;
}

static void report_case(const char *name, const struct run_block *in, const struct run_block *n,
			const struct run_block *e)
{
	if (++mismatches - op_base > 4)
		return;
	printf("  mismatch %s: fcw %04x in ST0 %04x:%016" PRIx64 " ST1 %04x:%016" PRIx64
	       " mem %016" PRIx64 "\n",
	       name, (unsigned)(in->in[0] | in->in[1] << 8), (unsigned)(in->in[37] << 8 | in->in[36]),
	       *(const uint64_t *)(const void *)(in->in + 28),
	       (unsigned)(in->in[47] << 8 | in->in[46]), *(const uint64_t *)(const void *)(in->in + 38),
	       *(const uint64_t *)(const void *)in->mem);
	printf("    native fsw %04x ftw %04x ST0 %04x:%016" PRIx64 " ST1 %04x:%016" PRIx64
	       " fl %03" PRIx64 " ax %04" PRIx64 " mem %016" PRIx64 " %04x\n",
	       (unsigned)(n->out[4] | n->out[5] << 8), (unsigned)(n->out[8] | n->out[9] << 8),
	       (unsigned)(n->out[37] << 8 | n->out[36]), *(const uint64_t *)(const void *)(n->out + 28),
	       (unsigned)(n->out[47] << 8 | n->out[46]), *(const uint64_t *)(const void *)(n->out + 38),
	       n->rflags & 0x8d5, n->rax & 0xffff, *(const uint64_t *)(const void *)n->mem,
	       (unsigned)(n->mem[8] | n->mem[9] << 8));
	printf("    emu    fsw %04x ftw %04x ST0 %04x:%016" PRIx64 " ST1 %04x:%016" PRIx64
	       " fl %03" PRIx64 " ax %04" PRIx64 " mem %016" PRIx64 " %04x\n",
	       (unsigned)(e->out[4] | e->out[5] << 8), (unsigned)(e->out[8] | e->out[9] << 8),
	       (unsigned)(e->out[37] << 8 | e->out[36]), *(const uint64_t *)(const void *)(e->out + 28),
	       (unsigned)(e->out[47] << 8 | e->out[46]), *(const uint64_t *)(const void *)(e->out + 38),
	       e->rflags & 0x8d5, e->rax & 0xffff, *(const uint64_t *)(const void *)e->mem,
	       (unsigned)(e->mem[8] | e->mem[9] << 8));
}

/* Run one case both ways and compare; tol: transcendental (1 ulp, C1 free). */
static void diff_case(struct cpu *cpu, const char *name, const uint8_t *insn, unsigned len,
		      const struct run_block *rb, bool tol)
{
	struct run_block n = *rb, e = *rb;
	uint16_t fn, fe, mask = tol ? (uint16_t)~0x0200 : 0xffff;

	native_run(insn, len, &n);
	compared++;
	if (!emu_run(cpu, insn, len, &e)) {
		printf("  %s: emulation faulted (vector %u)\n", name, cpu->fault.vector);
		report_case(name, rb, &n, &e);
		return;
	}
	memcpy(&fn, n.out + 4, 2);
	memcpy(&fe, e.out + 4, 2);
	if (memcmp(n.out, e.out, 4) || (fn & mask) != (fe & mask) || memcmp(n.out + 8, e.out + 8, 4) ||
	    !regs_match(n.out, e.out, tol) || (n.rflags & 0x8d5) != (e.rflags & 0x8d5) ||
	    (insn[0] == 0xdf && insn[1] == 0xe0 && (uint16_t)n.rax != (uint16_t)e.rax) || memcmp(n.mem, e.mem, sizeof(n.mem)))
		report_case(name, rb, &n, &e);
}

struct diff_op {
	const char *name;
	uint8_t bytes[4];
	uint8_t len;
	uint8_t mem; /* 0 none, 4 f32, 8 f64, 10 f80, 0x12/0x14/0x18 int16/32/64, 0x2a BCD */
};

static const struct diff_op arith_ops[] = {
	{"fadd st0,st1", {0xd8, 0xc1}, 2, 0}, {"fsub st0,st1", {0xd8, 0xe1}, 2, 0},
	{"fsubr st0,st1", {0xd8, 0xe9}, 2, 0}, {"fmul st0,st1", {0xd8, 0xc9}, 2, 0},
	{"fdiv st0,st1", {0xd8, 0xf1}, 2, 0}, {"fdivr st0,st1", {0xd8, 0xf9}, 2, 0},
	{"fsub st1,st0", {0xdc, 0xe9}, 2, 0}, {"fsubr st1,st0", {0xdc, 0xe1}, 2, 0},
	{"fdiv st1,st0", {0xdc, 0xf9}, 2, 0}, {"fdivr st1,st0", {0xdc, 0xf1}, 2, 0},
	{"faddp", {0xde, 0xc1}, 2, 0}, {"fsubrp", {0xde, 0xe1}, 2, 0},
	{"fmulp", {0xde, 0xc9}, 2, 0}, {"fdivp", {0xde, 0xf9}, 2, 0},
	{"fcom st1", {0xd8, 0xd1}, 2, 0}, {"fcomp st1", {0xd8, 0xd9}, 2, 0},
	{"fucom st1", {0xdd, 0xe1}, 2, 0}, {"fcompp", {0xde, 0xd9}, 2, 0},
	{"fucompp", {0xda, 0xe9}, 2, 0}, {"fcomi", {0xdb, 0xf1}, 2, 0},
	{"fucomi", {0xdb, 0xe9}, 2, 0}, {"fcomip", {0xdf, 0xf1}, 2, 0},
	{"fucomip", {0xdf, 0xe9}, 2, 0}, {"fxch", {0xd9, 0xc9}, 2, 0},
	{"fprem", {0xd9, 0xf8}, 2, 0}, {"fprem1", {0xd9, 0xf5}, 2, 0},
	{"fscale", {0xd9, 0xfd}, 2, 0}, {"fcmovb", {0xda, 0xc1}, 2, 0},
	{"fcmovnbe", {0xdb, 0xd1}, 2, 0}, {"fcmovu", {0xda, 0xd9}, 2, 0},
	{"fsubp", {0xde, 0xe9}, 2, 0}, {"fdivrp", {0xde, 0xf1}, 2, 0},
	{"fadd st1,st0", {0xdc, 0xc1}, 2, 0}, {"fmul st1,st0", {0xdc, 0xc9}, 2, 0},
	{"fucomp st1", {0xdd, 0xe9}, 2, 0}, {"fxch st3", {0xd9, 0xcb}, 2, 0},
	{"fld st3", {0xd9, 0xc3}, 2, 0}, {"fstp st3", {0xdd, 0xdb}, 2, 0},
	{"fcmove", {0xda, 0xc9}, 2, 0}, {"fcmovnu", {0xdb, 0xd9}, 2, 0},
	{"ffreep st1", {0xdf, 0xc1}, 2, 0}, {"fcom2 alias", {0xdc, 0xd1}, 2, 0},
	{"fxch4 alias", {0xdd, 0xc9}, 2, 0}, {"fstp1 alias", {0xd9, 0xd9}, 2, 0},
};

static const struct diff_op unary_ops[] = {
	{"fchs", {0xd9, 0xe0}, 2, 0}, {"fabs", {0xd9, 0xe1}, 2, 0},
	{"ftst", {0xd9, 0xe4}, 2, 0}, {"fxam", {0xd9, 0xe5}, 2, 0},
	{"fsqrt", {0xd9, 0xfa}, 2, 0}, {"frndint", {0xd9, 0xfc}, 2, 0},
	{"fxtract", {0xd9, 0xf4}, 2, 0}, {"fld st0", {0xd9, 0xc0}, 2, 0},
	{"fst st1", {0xdd, 0xd1}, 2, 0}, {"fstp st1", {0xdd, 0xd9}, 2, 0},
	{"fld1", {0xd9, 0xe8}, 2, 0}, {"fldl2t", {0xd9, 0xe9}, 2, 0},
	{"fldl2e", {0xd9, 0xea}, 2, 0}, {"fldpi", {0xd9, 0xeb}, 2, 0},
	{"fldlg2", {0xd9, 0xec}, 2, 0}, {"fldln2", {0xd9, 0xed}, 2, 0},
	{"fldz", {0xd9, 0xee}, 2, 0}, {"fincstp", {0xd9, 0xf7}, 2, 0},
	{"fdecstp", {0xd9, 0xf6}, 2, 0}, {"ffree st0", {0xdd, 0xc0}, 2, 0},
	{"fnstsw ax", {0xdf, 0xe0}, 2, 0}, {"fnclex", {0xdb, 0xe2}, 2, 0},
	{"fninit", {0xdb, 0xe3}, 2, 0}, {"fnop", {0xd9, 0xd0}, 2, 0},
	{"fst m32", {0xd9, 0x13}, 2, 4}, {"fstp m64", {0xdd, 0x1b}, 2, 8},
	{"fstp m80", {0xdb, 0x3b}, 2, 10}, {"fist m16", {0xdf, 0x13}, 2, 0x12},
	{"fist m32", {0xdb, 0x13}, 2, 0x14}, {"fistp m64", {0xdf, 0x3b}, 2, 0x18},
	{"fisttp m16", {0xdf, 0x0b}, 2, 0x12}, {"fisttp m32", {0xdb, 0x0b}, 2, 0x14},
	{"fisttp m64", {0xdd, 0x0b}, 2, 0x18}, {"fbstp", {0xdf, 0x33}, 2, 0x2a},
	{"fnstcw m16", {0xd9, 0x3b}, 2, 0x12},
};

static const struct diff_op load_ops[] = {
	{"fld m32", {0xd9, 0x03}, 2, 4}, {"fld m64", {0xdd, 0x03}, 2, 8},
	{"fld m80", {0xdb, 0x2b}, 2, 10}, {"fild m16", {0xdf, 0x03}, 2, 0x12},
	{"fild m32", {0xdb, 0x03}, 2, 0x14}, {"fild m64", {0xdf, 0x2b}, 2, 0x18},
	{"fadd m32", {0xd8, 0x03}, 2, 4}, {"fsubr m64", {0xdc, 0x2b}, 2, 8},
	{"fdiv m32", {0xd8, 0x33}, 2, 4}, {"fimul m16", {0xde, 0x0b}, 2, 0x12},
	{"fidivr m32", {0xda, 0x3b}, 2, 0x14}, {"fcom m64", {0xdc, 0x13}, 2, 8},
	{"ficomp m16", {0xde, 0x1b}, 2, 0x12}, {"fbld", {0xdf, 0x23}, 2, 0x2a},
	{"fldcw", {0xd9, 0x2b}, 2, 0x12},
	{"fiadd m32", {0xda, 0x03}, 2, 0x14}, {"fisub m16", {0xde, 0x23}, 2, 0x12},
	{"fisubr m32", {0xda, 0x2b}, 2, 0x14}, {"fidiv m16", {0xde, 0x33}, 2, 0x12},
	{"fmul m64", {0xdc, 0x0b}, 2, 8}, {"fsub m32", {0xd8, 0x23}, 2, 4},
	{"fdivr m64", {0xdc, 0x3b}, 2, 8}, {"fcomp m32", {0xd8, 0x1b}, 2, 4},
	{"ficom m32", {0xda, 0x13}, 2, 0x14},
};

static const uint16_t fcws[] = {
	0x037f, 0x007f, 0x027f, 0x077f, 0x0b7f, 0x0f7f, 0x047f, 0x087f, 0x0c7f,
	0x0340, 0x0360, 0x0f40, 0x0072, 0x037e, 0x0377, 0x036f, 0x035f,
};
#define NFCW (sizeof(fcws) / sizeof(fcws[0]))

static uint64_t mem_pattern(unsigned kind, unsigned k)
{
	static const uint64_t f32[] = {0, 0x80000000, 0x3f800000, 0x00000001, 0x807fffff,
				       0x7f800000, 0x7fc00001, 0x7f800001, 0x7f7fffff, 0x40490fdb};
	static const uint64_t f64[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 1,
				       0x800fffffffffffffull, 0x7ff0000000000000ull,
				       0x7ff8000000000001ull, 0x7ff0000000000001ull,
				       0x7fefffffffffffffull, 0x400921fb54442d18ull};
	static const uint64_t ints[] = {0, 1, 0xffffffffffffffffull, 0x7fff, 0x8000,
					0x7fffffff, 0x80000000ull, 0x8000000000000000ull,
					0x123456789ull, 0xfffffffffffffffeull};
	static const uint64_t bcd[] = {0, 1, 0x99, 0x1234567890123456ull, 0x9999999999999999ull};
	uint64_t r = k < 10 ? 0 : rnd();

	switch (kind) {
	case 4:
		return k < 10 ? f32[k] : (uint32_t)r;
	case 8:
	case 10:
		return k < 10 ? f64[k] : r;
	case 0x2a:
		return bcd[k % 5];
	default:
		return k < 10 ? ints[k] : r;
	}
}

static void setup_case(struct run_block *rb, uint16_t fcw, unsigned top, unsigned nregs,
		       struct xval a, struct xval b, const struct diff_op *op, unsigned k)
{
	uint64_t m = op->mem ? mem_pattern(op->mem, k) : 0;

	memset(rb, 0, sizeof(*rb));
	make_image(rb->in, fcw, top, nregs, a, b);
	memcpy(rb->mem, &m, 8);
	if (op->mem == 10) {
		uint16_t se = (uint16_t)(0x3fff + (k % 7) * 0x1000 - 0x3000);
		memcpy(rb->mem + 8, &se, 2);
	}
	if (op->mem == 0x2a)
		rb->mem[9] = (k & 1) ? 0x80 : 0;
	if (op->bytes[0] == 0xd9 && op->bytes[1] == 0x2b) /* fldcw: a control word */
		memcpy(rb->mem, &fcws[k % NFCW], 2);
	rb->rflags = 0x202 | ((k & 7) == 1 ? 0x1 : 0) | ((k & 7) == 2 ? 0x40 : 0) |
		     ((k & 7) == 3 ? 0x4 : 0);
}

static bool harness_ready(void)
{
	if (!code_page) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return false;
		code_page = p;
	}
	return true;
}

static void run_ops(const struct diff_op *ops, unsigned nops, unsigned nregs_default)
{
	struct cpu *cpu = insn_test_cpu(MODE_LONG64);
	struct run_block rb;

	for (unsigned o = 0; o < nops; o++) {
		unsigned before = mismatches;

		op_base = mismatches;

		for (unsigned f = 0; f < NFCW; f++) {
			for (unsigned i = 0; i < NEDGE + 6; i++) {
				for (unsigned j = 0; j < NEDGE + 6; j += (f < 9 ? 1 : 5)) {
					struct xval a = i < NEDGE ? edge[i] : random_val(i & 1 ? 70 : 4);
					struct xval b = j < NEDGE ? edge[j] : random_val(j & 1 ? 70 : 4);
					unsigned nregs = nregs_default;

					if (j == 3 && i == 2)
						nregs = 8; /* stack overflow for pushes */
					else if (j == 4 && i == 2)
						nregs = nregs_default > 1 ? 1 : 0; /* underflow */
					setup_case(&rb, fcws[f], (i + j) & 7, nregs, a, b, &ops[o], j);
					diff_case(cpu, ops[o].name, ops[o].bytes, ops[o].len, &rb, false);
				}
			}
		}
		if (mismatches != before)
			printf("  %s: %u mismatches\n", ops[o].name, mismatches - before);
	}
	insn_test_free(cpu);
}

TEST(x87_diff, arith_compare)
{
	if (!harness_ready())
		return;
	mismatches = compared = 0;
	run_ops(arith_ops, sizeof(arith_ops) / sizeof(arith_ops[0]), 2);
	printf("  x87_diff.arith_compare: %u cases, %u mismatches\n", compared, mismatches);
	ASSERT_EQ(0, mismatches);
}

TEST(x87_diff, unary_store)
{
	if (!harness_ready())
		return;
	mismatches = compared = 0;
	run_ops(unary_ops, sizeof(unary_ops) / sizeof(unary_ops[0]), 1);
	printf("  x87_diff.unary_store: %u cases, %u mismatches\n", compared, mismatches);
	ASSERT_EQ(0, mismatches);
}

TEST(x87_diff, loads)
{
	if (!harness_ready())
		return;
	mismatches = compared = 0;
	run_ops(load_ops, sizeof(load_ops) / sizeof(load_ops[0]), 1);
	printf("  x87_diff.loads: %u cases, %u mismatches\n", compared, mismatches);
	ASSERT_EQ(0, mismatches);
}

/* FNSTENV's image: control, status, tag words and the reserved halves as the host's. */
TEST(x87_diff, fnstenv_layout)
{
	static const uint8_t fnstenv[] = {0xd9, 0x33}, fnsave[] = {0xdd, 0x33};
	static const uint8_t fnstenv16[] = {0x66, 0xd9, 0x33}, fnsave16[] = {0x66, 0xdd, 0x33};
	struct cpu *cpu;
	struct run_block rb, n, e;

	if (!harness_ready())
		return;
	cpu = insn_test_cpu(MODE_LONG64);
	for (unsigned k = 0; k < NEDGE; k++) {
		setup_case(&rb, fcws[k % NFCW], k & 7, k % 9, edge[k], edge[(k * 7) % NEDGE],
			   &unary_ops[0], 0);
		for (unsigned w = 0; w < 2; w++) {
			const uint8_t *insn = w ? fnsave : fnstenv;

			n = e = rb;
			native_run(insn, 2, &n);
			ASSERT_TRUE(emu_run(cpu, insn, 2, &e));
			ASSERT_EQ(0, memcmp(n.mem, e.mem, 12));
			ASSERT_EQ(n.mem[26] | n.mem[27] << 8, e.mem[26] | e.mem[27] << 8);
			ASSERT_EQ(0, memcmp(n.mem + 28, e.mem + 28, w ? 80 : 0));
			ASSERT_EQ(0, memcmp(n.out, e.out, 12));
			/* 16-bit operand size: 14-byte environment (94-byte save) */
			insn = w ? fnsave16 : fnstenv16;
			n = e = rb;
			native_run(insn, 3, &n);
			ASSERT_TRUE(emu_run(cpu, insn, 3, &e));
			ASSERT_EQ(0, memcmp(n.mem, e.mem, 6));
			ASSERT_EQ(0, memcmp(n.mem + 14, e.mem + 14, w ? 80 : 0));
		}
	}
	insn_test_free(cpu);
}

/* A random value of magnitude below 2^max_exp (and above 2^(max_exp - span)). */
static struct xval random_in(int max_exp, unsigned span, bool allow_neg)
{
	struct xval v;

	v.sig = rnd() | 0x8000000000000000ull;
	v.se = (uint16_t)(0x3fff + max_exp - 1 - (int)(rnd() % span));
	if (allow_neg && (rnd() & 1))
		v.se |= 0x8000;
	return v;
}

struct trans_op {
	struct diff_op op;
	int max_exp_a; /* ST(0) */
	unsigned span_a;
	bool neg_a;
	int max_exp_b; /* ST(1) */
	unsigned span_b;
	bool neg_b;
};

static const struct trans_op trans_ops[] = {
	{{"fsin", {0xd9, 0xfe}, 2, 0}, 1, 40, true, 1, 1, false},
	{{"fcos", {0xd9, 0xff}, 2, 0}, 0, 40, true, 1, 1, false},
	{{"fsincos", {0xd9, 0xfb}, 2, 0}, 0, 40, true, 1, 1, false},
	{{"fptan", {0xd9, 0xf2}, 2, 0}, 0, 40, true, 1, 1, false},
	{{"fpatan", {0xd9, 0xf3}, 2, 0}, 20, 40, true, 20, 40, true},
	{{"f2xm1", {0xd9, 0xf0}, 2, 0}, 0, 40, true, 1, 1, false},
	{{"fyl2x", {0xd9, 0xf1}, 2, 0}, 30, 60, false, 10, 20, true},
	{{"fyl2xp1", {0xd9, 0xf9}, 2, 0}, -2, 40, true, 10, 20, true},
};

TEST(x87_diff, transcendental)
{
	struct cpu *cpu;
	struct run_block rb;

	if (!harness_ready())
		return;
	cpu = insn_test_cpu(MODE_LONG64);
	mismatches = compared = 0;
	for (unsigned o = 0; o < sizeof(trans_ops) / sizeof(trans_ops[0]); o++) {
		const struct trans_op *t = &trans_ops[o];
		unsigned before = mismatches;

		op_base = mismatches;
		for (unsigned f = 0; f < 9; f++) {
			for (unsigned n = 0; n < 400; n++) {
				struct xval a = random_in(t->max_exp_a, t->span_a, t->neg_a);
				struct xval b = random_in(t->max_exp_b, t->span_b, t->neg_b);

				setup_case(&rb, fcws[f], n & 7, 2, a, b, &t->op, 0);
				diff_case(cpu, t->op.name, t->op.bytes, t->op.len, &rb, true);
			}
		}
		/* the special operands, compared exactly (but for C1) */
		for (unsigned i = 0; i < NEDGE; i++) {
			for (unsigned j = 0; j < NEDGE; j++) {
				unsigned ea = edge[i].se & 0x7fff;

				if (o < 4 && ea >= 0x3fff && ea < 0x7fff)
					continue; /* large trig arguments: the host reduces with a 66-bit pi */
				if ((o == 5 && ea >= 0x3fff && ea < 0x7fff &&
				     (edge[i].sig != 0x8000000000000000ull || ea > 0x3fff)) ||
				    (o == 7 && ea >= 0x3ffd && ea < 0x7fff))
					continue; /* outside the documented argument range */
				setup_case(&rb, 0x037f, (i + j) & 7, 2, edge[i], edge[j], &t->op, 0);
				diff_case(cpu, t->op.name, t->op.bytes, t->op.len, &rb, true);
			}
		}
		if (mismatches != before)
			printf("  %s: %u mismatches\n", t->op.name, mismatches - before);
	}
	insn_test_free(cpu);
	printf("  x87_diff.transcendental: %u cases, %u mismatches\n", compared, mismatches);
	ASSERT_EQ(0, mismatches);
}
#endif
