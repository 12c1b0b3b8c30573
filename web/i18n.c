/*
 * i18n.c — the page's words, from the same gettext catalogue as the
 * console (po/zh_CN.po, compiled to <localedir>/<lang>/LC_MESSAGES/
 * idphotod.mo). The page's own strings are msgids like the daemon's; the
 * page asks for {msgid: translation} once and translates everything it
 * shows with it, the daemon's advice and notices included.
 *
 * The message ids are read from the catalogue file itself (its table of
 * original strings); each is then translated through gettext under that
 * language, so that gettext's own rules (LANGUAGE, fallbacks) decide the
 * words, exactly as for idphotoctl. This runs once at start, before any
 * request: gettext's language is switched through LANGUAGE, which is
 * only safe in a process with one thread, as this one is.
 */
#include <libintl.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

#define DOMAIN	"idphotod"

static const char *const langs[] = { "zh_CN" };
#define NLANGS	(sizeof(langs) / sizeof(langs[0]))
static char *texts[NLANGS];
static char *english;

static uint32_t
u32(const unsigned char *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	if (swap)
		v = __builtin_bswap32(v);
	return v;
}

/* The msgids of a .mo file, as a JSON array (new reference), or NULL. */
static json_t *
msgids(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;
	uint32_t magic, count, orig, i;
	int swap;
	json_t *a = NULL;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 28 ||
	    n > 16 * 1024 * 1024 || fseek(f, 0, SEEK_SET) == -1 ||
	    (b = malloc((size_t)n)) == NULL ||
	    fread(b, 1, (size_t)n, f) != (size_t)n)
		goto done;
	memcpy(&magic, b, 4);
	if (magic == 0x950412de)
		swap = 0;
	else if (magic == 0xde120495)
		swap = 1;
	else
		goto done;
	count = u32(b + 8, swap);
	orig = u32(b + 12, swap);
	if (orig > (uint64_t)n || count > ((uint64_t)n - orig) / 8)
		goto done;
	a = json_array();
	for (i = 0; i < count; i++) {
		uint32_t len = u32(b + orig + 8 * i, swap);
		uint32_t off = u32(b + orig + 8 * i + 4, swap);

		if ((uint64_t)off + len >= (uint64_t)n)
			continue;
		/* the header (""), plurals and contexts are not page words */
		if (len == 0 || memchr(b + off, '\0', len) != NULL ||
		    memchr(b + off, '\4', len) != NULL)
			continue;
		json_array_append_new(a, json_stringn((char *)b + off, len));
	}
done:
	free(b);
	fclose(f);
	return a;
}

int
web_i18n_init(const char *localedir)
{
	char path[PATH_MAX + 64];
	json_t *ids, *o, *m, *v;
	const char *old;
	size_t i, k;
	int rc = 0;

	o = json_pack("{s:s, s:{}}", "lang", "en", "messages");
	english = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	/* gettext ignores LANGUAGE under the "C" locale */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	bindtextdomain(DOMAIN, localedir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	old = getenv("LANGUAGE");
	for (k = 0; k < NLANGS; k++) {
		snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo",
		    localedir, langs[k], DOMAIN);
		if ((ids = msgids(path)) == NULL) {
			web_log_warnx("no catalogue for %s at %s: the page "
			    "stays in English", langs[k], path);
			rc = -1;
			continue;
		}
		setenv("LANGUAGE", langs[k], 1);
		m = json_object();
		json_array_foreach(ids, i, v) {
			const char *id = json_string_value(v);
			const char *t = dgettext(DOMAIN, id);

			if (t != id && strcmp(t, id) != 0)
				json_object_set_new(m, id, json_string(t));
		}
		o = json_pack("{s:s, s:o}", "lang", langs[k], "messages", m);
		texts[k] = json_dumps(o, JSON_COMPACT);
		web_log_info("%s: %zu words", langs[k], json_object_size(m));
		json_decref(o);
		json_decref(ids);
	}
	if (old != NULL)
		setenv("LANGUAGE", old, 1);
	else
		unsetenv("LANGUAGE");
	return rc;
}

const char *
web_i18n_json(const char *lang)
{
	size_t k;

	if (lang != NULL)
		for (k = 0; k < NLANGS; k++)
			if (texts[k] != NULL && strncmp(lang, langs[k], 2) == 0)
				return texts[k];
	return english;
}
