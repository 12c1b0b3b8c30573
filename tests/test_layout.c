/*
 * test_layout.c — store/layout.c: where things are in the state and
 * output folders, as the daemon, the report and the purge all find them,
 * and a path too long for PATH_MAX is refused rather than cut.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "store/store.h"
#include "tests/testutil.h"

START_TEST(paths)
{
	char p[PATH_MAX];

	ck_assert_int_eq(store_path_journal(p, "/var/lib/idphotod"), 0);
	ck_assert_str_eq(p, "/var/lib/idphotod/journal.jsonl");
	ck_assert_int_eq(store_path_roster(p, "/s"), 0);
	ck_assert_str_eq(p, "/s/roster.json");
	ck_assert_int_eq(store_path_archive(p, "/s", NULL), 0);
	ck_assert_str_eq(p, "/s/archive");
	ck_assert_int_eq(store_path_archive(p, "/s", "11010519491231002X"), 0);
	ck_assert_str_eq(p, "/s/archive/11010519491231002X");
	ck_assert_int_eq(store_path_preview(p, "/s", NULL), 0);
	ck_assert_str_eq(p, "/s/preview");
	ck_assert_int_eq(store_path_preview(p, "/s", "live"), 0);
	ck_assert_str_eq(p, "/s/preview/live.jpg");
	ck_assert_int_eq(store_path_versions(p, "/out"), 0);
	ck_assert_str_eq(p, "/out/versions");
}
END_TEST

START_TEST(too_long)
{
	static char dir[PATH_MAX];
	char p[PATH_MAX];

	memset(dir, 'a', sizeof(dir) - 10);
	dir[0] = '/';
	errno = 0;
	ck_assert_int_eq(store_path_journal(p, dir), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(store_path_archive(p, dir, "x"), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, paths);
	tcase_add_test(tc, too_long);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
