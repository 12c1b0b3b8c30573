/*
 * test_roster.c — importing the list of graduates (R-FLOW-1, R-FILE-7):
 * encodings (UTF-8 with a BOM and CRLF, GBK, UTF-16 from Excel's
 * "Unicode text"), columns found by header or by the config, the ways
 * spreadsheets write long numbers, and every kind of bad row, each
 * reported by its line with nothing returned.
 *
 * GBK text is written here as bytes from the GBK code table, not through
 * iconv, so that the test does not share the converter it tests.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl/ctl.h"
#include "tests/testutil.h"

/* 张三, 李四, 王五 in GBK */
#define GBK_ZHANG	"\xd5\xc5\xc8\xfd"
#define GBK_LI		"\xc0\xee\xcb\xc4"
#define GBK_NAME_HDR	"\xd0\xd5\xc3\xfb"			/* 姓名 */
#define GBK_ID_HDR	"\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\xc2\xeb" /* 身份证号码 */

static photo_ctx *ctx;
static struct store_roster_conf rc;
static json_t *problems;
static char A[19], B[19], C[19], X[19];	/* valid IDs; X ends in X */

static void
setup(void)
{
	tu_dir_setup();
	ctx = tu_ctx();
	memset(&rc, 0, sizeof(rc));
	snprintf(rc.encoding, sizeof(rc.encoding), "auto");
	problems = json_array();
	tu_make_id("11010519800101001", A);
	tu_make_id("31010419900315002", B);
	tu_make_id("44030519851120003", C);
	tu_make_id("11010519491231002", X);	/* the standard's example */
}

static void
teardown(void)
{
	json_decref(problems);
	photo_destroy(ctx);
	tu_dir_teardown();
}

static const char *
write_csv(const void *bytes, size_t len)
{
	const char *path = tu_path("%s/roster.csv", tu_dir);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	fclose(f);
	return path;
}

static json_t *
parse_text(const char *text, const char *enc, int same_name_ok)
{
	char err[1024];
	json_t *r;

	r = ctl_roster_parse(write_csv(text, strlen(text)), &rc, enc,
	    same_name_ok, ctx, problems, err, sizeof(err));
	if (r == NULL)
		ck_assert_str_ne(err, "");
	return r;
}

static json_t *
entry(json_t *r, const char *id)
{
	json_t *e = json_object_get(json_object_get(r, "entries"), id);

	ck_assert_msg(e != NULL, "%s is not in the roster", id);
	return e;
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The problem reported for line, or NULL. */
static const char *
problem_at(int line)
{
	size_t i;
	json_t *p;

	json_array_foreach(problems, i, p)
		if (json_integer_value(json_object_get(p, "line")) == line)
			return str(p, "error");
	return NULL;
}

START_TEST(utf8_bom_crlf)
{
	char text[1024];
	json_t *r, *e;

	snprintf(text, sizeof(text), "\xef\xbb\xbf身份证号,姓名,学习中心,班级\r\n"
	    "%s,张三,北京学习中心,2024春\r\n"
	    "%s,李四,上海学习中心,2024春\r\n"
	    "%.17sx,王五,北京学习中心,2024秋\r\n", A, B, X);
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(json_array_size(problems), 0);
	ck_assert_str_eq(str(r, "encoding"), "UTF-8");
	ck_assert_uint_eq(json_object_size(json_object_get(r, "entries")), 3);
	e = entry(r, A);
	ck_assert_str_eq(str(e, "name"), "张三");	/* no BOM, no CR */
	ck_assert_str_eq(str(e, "centre"), "北京学习中心");
	ck_assert_str_eq(str(e, "class"), "2024春");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "line")), 2);
	/* the lower-case x is stored in the normal form (R-FILE-7) */
	e = entry(r, X);
	ck_assert_str_eq(str(e, "name"), "王五");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "line")), 4);
	json_decref(r);
	/* a UTF-8 BOM wins over GBK asked for: read as GBK the names
	 * would come out mangled, starting with "锘" */
	r = parse_text(text, "GBK", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(str(r, "encoding"), "UTF-8");
	ck_assert_str_eq(str(entry(r, A), "name"), "张三");
	json_decref(r);
}
END_TEST

START_TEST(gbk_columns_in_any_order)
{
	char text[1024];
	json_t *r;

	/* 姓名,身份证号码 : name first, no centre or class */
	snprintf(text, sizeof(text), GBK_NAME_HDR "," GBK_ID_HDR "\r\n"
	    GBK_ZHANG ",%s\r\n" GBK_LI ",%s\r\n", A, B);
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(str(r, "encoding"), "GB18030");
	ck_assert_str_eq(str(entry(r, A), "name"), "张三");
	ck_assert_str_eq(str(entry(r, B), "name"), "李四");
	ck_assert_ptr_null(json_object_get(entry(r, A), "centre"));
	json_decref(r);
	/* the same file, named GBK by the operator */
	json_array_clear(problems);
	r = parse_text(text, "GBK", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(str(entry(r, B), "name"), "李四");
	json_decref(r);
}
END_TEST

START_TEST(gbk_read_as_utf8_is_refused)
{
	char text[512], err[1024];

	snprintf(text, sizeof(text), "%s\n%s," GBK_ZHANG "\n", "id,name", A);
	ck_assert_ptr_null(ctl_roster_parse(write_csv(text, strlen(text)), &rc,
	    "UTF-8", 0, ctx, problems, err, sizeof(err)));
	ck_assert_msg(strstr(err, "line 2: not valid UTF-8") != NULL, "%s",
	    err);
}
END_TEST

START_TEST(utf16_tabs)
{
	/* Excel's "Unicode text": UTF-16LE with a BOM, tab-separated */
	char text[512], bytes[1200];
	size_t i, n = 2;
	json_t *r;

	snprintf(text, sizeof(text), "Name\tID Number\tClass\r\nAnn Lee\t%s"
	    "\tA 1\r\n", C);
	bytes[0] = (char)0xff;
	bytes[1] = (char)0xfe;
	for (i = 0; text[i] != '\0'; i++) {
		bytes[n++] = text[i];
		bytes[n++] = 0;
	}
	/* the BOM wins over the encoding asked for (found by fuzz_roster:
	 * UTF-8 asked of this file read its NUL bytes as UTF-16's) */
	for (i = 0; i < 3; i++) {
		static const char *asked[] = { NULL, "UTF-8", "GBK" };

		r = ctl_roster_parse(write_csv(bytes, n), &rc, asked[i], 0,
		    ctx, problems, text, sizeof(text));
		ck_assert_msg(r != NULL, "%s", text);
		ck_assert_str_eq(str(r, "encoding"), "UTF-16");
		/* a tab delimiter: the space inside "Ann Lee" and "A 1"
		 * stays */
		ck_assert_str_eq(str(entry(r, C), "name"), "Ann Lee");
		ck_assert_str_eq(str(entry(r, C), "class"), "A 1");
		json_decref(r);
	}
}
END_TEST

START_TEST(spreadsheet_forms)
{
	char text[1024];
	json_t *r;

	/* quoted names with a comma, ="..." and '... kept-as-text IDs,
	 * semicolons (a European Excel), blank rows, the ideographic space */
	snprintf(text, sizeof(text), "姓名;身份证号\n"
	    "\"Lee, Ann\";=\"%s\"\n"
	    ";\n"
	    "\u3000李四\u3000;'%s\n"
	    ";;\n", A, B);
	r = parse_text(text, NULL, 0);
	ck_assert_msg(r != NULL, "%s", json_dumps(problems, 0));
	ck_assert_uint_eq(json_object_size(json_object_get(r, "entries")), 2);
	ck_assert_str_eq(str(entry(r, A), "name"), "Lee, Ann");
	ck_assert_str_eq(str(entry(r, B), "name"), "李四");
	ck_assert_int_eq(json_integer_value(json_object_get(entry(r, B),
	    "line")), 4);
	json_decref(r);
}
END_TEST

START_TEST(bad_rows_each_by_line)
{
	char text[1024], bad[19];
	json_t *r;

	memcpy(bad, A, sizeof(bad));
	bad[17] = bad[17] == '0' ? '1' : '0';		/* wrong check */
	snprintf(text, sizeof(text), "身份证号,姓名\n"
	    "%s,张三\n"		/* 2: good */
	    "%s,李四\n"		/* 3: wrong check character */
	    ",王五\n"		/* 4: no ID */
	    "%s,\n"		/* 5: no name */
	    "1.10105E+17,赵六\n"	/* 6: saved as a number */
	    "%s,孙七\n",	/* 7: good */
	    A, bad, B, C);
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_null(r);		/* nothing half-imported */
	ck_assert_uint_eq(json_array_size(problems), 4);
	ck_assert_ptr_null(problem_at(2));
	ck_assert_ptr_nonnull(strstr(problem_at(3), "check character"));
	ck_assert_str_eq(problem_at(4), "no ID number");
	ck_assert_ptr_nonnull(strstr(problem_at(5), "no name"));
	ck_assert_ptr_nonnull(strstr(problem_at(6), "saved as a number"));
	ck_assert_ptr_null(problem_at(7));
}
END_TEST

START_TEST(duplicates)
{
	char text[1024];
	json_t *r;

	snprintf(text, sizeof(text), "身份证号,姓名\n%s,张三\n%s,李四\n"
	    "%s,张三三\n%s,张三\n", A, B, A, C);
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(json_array_size(problems), 2);
	ck_assert_msg(strstr(problem_at(4), "also on line 2") != NULL, "%s",
	    problem_at(4));
	ck_assert_msg(strstr(problem_at(5), "name 张三 is also on line 2") !=
	    NULL, "%s", problem_at(5));

	/* two people of the same name, confirmed; the duplicate ID stays a
	 * problem */
	json_array_clear(problems);
	r = parse_text(text, NULL, 1);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(json_array_size(problems), 1);
	ck_assert_ptr_nonnull(problem_at(4));

	json_array_clear(problems);
	snprintf(text, sizeof(text), "身份证号,姓名\n%s,张三\n%s,张三\n", A, C);
	r = parse_text(text, NULL, 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(json_object_size(json_object_get(r, "entries")), 2);
	json_decref(r);
}
END_TEST

START_TEST(columns_from_config)
{
	char text[512];
	json_t *r;

	snprintf(text, sizeof(text), "学号,考生证件,考生名\n1,%s,张三\n", A);
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(problem_at(1), "no id column") != NULL, "%s",
	    problem_at(1));
	ck_assert_msg(strstr(problem_at(1), "roster.id_column") != NULL, "%s",
	    problem_at(1));

	json_array_clear(problems);
	snprintf(rc.id, sizeof(rc.id), "考生证件");
	snprintf(rc.name, sizeof(rc.name), "考生名");
	r = parse_text(text, NULL, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(str(entry(r, A), "name"), "张三");
	json_decref(r);
}
END_TEST

START_TEST(broken_files)
{
	char text[512];

	ck_assert_ptr_null(parse_text("", NULL, 0));
	ck_assert_ptr_nonnull(strstr(problem_at(1), "empty"));
	json_array_clear(problems);
	ck_assert_ptr_null(parse_text("身份证号,姓名\r\n", NULL, 0));
	ck_assert_ptr_nonnull(strstr(problem_at(2), "only a header"));
	json_array_clear(problems);
	snprintf(text, sizeof(text), "身份证号,姓名\n%s,\"张三\n", A);
	ck_assert_ptr_null(parse_text(text, NULL, 0));
	ck_assert_uint_eq(json_array_size(problems), 1);
	ck_assert_ptr_nonnull(strstr(str(json_array_get(problems, 0),
	    "error"), "never closed"));
}
END_TEST

START_TEST(save_and_load)
{
	char text[512], err[1024];
	json_t *r, *back;
	struct stat st;

	ck_assert_ptr_null(store_roster_load(tu_dir, err, sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "roster import"));
	snprintf(text, sizeof(text), "身份证号,姓名\n%s,张三\n", A);
	ck_assert_ptr_nonnull(r = parse_text(text, NULL, 0));
	ck_assert_int_eq(store_roster_save(tu_dir, r, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(tu_path("%s/roster.json", tu_dir), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);	/* personal data */
	back = store_roster_load(tu_dir, err, sizeof(err));
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(str(entry(back, A), "name"), "张三");
	json_decref(back);
	json_decref(r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("roster");
	TCase *tc = tcase_create("import");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, utf8_bom_crlf);
	tcase_add_test(tc, gbk_columns_in_any_order);
	tcase_add_test(tc, gbk_read_as_utf8_is_refused);
	tcase_add_test(tc, utf16_tabs);
	tcase_add_test(tc, spreadsheet_forms);
	tcase_add_test(tc, bad_rows_each_by_line);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, columns_from_config);
	tcase_add_test(tc, broken_files);
	tcase_add_test(tc, save_and_load);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
