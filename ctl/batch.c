/*
 * batch.c — idphotoctl's batch commands: the roster, the reconciliation
 * report, the export for the hand-over, and the purge of a finished
 * batch. They work on the state folder directly (no daemon needed), so
 * they run as the station's user: sudo -u idphotod idphotoctl report.
 *
 * The work is done by roster.c, report.c, export.c and purge.c; this
 * file parses the operands and prints for people (a table, translated)
 * or for tools (--csv, --json).
 */
#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "ctl/ctl.h"

#define _(s)	gettext(s)

/* The statuses of the report, for xgettext. */
static const char *const words[] __attribute__((unused)) = {
	N_("ok"), N_("missing"), N_("rejected"), N_("lost"), N_("fails"),
	N_("changed"), N_("extra"), N_("duplicate"),
};

/* s, then spaces up to width terminal columns (CJK counts two). */
static void
pad(const char *s, int width)
{
	wchar_t w[256];
	size_t n = mbstowcs(w, s ? s : "", 255);
	int cols = -1;

	if (n != (size_t)-1) {
		w[n] = L'\0';
		cols = wcswidth(w, n);
	}
	if (cols < 0)
		cols = (int)strlen(s ? s : "");
	fputs(s ? s : "", stdout);
	for (; cols < width; cols++)
		putchar(' ');
}

static json_t *
load_roster(const struct store_conf *c)
{
	char err[1024];
	json_t *r;

	if ((r = store_roster_load(c->state_dir, err, sizeof(err))) == NULL)
		fprintf(stderr, "idphotoctl: %s\n", err);
	return r;
}

static int
roster_import(const struct store_conf *c, photo_ctx *ctx, const char *path,
    const struct ctl_batch_opts *o)
{
	json_t *problems = json_array(), *r, *old, *p;
	char err[1024];
	size_t i;
	int rc = 1;

	r = ctl_roster_parse(path, &c->roster, o->encoding, o->same_name_ok,
	    ctx, problems, err, sizeof(err));
	json_array_foreach(problems, i, p)
		fprintf(stderr, "%s:%lld: %s\n", path, (long long)
		    json_integer_value(json_object_get(p, "line")),
		    json_string_value(json_object_get(p, "error")));
	if (r == NULL) {
		fprintf(stderr, "idphotoctl: %s\n", err);
		goto done;
	}
	old = store_roster_load(c->state_dir, err, sizeof(err));
	if (o->dry_run)
		rc = 0;
	else if (store_roster_save(c->state_dir, r, err, sizeof(err)) == -1)
		fprintf(stderr, "idphotoctl: %s\n", err);
	else
		rc = 0;
	if (rc == 0) {
		printf(o->dry_run ? _("%s: %zu graduates (%s), no problems; "
		    "not imported (--dry-run)\n") : _("%s: imported %zu "
		    "graduates (%s)\n"), path, json_object_size(
		    json_object_get(r, "entries")), json_string_value(
		    json_object_get(r, "encoding")));
		if (old != NULL && !o->dry_run)
			printf(_("  it replaces the roster from %s (%zu "
			    "graduates)\n"), json_string_value(json_object_get(
			    old, "source")), json_object_size(json_object_get(
			    old, "entries")));
	}
	json_decref(old);
	json_decref(r);
done:
	json_decref(problems);
	return rc;
}

static int
roster_show(const struct store_conf *c, const struct ctl_batch_opts *o)
{
	json_t *r = load_roster(c), *e;
	const char *id;
	char when[40];

	if (r == NULL)
		return 1;
	if (o->json) {
		ctl_print_json(r, JSON_INDENT(2));
		json_decref(r);
		return 0;
	}
	store_time_iso(json_number_value(json_object_get(r, "imported")), when,
	    sizeof(when));
	printf(_("%s: %zu graduates, imported %s (%s)\n"), json_string_value(
	    json_object_get(r, "source")), json_object_size(json_object_get(r,
	    "entries")), when, json_string_value(json_object_get(r,
	    "encoding")));
	json_object_foreach(json_object_get(r, "entries"), id, e) {
		printf("%5lld  %s  ", (long long)json_integer_value(
		    json_object_get(e, "line")), id);
		pad(json_string_value(json_object_get(e, "name")), 12);
		pad(json_string_value(json_object_get(e, "centre")), 20);
		printf("%s\n", json_string_value(json_object_get(e, "class")) ?
		    json_string_value(json_object_get(e, "class")) : "");
	}
	json_decref(r);
	return 0;
}

static void
print_table(json_t *rep)
{
	json_t *e, *n;
	const char *st;
	size_t i;

	printf(_("roster %s (imported %s): %lld graduates; photos in %s\n\n"),
	    json_string_value(json_object_get(json_object_get(rep, "roster"),
	    "source")), json_string_value(json_object_get(json_object_get(rep,
	    "roster"), "imported")), (long long)json_integer_value(
	    json_object_get(json_object_get(rep, "roster"), "count")),
	    json_string_value(json_object_get(rep, "output_dir")));
	printf("%5s  %-18s  ", _("line"), _("ID"));
	pad(_("name"), 12);
	pad(_("status"), 10);
	printf(" %s\n", _("the file as re-checked"));
	json_array_foreach(json_object_get(rep, "entries"), i, e) {
		const char *s = json_string_value(json_object_get(e, "status"));
		json_t *codes = json_object_get(e, "checks"), *cd;
		size_t k;

		printf("%5lld  %s  ", (long long)json_integer_value(
		    json_object_get(e, "line")), json_string_value(
		    json_object_get(e, "id")));
		pad(json_string_value(json_object_get(e, "name")), 12);
		pad(_(s), 10);
		if (json_object_get(e, "file") != NULL &&
		    json_object_get(e, "quality") != NULL)
			printf(" q%lld %lld B", (long long)json_integer_value(
			    json_object_get(e, "quality")), (long long)
			    json_integer_value(json_object_get(e, "size")));
		json_array_foreach(codes, k, cd)
			printf(" %s", json_string_value(cd));
		if (json_object_get(e, "error") != NULL)
			printf(" %s", json_string_value(json_object_get(e,
			    "error")));
		if (strcmp(s, "rejected") == 0)
			printf(_(" %lld attempt(s)"), (long long)
			    json_integer_value(json_object_get(e, "attempts")));
		if (strcmp(s, "changed") == 0)
			fputs(_(" the file is not the one the station "
			    "accepted"), stdout);
		if (strcmp(s, "lost") == 0)
			fputs(_(" accepted, but the file is gone"), stdout);
		if (json_is_object(json_object_get(e, PROTO_F_OVERRIDE))) {
			const char *why = json_string_value(json_object_get(
			    json_object_get(e, PROTO_F_OVERRIDE), "reason"));

			printf(_(" accepted by the operator: %s"), why ? why :
			    "?");
		}
		if (strcmp(s, "duplicate") == 0) {
			json_t *d;
			size_t di;

			fputs(_(" the same photo as"), stdout);
			json_array_foreach(json_object_get(e, "duplicate_of"),
			    di, d)
				printf(" %s", json_string_value(d));
		}
		putchar('\n');
	}
	json_array_foreach(json_object_get(rep, "extra"), i, e)
		printf("%5s  %s  %s\n", _("extra"), json_string_value(
		    json_object_get(e, "file")), _(json_string_value(
		    json_object_get(e, "reason"))));
	putchar('\n');
	json_object_foreach(json_object_get(rep, "counts"), st, n)
		if (json_integer_value(n) > 0)
			printf("%s %lld  ", _(st), (long long)
			    json_integer_value(n));
	putchar('\n');
	puts(json_is_true(json_object_get(rep, "complete")) ?
	    _("The set is complete: every graduate has one good photo, and "
	    "nothing else is there (R-FLOW-1).") :
	    _("The set is NOT complete (R-FLOW-1)."));
}

static json_t *
make_report(const struct store_conf *c, photo_ctx *ctx)
{
	json_t *roster, *rep;
	char err[1024];

	if ((roster = load_roster(c)) == NULL)
		return NULL;
	if ((rep = ctl_report(c, ctx, roster, err, sizeof(err))) == NULL)
		fprintf(stderr, "idphotoctl: %s\n", err);
	json_decref(roster);
	return rep;
}

static int
report(const struct store_conf *c, photo_ctx *ctx,
    const struct ctl_batch_opts *o)
{
	json_t *rep = make_report(c, ctx);
	int rc;

	if (rep == NULL)
		return 1;
	if (o->json)
		ctl_print_json(rep, JSON_INDENT(2));
	else if (o->csv)
		ctl_report_csv(rep, stdout);
	else
		print_table(rep);
	rc = json_is_true(json_object_get(rep, "complete")) ? 0 : 1;
	json_decref(rep);
	return rc;
}

static int
export(const struct store_conf *c, photo_ctx *ctx,
    const struct ctl_batch_opts *o)
{
	json_t *rep;
	char err[1024];
	int n;

	if (o->out == NULL) {
		fprintf(stderr, _("idphotoctl: export needs --out FILE.zip\n"));
		return 2;
	}
	if ((rep = make_report(c, ctx)) == NULL)
		return 1;
	n = ctl_export(rep, o->out, o->allow_missing, err, sizeof(err));
	if (n == -1)
		fprintf(stderr, "idphotoctl: %s\n", err);
	else {
		printf(_("%s: %d photos, manifest.csv, report.csv\n"), o->out,
		    n);
		if (!json_is_true(json_object_get(rep, "complete")))
			printf(_("  not complete: see report.csv; the set "
			    "lacks %lld of %lld graduates\n"), (long long)
			    json_integer_value(json_object_get(json_object_get(
			    rep, "roster"), "count")) - n, (long long)
			    json_integer_value(json_object_get(json_object_get(
			    rep, "roster"), "count")));
	}
	json_decref(rep);
	return n == -1 ? 1 : 0;
}

static int
purge(const struct store_conf *c, const struct ctl_batch_opts *o)
{
	struct tm tm;
	const char *end;
	json_t *removed = json_array(), *p;
	char err[1024];
	time_t before;
	size_t i;
	int rc = 1;

	memset(&tm, 0, sizeof(tm));
	if (o->before == NULL || (end = strptime(o->before, "%Y-%m-%d", &tm))
	    == NULL || *end != '\0') {
		fprintf(stderr, _("idphotoctl: purge needs --before YYYY-MM-DD "
		    "(local midnight starting that day)\n"));
		json_decref(removed);
		return 2;
	}
	tm.tm_isdst = -1;
	before = mktime(&tm);
	if (ctl_purge(c, before, o->dry_run, removed, err, sizeof(err)) == -1)
		fprintf(stderr, "idphotoctl: %s\n", err);
	else
		rc = 0;
	json_array_foreach(removed, i, p)
		printf("%s %s\n", o->dry_run ? _("would remove") :
		    _("removed"), json_string_value(p));
	if (rc == 0 && json_array_size(removed) == 0)
		printf(_("nothing from before %s\n"), o->before);
	json_decref(removed);
	return rc;
}

int
ctl_batch(const struct store_conf *c, photo_ctx *ctx, const char *cmd,
    int argc, char **argv, const struct ctl_batch_opts *o)
{
	if (strcmp(cmd, "roster") == 0 && argc == 2 &&
	    strcmp(argv[0], "import") == 0)
		return roster_import(c, ctx, argv[1], o);
	if (strcmp(cmd, "roster") == 0 && argc == 1 &&
	    strcmp(argv[0], "show") == 0)
		return roster_show(c, o);
	if (strcmp(cmd, "report") == 0 && argc == 0)
		return report(c, ctx, o);
	if (strcmp(cmd, "export") == 0 && argc == 0)
		return export(c, ctx, o);
	if (strcmp(cmd, "purge") == 0 && argc == 0)
		return purge(c, o);
	fprintf(stderr, _("idphotoctl: usage: roster import FILE.csv | roster "
	    "show | report | export --out FILE.zip | purge --before DATE\n"));
	return 2;
}
