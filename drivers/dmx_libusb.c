/*
 * dmx_libusb.c — the default struct dmx_usb: libusb-1.0. Each open device
 * has its own libusb context (no library-wide state), made when the device
 * is opened and ended when it is closed, so a replug starts from a fresh
 * device list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libusb.h>

#include "drivers/dmx.h"

struct usbdev {
	libusb_context *ctx;
	libusb_device_handle *h;
	int	claimed;
};

static int
has(const char *s, const char *want)
{
	return want == NULL || want[0] == '\0' || strstr(s, want) != NULL;
}

/* Reads string descriptor idx into buf ("" when absent). */
static void
usb_string(libusb_device_handle *h, uint8_t idx, char *buf, int len)
{
	buf[0] = '\0';
	if (idx == 0 || libusb_get_string_descriptor_ascii(h, idx,
	    (unsigned char *)buf, len) < 0)
		buf[0] = '\0';
}

static void
usb_close(void *dev)
{
	struct usbdev *u = dev;

	if (u == NULL)
		return;
	if (u->h != NULL) {
		if (u->claimed)
			libusb_release_interface(u->h, 0);
		libusb_close(u->h);
	}
	if (u->ctx != NULL)
		libusb_exit(u->ctx);
	free(u);
}

/*
 * Walks the bus for vid:pid with matching strings. A device that exists
 * but cannot be opened is named with the fix (the udev rule), because
 * that is the common case on a fresh install.
 */
static void *
usb_open(void *arg, uint16_t vid, uint16_t pid, const char *manufacturer,
    const char *product, const char *serial, int claim, char *err,
    size_t errlen)
{
	struct usbdev *u;
	libusb_device **list = NULL;
	ssize_t n, i;
	int rc, denied = 0;
	char m[128], p[128], s[128];

	(void)arg;
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((rc = libusb_init(&u->ctx)) < 0) {
		snprintf(err, errlen, "libusb: %s", libusb_strerror(rc));
		u->ctx = NULL;
		goto fail;
	}
	if ((n = libusb_get_device_list(u->ctx, &list)) < 0) {
		snprintf(err, errlen, "libusb: %s", libusb_strerror((int)n));
		goto fail;
	}
	for (i = 0; i < n && u->h == NULL; i++) {
		struct libusb_device_descriptor dd;
		libusb_device_handle *h;

		if (libusb_get_device_descriptor(list[i], &dd) < 0 ||
		    dd.idVendor != vid || dd.idProduct != pid)
			continue;
		if ((rc = libusb_open(list[i], &h)) < 0) {
			denied |= rc == LIBUSB_ERROR_ACCESS;
			continue;
		}
		usb_string(h, dd.iManufacturer, m, sizeof(m));
		usb_string(h, dd.iProduct, p, sizeof(p));
		usb_string(h, dd.iSerialNumber, s, sizeof(s));
		if (has(m, manufacturer) && has(p, product) &&
		    (serial == NULL || serial[0] == '\0' ||
		    strcmp(s, serial) == 0))
			u->h = h;
		else
			libusb_close(h);
	}
	libusb_free_device_list(list, 1);
	if (u->h == NULL) {
		snprintf(err, errlen, "no USB device %04x:%04x%s%s%s%s found%s",
		    vid, pid, product ? " \"" : "", product ? product : "",
		    product ? "\"" : "", serial && serial[0] ? " with that "
		    "serial" : "", denied ? " that we may open (permission "
		    "denied: install 70-idphotod.rules and add the user to "
		    "group plugdev)" : "");
		goto fail;
	}
	if (claim) {
		/* ftdi_sio holds the Pro; take it over (no-op elsewhere) */
		if (libusb_kernel_driver_active(u->h, 0) == 1 &&
		    (rc = libusb_detach_kernel_driver(u->h, 0)) < 0) {
			snprintf(err, errlen, "detaching the kernel driver: %s",
			    libusb_strerror(rc));
			goto fail;
		}
		if ((rc = libusb_claim_interface(u->h, 0)) < 0) {
			snprintf(err, errlen, "claiming the interface: %s",
			    libusb_strerror(rc));
			goto fail;
		}
		u->claimed = 1;
	}
	return u;
fail:
	usb_close(u);
	return NULL;
}

static int
usb_control(void *dev, uint8_t type, uint8_t request, uint16_t value,
    uint16_t index, unsigned char *data, uint16_t len, unsigned timeout_ms)
{
	struct usbdev *u = dev;

	return libusb_control_transfer(u->h, type, request, value, index, data,
	    len, timeout_ms);
}

static int
usb_bulk(void *dev, uint8_t endpoint, unsigned char *data, int len,
    unsigned timeout_ms)
{
	struct usbdev *u = dev;
	int done = 0, rc;

	rc = libusb_bulk_transfer(u->h, endpoint, data, len, &done,
	    timeout_ms);
	return rc < 0 && done == 0 ? rc : done;
}

const struct dmx_usb dmx_libusb = {
	usb_open, usb_control, usb_bulk, usb_close, NULL
};
