// SPDX-License-Identifier: MIT
/* ACPI tables (ACPI 6.5, 5.2 "ACPI System Description Tables"): RSDP search and checksums, RSDT/XSDT walk, MADT processors against fw_cfg's CPU count and the I/O APIC, FADT PM timer against the PIT. */
#include "platform.h"

#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_NB_CPUS 0x05

#define IOAPIC_BASE 0xfec00000ul

struct sdt_hdr {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static const struct sdt_hdr *madt, *fadt;
static unsigned ntables, bad_checksums;

static void check_table(const struct sdt_hdr *h)
{
	bool ok = h->length >= sizeof(*h) && sum(h, h->length) == 0;
	char sig[5];

	memcpy(sig, h->sig, 4);
	sig[4] = 0;

	ntables++;
	if (!ok)
		bad_checksums++;
	report(ok, "table %s at %#lx, length %u: checksum", sig, (unsigned long)h, h->length);
	if (!memcmp(h->sig, "APIC", 4))
		madt = h;
	if (!memcmp(h->sig, "FACP", 4))
		fadt = h;
}

static const uint8_t *find_rsdp(void)
{
	for (uintptr_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			return (const uint8_t *)a;
	return NULL;
}

static uint16_t fw_cfg_nb_cpus(bool *present)
{
	char sig[4];
	uint16_t n;

	outw(FW_CFG_SIGNATURE, FW_CFG_SEL);
	for (int i = 0; i < 4; i++)
		sig[i] = inb(FW_CFG_DATA);
	*present = !memcmp(sig, "QEMU", 4);
	outw(FW_CFG_NB_CPUS, FW_CFG_SEL);
	n = inb(FW_CFG_DATA);
	n |= inb(FW_CFG_DATA) << 8;
	return n;
}

static void test_madt(void)
{
	const uint8_t *p, *end;
	unsigned cpus = 0, ioapics = 0, ioapic_id = ~0u;
	uint32_t ioapic_addr = 0;
	uint16_t nb_cpus;
	bool fwcfg;

	if (!madt) {
		report(false, "MADT (\"APIC\") present");
		return;
	}
	report(*(const uint32_t *)((const uint8_t *)madt + 36) == APIC_MMIO, "MADT local APIC address %#x",
	       *(const uint32_t *)((const uint8_t *)madt + 36));
	p = (const uint8_t *)madt + 44;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == 0 && (*(const uint32_t *)(p + 4) & 1)) /* processor local APIC, enabled */
			cpus++;
		if (p[0] == 9 && (*(const uint32_t *)(p + 8) & 1)) /* processor local x2APIC, enabled */
			cpus++;
		if (p[0] == 1) { /* I/O APIC */
			ioapics++;
			ioapic_id = p[2];
			ioapic_addr = *(const uint32_t *)(p + 4);
		}
		p += p[1];
	}
	report(p == end, "MADT entries fill the table exactly");
	nb_cpus = fw_cfg_nb_cpus(&fwcfg);
	report(fwcfg, "fw_cfg signature \"QEMU\"");
	report(fwcfg && cpus == nb_cpus, "MADT enabled processors %u == fw_cfg NB_CPUS %u", cpus, nb_cpus);
	report(ioapics == 1 && ioapic_addr == IOAPIC_BASE, "one I/O APIC at %#x (%u entries)", ioapic_addr, ioapics);
	*(volatile uint32_t *)(IOAPIC_BASE) = 0; /* IOREGSEL: ID */
	report(ioapic_id == ((*(volatile uint32_t *)(IOAPIC_BASE + 0x10) >> 24) & 0xf),
	       "MADT I/O APIC ID %u matches its ID register", ioapic_id);
}

static void test_pm_timer(void)
{
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t port, flags, t1, t2, mask, dpm;
	uint16_t c1, c2;
	uint32_t dpit;

	if (!fadt) {
		report(false, "FADT (\"FACP\") present");
		return;
	}
	port = *(const uint32_t *)(f + 76);
	flags = fadt->length >= 116 ? *(const uint32_t *)(f + 112) : 0;
	mask = (flags & (1u << 8)) ? 0xffffffffu : 0xffffffu; /* TMR_VAL_EXT */
	report(port != 0 && port < 0x10000 && f[91] == 4, "FADT PM_TMR_BLK %#x, PM_TMR_LEN %u", port, f[91]);
	if (!port)
		return;
	if (fadt->length >= 44) {
		const struct sdt_hdr *dsdt = (const struct sdt_hdr *)(uintptr_t)*(const uint32_t *)(f + 40);

		if (dsdt) {
			report(!memcmp(dsdt->sig, "DSDT", 4), "FADT DSDT pointer leads to \"DSDT\"");
			check_table(dsdt);
		}
	}

	/* PIT channel 0, mode 2, reload 65536, no interrupt (8259s masked) is the reference. */
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
	pit_program(0, 2, 0);
	/* A host that preempts the VMM between two reads skews one sample: best of three. */
	for (int attempt = 0; attempt < 3; attempt++) {
		pit_delay(0, 100);
		c1 = pit_latch(0);
		t1 = inl(port);
		pit_delay(0, 30000); /* ~25 ms */
		t2 = inl(port);
		c2 = pit_latch(0);
		dpm = (t2 - t1) & mask;
		dpit = (uint16_t)(c1 - c2);
		if (dpm >= dpit * 27 / 10 && dpm <= dpit * 33 / 10)
			break;
	}
	report(!(mask == 0xffffff && ((t1 | t2) >> 24)), "PM timer values %#x %#x fit the %s counter", t1, t2,
	       mask == 0xffffff ? "24-bit" : "32-bit");
	report(dpm != 0, "PM timer increases (%#x -> %#x)", t1, t2);
	/* 3.579545 MHz is 3 times the PIT's 1.193182 MHz. */
	report(dpm >= dpit * 27 / 10 && dpm <= dpit * 33 / 10, "PM timer runs at 3x the PIT clock (%u vs %u PIT clocks)",
	       dpm, dpit);
}

int main(void)
{
	const uint8_t *rsdp = find_rsdp();
	const struct sdt_hdr *root;
	uint32_t rsdt;
	uint64_t xsdt = 0;
	bool use_xsdt;
	unsigned n;

	if (!rsdp) {
		report(false, "RSDP found in 0xe0000-0xfffff");
		return report_summary();
	}
	report_info("RSDP at %#lx, revision %u", (unsigned long)rsdp, rsdp[15]);
	report(sum(rsdp, 20) == 0, "RSDP checksum over the first 20 bytes");
	rsdt = *(const uint32_t *)(rsdp + 16);
	if (rsdp[15] >= 2) {
		uint32_t len = *(const uint32_t *)(rsdp + 20);

		report(len >= 36 && sum(rsdp, len) == 0, "RSDP extended checksum over %u bytes", len);
		xsdt = *(const uint64_t *)(rsdp + 24);
	}
	use_xsdt = xsdt != 0;
	report(rsdt || xsdt, "RSDP points to an RSDT (%#x) or XSDT (%#llx)", rsdt, (unsigned long long)xsdt);
	if (rsdt) {
		root = (const struct sdt_hdr *)(uintptr_t)rsdt;
		report(!memcmp(root->sig, "RSDT", 4), "RSDT signature");
		if (!use_xsdt) {
			check_table(root);
			n = (root->length - sizeof(*root)) / 4;
			for (unsigned i = 0; i < n; i++)
				check_table((const struct sdt_hdr *)(uintptr_t)((const uint32_t *)(root + 1))[i]);
		} else {
			const struct sdt_hdr *x = (const struct sdt_hdr *)(uintptr_t)xsdt;
			unsigned nr = (root->length - sizeof(*root)) / 4, nx = (x->length - sizeof(*x)) / 8, same = 0;

			report(sum(root, root->length) == 0, "RSDT checksum");
			for (unsigned i = 0; i < nr && i < nx; i++) {
				uint64_t a;

				memcpy(&a, (const uint8_t *)(x + 1) + 8 * i, 8);
				same += a == ((const uint32_t *)(root + 1))[i];
			}
			report(nr == nx && same == nr, "RSDT and XSDT list the same %u tables (%u, %u match)", nx, nr, same);
		}
	}
	if (use_xsdt) {
		root = (const struct sdt_hdr *)(uintptr_t)xsdt;
		report(!memcmp(root->sig, "XSDT", 4), "XSDT signature");
		check_table(root);
		n = (root->length - sizeof(*root)) / 8;
		for (unsigned i = 0; i < n; i++) {
			uint64_t a;

			memcpy(&a, (const uint8_t *)(root + 1) + 8 * i, 8);
			check_table((const struct sdt_hdr *)(uintptr_t)a);
		}
	}
	report(ntables >= 3 && bad_checksums == 0, "%u tables, %u bad checksums", ntables, bad_checksums);
	test_madt();
	test_pm_timer();
	return report_summary();
}
