/*
 * calibrate.c — the lamps' calibration shot: a test shot at the shooting
 * level, outside the ID workflow (no photo is saved, the armed ID stays
 * armed). The worker measures the left/right balance of the light and
 * the face's lightness. The balance is the backdrop's beside the subject
 * (bg.balance: the left third of the photo against the right third, as
 * R-BG-1 wants it even), because that is what the lamps light evenly: a
 * face's own cheeks need not be (a face is not symmetric, and a portrait
 * lit unevenly when it was taken keeps that), so evening them can move a
 * lamp the wrong way. Without a backdrop in the picture it is the face's
 * cheeks, and with no face a grey card's in the frame centre. The rig
 * model (rig_propose) turns them into the levels that would correct
 * them; the proposal is journalled and broadcast as a "calibration"
 * event, which idphotoctl calibrate shows as a config diff.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/station.h"

/* A measurement of the frame's photo_result, or NAN. */
static double
metric(const struct msg_result *r, const char *name)
{
	int i;

	for (i = 0; r->analyzed && i < r->pr.nmetrics; i++)
		if (strcmp(r->pr.metrics[i].name, name) == 0)
			return r->pr.metrics[i].value;
	return NAN;
}

/* The first failing pose or persons finding of a frame (R-SUBJ-3,
 * R-BG-1), or NULL. */
static const char *
pose_finding(const struct msg_result *r)
{
	int i;

	for (i = 0; r->analyzed && i < r->pr.nfindings; i++)
		if (r->pr.findings[i].severity == PHOTO_FAIL &&
		    (strncmp(r->pr.findings[i].code, "POSE_", 5) == 0 ||
		    strncmp(r->pr.findings[i].code, "PERSONS_", 8) == 0))
			return r->pr.findings[i].code;
	return NULL;
}

/*
 * The end of a calibration shot: r is its result, or NULL when there is
 * no frame (err says why). Reads the backdrop's balance (else the face's)
 * and the face's lightness (or, with no face, the frame centre's: a grey
 * card), asks the rig model for
 * the levels that would correct them, and broadcasts the proposal as a
 * "calibration" event (never on a face that fails the pose or persons
 * checks: a turned head's cheeks say nothing about the lamps, and the
 * crop its backdrop is measured on is not the one a good shot gets);
 * idphotoctl calibrate shows it as a config diff and may write it. The station goes back to where it was.
 */
void
st_calibration_done(struct station *s, struct msg_result *r, const char *err)
{
	struct rig_conf prop;
	json_t *ev, *lamps;
	double b = NAN, l = NAN, gain = RIG_GAIN_FACE;
	/* what the balance was measured on: English in the event, the
	 * client translates it */
	const char *src = N_("face"), *bad;
	static char why[192];
	int i, rc;

	ev = json_pack("{s:s, s:s}", "event", "calibration", "config",
	    s->confpath);
	if (r != NULL && r->preview[0])
		json_object_set_new(ev, "preview", json_string(r->preview));
	if (r != NULL && r->archive[0])
		json_object_set_new(ev, "archive", json_string(r->archive));
	if (err == NULL && r != NULL) {
		b = metric(r, "bg.balance");
		l = metric(r, "light.face_lightness");
		if (!isnan(b) && !isnan(l)) {
			src = N_("backdrop");
			gain = RIG_GAIN_BACKDROP;
		} else
			b = metric(r, "light.balance");
		if (isnan(b) || isnan(l)) {
			src = N_("centre");
			b = metric(r, "light.centre_balance");
			l = metric(r, "light.centre_lightness");
		}
		if (isnan(b) || isnan(l) || b <= 0)
			err = "nothing to measure the light on: seat the "
			    "subject facing the camera, or hold a grey card "
			    "in the middle of the frame";
		else if ((bad = pose_finding(r)) != NULL) {
			/* a turned head shows one cheek more than the other:
			 * its balance is the pose's, not the lamps' */
			snprintf(why, sizeof(why), "not calibrated on this "
			    "frame (%s): seat the subject alone, facing the "
			    "camera squarely, and calibrate again", bad);
			err = why;
		}
	}
	if (err != NULL) {
		json_object_set_new(ev, "ok", json_false());
		json_object_set_new(ev, "error", json_string(err));
		log_warnx("calibration: %s", err);
	} else {
		rc = rig_propose(&s->conf.rig, b, gain, l, s->cal_target,
		    &prop);
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
	st_journal(s, json_incref(ev));
	control_broadcast(ev);
	json_decref(ev);
	s->calibrating = 0;
	st_set_state(s, s->cal_prev, NULL);
}

/*
 * A test shot for the lamps: at the shooting level, outside the ID
 * workflow (no photo is saved, the armed ID stays armed). The proposal
 * comes as a "calibration" event, so the client subscribes first.
 */
json_t *
st_req_calibrate(struct station *s, struct client *c __attribute__((unused)),
    json_t *req)
{
	json_t *t = json_object_get(req, "lightness");

	if (s->rig == NULL)
		return st_refuse("NO_LAMPS", "there are no lamps to calibrate "
		    "(lighting.lamps is empty)");
	if (st_busy(s))
		return st_refuse("BUSY", "a shot is still being taken or checked");
	if (t != NULL && (!json_is_number(t) || json_number_value(t) < 10 ||
	    json_number_value(t) > 95))
		return st_refuse("USAGE", "calibrate: lightness must be an L* "
		    "between 10 and 95");
	s->cal_target = t ? json_number_value(t) : 0;
	s->cal_prev = s->state;
	s->calibrating = 1;
	st_shoot(s, "calibration");
	if (!s->calibrating)
		return st_refuse("JOURNAL", "the journal cannot be written (disk "
		    "full?): not shooting");
	return st_ok();
}
