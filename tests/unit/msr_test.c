/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of msr.c: RDMSR/WRMSR validity (SDM Vol. 4, Table 2-2) and the checks of
 * MOV to CR0, CR3, CR4, CR8 (SDM Vol. 2B "MOV—Move to/from Control Registers", Vol. 3A
 * 2.5, 4.4.1, 10.8.5).
 */
#include "hw/cpu.h"
#include "hw/msr.h"
#include "test.h"

/* Test machine, defined in sys_test.c. */
struct cpu *sys_test_cpu(enum cpu_mode mode);
void sys_test_free(struct cpu *cpu);
void sys_test_set_cpl(struct cpu *cpu, unsigned cpl);
uint64_t sys_test_peek(struct cpu *cpu, uint64_t gpa, unsigned size);
void sys_test_poke(struct cpu *cpu, uint64_t gpa, unsigned size, uint64_t v);

static bool is_gp0(const struct cpu *cpu, enum exec_status st)
{
	return st == EXEC_FAULT && cpu->fault.vector == VEC_GP && cpu->fault.has_error &&
	       cpu->fault.error == 0;
}

TEST(msr, unknown_msr_is_gp0)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	uint64_t v = 0x55;

	ASSERT_TRUE(is_gp0(cpu, msr_read(cpu, 0x12345678, &v)));
	ASSERT_EQ(0x55, v);
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, 0xc0000105, 0)));
	ASSERT_TRUE(is_gp0(cpu, msr_read(cpu, 0x1b, &v))); /* APIC base: L0's, not hw/'s */
	sys_test_free(cpu);
}

TEST(msr, efer_reserved_lma_readonly_lme_locked)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t v;

	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_EFER, 1ull << 1)));
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_EFER, 1ull << 12))); /* SVME: AMD */
	/* LMA cannot be written. */
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_EFER, EFER_SCE | EFER_LMA | EFER_NXE));
	ASSERT_EQ(EXEC_OK, msr_read(cpu, MSR_IA32_EFER, &v));
	ASSERT_EQ(EFER_SCE | EFER_NXE, v);
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_EFER, EFER_LME));
	sys_test_free(cpu);

	/* With paging on, LME is locked; LMA survives other writes. */
	cpu = sys_test_cpu(MODE_LONG64);
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_EFER, 0)));
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_EFER, EFER_LME | EFER_SCE));
	ASSERT_EQ(EFER_LME | EFER_LMA | EFER_SCE, cpu->efer);
	sys_test_free(cpu);
}

TEST(msr, canonical_addresses)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);
	static const uint32_t msrs[] = {
		MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, MSR_IA32_KERNEL_GS_BASE, MSR_IA32_LSTAR,
		MSR_IA32_CSTAR, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	uint64_t v;

	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, msrs[i], 0x0000800000000000ull)));
		ASSERT_EQ(EXEC_OK, msr_write(cpu, msrs[i], 0xffff800000000000ull + i));
		ASSERT_EQ(EXEC_OK, msr_read(cpu, msrs[i], &v));
		ASSERT_EQ(0xffff800000000000ull + i, v);
	}
	ASSERT_EQ(0xffff800000000000ull, cpu->seg[SEG_FS].base);
	ASSERT_EQ(0xffff800000000001ull, cpu->seg[SEG_GS].base);
	/* With CR4.LA57, 57-bit addresses are canonical. */
	cpu->cr4 |= CR4_LA57;
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_FS_BASE, 0x0000800000000000ull));
	sys_test_free(cpu);
}

TEST(msr, pat_entries)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t v;

	ASSERT_EQ(EXEC_OK, msr_read(cpu, MSR_IA32_PAT, &v));
	ASSERT_EQ(0x0007040600070406ull, v);
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_PAT, 0x0706050401000706ull));
	ASSERT_EQ(0x0706050401000706ull, cpu->msr.pat);
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_PAT, 0x0000000000000002ull)));
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_PAT, 0x0300000000000000ull)));
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_PAT, 0x0000000000080000ull)));
	ASSERT_EQ(0x0706050401000706ull, cpu->msr.pat);
	sys_test_free(cpu);
}

TEST(msr, reserved_bits_of_the_others)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t v;

	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_TSC_AUX, 1ull << 32)));
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_TSC_AUX, 0xffffffff));
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_SPEC_CTRL, 1ull << 3)));
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_SPEC_CTRL, SPEC_CTRL_IBRS | SPEC_CTRL_SSBD));
	ASSERT_TRUE(is_gp0(cpu, msr_write(cpu, MSR_IA32_DEBUGCTL, 1ull << 6)));
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_DEBUGCTL, DEBUGCTL_BTF));
	/* TSC: RDMSR and WRMSR see cpu->tsc. */
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_TSC, 0x123456789ull));
	ASSERT_EQ(0x123456789ull, cpu->tsc);
	ASSERT_EQ(EXEC_OK, msr_read(cpu, MSR_IA32_TSC, &v));
	ASSERT_EQ(0x123456789ull, v);
	/* STAR takes any value; FMASK keeps 32 bits. */
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_STAR, ~0ull));
	ASSERT_EQ(EXEC_OK, msr_write(cpu, MSR_IA32_FMASK, ~0ull));
	ASSERT_EQ(0xffffffff, cpu->msr.fmask);
	sys_test_free(cpu);
}

TEST(msr, cr0_invalid_combinations)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t base = CR0_PE | CR0_ET | CR0_NE;

	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, CR0_PG | CR0_ET)));          /* PG without PE */
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, base | CR0_NW)));            /* NW without CD */
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, base | (1ull << 32))));      /* upper half */
	ASSERT_EQ(base, cpu->cr0);
	/* Reserved bits of CR0[31:0] are ignored; ET reads as 1. */
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 0, CR0_PE | (1ull << 8) | CR0_CD | CR0_NW));
	ASSERT_EQ(CR0_PE | CR0_ET | CR0_CD | CR0_NW, cpu->cr0);
	/* Clearing PE returns to real mode. */
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 0, CR0_ET));
	ASSERT_EQ(MODE_REAL, cpu->mode);
	sys_test_free(cpu);
}

TEST(msr, cr0_ia32e_activation_and_exit)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t cr0 = CR0_PE | CR0_ET | CR0_NE;

	/* PML4 at 1000h for the activation (contents not needed here). */
	cpu->cr3 = 0x1000;
	cpu->efer = EFER_LME;
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, cr0 | CR0_PG))); /* CR4.PAE = 0 */
	ASSERT_EQ(0, cpu->efer & EFER_LMA);
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 4, CR4_PAE));
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 0, cr0 | CR0_PG));
	ASSERT_EQ(EFER_LME | EFER_LMA, cpu->efer);
	ASSERT_EQ(MODE_COMPAT32, cpu->mode);
	/* In IA-32e mode: PAE cannot be cleared, LA57 cannot change. */
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, 0)));
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, CR4_PAE | CR4_LA57)));
	/* Leaving from compatibility mode clears LMA. */
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 0, cr0));
	ASSERT_EQ(EFER_LME, cpu->efer);
	ASSERT_EQ(MODE_PROT32, cpu->mode);
	sys_test_free(cpu);

	/* In 64-bit mode, PG cannot be cleared. */
	cpu = sys_test_cpu(MODE_LONG64);
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, cr0)));
	ASSERT_TRUE(cpu->cr0 & CR0_PG);
	sys_test_free(cpu);
}

TEST(msr, cr0_cr3_pae_pdpte_loads)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);
	uint64_t cr0 = CR0_PE | CR0_ET | CR0_NE;

	sys_test_poke(cpu, 0x4000, 8, 0x5001);
	sys_test_poke(cpu, 0x4008, 8, 0x6001);
	sys_test_poke(cpu, 0x4020, 8, 0x7001 | (1ull << 1)); /* reserved bit 1 */
	cpu->cr3 = 0x4020;
	cpu->cr4 = CR4_PAE;
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 0, cr0 | CR0_PG)));
	ASSERT_FALSE(cpu->cr0 & CR0_PG);
	cpu->cr3 = 0x4000;
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 0, cr0 | CR0_PG));
	ASSERT_EQ(0x5001, cpu->pdpte[0]);
	ASSERT_EQ(0x6001, cpu->pdpte[1]);
	/* MOV to CR3 reloads them, and fails as a whole. */
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 3, 0x4020)));
	ASSERT_EQ(0x4000, cpu->cr3);
	sys_test_poke(cpu, 0x4020, 8, 0x8001);
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 3, 0x4020));
	ASSERT_EQ(0x8001, cpu->pdpte[0]);
	sys_test_free(cpu);
}

TEST(msr, cr4_reserved_and_pcide)
{
	struct cpu *cpu = sys_test_cpu(MODE_PROT32);

	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, CR4_PKE)));
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, CR4_SMXE)));
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, 1ull << 32)));
	/* PCIDE outside IA-32e mode. */
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, CR4_PCIDE)));
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 4, CR4_UMIP | CR4_OSXSAVE | CR4_FSGSBASE));
	sys_test_free(cpu);

	cpu = sys_test_cpu(MODE_LONG64);
	cpu->cr3 = 0x1005;
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 4, CR4_PAE | CR4_PCIDE))); /* CR3[11:0] != 0 */
	cpu->cr3 = 0x1000;
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 4, CR4_PAE | CR4_PCIDE));
	/* With PCIDE: bit 63 is "no flush", not stored; CR0.PG cannot be cleared. */
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 3, (1ull << 63) | 0x1003));
	ASSERT_EQ(0x1003, cpu->cr3);
	sys_test_free(cpu);
}

TEST(msr, cr3_cr8_reserved_bits)
{
	struct cpu *cpu = sys_test_cpu(MODE_LONG64);

	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 3, 1ull << MSR_MAXPHYADDR)));
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 3, (1ull << 63) | 0x1000))); /* no PCIDE */
	ASSERT_EQ(0x1000, cpu->cr3);
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 3, 0x1018)); /* PWT, PCD */
	ASSERT_EQ(0x1018, cpu->cr3);
	ASSERT_TRUE(is_gp0(cpu, msr_write_cr(cpu, 8, 0x10)));
	ASSERT_EQ(EXEC_OK, msr_write_cr(cpu, 8, 0x9));
	ASSERT_EQ(0x9, msr_read_cr(cpu, 8));
	sys_test_free(cpu);
}
