/*
 * cascade.c — our own evaluator of OpenCV's trained Haar cascades, read at
 * run time from opencv-data's XML files (the "opencv-cascade-classifier"
 * format: boosted stages of stumps or small trees over Haar features,
 * upright and 45-degree tilted).
 *
 * pcascade_detect() reproduces CascadeClassifier::detectMultiScale (the
 * CPU path of OpenCV 4.6) so that a test can hold it to OpenCV's answers:
 *  - the scales: factor = 1, 1.1, 1.21, ... (kept as floats), skipping
 *    windows smaller than the minimum, stopping at the maximum or the
 *    image size;
 *  - per scale, the image resized to round(size / factor) with the
 *    bit-exact bilinear resize (grey.c), then its integral, squared
 *    integral and, when the cascade has tilted features, tilted integral;
 *  - windows every 2 pixels (every pixel from factor 2 up), the next
 *    window skipped when the first stage rejects; each window normalised
 *    by the standard deviation of its inner area, and windows too flat to
 *    normalise rejected;
 *  - features summed in float and scaled by the float normaliser, stage
 *    sums in double against float thresholds lowered by 1e-5, as OpenCV;
 *  - hits mapped back with the scale, grouped with groupRectangles
 *    (eps 0.2): connected components of similar rectangles, averaged,
 *    those with too few neighbours dropped and small ones inside strong
 *    big ones removed, then clipped to the image.
 *
 * pcascade_detect_big_first() scans the large scales first and the small
 * ones only down to a given fraction of the largest object found: the
 * face search of the pipeline uses it, as only faces comparable to the
 * main one count (R-BG-1). Threads are at most the caller's count (the
 * handle's, photo_set_threads(): by default one per processor this process
 * may use, sched_getaffinity), never more.
 *
 * One integral buffer per thread, sized for its first (largest) scale, is
 * reused for every scale, so each feature's four corner offsets are
 * computed once per thread. Along a row, a block of windows is evaluated
 * at once in the lanes of a vector (four with SSE2, eight with AVX2 where
 * the processor has it: cascade_lanes.h), each lane with exactly the
 * operations of the one-window evaluator (run_at), which takes the rest
 * of the row. The cascade itself is read-only after loading
 * and may be shared between threads and handles (counted references,
 * pcascade_ref; the last pcascade_free frees it).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "photo/internal.h"

struct hrect {
	int	x, y, w, h;
	float	weight;
};

struct feature {
	int	tilted;
	int	nrect;
	struct hrect r[3];
};

struct node {			/* an internal node of a weak tree */
	int	feature;
	float	threshold;
	int	left, right;	/* > 0: node index in the tree; <= 0: -leaf */
};

struct weak {
	int	first_node;	/* into nodes[] */
	int	nnodes;
	int	first_leaf;	/* into leaves[] */
};

struct stage {
	int	first_weak, nweak;
	float	threshold;	/* already lowered by THRESHOLD_EPS */
};

struct pcascade {
	int	refs;		/* handles holding it (photo_clone) */
	int	winw, winh;
	int	tilted;		/* has tilted features */
	int	lanes;		/* windows a block: 4, 8, 1 (deep trees) */
	struct stage *stages;
	int	nstages;
	struct weak *weaks;
	int	nweaks;
	struct node *nodes;
	int	nnodes;
	float	*leaves;
	int	nleaves;
	struct feature *features;
	int	nfeatures;
};

/* The 8-lane block evaluator needs x86's AVX2 (chosen at run time). */
#if defined(__x86_64__) || defined(__i386__)
#define HAVE_AVX2_LANES	1
#else
#define HAVE_AVX2_LANES	0
#endif

/* Trees of more nodes than this are evaluated one window at a time. */
#define RUN_MAX_NODES	32

static int
cpu_has_avx2(void)
{
#if HAVE_AVX2_LANES
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
}

#define THRESHOLD_EPS	1e-5f
#define GROUP_EPS	0.2

/* ---- XML loading ------------------------------------------------------ */

static xmlNode *
child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* Element children named "_" (OpenCV's sequence items). */
static int
count_items(const xmlNode *n)
{
	xmlNode *c;
	int k = 0;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "_") == 0)
			k++;
	return k;
}

static xmlNode *
next_item(xmlNode *c)
{
	for (; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "_") == 0)
			return c;
	return NULL;
}

/* Reads up to max numbers from the text of n; returns how many. */
static int
numbers(const xmlNode *n, double *out, int max)
{
	xmlChar *txt = n ? xmlNodeGetContent(n) : NULL;
	const char *p = (const char *)txt;
	char *end;
	int k = 0;

	while (p != NULL && k < max) {
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (end == p)
			break;
		out[k++] = v;
		p = end;
	}
	xmlFree(txt);
	return k;
}

static int
number(const xmlNode *n, double *v)
{
	return numbers(n, v, 1) == 1 ? 0 : -1;
}

static int
load_stages(pcascade *c, xmlNode *stages, char *err, size_t errlen)
{
	xmlNode *s, *w;
	int si, nw = 0, nn = 0, nl = 0;

	c->nstages = count_items(stages);
	if (c->nstages == 0) {
		snprintf(err, errlen, "no stages");
		return -1;
	}
	/* first pass: sizes */
	for (s = next_item(stages->children); s; s = next_item(s->next)) {
		xmlNode *wc = child(s, "weakClassifiers");

		if (wc == NULL) {
			snprintf(err, errlen, "a stage has no weakClassifiers");
			return -1;
		}
		for (w = next_item(wc->children); w; w = next_item(w->next)) {
			double tmp[4096];
			int k = numbers(child(w, "internalNodes"), tmp, 4096);
			int l = numbers(child(w, "leafValues"), tmp, 4096);

			if (k == 0 || k % 4 != 0 || l != k / 4 + 1) {
				snprintf(err, errlen, "malformed weak classifier "
				    "(%d node values, %d leaves)", k, l);
				return -1;
			}
			nw++;
			nn += k / 4;
			nl += l;
		}
	}
	c->stages = calloc((size_t)c->nstages, sizeof(*c->stages));
	c->weaks = calloc((size_t)nw, sizeof(*c->weaks));
	c->nodes = calloc((size_t)nn, sizeof(*c->nodes));
	c->leaves = calloc((size_t)nl, sizeof(*c->leaves));
	if (!c->stages || !c->weaks || !c->nodes || !c->leaves) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* second pass: values */
	si = 0;
	for (s = next_item(stages->children); s; s = next_item(s->next), si++) {
		struct stage *st = &c->stages[si];
		double thr;

		if (number(child(s, "stageThreshold"), &thr) == -1) {
			snprintf(err, errlen, "stage %d has no threshold", si);
			return -1;
		}
		st->threshold = (float)thr - THRESHOLD_EPS;
		st->first_weak = c->nweaks;
		for (w = next_item(child(s, "weakClassifiers")->children); w;
		    w = next_item(w->next)) {
			double v[4096];
			struct weak *wk = &c->weaks[c->nweaks++];
			int k = numbers(child(w, "internalNodes"), v, 4096), j;

			wk->first_node = c->nnodes;
			wk->nnodes = k / 4;
			wk->first_leaf = c->nleaves;
			for (j = 0; j < k; j += 4) {
				struct node *nd = &c->nodes[c->nnodes++];

				nd->left = (int)v[j];
				nd->right = (int)v[j + 1];
				nd->feature = (int)v[j + 2];
				nd->threshold = (float)v[j + 3];
			}
			k = numbers(child(w, "leafValues"), v, 4096);
			for (j = 0; j < k; j++)
				c->leaves[c->nleaves++] = (float)v[j];
			st->nweak++;
		}
	}
	return 0;
}

static int
load_features(pcascade *c, xmlNode *feats, char *err, size_t errlen)
{
	xmlNode *f, *r;
	int fi = 0;

	c->nfeatures = count_items(feats);
	if (c->nfeatures == 0) {
		snprintf(err, errlen, "no features");
		return -1;
	}
	if ((c->features = calloc((size_t)c->nfeatures,
	    sizeof(*c->features))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (f = next_item(feats->children); f; f = next_item(f->next), fi++) {
		struct feature *ft = &c->features[fi];
		double t;

		if (number(child(f, "tilted"), &t) == 0 && t != 0)
			ft->tilted = c->tilted = 1;
		for (r = next_item(child(f, "rects") ? child(f, "rects")->children
		    : NULL); r; r = next_item(r->next)) {
			double v[5];

			if (ft->nrect == 3 || numbers(r, v, 5) != 5) {
				snprintf(err, errlen, "feature %d: malformed "
				    "rectangle", fi);
				return -1;
			}
			ft->r[ft->nrect++] = (struct hrect){ (int)v[0],
			    (int)v[1], (int)v[2], (int)v[3], (float)v[4] };
		}
		if (ft->nrect < 2) {
			snprintf(err, errlen, "feature %d has %d rectangles", fi,
			    ft->nrect);
			return -1;
		}
	}
	return 0;
}

/*
 * Every node must name an existing feature and point forwards inside its
 * tree (so that evaluation terminates), and every rectangle must lie
 * inside the window (so that evaluation reads inside the integrals).
 */
static int
validate(const pcascade *c, char *err, size_t errlen)
{
	int i, j;

	for (i = 0; i < c->nweaks; i++) {
		const struct weak *w = &c->weaks[i];

		for (j = 0; j < w->nnodes; j++) {
			const struct node *n = &c->nodes[w->first_node + j];

			if (n->feature < 0 || n->feature >= c->nfeatures ||
			    (n->left > 0 && (n->left <= j ||
			    n->left >= w->nnodes)) ||
			    (n->right > 0 && (n->right <= j ||
			    n->right >= w->nnodes)) ||
			    -n->left > w->nnodes || -n->right > w->nnodes) {
				snprintf(err, errlen, "weak classifier %d: node "
				    "%d out of range", i, j);
				return -1;
			}
		}
	}
	for (i = 0; i < c->nfeatures; i++)
		for (j = 0; j < c->features[i].nrect; j++) {
			const struct hrect *r = &c->features[i].r[j];
			int bad = r->w < 0 || r->h < 0 || r->y < 0;

			if (c->features[i].tilted)
				bad |= r->x - r->h < 0 || r->x + r->w > c->winw ||
				    r->y + r->w + r->h > c->winh;
			else
				bad |= r->x < 0 || r->x + r->w > c->winw ||
				    r->y + r->h > c->winh;
			if (bad) {
				snprintf(err, errlen, "feature %d: rectangle "
				    "outside the %dx%d window", i, c->winw,
				    c->winh);
				return -1;
			}
		}
	return 0;
}

pcascade *
pcascade_load(const char *path, char *err, size_t errlen)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *cas;
	pcascade *c = NULL;
	double w, h;
	xmlChar *st = NULL, *ft = NULL;

	if ((doc = xmlReadFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE)) == NULL) {
		const xmlError *e = xmlGetLastError();

		snprintf(err, errlen, "cannot read as XML%s%s",
		    e && e->message ? ": " : "", e && e->message ?
		    e->message : "");
		/* libxml2's messages end in a newline */
		if (strlen(err) > 0 && err[strlen(err) - 1] == '\n')
			err[strlen(err) - 1] = '\0';
		goto fail;
	}
	root = xmlDocGetRootElement(doc);
	for (cas = root ? root->children : NULL; cas; cas = cas->next)
		if (cas->type == XML_ELEMENT_NODE && child(cas, "stages"))
			break;
	if (cas == NULL) {
		snprintf(err, errlen, "not an OpenCV cascade (no stages)");
		goto fail;
	}
	st = xmlNodeGetContent(child(cas, "stageType"));
	ft = xmlNodeGetContent(child(cas, "featureType"));
	if (st == NULL || ft == NULL) {
		snprintf(err, errlen, "an old-format cascade, which is not "
		    "supported (convert it with OpenCV's traincascade)");
		goto fail;
	}
	if (strcmp((const char *)st, "BOOST") != 0 ||
	    strcmp((const char *)ft, "HAAR") != 0) {
		snprintf(err, errlen, "a %s/%s cascade; only BOOST/HAAR is "
		    "supported", (const char *)st, (const char *)ft);
		goto fail;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->refs = 1;
	if (number(child(cas, "width"), &w) == -1 ||
	    number(child(cas, "height"), &h) == -1 || w < 4 || h < 4 ||
	    w > 1000 || h > 1000) {
		snprintf(err, errlen, "no valid window size");
		goto fail;
	}
	c->winw = (int)w;
	c->winh = (int)h;
	if (load_stages(c, child(cas, "stages"), err, errlen) == -1)
		goto fail;
	if (child(cas, "features") == NULL) {
		snprintf(err, errlen, "no features");
		goto fail;
	}
	if (load_features(c, child(cas, "features"), err, errlen) == -1 ||
	    validate(c, err, errlen) == -1)
		goto fail;
	pcascade_set_lanes(c, 8);
	xmlFree(st);
	xmlFree(ft);
	xmlFreeDoc(doc);
	return c;
fail:
	xmlFree(st);
	xmlFree(ft);
	if (doc != NULL)
		xmlFreeDoc(doc);
	pcascade_free(c);
	return NULL;
}

pcascade *
pcascade_ref(pcascade *c)
{
	if (c != NULL)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void
pcascade_free(pcascade *c)
{
	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free(c->stages);
	free(c->weaks);
	free(c->nodes);
	free(c->leaves);
	free(c->features);
	free(c);
}

/*
 * Windows a block of the scan: 8 where the processor has AVX2, else 4;
 * 1 (each window alone, run_at) when a tree has more nodes than the
 * block evaluator keeps. The answer is the same for every choice; tests
 * compare them.
 */
int
pcascade_set_lanes(pcascade *c, int lanes)
{
	int i;

	if (lanes >= 8 && !cpu_has_avx2())
		lanes = 4;
	for (i = 0; i < c->nweaks; i++)
		if (c->weaks[i].nnodes > RUN_MAX_NODES)
			lanes = 1;
	return c->lanes = lanes >= 8 ? 8 : lanes >= 4 ? 4 : 1;
}

void
pcascade_winsize(const pcascade *c, int *w, int *h)
{
	*w = c->winw;
	*h = c->winh;
}

/* ---- detection -------------------------------------------------------- */

/* A feature's corner offsets into the integral buffers (one per rect). */
struct optfeat {
	int	ofs[3][4];
	float	weight[3];
	const uint32_t *base;	/* sum or tilted buffer */
};

/*
 * A tree node with its feature's offsets inline, so that evaluating it
 * reads one record and the integral: the nodes of a scan, in the
 * cascade's order.
 */
struct optnode {
	const uint32_t *base;	/* sum or tilted buffer */
	int	ofs[3][4];
	float	weight[3];
	float	threshold;
	int	left, right;
};

/* The per-call working state. */
struct scan {
	const pcascade *c;
	int	stride;			/* integral row length */
	uint32_t *sum, *sq, *tilt;	/* (h+1) x stride each */
	struct optfeat *of;
	struct optnode *on;		/* c->nnodes */
	int	nofs[4];		/* the normalisation rect */
	double	area;
};

static void
set_offsets(struct scan *s)
{
	const pcascade *c = s->c;
	int i, j, st = s->stride;

	for (i = 0; i < c->nfeatures; i++) {
		const struct feature *f = &c->features[i];
		struct optfeat *o = &s->of[i];

		memset(o, 0, sizeof(*o));
		o->base = f->tilted ? s->tilt : s->sum;
		for (j = 0; j < f->nrect; j++) {
			const struct hrect *r = &f->r[j];

			o->weight[j] = r->weight;
			if (f->tilted) {
				o->ofs[j][0] = r->x + st * r->y;
				o->ofs[j][1] = r->x - r->h + st * (r->y + r->h);
				o->ofs[j][2] = r->x + r->w + st * (r->y + r->w);
				o->ofs[j][3] = r->x + r->w - r->h +
				    st * (r->y + r->w + r->h);
			} else {
				o->ofs[j][0] = r->x + st * r->y;
				o->ofs[j][1] = r->x + r->w + st * r->y;
				o->ofs[j][2] = r->x + st * (r->y + r->h);
				o->ofs[j][3] = r->x + r->w + st * (r->y + r->h);
			}
		}
	}
	for (i = 0; i < c->nnodes; i++) {
		const struct node *n = &c->nodes[i];
		const struct optfeat *o = &s->of[n->feature];
		struct optnode *d = &s->on[i];

		d->base = o->base;
		memcpy(d->ofs, o->ofs, sizeof(d->ofs));
		memcpy(d->weight, o->weight, sizeof(d->weight));
		d->threshold = n->threshold;
		d->left = n->left;
		d->right = n->right;
	}
	/* normalisation rect (1, 1, w - 2, h - 2) */
	s->nofs[0] = 1 + st * 1;
	s->nofs[1] = 1 + (c->winw - 2) + st * 1;
	s->nofs[2] = 1 + st * (1 + c->winh - 2);
	s->nofs[3] = 1 + (c->winw - 2) + st * (1 + c->winh - 2);
	s->area = (double)(c->winw - 2) * (c->winh - 2);
}

/* Integral, squared integral and (if wanted) tilted integral of img. */
static void
integrals(struct scan *s, const pimg *img, uint32_t *buf)
{
	int W = img->w, H = img->h, st = s->stride, x, y;

	memset(s->sum, 0, sizeof(uint32_t) * (size_t)(W + 1));
	memset(s->sq, 0, sizeof(uint32_t) * (size_t)(W + 1));
	for (y = 0; y < H; y++) {
		const unsigned char *p = PIX(img, 0, y);
		uint32_t *sr = s->sum + (size_t)(y + 1) * st;
		uint32_t *qr = s->sq + (size_t)(y + 1) * st;
		uint32_t a = 0, b = 0;

		sr[0] = qr[0] = 0;
		for (x = 0; x < W; x++) {
			a += p[x];
			b += (uint32_t)p[x] * p[x];
			sr[x + 1] = sr[x + 1 - st] + a;
			qr[x + 1] = qr[x + 1 - st] + b;
		}
	}
	if (s->tilt == NULL)
		return;
	/*
	 * Tilted: T[y+1][x+1] adds the pixel, T[y][x] and two up-right
	 * diagonal sums of the row above (kept in buf, buf[W] = 0), with
	 * OpenCV's own handling of the first and last columns.
	 */
	{
		uint32_t *T = s->tilt;
		const unsigned char *p = PIX(img, 0, 0);

		memset(T, 0, sizeof(uint32_t) * (size_t)(W + 1));
		T[st] = 0;
		for (x = 0; x < W; x++)
			buf[x] = T[st + x + 1] = p[x];
		buf[W] = 0;
		for (y = 1; y < H; y++) {
			uint32_t *tr = T + (size_t)(y + 1) * st;
			const uint32_t *up = T + (size_t)y * st;
			uint32_t t0, t1;

			p = PIX(img, 0, y);
			t0 = p[0];
			tr[0] = up[1];
			tr[1] = up[1] + t0 + buf[1];
			for (x = 1; x < W - 1; x++) {
				t1 = buf[x];
				buf[x - 1] = t1 + t0;
				t0 = p[x];
				tr[x + 1] = t1 + buf[x + 1] + t0 + up[x];
			}
			if (W > 1) {
				t1 = buf[x];
				buf[x - 1] = t1 + t0;
				t0 = p[x];
				tr[x + 1] = t0 + t1 + up[x];
				buf[x] = t0;
			}
		}
	}
}

static inline int32_t
rsum(const uint32_t *p, const int *o)
{
	return (int32_t)(p[o[0]] - p[o[1]] - p[o[2]] + p[o[3]]);
}

/*
 * Evaluates the cascade at window offset `win` (index into the integral
 * buffers). Returns 1 when every stage passes, -1 when the window is too
 * flat, else minus the failing stage (0 for the first).
 */
static int
run_at(const struct scan *s, size_t win)
{
	const pcascade *c = s->c;
	int32_t vs = rsum(s->sum + win, s->nofs);
	uint32_t vq = (uint32_t)rsum(s->sq + win, s->nofs);
	double nf = s->area * vq - (double)vs * vs;
	float norm;
	int si, wi;

	if (!(nf > 0.))
		return -1;
	norm = (float)(1. / sqrt(nf));
	if (!(s->area * norm < 1e-1))
		return -1;
	for (si = 0; si < c->nstages; si++) {
		const struct stage *st = &c->stages[si];
		double acc = 0;

		for (wi = 0; wi < st->nweak; wi++) {
			const struct weak *w = &c->weaks[st->first_weak + wi];
			int idx = 0;

			do {
				const struct optnode *o = &s->on[w->first_node +
				    idx];
				const uint32_t *p = o->base + win;
				float v = o->weight[0] * (float)rsum(p, o->ofs[0]) +
				    o->weight[1] * (float)rsum(p, o->ofs[1]);

				if (o->weight[2] != 0.0f)
					v += o->weight[2] * (float)rsum(p, o->ofs[2]);
				v *= norm;
				idx = v < o->threshold ? o->left : o->right;
			} while (idx > 0);
			acc += c->leaves[w->first_leaf - idx];
		}
		if (acc < st->threshold)
			return -si;
	}
	return 1;
}

/*
 * The block evaluators (cascade_lanes.h): four windows at once in SSE2's
 * vectors, which every x86-64 has, and eight in AVX2's where the
 * processor has it (chosen at load, pcascade_set_lanes); both give
 * run_at()'s answers, lane for lane.
 */
typedef float v4sf __attribute__((vector_size(16)));
typedef int32_t v4si __attribute__((vector_size(16)));
typedef uint32_t v4su __attribute__((vector_size(16)));
typedef double v2df __attribute__((vector_size(16)));

#define LANES		4
#define LANE_TARGET
#define VSF		v4sf
#define VSI		v4si
#define VSU		v4su
#define VHDF		v2df
#define EVEN(a, b)	__builtin_shufflevector(a, b, 0, 2, 4, 6)
#define LO(v)		__builtin_shufflevector(v, v, 0, 1)
#define HI(v)		__builtin_shufflevector(v, v, 2, 3)
#include "photo/cascade_lanes.h"

#if HAVE_AVX2_LANES
typedef float v8sf __attribute__((vector_size(32)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef uint32_t v8su __attribute__((vector_size(32)));
typedef double v4df __attribute__((vector_size(32)));

#define LANES		8
#define LANE_TARGET	__attribute__((target("avx2")))
#define VSF		v8sf
#define VSI		v8si
#define VSU		v8su
#define VHDF		v4df
#define EVEN(a, b)	__builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define LO(v)		__builtin_shufflevector(v, v, 0, 1, 2, 3)
#define HI(v)		__builtin_shufflevector(v, v, 4, 5, 6, 7)
#include "photo/cascade_lanes.h"
#endif

struct cands {
	prect_i *r;
	int	n, cap;
};

static int
push(struct cands *cs, prect_i r)
{
	if (cs->n == cs->cap) {
		int cap = cs->cap ? cs->cap * 2 : 256;
		prect_i *nr = realloc(cs->r, sizeof(*nr) * (size_t)cap);

		if (nr == NULL)
			return -1;
		cs->r = nr;
		cs->cap = cap;
	}
	cs->r[cs->n++] = r;
	return 0;
}

/* Union-find for the grouping. */
static int
find(int *parent, int i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static int
similar(const prect_i *a, const prect_i *b, double eps)
{
	double d = eps * ((a->w < b->w ? a->w : b->w) +
	    (a->h < b->h ? a->h : b->h)) * 0.5;

	return abs(a->x - b->x) <= d && abs(a->y - b->y) <= d &&
	    abs(a->x + a->w - b->x - b->w) <= d &&
	    abs(a->y + a->h - b->y - b->h) <= d;
}

/*
 * groupRectangles(eps) on cs: writes the kept groups to *out (and their
 * sizes to *nb). Returns the number kept, -1 when out of memory.
 */
static int
group(const struct cands *cs, int thr, double eps, prect_i **out, int **nb)
{
	int n = cs->n, *parent = NULL, *label = NULL, *cnt = NULL;
	long *acc = NULL;
	int i, j, k, ncls = 0, kept = -1;
	prect_i *avg = NULL, *res = NULL;
	int *rn = NULL;

	*out = NULL;
	if (nb)
		*nb = NULL;
	if (n == 0 || thr <= 0) {
		/* no grouping: the candidates themselves */
		if (n > 0 && ((res = malloc(sizeof(*res) * (size_t)n)) == NULL ||
		    (rn = malloc(sizeof(*rn) * (size_t)n)) == NULL))
			goto done;
		for (i = 0; i < n; i++) {
			res[i] = cs->r[i];
			rn[i] = 1;
		}
		kept = n;
		goto done;
	}
	parent = malloc(sizeof(int) * (size_t)n);
	label = malloc(sizeof(int) * (size_t)n);
	cnt = calloc((size_t)n, sizeof(int));
	acc = calloc((size_t)n * 4, sizeof(long));
	avg = malloc(sizeof(*avg) * (size_t)n);
	res = malloc(sizeof(*res) * (size_t)n);
	rn = malloc(sizeof(*rn) * (size_t)n);
	if (!parent || !label || !cnt || !acc || !avg || !res || !rn)
		goto done;
	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (similar(&cs->r[i], &cs->r[j], eps)) {
				int a = find(parent, i), b = find(parent, j);

				if (a != b)
					parent[a] = b;
			}
	/* classes numbered by first appearance */
	for (i = 0; i < n; i++)
		label[i] = -1;
	for (i = 0; i < n; i++) {
		int r = find(parent, i);

		if (label[r] < 0)
			label[r] = ncls++;
		k = label[r];
		acc[k * 4 + 0] += cs->r[i].x;
		acc[k * 4 + 1] += cs->r[i].y;
		acc[k * 4 + 2] += cs->r[i].w;
		acc[k * 4 + 3] += cs->r[i].h;
		cnt[k]++;
	}
	for (k = 0; k < ncls; k++) {
		float s = 1.f / cnt[k];

		avg[k].x = (int)lrintf((float)acc[k * 4 + 0] * s);
		avg[k].y = (int)lrintf((float)acc[k * 4 + 1] * s);
		avg[k].w = (int)lrintf((float)acc[k * 4 + 2] * s);
		avg[k].h = (int)lrintf((float)acc[k * 4 + 3] * s);
	}
	kept = 0;
	for (i = 0; i < ncls; i++) {
		const prect_i *r1 = &avg[i];
		int n1 = cnt[i];

		if (n1 <= thr)
			continue;
		/* drop small rectangles inside strong bigger ones */
		for (j = 0; j < ncls; j++) {
			const prect_i *r2 = &avg[j];
			int n2 = cnt[j], dx, dy;

			if (j == i || n2 <= thr)
				continue;
			dx = (int)lrint(r2->w * eps);
			dy = (int)lrint(r2->h * eps);
			if (r1->x >= r2->x - dx && r1->y >= r2->y - dy &&
			    r1->x + r1->w <= r2->x + r2->w + dx &&
			    r1->y + r1->h <= r2->y + r2->h + dy &&
			    (n2 > (n1 > 3 ? n1 : 3) || n1 < 3))
				break;
		}
		if (j == ncls) {
			res[kept] = *r1;
			rn[kept] = n1;
			kept++;
		}
	}
done:
	free(parent);
	free(label);
	free(cnt);
	free(acc);
	free(avg);
	if (kept < 0) {
		free(res);
		free(rn);
		return -1;
	}
	*out = res;
	if (nb)
		*nb = rn;
	else
		free(rn);
	return kept;
}

/*
 * The scan of a share of the scales: scales[which[0]], scales[which[1]],
 * ... (ascending). Each worker has its own integral buffers (sized for
 * its largest layer, the first) and writes each scale's hits to
 * per[scale], so that the candidates can be put back in scale order, as
 * one serial scan would find them.
 */
struct scanjob {
	const pcascade *c;
	const pimg *grey;
	const float *scales;
	const int *which;
	int	nwhich;
	struct cands *per;
	int	rc;
};

static void *
scan_scales(void *arg)
{
	struct scanjob *j = arg;
	const pcascade *c = j->c;
	const pimg *grey = j->grey;
	struct scan s = { 0 };
	pimg layer = { 0 };
	uint32_t *tbuf = NULL;
	size_t cells;
	int i, wi, lw0, lh0, bx, blk[8], lanes = c->lanes;

	j->rc = -1;
	if (j->nwhich == 0) {
		j->rc = 0;
		return NULL;
	}
	s.c = c;
	lw0 = (int)lrintf((float)grey->w / j->scales[j->which[0]]);
	lh0 = (int)lrintf((float)grey->h / j->scales[j->which[0]]);
	s.stride = lw0 + 1;
	cells = (size_t)s.stride * (size_t)(lh0 + 1);
	if (pimg_alloc(&layer, lw0, lh0, 1) == -1)
		goto done;
	s.sum = malloc(sizeof(uint32_t) * cells);
	s.sq = malloc(sizeof(uint32_t) * cells);
	s.of = malloc(sizeof(*s.of) * (size_t)c->nfeatures);
	s.on = malloc(sizeof(*s.on) * (size_t)c->nnodes);
	if (c->tilted) {
		s.tilt = malloc(sizeof(uint32_t) * cells);
		tbuf = malloc(sizeof(uint32_t) * (size_t)(s.stride + 1));
	}
	if (!s.sum || !s.sq || !s.of || !s.on || (c->tilted && (!s.tilt ||
	    !tbuf)))
		goto done;
	set_offsets(&s);

	for (wi = 0; wi < j->nwhich; wi++) {
		float sc = j->scales[i = j->which[wi]];
		int lw = (int)lrintf((float)grey->w / sc);
		int lh = (int)lrintf((float)grey->h / sc);
		int step = sc >= 2 ? 1 : 2, x, y;
		int ww = lw + 1 - c->winw, wh = lh + 1 - c->winh;
		int rw = (int)lrintf((float)c->winw * sc);
		int rh = (int)lrintf((float)c->winh * sc);

		if (lw > lw0 || lh > lh0 || ww <= 0 || wh <= 0)
			continue;
		layer.w = lw;
		layer.h = lh;
		layer.stride = (size_t)lw;
		if (pimg_resize_linear(grey, &layer) == -1)
			goto done;
		integrals(&s, &layer, tbuf);
		for (y = 0; y < wh; y += step)
			for (x = 0, bx = -1; x < ww; x += step) {
				size_t at = (size_t)y * s.stride + x;
				int r;

				/* a block of windows at once while the row
				 * has them (and the sample after them:
				 * cascade_lanes.h) */
				if (bx >= 0 && x < bx + lanes * step)
					r = blk[(x - bx) / step];
				else if (lanes > 1 && x + lanes * step <= ww) {
#if HAVE_AVX2_LANES
					if (lanes == 8)
						run8(&s, at, step, blk);
					else
#endif
						run4(&s, at, step, blk);
					bx = x;
					r = blk[0];
				} else
					r = run_at(&s, at);

				if (r > 0 && push(&j->per[i], (prect_i){
				    (int)lrintf((float)x * sc),
				    (int)lrintf((float)y * sc), rw, rh }) == -1)
					goto done;
				if (r == 0)
					x += step;
			}
	}
	j->rc = 0;
done:
	pimg_free(&layer);
	free(s.sum);
	free(s.sq);
	free(s.tilt);
	free(s.of);
	free(s.on);
	free(tbuf);
	return NULL;
}

/* Scans below this many pixels at the first scale stay on one thread. */
#define MT_MIN_PIXELS	(8 * 1024)
#define MT_MAX_THREADS	4
#define MAX_SCALES	1024

/*
 * The scales of detectMultiScale for windows min_w x min_h up to
 * max_w x max_h (0: no limit) and the image size; the window width of
 * each goes to ww[]. Returns how many.
 */
static int
scale_list(const pcascade *c, const pimg *grey, double scale_factor,
    int min_w, int min_h, int max_w, int max_h, float *scales, int *ww)
{
	double factor;
	int n = 0;

	if (max_w <= 0 || max_h <= 0) {
		max_w = grey->w;
		max_h = grey->h;
	}
	for (factor = 1; n < MAX_SCALES; factor *= scale_factor) {
		int w = (int)lrint(c->winw * factor);
		int h = (int)lrint(c->winh * factor);

		if (w > max_w || h > max_h || w > grey->w || h > grey->h)
			break;
		if (w < min_w || h < min_h)
			continue;
		ww[n] = w;
		scales[n++] = (float)factor;
	}
	return n;
}

/*
 * Scans scales[0..n) into per[0..n), spread over up to `threads` threads
 * when the image is large. -1 when out of memory (or no thread could start).
 */
static int
scan_range(const pcascade *c, const pimg *grey, const float *scales, int n,
    struct cands *per, int threads)
{
	struct scanjob job[MT_MAX_THREADS];
	pthread_t tid[MT_MAX_THREADS];
	double load[MT_MAX_THREADS] = { 0 };
	int nthr = 1, started = 0, i, t, rc = 0, owner[MAX_SCALES];
	int which[MT_MAX_THREADS][MAX_SCALES], nw[MT_MAX_THREADS] = { 0 };

	if (n <= 0)
		return 0;
	if ((double)grey->w * grey->h / ((double)scales[0] * scales[0]) >=
	    MT_MIN_PIXELS)
		nthr = threads < MT_MAX_THREADS ? threads : MT_MAX_THREADS;
	if (nthr > n)
		nthr = n;
	/* the costliest scales first, each to the least loaded thread;
	 * a scale costs about its window count (the small ones most) */
	for (i = 0; i < n; i++) {
		double lw = grey->w / scales[i] - c->winw;
		double lh = grey->h / scales[i] - c->winh;
		double step = scales[i] >= 2 ? 1 : 2;

		for (t = 1, owner[i] = 0; t < nthr; t++)
			if (load[t] < load[owner[i]])
				owner[i] = t;
		load[owner[i]] += fmax(lw, 1) * fmax(lh, 1) / (step * step);
	}
	for (i = 0; i < n; i++)
		which[owner[i]][nw[owner[i]]++] = i;
	for (i = 0; i < nthr; i++) {
		job[i] = (struct scanjob){ c, grey, scales, which[i], nw[i],
		    per, -1 };
		if (i > 0 && pthread_create(&tid[i], NULL, scan_scales,
		    &job[i]) != 0)
			break;
		started = i + 1;
	}
	if (started > 0)
		scan_scales(&job[0]);
	for (i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
	if (started < nthr)
		return -1;
	for (i = 0; i < nthr; i++)
		if (job[i].rc == -1)
			rc = -1;
	return rc;
}

/*
 * The candidates of per[0..n), in scale order as one serial scan finds
 * them, grouped and clipped to the image as detectMultiScale does.
 */
static int
finish(const struct cands *per, int n, const pimg *grey, int min_neighbors,
    prect_i **out, int **neighbors)
{
	struct cands cs = { 0 };
	int i, k, kept = -1;

	for (i = 0; i < n; i++)
		for (k = 0; k < per[i].n; k++)
			if (push(&cs, per[i].r[k]) == -1)
				goto done;
	if ((kept = group(&cs, min_neighbors, GROUP_EPS, out, neighbors)) < 0)
		goto done;
	for (i = 0, k = 0; i < kept; i++) {
		prect_i r = (*out)[i];
		int x0 = r.x > 0 ? r.x : 0, y0 = r.y > 0 ? r.y : 0;
		int x1 = r.x + r.w < grey->w ? r.x + r.w : grey->w;
		int y1 = r.y + r.h < grey->h ? r.y + r.h : grey->h;

		if (x1 <= x0 || y1 <= y0)
			continue;
		(*out)[k] = (prect_i){ x0, y0, x1 - x0, y1 - y0 };
		if (neighbors)
			(*neighbors)[k] = (*neighbors)[i];
		k++;
	}
	kept = k;
done:
	free(cs.r);
	return kept;
}

static void
free_per(struct cands *per, int n)
{
	int i;

	for (i = 0; per != NULL && i < n; i++)
		free(per[i].r);
	free(per);
}

/*
 * Large images are scanned by up to one thread per processor this
 * process may use, as OpenCV's own detectMultiScale spreads its scan; the
 * candidates are gathered in scale order, so the answer is the same as a
 * serial scan.
 */
int
pcascade_detect(const pcascade *c, const pimg *grey, double scale_factor,
    int min_neighbors, int min_w, int min_h, int max_w, int max_h,
    prect_i **out, int **neighbors)
{
	return pcascade_detect_mt(c, grey, scale_factor, min_neighbors, min_w,
	    min_h, max_w, max_h, out, neighbors, photo_cpus());
}

int
pcascade_detect_mt(const pcascade *c, const pimg *grey, double scale_factor,
    int min_neighbors, int min_w, int min_h, int max_w, int max_h,
    prect_i **out, int **neighbors, int threads)
{
	struct cands *per = NULL;
	float scales[MAX_SCALES];
	int ww[MAX_SCALES], n, rc = -1;

	*out = NULL;
	if (neighbors)
		*neighbors = NULL;
	n = scale_list(c, grey, scale_factor, min_w, min_h, max_w, max_h,
	    scales, ww);
	if (n == 0)
		return 0;
	if ((per = calloc((size_t)n, sizeof(*per))) == NULL ||
	    scan_range(c, grey, scales, n, per, threads) == -1)
		goto done;
	rc = finish(per, n, grey, min_neighbors, out, neighbors);
done:
	free_per(per, n);
	return rc;
}

/*
 * The large scales first: windows of first_w and wider are scanned and
 * grouped; when that finds an object W wide, the smaller scales are
 * scanned only down to windows of ratio * W (and min_w), otherwise down
 * to min_w. The answer is exactly pcascade_detect()'s with the smallest
 * window scanned as min_w; *smallest says which that was. The time of a
 * scan goes with the square of 1 / window, so this saves most of it when
 * only objects comparable to the largest one matter.
 */
int
pcascade_detect_big_first(const pcascade *c, const pimg *grey,
    double scale_factor, int min_neighbors, int min_w, int first_w,
    double ratio, prect_i **out, int **neighbors, int *smallest,
    int threads)
{
	struct cands *per = NULL;
	float scales[MAX_SCALES];
	prect_i *big = NULL;
	int ww[MAX_SCALES], n, k, lo, i, nb, rc = -1, W = 0;

	*out = NULL;
	if (neighbors)
		*neighbors = NULL;
	*smallest = 0;
	n = scale_list(c, grey, scale_factor, min_w, 0, 0, 0, scales, ww);
	if (n == 0)
		return 0;
	if ((per = calloc((size_t)n, sizeof(*per))) == NULL)
		goto done;
	for (k = 0; k < n && ww[k] < first_w; k++)
		;
	if (scan_range(c, grey, scales + k, n - k, per + k, threads) == -1 ||
	    (nb = finish(per + k, n - k, grey, min_neighbors, &big, NULL)) < 0)
		goto done;
	for (i = 0; i < nb; i++)
		if (big[i].w > W)
			W = big[i].w;
	for (lo = 0; W > 0 && lo < k && ww[lo] < ratio * W; lo++)
		;
	if (scan_range(c, grey, scales + lo, k - lo, per + lo, threads) == -1)
		goto done;
	*smallest = ww[lo < n ? lo : n - 1];
	rc = finish(per + lo, n - lo, grey, min_neighbors, out, neighbors);
done:
	free(big);
	free_per(per, n);
	return rc;
}
