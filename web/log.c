/*
 * log.c — idphoto-web's log lines: to stderr (the journal under systemd,
 * which keeps them), or to syslog when stderr is neither a terminal nor
 * the journal. No ID numbers are ever logged: the requests that carry
 * one are not logged at all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "web/web.h"

static int use_syslog;

void
web_log_init(void)
{
	if (!isatty(STDERR_FILENO) && getenv("JOURNAL_STREAM") == NULL &&
	    getenv("IDPHOTOD_LOG_STDERR") == NULL) {
		use_syslog = 1;
		openlog("idphoto-web", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (use_syslog)
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	else
		fprintf(stderr, "idphoto-web: %s%s%s\n", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
}

void
web_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
web_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
web_log_warn(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(e));
	va_end(ap);
}
