/*
 * fuzz_config.c — the configuration loader (store_conf_load, libconfig
 * underneath) on an arbitrary file, and what a loaded config promises:
 * a file that loads is one the photo pipeline can use. So a config that
 * loads must configure a photo context (idphotod -n does that too), its
 * ID rules must take a valid ID number (no "regex is invalid" at the
 * first graduate), and a small real frame must analyse without an
 * internal error ("out of memory" from a band no crop can meet).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/fuzz/fuzzutil.h"

static unsigned char *frame;
static size_t framelen;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("SRCDIR");
	char path[4096], err[256];

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/jpeg/"
	    "200-base-hivision-test0.jpg", src ? src : ".");
	if ((frame = store_read_file(path, 1 << 20, &framelen, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_config: %s (set SRCDIR)\n", err);
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store_conf c;
	photo_ctx *ctx = NULL;
	photo_image *im;
	photo_result r;
	char path[128], err[1024], id[PHOTO_ID_LEN + 1];
	int fd;

	snprintf(path, sizeof(path), "%s/c.conf", fz_tmpdir());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		fz_fail(__FILE__, __LINE__, "cannot write the config");
	err[0] = '\0';
	if (store_conf_load(path, &c, err, sizeof(err)) == -1) {
		FZ_ASSERT(err[0] != '\0');
		return 0;
	}
	/* the cascades are Debian's: a config naming others is -n's job */
	if (strcmp(c.photo.cascade_dir, "/usr/share/opencv4/haarcascades")
	    != 0 || getenv("CASCADES") != NULL)
		snprintf(c.photo.cascade_dir, sizeof(c.photo.cascade_dir),
		    "%s", getenv("CASCADES") ? getenv("CASCADES") :
		    "/usr/share/opencv4/haarcascades");
	ctx = fz_photo_ctx();
	if (photo_configure(ctx, &c.photo) == -1)
		return 0;	/* a cascade file name: refused by -n */
	FZ_ASSERT(photo_id_check(ctx, "11010519491231002X", id, 0, NULL) == 0);
	/* an ID that is no ID number goes to the escape pattern, which
	 * must have compiled */
	FZ_ASSERT(photo_id_check(ctx, "E12345678", id, 0, NULL) == 0 ||
	    strstr(photo_error(ctx), "id_escape regex") == NULL);
	if ((im = photo_decode(ctx, frame, framelen)) != NULL) {
		FZ_ASSERT(photo_analyze(ctx, im, &r) == 0);
		photo_image_destroy(im);
	}
	return 0;
}
