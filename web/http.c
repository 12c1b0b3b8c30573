/*
 * http.c — idphoto-web's HTTP side, on libmicrohttpd in its external
 * epoll mode (the main loop polls MHD's epoll descriptor).
 *
 *   GET  /, /<file>        the page (web/page/), flat names only
 *   GET  /api/session      the session's token (same-origin readers only)
 *   GET  /api/strings?lang=zh_CN   the page's words (i18n.c)
 *   GET  /api/hello        the snapshot a new tab starts from
 *   GET  /events           Server-Sent Events: a snapshot, then the
 *                          station's events (station.c, sse.c)
 *   GET  /img/N            a picture the events named, by number
 *   POST /api/login        {"password": ...} when a password is set
 *   POST /api/<command>    id, shoot, retake, cancel, liveview, history,
 *                          status, camera, accept (the operator's
 *                          override): JSON body, JSON answer
 *
 * Every request must name an expected Host (loopback names when bound to
 * loopback: no DNS rebinding). Everything but the login page and the
 * words needs the session cookie (HttpOnly, SameSite=Strict), which a
 * loopback page without a password gets with "/", and otherwise only a
 * login gives. A POST must also come from the same origin (Origin, or
 * Sec-Fetch-Site), be application/json, carry the session's token in
 * X-Idphoto-Token, and have a body of at most WEB_MAX_BODY bytes. No ID
 * number is ever part of a URL: IDs travel in POST bodies and pictures go
 * by number. Bad requests get 4xx and the connection is closed; clients
 * that stall are timed out by libmicrohttpd; neither reaches the station.
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/proto.h"
#include "web/web.h"

enum { RQ_NEW, RQ_POST, RQ_WAIT, RQ_DONE };

struct rq {
	int	phase;
	struct MHD_Connection *conn;
	char	body[WEB_MAX_BODY + 1];
	size_t	len;
	int	toobig;
	json_t	*reply;
	int	replied;
	struct web_session *sess;
};

struct stream {
	struct web_sse *sse;
	struct MHD_Connection *conn;
	int	suspended;
};

static struct {
	const struct web_conf *conf;
	struct MHD_Daemon *d;
	int	loopback;
	char	hosts[4][160];	/* the Host values accepted on loopback */
	int	nhosts;
	time_t	fail_t[5];	/* the last failed logins */
} h;

static const char *const csp = "default-src 'self'; img-src 'self'; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; "
    "worker-src 'self'; media-src 'none'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

static void
headers(struct MHD_Response *r, const char *ctype, int nocache)
{
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy",
	    "same-origin");
	if (nocache)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result
send_buf(struct MHD_Connection *c, unsigned status, const char *ctype,
    const char *body, size_t len, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len,
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	headers(r, ctype, 1);
	if (cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned status, json_t *o,
    const char *cookie)
{
	char *s = json_dumps(o, JSON_COMPACT);
	enum MHD_Result ret;

	if (s == NULL)
		return MHD_NO;
	ret = send_buf(c, status, "application/json", s, strlen(s), cookie);
	free(s);
	return ret;
}

/* A refusal: {"ok": false, "code": code, "error": why}. */
static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned status, const char *code,
    const char *why)
{
	json_t *o = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", code,
	    "error", why);
	enum MHD_Result ret = send_json(c, status, o, NULL);

	json_decref(o);
	return ret;
}

static enum MHD_Result
send_file(struct MHD_Connection *c, const char *path, const char *ctype,
    int nocache, const char *cookie)
{
	struct MHD_Response *r;
	struct stat sb;
	enum MHD_Result ret;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return refuse(c, MHD_HTTP_NOT_FOUND, "NOT_FOUND",
		    errno == ENOENT ? "no such file" : "cannot be read");
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > 64 * 1024 * 1024) {
		close(fd);
		return refuse(c, MHD_HTTP_NOT_FOUND, "NOT_FOUND",
		    "not a file");
	}
	if ((r = MHD_create_response_from_fd((size_t)sb.st_size, fd)) ==
	    NULL) {
		close(fd);
		return MHD_NO;
	}
	headers(r, ctype, nocache);
	if (cookie != NULL)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- checks ------------------------------------------------------------ */

static const char *
hdr(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Is Host one of ours? Bound to loopback, only loopback names are
 * (a page of another site resolved to 127.0.0.1 names its own). */
static int
host_ok(struct MHD_Connection *c)
{
	const char *host = hdr(c, "Host");
	int i;

	if (host == NULL)
		return 0;
	if (!h.loopback)
		return 1;	/* the password guards the other addresses */
	for (i = 0; i < h.nhosts; i++)
		if (strcasecmp(host, h.hosts[i]) == 0)
			return 1;
	return 0;
}

/* A POST from a page of this origin: Origin is http://<Host>, or the
 * browser says so with Sec-Fetch-Site. */
static int
same_origin(struct MHD_Connection *c)
{
	const char *origin = hdr(c, "Origin"), *host = hdr(c, "Host");
	const char *sfs = hdr(c, "Sec-Fetch-Site");
	char want[256];

	if (origin != NULL) {
		snprintf(want, sizeof(want), "http://%s", host ? host : "");
		return strcasecmp(origin, want) == 0;
	}
	return sfs != NULL && strcmp(sfs, "same-origin") == 0;
}

static struct web_session *
session(struct MHD_Connection *c)
{
	return web_session_find(MHD_lookup_connection_value(c,
	    MHD_COOKIE_KIND, "idphoto_sid"));
}

static void
cookie_of(const struct web_session *s, char *buf, size_t len)
{
	snprintf(buf, len, "idphoto_sid=%s; Path=/; HttpOnly; "
	    "SameSite=Strict", s->sid);
}

/* ---- the event stream -------------------------------------------------- */

static void
stream_wake(void *arg)
{
	struct stream *s = arg;

	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	long n = web_sse_read(s->sse, buf, max);

	(void)pos;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (n == 0) {		/* nothing yet: wait for the next event */
		s->suspended = 1;
		MHD_suspend_connection(s->conn);
	}
	return n;
}

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	web_sse_free(s->sse);
	free(s);
}

static enum MHD_Result
events(struct MHD_Connection *c)
{
	struct stream *s = calloc(1, sizeof(*s));
	const union MHD_ConnectionInfo *ci;
	int sndbuf = 32768;
	struct MHD_Response *r;
	enum MHD_Result ret;
	json_t *hello;

	if (s == NULL || (s->sse = web_sse_new(stream_wake, s)) == NULL) {
		free(s);
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "BUSY",
		    "out of memory");
	}
	s->conn = c;
	/* the kernel buffers little for a stream: a page that stops reading
	 * soon fills its queue here, and is cut off there (sse.c) */
	if ((ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	hello = web_station_hello();
	json_object_set_new(hello, "pages", json_integer(web_sse_count()));
	web_sse_send(s->sse, hello);
	json_decref(hello);
	if ((r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
	    stream_read, s, stream_free)) == NULL) {
		stream_free(s);
		return MHD_NO;
	}
	headers(r, "text/event-stream", 1);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- commands ---------------------------------------------------------- */

static void
on_reply(json_t *o, void *arg)
{
	struct rq *q = arg;

	q->reply = o;
	q->replied = 1;
	MHD_resume_connection(q->conn);
}


/* The control request for POST /api/<cmd> with body b; NULL when the
 * body does not fit the command (why says what). Commands and fields are
 * the protocol's (store/proto.h). */
static json_t *
command(const char *name, json_t *b, const char **why)
{
	json_t *id = json_object_get(b, PROTO_F_ID);
	json_t *rep = json_object_get(b, PROTO_F_REPLACE);
	json_t *sec = json_object_get(b, PROTO_F_SECONDS);
	const char *s, *reason;
	int cmd = proto_command_find(name);

	*why = "the body does not fit the command";
	if (rep != NULL && !json_is_boolean(rep))
		return NULL;
	if (id != NULL) {
		if ((s = json_string_value(id)) == NULL || strlen(s) > 32)
			return NULL;
		for (; *s != '\0'; s++)
			if (*s <= ' ' || *s > '~')
				return NULL;
	}
	if (cmd == PROTO_CMD_ACCEPT) {
		reason = json_string_value(json_object_get(b,
		    PROTO_F_OVERRIDE));
		if (reason == NULL)	/* idphotod judges the reason */
			return NULL;
		return json_pack("{s:s, s:s}", PROTO_F_CMD, name,
		    PROTO_F_OVERRIDE, reason);
	}
	switch (cmd) {
	case PROTO_CMD_SHOOT:
	case PROTO_CMD_CANCEL:
	case PROTO_CMD_STATUS:
	case PROTO_CMD_CAMERA:
		return json_pack("{s:s}", PROTO_F_CMD, name);
	case PROTO_CMD_ID:
		if (id == NULL)
			return NULL;
		return json_pack("{s:s, s:O, s:b}", PROTO_F_CMD, name,
		    PROTO_F_ID, id, PROTO_F_REPLACE, json_is_true(rep));
	case PROTO_CMD_RETAKE:
		return json_pack("{s:s, s:b}", PROTO_F_CMD, name,
		    PROTO_F_REPLACE, json_is_true(rep));
	case PROTO_CMD_HISTORY:
		return id != NULL ? json_pack("{s:s, s:O}", PROTO_F_CMD, name,
		    PROTO_F_ID, id) : json_pack("{s:s}", PROTO_F_CMD, name);
	case PROTO_CMD_LIVEVIEW:
		if (sec != NULL && (!json_is_integer(sec) ||
		    json_integer_value(sec) < 0 ||
		    json_integer_value(sec) > 600))
			return NULL;
		return json_pack("{s:s, s:I}", PROTO_F_CMD, name,
		    PROTO_F_SECONDS, sec ? json_integer_value(sec) :
		    (json_int_t)60);
	}
	*why = "no such command";	/* subscribe, reload, calibrate too */
	return NULL;
}

static enum MHD_Result
login(struct MHD_Connection *c, json_t *b)
{
	const char *pw = json_string_value(json_object_get(b, "password"));
	struct web_session *s;
	char ck[160];
	time_t now = time(NULL);
	json_t *o;
	enum MHD_Result ret;
	int i, recent = 0;

	if (h.conf->password_hash[0] == '\0')
		return refuse(c, MHD_HTTP_BAD_REQUEST, "NO_PASSWORD",
		    "this station has no password");
	for (i = 0; i < 5; i++)
		recent += now - h.fail_t[i] < 60;
	if (recent >= 5)
		return refuse(c, 429, "SLOW_DOWN", "too many wrong "
		    "passwords; wait a minute");
	if (pw == NULL || web_password_check(h.conf->password_hash, pw) != 1) {
		memmove(h.fail_t, h.fail_t + 1, 4 * sizeof(time_t));
		h.fail_t[4] = now;
		web_log_warnx("a wrong password for the page");
		return refuse(c, MHD_HTTP_FORBIDDEN, "BAD_PASSWORD",
		    "wrong password");
	}
	if ((s = web_session_new(1)) == NULL)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "BUSY",
		    "no session");
	cookie_of(s, ck, sizeof(ck));
	o = json_pack("{s:b}", "ok", 1);
	ret = send_json(c, MHD_HTTP_OK, o, ck);
	json_decref(o);
	return ret;
}

static enum MHD_Result
post(struct MHD_Connection *c, struct rq *q, const char *url)
{
	const char *ct = hdr(c, "Content-Type"), *tok, *why = "no such page";
	json_error_t je;
	json_t *b, *req;

	if (!same_origin(c))
		return refuse(c, MHD_HTTP_FORBIDDEN, "ORIGIN",
		    "a request from another site");
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0)
		return refuse(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "TYPE",
		    "the body must be application/json");
	if (q->toobig)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "TOO_LARGE",
		    "the body is too large");
	q->body[q->len] = '\0';
	b = q->len ? json_loadb(q->body, q->len, JSON_REJECT_DUPLICATES,
	    &je) : json_object();
	if (b == NULL || !json_is_object(b)) {
		json_decref(b);
		return refuse(c, MHD_HTTP_BAD_REQUEST, "NOT_JSON",
		    "the body is not a JSON object");
	}
	if (strcmp(url, "/api/login") == 0) {
		enum MHD_Result ret = login(c, b);

		json_decref(b);
		return ret;
	}
	if ((q->sess = session(c)) == NULL) {
		json_decref(b);
		return refuse(c, MHD_HTTP_FORBIDDEN, "SESSION",
		    "no session: reload the page");
	}
	tok = hdr(c, "X-Idphoto-Token");
	if (tok == NULL || !web_streq(tok, q->sess->token)) {
		json_decref(b);
		return refuse(c, MHD_HTTP_FORBIDDEN, "TOKEN",
		    "the request does not carry this session's token");
	}
	if (strncmp(url, "/api/", 5) != 0 ||
	    (req = command(url + 5, b, &why)) == NULL) {
		json_decref(b);
		return refuse(c, strncmp(url, "/api/", 5) == 0 &&
		    strcmp(why, "no such command") != 0 ?
		    MHD_HTTP_BAD_REQUEST : MHD_HTTP_NOT_FOUND, "USAGE",
		    strncmp(url, "/api/", 5) == 0 ? why : "no such page");
	}
	json_decref(b);
	if (web_station_request(req, on_reply, q) == -1)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "DAEMON",
		    "idphotod is not running");
	q->phase = RQ_WAIT;
	MHD_suspend_connection(c);
	return MHD_YES;
}

/* ---- GET --------------------------------------------------------------- */

static const char *
ctype_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return NULL;
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	return NULL;
}

static enum MHD_Result
get(struct MHD_Connection *c, const char *url)
{
	struct web_session *s = session(c);
	char path[PATH_MAX + 64], ck[160];
	const char *name, *ct, *p, *file;
	char *end;
	unsigned long n;
	json_t *o;
	enum MHD_Result ret;

	if (strcmp(url, "/api/strings") == 0) {
		const char *t = web_i18n_json(MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "lang"));

		return send_buf(c, MHD_HTTP_OK, "application/json", t,
		    strlen(t), NULL);
	}
	if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
		if (s == NULL && h.conf->password_hash[0] != '\0') {
			struct MHD_Response *r = MHD_create_response_from_buffer(
			    0, (void *)"", MHD_RESPMEM_PERSISTENT);

			headers(r, "text/html", 1);
			MHD_add_response_header(r, "Location", "/login.html");
			ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
			MHD_destroy_response(r);
			return ret;
		}
		ck[0] = '\0';
		if (s == NULL) {
			if ((s = web_session_new(1)) == NULL)
				return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				    "BUSY", "no session");
			cookie_of(s, ck, sizeof(ck));
		}
		snprintf(path, sizeof(path), "%s/index.html",
		    h.conf->pagedir);
		return send_file(c, path, "text/html; charset=utf-8", 1,
		    ck[0] ? ck : NULL);
	}
	if (strncmp(url, "/api/", 5) != 0 && strncmp(url, "/img/", 5) != 0 &&
	    strcmp(url, "/events") != 0) {
		/* the page's files: flat names, nothing hidden */
		name = url + 1;
		for (p = name; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '_' || *p == '.'))
				break;
		if (*p != '\0' || name[0] == '.' || name[0] == '\0' ||
		    (ct = ctype_of(name)) == NULL)
			return refuse(c, MHD_HTTP_NOT_FOUND, "NOT_FOUND",
			    "no such page");
		snprintf(path, sizeof(path), "%s/%s", h.conf->pagedir, name);
		return send_file(c, path, ct, 0, NULL);
	}
	if (s == NULL)
		return refuse(c, MHD_HTTP_FORBIDDEN, "SESSION",
		    "no session: open the page first");
	if (strcmp(url, "/api/session") == 0) {
		o = json_pack("{s:s, s:b}", "token", s->token, "password",
		    h.conf->password_hash[0] != '\0');
		ret = send_json(c, MHD_HTTP_OK, o, NULL);
		json_decref(o);
		return ret;
	}
	if (strcmp(url, "/api/hello") == 0) {
		o = web_station_hello();
		json_object_set_new(o, "pages", json_integer(web_sse_count()));
		ret = send_json(c, MHD_HTTP_OK, o, NULL);
		json_decref(o);
		return ret;
	}
	if (strcmp(url, "/events") == 0)
		return events(c);
	if (strncmp(url, "/img/", 5) == 0) {
		n = strtoul(url + 5, &end, 10);
		if (url[5] < '1' || url[5] > '9' || *end != '\0' ||
		    (file = web_station_image(n)) == NULL)
			return refuse(c, MHD_HTTP_NOT_FOUND, "NOT_FOUND",
			    "no such picture (any more)");
		return send_file(c, file, "image/jpeg", 1, NULL);
	}
	return refuse(c, MHD_HTTP_NOT_FOUND, "NOT_FOUND", "no such page");
}

/* ---- libmicrohttpd's callbacks ----------------------------------------- */

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **con_cls)
{
	struct rq *q = *con_cls;
	const char *cl;

	(void)cls;
	(void)version;
	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return MHD_NO;
		q->conn = c;
		*con_cls = q;
		if (!host_ok(c))
			return refuse(c, MHD_HTTP_MISDIRECTED_REQUEST, "HOST",
			    "this page answers to its own address only");
		if (strcmp(method, "POST") == 0) {
			q->phase = RQ_POST;
			cl = hdr(c, "Content-Length");
			if (cl != NULL && strtoull(cl, NULL, 10) > WEB_MAX_BODY)
				return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE,
				    "TOO_LARGE", "the body is too large");
			return MHD_YES;
		}
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, "METHOD",
			    "GET or POST only");
		return get(c, url);
	}
	if (q->phase == RQ_WAIT) {
		enum MHD_Result ret;

		if (!q->replied)
			return MHD_YES;
		q->phase = RQ_DONE;
		if (q->reply == NULL)
			return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "DAEMON",
			    "idphotod went away");
		ret = send_json(c, MHD_HTTP_OK, q->reply, NULL);
		json_decref(q->reply);
		q->reply = NULL;
		return ret;
	}
	if (q->phase == RQ_POST && *size > 0) {
		if (q->len + *size > WEB_MAX_BODY)
			q->toobig = 1;
		else {
			memcpy(q->body + q->len, data, *size);
			q->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (q->phase == RQ_POST)
		return post(c, q, url);
	return MHD_NO;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct rq *q = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	web_station_forget(q);
	json_decref(q->reply);
	free(q);
	*con_cls = NULL;
}

/* libmicrohttpd's complaints about clients, at most 10 a minute: a
 * client that misbehaves on purpose must not fill the log. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	static time_t start;
	static int n;
	char msg[512];
	time_t now = time(NULL);

	(void)cls;
	if (now - start >= 60) {
		if (n > 10)
			web_log_warnx("http: %d more messages in the last "
			    "minute", n - 10);
		start = now;
		n = 0;
	}
	if (++n > 10)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	web_log_warnx("http: %s", msg);
}

int
web_http_start(const struct web_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned len, port;
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	const char *colon;

	h.conf = conf;
	if (web_listen_addr(conf->listen, &ss, &len, &h.loopback, err,
	    errlen) == -1)
		return -1;
	if (conf->password_hash[0] != '\0' &&
	    web_password_check(conf->password_hash, "") == -1) {
		snprintf(err, errlen, "web.password_hash is not a hash made by "
		    "idphoto-web --hash-password");
		return -1;
	}
	if (!h.loopback && conf->password_hash[0] == '\0') {
		snprintf(err, errlen, "web.listen \"%s\" is not a loopback "
		    "address: set web.password_hash (idphoto-web "
		    "--hash-password) before the page is offered to the "
		    "network", conf->listen);
		return -1;
	}
	colon = strrchr(conf->listen, ':');
	port = (unsigned)atoi(colon + 1);
	h.nhosts = 0;
	snprintf(h.hosts[h.nhosts++], sizeof(h.hosts[0]), "localhost:%u", port);
	snprintf(h.hosts[h.nhosts++], sizeof(h.hosts[0]), "127.0.0.1:%u", port);
	snprintf(h.hosts[h.nhosts++], sizeof(h.hosts[0]), "[::1]:%u", port);
	snprintf(h.hosts[h.nhosts++], sizeof(h.hosts[0]), "%s", conf->listen);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h.d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)200,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)20,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (h.d == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", conf->listen,
		    strerror(errno));
		return -1;
	}
	web_log_info("the page is at http://%s/%s", conf->listen,
	    h.loopback ? "" : " (password required)");
	return 0;
}

int
web_http_fd(void)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h.d,
	    MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void
web_http_run(void)
{
	MHD_run(h.d);
}

int
web_http_timeout(void)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (MHD_get_timeout(h.d, &t) != MHD_YES)
		return -1;
	return t > 60000 ? 60000 : (int)t;
}

void
web_http_stop(void)
{
	if (h.d != NULL)
		MHD_stop_daemon(h.d);
	h.d = NULL;
}
