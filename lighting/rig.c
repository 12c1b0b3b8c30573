/*
 * rig.c — the rig model: defaults, the checks a technician's edit must
 * pass before a reload may take it, and lamp levels to DMX values. Pure
 * functions; the thread that sends frames is in refresh.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lighting/rig.h"

void
rig_lamp_default(struct rig_lamp *l)
{
	memset(l, 0, sizeof(*l));
	l->dimmer_bits = 16;
	l->cct_bits = 8;
	l->cct_min = 2700;
	l->cct_max = 6500;
	l->level = 0.8;
	l->cct = 5500;
	l->fade_ms = 800;
}

void
rig_conf_default(struct rig_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dmx.driver, sizeof(c->dmx.driver), "%s", "sim");
	c->refresh_hz = 30;
	c->standby = 0.3;
	snprintf(c->shutdown, sizeof(c->shutdown), "%s", "standby");
	c->nlamps = 2;
	rig_lamp_default(&c->lamp[0]);
	rig_lamp_default(&c->lamp[1]);
	snprintf(c->lamp[0].name, sizeof(c->lamp[0].name), "left");
	snprintf(c->lamp[0].position, sizeof(c->lamp[0].position), "left");
	c->lamp[0].address = 1;
	snprintf(c->lamp[1].name, sizeof(c->lamp[1].name), "right");
	snprintf(c->lamp[1].position, sizeof(c->lamp[1].position), "right");
	c->lamp[1].address = 4;
}

int
rig_footprint(const struct rig_lamp *l)
{
	return l->dimmer_bits / 8 + l->cct_bits / 8;
}

int
rig_conf_check(const struct rig_conf *c, int *lamp, char *err,
    size_t errlen)
{
	int i, j, sides = 0;

	*lamp = -1;
	if (strcmp(c->dmx.driver, "sim") != 0 &&
	    strcmp(c->dmx.driver, "enttec") != 0 &&
	    strcmp(c->dmx.driver, "enttec-tty") != 0 &&
	    strcmp(c->dmx.driver, "udmx") != 0) {
		snprintf(err, errlen, "lighting.driver \"%s\" is not known "
		    "(known: sim, enttec, enttec-tty, udmx)", c->dmx.driver);
		return -1;
	}
	if (strcmp(c->dmx.driver, "enttec-tty") == 0 &&
	    c->dmx.device[0] == '\0') {
		snprintf(err, errlen, "lighting.device must name the tty "
		    "(/dev/ttyUSB0) for driver \"enttec-tty\"");
		return -1;
	}
	if (strcmp(c->shutdown, "standby") != 0 &&
	    strcmp(c->shutdown, "off") != 0) {
		snprintf(err, errlen, "lighting.shutdown must be \"standby\" "
		    "or \"off\"");
		return -1;
	}
	for (i = 0; i < c->nlamps; i++) {
		const struct rig_lamp *l = &c->lamp[i];
		int end = l->address + rig_footprint(l) - 1;

		*lamp = i;
		if (strcmp(l->position, "left") == 0)
			sides |= 1;
		else if (strcmp(l->position, "right") == 0)
			sides |= 2;
		else {
			snprintf(err, errlen, "lamp \"%s\": position must be "
			    "\"left\" or \"right\"", l->name);
			return -1;
		}
		if ((l->dimmer_bits != 8 && l->dimmer_bits != 16) ||
		    (l->cct_bits != 0 && l->cct_bits != 8 &&
		    l->cct_bits != 16)) {
			snprintf(err, errlen, "lamp \"%s\": dimmer_bits must "
			    "be 8 or 16, cct_bits 0, 8 or 16", l->name);
			return -1;
		}
		if (l->address < 1 || end > DMX_CHANNELS) {
			snprintf(err, errlen, "lamp \"%s\": channels %d..%d "
			    "are outside the DMX universe 1..512", l->name,
			    l->address, end);
			return -1;
		}
		for (j = 0; j < i; j++) {
			const struct rig_lamp *o = &c->lamp[j];

			if (l->address <= o->address + rig_footprint(o) - 1 &&
			    o->address <= end) {
				snprintf(err, errlen, "lamp \"%s\" (channels "
				    "%d..%d) overlaps lamp \"%s\" (channels "
				    "%d..%d)", l->name, l->address, end,
				    o->name, o->address,
				    o->address + rig_footprint(o) - 1);
				return -1;
			}
			if (strcmp(l->name, o->name) == 0) {
				snprintf(err, errlen, "two lamps are named "
				    "\"%s\"", l->name);
				return -1;
			}
		}
		if (l->cct < RIG_CCT_MIN || l->cct > RIG_CCT_MAX) {
			snprintf(err, errlen, "lamp \"%s\": cct %d K is outside "
			    "%d-%d K (R-LIGHT-3)", l->name, l->cct,
			    RIG_CCT_MIN, RIG_CCT_MAX);
			return -1;
		}
		if (l->cct_bits != 0 && (l->cct_min >= l->cct_max ||
		    l->cct < l->cct_min || l->cct > l->cct_max)) {
			snprintf(err, errlen, "lamp \"%s\": cct %d K is outside "
			    "the fixture's range %d..%d K", l->name, l->cct,
			    l->cct_min, l->cct_max);
			return -1;
		}
	}
	*lamp = -1;
	if (c->nlamps > 0 && sides != 3) {
		snprintf(err, errlen, "the rig needs a lamp on the left and "
		    "one on the right (R-LIGHT-3)");
		return -1;
	}
	return 0;
}

/* Writes v (0..1) at ch as 8 bits, or 16 bits coarse then fine. */
static void
put(uint8_t *out, int ch, int bits, double v)
{
	unsigned full = bits == 16 ? 65535u : 255u, x;

	v = v < 0 ? 0 : v > 1 ? 1 : v;
	x = (unsigned)lround(v * full);
	if (bits == 16) {
		out[ch - 1] = (uint8_t)(x >> 8);
		out[ch] = (uint8_t)(x & 0xff);
	} else
		out[ch - 1] = (uint8_t)x;
}

void
rig_frame(const struct rig_conf *c, const double *level,
    uint8_t out[DMX_CHANNELS])
{
	int i;

	memset(out, 0, DMX_CHANNELS);
	for (i = 0; i < c->nlamps; i++) {
		const struct rig_lamp *l = &c->lamp[i];

		put(out, l->address, l->dimmer_bits, level[i]);
		if (l->cct_bits != 0)
			put(out, l->address + l->dimmer_bits / 8, l->cct_bits,
			    (double)(l->cct - l->cct_min) /
			    (l->cct_max - l->cct_min));
	}
}

/* Relative luminance for CIE L*. */
static double
y_of_l(double l)
{
	double f = (l + 16) / 116;

	return f > 6.0 / 29 ? f * f * f : (l * 27.0) / 24389;
}

int
rig_propose(const struct rig_conf *c, double balance, double gain,
    double lightness, double target_l, struct rig_conf *out)
{
	double k, f[2], top = 0, e = 1;
	int i, side;

	*out = *c;
	if (!(balance > 0))
		return 0;
	if (fabs(log(balance)) <= log(1.03) &&
	    (target_l <= 0 || fabs(lightness - target_l) <= 2))
		return RIG_BALANCED;
	k = pow(balance, -gain);
	if (target_l > 0 && lightness > 0)
		e = y_of_l(target_l) / y_of_l(lightness);
	f[0] = sqrt(k) * e;
	f[1] = e / sqrt(k);
	for (i = 0; i < c->nlamps; i++) {
		side = strcmp(c->lamp[i].position, "left") != 0;
		out->lamp[i].level = c->lamp[i].level * f[side];
		if (out->lamp[i].level > top)
			top = out->lamp[i].level;
	}
	for (i = 0; i < c->nlamps; i++) {
		double v = out->lamp[i].level / (top > 1 ? top : 1);

		/* three decimals: what the config file will say */
		v = round(v * 1000) / 1000;
		out->lamp[i].level = v < 0.02 ? 0.02 : v;
	}
	return top > 1.0005 ? RIG_AT_FULL : 0;
}
