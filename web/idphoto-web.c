/*
 * idphoto-web.c — main() of idphoto-web, the operator's page: options,
 * signals and the one poll() loop over idphotod's control socket and
 * libmicrohttpd's epoll descriptor. See web.h for the design.
 *
 * It needs no privileges: it reads the station's pictures and reaches
 * the control socket as a member of idphotod's group, and it binds to a
 * port above 1024.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "web/web.h"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: idphoto-web [-n] [-c FILE] [-l ADDR:PORT] [-s SOCKET] [-d PAGEDIR]\n"
"       idphoto-web --hash-password < password\n"
"\n"
"The operator's page of the idphotod station, at http://127.0.0.1:8080/ by\n"
"default. A client of idphotod's control socket, like idphotoctl.\n"
"\n"
"  -c FILE        the station's config: web { listen; password_hash; },\n"
"                 station.socket, output.dir (default: none, built-ins)\n"
"  -l ADDR:PORT   listen there (web.listen; default 127.0.0.1:8080). An\n"
"                 address that is not loopback needs web.password_hash\n"
"  -s SOCKET      idphotod's control socket (default\n"
"                 /run/idphotod/idphotod.sock, or $IDPHOTOD_SOCKET)\n"
"  -d PAGEDIR     the page's files (default %s/idphotod/web)\n"
"  -n             check the settings and exit\n"
"  --hash-password   read a password on stdin, print its hash for\n"
"                 web.password_hash\n", DATADIR);
}

static int
hash_password(void)
{
	char pw[1024], out[256];
	size_t n;

	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "idphoto-web: no password on stdin\n");
		return 2;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8) {
		fprintf(stderr, "idphoto-web: a password needs 8 characters "
		    "or more\n");
		return 2;
	}
	if (web_password_hash(pw, out, sizeof(out)) == -1) {
		fprintf(stderr, "idphoto-web: cannot hash the password\n");
		return 1;
	}
	memset(pw, 0, sizeof(pw));
	printf("%s\n", out);
	return 0;
}

static long
elapsed_ms(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "hash-password", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfile = NULL, *listen = NULL, *sock = NULL, *dir = NULL;
	struct web_conf conf;
	struct sigaction sa;
	struct timespec ka;
	struct pollfd pfd[2];
	char err[1024] = "";
	int ch, check = 0, t, t2;

	while ((ch = getopt_long(argc, argv, "c:l:s:d:nh", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 'l': listen = optarg; break;
		case 's': sock = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': check = 1; break;
		case 'H': return hash_password();
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	web_log_init();
	if (web_conf_load(&conf, cfile, err, sizeof(err)) == -1) {
		fprintf(stderr, "idphoto-web: %s\n", err);
		return 2;
	}
	if (sock == NULL)
		sock = getenv("IDPHOTOD_SOCKET");
	if (listen != NULL)
		snprintf(conf.listen, sizeof(conf.listen), "%s", listen);
	if (sock != NULL)
		snprintf(conf.socket, sizeof(conf.socket), "%s", sock);
	if (dir != NULL)
		snprintf(conf.pagedir, sizeof(conf.pagedir), "%s", dir);
	if (getenv("IDPHOTOD_LOCALEDIR") != NULL)
		snprintf(conf.localedir, sizeof(conf.localedir), "%s",
		    getenv("IDPHOTOD_LOCALEDIR"));
	if (check) {
		struct sockaddr_storage ss;
		unsigned len;
		int lb;

		if (web_listen_addr(conf.listen, &ss, &len, &lb, err,
		    sizeof(err)) == -1 || (!lb && conf.password_hash[0] ==
		    '\0') || (conf.password_hash[0] != '\0' &&
		    web_password_check(conf.password_hash, "") == -1)) {
			fprintf(stderr, "idphoto-web: %s\n", err[0] ? err :
			    "web.listen is not loopback and there is no valid "
			    "web.password_hash");
			return 2;
		}
		printf("idphoto-web: settings ok (http://%s/)\n", conf.listen);
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	web_i18n_init(conf.localedir);
	if (web_http_start(&conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "idphoto-web: %s\n", err);
		return 1;
	}
	web_station_init(&conf);
	clock_gettime(CLOCK_MONOTONIC, &ka);
	while (!quit) {
		pfd[0].fd = web_station_fd(&pfd[0].events);
		pfd[1].fd = web_http_fd();
		pfd[1].events = POLLIN;
		t = WEB_KEEPALIVE_MS - (int)elapsed_ms(&ka);
		if (t < 0)
			t = 0;
		if ((t2 = web_http_timeout()) >= 0 && t2 < t)
			t = t2;
		if ((t2 = web_station_timeout()) >= 0 && t2 < t)
			t = t2;
		if (poll(pfd, 2, t) == -1 && errno != EINTR) {
			web_log_warn("poll");
			break;
		}
		if (pfd[0].fd != -1 && pfd[0].revents)
			web_station_dispatch(pfd[0].revents);
		web_station_tick();
		if (elapsed_ms(&ka) >= WEB_KEEPALIVE_MS) {
			web_sse_keepalive();
			clock_gettime(CLOCK_MONOTONIC, &ka);
		}
		web_http_run();
	}
	web_log_info("stopping");
	web_http_stop();
	return 0;
}
