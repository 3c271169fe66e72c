/* SPDX-License-Identifier: MIT */
/*
 * The device list (-device NAME[,key=value…]) as an explicit table, after bhyve's
 * pci_devemu list, and the field walker every device's snapshot function uses.
 */
#ifndef NESTVM_DEV_REGISTRY_H
#define NESTVM_DEV_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dev/bus.h"

struct device_desc {
	const char *name;
	const char *help;
	/*
	 * Parses opts (the text after "NAME," or NULL) and, when bus is not NULL, creates
	 * the device and registers it on bus. With bus == NULL it only validates, so the
	 * command line can be checked before any machine exists. On failure writes one
	 * line (no device name, no newline) to err and returns false.
	 */
	bool (*create)(struct bus *bus, const char *opts, char *err, size_t errlen);
};

/* The device named name, or NULL. name may be followed by ",options". */
const struct device_desc *registry_find(const char *name);
/* Table access for "-device help": index 0 … registry_count() - 1. */
unsigned registry_count(void);
const struct device_desc *registry_get(unsigned i);
/* Validate (bus == NULL) or create "-device" text spec: "NAME[,k=v…]". */
bool registry_create(struct bus *bus, const char *spec, char *err, size_t errlen);
/* Instances created through the registry are kept here until the machine goes away. */
bool registry_keep(void *instance);
void registry_free_all(void);

/* Parses "key=value" pairs separated by commas, for device create functions. */
struct device_opt {
	char key[32];
	char value[96];
};
/* Returns the number of pairs (≤ max), or -1 with err filled on a malformed list. */
int registry_parse_opts(const char *opts, struct device_opt *out, int max, char *err,
			size_t errlen);
/* Parses an unsigned number in C syntax (0x…, 0…, decimal); false if not one. */
bool registry_parse_u64(const char *s, uint64_t *out);

/*
 * Snapshots: one function per device both saves and restores, driven by dir (bhyve),
 * so the two cannot drift. Each section carries a name and a version; a failing step
 * names its field.
 */
enum snapshot_dir { SNAPSHOT_SAVE, SNAPSHOT_RESTORE };

struct dev_snapshot {
	enum snapshot_dir dir;
	uint8_t *buf;
	size_t len, pos;
	const char *failed; /* the field or section that did not fit or did not match */
};

bool dev_snapshot_section(struct dev_snapshot *s, const char *name, uint32_t version);
bool dev_snapshot_field(struct dev_snapshot *s, const char *name, void *field, size_t size);

#endif
