/* SPDX-License-Identifier: MIT */
/*
 * nestvm's entry point: options → machine (vm_create) → Multiboot kernel → platform
 * devices on the bus → run. Only this layer prints user errors: one line, status 2.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/multiboot.h"
#include "cli/options.h"
#include "dev/bus.h"
#include "dev/fwcfg.h"
#include "dev/legacy.h"
#include "dev/registry.h"
#include "dev/serial.h"
#include "l0/vm.h"

#define EXIT_USAGE 2

/* The built-in demo: build/guests/demo.elf beside build/nestvm or build/<mode>/nestvm. */
static const char *find_demo(char *buf, size_t len)
{
	static const char *const rel[] = {"/guests/demo.elf", "/../guests/demo.elf"};
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if ((size_t)snprintf(buf, len, "%s%s", exe, rel[i]) >= len)
			continue;
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}

#define DEMO_DEBUG_EXIT "isa-debug-exit,iobase=0xf4,iosize=0x4"

static bool has_device(const struct options *o, const char *name)
{
	for (unsigned i = 0; i < o->ndevices; i++)
		if (registry_find(o->devices[i]) == registry_find(name))
			return true;
	return false;
}

/* QEMU's `-device help` format (name "X", desc "…"), which test runners grep for. */
static void list_devices(FILE *f)
{
	fprintf(f, "Devices (-device NAME[,key=value...]):\n");
	for (unsigned i = 0; i < registry_count(); i++)
		fprintf(f, "name \"%s\", desc \"%s\"\n", registry_get(i)->name,
			registry_get(i)->help);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "nestvm: %s\n", msg);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static char demo[PATH_MAX + 32];
	static struct serial com1;
	static struct fwcfg fwcfg;
	static struct legacy legacy;
	static struct multiboot_image img;
	struct options o;
	struct vm_config cfg;
	struct boot_params bp;
	struct fwcfg_config fc;
	struct vm *vm;
	struct bus *bus;
	FILE *serial_out = NULL;
	const char *kernel;
	char err[512];
	int status;

	if (!options_parse(&o, argc, argv, err, sizeof(err)))
		return usage_error(err);
	switch (o.action) {
	case OPTIONS_HELP:
		options_usage(stdout);
		return 0;
	case OPTIONS_VERSION:
		printf("nestvm %s\n", options_version());
		return 0;
	case OPTIONS_DEVICE_HELP:
		list_devices(stdout);
		return 0;
	case OPTIONS_CPU_HELP:
		options_cpu_models(stdout);
		return 0;
	case OPTIONS_RUN:
		break;
	}

	kernel = o.kernel ? o.kernel : find_demo(demo, sizeof(demo));
	if (!kernel)
		return usage_error("no -kernel given and the built-in demo (guests/demo.elf beside "
				   "the nestvm binary) is missing: run make");
	/* The demo reports through the guest SDK's isa-debug-exit port, as run-guests.sh sets. */
	if (!o.kernel && !has_device(&o, "isa-debug-exit") && o.ndevices < OPTIONS_MAX_DEVICES)
		o.devices[o.ndevices++] = DEMO_DEBUG_EXIT;
	/*
	 * pc-testdev is part of nestvm's default machine (test suites poke its interrupt
	 * lines); -nodefaults drops it unless -device asks for it, as kvm-unit-tests does.
	 */
	if (!o.nodefaults && !has_device(&o, "pc-testdev") && o.ndevices < OPTIONS_MAX_DEVICES)
		o.devices[o.ndevices++] = "pc-testdev";

	cfg = (struct vm_config){
		.ram_size = o.ram_size,
		.smp = o.smp,
		.cpu_model = o.cpu,
		.no_reboot = o.no_reboot,
		.stats = o.stats,
		.trace = o.trace,
		.max_insns = o.max_insns,
		.no_pit = o.no_pit,
		.realtime = o.realtime,
	};
	vm = vm_create(&cfg, err, sizeof(err));
	if (!vm)
		return usage_error(err);
	bus = vm_bus(vm);

	bp = (struct boot_params){
		.ram = vm_ram(vm),
		.ram_size = vm_ram_size(vm),
		.kernel = kernel,
		.cmdline = o.append,
		.initrd = o.initrd,
	};
	if (!multiboot_load(&bp, &img, err, sizeof(err))) {
		status = usage_error(err);
		goto out;
	}

	/* COM1; input only from a terminal, so a CI job's stdin is never consumed. */
	serial_init(&com1, NULL,
		    o.serial == SERIAL_STDIO && isatty(STDIN_FILENO) ? STDIN_FILENO : -1);
	com1.set_irq = vm_set_isa_irq;
	com1.irq_opaque = vm;
	legacy_init(&legacy, bus, VM_STATUS_SHUTDOWN);
	legacy.pit = vm_pit(vm);
	fc = (struct fwcfg_config){
		.ram_size = bp.ram_size,
		.nb_cpus = (uint16_t)o.smp,
		.max_cpus = (uint16_t)o.max_cpus,
		.cmdline = o.append ? o.append : "",
		/* The -append text is the tail of the Multiboot command line: same bytes. */
		.cmdline_addr = img.cmdline_addr + (uint32_t)strlen(kernel) + 1,
	};
	if (img.nmods) {
		fc.initrd = bp.ram + img.mod_start[0];
		fc.initrd_size = img.mod_end[0] - img.mod_start[0];
		fc.initrd_addr = img.mod_start[0];
	}
	fwcfg_init(&fwcfg, &fc);
	if (!serial_register(&com1, bus, SERIAL_COM1_BASE) || !fwcfg_register(&fwcfg, bus) ||
	    !legacy_register(&legacy)) {
		fprintf(stderr, "nestvm: platform ports are already taken on the bus\n");
		status = VM_STATUS_INTERNAL;
		goto out;
	}
	for (unsigned i = 0; i < o.ndevices; i++) {
		char why[200];

		if (!registry_create(bus, o.devices[i], why, sizeof(why))) {
			snprintf(err, sizeof(err), "-device %s: %s", o.devices[i], why);
			status = usage_error(err);
			goto out;
		}
	}
	if (!vm_finish_platform(vm, err, sizeof(err))) {
		status = usage_error(err);
		goto out;
	}

	/* Opened last among the checks, so a bad command line leaves no file behind. */
	if (o.serial == SERIAL_STDIO) {
		serial_out = stdout;
	} else if (o.serial == SERIAL_FILE) {
		serial_out = fopen(o.serial_path, "w");
		if (!serial_out) {
			snprintf(err, sizeof(err), "-serial file:%s: %s", o.serial_path,
				 strerror(errno));
			status = usage_error(err);
			goto out;
		}
	}
	com1.out = serial_out;

	vm_set_boot_state(vm, &img.state);
	status = vm_run(vm);
	serial_flush(&com1);
out:
	vm_destroy(vm);
	registry_free_all();
	if (serial_out && serial_out != stdout)
		fclose(serial_out);
	fflush(stdout);
	return status;
}
