/*
 * jpegerr.c — the libjpeg error manager shared by the decoder, the
 * inspector and the encoder: libjpeg's default manager calls exit() on an
 * error and prints warnings to stderr, and a library may do neither. Here
 * errors are formatted into the struct and longjmp back to the caller;
 * warnings are kept, and with fatal_warnings they end the decode too (a
 * truncated or corrupt frame must not become a grey-padded photo).
 */
#include <string.h>

#include <jerror.h>

#include "photo/internal.h"

static void
on_error(j_common_ptr c)
{
	struct pjerr *e = (struct pjerr *)c->err;

	(*c->err->format_message)(c, e->msg);
	longjmp(e->jb, 1);
}

static void
on_message(j_common_ptr c, int level)
{
	struct pjerr *e = (struct pjerr *)c->err;

	if (level >= 0)
		return;		/* trace messages */
	c->err->num_warnings++;
	if (e->warn_code == 0) {
		e->warn_code = c->err->msg_code;
		(*c->err->format_message)(c, e->warn);
	}
	if (e->fatal_warnings && c->err->msg_code != JWRN_EXTRANEOUS_DATA) {
		e->warn_code = c->err->msg_code;
		(*c->err->format_message)(c, e->msg);
		longjmp(e->jb, 2);
	}
}

struct jpeg_error_mgr *
photo_jpeg_err(struct pjerr *e)
{
	jpeg_std_error(&e->pub);
	e->pub.error_exit = on_error;
	e->pub.emit_message = on_message;
	e->msg[0] = e->warn[0] = '\0';
	e->warn_code = 0;
	e->fatal_warnings = 0;
	return &e->pub;
}
