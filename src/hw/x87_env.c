/* SPDX-License-Identifier: MIT */
/*
 * x87 FPU state save and restore: FSTENV/FNSTENV, FLDENV, FSAVE/FNSAVE, FRSTOR (SDM
 * Vol. 1, 8.1.10 "Saving the x87 FPU's State with FSTENV/FNSTENV and FSAVE/FNSAVE",
 * Figures 8-9 … 8-12; Vol. 2 "FSTENV", "FLDENV", "FSAVE", "FRSTOR").
 */
#include <Zydis/Zydis.h>

#include "hw/access.h"
#include "hw/insn_handlers.h"
#include "hw/operand.h"
#include "hw/x87_int.h"

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)v);
	put16(b + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t get32(const uint8_t *b)
{
	return get16(b) | (uint32_t)get16(b + 2) << 16;
}

static uint64_t get64(const uint8_t *b)
{
	return get32(b) | (uint64_t)get32(b + 4) << 32;
}

void x87_put_f80(uint8_t *b, struct f80 v)
{
	put64(b, v.signif);
	put16(b + 8, v.sign_exp);
}

struct f80 x87_get_f80(const uint8_t *b)
{
	struct f80 v = {get64(b), get16(b + 8)};

	return v;
}

/* The full tag word as FSTENV/FSAVE store it: computed from the registers (8.1.7). */
static uint16_t full_tags(const struct cpu *cpu)
{
	uint16_t ftw = 0;

	for (unsigned p = 0; p < 8; p++) {
		unsigned t = x87_tag(cpu, p);
		struct f80 v = {cpu->x87.signif[p], cpu->x87.sign_exp[p]};

		ftw |= (uint16_t)((t == TAG_EMPTY ? TAG_EMPTY : x87_tag_of(v)) << (2 * p));
	}
	return ftw;
}

static bool real_layout(const struct cpu *cpu)
{
	return cpu->mode == MODE_REAL || cpu->mode == MODE_V86;
}

/*
 * The environment image (SDM Vol. 1, 8.1.10 "Saving the x87 FPU's State with
 * FSTENV/FNSTENV and FSAVE/FNSAVE", Figures 8-9 … 8-12): 14 bytes with a 16-bit
 * operand size, else 28; real-address and virtual-8086 modes store linear pointers.
 */
static unsigned env_store(const struct cpu *cpu, const struct insn *in, uint8_t *b)
{
	const struct x87_state *x = &cpu->x87;
	uint32_t lip = (uint32_t)(x->fcs * 16u + x->fip), ldp = (uint32_t)(x->fds * 16u + x->fdp);

	if (in->opsize == 2) {
		put16(b, x->fcw);
		put16(b + 2, x->fsw);
		put16(b + 4, full_tags(cpu));
		if (real_layout(cpu)) {
			put16(b + 6, (uint16_t)lip);
			put16(b + 8, (uint16_t)(((lip >> 16) & 0xf) << 12 | (x->fop & 0x7ff)));
			put16(b + 10, (uint16_t)ldp);
			put16(b + 12, (uint16_t)(((ldp >> 16) & 0xf) << 12));
		} else {
			put16(b + 6, (uint16_t)x->fip);
			put16(b + 8, x->fcs);
			put16(b + 10, (uint16_t)x->fdp);
			put16(b + 12, x->fds);
		}
		return 14;
	}
	put32(b, 0xffff0000u | x->fcw);
	put32(b + 4, 0xffff0000u | x->fsw);
	put32(b + 8, 0xffff0000u | full_tags(cpu));
	if (real_layout(cpu)) {
		put32(b + 12, 0xffff0000u | (lip & 0xffff));
		put32(b + 16, ((lip >> 16) & 0xffff) << 12 | (x->fop & 0x7ff));
		put32(b + 20, 0xffff0000u | (ldp & 0xffff));
		put32(b + 24, ((ldp >> 16) & 0xffff) << 12);
	} else {
		put32(b + 12, (uint32_t)x->fip);
		put32(b + 16, x->fcs | (uint32_t)(x->fop & 0x7ff) << 16);
		put32(b + 20, (uint32_t)x->fdp);
		put32(b + 24, 0xffff0000u | x->fds);
	}
	return 28;
}

/* Load an environment image; tags other than empty are recomputed from the registers. */
static unsigned env_load(struct cpu *cpu, const struct insn *in, const uint8_t *b, uint16_t *ftw)
{
	struct x87_state *x = &cpu->x87;

	if (in->opsize == 2) {
		x->fcw = x87_fcw_of(get16(b));
		x->fsw = get16(b + 2);
		*ftw = get16(b + 4);
		if (real_layout(cpu)) {
			x->fip = get16(b + 6) | (uint64_t)(get16(b + 8) >> 12) << 16;
			x->fop = get16(b + 8) & 0x7ff;
			x->fdp = get16(b + 10) | (uint64_t)(get16(b + 12) >> 12) << 16;
			x->fcs = x->fds = 0;
		} else {
			x->fip = get16(b + 6);
			x->fcs = get16(b + 8);
			x->fdp = get16(b + 10);
			x->fds = get16(b + 12);
		}
		return 14;
	}
	x->fcw = x87_fcw_of(get32(b));
	x->fsw = get16(b + 4);
	*ftw = get16(b + 8);
	if (real_layout(cpu)) {
		x->fip = get16(b + 12) | (uint64_t)((get32(b + 16) >> 12) & 0xffff) << 16;
		x->fop = get32(b + 16) & 0x7ff;
		x->fdp = get16(b + 20) | (uint64_t)((get32(b + 24) >> 12) & 0xffff) << 16;
		x->fcs = x->fds = 0;
	} else {
		x->fip = get32(b + 12);
		x->fcs = get16(b + 16);
		x->fop = (get32(b + 16) >> 16) & 0x7ff;
		x->fdp = get32(b + 20);
		x->fds = get16(b + 24);
	}
	return 28;
}

static void apply_tags(struct cpu *cpu, uint16_t ftw)
{
	for (unsigned p = 0; p < 8; p++) {
		struct f80 v = {cpu->x87.signif[p], cpu->x87.sign_exp[p]};

		x87_set_tag(cpu, p, ((ftw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : x87_tag_of(v));
	}
	x87_update_es(cpu);
}

static enum exec_status do_fnstenv(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint8_t b[28];
	unsigned n = env_store(cpu, in, b);
	enum exec_status st = mem_write_buf(cpu, m->seg, op_ea(cpu, in, m), b, n);

	/* FSTENV then masks every exception (SDM Vol. 2A "FSTENV/FNSTENV"). */
	if (st == EXEC_OK)
		cpu->x87.fcw |= SF80_ALL;
	return st;
}

static enum exec_status do_fldenv(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint8_t b[28];
	uint16_t ftw;
	enum exec_status st = mem_read_buf(cpu, m->seg, op_ea(cpu, in, m), b,
					   in->opsize == 2 ? 14 : 28);

	if (st != EXEC_OK)
		return st;
	env_load(cpu, in, b, &ftw);
	apply_tags(cpu, ftw);
	return EXEC_OK;
}

/* FSAVE/FNSAVE: environment, then ST(0)..ST(7), then FNINIT (SDM Vol. 2A). */
static enum exec_status do_fnsave(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint8_t b[108];
	unsigned n = env_store(cpu, in, b);
	enum exec_status st;

	for (unsigned i = 0; i < 8; i++)
		x87_put_f80(b + n + 10 * i, x87_st(cpu, i));
	st = mem_write_buf(cpu, m->seg, op_ea(cpu, in, m), b, n + 80);
	if (st == EXEC_OK)
		x87_init_state(cpu);
	return st;
}

static enum exec_status do_frstor(struct cpu *cpu, const struct insn *in)
{
	const struct operand *m = x87_mem_op(in);
	uint8_t b[108];
	unsigned n = in->opsize == 2 ? 14 : 28;
	uint16_t ftw;
	enum exec_status st = mem_read_buf(cpu, m->seg, op_ea(cpu, in, m), b, n + 80);

	if (st != EXEC_OK)
		return st;
	env_load(cpu, in, b, &ftw);
	for (unsigned i = 0; i < 8; i++) {
		unsigned p = x87_phys(cpu, i);
		struct f80 v = x87_get_f80(b + n + 10 * i);

		cpu->x87.signif[p] = v.signif;
		cpu->x87.sign_exp[p] = v.sign_exp;
	}
	apply_tags(cpu, ftw);
	return EXEC_OK;
}

enum exec_status exec_fnstenv(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fnstenv);
}

enum exec_status exec_fldenv(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_CONTROL, do_fldenv);
}

enum exec_status exec_fnsave(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_NOWAIT, do_fnsave);
}

enum exec_status exec_frstor(struct cpu *cpu, const struct insn *in)
{
	return x87_run(cpu, in, X87_CONTROL, do_frstor);
}
