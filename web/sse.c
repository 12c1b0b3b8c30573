/*
 * sse.c — the event streams (Server-Sent Events) of the open pages. Each
 * stream has its own queue of bytes, bounded by WEB_SSE_MAX: a page that
 * stops reading (a frozen tab, a slow machine) is cut off once that much
 * waits for it, instead of growing the daemon; its browser reconnects on
 * its own and starts again from a snapshot. An event is serialised once
 * and copied into every queue.
 *
 * The streams are owned by http.c's connections; this module only keeps
 * the list, and calls each stream's wake function when it has data, so
 * that a suspended connection is resumed.
 */
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

struct web_sse {
	struct web_sse *next;
	char	*buf;
	size_t	len, cap, off;
	int	cut;
	void	(*wake)(void *);
	void	*arg;
};

static struct web_sse *streams;
static int nstreams;

/* WEB_SSE_MAX, or less for the tests (IDPHOTO_WEB_TEST_SSE_MAX), so that
 * a test can fill a queue with a small burst */
static size_t
limit(void)
{
	static size_t max;
	const char *e;

	if (max == 0) {
		e = getenv("IDPHOTO_WEB_TEST_SSE_MAX");
		max = e != NULL && atol(e) >= 1024 ? (size_t)atol(e) :
		    WEB_SSE_MAX;
	}
	return max;
}

struct web_sse *
web_sse_new(void (*wake)(void *), void *arg)
{
	struct web_sse *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->wake = wake;
	s->arg = arg;
	s->next = streams;
	streams = s;
	nstreams++;
	return s;
}

void
web_sse_free(struct web_sse *s)
{
	struct web_sse **p;

	if (s == NULL)
		return;
	for (p = &streams; *p != NULL; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			nstreams--;
			break;
		}
	free(s->buf);
	free(s);
}

int
web_sse_count(void)
{
	return nstreams;
}

static void
put(struct web_sse *s, const char *data, size_t n)
{
	if (s->cut)
		return;
	if (s->off > 0 && s->off == s->len)
		s->off = s->len = 0;
	if (s->len - s->off + n > limit()) {
		s->cut = 1;
		free(s->buf);
		s->buf = NULL;
		s->len = s->cap = s->off = 0;
		s->wake(s->arg);
		return;
	}
	if (s->len + n > s->cap) {
		size_t cap;
		char *b;

		if (s->off > 0) {	/* compact before growing */
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n)
			cap *= 2;
		if (cap != s->cap) {
			if ((b = realloc(s->buf, cap)) == NULL) {
				s->cut = 1;
				s->wake(s->arg);
				return;
			}
			s->buf = b;
			s->cap = cap;
		}
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->wake(s->arg);
}

static char *
frame(json_t *ev, size_t *n)
{
	char *j = json_dumps(ev, JSON_COMPACT), *f;

	if (j == NULL)
		return NULL;
	/* JSON_COMPACT has no newlines, so one data: line holds it */
	*n = strlen(j) + 8;
	if ((f = malloc(*n + 1)) != NULL)
		snprintf(f, *n + 1, "data: %s\n\n", j);
	free(j);
	return f;
}

void
web_sse_broadcast(json_t *ev)
{
	struct web_sse *s;
	size_t n;
	char *f = frame(ev, &n);

	if (f == NULL)
		return;
	for (s = streams; s != NULL; s = s->next)
		put(s, f, n);
	free(f);
}

void
web_sse_send(struct web_sse *s, json_t *ev)
{
	size_t n;
	char *f = frame(ev, &n);

	if (f == NULL)
		return;
	put(s, f, n);
	free(f);
}

void
web_sse_keepalive(void)
{
	struct web_sse *s;

	for (s = streams; s != NULL; s = s->next)
		put(s, ":\n\n", 3);
}

long
web_sse_read(struct web_sse *s, char *buf, size_t max)
{
	size_t n;

	if (s->cut)
		return -1;
	n = s->len - s->off;
	if (n == 0)
		return 0;
	if (n > max)
		n = max;
	memcpy(buf, s->buf + s->off, n);
	s->off += n;
	if (s->off == s->len)
		s->off = s->len = 0;
	return (long)n;
}
