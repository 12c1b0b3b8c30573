/*
 * test_lighting.c — the lamp rig (lighting/): the DMX frame a rig makes
 * from its lamps' levels (dimmer bits, CCT channel), its fades and modes,
 * live recalibration and the shutdown state read back from the simulated
 * sink's recording, and the calibration proposal (rig_propose).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/dmx.h"
#include "lighting/rig.h"
#include "tests/testutil.h"

START_TEST(frame_values)
{
	struct rig_conf c;
	uint8_t u[DMX_CHANNELS];
	double lv[2] = { 0.8, 0.6 };
	int lamp;
	char err[256];

	tu_two_lamps(&c, "sim", "");
	ck_assert_int_eq(rig_conf_check(&c, &lamp, err, sizeof(err)), 0);
	rig_frame(&c, lv, u);
	/* 0.8 of 65535 = 52428 = 0xCCCC, coarse then fine */
	ck_assert_int_eq(u[0], 0xCC);
	ck_assert_int_eq(u[1], 0xCC);
	/* 5500 K on 2700..6500 K: 2800/3800 of 255 = 187.9 */
	ck_assert_int_eq(u[2], 188);
	ck_assert_int_eq(u[9], 153);		/* 0.6 of 255 */
	ck_assert_int_eq(u[3] | u[8] | u[10], 0);
	lv[0] = 1.0;
	lv[1] = 0.0;
	c.lamp[0].cct_bits = 16;
	c.lamp[0].cct = 5600;
	c.lamp[0].cct_min = 5500;
	c.lamp[0].cct_max = 5600;
	rig_frame(&c, lv, u);
	ck_assert_int_eq(u[0], 0xFF);
	ck_assert_int_eq(u[1], 0xFF);
	ck_assert_int_eq(u[2], 0xFF);		/* CCT at the top of its range */
	ck_assert_int_eq(u[3], 0xFF);
	ck_assert_int_eq(u[9], 0);
}
END_TEST

/* ---- the rig on the simulated sink ------------------------------------- */

/* Channel ch (1-based) of each recorded frame, in order; returns the
 * count. */
static int
recorded(const char *path, int ch, int *out, int max)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *end;
		int i;

		strtol(p, &end, 10);		/* frame number */
		p = end;
		strtol(p, &end, 10);		/* ms */
		p = end;
		out[n] = 0;
		for (i = 1; i <= ch; i++) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;		/* trailing zeros not written */
			p = end;
			if (i == ch)
				out[n] = (int)v;
		}
		n++;
	}
	fclose(f);
	return n;
}

START_TEST(rig_fades_and_modes)
{
	static int v[4096];
	struct rig_conf c;
	const char *rec = tu_path("%s/frames", tu_dir);
	char err[256];
	int n, i, mid = 0;
	rig *r;

	tu_two_lamps(&c, "sim", rec);
	c.lamp[1].fade_ms = 400;		/* right lamp, 8-bit at 10 */
	r = rig_start(&c, RIG_STANDBY, NULL, NULL, NULL, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	tu_sleep_ms(700);
	rig_set_mode(r, RIG_SHOOTING);
	tu_sleep_ms(700);
	rig_stop(r);				/* shutdown = standby */
	n = recorded(rec, 10, v, 4096);
	ck_assert_int_gt(n, 20);
	/* standby first: 0.6 * 0.3 = 0.18 of 255 = 46 */
	ck_assert_int_eq(v[n / 2 - 3], 46);
	/* a fade up to 153 through values in between, never down */
	for (i = 1; i < n - 1; i++) {
		if (v[i] > 46 && v[i] < 153)
			mid++;
		if (v[i] > 46)
			ck_assert_int_ge(v[i], v[i - 1]);
	}
	ck_assert_msg(mid >= 3, "only %d frames inside a 400 ms fade", mid);
	ck_assert_int_eq(v[n - 2], 153);	/* shooting: 0.6 */
	ck_assert_int_eq(v[n - 1], 46);		/* shutdown: standby, at once */
}
END_TEST

START_TEST(rig_recalibrate_and_off)
{
	static int v[4096];
	struct rig_conf c;
	struct rig_status st;
	const char *rec = tu_path("%s/frames", tu_dir);
	char err[256];
	int n;
	rig *r;

	tu_two_lamps(&c, "sim", rec);
	snprintf(c.shutdown, sizeof(c.shutdown), "off");
	r = rig_start(&c, RIG_SHOOTING, NULL, NULL, NULL, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	tu_sleep_ms(200);
	c.lamp[1].level = 0.2;			/* a technician's edit */
	c.lamp[1].fade_ms = 200;
	rig_configure(r, &c);
	tu_sleep_ms(500);
	rig_status(r, &st);
	ck_assert_int_eq(st.connected, 1);
	ck_assert_double_eq_tol(st.level[1], 0.2, 1e-9);
	ck_assert_double_eq_tol(st.side[1], 0.2, 1e-9);
	ck_assert_double_eq_tol(st.side[0], 0.8, 1e-9);
	ck_assert_int_eq(st.settle_ms, 0);
	rig_stop(r);
	n = recorded(rec, 10, v, 4096);
	ck_assert_int_eq(v[2], 153);
	ck_assert_int_eq(v[n - 2], 51);		/* 0.2 of 255 */
	ck_assert_int_eq(v[n - 1], 0);		/* shutdown = off */
	n = recorded(rec, 1, v, 4096);
	ck_assert_int_eq(v[n - 1], 0);
}
END_TEST

START_TEST(propose)
{
	struct rig_conf c, out;

	tu_two_lamps(&c, "sim", "");
	c.lamp[1].level = 0.8;
	ck_assert_int_eq(rig_propose(&c, 1.02, RIG_GAIN_FACE, 50, 0, &out),
	    RIG_BALANCED);
	ck_assert_double_eq(out.lamp[0].level, 0.8);
	/* left cheek darker: left up, right down, by the same factor */
	ck_assert_int_eq(rig_propose(&c, 0.8, RIG_GAIN_FACE, 50, 0, &out),
	    0);
	ck_assert_double_eq_tol(out.lamp[0].level, 1.0, 0.001);	/* 0.8/0.8 */
	ck_assert_double_eq_tol(out.lamp[1].level, 0.64, 0.001);
	/* brighter left: the mirror image */
	ck_assert_int_eq(rig_propose(&c, 1.25, RIG_GAIN_FACE, 50, 0, &out),
	    0);
	ck_assert_double_eq_tol(out.lamp[0].level, 0.64, 0.001);
	ck_assert_double_eq_tol(out.lamp[1].level, 1.0, 0.001);
	/* the backdrop's balance (gain 1): the ratio of levels moves by
	 * the balance itself, 1/0.8 here, each side by its square root */
	ck_assert_int_eq(rig_propose(&c, 0.8, RIG_GAIN_BACKDROP, 50, 0, &out),
	    0);
	ck_assert_double_eq_tol(out.lamp[0].level, 0.8 / sqrt(0.8), 0.001);
	ck_assert_double_eq_tol(out.lamp[1].level, 0.8 * sqrt(0.8), 0.001);
	/* exposure only: both scale by the ratio of light (L* 50 -> 60) */
	ck_assert_int_eq(rig_propose(&c, 1.0, RIG_GAIN_FACE, 50, 60, &out),
	    RIG_AT_FULL);
	ck_assert_double_eq_tol(out.lamp[0].level, 1.0, 0.001);
	c.lamp[0].level = c.lamp[1].level = 0.4;
	ck_assert_int_eq(rig_propose(&c, 1.0, RIG_GAIN_FACE, 50, 60, &out),
	    0);
	ck_assert_double_eq_tol(out.lamp[0].level, 0.4 * 1.527, 0.002);
	ck_assert_double_eq_tol(out.lamp[1].level, out.lamp[0].level, 1e-9);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lighting");
	TCase *tc = tcase_create("lighting");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, frame_values);
	tcase_add_test(tc, rig_fades_and_modes);
	tcase_add_test(tc, rig_recalibrate_and_off);
	tcase_add_test(tc, propose);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
