/*
 * fuzz_jpeg_split.c — photo_decode_split() (split.c: the entropy-coded
 * data of a frame without restart markers decoded on two threads, with
 * its own Huffman decoder) on arbitrary bytes, with libjpeg-turbo as the
 * oracle: whenever the split says it decoded the frame, one libjpeg
 * decode of the same bytes at the same scale (photo_decode_whole: its
 * warnings on corrupt data are errors) must succeed and give the same
 * rows, and the split's grey copy must be pimg_grey()'s of them. The
 * scale comes from the input's length, so every IDCT size is reached and
 * the seeds stay plain JPEGs.
 */
#include <string.h>

#include "photo/internal.h"
#include "tests/fuzz/fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	struct photo_split_info info;
	pimg im, grey, g2, ref;
	int num, y;

	num = 1 + (int)(size % 7);
	if (!fz_small_jpeg(ctx, data, size, 4L * 1000 * 1000))
		return 0;
	if (!photo_decode_split(data, size, num, &im, &grey, 2, &info))
		return 0;
	FZ_ASSERT(photo_decode_whole(ctx, data, size, num, &ref) == 0);
	FZ_ASSERT(ref.w == im.w && ref.h == im.h);
	/* the grey rows the threads made are pimg_grey()'s */
	FZ_ASSERT(pimg_grey(&im, &g2) == 0);
	for (y = 0; y < im.h; y++) {
		FZ_ASSERT(memcmp(PIX(&ref, 0, y), PIX(&im, 0, y),
		    (size_t)im.w * 3) == 0);
		FZ_ASSERT(memcmp(PIX(&grey, 0, y), PIX(&g2, 0, y),
		    (size_t)im.w) == 0);
	}
	pimg_free(&ref);
	pimg_free(&g2);
	pimg_free(&grey);
	pimg_free(&im);
	return 0;
}
