/*
 * camera.c — the camera thread. libgphoto2 blocks, so every cam_ call is
 * made here and only here. The thread waits on its request queue; each
 * MSG_CAPTURE gets exactly one MSG_FRAME back (the frame, or why there is
 * none), so a capture is never silently dropped. The camera is opened on
 * the first request, and after a failure it is closed and opened again
 * on the next one; state changes go to the main loop as MSG_CAMSTATE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/idphotod.h"
#include "drivers/cam.h"

struct camthread {
	pthread_t t;
	struct queue req;
	struct queue *done;
	struct cam_conf conf;
	pthread_mutex_t mu;	/* guards cam for camthread_stop's cancel */
	cam	*cam;
	int	connected;
};

static void
set_cam(struct camthread *t, cam *c)
{
	pthread_mutex_lock(&t->mu);
	t->cam = c;
	pthread_mutex_unlock(&t->mu);
}

static void
report_state(struct camthread *t, int connected, const char *text)
{
	struct msg_camstate *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->q.kind = MSG_CAMSTATE;
	m->connected = connected;
	snprintf(m->text, sizeof(m->text), "%s", text);
	t->connected = connected;
	queue_push(t->done, &m->q);
}

static int
ensure_open(struct camthread *t, char *err, size_t errlen)
{
	if (t->cam != NULL)
		return 0;
	set_cam(t, cam_open(&t->conf, err, errlen));
	if (t->cam == NULL) {
		report_state(t, 0, err);
		return -1;
	}
	report_state(t, 1, cam_describe(t->cam));
	return 0;
}

static void
capture(struct camthread *t, const struct msg_capture *req)
{
	struct msg_frame *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;		/* nothing to report with; main times out */
	m->q.kind = MSG_FRAME;
	m->seq = req->seq;
	if (req->settle_ms > 0) {
		struct timespec ts = { req->settle_ms / 1000,
		    (long)(req->settle_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if (ensure_open(t, m->err, sizeof(m->err)) == 0)
		cam_light(t->cam, req->light[0], req->light[1]);
	if (t->cam != NULL && cam_capture(t->cam, &m->buf, &m->len, m->name,
	    sizeof(m->name)) == -1) {
		snprintf(m->err, sizeof(m->err), "%s", cam_error(t->cam));
		/* start afresh on the next capture */
		cam_close(t->cam);
		set_cam(t, NULL);
		report_state(t, 0, m->err);
	}
	queue_push(t->done, &m->q);
}

static void *
run(void *arg)
{
	struct camthread *t = arg;
	struct qnode *n;
	char err[512];

	ensure_open(t, err, sizeof(err));
	while ((n = queue_pop(&t->req, 1)) != NULL) {
		if (n->kind == MSG_CAPTURE)
			capture(t, (struct msg_capture *)n);
		msg_free(n);
	}
	cam_close(t->cam);
	set_cam(t, NULL);
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

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("%s", __func__);
	m->q.kind = MSG_CAPTURE;
	m->seq = seq;
	m->light[0] = light[0];
	m->light[1] = light[1];
	m->settle_ms = settle_ms;
	queue_push(&t->req, &m->q);
}

void
camthread_stop(struct camthread *t)
{
	if (t == NULL)
		return;
	/* a capture in progress returns soon (libgphoto2's cancel) */
	pthread_mutex_lock(&t->mu);
	cam_cancel(t->cam);
	pthread_mutex_unlock(&t->mu);
	queue_close(&t->req);
	pthread_join(t->t, NULL);
	queue_destroy(&t->req);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
