/* SPDX-License-Identifier: MIT */
/* The command-line parser: QEMU spellings, nestvm's own options, exact error lines. */
#include <stdarg.h>
#include <string.h>

#include "cli/options.h"
#include "test.h"

#define MAX_ARGS 32

static struct options opts;
static char err[512];

/* Parses a NULL-terminated list of arguments (argv[0] is supplied). */
static bool parse(const char *first, ...)
{
	char *argv[MAX_ARGS] = {"nestvm"};
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && argc < MAX_ARGS; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	err[0] = 0;
	return options_parse(&opts, argc, argv, err, sizeof(err));
}

static bool str_is(const char *file, int line, const char *want, const char *got)
{
	char msg[1200];

	if (got && !strcmp(want, got))
		return true;
	snprintf(msg, sizeof(msg), "want \"%s\" got \"%s\"", want, got ? got : "(null)");
	unit_fail_msg(file, line, msg);
	return false;
}

#define ASSERT_STR(want, got)                                 \
	do {                                                  \
		if (!str_is(__FILE__, __LINE__, want, got)) \
			return;                               \
	} while (0)

/* Parsing must fail with exactly this line. */
#define ASSERT_ERROR(msg, ...)                    \
	do {                                      \
		ASSERT_FALSE(parse(__VA_ARGS__, NULL)); \
		ASSERT_STR(msg, err);             \
	} while (0)

TEST(options, defaults)
{
	ASSERT_TRUE(parse(NULL));
	ASSERT_EQ(OPTIONS_RUN, opts.action);
	ASSERT_TRUE(opts.kernel == NULL);
	ASSERT_EQ(128ull << 20, opts.ram_size);
	ASSERT_EQ(1, opts.smp);
	ASSERT_STR("max", opts.cpu);
	ASSERT_EQ(SERIAL_STDIO, opts.serial);
	ASSERT_EQ(0, opts.ndevices);
	ASSERT_FALSE(opts.stats);
}

TEST(options, kvm_unit_tests_command_line)
{
	ASSERT_TRUE(parse("-nodefaults", "-device", "pc-testdev", "-device",
			  "isa-debug-exit,iobase=0xf4,iosize=0x4", "-vnc", "none", "-serial",
			  "stdio", "-device", "pci-testdev", "-machine", "accel=tcg", "-kernel",
			  "x86/vmx.flat", "-smp", "1", "-append", "-vmx_test", "-cpu", "max,+vmx",
			  "-m", "256", NULL));
	ASSERT_STR("x86/vmx.flat", opts.kernel);
	ASSERT_STR("-vmx_test", opts.append);
	ASSERT_EQ(256ull << 20, opts.ram_size);
	ASSERT_STR("max,+vmx", opts.cpu);
	ASSERT_EQ(3, opts.ndevices);
	ASSERT_STR("isa-debug-exit,iobase=0xf4,iosize=0x4", opts.devices[1]);
	ASSERT_EQ(SERIAL_STDIO, opts.serial);
	ASSERT_TRUE(opts.nodefaults);
}

TEST(options, memory_sizes)
{
	ASSERT_TRUE(parse("-m", "4g", NULL));
	ASSERT_EQ(4ull << 30, opts.ram_size);
	ASSERT_TRUE(parse("-m", "size=512M", NULL));
	ASSERT_EQ(512ull << 20, opts.ram_size);
	ASSERT_TRUE(parse("-m", "1024", NULL));
	ASSERT_EQ(1ull << 30, opts.ram_size);
	ASSERT_TRUE(parse("-m", "size=1G,slots=2,maxmem=4G", NULL));
	ASSERT_EQ(1ull << 30, opts.ram_size);
	ASSERT_TRUE(parse("-m", "3000k", NULL));
	ASSERT_EQ(3000ull << 10, opts.ram_size);
	ASSERT_TRUE(parse("--m", "2M", NULL)); /* --opt is -opt */
	ASSERT_EQ(2ull << 20, opts.ram_size);
}

TEST(options, bad_memory_sizes)
{
	ASSERT_ERROR("-m 12x: bad size", "-m", "12x");
	ASSERT_ERROR("-m 0: bad size", "-m", "0");
	ASSERT_ERROR("-m : bad size", "-m", "");
	ASSERT_ERROR("-m -5: bad size", "-m", "-5");
	ASSERT_ERROR("-m 99999999999999999999: bad size", "-m", "99999999999999999999");
	ASSERT_ERROR("-m 99999999999T: bad size", "-m", "99999999999T");
	ASSERT_ERROR("-m 1: too small (at least 2M)", "-m", "1");
	ASSERT_ERROR("-m size=1G,size=2G: bad size", "-m", "size=1G,size=2G");
	ASSERT_ERROR("-m: missing argument", "-m");
}

TEST(options, smp)
{
	ASSERT_TRUE(parse("-smp", "4", NULL));
	ASSERT_EQ(4, opts.smp);
	ASSERT_TRUE(parse("-smp", "cpus=2,maxcpus=8", NULL));
	ASSERT_EQ(2, opts.smp);
	ASSERT_EQ(8, opts.max_cpus);
	ASSERT_TRUE(parse("-smp", "sockets=2,cores=2,threads=1", NULL));
	ASSERT_EQ(4, opts.smp);
	ASSERT_ERROR("-smp 0: bad CPU count (1 to 255)", "-smp", "0");
	ASSERT_ERROR("-smp x: bad CPU count", "-smp", "x");
	ASSERT_ERROR("-smp 4,bogus=1: bad CPU count", "-smp", "4,bogus=1");
	ASSERT_ERROR("-smp 1000: bad CPU count (1 to 255)", "-smp", "1000");
	ASSERT_ERROR("-smp 4,maxcpus=2: bad CPU count (1 to 255)", "-smp", "4,maxcpus=2");
}

TEST(options, cpu)
{
	ASSERT_TRUE(parse("-cpu", "qemu64,-svm,+vmx", NULL));
	ASSERT_STR("qemu64,-svm,+vmx", opts.cpu);
	ASSERT_TRUE(parse("-cpu", "host", NULL));
	ASSERT_TRUE(parse("-cpu", "Skylake-Client,vmx=on", NULL));
	ASSERT_ERROR("-cpu pentium9: unknown CPU model (see -cpu help)", "-cpu", "pentium9");
	ASSERT_ERROR("-cpu max,,+vmx: empty feature", "-cpu", "max,,+vmx");
	ASSERT_TRUE(parse("-cpu", "help", NULL));
	ASSERT_EQ(OPTIONS_CPU_HELP, opts.action);
}

TEST(options, serial)
{
	ASSERT_TRUE(parse("-serial", "none", NULL));
	ASSERT_EQ(SERIAL_NONE, opts.serial);
	ASSERT_TRUE(parse("-serial", "file:/tmp/out.txt", NULL));
	ASSERT_EQ(SERIAL_FILE, opts.serial);
	ASSERT_STR("/tmp/out.txt", opts.serial_path);
	ASSERT_TRUE(parse("-nodefaults", NULL));
	ASSERT_EQ(SERIAL_NONE, opts.serial);
	ASSERT_TRUE(parse("-nodefaults", "-serial", "stdio", NULL));
	ASSERT_EQ(SERIAL_STDIO, opts.serial);
	ASSERT_TRUE(parse("-serial", "stdio", "-serial", "none", NULL));
	ASSERT_EQ(SERIAL_STDIO, opts.serial);
	ASSERT_ERROR("-serial bogus: not stdio, none or file:PATH", "-serial", "bogus");
	ASSERT_ERROR("-serial file:: not stdio, none or file:PATH", "-serial", "file:");
	ASSERT_ERROR("-serial stdio: only one serial port (COM1) exists", "-serial", "none",
		     "-serial", "stdio");
}

TEST(options, devices)
{
	ASSERT_TRUE(parse("-device", "isa-debug-exit", NULL));
	ASSERT_EQ(1, opts.ndevices);
	ASSERT_ERROR("-device nosuch: unknown device (see -device help)", "-device", "nosuch");
	ASSERT_ERROR("-device isa-debug-exit,foo=1: no property 'foo' (has iobase, iosize)",
		     "-device", "isa-debug-exit,foo=1");
	ASSERT_ERROR("-device isa-debug-exit,iobase=zz: iobase=zz: not a number", "-device",
		     "isa-debug-exit,iobase=zz");
	ASSERT_ERROR("-device isa-debug-exit,iobase=0xffff,iosize=4: iobase=0xffff,iosize=0x4: "
		     "outside the I/O space",
		     "-device", "isa-debug-exit,iobase=0xffff,iosize=4");
	ASSERT_ERROR("-device isa-debug-exit,,iosize=4: empty property", "-device",
		     "isa-debug-exit,,iosize=4");
	ASSERT_ERROR("-device pc-testdev,x=1: no property 'x'", "-device", "pc-testdev,x=1");
	ASSERT_TRUE(parse("-device", "help", NULL));
	ASSERT_EQ(OPTIONS_DEVICE_HELP, opts.action);
	ASSERT_TRUE(parse("-device", "?", NULL));
	ASSERT_EQ(OPTIONS_DEVICE_HELP, opts.action);
}

TEST(options, kvm_refused)
{
	ASSERT_ERROR("-enable-kvm: nestvm has no KVM; its own CPU runs the guest (use tcg)",
		     "-enable-kvm");
	ASSERT_ERROR("-accel kvm: nestvm has no KVM; its own CPU runs the guest (use tcg)",
		     "-accel", "kvm");
	ASSERT_ERROR("-machine pc,accel=kvm: nestvm has no KVM; its own CPU runs the guest "
		     "(use tcg)",
		     "-machine", "pc,accel=kvm");
	ASSERT_TRUE(parse("-machine", "accel=kvm:tcg", "-accel", "tcg", "-M", "q35,pit=off",
			  NULL));
}

TEST(options, accepted_compat_options)
{
	ASSERT_TRUE(parse("-nographic", "-no-reboot", "-display", "none", "-vga", "none",
			  "-monitor", "none", "-global", "kvm-pit.lost_tick_policy=discard",
			  "-name", "t", "-rtc", "base=utc", "-icount", "shift=0", NULL));
	ASSERT_TRUE(opts.no_reboot);
	ASSERT_TRUE(opts.nographic);
	ASSERT_ERROR("-display gtk: nestvm has no display (only none)", "-display", "gtk");
	ASSERT_ERROR("-monitor stdio: nestvm has no monitor yet (only none)", "-monitor", "stdio");
}

TEST(options, nestvm_options)
{
	ASSERT_TRUE(parse("-stats", "-trace", "kvm_nested_*", "-max-insns", "0x1000", NULL));
	ASSERT_TRUE(opts.stats);
	ASSERT_STR("kvm_nested_*", opts.trace);
	ASSERT_EQ(0x1000, opts.max_insns);
	ASSERT_ERROR("-max-insns -5: bad number", "-max-insns", "-5");
	ASSERT_ERROR("-max-insns 10q: bad number", "-max-insns", "10q");
}

TEST(options, help_and_version)
{
	ASSERT_TRUE(parse("--help", "-bogus", NULL)); /* help ends parsing, as in QEMU */
	ASSERT_EQ(OPTIONS_HELP, opts.action);
	ASSERT_TRUE(parse("-h", NULL));
	ASSERT_EQ(OPTIONS_HELP, opts.action);
	ASSERT_TRUE(parse("-version", NULL));
	ASSERT_EQ(OPTIONS_VERSION, opts.action);
	ASSERT_TRUE(parse("--version", NULL));
	ASSERT_EQ(OPTIONS_VERSION, opts.action);
}

TEST(options, usage_lists_every_group)
{
	char buf[8192] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	ASSERT_TRUE(f != NULL);
	options_usage(f);
	fclose(f);
	ASSERT_TRUE(strstr(buf, "\nBoot:\n") != NULL);
	ASSERT_TRUE(strstr(buf, "\nMachine:\n") != NULL);
	ASSERT_TRUE(strstr(buf, "\nDevices:\n") != NULL);
	ASSERT_TRUE(strstr(buf, "\nnestvm:\n") != NULL);
	ASSERT_TRUE(strstr(buf, "  -kernel FILE") != NULL);
}

TEST(options, unknown_and_stray_arguments)
{
	ASSERT_ERROR("-bogus: unknown option (see --help)", "-bogus");
	ASSERT_ERROR("--bogus: unknown option (see --help)", "--bogus");
	ASSERT_ERROR("disk.img: unexpected argument (boot with -kernel FILE)", "disk.img");
	ASSERT_ERROR("-: unexpected argument (boot with -kernel FILE)", "-");
	ASSERT_ERROR("-kernel: missing argument", "-kernel");
	ASSERT_ERROR("-kernel: empty file name", "-kernel", "");
	ASSERT_ERROR("-append: needs -kernel", "-append", "x");
	ASSERT_ERROR("-initrd: needs -kernel", "-initrd", "mod");
}
