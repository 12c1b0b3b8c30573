/*
 * test_idnum.c — resident ID numbers (R-FILE-7, GB 11643-1999).
 *
 * Valid numbers are made with the check character computed by an
 * independent formulation (tu_make_id in testutil.c: weights 2^(17-i)
 * mod 11 as a table, and the check value (12 - sum mod 11) mod 11), plus
 * the standard's own example.
 * Every kind of error is checked for its code and values (what the
 * programs word, store/idtext.c) and for the library's English message.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "photo/photo.h"
#include "store/store.h"
#include "tests/testutil.h"

/* 2024-06-01, so that tests do not depend on today */
#define NOW	((time_t)1717200000)

static photo_ctx *ctx;

static void
setup(void)
{
	ctx = tu_ctx();
}

static void
teardown(void)
{
	photo_destroy(ctx);
}

/* in is refused with the message msg and the code why, at character
 * pos (0: none) with ch ('\0': none) and part ("": none) */
static void
expect_why(const char *in, const char *msg, enum photo_id_why why, int pos,
    char ch, const char *part)
{
	char out[PHOTO_ID_LEN + 1], text[512];
	photo_id_err e;

	memset(&e, 0x55, sizeof(e));
	ck_assert_int_eq(photo_id_check(ctx, in, out, NOW, &e), -1);
	ck_assert_msg(strcmp(photo_error(ctx), msg) == 0,
	    "\"%s\": got \"%s\", want \"%s\"", in, photo_error(ctx), msg);
	ck_assert_msg(e.why == why, "\"%s\": why %d, want %d", in, e.why,
	    why);
	ck_assert_int_eq(e.pos, pos);
	ck_assert_int_eq(e.ch, ch);
	ck_assert_str_eq(e.part, part);
	/* the programs' sentence never offers a check character */
	store_id_error_text(&e, 0, text, sizeof(text));
	ck_assert_msg(strncmp(text, "R-FILE-7: ", 10) == 0, "%s", text);
	ck_assert(strstr(text, "should be") == NULL);
}

#define expect_error(in, msg)	do {					\
	char out_[PHOTO_ID_LEN + 1];					\
									\
	ck_assert_int_eq(photo_id_check(ctx, in, out_, NOW, NULL), -1);	\
	ck_assert_msg(strcmp(photo_error(ctx), msg) == 0,		\
	    "\"%s\": got \"%s\", want \"%s\"", in, photo_error(ctx), msg);	\
} while (0)

START_TEST(standard_example)
{
	char out[PHOTO_ID_LEN + 1];

	/* GB 11643-1999's worked example */
	ck_assert_int_eq(photo_id_check(ctx, "11010519491231002X", out, NOW, NULL), 0);
	ck_assert_str_eq(out, "11010519491231002X");
	ck_assert_int_eq(tu_id_check_char("11010519491231002"), 'X');
	/* lower-case x is normalised, scanner whitespace trimmed */
	ck_assert_int_eq(photo_id_check(ctx, " 11010519491231002x\r\n", out,
	    NOW, NULL), 0);
	ck_assert_str_eq(out, "11010519491231002X");
}
END_TEST

START_TEST(generated)
{
	char id[19], out[PHOTO_ID_LEN + 1], d17[18];
	int i, y, m, d, bad;

	for (i = 0; i < 2000; i++) {
		y = 1930 + i % 90;
		m = 1 + i % 12;
		d = 1 + i % 28;
		snprintf(d17, sizeof(d17), "%d%05d%04d%02d%02d%03d",
		    1 + i % 8, (i * 7919) % 100000, y, m, d, i % 1000);
		tu_make_id(d17, id);
		ck_assert_msg(photo_id_check(ctx, id, out, NOW, NULL) == 0, "%s: %s",
		    id, photo_error(ctx));
		ck_assert_str_eq(out, id);
		/* every other check character is refused, never naming the
		 * right one (that would make someone else's number) */
		bad = id[17] == '0' ? '1' : '0';
		id[17] = (char)bad;
		ck_assert_int_eq(photo_id_check(ctx, id, out, NOW, NULL), -1);
		ck_assert(strstr(photo_error(ctx), "not a valid ID number") !=
		    NULL);
		ck_assert(strstr(photo_error(ctx), "should be") == NULL);
	}
}
END_TEST

START_TEST(errors)
{
	char id[19];

	tu_make_id("11010519491231002", id);
	id[17] = '3';
	expect_why(id, "R-FILE-7: the check character does not match: this "
	    "is not a valid ID number; check every digit against the ID card",
	    PHOTO_ID_CHECK, 18, '\0', "");
	expect_why("1101051949123100", "R-FILE-7: 16 characters, need 18",
	    PHOTO_ID_LENGTH, 0, '\0', "");
	expect_why("1101051949123100211",
	    "R-FILE-7: 19 characters, need 18", PHOTO_ID_LENGTH, 0, '\0', "");
	expect_why("", "R-FILE-7: 0 characters, need 18", PHOTO_ID_LENGTH, 0,
	    '\0', "");
	expect_why("1101a519491231002X",
	    "R-FILE-7: character 5 is 'a', not a digit", PHOTO_ID_NOT_DIGIT,
	    5, 'a', "");
	expect_why("11010 19491231002X",
	    "R-FILE-7: character 6 is ' ', not a digit", PHOTO_ID_NOT_DIGIT,
	    6, ' ', "");
	expect_why("11010519491231\00102X",
	    "R-FILE-7: character 15 is '?', not a digit", PHOTO_ID_NOT_DIGIT,
	    15, '?', "");
	expect_why("11010519491231002Y",
	    "R-FILE-7: character 18 is 'Y', not a digit or X",
	    PHOTO_ID_LAST_CHAR, 18, 'Y', "");
	expect_why("01010519491231002X",
	    "R-FILE-7: region code 010105 cannot start with 0",
	    PHOTO_ID_REGION, 1, '0', "010105");
	tu_make_id("11010519990230001", id);
	expect_why(id, "R-FILE-7: birth date 19990230 is not a real date",
	    PHOTO_ID_BIRTH_DATE, 7, '\0', "19990230");
	tu_make_id("11010518991231001", id);
	expect_why(id, "R-FILE-7: birth date 18991231 is before 1900: "
	    "too old to be right", PHOTO_ID_BIRTH_OLD, 7, '\0', "18991231");
	tu_make_id("11010520990101001", id);
	expect_why(id, "R-FILE-7: birth date 20990101 is in the future",
	    PHOTO_ID_BIRTH_FUTURE, 7, '\0', "20990101");
	tu_make_id("11010519991301001", id);
	expect_why(id, "R-FILE-7: birth date 19991301 is not a real date",
	    PHOTO_ID_BIRTH_DATE, 7, '\0', "19991301");
}
END_TEST

/* A refusal's code and values survive the socket: put on a reply, read
 * back, worded the same. */
START_TEST(wire)
{
	const char *ids[] = { "1101a519491231002X", "11010519491231002Y",
	    "01010519491231002X", "110105199902300011", "12345" };
	char out[PHOTO_ID_LEN + 1], t1[512], t2[512];
	photo_id_err e, back;
	json_t *o;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ck_assert_int_eq(photo_id_check(ctx, ids[i], out, NOW, &e), -1);
		o = json_object();
		store_id_error_put(o, &e);
		ck_assert_int_eq(store_id_error_get(o, &back), 0);
		ck_assert_int_eq(back.why, e.why);
		store_id_error_text(&e, 0, t1, sizeof(t1));
		store_id_error_text(&back, 0, t2, sizeof(t2));
		ck_assert_str_eq(t1, t2);
		ck_assert_str_eq(json_string_value(json_object_get(o,
		    PROTO_F_ERROR)), t1);
		json_decref(o);
	}
	/* another refusal carries none */
	o = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", "BUSY", "error",
	    "busy");
	ck_assert_int_eq(store_id_error_get(o, &back), -1);
	json_decref(o);
}
END_TEST

START_TEST(leap_days)
{
	char id[19], out[PHOTO_ID_LEN + 1];

	tu_make_id("11010520000229001", id);	/* 2000 is a leap year */
	ck_assert_int_eq(photo_id_check(ctx, id, out, NOW, NULL), 0);
	tu_make_id("11010519960229001", id);
	ck_assert_int_eq(photo_id_check(ctx, id, out, NOW, NULL), 0);
	tu_make_id("11010519000229001", id);	/* 1900 is not */
	expect_error(id, "R-FILE-7: birth date 19000229 is not a real date");
	tu_make_id("11010519970229001", id);
	expect_error(id, "R-FILE-7: birth date 19970229 is not a real date");
	/* the day itself is not in the future */
	tu_make_id("11010520240601001", id);
	ck_assert_int_eq(photo_id_check(ctx, id, out, NOW, NULL), 0);
	tu_make_id("11010520240602001", id);
	expect_error(id, "R-FILE-7: birth date 20240602 is in the future");
}
END_TEST

START_TEST(escape)
{
	photo_params p;
	char out[PHOTO_ID_LEN + 1];

	/* off by default: a passport number is refused */
	ck_assert_int_eq(photo_id_check(ctx, "E12345678", out, NOW, NULL), -1);
	tu_params(&p);
	snprintf(p.id_escape, sizeof(p.id_escape), "%s", "[EG][0-9]{8}");
	ck_assert_int_eq(photo_configure(ctx, &p), 0);
	ck_assert_int_eq(photo_id_check(ctx, "E12345678", out, NOW, NULL), 0);
	ck_assert_str_eq(out, "E12345678");
	/* the whole input must match */
	ck_assert_int_eq(photo_id_check(ctx, "XE12345678", out, NOW, NULL), -1);
	/* resident IDs still work, and are still checked */
	ck_assert_int_eq(photo_id_check(ctx, "11010519491231002X", out, NOW, NULL), 0);
	ck_assert_int_eq(photo_id_check(ctx, "110105194912310023", out, NOW, NULL),
	    -1);
	/* a regex that lets a path through is not obeyed */
	snprintf(p.id_escape, sizeof(p.id_escape), "%s", ".*");
	ck_assert_int_eq(photo_configure(ctx, &p), 0);
	ck_assert_int_eq(photo_id_check(ctx, "../etc/passwd", out, NOW, NULL), -1);
	/* a broken regex is named */
	snprintf(p.id_escape, sizeof(p.id_escape), "%s", "([0-9]");
	ck_assert_int_eq(photo_configure(ctx, &p), 0);
	ck_assert_int_eq(photo_id_check(ctx, "E1", out, NOW, NULL), -1);
	ck_assert(strstr(photo_error(ctx), "id_escape") != NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("idnum");
	TCase *tc = tcase_create("R-FILE-7");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, standard_example);
	tcase_add_test(tc, generated);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, wire);
	tcase_add_test(tc, leap_days);
	tcase_add_test(tc, escape);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
