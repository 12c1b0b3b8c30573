/*
 * test_pedal_evdev.c — the foot pedal through the real evdev path of
 * drivers/pedal.c (libevdev open, capability check, EVIOCGRAB, key
 * reading) against a PCsensor 0c45:7403 keyboard node emulated by
 * umockdev: sysfs and udev data from tests/devices/pcsensor-footswitch.
 * umockdev, its evdev ioctls from .ioctl, and its key events from an
 * evemu file replayed with their timestamps. The debounce results must be
 * those of the FIFO test (tests/test_pedal.c) on the same timeline. Then
 * the pedal is unplugged (remove uevent, node gone, reads fail as on a
 * hung-up device), must be reported, must not reopen while absent, and
 * must reopen at the first try after it is plugged back in.
 *
 * Every ioctl the driver sends is watched (an emission hook on umockdev's
 * "handle-ioctl" signal), so a driver that does not grab the pedal fails.
 * Runs itself under umockdev-wrapper; skips when umockdev is missing.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/pedal.h"
#include "tests/testutil.h"
#include "tests/umock.h"

#ifdef HAVE_UMOCKDEV

#define NODE	"/dev/input/event5"
#define SYSPATH	"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/" \
		"0003:0C45:7403.0001/input/input5/event5"
/* the longest quiet gap in the events file is 0.7 s */
#define QUIET_MS	2500

static UMockdevTestbed *tb;
static volatile int grabs, ungrabs, ioctls;

/* Sees every ioctl umockdev handles for the emulated nodes. */
static gboolean
watch_ioctl(GSignalInvocationHint *hint, guint n, const GValue *v,
    gpointer arg)
{
	UMockdevIoctlClient *c;

	(void)hint;
	(void)arg;
	if (n < 2 || (c = g_value_get_object(&v[1])) == NULL)
		return TRUE;
	__atomic_add_fetch(&ioctls, 1, __ATOMIC_SEQ_CST);
	if (umockdev_ioctl_client_get_request(c) == EVIOCGRAB) {
		UMockdevIoctlData *a = umockdev_ioctl_client_get_arg(c);

		if (*(unsigned long *)a->data)
			__atomic_add_fetch(&grabs, 1, __ATOMIC_SEQ_CST);
		else
			__atomic_add_fetch(&ungrabs, 1, __ATOMIC_SEQ_CST);
	}
	return TRUE;
}

static void
plug(const char *events)
{
	char err[512];
	GError *e = NULL;

	ck_assert_msg(um_add(tb, "pcsensor-footswitch.umockdev", err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(umockdev_testbed_load_ioctl(tb, NODE,
	    um_device_file("pcsensor-footswitch.ioctl"), &e), "%s",
	    e ? e->message : "?");
	ck_assert_msg(umockdev_testbed_load_evemu_events(tb, NODE,
	    um_device_file(events), &e), "%s", e ? e->message : "?");
	umockdev_testbed_uevent(tb, SYSPATH, "add");
}

static void
setup(void)
{
	static gulong hook;
	guint sig;

	tb = umockdev_testbed_new();
	ck_assert_ptr_nonnull(tb);
	if (hook == 0) {
		sig = g_signal_lookup("handle-ioctl",
		    umockdev_ioctl_base_get_type());
		ck_assert_uint_ne(sig, 0);
		hook = g_signal_add_emission_hook(sig, 0, watch_ioctl, NULL,
		    NULL);
	}
	grabs = ungrabs = ioctls = 0;
}

static void
teardown(void)
{
	g_clear_object(&tb);
}

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Reads until the device has been quiet for QUIET_MS: the presses that
 * fired. -1 (and err) when the device went away.
 */
static int
read_all(pedal *p, char *err, size_t errlen)
{
	struct pollfd pfd;
	long long last = now_ms();
	int fired = 0, n;

	while (now_ms() - last < QUIET_MS) {
		pfd.fd = pedal_fd(p);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		last = now_ms();
		if ((n = pedal_read(p, err, errlen)) < 0)
			return -1;
		fired += n;
	}
	return fired;
}

static int
presses(int key, int debounce_ms)
{
	char err[512];
	pedal *p;
	int n;

	plug("pcsensor-footswitch.events");
	p = pedal_open(NODE, key, debounce_ms, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_msg(strstr(pedal_describe(p), "PCsensor FootSwitch "
	    "Keyboard") != NULL, "%s", pedal_describe(p));
	ck_assert_msg(strstr(pedal_describe(p), "not grabbed") == NULL, "%s",
	    pedal_describe(p));
	n = read_all(p, err, sizeof(err));
	ck_assert_msg(n >= 0, "%s", err);
	pedal_close(p);
	return n;
}

/* The FIFO test's timeline: 1000 fires, repeat and release do not,
 * 2000 fires, the bounces at 2010 and 2060 do not, 2200 fires, KEY_A
 * and a lone scan code do not. */
START_TEST(debounce_as_fifo)
{
	ck_assert_int_eq(presses(KEY_B, 50), 3);
	/* the driver grabbed the pedal once, and let go when closed */
	ck_assert_int_eq(grabs, 1);
	ck_assert_int_eq(ungrabs, 1);
}
END_TEST

START_TEST(no_debounce_every_press)
{
	/* presses at 1000, 2000, 2010, 2060, 2200 */
	ck_assert_int_eq(presses(KEY_B, 0), 5);
}
END_TEST

START_TEST(other_key)
{
	ck_assert_int_eq(presses(KEY_A, 50), 1);
}
END_TEST

START_TEST(no_such_key)
{
	char err[512];

	plug("pcsensor-footswitch.events");
	/* KEY_F13 is not in the pedal's capabilities */
	ck_assert_ptr_null(pedal_open(NODE, KEY_F13, 50, err, sizeof(err)));
	ck_assert_msg(strstr(err, "has no key code 183") != NULL, "%s", err);
}
END_TEST

START_TEST(unplug_and_back)
{
	char err[512];
	pedal *p;
	int fd;

	plug("pcsensor-footswitch.events");
	p = pedal_open(NODE, KEY_B, 50, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_int_eq(read_all(p, err, sizeof(err)), 3);

	/*
	 * Unplug: the remove uevent, then the device, its node and its pty
	 * go (the open node hangs up). The whole testbed goes, because
	 * umockdev 0.17 cannot make a node of a removed device's name again
	 * (remove_device leaves the old node's pty in the testbed).
	 */
	umockdev_testbed_uevent(tb, SYSPATH, "remove");
	fd = umockdev_testbed_get_dev_fd(tb, NODE);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(read_all(p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "went away") != NULL, "%s", err);
	ck_assert_int_eq(pedal_fd(p), -1);
	g_clear_object(&tb);
	/* while it is gone, a retry fails and says why */
	ck_assert_int_eq(pedal_reopen(p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, NODE) != NULL && strstr(err, "No such")
	    != NULL, "%s", err);

	/* plugged back in: the first retry (the daemon retries every 2 s)
	 * opens and grabs it again, and a press fires */
	tb = umockdev_testbed_new();
	plug("pcsensor-footswitch-replug.events");
	ck_assert_msg(pedal_reopen(p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(grabs, 2);
	ck_assert_int_eq(read_all(p, err, sizeof(err)), 1);
	pedal_close(p);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	um_enter(argc, argv);
	s = suite_create("pedal_evdev");
	tc = tcase_create("umockdev");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, debounce_as_fifo);
	tcase_add_test(tc, no_debounce_every_press);
	tcase_add_test(tc, other_key);
	tcase_add_test(tc, no_such_key);
	tcase_add_test(tc, unplug_and_back);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

#else

int
main(void)
{
	fprintf(stderr, "SKIP: built without umockdev (libumockdev-dev; "
	    "make deps): the evdev pedal is not emulated\n");
	return 0;
}

#endif
