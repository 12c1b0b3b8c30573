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
 * is wrong.
 *
 * Non-resident IDs (passports, permits) can be let through with a
 * configured POSIX regex (photo.id_escape, off by default); what it lets
 * through must still be a safe file name.
 */
#include <ctype.h>
#include <regex.h>
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
escape_match(photo_ctx *ctx, const char *s)
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

int
photo_id_check(photo_ctx *ctx, const char *in, char out[PHOTO_ID_LEN + 1],
    time_t now)
{
	char s[64], today[9];
	size_t n, i;
	int y, mo, d, mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 }, e;
	struct tm tm;

	out[0] = '\0';
	while (isspace((unsigned char)*in))
		in++;
	n = strlen(in);
	while (n > 0 && isspace((unsigned char)in[n - 1]))
		n--;
	if (n >= sizeof(s))
		return photo_seterr(ctx, "R-FILE-7: %zu characters, need 18", n);
	memcpy(s, in, n);
	s[n] = '\0';
	if ((e = escape_match(ctx, s)) == -1)
		return -1;
	if (e == 1) {
		memcpy(out, s, n + 1);
		return 0;
	}
	if (n != PHOTO_ID_LEN)
		return photo_seterr(ctx, "R-FILE-7: %zu characters, need 18", n);
	for (i = 0; i < 17; i++)
		if (!isdigit((unsigned char)s[i]))
			return photo_seterr(ctx, "R-FILE-7: character %zu is "
			    "'%c', not a digit", i + 1, isprint((unsigned char)
			    s[i]) ? s[i] : '?');
	if (s[17] == 'x')
		s[17] = 'X';
	if (!isdigit((unsigned char)s[17]) && s[17] != 'X')
		return photo_seterr(ctx, "R-FILE-7: character 18 is '%c', not "
		    "a digit or X", isprint((unsigned char)s[17]) ? s[17] : '?');
	if (s[0] < '1' || s[0] > '8')
		return photo_seterr(ctx, "R-FILE-7: region code %.6s cannot "
		    "start with %c", s, s[0]);
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 +
	    (s[9] - '0');
	mo = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (leap(y))
		mdays[1] = 29;
	if (y < 1900)
		return photo_seterr(ctx, "R-FILE-7: birth date %.8s is before "
		    "1900: too old to be right", s + 6);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return photo_seterr(ctx, "R-FILE-7: birth date %.8s is not a "
		    "real date", s + 6);
	if (now == 0)
		now = time(NULL);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y%m%d", &tm);
	if (strncmp(s + 6, today, 8) > 0)
		return photo_seterr(ctx, "R-FILE-7: birth date %.8s is in the "
		    "future", s + 6);
	/* never the expected character: retyping only the last one gives
	 * a valid number that is someone else's */
	if (check_char(s) != s[17])
		return photo_seterr(ctx, "%s", N_("R-FILE-7: the check "
		    "character does not match: this is not a valid ID number; "
		    "check every digit against the ID card"));
	memcpy(out, s, PHOTO_ID_LEN + 1);
	return 0;
}
