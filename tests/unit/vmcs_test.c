/* SPDX-License-Identifier: MIT */
/* Unit tests of the VMCS field table and VMREAD/VMWRITE-style access (hw/vmx/vmcs.c). */
#include <string.h>

#include "hw/vmx/vmcs.h"
#include "hw/vmx/vmx_arch.h"
#include "test.h"

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Encodings from SDM Vol. 3D, Appendix B. */
TEST(vmcs, sdm_encodings)
{
	ASSERT_EQ(0x0000, VIRTUAL_PROCESSOR_ID);
	ASSERT_EQ(0x0800, GUEST_ES_SELECTOR);
	ASSERT_EQ(0x0c0c, HOST_TR_SELECTOR);
	ASSERT_EQ(0x2000, IO_BITMAP_A);
	ASSERT_EQ(0x2004, MSR_BITMAP);
	ASSERT_EQ(0x2010, TSC_OFFSET);
	ASSERT_EQ(0x201a, EPT_POINTER);
	ASSERT_EQ(0x2400, GUEST_PHYSICAL_ADDRESS);
	ASSERT_EQ(0x2800, VMCS_LINK_POINTER);
	ASSERT_EQ(0x2806, GUEST_IA32_EFER);
	ASSERT_EQ(0x2c04, HOST_IA32_PERF_GLOBAL_CTRL);
	ASSERT_EQ(0x4000, PIN_BASED_VM_EXEC_CONTROL);
	ASSERT_EQ(0x4002, CPU_BASED_VM_EXEC_CONTROL);
	ASSERT_EQ(0x4004, EXCEPTION_BITMAP);
	ASSERT_EQ(0x400c, VM_EXIT_CONTROLS);
	ASSERT_EQ(0x4012, VM_ENTRY_CONTROLS);
	ASSERT_EQ(0x4016, VM_ENTRY_INTR_INFO_FIELD);
	ASSERT_EQ(0x401e, SECONDARY_VM_EXEC_CONTROL);
	ASSERT_EQ(0x4400, VM_INSTRUCTION_ERROR);
	ASSERT_EQ(0x4402, VM_EXIT_REASON);
	ASSERT_EQ(0x4408, IDT_VECTORING_INFO_FIELD);
	ASSERT_EQ(0x440e, VMX_INSTRUCTION_INFO);
	ASSERT_EQ(0x4814, GUEST_ES_AR_BYTES);
	ASSERT_EQ(0x4824, GUEST_INTERRUPTIBILITY_INFO);
	ASSERT_EQ(0x4826, GUEST_ACTIVITY_STATE);
	ASSERT_EQ(0x482e, VMX_PREEMPTION_TIMER_VALUE);
	ASSERT_EQ(0x4c00, HOST_IA32_SYSENTER_CS);
	ASSERT_EQ(0x6000, CR0_GUEST_HOST_MASK);
	ASSERT_EQ(0x6004, CR0_READ_SHADOW);
	ASSERT_EQ(0x6400, EXIT_QUALIFICATION);
	ASSERT_EQ(0x640a, GUEST_LINEAR_ADDRESS);
	ASSERT_EQ(0x6800, GUEST_CR0);
	ASSERT_EQ(0x681e, GUEST_RIP);
	ASSERT_EQ(0x6820, GUEST_RFLAGS);
	ASSERT_EQ(0x6c16, HOST_RIP);
}

TEST(vmcs, field_count)
{
	ASSERT_EQ(199, vmcs_field_count());
	ASSERT_TRUE(vmcs_field_at(vmcs_field_count()) == NULL);
	ASSERT_TRUE(vmcs_field_at(0) != NULL);
}

/* Every row: unique, found again by its encoding, class from the type bits. */
TEST(vmcs, table_consistent)
{
	for (unsigned i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_desc *f = vmcs_field_at(i);

		ASSERT_TRUE(vmcs_field_lookup(f->encoding) == f);
		ASSERT_EQ(vmcs_encoding_class(f->encoding), f->class);
		ASSERT_TRUE(str_eq(vmcs_field_name(f->encoding), f->name));
		ASSERT_EQ(vmcs_encoding_width(f->encoding) == VMCS_WIDTH_64, f->name_high != NULL);
		ASSERT_EQ(f->class == VMCS_CLASS_RO, vmcs_field_read_only(f->encoding));
		ASSERT_TRUE(f->offset >= 8);
		ASSERT_TRUE(f->offset + vmcs_width_bytes(vmcs_encoding_width(f->encoding)) <=
			    sizeof(struct vmcs));
		for (unsigned j = 0; j < i; j++) {
			ASSERT_TRUE(vmcs_field_at(j)->encoding != f->encoding);
			ASSERT_FALSE(str_eq(vmcs_field_at(j)->name, f->name));
		}
	}
}

/* Writing all ones to one field sets exactly that field's bytes. */
TEST(vmcs, members_disjoint)
{
	static struct vmcs v;

	for (unsigned i = 0; i < vmcs_field_count(); i++) {
		const struct vmcs_field_desc *f = vmcs_field_at(i);
		unsigned size = vmcs_width_bytes(vmcs_encoding_width(f->encoding));
		const unsigned char *b = (const unsigned char *)&v;
		unsigned set = 0;

		memset(&v, 0, sizeof(v));
		vmcs_write(&v, f->encoding, ~0ULL);
		for (size_t k = 0; k < sizeof(v); k++) {
			if (b[k]) {
				ASSERT_TRUE(k >= f->offset && k < f->offset + size);
				set++;
			}
		}
		ASSERT_EQ(size, set);
	}
}

TEST(vmcs, round_trip_16)
{
	struct vmcs v = {0};

	vmcs_write(&v, GUEST_CS_SELECTOR, 0x0010);
	ASSERT_EQ(0x0010, vmcs_read(&v, GUEST_CS_SELECTOR));
	ASSERT_EQ(0x0010, v.guest_cs_selector);
	vmcs_write(&v, VIRTUAL_PROCESSOR_ID, 0xfedcba9876543210ULL);
	ASSERT_EQ(0x3210, vmcs_read(&v, VIRTUAL_PROCESSOR_ID));
	ASSERT_EQ(0x3210, v.virtual_processor_id);
	ASSERT_EQ(2, sizeof(v.host_tr_selector));
}

TEST(vmcs, round_trip_32)
{
	struct vmcs v = {0};

	vmcs_write(&v, EXCEPTION_BITMAP, 0x00060000);
	ASSERT_EQ(0x00060000, vmcs_read(&v, EXCEPTION_BITMAP));
	vmcs_write(&v, VM_EXIT_REASON, 0xabcdef0180000021ULL);
	ASSERT_EQ(0x80000021, vmcs_read(&v, VM_EXIT_REASON));
	ASSERT_EQ(0x80000021, v.vm_exit_reason);
	ASSERT_EQ(4, sizeof(v.guest_es_ar_bytes));
}

TEST(vmcs, round_trip_64)
{
	struct vmcs v = {0};

	vmcs_write(&v, EPT_POINTER, 0x0000000123456000ULL | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4);
	ASSERT_EQ(0x000000012345601eULL, vmcs_read(&v, EPT_POINTER));
	ASSERT_EQ(0x000000012345601eULL, v.ept_pointer);
	vmcs_write(&v, VMCS_LINK_POINTER, ~0ULL);
	ASSERT_EQ(~0ULL, vmcs_read(&v, VMCS_LINK_POINTER));
	ASSERT_EQ(8, sizeof(v.tsc_offset));
}

TEST(vmcs, round_trip_natural)
{
	struct vmcs v = {0};

	vmcs_write(&v, GUEST_RIP, 0xffffffff81000000ULL);
	ASSERT_EQ(0xffffffff81000000ULL, vmcs_read(&v, GUEST_RIP));
	ASSERT_EQ(0xffffffff81000000ULL, v.guest_rip);
	v.host_cr3 = 0x1000;
	ASSERT_EQ(0x1000, vmcs_read(&v, HOST_CR3));
	ASSERT_EQ(8, sizeof(v.exit_qualification));
}

/* SDM 25.11.2: a HIGH access reads or writes bits 63:32 through bits 31:0. */
TEST(vmcs, high_access)
{
	struct vmcs v = {0};

	vmcs_write(&v, TSC_OFFSET, 0x1111222233334444ULL);
	ASSERT_EQ(0x11112222, vmcs_read(&v, vmcs_encoding_high(TSC_OFFSET)));
	vmcs_write(&v, vmcs_encoding_high(TSC_OFFSET), 0xaaaaaaaabbbbccccULL);
	ASSERT_EQ(0xbbbbcccc33334444ULL, vmcs_read(&v, TSC_OFFSET));
	ASSERT_EQ(0xbbbbcccc, vmcs_read(&v, vmcs_encoding_high(TSC_OFFSET)));
	vmcs_write(&v, TSC_OFFSET, 0x5555);
	ASSERT_EQ(0, vmcs_read(&v, vmcs_encoding_high(TSC_OFFSET)));
	ASSERT_TRUE(vmcs_field_exists(0x2011));
	ASSERT_TRUE(vmcs_field_exists(vmcs_encoding_high(GUEST_PHYSICAL_ADDRESS)));
	ASSERT_TRUE(vmcs_field_read_only(vmcs_encoding_high(GUEST_PHYSICAL_ADDRESS)));
}

/* Access type HIGH exists only for 64-bit fields. */
TEST(vmcs, high_of_other_widths)
{
	ASSERT_FALSE(vmcs_field_exists(vmcs_encoding_high(GUEST_ES_SELECTOR)));
	ASSERT_FALSE(vmcs_field_exists(vmcs_encoding_high(VM_EXIT_REASON)));
	ASSERT_FALSE(vmcs_field_exists(vmcs_encoding_high(GUEST_RIP)));
	ASSERT_FALSE(vmcs_field_exists(vmcs_encoding_high(CR0_READ_SHADOW)));
}

TEST(vmcs, nonexistent)
{
	static struct vmcs v, before;
	static const uint32_t bad[] = {
		0x682e,             /* natural guest, index 0x17: unused */
		0x2046,             /* 64-bit control, index 0x23: unused */
		0x4402 | 0x1000,    /* bit 12 reserved */
		0x681e | 0x8000,    /* bit 15 reserved */
		0x0001681e,         /* bits 31:15 reserved */
		0x6880,             /* index 64: beyond any field */
		0x6bfe,             /* index 511 */
		0xffffffff,
	};

	memset(&v, 0x5a, sizeof(v));
	before = v;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_FALSE(vmcs_field_exists(bad[i]));
		ASSERT_TRUE(vmcs_field_lookup(bad[i]) == NULL);
		ASSERT_FALSE(vmcs_field_read_only(bad[i]));
		ASSERT_TRUE(vmcs_field_name(bad[i]) == NULL);
		ASSERT_EQ(0, vmcs_read(&v, bad[i]));
		vmcs_write(&v, bad[i], ~0ULL);
		ASSERT_TRUE(memcmp(&v, &before, sizeof(v)) == 0);
	}
}

TEST(vmcs, read_only_class)
{
	ASSERT_TRUE(vmcs_field_read_only(VM_INSTRUCTION_ERROR));
	ASSERT_TRUE(vmcs_field_read_only(VM_EXIT_REASON));
	ASSERT_TRUE(vmcs_field_read_only(VM_EXIT_INTR_INFO));
	ASSERT_TRUE(vmcs_field_read_only(IDT_VECTORING_INFO_FIELD));
	ASSERT_TRUE(vmcs_field_read_only(EXIT_QUALIFICATION));
	ASSERT_TRUE(vmcs_field_read_only(IO_RIP));
	ASSERT_TRUE(vmcs_field_read_only(GUEST_LINEAR_ADDRESS));
	ASSERT_TRUE(vmcs_field_read_only(GUEST_PHYSICAL_ADDRESS));
	ASSERT_FALSE(vmcs_field_read_only(VM_ENTRY_INTR_INFO_FIELD));
	ASSERT_FALSE(vmcs_field_read_only(GUEST_RIP));
	ASSERT_FALSE(vmcs_field_read_only(HOST_RIP));
	ASSERT_FALSE(vmcs_field_read_only(PIN_BASED_VM_EXEC_CONTROL));
}

TEST(vmcs, names)
{
	ASSERT_TRUE(str_eq("GUEST_RIP", vmcs_field_name(GUEST_RIP)));
	ASSERT_TRUE(str_eq("VM_EXIT_REASON", vmcs_field_name(0x4402)));
	ASSERT_TRUE(str_eq("EPT_POINTER", vmcs_field_name(0x201a)));
	ASSERT_TRUE(str_eq("EPT_POINTER_HIGH", vmcs_field_name(0x201b)));
	ASSERT_TRUE(str_eq("GUEST_ES_SELECTOR", vmcs_field_name(0x0800)));
	ASSERT_TRUE(str_eq("HOST_RIP", vmcs_field_name(0x6c16)));
	ASSERT_TRUE(vmcs_field_name(0x6c17) == NULL);
}

TEST(vmcs, features)
{
	const struct vmcs_field_desc *f = vmcs_field_lookup(EPT_POINTER);

	ASSERT_EQ(VMCS_FEATURE_EPT, f->feature);
	ASSERT_FALSE(vmcs_field_exists_for(EPT_POINTER, 0));
	ASSERT_TRUE(vmcs_field_exists_for(EPT_POINTER, vmcs_feature_bit(VMCS_FEATURE_EPT)));
	ASSERT_TRUE(vmcs_field_exists_for(vmcs_encoding_high(EPT_POINTER),
					  vmcs_feature_bit(VMCS_FEATURE_EPT)));
	ASSERT_TRUE(vmcs_field_exists_for(GUEST_RIP, 0));
	ASSERT_FALSE(vmcs_field_exists_for(VMX_PREEMPTION_TIMER_VALUE, 0));
	ASSERT_FALSE(vmcs_field_exists_for(0x682e, ~0ULL));
	ASSERT_EQ(VMCS_FEATURE_VPID, vmcs_field_lookup(VIRTUAL_PROCESSOR_ID)->feature);
	ASSERT_EQ(VMCS_FEATURE_SHADOW_VMCS, vmcs_field_lookup(VMREAD_BITMAP)->feature);
	ASSERT_EQ(VMCS_FEATURE_PML, vmcs_field_lookup(GUEST_PML_INDEX)->feature);
}

/* Shadowable fields are exactly KVM's vmcs_shadow_fields.h list (35 fields). */
TEST(vmcs, shadowable)
{
	unsigned n = 0;

	for (unsigned i = 0; i < vmcs_field_count(); i++)
		n += vmcs_field_at(i)->shadowable;
	ASSERT_EQ(35, n);
	ASSERT_TRUE(vmcs_field_lookup(GUEST_RIP)->shadowable);
	ASSERT_TRUE(vmcs_field_lookup(VM_EXIT_REASON)->shadowable);
	ASSERT_TRUE(vmcs_field_lookup(GUEST_PHYSICAL_ADDRESS)->shadowable);
	ASSERT_FALSE(vmcs_field_lookup(GUEST_ES_BASE)->shadowable);
	ASSERT_FALSE(vmcs_field_lookup(VM_INSTRUCTION_ERROR)->shadowable);
}

/* VMREAD/VMWRITE failures (SDM 31.3): unsupported component 12, read-only 13. */
TEST(vmcs, access_errors)
{
	uint64_t ept = vmcs_feature_bit(VMCS_FEATURE_EPT);

	ASSERT_EQ(0, vmcs_access_error(GUEST_RIP, false, 0, false));
	ASSERT_EQ(0, vmcs_access_error(GUEST_RIP, true, 0, false));
	ASSERT_EQ(0, vmcs_access_error(VM_EXIT_REASON, false, 0, false));
	ASSERT_EQ(VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT,
		  vmcs_access_error(VM_EXIT_REASON, true, 0, false));
	ASSERT_EQ(0, vmcs_access_error(VM_EXIT_REASON, true, 0, true));
	ASSERT_EQ(VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT,
		  vmcs_access_error(vmcs_encoding_high(GUEST_PHYSICAL_ADDRESS), true, ept, false));
	ASSERT_EQ(VMXERR_UNSUPPORTED_VMCS_COMPONENT,
		  vmcs_access_error(GUEST_PHYSICAL_ADDRESS, false, 0, false));
	ASSERT_EQ(VMXERR_UNSUPPORTED_VMCS_COMPONENT,
		  vmcs_access_error(0x100000000ULL | GUEST_RIP, false, 0, false));
	ASSERT_EQ(VMXERR_UNSUPPORTED_VMCS_COMPONENT, vmcs_access_error(0x682e, true, ~0ULL, true));
	ASSERT_EQ(VMXERR_UNSUPPORTED_VMCS_COMPONENT,
		  vmcs_access_error(vmcs_encoding_high(GUEST_RIP), false, 0, false));
}

/* IA32_VMX_VMCS_ENUM bits 9:1. */
TEST(vmcs, max_index)
{
	ASSERT_EQ(0x29, vmcs_max_index()); /* INJECTED_EVENT_DATA, 0x2052 */
	ASSERT_EQ(0x15, vmcs_max_index_for(0)); /* GUEST_SYSENTER_CS, 0x482a */
	ASSERT_EQ(0x17, vmcs_max_index_for(vmcs_feature_bit(VMCS_FEATURE_PREEMPT_TIMER)));
	for (unsigned i = 0; i < vmcs_field_count(); i++)
		ASSERT_TRUE(vmcs_encoding_index(vmcs_field_at(i)->encoding) <= vmcs_max_index());
}

TEST(vmcs, layout)
{
	ASSERT_EQ(0, offsetof(struct vmcs, revision_id));
	ASSERT_EQ(4, offsetof(struct vmcs, abort));
	ASSERT_TRUE(sizeof(struct vmcs) <= VMCS_REGION_SIZE);
}

TEST(vmcs, exit_reasons)
{
	unsigned known = 0;

	ASSERT_EQ(48, EXIT_REASON_EPT_VIOLATION);
	ASSERT_EQ(49, EXIT_REASON_EPT_MISCONFIG);
	ASSERT_EQ(10, EXIT_REASON_CPUID);
	ASSERT_EQ(33, EXIT_REASON_INVALID_STATE);
	ASSERT_TRUE(str_eq("EPT_VIOLATION", vmx_exit_reason_name(48)));
	ASSERT_TRUE(str_eq("EXCEPTION_NMI", vmx_exit_reason_name(0)));
	ASSERT_TRUE(str_eq("INVALID_STATE",
			   vmx_exit_reason_name(VMX_EXIT_REASONS_FAILED_VMENTRY | 33)));
	ASSERT_TRUE(str_eq("WRMSRLIST", vmx_exit_reason_name(79)));
	ASSERT_TRUE(str_eq("UNKNOWN", vmx_exit_reason_name(35)));
	ASSERT_TRUE(str_eq("UNKNOWN", vmx_exit_reason_name(80)));
	ASSERT_TRUE(str_eq("UNKNOWN", vmx_exit_reason_name(0xffff)));
	for (uint32_t r = 0; r < 100; r++)
		known += vmx_exit_reason_known(r);
	ASSERT_EQ(76, known);
}

TEST(vmcs, exit_reason_kinds)
{
	ASSERT_EQ(VMX_EXIT_KIND_FAULT, vmx_exit_reason_kind(EXIT_REASON_CPUID));
	ASSERT_EQ(VMX_EXIT_KIND_FAULT, vmx_exit_reason_kind(EXIT_REASON_EPT_VIOLATION));
	ASSERT_EQ(VMX_EXIT_KIND_FAULT, vmx_exit_reason_kind(EXIT_REASON_IO_INSTRUCTION));
	ASSERT_EQ(VMX_EXIT_KIND_TRAP, vmx_exit_reason_kind(EXIT_REASON_MONITOR_TRAP_FLAG));
	ASSERT_EQ(VMX_EXIT_KIND_TRAP, vmx_exit_reason_kind(EXIT_REASON_TPR_BELOW_THRESHOLD));
	ASSERT_EQ(VMX_EXIT_KIND_TRAP, vmx_exit_reason_kind(EXIT_REASON_APIC_WRITE));
	ASSERT_EQ(VMX_EXIT_KIND_TRAP, vmx_exit_reason_kind(EXIT_REASON_EOI_INDUCED));
	ASSERT_EQ(VMX_EXIT_KIND_OTHER, vmx_exit_reason_kind(EXIT_REASON_EXTERNAL_INTERRUPT));
	ASSERT_EQ(VMX_EXIT_KIND_OTHER, vmx_exit_reason_kind(EXIT_REASON_MSR_LOAD_FAIL));
	ASSERT_EQ(VMX_EXIT_KIND_OTHER, vmx_exit_reason_kind(38));
}

TEST(vmcs, arch_constants)
{
	ASSERT_EQ(0x480, MSR_IA32_VMX_BASIC);
	ASSERT_EQ(0x48a, MSR_IA32_VMX_VMCS_ENUM);
	ASSERT_EQ(0x491, MSR_IA32_VMX_VMFUNC);
	ASSERT_EQ(0x492, MSR_IA32_VMX_PROCBASED_CTLS3);
	ASSERT_EQ(1u << 31, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
	ASSERT_EQ(1u << 1, SECONDARY_EXEC_ENABLE_EPT);
	ASSERT_EQ(1u << 9, VM_ENTRY_IA32E_MODE);
	ASSERT_EQ(1u << 15, VM_EXIT_ACK_INTR_ON_EXIT);
	ASSERT_EQ(0x80000000u, INTR_INFO_VALID_MASK);
	ASSERT_EQ(3u << INTR_INFO_INTR_TYPE_SHIFT, INTR_TYPE_HARD_EXCEPTION);
	ASSERT_EQ(12, VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	ASSERT_EQ(28, VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID);
}
