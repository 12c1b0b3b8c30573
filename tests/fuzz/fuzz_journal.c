/*
 * fuzz_journal.c — the capture journal as a crash or a hand edit may
 * leave it: the input is the whole journal file. It is opened as the
 * daemon opens it at start (store_journal_open: a torn tail is ended and
 * the repair journalled), one event is appended, and it is replayed as
 * idphotod's recovery and idphotoctl report replay it.
 *
 * What must hold: the event appended after the reopen is the last event
 * replay gives (a torn line never swallows it); every event replay gives
 * passes store_event_valid, so a seq is 1..STORE_SEQ_MAX and never the
 * camera shutter's 0; a line with a NUL byte is never an event.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/fuzz/fuzzutil.h"

struct seen {
	int	n;
	char	last[64];
};

static void
one(json_t *ev, void *arg)
{
	struct seen *s = arg;
	json_t *seq = json_object_get(ev, "seq");
	const char *t = json_string_value(json_object_get(ev, "event"));

	FZ_ASSERT(store_event_valid(ev));
	FZ_ASSERT(t != NULL);
	if (seq != NULL)
		FZ_ASSERT(json_integer_value(seq) >= 1 &&
		    json_integer_value(seq) <= STORE_SEQ_MAX);
	if (store_event_accepted(ev))
		FZ_ASSERT(json_is_string(json_object_get(ev, "output")));
	snprintf(s->last, sizeof(s->last), "%s/%s", t,
	    json_string_value(json_object_get(ev, "id")) ?
	    json_string_value(json_object_get(ev, "id")) : "");
	s->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	struct store_journal j;
	struct seen s = { 0, "" };
	json_t *ev;
	int fd, torn, n;

	snprintf(path, sizeof(path), "%s/journal.jsonl", fz_tmpdir());
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		fz_fail(__FILE__, __LINE__, "cannot write the journal");
	FZ_ASSERT(store_journal_open(&j, path) == 0);
	ev = json_pack("{s:s, s:s}", "event", "arm", "id",
	    "11010519491231002X");
	FZ_ASSERT(store_journal_append(&j, ev) == 0);
	json_decref(ev);
	store_journal_close(&j);
	n = store_journal_replay(path, one, &s, &torn);
	FZ_ASSERT(n == s.n && n >= 1);
	FZ_ASSERT(strcmp(s.last, "arm/11010519491231002X") == 0);
	return 0;
}
