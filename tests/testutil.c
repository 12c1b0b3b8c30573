/*
 * testutil.c — see testutil.h.
 */
#include <check.h>
#include <math.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>

#include "lighting/rig.h"
#include "tests/testutil.h"

const char *
tu_testdata(void)
{
	static char path[1024];
	const char *env = getenv("TESTDATA");
	struct stat st;

	snprintf(path, sizeof(path), "%s",
	    env != NULL && env[0] ? env : "../shared/testdata");
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "SKIP: %s is not there (the shared test "
		    "photos come with the steering checkout, not with the "
		    "repository)\n", path);
		return NULL;
	}
	return path;
}

const char *
tu_srcdir(void)
{
	const char *env = getenv("SRCDIR");

	return env != NULL && env[0] ? env : ".";
}

const char *
tu_path(const char *fmt, ...)
{
	static char bufs[8][1024];
	static int n;
	char *b = bufs[n++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

unsigned char *
tu_read(const char *path, size_t *len)
{
	FILE *f;
	unsigned char *buf = NULL;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

void
tu_params(photo_params *p)
{
	const char *env = getenv("CASCADES");

	photo_params_default(p);
	if (env != NULL && env[0])
		snprintf(p->cascade_dir, sizeof(p->cascade_dir), "%s", env);
}

photo_ctx *
tu_ctx(void)
{
	photo_params p;
	photo_ctx *ctx;

	tu_params(&p);
	ctx = photo_create();
	ck_assert_ptr_nonnull(ctx);
	if (photo_configure(ctx, &p) == -1)
		ck_abort_msg("photo_configure: %s", photo_error(ctx));
	return ctx;
}

char *
tu_tmpdir(void)
{
	char tmpl[] = "/tmp/idphotod-test.XXXXXX";
	char *d = mkdtemp(tmpl);

	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tu_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char
tu_id_check_char(const char *d17)
{
	static const int wt[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
	    5, 8, 4, 2 };
	int i, s = 0, v;

	for (i = 0; i < 17; i++)
		s += (d17[i] - '0') * wt[i];
	v = (12 - s % 11) % 11;
	return v == 10 ? 'X' : (char)('0' + v);
}

void
tu_make_id(const char *d17, char out[19])
{
	memcpy(out, d17, 17);
	out[17] = tu_id_check_char(d17);
	out[18] = '\0';
}

int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

char *tu_dir;

void
tu_dir_setup(void)
{
	tu_dir = tu_tmpdir();
}

void
tu_dir_teardown(void)
{
	tu_rmtree(tu_dir);
	free(tu_dir);
	tu_dir = NULL;
}

int
tu_has_code(const photo_result *r, const char *code)
{
	int i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].code, code) == 0)
			return 1;
	return 0;
}

double
tu_metric_or(const photo_result *r, const char *name, double none)
{
	int i;

	for (i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i].name, name) == 0)
			return r->metrics[i].value;
	return none;
}

double
tu_metric(const photo_result *r, const char *name)
{
	double v = tu_metric_or(r, name, NAN);

	ck_assert_msg(!isnan(v), "no metric %s", name);
	return v;
}

void
tu_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* A rig of two lamps: left 16-bit dimmer + 8-bit CCT at 1, right 8-bit
 * dimmer without CCT at 10; no fades unless the test sets them. */
void
tu_two_lamps(struct rig_conf *c, const char *driver, const char *device)
{
	rig_conf_default(c);
	snprintf(c->dmx.driver, sizeof(c->dmx.driver), "%s", driver);
	snprintf(c->dmx.device, sizeof(c->dmx.device), "%s", device);
	c->lamp[0].fade_ms = c->lamp[1].fade_ms = 0;
	c->lamp[1].address = 10;
	c->lamp[1].dimmer_bits = 8;
	c->lamp[1].cct_bits = 0;
	c->lamp[1].level = 0.6;
}

unsigned char *
tu_synth_jpeg(const struct tu_synth *k, unsigned long *len)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row;
	unsigned seed = 11;
	int x, y, c;

	row = malloc((size_t)k->w * 3);
	ck_assert_ptr_nonnull(row);
	*len = 0;
	ci.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &out, len);
	ci.image_width = (JDIMENSION)k->w;
	ci.image_height = (JDIMENSION)k->h;
	ci.input_components = k->ncomp;
	ci.in_color_space = k->ncomp == 3 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, k->quality, TRUE);
	ci.optimize_coding = k->optimize ? TRUE : FALSE;
	ci.comp_info[0].h_samp_factor = k->hs;
	ci.comp_info[0].v_samp_factor = k->vs;
	ci.restart_interval = k->restart;
	jpeg_start_compress(&ci, TRUE);
	for (y = 0; y < k->h; y++) {
		for (x = 0; x < k->w; x++)
			for (c = 0; c < k->ncomp; c++) {
				seed = seed * 1664525u + 1013904223u;
				row[k->ncomp * x + c] = (unsigned char)((c == 0 ?
				    x * 255 / k->w : c == 1 ? y * 255 / k->h :
				    ((x + y) / 8 % 2) * 120) + (seed >> 26));
			}
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return out;
}
