/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot loader on images built in memory: ELF32, ELF64 and a.out-kludge
 * placement, the information structure and its memory map, modules, and the errors a
 * malformed file must produce instead of a crash.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/multiboot.h"
#include "hw/cpu.h"
#include "test.h"
#include "util/bits.h"

#define RAM_SIZE (16u << 20)
#define IMG_SIZE 0x2000
#define SEG_OFF 0x100  /* file offset of the one loadable segment */
#define SEG_FILESZ 0x200
#define LOAD_ADDR 0x100000

static uint8_t *ram;
static uint8_t image[IMG_SIZE];
static struct multiboot_image mb;
static char err[512];

static struct boot_params params(const char *cmdline, const char *initrd)
{
	if (!ram)
		ram = malloc(RAM_SIZE);
	memset(ram, 0xcc, RAM_SIZE);
	return (struct boot_params){ram, RAM_SIZE, "/boot/kernel.elf", cmdline, initrd};
}

static void put_mb_header(uint8_t *at, uint32_t flags)
{
	bits_store_le(at, 4, MULTIBOOT_HEADER_MAGIC);
	bits_store_le(at + 4, 4, flags);
	bits_store_le(at + 8, 4, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
}

/* An ELF32 executable: one PT_LOAD of SEG_FILESZ bytes at paddr, memsz 0x1000. */
static void build_elf32(uint32_t paddr)
{
	Elf32_Ehdr eh = {0};
	Elf32_Phdr ph = {0};

	memset(image, 0, sizeof(image));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_entry = paddr + 0x10;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	ph.p_type = PT_LOAD;
	ph.p_offset = SEG_OFF;
	ph.p_vaddr = 0xc0000000 + paddr; /* loaded by physical address, not this */
	ph.p_paddr = paddr;
	ph.p_filesz = SEG_FILESZ;
	ph.p_memsz = 0x1000;
	memcpy(image, &eh, sizeof(eh));
	memcpy(image + sizeof(eh), &ph, sizeof(ph));
	put_mb_header(image + SEG_OFF, 0x3);
	for (int i = 12; i < SEG_FILESZ; i++)
		image[SEG_OFF + i] = (uint8_t)i;
}

static void build_elf64(uint64_t paddr, uint64_t entry)
{
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph = {0};

	memset(image, 0, sizeof(image));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	ph.p_type = PT_LOAD;
	ph.p_offset = SEG_OFF;
	ph.p_vaddr = 0xffffffff80000000ull + paddr;
	ph.p_paddr = paddr;
	ph.p_filesz = SEG_FILESZ;
	ph.p_memsz = 0x800;
	memcpy(image, &eh, sizeof(eh));
	memcpy(image + sizeof(eh), &ph, sizeof(ph));
	put_mb_header(image + SEG_OFF, 0x2);
	for (int i = 12; i < SEG_FILESZ; i++)
		image[SEG_OFF + i] = (uint8_t)(i * 3);
}

static uint32_t ram32(uint64_t addr)
{
	return (uint32_t)bits_load_le(ram + addr, 4);
}

static uint64_t ram64(uint64_t addr)
{
	return bits_load_le(ram + addr, 8);
}

static bool load(const struct boot_params *p)
{
	err[0] = 0;
	return multiboot_load_buffer(p, image, sizeof(image), &mb, err, sizeof(err));
}

static bool err_is(const char *file, int line, const char *want)
{
	char msg[1200];

	if (!strcmp(err, want))
		return true;
	snprintf(msg, sizeof(msg), "want \"%s\" got \"%s\"", want, err);
	unit_fail_msg(file, line, msg);
	return false;
}

#define ASSERT_ERR(want)                                 \
	do {                                             \
		ASSERT_FALSE(load(&p));                  \
		if (!err_is(__FILE__, __LINE__, want)) \
			return;                          \
	} while (0)

TEST(multiboot, elf32_placement)
{
	struct boot_params p = params("a b", NULL);

	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(0, memcmp(ram + LOAD_ADDR, image + SEG_OFF, SEG_FILESZ));
	for (unsigned i = SEG_FILESZ; i < 0x1000; i++)
		ASSERT_EQ(0, ram[LOAD_ADDR + i]); /* memsz - filesz zeroed */
	ASSERT_EQ(0xcc, ram[LOAD_ADDR + 0x1000]);  /* nothing beyond memsz */
	ASSERT_EQ(LOAD_ADDR + 0x10, mb.entry);
	ASSERT_EQ(LOAD_ADDR, mb.kernel_start);
	ASSERT_EQ(LOAD_ADDR + 0x1000, mb.kernel_end);
}

TEST(multiboot, machine_state)
{
	struct boot_params p = params(NULL, NULL);
	const struct boot_state *s = &mb.state;

	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(0x2BADB002, s->gpr[0]);
	ASSERT_EQ(mb.info_addr, s->gpr[3]);
	ASSERT_EQ(LOAD_ADDR + 0x10, s->rip);
	ASSERT_EQ(0x2, s->rflags);
	ASSERT_EQ(1, s->cr0 & 1);           /* PE */
	ASSERT_EQ(0, s->cr0 & (1ull << 31)); /* PG */
	ASSERT_EQ(0xc09b, s->seg[1].ar);
	ASSERT_EQ(0, s->seg[1].base);
	ASSERT_EQ(0xffffffff, s->seg[1].limit);
	for (int i = 0; i < 6; i++)
		if (i != 1)
			ASSERT_EQ(0xc093, s->seg[i].ar);
	ASSERT_EQ(AR_UNUSABLE, s->seg[6].ar);
	ASSERT_EQ(0x8b, s->seg[7].ar);
	ASSERT_EQ(0x67, s->seg[7].limit);
	ASSERT_EQ(0, s->efer);
}

TEST(multiboot, info_structure)
{
	struct boot_params p = params("console=ttyS0 -x", NULL);
	uint32_t info;

	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	info = mb.info_addr;
	ASSERT_EQ(MULTIBOOT_INFO_LOW, info);
	ASSERT_EQ(MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
			  MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME,
		  ram32(info + MBI_FLAGS));
	ASSERT_EQ(639, ram32(info + MBI_MEM_LOWER));
	ASSERT_EQ((RAM_SIZE - 0x100000) / 1024, ram32(info + MBI_MEM_UPPER));
	ASSERT_TRUE(!strcmp((char *)ram + ram32(info + MBI_CMDLINE),
			    "/boot/kernel.elf console=ttyS0 -x"));
	ASSERT_EQ(mb.cmdline_addr, ram32(info + MBI_CMDLINE));
	ASSERT_TRUE(!strcmp((char *)ram + ram32(info + MBI_BOOT_LOADER_NAME), "nestvm"));
	ASSERT_EQ(0, ram32(info + MBI_MODS_COUNT));
	/* Everything the loader wrote lies inside [info, info + info_size). */
	ASSERT_TRUE(ram32(info + MBI_BOOT_LOADER_NAME) + 7 <= info + mb.info_size);
	ASSERT_TRUE(info + mb.info_size <= 0x9fc00);
}

TEST(multiboot, cmdline_without_append_is_path_and_space)
{
	struct boot_params p = params(NULL, NULL);

	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	/* QEMU's hw/i386/multiboot.c formats "%s %s" even with an empty -append. */
	ASSERT_TRUE(!strcmp((char *)ram + mb.cmdline_addr, "/boot/kernel.elf "));
}

TEST(multiboot, memory_map)
{
	static const uint64_t want[][3] = {
		{0, 0x9fc00, 1},
		{0x9fc00, 0x400, 2},
		{0xf0000, 0x10000, 2},
		{0x100000, RAM_SIZE - 0x100000, 1},
	};
	struct boot_params p = params(NULL, NULL);
	uint32_t e;

	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(4 * 24, ram32(mb.info_addr + MBI_MMAP_LENGTH));
	e = ram32(mb.info_addr + MBI_MMAP_ADDR);
	ASSERT_EQ(mb.mmap_addr, e);
	for (unsigned i = 0; i < 4; i++, e += 24) {
		ASSERT_EQ(20, ram32(e));
		ASSERT_EQ(want[i][0], ram64(e + 4));
		ASSERT_EQ(want[i][1], ram64(e + 12));
		ASSERT_EQ(want[i][2], ram32(e + 20));
	}
}

TEST(multiboot, memory_map_above_4g)
{
	const uint64_t big = 5ull << 30;
	uint8_t *bigram = mmap(NULL, big, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct boot_params p = {bigram, big, "k", NULL, NULL};
	uint64_t e;

	ASSERT_TRUE(bigram != MAP_FAILED);
	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(multiboot_load_buffer(&p, image, sizeof(image), &mb, err, sizeof(err)));
	ASSERT_EQ(5, mb.mmap_count);
	ASSERT_EQ((0xe0000000 - 0x100000) / 1024,
		  bits_load_le(bigram + mb.info_addr + MBI_MEM_UPPER, 4));
	e = mb.mmap_addr + 3 * 24;
	ASSERT_EQ(0x100000, bits_load_le(bigram + e + 4, 8));
	ASSERT_EQ(0xe0000000 - 0x100000, bits_load_le(bigram + e + 12, 8));
	e += 24;
	ASSERT_EQ(1ull << 32, bits_load_le(bigram + e + 4, 8));
	ASSERT_EQ(1ull << 30, bits_load_le(bigram + e + 12, 8));
	ASSERT_EQ(1, bits_load_le(bigram + e + 20, 4));
	/* A segment in the PCI hole is outside RAM. */
	build_elf32(0xe0000000);
	ASSERT_FALSE(multiboot_load_buffer(&p, image, sizeof(image), &mb, err, sizeof(err)));
	munmap(bigram, big);
}

TEST(multiboot, elf64)
{
	struct boot_params p = params(NULL, NULL);

	build_elf64(0x200000, 0x200020);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(0x200020, mb.entry);
	ASSERT_EQ(0, memcmp(ram + 0x200000, image + SEG_OFF, SEG_FILESZ));
	ASSERT_EQ(0, ram[0x200000 + 0x7ff]);
	ASSERT_EQ(0xcc, ram[0x200000 + 0x800]);
	build_elf64(0x200000, 0x100000000ull);
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF entry point 0x100000000 is above 4 GiB");
}

TEST(multiboot, aout_kludge)
{
	struct boot_params p = params(NULL, NULL);
	uint32_t hdr = 0x40, load_addr = 0x300000;

	/* A flat binary: header at file offset 0x40, loaded from file offset 0. */
	memset(image, 0x90, sizeof(image));
	put_mb_header(image + hdr, 0x10003);
	bits_store_le(image + hdr + 12, 4, load_addr + hdr);  /* header_addr */
	bits_store_le(image + hdr + 16, 4, load_addr);        /* load_addr */
	bits_store_le(image + hdr + 20, 4, load_addr + 0x1000); /* load_end_addr */
	bits_store_le(image + hdr + 24, 4, load_addr + 0x3000); /* bss_end_addr */
	bits_store_le(image + hdr + 28, 4, load_addr + 0x80);   /* entry_addr */
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(load_addr + 0x80, mb.entry);
	ASSERT_EQ(0, memcmp(ram + load_addr, image, 0x1000));
	ASSERT_EQ(0, ram[load_addr + 0x1000]);
	ASSERT_EQ(0, ram[load_addr + 0x2fff]);
	ASSERT_EQ(0xcc, ram[load_addr + 0x3000]);
	/* load_end_addr 0: the rest of the file. */
	bits_store_le(image + hdr + 20, 4, 0);
	bits_store_le(image + hdr + 24, 4, 0);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(load_addr + IMG_SIZE, mb.kernel_end);
	/* Inconsistent addresses. */
	bits_store_le(image + hdr + 12, 4, load_addr + 0x1000); /* header would precede file */
	ASSERT_ERR("-kernel /boot/kernel.elf: Multiboot header_addr 0x301000 and load_addr "
		   "0x300000 disagree");
	bits_store_le(image + hdr + 12, 4, load_addr + hdr);
	bits_store_le(image + hdr + 20, 4, load_addr + 0x10000);
	ASSERT_ERR("-kernel /boot/kernel.elf: Multiboot load_end_addr 0x310000 is past the end "
		   "of the file");
	bits_store_le(image + hdr + 20, 4, load_addr + 0x1000);
	bits_store_le(image + hdr + 24, 4, load_addr + 0x10);
	ASSERT_ERR("-kernel /boot/kernel.elf: Multiboot bss_end_addr 0x300010 is below the "
		   "loaded image");
	bits_store_le(image + hdr + 24, 4, 0xfffff000);
	ASSERT_ERR("-kernel /boot/kernel.elf: segment 0x300000-0xffffefff is outside RAM "
		   "(usable below 0x1000000)");
}

TEST(multiboot, header_errors)
{
	struct boot_params p = params(NULL, NULL);

	memset(image, 0, sizeof(image));
	ASSERT_ERR("-kernel /boot/kernel.elf: no Multiboot header in the first 8192 bytes");
	build_elf32(LOAD_ADDR);
	bits_store_le(image + SEG_OFF + 8, 4, 0); /* bad checksum */
	ASSERT_ERR("-kernel /boot/kernel.elf: no Multiboot header in the first 8192 bytes");
	build_elf32(LOAD_ADDR);
	memmove(image + SEG_OFF + 2, image + SEG_OFF, 12); /* misaligned header */
	ASSERT_ERR("-kernel /boot/kernel.elf: no Multiboot header in the first 8192 bytes");
	build_elf32(LOAD_ADDR);
	put_mb_header(image + SEG_OFF, 0x3 | (1u << 5));
	ASSERT_ERR("-kernel /boot/kernel.elf: Multiboot header asks for unsupported features "
		   "(flags 0x23)");
	build_elf32(LOAD_ADDR);
	put_mb_header(image + SEG_OFF, 0x7); /* video mode wish: text mode is fine */
	ASSERT_TRUE(load(&p));
	build_elf32(LOAD_ADDR);
	image[0] = 'X';
	ASSERT_ERR("-kernel /boot/kernel.elf: not an ELF file (and no a.out kludge in its "
		   "Multiboot header)");
}

TEST(multiboot, header_beyond_8k_not_found)
{
	static uint8_t big[0x4000];
	struct boot_params p = params(NULL, NULL);

	build_elf32(LOAD_ADDR);
	memcpy(big, image, sizeof(image));
	memset(big + SEG_OFF, 0, 12);
	put_mb_header(big + 0x2000, 0x3); /* just past the search window */
	ASSERT_FALSE(multiboot_load_buffer(&p, big, sizeof(big), &mb, err, sizeof(err)));
}

TEST(multiboot, elf_errors)
{
	struct boot_params p = params(NULL, NULL);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)image;
	Elf32_Phdr *ph = (Elf32_Phdr *)(image + sizeof(Elf32_Ehdr));

	build_elf32(LOAD_ADDR);
	ph->p_paddr = RAM_SIZE - 0x800;
	ASSERT_ERR("-kernel /boot/kernel.elf: segment 0xfff800-0x10007ff is outside RAM "
		   "(usable below 0x1000000)");
	build_elf32(LOAD_ADDR);
	ph->p_paddr = 0xfffff000;
	ph->p_memsz = 0x2000; /* wraps 32 bits */
	ASSERT_FALSE(load(&p));
	build_elf32(LOAD_ADDR);
	ph->p_filesz = 0x2000;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF segment at 0x100000 has p_filesz > p_memsz");
	build_elf32(LOAD_ADDR);
	ph->p_offset = IMG_SIZE - 0x100;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF segment at 0x100000 lies past the end of the "
		   "file");
	build_elf32(LOAD_ADDR);
	ph->p_offset = 0xffffff00;
	ASSERT_FALSE(load(&p));
	build_elf32(LOAD_ADDR);
	eh->e_phoff = IMG_SIZE - 8;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF program headers lie past the end of the file");
	build_elf32(LOAD_ADDR);
	eh->e_phnum = 0xffff;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF program headers lie past the end of the file");
	build_elf32(LOAD_ADDR);
	eh->e_phentsize = 8;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF program header size 8 is too small");
	build_elf32(LOAD_ADDR);
	eh->e_phnum = 0;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF file has no program headers");
	build_elf32(LOAD_ADDR);
	ph->p_type = PT_NOTE;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF file has no loadable segments");
	build_elf32(LOAD_ADDR);
	eh->e_machine = EM_ARM;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF32 file is not for x86 (e_machine 40)");
	build_elf32(LOAD_ADDR);
	eh->e_type = ET_REL;
	ASSERT_ERR("-kernel /boot/kernel.elf: ELF file is not an executable");
	build_elf32(LOAD_ADDR);
	image[EI_DATA] = ELFDATA2MSB;
	ASSERT_ERR("-kernel /boot/kernel.elf: not a little-endian ELF file");
}

TEST(multiboot, truncated_images)
{
	struct boot_params p = params(NULL, NULL);

	/* Every prefix of a valid image fails cleanly or loads; none reads past its end. */
	build_elf32(LOAD_ADDR);
	for (size_t n = 0; n < SEG_OFF + SEG_FILESZ; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, image, n);
		ASSERT_FALSE(multiboot_load_buffer(&p, copy, n, &mb, err, sizeof(err)));
		free(copy);
	}
}

TEST(multiboot, mutated_headers_do_not_crash)
{
	struct boot_params p = params(NULL, NULL);
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		build_elf32(LOAD_ADDR);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			image[(seed >> 8) % (sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr))] =
				(uint8_t)(seed >> 20);
		}
		(void)load(&p); /* any verdict; ASan/UBSan builds check the rest */
	}
}

TEST(multiboot, info_moves_when_kernel_covers_low_memory)
{
	struct boot_params p = params(NULL, NULL);
	Elf32_Phdr *ph = (Elf32_Phdr *)(image + sizeof(Elf32_Ehdr));

	build_elf32(0x8000);
	ph->p_memsz = 0x4000;
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(0xc000, mb.info_addr); /* first page after the kernel */
	ASSERT_EQ(0x8000 + 0x10, mb.entry);
	ASSERT_EQ(0, memcmp(ram + 0x8000, image + SEG_OFF, SEG_FILESZ));
	/* No room anywhere: the kernel covers 0x9000 and reaches the end of RAM. */
	build_elf32(0x8000);
	ph->p_memsz = RAM_SIZE - 0x8000;
	ASSERT_ERR("-kernel /boot/kernel.elf: no room for the Multiboot information (209 bytes) "
		   "after the kernel");
}

static char *temp_file(const char *contents, size_t len)
{
	static char names[4][64];
	static int n;
	char *name = names[n++ % 4];
	int fd;

	snprintf(name, sizeof(names[0]), "/tmp/nestvm-mbtest-XXXXXX");
	fd = mkstemp(name);
	if (fd < 0 || write(fd, contents, len) != (ssize_t)len)
		return NULL;
	close(fd);
	return name;
}

TEST(multiboot, modules)
{
	char *m1 = temp_file("first module", 12), *m2 = temp_file("second", 6);
	char initrd[300];
	struct boot_params p;
	uint32_t mods;

	ASSERT_TRUE(m1 && m2);
	snprintf(initrd, sizeof(initrd), "%s arg1 arg2,%s", m1, m2);
	p = params(NULL, initrd);
	build_elf32(LOAD_ADDR);
	ASSERT_TRUE(load(&p));
	ASSERT_EQ(2, mb.nmods);
	ASSERT_EQ(2, ram32(mb.info_addr + MBI_MODS_COUNT));
	mods = ram32(mb.info_addr + MBI_MODS_ADDR);
	ASSERT_EQ(LOAD_ADDR + 0x1000, ram32(mods)); /* page-aligned after the kernel */
	ASSERT_EQ(LOAD_ADDR + 0x1000 + 12, ram32(mods + 4));
	ASSERT_EQ(0, memcmp(ram + ram32(mods), "first module", 12));
	ASSERT_EQ(LOAD_ADDR + 0x2000, ram32(mods + 16));
	ASSERT_EQ(0, memcmp(ram + ram32(mods + 16), "second", 6));
	/* The string is the whole item, arguments included, as QEMU passes it. */
	ASSERT_EQ(0, strncmp((char *)ram + ram32(mods + 8), m1, strlen(m1)));
	ASSERT_TRUE(!strcmp((char *)ram + ram32(mods + 8) + strlen(m1), " arg1 arg2"));
	ASSERT_TRUE(!strcmp((char *)ram + ram32(mods + 24), m2));
	ASSERT_EQ(MULTIBOOT_INFO_LOW, mb.info_addr);
	unlink(m1);
	unlink(m2);
}

TEST(multiboot, module_errors)
{
	struct boot_params p = params(NULL, "/nonexistent/mod args");

	build_elf32(LOAD_ADDR);
	ASSERT_ERR("-initrd /nonexistent/mod: No such file or directory");
	p = params(NULL, "/tmp");
	ASSERT_ERR("-initrd /tmp: not a regular file");
	p = params(NULL, ",x");
	ASSERT_ERR("-initrd: empty module name");
}

TEST(multiboot, file_errors)
{
	struct boot_params p = params(NULL, NULL);
	char *notelf = temp_file("hello", 5);

	p.kernel = "/nonexistent/kernel.elf";
	ASSERT_FALSE(multiboot_load(&p, &mb, err, sizeof(err)));
	ASSERT_TRUE(!strcmp(err, "-kernel /nonexistent/kernel.elf: could not load kernel: No such file or directory"));
	p.kernel = notelf;
	ASSERT_FALSE(multiboot_load(&p, &mb, err, sizeof(err)));
	ASSERT_TRUE(strstr(err, ": no Multiboot header in the first 8192 bytes") != NULL);
	unlink(notelf);
}
