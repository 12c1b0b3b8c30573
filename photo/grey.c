/*
 * grey.c — the two image operations the face detector must do exactly as
 * OpenCV does, so that our detections can be compared with OpenCV's:
 *
 *  - RGB to grey as cvtColor(COLOR_RGB2GRAY) for 8-bit images: the
 *    BT.601 weights in 14-bit fixed point, rounded;
 *  - resize(INTER_LINEAR_EXACT), which detectMultiScale uses to build
 *    each scale of its image pyramid: bilinear with coefficients in 8.8
 *    fixed point (the source position computed in IEEE double, the
 *    fraction rounded to 1/256, half to even), a horizontal pass into 8.8
 *    values and a vertical pass into 16.16, rounded to 8 bits; positions
 *    left or right of the source repeat its edge pixel; an exact halving
 *    in both directions is a 2x2 mean instead, as in OpenCV.
 * The behaviour was established against Debian's python3-opencv 4.6, and
 * tests/test_detect.c compares both functions with it pixel for pixel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

void
pimg_grey_row(const unsigned char *s, unsigned char *d, int w)
{
	int x;

	for (x = 0; x < w; x++, s += 3)
		d[x] = (unsigned char)((s[0] * 4899 + s[1] * 9617 + s[2] * 1868 +
		    (1 << 13)) >> 14);
}

int
pimg_grey(const pimg *rgb, pimg *grey)
{
	int y;

	if (rgb->c != 3 || pimg_alloc(grey, rgb->w, rgb->h, 1) == -1)
		return -1;
	for (y = 0; y < rgb->h; y++)
		pimg_grey_row(PIX(rgb, 0, y), PIX(grey, 0, y), rgb->w);
	return 0;
}

/*
 * Per destination index: the source index and the 8.8 weight of the next
 * source pixel. Indexes below *lo take the first source pixel, at or
 * above *hi the last.
 */
static void
linear_coeffs(int srclen, int dstlen, int *ofs, unsigned short *c1,
    int *lo, int *hi)
{
	double scale = 1.0 / ((double)dstlen / srclen);
	int i;

	*lo = 0;
	*hi = dstlen;
	for (i = 0; i < dstlen; i++) {
		double f = scale * ((double)i + 0.5) - 0.5;
		int fi = (int)floor(f);

		ofs[i] = 0;
		c1[i] = 0;
		if (fi >= 0 && srclen > 1) {
			if (fi < srclen - 1) {
				ofs[i] = fi;
				c1[i] = (unsigned short)lrint((f - fi) * 256.0);
			} else {
				ofs[i] = srclen - 1;
				if (i < *hi)
					*hi = i;
			}
		} else if (i + 1 > *lo)
			*lo = i + 1;
	}
}

/* One source row to an 8.8 row of dst width. */
static void
hline(const unsigned char *s, int srcw, const int *ofs,
    const unsigned short *c1, int lo, int hi, int dstw, unsigned *out)
{
	int i;

	for (i = 0; i < lo && i < dstw; i++)
		out[i] = (unsigned)s[0] << 8;
	for (; i < hi; i++) {
		const unsigned char *p = s + ofs[i];

		out[i] = (256u - c1[i]) * p[0] + c1[i] * p[1];
	}
	for (; i < dstw; i++)
		out[i] = (unsigned)s[srcw - 1] << 8;
}

static int
half_area(const pimg *src, pimg *dst)
{
	int x, y;

	for (y = 0; y < dst->h; y++) {
		const unsigned char *a = PIX(src, 0, 2 * y);
		const unsigned char *b = PIX(src, 0, 2 * y + 1);
		unsigned char *d = PIX(dst, 0, y);

		for (x = 0; x < dst->w; x++)
			d[x] = (unsigned char)((a[2 * x] + a[2 * x + 1] +
			    b[2 * x] + b[2 * x + 1] + 2) >> 2);
	}
	return 0;
}

int
pimg_resize_linear(const pimg *src, pimg *dst)
{
	int *xo = NULL, *yo = NULL, xlo, xhi, ylo, yhi, y, i, rc = -1;
	unsigned short *xc = NULL, *yc = NULL;
	unsigned *r0 = NULL, *r1 = NULL;

	if (src->c != 1 || dst->c != 1)
		return -1;
	if (src->w == dst->w && src->h == dst->h) {
		for (y = 0; y < dst->h; y++)
			memcpy(PIX(dst, 0, y), PIX(src, 0, y), (size_t)dst->w);
		return 0;
	}
	if (src->w == 2 * dst->w && src->h == 2 * dst->h)
		return half_area(src, dst);
	xo = malloc(sizeof(int) * (size_t)dst->w);
	yo = malloc(sizeof(int) * (size_t)dst->h);
	xc = malloc(sizeof(*xc) * (size_t)dst->w);
	yc = malloc(sizeof(*yc) * (size_t)dst->h);
	r0 = malloc(sizeof(unsigned) * (size_t)dst->w);
	r1 = malloc(sizeof(unsigned) * (size_t)dst->w);
	if (!xo || !yo || !xc || !yc || !r0 || !r1)
		goto done;
	linear_coeffs(src->w, dst->w, xo, xc, &xlo, &xhi);
	linear_coeffs(src->h, dst->h, yo, yc, &ylo, &yhi);
	for (y = 0; y < dst->h; y++) {
		unsigned char *d = PIX(dst, 0, y);

		if (y < ylo || y >= yhi) {
			/* above or below the source: its edge row */
			hline(PIX(src, 0, y < ylo ? 0 : src->h - 1), src->w, xo,
			    xc, xlo, xhi, dst->w, r0);
			for (i = 0; i < dst->w; i++)
				d[i] = (unsigned char)((r0[i] + 128) >> 8);
			continue;
		}
		hline(PIX(src, 0, yo[y]), src->w, xo, xc, xlo, xhi, dst->w, r0);
		hline(PIX(src, 0, yo[y] + 1), src->w, xo, xc, xlo, xhi, dst->w,
		    r1);
		for (i = 0; i < dst->w; i++) {
			unsigned v = r0[i] * (256u - yc[y]) + r1[i] * yc[y];

			v = (v + 32768u) >> 16;
			d[i] = (unsigned char)(v > 255 ? 255 : v);
		}
	}
	rc = 0;
done:
	free(xo);
	free(yo);
	free(xc);
	free(yc);
	free(r0);
	free(r1);
	return rc;
}
