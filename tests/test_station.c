/*
 * test_station.c — daemon/station.c's transitions, with a fake camera
 * thread and a fake worker behind their interfaces (camthread_capture,
 * worker_submit: this file defines them, so the real threads are not
 * linked). The test plays both: it answers each capture with a frame and
 * each job with a result, through station_completion() as the main loop
 * would. Covers the workflow (arm, shoot, process, accept, reject,
 * retake), refusals, a camera error, the capture and processing
 * deadlines with what comes late, the end of a shutdown (no worker: the
 * frame is still archived), recovery after a crash, and the roster
 * followed as it is imported and removed, and the operator's override
 * (accept --override: appearance checks only, journalled, recovered).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/idphotod.h"
#include "tests/testutil.h"

/* ---- the fakes --------------------------------------------------------- */
const char *const cam_state_names[] = { "absent", "reconnecting",
    "connected" };
static int captures;		/* camthread_capture calls */
static unsigned capture_seq;	/* the last one's */
static struct msg_job *job;	/* the job the worker holds */
static int jobs;

void
camthread_capture(struct camthread *t, unsigned seq, const double light[2],
    int settle_ms)
{
	(void)t;
	(void)light;
	(void)settle_ms;
	captures++;
	capture_seq = seq;
}

void
camthread_liveview(struct camthread *t, int seconds, int fps)
{
	(void)t;
	(void)seconds;
	(void)fps;
}

void
worker_submit(struct worker *w, struct msg_job *j)
{
	(void)w;
	ck_assert_ptr_null(job);	/* one at a time, in this test */
	ck_assert_ptr_nonnull(j->reply);	/* its result came with it */
	job = j;
	jobs++;
}

/* ---- the fixture ------------------------------------------------------- */
static struct store_conf conf;
static struct store_journal jr;
static struct station *st;
static char ID[19], ID2[19];
#define FAKE_CAM	((struct camthread *)&captures)
#define FAKE_WORKER	((struct worker *)&jobs)

static const char *
jpath(void)
{
	return tu_path("%s/state/journal.jsonl", tu_dir);
}

static void
setup(void)
{
	tu_dir_setup();
	store_conf_default(&conf);
	tu_params(&conf.photo);
	snprintf(conf.state_dir, sizeof(conf.state_dir), "%s/state", tu_dir);
	snprintf(conf.output_dir, sizeof(conf.output_dir), "%s/out", tu_dir);
	conf.rig.nlamps = 0;
	ck_assert_int_eq(store_mkdirs(conf.state_dir, 0750), 0);
	ck_assert_int_eq(store_journal_open(&jr, jpath()), 0);
	captures = jobs = 0;
	capture_seq = 0;
	job = NULL;
	st = station_new(&conf, &jr, FAKE_CAM, FAKE_WORKER);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(station_recover(st, jpath()), 0);
	tu_make_id("11010519491231002", ID);
	tu_make_id("44052419900101001", ID2);
}

static void
teardown(void)
{
	if (job != NULL)
		msg_free(&job->q);
	job = NULL;
	station_free(st);
	store_journal_close(&jr);
	tu_dir_teardown();
}

/* ---- helpers ----------------------------------------------------------- */
static json_t *
request(const char *cmd, const char *id, int replace)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd), *o;

	if (id != NULL)
		json_object_set_new(req, "id", json_string(id));
	if (replace)
		json_object_set_new(req, "replace", json_true());
	o = station_request(NULL, req, st);
	json_decref(req);
	return o;
}

/* idphotod restarts: a new station recovered from the journal. */
static void
restart(void)
{
	station_free(st);
	store_journal_close(&jr);
	ck_assert_int_eq(store_journal_open(&jr, jpath()), 0);
	st = station_new(&conf, &jr, FAKE_CAM, FAKE_WORKER);
	ck_assert_int_eq(station_recover(st, jpath()), 0);
}

/* The station's state, as status says it. */
static const char *
state(void)
{
	static char buf[32];
	json_t *o = request("status", NULL, 0);

	snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(o,
	    "state")));
	json_decref(o);
	return buf;
}

/* A request that must succeed / be refused with code. */
static void
ok_req(const char *cmd, const char *id, int replace)
{
	json_t *o = request(cmd, id, replace);

	ck_assert_msg(!json_is_false(json_object_get(o, "ok")), "%s: %s", cmd,
	    json_string_value(json_object_get(o, "error")));
	json_decref(o);
}

static void
refused(const char *cmd, const char *id, const char *code)
{
	json_t *o = request(cmd, id, 0);

	ck_assert(json_is_false(json_object_get(o, "ok")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")), code);
	json_decref(o);
}

/* The camera answers capture seq with a frame (or an error: err). */
static void
frame(unsigned seq, const char *err)
{
	struct msg_frame *f = calloc(1, sizeof(*f));

	f->q.kind = MSG_FRAME;
	f->seq = seq;
	if (err != NULL)
		snprintf(f->err, sizeof(f->err), "%s", err);
	else {
		f->buf = (unsigned char *)strdup("\xff\xd8 not really a JPEG");
		f->len = 20;
		snprintf(f->name, sizeof(f->name), "capt%04u.jpg", seq);
	}
	station_completion(st, &f->q);
}

/* The failed finding the next result() carries: code and requirement
 * (NULL: none). */
static const char *fail_code, *fail_req;

/* The worker answers the job it holds with outcome. */
static void
result(int outcome)
{
	struct msg_result *r;

	ck_assert_ptr_nonnull(job);
	r = job->reply;
	job->reply = NULL;
	r->q.kind = MSG_RESULT;
	r->seq = job->seq;
	snprintf(r->id, sizeof(r->id), "%s", job->id);
	r->outcome = outcome;
	r->calibrate = job->calibrate;
	r->archive_only = job->archive_only;
	snprintf(r->archive, sizeof(r->archive), "%s",
	    tu_path("%s/archive/%s/x.jpg", conf.state_dir, job->id));
	if (outcome == RES_PASS)
		snprintf(r->out.path, sizeof(r->out.path), "%s",
		    tu_path("%s/%s.jpg", conf.output_dir, job->id));
	if (outcome == RES_ERROR)
		snprintf(r->err, sizeof(r->err), "it broke");
	r->result = json_pack("{s:s}", "verdict", outcome == RES_FAIL ?
	    "fail" : "pass");
	if (fail_code != NULL)
		json_object_set_new(r->result, "findings", json_pack(
		    "[{s:s, s:s, s:s}]", "code", fail_code, "requirement",
		    fail_req, "severity", "fail"));
	r->override = job->original[0] != '\0';
	msg_free(&job->q);
	job = NULL;
	station_completion(st, &r->q);
}

/* How many journal events of type (with id, when not NULL). */
static json_t *counted;
static const char *count_type, *count_id;

static void
count_one(json_t *ev, void *arg)
{
	const char *t = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "id"));

	(void)arg;
	if (t != NULL && strcmp(t, count_type) == 0 && (count_id == NULL ||
	    (id != NULL && strcmp(id, count_id) == 0)))
		json_array_append(counted, ev);
}

static int
journalled(const char *type, const char *id)
{
	int torn, n;

	counted = json_array();
	count_type = type;
	count_id = id;
	ck_assert_int_ge(store_journal_replay(jpath(), count_one, NULL, &torn),
	    0);
	n = (int)json_array_size(counted);
	json_decref(counted);
	return n;
}

static int
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* accept with an override's reason (NULL: none); the reply. */
static json_t *
accept_req(const char *reason)
{
	json_t *req = json_pack("{s:s}", "cmd", "accept"), *o;

	if (reason != NULL)
		json_object_set_new(req, "override", json_string(reason));
	o = station_request(NULL, req, st);
	json_decref(req);
	return o;
}

static void
accept_refused(const char *reason, const char *code)
{
	json_t *o = accept_req(reason);

	ck_assert(json_is_false(json_object_get(o, "ok")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")), code);
	json_decref(o);
}

/* A shot of the armed ID rejected for code (req); its seq. */
static unsigned
rejected_for(const char *code, const char *req)
{
	unsigned seq;

	station_pedal(st, "pedal");
	seq = capture_seq;
	frame(seq, NULL);
	fail_code = code;
	fail_req = req;
	result(RES_FAIL);
	fail_code = fail_req = NULL;
	ck_assert_str_eq(state(), "rejected");
	return seq;
}

/* The last journalled result of type with id, or NULL (the caller
 * decrefs). */
static json_t *
last_journalled(const char *type, const char *id)
{
	json_t *e;
	int torn;

	counted = json_array();
	count_type = type;
	count_id = id;
	ck_assert_int_ge(store_journal_replay(jpath(), count_one, NULL, &torn),
	    0);
	e = json_incref(json_array_get(counted, json_array_size(counted) -
	    1));
	json_decref(counted);
	return e;
}

/* ---- the tests --------------------------------------------------------- */
START_TEST(full_cycle)
{
	ck_assert_str_eq(state(), "idle");
	ok_req("id", ID, 0);
	ck_assert_str_eq(state(), "armed");
	ck_assert_int_eq(journalled("arm", ID), 1);
	station_pedal(st, "pedal");
	ck_assert_str_eq(state(), "capturing");
	ck_assert_int_eq(captures, 1);
	ck_assert_int_eq(journalled("shoot", ID), 1);	/* before the camera */
	frame(capture_seq, NULL);
	ck_assert_str_eq(state(), "processing");
	ck_assert_int_eq(jobs, 1);
	ck_assert_str_eq(job->id, ID);
	ck_assert_uint_eq(job->seq, capture_seq);
	ck_assert_int_eq(job->len, 20);
	result(RES_PASS);
	ck_assert_str_eq(state(), "accepted");
	ck_assert_int_eq(journalled("result", ID), 1);
	/* accepted: the pedal is refused; the ID needs a confirmation */
	station_pedal(st, "pedal");
	ck_assert_int_eq(captures, 1);
	refused("shoot", NULL, "DONE");
	refused("id", ID, "NEEDS_CONFIRM");
	ok_req("id", ID2, 0);		/* the next graduate */
	ck_assert_str_eq(state(), "armed");
}
END_TEST

START_TEST(refusals)
{
	station_pedal(st, "pedal");	/* no ID */
	ck_assert_int_eq(captures, 0);
	ck_assert_str_eq(state(), "idle");
	refused("shoot", NULL, "NO_ID");
	refused("retake", NULL, "NO_ID");
	refused("id", "12345", "BAD_ID");
	refused("nonsense", NULL, "USAGE");
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	refused("id", ID2, "BUSY");	/* capturing */
	refused("cancel", NULL, "BUSY");
	station_pedal(st, "pedal");	/* a second press while capturing */
	ck_assert_int_eq(captures, 1);
}
END_TEST

START_TEST(reject_then_retake)
{
	unsigned first;

	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	first = capture_seq;
	frame(first, NULL);
	result(RES_FAIL);
	ck_assert_str_eq(state(), "rejected");
	station_pedal(st, "pedal");	/* the retake */
	ck_assert_str_eq(state(), "capturing");
	ck_assert_uint_gt(capture_seq, first);
	frame(capture_seq, NULL);
	result(RES_PASS);
	ck_assert_str_eq(state(), "accepted");
	ck_assert_int_eq(journalled("result", ID), 2);
}
END_TEST

START_TEST(camera_error)
{
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	frame(capture_seq, "camera: I/O problem");
	ck_assert_str_eq(state(), "rejected");
	ck_assert_int_eq(jobs, 0);
	ck_assert_int_eq(journalled("result", ID), 1);
}
END_TEST

START_TEST(capture_deadline)
{
	unsigned seq;

	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	seq = capture_seq;
	station_tick(st, 0);		/* long before it */
	ck_assert_str_eq(state(), "capturing");
	station_tick(st, 1LL << 60);	/* long after it */
	ck_assert_str_eq(state(), "rejected");
	ck_assert_int_eq(journalled("result", ID), 1);	/* an error result */
	/* the frame comes after all: kept, not used */
	frame(seq, NULL);
	ck_assert_str_eq(state(), "rejected");
	ck_assert_int_eq(jobs, 1);
	ck_assert(job->archive_only);
	result(RES_PASS);
	ck_assert_str_eq(state(), "rejected");
}
END_TEST

START_TEST(processing_deadline)
{
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	frame(capture_seq, NULL);
	station_tick(st, 1LL << 60);
	ck_assert_str_eq(state(), "rejected");
	ck_assert_int_eq(journalled("interrupted", ID), 1);
	ok_req("id", ID2, 0);		/* the operator goes on */
	result(RES_PASS);		/* the late result: journalled */
	ck_assert_int_eq(journalled("result", ID), 1);
	ck_assert_str_eq(state(), "armed");	/* where the operator is */
	refused("id", ID, "NEEDS_CONFIRM");	/* and it counts */
}
END_TEST

/* The end of a shutdown: the worker is gone and a frame still comes. */
START_TEST(no_worker_still_archives)
{
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	station_set_worker(st, NULL);
	frame(capture_seq, NULL);
	ck_assert_int_eq(jobs, 0);
	ck_assert_int_eq(files_in(tu_path("%s/archive/%s", conf.state_dir,
	    ID)), 1);
	ck_assert_int_eq(journalled("interrupted", ID), 1);
}
END_TEST

START_TEST(recovery)
{
	/* a crash with a shot in flight */
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	restart();
	ck_assert_int_eq(journalled("interrupted", ID), 1);
	ck_assert_str_eq(state(), "armed");	/* the ID armed again */
	station_pedal(st, "pedal");
	ck_assert_uint_eq(capture_seq, 2);	/* seq goes on */
}
END_TEST

/* Which checks the operator may override: appearance only. */
START_TEST(overridable_checks)
{
	ck_assert(store_finding_overridable("SUBJ_MOUTH_OPEN", "R-SUBJ-3"));
	ck_assert(store_finding_overridable("BG_GRADIENT", "R-BG-1"));
	ck_assert(store_finding_overridable("LIGHT_RED_EYE", "R-LIGHT-2"));
	ck_assert(store_finding_overridable("IQ_BLURRED", "R-IQ-1"));
	ck_assert(!store_finding_overridable("GEO_NO_ROOM_BELOW", "R-GEO-3"));
	ck_assert(!store_finding_overridable("FILE_NAME_ID", "R-FILE-7"));
	ck_assert(!store_finding_overridable("FILE_BYTES", "R-FILE-5"));
	ck_assert(!store_finding_overridable("RES_UPSCALE", "R-FLOW-2"));
	ck_assert(!store_finding_overridable("FACE_NONE", "R-SUBJ-1"));
	ck_assert(!store_finding_overridable("NEW_CHECK", "R-NEW-1"));
	ck_assert(!store_finding_overridable(NULL, NULL));
}
END_TEST

/*
 * accept --override: refused without a reason, then the last rejected
 * frame rendered from its archived original (no capture), journalled
 * with the override; refused a second time, for a geometry failure, and
 * once a newer shot exists.
 */
START_TEST(override_accepts_appearance_only)
{
	char longr[PROTO_OVERRIDE_MAX + 2];
	json_t *ev, *ov, *o;
	unsigned seq;

	ok_req("id", ID, 0);
	accept_refused("fine", "NOTHING_TO_ACCEPT");	/* no shot yet */
	seq = rejected_for("SUBJ_MOUTH_OPEN", "R-SUBJ-3");
	ev = last_journalled("result", ID);
	ck_assert(json_is_true(json_object_get(ev, "overridable")));
	json_decref(ev);
	accept_refused(NULL, "NO_REASON");
	accept_refused(" \t ", "NO_REASON");
	memset(longr, 'x', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	accept_refused(longr, "NO_REASON");
	accept_refused("fine\x1b[2J", "NO_REASON");	/* a terminal escape */
	accept_refused("fine\nforged: line", "NO_REASON");
	ck_assert_int_eq(jobs, 1);
	o = accept_req("  a natural smile  ");
	ck_assert(!json_is_false(json_object_get(o, "ok")));
	json_decref(o);
	ck_assert_str_eq(state(), "processing");
	ck_assert_int_eq(captures, 1);		/* not shot again */
	ck_assert_int_eq(jobs, 2);
	ck_assert_ptr_null(job->buf);		/* the worker reads it */
	ck_assert_str_eq(job->original, tu_path("%s/archive/%s/x.jpg",
	    conf.state_dir, ID));
	ck_assert_uint_eq(job->seq, seq);
	accept_refused("twice", "BUSY");
	result(RES_PASS);
	ck_assert_str_eq(state(), "accepted");
	ev = last_journalled("result", ID);
	ov = json_object_get(ev, "override");
	ck_assert_ptr_nonnull(ov);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "outcome")),
	    "pass");
	ck_assert_str_eq(json_string_value(json_object_get(ov, "reason")),
	    "a natural smile");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(ov,
	    "checks"), 0)), "SUBJ_MOUTH_OPEN");
	ck_assert_int_eq(json_integer_value(json_object_get(ov, "seq")), seq);
	json_decref(ev);
	o = accept_req("again");
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")),
	    "NOTHING_TO_ACCEPT");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(o,
	    "error")), "already accepted by the operator"));
	json_decref(o);
	refused("id", ID, "NEEDS_CONFIRM");	/* it is an accepted photo */

	/* the geometry cannot be overridden */
	ok_req("id", ID2, 0);
	rejected_for("GEO_NO_ROOM_BELOW", "R-GEO-3");
	ev = last_journalled("result", ID2);
	ck_assert(json_is_false(json_object_get(ev, "overridable")));
	json_decref(ev);
	o = accept_req("looks fine");
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")),
	    "NOT_OVERRIDABLE");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "checks"), 0), "requirement")), "R-GEO-3");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(o,
	    "error")), "GEO_NO_ROOM_BELOW (R-GEO-3)"));
	json_decref(o);

	/* an appearance failure, then a newer shot (a camera error) */
	rejected_for("BG_SHADOW", "R-BG-1");
	station_pedal(st, "pedal");
	frame(capture_seq, "camera: I/O problem");
	accept_refused("the shadow is fine", "NOTHING_TO_ACCEPT");
	ck_assert_int_eq(jobs, 4);
}
END_TEST

/* After a restart the last rejected frame is still there to override, and
 * one overridden stays overridden. */
START_TEST(override_after_recovery)
{
	json_t *o;

	ok_req("id", ID, 0);
	rejected_for("SUBJ_EYES_CLOSED", "R-SUBJ-3");
	restart();
	ck_assert_str_eq(state(), "armed");
	o = accept_req("eyes are open, the lids are heavy");
	ck_assert(!json_is_false(json_object_get(o, "ok")));
	json_decref(o);
	ck_assert_str_eq(state(), "processing");
	result(RES_PASS);
	ck_assert_str_eq(state(), "accepted");
	restart();
	ok_req("id", ID, 1);			/* replacing it */
	accept_refused("again", "NOTHING_TO_ACCEPT");
}
END_TEST

/* An override's result that comes after the station gave up on it, while
 * another graduate's shot is being checked: journalled (the photo is
 * written), but the station stays with the shot in hand, and that shot's
 * own result is not taken for a late one. */
START_TEST(override_late_result)
{
	struct msg_job *held, *second;
	json_t *o, *ev;

	ok_req("id", ID, 0);
	rejected_for("SUBJ_MOUTH_OPEN", "R-SUBJ-3");
	o = accept_req("a natural smile");
	ck_assert(!json_is_false(json_object_get(o, "ok")));
	json_decref(o);
	station_tick(st, 1LL << 60);		/* the rendering is slow */
	ck_assert_str_eq(state(), "rejected");
	held = job;
	job = NULL;
	ok_req("id", ID2, 0);			/* the operator goes on */
	station_pedal(st, "pedal");
	frame(capture_seq, NULL);
	ck_assert_str_eq(state(), "processing");
	second = job;
	job = held;
	fail_code = NULL;
	result(RES_PASS);			/* the late override */
	ck_assert_str_eq(state(), "processing");	/* ID2's shot */
	ev = last_journalled("result", ID);
	ck_assert_ptr_nonnull(json_object_get(ev, "override"));
	json_decref(ev);
	job = second;
	fail_code = "BG_SHADOW";
	fail_req = "R-BG-1";
	result(RES_FAIL);
	ck_assert_str_eq(state(), "rejected");	/* ID2's own verdict */
	o = accept_req("the shadow is the hair");	/* ID2's frame is not spent */
	ck_assert(!json_is_false(json_object_get(o, "ok")));
	json_decref(o);
}
END_TEST

/* A late rejection of another graduate's shot does not take the place of
 * the armed graduate's rejected frame, which stays there to override. */
START_TEST(override_kept_past_a_late_result)
{
	struct msg_job *held;
	json_t *o;

	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	frame(capture_seq, NULL);
	station_tick(st, 1LL << 60);		/* ID's check is slow */
	held = job;
	job = NULL;
	ok_req("id", ID2, 0);
	rejected_for("SUBJ_MOUTH_OPEN", "R-SUBJ-3");
	job = held;
	fail_code = "BG_SHADOW";
	fail_req = "R-BG-1";
	result(RES_FAIL);			/* ID's, late */
	ck_assert_str_eq(state(), "rejected");
	o = accept_req("a natural smile");	/* ID2's frame */
	ck_assert_msg(!json_is_false(json_object_get(o, "ok")), "%s",
	    json_string_value(json_object_get(o, "error")));
	json_decref(o);
	ck_assert_str_eq(job->id, ID2);
}
END_TEST

/* A cancel forgets the frame an override could take, live and after a
 * restart alike. */
START_TEST(override_forgotten_by_cancel)
{
	ok_req("id", ID, 0);
	rejected_for("SUBJ_MOUTH_OPEN", "R-SUBJ-3");
	ok_req("cancel", NULL, 0);
	ok_req("id", ID, 0);
	accept_refused("fine", "NOTHING_TO_ACCEPT");
	restart();
	accept_refused("fine", "NOTHING_TO_ACCEPT");
}
END_TEST

/* A roster imported while the station runs is seen without a reload,
 * through the inotify watch, and so is its removal. */
START_TEST(roster_followed)
{
	json_t *o, *roster = json_pack("{s:s, s:{s:{s:s}}}", "source", "t.csv",
	    "entries", ID, "name", "Zhang San");
	char err[256];

	ck_assert_int_ne(station_roster_fd(st), -1);
	ok_req("id", ID, 0);
	o = request("status", NULL, 0);
	ck_assert_ptr_null(json_object_get(o, "on_roster"));	/* none */
	json_decref(o);
	ck_assert_int_eq(store_roster_save(conf.state_dir, roster, err,
	    sizeof(err)), 0);
	json_decref(roster);
	station_roster_event(st);
	o = request("status", NULL, 0);
	ck_assert(json_is_true(json_object_get(o, "on_roster")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "name")),
	    "Zhang San");
	json_decref(o);
	ck_assert_int_eq(unlink(tu_path("%s/roster.json", conf.state_dir)), 0);
	station_roster_event(st);
	o = request("status", NULL, 0);
	ck_assert_ptr_null(json_object_get(o, "on_roster"));
	json_decref(o);
}
END_TEST

/* history is read off the main loop and comes back as a message. */
START_TEST(history_off_the_loop)
{
	struct queue q;
	struct msg_history *m;
	json_t *o;

	refused("history", NULL, "JOURNAL");	/* no queue to answer on */
	queue_init(&q, -1);
	station_set_done(st, &q);
	ok_req("id", ID, 0);
	station_pedal(st, "pedal");
	frame(capture_seq, NULL);
	result(RES_FAIL);
	o = request("history", ID, 0);
	ck_assert_ptr_null(o);			/* the reply comes later */
	ck_assert_int_eq(station_pending(st), 1);
	m = (struct msg_history *)queue_pop(&q, 10000);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->q.kind, MSG_HISTORY);
	ck_assert_int_eq(json_array_size(m->list), 1);	/* the result */
	station_completion(st, &m->q);		/* replies, frees m */
	ck_assert_int_eq(station_pending(st), 0);
	refused("history", "12345", "BAD_ID");
	station_set_done(st, NULL);
	queue_destroy(&q);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("station");
	TCase *tc = tcase_create("station");

	/* the setup loads the cascades: slow on a loaded machine or ASan */
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_cycle);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, reject_then_retake);
	tcase_add_test(tc, camera_error);
	tcase_add_test(tc, capture_deadline);
	tcase_add_test(tc, processing_deadline);
	tcase_add_test(tc, no_worker_still_archives);
	tcase_add_test(tc, recovery);
	tcase_add_test(tc, roster_followed);
	tcase_add_test(tc, history_off_the_loop);
	tcase_add_test(tc, overridable_checks);
	tcase_add_test(tc, override_accepts_appearance_only);
	tcase_add_test(tc, override_after_recovery);
	tcase_add_test(tc, override_late_result);
	tcase_add_test(tc, override_forgotten_by_cancel);
	tcase_add_test(tc, override_kept_past_a_late_result);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
