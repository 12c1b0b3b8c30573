/*
 * journal.c — the capture journal: one JSON object per line, appended
 * with O_APPEND and fsync'd before the caller goes on, so that after a
 * crash or kill -9 every event that was reported is on disk. A line is
 * written with one write(); a crash can only tear the last line, which
 * replay skips and reports. The file holds ID numbers (personal data):
 * mode 0600, in the state folder. The daemon holds an exclusive flock on
 * it while it runs, so that a second daemon on the same state folder, or
 * `idphotoctl purge` (which rewrites the journal), is refused.
 *
 * A torn last line is ended with a newline when the journal is opened
 * again, before anything is appended, and a "journal_repaired" event
 * says so: otherwise the first new event would be glued onto the
 * fragment and lost to every later replay.
 *
 * This file is the one reader of the journal: store_journal_replay()
 * hands its callers only events whose every field it checked (a line
 * with a NUL byte, a seq out of range, an ID that is not text, an
 * unknown outcome are damaged lines, counted and skipped), and
 * store_event_accepted() is the one answer to "did this result give the
 * graduate a photo", for idphotod's recovery and idphotoctl report alike.
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

/*
 * Ends a torn last line (a crash while writing) with a newline, so that
 * the next event starts a line of its own; returns the length of the
 * fragment (0: the journal ends cleanly), or -1 with errno.
 */
static long
repair_tail(int fd)
{
	char buf[4096];
	off_t end, at;
	ssize_t n, i;

	if ((end = lseek(fd, 0, SEEK_END)) <= 0)
		return end == 0 ? 0 : -1;
	for (at = end; at > 0; ) {
		size_t want = at < (off_t)sizeof(buf) ? (size_t)at : sizeof(buf);

		if ((n = pread(fd, buf, want, at - (off_t)want)) != (ssize_t)want)
			return -1;
		for (i = n - 1; i >= 0; i--)
			if (buf[i] == '\n')
				break;
		if (i >= 0) {
			at = at - (off_t)want + i + 1;
			break;
		}
		at -= (off_t)want;
	}
	if (at == end)
		return 0;
	do
		n = write(fd, "\n", 1);
	while (n == -1 && errno == EINTR);
	if (n != 1 || fsync(fd) == -1)
		return -1;
	return (long)(end - at);
}

int
store_journal_open(struct store_journal *j, const char *path)
{
	long torn;
	int saved, rc;

	snprintf(j->path, sizeof(j->path), "%s", path);
	j->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1)
		return -1;
	if (flock(j->fd, LOCK_EX | LOCK_NB) == -1 ||
	    (torn = repair_tail(j->fd)) == -1)
		goto fail;
	if (torn > 0) {
		json_t *ev = json_pack("{s:s, s:I}", "event",
		    "journal_repaired", "torn_bytes", (json_int_t)torn);

		rc = ev != NULL ? store_journal_append(j, ev) : -1;
		json_decref(ev);
		if (rc == -1)
			goto fail;
	}
	return 0;
fail:
	saved = errno;
	close(j->fd);
	j->fd = -1;
	errno = saved;
	return -1;
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

/* The events that carry a shot's seq (which must then be there). */
static int
has_seq(const char *type)
{
	return strcmp(type, "shoot") == 0 || strcmp(type, "calibrate") == 0 ||
	    strcmp(type, "result") == 0 || strcmp(type, "interrupted") == 0;
}

/* An ID as the station keeps it: 1..PHOTO_ID_LEN printable ASCII. */
static int
valid_id(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > PHOTO_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (id[i] <= ' ' || id[i] > '~')
			return 0;
	return 1;
}

int
store_event_valid(json_t *ev)
{
	json_t *type = json_object_get(ev, "event"), *id, *seq, *out;
	const char *t, *o;

	if (!json_is_object(ev) || !json_is_string(type))
		return 0;
	t = json_string_value(type);
	if ((id = json_object_get(ev, "id")) != NULL &&
	    (!json_is_string(id) || !valid_id(json_string_value(id))))
		return 0;
	seq = json_object_get(ev, "seq");
	if (seq != NULL ? !json_is_integer(seq) ||
	    json_integer_value(seq) < 1 ||
	    json_integer_value(seq) > STORE_SEQ_MAX : has_seq(t))
		return 0;
	if (strcmp(t, "result") == 0) {
		out = json_object_get(ev, "output");
		if ((o = json_string_value(json_object_get(ev, "outcome"))) ==
		    NULL || (strcmp(o, "pass") != 0 && strcmp(o, "warn") != 0 &&
		    strcmp(o, "fail") != 0 && strcmp(o, "error") != 0) ||
		    id == NULL || (out != NULL && !json_is_string(out)))
			return 0;
	}
	return 1;
}

int
store_event_accepted(json_t *ev)
{
	const char *t = json_string_value(json_object_get(ev, "event"));
	const char *o = json_string_value(json_object_get(ev, "outcome"));

	return t != NULL && strcmp(t, "result") == 0 && o != NULL &&
	    (strcmp(o, "pass") == 0 || strcmp(o, "warn") == 0) &&
	    json_is_string(json_object_get(ev, "output"));
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
		/* the whole line, NUL bytes included: a NUL does not end it */
		if ((ev = json_loadb(line, (size_t)n - 1, JSON_REJECT_DUPLICATES,
		    &je)) == NULL || !store_event_valid(ev)) {
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
