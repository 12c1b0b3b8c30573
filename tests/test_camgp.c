/*
 * test_camgp.c — the real libgphoto2 camera driver (drivers/cam_gphoto.c)
 * through real libgphoto2 and its ptp2 camlib, against fakeptpip, a
 * PTP/IP camera on loopback (tests/tools/fakeptpip.c) that serves the
 * demo frames byte for byte and injects faults: a camera that vanishes
 * in the middle of a download and comes back, one that answers "busy",
 * one that never answers, and a flood of events.
 *
 * Each test starts its own fakeptpip on a port of its own, with HOME in
 * a temporary folder (libgphoto2 keeps its PTP/IP GUID under $HOME).
 * The operations the fake received are printed, so that what libgphoto2
 * issued can be compared with what the fake implements.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gphoto2/gphoto2-version.h>

#include "drivers/cam.h"
#include "tests/testutil.h"

static pid_t fake = -1;
static int port;
static char logpath[4096];

static const char *
frame(int i)
{
	return tu_path("%s/demo/frames/%s", tu_srcdir(), i == 0 ?
	    "01-ppp-008.jpg" : "02-ppp-yaw-L1.jpg");
}

static int
reachable(void)
{
	struct sockaddr_in sin = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return rc == 0;
}

/* Starts fakeptpip with the extra options (NULL-terminated). */
static void
start_fake(const char *opt, ...)
{
	const char *argv[24];
	char portarg[16];
	va_list ap;
	int n = 0, i;

	port = 20000 + (int)(getpid() % 20000);
	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(logpath, sizeof(logpath), "%s/ops.log", tu_dir);
	argv[n++] = tu_path("%s/tests/tools/fakeptpip", getenv("BUILD") ?
	    getenv("BUILD") : "build");
	argv[n++] = "-p";
	argv[n++] = portarg;
	argv[n++] = "-d";
	argv[n++] = tu_path("%s/demo/frames", tu_srcdir());
	argv[n++] = "-l";
	argv[n++] = logpath;
	va_start(ap, opt);
	for (; opt != NULL && n < 22; opt = va_arg(ap, const char *))
		argv[n++] = opt;
	va_end(ap);
	argv[n] = NULL;
	if ((fake = fork()) == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_gt(fake, 0);
	for (i = 0; i < 100 && !reachable(); i++)
		usleep(50000);
	ck_assert_msg(reachable(), "fakeptpip did not come up on %d", port);
	setenv("HOME", tu_dir, 1);
}

static void
setup(void)
{
	tu_dir_setup();
}

/* The camera switched off: fakeptpip stopped, if it runs. */
static void
stop_fake(void)
{
	if (fake > 0) {
		kill(fake, SIGTERM);
		waitpid(fake, NULL, 0);
		fake = -1;
	}
}

static void
teardown(void)
{
	stop_fake();
	tu_dir_teardown();
}

static struct cam_conf
conf(void)
{
	struct cam_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.driver, sizeof(c.driver), "gphoto2");
	snprintf(c.model, sizeof(c.model), "PTP/IP Camera");
	snprintf(c.port, sizeof(c.port), "ptpip:127.0.0.1:%d:%d", port, port);
	c.busy_retries = 5;
	c.timeout_s = 3;
	return c;
}

static cam *
open_cam(const struct cam_conf *c)
{
	char err[1024];
	cam *cm = cam_open(c, err, sizeof(err));

	ck_assert_msg(cm != NULL, "cam_open: %s", err);
	return cm;
}

/* Captures and compares the bytes with demo frame i. */
static void
capture_is(cam *cm, int i)
{
	unsigned char *buf = NULL, *want;
	size_t len = 0, wl;
	char name[256];

	ck_assert_msg(cam_capture(cm, &buf, &len, name, sizeof(name)) == 0,
	    "capture: %s", cam_error(cm));
	want = tu_read(frame(i), &wl);
	ck_assert_ptr_nonnull(want);
	ck_assert_uint_eq(len, wl);
	ck_assert_msg(memcmp(buf, want, wl) == 0, "the bytes differ");
	ck_assert_ptr_nonnull(strstr(name, ".JPG"));
	free(want);
	free(buf);
}

/* How many times the fake saw operation op (e.g. "op 0x100e"). */
static int
count_op(const char *op)
{
	FILE *f = fopen(logpath, "r");
	char line[256];
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strncmp(line, op, strlen(op)) == 0;
	fclose(f);
	return n;
}

static void
print_ops(const char *title)
{
	FILE *f = fopen(logpath, "r");
	char line[256];

	printf("  operations libgphoto2 issued (%s):", title);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "op ", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			printf(" [%s]", line + 3);
		}
	printf("\n");
	if (f != NULL)
		fclose(f);
}

START_TEST(capture_download_delete)
{
	struct cam_conf c;
	const char *info;
	unsigned char *buf = NULL;
	size_t len = 0;
	cam *cm;

	start_fake(NULL);
	c = conf();
	cm = open_cam(&c);
	ck_assert_ptr_nonnull(strstr(cam_describe(cm), "PTP/IP Camera"));
	/* a generic PTP camera has no capture target or image format to
	 * set (libgphoto2 2.5.30 leaves capturetarget out of its tree once
	 * the camera has a device property; with none it offers it and
	 * refuses it): the driver says so instead of failing */
	ck_assert_msg(strstr(cam_describe(cm), "no capturetarget setting") !=
	    NULL || strstr(cam_describe(cm), "refused capturetarget") != NULL,
	    "%s", cam_describe(cm));
	ck_assert_ptr_nonnull(strstr(cam_describe(cm), "no image format"));
	printf("  %s\n", cam_describe(cm));
	/* the diagnostics, as the camera reads them back */
	info = cam_info(cm);
	printf("  info: %s", info);
	ck_assert_ptr_nonnull(strstr(info, "model: PTP/IP Camera\n"));
	ck_assert_ptr_nonnull(strstr(info, "port: ptpip:127.0.0.1:"));
	ck_assert_msg(strstr(info, "battery: 73%") != NULL, "%s", info);
	ck_assert_ptr_nonnull(strstr(info, "serial number: IDP0001\n"));
	ck_assert_ptr_nonnull(strstr(info, "white balance: not reported\n"));
	/* a generic PTP camera has no live view: a clear error, and the
	 * camera still works */
	ck_assert_int_eq(cam_preview(cm, &buf, &len), -1);
	ck_assert_ptr_null(buf);
	ck_assert_msg(strstr(cam_error(cm), "live view: this camera") != NULL,
	    "%s", cam_error(cm));
	capture_is(cm, 0);
	capture_is(cm, 1);
	capture_is(cm, 0);	/* the folder again, in turn */
	ck_assert_int_eq(count_op("op 0x100e"), 3);	/* InitiateCapture */
	ck_assert_int_eq(count_op("op 0x1009"), 3);	/* GetObject */
	ck_assert_int_eq(count_op("op 0x100b"), 3);	/* DeleteObject */
	cam_close(cm);
	ck_assert_int_eq(count_op("op 0x1003"), 1);	/* CloseSession */
	print_ops("three captures");
}
END_TEST

START_TEST(vanishes_mid_download)
{
	struct cam_conf c;
	unsigned char *buf = NULL;
	size_t len = 0;
	char name[64], err[1024];
	cam *cm = NULL;
	int i;

	start_fake("-v", "1", "-D", "1500", NULL);
	c = conf();
	cm = open_cam(&c);
	ck_assert_int_eq(cam_capture(cm, &buf, &len, name, sizeof(name)), -1);
	ck_assert_ptr_null(buf);		/* no partial frame */
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strstr(cam_error(cm), "download") != NULL ||
	    strstr(cam_error(cm), "capture") != NULL, "%s", cam_error(cm));
	printf("  mid-download: %s\n", cam_error(cm));
	cam_close(cm);
	/* it comes back: the driver opens it again */
	for (i = 0, cm = NULL; i < 40 && cm == NULL; i++)
		if ((cm = cam_open(&c, err, sizeof(err))) == NULL)
			usleep(250000);
	ck_assert_msg(cm != NULL, "did not reconnect: %s", err);
	capture_is(cm, 1);
	cam_close(cm);
}
END_TEST

/* The capture fails, with no frame, and the error says err1 or err2. */
static void
capture_fails(cam *cm, const char *err1, const char *err2)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char name[256];

	ck_assert_int_eq(cam_capture(cm, &buf, &len, name, sizeof(name)), -1);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strstr(cam_error(cm), err1) != NULL ||
	    strstr(cam_error(cm), err2) != NULL, "%s", cam_error(cm));
	printf("  %s\n", cam_error(cm));
}

/* libgphoto2 before 2.5.31 ignores a failed InitiateCapture of a generic
 * PTP camera and waits for a capture event forever (cam_gphoto.c). */
static int
old_libgphoto2(void)
{
	const char **v = gp_library_version(GP_VERSION_SHORT);
	int a = 0, b = 0, c = 0;

	sscanf(v[0], "%d.%d.%d", &a, &b, &c);
	return a * 10000 + b * 100 + c < 20531;
}

START_TEST(never_answers)
{
	struct cam_conf c;
	cam *cm;

	/* the first InitiateCapture is never answered: the capture ends
	 * with an error at its deadline (3 s here) instead of hanging, and
	 * the camera, opened again, works */
	start_fake("-m", NULL);
	c = conf();
	cm = open_cam(&c);
	capture_fails(cm, "no answer within 3 s", "no answer in time");
	cam_close(cm);
	cm = open_cam(&c);
	capture_is(cm, 0);
	cam_close(cm);
	ck_assert_int_eq(count_op("op 0x100e"), 2);
}
END_TEST

static void *
cancel_soon(void *arg)
{
	usleep(500000);
	cam_cancel(arg);
	return NULL;
}

START_TEST(cancel_hung)
{
	struct cam_conf c;
	pthread_t t;
	cam *cm;

	/* shutdown while a capture hangs: cam_cancel from another thread
	 * ends it long before its 60 s deadline */
	start_fake("-m", NULL);
	c = conf();
	c.timeout_s = 60;
	cm = open_cam(&c);
	ck_assert_int_eq(pthread_create(&t, NULL, cancel_soon, cm), 0);
	capture_fails(cm, "cancelled", "cancelled");
	pthread_join(t, NULL);
	cam_close(cm);
}
END_TEST

START_TEST(busy_capture)
{
	struct cam_conf c;
	cam *cm;

	/* "busy" to the first InitiateCapture (a failed autofocus). From
	 * libgphoto2 2.5.31 the driver sees it and tries again 200 ms
	 * later; 2.5.30 swallows it and waits, so there the deadline ends
	 * the capture and the camera, opened again, works */
	start_fake("-b", "1", NULL);
	c = conf();
	cm = open_cam(&c);
	if (old_libgphoto2()) {
		capture_fails(cm, "no answer within 3 s", "busy");
		cam_close(cm);
		cm = open_cam(&c);
	}
	capture_is(cm, 0);
	cam_close(cm);
	ck_assert_int_eq(count_op("op 0x100e"), 2);
}
END_TEST

START_TEST(busy_download)
{
	struct cam_conf c;
	cam *cm;

	/* "busy" twice to GetObject: the download is tried again after
	 * 200 and 400 ms, and the frame is whole */
	start_fake("-B", "2", NULL);
	c = conf();
	cm = open_cam(&c);
	capture_is(cm, 0);
	ck_assert_int_eq(count_op("op 0x1009"), 3);
	capture_is(cm, 1);
	ck_assert_int_eq(count_op("op 0x1009"), 4);
	cam_close(cm);
	/* with no tries left, the shot fails and says why */
	stop_fake();
	start_fake("-B", "1", NULL);
	c.busy_retries = 0;
	cm = open_cam(&c);
	capture_fails(cm, "stayed busy", "stayed busy");
	cam_close(cm);
}
END_TEST

START_TEST(own_shutter_and_gone)
{
	struct cam_conf c;
	unsigned char *buf = NULL, *want;
	size_t len = 0, wl;
	char name[256];
	cam *cm;
	int i, rc = 0;

	/* a frame shot with the camera's own shutter comes in through
	 * cam_watch, whole; a camera that goes away while the station
	 * waits is noticed there too */
	start_fake(NULL);
	c = conf();
	cm = open_cam(&c);
	ck_assert(cam_watches(cm));
	ck_assert_int_eq(cam_watch(cm, 100, &buf, &len, name, sizeof(name)),
	    0);
	kill(fake, SIGUSR1);
	for (i = 0; i < 40 && rc == 0; i++)
		rc = cam_watch(cm, 250, &buf, &len, name, sizeof(name));
	ck_assert_msg(rc == 1, "no frame from the shutter: %d %s", rc,
	    cam_error(cm));
	want = tu_read(frame(0), &wl);
	ck_assert_ptr_nonnull(want);
	ck_assert_uint_eq(len, wl);
	ck_assert_msg(memcmp(buf, want, wl) == 0, "the bytes differ");
	free(want);
	free(buf);
	ck_assert_int_eq(count_op("op 0x1009"), 1);	/* GetObject */
	ck_assert_int_eq(count_op("op 0x100e"), 0);	/* no trigger */

	stop_fake();
	for (i = 0, rc = 0; i < 40 && rc == 0; i++)
		rc = cam_watch(cm, 250, &buf, &len, name, sizeof(name));
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(buf);
	printf("  gone while waiting: %s\n", cam_error(cm));
	cam_close(cm);
}
END_TEST

START_TEST(event_flood)
{
	struct cam_conf c;
	cam *cm;

	start_fake("-f", "300", NULL);
	c = conf();
	cm = open_cam(&c);
	capture_is(cm, 0);
	capture_is(cm, 1);
	cam_close(cm);
}
END_TEST

START_TEST(nothing_there)
{
	struct cam_conf c;
	char err[1024];

	port = 20000 + (int)(getpid() % 20000);	/* no fake started */
	setenv("HOME", tu_dir, 1);
	c = conf();
	ck_assert_ptr_null(cam_open(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cannot reach the camera") != NULL, "%s",
	    err);
	printf("  nothing there: %s\n", err);
	memset(c.driver, 0, sizeof(c.driver));
	snprintf(c.driver, sizeof(c.driver), "nikon-magic");
	ck_assert_ptr_null(cam_open(&c, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not known"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("camgp");
	TCase *tc = tcase_create("ptpip");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, capture_download_delete);
	tcase_add_test(tc, vanishes_mid_download);
	tcase_add_test(tc, never_answers);
	tcase_add_test(tc, cancel_hung);
	tcase_add_test(tc, busy_capture);
	tcase_add_test(tc, busy_download);
	tcase_add_test(tc, own_shutter_and_gone);
	tcase_add_test(tc, event_flood);
	tcase_add_test(tc, nothing_there);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
