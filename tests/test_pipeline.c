/*
 * test_pipeline.c — the whole photo/ pipeline on the real photos of
 * ../shared/testdata, each with the verdict its README gives:
 *  - portraits/: one face, both eyes, head top and face width measured
 *    and compared with the README's independent measurements; a crop
 *    planned exactly when the README's feasible scale range allows one
 *    without upscaling; every output read back field by field (R-FILE-1..5,
 *    R-FILE-8) and its face measured again inside the bands (R-GEO-1..4);
 *  - multi-face/: more than one person (R-BG-1);
 *  - no-face/ and the profile poses: no face;
 *  - bad-files/: a clear error naming the problem.
 * Also the eye and face-width measurements against the dlib 68-landmark
 * annotations and the London set's pupils, with the errors printed.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "photo/internal.h"
#include "tests/testutil.h"
#include "tests/variant.h"

/* A valid ID number (GB 11643-1999 example) for naming outputs. */
#define TEST_ID	"11010519491231002X"

struct ref {
	const char *file;
	double fw, eye, top, smin, smax;
};

/* Parses the README's "Geometry, measured independently" table. */
static int
load_refs(const char *td, struct ref *refs, int max)
{
	char line[512], name[128];
	size_t len;
	unsigned char *txt = tu_read(tu_path("%s/README.md", td), &len);
	char *p, *save = NULL;
	int n = 0, w, h;
	double fw, eye, top, roll, smin, smax;

	ck_assert_ptr_nonnull(txt);
	for (p = strtok_r((char *)txt, "\n", &save); p && n < max;
	    p = strtok_r(NULL, "\n", &save)) {
		snprintf(line, sizeof(line), "%s", p);
		if (sscanf(line, " %127s %dx%d fw=%lf eye=%lf top=%lf roll=%lf "
		    "scale range: %lf-%lf", name, &w, &h, &fw, &eye, &top, &roll,
		    &smin, &smax) == 9) {
			refs[n].file = strdup(name);
			refs[n].fw = fw;
			refs[n].eye = eye;
			refs[n].top = top;
			refs[n].smin = smin;
			refs[n].smax = smax;
			n++;
		}
	}
	free(txt);
	return n;
}

static void
print_findings(const char *name, const photo_result *r)
{
	int i;

	for (i = 0; i < r->nfindings; i++)
		fprintf(stderr, "    %s: %s %s %g/%g\n", name,
		    r->findings[i].code, r->findings[i].req,
		    r->findings[i].value, r->findings[i].limit);
}

/* Decodes and analyses one file; NULL image on a decode error. */
static photo_image *
analyse(photo_ctx *ctx, const char *path, unsigned char **buf,
    photo_result *r)
{
	size_t len;
	photo_image *im;

	*buf = tu_read(path, &len);
	ck_assert_msg(*buf != NULL, "cannot read %s", path);
	im = photo_decode(ctx, *buf, len);
	ck_assert_msg(im != NULL, "%s: %s", path, photo_error(ctx));
	ck_assert_msg(photo_analyze(ctx, im, r) == 0, "%s: %s", path,
	    photo_error(ctx));
	return im;
}

/*
 * Renders, reads the output back and checks it field by field, then
 * measures the face inside it again.
 */
static void
verify_output(photo_ctx *ctx, const char *name, photo_image *im,
    const photo_result *r)
{
	photo_output out;
	photo_fileinfo fi;
	photo_result *r2 = malloc(sizeof(*r2));
	char fname[64];
	int i;

	ck_assert_ptr_nonnull(r2);
	ck_assert_msg(photo_render(ctx, im, r, &out) == 0, "%s: %s", name,
	    photo_error(ctx));
	ck_assert_int_eq(photo_inspect(ctx, out.jpeg, out.len, &fi), 0);
	ck_assert_int_eq(fi.width, 480);				/* R-FILE-1 */
	ck_assert_int_eq(fi.height, 640);
	ck_assert_int_eq(fi.jfif, 1);					/* R-FILE-2 */
	ck_assert_int_eq(fi.density_unit, 1);
	ck_assert_int_eq(fi.xdensity, 300);
	ck_assert_int_eq(fi.ydensity, 300);
	ck_assert_int_eq(fi.components, 3);				/* R-FILE-3 */
	ck_assert_int_eq(fi.precision, 8);
	ck_assert_int_eq(fi.progressive, 0);				/* R-FILE-4 */
	ck_assert_int_eq(fi.quality, out.quality);
	ck_assert_int_ge(out.quality, 60);
	ck_assert_int_eq(fi.exif, 0);					/* R-FILE-8 */
	ck_assert_int_eq(fi.other_app, 0);
	ck_assert_uint_eq(fi.size, out.len);				/* R-FILE-5 */
	if (out.size_ok)
		ck_assert(out.len >= 30720 && out.len <= 50000);
	else
		ck_assert_int_eq(out.quality, out.len > 50000 ? 60 : 100);

	snprintf(fname, sizeof(fname), "%s.jpg", TEST_ID);
	ck_assert_int_eq(photo_check_file(ctx, fname, out.jpeg, out.len, &fi,
	    r2), 0);
	ck_assert_msg(r2->found, "%s: no face in the output", name);
	fprintf(stderr, "  %-28s out: top %5.1f eye %5.1f fw %5.1f cx %5.1f "
	    "(planned %5.1f %5.1f %5.1f) q%d %zu B\n", name,
	    r2->face.head_top, r2->face.eye_y, r2->face.width, r2->face.cx,
	    r->crop.out_top, r->crop.out_eye, r->crop.out_fw, out.quality,
	    out.len);
	/* measured again on the output: the plan holds (R-GEO-1..4);
	 * the re-measurement may differ by a few px from the plan */
	ck_assert_double_eq_tol(r2->face.eye_y, r->crop.out_eye, 6);
	ck_assert_double_eq_tol(r2->face.head_top, r->crop.out_top, 8);
	ck_assert_double_eq_tol(r2->face.width, r->crop.out_fw,
	    0.08 * r->crop.out_fw);
	for (i = 0; i < r2->nfindings; i++)
		ck_assert_msg(strncmp(r2->findings[i].code, "FILE_", 5) != 0 ||
		    strcmp(r2->findings[i].code, "FILE_BYTES") == 0,
		    "%s: output fails %s", name, r2->findings[i].code);
	free(out.jpeg);
	free(r2);
}

START_TEST(portraits)
{
	const char *td = tu_testdata();
	struct ref refs[32];
	photo_ctx *ctx;
	int n, i, planned = 0;
	double fw_err = 0, fw_max = 0;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	n = load_refs(td, refs, 32);
	ck_assert_int_ge(n, 12);	/* the table was parsed */
	for (i = 0; i < n; i++) {
		const char *sub = strncmp(refs[i].file, "ppp-yaw", 7) == 0 ?
		    "pose" : "portraits";
		photo_result r;
		unsigned char *buf;
		photo_image *im;
		double e;

		if (strncmp(refs[i].file, "ppp-yaw", 7) == 0)
			continue;	/* not frontal: see the pose test */
		im = analyse(ctx, tu_path("%s/%s/%s", td, sub, refs[i].file),
		    &buf, &r);
		fprintf(stderr, "  %-28s fw %6.1f (ref %4.0f) eye %6.1f (ref "
		    "%4.0f) top %6.1f (ref %4.0f) roll %5.1f yaw %5.2f "
		    "scale %.3f-%.3f (ref %.3f-%.3f) %s\n", refs[i].file,
		    r.face.width, refs[i].fw, r.face.eye_y, refs[i].eye,
		    r.face.head_top, refs[i].top, r.face.roll, r.face.yaw,
		    r.crop.scale_min, r.crop.scale_max, refs[i].smin,
		    refs[i].smax, r.crop.ok ? "planned" : "no crop");
		print_findings(refs[i].file, &r);
		ck_assert_msg(r.found && r.nfaces == 1, "%s: %d faces",
		    refs[i].file, r.nfaces);
		ck_assert_int_eq(r.face.eyes, 2);
		ck_assert_msg(fabs(r.face.eye_y - refs[i].eye) <
		    0.08 * refs[i].fw, "%s: eye line %g, README %g",
		    refs[i].file, r.face.eye_y, refs[i].eye);
		ck_assert_msg(fabs(r.face.head_top - refs[i].top) <
		    0.08 * refs[i].fw, "%s: head top %g, README %g",
		    refs[i].file, r.face.head_top, refs[i].top);
		e = fabs(r.face.width - refs[i].fw) / refs[i].fw;
		fw_err += e;
		fw_max = fmax(fw_max, e);
		ck_assert_msg(e < 0.16, "%s: face width %g, README %g",
		    refs[i].file, r.face.width, refs[i].fw);
		/* a crop exactly when one exists without upscaling; the
		 * README's range has a margin around 1.0 for our error */
		if (refs[i].smin < 0.9)
			ck_assert_msg(r.crop.ok, "%s: no crop planned",
			    refs[i].file);
		if (refs[i].smin > 1.1) {
			ck_assert_msg(!r.crop.ok, "%s: planned an upscaled "
			    "crop", refs[i].file);
			ck_assert(tu_has_code(&r, "RES_UPSCALE"));
		}
		if (r.crop.ok) {
			planned++;
			verify_output(ctx, refs[i].file, im, &r);
		}
		photo_image_destroy(im);
		free(buf);
	}
	fprintf(stderr, "  face width vs README (dlib points 1-15): mean "
	    "error %.1f%%, max %.1f%%\n", 100 * fw_err / (n - 4),
	    100 * fw_max);
	ck_assert_int_ge(planned, 6);
	photo_destroy(ctx);
}
END_TEST

/* Every file in a folder must give the expected number of persons. */
static void
folder_verdict(const char *dir, int want_faces, const char *code)
{
	photo_ctx *ctx = tu_ctx();
	struct dirent **ents;
	int n, i, seen = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		photo_result r;
		unsigned char *buf;
		photo_image *im;

		if (strstr(nm, ".jpg") == NULL) {
			free(ents[i]);
			continue;
		}
		im = analyse(ctx, tu_path("%s/%s", dir, nm), &buf, &r);
		fprintf(stderr, "  %-28s faces %d (detections %d) verdict %d\n",
		    nm, r.nfaces, r.ndetections, r.verdict);
		print_findings(nm, &r);
		if (want_faces == 0)
			ck_assert_msg(r.nfaces == 0, "%s: %d faces", nm,
			    r.nfaces);
		else
			ck_assert_msg(r.nfaces >= want_faces, "%s: %d faces",
			    nm, r.nfaces);
		ck_assert_int_eq(r.verdict, PHOTO_FAIL);
		ck_assert_msg(tu_has_code(&r, code), "%s: no %s", nm, code);
		photo_image_destroy(im);
		free(buf);
		free(ents[i]);
		seen++;
	}
	free(ents);
	ck_assert_int_gt(seen, 0);
	photo_destroy(ctx);
}

START_TEST(multi_face)
{
	const char *td = tu_testdata();

	if (td == NULL)
		return;
	folder_verdict(tu_path("%s/multi-face", td), 2, "PERSONS_MANY");
}
END_TEST

/*
 * R-BG-1: a detection on the subject's own neck is not a second person,
 * a face beside or below the subject but off the neck is. The boxes are
 * the detections of devset london-blue-008 (the neck's skin under the
 * chin) and of multi-face/dlib-2009_004587 (a child below and beside the
 * adult), in analysis px.
 */
START_TEST(persons_place)
{
	photo_params p;
	const prect_i m = { 398, 376, 533, 533 };
	const prect_i neck = { 533, 1038, 240, 240 };
	const prect_i m2 = { 145, 31, 96, 96 }, child = { 265, 271, 70, 70 };
	const prect_i beside = { 960, 360, 500, 500 };
	const prect_i below_big = { 400, 950, 480, 480 };
	const prect_i below_off = { 980, 950, 240, 240 };
	const char *td = tu_testdata();

	photo_params_default(&p);
	ck_assert_int_eq(photo_is_person(&p, &m, &neck), PERSON_ON_BODY);
	ck_assert_int_eq(photo_is_person(&p, &m2, &child), PERSON_YES);
	ck_assert_int_eq(photo_is_person(&p, &m, &beside), PERSON_YES);
	/* wider than a neck (0.9 face widths), or off it: a person */
	ck_assert_int_eq(photo_is_person(&p, &m, &below_big), PERSON_YES);
	ck_assert_int_eq(photo_is_person(&p, &m, &below_off), PERSON_YES);
	if (td != NULL) {
		photo_ctx *ctx = tu_ctx();
		unsigned char *buf;
		photo_result r;
		photo_image *im = analyse(ctx, tu_path(
		    "%s/devset/london-blue-008.jpg", td), &buf, &r);

		fprintf(stderr, "  london-blue-008: detections %d, persons "
		    "%d, on the body %g\n", r.ndetections, r.nfaces,
		    tu_metric(&r, "faces.aside_on_body"));
		ck_assert_int_eq(r.nfaces, 1);
		ck_assert(!tu_has_code(&r, "PERSONS_MANY"));
		photo_image_destroy(im);
		free(buf);
		photo_destroy(ctx);
	}
}
END_TEST

/*
 * R-SUBJ-3: a frontal face lit unevenly is not a turned head. The yaw is
 * the asymmetry of the skin runs either side of the eyes (measure.c); a
 * light falling off across the face once ended one cheek's run early:
 * devset london-blue-037 on a white wall with the right lamp at 0.8 of
 * the left (the whole frame relit, as the simulated camera does)
 * measured yaw 0.228 (POSE_YAW), and london-grey-142 as it is 0.184,
 * 0.203 with a faint radial falloff on its wall. Turned heads stay
 * turned (ppp-yaw-L1/R1: the pose test).
 */
START_TEST(yaw_side_light)
{
	static const double white[3] = { 255, 255, 255 };
	static const double lamp[] = { 1.0, 0.9, 0.8, 0.7, 0.6 };
	static const char *const files[] = { "london-blue-037",
	    "london-grey-142", "london-blue-009" };
	const char *td = tu_testdata();
	photo_params p;
	photo_ctx *ctx;
	size_t i, k;

	if (td == NULL)
		return;
	photo_params_default(&p);
	ctx = tu_ctx();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct frame base;

		ck_assert_int_eq(vt_load(tu_path("%s/devset/%s.jpg", td,
		    files[i]), &base), 0);
		vt_segment(&base);
		vt_backdrop(&base, white, 1.0);
		for (k = 0; k < sizeof(lamp) / sizeof(lamp[0]); k++) {
			struct frame f;
			photo_result r;
			double yaw;

			vt_copy(&base, &f);
			vt_side_light(&f, lamp[k]);
			vt_analyze(ctx, &f, &r);
			yaw = tu_metric(&r, "pose.yaw");
			fprintf(stderr, "  %s, white wall, right lamp %.1f: "
			    "yaw %.3f\n", files[i], lamp[k], yaw);
			ck_assert_msg(fabs(yaw) <=
			    p.check[PHOTO_CK_YAW].limit, "%s, right lamp "
			    "%.1f: yaw %.3f", files[i], lamp[k], yaw);
			ck_assert(!tu_has_code(&r, "POSE_YAW"));
			vt_free(&f);
		}
		vt_free(&base);
	}
	photo_destroy(ctx);
}
END_TEST

START_TEST(no_face)
{
	const char *td = tu_testdata();

	if (td == NULL)
		return;
	folder_verdict(tu_path("%s/no-face", td), 0, "FACE_NONE");
}
END_TEST

/* Turned heads: slightly turned ones are found but not frontal
 * (R-SUBJ-3); profiles have no frontal face at all. */
START_TEST(pose)
{
	static const struct {
		const char *file, *code;
	} cases[] = {
		{ "ppp-yaw-L1.jpg", "POSE_YAW" },
		{ "ppp-yaw-R1.jpg", "POSE_YAW" },
		{ "ppp-yaw-L4.jpg", "FACE_NONE" },
		{ "ppp-yaw-R4.jpg", "FACE_NONE" },
	};
	const char *td = tu_testdata();
	photo_ctx *ctx;
	size_t i;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		photo_result r;
		unsigned char *buf;
		photo_image *im = analyse(ctx, tu_path("%s/pose/%s", td,
		    cases[i].file), &buf, &r);

		fprintf(stderr, "  %-16s yaw %.3f faces %d\n", cases[i].file,
		    r.face.yaw, r.nfaces);
		print_findings(cases[i].file, &r);
		ck_assert_int_eq(r.verdict, PHOTO_FAIL);
		ck_assert_msg(tu_has_code(&r, cases[i].code), "%s: no %s",
		    cases[i].file, cases[i].code);
		photo_image_destroy(im);
		free(buf);
	}
	photo_destroy(ctx);
}
END_TEST

START_TEST(bad_files)
{
	static const struct {
		const char *file, *words;
	} cases[] = {
		{ "empty.jpg", "empty" },
		{ "truncated.jpg", "truncated" },
		{ "random-bytes.jpg", "not a JPEG" },
		{ "hivision-test1-webp-named.jpg", "WebP" },
		{ "hivision-test2-png-named.jpg", "PNG" },
	};
	const char *td = tu_testdata();
	photo_ctx *ctx;
	size_t i, len;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *buf = tu_read(tu_path("%s/bad-files/%s", td,
		    cases[i].file), &len);
		photo_fileinfo fi;
		photo_result r;

		ck_assert_ptr_nonnull(buf);
		ck_assert_ptr_null(photo_decode(ctx, buf, len));
		ck_assert_msg(strstr(photo_error(ctx), cases[i].words) != NULL,
		    "%s: error \"%s\" does not say \"%s\"", cases[i].file,
		    photo_error(ctx), cases[i].words);
		ck_assert_int_eq(photo_check_file(ctx, cases[i].file, buf, len,
		    &fi, &r), -1);
		free(buf);
	}
	photo_destroy(ctx);
}
END_TEST

/* The IoU of two boxes. */
static double
iou(photo_rect a, photo_rect b)
{
	double x0 = fmax(a.x, b.x), y0 = fmax(a.y, b.y);
	double x1 = fmin(a.x + a.w, b.x + b.w), y1 = fmin(a.y + a.h, b.y + b.h);
	double in = fmax(0, x1 - x0) * fmax(0, y1 - y0);

	return in / (a.w * a.h + b.w * b.h - in);
}

static double
xml_num(xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	double d = v ? atof((const char *)v) : NAN;

	xmlFree(v);
	return d;
}

/*
 * Eye centres and face width against dlib's 68 landmarks: each annotated
 * face whose box matches one of our detections (IoU >= 0.3, the two
 * boxes are drawn differently) is measured from our detection, and the
 * errors are relative to the landmarks' inter-ocular distance.
 */
START_TEST(landmarks)
{
	static const char *xmls[] = { "dlib-testing_with_face_landmarks.xml",
	    "dlib-training_with_face_landmarks.xml" };
	const char *td = tu_testdata();
	photo_ctx *ctx;
	double eye_err = 0, fw_err = 0;
	int nf = 0, x;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	for (x = 0; x < 2; x++) {
		xmlDoc *doc = xmlReadFile(tu_path("%s/multi-face/%s", td,
		    xmls[x]), NULL, XML_PARSE_NONET);
		xmlNode *images, *img, *box, *part;

		ck_assert_ptr_nonnull(doc);
		for (images = xmlDocGetRootElement(doc)->children; images;
		    images = images->next) {
			if (images->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)images->name, "images"))
				continue;
			for (img = images->children; img; img = img->next) {
				xmlChar *file;
				unsigned char *buf;
				size_t len;
				photo_image *im;
				photo_result r;

				if (img->type != XML_ELEMENT_NODE)
					continue;
				file = xmlGetProp(img, (const xmlChar *)"file");
				buf = tu_read(tu_path("%s/multi-face/dlib-%s",
				    td, (const char *)file), &len);
				xmlFree(file);
				if (buf == NULL)
					continue;	/* not copied */
				im = photo_decode(ctx, buf, len);
				ck_assert_ptr_nonnull(im);
				ck_assert_int_eq(photo_analyze(ctx, im, &r), 0);
				for (box = img->children; box; box = box->next) {
					double px[68], py[68], lx = 0, ly = 0;
					double rx = 0, ry = 0, iod, fw, best = 0;
					photo_rect b;
					photo_face f;
					prect_i pb;
					int i, k = -1;

					if (box->type != XML_ELEMENT_NODE)
						continue;
					b = (photo_rect){ xml_num(box, "left"),
					    xml_num(box, "top"),
					    xml_num(box, "width"),
					    xml_num(box, "height") };
					for (i = 0; i < 68; i++)
						px[i] = py[i] = NAN;
					for (part = box->children; part;
					    part = part->next) {
						if (part->type !=
						    XML_ELEMENT_NODE)
							continue;
						i = (int)xml_num(part, "name");
						if (i >= 0 && i < 68) {
							px[i] = xml_num(part, "x");
							py[i] = xml_num(part, "y");
						}
					}
					for (i = 36; i < 42; i++) {
						lx += px[i] / 6;
						ly += py[i] / 6;
						rx += px[i + 6] / 6;
						ry += py[i + 6] / 6;
					}
					if (isnan(lx) || isnan(rx))
						continue;
					for (i = 0; i < r.ndetections &&
					    i < PHOTO_MAX_FACES; i++)
						if (iou(b, r.detections[i]) > best) {
							best = iou(b, r.detections[i]);
							k = i;
						}
					if (k < 0 || best < 0.3)
						continue;
					pb.x = (int)lround(r.detections[k].x * im->scale);
					pb.y = (int)lround(r.detections[k].y * im->scale);
					pb.w = (int)lround(r.detections[k].w * im->scale);
					pb.h = (int)lround(r.detections[k].h * im->scale);
					ck_assert_int_eq(photo_measure_face(ctx,
					    im, &pb, &f), 0);
					iod = hypot(rx - lx, ry - ly);
					fw = hypot(px[15] - px[1], py[15] - py[1]);
					eye_err += (hypot(f.eye_l.x - lx,
					    f.eye_l.y - ly) + hypot(f.eye_r.x -
					    rx, f.eye_r.y - ry)) / 2 / iod;
					fw_err += fabs(f.width - fw) / fw;
					nf++;
				}
				photo_image_destroy(im);
				free(buf);
			}
		}
		xmlFreeDoc(doc);
	}
	fprintf(stderr, "  dlib landmarks: %d faces matched; eye centre "
	    "error %.1f%% of IOD, face width error %.1f%% (means)\n", nf,
	    100 * eye_err / nf, 100 * fw_err / nf);
	ck_assert_int_ge(nf, 10);
	/* small faces (IOD 11-43 px): loose, the numbers are reported */
	ck_assert(eye_err / nf < 0.25);
	ck_assert(fw_err / nf < 0.20);
	photo_destroy(ctx);
}
END_TEST

/* The London set's pupils (marked by its authors) and ear junctions. */
START_TEST(london_pupils)
{
	const char *td = tu_testdata();
	unsigned char *csv;
	char *line, *save = NULL;
	photo_ctx *ctx;
	size_t len;
	double err = 0, fwe = 0;
	int n = 0;

	if (td == NULL)
		return;
	ctx = tu_ctx();
	csv = tu_read(tu_path("%s/portraits/london-annotations.csv", td), &len);
	ck_assert_ptr_nonnull(csv);
	for (line = strtok_r((char *)csv, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char file[64];
		double w, h, lx, ly, rx, ry, top, chin, ears, iod;
		unsigned char *buf;
		photo_image *im;
		photo_result r;

		if (sscanf(line, "%63[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
		    file, &w, &h, &lx, &ly, &rx, &ry, &top, &chin, &ears) != 10)
			continue;
		im = analyse(ctx, tu_path("%s/portraits/%s", td, file), &buf,
		    &r);
		iod = hypot(rx - lx, ry - ly);
		err += (hypot(r.face.eye_l.x - lx, r.face.eye_l.y - ly) +
		    hypot(r.face.eye_r.x - rx, r.face.eye_r.y - ry)) / 2 / iod;
		fwe += fabs(r.face.width - ears) / ears;
		ck_assert_msg(r.face.head_top <= top, "%s: hair top %g below "
		    "the skull top %g", file, r.face.head_top, top);
		photo_image_destroy(im);
		free(buf);
		n++;
	}
	free(csv);
	fprintf(stderr, "  London pupils: eye centre error %.1f%% of IOD; "
	    "face width vs ear junctions %.1f%% (means of %d)\n",
	    100 * err / n, 100 * fwe / n, n);
	ck_assert_int_eq(n, 4);
	ck_assert(err / n < 0.10);
	ck_assert(fwe / n < 0.10);
	photo_destroy(ctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("testdata");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, portraits);
	tcase_add_test(tc, multi_face);
	tcase_add_test(tc, persons_place);
	tcase_add_test(tc, yaw_side_light);
	tcase_add_test(tc, no_face);
	tcase_add_test(tc, pose);
	tcase_add_test(tc, bad_files);
	tcase_add_test(tc, landmarks);
	tcase_add_test(tc, london_pupils);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
