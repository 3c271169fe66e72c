/* SPDX-License-Identifier: MIT */
/*
 * System instructions (SDM Vol. 2, their pages; Vol. 3A, Chapter 2 "System Architecture
 * Overview" and 5.8.7 "Performing Fast Calls to System Procedures with the SYSENTER and
 * SYSEXIT Instructions"): control and debug registers, descriptor tables, MSRs, time
 * stamp, TLB invalidation, interrupt flag, port I/O, fast system calls.
 *
 * Every handler runs only when the instruction did not cause a VM exit: the interpreter
 * has already applied the intercept set and the CPL-0 attribute of insn.def. So a
 * handler does what the instruction does in VMX non-root operation without an exit.
 */
#include "hw/insn_handlers.h"

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/msr.h"
#include "hw/operand.h"
#include "hw/paging.h"
#include "hw/tlb.h"
#include "hw/vmx/vmcs.h"
#include "util/bits.h"

/* Iterations of a REP string instruction before it yields (next_rip = rip re-runs it). */
#define STRING_BATCH 4096u

/* Fixed descriptor attributes loaded by SYSCALL, SYSRET, SYSENTER, SYSEXIT (base 0, 4 GiB). */
#define AR_FLAT_CODE (AR_TYPE_CODE | AR_TYPE_RW | AR_TYPE_ACCESSED | AR_S | AR_P | AR_G)
#define AR_FLAT_DATA (AR_TYPE_RW | AR_TYPE_ACCESSED | AR_S | AR_P | AR_DB | AR_G)
#define AR_DPL3 (3u << AR_DPL_SHIFT)

/* SYSRET: RFLAGS ← (R11 & 3C7FD7H) | 2 (SDM Vol. 2B, "SYSRET"). */
#define SYSRET_RFLAGS_MASK 0x3c7fd7ull

static bool is_canonical(const struct cpu *cpu, uint64_t addr)
{
	return bits_is_canonical(addr, msr_linear_width(cpu));
}

/* Control and debug registers move 64 bits in 64-bit mode, 32 bits elsewhere. */
static unsigned sysreg_size(const struct cpu *cpu)
{
	return cpu_is_long64(cpu) ? 8 : 4;
}

static unsigned iopl_of(uint64_t rflags)
{
	return (rflags & RFLAGS_IOPL) >> RFLAGS_IOPL_SHIFT;
}

/* CR4.UMIP: SGDT, SIDT, SLDT, SMSW and STR fault above CPL 0 (SDM Vol. 3A, 2.5). */
static bool is_umip_blocked(const struct cpu *cpu)
{
	return (cpu->cr4 & CR4_UMIP) && cpu->cpl > 0;
}

static void load_flat_segment(struct cpu *cpu, unsigned seg, uint16_t selector, uint32_t ar)
{
	struct segment *s = &cpu->seg[seg];

	s->selector = selector;
	s->base = 0;
	s->limit = 0xffffffffu; /* limit FFFFFH with G = 1 */
	s->ar = ar;
}

/*
 * SDM Vol. 3C, 26.3 "Changes to Instruction Behavior in VMX Non-Root Operation": a MOV
 * to CR0 or CR4, LMSW or CLTS that does not exit leaves unmodified the bits set in the
 * guest/host mask (they belong to the VMM); the #GP checks see the merged value.
 * cpu->vmcs is NULL only outside VM execution (unit tests).
 */
static uint64_t keep_host_owned(const struct cpu *cpu, unsigned cr, uint64_t value)
{
	const struct vmcs *v = cpu->vmcs;
	uint64_t mask;

	if (!v || (cr != 0 && cr != 4))
		return value;
	mask = cr == 0 ? v->cr0_guest_host_mask : v->cr4_guest_host_mask;
	return (value & ~mask) | ((cr == 0 ? cpu->cr0 : cpu->cr4) & mask);
}

/*
 * The TSC as RDTSC, RDTSCP and RDMSR see it in VMX non-root operation: with "use TSC
 * offsetting", multiplied by the TSC multiplier (48 fractional bits) under "use TSC
 * scaling", then offset (SDM Vol. 3C, "Timestamp-Counter Offsetting and Multiplication").
 */
static uint64_t guest_tsc(const struct cpu *cpu)
{
	const struct vmcs *v = cpu->vmcs;
	uint64_t tsc = cpu->tsc;
	uint32_t proc, proc2;

	if (!v)
		return tsc;
	proc = v->cpu_based_vm_exec_control;
	if (!(proc & CPU_BASED_USE_TSC_OFFSETTING))
		return tsc;
	proc2 = (proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) ? v->secondary_vm_exec_control : 0;
	if (proc2 & SECONDARY_EXEC_TSC_SCALING)
		tsc = (uint64_t)(((unsigned __int128)tsc * v->tsc_multiplier) >> 48);
	return tsc + v->tsc_offset;
}

static void write_edx_eax(struct cpu *cpu, uint64_t value)
{
	reg_write(cpu, R_RAX, 4, (uint32_t)value);
	reg_write(cpu, R_RDX, 4, value >> 32);
}

/* MOV to/from CR0, CR2, CR3, CR4, CR8 (SDM Vol. 2B); the checks live in msr.c. */
enum exec_status exec_mov_cr(struct cpu *cpu, const struct insn *in)
{
	unsigned size = sysreg_size(cpu);
	uint64_t value;
	unsigned cr;

	if (in->op[0].kind == OPK_CR) {
		cr = in->op[0].reg;
		if (!msr_cr_exists(cr))
			return cpu_ud(cpu);
		value = reg_read(cpu, in->op[1].reg, size);
		return msr_write_cr(cpu, cr, keep_host_owned(cpu, cr, value));
	}
	cr = in->op[1].reg;
	if (!msr_cr_exists(cr))
		return cpu_ud(cpu);
	reg_write(cpu, in->op[0].reg, size, msr_read_cr(cpu, cr));
	return EXEC_OK;
}

/* MOV to/from DR0-DR7 (SDM Vol. 2B, "MOV—Move to/from Debug Registers"; Vol. 3B, 18.2). */
enum exec_status exec_mov_dr(struct cpu *cpu, const struct insn *in)
{
	bool to_dr = in->op[0].kind == OPK_DR;
	unsigned dr = to_dr ? in->op[0].reg : in->op[1].reg;
	unsigned gpr = to_dr ? in->op[1].reg : in->op[0].reg;
	unsigned size = sysreg_size(cpu);
	uint64_t value;

	if (dr > 7)
		return cpu_ud(cpu);
	/* 18.2.2: DR4 and DR5 alias DR6 and DR7 unless debug extensions are on. */
	if (dr == 4 || dr == 5) {
		if (cpu->cr4 & CR4_DE)
			return cpu_ud(cpu);
		dr += 2;
	}
	/*
	 * 18.2.4: general detect makes any debug-register access a fault-class #DB with
	 * DR6.BD set; GD is cleared so that the handler can use the registers.
	 */
	if (cpu->dr[7] & DR7_GD) {
		cpu->dr[6] |= DR6_BD;
		cpu->dr[7] &= ~DR7_GD;
		return cpu_fault(cpu, VEC_DB);
	}

	if (!to_dr) {
		reg_write(cpu, gpr, size, cpu->dr[dr]);
		return EXEC_OK;
	}
	value = reg_read(cpu, gpr, size);
	switch (dr) {
	case 6:
		if (value >> 32)
			return cpu_gp0(cpu);
		cpu->dr[6] = (value & DR6_WRITABLE) | DR6_FIXED1;
		break;
	case 7:
		if (value >> 32)
			return cpu_gp0(cpu);
		cpu->dr[7] = (value & DR7_WRITABLE) | DR7_FIXED1;
		break;
	default:
		cpu->dr[dr] = value;
		break;
	}
	return EXEC_OK;
}

enum exec_status exec_clts(struct cpu *cpu, const struct insn *in)
{
	cpu->cr0 = keep_host_owned(cpu, 0, cpu->cr0 & ~CR0_TS);
	return EXEC_OK;
}

/* LMSW loads CR0[3:0]; it can set PE but never clear it (SDM Vol. 2A, "LMSW"). */
enum exec_status exec_lmsw(struct cpu *cpu, const struct insn *in)
{
	const uint64_t msw = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
	uint64_t src, cr0;
	enum exec_status st;

	st = op_read(cpu, in, 0, &src);
	if (st != EXEC_OK)
		return st;
	cr0 = (cpu->cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | (src & msw);
	return msr_write_cr(cpu, 0, keep_host_owned(cpu, 0, cr0));
}

/* SMSW: a register gets CR0 at the operand size, memory gets 16 bits (SDM Vol. 2B, "SMSW"). */
enum exec_status exec_smsw(struct cpu *cpu, const struct insn *in)
{
	const struct operand *op = &in->op[0];

	if (is_umip_blocked(cpu))
		return cpu_gp0(cpu);
	if (op->kind == OPK_MEM)
		return mem_write(cpu, op->seg, op_ea(cpu, in, op), 2, cpu->cr0 & 0xffff);
	reg_write(cpu, op->reg, op->size, cpu->cr0);
	return EXEC_OK;
}

/*
 * LGDT, LIDT: a 16-bit limit then the base, 8 bytes in 64-bit mode (which must be
 * canonical), else 4 bytes of which a 16-bit operand size keeps 24 bits.
 */
static enum exec_status load_dtable(struct cpu *cpu, const struct insn *in, struct dtable *dt)
{
	const struct operand *op = &in->op[0];
	unsigned base_size = cpu_is_long64(cpu) ? 8 : 4;
	uint8_t buf[10];
	uint64_t base;
	enum exec_status st;

	if (op->kind != OPK_MEM)
		return cpu_ud(cpu);
	st = mem_read_buf(cpu, op->seg, op_ea(cpu, in, op), buf, 2 + base_size);
	if (st != EXEC_OK)
		return st;
	base = bits_load_le(buf + 2, base_size);
	if (base_size == 8 && !is_canonical(cpu, base))
		return cpu_gp0(cpu);
	if (base_size == 4 && in->opsize == 2)
		base &= 0xffffff;
	dt->base = base;
	dt->limit = (uint32_t)bits_load_le(buf, 2);
	return EXEC_OK;
}

/* SGDT, SIDT store the limit and the full 32-bit or 64-bit base (SDM Vol. 2B, "SGDT"). */
static enum exec_status store_dtable(struct cpu *cpu, const struct insn *in,
				     const struct dtable *dt)
{
	const struct operand *op = &in->op[0];
	unsigned base_size = cpu_is_long64(cpu) ? 8 : 4;
	uint8_t buf[10];

	if (is_umip_blocked(cpu))
		return cpu_gp0(cpu);
	if (op->kind != OPK_MEM)
		return cpu_ud(cpu);
	bits_store_le(buf, 2, dt->limit);
	bits_store_le(buf + 2, base_size, dt->base);
	return mem_write_buf(cpu, op->seg, op_ea(cpu, in, op), buf, 2 + base_size);
}

enum exec_status exec_lgdt(struct cpu *cpu, const struct insn *in)
{
	return load_dtable(cpu, in, &cpu->gdtr);
}

enum exec_status exec_lidt(struct cpu *cpu, const struct insn *in)
{
	return load_dtable(cpu, in, &cpu->idtr);
}

enum exec_status exec_sgdt(struct cpu *cpu, const struct insn *in)
{
	return store_dtable(cpu, in, &cpu->gdtr);
}

enum exec_status exec_sidt(struct cpu *cpu, const struct insn *in)
{
	return store_dtable(cpu, in, &cpu->idtr);
}

enum exec_status exec_rdmsr(struct cpu *cpu, const struct insn *in)
{
	uint64_t value;
	enum exec_status st;

	st = msr_read(cpu, (uint32_t)cpu->gpr[R_RCX], &value);
	if (st != EXEC_OK)
		return st;
	if ((uint32_t)cpu->gpr[R_RCX] == MSR_IA32_TSC)
		value = guest_tsc(cpu);
	write_edx_eax(cpu, value);
	return EXEC_OK;
}

enum exec_status exec_wrmsr(struct cpu *cpu, const struct insn *in)
{
	uint64_t value = (cpu->gpr[R_RDX] << 32) | (uint32_t)cpu->gpr[R_RAX];

	return msr_write(cpu, (uint32_t)cpu->gpr[R_RCX], value);
}

/* CR4.TSD restricts RDTSC and RDTSCP to CPL 0 (SDM Vol. 2B, "RDTSC"). */
enum exec_status exec_rdtsc(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->cr4 & CR4_TSD) && cpu->cpl > 0)
		return cpu_gp0(cpu);
	write_edx_eax(cpu, guest_tsc(cpu));
	return EXEC_OK;
}

enum exec_status exec_rdtscp(struct cpu *cpu, const struct insn *in)
{
	if ((cpu->cr4 & CR4_TSD) && cpu->cpl > 0)
		return cpu_gp0(cpu);
	write_edx_eax(cpu, guest_tsc(cpu));
	reg_write(cpu, R_RCX, 4, (uint32_t)cpu->msr.tsc_aux);
	return EXEC_OK;
}

/*
 * RDPMC (SDM Vol. 2B): this CPU implements no performance-monitoring counters
 * (CPUID.0AH reports version 0), so every ECX names an unavailable counter: #GP(0).
 */
enum exec_status exec_rdpmc(struct cpu *cpu, const struct insn *in)
{
	if (!(cpu->cr4 & CR4_PCE) && cpu->cpl > 0)
		return cpu_gp0(cpu);
	return cpu_gp0(cpu);
}

/*
 * CPUID always causes a VM exit in VMX non-root operation (SDM Vol. 3C, 26.1.2), so the
 * handler is never reached; #UD keeps a broken intercept set visible.
 */
enum exec_status exec_cpuid(struct cpu *cpu, const struct insn *in)
{
	return cpu_ud(cpu);
}

/* HLT retires and leaves the CPU in the HLT activity state until an event wakes it. */
enum exec_status exec_hlt(struct cpu *cpu, const struct insn *in)
{
	cpu->activity = ACTIVITY_HLT;
	cpu->stop_request = 1;
	return EXEC_OK;
}

enum exec_status exec_pause(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/*
 * INVLPG (SDM Vol. 2A): no segment checks; in 64-bit mode only FS and GS have a base,
 * and a non-canonical address invalidates nothing and does not fault.
 */
enum exec_status exec_invlpg(struct cpu *cpu, const struct insn *in)
{
	const struct operand *op = &in->op[0];
	uint64_t ea, linear;

	if (op->kind != OPK_MEM)
		return cpu_ud(cpu);
	ea = op_ea(cpu, in, op);
	if (cpu_is_long64(cpu)) {
		linear = ea;
		if (op->seg == SEG_FS || op->seg == SEG_GS)
			linear += cpu->seg[op->seg].base;
		if (!is_canonical(cpu, linear))
			return EXEC_OK;
	} else {
		linear = (uint32_t)(cpu->seg[op->seg].base + ea);
	}
	tlb_flush_page(cpu, linear);
	return EXEC_OK;
}

/* INVPCID types (SDM Vol. 2A, "INVPCID—Invalidate Process-Context Identifier"). */
enum invpcid_type {
	INVPCID_ADDRESS = 0,
	INVPCID_SINGLE_CONTEXT = 1,
	INVPCID_ALL_INCLUDING_GLOBAL = 2,
	INVPCID_ALL_NON_GLOBAL = 3,
};

enum exec_status exec_invpcid(struct cpu *cpu, const struct insn *in)
{
	const struct operand *desc_op = &in->op[1];
	uint64_t type, pcid, linear;
	uint8_t desc[16];
	enum exec_status st;

	if (in->op[0].kind != OPK_REG || desc_op->kind != OPK_MEM)
		return cpu_ud(cpu);
	if (cpu->mode == MODE_V86)
		return cpu_ud(cpu);
	type = reg_read(cpu, in->op[0].reg, sysreg_size(cpu));
	if (type > INVPCID_ALL_NON_GLOBAL)
		return cpu_gp0(cpu);
	st = mem_read_buf(cpu, desc_op->seg, op_ea(cpu, in, desc_op), desc, sizeof(desc));
	if (st != EXEC_OK)
		return st;
	pcid = bits_load_le(desc, 8);
	linear = bits_load_le(desc + 8, 8);
	/* Descriptor bits 63:12 are reserved. */
	if (pcid > CR3_PCID_MASK)
		return cpu_gp0(cpu);

	switch (type) {
	case INVPCID_ADDRESS:
		if ((pcid && !(cpu->cr4 & CR4_PCIDE)) || !is_canonical(cpu, linear))
			return cpu_gp0(cpu);
		/* Dropping the page for every PCID and global entries too is allowed (4.10.4.3). */
		tlb_flush_page(cpu, linear);
		break;
	case INVPCID_SINGLE_CONTEXT:
		if (pcid && !(cpu->cr4 & CR4_PCIDE))
			return cpu_gp0(cpu);
		tlb_flush_pcid(cpu, (uint16_t)pcid);
		break;
	default:
		/* Type 3 may also drop global entries; the software TLB has no cheaper flush. */
		tlb_flush_all(cpu);
		break;
	}
	return EXEC_OK;
}

/* The software CPU has no caches to write back or invalidate. */
enum exec_status exec_wbinvd(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/* INVD always exits in VMX non-root operation (SDM Vol. 3C, 26.1.2); a NOP if reached. */
enum exec_status exec_invd(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/* CLI (SDM Vol. 2A, "CLI—Clear Interrupt Flag", Table 3-7; Vol. 3A, 21.3 and 21.4 VME/PVI). */
enum exec_status exec_cli(struct cpu *cpu, const struct insn *in)
{
	uint64_t rflags = flags_read(cpu);
	unsigned iopl = iopl_of(rflags);

	if (!cpu_protected(cpu)) {
		rflags &= ~(uint64_t)RFLAGS_IF;
	} else if (cpu->mode != MODE_V86) {
		if (iopl >= cpu->cpl)
			rflags &= ~(uint64_t)RFLAGS_IF;
		else if (cpu->cpl == 3 && (cpu->cr4 & CR4_PVI))
			rflags &= ~(uint64_t)RFLAGS_VIF;
		else
			return cpu_gp0(cpu);
	} else {
		if (iopl == 3)
			rflags &= ~(uint64_t)RFLAGS_IF;
		else if (cpu->cr4 & CR4_VME)
			rflags &= ~(uint64_t)RFLAGS_VIF;
		else
			return cpu_gp0(cpu);
	}
	flags_write(cpu, rflags);
	return EXEC_OK;
}

/*
 * STI (SDM Vol. 2B, "STI—Set Interrupt Flag"). Setting IF from 0 blocks interrupts until
 * the next instruction completes (blocking by STI, Vol. 3C, 25.4.2); setting VIF does not.
 */
enum exec_status exec_sti(struct cpu *cpu, const struct insn *in)
{
	uint64_t rflags = flags_read(cpu);
	unsigned iopl = iopl_of(rflags);
	bool set_if;

	if (!cpu_protected(cpu)) {
		set_if = true;
	} else if (cpu->mode != MODE_V86) {
		if (iopl >= cpu->cpl)
			set_if = true;
		else if (cpu->cpl == 3 && (cpu->cr4 & CR4_PVI) && !(rflags & RFLAGS_VIP))
			set_if = false;
		else
			return cpu_gp0(cpu);
	} else {
		if (iopl == 3)
			set_if = true;
		else if ((cpu->cr4 & CR4_VME) && !(rflags & RFLAGS_VIP))
			set_if = false;
		else
			return cpu_gp0(cpu);
	}

	if (!set_if) {
		flags_write(cpu, rflags | RFLAGS_VIF);
		return EXEC_OK;
	}
	if (!(rflags & RFLAGS_IF))
		cpu->interruptibility |= INTR_BLOCK_STI;
	flags_write(cpu, rflags | RFLAGS_IF);
	return EXEC_OK;
}

/*
 * Port I/O. In nestvm, L0 intercepts every port (unconditional I/O exiting or an I/O
 * bitmap with all bits set), so these handlers run only if an intercept set lets an
 * access through: they then behave as a port with no device behind it, as on an
 * ISA bus — reads return all ones, writes are discarded. The I/O permission check
 * (hw/io.h) has already run.
 */

/* Access size from the opcode: even opcodes are the byte forms; words or dwords otherwise. */
static unsigned io_size(const struct insn *in)
{
	if (!(in->opcode & 1))
		return 1;
	return in->opsize == 2 ? 2 : 4;
}

enum exec_status exec_in(struct cpu *cpu, const struct insn *in)
{
	unsigned size = io_size(in);

	reg_write(cpu, R_RAX, size, bits_mask(size));
	return EXEC_OK;
}

enum exec_status exec_out(struct cpu *cpu, const struct insn *in)
{
	return EXEC_OK;
}

/*
 * One element of INS or OUTS per call of step(), under REP while (E/R)CX != 0, with the
 * address size deciding which of SI/ESI/RSI, DI/EDI/RDI and CX/ECX/RCX count. A fault
 * leaves the registers at the element that faulted. After STRING_BATCH elements, or
 * when the run loop asked to stop, the instruction yields by re-pointing next_rip at
 * itself: it resumes from the registers when it next executes.
 */
typedef enum exec_status string_step_fn(struct cpu *cpu, const struct insn *in, unsigned size);

static enum exec_status string_io(struct cpu *cpu, const struct insn *in, string_step_fn *step)
{
	unsigned size = io_size(in);
	unsigned asize = in->addrsize;
	uint64_t amask = bits_mask(asize);
	bool rep = in->rep != REP_NONE;
	enum exec_status st;

	for (unsigned n = 0;; n++) {
		if (rep) {
			if ((cpu->gpr[R_RCX] & amask) == 0)
				break;
			if (n == STRING_BATCH || (n > 0 && cpu->stop_request)) {
				cpu->next_rip = cpu->rip;
				break;
			}
		}
		st = step(cpu, in, size);
		if (st != EXEC_OK)
			return st;
		if (!rep)
			break;
		reg_write(cpu, R_RCX, asize, (cpu->gpr[R_RCX] & amask) - 1);
	}
	return EXEC_OK;
}

static int64_t string_delta(struct cpu *cpu, unsigned size)
{
	return (flags_read(cpu) & RFLAGS_DF) ? -(int64_t)size : (int64_t)size;
}

/* INS: store all ones at ES:(E/R)DI (ES cannot be overridden). */
static enum exec_status ins_step(struct cpu *cpu, const struct insn *in, unsigned size)
{
	uint64_t di = cpu->gpr[R_RDI] & bits_mask(in->addrsize);
	enum exec_status st;

	st = mem_write(cpu, SEG_ES, di, size, bits_mask(size));
	if (st != EXEC_OK)
		return st;
	reg_write(cpu, R_RDI, in->addrsize, di + (uint64_t)string_delta(cpu, size));
	return EXEC_OK;
}

/* OUTS: read DS:(E/R)SI (segment overridable) and discard it. */
static enum exec_status outs_step(struct cpu *cpu, const struct insn *in, unsigned size)
{
	unsigned seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
	uint64_t si = cpu->gpr[R_RSI] & bits_mask(in->addrsize);
	uint64_t value;
	enum exec_status st;

	st = mem_read(cpu, seg, si, size, &value);
	if (st != EXEC_OK)
		return st;
	reg_write(cpu, R_RSI, in->addrsize, si + (uint64_t)string_delta(cpu, size));
	return EXEC_OK;
}

enum exec_status exec_ins(struct cpu *cpu, const struct insn *in)
{
	return string_io(cpu, in, ins_step);
}

enum exec_status exec_outs(struct cpu *cpu, const struct insn *in)
{
	return string_io(cpu, in, outs_step);
}

/* SYSCALL (SDM Vol. 2B): 64-bit mode only on Intel; flat CPL-0 CS and SS from IA32_STAR[47:32]. */
enum exec_status exec_syscall(struct cpu *cpu, const struct insn *in)
{
	uint16_t selector = (uint16_t)(cpu->msr.star >> 32);
	uint64_t rflags;

	/* Intel: 64-bit mode only. AMD: also compatibility and legacy protected mode (APM Vol. 3). */
	if (!(cpu->efer & EFER_SCE) || (!cpu_is_long64(cpu) && !cpu->vendor_amd) ||
	    cpu->mode == MODE_REAL || cpu->mode == MODE_V86)
		return cpu_ud(cpu);
	if (!(cpu->efer & EFER_LMA)) {
		/* AMD legacy-mode SYSCALL: ECX = return EIP, EIP = STAR[31:0]. */
		cpu->gpr[R_RCX] = (uint32_t)cpu->next_rip;
		flags_write(cpu, flags_read(cpu) & ~(uint64_t)(RFLAGS_VM | RFLAGS_IF | RFLAGS_RF));
		cpu->next_rip = (uint32_t)cpu->msr.star;
		load_flat_segment(cpu, SEG_CS, selector & 0xfffc, AR_FLAT_CODE | AR_DB);
		load_flat_segment(cpu, SEG_SS, (uint16_t)(selector + 8), AR_FLAT_DATA);
		cpu_update_mode(cpu);
		return EXEC_OK;
	}
	rflags = flags_read(cpu) & ~(uint64_t)RFLAGS_RF;
	cpu->gpr[R_RCX] = cpu->next_rip;
	cpu->gpr[R_R11] = rflags;
	flags_write(cpu, rflags & ~cpu->msr.fmask);
	/* From compatibility mode (AMD only) the target is CSTAR. */
	cpu->next_rip = cpu_is_long64(cpu) ? cpu->msr.lstar : cpu->msr.cstar;
	load_flat_segment(cpu, SEG_CS, selector & 0xfffc, AR_FLAT_CODE | AR_L);
	load_flat_segment(cpu, SEG_SS, (uint16_t)(selector + 8), AR_FLAT_DATA);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/*
 * SYSRET (SDM Vol. 2B): to 64-bit mode with REX.W (RCX must be canonical), else to
 * compatibility mode; flat CPL-3 CS and SS from IA32_STAR[63:48].
 */
enum exec_status exec_sysret(struct cpu *cpu, const struct insn *in)
{
	uint16_t selector = (uint16_t)(cpu->msr.star >> 48);
	bool to64 = in->opsize == 8;
	uint64_t rcx = cpu->gpr[R_RCX];

	/* #UD for the mode outranks #GP for CPL (SDM Vol. 2B, SYSRET "Operation"). */
	if (!(cpu->efer & EFER_SCE) || (!cpu_is_long64(cpu) && !cpu->vendor_amd))
		return cpu_ud(cpu);
	if (cpu->cpl != 0 || !cpu_protected(cpu) || cpu->mode == MODE_V86)
		return cpu_gp0(cpu);
	if (!(cpu->efer & EFER_LMA)) {
		/* AMD legacy-mode SYSRET: EIP = ECX, IF set, CPL-3 flat segments. */
		cpu->next_rip = (uint32_t)rcx;
		flags_write(cpu, flags_read(cpu) | RFLAGS_IF);
		load_flat_segment(cpu, SEG_CS, selector | 3, AR_FLAT_CODE | AR_DPL3 | AR_DB);
		load_flat_segment(cpu, SEG_SS, (uint16_t)(selector + 8) | 3, AR_FLAT_DATA | AR_DPL3);
		cpu_update_mode(cpu);
		return EXEC_OK;
	}
	if (to64 && !is_canonical(cpu, rcx))
		return cpu_gp0(cpu);
	cpu->next_rip = to64 ? rcx : (uint32_t)rcx;
	flags_write(cpu, (cpu->gpr[R_R11] & SYSRET_RFLAGS_MASK) | RFLAGS_FIXED1);
	if (to64)
		load_flat_segment(cpu, SEG_CS, (uint16_t)(selector + 16) | 3,
				  AR_FLAT_CODE | AR_DPL3 | AR_L);
	else
		load_flat_segment(cpu, SEG_CS, selector | 3, AR_FLAT_CODE | AR_DPL3 | AR_DB);
	load_flat_segment(cpu, SEG_SS, (uint16_t)(selector + 8) | 3, AR_FLAT_DATA | AR_DPL3);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/* SYSENTER (SDM Vol. 2B; Vol. 3A, 5.8.7.1): to CPL 0, 64-bit mode when IA-32e mode is active. */
enum exec_status exec_sysenter(struct cpu *cpu, const struct insn *in)
{
	uint16_t selector = (uint16_t)(cpu->msr.sysenter_cs & 0xfffc);
	bool ia32e = (cpu->efer & EFER_LMA) != 0;

	/* AMD processors have no SYSENTER in long mode (APM Vol. 3, SYSENTER). */
	if (ia32e && cpu->vendor_amd)
		return cpu_ud(cpu);
	if (!cpu_protected(cpu) || selector == 0)
		return cpu_gp0(cpu);
	flags_write(cpu, flags_read(cpu) & ~(uint64_t)(RFLAGS_VM | RFLAGS_IF | RFLAGS_RF));
	if (ia32e) {
		cpu->gpr[R_RSP] = cpu->msr.sysenter_esp;
		cpu->next_rip = cpu->msr.sysenter_eip;
	} else {
		cpu->gpr[R_RSP] = (uint32_t)cpu->msr.sysenter_esp;
		cpu->next_rip = (uint32_t)cpu->msr.sysenter_eip;
	}
	load_flat_segment(cpu, SEG_CS, selector, AR_FLAT_CODE | (ia32e ? AR_L : AR_DB));
	load_flat_segment(cpu, SEG_SS, (uint16_t)(selector + 8), AR_FLAT_DATA);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/*
 * SYSEXIT (SDM Vol. 2B; Vol. 3A, 5.8.7.1): to CPL 3 at (E/R)DX with stack (E/R)CX,
 * 64-bit mode with REX.W (CS = SYSENTER_CS + 32), else 32-bit (CS = SYSENTER_CS + 16).
 * Outside protected mode the SDM gives #GP, not #UD.
 */
enum exec_status exec_sysexit(struct cpu *cpu, const struct insn *in)
{
	uint16_t base = (uint16_t)cpu->msr.sysenter_cs;
	bool to64 = in->opsize == 8;
	uint16_t cs;

	if ((cpu->efer & EFER_LMA) && cpu->vendor_amd)
		return cpu_ud(cpu);
	if (!cpu_protected(cpu) || (base & 0xfffc) == 0 || cpu->cpl != 0)
		return cpu_gp0(cpu);
	if (to64 && (!is_canonical(cpu, cpu->gpr[R_RCX]) || !is_canonical(cpu, cpu->gpr[R_RDX])))
		return cpu_gp0(cpu);
	if (to64) {
		cs = (uint16_t)(base + 32) | 3;
		cpu->next_rip = cpu->gpr[R_RDX];
		cpu->gpr[R_RSP] = cpu->gpr[R_RCX];
		load_flat_segment(cpu, SEG_CS, cs, AR_FLAT_CODE | AR_DPL3 | AR_L);
	} else {
		cs = (uint16_t)(base + 16) | 3;
		cpu->next_rip = (uint32_t)cpu->gpr[R_RDX];
		cpu->gpr[R_RSP] = (uint32_t)cpu->gpr[R_RCX];
		load_flat_segment(cpu, SEG_CS, cs, AR_FLAT_CODE | AR_DPL3 | AR_DB);
	}
	load_flat_segment(cpu, SEG_SS, (uint16_t)(cs + 8), AR_FLAT_DATA | AR_DPL3);
	cpu_update_mode(cpu);
	return EXEC_OK;
}

/* SWAPGS exchanges GS.base and IA32_KERNEL_GS_BASE; 64-bit mode only (SDM Vol. 2B). */
enum exec_status exec_swapgs(struct cpu *cpu, const struct insn *in)
{
	uint64_t gs_base;

	if (!cpu_is_long64(cpu))
		return cpu_ud(cpu);
	gs_base = cpu->seg[SEG_GS].base;
	cpu->seg[SEG_GS].base = cpu->msr.kernel_gs_base;
	cpu->msr.kernel_gs_base = gs_base;
	return EXEC_OK;
}

/* RDFSBASE … WRGSBASE (SDM Vol. 2B): 64-bit mode with CR4.FSGSBASE, at any CPL. */
static enum exec_status read_base(struct cpu *cpu, const struct insn *in, unsigned seg)
{
	if (!cpu_is_long64(cpu) || !(cpu->cr4 & CR4_FSGSBASE))
		return cpu_ud(cpu);
	reg_write(cpu, in->op[0].reg, in->opsize == 8 ? 8 : 4, cpu->seg[seg].base);
	return EXEC_OK;
}

static enum exec_status write_base(struct cpu *cpu, const struct insn *in, unsigned seg)
{
	uint64_t value;

	if (!cpu_is_long64(cpu) || !(cpu->cr4 & CR4_FSGSBASE))
		return cpu_ud(cpu);
	value = reg_read(cpu, in->op[0].reg, in->opsize == 8 ? 8 : 4);
	if (!is_canonical(cpu, value))
		return cpu_gp0(cpu);
	cpu->seg[seg].base = value;
	return EXEC_OK;
}

enum exec_status exec_rdfsbase(struct cpu *cpu, const struct insn *in)
{
	return read_base(cpu, in, SEG_FS);
}

enum exec_status exec_rdgsbase(struct cpu *cpu, const struct insn *in)
{
	return read_base(cpu, in, SEG_GS);
}

enum exec_status exec_wrfsbase(struct cpu *cpu, const struct insn *in)
{
	return write_base(cpu, in, SEG_FS);
}

enum exec_status exec_wrgsbase(struct cpu *cpu, const struct insn *in)
{
	return write_base(cpu, in, SEG_GS);
}

/* UD0, UD1, UD2; also the rows of instructions that always exit in VMX non-root operation. */
enum exec_status exec_ud(struct cpu *cpu, const struct insn *in)
{
	return cpu_ud(cpu);
}

/*
 * The address checks of an instruction that names memory without accessing it
 * (CLFLUSH, MONITOR): segmentation and paging as for a one-byte read, but no data
 * access, so no MMIO side effect.
 */
static enum exec_status check_read_address(struct cpu *cpu, unsigned seg, uint64_t ea)
{
	struct paging_result res;
	uint64_t linear;
	enum exec_status st;

	st = seg_linear(cpu, seg, ea, 1, ACC_READ | ACC_NO_AC, &linear);
	if (st != EXEC_OK || !cpu_paging(cpu))
		return st;
	return paging_walk(cpu, linear, ACC_READ | ACC_NO_AC, &res);
}

/* CLFLUSH, CLFLUSHOPT: there is no cache; only the faults of a read remain. */
enum exec_status exec_clflush(struct cpu *cpu, const struct insn *in)
{
	const struct operand *op = &in->op[0];

	if (op->kind != OPK_MEM)
		return cpu_ud(cpu);
	return check_read_address(cpu, op->seg, op_ea(cpu, in, op));
}

/*
 * MONITOR (SDM Vol. 2B): DS:(E/R)AX, segment overridable; no extensions exist, so
 * ECX must be 0. Nothing is armed: a following MWAIT does not wait.
 */
enum exec_status exec_monitor(struct cpu *cpu, const struct insn *in)
{
	unsigned seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;

	if ((uint32_t)cpu->gpr[R_RCX] != 0)
		return cpu_gp0(cpu);
	return check_read_address(cpu, seg, cpu->gpr[R_RAX] & bits_mask(in->addrsize));
}

/*
 * MWAIT (SDM Vol. 2B): only extension bit 0 (interrupts as break events) exists. With no
 * armed monitor it returns at once, like a NOP; it changes no state.
 */
enum exec_status exec_mwait(struct cpu *cpu, const struct insn *in)
{
	if ((uint32_t)cpu->gpr[R_RCX] & ~1u)
		return cpu_gp0(cpu);
	return EXEC_OK;
}

/* XGETBV (SDM Vol. 2B): XCR0 only (XCR0[0], x87, is always 1); XINUSE is not supported. */
enum exec_status exec_xgetbv(struct cpu *cpu, const struct insn *in)
{
	if (!(cpu->cr4 & CR4_OSXSAVE))
		return cpu_ud(cpu);
	if ((uint32_t)cpu->gpr[R_RCX] != 0)
		return cpu_gp0(cpu);
	write_edx_eax(cpu, cpu->xcr0 | 1);
	return EXEC_OK;
}

/* XSETBV always causes a VM exit in VMX non-root operation (SDM Vol. 3C, 26.1.2). */
enum exec_status exec_xsetbv(struct cpu *cpu, const struct insn *in)
{
	return cpu_ud(cpu);
}

/* STAC/CLAC (SDM Vol. 2B): set or clear RFLAGS.AC; #UD outside CPL 0. */
enum exec_status exec_stac(struct cpu *cpu, const struct insn *in)
{
	(void)in;
	if (cpu->cpl != 0)
		return cpu_ud(cpu);
	flags_write(cpu, flags_read(cpu) | RFLAGS_AC);
	return EXEC_OK;
}

enum exec_status exec_clac(struct cpu *cpu, const struct insn *in)
{
	(void)in;
	if (cpu->cpl != 0)
		return cpu_ud(cpu);
	flags_write(cpu, flags_read(cpu) & ~(uint64_t)RFLAGS_AC);
	return EXEC_OK;
}
