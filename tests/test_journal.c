/*
 * test_journal.c — store/journal.c: the capture journal. Appends are
 * whole lines, stamped with their time; replay gives the events back in
 * order, skips and counts a torn last line (a crash while writing) and
 * garbage lines, and a missing journal is no events; a second writer is
 * refused by the lock.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/testutil.h"

static json_t *seen;

static void
collect(json_t *ev, void *arg)
{
	(void)arg;
	json_array_append(seen, ev);
}

static const char *
jpath(void)
{
	return tu_path("%s/journal.jsonl", tu_dir);
}

static void
append_raw(const char *text)
{
	int fd = open(jpath(), O_WRONLY | O_APPEND | O_CREAT, 0600);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
setup(void)
{
	tu_dir_setup();
	seen = json_array();
}

static void
teardown(void)
{
	json_decref(seen);
	tu_dir_teardown();
}

/* Appends three events through the journal and closes it. */
static void
three_events(void)
{
	struct store_journal j;
	int i;

	json_t *ev;

	ck_assert_int_eq(store_journal_open(&j, jpath()), 0);
	for (i = 1; i <= 3; i++) {
		ev = json_pack("{s:s, s:i}", "event", "shoot", "seq", i);
		ck_assert_int_eq(store_journal_append(&j, ev), 0);
		ck_assert_ptr_nonnull(json_object_get(ev, "time"));
		json_decref(ev);	/* not stolen */
	}
	store_journal_close(&j);
}

START_TEST(append_and_replay)
{
	struct stat sb;
	int torn = -1, i;
	json_t *ev;

	three_events();
	ck_assert_int_eq(stat(jpath(), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);	/* personal data */
	ck_assert_int_eq(store_journal_replay(jpath(), collect, NULL, &torn),
	    3);
	ck_assert_int_eq(torn, 0);
	for (i = 0; i < 3; i++) {
		ev = json_array_get(seen, i);
		ck_assert_int_eq(json_integer_value(json_object_get(ev, "seq")),
		    i + 1);
		ck_assert(json_number_value(json_object_get(ev, "time")) >
		    1.7e9);
	}
}
END_TEST

START_TEST(append_keeps_a_given_time)
{
	struct store_journal j;
	json_t *ev = json_pack("{s:s, s:f}", "event", "arm", "time", 12345.5);
	int torn;

	ck_assert_int_eq(store_journal_open(&j, jpath()), 0);
	ck_assert_int_eq(store_journal_append(&j, ev), 0);
	json_decref(ev);
	store_journal_close(&j);
	ck_assert_int_eq(store_journal_replay(jpath(), collect, NULL, &torn),
	    1);
	ck_assert(json_number_value(json_object_get(json_array_get(seen, 0),
	    "time")) == 12345.5);
}
END_TEST

START_TEST(torn_last_line)
{
	int torn;

	three_events();
	append_raw("{\"event\":\"result\",\"id\":\"1101");	/* cut */
	ck_assert_int_eq(store_journal_replay(jpath(), collect, NULL, &torn),
	    3);
	ck_assert_int_eq(torn, 1);
	ck_assert_int_eq(json_array_size(seen), 3);
}
END_TEST

START_TEST(garbage_lines)
{
	int torn;

	append_raw("{\"event\":\"arm\",\"seq\":1}\n");
	append_raw("not json at all\n");
	append_raw("[1, 2, 3]\n");		/* JSON, but no event object */
	append_raw("\n");
	append_raw("{\"event\":\"disarm\",\"seq\":2}\n");
	ck_assert_int_eq(store_journal_replay(jpath(), collect, NULL, &torn),
	    2);
	ck_assert_int_eq(torn, 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    seen, 1), "event")), "disarm");
}
END_TEST

START_TEST(missing_journal_is_empty)
{
	int torn = -1;

	ck_assert_int_eq(store_journal_replay(jpath(), collect, NULL, &torn),
	    0);
	ck_assert_int_eq(torn, 0);
	ck_assert_int_eq(store_journal_replay(tu_path("%s/no/such/dir/j",
	    tu_dir), collect, NULL, &torn), 0);
}
END_TEST

START_TEST(one_writer)
{
	struct store_journal a, b;

	ck_assert_int_eq(store_journal_open(&a, jpath()), 0);
	errno = 0;
	ck_assert_int_eq(store_journal_open(&b, jpath()), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	store_journal_close(&a);
	ck_assert_int_eq(store_journal_open(&b, jpath()), 0);
	store_journal_close(&b);
	store_journal_close(&b);	/* twice is harmless */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, append_and_replay);
	tcase_add_test(tc, append_keeps_a_given_time);
	tcase_add_test(tc, torn_last_line);
	tcase_add_test(tc, garbage_lines);
	tcase_add_test(tc, missing_journal_is_empty);
	tcase_add_test(tc, one_writer);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
