/*
 * encode.c — the output JPEG, exactly as R-FILE-1..4 and R-FILE-8 ask:
 * the libjpeg compressor with 3 components (YCbCr 4:2:0), baseline
 * quantisation tables, optimised Huffman tables, a JFIF header with the
 * density in dots per inch, and no other marker (no EXIF, no Adobe, no
 * comment).
 *
 * The quality is searched (R-FILE-4/5): the highest quality at or above
 * quality_min whose file lands in size_min..size_max. The size grows with
 * the quality, so a binary search over quality_min..100 needs about seven
 * encodes of a 480x640 image. When even quality_min is too big, it is kept
 * and the caller is told (size_ok = 0), and likewise when quality 100 is
 * still too small.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

int
photo_encode(photo_ctx *ctx, const pimg *rgb, int quality, int dpi,
    unsigned char **jpeg, size_t *len)
{
	struct jpeg_compress_struct ci;
	struct pjerr e;
	unsigned char *volatile buf = NULL;
	unsigned long size = 0;
	int y;
	volatile int rc = -1;

	*jpeg = NULL;
	*len = 0;
	if (rgb->c != 3)
		return photo_seterr(ctx, "encode: %d channels, need 3", rgb->c);
	ci.err = photo_jpeg_err(&e);
	jpeg_create_compress(&ci);
	if (setjmp(e.jb) != 0) {
		photo_seterr(ctx, "encode: %s", e.msg);
		goto done;
	}
	jpeg_mem_dest(&ci, (unsigned char **)&buf, &size);
	ci.image_width = (JDIMENSION)rgb->w;
	ci.image_height = (JDIMENSION)rgb->h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, quality, TRUE);	/* baseline tables */
	ci.optimize_coding = TRUE;
	ci.write_JFIF_header = TRUE;
	ci.density_unit = 1;			/* dots per inch */
	ci.X_density = (UINT16)dpi;
	ci.Y_density = (UINT16)dpi;
	ci.write_Adobe_marker = FALSE;
	jpeg_start_compress(&ci, TRUE);
	for (y = 0; y < rgb->h; y++) {
		JSAMPROW row = PIX(rgb, 0, y);

		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	*jpeg = buf;
	*len = size;
	buf = NULL;
	rc = 0;
done:
	jpeg_destroy_compress(&ci);
	free(buf);
	return rc;
}

int
photo_encode_search(photo_ctx *ctx, const pimg *rgb, photo_output *out)
{
	const photo_params *p = &ctx->p;
	unsigned char *best = NULL, *b = NULL;
	size_t blen = 0, len;
	/* lo: highest quality known to fit (or quality_min - 1);
	 * hi: lowest known too big (or 101); sizes at both when known */
	int lo = p->quality_min - 1, hi = 101, q = 90, bq = -1, step = 2;
	double slo = 0, shi = 0;

	memset(out, 0, sizeof(*out));
	if (q <= lo || q >= hi)
		q = (lo + hi) / 2;
	while (hi - lo > 1) {
		if (photo_encode(ctx, rgb, q, p->dpi, &b, &len) == -1)
			goto fail;
		if ((long)len <= p->size_max) {
			free(best);
			best = b;
			blen = len;
			bq = lo = q;
			slo = (double)len;
		} else {
			free(b);
			hi = q;
			shi = (double)len;
		}
		b = NULL;
		if (hi - lo <= 1)
			break;
		/* next: the secant between the bracket's sizes when both are
		 * known, else steps that double from the last probe */
		if (slo > 0 && shi > 0)
			q = lo + (int)floor((p->size_max - slo) / (shi - slo) *
			    (hi - lo));
		else {
			q = hi == 101 ? q + step : q - step;
			step *= 2;
		}
		if (q <= lo)
			q = lo + 1;
		if (q >= hi)
			q = hi - 1;
	}
	if (bq < 0) {
		/* even the lowest allowed quality is too big: keep it */
		if (photo_encode(ctx, rgb, p->quality_min, p->dpi, &best,
		    &blen) == -1)
			goto fail;
		bq = p->quality_min;
	}
	out->jpeg = best;
	out->len = blen;
	out->quality = bq;
	out->size_ok = (long)blen >= p->size_min && (long)blen <= p->size_max;
	return 0;
fail:
	free(best);
	return -1;
}
