/*
 * idphotoctl — the command-line client of the idphotod station.
 *
 * The offline modes run the photo/ library directly, with no daemon:
 *   process  a camera JPEG -> <ID>.jpg, or the reasons it cannot be made;
 *   check    photos made elsewhere (files or folders) against the spec,
 *            so that a learning centre can check a set before uploading
 *            (check.c, which also prints a result for process).
 * Output is a table for people or JSON (--json) for tools; every
 * measurement is printed, not only the failures, so thresholds can be
 * tuned from data. Sentences for the operator come from the library's
 * findings and are translated through gettext (domain "idphotod").
 *
 * Exit status: 0 all good (warnings allowed), 1 a photo failed or could
 * not be made, 2 usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "photo/photo.h"

#define _(s)		gettext(s)

static const char *progname = "idphotoctl";

struct opts {
	const char *config;
	const char *id;
	const char *outdir;
	const char *annotate;
	int	json;
	int	replace;
	int	quiet;
	int	verbose;	/* check, process: every measurement */
	const char *socket;
	int	apply;
	double	lightness;
	const char *override;	/* accept --override REASON */
	struct ctl_batch_opts batch;
};

static void
usage(FILE *f)
{
	fprintf(f, _(
"usage: %s [-c config] process --id ID [-o DIR] [--replace] [--annotate FILE]\n"
"                     [--json] PHOTO.jpg\n"
"       %s [-c config] check [--json] [--annotate DIR] PATH...\n"
"       %s [-c config] [-s socket] [--json] status | shoot | cancel | reload\n"
"                     | subscribe | console | camera | liveview [SECONDS]\n"
"                     | id [--replace] ID\n"
"                     | retake [--replace] | history [ID]\n"
"                     | calibrate [--apply] [--lightness L]\n"
"                     | accept --override REASON\n"
"       %s [-c config] roster import [--encoding ENC] [--allow-same-name]\n"
"                     [--dry-run] FILE.csv | roster show [--json]\n"
"       %s [-c config] report [--csv | --json]\n"
"       %s [-c config] export --out FILE.zip [--allow-missing]\n"
"       %s [-c config] purge --before YYYY-MM-DD [--dry-run]\n"
"       %s --help | --version\n"
"\n"
"  process   crop, scale and encode a camera JPEG into DIR/<ID>.jpg (480x640,\n"
"            300 dpi, quality >= 60, 30-50 KB), or print why it cannot:\n"
"            geometry, light, focus, eyes, pose, clothing, background\n"
"  check     check finished photos (files, or the JPEGs in folders) against\n"
"            the spec: format, size, name (ID number), added text or\n"
"            borders, and the same checks of the face and background\n"
"\n"
"  Online (talking to idphotod):\n"
"  status    the station's state, the camera, the counts, the last result\n"
"  id ID     key in the graduate's ID (--replace: confirm replacing an\n"
"            accepted photo, which is kept in versions/)\n"
"  shoot     the software pedal          retake   shoot the same ID again\n"
"  cancel    forget the keyed-in ID      reload   re-read the configuration\n"
"  subscribe print the station's events as they happen\n"
"  history   the results journalled, for one ID or all (the last 100)\n"
"  camera    the camera's state and what it reads back: model, port,\n"
"            battery, capture target, image format, exposure settings\n"
"  liveview  live view for SECONDS (default 60; 0 stops it): each frame's\n"
"            framing (centre, move up, step back) before the pedal\n"
"  console   the operator's terminal: type or scan IDs, Enter shoots\n"
"  calibrate a test shot of the seated subject (or a grey card): the lamps'\n"
"            left/right balance and the face lightness, and the levels that\n"
"            would correct them as a config diff; --apply writes them into\n"
"            the config file (comments kept) and reloads; --lightness L also\n"
"            aims the face at lightness L* (default: keep it)\n"
"  accept    the operator's override: accept the keyed-in graduate's last\n"
"            rejected frame anyway, when only appearance checks failed\n"
"            (face, eyes, mouth, background, light, focus; never the\n"
"            file, the geometry or the ID); the reason is journalled and\n"
"            the report marks the photo \"accepted by the operator\"\n"
"\n"
"  The batch (the state folder; run as the station's user):\n"
"  roster    import the list of graduates from CSV (UTF-8, GBK or UTF-16;\n"
"            columns by header: 身份证号, 姓名, 学习中心, 班级); every row\n"
"            is checked and any problem imports nothing; show lists it\n"
"  report    every graduate's status (ok, missing, rejected, lost, fails,\n"
"            changed) and the extra files, each photo re-checked; exit 0\n"
"            only when the set is complete (R-FLOW-1)\n"
"  export    the photos as <ID>.jpg plus manifest.csv and report.csv in\n"
"            one zip for the academic system's import; refused while the\n"
"            set is incomplete, unless --allow-missing\n"
"  purge     remove the graduates finished before DATE: journal entries,\n"
"            camera originals, photos, previews, and the roster\n"
"\n"
"  -c, --config FILE   configuration (default %s, if it exists)\n"
"  -o, --out DIR       where process writes <ID>.jpg (default: the config's\n"
"                      output.dir, else the current directory); export:\n"
"                      the zip to write (it must not exist)\n"
"      --id ID         the graduate's 18-character resident ID number\n"
"      --replace       move an existing <ID>.jpg into DIR/versions/ first\n"
"      --annotate P    write a picture of what was measured (process: a file;\n"
"                      check: a folder for <name>.annotated.jpg)\n"
"      --json          JSON output (check: one object per line)\n"
"  -q, --quiet         print failures only\n"
"  -v, --verbose       check, process: every measurement and finding\n"
"      --apply         calibrate: write the proposed levels and reload\n"
"      --lightness L   calibrate: the face lightness (L*) to aim for\n"
"      --override REASON  accept: the operator's reason (one line, 1-500 bytes)\n"
"      --encoding ENC  roster import: auto (default), UTF-8, GBK, GB18030\n"
"      --allow-same-name  roster import: two graduates share a name\n"
"      --dry-run       roster import: check only; purge: list only\n"
"      --csv           report: CSV\n"
"      --allow-missing export: without the graduates who lack a good photo\n"
"      --before DATE   purge: graduates whose last event is before DATE\n"
"  -s, --socket PATH   idphotod's socket (default: $IDPHOTOD_SOCKET, else the\n"
"                      config's station.socket)\n"
"\n"
"Exit status: 0 good, 1 a photo failed or could not be made (online: the\n"
"daemon refused or cannot be reached; report: the set is not complete),\n"
"2 usage error.\n"),
	    progname, progname, progname, progname, progname, progname,
	    progname, progname, STORE_DEFAULT_CONFIG);
}

/* store_process_frame's hook: --annotate. */
static void
annotate_hook(photo_ctx *ctx, photo_image *im, const photo_result *r,
    void *arg)
{
	ctl_annotate(ctx, im, r, arg);
}

/* process: store_process_frame(), the same as the daemon's worker. */
static int
cmd_process(photo_ctx *ctx, const struct store_conf *conf,
    const struct opts *o, const char *path)
{
	char id[PHOTO_ID_LEN + 1], name[PHOTO_ID_LEN + 16], err[512];
	photo_id_err why;
	const char *dir = o->outdir ? o->outdir :
	    conf->output_dir[0] ? conf->output_dir : ".";
	struct store_frame_job fj = { dir, name, o->replace, 0,
	    o->annotate ? annotate_hook : NULL, (void *)o->annotate, 0 };
	struct store_frame *f = NULL;
	unsigned char *buf = NULL;
	json_t *j;
	size_t len;
	int rc = 1;

	if (photo_id_check(ctx, o->id, id, 0, &why) == -1) {
		store_id_error_text(&why, 1, err, sizeof(err));
		fprintf(stderr, "%s: %s\n", progname, err);
		return 1;
	}
	if ((buf = store_read_file(path, STORE_MAX_PHOTO, &len, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, err);
		if (o->json)	/* a bad file is a line of the output too */
			ctl_print_error(stdout, o->json, path, err);
		goto done;
	}
	if ((f = malloc(sizeof(*f))) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
		if (o->json)
			ctl_print_error(stdout, o->json, path,
			    strerror(ENOMEM));
		goto done;
	}
	snprintf(name, sizeof(name), "%s%s", id, conf->ext);
	if (store_process_frame(ctx, buf, len, &fj, f) == -1) {
		if (f->failed_at == STORE_AT_OUTPUT)
			fprintf(stderr, "%s: %s\n", progname, f->err);
		else
			fprintf(stderr, "%s: %s: %s\n", progname, path, f->err);
		if (!f->analyzed) {
			if (o->json)	/* the --json error object */
				ctl_print_error(stdout, o->json, path, f->err);
			goto done;
		}
	}
	rc = f->out.path[0] != '\0' ? 0 : 1;
	if (o->json) {	/* the schema of the daemon's result event */
		j = store_result_json(path, &f->r, 1);
		json_object_set_new(j, "id", json_string(id));
		json_object_set_new(j, "outcome", json_string(
		    store_outcome_word(f->outcome)));
		if (f->outcome == STORE_ERROR)
			json_object_set_new(j, "error", json_string(f->err));
		store_frame_json(j, &f->out);
		ctl_print_json(j, JSON_COMPACT);
		json_decref(j);
	} else {
		printf("%s %s\n", rc == 0 ? (f->r.verdict == PHOTO_WARN ?
		    "WARN" : "PASS") : "FAIL", path);
		if (o->verbose)
			ctl_print_metrics(stdout, &f->r);
		ctl_print_findings(stdout, &f->r);
		if (rc == 0) {
			printf(_("  wrote %s/%s: quality %d, %zu bytes\n"), dir,
			    name, f->out.quality, f->out.size);
			if (f->out.moved[0])
				printf(_("  the earlier photo was moved to "
				    "%s\n"), f->out.moved);
		}
	}
	if (rc == 0 && !f->out.size_ok)
		fprintf(stderr, _("%s: R-FILE-5: %zu bytes is outside %ld-%ld "
		    "even at quality %d; the file was written and says so\n"),
		    progname, f->out.size, conf->photo.size_min,
		    conf->photo.size_max, f->out.quality);
done:
	free(f);
	free(buf);
	return rc;
}

/*
 * Where the catalogues are: a locale/ folder beside the program (the
 * build's build/locale, for build/idphotoctl and make run), else the
 * LOCALEDIR compiled in (an installed idphotoctl). $IDPHOTOD_LOCALEDIR
 * overrides both. The result is static.
 */
static const char *
locale_dir(void)
{
	static char dir[PATH_MAX];
	struct stat st;
	ssize_t n;
	char *slash;

	if ((n = readlink("/proc/self/exe", dir, sizeof(dir) - 8)) <= 0)
		return LOCALEDIR;
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		return LOCALEDIR;
	strcpy(slash + 1, "locale");
	if (strcmp(dir, LOCALEDIR) != 0 && stat(dir, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return dir;
	return LOCALEDIR;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",   required_argument, NULL, 'c' },
		{ "out",      required_argument, NULL, 'o' },
		{ "id",       required_argument, NULL, 'i' },
		{ "annotate", required_argument, NULL, 'a' },
		{ "json",     no_argument,       NULL, 'j' },
		{ "replace",  no_argument,       NULL, 'r' },
		{ "quiet",    no_argument,       NULL, 'q' },
		{ "verbose",  no_argument,       NULL, 'v' },
		{ "help",     no_argument,       NULL, 'h' },
		{ "version",  no_argument,       NULL, 'V' },
		{ "socket",   required_argument, NULL, 's' },
		{ "apply",    no_argument,       NULL, 'A' },
		{ "lightness", required_argument, NULL, 'L' },
		{ "csv",      no_argument,       NULL, 'C' },
		{ "allow-missing", no_argument,  NULL, 'M' },
		{ "allow-same-name", no_argument, NULL, 'N' },
		{ "dry-run",  no_argument,       NULL, 'n' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "before",   required_argument, NULL, 'B' },
		{ "override", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { 0 };
	struct store_conf *conf = NULL;
	photo_ctx *ctx = NULL;
	const char *cmd, *ldir, *user_config;
	char err[1024];
	struct stat st;
	char *end;
	int ch, rc = 2;

	setlocale(LC_ALL, "");
	ldir = getenv("IDPHOTOD_LOCALEDIR");
	bindtextdomain("idphotod", ldir && ldir[0] ? ldir : locale_dir());
	textdomain("idphotod");

	/* GNU getopt permutes: options may come before or after the
	 * command and its operands */
	while ((ch = getopt_long(argc, argv, "c:o:s:qvhV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c': o.config = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'i': o.id = optarg; break;
		case 'a': o.annotate = optarg; break;
		case 'j': o.json = 1; break;
		case 'r': o.replace = 1; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case 's': o.socket = optarg; break;
		case 'A': o.apply = 1; break;
		case 'C': o.batch.csv = 1; break;
		case 'M': o.batch.allow_missing = 1; break;
		case 'N': o.batch.same_name_ok = 1; break;
		case 'n': o.batch.dry_run = 1; break;
		case 'E': o.batch.encoding = optarg; break;
		case 'B': o.batch.before = optarg; break;
		case 'O': o.override = optarg; break;
		case 'L':
			o.lightness = strtod(optarg, &end);
			if (*end != '\0' || o.lightness < 10 ||
			    o.lightness > 95) {
				fprintf(stderr, _("%s: --lightness must be an L* "
				    "between 10 and 95\n"), progname);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("idphotoctl " STORE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if ((conf = malloc(sizeof(*conf))) == NULL ||
	    (ctx = photo_create()) == NULL) {
		fprintf(stderr, "%s: %s\n", progname, strerror(ENOMEM));
		goto done;
	}
	store_conf_default(conf);
	user_config = o.config;
	if (o.config == NULL && stat(STORE_DEFAULT_CONFIG, &st) == 0)
		o.config = STORE_DEFAULT_CONFIG;
	if (o.config != NULL &&
	    store_conf_load(o.config, conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		goto done;
	}
	if (strcmp(cmd, "roster") == 0 || strcmp(cmd, "report") == 0 ||
	    strcmp(cmd, "export") == 0 || strcmp(cmd, "purge") == 0) {
		o.batch.json = o.json;
		o.batch.out = o.outdir;
		if (photo_configure(ctx, &conf->photo) == -1) {
			fprintf(stderr, "%s: %s\n", progname, photo_error(ctx));
			goto done;
		}
		rc = ctl_batch(conf, ctx, cmd, argc, argv, &o.batch);
		goto done;
	}
	if (strcmp(cmd, "process") != 0 && strcmp(cmd, "check") != 0) {
		const char *sock = o.socket ? o.socket :
		    getenv("IDPHOTOD_SOCKET") ? getenv("IDPHOTOD_SOCKET") :
		    conf->socket;

		struct ctl_opts co = { o.json, o.replace, o.apply,
		    o.lightness, user_config, o.override };

		rc = ctl_online(sock, cmd, argc, argv, &co);
		goto done;
	}
	if (photo_configure(ctx, &conf->photo) == -1) {
		fprintf(stderr, "%s: %s\n", progname, photo_error(ctx));
		goto done;
	}
	if (strcmp(cmd, "process") == 0) {
		if (o.id == NULL || argc != 1) {
			fprintf(stderr, _("%s: process needs --id ID and one "
			    "photo\n"), progname);
			usage(stderr);
			goto done;
		}
		rc = cmd_process(ctx, conf, &o, argv[0]);
	} else if (strcmp(cmd, "check") == 0) {
		if (argc < 1) {
			fprintf(stderr, _("%s: check needs files or folders\n"),
			    progname);
			goto done;
		}
		if (o.annotate != NULL && (stat(o.annotate, &st) == -1 ||
		    !S_ISDIR(st.st_mode))) {
			fprintf(stderr, _("%s: --annotate %s: not a folder\n"),
			    progname, o.annotate);
			goto done;
		}
		struct ctl_check_opts co = { o.json, o.quiet, o.verbose,
		    o.annotate };

		rc = ctl_check(ctx, &co, argc, argv);
	} else {
		fprintf(stderr, _("%s: unknown command %s\n"), progname, cmd);
		usage(stderr);
	}
done:
	photo_destroy(ctx);
	free(conf);
	return rc;
}
