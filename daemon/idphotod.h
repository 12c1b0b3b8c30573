/*
 * idphotod.h — the interface of daemon/, idphotod alone: the files of
 * the daemon and nothing idphotoctl links (what both share is in
 * store/store.h, idphotoctl's own code in ctl/):
 *
 *   log.c      log_warn/log_warnx/log_info/log_debug/fatal, to stderr
 *              with sd-daemon priority prefixes under systemd, to stderr
 *              on a terminal, to syslog otherwise;
 *   queue.c    a mutex-protected FIFO of intrusive nodes; a queue can
 *              write a wake-up byte to a pipe the main loop polls; the
 *              messages' constructors and destructors;
 *   camera.c   the camera thread: every cam_ call happens there;
 *   worker.c   the processing thread: archive, then store_process_frame;
 *   control.c  the control socket: clients, line-based JSON, events,
 *              replies that come later;
 *   station.c  the station's state machine, owned by the main loop, with
 *   recover.c  its recovery from the journal, calibrate.c its calibration
 *   calibrate.c shot and request.c its requests (daemon/station.h);
 *   request.c
 *   idphotod.c main(): set-up, the poll() loop's pass, teardown; signals,
 *              reload, systemd.
 *
 * Threads talk only through queues: the main loop pushes requests to the
 * camera's and the worker's queue and gets their completions back on one
 * queue whose wake-up pipe it polls.
 */
#ifndef IDPHOTOD_H
#define IDPHOTOD_H

#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "store/store.h"

/* ---- log.c ---------------------------------------------------------- */
void	log_init(int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* ---- queue.c -------------------------------------------------------- */
struct qnode {
	struct qnode *next;
	int	kind;		/* what the containing message is */
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct qnode *head, *tail;
	int	closed;
	int	wakefd;		/* write end of a pipe, or -1 */
};

void	queue_init(struct queue *q, int wakefd);
/* Appends n (the queue owns it until popped); wakes a waiter. */
void	queue_push(struct queue *q, struct qnode *n);
/* The oldest node, or NULL: waits for one up to wait_ms (-1: until one
 * comes; 0: not at all), and not at all once the queue is closed. */
struct qnode *queue_pop(struct queue *q, int wait_ms);
/* Makes every waiting and future blocking pop return NULL when empty. */
void	queue_close(struct queue *q);
int	queue_closed(struct queue *q);
void	queue_destroy(struct queue *q);

/* ---- messages between the threads ---------------------------------- */
enum {
	MSG_CAPTURE = 1,	/* main -> camera: take a frame */
	MSG_FRAME,		/* camera -> main: a frame, or why not */
	MSG_CAMSTATE,		/* camera -> main: connected, reconnecting, absent */
	MSG_JOB,		/* main -> worker: process a frame */
	MSG_RESULT,		/* worker -> main: the outcome */
	MSG_LIVEVIEW,		/* main -> camera: live view for a while */
	MSG_PREVIEW,		/* camera -> main: a live-view frame (msg_frame) */
	MSG_HISTORY		/* reader -> main: a client's history, read */
};

/* A history request, read off the main loop (request.c): the journal's
 * results and interruptions (of one ID, or all), the last 100. */
struct msg_history {
	struct qnode q;
	struct queue *done;	/* where it goes back to */
	unsigned long client;	/* control_client_id() */
	char	path[PATH_MAX];	/* the journal */
	char	id[PHOTO_ID_LEN + 1];	/* "": every ID */
	json_t	*list;		/* the events; NULL: err says why */
	char	err[PATH_MAX + 256];
};

struct msg_liveview {
	struct qnode q;
	int	seconds;	/* 0: stop */
	int	fps;		/* frames a second, at most */
};

struct msg_frame;
struct msg_result;

struct msg_capture {
	struct qnode q;
	struct msg_frame *reply;	/* allocated with the request: the
					 * camera fills and sends it */
	unsigned seq;
	double	light[2];	/* the lamps, left and right (cam_light) */
	int	settle_ms;	/* wait this long first: lamps still fading */
};

struct msg_frame {
	struct qnode q;
	unsigned seq;
	unsigned char *buf;	/* the camera's JPEG; NULL on error */
	size_t	len;
	char	name[256];	/* its name on the camera */
	char	err[512];
	long	camera_ms;	/* the capture: trigger and download */
};

/* The camera as the camera thread sees it (camera.c). */
enum cam_state { CAM_ABSENT, CAM_RECONNECTING, CAM_CONNECTED };
extern const char *const cam_state_names[];

struct msg_camstate {
	struct qnode q;
	enum cam_state state;
	char	text[512];	/* the camera, or why it is not there */
	char	info[2048];	/* connected: cam_info(), read just now */
};

struct msg_job {
	struct qnode q;
	struct msg_result *reply;	/* allocated with the job: the worker
					 * fills and sends it */
	unsigned seq;
	char	id[PHOTO_ID_LEN + 1];
	int	replace;	/* move an accepted photo to versions/ */
	unsigned char *buf;	/* owned by the job */
	size_t	len;
	char	camname[256];
	time_t	when;
	photo_params params;	/* the config at the time of the shot */
	char	ext[8];
	char	outdir[PATH_MAX];
	char	statedir[PATH_MAX];
	int	hold_ms;	/* fault injection (camera.sim.hold_ms): hold
				 * the job this long after archiving */
	int	archive_only;	/* a frame no shot waits for: keep it under
				 * archive/unassigned/ and that is all */
	int	calibrate;	/* a test shot: archive and analyze only */
	int	framing;	/* a live-view frame: the framing hints only */
	char	original[PATH_MAX];	/* the operator's override: the
					 * archived camera original to render
					 * again (buf is NULL; the worker
					 * reads it, archives nothing) */
};

/* A result's outcome: store_process_frame()'s */
enum { RES_PASS = STORE_PASS, RES_WARN = STORE_WARN, RES_FAIL = STORE_FAIL,
    RES_ERROR = STORE_ERROR };

struct msg_result {
	struct qnode q;
	unsigned seq;
	char	id[PHOTO_ID_LEN + 1];
	int	outcome;	/* RES_ */
	char	archive[PATH_MAX];	/* the camera original, kept */
	char	original_sha256[65];	/* of the camera original: the
					 * same frame under two IDs */
	char	preview[PATH_MAX];	/* the annotated frame */
	char	err[1024];	/* RES_ERROR: what went wrong */
	struct store_output out;	/* <ID>.jpg, when written; its
					 * sha256 lets the report find a file
					 * changed by hand */
	json_t	*result;	/* store_result_json(); NULL on early error */
	int	analyzed;	/* pr holds the frame's analysis */
	photo_result pr;	/* what the station reads (typed): the crop,
				 * the measurements */
	int	calibrate;	/* the job was a calibration shot */
	int	archive_only;	/* the job only kept a frame (unassigned) */
	int	framing;	/* the job was a live-view frame; result is
				 * {face, ready, hints} (worker.c) */
	int	override;	/* the job was an operator's override */
};

/* Frees a message of any kind with what it owns (queue.c: one
 * destructor per kind); accepts NULL. */
void	msg_free(struct qnode *n);
/* The messages that carry their answer: it is allocated here, so that
 * the answer can never fail to be made. fatal() when out of memory. */
struct msg_job *msg_job_new(void);

/* ---- camera.c ------------------------------------------------------- */
struct camthread;
struct camthread *camthread_start(const struct cam_conf *conf,
	    struct queue *done);
void	camthread_capture(struct camthread *t, unsigned seq,
	    const double light[2], int settle_ms);
/* Live view for seconds (0: stop) at fps frames a second at most: the
 * frames come back as MSG_PREVIEW, and one with buf NULL and err empty
 * says it ended. */
void	camthread_liveview(struct camthread *t, int seconds, int fps);
void	camthread_stop(struct camthread *t);

/* ---- worker.c ------------------------------------------------------- */
struct worker;
struct worker *worker_start(struct queue *done, const photo_params *p);
/* Hands the job to the worker, which frees it. */
void	worker_submit(struct worker *w, struct msg_job *job);
void	worker_stop(struct worker *w);

/* ---- control.c ------------------------------------------------------ */
struct client;
/* Handles one request; returns the response (stolen by the caller), or
 * NULL when the reply comes later through control_reply(). */
typedef json_t *(*control_fn)(struct client *c, json_t *req, void *arg);

int	control_listen(const char *path, const char *group, char *err,
	    size_t errlen);
void	control_init(int listenfd, control_fn fn, void *arg);
/* pollfds for the listening socket and each client; returns the count */
int	control_pollfds(struct pollfd *pfd, int max);
void	control_dispatch(struct pollfd *pfd, int n);
void	control_subscribe(struct client *c);
/* A client by a number that outlives it (for a reply that comes later),
 * and that reply: sent (resp not stolen) to the client if it is still
 * connected, naming cmd; -1 when it is gone. */
unsigned long control_client_id(const struct client *c);
int	control_reply(unsigned long id, const char *cmd, json_t *resp);
/* Sends ev (not stolen) to every subscribed client. */
void	control_broadcast(json_t *ev);
void	control_shutdown(void);

/* ---- station.c ------------------------------------------------------ */
struct station;
struct station *station_new(const struct store_conf *conf,
	    struct store_journal *j, struct camthread *ct, struct worker *w);
/* Rebuilds the accepted set and the last state from the journal. */
int	station_recover(struct station *s, const char *journal_path);
void	station_set_conf(struct station *s, const struct store_conf *conf);
/* The lamps follow the station's state from now on (r may be NULL). */
void	station_set_rig(struct station *s, rig *r);
/* Called by the main loop on each pass: reports the lamps' interface
 * coming and going. */
void	station_lamps(struct station *s);
json_t	*station_request(struct client *c, json_t *req, void *arg);
void	station_pedal(struct station *s, const char *source);
/* What status says about the pedal (request.c): driver "evdev", "fifo"
 * (simulated) or "none", and whether its device is open. */
void	station_set_pedal(struct station *s, const char *driver,
	    int connected);
/* Takes n (frees it). */
void	station_completion(struct station *s, struct qnode *n);
/* The roster's change notifications: the main loop polls the fd (-1:
 * none) and calls station_roster_event when it is readable. */
int	station_roster_fd(const struct station *s);
void	station_roster_event(struct station *s);
/* On each pass of the main loop, now being CLOCK_MONOTONIC in ms: gives
 * up a shot past its deadline. */
void	station_tick(struct station *s, long long now);
void	station_set_worker(struct station *s, struct worker *w);
/* The main loop's completion queue, for the work the station hands to
 * threads of its own (history); NULL: none, and history is refused. */
void	station_set_done(struct station *s, struct queue *done);
/* How many of those are still out (they push to done when finished). */
int	station_pending(const struct station *s);
const char *station_status_line(const struct station *s);
/* What history requests are being read: at most this many at once. */
#define STATION_MAX_HISTORY	2
/* Set by the main loop: how to reload, and the file a reload reads
 * (NULL: none; calibration tells idphotoctl which file to edit). */
void	station_on_reload(struct station *s, int (*fn)(char *, size_t),
	    const char *path);
void	station_free(struct station *s);

#endif /* IDPHOTOD_H */
