/*
 * eyelid.c — R-SUBJ-3 "eyes open", from the pixels: the eye cascade
 * finds an eye whether it is open or shut, so the opening is measured.
 *
 * Around each eye centre a patch 0.5 IOD wide, from 0.2 IOD above to
 * 0.2 IOD below, is resampled with the area filter to OPEN_IOD px per
 * inter-ocular distance. Its bottom rows (0.12 to 0.2 IOD below the
 * centre, under the lower lid) are the skin round the eye: their median
 * colour is the reference (the rows above the eye would do for most
 * faces, but a deep-set eye has its brow there). An open eye shows
 * between the lids what is unlike that skin (the dark iris and pupil,
 * the bright sclera); a closed eye shows the lid, which is of the skin's
 * colour, and a thin line of lashes. So in the columns over the iris (0.1 IOD either
 * side of the centre) the longest vertical run of pixels farther than
 * max(OPEN_DE, OPEN_REL * L*lid) (CIE76) from the lid is that column's
 * opening; the median over the columns is the eye's, in IOD, and the
 * smaller eye's is the frame's (eyes.open). The relative floor keeps a
 * dark face's iris, which is close to its skin, from counting as lid.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define OPEN_IOD	64.0
#define OW		32	/* 0.5 IOD */
#define OH		26	/* 0.4 IOD */
#define REF_ROW		21	/* 0.13 IOD below the centre */
#define OPEN_DE		8.0
#define OPEN_REL	0.3

/* The opening of one eye centred at (ex, ey), analysis px; NAN when the
 * patch leaves the frame. */
static double
opening(const photo_image *im, double ex, double ey, double iod)
{
	double lab[OH * OW][3], v[3][(OH - REF_ROW) * OW], lid[3], thr;
	double runs[OW];
	pimg pt = { 0 };
	int x, y, c, n;

	if (ex - 0.25 * iod < 0 || ey - 0.2 * iod < 0 ||
	    ex + 0.25 * iod > im->rgb.w || ey + 0.2 * iod > im->rgb.h ||
	    pimg_alloc(&pt, OW, OH, 3) == -1)
		return NAN;
	if (pimg_resize_area(&im->rgb, ex - 0.25 * iod, ey - 0.2 * iod,
	    OPEN_IOD / iod, &pt) == -1) {
		pimg_free(&pt);
		return NAN;
	}
	for (y = 0; y < OH; y++)
		for (x = 0; x < OW; x++) {
			const unsigned char *q = PIX(&pt, x, y);

			photo_lab(q[0], q[1], q[2], lab[y * OW + x]);
		}
	pimg_free(&pt);
	for (c = 0; c < 3; c++) {
		for (n = 0; n < (OH - REF_ROW) * OW; n++)
			v[c][n] = lab[REF_ROW * OW + n][c];
		lid[c] = photo_kth(v[c], n, n / 2);
	}
	thr = fmax(OPEN_DE, OPEN_REL * lid[0]);
	for (n = 0, x = OW / 2 - 7; x < OW / 2 + 7; x++) {
		int run = 0, best = 0;

		for (y = 2; y < REF_ROW + 3; y++) {
			const double *p = lab[y * OW + x];
			double d = sqrt((p[0] - lid[0]) * (p[0] - lid[0]) +
			    (p[1] - lid[1]) * (p[1] - lid[1]) +
			    (p[2] - lid[2]) * (p[2] - lid[2]));

			if (d > thr)
				best = ++run > best ? run : best;
			else
				run = 0;
		}
		runs[n++] = best;
	}
	return photo_kth(runs, n, n / 2) / OPEN_IOD;
}

void
photo_check_eyelids(const photo_params *p, const photo_image *im,
    photo_result *r)
{
	const photo_check_cfg *ck = &p->check[PHOTO_CK_EYES_OPEN];
	const photo_face *f = &r->face;
	double s = im->scale, iod, a, b, open;

	if (!r->found || f->eyes < 2)
		return;
	iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) * s;
	if (iod < 16)
		return;
	a = opening(im, f->eye_l.x * s, f->eye_l.y * s, iod);
	b = opening(im, f->eye_r.x * s, f->eye_r.y * s, iod);
	if (isnan(a) || isnan(b))
		return;
	open = fmin(a, b);
	photo_add_metric(r, "eyes.open", open);
	if (open < ck->limit)
		photo_add_finding(r, p, PHOTO_CK_EYES_OPEN, "SUBJ_EYES_CLOSED",
		    "R-SUBJ-3", open, ck->limit, N_("The eyes are closed or "
		    "half closed: ask the graduate to open the eyes and look "
		    "into the lens, and retake."));
}
