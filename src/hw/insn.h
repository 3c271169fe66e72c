/* SPDX-License-Identifier: MIT */
/*
 * A decoded instruction as the interpreter caches it: Zydis's decoding reduced to what
 * the handlers need (SDM Vol. 2A, Chapter 2 "Instruction Format").
 */
#ifndef NESTVM_HW_INSN_H
#define NESTVM_HW_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"

enum operand_kind {
	OPK_NONE,
	OPK_REG, /* general-purpose register (reg = enum gpr), or AH..BH when high8 */
	OPK_SEG, /* segment register (reg = enum seg_reg) */
	OPK_CR,  /* control register (reg = number) */
	OPK_DR,  /* debug register (reg = number) */
	OPK_MEM, /* memory: effective address from base/index/scale/disp, segment seg */
	OPK_IMM, /* immediate, sign- or zero-extended to the operand size as the ISA says */
	OPK_PTR, /* far pointer immediate (ptr16:16/32) in imm (offset) and ptr_sel */
	OPK_OTHER, /* x87, MMX, XMM, …: handled by the family's own code */
};

#define REG_NONE 0xff
#define REG_RIP 0xfe /* base register of a RIP-relative memory operand */

struct operand {
	uint8_t kind;   /* enum operand_kind */
	uint8_t size;   /* bytes */
	uint8_t reg;    /* OPK_REG/SEG/CR/DR; for OPK_OTHER the Zydis register id (low 8 bits) */
	bool high8;     /* AH, CH, DH, BH */
	uint8_t seg;    /* OPK_MEM: effective segment after overrides */
	uint8_t base;   /* OPK_MEM: enum gpr, REG_RIP or REG_NONE */
	uint8_t index;  /* OPK_MEM: enum gpr or REG_NONE */
	uint8_t scale;  /* OPK_MEM: 1, 2, 4, 8 */
	uint16_t ptr_sel;
	uint16_t other_reg; /* OPK_OTHER: full Zydis register */
	int64_t disp;   /* OPK_MEM */
	uint64_t imm;   /* OPK_IMM (already extended), OPK_PTR offset */
};

/* Repeat prefix as it applies to the instruction. */
enum rep_kind { REP_NONE, REP_REP, REP_REPNE };

struct insn;
typedef enum exec_status insn_fn(struct cpu *cpu, const struct insn *in);

struct insn {
	insn_fn *fn;
	uint16_t mnemonic;  /* ZydisMnemonic */
	uint16_t row;       /* index of the row in insn.def */
	uint8_t len;
	uint8_t opsize;     /* operand size in bytes (1, 2, 4, 8) */
	uint8_t addrsize;   /* address size in bytes (2, 4, 8) */
	uint8_t stacksize;  /* stack address size in bytes (2, 4, 8) */
	uint8_t nops;       /* visible operands in op[] */
	uint8_t rep;        /* enum rep_kind */
	bool lock;
	uint8_t seg_override; /* enum seg_reg or SEG_NONE */
	uint8_t opcode;     /* last opcode byte */
	uint8_t opcode_map; /* ZydisOpcodeMap */
	uint8_t modrm_reg;  /* ModRM.reg (the /digit) */
	uint8_t modrm_mod;
	uint8_t mode;       /* enum cpu_mode it was decoded for */
	uint8_t icpt;       /* enum icpt_class of its row */
	uint32_t attrs;     /* INSN_ATTR_* from insn.def */
	struct operand op[4];
};

/* Row attributes (insn.def column 3). */
#define INSN_ATTR_LOCKABLE (1u << 0)  /* LOCK allowed with a memory destination */
#define INSN_ATTR_CPL0 (1u << 1)      /* #GP(0) unless CPL 0, checked before any VM exit */
#define INSN_ATTR_NO64 (1u << 2)      /* #UD in 64-bit mode (Zydis already refuses most) */
#define INSN_ATTR_PROT (1u << 3)      /* #UD in real and virtual-8086 mode */
#define INSN_ATTR_BRANCH (1u << 4)    /* writes next_rip */
#define INSN_ATTR_STRING (1u << 5)    /* honours REP, may stop mid-way */

/* Intercept classes (insn.def column 4): which VM-execution control may make it exit. */
enum icpt_class {
	ICPT_NONE,
	ICPT_ALWAYS,     /* CPUID, GETSEC, INVD, XSETBV, VMX instructions (SDM 26.1.2) */
	ICPT_HLT,
	ICPT_INVLPG,
	ICPT_RDPMC,
	ICPT_RDTSC,
	ICPT_RDTSCP,
	ICPT_MOV_CR,
	ICPT_CLTS,
	ICPT_LMSW,
	ICPT_MOV_DR,
	ICPT_IO,
	ICPT_RDMSR,
	ICPT_WRMSR,
	ICPT_MWAIT,
	ICPT_MONITOR,
	ICPT_PAUSE,
	ICPT_WBINVD,
	ICPT_DESC_GDTR_IDTR, /* LGDT, LIDT, SGDT, SIDT */
	ICPT_DESC_LDTR_TR,   /* LLDT, LTR, SLDT, STR */
	ICPT_RDRAND,
	ICPT_RDSEED,
	ICPT_INVPCID,
	ICPT_XSAVES,
	ICPT_VMX,            /* VMX instructions: exit with their own reasons */
	ICPT_SMSW,           /* SMSW reads a shadowed CR0 (no exit) */
};

#endif
