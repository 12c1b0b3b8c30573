/*
 * test_confedit.c — ctl/confedit.c: calibrated lamp levels written back
 * into a technician's configuration file, comments, layout and mode
 * kept; a dry run writes nothing; a file the daemon would refuse never
 * replaces the old one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl/ctl.h"
#include "tests/testutil.h"

START_TEST(write_levels)
{
	const char *path = tu_path("%s/lamps.conf", tu_dir);
	static const char text[] =
	    "# keep me\n"
	    "lighting: { lamps = (\n"
	    "  { name = \"a\"; position = \"left\"; address = 1;\n"
	    "    level = 0.8;   # by hand\n"
	    "  },\n"
	    "  { name = \"b\"; position = \"right\"; address = 4; } ); };\n";
	double lv[2] = { 0.95, 0.5 };
	struct store_conf c;
	char diff[1024], err[512];
	unsigned char *got;
	size_t len;
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0640);
	/* a dry run shows the diff and writes nothing */
	ck_assert_msg(ctl_conf_set_levels(path, lv, 2, 1, diff, sizeof(diff),
	    err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(strstr(diff, "-4:     level = 0.8;   # by hand\n"
	    "+4:     level = 0.950;   # by hand\n") != NULL, "%s", diff);
	ck_assert_msg(strstr(diff, "+6:   { level = 0.500; name = \"b\"")
	    != NULL, "%s", diff);
	got = tu_read(path, &len);
	ck_assert_str_eq((char *)got, text);
	free(got);
	/* for real: comments and mode kept, the levels load back */
	ck_assert_msg(ctl_conf_set_levels(path, lv, 2, 0, diff, sizeof(diff),
	    err, sizeof(err)) == 0, "%s", err);
	got = tu_read(path, &len);
	ck_assert(strstr((char *)got, "# keep me\n") == (char *)got);
	ck_assert(strstr((char *)got, "level = 0.950;   # by hand") != NULL);
	free(got);
	ck_assert_int_eq(store_conf_load(path, &c, err, sizeof(err)), 0);
	ck_assert_double_eq(c.rig.lamp[0].level, 0.95);
	ck_assert_double_eq(c.rig.lamp[1].level, 0.5);
	{
		struct stat st;

		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0640);
	}
	/* a level the daemon would refuse never replaces the file */
	lv[0] = 1.5;
	ck_assert_int_eq(ctl_conf_set_levels(path, lv, 2, 0, diff,
	    sizeof(diff), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "would be refused") != NULL, "%s", err);
	ck_assert_int_eq(store_conf_load(path, &c, err, sizeof(err)), 0);
	ck_assert_double_eq(c.rig.lamp[0].level, 0.95);
	/* a file without a lamp list: said so */
	f = fopen(path, "w");
	fputs("output: { dir = \"/tmp\"; };\n", f);
	fclose(f);
	ck_assert_int_eq(ctl_conf_set_levels(path, lv, 2, 0, diff,
	    sizeof(diff), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no lighting.lamps list") != NULL, "%s", err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("confedit");
	TCase *tc = tcase_create("confedit");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, write_levels);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
