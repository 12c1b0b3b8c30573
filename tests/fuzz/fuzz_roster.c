/*
 * fuzz_roster.c — the roster import (ctl_roster_parse: encoding
 * detection, iconv, libcsv, the header, every row's ID) on an arbitrary
 * file. The first byte chooses the encoding asked for (auto, UTF-8, GBK,
 * UTF-16); the rest is the file.
 *
 * What must hold: an import that succeeds has no problems and no more
 * graduates than the file has lines, and came from a file without a NUL
 * byte unless it is UTF-16 (a NUL would otherwise end the text
 * silently); one that fails says why, in err or as problems, each with a
 * line and a message.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "tests/fuzz/fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *enc[] = { "auto", "UTF-8", "GBK", "UTF-16" };
	struct store_roster_conf rc;
	json_t *problems, *roster, *p;
	char path[128], err[2048];
	size_t i, lines = 1;
	int fd;

	if (size < 1)
		return 0;
	snprintf(path, sizeof(path), "%s/roster.csv", fz_tmpdir());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data + 1, size - 1) != (ssize_t)(size - 1) ||
	    close(fd) == -1)
		fz_fail(__FILE__, __LINE__, "cannot write the roster");
	memset(&rc, 0, sizeof(rc));
	snprintf(rc.encoding, sizeof(rc.encoding), "auto");
	problems = json_array();
	err[0] = '\0';
	roster = ctl_roster_parse(path, &rc, enc[data[0] % 4], 0,
	    fz_photo_ctx(), problems, err, sizeof(err));
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	if (roster != NULL) {
		FZ_ASSERT(json_array_size(problems) == 0);
		FZ_ASSERT(json_object_size(json_object_get(roster, "entries"))
		    <= lines);
		/* in UTF-8 a NUL byte is a NUL character; a UTF-16 BOM
		 * wins over the UTF-8 asked for */
		if (data[0] % 4 == 1 && !(size >= 3 &&
		    (memcmp(data + 1, "\xff\xfe", 2) == 0 ||
		    memcmp(data + 1, "\xfe\xff", 2) == 0)))
			FZ_ASSERT(memchr(data + 1, '\0', size - 1) == NULL);
		json_decref(roster);
	} else {
		FZ_ASSERT(err[0] != '\0');
		json_array_foreach(problems, i, p) {
			FZ_ASSERT(json_is_integer(json_object_get(p, "line")));
			FZ_ASSERT(json_is_string(json_object_get(p, "error")));
		}
	}
	json_decref(problems);
	return 0;
}
