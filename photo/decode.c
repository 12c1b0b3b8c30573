/* decode.c — stub, replaced by the libjpeg-turbo decoder. */
#include "photo/internal.h"

photo_image *
photo_decode(photo_ctx *ctx, const void *jpeg, size_t len)
{
	(void)jpeg; (void)len;
	photo_seterr(ctx, "not implemented");
	return NULL;
}

void
photo_image_destroy(photo_image *im)
{
	(void)im;
}

void
photo_image_size(const photo_image *im, int *w, int *h)
{
	*w = im->src_w;
	*h = im->src_h;
}

int
photo_decode_region(photo_ctx *ctx, const photo_image *im, int num,
    const photo_rect *src, pimg *out, int *ox, int *oy)
{
	(void)im; (void)num; (void)src; (void)out; (void)ox; (void)oy;
	return photo_seterr(ctx, "not implemented");
}

int
photo_inspect(photo_ctx *ctx, const void *jpeg, size_t len,
    photo_fileinfo *fi)
{
	(void)jpeg; (void)len; (void)fi;
	return photo_seterr(ctx, "not implemented");
}
