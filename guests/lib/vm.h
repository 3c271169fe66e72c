/* SPDX-License-Identifier: MIT */
/* Guest SDK: page allocator and page-table editing for 32-bit, PAE and 4-level paging (SDM Vol. 3A, chapter 4 "Paging"). */
#ifndef NESTVM_GUESTS_LIB_VM_H
#define NESTVM_GUESTS_LIB_VM_H

#include "libcflat.h"

#define PAGE_SIZE_4K 4096ul
#define PAGE_SIZE_2M 0x200000ul

/* Paging-structure entry bits (SDM Vol. 3A, 4.3–4.5, Tables 4-4..4-20). */
#define PT_PRESENT (1ull << 0)
#define PT_WRITABLE (1ull << 1)
#define PT_USER (1ull << 2)
#define PT_PWT (1ull << 3)
#define PT_PCD (1ull << 4)
#define PT_ACCESSED (1ull << 5)
#define PT_DIRTY (1ull << 6)
#define PT_PAGE_SIZE (1ull << 7)
#define PT_GLOBAL (1ull << 8)
#define PT_NX (1ull << 63)

enum pt_format {
	PT_32BIT, /* 2 levels of 1024 4-byte entries */
	PT_PAE,	  /* 4-entry PDPT, then 2 levels of 512 8-byte entries */
	PT_4LEVEL,
};

void *alloc_page(void);
/*
 * Pointer to the entry that maps va at `level` (1 = PTE, 2 = PDE, ...), creating
 * missing tables (present, writable, user) and splitting a large page on the way.
 */
void *pt_entry(enum pt_format fmt, uintptr_t root, uintptr_t va, int level);
uint64_t pte_read(enum pt_format fmt, void *pte);
void pte_write(enum pt_format fmt, void *pte, uint64_t val);
/* Map one 4-KiB page (level 1) or one large page (level 2). */
void pt_map(enum pt_format fmt, uintptr_t root, uintptr_t va, uint64_t pa, uint64_t flags, int level);
void pt_unmap(enum pt_format fmt, uintptr_t root, uintptr_t va);
/* Change flags of the leaf entry (level 1) or of the level-`level` entry for va. */
void pt_update(enum pt_format fmt, uintptr_t root, uintptr_t va, int level, uint64_t set, uint64_t clear);
/* A 4-level root whose first 4 GiB are identity-mapped with 2-MiB pages (a fresh copy). */
uintptr_t pt_identity_4level(uint64_t flags);

#endif
