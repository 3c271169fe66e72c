/* SPDX-License-Identifier: MIT */
/*
 * Register-stack helpers shared by the x87 instruction files (insn_x87.c, x87_arith.c):
 * TOP, tags and status bits (SDM Vol. 1, 8.1 "x87 FPU Execution Environment").
 */
#ifndef NESTVM_HW_X87_INT_H
#define NESTVM_HW_X87_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/insn.h"
#include "hw/softfloat80.h"

/* FSW bits (SDM Vol. 1, 8.1.3 "x87 FPU Status Register"). */
#define X87_FSW_SF (1u << 6)
#define X87_FSW_ES (1u << 7)
#define X87_FSW_C0 (1u << 8)
#define X87_FSW_C1 (1u << 9)
#define X87_FSW_C2 (1u << 10)
#define X87_FSW_TOP_SHIFT 11
#define X87_FSW_TOP (7u << 11)
#define X87_FSW_C3 (1u << 14)
#define X87_FSW_B (1u << 15)
#define X87_FSW_CC (X87_FSW_C0 | X87_FSW_C1 | X87_FSW_C2 | X87_FSW_C3)

/* Tags (8.1.7 "x87 FPU Tag Word"). */
enum x87_tag { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

static inline unsigned x87_top(const struct cpu *cpu)
{
	return (cpu->x87.fsw >> X87_FSW_TOP_SHIFT) & 7;
}

static inline void x87_set_top(struct cpu *cpu, unsigned top)
{
	cpu->x87.fsw = (uint16_t)((cpu->x87.fsw & ~X87_FSW_TOP) | ((top & 7) << X87_FSW_TOP_SHIFT));
}

static inline unsigned x87_phys(const struct cpu *cpu, unsigned i)
{
	return (x87_top(cpu) + i) & 7;
}

static inline unsigned x87_tag(const struct cpu *cpu, unsigned phys)
{
	return (cpu->x87.ftw >> (2 * phys)) & 3;
}

static inline bool x87_empty(const struct cpu *cpu, unsigned i)
{
	return x87_tag(cpu, x87_phys(cpu, i)) == TAG_EMPTY;
}

static inline struct f80 x87_st(const struct cpu *cpu, unsigned i)
{
	unsigned p = x87_phys(cpu, i);
	struct f80 v = {cpu->x87.signif[p], cpu->x87.sign_exp[p]};

	return v;
}

/* The tag a value gets when written (8.1.7). */
static inline unsigned x87_tag_of(struct f80 v)
{
	switch (sf80_classify(v)) {
	case SF80_CLASS_NORMAL:
		return TAG_VALID;
	case SF80_CLASS_ZERO:
		return TAG_ZERO;
	default:
		return TAG_SPECIAL;
	}
}

static inline void x87_set_tag(struct cpu *cpu, unsigned phys, unsigned tag)
{
	cpu->x87.ftw = (uint16_t)((cpu->x87.ftw & ~(3u << (2 * phys))) | (tag << (2 * phys)));
}

static inline void x87_write(struct cpu *cpu, unsigned i, struct f80 v)
{
	unsigned p = x87_phys(cpu, i);

	cpu->x87.signif[p] = v.signif;
	cpu->x87.sign_exp[p] = v.sign_exp;
	x87_set_tag(cpu, p, x87_tag_of(v));
}

static inline void x87_pop(struct cpu *cpu)
{
	x87_set_tag(cpu, x87_phys(cpu, 0), TAG_EMPTY);
	x87_set_top(cpu, x87_top(cpu) + 1);
}

/* Make room for a push: TOP - 1 (the caller then writes ST(0)). */
static inline void x87_dec_top(struct cpu *cpu)
{
	x87_set_top(cpu, x87_top(cpu) + 7);
}

static inline void x87_set_cc(struct cpu *cpu, uint16_t cc)
{
	cpu->x87.fsw = (uint16_t)((cpu->x87.fsw & ~X87_FSW_CC) | cc);
}

/* An operation's environment from FCW. */
static inline struct sf80_ctx x87_ctx(const struct cpu *cpu)
{
	struct sf80_ctx c = {cpu->x87.fcw, 0, false};

	return c;
}

/*
 * Record the flags an operation raised (C1 = round-up on #P, else cleared by the
 * caller), ES and B when one is unmasked. Returns whether the result may be stored:
 * false for an unmasked #I, #D or #Z (SDM Vol. 1, 8.5 "x87 FPU Floating-Point
 * Exception Conditions": destination and stack unchanged).
 */
bool x87_commit(struct cpu *cpu, const struct sf80_ctx *c);
/*
 * Stack overflow (push onto a full register) or underflow (empty source): #IS, i.e. IE
 * and SF with C1 = 1 for overflow, 0 for underflow (8.5.1.1). Returns whether it is
 * masked (the caller then stores the QNaN indefinite).
 */
bool x87_stack_fault(struct cpu *cpu, bool overflow);
/* ST(i) of a register form: the visible x87 operand that is not ST(0), else 0. */
unsigned x87_sti(const struct insn *in);
/* The memory operand of the instruction, or NULL. */
const struct operand *x87_mem_op(const struct insn *in);

/* Push v, or the masked response to a stack overflow (#IS, C1 = 1). */
void x87_push(struct cpu *cpu, struct f80 v);

enum x87_kind {
	X87_NONCONTROL, /* waits; updates FIP/FCS/FOP (and FDP/FDS with a memory operand) */
	X87_CONTROL,    /* waits; leaves the pointers */
	X87_NOWAIT,     /* FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE */
};

typedef enum exec_status x87_fn(struct cpu *cpu, const struct insn *in);
/*
 * Run fn as an x87 instruction of that kind: #NM, the pending #MF, FIP/FOP/FDP, and
 * precise faults (the FPU state is restored when fn faults).
 */
enum exec_status x87_run(struct cpu *cpu, const struct insn *in, enum x87_kind kind, x87_fn *fn);
enum exec_status x87_run_noncontrol(struct cpu *cpu, const struct insn *in, x87_fn *fn);

/* FNINIT's state (SDM Vol. 2A "FINIT/FNINIT"). */
void x87_init_state(struct cpu *cpu);
/* ES and B follow the unmasked flags after FCW or FSW is loaded. */
void x87_update_es(struct cpu *cpu);
/* A loaded control word with the reserved bits as the hardware keeps them. */
uint16_t x87_fcw_of(uint32_t v);
/* 80-bit memory image (little-endian significand, then sign and exponent). */
void x87_put_f80(uint8_t *b, struct f80 v);
struct f80 x87_get_f80(const uint8_t *b);

#endif
