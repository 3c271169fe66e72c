/* SPDX-License-Identifier: MIT */
/*
 * Which instructions exit, from the VM-execution controls of the current VMCS
 * (SDM Vol. 3C, 26.1 "Instructions That Cause VM Exits", 25.6 "VM-Execution Control
 * Fields"), and the exit qualification and instruction information they report
 * (28.2.1, Table 28-1 … 28-14; 28.2.5).
 */
#include "hw/intercept.h"

#include <Zydis/Zydis.h>

#include "hw/access.h"
#include "hw/io.h"
#include "hw/operand.h"
#include "hw/vmx/vmcs.h"
#include "hw/vmx/vmexit.h"
#include "hw/vmx/vmx.h"
#include "hw/vmx/vmx_arch.h"

static enum exec_status insn_exit(struct cpu *cpu, const struct insn *in, uint32_t reason,
				  uint64_t qual)
{
	cpu->exit.insn_len = in->len;
	return vmexit(cpu, reason, qual);
}

/* The memory or register operand of an instruction, in VM-exit instruction information (28.2.5). */
static uint32_t insn_info_operand(const struct insn *in, const struct operand *op)
{
	uint32_t info = 0;
	unsigned asz = in->addrsize == 2 ? 0 : in->addrsize == 4 ? 1 : 2;

	info |= asz << 7;
	if (op->kind != OPK_MEM) {
		info |= 1u << 10; /* register operand */
		info |= (uint32_t)(op->reg & 0xf) << 3;
		return info;
	}
	switch (op->scale) {
	case 2: info |= 1; break;
	case 4: info |= 2; break;
	case 8: info |= 3; break;
	default: break;
	}
	info |= (uint32_t)(op->seg & 7) << 15;
	if (op->index == REG_NONE)
		info |= 1u << 22;
	else
		info |= (uint32_t)(op->index & 0xf) << 18;
	if (op->base == REG_NONE || op->base == REG_RIP)
		info |= 1u << 27;
	else
		info |= (uint32_t)(op->base & 0xf) << 23;
	return info;
}

static uint64_t shadowed(uint64_t real, uint64_t mask, uint64_t shadow)
{
	return (real & ~mask) | (shadow & mask);
}

/* SDM 26.1.3 "Instructions That Cause VM Exits Conditionally": MOV to/from CRn, CLTS, LMSW. */
static enum exec_status cr_access(struct cpu *cpu, const struct insn *in, bool *done)
{
	const struct vmcs *v = cpu->vmcs;
	uint32_t proc = v->cpu_based_vm_exec_control;
	bool to_cr = in->op[0].kind == OPK_CR;
	unsigned cr = to_cr ? in->op[0].reg : in->op[1].reg;
	unsigned gpr = to_cr ? in->op[1].reg : in->op[0].reg;
	uint64_t qual = cr | ((uint64_t)gpr << 8) | (to_cr ? 0 : 1u << 4);
	uint64_t value = to_cr ? cpu->gpr[gpr] : 0;

	if (cpu->mode != MODE_LONG64)
		value = (uint32_t)value;
	switch (cr) {
	case 0:
	case 4: {
		uint64_t mask = cr == 0 ? v->cr0_guest_host_mask : v->cr4_guest_host_mask;
		uint64_t shadow = cr == 0 ? v->cr0_read_shadow : v->cr4_read_shadow;
		uint64_t real = cr == 0 ? cpu->cr0 : cpu->cr4;
		if (!to_cr) {
			/* Reads see the read shadow in host-owned bits and never exit. */
			reg_write(cpu, gpr, 8, shadowed(real, mask, shadow));
			*done = true;
			return EXEC_OK;
		}
		if ((value ^ shadow) & mask)
			return insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, qual);
		return EXEC_OK;
	}
	case 3:
		if (!to_cr)
			return (proc & CPU_BASED_CR3_STORE_EXITING)
				       ? insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, qual)
				       : EXEC_OK;
		if (!(proc & CPU_BASED_CR3_LOAD_EXITING))
			return EXEC_OK;
		{
			const uint64_t targets[4] = {v->cr3_target_value0, v->cr3_target_value1,
						     v->cr3_target_value2, v->cr3_target_value3};
			for (unsigned i = 0; i < v->cr3_target_count && i < 4; i++)
				if (targets[i] == value)
					return EXEC_OK;
		}
		return insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, qual);
	case 8:
		if (to_cr ? (proc & CPU_BASED_CR8_LOAD_EXITING) : (proc & CPU_BASED_CR8_STORE_EXITING))
			return insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, qual);
		return EXEC_OK;
	default:
		return EXEC_OK;
	}
}

static enum exec_status clts_lmsw(struct cpu *cpu, const struct insn *in)
{
	const struct vmcs *v = cpu->vmcs;
	uint64_t mask = v->cr0_guest_host_mask, shadow = v->cr0_read_shadow;

	if (in->icpt == ICPT_CLTS) {
		/* CLTS exits if CR0.TS is host-owned and the shadow has it set. */
		if ((mask & CR0_TS) && (shadow & CR0_TS))
			return insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, 2u << 4);
		return EXEC_OK;
	}
	/* LMSW: low four bits; it cannot clear PE (SDM 26.1.3). */
	uint64_t src;
	enum exec_status st = op_read(cpu, in, 0, &src);
	if (st != EXEC_OK)
		return st;
	src &= 0xf;
	uint64_t m = mask & 0xf;
	bool exits = ((m & ~CR0_PE) & (src ^ shadow)) || ((m & CR0_PE) && !(shadow & CR0_PE) && (src & CR0_PE));
	if (!exits)
		return EXEC_OK;
	uint64_t qual = (3u << 4) | (src << 16);
	if (in->op[0].kind == OPK_MEM) {
		qual |= 1u << 6;
		cpu->exit.guest_linear = 0;
		seg_linear(cpu, in->op[0].seg, op_ea(cpu, in, &in->op[0]), 2, ACC_READ,
			   &cpu->exit.guest_linear);
	} else {
		qual |= (uint64_t)in->op[0].reg << 8;
	}
	return insn_exit(cpu, in, EXIT_REASON_CR_ACCESS, qual);
}

static bool bitmap_bit(const struct cpu *cpu, uint64_t base, uint32_t bit)
{
	uint8_t byte;

	if (!vmx_machine_read(cpu, base + bit / 8, &byte, 1))
		return true;
	return (byte >> (bit % 8)) & 1;
}

/* SDM 26.1.3: unconditional I/O exiting and the I/O bitmaps (25.6.4). */
static bool io_exits(const struct cpu *cpu, uint16_t port, unsigned size)
{
	const struct vmcs *v = cpu->vmcs;
	uint32_t proc = v->cpu_based_vm_exec_control;

	if (!(proc & CPU_BASED_USE_IO_BITMAPS))
		return (proc & CPU_BASED_UNCOND_IO_EXITING) != 0;
	for (unsigned i = 0; i < size; i++) {
		uint32_t p = (uint32_t)port + i;
		if (p > 0xffff)
			return true; /* wraps around the port space */
		if (bitmap_bit(cpu, p < 0x8000 ? v->io_bitmap_a : v->io_bitmap_b, p & 0x7fff))
			return true;
	}
	return false;
}

static enum exec_status io_access(struct cpu *cpu, const struct insn *in)
{
	bool string = in->mnemonic != ZYDIS_MNEMONIC_IN && in->mnemonic != ZYDIS_MNEMONIC_OUT;
	bool is_in = in->mnemonic == ZYDIS_MNEMONIC_IN || in->mnemonic == ZYDIS_MNEMONIC_INSB ||
		     in->mnemonic == ZYDIS_MNEMONIC_INSW || in->mnemonic == ZYDIS_MNEMONIC_INSD;
	bool imm = false;
	unsigned size;
	uint16_t port;
	enum exec_status st;

	if (string) {
		size = in->opsize;
		port = (uint16_t)cpu->gpr[R_RDX];
	} else {
		/* IN AL/AX/EAX, imm8|DX  and  OUT imm8|DX, AL/AX/EAX */
		const struct operand *pop = is_in ? &in->op[1] : &in->op[0];
		const struct operand *dop = is_in ? &in->op[0] : &in->op[1];
		size = dop->size;
		imm = pop->kind == OPK_IMM;
		port = imm ? (uint16_t)pop->imm : (uint16_t)cpu->gpr[R_RDX];
	}
	/* I/O permission (CPL/IOPL, TSS bitmap) has priority over the VM exit (SDM 26.1.1). */
	if ((st = io_check_permission(cpu, port, size)) != EXEC_OK)
		return st;
	if (!io_exits(cpu, port, size))
		return EXEC_OK;
	uint64_t qual = (size - 1) | (is_in ? 1u << 3 : 0) | (string ? 1u << 4 : 0) |
			(in->rep ? 1u << 5 : 0) | (imm ? 1u << 6 : 0) | ((uint64_t)port << 16);
	if (string) {
		unsigned seg = is_in ? SEG_ES : (in->seg_override != SEG_NONE ? in->seg_override : SEG_DS);
		uint64_t off = cpu->gpr[is_in ? R_RDI : R_RSI] & bits_mask(in->addrsize);
		unsigned asz = in->addrsize == 2 ? 0 : in->addrsize == 4 ? 1 : 2;
		cpu->exit.insn_info = (asz << 7) | ((uint32_t)seg << 15);
		/* Guest-linear address of the string operand; offset with segment base. */
		cpu->exit.guest_linear = (cpu->mode == MODE_LONG64 && seg != SEG_FS && seg != SEG_GS)
						 ? off
						 : cpu->seg[seg].base + off;
	}
	return insn_exit(cpu, in, EXIT_REASON_IO_INSTRUCTION, qual);
}

/* SDM 25.6.9 "MSR-Bitmap Address": read low, read high, write low, write high. */
static bool msr_exits(const struct cpu *cpu, uint32_t msr, bool write)
{
	const struct vmcs *v = cpu->vmcs;
	uint64_t base = v->msr_bitmap + (write ? 2048 : 0);

	if (!(v->cpu_based_vm_exec_control & CPU_BASED_USE_MSR_BITMAPS))
		return true;
	if (msr <= 0x1fff)
		return bitmap_bit(cpu, base, msr);
	if (msr >= 0xc0000000u && msr <= 0xc0001fffu)
		return bitmap_bit(cpu, base + 1024, msr - 0xc0000000u);
	return true;
}

static uint32_t vmx_insn_reason(uint16_t mnemonic)
{
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_VMCALL: return EXIT_REASON_VMCALL;
	case ZYDIS_MNEMONIC_VMCLEAR: return EXIT_REASON_VMCLEAR;
	case ZYDIS_MNEMONIC_VMLAUNCH: return EXIT_REASON_VMLAUNCH;
	case ZYDIS_MNEMONIC_VMPTRLD: return EXIT_REASON_VMPTRLD;
	case ZYDIS_MNEMONIC_VMPTRST: return EXIT_REASON_VMPTRST;
	case ZYDIS_MNEMONIC_VMREAD: return EXIT_REASON_VMREAD;
	case ZYDIS_MNEMONIC_VMRESUME: return EXIT_REASON_VMRESUME;
	case ZYDIS_MNEMONIC_VMWRITE: return EXIT_REASON_VMWRITE;
	case ZYDIS_MNEMONIC_VMXOFF: return EXIT_REASON_VMOFF;
	case ZYDIS_MNEMONIC_VMXON: return EXIT_REASON_VMON;
	case ZYDIS_MNEMONIC_INVEPT: return EXIT_REASON_INVEPT;
	case ZYDIS_MNEMONIC_INVVPID: return EXIT_REASON_INVVPID;
	default: return EXIT_REASON_VMFUNC;
	}
}

/*
 * VMX instructions in VMX non-root operation: #UD in real, virtual-8086 and
 * compatibility mode outrank the exit (SDM Vol. 3C, 26.1.2 and each instruction's
 * pseudocode); otherwise they exit with their own reason, reporting their operands.
 */
static enum exec_status vmx_insn(struct cpu *cpu, const struct insn *in)
{
	uint32_t reason = vmx_insn_reason(in->mnemonic);
	uint64_t qual = 0;
	uint32_t info = 0;

	if (reason != EXIT_REASON_VMCALL && reason != EXIT_REASON_VMFUNC &&
	    (cpu->mode == MODE_REAL || cpu->mode == MODE_V86 || cpu->mode == MODE_COMPAT16 ||
	     cpu->mode == MODE_COMPAT32))
		return cpu_ud(cpu);
	for (unsigned i = 0; i < in->nops; i++) {
		const struct operand *op = &in->op[i];
		if (op->kind == OPK_MEM) {
			info |= insn_info_operand(in, op);
			qual = (uint64_t)op->disp; /* the displacement (SDM 28.2.1) */
		}
	}
	switch (reason) {
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMWRITE:
		/* reg2 (31:28) is the field-encoding register; op 0/1 is the value. */
		{
			const struct operand *val = reason == EXIT_REASON_VMREAD ? &in->op[0] : &in->op[1];
			const struct operand *enc = reason == EXIT_REASON_VMREAD ? &in->op[1] : &in->op[0];
			info = insn_info_operand(in, val);
			info |= (uint32_t)(enc->reg & 0xf) << 28;
			if (val->kind == OPK_MEM)
				qual = (uint64_t)val->disp;
			else
				qual = 0;
			info |= (in->opsize == 8 ? 1u : 0u) << 11;
		}
		break;
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
		info |= (uint32_t)(in->op[0].reg & 0xf) << 28;
		break;
	default:
		break;
	}
	cpu->exit.insn_info = info;
	return insn_exit(cpu, in, reason, qual);
}

static uint32_t always_reason(uint16_t mnemonic)
{
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_CPUID: return EXIT_REASON_CPUID;
	case ZYDIS_MNEMONIC_GETSEC: return EXIT_REASON_GETSEC;
	case ZYDIS_MNEMONIC_INVD: return EXIT_REASON_INVD;
	default: return EXIT_REASON_XSETBV;
	}
}

static enum exec_status desc_table(struct cpu *cpu, const struct insn *in, uint32_t reason)
{
	/* Instruction identity in bits 29:28: SGDT 0, SIDT 1, LGDT 2, LIDT 3; SLDT 0, STR 1, LLDT 2, LTR 3. */
	unsigned ident;
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_SGDT: case ZYDIS_MNEMONIC_SLDT: ident = 0; break;
	case ZYDIS_MNEMONIC_SIDT: case ZYDIS_MNEMONIC_STR: ident = 1; break;
	case ZYDIS_MNEMONIC_LGDT: case ZYDIS_MNEMONIC_LLDT: ident = 2; break;
	default: ident = 3; break;
	}
	uint32_t info = insn_info_operand(in, &in->op[0]) | (ident << 28);
	if (reason == EXIT_REASON_GDTR_IDTR)
		info |= (in->opsize == 4 ? 1u : 0u) << 11; /* operand size */
	cpu->exit.insn_info = info;
	return insn_exit(cpu, in, reason, in->op[0].kind == OPK_MEM ? (uint64_t)in->op[0].disp : 0);
}

enum exec_status intercept_insn(struct cpu *cpu, const struct insn *in, bool *done)
{
	const struct vmcs *v = cpu->vmcs;
	uint32_t proc = v->cpu_based_vm_exec_control;
	uint32_t proc2 = (proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ? v->secondary_vm_exec_control : 0;

	switch ((enum icpt_class)in->icpt) {
	case ICPT_NONE:
		return EXEC_OK;
	case ICPT_ALWAYS:
		return insn_exit(cpu, in, always_reason(in->mnemonic), 0);
	case ICPT_VMX:
		return vmx_insn(cpu, in);
	case ICPT_HLT:
		return (proc & CPU_BASED_HLT_EXITING) ? insn_exit(cpu, in, EXIT_REASON_HLT, 0) : EXEC_OK;
	case ICPT_INVLPG:
		if (!(proc & CPU_BASED_INVLPG_EXITING))
			return EXEC_OK;
		{
			uint64_t lin = op_ea(cpu, in, &in->op[0]);
			if (cpu->mode == MODE_LONG64) {
				if (in->op[0].seg == SEG_FS || in->op[0].seg == SEG_GS)
					lin += cpu->seg[in->op[0].seg].base;
			} else {
				lin = (uint32_t)(lin + cpu->seg[in->op[0].seg].base);
			}
			return insn_exit(cpu, in, EXIT_REASON_INVLPG, lin);
		}
	case ICPT_RDPMC:
		/* Privilege faults outrank the VM exit (SDM Vol. 3C, 26.1.1). */
		if (!(cpu->cr4 & CR4_PCE) && cpu->cpl != 0)
			return cpu_gp0(cpu);
		return (proc & CPU_BASED_RDPMC_EXITING) ? insn_exit(cpu, in, EXIT_REASON_RDPMC, 0) : EXEC_OK;
	case ICPT_RDTSC:
		if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0)
			return cpu_gp0(cpu);
		return (proc & CPU_BASED_RDTSC_EXITING) ? insn_exit(cpu, in, EXIT_REASON_RDTSC, 0) : EXEC_OK;
	case ICPT_RDTSCP:
		if (!(proc2 & SECONDARY_EXEC_ENABLE_RDTSCP))
			return cpu_ud(cpu);
		if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0)
			return cpu_gp0(cpu);
		return (proc & CPU_BASED_RDTSC_EXITING) ? insn_exit(cpu, in, EXIT_REASON_RDTSCP, 0) : EXEC_OK;
	case ICPT_MOV_CR:
		return cr_access(cpu, in, done);
	case ICPT_CLTS:
	case ICPT_LMSW:
		return clts_lmsw(cpu, in);
	case ICPT_SMSW: {
		/* SMSW reads CR0 through the read shadow; it never exits. */
		uint64_t cr0 = shadowed(cpu->cr0, v->cr0_guest_host_mask, v->cr0_read_shadow);
		if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0)
			return cpu_gp0(cpu);
		*done = true;
		if (in->op[0].kind == OPK_MEM)
			return mem_write(cpu, in->op[0].seg, op_ea(cpu, in, &in->op[0]), 2, cr0 & 0xffff);
		return op_write(cpu, in, 0, cr0);
	}
	case ICPT_MOV_DR:
		if (!(proc & CPU_BASED_MOV_DR_EXITING))
			return EXEC_OK;
		{
			bool to_dr = in->op[0].kind == OPK_DR;
			unsigned dr = to_dr ? in->op[0].reg : in->op[1].reg;
			unsigned gpr = to_dr ? in->op[1].reg : in->op[0].reg;
			/* CR4.DE makes DR4/DR5 #UD, and #UD outranks the exit. */
			if ((dr == 4 || dr == 5) && (cpu->cr4 & CR4_DE))
				return cpu_ud(cpu);
			return insn_exit(cpu, in, EXIT_REASON_DR_ACCESS,
					 dr | (to_dr ? 0 : 1u << 4) | ((uint64_t)gpr << 8));
		}
	case ICPT_IO:
		return io_access(cpu, in);
	case ICPT_RDMSR:
		return msr_exits(cpu, (uint32_t)cpu->gpr[R_RCX], false)
			       ? insn_exit(cpu, in, EXIT_REASON_MSR_READ, 0)
			       : EXEC_OK;
	case ICPT_WRMSR:
		return msr_exits(cpu, (uint32_t)cpu->gpr[R_RCX], true)
			       ? insn_exit(cpu, in, EXIT_REASON_MSR_WRITE, 0)
			       : EXEC_OK;
	case ICPT_MWAIT:
		return (proc & CPU_BASED_MWAIT_EXITING) ? insn_exit(cpu, in, EXIT_REASON_MWAIT_INSTRUCTION, 0) : EXEC_OK;
	case ICPT_MONITOR:
		return (proc & CPU_BASED_MONITOR_EXITING) ? insn_exit(cpu, in, EXIT_REASON_MONITOR_INSTRUCTION, 0) : EXEC_OK;
	case ICPT_PAUSE:
		return (proc & CPU_BASED_PAUSE_EXITING) ? insn_exit(cpu, in, EXIT_REASON_PAUSE_INSTRUCTION, 0) : EXEC_OK;
	case ICPT_WBINVD:
		return (proc2 & SECONDARY_EXEC_WBINVD_EXITING) ? insn_exit(cpu, in, EXIT_REASON_WBINVD, 0) : EXEC_OK;
	case ICPT_DESC_GDTR_IDTR:
	case ICPT_DESC_LDTR_TR:
		if (!(proc2 & SECONDARY_EXEC_DESC))
			return EXEC_OK;
		/* UMIP's #GP for CPL > 0 outranks descriptor-table exiting. */
		if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0 &&
		    (in->mnemonic == ZYDIS_MNEMONIC_SGDT || in->mnemonic == ZYDIS_MNEMONIC_SIDT ||
		     in->mnemonic == ZYDIS_MNEMONIC_SLDT || in->mnemonic == ZYDIS_MNEMONIC_STR))
			return cpu_gp0(cpu);
		return desc_table(cpu, in, in->icpt == ICPT_DESC_GDTR_IDTR ? EXIT_REASON_GDTR_IDTR
									   : EXIT_REASON_LDTR_TR);
	case ICPT_RDRAND:
		return (proc2 & SECONDARY_EXEC_RDRAND_EXITING) ? insn_exit(cpu, in, EXIT_REASON_RDRAND, 0) : EXEC_OK;
	case ICPT_RDSEED:
		return (proc2 & SECONDARY_EXEC_RDSEED_EXITING) ? insn_exit(cpu, in, EXIT_REASON_RDSEED, 0) : EXEC_OK;
	case ICPT_INVPCID:
		if (!(proc2 & SECONDARY_EXEC_ENABLE_INVPCID))
			return cpu_ud(cpu);
		return (proc & CPU_BASED_INVLPG_EXITING) ? insn_exit(cpu, in, EXIT_REASON_INVPCID, 0) : EXEC_OK;
	case ICPT_XSAVES:
		return EXEC_OK;
	}
	return EXEC_OK;
}
