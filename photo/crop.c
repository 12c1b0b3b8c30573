/*
 * crop.c — the crop planner: one scale and one origin that put the head
 * top, the eye line and the face width inside their bands (R-GEO-2..4)
 * with the face centred (R-GEO-1), by cropping and scaling only (R-GEO-5).
 *
 * The three bands constrain each other through the single scale, and the
 * feasible face widths differ from person to person, so fixed targets
 * fail (see SPEC.md's note). The planner treats it as a feasibility
 * problem. For a scale s (output px per source px) the face-width band
 * bounds s directly; the top and eye bands, and the frame's top and
 * bottom, bound the crop's y origin to an interval; the centring and the
 * frame's sides bound x. The feasible scales are found by scanning s
 * finely, and among all feasible (s, y) the plan is the most central one:
 * the smallest worst-case deviation from the targets, each deviation
 * measured as a fraction of the distance from the target to that band's
 * limit on the same side. The worst case is convex in y for a fixed s, so
 * y comes from a ternary search.
 *
 * When nothing is feasible, the reasons are found at the scale nearest to
 * the face-width target among those the bands alone allow: which frame
 * edge cuts the crop there, or, when even the bands disagree, whether the
 * hair top sits too close to or too far from the eyes for this face.
 */
#include <math.h>
#include <string.h>

#include "photo/internal.h"

#define SCALE_STEPS	2000
#define Y_ITER		60

/* Deviation of v from band b's target, 0 at the target, 1 at a limit. */
static double
band_dev(const photo_band *b, double v)
{
	if (v >= b->target)
		return b->max > b->target ? (v - b->target) / (b->max - b->target)
		    : (v > b->target ? INFINITY : 0);
	return b->target > b->min ? (b->target - v) / (b->target - b->min)
	    : INFINITY;
}

/* Worst deviation of the vertical bands for origin y at scale s. */
static double
vert_dev(const photo_params *p, const photo_face *f, double s, double y)
{
	double dt = band_dev(&p->top, (f->head_top - y) * s);
	double de = band_dev(&p->eye, (f->eye_y - y) * s);

	return dt > de ? dt : de;
}

/*
 * The y-origin interval at scale s: from the bands alone (*blo..*bhi) and
 * with the frame too (*lo..*hi). Returns 1 when the latter is not empty.
 */
static int
y_interval(const photo_params *p, const photo_face *f, int H, double s,
    double *blo, double *bhi, double *lo, double *hi)
{
	double a = fmax(f->head_top - p->top.max / s, f->eye_y - p->eye.max / s);
	double b = fmin(f->head_top - p->top.min / s, f->eye_y - p->eye.min / s);

	*blo = a;
	*bhi = b;
	*lo = fmax(a, 0);
	*hi = fmin(b, H - PHOTO_OUT_H / s);
	return *lo <= *hi;
}

/* The x-origin interval at scale s, frame included. */
static int
x_interval(const photo_params *p, const photo_face *f, int W, double s,
    double *lo, double *hi)
{
	*lo = fmax(f->cx - (PHOTO_OUT_W / 2.0 + p->centre_tol) / s, 0);
	*hi = fmin(f->cx - (PHOTO_OUT_W / 2.0 - p->centre_tol) / s,
	    W - PHOTO_OUT_W / s);
	return *lo <= *hi;
}

/* Why scale s has no crop (PLAN_* bits), given the bands allow it. */
static unsigned
frame_reasons(const photo_params *p, const photo_face *f, int W, int H,
    double s)
{
	double blo, bhi, lo, hi;
	unsigned why = 0;

	y_interval(p, f, H, s, &blo, &bhi, &lo, &hi);
	if (PHOTO_OUT_H / s > H || PHOTO_OUT_W / s > W)
		why |= PLAN_TOO_CLOSE;
	else {
		if (bhi < 0)
			why |= PLAN_NO_ROOM_ABOVE;
		if (blo > H - PHOTO_OUT_H / s)
			why |= PLAN_NO_ROOM_BELOW;
		if (f->cx - (PHOTO_OUT_W / 2.0 - p->centre_tol) / s < 0)
			why |= PLAN_NO_ROOM_LEFT;
		if (f->cx - (PHOTO_OUT_W / 2.0 + p->centre_tol) / s >
		    W - PHOTO_OUT_W / s)
			why |= PLAN_NO_ROOM_RIGHT;
	}
	return why;
}

int
photo_plan_crop(const photo_params *p, const photo_face *f, int W, int H,
    double max_scale, photo_crop *c, unsigned *why)
{
	double s_lo = p->fw.min / f->width, s_hi = p->fw.max / f->width;
	double d = f->eye_y - f->head_top;
	double best = INFINITY, best_s = 0, best_y = 0, s, near = -1;
	double near_dist = INFINITY, s_target = p->fw.target / f->width;
	int i, any = 0;

	memset(c, 0, sizeof(*c));
	*why = 0;
	c->scale_min = c->scale_max = NAN;
	if (!(f->width > 0) || !(d > 0))
		return -1;	/* nothing measured to plan with */
	/* the bands alone: (eye - top) * s must fit between the bands */
	s_lo = fmax(s_lo, (p->eye.min - p->top.max) / d);
	s_hi = fmin(s_hi, (p->eye.max - p->top.min) / d);
	if (s_lo > s_hi)
		goto infeasible_bands;

	for (i = 0; i <= SCALE_STEPS; i++) {
		double blo, bhi, ylo, yhi, xlo, xhi, a, b, dev;
		int k;

		s = s_lo + (s_hi - s_lo) * i / SCALE_STEPS;
		if (fabs(s - s_target) < near_dist) {
			near_dist = fabs(s - s_target);
			near = s;
		}
		if (!y_interval(p, f, H, s, &blo, &bhi, &ylo, &yhi) ||
		    !x_interval(p, f, W, s, &xlo, &xhi))
			continue;
		if (!any || s < c->scale_min)
			c->scale_min = s;
		if (!any || s > c->scale_max)
			c->scale_max = s;
		any = 1;
		if (s > max_scale)
			continue;
		/* ternary search of the convex worst deviation over y */
		a = ylo;
		b = yhi;
		for (k = 0; k < Y_ITER; k++) {
			double m1 = a + (b - a) / 3, m2 = b - (b - a) / 3;

			if (vert_dev(p, f, s, m1) <= vert_dev(p, f, s, m2))
				b = m2;
			else
				a = m1;
		}
		dev = fmax(vert_dev(p, f, s, (a + b) / 2),
		    band_dev(&p->fw, f->width * s));
		if (dev < best) {
			best = dev;
			best_s = s;
			best_y = (a + b) / 2;
		}
	}
	if (!any) {
		/* the honest reason: where the crop first fits the frame, if
		 * the bands allow such a scale, else at the target's */
		s = fmax(s_lo, fmax((double)PHOTO_OUT_H / H,
		    (double)PHOTO_OUT_W / W));
		*why = frame_reasons(p, f, W, H, s <= s_hi ? s : near);
		return -1;
	}
	if (!(best < INFINITY)) {
		*why = PLAN_UPSCALE;
		return -1;
	}
	{
		double xlo, xhi, x;

		x_interval(p, f, W, best_s, &xlo, &xhi);
		x = f->cx - PHOTO_OUT_W / 2.0 / best_s;
		x = x < xlo ? xlo : x > xhi ? xhi : x;
		c->ok = 1;
		c->scale = best_s;
		c->x = x;
		c->y = best_y;
		c->w = PHOTO_OUT_W / best_s;
		c->h = PHOTO_OUT_H / best_s;
		c->out_top = (f->head_top - c->y) * best_s;
		c->out_eye = (f->eye_y - c->y) * best_s;
		c->out_fw = f->width * best_s;
		c->out_cx = (f->cx - c->x) * best_s;
	}
	return 0;

infeasible_bands:
	/* compare the face's own eye-to-top distance with what the bands
	 * allow at the face-width band's scales */
	if (d * (p->fw.max / f->width) < p->eye.min - p->top.max)
		*why = PLAN_PROPORTION_SHORT;
	else
		*why = PLAN_PROPORTION_TALL;
	return -1;
}
