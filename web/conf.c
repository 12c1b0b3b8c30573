/*
 * conf.c — idphoto-web's settings: its defaults, then the web { } group
 * of the station's config file (libconfig), with station.socket and
 * output.dir read from the same file, so that one file describes the
 * station. Only these keys are read here; idphotod checks the rest.
 *
 *   web: { listen = "127.0.0.1:8080"; password_hash = "pbkdf2-sha256$..."; };
 */
#include <arpa/inet.h>
#include <libconfig.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "web/web.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share"
#endif
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static int
str(config_t *cf, const char *path, char *dst, size_t len, char *err,
    size_t errlen)
{
	config_setting_t *s = config_lookup(cf, path);
	const char *v;

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s must be a string",
		    config_setting_source_file(s) ?
		    config_setting_source_file(s) : "?",
		    config_setting_source_line(s), path);
		return -1;
	}
	if (strlen(v) >= len) {
		snprintf(err, errlen, "%s:%d: %s is too long",
		    config_setting_source_file(s) ?
		    config_setting_source_file(s) : "?",
		    config_setting_source_line(s), path);
		return -1;
	}
	snprintf(dst, len, "%s", v);
	return 0;
}

int
web_conf_load(struct web_conf *c, const char *path, char *err, size_t errlen)
{
	config_t cf;
	config_setting_t *w, *s;
	int rc = -1;
	unsigned i;

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->socket, sizeof(c->socket), "/run/idphotod/idphotod.sock");
	snprintf(c->pagedir, sizeof(c->pagedir), "%s/idphotod/web", DATADIR);
	snprintf(c->localedir, sizeof(c->localedir), "%s", LOCALEDIR);
	snprintf(c->output_dir, sizeof(c->output_dir), "/var/lib/idphotod/photos");
	if (path == NULL)
		return 0;
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		snprintf(err, errlen, "%s:%d: %s", config_error_file(&cf) ?
		    config_error_file(&cf) : path, config_error_line(&cf),
		    config_error_text(&cf));
		goto done;
	}
	if ((w = config_lookup(&cf, "web")) != NULL) {
		static const char *const keys[] = { "listen", "password_hash",
		    "page_dir", NULL };

		for (i = 0; (s = config_setting_get_elem(w, i)) != NULL; i++) {
			const char *nm = config_setting_name(s);
			int k;

			for (k = 0; keys[k] && strcmp(keys[k], nm) != 0; k++)
				;
			if (keys[k] == NULL) {
				snprintf(err, errlen, "%s:%d: unknown key web.%s",
				    path, config_setting_source_line(s), nm);
				goto done;
			}
		}
	}
	if (str(&cf, "web.listen", c->listen, sizeof(c->listen), err,
	    errlen) == -1 ||
	    str(&cf, "web.password_hash", c->password_hash,
	    sizeof(c->password_hash), err, errlen) == -1 ||
	    str(&cf, "web.page_dir", c->pagedir, sizeof(c->pagedir), err,
	    errlen) == -1 ||
	    str(&cf, "station.socket", c->socket, sizeof(c->socket), err,
	    errlen) == -1 ||
	    str(&cf, "output.dir", c->output_dir, sizeof(c->output_dir), err,
	    errlen) == -1)
		goto done;
	rc = 0;
done:
	config_destroy(&cf);
	return rc;
}

int
web_listen_addr(const char *listen, struct sockaddr_storage *ss,
    unsigned *len, int *loopback, char *err, size_t errlen)
{
	char host[128], *colon, *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {			/* [v6]:port */
		snprintf(host, sizeof(host), "%s", listen + 1);
		if ((colon = strstr(host, "]:")) == NULL)
			goto bad;
		*colon = '\0';
		colon++;
	} else {
		snprintf(host, sizeof(host), "%s", listen);
		if ((colon = strrchr(host, ':')) == NULL)
			goto bad;
		*colon = '\0';
	}
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
		goto bad;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	{
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons((unsigned short)port);
			*len = sizeof(*in);
			*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
			return 0;
		}
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((unsigned short)port);
			*len = sizeof(*in6);
			*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
			return 0;
		}
	}
bad:
	snprintf(err, errlen, "web.listen \"%s\": give an address and a port, "
	    "e.g. \"127.0.0.1:8080\" or \"[::1]:8080\" (names other than "
	    "localhost are not looked up)", listen);
	return -1;
}
