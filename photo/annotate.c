/*
 * annotate.c — a picture of what the pipeline saw, because an operator
 * would rather look than read: the source frame with every face the
 * detector found, the eyes, the cheek-to-cheek line, the hair top, the
 * planned crop and, inside it, the three spec bands (R-GEO-2 hair top,
 * R-GEO-3 eye line, R-GEO-4 face width) shaded where they fall; and the
 * zones the checks measured: the face and the two cheeks (light), the
 * eye patches (red-eye, glare), the clothing and the shoulder bands.
 *
 * Drawn on a copy of the analysis image (never on the frame itself) with
 * a few primitives, then encoded as an ordinary JPEG.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

typedef struct rgb {
	unsigned char r, g, b;
} rgb;

static const rgb GREEN = { 40, 220, 60 }, RED = { 240, 40, 40 },
    YELLOW = { 250, 220, 0 }, CYAN = { 0, 200, 240 },
    MAGENTA = { 230, 0, 200 }, BLUE = { 40, 90, 255 },
    ORANGE = { 255, 140, 0 };

/* Blends colour c into pixel (x, y) with opacity a (0..1); clips. */
static void
plot(pimg *im, int x, int y, rgb c, double a)
{
	unsigned char *p;

	if (x < 0 || y < 0 || x >= im->w || y >= im->h)
		return;
	p = PIX(im, x, y);
	p[0] = (unsigned char)lround(p[0] * (1 - a) + c.r * a);
	p[1] = (unsigned char)lround(p[1] * (1 - a) + c.g * a);
	p[2] = (unsigned char)lround(p[2] * (1 - a) + c.b * a);
}

/* A solid line t pixels thick (Bresenham, square pen). */
static void
line(pimg *im, double x0d, double y0d, double x1d, double y1d, int t, rgb c)
{
	int x0 = (int)lround(x0d), y0 = (int)lround(y0d);
	int x1 = (int)lround(x1d), y1 = (int)lround(y1d);
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy, e2;
	int i, j;

	for (;;) {
		for (j = -t / 2; j <= t / 2; j++)
			for (i = -t / 2; i <= t / 2; i++)
				plot(im, x0 + i, y0 + j, c, 1.0);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

static void
rect(pimg *im, double x, double y, double w, double h, int t, rgb c)
{
	line(im, x, y, x + w, y, t, c);
	line(im, x + w, y, x + w, y + h, t, c);
	line(im, x + w, y + h, x, y + h, t, c);
	line(im, x, y + h, x, y, t, c);
}

/* A translucent filled rectangle. */
static void
shade(pimg *im, double x, double y, double w, double h, rgb c, double a)
{
	int x0 = (int)floor(x), y0 = (int)floor(y);
	int x1 = (int)ceil(x + w), y1 = (int)ceil(y + h), i, j;

	for (j = y0; j < y1; j++)
		for (i = x0; i < x1; i++)
			plot(im, i, j, c, a);
}

static void
cross(pimg *im, double x, double y, double r, int t, rgb c)
{
	line(im, x - r, y, x + r, y, t, c);
	line(im, x, y - r, x, y + r, t, c);
}

int
photo_annotate(photo_ctx *ctx, photo_image *im, const photo_result *r,
    unsigned char **jpeg, size_t *len)
{
	const photo_params *p = &ctx->p;
	const photo_face *f = &r->face;
	const photo_crop *c = &r->crop;
	double s = im->scale;
	photo_rect z[3];
	pimg out;
	int t, i, n, rc;

	*jpeg = NULL;
	*len = 0;
	if (pimg_alloc(&out, im->rgb.w, im->rgb.h, 3) == -1)
		return photo_seterr(ctx, "out of memory");
	for (i = 0; i < out.h; i++)
		memcpy(PIX(&out, 0, i), PIX(&im->rgb, 0, i), (size_t)out.w * 3);
	t = (out.w > out.h ? out.w : out.h) / 400 + 1;

	for (i = 0; i < r->ndetections && i < PHOTO_MAX_FACES; i++)
		rect(&out, r->detections[i].x * s, r->detections[i].y * s,
		    r->detections[i].w * s, r->detections[i].h * s, t, YELLOW);
	if (c->ok) {
		double x0 = c->x * s, y0 = c->y * s, k = s / c->scale;

		/* the bands, as shaded stripes inside the crop */
		shade(&out, x0, y0 + p->top.min * k, c->w * s,
		    (p->top.max - p->top.min) * k, MAGENTA, 0.18);
		shade(&out, x0, y0 + p->eye.min * k, c->w * s,
		    (p->eye.max - p->eye.min) * k, RED, 0.12);
		/* face width band: min and max widths, centred, at the eyes */
		shade(&out, x0 + (PHOTO_OUT_W - p->fw.max) / 2.0 * k,
		    f->cheek_y * s - 2 * t, p->fw.max * k, 4 * t, BLUE, 0.25);
		shade(&out, x0 + (PHOTO_OUT_W - p->fw.min) / 2.0 * k,
		    f->cheek_y * s - 2 * t, p->fw.min * k, 4 * t, BLUE, 0.35);
		line(&out, x0 + PHOTO_OUT_W / 2.0 * k, y0,
		    x0 + PHOTO_OUT_W / 2.0 * k, y0 + c->h * s, 1, CYAN);
		rect(&out, x0, y0, c->w * s, c->h * s, 2 * t, CYAN);
	}
	if (r->found) {
		rect(&out, f->box.x * s, f->box.y * s, f->box.w * s,
		    f->box.h * s, t, GREEN);
		cross(&out, f->eye_l.x * s, f->eye_l.y * s, 4 * t, t, RED);
		cross(&out, f->eye_r.x * s, f->eye_r.y * s, 4 * t, t, RED);
		line(&out, f->cheek_l * s, f->cheek_y * s, f->cheek_r * s,
		    f->cheek_y * s, t, ORANGE);
		line(&out, f->cx * s - f->width * s / 2, f->head_top * s,
		    f->cx * s + f->width * s / 2, f->head_top * s, t, MAGENTA);
		/* the zones the checks measured */
		n = photo_light_zones(f, s, z);
		for (i = 0; i < n; i++)
			rect(&out, z[i].x, z[i].y, z[i].w, z[i].h, 1,
			    i ? ORANGE : GREEN);
		if (f->eyes == 2) {
			photo_eye_zones(f, s, z);
			rect(&out, z[0].x, z[0].y, z[0].w, z[0].h, 1, RED);
			rect(&out, z[1].x, z[1].y, z[1].w, z[1].h, 1, RED);
		}
		n = photo_scene_zones(p, r, s, z);
		for (i = 0; i < n; i++)
			rect(&out, z[i].x, z[i].y, z[i].w, z[i].h, t,
			    i ? GREEN : BLUE);
	}
	rc = photo_encode(ctx, &out, 85, 72, jpeg, len);
	pimg_free(&out);
	return rc;
}
