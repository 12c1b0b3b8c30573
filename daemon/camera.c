/*
 * camera.c — the camera thread. libgphoto2 blocks, so every cam_ call is
 * made here and only here, and the thread owns the camera handle.
 *
 * It keeps the camera open. When opening fails, or a capture fails
 * (after which libgphoto2's session is spent), it closes the handle and
 * tries again in the background after 1 s, 2 s, 4 s ... up to 30 s, so
 * that an unplugged or switched-off camera is back before the next pedal
 * press without anyone restarting anything. The state goes to the main
 * loop as MSG_CAMSTATE: connected; reconnecting (a camera that was there
 * is being looked for, the first RECONNECT_TRIES tries); absent (none
 * found at start, or not back after those tries; still tried every
 * 30 s).
 *
 * Each MSG_CAPTURE gets exactly one MSG_FRAME back, the frame or why
 * there is none, so a capture is never silently dropped. A capture while
 * the camera is not open tries to open it at once.
 *
 * Between requests, a camera with events (libgphoto2) is listened to in
 * short turns: that finds a camera switched off while the station waits,
 * and brings in frames shot with the camera's own shutter (MSG_FRAME with
 * seq 0; station.c decides what they are for). While live view is on
 * (MSG_LIVEVIEW, for a number of seconds), the thread takes live-view
 * frames at the rate asked for instead, and sends them as MSG_PREVIEW.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/idphotod.h"
#include "drivers/cam.h"

#define BACKOFF_FIRST_MS	1000
#define BACKOFF_MAX_MS		30000
#define RECONNECT_TRIES		5	/* 1+2+4+8+16 s: then "absent" */
#define WATCH_MS		250	/* idle: how long one listen lasts */

const char *const cam_state_names[] = { "absent", "reconnecting",
    "connected" };

struct camthread {
	pthread_t t;
	struct queue req;
	struct queue *done;
	struct cam_conf conf;
	pthread_mutex_t mu;	/* guards cam for camthread_stop's cancel */
	cam	*cam;
	enum cam_state state;
	int	backoff_ms;	/* until the next try while not open */
	int	tries;		/* failed opens since the camera was lost */
	long long lv_until;	/* live view until (monotonic ms); 0: off */
	long long lv_next;	/* the next live-view frame is due */
	int	lv_every_ms;
};

static void
set_cam(struct camthread *t, cam *c)
{
	pthread_mutex_lock(&t->mu);
	t->cam = c;
	pthread_mutex_unlock(&t->mu);
}

static void
report_state(struct camthread *t, enum cam_state state, const char *text)
{
	struct msg_camstate *m;

	t->state = state;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->q.kind = MSG_CAMSTATE;
	m->state = state;
	snprintf(m->text, sizeof(m->text), "%s", text);
	if (state == CAM_CONNECTED)
		snprintf(m->info, sizeof(m->info), "%s", cam_info(t->cam));
	queue_push(t->done, &m->q);
}

/* Drops the handle after a failure; err says why. */
static void
lose(struct camthread *t, const char *err)
{
	cam *c = t->cam;

	set_cam(t, NULL);	/* no cancel reaches a closed handle */
	cam_close(c);
	t->tries = 0;
	t->backoff_ms = BACKOFF_FIRST_MS;
	if (!queue_closed(&t->req))	/* else cancelled: stopping */
		report_state(t, CAM_RECONNECTING, err);
}

/* Opens the camera unless it is open; on failure err says why. */
static int
try_open(struct camthread *t, char *err, size_t errlen)
{
	if (t->cam != NULL)
		return 0;
	set_cam(t, cam_open(&t->conf, err, errlen));
	if (t->cam != NULL) {
		t->tries = 0;
		t->backoff_ms = BACKOFF_FIRST_MS;
		report_state(t, CAM_CONNECTED, cam_describe(t->cam));
		return 0;
	}
	t->tries++;
	report_state(t, t->state == CAM_RECONNECTING &&
	    t->tries < RECONNECT_TRIES ? CAM_RECONNECTING : CAM_ABSENT, err);
	return -1;
}

static void
capture(struct camthread *t, struct msg_capture *req)
{
	struct msg_frame *m = req->reply;	/* allocated with the request */

	req->reply = NULL;
	m->q.kind = MSG_FRAME;
	m->seq = req->seq;
	if (req->settle_ms > 0) {
		struct timespec ts = { req->settle_ms / 1000,
		    (long)(req->settle_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if (try_open(t, m->err, sizeof(m->err)) == 0) {
		long long t0;

		cam_light(t->cam, req->light[0], req->light[1]);
		t0 = store_now_ms();
		if (cam_capture(t->cam, &m->buf, &m->len, m->name,
		    sizeof(m->name)) == -1) {
			snprintf(m->err, sizeof(m->err), "%s",
			    cam_error(t->cam));
			lose(t, m->err);
		}
		m->camera_ms = (long)(store_now_ms() - t0);
	}
	queue_push(t->done, &m->q);
	/* the battery and settings as they are after the shot */
	if (t->cam != NULL)
		report_state(t, CAM_CONNECTED, cam_describe(t->cam));
}

/*
 * Idle, with a camera that has events: listens for WATCH_MS, so that a
 * request waits at most that long. A frame from the camera's own shutter
 * goes to the main loop as a MSG_FRAME with seq 0; an error means the
 * camera is gone, and it is looked for again.
 */
static void
watch(struct camthread *t)
{
	struct msg_frame *m;
	int rc;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->q.kind = MSG_FRAME;
	rc = cam_watch(t->cam, WATCH_MS, &m->buf, &m->len, m->name,
	    sizeof(m->name));
	if (rc == 1) {
		queue_push(t->done, &m->q);
		return;
	}
	if (rc == -1)
		lose(t, cam_error(t->cam));
	free(m);
}

/*
 * Live view: one frame to the main loop as MSG_PREVIEW, or, when the
 * time is up or the camera cannot, the MSG_PREVIEW that ends it (no
 * frame; err says why, or is empty when the time is up).
 */
static void
preview(struct camthread *t)
{
	struct msg_frame *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->q.kind = MSG_PREVIEW;
	if (store_now_ms() >= t->lv_until)
		t->lv_until = 0;
	else if (t->cam == NULL)
		snprintf(m->err, sizeof(m->err), "no camera: %s",
		    cam_state_names[t->state]);
	else if (cam_preview(t->cam, &m->buf, &m->len) == -1)
		snprintf(m->err, sizeof(m->err), "%s", cam_error(t->cam));
	if (m->buf == NULL)
		t->lv_until = 0;	/* ended */
	t->lv_next = store_now_ms() + t->lv_every_ms;
	queue_push(t->done, &m->q);
}

/* How long the thread may wait for a request before it has something
 * of its own to do; -1: nothing. */
static int
idle_wait(const struct camthread *t)
{
	long long d;

	if (t->lv_until != 0) {
		d = t->lv_next - store_now_ms();
		return d < 0 ? 0 : (int)d;
	}
	if (t->cam == NULL)
		return t->backoff_ms;
	return cam_watches(t->cam) ? 0 : -1;
}

static void *
run(void *arg)
{
	struct camthread *t = arg;
	struct qnode *n;
	struct msg_liveview *lv;
	char err[512];
	cam *c;

	t->backoff_ms = BACKOFF_FIRST_MS;
	try_open(t, err, sizeof(err));
	for (;;) {
		n = queue_pop(&t->req, idle_wait(t));
		if (n == NULL && queue_closed(&t->req))
			break;
		if (n == NULL && t->lv_until != 0)
			preview(t);
		else if (n == NULL && t->cam != NULL)
			watch(t);
		else if (n == NULL) {
			/* backed off: try again, and wait longer next time */
			if (try_open(t, err, sizeof(err)) == -1)
				t->backoff_ms = t->backoff_ms * 2 <
				    BACKOFF_MAX_MS ? t->backoff_ms * 2 :
				    BACKOFF_MAX_MS;
		} else if (n->kind == MSG_CAPTURE)
			capture(t, (struct msg_capture *)n);
		else if (n->kind == MSG_LIVEVIEW) {
			lv = (struct msg_liveview *)n;
			t->lv_every_ms = 1000 / (lv->fps > 0 ? lv->fps : 1);
			t->lv_next = store_now_ms();
			if (lv->seconds > 0)
				t->lv_until = t->lv_next + lv->seconds * 1000LL;
			else if (t->lv_until != 0)
				t->lv_until = t->lv_next; /* preview() ends it */
		}
		msg_free(n);
	}
	c = t->cam;
	set_cam(t, NULL);
	cam_close(c);
	return NULL;
}

struct camthread *
camthread_start(const struct cam_conf *conf, struct queue *done)
{
	struct camthread *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->conf = *conf;
	t->done = done;
	pthread_mutex_init(&t->mu, NULL);
	queue_init(&t->req, -1);
	if (pthread_create(&t->t, NULL, run, t) != 0) {
		queue_destroy(&t->req);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return NULL;
	}
	return t;
}

void
camthread_capture(struct camthread *t, unsigned seq, const double light[2],
    int settle_ms)
{
	struct msg_capture *m;

	/* the frame's message too, so that the answer cannot fail to be
	 * allocated: every capture gets its MSG_FRAME */
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->reply = calloc(1, sizeof(*m->reply))) == NULL)
		fatal("%s", __func__);
	m->q.kind = MSG_CAPTURE;
	m->reply->q.kind = MSG_FRAME;
	m->seq = seq;
	m->light[0] = light[0];
	m->light[1] = light[1];
	m->settle_ms = settle_ms;
	queue_push(&t->req, &m->q);
}

void
camthread_liveview(struct camthread *t, int seconds, int fps)
{
	struct msg_liveview *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("%s", __func__);
	m->q.kind = MSG_LIVEVIEW;
	m->seconds = seconds;
	m->fps = fps;
	queue_push(&t->req, &m->q);
}

void
camthread_stop(struct camthread *t)
{
	if (t == NULL)
		return;
	/* closed first, so that the call cancelled next is known to be
	 * ended by the stop, not lost; it returns soon (cam_cancel) */
	queue_close(&t->req);
	pthread_mutex_lock(&t->mu);
	cam_cancel(t->cam);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->t, NULL);
	queue_destroy(&t->req);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
