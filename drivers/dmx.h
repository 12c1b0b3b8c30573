/*
 * dmx.h — USB-DMX interfaces (prefix dmx_). One handle drives one DMX
 * universe through one interface:
 *
 *   "enttec"      Enttec DMX USB Pro (FTDI 0403:6001, product string
 *                 "DMX USB PRO") through libusb: the kernel's ftdi_sio is
 *                 detached, the FTDI is set up by control transfers, and
 *                 each frame is an "Output Only Send DMX" message (label 6)
 *                 on bulk endpoint 0x02;
 *   "enttec-tty"  the same messages written to the tty ftdi_sio makes
 *                 (/dev/ttyUSB*), for machines where the kernel driver
 *                 stays;
 *   "udmx"        Anyma uDMX (16c0:05dc, "www.anyma.ch"/"uDMX"): one vendor
 *                 control transfer (SetChannelRange) per frame;
 *   "sim"         a sink that keeps the last frame and, when given a file,
 *                 appends every frame it is sent to it as a text line, for
 *                 the demo and the tests.
 *
 * DMX has no acknowledgement, so the caller re-sends the universe at a
 * steady rate (lighting/ does, from its own thread). A send that fails
 * means the interface is gone: the handle closes the device, and the next
 * dmx_send() tries to open it again, so a replugged interface comes back
 * without the caller doing more than keep sending.
 *
 * The libusb code paths run through struct dmx_usb, a thin transport seam:
 * the default is libusb, and the tests pass their own to assert the exact
 * control and bulk transfers.
 *
 * Handles are opaque; functions return 0 or -1 with the reason in
 * dmx_error(); dmx_destroy(NULL) is a no-op. A handle is used by one thread.
 */
#ifndef DMX_H
#define DMX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define DMX_CHANNELS	512

struct dmx_conf {
	char	driver[16];		/* "sim", "enttec", "enttec-tty", "udmx" */
	/* enttec-tty: the tty; enttec, udmx: the USB serial number to pick
	 * ("" = the first one found); sim: the file to record frames in
	 * ("" = keep only the last frame) */
	char	device[PATH_MAX];
};

/*
 * The USB transport. open finds the first device with vid:pid whose
 * manufacturer and product strings contain the given ones (NULL: any) and
 * whose serial equals serial (NULL or "": any), detaches a kernel driver
 * from interface 0 and claims it when claim is set. Transfers return the
 * byte count or a negative libusb error code (LIBUSB_ERROR_*).
 */
struct dmx_usb {
	void	*(*open)(void *arg, uint16_t vid, uint16_t pid,
		    const char *manufacturer, const char *product,
		    const char *serial, int claim, char *err, size_t errlen);
	int	 (*control)(void *dev, uint8_t type, uint8_t request,
		    uint16_t value, uint16_t index, unsigned char *data,
		    uint16_t len, unsigned timeout_ms);
	int	 (*bulk)(void *dev, uint8_t endpoint, unsigned char *data,
		    int len, unsigned timeout_ms);
	void	 (*close)(void *dev);
	void	*arg;
};

/* The libusb transport, the default (dmx_libusb.c). */
extern const struct dmx_usb dmx_libusb;

typedef struct dmx dmx;

/*
 * A handle for conf; usb NULL means libusb. Nothing is opened yet. NULL
 * when out of memory or when the driver is not known (err says which).
 */
dmx	*dmx_create(const struct dmx_conf *conf, const struct dmx_usb *usb,
	    char *err, size_t errlen);
void	 dmx_destroy(dmx *d);

/*
 * Sends channels 1..n (ch[0] is channel 1; the rest of the 512 are sent
 * as 0), opening the interface first when it is not open. -1 when it
 * cannot be opened or the send failed; the device is then closed.
 */
int	 dmx_send(dmx *d, const uint8_t *ch, int n);

/* 1 while the interface is open (the last send worked). */
int	 dmx_connected(const dmx *d);

/* What the handle drives, e.g. "Enttec DMX USB Pro serial EN123456". */
const char *dmx_describe(const dmx *d);
const char *dmx_error(const dmx *d);

/* The sim sink's last frame (512 bytes) and the number of frames sent;
 * -1 for other drivers. */
long	 dmx_sim_last(const dmx *d, uint8_t out[DMX_CHANNELS]);

/* The Enttec Pro message carrying channels ch[0..n-1], for the tty and
 * for tests: 0x7E, label 6, length, start code 0, channels, 0xE7. Returns
 * the message length (n + 6); out holds at least DMX_CHANNELS + 6 bytes. */
size_t	 dmx_enttec_frame(const uint8_t *ch, int n, unsigned char *out);

#endif /* DMX_H */
