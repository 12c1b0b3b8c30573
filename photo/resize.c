/*
 * resize.c — the anti-aliased resampler that takes the crop to 480x640.
 *
 * Downscaling is an exact area (box) filter, like OpenCV's INTER_AREA but
 * with a fractional origin and any ratio: each output pixel is the mean
 * of the source area it covers, partial pixels weighted by the part
 * covered. The filter is separable: per output column the source columns
 * and their weights are computed once; per output row, the covered source
 * rows are filtered horizontally into a float accumulator with their
 * vertical weights. Upscaling (scale > 1, only within the configured
 * resolution limit) is bilinear. Outside the source, the edge repeats.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

struct tap {
	int n;			/* source pixels covered */
	int off;		/* into the index and weight arrays */
};

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Box-filter taps of n outputs starting at source position o with `step`
 * source px per output px (step >= 1), over a source of `len` px: for
 * each output, the source indexes (clamped, so the edge repeats) and
 * their weights. *taps, *idx and *wts are malloc'd; the caller frees
 * them, also on failure.
 */
static int
box_taps(int n, double o, double step, int len, struct tap **taps,
    int **idx, float **wts)
{
	int i, k, cap = n * ((int)ceil(step) + 2), used = 0;

	*taps = malloc(sizeof(**taps) * (size_t)n);
	*idx = malloc(sizeof(**idx) * (size_t)cap);
	*wts = malloc(sizeof(**wts) * (size_t)cap);
	if (*taps == NULL || *idx == NULL || *wts == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		double a = o + i * step, b = a + step;
		int first = (int)floor(a), last = (int)ceil(b) - 1;

		(*taps)[i].n = last - first + 1;
		(*taps)[i].off = used;
		for (k = first; k <= last; k++) {
			double lo = fmax(a, k), hi = fmin(b, k + 1.0);

			(*idx)[used] = clampi(k, 0, len - 1);
			(*wts)[used++] = (float)((hi - lo) / step);
		}
	}
	return 0;
}

/* The horizontal pass of one source row into out[dst->w * c]. */
static void
hpass(const unsigned char *s, int c, int w, const struct tap *tx,
    const int *ix, const float *wx, float *out)
{
	int i, m, ch;

	if (c == 3) {
		for (i = 0; i < w; i++) {
			const int *x = ix + tx[i].off;
			const float *wt = wx + tx[i].off;
			float r = 0, g = 0, b = 0;

			for (m = 0; m < tx[i].n; m++) {
				const unsigned char *p = s + 3 * x[m];

				r += wt[m] * p[0];
				g += wt[m] * p[1];
				b += wt[m] * p[2];
			}
			out[3 * i] = r;
			out[3 * i + 1] = g;
			out[3 * i + 2] = b;
		}
		return;
	}
	for (i = 0; i < w; i++)
		for (ch = 0; ch < c; ch++) {
			float sum = 0;

			for (m = 0; m < tx[i].n; m++)
				sum += wx[tx[i].off + m] *
				    s[(size_t)ix[tx[i].off + m] * c + ch];
			out[i * c + ch] = sum;
		}
}

/*
 * Each source row is filtered horizontally once: adjacent output rows
 * share the source row on their border, and the last one is kept.
 */
static int
resize_down(const pimg *src, double x0, double y0, double scale, pimg *dst,
    int j0, int j1)
{
	struct tap *tx = NULL, *ty = NULL;
	int *ix = NULL, *iy = NULL;
	float *wx = NULL, *wy = NULL, *acc = NULL, *row = NULL;
	double step = 1.0 / scale;
	size_t rl = (size_t)dst->w * dst->c;
	int j, k, cached = -1, rc = -1;
	size_t i;

	if (box_taps(dst->w, x0, step, src->w, &tx, &ix, &wx) == -1 ||
	    box_taps(dst->h, y0, step, src->h, &ty, &iy, &wy) == -1 ||
	    (acc = malloc(sizeof(float) * rl)) == NULL ||
	    (row = malloc(sizeof(float) * rl)) == NULL)
		goto done;
	for (j = j0; j < j1; j++) {
		unsigned char *d = PIX(dst, 0, j);

		memset(acc, 0, sizeof(float) * rl);
		for (k = 0; k < ty[j].n; k++) {
			int sy = iy[ty[j].off + k];
			float wyk = wy[ty[j].off + k];

			if (sy != cached) {
				hpass(PIX(src, 0, sy), dst->c, dst->w, tx, ix,
				    wx, row);
				cached = sy;
			}
			for (i = 0; i < rl; i++)
				acc[i] += wyk * row[i];
		}
		for (i = 0; i < rl; i++) {
			float v = acc[i] + 0.5f;

			d[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
	rc = 0;
done:
	free(tx);
	free(ty);
	free(ix);
	free(iy);
	free(wx);
	free(wy);
	free(acc);
	free(row);
	return rc;
}

static void
resize_up(const pimg *src, double x0, double y0, double scale, pimg *dst,
    int j0, int j1)
{
	int i, j, ch, c = dst->c;

	for (j = j0; j < j1; j++) {
		double sy = y0 + (j + 0.5) / scale - 0.5;
		int ya = (int)floor(sy);
		double fy = sy - ya;
		int y1 = clampi(ya, 0, src->h - 1);
		int y2 = clampi(ya + 1, 0, src->h - 1);

		for (i = 0; i < dst->w; i++) {
			double sx = x0 + (i + 0.5) / scale - 0.5;
			int xa = (int)floor(sx);
			double fx = sx - xa;
			int x1 = clampi(xa, 0, src->w - 1);
			int x2 = clampi(xa + 1, 0, src->w - 1);
			const unsigned char *p11 = PIX(src, x1, y1);
			const unsigned char *p21 = PIX(src, x2, y1);
			const unsigned char *p12 = PIX(src, x1, y2);
			const unsigned char *p22 = PIX(src, x2, y2);
			unsigned char *d = PIX(dst, i, j);

			for (ch = 0; ch < c; ch++) {
				double v = (p11[ch] * (1 - fx) + p21[ch] * fx) *
				    (1 - fy) + (p12[ch] * (1 - fx) +
				    p22[ch] * fx) * fy;

				d[ch] = (unsigned char)lround(v);
			}
		}
	}
}

int
pimg_resize_area(const pimg *src, double x0, double y0, double scale,
    pimg *dst)
{
	return pimg_resize_area_rows(src, x0, y0, scale, dst, 0, dst->h);
}

int
pimg_resize_area_rows(const pimg *src, double x0, double y0, double scale,
    pimg *dst, int j0, int j1)
{
	if (src->c != dst->c || src->c > 4 || !(scale > 0) || j0 < 0 ||
	    j1 > dst->h || j0 > j1)
		return -1;
	if (scale <= 1.0)
		return resize_down(src, x0, y0, scale, dst, j0, j1);
	resize_up(src, x0, y0, scale, dst, j0, j1);
	return 0;
}
