/* stubs for the files the lead writes (measure, crop, pipeline, id, save) */
#include "photo/internal.h"

int
photo_measure_face(photo_ctx *ctx, photo_image *im, const prect_i *box,
    photo_face *f)
{
	(void)im; (void)box; (void)f;
	return photo_seterr(ctx, "not implemented");
}

int
photo_plan_crop(const photo_params *p, const photo_face *f, int src_w,
    int src_h, double max_scale, photo_crop *c)
{
	(void)p; (void)f; (void)src_w; (void)src_h; (void)max_scale; (void)c;
	return -1;
}

int
photo_analyze(photo_ctx *ctx, photo_image *im, photo_result *r)
{
	(void)im; (void)r;
	return photo_seterr(ctx, "not implemented");
}

int
photo_render(photo_ctx *ctx, photo_image *im, const photo_result *r,
    photo_output *out)
{
	(void)im; (void)r; (void)out;
	return photo_seterr(ctx, "not implemented");
}

int
photo_annotate(photo_ctx *ctx, photo_image *im, const photo_result *r,
    unsigned char **jpeg, size_t *len)
{
	(void)im; (void)r; (void)jpeg; (void)len;
	return photo_seterr(ctx, "not implemented");
}

int
photo_check_file(photo_ctx *ctx, const char *name, const void *jpeg,
    size_t len, photo_fileinfo *fi, photo_result *r)
{
	(void)name; (void)jpeg; (void)len; (void)fi; (void)r;
	return photo_seterr(ctx, "not implemented");
}
