/*
 * mkseed.c — small seed JPEGs for the photo fuzz targets, made from the
 * real photos in ../shared/testdata at run time (so that the repository
 * carries no photos): mkseed OUTDIR LONG FILE.jpg...
 *
 * Each photo is decoded with libjpeg's DCT scaling to about LONG pixels
 * on its long side and written again in the encodings a camera or another
 * program may produce: baseline 4:2:0, progressive, arithmetic coded,
 * greyscale, 4:4:4 with restart markers and a comment, and stored turned
 * by 90 degrees with an EXIF orientation tag (6) that turns it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

struct raw {
	int w, h;
	unsigned char *px;	/* RGB */
};

static int
load(const char *path, int lng, struct raw *r)
{
	struct jpeg_decompress_struct ci;
	struct jpeg_error_mgr jerr;
	FILE *f;
	JSAMPROW row;
	int num;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&ci);
	jpeg_stdio_src(&ci, f);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	for (num = 1; num < 8; num++)
		if ((int)((ci.image_width > ci.image_height ? ci.image_width :
		    ci.image_height) * num / 8) >= lng)
			break;
	ci.scale_num = (unsigned)num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	r->w = (int)ci.output_width;
	r->h = (int)ci.output_height;
	if ((r->px = malloc((size_t)r->w * r->h * 3)) == NULL) {
		jpeg_destroy_decompress(&ci);
		fclose(f);
		return -1;
	}
	while (ci.output_scanline < ci.output_height) {
		row = r->px + (size_t)ci.output_scanline * r->w * 3;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	fclose(f);
	return 0;
}

/* Box-downscales r by an integer factor so that its long side is <= lng. */
static void
shrink(struct raw *r, int lng)
{
	int f = ((r->w > r->h ? r->w : r->h) + lng - 1) / lng, x, y, c, i, j;
	int w = r->w / f, h = r->h / f;

	if (f <= 1)
		return;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			for (c = 0; c < 3; c++) {
				unsigned s = 0;

				for (j = 0; j < f; j++)
					for (i = 0; i < f; i++)
						s += r->px[((size_t)(y * f + j)
						    * r->w + x * f + i) * 3 + c];
				r->px[((size_t)y * w + x) * 3 + c] =
				    (unsigned char)(s / (unsigned)(f * f));
			}
	r->w = w;
	r->h = h;
}

/* r turned 90 degrees counter-clockwise: EXIF 6 turns it back upright. */
static void
turn_ccw(const struct raw *r, struct raw *t)
{
	int x, y;

	t->w = r->h;
	t->h = r->w;
	t->px = malloc((size_t)t->w * t->h * 3);
	if (t->px == NULL)
		exit(1);
	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++)
			memcpy(t->px + ((size_t)(r->w - 1 - x) * t->w + y) * 3,
			    r->px + ((size_t)y * r->w + x) * 3, 3);
}

enum { V_BASE, V_PROG, V_ARITH, V_GREY, V_444, V_EXIF6, V_COUNT };
static const char *vname[V_COUNT] = {
	"base", "prog", "arith", "grey", "444rst", "exif6"
};

static int
save(const char *path, const struct raw *r, int v)
{
	/* Exif APP1: big-endian TIFF, IFD0 with one entry, orientation 6 */
	static const unsigned char exif[] = {
		'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
		0, 0, 0, 0
	};
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	FILE *f;
	JSAMPROW row;
	int y;

	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		return -1;
	}
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = (JDIMENSION)r->w;
	ci.image_height = (JDIMENSION)r->h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, v == V_444 ? 90 : 70, TRUE);
	if (v == V_PROG)
		jpeg_simple_progression(&ci);
	if (v == V_ARITH)
		ci.arith_code = TRUE;
	if (v == V_GREY)
		jpeg_set_colorspace(&ci, JCS_GRAYSCALE);
	if (v == V_444) {
		ci.comp_info[0].h_samp_factor = 1;
		ci.comp_info[0].v_samp_factor = 1;
		ci.restart_in_rows = 2;
		ci.density_unit = 1;
		ci.X_density = ci.Y_density = 300;
	}
	jpeg_start_compress(&ci, TRUE);
	if (v == V_444)
		jpeg_write_marker(&ci, JPEG_COM, (const JOCTET *)"seed", 4);
	if (v == V_EXIF6)
		jpeg_write_marker(&ci, JPEG_APP0 + 1, exif, sizeof(exif));
	for (y = 0; y < r->h; y++) {
		row = r->px + (size_t)y * r->w * 3;
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	return fclose(f);
}

int
main(int argc, char **argv)
{
	char path[4096];
	const char *base;
	struct raw r, t;
	int i, v, lng, n = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: mkseed OUTDIR LONG FILE.jpg...\n");
		return 2;
	}
	lng = atoi(argv[2]);
	for (i = 3; i < argc; i++) {
		if (load(argv[i], lng, &r) == -1)
			return 1;
		shrink(&r, lng);
		base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 :
		    argv[i];
		for (v = 0; v < V_COUNT; v++) {
			snprintf(path, sizeof(path), "%s/%d-%s-%s", argv[1], lng,
			    vname[v], base);
			if (v == V_EXIF6) {
				turn_ccw(&r, &t);
				if (save(path, &t, v) == -1)
					return 1;
				free(t.px);
			} else if (save(path, &r, v) == -1)
				return 1;
			n++;
		}
		free(r.px);
	}
	printf("mkseed: %d seeds of %d px in %s\n", n, lng, argv[1]);
	return 0;
}
