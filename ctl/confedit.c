/*
 * confedit.c — writing calibrated lamp levels back into the technician's
 * configuration file, for `idphotoctl calibrate --apply`.
 *
 * The file is a person's: its comments, layout and every other value
 * stay byte for byte. libconfig (which cannot write comments back) is
 * used only to find where each lamp's `level` is: the line of the
 * setting, or of the lamp's group when the lamp has no level yet (then
 * `level = X; ` is inserted after the group's opening brace). The number
 * on that line is replaced in the text. The new text is written to a
 * temporary file beside the old one, loaded back with store_conf_load() and
 * checked to say exactly the new levels, and only then renamed over the
 * old file, with the old file's mode: a calibration can never leave a
 * file the daemon would refuse.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "ctl/ctl.h"

struct edit {
	int	line;		/* 1-based */
	int	insert;		/* no level yet: insert after the k-th '{' */
	int	k;		/* which occurrence on the line, 0-based */
	double	level;
};

/*
 * In line [p, end), the k-th "level = <number>" (word "level", then '='
 * or ':') : where the number starts and ends. 0 when found.
 */
static int
find_level(const char *p, const char *end, int k, const char **ns,
    const char **ne)
{
	const char *q;

	for (q = p; q + 5 <= end; q++) {
		const char *v;

		if (strncmp(q, "level", 5) != 0 || (q > p &&
		    (isalnum((unsigned char)q[-1]) || q[-1] == '_')))
			continue;
		v = q + 5;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || (*v != '=' && *v != ':'))
			continue;
		v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (k-- > 0)
			continue;
		*ns = v;
		while (v < end && (isdigit((unsigned char)*v) || *v == '.' ||
		    *v == '-' || *v == '+' || *v == 'e' || *v == 'E'))
			v++;
		*ne = v;
		return *ne > *ns ? 0 : -1;
	}
	return -1;
}

/* The k-th '{' in [p, end), or NULL. */
static const char *
find_brace(const char *p, const char *end, int k)
{
	for (; p < end; p++)
		if (*p == '{' && k-- == 0)
			return p;
	return NULL;
}

static int
locate(const char *path, const double *levels, int n, struct edit *ed,
    char *err, size_t errlen)
{
	config_t cfg;
	config_setting_t *list;
	int i, j, rc = -1;

	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&cfg),
		    config_error_text(&cfg));
		goto done;
	}
	if ((list = config_lookup(&cfg, "lighting.lamps")) == NULL ||
	    config_setting_length(list) != n) {
		snprintf(err, errlen, "%s has no lighting.lamps list of %d "
		    "lamps to write the levels into (copy the lamps from the "
		    "example configuration first)", path, n);
		goto done;
	}
	for (i = 0; i < n; i++) {
		config_setting_t *lamp = config_setting_get_elem(list,
		    (unsigned)i);
		config_setting_t *lv = config_setting_get_member(lamp, "level");

		ed[i].insert = lv == NULL;
		ed[i].line = (int)config_setting_source_line(lv ? lv : lamp);
		ed[i].level = levels[i];
		ed[i].k = 0;
		for (j = 0; j < i; j++)
			if (ed[j].line == ed[i].line &&
			    ed[j].insert == ed[i].insert)
				ed[i].k++;
	}
	rc = 0;
done:
	config_destroy(&cfg);
	return rc;
}

/* The new text: old with the edits applied; the diff of changed lines. */
static char *
apply(const char *old, size_t len, const struct edit *ed, int n,
    char *diff, size_t difflen, char *err, size_t errlen)
{
	char *out = malloc(len + (size_t)n * 32 + 1), *o = out;
	const char *p = old, *end = old + len;
	size_t dl = 0;
	int line = 1, i;

	if (out == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	diff[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol + 1 : end, *cur = p;
		char *start = o;
		int changed = 0;

		/* edits on this line, left to right in file order */
		for (i = 0; i < n; i++) {
			const char *ns, *ne;
			char num[32];

			if (ed[i].line != line)
				continue;
			snprintf(num, sizeof(num), "%.3f", ed[i].level);
			if (ed[i].insert) {
				if ((ns = find_brace(p, le, ed[i].k)) == NULL)
					goto notfound;
				ne = ++ns;
				memcpy(o, cur, (size_t)(ns - cur));
				o += ns - cur;
				o += sprintf(o, " level = %s;", num);
			} else {
				if (find_level(p, le, ed[i].k, &ns, &ne) == -1)
					goto notfound;
				memcpy(o, cur, (size_t)(ns - cur));
				o += ns - cur;
				o += sprintf(o, "%s", num);
			}
			cur = ne;
			changed = 1;
		}
		memcpy(o, cur, (size_t)(le - cur));
		o += le - cur;
		if (changed && ((size_t)(o - start) != (size_t)(le - p) ||
		    memcmp(p, start, (size_t)(le - p)) != 0))
			dl += (size_t)snprintf(diff + dl, dl < difflen ?
			    difflen - dl : 0, "-%d: %.*s%s+%d: %.*s%s", line,
			    (int)(le - p - (eol != NULL)), p, "\n", line,
			    (int)(o - start - (eol != NULL)), start, "\n");
		p = le;
		line++;
	}
	*o = '\0';
	return out;
notfound:
	snprintf(err, errlen, "line %d: cannot find where to write the "
	    "level", line);
	free(out);
	return NULL;
}

/* The levels a calibrated file must load back with. */
struct want {
	const double *levels;
	int	n;
	char	*err;
	size_t	errlen;
};

/* store_write_file_checked's check: the daemon must take the new file,
 * and read the new levels from it. */
static int
loads_back(const char *tmp, void *arg)
{
	struct want *w = arg;
	struct store_conf *check;
	char msg[1024];
	int i, rc = -1;

	if ((check = malloc(sizeof(*check))) == NULL ||
	    store_conf_load(tmp, check, msg, sizeof(msg)) == -1) {
		snprintf(w->err, w->errlen, "the edited file would be "
		    "refused: %s", check ? msg : "out of memory");
		goto done;
	}
	for (i = 0; i < w->n; i++)
		if (fabs(check->rig.lamp[i].level - w->levels[i]) > 0.0005) {
			snprintf(w->err, w->errlen, "the edited file says lamp "
			    "%d level %.3f, not %.3f", i + 1,
			    check->rig.lamp[i].level, w->levels[i]);
			goto done;
		}
	rc = 0;
done:
	free(check);
	errno = EINVAL;
	return rc;
}

int
ctl_conf_set_levels(const char *path, const double *levels, int n,
    int dry_run, char *diff, size_t difflen, char *err, size_t errlen)
{
	struct edit ed[RIG_MAX_LAMPS];
	struct want w = { levels, n, err, errlen };
	struct stat st;
	char *old = NULL, *text = NULL;
	size_t len;
	int rc = -1;

	if (n < 1 || n > RIG_MAX_LAMPS) {
		snprintf(err, errlen, "%d lamps", n);
		return -1;
	}
	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((old = (char *)store_read_file(path, 1 << 20, &len, err, errlen))
	    == NULL)
		return -1;
	if (locate(path, levels, n, ed, err, errlen) == -1 ||
	    (text = apply(old, len, ed, n, diff, difflen, err, errlen)) ==
	    NULL)
		goto done;
	err[0] = '\0';
	if (dry_run)
		rc = 0;
	else if (store_write_file_checked(path, text, strlen(text),
	    st.st_mode & 07777, loads_back, &w) == 0)
		rc = 0;
	else if (err[0] == '\0')
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
done:
	free(old);
	free(text);
	return rc;
}
