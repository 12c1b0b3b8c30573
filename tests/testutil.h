/*
 * testutil.h — helpers shared by the Check suites: where the real photos
 * are, reading files, a configured photo_ctx.
 *
 * The photos in ../shared/testdata are not part of the repository. A test
 * that needs them calls tu_testdata(); when the folder is missing (a
 * user's fresh clone) it gets NULL and the test prints why it skips.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>

#include "photo/photo.h"

/* $TESTDATA or ../shared/testdata, NULL (and a note on stderr) if absent. */
const char	*tu_testdata(void);
/* $SRCDIR or ".": the repository, for tests/fixtures. */
const char	*tu_srcdir(void);
/* snprintf into a static rotating buffer: tu_path("%s/x", dir). */
const char	*tu_path(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* Whole file, malloc'd (NUL-terminated, not counted in *len); NULL if
 * it cannot be read. */
unsigned char	*tu_read(const char *path, size_t *len);
/* A photo_ctx with the defaults and $CASCADES; aborts the test on error. */
photo_ctx	*tu_ctx(void);
/* Default parameters with the cascade dir from $CASCADES. */
void		 tu_params(photo_params *p);
/* A fresh temporary directory (removed by tu_rmtree). */
char		*tu_tmpdir(void);
void		 tu_rmtree(const char *dir);
/* 1 when r has a finding with this code. */
int		 tu_has_code(const photo_result *r, const char *code);
/* The named measurement of r; fails the test when r has none. */
double		 tu_metric(const photo_result *r, const char *name);
/* The same, or `none` when r has no such measurement. */
double		 tu_metric_or(const photo_result *r, const char *name,
		    double none);
/* A checked fixture: a fresh temporary directory in tu_dir for each test,
 * removed after it (tcase_add_checked_fixture(tc, tu_dir_setup,
 * tu_dir_teardown)). */
extern char	*tu_dir;
void		 tu_dir_setup(void);
void		 tu_dir_teardown(void);
/* R-FILE-7 check character of 17 digits, by an independent formulation
 * (weights as a table, (12 - sum mod 11) mod 11), and the whole ID. */
char		 tu_id_check_char(const char *d17);
void		 tu_make_id(const char *d17, char out[19]);
/* Sleeps ms milliseconds (restarted after a signal). */
void		 tu_sleep_ms(int ms);
/* A rig of two lamps: left 16-bit dimmer + 8-bit CCT at 1, right 8-bit
 * dimmer without CCT at 10; no fades. */
struct rig_conf;
void		 tu_two_lamps(struct rig_conf *c, const char *driver,
		    const char *device);
/* A synthetic frame for the decoder tests: a smooth scene (a gradient
 * per channel, a checkerboard in the third) with noise, encoded by
 * libjpeg as asked. Returns the malloc'd file, *len bytes. */
struct tu_synth {
	const char *name;
	int	w, h, hs, vs;	/* size; luma sampling factors */
	int	ncomp;		/* 3: RGB, 1: grey */
	int	quality, optimize;
	unsigned restart;	/* the restart interval in MCUs, 0: none */
};
unsigned char	*tu_synth_jpeg(const struct tu_synth *k, unsigned long *len);
/* Runs a Check suite and returns the process exit status. */
struct Suite;
int		 tu_run(struct Suite *s);

#endif
