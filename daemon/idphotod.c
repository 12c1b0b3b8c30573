/*
 * idphotod — the ID-photo station daemon.
 *
 * One thread, the main loop, owns all state: a plain poll() over the
 * completion queue's wake-up pipe, the pedal and the control socket's
 * clients. The camera thread (camera.c) and the processing thread
 * (worker.c) talk to it only through queues. Signal handlers only set
 * flags: SIGTERM/SIGINT stop, SIGHUP reloads the configuration (parsed
 * into a new struct and swapped in only when the whole file is good).
 *
 * Under systemd (Type=notify) it reports READY, a STATUS line with the
 * station's state, WATCHDOG pings from the loop, RELOADING and STOPPING.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon/idphotod.h"
#include "drivers/pedal.h"

static volatile sig_atomic_t quit, reload;

static struct {
	const char *path;	/* the configuration file, or NULL */
	struct store_conf conf;
	struct station *st;
	pedal	*pedal;
	long long pedal_retry;	/* ms: when to try to reopen it */
	rig	*rig;
	int	wakefd;		/* the main loop's wake-up pipe */
} d;

static void
usage(FILE *f)
{
	fprintf(f, "usage: idphotod [-nv] [-c config]\n"
	    "  -c FILE  configuration (default %s)\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       verbose (debug) logging\n"
	    "  -h       this help;  -V  version\n", STORE_DEFAULT_CONFIG);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		quit = 1;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
load(const char *path, struct store_conf *c, char *err, size_t errlen)
{
	if (path == NULL) {
		store_conf_default(c);
		return 0;
	}
	return store_conf_load(path, c, err, errlen);
}

static void
pedal_setup(void)
{
	char err[512];

	pedal_close(d.pedal);
	d.pedal = NULL;
	d.pedal_retry = 0;
	if (d.conf.pedal_device[0] == '\0')
		return;
	if ((d.pedal = pedal_open(d.conf.pedal_device, d.conf.pedal_key,
	    d.conf.pedal_debounce_ms, err, sizeof(err))) == NULL) {
		log_warnx("%s; retrying every 2 s", err);
		d.pedal_retry = now_ms() + 2000;
	} else
		log_info("%s", pedal_describe(d.pedal));
}

/* Keys that only a restart applies; says which changed. */
static void
restart_keys(const struct store_conf *o, const struct store_conf *n)
{
	if (strcmp(o->socket, n->socket) != 0 ||
	    strcmp(o->socket_group, n->socket_group) != 0)
		log_warnx("reload: station.socket* changed; takes effect at "
		    "the next restart");
	if (memcmp(&o->cam, &n->cam, sizeof(o->cam)) != 0)
		log_warnx("reload: camera settings changed; take effect at "
		    "the next restart");
	if (strcmp(o->state_dir, n->state_dir) != 0)
		log_warnx("reload: output.state_dir changed; takes effect at "
		    "the next restart");
	if (memcmp(&o->rig.dmx, &n->rig.dmx, sizeof(o->rig.dmx)) != 0 ||
	    o->rig.refresh_hz != n->rig.refresh_hz)
		log_warnx("reload: lighting.driver, .device or .refresh_hz "
		    "changed; take effect at the next restart (lamp levels "
		    "apply now)");
}

/* The rig thread's notify: wake the main loop (a byte on the pipe). */
static void
rig_wake(void *arg)
{
	char c = 'l';

	(void)arg;
	if (write(d.wakefd, &c, 1) == -1) {
		/* the pipe is full: the loop is awake anyway */
	}
}

/* Parses into a new struct; swaps it in only when all of it is good. */
static int
do_reload(char *err, size_t errlen)
{
	struct store_conf *n;
	int pedal_changed;

	sd_notify(0, "RELOADING=1");
	if ((n = malloc(sizeof(*n))) == NULL) {
		snprintf(err, errlen, "out of memory");
		sd_notify(0, "READY=1");
		return -1;
	}
	if (load(d.path, n, err, errlen) == -1) {
		log_warnx("reload: %s; the old settings stay", err);
		free(n);
		sd_notify(0, "READY=1");
		return -1;
	}
	restart_keys(&d.conf, n);
	pedal_changed = strcmp(d.conf.pedal_device, n->pedal_device) != 0 ||
	    d.conf.pedal_key != n->pedal_key ||
	    d.conf.pedal_debounce_ms != n->pedal_debounce_ms;
	/* what needs a restart keeps its running value */
	memcpy(n->socket, d.conf.socket, sizeof(n->socket));
	memcpy(n->socket_group, d.conf.socket_group, sizeof(n->socket_group));
	n->cam = d.conf.cam;
	memcpy(n->state_dir, d.conf.state_dir, sizeof(n->state_dir));
	n->rig.dmx = d.conf.rig.dmx;
	n->rig.refresh_hz = d.conf.rig.refresh_hz;
	d.conf = *n;
	free(n);
	station_set_conf(d.st, &d.conf);
	if (d.rig != NULL)
		rig_configure(d.rig, &d.conf.rig);	/* fades to the new levels */
	if (pedal_changed)
		pedal_setup();
	log_info("reloaded %s", d.path ? d.path : "(defaults)");
	sd_notify(0, "READY=1");
	return 0;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pollfd pfd[48];
	char sim[64];
	struct queue done;
	struct store_journal jr = { -1, "" };
	struct camthread *cam_t;
	struct worker *wk;
	struct qnode *n;
	char err[1024], path[PATH_MAX + 32], sockdir[sizeof(d.conf.socket)];
	char laststatus[256] = "";
	uint64_t wd_usec = 0;
	long long wd_next = 0;
	int ch, check_only = 0, verbose = 0, wake[2], lfd, np, i, npfd;
	struct stat sb;

	while ((ch = getopt_long(argc, argv, "c:nvhV", lo, NULL)) != -1)
		switch (ch) {
		case 'c': d.path = optarg; break;
		case 'n': check_only = 1; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("idphotod %s\n", STORE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (d.path == NULL && stat(STORE_DEFAULT_CONFIG, &sb) == 0)
		d.path = STORE_DEFAULT_CONFIG;
	if (load(d.path, &d.conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "idphotod: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("idphotod: %s: configuration OK\n", d.path ? d.path :
		    "(no file: the defaults)");
		if (store_conf_simulated(&d.conf, sim, sizeof(sim)) > 0)
			printf("idphotod: note: SIMULATED %s (the demo's or "
			    "the tests' drivers, not a studio's)\n", sim);
		return 0;
	}
	log_init(verbose);
	setup_signals();

	/* folders: the state 0750 (the journal in it is 0600, the archive
	 * of camera originals 0700: personal data), photos 0750 */
	if (store_mkdirs(d.conf.state_dir, 0750) == -1)
		fatal("state folder %s", d.conf.state_dir);
	if (store_mkdirs(d.conf.output_dir, 0750) == -1)
		fatal("output folder %s", d.conf.output_dir);
	memcpy(sockdir, d.conf.socket, sizeof(sockdir));
	if (store_mkdirs(dirname(sockdir), 0755) == -1)
		fatal("socket folder for %s", d.conf.socket);
	snprintf(path, sizeof(path), "%s/journal.jsonl", d.conf.state_dir);
	if (store_journal_open(&jr, path) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("journal %s is locked: another idphotod uses "
			    "this state folder, or a purge is running", path);
		fatal("journal %s", path);
	}

	if ((lfd = control_listen(d.conf.socket, d.conf.socket_group, err,
	    sizeof(err))) == -1)
		fatalx("%s", err);
	if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("pipe");
	queue_init(&done, wake[1]);
	if ((wk = worker_start(&done)) == NULL)
		fatalx("cannot start the processing thread");
	if ((cam_t = camthread_start(&d.conf.cam, &done)) == NULL)
		fatalx("cannot start the camera thread");
	if ((d.st = station_new(&d.conf, &jr, cam_t, wk)) == NULL)
		fatalx("out of memory");
	station_on_reload(d.st, do_reload, d.path);
	if (station_recover(d.st, path) == -1)
		fatalx("cannot read the journal %s", path);
	control_init(lfd, station_request, d.st);
	pedal_setup();
	d.wakefd = wake[1];
	if (d.conf.rig.nlamps > 0) {
		if ((d.rig = rig_start(&d.conf.rig, RIG_STANDBY, NULL, rig_wake,
		    NULL, err, sizeof(err))) == NULL)
			fatalx("lamps: %s", err);
		log_info("lamps: %d on %s", d.conf.rig.nlamps,
		    d.conf.rig.dmx.driver);
		station_set_rig(d.st, d.rig);
	}

	if (sd_watchdog_enabled(0, &wd_usec) > 0)
		wd_next = now_ms();
	log_info("idphotod %s ready on %s (config %s)", STORE_VERSION,
	    d.conf.socket, d.path ? d.path : "defaults");
	if (store_conf_simulated(&d.conf, sim, sizeof(sim)) > 0)
		log_warnx("SIMULATED %s: the demo's or the tests' drivers; this "
		    "station photographs nobody (set camera.driver and "
		    "lighting.driver for a studio)", sim);
	sd_notifyf(0, "READY=1\nSTATUS=%s", station_status_line(d.st));

	while (!quit) {
		int timeout = 1000;
		long long t;

		npfd = 0;
		pfd[npfd].fd = wake[0];
		pfd[npfd++].events = POLLIN;
		np = -1;
		if (d.pedal != NULL && pedal_fd(d.pedal) != -1) {
			np = npfd;
			pfd[npfd].fd = pedal_fd(d.pedal);
			pfd[npfd++].events = POLLIN;
		}
		i = npfd;
		npfd += control_pollfds(pfd + npfd, (int)(sizeof(pfd) /
		    sizeof(pfd[0])) - npfd);
		if (wd_usec > 0 && (long long)(wd_usec / 2000) < timeout)
			timeout = (int)(wd_usec / 2000);
		if (poll(pfd, (nfds_t)npfd, timeout) == -1 && errno != EINTR)
			fatal("poll");
		if (reload) {
			reload = 0;
			do_reload(err, sizeof(err));
		}
		if (pfd[0].revents & POLLIN) {
			drain(wake[0]);
			while ((n = queue_pop(&done, 0)) != NULL)
				station_completion(d.st, n);
		}
		if (np >= 0 && pfd[np].revents) {
			int k = pedal_read(d.pedal, err, sizeof(err));

			if (k == -1) {
				log_warnx("%s; retrying every 2 s", err);
				d.pedal_retry = now_ms() + 2000;
			} else if (k > 0)
				station_pedal(d.st, "pedal");
		}
		control_dispatch(pfd + i, npfd - i);
		station_lamps(d.st);
		t = now_ms();
		if (d.pedal_retry && t >= d.pedal_retry) {
			if (d.pedal == NULL)
				pedal_setup();
			else if (pedal_reopen(d.pedal, err, sizeof(err)) == 0) {
				log_info("%s: back", pedal_describe(d.pedal));
				d.pedal_retry = 0;
			} else
				d.pedal_retry = t + 2000;
		}
		if (wd_usec > 0 && t >= wd_next) {
			sd_notify(0, "WATCHDOG=1");
			wd_next = t + (long long)(wd_usec / 2000);
		}
		if (strcmp(laststatus, station_status_line(d.st)) != 0) {
			snprintf(laststatus, sizeof(laststatus), "%s",
			    station_status_line(d.st));
			sd_notifyf(0, "STATUS=%s", laststatus);
		}
	}

	sd_notify(0, "STOPPING=1");
	log_info("stopping");
	control_shutdown();
	unlink(d.conf.socket);
	camthread_stop(cam_t);
	station_set_rig(d.st, NULL);
	rig_stop(d.rig);	/* lamps to lighting.shutdown */
	worker_stop(wk);	/* finishes the job in hand */
	while ((n = queue_pop(&done, 0)) != NULL)
		station_completion(d.st, n);	/* journals its result */
	queue_destroy(&done);
	pedal_close(d.pedal);
	station_free(d.st);
	store_journal_close(&jr);
	close(wake[0]);
	close(wake[1]);
	return 0;
}
