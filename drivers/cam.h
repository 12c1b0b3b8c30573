/*
 * cam.h — the camera interface (prefix cam_). The daemon's camera thread
 * is the only caller: every function may block (libgphoto2 does), so none
 * is ever called from the main loop.
 *
 * Drivers: "sim" serves the JPEGs of a folder in name order, in turn or
 * once through, with a configurable latency and injectable failures, for
 * the demo and the tests. The real tethered camera (libgphoto2) sits
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

/* One line about the camera: driver, model, where it is. */
const char *cam_describe(const cam *c);
const char *cam_error(const cam *c);
void	 cam_close(cam *c);

#endif /* CAM_H */
