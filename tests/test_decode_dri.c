/*
 * test_decode_dri.c — a frame with restart markers (DRI) is decoded in
 * parts on several threads (decode.c); the analysis image must be the
 * same bytes as one decode of the whole file gives, at every DCT scale,
 * for 4:2:2 and 4:2:0 chroma, with cuts on and between restart
 * boundaries. Files that cannot be cut (no restart markers, a damaged
 * marker sequence, truncated data) still decode, or fail with the error
 * a one-piece decode names.
 *
 * The frames are made here (tu_synth_jpeg): a smooth synthetic scene with
 * noise, encoded with libjpeg with the restart interval under test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"
#include "tests/testutil.h"

#define W	2448
#define H	1836

/* A synthetic W x H frame (tu_synth_jpeg), 4:2:2 or 4:2:0, quality 90. */
static unsigned char *
make_frame(int h2v2, unsigned restart, unsigned long *len)
{
	const struct tu_synth k = { "frame", W, H, 2, h2v2 ? 2 : 1, 3, 90, 0,
	    restart };

	return tu_synth_jpeg(&k, len);
}

/* The analysis decode against one serial decode of the whole frame. */
static void
same_as_serial(const unsigned char *jpg, unsigned long len, int num)
{
	photo_ctx *ctx = photo_create();
	photo_params p;
	photo_image *im;
	photo_rect all;
	pimg whole;
	int ox, oy, y;

	photo_params_default(&p);
	/* the scale photo_decode picks: the smallest num reaching this */
	p.analysis_long = (W * num + 7) / 8;
	p.detect_long = p.analysis_long < 800 ? p.analysis_long : 800;
	ctx->p = p;
	im = photo_decode(ctx, jpg, len);
	ck_assert_msg(im != NULL, "%s", photo_error(ctx));
	ck_assert_int_eq(im->scale_num, num);
	all = (photo_rect){ 0, 0, im->src_w, im->src_h };
	ck_assert_int_eq(photo_decode_region(ctx, im, num, &all, &whole, &ox,
	    &oy), 0);
	ck_assert_int_eq(whole.w, im->rgb.w);
	ck_assert_int_eq(whole.h, im->rgb.h);
	for (y = 0; y < whole.h; y++)
		ck_assert_msg(memcmp(PIX(&whole, 0, y), PIX(&im->rgb, 0, y),
		    (size_t)whole.w * 3) == 0, "scale %d/8: row %d differs", num,
		    y);
	pimg_free(&whole);
	photo_image_destroy(im);
	photo_destroy(ctx);
}

START_TEST(parts_equal_one_decode)
{
	/* 4:2:2 with a marker every MCU row and every 7 MCUs (cuts fall
	 * where a multiple of 8 intervals ends an MCU row); 4:2:0 with one
	 * every two MCU rows */
	static const struct { int h2v2; unsigned restart; } cases[] = {
		{ 0, 153 }, { 0, 7 }, { 1, 306 }, { 1, 17 }
	};
	static const int nums[] = { 1, 2, 3, 4, 8 };
	size_t i, k;

	if (photo_cpus() < 2)
		fprintf(stderr, "  one processor: the frames decode in one "
		    "piece, compared all the same\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long len;
		unsigned char *jpg = make_frame(cases[i].h2v2, cases[i].restart,
		    &len);

		for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			same_as_serial(jpg, len, nums[k]);
		free(jpg);
	}
}
END_TEST

START_TEST(uncuttable_files)
{
	photo_ctx *ctx = photo_create();
	photo_image *im;
	unsigned long len, plen;
	unsigned char *jpg = make_frame(0, 153, &len), *p;
	size_t i;

	/* no restart markers: decoded in one piece */
	p = make_frame(0, 0, &plen);
	ck_assert_ptr_nonnull(im = photo_decode(ctx, p, plen));
	photo_image_destroy(im);
	free(p);
	/* RST markers out of sequence: one piece, and libjpeg's resync
	 * warning is an error there, as for any corrupt frame */
	p = malloc(len);
	memcpy(p, jpg, len);
	for (i = len / 2; i + 1 < len; i++)
		if (p[i] == 0xFF && p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7) {
			p[i + 1] = (unsigned char)(0xD0 + (p[i + 1] - 0xD0 + 3) % 8);
			break;
		}
	ck_assert_ptr_null(photo_decode(ctx, p, len));
	ck_assert_msg(strstr(photo_error(ctx), "corrupt JPEG data") != NULL,
	    "%s", photo_error(ctx));
	/* truncated: the error of a one-piece decode */
	ck_assert_ptr_null(photo_decode(ctx, jpg, len * 2 / 3));
	ck_assert_msg(strstr(photo_error(ctx), "truncated JPEG") != NULL, "%s",
	    photo_error(ctx));
	free(p);
	free(jpg);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("decode_dri");
	TCase *tc = tcase_create("restart intervals");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, parts_equal_one_decode);
	tcase_add_test(tc, uncuttable_files);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
