/*
 * test_control.c — daemon/control.c: the control socket's framing. One
 * reply per request line, naming the command it answers, in order, also
 * for several requests in one write and one request over several writes;
 * a line that is not a request (not JSON, no "cmd", a NUL byte, too long)
 * gets one PROTOCOL error and the client is disconnected while the
 * daemon carries on; events reach subscribers only.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/idphotod.h"
#include "tests/testutil.h"

static const char *sock;
static int calls;

/* The request handler: echoes the command; "sub" subscribes. */
static json_t *
handler(struct client *c, json_t *req, void *arg)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));

	(void)arg;
	calls++;
	if (strcmp(cmd, "sub") == 0)
		control_subscribe(c);
	return json_pack("{s:b, s:s}", "ok", 1, "echo", cmd);
}

static void
setup(void)
{
	char err[256];
	int fd;

	tu_dir_setup();
	sock = tu_path("%s/s.sock", tu_dir);
	fd = control_listen(sock, "", err, sizeof(err));
	ck_assert_msg(fd != -1, "%s", err);
	control_init(fd, handler, NULL);
	calls = 0;
}

static void
teardown(void)
{
	control_shutdown();
	tu_dir_teardown();
}

/* One turn of the daemon's side: poll its fds briefly and dispatch. */
static void
pump(void)
{
	struct pollfd pfd[40];
	int n = control_pollfds(pfd, 40);

	if (poll(pfd, (nfds_t)n, 20) > 0)
		control_dispatch(pfd, n);
}

static int
client(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	pump();		/* accepted */
	return fd;
}

/* Writes all of buf, pumping the daemon's side while the socket is full. */
static void
send_all(int fd, const void *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, (const char *)buf + off, len - off, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && (errno == EAGAIN || errno == EINTR))
			pump();
		else
			break;	/* the daemon hung up: fine for the caller */
	}
	pump();
}

/*
 * The next line from the daemon as JSON, pumping its side meanwhile;
 * NULL at EOF. Fails the test after 3 s with nothing.
 */
static json_t *
next_line(int fd)
{
	static char buf[1 << 17];
	static size_t len;
	static int buf_fd = -1;
	char *nl;
	ssize_t n;
	int i;

	if (buf_fd != fd) {
		buf_fd = fd;
		len = 0;
	}
	for (i = 0; i < 150; i++) {
		if ((nl = memchr(buf, '\n', len)) != NULL) {
			json_t *o = json_loadb(buf, (size_t)(nl - buf), 0,
			    NULL);

			len -= (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, len);
			ck_assert_ptr_nonnull(o);
			return o;
		}
		pump();
		n = recv(fd, buf + len, sizeof(buf) - len, MSG_DONTWAIT);
		if (n == 0)
			return NULL;
		if (n > 0)
			len += (size_t)n;
	}
	ck_abort_msg("no line from the daemon in 3 s");
	return NULL;
}

static const char *
s_of(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

START_TEST(one_reply_per_request)
{
	int fd = client();
	json_t *o;

	send_all(fd, "{\"cmd\":\"status\"}\n", 17);
	o = next_line(fd);
	ck_assert(json_is_true(json_object_get(o, "ok")));
	ck_assert_str_eq(s_of(o, "reply"), "status");	/* names the cmd */
	ck_assert_str_eq(s_of(o, "echo"), "status");
	json_decref(o);
	ck_assert_int_eq(calls, 1);
	close(fd);
}
END_TEST

START_TEST(several_in_one_write_in_order)
{
	const char *req = "{\"cmd\":\"a\"}\n{\"cmd\":\"b\"}\r\n\n{\"cmd\":\"c\"}\n";
	int fd = client();
	const char *want[] = { "a", "b", "c" };
	json_t *o;
	int i;

	send_all(fd, req, strlen(req));
	for (i = 0; i < 3; i++) {
		o = next_line(fd);
		ck_assert_str_eq(s_of(o, "reply"), want[i]);
		json_decref(o);
	}
	ck_assert_int_eq(calls, 3);	/* the empty line is no request */
	close(fd);
}
END_TEST

START_TEST(one_request_over_several_writes)
{
	int fd = client();
	json_t *o;

	send_all(fd, "{\"cmd\":", 7);
	send_all(fd, "\"sta", 4);
	ck_assert_int_eq(calls, 0);	/* not a line yet */
	send_all(fd, "tus\"}\n", 6);
	o = next_line(fd);
	ck_assert_str_eq(s_of(o, "reply"), "status");
	json_decref(o);
	close(fd);
}
END_TEST

/* A bad line: one PROTOCOL error (no "reply": no command), then EOF;
 * the next client is served. */
static void
refused(const void *line, size_t len, const char *why)
{
	int fd = client(), fd2;
	json_t *o;

	calls = 0;
	send_all(fd, line, len);
	o = next_line(fd);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_is_false(json_object_get(o, "ok")));
	ck_assert_str_eq(s_of(o, "code"), "PROTOCOL");
	ck_assert_msg(strstr(s_of(o, "error"), why) != NULL, "%s",
	    s_of(o, "error"));
	ck_assert_ptr_null(json_object_get(o, "reply"));
	json_decref(o);
	ck_assert_ptr_null(next_line(fd));	/* disconnected */
	close(fd);
	ck_assert_int_eq(calls, 0);
	fd2 = client();
	send_all(fd2, "{\"cmd\":\"status\"}\n", 17);
	o = next_line(fd2);
	ck_assert_str_eq(s_of(o, "reply"), "status");
	json_decref(o);
	close(fd2);
}

START_TEST(not_json)
{
	refused("hello\n", 6, "not JSON");
}
END_TEST

START_TEST(no_cmd)
{
	refused("{\"id\":\"x\"}\n", 11, "\"cmd\"");
	refused("[1]\n", 4, "\"cmd\"");
	refused("{\"cmd\":5}\n", 10, "\"cmd\"");
}
END_TEST

START_TEST(nul_byte)
{
	refused("{\"cmd\":\"a\0\"}\n", 13, "NUL");
}
END_TEST

START_TEST(line_too_long)
{
	size_t n = PROTO_MAX_LINE + 100;
	char *big = malloc(n);

	memset(big, 'x', n);
	refused(big, n, "too long");
	free(big);
}
END_TEST

START_TEST(events_to_subscribers_only)
{
	int a = client(), b = client();
	json_t *o, *ev = json_pack("{s:s}", "event", "state");

	send_all(a, "{\"cmd\":\"sub\"}\n", 14);
	json_decref(next_line(a));
	control_broadcast(ev);
	json_decref(ev);
	o = next_line(a);
	ck_assert_str_eq(s_of(o, "event"), "state");
	json_decref(o);
	send_all(b, "{\"cmd\":\"x\"}\n", 12);
	o = next_line(b);	/* b's next line is its reply, no event */
	ck_assert_str_eq(s_of(o, "reply"), "x");
	json_decref(o);
	close(a);
	close(b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_reply_per_request);
	tcase_add_test(tc, several_in_one_write_in_order);
	tcase_add_test(tc, one_request_over_several_writes);
	tcase_add_test(tc, not_json);
	tcase_add_test(tc, no_cmd);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, line_too_long);
	tcase_add_test(tc, events_to_subscribers_only);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
