/*
 * station.c — idphoto-web's side of idphotod's control socket: one
 * connection, subscribed to the events, on which the browsers' commands
 * are sent too. The protocol is idphotod's (store/proto.h, whose names
 * this file uses): one JSON object per line each way, events ({"event":
 * ...}) between the answers ({"reply": "<command>", "ok": ...}). The
 * daemon answers most commands at once, in the order they came, but a
 * history later, from its own reader thread: so an answer goes to the
 * oldest question of the command it names, not simply to the oldest.
 * Histories are asked one at a time, so that their answers cannot cross
 * either, and the pages' questions for the same history wait together
 * and share one answer: twenty tabs that each ask for a graduate's
 * history after every event of a burst cost the daemon one journal read
 * at a time, never more than it allows (it refuses a third at once).
 *
 * Everything the daemon says is made fit for a browser here, once:
 * file paths (which hold ID numbers) become image numbers ("/img/N"),
 * only the fields the page shows are kept, and refusals carry their code
 * (the page words each code itself; the daemon's text for a bad ID names
 * the expected check character, which the page must never show).
 *
 * The last status, result and calibration are kept for pages that open
 * later. The status is asked for again after each event that changes it
 * (at most one such question in flight), never on a timer. When the
 * daemon goes away, every waiting browser gets an answer, the pages are
 * told, and a new connection is tried every second.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "store/proto.h"
#include "web/web.h"

#define MAX_LINE	(1 << 20)	/* the daemon's events can be long */
#define MAX_OUT		(256 * 1024)
#define MAX_WAIT	256
#define NIMAGES		1024

enum { W_BROWSER, W_SUBSCRIBE, W_STATUS, W_CAMERA, W_HISTORY };

struct waiter {
	int	kind;
	int	cmd;		/* enum proto_cmd: the reply it waits for */
	web_reply_fn fn;
	void	*arg;
};

/* a page's question for a history, waiting to be asked or answered */
struct hwaiter {
	char	id[33];		/* "": every graduate's */
	int	asked;		/* the one history in flight */
	web_reply_fn fn;	/* NULL: the page went away */
	void	*arg;
};

static struct {
	const struct web_conf *conf;
	int	fd;
	char	*in;
	size_t	inlen;
	char	out[MAX_OUT];
	size_t	outlen;
	struct waiter w[MAX_WAIT];
	size_t	whead, wcount;
	struct hwaiter hw[MAX_WAIT];
	size_t	nhw;
	int	hist_asked;		/* a history is in flight */
	struct timespec retry;		/* next connection attempt */
	int	warned;
	/* what a page opened now is shown */
	json_t	*status, *last, *calibration, *caminfo;
	int	status_asked, status_dirty, camera_asked;
	char	outdir[PATH_MAX];	/* of the last photo, for disk space */
	/* image numbers */
	struct { unsigned long n; char *path; } img[NIMAGES];
	unsigned long nimg;
} st = { .fd = -1 };

static long
ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (t->tv_sec - now.tv_sec) * 1000 +
	    (t->tv_nsec - now.tv_nsec) / 1000000;
}

/* ---- image numbers ----------------------------------------------------- */

/* The page's name for a file the daemon named: "/img/N". The same path
 * keeps its number while it is in the table. */
static json_t *
img(const char *path)
{
	char u[64];
	unsigned long i, n = 0;

	if (path == NULL || path[0] == '\0')
		return json_null();
	for (i = 0; i < NIMAGES; i++)
		if (st.img[i].path != NULL && strcmp(st.img[i].path, path) == 0) {
			n = st.img[i].n;
			break;
		}
	if (n == 0) {
		n = ++st.nimg;
		i = n % NIMAGES;
		free(st.img[i].path);
		st.img[i].path = strdup(path);
		st.img[i].n = n;
	}
	snprintf(u, sizeof(u), "/img/%lu", n);
	return json_string(u);
}

const char *
web_station_image(unsigned long n)
{
	unsigned long i = n % NIMAGES;

	return n != 0 && st.img[i].n == n ? st.img[i].path : NULL;
}

/* ---- making the daemon's words fit for a page -------------------------- */

static const char *
s_(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static double
metric(json_t *ms, const char *k)
{
	return json_number_value(json_object_get(ms, k));
}

static void
copy(json_t *to, json_t *from, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (json_object_get(from, *keys) != NULL)
			json_object_set(to, *keys, json_object_get(from, *keys));
}

/* A result (event, status.last or history entry) for the page: verdict,
 * reasons, pictures and, with geom, where on the frame things were. */
static json_t *
fit_result(json_t *r, int geom)
{
	static const char *const keys[] = { PROTO_F_EVENT, PROTO_F_ID,
	    PROTO_F_SEQ, PROTO_F_OUTCOME, PROTO_F_QUALITY, PROTO_F_SIZE,
	    PROTO_F_ERROR, PROTO_F_TIME, PROTO_F_NAME, PROTO_F_OVERRIDE,
	    PROTO_F_OVERRIDABLE, NULL };
	json_t *o = json_object(), *ck = json_object_get(r, PROTO_F_CHECKS);
	json_t *fs = json_array(), *f, *ms;
	size_t i;

	copy(o, r, keys);
	json_object_set_new(o, PROTO_F_EVENT,
	    json_string(proto_events[PROTO_EV_RESULT]));
	if (s_(r, PROTO_F_OUTPUT) != NULL) {
		json_object_set_new(o, "photo", img(s_(r, PROTO_F_OUTPUT)));
		snprintf(st.outdir, sizeof(st.outdir), "%s",
		    s_(r, PROTO_F_OUTPUT));
		if (strrchr(st.outdir, '/') != NULL)
			*strrchr(st.outdir, '/') = '\0';
	}
	if (s_(r, PROTO_F_PREVIEW) != NULL)
		json_object_set_new(o, PROTO_F_PREVIEW,
		    img(s_(r, PROTO_F_PREVIEW)));
	if (s_(r, PROTO_F_REPLACED) != NULL)
		json_object_set_new(o, PROTO_F_REPLACED,
		    img(s_(r, PROTO_F_REPLACED)));
	json_array_foreach(json_object_get(ck, "findings"), i, f) {
		static const char *const fk[] = { PROTO_F_CODE, "requirement",
		    "severity", "value", "limit", "advice", NULL };
		json_t *g = json_object();

		copy(g, f, fk);
		json_array_append_new(fs, g);
	}
	json_object_set_new(o, "findings", fs);
	ms = json_object_get(ck, "metrics");
	if (geom && ck != NULL && ms != NULL) {
		json_t *gm = json_pack("{s:O?, s:O?}", "width",
		    json_object_get(ck, "width"), "height",
		    json_object_get(ck, "height"));

		if (json_object_get(ms, "face.box.w") != NULL)
			json_object_set_new(gm, "face", json_pack("[f,f,f,f]",
			    metric(ms, "face.box.x"), metric(ms, "face.box.y"),
			    metric(ms, "face.box.w"), metric(ms, "face.box.h")));
		if (metric(ms, "eyes.found") >= 2)
			json_object_set_new(gm, "eyes", json_pack("[f,f,f,f]",
			    metric(ms, "eyes.left.x"), metric(ms, "eyes.left.y"),
			    metric(ms, "eyes.right.x"),
			    metric(ms, "eyes.right.y")));
		if (json_object_get(ms, "crop.w") != NULL &&
		    metric(ms, "crop.w") > 0)
			json_object_set_new(gm, "crop", json_pack("[f,f,f,f]",
			    metric(ms, "crop.x"), metric(ms, "crop.y"),
			    metric(ms, "crop.w"), metric(ms, "crop.h")));
		json_object_set_new(o, "geom", gm);
	}
	return o;
}

static json_t *
disk(void)
{
	struct statvfs sv;
	const char *dir = st.outdir[0] ? st.outdir : st.conf->output_dir;

	if (statvfs(dir, &sv) == -1)
		return json_null();
	return json_pack("{s:I, s:I}", "free", (json_int_t)(sv.f_bavail *
	    sv.f_frsize), "total", (json_int_t)(sv.f_blocks * sv.f_frsize));
}

static json_t *
fit_status(json_t *r)
{
	static const char *const keys[] = { PROTO_F_STATE, PROTO_F_ID,
	    PROTO_F_NAME, PROTO_F_CENTRE, PROTO_F_CLASS, PROTO_F_ON_ROSTER,
	    PROTO_F_CAMERA, PROTO_F_COUNTS, PROTO_F_ACCEPTED_IDS,
	    PROTO_F_LAMPS, PROTO_F_NOTE, PROTO_F_WARNING, PROTO_F_PEDAL,
	    PROTO_F_ROSTER, PROTO_F_SIMULATED, NULL };
	json_t *o = json_pack("{s:s}", PROTO_F_EVENT, "status");

	copy(o, r, keys);
	if (json_object_get(r, PROTO_F_LAST) != NULL) {
		json_t *l = fit_result(json_object_get(r, PROTO_F_LAST), 1);

		json_object_set_new(o, PROTO_F_LAST, l);
		if (st.last == NULL)
			st.last = json_incref(l);
	}
	json_object_set_new(o, "disk", disk());
	if (st.caminfo != NULL)
		json_object_set(o, "camera_info", st.caminfo);
	json_object_set_new(o, "daemon", json_true());
	return o;
}

/* A history answer: each result, with the photo it made and, for a
 * photo replaced later, where it went (versions/). */
static json_t *
fit_history(json_t *r)
{
	json_t *a = json_array(), *e, *o, *k;
	size_t i, j;

	json_array_foreach(json_object_get(r, PROTO_F_HISTORY), i, e) {
		o = fit_result(e, 0);
		json_object_set_new(o, PROTO_F_EVENT,
		    json_string(s_(e, PROTO_F_EVENT) ? s_(e, PROTO_F_EVENT) :
		    proto_events[PROTO_EV_RESULT]));
		json_object_del(o, PROTO_F_REPLACED);
		/* the earlier accepted photo of this ID now lives where the
		 * replacing result says it was moved to */
		if (s_(e, PROTO_F_REPLACED) != NULL &&
		    s_(e, PROTO_F_ID) != NULL)
			for (j = json_array_size(a); j-- > 0;) {
				k = json_array_get(a, j);
				if (s_(k, PROTO_F_ID) != NULL &&
				    strcmp(s_(k, PROTO_F_ID),
				    s_(e, PROTO_F_ID)) == 0 &&
				    json_object_get(k, "photo") != NULL &&
				    !json_is_true(json_object_get(k,
				    "version"))) {
					json_object_set_new(k, "photo",
					    img(s_(e, PROTO_F_REPLACED)));
					json_object_set_new(k, "version",
					    json_true());
					break;
				}
			}
		json_array_append_new(a, o);
	}
	return json_pack("{s:b, s:o}", PROTO_F_OK, 1, PROTO_F_HISTORY, a);
}

static json_t *
fit_reply(json_t *r)
{
	json_t *o;

	if (!json_is_true(json_object_get(r, PROTO_F_OK))) {
		const char *code = s_(r, PROTO_F_CODE) ? s_(r, PROTO_F_CODE) :
		    "ERROR";

		o = json_pack("{s:b, s:s}", PROTO_F_OK, 0, PROTO_F_CODE, code);
		/* the daemon's text of these names the check character or
		 * a path with the ID: the page has its own words for them */
		if (strcmp(code, "BAD_ID") != 0 &&
		    strcmp(code, "NEEDS_CONFIRM") != 0 && s_(r, PROTO_F_ERROR))
			json_object_set(o, PROTO_F_ERROR,
			    json_object_get(r, PROTO_F_ERROR));
		return o;
	}
	if (json_object_get(r, PROTO_F_HISTORY) != NULL)
		return fit_history(r);
	if (json_object_get(r, PROTO_F_STATE) != NULL) {
		o = fit_status(r);
		json_object_set_new(o, PROTO_F_OK, json_true());
		json_object_del(o, PROTO_F_EVENT);
		return o;
	}
	o = json_pack("{s:b}", PROTO_F_OK, 1);
	if (json_object_get(r, PROTO_F_SECONDS) != NULL)
		json_object_set(o, PROTO_F_SECONDS,
		    json_object_get(r, PROTO_F_SECONDS));
	return o;
}

/* ---- the connection ---------------------------------------------------- */

static int
send_line(json_t *req)
{
	char *s = json_dumps(req, JSON_COMPACT);
	size_t n;
	ssize_t k;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (st.outlen + n + 1 > MAX_OUT) {
		free(s);
		return -1;
	}
	memcpy(st.out + st.outlen, s, n);
	st.out[st.outlen + n] = '\n';
	st.outlen += n + 1;
	free(s);
	while (st.outlen > 0) {
		k = send(st.fd, st.out, st.outlen, MSG_NOSIGNAL);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;		/* EAGAIN: POLLOUT finishes it */
		memmove(st.out, st.out + k, st.outlen - (size_t)k);
		st.outlen -= (size_t)k;
	}
	return 0;
}

/* {"cmd": <the command>}: a request without fields */
static json_t *
plain(int cmd)
{
	return json_pack("{s:s}", PROTO_F_CMD, proto_commands[cmd].name);
}

static int
ask(json_t *req, int kind, web_reply_fn fn, void *arg)
{
	struct waiter *w;
	int cmd = proto_command_find(s_(req, PROTO_F_CMD));

	if (st.fd == -1 || st.wcount == MAX_WAIT || cmd == -1 ||
	    send_line(req) == -1) {
		json_decref(req);
		return -1;
	}
	json_decref(req);
	w = &st.w[(st.whead + st.wcount++) % MAX_WAIT];
	w->kind = kind;
	w->cmd = cmd;
	w->fn = fn;
	w->arg = arg;
	return 0;
}

/* Takes the waiter for an answer to the command called reply out of
 * the FIFO into *w: the oldest one of that command; the oldest of all
 * when the answer names none (a refused line). 0, or -1: nobody. */
static int
take_waiter(const char *reply, struct waiter *w)
{
	int cmd = reply != NULL ? proto_command_find(reply) : -1;
	size_t i, k;

	for (i = 0; i < st.wcount; i++)
		if (reply == NULL ||
		    st.w[(st.whead + i) % MAX_WAIT].cmd == cmd)
			break;
	if (i == st.wcount)
		return -1;
	*w = st.w[(st.whead + i) % MAX_WAIT];
	for (k = i; k > 0; k--)		/* close the gap from the front */
		st.w[(st.whead + k) % MAX_WAIT] =
		    st.w[(st.whead + k - 1) % MAX_WAIT];
	st.whead = (st.whead + 1) % MAX_WAIT;
	st.wcount--;
	return 0;
}

/* Asks for the oldest history a page waits for, with every other page
 * waiting for the same one, when no history is in flight. */
static void
history_next(void)
{
	json_t *req;
	size_t i;
	const char *id = NULL;

	if (st.hist_asked || st.fd == -1)
		return;
	for (i = 0; i < st.nhw; i++)
		if (!st.hw[i].asked) {
			id = st.hw[i].id;
			break;
		}
	if (id == NULL)
		return;
	req = id[0] ? json_pack("{s:s, s:s}", PROTO_F_CMD,
	    proto_commands[PROTO_CMD_HISTORY].name, PROTO_F_ID, id) :
	    json_pack("{s:s}", PROTO_F_CMD,
	    proto_commands[PROTO_CMD_HISTORY].name);
	if (ask(req, W_HISTORY, NULL, NULL) == -1)
		return;		/* tried again at the next answer */
	st.hist_asked = 1;
	for (; i < st.nhw; i++)
		if (strcmp(st.hw[i].id, id) == 0)
			st.hw[i].asked = 1;
}

/* The history in flight is answered (o fit for the pages, or NULL:
 * the daemon went away): every page that waited for it gets it. */
static void
history_done(json_t *o)
{
	size_t i, k = 0;

	st.hist_asked = 0;
	for (i = 0; i < st.nhw; i++) {
		struct hwaiter *h = &st.hw[i];

		if (h->asked || o == NULL) {
			if (h->fn != NULL)
				h->fn(o ? json_incref(o) : NULL, h->arg);
		} else
			st.hw[k++] = *h;
	}
	st.nhw = k;
	json_decref(o);
	history_next();
}

static void
ask_status(void)
{
	if (st.status_asked) {
		st.status_dirty = 1;
		return;
	}
	if (ask(plain(PROTO_CMD_STATUS), W_STATUS, NULL, NULL) == 0)
		st.status_asked = 1;
}

static void
ask_camera(void)
{
	if (!st.camera_asked && ask(plain(PROTO_CMD_CAMERA), W_CAMERA, NULL,
	    NULL) == 0)
		st.camera_asked = 1;
}

static void
set_status(json_t *r)
{
	json_decref(st.status);
	st.status = fit_status(r);
	web_sse_broadcast(st.status);
}

static void
disconnect(const char *why)
{
	json_t *ev;

	if (st.fd != -1) {
		web_log_warnx("idphotod at %s: %s; trying again every second",
		    st.conf->socket, why);
		close(st.fd);
	}
	st.fd = -1;
	st.inlen = st.outlen = 0;
	st.status_asked = st.status_dirty = st.camera_asked = 0;
	while (st.wcount > 0) {
		struct waiter w = st.w[st.whead];

		st.whead = (st.whead + 1) % MAX_WAIT;
		st.wcount--;
		if (w.kind == W_BROWSER && w.fn != NULL)
			w.fn(NULL, w.arg);
	}
	history_done(NULL);
	ev = json_pack("{s:s, s:b}", PROTO_F_EVENT, "daemon",
	    PROTO_F_CONNECTED, 0);
	web_sse_broadcast(ev);
	json_decref(ev);
	if (st.status != NULL)
		json_object_set_new(st.status, "daemon", json_false());
	clock_gettime(CLOCK_MONOTONIC, &st.retry);
	st.retry.tv_sec += 1;
}

static void
on_answer(json_t *r)
{
	struct waiter w;

	if (take_waiter(s_(r, PROTO_F_REPLY), &w) == -1) {
		web_log_warnx("idphotod answered a question nobody asked");
		return;
	}
	switch (w.kind) {
	case W_SUBSCRIBE:
		if (!json_is_true(json_object_get(r, PROTO_F_OK))) {
			disconnect("it refused the subscription");
			return;
		}
		web_log_info("connected to idphotod at %s", st.conf->socket);
		set_status(r);
		ask_camera();
		break;
	case W_STATUS:
		st.status_asked = 0;
		if (json_is_true(json_object_get(r, PROTO_F_OK)))
			set_status(r);
		if (st.status_dirty) {
			st.status_dirty = 0;
			ask_status();
		}
		break;
	case W_HISTORY:
		history_done(fit_reply(r));
		break;
	case W_CAMERA:
		st.camera_asked = 0;
		json_decref(st.caminfo);
		st.caminfo = json_incref(json_object_get(json_object_get(r,
		    PROTO_F_CAMERA), "info"));
		ask_status();
		break;
	default:
		if (w.fn != NULL) {
			json_t *o = fit_reply(r);

			w.fn(o, w.arg);
		}
	}
	history_next();		/* if it could not be asked before */
}

static void
on_event(json_t *ev)
{
	const char *type = s_(ev, PROTO_F_EVENT);
	json_t *o;

	if (strcmp(type, proto_events[PROTO_EV_RESULT]) == 0) {
		o = fit_result(ev, 1);
		/* the name of the graduate the page shows beside it */
		if (st.status != NULL && s_(st.status, PROTO_F_NAME) != NULL &&
		    s_(st.status, PROTO_F_ID) != NULL &&
		    s_(ev, PROTO_F_ID) != NULL &&
		    strcmp(s_(st.status, PROTO_F_ID), s_(ev, PROTO_F_ID)) == 0)
			json_object_set(o, PROTO_F_NAME, json_object_get(st.status,
			    PROTO_F_NAME));
		json_decref(st.last);
		st.last = json_incref(o);
		ask_camera();		/* the battery after the shot */
	} else if (strcmp(type, proto_events[PROTO_EV_FRAMING]) == 0) {
		static const char *const keys[] = { PROTO_F_EVENT, "face",
		    "ready", "hints", PROTO_F_ERROR, PROTO_F_DONE, NULL };

		o = json_object();
		copy(o, ev, keys);
		if (s_(ev, PROTO_F_PREVIEW) != NULL)
			json_object_set_new(o, PROTO_F_PREVIEW, img(s_(ev,
			    PROTO_F_PREVIEW)));
	} else if (strcmp(type, proto_events[PROTO_EV_CALIBRATION]) == 0) {
		static const char *const keys[] = { PROTO_F_EVENT, PROTO_F_OK,
		    PROTO_F_ERROR, "balance", PROTO_F_LIGHTNESS, "balanced",
		    PROTO_F_NOTE, PROTO_F_LAMPS, "target_lightness", NULL };

		o = json_object();
		copy(o, ev, keys);
		json_object_set_new(o, PROTO_F_TIME,
		    json_real((double)time(NULL)));
		json_decref(st.calibration);
		st.calibration = json_incref(o);
	} else {
		/* state, notice, lamps, camera: nothing in them to hide */
		o = json_incref(ev);
		if (strcmp(type, proto_events[PROTO_EV_CAMERA]) == 0)
			ask_camera();
	}
	web_sse_broadcast(o);
	json_decref(o);
	if (strcmp(type, proto_events[PROTO_EV_FRAMING]) != 0)
		ask_status();
}

static void
try_connect(void)
{
	struct sockaddr_un sun;
	json_t *req;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &st.retry);
	st.retry.tv_sec += 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(st.conf->socket) >= sizeof(sun.sun_path))
		return;
	strcpy(sun.sun_path, st.conf->socket);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (!st.warned)
			web_log_warn("cannot reach idphotod at %s (is it "
			    "running? is this user in its group?); trying "
			    "every second", st.conf->socket);
		st.warned = 1;
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	st.fd = fd;
	st.warned = 0;
	st.retry.tv_sec = 0;
	req = plain(PROTO_CMD_SUBSCRIBE);
	if (ask(req, W_SUBSCRIBE, NULL, NULL) == -1)
		disconnect("cannot send to it");
}

void
web_station_init(const struct web_conf *conf)
{
	st.conf = conf;
	st.in = malloc(MAX_LINE + 1);
	try_connect();
}

int
web_station_fd(short *events)
{
	*events = POLLIN | (st.outlen > 0 ? POLLOUT : 0);
	return st.fd;
}

int
web_station_timeout(void)
{
	long ms;

	if (st.fd != -1)
		return -1;
	ms = ms_until(&st.retry);
	return ms < 0 ? 0 : (int)ms;
}

void
web_station_tick(void)
{
	if (st.fd == -1 && ms_until(&st.retry) <= 0)
		try_connect();
}

void
web_station_dispatch(short revents)
{
	ssize_t n;
	char *nl;

	if (st.fd == -1)
		return;
	if ((revents & POLLOUT) && st.outlen > 0) {
		n = send(st.fd, st.out, st.outlen, MSG_NOSIGNAL);
		if (n > 0) {
			memmove(st.out, st.out + n, st.outlen - (size_t)n);
			st.outlen -= (size_t)n;
		}
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	for (;;) {
		n = read(st.fd, st.in + st.inlen, MAX_LINE - st.inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			disconnect(n == 0 ? "it closed the connection" :
			    strerror(errno));
			return;
		}
		st.inlen += (size_t)n;
		while ((nl = memchr(st.in, '\n', st.inlen)) != NULL) {
			size_t ll = (size_t)(nl - st.in);
			json_error_t je;
			json_t *o = json_loadb(st.in, ll, 0, &je);

			memmove(st.in, nl + 1, st.inlen - ll - 1);
			st.inlen -= ll + 1;
			if (o == NULL || !json_is_object(o)) {
				web_log_warnx("idphotod sent a line that is not "
				    "a JSON object");
			} else if (s_(o, PROTO_F_EVENT) != NULL)
				on_event(o);
			else
				on_answer(o);
			json_decref(o);
			if (st.fd == -1)
				return;
		}
		if (st.inlen >= MAX_LINE) {
			disconnect("it sent a line over 1 MB");
			return;
		}
	}
}

int
web_station_request(json_t *req, web_reply_fn fn, void *arg)
{
	const char *id = s_(req, PROTO_F_ID);
	struct hwaiter *h;

	if (proto_command_find(s_(req, PROTO_F_CMD)) != PROTO_CMD_HISTORY)
		return ask(req, W_BROWSER, fn, arg);
	if (st.fd == -1 || st.nhw == MAX_WAIT || (id != NULL &&
	    strlen(id) >= sizeof(st.hw[0].id))) {
		json_decref(req);
		return -1;
	}
	h = &st.hw[st.nhw++];
	snprintf(h->id, sizeof(h->id), "%s", id ? id : "");
	h->asked = 0;
	h->fn = fn;
	h->arg = arg;
	json_decref(req);
	history_next();
	return 0;
}

void
web_station_forget(void *arg)
{
	size_t i;

	for (i = 0; i < st.wcount; i++) {
		struct waiter *w = &st.w[(st.whead + i) % MAX_WAIT];

		if (w->kind == W_BROWSER && w->arg == arg)
			w->fn = NULL;
	}
	for (i = 0; i < st.nhw; i++)
		if (st.hw[i].arg == arg)
			st.hw[i].fn = NULL;
}

json_t *
web_station_hello(void)
{
	json_t *o = json_pack("{s:s, s:b}", PROTO_F_EVENT, "hello", "daemon",
	    st.fd != -1 && st.status != NULL);

	if (st.status != NULL)
		json_object_set(o, "status", st.status);
	if (st.last != NULL)
		json_object_set(o, PROTO_F_LAST, st.last);
	if (st.calibration != NULL)
		json_object_set(o, "calibration", st.calibration);
	return o;
}
