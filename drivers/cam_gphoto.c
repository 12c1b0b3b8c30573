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
 * is a whole JPEG, delete it from the camera. "Device busy" to the
 * trigger (after a failed autofocus, say) or to the download is retried
 * with a doubling back-off; any other error fails the capture with a
 * sentence that says what to do, and the caller closes the handle and
 * opens a new one (camera.c, with its own back-off), because after an
 * I/O error libgphoto2's session is gone.
 *
 * Every call that talks to the camera runs under a deadline
 * (conf.timeout_s), kept by a watchdog thread of the handle's own that
 * never calls libgphoto2. When the deadline passes, or cam_cancel() comes
 * from another thread at shutdown, the watchdog makes the call return:
 * it sets the flag that the GPContext's cancel callback and the back-off
 * sleeps look at, and shuts down the reading side (without closing) of
 * the TCP sockets that gp_camera_init opened for a PTP/IP camera. The
 * sockets are needed because libgphoto2 2.5.30's generic PTP capture
 * never looks at the cancel callback: when InitiateCapture fails
 * (DeviceBusy, or no answer) it ignores the error and waits for a
 * capture event forever (fixed in 2.5.31, commit 8b462f8c8). A shut
 * socket ends that wait with an I/O error. The handle is then spent;
 * camera.c closes it and opens another.
 *
 * No logging here: everything goes back through describe() and error().
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <gphoto2/gphoto2.h>
#include <gphoto2/gphoto2-version.h>

#include "drivers/cam.h"

#define MAXSOCK	4

struct gp {
	struct cam_conf conf;
	GPContext *ctx;
	Camera	*cam;
	atomic_int cancelled;
	atomic_int timedout;	/* the watchdog fired */
	int	sock[MAXSOCK];	/* PTP/IP: the camera's TCP sockets */
	int	nsock;
	/* the watchdog; mu guards deadline, quit and sock */
	pthread_t wd;
	int	wd_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec deadline;	/* CLOCK_MONOTONIC; 0: no call */
	int	quit;
	char	desc[768];
	char	err[1536];
	char	info[2048];
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

/*
 * The TCP sockets open in this process (PTP/IP). gp_open compares the
 * list before and after gp_camera_init: the daemon's other threads use
 * only Unix sockets, so the new ones are the camera's.
 */
static int
tcp_socks(int *fds, int max)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct dirent *e;
	DIR *d;
	int n = 0, fd, type;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		if ((fd = atoi(e->d_name)) <= 2 || fd == dirfd(d))
			continue;
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		sl = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) == 0 &&
		    type == SOCK_STREAM)
			fds[n++] = fd;
	}
	closedir(d);
	return n;
}

/* Makes the call in hand return soon; the caller holds g->mu. */
static void
unstick(struct gp *g)
{
	int i;

	atomic_store(&g->cancelled, 1);
	for (i = 0; i < g->nsock; i++)
		shutdown(g->sock[i], SHUT_RD);
}

static void *
watch(void *arg)
{
	struct gp *g = arg;

	pthread_mutex_lock(&g->mu);
	while (!g->quit) {
		if (g->deadline.tv_sec == 0)
			pthread_cond_wait(&g->cv, &g->mu);
		else if (pthread_cond_timedwait(&g->cv, &g->mu,
		    &g->deadline) == ETIMEDOUT && g->deadline.tv_sec != 0) {
			atomic_store(&g->timedout, 1);
			unstick(g);
			g->deadline.tv_sec = 0;
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* Starts (on) or ends (off) the deadline of a call to the camera. */
static void
deadline(struct gp *g, int on)
{
	pthread_mutex_lock(&g->mu);
	if (on) {
		clock_gettime(CLOCK_MONOTONIC, &g->deadline);
		g->deadline.tv_sec += g->conf.timeout_s;
	} else
		g->deadline.tv_sec = 0;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* What a libgphoto2 error means at the station, and what to do. */
static void
gp_err(struct gp *g, const char *what, int rc)
{
	const char *why;

	if (atomic_load(&g->timedout))
		rc = GP_ERROR_TIMEOUT;
	else if (atomic_load(&g->cancelled))
		rc = GP_ERROR_CANCEL;
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
		why = "the camera stayed busy (after a failed autofocus, or "
		    "still writing): check the focus and the light, then "
		    "press the pedal again";
		break;
	case GP_ERROR_TIMEOUT:
		why = "the camera hangs, or its connection is gone; the "
		    "station reconnects, and if it does not come back, switch "
		    "the camera off and on";
		break;
	case GP_ERROR_NOT_SUPPORTED:
		why = "this camera, or libgphoto2's driver for it, does not "
		    "offer it (Canon EOS and Nikon DSLRs have live view)";
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
	if (atomic_load(&g->timedout))
		snprintf(g->err, sizeof(g->err), "camera: %s: no answer within "
		    "%d s (camera.timeout): %s", what, g->conf.timeout_s, why);
	else if (rc == GP_ERROR_TIMEOUT)
		snprintf(g->err, sizeof(g->err), "camera: %s: no answer in "
		    "time: %s", what, why);
	else
		snprintf(g->err, sizeof(g->err), "camera: %s: %s (libgphoto2 "
		    "%d)", what, why, rc);
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
 * The image format: conf.image_format when it is set (a technician's
 * choice from the resolution the crops leave spare, which `idphotoctl
 * camera` shows); else, of the JPEG choices (no RAW), a medium fine
 * one, else a large fine one, else the first. Canon calls the setting
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
	snprintf(value, sizeof(value), "%s", g->conf.image_format[0] ?
	    g->conf.image_format : pick ? pick : "");
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
	pthread_condattr_t ca;
	int before[MAXSOCK * 4], after[MAXSOCK * 4];
	int rc, i, k, nbefore, nafter;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->conf = *conf;
	if (g->conf.timeout_s <= 0)
		g->conf.timeout_s = 30;
	atomic_init(&g->cancelled, 0);
	atomic_init(&g->timedout, 0);
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->wd, NULL, watch, g) != 0)
		goto fail;
	g->wd_running = 1;
	if ((g->ctx = gp_context_new()) == NULL ||
	    gp_camera_new(&g->cam) < GP_OK)
		goto fail;
	gp_context_set_cancel_func(g->ctx, cancel_cb, g);
	if (choose(g) < GP_OK)
		goto fail;
	nbefore = tcp_socks(before, MAXSOCK * 4);
	deadline(g, 1);
	rc = gp_camera_init(g->cam, g->ctx);
	pthread_mutex_lock(&g->mu);
	nafter = tcp_socks(after, MAXSOCK * 4);
	for (i = 0; i < nafter && g->nsock < MAXSOCK; i++) {
		for (k = 0; k < nbefore && before[k] != after[i]; k++)
			;
		if (k == nbefore)
			g->sock[g->nsock++] = after[i];
	}
	pthread_mutex_unlock(&g->mu);
	if (rc < GP_OK) {
		deadline(g, 0);
		gp_err(g, "open", rc);
		goto fail;
	}
	set_text(g, "capturetarget", "Internal RAM");
	set_format(g);
	deadline(g, 0);
	if (!atomic_load(&g->timedout))
		return g;
	gp_err(g, "open", GP_ERROR_TIMEOUT);
fail:
	snprintf(err, errlen, "%s", g->err[0] ? g->err :
	    "camera: out of memory");
	gp_close(g);
	return NULL;
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

/*
 * Copies file's bytes into *buf (malloc'd, the caller's) when they are a
 * whole JPEG, SOI first and EOI last: a frame cut short by a lost
 * connection never reaches the pipeline. -1 with g->err, which names
 * what ("download of DCIM/IMG_0001.JPG", "live view").
 */
static int
take(struct gp *g, CameraFile *file, const char *what, unsigned char **buf,
    size_t *len)
{
	const char *data = NULL;
	unsigned long size = 0;
	int rc;

	if ((rc = gp_file_get_data_and_size(file, &data, &size)) < GP_OK) {
		gp_err(g, what, rc);
		return -1;
	}
	if (size < 4 || (unsigned char)data[0] != 0xff ||
	    (unsigned char)data[1] != 0xd8 ||
	    (unsigned char)data[size - 2] != 0xff ||
	    (unsigned char)data[size - 1] != 0xd9) {
		snprintf(g->err, sizeof(g->err), "camera: %s: not a whole "
		    "JPEG (%lu bytes); shoot again", what, size);
		return -1;
	}
	if ((*buf = malloc(size)) == NULL) {
		snprintf(g->err, sizeof(g->err), "camera: out of memory");
		return -1;
	}
	memcpy(*buf, data, size);
	*len = size;
	return 0;
}

/*
 * Downloads the camera's file at path into *buf (malloc'd, the caller's)
 * and deletes it from the camera; -1 with g->err on failure, and then
 * *buf is NULL. The caller keeps the deadline.
 */
static int
fetch(struct gp *g, const CameraFilePath *path, unsigned char **buf,
    size_t *len, char *name, size_t namelen)
{
	CameraFile *file = NULL;
	char what[sizeof(path->folder) + sizeof(path->name) + 16];
	int rc, tries = 0;

	if ((rc = gp_file_new(&file)) < GP_OK) {
		gp_err(g, "download", rc);
		return -1;
	}
	while ((rc = gp_camera_file_get(g->cam, path->folder, path->name,
	    GP_FILE_TYPE_NORMAL, file, g->ctx)) == GP_ERROR_CAMERA_BUSY &&
	    again(g, &tries))
		;
	snprintf(what, sizeof(what), "download of %s/%s", path->folder,
	    path->name);
	if (rc < GP_OK)
		gp_err(g, "download", rc);
	else
		rc = take(g, file, what, buf, len);
	gp_file_unref(file);
	if (rc < 0)
		return -1;
	snprintf(name, namelen, "%s", path->name);
	/* leave nothing on the camera. libgphoto2's ptp2 camlib ignores
	 * the camera's answer to DeleteObject, so there is nothing to
	 * check; a file that stays is not worth failing the photo for */
	gp_camera_file_delete(g->cam, path->folder, path->name, g->ctx);
	return 0;
}

static int
gp_capture(void *arg, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	struct gp *g = arg;
	CameraFilePath path;
	int rc, tries = 0;

	*buf = NULL;
	*len = 0;
	memset(&path, 0, sizeof(path));
	deadline(g, 1);
	while ((rc = gp_camera_capture(g->cam, GP_CAPTURE_IMAGE, &path,
	    g->ctx)) == GP_ERROR_CAMERA_BUSY && again(g, &tries))
		;
	if (rc < GP_OK)
		gp_err(g, "capture", rc);
	else
		rc = fetch(g, &path, buf, len, name, namelen);
	deadline(g, 0);
	return rc < 0 ? -1 : 0;
}

/* Live view: one frame of gp_camera_capture_preview (on a DSLR the
 * mirror goes up on the first call and stays up until the camera is
 * closed or a capture). */
static int
gp_preview(void *arg, unsigned char **buf, size_t *len)
{
	struct gp *g = arg;
	CameraFile *file = NULL;
	int rc;

	deadline(g, 1);
	if ((rc = gp_file_new(&file)) < GP_OK ||
	    (rc = gp_camera_capture_preview(g->cam, file, g->ctx)) < GP_OK)
		gp_err(g, "live view", rc);
	else
		rc = take(g, file, "live view", buf, len);
	deadline(g, 0);
	if (file != NULL)
		gp_file_unref(file);
	return rc < 0 ? -1 : 0;
}

/*
 * Listens for the camera's events up to ms: a file the camera announces
 * (GP_EVENT_FILE_ADDED, someone pressed its own shutter, as gphoto2
 * --capture-tethered sees it) is fetched like a capture. An error means
 * the camera is gone: the PTP/IP connection closed, the USB device
 * unplugged or switched off.
 */
static int
gp_watch(void *arg, int ms, unsigned char **buf, size_t *len, char *name,
    size_t namelen)
{
	struct gp *g = arg;
	CameraEventType type;
	void *data = NULL;
	int rc;

	deadline(g, 1);
	rc = gp_camera_wait_for_event(g->cam, ms, &type, &data, g->ctx);
	if (rc < GP_OK)
		gp_err(g, "listen", rc);
	else if (type == GP_EVENT_FILE_ADDED)
		rc = fetch(g, data, buf, len, name, namelen) == 0 ? 1 : -1;
	else
		rc = 0;
	deadline(g, 0);
	free(data);
	return rc < 0 ? -1 : rc;
}

/*
 * Appends "label: value" for the first of the settings names (a
 * space-separated list: Canon and Nikon name some differently) that the
 * camera has; "label: not reported" when it has none.
 */
static void
add_setting(struct gp *g, const char *label, const char *names)
{
	CameraWidget *w = NULL;
	CameraWidgetType type;
	char name[64], value[160] = "not reported";
	const char *p = names, *text;
	size_t used = strlen(g->info), n;
	float f;
	int i;

	while (*p != '\0') {
		n = strcspn(p, " ");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n + (p[n] == ' ');
		if (gp_camera_get_single_config(g->cam, name, &w, g->ctx) <
		    GP_OK)
			continue;
		gp_widget_get_type(w, &type);
		if (type == GP_WIDGET_RANGE && gp_widget_get_value(w, &f) >=
		    GP_OK)
			snprintf(value, sizeof(value), "%g", f);
		else if ((type == GP_WIDGET_TOGGLE || type == GP_WIDGET_DATE) &&
		    gp_widget_get_value(w, &i) >= GP_OK)
			snprintf(value, sizeof(value), "%d", i);
		else if (type != GP_WIDGET_RANGE && type != GP_WIDGET_TOGGLE &&
		    type != GP_WIDGET_DATE && gp_widget_get_value(w, &text) >=
		    GP_OK && text != NULL)
			snprintf(value, sizeof(value), "%s", text);
		gp_widget_free(w);
		break;
	}
	snprintf(g->info + used, sizeof(g->info) - used, "%s: %s\n", label,
	    value);
}

/* What the camera says about itself; gphoto2 --summary and --get-config
 * read the same. */
static const char *
gp_info(void *arg)
{
	struct gp *g = arg;
	CameraAbilities a;
	GPPortInfo pi;
	char *path = NULL;

	g->info[0] = '\0';
	deadline(g, 1);
	if (gp_camera_get_abilities(g->cam, &a) >= GP_OK &&
	    gp_camera_get_port_info(g->cam, &pi) >= GP_OK &&
	    gp_port_info_get_path(pi, &path) >= GP_OK)
		snprintf(g->info, sizeof(g->info), "driver: gphoto2 "
		    "(libgphoto2 %s)\nmodel: %s\nport: %s\n",
		    gp_library_version(GP_VERSION_SHORT)[0], a.model, path);
	add_setting(g, "manufacturer", "manufacturer");
	add_setting(g, "camera model", "cameramodel model");
	add_setting(g, "serial number", "serialnumber eosserialnumber");
	add_setting(g, "firmware", "deviceversion");
	add_setting(g, "battery", "batterylevel");
	add_setting(g, "capture target", "capturetarget");
	add_setting(g, "image format", "imageformat imagequality");
	add_setting(g, "image size", "imagesize");
	add_setting(g, "ISO", "iso");
	add_setting(g, "shutter speed", "shutterspeed shutterspeed2");
	add_setting(g, "aperture", "aperture f-number");
	add_setting(g, "white balance", "whitebalance");
	add_setting(g, "focus mode", "focusmode");
	add_setting(g, "auto power off", "autopoweroff");
	deadline(g, 0);
	return g->info;
}

static void
gp_cancel(void *arg)
{
	struct gp *g = arg;

	pthread_mutex_lock(&g->mu);
	unstick(g);
	pthread_mutex_unlock(&g->mu);
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
	if (g->wd_running) {
		pthread_mutex_lock(&g->mu);
		g->quit = 1;
		pthread_cond_signal(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->wd, NULL);
	}
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
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
	gp_cancel, gp_close, gp_watch, gp_info, gp_preview
};
