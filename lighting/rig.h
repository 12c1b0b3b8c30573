/*
 * rig.h — the lamp rig (prefix rig_): the spec's two 5500-5600 K lamps at
 * 45 degrees left and right (R-LIGHT-3), driven over one DMX universe.
 *
 * The rig model comes from the configuration: each lamp has a DMX start
 * address and a channel layout (a dimmer of 8 or 16 bits, then optionally
 * a colour-temperature channel of 8 or 16 bits, mapped linearly from the
 * fixture's cct_min..cct_max), a calibrated level and colour temperature,
 * and a fade time. The station switches the rig between three modes:
 * shooting (every lamp at its calibrated level, while an ID is armed),
 * standby (the calibrated level times `standby`, between people) and off.
 * Every change of mode or of calibration fades linearly from the level the
 * lamp has at that moment.
 *
 * A rig runs its own thread, which re-sends the whole universe at
 * refresh_hz (DMX has no acknowledgement and some fixtures black out when
 * frames stop), reopens a vanished interface once a second and then sends
 * the current levels again. The other threads only set targets and read a
 * status snapshot, under the rig's mutex; notify (when given) is called
 * from the rig thread when the interface comes or goes, so the daemon can
 * wake its main loop. Left and right are as seen from the camera.
 */
#ifndef RIG_H
#define RIG_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/dmx.h"

#define RIG_MAX_LAMPS	8
#define RIG_CCT_MIN	5500	/* R-LIGHT-3: 5500-5600 K */
#define RIG_CCT_MAX	5600

enum rig_mode { RIG_OFF, RIG_STANDBY, RIG_SHOOTING };

struct rig_lamp {
	char	name[32];
	char	position[8];	/* "left" or "right" */
	int	address;	/* first DMX channel, 1..512 */
	int	dimmer_bits;	/* 8 or 16 (coarse, then fine) */
	int	cct_bits;	/* 0 (no CCT channel), 8 or 16 */
	int	cct_min, cct_max;	/* K at CCT value 0 and at full */
	double	level;		/* calibrated level, 0..1 of full */
	int	cct;		/* calibrated colour temperature, K */
	int	fade_ms;	/* time a change of level takes */
};

struct rig_conf {
	struct dmx_conf dmx;	/* lighting.driver, .device (restart) */
	int	refresh_hz;	/* frames per second (restart) */
	double	standby;	/* standby level, fraction of calibrated */
	char	shutdown[8];	/* "standby" or "off": on exit */
	int	nlamps;
	struct rig_lamp lamp[RIG_MAX_LAMPS];
};

/* A lamp's defaults (no name, position or address): 16-bit dimmer, 8-bit
 * CCT over 2700..6500 K, level 0.8, 5500 K, 800 ms fades. */
void	rig_lamp_default(struct rig_lamp *l);

/* The defaults documented in conf/idphotod.conf: the simulated sink and
 * two lamps, "left" at address 1 and "right" at address 4. */
void	rig_conf_default(struct rig_conf *c);

/*
 * Checks what the key table cannot: positions, footprints inside 1..512,
 * lamps that overlap, colour temperatures outside the fixture's range or
 * outside R-LIGHT-3, and a left and a right lamp present. -1 with the
 * reason in err and the offending lamp's index in *lamp (-1: the rig).
 */
int	rig_conf_check(const struct rig_conf *c, int *lamp, char *err,
	    size_t errlen);

/* Channels a lamp takes. */
int	rig_footprint(const struct rig_lamp *l);

/* The universe for the given lamp levels (0..1): dimmers and CCTs, the
 * rest 0. */
void	rig_frame(const struct rig_conf *c, const double *level,
	    uint8_t out[DMX_CHANNELS]);

/*
 * Calibration: the lamp levels that would bring a left/right balance of
 * the light (left/right luminance as seen in the image, > 1: the left is
 * the brighter) to 1 and, when target_l > 0, the face's lightness (L*,
 * "light.face_lightness") to target_l. The balance is the backdrop's
 * (photo's "bg.balance", R-BG-1: what the lamps light evenly) or, without
 * a backdrop in the picture, the face's cheeks ("light.balance"). The
 * lamps of each side are scaled together, by the square root of the
 * correction each way; the ratio of the two sides' levels moves by
 * balance^-gain. gain is how much less than itself a ratio of levels moves
 * the measured ratio: about 1 for the backdrop beside the subject (each
 * side lit mostly by its own lamp), 2 for the cheeks (each lit by both
 * lamps, RIG_GAIN_FACE). A level that would pass 1 scales every lamp down
 * instead. *out is c with the new levels. Returns RIG_BALANCED when c is
 * within tolerance already (balance within 3 %, lightness within 2 L*),
 * RIG_AT_FULL when the correction needs more light than the lamps give
 * (the levels are then scaled to fit), else 0.
 */
#define RIG_GAIN_BACKDROP	1.0
#define RIG_GAIN_FACE		2.0
#define RIG_BALANCED	1
#define RIG_AT_FULL	2
int	rig_propose(const struct rig_conf *c, double balance, double gain,
	    double lightness, double target_l, struct rig_conf *out);

struct rig_status {
	int	connected;	/* the interface took the last frame */
	char	describe[256];	/* what the interface is */
	char	error[512];	/* why not, when not connected */
	long	frames;		/* frames sent */
	int	mode;		/* enum rig_mode */
	int	nlamps;
	double	level[RIG_MAX_LAMPS];	/* level now (fading) */
	double	target[RIG_MAX_LAMPS];	/* level being faded to */
	double	side[2];	/* summed levels now: left, right */
	double	side_target[2];	/* the same once the fades are done */
	int	settle_ms;	/* until the last fade is done */
};

typedef struct rig rig;

/*
 * Starts the rig thread in mode (lamps fade in from 0). usb NULL means
 * libusb. NULL with the reason in err when the driver is not known or the
 * thread cannot start; an interface that is absent is not an error here
 * (it is retried, and the status says so).
 */
rig	*rig_start(const struct rig_conf *c, int mode, const struct dmx_usb *usb,
	    void (*notify)(void *), void *arg, char *err, size_t errlen);

/* New calibration: lamp levels, CCTs, fades, standby fade in live. The
 * interface and refresh rate stay as started. */
void	rig_configure(rig *r, const struct rig_conf *c);
void	rig_set_mode(rig *r, int mode);
/* A snapshot: the levels and fades of this instant, the interface's
 * state as of the last frame. */
void	rig_status(rig *r, struct rig_status *st);

/* Sets the lamps to the configured shutdown state at once, sends it, and
 * stops the thread. NULL is a no-op. */
void	rig_stop(rig *r);

#endif /* RIG_H */
