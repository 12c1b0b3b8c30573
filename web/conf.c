/*
 * conf.c — idphoto-web's settings: the web { } group of the station's
 * config file, with station.socket and output.dir from the same file,
 * read through the shared config module (store/conf.c), which checks the
 * whole file as idphotod does. Then the listen address, which only
 * idphoto-web needs to understand.
 *
 *   web: { listen = "127.0.0.1:8080"; password_hash = "pbkdf2-sha256$..."; };
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "store/store.h"
#include "web/web.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share"
#endif
#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

int
web_conf_load(struct web_conf *c, const char *path, char *err, size_t errlen)
{
	struct store_conf *sc;

	memset(c, 0, sizeof(*c));
	snprintf(c->pagedir, sizeof(c->pagedir), "%s/idphotod/web", DATADIR);
	snprintf(c->localedir, sizeof(c->localedir), "%s", LOCALEDIR);
	if ((sc = malloc(sizeof(*sc))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* the whole file is checked, as idphotod checks it: one file, one
	 * verdict on it */
	store_conf_default(sc);
	if (path != NULL && store_conf_load(path, sc, err, errlen) == -1) {
		free(sc);
		return -1;
	}
	snprintf(c->listen, sizeof(c->listen), "%s", sc->web.listen);
	snprintf(c->password_hash, sizeof(c->password_hash), "%s",
	    sc->web.password_hash);
	if (sc->web.page_dir[0] != '\0')
		snprintf(c->pagedir, sizeof(c->pagedir), "%s",
		    sc->web.page_dir);
	snprintf(c->socket, sizeof(c->socket), "%s", sc->socket);
	snprintf(c->output_dir, sizeof(c->output_dir), "%s", sc->output_dir);
	free(sc);
	return 0;
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
