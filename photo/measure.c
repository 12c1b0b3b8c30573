/*
 * measure.c — what the spec's geometry needs, measured on one face:
 * both eye centres, the eye-line roll, a yaw estimate, the face centre,
 * the top of the hair (R-GEO-2) and the face width cheek to cheek with the
 * ears and hair excluded (R-GEO-4).
 *
 * Everything is measured on the oriented analysis image and returned in
 * source pixels. Distances are scaled by the inter-ocular distance (IOD)
 * so that one set of constants serves every resolution.
 *
 * Eyes: OpenCV's eye cascade and its eyeglasses cascade are run over the
 * upper middle of the face box, at a resolution where the face is about
 * EYE_FACE_PX wide; per side, the hit nearest to where an eye should be
 * is kept and the two cascades' answers are averaged when they agree.
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
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define EYE_FACE_PX	200	/* face box width for the eye search */

/* Colour in OpenCV's 8-bit Lab scale: L 0..255, a and b offset by 128,
 * as floats. The thresholds below are in these units. */
typedef struct lab8 {
	float L, a, b;
} lab8;

/* sRGB 8-bit -> linear, shared read-only table built per call site. */
static void
srgb_table(float lin[256])
{
	int i;

	for (i = 0; i < 256; i++) {
		double v = i / 255.0;

		lin[i] = (float)(v <= 0.04045 ? v / 12.92 :
		    pow((v + 0.055) / 1.055, 2.4));
	}
}

static float
lab_f(float t)
{
	return t > 0.008856f ? cbrtf(t) : 7.787f * t + 16.0f / 116.0f;
}

/* One RGB pixel to Lab (D65), in OpenCV's 8-bit scale. */
static lab8
to_lab(const float lin[256], const unsigned char *px)
{
	float r = lin[px[0]], g = lin[px[1]], b = lin[px[2]];
	float x = (0.412453f * r + 0.357580f * g + 0.180423f * b) / 0.950456f;
	float y = 0.212671f * r + 0.715160f * g + 0.072169f * b;
	float z = (0.019334f * r + 0.119193f * g + 0.950227f * b) / 1.088754f;
	float fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
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

/* Median of a small array of doubles (sorted in place). */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Eye search. Candidates from one cascade in face-relative units
 * (0..1 of the box); per side, keeps the hit nearest to the expected eye
 * position. found[side] says whether that side had one.
 */
struct eyehit {
	double x, y;		/* centre, analysis px */
	int found;
};

static int
eyes_cascade(const pcascade *c, const pimg *roi, double rs, int rx, int ry,
    const prect_i *box, struct eyehit side[2])
{
	prect_i *hits = NULL;
	int n, i, s, mn, mx;
	double best[2] = { INFINITY, INFINITY };

	side[0].found = side[1].found = 0;
	if (c == NULL)
		return 0;
	mn = (int)(0.12 * box->w * rs);
	mx = (int)(0.45 * box->w * rs);
	n = pcascade_detect(c, roi, 1.1, 3, mn, mn, mx, mx, &hits, NULL);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* centre in analysis px */
		double ex = rx + (hits[i].x + hits[i].w / 2.0) / rs;
		double ey = ry + (hits[i].y + hits[i].h / 2.0) / rs;
		double u = (ex - box->x) / box->w, v = (ey - box->y) / box->h;
		double d;

		s = u < 0.5 ? 0 : 1;
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
	pimg view, roi = { 0 };
	struct eyehit a[2], b[2], *use;
	prect_i r;
	double rs;
	int side, found = 0, rc = -1;

	/* search band: rows 0.15..0.65 of the box, full width */
	r.x = box->x;
	r.w = box->w;
	r.y = box->y + (int)(0.15 * box->h);
	r.h = (int)(0.50 * box->h);
	r.x = clampi(r.x, 0, im->grey.w - 1);
	r.y = clampi(r.y, 0, im->grey.h - 1);
	r.w = clampi(r.w, 1, im->grey.w - r.x);
	r.h = clampi(r.h, 1, im->grey.h - r.y);
	pimg_view(&im->grey, r.x, r.y, r.w, r.h, &view);
	rs = box->w > EYE_FACE_PX ? (double)EYE_FACE_PX / box->w : 1.0;
	if (rs < 1.0) {
		if (pimg_alloc(&roi, (int)lround(r.w * rs),
		    (int)lround(r.h * rs), 1) == -1 ||
		    pimg_resize_area(&view, 0, 0, rs, &roi) == -1)
			goto done;
	} else
		roi = view;
	if (eyes_cascade(ctx->eye, &roi, rs, r.x, r.y, box, a) == -1 ||
	    eyes_cascade(ctx->glasses, &roi, rs, r.x, r.y, box, b) == -1)
		goto done;
	for (side = 0; side < 2; side++) {
		photo_point *p = side == 0 ? le : re;

		use = NULL;
		if (a[side].found && b[side].found &&
		    hypot(a[side].x - b[side].x, a[side].y - b[side].y) <
		    0.1 * box->w) {
			p->x = (a[side].x + b[side].x) / 2;
			p->y = (a[side].y + b[side].y) / 2;
			found++;
			continue;
		}
		if (a[side].found)
			use = &a[side];
		else if (b[side].found)
			use = &b[side];
		if (use != NULL) {
			p->x = use->x;
			p->y = use->y;
			found++;
		} else {
			p->x = box->x + (side ? 0.70 : 0.30) * box->w;
			p->y = box->y + 0.38 * box->h;
		}
	}
	rc = found;
done:
	if (roi.owned)
		pimg_free(&roi);
	return rc;
}

/*
 * The skin colour model: per-channel median and a robust spread (1.4826
 * MAD, floored) over the nose and cheeks below the eyes. Histograms of
 * the rounded values keep it linear in the number of pixels.
 */
struct skin {
	lab8 mu, sd;
};

static void
skin_model(const float lin[256], const pimg *rgb, double cx, double ey,
    double iod, struct skin *sk)
{
	static const float floor_sd[3] = { 6.0f, 2.0f, 2.0f };
	unsigned hist[3][256];
	int x0 = clampi((int)(cx - 0.45 * iod), 0, rgb->w - 1);
	int x1 = clampi((int)(cx + 0.45 * iod), x0 + 1, rgb->w);
	int y0 = clampi((int)(ey + 0.35 * iod), 0, rgb->h - 1);
	int y1 = clampi((int)(ey + 0.75 * iod), y0 + 1, rgb->h);
	float med[3], mad[3];
	unsigned n = 0, half, acc;
	int x, y, ch, i;

	memset(hist, 0, sizeof(hist));
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			lab8 p = to_lab(lin, PIX(rgb, x, y));

			hist[0][clampi((int)lroundf(p.L), 0, 255)]++;
			hist[1][clampi((int)lroundf(p.a), 0, 255)]++;
			hist[2][clampi((int)lroundf(p.b), 0, 255)]++;
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
 * A band of rows of the analysis image converted once: Lab luminance
 * (box-blurred) and the skin mask, for the face-width scan.
 */
struct band {
	int x0, y0, w, h;
	float *lum;		/* blurred L */
	unsigned char *skin;
};

static int
band_make(const float lin[256], const pimg *rgb, const struct skin *sk,
    int x0, int y0, int w, int h, int k, struct band *b)
{
	float *raw = NULL, *tmp = NULL;
	int x, y, i, rc = -1;

	memset(b, 0, sizeof(*b));
	b->x0 = x0;
	b->y0 = y0;
	b->w = w;
	b->h = h;
	b->lum = malloc(sizeof(float) * (size_t)w * (size_t)h);
	b->skin = malloc((size_t)w * (size_t)h);
	raw = malloc(sizeof(float) * (size_t)w * (size_t)h);
	tmp = malloc(sizeof(float) * (size_t)w * (size_t)h);
	if (b->lum == NULL || b->skin == NULL || raw == NULL || tmp == NULL)
		goto done;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			lab8 p = to_lab(lin, PIX(rgb, x0 + x, y0 + y));

			raw[(size_t)y * w + x] = p.L;
			b->skin[(size_t)y * w + x] = (unsigned char)is_skin(sk, p);
		}
	/* separable box blur of width 2k+1, edges clamped */
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			float s = 0;

			for (i = -k; i <= k; i++)
				s += raw[(size_t)y * w + clampi(x + i, 0, w - 1)];
			tmp[(size_t)y * w + x] = s / (float)(2 * k + 1);
		}
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			float s = 0;

			for (i = -k; i <= k; i++)
				s += tmp[(size_t)clampi(y + i, 0, h - 1) * w + x];
			b->lum[(size_t)y * w + x] = s / (float)(2 * k + 1);
		}
	rc = 0;
done:
	free(raw);
	free(tmp);
	if (rc == -1) {
		free(b->lum);
		free(b->skin);
		memset(b, 0, sizeof(*b));
	}
	return rc;
}

static void
band_free(struct band *b)
{
	free(b->lum);
	free(b->skin);
}

/*
 * Follows the skin on band row y from 0.6 IOD beside the face centre
 * outwards (step -1 or +1) and returns the x (analysis px) where the face
 * ends: the last skin pixel before a gap, or a crease, the outer side of a
 * luminance valley (a fall of at least half the threshold, then a rise of
 * the threshold) where the ear joins the face. A cheek that only brightens
 * towards a side light has no valley and runs to the skin's end.
 */
static double
side_edge(const struct band *b, int y, double cx, double iod, int step)
{
	const float *lum = b->lum + (size_t)y * b->w;
	const unsigned char *skin = b->skin + (size_t)y * b->w;
	int gap = (int)(0.03 * iod) > 1 ? (int)(0.03 * iod) : 1;
	int x = clampi((int)(cx + step * 0.6 * iod) - b->x0, 0, b->w - 1);
	int cheekx = clampi((int)(cx + step * 0.55 * iod) - b->x0, 0,
	    b->w - 1);
	int last = x, miss = 0, mx = x, xx;
	float m = INFINITY, top = -INFINITY, top_before_m = -INFINITY;
	float thr = 0.12f * lum[cheekx];

	if (thr < 10.0f)
		thr = 10.0f;
	for (; x >= 0 && x < b->w; x += step) {
		if (!skin[x]) {
			if (++miss > gap)
				break;
			continue;
		}
		last = x;
		miss = 0;
		if (lum[x] > top)
			top = lum[x];
		if (lum[x] < m) {
			m = lum[x];
			mx = x;
			top_before_m = top;
		} else if (lum[x] > m + thr && top_before_m - m >= thr / 2) {
			for (xx = mx; (xx - x) * step < 0 &&
			    lum[xx] < m + thr / 2; xx += step)
				;
			return b->x0 + xx;
		}
	}
	return b->x0 + last;
}

/*
 * Face width and the two cheek edges, analysis px. Rows 0.2..0.5 IOD
 * below the eye line, medians per side.
 */
static int
face_width(const float lin[256], const pimg *rgb, double cx, double ey,
    double iod, double *left, double *right, double *row)
{
	struct skin sk;
	struct band b;
	double l[16], r[16];
	int n = 0, k, x0, x1, y0, y1, i;

	skin_model(lin, rgb, cx, ey, iod, &sk);
	k = (int)(0.02 * iod) > 1 ? (int)(0.02 * iod) : 1;
	x0 = clampi((int)(cx - 2.0 * iod), 0, rgb->w - 1);
	x1 = clampi((int)(cx + 2.0 * iod), x0 + 1, rgb->w);
	y0 = clampi((int)(ey + 0.2 * iod), 0, rgb->h - 1);
	y1 = clampi((int)(ey + 0.5 * iod) + 1, y0 + 1, rgb->h);
	if (band_make(lin, rgb, &sk, x0, y0, x1 - x0, y1 - y0, k, &b) == -1)
		return -1;
	for (i = 0; i <= 6; i++) {
		int y = (int)(ey + (0.2 + 0.05 * i) * iod) - y0;

		if (y < 0 || y >= b.h)
			continue;
		l[n] = side_edge(&b, y, cx, iod, -1);
		r[n] = side_edge(&b, y, cx, iod, +1);
		n++;
	}
	band_free(&b);
	if (n == 0)
		return -1;
	*left = median(l, n);
	*right = median(r, n);
	*row = ey + 0.35 * iod;
	return 0;
}

/*
 * Head top, analysis px: see the top of the file. Columns cx +- 1.2 IOD,
 * rows from 0 down to the eye line.
 */
static int
head_top(const float lin[256], const pimg *rgb, double cx, double ey,
    double iod, double *top)
{
	int c0 = clampi((int)(cx - 1.2 * iod), 0, rgb->w - 1);
	int c1 = clampi((int)(cx + 1.2 * iod), c0 + 1, rgb->w);
	int yend = clampi((int)ey, 4, rgb->h);
	int run = (int)(0.02 * iod) > 3 ? (int)(0.02 * iod) : 3;
	int ncol = c1 - c0, k = (int)(0.05 * iod) | 1, c, y, i;
	double *tops, win[64], best = yend;
	lab8 corner[2];
	const int cw = ncol / 12 > 2 ? ncol / 12 : 2;

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

		for (y = 0; y < 3 && y < rgb->h; y++)
			for (c = x0; c < x0 + cw; c++) {
				lab8 p = to_lab(lin, PIX(rgb, c, y));

				sum.L += p.L;
				sum.a += p.a;
				sum.b += p.b;
				n++;
			}
		corner[i] = (lab8){ sum.L / n, sum.a / n, sum.b / n };
	}
	for (c = c0; c < c1; c++) {
		lab8 bg = { 0, 0, 0 }, p;
		int found = -1, r = 0;

		for (y = 0; y < 3; y++) {
			p = to_lab(lin, PIX(rgb, c, y));
			bg.L += p.L / 3;
			bg.a += p.a / 3;
			bg.b += p.b / 3;
		}
		/* subject already at the top edge: the head is cut off */
		if (lab_dist(bg, corner[0]) > 24 && lab_dist(bg, corner[1]) > 24)
			found = 0;
		for (y = 3; found < 0 && y < yend; y++) {
			p = to_lab(lin, PIX(rgb, c, y));
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
		if ((m = median(win, n)) < best)
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
	float lin[256];
	photo_point le, re;
	double s = im->scale, iod, cx, ey, l, r, row, top;
	int neyes;

	if (im->grey.px == NULL && pimg_grey(&im->rgb, &im->grey) == -1)
		return photo_seterr(ctx, "out of memory");
	if ((neyes = find_eyes(ctx, im, box, &le, &re)) < 0)
		return photo_seterr(ctx, "out of memory");
	srgb_table(lin);
	iod = hypot(re.x - le.x, re.y - le.y);
	if (iod < 4)
		iod = 0.4 * box->w;
	cx = (le.x + re.x) / 2;
	ey = (le.y + re.y) / 2;
	if (face_width(lin, &im->rgb, cx, ey, iod, &l, &r, &row) == -1 ||
	    head_top(lin, &im->rgb, cx, ey, iod, &top) == -1)
		return photo_seterr(ctx, "out of memory");

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
