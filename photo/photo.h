/*
 * photo.h — the image pipeline library of idphotod.
 *
 * From the bytes of a camera JPEG to a compliant 480x640 ID photo, and the
 * offline check of photos made elsewhere. The library follows turbojpeg.h:
 * an opaque handle (photo_ctx) carries the parameters, the loaded Haar
 * cascades and the last error string; functions return 0 or -1 (or NULL)
 * and photo_error() says what went wrong. There are no globals and no
 * logging; a handle is used by one thread at a time (the daemon gives its
 * worker thread its own).
 *
 * The pipeline:
 *   photo_decode   JPEG bytes -> oriented frame, decoded with DCT scaling
 *                  at the smallest scale that analysis needs (EXIF
 *                  orientation applied, R-GEO-5);
 *   photo_analyze  face and eye detection (our own evaluator of OpenCV's
 *                  Haar cascades), measurements in source pixels, the crop
 *                  plan (R-GEO-1..4) and the checks, as findings;
 *   photo_render   crop, anti-aliased downscale, JPEG encode to
 *                  R-FILE-1..5/8 with the quality found by search;
 *   photo_save     atomic write of <ID>.jpg, never overwriting silently.
 * Plus photo_id_check (R-FILE-7) and photo_inspect/photo_check_file for
 * files made elsewhere.
 *
 * Coordinates: "source pixels" are pixels of the full-resolution frame after
 * the EXIF orientation, origin top-left, x to the right, y down. "Output
 * pixels" are pixels of the 480x640 result.
 */
#ifndef PHOTO_H
#define PHOTO_H

#include <stddef.h>
#include <time.h>

#define PHOTO_OUT_W	480	/* R-FILE-1 */
#define PHOTO_OUT_H	640	/* R-FILE-1 */
#define PHOTO_ID_LEN	18	/* R-FILE-7 */
#define PHOTO_PATH_MAX	256

/* Severity of a finding, and of a check's configured verdict. */
enum photo_severity {
	PHOTO_OFF = 0,		/* check disabled, or finding informational */
	PHOTO_WARN = 1,		/* produce the file, tell the operator */
	PHOTO_FAIL = 2		/* never produce the file */
};

/* A band of output pixels: a limit pair from the spec plus the aim. */
typedef struct photo_band {
	double min, max, target;
} photo_band;

/*
 * Checks that can be configured: one entry per check, indexed by
 * enum photo_check. Each has a severity and up to two thresholds whose
 * meaning is given in conf/idphotod.conf beside the default.
 */
enum photo_check {
	PHOTO_CK_FACE,		/* R-SUBJ-1: exactly one frontal face */
	PHOTO_CK_PERSONS,	/* R-BG-1: no second person */
	PHOTO_CK_EYES,		/* R-SUBJ-3: both eyes found */
	PHOTO_CK_ROLL,		/* R-SUBJ-3/R-GEO-5: head level (degrees) */
	PHOTO_CK_YAW,		/* R-SUBJ-3: looking straight ahead */
	PHOTO_CK_GEOMETRY,	/* R-GEO-1..4: a crop meets every band */
	PHOTO_CK_RESOLUTION,	/* R-FLOW-2: no upscaling beyond a limit */
	PHOTO_CK_FILE_FORMAT,	/* R-FILE-1..4, 6, 8: a file made elsewhere */
	PHOTO_CK_FILE_SIZE,	/* R-FILE-5: 30-50 KB ("generally") */
	PHOTO_CK_FILE_NAME,	/* R-FILE-7: named by a valid ID number */
	PHOTO_CK_EXPOSURE,	/* R-LIGHT-1: face lightness L* in range */
	PHOTO_CK_BALANCE,	/* R-LIGHT-1: left/right cheek light ratio */
	PHOTO_CK_CLIPPING,	/* R-LIGHT-1: burnt-out or black face pixels */
	PHOTO_CK_SHARPNESS,	/* R-IQ-1: the eyes in focus */
	PHOTO_CK_BG_COLOUR,	/* R-BG-2: light blue, white or light grey */
	PHOTO_CK_BG_EVEN,	/* R-BG-1: no gradient, no patches */
	PHOTO_CK_BG_SHADOW,	/* R-BG-1: no shadow beside the subject */
	PHOTO_CK_BG_OBJECTS,	/* R-BG-1: nothing else in the background */
	PHOTO_CK_COLOUR_CAST,	/* R-IQ-1: a neutral background stays neutral */
	PHOTO_CK_CLOTHING,	/* R-SUBJ-6: clothing unlike the background */
	PHOTO_CK_SHOULDERS,	/* R-SUBJ-3: shoulders level */
	PHOTO_CK_RED_EYE,	/* R-LIGHT-2: no red-eye */
	PHOTO_CK_GLARE,		/* R-SUBJ-4: no reflection on glasses */
	PHOTO_CK_ADDED,		/* R-FILE-8: no text, logo or border */
	PHOTO_CK_MOUTH,		/* R-SUBJ-3: lips closed, no teeth showing */
	PHOTO_CK_EYES_OPEN,	/* R-SUBJ-3: both eyes open (from the pixels) */
	PHOTO_CK_COUNT
};

typedef struct photo_check_cfg {
	int severity;		/* enum photo_severity */
	double limit;		/* primary threshold */
	double limit2;		/* secondary threshold, where a check has one */
} photo_check_cfg;

typedef struct photo_params {
	/* Haar cascades (opencv-data), loaded at photo_configure(). */
	char	cascade_dir[PHOTO_PATH_MAX];
	char	face_cascade[64];	/* haarcascade_frontalface_alt2.xml */
	char	eye_cascade[64];	/* haarcascade_eye.xml */
	char	glasses_cascade[64];	/* haarcascade_eye_tree_eyeglasses.xml */

	int	analysis_long;	/* decode so the long side is >= this (px) */
	int	detect_long;	/* the face detector scans at this long side */
	double	detect_scale;	/* detectMultiScale scaleFactor */
	int	detect_neighbors;	/* detectMultiScale minNeighbors */
	double	min_face;	/* smallest face, fraction of the short side */

	photo_band top;		/* R-GEO-2: hair top, px below the top edge */
	photo_band eye;		/* R-GEO-3: eye line, px below the top edge */
	photo_band fw;		/* R-GEO-4: face width, px */
	double	centre_tol;	/* R-GEO-1: |face centre x - 240| allowed */

	int	quality_min;	/* R-FILE-4 */
	long	size_min;	/* R-FILE-5, bytes */
	long	size_max;	/* R-FILE-5, bytes */
	int	dpi;		/* R-FILE-2 */

	/* R-FILE-7: POSIX extended regex accepted as a non-resident ID, or
	 * "" for none (the default). */
	char	id_escape[128];

	photo_check_cfg check[PHOTO_CK_COUNT];
} photo_params;

/* Fills *p with the documented defaults (the values in conf/). */
void	photo_params_default(photo_params *p);

typedef struct photo_point {
	double x, y;
} photo_point;

typedef struct photo_rect {
	double x, y, w, h;
} photo_rect;

/* What was measured on the main face, in source pixels. */
typedef struct photo_face {
	photo_rect box;		/* detector box */
	int	neighbors;	/* detector hits grouped into the box */
	int	eyes;		/* 0, 1 or 2 eyes found */
	photo_point eye_l;	/* eye on the image's left (subject's right) */
	photo_point eye_r;	/* eye on the image's right */
	double	eye_y;		/* eye line: mean y of the two eye centres */
	double	roll;		/* eye-line angle, degrees, + = clockwise */
	double	yaw;		/* -1..1 asymmetry; 0 = frontal, + = turned
				 * towards the image's right */
	double	cx;		/* face centre x (R-GEO-1) */
	double	head_top;	/* topmost hair row (R-GEO-2) */
	double	width;		/* cheek to cheek, ears excluded (R-GEO-4) */
	double	cheek_l, cheek_r;	/* x of the two cheek edges */
	double	cheek_y;	/* row the width was measured on */
	double	chin;		/* estimated chin row */
} photo_face;

/* The crop plan: out = (src - origin) * scale. */
typedef struct photo_crop {
	int	ok;		/* a crop meets every band inside the frame */
	double	scale;		/* output px per source px */
	double	x, y;		/* crop origin, source px */
	double	w, h;		/* crop size, source px (480/scale, 640/scale) */
	double	scale_min, scale_max;	/* feasible scales (if any) */
	/* the geometry the plan gives, in output px */
	double	out_top, out_eye, out_fw, out_cx;
} photo_crop;

/* One thing wrong with a frame or file. Strings are static. */
typedef struct photo_finding {
	const char *code;	/* stable, e.g. "GEO_NO_ROOM_ABOVE" */
	const char *req;	/* requirement id, e.g. "R-GEO-2" */
	int	severity;	/* PHOTO_WARN or PHOTO_FAIL */
	double	value;		/* what was measured (NAN: not applicable) */
	double	limit;		/* the limit it broke (NAN: not applicable) */
	const char *advice;	/* English sentence for the operator; also the
				 * gettext msgid in the "idphotod" domain */
} photo_finding;

/* A named measurement, printed for tuning thresholds. */
typedef struct photo_metric {
	const char *name;	/* static, e.g. "face.width" */
	double	value;
} photo_metric;

#define PHOTO_MAX_FINDINGS	32
#define PHOTO_MAX_METRICS	96
#define PHOTO_MAX_FACES		16

typedef struct photo_result {
	int	src_w, src_h;	/* oriented source size */
	int	orientation;	/* EXIF orientation tag applied, 1..8 */
	double	analysis_scale;	/* analysis px per source px */
	int	nfaces;		/* faces that count as people */
	int	ndetections;	/* all grouped face detections */
	photo_rect detections[PHOTO_MAX_FACES];
	int	found;		/* a main face was measured */
	photo_face face;
	photo_crop crop;
	int	verdict;	/* worst severity of the findings */
	int	nfindings;
	photo_finding findings[PHOTO_MAX_FINDINGS];
	int	nmetrics;
	photo_metric metrics[PHOTO_MAX_METRICS];
} photo_result;

/* The handle. photo_create() returns NULL only when out of memory. */
typedef struct photo_ctx photo_ctx;

photo_ctx  *photo_create(void);
void	    photo_destroy(photo_ctx *ctx);	/* accepts NULL */
const char *photo_error(const photo_ctx *ctx);

/*
 * A second handle with ctx's parameters and cascades, for another thread:
 * the loaded cascades are shared (read-only, counted), so a clone costs no
 * loading; the handles may be destroyed in any order. NULL when out of
 * memory.
 */
photo_ctx  *photo_clone(const photo_ctx *ctx);
/*
 * The most threads one call on ctx may use (the face search, the decode
 * across restart markers); 0, the default, is one per processor this
 * process may use. A caller that runs handles on every processor itself
 * sets 1, so that the threads stay at the number of processors.
 */
void	    photo_set_threads(photo_ctx *ctx, int n);
/*
 * The processors the calling thread may run on (its affinity mask: what a
 * container or taskset gives it), 1 to 64: the default of
 * photo_set_threads, and what a caller that runs handles on every
 * processor itself counts.
 */
int	    photo_cpus(void);

/*
 * Copies *p into the handle and loads the cascades it names (again only
 * when a path changed). On failure the handle keeps its previous
 * parameters and cascades.
 */
int	photo_configure(photo_ctx *ctx, const photo_params *p);

/*
 * The parameters alone, without the cascades: for a handle that checks ID
 * numbers, reads headers and saves files but never analyzes (the daemon's
 * main loop), so that a process loads the cascades once, in the handle
 * that detects. photo_analyze() on such a handle fails.
 */
int	photo_configure_ids(photo_ctx *ctx, const photo_params *p);

/*
 * A decoded frame. photo_decode() borrows the JPEG bytes: the caller keeps
 * them alive and unchanged until photo_image_destroy(), because rendering
 * may decode a region of the frame again at a larger scale.
 */
typedef struct photo_image photo_image;

photo_image *photo_decode(photo_ctx *ctx, const void *jpeg, size_t len);
void	photo_image_destroy(photo_image *im);	/* accepts NULL */
void	photo_image_size(const photo_image *im, int *w, int *h);

/*
 * Detects, measures, plans the crop and runs the checks. Returns 0 with
 * *r filled (r->verdict says whether the frame may be rendered), or -1 on
 * an internal error (out of memory).
 */
int	photo_analyze(photo_ctx *ctx, photo_image *im, photo_result *r);

/* The encoded output: what photo_render() made and chose. */
typedef struct photo_output {
	unsigned char *jpeg;	/* malloc'd; the caller frees */
	size_t	len;
	int	quality;	/* IJG quality used */
	int	size_ok;	/* len within size_min..size_max (R-FILE-5) */
} photo_output;

/*
 * Crops r->crop out of the frame, downscales to 480x640 and encodes.
 * Fails when r->crop.ok is 0. The bytes are R-FILE-1..4 and R-FILE-8
 * exactly; R-FILE-5 is met when out->size_ok.
 */
int	photo_render(photo_ctx *ctx, photo_image *im, const photo_result *r,
	    photo_output *out);

/*
 * A JPEG of the frame with the detections, eyes, cheek line, head top,
 * the planned crop and the three spec bands drawn on it. *jpeg is
 * malloc'd; the caller frees it.
 */
int	photo_annotate(photo_ctx *ctx, photo_image *im, const photo_result *r,
	    unsigned char **jpeg, size_t *len);

/* What a JPEG file says about itself (R-FILE-1..6, R-FILE-8). */
typedef struct photo_fileinfo {
	int	width, height;
	int	components;
	int	precision;	/* bits per sample */
	int	progressive;	/* 0 = baseline */
	int	arithmetic;
	int	jfif;		/* a JFIF APP0 marker is present */
	int	density_unit;	/* 0 none, 1 dpi, 2 dots/cm */
	int	xdensity, ydensity;
	int	quality;	/* IJG quality estimated from the tables */
	int	exif;		/* an APP1 Exif segment is present */
	int	other_app;	/* APPn or COM segments besides JFIF, Exif */
	size_t	size;
} photo_fileinfo;

/* Reads the headers only. -1 when the bytes are not a decodable JPEG. */
int	photo_inspect(photo_ctx *ctx, const void *jpeg, size_t len,
	    photo_fileinfo *fi);

/*
 * Checks a photo made elsewhere: the file's format (R-FILE-1..6, 8), its
 * name (R-FILE-7; the base name without extension must be a valid ID
 * number) and the face inside it (R-GEO-1..4 measured at scale 1, and the
 * subject checks). name may be NULL to skip the name check. -1 when the
 * bytes are not a decodable JPEG.
 */
int	photo_check_file(photo_ctx *ctx, const char *name, const void *jpeg,
	    size_t len, photo_fileinfo *fi, photo_result *r);

/*
 * Why a resident ID number is not valid (R-FILE-7), with the values the
 * sentence needs, so that the caller can put it in words in the
 * operator's language. The library's own error string (photo_error) is
 * the English sentence, for logs.
 */
enum photo_id_why {
	PHOTO_ID_OK = 0,
	PHOTO_ID_LENGTH,	/* len characters, not 18 */
	PHOTO_ID_NOT_DIGIT,	/* character pos (1..17) is ch */
	PHOTO_ID_LAST_CHAR,	/* character 18 is ch: not a digit or X */
	PHOTO_ID_REGION,	/* region code part cannot start with ch */
	PHOTO_ID_BIRTH_OLD,	/* birth date part is before 1900 */
	PHOTO_ID_BIRTH_DATE,	/* birth date part is not a real date */
	PHOTO_ID_BIRTH_FUTURE,	/* birth date part is in the future */
	PHOTO_ID_CHECK,		/* the check character does not match (the
				 * expected one is never given: retyping
				 * only it makes someone else's number) */
	PHOTO_ID_ESCAPE		/* the configured id_escape regex is bad */
};

typedef struct photo_id_err {
	enum photo_id_why why;
	size_t	len;		/* characters given (trimmed) */
	int	pos;		/* 1-based position of the bad character */
	char	ch;		/* that character; '?' when not printable */
	char	part[9];	/* the region code or the birth date */
} photo_id_err;

/*
 * R-FILE-7: validates a resident ID number (GB 11643-1999) and writes the
 * normalised form (upper-case X) to out. now is the date to judge birth
 * dates against (0: the current time). -1 when it is not valid: why says
 * what is wrong (when not NULL), photo_error() says it in English.
 */
int	photo_id_check(photo_ctx *ctx, const char *in,
	    char out[PHOTO_ID_LEN + 1], time_t now, photo_id_err *why);

/*
 * Writes buf to dir/name atomically: a temporary file in dir, fsync,
 * rename, fsync of dir. An existing dir/name is never overwritten
 * silently: without PHOTO_SAVE_REPLACE that is an error (errno EEXIST);
 * with it, the old file is first moved to dir/versions/<name>.<time>, and
 * the path it went to is written to moved (when not NULL).
 */
#define PHOTO_SAVE_REPLACE	0x1
int	photo_save(photo_ctx *ctx, const char *dir, const char *name,
	    const void *buf, size_t len, int flags, char *moved,
	    size_t movedlen);

/* The spec's name and requirement id for a check, for config keys. */
const char *photo_check_name(enum photo_check c);

#endif /* PHOTO_H */
