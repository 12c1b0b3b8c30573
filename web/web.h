/*
 * web.h — idphoto-web, the operator's page: the whole interface between
 * its modules (prefix web_).
 *
 * idphoto-web is a client of idphotod's control socket, like idphotoctl.
 * It keeps one connection to the daemon, subscribed to the station's
 * events, and serves the page (static files under web/page/), a stream of
 * Server-Sent Events made from the daemon's events, the pictures the
 * events name, and a few POST requests that become control commands. It
 * holds no state of the station of its own beyond the last status, the
 * last result and the last calibration, so that a page opened late
 * shows the station as it is.
 *
 * One thread, one poll() loop (idphoto-web.c): libmicrohttpd runs in
 * its "external" epoll mode and its epoll descriptor is polled beside the
 * control socket. A browser request waiting for the daemon's answer, and
 * an event stream with nothing to send, are suspended connections that
 * are resumed when the answer or the next event comes.
 */
#ifndef WEB_H
#define WEB_H

#include <limits.h>
#include <stddef.h>
#include <jansson.h>

#define WEB_MAX_BODY	4096		/* bytes of a POST body */
#define WEB_SSE_MAX	(512 * 1024)	/* queued for one event stream */
#define WEB_KEEPALIVE_MS 10000		/* a comment line on idle streams */

/* ---- configuration (conf.c) ------------------------------------------- */

struct web_conf {
	char	listen[128];		/* "127.0.0.1:8080", "[::1]:8080" */
	char	socket[PATH_MAX];	/* idphotod's control socket */
	char	pagedir[PATH_MAX];	/* the page's files */
	char	localedir[PATH_MAX];	/* where idphotod.mo is found */
	char	output_dir[PATH_MAX];	/* for the disk space left */
	char	password_hash[256];	/* web_password_hash(); "" none */
};

/* Defaults, then the web { } group (and station.socket, output.dir) of a
 * libconfig file when path is not NULL. 0, or -1 with err set. */
int	web_conf_load(struct web_conf *, const char *path, char *err,
	    size_t errlen);

/* "host:port" into a socket address; *loopback says whether it is one.
 * 0, or -1 with err set. */
struct sockaddr_storage;
int	web_listen_addr(const char *listen, struct sockaddr_storage *,
	    unsigned *addrlen, int *loopback, char *err, size_t errlen);

/* ---- logging (log.c) --------------------------------------------------- */

void	web_log_init(void);
void	web_log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	web_log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	web_log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));

/* ---- passwords, sessions, request checks (auth.c) ---------------------- */

/* out = "pbkdf2-sha256$<iterations>$<salt hex>$<key hex>". 0/-1. */
int	web_password_hash(const char *password, char *out, size_t outlen);
/* 1 when password matches hash, 0 when not, -1 when hash is malformed. */
int	web_password_check(const char *hash, const char *password);
/* len random bytes as 2*len hex digits into out (2*len+1 bytes). 0/-1. */
int	web_random_hex(char *out, size_t len);

struct web_session {
	char	sid[65];	/* the cookie */
	char	token[65];	/* sent back on every POST */
	double	last;		/* last use, seconds since the epoch */
	int	authed;		/* logged in (or no password needed) */
};

/* A new session (the oldest one is forgotten when the table is full). */
struct web_session *web_session_new(int authed);
/* The session of a cookie value, or NULL. */
struct web_session *web_session_find(const char *sid);
/* Constant-time string comparison: 1 when equal. */
int	web_streq(const char *, const char *);

/* ---- translations (i18n.c) --------------------------------------------- */

/* Reads the catalogue's message ids and translates each through gettext,
 * once per language (en, zh_CN). 0, or -1 with the error logged (the page
 * then shows English). */
int	web_i18n_init(const char *localedir);
/* {"lang": ..., "messages": {msgid: translation}} for lang, a JSON text
 * owned by the module; lang is matched loosely ("zh", "zh-CN"). */
const char *web_i18n_json(const char *lang);

/* ---- the event streams (sse.c) ----------------------------------------- */

struct web_sse;
/* A new stream; wake(arg) is called when data arrives for it. */
struct web_sse *web_sse_new(void (*wake)(void *), void *arg);
/* Frees the stream (the browser went away). */
void	web_sse_free(struct web_sse *);
/* Queues ev (an event object, serialised once) on every stream; a stream
 * that has WEB_SSE_MAX queued is cut (the browser reconnects and gets a
 * fresh snapshot). */
void	web_sse_broadcast(json_t *ev);
/* Queues ev on one stream. */
void	web_sse_send(struct web_sse *, json_t *ev);
/* Copies up to max queued bytes into buf: their number; 0 when there is
 * nothing; -1 when the stream was cut. */
long	web_sse_read(struct web_sse *, char *buf, size_t max);
/* A comment line on every stream, so that a dead browser is noticed. */
void	web_sse_keepalive(void);
int	web_sse_count(void);

/* ---- the station: the daemon's socket (station.c) ---------------------- */

/* Called with the daemon's response (a new reference, or NULL when the
 * daemon went away), already made fit for the browser. */
typedef void (*web_reply_fn)(json_t *resp, void *arg);

void	web_station_init(const struct web_conf *);
/* The socket to poll (-1 while not connected), and the events wanted. */
int	web_station_fd(short *events);
void	web_station_dispatch(short revents);
/* Milliseconds until the next connection attempt; -1: none pending. */
int	web_station_timeout(void);
void	web_station_tick(void);
/* Sends req (stolen) to the daemon; fn gets the answer. -1 when the
 * daemon is not connected (fn is not called). */
int	web_station_request(json_t *req, web_reply_fn fn, void *arg);
/* Forgets every fn/arg pair waiting for arg (a browser went away). */
void	web_station_forget(void *arg);
/* The snapshot a new event stream starts with (new reference). */
json_t	*web_station_hello(void);
/* The file behind an image number of the page, or NULL. */
const char *web_station_image(unsigned long n);

/* ---- HTTP (http.c) ----------------------------------------------------- */

int	web_http_start(const struct web_conf *, char *err, size_t errlen);
int	web_http_fd(void);
void	web_http_run(void);
/* Milliseconds MHD wants to be called again within; -1: no limit. */
int	web_http_timeout(void);
void	web_http_stop(void);

#endif
