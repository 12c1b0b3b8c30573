/*
 * test_cam_gphoto_usb.c — the camera driver (drivers/cam_gphoto.c)
 * through libgphoto2's USB port against a PTP camera emulated by
 * umockdev: a Canon EOS 2000D (04a9:32e1, interface 06/01/01) from
 * tests/devices/canon-eos-2000d.umockdev.
 *
 * How far it goes: enumeration and the claim. libgphoto2's autodetect
 * must find the camera by its ID and, under another ID, by its PTP class
 * alone; the driver, configured with no model or port, must pick it and
 * open it through libusb; and when the interface cannot be claimed
 * because another program holds it (gvfs's gphoto2 volume monitor on a
 * desktop: the kernel answers USBDEVFS_CLAIMINTERFACE with EBUSY) the
 * driver must say "could not claim the USB device" with the fix. No PTP
 * session is emulated: no public USB capture of a capture session was
 * found to replay (README, hardware section).
 *
 * Runs itself under umockdev-wrapper; skips when umockdev is missing.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gphoto2/gphoto2.h>

#include "drivers/cam.h"
#include "tests/testutil.h"
#include "tests/umock.h"

#ifdef HAVE_UMOCKDEV

#define CAM_SYS		"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5"
#define CAM_NODE	"/dev/bus/usb/001/008"

static UMockdevTestbed *tb;
static struct um_usb *u;

/* The same camera under an ID libgphoto2 does not know: only its
 * interface class says it is a PTP camera. */
static const char *const unknown_id[] = {
	"A904E132", "A904FFFE", "idProduct=32e1", "idProduct=fffe",
	"ID_MODEL_ID=32e1", "ID_MODEL_ID=fffe", "4a9/32e1/", "4a9/fffe/",
	NULL
};

static void
plug(const char *const *edits, int claim_errno)
{
	char err[512], *root, path[4096];

	ck_assert_msg(um_add_edit(tb, "canon-eos-2000d.umockdev", edits, err,
	    sizeof(err)) == 0, "%s", err);
	u = um_usb_attach(tb, CAM_NODE, err, sizeof(err));
	ck_assert_msg(u != NULL, "%s", err);
	root = umockdev_testbed_get_root_dir(tb);
	snprintf(path, sizeof(path), "%s%s", root, CAM_SYS);
	g_free(root);
	um_usb_strings(u, path);
	u->claim_errno = claim_errno;
	umockdev_testbed_uevent(tb, CAM_SYS, "add");
}

static void
setup(void)
{
	tb = umockdev_testbed_new();
	ck_assert_ptr_nonnull(tb);
	u = NULL;
	/* libgphoto2 keeps settings under $HOME */
	tu_dir_setup();
	setenv("HOME", tu_dir, 1);
}

static void
teardown(void)
{
	um_usb_free(tb, u, CAM_NODE);
	u = NULL;
	g_clear_object(&tb);
	tu_dir_teardown();
}

/* What libgphoto2's autodetect lists: "model at port; ..." */
static const char *
autodetect(void)
{
	static char out[1024];
	GPContext *ctx = gp_context_new();
	CameraList *list;
	const char *name, *value;
	int i, n;
	size_t l;

	out[0] = '\0';
	ck_assert_int_ge(gp_list_new(&list), GP_OK);
	ck_assert_int_ge(gp_camera_autodetect(list, ctx), GP_OK);
	n = gp_list_count(list);
	for (i = 0; i < n; i++) {
		gp_list_get_name(list, i, &name);
		gp_list_get_value(list, i, &value);
		l = strlen(out);
		snprintf(out + l, sizeof(out) - l, "%s at %s; ", name, value);
	}
	gp_list_free(list);
	gp_context_unref(ctx);
	return out;
}

START_TEST(autodetect_by_id)
{
	plug(NULL, 0);
	/* libgphoto2's table gives 04a9:32e1 to the EOS 1500D and the EOS
	 * 2000D (one body, sold under two names) and names the first */
	ck_assert_str_eq(autodetect(), "Canon EOS 1500D at usb:001,008; ");
}
END_TEST

START_TEST(autodetect_by_ptp_class)
{
	plug(unknown_id, 0);
	ck_assert_str_eq(autodetect(), "USB PTP Class Camera at usb:001,008; ");
}
END_TEST

START_TEST(nothing_plugged)
{
	ck_assert_str_eq(autodetect(), "");
}
END_TEST

static cam *
open_cam(char *err, size_t errlen)
{
	struct cam_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.driver, sizeof(c.driver), "gphoto2");
	c.timeout_s = 10;
	return cam_open(&c, err, errlen);
}

/* gvfs holds the camera: the station's message, from the real path. */
START_TEST(claimed_by_another_program)
{
	char err[1024];
	cam *c;

	plug(NULL, EBUSY);
	c = open_cam(err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "camera: open: could not claim the USB "
	    "device: another program holds the camera, usually the desktop's "
	    "volume monitor") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "gvfs-gphoto2-volume-monitor") != NULL, "%s",
	    err);
	ck_assert_msg(strstr(err, "(libgphoto2 -53)") != NULL, "%s", err);
	ck_assert_int_eq(u->claims, 0);
}
END_TEST

/* Free to claim: the driver picks the autodetected camera and claims
 * it; the PTP session that follows is not emulated, so the open fails
 * after the claim, as an I/O error. */
START_TEST(claims_the_autodetected_camera)
{
	char err[1024];
	cam *c;

	plug(NULL, 0);
	c = open_cam(err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert_int_eq(u->claims, 1);
	ck_assert_msg(strstr(err, "could not claim") == NULL, "%s", err);
	ck_assert_msg(strstr(err, "camera: open:") != NULL, "%s", err);
}
END_TEST

START_TEST(no_camera)
{
	char err[1024];

	ck_assert_ptr_null(open_cam(err, sizeof(err)));
	ck_assert_msg(strstr(err, "no camera found") != NULL, "%s", err);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	um_enter(argc, argv);
	s = suite_create("cam_gphoto_usb");
	tc = tcase_create("umockdev");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, autodetect_by_id);
	tcase_add_test(tc, autodetect_by_ptp_class);
	tcase_add_test(tc, nothing_plugged);
	tcase_add_test(tc, claimed_by_another_program);
	tcase_add_test(tc, claims_the_autodetected_camera);
	tcase_add_test(tc, no_camera);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

#else

int
main(void)
{
	fprintf(stderr, "SKIP: built without umockdev (libumockdev-dev; "
	    "make deps): the USB camera is not emulated\n");
	return 0;
}

#endif
