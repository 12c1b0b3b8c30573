/*
 * ctl.h — the interface of the daemon/ module (prefix ctl_): what
 * idphotod and idphotoctl share: the configuration file, the masking of
 * ID numbers in logs, and creating folders.
 *
 * The configuration is one plain struct with fixed-size buffers, so that
 * a reload can parse into a fresh struct and swap it in only when the
 * whole file parsed (OpenBSD style), and so that copies are cheap.
 */
#ifndef CTL_H
#define CTL_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include <sys/types.h>

#include "drivers/cam.h"
#include "lighting/rig.h"
#include "photo/photo.h"

#define CTL_VERSION		"0.1"
#define CTL_DEFAULT_CONFIG	SYSCONFDIR "/idphotod/idphotod.conf"
#define CTL_DEFAULT_SOCKET	"/run/idphotod/idphotod.sock"
#define CTL_MAX_LINE		65536	/* a control message, bytes */
#define CTL_MAX_PHOTO		(256L << 20)	/* a larger file is no photo */

/* Marks a string for xgettext (keyword N_) where it is sent untranslated:
 * the daemon speaks English on its socket and idphotoctl translates. */
#ifndef N_
#define N_(s)	(s)
#endif

/* section roster { }: where the columns are, when not under the usual
 * headers ("" each: look for those) */
struct ctl_roster_conf {
	char	id[64];			/* roster.id_column */
	char	name[64];		/* roster.name_column */
	char	centre[64];		/* roster.centre_column */
	char	klass[64];		/* roster.class_column */
	char	encoding[16];		/* roster.encoding: auto, UTF-8, GBK */
};

struct ctl_conf {
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
	struct ctl_roster_conf roster;	/* roster { } */
};

/* Fills *c with the defaults documented in conf/idphotod.conf. */
void	ctl_conf_default(struct ctl_conf *c);

/*
 * Parses path into *c, starting from the defaults: every key is
 * optional. Unknown keys and values out of range are errors. Returns 0,
 * or -1 with "file:line: what" in err; *c is then unspecified (parse
 * into a scratch struct and copy on success).
 */
int	ctl_conf_load(const char *path, struct ctl_conf *c, char *err,
	    size_t errlen);

/*
 * Writes calibrated lamp levels (levels[i] for lighting.lamps[i], n lamps)
 * into the configuration file at path, keeping everything else byte for
 * byte, comments included; the file is replaced atomically (mode kept)
 * and only when it loads back with exactly those levels. diff gets the
 * changed lines ("-N: old" / "+N: new"); with dry_run nothing is
 * written. 0, or -1 with err.
 */
int	ctl_conf_set_levels(const char *path, const double *levels, int n,
	    int dry_run, char *diff, size_t difflen, char *err, size_t errlen);

/*
 * Writes an ID number with its middle masked ("110105********002X") for
 * logs: ID numbers are personal data. Short or odd input is masked
 * whole but for its first two characters.
 */
void	ctl_mask_id(const char *id, char *out, size_t outlen);

/*
 * Creates path and its missing parents with mode (like mkdir -p).
 * Returns 0 when path is a folder at the end, -1 with errno otherwise.
 */
int	ctl_mkdirs(const char *path, mode_t mode);

/*
 * Writes buf to path through path.tmp and a rename, so that a reader
 * never sees half a file; an existing path is replaced. The file gets
 * exactly mode (0600 for personal data). 0, or -1 with errno.
 */
int	ctl_write_file(const char *path, const void *buf, size_t len,
	    mode_t mode);

/*
 * Reads the regular file path (at most max bytes) into a malloc'd buffer
 * that the caller frees; one NUL is added after the *len bytes, so text
 * can be used as a string. NULL with "path: why" in err.
 */
unsigned char *ctl_read_file(const char *path, size_t max, size_t *len,
	    char *err, size_t errlen);

/* A path into buf (PATH_MAX bytes); -1 with ENAMETOOLONG if it does not
 * fit. */
int	ctl_pathf(char *buf, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The visible entries of dir (no dot files), in name order, as
 * scandir(3) gives them: free each and the array. -1 with errno. */
struct dirent;
int	ctl_list_dir(const char *dir, struct dirent ***ents);

/* The SHA-256 of buf as 64 lower-case hex digits and a NUL; 0 or -1. */
int	ctl_sha256_hex(const void *buf, size_t len, char out[65]);

/*
 * A photo_result as a JSON object (the caller owns it): verdict, findings
 * and every measurement; path, when not NULL, as "file". The advice is
 * translated through gettext when translate is set, else left as the
 * English msgid (the daemon's journal and socket: the client translates).
 */
json_t	*ctl_result_json(const char *path, const photo_result *r,
	    int translate);
/* "ok"/"warn"/"fail" for a finding, "pass"/"warn"/"fail" for a verdict. */
const char *ctl_severity_word(int sev);
const char *ctl_verdict_word(int verdict);

/* Prints o and a newline to stdout and flushes, as json_dumps formats
 * it with flags (JSON_COMPACT: one line per object; JSON_INDENT(2)). */
void	ctl_print_json(json_t *o, size_t flags);

/* ---- roster.c: the list of graduates (R-FLOW-1) ---------------------- */

/*
 * Reads the roster CSV at path: UTF-8 (with or without a BOM), UTF-16
 * with a BOM, or GBK/GB18030; encoding (NULL: rc->encoding) is "auto" or
 * an iconv name. The header row names the columns (rc, else the usual
 * Chinese and English headers). Every row's ID is validated (R-FILE-7);
 * duplicate IDs, and the same name with another ID unless same_name_ok,
 * are problems. Each problem is appended to the array problems as
 * {"line": n, "error": "..."}; with any, nothing is returned (NULL, and
 * err says how many). Otherwise the roster, which the caller owns:
 * {"source", "encoding", "imported", "entries": {ID: {"name", "centre",
 * "class", "line"}}}.
 */
json_t	*ctl_roster_parse(const char *path, const struct ctl_roster_conf *rc,
	    const char *encoding, int same_name_ok, photo_ctx *ctx,
	    json_t *problems, char *err, size_t errlen);
/* Writes the roster to state_dir/roster.json, mode 0600, atomically. */
int	ctl_roster_save(const char *state_dir, json_t *roster, char *err,
	    size_t errlen);
/* The stored roster (the caller owns it), or NULL with err; errno is
 * ENOENT when none was imported. */
json_t	*ctl_roster_load(const char *state_dir, char *err, size_t errlen);

/* ---- report.c, export.c, purge.c: the batch (R-FLOW-1..3) ----------- */

/*
 * The reconciliation of roster (from ctl_roster_load) with the journal
 * and the output folder; ctx must be configured with c->photo, for the
 * re-check of every file. The caller owns the result:
 *   {"roster": {"source", "imported", "count"}, "output_dir",
 *    "entries": [{"id", "name", "centre", "class", "line", "status",
 *                 "attempts", "captured", "file", "size", "quality",
 *                 "sha256", "verdict", "checks": [codes], "error",
 *                 "note"}],
 *    "extra": [{"file", "id", "reason"}], "counts": {status: n},
 *    "problems": n, "complete": bool}
 * status: "ok" (a photo that passes the check, the one accepted),
 * "missing" (never photographed), "rejected" (failed attempts only),
 * "lost" (accepted, but the file is gone), "fails" (the file fails the
 * check or cannot be read), "changed" (the file is not the one the
 * station wrote). NULL with err when the journal cannot be read.
 */
json_t	*ctl_report(const struct ctl_conf *c, photo_ctx *ctx, json_t *roster,
	    char *err, size_t errlen);
/* One CSV row of n fields (quoted by libcsv; NULL or "" is empty). */
void	ctl_csv_row(FILE *f, const char *const *v, int n);
/* Writes the report as CSV (one row per entry, then the extra files). */
void	ctl_report_csv(json_t *report, FILE *f);
/* t (seconds since the epoch) as local ISO 8601 with the offset; "" for
 * no time. */
void	ctl_time_iso(double t, char *out, size_t len);

/*
 * Writes the zip at out (which must not exist): every "ok" photo of
 * report as <ID>.jpg, manifest.csv (ID, name, size, quality, SHA-256,
 * capture time) and report.csv. Each photo is read again and must still
 * have the SHA-256 the report saw. With problems in report and no
 * allow_missing, nothing is written. Returns the number of photos, or
 * -1 with err.
 */
int	ctl_export(json_t *report, const char *out, int allow_missing,
	    char *err, size_t errlen);

/*
 * Removes a finished batch: every ID whose last journal event is before
 * `before` loses its journal events, camera originals (archive/<ID>/),
 * <ID>.jpg, versions and preview; events without an ID before `before`
 * and calibration shots of then go too, and the roster if it was
 * imported before. Refuses while idphotod holds the journal. Each
 * removed path (and "journal: n events") is appended to removed; with
 * dry_run nothing is removed. 0, or -1 with err.
 */
int	ctl_purge(const struct ctl_conf *c, time_t before, int dry_run,
	    json_t *removed, char *err, size_t errlen);

/* idphotoctl's options for the batch commands. */
struct ctl_batch_opts {
	int	json;		/* --json */
	int	csv;		/* report: --csv */
	int	allow_missing;	/* export: --allow-missing */
	int	same_name_ok;	/* roster import: --allow-same-name */
	int	dry_run;	/* purge: --dry-run */
	const char *out;	/* export: --out FILE.zip */
	const char *encoding;	/* roster import: --encoding */
	const char *before;	/* purge: --before YYYY-MM-DD */
};

/*
 * idphotoctl's batch commands (roster import|show, report, export,
 * purge), which read and write the state folder directly. Returns the
 * exit status: 0 done (report: the set is complete), 1 problems found or
 * refused, 2 usage error.
 */
int	ctl_batch(const struct ctl_conf *c, photo_ctx *ctx, const char *cmd,
	    int argc, char **argv, const struct ctl_batch_opts *o);

/* idphotoctl's options that the online commands use. */
struct ctl_opts {
	int	json;		/* --json */
	int	replace;	/* id, retake: --replace */
	int	apply;		/* calibrate: --apply */
	double	lightness;	/* calibrate: --lightness L* (0: keep) */
	const char *config;	/* calibrate: -c, the file to write */
};

/*
 * idphotoctl's online commands (status, id, shoot, retake, cancel,
 * subscribe, reload, history, calibrate, console) against the daemon at
 * sock. Returns the exit status: 0 done, 1 refused or unreachable, 2
 * usage.
 */
int	ctl_online(const char *sock, const char *cmd, int argc, char **argv,
	    const struct ctl_opts *o);

#endif /* CTL_H */
