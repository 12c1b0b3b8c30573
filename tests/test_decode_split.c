/*
 * test_decode_split.c — a frame without restart markers has its
 * entropy-coded data decoded on two threads (split.c): the second starts
 * in the middle of the data and the two must meet. The image must be the
 * same bytes as one libjpeg decode of the whole file gives, at every DCT
 * scale the split serves (1..7/8), for 4:2:2, 4:2:0, 4:4:4 and grey, odd
 * sizes, optimised Huffman tables and quality 100 (codes longer than the
 * decoder's look-up); and the two halves must really have met, or the
 * test proves nothing. A damaged file is either refused (the caller then
 * decodes it with libjpeg alone, which names the damage) or gives
 * exactly what libjpeg gives: never a third picture.
 *
 * The frames are made here (tu_synth_jpeg): a smooth synthetic scene with
 * noise, encoded with libjpeg.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"
#include "tests/testutil.h"

static const struct tu_synth kinds[] = {
	{ "4:2:2", 1600, 1200, 2, 1, 3, 92, 0, 0 },
	{ "4:2:0 odd size", 1437, 1071, 2, 2, 3, 90, 0, 0 },
	{ "4:4:4", 1200, 900, 1, 1, 3, 90, 0, 0 },
	{ "grey", 1280, 960, 1, 1, 1, 92, 0, 0 },
	{ "4:2:2 optimised tables", 1600, 1200, 2, 1, 3, 92, 1, 0 },
	{ "4:2:0 quality 100", 1280, 960, 2, 2, 3, 100, 0, 0 },
};

/* One libjpeg decode of the whole file at num/8 into *out, as photo_decode
 * would make it without a second thread; -1 when libjpeg refuses it. */
static int
serial(const unsigned char *jpg, unsigned long len, int num, pimg *out)
{
	photo_ctx *ctx = photo_create();
	int rc;

	ck_assert_ptr_nonnull(ctx);
	memset(out, 0, sizeof(*out));
	rc = photo_decode_whole(ctx, jpg, len, num, out);
	photo_destroy(ctx);
	return rc;
}

/* The number of rows where a and b differ (-1: not the same size). */
static int
rows_differing(const pimg *a, const pimg *b)
{
	int y, n = 0;

	if (a->w != b->w || a->h != b->h)
		return -1;
	for (y = 0; y < a->h; y++)
		n += memcmp(PIX(a, 0, y), PIX(b, 0, y), (size_t)a->w * 3) != 0;
	return n;
}

START_TEST(halves_equal_one_decode)
{
	const struct tu_synth *k = &kinds[_i];
	unsigned long len;
	unsigned char *jpg = tu_synth_jpeg(k, &len);
	struct photo_split_info info;
	pimg a, b, g, ga;
	int num, y;

	for (num = 1; num <= 7; num++) {
		ck_assert_int_eq(serial(jpg, len, num, &a), 0);
		ck_assert_msg(photo_decode_split(jpg, len, num, &b, &g, 2, &info)
		    == 1, "%s, %d/8: not split", k->name, num);
		/* the halves met past the cut, near the middle */
		ck_assert_msg(info.met, "%s, %d/8: the halves never met",
		    k->name, num);
		ck_assert_int_eq(info.restarts, 0);
		ck_assert_msg(rows_differing(&a, &b) == 0, "%s, %d/8: %d rows "
		    "differ (met at MCU %ld, second part from MCU row %u)",
		    k->name, num, rows_differing(&a, &b), info.meet_mcu,
		    info.cut_row);
		/* each thread's grey rows: pimg_grey() of the image */
		ck_assert_int_eq(pimg_grey(&a, &ga), 0);
		for (y = 0; y < a.h; y++)
			ck_assert_msg(memcmp(PIX(&ga, 0, y), PIX(&g, 0, y),
			    (size_t)a.w) == 0, "%s, %d/8: grey row %d", k->name,
			    num, y);
		pimg_free(&ga);
		pimg_free(&g);
		pimg_free(&a);
		pimg_free(&b);
	}
	/* one thread: nothing to split */
	ck_assert_int_eq(photo_decode_split(jpg, len, 3, &b, NULL, 1, NULL), 0);
	/* scales the split does not serve */
	ck_assert_int_eq(photo_decode_split(jpg, len, 8, &b, NULL, 2, NULL), 0);
	free(jpg);
}
END_TEST

/* photo_decode of a frame above 4 megapixels takes the split, and gives
 * the serial decode's analysis image, with its grey copy. */
START_TEST(photo_decode_uses_it)
{
	static const struct tu_synth big = { "big", 2600, 1800, 2, 1, 3, 92, 0,
	    0 };
	photo_ctx *ctx = photo_create();
	unsigned long len;
	unsigned char *jpg = tu_synth_jpeg(&big, &len);
	photo_image *im;
	pimg a, ga;
	int y;

	ck_assert_ptr_nonnull(im = photo_decode(ctx, jpg, len));
	ck_assert_int_eq(serial(jpg, len, im->scale_num, &a), 0);
	ck_assert_int_eq(rows_differing(&a, &im->rgb), 0);
	/* and the grey copy analyze would otherwise make */
	ck_assert_ptr_nonnull(im->grey.px);
	ck_assert_int_eq(pimg_grey(&a, &ga), 0);
	for (y = 0; y < a.h; y++)
		ck_assert(memcmp(PIX(&ga, 0, y), PIX(&im->grey, 0, y),
		    (size_t)a.w) == 0);
	pimg_free(&ga);
	pimg_free(&a);
	photo_image_destroy(im);
	photo_destroy(ctx);
	free(jpg);
}
END_TEST

/*
 * Cuts anywhere give the same bytes: the second thread starting near the
 * start (the first reads almost all from the store), and in the last
 * bytes, where it finds no MCU to note and the first decodes the whole
 * frame alone (the path a frame takes when the two never meet).
 */
START_TEST(any_cut_same_bytes)
{
	static const double cuts[] = { 0.001, 0.2, 0.8, 0.999 };
	unsigned long len;
	unsigned char *jpg = tu_synth_jpeg(&kinds[1], &len);
	struct photo_split_info info;
	struct jlayout l;
	pimg a, b;
	size_t i;

	ck_assert_int_eq(photo_jpeg_layout(jpg, len, &l), 0);
	ck_assert_int_eq(serial(jpg, len, 3, &a), 0);
	for (i = 0; i <= sizeof(cuts) / sizeof(cuts[0]); i++) {
		/* the last: two bytes before the EOI */
		double at = i < sizeof(cuts) / sizeof(cuts[0]) ? cuts[i] :
		    1 - 4.0 / (double)(len - l.data);

		ck_assert_msg(photo_decode_split_at(jpg, len, 3, &b, NULL, 2,
		    &info, at) == 1, "cut at %.4f: not decoded", at);
		ck_assert_msg(rows_differing(&a, &b) == 0, "cut at %.4f: %d "
		    "rows differ", at, rows_differing(&a, &b));
		pimg_free(&b);
	}
	/* the cut in the last bytes (too few for an MCU): the first thread
	 * decoded the frame alone, and right */
	ck_assert(!info.met);
	pimg_free(&a);
	free(jpg);
}
END_TEST

/*
 * Damage of every kind, in the first half, at the cut and in the second:
 * the split refuses the file, or gives libjpeg's picture; when libjpeg
 * refuses it, so does the split.
 */
START_TEST(damage_never_gives_another_picture)
{
	unsigned long len;
	unsigned char *jpg = tu_synth_jpeg(&kinds[0], &len), *p;
	struct jlayout l;
	static const double where[] = { 0.2, 0.45, 0.48, 0.49, 0.6, 0.9,
	    0.999 };
	size_t i, at, n;
	int kind, refused = 0, same = 0;

	ck_assert_int_eq(photo_jpeg_layout(jpg, len, &l), 0);
	p = malloc(len + 64);
	ck_assert_ptr_nonnull(p);
	for (kind = 0; kind < 4; kind++)
		for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
			pimg a, b;
			int ra, rb;

			memcpy(p, jpg, len);
			n = len;
			at = l.data + (size_t)((len - 2 - l.data) * where[i]);
			if (kind == 0)		/* a flipped bit */
				p[at] ^= 0x10;
			else if (kind == 1)	/* a run of garbage */
				memset(p + at, 0x5A, 48 < len - 2 - at ? 48 :
				    len - 2 - at);
			else if (kind == 2) {	/* a marker inside the data */
				p[at] = 0xFF;
				p[at + 1] = 0xD0;
			} else {		/* the data cut short */
				n = at;
			}
			ra = serial(p, n, 3, &a);
			rb = photo_decode_split(p, n, 3, &b, NULL, 2, NULL);
			if (rb == 0)
				refused++;
			else {
				ck_assert_msg(ra == 0, "kind %d at %.3f: libjpeg "
				    "refuses it, the split does not", kind,
				    where[i]);
				ck_assert_msg(rows_differing(&a, &b) == 0,
				    "kind %d at %.3f: another picture", kind,
				    where[i]);
				same++;
				pimg_free(&b);
			}
			if (ra == 0)
				pimg_free(&a);
		}
	/* data appended after the last MCU: more MCUs than the frame */
	memcpy(p, jpg, len - 2);
	memcpy(p + len - 2, jpg + l.data + 1000, 62);
	p[len + 60] = 0xFF;
	p[len + 61] = 0xD9;
	ck_assert_int_eq(photo_decode_split(p, len + 62, 3, &(pimg){ 0 },
	    NULL, 2, NULL), 0);
	fprintf(stderr, "  damaged files: %d refused, %d decoded as libjpeg "
	    "does\n", refused, same);
	ck_assert_int_gt(refused, 0);
	free(p);
	free(jpg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("decode_split");
	TCase *tc = tcase_create("split entropy decoding");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, halves_equal_one_decode, 0,
	    (int)(sizeof(kinds) / sizeof(kinds[0])));
	tcase_add_test(tc, photo_decode_uses_it);
	tcase_add_test(tc, any_cut_same_bytes);
	tcase_add_test(tc, damage_never_gives_another_picture);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
