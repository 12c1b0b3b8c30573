/*
 * check.c — `idphotoctl check`: photos made elsewhere (files, or the
 * JPEGs in folders) checked offline against the spec, and the printers of
 * a result that `process` shares.
 *
 * A set is checked in parallel: the files are listed first, in the order
 * of the command line and, inside a folder, in name order; then one
 * worker per processor this process may use (photo_cpus) takes the
 * next file, each with its own handle (photo_clone: the cascades are
 * loaded once and shared) limited to one thread, so that the threads stay
 * at the number of processors. Each file's output goes into its own
 * buffer, and the main thread prints the buffers in list order as they
 * are done: the output is the same, line for line, as one file after the
 * other would give. A single file, or a single processor, is checked on
 * the caller's handle directly (whose face search may use every
 * processor).
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libintl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
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

void
ctl_print_findings(FILE *f, const photo_result *r)
{
	int i;

	for (i = 0; i < r->nfindings; i++) {
		const photo_finding *fd = &r->findings[i];

		fprintf(f, "  %-4s %-16s %-18s ",
		    _(store_severity_word(fd->severity)), fd->req, fd->code);
		if (!yes_no_finding(fd)) {
			print_in_unit(f, fd->code, fd->value);
			fputs(_(" (limit "), f);
			print_in_unit(f, fd->code, fd->limit);
			fputs(")", f);
		}
		fprintf(f, "\n       %s\n", _(fd->advice));
	}
}

void
ctl_print_metrics(FILE *f, const photo_result *r)
{
	int i;

	for (i = 0; i < r->nmetrics; i++) {
		fprintf(f, "  %-22s ", r->metrics[i].name);
		print_num(f, r->metrics[i].value);
		putc('\n', f);
	}
}

void
ctl_print_error(FILE *f, int json, const char *path, const char *msg)
{
	if (json) {
		json_t *j = json_object();

		json_object_set_new(j, "file", store_json_text(path));
		json_object_set_new(j, "verdict", json_string("error"));
		json_object_set_new(j, "error", store_json_text(msg));
		ctl_fprint_json(f, j, JSON_COMPACT);
		json_decref(j);
	} else
		fprintf(f, "FAIL %s: %s\n", path, _(msg));
}

int
ctl_annotate(photo_ctx *ctx, photo_image *im, const photo_result *r,
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
 * Checks one file, printing to out; returns 0 pass/warn, 1 fail or
 * unreadable. One line for people: the verdict, the file and the first
 * reason in words (or, for a good photo, what it is); --verbose adds
 * every measurement and finding; --json is one object per file.
 */
static int
check_one(photo_ctx *ctx, const struct ctl_check_opts *o, const char *path,
    FILE *out, struct check_tally *t)
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
		ctl_print_error(out, o->json, path, err);
		return 1;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		ctl_print_error(out, o->json, path, strerror(ENOMEM));
		goto done;
	}
	if (photo_check_file(ctx, path, buf, len, &fi, r) == -1) {
		snprintf(err, sizeof(err), "%s", photo_error(ctx));
		ctl_print_error(out, o->json, path, unreadable_why(ctx, buf,
		    len, err, why, sizeof(why)));
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
		ctl_fprint_json(out, j, JSON_COMPACT);
		json_decref(j);
	} else if (o->verbose) {
		fprintf(out, _("%s %s  (%dx%d px, %d dpi, quality %d, "
		    "%.1f KB)\n"), r->verdict >= PHOTO_FAIL ? "FAIL" :
		    r->verdict == PHOTO_WARN ? "WARN" : "PASS", path, fi.width,
		    fi.height, fi.density_unit == 1 ? fi.xdensity : 0,
		    fi.quality, (double)fi.size / 1024);
		ctl_print_metrics(out, r);
		ctl_print_findings(out, r);
	} else if (!o->quiet || rc) {
		fd = r->verdict >= PHOTO_WARN ? first_reason(r) : NULL;
		if (fd == NULL)
			fprintf(out, _("PASS %s  (%dx%d px, %d dpi, %.1f KB)\n"),
			    path, fi.width, fi.height, fi.density_unit == 1 ?
			    fi.xdensity : 0, (double)fi.size / 1024);
		else if (r->nfindings > 1)
			fprintf(out, _("%s %s: %s (%s; %d more with "
			    "--verbose)\n"), r->verdict >= PHOTO_FAIL ? "FAIL" :
			    "WARN", path, _(fd->advice), fd->req,
			    r->nfindings - 1);
		else
			fprintf(out, _("%s %s: %s (%s)\n"), r->verdict >=
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
			ctl_annotate(ctx, im, r, apath);
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

/* ---- the set: listed first, checked in parallel, printed in order ---- */

enum item_kind { ITEM_CHECK, ITEM_SKIP, ITEM_LIST_ERROR };

struct item {
	char	*path;
	enum item_kind kind;
	int	err;		/* ITEM_LIST_ERROR: errno */
	/* filled by the worker that checked it */
	char	*out;
	size_t	outlen;
	int	rc;
	struct check_tally t;
	int	done;
};

struct itemlist {
	struct item *v;
	int	n, cap;
};

static int
add_item(struct itemlist *l, const char *path, enum item_kind kind, int err)
{
	struct item *it;

	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct item *nv = realloc(l->v, sizeof(*nv) * (size_t)cap);

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	it = &l->v[l->n];
	memset(it, 0, sizeof(*it));
	if ((it->path = strdup(path)) == NULL)
		return -1;
	it->kind = kind;
	it->err = err;
	l->n++;
	return 0;
}

/*
 * A folder: every visible regular file in it that is meant as a photo,
 * in name order; a photo that is not a good JPEG fails with its reason.
 * Other files are skipped and named. Sub-folders are not entered: the
 * versions/ of replaced photos are not part of the set.
 */
static int
list_dir(const char *dir, struct itemlist *l)
{
	struct dirent **ents;
	struct stat st;
	char path[PATH_MAX];
	size_t dl = strlen(dir);
	int n, i, rc = 0;

	if ((n = store_list_dir(dir, &ents)) == -1)
		return add_item(l, dir, ITEM_LIST_ERROR, errno);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)dl, dir,
		    ents[i]->d_name);
		if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = add_item(l, path, looks_like_photo(path) ?
			    ITEM_CHECK : ITEM_SKIP, 0);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* One item's output to out, its counts into it->t; returns its rc. */
static int
run_item(photo_ctx *ctx, const struct ctl_check_opts *o, struct item *it,
    FILE *out)
{
	switch (it->kind) {
	case ITEM_LIST_ERROR:
		ctl_print_error(out, o->json, it->path, strerror(it->err));
		return 1;
	case ITEM_SKIP:
		it->t.skipped++;
		if (!o->json && !o->quiet)
			fprintf(out, _("skip %s: not a photo\n"), it->path);
		return 0;
	case ITEM_CHECK:
	default:
		return check_one(ctx, o, it->path, out, &it->t);
	}
}

struct pool {
	const struct ctl_check_opts *o;
	struct itemlist *l;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* an item is done */
	int	next;		/* the next item to take */
};

struct worker {
	struct pool *pool;
	photo_ctx *ctx;
	pthread_t tid;
};

/* A worker: takes the next item, checks it into a buffer, marks it done. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		struct item *it;
		FILE *f;
		int i;

		pthread_mutex_lock(&p->mu);
		i = p->next < p->l->n ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			break;
		it = &p->l->v[i];
		if ((f = open_memstream(&it->out, &it->outlen)) == NULL) {
			it->out = NULL;
			it->rc = -1;	/* the main thread runs it */
		} else {
			it->rc = run_item(w->ctx, p->o, it, f);
			fclose(f);
		}
		pthread_mutex_lock(&p->mu);
		it->done = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/*
 * Checks l's items on nw workers and prints their outputs in order as
 * they come. A worker that cannot start leaves its share to the others;
 * with none started, or an item whose buffer could not be made, the main
 * thread checks it itself on ctx.
 */
static int
run_parallel(photo_ctx *ctx, const struct ctl_check_opts *o,
    struct itemlist *l, int nw, struct check_tally *t)
{
	struct pool p = { o, l, PTHREAD_MUTEX_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, 0 };
	struct worker *w;
	int i, started = 0, rc = 0;

	if ((w = calloc((size_t)nw, sizeof(*w))) == NULL)
		nw = 0;
	for (i = 0; i < nw; i++) {
		w[i].pool = &p;
		if ((w[i].ctx = photo_clone(ctx)) == NULL)
			break;
		photo_set_threads(w[i].ctx, 1);
		if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0) {
			photo_destroy(w[i].ctx);
			w[i].ctx = NULL;
			break;
		}
		started++;
	}
	if (started == 0)	/* no worker: every item here, one by one */
		for (i = 0; i < l->n; i++) {
			l->v[i].rc = -1;
			l->v[i].done = 1;
		}
	for (i = 0; i < l->n; i++) {
		struct item *it = &l->v[i];

		pthread_mutex_lock(&p.mu);
		while (!it->done)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		if (it->out == NULL) {
			memset(&it->t, 0, sizeof(it->t));
			it->rc = run_item(ctx, o, it, stdout);
		} else
			fwrite(it->out, 1, it->outlen, stdout);
		fflush(stdout);
		free(it->out);
		it->out = NULL;
		rc |= it->rc;
		t->checked += it->t.checked;
		t->passed += it->t.passed;
		t->warned += it->t.warned;
		t->failed += it->t.failed;
		t->skipped += it->t.skipped;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	for (i = 0; i < nw && w != NULL; i++)
		photo_destroy(w[i].ctx);
	free(w);
	return rc;
}

int
ctl_check(photo_ctx *ctx, const struct ctl_check_opts *o, int argc,
    char **argv)
{
	struct check_tally t = { 0, 0, 0, 0, 0 };
	struct itemlist l = { NULL, 0, 0 };
	struct stat st;
	int i, nw, nchecks = 0, rc = 0;

	for (i = 0; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (list_dir(argv[i], &l) == -1)
				goto nomem;
		} else if (add_item(&l, argv[i], ITEM_CHECK, 0) == -1)
			goto nomem;
	}
	for (i = 0; i < l.n; i++)
		nchecks += l.v[i].kind == ITEM_CHECK;
	nw = photo_cpus();	/* a worker per processor it may use */
	if (nw > nchecks)
		nw = nchecks;
	/* every photo allocates and frees the same few images: kept in the
	 * heap rather than mapped and unmapped each time (page faults) */
	if (nchecks > 1) {
		mallopt(M_MMAP_THRESHOLD, 16 << 20);
		mallopt(M_TRIM_THRESHOLD, 32 << 20);
	}
	if (nw >= 2)
		rc = run_parallel(ctx, o, &l, nw, &t);
	else
		for (i = 0; i < l.n; i++) {
			struct item *it = &l.v[i];

			rc |= run_item(ctx, o, it, stdout);
			t.checked += it->t.checked;
			t.passed += it->t.passed;
			t.warned += it->t.warned;
			t.failed += it->t.failed;
			t.skipped += it->t.skipped;
		}
	/* --json stays one object per file, nothing else */
	if (!o->json)
		printf(_("checked %d: %d passed (%d with warnings), %d failed, "
		    "%d skipped (not photos)\n"), t.checked, t.passed,
		    t.warned, t.failed, t.skipped);
	for (i = 0; i < l.n; i++)
		free(l.v[i].path);
	free(l.v);
	return rc;
nomem:
	fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
	for (i = 0; i < l.n; i++)
		free(l.v[i].path);
	free(l.v);
	return 1;
}
