/* SPDX-License-Identifier: MIT */
/*
 * The command line as one plain table (kvmtool's option array, minus the macro):
 * QEMU's single-dash long options, so existing test scripts run unchanged, and nestvm's
 * own. Every error is one line naming the option and the value.
 */
#include "cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dev/registry.h"
#include "l0/cpuid.h"

enum option_id {
	OPT_KERNEL, OPT_APPEND, OPT_INITRD,
	OPT_M, OPT_SMP, OPT_CPU, OPT_MACHINE, OPT_ACCEL, OPT_ENABLE_KVM,
	OPT_SERIAL, OPT_DEVICE, OPT_NOGRAPHIC, OPT_DISPLAY, OPT_VGA, OPT_VNC, OPT_MONITOR,
	OPT_NODEFAULTS, OPT_NO_REBOOT, OPT_NO_SHUTDOWN, OPT_GLOBAL, OPT_NAME, OPT_RTC,
	OPT_ICOUNT, OPT_BOOT,
	OPT_STATS, OPT_TRACE, OPT_MAX_INSNS, OPT_CLOCK, OPT_HELP, OPT_VERSION,
};

struct option_desc {
	const char *name; /* without the leading dash */
	const char *arg;  /* placeholder for the argument, NULL for a flag */
	const char *group;
	const char *help;
	enum option_id id;
};

static const struct option_desc option_table[] = {
	{"kernel", "FILE", "Boot", "Multiboot kernel to run (default: the built-in demo)", OPT_KERNEL},
	{"append", "STR", "Boot", "kernel command line (after the kernel's path, as QEMU)", OPT_APPEND},
	{"initrd", "FILE[,FILE...]", "Boot", "Multiboot modules, \"file args\" each; ,, is a comma", OPT_INITRD},

	{"m", "SIZE", "Machine", "RAM size: MiB, or K/M/G/T suffix; also size=SIZE (default 128M)", OPT_M},
	{"smp", "N", "Machine", "number of vCPUs; also cpus=N,sockets=,cores=,threads=,maxcpus=", OPT_SMP},
	{"cpu", "MODEL[,+F,-F]", "Machine", "CPU model and feature changes (default max; help lists)", OPT_CPU},
	{"machine", "TYPE[,k=v]", "Machine", "accepted for QEMU compatibility (accel=tcg only)", OPT_MACHINE},
	{"M", "TYPE[,k=v]", "Machine", "same as -machine", OPT_MACHINE},
	{"accel", "NAME", "Machine", "accepted: tcg (nestvm's own CPU); kvm is refused", OPT_ACCEL},
	{"enable-kvm", NULL, "Machine", "refused: nestvm has no KVM", OPT_ENABLE_KVM},
	{"no-reboot", NULL, "Machine", "a guest reset stops the machine (status 4)", OPT_NO_REBOOT},
	{"no-shutdown", NULL, "Machine", "accepted", OPT_NO_SHUTDOWN},
	{"global", "DRIVER.PROP=V", "Machine", "accepted, ignored", OPT_GLOBAL},
	{"name", "NAME", "Machine", "accepted, ignored", OPT_NAME},
	{"rtc", "OPTS", "Machine", "accepted, ignored", OPT_RTC},
	{"icount", "OPTS", "Machine", "deterministic time (the default; see -clock)", OPT_ICOUNT},
	{"boot", "OPTS", "Machine", "accepted, ignored", OPT_BOOT},

	{"serial", "DEV", "Devices", "COM1 backend: stdio (default), none, file:PATH", OPT_SERIAL},
	{"device", "NAME[,k=v]", "Devices", "add a device; -device help lists them", OPT_DEVICE},
	{"nodefaults", NULL, "Devices", "no default devices: COM1 needs an explicit -serial", OPT_NODEFAULTS},
	{"nographic", NULL, "Display", "accepted (nestvm never has graphics)", OPT_NOGRAPHIC},
	{"display", "none", "Display", "accepted with none", OPT_DISPLAY},
	{"vga", "none", "Display", "accepted with none", OPT_VGA},
	{"vnc", "none", "Display", "accepted with none", OPT_VNC},
	{"monitor", "none", "Display", "accepted with none", OPT_MONITOR},

	{"stats", NULL, "nestvm", "print exit statistics at the end", OPT_STATS},
	{"trace", "PATTERN", "nestvm", "enable trace events matching PATTERN", OPT_TRACE},
	{"max-insns", "N", "nestvm", "stop after N guest instructions (0: no limit)", OPT_MAX_INSNS},
	{"clock", "MODE", "nestvm", "deterministic (default: time advances with instructions) or realtime",
	 OPT_CLOCK},
	{"help", NULL, "nestvm", "print this help and exit", OPT_HELP},
	{"h", NULL, "nestvm", "same as -help", OPT_HELP},
	{"version", NULL, "nestvm", "print the version and exit", OPT_VERSION},
};

#define NOPTIONS (sizeof(option_table) / sizeof(option_table[0]))

/* CPU models accepted by -cpu; their features are the lead's (l0/cpuid) to check. */

#ifndef NESTVM_VERSION
#define NESTVM_VERSION "0.1.0"
#endif

__attribute__((format(printf, 3, 4))) static bool fail(char *err, size_t errlen,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

static const struct option_desc *find_option(const char *name)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (!strcmp(option_table[i].name, name))
			return &option_table[i];
	return NULL;
}

bool options_parse_size(const char *s, uint64_t *bytes)
{
	uint64_t v = 0, unit = 1ull << 20;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 0:
		break;
	case 'b': case 'B': unit = 1; p++; break;
	case 'k': case 'K': unit = 1ull << 10; p++; break;
	case 'm': case 'M': unit = 1ull << 20; p++; break;
	case 'g': case 'G': unit = 1ull << 30; p++; break;
	case 't': case 'T': unit = 1ull << 40; p++; break;
	default: return false;
	}
	if (*p || v > UINT64_MAX / unit)
		return false;
	*bytes = v * unit;
	return true;
}

static bool parse_uint(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Splits "a=1,b=2" in place-free fashion: the next item into buf; returns the rest or NULL. */
static const char *next_item(const char *s, char *buf, size_t len)
{
	size_t n = strcspn(s, ",");

	snprintf(buf, len, "%.*s", (int)(n < len - 1 ? n : len - 1), s);
	if (n >= len)
		buf[0] = 0; /* too long to be valid: reported as bad */
	return s[n] ? s + n + 1 : NULL;
}

/* -m [size=]SIZE[,slots=N,maxmem=SIZE] (QEMU's syntax; slots and maxmem are ignored). */
static bool parse_mem(struct options *o, const char *arg, char *err, size_t errlen)
{
	char item[64];
	const char *rest = arg;
	bool have = false;

	do {
		rest = next_item(rest, item, sizeof(item));
		const char *val = item;
		uint64_t bytes;

		if (!strncmp(item, "slots=", 6) || !strncmp(item, "maxmem=", 7))
			continue;
		if (!strncmp(item, "size=", 5))
			val = item + 5;
		if (have || !options_parse_size(val, &bytes) || bytes == 0)
			return fail(err, errlen, "-m %s: bad size", arg);
		if (bytes < OPTIONS_MIN_RAM)
			return fail(err, errlen, "-m %s: too small (at least 2M)", arg);
		if (bytes > UINT64_MAX - 0xfff)
			return fail(err, errlen, "-m %s: bad size", arg);
		o->ram_size = (bytes + 0xfff) & ~0xfffull; /* whole 4-KiB pages */
		have = true;
	} while (rest);
	if (!have)
		return fail(err, errlen, "-m %s: bad size", arg);
	return true;
}

/* -smp N[,cpus=N,sockets=,dies=,clusters=,cores=,threads=,maxcpus=] (QEMU's syntax). */
static bool parse_smp(struct options *o, const char *arg, char *err, size_t errlen)
{
	static const char *const topo[] = {"sockets=", "dies=", "clusters=", "cores=", "threads="};
	uint64_t cpus = 0, maxcpus = 0, product = 1, v;
	bool first = true, have_topo = false;
	const char *rest = arg;
	char item[64];

	do {
		bool matched = false;

		rest = next_item(rest, item, sizeof(item));
		if (first && parse_uint(item, 10, &v)) {
			cpus = v;
			matched = true;
		} else if (!strncmp(item, "cpus=", 5) && parse_uint(item + 5, 10, &v)) {
			cpus = v;
			matched = true;
		} else if (!strncmp(item, "maxcpus=", 8) && parse_uint(item + 8, 10, &v)) {
			maxcpus = v;
			matched = true;
		}
		for (size_t i = 0; !matched && i < sizeof(topo) / sizeof(topo[0]); i++) {
			size_t n = strlen(topo[i]);

			if (!strncmp(item, topo[i], n) && parse_uint(item + n, 10, &v) && v >= 1 &&
			    v <= OPTIONS_MAX_CPUS) {
				product *= v;
				have_topo = matched = true;
			}
		}
		if (!matched)
			return fail(err, errlen, "-smp %s: bad CPU count", arg);
		first = false;
	} while (rest);
	if (cpus == 0 && have_topo)
		cpus = product;
	if (maxcpus == 0)
		maxcpus = cpus;
	if (cpus < 1 || cpus > OPTIONS_MAX_CPUS || maxcpus < cpus || maxcpus > OPTIONS_MAX_CPUS)
		return fail(err, errlen, "-smp %s: bad CPU count (1 to %d)", arg, OPTIONS_MAX_CPUS);
	o->smp = (unsigned)cpus;
	o->max_cpus = (unsigned)maxcpus;
	return true;
}

bool options_cpu_model_known(const char *cpu)
{
	return cpuid_model_known(cpu);
}

static bool parse_cpu(struct options *o, const char *arg, char *err, size_t errlen)
{
	const char *p = strchr(arg, ',');

	if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
		o->action = OPTIONS_CPU_HELP;
		return true;
	}
	if (!options_cpu_model_known(arg))
		return fail(err, errlen, "-cpu %s: unknown CPU model (see -cpu help)", arg);
	/* Features: +f, -f, f, f=v; empty items are the only thing refused here. */
	while (p) {
		size_t n = strcspn(p + 1, ",");

		if (n == 0 || ((p[1] == '+' || p[1] == '-') && n == 1))
			return fail(err, errlen, "-cpu %s: empty feature", arg);
		p = strchr(p + 1, ',');
	}
	o->cpu = arg;
	return true;
}

static bool parse_serial(struct options *o, const char *arg, bool *seen, char *err,
			 size_t errlen)
{
	enum serial_backend b;
	const char *path = NULL;

	/* QEMU's "mon:stdio" multiplexes a monitor; there is none, so it is plain stdio. */
	if (!strcmp(arg, "stdio") || !strcmp(arg, "mon:stdio"))
		b = SERIAL_STDIO;
	else if (!strcmp(arg, "none") || !strcmp(arg, "null"))
		b = SERIAL_NONE;
	else if (!strncmp(arg, "file:", 5) && arg[5])
		b = SERIAL_FILE, path = arg + 5;
	else
		return fail(err, errlen, "-serial %s: not stdio, none or file:PATH", arg);
	/* A second -serial would be COM2, which does not exist; "none" there is harmless. */
	if (*seen) {
		if (b == SERIAL_NONE)
			return true;
		return fail(err, errlen, "-serial %s: only one serial port (COM1) exists", arg);
	}
	*seen = true;
	o->serial = b;
	o->serial_path = path;
	return true;
}

/* True if an accelerator list ("kvm:tcg") lets nestvm's own CPU run. */
static bool accel_ok(const char *list)
{
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ":,");

		if ((n == 3 && !strncmp(p, "tcg", 3)) || (n == 6 && !strncmp(p, "nestvm", 6)))
			return true;
		if (p[n] != ':')
			return false;
		p += n + 1;
	}
}

static bool no_kvm(const char *opt, const char *arg, char *err, size_t errlen)
{
	return fail(err, errlen, "%s%s%s: nestvm has no KVM; its own CPU runs the guest (use tcg)",
		    opt, arg ? " " : "", arg ? arg : "");
}

static bool parse_machine(struct options *o, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;

	while (p) {
		if (!strncmp(p, "accel=", 6) && !accel_ok(p + 6))
			return no_kvm("-machine", arg, err, errlen);
		/* pit=off: no 8254 (kvm-unit-tests runs some tests without one). */
		if (!strncmp(p, "pit=", 4))
			o->no_pit = !strncmp(p + 4, "off", 3) || !strncmp(p + 4, "false", 5);
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return true;
}

static bool expect_none(const char *opt, const char *arg, const char *what, char *err,
			size_t errlen)
{
	if (strcmp(arg, "none"))
		return fail(err, errlen, "-%s %s: nestvm has no %s (only none)", opt, arg, what);
	return true;
}

static bool apply(struct options *o, const struct option_desc *d, const char *arg,
		  bool *serial_seen, char *err, size_t errlen)
{
	switch (d->id) {
	case OPT_KERNEL:
		if (!*arg)
			return fail(err, errlen, "-kernel: empty file name");
		o->kernel = arg;
		return true;
	case OPT_APPEND:
		o->append = arg;
		return true;
	case OPT_INITRD:
		if (!*arg)
			return fail(err, errlen, "-initrd: empty file name");
		o->initrd = arg;
		return true;
	case OPT_M:
		return parse_mem(o, arg, err, errlen);
	case OPT_SMP:
		return parse_smp(o, arg, err, errlen);
	case OPT_CPU:
		return parse_cpu(o, arg, err, errlen);
	case OPT_MACHINE:
		return parse_machine(o, arg, err, errlen);
	case OPT_ACCEL:
		return accel_ok(arg) ? true : no_kvm("-accel", arg, err, errlen);
	case OPT_ENABLE_KVM:
		return no_kvm("-enable-kvm", NULL, err, errlen);
	case OPT_SERIAL:
		return parse_serial(o, arg, serial_seen, err, errlen);
	case OPT_DEVICE: {
		char why[200];

		if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
			o->action = OPTIONS_DEVICE_HELP;
			return true;
		}
		if (o->ndevices >= OPTIONS_MAX_DEVICES)
			return fail(err, errlen, "-device %s: more than %d devices", arg,
				    OPTIONS_MAX_DEVICES);
		if (!registry_create(NULL, arg, why, sizeof(why)))
			return fail(err, errlen, "-device %s: %s", arg, why);
		o->devices[o->ndevices++] = arg;
		return true;
	}
	case OPT_NOGRAPHIC:
		o->nographic = true;
		return true;
	case OPT_DISPLAY:
		return expect_none(d->name, arg, "display", err, errlen);
	case OPT_VGA:
		return expect_none(d->name, arg, "VGA", err, errlen);
	case OPT_VNC:
		return expect_none(d->name, arg, "VNC server", err, errlen);
	case OPT_MONITOR:
		return expect_none(d->name, arg, "monitor yet", err, errlen);
	case OPT_NODEFAULTS:
		o->nodefaults = true;
		return true;
	case OPT_NO_REBOOT:
		o->no_reboot = true;
		return true;
	case OPT_NO_SHUTDOWN:
		o->no_shutdown = true;
		return true;
	case OPT_GLOBAL:
	case OPT_NAME:
	case OPT_RTC:
	case OPT_ICOUNT:
		/* QEMU's -icount asks for instruction-counted time: nestvm's deterministic mode. */
		o->realtime = false;
		return true;
	case OPT_BOOT:
		return true;
	case OPT_CLOCK:
		if (!strcmp(arg, "deterministic"))
			o->realtime = false;
		else if (!strcmp(arg, "realtime"))
			o->realtime = true;
		else
			return fail(err, errlen, "-clock %s: not deterministic or realtime", arg);
		return true;
	case OPT_STATS:
		o->stats = true;
		return true;
	case OPT_TRACE:
		if (!*arg)
			return fail(err, errlen, "-trace: empty pattern");
		o->trace = arg;
		return true;
	case OPT_MAX_INSNS:
		if (!parse_uint(arg, 0, &o->max_insns))
			return fail(err, errlen, "-max-insns %s: bad number", arg);
		return true;
	case OPT_HELP:
		o->action = OPTIONS_HELP;
		return true;
	case OPT_VERSION:
		o->action = OPTIONS_VERSION;
		return true;
	}
	return fail(err, errlen, "-%s: not handled", d->name);
}

bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	bool serial_seen = false;

	*o = (struct options){
		.action = OPTIONS_RUN,
		.ram_size = OPTIONS_DEFAULT_RAM,
		.smp = 1,
		.max_cpus = 1,
		.cpu = OPTIONS_DEFAULT_CPU,
		.serial = SERIAL_STDIO,
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *arg = NULL;
		const struct option_desc *d;

		if (a[0] != '-' || a[1] == 0)
			return fail(err, errlen, "%s: unexpected argument (boot with -kernel FILE)", a);
		/* QEMU takes -opt and --opt alike. */
		name = a[1] == '-' ? a + 2 : a + 1;
		d = find_option(name);
		if (!d)
			return fail(err, errlen, "%s: unknown option (see --help)", a);
		if (d->arg) {
			if (i + 1 >= argc)
				return fail(err, errlen, "%s: missing argument", a);
			arg = argv[++i];
		}
		if (!apply(o, d, arg, &serial_seen, err, errlen))
			return false;
		/* help, version and the lists end parsing, as in QEMU. */
		if (o->action != OPTIONS_RUN)
			return true;
	}
	/* QEMU's -nodefaults removes the default COM1 backend; an explicit -serial keeps it. */
	if (o->nodefaults && !serial_seen)
		o->serial = SERIAL_NONE;
	if (!o->kernel && o->append)
		return fail(err, errlen, "-append: needs -kernel");
	if (!o->kernel && o->initrd)
		return fail(err, errlen, "-initrd: needs -kernel");
	return true;
}

void options_usage(FILE *f)
{
	const char *groups[NOPTIONS];
	size_t ngroups = 0, width = 0;

	for (size_t i = 0; i < NOPTIONS; i++) {
		size_t w = strlen(option_table[i].name) +
			   (option_table[i].arg ? strlen(option_table[i].arg) + 1 : 0);
		size_t g;

		if (w > width)
			width = w;
		for (g = 0; g < ngroups && strcmp(groups[g], option_table[i].group); g++)
			;
		if (g == ngroups)
			groups[ngroups++] = option_table[i].group;
	}
	fprintf(f, "Usage: nestvm [options]\n"
		   "Runs a Multiboot kernel (L1) on nestvm's software x86-64 CPU; QEMU-style options.\n");
	for (size_t g = 0; g < ngroups; g++) {
		fprintf(f, "\n%s:\n", groups[g]);
		for (size_t i = 0; i < NOPTIONS; i++) {
			const struct option_desc *d = &option_table[i];
			char left[96];

			if (strcmp(d->group, groups[g]))
				continue;
			snprintf(left, sizeof(left), "%s%s%s", d->name, d->arg ? " " : "",
				 d->arg ? d->arg : "");
			fprintf(f, "  -%-*s  %s\n", (int)width, left, d->help);
		}
	}
	fprintf(f, "\nExit status: the guest's (isa-debug-exit: (value << 1) | 1), 2 for a bad "
		   "command line,\n4 when the guest shuts down or halts for good, 6 for an internal error.\n");
}

void options_cpu_models(FILE *f)
{
	cpuid_models_print(f);
}

const char *options_version(void)
{
	return NESTVM_VERSION;
}
