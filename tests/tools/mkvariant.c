/*
 * mkvariant — a controlled variant of a real photo, for the integration
 * tests (tests/variant.h says how variants are made):
 *
 *   mkvariant backdrop R G B IN.jpg OUT.jpg
 *
 * writes IN with its backdrop replaced by a flat RGB(R,G,B): a real
 * portrait as it would look on the spec's background (R-BG-2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/variant.h"

int
main(int argc, char **argv)
{
	struct frame f;
	double rgb[3];

	if (argc != 7 || strcmp(argv[1], "backdrop") != 0) {
		fprintf(stderr, "usage: mkvariant backdrop R G B IN.jpg "
		    "OUT.jpg\n");
		return 2;
	}
	rgb[0] = atof(argv[2]);
	rgb[1] = atof(argv[3]);
	rgb[2] = atof(argv[4]);
	if (vt_load(argv[5], &f) == -1) {
		fprintf(stderr, "mkvariant: %s: not a readable JPEG\n",
		    argv[5]);
		return 1;
	}
	vt_segment(&f);
	vt_backdrop(&f, rgb, 0.0);
	if (vt_write(&f, argv[6]) == -1) {
		fprintf(stderr, "mkvariant: %s: cannot write\n", argv[6]);
		return 1;
	}
	vt_free(&f);
	return 0;
}
