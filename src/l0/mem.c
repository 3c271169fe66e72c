/* SPDX-License-Identifier: MIT */
/* L1's guest-physical memory map and the EPT01-role translator (DESIGN.md "Translation"). */
#include "l0/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const struct mem_slot *find_slot(const struct mem *mem, uint64_t gpa)
{
	for (unsigned i = 0; i < mem->nslots; i++) {
		const struct mem_slot *s = &mem->slot[i];
		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

static enum slat_status slat01_translate(const struct slat *slat, uint64_t gpa,
					 uint32_t access, struct slat_page *page)
{
	const struct mem *mem = slat->opaque;
	const struct mem_slot *s = find_slot(mem, gpa);

	(void)access;
	if (!s)
		return SLAT_MMIO;
	page->hpa = s->hpa + (gpa - s->gpa);
	page->host = mem->machine + page->hpa;
	page->perm = SLAT_READ | SLAT_WRITE | SLAT_FETCH;
	return SLAT_RAM;
}

static uint64_t slat01_mmio_read(const struct slat *slat, uint64_t gpa, unsigned size)
{
	const struct mem *mem = slat->opaque;
	uint64_t value;

	if (mem->mmio_hook && mem->mmio_hook(mem->mmio_hook_opaque, gpa, size, false, &value))
		return value;
	return bus_mmio_read(mem->bus, gpa, size);
}

static void slat01_mmio_write(const struct slat *slat, uint64_t gpa, unsigned size,
			      uint64_t value)
{
	const struct mem *mem = slat->opaque;

	if (mem->mmio_hook && mem->mmio_hook(mem->mmio_hook_opaque, gpa, size, true, &value))
		goto kick;
	bus_mmio_write(mem->bus, gpa, size, value);
kick:
	/*
	 * A device write can raise or unblock an interrupt (an I/O APIC unmask, an APIC
	 * EOI or ICR write): L0 must look before L1 runs on, as on silicon, where the MMIO
	 * access exits to L0 or the interrupt is an external interrupt.
	 */
	if (mem->kick)
		mem->kick(mem->mmio_hook_opaque);
}

bool mem_init(struct mem *mem, uint64_t l1_size, struct bus *bus, char *err, size_t errlen)
{
	uint64_t l0_bytes = (uint64_t)MEM_L0_PAGES * 4096;

	memset(mem, 0, sizeof(*mem));
	l1_size = (l1_size + 0xfff) & ~0xfffull;
	mem->l1_size = l1_size;
	mem->l0_base = l1_size;
	mem->machine_size = l1_size + l0_bytes;
	mem->machine = mmap(NULL, mem->machine_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem->machine == MAP_FAILED) {
		snprintf(err, errlen, "cannot reserve %llu MiB of guest memory",
			 (unsigned long long)(l1_size >> 20));
		mem->machine = NULL;
		return false;
	}
	mem->code_gen = calloc(mem->machine_size >> 12, sizeof(uint32_t));
	if (!mem->code_gen) {
		snprintf(err, errlen, "out of memory");
		mem_destroy(mem);
		return false;
	}
	/* Low RAM up to the PCI hole, the rest above 4 GiB (as a PC's memory map). */
	uint64_t low = l1_size < MEM_LOW_LIMIT ? l1_size : MEM_LOW_LIMIT;
	mem->slot[mem->nslots++] = (struct mem_slot){0, low, 0};
	if (l1_size > low)
		mem->slot[mem->nslots++] = (struct mem_slot){MEM_HIGH_BASE, l1_size - low, low};
	mem->bus = bus;
	mem->slat01 = (struct slat){
		.translate = slat01_translate,
		.mmio_read = slat01_mmio_read,
		.mmio_write = slat01_mmio_write,
		.opaque = mem,
		.ram = mem->machine,
		.ram_size = mem->machine_size,
		.code_gen = mem->code_gen,
	};
	return true;
}

void mem_destroy(struct mem *mem)
{
	if (mem->machine)
		munmap(mem->machine, mem->machine_size);
	free(mem->code_gen);
	mem->machine = NULL;
	mem->code_gen = NULL;
}

uint8_t *mem_gpa_ptr(struct mem *mem, uint64_t gpa, uint64_t len)
{
	const struct mem_slot *s = find_slot(mem, gpa);

	if (!s || len > s->size - (gpa - s->gpa))
		return NULL;
	return mem->machine + s->hpa + (gpa - s->gpa);
}

uint8_t *mem_l0_page(struct mem *mem, unsigned i, uint64_t *hpa)
{
	*hpa = mem->l0_base + (uint64_t)i * 4096;
	return mem->machine + *hpa;
}
