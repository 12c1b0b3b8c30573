/* stubs for idnum.c and save.c */
#include "photo/internal.h"

int
photo_id_check(photo_ctx *ctx, const char *in, char out[PHOTO_ID_LEN + 1],
    time_t now)
{
	(void)in; (void)out; (void)now;
	return photo_seterr(ctx, "not implemented");
}

int
photo_save(photo_ctx *ctx, const char *dir, const char *name,
    const void *buf, size_t len, int flags, char *moved, size_t movedlen)
{
	(void)dir; (void)name; (void)buf; (void)len; (void)flags; (void)moved;
	(void)movedlen;
	return photo_seterr(ctx, "not implemented");
}
