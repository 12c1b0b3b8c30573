/*
 * journal.c — the capture journal: one JSON object per line, appended
 * with O_APPEND and fsync'd before the caller goes on, so that after a
 * crash or kill -9 every event that was reported is on disk. A line is
 * written with one write(); a crash can only tear the last line, which
 * replay skips and reports. The file holds ID numbers (personal data):
 * mode 0600, in the state folder. The daemon holds an exclusive flock on
 * it while it runs, so that a second daemon on the same state folder, or
 * `idphotoctl purge` (which rewrites the journal), is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

int
store_journal_open(struct store_journal *j, const char *path)
{
	snprintf(j->path, sizeof(j->path), "%s", path);
	j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1)
		return -1;
	if (flock(j->fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		close(j->fd);
		j->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
store_journal_append(struct store_journal *j, json_t *ev)
{
	struct timeval tv;
	char *line = NULL;
	size_t len;
	ssize_t n;
	int rc = -1, saved;

	gettimeofday(&tv, NULL);
	if (json_object_get(ev, "time") == NULL)
		json_object_set_new(ev, "time", json_real((double)tv.tv_sec +
		    tv.tv_usec / 1e6));
	if ((line = json_dumps(ev, JSON_COMPACT)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(line);
	line[len++] = '\n';	/* json_dumps leaves room: its NUL */
	do
		n = write(j->fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)len && fsync(j->fd) == 0)
		rc = 0;
	else if (n >= 0 && n != (ssize_t)len) {
		/* a short write (disk full): cut the torn line off again */
		off_t end = lseek(j->fd, 0, SEEK_END);

		if (end >= n && ftruncate(j->fd, end - n) == 0)
			fsync(j->fd);
		errno = ENOSPC;
	}
	saved = errno;
	free(line);
	errno = saved;
	return rc;
}

int
store_journal_replay(const char *path, void (*cb)(json_t *, void *), void *arg,
    int *torn)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0;

	*torn = 0;
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((n = getline(&line, &cap, f)) != -1) {
		json_t *ev;
		json_error_t je;

		if (n == 0 || line[n - 1] != '\n') {
			(*torn)++;	/* the last line, cut by a crash */
			continue;
		}
		if ((ev = json_loads(line, 0, &je)) == NULL ||
		    !json_is_object(ev)) {
			json_decref(ev);
			(*torn)++;
			continue;
		}
		cb(ev, arg);
		json_decref(ev);
		count++;
	}
	free(line);
	fclose(f);
	return count;
}

void
store_journal_close(struct store_journal *j)
{
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
}

void
store_time_iso(double t, char *out, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&s, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(out, len, "%s", "");
}

long long
store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
