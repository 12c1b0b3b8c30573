/*
 * cam.h — the camera interface (prefix cam_). The daemon's camera thread
 * is the only caller: every function may block (libgphoto2 does), so none
 * is ever called from the main loop.
 *
 * Drivers (cam.c picks one by cam_conf.driver):
 *   "sim"      serves the JPEGs of a folder in name order, in turn or
 *              once through, with a configurable latency and injectable
 *              failures, and optionally lit by a model of the lamp rig,
 *              for the demo and the tests (cam_sim.c);
 *   "gphoto2"  the real tethered camera through libgphoto2: USB PTP
 *              cameras, or PTP/IP (cam_gphoto.c).
 *
 * Handles are opaque; cam_close(NULL) is a no-op. Calls return 0 or -1
 * with the reason in cam_error().
 */
#ifndef CAM_H
#define CAM_H

#include <limits.h>
#include <stddef.h>

struct cam_conf {
	char	driver[16];		/* "sim", "gphoto2" */
	/* gphoto2: the camera by model and port ("" each: the first one
	 * autodetected), e.g. "Canon EOS 2000D" and "usb:001,004", or
	 * "PTP/IP Camera" and "ptpip:192.168.1.2" */
	char	model[128];
	char	port[128];
	char	image_format[64];	/* gphoto2: the JPEG size to set, as the
					 * camera names it; "": medium fine */
	int	busy_retries;		/* gphoto2: tries while "device busy" */
	int	timeout_s;		/* gphoto2: longest a call may take */
	int	preview_fps;		/* live view: frames a second, at most */
	char	sim_dir[PATH_MAX];	/* sim: the folder of frames */
	int	sim_cycle;		/* sim: start again after the last */
	int	sim_latency_ms;		/* sim: time a capture takes */
	int	sim_fail_every;		/* sim: every Nth capture fails; 0 never */
	int	sim_hold_ms;		/* sim, fault injection for tests: the
					 * daemon holds each frame's processing
					 * this long after archiving it */
	/* sim: the studio's lamps. With sim_lamps set, each frame is lit by
	 * the levels given to cam_light(): the image's left side by the left
	 * lamp, its right side by the right one, blended across the middle,
	 * times each simulated lamp's efficiency; at sim_lamp_ref on both
	 * sides with efficiency 1 the frame is served as it is. */
	int	sim_lamps;
	double	sim_lamp_eff[2];	/* left, right: light per unit level */
	double	sim_lamp_ref;		/* the level the frames were shot at */
};

typedef struct cam cam;

/* A driver: the calls below, on its own handle (cam.c dispatches). */
struct cam_ops {
	const char *name;
	void	*(*open)(const struct cam_conf *, char *err, size_t errlen);
	int	 (*capture)(void *, unsigned char **buf, size_t *len,
		    char *name, size_t namelen);
	void	 (*light)(void *, double left, double right);
	const char *(*describe)(const void *);
	const char *(*error)(const void *);
	void	 (*cancel)(void *);	/* NULL: nothing blocks for long */
	void	 (*close)(void *);
	int	 (*watch)(void *, int ms, unsigned char **buf, size_t *len,
		    char *name, size_t namelen);	/* NULL: no events */
	const char *(*info)(void *);	/* NULL: describe() says it all */
	int	 (*preview)(void *, unsigned char **buf, size_t *len);
};
extern const struct cam_ops cam_sim_ops, cam_gphoto_ops;

/* Opens the configured camera; NULL with the reason in err. */
cam	*cam_open(const struct cam_conf *conf, char *err, size_t errlen);

/*
 * Takes one frame. On success *buf (malloc'd, the caller frees it) holds
 * the camera's JPEG and name its file name on the camera.
 */
int	 cam_capture(cam *c, unsigned char **buf, size_t *len, char *name,
	    size_t namelen);

/*
 * One live-view frame (a small JPEG of what the camera sees now, for the
 * operator's framing; nothing is stored on the camera): *buf is
 * malloc'd, the caller frees it. The simulated camera serves the frame
 * its next capture would give.
 */
int	 cam_preview(cam *c, unsigned char **buf, size_t *len);

/*
 * While the station waits: listens up to ms for the camera. Returns 1 for
 * a frame shot with the camera's own shutter (in *buf and name, as
 * cam_capture gives them), 0 for nothing, -1 when the camera is gone
 * (cam_error says why). Drivers without events return 0 at once;
 * cam_watches() says which ones have them.
 */
int	 cam_watch(cam *c, int ms, unsigned char **buf, size_t *len,
	    char *name, size_t namelen);
int	 cam_watches(const cam *c);

/*
 * What the lamps give for the next frames, as summed levels of the lamps
 * on each side (left, right as seen from the camera). The simulated
 * camera's lamp model uses it; a real camera sees the real lamps and
 * ignores it.
 */
void	 cam_light(cam *c, double left, double right);

/*
 * Makes a blocking call of c return soon with an error (shutdown). The
 * only call that may be made from another thread than the camera's.
 */
void	 cam_cancel(cam *c);

/*
 * The camera's own account, read from it now (so it may block): lines of
 * "name: value", e.g. the model, the port, the battery, and the settings
 * that matter to the station as the camera reads them back. The text is
 * the handle's, good until the next call on it.
 */
const char *cam_info(cam *c);

/* One line about the camera: driver, model, where it is. */
const char *cam_describe(const cam *c);
const char *cam_error(const cam *c);
void	 cam_close(cam *c);

#endif /* CAM_H */
