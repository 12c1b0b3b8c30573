/*
 * layout.c — the state folder's and the output folder's layout: every
 * path under state_dir and output_dir that idphotod or idphotoctl uses
 * is made here, so that the daemon, the report and the purge cannot
 * disagree about where a thing is.
 *
 *   state_dir/journal.jsonl          the capture journal (0600)
 *   state_dir/roster.json            the roster (0600)
 *   state_dir/archive/<ID>/          camera originals (0700), by shot;
 *             archive/unassigned/    frames no shot waited for;
 *             archive/calibration/   calibration shots
 *   state_dir/preview/<ID>.jpg       the annotated frame of the last shot
 *   output_dir/<ID><ext>             the photos
 *   output_dir/versions/             photos replaced (photo_save)
 *
 * Each function writes the path into buf (PATH_MAX bytes): 0, or -1 with
 * ENAMETOOLONG.
 */
#include <stdio.h>

#include "store/store.h"

int
store_path_journal(char *buf, const char *state_dir)
{
	return store_pathf(buf, "%s/journal.jsonl", state_dir);
}

int
store_path_roster(char *buf, const char *state_dir)
{
	return store_pathf(buf, "%s/roster.json", state_dir);
}

int
store_path_archive(char *buf, const char *state_dir, const char *id)
{
	return id == NULL ? store_pathf(buf, "%s/archive", state_dir) :
	    store_pathf(buf, "%s/archive/%s", state_dir, id);
}

int
store_path_preview(char *buf, const char *state_dir, const char *id)
{
	return id == NULL ? store_pathf(buf, "%s/preview", state_dir) :
	    store_pathf(buf, "%s/preview/%s.jpg", state_dir, id);
}

int
store_path_versions(char *buf, const char *output_dir)
{
	return store_pathf(buf, "%s/versions", output_dir);
}
