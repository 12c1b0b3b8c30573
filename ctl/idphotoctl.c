/*
 * idphotoctl — the command-line client of the idphotod station.
 *
 * The offline modes run the photo/ library directly, with no daemon:
 *   process  a camera JPEG -> <ID>.jpg, or the reasons it cannot be made;
 *   check    photos made elsewhere (files or folders) against the spec,
 *            so that a learning centre can check a set before uploading.
 * Output is a table for people or JSON (--json) for tools; every
 * measurement is printed, not only the failures, so thresholds can be
 * tuned from data. Sentences for the operator come from the library's
 * findings and are translated through gettext (domain "idphotod").
 *
 * Exit status: 0 all good (warnings allowed), 1 a photo failed or could
 * not be made, 2 usage or configuration error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "photo/photo.h"

#define _(s)		gettext(s)

static const char *progname = "idphotoctl";

struct opts {
	const char *config;
	const char *id;
	const char *outdir;
	const char *annotate;
	int	json;
	int	replace;
	int	quiet;
	int	verbose;	/* check, process: every measurement */
	const char *socket;
	int	apply;
	double	lightness;
	const char *override;	/* accept --override REASON */
	struct ctl_batch_opts batch;
};

static void
usage(FILE *f)
{
	fprintf(f, _(
"usage: %s [-c config] process --id ID [-o DIR] [--replace] [--annotate FILE]\n"
"                     [--json] PHOTO.jpg\n"
"       %s [-c config] check [--json] [--annotate DIR] PATH...\n"
"       %s [-c config] [-s socket] [--json] status | shoot | cancel | reload\n"
"                     | subscribe | console | camera | liveview [SECONDS]\n"
"                     | id [--replace] ID\n"
"                     | retake [--replace] | history [ID]\n"
"                     | calibrate [--apply] [--lightness L]\n"
"                     | accept --override REASON\n"
"       %s [-c config] roster import [--encoding ENC] [--allow-same-name]\n"
"                     [--dry-run] FILE.csv | roster show [--json]\n"
"       %s [-c config] report [--csv | --json]\n"
"       %s [-c config] export --out FILE.zip [--allow-missing]\n"
"       %s [-c config] purge --before YYYY-MM-DD [--dry-run]\n"
"       %s --help | --version\n"
"\n"
"  process   crop, scale and encode a camera JPEG into DIR/<ID>.jpg (480x640,\n"
"            300 dpi, quality >= 60, 30-50 KB), or print why it cannot:\n"
"            geometry, light, focus, eyes, pose, clothing, background\n"
"  check     check finished photos (files, or the JPEGs in folders) against\n"
"            the spec: format, size, name (ID number), added text or\n"
"            borders, and the same checks of the face and background\n"
"\n"
"  Online (talking to idphotod):\n"
"  status    the station's state, the camera, the counts, the last result\n"
"  id ID     key in the graduate's ID (--replace: confirm replacing an\n"
"            accepted photo, which is kept in versions/)\n"
"  shoot     the software pedal          retake   shoot the same ID again\n"
"  cancel    forget the keyed-in ID      reload   re-read the configuration\n"
"  subscribe print the station's events as they happen\n"
"  history   the results journalled, for one ID or all (the last 100)\n"
"  camera    the camera's state and what it reads back: model, port,\n"
"            battery, capture target, image format, exposure settings\n"
"  liveview  live view for SECONDS (default 60; 0 stops it): each frame's\n"
"            framing (centre, move up, step back) before the pedal\n"
"  console   the operator's terminal: type or scan IDs, Enter shoots\n"
"  calibrate a test shot of the seated subject (or a grey card): the lamps'\n"
"            left/right balance and the face lightness, and the levels that\n"
"            would correct them as a config diff; --apply writes them into\n"
"            the config file (comments kept) and reloads; --lightness L also\n"
"            aims the face at lightness L* (default: keep it)\n"
"  accept    the operator's override: accept the keyed-in graduate's last\n"
"            rejected frame anyway, when only appearance checks failed\n"
"            (face, eyes, mouth, background, light, focus; never the\n"
"            file, the geometry or the ID); the reason is journalled and\n"
"            the report marks the photo \"accepted by the operator\"\n"
"\n"
"  The batch (the state folder; run as the station's user):\n"
"  roster    import the list of graduates from CSV (UTF-8, GBK or UTF-16;\n"
"            columns by header: 身份证号, 姓名, 学习中心, 班级); every row\n"
"            is checked and any problem imports nothing; show lists it\n"
"  report    every graduate's status (ok, missing, rejected, lost, fails,\n"
"            changed) and the extra files, each photo re-checked; exit 0\n"
"            only when the set is complete (R-FLOW-1)\n"
"  export    the photos as <ID>.jpg plus manifest.csv and report.csv in\n"
"            one zip for the academic system's import; refused while the\n"
"            set is incomplete, unless --allow-missing\n"
"  purge     remove the graduates finished before DATE: journal entries,\n"
"            camera originals, photos, previews, and the roster\n"
"\n"
"  -c, --config FILE   configuration (default %s, if it exists)\n"
"  -o, --out DIR       where process writes <ID>.jpg (default: the config's\n"
"                      output.dir, else the current directory); export:\n"
"                      the zip to write (it must not exist)\n"
"      --id ID         the graduate's 18-character resident ID number\n"
"      --replace       move an existing <ID>.jpg into DIR/versions/ first\n"
"      --annotate P    write a picture of what was measured (process: a file;\n"
"                      check: a folder for <name>.annotated.jpg)\n"
"      --json          JSON output (check: one object per line)\n"
"  -q, --quiet         print failures only\n"
"  -v, --verbose       check, process: every measurement and finding\n"
"      --apply         calibrate: write the proposed levels and reload\n"
"      --lightness L   calibrate: the face lightness (L*) to aim for\n"
"      --override WHY  accept: the operator's reason (1-500 bytes)\n"
"      --encoding ENC  roster import: auto (default), UTF-8, GBK, GB18030\n"
"      --allow-same-name  roster import: two graduates share a name\n"
"      --dry-run       roster import: check only; purge: list only\n"
"      --csv           report: CSV\n"
"      --allow-missing export: without the graduates who lack a good photo\n"
"      --before DATE   purge: graduates whose last event is before DATE\n"
"  -s, --socket PATH   idphotod's socket (default: $IDPHOTOD_SOCKET, else the\n"
"                      config's station.socket)\n"
"\n"
"Exit status: 0 good, 1 a photo failed or could not be made (online: the\n"
"daemon refused or cannot be reached; report: the set is not complete),\n"
"2 usage error.\n"),
	    progname, progname, progname, progname, progname, progname,
	    progname, progname, STORE_DEFAULT_CONFIG);
}

/* A measured value or limit for people: NaN prints as "-". */
static void
print_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("-", f);
	else if (fabs(v - lround(v)) < 1e-9)
		fprintf(f, "%ld", lround(v));
	else if (fabs(v) >= 100)
		fprintf(f, "%.0f", v);
	else if (fabs(v) >= 1)
		fprintf(f, "%.2f", v);
	else
		fprintf(f, "%.3g", v);
}

/*
 * A finding's value or limit in the unit a person reads: the file's
 * pixels as WxH px, its density in dpi, its size in KB; a yes/no check
 * (a name, metadata) prints nothing.
 */
static void
print_in_unit(FILE *f, const char *code, double v)
{
	if (isnan(v))
		fputs("-", f);
	else if (strcmp(code, "FILE_SIZE_PX") == 0)	/* W * 10000 + H */
		fprintf(f, "%ldx%ld px", lround(v) / 10000,
		    lround(v) % 10000);
	else if (strcmp(code, "FILE_DPI") == 0)
		fprintf(f, "%ld dpi", lround(v));
	else if (strcmp(code, "FILE_BYTES") == 0)
		fprintf(f, "%.1f KB", v / 1024);
	else if (strcmp(code, "FILE_QUALITY") == 0)
		fprintf(f, "quality %ld", lround(v));
	else if (strncmp(code, "GEO_", 4) == 0) {	/* photo pixels */
		print_num(f, v);
		fputs(" px", f);
	} else
		print_num(f, v);
}

/* A finding that is a yes or no: its value and limit say nothing. */
static int
yes_no_finding(const photo_finding *fd)
{
	static const char *const codes[] = { "FILE_NAME_ID", "FILE_EXT",
	    "FILE_METADATA", "FILE_NOT_BASELINE", "FILE_COLOUR",
	    "FILE_ADDED_CONTENT", NULL };
	int i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(fd->code, codes[i]) == 0)
			return 1;
	return 0;
}

static void
print_findings(const photo_result *r)
{
	int i;

	for (i = 0; i < r->nfindings; i++) {
		const photo_finding *fd = &r->findings[i];

		printf("  %-4s %-16s %-18s ",
		    _(store_severity_word(fd->severity)), fd->req, fd->code);
		if (!yes_no_finding(fd)) {
			print_in_unit(stdout, fd->code, fd->value);
			fputs(_(" (limit "), stdout);
			print_in_unit(stdout, fd->code, fd->limit);
			fputs(")", stdout);
		}
		printf("\n       %s\n", _(fd->advice));
	}
}

static void
print_metrics(const photo_result *r)
{
	int i;

	for (i = 0; i < r->nmetrics; i++) {
		printf("  %-22s ", r->metrics[i].name);
		print_num(stdout, r->metrics[i].value);
		putchar('\n');
	}
}


/* JSON for a file that could not be read or decoded at all. */
static void
print_error(const struct opts *o, const char *path, const char *msg)
{
	if (o->json) {
		json_t *j = json_object();

		json_object_set_new(j, "file", store_json_text(path));
		json_object_set_new(j, "verdict", json_string("error"));
		json_object_set_new(j, "error", store_json_text(msg));
		ctl_print_json(j, JSON_COMPACT);
		json_decref(j);
	} else
		printf("FAIL %s: %s\n", path, _(msg));
}

/* Writes buf to path (plainly: annotations are not deliverables). */
static int
annotate_to(photo_ctx *ctx, photo_image *im, const photo_result *r,
    const char *path)
{
	unsigned char *jpg = NULL;
	size_t len = 0;
	int rc = 0;

	if (photo_annotate(ctx, im, r, &jpg, &len) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    photo_error(ctx));
		rc = -1;
	} else if (store_write_file(path, jpg, len, 0644) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, path,
		    strerror(errno));
		rc = -1;
	}
	free(jpg);
	return rc;
}

/* store_process_frame's hook: --annotate. */
static void
annotate_hook(photo_ctx *ctx, photo_image *im, const photo_result *r,
    void *arg)
{
	annotate_to(ctx, im, r, arg);
}

/* process: store_process_frame(), the same as the daemon's worker. */
static int
cmd_process(photo_ctx *ctx, const struct store_conf *conf,
    const struct opts *o, const char *path)
{
	char id[PHOTO_ID_LEN + 1], name[PHOTO_ID_LEN + 16], err[512];
	photo_id_err why;
	const char *dir = o->outdir ? o->outdir :
	    conf->output_dir[0] ? conf->output_dir : ".";
	struct store_frame_job fj = { dir, name, o->replace, 0,
	    o->annotate ? annotate_hook : NULL, (void *)o->annotate, 0 };
	struct store_frame *f = NULL;
	unsigned char *buf = NULL;
	json_t *j;
	size_t len;
	int rc = 1;

	if (photo_id_check(ctx, o->id, id, 0, &why) == -1) {
		store_id_error_text(&why, 1, err, sizeof(err));
		fprintf(stderr, "%s: %s\n", progname, err);
		return 1;
	}
	if ((buf = store_read_file(path, STORE_MAX_PHOTO, &len, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, err);
		if (o->json)	/* a bad file is a line of the output too */
			print_error(o, path, err);
		goto done;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
		if (o->json)
			print_error(o, path, strerror(ENOMEM));
		goto done;
	}
	snprintf(name, sizeof(name), "%s%s", id, conf->ext);
	if (store_process_frame(ctx, buf, len, &fj, f) == -1) {
		if (f->failed_at == STORE_AT_OUTPUT)
			fprintf(stderr, "%s: %s\n", progname, f->err);
		else
			fprintf(stderr, "%s: %s: %s\n", progname, path, f->err);
		if (!f->analyzed) {
			if (o->json)	/* the --json error object */
				print_error(o, path, f->err);
			goto done;
		}
	}
	rc = f->out.path[0] != '\0' ? 0 : 1;
	if (o->json) {	/* the schema of the daemon's result event */
		j = store_result_json(path, &f->r, 1);
		json_object_set_new(j, "id", json_string(id));
		json_object_set_new(j, "outcome", json_string(
		    store_outcome_word(f->outcome)));
		if (f->outcome == STORE_ERROR)
			json_object_set_new(j, "error", json_string(f->err));
		store_frame_json(j, &f->out);
		ctl_print_json(j, JSON_COMPACT);
		json_decref(j);
	} else {
		printf("%s %s\n", rc == 0 ? (f->r.verdict == PHOTO_WARN ?
		    "WARN" : "PASS") : "FAIL", path);
		if (o->verbose)
			print_metrics(&f->r);
		print_findings(&f->r);
		if (rc == 0) {
			printf(_("  wrote %s/%s: quality %d, %zu bytes\n"), dir,
			    name, f->out.quality, f->out.size);
			if (f->out.moved[0])
				printf(_("  the earlier photo was moved to "
				    "%s\n"), f->out.moved);
		}
	}
	if (rc == 0 && !f->out.size_ok)
		fprintf(stderr, _("%s: R-FILE-5: %zu bytes is outside %ld-%ld "
		    "even at quality %d; the file was written and says so\n"),
		    progname, f->out.size, conf->photo.size_min,
		    conf->photo.size_max, f->out.quality);
done:
	free(f);
	free(buf);
	return rc;
}

/* What check found in a set: the summary line's counts. */
struct check_tally {
	int	checked, passed, warned, failed, skipped;
};

/* The first finding of the verdict's severity: the one line's reason. */
static const photo_finding *
first_reason(const photo_result *r)
{
	int i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity == r->verdict)
			return &r->findings[i];
	return r->nfindings > 0 ? &r->findings[0] : NULL;
}

/*
 * A file check could not read as a photo, in the words process uses: a
 * PNG or WebP is named as such (photo_decode names the format; the file
 * checks only see that it is not a JPEG).
 */
static const char *
unreadable_why(photo_ctx *ctx, const unsigned char *buf, size_t len,
    const char *err, char *why, size_t whylen)
{
	photo_image *im;

	snprintf(why, whylen, "%s", err);
	if ((im = photo_decode(ctx, buf, len)) == NULL)
		snprintf(why, whylen, "%s", photo_error(ctx));
	photo_image_destroy(im);
	return why;
}

/*
 * Checks one file; returns 0 pass/warn, 1 fail or unreadable. One line
 * for people: the verdict, the file and the first reason in words (or,
 * for a good photo, what it is); --verbose adds every measurement and
 * finding; --json is one object per file.
 */
static int
check_one(photo_ctx *ctx, const struct opts *o, const char *path,
    struct check_tally *t)
{
	char err[512], why[512];
	unsigned char *buf;
	photo_fileinfo fi;
	photo_result *r = NULL;
	const photo_finding *fd;
	size_t len;
	int rc = 1;

	t->checked++;
	t->failed++;		/* until it is known to pass */
	if ((buf = store_read_file(path, STORE_MAX_PHOTO, &len, err,
	    sizeof(err))) == NULL) {
		print_error(o, path, err);
		return 1;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		print_error(o, path, strerror(ENOMEM));
		goto done;
	}
	if (photo_check_file(ctx, path, buf, len, &fi, r) == -1) {
		snprintf(err, sizeof(err), "%s", photo_error(ctx));
		print_error(o, path, unreadable_why(ctx, buf, len, err, why,
		    sizeof(why)));
		goto done;
	}
	rc = r->verdict >= PHOTO_FAIL;
	if (!rc) {
		t->failed--;
		t->passed++;
		t->warned += r->verdict == PHOTO_WARN;
	}
	if (o->json) {
		json_t *j = store_result_json(path, r, 1), *fj = json_object();

		json_object_set_new(fj, "width", json_integer(fi.width));
		json_object_set_new(fj, "height", json_integer(fi.height));
		json_object_set_new(fj, "components",
		    json_integer(fi.components));
		json_object_set_new(fj, "progressive",
		    json_boolean(fi.progressive));
		json_object_set_new(fj, "density_unit",
		    json_integer(fi.density_unit));
		json_object_set_new(fj, "xdensity", json_integer(fi.xdensity));
		json_object_set_new(fj, "ydensity", json_integer(fi.ydensity));
		json_object_set_new(fj, "quality", json_integer(fi.quality));
		json_object_set_new(fj, "bytes", json_integer(
		    (json_int_t)fi.size));
		json_object_set_new(fj, "exif", json_boolean(fi.exif));
		json_object_set_new(j, "jpeg", fj);
		ctl_print_json(j, JSON_COMPACT);
		json_decref(j);
	} else if (o->verbose) {
		printf(_("%s %s  (%dx%d px, %d dpi, quality %d, %.1f KB)\n"),
		    r->verdict >= PHOTO_FAIL ? "FAIL" :
		    r->verdict == PHOTO_WARN ? "WARN" : "PASS", path, fi.width,
		    fi.height, fi.density_unit == 1 ? fi.xdensity : 0,
		    fi.quality, (double)fi.size / 1024);
		print_metrics(r);
		print_findings(r);
	} else if (!o->quiet || rc) {
		fd = r->verdict >= PHOTO_WARN ? first_reason(r) : NULL;
		if (fd == NULL)
			printf(_("PASS %s  (%dx%d px, %d dpi, %.1f KB)\n"), path,
			    fi.width, fi.height, fi.density_unit == 1 ?
			    fi.xdensity : 0, (double)fi.size / 1024);
		else if (r->nfindings > 1)
			printf(_("%s %s: %s (%s; %d more with --verbose)\n"),
			    r->verdict >= PHOTO_FAIL ? "FAIL" : "WARN", path,
			    _(fd->advice), fd->req, r->nfindings - 1);
		else
			printf(_("%s %s: %s (%s)\n"), r->verdict >=
			    PHOTO_FAIL ? "FAIL" : "WARN", path,
			    _(fd->advice), fd->req);
	}
	if (o->annotate != NULL) {
		photo_image *im = photo_decode(ctx, buf, len);
		const char *base = strrchr(path, '/');
		char apath[PATH_MAX];

		base = base ? base + 1 : path;
		snprintf(apath, sizeof(apath), "%s/%s.annotated.jpg",
		    o->annotate, base);
		if (im != NULL)
			annotate_to(ctx, im, r, apath);
		photo_image_destroy(im);
	}
done:
	free(r);
	free(buf);
	return rc;
}

/*
 * Whether a file in a folder is meant as a photo: an image's name
 * (.jpg, .jpeg, .png, .webp, ...) or an image's first bytes. A README or
 * a CSV beside the photos is not one of them: skipped, with a note.
 */
static int
looks_like_photo(const char *path)
{
	static const char *const exts[] = { ".jpg", ".jpeg", ".jpe", ".png",
	    ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", NULL };
	const char *dot = strrchr(path, '.');
	unsigned char b[12];
	size_t n = 0;
	FILE *f;
	int i;

	for (i = 0; dot != NULL && exts[i] != NULL; i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return 1;
	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(b, 1, sizeof(b), f);
		fclose(f);
	}
	return (n >= 2 && b[0] == 0xff && b[1] == 0xd8) ||
	    (n >= 8 && memcmp(b, "\x89PNG", 4) == 0) ||
	    (n >= 12 && memcmp(b, "RIFF", 4) == 0 &&
	    memcmp(b + 8, "WEBP", 4) == 0);
}

/*
 * A folder: every visible regular file in it that is meant as a photo,
 * in name order; a photo that is not a good JPEG fails with its reason.
 * Other files are skipped and named. Sub-folders are not entered: the
 * versions/ of replaced photos are not part of the set.
 */
static int
check_dir(photo_ctx *ctx, const struct opts *o, const char *dir,
    struct check_tally *t)
{
	struct dirent **ents;
	struct stat st;
	char path[PATH_MAX];
	size_t dl = strlen(dir);
	int n, i, rc = 0;

	if ((n = store_list_dir(dir, &ents)) == -1) {
		print_error(o, dir, strerror(errno));
		return 1;
	}
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)dl, dir,
		    ents[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (looks_like_photo(path))
				rc |= check_one(ctx, o, path, t);
			else {
				t->skipped++;
				if (!o->json && !o->quiet)
					printf(_("skip %s: not a photo\n"),
					    path);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int
cmd_check(photo_ctx *ctx, const struct opts *o, int argc, char **argv)
{
	struct check_tally t = { 0, 0, 0, 0, 0 };
	struct stat st;
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc |= check_dir(ctx, o, argv[i], &t);
		else
			rc |= check_one(ctx, o, argv[i], &t);
	}
	/* --json stays one object per file, nothing else */
	if (!o->json)
		printf(_("checked %d: %d passed (%d with warnings), %d failed, "
		    "%d skipped (not photos)\n"), t.checked, t.passed,
		    t.warned, t.failed, t.skipped);
	return rc;
}

/*
 * Where the catalogues are: a locale/ folder beside the program (the
 * build's build/locale, for build/idphotoctl and make run), else the
 * LOCALEDIR compiled in (an installed idphotoctl). $IDPHOTOD_LOCALEDIR
 * overrides both. The result is static.
 */
static const char *
locale_dir(void)
{
	static char dir[PATH_MAX];
	struct stat st;
	ssize_t n;
	char *slash;

	if ((n = readlink("/proc/self/exe", dir, sizeof(dir) - 8)) <= 0)
		return LOCALEDIR;
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		return LOCALEDIR;
	strcpy(slash + 1, "locale");
	if (strcmp(dir, LOCALEDIR) != 0 && stat(dir, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return dir;
	return LOCALEDIR;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",   required_argument, NULL, 'c' },
		{ "out",      required_argument, NULL, 'o' },
		{ "id",       required_argument, NULL, 'i' },
		{ "annotate", required_argument, NULL, 'a' },
		{ "json",     no_argument,       NULL, 'j' },
		{ "replace",  no_argument,       NULL, 'r' },
		{ "quiet",    no_argument,       NULL, 'q' },
		{ "verbose",  no_argument,       NULL, 'v' },
		{ "help",     no_argument,       NULL, 'h' },
		{ "version",  no_argument,       NULL, 'V' },
		{ "socket",   required_argument, NULL, 's' },
		{ "apply",    no_argument,       NULL, 'A' },
		{ "lightness", required_argument, NULL, 'L' },
		{ "csv",      no_argument,       NULL, 'C' },
		{ "allow-missing", no_argument,  NULL, 'M' },
		{ "allow-same-name", no_argument, NULL, 'N' },
		{ "dry-run",  no_argument,       NULL, 'n' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "before",   required_argument, NULL, 'B' },
		{ "override", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { 0 };
	struct store_conf *conf = NULL;
	photo_ctx *ctx = NULL;
	const char *cmd, *ldir, *user_config;
	char err[1024];
	struct stat st;
	char *end;
	int ch, rc = 2;

	setlocale(LC_ALL, "");
	ldir = getenv("IDPHOTOD_LOCALEDIR");
	bindtextdomain("idphotod", ldir && ldir[0] ? ldir : locale_dir());
	textdomain("idphotod");

	/* GNU getopt permutes: options may come before or after the
	 * command and its operands */
	while ((ch = getopt_long(argc, argv, "c:o:s:qvhV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c': o.config = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'i': o.id = optarg; break;
		case 'a': o.annotate = optarg; break;
		case 'j': o.json = 1; break;
		case 'r': o.replace = 1; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case 's': o.socket = optarg; break;
		case 'A': o.apply = 1; break;
		case 'C': o.batch.csv = 1; break;
		case 'M': o.batch.allow_missing = 1; break;
		case 'N': o.batch.same_name_ok = 1; break;
		case 'n': o.batch.dry_run = 1; break;
		case 'E': o.batch.encoding = optarg; break;
		case 'B': o.batch.before = optarg; break;
		case 'O': o.override = optarg; break;
		case 'L':
			o.lightness = strtod(optarg, &end);
			if (*end != '\0' || o.lightness < 10 ||
			    o.lightness > 95) {
				fprintf(stderr, _("%s: --lightness must be an L* "
				    "between 10 and 95\n"), progname);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("idphotoctl " STORE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if ((conf = malloc(sizeof(*conf))) == NULL ||
	    (ctx = photo_create()) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
		goto done;
	}
	store_conf_default(conf);
	user_config = o.config;
	if (o.config == NULL && stat(STORE_DEFAULT_CONFIG, &st) == 0)
		o.config = STORE_DEFAULT_CONFIG;
	if (o.config != NULL &&
	    store_conf_load(o.config, conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		goto done;
	}
	if (strcmp(cmd, "roster") == 0 || strcmp(cmd, "report") == 0 ||
	    strcmp(cmd, "export") == 0 || strcmp(cmd, "purge") == 0) {
		o.batch.json = o.json;
		o.batch.out = o.outdir;
		if (photo_configure(ctx, &conf->photo) == -1) {
			fprintf(stderr, "%s: %s\n", progname, photo_error(ctx));
			goto done;
		}
		rc = ctl_batch(conf, ctx, cmd, argc, argv, &o.batch);
		goto done;
	}
	if (strcmp(cmd, "process") != 0 && strcmp(cmd, "check") != 0) {
		const char *sock = o.socket ? o.socket :
		    getenv("IDPHOTOD_SOCKET") ? getenv("IDPHOTOD_SOCKET") :
		    conf->socket;

		struct ctl_opts co = { o.json, o.replace, o.apply,
		    o.lightness, user_config, o.override };

		rc = ctl_online(sock, cmd, argc, argv, &co);
		goto done;
	}
	if (photo_configure(ctx, &conf->photo) == -1) {
		fprintf(stderr, "%s: %s\n", progname, photo_error(ctx));
		goto done;
	}
	if (strcmp(cmd, "process") == 0) {
		if (o.id == NULL || argc != 1) {
			fprintf(stderr, _("%s: process needs --id ID and one "
			    "photo\n"), progname);
			usage(stderr);
			goto done;
		}
		rc = cmd_process(ctx, conf, &o, argv[0]);
	} else if (strcmp(cmd, "check") == 0) {
		if (argc < 1) {
			fprintf(stderr, _("%s: check needs files or folders\n"),
			    progname);
			goto done;
		}
		if (o.annotate != NULL && (stat(o.annotate, &st) == -1 ||
		    !S_ISDIR(st.st_mode))) {
			fprintf(stderr, _("%s: --annotate %s: not a folder\n"),
			    progname, o.annotate);
			goto done;
		}
		rc = cmd_check(ctx, &o, argc, argv);
	} else {
		fprintf(stderr, _("%s: unknown command %s\n"), progname, cmd);
		usage(stderr);
	}
done:
	photo_destroy(ctx);
	free(conf);
	return rc;
}
