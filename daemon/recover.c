/*
 * recover.c — the station after a crash or a restart: the journal is
 * replayed (store_journal_replay) to rebuild the set of accepted IDs, the
 * counts, the last shot's number and the last armed ID; a shot journalled
 * as begun ("shoot") with no result is journalled "interrupted" (its
 * original, if it was taken, is in the archive) and its ID armed again;
 * the armed ID's last rejected shot is kept for an operator's override
 * (accept --override), with whether it was overridden already; and the
 * temporary files of writes a crash cut short are swept.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/station.h"

static void
replay_one(json_t *ev, void *arg)
{
	struct station *s = arg;
	const char *type = json_string_value(json_object_get(ev, "event"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
	const char *outcome, *kept;

	/* store_journal_replay() passes only events whose fields it
	 * checked: seq is 0 (none) or 1..STORE_SEQ_MAX, never the camera's
	 * own shutter, so the next shot's seq cannot wrap to 0 */
	if (type == NULL)
		return;
	if ((unsigned)seq > s->seq)
		s->seq = (unsigned)seq;
	if (strcmp(type, "arm") == 0 && id != NULL) {
		/* as live (req_id, req_cancel): another ID, or none, drops
		 * the frame an override could take */
		kept = json_string_value(json_object_get(s->rejected, "id"));
		if (kept != NULL && strcmp(kept, id) != 0)
			st_drop_rejected(s);
		snprintf(s->armed_id, sizeof(s->armed_id), "%s", id);
	} else if (strcmp(type, "disarm") == 0) {
		st_drop_rejected(s);
		s->armed_id[0] = '\0';
	} else if (strcmp(type, "shoot") == 0 && id != NULL) {
		st_drop_rejected(s);	/* a newer shot */
		s->pending_seq = (unsigned)seq;
		snprintf(s->pending_id, sizeof(s->pending_id), "%s", id);
	} else if (strcmp(type, "result") == 0 && id != NULL) {
		if ((unsigned)seq == s->pending_seq)
			s->pending_seq = 0;
		outcome = json_string_value(json_object_get(ev, "outcome"));
		/* the operator's override: the last rejected frame, and
		 * whether it was overridden already */
		if (json_object_get(ev, PROTO_F_OVERRIDE) != NULL) {
			if (s->rejected != NULL && json_integer_value(
			    json_object_get(s->rejected, "seq")) == seq)
				json_object_set_new(s->rejected, "overridden",
				    json_true());
		} else if (outcome != NULL && strcmp(outcome, "fail") == 0 &&
		    strcmp(id, s->armed_id) == 0)	/* as live */
			st_keep_rejected(s, ev);
		if (store_event_accepted(ev)) {
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
		if (!store_event_accepted(ev))
			st_note_rejected(s, id);
	} else if (strcmp(type, "interrupted") == 0 &&
	    (unsigned)seq == s->pending_seq)
		s->pending_seq = 0;
}

int
station_recover(struct station *s, const char *path)
{
	char m[32];
	int torn, n, k;

	if ((n = store_journal_replay(path, replay_one, s, &torn)) == -1) {
		log_warn("journal %s", path);
		return -1;
	}
	if (torn > 0)
		log_warnx("journal %s: %d damaged line(s) skipped (a crash "
		    "while writing)", path, torn);
	/* the temporary files of writes that a crash cut short: photos and
	 * versions/, the archive, previews, the roster */
	if ((k = store_sweep_tmp(s->conf.output_dir, 1) +
	    store_sweep_tmp(s->conf.state_dir, 2)) > 0)
		log_info("removed %d temporary file(s) left by interrupted "
		    "writes", k);
	if (s->pending_seq != 0) {
		log_warnx("the shot %u for %s was interrupted by a restart; "
		    "its original, if taken, is in the archive", s->pending_seq,
		    st_masked(s->pending_id, m, sizeof(m)));
		st_journal(s, json_pack("{s:s, s:s, s:i}", "event", "interrupted",
		    "id", s->pending_id, "seq", (json_int_t)s->pending_seq));
		snprintf(s->armed_id, sizeof(s->armed_id), "%s", s->pending_id);
	}
	if (s->rejected != NULL && strcmp(json_string_value(json_object_get(
	    s->rejected, "id")), s->armed_id) != 0)
		st_drop_rejected(s);	/* another graduate's */
	if (s->armed_id[0] != '\0') {
		snprintf(s->id, sizeof(s->id), "%s", s->armed_id);
		s->state = json_object_get(s->accepted, s->id) ? ST_ACCEPTED :
		    ST_ARMED;
	}
	st_update_status(s);
	log_info("journal: %d events; %zu IDs with an accepted photo; state "
	    "%s", n, json_object_size(s->accepted), st_names[s->state]);
	return 0;
}
