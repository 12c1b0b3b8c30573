/*
 * test_conf.c — the configuration file.
 *
 * The commented example conf/idphotod.conf must say exactly the built-in
 * defaults (so the documentation cannot drift from the code), and must
 * mention every check photo.h defines. Broken files give file:line. The
 * masking of ID numbers for logs lives in store/conf.c too; writing
 * calibrated levels back (ctl/confedit.c) is tests/test_confedit.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "tests/testutil.h"

/* Writes text to a config file and loads it; returns the result. */
static int
load_text(const char *text, struct store_conf *c, char *err, size_t errlen)
{
	const char *path = tu_path("%s/test.conf", tu_dir);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return store_conf_load(path, c, err, errlen);
}

START_TEST(example_is_defaults)
{
	struct store_conf *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char err[512];
	int i;

	store_conf_default(a);
	ck_assert_msg(store_conf_load(tu_path("%s/conf/idphotod.conf",
	    tu_srcdir()), b, err, sizeof(err)) == 0, "%s", err);
	/* field by field, for a readable failure */
	ck_assert_str_eq(a->photo.cascade_dir, b->photo.cascade_dir);
	ck_assert_int_eq(a->photo.analysis_long, b->photo.analysis_long);
	ck_assert_double_eq(a->photo.eye.target, b->photo.eye.target);
	for (i = 0; i < PHOTO_CK_COUNT; i++) {
		ck_assert_msg(a->photo.check[i].severity ==
		    b->photo.check[i].severity && a->photo.check[i].limit ==
		    b->photo.check[i].limit && a->photo.check[i].limit2 ==
		    b->photo.check[i].limit2, "check %s differs",
		    photo_check_name(i));
	}
	ck_assert(memcmp(a, b, sizeof(*a)) == 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(every_check_documented)
{
	size_t len;
	char *text = (char *)tu_read(tu_path("%s/conf/idphotod.conf",
	    tu_srcdir()), &len);
	int i;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < PHOTO_CK_COUNT; i++) {
		char key[64];

		snprintf(key, sizeof(key), "    %s = {", photo_check_name(i));
		ck_assert_msg(strstr(text, key) != NULL, "check %s is not in "
		    "conf/idphotod.conf", photo_check_name(i));
	}
	free(text);
}
END_TEST

START_TEST(values)
{
	struct store_conf c;
	char err[512];

	ck_assert_msg(load_text(
	    "photo: { geometry: { eye = { min = 210; max = 290; target = 260; };"
	    " centre_tolerance = 2; };\n"
	    "  detect: { scale_factor = 1.2; min_face = 0.1; };\n"
	    "  checks: { roll = { severity = \"warn\"; limit = 4; };\n"
	    "            yaw = { severity = \"off\"; }; };\n"
	    "  file: { extension = \".JPG\"; }; };\n"
	    "output: { dir = \"/srv/photos\"; };\n", &c, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_double_eq(c.photo.eye.min, 210);	/* int for a float */
	ck_assert_double_eq(c.photo.eye.target, 260);
	ck_assert_double_eq(c.photo.centre_tol, 2);
	ck_assert_double_eq(c.photo.detect_scale, 1.2);
	ck_assert_int_eq(c.photo.check[PHOTO_CK_ROLL].severity, PHOTO_WARN);
	ck_assert_double_eq(c.photo.check[PHOTO_CK_ROLL].limit, 4);
	ck_assert_int_eq(c.photo.check[PHOTO_CK_YAW].severity, PHOTO_OFF);
	ck_assert_str_eq(c.ext, ".JPG");
	ck_assert_str_eq(c.output_dir, "/srv/photos");
	ck_assert_str_eq(c.roster.encoding, "auto");
	ck_assert_msg(load_text("roster: { id_column = \"考生身份证号\"; "
	    "encoding = \"GBK\"; };\n", &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.roster.id, "考生身份证号");
	ck_assert_str_eq(c.roster.encoding, "GBK");
	ck_assert_str_eq(c.roster.name, "");
	ck_assert_msg(load_text(
	    "lighting: { standby = 0.5; lamps = (\n"
	    "  { name = \"key\"; position = \"left\"; address = 10;"
	    " dimmer_bits = 8; cct_bits = 0; level = 0.7; },\n"
	    "  { name = \"fill\"; position = \"right\"; address = 11;"
	    " level = 0.6; cct = 5600; fade_ms = 0; } ); };\n", &c, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(c.rig.nlamps, 2);
	ck_assert_str_eq(c.rig.lamp[0].name, "key");
	ck_assert_int_eq(rig_footprint(&c.rig.lamp[0]), 1);
	ck_assert_int_eq(rig_footprint(&c.rig.lamp[1]), 3);
	ck_assert_double_eq(c.rig.lamp[1].level, 0.6);
	ck_assert_int_eq(c.rig.lamp[1].cct, 5600);
	ck_assert_double_eq(c.rig.standby, 0.5);
	/* untouched keys keep their defaults */
	ck_assert_double_eq(c.photo.top.min, 50);
	ck_assert_int_eq(c.photo.quality_min, 60);
}
END_TEST

static void
expect(const char *text, const char *msg)
{
	struct store_conf c;
	char err[512];

	ck_assert_int_eq(load_text(text, &c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, msg) != NULL, "got \"%s\", want \"%s\"", err,
	    msg);
}

START_TEST(errors)
{
	expect("photo: { detect: { scale_factor = 1.1 }; ", "test.conf:1: ");
	expect("photo: {\n  geometry: {\n    eye = { min = 300; max = 200; "
	    "target = 250; };\n  };\n};\n",
	    "test.conf:3: photo.geometry.eye.min must be < max");
	expect("photo: {\n  detect: {\n    scale_factr = 1.2;\n  };\n};\n",
	    "test.conf:3: unknown key photo.detect.scale_factr");
	expect("photo: { checks: { rol = { limit = 3; }; }; };\n",
	    "unknown check photo.checks.rol");
	expect("photo: { checks: { roll = { severity = \"maybe\"; }; }; };\n",
	    "severity must be \"fail\", \"warn\" or \"off\"");
	expect("photo: { file: { quality_min = 0; }; };\n",
	    "photo.file.quality_min = 0 is outside 1..100");
	expect("photo: { detect: { min_neighbors = \"three\"; }; };\n",
	    "photo.detect.min_neighbors must be an integer");
	expect("photo: { file: { size_min = 60000; }; };\n",
	    "size_min must be < size_max");
	expect("photo: { file: { extension = \".png\"; }; };\n",
	    "R-FILE-6");
	expect("colour = \"blue\";\n", "unknown key colour");
	/* the lamp rig: each refusal names the lamp's line (R-LIGHT-3) */
	expect("lighting: {\n lamps = (\n { position = \"left\"; address = 1; },"
	    "\n { position = \"right\"; address = 600; } ); };\n",
	    "test.conf:4: lighting.lamps[1].address = 600 is outside 1..512");
	expect("lighting: {\n lamps = (\n { position = \"left\"; address = 1; },"
	    "\n { position = \"right\"; address = 2; } ); };\n",
	    "test.conf:4: lamp \"lamp2\" (channels 2..4) overlaps lamp "
	    "\"lamp1\" (channels 1..3)");
	expect("lighting: {\n lamps = (\n { position = \"left\"; address = 1; },"
	    "\n { position = \"right\"; address = 511; } ); };\n",
	    "test.conf:4: lamp \"lamp2\": channels 511..513 are outside");
	expect("lighting: {\n lamps = (\n { position = \"left\"; address = 1; "
	    "cct = 5400; },\n { position = \"right\"; address = 4; } ); };\n",
	    "test.conf:3: lamp \"lamp1\": cct 5400 K is outside 5500-5600 K "
	    "(R-LIGHT-3)");
	expect("lighting: {\n lamps = (\n { position = \"left\"; address = 1; "
	    "cct_min = 2700; cct_max = 5550; cct = 5600; },\n"
	    " { position = \"right\"; address = 4; } ); };\n",
	    "test.conf:3: lamp \"lamp1\": cct 5600 K is outside the fixture's "
	    "range 2700..5550 K");
	expect("lighting: { lamps = ( { position = \"left\"; address = 1; } "
	    "); };\n",
	    "needs a lamp on the left and one on the right");
	expect("lighting: { lamps = ( { position = \"left\"; } ); };\n",
	    "channels 0..2 are outside the DMX universe");
	expect("lighting: { lamps = ( { position = \"up\"; address = 1; } ); "
	    "};\n",
	    "position must be \"left\" or \"right\"");
	expect("lighting: { lamps = ( { level = 1.5; } ); };\n",
	    "level = 1.5 is outside 0..1");
	expect("lighting: { driver = \"dmx4all\"; };\n",
	    "lighting.driver \"dmx4all\" is not known");
	expect("lighting: { driver = \"enttec-tty\"; };\n",
	    "must name the tty");
	expect("lighting: { shutdown = \"dark\"; };\n",
	    "lighting.shutdown must be");
	/* the roster's encoding must be one iconv knows */
	expect("roster: {\n  encoding = \"KLINGON-8\";\n};\n",
	    "test.conf:2: roster.encoding \"KLINGON-8\" is not known");
	expect("roster: { id_colum = \"x\"; };\n",
	    "unknown key roster.id_colum");
	{
		struct store_conf c;
		char err[512];

		ck_assert_int_eq(store_conf_load(tu_path("%s/missing.conf", tu_dir),
		    &c, err, sizeof(err)), -1);
		ck_assert(strstr(err, "No such file") != NULL);
	}
}
END_TEST

START_TEST(mask)
{
	char out[32];

	store_mask_id("11010519491231002X", out, sizeof(out));
	ck_assert_str_eq(out, "110105********002X");
	store_mask_id("E12345678", out, sizeof(out));
	ck_assert_str_eq(out, "E1*******");
	store_mask_id("11010519491231002X", out, 8);
	ck_assert_str_eq(out, "110105*");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, example_is_defaults);
	tcase_add_test(tc, every_check_documented);
	tcase_add_test(tc, values);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, mask);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
