/*
 * dmx.c — the DMX interfaces behind dmx.h: the handle, the Enttec Pro
 * (libusb and tty), the uDMX and the simulated sink. The libusb transport
 * itself is in dmx_libusb.c; everything here reaches USB only through
 * struct dmx_usb, so the tests see every transfer.
 *
 * Facts used (see ../shared/hardware/NOTES.md §1, §3, §4): the Pro's
 * message is 0x7E, label, length LSB/MSB, payload, 0xE7, and label 6's
 * payload is the start code 0 followed by the channels; the FTDI is set to
 * 250000 baud 8N2 without flow control (the Pro ignores the baud rate, but
 * this is what its own driver does); the uDMX takes vendor request 2
 * (SetChannelRange) with wValue = count, wIndex = first channel (0-based)
 * and the values as data, and a stalled pipe is not fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libusb.h>

#include "drivers/dmx.h"

enum driver { D_SIM, D_ENTTEC, D_ENTTEC_TTY, D_UDMX };

/* FTDI requests (bmRequestType 0x40, vendor, device, out). */
#define FTDI_OUT		0x40
#define SIO_RESET		0
#define SIO_SET_FLOW_CTRL	2
#define SIO_SET_BAUDRATE	3
#define SIO_SET_DATA		4
#define SIO_RESET_SIO		0
#define SIO_PURGE_RX		1
#define SIO_PURGE_TX		2
#define FTDI_IFACE_A		1	/* wIndex of interface A */
#define FTDI_BAUD_250K		12	/* 48 MHz / 16 / 250000 */
#define FTDI_8N2		0x1008	/* 8 bits, no parity, 2 stop bits */
#define FTDI_EP_OUT		0x02

#define UDMX_SET_RANGE		2
#define USB_TIMEOUT_MS		500

#define ENTTEC_SOM		0x7E
#define ENTTEC_EOM		0xE7
#define ENTTEC_SEND_DMX		6

struct dmx {
	enum driver driver;
	struct dmx_conf conf;
	struct dmx_usb usb;
	void	*dev;		/* USB device, while open */
	int	fd;		/* tty or sim record file, while open */
	int	open;
	long	frames;
	struct timespec t0;
	uint8_t	last[DMX_CHANNELS];
	char	desc[PATH_MAX + 64];
	char	err[2 * PATH_MAX + 256];
};

dmx *
dmx_create(const struct dmx_conf *conf, const struct dmx_usb *usb, char *err,
    size_t errlen)
{
	static const struct { const char *name; enum driver d; } names[] = {
		{ "sim", D_SIM }, { "enttec", D_ENTTEC },
		{ "enttec-tty", D_ENTTEC_TTY }, { "udmx", D_UDMX },
	};
	dmx *d;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(conf->driver, names[i].name) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		snprintf(err, errlen, "DMX driver \"%s\" is not known (known: "
		    "sim, enttec, enttec-tty, udmx)", conf->driver);
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	d->driver = names[i].d;
	d->conf = *conf;
	d->usb = usb != NULL ? *usb : dmx_libusb;
	d->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	switch (d->driver) {
	case D_SIM:
		snprintf(d->desc, sizeof(d->desc), "simulated DMX sink%s%s",
		    conf->device[0] ? " recording to " : "", conf->device);
		break;
	case D_ENTTEC:
		snprintf(d->desc, sizeof(d->desc), "Enttec DMX USB Pro (USB%s%s)",
		    conf->device[0] ? " serial " : "", conf->device);
		break;
	case D_ENTTEC_TTY:
		snprintf(d->desc, sizeof(d->desc), "Enttec DMX USB Pro on %s",
		    conf->device);
		break;
	case D_UDMX:
		snprintf(d->desc, sizeof(d->desc), "uDMX (USB%s%s)",
		    conf->device[0] ? " serial " : "", conf->device);
		break;
	}
	return d;
}

static void
dev_close(dmx *d)
{
	if (d->dev != NULL)
		d->usb.close(d->dev);
	d->dev = NULL;
	if (d->fd != -1)
		close(d->fd);
	d->fd = -1;
	d->open = 0;
}

void
dmx_destroy(dmx *d)
{
	if (d == NULL)
		return;
	dev_close(d);
	free(d);
}

static int
usb_fail(dmx *d, const char *what, int rc)
{
	snprintf(d->err, sizeof(d->err), "%s: %s: %s", d->desc, what,
	    rc == LIBUSB_ERROR_NO_DEVICE ? "the interface was unplugged" :
	    libusb_strerror(rc));
	dev_close(d);
	return -1;
}

/* FTDI setup for the Pro: reset, 250000 8N2, no flow control, purge. */
static int
enttec_usb_open(dmx *d)
{
	static const struct { uint8_t req; uint16_t val, idx; } setup[] = {
		{ SIO_RESET, SIO_RESET_SIO, FTDI_IFACE_A },
		{ SIO_SET_BAUDRATE, FTDI_BAUD_250K, 0 },
		{ SIO_SET_DATA, FTDI_8N2, FTDI_IFACE_A },
		{ SIO_SET_FLOW_CTRL, 0, FTDI_IFACE_A },
		{ SIO_RESET, SIO_PURGE_RX, FTDI_IFACE_A },
		{ SIO_RESET, SIO_PURGE_TX, FTDI_IFACE_A },
	};
	size_t i;
	int rc;

	if ((d->dev = d->usb.open(d->usb.arg, 0x0403, 0x6001, NULL,
	    "DMX USB PRO", d->conf.device, 1, d->err, sizeof(d->err))) == NULL)
		return -1;
	for (i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if ((rc = d->usb.control(d->dev, FTDI_OUT, setup[i].req,
		    setup[i].val, setup[i].idx, NULL, 0, USB_TIMEOUT_MS)) < 0)
			return usb_fail(d, "FTDI setup", rc);
	return 0;
}

/* Raw 8N2 tty, locked against a second user (OLA uses 115200 8N1 CREAD;
 * the Pro ignores the rate of its virtual COM port). */
static int
enttec_tty_open(dmx *d)
{
	struct termios t;

	if ((d->fd = open(d->conf.device, O_RDWR | O_NOCTTY | O_CLOEXEC))
	    == -1) {
		snprintf(d->err, sizeof(d->err), "%s: %s%s", d->conf.device,
		    strerror(errno), errno == EACCES ? " (install the udev "
		    "rule and add the user to group dialout)" : "");
		return -1;
	}
	if (flock(d->fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(d->err, sizeof(d->err), "%s: in use by another "
		    "program", d->conf.device);
		goto fail;
	}
	if (tcgetattr(d->fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD | CSTOPB;
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		if (tcsetattr(d->fd, TCSANOW, &t) == -1) {
			snprintf(d->err, sizeof(d->err), "%s: tcsetattr: %s",
			    d->conf.device, strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	dev_close(d);
	return -1;
}

static int
sim_open(dmx *d)
{
	if (d->conf.device[0] == '\0')
		return 0;
	if ((d->fd = open(d->conf.device, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0644)) == -1) {
		snprintf(d->err, sizeof(d->err), "%s: %s", d->conf.device,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
dev_open(dmx *d)
{
	int rc = 0;

	switch (d->driver) {
	case D_SIM:
		rc = sim_open(d);
		break;
	case D_ENTTEC:
		rc = enttec_usb_open(d);
		break;
	case D_ENTTEC_TTY:
		rc = enttec_tty_open(d);
		break;
	case D_UDMX:
		d->dev = d->usb.open(d->usb.arg, 0x16c0, 0x05dc, "www.anyma.ch",
		    "uDMX", d->conf.device, 0, d->err, sizeof(d->err));
		rc = d->dev != NULL ? 0 : -1;
		break;
	}
	d->open = rc == 0;
	return rc;
}

size_t
dmx_enttec_frame(const uint8_t *ch, int n, unsigned char *out)
{
	size_t len = (size_t)n + 1;	/* start code + channels */

	out[0] = ENTTEC_SOM;
	out[1] = ENTTEC_SEND_DMX;
	out[2] = len & 0xff;
	out[3] = len >> 8;
	out[4] = 0;			/* DMX start code */
	memcpy(out + 5, ch, (size_t)n);
	out[5 + n] = ENTTEC_EOM;
	return (size_t)n + 6;
}

static int
write_all(dmx *d, const unsigned char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(d->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(d->err, sizeof(d->err), "%s: %s", d->desc,
			    strerror(errno));
			dev_close(d);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One line per frame: count, ms since create, channels up to the last
 * one that is not zero. */
static int
sim_record(dmx *d)
{
	char line[DMX_CHANNELS * 4 + 64];
	struct timespec now;
	int last = DMX_CHANNELS, i;
	size_t n;

	while (last > 0 && d->last[last - 1] == 0)
		last--;
	clock_gettime(CLOCK_MONOTONIC, &now);
	n = (size_t)snprintf(line, sizeof(line), "%ld %ld", d->frames,
	    (long)((now.tv_sec - d->t0.tv_sec) * 1000 +
	    (now.tv_nsec - d->t0.tv_nsec) / 1000000));
	for (i = 0; i < last; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %u",
		    d->last[i]);
	line[n++] = '\n';
	return write_all(d, (unsigned char *)line, n);
}

int
dmx_send(dmx *d, const uint8_t *ch, int n)
{
	unsigned char msg[DMX_CHANNELS + 6];
	int rc;

	if (n < 0 || n > DMX_CHANNELS) {
		snprintf(d->err, sizeof(d->err), "%d channels (DMX has 512)",
		    n);
		return -1;
	}
	if (!d->open && dev_open(d) == -1)
		return -1;
	memset(d->last, 0, sizeof(d->last));
	memcpy(d->last, ch, (size_t)n);
	d->frames++;
	switch (d->driver) {
	case D_SIM:
		return d->fd == -1 ? 0 : sim_record(d);
	case D_ENTTEC:
		dmx_enttec_frame(d->last, DMX_CHANNELS, msg);
		rc = d->usb.bulk(d->dev, FTDI_EP_OUT, msg, DMX_CHANNELS + 6,
		    USB_TIMEOUT_MS);
		if (rc < 0)
			return usb_fail(d, "sending a frame", rc);
		if (rc != DMX_CHANNELS + 6) {
			snprintf(d->err, sizeof(d->err), "%s: short write "
			    "(%d of %d bytes)", d->desc, rc, DMX_CHANNELS + 6);
			dev_close(d);
			return -1;
		}
		return 0;
	case D_ENTTEC_TTY:
		dmx_enttec_frame(d->last, DMX_CHANNELS, msg);
		return write_all(d, msg, DMX_CHANNELS + 6);
	case D_UDMX:
		rc = d->usb.control(d->dev, FTDI_OUT, UDMX_SET_RANGE,
		    DMX_CHANNELS, 0, d->last, DMX_CHANNELS, USB_TIMEOUT_MS);
		/* a stall is the firmware refusing one frame; OLA goes on */
		if (rc < 0 && rc != LIBUSB_ERROR_PIPE)
			return usb_fail(d, "sending a frame", rc);
		return 0;
	}
	return -1;
}

int
dmx_connected(const dmx *d)
{
	return d->open;
}

const char *
dmx_describe(const dmx *d)
{
	return d->desc;
}

const char *
dmx_error(const dmx *d)
{
	return d->err;
}

long
dmx_sim_last(const dmx *d, uint8_t out[DMX_CHANNELS])
{
	if (d->driver != D_SIM)
		return -1;
	memcpy(out, d->last, DMX_CHANNELS);
	return d->frames;
}
