/*
 * cam_sim.c — the simulated camera: a folder of JPEGs served in name
 * order. Each capture sleeps the configured latency (a camera takes time
 * to fire and download), then reads the next file whole. With sim_cycle
 * the list starts again after the last frame; without it the camera runs
 * out, as a card would. sim_fail_every = N makes every Nth capture fail
 * the way a camera that does not answer fails, so that the daemon's
 * error paths can be driven from a test.
 *
 * The folder is listed again at every pass, so frames can be dropped in
 * while the station runs.
 *
 * The lamp model (sim_lamps) relights each frame in linear light: a
 * column at fraction t of the width gets the gain
 *   (effL * left * wL(t) + effR * right * (1 - wL(t))) / ref,
 * with wL a smooth step from 1 on the left to 0 on the right, because a
 * lamp at 45 degrees lights mostly its own side of the face. So the
 * calibration loop sees the face balance and exposure follow the levels.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include <time.h>

#include <turbojpeg.h>

#include "drivers/cam.h"

struct sim {
	struct cam_conf conf;
	char	**files;
	int	nfiles, next;
	unsigned long shots;
	double	light[2];	/* cam_light(); < 0: not given */
	char	desc[PATH_MAX + 32];
	char	err[PATH_MAX * 2 + 128];
};

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_jpeg_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && ((l > 4 && strcasecmp(n + l - 4, ".jpg") == 0) ||
	    (l > 5 && strcasecmp(n + l - 5, ".jpeg") == 0));
}

static void
free_list(struct sim *c)
{
	int i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	c->files = NULL;
	c->nfiles = 0;
}

/* (Re)reads the folder's JPEG names, sorted. */
static int
list(struct sim *c)
{
	DIR *d;
	struct dirent *e;
	char **v = NULL, **nv;
	int n = 0, cap = 0;

	if ((d = opendir(c->conf.sim_dir)) == NULL) {
		snprintf(c->err, sizeof(c->err), "simulated camera: %s: %s",
		    c->conf.sim_dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!is_jpeg_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, sizeof(*v) * (size_t)cap)) == NULL)
				goto oom;
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), cmpstr);
	free_list(c);
	c->files = v;
	c->nfiles = n;
	return 0;
oom:
	closedir(d);
	while (n > 0)
		free(v[--n]);
	free(v);
	snprintf(c->err, sizeof(c->err), "simulated camera: out of memory");
	return -1;
}

static void sim_close(void *);

static void *
sim_open(const struct cam_conf *conf, char *err, size_t errlen)
{
	struct sim *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->conf = *conf;
	c->light[0] = c->light[1] = -1;
	if (list(c) == -1) {
		snprintf(err, errlen, "%s", c->err);
		sim_close(c);
		return NULL;
	}
	if (c->nfiles == 0) {
		snprintf(err, errlen, "simulated camera: no .jpg frames in %s",
		    conf->sim_dir);
		sim_close(c);
		return NULL;
	}
	snprintf(c->desc, sizeof(c->desc), "simulated camera serving %s",
	    conf->sim_dir);
	return c;
}

static unsigned char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	unsigned char *buf = NULL;
	long sz;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 ||
	    (buf = malloc(sz > 0 ? (size_t)sz : 1)) == NULL ||
	    fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    strerror(errno) : "read failed");
		free(buf);
		buf = NULL;
	} else
		*len = (size_t)sz;
	fclose(f);
	return buf;
}

static void
sim_light(void *arg, double left, double right)
{
	struct sim *c = arg;

	c->light[0] = left;
	c->light[1] = right;
}

static double
to_linear(double v)
{
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double
to_srgb(double v)
{
	v = v < 0 ? 0 : v > 1 ? 1 : v;
	return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

/* Relights *buf by the lamp model; on failure the frame stays as it is
 * (the model is a simulation aid, never a reason to lose a frame). */
static void
relight(struct sim *c, unsigned char **buf, size_t *len)
{
	enum { OUT_LUT = 4096 };
	tjhandle dec = tjInitDecompress(), enc = NULL;
	unsigned char *rgb = NULL, *jpg = NULL;
	float lin[256], *gain = NULL;
	unsigned char out[OUT_LUT + 1];
	unsigned long jlen;
	int w, h, x, y, k, ss, cs;

	if (dec == NULL || tjDecompressHeader3(dec, *buf, *len, &w, &h, &ss,
	    &cs) == -1)
		goto done;
	jlen = tjBufSize(w, h, TJSAMP_420);
	if ((rgb = malloc((size_t)w * (size_t)h * 3)) == NULL ||
	    (gain = malloc(sizeof(*gain) * (size_t)w)) == NULL ||
	    (jpg = malloc(jlen)) == NULL ||
	    tjDecompress2(dec, *buf, *len, rgb, w, 0, h, TJPF_RGB, 0) == -1)
		goto done;
	for (k = 0; k < 256; k++)
		lin[k] = (float)to_linear(k / 255.0);
	for (k = 0; k <= OUT_LUT; k++)
		out[k] = (unsigned char)lround(to_srgb((double)k / OUT_LUT) *
		    255);
	for (x = 0; x < w; x++) {
		double t = w > 1 ? (double)x / (w - 1) : 0.5;
		double wl = 1 / (1 + exp((t - 0.5) / 0.1));

		gain[x] = (float)((c->conf.sim_lamp_eff[0] * c->light[0] * wl +
		    c->conf.sim_lamp_eff[1] * c->light[1] * (1 - wl)) /
		    c->conf.sim_lamp_ref);
	}
	for (y = 0; y < h; y++) {
		unsigned char *p = rgb + (size_t)y * (size_t)w * 3;

		for (x = 0; x < w * 3; x++) {
			float v = lin[p[x]] * gain[x / 3];

			p[x] = out[v >= 1 ? OUT_LUT : (int)(v * OUT_LUT + 0.5f)];
		}
	}
	if ((enc = tjInitCompress()) == NULL || tjCompress2(enc, rgb, w, 0, h,
	    TJPF_RGB, &jpg, &jlen, TJSAMP_420, 95, TJFLAG_NOREALLOC) == -1)
		goto done;
	free(*buf);
	*buf = jpg;		/* malloc'd by us: the caller's free() fits */
	*len = jlen;
	jpg = NULL;
done:
	free(jpg);
	free(rgb);
	free(gain);
	if (dec != NULL)
		tjDestroy(dec);
	if (enc != NULL)
		tjDestroy(enc);
}

/* The frame at c->next (the folder listed again once it has been served
 * through), read and lit; c->next is left where it is. */
static int
frame(struct sim *c, unsigned char **buf, size_t *len)
{
	char path[PATH_MAX * 2];

	if (c->next >= c->nfiles) {
		if (!c->conf.sim_cycle) {
			snprintf(c->err, sizeof(c->err), "simulated camera: no "
			    "more frames in %s", c->conf.sim_dir);
			return -1;
		}
		if (list(c) == -1)
			return -1;
		c->next = 0;
		if (c->nfiles == 0) {
			snprintf(c->err, sizeof(c->err), "simulated camera: no "
			    ".jpg frames in %s", c->conf.sim_dir);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", c->conf.sim_dir,
	    c->files[c->next]);
	if ((*buf = slurp(path, len, c->err, sizeof(c->err))) == NULL)
		return -1;
	if (c->conf.sim_lamps && c->light[0] >= 0)
		relight(c, buf, len);
	return 0;
}

static int
sim_capture(void *arg, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	struct sim *c = arg;
	struct timespec ts;

	*buf = NULL;
	*len = 0;
	c->shots++;
	if (c->conf.sim_latency_ms > 0) {
		ts.tv_sec = c->conf.sim_latency_ms / 1000;
		ts.tv_nsec = (long)(c->conf.sim_latency_ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if (c->conf.sim_fail_every > 0 &&
	    c->shots % (unsigned long)c->conf.sim_fail_every == 0) {
		snprintf(c->err, sizeof(c->err), "simulated camera: the camera "
		    "did not answer (injected failure, every %d captures)",
		    c->conf.sim_fail_every);
		return -1;
	}
	if (frame(c, buf, len) == -1)
		return -1;
	snprintf(name, namelen, "%s", c->files[c->next]);
	c->next++;
	return 0;
}

/* Live view: the frame the next capture would give, as it is lit now. */
static int
sim_preview(void *arg, unsigned char **buf, size_t *len)
{
	return frame(arg, buf, len);
}

static const char *
sim_describe(const void *arg)
{
	return ((const struct sim *)arg)->desc;
}

static const char *
sim_error(const void *arg)
{
	return ((const struct sim *)arg)->err;
}

static void
sim_close(void *arg)
{
	struct sim *c = arg;

	if (c == NULL)
		return;
	free_list(c);
	free(c);
}

const struct cam_ops cam_sim_ops = {
	"sim", sim_open, sim_capture, sim_light, sim_describe, sim_error,
	NULL, sim_close, NULL, NULL, sim_preview
};
