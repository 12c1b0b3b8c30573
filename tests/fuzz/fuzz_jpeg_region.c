/*
 * fuzz_jpeg_region.c — photo_decode_region(), the second decode that
 * rendering does of just the crop (jpeg_crop_scanline, jpeg_skip_scanlines,
 * scales 1/8..16/8, every EXIF orientation).
 *
 * The input is a JPEG; its last nine bytes also choose the region: the
 * scale num (1..16) and x, y, w, h as 16-bit fractions of a range from
 * half a frame before the frame to half a frame after it, so that regions
 * off the edges are tried too. libjpeg reads nothing after EOI, so every
 * JPEG is a seed as it is. A region that decodes covers the part of the
 * request inside the frame, at the scale asked for; a region wholly off
 * the frame is refused.
 */
#include <math.h>

#include "photo/internal.h"
#include "tests/fuzz/fuzzutil.h"

static double
coord(const uint8_t *b, int extent)
{
	unsigned v = (unsigned)b[0] << 8 | b[1];

	return -extent / 2.0 + 2.0 * extent * v / 65535.0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	const uint8_t *t = data + size - 9;
	photo_image *im;
	photo_rect r;
	pimg out = { 0 };
	double k, x0, y0, x1, y1;
	int w, h, num, ox, oy, rc;

	if (size < 9 || !fz_small_jpeg(ctx, data, size, 1000L * 1000))
		return 0;
	if ((im = photo_decode(ctx, data, size)) == NULL)
		return 0;
	photo_image_size(im, &w, &h);
	num = 1 + t[0] % 16;
	r.x = coord(t + 1, w);
	r.y = coord(t + 3, h);
	r.w = fabs(coord(t + 5, w));
	r.h = fabs(coord(t + 7, h));
	rc = photo_decode_region(ctx, im, num, &r, &out, &ox, &oy);
	/* a region wholly off the frame is an error, not a decode (by more
	 * than the 8 source px one pixel at scale 1/8 spans: the scaled
	 * frame's size is rounded up) */
	if (r.x + r.w < -8 || r.x > w + 8 || r.y + r.h < -8 || r.y > h + 8)
		FZ_ASSERT(rc == -1);
	if (rc == 0) {
		k = num / 8.0;
		x0 = fmax(r.x, 0) * k - ox;
		y0 = fmax(r.y, 0) * k - oy;
		x1 = fmin(r.x + r.w, w) * k - ox;
		y1 = fmin(r.y + r.h, h) * k - oy;
		FZ_ASSERT(out.w > 0 && out.h > 0 && out.c == 3);
		FZ_ASSERT(x0 >= -1 && y0 >= -1);
		FZ_ASSERT(x1 <= out.w + 1 && y1 <= out.h + 1);
		/* the last pixel is there to be read */
		FZ_ASSERT(PIX(&out, out.w - 1, out.h - 1)[2] <= 255);
		pimg_free(&out);
	} else
		FZ_ASSERT(photo_error(ctx)[0] != '\0');
	photo_image_destroy(im);
	return 0;
}
