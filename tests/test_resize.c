/*
 * test_resize.c — photo/resize.c, the area resampler that makes the
 * 480x640 photo: exact block means at an integer factor, constants and
 * ramps kept at any origin and ratio, and OpenCV's INTER_AREA as an
 * oracle on a real photo.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"
#include "tests/testutil.h"

START_TEST(resize_area)
{
	pimg src, dst;
	int x, y, ch;

	ck_assert_int_eq(pimg_alloc(&src, 64, 48, 3), 0);
	for (y = 0; y < 48; y++)
		for (x = 0; x < 64; x++)
			for (ch = 0; ch < 3; ch++)
				PIX(&src, x, y)[ch] = (unsigned char)((x * 3 +
				    y * 5 + ch * 40) % 256);
	/* integer factor: exactly the block means */
	ck_assert_int_eq(pimg_alloc(&dst, 16, 12, 3), 0);
	ck_assert_int_eq(pimg_resize_area(&src, 0, 0, 0.25, &dst), 0);
	for (y = 0; y < 12; y++)
		for (x = 0; x < 16; x++)
			for (ch = 0; ch < 3; ch++) {
				int i, j, sum = 0;

				for (j = 0; j < 4; j++)
					for (i = 0; i < 4; i++)
						sum += PIX(&src, 4 * x + i,
						    4 * y + j)[ch];
				ck_assert_int_eq(PIX(&dst, x, y)[ch],
				    (int)floor(sum / 16.0 + 0.5));
			}
	pimg_free(&dst);
	/* a constant stays constant at any origin and ratio */
	memset(src.px, 77, src.stride * 48);
	ck_assert_int_eq(pimg_alloc(&dst, 23, 17, 3), 0);
	ck_assert_int_eq(pimg_resize_area(&src, 3.7, -2.2, 0.37, &dst), 0);
	for (x = 0; x < 23 * 17 * 3; x++)
		ck_assert_int_eq(dst.px[x], 77);
	pimg_free(&dst);
	/* a horizontal ramp stays a ramp: mean preserved per column */
	for (y = 0; y < 48; y++)
		for (x = 0; x < 64; x++)
			memset(PIX(&src, x, y), x * 4, 3);
	ck_assert_int_eq(pimg_alloc(&dst, 20, 10, 3), 0);
	ck_assert_int_eq(pimg_resize_area(&src, 0, 0, 20.0 / 64, &dst), 0);
	for (x = 0; x < 20; x++) {
		double centre = (x + 0.5) * 64 / 20.0 - 0.5;

		ck_assert(abs(PIX(&dst, x, 5)[0] - (int)lround(centre * 4)) <= 1);
	}
	pimg_free(&dst);
	pimg_free(&src);
}
END_TEST

/* Against OpenCV's INTER_AREA at an integer factor on a real photo. */
START_TEST(resize_vs_opencv)
{
	const char *td = tu_testdata();
	char cmd[2048], *dir;
	photo_ctx *ctx;
	unsigned char *b;
	size_t len;
	photo_image *im;
	pimg dst;
	FILE *f;
	int x, y, ch, w, h, maxd = 0;

	if (td == NULL)
		return;
	if (system("/usr/bin/python3 -c 'import cv2' 2>/dev/null") != 0) {
		fprintf(stderr, "SKIP: /usr/bin/python3 cannot import cv2\n");
		return;
	}
	ctx = tu_ctx();
	dir = tu_tmpdir();
	b = tu_read(tu_path("%s/portraits/london-036.jpg", td), &len);
	im = photo_decode(ctx, b, len);
	ck_assert_ptr_nonnull(im);
	/* hand OpenCV our decoded pixels, as a PPM */
	f = fopen(tu_path("%s/src.ppm", dir), "wb");
	fprintf(f, "P6 %d %d 255\n", im->rgb.w, im->rgb.h);
	fwrite(im->rgb.px, 1, im->rgb.stride * (size_t)im->rgb.h, f);
	fclose(f);
	w = im->rgb.w / 3;
	h = im->rgb.h / 3;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c \"import cv2; "
	    "a=cv2.imread('%s/src.ppm'); cv2.imwrite('%s/ref.ppm', "
	    "cv2.resize(a[:%d,:%d], (%d,%d), interpolation=cv2.INTER_AREA))\"",
	    dir, dir, 3 * h, 3 * w, w, h);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pimg_alloc(&dst, w, h, 3), 0);
	ck_assert_int_eq(pimg_resize_area(&im->rgb, 0, 0, 1.0 / 3, &dst), 0);
	f = fopen(tu_path("%s/ref.ppm", dir), "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert(fscanf(f, "P6 %d %d 255", &x, &y) == 2 && fgetc(f) != EOF);
	ck_assert_int_eq(x, w);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			for (ch = 0; ch < 3; ch++) {
				int d = abs(fgetc(f) - PIX(&dst, x, y)[ch]);

				maxd = d > maxd ? d : maxd;
			}
	fclose(f);
	ck_assert_int_le(maxd, 1);
	pimg_free(&dst);
	photo_image_destroy(im);
	free(b);
	tu_rmtree(dir);
	free(dir);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("resize");
	TCase *tc = tcase_create("resize");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, resize_area);
	tcase_add_test(tc, resize_vs_opencv);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
