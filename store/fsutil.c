/*
 * fsutil.c — small file-system helpers shared by idphotod and idphotoctl:
 * creating the folders the station writes into, listing one, reading a
 * whole file, the one atomic write (temporary file, fsync, rename, fsync
 * of the folder) of everything that may be replaced (a preview, an
 * annotation, the roster, the journal rewritten by a purge, a calibrated
 * configuration), the sweep of the temporary files a crash leaves, and
 * the SHA-256 that the journal and the export manifest record. Photos
 * themselves go through photo_save(), which never replaces silently.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store/store.h"

int
store_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p, c;
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, mode) == -1 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* The folder of path, for its fsync. */
static int
open_dir_of(const char *path)
{
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * The one atomic write of both programs. The bytes go to a temporary file
 * beside path, named ".<name>.tmpXXXXXX" (the pattern store_sweep_tmp()
 * removes after a crash, and photo_save() uses too), which gets exactly
 * mode and is fsync'd; check may then refuse it; it is renamed over path
 * and the folder is fsync'd, so that after a crash or a power cut path
 * is either the old file or the new one, whole. One cleanup path: the
 * temporary file never outlives a failure.
 */
int
store_write_file_checked(const char *path, const void *buf, size_t len,
    mode_t mode, int (*check)(const char *tmp, void *arg), void *arg)
{
	char tmp[PATH_MAX];
	const char *name = strrchr(path, '/');
	size_t off = 0;
	ssize_t n;
	int fd, dfd = -1, rc = -1, saved;

	name = name ? name + 1 : path;
	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.tmpXXXXXX", (int)(name - path),
	    path, name) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (fchmod(fd, mode) == -1)
		goto done;
	while (off < len) {
		n = write(fd, (const char *)buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto done;
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || (check != NULL && check(tmp, arg) == -1) ||
	    rename(tmp, path) == -1)
		goto done;
	rc = 0;
	/* the rename itself is durable once the folder is */
	if ((dfd = open_dir_of(path)) == -1 || fsync(dfd) == -1)
		rc = -1;
done:
	saved = errno;
	close(fd);
	if (dfd != -1)
		close(dfd);
	if (rc == -1 && access(tmp, F_OK) == 0)
		unlink(tmp);
	errno = saved;
	return rc;
}

int
store_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	return store_write_file_checked(path, buf, len, mode, NULL, NULL);
}

/* Whether name is a temporary file of an atomic write (".x.tmpXXXXXX"). */
static int
is_tmp(const char *name)
{
	return name[0] == '.' && strstr(name, ".tmp") != NULL;
}

int
store_sweep_tmp(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char path[PATH_MAX];
	struct stat sb;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path) || lstat(path, &sb) == -1)
			continue;
		if (S_ISREG(sb.st_mode) && is_tmp(e->d_name))
			n += unlink(path) == 0;
		else if (S_ISDIR(sb.st_mode) && depth > 0 &&
		    e->d_name[0] != '.')
			n += store_sweep_tmp(path, depth - 1);
	}
	closedir(d);
	return n;
}

unsigned char *
store_read_file(const char *path, size_t max, size_t *len, char *err,
    size_t errlen)
{
	FILE *f = NULL;
	unsigned char *buf = NULL;
	struct stat st;

	if ((f = fopen(path, "rbe")) == NULL || fstat(fileno(f), &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: larger than %zu MB", path,
		    max >> 20);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	fclose(f);
	return buf;
fail:
	free(buf);
	if (f != NULL)
		fclose(f);
	return NULL;
}

int
store_sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int
store_pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int
store_list_dir(const char *dir, struct dirent ***ents)
{
	return scandir(dir, ents, visible, name_cmp);
}
