/*
 * station.c — the station's state machine. It lives on the main loop and
 * owns the station's state; the camera and the worker only ever see
 * messages.
 *
 *   idle --id--> armed --pedal--> capturing --frame--> processing
 *        processing --result--> accepted | rejected
 *   rejected --pedal--> capturing        (a retake of the same ID)
 *   accepted --id--> armed               (the next graduate)
 *   accepted --retake + replace--> armed (a new photo for the same ID)
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/idphotod.h"

enum { ST_IDLE, ST_ARMED, ST_CAPTURING, ST_PROCESSING, ST_ACCEPTED,
    ST_REJECTED };
static const char *const stnames[] = { "idle", "armed", "capturing",
    "processing", "accepted", "rejected" };

struct station {
	struct store_conf conf;
	struct store_journal *j;
	struct camthread *cam;
	struct worker *w;
	photo_ctx *ctx;		/* ID checks on the main loop */
	int	state;
	char	id[PHOTO_ID_LEN + 1];
	int	replace;	/* the operator confirmed a replacement */
	unsigned seq;		/* of the latest shot */
	json_t	*accepted;	/* ID -> { output, time } */
	json_t	*last;		/* the latest result event */
	enum cam_state cam_state;
	char	camtext[512];
	char	caminfo[2048];	/* cam_info() lines, read at caminfo_time */
	time_t	caminfo_time;
	double	crop_scale;	/* of the last accepted shot; 0: none yet */
	int	framing_busy;	/* a live-view frame is with the worker */
	rig	*rig;		/* the lamps, or NULL */
	int	lamps_connected;
	char	lampstext[512];
	unsigned long shots, passed, failed, errors;
	int	(*reload)(char *, size_t);
	char	confpath[PATH_MAX];
	char	status[256];
	char	simulated[64];	/* the simulated drivers running, "": none */
	/* calibration: a test shot outside the ID workflow */
	int	calibrating;
	int	cal_prev;	/* the state to go back to */
	double	cal_target;	/* face lightness to aim for; 0: keep */
	/* recovery */
	unsigned pending_seq;
	char	pending_id[PHOTO_ID_LEN + 1];
	char	armed_id[PHOTO_ID_LEN + 1];
	/* the roster (idphotoctl roster import), re-read when it changes */
	json_t	*roster;	/* NULL: none imported */
	struct stat roster_st;
};

static json_t *
ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static json_t *
refuse(const char *code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *
refuse(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "code", code, "error",
	    msg);
}

static const char *
masked(const char *id, char *buf, size_t len)
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

static void
update_status(struct station *s)
{
	char m[32];

	snprintf(s->status, sizeof(s->status), "%s%s%s; camera %s; "
	    "lamps %s; %lu accepted, %lu rejected, %lu errors",
	    stnames[s->state], s->id[0] ? " " : "",
	    s->id[0] ? masked(s->id, m, sizeof(m)) : "",
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
 * The roster entry of id, or NULL. The roster file is stat'ed on each
 * call and loaded again when it changed, so an import takes effect at
 * the next ID without a reload. *have says whether there is a roster.
 */
static json_t *
roster_entry(struct station *s, const char *id, int *have)
{
	char path[PATH_MAX], err[1024];
	struct stat st;

	if (store_pathf(path, "%s/roster.json", s->conf.state_dir) == -1 ||
	    stat(path, &st) == -1) {
		if (s->roster != NULL)
			log_info("roster: none any more");
		json_decref(s->roster);
		s->roster = NULL;
	} else if (s->roster == NULL || st.st_ino != s->roster_st.st_ino ||
	    st.st_mtim.tv_sec != s->roster_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != s->roster_st.st_mtim.tv_nsec ||
	    st.st_size != s->roster_st.st_size) {
		json_decref(s->roster);
		if ((s->roster = store_roster_load(s->conf.state_dir, err,
		    sizeof(err))) == NULL)
			log_warnx("roster: %s", err);
		else
			log_info("roster: %zu graduates", json_object_size(
			    json_object_get(s->roster, "entries")));
		s->roster_st = st;
	}
	*have = s->roster != NULL;
	if (s->roster == NULL || id[0] == '\0')
		return NULL;
	return json_object_get(json_object_get(s->roster, "entries"), id);
}

/* The graduate's name and group from the roster into o. */
static void
add_who(struct station *s, json_t *o)
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

static void
set_state(struct station *s, int st, const char *note)
{
	json_t *ev;

	s->state = st;
	update_status(s);
	lamps_follow(s);
	ev = json_pack("{s:s, s:s, s:s}", "event", "state", "state",
	    stnames[st], "id", s->id);
	add_who(s, ev);
	if (note != NULL)
		json_object_set_new(ev, "note", json_string(note));
	control_broadcast(ev);
	json_decref(ev);
}

/* An operator-facing notice: broadcast and logged. */
static void
notice(struct station *s, const char *code, const char *msg)
{
	json_t *ev = json_pack("{s:s, s:s, s:s, s:s}", "event", "notice",
	    "code", code, "message", msg, "state", stnames[s->state]);

	log_info("%s: %s", code, msg);
	control_broadcast(ev);
	json_decref(ev);
}

/* Journals ev (stolen). -1 when the journal cannot be written. */
static int
journal(struct station *s, json_t *ev)
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
	if (photo_configure(s->ctx, &conf->photo) == -1)
		log_warnx("%s", photo_error(s->ctx));
	/* the drivers are restart keys: what runs now runs until then */
	store_conf_simulated(conf, s->simulated, sizeof(s->simulated));
	s->j = j;
	s->cam = ct;
	s->w = w;
	s->accepted = json_object();
	snprintf(s->camtext, sizeof(s->camtext), "not opened yet");
	update_status(s);
	return s;
}

void
station_set_conf(struct station *s, const struct store_conf *conf)
{
	s->conf = *conf;
	/* the ID rules (photo.id_escape) live in the photo context */
	if (photo_configure(s->ctx, &conf->photo) == -1)
		log_warnx("%s", photo_error(s->ctx));
}

void
station_set_rig(struct station *s, rig *r)
{
	s->rig = r;
	lamps_follow(s);
	update_status(s);
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
	update_status(s);
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
	photo_destroy(s->ctx);
	free(s);
}

/* ---- recovery ---------------------------------------------------------- */

static void
replay_one(json_t *ev, void *arg)
{
	struct station *s = arg;
	const char *type = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
	const char *outcome;

	if (type == NULL)
		return;
	if ((unsigned)seq > s->seq)
		s->seq = (unsigned)seq;
	if (strcmp(type, "arm") == 0 && id != NULL)
		snprintf(s->armed_id, sizeof(s->armed_id), "%s", id);
	else if (strcmp(type, "disarm") == 0)
		s->armed_id[0] = '\0';
	else if (strcmp(type, "shoot") == 0 && id != NULL) {
		s->pending_seq = (unsigned)seq;
		snprintf(s->pending_id, sizeof(s->pending_id), "%s", id);
	} else if (strcmp(type, "result") == 0 && id != NULL) {
		if ((unsigned)seq == s->pending_seq)
			s->pending_seq = 0;
		outcome = json_string_value(json_object_get(ev, "outcome"));
		if (outcome != NULL && (strcmp(outcome, "pass") == 0 ||
		    strcmp(outcome, "warn") == 0)) {
			json_object_set_new(s->accepted, id, json_pack(
			    "{s:O?, s:O?, s:O?, s:O?}", "output",
			    json_object_get(ev, "output"), "time",
			    json_object_get(ev, "time"), "sha256",
			    json_object_get(ev, "sha256"), "original_sha256",
			    json_object_get(ev, "original_sha256")));
			s->passed++;
		} else if (outcome != NULL && strcmp(outcome, "fail") == 0)
			s->failed++;
		else
			s->errors++;
	} else if (strcmp(type, "interrupted") == 0 &&
	    (unsigned)seq == s->pending_seq)
		s->pending_seq = 0;
}

/* Removes the temporary files of writes that a crash cut short. */
static void
sweep_tmp(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp") != NULL &&
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(path)) {
			if (unlink(path) == 0)
				log_info("removed %s, left by an interrupted "
				    "write", path);
		}
	closedir(d);
}

int
station_recover(struct station *s, const char *path)
{
	char m[32], dir[PATH_MAX];
	int torn, n;
	DIR *d;
	struct dirent *e;

	if ((n = store_journal_replay(path, replay_one, s, &torn)) == -1) {
		log_warn("journal %s", path);
		return -1;
	}
	if (torn > 0)
		log_warnx("journal %s: %d damaged line(s) skipped (a crash "
		    "while writing)", path, torn);
	sweep_tmp(s->conf.output_dir);
	if (snprintf(dir, sizeof(dir), "%s/archive", s->conf.state_dir) <
	    (int)sizeof(dir) && (d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char sub[PATH_MAX];

			if (e->d_name[0] != '.' && snprintf(sub, sizeof(sub),
			    "%s/%s", dir, e->d_name) < (int)sizeof(sub))
				sweep_tmp(sub);
		}
		closedir(d);
	}
	if (s->pending_seq != 0) {
		log_warnx("the shot %u for %s was interrupted by a restart; "
		    "its original, if taken, is in the archive", s->pending_seq,
		    masked(s->pending_id, m, sizeof(m)));
		journal(s, json_pack("{s:s, s:s, s:i}", "event", "interrupted",
		    "id", s->pending_id, "seq", (json_int_t)s->pending_seq));
		snprintf(s->armed_id, sizeof(s->armed_id), "%s", s->pending_id);
	}
	if (s->armed_id[0] != '\0') {
		snprintf(s->id, sizeof(s->id), "%s", s->armed_id);
		s->state = json_object_get(s->accepted, s->id) ? ST_ACCEPTED :
		    ST_ARMED;
	}
	update_status(s);
	log_info("journal: %d events; %zu IDs with an accepted photo; state "
	    "%s", n, json_object_size(s->accepted), stnames[s->state]);
	return 0;
}

/* ---- the workflow ------------------------------------------------------ */

/* A shot begins: journalled first, so that nothing goes unrecorded; -1
 * when the journal cannot be written, and then there is no shot. */
static int
begin_shot(struct station *s, const char *source)
{
	char m[32];

	s->seq++;
	if (journal(s, s->calibrating ? json_pack("{s:s, s:i, s:s}", "event",
	    "calibrate", "seq", (json_int_t)s->seq, "source", source) :
	    json_pack("{s:s, s:s, s:i, s:s}", "event", "shoot",
	    "id", s->id, "seq", (json_int_t)s->seq, "source", source)) == -1) {
		s->calibrating = 0;
		notice(s, "JOURNAL", N_("the journal cannot be written (disk "
		    "full?): not shooting, so that nothing goes unrecorded"));
		return -1;
	}
	if (s->calibrating)
		log_info("calibration shot %u (%s)", s->seq, source);
	else {
		s->shots++;
		log_info("shot %u for %s (%s)", s->seq,
		    masked(s->id, m, sizeof(m)), source);
	}
	set_state(s, ST_CAPTURING, s->calibrating ? "calibration" : NULL);
	return 0;
}

static void
shoot(struct station *s, const char *source)
{
	struct rig_status rs = { .side_target = { -1, -1 } };

	if (begin_shot(s, source) == -1)
		return;
	/* the frame is taken once the lamps have reached their level */
	if (s->rig != NULL)
		rig_status(s->rig, &rs);
	camthread_capture(s->cam, s->seq, rs.side_target, rs.settle_ms);
}

/* Why a pedal press is ignored in the station's state, with its code;
 * NULL when it shoots. The same words for the pedal's notice and for
 * the refusal of a software pedal (the catalogue has them). */
static const char *
pedal_ignored(const struct station *s, const char **code)
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

	if ((why = pedal_ignored(s, &code)) != NULL)
		notice(s, code, why);
	else
		shoot(s, source);
}

static const char *const outcomes[] = { "pass", "warn", "fail", "error" };

/* A metric of a result's JSON, or NAN. */
static double
metric(json_t *result, const char *name)
{
	json_t *v = json_object_get(json_object_get(result, "metrics"), name);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * The end of a calibration shot: r is its result, or NULL when there is
 * no frame (err says why). Reads the face's balance and lightness (or,
 * with no face, the frame centre's: a grey card), asks the rig model for
 * the levels that would correct them, and broadcasts the proposal as a
 * "calibration" event; idphotoctl calibrate shows it as a config diff and
 * may write it. The station goes back to where it was.
 */
static void
calibration_done(struct station *s, struct msg_result *r, const char *err)
{
	struct rig_conf prop;
	json_t *ev, *lamps;
	double b = NAN, l = NAN;
	const char *src = "face";
	int i, rc;

	ev = json_pack("{s:s, s:s}", "event", "calibration", "config",
	    s->confpath);
	if (r != NULL && r->preview[0])
		json_object_set_new(ev, "preview", json_string(r->preview));
	if (r != NULL && r->archive[0])
		json_object_set_new(ev, "archive", json_string(r->archive));
	if (err == NULL && r != NULL) {
		b = metric(r->result, "light.balance");
		l = metric(r->result, "light.face_lightness");
		if (isnan(b) || isnan(l)) {
			src = "centre";
			b = metric(r->result, "light.centre_balance");
			l = metric(r->result, "light.centre_lightness");
		}
		if (isnan(b) || isnan(l) || b <= 0)
			err = "nothing to measure the light on: seat the "
			    "subject facing the camera, or hold a grey card "
			    "in the middle of the frame";
	}
	if (err != NULL) {
		json_object_set_new(ev, "ok", json_false());
		json_object_set_new(ev, "error", json_string(err));
		log_warnx("calibration: %s", err);
	} else {
		rc = rig_propose(&s->conf.rig, b, l, s->cal_target, &prop);
		lamps = json_array();
		for (i = 0; i < s->conf.rig.nlamps; i++)
			json_array_append_new(lamps, json_pack("{s:s, s:s, "
			    "s:f, s:f}", "name", s->conf.rig.lamp[i].name,
			    "position", s->conf.rig.lamp[i].position, "level",
			    s->conf.rig.lamp[i].level, "proposed",
			    prop.lamp[i].level));
		json_object_set_new(ev, "ok", json_true());
		json_object_set_new(ev, "measured_on", json_string(src));
		json_object_set_new(ev, "balance", json_real(b));
		json_object_set_new(ev, "lightness", json_real(l));
		if (s->cal_target > 0)
			json_object_set_new(ev, "target_lightness",
			    json_real(s->cal_target));
		json_object_set_new(ev, "balanced", json_boolean(
		    rc == RIG_BALANCED));
		if (rc == RIG_AT_FULL)
			json_object_set_new(ev, "note", json_string(N_("the "
			    "lamps are at full output and the face needs more "
			    "light: open the aperture, raise the ISO or move "
			    "the lamps closer")));
		json_object_set_new(ev, "lamps", lamps);
		log_info("calibration: %s balance %.3f, lightness %.1f%s", src,
		    b, l, rc == RIG_BALANCED ? "; within tolerance" :
		    "; new levels proposed");
	}
	journal(s, json_incref(ev));
	control_broadcast(ev);
	json_decref(ev);
	s->calibrating = 0;
	set_state(s, s->cal_prev, NULL);
}

/*
 * A job for the worker: f's frame (the job takes the bytes) under id,
 * with the settings as they are now.
 */
static struct msg_job *
new_job(struct station *s, struct msg_frame *f, const char *id)
{
	struct msg_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		fatal("%s", __func__);
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
	return job;
}

/*
 * A frame shot with the camera's own shutter (seq 0). With a graduate in
 * the chair (armed, or rejected and waiting for a retake) it is that
 * graduate's shot, as if the pedal had been pressed; 0, and f->seq is
 * set. Otherwise it is for no one: it is kept under
 * archive/unassigned/, never lost and never used, and the operator is
 * told; -1.
 */
static int
own_shutter(struct station *s, struct msg_frame *f)
{
	char path[PATH_MAX], m[64];
	time_t now = time(NULL);
	struct tm tm;

	if ((s->state == ST_ARMED || s->state == ST_REJECTED) &&
	    !s->calibrating) {
		if (begin_shot(s, "camera shutter") == -1)
			return -1;
		f->seq = s->seq;
		return 0;
	}
	localtime_r(&now, &tm);
	strftime(m, sizeof(m), "%Y%m%d-%H%M%S", &tm);
	if (store_pathf(path, "%s/archive/unassigned", s->conf.state_dir) ==
	    -1 || store_mkdirs(path, 0700) == -1 ||
	    store_pathf(path, "%s/archive/unassigned/%s-%s", s->conf.state_dir,
	    m, f->name) == -1 || store_write_file(path, f->buf, f->len,
	    0600) == -1) {
		log_warn("camera: a frame from its own shutter: %s", path);
		notice(s, "UNASSIGNED", N_("a frame shot with the camera's "
		    "own shutter came while no graduate was waiting, and it "
		    "could not be kept"));
		return -1;
	}
	log_warnx("camera: a frame from its own shutter while %s; kept as "
	    "%s", stnames[s->state], path);
	notice(s, "UNASSIGNED", N_("a frame shot with the camera's own "
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
		log_warnx("camera: a frame for shot %u arrived late; it is "
		    "not used", f->seq);
		return;
	}
	if (f->buf == NULL && s->calibrating) {
		calibration_done(s, NULL, f->err);
		return;
	}
	if (f->buf == NULL) {
		s->errors++;
		json_decref(s->last);	/* status shows it as the last result */
		s->last = json_pack("{s:s, s:s, s:i, s:s, s:s}", "event",
		    "result", "id", s->id, "seq", (json_int_t)f->seq,
		    "outcome", "error", "error", f->err);
		journal(s, json_incref(s->last));
		set_state(s, ST_REJECTED, NULL);
		notice(s, "CAMERA", f->err);	/* the camera's words: no ID */
		return;
	}
	job = new_job(s, f, s->calibrating ? "calibration" : s->id);
	job->seq = f->seq;
	job->replace = s->replace;
	job->calibrate = s->calibrating;
	if (getenv("IDPHOTOD_TEST_HOLD_MS") != NULL)
		job->test_delay_ms = atoi(getenv("IDPHOTOD_TEST_HOLD_MS"));
	set_state(s, ST_PROCESSING, s->calibrating ? "calibration" : NULL);
	worker_submit(s->w, job);
}

/* ---- live view --------------------------------------------------------- */

static int busy(const struct station *);

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
		return;
	}
	if (s->framing_busy || busy(s))
		return;
	job = new_job(s, f, "live");
	job->framing = 1;
	s->framing_busy = 1;
	worker_submit(s->w, job);
}

/* The framing of a live-view frame, to the clients: {face, ready,
 * hints, preview}, or the error. */
static void
on_framing(struct station *s, struct msg_result *r)
{
	json_t *ev = json_pack("{s:s}", "event", "framing");

	s->framing_busy = 0;
	if (r->outcome == RES_ERROR)
		json_object_set_new(ev, "error", json_string(r->err));
	else
		json_object_update(ev, r->result);
	if (r->preview[0] != '\0')
		json_object_set_new(ev, "preview", json_string(r->preview));
	control_broadcast(ev);
	json_decref(ev);
}

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
	char m1[32], m2[32], msg[256];
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
			    masked(id, m1, sizeof(m1)), k == 0 ?
			    "camera original" : "photo",
			    masked(other, m2, sizeof(m2)));
			snprintf(msg, sizeof(msg), "%s", N_("this photo is "
			    "byte-identical to one accepted for another "
			    "graduate: check who was photographed, and retake "
			    "the wrong one"));
			json_object_set_new(ev, "duplicate_of",
			    json_string(other));
			notice(s, "DUPLICATE", msg);
			return;
		}
	}
}

static void
on_result(struct station *s, struct msg_result *r)
{
	json_t *ev;
	char m[32], buf[2048];

	if (r->framing) {
		on_framing(s, r);
		return;
	}
	if (r->calibrate) {
		calibration_done(s, r, r->outcome == RES_ERROR ? r->err : NULL);
		return;
	}
	ev = json_pack("{s:s, s:s, s:i, s:s}", "event", "result", "id", r->id,
	    "seq", (json_int_t)r->seq, "outcome", outcomes[r->outcome]);
	if (r->archive[0])
		json_object_set_new(ev, "archive", json_string(r->archive));
	if (r->original_sha256[0])
		json_object_set_new(ev, "original_sha256",
		    json_string(r->original_sha256));
	if (r->output[0]) {
		json_object_set_new(ev, "output", json_string(r->output));
		json_object_set_new(ev, "quality", json_integer(r->quality));
		json_object_set_new(ev, "size", json_integer(
		    (json_int_t)r->size));
		if (r->sha256[0])
			json_object_set_new(ev, "sha256",
			    json_string(r->sha256));
	}
	if (r->moved[0])
		json_object_set_new(ev, "replaced", json_string(r->moved));
	if (r->preview[0])
		json_object_set_new(ev, "preview", json_string(r->preview));
	if (r->err[0])
		json_object_set_new(ev, "error", json_string(r->err));
	if (r->result != NULL)
		json_object_set(ev, "checks", r->result);
	/* journalled before anyone is told; this also stamps ev's "time",
	 * which the accepted set keeps */
	journal(s, json_incref(ev));
	json_decref(s->last);
	s->last = json_incref(ev);
	switch (r->outcome) {
	case RES_PASS:
	case RES_WARN:
		s->passed++;
		s->replace = 0;
		if (metric(r->result, "crop.scale") > 0)
			s->crop_scale = metric(r->result, "crop.scale");
		warn_duplicate(s, r->id, ev);
		json_object_set_new(s->accepted, r->id, json_pack(
		    "{s:s, s:O?, s:O?, s:O?}", "output", r->output, "time",
		    json_object_get(s->last, "time"), "sha256",
		    json_object_get(ev, "sha256"), "original_sha256",
		    json_object_get(ev, "original_sha256")));
		log_info("%s: accepted, %s (quality %d, %zu bytes)",
		    masked(r->id, m, sizeof(m)), mask_in(r->id, r->output, buf,
		    sizeof(buf)), r->quality, r->size);
		s->state = ST_ACCEPTED;
		break;
	case RES_FAIL:
		s->failed++;
		log_info("%s: rejected", masked(r->id, m, sizeof(m)));
		s->state = ST_REJECTED;
		break;
	default:
		s->errors++;
		log_warnx("%s: %s", masked(r->id, m, sizeof(m)),
		    mask_in(r->id, r->err, buf, sizeof(buf)));
		s->state = ST_REJECTED;
	}
	control_broadcast(ev);
	json_decref(ev);
	set_state(s, s->state, NULL);
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
		update_status(s);
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

/* ---- requests ---------------------------------------------------------- */

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

static json_t *
status_json(struct station *s)
{
	json_t *o = ok();

	json_object_set_new(o, "state", json_string(stnames[s->state]));
	json_object_set_new(o, "id", json_string(s->id));
	add_who(s, o);
	json_object_set_new(o, "camera", json_pack("{s:b, s:s, s:s}",
	    "connected", s->cam_state == CAM_CONNECTED, "state",
	    cam_state_names[s->cam_state], "text", s->camtext));
	json_object_set_new(o, "counts", json_pack("{s:I, s:I, s:I, s:I}",
	    "shots", (json_int_t)s->shots, "accepted", (json_int_t)s->passed,
	    "rejected", (json_int_t)s->failed, "errors",
	    (json_int_t)s->errors));
	json_object_set_new(o, "accepted_ids", json_integer(
	    (json_int_t)json_object_size(s->accepted)));
	if (s->simulated[0] != '\0')
		json_object_set_new(o, "simulated", json_string(s->simulated));
	if (s->rig != NULL)
		json_object_set_new(o, "lamps", lamps_json(s));
	if (s->last != NULL)
		json_object_set(o, "last", s->last);
	return o;
}

/*
 * The camera diagnostics: its state and what it said about itself (the
 * "name: value" lines of cam_info, as an object) when it was last read:
 * on connecting and after each shot.
 */
static json_t *
camera_json(struct station *s)
{
	json_t *o = ok(), *info = json_object();
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
	return o;
}

static int
busy(const struct station *s)
{
	return s->state == ST_CAPTURING || s->state == ST_PROCESSING;
}

static json_t *
req_id(struct station *s, json_t *req)
{
	const char *in = json_string_value(json_object_get(req, "id"));
	int replace = json_is_true(json_object_get(req, "replace"));
	char id[PHOTO_ID_LEN + 1], m[32];
	json_t *acc, *o;

	if (in == NULL)
		return refuse("USAGE", "id: needs \"id\": the 18-character "
		    "resident ID number");
	if (busy(s))
		return refuse("BUSY", "the shot for %s is still being taken "
		    "or checked; wait for its result", s->id);
	if (photo_id_check(s->ctx, in, id, 0) == -1)
		return refuse("BAD_ID", "%s", photo_error(s->ctx));
	if ((acc = json_object_get(s->accepted, id)) != NULL && !replace) {
		const char *out = json_string_value(json_object_get(acc,
		    "output"));

		/* a question to the operator: the client words it from
		 * id and output; error is for logs and scripts */
		o = refuse("NEEDS_CONFIRM", "%s already has an accepted "
		    "photo (%s); to take a new one, confirm the replacement "
		    "(the old photo is kept in versions/)", id, out ? out :
		    "?");
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "output", json_string(out ? out : ""));
		return o;
	}
	if (strcmp(id, s->id) == 0 && s->state == ST_ARMED &&
	    s->replace == replace) {
		o = status_json(s);
		json_object_set_new(o, "note", json_string(N_("this ID is "
		    "already keyed in; press the pedal")));
		return o;
	}
	if (journal(s, json_pack("{s:s, s:s, s:b}", "event", "arm", "id", id,
	    "replace", replace)) == -1)
		return refuse("JOURNAL", "the journal cannot be written (disk "
		    "full?): %s", strerror(errno));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->replace = replace && acc != NULL;
	log_info("armed for %s%s", masked(id, m, sizeof(m)),
	    s->replace ? " (replacing the accepted photo)" : "");
	set_state(s, ST_ARMED, s->replace ? "replacing the accepted photo" :
	    NULL);
	o = status_json(s);
	if (json_is_false(json_object_get(o, "on_roster"))) {
		/* R-FLOW-1: a typo, or a graduate the list forgot */
		notice(s, "NOT_ON_ROSTER", N_("this ID is not on the roster: "
		    "check the number against the list (idphotoctl roster "
		    "show) before you shoot"));
		json_object_set_new(o, "warning", json_string(N_("this ID is "
		    "not on the roster: check the number against the list "
		    "(idphotoctl roster show) before you shoot")));
	}
	return o;
}

static json_t *
req_retake(struct station *s, json_t *req)
{
	json_t *r;

	if (s->id[0] == '\0' || s->state == ST_IDLE)
		return refuse("NO_ID", "%s", N_("nothing to retake: key in an "
		    "ID first"));
	if (busy(s))
		return refuse("BUSY", "the shot is still being taken or "
		    "checked");
	if (s->state == ST_ACCEPTED) {
		json_t *fwd = json_pack("{s:s, s:s, s:O?}", "cmd", "id", "id",
		    s->id, "replace", json_object_get(req, "replace"));

		r = req_id(s, fwd);
		json_decref(fwd);
		return r;
	}
	set_state(s, ST_ARMED, "retake");
	return status_json(s);
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

static json_t *
req_history(struct station *s, json_t *req)
{
	struct hist h;
	char id[PHOTO_ID_LEN + 1];
	const char *in = json_string_value(json_object_get(req, "id"));
	int torn;
	json_t *o;

	h.id = NULL;
	if (in != NULL) {
		if (photo_id_check(s->ctx, in, id, 0) == -1)
			return refuse("BAD_ID", "%s", photo_error(s->ctx));
		h.id = id;
	}
	h.list = json_array();
	if (store_journal_replay(s->j->path, hist_one, &h, &torn) == -1) {
		json_decref(h.list);
		return refuse("JOURNAL", "journal %s: %s", s->j->path,
		    strerror(errno));
	}
	o = ok();
	json_object_set_new(o, "history", h.list);
	return o;
}

/*
 * A test shot for the lamps: at the shooting level, outside the ID
 * workflow (no photo is saved, the armed ID stays armed). The proposal
 * comes as a "calibration" event, so the client subscribes first.
 */
static json_t *
req_calibrate(struct station *s, json_t *req)
{
	json_t *t = json_object_get(req, "lightness");

	if (s->rig == NULL)
		return refuse("NO_LAMPS", "there are no lamps to calibrate "
		    "(lighting.lamps is empty)");
	if (busy(s))
		return refuse("BUSY", "a shot is still being taken or checked");
	if (t != NULL && (!json_is_number(t) || json_number_value(t) < 10 ||
	    json_number_value(t) > 95))
		return refuse("USAGE", "calibrate: lightness must be an L* "
		    "between 10 and 95");
	s->cal_target = t ? json_number_value(t) : 0;
	s->cal_prev = s->state;
	s->calibrating = 1;
	shoot(s, "calibration");
	if (!s->calibrating)
		return refuse("JOURNAL", "the journal cannot be written (disk "
		    "full?): not shooting");
	return ok();
}

json_t *
station_request(struct client *c, json_t *req, void *arg)
{
	struct station *s = arg;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	char err[1024];
	json_t *o;

	if (strcmp(cmd, "status") == 0)
		return status_json(s);
	if (strcmp(cmd, "id") == 0)
		return req_id(s, req);
	if (strcmp(cmd, "shoot") == 0) {
		const char *why, *code;

		if ((why = pedal_ignored(s, &code)) != NULL) {
			station_pedal(s, "software");	/* the notice */
			return refuse(code, "%s", why);
		}
		station_pedal(s, "software");
		return status_json(s);
	}
	if (strcmp(cmd, "retake") == 0)
		return req_retake(s, req);
	if (strcmp(cmd, "cancel") == 0) {
		if (busy(s))
			return refuse("BUSY", "the shot is still being taken "
			    "or checked");
		journal(s, json_pack("{s:s}", "event", "disarm"));
		s->id[0] = '\0';
		s->replace = 0;
		set_state(s, ST_IDLE, NULL);
		return status_json(s);
	}
	if (strcmp(cmd, "subscribe") == 0) {
		control_subscribe(c);
		o = status_json(s);
		json_object_set_new(o, "subscribed", json_true());
		return o;
	}
	if (strcmp(cmd, "reload") == 0) {
		if (s->reload == NULL || s->reload(err, sizeof(err)) == -1)
			return refuse("CONFIG", "%s; the old settings stay",
			    s->reload ? err : "reload unavailable");
		return ok();
	}
	if (strcmp(cmd, "history") == 0)
		return req_history(s, req);
	if (strcmp(cmd, "camera") == 0)
		return camera_json(s);
	if (strcmp(cmd, "liveview") == 0) {
		json_t *sec = json_object_get(req, "seconds");
		json_int_t n = sec == NULL ? 60 : json_integer_value(sec);

		if (sec != NULL && (!json_is_integer(sec) || n < 0 || n > 600))
			return refuse("USAGE", "liveview: seconds must be 0 "
			    "(stop) to 600");
		camthread_liveview(s->cam, (int)n, s->conf.cam.preview_fps);
		o = ok();
		json_object_set_new(o, "seconds", json_integer(n));
		return o;
	}
	if (strcmp(cmd, "calibrate") == 0)
		return req_calibrate(s, req);
	return refuse("USAGE", "unknown command \"%s\" (status, id, shoot, "
	    "retake, cancel, subscribe, reload, history, calibrate, camera, "
	    "liveview)", cmd);
}
