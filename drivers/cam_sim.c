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
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "drivers/cam.h"

struct cam {
	struct cam_conf conf;
	char	**files;
	int	nfiles, next;
	unsigned long shots;
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
free_list(cam *c)
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
list(cam *c)
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

cam *
cam_open(const struct cam_conf *conf, char *err, size_t errlen)
{
	cam *c;

	if (strcmp(conf->driver, "sim") != 0) {
		snprintf(err, errlen, "camera driver \"%s\" is not built in "
		    "(known: sim)", conf->driver);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->conf = *conf;
	if (list(c) == -1) {
		snprintf(err, errlen, "%s", c->err);
		cam_close(c);
		return NULL;
	}
	if (c->nfiles == 0) {
		snprintf(err, errlen, "simulated camera: no .jpg frames in %s",
		    conf->sim_dir);
		cam_close(c);
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

int
cam_capture(cam *c, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	char path[PATH_MAX * 2];
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
	snprintf(name, namelen, "%s", c->files[c->next]);
	c->next++;
	return 0;
}

const char *
cam_describe(const cam *c)
{
	return c->desc;
}

const char *
cam_error(const cam *c)
{
	return c->err;
}

void
cam_close(cam *c)
{
	if (c == NULL)
		return;
	free_list(c);
	free(c);
}
