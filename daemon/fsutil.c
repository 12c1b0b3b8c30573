/*
 * fsutil.c — small file-system helpers shared by idphotod and idphotoctl:
 * creating the folders the station writes into, and writing a file that
 * may be replaced freely (a preview, an annotation). Photos themselves
 * go through photo_save(), which never replaces silently.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/ctl.h"

int
ctl_mkdirs(const char *path, mode_t mode)
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

int
ctl_write_file(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;
	int rc = -1, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "we")) == NULL)
		return -1;
	if (fwrite(buf, 1, len, f) == len)
		rc = 0;
	if (fclose(f) == EOF)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	if (rc == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	return rc;
}
