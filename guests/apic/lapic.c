// SPDX-License-Identifier: GPL-2.0-only
/* Local APIC alone, no IOAPIC or PIC (SDM Vol. 3A, chapter 11 "Advanced Programmable Interrupt Controller (APIC)"): ID and version, software enable, TPR/PPR, self IPIs, the timer in one-shot, periodic and TSC-deadline modes, x2APIC mode. */
#include "libcflat.h"
#include "desc.h"
#include "processor.h"

#define APIC_MMIO 0xfee00000ul
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_PPR 0xa0
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR_LOW 0x300
#define APIC_ICR_HIGH 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC(reg) (0x800 + ((reg) >> 4))
#define MSR_X2APIC_SELF_IPI 0x83f

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define ICR_SELF (1u << 18) /* destination shorthand 01: self */
#define ICR_ASSERT (1u << 14)

#define X86_FEATURE_X2APIC CPUID_FEATURE(1, 0, 2, 21)
#define X86_FEATURE_TSC_DEADLINE CPUID_FEATURE(1, 0, 2, 24)

/* The vectors this test uses, one IDT stub each. */
#define VEC_SELF 0x41
#define VEC_TPR 0x51
#define VEC_TIMER 0x61
#define VEC_X2APIC 0x71
#define VEC_SPURIOUS 0xff

static volatile unsigned irq_count[256], irq_total;
static volatile uint32_t ppr_in_handler, isr_in_handler;
static bool x2apic_mode;

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(MSR_X2APIC(reg));
	return *(volatile uint32_t *)(APIC_MMIO + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
	if (x2apic_mode)
		wrmsr(MSR_X2APIC(reg), val);
	else
		*(volatile uint32_t *)(APIC_MMIO + reg) = val;
}

void apic_irq(unsigned long vector);
void apic_irq(unsigned long vector)
{
	irq_count[vector & 0xff]++;
	irq_total++;
	ppr_in_handler = apic_read(APIC_PPR);
	isr_in_handler = apic_read(APIC_ISR + ((vector >> 5) << 4));
	if (vector != VEC_SPURIOUS) /* no EOI for the spurious vector (SDM 11.9) */
		apic_write(APIC_EOI, 0);
}

/*
 * Interrupt stubs: push the vector, save the registers C may clobber, call apic_irq.
 * On entry RSP ≡ 8 (mod 16) after the 40-byte frame (SDM 6.14.2 "64-Bit Mode Stack
 * Frame"); vector + 9 registers + 8 bytes of padding realign it for the call.
 */
#define IRQ_STUB(v) \
	".globl irq_stub_" #v "\nirq_stub_" #v ":\n\tpushq $" #v "\n\tjmp irq_common\n"
asm(".text\n"
    IRQ_STUB(0x41) IRQ_STUB(0x51) IRQ_STUB(0x61) IRQ_STUB(0x71) IRQ_STUB(0xff)
    "irq_common:\n"
    "\tpush %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n"
    "\tpush %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n"
    "\tmov 72(%rsp), %rdi\n"
    "\tsub $8, %rsp\n\tcld\n\tcall apic_irq\n\tadd $8, %rsp\n"
    "\tpop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n"
    "\tpop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n"
    "\tadd $8, %rsp\n\tiretq\n");
extern char irq_stub_0x41[], irq_stub_0x51[], irq_stub_0x61[], irq_stub_0x71[], irq_stub_0xff[];

static void setup_idt(void)
{
	idt_set_gate(VEC_SELF, irq_stub_0x41, KERNEL_CS64, 0xe, 0);
	idt_set_gate(VEC_TPR, irq_stub_0x51, KERNEL_CS64, 0xe, 0);
	idt_set_gate(VEC_TIMER, irq_stub_0x61, KERNEL_CS64, 0xe, 0);
	idt_set_gate(VEC_X2APIC, irq_stub_0x71, KERNEL_CS64, 0xe, 0);
	idt_set_gate(VEC_SPURIOUS, irq_stub_0xff, KERNEL_CS64, 0xe, 0);
}

static void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

/*
 * Open an interrupt window: an interrupt pending in the IRR is taken after STI's shadow;
 * the bounded wait only gives a VMM that needs an exit to inject it time to do so.
 */
static void irq_window(void)
{
	unsigned before = irq_total;

	asm volatile("sti; nop" ::: "memory");
	for (unsigned i = 0; i < 100000 && irq_total == before; i++)
		asm volatile("pause" ::: "memory");
	asm volatile("cli" ::: "memory");
}

/* HLT until vector has been counted `want` times; STI;HLT closes the wake-up race. */
static void wait_for(unsigned vector, unsigned want)
{
	while (irq_count[vector] < want)
		asm volatile("sti; hlt; cli" ::: "memory");
}

static bool vec_bit(uint32_t base, unsigned vector)
{
	return (apic_read(base + ((vector >> 5) << 4)) >> (vector & 31)) & 1;
}

static void test_id_version(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);
	uint32_t initial_id = cpuid(1).b >> 24, ver = apic_read(APIC_VERSION);

	report((base & ~0xfffull) == APIC_MMIO && (base & APIC_BASE_EN) && !(base & APIC_BASE_EXTD),
	       "IA32_APIC_BASE: xAPIC mode at %#lx (%#llx)", APIC_MMIO, (unsigned long long)base);
	report(apic_read(APIC_ID) >> 24 == initial_id, "APIC ID %u matches CPUID.1:EBX[31:24]",
	       apic_read(APIC_ID) >> 24);
	report((ver & 0xff) >= 0x10 && (ver & 0xff) <= 0x15, "version %#x is an integrated APIC", ver & 0xff);
	report(((ver >> 16) & 0xff) >= 5, "max LVT entry %u (at least 5)", (ver >> 16) & 0xff);
}

static void test_enable(void)
{
	/*
	 * Firmware may have left LINT0 as ExtINT (virtual wire) with a PIC behind it whose
	 * vectors overlap exceptions: mask the LINT inputs, this test is about the APIC alone.
	 */
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_MASKED);
	report((apic_read(APIC_SVR) & 0x1ff) == (SVR_ENABLE | VEC_SPURIOUS),
	       "SVR: software-enabled, spurious vector %#x", VEC_SPURIOUS);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	report(apic_read(APIC_ESR) == 0, "ESR clear after two writes");
}

static void test_tpr_ppr(void)
{
	apic_write(APIC_TPR, 0x20);
	report(apic_read(APIC_TPR) == 0x20 && apic_read(APIC_PPR) == 0x20, "TPR 0x20 gives PPR 0x20 (got %#x)",
	       apic_read(APIC_PPR));
	apic_write(APIC_TPR, 0);
	report(apic_read(APIC_PPR) == 0, "TPR 0: PPR 0");
}

static void self_ipi_icr(uint8_t vector)
{
	apic_write(APIC_ICR_HIGH, 0);
	apic_write(APIC_ICR_LOW, ICR_SELF | ICR_ASSERT | vector);
}

static void test_self_ipi(void)
{
	irq_disable();
	self_ipi_icr(VEC_SELF);
	report(vec_bit(APIC_IRR, VEC_SELF) && irq_count[VEC_SELF] == 0, "self IPI waits in IRR with IF=0");
	report(!(apic_read(APIC_ICR_LOW) & (1u << 12)), "ICR delivery status idle");
	irq_window();
	report(irq_count[VEC_SELF] == 1, "self IPI delivered once IF=1 (count %u)", irq_count[VEC_SELF]);
	report(ppr_in_handler == (VEC_SELF & 0xf0), "PPR in the handler is the in-service class (%#x)",
	       ppr_in_handler);
	report(isr_in_handler & (1u << (VEC_SELF & 31)), "vector in ISR during the handler");
	report(!vec_bit(APIC_ISR, VEC_SELF) && !vec_bit(APIC_IRR, VEC_SELF), "EOI cleared ISR");

	/* TPR blocks a vector of its class or below (SDM 11.8.3.1). */
	apic_write(APIC_TPR, VEC_TPR & 0xf0);
	self_ipi_icr(VEC_TPR);
	irq_window();
	report(irq_count[VEC_TPR] == 0 && vec_bit(APIC_IRR, VEC_TPR), "TPR %#x holds vector %#x in IRR",
	       VEC_TPR & 0xf0, VEC_TPR);
	apic_write(APIC_TPR, (VEC_TPR & 0xf0) - 0x10);
	irq_window();
	report(irq_count[VEC_TPR] == 1, "lowering TPR delivers it");
	apic_write(APIC_TPR, 0);
}

static void test_timer_one_shot(void)
{
	uint32_t c1, c2;

	irq_disable();
	apic_write(APIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
	apic_write(APIC_LVT_TIMER, VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, 200000);
	c1 = apic_read(APIC_TIMER_CURRENT);
	c2 = apic_read(APIC_TIMER_CURRENT);
	report(c1 <= 200000 && c2 <= c1, "current count counts down (%u, %u)", c1, c2);
	wait_for(VEC_TIMER, 1);
	report(irq_count[VEC_TIMER] == 1, "one-shot timer interrupt");
	report(apic_read(APIC_TIMER_CURRENT) == 0, "current count 0 after expiry");
	irq_window();
	report(irq_count[VEC_TIMER] == 1, "one-shot fires once");

	/* Masked: it expires silently. */
	irq_count[VEC_TIMER] = 0;
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, 1000);
	while (apic_read(APIC_TIMER_CURRENT))
		;
	irq_window();
	report(irq_count[VEC_TIMER] == 0 && !vec_bit(APIC_IRR, VEC_TIMER), "masked timer raises nothing");
}

static void test_timer_periodic(void)
{
	irq_disable();
	irq_count[VEC_TIMER] = 0;
	apic_write(APIC_TIMER_DIVIDE, 0x0); /* divide by 2 */
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	report(apic_read(APIC_TIMER_DIVIDE) == 0 && (apic_read(APIC_LVT_TIMER) & 0x700ff) == (LVT_PERIODIC | VEC_TIMER),
	       "periodic mode and divide by 2 programmed");
	apic_write(APIC_TIMER_INITIAL, 100000);
	wait_for(VEC_TIMER, 5);
	report(irq_count[VEC_TIMER] == 5, "periodic timer: 5 interrupts");
	report(apic_read(APIC_TIMER_CURRENT) != 0, "periodic timer still counting");
	apic_write(APIC_TIMER_INITIAL, 0); /* stop */
	report(apic_read(APIC_TIMER_CURRENT) == 0, "initial count 0 stops it");
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

static void test_timer_tsc_deadline(void)
{
	if (!this_cpu_has(X86_FEATURE_TSC_DEADLINE)) {
		report_skip("TSC-deadline timer: CPUID.1:ECX[24] clear");
		return;
	}
	irq_disable();
	irq_count[VEC_TIMER] = 0;
	apic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, 12345);
	if (apic_read(APIC_TIMER_INITIAL) != 0 && cpu_is_qemu_tcg())
		report_skip("initial count in TSC-deadline mode: QEMU TCG stores it");
	else
		report(apic_read(APIC_TIMER_INITIAL) == 0, "initial-count writes ignored in TSC-deadline mode");
	wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + 200000);
	report(rdmsr(MSR_IA32_TSC_DEADLINE) != 0, "IA32_TSC_DEADLINE armed");
	wait_for(VEC_TIMER, 1);
	report(irq_count[VEC_TIMER] == 1, "TSC-deadline interrupt");
	report(rdmsr(MSR_IA32_TSC_DEADLINE) == 0, "IA32_TSC_DEADLINE reads 0 after firing");
	/* A deadline in the past fires at once. */
	wrmsr(MSR_IA32_TSC_DEADLINE, 1);
	wait_for(VEC_TIMER, 2);
	report(irq_count[VEC_TIMER] == 2, "past deadline fires immediately");
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

static void expect_gp(const char *what, int vector)
{
	if (vector == -1 && cpu_is_qemu_tcg()) {
		report_skip("%s: QEMU TCG raises no #GP", what);
		return;
	}
	report(vector == GP_VECTOR, "%s: #GP (vector %d)", what, vector);
}

static void test_x2apic(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE), v;
	uint32_t initial_id = cpuid(1).b >> 24;

	if (!this_cpu_has(X86_FEATURE_X2APIC)) {
		report_skip("x2APIC: CPUID.1:ECX[21] clear");
		return;
	}
	irq_disable();
	expect_gp("x2APIC MSR read in xAPIC mode", rdmsr_safe(MSR_X2APIC(APIC_ID), &v));
	wrmsr(MSR_IA32_APICBASE, base | APIC_BASE_EXTD);
	x2apic_mode = true;
	report(rdmsr(MSR_IA32_APICBASE) & APIC_BASE_EXTD, "IA32_APIC_BASE.EXTD set");
	report(apic_read(APIC_ID) == initial_id, "x2APIC ID %u", apic_read(APIC_ID));
	report((apic_read(APIC_VERSION) & 0xff) >= 0x10, "version via MSR 0x803");
	report(apic_read(APIC_SVR) & SVR_ENABLE, "software enable carried over");
	v = rdmsr(MSR_X2APIC(0xd0));
	report(v == (((uint64_t)(initial_id >> 4) << 16) | (1u << (initial_id & 0xf))),
	       "LDR derived from the x2APIC ID (%#llx)", (unsigned long long)v);
	apic_write(APIC_TPR, 0x30);
	report(apic_read(APIC_PPR) == 0x30, "TPR/PPR via MSRs");
	apic_write(APIC_TPR, 0);

	wrmsr(MSR_X2APIC_SELF_IPI, VEC_X2APIC);
	irq_window();
	report(irq_count[VEC_X2APIC] == 1, "SELF IPI MSR 0x83f delivers");
	wrmsr(MSR_X2APIC(APIC_ICR_LOW), ICR_SELF | ICR_ASSERT | VEC_X2APIC);
	irq_window();
	report(irq_count[VEC_X2APIC] == 2, "64-bit ICR self IPI delivers");

	expect_gp("RDMSR of EOI", rdmsr_safe(MSR_X2APIC(APIC_EOI), &v));
	expect_gp("WRMSR of the ID", wrmsr_safe(MSR_X2APIC(APIC_ID), 0));
	expect_gp("WRMSR of TPR reserved bit 32", wrmsr_safe(MSR_X2APIC(APIC_TPR), 1ull << 32));
	expect_gp("WRMSR of ICR high (0x831)", wrmsr_safe(0x831, 0));
	expect_gp("x2APIC to xAPIC", wrmsr_safe(MSR_IA32_APICBASE, base & ~APIC_BASE_EXTD));

	/* Back through disabled: the APIC comes back in its power-up state. */
	wrmsr(MSR_IA32_APICBASE, base & ~(APIC_BASE_EXTD | APIC_BASE_EN));
	x2apic_mode = false;
	wrmsr(MSR_IA32_APICBASE, base);
	report((rdmsr(MSR_IA32_APICBASE) & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN,
	       "disabled then xAPIC again");
	/* SDM 11.4.3: the APIC "may return" to its power-up state; nestvm's does. */
	report_info("after disable/enable: SVR %#x, LVT timer %#x", apic_read(APIC_SVR),
		    apic_read(APIC_LVT_TIMER));
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, LVT_MASKED);
	self_ipi_icr(VEC_SELF);
	irq_window();
	report(irq_count[VEC_SELF] == 2, "xAPIC self IPI works again");
}

int main(void)
{
	if (!this_cpu_has(X86_FEATURE_APIC)) {
		report_skip("no local APIC: CPUID.1:EDX[9] clear");
		return report_summary();
	}
	setup_idt();
	test_id_version();
	test_enable();
	test_tpr_ppr();
	test_self_ipi();
	test_timer_one_shot();
	test_timer_periodic();
	test_timer_tsc_deadline();
	test_x2apic();
	irq_disable();
	return report_summary();
}
