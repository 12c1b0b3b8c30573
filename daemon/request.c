/*
 * request.c — the control socket's requests to the station: one handler
 * per command of the protocol (store/proto.h), chosen by the table at the
 * end; each answers with a reply object (control.c adds which command it
 * answers). Refusals say why, with a code (BUSY, NO_ID, NEEDS_CONFIRM,
 * ...), and change nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/station.h"

static json_t *
lamps_json(struct station *s)
{
	static const char *const modes[] = { "off", "standby", "shooting" };
	struct rig_status rs;
	json_t *o, *a = json_array();
	int i;

	rig_status(s->rig, &rs);
	for (i = 0; i < rs.nlamps; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:f, s:f, "
		    "s:f, s:i}", "name", s->conf.rig.lamp[i].name, "position",
		    s->conf.rig.lamp[i].position, "address",
		    s->conf.rig.lamp[i].address, "level", rs.level[i],
		    "target", rs.target[i], "calibrated",
		    s->conf.rig.lamp[i].level, "cct", s->conf.rig.lamp[i].cct));
	o = json_pack("{s:b, s:s, s:s, s:I, s:o}", "connected", rs.connected,
	    "interface", rs.describe, "mode", modes[rs.mode], "frames",
	    (json_int_t)rs.frames, "lamps", a);
	if (!rs.connected)
		json_object_set_new(o, "error", json_string(rs.error));
	return o;
}

static json_t *roster_progress(struct station *);

json_t *
st_status_json(struct station *s)
{
	json_t *o = st_ok();

	json_object_set_new(o, "state", json_string(st_names[s->state]));
	json_object_set_new(o, "id", json_string(s->id));
	st_add_who(s, o);
	json_object_set_new(o, "camera", json_pack("{s:b, s:s, s:s}",
	    "connected", s->cam_state == CAM_CONNECTED, "state",
	    cam_state_names[s->cam_state], "text", s->camtext));
	json_object_set_new(o, "counts", json_pack("{s:I, s:I, s:I, s:I}",
	    "shots", (json_int_t)s->shots, "accepted", (json_int_t)s->passed,
	    "rejected", (json_int_t)s->failed, "errors",
	    (json_int_t)s->errors));
	if (s->simulated[0] != '\0')
		json_object_set_new(o, "simulated", json_string(s->simulated));
	json_object_set_new(o, "accepted_ids", json_integer(
	    (json_int_t)json_object_size(s->accepted)));
	if (s->rig != NULL)
		json_object_set_new(o, "lamps", lamps_json(s));
	if (s->last != NULL)
		json_object_set(o, "last", s->last);
	/* the camera's share of a shot: what a smaller JPEG size saves */
	if (s->frame_bytes > 0)
		json_object_set_new(o, "last_shot", json_pack("{s:I, s:I}",
		    "camera_ms", (json_int_t)s->camera_ms, "bytes",
		    (json_int_t)s->frame_bytes));
	json_object_set_new(o, PROTO_F_PEDAL, json_pack("{s:s, s:b, s:b}",
	    PROTO_F_DRIVER, s->pedal_driver[0] ? s->pedal_driver : "none",
	    PROTO_F_CONNECTED, s->pedal_connected, PROTO_F_SIMULATED,
	    strcmp(s->pedal_driver, "fifo") == 0));
	if (s->roster != NULL)
		json_object_set_new(o, PROTO_F_ROSTER, roster_progress(s));
	return o;
}

/* The roster's progress, as idphotoctl report judges from the journal:
 * done (an accepted photo), rejected (shot, none accepted), missing (not
 * shot yet). */
static json_t *
roster_progress(struct station *s)
{
	json_t *entries = json_object_get(s->roster, "entries"), *e;
	json_int_t done = 0, rej = 0, total = 0;
	const char *id;

	json_object_foreach(entries, id, e) {
		total++;
		if (json_object_get(s->accepted, id) != NULL)
			done++;
		else if (json_object_get(s->rejected_ids, id) != NULL)
			rej++;
	}
	return json_pack("{s:I, s:I, s:I, s:I}", PROTO_F_ROSTER_TOTAL, total,
	    PROTO_F_ROSTER_DONE, done, PROTO_F_ROSTER_REJECTED, rej,
	    PROTO_F_ROSTER_MISSING, total - done - rej);
}

void
st_note_rejected(struct station *s, const char *id)
{
	if (id == NULL || id[0] == '\0')
		return;
	if (s->rejected_ids == NULL && (s->rejected_ids = json_object()) ==
	    NULL)
		return;
	json_object_set_new(s->rejected_ids, id, json_true());
}

void
station_set_pedal(struct station *s, const char *driver, int connected)
{
	snprintf(s->pedal_driver, sizeof(s->pedal_driver), "%s", driver);
	s->pedal_connected = connected;
}

/*
 * The camera diagnostics: its state and what it said about itself (the
 * "name: value" lines of cam_info, as an object) when it was last read:
 * on connecting and after each shot.
 */
static json_t *
camera_json(struct station *s)
{
	json_t *o = st_ok(), *info = json_object();
	char *line, *save = NULL, *colon, buf[sizeof(s->caminfo)], when[32];

	snprintf(buf, sizeof(buf), "%s", s->caminfo);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if ((colon = strstr(line, ": ")) != NULL) {
			*colon = '\0';
			json_object_set_new(info, line, json_string(colon + 2));
		}
	json_object_set_new(o, "camera", json_pack("{s:b, s:s, s:s, s:o}",
	    "connected", s->cam_state == CAM_CONNECTED, "state",
	    cam_state_names[s->cam_state], "text", s->camtext, "info", info));
	if (s->caminfo_time != 0) {
		store_time_iso((double)s->caminfo_time, when, sizeof(when));
		json_object_set_new(o, "read", json_string(when));
	}
	/* how much wider the frames are than the photos need: above 1.5 or
	 * so, a smaller JPEG size (camera.image_format) would still do */
	if (s->crop_scale > 0)
		json_object_set_new(o, "resolution_spare",
		    json_real(round(100 / s->crop_scale) / 100));
	/* the smallest frame whose crop would still have 1.5 times the
	 * pixels across that the photo needs: the size to propose */
	if (s->crop_scale > 0 && s->frame_w > 0 && s->frame_h > 0) {
		double k = 1.5 * s->crop_scale;
		int pw = (int)ceil(s->frame_w * k), ph = (int)ceil(s->frame_h *
		    k);

		json_object_set_new(o, "proposed_size", json_pack(
		    "{s:i, s:i, s:f, s:f}", "width", pw, "height", ph,
		    "megapixels", round((double)pw * ph / 1e5) / 10,
		    "spare", 1.5));
	}
	return o;
}

static json_t *
req_id(struct station *s, struct client *c __attribute__((unused)),
    json_t *req)
{
	const char *in = json_string_value(json_object_get(req, "id"));
	int replace = json_is_true(json_object_get(req, "replace"));
	char id[PHOTO_ID_LEN + 1], m[32];
	photo_id_err why;
	json_t *acc, *o;

	if (in == NULL)
		return st_refuse("USAGE", "id: needs \"id\": the 18-character "
		    "resident ID number");
	if (st_busy(s))
		return st_refuse("BUSY", "%s", N_("the last shot is still "
		    "being taken or checked: wait for its result"));
	if (photo_id_check(s->ctx, in, id, 0, &why) == -1) {
		o = st_refuse("BAD_ID", "%s", photo_error(s->ctx));
		store_id_error_put(o, &why);	/* the client words it */
		return o;
	}
	if ((acc = json_object_get(s->accepted, id)) != NULL && !replace) {
		const char *out = json_string_value(json_object_get(acc,
		    "output"));

		/* a question to the operator: the client words it from
		 * id and output; error is for logs and scripts */
		o = st_refuse("NEEDS_CONFIRM", "%s already has an accepted "
		    "photo (%s); to take a new one, confirm the replacement "
		    "(the old photo is kept in versions/)", id, out ? out :
		    "?");
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "output", json_string(out ? out : ""));
		return o;
	}
	if (strcmp(id, s->id) == 0 && s->state == ST_ARMED &&
	    s->replace == replace) {
		o = st_status_json(s);
		json_object_set_new(o, "note", json_string(N_("this ID is "
		    "already keyed in; press the pedal")));
		return o;
	}
	if (st_journal(s, json_pack("{s:s, s:s, s:b}", "event", "arm", "id", id,
	    "replace", replace)) == -1)
		return st_refuse("JOURNAL", "the journal cannot be written (disk "
		    "full?): %s", strerror(errno));
	if (strcmp(id, s->id) != 0)	/* another graduate: no override */
		st_drop_rejected(s);
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->replace = replace && acc != NULL;
	log_info("armed for %s%s", st_masked(id, m, sizeof(m)),
	    s->replace ? " (replacing the accepted photo)" : "");
	st_set_state(s, ST_ARMED, s->replace ? "replacing the accepted photo" :
	    NULL);
	o = st_status_json(s);
	if (json_is_false(json_object_get(o, "on_roster"))) {
		/* R-FLOW-1: a typo, or a graduate the list forgot */
		st_notice(s, "NOT_ON_ROSTER", N_("this ID is not on the roster: "
		    "check the number against the list (idphotoctl roster "
		    "show) before you shoot"));
		json_object_set_new(o, "warning", json_string(N_("this ID is "
		    "not on the roster: check the number against the list "
		    "(idphotoctl roster show) before you shoot")));
	}
	return o;
}

static json_t *
req_retake(struct station *s, struct client *c, json_t *req)
{
	json_t *r;

	if (s->id[0] == '\0' || s->state == ST_IDLE)
		return st_refuse("NO_ID", "%s", N_("nothing to retake: key in "
		    "an ID first"));
	if (st_busy(s))
		return st_refuse("BUSY", "%s", N_("the last shot is still "
		    "being taken or checked: wait for its result"));
	if (s->state == ST_ACCEPTED) {
		json_t *fwd = json_pack("{s:s, s:s, s:O?}", "cmd", "id", "id",
		    s->id, "replace", json_object_get(req, "replace"));

		r = req_id(s, c, fwd);
		json_decref(fwd);
		return r;
	}
	st_set_state(s, ST_ARMED, "retake");
	return st_status_json(s);
}

struct hist {
	const char *id;
	json_t *list;
};

static void
hist_one(json_t *ev, void *arg)
{
	struct hist *h = arg;
	const char *type = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "id"));

	if (type == NULL || (strcmp(type, "result") != 0 &&
	    strcmp(type, "interrupted") != 0))
		return;
	if (h->id != NULL && (id == NULL || strcmp(id, h->id) != 0))
		return;
	json_array_append(h->list, ev);
	if (json_array_size(h->list) > 100)
		json_array_remove(h->list, 0);
}

/* The reader: a replay of the whole journal, which can be long, so it
 * runs on its own (detached) thread and hands its message to the main
 * loop's queue when done. */
static void *
history_thread(void *arg)
{
	struct msg_history *m = arg;
	struct hist h = { m->id[0] ? m->id : NULL, json_array() };
	int torn;

	if (store_journal_replay(m->path, hist_one, &h, &torn) == -1) {
		snprintf(m->err, sizeof(m->err), "journal %s: %s", m->path,
		    strerror(errno));
		json_decref(h.list);
	} else
		m->list = h.list;
	queue_push(m->done, &m->q);
	return NULL;
}

/* history: answered later, when the reader is done (st_history_done). */
static json_t *
req_history(struct station *s, struct client *c, json_t *req)
{
	struct msg_history *m;
	pthread_attr_t at;
	pthread_t t;
	const char *in = json_string_value(json_object_get(req, "id"));
	photo_id_err why;
	int rc;

	if (s->done == NULL)
		return st_refuse("JOURNAL", "history cannot be read now");
	if (s->histories >= STATION_MAX_HISTORY)
		return st_refuse("BUSY", "%d histories are being read; ask "
		    "again in a moment", s->histories);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return st_refuse("JOURNAL", "out of memory");
	m->q.kind = MSG_HISTORY;
	m->done = s->done;
	m->client = control_client_id(c);
	snprintf(m->path, sizeof(m->path), "%s", s->j->path);
	if (in != NULL && photo_id_check(s->ctx, in, m->id, 0, &why) == -1) {
		json_t *o = st_refuse("BAD_ID", "%s", photo_error(s->ctx));

		free(m);
		store_id_error_put(o, &why);	/* the client words it */
		return o;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &at, history_thread, m);
	pthread_attr_destroy(&at);
	if (rc != 0) {
		free(m);
		return st_refuse("JOURNAL", "cannot start the journal reader: "
		    "%s", strerror(rc));
	}
	s->histories++;
	return NULL;
}

void
st_history_done(struct station *s, struct msg_history *m)
{
	json_t *o;

	s->histories--;
	if (m->list == NULL)
		o = st_refuse("JOURNAL", "%s", m->err);
	else {
		o = st_ok();
		json_object_set(o, PROTO_F_HISTORY, m->list);
	}
	control_reply(m->client, proto_commands[PROTO_CMD_HISTORY].name, o);
	json_decref(o);
}

static json_t *
req_status(struct station *s, struct client *c, json_t *req)
{
	(void)c;
	(void)req;
	return st_status_json(s);
}

static json_t *
req_shoot(struct station *s, struct client *c, json_t *req)
{
	const char *why, *code;

	(void)c;
	(void)req;
	if ((why = st_pedal_ignored(s, &code)) != NULL) {
		station_pedal(s, "software");	/* the notice */
		return st_refuse(code, "%s", why);
	}
	station_pedal(s, "software");
	return st_status_json(s);
}

static json_t *
req_cancel(struct station *s, struct client *c, json_t *req)
{
	(void)c;
	(void)req;
	if (st_busy(s))
		return st_refuse("BUSY", "%s", N_("the last shot is still "
		    "being taken or checked: wait for its result"));
	st_journal(s, json_pack("{s:s}", "event", "disarm"));
	st_drop_rejected(s);
	s->id[0] = '\0';
	s->replace = 0;
	st_set_state(s, ST_IDLE, NULL);
	return st_status_json(s);
}

static json_t *
req_subscribe(struct station *s, struct client *c, json_t *req)
{
	json_t *o;

	(void)req;
	control_subscribe(c);
	o = st_status_json(s);
	json_object_set_new(o, PROTO_F_SUBSCRIBED, json_true());
	return o;
}

static json_t *
req_reload(struct station *s, struct client *c, json_t *req)
{
	char err[1024];

	(void)c;
	(void)req;
	if (s->reload == NULL || s->reload(err, sizeof(err)) == -1)
		return st_refuse("CONFIG", "%s; the old settings stay",
		    s->reload ? err : "reload unavailable");
	return st_ok();
}

static json_t *
req_camera(struct station *s, struct client *c, json_t *req)
{
	(void)c;
	(void)req;
	return camera_json(s);
}

static json_t *
req_liveview(struct station *s, struct client *c, json_t *req)
{
	json_t *o, *sec = json_object_get(req, PROTO_F_SECONDS);
	json_int_t n = sec == NULL ? 60 : json_integer_value(sec);

	(void)c;
	if (sec != NULL && (!json_is_integer(sec) || n < 0 || n > 600))
		return st_refuse("USAGE", "liveview: seconds must be 0 (stop) to "
		    "600");
	camthread_liveview(s->cam, (int)n, s->conf.cam.preview_fps);
	o = st_ok();
	json_object_set_new(o, PROTO_F_SECONDS, json_integer(n));
	return o;
}

/* The handler of each command of the protocol (store/proto.h). */
static json_t *(*const handlers[PROTO_NCMDS])(struct station *,
    struct client *, json_t *) = {
	[PROTO_CMD_STATUS] = req_status,
	[PROTO_CMD_ID] = req_id,
	[PROTO_CMD_SHOOT] = req_shoot,
	[PROTO_CMD_RETAKE] = req_retake,
	[PROTO_CMD_CANCEL] = req_cancel,
	[PROTO_CMD_SUBSCRIBE] = req_subscribe,
	[PROTO_CMD_RELOAD] = req_reload,
	[PROTO_CMD_HISTORY] = req_history,
	[PROTO_CMD_CAMERA] = req_camera,
	[PROTO_CMD_LIVEVIEW] = req_liveview,
	[PROTO_CMD_CALIBRATE] = st_req_calibrate,
	[PROTO_CMD_ACCEPT] = st_req_accept,
};

/* A request from a client: dispatched by the protocol's table. */
json_t *
station_request(struct client *c, json_t *req, void *arg)
{
	struct station *s = arg;
	const char *cmd = json_string_value(json_object_get(req, PROTO_F_CMD));
	char known[512] = "";
	int i, k = proto_command_find(cmd);

	if (k >= 0 && handlers[k] != NULL)
		return handlers[k](s, c, req);
	for (i = 0; i < PROTO_NCMDS; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
		    "%s%s", i ? ", " : "", proto_commands[i].name);
	return st_refuse("USAGE", "unknown command \"%s\" (%s)", cmd, known);
}
