/*
 * decode.c — JPEG bytes to an oriented RGB frame, decoding no more
 * pixels than the pipeline needs.
 *
 * libjpeg-turbo's DCT-domain scaling decodes at num/8 of the size for the
 * cost of the entropy decoding plus a small IDCT, so the analysis image is
 * decoded at the smallest num whose long side reaches analysis_long
 * (1600 px: a 6000x4000 frame decodes at 3/8). A large frame's data is
 * decoded on two threads or more: cut at its restart markers when it has
 * them (below), and otherwise by split.c's self-synchronising split of
 * the Huffman stream. Either way the rows are one decode's bytes. When
 * the final crop needs more pixels than that, photo_decode_region()
 * decodes only the crop's rows and columns (jpeg_skip_scanlines,
 * jpeg_crop_scanline) at the next scale that has enough, and stops
 * reading after the crop's last row.
 *
 * The EXIF orientation tag (read with libexif) is applied by remapping
 * pixels, so a camera mounted in portrait gives an upright frame; this is
 * the one transform R-GEO-5 allows. A bad EXIF block only means
 * orientation 1.
 *
 * What is not a decodable JPEG is named: empty, PNG/WebP/GIF/TIFF/BMP/
 * HEIF data, no SOI marker, truncated, corrupt. libjpeg's warnings about
 * corrupt or missing data end the decode (see jpegerr.c), so a damaged
 * frame never becomes a grey-padded picture.
 */
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <libexif/exif-data.h>

#include "photo/internal.h"

#define MAX_PIXELS	(120L * 1000 * 1000)	/* refuse above 120 MP */

/* Names data that is some other image format, or NULL. */
static const char *
sniff(const unsigned char *b, size_t n)
{
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "PNG image, not a JPEG";
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4)
	    == 0)
		return "WebP image, not a JPEG";
	if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 ||
	    memcmp(b, "GIF89a", 6) == 0))
		return "GIF image, not a JPEG";
	if (n >= 4 && (memcmp(b, "II*\0", 4) == 0 ||
	    memcmp(b, "MM\0*", 4) == 0))
		return "TIFF image (or camera raw), not a JPEG";
	if (n >= 2 && memcmp(b, "BM", 2) == 0)
		return "BMP image, not a JPEG";
	if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0)
		return "HEIF/AVIF image, not a JPEG";
	return NULL;
}

/* Checks the bytes before libjpeg sees them; -1 with the error set. */
static int
precheck(photo_ctx *ctx, const unsigned char *b, size_t n)
{
	const char *what;

	if (n == 0)
		return photo_seterr(ctx, "empty file (0 bytes)");
	if ((what = sniff(b, n)) != NULL)
		return photo_seterr(ctx, "%s", what);
	if (n < 4 || b[0] != 0xFF || b[1] != 0xD8)
		return photo_seterr(ctx, "not a JPEG (no SOI marker; the data "
		    "starts with %02x %02x)", b[0], n > 1 ? b[1] : 0);
	return 0;
}

/* The EXIF orientation (1..8) from the saved APP1 markers; 1 if none. */
static int
exif_orientation(j_decompress_ptr ci)
{
	jpeg_saved_marker_ptr m;
	int o = 1;

	for (m = ci->marker_list; m != NULL; m = m->next) {
		ExifData *ed;
		ExifEntry *e;

		if (m->marker != JPEG_APP0 + 1 || m->data_length < 6 ||
		    memcmp(m->data, "Exif\0\0", 6) != 0)
			continue;
		if ((ed = exif_data_new_from_data(m->data, m->data_length))
		    == NULL)
			continue;
		e = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
		if (e != NULL && e->format == EXIF_FORMAT_SHORT &&
		    e->components >= 1 && e->size >= 2) {
			int v = exif_get_short(e->data,
			    exif_data_get_byte_order(ed));

			if (v >= 1 && v <= 8)
				o = v;
		}
		exif_data_unref(ed);
		break;
	}
	return o;
}

/* Orientations 5..8 swap width and height. */
static int
swaps(int o)
{
	return o >= 5;
}

/*
 * Raw point (rx, ry) of a W x H raw image -> displayed point for
 * orientation o (the displayed image is H x W when swaps(o)).
 */
static void
raw_to_disp(int o, double W, double H, double rx, double ry, double *x,
    double *y)
{
	switch (o) {
	case 2: *x = W - rx; *y = ry; break;
	case 3: *x = W - rx; *y = H - ry; break;
	case 4: *x = rx; *y = H - ry; break;
	case 5: *x = ry; *y = rx; break;
	case 6: *x = H - ry; *y = rx; break;
	case 7: *x = H - ry; *y = W - rx; break;
	case 8: *x = ry; *y = W - rx; break;
	default: *x = rx; *y = ry; break;
	}
}

/* Displayed point -> raw point (the inverse of raw_to_disp). */
static void
disp_to_raw(int o, double W, double H, double x, double y, double *rx,
    double *ry)
{
	switch (o) {
	case 2: *rx = W - x; *ry = y; break;
	case 3: *rx = W - x; *ry = H - y; break;
	case 4: *rx = x; *ry = H - y; break;
	case 5: *rx = y; *ry = x; break;
	case 6: *rx = y; *ry = H - x; break;
	case 7: *rx = W - y; *ry = H - x; break;
	case 8: *rx = W - y; *ry = x; break;
	default: *rx = x; *ry = y; break;
	}
}

/*
 * Applies orientation o to *im (3 channels) in place, replacing its
 * buffer when the orientation is not 1. -1 when out of memory.
 */
static int
orient(pimg *im, int o)
{
	pimg out;
	int x, y, W = im->w, H = im->h;

	if (o == 1)
		return 0;
	if (pimg_alloc(&out, swaps(o) ? H : W, swaps(o) ? W : H, 3) == -1)
		return -1;
	for (y = 0; y < out.h; y++) {
		unsigned char *d = PIX(&out, 0, y);

		for (x = 0; x < out.w; x++, d += 3) {
			int rx, ry;
			const unsigned char *s;

			/* pixel centres: integer form of disp_to_raw */
			switch (o) {
			case 2: rx = W - 1 - x; ry = y; break;
			case 3: rx = W - 1 - x; ry = H - 1 - y; break;
			case 4: rx = x; ry = H - 1 - y; break;
			case 5: rx = y; ry = x; break;
			case 6: rx = y; ry = H - 1 - x; break;
			case 7: rx = W - 1 - y; ry = H - 1 - x; break;
			default: rx = W - 1 - y; ry = x; break;	/* 8 */
			}
			s = PIX(im, rx, ry);
			d[0] = s[0];
			d[1] = s[1];
			d[2] = s[2];
		}
	}
	pimg_free(im);
	*im = out;
	return 0;
}

/* CMYK as libjpeg gives it (Adobe files store it inverted) -> RGB. */
static void
cmyk_row_to_rgb(const unsigned char *in, unsigned char *out, int w,
    int inverted)
{
	int x;

	for (x = 0; x < w; x++, in += 4, out += 3) {
		int c = in[0], m = in[1], yy = in[2], k = in[3];

		if (!inverted) {
			c = 255 - c;
			m = 255 - m;
			yy = 255 - yy;
			k = 255 - k;
		}
		out[0] = (unsigned char)(c * k / 255);
		out[1] = (unsigned char)(m * k / 255);
		out[2] = (unsigned char)(yy * k / 255);
	}
}

/* The error for a decode that libjpeg stopped, with where it stopped. */
static int
decode_error(photo_ctx *ctx, struct pjerr *e, j_decompress_ptr ci, int why)
{
	if (why == 2 && e->warn_code == JWRN_JPEG_EOF)
		return photo_seterr(ctx, "truncated JPEG: the data ends at row "
		    "%u of %u", ci->output_scanline, ci->output_height);
	if (why == 2)
		return photo_seterr(ctx, "corrupt JPEG data at row %u of %u: "
		    "%s", ci->output_scanline, ci->output_height, e->msg);
	if (e->pub.msg_code == JERR_NO_SOI)
		return photo_seterr(ctx, "not a JPEG (%s)", e->msg);
	if (e->pub.msg_code == JERR_INPUT_EOF)
		return photo_seterr(ctx, "truncated JPEG: the file ends inside "
		    "its headers");
	return photo_seterr(ctx, "cannot decode the JPEG: %s", e->msg);
}

/*
 * One decode: the raw (stored-orientation) region rx0,ry0..+rw,rh (at
 * scale num/8; rw 0 = whole frame) into *out as RGB, not yet oriented.
 * On return *xoff is the region's actual left edge (widened to the
 * JPEG's blocks). Used by both public decoders.
 */
static int
decode_raw(photo_ctx *ctx, const unsigned char *jpeg, size_t len, int num,
    unsigned rx0, unsigned ry0_, unsigned rw, unsigned rh_, pimg *out,
    unsigned *xoff)
{
	struct jpeg_decompress_struct ci;
	struct pjerr e;
	unsigned char *volatile row = NULL;
	JDIMENSION x0 = rx0, w = rw;
	volatile unsigned ry0 = ry0_, rh = rh_;
	volatile int rc = -1, made = 0;
	int why, cmyk, inverted;

	memset(out, 0, sizeof(*out));
	ci.err = photo_jpeg_err(&e);
	e.fatal_warnings = 1;
	jpeg_create_decompress(&ci);
	if ((why = setjmp(e.jb)) != 0) {
		decode_error(ctx, &e, &ci, why);
		goto done;
	}
	jpeg_mem_src(&ci, jpeg, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	cmyk = ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space ==
	    JCS_YCCK;
	inverted = ci.saw_Adobe_marker;
	ci.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	ci.scale_num = (unsigned)num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	if (rw == 0) {
		x0 = 0;
		w = ci.output_width;
		ry0 = 0;
		rh = ci.output_height;
	} else {
		if (x0 >= ci.output_width)
			x0 = ci.output_width - 1;
		if (x0 + w > ci.output_width)
			w = ci.output_width - x0;
		if (ry0 >= ci.output_height)
			ry0 = ci.output_height - 1;
		if (ry0 + rh > ci.output_height)
			rh = ci.output_height - ry0;
		if (x0 != 0 || w != ci.output_width)
			jpeg_crop_scanline(&ci, &x0, &w);
		if (ry0 > 0 && jpeg_skip_scanlines(&ci, ry0) != ry0) {
			photo_seterr(ctx, "truncated JPEG: cannot reach row %u",
			    ry0);
			goto done;
		}
	}
	if (pimg_alloc(out, (int)ci.output_width, (int)rh, 3) == -1 ||
	    (cmyk && (row = malloc((size_t)ci.output_width * 4)) == NULL)) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	made = 1;
	while (ci.output_scanline < ry0 + rh) {
		JSAMPROW dst = PIX(out, 0, ci.output_scanline - ry0);

		if (cmyk) {
			JSAMPROW r = row;

			jpeg_read_scanlines(&ci, &r, 1);
			cmyk_row_to_rgb(row, PIX(out, 0, ci.output_scanline -
			    ry0 - 1), (int)ci.output_width, inverted);
		} else
			jpeg_read_scanlines(&ci, &dst, 1);
	}
	if (rw == 0)
		jpeg_finish_decompress(&ci);
	else
		jpeg_abort_decompress(&ci);
	*xoff = x0;
	rc = 0;
done:
	if (rc == -1 && made)
		pimg_free(out);
	free(row);
	jpeg_destroy_decompress(&ci);
	return rc;
}

int
photo_decode_whole(photo_ctx *ctx, const unsigned char *jpeg, size_t len,
    int num, pimg *out)
{
	unsigned xoff;

	return decode_raw(ctx, jpeg, len, num, 0, 0, 0, 0, out, &xoff);
}

/* ---- restart intervals decoded in parallel ----------------------------- */

/*
 * A file with restart markers (DRI) can be cut between two restart
 * intervals: the entropy decoder starts afresh after each RSTn marker
 * (the DC predictions are reset and the marker is byte-aligned). A part
 * that starts at MCU row b is then a JPEG of its own: the same headers
 * with the frame's height less b MCU rows, followed by the entropy-coded
 * data after the marker that ends the interval before row b. libjpeg
 * wants RST0 first after the SOS, so a part starts only after a marker
 * whose successor is RST0 (every eighth). Each part runs on its own
 * thread into its own rows of the one output image; the first part is
 * the file itself, read until its last row. When the chroma is
 * subsampled vertically, a part starts one MCU row above the first row
 * it keeps, so that the upsampler has the row above. The rows are the
 * same bytes as one decode gives (tests/test_jpeg.c holds it to that).
 * A file that does not have this shape is decoded in one piece.
 */

#define PAR_MIN_PIXELS	(4L * 1000 * 1000)	/* smaller frames: one piece */
#define PAR_MAX		4

/* A source manager serving two pieces of memory one after the other. */
struct two_src {
	struct jpeg_source_mgr pub;
	const unsigned char *second;
	size_t	second_len;
	int	served;
};

static void
two_init(j_decompress_ptr ci)
{
	(void)ci;
}

static boolean
two_fill(j_decompress_ptr ci)
{
	static const JOCTET eoi[2] = { 0xFF, JPEG_EOI };
	struct two_src *s = (struct two_src *)ci->src;

	if (!s->served && s->second_len > 0) {
		s->served = 1;
		s->pub.next_input_byte = s->second;
		s->pub.bytes_in_buffer = s->second_len;
		return TRUE;
	}
	WARNMS(ci, JWRN_JPEG_EOF);
	s->pub.next_input_byte = eoi;
	s->pub.bytes_in_buffer = 2;
	return TRUE;
}

static void
two_skip(j_decompress_ptr ci, long n)
{
	struct jpeg_source_mgr *s = ci->src;

	while (n > (long)s->bytes_in_buffer) {
		n -= (long)s->bytes_in_buffer;
		(void)two_fill(ci);
	}
	s->next_input_byte += n;
	s->bytes_in_buffer -= (size_t)n;
}

static void
two_term(j_decompress_ptr ci)
{
	(void)ci;
}

/*
 * The offsets just past each RSTn marker of the entropy-coded data, in
 * *rst (malloc'd); how many, or -1 when the data holds anything but
 * RST0..7 in order and the EOI at its end.
 */
static long
find_restarts(const unsigned char *b, size_t n, size_t from, size_t **rst)
{
	const unsigned char *p = b + from, *end = b + n;
	size_t cap = 0, *r = NULL, *nr;
	long k = 0;

	*rst = NULL;
	while ((p = memchr(p, 0xFF, (size_t)(end - p))) != NULL &&
	    p + 1 < end) {
		int m = p[1];

		if (m == 0x00 || m == 0xFF) {
			p += m == 0x00 ? 2 : 1;
			continue;
		}
		if (m == JPEG_EOI) {
			*rst = r;
			return k;
		}
		if (m < 0xD0 || m > 0xD7 || m - 0xD0 != (int)(k % 8))
			break;
		if ((size_t)k == cap) {
			cap = cap ? 2 * cap : 256;
			if ((nr = realloc(r, cap * sizeof(*r))) == NULL)
				break;
			r = nr;
		}
		r[k++] = (size_t)(p + 2 - b);
		p += 2;
	}
	free(r);
	return -1;
}

/* One part: rows [keep0, keep1) of the output, from a stream starting
 * at MCU row `start`. */
struct part {
	const unsigned char *jpeg;
	size_t	len;
	unsigned char *head;	/* the headers with this part's height */
	size_t	headlen;
	const unsigned char *data;	/* entropy data after the cut */
	size_t	datalen;
	int	num;
	unsigned skip;		/* output rows decoded and dropped */
	unsigned keep0, keep1;	/* output rows written */
	pimg	*out;
	int	rc;
};

static void *
decode_part(void *arg)
{
	struct part *pt = arg;
	struct jpeg_decompress_struct ci;
	struct two_src src;
	struct pjerr e;
	JSAMPLE *volatile row = NULL;

	pt->rc = -1;
	ci.err = photo_jpeg_err(&e);
	e.fatal_warnings = 1;
	jpeg_create_decompress(&ci);
	if (setjmp(e.jb) != 0)
		goto done;
	if (pt->head == NULL)
		jpeg_mem_src(&ci, pt->jpeg, (unsigned long)pt->len);
	else {
		memset(&src, 0, sizeof(src));
		src.pub.init_source = two_init;
		src.pub.fill_input_buffer = two_fill;
		src.pub.skip_input_data = two_skip;
		src.pub.resync_to_restart = jpeg_resync_to_restart;
		src.pub.term_source = two_term;
		src.pub.next_input_byte = pt->head;
		src.pub.bytes_in_buffer = pt->headlen;
		src.second = pt->data;
		src.second_len = pt->datalen;
		ci.src = &src.pub;
	}
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	ci.scale_num = (unsigned)pt->num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	if ((int)ci.output_width != pt->out->w ||
	    ci.output_height < pt->skip + (pt->keep1 - pt->keep0))
		goto done;
	if (pt->skip > 0 && (row = malloc((size_t)ci.output_width * 3)) ==
	    NULL)
		goto done;
	while (ci.output_scanline < pt->skip) {
		JSAMPROW r = row;

		jpeg_read_scanlines(&ci, &r, 1);
	}
	while (ci.output_scanline < pt->skip + (pt->keep1 - pt->keep0)) {
		JSAMPROW dst = PIX(pt->out, 0, pt->keep0 + ci.output_scanline -
		    pt->skip);

		jpeg_read_scanlines(&ci, &dst, 1);
	}
	pt->rc = 0;
done:
	free(row);
	jpeg_destroy_decompress(&ci);
	return NULL;
}

/*
 * The whole frame at num/8 into *out (RGB, stored orientation), cut at
 * restart markers into one part per processor. 1 when done; 0 when the
 * file cannot be cut or a part failed (the caller decodes it in one
 * piece, which also names any error).
 */
static int
decode_parallel(const unsigned char *jpeg, size_t len, int num, pimg *out,
    int threads)
{
	struct part pt[PAR_MAX];
	pthread_t tid[PAR_MAX];
	struct jlayout l;
	size_t *rst = NULL;
	long nrst;
	unsigned mcux, mcuy, rpm, outh, outw, ctx_rows, b[PAR_MAX + 1];
	int nparts = threads, i, started = 0, ok = 0;

	memset(pt, 0, sizeof(pt));
	if (nparts > PAR_MAX)
		nparts = PAR_MAX;
	if (nparts < 2 || photo_jpeg_layout(jpeg, len, &l) == -1 ||
	    l.ri == 0 || (long)l.w * l.h < PAR_MIN_PIXELS)
		return 0;
	mcux = (l.w + 8 * l.hmax - 1) / (8 * l.hmax);
	mcuy = (l.h + 8 * l.vmax - 1) / (8 * l.vmax);
	rpm = 8 * l.vmax * (unsigned)num / 8;	/* output rows an MCU row */
	outw = (l.w * (unsigned)num + 7) / 8;
	outh = (l.h * (unsigned)num + 7) / 8;
	ctx_rows = l.vmax > 1 ? 1 : 0;
	if ((nrst = find_restarts(jpeg, len, l.data, &rst)) <= 0 ||
	    (unsigned long)(nrst + 1) != ((unsigned long)mcux * mcuy + l.ri -
	    1) / l.ri)
		goto done;
	/* each part's first MCU row: the usable cut nearest its share */
	b[0] = 0;
	for (i = 1; i < nparts; i++) {
		unsigned long best = 0, j, row, target = (unsigned long)mcuy *
		    (unsigned)i / (unsigned)nparts, d, bd = ~0UL;

		for (j = 8; j <= (unsigned long)nrst; j += 8)
			if ((j * l.ri) % mcux == 0) {
				row = j * l.ri / mcux;
				d = row > target ? row - target : target - row;
				if (d < bd && row > b[i - 1] + ctx_rows + 1 &&
				    row + ctx_rows < mcuy) {
					bd = d;
					best = j;
				}
			}
		if (best == 0)
			goto done;
		b[i] = (unsigned)(best * l.ri / mcux);
		pt[i].data = jpeg + rst[best - 1];
		pt[i].datalen = len - rst[best - 1];
	}
	b[nparts] = mcuy;
	if (pimg_alloc(out, (int)outw, (int)outh, 3) == -1)
		goto done;
	for (i = 0; i < nparts; i++) {
		unsigned first = b[i] + (i > 0 ? ctx_rows : 0);

		pt[i].jpeg = jpeg;
		pt[i].len = len;
		pt[i].num = num;
		pt[i].out = out;
		pt[i].head = NULL;
		pt[i].skip = (first - b[i]) * rpm;
		pt[i].keep0 = first * rpm;
		pt[i].keep1 = i + 1 < nparts ? (b[i + 1] + ctx_rows) * rpm :
		    outh;
		pt[i].rc = -1;
		if (i == 0)
			continue;
		pt[i].headlen = l.data;
		if ((pt[i].head = photo_jpeg_part_head(jpeg, &l, b[i])) == NULL)
			goto join;
	}
	for (i = 1; i < nparts; i++) {
		if (pthread_create(&tid[i], NULL, decode_part, &pt[i]) != 0)
			break;
		started = i;
	}
	decode_part(&pt[0]);
join:
	for (i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	ok = started == nparts - 1;
	for (i = 0; i < nparts; i++)
		ok = ok && pt[i].rc == 0;
	for (i = 1; i < nparts; i++)
		free(pt[i].head);
	if (!ok)
		pimg_free(out);
done:
	free(rst);
	return ok;
}

/* The frame's stored size and its EXIF orientation, from the headers. */
static int
read_header(photo_ctx *ctx, const unsigned char *jpeg, size_t len,
    photo_image *im)
{
	struct jpeg_decompress_struct ci;
	struct pjerr e;
	volatile int rc = -1;
	int why;

	ci.err = photo_jpeg_err(&e);
	jpeg_create_decompress(&ci);
	if ((why = setjmp(e.jb)) != 0) {
		decode_error(ctx, &e, &ci, why);
		goto done;
	}
	jpeg_mem_src(&ci, jpeg, (unsigned long)len);
	jpeg_save_markers(&ci, JPEG_APP0 + 1, 0xFFFF);
	jpeg_read_header(&ci, TRUE);
	im->raw_w = (int)ci.image_width;
	im->raw_h = (int)ci.image_height;
	im->orientation = exif_orientation(&ci);
	rc = 0;
done:
	jpeg_destroy_decompress(&ci);
	return rc;
}

photo_image *
photo_decode(photo_ctx *ctx, const void *jpeg, size_t len)
{
	photo_image *im = NULL;
	int num, lng;

	if (precheck(ctx, jpeg, len) == -1)
		return NULL;
	if ((im = calloc(1, sizeof(*im))) == NULL) {
		photo_seterr(ctx, "out of memory");
		return NULL;
	}
	if (read_header(ctx, jpeg, len, im) == -1)
		goto fail;
	if ((long)im->raw_w * im->raw_h > MAX_PIXELS) {
		photo_seterr(ctx, "%dx%d is larger than any camera frame this "
		    "station takes (120 megapixels)", im->raw_w, im->raw_h);
		goto fail;
	}
	im->jpeg = jpeg;
	im->len = len;
	im->src_w = swaps(im->orientation) ? im->raw_h : im->raw_w;
	im->src_h = swaps(im->orientation) ? im->raw_w : im->raw_h;
	lng = im->raw_w > im->raw_h ? im->raw_w : im->raw_h;
	for (num = 1; num < 8; num++)
		if (((long)lng * num + 7) / 8 >= ctx->p.analysis_long)
			break;
	im->scale_num = num;
	/* restart markers cut the data; without them split.c cuts it */
	if (!decode_parallel(jpeg, len, num, &im->rgb, photo_threads(ctx)) &&
	    ((long)im->raw_w * im->raw_h < PAR_MIN_PIXELS ||
	    !photo_decode_split(jpeg, len, num, &im->rgb, im->orientation ==
	    1 ? &im->grey : NULL, photo_threads(ctx), NULL)) &&
	    photo_decode_whole(ctx, jpeg, len, num, &im->rgb) == -1)
		goto fail;
	if (orient(&im->rgb, im->orientation) == -1) {
		photo_seterr(ctx, "out of memory");
		goto fail;
	}
	im->scale = (double)im->rgb.w / im->src_w;
	return im;
fail:
	photo_image_destroy(im);
	return NULL;
}

void
photo_image_destroy(photo_image *im)
{
	if (im == NULL)
		return;
	photo_prerender_free(im->pre);
	pimg_free(&im->rgb);
	pimg_free(&im->grey);
	free(im);
}

void
photo_image_size(const photo_image *im, int *w, int *h)
{
	*w = im->src_w;
	*h = im->src_h;
}

int
photo_decode_region(photo_ctx *ctx, const photo_image *im, int num,
    const photo_rect *src, pimg *out, int *ox, int *oy)
{
	double k = num / 8.0, W = im->raw_w, H = im->raw_h;
	double xs[4], ys[4], minx = INFINITY, miny = INFINITY;
	double maxx = -INFINITY, maxy = -INFINITY, dx, dy;
	unsigned x0, y0, x1, y1, xoff;
	int i, sw, sh;

	if (num < 1 || num > 16)
		return photo_seterr(ctx, "scale %d/8 out of range", num);
	/* the region's corners, back in stored orientation */
	disp_to_raw(im->orientation, W, H, src->x, src->y, &xs[0], &ys[0]);
	disp_to_raw(im->orientation, W, H, src->x + src->w, src->y, &xs[1],
	    &ys[1]);
	disp_to_raw(im->orientation, W, H, src->x, src->y + src->h, &xs[2],
	    &ys[2]);
	disp_to_raw(im->orientation, W, H, src->x + src->w, src->y + src->h,
	    &xs[3], &ys[3]);
	for (i = 0; i < 4; i++) {
		minx = fmin(minx, xs[i]);
		maxx = fmax(maxx, xs[i]);
		miny = fmin(miny, ys[i]);
		maxy = fmax(maxy, ys[i]);
	}
	/* at the decode scale, clamped to the scaled frame */
	sw = (int)((im->raw_w * (long)num + 7) / 8);
	sh = (int)((im->raw_h * (long)num + 7) / 8);
	/* both ends clamped both ways: a region wholly off the frame must
	 * not convert a negative (or huge) double to unsigned */
	x0 = (unsigned)fmin(sw, fmax(0, floor(minx * k)));
	y0 = (unsigned)fmin(sh, fmax(0, floor(miny * k)));
	x1 = (unsigned)fmax(0, fmin(sw, ceil(maxx * k)));
	y1 = (unsigned)fmax(0, fmin(sh, ceil(maxy * k)));
	if (x1 <= x0 || y1 <= y0)
		return photo_seterr(ctx, "region outside the frame");
	if (decode_raw(ctx, im->jpeg, im->len, num, x0, y0, x1 - x0, y1 - y0,
	    out, &xoff) == -1)
		return -1;
	/* the decoded block's top-left, oriented, at this scale */
	raw_to_disp(im->orientation, sw, sh, xoff, y0, &xs[0], &ys[0]);
	raw_to_disp(im->orientation, sw, sh, xoff + out->w, y0 + out->h,
	    &xs[1], &ys[1]);
	dx = fmin(xs[0], xs[1]);
	dy = fmin(ys[0], ys[1]);
	if (orient(out, im->orientation) == -1) {
		pimg_free(out);
		return photo_seterr(ctx, "out of memory");
	}
	*ox = (int)lround(dx);
	*oy = (int)lround(dy);
	return 0;
}
