/*
 * save.c — writing <ID>.jpg so that nothing is ever lost.
 *
 * The bytes go to a temporary file in the target folder (same
 * filesystem), are fsync'd, and the temporary is renamed into place
 * without replacing (renameat2 RENAME_NOREPLACE, or link+unlink where
 * the filesystem lacks it), then the folder is fsync'd: a crash leaves
 * either the old state or the new, never a half-written photo under the
 * final name. An existing photo is never overwritten silently: without
 * PHOTO_SAVE_REPLACE that is an error; with it, the old file is first
 * moved to versions/<name>.<UTC time>.jpg. On any error (a full disk
 * among them) the temporary is removed and the old photo stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "photo/internal.h"

static int
fsync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
write_all(int fd, const unsigned char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* rename(from, to) that fails with EEXIST instead of replacing. */
static int
rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(from, to) == -1)
		return -1;
	return unlink(from);
}

/* Moves dir/name into dir/versions/, writing where it went to moved. */
static int
keep_version(photo_ctx *ctx, const char *dir, const char *name,
    char *moved, size_t movedlen)
{
	char vdir[PATH_MAX], from[PATH_MAX], to[PATH_MAX], stamp[32];
	const char *dot = strrchr(name, '.');
	int stem = dot ? (int)(dot - name) : (int)strlen(name), n;
	time_t t = time(NULL);
	struct tm tm;

	snprintf(vdir, sizeof(vdir), "%s/versions", dir);
	if (mkdir(vdir, 0755) == -1 && errno != EEXIST)
		return photo_seterr(ctx, "mkdir %s: %s", vdir, strerror(errno));
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	for (n = 0; n < 1000; n++) {
		int w;

		if (n == 0)
			w = snprintf(to, sizeof(to), "%s/%.*s.%s%s", vdir, stem,
			    name, stamp, dot ? dot : "");
		else
			w = snprintf(to, sizeof(to), "%s/%.*s.%s-%d%s", vdir,
			    stem, name, stamp, n, dot ? dot : "");
		if (w < 0 || (size_t)w >= sizeof(to))
			return photo_seterr(ctx, "%s: path too long", vdir);
		if (rename_noreplace(from, to) == 0)
			break;
		if (errno != EEXIST)
			return photo_seterr(ctx, "move %s to %s: %s", from, to,
			    strerror(errno));
	}
	if (n == 1000)
		return photo_seterr(ctx, "move %s: too many versions", from);
	if (fsync_dir(vdir) == -1 || fsync_dir(dir) == -1)
		return photo_seterr(ctx, "fsync %s: %s", vdir, strerror(errno));
	if (moved != NULL)
		snprintf(moved, movedlen, "%s", to);
	return 0;
}

int
photo_save(photo_ctx *ctx, const char *dir, const char *name,
    const void *buf, size_t len, int flags, char *moved, size_t movedlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int fd = -1, rc = -1;
	struct stat st;

	tmp[0] = '\0';
	if (moved != NULL && movedlen > 0)
		moved[0] = '\0';
	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return photo_seterr(ctx, "\"%s\" is not a plain file name", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(flags & PHOTO_SAVE_REPLACE) && lstat(path, &st) == 0) {
		errno = EEXIST;
		return photo_seterr(ctx, "%s already exists (an accepted photo "
		    "is never replaced silently; use --replace)", path);
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmpXXXXXX", dir, name);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		photo_seterr(ctx, "create %s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto done;
	}
	if (fchmod(fd, 0644) == -1 || write_all(fd, buf, len) == -1 ||
	    fsync(fd) == -1) {
		photo_seterr(ctx, "write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (close(fd) == -1) {
		fd = -1;
		photo_seterr(ctx, "write %s: %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	if ((flags & PHOTO_SAVE_REPLACE) && lstat(path, &st) == 0 &&
	    keep_version(ctx, dir, name, moved, movedlen) == -1)
		goto done;
	if (rename_noreplace(tmp, path) == -1) {
		if (errno == EEXIST)
			photo_seterr(ctx, "%s appeared while writing; not "
			    "replaced", path);
		else
			photo_seterr(ctx, "rename %s: %s", path,
			    strerror(errno));
		goto done;
	}
	tmp[0] = '\0';
	if (fsync_dir(dir) == -1) {
		photo_seterr(ctx, "fsync %s: %s", dir, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0') {
		int saved = errno;

		unlink(tmp);
		errno = saved;
	}
	return rc;
}
