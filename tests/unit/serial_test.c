/* SPDX-License-Identifier: MIT */
/* 16550A register behaviour: reset values, DLAB, LSR, loopback, IIR priorities, FIFO. */
#include <string.h>

#include "dev/serial.h"
#include "test.h"

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static struct serial uart;

static void reset_uart(FILE *out)
{
	serial_init(&uart, out, -1);
}

TEST(serial, reset_values)
{
	reset_uart(NULL);
	ASSERT_EQ(0x60, serial_read(&uart, LSR)); /* THRE | TEMT */
	ASSERT_EQ(0x01, serial_read(&uart, IIR)); /* no interrupt pending */
	ASSERT_EQ(0x00, serial_read(&uart, IER));
	ASSERT_EQ(0x00, serial_read(&uart, LCR));
	ASSERT_EQ(0x00, serial_read(&uart, MCR));
	ASSERT_EQ(0xb0, serial_read(&uart, MSR)); /* DCD, DSR, CTS */
}

TEST(serial, transmit_goes_to_output)
{
	char buf[16] = {0};
	FILE *f = tmpfile();

	ASSERT_TRUE(f != NULL);
	reset_uart(f);
	serial_write(&uart, THR, 'o');
	serial_write(&uart, THR, 'k');
	serial_write(&uart, THR, '\n');
	ASSERT_EQ(0x60, serial_read(&uart, LSR)); /* still empty: transmission is instant */
	rewind(f);
	ASSERT_EQ(3, fread(buf, 1, sizeof(buf), f));
	ASSERT_TRUE(!strcmp(buf, "ok\n"));
	fclose(f);
}

TEST(serial, dlab_selects_divisor_latch)
{
	FILE *f = tmpfile();

	reset_uart(f);
	serial_write(&uart, IER, 0x05);
	serial_write(&uart, LCR, 0x83); /* DLAB, 8N1 */
	serial_write(&uart, 0, 0x01);   /* DLL: 115200 baud */
	serial_write(&uart, 1, 0x00);   /* DLM */
	ASSERT_EQ(0x01, serial_read(&uart, 0));
	ASSERT_EQ(0x00, serial_read(&uart, 1));
	serial_write(&uart, LCR, 0x03);
	ASSERT_EQ(0x05, serial_read(&uart, IER)); /* IER untouched by the DLM write */
	ASSERT_EQ(0x03, serial_read(&uart, LCR));
	ASSERT_EQ(0, ftell(f)); /* the DLL write transmitted nothing */
	ASSERT_EQ(0x01, uart.dll);
	fclose(f);
}

TEST(serial, loopback_receives_and_mirrors_modem_lines)
{
	FILE *f = tmpfile();

	reset_uart(f);
	serial_write(&uart, MCR, 0x10); /* LOOP */
	ASSERT_EQ(0x00, serial_read(&uart, MSR) & 0xf0);
	serial_write(&uart, THR, 0x5a);
	ASSERT_EQ(0, ftell(f)); /* looped back, not sent */
	ASSERT_EQ(0x61, serial_read(&uart, LSR)); /* DR set */
	ASSERT_EQ(0x5a, serial_read(&uart, RBR));
	ASSERT_EQ(0x60, serial_read(&uart, LSR)); /* DR clear again */
	/* RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD, with delta bits. */
	serial_write(&uart, MCR, 0x10 | 0x0f);
	ASSERT_EQ(0xf0 | 0x0b, serial_read(&uart, MSR)); /* DCTS, DDSR, DDCD; no TERI on a rise */
	ASSERT_EQ(0xf0, serial_read(&uart, MSR));        /* deltas clear on read */
	serial_write(&uart, MCR, 0x10 | 0x0b);            /* drop OUT1: RI trailing edge */
	ASSERT_EQ(0xb4, serial_read(&uart, MSR));
	fclose(f);
}

TEST(serial, overrun_without_fifo)
{
	reset_uart(NULL);
	serial_receive(&uart, 'a');
	serial_receive(&uart, 'b'); /* one-character holding register: overrun */
	ASSERT_EQ(0x63, serial_read(&uart, LSR)); /* DR | OE */
	ASSERT_EQ(0x61, serial_read(&uart, LSR)); /* OE clears on read */
	ASSERT_EQ('a', serial_read(&uart, RBR));
	ASSERT_EQ(0x00, serial_read(&uart, RBR)); /* empty */
}

TEST(serial, fifo_holds_sixteen)
{
	reset_uart(NULL);
	serial_write(&uart, FCR, 0x07);
	ASSERT_EQ(0xc1, serial_read(&uart, IIR)); /* FIFOs enabled, no interrupt */
	for (int i = 0; i < 16; i++)
		serial_receive(&uart, (uint8_t)('A' + i));
	ASSERT_EQ(0x61, serial_read(&uart, LSR));
	serial_receive(&uart, 'Z');
	ASSERT_EQ(0x63, serial_read(&uart, LSR));
	for (int i = 0; i < 16; i++)
		ASSERT_EQ('A' + i, serial_read(&uart, RBR));
	ASSERT_EQ(0x60, serial_read(&uart, LSR));
	serial_receive(&uart, 'x');
	serial_write(&uart, FCR, 0x03); /* clear the receiver FIFO */
	ASSERT_EQ(0x60, serial_read(&uart, LSR));
}

TEST(serial, iir_priorities)
{
	FILE *f = tmpfile();

	reset_uart(f);
	/* Enabling THRI with THR empty raises it at once; reading IIR acknowledges it. */
	serial_write(&uart, IER, 0x02);
	ASSERT_EQ(0x02, serial_read(&uart, IIR));
	ASSERT_EQ(0x01, serial_read(&uart, IIR));
	serial_write(&uart, THR, 'x');
	ASSERT_EQ(0x02, serial_read(&uart, IIR)); /* empty again after the write */
	/* Received data outranks THRE; line status outranks received data. */
	serial_write(&uart, IER, 0x07);
	serial_receive(&uart, '1');
	ASSERT_EQ(0x04, serial_read(&uart, IIR));
	serial_receive(&uart, '2'); /* overrun */
	ASSERT_EQ(0x06, serial_read(&uart, IIR));
	serial_read(&uart, LSR);
	ASSERT_EQ(0x04, serial_read(&uart, IIR));
	serial_read(&uart, RBR);
	ASSERT_EQ(0x01, serial_read(&uart, IIR)); /* THRI was acknowledged above */
	/* Modem status is last. */
	serial_write(&uart, IER, 0x08);
	serial_write(&uart, MCR, 0x12);
	ASSERT_EQ(0x00, serial_read(&uart, IIR));
	serial_read(&uart, MSR);
	ASSERT_EQ(0x01, serial_read(&uart, IIR));
	fclose(f);
}

static int irq_raised, irq_lowered;

static void record_irq(void *opaque, int irq, bool level)
{
	if (irq == SERIAL_COM1_IRQ && level)
		irq_raised++;
	else if (irq == SERIAL_COM1_IRQ)
		irq_lowered++;
}

TEST(serial, irq_line_gated_by_out2)
{
	reset_uart(NULL);
	uart.set_irq = record_irq;
	irq_raised = irq_lowered = 0;
	serial_write(&uart, IER, 0x01);
	serial_receive(&uart, 'q');
	ASSERT_FALSE(uart.irq_level); /* OUT2 clear: the PC's IRQ4 buffer is off */
	ASSERT_EQ(0, irq_raised);
	serial_write(&uart, MCR, 0x08);
	ASSERT_TRUE(uart.irq_level);
	ASSERT_EQ(1, irq_raised);
	serial_read(&uart, RBR);
	ASSERT_FALSE(uart.irq_level);
	ASSERT_EQ(1, irq_lowered);
}

TEST(serial, scratch_and_snapshot_round_trip)
{
	uint8_t blob[256];
	struct dev_snapshot save = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot load = {.dir = SNAPSHOT_RESTORE, .buf = blob, .len = sizeof(blob)};
	struct dev_snapshot small = {.dir = SNAPSHOT_SAVE, .buf = blob, .len = 10};

	reset_uart(NULL);
	serial_write(&uart, SCR, 0xa5);
	serial_write(&uart, LCR, 0x1b);
	serial_receive(&uart, 'r');
	ASSERT_TRUE(serial_snapshot(&uart, &save));
	reset_uart(NULL);
	ASSERT_TRUE(serial_snapshot(&uart, &load));
	ASSERT_EQ(save.pos, load.pos);
	ASSERT_EQ(0xa5, serial_read(&uart, SCR));
	ASSERT_EQ(0x1b, serial_read(&uart, LCR));
	ASSERT_EQ('r', serial_read(&uart, RBR));
	ASSERT_FALSE(serial_snapshot(&uart, &small));
	ASSERT_TRUE(small.failed != NULL);
}
