/* SPDX-License-Identifier: MIT */
/* Guest SDK: GDT, IDT, TSS and exception recording/fixup (SDM Vol. 3A, 3.4.5 "Segment Descriptors", 6.10 "Interrupt Descriptor Table"). */
#ifndef NESTVM_GUESTS_LIB_DESC_H
#define NESTVM_GUESTS_LIB_DESC_H

#include "libcflat.h"

/*
 * GDT layout. Selectors 0x08/0x10 and 0x30..0x40 follow the SYSCALL/SYSRET layout
 * (STAR[47:32] = 0x08, STAR[63:48] = 0x30; SDM Vol. 2B, SYSRET), and 0x50..0x78
 * follow the SYSENTER/SYSEXIT layout for IA32_SYSENTER_CS = 0x50 (SDM Vol. 2B, SYSEXIT).
 */
#define KERNEL_CS64 0x08
#define KERNEL_DS 0x10
#define KERNEL_CS32 0x18
#define KERNEL_CS16 0x20
#define KERNEL_DS16 0x28
#define USER_CS32 0x30
#define USER_DS 0x38
#define USER_CS64 0x40
#define NP_DS 0x48 /* present bit clear: loading it raises #NP(0x48) */
#define SYSENTER_CS 0x50
#define TSS_SEL 0x80
#define GDT_SPARE 0x90 /* 0x90..0xb8: free for tests (gdt_set) */
#define GDT_ENTRIES 24

/* The library's exception vector/stack for returning from CPL3 (run_in_user). */
#define RET_TO_KERNEL_VECTOR 0x7f

#ifdef __x86_64__
struct ex_regs {
	unsigned long rax, rbx, rcx, rdx, rsi, rdi, rbp;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long vector, error_code;
	unsigned long rip, cs, rflags, rsp, ss;
};
#else
/* rsp/ss are valid only when the exception changed privilege level. */
struct ex_regs {
	unsigned long rdi, rsi, rbp, rsp_pusha, rbx, rdx, rcx, rax;
	unsigned long vector, error_code;
	unsigned long rip, cs, rflags, rsp, ss;
};
#endif

struct ex_record {
	int vector; /* -1: none since the last ASM_TRY / exception_clear() */
	unsigned long error_code, rip, cs, cr2;
	unsigned count;
};

extern volatile struct ex_record ex_last;
extern uint64_t gdt[GDT_ENTRIES];

/*
 * ASM_TRY(fixup): mark the next instruction so that an exception on it resumes at
 * `fixup` (an asm label) after recording vector, error code and RIP in ex_last — the
 * exception-fixup scheme of kvm-unit-tests. ex_last.vector is first set to -1.
 */
#define ASM_TRY(fixup)                                        \
	"movl $-1, ex_last\n\t"                               \
	".pushsection .data.ex_table, \"aw\"\n\t"             \
	".balign 8\n\t" ASM_PTR " 1111f, " fixup "\n\t"       \
	".popsection\n\t"                                     \
	"1111:"

static inline int exception_vector(void)
{
	return ex_last.vector;
}

static inline unsigned long exception_error_code(void)
{
	return ex_last.error_code;
}

static inline void exception_clear(void)
{
	ex_last.vector = -1;
}

typedef void (*exception_handler)(struct ex_regs *regs);

/* Install a C handler for a vector; it may edit regs (e.g. regs->rip). NULL restores the default. */
exception_handler handle_exception(unsigned vector, exception_handler fn);

void gdt_set(unsigned sel, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
void idt_set_gate(unsigned vector, void *handler, unsigned sel, unsigned type, unsigned dpl);
void idt_set_present(unsigned vector, bool present);
void idt_set_dpl(unsigned vector, unsigned dpl);
void *isr_stub(unsigned vector);
void setup_desc(void);

#ifdef __x86_64__
struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes (SDM Vol. 3A, Figure 8-11)");
#else
struct tss {
	uint32_t prev, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "32-bit TSS is 104 bytes (SDM Vol. 3A, Figure 8-2)");
#endif
extern struct tss tss;

struct descriptor_table_ptr {
	uint16_t limit;
	unsigned long base;
} __attribute__((packed));

static inline void sgdt(struct descriptor_table_ptr *p)
{
	asm volatile("sgdt %0" : "=m"(*p));
}

static inline void sidt(struct descriptor_table_ptr *p)
{
	asm volatile("sidt %0" : "=m"(*p));
}

static inline void lidt(const struct descriptor_table_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p));
}

/* Mode helpers (modes.S). */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, eflags;
};
#define RM_CODE_ADDR 0x5000 /* real-mode snippets are copied here, called as 0x0500:0000 */
#define RM_STACK_TOP 0x7000
#define RM_TRAMP_ADDR 0x7000
#define RM_REGS_ADDR 0x7f00

/*
 * Switch to real mode (through compatibility mode and paging off, from 64-bit mode),
 * far-call the 16-bit snippet [code, code + len) copied to RM_CODE_ADDR with the
 * registers in *regs, store its registers back and return to the caller's mode.
 * The snippet must end with LRET and may not fault.
 */
void realmode_call(struct rm_regs *regs, const void *code, size_t len);

/* Run fn(arg) at CPL3 in the current mode (64-bit or 32-bit code); returns its result. */
unsigned long run_in_user(unsigned long (*fn)(unsigned long), unsigned long arg);

#ifdef __x86_64__
/* Far-call the 32-bit code at fn in compatibility mode with EAX = arg; returns EAX. */
uint32_t compat_call(const void *fn, uint32_t arg);
/* Leave IA-32e mode, call the 32-bit code at fn with EAX = arg in protected mode with paging off, return EAX. */
uint32_t legacy_call(const void *fn, uint32_t arg);
#endif

#endif
