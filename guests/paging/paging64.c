// SPDX-License-Identifier: MIT
/* 4-level paging: U/S, R/W with CR0.WP, NX with EFER.NXE, SMEP, SMAP with STAC/CLAC, reserved bits, A/D bits, INVLPG, global pages, PCID, 2-MiB pages (SDM Vol. 3A, 4.5 "4-Level Paging", 4.6 "Access Rights", 4.7 "Page-Fault Exceptions", 4.8 "Accessed and Dirty Flags", 4.10 "Caching Translation Information"). */
#include "libcflat.h"
#include "processor.h"
#include "vm.h"

#define TEST_VA 0x400000000000ul /* PML4 slot 128: free in the boot identity map */
#define P PFERR_PRESENT
#define W PFERR_WRITE
#define U PFERR_USER
#define RSVD PFERR_RSVD
#define ID PFERR_FETCH

static uintptr_t cr3;
static uint8_t *page1, *page2;

static void map(uintptr_t va, void *page, uint64_t flags)
{
	pt_map(PT_4LEVEL, cr3, va, (uintptr_t)page, flags, 1);
	invlpg((void *)va);
}

static uint64_t *pte_of(uintptr_t va)
{
	return pt_entry(PT_4LEVEL, cr3, va, 1);
}

static unsigned long rd(unsigned long va)
{
	asm volatile(ASM_TRY("1f") "movb (%0), %%al\n1:" : : "r"(va) : "rax", "memory");
	return exception_vector();
}

static unsigned long wr(unsigned long va)
{
	asm volatile(ASM_TRY("1f") "movb $0x5a, (%0)\n1:" : : "r"(va) : "memory");
	return exception_vector();
}

/* An instruction-fetch #PF has RIP = the target: return to the caller as RET would. */
static void on_fetch_pf(struct ex_regs *regs)
{
	if (regs->rip != ex_last.cr2)
		report_abort("unexpected #PF at %#lx, error %#lx", regs->rip, regs->error_code);
	regs->rip = *(unsigned long *)regs->rsp;
	regs->rsp += 8;
}

static unsigned long ex(unsigned long va)
{
	exception_handler old = handle_exception(PF_VECTOR, on_fetch_pf);

	exception_clear();
	asm volatile("call *%0" : : "r"(va) : "memory", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
	handle_exception(PF_VECTOR, old);
	return exception_vector();
}

static void check(const char *what, unsigned long vector, unsigned long error_code)
{
	bool ok = (int)vector == -1 ? error_code == ~0ul :
		  vector == PF_VECTOR && exception_error_code() == error_code && ex_last.cr2 == TEST_VA;

	if (!ok && (error_code & RSVD) && vector == PF_VECTOR && cpu_is_qemu_tcg() &&
	    exception_error_code() == (error_code & ~P)) {
		report_skip("%s: QEMU TCG clears P in reserved-bit #PF error codes (%#lx)", what,
			    exception_error_code());
		return;
	}
	report(ok, "%s: vector %ld error %#lx (want %s %#lx)", what, (long)(int)vector,
	       (int)vector == -1 ? 0 : exception_error_code(), error_code == ~0ul ? "none" : "#PF",
	       error_code == ~0ul ? 0 : error_code);
}

#define NONE (~0ul)

static void test_us_rw(void)
{
	map(TEST_VA, page1, 0);
	check("CPL0 read of a supervisor page", rd(TEST_VA), NONE);
	check("CPL3 read of a supervisor page", run_in_user(rd, TEST_VA), P | U);
	map(TEST_VA, page1, PT_USER);
	check("CPL3 read of a user page", run_in_user(rd, TEST_VA), NONE);
	check("CPL3 write of a read-only user page", run_in_user(wr, TEST_VA), P | W | U);
	check("CPL0 write of a read-only page, CR0.WP=0", wr(TEST_VA), NONE);
	write_cr0(read_cr0() | X86_CR0_WP);
	check("CPL0 write of a read-only page, CR0.WP=1", wr(TEST_VA), P | W);
	write_cr0(read_cr0() & ~X86_CR0_WP);
	map(TEST_VA, page1, PT_USER | PT_WRITABLE);
	check("CPL3 write of a writable user page", run_in_user(wr, TEST_VA), NONE);
	pt_unmap(PT_4LEVEL, cr3, TEST_VA);
	invlpg((void *)TEST_VA);
	check("CPL3 write of a not-present page", run_in_user(wr, TEST_VA), W | U);
}

static void test_nx_rsvd(void)
{
	unsigned maxphy = cpuid(0x80000000).a >= 0x80000008 ? cpuid(0x80000008).a & 0xff : 36;

	page1[0] = 0xc3; /* RET */
	map(TEST_VA, page1, PT_WRITABLE);
	check("fetch from an executable page", ex(TEST_VA), NONE);
	if (!this_cpu_has(X86_FEATURE_NX)) {
		report_skip("NX not in CPUID");
	} else {
		map(TEST_VA, page1, PT_WRITABLE | PT_NX);
		check("NX page with EFER.NXE=0: bit 63 is reserved", rd(TEST_VA), P | RSVD);
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		check("fetch from an NX page", ex(TEST_VA), P | ID);
		check("read of an NX page", rd(TEST_VA), NONE);
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);
	}
	if (maxphy < 52) {
		map(TEST_VA, page1, PT_WRITABLE);
		*pte_of(TEST_VA) |= 1ull << maxphy;
		invlpg((void *)TEST_VA);
		check("PTE bit at MAXPHYADDR is reserved", wr(TEST_VA), P | W | RSVD);
		map(TEST_VA, page1, PT_WRITABLE);
		*(uint64_t *)pt_entry(PT_4LEVEL, cr3, TEST_VA, 2) |= 1ull << maxphy;
		invlpg((void *)TEST_VA);
		check("PDE bit at MAXPHYADDR is reserved", rd(TEST_VA), P | RSVD);
		*(uint64_t *)pt_entry(PT_4LEVEL, cr3, TEST_VA, 2) &= ~(1ull << maxphy);
	} else {
		report_skip("MAXPHYADDR is 52: no reserved address bits");
	}
	map(TEST_VA, page1, PT_WRITABLE);
	*(uint64_t *)pt_entry(PT_4LEVEL, cr3, TEST_VA, 4) |= PT_PAGE_SIZE;
	invlpg((void *)TEST_VA);
	check("PS=1 in a PML4E is reserved", rd(TEST_VA), P | RSVD);
	*(uint64_t *)pt_entry(PT_4LEVEL, cr3, TEST_VA, 4) &= ~PT_PAGE_SIZE;
	invlpg((void *)TEST_VA);
}

/* With the identity map made supervisor-only (PML4[0].U=0), the test page is the only user page. */
static void test_smep_smap(void)
{
	uint64_t *pml4 = (uint64_t *)cr3;

	page1[0] = 0xc3;
	map(TEST_VA, page1, PT_USER | PT_WRITABLE);
	pml4[0] &= ~PT_USER;
	write_cr3(cr3);
	if (!this_cpu_has(X86_FEATURE_SMEP)) {
		report_skip("SMEP not in CPUID");
	} else {
		check("CPL0 fetch from a user page, SMEP off", ex(TEST_VA), NONE);
		write_cr4(read_cr4() | X86_CR4_SMEP);
		check("CPL0 fetch from a user page, SMEP on", ex(TEST_VA), P | ID);
		check("CPL0 read of a user page, SMEP on", rd(TEST_VA), NONE);
		write_cr4(read_cr4() & ~X86_CR4_SMEP);
	}
	if (!this_cpu_has(X86_FEATURE_SMAP)) {
		report_skip("SMAP not in CPUID");
	} else {
		write_cr4(read_cr4() | X86_CR4_SMAP);
		clac();
		check("CPL0 read of a user page, SMAP on, AC=0", rd(TEST_VA), P);
		check("CPL0 write of a user page, SMAP on, AC=0", wr(TEST_VA), P | W);
		stac();
		check("CPL0 read of a user page, SMAP on, after STAC", rd(TEST_VA), NONE);
		clac();
		write_cr4(read_cr4() & ~X86_CR4_SMAP);
		check("CPL0 read of a user page, SMAP off", rd(TEST_VA), NONE);
	}
	pml4[0] |= PT_USER;
	write_cr3(cr3);
}

static void test_accessed_dirty(void)
{
	uint64_t *pte;

	map(TEST_VA, page1, PT_WRITABLE);
	pte = pte_of(TEST_VA);
	report(!(*pte & (PT_ACCESSED | PT_DIRTY)), "new PTE has A=0 D=0");
	rd(TEST_VA);
	report((*pte & (PT_ACCESSED | PT_DIRTY)) == PT_ACCESSED, "read sets A only (PTE %#llx)",
	       (unsigned long long)*pte);
	report(*(uint64_t *)pt_entry(PT_4LEVEL, cr3, TEST_VA, 2) & PT_ACCESSED, "read sets A in the PDE");
	wr(TEST_VA);
	report((*pte & (PT_ACCESSED | PT_DIRTY)) == (PT_ACCESSED | PT_DIRTY), "write sets D");
	*pte &= ~(PT_ACCESSED | PT_DIRTY);
	invlpg((void *)TEST_VA);
	map(TEST_VA, page1, 0);
	pte = pte_of(TEST_VA);
	write_cr0(read_cr0() | X86_CR0_WP);
	wr(TEST_VA);
	write_cr0(read_cr0() & ~X86_CR0_WP);
	report(!(*pte & PT_DIRTY), "a faulting write does not set D");
}

static void test_tlb(void)
{
	page1[0x100] = 0x11;
	page2[0x100] = 0x22;
	map(TEST_VA, page1, PT_WRITABLE);
	report(*(volatile uint8_t *)(TEST_VA + 0x100) == 0x11, "mapping of page 1 reads 0x11");
	*pte_of(TEST_VA) = (uintptr_t)page2 | PT_PRESENT | PT_WRITABLE;
	invlpg((void *)TEST_VA);
	report(*(volatile uint8_t *)(TEST_VA + 0x100) == 0x22, "after INVLPG the new PTE is used");
	*pte_of(TEST_VA) = 0;
	invlpg((void *)TEST_VA);
	check("after INVLPG a cleared PTE faults", rd(TEST_VA), 0);

	if (!this_cpu_has(X86_FEATURE_PGE)) {
		report_skip("PGE not in CPUID");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_PGE);
	map(TEST_VA, page1, PT_WRITABLE | PT_GLOBAL);
	rd(TEST_VA);
	*pte_of(TEST_VA) = (uintptr_t)page2 | PT_PRESENT | PT_WRITABLE | PT_GLOBAL;
	write_cr4(read_cr4() & ~X86_CR4_PGE); /* flushes global entries too (SDM Vol. 3A, 4.10.4.1) */
	report(*(volatile uint8_t *)(TEST_VA + 0x100) == 0x22, "clearing CR4.PGE flushes global translations");
}

static void test_pcid(void)
{
	unsigned long cr4 = read_cr4();

	if (!this_cpu_has(X86_FEATURE_PCID)) {
		report_skip("PCID not in CPUID");
		return;
	}
	write_cr3(cr3 | 1);
	report(write_cr4_safe(cr4 | X86_CR4_PCIDE) == GP_VECTOR && exception_error_code() == 0,
	       "setting CR4.PCIDE with CR3[11:0] != 0: #GP(0)");
	write_cr3(cr3);
	report(write_cr4_safe(cr4 | X86_CR4_PCIDE) == -1, "setting CR4.PCIDE with PCID 0 works");
	page1[0x100] = 0x11;
	page2[0x100] = 0x22;
	map(TEST_VA, page1, PT_WRITABLE);
	write_cr3(cr3 | 5);
	report(*(volatile uint8_t *)(TEST_VA + 0x100) == 0x11 && (read_cr3() & 0xfff) == 5,
	       "runs with PCID 5 in CR3");
	*pte_of(TEST_VA) = (uintptr_t)page2 | PT_PRESENT | PT_WRITABLE;
	write_cr3(cr3 | 5); /* bit 63 clear: flushes PCID 5 */
	report(*(volatile uint8_t *)(TEST_VA + 0x100) == 0x22, "MOV CR3 without bit 63 flushes the PCID");
	report(write_cr3_safe(cr3 | 5 | (1ul << 63)) == -1 && !(read_cr3() >> 63),
	       "MOV CR3 with bit 63 (no flush) is accepted; bit 63 is not stored");
	write_cr3(cr3);
	write_cr4(cr4);
}

static void test_large_page(void)
{
	uint8_t *big = (uint8_t *)(((uintptr_t)page2 + PAGE_SIZE_2M) & ~(PAGE_SIZE_2M - 1));

	big[0x1234] = 0x77;
	pt_map(PT_4LEVEL, cr3, TEST_VA + PAGE_SIZE_2M, (uintptr_t)big, PT_WRITABLE, 2);
	invlpg((void *)(TEST_VA + PAGE_SIZE_2M + 0x1234));
	report(*(volatile uint8_t *)(TEST_VA + PAGE_SIZE_2M + 0x1234) == 0x77, "2-MiB page maps offset 0x1234");
}

int main(void)
{
	cr3 = read_cr3();
	page1 = alloc_page();
	page2 = alloc_page();
	test_us_rw();
	test_nx_rsvd();
	test_smep_smap();
	test_accessed_dirty();
	test_tlb();
	test_pcid();
	test_large_page();
	return report_summary();
}
