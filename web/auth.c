/*
 * auth.c — what keeps other people and other pages off the station's
 * page: password hashes (PBKDF2-HMAC-SHA256 through OpenSSL's libcrypto,
 * salted, 200 000 iterations), sessions (a random cookie and a random
 * per-session token that every POST must carry), and a constant-time
 * comparison. The checks of each request (Host, Origin, cookie, token)
 * are made in http.c with these.
 *
 * The session table is small and fixed: a browser that never sends its
 * cookie back only ever pushes the oldest session out.
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

#define ITERATIONS	200000
#define SALT_LEN	16
#define KEY_LEN		32
#define MAX_SESSIONS	64

static struct web_session sessions[MAX_SESSIONS];

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	size_t i;
	unsigned v;

	if (slen != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

int
web_random_hex(char *out, size_t len)
{
	unsigned char b[64];

	if (len > sizeof(b) || RAND_bytes(b, (int)len) != 1)
		return -1;
	hex(b, len, out);
	return 0;
}

static int
derive(const char *pw, const unsigned char *salt, int iter,
    unsigned char *key)
{
	return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, SALT_LEN, iter,
	    EVP_sha256(), KEY_LEN, key) == 1 ? 0 : -1;
}

int
web_password_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char hs[2 * SALT_LEN + 1], hk[2 * KEY_LEN + 1];

	if (RAND_bytes(salt, SALT_LEN) != 1 ||
	    derive(pw, salt, ITERATIONS, key) == -1)
		return -1;
	hex(salt, SALT_LEN, hs);
	hex(key, KEY_LEN, hk);
	if ((size_t)snprintf(out, outlen, "pbkdf2-sha256$%d$%s$%s",
	    ITERATIONS, hs, hk) >= outlen)
		return -1;
	return 0;
}

int
web_password_check(const char *hash, const char *pw)
{
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	const char *p = hash, *q;
	unsigned char diff = 0;
	char *end;
	long iter;
	int i;

	if (strncmp(p, "pbkdf2-sha256$", 14) != 0)
		return -1;
	p += 14;
	iter = strtol(p, &end, 10);
	if (end == p || *end != '$' || iter < 1000 || iter > 10000000)
		return -1;
	p = end + 1;
	if ((q = strchr(p, '$')) == NULL ||
	    unhex(p, (size_t)(q - p), salt, SALT_LEN) == -1 ||
	    unhex(q + 1, strlen(q + 1), want, KEY_LEN) == -1)
		return -1;
	if (derive(pw, salt, (int)iter, got) == -1)
		return -1;
	for (i = 0; i < KEY_LEN; i++)
		diff |= got[i] ^ want[i];
	return diff == 0;
}

int
web_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct web_session *
web_session_new(int authed)
{
	struct web_session *s = &sessions[0];
	int i;

	for (i = 0; i < MAX_SESSIONS; i++) {
		if (sessions[i].sid[0] == '\0') {
			s = &sessions[i];
			break;
		}
		if (sessions[i].last < s->last)
			s = &sessions[i];
	}
	if (web_random_hex(s->sid, 32) == -1 ||
	    web_random_hex(s->token, 32) == -1) {
		memset(s, 0, sizeof(*s));
		return NULL;
	}
	s->last = now();
	s->authed = authed;
	return s;
}

struct web_session *
web_session_find(const char *sid)
{
	int i;

	if (sid == NULL || strlen(sid) != 64)
		return NULL;
	for (i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].sid[0] != '\0' &&
		    web_streq(sessions[i].sid, sid)) {
			sessions[i].last = now();
			return &sessions[i];
		}
	return NULL;
}
