/*
 * resjson.c — a photo_result as JSON, the same for idphotoctl's --json
 * output, the daemon's journal and its control socket: the verdict,
 * every finding (code, requirement id, severity, value, limit, advice)
 * and every measurement. Also which failed checks the operator may
 * override (idphotoctl accept --override): the appearance ones only.
 */
#include <jansson.h>
#include <libintl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static json_t *
jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();	/* no NaN */
}

json_t *
store_json_text(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	json_t *j;
	char *out, *o;
	size_t n, i, k, need;
	unsigned char c;

	if ((j = json_string(s)) != NULL)
		return j;
	/* not valid UTF-8 (a file name from another system): each byte
	 * that is not part of a valid character as \xNN, and a backslash
	 * as \\, so that the name stays findable and reversible */
	n = strlen(s);
	if ((out = malloc(n * 4 + 1)) == NULL)
		return json_string("?");
	for (i = 0, o = out; i < n; ) {
		c = (unsigned char)s[i];
		need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) ==
		    0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		for (k = 1; need > 1 && k < need; k++)
			if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) !=
			    0x80)
				break;
		if (need == 1 && c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
			i++;
		} else if (need >= 1 && (need == 1 || k == need) &&
		    (j = json_stringn(s + i, need)) != NULL) {
			json_decref(j);	/* a valid character (not overlong) */
			memcpy(o, s + i, need);
			o += need;
			i += need;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			i++;
		}
	}
	*o = '\0';
	j = json_string(out);
	free(out);
	return j != NULL ? j : json_string("?");
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
		json_object_set_new(o, "file", store_json_text(path));
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

int
store_finding_overridable(const char *code, const char *req)
{
	static const char *const ok[] = { "R-SUBJ-", "R-BG-", "R-LIGHT-",
	    "R-IQ-" };
	size_t i;

	if (code == NULL || req == NULL || strcmp(code, "FACE_NONE") == 0)
		return 0;	/* no face: nothing to crop (R-SUBJ-1) */
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncmp(req, ok[i], strlen(ok[i])) == 0)
			return 1;
	return 0;		/* R-FILE, R-GEO, R-FLOW, anything new */
}

int
store_result_overridable(const photo_result *r)
{
	int i, failed = 0;

	for (i = 0; i < r->nfindings; i++) {
		if (r->findings[i].severity < PHOTO_FAIL)
			continue;
		if (!store_finding_overridable(r->findings[i].code,
		    r->findings[i].req))
			return 0;
		failed++;
	}
	return failed > 0;
}

int
store_result_json_overridable(json_t *result, json_t *codes, json_t *blocking)
{
	json_t *f;
	size_t i;
	int failed = 0, blocked = 0;

	json_array_foreach(json_object_get(result, "findings"), i, f) {
		const char *code = json_string_value(json_object_get(f,
		    "code"));
		const char *req = json_string_value(json_object_get(f,
		    "requirement"));
		const char *sev = json_string_value(json_object_get(f,
		    "severity"));

		if (sev == NULL || strcmp(sev, "fail") != 0)
			continue;
		failed++;
		if (codes != NULL && code != NULL)
			json_array_append_new(codes, json_string(code));
		if (store_finding_overridable(code, req))
			continue;
		blocked++;
		if (blocking != NULL)
			json_array_append_new(blocking, json_pack("{s:s, s:s}",
			    "code", code ? code : "?", "requirement", req ?
			    req : "?"));
	}
	return failed > 0 && blocked == 0;
}
