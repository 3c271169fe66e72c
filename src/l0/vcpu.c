/* SPDX-License-Identifier: MIT */
/*
 * The vCPU loop (kvmtool's kvm_cpu__start, bhyve's vmx_run): prepare vmcs01, run L1 on
 * the software CPU until a VM exit, dispatch the exit, repeat.
 */
#include "l0/vcpu.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "hw/access.h"
#include "hw/flags.h"
#include "hw/vmx/vmx.h"
#include "hw/vmx/vmx_arch.h"
#include "l0/vm_internal.h"

/*
 * A VM exit and the VM entry that follows cost L1 this much time (TSC ticks), about what
 * a round trip costs on silicon: guest time stays deterministic and exit-heavy loops see
 * realistic prices (docs/decisions.md "Time").
 */
#define L0_EXIT_COST 1000

/* L0 takes the CPU back at least this often (VMX-preemption timer ticks, TSC >> 5). */
#define L0_TIME_SLICE (1u << 16)

/* vmcs01's controls: what L0 needs to see of L1 (SDM Vol. 3C, 25.6–25.8). */
static void setup_vmcs01(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	struct vm *vm = vcpu->vm;

	memset(v, 0, sizeof(*v));
	/* Virtual NMIs: L1's IRET unblocks NMIs, and NMI-window exiting is allowed (SDM 26.3). */
	v->pin_based_vm_exec_control = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
				       PIN_BASED_VIRTUAL_NMIS |
				       PIN_BASED_VMX_PREEMPTION_TIMER;
	/* CR8 is the local APIC's TPR, which L0 emulates: its accesses exit (no TPR shadow). */
	v->cpu_based_vm_exec_control = CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
				       CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
				       CPU_BASED_USE_MSR_BITMAPS |
				       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	v->secondary_vm_exec_control = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
				       SECONDARY_EXEC_UNRESTRICTED_GUEST |
				       SECONDARY_EXEC_ENABLE_RDTSCP | SECONDARY_EXEC_ENABLE_INVPCID;
	v->vm_exit_controls = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			      VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
			      VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_DEBUG_CONTROLS;
	v->vm_entry_controls = VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT |
			       VM_ENTRY_LOAD_DEBUG_CONTROLS;
	v->virtual_processor_id = 1;
	v->msr_bitmap = vm->msr_bitmap;
	v->exception_bitmap = 0;
	v->vmcs_link_pointer = ~0ull;
	v->guest_ia32_pat = 0x0007040600070406ull;
	v->guest_dr7 = 0x400;
	v->guest_cr0 = CR0_ET | CR0_CD | CR0_NW;
}

/*
 * The software CPU implements more than a -cpu model may offer. What CPUID hides, L1
 * must not be able to use: instructions whose secondary control is off raise #UD, and
 * CR4 bits of absent features are host-owned (shadow 0), so setting one exits to L0,
 * which raises #GP as such a processor would (SDM Vol. 3A, 2.5).
 */
static void hide_absent_features(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	const struct cpuid_model *m = &vcpu->cpuid;
	static const struct {
		const char *feature;
		uint64_t cr4;
	} cr4_features[] = {
		{"pcid", CR4_PCIDE}, {"smep", CR4_SMEP}, {"smap", CR4_SMAP},
		{"fsgsbase", CR4_FSGSBASE}, {"umip", CR4_UMIP}, {"xsave", CR4_OSXSAVE},
		{"fxsr", CR4_OSFXSR}, {"de", CR4_DE}, {"pae", CR4_PAE}, {"pge", CR4_PGE},
		{"pse", CR4_PSE},
	};

	if (!cpuid_has(m, "invpcid"))
		v->secondary_vm_exec_control &= ~SECONDARY_EXEC_ENABLE_INVPCID;
	if (!cpuid_has(m, "rdtscp"))
		v->secondary_vm_exec_control &= ~SECONDARY_EXEC_ENABLE_RDTSCP;
	/* Features nestvm never offers: VMX (for now), SMX, PKE, LA57, VME/PVI. */
	v->cr4_guest_host_mask = CR4_VMXE | CR4_SMXE | CR4_PKE | CR4_LA57 | CR4_VME | CR4_PVI;
	for (size_t i = 0; i < sizeof(cr4_features) / sizeof(cr4_features[0]); i++)
		if (!cpuid_has(m, cr4_features[i].feature))
			v->cr4_guest_host_mask |= cr4_features[i].cr4;
	v->cr4_read_shadow = 0;
}

void vcpu_init(struct vcpu *vcpu, struct vm *vm, unsigned id)
{
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	cpu_init(&vcpu->cpu);
	vcpu->pmsr.misc_enable = 1u << 0; /* fast strings */
	setup_vmcs01(vcpu);
	/* With several vCPUs a spinning one gives the CPU to the others (PAUSE exiting). */
	if (vm->cfg.smp > 1)
		vcpu->vmcs01.cpu_based_vm_exec_control |= CPU_BASED_PAUSE_EXITING;
	intr_vcpu_init(vcpu);
	vcpu->cpuid = vm->cpuid;
	vcpu->cpuid.apic_id = id;
	vcpu->cpu.vendor_amd = vm->cpuid.amd;
	hide_absent_features(vcpu);
	/* Application processors wait for INIT and start-up IPIs (SDM Vol. 3A, 10.4.1). */
	if (id != 0)
		vcpu_init_state(vcpu);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	cpu_destroy(&vcpu->cpu);
}

void vcpu_skip_instruction(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;
	uint64_t rip = v->guest_rip + v->vm_exit_instruction_len;

	if (!(vcpu->cpu.efer & EFER_LMA) || !(v->guest_cs_ar_bytes & AR_L))
		rip = (uint32_t)rip;
	v->guest_rip = rip;
	/* The emulated instruction completed: blocking by STI or MOV SS ends (SDM 26.3.1.5). */
	v->guest_interruptibility_info &= ~(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS);
	/*
	 * Single-stepping L1 through an instruction L0 emulated: the trap the processor
	 * would raise after it (DR6.BS, SDM Vol. 3A, 18.3.1.4) is L0's to deliver.
	 */
	if ((v->guest_rflags & RFLAGS_TF) && !(v->vm_entry_intr_info_field & INTR_INFO_VALID_MASK)) {
		vcpu->cpu.dr[6] |= 1u << 14;
		vcpu_inject_exception(vcpu, VEC_DB, false, 0);
	}
}

void vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error)
{
	struct vmcs *v = &vcpu->vmcs01;

	v->vm_entry_intr_info_field = vector | ((uint32_t)EVENT_HW_EXC << 8) |
				      (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0) |
				      INTR_INFO_VALID_MASK;
	v->vm_entry_exception_error_code = error;
}

static void trace_exit(struct vcpu *vcpu, uint32_t reason)
{
	const struct vmcs *v = &vcpu->vmcs01;

	fprintf(stderr,
		"kvm_exit: vcpu %u reason %s rip 0x%" PRIx64 " info 0x%" PRIx64 " 0x%x\n",
		vcpu->id, vmx_exit_reason_name(reason), v->guest_rip, v->exit_qualification,
		v->vm_exit_intr_info);
}

/* Ticks of the VMX-preemption timer until TSC value `until` (at least one tick away). */
static uint32_t timer_ticks_until(uint64_t now, uint64_t until)
{
	if (until <= now)
		return 0;
	uint64_t t = ((until - now) >> VMX_PREEMPTION_TIMER_RATE) + 1;
	return t > L0_TIME_SLICE ? L0_TIME_SLICE : (uint32_t)t;
}

static bool halted(const struct vmcs *v)
{
	return v->guest_activity_state == ACTIVITY_HLT ||
	       v->guest_activity_state == ACTIVITY_WAIT_SIPI;
}

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * -clock realtime: guest time (the TSC, 1 GHz) never runs behind the host's clock since
 * the VM started, and a halted vCPU waits on the host instead of jumping ahead.
 */
static void realtime_sync(struct vcpu *vcpu, bool halted_now, uint64_t next_event)
{
	struct vm *vm = vcpu->vm;
	uint64_t now = host_ns() - vm->start_ns;

	if (halted_now && next_event != UINT64_MAX && next_event > now) {
		uint64_t wait = next_event - now;
		if (wait > 10000000ull)
			wait = 10000000ull; /* look at the devices at least every 10 ms */
		struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
		nanosleep(&ts, NULL);
		now = host_ns() - vm->start_ns;
	}
	if (now > vcpu->cpu.tsc)
		vcpu->cpu.tsc = now;
}

enum slice_result vcpu_run_slice(struct vcpu *vcpu, uint64_t until_tsc)
{
	struct vm *vm = vcpu->vm;
	struct vmcs *v = &vcpu->vmcs01;

	vcpu->slice_end = until_tsc;
	while (vcpu->cpu.tsc < until_tsc) {
		if (vm->cfg.realtime)
			realtime_sync(vcpu, halted(v), intr_next_event(vcpu));
		intr_prepare_entry(vcpu);
		uint64_t next = intr_next_event(vcpu), now = vcpu->cpu.tsc;
		/* Nothing will ever wake a halted vCPU with no timer and nothing pending. */
		if (halted(v) && next == UINT64_MAX &&
		    !(v->vm_entry_intr_info_field & INTR_INFO_VALID_MASK)) {
			vcpu->cpu.tsc = until_tsc;
			return SLICE_IDLE;
		}
		/*
		 * L0 takes the CPU back at the next timer event (a halted L1's time jumps
		 * there), at the end of the quantum, and at least every L0_TIME_SLICE ticks.
		 */
		uint64_t target = next < until_tsc ? next : until_tsc;
		/* Real time: a halted vCPU must not jump ahead of the host clock in vmx_run. */
		if (vm->cfg.realtime && halted(v))
			target = now;
		v->vmx_preemption_timer_value = timer_ticks_until(now, target);
		vmx_run(&vcpu->cpu, v, &vm->mem.slat01);
		vcpu->cpu.tsc += L0_EXIT_COST;

		uint32_t reason = v->vm_exit_reason & VMX_EXIT_REASONS_BASIC_MASK;
		vcpu->exits++;
		if (reason < VCPU_EXIT_REASONS)
			vcpu->exit_count[reason]++;
		if (vm->cfg.trace)
			trace_exit(vcpu, reason);
		if (exit_dispatch(vcpu, reason) == EXIT_STOP)
			return SLICE_STOP;
		if (vcpu->yield) {
			vcpu->yield = false;
			return SLICE_DONE;
		}
		if (vm->bus.stop) {
			if (vm->bus.stop_reason && !(vm->bus.stop_status & 1))
				fprintf(stderr, "nestvm: %s\n", vm->bus.stop_reason);
			vcpu->status = vm->bus.stop_status;
			return SLICE_STOP;
		}
		if (vm->cfg.max_insns && vcpu->cpu.icount >= vm->cfg.max_insns) {
			fprintf(stderr, "nestvm: stopped after %" PRIu64 " guest instructions (-max-insns)\n",
				vcpu->cpu.icount);
			vcpu->status = 0;
			return SLICE_STOP;
		}
	}
	return SLICE_DONE;
}

/* INIT (SDM Vol. 3A, 10.1 and Table 10-1): RESET values, then wait for a start-up IPI. */
void vcpu_init_state(struct vcpu *vcpu)
{
	struct vmcs *v = &vcpu->vmcs01;

	cpu_reset_x86(&vcpu->cpu);
	vmx_save_guest_state(&vcpu->cpu, v);
	v->guest_ia32_efer = 0;
	v->vm_entry_controls &= ~VM_ENTRY_IA32E_MODE;
	v->guest_activity_state = ACTIVITY_WAIT_SIPI;
	v->vm_entry_intr_info_field = 0;
}

void vcpu_sipi(struct vcpu *vcpu, uint8_t vector)
{
	struct vmcs *v = &vcpu->vmcs01;

	if (v->guest_activity_state != ACTIVITY_WAIT_SIPI)
		return; /* SIPIs are ignored unless the processor waits for one */
	v->guest_cs_selector = (uint16_t)(vector << 8);
	v->guest_cs_base = (uint64_t)vector << 12;
	v->guest_cs_limit = 0xffff;
	v->guest_cs_ar_bytes = 0x9b;
	v->guest_rip = 0;
	v->guest_activity_state = ACTIVITY_ACTIVE;
}

void vcpu_dump(struct vcpu *vcpu, FILE *f)
{
	struct cpu *cpu = &vcpu->cpu;
	static const char *const names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
	static const char *const segs[8] = {"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"};
	uint8_t code[16];

	fprintf(f, "nestvm: vCPU %u state:\n", vcpu->id);
	for (unsigned i = 0; i < 16; i++)
		fprintf(f, "  %-3s %016" PRIx64 "%s", names[i], cpu->gpr[i], (i % 4 == 3) ? "\n" : "");
	fprintf(f, "  rip %016" PRIx64 "  rflags %08" PRIx64 "  cpl %u\n", cpu->rip,
		flags_read(cpu), cpu->cpl);
	fprintf(f, "  cr0 %08" PRIx64 "  cr2 %016" PRIx64 "  cr3 %016" PRIx64 "  cr4 %08" PRIx64
		   "  efer %" PRIx64 "\n",
		cpu->cr0, cpu->cr2, cpu->cr3, cpu->cr4, cpu->efer);
	for (unsigned s = 0; s < 8; s++)
		fprintf(f, "  %-4s sel %04x base %016" PRIx64 " limit %08x ar %05x\n", segs[s],
			cpu->seg[s].selector, cpu->seg[s].base, cpu->seg[s].limit, cpu->seg[s].ar);
	fprintf(f, "  gdtr %016" PRIx64 "/%x  idtr %016" PRIx64 "/%x\n", cpu->gdtr.base,
		cpu->gdtr.limit, cpu->idtr.base, cpu->idtr.limit);
	uint64_t lin = cpu->mode == MODE_LONG64 ? cpu->rip
						: (uint32_t)(cpu->seg[SEG_CS].base + cpu->rip);
	if (lin_read(cpu, lin, code, sizeof(code), ACC_FETCH) == EXEC_OK) {
		fprintf(f, "  code:");
		for (unsigned i = 0; i < sizeof(code); i++)
			fprintf(f, " %02x", code[i]);
		fprintf(f, "\n");
	}
	fprintf(f, "  last exit %s, qualification 0x%" PRIx64 ", %" PRIu64 " instructions retired\n",
		vmx_exit_reason_name(vcpu->vmcs01.vm_exit_reason & 0xffff),
		vcpu->vmcs01.exit_qualification, cpu->icount);
}
