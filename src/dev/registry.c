/* SPDX-License-Identifier: MIT */
/*
 * The devices -device can name, as one explicit table (bhyve's pci_devemu list): no
 * constructor tricks, no priorities. Also the helpers their create and snapshot
 * functions share.
 */
#include "dev/registry.h"

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

/* QEMU's pc-testdev: accepted so kvm-unit-tests command lines run; no ports yet. */
static bool pc_testdev_create(struct bus *bus, const char *opts, char *err, size_t errlen)
{
	return accept_no_options(opts, NULL, err, errlen);
}

/* QEMU's pci-testdev: accepted without effect until there is a PCI bus. */
static bool pci_testdev_create(struct bus *bus, const char *opts, char *err, size_t errlen)
{
	return accept_no_options(opts, "membar", err, errlen);
}

static const struct device_desc devices[] = {
	{"isa-debug-exit", "exit with status (value << 1) | 1 on a write; iobase=0x501,iosize=2",
	 debugexit_create},
	{"pc-testdev", "QEMU's test device (accepted; no effect yet)", pc_testdev_create},
	{"pci-testdev", "QEMU's PCI test device (accepted; no effect until PCI)",
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
