/*
 * cam_gphoto.c — the real tethered camera, through libgphoto2: a DSLR
 * over USB (PTP), or a PTP/IP camera on the network.
 *
 * Open: the camera named by model and port, or the first one
 * autodetected; then the settings the station needs, each read back:
 * the capture target in the camera's RAM (nothing left on the card) and
 * a JPEG image format of medium size (smaller files download faster, and
 * a medium JPEG of a DSLR still gives the face crop far more than 640
 * lines). A camera that has no such setting, or refuses it, is not an
 * error; describe() says what was set and what was refused, and the
 * daemon logs it.
 *
 * Capture: trigger, find the new file, download it into memory, check it
 * is a whole JPEG, delete it from the camera. "Device busy" (after a
 * failed autofocus, say) is retried with a doubling back-off; any other
 * error fails the capture with a sentence that says what to do, and the
 * caller closes the handle and opens a new one (camera.c, with its own
 * back-off), because after an I/O error libgphoto2's session is gone.
 *
 * cam_cancel() may come from another thread: it sets a flag that the
 * GPContext's cancel callback and the back-off sleeps look at.
 *
 * No logging here: everything goes back through describe() and error().
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gphoto2/gphoto2.h>

#include "drivers/cam.h"

struct gp {
	struct cam_conf conf;
	GPContext *ctx;
	Camera	*cam;
	atomic_int cancelled;
	char	desc[768];
	char	err[1536];
};

static GPContextFeedback
cancel_cb(GPContext *ctx, void *arg)
{
	struct gp *g = arg;

	(void)ctx;
	return atomic_load(&g->cancelled) ? GP_CONTEXT_FEEDBACK_CANCEL :
	    GP_CONTEXT_FEEDBACK_OK;
}

/* Sleeps ms, in steps, unless cancelled; -1 when cancelled. */
static int
nap(struct gp *g, int ms)
{
	struct timespec ts = { 0, 50 * 1000000L };

	for (; ms > 0; ms -= 50) {
		if (atomic_load(&g->cancelled))
			return -1;
		nanosleep(&ts, NULL);
	}
	return atomic_load(&g->cancelled) ? -1 : 0;
}

/* What a libgphoto2 error means at the station, and what to do. */
static void
gp_err(struct gp *g, const char *what, int rc)
{
	const char *why;

	switch (rc) {
	case GP_ERROR_IO_USB_CLAIM:
		why = "could not claim the USB device: another program holds "
		    "the camera, usually the desktop's volume monitor. Fix: "
		    "systemctl --user mask --now gvfs-gphoto2-volume-monitor "
		    "(or do not log in to a desktop on the station), then "
		    "switch the camera off and on";
		break;
	case GP_ERROR_IO_USB_FIND:
	case GP_ERROR_MODEL_NOT_FOUND:
		why = "no camera found: is it plugged in, switched on, and its "
		    "auto power off disabled?";
		break;
	case GP_ERROR_CAMERA_BUSY:
		why = "the camera stayed busy (a failed autofocus? check the "
		    "focus and the light, then press the pedal again)";
		break;
	case GP_ERROR_TIMEOUT:
		why = "the camera did not answer in time";
		break;
	case GP_ERROR_CANCEL:
		why = "cancelled (the station is stopping)";
		break;
	case GP_ERROR_IO:
	case GP_ERROR_IO_READ:
	case GP_ERROR_IO_WRITE:
	case GP_ERROR:
		why = strcmp(what, "open") == 0 ? "cannot reach the camera: "
		    "is it plugged in (or on the network) and switched on?" :
		    "the camera went away (unplugged, switched off, or its "
		    "battery is flat); the station reconnects when it is back";
		break;
	default:
		why = gp_result_as_string(rc);
	}
	snprintf(g->err, sizeof(g->err), "camera: %s: %s (libgphoto2 %d)",
	    what, why, rc);
}

/* Sets the text setting name to value; appends what happened to desc. */
static void
set_text(struct gp *g, const char *name, const char *value)
{
	CameraWidget *w = NULL;
	const char *back = NULL;
	size_t used = strlen(g->desc);
	int rc;

	if ((rc = gp_camera_get_single_config(g->cam, name, &w, g->ctx)) <
	    GP_OK) {
		snprintf(g->desc + used, sizeof(g->desc) - used, "; no %s "
		    "setting", name);
		return;
	}
	if ((rc = gp_widget_set_value(w, value)) < GP_OK ||
	    (rc = gp_camera_set_single_config(g->cam, name, w, g->ctx)) <
	    GP_OK)
		snprintf(g->desc + used, sizeof(g->desc) - used, "; the camera "
		    "refused %s = %s (%s)", name, value,
		    gp_result_as_string(rc));
	else if (gp_widget_get_value(w, &back) >= GP_OK && back != NULL)
		snprintf(g->desc + used, sizeof(g->desc) - used, "; %s = %s",
		    name, back);
	gp_widget_free(w);
}

/*
 * The image format: of the JPEG choices (no RAW), a medium fine one,
 * else a large fine one, else the first. Canon calls the setting
 * imageformat, Nikon imagequality (with imagesize beside it).
 */
static void
set_format(struct gp *g)
{
	static const char *const names[] = { "imageformat", "imagequality" };
	CameraWidget *w = NULL;
	const char *ch, *pick = NULL, *large = NULL, *first = NULL;
	char value[128];
	size_t k;
	int i, n;

	for (k = 0; k < 2; k++)
		if (gp_camera_get_single_config(g->cam, names[k], &w, g->ctx) >=
		    GP_OK)
			break;
	if (k == 2) {
		size_t used = strlen(g->desc);

		snprintf(g->desc + used, sizeof(g->desc) - used, "; no image "
		    "format setting (the camera's own choice is used)");
		return;
	}
	n = gp_widget_count_choices(w);
	for (i = 0; i < n; i++) {
		if (gp_widget_get_choice(w, i, &ch) < GP_OK || ch == NULL ||
		    strcasestr(ch, "RAW") || strcasestr(ch, "NEF") ||
		    !(strcasestr(ch, "JPEG") || strcasestr(ch, "JPG") ||
		    strcasestr(ch, "Fine") || strcasestr(ch, "Normal")))
			continue;
		if (first == NULL)
			first = ch;
		if (strcasestr(ch, "Medium") && strcasestr(ch, "Fine") &&
		    pick == NULL)
			pick = ch;
		if (strcasestr(ch, "Large") && strcasestr(ch, "Fine") &&
		    large == NULL)
			large = ch;
	}
	pick = pick ? pick : large ? large : first;
	snprintf(value, sizeof(value), "%s", pick ? pick : "");
	gp_widget_free(w);	/* the choice strings go with it */
	if (value[0] != '\0')
		set_text(g, names[k], value);
}

/* The camera by conf's model and port, or the first autodetected. */
static int
choose(struct gp *g)
{
	CameraAbilitiesList *al = NULL;
	GPPortInfoList *pl = NULL;
	CameraList *list = NULL;
	CameraAbilities a;
	GPPortInfo pi;
	const char *model = g->conf.model, *port = g->conf.port;
	int rc, i;

	if (model[0] == '\0' || port[0] == '\0') {
		if ((rc = gp_list_new(&list)) < GP_OK ||
		    (rc = gp_camera_autodetect(list, g->ctx)) < GP_OK) {
			gp_err(g, "autodetect", rc);
			goto done;
		}
		if (gp_list_count(list) < 1) {
			gp_err(g, "autodetect", GP_ERROR_MODEL_NOT_FOUND);
			rc = GP_ERROR_MODEL_NOT_FOUND;
			goto done;
		}
		gp_list_get_name(list, 0, &model);
		gp_list_get_value(list, 0, &port);
	}
	if ((rc = gp_abilities_list_new(&al)) < GP_OK ||
	    (rc = gp_abilities_list_load(al, g->ctx)) < GP_OK ||
	    (rc = i = gp_abilities_list_lookup_model(al, model)) < GP_OK ||
	    (rc = gp_abilities_list_get_abilities(al, i, &a)) < GP_OK ||
	    (rc = gp_camera_set_abilities(g->cam, a)) < GP_OK) {
		gp_err(g, model, rc);
		goto done;
	}
	if ((rc = gp_port_info_list_new(&pl)) < GP_OK ||
	    (rc = gp_port_info_list_load(pl)) < GP_OK ||
	    (rc = i = gp_port_info_list_lookup_path(pl, port)) < GP_OK ||
	    (rc = gp_port_info_list_get_info(pl, i, &pi)) < GP_OK ||
	    (rc = gp_camera_set_port_info(g->cam, pi)) < GP_OK) {
		gp_err(g, port, rc);
		goto done;
	}
	snprintf(g->desc, sizeof(g->desc), "gphoto2: %s at %s", model, port);
	rc = GP_OK;
done:
	gp_list_free(list);
	if (al != NULL)
		gp_abilities_list_free(al);
	if (pl != NULL)
		gp_port_info_list_free(pl);
	return rc;
}

static void gp_close(void *);

static void *
gp_open(const struct cam_conf *conf, char *err, size_t errlen)
{
	struct gp *g;
	int rc;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->conf = *conf;
	atomic_init(&g->cancelled, 0);
	if ((g->ctx = gp_context_new()) == NULL ||
	    (rc = gp_camera_new(&g->cam)) < GP_OK) {
		snprintf(err, errlen, "camera: out of memory");
		gp_close(g);
		return NULL;
	}
	gp_context_set_cancel_func(g->ctx, cancel_cb, g);
	if (choose(g) < GP_OK) {
		snprintf(err, errlen, "%s", g->err);
		gp_close(g);
		return NULL;
	}
	if ((rc = gp_camera_init(g->cam, g->ctx)) < GP_OK) {
		gp_err(g, "open", rc);
		snprintf(err, errlen, "%s", g->err);
		gp_close(g);
		return NULL;
	}
	set_text(g, "capturetarget", "Internal RAM");
	set_format(g);
	return g;
}

/*
 * After "device busy": waits 200 ms, 400 ms, ... and returns 1 to try
 * again, or 0 after conf.busy_retries tries or when cancelled.
 */
static int
again(struct gp *g, int *tries)
{
	if (*tries >= g->conf.busy_retries || nap(g, 200 << *tries) == -1)
		return 0;
	(*tries)++;
	return 1;
}

static int
gp_capture(void *arg, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	struct gp *g = arg;
	CameraFilePath path;
	CameraFile *file = NULL;
	const char *data = NULL;
	unsigned long size = 0;
	int rc, tries = 0;

	*buf = NULL;
	*len = 0;
	memset(&path, 0, sizeof(path));
	while ((rc = gp_camera_capture(g->cam, GP_CAPTURE_IMAGE, &path,
	    g->ctx)) == GP_ERROR_CAMERA_BUSY && again(g, &tries))
		;
	if (rc < GP_OK) {
		gp_err(g, "capture", rc);
		return -1;
	}
	if ((rc = gp_file_new(&file)) < GP_OK ||
	    (rc = gp_camera_file_get(g->cam, path.folder, path.name,
	    GP_FILE_TYPE_NORMAL, file, g->ctx)) < GP_OK ||
	    (rc = gp_file_get_data_and_size(file, &data, &size)) < GP_OK) {
		gp_err(g, "download", rc);
		goto fail;
	}
	/* a whole JPEG, or nothing: no partial frame reaches the pipeline */
	if (size < 4 || (unsigned char)data[0] != 0xff ||
	    (unsigned char)data[1] != 0xd8 ||
	    (unsigned char)data[size - 2] != 0xff ||
	    (unsigned char)data[size - 1] != 0xd9) {
		snprintf(g->err, sizeof(g->err), "camera: download of %s/%s: "
		    "not a whole JPEG (%lu bytes); shoot again", path.folder,
		    path.name, size);
		goto fail;
	}
	if ((*buf = malloc(size)) == NULL) {
		snprintf(g->err, sizeof(g->err), "camera: out of memory");
		goto fail;
	}
	memcpy(*buf, data, size);
	*len = size;
	snprintf(name, namelen, "%s", path.name);
	gp_file_unref(file);
	/* leave nothing on the camera; a file that stays is not worth
	 * failing the photo for */
	tries = 0;
	while (gp_camera_file_delete(g->cam, path.folder, path.name, g->ctx)
	    == GP_ERROR_CAMERA_BUSY && again(g, &tries))
		;
	return 0;
fail:
	if (file != NULL)
		gp_file_unref(file);
	return -1;
}

static void
gp_cancel(void *arg)
{
	atomic_store(&((struct gp *)arg)->cancelled, 1);
}

static const char *
gp_describe(const void *arg)
{
	return ((const struct gp *)arg)->desc;
}

static const char *
gp_error(const void *arg)
{
	return ((const struct gp *)arg)->err;
}

static void
gp_close(void *arg)
{
	struct gp *g = arg;

	if (g == NULL)
		return;
	if (g->cam != NULL) {
		gp_camera_exit(g->cam, g->ctx);
		gp_camera_unref(g->cam);
	}
	if (g->ctx != NULL)
		gp_context_unref(g->ctx);
	free(g);
}

const struct cam_ops cam_gphoto_ops = {
	"gphoto2", gp_open, gp_capture, NULL, gp_describe, gp_error,
	gp_cancel, gp_close
};
