/*
 * export.c — the hand-over (R-FLOW-2, R-FLOW-3): one zip with the
 * accepted photos named <ID>.jpg, ready for the academic system's photo
 * import, plus manifest.csv and report.csv.
 *
 * The archive is written by libzip, never by hand. libzip builds it in
 * a temporary file beside the target and renames it on zip_close, so a
 * crash or a full disk leaves no half archive under the target's name.
 * Photos are read into memory and hashed again just before they go in:
 * what the manifest says is what the zip holds. JPEGs are stored, not
 * deflated (they do not shrink); the CSVs are deflated. A photo the
 * operator accepted over appearance checks (accept --override) says so
 * in the manifest's note: "accepted by the operator: REASON". The CSVs start
 * with a UTF-8 BOM so that Excel on Chinese Windows shows the names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#include "ctl/ctl.h"

#define BOM		"\xef\xbb\xbf"

/* Adds len bytes at buf (which the archive then owns) as name. */
static int
add(zip_t *z, const char *name, void *buf, size_t len, int store,
    time_t mtime, char *err, size_t errlen)
{
	zip_source_t *src;
	zip_int64_t idx;

	if ((src = zip_source_buffer(z, buf, len, 1)) == NULL) {
		free(buf);
		snprintf(err, errlen, "%s: %s", name, zip_strerror(z));
		return -1;
	}
	if ((idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(src);
		snprintf(err, errlen, "%s: %s", name, zip_strerror(z));
		return -1;
	}
	if ((store && zip_set_file_compression(z, (zip_uint64_t)idx,
	    ZIP_CM_STORE, 0) == -1) || (mtime > 0 && zip_file_set_mtime(z,
	    (zip_uint64_t)idx, mtime, 0) == -1)) {
		snprintf(err, errlen, "%s: %s", name, zip_strerror(z));
		return -1;
	}
	return 0;
}

/* The text written to a memory stream, to be handed to add(). */
static int
add_text(zip_t *z, const char *name, char *text, size_t len, char *err,
    size_t errlen)
{
	if (text == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return -1;
	}
	return add(z, name, text, len, 0, 0, err, errlen);
}

/* Reads e's photo and adds it, after checking it is still the file the
 * report hashed. */
static int
add_photo(zip_t *z, json_t *e, time_t when, char *err, size_t errlen)
{
	const char *path = json_string_value(json_object_get(e, "file"));
	const char *want = json_string_value(json_object_get(e, "sha256"));
	char name[PHOTO_ID_LEN + 8], hex[65];
	unsigned char *buf;
	size_t len;

	if (path == NULL || want == NULL) {
		snprintf(err, errlen, "%s: no file in the report",
		    json_string_value(json_object_get(e, "id")));
		return -1;
	}
	if ((buf = store_read_file(path, STORE_MAX_PHOTO, &len, err, errlen)) ==
	    NULL)
		return -1;
	if (store_sha256_hex(buf, len, hex) == -1 || strcmp(hex, want) != 0) {
		snprintf(err, errlen, "%s changed while it was being exported; "
		    "run the export again", path);
		free(buf);
		return -1;
	}
	snprintf(name, sizeof(name), "%s.jpg",
	    json_string_value(json_object_get(e, "id")));
	return add(z, name, buf, len, 1, when, err, errlen);
}

/* "2 missing, 1 fails" for the refusal. */
static void
summary(json_t *report, char *out, size_t len)
{
	const char *st;
	json_t *n;
	size_t used = 0;

	out[0] = '\0';
	json_object_foreach(json_object_get(report, "counts"), st, n) {
		if (strcmp(st, "ok") == 0 || strcmp(st, "extra") == 0 ||
		    json_integer_value(n) == 0)
			continue;
		used += (size_t)snprintf(out + used, len > used ? len - used :
		    0, "%s%lld %s", used ? ", " : "",
		    (long long)json_integer_value(n), st);
	}
}

int
ctl_export(json_t *report, const char *out, int allow_missing, char *err,
    size_t errlen)
{
	static const char *const cols[] = { "id", "name", "centre", "class",
	    "file", "size", "quality", "sha256", "captured", "note" };
	zip_t *z = NULL;
	FILE *m = NULL, *r = NULL;
	char *mtext = NULL, *rtext = NULL, why[512];
	size_t mlen = 0, rlen = 0, i;
	json_t *e;
	int zerr, photos = 0, rc = -1;
	mode_t mask;

	summary(report, why, sizeof(why));
	if (why[0] != '\0' && !allow_missing) {
		snprintf(err, errlen, "the set is not complete (%s; R-FLOW-1): "
		    "nothing was exported. Take the missing photos, or export "
		    "without them with --allow-missing", why);
		return -1;
	}
	if ((z = zip_open(out, ZIP_CREATE | ZIP_EXCL, &zerr)) == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		snprintf(err, errlen, "%s: %s", out, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	if ((m = open_memstream(&mtext, &mlen)) == NULL ||
	    (r = open_memstream(&rtext, &rlen)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	fputs(BOM, m);
	ctl_csv_row(m, cols, 10);
	json_array_foreach(json_object_get(report, "entries"), i, e) {
		const char *v[10];
		char size[24], q[16], fname[PHOTO_ID_LEN + 8];
		struct tm tm = { 0 };
		const char *cap = json_string_value(json_object_get(e,
		    "captured"));
		time_t when = 0;

		if (strcmp(json_string_value(json_object_get(e, "status")),
		    "ok") != 0)
			continue;
		if (cap != NULL && strptime(cap, "%Y-%m-%dT%H:%M:%S", &tm) !=
		    NULL) {
			tm.tm_isdst = -1;
			when = mktime(&tm);
		}
		if (add_photo(z, e, when, err, errlen) == -1)
			goto done;
		photos++;
		snprintf(fname, sizeof(fname), "%s.jpg",
		    json_string_value(json_object_get(e, "id")));
		snprintf(size, sizeof(size), "%lld", (long long)
		    json_integer_value(json_object_get(e, "size")));
		snprintf(q, sizeof(q), "%lld", (long long)
		    json_integer_value(json_object_get(e, "quality")));
		v[0] = json_string_value(json_object_get(e, "id"));
		v[1] = json_string_value(json_object_get(e, "name"));
		v[2] = json_string_value(json_object_get(e, "centre"));
		v[3] = json_string_value(json_object_get(e, "class"));
		v[4] = fname;
		v[5] = size;
		v[6] = q;
		v[7] = json_string_value(json_object_get(e, "sha256"));
		v[8] = cap;
		/* the operator's override (R-SUBJ etc. overridden): said */
		v[9] = json_object_get(e, PROTO_F_OVERRIDE) != NULL ?
		    json_string_value(json_object_get(e, "note")) : NULL;
		ctl_csv_row(m, v, 10);
	}
	fputs(BOM, r);
	ctl_report_csv(report, r);
	if (fclose(m) == EOF || fclose(r) == EOF) {
		m = r = NULL;
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	m = r = NULL;
	/* the archive owns the texts from here on, added or not */
	zerr = add_text(z, "manifest.csv", mtext, mlen, err, errlen);
	mtext = NULL;
	if (zerr == -1)
		goto done;
	zerr = add_text(z, "report.csv", rtext, rlen, err, errlen);
	rtext = NULL;
	if (zerr == -1)
		goto done;
	/* personal data: the archive is for its owner only (0600) */
	mask = umask(077);
	zerr = zip_close(z);
	umask(mask);
	if (zerr == -1) {
		snprintf(err, errlen, "%s: %s", out, zip_strerror(z));
		goto done;
	}
	z = NULL;
	rc = photos;
done:
	if (m != NULL)
		fclose(m);
	if (r != NULL)
		fclose(r);
	free(mtext);
	free(rtext);
	if (z != NULL)
		zip_discard(z);	/* nothing is written */
	return rc;
}
