/* SPDX-License-Identifier: MIT */
/* Guest SDK core: freestanding types, serial printf, report() and isa-debug-exit. */
#ifndef NESTVM_GUESTS_LIB_LIBCFLAT_H
#define NESTVM_GUESTS_LIB_LIBCFLAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __x86_64__
#define ASM_PTR ".quad"
#else
#define ASM_PTR ".long"
#endif

/* Status written to isa-debug-exit when every test was skipped (77 after (v << 1) | 1). */
#define EXIT_ALL_SKIPPED 38

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

void serial_init(void);
void serial_putc(char c);
void puts(const char *s);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_prefix_push(const char *prefix);
void report_prefix_pop(void);
int report_summary(void);
void report_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void exit(int code) __attribute__((noreturn));

/* Multiboot v1 values saved by the entry code (Multiboot Specification 0.6.96, 3.2). */
extern uint32_t mb_magic;
extern uint32_t mb_info;

int main(void);

#endif
