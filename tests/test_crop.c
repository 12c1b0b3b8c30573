/*
 * test_crop.c — the crop planner (R-GEO-1..4) on generated geometries.
 *
 * The planner is checked as a property, not on one example: for a few
 * thousand random faces and frames, an independent brute-force search
 * over scale and origin decides whether a compliant crop exists, and
 *  - when the planner returns a crop, the crop lies inside the frame and
 *    puts the hair top, eye line, face width and centre inside their
 *    bands, at a scale within the limit;
 *  - when the brute force finds a crop with some margin, so must the
 *    planner, and the planner's crop is at least as central;
 *  - when no crop exists, the planner says so, with a reason.
 * Then one case per reason, built so that exactly that reason applies.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "photo/internal.h"
#include "tests/testutil.h"

static photo_params P;

static void
setup(void)
{
	photo_params_default(&P);
}

/* Deviation as the planner defines it (0 at target, 1 at a limit). */
static double
dev(const photo_band *b, double v)
{
	return v >= b->target ? (v - b->target) / (b->max - b->target) :
	    (b->target - v) / (b->target - b->min);
}

/*
 * Brute force: the best (smallest worst deviation) crop found on a grid,
 * requiring every constraint to hold with `margin` output px to spare.
 * Returns the deviation, or INFINITY when none exists.
 */
static double
brute(const photo_face *f, int W, int H, double max_s, double margin)
{
	double best = INFINITY;
	int i, j;

	for (i = 0; i <= 800; i++) {
		double s = 0.02 + (3.0 - 0.02) * i / 800.0;
		double fw = f->width * s, x, cxo;

		if (s > max_s || fw < P.fw.min + margin || fw > P.fw.max - margin)
			continue;
		if (PHOTO_OUT_W / s > W || PHOTO_OUT_H / s > H)
			continue;
		/* x: centre exactly when the frame allows, else clamp */
		x = f->cx - PHOTO_OUT_W / 2.0 / s;
		if (x < 0)
			x = 0;
		if (x > W - PHOTO_OUT_W / s)
			x = W - PHOTO_OUT_W / s;
		cxo = (f->cx - x) * s;
		if (fabs(cxo - PHOTO_OUT_W / 2.0) > P.centre_tol - margin / 10)
			continue;
		for (j = 0; j <= 600; j++) {
			double y = (H - PHOTO_OUT_H / s) * j / 600.0;
			double top = (f->head_top - y) * s;
			double eye = (f->eye_y - y) * s, d;

			if (top < P.top.min + margin || top > P.top.max - margin ||
			    eye < P.eye.min + margin || eye > P.eye.max - margin)
				continue;
			d = fmax(fmax(dev(&P.top, top), dev(&P.eye, eye)),
			    dev(&P.fw, fw));
			if (d < best)
				best = d;
		}
	}
	return best;
}

static double
urand(double lo, double hi)
{
	return lo + (hi - lo) * (random() / (double)RAND_MAX);
}

/* A random face in a random frame, mostly near-feasible. */
static void
random_case(photo_face *f, int *W, int *H)
{
	double fw = urand(100, 900);

	*W = (int)urand(fw * 1.2, fw * 6);
	*H = (int)urand(fw * 1.5, fw * 8);
	f->width = fw;
	f->cx = urand(0.1, 0.9) * *W;
	f->head_top = urand(-0.1, 0.6) * *H;
	if (f->head_top < 0)
		f->head_top = 0;
	f->eye_y = f->head_top + fw * urand(0.35, 1.2);
}

START_TEST(random_geometries)
{
	int k, n_ok = 0, n_none = 0;

	srandom(12345);
	for (k = 0; k < 1500; k++) {
		photo_face f = { 0 };
		photo_crop c;
		unsigned why;
		int W, H, rc;
		double max_s = k % 3 == 0 ? 1.0 : INFINITY, b;

		random_case(&f, &W, &H);
		rc = photo_plan_crop(&P, &f, W, H, max_s, &c, &why);
		if (rc == 0) {
			n_ok++;
			ck_assert_int_eq(c.ok, 1);
			ck_assert(c.scale <= max_s + 1e-12);
			ck_assert(c.x >= -1e-6 && c.y >= -1e-6);
			ck_assert(c.x + c.w <= W + 1e-6);
			ck_assert(c.y + c.h <= H + 1e-6);
			ck_assert(c.out_top >= P.top.min - 1e-6 &&
			    c.out_top <= P.top.max + 1e-6);
			ck_assert(c.out_eye >= P.eye.min - 1e-6 &&
			    c.out_eye <= P.eye.max + 1e-6);
			ck_assert(c.out_fw >= P.fw.min - 1e-6 &&
			    c.out_fw <= P.fw.max + 1e-6);
			ck_assert(fabs(c.out_cx - 240) <= P.centre_tol + 1e-6);
			/* the outputs are what the crop really gives */
			ck_assert(fabs(c.out_eye - (f.eye_y - c.y) * c.scale) <
			    1e-6);
			/* at least as central as the grid's best */
			b = brute(&f, W, H, max_s, 0.0);
			ck_assert_msg(fmax(fmax(dev(&P.top, c.out_top),
			    dev(&P.eye, c.out_eye)), dev(&P.fw, c.out_fw)) <=
			    b + 0.01, "case %d: planner less central than "
			    "brute force (%g)", k, b);
		} else {
			n_none++;
			ck_assert_int_eq(c.ok, 0);
			ck_assert_msg(why != 0, "case %d: no reason given", k);
			b = brute(&f, W, H, max_s, 1.0);
			ck_assert_msg(!(b < INFINITY), "case %d: brute force "
			    "found a crop (dev %g) the planner missed "
			    "(why %#x)", k, b, why);
			/* upscale is the reason exactly when the frame allows
			 * a crop at some larger scale */
			if (why & PLAN_UPSCALE)
				ck_assert(brute(&f, W, H, INFINITY, 0.0) <
				    INFINITY);
		}
	}
	/* the generator must exercise both outcomes */
	ck_assert_int_gt(n_ok, 150);
	ck_assert_int_gt(n_none, 150);
}
END_TEST

/* A comfortable portrait frame: the plan sits at the targets. */
static void
good_face(photo_face *f, int *W, int *H)
{
	*W = 2000;
	*H = 3000;
	f->width = 500;
	f->cx = 1000;
	f->head_top = 800;
	f->eye_y = 800 + 170 / 240.0 * 500;	/* 170 out px at fw 240 */
}

START_TEST(central_plan)
{
	photo_face f = { 0 };
	photo_crop c;
	unsigned why;
	int W, H;

	good_face(&f, &W, &H);
	ck_assert_int_eq(photo_plan_crop(&P, &f, W, H, 1.0, &c, &why), 0);
	ck_assert_double_eq_tol(c.out_fw, 240, 1.5);
	ck_assert_double_eq_tol(c.out_eye, 250, 1.5);
	ck_assert_double_eq_tol(c.out_top, 80, 1.5);
	ck_assert_double_eq_tol(c.out_cx, 240, 1e-6);
}
END_TEST

/* Voluminous hair: the fixed targets would fail, the bands together
 * still have a solution, and the planner finds it. */
START_TEST(tall_hair_solved_together)
{
	photo_face f = { 0 };
	photo_crop c;
	unsigned why;
	int W, H;

	good_face(&f, &W, &H);
	f.eye_y = f.head_top + 230 / 240.0 * f.width;	/* 230 at fw 240 */
	ck_assert_int_eq(photo_plan_crop(&P, &f, W, H, 1.0, &c, &why), 0);
	ck_assert(c.out_top >= 50 && c.out_top <= 110);
	ck_assert(c.out_eye >= 200 && c.out_eye <= 300);
	ck_assert(c.out_fw < 240);	/* it had to move off the target */
}
END_TEST

static unsigned
reason_for(void (*tweak)(photo_face *, int *, int *), double max_s)
{
	photo_face f = { 0 };
	photo_crop c;
	unsigned why = 0;
	int W, H;

	good_face(&f, &W, &H);
	tweak(&f, &W, &H);
	ck_assert_int_eq(photo_plan_crop(&P, &f, W, H, max_s, &c, &why), -1);
	ck_assert_int_eq(c.ok, 0);
	return why;
}

static void
t_above(photo_face *f, int *W, int *H)
{
	(void)W; (void)H;
	f->eye_y -= f->head_top - 20;
	f->head_top = 20;
}

static void
t_below(photo_face *f, int *W, int *H)
{
	(void)W;
	*H = (int)(f->eye_y + 200);
}

static void
t_left(photo_face *f, int *W, int *H)
{
	(void)W; (void)H;
	f->cx = 300;
}

static void
t_right(photo_face *f, int *W, int *H)
{
	(void)H;
	f->cx = *W - 300;
}

static void
t_close(photo_face *f, int *W, int *H)
{
	f->width = 1400;
	f->cx = *W / 2.0;
	f->head_top = 100;
	f->eye_y = 100 + 0.7 * 1400;
	*H = 2400;
}

static void
t_small(photo_face *f, int *W, int *H)
{
	(void)W; (void)H;
	f->width = 120;
	f->eye_y = f->head_top + 0.7 * 120;
}

static void
t_hair_tall(photo_face *f, int *W, int *H)
{
	(void)W; (void)H;
	f->eye_y = f->head_top + 2.0 * f->width;
}

static void
t_hair_short(photo_face *f, int *W, int *H)
{
	(void)W; (void)H;
	f->eye_y = f->head_top + 0.1 * f->width;
}

START_TEST(reasons)
{
	ck_assert_uint_eq(reason_for(t_above, 1.0), PLAN_NO_ROOM_ABOVE);
	ck_assert_uint_eq(reason_for(t_below, 1.0), PLAN_NO_ROOM_BELOW);
	ck_assert_uint_eq(reason_for(t_left, 1.0), PLAN_NO_ROOM_LEFT);
	ck_assert_uint_eq(reason_for(t_right, 1.0), PLAN_NO_ROOM_RIGHT);
	ck_assert_uint_eq(reason_for(t_close, 1.0), PLAN_TOO_CLOSE);
	ck_assert_uint_eq(reason_for(t_small, 1.0), PLAN_UPSCALE);
	ck_assert_uint_eq(reason_for(t_hair_tall, 1.0), PLAN_PROPORTION_TALL);
	ck_assert_uint_eq(reason_for(t_hair_short, 1.0),
	    PLAN_PROPORTION_SHORT);
}
END_TEST

/* Targets are configurable: moving the eye target moves the plan. */
START_TEST(targets_configurable)
{
	photo_face f = { 0 };
	photo_crop c1, c2;
	unsigned why;
	int W, H;

	good_face(&f, &W, &H);
	ck_assert_int_eq(photo_plan_crop(&P, &f, W, H, 1.0, &c1, &why), 0);
	P.eye.target = 270;
	P.top.target = 95;
	ck_assert_int_eq(photo_plan_crop(&P, &f, W, H, 1.0, &c2, &why), 0);
	ck_assert(c2.out_eye > c1.out_eye + 10);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("crop");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, random_geometries);
	tcase_add_test(tc, central_plan);
	tcase_add_test(tc, tall_hair_solved_together);
	tcase_add_test(tc, reasons);
	tcase_add_test(tc, targets_configurable);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
