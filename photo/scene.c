/*
 * scene.c — what is around the face, judged on the photo as it will be
 * cut: the background (R-BG-1 even, no shadow, nothing in it; R-BG-2 its
 * colour), a colour cast on a neutral background (R-IQ-1), the clothing
 * against the background (R-SUBJ-6), the shoulders (R-SUBJ-3), and text,
 * logos or borders added to a photo (R-FILE-8).
 *
 * Everything here works on a grid of cells, each 4x4 px of the 480x640
 * output (120x160 cells): the planned crop of a camera frame, or a
 * finished photo as it stands. A camera frame without a crop is judged
 * on the crop the face would get at the middle of the bands. The grid is
 * made with the area filter from a half-resolution copy (240x320) that
 * also gives each cell its fine contrast (text and hard edges).
 *
 * The segmentation is our own and deliberately plain:
 *   prior     the head (an ellipse from the head top to the chin, a little
 *             wider than the face) and the neck below it: subject for sure;
 *   reference the median colour of the cells above the head and beside it
 *             down to the eye line (CIE L*a*b*);
 *   bg        a cell outside the prior within BG_DE of the reference, or,
 *             beside the head, a smooth cell of the reference's hue up to
 *             SHADOW_DL darker (a shadow on the backdrop);
 *   subject   every non-background cell connected to the prior;
 *   foreign   every other non-background cell: an object, a door frame, a
 *             second person, stamped text.
 * The measurements follow from the masks: colour and evenness over the
 * background cells, the shadow as the background next to the subject
 * against the background further away, the shoulders as the top edge of
 * the subject mask left and right of the neck.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#define CELL		4	/* output px per cell */
#define BG_DE		12.0	/* CIE76 distance from the reference: backdrop */
#define SHADOW_DL	35.0	/* deepest shadow still seen as backdrop, L* */
#define SHADOW_HUE	8.0	/* a*b* distance of a shadow from the backdrop */
#define SMOOTH		16	/* half-res grey range of a smooth cell */
#define SHARP		48	/* half-res grey range of a sharp-edged cell */
#define MIN_BG		40	/* background cells needed to judge it */

enum { C_BG = 1, C_PRIOR = 2, C_SUBJ = 4, C_FOREIGN = 8, C_VALID = 16,
	C_SHARP = 32, C_SMOOTH = 64, C_STRICT = 128 };

/* The grid and where it sits: cell = (source px - o) * k. */
struct grid {
	int	w, h;
	double	ox, oy, k;
	double	*lab;		/* 3 per cell */
	unsigned char *fl;	/* C_* per cell */
	int	*dist;		/* chamfer distance to the subject, 3 per cell */
	int	*queue;
	/* the face, in cells */
	double	cx, top, eye, chin, fw;
};

static void
grid_free(struct grid *g)
{
	free(g->lab);
	free(g->fl);
	free(g->dist);
	free(g->queue);
}

/* The grid's place (the planned crop, the crop the face would get, or a
 * finished photo whole) and the face in its cells. */
static void
place(const photo_params *p, const photo_result *r, int whole,
    struct grid *g)
{
	const photo_face *f = &r->face;
	double ko;

	g->w = PHOTO_OUT_W / CELL;
	g->h = PHOTO_OUT_H / CELL;
	if (whole) {
		g->ox = g->oy = 0;
		g->k = (double)(PHOTO_OUT_W / CELL) / r->src_w;
		g->h = (int)lround(r->src_h * g->k);
		if (g->h < 1)
			g->h = 1;
	} else if (r->crop.ok) {
		g->ox = r->crop.x;
		g->oy = r->crop.y;
		g->k = r->crop.scale / CELL;
	} else {
		ko = p->fw.target / f->width;
		g->ox = f->cx - PHOTO_OUT_W / 2.0 / ko;
		g->oy = f->eye_y - p->eye.target / ko;
		g->k = ko / CELL;
	}
	g->cx = (f->cx - g->ox) * g->k;
	g->top = (f->head_top - g->oy) * g->k;
	g->eye = (f->eye_y - g->oy) * g->k;
	g->chin = (f->chin - g->oy) * g->k;
	g->fw = f->width * g->k;
}

/* Rows of sample()'s work: the area resize of half's rows hy0..hy1, or
 * the cells of grid rows y0..y1. Run on sample()'s threads. */
struct samplerows {
	const photo_image *im;
	struct grid *g;
	pimg	*half;
	const double *lin4;	/* photo_lab_q4_table */
	int	hy0, hy1, y0, y1, rc;
};

static void *
sample_resize(void *arg)
{
	struct samplerows *j = arg;
	double s = j->im->scale;

	j->rc = pimg_resize_area_rows(&j->im->rgb, j->g->ox * s, j->g->oy * s,
	    2 * j->g->k / s, j->half, j->hy0, j->hy1);
	return NULL;
}

static void *
sample_cells(void *arg)
{
	struct samplerows *sr = arg;
	const photo_image *im = sr->im;
	struct grid *g = sr->g;
	const pimg *half = sr->half;
	int x, y, i, j;

	for (y = sr->y0; y < sr->y1; y++)
		for (x = 0; x < g->w; x++) {
			int sum[3] = { 0, 0, 0 };
			int lo = 255, hi = 0, c, sx, sy;
			size_t n = (size_t)y * g->w + x;
			double srcx = g->ox + (x + 0.5) / g->k;
			double srcy = g->oy + (y + 0.5) / g->k;

			for (j = 0; j < 2; j++)
				for (i = 0; i < 2; i++) {
					const unsigned char *q = PIX(half,
					    2 * x + i, 2 * y + j);

					for (c = 0; c < 3; c++)
						sum[c] += q[c];
				}
			/* fine contrast over the cell and a pixel round it */
			for (sy = 2 * y - 1; sy <= 2 * y + 2; sy++)
				for (sx = 2 * x - 1; sx <= 2 * x + 2; sx++) {
					const unsigned char *q;
					int v;

					if (sx < 0 || sy < 0 || sx >= half->w ||
					    sy >= half->h)
						continue;
					q = PIX(half, sx, sy);
					v = (77 * q[0] + 150 * q[1] + 29 * q[2])
					    >> 8;
					lo = v < lo ? v : lo;
					hi = v > hi ? v : hi;
				}
			photo_lab_q4(sr->lin4, sum[0], sum[1], sum[2],
			    &g->lab[3 * n]);
			g->fl[n] = 0;
			if (srcx >= 0 && srcy >= 0 && srcx < im->src_w &&
			    srcy < im->src_h)
				g->fl[n] |= C_VALID;
			if (hi - lo >= SHARP)
				g->fl[n] |= C_SHARP;
			if (hi - lo <= SMOOTH)
				g->fl[n] |= C_SMOOTH;
		}
	sr->rc = 0;
	return NULL;
}

/* Runs fn on job[1] on a second thread (when two) and on job[0] here. */
static int
both(void *(*fn)(void *), struct samplerows job[2], int two)
{
	pthread_t tid;

	if (two && pthread_create(&tid, NULL, fn, &job[1]) != 0)
		return -1;
	fn(&job[0]);
	if (two)
		pthread_join(tid, NULL);
	return job[0].rc == 0 && (!two || job[1].rc == 0) ? 0 : -1;
}

/*
 * Fills lab, fl's C_VALID/C_SHARP/C_SMOOTH from the analysis image; with
 * two threads, each resizes half the rows, then each samples half the
 * cells (a cell reads the rows round it, so the resize is all done first).
 */
static int
sample(const photo_image *im, struct grid *g, int threads)
{
	pimg half = { 0 };
	double lin4[1021];
	struct samplerows job[2];
	int rc = -1, two = threads >= 2 && g->h >= 16;

	if (pimg_alloc(&half, 2 * g->w, 2 * g->h, 3) == -1)
		return -1;
	photo_lab_q4_table(lin4);
	job[0] = (struct samplerows){ im, g, &half, lin4, 0, half.h, 0, g->h,
	    -1 };
	job[1] = job[0];
	if (two) {
		job[0].hy1 = job[1].hy0 = 2 * (g->h / 2);
		job[0].y1 = job[1].y0 = g->h / 2;
	}
	if (both(sample_resize, job, two) == -1)
		goto done;
	job[0].rc = job[1].rc = -1;
	if (both(sample_cells, job, two) == -1)
		goto done;
	rc = 0;
done:
	pimg_free(&half);
	return rc;
}

static void
prior(struct grid *g)
{
	double hy = (g->top + g->chin) / 2, ry = (g->chin - g->top) / 2;
	double rx = 0.55 * g->fw;
	int x, y;

	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++) {
			double dx = (x + 0.5 - g->cx) / rx;
			double dy = (y + 0.5 - hy) / ry;

			if (dx * dx + dy * dy <= 1 || (y + 0.5 >= hy &&
			    fabs(x + 0.5 - g->cx) < 0.35 * g->fw))
				g->fl[(size_t)y * g->w + x] |= C_PRIOR;
		}
}

/* The backdrop's reference colour: the median of the cells above and
 * beside the head. -1 when too few are in the frame. */
static int
reference(struct grid *g, double ref[3])
{
	double *v;
	int n = 0, x, y, c;

	if ((v = malloc(sizeof(*v) * (size_t)g->w * g->h)) == NULL)
		return -1;
	for (c = 0; c < 3; c++) {
		n = 0;
		for (y = 0; y < g->h; y++)
			for (x = 0; x < g->w; x++) {
				size_t i = (size_t)y * g->w + x;
				int above = y + 1 < 0.7 * g->top;
				int beside = fabs(x + 0.5 - g->cx) >
				    0.9 * g->fw && y < g->eye;

				if ((g->fl[i] & (C_VALID | C_PRIOR)) ==
				    C_VALID && (above || beside))
					v[n++] = g->lab[3 * i + c];
			}
		if (n < MIN_BG)
			break;
		ref[c] = photo_kth(v, n, n / 2);
	}
	free(v);
	return n < MIN_BG ? -1 : 0;
}

static double
d76(const double *p, const double *q)
{
	return sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) *
	    (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
}

/* Marks C_BG, then C_SUBJ (flood from the prior) and C_FOREIGN. */
static void
segment(struct grid *g, const double ref[3])
{
	size_t i, n = (size_t)g->w * g->h;
	int head, tail = 0, k;

	for (i = 0; i < n; i++) {
		double *c = &g->lab[3 * i];
		int y = (int)(i / g->w);
		double hue = hypot(c[1] - ref[1], c[2] - ref[2]);

		if ((g->fl[i] & (C_VALID | C_PRIOR)) != C_VALID)
			continue;
		if (d76(c, ref) < BG_DE)
			g->fl[i] |= C_BG | C_STRICT;
		else if (y < g->chin && (g->fl[i] & C_SMOOTH) &&
		    hue < SHADOW_HUE && c[0] < ref[0] &&
		    c[0] > ref[0] - SHADOW_DL)
			g->fl[i] |= C_BG;
	}
	for (i = 0; i < n; i++)
		if ((g->fl[i] & (C_VALID | C_PRIOR)) == (C_VALID | C_PRIOR)) {
			g->fl[i] |= C_SUBJ;
			g->queue[tail++] = (int)i;
		}
	for (head = 0; head < tail; head++) {
		int x = g->queue[head] % g->w, y = g->queue[head] / g->w;
		static const int dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };

		for (k = 0; k < 4; k++) {
			int nx = x + dx[k], ny = y + dy[k];
			size_t j = (size_t)ny * g->w + nx;

			if (nx < 0 || ny < 0 || nx >= g->w || ny >= g->h)
				continue;
			if ((g->fl[j] & (C_VALID | C_BG | C_SUBJ)) != C_VALID)
				continue;
			g->fl[j] |= C_SUBJ;
			g->queue[tail++] = (int)j;
		}
	}
	for (i = 0; i < n; i++)
		if ((g->fl[i] & (C_VALID | C_BG | C_SUBJ)) == C_VALID)
			g->fl[i] |= C_FOREIGN;
}

/* Chamfer (3-4) distance of every cell to the subject mask. */
static void
distances(struct grid *g)
{
	int x, y, big = 1 << 20;
	int *d = g->dist;

#define D(x, y)	d[(size_t)(y) * g->w + (x)]
#define RELAX(x, y, c)	do { if (D(x, y) + (c) < v) v = D(x, y) + (c); } \
	while (0)
	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++)
			D(x, y) = g->fl[(size_t)y * g->w + x] & C_SUBJ ? 0 : big;
	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++) {
			int v = D(x, y);

			if (x > 0)
				RELAX(x - 1, y, 3);
			if (y > 0) {
				RELAX(x, y - 1, 3);
				if (x > 0)
					RELAX(x - 1, y - 1, 4);
				if (x + 1 < g->w)
					RELAX(x + 1, y - 1, 4);
			}
			D(x, y) = v;
		}
	for (y = g->h - 1; y >= 0; y--)
		for (x = g->w - 1; x >= 0; x--) {
			int v = D(x, y);

			if (x + 1 < g->w)
				RELAX(x + 1, y, 3);
			if (y + 1 < g->h) {
				RELAX(x, y + 1, 3);
				if (x + 1 < g->w)
					RELAX(x + 1, y + 1, 4);
				if (x > 0)
					RELAX(x - 1, y + 1, 4);
			}
			D(x, y) = v;
		}
#undef RELAX
#undef D
}

/* Mean L*a*b* of the cells with all of `want` set, inside the box. */
static int
mean(const struct grid *g, int want, double x0, double y0, double x1,
    double y1, double m[3])
{
	int x, y, n = 0;

	m[0] = m[1] = m[2] = 0;
	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++) {
			size_t i = (size_t)y * g->w + x;

			if ((g->fl[i] & want) != want || x + 0.5 < x0 ||
			    x + 0.5 >= x1 || y + 0.5 < y0 || y + 0.5 >= y1)
				continue;
			m[0] += g->lab[3 * i];
			m[1] += g->lab[3 * i + 1];
			m[2] += g->lab[3 * i + 2];
			n++;
		}
	if (n > 0) {
		m[0] /= n;
		m[1] /= n;
		m[2] /= n;
	}
	return n;
}

/* Relative luminance Y (linear light, 0..1) of a CIE L*. */
static double
lum(double l)
{
	double f = (l + 16) / 116;

	return f > 6.0 / 29 ? f * f * f : l * 27.0 / 24389;
}

/* R-BG-2 colour, R-IQ-1 cast and R-BG-1 gradient and spread; and the
 * backdrop's left/right balance (bg.balance, > 1: the left third of the
 * photo is the brighter), the number the lamps' calibration evens. */
static void
backdrop(const photo_params *p, const struct grid *g, const double bg[3],
    photo_result *r)
{
	static const double rgb[3][3] = { { 100, 197, 255 }, { 255, 255, 255 },
	    { 240, 240, 240 } };
	const photo_check_cfg *col = &p->check[PHOTO_CK_BG_COLOUR];
	const photo_check_cfg *ev = &p->check[PHOTO_CK_BG_EVEN];
	const photo_check_cfg *ca = &p->check[PHOTO_CK_COLOUR_CAST];
	double lab[3], de, best = INFINITY, a[3], b[3], lr = 0, tb = 0, cast;
	int k, which = 0, hist[501] = { 0 }, n = 0, x, y, acc;

	for (k = 0; k < 3; k++) {
		photo_lab(rgb[k][0], rgb[k][1], rgb[k][2], lab);
		if ((de = photo_ciede2000(bg, lab)) < best) {
			best = de;
			which = k;
		}
	}
	photo_add_metric(r, "bg.L", bg[0]);
	photo_add_metric(r, "bg.a", bg[1]);
	photo_add_metric(r, "bg.b", bg[2]);
	photo_add_metric(r, "bg.reference", which + 1);
	photo_add_metric(r, "bg.colour_de", best);
	if (best > col->limit)
		photo_add_finding(r, p, PHOTO_CK_BG_COLOUR, "BG_COLOUR",
		    "R-BG-2", best, col->limit, N_("The background is not light "
		    "blue, white or light grey: use the studio backdrop, light "
		    "it evenly and check the camera's white balance."));
	if (which > 0) {
		cast = hypot(bg[1], bg[2]);
		photo_add_metric(r, "bg.cast", cast);
		if (cast > ca->limit)
			photo_add_finding(r, p, PHOTO_CK_COLOUR_CAST,
			    "IQ_COLOUR_CAST", "R-IQ-1", cast, ca->limit,
			    N_("The white or grey background has a colour "
			    "cast: set the camera's white balance to the lamps "
			    "(5500 K) or take a custom white balance off the "
			    "backdrop."));
	}

	if (mean(g, C_STRICT, 0, 0, g->w / 3.0, g->h, a) >= MIN_BG / 4 &&
	    mean(g, C_STRICT, 2 * g->w / 3.0, 0, g->w, g->h, b) >= MIN_BG / 4) {
		lr = photo_ciede2000(a, b);
		/* the same two thirds, signed: left/right luminance, which
		 * is what the lamps change (idphotoctl calibrate) */
		photo_add_metric(r, "bg.balance", lum(a[0]) / lum(b[0]));
	}
	if (mean(g, C_STRICT, 0, 0, g->w, g->h / 4.0, a) >= MIN_BG / 4 &&
	    mean(g, C_STRICT, 0, g->h / 2.0, g->w, g->h, b) >= MIN_BG / 4)
		tb = photo_ciede2000(a, b);
	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++) {
			size_t i = (size_t)y * g->w + x;

			if (!(g->fl[i] & C_STRICT))
				continue;
			de = photo_ciede2000(&g->lab[3 * i], bg);
			hist[de >= 50 ? 500 : (int)(de * 10)]++;
			n++;
		}
	for (k = 0, acc = 0; k < 500 && acc < 0.95 * n; k++)
		acc += hist[k];
	photo_add_metric(r, "bg.gradient_lr", lr);
	photo_add_metric(r, "bg.gradient_tb", tb);
	photo_add_metric(r, "bg.spread", k / 10.0);
	if (fmax(lr, tb) > ev->limit)
		photo_add_finding(r, p, PHOTO_CK_BG_EVEN, "BG_GRADIENT",
		    "R-BG-1", fmax(lr, tb), ev->limit, N_("The background "
		    "is brighter on one side: light the backdrop evenly, or "
		    "move the subject further from it."));
	else if (k / 10.0 > ev->limit2)
		photo_add_finding(r, p, PHOTO_CK_BG_EVEN, "BG_UNEVEN",
		    "R-BG-1", k / 10.0, ev->limit2, N_("The background is "
		    "not even (patches or a vignette): light the backdrop "
		    "evenly and smooth out creases."));
}

/* R-BG-1: background next to the head and shoulders against the
 * background further out, on the same rows. */
static void
shadow(const photo_params *p, const struct grid *g, photo_result *r)
{
	const photo_check_cfg *ck = &p->check[PHOTO_CK_BG_SHADOW];
	double nsum = 0, fsum = 0, v;
	int x, y, nn = 0, nf = 0;

	for (y = (int)fmax(0, g->top); y < g->h &&
	    y < g->chin + 0.6 * g->fw; y++)
		for (x = 0; x < g->w; x++) {
			size_t i = (size_t)y * g->w + x;
			int d = g->dist[i];

			if (!(g->fl[i] & C_BG))
				continue;
			if (d >= 3 && d <= 9) {
				nsum += g->lab[3 * i];
				nn++;
			} else if (d >= 24) {
				fsum += g->lab[3 * i];
				nf++;
			}
		}
	if (nn < MIN_BG / 4 || nf < MIN_BG / 4)
		return;
	v = fsum / nf - nsum / nn;
	photo_add_metric(r, "bg.shadow", v);
	if (v > ck->limit)
		photo_add_finding(r, p, PHOTO_CK_BG_SHADOW, "BG_SHADOW",
		    "R-BG-1", v, ck->limit, N_("A shadow falls on the "
		    "background beside the subject: move the subject forward, "
		    "away from the backdrop, or light the backdrop."));
}

/*
 * R-BG-1 objects and R-FILE-8 added content: the foreign components
 * that reach above the shoulders (a quarter face width above the chin;
 * those below are folds of the clothing),
 * in a finished photo judged text-like when most of its cells hold sharp
 * edges (a camera frame has nothing added yet: all are objects); and a
 * border, an edge line of cells unlike the cells just inside it.
 */
static void
foreign(const photo_params *p, struct grid *g, int whole, photo_result *r)
{
	const photo_check_cfg *ob = &p->check[PHOTO_CK_BG_OBJECTS];
	const photo_check_cfg *ad = &p->check[PHOTO_CK_ADDED];
	size_t i, n = (size_t)g->w * g->h;
	long valid = 0, objects = 0, text = 0;
	int head, tail, k, e, borders = 0, cells, sharp, high;

	for (i = 0; i < n; i++) {
		valid += (g->fl[i] & C_VALID) != 0;
		if (!(g->fl[i] & C_FOREIGN))
			continue;
		/* one component: flood it, clearing C_FOREIGN as it goes */
		cells = sharp = tail = high = 0;
		g->queue[tail++] = (int)i;
		g->fl[i] &= (unsigned char)~C_FOREIGN;
		for (head = 0; head < tail; head++) {
			int x = g->queue[head] % g->w, y = g->queue[head] / g->w;
			static const int dx[4] = { 1, -1, 0, 0 };
			static const int dy[4] = { 0, 0, 1, -1 };

			cells++;
			sharp += (g->fl[g->queue[head]] & C_SHARP) != 0;
			high |= y < g->chin - 0.25 * g->fw;
			for (k = 0; k < 4; k++) {
				int nx = x + dx[k], ny = y + dy[k];
				size_t j = (size_t)ny * g->w + nx;

				if (nx < 0 || ny < 0 || nx >= g->w ||
				    ny >= g->h || !(g->fl[j] & C_FOREIGN))
					continue;
				g->fl[j] &= (unsigned char)~C_FOREIGN;
				g->queue[tail++] = (int)j;
			}
		}
		if (!high)
			continue;	/* folds of the clothing */
		if (whole && 2 * sharp >= cells)
			text += cells;
		else
			objects += cells;
	}
	/* borders: only a finished photo can carry one */
	for (e = 0; whole && e < 4; e++) {
		int len = e < 2 ? g->w : g->h, unlike = 0, t;

		for (t = 0; t < len; t++) {
			int x0 = e < 2 ? t : e == 2 ? 0 : g->w - 1;
			int y0 = e < 2 ? (e == 0 ? 0 : g->h - 1) : t;
			int x1 = e < 2 ? x0 : e == 2 ? 2 : g->w - 3;
			int y1 = e < 2 ? (e == 0 ? 2 : g->h - 3) : y0;

			if (g->w < 4 || g->h < 4)
				break;
			unlike += d76(&g->lab[3 * ((size_t)y0 * g->w + x0)],
			    &g->lab[3 * ((size_t)y1 * g->w + x1)]) > 15;
		}
		borders += unlike >= 0.8 * len;
	}
	if (valid == 0)
		return;
	photo_add_metric(r, "bg.objects", (double)objects / valid);
	if (whole) {
		photo_add_metric(r, "file.added_text", (double)text / valid);
		photo_add_metric(r, "file.borders", borders);
	}
	if ((double)objects / valid > ob->limit)
		photo_add_finding(r, p, PHOTO_CK_BG_OBJECTS, "BG_OBJECT",
		    "R-BG-1", (double)objects / valid, ob->limit,
		    N_("Something stands in the background: clear the backdrop "
		    "(no objects, no other person) and centre the subject in "
		    "front of it."));
	if ((double)text / valid > ad->limit || borders > 0)
		photo_add_finding(r, p, PHOTO_CK_ADDED, "FILE_ADDED_CONTENT",
		    "R-FILE-8", borders > 0 ? 1.0 : (double)text / valid,
		    ad->limit, N_("Text, a logo or a border was added to the "
		    "photo: use the camera original, with nothing added."));
}

/* The zones, in cells: the clothing, and the columns either side where
 * the shoulders are looked for (side -1 left, +1 right). */
static photo_rect
clothing_zone(const struct grid *g)
{
	return (photo_rect){ g->cx - 0.85 * g->fw, g->chin + 0.3 * g->fw,
	    1.7 * g->fw, 0.55 * g->fw };
}

static photo_rect
shoulder_zone(const struct grid *g, int side)
{
	double x = g->cx + (side < 0 ? -1.1 : 0.7) * g->fw;

	return (photo_rect){ x, g->chin - 0.3 * g->fw, 0.4 * g->fw,
	    g->h - (g->chin - 0.3 * g->fw) };
}

/*
 * R-SUBJ-6: the clothing itself against the background. The cells beside
 * the neck and below it (the shoulders and the chest of a seated subject),
 * less those of the skin's colour (the neck, a V-neck): each remaining
 * cell's CIEDE2000 distance from the background, and the median of those
 * is the clothing's. The cells are taken whatever the segmentation said,
 * because a white shirt on a white wall is "background" to it; the zone
 * lies inside every upright subject's shoulders, so it holds clothing.
 * The skin is the median colour of the cheeks and nose; a cell is skin
 * within SKIN_HUE in a*b* and SKIN_DL in L* of it.
 */
#define SKIN_HUE	9.0
#define SKIN_DL		22.0

static int
skin_ref(const struct grid *g, double skin[3])
{
	double *v;
	double x0 = g->cx - 0.25 * g->fw, x1 = g->cx + 0.25 * g->fw;
	double y0 = g->eye + 0.25 * (g->chin - g->eye);
	double y1 = g->eye + 0.6 * (g->chin - g->eye);
	int n = 0, x, y, c;

	if ((v = malloc(sizeof(*v) * (size_t)g->w * g->h)) == NULL)
		return -1;
	for (c = 0; c < 3; c++) {
		n = 0;
		for (y = (int)fmax(0, y0); y < y1 && y < g->h; y++)
			for (x = (int)fmax(0, x0); x < x1 && x < g->w; x++)
				if (g->fl[(size_t)y * g->w + x] & C_VALID)
					v[n++] = g->lab[3 * ((size_t)y * g->w +
					    x) + c];
		if (n < 4)
			break;
		skin[c] = photo_kth(v, n, n / 2);
	}
	free(v);
	return n < 4 ? -1 : 0;
}

static int
in_clothing(const struct grid *g, double x, double y)
{
	double dx = fabs(x - g->cx);

	if (y < g->chin + 0.3 * g->fw || y >= g->chin + 0.85 * g->fw)
		return 0;
	return dx < 0.85 * g->fw && (dx >= 0.3 * g->fw ||
	    y >= g->chin + 0.5 * g->fw);
}

static void
clothing(const photo_params *p, const struct grid *g, const double bg[3],
    photo_result *r)
{
	const photo_check_cfg *ck = &p->check[PHOTO_CK_CLOTHING];
	double skin[3], *de, m;
	int x, y, n = 0, cells = 0;

	if (skin_ref(g, skin) == -1)
		return;
	if ((de = malloc(sizeof(*de) * (size_t)g->w * g->h)) == NULL)
		return;
	for (y = 0; y < g->h; y++)
		for (x = 0; x < g->w; x++) {
			size_t i = (size_t)y * g->w + x;
			const double *c = &g->lab[3 * i];

			if (!(g->fl[i] & C_VALID) || !in_clothing(g, x + 0.5,
			    y + 0.5))
				continue;
			cells++;
			if (hypot(c[1] - skin[1], c[2] - skin[2]) < SKIN_HUE &&
			    fabs(c[0] - skin[0]) < SKIN_DL)
				continue;
			de[n++] = photo_ciede2000(c, bg);
		}
	if (n < MIN_BG / 2) {
		free(de);
		return;
	}
	m = photo_kth(de, n, n / 2);
	free(de);
	photo_add_metric(r, "clothing.bg_de", m);
	photo_add_metric(r, "clothing.skin_share", 1 - (double)n / cells);
	if (m < ck->limit)
		photo_add_finding(r, p, PHOTO_CK_CLOTHING, "SUBJ_CLOTHING",
		    "R-SUBJ-6", m, ck->limit, N_("The clothing is too close "
		    "to the background colour: ask the graduate to wear "
		    "something darker or of another colour."));
}

/*
 * The top of the shoulder in the columns 0.7..1.1 face widths out from
 * the face centre on one side: the median first row, below the chin's
 * level minus a margin, where background gives way to three rows of
 * subject. NAN when fewer than three columns show one.
 */
static double
shoulder(const struct grid *g, int side, double *xm)
{
	photo_rect z = shoulder_zone(g, side);
	double ys[64], xs = 0;
	int n = 0, x, y;

	for (x = (int)fmax(0, floor(z.x)); x <= z.x + z.w && x < g->w &&
	    n < 64; x++) {
		int seen_bg = 0;

		for (y = (int)fmax(0, z.y); y + 2 < g->h; y++) {
			const unsigned char *f = &g->fl[(size_t)y * g->w + x];

			if (*f & C_BG) {
				seen_bg = 1;
				continue;
			}
			if (seen_bg && (f[0] & C_SUBJ) && (f[g->w] & C_SUBJ) &&
			    (f[2 * g->w] & C_SUBJ)) {
				ys[n++] = y;
				xs += x + 0.5;
				break;
			}
		}
	}
	if (n < 3)
		return NAN;
	*xm = xs / n;
	return photo_kth(ys, n, n / 2);
}

/* R-SUBJ-3: shoulders level, when both are in the picture. */
static void
shoulders(const photo_params *p, const struct grid *g, photo_result *r)
{
	const photo_check_cfg *ck = &p->check[PHOTO_CK_SHOULDERS];
	double xl = 0, xr = 0, yl = shoulder(g, -1, &xl), yr = shoulder(g, 1, &xr);
	double tilt;

	if (isnan(yl) || isnan(yr) || xr <= xl)
		return;
	tilt = atan2(yr - yl, xr - xl) * 180 / M_PI;
	photo_add_metric(r, "subject.shoulder_tilt", tilt);
	if (fabs(tilt) > ck->limit)
		photo_add_finding(r, p, PHOTO_CK_SHOULDERS, "SUBJ_SHOULDERS",
		    "R-SUBJ-3", tilt, ck->limit, N_("The shoulders are not "
		    "level: ask the graduate to sit upright, square to the "
		    "camera."));
}

int
photo_scene_zones(const photo_params *p, const photo_result *r, double s,
    photo_rect z[3])
{
	struct grid g = { 0 };
	int i;

	if (!r->found || r->face.eyes < 2 || !(r->face.width > 0))
		return 0;
	place(p, r, 0, &g);
	z[0] = clothing_zone(&g);
	z[1] = shoulder_zone(&g, -1);
	z[2] = shoulder_zone(&g, 1);
	for (i = 0; i < 3; i++) {
		/* as far as the grid goes: the photo as it will be cut */
		double x1 = fmin(z[i].x + z[i].w, g.w), y1 = fmin(z[i].y +
		    z[i].h, g.h);

		z[i].x = fmax(z[i].x, 0);
		z[i].y = fmax(z[i].y, 0);
		z[i].w = fmax(x1 - z[i].x, 0);
		z[i].h = fmax(y1 - z[i].y, 0);
		z[i] = (photo_rect){ (g.ox + z[i].x / g.k) * s,
		    (g.oy + z[i].y / g.k) * s, z[i].w / g.k * s,
		    z[i].h / g.k * s };
	}
	return 3;
}

int
photo_check_scene(const photo_params *p, const photo_image *im, int whole,
    int threads, photo_result *r)
{
	const photo_face *f = &r->face;
	struct grid g = { 0 };
	double ref[3], bg[3];
	size_t n;
	int rc = -1;

	if (!r->found || f->eyes < 2 || !(f->width > 0))
		return 0;
	place(p, r, whole, &g);
	n = (size_t)g.w * g.h;
	g.lab = malloc(sizeof(*g.lab) * 3 * n);
	g.fl = malloc(n);
	g.dist = malloc(sizeof(*g.dist) * n);
	g.queue = malloc(sizeof(*g.queue) * n);
	if (g.lab == NULL || g.fl == NULL || g.dist == NULL || g.queue == NULL)
		goto done;
	if (sample(im, &g, threads) == -1)
		goto done;
	prior(&g);
	rc = 0;
	if (reference(&g, ref) == -1)
		goto done;	/* no backdrop in the picture (or no memory for
				 * its median: the backdrop is then not judged) */
	segment(&g, ref);
	distances(&g);
	if (mean(&g, C_STRICT, 0, 0, g.w, g.h, bg) >= MIN_BG) {
		backdrop(p, &g, bg, r);
		clothing(p, &g, bg, r);
	}
	shadow(p, &g, r);
	shoulders(p, &g, r);
	foreign(p, &g, whole, r);
done:
	grid_free(&g);
	return rc;
}
