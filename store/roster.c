/*
 * roster.c — the stored roster: state_dir/roster.json, written by
 * `idphotoctl roster import` (ctl/roster.c parses the CSV) and read by
 * the daemon (who is being photographed) and by the report. The file is
 * JSON, mode 0600 (names and ID numbers are personal data):
 *   {"source": "...", "encoding": "GB18030", "imported": 1764000000,
 *    "entries": {"<ID>": {"name": "...", "centre": "...", "class": "...",
 *                         "line": 2}, ...}}
 */
#include <errno.h>
#include <libintl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#define _(s)		gettext(s)

int
store_roster_save(const char *state_dir, json_t *roster, char *err,
    size_t errlen)
{
	char path[PATH_MAX], *s = NULL;
	int rc = -1;

	if (store_path_roster(path, state_dir) == -1 ||
	    store_mkdirs(state_dir, 0750) == -1 ||
	    (s = json_dumps(roster, JSON_INDENT(1))) == NULL ||
	    store_write_file(path, s, strlen(s), 0600) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno :
		    ENOMEM));
	else
		rc = 0;
	free(s);
	return rc;
}

json_t *
store_roster_load(const char *state_dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *r;

	if (store_path_roster(path, state_dir) == -1) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		return NULL;
	}
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		snprintf(err, errlen, _("no roster: import one with "
		    "idphotoctl roster import FILE.csv"));
		errno = ENOENT;
		return NULL;
	}
	if ((r = json_load_file(path, 0, &je)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		errno = EINVAL;
		return NULL;
	}
	if (!json_is_object(json_object_get(r, "entries"))) {
		snprintf(err, errlen, _("%s: not a roster (no entries)"), path);
		json_decref(r);
		errno = EINVAL;
		return NULL;
	}
	return r;
}
