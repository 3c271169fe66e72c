/* SPDX-License-Identifier: MIT */
/* Runs every registered unit test, or those whose "suite.name" contains argv[1]. */
#include <stdlib.h>
#include <string.h>

#include "test.h"

static struct unit_test *head, **tail = &head;
bool unit_current_failed;

void unit_register(struct unit_test *t)
{
	*tail = t;
	tail = &t->next;
}

void unit_fail(const char *file, int line, const char *expr, uint64_t want, uint64_t got)
{
	printf("  %s:%d: %s: want 0x%" PRIx64 " got 0x%" PRIx64 "\n", file, line, expr, want,
	       got);
	unit_current_failed = true;
}

void unit_fail_msg(const char *file, int line, const char *msg)
{
	printf("  %s:%d: %s\n", file, line, msg);
	unit_current_failed = true;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	char full[256];

	for (struct unit_test *t = head; t; t = t->next) {
		snprintf(full, sizeof(full), "%s.%s", t->suite, t->name);
		if (argc > 1 && !strstr(full, argv[1]))
			continue;
		unit_current_failed = false;
		t->fn();
		printf("%s unit/%s\n", unit_current_failed ? "FAIL" : "PASS", full);
		if (unit_current_failed)
			failed++;
		else
			passed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
