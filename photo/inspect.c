/*
 * inspect.c — what a JPEG file says about itself, from its headers only
 * (no pixels are decoded): size, components, baseline or not, the JFIF
 * density (R-FILE-2), metadata segments (R-FILE-8) and the IJG quality
 * (R-FILE-4).
 *
 * The quality of a file we did not encode is estimated from its
 * quantisation tables: the IJG encoder scales the JPEG standard's example
 * tables (Annex K) by a factor that depends on the quality only, so the
 * quality whose scaled tables are nearest to the file's (summed absolute
 * difference over the luminance table, and the chrominance table when
 * there is one) is the estimate. For a file the IJG code wrote, that is
 * exactly the quality it used.
 */
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

/* JPEG standard Annex K.1 tables, natural (row-major) order. */
static const unsigned short std_lum[64] = {
	16, 11, 10, 16, 24, 40, 51, 61,
	12, 12, 14, 19, 26, 58, 60, 55,
	14, 13, 16, 24, 40, 57, 69, 56,
	14, 17, 22, 29, 51, 87, 80, 62,
	18, 22, 37, 56, 68, 109, 103, 77,
	24, 35, 55, 64, 81, 104, 113, 92,
	49, 64, 78, 87, 103, 121, 120, 101,
	72, 92, 95, 98, 112, 100, 103, 99
};
static const unsigned short std_chr[64] = {
	17, 18, 24, 47, 99, 99, 99, 99,
	18, 21, 26, 66, 99, 99, 99, 99,
	24, 26, 56, 99, 99, 99, 99, 99,
	47, 66, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99
};

/* The IJG table entry for quality q (as jpeg_set_quality, baseline). */
static long
ijg_entry(unsigned short base, int q)
{
	long scale = q < 50 ? 5000 / q : 200 - q * 2;
	long v = (base * scale + 50) / 100;

	return v < 1 ? 1 : v > 255 ? 255 : v;
}

static long
table_diff(const JQUANT_TBL *t, const unsigned short *base, int q)
{
	long d = 0;
	int i;

	for (i = 0; i < 64; i++)
		d += labs((long)t->quantval[i] - ijg_entry(base[i], q));
	return d;
}

/* The IJG quality (1..100) nearest to the file's tables; 0 if none. */
static int
estimate_quality(j_decompress_ptr ci)
{
	const JQUANT_TBL *lum = ci->quant_tbl_ptrs[0];
	const JQUANT_TBL *chr = ci->quant_tbl_ptrs[1];
	long best = -1, d;
	int q, bq = 0;

	if (lum == NULL)
		return 0;
	for (q = 1; q <= 100; q++) {
		d = table_diff(lum, std_lum, q);
		if (chr != NULL && ci->num_components > 1)
			d += table_diff(chr, std_chr, q);
		if (best < 0 || d < best) {
			best = d;
			bq = q;
		}
	}
	return bq;
}

int
photo_inspect(photo_ctx *ctx, const void *jpeg, size_t len,
    photo_fileinfo *fi)
{
	struct jpeg_decompress_struct ci;
	struct pjerr e;
	jpeg_saved_marker_ptr m;
	const unsigned char *b = jpeg;
	int i;
	volatile int rc = -1;

	memset(fi, 0, sizeof(*fi));
	fi->size = len;
	if (len == 0)
		return photo_seterr(ctx, "empty file (0 bytes)");
	if (len < 4 || b[0] != 0xFF || b[1] != 0xD8)
		return photo_seterr(ctx, "not a JPEG (no SOI marker)");
	ci.err = photo_jpeg_err(&e);
	jpeg_create_decompress(&ci);
	if (setjmp(e.jb) != 0) {
		photo_seterr(ctx, "cannot read the JPEG headers: %s", e.msg);
		goto done;
	}
	jpeg_mem_src(&ci, jpeg, (unsigned long)len);
	for (i = 0; i < 16; i++)
		jpeg_save_markers(&ci, JPEG_APP0 + i, 16);
	jpeg_save_markers(&ci, JPEG_COM, 1);	/* 0 would discard it */
	jpeg_read_header(&ci, TRUE);
	fi->width = (int)ci.image_width;
	fi->height = (int)ci.image_height;
	fi->components = ci.num_components;
	fi->precision = ci.data_precision;
	fi->progressive = ci.progressive_mode ? 1 : 0;
	fi->arithmetic = ci.arith_code ? 1 : 0;
	fi->jfif = ci.saw_JFIF_marker ? 1 : 0;
	fi->density_unit = ci.density_unit;
	fi->xdensity = ci.X_density;
	fi->ydensity = ci.Y_density;
	fi->quality = estimate_quality(&ci);
	for (m = ci.marker_list; m != NULL; m = m->next) {
		if (m->marker == JPEG_APP0 && m->data_length >= 5 &&
		    memcmp(m->data, "JFIF\0", 5) == 0)
			continue;
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0) {
			fi->exif = 1;
			continue;
		}
		fi->other_app++;
	}
	rc = 0;
done:
	jpeg_destroy_decompress(&ci);
	return rc;
}
