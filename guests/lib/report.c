// SPDX-License-Identifier: MIT
/* Guest SDK: kvm-unit-tests style result lines and exit through isa-debug-exit. */
#include "libcflat.h"
#include "processor.h"

#define DEBUG_EXIT_PORT 0xf4

static unsigned tests, failures, skipped;
static char prefix[128];

void report_prefix_push(const char *p)
{
	size_t n = strlen(prefix);

	snprintf(prefix + n, sizeof(prefix) - n, "%s: ", p);
}

void report_prefix_pop(void)
{
	size_t n = strlen(prefix);

	if (n < 2)
		return;
	for (n -= 2; n > 0 && prefix[n - 1] != ' '; n--)
		;
	prefix[n] = 0;
}

static void vreport(const char *status, const char *fmt, va_list ap)
{
	char buf[400];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s: %s%s\n", status, prefix, buf);
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!pass)
		failures++;
	va_start(ap, fmt);
	vreport(pass ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	skipped++;
	va_start(ap, fmt);
	vreport("SKIP", fmt, ap);
	va_end(ap);
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("INFO", fmt, ap);
	va_end(ap);
}

/* 0: all passed; 1: a failure; EXIT_ALL_SKIPPED: nothing ran but skips. */
int report_summary(void)
{
	printf("SUMMARY: %u tests, %u unexpected failures, %u skipped\n", tests, failures, skipped);
	if (failures)
		return 1;
	if (!tests)
		return skipped ? EXIT_ALL_SKIPPED : 1;
	return 0;
}

void report_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("FAIL", fmt, ap);
	va_end(ap);
	printf("ABORT\n");
	exit(1);
}

/* isa-debug-exit: the VMM exits with status (value << 1) | 1. */
void exit(int code)
{
	outl(code, DEBUG_EXIT_PORT);
	for (;;)
		asm volatile("cli; hlt");
}
