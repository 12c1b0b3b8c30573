/*
 * roster.c — the list of graduates (R-FLOW-1): importing it from the
 * learning centre's spreadsheet export, and keeping it in the state
 * folder for the daemon and the report.
 *
 * Import is all or nothing. The CSV is read whole, its encoding settled
 * (a BOM; else valid UTF-8; else GB18030, the superset of GBK that
 * spreadsheets on Chinese Windows write), converted to UTF-8 with iconv,
 * and split by libcsv one physical line at a time so that every problem
 * can name its line. libcsv is not strict: a quote inside an unquoted
 * field (="110...", the spreadsheet way of keeping a number as text) is
 * a character; a quoted field that swallows the file's last newline is
 * an error. The header row names the columns; every row's ID
 * is validated (R-FILE-7) and duplicates are found. Only when no row has
 * a problem is a roster returned, and only then does the caller save it.
 *
 * The stored roster is JSON, roster.json in the state folder, mode 0600
 * (names and ID numbers are personal data):
 *   {"source": "...", "encoding": "GB18030", "imported": 1764000000,
 *    "entries": {"<ID>": {"name": "...", "centre": "...", "class": "...",
 *                         "line": 2}, ...}}
 * in the file's order (jansson keeps an object's insertion order).
 */
#include <errno.h>
#include <iconv.h>
#include <libintl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "ctl/ctl.h"

#define _(s)		gettext(s)
#define MAX_ROSTER	(64L << 20)	/* bytes: far above any class list */
#define MAX_FIELDS	256

enum { COL_ID, COL_NAME, COL_CENTRE, COL_CLASS, NCOLS };

/* The headers looked for when the config names none, compared without
 * case and surrounding space. */
static const char *const known[NCOLS][12] = {
	[COL_ID] = { "身份证号", "身份证号码", "身份证", "公民身份号码",
	    "证件号码", "证件号", "id", "id number", "id_number", "idnumber",
	    "resident id", NULL },
	[COL_NAME] = { "姓名", "学生姓名", "学员姓名", "name", "full name",
	    NULL },
	[COL_CENTRE] = { "学习中心", "学习中心名称", "教学点", "centre",
	    "center", "learning centre", "learning center", NULL },
	[COL_CLASS] = { "班级", "班级名称", "class", NULL },
};
static const char *const keys[NCOLS] = { "id", "name", "centre", "class" };

struct parse {
	photo_ctx *ctx;
	const struct store_roster_conf *rc;
	json_t	*problems;	/* borrowed: [{"line", "error"}] */
	json_t	*entries;	/* ID -> entry */
	json_t	*names;		/* name -> line of its first row */
	int	same_name_ok;
	int	line;		/* the physical line being fed */
	int	recline;	/* where the record being built began */
	char	*field[MAX_FIELDS];
	int	nfields;
	int	col[NCOLS];	/* field index, -1: absent */
	int	header_done;
	int	rows;
	int	ends_nl;	/* the text ends with a newline */
	int	unreported;	/* problems that could not be recorded */
};

/* Cuts s back to a whole last UTF-8 character, so that a buffer that
 * truncated it mid-character still holds valid UTF-8. */
static void
utf8_cut(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 3)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (lead >= 0xc0 && n - (i - 1) < need)
		s[i - 1] = '\0';
}

static void
problem(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct parse *p, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_cut(msg);		/* a long message ends on a whole character */
	/* a problem that cannot be recorded is still a problem: it must not
	 * let the import through */
	if (json_array_append_new(p->problems, json_pack("{s:i, s:s}", "line",
	    line, "error", msg)) == -1 &&
	    json_array_append_new(p->problems, json_pack("{s:i, s:s}", "line",
	    line, "error", _("a problem on this line (its message could not "
	    "be recorded)"))) == -1)
		p->unreported++;
}

/* Trims ASCII white space and the ideographic space U+3000 in place. */
static char *
trim(char *s)
{
	char *e;

	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	e = s + strlen(s);
	for (;;) {
		if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		else if (e - s >= 3 && strncmp(e - 3, "\xe3\x80\x80", 3) == 0)
			e -= 3;
		else
			break;
	}
	*e = '\0';
	return s;
}

static void
field_cb(void *s, size_t len, void *arg)
{
	struct parse *p = arg;

	if (p->nfields == 0)
		p->recline = p->line;
	if (p->nfields < MAX_FIELDS)
		p->field[p->nfields++] = strndup(s ? s : "", len);
}

static const char *
field(struct parse *p, int c)
{
	if (p->col[c] < 0 || p->col[c] >= p->nfields ||
	    p->field[p->col[c]] == NULL)
		return "";
	return trim(p->field[p->col[c]]);
}

static int
header_is(const char *h, const char *want)
{
	return strcasecmp(h, want) == 0;
}

static void
header(struct parse *p)
{
	int c, i, k;

	for (c = 0; c < NCOLS; c++) {
		const char *want = c == COL_ID ? p->rc->id :
		    c == COL_NAME ? p->rc->name : c == COL_CENTRE ?
		    p->rc->centre : p->rc->klass;

		p->col[c] = -1;
		for (i = 0; i < p->nfields && p->col[c] < 0; i++) {
			const char *h = trim(p->field[i]);

			if (want[0] != '\0') {
				if (header_is(h, want))
					p->col[c] = i;
				continue;
			}
			for (k = 0; known[c][k] != NULL; k++)
				if (header_is(h, known[c][k]))
					p->col[c] = i;
		}
		if (p->col[c] >= 0 || c >= COL_CENTRE)
			continue;
		if (want[0] != '\0')
			problem(p, p->recline, _("no column \"%s\" in the "
			    "header (roster.%s_column)"), want, keys[c]);
		else
			problem(p, p->recline, _("no %s column in the header: "
			    "name it \"%s\", or set roster.%s_column"),
			    keys[c], known[c][0], keys[c]);
	}
	p->header_done = 1;
}

/*
 * The ID as the spreadsheet wrote it, made plain: a leading apostrophe
 * or ="..." (the ways of keeping a long number as text) is dropped.
 * Returns NULL when the cell was saved as a number and lost digits.
 */
static const char *
plain_id(char *s)
{
	size_t n;

	if (s[0] == '\'')
		s++;
	if (s[0] == '=' && s[1] == '"' && (n = strlen(s)) > 2 &&
	    s[n - 1] == '"') {
		s[n - 1] = '\0';
		s += 2;
	}
	if (strpbrk(s, "Ee") != NULL && strpbrk(s, "+.") != NULL)
		return NULL;
	return s;
}

static void
row(struct parse *p)
{
	char idbuf[256], id[PHOTO_ID_LEN + 1], text[512];
	const char *raw, *name;
	photo_id_err why;
	json_t *e, *first;
	int i, empty = 1;

	for (i = 0; i < p->nfields; i++)
		if (*trim(p->field[i]) != '\0')
			empty = 0;
	if (empty)
		return;			/* ",,," rows of a spreadsheet */
	p->rows++;
	snprintf(idbuf, sizeof(idbuf), "%s", field(p, COL_ID));
	utf8_cut(idbuf);
	name = field(p, COL_NAME);
	if (idbuf[0] == '\0') {
		problem(p, p->recline, _("no ID number"));
		return;
	}
	if ((raw = plain_id(idbuf)) == NULL) {
		problem(p, p->recline, _("the ID %s was saved as a number and "
		    "lost its last digits (R-FILE-7): format the column as "
		    "text in the spreadsheet and export again"), idbuf);
		return;
	}
	if (photo_id_check(p->ctx, raw, id, 0, &why) == -1) {
		store_id_error_text(&why, 1, text, sizeof(text));
		problem(p, p->recline, "%s", text);
		return;
	}
	if (name[0] == '\0') {
		problem(p, p->recline, _("%s: no name"), id);
		return;
	}
	if ((e = json_object_get(p->entries, id)) != NULL) {
		problem(p, p->recline, _("%s is also on line %d"), id,
		    (int)json_integer_value(json_object_get(e, "line")));
		return;
	}
	if ((first = json_object_get(p->names, name)) != NULL &&
	    !p->same_name_ok)
		problem(p, p->recline, _("the name %s is also on line %d, with "
		    "another ID (if they are two people, import with "
		    "--allow-same-name)"), name, (int)json_integer_value(first));
	if (first == NULL)
		json_object_set_new(p->names, name, json_integer(p->recline));
	e = json_pack("{s:s, s:i}", "name", name, "line", p->recline);
	if (*field(p, COL_CENTRE) != '\0')
		json_object_set_new(e, "centre",
		    json_string(field(p, COL_CENTRE)));
	if (*field(p, COL_CLASS) != '\0')
		json_object_set_new(e, "class",
		    json_string(field(p, COL_CLASS)));
	json_object_set_new(p->entries, id, e);
}

static void
record_cb(int c, void *arg)
{
	struct parse *p = arg;
	int i;

	if (c == -1 && p->ends_nl)	/* the last newline was quoted */
		problem(p, p->recline, _("a quoted field is never closed"));
	else if (p->nfields >= MAX_FIELDS)
		problem(p, p->recline, _("more than %d columns"), MAX_FIELDS);
	else if (!p->header_done)
		header(p);
	else
		row(p);
	for (i = 0; i < p->nfields; i++)
		free(p->field[i]);
	p->nfields = 0;
}

/* libcsv trims these around unquoted fields; a tab may be the
 * delimiter, so only the space is. */
static int
is_space(unsigned char c)
{
	return c == ' ';
}

/* The delimiter: the most frequent of , ; TAB in the first line. */
static unsigned char
delimiter(const char *text)
{
	static const char cand[] = ",;\t";
	size_t n[3] = { 0, 0, 0 };
	int i, best = 0, quoted = 0;

	for (; *text != '\0' && *text != '\n'; text++) {
		if (*text == '"')
			quoted = !quoted;
		for (i = 0; i < 3 && !quoted; i++)
			if (*text == cand[i])
				n[i]++;
	}
	for (i = 1; i < 3; i++)
		if (n[i] > n[best])
			best = i;
	return (unsigned char)cand[best];
}

/* The line (1-based) that byte off of buf is on. */
static int
line_of(const char *buf, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

/*
 * Converts in (len bytes, from) to UTF-8 in a malloc'd string. An
 * invalid sequence is an error naming its line (counted in the input,
 * where a newline is one 0x0a byte in every encoding but UTF-16).
 */
static char *
to_utf8(const char *in, size_t len, const char *from, size_t *outlen,
    char *err, size_t errlen)
{
	iconv_t cd;
	char *out = NULL, *ip = (char *)in, *op;
	size_t cap = len * 2 + 16, il = len, ol;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		snprintf(err, errlen, _("cannot convert from %s: %s"), from,
		    strerror(errno));
		return NULL;
	}
	if ((out = malloc(cap + 1)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	op = out;
	ol = cap;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		if (strncmp(from, "UTF-16", 6) == 0)
			snprintf(err, errlen, _("not valid %s text at byte "
			    "%zu"), from, (size_t)(ip - in));
		else
			snprintf(err, errlen, _("line %d: not valid %s text "
			    "(set the encoding with --encoding)"),
			    line_of(in, (size_t)(ip - in)), from);
		free(out);
		out = NULL;
		goto done;
	}
	*op = '\0';
	*outlen = (size_t)(op - out);
done:
	iconv_close(cd);
	return out;
}

static int
valid_utf8(const char *s, size_t len, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-8");
	char buf[4096], *ip = (char *)s, *op;
	size_t il = len, ol;
	int ok = 1;

	if (cd == (iconv_t)-1)
		return 1;
	while (il > 0) {
		op = buf;
		ol = sizeof(buf);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;
			*bad = (size_t)(ip - s);
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

/*
 * Settles the encoding of raw (len bytes) and returns it as UTF-8
 * without a BOM; *enc gets the encoding's name. want: "auto" or a name
 * iconv knows (GBK and GB2312 are read as GB18030, their superset).
 */
static char *
decode_text(const char *raw, size_t len, const char *want, char *enc,
    size_t enclen, size_t *outlen, char *err, size_t errlen)
{
	size_t bad = 0;
	char *s;
	int utf8 = -1;		/* raw is valid UTF-8; -1: not looked yet */

	/* a BOM cannot be mistaken: it wins over the encoding asked for
	 * (a UTF-8 BOM read as GBK is the "锘" of a thousand mangled
	 * rosters, and no UTF-8 or GBK text starts with 0xff 0xfe) */
	if (len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0) {
		raw += 3;
		len -= 3;
		want = "UTF-8";
	} else if (len >= 2 && (memcmp(raw, "\xff\xfe", 2) == 0 ||
	    memcmp(raw, "\xfe\xff", 2) == 0)) {
		want = "UTF-16";	/* iconv reads the BOM */
	}
	if (strcasecmp(want, "GBK") == 0 || strcasecmp(want, "GB2312") == 0 ||
	    strcasecmp(want, "CP936") == 0)
		want = "GB18030";
	if (strcasecmp(want, "auto") == 0) {
		utf8 = valid_utf8(raw, len, &bad);
		want = utf8 ? "UTF-8" : "GB18030";
	}
	snprintf(enc, enclen, "%s", want);
	if (strcasecmp(want, "UTF-8") == 0) {
		if (utf8 == -1)
			utf8 = valid_utf8(raw, len, &bad);
		if (!utf8) {
			snprintf(err, errlen, _("line %d: not valid UTF-8 text "
			    "(a GBK file? try --encoding GBK)"),
			    line_of(raw, bad));
			return NULL;
		}
		if ((s = malloc(len + 1)) == NULL) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return NULL;
		}
		memcpy(s, raw, len);	/* all of it: a NUL is looked for later */
		s[len] = '\0';
		*outlen = len;
		return s;
	}
	return to_utf8(raw, len, want, outlen, err, errlen);
}

json_t *
ctl_roster_parse(const char *path, const struct store_roster_conf *rc,
    const char *encoding, int same_name_ok, photo_ctx *ctx,
    json_t *problems, char *err, size_t errlen)
{
	struct csv_parser csv;
	struct parse p;
	unsigned char *raw = NULL;
	char *text = NULL, *line, *next, *nul, enc[32];
	json_t *roster = NULL;
	size_t len, tlen = 0;
	int i, csv_ok = 0;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.rc = rc;
	p.problems = problems;
	p.same_name_ok = same_name_ok;
	p.entries = json_object();
	p.names = json_object();
	if ((raw = store_read_file(path, MAX_ROSTER, &len, err, errlen)) == NULL)
		goto done;
	if ((text = decode_text((char *)raw, len, encoding ? encoding :
	    rc->encoding[0] ? rc->encoding : "auto", enc, sizeof(enc), &tlen,
	    err, errlen)) == NULL) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		snprintf(err, errlen, "%s", msg);
		goto done;
	}
	/* text is handled as a C string: a NUL (U+0000 in UTF-16) would
	 * silently end the roster there */
	if ((nul = memchr(text, '\0', tlen)) != NULL) {
		snprintf(err, errlen, _("%s: line %d: a NUL byte (U+0000): the "
		    "file is damaged or not a text file; nothing was imported"),
		    path, line_of(text, (size_t)(nul - text)));
		goto done;
	}
	if (csv_init(&csv, CSV_APPEND_NULL)
	    != 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto done;
	}
	csv_ok = 1;
	csv_set_delim(&csv, delimiter(text));
	csv_set_space_func(&csv, is_space);
	for (line = text; *line != '\0'; line = next) {
		size_t n;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		n = (size_t)(next - line);
		p.line++;
		if (csv_parse(&csv, line, n, field_cb, record_cb, &p) != n) {
			problem(&p, p.line, "%s",
			    csv_strerror(csv_error(&csv)));
			goto parsed;
		}
	}
	p.ends_nl = line > text && line[-1] == '\n';
	csv_fini(&csv, field_cb, record_cb, &p);
parsed:
	if (!p.header_done)
		problem(&p, 1, _("the file is empty: no header row"));
	else if (p.rows == 0 && json_array_size(problems) == 0)
		problem(&p, 2, _("no graduates: only a header row"));
	if (json_array_size(problems) > 0 || p.unreported > 0) {
		snprintf(err, errlen, _("%s: %zu problem(s); nothing was "
		    "imported"), path, json_array_size(problems) +
		    (size_t)p.unreported);
		goto done;
	}
	roster = json_pack("{s:s, s:s, s:I, s:O}", "source", path,
	    "encoding", enc, "imported", (json_int_t)time(NULL), "entries",
	    p.entries);
done:
	for (i = 0; i < p.nfields; i++)
		free(p.field[i]);
	if (csv_ok)
		csv_free(&csv);
	json_decref(p.entries);
	json_decref(p.names);
	free(text);
	free(raw);
	return roster;
}
