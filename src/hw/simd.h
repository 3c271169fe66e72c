/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the SSE/MMX instruction files (insn_sse*.c, insn_xsave.c): the
 * availability checks (SDM Vol. 1, 11.6.2 "Checking for SSE/SSE2 Support" and 9.6
 * "Compatibility with the x87 FPU"; Vol. 3A, 2.5 CR0.EM/TS, CR4.OSFXSR), XMM/MMX
 * register access, 128-bit memory operands with the 16-byte alignment rule (Vol. 1,
 * 12.10.3 "Memory Operand Alignment"), MXCSR bits (Vol. 1, 10.2.3 "MXCSR").
 */
#ifndef NESTVM_HW_SIMD_H
#define NESTVM_HW_SIMD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hw/cpu.h"
#include "hw/insn.h"

/* MXCSR (SDM Vol. 1, Figure 10-3). */
#define MXCSR_IE (1u << 0)
#define MXCSR_DE (1u << 1)
#define MXCSR_ZE (1u << 2)
#define MXCSR_OE (1u << 3)
#define MXCSR_UE (1u << 4)
#define MXCSR_PE (1u << 5)
#define MXCSR_DAZ (1u << 6)
#define MXCSR_MASK_SHIFT 7 /* IM DM ZM OM UM PM at bits 7..12 */
#define MXCSR_RC_SHIFT 13
#define MXCSR_RC_MASK (3u << 13)
#define MXCSR_FZ (1u << 15)
#define MXCSR_FLAGS 0x3fu
#define MXCSR_RESET 0x1f80u
#define MXCSR_SUPPORTED 0xffffu /* MXCSR_MASK: bits 31:16 are reserved */

/* x87 status word TOP (SDM Vol. 1, 8.1.3). */
#define FSW_TOP_SHIFT 11
#define FSW_TOP_MASK (7u << 11)
#define FSW_ES (1u << 7) /* exception summary */

/* A 128-bit value with the lane views the handlers use (little-endian host assumed). */
union simd_vec {
	uint8_t b[16];
	int8_t sb[16];
	uint16_t w[8];
	int16_t sw[8];
	uint32_t d[4];
	int32_t sd[4];
	uint64_t q[2];
	int64_t sq[2];
};

/* Which register file an operand names; the index of an XMM/MMX register. */
unsigned simd_xmm_index(const struct operand *op);
bool simd_op_is_xmm(const struct operand *op);
bool simd_op_is_mmx(const struct operand *op);

/* #UD/#NM checks. SSE: #UD if CR0.EM or !CR4.OSFXSR, #NM if CR0.TS (SDM Vol. 3A, 13.1). */
enum exec_status simd_check_sse(struct cpu *cpu);
/* MMX: #UD if CR0.EM, #NM if CR0.TS, #MF if an x87 exception is pending (SDM Vol. 2). */
enum exec_status simd_check_mmx(struct cpu *cpu);
/* The x87→MMX transition every MMX instruction makes: TOP = 0, all tags valid. */
void simd_mmx_enter(struct cpu *cpu);

/* Register access: XMM (16 bytes) or MMX (8 bytes; writes set the exponent to all ones). */
static inline uint8_t *simd_xmm(struct cpu *cpu, unsigned n)
{
	return cpu->simd.ymm[n & 15];
}
void simd_mmx_write(struct cpu *cpu, unsigned n, uint64_t v);

/*
 * Read operand n of an SSE/MMX instruction into v (zeroed first): an XMM register (16
 * bytes), an MMX register (8), a general register, or memory of op->size bytes. A
 * 16-byte memory operand is checked for 16-byte alignment unless the instruction is
 * one of the unaligned forms (#GP(0), SDM Vol. 1, 12.10.3).
 */
enum exec_status simd_read(struct cpu *cpu, const struct insn *in, unsigned n,
			   union simd_vec *v);
/* Read `size` bytes of memory operand n (no alignment check unless `aligned`). */
enum exec_status simd_read_mem(struct cpu *cpu, const struct insn *in, unsigned n,
			       void *buf, unsigned size, bool aligned);
enum exec_status simd_write_mem(struct cpu *cpu, const struct insn *in, unsigned n,
				const void *buf, unsigned size, bool aligned);
/*
 * Write operand n: XMM gets 16 bytes (upper YMM untouched, as legacy SSE), MMX 8,
 * general register op->size (with the 32-bit zero-extension), memory op->size.
 */
enum exec_status simd_write(struct cpu *cpu, const struct insn *in, unsigned n,
			    const union simd_vec *v);
/* Vector length in bytes of operand 0 (8 for MMX, 16 for XMM). */
unsigned simd_width(const struct insn *in);
/* Check SSE or MMX availability from operand 0/1 and enter MMX state if needed. */
enum exec_status simd_check_ops(struct cpu *cpu, const struct insn *in);

/* Raise the SIMD floating-point exception: #XM if CR4.OSXMMEXCPT else #UD (Vol. 3A 6.15). */
static inline enum exec_status simd_fp_fault(struct cpu *cpu)
{
	return cpu_fault(cpu, (cpu->cr4 & CR4_OSXMMEXCPT) ? VEC_XM : VEC_UD);
}

/* Linear address of memory operand n, for alignment checks. */
uint64_t simd_linear(const struct cpu *cpu, const struct insn *in, unsigned n);

#endif
