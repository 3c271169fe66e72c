/* SPDX-License-Identifier: MIT */
/* Guest SDK: control registers, MSRs, CPUID, port I/O and flag accessors (SDM Vol. 3A, 2.5 "Control Registers"). */
#ifndef NESTVM_GUESTS_LIB_PROCESSOR_H
#define NESTVM_GUESTS_LIB_PROCESSOR_H

#include "libcflat.h"
#include "desc.h"

#define X86_CR0_PE (1ul << 0)  /* protection enable */
#define X86_CR0_MP (1ul << 1)
#define X86_CR0_EM (1ul << 2)
#define X86_CR0_TS (1ul << 3)
#define X86_CR0_NE (1ul << 5)
#define X86_CR0_WP (1ul << 16) /* write protect */
#define X86_CR0_AM (1ul << 18) /* alignment mask */
#define X86_CR0_NW (1ul << 29)
#define X86_CR0_CD (1ul << 30)
#define X86_CR0_PG (1ul << 31) /* paging */

#define X86_CR4_VME (1ul << 0)
#define X86_CR4_PVI (1ul << 1)
#define X86_CR4_TSD (1ul << 2)
#define X86_CR4_DE (1ul << 3)
#define X86_CR4_PSE (1ul << 4)
#define X86_CR4_PAE (1ul << 5)
#define X86_CR4_MCE (1ul << 6)
#define X86_CR4_PGE (1ul << 7)
#define X86_CR4_OSFXSR (1ul << 9)
#define X86_CR4_UMIP (1ul << 11)
#define X86_CR4_LA57 (1ul << 12)
#define X86_CR4_VMXE (1ul << 13)
#define X86_CR4_FSGSBASE (1ul << 16)
#define X86_CR4_PCIDE (1ul << 17)
#define X86_CR4_SMEP (1ul << 20)
#define X86_CR4_SMAP (1ul << 21)
#define X86_CR4_PKE (1ul << 22)

#define X86_EFLAGS_CF (1ul << 0)
#define X86_EFLAGS_FIXED (1ul << 1)
#define X86_EFLAGS_PF (1ul << 2)
#define X86_EFLAGS_AF (1ul << 4)
#define X86_EFLAGS_ZF (1ul << 6)
#define X86_EFLAGS_SF (1ul << 7)
#define X86_EFLAGS_TF (1ul << 8)
#define X86_EFLAGS_IF (1ul << 9)
#define X86_EFLAGS_DF (1ul << 10)
#define X86_EFLAGS_OF (1ul << 11)
#define X86_EFLAGS_IOPL (3ul << 12)
#define X86_EFLAGS_NT (1ul << 14)
#define X86_EFLAGS_RF (1ul << 16)
#define X86_EFLAGS_VM (1ul << 17)
#define X86_EFLAGS_AC (1ul << 18)
#define X86_EFLAGS_ID (1ul << 21)
#define X86_EFLAGS_ARITH (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
			  X86_EFLAGS_SF | X86_EFLAGS_OF)

#define MSR_IA32_TSC 0x00000010
#define MSR_IA32_APICBASE 0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_SYSENTER_CS 0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_IA32_CR_PAT 0x00000277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

#define EFER_SCE (1ull << 0)  /* SYSCALL enable */
#define EFER_LME (1ull << 8)  /* IA-32e mode enable */
#define EFER_LMA (1ull << 10) /* IA-32e mode active */
#define EFER_NXE (1ull << 11) /* execute-disable enable */

/* Vectors (SDM Vol. 3A, 6.3.1 "External Interrupts", Table 6-1). */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define NMI_VECTOR 2
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18

/* #PF error code bits (SDM Vol. 3A, 4.7 "Page-Fault Exceptions"). */
#define PFERR_PRESENT (1u << 0)
#define PFERR_WRITE (1u << 1)
#define PFERR_USER (1u << 2)
#define PFERR_RSVD (1u << 3)
#define PFERR_FETCH (1u << 4)

/* CPUID feature bits: leaf, sub-leaf, register index (0=EAX..3=EDX), bit. */
struct cpuid_feature {
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
};
#define CPUID_FEATURE(leaf, subleaf, reg, bit) ((struct cpuid_feature){ leaf, subleaf, reg, bit })
#define X86_FEATURE_PSE CPUID_FEATURE(1, 0, 3, 3)
#define X86_FEATURE_TSC CPUID_FEATURE(1, 0, 3, 4)
#define X86_FEATURE_MSR CPUID_FEATURE(1, 0, 3, 5)
#define X86_FEATURE_PAE CPUID_FEATURE(1, 0, 3, 6)
#define X86_FEATURE_CX8 CPUID_FEATURE(1, 0, 3, 8)
#define X86_FEATURE_APIC CPUID_FEATURE(1, 0, 3, 9)
#define X86_FEATURE_SEP CPUID_FEATURE(1, 0, 3, 11)
#define X86_FEATURE_PGE CPUID_FEATURE(1, 0, 3, 13)
#define X86_FEATURE_PAT CPUID_FEATURE(1, 0, 3, 16)
#define X86_FEATURE_PSE36 CPUID_FEATURE(1, 0, 3, 17)
#define X86_FEATURE_VMX CPUID_FEATURE(1, 0, 2, 5)
#define X86_FEATURE_CX16 CPUID_FEATURE(1, 0, 2, 13)
#define X86_FEATURE_PCID CPUID_FEATURE(1, 0, 2, 17)
#define X86_FEATURE_MOVBE CPUID_FEATURE(1, 0, 2, 22)
#define X86_FEATURE_POPCNT CPUID_FEATURE(1, 0, 2, 23)
#define X86_FEATURE_FSGSBASE CPUID_FEATURE(7, 0, 1, 0)
#define X86_FEATURE_BMI1 CPUID_FEATURE(7, 0, 1, 3)
#define X86_FEATURE_SMEP CPUID_FEATURE(7, 0, 1, 7)
#define X86_FEATURE_BMI2 CPUID_FEATURE(7, 0, 1, 8)
#define X86_FEATURE_INVPCID CPUID_FEATURE(7, 0, 1, 10)
#define X86_FEATURE_SMAP CPUID_FEATURE(7, 0, 1, 20)
#define X86_FEATURE_LAHF_LM CPUID_FEATURE(0x80000001, 0, 2, 0)
#define X86_FEATURE_ABM CPUID_FEATURE(0x80000001, 0, 2, 5) /* LZCNT */
#define X86_FEATURE_SYSCALL CPUID_FEATURE(0x80000001, 0, 3, 11)
#define X86_FEATURE_NX CPUID_FEATURE(0x80000001, 0, 3, 20)
#define X86_FEATURE_GBPAGES CPUID_FEATURE(0x80000001, 0, 3, 26)
#define X86_FEATURE_RDTSCP CPUID_FEATURE(0x80000001, 0, 3, 27)
#define X86_FEATURE_LM CPUID_FEATURE(0x80000001, 0, 3, 29)

struct cpuid {
	uint32_t a, b, c, d;
};

static inline struct cpuid cpuid_indexed(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid r;

	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "0"(leaf), "2"(subleaf));
	return r;
}

static inline struct cpuid cpuid(uint32_t leaf)
{
	return cpuid_indexed(leaf, 0);
}

static inline bool this_cpu_has(struct cpuid_feature f)
{
	uint32_t max = cpuid(f.leaf & 0x80000000).a;
	struct cpuid r;
	uint32_t regs[4];

	if (f.leaf > max)
		return false;
	r = cpuid_indexed(f.leaf, f.subleaf);
	regs[0] = r.a;
	regs[1] = r.b;
	regs[2] = r.c;
	regs[3] = r.d;
	return (regs[f.reg] >> f.bit) & 1;
}

/* Vendor string from CPUID leaf 0 (EBX, EDX, ECX); buf holds 13 bytes. */
static inline void cpu_vendor(char *buf)
{
	struct cpuid r = cpuid(0);

	memcpy(buf, &r.b, 4);
	memcpy(buf + 4, &r.d, 4);
	memcpy(buf + 8, &r.c, 4);
	buf[12] = 0;
}

static inline bool cpu_is_intel(void)
{
	return cpuid(0).b == 0x756e6547; /* "Genu" */
}

static inline bool cpu_is_amd(void)
{
	return cpuid(0).b == 0x68747541; /* "Auth" */
}

/*
 * True on QEMU's TCG CPU model (brand string "QEMU TCG CPU ..."): tests use it only to
 * report_skip checks where TCG is known to deviate from the SDM, saying so.
 */
static inline bool cpu_is_qemu_tcg(void)
{
	struct cpuid r;

	if (cpuid(0x80000000).a < 0x80000002)
		return false;
	r = cpuid(0x80000002);
	return r.a == 0x554d4551 && r.b == 0x47435420; /* "QEMU", " TCG" */
}

static inline uint64_t rdmsr(uint32_t index)
{
	uint32_t a, d;

	asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(index) : "memory");
	return a | ((uint64_t)d << 32);
}

static inline void wrmsr(uint32_t index, uint64_t val)
{
	asm volatile("wrmsr" : : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(index) : "memory");
}

/* RDMSR/WRMSR that return the exception vector they raised, or -1 if none. */
static inline int rdmsr_safe(uint32_t index, uint64_t *val)
{
	uint32_t a = 0, d = 0;

	asm volatile(ASM_TRY("1f") "rdmsr\n1:" : "+a"(a), "+d"(d) : "c"(index) : "memory");
	*val = a | ((uint64_t)d << 32);
	return exception_vector();
}

static inline int wrmsr_safe(uint32_t index, uint64_t val)
{
	asm volatile(ASM_TRY("1f") "wrmsr\n1:"
		     : : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(index) : "memory");
	return exception_vector();
}

static inline unsigned long read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void write_cr0(unsigned long v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline unsigned long read_cr2(void)
{
	unsigned long v;

	asm volatile("mov %%cr2, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void write_cr2(unsigned long v)
{
	asm volatile("mov %0, %%cr2" : : "r"(v) : "memory");
}

static inline unsigned long read_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void write_cr3(unsigned long v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v) : : "memory");
	return v;
}

static inline void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* MOV to CR0/CR3/CR4 returning the exception vector raised, or -1. */
static inline int write_cr0_safe(unsigned long v)
{
	asm volatile(ASM_TRY("1f") "mov %0, %%cr0\n1:" : : "r"(v) : "memory");
	return exception_vector();
}

static inline int write_cr3_safe(unsigned long v)
{
	asm volatile(ASM_TRY("1f") "mov %0, %%cr3\n1:" : : "r"(v) : "memory");
	return exception_vector();
}

static inline int write_cr4_safe(unsigned long v)
{
	asm volatile(ASM_TRY("1f") "mov %0, %%cr4\n1:" : : "r"(v) : "memory");
	return exception_vector();
}

static inline unsigned long read_rflags(void)
{
	unsigned long f;

	asm volatile("pushf; pop %0" : "=r"(f) : : "memory");
	return f;
}

static inline void write_rflags(unsigned long f)
{
	asm volatile("push %0; popf" : : "r"(f) : "memory", "cc");
}

static inline uint16_t read_cs(void)
{
	uint16_t v;

	asm volatile("mov %%cs, %0" : "=rm"(v));
	return v;
}

static inline uint16_t read_ds(void)
{
	uint16_t v;

	asm volatile("mov %%ds, %0" : "=rm"(v));
	return v;
}

static inline uint16_t read_ss(void)
{
	uint16_t v;

	asm volatile("mov %%ss, %0" : "=rm"(v));
	return v;
}

static inline void write_ds(uint16_t v)
{
	asm volatile("mov %0, %%ds" : : "rm"(v) : "memory");
}

static inline void write_es(uint16_t v)
{
	asm volatile("mov %0, %%es" : : "rm"(v) : "memory");
}

static inline void write_fs(uint16_t v)
{
	asm volatile("mov %0, %%fs" : : "rm"(v) : "memory");
}

static inline void write_gs(uint16_t v)
{
	asm volatile("mov %0, %%gs" : : "rm"(v) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t a, d;

	asm volatile("rdtsc" : "=a"(a), "=d"(d));
	return a | ((uint64_t)d << 32);
}

static inline void outb(uint8_t v, uint16_t port)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint32_t v, uint16_t port)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void invlpg(volatile void *va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void stac(void)
{
	asm volatile(".byte 0x0f, 0x01, 0xcb" : : : "memory");
}

static inline void clac(void)
{
	asm volatile(".byte 0x0f, 0x01, 0xca" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli");
}

static inline void sti(void)
{
	asm volatile("sti");
}

#endif
