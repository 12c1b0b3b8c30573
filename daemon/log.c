/*
 * log.c — logging for idphotod, OpenBSD style: log_warn adds strerror
 * (errno), log_warnx does not, fatal/fatalx log and exit(1).
 *
 * Under systemd (JOURNAL_STREAM is set and is our stderr) the lines go to
 * stderr with the sd-daemon "<N>" priority prefixes, so the journal keeps
 * the levels. On a terminal they go to stderr plain. Otherwise to syslog.
 * Debug lines only with -v. Callers mask ID numbers (store_mask_id): they
 * are personal data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/idphotod.h"

enum { TO_STDERR, TO_JOURNAL, TO_SYSLOG };
static int log_to = TO_STDERR;
static int log_verbose;

/* Is stderr the journal stream systemd gave us ("dev:ino")? */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(int verbose)
{
	log_verbose = verbose;
	if (stderr_is_journal())
		log_to = TO_JOURNAL;
	else if (isatty(STDERR_FILENO) || getenv("IDPHOTOD_LOG_STDERR"))
		log_to = TO_STDERR;
	else {
		log_to = TO_SYSLOG;
		openlog("idphotod", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	switch (log_to) {
	case TO_JOURNAL:
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		break;
	case TO_SYSLOG:
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		break;
	default:
		fprintf(stderr, "idphotod: %s%s%s\n", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	}
}

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
