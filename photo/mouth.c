/*
 * mouth.c — R-SUBJ-3 "lips naturally closed": lips apart or teeth
 * showing fail a frame.
 *
 * The mouth is placed from the eyes (the 68-point landmark schemes put
 * the lip line about 1.0-1.1 IOD below the eye line, on the face's
 * centre line): a patch 1.2 IOD wide from 0.65 to 1.45 IOD below the eye
 * line, resampled with the area filter to MOUTH_IOD px per inter-ocular
 * distance, so that both figures are in units of the face. The patch is
 * mostly skin, so its median colour is the skin's. Two measurements:
 *   gap    lips apart: the lips are the pixels redder than the skin (a*
 *          above its median by LIP_DA and in the patch's reddest fifth),
 *          as one cluster (and the other lip near it: see lips()); in
 *          each of the central columns (0.5 IOD), between the topmost and the lowest lip pixel, the
 *          longest run of pixels that are neither lip nor of the skin's
 *          chroma (C*ab under GREY_C of the skin's): the dark gap or the
 *          teeth between parted lips. Closed lips meet in a seam that is
 *          still red. The median over the columns, in IOD.
 *   teeth  the largest 8-connected cluster, in the middle 0.9 IOD, of
 *          pixels far whiter than the skin (L* - 1.5 C*ab above the
 *          skin's median by TEETH_DW): teeth, which are bright and grey
 *          against any skin, also where the lips of a dark face are not
 *          redder than the skin. In IOD^2.
 * A closed-lip smile has neither and passes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define MOUTH_IOD	64.0	/* px between the eyes when measuring */
#define MW		77	/* 1.2 IOD */
#define MH		51	/* 0.8 IOD */
#define LIP_DA		3.0
#define GREY_C		0.65
#define TEETH_DW	30.0
#define TEETH_CW	1.5

void
photo_mouth_zone(const photo_face *f, double s, photo_rect *z)
{
	double iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) *
	    s;
	double cx = (f->eye_l.x + f->eye_r.x) / 2 * s;

	*z = (photo_rect){ cx - 0.6 * iod, f->eye_y * s + 0.65 * iod,
	    1.2 * iod, 0.8 * iod };
}

/* The q-quantile of v (n = MW * MH), using tmp. */
static double
pct(const double *v, double *tmp, double q)
{
	memcpy(tmp, v, sizeof(double) * MW * MH);
	return photo_kth(tmp, MW * MH, (int)(q * (MW * MH - 1)));
}

/* A cluster of lips() being labelled: its label and the sum of its rows. */
struct lipfill {
	int	*lbl, k;
	double	 rows;
};

/* photo_fill8's take for lips(): an unlabelled red pixel joins cluster k. */
static int
take_lip(void *arg, int i)
{
	struct lipfill *lf = arg;

	if (lf->lbl[i] != -1)
		return 0;
	lf->lbl[i] = lf->k;
	lf->rows += i / MW;
	return 1;
}

/*
 * The lips: the pixels redder than thr (a*), kept only in the largest
 * 8-connected cluster and the clusters at least a quarter its size whose
 * centre lies within LIP_NEAR of its centre vertically (the other lip of
 * an open mouth); red skin under the nose or on the chin is dropped.
 */
#define LIP_NEAR	(0.3 * MOUTH_IOD)
static void
lips(const double *A, double thr, unsigned char *lip)
{
	int lbl[MW * MH], stack[MW * MH];	/* 31 KB: handles on other
						 * threads have their own */
	int size[MW * MH / 2 + 2], i, k = 0, big = 0;
	double cy[MW * MH / 2 + 2];
	struct lipfill lf = { lbl, 0, 0 };

	for (i = 0; i < MW * MH; i++)
		lbl[i] = A[i] > thr ? -1 : 0;
	for (i = 0; i < MW * MH; i++) {
		if (lbl[i] != -1 || k + 1 >= MW * MH / 2 + 2)
			continue;
		k++;
		lbl[i] = lf.k = k;
		lf.rows = i / MW;
		size[k] = photo_fill8(MW, MH, i, stack, take_lip, &lf);
		cy[k] = lf.rows / size[k];
		if (big == 0 || size[k] > size[big])
			big = k;
	}
	for (i = 0; i < MW * MH; i++) {
		int c = lbl[i] > 0 ? lbl[i] : 0;

		lip[i] = c > 0 && (c == big || (4 * size[c] >= size[big] &&
		    fabs(cy[c] - cy[big]) <= LIP_NEAR));
	}
}

/* photo_fill8's take for largest(): a set pixel (1) is counted (2). */
static int
take_set(void *arg, int i)
{
	unsigned char *m = arg;

	if (m[i] != 1)
		return 0;
	m[i] = 2;
	return 1;
}

/* Largest 8-connected cluster of set pixels of m (MW x MH), in px. */
static int
largest(unsigned char *m)
{
	int stack[MW * MH], best = 0, i;

	for (i = 0; i < MW * MH; i++) {
		int n;

		if (m[i] != 1)
			continue;
		m[i] = 2;
		n = photo_fill8(MW, MH, i, stack, take_set, m);
		best = n > best ? n : best;
	}
	return best;
}

void
photo_check_mouth(const photo_params *p, const photo_image *im,
    photo_result *r)
{
	const photo_check_cfg *ck = &p->check[PHOTO_CK_MOUTH];
	const photo_face *f = &r->face;
	static const int x0 = MW / 2 - 16, x1 = MW / 2 + 16;
	double L[MW * MH], A[MW * MH], C[MW * MH], tmp[MW * MH];
	double iod, sa, sc, sw, runs[MW], gap, teeth;
	unsigned char m[MW * MH], lip[MW * MH];
	photo_rect z;
	pimg pt = { 0 };
	int x, y, i, n;

	if (!r->found || f->eyes < 2)
		return;
	iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) *
	    im->scale;
	if (iod < 16 || pimg_alloc(&pt, MW, MH, 3) == -1)
		return;
	photo_mouth_zone(f, im->scale, &z);
	if (z.y + z.h > im->rgb.h || pimg_resize_area(&im->rgb, z.x, z.y,
	    MOUTH_IOD / iod, &pt) == -1) {
		pimg_free(&pt);
		return;		/* the mouth is outside the frame */
	}
	for (y = 0; y < MH; y++)
		for (x = 0; x < MW; x++) {
			const unsigned char *q = PIX(&pt, x, y);
			double lab[3];

			photo_lab(q[0], q[1], q[2], lab);
			i = y * MW + x;
			L[i] = lab[0];
			A[i] = lab[1];
			C[i] = hypot(lab[1], lab[2]);
		}
	pimg_free(&pt);
	memcpy(tmp, A, sizeof(tmp));
	sa = photo_kth(tmp, MW * MH, MW * MH / 2);
	memcpy(tmp, C, sizeof(tmp));
	sc = photo_kth(tmp, MW * MH, MW * MH / 2);
	for (i = 0; i < MW * MH; i++)
		tmp[i] = L[i] - TEETH_CW * C[i];
	sw = photo_kth(tmp, MW * MH, MW * MH / 2);

	/* gap: per central column, the longest non-lip grey run between
	 * the lips */
	lips(A, fmax(sa + LIP_DA, pct(A, tmp, 0.8)), lip);
	for (n = 0, x = x0; x < x1; x++) {
		int top = -1, bot = -1, run = 0, best = 0;

		for (y = 0; y < MH; y++)
			if (lip[y * MW + x]) {
				if (top < 0)
					top = y;
				bot = y;
			}
		for (y = top; top >= 0 && y <= bot; y++) {
			i = y * MW + x;
			if (!lip[i] && C[i] < GREY_C * sc)
				best = ++run > best ? run : best;
			else
				run = 0;
		}
		runs[n++] = best;
	}
	gap = photo_kth(runs, n, n / 2) / MOUTH_IOD;

	/* teeth: the largest cluster of very white pixels, in the middle */
	for (y = 0; y < MH; y++)
		for (x = 0; x < MW; x++) {
			i = y * MW + x;
			m[i] = x >= 10 && x < MW - 10 &&
			    L[i] - TEETH_CW * C[i] > sw + TEETH_DW;
		}
	teeth = largest(m) / (MOUTH_IOD * MOUTH_IOD);

	photo_add_metric(r, "mouth.gap", gap);
	photo_add_metric(r, "mouth.teeth", teeth);
	if (gap > ck->limit || teeth > ck->limit2)
		photo_add_finding(r, p, PHOTO_CK_MOUTH, "SUBJ_MOUTH_OPEN",
		    "R-SUBJ-3", gap > ck->limit ? gap : teeth, gap > ck->limit ?
		    ck->limit : ck->limit2, N_("The lips are apart or the "
		    "teeth show: ask the graduate to close the lips, with a "
		    "natural, neutral expression, and retake."));
}
