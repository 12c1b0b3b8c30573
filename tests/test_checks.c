/*
 * test_checks.c — the appearance checks on controlled variants of real
 * photos. Each variant series changes one thing in steps (one half of the
 * face darkened, the whole frame darkened), and at every step the verdict
 * must agree with the measurement and the configured limit: the check
 * flips exactly where its measurement crosses the threshold, and the
 * series must cross it, so a check that never fails fails here.
 *
 * Variants are made in linear light (the way a lamp changes a scene),
 * from ../shared/testdata/portraits/ppp-000.jpg (even light, balance
 * 0.98), encoded at quality 95 and analysed through the public API.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "photo/photo.h"
#include "tests/testutil.h"

struct frame {
	unsigned char *rgb;
	int	w, h;
};

static int
load(const char *path, struct frame *f)
{
	tjhandle tj = tjInitDecompress();
	unsigned char *jpg;
	size_t len;
	int ss, cs, rc = -1;

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

static double
lin(int v)
{
	double x = v / 255.0;

	return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

static int
enc(double y)
{
	y = y < 0 ? 0 : y > 1 ? 1 : y;
	y = y <= 0.0031308 ? y * 12.92 : 1.055 * pow(y, 1 / 2.4) - 0.055;
	return (int)lround(y * 255);
}

/*
 * The frame with the columns from x0 on scaled by gain in linear light
 * (x0 = 0: the whole frame), analysed. Returns the result in *r.
 */
static void
variant(photo_ctx *ctx, const struct frame *f, int x0, double gain,
    photo_result *r)
{
	static int lut[256];
	tjhandle tj = tjInitCompress();
	unsigned char *rgb = malloc((size_t)f->w * f->h * 3), *jpg = NULL;
	unsigned long len = 0;
	photo_image *im;
	int x, y, k;

	ck_assert_ptr_nonnull(rgb);
	for (k = 0; k < 256; k++)
		lut[k] = enc(lin(k) * gain);
	memcpy(rgb, f->rgb, (size_t)f->w * f->h * 3);
	for (y = 0; y < f->h; y++)
		for (x = x0; x < f->w; x++) {
			unsigned char *p = rgb + ((size_t)y * f->w + x) * 3;

			p[0] = (unsigned char)lut[p[0]];
			p[1] = (unsigned char)lut[p[1]];
			p[2] = (unsigned char)lut[p[2]];
		}
	ck_assert_int_eq(tjCompress2(tj, rgb, f->w, 0, f->h, TJPF_RGB, &jpg,
	    &len, TJSAMP_444, 95, 0), 0);
	im = photo_decode(ctx, jpg, len);
	ck_assert_msg(im != NULL, "%s", photo_error(ctx));
	ck_assert_int_eq(photo_analyze(ctx, im, r), 0);
	photo_image_destroy(im);
	tjFree(jpg);
	tjDestroy(tj);
	free(rgb);
}

static int
base(struct frame *f)
{
	const char *td = tu_testdata();

	if (td == NULL)
		return -1;
	ck_assert_int_eq(load(tu_path("%s/portraits/ppp-000.jpg", td), f), 0);
	return 0;
}

/* One half of the face darkened in steps (R-LIGHT-1 balance). */
START_TEST(balance_flips_at_the_limit)
{
	photo_ctx *ctx = tu_ctx();
	photo_result *r = malloc(sizeof(*r));
	struct frame f;
	double limit, g, b, prev = 0;
	int cx, passes = 0, fails = 0;

	photo_params p;

	if (base(&f) == -1)
		return;
	photo_params_default(&p);
	limit = p.check[PHOTO_CK_BALANCE].limit;
	variant(ctx, &f, 0, 1.0, r);
	ck_assert_int_eq(r->face.eyes, 2);
	cx = (int)lround((r->face.eye_l.x + r->face.eye_r.x) / 2);
	for (g = 1.0; g >= 0.3; g -= 0.05) {
		int flagged;

		variant(ctx, &f, cx, g, r);	/* the image's right half */
		b = tu_metric(r, "light.balance");
		flagged = tu_has_code(r, "LIGHT_LEFT_BRIGHT");
		fprintf(stderr, "  right half x%.2f: balance %.3f%s\n", g, b,
		    flagged ? " LIGHT_LEFT_BRIGHT" : "");
		ck_assert_msg(flagged == (b > limit), "gain %.2f: balance %.3f, "
		    "flagged %d, limit %.2f", g, b, flagged, limit);
		ck_assert_msg(b >= prev - 0.02, "balance fell: %.3f after "
		    "%.3f", b, prev);
		prev = b;
		passes += !flagged;
		fails += flagged;
	}
	/* the series crosses the threshold, both ways are seen */
	ck_assert_int_gt(passes, 2);
	ck_assert_int_gt(fails, 2);
	free(r);
	free(f.rgb);
	photo_destroy(ctx);
}
END_TEST

/* The whole frame darkened in steps (R-LIGHT-1 exposure). */
START_TEST(exposure_flips_at_the_limit)
{
	photo_ctx *ctx = tu_ctx();
	photo_result *r = malloc(sizeof(*r));
	struct frame f;
	double g, L;
	int passes = 0, fails = 0;
	photo_params p;

	if (base(&f) == -1)
		return;
	photo_params_default(&p);
	for (g = 1.0; g >= 0.005; g *= 0.6) {
		int flagged;

		variant(ctx, &f, 0, g, r);
		if (!r->found)
			break;		/* too dark to find the face at all */
		L = tu_metric(r, "light.face_lightness");
		flagged = tu_has_code(r, "LIGHT_DARK");
		fprintf(stderr, "  frame x%.3f: face L* %.1f%s\n", g, L,
		    flagged ? " LIGHT_DARK" : "");
		ck_assert_msg(flagged == (L < p.check[PHOTO_CK_EXPOSURE].limit),
		    "gain %.3f: L* %.1f, flagged %d", g, L, flagged);
		ck_assert_int_eq(flagged, r->verdict == PHOTO_FAIL &&
		    flagged);
		passes += !flagged;
		fails += flagged;
	}
	ck_assert_int_gt(passes, 1);
	ck_assert_msg(fails > 0, "never too dark before the face was lost");
	free(r);
	free(f.rgb);
	photo_destroy(ctx);
}
END_TEST

/* Box blur of radius rad, horizontally then vertically, three passes (close
 * to a Gaussian of sigma rad), in place. */
static void
blur(struct frame *f, int rad)
{
	unsigned char *tmp = malloc((size_t)f->w * f->h * 3);
	int pass, x, y, c, i, dir;

	ck_assert_ptr_nonnull(tmp);
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

/* The frame blurred in steps (R-IQ-1 sharpness). */
START_TEST(sharpness_flips_at_the_limit)
{
	photo_ctx *ctx = tu_ctx();
	photo_result *r = malloc(sizeof(*r));
	struct frame f, b;
	photo_params p;
	double v, prev = INFINITY;
	int rad, passes = 0, fails = 0;

	if (base(&f) == -1)
		return;
	photo_params_default(&p);
	b.w = f.w;
	b.h = f.h;
	b.rgb = malloc((size_t)f.w * f.h * 3);
	for (rad = 0; rad <= 12; rad += rad < 4 ? 1 : 2) {
		int flagged;

		memcpy(b.rgb, f.rgb, (size_t)f.w * f.h * 3);
		if (rad > 0)
			blur(&b, rad);
		variant(ctx, &b, 0, 1.0, r);
		if (r->face.eyes < 2)
			break;		/* too blurred to find the eyes */
		v = tu_metric(r, "iq.sharpness");
		flagged = tu_has_code(r, "IQ_BLURRED");
		fprintf(stderr, "  blur radius %2d px: sharpness %.4f%s\n", rad,
		    v, flagged ? " IQ_BLURRED" : "");
		ck_assert_msg(flagged == (v < p.check[PHOTO_CK_SHARPNESS].limit),
		    "blur %d: sharpness %.4f, flagged %d", rad, v, flagged);
		ck_assert_msg(v <= prev * 1.05, "blur %d: sharpness rose to "
		    "%.4f from %.4f", rad, v, prev);
		prev = v;
		passes += !flagged;
		fails += flagged;
	}
	ck_assert_int_gt(passes, 1);
	ck_assert_msg(fails > 0, "never blurred enough before the eyes were "
	    "lost (last %.4f)", prev);
	free(b.rgb);
	free(r);
	free(f.rgb);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("light");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, balance_flips_at_the_limit);
	tcase_add_test(tc, exposure_flips_at_the_limit);
	tcase_add_test(tc, sharpness_flips_at_the_limit);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
