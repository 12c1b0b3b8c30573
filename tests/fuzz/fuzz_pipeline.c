/*
 * fuzz_pipeline.c — the whole photo pipeline on one small frame, as the
 * daemon's worker runs it: photo_decode, photo_analyze (detection with
 * the real cascades, measurements, crop plan, every check), then
 * photo_render when the verdict allows it and photo_annotate always.
 * Frames above 0.5 megapixels are skipped: the cost of a run is the
 * detector's, which grows with the frame, and not its coverage.
 *
 * What must hold: a result has no more findings and metrics than its
 * arrays, each finding has a code, a requirement and advice, the verdict
 * is the worst finding, and a rendered photo is a JPEG of 480x640.
 */
#include <stdlib.h>

#include "tests/fuzz/fuzzutil.h"

static void
check_result(const photo_result *r)
{
	int i, worst = PHOTO_OFF;

	FZ_ASSERT(r->nfindings >= 0 && r->nfindings <= PHOTO_MAX_FINDINGS);
	FZ_ASSERT(r->nmetrics >= 0 && r->nmetrics <= PHOTO_MAX_METRICS);
	FZ_ASSERT(r->ndetections >= 0 && r->ndetections <= PHOTO_MAX_FACES);
	for (i = 0; i < r->nfindings; i++) {
		const photo_finding *f = &r->findings[i];

		FZ_ASSERT(f->code != NULL && f->req != NULL &&
		    f->advice != NULL);
		FZ_ASSERT(f->severity == PHOTO_WARN ||
		    f->severity == PHOTO_FAIL);
		if (f->severity > worst)
			worst = f->severity;
	}
	for (i = 0; i < r->nmetrics; i++)
		FZ_ASSERT(r->metrics[i].name != NULL);
	FZ_ASSERT(r->verdict == worst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	photo_image *im;
	photo_result r;
	photo_output out = { 0 };
	photo_fileinfo fi;
	unsigned char *ann = NULL;
	size_t annlen = 0;

	if (!fz_small_jpeg(ctx, data, size, 500L * 1000))
		return 0;
	if ((im = photo_decode(ctx, data, size)) == NULL)
		return 0;
	if (photo_analyze(ctx, im, &r) == 0) {
		check_result(&r);
		if (r.verdict < PHOTO_FAIL && r.crop.ok &&
		    photo_render(ctx, im, &r, &out) == 0) {
			FZ_ASSERT(photo_inspect(ctx, out.jpeg, out.len, &fi)
			    == 0);
			FZ_ASSERT(fi.width == PHOTO_OUT_W &&
			    fi.height == PHOTO_OUT_H);
			free(out.jpeg);
		}
		if (photo_annotate(ctx, im, &r, &ann, &annlen) == 0) {
			FZ_ASSERT(ann != NULL && annlen > 0);
			free(ann);
		}
	}
	photo_image_destroy(im);
	return 0;
}
