/*
 * core.c — the photo_ctx handle, the parameters and their defaults, the
 * pimg helpers and the result's finding and metric lists.
 *
 * The handle owns its parameters (a copy) and the three cascades.
 * photo_configure() loads any cascade whose path changed into temporaries
 * first and swaps them in only when all loaded, so that a bad reload leaves
 * a working handle.
 */
#include <errno.h>
#include <sched.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "photo/internal.h"

static const struct {
	const char *name;
	const char *req;
	int severity;
	double limit, limit2;
} check_defaults[PHOTO_CK_COUNT] = {
	/* limit: unused */
	[PHOTO_CK_FACE]       = { "face",       "R-SUBJ-1",  PHOTO_FAIL, 0, 0 },
	/* limit: a second face counts as a person when it is at least this
	 * fraction of the main face's width */
	[PHOTO_CK_PERSONS]    = { "persons",    "R-BG-1",    PHOTO_FAIL, 0.45, 0 },
	[PHOTO_CK_EYES]       = { "eyes",       "R-SUBJ-3",  PHOTO_FAIL, 0, 0 },
	/* limit: largest eye-line angle, degrees */
	[PHOTO_CK_ROLL]       = { "roll",       "R-SUBJ-3",  PHOTO_FAIL, 5.0, 0 },
	/* limit: largest left/right asymmetry of the face (0..1) */
	[PHOTO_CK_YAW]        = { "yaw",        "R-SUBJ-3",  PHOTO_FAIL, 0.20, 0 },
	[PHOTO_CK_GEOMETRY]   = { "geometry",   "R-GEO-1..4", PHOTO_FAIL, 0, 0 },
	/* limit: largest upscale factor from camera pixels to output */
	[PHOTO_CK_RESOLUTION] = { "resolution", "R-FLOW-2",  PHOTO_FAIL, 1.0, 0 },
	[PHOTO_CK_FILE_FORMAT] = { "file_format", "R-FILE-1..4,6,8", PHOTO_FAIL,
	    0, 0 },
	/* the spec says "generally": a warning by default */
	[PHOTO_CK_FILE_SIZE]  = { "file_size",  "R-FILE-5",  PHOTO_WARN, 0, 0 },
	[PHOTO_CK_FILE_NAME]  = { "file_name",  "R-FILE-7",  PHOTO_FAIL, 0, 0 },
	/* limit, limit2: darkest and brightest mean face lightness, L*. Wide:
	 * skin itself ranges from about L* 25 to 75, and a check of exposure
	 * must not reject a graduate for the colour of the skin */
	[PHOTO_CK_EXPOSURE]   = { "exposure",   "R-LIGHT-1", PHOTO_FAIL, 15, 90 },
	/* limit: largest ratio of the two cheeks' light (either way); faces
	 * are not symmetric, so a warning by default */
	[PHOTO_CK_BALANCE]    = { "balance",    "R-LIGHT-1", PHOTO_WARN, 1.6, 0 },
	/* limit: largest fraction of face pixels clipped at 0 or 255 */
	[PHOTO_CK_CLIPPING]   = { "clipping",   "R-LIGHT-1", PHOTO_WARN, 0.05, 0 },
	/* limit: smallest Laplacian/intensity variance ratio on the eyes,
	 * brought to 64 px between the eyes */
	[PHOTO_CK_SHARPNESS]  = { "sharpness",  "R-IQ-1",    PHOTO_FAIL, 0.05, 0 },
	/* limit: largest CIEDE2000 distance of the background's mean colour
	 * from the nearest of the three references */
	[PHOTO_CK_BG_COLOUR]  = { "background_colour", "R-BG-2", PHOTO_FAIL,
	    4, 0 },
	/* limit: largest CIEDE2000 distance between the background's left
	 * and right thirds, or its top quarter and lower half; limit2:
	 * largest 95th percentile of the cells' distance from its mean */
	[PHOTO_CK_BG_EVEN]    = { "background_even", "R-BG-1", PHOTO_FAIL,
	    5, 8 },
	/* limit: how much darker (L*) the background right beside the head
	 * and shoulders may be than the background further out */
	[PHOTO_CK_BG_SHADOW]  = { "background_shadow", "R-BG-1", PHOTO_FAIL,
	    5, 0 },
	/* limit: largest fraction of the photo covered by things in the
	 * background that are not the subject */
	[PHOTO_CK_BG_OBJECTS] = { "background_objects", "R-BG-1", PHOTO_FAIL,
	    0.005, 0 },
	/* limit: largest chroma C*ab of a white or grey background */
	[PHOTO_CK_COLOUR_CAST] = { "colour_cast", "R-IQ-1", PHOTO_WARN, 5, 0 },
	/* limit: smallest CIEDE2000 distance between the clothing under the
	 * chin and the background */
	[PHOTO_CK_CLOTHING]   = { "clothing",   "R-SUBJ-6",  PHOTO_FAIL, 10, 0 },
	/* limit: largest tilt of the line across the shoulders, degrees */
	[PHOTO_CK_SHOULDERS]  = { "shoulders",  "R-SUBJ-3",  PHOTO_WARN, 8, 0 },
	/* limit: largest red area in either pupil, in pupils */
	[PHOTO_CK_RED_EYE]    = { "red_eye",    "R-LIGHT-2", PHOTO_FAIL, 0.3, 0 },
	/* limit: largest near-white cluster over either eye, IOD^2 */
	[PHOTO_CK_GLARE]      = { "glare",      "R-SUBJ-4",  PHOTO_FAIL, 0.004,
	    0 },
	/* limit: largest fraction of the photo covered by sharp-edged
	 * content that is not the subject (text, logos); any border fails */
	[PHOTO_CK_ADDED]      = { "added_content", "R-FILE-8", PHOTO_FAIL,
	    0.002, 0 },
	/* limit: widest gap between the lips, IOD; limit2: largest cluster
	 * of teeth, IOD^2 (mouth.c) */
	[PHOTO_CK_MOUTH]      = { "mouth",      "R-SUBJ-3",  PHOTO_FAIL, 0.03,
	    0.01 },
	/* limit: smallest opening of either eye, IOD (eyelid.c) */
	[PHOTO_CK_EYES_OPEN]  = { "eyes_open",  "R-SUBJ-3",  PHOTO_FAIL, 0.07,
	    0 },
};

void
photo_params_default(photo_params *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	snprintf(p->cascade_dir, sizeof(p->cascade_dir), "%s",
	    "/usr/share/opencv4/haarcascades");
	snprintf(p->face_cascade, sizeof(p->face_cascade), "%s",
	    "haarcascade_frontalface_alt2.xml");
	snprintf(p->eye_cascade, sizeof(p->eye_cascade), "%s",
	    "haarcascade_eye.xml");
	snprintf(p->glasses_cascade, sizeof(p->glasses_cascade), "%s",
	    "haarcascade_eye_tree_eyeglasses.xml");
	p->analysis_long = 1600;
	p->detect_long = 800;
	p->detect_scale = 1.1;
	p->detect_neighbors = 3;
	p->min_face = 0.08;
	p->top = (photo_band){ 50, 110, 80 };
	p->eye = (photo_band){ 200, 300, 250 };
	p->fw = (photo_band){ 180, 300, 240 };
	p->centre_tol = 4;
	p->quality_min = 60;
	p->size_min = 30720;
	p->size_max = 50000;
	p->dpi = 300;
	for (i = 0; i < PHOTO_CK_COUNT; i++) {
		p->check[i].severity = check_defaults[i].severity;
		p->check[i].limit = check_defaults[i].limit;
		p->check[i].limit2 = check_defaults[i].limit2;
	}
}

const char *
photo_check_name(enum photo_check c)
{
	if ((int)c < 0 || c >= PHOTO_CK_COUNT)
		return NULL;
	return check_defaults[c].name;
}

photo_ctx *
photo_create(void)
{
	photo_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	photo_params_default(&ctx->p);
	return ctx;
}

void
photo_destroy(photo_ctx *ctx)
{
	if (ctx == NULL)
		return;
	pcascade_free(ctx->face);
	pcascade_free(ctx->eye);
	pcascade_free(ctx->glasses);
	free(ctx);
}

/*
 * The clone copies the parameters and takes a reference to each cascade:
 * the cascades are read-only once loaded, so handles on other threads may
 * use them at once, and whichever handle goes last frees them.
 */
photo_ctx *
photo_clone(const photo_ctx *ctx)
{
	photo_ctx *c;

	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	*c = *ctx;
	c->face = pcascade_ref(ctx->face);
	c->eye = pcascade_ref(ctx->eye);
	c->glasses = pcascade_ref(ctx->glasses);
	c->err[0] = '\0';
	return c;
}

void
photo_set_threads(photo_ctx *ctx, int n)
{
	ctx->threads = n > 0 ? n : 0;
}

int
photo_threads(const photo_ctx *ctx)
{
	int n = photo_cpus();

	return ctx->threads > 0 && ctx->threads < n ? ctx->threads : n;
}

const char *
photo_error(const photo_ctx *ctx)
{
	if (ctx == NULL)
		return "out of memory";
	return ctx->err[0] ? ctx->err : "no error";
}

int
photo_seterr(photo_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Loads dir/file into *out when the path differs from *have. *out stays
 * NULL when the loaded cascade is current.
 */
static int
load_if_changed(photo_ctx *ctx, const char *dir, const char *file,
    const char *have, char *path, size_t pathlen, pcascade **out)
{
	char err[256];

	*out = NULL;
	if (file[0] == '/')
		snprintf(path, pathlen, "%s", file);
	else
		snprintf(path, pathlen, "%s/%s", dir, file);
	if (strcmp(path, have) == 0)
		return 0;
	if ((*out = pcascade_load(path, err, sizeof(err))) == NULL)
		return photo_seterr(ctx, "cascade %s: %s", path, err);
	return 0;
}

/* The checks photo_configure() makes before it loads anything. */
static int
check_params(photo_ctx *ctx, const photo_params *p)
{
	if (p->detect_scale <= 1.0 || p->detect_long < 64 ||
	    p->analysis_long < p->detect_long)
		return photo_seterr(ctx, "detector parameters out of range "
		    "(scale > 1, detect_long >= 64, analysis_long >= "
		    "detect_long)");
	if (p->top.min >= p->top.max || p->eye.min >= p->eye.max ||
	    p->fw.min >= p->fw.max)
		return photo_seterr(ctx, "a geometry band has min >= max");
	return 0;
}

int
photo_configure_ids(photo_ctx *ctx, const photo_params *p)
{
	if (check_params(ctx, p) == -1)
		return -1;
	ctx->p = *p;
	ctx->err[0] = '\0';
	return 0;
}

int
photo_configure(photo_ctx *ctx, const photo_params *p)
{
	char fpath[sizeof(ctx->face_path)], epath[sizeof(ctx->eye_path)];
	char gpath[sizeof(ctx->glasses_path)];
	pcascade *f = NULL, *e = NULL, *g = NULL;

	if (check_params(ctx, p) == -1)
		return -1;
	if (load_if_changed(ctx, p->cascade_dir, p->face_cascade,
	    ctx->face_path, fpath, sizeof(fpath), &f) == -1 ||
	    load_if_changed(ctx, p->cascade_dir, p->eye_cascade,
	    ctx->eye_path, epath, sizeof(epath), &e) == -1 ||
	    load_if_changed(ctx, p->cascade_dir, p->glasses_cascade,
	    ctx->glasses_path, gpath, sizeof(gpath), &g) == -1) {
		pcascade_free(f);
		pcascade_free(e);
		pcascade_free(g);
		return -1;
	}
	if (f != NULL) {
		pcascade_free(ctx->face);
		ctx->face = f;
		memcpy(ctx->face_path, fpath, sizeof(fpath));
	}
	if (e != NULL) {
		pcascade_free(ctx->eye);
		ctx->eye = e;
		memcpy(ctx->eye_path, epath, sizeof(epath));
	}
	if (g != NULL) {
		pcascade_free(ctx->glasses);
		ctx->glasses = g;
		memcpy(ctx->glasses_path, gpath, sizeof(gpath));
	}
	ctx->p = *p;
	ctx->err[0] = '\0';
	return 0;
}

int
pimg_alloc(pimg *im, int w, int h, int c)
{
	memset(im, 0, sizeof(*im));
	if (w <= 0 || h <= 0 || c <= 0)
		return -1;
	im->stride = (size_t)w * (size_t)c;
	if ((im->px = malloc(im->stride * (size_t)h)) == NULL)
		return -1;
	im->w = w;
	im->h = h;
	im->c = c;
	im->owned = 1;
	return 0;
}

void
pimg_free(pimg *im)
{
	if (im->owned)
		free(im->px);
	memset(im, 0, sizeof(*im));
}

void
pimg_view(const pimg *src, int x, int y, int w, int h, pimg *view)
{
	view->w = w;
	view->h = h;
	view->c = src->c;
	view->stride = src->stride;
	view->px = PIX(src, x, y);
	view->owned = 0;
}

/*
 * Hoare's selection (Wirth's form): reorders v[0..n) so that v[k] is what
 * it would be in v sorted ascending, the values before it no greater and
 * those after it no smaller, and returns it. Linear on average, where
 * the qsort it replaces was n log n; the value is the sort's, exactly.
 */
double
photo_kth(double *v, int n, int k)
{
	int l = 0, r = n - 1, i, j;
	double x, t;

	while (l < r) {
		x = v[k];
		i = l;
		j = r;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < k)
			l = i;
		if (k < i)
			r = j;
	}
	return v[k];
}

/* The median of v[0..n) (reordered): the middle value, or the mean of the
 * two middle ones when n is even; NAN when n is 0. */
double
photo_median(double *v, int n)
{
	double lo, hi;
	int i;

	if (n <= 0)
		return NAN;
	hi = photo_kth(v, n, n / 2);
	if (n % 2)
		return hi;
	lo = v[0];
	for (i = 1; i < n / 2; i++)	/* the largest of the lower half */
		if (v[i] > lo)
			lo = v[i];
	return (lo + hi) / 2;
}

int
photo_fill8(int w, int h, int seed, int *stack,
    int (*take)(void *arg, int k), void *arg)
{
	int top = 0, n = 0;

	stack[top++] = seed;
	while (top > 0) {
		int j = stack[--top], dx, dy;

		n++;
		for (dy = -1; dy <= 1; dy++)
			for (dx = -1; dx <= 1; dx++) {
				int x = j % w + dx, y = j / w + dy;

				if (x < 0 || y < 0 || x >= w || y >= h ||
				    !take(arg, y * w + x))
					continue;
				stack[top++] = y * w + x;
			}
	}
	return n;
}

void
photo_add_finding(photo_result *r, const photo_params *p,
    enum photo_check ck, const char *code, const char *req, double value,
    double limit, const char *advice)
{
	photo_finding *f;
	int sev = p->check[ck].severity;

	if (sev == PHOTO_OFF)
		return;
	if (sev > r->verdict)
		r->verdict = sev;
	if (r->nfindings >= PHOTO_MAX_FINDINGS)
		return;
	f = &r->findings[r->nfindings++];
	f->code = code;
	f->req = req;
	f->severity = sev;
	f->value = value;
	f->limit = limit;
	f->advice = advice;
}

void
photo_add_metric(photo_result *r, const char *name, double value)
{
	if (r->nmetrics >= PHOTO_MAX_METRICS)
		return;
	r->metrics[r->nmetrics].name = name;
	r->metrics[r->nmetrics].value = value;
	r->nmetrics++;
}

/*
 * The processors this thread may run on (its affinity mask, which is what
 * a container or `taskset` gives it). Threads beyond that only queue.
 */
int
photo_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
