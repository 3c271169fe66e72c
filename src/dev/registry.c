/* SPDX-License-Identifier: MIT */
/*
 * The devices -device can name, as one explicit table (bhyve's pci_devemu list): no
 * constructor tricks, no priorities. Also the helpers their create and snapshot
 * functions share.
 */
#include "dev/registry.h"

#include "dev/pci.h"
#include "dev/pcitestdev.h"
#include "dev/pctestdev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/debugexit.h"

static bool accept_no_options(const char *opts, const char *allowed, char *err,
			      size_t errlen)
{
	struct device_opt kv[8];
	int n = registry_parse_opts(opts, kv, 8, err, errlen);

	if (n < 0)
		return false;
	for (int i = 0; i < n; i++) {
		if (!allowed || strcmp(kv[i].key, allowed)) {
			snprintf(err, errlen, "no property '%s'", kv[i].key);
			return false;
		}
	}
	return true;
}

/* QEMU's pc-testdev: scratch ports, interrupt lines, the iomem page (dev/pctestdev.c). */
static bool pc_testdev_create(struct bus *bus, const char *opts, char *err, size_t errlen)
{
	struct pctestdev *t;

	if (!accept_no_options(opts, NULL, err, errlen))
		return false;
	if (!bus)
		return true;
	t = calloc(1, sizeof(*t));
	if (!t || !registry_keep(t)) {
		free(t);
		snprintf(err, errlen, "too many devices");
		return false;
	}
	pctestdev_init(t, bus->set_irq, NULL, bus->irq_opaque);
	if (!pctestdev_register(t, bus)) {
		snprintf(err, errlen, "its ports or memory are taken");
		return false;
	}
	return true;
}

/* QEMU's pci-testdev on the PCI bus (dev/pcitestdev.c); membar=SIZE adds a 64-bit BAR. */
static bool pci_testdev_create(struct bus *bus, const char *opts, char *err, size_t errlen)
{
	struct device_opt kv[4];
	uint64_t membar = 0;
	int n = registry_parse_opts(opts, kv, 4, err, errlen);
	struct pcitestdev *d;

	if (n < 0)
		return false;
	for (int i = 0; i < n; i++) {
		if (strcmp(kv[i].key, "membar")) {
			snprintf(err, errlen, "no property '%s' (has membar)", kv[i].key);
			return false;
		}
		if (!registry_parse_u64(kv[i].value, &membar)) {
			snprintf(err, errlen, "membar=%s: not a size", kv[i].value);
			return false;
		}
		/* A BAR is a power of two, at least a page here, and must fit the window. */
		if (membar && ((membar & (membar - 1)) || membar < 4096 || membar > (1ull << 26))) {
			snprintf(err, errlen, "membar=%s: not a power of two from 4K to 64M",
				 kv[i].value);
			return false;
		}
	}
	if (!bus)
		return true;
	if (!bus->pci) {
		snprintf(err, errlen, "the machine has no PCI bus");
		return false;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !registry_keep(d)) {
		free(d);
		snprintf(err, errlen, "too many devices");
		return false;
	}
	pcitestdev_init(d, membar);
	/* Slot 3, as the first free slot after QEMU's defaults. */
	if (!pcitestdev_register(d, bus->pci, PCI_DEVFN(3, 0))) {
		snprintf(err, errlen, "PCI slot 3 is taken");
		return false;
	}
	return true;
}

static const struct device_desc devices[] = {
	{"isa-debug-exit", "exit with status (value << 1) | 1 on a write; iobase=0x501,iosize=2",
	 debugexit_create},
	{"pc-testdev", "QEMU's ISA test device: ports 0xe0-0xeb, IRQ lines 0x2000-0x2017, iomem",
	 pc_testdev_create},
	{"pci-testdev", "QEMU's PCI test device (1b36:0005) in slot 3; membar=SIZE",
	 pci_testdev_create},
};

unsigned registry_count(void)
{
	return sizeof(devices) / sizeof(devices[0]);
}

const struct device_desc *registry_get(unsigned i)
{
	return i < registry_count() ? &devices[i] : NULL;
}

const struct device_desc *registry_find(const char *name)
{
	size_t len = strcspn(name, ",");

	for (unsigned i = 0; i < registry_count(); i++)
		if (strlen(devices[i].name) == len && !strncmp(devices[i].name, name, len))
			return &devices[i];
	return NULL;
}

bool registry_create(struct bus *bus, const char *spec, char *err, size_t errlen)
{
	const struct device_desc *d = registry_find(spec);
	const char *comma = strchr(spec, ',');

	if (!d) {
		snprintf(err, errlen, "unknown device (see -device help)");
		return false;
	}
	return d->create(bus, comma ? comma + 1 : NULL, err, errlen);
}

#define REGISTRY_MAX_INSTANCES 32
static void *instances[REGISTRY_MAX_INSTANCES];
static unsigned ninstances;

bool registry_keep(void *instance)
{
	if (ninstances >= REGISTRY_MAX_INSTANCES)
		return false;
	instances[ninstances++] = instance;
	return true;
}

void registry_free_all(void)
{
	while (ninstances)
		free(instances[--ninstances]);
}

int registry_parse_opts(const char *opts, struct device_opt *out, int max, char *err,
			size_t errlen)
{
	int n = 0;
	const char *p = opts;

	if (!p || !*p)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ","), klen;
		const char *eq = memchr(p, '=', len);

		if (len == 0) {
			snprintf(err, errlen, "empty property");
			return -1;
		}
		if (n >= max) {
			snprintf(err, errlen, "too many properties");
			return -1;
		}
		/* A bare "key" means key=on, as in QEMU's option syntax. */
		klen = eq ? (size_t)(eq - p) : len;
		if (klen == 0 || klen >= sizeof(out[n].key) ||
		    (eq && len - klen - 1 >= sizeof(out[n].value))) {
			snprintf(err, errlen, "malformed property '%.*s'", (int)(len > 60 ? 60 : len),
				 p);
			return -1;
		}
		memcpy(out[n].key, p, klen);
		out[n].key[klen] = 0;
		if (eq) {
			memcpy(out[n].value, eq + 1, len - klen - 1);
			out[n].value[len - klen - 1] = 0;
		} else {
			strcpy(out[n].value, "on");
		}
		n++;
		if (!p[len])
			return n;
		p += len + 1;
	}
}

bool registry_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* A section is its name and version; restoring checks both so a mismatch is named. */
bool dev_snapshot_section(struct dev_snapshot *s, const char *name, uint32_t version)
{
	size_t nlen = strlen(name);

	if (s->pos > s->len || s->len - s->pos < nlen + sizeof(version)) {
		s->failed = name;
		return false;
	}
	if (s->dir == SNAPSHOT_SAVE) {
		memcpy(s->buf + s->pos, name, nlen);
		memcpy(s->buf + s->pos + nlen, &version, sizeof(version));
	} else {
		uint32_t saved;

		memcpy(&saved, s->buf + s->pos + nlen, sizeof(saved));
		if (memcmp(s->buf + s->pos, name, nlen) || saved != version) {
			s->failed = name;
			return false;
		}
	}
	s->pos += nlen + sizeof(version);
	return true;
}

bool dev_snapshot_field(struct dev_snapshot *s, const char *name, void *field, size_t size)
{
	if (s->pos > s->len || s->len - s->pos < size) {
		s->failed = name;
		return false;
	}
	if (s->dir == SNAPSHOT_SAVE)
		memcpy(s->buf + s->pos, field, size);
	else
		memcpy(field, s->buf + s->pos, size);
	s->pos += size;
	return true;
}
