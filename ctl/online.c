/*
 * online.c — idphotoctl's online commands: a client of idphotod's control
 * socket. One request per line, one response per line (see control.c);
 * subscribe and console also read the event stream.
 *
 * Messages from the daemon are English msgids; the sentences for the
 * operator (the advice of each finding) are translated here, through
 * gettext, following the client's locale.
 */
#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

#define _(s)	gettext(s)

/* Words the daemon sends that idphotoctl shows translated: the station's
 * states, the lamps' modes and sides (listed here for xgettext). */
static const char *const words[] __attribute__((unused)) = {
	N_("idle"), N_("armed"), N_("capturing"), N_("processing"),
	N_("accepted"), N_("rejected"), N_("off"), N_("standby"),
	N_("shooting"), N_("left"), N_("right"), N_("calibration"),
	N_("retake"), N_("replacing the accepted photo"),
	N_("fail"), N_("warn"),		/* a finding's severity */
	N_("override"),		/* a state's note: the operator's override */
};

struct conn {
	const char *path;	/* the socket, to reconnect to */
	int	fd;
	char	buf[PROTO_MAX_LINE + 1];
	size_t	len;
	long long deadline;	/* CLOCK_MONOTONIC ms; 0: wait for ever */
};

static int
conn_open(struct conn *c, const char *path)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	c->path = path;
	c->len = 0;
	c->deadline = 0;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, _("idphotoctl: socket path too long: %s\n"),
		    path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, _("idphotoctl: cannot reach idphotod at %s: "
		    "%s (is it running? are you in its group?)\n"), path,
		    strerror(errno));
		if (c->fd != -1)
			close(c->fd);
		return -1;
	}
	return 0;
}

static int
conn_send(struct conn *c, json_t *req)
{
	char *s = json_dumps(req, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;

	if (s == NULL)
		return -1;
	len = strlen(s);
	s[len++] = '\n';
	while (off < len) {
		n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(s);
			fprintf(stderr, "idphotoctl: send: %s\n",
			    strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	free(s);
	return 0;
}

/* The next line from the daemon, as JSON; NULL at EOF or error, and
 * with errno ETIMEDOUT when c->deadline passed first. */
static json_t *
conn_recv(struct conn *c)
{
	struct pollfd pfd;
	char *nl;
	ssize_t n;
	json_t *o;
	json_error_t je;
	long long left;

	for (;;) {
		if ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
			size_t ll = (size_t)(nl - c->buf);

			o = json_loadb(c->buf, ll, 0, &je);
			memmove(c->buf, nl + 1, c->len - ll - 1);
			c->len -= ll + 1;
			if (o == NULL)
				fprintf(stderr, "idphotoctl: bad reply: %s\n",
				    je.text);
			return o;
		}
		if (c->len >= PROTO_MAX_LINE)
			return NULL;
		if (c->deadline > 0) {
			if ((left = c->deadline - store_now_ms()) <= 0) {
				errno = ETIMEDOUT;
				return NULL;
			}
			pfd.fd = c->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)left) == 0)
				continue;	/* the deadline, next turn */
		}
		n = read(c->fd, c->buf + c->len, PROTO_MAX_LINE - c->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		c->len += (size_t)n;
	}
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void
print_findings(json_t *checks)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(checks, "findings"), i, f) {
		printf("    %-4s %-10s %-18s %s\n", _(str(f, "severity")),
		    str(f, "requirement"), str(f, "code"),
		    _(str(f, "advice")));
	}
}

/* A result's override: who accepted it over which checks, and why; or,
 * for a rejected frame, that the operator may (accept --override). */
static void
print_override(json_t *o)
{
	json_t *ov = json_object_get(o, PROTO_F_OVERRIDE), *cd;
	size_t i;

	if (json_is_object(ov)) {
		printf(_("  accepted by the operator over"));
		json_array_foreach(json_object_get(ov, "checks"), i, cd)
			printf(" %s", json_string_value(cd));
		printf(_(" (shot %lld): %s\n"), json_integer_value(
		    json_object_get(ov, "seq")), str(ov, "reason"));
	} else if (json_is_true(json_object_get(o, PROTO_F_OVERRIDABLE)))
		printf(_("  only appearance checks failed: the operator may "
		    "accept it anyway (idphotoctl accept --override \"REASON\"; "
		    "console: a)\n"));
}

/* The lamps of a status: the interface, then each lamp's level. */
/* The camera's state in a status or event: "connected", else in capitals
 * so that it stands out. */
static const char *
cam_word(json_t *o)
{
	const char *st = str(o, "state");

	if (strcmp(st, "connected") == 0)
		return _("connected");
	return strcmp(st, "reconnecting") == 0 ? _("RECONNECTING") :
	    _("ABSENT");
}

static void
print_lamps(json_t *lamps)
{
	json_t *l;
	size_t i;

	if (lamps == NULL)
		return;
	printf(_("  lamps %s, %s (%s)\n"), _(str(lamps, "mode")),
	    json_is_true(json_object_get(lamps, "connected")) ?
	    _("connected") : _("ABSENT"), json_is_true(json_object_get(lamps,
	    "connected")) ? str(lamps, "interface") : str(lamps, "error"));
	json_array_foreach(json_object_get(lamps, "lamps"), i, l)
		printf(_("    %-10s %-5s at %3.0f %% (calibrated %3.0f %%, "
		    "%lld K)\n"), str(l, "name"), _(str(l, "position")),
		    100 * json_number_value(json_object_get(l, "level")),
		    100 * json_number_value(json_object_get(l, "calibrated")),
		    json_integer_value(json_object_get(l, "cct")));
}

/* ---- what the daemon says, for people: one printer per event and per
 * reply, chosen by the event's name or the command the reply answers
 * (store/proto.h), never guessed from the keys ---------------------- */

static void
ev_state(json_t *o)
{
	const char *note = str(o, "note");

	printf(_("state: %s%s%s%s%s%s%s\n"), _(str(o, "state")),
	    str(o, "id")[0] ? " " : "", str(o, "id"),
	    str(o, "name")[0] ? " " : "", str(o, "name"),
	    note[0] ? " — " : "", note[0] ? _(note) : "");
}

static void
ev_notice(json_t *o)
{
	printf(_("notice: %s\n"), _(str(o, "message")));
}

static void
ev_lamps(json_t *o)
{
	printf(_("lamps: %s %s\n"), json_is_true(json_object_get(o,
	    "connected")) ? _("connected") : _("ABSENT"), str(o, "text"));
}

static void
ev_camera(json_t *o)
{
	printf(_("camera: %s %s\n"), cam_word(o), str(o, "text"));
}

static void
ev_framing(json_t *o)
{
	json_t *h;
	size_t i;

	if (str(o, "error")[0])
		printf(_("live view: ERROR: %s\n"), str(o, "error"));
	else if (json_is_true(json_object_get(o, "done")))
		printf(_("live view: ended\n"));
	else if (json_is_true(json_object_get(o, "ready")))
		printf(_("framing: ready, press the pedal\n"));
	else
		printf(_("framing: adjust before shooting:\n"));
	json_array_foreach(json_object_get(o, "hints"), i, h)
		printf("  - %s (%s)\n", _(str(h, "advice")), str(h, "req"));
}

static void
ev_result(json_t *o)
{
	const char *oc = str(o, "outcome");

	/* the pictures first: the verdict and its reasons are printed last */
	if (json_object_get(o, "preview"))
		printf(_("  annotated preview: %s\n"), str(o, "preview"));
	if (json_object_get(o, "replaced"))
		printf(_("  the earlier photo was kept as %s\n"),
		    str(o, "replaced"));
	if (strcmp(oc, "pass") == 0 || strcmp(oc, "warn") == 0)
		printf(_("ACCEPTED %s: %s (quality %lld, %lld bytes)\n"),
		    str(o, "id"), str(o, "output"),
		    json_integer_value(json_object_get(o, "quality")),
		    json_integer_value(json_object_get(o, "size")));
	else if (strcmp(oc, "fail") == 0)
		printf(_("REJECTED %s: retake after fixing:\n"), str(o, "id"));
	else
		printf(_("ERROR %s: %s\n"), str(o, "id"), str(o, "error"));
	print_findings(json_object_get(o, "checks"));
	print_override(o);
}

static void
ev_calibration(json_t *o)
{
	if (!json_is_true(json_object_get(o, "ok")))
		printf(_("calibration: ERROR: %s\n"), str(o, "error"));
	else
		printf(_("calibration: balance %.3f, lightness %.1f L*\n"),
		    json_number_value(json_object_get(o, "balance")),
		    json_number_value(json_object_get(o, "lightness")));
}

/* The events a subscriber gets; NULL: journal only, nothing to show. */
static void (*const event_printers[PROTO_NEVENTS])(json_t *) = {
	[PROTO_EV_STATE] = ev_state,
	[PROTO_EV_NOTICE] = ev_notice,
	[PROTO_EV_LAMPS] = ev_lamps,
	[PROTO_EV_CAMERA] = ev_camera,
	[PROTO_EV_FRAMING] = ev_framing,
	[PROTO_EV_RESULT] = ev_result,
	[PROTO_EV_CALIBRATION] = ev_calibration,
};

/* The simulated parts ("camera, lamps, pedal"), each word translated. */
static const char *
sim_words(const char *list, char *buf, size_t len)
{
	static const char *const parts[] __attribute__((unused)) = {
		N_("camera"), N_("lamps"), N_("pedal") };
	char w[32];
	size_t n;

	buf[0] = '\0';
	while (*list != '\0') {
		n = strcspn(list, ",");
		snprintf(w, sizeof(w), "%.*s", (int)n, list);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    buf[0] ? ", " : "", _(w));
		list += n;
		list += strspn(list, ", ");
	}
	return buf;
}

/* status, id, shoot, retake, cancel, subscribe: the station's status */
static void
re_status(json_t *o)
{
	char sim[128];
	json_t *cm = json_object_get(o, "camera");
	json_t *n = json_object_get(o, "counts");

	/* no space before the semicolon when no ID is keyed in */
	printf(_("state %s%s%s; camera %s (%s); %lld shots, %lld "
	    "accepted, %lld rejected, %lld errors\n"),
	    _(str(o, "state")), str(o, "id")[0] ? " " : "", str(o, "id"),
	    cam_word(cm), str(cm, "text"),
	    json_integer_value(json_object_get(n, "shots")),
	    json_integer_value(json_object_get(n, "accepted")),
	    json_integer_value(json_object_get(n, "rejected")),
	    json_integer_value(json_object_get(n, "errors")));
	if (str(o, "name")[0])
		printf(_("  graduate: %s %s %s\n"), str(o, "name"),
		    str(o, "centre"), str(o, "class"));
	print_lamps(json_object_get(o, "lamps"));
	if (json_is_object(json_object_get(o, PROTO_F_PEDAL)))	/* issue 18 */
		printf(_("  pedal: %s, %s\n"), str(json_object_get(o,
		    PROTO_F_PEDAL), PROTO_F_DRIVER), json_is_true(json_object_get(
		    json_object_get(o, PROTO_F_PEDAL), PROTO_F_CONNECTED)) ?
		    _("connected") : _("ABSENT"));
	if (json_is_object(json_object_get(o, PROTO_F_ROSTER))) {
		json_t *ro = json_object_get(o, PROTO_F_ROSTER);

		printf(_("  roster: %lld of %lld done, %lld rejected, %lld "
		    "missing\n"), json_integer_value(json_object_get(ro,
		    PROTO_F_ROSTER_DONE)), json_integer_value(json_object_get(ro,
		    PROTO_F_ROSTER_TOTAL)), json_integer_value(json_object_get(ro,
		    PROTO_F_ROSTER_REJECTED)), json_integer_value(
		    json_object_get(ro, PROTO_F_ROSTER_MISSING)));
	}
	if (str(o, "simulated")[0])
		printf(_("  SIMULATED: %s (the demo's or the tests' "
		    "drivers: this station photographs nobody)\n"),
		    sim_words(str(o, "simulated"), sim, sizeof(sim)));
	if (json_is_object(json_object_get(o, "last_shot")))
		printf(_("  last shot: %lld ms to trigger and download "
		    "%lld bytes from the camera\n"), json_integer_value(
		    json_object_get(json_object_get(o, "last_shot"),
		    "camera_ms")), json_integer_value(json_object_get(
		    json_object_get(o, "last_shot"), "bytes")));
	if (str(o, "note")[0])
		printf("  %s\n", _(str(o, "note")));
	if (str(o, "warning")[0])
		printf(_("  WARNING: %s\n"), _(str(o, "warning")));
}

static void
re_camera(json_t *o)
{
	json_t *cm = json_object_get(o, "camera"), *v;
	const char *k;

	printf(_("camera %s: %s\n"), cam_word(cm), str(cm, "text"));
	if (str(o, "read")[0])
		printf(_("  as read from the camera at %s:\n"), str(o, "read"));
	json_object_foreach(json_object_get(cm, "info"), k, v)
		printf("  %-16s %s\n", k, json_string_value(v));
	if (json_is_number(json_object_get(o, "resolution_spare")))
		printf(_("  the last accepted shot's crop had %.2f times "
		    "the pixels across that the photo needs; above 1.5 "
		    "or so a smaller JPEG size (camera.image_format) "
		    "would still do\n"), json_number_value(
		    json_object_get(o, "resolution_spare")));
	if (json_is_object(json_object_get(o, "proposed_size"))) {
		json_t *ps = json_object_get(o, "proposed_size");

		printf(_("  proposed JPEG size: the smallest that still "
		    "leaves 1.5 times is %lld x %lld (%.1f megapixels); "
		    "set camera.image_format to the camera's smallest "
		    "size at least that large\n"),
		    json_integer_value(json_object_get(ps, "width")),
		    json_integer_value(json_object_get(ps, "height")),
		    json_number_value(json_object_get(ps, "megapixels")));
	}
}

static void
re_history(json_t *o)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(o, "history"), i, e) {
		time_t t = (time_t)json_number_value(
		    json_object_get(e, "time"));
		char when[32];
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
		    localtime_r(&t, &tm));
		printf("%s %s %s %s\n", when, str(e, "id"),
		    str(e, "event"), _(str(e, "outcome")));
		if (json_object_get(e, "output"))
			printf("    %s\n", str(e, "output"));
		print_findings(json_object_get(e, "checks"));
		print_override(e);
	}
}

/* The replies that say more than "ok", by the command they answer. */
static void (*const reply_printers[PROTO_NCMDS])(json_t *) = {
	[PROTO_CMD_STATUS] = re_status,
	[PROTO_CMD_ID] = re_status,
	[PROTO_CMD_SHOOT] = re_status,
	[PROTO_CMD_RETAKE] = re_status,
	[PROTO_CMD_CANCEL] = re_status,
	[PROTO_CMD_SUBSCRIBE] = re_status,
	[PROTO_CMD_CAMERA] = re_camera,
	[PROTO_CMD_HISTORY] = re_history,
	[PROTO_CMD_ACCEPT] = re_status,
};

/* Whether o is a reply (to anything: a protocol error names none). */
static int
is_reply(json_t *o)
{
	return json_object_get(o, PROTO_F_EVENT) == NULL &&
	    (json_object_get(o, PROTO_F_REPLY) != NULL ||
	    json_object_get(o, PROTO_F_OK) != NULL);
}

/* One event or reply for people. */
static void
print_human(json_t *o)
{
	const char *ev = str(o, PROTO_F_EVENT);
	char text[512];
	photo_id_err why;
	int k;

	if (ev[0] != '\0') {
		for (k = 0; k < PROTO_NEVENTS; k++)
			if (strcmp(proto_events[k], ev) == 0 &&
			    event_printers[k] != NULL)
				event_printers[k](o);
	} else if (strcmp(str(o, PROTO_F_CODE), "NOT_OVERRIDABLE") == 0) {
		json_t *b;
		size_t i;

		printf(_("refused (NOT_OVERRIDABLE): only appearance checks "
		    "can be overridden, not the file, the geometry or the ID; "
		    "retake. It failed:\n"));
		json_array_foreach(json_object_get(o, PROTO_F_CHECKS), i, b)
			printf("    %-10s %s\n", str(b, "requirement"),
			    str(b, "code"));
	} else if (strcmp(str(o, PROTO_F_CODE), "NEEDS_CONFIRM") == 0)
		printf(_("%s already has an accepted photo: %s\n"
		    "To take a new one, confirm the replacement (the old "
		    "photo is kept in versions/).\n"), str(o, "id"),
		    str(o, "output"));
	else if (!json_is_true(json_object_get(o, PROTO_F_OK)) &&
	    store_id_error_get(o, &why) == 0) {
		/* a bad ID: worded here, in the operator's language */
		store_id_error_text(&why, 1, text, sizeof(text));
		printf(_("refused (%s): %s\n"), str(o, PROTO_F_CODE), text);
	} else if (!json_is_true(json_object_get(o, PROTO_F_OK)))
		/* the daemon's fixed sentences are in the catalogue */
		printf(_("refused (%s): %s\n"), str(o, PROTO_F_CODE),
		    _(str(o, PROTO_F_ERROR)));
	else if ((k = proto_command_find(str(o, PROTO_F_REPLY))) >= 0 &&
	    reply_printers[k] != NULL)
		reply_printers[k](o);
	else
		printf(_("ok\n"));
	fflush(stdout);
}

static void
emit(json_t *o, int json)
{
	if (json)
		ctl_print_json(o, JSON_COMPACT);
	else
		print_human(o);
}

/* Sends req and prints the response (events before it too). 0/1/-1. */
static int
roundtrip(struct conn *c, json_t *req, int json, json_t **resp)
{
	json_t *o;

	if (conn_send(c, req) == -1)
		return -1;
	while ((o = conn_recv(c)) != NULL) {
		if (is_reply(o)) {
			int rc = json_is_true(json_object_get(o, "ok")) ? 0 : 1;

			emit(o, json);
			if (resp != NULL)
				*resp = o;
			else
				json_decref(o);
			return rc;
		}
		emit(o, json);
		json_decref(o);
	}
	fprintf(stderr, _("idphotoctl: idphotod closed the connection\n"));
	return -1;
}

/*
 * Subscribes c to the daemon's events and quietly reads up to the reply,
 * within c's deadline (set by the caller), so that no event the request
 * that follows causes is missed. 0, or -1 when the subscription could
 * not be sent (a reply that does not come is left to the request).
 */
static int
subscribe(struct conn *c)
{
	json_t *sub = json_pack("{s:s}", "cmd", "subscribe"), *o;
	int done, rc;

	rc = conn_send(c, sub);
	json_decref(sub);
	while (rc == 0 && (o = conn_recv(c)) != NULL) {	/* quietly */
		done = is_reply(o);
		json_decref(o);
		if (done)
			break;
	}
	return rc;
}

/*
 * idphotoctl liveview: the station's events, above all the framing of
 * each live-view frame, until live view ends. The client subscribes
 * before it asks for live view, so that the end (or the camera's refusal,
 * which comes at once) cannot pass before it listens; and it waits no
 * longer than live view lasts, plus a margin. 0; 1 when it ended because
 * the camera could not (the daemon's error is printed); -1 when the
 * daemon went away or said nothing in time.
 */
static int
liveview(struct conn *c, json_t *req, int json, long seconds)
{
	json_t *o;
	int done, rc;

	c->deadline = store_now_ms() + (seconds + 15) * 1000LL;
	if ((rc = subscribe(c)) == -1 ||
	    (rc = roundtrip(c, req, json, NULL)) != 0)
		return rc;
	while ((o = conn_recv(c)) != NULL) {
		done = strcmp(str(o, "event"), "framing") == 0 &&
		    json_is_true(json_object_get(o, "done"));
		rc = str(o, "error")[0] != '\0';
		if (str(o, "event")[0] != '\0')
			emit(o, json);
		json_decref(o);
		if (done)
			return rc;	/* 1: the camera could not */
	}
	if (errno == ETIMEDOUT)
		fprintf(stderr, _("idphotoctl: live view did not end within "
		    "%ld s\n"), seconds + 15);
	else
		fprintf(stderr, _("idphotoctl: idphotod closed the "
		    "connection\n"));
	return -1;
}

/*
 * idphotoctl accept --override REASON: subscribes first (as liveview
 * does), asks, and waits for the result of the photo rendered from the
 * archived original, which it prints. 0 when the photo was accepted; 1
 * when refused or it could not be made; -1 when idphotod went away or
 * said nothing in time.
 */
static int
accept_override(struct conn *c, json_t *req, int json)
{
	json_t *o;
	int done, rc;

	c->deadline = store_now_ms() + 150 * 1000LL;
	if ((rc = subscribe(c)) == -1 ||
	    (rc = roundtrip(c, req, json, NULL)) != 0)
		return rc;
	while ((o = conn_recv(c)) != NULL) {
		done = strcmp(str(o, "event"), "result") == 0;
		if (done || strcmp(str(o, "event"), "notice") == 0)
			emit(o, json);
		if (done) {
			rc = json_is_object(json_object_get(o,
			    PROTO_F_OVERRIDE)) ? 0 : 1;
			json_decref(o);
			return rc;
		}
		json_decref(o);
	}
	fprintf(stderr, errno == ETIMEDOUT ? _("idphotoctl: accept: no result "
	    "from idphotod in time\n") : _("idphotoctl: idphotod closed the "
	    "connection\n"));
	return -1;
}

static void
console_help(void)
{
	printf(_("Type or scan an ID number and press Enter to key it in.\n"
	    "Enter on an empty line shoots (the software pedal).\n"
	    "  r  retake    c  cancel    s  status    q  quit\n"));
	printf(_("  a  accept the rejected frame anyway (the operator's "
	    "override: appearance checks only; asks why)\n"));
}

/*
 * The next line of stdin, from our own buffer (stdio's would hide lines
 * it read ahead from poll()). 1 with a line, 0 when none is complete yet
 * (read more), -1 at EOF.
 */
static int
stdin_line(char *buf, size_t *len, size_t cap, char *line, size_t lcap,
    int readmore)
{
	char *nl;
	ssize_t n;

	if (readmore) {
		n = read(STDIN_FILENO, buf + *len, cap - *len);
		if (n == 0 && *len == 0)
			return -1;
		if (n == 0) {		/* EOF: the last line, unterminated */
			buf[(*len)++] = '\n';
		} else if (n > 0)
			*len += (size_t)n;
	}
	if ((nl = memchr(buf, '\n', *len)) == NULL) {
		if (*len == cap)
			*len = 0;	/* an absurd line: drop it */
		return 0;
	}
	n = nl - buf;
	snprintf(line, lcap, "%.*s", (int)n, buf);
	memmove(buf, nl + 1, *len - (size_t)n - 1);
	*len -= (size_t)n + 1;
	line[strcspn(line, "\r")] = '\0';
	return 1;
}

static int handle_input(struct conn *, const char *, char *, size_t);

/*
 * The console's copy of the station's events. A result (the verdict) is
 * held back until the events it sets off (the new state, the lamps) have
 * been printed, then printed last, set apart by blank lines, so that it
 * is the last thing on the screen.
 */
struct console_out {
	json_t	*verdict;	/* a result event not printed yet */
};

static void
console_flush(struct console_out *co)
{
	if (co->verdict == NULL)
		return;
	printf("\n");
	print_human(co->verdict);
	printf("\n");
	fflush(stdout);
	json_decref(co->verdict);
	co->verdict = NULL;
}

static void
console_event(struct console_out *co, json_t *o)
{
	if (strcmp(str(o, "event"), "result") == 0) {
		console_flush(co);
		co->verdict = json_incref(o);
		return;
	}
	print_human(o);
}

/*
 * Waits for idphotod to come back after it went away (a restart, an
 * upgrade), trying every second, and subscribes again. 0 once it is
 * back; 1 if the operator typed q (or stdin ended) meanwhile. Other
 * lines typed meanwhile are not sent: the operator is told to type
 * them again.
 */
static int
console_reconnect(struct conn *c, char *in, size_t *inlen, size_t cap)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	char line[256];
	json_t *o;
	int got, fd = -1, saved;

	close(c->fd);
	c->fd = -1;
	printf(_("idphotod went away: waiting for it to come back "
	    "(q quits)\n"));
	fflush(stdout);
	for (;;) {
		if (poll(&pfd, 1, 1000) > 0) {
			got = stdin_line(in, inlen, cap, line, sizeof(line), 1);
			if (got == -1)
				return 1;
			while (got == 1) {
				if (strcmp(line, "q") == 0)
					return 1;
				printf(_("not sent (idphotod is not back "
				    "yet): %s\n"), line);
				got = stdin_line(in, inlen, cap, line,
				    sizeof(line), 0);
			}
		}
		/* quietly: the first failure was said above */
		saved = dup(STDERR_FILENO);
		if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) != -1) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		got = conn_open(c, c->path);
		if (saved != -1) {
			dup2(saved, STDERR_FILENO);
			close(saved);
		}
		if (got == 0)
			break;
	}
	o = json_pack("{s:s}", "cmd", "subscribe");
	got = conn_send(c, o);
	json_decref(o);
	if (got == -1)
		return console_reconnect(c, in, inlen, cap);
	printf(_("idphotod is back\n"));
	fflush(stdout);
	return 0;
}

static int
console(struct conn *c)
{
	struct pollfd pfd[2];
	struct console_out co = { NULL };
	/* a line as long as in: an override's reason is not cut */
	char line[1024], confirm[PHOTO_ID_LEN + 1] = "", in[1024];
	size_t inlen = 0;
	json_t *o;
	int rc, got, eof = 0;

	/* a line at a time even into a pipe or a log: an answer printed
	 * without a flush would wait there for the next event */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf(_("idphotod console\n"));
	console_help();
	o = json_pack("{s:s}", "cmd", "subscribe");
	rc = roundtrip(c, o, 0, NULL);
	json_decref(o);
	if (rc != 0)
		return 1;
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].events = POLLIN;
	for (;;) {
		/* a held verdict goes out after 300 ms without events;
		 * after stdin ends, events still come: stop after 3 s of
		 * silence */
		int n;

		pfd[1].fd = c->fd;
		n = poll(pfd, 2, co.verdict ? 300 : eof ? 3000 : -1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		if (n == 0 && co.verdict != NULL) {
			console_flush(&co);
			continue;
		}
		if (n == 0)
			break;
		if (pfd[1].revents) {
			/* events, possibly several lines */
			do {
				if ((o = conn_recv(c)) == NULL) {
					console_flush(&co);
					if (eof || console_reconnect(c, in,
					    &inlen, sizeof(in)))
						goto done;
					break;
				}
				/* a response: from the subscription again */
				if (json_object_get(o, "event") != NULL)
					console_event(&co, o);
				json_decref(o);
			} while (memchr(c->buf, '\n', c->len) != NULL);
		}
		if (!pfd[0].revents || eof)
			continue;
		console_flush(&co);
		got = stdin_line(in, &inlen, sizeof(in), line, sizeof(line), 1);
		while (got == 1) {
			rc = handle_input(c, line, confirm, sizeof(confirm));
			if (rc == 1)
				goto done;
			if (rc == -1 && console_reconnect(c, in, &inlen,
			    sizeof(in)))
				goto done;
			got = stdin_line(in, &inlen, sizeof(in), line,
			    sizeof(line), 0);
		}
		if (got == -1) {
			eof = 1;
			pfd[0].fd = -1;
		}
	}
done:
	console_flush(&co);
	return 0;
}

/*
 * Sends the console's request and prints what comes back: the events
 * before the response, then the response when it says something the
 * events did not: a refusal (except a refused pedal: the station's
 * "pedal ignored" notice has said it once already), a note, or the
 * status asked for. An accepted command's new state is its state event.
 * The response in *resp. -1 when the connection ends.
 */
static int
console_request(struct conn *c, json_t *req, json_t **resp)
{
	json_t *o;
	int noticed = 0;

	*resp = NULL;
	if (conn_send(c, req) == -1)
		return -1;
	while ((o = conn_recv(c)) != NULL) {
		if (json_object_get(o, "ok") != NULL &&
		    json_object_get(o, "event") == NULL) {
			int ok = json_is_true(json_object_get(o, "ok"));

			/* a, with no reason yet: the console asks why */
			int asking = strcmp(str(o, "code"), "NO_REASON") ==
			    0 && json_object_get(req, PROTO_F_OVERRIDE) == NULL;

			if (ok ? strcmp(str(req, "cmd"), "status") == 0 ||
			    str(o, "note")[0] || str(o, "warning")[0] :
			    !asking && !(noticed && strcmp(str(req, "cmd"),
			    "shoot") == 0))
				print_human(o);
			*resp = o;
			return 0;
		}
		noticed |= strcmp(str(o, "event"), "notice") == 0;
		print_human(o);
		json_decref(o);
	}
	return -1;
}

/* A y/N answer: 1 yes, 0 no, -1 neither (a scanned ID, a command). */
static int
yes_no(const char *line)
{
	if (strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0)
		return 1;
	if (line[0] == '\0' || strcasecmp(line, "n") == 0 ||
	    strcasecmp(line, "no") == 0)
		return 0;
	return -1;
}

/*
 * One line typed by the operator; 1 to quit, -1 when idphotod went
 * away. While a replacement waits for y/N, only y or n (or an empty
 * line, no) answers it: anything else, such as the next graduate's ID
 * from the scanner, leaves the photo as it is and is taken as typed.
 */
static int
handle_input(struct conn *c, const char *line, char *confirm, size_t clen)
{
	json_t *o, *resp = NULL;
	int yn;

	/* confirm is "\a" while the override's reason is asked for */
	if (strcmp(confirm, "\a") == 0) {
		confirm[0] = '\0';
		if (line[strspn(line, " \t")] == '\0') {
			printf(_("not accepted: no reason given\n"));
			return 0;
		}
		if ((o = json_pack("{s:s, s:s}", "cmd", "accept",
		    PROTO_F_OVERRIDE, line)) == NULL) {
			printf(_("not accepted: the reason is not UTF-8 "
			    "text\n"));
			return 0;
		}
		yn = console_request(c, o, &resp);
		json_decref(resp);
		json_decref(o);
		return yn == -1 ? -1 : 0;
	}
	if (confirm[0] != '\0') {
		yn = yes_no(line);
		if (yn == 1) {
			o = json_pack("{s:s, s:s, s:b}", "cmd", "id", "id",
			    confirm, "replace", 1);
			confirm[0] = '\0';
			yn = console_request(c, o, &resp);
			json_decref(resp);
			json_decref(o);
			return yn == -1 ? -1 : 0;
		}
		printf(_("not replaced: %s keeps its photo\n"), confirm);
		confirm[0] = '\0';
		if (yn == 0)
			return 0;
	}
	if (strcmp(line, "q") == 0)
		return 1;
	if (strcmp(line, "h") == 0 || strcmp(line, "?") == 0) {
		console_help();
		return 0;
	}
	if (line[0] == '\0')
		o = json_pack("{s:s}", "cmd", "shoot");
	else if (strcmp(line, "r") == 0)
		o = json_pack("{s:s}", "cmd", "retake");
	else if (strcmp(line, "c") == 0)
		o = json_pack("{s:s}", "cmd", "cancel");
	else if (strcmp(line, "s") == 0)
		o = json_pack("{s:s}", "cmd", "status");
	else if (strcmp(line, "a") == 0)	/* NO_REASON: then ask why */
		o = json_pack("{s:s}", "cmd", "accept");
	else
		o = json_pack("{s:s, s:s}", "cmd", "id", "id", line);
	if (console_request(c, o, &resp) == -1) {
		json_decref(o);
		return -1;
	}
	if (resp != NULL && strcmp(str(resp, "code"), "NEEDS_CONFIRM") == 0) {
		snprintf(confirm, clen, "%s", str(resp, "id")[0] ?
		    str(resp, "id") : str(o, "id"));
		printf(_("Replace the accepted photo? [y/N] "));
		fflush(stdout);
	}
	if (resp != NULL && strcmp(str(resp, "code"), "NO_REASON") == 0 &&
	    strcmp(str(o, "cmd"), "accept") == 0) {
		snprintf(confirm, clen, "\a");	/* the next line: why */
		printf(_("Why accept it anyway? (journalled; Enter alone "
		    "cancels) "));
		fflush(stdout);
	}
	json_decref(resp);
	json_decref(o);
	return 0;
}

/* Sends req and returns the response, printing nothing (events that
 * come first are dropped). NULL when the connection ends. */
static json_t *
request(struct conn *c, json_t *req)
{
	json_t *o;

	if (conn_send(c, req) == -1)
		return NULL;
	while ((o = conn_recv(c)) != NULL) {
		if (is_reply(o))
			return o;
		json_decref(o);
	}
	return NULL;
}

static void
print_calibration(json_t *ev, const char *path, const char *diff,
    int json)
{
	json_t *l;
	size_t i;

	if (json) {
		json_object_set_new(ev, "diff", json_string(diff));
		json_object_set_new(ev, "config", json_string(path));
		emit(ev, 1);
		return;
	}
	printf(_("calibration shot (%s): balance %.3f (left/right light), "
	    "lightness %.1f L*\n"), _(str(ev, "measured_on")),
	    json_number_value(json_object_get(ev, "balance")),
	    json_number_value(json_object_get(ev, "lightness")));
	printf("  %-12s %-8s %8s %9s\n", _("lamp"), _("side"), _("level"),
	    _("proposed"));
	json_array_foreach(json_object_get(ev, "lamps"), i, l)
		printf("  %-12s %-8s %8.3f %9.3f\n", str(l, "name"),
		    str(l, "position"),
		    json_number_value(json_object_get(l, "level")),
		    json_number_value(json_object_get(l, "proposed")));
	if (str(ev, "note")[0])
		printf("%s\n", _(str(ev, "note")));
	if (json_is_true(json_object_get(ev, "balanced")))
		printf(_("the lamps are balanced: nothing to change\n"));
	else if (diff[0])
		printf(_("the change to %s:\n%s"), path, diff);
	if (str(ev, "preview")[0])
		printf(_("preview: %s\n"), str(ev, "preview"));
}

/*
 * calibrate: subscribe, ask for a test shot, wait for the "calibration"
 * event, show the proposal as a diff of the config file, and with
 * --apply write it and reload.
 */
static int
calibrate(struct conn *c, const struct ctl_opts *o)
{
	struct timeval tv = { 120, 0 };
	json_t *req, *r, *ev = NULL, *l;
	double lv[RIG_MAX_LAMPS];
	char diff[4096] = "", err[1024];
	const char *path;
	size_t i;
	int n = 0, rc = 1;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	req = json_pack("{s:s}", "cmd", "subscribe");
	r = request(c, req);
	json_decref(req);
	json_decref(r);
	req = json_pack("{s:s}", "cmd", "calibrate");
	if (o->lightness > 0)
		json_object_set_new(req, "lightness", json_real(o->lightness));
	r = request(c, req);
	json_decref(req);
	if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
		fprintf(stderr, "idphotoctl: calibrate: %s\n", r ?
		    str(r, "error") : _("no answer from idphotod"));
		json_decref(r);
		return 1;
	}
	json_decref(r);
	while ((ev = conn_recv(c)) != NULL &&
	    strcmp(str(ev, "event"), "calibration") != 0)
		json_decref(ev);
	if (ev == NULL) {
		fprintf(stderr, _("idphotoctl: calibrate: no result from "
		    "idphotod\n"));
		return 1;
	}
	if (!json_is_true(json_object_get(ev, "ok"))) {
		fprintf(stderr, "idphotoctl: calibrate: %s\n", str(ev, "error"));
		goto done;
	}
	json_array_foreach(json_object_get(ev, "lamps"), i, l)
		if (n < RIG_MAX_LAMPS)
			lv[n++] = json_number_value(json_object_get(l,
			    "proposed"));
	path = o->config ? o->config : str(ev, "config");
	if (!json_is_true(json_object_get(ev, "balanced")) && path[0] &&
	    ctl_conf_set_levels(path, lv, n, !o->apply, diff, sizeof(diff),
	    err, sizeof(err)) == -1) {
		print_calibration(ev, path, "", o->json);
		fprintf(stderr, "idphotoctl: calibrate: %s\n", err);
		goto done;
	}
	print_calibration(ev, path, diff, o->json);
	rc = 0;
	if (!o->apply || json_is_true(json_object_get(ev, "balanced")))
		goto done;
	if (path[0] == '\0') {
		fprintf(stderr, _("idphotoctl: calibrate: idphotod runs without "
		    "a configuration file; give one with -c\n"));
		rc = 1;
		goto done;
	}
	req = json_pack("{s:s}", "cmd", "reload");
	r = request(c, req);
	json_decref(req);
	if (r == NULL || !json_is_true(json_object_get(r, "ok"))) {
		fprintf(stderr, _("idphotoctl: calibrate: %s written, but the "
		    "reload failed: %s\n"), path, r ? str(r, "error") : "?");
		rc = 1;
	} else if (!o->json)
		printf(_("written to %s and reloaded: the lamps fade to the new "
		    "levels\n"), path);
	json_decref(r);
done:
	json_decref(ev);
	return rc;
}

/*
 * The request for command k of the protocol with idphotoctl's operands
 * (their number is checked against the table first); NULL with a message
 * on stderr for bad operands.
 */
static json_t *
build_request(int k, int argc, char **argv, const struct ctl_opts *opt)
{
	json_t *req = json_pack("{s:s}", PROTO_F_CMD, proto_commands[k].name);
	char *end = NULL;
	long n;

	switch (k) {
	case PROTO_CMD_ID:
		json_object_set_new(req, PROTO_F_ID, json_string(argv[0]));
		/* FALLTHROUGH */
	case PROTO_CMD_RETAKE:
		json_object_set_new(req, PROTO_F_REPLACE,
		    json_boolean(opt->replace));
		break;
	case PROTO_CMD_ACCEPT:	/* none: the daemon says NO_REASON */
		if (opt->override != NULL)
			json_object_set_new(req, PROTO_F_OVERRIDE,
			    json_string(opt->override));
		break;
	case PROTO_CMD_HISTORY:
		if (argc > 0)
			json_object_set_new(req, PROTO_F_ID,
			    json_string(argv[0]));
		break;
	case PROTO_CMD_LIVEVIEW:
		n = argc ? strtol(argv[0], &end, 10) : 60;
		if (argc && (*argv[0] == '\0' || *end != '\0' || n < 0 ||
		    n > 600)) {
			fprintf(stderr, _("idphotoctl: liveview: SECONDS must "
			    "be 0 (stop) to 600\n"));
			json_decref(req);
			return NULL;
		}
		json_object_set_new(req, PROTO_F_SECONDS, json_integer(n));
		break;
	}
	return req;
}

int
ctl_online(const char *sock, const char *cmd, int argc, char **argv,
    const struct ctl_opts *opt)
{
	int json = opt->json;
	long lv_seconds = -1;	/* liveview: follow the framing this long */
	struct conn c;
	json_t *req = NULL, *o;
	int rc = 1, k = proto_command_find(cmd);

	if (k < 0 && strcmp(cmd, "console") != 0) {
		fprintf(stderr, _("idphotoctl: unknown command %s\n"), cmd);
		return 2;
	}
	if ((k < 0 && argc != 0) || (k >= 0 &&
	    (argc < proto_commands[k].min_args ||
	    argc > proto_commands[k].max_args))) {
		fprintf(stderr, _("idphotoctl: %s: wrong arguments "
		    "(see idphotoctl --help)\n"), cmd);
		return 2;
	}
	/* console and calibrate talk more than once: their own requests */
	if (k >= 0 && k != PROTO_CMD_CALIBRATE &&
	    (req = build_request(k, argc, argv, opt)) == NULL)
		return 2;
	if (k == PROTO_CMD_LIVEVIEW)
		lv_seconds = json_integer_value(json_object_get(req,
		    PROTO_F_SECONDS));
	if (conn_open(&c, sock) == -1) {
		json_decref(req);
		return 1;
	}
	if (req == NULL)
		rc = k == PROTO_CMD_CALIBRATE ? calibrate(&c, opt) :
		    console(&c);
	else if (lv_seconds > 0)
		rc = liveview(&c, req, json, lv_seconds);
	else if (k == PROTO_CMD_ACCEPT)
		rc = accept_override(&c, req, json);
	else if ((rc = roundtrip(&c, req, json, NULL)) == 0 &&
	    k == PROTO_CMD_SUBSCRIBE) {
		while ((o = conn_recv(&c)) != NULL) {
			emit(o, json);
			json_decref(o);
		}
	}
	json_decref(req);
	close(c.fd);
	return rc < 0 ? 1 : rc;
}
