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
 *          on the same face) and, when it is smaller than `limit`, not
 *          on the subject's own body: below the main face's middle and
 *          within 1.6 face widths of its centre line, where the shirt
 *          and the shoulders are (a person standing behind the subject
 *          has a face of about the subject's size).
 * A skin-colour test was tried and dropped: it set aside the second real
 * face of opencv-messi5 (lit differently from the first).
 * The reason a detection was set aside is returned, for the metrics.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

int
photo_is_person(const photo_params *p, const prect_i *m,
    const prect_i *j)
{
	double ratio = (double)j->w / m->w;
	double limit = p->check[PHOTO_CK_PERSONS].limit;
	double jx = j->x + j->w / 2.0, jy = j->y + j->h / 2.0;
	double mx = m->x + m->w / 2.0;

	if (ratio < limit / 2)
		return PERSON_SMALL;
	if (jx >= m->x && jx < m->x + m->w && jy >= m->y && jy < m->y + m->h)
		return PERSON_SAME_FACE;
	if (ratio < limit && jy > m->y + m->h / 2.0 &&
	    fabs(jx - mx) < 1.6 * m->w)
		return PERSON_ON_BODY;
	return PERSON_YES;
}
