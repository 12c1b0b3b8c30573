/*
 * variant.c — see variant.h. Test code: simple, exact, and aborting on
 * anything unexpected (need(), usable outside a Check test too).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "tests/testutil.h"
#include "tests/variant.h"

#define BG_DIST	100.0	/* RGB distance from the reference: backdrop */
#define BG_STEP	9.0	/* ... reached in steps of at most this */

/* Test code stops at the first surprise (also outside a Check test). */
static void
need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "variant: %s\n", what);
		abort();
	}
}

int
vt_load(const char *path, struct frame *f)
{
	tjhandle tj = tjInitDecompress();
	unsigned char *jpg;
	size_t len;
	int ss, cs, rc = -1;

	memset(f, 0, sizeof(*f));
	if ((jpg = tu_read(path, &len)) == NULL)
		goto done;
	if (tjDecompressHeader3(tj, jpg, len, &f->w, &f->h, &ss, &cs) == 0 &&
	    (f->rgb = malloc((size_t)f->w * f->h * 3)) != NULL &&
	    tjDecompress2(tj, jpg, len, f->rgb, f->w, 0, f->h, TJPF_RGB, 0)
	    == 0)
		rc = 0;
done:
	free(jpg);
	tjDestroy(tj);
	return rc;
}

void
vt_copy(const struct frame *src, struct frame *dst)
{
	size_t n = (size_t)src->w * src->h;

	*dst = *src;
	dst->rgb = malloc(n * 3);
	need(dst->rgb != NULL, "out of memory");
	memcpy(dst->rgb, src->rgb, n * 3);
	if (src->bg != NULL) {
		dst->bg = malloc(n);
		need(dst->bg != NULL, "out of memory");
		memcpy(dst->bg, src->bg, n);
	}
}

void
vt_free(struct frame *f)
{
	free(f->rgb);
	free(f->bg);
	memset(f, 0, sizeof(*f));
}

unsigned char *
vt_encode(const struct frame *f, unsigned long *len)
{
	tjhandle tj = tjInitCompress();
	unsigned char *jpg = NULL;

	*len = 0;
	need(tjCompress2(tj, f->rgb, f->w, 0, f->h, TJPF_RGB, &jpg, len,
	    TJSAMP_444, 95, 0) == 0, tjGetErrorStr());
	tjDestroy(tj);
	return jpg;
}

int
vt_write(const struct frame *f, const char *path)
{
	unsigned long len;
	unsigned char *jpg = vt_encode(f, &len);
	FILE *fp = fopen(path, "wb");
	int rc = fp != NULL && fwrite(jpg, 1, len, fp) == len ? 0 : -1;

	if (fp != NULL && fclose(fp) != 0)
		rc = -1;
	tjFree(jpg);
	return rc;
}

void
vt_analyze(photo_ctx *ctx, const struct frame *f, photo_result *r)
{
	unsigned long len;
	unsigned char *jpg = vt_encode(f, &len);
	photo_image *im = photo_decode(ctx, jpg, len);

	need(im != NULL, photo_error(ctx));
	need(photo_analyze(ctx, im, r) == 0, photo_error(ctx));
	photo_image_destroy(im);
	tjFree(jpg);
}

static double
lin(double v)
{
	v /= 255.0;
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static unsigned char
enc(double y)
{
	y = y < 0 ? 0 : y > 1 ? 1 : y;
	y = y <= 0.0031308 ? y * 12.92 : 1.055 * pow(y, 1 / 2.4) - 0.055;
	return (unsigned char)lround(y * 255);
}

static int
cmpu8(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* The reference: per channel, the median of the top 4% of rows. */
static void
reference(const struct frame *f, double ref[3])
{
	int rows = f->h / 25 + 1, c;
	size_t n = (size_t)rows * f->w, i;
	unsigned char *v = malloc(n);

	need(v != NULL, "out of memory");
	for (c = 0; c < 3; c++) {
		for (i = 0; i < n; i++)
			v[i] = f->rgb[i * 3 + c];
		qsort(v, n, 1, cmpu8);
		ref[c] = v[n / 2];
	}
	free(v);
}

static int
near(const unsigned char *p, const double ref[3], double dist)
{
	double d0 = p[0] - ref[0], d1 = p[1] - ref[1], d2 = p[2] - ref[2];

	return d0 * d0 + d1 * d1 + d2 * d2 < dist * dist;
}

/* q joins the backdrop from its neighbour p. */
static int
joins(const unsigned char *p, const unsigned char *q, const double ref[3])
{
	double pd[3] = { p[0], p[1], p[2] };

	return near(q, ref, BG_DIST) && near(q, pd, BG_STEP);
}

void
vt_segment(struct frame *f)
{
	size_t n = (size_t)f->w * f->h, head = 0, tail = 0, i;
	int *q = malloc(n * sizeof(*q)), x, y, k;
	double ref[3];

	need(q != NULL, "out of memory");
	free(f->bg);
	f->bg = calloc(n, 1);
	need(f->bg != NULL, "out of memory");
	reference(f, ref);
	/* seeds: the top row, and the side columns down to 60 % */
	for (i = 0; i < n; i++) {
		x = (int)(i % f->w);
		y = (int)(i / f->w);
		if ((y == 0 || ((x == 0 || x == f->w - 1) && y < 0.6 * f->h)) &&
		    near(f->rgb + i * 3, ref, BG_DIST / 2)) {
			f->bg[i] = 1;
			q[tail++] = (int)i;
		}
	}
	while (head < tail) {
		static const int dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };

		i = (size_t)q[head++];
		x = (int)(i % f->w);
		y = (int)(i / f->w);
		for (k = 0; k < 4; k++) {
			int nx = x + dx[k], ny = y + dy[k];
			size_t j = (size_t)ny * f->w + nx;

			if (nx < 0 || ny < 0 || nx >= f->w || ny >= f->h ||
			    f->bg[j] || !joins(f->rgb + i * 3, f->rgb + j * 3,
			    ref))
				continue;
			f->bg[j] = 1;
			q[tail++] = (int)j;
		}
	}
	free(q);
}

static double
luminance(const unsigned char *p)
{
	return 0.2126 * lin(p[0]) + 0.7152 * lin(p[1]) + 0.0722 * lin(p[2]);
}

void
vt_backdrop(struct frame *f, const double rgb[3], double shading)
{
	double ysum = 0, y;
	size_t i, n = (size_t)f->w * f->h, nbg = 0;
	int c;

	need(f->bg != NULL, "vt_segment() first");
	for (i = 0; i < n; i++)
		if (f->bg[i]) {
			ysum += luminance(f->rgb + i * 3);
			nbg++;
		}
	need(nbg > 0, "no backdrop found");
	for (i = 0; i < n; i++) {
		unsigned char *p = f->rgb + i * 3;

		if (!f->bg[i])
			continue;
		y = pow(luminance(p) / (ysum / nbg), shading);
		for (c = 0; c < 3; c++)
			p[c] = enc(lin(rgb[c]) * y);
	}
}

static void
scale_px(unsigned char *p, double g)
{
	p[0] = enc(lin(p[0]) * g);
	p[1] = enc(lin(p[1]) * g);
	p[2] = enc(lin(p[2]) * g);
}

void
vt_gradient(struct frame *f, double t)
{
	int x, y;

	need(f->bg != NULL, "vt_segment() first");
	for (y = 0; y < f->h; y++)
		for (x = 0; x < f->w; x++)
			if (f->bg[(size_t)y * f->w + x])
				scale_px(f->rgb + ((size_t)y * f->w + x) * 3,
				    1 + t * (2.0 * x / f->w - 1));
}

void
vt_shadow(struct frame *f, int reach, double gain)
{
	int x, y, xr;

	need(f->bg != NULL, "vt_segment() first");
	for (y = 0; y < f->h; y++) {
		/* the subject's right edge on this row (the right 5 % of the
		 * frame may hold a door frame: not the subject) */
		for (xr = (int)(0.95 * f->w); xr > 0 &&
		    f->bg[(size_t)y * f->w + xr]; xr--)
			;
		if (xr == 0)
			continue;
		for (x = xr + 1; x < f->w && x <= xr + reach; x++) {
			double d = (double)(x - xr) / reach;
			double g = d < 0.5 ? gain : gain + (1 - gain) *
			    (d - 0.5) * 2;

			if (f->bg[(size_t)y * f->w + x])
				scale_px(f->rgb + ((size_t)y * f->w + x) * 3, g);
		}
	}
}

void
vt_gain(struct frame *f, int x0, double gain)
{
	int x, y;

	for (y = 0; y < f->h; y++)
		for (x = x0; x < f->w; x++)
			scale_px(f->rgb + ((size_t)y * f->w + x) * 3, gain);
}

void
vt_side_light(struct frame *f, double e)
{
	int x, y;

	for (x = 0; x < f->w; x++) {
		double t = f->w > 1 ? (double)x / (f->w - 1) : 0.5;
		double wl = 1 / (1 + exp((t - 0.5) / 0.1));

		for (y = 0; y < f->h; y++)
			scale_px(f->rgb + ((size_t)y * f->w + x) * 3,
			    wl + e * (1 - wl));
	}
}

void
vt_disc(struct frame *f, double cx, double cy, double rx, double ry,
    const unsigned char rgb[3])
{
	int x, y;

	if (ry <= 0)
		ry = rx;
	for (y = (int)floor(cy - ry); y <= (int)ceil(cy + ry); y++)
		for (x = (int)floor(cx - rx); x <= (int)ceil(cx + rx); x++) {
			double dx = (x - cx) / rx, dy = (y - cy) / ry;

			if (x < 0 || y < 0 || x >= f->w || y >= f->h ||
			    dx * dx + dy * dy > 1)
				continue;
			memcpy(f->rgb + ((size_t)y * f->w + x) * 3, rgb, 3);
		}
}

void
vt_rect(struct frame *f, int x0, int y0, int w, int h,
    const unsigned char rgb[3])
{
	int x, y;

	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++)
			if (x >= 0 && y >= 0 && x < f->w && y < f->h)
				memcpy(f->rgb + ((size_t)y * f->w + x) * 3,
				    rgb, 3);
}

/* 5x7 glyphs, one byte per row, bit 4 = leftmost column. */
static const struct {
	char c;
	unsigned char row[7];
} font[] = {
	{ 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'E', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f } },
	{ 'H', { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f } },
	{ 'M', { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11 } },
	{ 'O', { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
	{ 'P', { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10 } },
	{ 'S', { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e } },
	{ 'T', { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
	{ '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
	{ '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
	{ '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
};

void
vt_text(struct frame *f, int x, int y, int scale, const char *s,
    const unsigned char rgb[3])
{
	size_t g;
	int row, col;

	for (; *s != '\0'; s++, x += 6 * scale) {
		for (g = 0; g < sizeof(font) / sizeof(font[0]); g++)
			if (font[g].c == *s)
				break;
		if (g == sizeof(font) / sizeof(font[0]))
			continue;	/* a space, or a glyph we lack */
		for (row = 0; row < 7; row++)
			for (col = 0; col < 5; col++)
				if (font[g].row[row] & (0x10 >> col))
					vt_rect(f, x + col * scale,
					    y + row * scale, scale, scale, rgb);
	}
}

void
vt_recolour_below(struct frame *f, int y0, const double rgb[3], double t)
{
	int x, y, c;

	need(f->bg != NULL, "vt_segment() first");
	for (y = y0 < 0 ? 0 : y0; y < f->h; y++)
		for (x = 0; x < f->w; x++) {
			unsigned char *p = f->rgb + ((size_t)y * f->w + x) * 3;

			if (f->bg[(size_t)y * f->w + x])
				continue;
			for (c = 0; c < 3; c++)
				p[c] = enc((1 - t) * lin(p[c]) + t *
				    lin(rgb[c]));
		}
}

void
vt_blur(struct frame *f, int rad)
{
	unsigned char *tmp = malloc((size_t)f->w * f->h * 3);
	int pass, x, y, c, i, dir;

	need(tmp != NULL, "out of memory");
	for (pass = 0; pass < 3; pass++)
		for (dir = 0; dir < 2; dir++) {
			int len = dir ? f->h : f->w, lines = dir ? f->w : f->h;
			size_t step = dir ? (size_t)f->w * 3 : 3;

			for (y = 0; y < lines; y++)
				for (c = 0; c < 3; c++) {
					unsigned char *p = f->rgb + (dir ?
					    (size_t)y * 3 : (size_t)y * f->w * 3)
					    + c;
					unsigned char *q = tmp + (p - f->rgb);
					long acc = 0;

					for (i = -rad; i <= rad; i++)
						acc += p[(size_t)(i < 0 ? 0 : i >=
						    len ? len - 1 : i) * step];
					/* a sliding window: in x + rad + 1,
					 * out x - rad, both clamped */
					for (x = 0; x < len; x++) {
						int in = x + rad + 1, out = x - rad;

						q[(size_t)x * step] =
						    (unsigned char)(acc /
						    (2 * rad + 1));
						acc += p[(size_t)(in >= len ?
						    len - 1 : in) * step];
						acc -= p[(size_t)(out < 0 ? 0 :
						    out) * step];
					}
				}
			memcpy(f->rgb, tmp, (size_t)f->w * f->h * 3);
		}
	free(tmp);
}

/* v clamped to 0..len-1. */
static int
clampi(int v, int len)
{
	return v < 0 ? 0 : v >= len ? len - 1 : v;
}

void
vt_rotate(struct frame *f, double cx, double cy, double deg)
{
	unsigned char *out = malloc((size_t)f->w * f->h * 3);
	double c = cos(deg * M_PI / 180), sn = sin(deg * M_PI / 180);
	int x, y, k;

	need(out != NULL, "out of memory");
	for (y = 0; y < f->h; y++)
		for (x = 0; x < f->w; x++) {
			/* the source point that lands on (x, y) */
			double sx = cx + (x - cx) * c + (y - cy) * sn;
			double sy = cy - (x - cx) * sn + (y - cy) * c;
			int x0 = (int)floor(sx), y0 = (int)floor(sy);
			double ax = sx - x0, ay = sy - y0;
			int xa = clampi(x0, f->w), xb = clampi(x0 + 1, f->w);
			int ya = clampi(y0, f->h), yb = clampi(y0 + 1, f->h);

			for (k = 0; k < 3; k++) {
				double v = (1 - ay) * ((1 - ax) *
				    f->rgb[((size_t)ya * f->w + xa) * 3 + k] +
				    ax * f->rgb[((size_t)ya * f->w + xb) * 3 + k])
				    + ay * ((1 - ax) *
				    f->rgb[((size_t)yb * f->w + xa) * 3 + k] +
				    ax * f->rgb[((size_t)yb * f->w + xb) * 3 + k]);

				out[((size_t)y * f->w + x) * 3 + k] =
				    (unsigned char)lround(v);
			}
		}
	free(f->rgb);
	f->rgb = out;
	free(f->bg);
	f->bg = NULL;
}

void
vt_eyelid(struct frame *f, double ex, double ey, double iod, double d)
{
	int top = (int)lround(ey - 0.12 * iod), s = (int)lround(0.03 * iod);
	int dd = (int)lround(d * iod), xa = (int)lround(ex - 0.3 * iod);
	int xb = (int)lround(ex + 0.3 * iod), x, y;
	unsigned char *src;

	if (s < 1)
		s = 1;
	if (dd <= 0 || top - s < 0 || top + dd >= f->h || xa < 0 || xb > f->w)
		return;
	need((src = malloc((size_t)(s + dd) * (xb - xa) * 3)) != NULL,
	    "memory");
	for (y = 0; y < s + dd; y++)
		memcpy(src + (size_t)y * (xb - xa) * 3, f->rgb +
		    ((size_t)(top - s + y * s / (s + dd)) * f->w + xa) * 3,
		    (size_t)(xb - xa) * 3);
	for (y = 0; y < s + dd; y++)
		for (x = xa; x < xb; x++) {
			/* feathered over the outer fifth on each side */
			double t = fmin(x - xa, xb - 1 - x) / (0.2 * (xb - xa));
			unsigned char *p = f->rgb + ((size_t)(top - s + y) *
			    f->w + x) * 3;
			const unsigned char *q = src + ((size_t)y * (xb - xa) +
			    (x - xa)) * 3;
			int c;

			t = t > 1 ? 1 : t;
			for (c = 0; c < 3; c++)
				p[c] = (unsigned char)lround(t * q[c] +
				    (1 - t) * p[c]);
		}
	free(src);
}
