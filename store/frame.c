/*
 * frame.c — the one process_frame() of both programs: a camera JPEG in,
 * its analysis and, when it passes, the photo <ID>.jpg out. The daemon's
 * worker calls it for every shot (after archiving the original), and
 * `idphotoctl process` for a file; what comes out is described by one
 * schema (store_frame_json), the same in the journal, on the socket and
 * in idphotoctl's --json output.
 *
 * In order: decode, analyze (photo_analyze), then a hook for the caller
 * (the worker's preview, idphotoctl's --annotate) with the decoded frame
 * and its result, then, unless only the analysis was asked for or the
 * frame fails, the output folder, render (480x640, R-FILE-1..5), save
 * (photo_save: atomic, an accepted photo replaced only when asked and
 * then moved to versions/ first) and the SHA-256 of the bytes written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int
store_process_frame(photo_ctx *ctx, const void *jpeg, size_t len,
    const struct store_frame_job *fj, struct store_frame *f)
{
	photo_image *im = NULL;
	photo_output out = { 0 };

	memset(f, 0, sizeof(*f));
	f->outcome = STORE_ERROR;
	if ((im = photo_decode(ctx, jpeg, len)) == NULL) {
		f->failed_at = STORE_AT_DECODE;
		snprintf(f->err, sizeof(f->err), "%s", photo_error(ctx));
		goto done;
	}
	if (photo_analyze(ctx, im, &f->r) == -1) {
		f->failed_at = STORE_AT_ANALYZE;
		snprintf(f->err, sizeof(f->err), "%s", photo_error(ctx));
		goto done;
	}
	f->analyzed = 1;
	if (fj->analyzed != NULL)
		fj->analyzed(ctx, im, &f->r, fj->arg);
	f->outcome = f->r.verdict >= PHOTO_FAIL ? STORE_FAIL :
	    f->r.verdict == PHOTO_WARN ? STORE_WARN : STORE_PASS;
	if (fj->analyze_only || (f->outcome == STORE_FAIL &&
	    !(fj->override && store_result_overridable(&f->r))))
		goto done;
	f->outcome = STORE_ERROR;
	f->failed_at = STORE_AT_OUTPUT;
	if (store_mkdirs(fj->dir, 0750) == -1) {
		snprintf(f->err, sizeof(f->err), "%s: %s", fj->dir,
		    strerror(errno));
		goto done;
	}
	if (photo_render(ctx, im, &f->r, &out) == -1 ||
	    photo_save(ctx, fj->dir, fj->name, out.jpeg, out.len,
	    fj->replace ? PHOTO_SAVE_REPLACE : 0, f->out.moved,
	    sizeof(f->out.moved)) == -1) {
		snprintf(f->err, sizeof(f->err), "%s", photo_error(ctx));
		goto done;
	}
	if (store_pathf(f->out.path, "%s/%s", fj->dir, fj->name) == -1)
		snprintf(f->out.path, sizeof(f->out.path), "%s", fj->name);
	f->out.quality = out.quality;
	f->out.size = out.len;
	f->out.size_ok = out.size_ok;
	if (store_sha256_hex(out.jpeg, out.len, f->out.sha256) == -1)
		f->out.sha256[0] = '\0';	/* the report cannot compare */
	f->failed_at = 0;
	f->outcome = f->r.verdict == PHOTO_WARN ? STORE_WARN : STORE_PASS;
done:
	free(out.jpeg);
	photo_image_destroy(im);
	return f->outcome == STORE_ERROR ? -1 : 0;
}

const char *
store_outcome_word(int outcome)
{
	static const char *const w[] = { "pass", "warn", "fail", "error" };

	return outcome >= 0 && outcome <= STORE_ERROR ? w[outcome] : "error";
}

void
store_frame_json(json_t *o, const struct store_output *out)
{
	if (out->path[0] == '\0')
		return;
	json_object_set_new(o, PROTO_F_OUTPUT, json_string(out->path));
	json_object_set_new(o, PROTO_F_QUALITY, json_integer(out->quality));
	json_object_set_new(o, PROTO_F_SIZE, json_integer(
	    (json_int_t)out->size));
	json_object_set_new(o, "size_ok", json_boolean(out->size_ok));
	if (out->sha256[0])
		json_object_set_new(o, PROTO_F_SHA256,
		    json_string(out->sha256));
	if (out->moved[0])
		json_object_set_new(o, PROTO_F_REPLACED,
		    json_string(out->moved));
}
