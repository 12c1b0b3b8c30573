/*
 * test_pedal.c — the foot pedal through a pipe of struct input_event
 * records, the same debounce code the evdev path runs: a press fires, a
 * release and auto-repeat do not, contact bounce is swallowed, other keys
 * are ignored, a record split across writes still counts once, and a
 * writer that goes away and comes back is picked up again.
 */
#include <check.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/pedal.h"
#include "tests/testutil.h"

static const char *fifo;

static void
setup(void)
{
	tu_dir_setup();
	fifo = tu_path("%s/pedal", tu_dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
}

static void
put(int fd, int type, int code, int value, long long ms)
{
	struct input_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.input_event_sec = (time_t)(ms / 1000);
	ev.input_event_usec = (suseconds_t)(ms % 1000) * 1000;
	ev.type = (unsigned short)type;
	ev.code = (unsigned short)code;
	ev.value = value;
	ck_assert_int_eq(write(fd, &ev, sizeof(ev)), (ssize_t)sizeof(ev));
}

/* A key event and its SYN_REPORT, as a keyboard sends them. */
static void
key(int fd, int code, int value, long long ms)
{
	put(fd, EV_KEY, code, value, ms);
	put(fd, EV_SYN, SYN_REPORT, 0, ms);
}

static int
presses(pedal *p)
{
	char err[256];
	int n = pedal_read(p, err, sizeof(err));

	ck_assert_msg(n >= 0, "%s", err);
	return n;
}

START_TEST(press_release_repeat_bounce)
{
	char err[256];
	pedal *p = pedal_open(fifo, KEY_B, 50, err, sizeof(err));
	int w;

	ck_assert_msg(p != NULL, "%s", err);
	w = open(fifo, O_WRONLY);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(presses(p), 0);

	key(w, KEY_B, 1, 1000);			/* press: fires */
	ck_assert_int_eq(presses(p), 1);
	key(w, KEY_B, 2, 1250);			/* held: auto-repeat */
	key(w, KEY_B, 2, 1280);
	key(w, KEY_B, 0, 1400);			/* release */
	ck_assert_int_eq(presses(p), 0);

	key(w, KEY_B, 1, 2000);			/* the next press fires */
	key(w, KEY_B, 0, 2004);			/* contact bounce: */
	key(w, KEY_B, 1, 2010);			/* 6 ms after release */
	key(w, KEY_B, 0, 2020);
	ck_assert_int_eq(presses(p), 1);
	key(w, KEY_B, 1, 2060);			/* 40 ms after a release */
	ck_assert_int_eq(presses(p), 0);
	key(w, KEY_B, 0, 2100);
	key(w, KEY_B, 1, 2200);			/* 100 ms: a real press */
	key(w, KEY_B, 0, 2300);
	ck_assert_int_eq(presses(p), 1);

	key(w, KEY_A, 1, 3000);			/* not the pedal's key */
	key(w, KEY_A, 0, 3100);
	put(w, EV_MSC, MSC_SCAN, 0x70005, 3200);
	ck_assert_int_eq(presses(p), 0);
	close(w);
	pedal_close(p);
}
END_TEST

START_TEST(split_record_and_new_writer)
{
	struct input_event ev;
	char err[256];
	pedal *p = pedal_open(fifo, KEY_B, 50, err, sizeof(err));
	int w;

	ck_assert_msg(p != NULL, "%s", err);
	w = open(fifo, O_WRONLY);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_KEY;
	ev.code = KEY_B;
	ev.value = 1;
	ev.input_event_sec = 5;
	/* half a record now, the rest later: one press, once */
	ck_assert_int_eq(write(w, &ev, 10), 10);
	ck_assert_int_eq(presses(p), 0);
	ck_assert_int_eq(write(w, (char *)&ev + 10, sizeof(ev) - 10),
	    (ssize_t)(sizeof(ev) - 10));
	ck_assert_int_eq(presses(p), 1);
	key(w, KEY_B, 0, 5100);
	close(w);				/* the writer goes away */
	ck_assert_int_eq(presses(p), 0);
	ck_assert_int_ge(pedal_fd(p), 0);
	w = open(fifo, O_WRONLY);		/* and a new one comes */
	key(w, KEY_B, 1, 6000);
	ck_assert_int_eq(presses(p), 1);
	close(w);
	pedal_close(p);
}
END_TEST

START_TEST(other_key_code)
{
	char err[256];
	pedal *p = pedal_open(fifo, KEY_F13, 0, err, sizeof(err));
	int w;

	ck_assert_msg(p != NULL, "%s", err);
	w = open(fifo, O_WRONLY);
	key(w, KEY_B, 1, 100);
	key(w, KEY_B, 0, 200);
	key(w, KEY_F13, 1, 300);
	key(w, KEY_F13, 0, 301);
	key(w, KEY_F13, 1, 302);		/* debounce 0: every press */
	ck_assert_int_eq(presses(p), 2);
	close(w);
	pedal_close(p);
}
END_TEST

START_TEST(missing_device)
{
	char err[256];

	ck_assert_ptr_null(pedal_open(tu_path("%s/nope", tu_dir), KEY_B, 50, err,
	    sizeof(err)));
	ck_assert_msg(strstr(err, "nope") != NULL, "%s", err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pedal");
	TCase *tc = tcase_create("pedal");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_add_test(tc, press_release_repeat_bounce);
	tcase_add_test(tc, split_record_and_new_writer);
	tcase_add_test(tc, other_key_code);
	tcase_add_test(tc, missing_device);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
