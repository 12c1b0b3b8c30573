/*
 * control.c — the control socket: AF_UNIX stream, mode 0660, owned by the
 * configured group. The protocol (store/proto.h) is line-based JSON: one
 * request object per line ({"cmd": "...", ...}), one response object per
 * line, naming the command it answers ({"reply": "status", "ok": true,
 * ...} or {"reply": "id", "ok": false, "error": "..."}). A client that
 * sent {"cmd": "subscribe"} also receives events ({"event": "...", ...})
 * between responses.
 *
 * Every line is limited to PROTO_MAX_LINE bytes. A client that sends a
 * longer line, or anything that is not a JSON object with a "cmd", gets
 * one error response and is disconnected; the daemon carries on. Output
 * is buffered per client and written as the socket takes it; a
 * subscriber that stops reading is dropped once 1 MB is queued for it,
 * so that no client can stall the station.
 *
 * All of this runs on the main loop: non-blocking sockets, no threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/idphotod.h"

#define MAX_CLIENTS	32
#define MAX_OUT		(1 << 20)

struct client {
	int	fd;
	char	in[PROTO_MAX_LINE + 1];
	size_t	inlen;
	char	*out;
	size_t	outlen, outcap;
	int	subscribed;
	int	closing;	/* disconnect once out is flushed */
	unsigned long id;	/* for a reply that comes later */
};

static struct {
	int	listenfd;
	control_fn fn;
	void	*arg;
	struct client *c[MAX_CLIENTS];
	unsigned long next_id;
} ctl = { -1, NULL, NULL, { NULL }, 0 };

int
control_listen(const char *path, const char *group, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	struct group *gr;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* another instance answering on the socket owns the station */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		snprintf(err, errlen, "another idphotod is running on %s",
		    path);
		close(fd);
		return -1;
	}
	close(fd);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "remove stale %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	umask(old);
	if (chmod(path, 0660) == -1) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	if (group[0] != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			snprintf(err, errlen, "station.socket_group: no group "
			    "\"%s\"", group);
			goto fail;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) == -1) {
			snprintf(err, errlen, "chown %s to group %s: %s", path,
			    group, strerror(errno));
			goto fail;
		}
	}
	if (listen(fd, 16) == -1) {
		snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

void
control_init(int listenfd, control_fn fn, void *arg)
{
	ctl.listenfd = listenfd;
	ctl.fn = fn;
	ctl.arg = arg;
}

static void
client_free(int i)
{
	struct client *c = ctl.c[i];
	char junk[4096];

	/* read what the client still sent, so that closing does not reset
	 * the connection before it has read our last (error) line */
	shutdown(c->fd, SHUT_WR);
	while (recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	close(c->fd);
	free(c->out);
	free(c);
	ctl.c[i] = NULL;
}

static void
flush_out(struct client *c)
{
	ssize_t n;

	while (c->outlen > 0) {
		n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {
			c->outlen = 0;
			c->closing = 1;
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
}

/* Queues one JSON line for c; drops a client that does not read. */
static void
send_json(struct client *c, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	if (c->outlen + len + 1 > MAX_OUT) {
		log_warnx("control: a client does not read its events; "
		    "dropping it");
		c->outlen = 0;
		c->closing = 1;
		free(s);
		return;
	}
	if (c->outlen + len + 1 > c->outcap) {
		size_t cap = (c->outlen + len + 1) * 2;
		char *p = realloc(c->out, cap);

		if (p == NULL) {
			c->closing = 1;
			free(s);
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, len);
	c->out[c->outlen + len] = '\n';
	c->outlen += len + 1;
	free(s);
	flush_out(c);
}

static void
reject(struct client *c, const char *why)
{
	json_t *o = json_pack("{s:b, s:s, s:s}", "ok", 0, "code",
	    "PROTOCOL", "error", why);

	log_warnx("control: %s; client disconnected", why);
	send_json(c, o);
	json_decref(o);
	c->inlen = 0;
	c->closing = 1;
}

static void
handle_line(struct client *c, char *line, size_t len)
{
	json_error_t je;
	json_t *req, *resp;
	char why[256];

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return;
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (req == NULL) {
		snprintf(why, sizeof(why), "not JSON: %s", je.text);
		reject(c, why);
		return;
	}
	if (!json_is_object(req) ||
	    !json_is_string(json_object_get(req, "cmd"))) {
		json_decref(req);
		reject(c, "a request is a JSON object with a \"cmd\" string");
		return;
	}
	resp = ctl.fn(c, req, ctl.arg);
	if (resp != NULL) {	/* the reply names the command it answers */
		json_object_set(resp, PROTO_F_REPLY,
		    json_object_get(req, PROTO_F_CMD));
		send_json(c, resp);
		json_decref(resp);
	}
	json_decref(req);
}

static void
read_client(struct client *c)
{
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(c->fd, c->in + c->inlen, PROTO_MAX_LINE - c->inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == 0) {		/* the client is done sending */
			c->closing = 1;
			return;
		}
		if (n == -1) {
			c->closing = 1;
			c->outlen = 0;
			return;
		}
		c->inlen += (size_t)n;
		c->in[c->inlen] = '\0';
		while (!c->closing &&
		    (nl = memchr(c->in, '\n', c->inlen)) != NULL) {
			size_t ll = (size_t)(nl - c->in);

			*nl = '\0';
			if (memchr(c->in, '\0', ll) != NULL) {
				reject(c, "NUL byte in a request");
				return;
			}
			handle_line(c, c->in, ll);
			if (c->closing)
				return;
			memmove(c->in, nl + 1, c->inlen - ll - 1);
			c->inlen -= ll + 1;
		}
		if (c->inlen >= PROTO_MAX_LINE) {
			reject(c, "request line too long");
			return;
		}
	}
}

static void
accept_clients(void)
{
	int fd, i;

	while ((fd = accept4(ctl.listenfd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		for (i = 0; i < MAX_CLIENTS && ctl.c[i] != NULL; i++)
			;
		if (i == MAX_CLIENTS ||
		    (ctl.c[i] = calloc(1, sizeof(struct client))) == NULL) {
			log_warnx("control: too many clients; refusing one");
			close(fd);
			continue;
		}
		ctl.c[i]->fd = fd;
		ctl.c[i]->id = ++ctl.next_id;
	}
	if (errno != EAGAIN && errno != EINTR)
		log_warn("control: accept");
}

int
control_pollfds(struct pollfd *pfd, int max)
{
	int i, n = 0;

	if (ctl.listenfd == -1 || max < 1)
		return 0;
	pfd[n].fd = ctl.listenfd;
	pfd[n].events = POLLIN;
	n++;
	for (i = 0; i < MAX_CLIENTS && n < max; i++) {
		if (ctl.c[i] == NULL)
			continue;
		pfd[n].fd = ctl.c[i]->fd;
		pfd[n].events = (ctl.c[i]->closing ? 0 : POLLIN) |
		    (ctl.c[i]->outlen ? POLLOUT : 0);
		n++;
	}
	return n;
}

void
control_dispatch(struct pollfd *pfd, int n)
{
	int i, k;

	for (k = 0; k < n; k++) {
		if (pfd[k].revents == 0)
			continue;
		if (pfd[k].fd == ctl.listenfd) {
			accept_clients();
			continue;
		}
		for (i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = ctl.c[i];

			if (c == NULL || c->fd != pfd[k].fd)
				continue;
			if (pfd[k].revents & POLLOUT)
				flush_out(c);
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				read_client(c);
			break;
		}
	}
	for (i = 0; i < MAX_CLIENTS; i++)
		if (ctl.c[i] != NULL && ctl.c[i]->closing &&
		    ctl.c[i]->outlen == 0)
			client_free(i);
}

unsigned long
control_client_id(const struct client *c)
{
	return c != NULL ? c->id : 0;	/* 0: no client, none has it */
}

int
control_reply(unsigned long id, const char *cmd, json_t *resp)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (ctl.c[i] != NULL && ctl.c[i]->id == id &&
		    !ctl.c[i]->closing) {
			json_object_set_new(resp, PROTO_F_REPLY,
			    json_string(cmd));
			send_json(ctl.c[i], resp);
			return 0;
		}
	return -1;
}

void
control_subscribe(struct client *c)
{
	c->subscribed = 1;
}

void
control_broadcast(json_t *ev)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (ctl.c[i] != NULL && ctl.c[i]->subscribed &&
		    !ctl.c[i]->closing)
			send_json(ctl.c[i], ev);
}

void
control_shutdown(void)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (ctl.c[i] != NULL)
			client_free(i);
	if (ctl.listenfd != -1)
		close(ctl.listenfd);
	ctl.listenfd = -1;
}
