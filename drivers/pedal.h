/*
 * pedal.h — the foot pedal (prefix pedal_). USB foot switches are HID
 * keyboards; the pedal is read from its evdev node with libevdev and
 * grabbed, so its keystrokes do not reach whatever window has focus. For
 * the demo and the tests the same records (struct input_event) can come
 * from a FIFO or pipe instead, through the same debounce code.
 *
 * Non-blocking: the main loop polls pedal_fd() and calls pedal_read()
 * when it is readable. Key-down of the configured key fires once; auto-
 * repeat is ignored; a press within debounce_ms of the last accepted press
 * or of the last release (contact bounce) is ignored. A handle is opaque; pedal_close(NULL) is a
 * no-op. Errors go to the caller's err buffer.
 */
#ifndef PEDAL_H
#define PEDAL_H

#include <stddef.h>

typedef struct pedal pedal;

/*
 * Opens path: an evdev character device (grabbed), or a FIFO of
 * struct input_event records. key is the EV_KEY code that fires.
 */
pedal	*pedal_open(const char *path, int key, int debounce_ms, char *err,
	    size_t errlen);

/* The fd to poll for input; -1 while the device is gone. */
int	 pedal_fd(const pedal *p);

/*
 * Reads what is there. Returns the number of presses that fire (0 or
 * more), or -1 when the device went away (unplugged; err says so): call
 * pedal_reopen() later. A FIFO whose writer closed is reopened here.
 */
int	 pedal_read(pedal *p, char *err, size_t errlen);

/* Tries to open the device again; 0 when it is back. */
int	 pedal_reopen(pedal *p, char *err, size_t errlen);

/*
 * The debounce logic on one event (type, code, value, time in ms), for
 * the readers above and for tests: 1 when it fires, else 0.
 */
int	 pedal_feed(pedal *p, int type, int code, int value, long long ms);

const char *pedal_describe(const pedal *p);
void	 pedal_close(pedal *p);

#endif /* PEDAL_H */
