// SPDX-License-Identifier: MIT
/* Guest SDK: page allocator and page-table walker for the three IA-32 paging formats (SDM Vol. 3A, 4.3, 4.4, 4.5). */
#include "vm.h"
#include "processor.h"

extern char __bss_end[];
static uintptr_t heap;

/* Bump allocator above the image; pages are zeroed and identity-mapped. */
void *alloc_page(void)
{
	void *p;

	if (!heap)
		heap = ((uintptr_t)__bss_end + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	p = (void *)heap;
	heap += PAGE_SIZE_4K;
	memset(p, 0, PAGE_SIZE_4K);
	return p;
}

static int levels(enum pt_format fmt)
{
	return fmt == PT_32BIT ? 2 : fmt == PT_PAE ? 3 : 4;
}

static unsigned index_of(enum pt_format fmt, uintptr_t va, int level)
{
	if (fmt == PT_32BIT)
		return (va >> (12 + 10 * (level - 1))) & 0x3ff;
	if (fmt == PT_PAE && level == 3)
		return (va >> 30) & 3;
	return ((uint64_t)va >> (12 + 9 * (level - 1))) & 0x1ff;
}

uint64_t pte_read(enum pt_format fmt, void *pte)
{
	return fmt == PT_32BIT ? *(volatile uint32_t *)pte : *(volatile uint64_t *)pte;
}

void pte_write(enum pt_format fmt, void *pte, uint64_t val)
{
	if (fmt == PT_32BIT)
		*(volatile uint32_t *)pte = val;
	else
		*(volatile uint64_t *)pte = val;
}

static uint64_t addr_mask(enum pt_format fmt)
{
	return fmt == PT_32BIT ? 0xfffff000ull : 0x000ffffffffff000ull;
}

void *pt_entry(enum pt_format fmt, uintptr_t root, uintptr_t va, int level)
{
	uintptr_t table = root & addr_mask(fmt);
	unsigned esize = fmt == PT_32BIT ? 4 : 8;
	int l;

	for (l = levels(fmt);; l--) {
		void *e = (char *)table + index_of(fmt, va, l) * esize;
		uint64_t v = pte_read(fmt, e);
		uintptr_t next;

		if (l == level)
			return e;
		if (!(v & PT_PRESENT)) {
			next = (uintptr_t)alloc_page();
			/* PAE PDPTEs have only P as a defined flag (SDM Vol. 3A, Table 4-8). */
			v = next | (fmt == PT_PAE && l == 3 ? PT_PRESENT : PT_PRESENT | PT_WRITABLE | PT_USER);
			pte_write(fmt, e, v);
		} else if (l > 1 && (v & PT_PAGE_SIZE) && !(fmt == PT_PAE && l == 3)) {
			/* Split: the new table maps the same range with the same flags. */
			unsigned shift = fmt == PT_32BIT ? 12 + 10 * (l - 2) : 12 + 9 * (l - 2);
			unsigned i, n = fmt == PT_32BIT ? 1024 : 512;
			uint64_t size = 1ull << shift;
			uint64_t flags = v & ~addr_mask(fmt) & ~PT_PAGE_SIZE;
			uint64_t base = v & addr_mask(fmt) & ~(size * n - 1);

			next = (uintptr_t)alloc_page();
			for (i = 0; i < n; i++)
				pte_write(fmt, (char *)next + i * esize,
					  (base + i * size) | flags | (l - 1 > 1 ? PT_PAGE_SIZE : 0));
			pte_write(fmt, e, next | PT_PRESENT | PT_WRITABLE | PT_USER);
		}
		table = pte_read(fmt, e) & addr_mask(fmt);
	}
}

void pt_map(enum pt_format fmt, uintptr_t root, uintptr_t va, uint64_t pa, uint64_t flags, int level)
{
	void *e = pt_entry(fmt, root, va, level);

	pte_write(fmt, e, pa | flags | PT_PRESENT | (level > 1 ? PT_PAGE_SIZE : 0));
}

void pt_unmap(enum pt_format fmt, uintptr_t root, uintptr_t va)
{
	pte_write(fmt, pt_entry(fmt, root, va, 1), 0);
}

void pt_update(enum pt_format fmt, uintptr_t root, uintptr_t va, int level, uint64_t set, uint64_t clear)
{
	void *e = pt_entry(fmt, root, va, level);

	pte_write(fmt, e, (pte_read(fmt, e) & ~clear) | set);
}

uintptr_t pt_identity_4level(uint64_t flags)
{
	uint64_t *pml4 = alloc_page(), *pdpt = alloc_page();
	unsigned i, j;

	pml4[0] = (uintptr_t)pdpt | PT_PRESENT | PT_WRITABLE | PT_USER;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = alloc_page();

		pdpt[i] = (uintptr_t)pd | PT_PRESENT | PT_WRITABLE | PT_USER;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30) + ((uint64_t)j << 21) + (flags | PT_PRESENT | PT_PAGE_SIZE);
	}
	return (uintptr_t)pml4;
}
