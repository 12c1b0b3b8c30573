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
	int first, n;		/* source indexes first..first+n-1 */
	int off;		/* into the weight array */
};

static int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Box-filter taps of n outputs starting at source position o with `step`
 * source px per output px (step >= 1); indexes may fall outside the
 * source (the caller clamps them).
 * *wts is malloc'd; the caller frees it and *taps.
 */
static int
box_taps(int n, double o, double step, struct tap **taps,
    float **wts)
{
	int i, k, cap = n * ((int)ceil(step) + 2), used = 0;
	struct tap *t = malloc(sizeof(*t) * (size_t)n);
	float *w = malloc(sizeof(*w) * (size_t)cap);

	if (t == NULL || w == NULL) {
		free(t);
		free(w);
		return -1;
	}
	for (i = 0; i < n; i++) {
		double a = o + i * step, b = a + step;
		int first = (int)floor(a), last = (int)ceil(b) - 1;

		t[i].first = first;
		t[i].n = last - first + 1;
		t[i].off = used;
		for (k = first; k <= last; k++) {
			double lo = fmax(a, k), hi = fmin(b, k + 1.0);

			w[used++] = (float)((hi - lo) / step);
		}
	}
	*taps = t;
	*wts = w;
	return 0;
}

static int
resize_down(const pimg *src, double x0, double y0, double scale, pimg *dst)
{
	struct tap *tx = NULL, *ty = NULL;
	float *wx = NULL, *wy = NULL, *acc = NULL, *row = NULL;
	double step = 1.0 / scale;
	int c = dst->c, i, j, k, ch, rc = -1;

	if (box_taps(dst->w, x0, step, &tx, &wx) == -1 ||
	    box_taps(dst->h, y0, step, &ty, &wy) == -1 ||
	    (acc = malloc(sizeof(float) * (size_t)dst->w * c)) == NULL ||
	    (row = malloc(sizeof(float) * (size_t)dst->w * c)) == NULL)
		goto done;
	for (j = 0; j < dst->h; j++) {
		unsigned char *d = PIX(dst, 0, j);

		memset(acc, 0, sizeof(float) * (size_t)dst->w * c);
		for (k = 0; k < ty[j].n; k++) {
			int sy = clampi(ty[j].first + k, 0, src->h - 1);
			const unsigned char *s = PIX(src, 0, sy);
			float wyk = wy[ty[j].off + k];

			/* horizontal pass of source row sy */
			for (i = 0; i < dst->w; i++) {
				const float *w = wx + tx[i].off;
				float sum[4] = { 0, 0, 0, 0 };
				int m;

				for (m = 0; m < tx[i].n; m++) {
					int sx = clampi(tx[i].first + m, 0,
					    src->w - 1);
					const unsigned char *p = s + (size_t)sx * c;

					for (ch = 0; ch < c; ch++)
						sum[ch] += w[m] * p[ch];
				}
				for (ch = 0; ch < c; ch++)
					row[i * c + ch] = sum[ch];
			}
			for (i = 0; i < dst->w * c; i++)
				acc[i] += wyk * row[i];
		}
		for (i = 0; i < dst->w * c; i++) {
			float v = acc[i] + 0.5f;

			d[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
	rc = 0;
done:
	free(tx);
	free(ty);
	free(wx);
	free(wy);
	free(acc);
	free(row);
	return rc;
}

static void
resize_up(const pimg *src, double x0, double y0, double scale, pimg *dst)
{
	int i, j, ch, c = dst->c;

	for (j = 0; j < dst->h; j++) {
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
	if (src->c != dst->c || src->c > 4 || !(scale > 0))
		return -1;
	if (scale <= 1.0)
		return resize_down(src, x0, y0, scale, dst);
	resize_up(src, x0, y0, scale, dst);
	return 0;
}
