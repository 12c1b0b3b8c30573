/*
 * conf.c — the configuration file (libconfig), shared by idphotod and
 * idphotoctl.
 *
 * Parsing starts from the defaults, so every key is optional, and walks
 * the file against a table of known keys: a key the table does not know
 * is an error naming file:line, because a misspelt threshold that is
 * silently ignored is worse than a refused reload. Each value is range
 * checked, also with file:line. The check severities and thresholds are
 * keyed by photo_check_name(), so a check added to photo.h is
 * configurable without touching this file.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <regex.h>

#include <libconfig.h>

#include "store/store.h"

/* Error with the setting's file:line. Always returns -1. */
static int
conf_err(char *err, size_t errlen, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
conf_err(char *err, size_t errlen, const config_setting_t *s,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	const char *file = s ? config_setting_source_file(s) : NULL;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%u: %s", file ? file : "?",
	    s ? config_setting_source_line(s) : 0, msg);
	return -1;
}

/* The dotted path of a setting, for messages ("photo.geometry.eye",
 * "lighting.lamps[1].address"). */
static void
setting_path(const config_setting_t *s, char *buf, size_t len)
{
	char tmp[512];
	const char *name;

	if (s == NULL || config_setting_parent(s) == NULL) {
		buf[0] = '\0';
		return;
	}
	name = config_setting_name(s);
	setting_path(config_setting_parent(s), tmp, sizeof(tmp));
	if ((name == NULL ? snprintf(buf, len, "%s[%d]", tmp,
	    config_setting_index(s)) : snprintf(buf, len, "%s%s%s", tmp,
	    tmp[0] ? "." : "", name)) < 0)
		buf[0] = '\0';
}

static int
get_double(const config_setting_t *s, double lo, double hi, double *out,
    char *err, size_t errlen)
{
	char path[256];
	double v;

	setting_path(s, path, sizeof(path));
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		return conf_err(err, errlen, s, "%s must be a number", path);
	}
	if (!(v >= lo && v <= hi))
		return conf_err(err, errlen, s, "%s = %g is outside %g..%g",
		    path, v, lo, hi);
	*out = v;
	return 0;
}

static int
get_int(const config_setting_t *s, long lo, long hi, long *out, char *err,
    size_t errlen)
{
	char path[256];
	long long v;

	setting_path(s, path, sizeof(path));
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return conf_err(err, errlen, s, "%s must be an integer", path);
	v = config_setting_get_int64(s);
	if (v < lo || v > hi)
		return conf_err(err, errlen, s, "%s = %lld is outside %ld..%ld",
		    path, v, lo, hi);
	*out = (long)v;
	return 0;
}

static int
get_string(const config_setting_t *s, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char path[256];
	const char *v;

	setting_path(s, path, sizeof(path));
	if ((v = config_setting_get_string(s)) == NULL)
		return conf_err(err, errlen, s, "%s must be a string", path);
	if (strlen(v) >= outlen)
		return conf_err(err, errlen, s, "%s is longer than %zu "
		    "characters", path, outlen - 1);
	memset(out, 0, outlen);		/* configs compare with memcmp */
	snprintf(out, outlen, "%s", v);
	return 0;
}

/*
 * The table of known keys. A group entry has a handler for its members;
 * a leaf entry says how to store its value.
 */
enum ktype { K_GROUP, K_DOUBLE, K_INT, K_LONG, K_STRING, K_BOOL, K_BAND,
    K_CHECKS, K_LAMPS };

struct key {
	const char *name;
	enum ktype type;
	size_t	off;		/* into struct store_conf (struct rig_lamp for
				 * the members of a lamp) */
	double	lo, hi;		/* numbers; strings: buffer size in hi */
	const struct key *sub;	/* K_GROUP members */
};

#define OFF(f)	offsetof(struct store_conf, f)
#define PHO(f)	offsetof(struct store_conf, photo.f)
#define LMP(f)	offsetof(struct rig_lamp, f)

static const struct key cascades_keys[] = {
	{ "dir", K_STRING, PHO(cascade_dir), 0, PHOTO_PATH_MAX, NULL },
	{ "face", K_STRING, PHO(face_cascade), 0, 64, NULL },
	{ "eye", K_STRING, PHO(eye_cascade), 0, 64, NULL },
	{ "glasses", K_STRING, PHO(glasses_cascade), 0, 64, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key detect_keys[] = {
	{ "analysis_long", K_INT, PHO(analysis_long), 200, 8000, NULL },
	{ "detect_long", K_INT, PHO(detect_long), 64, 4000, NULL },
	{ "scale_factor", K_DOUBLE, PHO(detect_scale), 1.01, 2.0, NULL },
	{ "min_neighbors", K_INT, PHO(detect_neighbors), 1, 50, NULL },
	{ "min_face", K_DOUBLE, PHO(min_face), 0.01, 1.0, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key geometry_keys[] = {
	{ "top", K_BAND, PHO(top), 0, PHOTO_OUT_H, NULL },
	{ "eye", K_BAND, PHO(eye), 0, PHOTO_OUT_H, NULL },
	/* at least a tenth of the photo's width: a narrower face band asks
	 * for a crop many times the frame, which no shot can meet and which
	 * the pipeline would try to allocate */
	{ "face_width", K_BAND, PHO(fw), PHOTO_OUT_W / 10, PHOTO_OUT_W, NULL },
	{ "centre_tolerance", K_DOUBLE, PHO(centre_tol), 0, 100, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key file_keys[] = {
	{ "quality_min", K_INT, PHO(quality_min), 1, 100, NULL },
	{ "size_min", K_LONG, PHO(size_min), 0, 10000000, NULL },
	{ "size_max", K_LONG, PHO(size_max), 1, 10000000, NULL },
	{ "dpi", K_INT, PHO(dpi), 1, 65535, NULL },
	{ "extension", K_STRING, OFF(ext), 0, 8, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key photo_keys[] = {
	{ "cascades", K_GROUP, 0, 0, 0, cascades_keys },
	{ "detect", K_GROUP, 0, 0, 0, detect_keys },
	{ "geometry", K_GROUP, 0, 0, 0, geometry_keys },
	{ "file", K_GROUP, 0, 0, 0, file_keys },
	{ "id_escape", K_STRING, PHO(id_escape), 0, 128, NULL },
	{ "checks", K_CHECKS, OFF(photo), 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key output_keys[] = {
	{ "dir", K_STRING, OFF(output_dir), 0, PATH_MAX, NULL },
	{ "state_dir", K_STRING, OFF(state_dir), 0, PATH_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key station_keys[] = {
	{ "socket", K_STRING, OFF(socket), 0, 108, NULL },
	{ "socket_group", K_STRING, OFF(socket_group), 0, 64, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key sim_keys[] = {
	{ "dir", K_STRING, OFF(cam.sim_dir), 0, PATH_MAX, NULL },
	{ "cycle", K_BOOL, OFF(cam.sim_cycle), 0, 0, NULL },
	{ "latency_ms", K_INT, OFF(cam.sim_latency_ms), 0, 60000, NULL },
	{ "fail_every", K_INT, OFF(cam.sim_fail_every), 0, 1000000, NULL },
	{ "hold_ms", K_INT, OFF(cam.sim_hold_ms), 0, 600000, NULL },
	{ "lamps", K_BOOL, OFF(cam.sim_lamps), 0, 0, NULL },
	{ "lamp_left", K_DOUBLE, OFF(cam.sim_lamp_eff[0]), 0, 4, NULL },
	{ "lamp_right", K_DOUBLE, OFF(cam.sim_lamp_eff[1]), 0, 4, NULL },
	{ "lamp_reference", K_DOUBLE, OFF(cam.sim_lamp_ref), 0.05, 1, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key camera_keys[] = {
	{ "driver", K_STRING, OFF(cam.driver), 0, 16, NULL },
	{ "model", K_STRING, OFF(cam.model), 0, 128, NULL },
	{ "port", K_STRING, OFF(cam.port), 0, 128, NULL },
	{ "image_format", K_STRING, OFF(cam.image_format), 0, 64, NULL },
	{ "busy_retries", K_INT, OFF(cam.busy_retries), 0, 20, NULL },
	{ "timeout", K_INT, OFF(cam.timeout_s), 2, 600, NULL },
	{ "preview_fps", K_INT, OFF(cam.preview_fps), 1, 10, NULL },
	{ "sim", K_GROUP, 0, 0, 0, sim_keys },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key pedal_keys[] = {
	{ "device", K_STRING, OFF(pedal_device), 0, PATH_MAX, NULL },
	{ "key", K_INT, OFF(pedal_key), 1, 767, NULL },
	{ "debounce_ms", K_INT, OFF(pedal_debounce_ms), 0, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key lamp_keys[] = {
	{ "name", K_STRING, LMP(name), 0, 32, NULL },
	{ "position", K_STRING, LMP(position), 0, 8, NULL },
	{ "address", K_INT, LMP(address), 1, DMX_CHANNELS, NULL },
	{ "dimmer_bits", K_INT, LMP(dimmer_bits), 8, 16, NULL },
	{ "cct_bits", K_INT, LMP(cct_bits), 0, 16, NULL },
	{ "cct_min", K_INT, LMP(cct_min), 1000, 20000, NULL },
	{ "cct_max", K_INT, LMP(cct_max), 1000, 20000, NULL },
	{ "level", K_DOUBLE, LMP(level), 0, 1, NULL },
	{ "cct", K_INT, LMP(cct), 1000, 20000, NULL },
	{ "fade_ms", K_INT, LMP(fade_ms), 0, 60000, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key lighting_keys[] = {
	{ "driver", K_STRING, OFF(rig.dmx.driver), 0, 16, NULL },
	{ "device", K_STRING, OFF(rig.dmx.device), 0, PATH_MAX, NULL },
	{ "refresh_hz", K_INT, OFF(rig.refresh_hz), 1, 44, NULL },
	{ "standby", K_DOUBLE, OFF(rig.standby), 0, 1, NULL },
	{ "shutdown", K_STRING, OFF(rig.shutdown), 0, 8, NULL },
	{ "lamps", K_LAMPS, OFF(rig), 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key roster_keys[] = {
	{ "id_column", K_STRING, OFF(roster.id), 0, 64, NULL },
	{ "name_column", K_STRING, OFF(roster.name), 0, 64, NULL },
	{ "centre_column", K_STRING, OFF(roster.centre), 0, 64, NULL },
	{ "class_column", K_STRING, OFF(roster.klass), 0, 64, NULL },
	{ "encoding", K_STRING, OFF(roster.encoding), 0, 16, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key web_keys[] = {
	{ "listen", K_STRING, OFF(web.listen), 0, 128, NULL },
	{ "password_hash", K_STRING, OFF(web.password_hash), 0, 256, NULL },
	{ "page_dir", K_STRING, OFF(web.page_dir), 0, PATH_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL }
};
static const struct key top_keys[] = {
	{ "photo", K_GROUP, 0, 0, 0, photo_keys },
	{ "output", K_GROUP, 0, 0, 0, output_keys },
	{ "station", K_GROUP, 0, 0, 0, station_keys },
	{ "camera", K_GROUP, 0, 0, 0, camera_keys },
	{ "pedal", K_GROUP, 0, 0, 0, pedal_keys },
	{ "lighting", K_GROUP, 0, 0, 0, lighting_keys },
	{ "roster", K_GROUP, 0, 0, 0, roster_keys },
	{ "web", K_GROUP, 0, 0, 0, web_keys },
	{ NULL, 0, 0, 0, 0, NULL }
};

static int parse_group(const config_setting_t *, const struct key *,
    char *, char *, size_t);

/* band { min = ; max = ; target = ; } with min < target < max. */
static int
parse_band(const config_setting_t *g, const struct key *k, photo_band *b,
    char *err, size_t errlen)
{
	static const char *names[] = { "min", "max", "target" };
	double *slot[] = { &b->min, &b->max, &b->target };
	char path[256];
	int i, j, n;

	setting_path(g, path, sizeof(path));
	if (!config_setting_is_group(g))
		return conf_err(err, errlen, g, "%s must be a group "
		    "{ min = ...; max = ...; target = ...; }", path);
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, i);
		const char *nm = config_setting_name(s);

		for (j = 0; j < 3; j++)
			if (strcmp(nm, names[j]) == 0)
				break;
		if (j == 3)
			return conf_err(err, errlen, s, "unknown key %s.%s",
			    path, nm);
		if (get_double(s, k->lo, k->hi, slot[j], err, errlen) == -1)
			return -1;
	}
	if (!(b->min < b->max))
		return conf_err(err, errlen, g, "%s.min must be < max", path);
	if (b->target < b->min || b->target > b->max)
		return conf_err(err, errlen, g, "%s.target must lie within "
		    "min..max", path);
	return 0;
}

/* checks { <name> { severity = "fail"|"warn"|"off"; limit; limit2; } } */
static int
parse_checks(const config_setting_t *g, photo_params *p, char *err,
    size_t errlen)
{
	int i, j, n, m, c;

	if (!config_setting_is_group(g))
		return conf_err(err, errlen, g, "photo.checks must be a group");
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *ck = config_setting_get_elem(g, i);
		const char *nm = config_setting_name(ck);

		for (c = 0; c < PHOTO_CK_COUNT; c++)
			if (strcmp(nm, photo_check_name(c)) == 0)
				break;
		if (c == PHOTO_CK_COUNT)
			return conf_err(err, errlen, ck, "unknown check "
			    "photo.checks.%s", nm);
		if (!config_setting_is_group(ck))
			return conf_err(err, errlen, ck, "photo.checks.%s must "
			    "be a group", nm);
		m = config_setting_length(ck);
		for (j = 0; j < m; j++) {
			config_setting_t *s = config_setting_get_elem(ck, j);
			const char *key = config_setting_name(s), *v;

			if (strcmp(key, "severity") == 0) {
				v = config_setting_get_string(s);
				if (v != NULL && strcmp(v, "fail") == 0)
					p->check[c].severity = PHOTO_FAIL;
				else if (v != NULL && strcmp(v, "warn") == 0)
					p->check[c].severity = PHOTO_WARN;
				else if (v != NULL && strcmp(v, "off") == 0)
					p->check[c].severity = PHOTO_OFF;
				else
					return conf_err(err, errlen, s,
					    "photo.checks.%s.severity must be "
					    "\"fail\", \"warn\" or \"off\"", nm);
			} else if (strcmp(key, "limit") == 0) {
				if (get_double(s, -1e9, 1e9,
				    &p->check[c].limit, err, errlen) == -1)
					return -1;
			} else if (strcmp(key, "limit2") == 0) {
				if (get_double(s, -1e9, 1e9,
				    &p->check[c].limit2, err, errlen) == -1)
					return -1;
			} else
				return conf_err(err, errlen, s, "unknown key "
				    "photo.checks.%s.%s", nm, key);
		}
	}
	return 0;
}

/* lighting.lamps = ( { ... }, ... ): each lamp starts from the lamp
 * defaults; the list replaces the default rig. */
static int
parse_lamps(const config_setting_t *s, struct rig_conf *rc, char *err,
    size_t errlen)
{
	int i, n;

	if (!config_setting_is_list(s))
		return conf_err(err, errlen, s, "lighting.lamps must be a list "
		    "( { name = ...; ... }, ... )");
	if ((n = config_setting_length(s)) > RIG_MAX_LAMPS)
		return conf_err(err, errlen, s, "lighting.lamps has %d lamps; "
		    "at most %d", n, RIG_MAX_LAMPS);
	rc->nlamps = n;
	for (i = 0; i < n; i++) {
		struct rig_lamp *l = &rc->lamp[i];

		rig_lamp_default(l);
		snprintf(l->name, sizeof(l->name), "lamp%d", i + 1);
		if (parse_group(config_setting_get_elem(s, (unsigned)i),
		    lamp_keys, (char *)l, err, errlen) == -1)
			return -1;
	}
	return 0;
}

static int
parse_key(const config_setting_t *s, const struct key *k, char *obj,
    char *err, size_t errlen)
{
	char *base = obj + k->off;
	double d;
	long l;

	switch (k->type) {
	case K_GROUP:
		return parse_group(s, k->sub, obj, err, errlen);
	case K_CHECKS:
		return parse_checks(s, (photo_params *)base, err, errlen);
	case K_LAMPS:
		return parse_lamps(s, (struct rig_conf *)base, err, errlen);
	case K_BAND:
		return parse_band(s, k, (photo_band *)base, err, errlen);
	case K_DOUBLE:
		if (get_double(s, k->lo, k->hi, &d, err, errlen) == -1)
			return -1;
		*(double *)base = d;
		return 0;
	case K_INT:
		if (get_int(s, (long)k->lo, (long)k->hi, &l, err, errlen) == -1)
			return -1;
		*(int *)base = (int)l;
		return 0;
	case K_LONG:
		if (get_int(s, (long)k->lo, (long)k->hi, &l, err, errlen) == -1)
			return -1;
		*(long *)base = l;
		return 0;
	case K_STRING:
		return get_string(s, base, (size_t)k->hi, err, errlen);
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			char path[256];

			setting_path(s, path, sizeof(path));
			return conf_err(err, errlen, s, "%s must be true or "
			    "false", path);
		}
		*(int *)base = config_setting_get_bool(s);
		return 0;
	}
	return -1;
}

static int
parse_group(const config_setting_t *g, const struct key *keys, char *obj,
    char *err, size_t errlen)
{
	char path[256];
	int i, n;

	setting_path(g, path, sizeof(path));
	if (!config_setting_is_group(g))
		return conf_err(err, errlen, g, "%s must be a group { ... }",
		    path[0] ? path : "the file");
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, i);
		const char *nm = config_setting_name(s);
		const struct key *k;

		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, nm) == 0)
				break;
		if (k->name == NULL)
			return conf_err(err, errlen, s, "unknown key %s%s%s",
			    path, path[0] ? "." : "", nm);
		if (parse_key(s, k, obj, err, errlen) == -1)
			return -1;
	}
	return 0;
}

void
store_conf_default(struct store_conf *c)
{
	memset(c, 0, sizeof(*c));
	photo_params_default(&c->photo);
	snprintf(c->output_dir, sizeof(c->output_dir), "%s",
	    "/var/lib/idphotod/photos");
	snprintf(c->state_dir, sizeof(c->state_dir), "%s",
	    "/var/lib/idphotod");
	snprintf(c->ext, sizeof(c->ext), "%s", ".jpg");
	snprintf(c->socket, sizeof(c->socket), "%s", STORE_DEFAULT_SOCKET);
	/* the real camera, the first one found; the simulated drivers are
	 * the demo's and the tests', named in their own config files */
	snprintf(c->cam.driver, sizeof(c->cam.driver), "%s", "gphoto2");
	c->cam.sim_cycle = 1;
	c->cam.busy_retries = 5;
	c->cam.timeout_s = 30;
	c->cam.preview_fps = 2;
	c->cam.sim_latency_ms = 300;
	c->cam.sim_lamp_eff[0] = c->cam.sim_lamp_eff[1] = 1.0;
	c->cam.sim_lamp_ref = 0.8;
	snprintf(c->roster.encoding, sizeof(c->roster.encoding), "%s", "auto");
	c->pedal_key = 48;		/* KEY_B */
	c->pedal_debounce_ms = 50;
	rig_conf_default(&c->rig);
	snprintf(c->web.listen, sizeof(c->web.listen), "%s",
	    "127.0.0.1:8080");
	/* a station's lamps: an Enttec DMX USB Pro, the first one found */
	snprintf(c->rig.dmx.driver, sizeof(c->rig.dmx.driver), "%s", "enttec");
}

int
store_conf_simulated(const struct store_conf *c, char *buf, size_t len)
{
	struct stat st;
	int n = 0;

	buf[0] = '\0';
	if (strcmp(c->cam.driver, "sim") == 0)
		snprintf(buf, len, "%scamera", n++ ? ", " : "");
	if (c->rig.nlamps > 0 && strcmp(c->rig.dmx.driver, "sim") == 0)
		snprintf(buf + strlen(buf), len - strlen(buf), "%slamps",
		    n++ ? ", " : "");
	if (c->pedal_device[0] != '\0' && stat(c->pedal_device, &st) == 0 &&
	    S_ISFIFO(st.st_mode))
		snprintf(buf + strlen(buf), len - strlen(buf), "%spedal",
		    n++ ? ", " : "");
	return n;
}

/* Cross-key rules, after the whole file is read. */
static int
validate(const struct store_conf *c, const config_t *cfg, char *err,
    size_t errlen)
{
	config_setting_t *root = config_root_setting(cfg);
	char msg[512];
	regex_t re;
	int lamp, rc;

	/* compiled now, as photo_id_check() will, so that a bad pattern is
	 * a refused config and not a refused ID at every shot */
	if (c->photo.id_escape[0] != '\0') {
		if ((rc = regcomp(&re, c->photo.id_escape, REG_EXTENDED)) != 0) {
			regerror(rc, &re, msg, sizeof(msg));
			return conf_err(err, errlen, config_lookup(cfg,
			    "photo.id_escape") ? config_lookup(cfg,
			    "photo.id_escape") : root, "photo.id_escape \"%s\" "
			    "is not a valid POSIX extended regex: %s",
			    c->photo.id_escape, msg);
		}
		regfree(&re);
	}
	if (c->photo.size_min >= c->photo.size_max)
		return conf_err(err, errlen, root, "photo.file.size_min must "
		    "be < size_max");
	if (c->photo.analysis_long < c->photo.detect_long)
		return conf_err(err, errlen, root, "photo.detect.analysis_long "
		    "must be >= detect_long");
	if (strcasecmp(c->ext, ".jpg") != 0 && strcasecmp(c->ext, ".jpeg")
	    != 0)
		return conf_err(err, errlen, root, "photo.file.extension must "
		    "be .jpg or .JPG (R-FILE-6)");
	if (strcmp(c->cam.driver, "sim") != 0 &&
	    strcmp(c->cam.driver, "gphoto2") != 0)
		return conf_err(err, errlen, config_lookup(cfg,
		    "camera.driver") ? config_lookup(cfg, "camera.driver") :
		    root, "camera.driver \"%s\" is not known (known: sim, "
		    "gphoto2)", c->cam.driver);
	if (strcmp(c->cam.driver, "sim") == 0 && c->cam.sim_dir[0] == '\0')
		return conf_err(err, errlen, config_lookup(cfg,
		    "camera.driver"), "camera.driver \"sim\" (the simulated "
		    "camera) needs camera.sim.dir, the folder of its frames");
	if ((c->cam.model[0] == '\0') != (c->cam.port[0] == '\0'))
		return conf_err(err, errlen, root, "camera.model and "
		    "camera.port go together: give both, or neither to take "
		    "the first camera found");
	if (strcasecmp(c->roster.encoding, "auto") != 0) {
		iconv_t cd = iconv_open("UTF-8", c->roster.encoding);

		if (cd == (iconv_t)-1)
			return conf_err(err, errlen, config_lookup(cfg,
			    "roster.encoding"), "roster.encoding \"%s\" is "
			    "not known (auto, UTF-8, GBK, GB18030)",
			    c->roster.encoding);
		iconv_close(cd);
	}
	if (rig_conf_check(&c->rig, &lamp, msg, sizeof(msg)) == -1) {
		config_setting_t *at = config_lookup(cfg, "lighting.lamps");

		if (at != NULL && lamp >= 0)
			at = config_setting_get_elem(at, (unsigned)lamp);
		else if (at == NULL)
			at = config_lookup(cfg, "lighting");
		return conf_err(err, errlen, at ? at : root, "%s", msg);
	}
	return 0;
}

int
store_conf_load(const char *path, struct store_conf *c, char *err,
    size_t errlen)
{
	config_t cfg;
	struct stat st;
	int rc = -1;

	store_conf_default(c);
	/* libconfig scans long strings in quadratic time (1 MB: 2.3 s, on
	 * the main loop at a reload): a real config is a few KB */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > STORE_CONF_MAX) {
		snprintf(err, errlen, "%s: %lld bytes; a configuration is a "
		    "few KB (at most %d)", path, (long long)st.st_size,
		    STORE_CONF_MAX);
		return -1;
	}
	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: %s", path, strerror(errno ?
			    errno : ENOENT));
		else
			snprintf(err, errlen, "%s:%d: %s",
			    config_error_file(&cfg) ? config_error_file(&cfg) :
			    path, config_error_line(&cfg),
			    config_error_text(&cfg));
		goto done;
	}
	if (parse_group(config_root_setting(&cfg), top_keys, (char *)c, err,
	    errlen)
	    == -1 || validate(c, &cfg, err, errlen) == -1)
		goto done;
	rc = 0;
done:
	config_destroy(&cfg);
	return rc;
}

void
store_mask_id(const char *id, char *out, size_t outlen)
{
	size_t n = strlen(id), i;

	if (outlen == 0)
		return;
	for (i = 0; i < n && i + 1 < outlen; i++) {
		int keep = n == 18 ? (i < 6 || i >= 14) : i < 2;

		out[i] = keep ? id[i] : '*';
	}
	out[i] = '\0';
}
