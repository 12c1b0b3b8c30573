/*
 * light.c — the light on the face (R-LIGHT-1): exposure, clipping at
 * both ends, and the balance of the two lamps as the ratio of the two
 * cheeks' brightness.
 *
 * Zones are placed from the eyes, in units of the inter-ocular distance
 * (IOD), so they are the same part of every face at every resolution:
 *   face   between the cheek edges (inset by a tenth of the width), from
 *          0.2 IOD above the eye line to 1.0 IOD below it (without both
 *          eyes: the middle of the detector's face box);
 *   cheeks 0.25..0.75 IOD either side of the eyes' centre, 0.35..0.85 IOD
 *          below the eye line: skin lit by one lamp each, clear of the
 *          nose, the eyes and the mouth corners.
 * Brightness is relative luminance Y in linear light, so that the balance
 * is a ratio of light, the way the two lamps add up; the exposure is
 * reported as CIE L* (0..100), the way people judge it. The balance is
 * left/right as seen in the image (the subject's right cheek first), the
 * same sides as the lamps in lighting/.
 *
 * For calibrating on a grey card (no face), the same two numbers are
 * also measured on the frame's centre: the left and right halves of the
 * middle third ("light.centre_*"). They are measurements only, never
 * findings.
 */
#include <math.h>

#include "photo/internal.h"

struct zone {
	double	sum;		/* of Y */
	long	n, hi, lo;	/* pixels, clipped high, clipped low */
};

static void
zone(const pimg *rgb, const float *lin, const photo_rect *r, struct zone *z)
{
	int xa = (int)lround(r->x), ya = (int)lround(r->y);
	int xb = (int)lround(r->x + r->w), yb = (int)lround(r->y + r->h), x, y;

	z->sum = 0;
	z->n = z->hi = z->lo = 0;
	xa = xa < 0 ? 0 : xa;
	ya = ya < 0 ? 0 : ya;
	xb = xb > rgb->w ? rgb->w : xb;
	yb = yb > rgb->h ? rgb->h : yb;
	for (y = ya; y < yb; y++)
		for (x = xa; x < xb; x++) {
			const unsigned char *p = PIX(rgb, x, y);

			z->sum += 0.2126 * lin[p[0]] + 0.7152 * lin[p[1]] +
			    0.0722 * lin[p[2]];
			z->hi += p[0] >= 250 || p[1] >= 250 || p[2] >= 250;
			z->lo += p[0] <= 5 && p[1] <= 5 && p[2] <= 5;
			z->n++;
		}
}

void
photo_srgb_linear(float lin[256])
{
	int k;

	for (k = 0; k < 256; k++) {
		double v = k / 255.0;

		lin[k] = (float)(v <= 0.04045 ? v / 12.92 :
		    pow((v + 0.055) / 1.055, 2.4));
	}
}

static double
lstar(double y)
{
	return y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : y * 24389.0 / 27;
}

/* The grey-card numbers: the halves of the frame's middle third. */
static void
centre(const photo_image *im, const float *lin, photo_result *r)
{
	const pimg *p = &im->rgb;
	struct zone l, rt;

	photo_rect lz = { p->w / 3.0, p->h / 3.0, p->w / 6.0, p->h / 3.0 };
	photo_rect rz = { p->w / 2.0, p->h / 3.0, p->w / 6.0, p->h / 3.0 };

	zone(p, lin, &lz, &l);
	zone(p, lin, &rz, &rt);
	if (l.n == 0 || rt.n == 0 || rt.sum <= 0)
		return;
	photo_add_metric(r, "light.centre_balance", (l.sum / l.n) /
	    (rt.sum / rt.n));
	photo_add_metric(r, "light.centre_lightness",
	    lstar((l.sum + rt.sum) / (l.n + rt.n)));
}

int
photo_light_zones(const photo_face *f, double s, photo_rect z[3])
{
	double iod, cx, ey, inset;

	if (f->eyes < 2) {
		/* no eye line (a very dark or bright frame loses the eyes
		 * first): exposure and clipping on the middle of the face
		 * box; the balance needs the cheeks, so it is not judged */
		z[0] = (photo_rect){ (f->box.x + 0.25 * f->box.w) * s,
		    (f->box.y + 0.3 * f->box.h) * s, 0.5 * f->box.w * s,
		    0.5 * f->box.h * s };
		return 1;
	}
	iod = hypot(f->eye_r.x - f->eye_l.x, f->eye_r.y - f->eye_l.y) * s;
	cx = (f->eye_l.x + f->eye_r.x) / 2 * s;
	ey = f->eye_y * s;
	inset = 0.1 * f->width * s;
	z[0] = (photo_rect){ f->cheek_l * s + inset, ey - 0.2 * iod,
	    (f->cheek_r - f->cheek_l) * s - 2 * inset, 1.2 * iod };
	z[1] = (photo_rect){ cx - 0.75 * iod, ey + 0.35 * iod, 0.5 * iod,
	    0.5 * iod };
	z[2] = (photo_rect){ cx + 0.25 * iod, ey + 0.35 * iod, 0.5 * iod,
	    0.5 * iod };
	return 3;
}

void
photo_check_light(const photo_params *p, const photo_image *im,
    photo_result *r)
{
	const photo_face *f = &r->face;
	const photo_check_cfg *ex = &p->check[PHOTO_CK_EXPOSURE];
	const photo_check_cfg *bal = &p->check[PHOTO_CK_BALANCE];
	const photo_check_cfg *cl = &p->check[PHOTO_CK_CLIPPING];
	float lin[256];
	struct zone face, left, right;
	photo_rect z[3];
	double L, b, clip;
	int n;

	photo_srgb_linear(lin);
	centre(im, lin, r);
	if (!r->found)
		return;
	n = photo_light_zones(f, im->scale, z);
	zone(&im->rgb, lin, &z[0], &face);
	left.n = right.n = 0;
	if (n == 3) {
		zone(&im->rgb, lin, &z[1], &left);
		zone(&im->rgb, lin, &z[2], &right);
	}
	if (face.n == 0)
		return;
	L = lstar(face.sum / face.n);
	clip = (double)(face.hi > face.lo ? face.hi : face.lo) / face.n;
	photo_add_metric(r, "light.face_lightness", L);
	photo_add_metric(r, "light.face_clipped_high", (double)face.hi / face.n);
	photo_add_metric(r, "light.face_clipped_low", (double)face.lo / face.n);

	if (L < ex->limit)
		photo_add_finding(r, p, PHOTO_CK_EXPOSURE, "LIGHT_DARK",
		    "R-LIGHT-1", L, ex->limit, N_("The face is too dark: raise "
		    "both lamps (idphotoctl calibrate) or open the aperture."));
	else if (L > ex->limit2)
		photo_add_finding(r, p, PHOTO_CK_EXPOSURE, "LIGHT_BRIGHT",
		    "R-LIGHT-1", L, ex->limit2, N_("The face is too bright: "
		    "lower both lamps (idphotoctl calibrate) or close the "
		    "aperture."));
	if (clip > cl->limit)
		photo_add_finding(r, p, PHOTO_CK_CLIPPING, "LIGHT_CLIPPED",
		    "R-LIGHT-1", clip, cl->limit, N_("Part of the face is "
		    "burnt out or black: lower the lamps or correct the "
		    "exposure, and remove any hot spot."));
	if (left.n == 0 || right.n == 0 || right.sum <= 0)
		return;
	b = (left.sum / left.n) / (right.sum / right.n);
	photo_add_metric(r, "light.balance", b);
	photo_add_metric(r, "light.cheek_left", lstar(left.sum / left.n));
	photo_add_metric(r, "light.cheek_right", lstar(right.sum / right.n));
	if (b > bal->limit || b < 1 / bal->limit)
		photo_add_finding(r, p, PHOTO_CK_BALANCE, b > 1 ?
		    "LIGHT_LEFT_BRIGHT" : "LIGHT_RIGHT_BRIGHT", "R-LIGHT-1", b,
		    b > 1 ? bal->limit : 1 / bal->limit, b > 1 ?
		    N_("The face is lit unevenly, brighter on the left of the "
		    "image: lower the left lamp or raise the right one "
		    "(idphotoctl calibrate).") :
		    N_("The face is lit unevenly, brighter on the right of the "
		    "image: lower the right lamp or raise the left one "
		    "(idphotoctl calibrate)."));
}
