/*
 * cam.h — the camera interface (prefix cam_). The daemon's camera thread
 * is the only caller: every function may block (libgphoto2 does), so none
 * is ever called from the main loop.
 *
 * Drivers: "sim" serves the JPEGs of a folder in name order, in turn or
 * once through, with a configurable latency and injectable failures, and
 * optionally lit by a model of the lamp rig, for the demo and the tests. The real tethered camera (libgphoto2) sits
 * behind the same calls.
 *
 * Handles are opaque; cam_close(NULL) is a no-op. Calls return 0 or -1
 * with the reason in cam_error().
 */
#ifndef CAM_H
#define CAM_H

#include <limits.h>
#include <stddef.h>

struct cam_conf {
	char	driver[16];		/* "sim" */
	char	sim_dir[PATH_MAX];	/* sim: the folder of frames */
	int	sim_cycle;		/* sim: start again after the last */
	int	sim_latency_ms;		/* sim: time a capture takes */
	int	sim_fail_every;		/* sim: every Nth capture fails; 0 never */
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

/* Opens the configured camera; NULL with the reason in err. */
cam	*cam_open(const struct cam_conf *conf, char *err, size_t errlen);

/*
 * Takes one frame. On success *buf (malloc'd, the caller frees it) holds
 * the camera's JPEG and name its file name on the camera.
 */
int	 cam_capture(cam *c, unsigned char **buf, size_t *len, char *name,
	    size_t namelen);

/*
 * What the lamps give for the next frames, as summed levels of the lamps
 * on each side (left, right as seen from the camera). The simulated
 * camera's lamp model uses it; a real camera sees the real lamps and
 * ignores it.
 */
void	 cam_light(cam *c, double left, double right);

/* One line about the camera: driver, model, where it is. */
const char *cam_describe(const cam *c);
const char *cam_error(const cam *c);
void	 cam_close(cam *c);

#endif /* CAM_H */
