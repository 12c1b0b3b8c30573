/*
 * variant.h — controlled variants of real photos, for the tests of the
 * checks (test_checks.c) and for the integration tests (tests/tools/
 * mkvariant): each changes one thing about a frame, the way a studio
 * would get it wrong.
 *
 * The background is separated with the tests' own segmentation, not the
 * library's: a flood from the top and side edges, in small colour steps
 * (a backdrop's vignette is gradual, the edge of hair is not), over
 * pixels within a wide distance of the backdrop's reference (the median
 * of the top rows). Changes are made in linear light, as lamps and shadows make
 * them. All functions work in place on an RGB frame and abort on error.
 */
#ifndef VARIANT_H
#define VARIANT_H

#include "photo/photo.h"

struct frame {
	unsigned char *rgb;	/* w*h*3, malloc'd */
	int	w, h;
	unsigned char *bg;	/* w*h, 1 = backdrop (vt_segment), or NULL */
};

int	vt_load(const char *path, struct frame *f);	/* -1: unreadable */
void	vt_copy(const struct frame *src, struct frame *dst);
void	vt_free(struct frame *f);
/* Encodes at quality 95, for photo_decode() or a file. */
unsigned char *vt_encode(const struct frame *f, unsigned long *len);
int	vt_write(const struct frame *f, const char *path);
/* Encodes and analyses a camera frame (photo_analyze). */
void	vt_analyze(photo_ctx *ctx, const struct frame *f, photo_result *r);

/* Separates the backdrop into f->bg. */
void	vt_segment(struct frame *f);
/* The backdrop recoloured to rgb on average, keeping its shading (each
 * pixel's light relative to the backdrop's mean, to the power `shading`:
 * 1 as it was, 0 flat); needs vt_segment. */
void	vt_backdrop(struct frame *f, const double rgb[3], double shading);
/* Backdrop pixels times (1 + t * (2 x / w - 1)) in linear light: a
 * left-to-right gradient of +-t. */
void	vt_gradient(struct frame *f, double t);
/* Backdrop pixels within `reach` px of the subject (right side) scaled by
 * gain, fading out over the outer half: a shadow cast by a lamp on the
 * left. */
void	vt_shadow(struct frame *f, int reach, double gain);
/* Columns from x0 on (or all, x0 = 0) scaled by gain in linear light. */
void	vt_gain(struct frame *f, int x0, double gain);
/* The whole frame (face too) relit by two lamps as the simulated camera
 * models them (drivers/cam_sim.c): column x gets wl + e * (1 - wl) in
 * linear light, wl a smooth step from 1 on the left to 0 on the right
 * (width 0.1 of the frame), so the right lamp gives e of the left's. */
void	vt_side_light(struct frame *f, double e);
/* A filled disc (or ellipse with ry = 0 meaning ry = r) of colour rgb. */
void	vt_disc(struct frame *f, double cx, double cy, double rx, double ry,
	    const unsigned char rgb[3]);
/* A filled rectangle of colour rgb. */
void	vt_rect(struct frame *f, int x, int y, int w, int h,
	    const unsigned char rgb[3]);
/* Text in a 5x7 block font, `scale` px per font pixel, colour rgb. */
void	vt_text(struct frame *f, int x, int y, int scale, const char *s,
	    const unsigned char rgb[3]);
/* Non-backdrop pixels from row y0 down blended towards rgb by t (0..1). */
void	vt_recolour_below(struct frame *f, int y0, const double rgb[3],
	    double t);
/* The frame turned by deg degrees (clockwise) about (cx, cy), bilinear;
 * what comes in from outside repeats the edge. Drops f->bg. */
void	vt_rotate(struct frame *f, double cx, double cy, double deg);
/* The upper lid slid down over an eye centred at (ex, ey) by d IOD (iod
 * in px): the strip of lid skin 0.03 IOD tall above the eye's opening
 * (which starts 0.12 IOD above the centre) stretched down over it, across
 * 0.6 IOD, feathered at the sides. d = 0.2 closes an eye. */
void	vt_eyelid(struct frame *f, double ex, double ey, double iod, double d);
/* Box blur of radius rad, three passes (about a Gaussian of sigma rad). */
void	vt_blur(struct frame *f, int rad);

#endif
