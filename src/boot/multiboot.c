/* SPDX-License-Identifier: MIT */
/*
 * Multiboot version 1 (Multiboot Specification 0.6.96): find the header (3.1 "OS image
 * format"), load the image by its a.out-kludge addresses or its ELF program headers,
 * load modules page-aligned after it, build the information structure (3.3 "Boot
 * information format") and the machine state of 3.2 "Machine state". Every offset and
 * size read from a file is checked against the file and against RAM first.
 */
#include "boot/multiboot.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/cpu.h"
#include "util/bits.h"

/* Multiboot header flags (3.1.2 "The magic fields of Multiboot header"). */
#define MULTIBOOT_PAGE_ALIGN (1u << 0)   /* modules page-aligned: we always do */
#define MULTIBOOT_MEMORY_INFO (1u << 1)  /* mem_* fields: we always give them */
#define MULTIBOOT_VIDEO_MODE (1u << 2)   /* a wish, not a demand: text mode stays */
#define MULTIBOOT_AOUT_KLUDGE (1u << 16) /* load by the header's address fields */
#define MULTIBOOT_REQUIRED_MASK 0xffffu  /* bits a loader must understand or refuse */

#define PAGE_SIZE_4K 0x1000u
#define LOW_MEM_TOP 0x9fc00u   /* start of the EBDA, as a PC BIOS reports it */
#define BIOS_AREA 0xf0000u
#define HIGH_MEM 0x100000u
#define MULTIBOOT_MAX_KERNEL_FILE (1ull << 30)

struct range {
	uint64_t start, end;
};

struct loader {
	const struct boot_params *p;
	struct multiboot_image *img;
	uint64_t top;    /* highest usable address + 1 below 4 GiB */
	struct range ranges[MULTIBOOT_MAX_RANGES];
	unsigned nranges;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static bool fail(struct loader *l, const char *opt,
							const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(l->err, l->errlen, "%s: ", opt);

	if (n < 0 || (size_t)n >= l->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static const char *kernel_opt(struct loader *l, char *buf, size_t len)
{
	snprintf(buf, len, "-kernel %s", l->p->kernel ? l->p->kernel : "(image)");
	return buf;
}

uint64_t multiboot_low_ram_top(uint64_t ram_size)
{
	return ram_size > MULTIBOOT_PCI_HOLE_START ? MULTIBOOT_PCI_HOLE_START : ram_size;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool overlaps_loaded(const struct loader *l, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < l->nranges; i++)
		if (start < l->ranges[i].end && l->ranges[i].start < end)
			return true;
	return false;
}

static uint64_t loaded_end(const struct loader *l)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < l->nranges; i++)
		if (l->ranges[i].end > end)
			end = l->ranges[i].end;
	return end;
}

/* Copy filesz bytes and zero up to memsz at guest-physical addr, after checking RAM. */
static bool place(struct loader *l, const char *opt, uint64_t addr, const uint8_t *src,
		  uint64_t filesz, uint64_t memsz)
{
	if (memsz == 0)
		return true;
	if (filesz > memsz || addr >= l->top || memsz > l->top - addr)
		return fail(l, opt, "segment 0x%llx-0x%llx is outside RAM (usable below 0x%llx)",
			    (unsigned long long)addr, (unsigned long long)(addr + memsz - 1),
			    (unsigned long long)l->top);
	if (l->nranges >= MULTIBOOT_MAX_RANGES)
		return fail(l, opt, "more than %d loadable segments", MULTIBOOT_MAX_RANGES);
	memcpy(l->p->ram + addr, src, filesz);
	memset(l->p->ram + addr + filesz, 0, memsz - filesz);
	l->ranges[l->nranges++] = (struct range){addr, addr + memsz};
	return true;
}

/* 3.1.1: the header is 4-byte aligned, wholly within the first 8192 bytes. */
static bool find_header(const uint8_t *img, size_t size, size_t *offset, uint32_t *flags)
{
	size_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

	for (size_t off = 0; off + 12 <= limit; off += 4) {
		uint32_t magic = (uint32_t)bits_load_le(img + off, 4);
		uint32_t f = (uint32_t)bits_load_le(img + off + 4, 4);
		uint32_t sum = (uint32_t)bits_load_le(img + off + 8, 4);

		if (magic == MULTIBOOT_HEADER_MAGIC && (uint32_t)(magic + f + sum) == 0) {
			*offset = off;
			*flags = f;
			return true;
		}
	}
	return false;
}

/* 3.1.3 "The address fields of Multiboot header". */
static bool load_aout_kludge(struct loader *l, const uint8_t *img, size_t size, size_t hdr)
{
	char opt[300];
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint64_t load_off, load_len, mem_len;

	kernel_opt(l, opt, sizeof(opt));
	if (hdr + 32 > size)
		return fail(l, opt, "Multiboot header truncated");
	header_addr = (uint32_t)bits_load_le(img + hdr + 12, 4);
	load_addr = (uint32_t)bits_load_le(img + hdr + 16, 4);
	load_end_addr = (uint32_t)bits_load_le(img + hdr + 20, 4);
	bss_end_addr = (uint32_t)bits_load_le(img + hdr + 24, 4);
	l->img->entry = (uint32_t)bits_load_le(img + hdr + 28, 4);

	/* load_addr ≤ header_addr, and the header's file offset places the text segment. */
	if (load_addr > header_addr || header_addr - load_addr > hdr)
		return fail(l, opt, "Multiboot header_addr 0x%x and load_addr 0x%x disagree",
			    header_addr, load_addr);
	load_off = hdr - (header_addr - load_addr);
	if (load_end_addr == 0) {
		load_len = size - load_off;
	} else {
		if (load_end_addr < load_addr)
			return fail(l, opt, "Multiboot load_end_addr 0x%x is below load_addr 0x%x",
				    load_end_addr, load_addr);
		load_len = load_end_addr - load_addr;
		if (load_len > size - load_off)
			return fail(l, opt, "Multiboot load_end_addr 0x%x is past the end of the file",
				    load_end_addr);
	}
	mem_len = load_len;
	if (bss_end_addr != 0) {
		if (bss_end_addr < load_addr + load_len)
			return fail(l, opt, "Multiboot bss_end_addr 0x%x is below the loaded image",
				    bss_end_addr);
		mem_len = bss_end_addr - load_addr;
	}
	return place(l, opt, load_addr, img + load_off, load_len, mem_len);
}

static bool check_ident(struct loader *l, const char *opt, const uint8_t *img, size_t size)
{
	if (size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG))
		return fail(l, opt, "not an ELF file (and no a.out kludge in its Multiboot header)");
	if (img[EI_DATA] != ELFDATA2LSB)
		return fail(l, opt, "not a little-endian ELF file");
	if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64)
		return fail(l, opt, "unknown ELF class %u", img[EI_CLASS]);
	return true;
}

/* A program-header table that lies wholly inside the file. */
static bool check_phdrs(struct loader *l, const char *opt, size_t size, uint64_t phoff,
			uint64_t phnum, uint64_t phentsize, uint64_t min_entsize)
{
	if (phnum == 0)
		return fail(l, opt, "ELF file has no program headers");
	if (phentsize < min_entsize)
		return fail(l, opt, "ELF program header size %llu is too small",
			    (unsigned long long)phentsize);
	if (phoff > size || phnum * phentsize > size - phoff)
		return fail(l, opt, "ELF program headers lie past the end of the file");
	return true;
}

static bool load_segment(struct loader *l, const char *opt, const uint8_t *img, size_t size,
			 uint64_t offset, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	if (filesz > memsz)
		return fail(l, opt, "ELF segment at 0x%llx has p_filesz > p_memsz",
			    (unsigned long long)paddr);
	if (offset > size || filesz > size - offset)
		return fail(l, opt, "ELF segment at 0x%llx lies past the end of the file",
			    (unsigned long long)paddr);
	return place(l, opt, paddr, img + offset, filesz, memsz);
}

static bool load_elf(struct loader *l, const uint8_t *img, size_t size)
{
	char opt[300];
	bool loaded = false;

	kernel_opt(l, opt, sizeof(opt));
	if (!check_ident(l, opt, img, size))
		return false;
	if (img[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (size < sizeof(eh))
			return fail(l, opt, "ELF header truncated");
		memcpy(&eh, img, sizeof(eh));
		if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
			return fail(l, opt, "ELF file is not an executable");
		/* EM_X86_64 in an ELF32 file is x32; its segments load the same way. */
		if (eh.e_machine != EM_386 && eh.e_machine != EM_X86_64)
			return fail(l, opt, "ELF32 file is not for x86 (e_machine %u)", eh.e_machine);
		if (!check_phdrs(l, opt, size, eh.e_phoff, eh.e_phnum, eh.e_phentsize,
				 sizeof(Elf32_Phdr)))
			return false;
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf32_Phdr ph;

			memcpy(&ph, img + eh.e_phoff + (uint64_t)i * eh.e_phentsize, sizeof(ph));
			if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
				continue;
			if (!load_segment(l, opt, img, size, ph.p_offset, ph.p_paddr, ph.p_filesz,
					  ph.p_memsz))
				return false;
			loaded = true;
		}
		l->img->entry = eh.e_entry;
	} else {
		Elf64_Ehdr eh;

		if (size < sizeof(eh))
			return fail(l, opt, "ELF header truncated");
		memcpy(&eh, img, sizeof(eh));
		if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
			return fail(l, opt, "ELF file is not an executable");
		if (eh.e_machine != EM_X86_64)
			return fail(l, opt, "ELF64 file is not for x86-64 (e_machine %u)",
				    eh.e_machine);
		/* The guest starts in 32-bit protected mode, so EIP must hold the entry. */
		if (eh.e_entry >= MULTIBOOT_4G)
			return fail(l, opt, "ELF entry point 0x%llx is above 4 GiB",
				    (unsigned long long)eh.e_entry);
		if (!check_phdrs(l, opt, size, eh.e_phoff, eh.e_phnum, eh.e_phentsize,
				 sizeof(Elf64_Phdr)))
			return false;
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;

			memcpy(&ph, img + eh.e_phoff + (uint64_t)i * eh.e_phentsize, sizeof(ph));
			if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
				continue;
			if (!load_segment(l, opt, img, size, ph.p_offset, ph.p_paddr, ph.p_filesz,
					  ph.p_memsz))
				return false;
			loaded = true;
		}
		l->img->entry = (uint32_t)eh.e_entry;
	}
	if (!loaded)
		return fail(l, opt, "ELF file has no loadable segments");
	return true;
}

/* Reads a whole regular file of at most max bytes; on failure says why in why. */
static uint8_t *read_file(const char *path, uint64_t max, size_t *len, char *why,
			  size_t whylen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(why, whylen, "too large (%llu bytes)",
			 (unsigned long long)st.st_size);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, whylen, "%s", n < 0 ? strerror(errno) : "file shrank while read");
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return buf;
}

/*
 * -initrd "file1 args,file2 args": each comma-separated item is a module; the item up to
 * its first space names the file and the whole item is the module's string, as QEMU's
 * hw/i386/multiboot.c does (",," stands for a literal comma).
 */
static bool load_modules(struct loader *l, char strings[][512], unsigned *count)
{
	const char *s = l->p->initrd;
	uint64_t addr = align_up(loaded_end(l), PAGE_SIZE_4K);

	*count = 0;
	if (!s || !*s)
		return true;
	for (;;) {
		char item[512], path[512], why[200], opt[600];
		size_t n = 0, len = 0;
		uint8_t *data;

		while (*s && !(s[0] == ',' && s[1] != ',')) {
			if (s[0] == ',')
				s++; /* ",," → "," */
			if (n + 1 >= sizeof(item)) {
				snprintf(l->err, l->errlen, "-initrd: module name too long");
				return false;
			}
			item[n++] = *s++;
		}
		item[n] = 0;
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(item, " "), item);
		snprintf(opt, sizeof(opt), "-initrd %s", path);
		if (!*path)
			return fail(l, "-initrd", "empty module name");
		if (*count >= MULTIBOOT_MAX_MODS)
			return fail(l, opt, "more than %d modules", MULTIBOOT_MAX_MODS);
		data = read_file(path, l->top, &len, why, sizeof(why));
		if (!data)
			return fail(l, opt, "%s", why);
		if (addr >= l->top || len > l->top - addr) {
			free(data);
			return fail(l, opt, "%zu bytes do not fit in RAM after the kernel", len);
		}
		if (!place(l, opt, addr, data, len, len)) {
			free(data);
			return false;
		}
		free(data);
		l->img->mod_start[*count] = (uint32_t)addr;
		l->img->mod_end[*count] = (uint32_t)(addr + len);
		memcpy(strings[*count], item, n + 1);
		(*count)++;
		addr = align_up(addr + len, PAGE_SIZE_4K);
		if (!*s)
			return true;
		s++;
	}
}

struct mmap_entry {
	uint64_t base, length;
	uint32_t type;
};

/*
 * The e820-style map (3.3, mmap_*): conventional memory below the EBDA, the EBDA and
 * BIOS area reserved, then RAM from 1 MiB. Guest-physical address equals offset into
 * RAM; with more than 3.5 GiB, [3.5 GiB, 4 GiB) is the PCI hole (reserved, not
 * reported as RAM) and the RAM beyond 4 GiB is usable.
 */
static unsigned build_mmap(uint64_t ram_size, struct mmap_entry *e)
{
	unsigned n = 0;
	uint64_t top = multiboot_low_ram_top(ram_size);

	e[n++] = (struct mmap_entry){0, LOW_MEM_TOP, MULTIBOOT_MEMORY_AVAILABLE};
	e[n++] = (struct mmap_entry){LOW_MEM_TOP, 0xa0000 - LOW_MEM_TOP, MULTIBOOT_MEMORY_RESERVED};
	e[n++] = (struct mmap_entry){BIOS_AREA, HIGH_MEM - BIOS_AREA, MULTIBOOT_MEMORY_RESERVED};
	if (top > HIGH_MEM)
		e[n++] = (struct mmap_entry){HIGH_MEM, top - HIGH_MEM, MULTIBOOT_MEMORY_AVAILABLE};
	if (ram_size > MULTIBOOT_4G)
		e[n++] = (struct mmap_entry){MULTIBOOT_4G, ram_size - MULTIBOOT_4G,
					     MULTIBOOT_MEMORY_AVAILABLE};
	return n;
}

static void set_segment(struct boot_segment *s, uint16_t sel, uint32_t ar)
{
	*s = (struct boot_segment){.selector = sel, .base = 0, .limit = 0xffffffff, .ar = ar};
}

/* 3.2 "Machine state": EAX magic, EBX info, flat 32-bit segments, PE on, PG off, IF 0. */
static void set_machine_state(struct multiboot_image *img)
{
	struct boot_state *bs = &img->state;
	const uint32_t code_ar = 0xb | AR_S | AR_P | AR_DB | AR_G; /* 0xc09b: exec/read, accessed */
	const uint32_t data_ar = 0x3 | AR_S | AR_P | AR_DB | AR_G; /* 0xc093: read/write, accessed */

	memset(bs, 0, sizeof(*bs));
	bs->gpr[0] = MULTIBOOT_BOOTLOADER_MAGIC; /* EAX */
	bs->gpr[3] = img->info_addr;              /* EBX */
	bs->rip = img->entry;
	bs->rflags = 0x2; /* bit 1 is always 1; IF and VM clear */
	bs->cr0 = 0x11;   /* PE, ET */
	set_segment(&bs->seg[0], 0x18, data_ar); /* ES */
	set_segment(&bs->seg[1], 0x10, code_ar); /* CS */
	set_segment(&bs->seg[2], 0x18, data_ar); /* SS */
	set_segment(&bs->seg[3], 0x18, data_ar); /* DS */
	set_segment(&bs->seg[4], 0x18, data_ar); /* FS */
	set_segment(&bs->seg[5], 0x18, data_ar); /* GS */
	/* LDTR unusable; TR a busy 32-bit TSS, which VM entry requires (SDM Vol. 3C, "Checks
	 * on Guest Segment Registers"). The OS loads its own GDT, IDT and TSS. */
	bs->seg[6] = (struct boot_segment){.ar = AR_UNUSABLE};
	bs->seg[7] = (struct boot_segment){.limit = 0x67, .ar = 0xb | AR_P};
}

static void put32(uint8_t *ram, uint64_t addr, uint32_t v)
{
	bits_store_le(ram + addr, 4, v);
}

bool multiboot_load_buffer(const struct boot_params *p, const uint8_t *kernel, size_t size,
			   struct multiboot_image *img, char *err, size_t errlen)
{
	static char mod_strings[MULTIBOOT_MAX_MODS][512];
	struct loader l = {.p = p, .img = img, .err = err, .errlen = errlen};
	struct mmap_entry map[8];
	char opt[300], *cmdline;
	const char *append = p->cmdline ? p->cmdline : "";
	const char *name = "nestvm";
	size_t hdr, cmdlen, total;
	uint32_t flags;
	uint64_t info, cursor;
	unsigned nmap, nmods;

	memset(img, 0, sizeof(*img));
	img->kernel_start = UINT32_MAX;
	l.top = multiboot_low_ram_top(p->ram_size);
	kernel_opt(&l, opt, sizeof(opt));
	if (p->ram_size < 2 * HIGH_MEM)
		return fail(&l, opt, "needs at least 2 MiB of RAM");
	if (!find_header(kernel, size, &hdr, &flags))
		return fail(&l, opt, "no Multiboot header in the first %d bytes", MULTIBOOT_SEARCH);
	if (flags & MULTIBOOT_REQUIRED_MASK &
	    ~(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE))
		return fail(&l, opt, "Multiboot header asks for unsupported features (flags 0x%x)",
			    flags);
	if (flags & MULTIBOOT_AOUT_KLUDGE) {
		if (!load_aout_kludge(&l, kernel, size, hdr))
			return false;
	} else if (!load_elf(&l, kernel, size)) {
		return false;
	}
	for (unsigned i = 0; i < l.nranges; i++) {
		if (l.ranges[i].start < img->kernel_start)
			img->kernel_start = (uint32_t)l.ranges[i].start;
		if (l.ranges[i].end > img->kernel_end)
			img->kernel_end = (uint32_t)l.ranges[i].end;
	}
	if (!load_modules(&l, mod_strings, &nmods))
		return false;
	img->nmods = nmods;

	/* QEMU passes "<kernel path> <-append>", which kvm-unit-tests parses as argv. */
	cmdlen = strlen(p->kernel ? p->kernel : "") + 1 + strlen(append) + 1;
	nmap = build_mmap(p->ram_size, map);
	total = MULTIBOOT_INFO_SIZE + nmap * MULTIBOOT_MMAP_ENTRY_SIZE +
		nmods * MULTIBOOT_MOD_SIZE + cmdlen + strlen(name) + 1;
	for (unsigned i = 0; i < nmods; i++)
		total += strlen(mod_strings[i]) + 1;

	/* Prefer low memory below the EBDA; else the first page after everything loaded. */
	info = MULTIBOOT_INFO_LOW;
	if (total > LOW_MEM_TOP - info || overlaps_loaded(&l, info, info + total)) {
		info = align_up(loaded_end(&l), PAGE_SIZE_4K);
		if (info >= l.top || total > l.top - info)
			return fail(&l, opt, "no room for the Multiboot information (%zu bytes) "
				    "after the kernel", total);
	}
	img->info_addr = (uint32_t)info;
	img->info_size = (uint32_t)total;
	memset(p->ram + info, 0, total);
	put32(p->ram, info + MBI_FLAGS,
	      MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
		      MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME);
	/* mem_lower: KiB from 0; mem_upper: KiB from 1 MiB to the first hole. */
	put32(p->ram, info + MBI_MEM_LOWER, LOW_MEM_TOP / 1024);
	put32(p->ram, info + MBI_MEM_UPPER, (uint32_t)((l.top - HIGH_MEM) / 1024));
	cursor = info + MULTIBOOT_INFO_SIZE;

	img->mmap_addr = (uint32_t)cursor;
	img->mmap_count = nmap;
	put32(p->ram, info + MBI_MMAP_ADDR, (uint32_t)cursor);
	put32(p->ram, info + MBI_MMAP_LENGTH, nmap * MULTIBOOT_MMAP_ENTRY_SIZE);
	for (unsigned i = 0; i < nmap; i++, cursor += MULTIBOOT_MMAP_ENTRY_SIZE) {
		put32(p->ram, cursor, MULTIBOOT_MMAP_ENTRY_SIZE - 4); /* size excludes itself */
		bits_store_le(p->ram + cursor + 4, 8, map[i].base);
		bits_store_le(p->ram + cursor + 12, 8, map[i].length);
		put32(p->ram, cursor + 20, map[i].type);
	}

	put32(p->ram, info + MBI_MODS_COUNT, nmods);
	put32(p->ram, info + MBI_MODS_ADDR, (uint32_t)cursor);
	{
		uint64_t mods = cursor, str = cursor + nmods * MULTIBOOT_MOD_SIZE;

		for (unsigned i = 0; i < nmods; i++, mods += MULTIBOOT_MOD_SIZE) {
			size_t slen = strlen(mod_strings[i]) + 1;

			put32(p->ram, mods, img->mod_start[i]);
			put32(p->ram, mods + 4, img->mod_end[i]);
			put32(p->ram, mods + 8, (uint32_t)str);
			memcpy(p->ram + str, mod_strings[i], slen);
			str += slen;
		}
		cursor = str;
	}

	cmdline = (char *)p->ram + cursor;
	snprintf(cmdline, cmdlen, "%s %s", p->kernel ? p->kernel : "", append);
	img->cmdline_addr = (uint32_t)cursor;
	put32(p->ram, info + MBI_CMDLINE, (uint32_t)cursor);
	cursor += cmdlen;

	memcpy(p->ram + cursor, name, strlen(name) + 1);
	put32(p->ram, info + MBI_BOOT_LOADER_NAME, (uint32_t)cursor);

	set_machine_state(img);
	return true;
}

bool multiboot_load(const struct boot_params *p, struct multiboot_image *img, char *err,
		    size_t errlen)
{
	char why[200];
	size_t len = 0;
	uint8_t *data;
	bool ok;

	if (!p->kernel) {
		snprintf(err, errlen, "-kernel: no kernel given");
		return false;
	}
	/* The file may be larger than what it loads (symbols), but not absurdly so. */
	data = read_file(p->kernel, MULTIBOOT_MAX_KERNEL_FILE, &len, why, sizeof(why));
	if (!data) {
		/* QEMU's wording, which test runners recognise ("could not load kernel"). */
		snprintf(err, errlen, "-kernel %s: could not load kernel: %s", p->kernel, why);
		return false;
	}
	ok = multiboot_load_buffer(p, data, len, img, err, errlen);
	free(data);
	return ok;
}
