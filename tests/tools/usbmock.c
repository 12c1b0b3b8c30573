/*
 * usbmock.c — runs a program against one USB device emulated by umockdev,
 * with the usbdevfs of tests/umock.h (which umockdev-run cannot give: an
 * interface another program holds). For the integration scripts:
 *
 *   usbmock [-b] DEVICE-FILE NODE SYSPATH -- PROGRAM ARGS...
 *
 * DEVICE-FILE is a description in tests/devices/ (by name; $SRCDIR is
 * the repository), NODE its /dev node, SYSPATH its /sys path; -b makes
 * USBDEVFS_CLAIMINTERFACE fail with EBUSY, as when gvfs holds a camera.
 * The program runs with umockdev's preload library and this process's
 * testbed; usbmock exits with its status (127 when it cannot be run, 77
 * when umockdev is missing).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/umock.h"

#ifdef HAVE_UMOCKDEV

static volatile sig_atomic_t got;

static void
onsig(int sig)
{
	got = sig;
}

int
main(int argc, char **argv)
{
	UMockdevTestbed *tb;
	struct um_usb *u;
	char err[512], pre[4096];
	const char *old;
	gchar *root, *sys;
	struct sigaction sa;
	int busy = 0, i = 1, st;
	pid_t pid;

	if (i < argc && strcmp(argv[i], "-b") == 0) {
		busy = 1;
		i++;
	}
	if (argc - i < 5 || strcmp(argv[i + 3], "--") != 0) {
		fprintf(stderr, "usage: usbmock [-b] DEVICE-FILE NODE SYSPATH "
		    "-- PROGRAM ARGS...\n");
		return 2;
	}
	tb = umockdev_testbed_new();
	if (um_add(tb, argv[i], err, sizeof(err)) == -1 ||
	    (u = um_usb_attach(tb, argv[i + 1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "usbmock: %s\n", err);
		return 1;
	}
	root = umockdev_testbed_get_root_dir(tb);
	sys = g_build_filename(root, argv[i + 2], NULL);
	um_usb_strings(u, sys);
	g_free(sys);
	g_free(root);
	u->claim_errno = busy ? EBUSY : 0;
	old = getenv("LD_PRELOAD");
	snprintf(pre, sizeof(pre), "libumockdev-preload.so.0%s%s",
	    old && old[0] ? ":" : "", old ? old : "");
	if ((pid = fork()) == -1) {
		perror("usbmock: fork");
		return 1;
	}
	if (pid == 0) {
		setenv("LD_PRELOAD", pre, 1);
		execvp(argv[i + 4], argv + i + 4);
		fprintf(stderr, "usbmock: %s: %s\n", argv[i + 4],
		    strerror(errno));
		_exit(127);
	}
	/* a signal to usbmock goes on to the program */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		if (got) {
			kill(pid, got);
			got = 0;
		}
	um_usb_free(tb, u, argv[i + 1]);
	g_object_unref(tb);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#else

int
main(void)
{
	fprintf(stderr, "usbmock: built without umockdev\n");
	return 77;
}

#endif
