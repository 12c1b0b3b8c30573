/*
 * resjson.c — a photo_result as JSON, the same for idphotoctl's --json
 * output, the daemon's journal and its control socket: the verdict,
 * every finding (code, requirement id, severity, value, limit, advice)
 * and every measurement.
 */
#include <jansson.h>
#include <libintl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

static json_t *
jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();	/* no NaN */
}

const char *
store_severity_word(int sev)
{
	return sev >= PHOTO_FAIL ? "fail" : sev == PHOTO_WARN ? "warn" : "ok";
}

const char *
store_verdict_word(int verdict)
{
	return verdict >= PHOTO_FAIL ? "fail" : verdict == PHOTO_WARN ?
	    "warn" : "pass";
}

json_t *
store_result_json(const char *path, const photo_result *r, int translate)
{
	json_t *o = json_object(), *fs = json_array(), *ms = json_object();
	int i;

	if (path != NULL)
		json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "verdict", json_string(
	    store_verdict_word(r->verdict)));
	json_object_set_new(o, "width", json_integer(r->src_w));
	json_object_set_new(o, "height", json_integer(r->src_h));
	for (i = 0; i < r->nfindings; i++) {
		const photo_finding *fd = &r->findings[i];
		json_t *j = json_object();

		json_object_set_new(j, "code", json_string(fd->code));
		json_object_set_new(j, "requirement", json_string(fd->req));
		json_object_set_new(j, "severity",
		    json_string(store_severity_word(fd->severity)));
		json_object_set_new(j, "value", jnum(fd->value));
		json_object_set_new(j, "limit", jnum(fd->limit));
		json_object_set_new(j, "advice", json_string(translate ?
		    gettext(fd->advice) : fd->advice));
		json_array_append_new(fs, j);
	}
	for (i = 0; i < r->nmetrics; i++)
		json_object_set_new(ms, r->metrics[i].name,
		    jnum(r->metrics[i].value));
	json_object_set_new(o, "findings", fs);
	json_object_set_new(o, "metrics", ms);
	return o;
}
