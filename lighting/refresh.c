/*
 * refresh.c — the rig thread: fades and the steady DMX refresh.
 *
 * The thread owns the dmx handle. Everything else in struct rig is shared
 * with the callers under mu: they set a new configuration or mode, which
 * starts a fade for each lamp from wherever it is now; the thread reads
 * the fades, computes the levels of this instant, and sends the frame.
 * Frames go out on an absolute schedule (CLOCK_MONOTONIC), so the rate
 * does not drift with the time a send takes. While the interface is
 * away, the thread tries to open it once a second; the first frame after
 * that carries the current levels, which restores the lamps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lighting/rig.h"

struct fade {
	double	from, to;
	double	t0, dur;	/* seconds, monotonic */
};

struct rig {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int	quit;
	struct rig_conf conf;	/* under mu */
	int	mode;		/* under mu */
	struct fade fade[RIG_MAX_LAMPS];	/* under mu */
	struct rig_status st;	/* under mu: the last snapshot */
	void	(*notify)(void *);
	void	*arg;
	dmx	*dmx;		/* the thread's */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
fade_at(const struct fade *f, double t)
{
	if (f->dur <= 0 || t >= f->t0 + f->dur)
		return f->to;
	if (t <= f->t0)
		return f->from;
	return f->from + (f->to - f->from) * (t - f->t0) / f->dur;
}

static double
target(const struct rig_conf *c, int mode, int i)
{
	switch (mode) {
	case RIG_SHOOTING:
		return c->lamp[i].level;
	case RIG_STANDBY:
		return c->lamp[i].level * c->standby;
	default:
		return 0;
	}
}

/* Under mu: every lamp fades from its level now to its new target. */
static void
retarget(struct rig *r, int instant)
{
	double t = now_s();
	int i;

	for (i = 0; i < RIG_MAX_LAMPS; i++) {
		struct fade *f = &r->fade[i];

		f->from = i < r->conf.nlamps ? fade_at(f, t) : 0;
		f->to = i < r->conf.nlamps ? target(&r->conf, r->mode, i) : 0;
		f->t0 = t;
		f->dur = instant || i >= r->conf.nlamps ? 0 :
		    r->conf.lamp[i].fade_ms / 1000.0;
	}
}

/* Under mu: the levels at t into the status, and the frame to send. */
static void
levels(struct rig *r, double t, uint8_t frame[DMX_CHANNELS])
{
	double lv[RIG_MAX_LAMPS], left;
	int i, side;

	memset(r->st.side, 0, sizeof(r->st.side));
	memset(r->st.side_target, 0, sizeof(r->st.side_target));
	r->st.settle_ms = 0;
	r->st.nlamps = r->conf.nlamps;
	r->st.mode = r->mode;
	for (i = 0; i < r->conf.nlamps; i++) {
		const struct fade *f = &r->fade[i];

		lv[i] = fade_at(f, t);
		r->st.level[i] = lv[i];
		r->st.target[i] = f->to;
		side = strcmp(r->conf.lamp[i].position, "left") != 0;
		r->st.side[side] += lv[i];
		r->st.side_target[side] += f->to;
		left = f->t0 + f->dur - t;
		if (left > 0 && (int)(left * 1000) + 1 > r->st.settle_ms)
			r->st.settle_ms = (int)(left * 1000) + 1;
	}
	rig_frame(&r->conf, lv, frame);
}

static void
send_frame(struct rig *r, const uint8_t *frame, double *retry_at, double t)
{
	int ok, was;

	if (!dmx_connected(r->dmx) && t < *retry_at)
		return;
	ok = dmx_send(r->dmx, frame, DMX_CHANNELS) == 0;
	if (!ok)
		*retry_at = t + 1.0;
	pthread_mutex_lock(&r->mu);
	was = r->st.connected;
	r->st.connected = ok;
	if (ok) {
		r->st.frames++;
		r->st.error[0] = '\0';
	} else
		snprintf(r->st.error, sizeof(r->st.error), "%s",
		    dmx_error(r->dmx));
	pthread_mutex_unlock(&r->mu);
	if (was != ok && r->notify != NULL)
		r->notify(r->arg);
}

static void *
run(void *arg)
{
	struct rig *r = arg;
	uint8_t frame[DMX_CHANNELS];
	struct timespec next;
	double retry_at = 0;
	long period_ns;
	int quit = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!quit) {
		pthread_mutex_lock(&r->mu);
		levels(r, now_s(), frame);
		period_ns = 1000000000L / r->conf.refresh_hz;
		quit = r->quit;
		pthread_mutex_unlock(&r->mu);
		send_frame(r, frame, &retry_at, now_s());
		if (quit)
			break;
		next.tv_nsec += period_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		if (now_s() > next.tv_sec + next.tv_nsec / 1e9 + 1.0)
			clock_gettime(CLOCK_MONOTONIC, &next);	/* fell behind */
		/* waits out the period, or less when told to stop */
		pthread_mutex_lock(&r->mu);
		while (!r->quit && pthread_cond_timedwait(&r->cv, &r->mu,
		    &next) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

rig *
rig_start(const struct rig_conf *c, int mode, const struct dmx_usb *usb,
    void (*notify)(void *), void *arg, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	struct rig *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((r->dmx = dmx_create(&c->dmx, usb, err, errlen)) == NULL) {
		free(r);
		return NULL;
	}
	r->conf = *c;
	if (r->conf.refresh_hz < 1)
		r->conf.refresh_hz = 1;
	r->mode = mode;
	r->notify = notify;
	r->arg = arg;
	snprintf(r->st.describe, sizeof(r->st.describe), "%s",
	    dmx_describe(r->dmx));
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	retarget(r, 0);
	if (pthread_create(&r->t, NULL, run, r) != 0) {
		snprintf(err, errlen, "cannot start the DMX thread");
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		dmx_destroy(r->dmx);
		free(r);
		return NULL;
	}
	return r;
}

void
rig_configure(rig *r, const struct rig_conf *c)
{
	pthread_mutex_lock(&r->mu);
	r->conf.standby = c->standby;
	memcpy(r->conf.shutdown, c->shutdown, sizeof(r->conf.shutdown));
	r->conf.nlamps = c->nlamps;
	memcpy(r->conf.lamp, c->lamp, sizeof(r->conf.lamp));
	retarget(r, 0);
	pthread_mutex_unlock(&r->mu);
}

void
rig_set_mode(rig *r, int mode)
{
	pthread_mutex_lock(&r->mu);
	if (r->mode != mode) {
		r->mode = mode;
		retarget(r, 0);
	}
	pthread_mutex_unlock(&r->mu);
}

void
rig_status(rig *r, struct rig_status *st)
{
	uint8_t frame[DMX_CHANNELS];

	pthread_mutex_lock(&r->mu);
	levels(r, now_s(), frame);	/* the levels of this instant */
	*st = r->st;
	pthread_mutex_unlock(&r->mu);
}

void
rig_stop(rig *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->mode = strcmp(r->conf.shutdown, "off") == 0 ? RIG_OFF :
	    RIG_STANDBY;
	retarget(r, 1);
	r->quit = 1;		/* the thread sends this frame, then ends */
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->t, NULL);
	dmx_destroy(r->dmx);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
