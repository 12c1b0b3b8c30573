/*
 * test_save.c — writing <ID>.jpg atomically, never replacing silently.
 *
 * A full disk is real where the test can mount a 64 KB tmpfs (root, as in
 * CI); everywhere a write failure is also forced with RLIMIT_FSIZE in a
 * child process. Either way: a clear error, no partial file under the
 * final name, no temporary left behind, and the earlier photo intact.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "photo/photo.h"
#include "tests/testutil.h"

#define NAME	"11010519491231002X.jpg"

/* Number of entries in dir (excluding . and ..), and whether any name
 * starts with a dot (a leftover temporary). */
static int
entries(const char *dir, int *hidden)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*hidden = 0;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.')
			*hidden = 1;
		n++;
	}
	closedir(d);
	return n;
}

static void
assert_content(const char *path, const char *want, size_t len)
{
	size_t n;
	unsigned char *b = tu_read(path, &n);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(n, len);
	ck_assert(memcmp(b, want, len) == 0);
	free(b);
}

START_TEST(new_existing_replace)
{
	photo_ctx *ctx = tu_ctx();
	char *dir = tu_tmpdir(), moved[4096];
	int hidden;
	struct stat st;

	ck_assert_int_eq(photo_save(ctx, dir, NAME, "first", 5, 0, NULL, 0), 0);
	assert_content(tu_path("%s/%s", dir, NAME), "first", 5);
	ck_assert_int_eq(stat(tu_path("%s/%s", dir, NAME), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);

	/* an accepted photo is never replaced silently */
	errno = 0;
	ck_assert_int_eq(photo_save(ctx, dir, NAME, "second", 6, 0, NULL, 0),
	    -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert(strstr(photo_error(ctx), "already exists") != NULL);
	assert_content(tu_path("%s/%s", dir, NAME), "first", 5);
	ck_assert_int_eq(entries(dir, &hidden), 1);
	ck_assert_int_eq(hidden, 0);

	/* with replace, the old one goes to versions/ first */
	ck_assert_int_eq(photo_save(ctx, dir, NAME, "second", 6,
	    PHOTO_SAVE_REPLACE, moved, sizeof(moved)), 0);
	assert_content(tu_path("%s/%s", dir, NAME), "second", 6);
	ck_assert(strstr(moved, "/versions/11010519491231002X.") != NULL);
	assert_content(moved, "first", 5);
	/* and again within the same second: a second version, not lost */
	ck_assert_int_eq(photo_save(ctx, dir, NAME, "third", 5,
	    PHOTO_SAVE_REPLACE, moved, sizeof(moved)), 0);
	assert_content(moved, "second", 6);
	ck_assert_int_eq(entries(tu_path("%s/versions", dir), &hidden), 2);
	ck_assert_int_eq(entries(dir, &hidden), 2);	/* photo + versions */

	/* names must be plain */
	ck_assert_int_eq(photo_save(ctx, dir, "../x.jpg", "x", 1, 0, NULL, 0),
	    -1);
	ck_assert_int_eq(photo_save(ctx, dir, "..", "x", 1, 0, NULL, 0), -1);
	/* a folder that does not exist */
	ck_assert_int_eq(photo_save(ctx, tu_path("%s/nope", dir), NAME, "x",
	    1, 0, NULL, 0), -1);
	ck_assert(strstr(photo_error(ctx), "No such file") != NULL);
	tu_rmtree(dir);
	free(dir);
	photo_destroy(ctx);
}
END_TEST

/* A write that fails half way (file size limit): nothing half-written. */
START_TEST(write_fails)
{
	char *dir = tu_tmpdir();
	char big[200000];
	pid_t pid;
	int status, hidden;

	memset(big, 'z', sizeof(big));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		photo_ctx *ctx = tu_ctx();
		struct rlimit rl = { 65536, 65536 };
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		/* first an earlier photo that must survive */
		if (photo_save(ctx, dir, NAME, "old", 3, 0, NULL, 0) == -1)
			_exit(10);
		setrlimit(RLIMIT_FSIZE, &rl);
		rc = photo_save(ctx, dir, NAME, big, sizeof(big),
		    PHOTO_SAVE_REPLACE, NULL, 0);
		if (rc != -1)
			_exit(11);
		if (strstr(photo_error(ctx), "File too large") == NULL)
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %d", status);
	assert_content(tu_path("%s/%s", dir, NAME), "old", 3);
	ck_assert_int_eq(entries(dir, &hidden), 1);
	ck_assert_int_eq(hidden, 0);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A really full disk: a 64 KB tmpfs. */
START_TEST(disk_full)
{
	photo_ctx *ctx = tu_ctx();
	char *dir = tu_tmpdir(), big[200000];
	int hidden;

	if (mount("tmpfs", dir, "tmpfs", 0, "size=64k") == -1) {
		fprintf(stderr, "SKIP: cannot mount a tmpfs here (%s); the "
		    "file-size-limit test covers the failing write\n",
		    strerror(errno));
		tu_rmtree(dir);
		free(dir);
		photo_destroy(ctx);
		return;
	}
	memset(big, 'z', sizeof(big));
	ck_assert_int_eq(photo_save(ctx, dir, NAME, "old", 3, 0, NULL, 0), 0);
	ck_assert_int_eq(photo_save(ctx, dir, NAME, big, sizeof(big),
	    PHOTO_SAVE_REPLACE, NULL, 0), -1);
	ck_assert_msg(strstr(photo_error(ctx), "No space left") != NULL, "%s",
	    photo_error(ctx));
	assert_content(tu_path("%s/%s", dir, NAME), "old", 3);
	ck_assert_int_eq(entries(dir, &hidden), 1);
	ck_assert_int_eq(hidden, 0);
	/* and when room comes back, it works */
	ck_assert_int_eq(photo_save(ctx, dir, NAME, "new", 3,
	    PHOTO_SAVE_REPLACE, NULL, 0), 0);
	assert_content(tu_path("%s/%s", dir, NAME), "new", 3);
	umount(dir);
	tu_rmtree(dir);
	free(dir);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("save");
	TCase *tc = tcase_create("atomic");

	tcase_add_test(tc, new_existing_replace);
	tcase_add_test(tc, write_fails);
	tcase_add_test(tc, disk_full);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
