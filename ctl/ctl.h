/*
 * ctl.h — the interface of ctl/ (prefix ctl_), idphotoctl's code and
 * nothing the daemon links: editing the configuration (confedit.c), JSON
 * output (print.c), the roster import (roster.c), the batch commands
 * (batch.c, report.c, export.c, purge.c) and the online commands
 * (online.c). What idphotoctl shares with idphotod is in store/store.h.
 */
#ifndef CTL_H
#define CTL_H

#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "store/store.h"

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

/* Prints o and a newline to stdout and flushes, as json_dumps formats
 * it with flags (JSON_COMPACT: one line per object; JSON_INDENT(2)). */
void	ctl_print_json(json_t *o, size_t flags);
/* The same to f (a buffer of check's, say). */
void	ctl_fprint_json(FILE *f, json_t *o, size_t flags);

/* ---- check.c: the offline check, and the printers process shares ----- */

struct ctl_check_opts {
	int	json;		/* one object per file */
	int	quiet;		/* failures only */
	int	verbose;	/* every measurement and finding */
	const char *annotate;	/* a folder for <name>.annotated.jpg, or NULL */
};

/*
 * `idphotoctl check PATH...`: every file, or every photo in each folder
 * (name order; other files are skipped and named), checked against the
 * spec on ctx's parameters, one worker per processor; the output is in
 * list order, then (without json) the summary line. 0 when every photo
 * passed (warnings allowed), 1 otherwise.
 */
int	ctl_check(photo_ctx *ctx, const struct ctl_check_opts *o, int argc,
	    char **argv);
/* A result's findings (severity, requirement, code, value, limit and the
 * advice in words) and its measurements, for people. */
void	ctl_print_findings(FILE *f, const photo_result *r);
void	ctl_print_metrics(FILE *f, const photo_result *r);
/* A file that could not be read or decoded at all: a FAIL line, or with
 * json the {"file", "verdict": "error", "error"} object. */
void	ctl_print_error(FILE *f, int json, const char *path, const char *msg);
/* photo_annotate() written to path; errors go to stderr. 0 or -1. */
int	ctl_annotate(photo_ctx *ctx, photo_image *im, const photo_result *r,
	    const char *path);

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
json_t	*ctl_roster_parse(const char *path, const struct store_roster_conf *rc,
	    const char *encoding, int same_name_ok, photo_ctx *ctx,
	    json_t *problems, char *err, size_t errlen);
/* ---- report.c, export.c, purge.c: the batch (R-FLOW-1..3) ----------- */

/*
 * The reconciliation of roster (from store_roster_load) with the journal
 * and the output folder; ctx must be configured with c->photo, for the
 * re-check of every file. The caller owns the result:
 *   {"roster": {"source", "imported", "count"}, "output_dir",
 *    "entries": [{"id", "name", "centre", "class", "line", "status",
 *                 "attempts", "captured", "file", "size", "quality",
 *                 "sha256", "verdict", "checks": [codes], "error",
 *                 "note", "override": {"reason", "checks", "seq"}}],
 *    "extra": [{"file", "id", "reason"}], "counts": {status: n},
 *    "problems": n, "complete": bool}
 * status: "ok" (a photo that passes the check, the one accepted),
 * "missing" (never photographed), "rejected" (failed attempts only),
 * "lost" (accepted, but the file is gone), "fails" (the file fails the
 * check or cannot be read), "changed" (the file is not the one the
 * station wrote). A photo the operator accepted over appearance checks
 * (accept --override) is "ok" with "override" and the note "accepted by
 * the operator: REASON". NULL with err when the journal cannot be read.
 */
json_t	*ctl_report(const struct store_conf *c, photo_ctx *ctx, json_t *roster,
	    char *err, size_t errlen);
/* One CSV row of n fields (quoted by libcsv; NULL or "" is empty). */
void	ctl_csv_row(FILE *f, const char *const *v, int n);
/* Writes the report as CSV (one row per entry, then the extra files). */
void	ctl_report_csv(json_t *report, FILE *f);

/*
 * Writes the zip at out (which must not exist): every "ok" photo of
 * report as <ID>.jpg, manifest.csv (ID, name, size, quality, SHA-256,
 * capture time, and "accepted by the operator: REASON" for an override)
 * and report.csv. Each photo is read again and must still
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
int	ctl_purge(const struct store_conf *c, time_t before, int dry_run,
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
int	ctl_batch(const struct store_conf *c, photo_ctx *ctx, const char *cmd,
	    int argc, char **argv, const struct ctl_batch_opts *o);

/* idphotoctl's options that the online commands use. */
struct ctl_opts {
	int	json;		/* --json */
	int	replace;	/* id, retake: --replace */
	int	apply;		/* calibrate: --apply */
	double	lightness;	/* calibrate: --lightness L* (0: keep) */
	const char *config;	/* calibrate: -c, the file to write */
	const char *override;	/* accept: --override REASON */
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
