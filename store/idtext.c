/*
 * idtext.c — why an ID number is not valid (R-FILE-7), in words. The
 * photo library says what is wrong as a photo_id_err (a code and its
 * values) and translates nothing; the programs word it here, through
 * gettext, in the operator's language. The daemon sends the code and
 * values on its socket with the English sentence (for logs and scripts),
 * and idphotoctl words them again in its own locale.
 *
 * A wrong check character is never answered with the expected one:
 * retyping only the last character gives a valid number that belongs to
 * someone else. The sentence says to check the number against the card.
 */
#include <libintl.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define _(s)		gettext(s)

/* The codes on the wire, by enum photo_id_why. */
static const char *const why_names[] = {
	[PHOTO_ID_OK] = "ok",
	[PHOTO_ID_LENGTH] = "length",
	[PHOTO_ID_NOT_DIGIT] = "not_digit",
	[PHOTO_ID_LAST_CHAR] = "last_char",
	[PHOTO_ID_REGION] = "region",
	[PHOTO_ID_BIRTH_OLD] = "birth_old",
	[PHOTO_ID_BIRTH_DATE] = "birth_date",
	[PHOTO_ID_BIRTH_FUTURE] = "birth_future",
	[PHOTO_ID_CHECK] = "check",
	[PHOTO_ID_ESCAPE] = "escape",
};
#define NWHY	(sizeof(why_names) / sizeof(why_names[0]))

/* The sentences, by enum photo_id_why: printf formats whose operands
 * are fixed per code (see store_id_error_text). */
static const char *const why_text[] = {
	[PHOTO_ID_OK] = N_("R-FILE-7: the ID number is valid"),
	[PHOTO_ID_LENGTH] = N_("R-FILE-7: the ID number has %zu "
	    "characters; it needs 18"),
	[PHOTO_ID_NOT_DIGIT] = N_("R-FILE-7: character %d of the ID number "
	    "is '%c', not a digit"),
	[PHOTO_ID_LAST_CHAR] = N_("R-FILE-7: the last character of the ID "
	    "number is '%c'; it must be a digit or X"),
	[PHOTO_ID_REGION] = N_("R-FILE-7: the region code %s cannot start "
	    "with %c"),
	[PHOTO_ID_BIRTH_OLD] = N_("R-FILE-7: the birth date %s is before "
	    "1900: the number cannot be right"),
	[PHOTO_ID_BIRTH_DATE] = N_("R-FILE-7: the birth date %s is not a "
	    "real date"),
	[PHOTO_ID_BIRTH_FUTURE] = N_("R-FILE-7: the birth date %s is in the "
	    "future"),
	[PHOTO_ID_CHECK] = N_("R-FILE-7: the check character does not "
	    "match: this is not a valid ID number; check every digit "
	    "against the ID card"),
	[PHOTO_ID_ESCAPE] = N_("R-FILE-7: the configured photo.id_escape "
	    "pattern is not a valid regular expression (idphotod -n names "
	    "the problem)"),
};

/*
 * why as one sentence into buf: translated when translate is set, else
 * the English msgid (the daemon's socket and log). The caller owns buf.
 */
void
store_id_error_text(const photo_id_err *why, int translate, char *buf,
    size_t len)
{
	unsigned w = (unsigned)why->why < NWHY ? (unsigned)why->why :
	    PHOTO_ID_CHECK;
	const char *fmt = translate ? _(why_text[w]) : why_text[w];

	switch (w) {
	case PHOTO_ID_LENGTH:
		snprintf(buf, len, fmt, why->len);
		break;
	case PHOTO_ID_NOT_DIGIT:
		snprintf(buf, len, fmt, why->pos, why->ch);
		break;
	case PHOTO_ID_LAST_CHAR:
		snprintf(buf, len, fmt, why->ch);
		break;
	case PHOTO_ID_REGION:
		snprintf(buf, len, fmt, why->part, why->ch);
		break;
	case PHOTO_ID_BIRTH_OLD:
	case PHOTO_ID_BIRTH_DATE:
	case PHOTO_ID_BIRTH_FUTURE:
		snprintf(buf, len, fmt, why->part);
		break;
	default:
		snprintf(buf, len, "%s", fmt);
		break;
	}
}

/* Puts why on o (a BAD_ID refusal the caller owns), with the English
 * sentence as its error. */
void
store_id_error_put(json_t *o, const photo_id_err *why)
{
	char text[512], ch[2] = { why->ch, '\0' };
	unsigned w = (unsigned)why->why < NWHY ? (unsigned)why->why :
	    PHOTO_ID_CHECK;

	store_id_error_text(why, 0, text, sizeof(text));
	json_object_set_new(o, PROTO_F_ERROR, json_string(text));
	json_object_set_new(o, PROTO_F_ID_ERROR, json_string(why_names[w]));
	json_object_set_new(o, PROTO_F_ID_LENGTH, json_integer(
	    (json_int_t)why->len));
	if (why->pos > 0)
		json_object_set_new(o, PROTO_F_ID_POSITION,
		    json_integer(why->pos));
	if (why->ch != '\0')
		json_object_set_new(o, PROTO_F_ID_CHARACTER, json_string(ch));
	if (why->part[0] != '\0')
		json_object_set_new(o, PROTO_F_ID_PART,
		    json_string(why->part));
}

/* Reads why back from o (a reply from the daemon); 0, or -1 when o does
 * not say why an ID was refused (another refusal, an older daemon). */
int
store_id_error_get(json_t *o, photo_id_err *why)
{
	const char *name = json_string_value(json_object_get(o,
	    PROTO_F_ID_ERROR));
	const char *ch = json_string_value(json_object_get(o,
	    PROTO_F_ID_CHARACTER));
	const char *part = json_string_value(json_object_get(o,
	    PROTO_F_ID_PART));
	json_int_t n;
	size_t w;

	memset(why, 0, sizeof(*why));
	if (name == NULL)
		return -1;
	for (w = 1; w < NWHY; w++)
		if (strcmp(why_names[w], name) == 0)
			break;
	if (w == NWHY)
		return -1;
	why->why = (enum photo_id_why)w;
	n = json_integer_value(json_object_get(o, PROTO_F_ID_LENGTH));
	why->len = n > 0 ? (size_t)n : 0;
	n = json_integer_value(json_object_get(o, PROTO_F_ID_POSITION));
	why->pos = n > 0 && n <= 64 ? (int)n : 0;
	why->ch = ch != NULL && ch[0] != '\0' && ch[1] == '\0' &&
	    (unsigned char)ch[0] >= 0x20 && (unsigned char)ch[0] < 0x7f ?
	    ch[0] : '?';
	snprintf(why->part, sizeof(why->part), "%.8s", part ? part : "");
	return 0;
}
