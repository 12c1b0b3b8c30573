/*
 * test_proto.c — the control protocol's table (store/proto.h): names are
 * unique and found again, and idphotoctl's --help and its man page list
 * exactly the protocol's commands, so that neither can drift from what
 * the daemon dispatches (the daemon and idphotoctl both dispatch from the
 * same table).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/proto.h"
#include "tests/testutil.h"

/* the table itself */
START_TEST(names_unique_and_found)
{
	int i, j;

	for (i = 0; i < PROTO_NCMDS; i++) {
		ck_assert_int_eq(proto_command_find(proto_commands[i].name), i);
		ck_assert_int_le(proto_commands[i].min_args,
		    proto_commands[i].max_args);
		ck_assert_ptr_nonnull(proto_commands[i].help);
		for (j = i + 1; j < PROTO_NCMDS; j++)
			ck_assert_str_ne(proto_commands[i].name,
			    proto_commands[j].name);
	}
	for (i = 0; i < PROTO_NEVENTS; i++)
		for (j = i + 1; j < PROTO_NEVENTS; j++)
			ck_assert_str_ne(proto_events[i], proto_events[j]);
	ck_assert_int_eq(proto_command_find("nonsense"), -1);
	ck_assert_int_eq(proto_command_find(""), -1);
	ck_assert_int_eq(proto_command_find(NULL), -1);
	ck_assert_int_eq(proto_command_find("Status"), -1);
}
END_TEST

/* Whether text has a line that starts with prefix and then name as a
 * whole word. */
static int
has_line(const char *text, const char *prefix, const char *name)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	const char *p = text;

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, pl) == 0 && strncmp(p + pl, name, nl) ==
		    0 && (p[pl + nl] == ' ' || p[pl + nl] == '\n'))
			return 1;
	return 0;
}

START_TEST(help_lists_every_command)
{
	const char *build = getenv("BUILD");
	char cmd[4096], *text;
	size_t len = 0, cap = 1 << 16;
	FILE *f;
	int i;

	ck_assert_ptr_nonnull(build);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C LANGUAGE= %s/idphotoctl --help",
	    build);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	text = calloc(1, cap);
	len = fread(text, 1, cap - 1, f);
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_int_gt(len, 0);
	/* each command starts a description ("  retake   shoot the same
	 * ID again"; two share a line in places) */
	for (i = 0; i < PROTO_NCMDS; i++) {
		snprintf(cmd, sizeof(cmd), "  %s ", proto_commands[i].name);
		ck_assert_msg(strstr(text, cmd) != NULL, "idphotoctl --help "
		    "does not describe \"%s\"", proto_commands[i].name);
	}
	ck_assert_ptr_null(strstr(text, "  nonsense "));
	free(text);
}
END_TEST

START_TEST(man_page_lists_every_command)
{
	size_t len;
	unsigned char *man = tu_read(tu_path("%s/man/idphotoctl.1",
	    tu_srcdir()), &len);
	int i;

	ck_assert_ptr_nonnull(man);
	for (i = 0; i < PROTO_NCMDS; i++)
		ck_assert_msg(has_line((char *)man, ".It Cm ",
		    proto_commands[i].name), "man/idphotoctl.1 has no "
		    "\".It Cm %s\"", proto_commands[i].name);
	free(man);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("proto");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, names_unique_and_found);
	tcase_add_test(tc, help_lists_every_command);
	tcase_add_test(tc, man_page_lists_every_command);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
