/* SPDX-License-Identifier: MIT */
/*
 * The VMCS: field encodings, our in-memory layout and VMREAD/VMWRITE-style access by
 * encoding (SDM Vol. 3C, Chapter 25 "Virtual Machine Control Structures"; encodings
 * from Vol. 3D, Appendix B). Everything here is generated from vmcs_fields.def.
 */
#ifndef NESTVM_HW_VMX_VMCS_H
#define NESTVM_HW_VMX_VMCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/vmx/vmx_arch.h"

/*
 * Structure of a field encoding (SDM Vol. 3C, 25.11.2 "VMREAD, VMWRITE, and Encodings
 * of VMCS Fields", Table "Structure of VMCS Component Encoding").
 */
#define VMCS_ENC_HIGH 0x00000001u        /* bit 0: access type, 1 = high 32 bits */
#define VMCS_ENC_INDEX_SHIFT 1           /* bits 9:1: index */
#define VMCS_ENC_INDEX_MASK 0x1ffu
#define VMCS_ENC_TYPE_SHIFT 10           /* bits 11:10: type (enum vmcs_class) */
#define VMCS_ENC_TYPE_MASK 0x3u
#define VMCS_ENC_WIDTH_SHIFT 13          /* bits 14:13: width (enum vmcs_width) */
#define VMCS_ENC_WIDTH_MASK 0x3u
#define VMCS_ENC_RESERVED 0xffff9000u    /* bits 31:15 and 12: must be zero */

/* Width of a field, encoding bits 14:13. */
enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

/* Type of a field, encoding bits 11:10; the .def's class column. */
enum vmcs_class {
	VMCS_CLASS_CONTROL = 0,
	VMCS_CLASS_RO = 1, /* VM-exit information: read-only data fields */
	VMCS_CLASS_GUEST = 2,
	VMCS_CLASS_HOST = 3,
};

/*
 * The capability that makes a field exist (the .def's feature column). A field whose
 * feature the processor lacks is unsupported: VMREAD/VMWRITE fail with
 * VMXERR_UNSUPPORTED_VMCS_COMPONENT. L0 keeps the set it exposes to L1 as a mask of
 * vmcs_feature_bit() values; VMCS_FEATURE_NONE is always present.
 */
enum vmcs_feature {
	VMCS_FEATURE_NONE,
	VMCS_FEATURE_VPID,                /* enable VPID */
	VMCS_FEATURE_POSTED_INTR,         /* process posted interrupts */
	VMCS_FEATURE_EPT,                 /* enable EPT */
	VMCS_FEATURE_EPT_VE,              /* EPT-violation #VE */
	VMCS_FEATURE_EPTP_SWITCHING,      /* VM function 0, EPTP switching */
	VMCS_FEATURE_HLAT,                /* tertiary: enable HLAT */
	VMCS_FEATURE_IPI_VIRT,            /* tertiary: IPI virtualization */
	VMCS_FEATURE_APICV,               /* virtual-interrupt delivery */
	VMCS_FEATURE_TPR_SHADOW,          /* use TPR shadow */
	VMCS_FEATURE_APIC_ACCESS,         /* virtualize APIC accesses */
	VMCS_FEATURE_PML,                 /* enable PML */
	VMCS_FEATURE_UINTR,               /* user interrupts (load/clear UINV) */
	VMCS_FEATURE_MSR_BITMAPS,         /* use MSR bitmaps */
	VMCS_FEATURE_SECONDARY_CTLS,      /* activate secondary controls */
	VMCS_FEATURE_TERTIARY_CTLS,       /* activate tertiary controls */
	VMCS_FEATURE_SECONDARY_EXIT_CTLS, /* activate secondary VM-exit controls */
	VMCS_FEATURE_VMFUNC,              /* enable VM functions */
	VMCS_FEATURE_SHADOW_VMCS,         /* VMCS shadowing */
	VMCS_FEATURE_XSAVES,              /* enable XSAVES/XRSTORS */
	VMCS_FEATURE_ENCLS,               /* enable ENCLS exiting */
	VMCS_FEATURE_ENCLV,               /* enable ENCLV exiting */
	VMCS_FEATURE_SPP,                 /* sub-page write permissions for EPT */
	VMCS_FEATURE_TSC_SCALING,         /* use TSC scaling */
	VMCS_FEATURE_PASID_TRANSLATION,   /* PASID translation */
	VMCS_FEATURE_SHARED_EPT,          /* shared-EPTP (TDX) */
	VMCS_FEATURE_PCONFIG,             /* enable PCONFIG */
	VMCS_FEATURE_SPEC_CTRL_VIRT,      /* virtualize IA32_SPEC_CTRL */
	VMCS_FEATURE_FRED,                /* save/load FRED state */
	VMCS_FEATURE_PAT,                 /* save/load IA32_PAT */
	VMCS_FEATURE_EFER,                /* save/load IA32_EFER */
	VMCS_FEATURE_PERF_GLOBAL_CTRL,    /* load IA32_PERF_GLOBAL_CTRL */
	VMCS_FEATURE_BNDCFGS,             /* clear/load IA32_BNDCFGS (MPX) */
	VMCS_FEATURE_RTIT_CTL,            /* clear/load IA32_RTIT_CTL */
	VMCS_FEATURE_LBR_CTL,             /* clear/load guest IA32_LBR_CTL */
	VMCS_FEATURE_PKRS,                /* load PKRS */
	VMCS_FEATURE_CET,                 /* load CET state */
	VMCS_FEATURE_PREEMPT_TIMER,       /* activate VMX-preemption timer */
	VMCS_FEATURE_PLE,                 /* PAUSE-loop exiting */
	VMCS_FEATURE_NOTIFY,              /* VM exit on instruction timeout */
	VMCS_FEATURE_COUNT
};

static inline uint64_t vmcs_feature_bit(enum vmcs_feature f)
{
	return 1ULL << f;
}

/* The encodings, named as KVM names them; NAME_HIGH is vmcs_encoding_high(NAME). */
enum vmcs_field {
#define VMCS_FIELD(name, enc, member, class, feature, shadowable) name = (enc),
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

static inline enum vmcs_width vmcs_encoding_width(uint32_t encoding)
{
	return (enum vmcs_width)((encoding >> VMCS_ENC_WIDTH_SHIFT) & VMCS_ENC_WIDTH_MASK);
}

static inline enum vmcs_class vmcs_encoding_class(uint32_t encoding)
{
	return (enum vmcs_class)((encoding >> VMCS_ENC_TYPE_SHIFT) & VMCS_ENC_TYPE_MASK);
}

static inline uint32_t vmcs_encoding_index(uint32_t encoding)
{
	return (encoding >> VMCS_ENC_INDEX_SHIFT) & VMCS_ENC_INDEX_MASK;
}

static inline bool vmcs_encoding_is_high(uint32_t encoding)
{
	return encoding & VMCS_ENC_HIGH;
}

/* The HIGH access (upper 32 bits) of a 64-bit field. */
static inline uint32_t vmcs_encoding_high(uint32_t encoding)
{
	return encoding | VMCS_ENC_HIGH;
}

/* Bytes a field of this width occupies in struct vmcs (natural width = 64 bits). */
static inline unsigned vmcs_width_bytes(enum vmcs_width width)
{
	return width == VMCS_WIDTH_16 ? 2 : width == VMCS_WIDTH_32 ? 4 : 8;
}

/* The C type of a field, chosen by the width bits of its encoding. */
#define VMCS_MEMBER_TYPE(enc)                                                            \
	__typeof__(_Generic((char (*)[((enc) >> VMCS_ENC_WIDTH_SHIFT & VMCS_ENC_WIDTH_MASK) + 1])0, \
			    char (*)[VMCS_WIDTH_16 + 1]: (uint16_t)0,                   \
			    char (*)[VMCS_WIDTH_64 + 1]: (uint64_t)0,                   \
			    char (*)[VMCS_WIDTH_32 + 1]: (uint32_t)0,                   \
			    char (*)[VMCS_WIDTH_NATURAL + 1]: (uint64_t)0))

/* Size of a VMCS region (IA32_VMX_BASIC bits 44:32 report at most 4096). */
#define VMCS_REGION_SIZE 4096

/*
 * Our VMCS layout, used for vmcs01/vmcs02 (run by hw/) and for the cached vmcs12.
 * Only the first two words are architectural (SDM Vol. 3C, 25.2 "Format of the VMCS
 * Region"); the rest is implementation-specific, one member per field. Launch state
 * ("clear"/"launched") is not architectural data and is tracked by L0.
 */
struct vmcs {
	uint32_t revision_id; /* bits 30:0 VMCS revision identifier, bit 31 shadow-VMCS indicator */
	uint32_t abort;       /* VMX-abort indicator */
#define VMCS_FIELD(name, enc, member, class, feature, shadowable) VMCS_MEMBER_TYPE(enc) member;
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* One row of the field table, for dumps, snapshots and VMCS shadowing. */
struct vmcs_field_desc {
	const char *name;      /* "GUEST_RIP" */
	const char *name_high; /* "GUEST_IA32_EFER_HIGH" for 64-bit fields, else NULL */
	uint32_t encoding;     /* full (access type 0) encoding */
	uint16_t offset;       /* of the member in struct vmcs */
	uint8_t class;         /* enum vmcs_class */
	uint8_t feature;       /* enum vmcs_feature */
	bool shadowable;
};

/* Number of fields and the i-th one in table order, i < vmcs_field_count(). */
unsigned vmcs_field_count(void);
const struct vmcs_field_desc *vmcs_field_at(unsigned i);

/*
 * The field an encoding names, or NULL when none does (reserved bits set, unknown
 * index, HIGH access to a field that is not 64 bits wide). A HIGH encoding yields the
 * 64-bit field's row. Constant time: a table indexed by width, type and index.
 */
const struct vmcs_field_desc *vmcs_field_lookup(uint32_t encoding);

/* Does the encoding name a field of the current SDM (including HIGH halves)? */
bool vmcs_field_exists(uint32_t encoding);

/* Does it exist on a processor with the features in mask (vmcs_feature_bit())? */
bool vmcs_field_exists_for(uint32_t encoding, uint64_t features);

/* Is it a VM-exit information field, writable only with IA32_VMX_MISC bit 29? */
bool vmcs_field_read_only(uint32_t encoding);

/* "GUEST_RIP", "TSC_OFFSET_HIGH"; NULL for an encoding that names no field. */
const char *vmcs_field_name(uint32_t encoding);

/*
 * VMREAD/VMWRITE semantics on our layout (SDM Vol. 3C, 25.11.2): 16- and 32-bit
 * fields are zero-extended on read and truncated on write; a full 64-bit access
 * covers all 64 bits, a HIGH access the upper 32 (read into bits 31:0, written from
 * bits 31:0, lower half preserved); natural-width fields are 64 bits. Operand-size
 * truncation outside 64-bit mode belongs to the instruction. An encoding that names
 * no field reads 0 and writes nothing: callers check vmcs_field_exists() first.
 */
uint64_t vmcs_read(const struct vmcs *vmcs, uint32_t encoding);
void vmcs_write(struct vmcs *vmcs, uint32_t encoding, uint64_t value);

/*
 * The VM-instruction error a VMREAD (write = false) or VMWRITE of this encoding
 * operand gets, 0 when it may proceed (SDM Vol. 3C, 31.3 "VMREAD", "VMWRITE"): an
 * encoding with bits 63:32 set or naming no field of the processor (features, as for
 * vmcs_field_exists_for()) is VMXERR_UNSUPPORTED_VMCS_COMPONENT; a VMWRITE to a
 * VM-exit information field is VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT unless
 * write_ro_allowed (IA32_VMX_MISC bit 29).
 */
uint32_t vmcs_access_error(uint64_t encoding, bool write, uint64_t features,
			   bool write_ro_allowed);

/* Highest index (encoding bits 9:1) of any field, for IA32_VMX_VMCS_ENUM bits 9:1. */
uint32_t vmcs_max_index(void);

/* The same over the fields that exist with the features in mask. */
uint32_t vmcs_max_index_for(uint64_t features);

/*
 * Exit reasons (exit_reasons.def; enum vmx_exit_reason in vmx_arch.h). Each looks at
 * the basic exit reason, bits 15:0, and ignores the flag bits above it.
 */
bool vmx_exit_reason_known(uint32_t reason);
/* "EPT_VIOLATION" (KVM's name without EXIT_REASON_), "UNKNOWN" for undefined numbers. */
const char *vmx_exit_reason_name(uint32_t reason);
/* Fault-like, trap-like or other; OTHER for undefined numbers. */
enum vmx_exit_kind vmx_exit_reason_kind(uint32_t reason);

/*
 * Layout facts. Each row: the encoding is a full access with no reserved bits, its
 * type bits agree with the class column, its index fits the lookup table, and the
 * member has the width's size and natural alignment.
 */
#define VMCS_LOOKUP_INDEX_BITS 6

#define VMCS_FIELD(name, enc, member, cls, feature, shadowable)                          \
	_Static_assert(((enc) & (VMCS_ENC_RESERVED | VMCS_ENC_HIGH)) == 0,              \
		       #name ": reserved bits or HIGH access in encoding");             \
	_Static_assert(((enc) >> VMCS_ENC_TYPE_SHIFT & VMCS_ENC_TYPE_MASK) ==           \
			       VMCS_CLASS_##cls,                                         \
		       #name ": class disagrees with encoding type bits");             \
	_Static_assert(((enc) >> VMCS_ENC_INDEX_SHIFT & VMCS_ENC_INDEX_MASK) <          \
			       (1u << VMCS_LOOKUP_INDEX_BITS),                           \
		       #name ": index too large for the lookup table");                \
	_Static_assert(VMCS_FEATURE_##feature < VMCS_FEATURE_COUNT, #name ": feature"); \
	_Static_assert((shadowable) == 0 || (shadowable) == 1, #name ": shadowable");   \
	_Static_assert(sizeof(((struct vmcs *)0)->member) ==                             \
			       ((enc) >> VMCS_ENC_WIDTH_SHIFT & VMCS_ENC_WIDTH_MASK ? \
					((enc) >> VMCS_ENC_WIDTH_SHIFT & VMCS_ENC_WIDTH_MASK) == \
							VMCS_WIDTH_32 ?          \
						4 :                              \
						8 :                              \
					2),                                      \
		       #name ": member size disagrees with encoding width");           \
	_Static_assert(offsetof(struct vmcs, member) % sizeof(((struct vmcs *)0)->member) == 0, \
		       #name ": member misaligned");
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD

_Static_assert(sizeof(struct vmcs) <= VMCS_REGION_SIZE, "struct vmcs exceeds a VMCS region");
_Static_assert(offsetof(struct vmcs, abort) == 4, "VMX-abort indicator at byte 4");
_Static_assert(VMCS_FEATURE_COUNT <= 64, "feature masks are 64 bits");

#endif
