/*
 * station.c — the station's state machine: its state, and the transitions
 * (the pedal; frames and results from the camera and the worker; the
 * deadlines). It lives on the main loop and owns the station's state; the
 * camera and the worker only ever see messages. Recovery is recover.c,
 * calibration calibrate.c, the socket's requests request.c (station.h).
 *
 *   idle --id--> armed --pedal--> capturing --frame--> processing
 *        processing --result--> accepted | rejected
 *   rejected --pedal--> capturing        (a retake of the same ID)
 *   accepted --id--> armed               (the next graduate)
 *   accepted --retake + replace--> armed (a new photo for the same ID)
 *   rejected|armed --accept --override--> processing (the operator's
 *        override: the last rejected frame rendered from its archived
 *        original, when it failed appearance checks only) --> accepted
 *
 * Refusals are answered and broadcast, never silent: a pedal press with no
 * ID, a press while capturing or processing, an ID while busy, and an ID
 * that already has an accepted photo (it needs "replace": the old photo
 * then goes to versions/, never lost).
 *
 * Every attempt is journalled before and after: "shoot" before the
 * camera fires, "result" with the verdict, the measurements, the archived
 * original and the output. station_recover() rebuilds the set of
 * accepted IDs and the last armed ID from the journal after a restart,
 * and journals "interrupted" for a shot that never got its result.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/station.h"

const char *const st_names[] = { "idle", "armed", "capturing",
    "processing", "accepted", "rejected" };

json_t *
st_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

json_t *
st_refuse(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "code", code, "error",
	    msg);
}

const char *
st_masked(const char *id, char *buf, size_t len)
{
	store_mask_id(id, buf, len);
	return buf;
}

/* in, with every occurrence of the ID masked (paths hold ID numbers). */
static const char *
mask_in(const char *id, const char *in, char *buf, size_t len)
{
	char m[32];
	const char *p;
	size_t idl = strlen(id), o = 0;

	if (idl == 0)
		return in;
	store_mask_id(id, m, sizeof(m));
	while (*in != '\0' && o + 1 < len) {
		if ((p = strstr(in, id)) == NULL)
			p = in + strlen(in);
		while (in < p && o + 1 < len)
			buf[o++] = *in++;
		if (*in != '\0') {
			o += (size_t)snprintf(buf + o, len - o, "%s", m);
			if (o >= len)
				o = len - 1;
			in += idl;
		}
	}
	buf[o] = '\0';
	return buf;
}

void
st_update_status(struct station *s)
{
	char m[32];

	snprintf(s->status, sizeof(s->status), "%s%s%s; camera %s; "
	    "lamps %s; %lu accepted, %lu rejected, %lu errors",
	    st_names[s->state], s->id[0] ? " " : "",
	    s->id[0] ? st_masked(s->id, m, sizeof(m)) : "",
	    cam_state_names[s->cam_state],
	    s->rig == NULL ? "none" : s->lamps_connected ? "on" : "absent",
	    s->passed, s->failed, s->errors);
	if (s->simulated[0] != '\0')	/* a demo or a test, never a studio */
		snprintf(s->status + strlen(s->status), sizeof(s->status) -
		    strlen(s->status), "; SIMULATED %s", s->simulated);
}

/* Lamps at the calibrated level while a graduate is in the chair (an ID
 * armed and not yet accepted), dimmed to standby otherwise. */
static void
lamps_follow(struct station *s)
{
	if (s->rig == NULL)
		return;
	switch (s->state) {
	case ST_ARMED:
	case ST_CAPTURING:
	case ST_PROCESSING:
	case ST_REJECTED:
		rig_set_mode(s->rig, RIG_SHOOTING);
		break;
	default:
		rig_set_mode(s->rig, RIG_STANDBY);
	}
}

/*
 * The roster (idphotoctl roster import writes state_dir/roster.json) is
 * read once and cached; an inotify watch on the state folder says when
 * it was written again or removed (station_roster_fd, polled by the main
 * loop), and only then is it read again, so an import is seen from the
 * next ID on without a reload, and no state change stats a file.
 */
static void
roster_load(struct station *s)
{
	char err[1024];

	json_decref(s->roster);
	if ((s->roster = store_roster_load(s->conf.state_dir, err,
	    sizeof(err))) != NULL)
		log_info("roster: %zu graduates", json_object_size(
		    json_object_get(s->roster, "entries")));
	else if (errno != ENOENT)
		log_warnx("roster: %s", err);
}

static void
roster_watch(struct station *s)
{
	if (s->inotify == -1 && (s->inotify = inotify_init1(IN_NONBLOCK |
	    IN_CLOEXEC)) == -1) {
		log_warn("inotify: the roster is read at start and reload only");
		return;
	}
	if (s->roster_wd != -1)
		inotify_rm_watch(s->inotify, s->roster_wd);
	if ((s->roster_wd = inotify_add_watch(s->inotify, s->conf.state_dir,
	    IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)) == -1)
		log_warn("inotify: %s", s->conf.state_dir);
}

int
station_roster_fd(const struct station *s)
{
	return s->inotify;
}

void
station_roster_event(struct station *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;
	int changed = 0;

	while ((n = read(s->inotify, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len > 0 && strcmp(ev->name, "roster.json") == 0)
				changed = 1;
		}
	if (changed)
		roster_load(s);
}

/* The roster entry of id, or NULL; *have says whether there is a
 * roster. */
static json_t *
roster_entry(struct station *s, const char *id, int *have)
{
	*have = s->roster != NULL;
	if (s->roster == NULL || id[0] == '\0')
		return NULL;
	return json_object_get(json_object_get(s->roster, "entries"), id);
}

/* The graduate's name and group from the roster into o. */
void
st_add_who(struct station *s, json_t *o)
{
	int have;
	json_t *e = roster_entry(s, s->id, &have);

	if (e != NULL) {
		json_object_set(o, "name", json_object_get(e, "name"));
		if (json_object_get(e, "centre") != NULL)
			json_object_set(o, "centre", json_object_get(e,
			    "centre"));
		if (json_object_get(e, "class") != NULL)
			json_object_set(o, "class", json_object_get(e,
			    "class"));
	}
	if (have && s->id[0] != '\0')
		json_object_set_new(o, "on_roster", json_boolean(e != NULL));
}

void
st_set_state(struct station *s, int st, const char *note)
{
	json_t *ev;

	s->state = st;
	if (st != ST_CAPTURING && st != ST_PROCESSING)
		s->deadline = 0;
	st_update_status(s);
	lamps_follow(s);
	ev = json_pack("{s:s, s:s, s:s}", "event", "state", "state",
	    st_names[st], "id", s->id);
	st_add_who(s, ev);
	if (note != NULL)
		json_object_set_new(ev, "note", json_string(note));
	control_broadcast(ev);
	json_decref(ev);
}

/* An operator-facing notice: broadcast and logged. */
void
st_notice(struct station *s, const char *code, const char *msg)
{
	json_t *ev = json_pack("{s:s, s:s, s:s, s:s}", "event", "notice",
	    "code", code, "message", msg, "state", st_names[s->state]);

	log_info("%s: %s", code, msg);
	control_broadcast(ev);
	json_decref(ev);
}

/* Journals ev (stolen). -1 when the journal cannot be written. */
int
st_journal(struct station *s, json_t *ev)
{
	int rc = store_journal_append(s->j, ev);

	if (rc == -1)
		log_warn("journal %s", s->j->path);
	json_decref(ev);
	return rc;
}

struct station *
station_new(const struct store_conf *conf, struct store_journal *j,
    struct camthread *ct, struct worker *w)
{
	struct station *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->ctx = photo_create()) == NULL) {
		free(s);
		return NULL;
	}
	s->conf = *conf;
	if (photo_configure_ids(s->ctx, &conf->photo) == -1)
		log_warnx("%s", photo_error(s->ctx));
	/* the drivers are restart keys: what runs now runs until then */
	store_conf_simulated(conf, s->simulated, sizeof(s->simulated));
	s->j = j;
	s->cam = ct;
	s->w = w;
	s->accepted = json_object();
	snprintf(s->camtext, sizeof(s->camtext), "not opened yet");
	s->inotify = s->roster_wd = -1;
	roster_watch(s);
	roster_load(s);
	st_update_status(s);
	return s;
}

void
station_set_conf(struct station *s, const struct store_conf *conf)
{
	s->conf = *conf;
	/* the ID rules (photo.id_escape) live in the photo context; the
	 * cascades are the worker's alone (loaded once per daemon) */
	if (photo_configure_ids(s->ctx, &conf->photo) == -1)
		log_warnx("%s", photo_error(s->ctx));
	roster_load(s);		/* a reload reads it again too */
}

void
station_set_rig(struct station *s, rig *r)
{
	s->rig = r;
	lamps_follow(s);
	st_update_status(s);
}

void
station_lamps(struct station *s)
{
	struct rig_status rs;
	json_t *ev;

	if (s->rig == NULL)
		return;
	rig_status(s->rig, &rs);
	if (rs.connected == s->lamps_connected && (rs.connected ||
	    strcmp(rs.error, s->lampstext) == 0))
		return;
	if (rs.connected)
		log_info("lamps: %s: sending", rs.describe);
	else
		log_warnx("lamps: %s; retrying every second", rs.error);
	s->lamps_connected = rs.connected;
	snprintf(s->lampstext, sizeof(s->lampstext), "%s", rs.connected ?
	    rs.describe : rs.error);
	st_update_status(s);
	ev = json_pack("{s:s, s:b, s:s}", "event", "lamps", "connected",
	    rs.connected, "text", s->lampstext);
	control_broadcast(ev);
	json_decref(ev);
}

void
station_on_reload(struct station *s, int (*fn)(char *, size_t),
    const char *path)
{
	s->reload = fn;
	snprintf(s->confpath, sizeof(s->confpath), "%s", path ? path : "");
}

const char *
station_status_line(const struct station *s)
{
	return s->status;
}

void
station_free(struct station *s)
{
	if (s == NULL)
		return;
	json_decref(s->accepted);
	json_decref(s->last);
	json_decref(s->roster);
	json_decref(s->rejected);
	json_decref(s->overriding);
	json_decref(s->rejected_ids);
	if (s->inotify != -1)
		close(s->inotify);
	photo_destroy(s->ctx);
	free(s);
}

/* ---- the workflow ------------------------------------------------------ */

/* A shot begins: journalled first, so that nothing goes unrecorded; -1
 * when the journal cannot be written, and then there is no shot. */
static int
begin_shot(struct station *s, const char *source)
{
	char m[32];

	s->seq++;
	if (st_journal(s, s->calibrating ? json_pack("{s:s, s:i, s:s}", "event",
	    "calibrate", "seq", (json_int_t)s->seq, "source", source) :
	    json_pack("{s:s, s:s, s:i, s:s}", "event", "shoot",
	    "id", s->id, "seq", (json_int_t)s->seq, "source", source)) == -1) {
		s->calibrating = 0;
		st_notice(s, "JOURNAL", N_("the journal cannot be written (disk "
		    "full?): not shooting, so that nothing goes unrecorded"));
		return -1;
	}
	if (s->calibrating)
		log_info("calibration shot %u (%s)", s->seq, source);
	else {
		st_drop_rejected(s);	/* a newer shot: no override */
		s->shots++;
		log_info("shot %u for %s (%s)", s->seq,
		    st_masked(s->id, m, sizeof(m)), source);
	}
	st_set_state(s, ST_CAPTURING, s->calibrating ? "calibration" : NULL);
	return 0;
}

/*
 * How long a capture may take before the station gives up on it: the
 * lamps' settling, the simulated latency, and three of the camera's call
 * deadlines (capture, download, delete), plus a margin. The camera thread
 * answers every capture, so this is for a camera thread that hangs.
 */
static long long
capture_wait_ms(const struct station *s, int settle_ms)
{
	return settle_ms + s->conf.cam.sim_latency_ms +
	    3000LL * s->conf.cam.timeout_s + 5000;
}

/* How long processing may take: far above a 24-megapixel frame's. */
static long long
process_wait_ms(const struct station *s)
{
	return 120000LL + s->conf.cam.sim_hold_ms;
}

void
st_shoot(struct station *s, const char *source)
{
	struct rig_status rs = { .side_target = { -1, -1 } };

	if (begin_shot(s, source) == -1)
		return;
	/* the frame is taken once the lamps have reached their level */
	if (s->rig != NULL)
		rig_status(s->rig, &rs);
	s->deadline = store_now_ms() + capture_wait_ms(s, rs.settle_ms);
	camthread_capture(s->cam, s->seq, rs.side_target, rs.settle_ms);
}

/* Why a pedal press is ignored in the station's state, with its code;
 * NULL when it shoots. The same words for the pedal's notice and for
 * the refusal of a software pedal (the catalogue has them). */
const char *
st_pedal_ignored(const struct station *s, const char **code)
{
	switch (s->state) {
	case ST_IDLE:
		*code = "NO_ID";
		return N_("pedal ignored: key in the graduate's ID number "
		    "first");
	case ST_CAPTURING:
	case ST_PROCESSING:
		*code = "BUSY";
		return N_("pedal ignored: the last shot is still being taken "
		    "or checked");
	case ST_ACCEPTED:
		*code = "DONE";
		return N_("pedal ignored: this graduate's photo is accepted; "
		    "key in the next ID, or ask for a retake");
	default:		/* armed, or rejected: shoot (again) */
		return NULL;
	}
}

void
station_pedal(struct station *s, const char *source)
{
	const char *why, *code;

	if ((why = st_pedal_ignored(s, &code)) != NULL)
		st_notice(s, code, why);
	else
		st_shoot(s, source);
}


/*
 * A job for the worker: f's frame (the job takes the bytes) under id,
 * with the settings as they are now.
 */
static struct msg_job *
new_job(struct station *s, struct msg_frame *f, const char *id)
{
	struct msg_job *job = msg_job_new();	/* its result too */

	snprintf(job->id, sizeof(job->id), "%s", id);
	job->buf = f->buf;
	job->len = f->len;
	f->buf = NULL;
	snprintf(job->camname, sizeof(job->camname), "%s", f->name);
	job->when = time(NULL);
	job->params = s->conf.photo;
	snprintf(job->ext, sizeof(job->ext), "%s", s->conf.ext);
	snprintf(job->outdir, sizeof(job->outdir), "%s", s->conf.output_dir);
	snprintf(job->statedir, sizeof(job->statedir), "%s",
	    s->conf.state_dir);
	if (strcmp(s->conf.cam.driver, "sim") == 0)
		job->hold_ms = s->conf.cam.sim_hold_ms;
	return job;
}

/*
 * Hands job to the worker. Once the worker is stopped (the end of the
 * shutdown) no job should come, but if one does its frame is still kept:
 * written to the archive here, and the shot journalled as interrupted.
 */
static void
submit(struct station *s, struct msg_job *job)
{
	char dir[PATH_MAX], path[PATH_MAX];

	if (s->w != NULL) {
		worker_submit(s->w, job);
		return;
	}
	if (job->buf != NULL && !job->framing && (store_path_archive(dir,
	    s->conf.state_dir, job->archive_only ? "unassigned" : job->id) ==
	    -1 || store_mkdirs(dir, 0700) == -1 ||
	    store_pathf(path, "%s/%ld-%u.jpg", dir, (long)job->when,
	    job->seq) == -1 ||
	    store_write_file(path, job->buf, job->len, 0600) == -1))
		log_warn("stopping: cannot keep a frame in %s", path);
	if (job->seq != 0 && !job->framing && !job->archive_only)
		st_journal(s, json_pack("{s:s, s:s, s:i, s:s}", "event",
		    "interrupted", "id", job->id, "seq", (json_int_t)job->seq,
		    "reason", "stopping"));
	msg_free(&job->q);
}

/*
 * A frame no shot waits for (the camera's own shutter with no graduate
 * in the chair, or a frame that came after its shot gave up): the worker
 * keeps it under archive/unassigned/, never lost and never used.
 */
static void
keep_unassigned(struct station *s, struct msg_frame *f, const char *why)
{
	struct msg_job *job = new_job(s, f, "unassigned");

	job->seq = f->seq;
	job->archive_only = 1;
	job->hold_ms = 0;
	log_warnx("camera: %s; keeping it under archive/unassigned", why);
	submit(s, job);
}

/*
 * A frame shot with the camera's own shutter (seq 0). With a graduate in
 * the chair (armed, or rejected and waiting for a retake) it is that
 * graduate's shot, as if the pedal had been pressed; 0, and f->seq is
 * set. Otherwise it is for no one: the worker keeps it under
 * archive/unassigned/ (off the main loop), never lost and never used,
 * and the operator is told; -1.
 */
static int
own_shutter(struct station *s, struct msg_frame *f)
{
	if ((s->state == ST_ARMED || s->state == ST_REJECTED) &&
	    !s->calibrating) {
		if (begin_shot(s, "camera shutter") == -1)
			return -1;
		f->seq = s->seq;
		return 0;
	}
	keep_unassigned(s, f, "a frame from its own shutter while no "
	    "graduate was waiting");
	st_notice(s, "UNASSIGNED", N_("a frame shot with the camera's own "
	    "shutter came while no graduate was waiting: kept under "
	    "archive/unassigned, not used"));
	return -1;
}

static void
on_frame(struct station *s, struct msg_frame *f)
{
	struct msg_job *job;

	if (f->seq == 0 && own_shutter(s, f) == -1)
		return;
	if (s->state != ST_CAPTURING || f->seq != s->seq) {
		if (f->buf != NULL)
			keep_unassigned(s, f, "a frame arrived after its shot "
			    "gave up");
		return;
	}
	if (f->buf == NULL && s->calibrating) {
		st_calibration_done(s, NULL, f->err);
		return;
	}
	if (f->buf == NULL) {
		s->errors++;
		json_decref(s->last);	/* status shows it as the last result */
		s->last = json_pack("{s:s, s:s, s:i, s:s, s:s}", "event",
		    "result", "id", s->id, "seq", (json_int_t)f->seq,
		    "outcome", "error", "error", f->err);
		json_object_set_new(s->last, PROTO_F_OVERRIDABLE, json_false());
		st_journal(s, json_incref(s->last));
		st_set_state(s, ST_REJECTED, NULL);
		st_notice(s, "CAMERA", f->err);	/* the camera's words: no ID */
		return;
	}
	s->camera_ms = f->camera_ms;
	s->frame_bytes = f->len;
	job = new_job(s, f, s->calibrating ? "calibration" : s->id);
	job->seq = f->seq;
	job->replace = s->replace;
	job->calibrate = s->calibrating;
	s->deadline = store_now_ms() + process_wait_ms(s);
	st_set_state(s, ST_PROCESSING, s->calibrating ? "calibration" : NULL);
	submit(s, job);
}

/* ---- live view --------------------------------------------------------- */

/*
 * A live-view frame: the worker checks its framing when it has nothing
 * else in hand; a frame that comes while it is busy is dropped, as the
 * next one is a moment away. The frame with no picture ends live view.
 */
static void
on_preview(struct station *s, struct msg_frame *f)
{
	struct msg_job *job;
	json_t *ev;

	if (f->buf == NULL) {
		ev = json_pack("{s:s, s:b}", "event", "framing", "done", 1);
		if (f->err[0] != '\0') {
			log_warnx("live view: %s", f->err);
			json_object_set_new(ev, "error", json_string(f->err));
		}
		control_broadcast(ev);
		json_decref(ev);
		s->live_ended = 1;
		return;
	}
	s->live_ended = 0;
	if (s->framing_busy || st_busy(s))
		return;
	job = new_job(s, f, "live");
	job->framing = 1;
	job->hold_ms = 0;
	s->framing_busy = 1;
	submit(s, job);
}

/* The framing of a live-view frame, to the clients: {face, ready,
 * hints, preview}, or the error. */
static void
on_framing(struct station *s, struct msg_result *r)
{
	json_t *ev;

	s->framing_busy = 0;
	if (s->live_ended)	/* its "done" went out first: clients would
				 * take this late frame for live view again */
		return;
	ev = json_pack("{s:s}", "event", "framing");
	if (r->outcome == RES_ERROR)
		json_object_set_new(ev, "error", json_string(r->err));
	else
		json_object_update(ev, r->result);
	if (r->preview[0] != '\0')
		json_object_set_new(ev, "preview", json_string(r->preview));
	control_broadcast(ev);
	json_decref(ev);
}

/* ---- the operator's override ------------------------------------------ */

/* The station forgets the frame an override could take (a newer shot,
 * another graduate, a cancel, a replayed one of these). */
void
st_drop_rejected(struct station *s)
{
	json_decref(s->rejected);
	s->rejected = NULL;
}

/*
 * The last rejected shot of the armed ID, from its result event ev (on
 * the main loop, or replayed from the journal by recover.c): what an
 * override needs to render it again without shooting, the archived
 * camera original and the checks it failed. ev gets "overridable": true
 * when every failed check is an appearance check (store_finding_
 * overridable: R-SUBJ, R-BG, R-LIGHT, R-IQ) and the original was kept. A
 * result with no analysis or no original (a camera error) leaves none.
 */
void
st_keep_rejected(struct station *s, json_t *ev)
{
	const char *archive = json_string_value(json_object_get(ev,
	    PROTO_F_ARCHIVE));
	const char *outcome = json_string_value(json_object_get(ev,
	    PROTO_F_OUTCOME));
	json_t *codes = json_array(), *blocking = json_array();
	int ok;

	st_drop_rejected(s);
	ok = store_result_json_overridable(json_object_get(ev, PROTO_F_CHECKS),
	    codes, blocking) && archive != NULL && outcome != NULL &&
	    strcmp(outcome, "fail") == 0;	/* an error: retake */
	json_object_set_new(ev, PROTO_F_OVERRIDABLE, json_boolean(ok));
	if (archive != NULL && outcome != NULL && strcmp(outcome, "fail") ==
	    0 && json_array_size(codes) > 0)
		s->rejected = json_pack("{s:O, s:O, s:s, s:O, s:O, s:b}",
		    "id", json_object_get(ev, PROTO_F_ID), "seq",
		    json_object_get(ev, PROTO_F_SEQ), "archive", archive,
		    "checks", codes, "blocking", blocking, "overridden", 0);
	json_decref(codes);
	json_decref(blocking);
}

/* Whether the kept rejected frame k is shot seq of id. */
static int
kept_is(json_t *k, const char *id, unsigned seq)
{
	const char *kid = json_string_value(json_object_get(k, PROTO_F_ID));

	return kid != NULL && strcmp(kid, id) == 0 &&
	    json_integer_value(json_object_get(k, PROTO_F_SEQ)) ==
	    (json_int_t)seq;
}

/* The result of an override's rendering (also one that came after the
 * station gave up waiting): ev (a pass) carries the override {reason,
 * checks, seq}, which the journal keeps; a failure leaves the frame
 * overridable, for another try. */
static void
override_result(struct station *s, struct msg_result *r, json_t *ev)
{
	json_t *now;

	if (s->overriding == NULL)
		return;
	if (r->outcome == RES_PASS || r->outcome == RES_WARN) {
		/* the checks overridden are those of this rendering (the
		 * config may have changed since the rejection) */
		now = json_array();
		store_result_json_overridable(r->result, now, NULL);
		if (json_array_size(now) > 0)
			json_object_set(s->overriding, "checks", now);
		json_decref(now);
		json_object_set(ev, PROTO_F_OVERRIDE, s->overriding);
		/* the frame kept may be a newer shot's by now (a late
		 * result): only this one is spent */
		if (kept_is(s->rejected, r->id, r->seq))
			json_object_set_new(s->rejected, "overridden",
			    json_true());
	} else
		json_object_set_new(ev, PROTO_F_OVERRIDABLE, json_true());
	json_decref(s->overriding);
	s->overriding = NULL;
}

/* A reason: trimmed into buf; -1 when missing, blank, too long, or
 * holding a control character (a terminal escape, a line break). */
static int
override_reason(json_t *v, char *buf, size_t len)
{
	const char *in = json_string_value(v), *end, *p;

	if (in == NULL)
		return -1;
	while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
		in++;
	end = in + strlen(in);
	while (end > in && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end == in || (size_t)(end - in) > PROTO_OVERRIDE_MAX ||
	    (size_t)(end - in) >= len)
		return -1;
	for (p = in; p < end; p++)	/* it is printed on terminals */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
	memcpy(buf, in, (size_t)(end - in));
	buf[end - in] = '\0';
	return 0;
}

/*
 * accept --override REASON: the operator takes the armed ID's last
 * rejected frame as the photo. Refused when there is none (NOTHING_TO_
 * ACCEPT: none kept, a newer shot since, or already overridden), when a
 * check that is not one of appearance failed (NOT_OVERRIDABLE: R-FILE,
 * R-GEO, the ID, listed in "checks"), and without a reason (NO_REASON).
 * Otherwise the worker renders the photo from the archived original (the
 * camera is not fired), under the same replace rules as any shot
 * (NEEDS_CONFIRM), and the result, journalled with the override, comes
 * as a "result" event.
 */
json_t *
st_req_accept(struct station *s, struct client *c, json_t *req)
{
	struct msg_frame none;
	struct msg_job *job;
	char reason[PROTO_OVERRIDE_MAX + 1], m[32], list[512] = "";
	char dir[PATH_MAX];
	const char *rid, *archive;
	json_t *o, *b;
	size_t i;

	(void)c;
	if (st_busy(s) || s->overriding != NULL)
		return st_refuse("BUSY", "%s", N_("the last shot is still "
		    "being taken or checked: wait for its result"));
	rid = json_string_value(json_object_get(s->rejected, PROTO_F_ID));
	if (rid != NULL && strcmp(rid, s->id) == 0 &&
	    json_is_true(json_object_get(s->rejected, "overridden")))
		return st_refuse("NOTHING_TO_ACCEPT", "%s", N_("nothing to "
		    "accept: this frame was already accepted by the "
		    "operator"));
	if (rid == NULL || s->id[0] == '\0' || strcmp(rid, s->id) != 0 ||
	    (s->state != ST_REJECTED && s->state != ST_ARMED))
		return st_refuse("NOTHING_TO_ACCEPT", "%s", N_("nothing to "
		    "accept: the keyed-in graduate's last shot is not a "
		    "rejected frame"));
	if (json_array_size(json_object_get(s->rejected, "blocking")) > 0) {
		json_array_foreach(json_object_get(s->rejected, "blocking"), i,
		    b)
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s (%s)", i ? ", " : "",
			    json_string_value(json_object_get(b, "code")),
			    json_string_value(json_object_get(b,
			    "requirement")));
		o = st_refuse("NOT_OVERRIDABLE", "only appearance checks "
		    "(R-SUBJ, R-BG, R-LIGHT, R-IQ) can be overridden, not the "
		    "file, the geometry (R-GEO) or the ID: %s; retake", list);
		json_object_set(o, PROTO_F_CHECKS, json_object_get(s->rejected,
		    "blocking"));
		return o;
	}
	/* the original must be this graduate's, in the archive (the
	 * journal it came from is only ever the station's own) */
	if (store_path_archive(dir, s->conf.state_dir, s->id) == -1 ||
	    (archive = json_string_value(json_object_get(s->rejected,
	    PROTO_F_ARCHIVE))) == NULL || strncmp(archive, dir, strlen(dir)) !=
	    0 || archive[strlen(dir)] != '/' || strstr(archive, "/../") != NULL)
		return st_refuse("NOTHING_TO_ACCEPT", "%s", N_("nothing to "
		    "accept: the keyed-in graduate's last shot is not a "
		    "rejected frame"));
	if (override_reason(json_object_get(req, PROTO_F_OVERRIDE), reason,
	    sizeof(reason)) == -1)
		return st_refuse("NO_REASON", "%s", N_("accept needs the "
		    "operator's reason (--override \"REASON\", one line of at "
		    "most 500 bytes): it is journalled with the photo"));
	if (json_object_get(s->accepted, s->id) != NULL && !s->replace) {
		o = st_refuse("NEEDS_CONFIRM", "%s already has an accepted "
		    "photo; to replace it, retake with the replacement "
		    "confirmed (the old photo is kept in versions/)", s->id);
		json_object_set_new(o, "id", json_string(s->id));
		return o;
	}
	memset(&none, 0, sizeof(none));
	job = new_job(s, &none, s->id);
	job->seq = (unsigned)json_integer_value(json_object_get(s->rejected,
	    PROTO_F_SEQ));
	job->replace = s->replace;
	job->hold_ms = 0;
	snprintf(job->original, sizeof(job->original), "%s", archive);
	json_decref(s->overriding);
	s->overriding = json_pack("{s:s, s:O, s:i}", "reason", reason,
	    "checks", json_object_get(s->rejected, "checks"), "seq",
	    (json_int_t)job->seq);
	log_info("%s: shot %u accepted by the operator over %s; rendering "
	    "it from the archived original", st_masked(s->id, m, sizeof(m)),
	    job->seq, json_string_value(json_array_get(json_object_get(
	    s->rejected, "checks"), 0)));
	s->deadline = store_now_ms() + process_wait_ms(s);
	s->override_waited = 1;
	st_set_state(s, ST_PROCESSING, "override");
	submit(s, job);
	return st_status_json(s);
}

/*
 * A shot's result: journalled, then the state follows. A result that
 * comes after its shot gave up (the processing deadline) is journalled
 * and counted too, its photo accepted, but the station stays where the
 * operator has since taken it.
 */
/*
 * The same bytes accepted under two IDs (the camera original, or the
 * photo written) is an operator's mistake: the wrong graduate in the
 * chair, a frame served twice. Said at the second acceptance, to the
 * log and the operator; the report lists both IDs as duplicate.
 */
static void
warn_duplicate(struct station *s, const char *id, json_t *ev)
{
	static const char *const keys[] = { "original_sha256", "sha256" };
	const char *other, *h, *mine;
	char m1[32], m2[32];
	json_t *acc;
	int k;

	json_object_foreach(s->accepted, other, acc) {
		if (strcmp(other, id) == 0)
			continue;
		for (k = 0; k < 2; k++) {
			mine = json_string_value(json_object_get(ev, keys[k]));
			h = json_string_value(json_object_get(acc, keys[k]));
			if (mine == NULL || h == NULL || strcmp(mine, h) != 0)
				continue;
			log_warnx("DUPLICATE: %s was accepted with the same %s "
			    "as %s: check who was photographed",
			    st_masked(id, m1, sizeof(m1)), k == 0 ?
			    "camera original" : "photo",
			    st_masked(other, m2, sizeof(m2)));
			json_object_set_new(ev, "duplicate_of",
			    json_string(other));
			st_notice(s, "DUPLICATE", N_("this photo is "
			    "byte-identical to one accepted for another "
			    "graduate: check who was photographed, and retake "
			    "the wrong one"));
			return;
		}
	}
}

static void
on_result(struct station *s, struct msg_result *r)
{
	json_t *ev;
	char m[32], buf[2048];
	int late, st = s->state;

	if (r->framing) {
		on_framing(s, r);
		return;
	}
	if (r->archive_only) {
		if (r->outcome == RES_ERROR)
			log_warnx("camera: a frame no shot waited for could "
			    "not be kept: %s", r->err);
		else
			log_info("camera: a frame no shot waited for is kept "
			    "as %s", r->archive);
		return;
	}
	/* an override renders an earlier shot: its seq is not s->seq, and
	 * it is on time only while the station still waits for it (after
	 * a give-up the station may be processing another graduate's shot) */
	late = s->state != ST_PROCESSING || (r->override ?
	    !s->override_waited : r->seq != s->seq);
	if (r->override)
		s->override_waited = 0;
	if (r->calibrate && !late) {
		st_calibration_done(s, r, r->outcome == RES_ERROR ? r->err : NULL);
		return;
	}
	if (r->calibrate)
		return;		/* a calibration that gave up: nothing to do */
	ev = json_pack("{s:s, s:s, s:i, s:s}", "event", "result", "id", r->id,
	    "seq", (json_int_t)r->seq, "outcome", store_outcome_word(r->outcome));
	if (r->archive[0])
		json_object_set_new(ev, "archive", json_string(r->archive));
	if (r->original_sha256[0])
		json_object_set_new(ev, "original_sha256",
		    json_string(r->original_sha256));
	store_frame_json(ev, &r->out);	/* output, quality, size, ... */
	if (r->preview[0])
		json_object_set_new(ev, "preview", json_string(r->preview));
	if (r->err[0])
		json_object_set_new(ev, "error", json_string(r->err));
	if (r->result != NULL)
		json_object_set(ev, "checks", r->result);
	if (r->override)
		override_result(s, r, ev);
	else if ((r->outcome == RES_FAIL || r->outcome == RES_ERROR) &&
	    strcmp(r->id, s->id) == 0)	/* a late one of another ID: not */
		st_keep_rejected(s, ev);
	/* journalled before anyone is told; this also stamps ev's "time",
	 * which the accepted set keeps */
	st_journal(s, json_incref(ev));
	json_decref(s->last);
	s->last = json_incref(ev);
	switch (r->outcome) {
	case RES_PASS:
	case RES_WARN:
		s->passed++;
		s->replace = 0;
		if (r->analyzed && r->pr.crop.scale > 0) {
			s->crop_scale = r->pr.crop.scale;
			s->frame_w = r->pr.src_w;
			s->frame_h = r->pr.src_h;
		}
		warn_duplicate(s, r->id, ev);
		json_object_set_new(s->accepted, r->id, json_pack(
		    "{s:s, s:O?, s:O?, s:O?}", "output", r->out.path, "time",
		    json_object_get(s->last, "time"), "sha256",
		    json_object_get(ev, "sha256"), "original_sha256",
		    json_object_get(ev, "original_sha256")));
		log_info("%s: accepted, %s (quality %d, %zu bytes)",
		    st_masked(r->id, m, sizeof(m)), mask_in(r->id, r->out.path, buf,
		    sizeof(buf)), r->out.quality, r->out.size);
		st = ST_ACCEPTED;
		break;
	case RES_FAIL:
		s->failed++;
		log_info("%s: rejected", st_masked(r->id, m, sizeof(m)));
		st = ST_REJECTED;
		break;
	default:
		s->errors++;
		log_warnx("%s: %s", st_masked(r->id, m, sizeof(m)),
		    mask_in(r->id, r->err, buf, sizeof(buf)));
		st = ST_REJECTED;
	}
	if (st == ST_REJECTED)
		st_note_rejected(s, r->id);
	control_broadcast(ev);
	json_decref(ev);
	if (late) {
		log_warnx("%s: the result of shot %u came after the station "
		    "gave up on it; journalled", st_masked(r->id, m, sizeof(m)),
		    r->seq);
		return;
	}
	s->deadline = 0;
	st_set_state(s, st, NULL);
}

/*
 * Called by the main loop on each pass: a shot whose frame or result has
 * not come by its deadline is given up, so that the station never stays
 * capturing or processing. What comes later is still kept (on_frame,
 * on_result).
 */
void
station_tick(struct station *s, long long now)
{
	if (s->deadline == 0 || now < s->deadline || !st_busy(s))
		return;
	s->deadline = 0;
	if (s->calibrating) {
		st_calibration_done(s, NULL, s->state == ST_CAPTURING ?
		    "the camera did not answer in time" :
		    "the test shot took too long to check");
		return;
	}
	if (s->state == ST_CAPTURING) {
		s->errors++;
		json_decref(s->last);
		s->last = json_pack("{s:s, s:s, s:i, s:s, s:s}", "event",
		    "result", "id", s->id, "seq", (json_int_t)s->seq,
		    "outcome", "error", "error", "the camera did not answer "
		    "in time; the shot is given up");
		json_object_set_new(s->last, PROTO_F_OVERRIDABLE, json_false());
		st_journal(s, json_incref(s->last));
		st_note_rejected(s, s->id);	/* as a restart counts it */
		st_notice(s, "CAMERA", N_("the camera did not answer in time: "
		    "press the pedal to try again"));
	} else {
		st_journal(s, json_pack("{s:s, s:s, s:i, s:s}", "event",
		    "interrupted", "id", s->id, "seq", s->overriding ?
		    json_integer_value(json_object_get(s->overriding, "seq")) :
		    (json_int_t)s->seq, "reason", "deadline"));
		/* an override's s->overriding stays for its result, which
		 * is journalled with it whenever it comes, but late */
		s->override_waited = 0;
		st_notice(s, "TIMEOUT", N_("checking the shot took too long: its "
		    "original is kept; press the pedal to try again"));
	}
	st_set_state(s, ST_REJECTED, NULL);
}

void
station_set_done(struct station *s, struct queue *done)
{
	s->done = done;
}

int
station_pending(const struct station *s)
{
	return s->histories;
}

/* The worker is gone (NULL: the end of the shutdown); see submit(). */
void
station_set_worker(struct station *s, struct worker *w)
{
	s->w = w;
}

void
station_completion(struct station *s, struct qnode *n)
{
	switch (n->kind) {
	case MSG_FRAME:
		on_frame(s, (struct msg_frame *)n);
		break;
	case MSG_RESULT:
		on_result(s, (struct msg_result *)n);
		break;
	case MSG_PREVIEW:
		on_preview(s, (struct msg_frame *)n);
		break;
	case MSG_HISTORY:
		st_history_done(s, (struct msg_history *)n);
		break;
	case MSG_CAMSTATE: {
		struct msg_camstate *c = (struct msg_camstate *)n;
		json_t *ev;

		snprintf(s->caminfo, sizeof(s->caminfo), "%s", c->info);
		s->caminfo_time = time(NULL);
		if (c->state == s->cam_state &&
		    strcmp(c->text, s->camtext) == 0)
			break;		/* only the info is new */
		if (c->state == CAM_CONNECTED)
			log_info("camera: %s", c->text);
		else
			log_warnx("camera %s: %s", cam_state_names[c->state],
			    c->text);
		s->cam_state = c->state;
		snprintf(s->camtext, sizeof(s->camtext), "%s", c->text);
		st_update_status(s);
		ev = json_pack("{s:s, s:b, s:s, s:s}", "event", "camera",
		    "connected", c->state == CAM_CONNECTED, "state",
		    cam_state_names[c->state], "text", c->text);
		control_broadcast(ev);
		json_decref(ev);
		break;
	}
	}
	msg_free(n);
}

int
st_busy(const struct station *s)
{
	return s->state == ST_CAPTURING || s->state == ST_PROCESSING;
}
