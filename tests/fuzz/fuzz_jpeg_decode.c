/*
 * fuzz_jpeg_decode.c — photo_decode() on arbitrary bytes: sniffing,
 * libjpeg-turbo's decode at the analysis scale, the EXIF orientation
 * (libexif) and its remapping. A frame that decodes has the size the
 * headers promise, turned by its orientation, and every pixel is read
 * once, so that ASan sees a buffer smaller than its size.
 */
#include "photo/internal.h"
#include "tests/fuzz/fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	photo_fileinfo fi;
	photo_image *im;
	unsigned sum = 0;
	int w, h, x, y, c;

	/* keep each run short: frames above 4 megapixels are decoded at a
	 * DCT scale anyway, and cost time, not coverage */
	if (!fz_small_jpeg(ctx, data, size, 4L * 1000 * 1000))
		return 0;
	if ((im = photo_decode(ctx, data, size)) == NULL) {
		FZ_ASSERT(photo_error(ctx)[0] != '\0');
		return 0;
	}
	FZ_ASSERT(photo_inspect(ctx, data, size, &fi) == 0);
	photo_image_size(im, &w, &h);
	FZ_ASSERT(im->orientation >= 1 && im->orientation <= 8);
	FZ_ASSERT((w == fi.width && h == fi.height) ||
	    (w == fi.height && h == fi.width));
	FZ_ASSERT(im->rgb.w > 0 && im->rgb.h > 0 && im->rgb.c == 3);
	FZ_ASSERT(im->rgb.w <= w && im->rgb.h <= h);
	for (y = 0; y < im->rgb.h; y++)
		for (x = 0; x < im->rgb.w; x++)
			for (c = 0; c < 3; c++)
				sum += PIX(&im->rgb, x, y)[c];
	fz_sink = sum;
	photo_image_destroy(im);
	return 0;
}
