/*
 * persons.c — R-BG-1 "no second person": is a second face detection a
 * plausible person next to the main face, or a false face of the
 * cascade (on the clothing, in the hair, a second hit on the face)?
 *
 * A detection j counts as a person when all of these hold:
 *   size   its width is at least half `limit` (persons.limit) of the
 *          main face's; a face of another person in the frame is of the
 *          same order, the cascade's false faces on a shirt are small;
 *   place  its centre is outside the main face's box (not a second hit
 *          on the same face) and, unless it is nearly as large as the
 *          main face (PERSON_BIG), not on the subject's own body: below
 *          the main face's middle and within 1.6 face widths of its
 *          centre line, where the shirt and the shoulders are (a face
 *          there smaller than `limit` never counted);
 *   skin   the middle of its box has the colour of skin as the main
 *          face has it: its median a* and b* within SKIN_AB of the main
 *          face's middle (so a grey photo and coloured light compare
 *          like with like), and it is not darker than SKIN_L L* (hair).
 * The reason a detection was set aside is returned, for the metrics.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define PERSON_BIG	0.8
#define SKIN_AB		14.0
#define SKIN_L		18.0

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median L*a*b* of the middle half of box b (analysis px), sampled on a
 * grid of at most 24x24 points. -1 when outside the image. */
static int
middle_lab(const pimg *rgb, const prect_i *b, double lab[3])
{
	double v[3][576];
	int n = 0, i, j, c;

	for (j = 0; j < 24; j++)
		for (i = 0; i < 24; i++) {
			int x = b->x + (int)(b->w * (0.25 + 0.5 * (i + 0.5) / 24));
			int y = b->y + (int)(b->h * (0.3 + 0.5 * (j + 0.5) / 24));
			double p[3];

			if (x < 0 || y < 0 || x >= rgb->w || y >= rgb->h)
				continue;
			photo_lab(PIX(rgb, x, y)[0], PIX(rgb, x, y)[1],
			    PIX(rgb, x, y)[2], p);
			for (c = 0; c < 3; c++)
				v[c][n] = p[c];
			n++;
		}
	if (n < 16)
		return -1;
	for (c = 0; c < 3; c++) {
		qsort(v[c], (size_t)n, sizeof(double), cmpd);
		lab[c] = v[c][n / 2];
	}
	return 0;
}

int
photo_is_person(const photo_params *p, const pimg *rgb, const prect_i *m,
    const prect_i *j)
{
	double ratio = (double)j->w / m->w;
	double limit = p->check[PHOTO_CK_PERSONS].limit;
	double jx = j->x + j->w / 2.0, jy = j->y + j->h / 2.0;
	double mx = m->x + m->w / 2.0;
	double a[3], b[3];

	if (ratio < limit / 2)
		return PERSON_SMALL;
	if (jx >= m->x && jx < m->x + m->w && jy >= m->y && jy < m->y + m->h)
		return PERSON_SAME_FACE;
	if (ratio < PERSON_BIG && jy > m->y + m->h / 2.0 &&
	    fabs(jx - mx) < 1.6 * m->w)
		return PERSON_ON_BODY;
	if (middle_lab(rgb, m, a) == 0 && middle_lab(rgb, j, b) == 0 &&
	    (hypot(a[1] - b[1], a[2] - b[2]) > SKIN_AB || b[0] < SKIN_L))
		return PERSON_NO_SKIN;
	return PERSON_YES;
}
