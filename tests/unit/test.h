/* SPDX-License-Identifier: MIT */
/*
 * A small unit-test harness (after Blink's test/test.h): TEST(suite, name) registers
 * itself; ASSERT_EQ prints want/got with file:line. Each test prints one result line.
 */
#ifndef NESTVM_TESTS_UNIT_TEST_H
#define NESTVM_TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct unit_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *expr, uint64_t want, uint64_t got);
void unit_fail_msg(const char *file, int line, const char *msg);
extern bool unit_current_failed;

#define TEST(suite, name)                                                        \
	static void test_##suite##_##name(void);                                  \
	static struct unit_test unit_##suite##_##name = {#suite, #name,          \
							 test_##suite##_##name, 0}; \
	__attribute__((constructor)) static void reg_##suite##_##name(void)      \
	{                                                                        \
		unit_register(&unit_##suite##_##name);                             \
	}                                                                        \
	static void test_##suite##_##name(void)

#define ASSERT_EQ(want, got)                                                      \
	do {                                                                      \
		uint64_t w_ = (uint64_t)(want), g_ = (uint64_t)(got);             \
		if (w_ != g_) {                                                   \
			unit_fail(__FILE__, __LINE__, #got, w_, g_);              \
			return;                                                   \
		}                                                                 \
	} while (0)

#define ASSERT_TRUE(cond)                                                         \
	do {                                                                      \
		if (!(cond)) {                                                    \
			unit_fail_msg(__FILE__, __LINE__, "expected true: " #cond); \
			return;                                                   \
		}                                                                 \
	} while (0)

#define ASSERT_FALSE(cond) ASSERT_TRUE(!(cond))

#endif
