/*
 * worker.c — the processing thread. For each job, in order:
 *  1. archive the camera original, atomically, as
 *     <state>/archive/<ID>/<YYYYmmdd-HHMMSS>-<seq>.jpg, before anything
 *     else: whatever happens next, the frame is not lost;
 *  2. decode, analyze and judge it (photo/);
 *  3. when it passes, render and save <ID>.jpg atomically (an accepted
 *     photo is replaced only when the job says so, and then moved to
 *     versions/ first);
 *  4. write the annotated frame to <state>/preview/<ID>.jpg for the
 *     operator.
 * An operator's override (accept --override) skips step 1: its original
 * is read back from the archive, analysed again and, when it fails only
 * checks that may be overridden, rendered and saved as in step 3.
 * A calibration shot stops after step 2 (and its preview): it is kept
 * under archive/calibration/ and measured, never saved as a photo. A
 * live-view frame is only analyzed for the framing hints (and written
 * as preview/live.jpg); it is not archived.
 * The worker owns its photo_ctx and reconfigures it when a job carries
 * different parameters (a reload). The outcome goes back to the main
 * loop as one MSG_RESULT per job.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/idphotod.h"

/* snprintf for messages and paths that may be cut (they never are in
 * practice: PATH_MAX-long folders are not a station's). */
static void
setf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

struct worker {
	pthread_t t;
	struct queue jobs;
	struct queue *done;
	photo_ctx *ctx;
	photo_params params;
	int	configured;
	photo_params initial;	/* the configuration at start */
};

static int
configure(struct worker *w, const photo_params *p, char *err, size_t errlen)
{
	if (w->configured && memcmp(&w->params, p, sizeof(*p)) == 0)
		return 0;
	if (photo_configure(w->ctx, p) == -1) {
		snprintf(err, errlen, "%s", photo_error(w->ctx));
		w->configured = 0;
		return -1;
	}
	w->params = *p;
	w->configured = 1;
	return 0;
}

/* Step 1: the camera original, kept before anything can fail. */
static int
archive(struct worker *w, const struct msg_job *j, struct msg_result *r)
{
	char dir[PATH_MAX], name[128];
	struct tm tm;

	localtime_r(&j->when, &tm);
	if (store_path_archive(dir, j->statedir, j->id) == -1 ||
	    store_mkdirs(dir, 0700) == -1) {
		setf(r->err, sizeof(r->err), "cannot keep the camera "
		    "original in %s: %s", dir, strerror(errno));
		return -1;
	}
	if (j->archive_only)	/* by its name on the camera: no seq */
		snprintf(name, sizeof(name), "%04d%02d%02d-%02d%02d%02d-%.40s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, j->camname[0] != '\0' &&
		    strchr(j->camname, '/') == NULL ? j->camname : "frame.jpg");
	else
		snprintf(name, sizeof(name), "%04d%02d%02d-%02d%02d%02d-%u.jpg",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, j->seq);
	if (photo_save(w->ctx, dir, name, j->buf, j->len, 0, NULL, 0) == -1) {
		setf(r->err, sizeof(r->err), "cannot keep the camera "
		    "original: %s", photo_error(w->ctx));
		return -1;
	}
	setf(r->archive, sizeof(r->archive), "%s/%s", dir, name);
	if (store_sha256_hex(j->buf, j->len, r->original_sha256) == -1)
		r->original_sha256[0] = '\0';
	return 0;
}

/*
 * Step 1 of an operator's override (idphotoctl accept --override): the
 * camera original is in the archive already; it is read back, never
 * shot again, and named as the result's archive.
 */
static int
original(struct msg_job *j, struct msg_result *r)
{
	char err[PATH_MAX + 128];

	if ((j->buf = store_read_file(j->original, STORE_MAX_PHOTO, &j->len,
	    err, sizeof(err))) == NULL) {
		setf(r->err, sizeof(r->err), "the camera original cannot be "
		    "read again: %s", err);
		return -1;
	}
	setf(r->archive, sizeof(r->archive), "%s", j->original);
	if (store_sha256_hex(j->buf, j->len, r->original_sha256) == -1)
		r->original_sha256[0] = '\0';
	return 0;
}

static void
preview(struct worker *w, const struct msg_job *j, photo_image *im,
    const photo_result *pr, struct msg_result *r)
{
	char dir[PATH_MAX], path[PATH_MAX];
	unsigned char *jpg = NULL;
	size_t len = 0;

	if (store_path_preview(dir, j->statedir, NULL) == -1 ||
	    store_path_preview(path, j->statedir, j->id) == -1 ||
	    store_mkdirs(dir, 0750) == -1 ||
	    photo_annotate(w->ctx, im, pr, &jpg, &len) == -1 ||
	    store_write_file(path, jpg, len, 0640) == -1) {
		free(jpg);
		return;		/* a preview is a convenience, not a result */
	}
	free(jpg);
	setf(r->preview, sizeof(r->preview), "%s", path);
}

/*
 * Decodes the job's frame and analyzes it into *im and *pr (the caller
 * destroys and frees both, also on failure); -1 with r->err.
 */
static int
measure(struct worker *w, const struct msg_job *j, photo_image **im,
    photo_result **pr, struct msg_result *r)
{
	if ((*im = photo_decode(w->ctx, j->buf, j->len)) == NULL) {
		setf(r->err, sizeof(r->err), "the camera's file: %s",
		    photo_error(w->ctx));
		return -1;
	}
	if ((*pr = calloc(1, sizeof(**pr))) == NULL ||
	    photo_analyze(w->ctx, *im, *pr) == -1) {
		setf(r->err, sizeof(r->err), "%s", *pr ?
		    photo_error(w->ctx) : "out of memory");
		return -1;
	}
	return 0;
}

/*
 * A live-view frame: what the operator should change before pressing the
 * pedal. Only what a live-view frame can judge counts, so that "ready"
 * agrees with the shot's verdict: where the head is in the frame and how
 * large (GEO_*), whether there is a face at all, one person only
 * (PERSONS_*) and the pose (POSE_*: a turned or tilted head); resolution
 * and the fine checks (focus, mouth, eyes open, background) are left out,
 * since a live-view frame is smaller than a capture.
 * Result: {face, ready, hints: [{code, req, advice}]}.
 */
static void
framing(struct worker *w, struct msg_job *j, struct msg_result *r)
{
	photo_image *im = NULL;
	photo_result *pr = NULL;
	const photo_finding *f;
	json_t *hints;
	int i, ready;

	r->outcome = RES_ERROR;
	if (configure(w, &j->params, r->err, sizeof(r->err)) == -1 ||
	    measure(w, j, &im, &pr, r) == -1)
		goto done;
	hints = json_array();
	ready = pr->found;
	for (i = 0; i < pr->nfindings; i++) {
		f = &pr->findings[i];
		if (strncmp(f->code, "GEO_", 4) != 0 &&
		    strncmp(f->code, "POSE_", 5) != 0 &&
		    strncmp(f->code, "PERSONS_", 8) != 0 &&
		    strcmp(f->code, "FACE_NONE") != 0)
			continue;
		if (f->severity >= PHOTO_FAIL)
			ready = 0;
		json_array_append_new(hints, json_pack("{s:s, s:s, s:s}",
		    "code", f->code, "req", f->req, "advice", f->advice));
	}
	r->result = json_pack("{s:b, s:b, s:o}", "face", pr->found, "ready",
	    ready, "hints", hints);
	preview(w, j, im, pr, r);
	r->outcome = RES_PASS;
done:
	free(pr);
	photo_image_destroy(im);
}

struct pv {
	struct worker *w;
	const struct msg_job *j;
	struct msg_result *r;
};

/* store_process_frame's hook: the annotated preview, once analyzed. */
static void
on_analyzed(photo_ctx *ctx, photo_image *im, const photo_result *pr,
    void *arg)
{
	struct pv *p = arg;

	(void)ctx;
	preview(p->w, p->j, im, pr, p->r);
}

/* A shot: archived first, then store_process_frame(), the same as
 * idphotoctl process. */
static void
process(struct worker *w, struct msg_job *j, struct msg_result *r)
{
	char name[PHOTO_ID_LEN + 16];
	struct pv pv = { w, j, r };
	struct store_frame_job fj = { j->outdir, name, j->replace,
	    j->calibrate, on_analyzed, &pv, j->original[0] != '\0' };
	struct store_frame *f = NULL;

	r->outcome = RES_ERROR;
	if (j->archive_only) {
		if (archive(w, j, r) == 0)
			r->outcome = RES_PASS;
		return;
	}
	if (configure(w, &j->params, r->err, sizeof(r->err)) == -1 ||
	    (j->original[0] != '\0' ? original(j, r) : archive(w, j, r)) ==
	    -1)
		return;
	if (j->hold_ms > 0) {	/* fault injection: camera.sim.hold_ms */
		struct timespec ts = { j->hold_ms / 1000,
		    (long)(j->hold_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		setf(r->err, sizeof(r->err), "out of memory");
		return;
	}
	snprintf(name, sizeof(name), "%s%s", j->id, j->ext);
	if (store_process_frame(w->ctx, j->buf, j->len, &fj, f) == -1)
		setf(r->err, sizeof(r->err), "%s%s", f->failed_at ==
		    STORE_AT_DECODE ? "the camera's file: " : "", f->err);
	if (f->analyzed) {
		r->pr = f->r;
		r->analyzed = 1;
		r->result = store_result_json(NULL, &f->r, 0);
	}
	r->out = f->out;
	r->outcome = f->outcome;
	if (j->original[0] != '\0' && f->outcome == STORE_FAIL) {
		/* analysed again, it fails a check that cannot be
		 * overridden (a configuration reloaded since?) */
		r->outcome = RES_ERROR;
		setf(r->err, sizeof(r->err), "the override was not applied: "
		    "analysed again, the frame fails a check that cannot be "
		    "overridden (R-FILE, R-GEO)");
	}
	free(f);
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	struct qnode *n;
	char err[512];

	/* the cascades, loaded here once for the daemon, before the first
	 * shot; a failure is reported by that shot, which tries again */
	(void)configure(w, &w->initial, err, sizeof(err));
	while ((n = queue_pop(&w->jobs, -1)) != NULL) {
		struct msg_job *j = (struct msg_job *)n;
		struct msg_result *r = j->reply;	/* allocated with the job */

		j->reply = NULL;
		r->q.kind = MSG_RESULT;
		r->seq = j->seq;
		snprintf(r->id, sizeof(r->id), "%s", j->id);
		r->calibrate = j->calibrate;
		r->framing = j->framing;
		r->archive_only = j->archive_only;
		r->override = j->original[0] != '\0';
		if (j->framing)
			framing(w, j, r);
		else
			process(w, j, r);
		msg_free(n);
		queue_push(w->done, &r->q);
	}
	return NULL;
}

struct worker *
worker_start(struct queue *done, const photo_params *p)
{
	struct worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->ctx = photo_create()) == NULL) {
		free(w);
		return NULL;
	}
	w->done = done;
	w->initial = *p;
	queue_init(&w->jobs, -1);
	if (pthread_create(&w->t, NULL, run, w) != 0) {
		queue_destroy(&w->jobs);
		photo_destroy(w->ctx);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_submit(struct worker *w, struct msg_job *job)
{
	job->q.kind = MSG_JOB;
	queue_push(&w->jobs, &job->q);
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	queue_close(&w->jobs);
	pthread_join(w->t, NULL);
	queue_destroy(&w->jobs);
	photo_destroy(w->ctx);
	free(w);
}
