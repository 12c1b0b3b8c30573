/*
 * fuzzutil.h — what the fuzz targets under tests/fuzz/ share.
 *
 * Each target is one file with LLVMFuzzerTestOneInput() over a public
 * interface. It is built twice: with clang and libFuzzer under ASan and
 * UBSan (build-fuzz/, `make fuzz`), and with the project's compiler
 * against replay.c (build/tests/fuzz/, `make check`), which runs it over
 * its committed corpus so that every reproducer stays a regression test.
 *
 * A target that finds an answer it must not give (an invariant broken, a
 * silent success) calls FZ_ASSERT, which aborts: libFuzzer and the replay
 * both count an abort as a crash.
 */
#ifndef FUZZUTIL_H
#define FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "photo/photo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the file, line and condition when cond is false. */
#define FZ_ASSERT(cond) \
	((cond) ? (void)0 : fz_fail(__FILE__, __LINE__, #cond))
void	fz_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

/* Where a target stores what it computed so the compiler keeps the
 * reads that produced it. */
extern volatile unsigned fz_sink;

/* One photo_ctx for the whole run, with the defaults and the cascades of
 * $CASCADES (or Debian's opencv-data folder). Aborts when it cannot be
 * configured: a target without cascades tests nothing. */
photo_ctx *fz_photo_ctx(void);

/* 1 when the JPEG's header says it has at most max_pixels pixels (and
 * some), so that a target on "small frames" can skip the others; 0 when
 * it is bigger or has no readable header. */
int	fz_small_jpeg(photo_ctx *ctx, const uint8_t *data, size_t size,
	    long max_pixels);

/* A fresh, empty temporary folder for this process (made once, removed
 * at exit), for targets that need files. */
const char *fz_tmpdir(void);

#endif
