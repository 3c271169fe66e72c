// SPDX-License-Identifier: MIT
/* Guest SDK: GDT, IDT and TSS setup and exception dispatch (SDM Vol. 3A, 3.4.5, 6.10–6.14). */
#include "desc.h"
#include "processor.h"

/* Descriptor encodings (SDM Vol. 3A, 3.4.5 "Segment Descriptors"); accessed bit preset. */
uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[KERNEL_CS64 / 8] = 0x00af9b000000ffffull, /* 64-bit code, DPL0 */
	[KERNEL_DS / 8] = 0x00cf93000000ffffull,   /* 4-GiB data, DPL0 */
	[KERNEL_CS32 / 8] = 0x00cf9b000000ffffull, /* 32-bit code, DPL0 */
	[KERNEL_CS16 / 8] = 0x00009b000000ffffull, /* 16-bit code, 64 KiB */
	[KERNEL_DS16 / 8] = 0x000093000000ffffull, /* 16-bit data, 64 KiB */
	[USER_CS32 / 8] = 0x00cffb000000ffffull,   /* 32-bit code, DPL3 */
	[USER_DS / 8] = 0x00cff3000000ffffull,     /* data, DPL3 */
	[USER_CS64 / 8] = 0x00affb000000ffffull,   /* 64-bit code, DPL3 */
	[NP_DS / 8] = 0x00cf13000000ffffull,       /* data, DPL0, not present */
	[SYSENTER_CS / 8] = 0x00af9b000000ffffull,
	[SYSENTER_CS / 8 + 1] = 0x00cf93000000ffffull,
	[SYSENTER_CS / 8 + 2] = 0x00cffb000000ffffull,
	[SYSENTER_CS / 8 + 3] = 0x00cff3000000ffffull,
	[SYSENTER_CS / 8 + 4] = 0x00affb000000ffffull,
	[SYSENTER_CS / 8 + 5] = 0x00cff3000000ffffull,
};

#ifdef __x86_64__
static uint64_t idt[256 * 2] __attribute__((aligned(16)));
#else
static uint64_t idt[256] __attribute__((aligned(16)));
#endif

struct tss tss __attribute__((aligned(16)));
volatile struct ex_record ex_last = { .vector = -1 };
static exception_handler handlers[32];

struct ex_table_entry {
	unsigned long ip, fixup;
};
extern struct ex_table_entry ex_table_start[], ex_table_end[];
extern void *isr_table[32];
extern char stack_top[];
extern void ret_to_kernel(void);
void do_exception(struct ex_regs *regs);
int lib_start(void);

static const char *const vector_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
	"#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void gdt_set(unsigned sel, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	gdt[sel / 8] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
		       ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
		       ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

/* Gate descriptor (SDM Vol. 3A, Figure 6-2 and Figure 6-8). */
void idt_set_gate(unsigned vector, void *handler, unsigned sel, unsigned type, unsigned dpl)
{
	uint64_t off = (uintptr_t)handler;
	uint64_t lo = (off & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)(type & 0xf) << 40) |
		      ((uint64_t)(dpl & 3) << 45) | (1ull << 47) | ((off >> 16 & 0xffff) << 48);
#ifdef __x86_64__
	idt[vector * 2] = lo;
	idt[vector * 2 + 1] = off >> 32;
#else
	idt[vector] = lo;
#endif
}

static uint64_t *gate_low(unsigned vector)
{
#ifdef __x86_64__
	return &idt[vector * 2];
#else
	return &idt[vector];
#endif
}

void idt_set_present(unsigned vector, bool present)
{
	if (present)
		*gate_low(vector) |= 1ull << 47;
	else
		*gate_low(vector) &= ~(1ull << 47);
}

void idt_set_dpl(unsigned vector, unsigned dpl)
{
	*gate_low(vector) = (*gate_low(vector) & ~(3ull << 45)) | ((uint64_t)(dpl & 3) << 45);
}

void *isr_stub(unsigned vector)
{
	return isr_table[vector];
}

exception_handler handle_exception(unsigned vector, exception_handler fn)
{
	exception_handler old = handlers[vector];

	handlers[vector] = fn;
	return old;
}

void do_exception(struct ex_regs *regs)
{
	unsigned vector = regs->vector;
	struct ex_table_entry *e;

	ex_last.vector = vector;
	ex_last.error_code = regs->error_code;
	ex_last.rip = regs->rip;
	ex_last.cs = regs->cs;
	ex_last.cr2 = read_cr2();
	ex_last.count++;
	if (vector < 32 && handlers[vector]) {
		handlers[vector](regs);
		return;
	}
	for (e = ex_table_start; e < ex_table_end; e++) {
		if (e->ip == regs->rip) {
			regs->rip = e->fixup;
			return;
		}
	}
	report_abort("unhandled exception %u (%s), error code %#lx, rip %#lx, cs %#lx, cr2 %#lx",
		     vector, vector < 22 ? vector_names[vector] : "?", regs->error_code,
		     regs->rip, regs->cs, read_cr2());
}

void setup_desc(void)
{
	struct descriptor_table_ptr idtr = { sizeof(idt) - 1, (unsigned long)idt };
	uintptr_t base = (uintptr_t)&tss;
	unsigned sel = KERNEL_CS32;
	unsigned v;

#ifdef __x86_64__
	sel = KERNEL_CS64;
	tss.rsp0 = (uintptr_t)stack_top;
	gdt[TSS_SEL / 8 + 1] = (uint64_t)base >> 32;
#else
	tss.esp0 = (uintptr_t)stack_top;
	tss.ss0 = KERNEL_DS;
#endif
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap: IN/OUT at CPL3 raise #GP */
	gdt_set(TSS_SEL, base, sizeof(tss) - 1, 0x89, 0);
	for (v = 0; v < 32; v++)
		idt_set_gate(v, isr_table[v], sel, 0xe, 0);
	idt_set_gate(RET_TO_KERNEL_VECTOR, ret_to_kernel, sel, 0xe, 3);
	lidt(&idtr);
	asm volatile("ltr %w0" : : "r"(TSS_SEL));
}

extern char rm_tramp_start[], rm_tramp_end[];
void rm_switch(void);

void realmode_call(struct rm_regs *regs, const void *code, size_t len)
{
	memcpy((void *)RM_CODE_ADDR, code, len);
	memcpy((void *)RM_TRAMP_ADDR, rm_tramp_start, rm_tramp_end - rm_tramp_start);
	memcpy((void *)RM_REGS_ADDR, regs, sizeof(*regs));
	rm_switch();
	memcpy(regs, (void *)RM_REGS_ADDR, sizeof(*regs));
}

int lib_start(void)
{
	serial_init();
	setup_desc();
	return main();
}
