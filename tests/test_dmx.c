/*
 * test_dmx.c — the DMX interfaces (drivers/dmx*): the Enttec USB Pro's
 * messages, the Pro over a tty and over libusb, the uDMX; the lamp rig
 * itself is tests/test_lighting.c.
 *
 * The Enttec Pro is driven over a pty pair: the test is the widget,
 * reading the byte stream on the master side and checking the framing,
 * the start code, the channel values and the refresh rate, and it pulls
 * the "device" away and plugs a new one in to see the rig restore the
 * levels. The libusb paths (Pro and uDMX) run against a recording
 * transport, so the exact control and bulk transfers are asserted.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libusb.h>

#include "drivers/dmx.h"
#include "lighting/rig.h"
#include "tests/testutil.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(enttec_message)
{
	uint8_t ch[3] = { 10, 20, 30 };
	unsigned char m[DMX_CHANNELS + 6];

	ck_assert_uint_eq(dmx_enttec_frame(ch, 3, m), 9);
	ck_assert_int_eq(m[0], 0x7E);
	ck_assert_int_eq(m[1], 6);		/* Output Only Send DMX */
	ck_assert_int_eq(m[2] | m[3] << 8, 4);	/* start code + 3 */
	ck_assert_int_eq(m[4], 0);		/* start code */
	ck_assert_int_eq(m[5], 10);
	ck_assert_int_eq(m[7], 30);
	ck_assert_int_eq(m[8], 0xE7);
}
END_TEST

/* ---- the Pro on a pty ---------------------------------------------------- */

static int
pty_open(char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	snprintf(slave, len, "%s", ptsname(m));
	return m;
}

struct reader {
	unsigned char buf[1 << 16];
	size_t	n;
};

/*
 * Reads Pro messages from the master for secs seconds; checks each one's
 * framing and start code, keeps the last frame's channels in last and
 * returns the number of whole messages.
 */
static int
read_frames(int m, double secs, uint8_t last[DMX_CHANNELS])
{
	struct reader r = { .n = 0 };
	double end = now_s() + secs;
	int frames = 0;

	while (now_s() < end) {
		struct pollfd p = { m, POLLIN, 0 };
		ssize_t k;

		if (poll(&p, 1, 50) <= 0)
			continue;
		if ((k = read(m, r.buf + r.n, sizeof(r.buf) - r.n)) <= 0)
			break;
		r.n += (size_t)k;
		while (r.n >= DMX_CHANNELS + 6) {
			size_t len;

			ck_assert_int_eq(r.buf[0], 0x7E);
			ck_assert_int_eq(r.buf[1], 6);
			len = r.buf[2] | (size_t)r.buf[3] << 8;
			ck_assert_uint_eq(len, DMX_CHANNELS + 1);
			ck_assert_int_eq(r.buf[4], 0);	/* start code */
			ck_assert_int_eq(r.buf[5 + DMX_CHANNELS], 0xE7);
			memcpy(last, r.buf + 5, DMX_CHANNELS);
			frames++;
			memmove(r.buf, r.buf + DMX_CHANNELS + 6,
			    r.n - DMX_CHANNELS - 6);
			r.n -= DMX_CHANNELS + 6;
		}
	}
	return frames;
}

START_TEST(enttec_pty)
{
	struct rig_conf c;
	struct rig_status st;
	uint8_t last[DMX_CHANNELS];
	char slave[256], link[512], err[256];
	int m, m2, n;
	rig *r;

	m = pty_open(slave, sizeof(slave));
	/* the daemon is configured with a stable name, as with by-id */
	snprintf(link, sizeof(link), "%s/ttyUSB-pro", tu_dir);
	ck_assert_int_eq(symlink(slave, link), 0);
	tu_two_lamps(&c, "enttec-tty", link);
	r = rig_start(&c, RIG_SHOOTING, NULL, NULL, NULL, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	read_frames(m, 0.2, last);		/* settle */
	n = read_frames(m, 1.0, last);
	/* 30 Hz asked; a loaded machine may lose a few, never double */
	ck_assert_msg(n >= 20 && n <= 36, "%d frames in 1 s at 30 Hz", n);
	ck_assert_int_eq(last[0], 0xCC);
	ck_assert_int_eq(last[2], 188);
	ck_assert_int_eq(last[9], 153);
	rig_status(r, &st);
	ck_assert_int_eq(st.connected, 1);

	/* unplugged: writes fail, the status says so */
	close(m);
	unlink(link);
	tu_sleep_ms(300);
	rig_status(r, &st);
	ck_assert_int_eq(st.connected, 0);
	ck_assert_msg(st.error[0] != '\0', "no error reported");

	/* new levels while it is away, then a new device appears */
	c.lamp[1].level = 0.4;
	rig_configure(r, &c);
	m2 = pty_open(slave, sizeof(slave));
	ck_assert_int_eq(symlink(slave, link), 0);
	n = read_frames(m2, 2.0, last);
	ck_assert_msg(n > 0, "no frames after the device came back");
	ck_assert_int_eq(last[0], 0xCC);	/* levels restored */
	ck_assert_int_eq(last[9], 102);		/* and the new one: 0.4 */
	rig_status(r, &st);
	ck_assert_int_eq(st.connected, 1);
	rig_stop(r);
	close(m2);
}
END_TEST

/* ---- libusb paths through a recording transport ------------------------ */

struct xfer {
	char	kind;		/* 'o' open, 'c' control, 'b' bulk */
	unsigned a, b, c, d;	/* open: vid pid claim; control: type req
				 * value index; bulk: endpoint */
	int	len;
	unsigned char data[DMX_CHANNELS + 8];
	char	str[64];	/* open: manufacturer/product */
};

static struct {
	struct xfer x[64];
	int	n;
	int	fail_bulk;	/* next bulk returns this (0: works) */
	int	fail_control;
	int	absent;		/* open fails */
} usb;

static void *
fake_open(void *arg, uint16_t vid, uint16_t pid, const char *mf,
    const char *prod, const char *serial, int claim, char *err,
    size_t errlen)
{
	struct xfer *x = &usb.x[usb.n++ % 64];

	(void)arg;
	(void)serial;
	x->kind = 'o';
	x->a = vid;
	x->b = pid;
	x->c = (unsigned)claim;
	snprintf(x->str, sizeof(x->str), "%s/%s", mf ? mf : "",
	    prod ? prod : "");
	if (usb.absent) {
		snprintf(err, errlen, "no USB device (fake)");
		return NULL;
	}
	return &usb;
}

static int
fake_control(void *dev, uint8_t type, uint8_t req, uint16_t value,
    uint16_t index, unsigned char *data, uint16_t len, unsigned timeout)
{
	struct xfer *x = &usb.x[usb.n++ % 64];

	(void)dev;
	ck_assert_uint_gt(timeout, 0);
	x->kind = 'c';
	x->a = type;
	x->b = req;
	x->c = value;
	x->d = index;
	x->len = len;
	if (data != NULL)
		memcpy(x->data, data, len < sizeof(x->data) ? len :
		    sizeof(x->data));
	if (usb.fail_control) {
		int rc = usb.fail_control;

		usb.fail_control = 0;
		return rc;
	}
	return len;
}

static int
fake_bulk(void *dev, uint8_t ep, unsigned char *data, int len,
    unsigned timeout)
{
	struct xfer *x = &usb.x[usb.n++ % 64];

	(void)dev;
	ck_assert_uint_gt(timeout, 0);
	x->kind = 'b';
	x->a = ep;
	x->len = len;
	memcpy(x->data, data, (size_t)len < sizeof(x->data) ? (size_t)len :
	    sizeof(x->data));
	if (usb.fail_bulk) {
		int rc = usb.fail_bulk;

		usb.fail_bulk = 0;
		return rc;
	}
	return len;
}

static void
fake_close(void *dev)
{
	(void)dev;
}

static const struct dmx_usb fake = {
	fake_open, fake_control, fake_bulk, fake_close, NULL
};

static void
expect_control(int i, unsigned type, unsigned req, unsigned value,
    unsigned index)
{
	struct xfer *x = &usb.x[i];

	ck_assert_msg(x->kind == 'c' && x->a == type && x->b == req &&
	    x->c == value && x->d == index, "transfer %d: %c %02x req %u value "
	    "%04x index %u; want control %02x req %u value %04x index %u", i,
	    x->kind, x->a, x->b, x->c, x->d, type, req, value, index);
}

START_TEST(enttec_usb)
{
	struct dmx_conf c = { "enttec", "" };
	uint8_t ch[DMX_CHANNELS] = { 0 };
	char err[256];
	dmx *d;

	memset(&usb, 0, sizeof(usb));
	d = dmx_create(&c, &fake, err, sizeof(err));
	ck_assert_ptr_nonnull(d);
	ch[0] = 200;
	ch[511] = 7;
	ck_assert_msg(dmx_send(d, ch, DMX_CHANNELS) == 0, "%s", dmx_error(d));
	/* open the FTDI by its IDs and product string, taking it from
	 * ftdi_sio; then reset, 250000 baud, 8N2, no flow control, purge */
	ck_assert_int_eq(usb.x[0].kind, 'o');
	ck_assert_uint_eq(usb.x[0].a, 0x0403);
	ck_assert_uint_eq(usb.x[0].b, 0x6001);
	ck_assert_uint_eq(usb.x[0].c, 1);
	ck_assert_str_eq(usb.x[0].str, "/DMX USB PRO");
	expect_control(1, 0x40, 0, 0, 1);
	expect_control(2, 0x40, 3, 12, 0);
	expect_control(3, 0x40, 4, 0x1008, 1);
	expect_control(4, 0x40, 2, 0, 1);
	expect_control(5, 0x40, 0, 1, 1);
	expect_control(6, 0x40, 0, 2, 1);
	/* one bulk OUT on 0x02: the whole label-6 message */
	ck_assert_int_eq(usb.x[7].kind, 'b');
	ck_assert_uint_eq(usb.x[7].a, 0x02);
	ck_assert_int_eq(usb.x[7].len, DMX_CHANNELS + 6);
	ck_assert_int_eq(usb.x[7].data[0], 0x7E);
	ck_assert_int_eq(usb.x[7].data[1], 6);
	ck_assert_int_eq(usb.x[7].data[2], 0x01);	/* 513 = 0x0201 */
	ck_assert_int_eq(usb.x[7].data[3], 0x02);
	ck_assert_int_eq(usb.x[7].data[4], 0);
	ck_assert_int_eq(usb.x[7].data[5], 200);
	ck_assert_int_eq(usb.x[7].data[5 + 511], 7);
	ck_assert_int_eq(usb.x[7].data[DMX_CHANNELS + 5], 0xE7);
	ck_assert_int_eq(usb.n, 8);
	ck_assert_int_eq(dmx_connected(d), 1);

	/* unplugged mid-run: a clear error, closed; the next send reopens */
	usb.fail_bulk = LIBUSB_ERROR_NO_DEVICE;
	ck_assert_int_eq(dmx_send(d, ch, DMX_CHANNELS), -1);
	ck_assert_msg(strstr(dmx_error(d), "unplugged") != NULL, "%s",
	    dmx_error(d));
	ck_assert_int_eq(dmx_connected(d), 0);
	usb.absent = 1;
	ck_assert_int_eq(dmx_send(d, ch, DMX_CHANNELS), -1);
	usb.absent = 0;
	usb.n = 0;
	ck_assert_int_eq(dmx_send(d, ch, DMX_CHANNELS), 0);
	ck_assert_int_eq(usb.x[0].kind, 'o');	/* opened and set up again */
	ck_assert_int_eq(usb.n, 8);
	dmx_destroy(d);
}
END_TEST

START_TEST(udmx_usb)
{
	struct dmx_conf c = { "udmx", "" };
	uint8_t ch[4] = { 1, 2, 3, 255 };
	char err[256];
	dmx *d;

	memset(&usb, 0, sizeof(usb));
	d = dmx_create(&c, &fake, err, sizeof(err));
	ck_assert_ptr_nonnull(d);
	ck_assert_msg(dmx_send(d, ch, 4) == 0, "%s", dmx_error(d));
	ck_assert_uint_eq(usb.x[0].a, 0x16c0);
	ck_assert_uint_eq(usb.x[0].b, 0x05dc);
	ck_assert_uint_eq(usb.x[0].c, 0);	/* no interface to claim */
	ck_assert_str_eq(usb.x[0].str, "www.anyma.ch/uDMX");
	/* SetChannelRange: count in wValue, first channel 0 in wIndex */
	expect_control(1, 0x40, 2, DMX_CHANNELS, 0);
	ck_assert_int_eq(usb.x[1].len, DMX_CHANNELS);
	ck_assert_int_eq(usb.x[1].data[0], 1);
	ck_assert_int_eq(usb.x[1].data[3], 255);
	ck_assert_int_eq(usb.x[1].data[4], 0);
	/* a stall is one refused frame, not an unplug */
	usb.fail_control = LIBUSB_ERROR_PIPE;
	ck_assert_int_eq(dmx_send(d, ch, 4), 0);
	ck_assert_int_eq(dmx_connected(d), 1);
	usb.fail_control = LIBUSB_ERROR_IO;
	ck_assert_int_eq(dmx_send(d, ch, 4), -1);
	ck_assert_int_eq(dmx_connected(d), 0);
	dmx_destroy(d);
}
END_TEST

START_TEST(unknown_driver)
{
	struct dmx_conf c = { "dmx4all", "" };
	char err[256];

	ck_assert_ptr_null(dmx_create(&c, NULL, err, sizeof(err)));
	ck_assert(strstr(err, "not known") != NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmx");
	TCase *tc = tcase_create("dmx");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, enttec_message);
	tcase_add_test(tc, enttec_pty);
	tcase_add_test(tc, enttec_usb);
	tcase_add_test(tc, udmx_usb);
	tcase_add_test(tc, unknown_driver);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
