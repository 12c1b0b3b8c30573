/*
 * test_fsutil.c — store/fsutil.c: the one atomic write (mode, replace,
 * a check that refuses, nothing temporary left either way) and the sweep
 * of the temporary files a crash leaves behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/testutil.h"

/* The visible and hidden entries of dir, but . and .. */
static int
entries(const char *dir)
{
	struct dirent **e;
	int n = scandir(dir, &e, NULL, alphasort), k = 0, i;

	for (i = 0; i < n; i++) {
		k += strcmp(e[i]->d_name, ".") != 0 &&
		    strcmp(e[i]->d_name, "..") != 0;
		free(e[i]);
	}
	free(e);
	return k;
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ne(fd, -1);
	close(fd);
}

START_TEST(write_replace_mode)
{
	const char *p = tu_path("%s/roster.json", tu_dir);
	struct stat sb;
	unsigned char *b;
	size_t len;

	ck_assert_int_eq(store_write_file(p, "one", 3, 0600), 0);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(store_write_file(p, "second", 6, 0640), 0);
	ck_assert_ptr_nonnull(b = tu_read(p, &len));
	ck_assert_int_eq(len, 6);
	ck_assert_mem_eq(b, "second", 6);
	free(b);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	ck_assert_int_eq(entries(tu_dir), 1);	/* no temporary file */
	ck_assert_int_eq(store_write_file(p, "", 0, 0600), 0);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
}
END_TEST

static int
refuse(const char *tmp, void *arg)
{
	struct stat sb;

	/* the bytes are there, under a sweepable name, when asked */
	ck_assert_int_eq(stat(tmp, &sb), 0);
	ck_assert_int_eq(sb.st_size, 3);
	ck_assert_ptr_nonnull(strstr(tmp, "/.x.conf.tmp"));
	*(int *)arg = 1;
	errno = EINVAL;
	return -1;
}

START_TEST(check_refuses)
{
	const char *p = tu_path("%s/x.conf", tu_dir);
	unsigned char *b;
	size_t len;
	int asked = 0;

	ck_assert_int_eq(store_write_file(p, "old", 3, 0644), 0);
	errno = 0;
	ck_assert_int_eq(store_write_file_checked(p, "new", 3, 0644, refuse,
	    &asked), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(asked);
	ck_assert_ptr_nonnull(b = tu_read(p, &len));
	ck_assert_mem_eq(b, "old", 3);		/* unchanged */
	free(b);
	ck_assert_int_eq(entries(tu_dir), 1);
}
END_TEST

START_TEST(write_fails_cleanly)
{
	errno = 0;
	ck_assert_int_eq(store_write_file(tu_path("%s/no/such/dir/f", tu_dir),
	    "x", 1, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(entries(tu_dir), 0);
}
END_TEST

START_TEST(sweep)
{
	ck_assert_int_eq(store_mkdirs(tu_path("%s/archive/ID", tu_dir), 0700),
	    0);
	ck_assert_int_eq(mkdir(tu_path("%s/.hidden", tu_dir), 0700), 0);
	touch(tu_path("%s/.a.jpg.tmpAbC123", tu_dir));
	touch(tu_path("%s/archive/ID/.1.jpg.tmpXyZ987", tu_dir));
	touch(tu_path("%s/archive/ID/1.jpg", tu_dir));
	touch(tu_path("%s/keep.tmp", tu_dir));		/* not hidden: kept */
	touch(tu_path("%s/.hidden/.b.tmp1", tu_dir));	/* not looked into */
	ck_assert_int_eq(store_sweep_tmp(tu_dir, 1), 1);	/* not deep */
	ck_assert_int_eq(store_sweep_tmp(tu_dir, 2), 1);
	ck_assert_int_eq(entries(tu_path("%s/archive/ID", tu_dir)), 1);
	ck_assert_int_eq(access(tu_path("%s/keep.tmp", tu_dir), F_OK), 0);
	ck_assert_int_eq(access(tu_path("%s/.hidden/.b.tmp1", tu_dir), F_OK),
	    0);
	ck_assert_int_eq(store_sweep_tmp(tu_path("%s/nothing", tu_dir), 2), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fsutil");
	TCase *tc = tcase_create("fsutil");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, write_replace_mode);
	tcase_add_test(tc, check_refuses);
	tcase_add_test(tc, write_fails_cleanly);
	tcase_add_test(tc, sweep);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
