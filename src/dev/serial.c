/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART (National Semiconductor PC16550D data sheet, "Register Description"),
 * shaped like kvmtool's hw/serial.c: registers switched by name, one update_irq after
 * every access. Transmission is instant, so THR and the shift register are always
 * empty again by the time the guest looks.
 */
#include "dev/serial.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* Register offsets from the base port; DLAB = LCR bit 7 selects DLL/DLM at 0 and 1. */
enum serial_reg {
	UART_RBR = 0, /* read: receiver buffer;       write: UART_THR */
	UART_IER = 1, /* interrupt enable */
	UART_IIR = 2, /* read: interrupt ident;       write: UART_FCR */
	UART_LCR = 3, /* line control */
	UART_MCR = 4, /* modem control */
	UART_LSR = 5, /* line status */
	UART_MSR = 6, /* modem status */
	UART_SCR = 7, /* scratch */
};

#define UART_THR 0
#define UART_FCR 2
#define UART_DLL 0
#define UART_DLM 1

#define UART_IER_RDI 0x01  /* ERBFI: received data available */
#define UART_IER_THRI 0x02 /* ETBEI: transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* ELSI: receiver line status */
#define UART_IER_MSI 0x08  /* EDSSI: modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO_ENABLED 0xc0

#define UART_FCR_ENABLE_FIFO 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_FCR_DMA_SELECT 0x08
#define UART_FCR_TRIGGER_MASK 0xc0

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01   /* data ready */
#define UART_LSR_OE 0x02   /* overrun error */
#define UART_LSR_PE 0x04   /* parity error */
#define UART_LSR_FE 0x08   /* framing error */
#define UART_LSR_BI 0x10   /* break interrupt */
#define UART_LSR_THRE 0x20 /* transmitter holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */
#define UART_LSR_FIFOE 0x80
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_DELTAS 0x0f
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

/* How many LSR reads pass between two polls of the host input (a poll is a syscall). */
#define SERIAL_POLL_INTERVAL 64

static unsigned rx_capacity(const struct serial *s)
{
	/* Without the FIFO the receiver holds one character (PC16550D, "FIFO Control"). */
	return (s->fcr & UART_FCR_ENABLE_FIFO) ? 16 : 1;
}

static void serial_update_irq(struct serial *s)
{
	uint8_t iir = UART_IIR_NO_INT;
	bool level;

	/* Priority order of the data sheet's "Interrupt Control Functions" table. */
	if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_ERRORS))
		iir = UART_IIR_RLSI;
	else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR))
		iir = UART_IIR_RDI;
	else if ((s->ier & UART_IER_THRI) && s->thri_pending)
		iir = UART_IIR_THRI;
	else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTAS))
		iir = UART_IIR_MSI;
	if (s->fcr & UART_FCR_ENABLE_FIFO)
		iir |= UART_IIR_FIFO_ENABLED;
	s->iir = iir;

	/* On a PC the INTRPT pin reaches the PIC only through the OUT2-gated buffer. */
	level = !(iir & UART_IIR_NO_INT) && (s->mcr & UART_MCR_OUT2);
	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->set_irq)
			s->set_irq(s->irq_opaque, s->irq, level);
	}
}

void serial_receive(struct serial *s, uint8_t byte)
{
	if (s->rx_count >= rx_capacity(s)) {
		s->lsr |= UART_LSR_OE; /* the character in the shift register is lost */
	} else {
		s->rx[(s->rx_head + s->rx_count) % SERIAL_FIFO_LEN] = byte;
		s->rx_count++;
		s->lsr |= UART_LSR_DR;
	}
	serial_update_irq(s);
}

/* Take what the host has typed, never more than the receiver has room for. */
static void poll_input(struct serial *s)
{
	struct pollfd pfd = {.fd = s->in_fd, .events = POLLIN};
	uint8_t buf[16];
	unsigned room;
	ssize_t n;

	if (s->in_fd < 0 || (s->mcr & UART_MCR_LOOP))
		return;
	room = rx_capacity(s) - s->rx_count;
	if (room == 0 || poll(&pfd, 1, 0) <= 0)
		return;
	n = read(s->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		s->in_fd = -1; /* end of input */
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		serial_receive(s, buf[i]);
}

static void transmit(struct serial *s, uint8_t byte)
{
	if (s->mcr & UART_MCR_LOOP) {
		serial_receive(s, byte); /* the data sheet's local loopback: TSR → RSR */
	} else if (s->out) {
		/* Unbuffered, so a test runner sees each byte when the guest sends it. */
		fputc(byte, s->out);
		fflush(s->out);
	}
	s->thri_pending = true;
}

/* In loopback the modem inputs follow the modem outputs: CTS←RTS, DSR←DTR, RI←OUT1, DCD←OUT2. */
static void update_msr(struct serial *s)
{
	uint8_t old = s->msr, now;

	if (s->mcr & UART_MCR_LOOP) {
		now = 0;
		if (s->mcr & UART_MCR_RTS)
			now |= UART_MSR_CTS;
		if (s->mcr & UART_MCR_DTR)
			now |= UART_MSR_DSR;
		if (s->mcr & UART_MCR_OUT1)
			now |= UART_MSR_RI;
		if (s->mcr & UART_MCR_OUT2)
			now |= UART_MSR_DCD;
	} else {
		now = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS; /* a terminal is attached */
	}
	now |= old & UART_MSR_DELTAS;
	if ((old ^ now) & UART_MSR_CTS)
		now |= UART_MSR_DCTS;
	if ((old ^ now) & UART_MSR_DSR)
		now |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		now |= UART_MSR_TERI; /* trailing edge only */
	if ((old ^ now) & UART_MSR_DCD)
		now |= UART_MSR_DDCD;
	s->msr = now;
}

uint8_t serial_read(struct serial *s, unsigned reg)
{
	uint8_t v = 0xff;

	switch (reg) {
	case UART_RBR:
		if (s->lcr & UART_LCR_DLAB) {
			v = s->dll;
			break;
		}
		if (s->rx_count == 0)
			poll_input(s);
		v = 0;
		if (s->rx_count) {
			v = s->rx[s->rx_head];
			s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_LEN;
			s->rx_count--;
		}
		if (s->rx_count == 0)
			s->lsr &= ~UART_LSR_DR;
		break;
	case UART_IER:
		v = (s->lcr & UART_LCR_DLAB) ? s->dlm : s->ier;
		break;
	case UART_IIR:
		v = s->iir;
		/* Reading IIR while it reports THRI acknowledges that interrupt. */
		if ((v & 0x0f) == UART_IIR_THRI)
			s->thri_pending = false;
		break;
	case UART_LCR:
		v = s->lcr;
		break;
	case UART_MCR:
		v = s->mcr;
		break;
	case UART_LSR:
		if (s->poll_countdown-- == 0) {
			s->poll_countdown = SERIAL_POLL_INTERVAL;
			poll_input(s);
		}
		v = s->lsr;
		s->lsr &= ~UART_LSR_ERRORS; /* error bits clear when LSR is read */
		break;
	case UART_MSR:
		v = s->msr;
		s->msr &= ~UART_MSR_DELTAS;
		break;
	case UART_SCR:
		v = s->scr;
		break;
	}
	serial_update_irq(s);
	return v;
}

void serial_write(struct serial *s, unsigned reg, uint8_t value)
{
	switch (reg) {
	case UART_THR:
		if (s->lcr & UART_LCR_DLAB) {
			s->dll = value;
			break;
		}
		s->thri_pending = false;
		transmit(s, value);
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = value;
			break;
		}
		/* Enabling ETBEI while THR is empty raises THRI at once (16550A behaviour). */
		if (!(s->ier & UART_IER_THRI) && (value & UART_IER_THRI))
			s->thri_pending = true;
		s->ier = value & 0x0f;
		break;
	case UART_FCR:
		if ((value ^ s->fcr) & UART_FCR_ENABLE_FIFO)
			value |= UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT;
		if (value & UART_FCR_CLEAR_RCVR) {
			s->rx_count = 0;
			s->rx_head = 0;
			s->lsr &= ~UART_LSR_DR;
		}
		/* Bits 1 and 2 clear themselves; the transmitter FIFO is always empty here. */
		s->fcr = value & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT | UART_FCR_TRIGGER_MASK);
		break;
	case UART_LCR:
		s->lcr = value;
		break;
	case UART_MCR:
		s->mcr = value & UART_MCR_MASK;
		update_msr(s);
		break;
	case UART_LSR:
	case UART_MSR:
		break; /* factory test registers: writes ignored */
	case UART_SCR:
		s->scr = value;
		break;
	}
	serial_update_irq(s);
}

void serial_reset(struct serial *s)
{
	s->ier = 0;
	s->fcr = 0;
	s->lcr = 0;
	s->mcr = 0; /* master reset clears MCR (PC16550D, "Reset Operations") */
	s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	s->scr = 0;
	s->dll = 12; /* 9600 baud */
	s->dlm = 0;
	s->thri_pending = false;
	s->rx_head = s->rx_count = 0;
	s->poll_countdown = 0;
	serial_update_irq(s);
}

void serial_init(struct serial *s, FILE *out, int in_fd)
{
	*s = (struct serial){.out = out, .in_fd = in_fd, .irq = SERIAL_COM1_IRQ};
	serial_reset(s);
}

void serial_flush(struct serial *s)
{
	if (s->out)
		fflush(s->out);
}

static uint64_t serial_bus_read(void *opaque, uint64_t addr, unsigned size)
{
	return serial_read(opaque, (unsigned)addr);
}

static void serial_bus_write(void *opaque, uint64_t addr, unsigned size, uint64_t value)
{
	serial_write(opaque, (unsigned)addr, (uint8_t)value);
}

static const struct bus_ops serial_ops = {
	.read = serial_bus_read,
	.write = serial_bus_write,
};

bool serial_register(struct serial *s, struct bus *bus, uint16_t base)
{
	return bus_add_pio(bus, "serial", base, SERIAL_NR_PORTS, &serial_ops, s);
}

bool serial_snapshot(struct serial *s, struct dev_snapshot *snap)
{
	bool ok = dev_snapshot_section(snap, "serial", 1) &&
		  dev_snapshot_field(snap, "ier", &s->ier, sizeof(s->ier)) &&
		  dev_snapshot_field(snap, "fcr", &s->fcr, sizeof(s->fcr)) &&
		  dev_snapshot_field(snap, "lcr", &s->lcr, sizeof(s->lcr)) &&
		  dev_snapshot_field(snap, "mcr", &s->mcr, sizeof(s->mcr)) &&
		  dev_snapshot_field(snap, "lsr", &s->lsr, sizeof(s->lsr)) &&
		  dev_snapshot_field(snap, "msr", &s->msr, sizeof(s->msr)) &&
		  dev_snapshot_field(snap, "scr", &s->scr, sizeof(s->scr)) &&
		  dev_snapshot_field(snap, "dll", &s->dll, sizeof(s->dll)) &&
		  dev_snapshot_field(snap, "dlm", &s->dlm, sizeof(s->dlm)) &&
		  dev_snapshot_field(snap, "thri_pending", &s->thri_pending,
				     sizeof(s->thri_pending)) &&
		  dev_snapshot_field(snap, "rx", s->rx, sizeof(s->rx)) &&
		  dev_snapshot_field(snap, "rx_head", &s->rx_head, sizeof(s->rx_head)) &&
		  dev_snapshot_field(snap, "rx_count", &s->rx_count, sizeof(s->rx_count));

	if (ok && snap->dir == SNAPSHOT_RESTORE) {
		if (s->rx_head >= SERIAL_FIFO_LEN || s->rx_count > SERIAL_FIFO_LEN) {
			snap->failed = "serial.rx_count";
			return false;
		}
		serial_update_irq(s);
	}
	return ok;
}
