/*
 * purge.c — removing a finished batch's personal data once the learning
 * centre is done with it: `idphotoctl purge --before DATE`.
 *
 * The unit is the graduate. An ID whose last journal event is before
 * the date is finished: its journal events, its camera originals
 * (archive/<ID>/), its <ID>.jpg, the versions it replaced and its
 * annotated preview all go. An ID with any event since is kept whole, so
 * a purge never leaves half a graduate behind. Journal events without an
 * ID (lamps, disarm, calibration) and other archive files (calibration
 * shots, named by their date) go when they are older than the date; the
 * roster goes when it was imported before it.
 *
 * The journal is rewritten (the one atomic write: a temporary file, fsync,
 * rename, fsync of the folder), which must
 * not happen under a running daemon: idphotod holds an exclusive flock
 * on the journal, and the purge refuses when it cannot take it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"

struct purge {
	time_t	before;
	json_t	*events;	/* every event, in order */
	json_t	*last;		/* ID -> time of its last event */
};

static void
collect(json_t *ev, void *arg)
{
	struct purge *p = arg;
	const char *id = json_string_value(json_object_get(ev, "id"));
	double t = json_number_value(json_object_get(ev, "time"));

	json_array_append(p->events, ev);
	if (id != NULL && t > json_number_value(json_object_get(p->last, id)))
		json_object_set_new(p->last, id, json_real(t));
}

/* Whether the journal keeps ev. */
static int
keep(const struct purge *p, json_t *ev)
{
	const char *id = json_string_value(json_object_get(ev, "id"));

	if (id != NULL)
		return json_number_value(json_object_get(p->last, id)) >=
		    (double)p->before;
	return json_number_value(json_object_get(ev, "time")) >=
	    (double)p->before;
}

/* Whether the graduate id is finished (all events before the date). */
static int
finished(const struct purge *p, const char *id)
{
	json_t *t = json_object_get(p->last, id);

	return t != NULL && json_number_value(t) < (double)p->before;
}

static int
rm(const char *path, int dry_run, json_t *removed, char *err, size_t errlen)
{
	if (!dry_run && unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	json_array_append_new(removed, json_string(path));
	return 0;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The date an archive file was shot, from its name (YYYYMMDD-HHMMSS-). */
static time_t
shot_time(const char *name)
{
	struct tm tm = { 0 };

	if (strptime(name, "%Y%m%d-%H%M%S", &tm) == NULL)
		return (time_t)-1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* archive/<sub>/: everything when all, else the files shot before. */
static int
purge_archive_dir(const struct purge *p, const char *dir, int all,
    int dry_run, json_t *removed, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX];
	int left = 0, rc = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		time_t t;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		t = shot_time(e->d_name);
		if (!all && (t == (time_t)-1 || t >= p->before)) {
			left++;
			continue;
		}
		if (store_pathf(path, "%s/%s", dir, e->d_name) == -1)
			continue;
		rc = rm(path, dry_run, removed, err, errlen);
	}
	closedir(d);
	if (rc == 0 && left == 0 && !dry_run && rmdir(dir) == -1 &&
	    errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int
purge_archive(const struct purge *p, const char *state, int dry_run,
    json_t *removed, char *err, size_t errlen)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (store_path_archive(dir, state, NULL) == -1 ||
	    (d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    store_pathf(sub, "%s/%s", dir, e->d_name) == -1)
			continue;
		/* a graduate with events since: kept whole */
		if (json_object_get(p->last, e->d_name) != NULL &&
		    !finished(p, e->d_name))
			continue;
		rc = purge_archive_dir(p, sub, finished(p, e->d_name),
		    dry_run, removed, err, errlen);
	}
	closedir(d);
	return rc;
}

/* <ID>.jpg, its versions and its preview. */
static int
purge_photos(const struct store_conf *c, const char *id, int dry_run,
    json_t *removed, char *err, size_t errlen)
{
	char path[PATH_MAX], vdir[PATH_MAX], pre[PHOTO_ID_LEN + 16];
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (store_pathf(path, "%s/%s%s", c->output_dir, id, c->ext) == 0 &&
	    exists(path) && rm(path, dry_run, removed, err, errlen) == -1)
		return -1;
	if (store_path_preview(path, c->state_dir, id) == 0 &&
	    exists(path) && rm(path, dry_run, removed, err, errlen) == -1)
		return -1;
	snprintf(pre, sizeof(pre), "%s%s.", id, c->ext);
	if (store_path_versions(vdir, c->output_dir) == -1 ||
	    (d = opendir(vdir)) == NULL)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, pre, strlen(pre)) == 0 &&
		    store_pathf(path, "%s/%s", vdir, e->d_name) == 0)
			rc = rm(path, dry_run, removed, err, errlen);
	closedir(d);
	return rc;
}

/* Writes the kept events to path atomically, 0600. */
/* The journal without the purged events, through the one atomic write
 * (the daemon is not running: we hold its lock). */
static int
rewrite_journal(const struct purge *p, const char *path, char *err,
    size_t errlen)
{
	json_t *ev;
	size_t i, len = 0, cap = 0;
	char *text = NULL, *line, *t;
	int rc = -1;

	json_array_foreach(p->events, i, ev) {
		if (!keep(p, ev))
			continue;
		if ((line = json_dumps(ev, JSON_COMPACT)) == NULL)
			goto done;
		if (len + strlen(line) + 2 > cap) {
			cap = (len + strlen(line) + 2) * 2;
			if ((t = realloc(text, cap)) == NULL) {
				free(line);
				goto done;
			}
			text = t;
		}
		len += (size_t)sprintf(text + len, "%s\n", line);
		free(line);
	}
	rc = store_write_file(path, text ? text : "", len, 0600);
done:
	if (rc == -1)
		snprintf(err, errlen, "%s: %s (the journal is unchanged)", path,
		    strerror(errno ? errno : ENOMEM));
	free(text);
	return rc;
}

int
ctl_purge(const struct store_conf *c, time_t before, int dry_run,
    json_t *removed, char *err, size_t errlen)
{
	struct purge p = { before, json_array(), json_object() };
	char path[PATH_MAX];
	const char *id;
	json_t *t, *roster;
	size_t kept = 0, i;
	int fd = -1, torn, rc = -1;

	if (store_path_journal(path, c->state_dir) == -1 ||
	    ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1 && errno != ENOENT)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, errno == EWOULDBLOCK ? "idphotod is "
		    "running (it holds %s): stop it first (systemctl stop "
		    "idphotod)" : "%s: lock: %s", path, strerror(errno));
		goto done;
	}
	if (store_journal_replay(path, collect, &p, &torn) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	json_object_foreach(p.last, id, t)
		if (finished(&p, id) && purge_photos(c, id, dry_run, removed,
		    err, errlen) == -1)
			goto done;
	if (purge_archive(&p, c->state_dir, dry_run, removed, err, errlen) ==
	    -1)
		goto done;
	for (i = 0; i < json_array_size(p.events); i++)
		kept += (size_t)keep(&p, json_array_get(p.events, i));
	if (kept < json_array_size(p.events)) {
		if (!dry_run && rewrite_journal(&p, path, err, errlen) == -1)
			goto done;
		json_array_append_new(removed, json_sprintf("%s: %zu of %zu "
		    "events", path, json_array_size(p.events) - kept,
		    json_array_size(p.events)));
	}
	if ((roster = store_roster_load(c->state_dir, err, errlen)) != NULL) {
		if (json_integer_value(json_object_get(roster, "imported")) <
		    (json_int_t)before) {
			if (store_path_roster(path, c->state_dir) == -1 ||
			    rm(path, dry_run, removed, err, errlen) ==
			    -1) {
				json_decref(roster);
				goto done;
			}
		}
		json_decref(roster);
	}
	err[0] = '\0';
	rc = 0;
done:
	if (fd != -1)
		close(fd);	/* and the lock */
	json_decref(p.events);
	json_decref(p.last);
	return rc;
}
