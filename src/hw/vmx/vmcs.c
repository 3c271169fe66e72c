/* SPDX-License-Identifier: MIT */
/*
 * VMCS field table and access by encoding (SDM Vol. 3C, 25.11.2 "VMREAD, VMWRITE, and
 * Encodings of VMCS Fields"), generated from vmcs_fields.def and exit_reasons.def.
 */
#include "hw/vmx/vmcs.h"

#include "hw/vmx/vmx_arch.h"

/* Row numbers of the field table. */
enum vmcs_field_id {
#define VMCS_FIELD(name, enc, member, class, feature, shadowable) VMCS_ID_##name,
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD
	VMCS_FIELD_COUNT
};

static const struct vmcs_field_desc fields[VMCS_FIELD_COUNT] = {
#define VMCS_FIELD(NAME, ENC, MEMBER, CLASS, FEATURE, SHADOWABLE)                         \
	[VMCS_ID_##NAME] = {                                                             \
		.name = #NAME,                                                           \
		.name_high = ((ENC) >> VMCS_ENC_WIDTH_SHIFT & VMCS_ENC_WIDTH_MASK) ==    \
					     VMCS_WIDTH_64 ?                             \
				     #NAME "_HIGH" :                                     \
				     NULL,                                               \
		.encoding = (ENC),                                                       \
		.offset = offsetof(struct vmcs, MEMBER),                                 \
		.class = VMCS_CLASS_##CLASS,                                             \
		.feature = VMCS_FEATURE_##FEATURE,                                       \
		.shadowable = (SHADOWABLE),                                              \
	},
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/*
 * Encoding -> row. The key packs width (2 bits), type (2 bits) and index
 * (VMCS_LOOKUP_INDEX_BITS bits); entries hold row + 1, 0 meaning "no field". A
 * duplicate encoding in the .def is a duplicate designated initializer, which
 * -Woverride-init (-Wextra) reports.
 */
#define LOOKUP_KEY(enc)                                                                  \
	((((enc) >> VMCS_ENC_WIDTH_SHIFT & VMCS_ENC_WIDTH_MASK) << (2 + VMCS_LOOKUP_INDEX_BITS)) | \
	 (((enc) >> VMCS_ENC_TYPE_SHIFT & VMCS_ENC_TYPE_MASK) << VMCS_LOOKUP_INDEX_BITS) |  \
	 ((enc) >> VMCS_ENC_INDEX_SHIFT & VMCS_ENC_INDEX_MASK))

#define LOOKUP_SIZE (16u << VMCS_LOOKUP_INDEX_BITS)

static const uint8_t lookup[LOOKUP_SIZE] = {
#define VMCS_FIELD(name, enc, member, class, feature, shadowable)                        \
	[LOOKUP_KEY(enc)] = VMCS_ID_##name + 1,
#include "hw/vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

_Static_assert(VMCS_FIELD_COUNT < 255, "lookup entries are uint8_t row + 1");

/* Row of an encoding, or -1. */
static int field_id(uint32_t encoding)
{
	if (encoding & VMCS_ENC_RESERVED)
		return -1;
	if (vmcs_encoding_index(encoding) >= (1u << VMCS_LOOKUP_INDEX_BITS))
		return -1;
	if (vmcs_encoding_is_high(encoding) && vmcs_encoding_width(encoding) != VMCS_WIDTH_64)
		return -1;
	return (int)lookup[LOOKUP_KEY(encoding)] - 1;
}

unsigned vmcs_field_count(void)
{
	return VMCS_FIELD_COUNT;
}

const struct vmcs_field_desc *vmcs_field_at(unsigned i)
{
	return i < VMCS_FIELD_COUNT ? &fields[i] : NULL;
}

const struct vmcs_field_desc *vmcs_field_lookup(uint32_t encoding)
{
	int id = field_id(encoding);

	return id < 0 ? NULL : &fields[id];
}

bool vmcs_field_exists(uint32_t encoding)
{
	return field_id(encoding) >= 0;
}

bool vmcs_field_exists_for(uint32_t encoding, uint64_t features)
{
	int id = field_id(encoding);

	if (id < 0)
		return false;
	return fields[id].feature == VMCS_FEATURE_NONE ||
	       (features & vmcs_feature_bit(fields[id].feature));
}

bool vmcs_field_read_only(uint32_t encoding)
{
	int id = field_id(encoding);

	return id >= 0 && fields[id].class == VMCS_CLASS_RO;
}

const char *vmcs_field_name(uint32_t encoding)
{
	int id = field_id(encoding);

	if (id < 0)
		return NULL;
	return vmcs_encoding_is_high(encoding) ? fields[id].name_high : fields[id].name;
}

/*
 * Members are accessed through their own type: the pointer is computed from the
 * member's offset and the width fixes the type, as the static asserts in vmcs.h check.
 */
uint64_t vmcs_read(const struct vmcs *vmcs, uint32_t encoding)
{
	int id = field_id(encoding);
	const char *p;
	uint64_t v;

	if (id < 0)
		return 0;
	p = (const char *)vmcs + fields[id].offset;
	switch (vmcs_encoding_width(encoding)) {
	case VMCS_WIDTH_16:
		return *(const uint16_t *)p;
	case VMCS_WIDTH_32:
		return *(const uint32_t *)p;
	case VMCS_WIDTH_64:
		v = *(const uint64_t *)p;
		return vmcs_encoding_is_high(encoding) ? v >> 32 : v;
	case VMCS_WIDTH_NATURAL:
	default:
		return *(const uint64_t *)p;
	}
}

void vmcs_write(struct vmcs *vmcs, uint32_t encoding, uint64_t value)
{
	int id = field_id(encoding);
	char *p;
	uint64_t *q;

	if (id < 0)
		return;
	p = (char *)vmcs + fields[id].offset;
	switch (vmcs_encoding_width(encoding)) {
	case VMCS_WIDTH_16:
		*(uint16_t *)p = (uint16_t)value;
		break;
	case VMCS_WIDTH_32:
		*(uint32_t *)p = (uint32_t)value;
		break;
	case VMCS_WIDTH_64:
		q = (uint64_t *)p;
		if (vmcs_encoding_is_high(encoding))
			*q = (*q & 0xffffffffULL) | (value << 32);
		else
			*q = value;
		break;
	case VMCS_WIDTH_NATURAL:
	default:
		*(uint64_t *)p = value;
		break;
	}
}

uint32_t vmcs_access_error(uint64_t encoding, bool write, uint64_t features,
			   bool write_ro_allowed)
{
	if (encoding >> 32 || !vmcs_field_exists_for((uint32_t)encoding, features))
		return VMXERR_UNSUPPORTED_VMCS_COMPONENT;
	if (write && !write_ro_allowed && vmcs_field_read_only((uint32_t)encoding))
		return VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT;
	return 0;
}

uint32_t vmcs_max_index_for(uint64_t features)
{
	uint32_t max = 0;

	for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
		uint32_t index = vmcs_encoding_index(fields[i].encoding);

		if (index > max && vmcs_field_exists_for(fields[i].encoding, features))
			max = index;
	}
	return max;
}

uint32_t vmcs_max_index(void)
{
	return vmcs_max_index_for(~0ULL);
}

/* Exit reasons; the table's length is one past the highest number in the .def. */
static const char *const exit_reason_names[] = {
#define EXIT_REASON(name, number, kind) [number] = #name,
#include "hw/vmx/exit_reasons.def"
#undef EXIT_REASON
};

static const uint8_t exit_reason_kinds[] = {
#define EXIT_REASON(name, number, kind) [number] = VMX_EXIT_KIND_##kind,
#include "hw/vmx/exit_reasons.def"
#undef EXIT_REASON
};

#define EXIT_REASON_TABLE_SIZE (sizeof(exit_reason_names) / sizeof(exit_reason_names[0]))

_Static_assert(sizeof(exit_reason_kinds) == EXIT_REASON_TABLE_SIZE, "exit-reason tables agree");

bool vmx_exit_reason_known(uint32_t reason)
{
	uint32_t basic = reason & VMX_EXIT_REASONS_BASIC_MASK;

	return basic < EXIT_REASON_TABLE_SIZE && exit_reason_names[basic];
}

const char *vmx_exit_reason_name(uint32_t reason)
{
	if (!vmx_exit_reason_known(reason))
		return "UNKNOWN";
	return exit_reason_names[reason & VMX_EXIT_REASONS_BASIC_MASK];
}

enum vmx_exit_kind vmx_exit_reason_kind(uint32_t reason)
{
	if (!vmx_exit_reason_known(reason))
		return VMX_EXIT_KIND_OTHER;
	return (enum vmx_exit_kind)exit_reason_kinds[reason & VMX_EXIT_REASONS_BASIC_MASK];
}
