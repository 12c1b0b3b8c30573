/*
 * proto.h — idphotod's control protocol, written down as code: every
 * command, event and field by name, and the table of commands. It is a
 * plain C header with no dependencies (no jansson, nothing of the
 * project's), so that any client can include it: idphotoctl does, the
 * daemon dispatches from the same table, and a test holds idphotoctl's
 * --help and man page to it.
 *
 * The wire format: an AF_UNIX stream socket, one JSON object per line
 * (at most PROTO_MAX_LINE bytes), UTF-8. A request is
 *   {"cmd": "<command>", <its fields>}
 * and gets exactly one reply, which names the command it answers:
 *   {"reply": "<command>", "ok": true, ...}
 *   {"reply": "<command>", "ok": false, "code": "BUSY", "error": "..."}
 * A line that is not a request gets {"ok": false, "code": "PROTOCOL",
 * "error": "..."} with no "reply", and the client is disconnected. After
 * "subscribe" the client also gets events between replies:
 *   {"event": "<event>", ...}
 * Messages are English msgids; clients translate them (gettext domain
 * "idphotod"). The journal (state_dir/journal.jsonl) holds the events
 * marked journalled below, one per line, each with its "time".
 */
#ifndef PROTO_H
#define PROTO_H

#include <string.h>

#define PROTO_MAX_LINE		65536	/* bytes in one line, newline included */

/* ---- fields ---------------------------------------------------------- */
#define PROTO_F_CMD		"cmd"		/* request: the command */
#define PROTO_F_REPLY		"reply"		/* reply: the command answered */
#define PROTO_F_OK		"ok"		/* reply: true or false */
#define PROTO_F_CODE		"code"		/* refusal: BUSY, NO_ID, ... */
#define PROTO_F_ERROR		"error"		/* refusal, failure: why */
/* a BAD_ID refusal: why the number is not valid (photo_id_err), for the
 * client to put in words (store_id_error_get) */
#define PROTO_F_ID_ERROR	"id_error"	/* length, not_digit, ... */
#define PROTO_F_ID_LENGTH	"id_length"	/* characters given */
#define PROTO_F_ID_POSITION	"id_position"	/* the bad character's */
#define PROTO_F_ID_CHARACTER	"id_character"	/* that character */
#define PROTO_F_ID_PART		"id_part"	/* region code, birth date */
#define PROTO_F_EVENT		"event"		/* event: its name */
#define PROTO_F_TIME		"time"		/* journal: seconds since 1970 */
#define PROTO_F_ID		"id"		/* the graduate's ID number */
#define PROTO_F_REPLACE		"replace"	/* id, retake: confirm */
#define PROTO_F_SECONDS		"seconds"	/* liveview: 0 stops it */
#define PROTO_F_LIGHTNESS	"lightness"	/* calibrate: L* to aim for */
#define PROTO_F_STATE		"state"		/* the station's state */
#define PROTO_F_NOTE		"note"
#define PROTO_F_WARNING		"warning"
#define PROTO_F_SEQ		"seq"		/* the shot's number */
#define PROTO_F_SOURCE		"source"	/* pedal, software, ... */
#define PROTO_F_OUTCOME		"outcome"	/* pass, warn, fail, error */
#define PROTO_F_ARCHIVE		"archive"	/* the camera original kept */
#define PROTO_F_OUTPUT		"output"	/* <ID>.jpg as written */
#define PROTO_F_QUALITY		"quality"
#define PROTO_F_SIZE		"size"
#define PROTO_F_SHA256		"sha256"
#define PROTO_F_REPLACED	"replaced"	/* the earlier photo, moved */
#define PROTO_F_PREVIEW		"preview"	/* the annotated frame */
#define PROTO_F_CHECKS		"checks"	/* the result (store_result_json) */
#define PROTO_F_REASON		"reason"	/* interrupted: restart, ... */
#define PROTO_F_MESSAGE		"message"	/* notice */
#define PROTO_F_DONE		"done"		/* framing: live view ended */
#define PROTO_F_HISTORY		"history"	/* history: the events */
#define PROTO_F_SUBSCRIBED	"subscribed"
#define PROTO_F_CONFIG		"config"	/* calibration: the file */
#define PROTO_F_LAMPS		"lamps"
#define PROTO_F_CAMERA		"camera"
#define PROTO_F_OVERRIDE	"override"	/* accept: the operator's reason;
						 * result: {reason, checks, seq} */
#define PROTO_F_OVERRIDABLE	"overridable"	/* a rejected result: accept
						 * --override may take it */

/* An override's reason: 1..PROTO_OVERRIDE_MAX bytes, not all blank. */
#define PROTO_OVERRIDE_MAX	500

/* the status reply (and state events: name, centre, class, on_roster) */
#define PROTO_F_NAME		"name"		/* the roster's, for the ID */
#define PROTO_F_CENTRE		"centre"
#define PROTO_F_CLASS		"class"
#define PROTO_F_ON_ROSTER	"on_roster"	/* false: not on it */
#define PROTO_F_COUNTS		"counts"	/* shots, accepted, ... */
#define PROTO_F_ACCEPTED_IDS	"accepted_ids"	/* IDs with a photo */
#define PROTO_F_LAST		"last"		/* the latest result */
#define PROTO_F_SIMULATED	"simulated"	/* "camera, lamps, pedal" */
#define PROTO_F_PEDAL		"pedal"		/* {driver, connected,
						 *  simulated} */
#define PROTO_F_DRIVER		"driver"	/* pedal: evdev, fifo, none */
#define PROTO_F_CONNECTED	"connected"	/* pedal, camera, lamps */
#define PROTO_F_ROSTER		"roster"	/* {total, done, rejected,
						 *  missing}; absent: none */
#define PROTO_F_ROSTER_TOTAL	"total"		/* graduates on it */
#define PROTO_F_ROSTER_DONE	"done"		/* with an accepted photo */
#define PROTO_F_ROSTER_REJECTED	"rejected"	/* shot, none accepted */
#define PROTO_F_ROSTER_MISSING	"missing"	/* not shot yet */

/* ---- commands ---------------------------------------------------------
 * X(NAME, "name", min operands, max operands, "operands", "what it does")
 * Operands are what idphotoctl takes on its command line; on the wire
 * they are fields (id: "id"; history: "id"; liveview: "seconds";
 * accept: --override REASON is "override").
 *
 * accept takes the armed ID's last rejected frame as the photo when every
 * check it failed is one of appearance (R-SUBJ, R-BG, R-LIGHT, R-IQ);
 * refusals: NOTHING_TO_ACCEPT (no such frame, a newer shot, or already
 * overridden), NOT_OVERRIDABLE (a file, geometry or ID check failed:
 * "checks" lists them, each {code, requirement}), NO_REASON.
 */
#define PROTO_COMMANDS(X)						\
	X(STATUS, "status", 0, 0, "",					\
	    "the station's state, the camera, the lamps, the counts")	\
	X(ID, "id", 1, 1, "ID",						\
	    "arm the station for a graduate (replace: confirm)")	\
	X(SHOOT, "shoot", 0, 0, "", "the software pedal")		\
	X(RETAKE, "retake", 0, 0, "", "shoot the same ID again")	\
	X(CANCEL, "cancel", 0, 0, "", "forget the keyed-in ID")	\
	X(SUBSCRIBE, "subscribe", 0, 0, "",				\
	    "receive the station's events from now on")		\
	X(RELOAD, "reload", 0, 0, "", "re-read the configuration")	\
	X(HISTORY, "history", 0, 1, "[ID]",				\
	    "the results journalled (the last 100), of one ID or all")	\
	X(CAMERA, "camera", 0, 0, "",					\
	    "the camera's state and what it reads back")		\
	X(LIVEVIEW, "liveview", 0, 1, "[SECONDS]",			\
	    "live view for SECONDS (60; 0 stops): framing events")	\
	X(CALIBRATE, "calibrate", 0, 0, "",				\
	    "a test shot for the lamps: a calibration event")		\
	X(ACCEPT, "accept", 0, 0, "",					\
	    "the operator accepts the last rejected frame (--override "	\
	    "REASON; appearance checks only)")

enum proto_cmd {
#define PROTO_X_ENUM(n, s, lo, hi, a, h)	PROTO_CMD_##n,
	PROTO_COMMANDS(PROTO_X_ENUM)
#undef PROTO_X_ENUM
	PROTO_NCMDS
};

struct proto_command {
	const char *name;
	int	min_args, max_args;	/* idphotoctl's operands */
	const char *args;
	const char *help;
};

/* The table, indexed by enum proto_cmd. */
static const struct proto_command proto_commands[PROTO_NCMDS] = {
#define PROTO_X_ROW(n, s, lo, hi, a, h)	[PROTO_CMD_##n] = { s, lo, hi, a, h },
	PROTO_COMMANDS(PROTO_X_ROW)
#undef PROTO_X_ROW
};

/* The command called name, or -1. */
static inline int
proto_command_find(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < PROTO_NCMDS; i++)
		if (strcmp(proto_commands[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- events -----------------------------------------------------------
 * X(NAME, "name", journalled, broadcast, "what it says")
 */
#define PROTO_EVENTS(X)							\
	X(STATE, "state", 0, 1, "the station's state changed")		\
	X(NOTICE, "notice", 0, 1, "a refusal or warning for the operator") \
	X(ARM, "arm", 1, 0, "an ID keyed in")				\
	X(DISARM, "disarm", 1, 0, "the ID forgotten")			\
	X(SHOOT, "shoot", 1, 0, "a shot begins (before the camera fires)") \
	X(CALIBRATE, "calibrate", 1, 0, "a calibration shot begins")	\
	X(RESULT, "result", 1, 1, "a shot's outcome")			\
	X(INTERRUPTED, "interrupted", 1, 0,				\
	    "a shot with no result (a restart, a deadline, a stop)")	\
	X(CALIBRATION, "calibration", 1, 1,				\
	    "a calibration shot's measurement and proposed levels")	\
	X(CAMERA, "camera", 0, 1, "the camera came, went, or is back")	\
	X(LAMPS, "lamps", 0, 1, "the lamps' interface came or went")	\
	X(FRAMING, "framing", 0, 1,					\
	    "a live-view frame's framing; done: live view ended")

enum proto_event {
#define PROTO_X_ENUM(n, s, j, b, h)	PROTO_EV_##n,
	PROTO_EVENTS(PROTO_X_ENUM)
#undef PROTO_X_ENUM
	PROTO_NEVENTS
};

/* The event names, indexed by enum proto_event. */
static const char *const proto_events[PROTO_NEVENTS] = {
#define PROTO_X_ROW(n, s, j, b, h)	[PROTO_EV_##n] = s,
	PROTO_EVENTS(PROTO_X_ROW)
#undef PROTO_X_ROW
};

#endif /* PROTO_H */
