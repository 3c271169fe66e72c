/* SPDX-License-Identifier: MIT */
/*
 * Architectural VMX constants: VM-execution, VM-exit and VM-entry control bits, event
 * and exit-information layouts, VM-instruction error numbers and the VMX capability
 * MSRs (SDM Vol. 3C, Chapters 25 "Virtual Machine Control Structures", 28 "VM Exits",
 * 31 "VMX Instruction Reference"; Vol. 3D, Appendix A "VMX Capability Reporting
 * Facility", Appendix C "VMX Basic Exit Reasons"). Names follow the SDM as KVM's
 * arch/x86/include/asm/vmx.h spells them.
 */
#ifndef NESTVM_HW_VMX_VMX_ARCH_H
#define NESTVM_HW_VMX_VMX_ARCH_H

#include <stdint.h>

/* Pin-based VM-execution controls (25.6.1, Table "Definitions of Pin-Based VM-Execution Controls"). */
#define PIN_BASED_EXT_INTR_MASK 0x00000001u         /* bit 0: external-interrupt exiting */
#define PIN_BASED_NMI_EXITING 0x00000008u           /* bit 3: NMI exiting */
#define PIN_BASED_VIRTUAL_NMIS 0x00000020u          /* bit 5: virtual NMIs */
#define PIN_BASED_VMX_PREEMPTION_TIMER 0x00000040u  /* bit 6: activate VMX-preemption timer */
#define PIN_BASED_POSTED_INTR 0x00000080u           /* bit 7: process posted interrupts */

/* Primary processor-based VM-execution controls (25.6.2). */
#define CPU_BASED_INTR_WINDOW_EXITING 0x00000004u        /* bit 2: interrupt-window exiting */
#define CPU_BASED_USE_TSC_OFFSETTING 0x00000008u         /* bit 3: use TSC offsetting */
#define CPU_BASED_HLT_EXITING 0x00000080u                /* bit 7: HLT exiting */
#define CPU_BASED_INVLPG_EXITING 0x00000200u             /* bit 9: INVLPG exiting */
#define CPU_BASED_MWAIT_EXITING 0x00000400u              /* bit 10: MWAIT exiting */
#define CPU_BASED_RDPMC_EXITING 0x00000800u              /* bit 11: RDPMC exiting */
#define CPU_BASED_RDTSC_EXITING 0x00001000u              /* bit 12: RDTSC exiting */
#define CPU_BASED_CR3_LOAD_EXITING 0x00008000u           /* bit 15: CR3-load exiting */
#define CPU_BASED_CR3_STORE_EXITING 0x00010000u          /* bit 16: CR3-store exiting */
#define CPU_BASED_ACTIVATE_TERTIARY_CONTROLS 0x00020000u /* bit 17: activate tertiary controls */
#define CPU_BASED_CR8_LOAD_EXITING 0x00080000u           /* bit 19: CR8-load exiting */
#define CPU_BASED_CR8_STORE_EXITING 0x00100000u          /* bit 20: CR8-store exiting */
#define CPU_BASED_TPR_SHADOW 0x00200000u                 /* bit 21: use TPR shadow */
#define CPU_BASED_NMI_WINDOW_EXITING 0x00400000u         /* bit 22: NMI-window exiting */
#define CPU_BASED_MOV_DR_EXITING 0x00800000u             /* bit 23: MOV-DR exiting */
#define CPU_BASED_UNCOND_IO_EXITING 0x01000000u          /* bit 24: unconditional I/O exiting */
#define CPU_BASED_USE_IO_BITMAPS 0x02000000u             /* bit 25: use I/O bitmaps */
#define CPU_BASED_MONITOR_TRAP_FLAG 0x08000000u          /* bit 27: monitor trap flag */
#define CPU_BASED_USE_MSR_BITMAPS 0x10000000u            /* bit 28: use MSR bitmaps */
#define CPU_BASED_MONITOR_EXITING 0x20000000u            /* bit 29: MONITOR exiting */
#define CPU_BASED_PAUSE_EXITING 0x40000000u              /* bit 30: PAUSE exiting */
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS 0x80000000u /* bit 31: activate secondary controls */

/* Secondary processor-based VM-execution controls (25.6.2). */
#define SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES 0x00000001u /* bit 0: virtualize APIC accesses */
#define SECONDARY_EXEC_ENABLE_EPT 0x00000002u               /* bit 1: enable EPT */
#define SECONDARY_EXEC_DESC 0x00000004u                     /* bit 2: descriptor-table exiting */
#define SECONDARY_EXEC_ENABLE_RDTSCP 0x00000008u            /* bit 3: enable RDTSCP */
#define SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE 0x00000010u   /* bit 4: virtualize x2APIC mode */
#define SECONDARY_EXEC_ENABLE_VPID 0x00000020u              /* bit 5: enable VPID */
#define SECONDARY_EXEC_WBINVD_EXITING 0x00000040u           /* bit 6: WBINVD exiting */
#define SECONDARY_EXEC_UNRESTRICTED_GUEST 0x00000080u       /* bit 7: unrestricted guest */
#define SECONDARY_EXEC_APIC_REGISTER_VIRT 0x00000100u       /* bit 8: APIC-register virtualization */
#define SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY 0x00000200u    /* bit 9: virtual-interrupt delivery */
#define SECONDARY_EXEC_PAUSE_LOOP_EXITING 0x00000400u       /* bit 10: PAUSE-loop exiting */
#define SECONDARY_EXEC_RDRAND_EXITING 0x00000800u           /* bit 11: RDRAND exiting */
#define SECONDARY_EXEC_ENABLE_INVPCID 0x00001000u           /* bit 12: enable INVPCID */
#define SECONDARY_EXEC_ENABLE_VMFUNC 0x00002000u            /* bit 13: enable VM functions */
#define SECONDARY_EXEC_SHADOW_VMCS 0x00004000u              /* bit 14: VMCS shadowing */
#define SECONDARY_EXEC_ENCLS_EXITING 0x00008000u            /* bit 15: enable ENCLS exiting */
#define SECONDARY_EXEC_RDSEED_EXITING 0x00010000u           /* bit 16: RDSEED exiting */
#define SECONDARY_EXEC_ENABLE_PML 0x00020000u               /* bit 17: enable PML */
#define SECONDARY_EXEC_EPT_VIOLATION_VE 0x00040000u         /* bit 18: EPT-violation #VE */
#define SECONDARY_EXEC_PT_CONCEAL_VMX 0x00080000u           /* bit 19: conceal VMX from PT */
#define SECONDARY_EXEC_ENABLE_XSAVES 0x00100000u            /* bit 20: enable XSAVES/XRSTORS */
#define SECONDARY_EXEC_PASID_TRANSLATION 0x00200000u        /* bit 21: PASID translation */
#define SECONDARY_EXEC_MODE_BASED_EPT_EXEC 0x00400000u      /* bit 22: mode-based execute control for EPT */
#define SECONDARY_EXEC_EPT_SPP 0x00800000u                  /* bit 23: sub-page write permissions for EPT */
#define SECONDARY_EXEC_PT_USE_GPA 0x01000000u               /* bit 24: Intel PT uses guest physical addresses */
#define SECONDARY_EXEC_TSC_SCALING 0x02000000u              /* bit 25: use TSC scaling */
#define SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE 0x04000000u    /* bit 26: enable user wait and pause */
#define SECONDARY_EXEC_ENABLE_PCONFIG 0x08000000u           /* bit 27: enable PCONFIG */
#define SECONDARY_EXEC_ENCLV_EXITING 0x10000000u            /* bit 28: enable ENCLV exiting */
#define SECONDARY_EXEC_BUS_LOCK_DETECTION 0x40000000u       /* bit 30: VMM bus-lock detection */
#define SECONDARY_EXEC_NOTIFY_VM_EXITING 0x80000000u        /* bit 31: instruction timeout */

/* Tertiary processor-based VM-execution controls (25.6.2), a 64-bit field. */
#define TERTIARY_EXEC_LOADIWKEY_EXITING 0x0000000000000001ull /* bit 0: LOADIWKEY exiting */
#define TERTIARY_EXEC_ENABLE_HLAT 0x0000000000000002ull       /* bit 1: enable HLAT */
#define TERTIARY_EXEC_EPT_PAGING_WRITE 0x0000000000000004ull  /* bit 2: EPT paging-write control */
#define TERTIARY_EXEC_GUEST_PAGING_VERIF 0x0000000000000008ull /* bit 3: guest-paging verification */
#define TERTIARY_EXEC_IPI_VIRT 0x0000000000000010ull          /* bit 4: IPI virtualization */
#define TERTIARY_EXEC_SPEC_CTRL_VIRT 0x0000000000000080ull    /* bit 7: virtualize IA32_SPEC_CTRL */

/* Primary VM-exit controls (25.7.1, Table "Definitions of Primary VM-Exit Controls"). */
#define VM_EXIT_SAVE_DEBUG_CONTROLS 0x00000004u          /* bit 2: save debug controls */
#define VM_EXIT_HOST_ADDR_SPACE_SIZE 0x00000200u         /* bit 9: host address-space size */
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL 0x00001000u   /* bit 12: load IA32_PERF_GLOBAL_CTRL */
#define VM_EXIT_ACK_INTR_ON_EXIT 0x00008000u             /* bit 15: acknowledge interrupt on exit */
#define VM_EXIT_SAVE_IA32_PAT 0x00040000u                /* bit 18: save IA32_PAT */
#define VM_EXIT_LOAD_IA32_PAT 0x00080000u                /* bit 19: load IA32_PAT */
#define VM_EXIT_SAVE_IA32_EFER 0x00100000u               /* bit 20: save IA32_EFER */
#define VM_EXIT_LOAD_IA32_EFER 0x00200000u               /* bit 21: load IA32_EFER */
#define VM_EXIT_SAVE_VMX_PREEMPTION_TIMER 0x00400000u    /* bit 22: save VMX-preemption timer value */
#define VM_EXIT_CLEAR_BNDCFGS 0x00800000u                /* bit 23: clear IA32_BNDCFGS */
#define VM_EXIT_PT_CONCEAL_PIP 0x01000000u               /* bit 24: conceal VMX from PT */
#define VM_EXIT_CLEAR_IA32_RTIT_CTL 0x02000000u          /* bit 25: clear IA32_RTIT_CTL */
#define VM_EXIT_CLEAR_IA32_LBR_CTL 0x04000000u           /* bit 26: clear IA32_LBR_CTL */
#define VM_EXIT_CLEAR_UINV 0x08000000u                   /* bit 27: clear UINV */
#define VM_EXIT_LOAD_CET_STATE 0x10000000u               /* bit 28: load CET state */
#define VM_EXIT_LOAD_IA32_PKRS 0x20000000u               /* bit 29: load PKRS */
#define VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL 0x40000000u   /* bit 30: save IA32_PERF_GLOBAL_CTRL */
#define VM_EXIT_ACTIVATE_SECONDARY_CONTROLS 0x80000000u  /* bit 31: activate secondary controls */

/* Secondary VM-exit controls (25.7.1), a 64-bit field. */
#define SECONDARY_VM_EXIT_SAVE_IA32_FRED 0x0000000000000001ull /* bit 0: save FRED state */
#define SECONDARY_VM_EXIT_LOAD_IA32_FRED 0x0000000000000002ull /* bit 1: load FRED state */

/* VM-entry controls (25.8.1, Table "Definitions of VM-Entry Controls"). */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS 0x00000004u         /* bit 2: load debug controls */
#define VM_ENTRY_IA32E_MODE 0x00000200u                  /* bit 9: IA-32e mode guest */
#define VM_ENTRY_SMM 0x00000400u                         /* bit 10: entry to SMM */
#define VM_ENTRY_DEACT_DUAL_MONITOR 0x00000800u          /* bit 11: deactivate dual-monitor treatment */
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL 0x00002000u  /* bit 13: load IA32_PERF_GLOBAL_CTRL */
#define VM_ENTRY_LOAD_IA32_PAT 0x00004000u               /* bit 14: load IA32_PAT */
#define VM_ENTRY_LOAD_IA32_EFER 0x00008000u              /* bit 15: load IA32_EFER */
#define VM_ENTRY_LOAD_BNDCFGS 0x00010000u                /* bit 16: load IA32_BNDCFGS */
#define VM_ENTRY_PT_CONCEAL_PIP 0x00020000u              /* bit 17: conceal VMX from PT */
#define VM_ENTRY_LOAD_IA32_RTIT_CTL 0x00040000u          /* bit 18: load IA32_RTIT_CTL */
#define VM_ENTRY_LOAD_UINV 0x00080000u                   /* bit 19: load UINV */
#define VM_ENTRY_LOAD_CET_STATE 0x00100000u              /* bit 20: load CET state */
#define VM_ENTRY_LOAD_IA32_LBR_CTL 0x00200000u           /* bit 21: load guest IA32_LBR_CTL */
#define VM_ENTRY_LOAD_IA32_PKRS 0x00400000u              /* bit 22: load PKRS */
#define VM_ENTRY_LOAD_IA32_FRED 0x00800000u              /* bit 23: load FRED state */

/*
 * Default1 bits of each control word: reserved bits that report 1 in the non-TRUE
 * capability MSRs (Vol. 3D, A.2 "Reserved Controls and Default Settings").
 */
#define VMX_PINBASED_DEFAULT1 0x00000016u
#define VMX_PROCBASED_DEFAULT1 0x0401e172u
#define VMX_EXIT_DEFAULT1 0x00036dffu
#define VMX_ENTRY_DEFAULT1 0x000011ffu

/*
 * VM-entry interruption information, VM-exit interruption information and
 * IDT-vectoring information share one layout (25.8.3, 25.9.2).
 */
#define INTR_INFO_VECTOR_MASK 0x000000ffu       /* bits 7:0: vector */
#define INTR_INFO_INTR_TYPE_MASK 0x00000700u    /* bits 10:8: interruption type */
#define INTR_INFO_INTR_TYPE_SHIFT 8
#define INTR_INFO_DELIVER_CODE_MASK 0x00000800u /* bit 11: deliver / error code valid */
#define INTR_INFO_UNBLOCK_NMI 0x00001000u       /* bit 12: NMI unblocking due to IRET (exit info) */
#define INTR_INFO_NESTED_EXCEPTION 0x00002000u  /* bit 13: nested exception (FRED) */
#define INTR_INFO_RESVD_BITS_MASK 0x7ffff000u   /* bits 30:12: reserved in the VM-entry field (bit 13 with FRED excepted) */
#define INTR_INFO_VALID_MASK 0x80000000u        /* bit 31: valid */

#define VECTORING_INFO_VECTOR_MASK INTR_INFO_VECTOR_MASK
#define VECTORING_INFO_TYPE_MASK INTR_INFO_INTR_TYPE_MASK
#define VECTORING_INFO_DELIVER_CODE_MASK INTR_INFO_DELIVER_CODE_MASK
#define VECTORING_INFO_VALID_MASK INTR_INFO_VALID_MASK

/* Interruption types, already shifted into bits 10:8. */
#define INTR_TYPE_EXT_INTR (0u << 8)          /* external interrupt */
#define INTR_TYPE_RESERVED (1u << 8)
#define INTR_TYPE_NMI_INTR (2u << 8)          /* non-maskable interrupt */
#define INTR_TYPE_HARD_EXCEPTION (3u << 8)    /* hardware exception */
#define INTR_TYPE_SOFT_INTR (4u << 8)         /* software interrupt (INT n) */
#define INTR_TYPE_PRIV_SW_EXCEPTION (5u << 8) /* privileged software exception (INT1) */
#define INTR_TYPE_SOFT_EXCEPTION (6u << 8)    /* software exception (INT3, INTO) */
#define INTR_TYPE_OTHER_EVENT (7u << 8)       /* other event (MTF pending) */

/* Guest interruptibility state (25.4.2, Table "Format of Interruptibility State"). */
#define GUEST_INTR_STATE_STI 0x00000001u          /* bit 0: blocking by STI */
#define GUEST_INTR_STATE_MOV_SS 0x00000002u       /* bit 1: blocking by MOV SS */
#define GUEST_INTR_STATE_SMI 0x00000004u          /* bit 2: blocking by SMI */
#define GUEST_INTR_STATE_NMI 0x00000008u          /* bit 3: blocking by NMI */
#define GUEST_INTR_STATE_ENCLAVE_INTR 0x00000010u /* bit 4: enclave interruption */

/* Guest activity state (25.4.2). */
#define GUEST_ACTIVITY_ACTIVE 0
#define GUEST_ACTIVITY_HLT 1
#define GUEST_ACTIVITY_SHUTDOWN 2
#define GUEST_ACTIVITY_WAIT_SIPI 3

/* Guest pending debug exceptions (25.4.2). */
#define PENDING_DBG_B0_B3 0x0000000full         /* bits 3:0: B3-B0 */
#define PENDING_DBG_ENABLED_BP 0x00001000ull    /* bit 12: enabled breakpoint */
#define PENDING_DBG_BS 0x00004000ull            /* bit 14: single step */
#define PENDING_DBG_RTM 0x00010000ull           /* bit 16: RTM */

/* Exit-reason field (25.9.1, Table "Format of Exit Reason"). */
#define VMX_EXIT_REASONS_BASIC_MASK 0x0000ffffu          /* bits 15:0: basic exit reason */
#define VMX_EXIT_REASONS_BUS_LOCK_DETECTED 0x04000000u   /* bit 26: bus lock detected */
#define VMX_EXIT_REASONS_SGX_ENCLAVE_MODE 0x08000000u    /* bit 27: exit from enclave mode */
#define VMX_EXIT_REASONS_SMI_PENDING_MTF 0x10000000u     /* bit 28: pending MTF (SMM exit) */
#define VMX_EXIT_REASONS_SMI_FROM_VMX_ROOT 0x20000000u   /* bit 29: exit from VMX root (SMM) */
#define VMX_EXIT_REASONS_FAILED_VMENTRY 0x80000000u      /* bit 31: VM-entry failure */

/* Basic exit reasons (Vol. 3D, Appendix C), from exit_reasons.def. */
enum vmx_exit_reason {
#define EXIT_REASON(name, number, kind) EXIT_REASON_##name = (number),
#include "hw/vmx/exit_reasons.def"
#undef EXIT_REASON
};

/* Where an exit leaves the guest (28.1); the .def's kind column. */
enum vmx_exit_kind {
	VMX_EXIT_KIND_FAULT,
	VMX_EXIT_KIND_TRAP,
	VMX_EXIT_KIND_OTHER,
};

/* Exit qualification of a VM-entry failure, reasons 33 and 34 (27.8 "VM-Entry Failures During or After Loading Guest State"). */
#define ENTRY_FAIL_DEFAULT 0
#define ENTRY_FAIL_PDPTE 2         /* loading PDPTEs failed */
#define ENTRY_FAIL_NMI 3           /* NMI injection while blocked by STI/MOV SS */
#define ENTRY_FAIL_VMCS_LINK_PTR 4 /* invalid VMCS link pointer */

/* Exit qualification for debug exceptions (28.2.1, Table "Exit Qualification for Debug Exceptions"). */
#define VMX_QUAL_DBG_B0_B3 0x0000000full /* bits 3:0: B3-B0 */
#define VMX_QUAL_DBG_BD 0x00002000ull    /* bit 13: debug register access detected */
#define VMX_QUAL_DBG_BS 0x00004000ull    /* bit 14: single step */

/* Exit qualification for task switches (Table "Exit Qualification for Task Switches"). */
#define VMX_QUAL_TS_SELECTOR_MASK 0x0000ffffull /* bits 15:0: new TSS selector */
#define VMX_QUAL_TS_SOURCE_SHIFT 30             /* bits 31:30: source */
#define VMX_QUAL_TS_SOURCE_MASK 0xc0000000ull
#define VMX_TASK_SWITCH_CALL 0
#define VMX_TASK_SWITCH_IRET 1
#define VMX_TASK_SWITCH_JMP 2
#define VMX_TASK_SWITCH_GATE 3 /* task gate in IDT */

/* Exit qualification for control-register accesses (Table "Exit Qualification for Control-Register Accesses"). */
#define VMX_QUAL_CR_NUM_MASK 0x0000000full        /* bits 3:0: CR number */
#define VMX_QUAL_CR_ACCESS_TYPE_SHIFT 4           /* bits 5:4: access type */
#define VMX_QUAL_CR_ACCESS_TYPE_MASK 0x00000030ull
#define VMX_QUAL_CR_LMSW_MEMORY 0x00000040ull     /* bit 6: LMSW operand is memory */
#define VMX_QUAL_CR_REG_SHIFT 8                   /* bits 11:8: general-purpose register */
#define VMX_QUAL_CR_REG_MASK 0x00000f00ull
#define VMX_QUAL_CR_LMSW_DATA_SHIFT 16            /* bits 31:16: LMSW source data */
#define VMX_QUAL_CR_LMSW_DATA_MASK 0xffff0000ull
#define VMX_CR_ACCESS_MOV_TO_CR 0
#define VMX_CR_ACCESS_MOV_FROM_CR 1
#define VMX_CR_ACCESS_CLTS 2
#define VMX_CR_ACCESS_LMSW 3

/* Exit qualification for MOV DR (Table "Exit Qualification for MOV DR"). */
#define VMX_QUAL_DR_NUM_MASK 0x00000007ull /* bits 2:0: debug register */
#define VMX_QUAL_DR_FROM_DR 0x00000010ull  /* bit 4: 1 = MOV from DR, 0 = MOV to DR */
#define VMX_QUAL_DR_REG_SHIFT 8            /* bits 11:8: general-purpose register */
#define VMX_QUAL_DR_REG_MASK 0x00000f00ull

/* Exit qualification for I/O instructions (Table "Exit Qualification for I/O Instructions"). */
#define VMX_QUAL_IO_SIZE_MASK 0x00000007ull  /* bits 2:0: access size - 1 (0, 1 or 3) */
#define VMX_QUAL_IO_IN 0x00000008ull         /* bit 3: direction, 1 = IN */
#define VMX_QUAL_IO_STRING 0x00000010ull     /* bit 4: string instruction */
#define VMX_QUAL_IO_REP 0x00000020ull        /* bit 5: REP prefixed */
#define VMX_QUAL_IO_IMMEDIATE 0x00000040ull  /* bit 6: port is an immediate, not DX */
#define VMX_QUAL_IO_PORT_SHIFT 16            /* bits 31:16: port number */
#define VMX_QUAL_IO_PORT_MASK 0xffff0000ull

/* Exit qualification for APIC-access VM exits (Table "Exit Qualification for APIC-Access VM Exits"). */
#define VMX_QUAL_APIC_OFFSET_MASK 0x00000fffull   /* bits 11:0: page offset (linear accesses) */
#define VMX_QUAL_APIC_TYPE_SHIFT 12               /* bits 15:12: access type */
#define VMX_QUAL_APIC_TYPE_MASK 0x0000f000ull
#define VMX_QUAL_APIC_ASYNC 0x00010000ull         /* bit 16: asynchronous to instruction execution */
#define VMX_APIC_ACCESS_LINEAR_READ 0
#define VMX_APIC_ACCESS_LINEAR_WRITE 1
#define VMX_APIC_ACCESS_LINEAR_FETCH 2
#define VMX_APIC_ACCESS_LINEAR_EVENT 3  /* linear access during event delivery */
#define VMX_APIC_ACCESS_PHYS_EVENT 10   /* guest-physical access during event delivery */
#define VMX_APIC_ACCESS_PHYS_FETCH 15   /* guest-physical access for fetch or execution */

/* Exit qualification for EPT violations (28.2.1, Table "Exit Qualification for EPT Violations"). */
#define EPT_VIOLATION_ACC_READ 0x00000001ull        /* bit 0: data read */
#define EPT_VIOLATION_ACC_WRITE 0x00000002ull       /* bit 1: data write */
#define EPT_VIOLATION_ACC_INSTR 0x00000004ull       /* bit 2: instruction fetch */
#define EPT_VIOLATION_READABLE 0x00000008ull        /* bit 3: entry allowed reads */
#define EPT_VIOLATION_WRITABLE 0x00000010ull        /* bit 4: entry allowed writes */
#define EPT_VIOLATION_EXECUTABLE 0x00000020ull      /* bit 5: entry allowed (supervisor) fetches */
#define EPT_VIOLATION_USER_EXEC 0x00000040ull       /* bit 6: entry allowed user fetches (MBEC) */
#define EPT_VIOLATION_GVA_IS_VALID 0x00000080ull    /* bit 7: guest-linear address valid */
#define EPT_VIOLATION_GVA_TRANSLATED 0x00000100ull  /* bit 8: access to the translation, not a paging structure */
#define EPT_VIOLATION_GVA_USER 0x00000200ull        /* bit 9: user-mode linear address (advanced info) */
#define EPT_VIOLATION_GVA_WRITABLE 0x00000400ull    /* bit 10: linear address read/write (advanced info) */
#define EPT_VIOLATION_GVA_NX 0x00000800ull          /* bit 11: linear address execute-disable (advanced info) */
#define EPT_VIOLATION_NMI_UNBLOCK 0x00001000ull     /* bit 12: NMI unblocking due to IRET */
#define EPT_VIOLATION_SHADOW_STACK 0x00002000ull    /* bit 13: shadow-stack access */
#define EPT_VIOLATION_SSS 0x00004000ull             /* bit 14: supervisor shadow stack */
#define EPT_VIOLATION_GUEST_PAGING_VERIF 0x00008000ull /* bit 15: guest-paging verification */
#define EPT_VIOLATION_ASYNC 0x00010000ull           /* bit 16: asynchronous to instruction execution */

/* VM-exit instruction information for VMX instructions (28.2.5, VMCLEAR..VMWRITE, INVEPT, INVVPID). */
#define VMX_INSN_INFO_SCALING_MASK 0x00000003u    /* bits 1:0: scaling */
#define VMX_INSN_INFO_REG1_SHIFT 3                /* bits 6:3: reg1 (VMREAD/VMWRITE register operand) */
#define VMX_INSN_INFO_REG1_MASK 0x00000078u
#define VMX_INSN_INFO_ADDR_SIZE_SHIFT 7           /* bits 9:7: 0 16-bit, 1 32-bit, 2 64-bit */
#define VMX_INSN_INFO_ADDR_SIZE_MASK 0x00000380u
#define VMX_INSN_INFO_REG_OPERAND 0x00000400u     /* bit 10: operand is a register */
#define VMX_INSN_INFO_SEG_SHIFT 15                /* bits 17:15: segment register */
#define VMX_INSN_INFO_SEG_MASK 0x00038000u
#define VMX_INSN_INFO_INDEX_SHIFT 18              /* bits 21:18: index register */
#define VMX_INSN_INFO_INDEX_MASK 0x003c0000u
#define VMX_INSN_INFO_INDEX_INVALID 0x00400000u   /* bit 22 */
#define VMX_INSN_INFO_BASE_SHIFT 23               /* bits 26:23: base register */
#define VMX_INSN_INFO_BASE_MASK 0x07800000u
#define VMX_INSN_INFO_BASE_INVALID 0x08000000u    /* bit 27 */
#define VMX_INSN_INFO_REG2_SHIFT 28               /* bits 31:28: reg2 (VMREAD/VMWRITE encoding register) */
#define VMX_INSN_INFO_REG2_MASK 0xf0000000u

/* VM-instruction error numbers (31.4, Table "VM-Instruction Error Numbers"). */
enum vmx_instruction_error {
	VMXERR_VMCALL_IN_VMX_ROOT_OPERATION = 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS = 2,
	VMXERR_VMCLEAR_VMXON_POINTER = 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS = 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF = 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELD = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELD = 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS = 9,
	VMXERR_VMPTRLD_VMXON_POINTER = 10,
	VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID = 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT = 12,
	VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT = 13,
	VMXERR_VMXON_IN_VMX_ROOT_OPERATION = 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER = 16,
	VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS = 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER = 18,
	VMXERR_VMCALL_NONCLEAR_VMCS = 19,
	VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS = 20,
	VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID = 22,
	VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM = 23,
	VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES = 24,
	VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS = 25,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS = 26,
	VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID = 28,
};

/* VMX-abort indicator values (28.7 "VMX Aborts"). */
#define VMX_ABORT_SAVE_GUEST_MSR_FAIL 1
#define VMX_ABORT_LOAD_HOST_PDPTE_FAIL 2
#define VMX_ABORT_VMCS_CORRUPTED 3
#define VMX_ABORT_LOAD_HOST_MSR_FAIL 4
#define VMX_ABORT_MACHINE_CHECK 5
#define VMX_ABORT_HOST_NOT_64BIT 6

/* Bit 31 of the revision-identifier word: shadow-VMCS indicator (25.2). */
#define VMCS_SHADOW_INDICATOR 0x80000000u
#define VMCS_REVISION_ID_MASK 0x7fffffffu

/* VMX capability MSRs (Vol. 3D, Appendix A). */
#define MSR_IA32_VMX_BASIC 0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS 0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x00000482
#define MSR_IA32_VMX_EXIT_CTLS 0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS 0x00000484
#define MSR_IA32_VMX_MISC 0x00000485
#define MSR_IA32_VMX_CR0_FIXED0 0x00000486
#define MSR_IA32_VMX_CR0_FIXED1 0x00000487
#define MSR_IA32_VMX_CR4_FIXED0 0x00000488
#define MSR_IA32_VMX_CR4_FIXED1 0x00000489
#define MSR_IA32_VMX_VMCS_ENUM 0x0000048a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x00000490
#define MSR_IA32_VMX_VMFUNC 0x00000491
#define MSR_IA32_VMX_PROCBASED_CTLS3 0x00000492
#define MSR_IA32_VMX_EXIT_CTLS2 0x00000493

/* IA32_VMX_BASIC (A.1 "Basic VMX Information"). */
#define VMX_BASIC_REVISION_MASK 0x000000007fffffffull     /* bits 30:0: VMCS revision identifier */
#define VMX_BASIC_VMCS_SIZE_SHIFT 32                      /* bits 44:32: VMCS region size */
#define VMX_BASIC_VMCS_SIZE_MASK 0x00001fff00000000ull
#define VMX_BASIC_32BIT_PHYS_ADDR_ONLY 0x0001000000000000ull /* bit 48 */
#define VMX_BASIC_DUAL_MONITOR 0x0002000000000000ull      /* bit 49: dual-monitor treatment */
#define VMX_BASIC_MEM_TYPE_SHIFT 50                       /* bits 53:50: VMCS memory type */
#define VMX_BASIC_MEM_TYPE_MASK 0x003c000000000000ull
#define VMX_BASIC_INOUT 0x0040000000000000ull             /* bit 54: INS/OUTS instruction information */
#define VMX_BASIC_TRUE_CTLS 0x0080000000000000ull         /* bit 55: TRUE capability MSRs */
#define VMX_BASIC_NO_HW_ERROR_CODE_CC 0x0100000000000000ull /* bit 56: any error-code delivery on entry */
#define VMX_BASIC_MEM_TYPE_WB 6ull

/* IA32_VMX_MISC (A.6 "Miscellaneous Data"). */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK 0x000000000000001full /* bits 4:0: TSC >> rate */
#define VMX_MISC_SAVE_EFER_LMA 0x0000000000000020ull          /* bit 5: exits store EFER.LMA in IA-32e mode guest */
#define VMX_MISC_ACTIVITY_HLT 0x0000000000000040ull           /* bit 6 */
#define VMX_MISC_ACTIVITY_SHUTDOWN 0x0000000000000080ull      /* bit 7 */
#define VMX_MISC_ACTIVITY_WAIT_SIPI 0x0000000000000100ull     /* bit 8 */
#define VMX_MISC_INTEL_PT 0x0000000000004000ull               /* bit 14: Intel PT in VMX operation */
#define VMX_MISC_RDMSR_SMBASE_IN_SMM 0x0000000000008000ull    /* bit 15 */
#define VMX_MISC_CR3_TARGET_COUNT_SHIFT 16                    /* bits 24:16: CR3-target values */
#define VMX_MISC_CR3_TARGET_COUNT_MASK 0x0000000001ff0000ull
#define VMX_MISC_MSR_LIST_SHIFT 25                            /* bits 27:25: 512 * (N + 1) MSRs */
#define VMX_MISC_MSR_LIST_MASK 0x000000000e000000ull
#define VMX_MISC_SMM_MONITOR_CTL_B2 0x0000000010000000ull     /* bit 28 */
#define VMX_MISC_VMWRITE_SHADOW_RO_FIELDS 0x0000000020000000ull /* bit 29: VMWRITE to exit-information fields */
#define VMX_MISC_ZERO_LEN_INS 0x0000000040000000ull           /* bit 30: injection with instruction length 0 */
#define VMX_MISC_MSEG_ID_SHIFT 32                             /* bits 63:32: MSEG revision identifier */

/* IA32_VMX_VMCS_ENUM (A.9 "VMCS Enumeration"). */
#define VMX_VMCS_ENUM_MAX_INDEX_SHIFT 1 /* bits 9:1: highest index value */
#define VMX_VMCS_ENUM_MAX_INDEX_MASK 0x00000000000003feull

/* IA32_VMX_EPT_VPID_CAP (A.10 "VPID and EPT Capabilities"). */
#define VMX_EPT_EXECUTE_ONLY 0x0000000000000001ull        /* bit 0 */
#define VMX_EPT_PAGE_WALK_4 0x0000000000000040ull         /* bit 6: 4-level walks */
#define VMX_EPT_PAGE_WALK_5 0x0000000000000080ull         /* bit 7: 5-level walks */
#define VMX_EPTP_UC 0x0000000000000100ull                 /* bit 8: EPTP may be UC */
#define VMX_EPTP_WB 0x0000000000004000ull                 /* bit 14: EPTP may be WB */
#define VMX_EPT_2MB_PAGE 0x0000000000010000ull            /* bit 16 */
#define VMX_EPT_1GB_PAGE 0x0000000000020000ull            /* bit 17 */
#define VMX_EPT_INVEPT 0x0000000000100000ull              /* bit 20: INVEPT supported */
#define VMX_EPT_AD 0x0000000000200000ull                  /* bit 21: accessed and dirty flags */
#define VMX_EPT_ADVANCED_VIOLATION_INFO 0x0000000000400000ull /* bit 22 */
#define VMX_EPT_SSS 0x0000000000800000ull                 /* bit 23: supervisor shadow-stack control */
#define VMX_EPT_INVEPT_SINGLE 0x0000000002000000ull       /* bit 25: single-context INVEPT */
#define VMX_EPT_INVEPT_GLOBAL 0x0000000004000000ull       /* bit 26: all-context INVEPT */
#define VMX_VPID_INVVPID 0x0000000100000000ull            /* bit 32: INVVPID supported */
#define VMX_VPID_INVVPID_ADDR 0x0000010000000000ull       /* bit 40: individual-address */
#define VMX_VPID_INVVPID_SINGLE 0x0000020000000000ull     /* bit 41: single-context */
#define VMX_VPID_INVVPID_ALL 0x0000040000000000ull        /* bit 42: all-context */
#define VMX_VPID_INVVPID_SINGLE_NON_GLOBAL 0x0000080000000000ull /* bit 43: single-context-retaining-globals */

/* Extended-page-table pointer (25.6.11 "Extended-Page-Table Pointer (EPTP)"). */
#define VMX_EPTP_MT_MASK 0x0000000000000007ull    /* bits 2:0: memory type */
#define VMX_EPTP_MT_UC 0ull
#define VMX_EPTP_MT_WB 6ull
#define VMX_EPTP_PWL_MASK 0x0000000000000038ull   /* bits 5:3: page-walk length - 1 */
#define VMX_EPTP_PWL_SHIFT 3
#define VMX_EPTP_PWL_4 (3ull << 3)
#define VMX_EPTP_PWL_5 (4ull << 3)
#define VMX_EPTP_AD_ENABLE 0x0000000000000040ull  /* bit 6: enable accessed and dirty flags */
#define VMX_EPTP_SSS_ENABLE 0x0000000000000080ull /* bit 7: supervisor shadow-stack access rights */
#define VMX_EPTP_RESERVED 0x0000000000000f00ull   /* bits 11:8: reserved */
#define VMX_EPTP_ADDR_MASK 0x000ffffffffff000ull  /* bits N-1:12: EPT PML4/PML5 table */

/* INVEPT and INVVPID types (31.3 "INVEPT", "INVVPID"). */
#define VMX_INVEPT_SINGLE_CONTEXT 1
#define VMX_INVEPT_ALL_CONTEXT 2
#define VMX_INVVPID_INDIVIDUAL_ADDR 0
#define VMX_INVVPID_SINGLE_CONTEXT 1
#define VMX_INVVPID_ALL_CONTEXT 2
#define VMX_INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS 3

/* VM functions (26.5.6 "VM Functions"): IA32_VMX_VMFUNC and VM_FUNCTION_CONTROL bits. */
#define VMX_VMFUNC_EPTP_SWITCHING 0x0000000000000001ull /* function 0 */

#endif
