/*
 * fuzz_control.c — a control-socket client sending arbitrary bytes: the
 * input is everything it writes before it closes its side. The real
 * control.c (framing, line limit, NUL bytes, JSON parsing, per-client
 * output buffers, subscriptions, the idle rules) serves it on a real
 * AF_UNIX socket through its own poll loop; the request handler is a
 * stand-in that answers every request and, for "subscribe", also
 * broadcasts an event.
 *
 * What must hold: the daemon side closes the connection (no client is
 * left holding a slot: a leak would fill MAX_CLIENTS and the next input
 * would get no answer); every line it sends is one JSON object; and a
 * client that sent any request, a last one without its newline included,
 * gets at least one line back.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/idphotod.h"
#include "tests/fuzz/fuzzutil.h"

static struct sockaddr_un sun;

static json_t *
handler(struct client *c, json_t *req, void *arg)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	json_t *ev;

	(void)arg;
	if (strcmp(cmd, "subscribe") == 0) {
		control_subscribe(c);
		ev = json_pack("{s:s, s:s}", "event", "state", "state", "idle");
		control_broadcast(ev);
		json_decref(ev);
	}
	return json_pack("{s:b, s:s}", "ok", 1, "cmd", cmd);
}

static void
serve_once(void)
{
	char err[256];
	int lfd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s.sock",
	    fz_tmpdir());
	sun.sun_family = AF_UNIX;
	if ((lfd = control_listen(sun.sun_path, "", err, sizeof(err))) == -1) {
		fprintf(stderr, "fuzz_control: %s\n", err);
		abort();
	}
	control_init(lfd, handler, NULL);
}

/* 1 when data holds a line (or a last unterminated piece) that is not
 * empty once a trailing CR is dropped: a request that needs an answer. */
static int
has_request(const uint8_t *d, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i <= n; i++)
		if (i == n || d[i] == '\n') {
			size_t len = i - start;

			if (len > 0 && d[i - 1] == '\r')
				len--;
			if (len > 0)
				return 1;
			start = i + 1;
		}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *out;
	static size_t cap;
	struct pollfd pfd[40];
	size_t len = 0, off = 0, i, start;
	int fd, n, k, eof = 0, shut = 0;
	ssize_t r;

	if (sun.sun_path[0] == '\0')
		serve_once();
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		abort();
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		abort();
	for (k = 0; k < 5000 && !eof; k++) {
		if (!shut && off < size) {
			r = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (r > 0)
				off += (size_t)r;
			else if (r == -1 && errno != EAGAIN)
				off = size;	/* the daemon closed on us */
		}
		if (!shut && off == size) {
			shutdown(fd, SHUT_WR);
			shut = 1;
		}
		n = control_pollfds(pfd, 39);
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		poll(pfd, (nfds_t)n + 1, 20);
		control_dispatch(pfd, n);
		for (;;) {
			if (len + 65536 > cap) {
				cap = (len + 65536) * 2;
				if ((out = realloc(out, cap)) == NULL)
					abort();
			}
			r = recv(fd, out + len, cap - len, MSG_DONTWAIT);
			if (r > 0)
				len += (size_t)r;
			else {
				eof = r == 0 || (errno != EAGAIN &&
				    errno != EINTR);
				break;
			}
		}
	}
	close(fd);
	FZ_ASSERT(eof);
	if (has_request(data, size))
		FZ_ASSERT(len > 0);
	for (i = start = 0; i < len; i++)
		if (out[i] == '\n') {
			json_t *o = json_loadb(out + start, i - start, 0, NULL);

			FZ_ASSERT(json_is_object(o));
			json_decref(o);
			start = i + 1;
		}
	FZ_ASSERT(start == len);	/* nothing after the last newline */
	return 0;
}
