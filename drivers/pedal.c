/*
 * pedal.c — the foot pedal: libevdev on a real input device, raw
 * struct input_event records on a FIFO, one debounce for both.
 *
 * libevdev: after SYN_DROPPED (next_event returns READ_STATUS_SYNC) the
 * device state is re-synced with LIBEVDEV_READ_FLAG_SYNC until -EAGAIN,
 * so a press during the overflow is seen. Any other negative errno is
 * treated as an unplug: the fd is closed and pedal_reopen() tries again
 * (the udev by-id link reappears when the pedal is plugged back). So is a
 * node that hung up (poll says POLLHUP or POLLERR) while reads return no
 * error: libevdev reports end-of-file as -EAGAIN, and the main loop would
 * otherwise spin on a node that is always readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libevdev/libevdev.h>
#include <linux/input.h>

#include "drivers/pedal.h"

struct pedal {
	char	path[4096];
	int	key, debounce_ms;
	int	fd, fifo;
	struct libevdev *dev;
	int	down;			/* key is held */
	long long last;			/* ms of the last accepted press */
	long long last_up;		/* ms of the last release */
	int	have_last, have_up;
	unsigned char part[sizeof(struct input_event)];
	size_t	npart;			/* bytes of a record read so far */
	char	desc[4200];
};

int
pedal_feed(pedal *p, int type, int code, int value, long long ms)
{
	if (type != EV_KEY || code != p->key)
		return 0;
	if (value == 0) {		/* release */
		p->down = 0;
		p->last_up = ms;
		p->have_up = 1;
		return 0;
	}
	if (value != 1)			/* 2: auto-repeat */
		return 0;
	p->down = 1;
	/* contact bounce: a press too soon after the last press or release */
	if ((p->have_last && ms - p->last < p->debounce_ms) ||
	    (p->have_up && ms - p->last_up < p->debounce_ms))
		return 0;
	p->last = ms;
	p->have_last = 1;
	return 1;
}

static long long
ev_ms(const struct input_event *ev)
{
	return (long long)ev->input_event_sec * 1000 +
	    ev->input_event_usec / 1000;
}

static int
open_dev(pedal *p, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	if (stat(p->path, &st) == -1) {
		snprintf(err, errlen, "pedal %s: %s", p->path, strerror(errno));
		return -1;
	}
	p->fifo = S_ISFIFO(st.st_mode);
	if ((p->fd = open(p->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "pedal %s: %s%s", p->path,
		    strerror(errno), errno == EACCES ? " (is the service user "
		    "in the pedal's udev group?)" : "");
		return -1;
	}
	p->npart = 0;
	p->down = 0;
	if (p->fifo) {
		snprintf(p->desc, sizeof(p->desc), "pedal: FIFO %s, key %d",
		    p->path, p->key);
		return 0;
	}
	if ((rc = libevdev_new_from_fd(p->fd, &p->dev)) < 0) {
		snprintf(err, errlen, "pedal %s: not an input device: %s",
		    p->path, strerror(-rc));
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	if (!libevdev_has_event_code(p->dev, EV_KEY, (unsigned)p->key)) {
		snprintf(err, errlen, "pedal %s (%s) has no key code %d; set "
		    "pedal.key", p->path, libevdev_get_name(p->dev), p->key);
		libevdev_free(p->dev);
		p->dev = NULL;
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	/* keep the pedal's keystrokes out of the desktop */
	if ((rc = libevdev_grab(p->dev, LIBEVDEV_GRAB)) < 0)
		snprintf(p->desc, sizeof(p->desc), "pedal: %s (%s), key %d, "
		    "not grabbed: %s", p->path, libevdev_get_name(p->dev),
		    p->key, strerror(-rc));
	else
		snprintf(p->desc, sizeof(p->desc), "pedal: %s (%s), key %d",
		    p->path, libevdev_get_name(p->dev), p->key);
	return 0;
}

static void
close_dev(pedal *p)
{
	if (p->dev != NULL) {
		libevdev_grab(p->dev, LIBEVDEV_UNGRAB);
		libevdev_free(p->dev);
		p->dev = NULL;
	}
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
}

pedal *
pedal_open(const char *path, int key, int debounce_ms, char *err,
    size_t errlen)
{
	pedal *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fd = -1;
	p->key = key;
	p->debounce_ms = debounce_ms;
	snprintf(p->path, sizeof(p->path), "%s", path);
	if (open_dev(p, err, errlen) == -1) {
		free(p);
		return NULL;
	}
	return p;
}

int
pedal_reopen(pedal *p, char *err, size_t errlen)
{
	close_dev(p);
	return open_dev(p, err, errlen);
}

static int
read_fifo(pedal *p, char *err, size_t errlen)
{
	struct input_event ev;
	ssize_t n;
	int fired = 0;

	for (;;) {
		n = read(p->fd, p->part + p->npart, sizeof(p->part) - p->npart);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return fired;
		if (n == -1) {
			snprintf(err, errlen, "pedal %s: %s", p->path,
			    strerror(errno));
			close_dev(p);
			return -1;
		}
		if (n == 0) {
			/* the writer closed: wait for the next one */
			if (pedal_reopen(p, err, errlen) == -1)
				return -1;
			return fired;
		}
		p->npart += (size_t)n;
		if (p->npart < sizeof(ev))
			continue;
		memcpy(&ev, p->part, sizeof(ev));
		p->npart = 0;
		fired += pedal_feed(p, ev.type, ev.code, ev.value, ev_ms(&ev));
	}
}

/* 1 when fd has hung up (unplugged, or revoked by logind). */
static int
hung_up(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int
read_evdev(pedal *p, char *err, size_t errlen)
{
	struct input_event ev;
	unsigned flag = LIBEVDEV_READ_FLAG_NORMAL;
	int rc, fired = 0;

	for (;;) {
		rc = libevdev_next_event(p->dev, flag, &ev);
		if (rc == -EAGAIN) {
			if (flag == LIBEVDEV_READ_FLAG_SYNC) {
				flag = LIBEVDEV_READ_FLAG_NORMAL;
				continue;
			}
			if (hung_up(p->fd)) {
				snprintf(err, errlen, "pedal %s went away: the "
				    "device hung up", p->path);
				close_dev(p);
				return -1;
			}
			return fired;
		}
		if (rc == LIBEVDEV_READ_STATUS_SYNC) {
			/* after SYN_DROPPED: replay the deltas */
			flag = LIBEVDEV_READ_FLAG_SYNC;
			fired += pedal_feed(p, ev.type, ev.code, ev.value,
			    ev_ms(&ev));
			continue;
		}
		if (rc < 0) {
			snprintf(err, errlen, "pedal %s went away: %s",
			    p->path, strerror(-rc));
			close_dev(p);
			return -1;
		}
		fired += pedal_feed(p, ev.type, ev.code, ev.value, ev_ms(&ev));
	}
}

int
pedal_read(pedal *p, char *err, size_t errlen)
{
	if (p->fd == -1) {
		snprintf(err, errlen, "pedal %s is not open", p->path);
		return -1;
	}
	return p->fifo ? read_fifo(p, err, errlen) : read_evdev(p, err, errlen);
}

int
pedal_fd(const pedal *p)
{
	return p->fd;
}

const char *
pedal_describe(const pedal *p)
{
	return p->desc;
}

void
pedal_close(pedal *p)
{
	if (p == NULL)
		return;
	close_dev(p);
	free(p);
}
