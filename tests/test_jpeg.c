/*
 * test_jpeg.c — the JPEG layer of photo/: decoding (scale choice, errors,
 * EXIF orientation, region decode), inspection, the encoder and its
 * quality search (R-FILE-1..5, 8). The area resampler is
 * tests/test_resize.c.
 *
 * Test images are made here: a pattern with four differently coloured
 * quadrants, stored rotated or mirrored with each of the eight EXIF
 * orientation tags (the tag block is built with libexif, the mapping from
 * the EXIF definitions of "row 0" and "column 0", independently of
 * decode.c), so that a decoded frame can be checked for being upright.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libexif/exif-data.h>

#include "photo/internal.h"
#include "tests/testutil.h"

/* ---- helpers ---------------------------------------------------------- */

/* Encodes rgb with libjpeg, adding an Exif APP1 with the orientation
 * tag when orient > 0. *out is malloc'd. */
static void
encode_raw(const pimg *rgb, int quality, int orient, unsigned char **out,
    size_t *len)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	unsigned long size = 0;
	unsigned char *buf = NULL;
	int y;

	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &buf, &size);
	ci.image_width = (JDIMENSION)rgb->w;
	ci.image_height = (JDIMENSION)rgb->h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, quality, TRUE);
	jpeg_start_compress(&ci, TRUE);
	if (orient > 0) {
		ExifData *ed = exif_data_new();
		ExifEntry *e = exif_entry_new();
		unsigned char *eb = NULL;
		unsigned int elen = 0;

		exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_MOTOROLA);
		exif_content_add_entry(ed->ifd[EXIF_IFD_0], e);
		exif_entry_initialize(e, EXIF_TAG_ORIENTATION);
		exif_set_short(e->data, EXIF_BYTE_ORDER_MOTOROLA,
		    (ExifShort)orient);
		exif_data_save_data(ed, &eb, &elen);
		ck_assert_ptr_nonnull(eb);
		jpeg_write_marker(&ci, JPEG_APP0 + 1, eb, elen);
		free(eb);
		exif_entry_unref(e);
		exif_data_unref(ed);
	}
	for (y = 0; y < rgb->h; y++) {
		JSAMPROW r = PIX(rgb, 0, y);

		jpeg_write_scanlines(&ci, &r, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	*out = buf;
	*len = size;
}

static const unsigned char QUAD[4][3] = {
	{ 220, 30, 30 },	/* top-left: red */
	{ 30, 200, 40 },	/* top-right: green */
	{ 40, 50, 220 },	/* bottom-left: blue */
	{ 240, 240, 240 },	/* bottom-right: white */
};

/* The upright pattern, W x H, one colour per quadrant. */
static void
pattern(int W, int H, int x, int y, unsigned char *px)
{
	int q = (y >= H / 2) * 2 + (x >= W / 2);

	memcpy(px, QUAD[q], 3);
}

/*
 * The raw (stored) image for orientation o whose display is the W x H
 * pattern, from the EXIF definitions: where raw row 0 and raw column 0
 * appear on the displayed picture.
 */
static void
stored_pattern(int o, int W, int H, pimg *raw)
{
	/* row0 side, col0 side: 0 top, 1 bottom, 2 left, 3 right */
	static const int row0[9] = { 0, 0, 0, 1, 1, 2, 3, 3, 2 };
	static const int col0[9] = { 0, 2, 3, 3, 2, 0, 0, 1, 1 };
	int swap = row0[o] >= 2, rw = swap ? H : W, rh = swap ? W : H, r, c;

	ck_assert_int_eq(pimg_alloc(raw, rw, rh, 3), 0);
	for (r = 0; r < rh; r++)
		for (c = 0; c < rw; c++) {
			int x = 0, y = 0;

			switch (row0[o]) {
			case 0: y = r; break;
			case 1: y = H - 1 - r; break;
			case 2: x = r; break;
			case 3: x = W - 1 - r; break;
			}
			switch (col0[o]) {
			case 0: y = c; break;
			case 1: y = H - 1 - c; break;
			case 2: x = c; break;
			case 3: x = W - 1 - c; break;
			}
			pattern(W, H, x, y, PIX(raw, c, r));
		}
}

/* Mean colour of a quadrant of an image, away from the edges. */
static void
quad_mean(const pimg *im, int q, double m[3])
{
	int x0 = (q & 1) ? im->w / 2 : 0, y0 = (q & 2) ? im->h / 2 : 0;
	int x, y, ch, n = 0;

	m[0] = m[1] = m[2] = 0;
	for (y = y0 + im->h / 8; y < y0 + im->h / 2 - im->h / 8; y++)
		for (x = x0 + im->w / 8; x < x0 + im->w / 2 - im->w / 8; x++) {
			for (ch = 0; ch < 3; ch++)
				m[ch] += PIX(im, x, y)[ch];
			n++;
		}
	for (ch = 0; ch < 3; ch++)
		m[ch] /= n;
}

/* ---- decoding --------------------------------------------------------- */

START_TEST(bad_files)
{
	static const struct {
		const char *file, *words;
	} cases[] = {
		{ "empty.jpg", "empty" },
		{ "truncated.jpg", "truncated JPEG" },
		{ "random-bytes.jpg", "not a JPEG" },
		{ "hivision-test1-webp-named.jpg", "WebP image" },
		{ "hivision-test2-png-named.jpg", "PNG image" },
	};
	const char *td = tu_testdata();
	photo_ctx *ctx;
	size_t i, len;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *b = tu_read(tu_path("%s/bad-files/%s", td,
		    cases[i].file), &len);
		photo_fileinfo fi;

		ck_assert_ptr_nonnull(b);
		ck_assert_ptr_null(photo_decode(ctx, b, len));
		ck_assert_msg(strstr(photo_error(ctx), cases[i].words) != NULL,
		    "%s: \"%s\"", cases[i].file, photo_error(ctx));
		fprintf(stderr, "  %-30s %s\n", cases[i].file, photo_error(ctx));
		if (i != 1)	/* the truncated file's headers are whole */
			ck_assert_int_eq(photo_inspect(ctx, b, len, &fi), -1);
		free(b);
	}
	photo_destroy(ctx);
}
END_TEST

/* Random truncations and bit flips of a real JPEG never crash: each
 * either decodes or fails with a message. */
START_TEST(fuzz)
{
	photo_ctx *ctx = tu_ctx();
	unsigned char *good, *b;
	size_t len, i;
	pimg img;
	int k, ok = 0, bad = 0;

	ck_assert_int_eq(pimg_alloc(&img, 160, 120, 3), 0);
	for (i = 0; i < (size_t)160 * 120 * 3; i++)
		img.px[i] = (unsigned char)(i * 7 + i / 480);
	encode_raw(&img, 85, 6, &good, &len);
	pimg_free(&img);
	srandom(7);
	for (k = 0; k < 400; k++) {
		size_t n = k % 2 ? len : (size_t)random() % len;
		photo_image *im;

		b = malloc(len);
		memcpy(b, good, len);
		if (k % 2) {
			int f;

			for (f = 0; f < 1 + k % 5; f++)
				b[(size_t)random() % len] ^=
				    (unsigned char)(1 << (random() % 8));
		}
		im = photo_decode(ctx, b, n);
		if (im != NULL) {
			ck_assert(im->rgb.w > 0 && im->rgb.h > 0);
			ok++;
		} else {
			ck_assert(strlen(photo_error(ctx)) > 5);
			bad++;
		}
		photo_image_destroy(im);
		free(b);
	}
	free(good);
	fprintf(stderr, "  fuzz: %d decoded, %d refused with a message\n",
	    ok, bad);
	ck_assert_int_gt(bad, 100);
	photo_destroy(ctx);
}
END_TEST

/* Each EXIF orientation gives an upright frame (R-GEO-5's allowed case). */
START_TEST(orientation)
{
	photo_ctx *ctx = tu_ctx();
	int o, q, ch;

	for (o = 1; o <= 8; o++) {
		pimg raw;
		unsigned char *jpg;
		size_t len;
		photo_image *im;

		stored_pattern(o, 96, 64, &raw);
		encode_raw(&raw, 95, o, &jpg, &len);
		im = photo_decode(ctx, jpg, len);
		ck_assert_msg(im != NULL, "o=%d: %s", o, photo_error(ctx));
		ck_assert_int_eq(im->orientation, o);
		ck_assert_int_eq(im->src_w, 96);
		ck_assert_int_eq(im->src_h, 64);
		ck_assert_int_eq(im->rgb.w, 96);
		for (q = 0; q < 4; q++) {
			double m[3];

			quad_mean(&im->rgb, q, m);
			for (ch = 0; ch < 3; ch++)
				ck_assert_msg(fabs(m[ch] - QUAD[q][ch]) < 12,
				    "orientation %d, quadrant %d: %.0f,%.0f,%.0f",
				    o, q, m[0], m[1], m[2]);
		}
		photo_image_destroy(im);
		free(jpg);
		pimg_free(&raw);
	}
	photo_destroy(ctx);
}
END_TEST

/* The analysis decode uses the smallest DCT scale that reaches
 * analysis_long, and never more. */
START_TEST(scale_choice)
{
	const char *td = tu_testdata();
	photo_ctx *ctx;
	static const char *files[] = { "portraits/ppp-004.jpg",
	    "portraits/london-036.jpg", "portraits/ppp-013.jpg",
	    "pose/ppp-yaw-L1.jpg" };
	size_t i, len;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	for (i = 0; i < 4; i++) {
		unsigned char *b = tu_read(tu_path("%s/%s", td, files[i]), &len);
		photo_image *im = photo_decode(ctx, b, len);
		int lng, num;

		ck_assert_ptr_nonnull(im);
		lng = im->raw_w > im->raw_h ? im->raw_w : im->raw_h;
		num = im->scale_num;
		ck_assert(num >= 1 && num <= 8);
		if (num < 8)	/* enough pixels, and one step less is not */
			ck_assert((lng * num + 7) / 8 >= 1600);
		if (num > 1)
			ck_assert((lng * (num - 1) + 7) / 8 < 1600);
		ck_assert_int_eq(im->rgb.w, (im->src_w * num + 7) / 8);
		ck_assert_double_eq_tol(im->scale, num / 8.0, 0.01);
		fprintf(stderr, "  %-24s %dx%d decoded at %d/8: %dx%d\n",
		    files[i], im->src_w, im->src_h, num, im->rgb.w, im->rgb.h);
		photo_image_destroy(im);
		free(b);
	}
	photo_destroy(ctx);
}
END_TEST

/* A region decode equals the same region of a whole-frame decode at that
 * scale, in every orientation. */
START_TEST(region)
{
	photo_ctx *ctx = tu_ctx();
	int o, k;

	for (o = 1; o <= 8; o++) {
		static const int nums[] = { 8, 4, 3 };
		pimg raw;
		unsigned char *jpg;
		size_t len;
		photo_image *im;
		int x, y;

		/* a textured pattern so that misplacement shows */
		stored_pattern(o, 400, 300, &raw);
		for (y = 0; y < raw.h; y++)
			for (x = 0; x < raw.w; x++)
				PIX(&raw, x, y)[1] = (unsigned char)((x * 5 +
				    y * 3) & 255);
		encode_raw(&raw, 95, o, &jpg, &len);
		im = photo_decode(ctx, jpg, len);
		ck_assert_ptr_nonnull(im);
		for (k = 0; k < 3; k++) {
			photo_rect all = { 0, 0, im->src_w, im->src_h };
			photo_rect sub = { 101, 67, 150, 120 };
			pimg full, part;
			int fx, fy, px, py, n = 0;
			double diff = 0, s = nums[k] / 8.0;

			ck_assert_int_eq(photo_decode_region(ctx, im, nums[k],
			    &all, &full, &fx, &fy), 0);
			ck_assert_int_eq(fx, 0);
			ck_assert_int_eq(fy, 0);
			ck_assert_int_eq(photo_decode_region(ctx, im, nums[k],
			    &sub, &part, &px, &py), 0);
			/* it covers the region */
			ck_assert(px <= sub.x * s && py <= sub.y * s);
			ck_assert(px + part.w >= (sub.x + sub.w) * s - 1);
			ck_assert(py + part.h >= (sub.y + sub.h) * s - 1);
			for (y = (int)(sub.y * s) + 2; y < (sub.y + sub.h) * s - 2;
			    y++)
				for (x = (int)(sub.x * s) + 2;
				    x < (sub.x + sub.w) * s - 2; x++) {
					diff += abs(PIX(&full, x, y)[1] -
					    PIX(&part, x - px, y - py)[1]);
					n++;
				}
			ck_assert_msg(diff / n < 1.0, "orientation %d, %d/8: "
			    "mean difference %.2f", o, nums[k], diff / n);
			pimg_free(&full);
			pimg_free(&part);
		}
		photo_image_destroy(im);
		free(jpg);
		pimg_free(&raw);
	}
	photo_destroy(ctx);
}
END_TEST

/* ---- encoding and inspection ----------------------------------------- */

/* A natural-looking 480x640 test card: gradients and noise. */
static void
test_card(pimg *im, int noise)
{
	int x, y, ch;
	unsigned s = 99;

	ck_assert_int_eq(pimg_alloc(im, 480, 640, 3), 0);
	for (y = 0; y < 640; y++)
		for (x = 0; x < 480; x++)
			for (ch = 0; ch < 3; ch++) {
				int v = (x / 3 + y / 5 + ch * 60) % 256;

				s = s * 1103515245u + 12345u;
				v += noise ? (int)((s >> 16) % (unsigned)(2 *
				    noise + 1)) - noise : 0;
				PIX(im, x, y)[ch] = (unsigned char)(v < 0 ? 0 :
				    v > 255 ? 255 : v);
			}
}

START_TEST(encode_exact)
{
	photo_ctx *ctx = tu_ctx();
	static const int qs[] = { 60, 75, 91, 100 };
	pimg im;
	size_t i;

	test_card(&im, 6);
	for (i = 0; i < 4; i++) {
		unsigned char *j;
		size_t len;
		photo_fileinfo fi;

		ck_assert_int_eq(photo_encode(ctx, &im, qs[i], 300, &j, &len), 0);
		ck_assert_int_eq(photo_inspect(ctx, j, len, &fi), 0);
		ck_assert_int_eq(fi.width, 480);
		ck_assert_int_eq(fi.height, 640);
		ck_assert_int_eq(fi.components, 3);
		ck_assert_int_eq(fi.precision, 8);
		ck_assert_int_eq(fi.progressive, 0);
		ck_assert_int_eq(fi.arithmetic, 0);
		ck_assert_int_eq(fi.jfif, 1);
		ck_assert_int_eq(fi.density_unit, 1);
		ck_assert_int_eq(fi.xdensity, 300);
		ck_assert_int_eq(fi.ydensity, 300);
		ck_assert_int_eq(fi.exif, 0);
		ck_assert_int_eq(fi.other_app, 0);
		ck_assert_int_eq(fi.quality, qs[i]);
		ck_assert_uint_eq(fi.size, len);
		free(j);
	}
	pimg_free(&im);
	photo_destroy(ctx);
}
END_TEST

/* The search: the highest quality in range, or quality 60 / 100 with
 * size_ok = 0 at the two extremes. */
START_TEST(quality_search)
{
	photo_ctx *ctx = tu_ctx();
	static const int noise[] = { 4, 10, 60, 0 };
	size_t i;

	for (i = 0; i < 4; i++) {
		photo_output out;
		pimg im;
		unsigned char *j;
		size_t len;

		test_card(&im, noise[i]);
		if (noise[i] == 0)
			memset(im.px, 200, im.stride * (size_t)im.h);
		ck_assert_int_eq(photo_encode_search(ctx, &im, &out), 0);
		fprintf(stderr, "  noise %2d: quality %3d, %6zu bytes, in "
		    "range %d\n", noise[i], out.quality, out.len, out.size_ok);
		ck_assert_int_ge(out.quality, 60);
		if (out.size_ok) {
			ck_assert(out.len >= 30720 && out.len <= 50000);
			if (out.quality < 100) {
				ck_assert_int_eq(photo_encode(ctx, &im,
				    out.quality + 1, 300, &j, &len), 0);
				ck_assert_msg(len > 50000, "quality %d also "
				    "fits (%zu bytes)", out.quality + 1, len);
				free(j);
			}
		} else if (out.len > 50000)
			ck_assert_int_eq(out.quality, 60);
		else {
			ck_assert_int_eq(out.quality, 100);
			ck_assert(out.len < 30720);
		}
		if (noise[i] == 60)	/* pure noise: too big even at 60 */
			ck_assert(!out.size_ok && out.quality == 60);
		if (noise[i] == 0)	/* flat: too small even at 100 */
			ck_assert(!out.size_ok && out.quality == 100);
		free(out.jpeg);
		pimg_free(&im);
	}
	photo_destroy(ctx);
}
END_TEST

START_TEST(inspect_others)
{
	const char *td = tu_testdata();
	photo_ctx *ctx;
	photo_fileinfo fi;
	unsigned char *b;
	size_t len;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	/* its comment says "quality = 95" */
	b = tu_read(tu_path("%s/multi-face/opencv-messi5.jpg", td), &len);
	ck_assert_int_eq(photo_inspect(ctx, b, len, &fi), 0);
	ck_assert_int_eq(fi.quality, 95);
	ck_assert_int_ge(fi.other_app, 1);	/* the COM segment */
	free(b);
	/* a camera file: Exif, 72 dpi */
	b = tu_read(tu_path("%s/portraits/ppp-004.jpg", td), &len);
	ck_assert_int_eq(photo_inspect(ctx, b, len, &fi), 0);
	ck_assert_int_eq(fi.exif, 1);
	ck_assert_int_eq(fi.xdensity, 72);
	ck_assert_int_eq(fi.width, 2448);
	free(b);
	/* progressive */
	b = tu_read(tu_path("%s/no-face/dlib-dogs.jpg", td), &len);
	ck_assert_int_eq(photo_inspect(ctx, b, len, &fi), 0);
	ck_assert_int_eq(fi.progressive, 1);
	free(b);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jpeg");
	TCase *tc = tcase_create("jpeg");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, fuzz);
	tcase_add_test(tc, orientation);
	tcase_add_test(tc, scale_choice);
	tcase_add_test(tc, region);
	tcase_add_test(tc, encode_exact);
	tcase_add_test(tc, quality_search);
	tcase_add_test(tc, inspect_others);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
