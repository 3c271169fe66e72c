// SPDX-License-Identifier: MIT
/* Guest SDK: COM1 output (16550 LSR.THRE polling) and a small vsnprintf. */
#include "libcflat.h"
#include "processor.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

void serial_init(void)
{
	outb(0x00, COM1 + 1); /* IER: no interrupts */
	outb(0x80, COM1 + 3); /* LCR: DLAB */
	outb(0x01, COM1 + 0); /* divisor 1: 115200 baud */
	outb(0x00, COM1 + 1);
	outb(0x03, COM1 + 3); /* LCR: 8N1 */
}

void serial_putc(char c)
{
	unsigned spins = 0;

	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE) && ++spins < 100000)
		;
	outb(c, COM1);
}

void puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* 64-bit division by a small base without libgcc (32-bit guests have no __udivdi3). */
static unsigned divmod(uint64_t *n, unsigned base)
{
	uint64_t q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((*n >> i) & 1);
		if (r >= base) {
			r -= base;
			q |= 1ull << i;
		}
	}
	*n = q;
	return (unsigned)r;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool neg, int width, bool zero,
		    bool left, const char *prefix)
{
	char tmp[24];
	int n = 0, len, plen = strlen(prefix);

	do
		tmp[n++] = "0123456789abcdef"[divmod(&v, base)];
	while (v);
	len = n + neg + plen;
	if (!left && !zero)
		for (; width > len; width--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	while (*prefix)
		put(o, *prefix++);
	if (!left && zero)
		for (; width > len; width--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	for (; left && width > len; width--)
		put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;
		uint64_t u;
		int64_t s;
		const char *str;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = sizeof(size_t) == 8 ? 2 : 0;
			else
				break;
		}
		if (lng == 1 && sizeof(long) == 8)
			lng = 2;
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng == 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, zero, left, "");
			break;
		case 'u':
		case 'x':
			u = lng == 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			put_num(&o, u, *fmt == 'u' ? 10 : 16, false, width, zero, left,
				alt && *fmt == 'x' ? "0x" : "");
			break;
		case 'p':
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, zero, left, "0x");
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			for (s = strlen(str); !left && width > s; width--)
				put(&o, ' ');
			while (*str)
				put(&o, *str++);
			for (; left && width > s; width--)
				put(&o, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	puts(buf);
	return n;
}
