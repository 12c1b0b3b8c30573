/* cascade.c — stub, replaced by the Haar cascade evaluator. */
#include <stdio.h>
#include <stdlib.h>

#include "photo/internal.h"

pcascade *
pcascade_load(const char *path, char *err, size_t errlen)
{
	(void)path;
	snprintf(err, errlen, "not implemented");
	return NULL;
}

void
pcascade_free(pcascade *c)
{
	(void)c;
}

void
pcascade_winsize(const pcascade *c, int *w, int *h)
{
	(void)c;
	*w = *h = 0;
}

int
pcascade_detect(const pcascade *c, const pimg *grey, double scale_factor,
    int min_neighbors, int min_w, int min_h, int max_w, int max_h,
    prect_i **out, int **neighbors)
{
	(void)c; (void)grey; (void)scale_factor; (void)min_neighbors;
	(void)min_w; (void)min_h; (void)max_w; (void)max_h;
	*out = NULL;
	if (neighbors)
		*neighbors = NULL;
	return 0;
}

int
pimg_grey(const pimg *rgb, pimg *grey)
{
	(void)rgb; (void)grey;
	return -1;
}

int
pimg_resize_linear(const pimg *src, pimg *dst)
{
	(void)src; (void)dst;
	return -1;
}
