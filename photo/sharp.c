/*
 * sharp.c — focus (R-IQ-1), measured where a sharp photo must be sharp:
 * on the eyes.
 *
 * The eye region (1.1 IOD either side of the eyes' centre, 0.35 IOD
 * above and below the eye line) is resampled with the area filter so that
 * the eyes are SHARP_IOD px apart whatever the camera's resolution, then
 * the variance of its 4-neighbour Laplacian is divided by the variance of
 * the region itself. The first step makes one threshold serve every
 * camera; the second makes the figure independent of the light and the
 * contrast of the face, so it moves with focus and motion blur only.
 */
#include <math.h>

#include "photo/internal.h"

#define SHARP_IOD	64.0	/* px between the eyes when measuring */

void
photo_check_sharpness(const photo_params *p, const photo_image *im,
    photo_result *r)
{
	const photo_face *f = &r->face;
	const photo_check_cfg *ck = &p->check[PHOTO_CK_SHARPNESS];
	double s = im->scale, iod, k, sum = 0, sum2 = 0, ls = 0, ls2 = 0;
	double var, lvar, v;
	pimg patch = { 0 };
	long n = 0, m = 0;
	int x, y;

	if (!r->found || f->eyes < 2 || im->grey.px == NULL)
		return;
	iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) * s;
	if (iod < 8)
		return;
	k = SHARP_IOD / iod;
	if (pimg_alloc(&patch, (int)lround(2.2 * SHARP_IOD),
	    (int)lround(0.7 * SHARP_IOD), 1) == -1)
		return;
	if (pimg_resize_area(&im->grey, (f->eye_l.x + f->eye_r.x) / 2 * s -
	    1.1 * iod, f->eye_y * s - 0.35 * iod, k, &patch) == -1)
		goto done;
	for (y = 0; y < patch.h; y++)
		for (x = 0; x < patch.w; x++) {
			v = *PIX(&patch, x, y);
			sum += v;
			sum2 += v * v;
			n++;
			if (x == 0 || y == 0 || x == patch.w - 1 ||
			    y == patch.h - 1)
				continue;
			v = 4.0 * *PIX(&patch, x, y) - *PIX(&patch, x - 1, y) -
			    *PIX(&patch, x + 1, y) - *PIX(&patch, x, y - 1) -
			    *PIX(&patch, x, y + 1);
			ls += v;
			ls2 += v * v;
			m++;
		}
	var = sum2 / n - (sum / n) * (sum / n);
	lvar = ls2 / m - (ls / m) * (ls / m);
	if (!(var > 1))
		goto done;		/* a flat patch: nothing to judge */
	v = lvar / var;
	photo_add_metric(r, "iq.sharpness", v);
	if (v < ck->limit)
		photo_add_finding(r, p, PHOTO_CK_SHARPNESS, "IQ_BLURRED",
		    "R-IQ-1", v, ck->limit, N_("The eyes are not sharp: focus "
		    "on the eyes, ask the subject to keep still, and retake."));
done:
	pimg_free(&patch);
}
