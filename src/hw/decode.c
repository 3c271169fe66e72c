/* SPDX-License-Identifier: MIT */
/*
 * Zydis glue: turns Zydis's decoding (SDM Vol. 2A, Chapter 2 "Instruction Format") into
 * struct insn, picks the insn.def row (form), and caches decoded instructions per
 * machine address.
 */
#include "hw/decode.h"

#include <Zydis/Zydis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/insn_handlers.h"
#include "util/bits.h"

enum insn_row {
#define INSN(form, mnemonic, fn, attrs, icpt) ROW_##form,
#include "hw/insn.def"
#undef INSN
	ROW_COUNT,
	ROW_UNDEFINED = ROW_COUNT,
};

struct row_desc {
	insn_fn *fn;
	const char *name;
	uint16_t mnemonic;
	uint32_t attrs;
	uint8_t icpt;
};

/* Attribute letters of insn.def's fourth column. */
#define L INSN_ATTR_LOCKABLE
#define C INSN_ATTR_CPL0
#define N INSN_ATTR_NO64
#define P INSN_ATTR_PROT
#define B INSN_ATTR_BRANCH
#define S INSN_ATTR_STRING
static const struct row_desc rows[ROW_COUNT] = {
#define INSN(form, mnemonic, fn, attrs, icpt) \
	[ROW_##form] = {fn, #form, ZYDIS_MNEMONIC_##mnemonic, (attrs), ICPT_##icpt},
#include "hw/insn.def"
#undef INSN
};
#undef L
#undef C
#undef N
#undef P
#undef B
#undef S

static uint16_t row_of_mnemonic[ZYDIS_MNEMONIC_MAX_VALUE + 1];
static ZydisDecoder decoders[MODE_LONG64 + 1][2];
static bool tables_ready;

/* A valid encoding with no row: say which by name once, then #UD (STYLE.md 5.4). */
static enum exec_status exec_unimplemented(struct cpu *cpu, const struct insn *in)
{
	static uint8_t reported[ZYDIS_MNEMONIC_MAX_VALUE + 1];

	if (in->mnemonic <= ZYDIS_MNEMONIC_MAX_VALUE && !reported[in->mnemonic]) {
		reported[in->mnemonic] = 1;
		fprintf(stderr, "nestvm: not implemented: %s (raising #UD)\n",
			ZydisMnemonicGetString((ZydisMnemonic)in->mnemonic));
	}
	return cpu_ud(cpu);
}

static void init_tables(void)
{
	static const ZydisMachineMode zmode[MODE_LONG64 + 1][2] = {
		[MODE_REAL] = {ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_MACHINE_MODE_LEGACY_32},
		[MODE_V86] = {ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_MACHINE_MODE_REAL_16},
		[MODE_PROT16] = {ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_MACHINE_MODE_LEGACY_16},
		[MODE_PROT32] = {ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_MACHINE_MODE_LEGACY_32},
		[MODE_COMPAT16] = {ZYDIS_MACHINE_MODE_LONG_COMPAT_16,
				   ZYDIS_MACHINE_MODE_LONG_COMPAT_16},
		[MODE_COMPAT32] = {ZYDIS_MACHINE_MODE_LONG_COMPAT_32,
				   ZYDIS_MACHINE_MODE_LONG_COMPAT_32},
		[MODE_LONG64] = {ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_MACHINE_MODE_LONG_64},
	};

	if (tables_ready)
		return;
	for (unsigned m = 0; m <= MODE_LONG64; m++) {
		for (unsigned d = 0; d < 2; d++) {
			ZydisMachineMode zm = zmode[m][d];
			ZydisStackWidth sw = zm == ZYDIS_MACHINE_MODE_LONG_64 ? ZYDIS_STACK_WIDTH_64
					     : (zm == ZYDIS_MACHINE_MODE_LEGACY_32 ||
						zm == ZYDIS_MACHINE_MODE_LONG_COMPAT_32)
						 ? ZYDIS_STACK_WIDTH_32
						 : ZYDIS_STACK_WIDTH_16;
			ZydisDecoderInit(&decoders[m][d], zm, sw);
		}
	}
	for (unsigned i = 0; i <= ZYDIS_MNEMONIC_MAX_VALUE; i++)
		row_of_mnemonic[i] = ROW_UNDEFINED;
	/* The first row of a mnemonic is its plain form; later rows are narrowed forms. */
	for (unsigned r = ROW_COUNT; r-- > 0;)
		row_of_mnemonic[rows[r].mnemonic] = (uint16_t)r;
	tables_ready = true;
}

static uint8_t map_gpr(ZydisRegister reg, bool *high8)
{
	ZydisRegisterClass cls = ZydisRegisterGetClass(reg);
	int id = ZydisRegisterGetId(reg);

	*high8 = false;
	if (cls != ZYDIS_REGCLASS_GPR8)
		return (uint8_t)id;
	/* Zydis orders AL CL DL BL AH CH DH BH SPL BPL SIL DIL R8B … R15B. */
	if (id < 4)
		return (uint8_t)id;
	if (id < 8) {
		*high8 = true;
		return (uint8_t)(id - 4);
	}
	return (uint8_t)(id - 4);
}

static uint8_t map_base(ZydisRegister reg)
{
	bool high8;

	if (reg == ZYDIS_REGISTER_NONE)
		return REG_NONE;
	if (ZydisRegisterGetClass(reg) == ZYDIS_REGCLASS_IP)
		return REG_RIP;
	return map_gpr(reg, &high8);
}

static uint8_t map_seg(ZydisRegister reg)
{
	if (reg == ZYDIS_REGISTER_NONE)
		return SEG_DS;
	return (uint8_t)ZydisRegisterGetId(reg);
}

static void convert_operand(const ZydisDecodedOperand *zo, unsigned opsize, struct operand *op)
{
	memset(op, 0, sizeof(*op));
	op->size = (uint8_t)((zo->size + 7) / 8);
	op->base = op->index = REG_NONE;
	switch (zo->type) {
	case ZYDIS_OPERAND_TYPE_REGISTER:
		switch (ZydisRegisterGetClass(zo->reg.value)) {
		case ZYDIS_REGCLASS_GPR8:
		case ZYDIS_REGCLASS_GPR16:
		case ZYDIS_REGCLASS_GPR32:
		case ZYDIS_REGCLASS_GPR64:
			op->kind = OPK_REG;
			op->reg = map_gpr(zo->reg.value, &op->high8);
			break;
		case ZYDIS_REGCLASS_SEGMENT:
			op->kind = OPK_SEG;
			op->reg = (uint8_t)ZydisRegisterGetId(zo->reg.value);
			break;
		case ZYDIS_REGCLASS_CONTROL:
			op->kind = OPK_CR;
			op->reg = (uint8_t)ZydisRegisterGetId(zo->reg.value);
			break;
		case ZYDIS_REGCLASS_DEBUG:
			op->kind = OPK_DR;
			op->reg = (uint8_t)ZydisRegisterGetId(zo->reg.value);
			break;
		default:
			op->kind = OPK_OTHER;
			op->other_reg = (uint16_t)zo->reg.value;
			op->reg = (uint8_t)ZydisRegisterGetId(zo->reg.value);
			break;
		}
		break;
	case ZYDIS_OPERAND_TYPE_MEMORY:
		op->kind = OPK_MEM;
		op->seg = map_seg(zo->mem.segment);
		op->base = map_base(zo->mem.base);
		op->index = map_base(zo->mem.index);
		op->scale = zo->mem.scale ? zo->mem.scale : 1;
		op->disp = zo->mem.disp.has_displacement ? zo->mem.disp.value : 0;
		break;
	case ZYDIS_OPERAND_TYPE_POINTER:
		op->kind = OPK_PTR;
		op->ptr_sel = zo->ptr.segment;
		op->imm = zo->ptr.offset;
		break;
	case ZYDIS_OPERAND_TYPE_IMMEDIATE:
		op->kind = OPK_IMM;
		if (zo->imm.is_relative) {
			op->imm = (uint64_t)zo->imm.value.s; /* signed displacement */
		} else if (zo->imm.is_signed) {
			/* imm8/imm32 sign-extended to the operand size (e.g. 83 /0 ib, REX.W C7). */
			if (op->size < opsize)
				op->size = (uint8_t)opsize;
			op->imm = (uint64_t)zo->imm.value.s & bits_mask(op->size);
		} else {
			op->imm = zo->imm.value.u & bits_mask(op->size ? op->size : 8);
		}
		break;
	default:
		op->kind = OPK_NONE;
		break;
	}
}

static uint8_t seg_override_of(ZydisInstructionAttributes a)
{
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_FS)
		return SEG_FS;
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_GS)
		return SEG_GS;
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_ES)
		return SEG_ES;
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_CS)
		return SEG_CS;
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_SS)
		return SEG_SS;
	if (a & ZYDIS_ATTRIB_HAS_SEGMENT_DS)
		return SEG_DS;
	return SEG_NONE;
}

/* Pick the narrowed form (insn.def row) where operands change the rules. */
static unsigned select_row(const ZydisDecodedInstruction *zi, const struct insn *in)
{
	unsigned row = row_of_mnemonic[zi->mnemonic];

	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_MOV:
		for (unsigned i = 0; i < in->nops; i++) {
			if (in->op[i].kind == OPK_SEG)
				return ROW_MOV_SREG;
			if (in->op[i].kind == OPK_CR)
				return ROW_MOV_CR;
			if (in->op[i].kind == OPK_DR)
				return ROW_MOV_DR;
		}
		break;
	case ZYDIS_MNEMONIC_POP:
		if (in->nops && in->op[0].kind == OPK_SEG)
			return ROW_POP_SREG;
		break;
	case ZYDIS_MNEMONIC_JMP:
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
			return ROW_JMP_FAR;
		break;
	case ZYDIS_MNEMONIC_CALL:
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
			return ROW_CALL_FAR;
		break;
	case ZYDIS_MNEMONIC_RET:
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
			return ROW_RET_FAR;
		break;
	case ZYDIS_MNEMONIC_MOVSD:
	case ZYDIS_MNEMONIC_CMPSD:
		/* The SSE2 forms (F2 0F 10/11, F2 0F C2) have XMM operands; the string forms none. */
		for (unsigned i = 0; i < in->nops; i++)
			if (in->op[i].kind == OPK_OTHER)
				return zi->mnemonic == ZYDIS_MNEMONIC_MOVSD ? ROW_MOVSD_SSE : ROW_CMPSD_SSE;
		break;
	default:
		break;
	}
	return row;
}

bool decode_insn(enum cpu_mode mode, bool cs_d, const uint8_t *bytes, unsigned avail,
		 struct insn *out, bool *need_more)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
	ZyanStatus st;

	init_tables();
	*need_more = false;
	st = ZydisDecoderDecodeFull(&decoders[mode][cs_d ? 1 : 0], bytes, avail, &zi, zo);
	if (!ZYAN_SUCCESS(st)) {
		*need_more = st == ZYDIS_STATUS_NO_MORE_DATA && avail < ZYDIS_MAX_INSTRUCTION_LENGTH;
		return false;
	}
	memset(out, 0, sizeof(*out));
	out->mnemonic = (uint16_t)zi.mnemonic;
	out->len = zi.length;
	out->opsize = (uint8_t)(zi.operand_width / 8);
	if (!out->opsize)
		out->opsize = 1;
	out->addrsize = (uint8_t)(zi.address_width / 8);
	out->stacksize = (uint8_t)(zi.stack_width / 8);
	out->lock = (zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) != 0;
	if (zi.attributes & ZYDIS_ATTRIB_HAS_REPNE)
		out->rep = REP_REPNE;
	else if (zi.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE))
		out->rep = REP_REP;
	out->seg_override = seg_override_of(zi.attributes);
	out->opcode = zi.opcode;
	out->opcode_map = (uint8_t)zi.opcode_map;
	out->modrm_reg = zi.raw.modrm.reg;
	out->modrm_mod = zi.raw.modrm.mod;
	out->mode = (uint8_t)mode;
	out->nops = zi.operand_count_visible > 4 ? 4 : zi.operand_count_visible;
	for (unsigned i = 0; i < out->nops; i++)
		convert_operand(&zo[i], out->opsize, &out->op[i]);

	unsigned row = select_row(&zi, out);
	out->row = (uint16_t)row;
	if (row == ROW_UNDEFINED) {
		out->fn = exec_unimplemented;
		out->attrs = 0;
	} else {
		out->fn = rows[row].fn;
		out->attrs = rows[row].attrs;
		out->icpt = rows[row].icpt;
	}
	return true;
}

const char *decode_row_name(unsigned row)
{
	return row < ROW_COUNT ? rows[row].name : "UNDEFINED";
}

unsigned decode_row_count(void)
{
	return ROW_COUNT + 1;
}

/* The cache: direct-mapped, keyed by machine address and mode, validated by generation. */
#define DCACHE_BITS 16

struct dcache_entry {
	uint64_t key;
	uint32_t gen;
	struct insn insn;
};

struct decode_cache {
	struct dcache_entry *e;
};

struct decode_cache *decode_cache_create(void)
{
	struct decode_cache *dc = calloc(1, sizeof(*dc));

	init_tables();
	if (!dc)
		abort();
	dc->e = calloc((size_t)1 << DCACHE_BITS, sizeof(*dc->e));
	if (!dc->e)
		abort();
	return dc;
}

void decode_cache_destroy(struct decode_cache *dc)
{
	if (!dc)
		return;
	free(dc->e);
	free(dc);
}

static inline struct dcache_entry *slot(struct decode_cache *dc, uint64_t hpa)
{
	uint64_t h = hpa ^ (hpa >> DCACHE_BITS);
	return &dc->e[h & (((uint64_t)1 << DCACHE_BITS) - 1)];
}

const struct insn *decode_cache_lookup(struct decode_cache *dc, uint64_t hpa, uint8_t mode,
				       uint32_t gen)
{
	struct dcache_entry *e = slot(dc, hpa);

	if (e->key == ((hpa << 4) | mode) && e->gen == gen)
		return &e->insn;
	return NULL;
}

struct insn *decode_cache_insert(struct decode_cache *dc, uint64_t hpa, uint8_t mode,
				 uint32_t gen)
{
	struct dcache_entry *e = slot(dc, hpa);

	e->key = (hpa << 4) | mode;
	e->gen = gen;
	return &e->insn;
}
