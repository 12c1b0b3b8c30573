/*
 * store.h — the interface of store/ (prefix store_): what idphotod and
 * idphotoctl both read and write, and nothing else:
 *
 *   conf.c     the configuration file (libconfig), and the masking of
 *              ID numbers in logs;
 *   fsutil.c   folders, reading a whole file, the atomic write, listing
 *              a folder, SHA-256;
 *   journal.c  the append-only capture journal (JSON lines, fsync'd),
 *              its replay, and the time format of its events;
 *   resjson.c  a photo_result as JSON: the one result schema of the
 *              journal, the control socket and idphotoctl --json;
 *   roster.c   the stored roster (state_dir/roster.json);
 *   idtext.c   why an ID number is not valid (photo_id_err), in words;
 *   layout.c   every path under state_dir and output_dir;
 *   frame.c    the one process_frame(): a camera JPEG to its analysis and
 *              <ID>.jpg, for the daemon's worker and idphotoctl process;
 *   proto.h    the control protocol: every command, event and field by
 *              name, and the table of commands (a plain C header, for
 *              any client).
 *
 * The configuration is one plain struct with fixed-size buffers, so that
 * a reload can parse into a fresh struct and swap it in only when the
 * whole file parsed (OpenBSD style), and so that copies are cheap.
 */
#ifndef STORE_H
#define STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include <sys/types.h>

#include "drivers/cam.h"
#include "lighting/rig.h"
#include "photo/photo.h"
#include "store/proto.h"

#define STORE_VERSION		IDPHOTOD_VERSION	/* VERSION, via the Makefile */
#define STORE_DEFAULT_CONFIG	SYSCONFDIR "/idphotod/idphotod.conf"
#define STORE_DEFAULT_SOCKET	"/run/idphotod/idphotod.sock"
#define STORE_MAX_PHOTO		(256L << 20)	/* a larger file is no photo */

/* Marks a string for xgettext (keyword N_) where it is sent untranslated:
 * the daemon speaks English on its socket and idphotoctl translates. */
#ifndef N_
#define N_(s)	(s)
#endif

/* section roster { }: where the columns are, when not under the usual
 * headers ("" each: look for those) */
struct store_roster_conf {
	char	id[64];			/* roster.id_column */
	char	name[64];		/* roster.name_column */
	char	centre[64];		/* roster.centre_column */
	char	klass[64];		/* roster.class_column */
	char	encoding[16];		/* roster.encoding: auto, UTF-8, GBK */
};

/* web { }: the operator's page, served by idphoto-web (web/). */
struct store_web_conf {
	char	listen[128];		/* "127.0.0.1:8080" */
	char	password_hash[256];	/* idphoto-web --hash-password */
	char	page_dir[PATH_MAX];	/* the page's files; "": built in */
};

struct store_conf {
	photo_params photo;		/* section photo { } */
	char	output_dir[PATH_MAX];	/* output.dir: where <ID>.jpg go */
	char	state_dir[PATH_MAX];	/* output.state_dir: journal, archive */
	char	ext[8];			/* photo.file.extension (R-FILE-6) */
	char	socket[108];		/* station.socket (restart) */
	char	socket_group[64];	/* station.socket_group (restart) */
	struct cam_conf cam;		/* camera { } (restart) */
	char	pedal_device[PATH_MAX];	/* pedal.device (restart) */
	int	pedal_key;		/* pedal.key: EV_KEY code */
	int	pedal_debounce_ms;	/* pedal.debounce_ms */
	struct rig_conf rig;		/* lighting { } (driver, device,
					 * refresh_hz: restart) */
	struct store_roster_conf roster;	/* roster { } */
	struct store_web_conf web;	/* web { }: idphoto-web's (restart) */
};

/* Fills *c with the defaults documented in conf/idphotod.conf. */
void	store_conf_default(struct store_conf *c);
/*
 * The simulated drivers c runs (the demo's and the tests'), named into buf
 * as "camera, lamps, pedal" (a FIFO pedal counts). Returns how many; 0 is
 * a real station. A station says so wherever it reports its state.
 */
int	store_conf_simulated(const struct store_conf *c, char *buf,
	    size_t len);

/* A configuration file larger than this is refused unparsed. */
#define STORE_CONF_MAX	(64 * 1024)
/*
 * Parses path into *c, starting from the defaults: every key is
 * optional. Unknown keys and values out of range are errors. Returns 0,
 * or -1 with "file:line: what" in err; *c is then unspecified (parse
 * into a scratch struct and copy on success).
 */
int	store_conf_load(const char *path, struct store_conf *c, char *err,
	    size_t errlen);

/*
 * Writes an ID number with its middle masked ("110105********002X") for
 * logs: ID numbers are personal data. Short or odd input is masked
 * whole but for its first two characters.
 */
void	store_mask_id(const char *id, char *out, size_t outlen);

/*
 * Creates path and its missing parents with mode (like mkdir -p).
 * Returns 0 when path is a folder at the end, -1 with errno otherwise.
 */
int	store_mkdirs(const char *path, mode_t mode);

/*
 * The one atomic write: buf to a temporary file beside path (".<name>.
 * tmpXXXXXX"), exactly mode (0600 for personal data), fsync, rename over
 * path, fsync of the folder: a reader never sees half a file and a crash
 * leaves the old file or the new one. An existing path is replaced.
 * 0, or -1 with errno; the temporary file is gone either way.
 */
int	store_write_file(const char *path, const void *buf, size_t len,
	    mode_t mode);
/* The same, with check(tmp, arg) called on the written, fsync'd
 * temporary file before the rename: -1 from it refuses the write (path
 * unchanged, errno as check left it). */
int	store_write_file_checked(const char *path, const void *buf, size_t len,
	    mode_t mode, int (*check)(const char *tmp, void *arg), void *arg);
/* Removes the temporary files of atomic writes that a crash cut short,
 * in dir and, depth levels down, its visible subfolders; returns how
 * many. */
int	store_sweep_tmp(const char *dir, int depth);

/*
 * Reads the regular file path (at most max bytes) into a malloc'd buffer
 * that the caller frees; one NUL is added after the *len bytes, so text
 * can be used as a string. NULL with "path: why" in err.
 */
unsigned char *store_read_file(const char *path, size_t max, size_t *len,
	    char *err, size_t errlen);

/* A path into buf (PATH_MAX bytes); -1 with ENAMETOOLONG if it does not
 * fit. */
int	store_pathf(char *buf, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The visible entries of dir (no dot files), in name order, as
 * scandir(3) gives them: free each and the array. -1 with errno. */
struct dirent;
int	store_list_dir(const char *dir, struct dirent ***ents);

/* The SHA-256 of buf as 64 lower-case hex digits and a NUL; 0 or -1. */
int	store_sha256_hex(const void *buf, size_t len, char out[65]);

/*
 * A photo_result as a JSON object (the caller owns it): verdict, findings
 * and every measurement; path, when not NULL, as "file". The advice is
 * translated through gettext when translate is set, else left as the
 * English msgid (the daemon's journal and socket: the client translates).
 */
json_t	*store_result_json(const char *path, const photo_result *r,
	    int translate);
/*
 * The operator's override (idphotoctl accept --override): whether a
 * failed check may be overridden. Only appearance checks may (the
 * subject R-SUBJ-2..6, the background R-BG, the light R-LIGHT, the image
 * R-IQ): never the file (R-FILE, the ID number R-FILE-7 among them), the
 * geometry (R-GEO: there is no compliant crop to render), the resolution
 * (R-FLOW-2), nor a frame with no face (FACE_NONE, R-SUBJ-1).
 */
int	store_finding_overridable(const char *code, const char *req);
/* The failed findings of r: 1 when there is one or more and every one
 * may be overridden, else 0. */
int	store_result_overridable(const photo_result *r);
/* The same for a result as store_result_json made it: the codes of its
 * failed findings appended to codes (may be NULL), those that may not be
 * overridden to blocking (may be NULL) as {code, requirement}. */
int	store_result_json_overridable(json_t *result, json_t *codes,
	    json_t *blocking);
/* "ok"/"warn"/"fail" for a finding, "pass"/"warn"/"fail" for a verdict. */
/* s as a JSON string; text that is not valid UTF-8 (a file name made
 * elsewhere) keeps every valid character, and each other byte becomes
 * \xNN (a backslash \\), so that it is never dropped. Never NULL unless
 * out of memory. */
json_t	*store_json_text(const char *s);
const char *store_severity_word(int sev);
const char *store_verdict_word(int verdict);

/* ---- idtext.c: why an ID number is not valid, in words -------------
 * why as one sentence into buf: translated through gettext when
 * translate is set, else the English msgid (the daemon's socket, logs). */
void	store_id_error_text(const photo_id_err *why, int translate,
	    char *buf, size_t len);
/* Puts why on o, a BAD_ID refusal: the English sentence as its error and
 * the code with its values (PROTO_F_ID_*), for the client to word. */
void	store_id_error_put(json_t *o, const photo_id_err *why);
/* why read back from a reply; 0, or -1 when it carries none. */
int	store_id_error_get(json_t *o, photo_id_err *why);

/* Writes the roster to state_dir/roster.json, mode 0600, atomically. */
int	store_roster_save(const char *state_dir, json_t *roster, char *err,
	    size_t errlen);
/* The stored roster (the caller owns it), or NULL with err; errno is
 * ENOENT when none was imported. */
json_t	*store_roster_load(const char *state_dir, char *err, size_t errlen);

/* t (seconds since the epoch) as local ISO 8601 with the offset; "" for
 * no time. */
void	store_time_iso(double t, char *out, size_t len);
/* CLOCK_MONOTONIC in milliseconds: deadlines, back-offs, timeouts. */
long long store_now_ms(void);

/* ---- layout.c: where things are in the state and output folders ----
 * Each writes a path into buf (PATH_MAX bytes): 0, or -1 with
 * ENAMETOOLONG. id NULL: the folder itself. */
int	store_path_journal(char *buf, const char *state_dir);
int	store_path_roster(char *buf, const char *state_dir);
int	store_path_archive(char *buf, const char *state_dir, const char *id);
int	store_path_preview(char *buf, const char *state_dir, const char *id);
int	store_path_versions(char *buf, const char *output_dir);

/* ---- frame.c: the one process_frame() ------------------------------- */

enum { STORE_PASS, STORE_WARN, STORE_FAIL, STORE_ERROR };	/* outcomes */
enum { STORE_AT_DECODE = 1, STORE_AT_ANALYZE, STORE_AT_OUTPUT };

/* What to make of a frame. */
struct store_frame_job {
	const char *dir;	/* the output folder (made 0750 if missing) */
	const char *name;	/* <ID><ext> */
	int	replace;	/* an accepted photo may be replaced (moved to
				 * versions/ first) */
	int	analyze_only;	/* measure, write nothing (calibration) */
	/* called once the frame is analyzed (a preview, an annotation);
	 * NULL: nothing */
	void	(*analyzed)(photo_ctx *, photo_image *, const photo_result *,
		    void *);
	void	*arg;
	int	override;	/* the operator's override: a frame that fails
				 * only checks store_result_overridable()
				 * allows is rendered and saved too */
};

/* The photo written. */
struct store_output {
	char	path[PATH_MAX];		/* dir/<ID>.jpg; "": none */
	char	moved[PATH_MAX];	/* the earlier photo, in versions/ */
	int	quality;
	size_t	size;
	int	size_ok;		/* within R-FILE-5's bounds */
	char	sha256[65];
};

/* What came of it. */
struct store_frame {
	int	outcome;		/* STORE_PASS ... STORE_ERROR */
	int	failed_at;		/* STORE_AT_, with STORE_ERROR */
	int	analyzed;		/* r holds the analysis */
	photo_result r;
	struct store_output out;
	char	err[1024];		/* STORE_ERROR: why */
};

/*
 * Decodes and analyzes the camera JPEG (len bytes, borrowed), calls
 * fj->analyzed, and when the frame does not fail (and fj->analyze_only is
 * not set) renders and saves the photo into fj->dir. ctx must be
 * configured. 0 with f->outcome pass, warn or fail; -1 with STORE_ERROR,
 * f->failed_at and f->err.
 */
int	store_process_frame(photo_ctx *ctx, const void *jpeg, size_t len,
	    const struct store_frame_job *fj, struct store_frame *f);
/* "pass", "warn", "fail", "error" */
const char *store_outcome_word(int outcome);
/* The photo written, into a result object, in the one schema of the
 * journal, the socket and idphotoctl --json: output, quality, size,
 * size_ok, sha256, replaced. Nothing when no photo was written. */
void	store_frame_json(json_t *o, const struct store_output *out);

/* ---- journal.c: the capture journal --------------------------------- */
struct store_journal {
	int	fd;
	char	path[PATH_MAX];
};

/* Opens (creates, 0600) and locks the journal: -1 with errno, which is
 * EWOULDBLOCK when another process holds it. A torn last line is ended
 * first, and a "journal_repaired" event appended. */
int	store_journal_open(struct store_journal *j, const char *path);
/* Adds "time" to ev and appends it as one fsync'd line; -1 with errno. */
int	store_journal_append(struct store_journal *j, json_t *ev);
/*
 * Calls cb for each event in the file, oldest first, with only the
 * events that store_event_valid() accepts: a torn line (a crash while
 * writing) or any damaged one is skipped and counted in *torn. Returns
 * the number of events, or -1 with errno (a missing file is 0 events).
 */
int	store_journal_replay(const char *path, void (*cb)(json_t *, void *),
	    void *arg, int *torn);
/* A shot's seq in the journal is 1..STORE_SEQ_MAX; 0 is reserved (the
 * camera's own shutter) and is never journalled. */
#define STORE_SEQ_MAX	2147483647
/* 1 when every field a reader uses is well formed: "event" a string, "id"
 * printable ASCII (1..PHOTO_ID_LEN), "seq" an integer 1..STORE_SEQ_MAX (present on
 * shoot, calibrate, result, interrupted), a result's "outcome" one of
 * pass/warn/fail/error and its "output" a string. */
int	store_event_valid(json_t *ev);
/* 1 when ev is a result that gave the graduate a photo: outcome pass or
 * warn, with its output file. The one answer for every reader. */
int	store_event_accepted(json_t *ev);
void	store_journal_close(struct store_journal *j);

#endif /* STORE_H */
