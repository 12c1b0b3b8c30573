/* encode.c — stub, replaced by the libjpeg encoder. */
#include "photo/internal.h"

int
photo_encode(photo_ctx *ctx, const pimg *rgb, int quality, int dpi,
    unsigned char **jpeg, size_t *len)
{
	(void)rgb; (void)quality; (void)dpi; (void)jpeg; (void)len;
	return photo_seterr(ctx, "not implemented");
}

int
photo_encode_search(photo_ctx *ctx, const pimg *rgb, photo_output *out)
{
	(void)rgb; (void)out;
	return photo_seterr(ctx, "not implemented");
}

int
pimg_resize_area(const pimg *src, double x0, double y0, double scale,
    pimg *dst)
{
	(void)src; (void)x0; (void)y0; (void)scale; (void)dst;
	return -1;
}
