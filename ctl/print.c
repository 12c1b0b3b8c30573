/*
 * print.c — idphotoctl's JSON output: one printer for the offline,
 * batch and online commands, so that --json looks the same everywhere.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl/ctl.h"

void
ctl_print_json(json_t *o, size_t flags)
{
	ctl_fprint_json(stdout, o, flags);
}

void
ctl_fprint_json(FILE *f, json_t *o, size_t flags)
{
	char *s = json_dumps(o, flags);

	if (s != NULL) {
		fputs(s, f);
		putc('\n', f);
	}
	free(s);
	fflush(f);
}
