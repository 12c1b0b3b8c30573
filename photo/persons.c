/*
 * persons.c — R-BG-1 "no second person": is a second face detection a
 * plausible person next to the main face, or a false face of the
 * cascade (on the clothing, on the neck, in the hair, a second hit on the
 * face)?
 *
 * A detection j counts as a person when all of these hold:
 *   size   its width is at least half `limit` (persons.limit) of the
 *          main face's; a face of another person in the frame is of the
 *          same order, the cascade's false faces on a shirt are small;
 *   place  its centre is outside the main face's box (not a second hit
 *          on the same face), and it is not on the subject's own body:
 *          - the neck and the shirt front: its centre below the main
 *            face's box (under the chin) and within half a face width of
 *            the face's centre line, and narrower than NECK_RATIO face
 *            widths. The neck is about half a face wide, and a real face
 *            there would stand in front of the subject's throat. This is
 *            the false face of devset london-blue-008: the neck's skin,
 *            0.45 face widths, 0.02 off the centre line, 0.24 face widths
 *            under the chin, 4 neighbours against the face's 65, no eye
 *            found in it by either eye cascade;
 *          - the shoulders: smaller than `limit`, below the main face's
 *            middle and within 1.6 face widths of its centre line (a
 *            person standing behind the subject has a face of about the
 *            subject's size).
 * A face beside the subject, above it, or below it but off the neck
 * (the shared group photos, dlib-2009_004587's child at 1.1 face widths
 * off the centre line) still counts.
 * A skin-colour test was tried and dropped: it set aside the second real
 * face of opencv-messi5 (lit differently from the first), and the neck's
 * false face is skin.
 * The reason a detection was set aside is returned, for the metrics.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

/* the widest a detection on the subject's neck can be, in face widths */
#define NECK_RATIO	0.75

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
	if (ratio < NECK_RATIO && jy >= m->y + m->h &&
	    fabs(jx - mx) < m->w / 2.0)
		return PERSON_ON_BODY;
	if (ratio < limit && jy > m->y + m->h / 2.0 &&
	    fabs(jx - mx) < 1.6 * m->w)
		return PERSON_ON_BODY;
	return PERSON_YES;
}
