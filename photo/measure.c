/*
 * measure.c — what the spec's geometry needs, measured on one face:
 * both eye centres, the eye-line roll, a yaw estimate, the face centre,
 * the top of the hair (R-GEO-2) and the face width cheek to cheek with the
 * ears and hair excluded (R-GEO-4).
 *
 * Everything is measured on the oriented analysis image and returned in
 * source pixels. Distances are scaled by the inter-ocular distance (IOD)
 * so that one set of constants serves every resolution, and the colour
 * work runs on one Lab copy of the face's surroundings brought to about
 * WORK_IOD pixels between the eyes (finer detail would not change a
 * measurement that is then scaled to a 480x640 photo, and this keeps it
 * cheap on a 24-megapixel frame).
 *
 * Eyes: OpenCV's eye cascade is run over the upper middle of the face box,
 * at a resolution where the face is about EYE_FACE_PX wide; per side, the
 * hit nearest to where an eye should be is kept. The eyeglasses cascade
 * is asked only for a side the plain one missed.
 *
 * Face width: a skin colour model (median and MAD in Lab) is sampled on
 * the nose and cheeks below the eyes. On rows between 0.2 and 0.5 IOD
 * below the eye line (where the 68-point landmark schemes put the cheek
 * points 1 and 15) the skin is followed outwards from under each eye. The
 * run ends where the skin ends (background, hair) or at a crease: the
 * luminance falls towards the face's edge and rises again on the ear,
 * which is skin too, so a valley followed by a rise marks where the ear
 * joins the face. The median over the rows is the width.
 *
 * Head top: each column above the eyes is scanned downwards against a
 * running estimate of the background colour (which follows gradients and
 * vignetting); the first sustained departure is the subject. The topmost
 * row of a sliding median over the columns is the hair top, so that a
 * single stray hair or noise does not count. When the subject already
 * fills the top rows (the head is cut off), the top is row 0.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define EYE_FACE_PX	150	/* face box width for the eye search */
#define WORK_IOD	100.0	/* IOD of the Lab working copy, at most */

/* Colour in OpenCV's 8-bit Lab scale: L 0..255, a and b offset by 128,
 * as floats. The thresholds below are in these units. */
typedef struct lab8 {
	float L, a, b;
} lab8;

/*
 * The Lab working copy: a region of the analysis image, scaled by k
 * (copy px per analysis px), as three float planes.
 */
struct labimg {
	int	w, h;
	double	x0, y0;		/* region origin, analysis px */
	double	k;
	float	*L, *A, *B;
};

#define CBRT_STEPS	1024

/* Tables for the sRGB -> Lab conversion. */
struct labtab {
	float	lin[256];		/* sRGB 8-bit -> linear */
	float	f[CBRT_STEPS + 2];	/* CIE f(t) on 0..1 */
};

static void
labtab_init(struct labtab *t)
{
	int i;

	photo_srgb_linear(t->lin);
	for (i = 0; i <= CBRT_STEPS + 1; i++) {
		double x = (double)i / CBRT_STEPS;

		t->f[i] = (float)(x > 0.008856 ? cbrt(x) : 7.787 * x +
		    16.0 / 116.0);
	}
}

/* CIE f(t) by linear interpolation in the table (t in 0..1.1). */
static float
lab_f(const struct labtab *t, float x)
{
	float p = x * CBRT_STEPS;
	int i = (int)p;

	if (i < 0)
		return t->f[0];
	if (i > CBRT_STEPS)
		i = CBRT_STEPS;
	return t->f[i] + (t->f[i + 1] - t->f[i]) * (p - (float)i);
}

/* One RGB pixel to Lab (D65), in OpenCV's 8-bit scale. */
static lab8
to_lab(const struct labtab *t, const unsigned char *px)
{
	float r = t->lin[px[0]], g = t->lin[px[1]], b = t->lin[px[2]];
	float x = (0.412453f * r + 0.357580f * g + 0.180423f * b) / 0.950456f;
	float y = 0.212671f * r + 0.715160f * g + 0.072169f * b;
	float z = (0.019334f * r + 0.119193f * g + 0.950227f * b) / 1.088754f;
	float fx = lab_f(t, x), fy = lab_f(t, y), fz = lab_f(t, z);
	lab8 o;

	o.L = (y > 0.008856f ? 116.0f * fy - 16.0f : 903.3f * y) * 2.55f;
	o.a = 500.0f * (fx - fy) + 128.0f;
	o.b = 200.0f * (fy - fz) + 128.0f;
	return o;
}

static float
lab_dist(lab8 p, lab8 q)
{
	float dl = p.L - q.L, da = p.a - q.a, db = p.b - q.b;

	return sqrtf(dl * dl + da * da + db * db);
}

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static lab8
lab_at(const struct labimg *li, int x, int y)
{
	size_t i = (size_t)y * li->w + x;

	return (lab8){ li->L[i], li->A[i], li->B[i] };
}

/* Rows y0..y1-1 of a working copy: the area resize (when k < 1) and the
 * Lab conversion. Run by lab_make's threads, each on its own rows. */
struct labrows {
	const pimg *rgb;
	pimg	*small;		/* NULL when k == 1 */
	int	ix0, iy0, y0, y1, rc;
	const struct labtab *t;
	struct labimg *li;
};

static void *
lab_rows(void *arg)
{
	struct labrows *j = arg;
	struct labimg *li = j->li;
	const pimg *src = j->small ? j->small : j->rgb;
	int x, y, ox = j->small ? 0 : j->ix0, oy = j->small ? 0 : j->iy0;

	j->rc = -1;
	if (j->small != NULL && pimg_resize_area_rows(j->rgb, j->ix0, j->iy0,
	    li->k, j->small, j->y0, j->y1) == -1)
		return NULL;
	for (y = j->y0; y < j->y1; y++)
		for (x = 0; x < li->w; x++) {
			lab8 p = to_lab(j->t, PIX(src, ox + x, oy + y));
			size_t i = (size_t)y * li->w + x;

			li->L[i] = p.L;
			li->A[i] = p.a;
			li->B[i] = p.b;
		}
	j->rc = 0;
	return NULL;
}

/*
 * Makes the working copy of the analysis region x0,y0..x1,y1 at scale k
 * (area-filtered when k < 1), with a second thread on the bottom half of
 * the rows when `threads` allows. The caller frees it with lab_free().
 */
static int
lab_make(const pimg *rgb, double x0, double y0, double x1, double y1,
    double k, int threads, struct labimg *li)
{
	struct labtab t;
	struct labrows job[2];
	pthread_t tid;
	pimg small = { 0 };
	int ix0, iy0, rc = -1, two;
	size_t n;

	memset(li, 0, sizeof(*li));
	ix0 = clampi((int)floor(x0), 0, rgb->w - 1);
	iy0 = clampi((int)floor(y0), 0, rgb->h - 1);
	x1 = fmin(x1, rgb->w);
	y1 = fmin(y1, rgb->h);
	if (k > 1)
		k = 1;
	li->x0 = ix0;
	li->y0 = iy0;
	li->k = k;
	li->w = (int)floor((x1 - ix0) * k);
	li->h = (int)floor((y1 - iy0) * k);
	if (li->w < 8 || li->h < 8)
		return -1;
	if (k < 1 && pimg_alloc(&small, li->w, li->h, 3) == -1)
		goto done;
	n = (size_t)li->w * li->h;
	li->L = malloc(sizeof(float) * n);
	li->A = malloc(sizeof(float) * n);
	li->B = malloc(sizeof(float) * n);
	if (li->L == NULL || li->A == NULL || li->B == NULL)
		goto done;
	labtab_init(&t);
	job[0] = (struct labrows){ rgb, k < 1 ? &small : NULL, ix0, iy0, 0,
	    li->h, -1, &t, li };
	job[1] = job[0];
	two = threads >= 2 && n >= 64 * 1024;
	if (two) {
		job[0].y1 = job[1].y0 = li->h / 2;
		two = pthread_create(&tid, NULL, lab_rows, &job[1]) == 0;
		if (!two)
			job[0].y1 = li->h;
	}
	lab_rows(&job[0]);
	if (two)
		pthread_join(tid, NULL);
	rc = job[0].rc == 0 && (!two || job[1].rc == 0) ? 0 : -1;
done:
	pimg_free(&small);
	return rc;
}

static void
lab_free(struct labimg *li)
{
	free(li->L);
	free(li->A);
	free(li->B);
	memset(li, 0, sizeof(*li));
}

/* ---- eyes ------------------------------------------------------------- */

struct eyehit {
	double x, y;		/* centre, analysis px */
	int found;
};

/*
 * Runs one eye cascade over the grey search region roi (analysis px
 * scaled by rs, origin rx, ry) and keeps, per side, the hit nearest to
 * where an eye should be in the face box.
 */
static int
eyes_cascade(const pcascade *c, const pimg *roi, double rs, int rx, int ry,
    const prect_i *box, struct eyehit side[2], int threads)
{
	prect_i *hits = NULL;
	int n, i, s, mn, mx, had[2] = { side[0].found, side[1].found };
	double best[2] = { INFINITY, INFINITY };

	if (c == NULL)
		return 0;
	mn = (int)(0.14 * box->w * rs);
	mx = (int)(0.40 * box->w * rs);
	n = pcascade_detect_mt(c, roi, 1.1, 3, mn, mn, mx, mx, &hits, NULL,
	    threads);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		double ex = rx + (hits[i].x + hits[i].w / 2.0) / rs;
		double ey = ry + (hits[i].y + hits[i].h / 2.0) / rs;
		double u = (ex - box->x) / box->w, v = (ey - box->y) / box->h;
		double d;

		s = u < 0.5 ? 0 : 1;
		if (had[s])
			continue;	/* keep an earlier cascade's eye */
		d = hypot(u - (s ? 0.70 : 0.30), v - 0.38);
		if (d < best[s]) {
			best[s] = d;
			side[s].x = ex;
			side[s].y = ey;
			side[s].found = 1;
		}
	}
	free(hits);
	return 0;
}

/*
 * Finds both eyes inside box (analysis px). Writes eye centres in
 * analysis px to le/re and returns how many were found (0..2); missing
 * eyes are placed where the face box says they should be.
 */
static int
find_eyes(photo_ctx *ctx, photo_image *im, const prect_i *box,
    photo_point *le, photo_point *re)
{
	pimg rgbroi = { 0 }, roi = { 0 }, view;
	struct eyehit side[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	prect_i r;
	double rs;
	int found = 0, rc = -1;

	/* search band: rows 0.15..0.65 of the box, full width */
	r.x = clampi(box->x, 0, im->rgb.w - 1);
	r.y = clampi(box->y + (int)(0.15 * box->h), 0, im->rgb.h - 1);
	r.w = clampi(box->w, 1, im->rgb.w - r.x);
	r.h = clampi((int)(0.50 * box->h), 1, im->rgb.h - r.y);
	rs = box->w > EYE_FACE_PX ? (double)EYE_FACE_PX / box->w : 1.0;
	pimg_view(&im->rgb, r.x, r.y, r.w, r.h, &view);
	if (pimg_alloc(&rgbroi, (int)lround(r.w * rs), (int)lround(r.h * rs),
	    3) == -1 || pimg_resize_area(&view, 0, 0, rs, &rgbroi) == -1 ||
	    pimg_grey(&rgbroi, &roi) == -1)
		goto done;
	if (eyes_cascade(ctx->eye, &roi, rs, r.x, r.y, box, side,
	    photo_threads(ctx)) == -1)
		goto done;
	if ((!side[0].found || !side[1].found) &&
	    eyes_cascade(ctx->glasses, &roi, rs, r.x, r.y, box, side,
	    photo_threads(ctx)) == -1)
		goto done;
	found = side[0].found + side[1].found;
	*le = side[0].found ? (photo_point){ side[0].x, side[0].y } :
	    (photo_point){ box->x + 0.30 * box->w, box->y + 0.38 * box->h };
	*re = side[1].found ? (photo_point){ side[1].x, side[1].y } :
	    (photo_point){ box->x + 0.70 * box->w, box->y + 0.38 * box->h };
	rc = found;
done:
	pimg_free(&rgbroi);
	pimg_free(&roi);
	return rc;
}

/* ---- face width ------------------------------------------------------- */

/*
 * The skin colour model: per-channel median and a robust spread (1.4826
 * MAD, floored) over the nose and cheeks below the eyes. Histograms of
 * the rounded values keep it linear in the number of pixels.
 */
struct skin {
	lab8 mu, sd;
};

static void
skin_model(const struct labimg *li, double cx, double ey, double iod,
    struct skin *sk)
{
	/* the chroma floor: a light falling off across the face moves a
	 * and b by a few units between the cheeks, and a floor of 2 ended
	 * the dimmer cheek's run early, a false yaw (R-SUBJ-3; test_pipeline
	 * yaw_side_light); 3 also brings the face widths closer to the
	 * landmarks (mean error 6.8 % -> 5.3 % on the dlib faces) */
	static const float floor_sd[3] = { 6.0f, 3.0f, 3.0f };
	const float *plane[3] = { li->L, li->A, li->B };
	unsigned hist[3][256];
	int x0 = clampi((int)(cx - 0.45 * iod), 0, li->w - 1);
	int x1 = clampi((int)(cx + 0.45 * iod), x0 + 1, li->w);
	int y0 = clampi((int)(ey + 0.35 * iod), 0, li->h - 1);
	int y1 = clampi((int)(ey + 0.75 * iod), y0 + 1, li->h);
	float med[3], mad[3];
	unsigned n = 0, half, acc;
	int x, y, ch, i;

	memset(hist, 0, sizeof(hist));
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			for (ch = 0; ch < 3; ch++)
				hist[ch][clampi((int)lroundf(plane[ch][(size_t)y *
				    li->w + x]), 0, 255)]++;
			n++;
		}
	half = (n + 1) / 2;
	for (ch = 0; ch < 3; ch++) {
		unsigned dev[256];

		for (acc = 0, i = 0; i < 255 && acc + hist[ch][i] < half; i++)
			acc += hist[ch][i];
		med[ch] = (float)i;
		memset(dev, 0, sizeof(dev));
		for (i = 0; i < 256; i++)
			dev[abs(i - (int)med[ch])] += hist[ch][i];
		for (acc = 0, i = 0; i < 255 && acc + dev[i] < half; i++)
			acc += dev[i];
		mad[ch] = 1.4826f * (float)i;
		if (mad[ch] < floor_sd[ch])
			mad[ch] = floor_sd[ch];
	}
	sk->mu = (lab8){ med[0], med[1], med[2] };
	/* shading moves luminance far more than chroma: loosen L */
	sk->sd = (lab8){ mad[0] * 2.5f, mad[1], mad[2] };
}

static int
is_skin(const struct skin *sk, lab8 p)
{
	float dl = (p.L - sk->mu.L) / sk->sd.L;
	float da = (p.a - sk->mu.a) / sk->sd.a;
	float db = (p.b - sk->mu.b) / sk->sd.b;

	return dl * dl + da * da + db * db < 16.0f;
}

/*
 * One working-copy row for the face-width scan: the luminance and the
 * skin mask, both from the colour box-blurred over (2k+1)^2, so that
 * JPEG chroma noise on a cheek does not break the run of skin.
 */
struct row {
	float *lum;
	unsigned char *skin;
	int w;
};

static int
row_make(const struct labimg *li, const struct skin *sk, int y, int k,
    struct row *r)
{
	const float *plane[3] = { li->L, li->A, li->B };
	float *tmp;
	int x, i, j, ch, n = 2 * k + 1;

	r->w = li->w;
	r->lum = malloc(sizeof(float) * (size_t)li->w);
	r->skin = malloc((size_t)li->w);
	tmp = malloc(sizeof(float) * 3 * (size_t)li->w);
	if (r->lum == NULL || r->skin == NULL || tmp == NULL) {
		free(tmp);
		return -1;
	}
	for (ch = 0; ch < 3; ch++)
		for (x = 0; x < li->w; x++) {
			float s = 0;

			for (j = -k; j <= k; j++)
				s += plane[ch][(size_t)clampi(y + j, 0,
				    li->h - 1) * li->w + x];
			tmp[(size_t)ch * li->w + x] = s / (float)n;
		}
	for (x = 0; x < li->w; x++) {
		float v[3] = { 0, 0, 0 };

		for (ch = 0; ch < 3; ch++) {
			for (i = -k; i <= k; i++)
				v[ch] += tmp[(size_t)ch * li->w +
				    clampi(x + i, 0, li->w - 1)];
			v[ch] /= (float)n;
		}
		r->lum[x] = v[0];
		r->skin[x] = (unsigned char)is_skin(sk,
		    (lab8){ v[0], v[1], v[2] });
	}
	free(tmp);
	return 0;
}

/*
 * Follows the skin on a row from 0.6 IOD beside the face centre outwards
 * (step -1 or +1) and returns the x where the face ends: the last skin
 * pixel before a gap, or a crease, the outer side of a luminance valley
 * (a fall of at least half the threshold, then a rise of the threshold)
 * where the ear joins the face. A cheek that only brightens towards a
 * side light has no valley and runs to the skin's end.
 */
static double
side_edge(const struct row *r, double cx, double iod, int step)
{
	int gap = (int)(0.03 * iod) > 1 ? (int)(0.03 * iod) : 1;
	int x = clampi((int)(cx + step * 0.6 * iod), 0, r->w - 1);
	int cheekx = clampi((int)(cx + step * 0.55 * iod), 0, r->w - 1);
	int last = x, miss = 0, mx = x, xx;
	float m = INFINITY, top = -INFINITY, top_before_m = -INFINITY;
	float thr = 0.12f * r->lum[cheekx];

	if (thr < 10.0f)
		thr = 10.0f;
	for (; x >= 0 && x < r->w; x += step) {
		if (!r->skin[x]) {
			if (++miss > gap)
				break;
			continue;
		}
		last = x;
		miss = 0;
		if (r->lum[x] > top)
			top = r->lum[x];
		if (r->lum[x] < m) {
			m = r->lum[x];
			mx = x;
			top_before_m = top;
		} else if (r->lum[x] > m + thr && top_before_m - m >= thr / 2) {
			for (xx = mx; (xx - x) * step < 0 &&
			    r->lum[xx] < m + thr / 2; xx += step)
				;
			return xx;
		}
	}
	return last;
}

/*
 * Face width: the two cheek edges and the row, working-copy px. Rows
 * 0.2..0.5 IOD below the eye line, medians per side.
 */
static int
face_width(const struct labimg *li, double cx, double ey, double iod,
    double *left, double *right, double *row)
{
	struct skin sk;
	double l[16], r[16];
	int n = 0, k, i;

	skin_model(li, cx, ey, iod, &sk);
	k = (int)(0.02 * iod) > 1 ? (int)(0.02 * iod) : 1;
	for (i = 0; i <= 6; i++) {
		int y = (int)(ey + (0.2 + 0.05 * i) * iod);
		struct row rw;

		if (y < 0 || y >= li->h)
			continue;
		if (row_make(li, &sk, y, k, &rw) == -1) {
			free(rw.lum);
			free(rw.skin);
			return -1;
		}
		l[n] = side_edge(&rw, cx, iod, -1);
		r[n] = side_edge(&rw, cx, iod, +1);
		free(rw.lum);
		free(rw.skin);
		n++;
	}
	if (n == 0)
		return -1;
	*left = photo_median(l, n);
	*right = photo_median(r, n);
	*row = ey + 0.35 * iod;
	return 0;
}

/* ---- head top --------------------------------------------------------- */

/* Head top, working-copy px: see the top of the file. */
static int
head_top(const struct labimg *li, double cx, double ey, double iod,
    double *top)
{
	int c0 = clampi((int)(cx - 1.2 * iod), 0, li->w - 1);
	int c1 = clampi((int)(cx + 1.2 * iod), c0 + 1, li->w);
	int yend = clampi((int)ey, 4, li->h);
	int run = (int)(0.02 * iod) > 3 ? (int)(0.02 * iod) : 3;
	int ncol = c1 - c0, k = (int)(0.12 * iod) | 1, c, y, i;
	const int cw = ncol / 12 > 2 ? ncol / 12 : 2;
	double *tops, win[64], best = yend;
	lab8 outer[2];

	if (k < 3)
		k = 3;
	if (k > 63)
		k = 63;
	if ((tops = malloc(sizeof(double) * (size_t)ncol)) == NULL)
		return -1;
	/* the band's outer columns at the top, as the background there */
	for (i = 0; i < 2; i++) {
		lab8 sum = { 0, 0, 0 };
		int n = 0, x0 = i ? c1 - cw : c0;

		for (y = 0; y < 3 && y < li->h; y++)
			for (c = x0; c < x0 + cw; c++) {
				lab8 p = lab_at(li, c, y);

				sum.L += p.L;
				sum.a += p.a;
				sum.b += p.b;
				n++;
			}
		outer[i] = (lab8){ sum.L / n, sum.a / n, sum.b / n };
	}
	for (c = c0; c < c1; c++) {
		lab8 bg = { 0, 0, 0 }, p;
		int found = -1, r = 0;

		for (y = 0; y < 3; y++) {
			p = lab_at(li, c, y);
			bg.L += p.L / 3;
			bg.a += p.a / 3;
			bg.b += p.b / 3;
		}
		/* subject already at the top edge: the head is cut off */
		if (lab_dist(bg, outer[0]) > 24 && lab_dist(bg, outer[1]) > 24)
			found = 0;
		for (y = 3; found < 0 && y < yend; y++) {
			p = lab_at(li, c, y);
			if (lab_dist(p, bg) > 12) {
				if (++r >= run)
					found = y - r + 1;
			} else {
				r = 0;
				bg.L = 0.9f * bg.L + 0.1f * p.L;
				bg.a = 0.9f * bg.a + 0.1f * p.a;
				bg.b = 0.9f * bg.b + 0.1f * p.b;
			}
		}
		tops[c - c0] = found < 0 ? yend : found;
	}
	for (c = 0; c < ncol; c++) {
		double m;
		int n = 0;

		for (i = c - k / 2; i <= c + k / 2; i++)
			if (i >= 0 && i < ncol)
				win[n++] = tops[i];
		if ((m = photo_median(win, n)) < best)
			best = m;
	}
	free(tops);
	*top = best;
	return 0;
}

int
photo_measure_face(photo_ctx *ctx, photo_image *im, const prect_i *box,
    photo_face *f)
{
	photo_point le, re;
	struct labimg li;
	double s = im->scale, iod, cx, ey, k, l, r, row, top;
	double wcx, wey, wiod;
	int neyes;

	if ((neyes = find_eyes(ctx, im, box, &le, &re)) < 0)
		return photo_seterr(ctx, "out of memory");
	iod = hypot(re.x - le.x, re.y - le.y);
	if (iod < 4)
		iod = 0.4 * box->w;
	cx = (le.x + re.x) / 2;
	ey = (le.y + re.y) / 2;
	/* the working copy: 2.2 IOD each side, from the top to below the
	 * cheeks, at most WORK_IOD px between the eyes */
	k = iod > WORK_IOD ? WORK_IOD / iod : 1;
	if (lab_make(&im->rgb, cx - 2.2 * iod, 0, cx + 2.2 * iod,
	    ey + 0.9 * iod, k, photo_threads(ctx), &li) == -1)
		return photo_seterr(ctx, "the face is too close to the frame's "
		    "edge to measure, or out of memory");
	wcx = (cx - li.x0) * li.k;
	wey = (ey - li.y0) * li.k;
	wiod = iod * li.k;
	if (face_width(&li, wcx, wey, wiod, &l, &r, &row) == -1 ||
	    head_top(&li, wcx, wey, wiod, &top) == -1) {
		lab_free(&li);
		return photo_seterr(ctx, "out of memory");
	}
	/* back to analysis px */
	l = li.x0 + l / li.k;
	r = li.x0 + r / li.k;
	row = li.y0 + row / li.k;
	top = li.y0 + top / li.k;
	lab_free(&li);

	memset(f, 0, sizeof(*f));
	f->box = (photo_rect){ box->x / s, box->y / s, box->w / s, box->h / s };
	f->eyes = neyes;
	f->eye_l = (photo_point){ le.x / s, le.y / s };
	f->eye_r = (photo_point){ re.x / s, re.y / s };
	f->eye_y = ey / s;
	f->roll = atan2(re.y - le.y, re.x - le.x) * 180.0 / M_PI;
	f->cx = cx / s;
	f->cheek_l = l / s;
	f->cheek_r = r / s;
	f->cheek_y = row / s;
	f->width = (r - l) / s;
	/* + when more of the face lies right of the eyes' centre */
	f->yaw = (r - cx) + (cx - l) > 0 ?
	    ((r - cx) - (cx - l)) / ((r - cx) + (cx - l)) : 0;
	f->head_top = top / s;
	f->chin = (ey + 1.92 * iod) / s;	/* landmark-model average */
	return 0;
}
