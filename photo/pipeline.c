/*
 * pipeline.c — the stages put together: photo_analyze (detect, measure,
 * plan, judge), photo_render (crop, downscale, encode) and
 * photo_check_file (the offline check of a photo made elsewhere).
 *
 * The frame was decoded once, at the smallest DCT scale analysis needs
 * (decode.c). The face detector scans a grey copy brought down to
 * detect_long pixels on the long side with OpenCV's bilinear resize, as
 * the oracle does. Rendering takes the crop from the analysis image when
 * it has enough pixels, and otherwise decodes just the crop's region of
 * the JPEG again at the next DCT scale that has; that keeps both the time
 * and the peak memory of a 24-megapixel frame low. With a second
 * processor, analyze renders the planned crop on it while the checks run
 * (struct prerender), and photo_render() hands that output out.
 *
 * Every judgement becomes a finding with a stable code, the requirement
 * id, the measured value, the limit and one sentence telling the operator
 * what to do. The sentence is the gettext msgid (domain "idphotod"); the
 * library does not translate, its callers do.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "photo/internal.h"

/* Analysis image -> the detector's grey image; *ds = detector px per
 * analysis px. */
static int
detect_image(photo_ctx *ctx, photo_image *im, pimg *det, double *ds)
{
	int lng = im->grey.w > im->grey.h ? im->grey.w : im->grey.h;

	if (lng <= ctx->p.detect_long) {
		*det = im->grey;
		det->owned = 0;
		*ds = 1.0;
		return 0;
	}
	*ds = (double)ctx->p.detect_long / lng;
	if (pimg_alloc(det, (int)lround(im->grey.w * *ds),
	    (int)lround(im->grey.h * *ds), 1) == -1)
		return -1;
	*ds = (double)det->w / im->grey.w;
	return pimg_resize_linear(&im->grey, det);
}

/*
 * Where the face search starts (detector px, s: detector px per source
 * px): faces this wide and wider are looked for first, and smaller ones
 * then only down to the size that can count as a second person beside
 * the largest (photo_is_person). A finished photo's face is at least fw.min
 * wide (R-GEO-4), and its detector box wider still (1.1-1.5 times on the
 * shared photos); a station's camera frame shows the face at a fifth of
 * its short side or more. Only the time depends on this: when nothing
 * that wide is found, the search goes down to min_face.
 */
static int
main_face_px(const photo_params *p, const pimg *det, double s, int plan)
{
	if (!plan)
		return (int)(0.9 * p->fw.min * s);
	return (det->w < det->h ? det->w : det->h) / 5;
}

/* Detector box -> analysis px. */
static prect_i
to_analysis(const prect_i *h, double ds)
{
	return (prect_i){ (int)lround(h->x / ds), (int)lround(h->y / ds),
	    (int)lround(h->w / ds), (int)lround(h->h / ds) };
}

static void
add_face_metrics(photo_result *r)
{
	const photo_face *f = &r->face;

	photo_add_metric(r, "face.box.x", f->box.x);
	photo_add_metric(r, "face.box.y", f->box.y);
	photo_add_metric(r, "face.box.w", f->box.w);
	photo_add_metric(r, "face.box.h", f->box.h);
	photo_add_metric(r, "face.neighbors", f->neighbors);
	photo_add_metric(r, "eyes.found", f->eyes);
	photo_add_metric(r, "eyes.left.x", f->eye_l.x);
	photo_add_metric(r, "eyes.left.y", f->eye_l.y);
	photo_add_metric(r, "eyes.right.x", f->eye_r.x);
	photo_add_metric(r, "eyes.right.y", f->eye_r.y);
	photo_add_metric(r, "eyes.line_y", f->eye_y);
	photo_add_metric(r, "pose.roll_deg", f->roll);
	photo_add_metric(r, "pose.yaw", f->yaw);
	photo_add_metric(r, "face.centre_x", f->cx);
	photo_add_metric(r, "face.width", f->width);
	photo_add_metric(r, "face.cheek_left", f->cheek_l);
	photo_add_metric(r, "face.cheek_right", f->cheek_r);
	photo_add_metric(r, "head.top", f->head_top);
}

static void
add_crop_metrics(photo_result *r)
{
	const photo_crop *c = &r->crop;

	photo_add_metric(r, "crop.scale_min", c->scale_min);
	photo_add_metric(r, "crop.scale_max", c->scale_max);
	if (!c->ok)
		return;
	photo_add_metric(r, "crop.scale", c->scale);
	photo_add_metric(r, "crop.x", c->x);
	photo_add_metric(r, "crop.y", c->y);
	photo_add_metric(r, "crop.w", c->w);
	photo_add_metric(r, "crop.h", c->h);
	photo_add_metric(r, "out.head_top", c->out_top);
	photo_add_metric(r, "out.eye_line", c->out_eye);
	photo_add_metric(r, "out.face_width", c->out_fw);
	photo_add_metric(r, "out.face_centre_x", c->out_cx);
}

/* The crop planner's reasons as findings. */
static void
plan_findings(photo_ctx *ctx, photo_result *r, unsigned why, double max_s)
{
	const photo_params *p = &ctx->p;
	const photo_face *f = &r->face;
	const photo_crop *c = &r->crop;

	if (why == 0)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_UNMEASURED",
		    "R-GEO-2", f->eye_y - f->head_top, NAN,
		    N_("The head top or the face width could not be measured: "
		    "check the background behind the head and retake."));
	if (why & PLAN_PROPORTION_SHORT)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_HAIR_LOW",
		    "R-GEO-2", f->eye_y - f->head_top, NAN,
		    N_("The top of the head is too close to the eyes for the "
		    "bands: remove any head covering, check the hair is "
		    "against the background, and retake."));
	if (why & PLAN_PROPORTION_TALL)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_HAIR_HIGH",
		    "R-GEO-2", f->eye_y - f->head_top, NAN,
		    N_("The hair rises too far above the eyes for the bands "
		    "at any scale: smooth the hair down and retake."));
	if (why & PLAN_NO_ROOM_ABOVE)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_NO_ROOM_ABOVE",
		    "R-GEO-2", f->head_top, NAN,
		    N_("There is not enough room above the head: raise the "
		    "camera or tilt it up, or step the camera back."));
	if (why & PLAN_NO_ROOM_BELOW)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_NO_ROOM_BELOW",
		    "R-GEO-3", r->src_h - f->eye_y, NAN,
		    N_("The frame ends too close below the eyes: lower the "
		    "camera or tilt it down, or step the camera back."));
	if (why & PLAN_NO_ROOM_LEFT)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_NO_ROOM_LEFT",
		    "R-GEO-1", f->cx, NAN,
		    N_("The head is too close to the left edge of the frame: "
		    "centre the chair in front of the camera."));
	if (why & PLAN_NO_ROOM_RIGHT)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_NO_ROOM_RIGHT",
		    "R-GEO-1", r->src_w - f->cx, NAN,
		    N_("The head is too close to the right edge of the frame: "
		    "centre the chair in front of the camera."));
	if (why & PLAN_TOO_CLOSE)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_TOO_CLOSE",
		    "R-GEO-4", f->width, NAN,
		    N_("The head is too large for the frame: step the camera "
		    "back or zoom out."));
	if (why & PLAN_UPSCALE)
		photo_add_finding(r, p, PHOTO_CK_RESOLUTION, "RES_UPSCALE",
		    "R-FLOW-2", c->scale_min, max_s,
		    N_("The face has too few camera pixels (the photo would "
		    "be enlarged): move the camera closer or zoom in."));
}

/*
 * A render of the planned crop, made on a second thread while the checks
 * run on the first (they only read the image, and need none of it), so
 * that photo_render() of a frame that passes finds its output done. The
 * thread has a copy of the handle for its error string (the cascades in
 * the copy are borrowed, never freed); analyze joins it before it
 * returns, so no thread outlives the call. A frame that fails the checks
 * never takes it: photo_image_destroy() frees it.
 */
static int render_crop(photo_ctx *ctx, const photo_image *im,
    const photo_crop *c, photo_output *out);

struct prerender {
	photo_ctx ctx;
	const photo_image *im;
	photo_crop crop;
	photo_output out;
	int	rc;
	atomic_int done;	/* set when the render has finished */
	pthread_t tid;
};

static void *
prerender_run(void *arg)
{
	struct prerender *pr = arg;

	pr->rc = render_crop(&pr->ctx, pr->im, &pr->crop, &pr->out);
	atomic_store(&pr->done, 1);
	return NULL;
}

void
photo_prerender_free(struct prerender *pr)
{
	if (pr == NULL)
		return;
	free(pr->out.jpeg);
	free(pr);
}

/* Starts the render of crop c on its own thread; NULL when it cannot
 * (then photo_render() renders as usual). */
static struct prerender *
prerender_start(photo_ctx *ctx, const photo_image *im, const photo_crop *c)
{
	struct prerender *pr;

	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		return NULL;
	pr->ctx = *ctx;
	pr->im = im;
	pr->crop = *c;
	pr->rc = -1;
	atomic_init(&pr->done, 0);
	if (pthread_create(&pr->tid, NULL, prerender_run, pr) != 0) {
		free(pr);
		return NULL;
	}
	return pr;
}

/*
 * Detects, measures and judges the face; with `plan`, also plans the crop
 * of a camera frame (a finished photo is judged as it stands instead).
 */
static int
analyze(photo_ctx *ctx, photo_image *im, photo_result *r, int plan)
{
	const photo_params *p = &ctx->p;
	pimg det = { 0 };
	prect_i *hits = NULL, main_box;
	int *nb = NULL, n, i, best = -1, minsz, rc = -1, aside[4] = { 0 };
	int planned = -1;
	double ds, max_s;
	unsigned why = 0;
	struct prerender *pre = NULL;

	memset(r, 0, sizeof(*r));
	photo_prerender_free(im->pre);
	im->pre = NULL;
	r->src_w = im->src_w;
	r->src_h = im->src_h;
	r->orientation = im->orientation;
	r->analysis_scale = im->scale;
	if (ctx->face == NULL) {
		photo_seterr(ctx, "photo_configure() was not called");
		goto done;
	}
	if (im->grey.px == NULL && pimg_grey(&im->rgb, &im->grey) == -1) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	if (detect_image(ctx, im, &det, &ds) == -1) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	minsz = (int)(p->min_face * (det.w < det.h ? det.w : det.h));
	n = pcascade_detect_big_first(ctx->face, &det, p->detect_scale,
	    p->detect_neighbors, minsz, main_face_px(p, &det, im->scale * ds,
	    plan), p->check[PHOTO_CK_PERSONS].limit / 2 * 0.9, &hits, &nb,
	    &minsz, photo_threads(ctx));
	if (n < 0) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	/* the main face is the largest; the others are judged against it */
	for (i = 0; i < n; i++)
		if (best < 0 || hits[i].w > hits[best].w)
			best = i;
	r->ndetections = n;
	for (i = 0; i < n && i < PHOTO_MAX_FACES; i++)
		r->detections[i] = (photo_rect){ hits[i].x / ds / im->scale,
		    hits[i].y / ds / im->scale, hits[i].w / ds / im->scale,
		    hits[i].h / ds / im->scale };
	photo_add_metric(r, "faces.detected", n);
	if (best < 0) {
		photo_add_finding(r, p, PHOTO_CK_FACE, "FACE_NONE", "R-SUBJ-1",
		    0, 1, N_("No face was found: seat the subject facing the "
		    "camera, bare-headed, and retake."));
		photo_check_light(p, im, r);	/* a grey card's numbers */
		rc = 0;
		goto done;
	}
	/* R-BG-1: which other detections are plausible persons (persons.c);
	 * the ones set aside are counted by reason */
	main_box = to_analysis(&hits[best], ds);
	for (i = 0; i < n; i++) {
		prect_i jb = to_analysis(&hits[i], ds);
		int not = i == best ? PERSON_YES : photo_is_person(p,
		    &main_box, &jb);

		r->nfaces += not == PERSON_YES;
		aside[not]++;
	}
	photo_add_metric(r, "faces.persons", r->nfaces);
	photo_add_metric(r, "faces.aside_small", aside[PERSON_SMALL]);
	photo_add_metric(r, "faces.aside_same_face", aside[PERSON_SAME_FACE]);
	photo_add_metric(r, "faces.aside_on_body", aside[PERSON_ON_BODY]);
	if (r->nfaces > 1)
		photo_add_finding(r, p, PHOTO_CK_PERSONS, "PERSONS_MANY",
		    "R-BG-1", r->nfaces, 1, N_("More than one person is in "
		    "the frame: only the graduate may be in the picture."));

	if (photo_measure_face(ctx, im, &main_box, &r->face) == -1)
		goto done;
	r->face.neighbors = nb[best];
	r->found = 1;
	add_face_metrics(r);

	if (r->face.eyes < 2)
		photo_add_finding(r, p, PHOTO_CK_EYES, "EYES_NOT_FOUND",
		    "R-SUBJ-3", r->face.eyes, 2, N_("Both eyes must be open "
		    "and visible: ask the subject to open the eyes and look "
		    "into the lens, and check for glare on glasses."));
	if (r->face.eyes == 2 &&
	    fabs(r->face.roll) > p->check[PHOTO_CK_ROLL].limit)
		photo_add_finding(r, p, PHOTO_CK_ROLL, "POSE_ROLL", "R-SUBJ-3",
		    r->face.roll, p->check[PHOTO_CK_ROLL].limit,
		    N_("The head is tilted sideways: ask the subject to hold "
		    "the head level (the photo is never rotated, R-GEO-5)."));
	if (fabs(r->face.yaw) > p->check[PHOTO_CK_YAW].limit)
		photo_add_finding(r, p, PHOTO_CK_YAW, "POSE_YAW", "R-SUBJ-3",
		    r->face.yaw, p->check[PHOTO_CK_YAW].limit,
		    N_("The head is turned to one side: ask the subject to "
		    "face the camera squarely."));
	max_s = p->check[PHOTO_CK_RESOLUTION].severity == PHOTO_FAIL ?
	    p->check[PHOTO_CK_RESOLUTION].limit : INFINITY;
	/* a camera frame's crop is known from the face alone (the checks
	 * do not change it): rendered on a second processor while the
	 * checks run on this one */
	if (plan) {
		planned = photo_plan_crop(p, &r->face, r->src_w, r->src_h,
		    max_s, &r->crop, &why);
		if (photo_threads(ctx) >= 2 && planned == 0 && r->crop.ok &&
		    r->crop.scale <= p->check[PHOTO_CK_RESOLUTION].limit)
			pre = prerender_start(ctx, im, &r->crop);
	}
	photo_check_light(p, im, r);
	photo_check_sharpness(p, im, r);
	photo_check_eyes(p, im, r);
	photo_check_eyelids(p, im, r);
	photo_check_mouth(p, im, r);

	if (!plan) {
		if (photo_check_scene(p, im, 1, photo_threads(ctx), r) == -1) {
			photo_seterr(ctx, "out of memory");
			goto done;
		}
		rc = 0;
		goto done;
	}
	if (planned == -1)
		plan_findings(ctx, r, why, p->check[PHOTO_CK_RESOLUTION].limit);
	else if (r->crop.scale > p->check[PHOTO_CK_RESOLUTION].limit)
		plan_findings(ctx, r, PLAN_UPSCALE,
		    p->check[PHOTO_CK_RESOLUTION].limit);
	add_crop_metrics(r);
	/* a render still running holds a processor: the threads stay at
	 * the handle's count */
	if (photo_check_scene(p, im, 0, photo_threads(ctx) - (pre != NULL &&
	    !atomic_load(&pre->done)), r) == -1) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	rc = 0;
done:
	if (pre != NULL) {
		pthread_join(pre->tid, NULL);
		if (rc == 0 && r->crop.ok)
			im->pre = pre;
		else
			photo_prerender_free(pre);
	}
	if (det.owned)
		pimg_free(&det);
	free(hits);
	free(nb);
	return rc;
}

int
photo_analyze(photo_ctx *ctx, photo_image *im, photo_result *r)
{
	return analyze(ctx, im, r, 1);
}

/* Crops c out of the frame, downscales to 480x640 and encodes. */
static int
render_crop(photo_ctx *ctx, const photo_image *im, const photo_crop *c,
    photo_output *out)
{
	pimg dst = { 0 }, reg = { 0 };
	photo_rect src;
	int num, ox, oy, rc = -1;
	double ds;

	memset(out, 0, sizeof(*out));
	if (!c->ok)
		return photo_seterr(ctx, "no crop meets R-GEO-1..4; nothing "
		    "to render");
	if (pimg_alloc(&dst, PHOTO_OUT_W, PHOTO_OUT_H, 3) == -1) {
		photo_seterr(ctx, "out of memory");
		goto done;
	}
	if (c->scale <= im->scale * 1.0001) {
		if (pimg_resize_area(&im->rgb, c->x * im->scale,
		    c->y * im->scale, c->scale / im->scale, &dst) == -1) {
			photo_seterr(ctx, "out of memory");
			goto done;
		}
	} else {
		/* the analysis image is too small: decode the crop again */
		num = (int)ceil(c->scale * 8 - 1e-9);
		num = num < 1 ? 1 : num > 16 ? 16 : num;
		src = (photo_rect){ c->x - 2, c->y - 2, c->w + 4, c->h + 4 };
		if (photo_decode_region(ctx, im, num, &src, &reg, &ox, &oy)
		    == -1)
			goto done;
		ds = num / 8.0;
		if (pimg_resize_area(&reg, c->x * ds - ox, c->y * ds - oy,
		    c->scale / ds, &dst) == -1) {
			photo_seterr(ctx, "out of memory");
			goto done;
		}
	}
	rc = photo_encode_search(ctx, &dst, out);
done:
	pimg_free(&reg);
	pimg_free(&dst);
	return rc;
}

/* The crop fields rendering uses: the same crop renders the same bytes. */
static int
same_crop(const photo_crop *a, const photo_crop *b)
{
	return a->ok == b->ok && a->scale == b->scale && a->x == b->x &&
	    a->y == b->y && a->w == b->w && a->h == b->h;
}

int
photo_render(photo_ctx *ctx, photo_image *im, const photo_result *r,
    photo_output *out)
{
	struct prerender *pr = im->pre;
	int rc;

	if (pr != NULL && same_crop(&pr->crop, &r->crop)) {
		/* analyze rendered this crop while the checks ran */
		im->pre = NULL;
		*out = pr->out;
		rc = pr->rc;
		if (rc == -1)
			memcpy(ctx->err, pr->ctx.err, sizeof(ctx->err));
		free(pr);
		return rc;
	}
	return render_crop(ctx, im, &r->crop, out);
}

/*
 * R-FILE-* findings for a file made elsewhere, from its headers and its
 * name (base name + extension).
 */
static void
file_findings(photo_ctx *ctx, const char *name, const photo_fileinfo *fi,
    photo_result *r)
{
	const photo_params *p = &ctx->p;
	char id[PHOTO_ID_LEN + 1], base[128], saved[sizeof(ctx->err)];
	const char *slash, *dot;
	size_t len;

	if (fi->width != PHOTO_OUT_W || fi->height != PHOTO_OUT_H)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_SIZE_PX",
		    "R-FILE-1", fi->width * 10000.0 + fi->height,
		    PHOTO_OUT_W * 10000.0 + PHOTO_OUT_H,
		    N_("The photo must be exactly 480 pixels wide and 640 "
		    "high: produce it again with idphotoctl process."));
	if (!fi->jfif || fi->density_unit != 1 || fi->xdensity != p->dpi ||
	    fi->ydensity != p->dpi)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_DPI",
		    "R-FILE-2", fi->xdensity, p->dpi,
		    N_("The file must say 300 dpi in its JFIF header: produce "
		    "it again with idphotoctl process."));
	if (fi->components != 3 || fi->precision != 8)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_COLOUR",
		    "R-FILE-3", fi->components, 3,
		    N_("The photo must be 24-bit colour (3 components of 8 "
		    "bits): shoot in colour and produce it again."));
	if (fi->progressive || fi->arithmetic)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_NOT_BASELINE",
		    "R-FILE-4", 1, 0, N_("The file must be a baseline JPEG: "
		    "produce it again with idphotoctl process."));
	if (fi->quality < p->quality_min)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_QUALITY",
		    "R-FILE-4", fi->quality, p->quality_min,
		    N_("The JPEG quality is below 60: produce the photo again "
		    "from the camera original."));
	if ((long)fi->size < p->size_min || (long)fi->size > p->size_max)
		photo_add_finding(r, p, PHOTO_CK_FILE_SIZE, "FILE_BYTES",
		    "R-FILE-5", (double)fi->size,
		    (long)fi->size < p->size_min ? p->size_min : p->size_max,
		    N_("The file size is outside 30-50 KB: produce it again "
		    "with idphotoctl process."));
	if (fi->exif || fi->other_app)
		photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_METADATA",
		    "R-FILE-8", fi->exif + fi->other_app, 0,
		    N_("The file carries metadata (camera EXIF or other "
		    "segments) that must be stripped: produce it again with "
		    "idphotoctl process."));
	if (name == NULL)
		return;
	slash = strrchr(name, '/');
	name = slash ? slash + 1 : name;
	dot = strrchr(name, '.');
	if (dot == NULL || strcmp(dot, ".jpg") != 0) {
		/* R-FILE-6 names JPG; we write .jpg and accept .JPG */
		if (dot == NULL || strcasecmp(dot, ".jpg") != 0)
			photo_add_finding(r, p, PHOTO_CK_FILE_FORMAT, "FILE_EXT",
			    "R-FILE-6", 0, 0, N_("The file name must end in "
			    ".jpg: rename it to <ID number>.jpg."));
	}
	len = dot ? (size_t)(dot - name) : strlen(name);
	if (len >= sizeof(base))
		len = sizeof(base) - 1;
	memcpy(base, name, len);
	base[len] = '\0';
	/* keep the handle's error untouched: the finding carries it */
	memcpy(saved, ctx->err, sizeof(saved));
	if (photo_id_check(ctx, base, id, 0, NULL) == -1 ||
	    strcmp(id, base) != 0)
		photo_add_finding(r, p, PHOTO_CK_FILE_NAME, "FILE_NAME_ID",
		    "R-FILE-7", 0, 0, N_("The file must be named by the "
		    "graduate's resident ID number: rename it, and check the "
		    "number against the ID card."));
	memcpy(ctx->err, saved, sizeof(saved));
}

/* The face inside a finished 480x640 photo against R-GEO-1..4. */
static void
geometry_findings(photo_ctx *ctx, photo_result *r)
{
	const photo_params *p = &ctx->p;
	const photo_face *f = &r->face;

	if (f->head_top < p->top.min || f->head_top > p->top.max)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_TOP", "R-GEO-2",
		    f->head_top, f->head_top < p->top.min ? p->top.min :
		    p->top.max, N_("The top of the hair must be 50-110 px "
		    "below the top edge: produce the photo again from the "
		    "camera original."));
	if (f->eye_y < p->eye.min || f->eye_y > p->eye.max)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_EYES", "R-GEO-3",
		    f->eye_y, f->eye_y < p->eye.min ? p->eye.min : p->eye.max,
		    N_("The eyes must be 200-300 px below the top edge: "
		    "produce the photo again from the camera original."));
	if (f->width < p->fw.min || f->width > p->fw.max)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_FACE_WIDTH",
		    "R-GEO-4", f->width, f->width < p->fw.min ? p->fw.min :
		    p->fw.max, N_("The face must be 180-300 px wide: produce "
		    "the photo again from the camera original."));
	if (fabs(f->cx - PHOTO_OUT_W / 2.0) > p->centre_tol)
		photo_add_finding(r, p, PHOTO_CK_GEOMETRY, "GEO_CENTRE",
		    "R-GEO-1", f->cx, PHOTO_OUT_W / 2.0,
		    N_("The head must be centred left to right: produce the "
		    "photo again from the camera original."));
}

int
photo_check_file(photo_ctx *ctx, const char *name, const void *jpeg,
    size_t len, photo_fileinfo *fi, photo_result *r)
{
	photo_image *im = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (photo_inspect(ctx, jpeg, len, fi) == -1)
		return -1;
	if ((im = photo_decode(ctx, jpeg, len)) == NULL)
		return -1;
	if (analyze(ctx, im, r, 0) == -1)
		goto done;
	file_findings(ctx, name, fi, r);
	if (r->found)
		geometry_findings(ctx, r);
	rc = 0;
done:
	photo_image_destroy(im);
	return rc;
}
