/*
 * umock.h — what the umockdev tests (test_pedal_evdev, test_dmx_libusb,
 * test_cam_gphoto_usb) and tests/tools/usbmock share: re-running a test
 * under umockdev's preload library, loading the hand-written device
 * descriptions under tests/devices/, and an emulated usbdevfs for one USB
 * device.
 *
 * Design: umockdev 0.17 (Debian 12) replays ioctls from a recorded tree,
 * but that tree cannot answer a control transfer that reads (it compares
 * the whole URB buffer, including the bytes the device is to fill in),
 * always lets USBDEVFS_CLAIMINTERFACE succeed, and cannot make the ioctls
 * fail with ENODEV after an unplug, as the kernel does. So the USB tests
 * attach their own handler (UMockdevIoctlBase's "handle-ioctl" signal)
 * that plays the kernel's usbdevfs for one device: string descriptors
 * come from the device's sysfs attributes, every OUT transfer is logged
 * for the test to compare, and the test can make the claim fail, stall
 * control writes, or unplug the device.
 *
 * Header-only (static functions), because the tests/ helper .c files are
 * linked into every test and only the umockdev tests and usbmock link
 * libumockdev. Built only with HAVE_UMOCKDEV (the Makefile sets it when
 * umockdev-1.0 is installed).
 */
#ifndef UMOCK_H
#define UMOCK_H

#ifdef HAVE_UMOCKDEV

#include <errno.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <umockdev.h>

#define UM_UNUSED	__attribute__((unused))

/*
 * Runs the test again under umockdev-wrapper (LD_PRELOAD of the preload
 * library) unless it already is; exits 0 with a SKIP note when the
 * wrapper is not installed. Call first in main().
 */
static UM_UNUSED void
um_enter(int argc, char **argv)
{
	char **av;
	int i;

	const char *pre = getenv("LD_PRELOAD");

	if (pre != NULL && strstr(pre, "libumockdev-preload") != NULL)
		return;
	if ((av = calloc((size_t)argc + 2, sizeof(*av))) == NULL)
		exit(1);
	av[0] = (char *)"umockdev-wrapper";
	for (i = 0; i < argc; i++)
		av[i + 1] = argv[i];
	execvp(av[0], av);
	fprintf(stderr, "SKIP: umockdev-wrapper cannot be run (%s): install "
	    "umockdev (make deps)\n", strerror(errno));
	exit(0);
}

/* $SRCDIR/tests/devices/name */
static UM_UNUSED const char *
um_device_file(const char *name)
{
	static char path[4][4096];
	static int k;
	const char *src = getenv("SRCDIR");

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/tests/devices/%s",
	    src != NULL && src[0] ? src : ".", name);
	return path[k];
}

/*
 * Adds the devices described in tests/devices/name (umockdev-record's
 * format; lines starting with '#' are our comments, dropped here because
 * umockdev's parser has none), with edits (pairs: from, to; NULL-ended)
 * applied to the text, e.g. to plug the same device in under another
 * node name; 0 or -1 (err).
 */
static UM_UNUSED int
um_add_edit(UMockdevTestbed *tb, const char *name, const char *const *edits,
    char *err, size_t errlen)
{
	GError *e = NULL;
	GString *text;
	gchar *all = NULL, **lines;
	int i, rc = 0;

	if (!g_file_get_contents(um_device_file(name), &all, NULL, &e)) {
		snprintf(err, errlen, "%s: %s", name, e ? e->message : "?");
		g_clear_error(&e);
		return -1;
	}
	text = g_string_new(NULL);
	lines = g_strsplit(all, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		if (lines[i][0] != '#')
			g_string_append_printf(text, "%s\n", lines[i]);
	/* edits: pairs of strings, each first one replaced by the second */
	for (i = 0; edits != NULL && edits[i] != NULL && edits[i + 1] != NULL;
	    i += 2) {
		gchar **parts = g_strsplit(text->str, edits[i], -1);
		gchar *joined = g_strjoinv(edits[i + 1], parts);

		g_string_assign(text, joined);
		g_free(joined);
		g_strfreev(parts);
	}
	if (!umockdev_testbed_add_from_string(tb, text->str, &e)) {
		snprintf(err, errlen, "%s: %s", name, e ? e->message : "?");
		g_clear_error(&e);
		rc = -1;
	}
	g_strfreev(lines);
	g_string_free(text, TRUE);
	g_free(all);
	return rc;
}

static UM_UNUSED int
um_add(UMockdevTestbed *tb, const char *name, char *err, size_t errlen)
{
	return um_add_edit(tb, name, NULL, err, errlen);
}

/* One OUT transfer the device got. */
struct um_xfer {
	int	control;		/* 1 control, 0 bulk */
	unsigned char setup[8];		/* control: the setup packet */
	unsigned char ep;		/* bulk: the endpoint */
	unsigned char data[600];
	int	len;
};

#define UM_MAXLOG	4096

/*
 * The emulated usbdevfs of one device. strings[i] answers GET_DESCRIPTOR
 * (string, i); claim_errno makes USBDEVFS_CLAIMINTERFACE fail; stall
 * makes that many control writes stall (logged all the same); gone makes
 * every ioctl fail with ENODEV (the kernel's answer after an unplug);
 * kernel_driver names the driver bound to interface 0 until it is
 * detached ("" for none).
 */
struct um_usb {
	GMutex	mu;
	UMockdevIoctlBase *h;
	char	strings[8][128];
	char	kernel_driver[32];
	int	claim_errno;
	int	stall;			/* control writes to refuse (stall) */
	int	gone;
	int	claims, detaches;
	GQueue	done;			/* UMockdevIoctlData *: URBs to reap */
	struct um_xfer *log;
	int	nlog;
	int	nodev;			/* ioctls refused with ENODEV */
	char	unknown[512];		/* ioctls not emulated, by number */
};

static void
um_put_le16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

/* A control transfer that reads: GET_DESCRIPTOR (string) only. */
static int
um_control_in(struct um_usb *u, const unsigned char *setup,
    unsigned char *data, int max)
{
	int idx = setup[2], type = setup[3], n, i;
	const char *s;
	unsigned char d[256];

	if (setup[0] != 0x80 || setup[1] != 6 || type != 3)
		return -1;
	if (idx == 0) {			/* the language IDs: en-US */
		d[0] = 4;
		d[1] = 3;
		um_put_le16(d + 2, 0x0409);
		n = 4;
	} else {
		if (idx >= 8 || (s = u->strings[idx])[0] == '\0')
			return -1;
		for (i = 0, n = 2; s[i] != '\0' && n + 2 <= 254; i++, n += 2)
			um_put_le16(d + n, (unsigned char)s[i]);
		d[0] = (unsigned char)n;
		d[1] = 3;
	}
	if (n > max)
		n = max;
	memcpy(data, d, (size_t)n);
	return n;
}

static void
um_note_unknown(struct um_usb *u, unsigned long req)
{
	size_t l = strlen(u->unknown);

	snprintf(u->unknown + l, sizeof(u->unknown) - l, " 0x%lx", req);
}

/* The device's side of one URB: fills in status and actual_length. */
static int
um_urb(struct um_usb *u, struct usbdevfs_urb *urb, unsigned char *buf)
{
	struct um_xfer *x;
	int n;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		if (urb->buffer_length < 8)
			return -EINVAL;
		if (buf[0] & 0x80) {
			n = um_control_in(u, buf, buf + 8,
			    urb->buffer_length - 8);
			if (n < 0) {
				urb->status = -EPIPE;	/* stall */
				urb->actual_length = 0;
				return 0;
			}
			urb->status = 0;
			urb->actual_length = n;
			return 0;
		}
	} else if (urb->type != USBDEVFS_URB_TYPE_BULK ||
	    (urb->endpoint & 0x80)) {
		/* nothing to read: the tests drive OUT endpoints only */
		return -EINVAL;
	}
	if (u->nlog < UM_MAXLOG) {
		x = &u->log[u->nlog++];
		memset(x, 0, sizeof(*x));
		x->control = urb->type == USBDEVFS_URB_TYPE_CONTROL;
		x->ep = urb->endpoint;
		if (x->control) {
			memcpy(x->setup, buf, 8);
			buf += 8;
			n = urb->buffer_length - 8;
		} else
			n = urb->buffer_length;
		x->len = n < (int)sizeof(x->data) ? n : (int)sizeof(x->data);
		memcpy(x->data, buf, (size_t)x->len);
	}
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL && u->stall > 0) {
		u->stall--;
		urb->status = -EPIPE;
		urb->actual_length = 0;
		return 0;
	}
	urb->status = 0;
	urb->actual_length = urb->type == USBDEVFS_URB_TYPE_CONTROL ?
	    urb->buffer_length - 8 : urb->buffer_length;
	return 0;
}

/* The "handle-ioctl" signal: the kernel's usbdevfs, for one device. */
static gboolean
um_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *c, gpointer arg)
{
	struct um_usb *u = arg;
	unsigned long req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *a = umockdev_ioctl_client_get_arg(c), *d = NULL,
	    *b = NULL;
	GError *e = NULL;
	long ret = 0;
	int err = 0;

	(void)base;
	g_mutex_lock(&u->mu);
	if (u->gone) {
		u->nodev++;
		ret = -1;
		err = ENODEV;
		goto out;
	}
	if (req == USBDEVFS_GET_CAPABILITIES) {
		if ((d = umockdev_ioctl_data_resolve(a, 0, 4, &e)) == NULL)
			goto fault;
		/* zero packet, bulk continuation, no packet size limit */
		*(guint32 *)d->data = USBDEVFS_CAP_ZERO_PACKET |
		    USBDEVFS_CAP_BULK_CONTINUATION |
		    USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
	} else if (req == USBDEVFS_GETDRIVER) {
		struct usbdevfs_getdriver *g;

		if ((d = umockdev_ioctl_data_resolve(a, 0, sizeof(*g), &e)) ==
		    NULL)
			goto fault;
		g = (struct usbdevfs_getdriver *)d->data;
		if (u->kernel_driver[0] == '\0') {
			ret = -1;
			err = ENODATA;
		} else
			snprintf(g->driver, sizeof(g->driver), "%s",
			    u->kernel_driver);
	} else if (req == USBDEVFS_IOCTL) {
		struct usbdevfs_ioctl *io;

		if ((d = umockdev_ioctl_data_resolve(a, 0, sizeof(*io), &e)) ==
		    NULL)
			goto fault;
		io = (struct usbdevfs_ioctl *)d->data;
		if (io->ioctl_code == (int)USBDEVFS_DISCONNECT &&
		    u->kernel_driver[0] != '\0') {
			u->kernel_driver[0] = '\0';
			u->detaches++;
		} else {
			ret = -1;
			err = ENODATA;
		}
	} else if (req == USBDEVFS_CLAIMINTERFACE) {
		if (u->claim_errno) {
			ret = -1;
			err = u->claim_errno;
		} else if (u->kernel_driver[0] != '\0') {
			ret = -1;	/* the kernel driver holds it */
			err = EBUSY;
		} else
			u->claims++;
	} else if (req == USBDEVFS_RELEASEINTERFACE ||
	    req == USBDEVFS_SETINTERFACE || req == USBDEVFS_CLEAR_HALT ||
	    req == USBDEVFS_RESETEP || req == USBDEVFS_SETCONFIGURATION) {
		ret = 0;
	} else if (req == USBDEVFS_SUBMITURB) {
		struct usbdevfs_urb *urb;

		if ((d = umockdev_ioctl_data_resolve(a, 0, sizeof(*urb), &e)) ==
		    NULL)
			goto fault;
		urb = (struct usbdevfs_urb *)d->data;
		if (urb->buffer_length < 0 || (b = umockdev_ioctl_data_resolve(d,
		    offsetof(struct usbdevfs_urb, buffer),
		    (gsize)urb->buffer_length, &e)) == NULL)
			goto fault;
		if ((err = -um_urb(u, urb, b->data)) != 0)
			ret = -1;
		else {
			g_queue_push_tail(&u->done, d);
			d = NULL;	/* the queue owns it until it is reaped */
		}
	} else if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
		UMockdevIoctlData *urbd = g_queue_pop_head(&u->done);

		if (urbd == NULL) {
			ret = -1;
			err = EAGAIN;
		} else {
			if ((d = umockdev_ioctl_data_resolve(a, 0, sizeof(void *),
			    &e)) == NULL) {
				g_object_unref(urbd);
				goto fault;
			}
			umockdev_ioctl_data_set_ptr(d, 0, urbd);
			g_object_unref(urbd);
		}
	} else if (req == USBDEVFS_DISCARDURB) {
		ret = -1;
		err = EINVAL;
	} else {
		um_note_unknown(u, req);
		ret = -1;
		err = ENOTTY;
	}
	goto out;
fault:
	g_clear_error(&e);
	ret = -1;
	err = EFAULT;
out:
	g_mutex_unlock(&u->mu);
	if (b != NULL)
		g_object_unref(b);
	if (d != NULL)
		g_object_unref(d);
	umockdev_ioctl_client_complete(c, ret, err);
	return TRUE;
}

/* A fresh emulated usbdevfs on devnode (e.g. /dev/bus/usb/001/002). */
static UM_UNUSED struct um_usb *
um_usb_attach(UMockdevTestbed *tb, const char *devnode, char *err,
    size_t errlen)
{
	struct um_usb *u = calloc(1, sizeof(*u));
	GError *e = NULL;

	if (u == NULL || (u->log = calloc(UM_MAXLOG, sizeof(*u->log))) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		free(u);
		return NULL;
	}
	g_mutex_init(&u->mu);
	g_queue_init(&u->done);
	u->h = umockdev_ioctl_base_new();
	g_signal_connect(u->h, "handle-ioctl", G_CALLBACK(um_ioctl), u);
	if (!umockdev_testbed_attach_ioctl(tb, devnode, u->h, &e)) {
		snprintf(err, errlen, "attach_ioctl %s: %s", devnode,
		    e ? e->message : "?");
		g_clear_error(&e);
		g_object_unref(u->h);
		free(u->log);
		free(u);
		return NULL;
	}
	return u;
}

/* Reads the sysfs strings of the device at syspath into u->strings[1..3]
 * (manufacturer, product, serial: the indexes our descriptors use). */
static UM_UNUSED void
um_usb_strings(struct um_usb *u, const char *syspath)
{
	static const char *const names[] = { "manufacturer", "product",
	    "serial" };
	gchar *path;
	FILE *f;
	size_t i, n;

	for (i = 0; i < 3; i++) {
		u->strings[i + 1][0] = '\0';
		path = g_build_filename(syspath, names[i], NULL);
		f = fopen(path, "r");
		g_free(path);
		if (f == NULL)
			continue;
		n = fread(u->strings[i + 1], 1, sizeof(u->strings[0]) - 1, f);
		fclose(f);
		while (n > 0 && u->strings[i + 1][n - 1] == '\n')
			n--;
		u->strings[i + 1][n] = '\0';
	}
}

/* Unplugs, as the kernel does: a remove uevent, the node and the sysfs
 * device gone, and ENODEV for every ioctl on an fd still open. */
static UM_UNUSED void
um_usb_unplug(UMockdevTestbed *tb, struct um_usb *u, const char *syspath)
{
	g_mutex_lock(&u->mu);
	u->gone = 1;
	g_mutex_unlock(&u->mu);
	umockdev_testbed_uevent(tb, syspath, "remove");
	umockdev_testbed_remove_device(tb, syspath);
}

/* The number of transfers logged so far. */
static UM_UNUSED int
um_usb_nlog(struct um_usb *u)
{
	int n;

	g_mutex_lock(&u->mu);
	n = u->nlog;
	g_mutex_unlock(&u->mu);
	return n;
}

/* Frees u after the device is detached (or the testbed is gone). */
static UM_UNUSED void
um_usb_free(UMockdevTestbed *tb, struct um_usb *u, const char *devnode)
{
	UMockdevIoctlData *d;

	if (u == NULL)
		return;
	if (tb != NULL)
		umockdev_testbed_detach_ioctl(tb, devnode, NULL);
	while ((d = g_queue_pop_head(&u->done)) != NULL)
		g_object_unref(d);
	g_object_unref(u->h);
	free(u->log);
	free(u);
}

/*
 * Reads a control-transfer script (a .usbfs file in tests/devices): one transfer
 * per line, "control TYPE REQUEST VALUE INDEX LENGTH" in hex, the rest
 * of the line after '#' a comment. Returns the number read, -1 if the
 * file cannot be read or a line is not understood (err says which).
 */
static UM_UNUSED int
um_read_script(const char *name, unsigned char (*setup)[8], int max,
    char *err, size_t errlen)
{
	FILE *f = fopen(um_device_file(name), "r");
	char line[512], *hash;
	unsigned t, r, v, i, l;
	int n = 0, ln = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		ln++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (n == max || sscanf(line, " control %x %x %x %x %x", &t, &r,
		    &v, &i, &l) != 5) {
			snprintf(err, errlen, "%s:%d: not a control line", name,
			    ln);
			fclose(f);
			return -1;
		}
		setup[n][0] = (unsigned char)t;
		setup[n][1] = (unsigned char)r;
		um_put_le16(setup[n] + 2, v);
		um_put_le16(setup[n] + 4, i);
		um_put_le16(setup[n] + 6, l);
		n++;
	}
	fclose(f);
	return n;
}

#endif /* HAVE_UMOCKDEV */
#endif /* UMOCK_H */
