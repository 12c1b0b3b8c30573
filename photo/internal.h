/*
 * internal.h — what the files of photo/ share with each other (and with
 * the unit tests). Not installed, not part of the library's interface:
 * programs use photo.h only.
 *
 * Images are pimg: 8-bit samples, 1 (grey) or 3 (RGB) interleaved
 * channels, rows `stride` bytes apart. A pimg either owns its pixels
 * (made by pimg_alloc, freed by pimg_free) or is a view into another one
 * (pimg_view; never freed).
 */
#ifndef PHOTO_INTERNAL_H
#define PHOTO_INTERNAL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>

#include "photo/photo.h"

/* Marks an advice string for xgettext (keyword N_); the library never
 * translates, its callers do (domain "idphotod"). */
#define N_(s)	(s)

typedef struct pimg {
	int	w, h, c;
	size_t	stride;
	unsigned char *px;
	int	owned;
} pimg;

typedef struct prect_i {
	int x, y, w, h;
} prect_i;

#define PIX(im, x, y)	((im)->px + (size_t)(y) * (im)->stride + \
			    (size_t)(x) * (size_t)(im)->c)

int	pimg_alloc(pimg *im, int w, int h, int c);	/* -1: ENOMEM */
void	pimg_free(pimg *im);				/* accepts zeroed */
void	pimg_view(const pimg *src, int x, int y, int w, int h, pimg *view);
/*
 * core.c: grows the 8-connected cluster of pixel `seed` (y * w + x) of a
 * w x h grid, seed already claimed by the caller. Each neighbour of a
 * pixel of the cluster is offered to take(arg, k), which returns 1 when
 * pixel k belongs, claiming it (marked so that it is refused next time),
 * else 0. stack: w * h ints of the caller's (it keeps no state, so any
 * thread may call it). Returns the cluster's size in pixels.
 */
int	photo_fill8(int w, int h, int seed, int *stack,
	    int (*take)(void *arg, int k), void *arg);

/* core.c: the k-th smallest of v[0..n) (0 <= k < n), as v sorted would
 * have it; v is reordered. The median: the middle one, or the mean of the
 * two middle ones for even n (NAN for n = 0). */
double	photo_kth(double *v, int n, int k);
double	photo_median(double *v, int n);

/* cascade.c: OpenCV Haar cascades (new XML format, incl. tilted). */
typedef struct pcascade pcascade;

pcascade *pcascade_load(const char *path, char *err, size_t errlen);
/* One more holder of c (another handle); each holder pcascade_free()s. */
pcascade *pcascade_ref(pcascade *c);			/* accepts NULL */
void	pcascade_free(pcascade *c);			/* accepts NULL */
void	pcascade_winsize(const pcascade *c, int *w, int *h);
/* Windows evaluated at once, 8, 4 or 1 (the best the processor and the
 * cascade allow at load); returns what was set. Every choice gives the
 * same answers. Not while c is in use. */
int	pcascade_set_lanes(pcascade *c, int lanes);

/*
 * The equivalent of cv::CascadeClassifier::detectMultiScale(grey, objs,
 * numDetections, scale_factor, min_neighbors, 0, Size(min_w, min_h),
 * Size(max_w, max_h)) on a grey image (max 0 = no limit): the same
 * scales, the same per-scale bilinear resize, the same window steps, the
 * same grouping. *out (and *neighbors, when not NULL) are malloc'd; the
 * caller frees them. Returns the number of objects, or -1 (ENOMEM).
 */
int	pcascade_detect(const pcascade *c, const pimg *grey,
	    double scale_factor, int min_neighbors, int min_w, int min_h,
	    int max_w, int max_h, prect_i **out, int **neighbors);
/* The same on at most `threads` threads (pcascade_detect: photo_cpus()). */
int	pcascade_detect_mt(const pcascade *c, const pimg *grey,
	    double scale_factor, int min_neighbors, int min_w, int min_h,
	    int max_w, int max_h, prect_i **out, int **neighbors, int threads);

/*
 * The same as pcascade_detect(c, grey, scale_factor, min_neighbors,
 * *smallest, *smallest, 0, 0, out, neighbors), where *smallest is the
 * larger of min_w and ratio times the width of the largest object among
 * windows of first_w and wider (min_w when there is none): objects much
 * smaller than the largest are not looked for.
 */
int	pcascade_detect_big_first(const pcascade *c, const pimg *grey,
	    double scale_factor, int min_neighbors, int min_w, int first_w,
	    double ratio, prect_i **out, int **neighbors, int *smallest,
	    int threads);

/* grey.c: OpenCV's RGB->grey (cvtColor COLOR_RGB2GRAY, fixed point), of
 * an image or of one row of w pixels. */
int	pimg_grey(const pimg *rgb, pimg *grey);
void	pimg_grey_row(const unsigned char *rgb, unsigned char *grey, int w);
/* OpenCV's resize(INTER_LINEAR_EXACT) for grey images, dst->w/h set. */
int	pimg_resize_linear(const pimg *src, pimg *dst);

/*
 * resize.c: area (box-filter) resampling of a crop, any channel count.
 * dst (allocated by the caller, its w/h/c set) receives the region of src
 * whose top-left is (x0, y0) in src pixels, sampled at `scale` dst px per
 * src px (scale <= 1 averages exactly over each dst pixel's footprint;
 * scale > 1 interpolates bilinearly). Parts outside src replicate the edge.
 */
int	pimg_resize_area(const pimg *src, double x0, double y0, double scale,
	    pimg *dst);
/* The same for dst's rows j0..j1-1 only, each the bytes the whole resize
 * gives it (so that threads can share one resize by rows). */
int	pimg_resize_area_rows(const pimg *src, double x0, double y0,
	    double scale, pimg *dst, int j0, int j1);

/* The handle. */
struct photo_ctx {
	photo_params p;
	pcascade *face, *eye, *glasses;
	char	face_path[2 * PHOTO_PATH_MAX];
	char	eye_path[2 * PHOTO_PATH_MAX];
	char	glasses_path[2 * PHOTO_PATH_MAX];
	int	threads;	/* photo_set_threads(); 0: photo_cpus() */
	char	err[512];
};

/* core.c: the threads one call on ctx may use: photo_set_threads()'s
 * limit, and never more than photo_cpus() (photo.h). */
int	photo_threads(const photo_ctx *ctx);

/* Sets the handle's error string; always returns -1. */
int	photo_seterr(photo_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * jpegerr.c: a libjpeg error manager that never exits. Errors longjmp to
 * e->jb with the message in e->msg; warnings (corrupt or truncated data)
 * are kept in e->warn_code/e->warn (the first one) for the caller to
 * judge. The caller sets e->jb with setjmp() before calling libjpeg.
 */
struct pjerr {
	struct jpeg_error_mgr pub;
	jmp_buf	jb;
	char	msg[JMSG_LENGTH_MAX];
	int	warn_code;	/* 0: no warning */
	char	warn[JMSG_LENGTH_MAX];
	int	fatal_warnings;	/* longjmp on any warning but extraneous data */
};
struct jpeg_error_mgr *photo_jpeg_err(struct pjerr *e);

/* decode.c */
struct photo_image {
	const unsigned char *jpeg;	/* borrowed, see photo_decode() */
	size_t	len;
	int	raw_w, raw_h;		/* as stored in the file */
	int	orientation;		/* EXIF 1..8 (1 when absent) */
	int	src_w, src_h;		/* after orientation */
	int	scale_num;		/* analysis decoded at scale_num/8 */
	double	scale;			/* analysis px per source px */
	pimg	rgb;			/* oriented analysis image */
	pimg	grey;			/* pimg_grey(rgb): by the split decode,
					 * else on demand */
	struct prerender *pre;		/* analyze's render (pipeline.c) */
};

/*
 * One libjpeg decode of the whole frame at num/8 into *out (RGB, stored
 * orientation), on this thread; its warnings on corrupt data are errors
 * (the handle's). The bytes every parallel decode must give.
 */
int	photo_decode_whole(photo_ctx *ctx, const unsigned char *jpeg,
	    size_t len, int num, pimg *out);

/*
 * jpeghead.c: what the headers of a JPEG say, for cutting its entropy-coded
 * data: photo_jpeg_layout() is 0 when the file is one baseline/extended
 * Huffman scan of all its 1 or 3 components (ri is its restart interval,
 * 0 for none), -1 for anything else. photo_jpeg_part_head() gives a
 * malloc'd copy of the headers (l->data bytes, up to the scan's data) for
 * the frame less its first `row` MCU rows.
 */
struct jlayout {
	size_t	sof;		/* offset of the SOF marker */
	size_t	data;		/* first byte of the entropy-coded data */
	unsigned w, h, ri;	/* frame size, restart interval (MCUs) */
	int	ncomp, hmax, vmax;
};
int	photo_jpeg_layout(const unsigned char *b, size_t n, struct jlayout *l);
unsigned char *photo_jpeg_part_head(const unsigned char *jpeg,
	    const struct jlayout *l, unsigned row);

/*
 * split.c: the whole frame at num/8 (1..7) into *out (allocated here, RGB,
 * stored orientation), its entropy-coded data split between two threads
 * when it has no restart markers; with grey not NULL, also pimg_grey() of
 * it, each thread converting the rows it decoded. 1 when done: the same
 * bytes as one libjpeg decode; 0 when it could not (out and grey freed;
 * the caller decodes in one piece, which also names any damage). info, when not NULL, says
 * whether the two halves met, where, and at which MCU row the second part
 * began.
 */
struct photo_split_info {
	int	met;		/* the second thread's half was used */
	long	meet_mcu;	/* the MCU where the two decoders met */
	unsigned cut_row;	/* the second part's first MCU row */
	long	restarts;	/* the second thread's last fresh start (MCU) */
};
int	photo_decode_split(const unsigned char *jpeg, size_t len, int num,
	    pimg *out, pimg *grey, int threads, struct photo_split_info *info);
/* The same with the second thread's start at cut_at (0..1) of the data
 * instead of split.c's own share: for the tests. */
int	photo_decode_split_at(const unsigned char *jpeg, size_t len, int num,
	    pimg *out, pimg *grey, int threads, struct photo_split_info *info,
	    double cut_at);

/* pipeline.c: frees a render analyze made and photo_render never took
 * (accepts NULL). */
void	photo_prerender_free(struct prerender *pr);

/*
 * Decodes the region `src` (source px, oriented) at scale num/8 (1..16)
 * into *out, oriented. *out covers at least the region (it may be larger,
 * aligned to the JPEG's blocks); (*ox, *oy) is the position of out's
 * top-left pixel in oriented coordinates at that scale, so that source
 * point (x, y) is at (x * num/8 - ox, y * num/8 - oy) in *out.
 */
int	photo_decode_region(photo_ctx *ctx, const photo_image *im, int num,
	    const photo_rect *src, pimg *out, int *ox, int *oy);

/* encode.c */
/* One encode of an RGB image at a given quality: baseline, optimised
 * Huffman tables, JFIF with density, no other markers. */
int	photo_encode(photo_ctx *ctx, const pimg *rgb, int quality, int dpi,
	    unsigned char **jpeg, size_t *len);
/* The quality search of R-FILE-4/5 (see photo_render). */
int	photo_encode_search(photo_ctx *ctx, const pimg *rgb, photo_output *out);

/* measure.c: measurements of one face (box in analysis px). */
int	photo_measure_face(photo_ctx *ctx, photo_image *im, const prect_i *box,
	    photo_face *f);

/*
 * crop.c: the crop planner, in source px, pure arithmetic. Returns 0 with
 * c->ok set when a crop within max_scale meets every band, else -1 with
 * the reasons in *why (PLAN_* bits).
 */
enum {
	PLAN_PROPORTION_SHORT = 1 << 0,	/* hair top too close to the eyes */
	PLAN_PROPORTION_TALL  = 1 << 1,	/* hair top too far above the eyes */
	PLAN_NO_ROOM_ABOVE    = 1 << 2,
	PLAN_NO_ROOM_BELOW    = 1 << 3,
	PLAN_NO_ROOM_LEFT     = 1 << 4,
	PLAN_NO_ROOM_RIGHT    = 1 << 5,
	PLAN_TOO_CLOSE        = 1 << 6,	/* crop larger than the frame */
	PLAN_UPSCALE          = 1 << 7	/* feasible only above max_scale */
};
int	photo_plan_crop(const photo_params *p, const photo_face *f,
	    int src_w, int src_h, double max_scale, photo_crop *c,
	    unsigned *why);

/* light.c: the sRGB transfer function undone, per 8-bit value. */
void	photo_srgb_linear(float lin[256]);

/* light.c: the zones measured, in analysis px (s: analysis px per source
 * px): the face, then the left and right cheeks; returns how many (1
 * without both eyes, then only a middle part of the face box). */
int	photo_light_zones(const photo_face *f, double s, photo_rect z[3]);

/* light.c: exposure, clipping and balance of the face (R-LIGHT-1). */
void	photo_check_light(const photo_params *p, const photo_image *im,
	    photo_result *r);

/* sharp.c: focus on the eyes (R-IQ-1). */
void	photo_check_sharpness(const photo_params *p, const photo_image *im,
	    photo_result *r);

/* eyes.c: the two eye patches judged, in analysis px. */
void	photo_eye_zones(const photo_face *f, double s, photo_rect z[2]);

/* eyes.c: red-eye (R-LIGHT-2) and reflections on glasses (R-SUBJ-4). */
void	photo_check_eyes(const photo_params *p, const photo_image *im,
	    photo_result *r);

/*
 * persons.c: whether face detection j (analysis px) is a plausible
 * second person next to the main face m: PERSON_YES, or why not.
 */
enum { PERSON_YES = 0, PERSON_SMALL, PERSON_SAME_FACE, PERSON_ON_BODY };
int	photo_is_person(const photo_params *p, const prect_i *m,
	    const prect_i *j);

/* mouth.c: the mouth patch judged (analysis px), and R-SUBJ-3 lips
 * closed. */
void	photo_mouth_zone(const photo_face *f, double s, photo_rect *z);
void	photo_check_mouth(const photo_params *p, const photo_image *im,
	    photo_result *r);

/* eyelid.c: R-SUBJ-3 eyes open, measured on the pixels. */
void	photo_check_eyelids(const photo_params *p, const photo_image *im,
	    photo_result *r);

/*
 * scene.c: background (R-BG-1/2), colour cast (R-IQ-1), clothing
 * (R-SUBJ-6), shoulders (R-SUBJ-3) and added content (R-FILE-8), on the
 * planned crop, or with `whole` on the frame as it stands (a finished
 * photo), on up to `threads` threads (the same result on any number).
 * -1: out of memory.
 */
int	photo_check_scene(const photo_params *p, const photo_image *im,
	    int whole, int threads, photo_result *r);

/* scene.c: the clothing zone and the two shoulder bands of a camera
 * frame, in analysis px; returns 3, or 0 without a measured face. */
int	photo_scene_zones(const photo_params *p, const photo_result *r,
	    double s, photo_rect z[3]);

/* colour.c: CIE L*a*b* (D65) of an sRGB colour (0..255 per channel, not
 * necessarily integers), and the CIEDE2000 difference of two. */
void	photo_lab(double r, double g, double b, double lab[3]);
/* The same for the mean of four pixels, given as the channel sums
 * (0..1020), with a table the caller fills once: the same values. */
void	photo_lab_q4_table(double t[1021]);
void	photo_lab_q4(const double t[1021], int r4, int g4, int b4,
	    double lab[3]);
double	photo_ciede2000(const double p[3], const double q[3]);

/* findings.c */
void	photo_add_finding(photo_result *r, const photo_params *p,
	    enum photo_check ck, const char *code, const char *req,
	    double value, double limit, const char *advice);
void	photo_add_metric(photo_result *r, const char *name, double value);

#endif /* PHOTO_INTERNAL_H */
