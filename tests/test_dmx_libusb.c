/*
 * test_dmx_libusb.c — the DMX interfaces through the real libusb
 * transport (drivers/dmx_libusb.c, drivers/dmx.c) against USB devices
 * emulated by umockdev: the Enttec DMX USB Pro (an FTDI 0403:6001 with
 * Enttec's strings, ftdi_sio bound) and the Anyma uDMX (16c0:05dc).
 *
 * libusb enumerates the devices from their sysfs descriptors
 * (the .umockdev files in tests/devices), reads the strings with GET_DESCRIPTOR
 * control transfers, detaches the kernel driver, claims the interface and
 * sends the transfers, all through usbdevfs ioctls that tests/umock.h
 * answers as the kernel would and logs. The Pro must get exactly the FTDI
 * set-up of tests/devices/enttec-dmx-usb-pro.usbfs and then label-6
 * frames (built here by hand: 0x7E, 6, length 513, start code 0, the 512
 * channels, 0xE7) on bulk endpoint 0x02; the uDMX one vendor request 2
 * (SetChannelRange) with the 512 channels, and a stalled frame is not an
 * unplug. An unplug (a remove uevent,
 * then ENODEV on the next transfer) must be reported, retried while the
 * device is away, and the levels sent again once it is back (through the
 * lamp rig's thread, which re-sends the universe itself).
 *
 * Runs itself under umockdev-wrapper; skips when umockdev is missing.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/dmx.h"
#include "lighting/rig.h"
#include "tests/testutil.h"
#include "tests/umock.h"

#ifdef HAVE_UMOCKDEV

#define PRO_SYS		"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"
#define PRO_IF		PRO_SYS "/1-3:1.0"
#define PRO_NODE	"/dev/bus/usb/001/004"
#define PRO_NODE2	"/dev/bus/usb/001/006"
#define UDMX_SYS	"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"
#define UDMX_IF		UDMX_SYS "/1-4:1.0"
#define UDMX_NODE	"/dev/bus/usb/001/005"
#define UDMX_NODE2	"/dev/bus/usb/001/007"

/* Plugged back in, a USB device gets the next device number (umockdev
 * 0.17 also cannot make a node of a removed device's name again). */
static const char *const pro_again[] = {
	"001/004", "001/006", "DEVNUM=004", "DEVNUM=006", "devnum=4",
	"devnum=6", "189:3", "189:5", "MINOR=3", "MINOR=5", NULL
};
static const char *const udmx_again[] = {
	"001/005", "001/007", "DEVNUM=005", "DEVNUM=007", "devnum=5",
	"devnum=7", "189:4", "189:6", "MINOR=4", "MINOR=6", NULL
};

static UMockdevTestbed *tb;

static void
setup(void)
{
	tb = umockdev_testbed_new();
	ck_assert_ptr_nonnull(tb);
}

static void
teardown(void)
{
	g_clear_object(&tb);
}

/* Plugs a device in: its sysfs and udev data, our usbdevfs on its node. */
static struct um_usb *
plug(const char *file, const char *const *edits, const char *sys,
    const char *node, const char *driver)
{
	char err[512], path[4096];
	struct um_usb *u;
	gchar *root;

	ck_assert_msg(um_add_edit(tb, file, edits, err, sizeof(err)) == 0,
	    "%s", err);
	u = um_usb_attach(tb, node, err, sizeof(err));
	ck_assert_msg(u != NULL, "%s", err);
	root = umockdev_testbed_get_root_dir(tb);
	snprintf(path, sizeof(path), "%s%s", root, sys);
	g_free(root);
	um_usb_strings(u, path);
	snprintf(u->kernel_driver, sizeof(u->kernel_driver), "%s", driver);
	umockdev_testbed_uevent(tb, sys, "add");
	return u;
}

/* The Enttec message a lamp must get for channels ch[0..511]. */
static void
pro_frame(const uint8_t *ch, unsigned char out[518])
{
	out[0] = 0x7E;			/* start of message */
	out[1] = 6;			/* Output Only Send DMX */
	out[2] = 513 & 0xff;		/* length LSB: start code + 512 */
	out[3] = 513 >> 8;
	out[4] = 0;			/* DMX start code */
	memcpy(out + 5, ch, 512);
	out[517] = 0xE7;		/* end of message */
}

/* The FTDI set-up must be exactly the script, from log entry first on. */
static void
assert_setup(struct um_usb *u, int first)
{
	unsigned char want[16][8];
	char err[512];
	int n, i;

	n = um_read_script("enttec-dmx-usb-pro.usbfs", want, 16, err,
	    sizeof(err));
	ck_assert_msg(n == 6, "%s", n < 0 ? err : "not 6 transfers");
	ck_assert_int_ge(um_usb_nlog(u), first + n);
	for (i = 0; i < n; i++) {
		const struct um_xfer *x = &u->log[first + i];

		ck_assert_msg(x->control, "transfer %d is not a control "
		    "transfer", first + i);
		ck_assert_msg(memcmp(x->setup, want[i], 8) == 0,
		    "FTDI set-up step %d: got %02x %02x %02x%02x %02x%02x "
		    "%02x%02x, want %02x %02x %02x%02x %02x%02x %02x%02x", i,
		    x->setup[0], x->setup[1], x->setup[3], x->setup[2],
		    x->setup[5], x->setup[4], x->setup[7], x->setup[6],
		    want[i][0], want[i][1], want[i][3], want[i][2],
		    want[i][5], want[i][4], want[i][7], want[i][6]);
		ck_assert_int_eq(x->len, 0);
	}
}

static void
assert_pro_frame(struct um_usb *u, int i, const uint8_t *ch)
{
	unsigned char want[518];
	const struct um_xfer *x = &u->log[i];
	int k;

	pro_frame(ch, want);
	ck_assert_int_gt(um_usb_nlog(u), i);
	ck_assert_msg(!x->control && x->ep == 0x02, "transfer %d: not a "
	    "bulk write to 0x02", i);
	ck_assert_int_eq(x->len, 518);
	for (k = 0; k < 518; k++)
		ck_assert_msg(x->data[k] == want[k], "frame byte %d: 0x%02x, "
		    "want 0x%02x", k, x->data[k], want[k]);
}

static dmx *
pro(const char *serial)
{
	struct dmx_conf c;
	char err[512];
	dmx *d;

	memset(&c, 0, sizeof(c));
	snprintf(c.driver, sizeof(c.driver), "enttec");
	snprintf(c.device, sizeof(c.device), "%s", serial);
	d = dmx_create(&c, NULL, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

START_TEST(pro_setup_and_frames)
{
	struct um_usb *u = plug("enttec-dmx-usb-pro.umockdev", NULL, PRO_SYS,
	    PRO_NODE, "ftdi_sio");
	uint8_t ch[512];
	dmx *d = pro("EN123456");

	memset(ch, 0, sizeof(ch));
	ch[0] = 204;			/* left lamp, 16-bit dimmer */
	ch[1] = 51;
	ch[2] = 128;			/* its CCT */
	ch[511] = 7;			/* the last channel travels too */
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	ck_assert_int_eq(dmx_connected(d), 1);
	ck_assert_int_eq(u->detaches, 1);	/* ftdi_sio let go */
	ck_assert_int_eq(u->claims, 1);
	assert_setup(u, 0);
	assert_pro_frame(u, 6, ch);
	ck_assert_int_eq(um_usb_nlog(u), 7);
	/* fewer channels: the rest of the 512 go as 0 */
	ck_assert_msg(dmx_send(d, ch, 3) == 0, "%s", dmx_error(d));
	ch[511] = 0;
	assert_pro_frame(u, 7, ch);
	ck_assert_int_eq(um_usb_nlog(u), 8);
	ck_assert_msg(u->unknown[0] == '\0', "ioctls not emulated:%s",
	    u->unknown);
	dmx_destroy(d);
	um_usb_free(tb, u, PRO_NODE);
}
END_TEST

START_TEST(pro_other_serial)
{
	struct um_usb *u = plug("enttec-dmx-usb-pro.umockdev", NULL, PRO_SYS,
	    PRO_NODE, "ftdi_sio");
	uint8_t ch[512] = { 0 };
	dmx *d = pro("EN999999");

	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "no USB device 0403:6001 \"DMX "
	    "USB PRO\" with that serial found") != NULL, "%s", dmx_error(d));
	ck_assert_int_eq(um_usb_nlog(u), 0);	/* nothing was sent to it */
	ck_assert_int_eq(u->claims, 0);
	dmx_destroy(d);
	um_usb_free(tb, u, PRO_NODE);
}
END_TEST

START_TEST(pro_unplug_and_back)
{
	struct um_usb *u = plug("enttec-dmx-usb-pro.umockdev", NULL, PRO_SYS,
	    PRO_NODE, "ftdi_sio"), *u2;
	uint8_t ch[512];
	dmx *d = pro("");

	memset(ch, 0, sizeof(ch));
	ch[0] = 200;
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	/* unplugged: the remove uevent, then ENODEV on the next transfer */
	umockdev_testbed_uevent(tb, PRO_IF, "remove");
	umockdev_testbed_remove_device(tb, PRO_IF);
	um_usb_unplug(tb, u, PRO_SYS);
	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "sending a frame: the interface "
	    "was unplugged") != NULL, "%s", dmx_error(d));
	ck_assert_int_ge(u->nodev, 1);
	ck_assert_int_eq(dmx_connected(d), 0);
	/* retried while it is away: found no more */
	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "no USB device 0403:6001") != NULL,
	    "%s", dmx_error(d));
	/* back (as the next device number): set up again, same levels */
	u2 = plug("enttec-dmx-usb-pro.umockdev", pro_again, PRO_SYS,
	    PRO_NODE2, "ftdi_sio");
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	assert_setup(u2, 0);
	assert_pro_frame(u2, 6, ch);
	dmx_destroy(d);
	um_usb_free(tb, u2, PRO_NODE2);
	um_usb_free(tb, u, PRO_NODE);
}
END_TEST

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits up to ms for the rig's state to be connected (or not). */
static int
wait_connected(rig *r, int want, int ms, struct rig_status *st)
{
	long long end = now_ms() + ms;

	do {
		rig_status(r, st);
		if (st->connected == want && (want || st->error[0]))
			return 1;
		usleep(20 * 1000);
	} while (now_ms() < end);
	return 0;
}

/* Waits up to ms for a bulk frame logged after entry `after`; its index. */
static int
wait_frame(struct um_usb *u, int after, int ms)
{
	long long end = now_ms() + ms;
	int i;

	do {
		for (i = um_usb_nlog(u) - 1; i > after; i--)
			if (!u->log[i].control)
				return i;
		usleep(20 * 1000);
	} while (now_ms() < end);
	return -1;
}

/* The lamp rig's thread keeps the levels up across an unplug. */
START_TEST(rig_levels_back_after_replug)
{
	struct um_usb *u = plug("enttec-dmx-usb-pro.umockdev", NULL, PRO_SYS,
	    PRO_NODE, "ftdi_sio"), *u2;
	struct rig_conf c;
	struct rig_status st;
	double lv[RIG_MAX_LAMPS];
	uint8_t want[512];
	char err[512];
	rig *r;
	int i, f;

	rig_conf_default(&c);
	snprintf(c.dmx.driver, sizeof(c.dmx.driver), "enttec");
	c.dmx.device[0] = '\0';
	c.refresh_hz = 30;
	for (i = 0; i < c.nlamps; i++) {
		c.lamp[i].fade_ms = 0;
		c.lamp[i].level = i == 0 ? 0.8 : 0.6;
		lv[i] = c.lamp[i].level;
	}
	rig_frame(&c, lv, want);
	r = rig_start(&c, RIG_SHOOTING, NULL, NULL, NULL, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_msg(wait_connected(r, 1, 5000, &st), "%s", st.error);
	f = wait_frame(u, 7, 5000);	/* settled: not the first frame */
	ck_assert_int_gt(f, 0);
	assert_setup(u, 0);
	assert_pro_frame(u, f, want);

	umockdev_testbed_uevent(tb, PRO_IF, "remove");
	umockdev_testbed_remove_device(tb, PRO_IF);
	um_usb_unplug(tb, u, PRO_SYS);
	ck_assert_msg(wait_connected(r, 0, 5000, &st), "still connected");
	ck_assert_msg(strstr(st.error, "unplugged") != NULL, "%s", st.error);

	u2 = plug("enttec-dmx-usb-pro.umockdev", pro_again, PRO_SYS,
	    PRO_NODE2, "ftdi_sio");
	/* the rig retries once a second */
	ck_assert_msg(wait_connected(r, 1, 5000, &st), "%s", st.error);
	f = wait_frame(u2, 5, 5000);
	ck_assert_int_gt(f, 0);
	assert_setup(u2, 0);
	assert_pro_frame(u2, 6, want);	/* the first frame: the levels */
	assert_pro_frame(u2, f, want);
	rig_stop(r);
	um_usb_free(tb, u2, PRO_NODE2);
	um_usb_free(tb, u, PRO_NODE);
}
END_TEST

static dmx *
udmx(void)
{
	struct dmx_conf c;
	char err[512];
	dmx *d;

	memset(&c, 0, sizeof(c));
	snprintf(c.driver, sizeof(c.driver), "udmx");
	d = dmx_create(&c, NULL, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

/* SetChannelRange: vendor OUT request 2, wValue 512 channels, wIndex 0
 * (the first channel, 0-based), the values as data (NOTES.md §3). */
static void
assert_udmx(struct um_usb *u, int i, const uint8_t *ch)
{
	static const unsigned char setup[8] = {
		0x40, 2, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02
	};
	const struct um_xfer *x = &u->log[i];

	ck_assert_int_gt(um_usb_nlog(u), i);
	ck_assert(x->control);
	ck_assert_msg(memcmp(x->setup, setup, 8) == 0, "setup %02x %02x "
	    "%02x%02x %02x%02x %02x%02x", x->setup[0], x->setup[1],
	    x->setup[3], x->setup[2], x->setup[5], x->setup[4], x->setup[7],
	    x->setup[6]);
	ck_assert_int_eq(x->len, 512);
	ck_assert(memcmp(x->data, ch, 512) == 0);
}

START_TEST(udmx_frames_unplug_and_back)
{
	struct um_usb *u = plug("anyma-udmx.umockdev", NULL, UDMX_SYS,
	    UDMX_NODE, ""), *u2;
	uint8_t ch[512];
	dmx *d = udmx();

	memset(ch, 0, sizeof(ch));
	ch[0] = 255;
	ch[3] = 64;
	ch[511] = 1;
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	ck_assert_int_eq(um_usb_nlog(u), 1);	/* one transfer per frame */
	assert_udmx(u, 0, ch);
	ck_assert_int_eq(u->claims, 0);		/* EP0 needs no claim */
	ck_assert_msg(u->unknown[0] == '\0', "ioctls not emulated:%s",
	    u->unknown);
	/* the firmware refuses one frame (a stall): not an unplug */
	u->stall = 1;
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	ck_assert_int_eq(dmx_connected(d), 1);
	ck_assert_int_eq(um_usb_nlog(u), 2);
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	assert_udmx(u, 2, ch);

	umockdev_testbed_uevent(tb, UDMX_IF, "remove");
	umockdev_testbed_remove_device(tb, UDMX_IF);
	um_usb_unplug(tb, u, UDMX_SYS);
	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "the interface was unplugged") !=
	    NULL, "%s", dmx_error(d));
	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "no USB device 16c0:05dc") !=
	    NULL, "%s", dmx_error(d));

	u2 = plug("anyma-udmx.umockdev", udmx_again, UDMX_SYS, UDMX_NODE2,
	    "");
	ck_assert_msg(dmx_send(d, ch, 512) == 0, "%s", dmx_error(d));
	assert_udmx(u2, 0, ch);
	dmx_destroy(d);
	um_usb_free(tb, u2, UDMX_NODE2);
	um_usb_free(tb, u, UDMX_NODE);
}
END_TEST

/* A 16c0:05dc that is not a uDMX (another V-USB gadget) is left alone. */
START_TEST(udmx_other_vusb_device)
{
	static const char *const other[] = {
		"A: manufacturer=www.anyma.ch", "A: manufacturer=example.org",
		NULL
	};
	struct um_usb *u = plug("anyma-udmx.umockdev", other, UDMX_SYS,
	    UDMX_NODE, "");
	uint8_t ch[512] = { 0 };
	dmx *d = udmx();

	ck_assert_int_eq(dmx_send(d, ch, 512), -1);
	ck_assert_msg(strstr(dmx_error(d), "no USB device 16c0:05dc") !=
	    NULL, "%s", dmx_error(d));
	ck_assert_int_eq(um_usb_nlog(u), 0);
	dmx_destroy(d);
	um_usb_free(tb, u, UDMX_NODE);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	um_enter(argc, argv);
	s = suite_create("dmx_libusb");
	tc = tcase_create("umockdev");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pro_setup_and_frames);
	tcase_add_test(tc, pro_other_serial);
	tcase_add_test(tc, pro_unplug_and_back);
	tcase_add_test(tc, rig_levels_back_after_replug);
	tcase_add_test(tc, udmx_frames_unplug_and_back);
	tcase_add_test(tc, udmx_other_vusb_device);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

#else

int
main(void)
{
	fprintf(stderr, "SKIP: built without umockdev (libumockdev-dev; "
	    "make deps): the USB DMX interfaces are not emulated\n");
	return 0;
}

#endif
