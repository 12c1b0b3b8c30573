/*
 * cam.c — the camera interface's dispatch: a handle is a driver's ops
 * and its own state. The drivers live in cam_sim.c and cam_gphoto.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/cam.h"

struct cam {
	const struct cam_ops *ops;
	void	*impl;
	char	info[1024];	/* cam_info of a driver with no info() */
};

static const struct cam_ops *const drivers[] = { &cam_sim_ops,
    &cam_gphoto_ops };

cam *
cam_open(const struct cam_conf *conf, char *err, size_t errlen)
{
	const struct cam_ops *ops = NULL;
	cam *c;
	size_t i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(conf->driver, drivers[i]->name) == 0)
			ops = drivers[i];
	if (ops == NULL) {
		snprintf(err, errlen, "camera driver \"%s\" is not known "
		    "(known: sim, gphoto2)", conf->driver);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ops = ops;
	if ((c->impl = ops->open(conf, err, errlen)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

int
cam_capture(cam *c, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	return c->ops->capture(c->impl, buf, len, name, namelen);
}

int
cam_preview(cam *c, unsigned char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	return c->ops->preview(c->impl, buf, len);
}

int
cam_watch(cam *c, int ms, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	*buf = NULL;
	*len = 0;
	if (c->ops->watch == NULL)
		return 0;
	return c->ops->watch(c->impl, ms, buf, len, name, namelen);
}

int
cam_watches(const cam *c)
{
	return c->ops->watch != NULL;
}

void
cam_light(cam *c, double left, double right)
{
	if (c->ops->light != NULL)
		c->ops->light(c->impl, left, right);
}

void
cam_cancel(cam *c)
{
	if (c != NULL && c->ops->cancel != NULL)
		c->ops->cancel(c->impl);
}

const char *
cam_info(cam *c)
{
	if (c->ops->info != NULL)
		return c->ops->info(c->impl);
	snprintf(c->info, sizeof(c->info), "driver: %s\n",
	    c->ops->describe(c->impl));
	return c->info;
}

const char *
cam_describe(const cam *c)
{
	return c->ops->describe(c->impl);
}

const char *
cam_error(const cam *c)
{
	return c->ops->error(c->impl);
}

void
cam_close(cam *c)
{
	if (c == NULL)
		return;
	c->ops->close(c->impl);
	free(c);
}
