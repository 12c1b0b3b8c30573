/*
 * fuzzutil.c — helpers of the fuzz targets (see fuzzutil.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzzutil.h"

volatile unsigned fz_sink;

void
fz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
	abort();
}

photo_ctx *
fz_photo_ctx(void)
{
	static photo_ctx *ctx;
	photo_params p;
	const char *env;

	if (ctx != NULL)
		return ctx;
	photo_params_default(&p);
	if ((env = getenv("CASCADES")) != NULL && env[0] != '\0')
		snprintf(p.cascade_dir, sizeof(p.cascade_dir), "%s", env);
	if ((ctx = photo_create()) == NULL) {
		fprintf(stderr, "photo_create: out of memory\n");
		abort();
	}
	if (photo_configure(ctx, &p) == -1) {
		fprintf(stderr, "photo_configure: %s\n", photo_error(ctx));
		abort();
	}
	return ctx;
}

int
fz_small_jpeg(photo_ctx *ctx, const uint8_t *data, size_t size,
    long max_pixels)
{
	photo_fileinfo fi;

	if (photo_inspect(ctx, data, size, &fi) == -1)
		return 0;
	return fi.width > 0 && fi.height > 0 &&
	    (long)fi.width * fi.height <= max_pixels;
}

static char tmpdir[64];

static void
rm_tmpdir(void)
{
	char cmd[96];

	if (tmpdir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *
fz_tmpdir(void)
{
	if (tmpdir[0] != '\0')
		return tmpdir;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/idphoto-fuzz.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(rm_tmpdir);
	return tmpdir;
}
