/* SPDX-License-Identifier: MIT */
/* The command line: QEMU-style single-dash options plus nestvm's own, parsed into one struct. */
#ifndef NESTVM_CLI_OPTIONS_H
#define NESTVM_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPTIONS_MAX_DEVICES 16
#define OPTIONS_DEFAULT_RAM (128ull << 20)
#define OPTIONS_MIN_RAM (2ull << 20)
#define OPTIONS_MAX_CPUS 255
#define OPTIONS_DEFAULT_CPU "max"

enum options_action {
	OPTIONS_RUN,
	OPTIONS_HELP,        /* --help: print options_usage, exit 0 */
	OPTIONS_VERSION,     /* --version */
	OPTIONS_DEVICE_HELP, /* -device help */
	OPTIONS_CPU_HELP,    /* -cpu help */
};

enum serial_backend {
	SERIAL_STDIO,
	SERIAL_NONE,
	SERIAL_FILE,
};

struct options {
	enum options_action action;
	const char *kernel;   /* NULL: run the built-in demo */
	const char *append;
	const char *initrd;
	uint64_t ram_size;
	unsigned smp, max_cpus;
	const char *cpu;      /* "MODEL[,+feat,-feat…]" as given */
	enum serial_backend serial;
	const char *serial_path; /* SERIAL_FILE: the file */
	const char *devices[OPTIONS_MAX_DEVICES]; /* "-device" texts, validated */
	unsigned ndevices;
	bool nographic, no_reboot, no_shutdown, nodefaults;
	bool stats;
	bool no_pit; /* -machine pit=off */
	bool realtime; /* -clock realtime */
	const char *trace;
	uint64_t max_insns;
};

/*
 * Parses argv[1…]. Returns false with one line in err (no "nestvm: " prefix, no
 * newline), such as "-m 12x: bad size". Strings in o point into argv.
 */
bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f);
const char *options_version(void);
void options_cpu_models(FILE *f);
bool options_cpu_model_known(const char *cpu);
/* Parses a -m size: a plain number is MiB; K, M, G, T suffixes, B for bytes. */
bool options_parse_size(const char *s, uint64_t *bytes);

#endif
