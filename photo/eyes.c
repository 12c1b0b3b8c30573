/*
 * eyes.c — red-eye (R-LIGHT-2) and reflections on glasses (R-SUBJ-4).
 *
 * Each eye's surroundings (0.4 IOD either side of the eye centre, 0.25
 * IOD above and below: the lens of a pair of glasses) is resampled with
 * the area filter to EYE_IOD px per inter-ocular distance, so that both
 * figures are in units of the face and one limit serves every camera.
 *   red-eye  pixels within 0.15 IOD of the eye centre whose red is well
 *            more than 2.5 times green and blue (reddish skin and eyelids
 *            stay under 2.2), counted in pupils: a pupil is taken as
 *            a disc of 0.08 IOD radius;
 *   glare    the largest 8-connected cluster of near-white pixels (every
 *            channel at least GLARE_MIN) in either patch, in IOD^2. The
 *            catchlight of a lamp in the eye is a speck far below the
 *            default limit; a reflection on a lens is a patch.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define EYE_IOD		64.0	/* px between the eyes when measuring */
#define PATCH_W		52	/* 0.8 IOD */
#define PATCH_H		32	/* 0.5 IOD */
#define RED_R		0.15	/* red-eye search radius, IOD */
#define PUPIL_R		0.08	/* pupil radius, IOD */
#define GLARE_MIN	235

static int
is_red(const unsigned char *q)
{
	return q[0] >= 80 && q[0] > 2.5 * q[1] && q[0] > 2.5 * q[2];
}

/* The patch being searched for glare, and the pixels claimed so far. */
struct glarefill {
	const pimg	*pt;
	unsigned char	 seen[PATCH_W * PATCH_H];
};

/* photo_fill8's take for largest_glare(): an unclaimed near-white pixel. */
static int
take_glare(void *arg, int i)
{
	struct glarefill *g = arg;
	const unsigned char *q = PIX(g->pt, i % PATCH_W, i / PATCH_W);

	if (g->seen[i] || q[0] < GLARE_MIN || q[1] < GLARE_MIN ||
	    q[2] < GLARE_MIN)
		return 0;
	g->seen[i] = 1;
	return 1;
}

/* Largest 8-connected cluster of near-white pixels, in pixels. */
static int
largest_glare(const pimg *pt)
{
	struct glarefill g;
	int stack[PATCH_W * PATCH_H], best = 0, i;

	g.pt = pt;
	memset(g.seen, 0, sizeof(g.seen));
	for (i = 0; i < PATCH_W * PATCH_H; i++) {
		int n;

		if (!take_glare(&g, i))
			continue;
		n = photo_fill8(PATCH_W, PATCH_H, i, stack, take_glare, &g);
		best = n > best ? n : best;
	}
	return best;
}

void
photo_eye_zones(const photo_face *f, double s, photo_rect z[2])
{
	const photo_point *eye[2] = { &f->eye_l, &f->eye_r };
	double iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) *
	    s;
	int e;

	for (e = 0; e < 2; e++)
		z[e] = (photo_rect){ eye[e]->x * s - 0.4 * iod,
		    eye[e]->y * s - 0.25 * iod, 0.8 * iod, 0.5 * iod };
}

void
photo_check_eyes(const photo_params *p, const photo_image *im,
    photo_result *r)
{
	const photo_face *f = &r->face;
	photo_rect z[2];
	double s = im->scale, iod, red = 0, glare = 0, c = (PATCH_W - 1) / 2.0;
	double cy = (PATCH_H - 1) / 2.0, rr = RED_R * EYE_IOD;
	pimg pt = { 0 };
	int e, x, y, n;

	if (!r->found || f->eyes < 2)
		return;
	iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) * s;
	if (iod < 8 || pimg_alloc(&pt, PATCH_W, PATCH_H, 3) == -1)
		return;
	photo_eye_zones(f, s, z);
	for (e = 0; e < 2; e++) {
		if (pimg_resize_area(&im->rgb, z[e].x, z[e].y, EYE_IOD / iod,
		    &pt) == -1)
			goto done;
		for (n = 0, y = 0; y < PATCH_H; y++)
			for (x = 0; x < PATCH_W; x++)
				if ((x - c) * (x - c) + (y - cy) * (y - cy) <=
				    rr * rr && is_red(PIX(&pt, x, y)))
					n++;
		red = fmax(red, n / (M_PI * PUPIL_R * PUPIL_R * EYE_IOD *
		    EYE_IOD));
		glare = fmax(glare, largest_glare(&pt) / (EYE_IOD * EYE_IOD));
	}
	photo_add_metric(r, "eyes.red", red);
	photo_add_metric(r, "eyes.glare", glare);
	if (red > p->check[PHOTO_CK_RED_EYE].limit)
		photo_add_finding(r, p, PHOTO_CK_RED_EYE, "LIGHT_RED_EYE",
		    "R-LIGHT-2", red, p->check[PHOTO_CK_RED_EYE].limit,
		    N_("Red eyes: switch off the camera's flash (the lamps "
		    "light the face) or raise the room light, and retake."));
	if (glare > p->check[PHOTO_CK_GLARE].limit)
		photo_add_finding(r, p, PHOTO_CK_GLARE, "SUBJ_GLARE",
		    "R-SUBJ-4", glare, p->check[PHOTO_CK_GLARE].limit,
		    N_("A reflection covers the eyes (glasses): tilt the "
		    "glasses down slightly or raise the lamps, and retake."));
done:
	pimg_free(&pt);
}
