/*
 * fuzz_jpeg_split.c — photo_decode_split() (split.c: the entropy-coded
 * data of a frame without restart markers decoded on two threads, with
 * its own Huffman decoder) on arbitrary bytes, with libjpeg-turbo as the
 * oracle: whenever the split says it decoded the frame, one libjpeg
 * decode of the same bytes at the same scale must succeed (its warnings
 * on corrupt data are errors, as in decode.c) and give the same rows.
 * Its grey copy must be pimg_grey()'s of those rows.
 * The scale comes from the input's length, so every IDCT size is reached
 * and the seeds stay plain JPEGs.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#include <jerror.h>

#include "tests/fuzz/fuzzutil.h"

struct ojerr {
	struct jpeg_error_mgr pub;
	jmp_buf	jb;
};

static void
o_error(j_common_ptr c)
{
	longjmp(((struct ojerr *)c->err)->jb, 1);
}

static void
o_message(j_common_ptr c, int level)
{
	if (level < 0 && c->err->msg_code != JWRN_EXTRANEOUS_DATA)
		longjmp(((struct ojerr *)c->err)->jb, 1);
}

/* libjpeg's decode compared with *im row by row; 0 when it fails. */
static int
oracle(const uint8_t *data, size_t size, int num, const pimg *im)
{
	struct jpeg_decompress_struct ci;
	struct ojerr e;
	JSAMPLE *volatile row = NULL;
	volatile int rc = 0;

	ci.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = o_error;
	e.pub.emit_message = o_message;
	jpeg_create_decompress(&ci);
	if (setjmp(e.jb) != 0)
		goto done;
	jpeg_mem_src(&ci, data, (unsigned long)size);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	ci.scale_num = (unsigned)num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	FZ_ASSERT((int)ci.output_width == im->w &&
	    (int)ci.output_height == im->h);
	if ((row = malloc((size_t)im->w * 3)) == NULL)
		goto done;
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW r = row;
		unsigned y = ci.output_scanline;

		jpeg_read_scanlines(&ci, &r, 1);
		FZ_ASSERT(memcmp(row, PIX(im, 0, y), (size_t)im->w * 3) == 0);
	}
	jpeg_finish_decompress(&ci);
	rc = 1;
done:
	free(row);
	jpeg_destroy_decompress(&ci);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	struct photo_split_info info;
	pimg im, grey, g2;
	int num, y;

	num = 1 + (int)(size % 7);
	if (!fz_small_jpeg(ctx, data, size, 4L * 1000 * 1000))
		return 0;
	if (!photo_decode_split(data, size, num, &im, &grey, 2, &info))
		return 0;
	FZ_ASSERT(oracle(data, size, num, &im) == 1);
	/* the grey rows the threads made are pimg_grey()'s */
	FZ_ASSERT(pimg_grey(&im, &g2) == 0);
	for (y = 0; y < im.h; y++)
		FZ_ASSERT(memcmp(PIX(&grey, 0, y), PIX(&g2, 0, y),
		    (size_t)im.w) == 0);
	pimg_free(&g2);
	pimg_free(&grey);
	pimg_free(&im);
	return 0;
}
