/*
 * station.h — what the station's own files share, and nothing outside
 * them uses (the station's interface is in daemon/idphotod.h):
 *
 *   station.c    the state, its helpers, and the transitions: the pedal,
 *                frames and results from the threads, deadlines;
 *   recover.c    recovery after a crash or restart, from the journal;
 *   calibrate.c  the calibration shot and its proposal;
 *   request.c    the control socket's requests, routed by the protocol's
 *                table (store/proto.h).
 *
 * All of it runs on the main loop, which owns struct station.
 */
#ifndef STATION_H
#define STATION_H

#include <sys/stat.h>

#include "daemon/idphotod.h"

enum { ST_IDLE, ST_ARMED, ST_CAPTURING, ST_PROCESSING, ST_ACCEPTED,
    ST_REJECTED };

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
	int	frame_w, frame_h;	/* that shot's frame, oriented */
	long	camera_ms;	/* the last shot's trigger and download */
	size_t	frame_bytes;	/* and its JPEG's size; 0: none yet */
	long long deadline;	/* CLOCK_MONOTONIC ms: the end of the wait
				 * for the frame or the result; 0: none */
	int	framing_busy;	/* a live-view frame is with the worker */
	int	live_ended;	/* live view has ended: a framing still with
				 * the worker is not sent after its end */
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
	/* the roster (idphotoctl roster import), cached; re-read when
	 * inotify says roster.json changed */
	json_t	*roster;	/* NULL: none imported */
	int	inotify;	/* -1: none */
	int	roster_wd;	/* the watch on the state folder, or -1 */
	struct queue *done;	/* the main loop's completions, or NULL */
	int	histories;	/* history readers running */
	/* the operator's override (accept --override): the armed ID's last
	 * rejected shot, {id, seq, archive, checks: [codes], blocking:
	 * [{code, requirement}], overridden}, NULL: none (or a newer shot);
	 * and the override being rendered, {reason, checks, seq}, NULL:
	 * none */
	json_t	*rejected;
	json_t	*overriding;
	int	override_waited;	/* the station waits for overriding's
					 * result (0: none, or given up) */
	/* status's pedal and roster progress (request.c) */
	char	pedal_driver[8];	/* evdev, fifo, none */
	int	pedal_connected;
	json_t	*rejected_ids;	/* IDs with a result not accepted */
};

extern const char *const st_names[];	/* by ST_ */

/* station.c */
json_t	*st_ok(void);
json_t	*st_refuse(const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* the ID with its middle masked, for logs (store_mask_id) */
const char *st_masked(const char *id, char *buf, size_t len);
void	st_update_status(struct station *s);
/* Sets the state, follows it with the lamps, broadcasts it. */
void	st_set_state(struct station *s, int st, const char *note);
/* An operator-facing notice: broadcast and logged. */
void	st_notice(struct station *s, const char *code, const char *msg);
const char *st_pedal_ignored(const struct station *, const char **);
/* Journals ev (stolen). -1 when the journal cannot be written. */
int	st_journal(struct station *s, json_t *ev);
/* The graduate keyed in, from the roster, into o (name, centre...). */
void	st_add_who(struct station *s, json_t *o);
/* A shot (or with s->calibrating, a calibration shot) begins. */
void	st_shoot(struct station *s, const char *source);
/* Capturing or processing. */
int	st_busy(const struct station *s);

/* calibrate.c: the end of a calibration shot, r its result or NULL with
 * err saying why there is none. */
void	st_calibration_done(struct station *s, struct msg_result *r,
	    const char *err);
json_t	*st_req_calibrate(struct station *s, struct client *c, json_t *req);

/* station.c: the operator's override. The last rejected shot is r's
 * (kept in s->rejected; the result event ev gets "overridable"), or
 * ev from the journal (recover.c); st_req_accept starts rendering it. */
void	st_keep_rejected(struct station *s, json_t *ev);
void	st_drop_rejected(struct station *s);
json_t	*st_req_accept(struct station *s, struct client *c, json_t *req);

/* request.c */
json_t	*st_status_json(struct station *s);
/* id had a result that was not accepted (for the roster's progress). */
void	st_note_rejected(struct station *s, const char *id);
/* A history read off the main loop: the reply to its client. */
void	st_history_done(struct station *s, struct msg_history *m);

#endif /* STATION_H */
