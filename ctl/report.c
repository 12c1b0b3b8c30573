/*
 * report.c — the reconciliation (R-FLOW-1, "不得错漏"): every graduate on
 * the roster against what the station recorded and what is in the
 * output folder now.
 *
 * Three sources, read without the daemon (the journal is append-only,
 * so reading it while idphotod runs is safe):
 *   the roster       who must have a photo;
 *   the journal      each ID's attempts and the last accepted photo,
 *                    with the SHA-256 of the file as it was written;
 *   the output dir   the files themselves, each re-checked with the
 *                    offline checker (photo_check_file, as `idphotoctl
 *                    check` does) and hashed, so that a photo edited or
 *                    replaced by hand is caught either way.
 * The result is one JSON object that the table, the CSV, the JSON output
 * and the export all print from, so they cannot disagree.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <csv.h>

#include "ctl/ctl.h"


/* What the journal says about each ID: {"attempts", "rejected",
 * "accepted": the last accepted result event}. */
static void
journal_one(json_t *ev, void *arg)
{
	json_t *ids = arg, *h;
	const char *type = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	const char *outcome = json_string_value(json_object_get(ev,
	    "outcome"));

	if (type == NULL || id == NULL || strcmp(type, "result") != 0 ||
	    outcome == NULL)
		return;
	if ((h = json_object_get(ids, id)) == NULL) {
		h = json_pack("{s:i, s:i}", "attempts", 0, "rejected", 0);
		json_object_set_new(ids, id, h);
	}
	/* an operator's override renders a shot already counted */
	if (json_object_get(ev, PROTO_F_OVERRIDE) == NULL)
		json_object_set_new(h, "attempts", json_integer(
		    json_integer_value(json_object_get(h, "attempts")) + 1));
	if (store_event_accepted(ev))
		json_object_set(h, "accepted", ev);
	else
		json_object_set_new(h, "rejected", json_integer(
		    json_integer_value(json_object_get(h, "rejected")) + 1));
}

/*
 * Re-checks the file at path into e: "verdict", "checks" (the codes
 * that warn or fail), "quality", "size", "sha256". Returns the verdict,
 * or -1 (with "error") when the file cannot be read or decoded;
 * *overridable says whether every check it fails is one the operator
 * may override (store_result_overridable).
 */
static int
recheck(photo_ctx *ctx, const char *path, json_t *e, int *overridable)
{
	photo_fileinfo fi;
	photo_result *r = NULL;
	unsigned char *buf;
	char err[512], hex[65];
	json_t *codes;
	size_t len;
	int i, verdict = -1;

	if ((buf = store_read_file(path, STORE_MAX_PHOTO, &len, err,
	    sizeof(err))) == NULL) {
		json_object_set_new(e, "error", json_string(err));
		return -1;
	}
	if (store_sha256_hex(buf, len, hex) == 0)
		json_object_set_new(e, "sha256", json_string(hex));
	json_object_set_new(e, "size", json_integer((json_int_t)len));
	if ((r = malloc(sizeof(*r))) == NULL ||
	    photo_check_file(ctx, path, buf, len, &fi, r) == -1) {
		json_object_set_new(e, "error", json_string(r ?
		    photo_error(ctx) : strerror(ENOMEM)));
		goto done;
	}
	verdict = r->verdict;
	*overridable = store_result_overridable(r);
	codes = json_array();
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity >= PHOTO_WARN)
			json_array_append_new(codes, json_string(
			    r->findings[i].code));
	json_object_set_new(e, "verdict", json_string(
	    store_verdict_word(verdict)));
	json_object_set_new(e, "checks", codes);
	json_object_set_new(e, "quality", json_integer(fi.quality));
done:
	free(r);
	free(buf);
	return verdict;
}

/* The status of one roster entry; fills e. */
static const char *
judge(const struct store_conf *c, photo_ctx *ctx, const char *id,
    json_t *hist, json_t *e)
{
	json_t *acc = json_object_get(hist, "accepted");
	const char *want = json_string_value(json_object_get(acc, "sha256"));
	const char *have;
	char path[PATH_MAX], when[40];
	struct stat st;
	int verdict, overridable = 0;
	json_t *ov = json_object_get(acc, PROTO_F_OVERRIDE);

	json_object_set_new(e, "attempts", json_integer(json_integer_value(
	    json_object_get(hist, "attempts"))));
	if (acc != NULL) {
		store_time_iso(json_number_value(json_object_get(acc, "time")),
		    when, sizeof(when));
		json_object_set_new(e, "captured", json_string(when));
	}
	if (store_pathf(path, "%s/%s%s", c->output_dir, id, c->ext) == -1 ||
	    stat(path, &st) == -1) {
		if (acc != NULL)
			return "lost";
		return json_integer_value(json_object_get(hist, "rejected")) >
		    0 ? "rejected" : "missing";
	}
	json_object_set_new(e, "file", json_string(path));
	verdict = recheck(ctx, path, e, &overridable);
	/* accepted by the operator (accept --override): the appearance
	 * checks it overrode may fail again here, nothing else may */
	if (verdict == -1 || (verdict >= PHOTO_FAIL && !(json_is_object(ov) &&
	    overridable)))
		return "fails";
	have = json_string_value(json_object_get(e, "sha256"));
	if (want != NULL && have != NULL && strcmp(want, have) != 0)
		return "changed";
	if (acc == NULL)
		json_object_set_new(e, "note", json_string(N_("not taken at this "
		    "station (no accepted result in the journal)")));
	else if (json_is_object(ov)) {
		const char *why = json_string_value(json_object_get(ov,
		    "reason"));
		char note[PROTO_OVERRIDE_MAX + 64];

		json_object_set(e, PROTO_F_OVERRIDE, ov);
		snprintf(note, sizeof(note), "accepted by the operator: %s",
		    why ? why : "?");
		json_object_set_new(e, "note", json_string(note));
	}
	return "ok";
}

/* Files in the output folder that belong to no roster entry. */
static int
extras(const struct store_conf *c, json_t *entries, json_t *list, char *err,
    size_t errlen)
{
	struct dirent **ents;
	struct stat st;
	char path[PATH_MAX], id[PHOTO_ID_LEN + 1];
	size_t el = strlen(c->ext);
	int n, i;

	if ((n = store_list_dir(c->output_dir, &ents)) == -1) {
		if (errno == ENOENT)
			return 0;	/* nothing taken yet */
		snprintf(err, errlen, "%s: %s", c->output_dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t len = strlen(nm);

		if (store_pathf(path, "%s/%s", c->output_dir, nm) == 0 &&
		    stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			int named = len == PHOTO_ID_LEN + el &&
			    strcmp(nm + PHOTO_ID_LEN, c->ext) == 0;

			snprintf(id, sizeof(id), "%.*s", PHOTO_ID_LEN, nm);
			if (!named)
				json_array_append_new(list, json_pack(
				    "{s:s, s:s}", "file", path, "reason",
				    N_("not named <ID>.jpg (R-FILE-6, "
				    "R-FILE-7)")));
			else if (json_object_get(entries, id) == NULL)
				json_array_append_new(list, json_pack(
				    "{s:s, s:s, s:s}", "file", path, "id", id,
				    "reason", N_("not on the roster")));
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/*
 * The same bytes under two IDs: entries that are "ok" whose photo file,
 * or whose accepted camera original (the journal's original_sha256), is
 * byte-identical to another's become "duplicate", naming the others in
 * "duplicate_of". One frame cannot be two graduates.
 */
static void
mark_duplicates(json_t *list, json_t *ids, json_t *counts, int *problems)
{
	static const char *const keys[] = { "sha256", "original_sha256" };
	json_t *seen, *e, *f, *ids_of, *x;
	const char *h, *hash;
	size_t i, j;
	int k;

	for (k = 0; k < 2; k++) {
		seen = json_object();	/* hash -> [index, ...] */
		json_array_foreach(list, i, e) {
			if (strcmp(json_string_value(json_object_get(e,
			    "status")), "ok") != 0 && strcmp(json_string_value(
			    json_object_get(e, "status")), "duplicate") != 0)
				continue;
			h = k == 0 ? json_string_value(json_object_get(e,
			    keys[k])) : json_string_value(json_object_get(
			    json_object_get(json_object_get(ids,
			    json_string_value(json_object_get(e, "id"))),
			    "accepted"), keys[k]));
			if (h == NULL)
				continue;
			if ((ids_of = json_object_get(seen, h)) == NULL) {
				ids_of = json_array();
				json_object_set_new(seen, h, ids_of);
			}
			json_array_append_new(ids_of, json_integer(
			    (json_int_t)i));
		}
		json_object_foreach(seen, hash, ids_of) {
			if (json_array_size(ids_of) < 2)
				continue;
			json_array_foreach(ids_of, i, x) {
				e = json_array_get(list, (size_t)
				    json_integer_value(x));
				if (strcmp(json_string_value(json_object_get(e,
				    "status")), "ok") == 0) {
					json_object_set_new(e, "status",
					    json_string("duplicate"));
					json_object_set_new(counts, "ok",
					    json_integer(json_integer_value(
					    json_object_get(counts, "ok")) - 1));
					json_object_set_new(counts, "duplicate",
					    json_integer(json_integer_value(
					    json_object_get(counts,
					    "duplicate")) + 1));
					(*problems)++;
				}
				if (json_object_get(e, "duplicate_of") == NULL)
					json_object_set_new(e, "duplicate_of",
					    json_array());
				json_array_foreach(ids_of, j, f) {
					json_t *o = json_array_get(list,
					    (size_t)json_integer_value(f));
					const char *oid = json_string_value(
					    json_object_get(o, "id"));
					json_t *d = json_object_get(e,
					    "duplicate_of");
					size_t n;
					json_t *y;
					int have = 0;

					if (j == i)
						continue;
					json_array_foreach(d, n, y)
						have |= strcmp(json_string_value(
						    y), oid) == 0;
					if (!have)
						json_array_append_new(d,
						    json_string(oid));
				}
			}
		}
		json_decref(seen);
	}
}

json_t *
ctl_report(const struct store_conf *c, photo_ctx *ctx, json_t *roster,
    char *err, size_t errlen)
{
	json_t *ids = json_object(), *out = NULL, *list = json_array();
	json_t *extra = json_array(), *counts = json_object(), *re, *hist;
	const char *id;
	char path[PATH_MAX], when[40];
	int torn, problems = 0;

	if (store_path_journal(path, c->state_dir) == -1 ||
	    store_journal_replay(path, journal_one, ids, &torn) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	json_object_foreach(json_object_get(roster, "entries"), id, re) {
		json_t *e = json_pack("{s:s, s:O?, s:O?, s:O?, s:O?}", "id", id,
		    "name", json_object_get(re, "name"), "centre",
		    json_object_get(re, "centre"), "class",
		    json_object_get(re, "class"), "line",
		    json_object_get(re, "line"));
		const char *st;

		hist = json_object_get(ids, id);
		st = judge(c, ctx, id, hist, e);
		json_object_set_new(e, "status", json_string(st));
		json_object_set_new(counts, st, json_integer(
		    json_integer_value(json_object_get(counts, st)) + 1));
		problems += strcmp(st, "ok") != 0;
		json_array_append_new(list, e);
	}
	mark_duplicates(list, ids, counts, &problems);
	if (extras(c, json_object_get(roster, "entries"), extra, err,
	    errlen) == -1)
		goto done;
	problems += (int)json_array_size(extra);
	json_object_set_new(counts, "extra", json_integer(
	    (json_int_t)json_array_size(extra)));
	store_time_iso(json_number_value(json_object_get(roster, "imported")),
	    when, sizeof(when));
	out = json_pack("{s:{s:O?, s:s, s:I}, s:s, s:O, s:O, s:O, s:b, s:i}",
	    "roster", "source", json_object_get(roster, "source"), "imported",
	    when, "count", (json_int_t)json_object_size(json_object_get(roster,
	    "entries")), "output_dir", c->output_dir, "entries", list,
	    "extra", extra, "counts", counts, "complete", problems == 0,
	    "problems", problems);
	if (torn > 0)
		json_object_set_new(out, "journal_damaged_lines",
		    json_integer(torn));
done:
	json_decref(ids);
	json_decref(list);
	json_decref(extra);
	json_decref(counts);
	return out;
}

void
ctl_csv_row(FILE *f, const char *const *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		if (v[i] != NULL && v[i][0] != '\0')
			csv_fwrite(f, v[i], strlen(v[i]));
	}
	fputs("\r\n", f);		/* RFC 4180, and what Excel writes */
}

/* A member of o as text for a CSV cell ("" when absent). */
static const char *
cell(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);
	size_t i;
	json_t *x;

	buf[0] = '\0';
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_array(v))
		json_array_foreach(v, i, x) {
			size_t used = strlen(buf);

			snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			    json_string_value(x));
		}
	return buf;
}

void
ctl_report_csv(json_t *report, FILE *f)
{
	static const char *const cols[] = { "line", "id", "name", "centre",
	    "class", "status", "verdict", "checks", "file", "size", "quality",
	    "sha256", "captured", "attempts", "note" };
	enum { NC = sizeof(cols) / sizeof(cols[0]) };
	char buf[NC][512];
	const char *v[NC];
	json_t *e;
	size_t i;
	int k;

	ctl_csv_row(f, cols, NC);
	json_array_foreach(json_object_get(report, "entries"), i, e) {
		for (k = 0; k < NC; k++)
			v[k] = cell(e, cols[k], buf[k], sizeof(buf[k]));
		if (json_object_get(e, "error") != NULL)
			v[NC - 1] = json_string_value(json_object_get(e,
			    "error"));
		ctl_csv_row(f, v, NC);
	}
	json_array_foreach(json_object_get(report, "extra"), i, e) {
		for (k = 0; k < NC; k++)
			v[k] = "";
		v[1] = cell(e, "id", buf[1], sizeof(buf[1]));
		v[5] = "extra";
		v[8] = cell(e, "file", buf[8], sizeof(buf[8]));
		v[NC - 1] = cell(e, "reason", buf[0], sizeof(buf[0]));
		ctl_csv_row(f, v, NC);
	}
}
