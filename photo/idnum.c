/*
 * idnum.c — resident ID numbers (R-FILE-7, GB 11643-1999), the name of
 * every output file, validated the moment the operator keys one in so
 * that a typo is caught before the shot.
 *
 * 18 characters: a 6-digit region code, an 8-digit birth date
 * (YYYYMMDD, a real date, not in the future), a 3-digit sequence and a
 * check character, ISO 7064 MOD 11-2 over the first 17 digits with 'X'
 * for 10. Surrounding whitespace (a barcode scanner's Enter) is trimmed
 * and a lower-case x is written upper-case. Each error says exactly what
 * is wrong, as a photo_id_err (a code and its values) that the caller
 * puts in words in the operator's language; the handle's error string is
 * the same in English, for logs. The library translates nothing.
 *
 * Non-resident IDs (passports, permits) can be let through with a
 * configured POSIX regex (photo.id_escape, off by default); what it lets
 * through must still be a safe file name.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "photo/internal.h"

/* The MOD 11-2 check character of 17 digits. */
static char
check_char(const char *d)
{
	static const char map[] = "10X98765432";
	int i, sum = 0, w = 1;

	/* weight of digit i is 2^(17-i) mod 11, computed right to left */
	for (i = 16; i >= 0; i--) {
		w = (w * 2) % 11;
		sum += (d[i] - '0') * w;
	}
	return map[sum % 11];
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The escape regex, if set, matches the whole ID; 1 yes, 0 no, -1 err. */
static int
escape_match(photo_ctx *ctx, const char *s, photo_id_err *why)
{
	regex_t re;
	regmatch_t m;
	int rc;
	size_t i, n = strlen(s);

	if (ctx->p.id_escape[0] == '\0')
		return 0;
	if ((rc = regcomp(&re, ctx->p.id_escape, REG_EXTENDED)) != 0) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		why->why = PHOTO_ID_ESCAPE;
		return photo_seterr(ctx, "R-FILE-7: the configured id_escape "
		    "regex \"%s\" is invalid: %s", ctx->p.id_escape, msg);
	}
	rc = regexec(&re, s, 1, &m, 0) == 0 && m.rm_so == 0 &&
	    (size_t)m.rm_eo == n;
	regfree(&re);
	if (!rc)
		return 0;
	if (n == 0 || n > PHOTO_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;	/* not a safe file name */
	return 1;
}

/* Fills why and the handle's English error; -1. */
static int
id_fail(photo_ctx *ctx, photo_id_err *why, enum photo_id_why code,
    int pos, char ch, const char *part, size_t partlen)
{
	why->why = code;
	why->pos = pos;
	why->ch = ch == '\0' ? '\0' : isprint((unsigned char)ch) ? ch : '?';
	snprintf(why->part, sizeof(why->part), "%.*s", (int)partlen,
	    part ? part : "");
	switch (code) {
	case PHOTO_ID_LENGTH:
		return photo_seterr(ctx, "R-FILE-7: %zu characters, need 18",
		    why->len);
	case PHOTO_ID_NOT_DIGIT:
		return photo_seterr(ctx, "R-FILE-7: character %d is '%c', "
		    "not a digit", pos, why->ch);
	case PHOTO_ID_LAST_CHAR:
		return photo_seterr(ctx, "R-FILE-7: character 18 is '%c', "
		    "not a digit or X", why->ch);
	case PHOTO_ID_REGION:
		return photo_seterr(ctx, "R-FILE-7: region code %s cannot "
		    "start with %c", why->part, why->ch);
	case PHOTO_ID_BIRTH_OLD:
		return photo_seterr(ctx, "R-FILE-7: birth date %s is before "
		    "1900: too old to be right", why->part);
	case PHOTO_ID_BIRTH_DATE:
		return photo_seterr(ctx, "R-FILE-7: birth date %s is not a "
		    "real date", why->part);
	case PHOTO_ID_BIRTH_FUTURE:
		return photo_seterr(ctx, "R-FILE-7: birth date %s is in the "
		    "future", why->part);
	default:
		/* never the expected character: retyping only the last
		 * one gives a valid number that is someone else's */
		return photo_seterr(ctx, "R-FILE-7: the check character does "
		    "not match: this is not a valid ID number; check every "
		    "digit against the ID card");
	}
}

int
photo_id_check(photo_ctx *ctx, const char *in, char out[PHOTO_ID_LEN + 1],
    time_t now, photo_id_err *why)
{
	char s[64], today[9];
	size_t n, i;
	int y, mo, d, mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 }, e;
	struct tm tm;
	photo_id_err spare;

	if (why == NULL)
		why = &spare;
	memset(why, 0, sizeof(*why));
	out[0] = '\0';
	while (isspace((unsigned char)*in))
		in++;
	n = strlen(in);
	while (n > 0 && isspace((unsigned char)in[n - 1]))
		n--;
	why->len = n;
	if (n >= sizeof(s))
		return id_fail(ctx, why, PHOTO_ID_LENGTH, 0, 0, NULL, 0);
	memcpy(s, in, n);
	s[n] = '\0';
	if ((e = escape_match(ctx, s, why)) == -1)
		return -1;
	if (e == 1) {
		memcpy(out, s, n + 1);
		return 0;
	}
	if (n != PHOTO_ID_LEN)
		return id_fail(ctx, why, PHOTO_ID_LENGTH, 0, 0, NULL, 0);
	for (i = 0; i < 17; i++)
		if (!isdigit((unsigned char)s[i]))
			return id_fail(ctx, why, PHOTO_ID_NOT_DIGIT,
			    (int)i + 1, s[i], NULL, 0);
	if (s[17] == 'x')
		s[17] = 'X';
	if (!isdigit((unsigned char)s[17]) && s[17] != 'X')
		return id_fail(ctx, why, PHOTO_ID_LAST_CHAR, 18, s[17], NULL,
		    0);
	if (s[0] < '1' || s[0] > '8')
		return id_fail(ctx, why, PHOTO_ID_REGION, 1, s[0], s, 6);
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 +
	    (s[9] - '0');
	mo = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (leap(y))
		mdays[1] = 29;
	if (y < 1900)
		return id_fail(ctx, why, PHOTO_ID_BIRTH_OLD, 7, 0, s + 6, 8);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return id_fail(ctx, why, PHOTO_ID_BIRTH_DATE, 7, 0, s + 6, 8);
	if (now == 0)
		now = time(NULL);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y%m%d", &tm);
	if (strncmp(s + 6, today, 8) > 0)
		return id_fail(ctx, why, PHOTO_ID_BIRTH_FUTURE, 7, 0, s + 6,
		    8);
	if (check_char(s) != s[17])
		return id_fail(ctx, why, PHOTO_ID_CHECK, 18, 0, NULL, 0);
	memcpy(out, s, PHOTO_ID_LEN + 1);
	return 0;
}
