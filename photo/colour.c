/*
 * colour.c — CIE L*a*b* (D65) of sRGB colours and the CIEDE2000 colour
 * difference, for the checks that compare colours the way people see
 * them: the background against the spec's references (R-BG-2), the
 * clothing against the background (R-SUBJ-6), and a colour cast (R-IQ-1).
 *
 * CIEDE2000 follows CIE 15:2004 / Sharma, Wu and Dalal (2005), including
 * the hue-angle conventions for achromatic colours; tests/test_checks.c
 * checks it against pairs from that paper's table.
 */
#include <math.h>

#include "photo/internal.h"

static double
lin(double v)
{
	v /= 255.0;
	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double
f(double t)
{
	return t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
}

/* Lab of linear R, G, B. */
static void
lab_of(double R, double G, double B, double lab[3])
{
	double x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
	double y = 0.2126729 * R + 0.7151522 * G + 0.0721750 * B;
	double z = (0.0193339 * R + 0.1191920 * G + 0.9503041 * B) / 1.08883;

	lab[0] = 116 * f(y) - 16;
	lab[1] = 500 * (f(x) - f(y));
	lab[2] = 200 * (f(y) - f(z));
}

void
photo_lab(double r, double g, double b, double lab[3])
{
	lab_of(lin(r), lin(g), lin(b), lab);
}

void
photo_lab_q4_table(double t[1021])
{
	int i;

	for (i = 0; i <= 1020; i++)
		t[i] = lin(i / 4.0);
}

void
photo_lab_q4(const double t[1021], int r4, int g4, int b4, double lab[3])
{
	lab_of(t[r4], t[g4], t[b4], lab);
}

static double
deg(double rad)
{
	return rad * 180 / M_PI;
}

static double
rad(double d)
{
	return d * M_PI / 180;
}

double
photo_ciede2000(const double p[3], const double q[3])
{
	double c1 = hypot(p[1], p[2]), c2 = hypot(q[1], q[2]);
	double cm = (c1 + c2) / 2, cm7 = pow(cm, 7);
	double g = 0.5 * (1 - sqrt(cm7 / (cm7 + pow(25, 7))));
	double a1 = (1 + g) * p[1], a2 = (1 + g) * q[1];
	double C1 = hypot(a1, p[2]), C2 = hypot(a2, q[2]);
	double h1 = C1 == 0 ? 0 : deg(atan2(p[2], a1));
	double h2 = C2 == 0 ? 0 : deg(atan2(q[2], a2));
	double dL = q[0] - p[0], dC = C2 - C1, dh, dH, Lm, Cm, hm, T, dth;
	double Cm7, Rc, Sl, Sc, Sh, Rt, l50;

	if (h1 < 0)
		h1 += 360;
	if (h2 < 0)
		h2 += 360;
	if (C1 * C2 == 0)
		dh = 0;
	else if (fabs(h2 - h1) <= 180)
		dh = h2 - h1;
	else
		dh = h2 - h1 > 180 ? h2 - h1 - 360 : h2 - h1 + 360;
	dH = 2 * sqrt(C1 * C2) * sin(rad(dh / 2));
	Lm = (p[0] + q[0]) / 2;
	Cm = (C1 + C2) / 2;
	if (C1 * C2 == 0)
		hm = h1 + h2;
	else if (fabs(h1 - h2) <= 180)
		hm = (h1 + h2) / 2;
	else
		hm = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
	T = 1 - 0.17 * cos(rad(hm - 30)) + 0.24 * cos(rad(2 * hm)) +
	    0.32 * cos(rad(3 * hm + 6)) - 0.20 * cos(rad(4 * hm - 63));
	dth = 30 * exp(-((hm - 275) / 25) * ((hm - 275) / 25));
	Cm7 = pow(Cm, 7);
	Rc = 2 * sqrt(Cm7 / (Cm7 + pow(25, 7)));
	l50 = (Lm - 50) * (Lm - 50);
	Sl = 1 + 0.015 * l50 / sqrt(20 + l50);
	Sc = 1 + 0.045 * Cm;
	Sh = 1 + 0.015 * Cm * T;
	Rt = -sin(rad(2 * dth)) * Rc;
	return sqrt((dL / Sl) * (dL / Sl) + (dC / Sc) * (dC / Sc) +
	    (dH / Sh) * (dH / Sh) + Rt * (dC / Sc) * (dH / Sh));
}
