/*
 * accuracy — how often the validator's verdict is the right one, on real
 * photos with known verdicts (make accuracy, tests/it-accuracy.sh).
 *
 *   accuracy [--ratchet FILE] SET:LABELS:DIR ...
 *
 * Each LABELS file has one photo a line, "name<TAB>verdict<TAB>why" (the
 * format of ../shared/testdata/devset/expect.tsv; '#' starts a comment),
 * the photo being DIR/name.jpg. A verdict is
 *   accept   the validator must accept it (else a false reject);
 *   reject   it must reject it (else a false accept);
 *   either   both are right; not counted, printed with what it got;
 *   oneface  either verdict, but exactly one person must be found;
 *   error    the bytes are not a photo: a clear decode error.
 * Every photo is analysed as a camera frame (photo_decode, photo_analyze)
 * with the documented defaults, which are the shipped configuration's
 * (tests/test_conf.c holds them equal); a frame is accepted when no
 * finding fails it, as idphotoctl process does.
 *
 * Printed: a confusion table per set, each false verdict with its codes,
 * and the `either` photos with what they got. With --ratchet, FILE lists
 * "SET/name" of the photos that were right when it was last tightened:
 * any of them wrong now fails (exit 1), so a verdict cannot get worse
 * unnoticed; photos right now but not yet listed are printed so the file
 * can be tightened.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photo/photo.h"
#include "tests/testutil.h"

#define MAXN	1024

struct item {
	char	set[32];
	char	name[128];
	char	expect[16];
	int	got;		/* 0 accepted, 1 rejected, 2 decode error */
	int	persons;
	int	right;
	char	codes[256];
};

static struct item items[MAXN];
static int nitems;

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, k;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		if ((k = fread(buf + n, 1, cap - n, fp)) == 0)
			break;
		n += k;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static void
judge(photo_ctx *ctx, const char *dir, struct item *it)
{
	static photo_result r;
	photo_image *im = NULL;
	unsigned char *buf;
	size_t len = 0, off = 0;
	char path[1024];
	int i;

	snprintf(path, sizeof(path), "%s/%s.jpg", dir, it->name);
	it->codes[0] = '\0';
	if ((buf = slurp(path, &len)) == NULL) {
		fprintf(stderr, "accuracy: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if ((im = photo_decode(ctx, buf, len)) == NULL) {
		it->got = 2;
		snprintf(it->codes, sizeof(it->codes), "(%s)",
		    photo_error(ctx));
		goto done;
	}
	if (photo_analyze(ctx, im, &r) == -1) {
		fprintf(stderr, "accuracy: %s: %s\n", path, photo_error(ctx));
		exit(2);
	}
	it->got = r.verdict == PHOTO_FAIL;
	it->persons = r.nfaces;
	for (i = 0; i < r.nfindings; i++) {
		off += snprintf(it->codes + off, sizeof(it->codes) - off,
		    "%s%s%s %.3g/%.3g", off ? ", " : "",
		    r.findings[i].severity == PHOTO_FAIL ? "" : "warn:",
		    r.findings[i].code, r.findings[i].value,
		    r.findings[i].limit);
		if (off >= sizeof(it->codes))
			break;
	}
done:
	if (strcmp(it->expect, "accept") == 0)
		it->right = it->got == 0;
	else if (strcmp(it->expect, "reject") == 0)
		it->right = it->got == 1;
	else if (strcmp(it->expect, "error") == 0)
		it->right = it->got == 2;
	else if (strcmp(it->expect, "oneface") == 0)
		it->right = it->got != 2 && it->persons == 1;
	else
		it->right = it->got != 2;
	photo_image_destroy(im);
	free(buf);
}

static void
load(const char *set, const char *labels)
{
	FILE *fp = fopen(labels, "r");
	char line[1024];

	if (fp == NULL) {
		fprintf(stderr, "accuracy: %s: %s\n", labels, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *name = strtok(line, "\t\n"), *v = strtok(NULL, "\t\n");
		struct item *it;

		if (name == NULL || name[0] == '#' || v == NULL)
			continue;
		if (nitems == MAXN) {
			fprintf(stderr, "accuracy: too many photos\n");
			exit(2);
		}
		it = &items[nitems++];
		snprintf(it->set, sizeof(it->set), "%s", set);
		snprintf(it->name, sizeof(it->name), "%s", name);
		snprintf(it->expect, sizeof(it->expect), "%s", v);
	}
	fclose(fp);
}

static const char *
got_word(const struct item *it)
{
	return it->got == 2 ? "error" : it->got ? "rejected" : "accepted";
}

static void
report(const char *set)
{
	int acc[2] = { 0, 0 }, rej[2] = { 0, 0 }, eith[3] = { 0, 0, 0 };
	int other = 0, other_right = 0, i;

	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (strcmp(it->set, set) != 0)
			continue;
		if (strcmp(it->expect, "accept") == 0)
			acc[it->got == 0 ? 0 : 1]++;
		else if (strcmp(it->expect, "reject") == 0)
			rej[it->got == 1 ? 1 : 0]++;
		else if (strcmp(it->expect, "either") == 0)
			eith[it->got]++;
		else {
			other++;
			other_right += it->right;
		}
	}
	printf("== %s\n", set);
	printf("  expected   accepted  rejected  error\n");
	printf("  accept     %8d  %8d\n", acc[0], acc[1]);
	printf("  reject     %8d  %8d\n", rej[0], rej[1]);
	printf("  either     %8d  %8d  %5d\n", eith[0], eith[1], eith[2]);
	printf("  accepted %d/%d of accept, wrongly accepted %d/%d of "
	    "reject", acc[0], acc[0] + acc[1], rej[0], rej[0] + rej[1]);
	if (other)
		printf(", oneface/error right %d/%d", other_right, other);
	printf("\n");
	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (strcmp(it->set, set) == 0 && !it->right)
			printf("  WRONG  %-28s expected %-7s got %s (persons "
			    "%d): %s\n", it->name, it->expect, got_word(it),
			    it->persons, it->codes[0] ? it->codes : "-");
	}
	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		if (strcmp(it->set, set) == 0 && it->right &&
		    strcmp(it->expect, "either") == 0)
			printf("  either %-28s got %s: %s\n", it->name,
			    got_word(it), it->codes[0] ? it->codes : "-");
	}
}

/* 1 when SET/name of a listed photo is wrong now. */
static int
ratchet(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	unsigned char *listed = calloc(MAXN, 1);
	int worse = 0, i;

	if (fp == NULL || listed == NULL) {
		fprintf(stderr, "accuracy: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *n = strtok(line, " \t\n");
		int found = 0;

		if (n == NULL || n[0] == '#')
			continue;
		for (i = 0; i < nitems; i++) {
			char key[200];

			snprintf(key, sizeof(key), "%.31s/%.127s", items[i].set,
			    items[i].name);
			if (strcmp(key, n) != 0)
				continue;
			found = 1;
			listed[i] = 1;
			if (!items[i].right) {
				printf("  WORSE  %s was right at the ratchet, "
				    "now %s: %s\n", n, got_word(&items[i]),
				    items[i].codes);
				worse = 1;
			}
		}
		if (!found) {
			printf("  WORSE  %s is in the ratchet but was not "
			    "scored\n", n);
			worse = 1;
		}
	}
	fclose(fp);
	for (i = 0; i < nitems; i++)
		if (items[i].right && !listed[i])
			printf("  BETTER %s/%s is right now: add it to %s\n",
			    items[i].set, items[i].name, path);
	free(listed);
	return worse;
}

int
main(int argc, char **argv)
{
	const char *rfile = NULL;
	char sets[16][32];
	int nsets = 0, i, a, from;
	photo_params p;
	photo_ctx *ctx;

	for (a = 1; a < argc; a++) {
		char *spec, *labels, *dir;

		if (strcmp(argv[a], "--ratchet") == 0 && a + 1 < argc) {
			rfile = argv[++a];
			continue;
		}
		spec = strdup(argv[a]);
		if (spec == NULL || (labels = strchr(spec, ':')) == NULL ||
		    (dir = strchr(labels + 1, ':')) == NULL || nsets == 16) {
			fprintf(stderr, "usage: accuracy [--ratchet FILE] "
			    "SET:LABELS:DIR ...\n");
			return 2;
		}
		*labels++ = '\0';
		*dir++ = '\0';
		snprintf(sets[nsets++], sizeof(sets[0]), "%s", spec);
		from = nitems;
		load(spec, labels);
		tu_params(&p);
		if ((ctx = photo_create()) == NULL ||
		    photo_configure(ctx, &p) == -1) {
			fprintf(stderr, "accuracy: %s\n", ctx ?
			    photo_error(ctx) : "out of memory");
			return 2;
		}
		for (i = from; i < nitems; i++)
			judge(ctx, dir, &items[i]);
		photo_destroy(ctx);
		free(spec);
	}
	for (i = 0; i < nsets; i++)
		report(sets[i]);
	if (rfile != NULL && ratchet(rfile)) {
		printf("accuracy: a verdict got worse than %s\n", rfile);
		return 1;
	}
	return 0;
}
