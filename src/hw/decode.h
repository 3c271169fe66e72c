/* SPDX-License-Identifier: MIT */
/*
 * Instruction decoding through Zydis and the decoded-instruction cache, keyed by machine
 * page and dropped when that page is written (DESIGN.md "Speed").
 */
#ifndef NESTVM_HW_DECODE_H
#define NESTVM_HW_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cpu.h"
#include "hw/insn.h"

struct decode_cache *decode_cache_create(void);
void decode_cache_destroy(struct decode_cache *dc);

/*
 * Decode the instruction in bytes[0..avail) for the CPU mode; false if the bytes are not
 * a valid instruction (#UD), or if they are a prefix of one longer than avail.
 */
bool decode_insn(enum cpu_mode mode, bool cs_d, const uint8_t *bytes, unsigned avail,
		 struct insn *out, bool *need_more);

/* Look up / insert a decoded instruction by machine address (hpa of its first byte). */
const struct insn *decode_cache_lookup(struct decode_cache *dc, uint64_t hpa, uint8_t mode,
				       uint32_t gen);
struct insn *decode_cache_insert(struct decode_cache *dc, uint64_t hpa, uint8_t mode,
				 uint32_t gen);

/* Name of a row (form) of insn.def, for statistics and traces. */
const char *decode_row_name(unsigned row);
unsigned decode_row_count(void);

#endif
