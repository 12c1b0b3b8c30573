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
 *
 * main() is the options, then setup(), loop_pass() until a stop signal,
 * and teardown(), whose order is what makes a stop lose no frame.
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
	int	wake[2];	/* its two ends */
	struct queue done;	/* the threads' completions */
	struct store_journal jr;
	struct camthread *cam;
	struct worker *wk;
	char	journal[PATH_MAX + 32];
	char	laststatus[256];	/* the STATUS systemd has */
	uint64_t wd_usec;	/* the watchdog's interval; 0: none */
	long long wd_next;
} d = { .jr = { -1, "" } };

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

/* Parses path into *c and tries its photo settings on a scratch photo
 * context (the cascades it names are loaded), so that -n and a reload
 * refuse what every shot would then fail on. */
static int
load(const char *path, struct store_conf *c, char *err, size_t errlen)
{
	photo_ctx *ctx;
	int rc = 0;

	if (path == NULL) {
		store_conf_default(c);
		return 0;
	}
	if (store_conf_load(path, c, err, errlen) == -1)
		return -1;
	if ((ctx = photo_create()) == NULL ||
	    photo_configure(ctx, &c->photo) == -1) {
		snprintf(err, errlen, "%s: photo settings: %s", path,
		    ctx ? photo_error(ctx) : "out of memory");
		rc = -1;
	}
	photo_destroy(ctx);
	return rc;
}

/* Tells the station what status says about the pedal. */
static void
pedal_tell(void)
{
	struct stat sb;
	const char *drv = "none";

	if (d.conf.pedal_device[0] != '\0')
		drv = stat(d.conf.pedal_device, &sb) == 0 &&
		    S_ISFIFO(sb.st_mode) ? "fifo" : "evdev";
	station_set_pedal(d.st, drv, d.pedal != NULL &&
	    pedal_fd(d.pedal) != -1);
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
		d.pedal_retry = store_now_ms() + 2000;
	} else
		log_info("%s", pedal_describe(d.pedal));
	pedal_tell();
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

/*
 * Everything before the loop: folders, the journal (locked), the control
 * socket, the threads, the station and its recovery, the pedal, the
 * lamps; then READY. fatal() on what the station cannot run without.
 */
static void
setup(void)
{
	char err[1024], sim[64], sockdir[sizeof(d.conf.socket)];
	int lfd;

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
	if (store_path_journal(d.journal, d.conf.state_dir) == -1)
		fatal("state folder %s", d.conf.state_dir);
	if (store_journal_open(&d.jr, d.journal) == -1) {
		if (errno == EWOULDBLOCK)
			fatalx("journal %s is locked: another idphotod uses "
			    "this state folder, or a purge is running",
			    d.journal);
		fatal("journal %s", d.journal);
	}

	if ((lfd = control_listen(d.conf.socket, d.conf.socket_group, err,
	    sizeof(err))) == -1)
		fatalx("%s", err);
	if (pipe2(d.wake, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("pipe");
	queue_init(&d.done, d.wake[1]);
	if ((d.wk = worker_start(&d.done, &d.conf.photo)) == NULL)
		fatalx("cannot start the processing thread");
	if ((d.cam = camthread_start(&d.conf.cam, &d.done)) == NULL)
		fatalx("cannot start the camera thread");
	if ((d.st = station_new(&d.conf, &d.jr, d.cam, d.wk)) == NULL)
		fatalx("out of memory");
	station_on_reload(d.st, do_reload, d.path);
	station_set_done(d.st, &d.done);
	if (station_recover(d.st, d.journal) == -1)
		fatalx("cannot read the journal %s", d.journal);
	control_init(lfd, station_request, d.st);
	pedal_setup();
	d.wakefd = d.wake[1];
	if (d.conf.rig.nlamps > 0) {
		if ((d.rig = rig_start(&d.conf.rig, RIG_STANDBY, NULL, rig_wake,
		    NULL, err, sizeof(err))) == NULL)
			fatalx("lamps: %s", err);
		log_info("lamps: %d on %s", d.conf.rig.nlamps,
		    d.conf.rig.dmx.driver);
		station_set_rig(d.st, d.rig);
	}

	if (sd_watchdog_enabled(0, &d.wd_usec) > 0)
		d.wd_next = store_now_ms();
	log_info("idphotod %s ready on %s (config %s)", STORE_VERSION,
	    d.conf.socket, d.path ? d.path : "defaults");
	if (store_conf_simulated(&d.conf, sim, sizeof(sim)) > 0)
		log_warnx("SIMULATED %s: the demo's or the tests' drivers; this "
		    "station photographs nobody (set camera.driver and "
		    "lighting.driver for a studio)", sim);
	sd_notifyf(0, "READY=1\nSTATUS=%s", station_status_line(d.st));
}

/*
 * One pass of the main loop: poll the wake-up pipe, the pedal, the
 * roster's change notifications and the control socket's clients (at most a second, less for the watchdog),
 * then handle what came: a reload, the threads' completions, the pedal,
 * requests; then the lamps, the station's deadlines, the pedal's
 * reopening, the watchdog and the STATUS line.
 */
static void
loop_pass(void)
{
	struct pollfd pfd[48];
	struct qnode *n;
	char err[1024];
	int timeout = 1000, np = -1, nr = -1, i, npfd = 0;
	long long t;

	pfd[npfd].fd = d.wake[0];
	pfd[npfd++].events = POLLIN;
	if (d.pedal != NULL && pedal_fd(d.pedal) != -1) {
		np = npfd;
		pfd[npfd].fd = pedal_fd(d.pedal);
		pfd[npfd++].events = POLLIN;
	}
	if (station_roster_fd(d.st) != -1) {
		nr = npfd;
		pfd[npfd].fd = station_roster_fd(d.st);
		pfd[npfd++].events = POLLIN;
	}
	i = npfd;
	npfd += control_pollfds(pfd + npfd, (int)(sizeof(pfd) /
	    sizeof(pfd[0])) - npfd);
	if (d.wd_usec > 0 && (long long)(d.wd_usec / 2000) < timeout)
		timeout = (int)(d.wd_usec / 2000);
	if (poll(pfd, (nfds_t)npfd, timeout) == -1 && errno != EINTR)
		fatal("poll");
	if (reload) {
		reload = 0;
		do_reload(err, sizeof(err));
	}
	if (pfd[0].revents & POLLIN) {
		drain(d.wake[0]);
		while ((n = queue_pop(&d.done, 0)) != NULL)
			station_completion(d.st, n);
	}
	if (np >= 0 && pfd[np].revents) {
		int k = pedal_read(d.pedal, err, sizeof(err));

		if (k == -1) {
			log_warnx("%s; retrying every 2 s", err);
			d.pedal_retry = store_now_ms() + 2000;
			pedal_tell();
		} else if (k > 0)
			station_pedal(d.st, "pedal");
	}
	if (nr >= 0 && pfd[nr].revents)
		station_roster_event(d.st);
	control_dispatch(pfd + i, npfd - i);
	station_lamps(d.st);
	t = store_now_ms();
	station_tick(d.st, t);
	if (d.pedal_retry && t >= d.pedal_retry) {
		if (d.pedal == NULL)
			pedal_setup();
		else if (pedal_reopen(d.pedal, err, sizeof(err)) == 0) {
			log_info("%s: back", pedal_describe(d.pedal));
			d.pedal_retry = 0;
			pedal_tell();
		} else
			d.pedal_retry = t + 2000;
	}
	if (d.wd_usec > 0 && t >= d.wd_next) {
		sd_notify(0, "WATCHDOG=1");
		d.wd_next = t + (long long)(d.wd_usec / 2000);
	}
	if (strcmp(d.laststatus, station_status_line(d.st)) != 0) {
		snprintf(d.laststatus, sizeof(d.laststatus), "%s",
		    station_status_line(d.st));
		sd_notifyf(0, "STATUS=%s", d.laststatus);
	}
}

/*
 * The stop, in this order so that no frame is lost: no more clients; the
 * camera stops (a capture in flight is finished and its frame queued);
 * the lamps go to their shutdown state; the frames that came are handed
 * to the worker while it still runs; the worker finishes every job (each
 * archives its original first) and stops; their results are journalled.
 */
static void
teardown(void)
{
	struct qnode *n;
	int tries;

	sd_notify(0, "STOPPING=1");
	log_info("stopping");
	control_shutdown();
	unlink(d.conf.socket);
	camthread_stop(d.cam);
	station_set_rig(d.st, NULL);
	rig_stop(d.rig);	/* lamps to lighting.shutdown */
	while ((n = queue_pop(&d.done, 0)) != NULL)
		station_completion(d.st, n);	/* frames become jobs */
	worker_stop(d.wk);
	station_set_worker(d.st, NULL);
	while ((n = queue_pop(&d.done, 0)) != NULL)
		station_completion(d.st, n);	/* journals the results */
	/* the history readers push into done: wait for them (their
	 * clients are gone; a journal read does not hang) */
	for (tries = 0; station_pending(d.st) > 0 && tries < 600; tries++)
		if ((n = queue_pop(&d.done, 100)) != NULL)
			station_completion(d.st, n);
	queue_destroy(&d.done);
	pedal_close(d.pedal);
	station_free(d.st);
	store_journal_close(&d.jr);
	close(d.wake[0]);
	close(d.wake[1]);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char err[1024], sim[64];
	int ch, check_only = 0, verbose = 0;
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
	setup();
	while (!quit)
		loop_pass();
	teardown();
	return 0;
}
