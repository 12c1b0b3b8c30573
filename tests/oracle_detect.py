#!/usr/bin/python3
"""OpenCV as the oracle for our Haar cascade evaluator (tests/test_detect.c).

Run with Debian's /usr/bin/python3 (python3-opencv). For every photo in
the test data it writes the grey image that OpenCV itself scans (the frame
brought to 800 px on the long side with cv2.resize's default bilinear
filter, then cv2.cvtColor to grey) as a binary PGM, runs
CascadeClassifier.detectMultiScale2 on it, and writes one manifest line per
run followed by the detections, so that the C test can run our detector on
the very same pixels with the very same parameters:

    detect <pgm> <cascade file> <scale> <minNeighbors> <minW> <minH> <maxW> <maxH> <n>
    <x> <y> <w> <h> <neighbours>        (n lines)

Eyes are searched the same way inside each face's upper part (a PGM of the
region). It also writes reference outputs of cv2.resize(INTER_LINEAR_EXACT)
and cv2.cvtColor(RGB2GRAY):

    resize <src pgm> <w> <h> <dst pgm>
    grey <src ppm (RGB)> <dst pgm>

usage: oracle_detect.py TESTDATA CASCADES OUTDIR
"""
import glob
import os
import sys

import cv2

FACE = "haarcascade_frontalface_alt2.xml"
EYES = ["haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml"]


def main():
    testdata, cascades, out = sys.argv[1:4]
    face = cv2.CascadeClassifier(os.path.join(cascades, FACE))
    eyes = [(e, cv2.CascadeClassifier(os.path.join(cascades, e))) for e in EYES]
    man = open(os.path.join(out, "manifest.txt"), "w")

    def run(pgm, img, name, clf, scale, nb, mn, mx):
        objs, ns = clf.detectMultiScale2(img, scale, nb, 0, mn, mx)
        man.write("detect %s %s %g %d %d %d %d %d %d\n" % (
            pgm, name, scale, nb, mn[0], mn[1], mx[0], mx[1], len(objs)))
        for (x, y, w, h), n in zip(objs, ns):
            man.write("%d %d %d %d %d\n" % (x, y, w, h, n))
        return objs

    files = []
    for sub in ("portraits", "multi-face", "no-face", "pose"):
        files += sorted(glob.glob(os.path.join(testdata, sub, "*.jpg")))
    for k, path in enumerate(files):
        img = cv2.imread(path)
        h, w = img.shape[:2]
        s = 800.0 / max(h, w)
        if s < 1:
            img = cv2.resize(img, (round(w * s), round(h * s)))
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        pgm = os.path.join(out, "img%02d.pgm" % k)
        cv2.imwrite(pgm, grey)
        man.write("# %s/%s\n" % (os.path.basename(os.path.dirname(path)),
                                 os.path.basename(path)))
        faces = run(pgm, grey, FACE, face, 1.1, 3, (0, 0), (0, 0))
        run(pgm, grey, FACE, face, 1.1, 3, (60, 60), (0, 0))
        run(pgm, grey, FACE, face, 1.2, 2, (30, 30), (400, 400))
        for j, (x, y, fw, fh) in enumerate(faces):
            # the eye search band: rows 0.15..0.65 of the face box
            y0 = y + int(0.15 * fh)
            roi = grey[y0:y0 + int(0.5 * fh), x:x + fw].copy()
            if roi.shape[0] < 24 or roi.shape[1] < 24:
                continue
            rp = os.path.join(out, "img%02d-eyes%d.pgm" % (k, j))
            cv2.imwrite(rp, roi)
            for name, clf in eyes:
                run(rp, roi, name, clf, 1.1, 3, (0, 0), (0, 0))

    # bit-exact references for the two image operations
    src = cv2.imread(files[0])
    g = cv2.cvtColor(src, cv2.COLOR_BGR2GRAY)
    ppm = os.path.join(out, "grey-src.ppm")
    cv2.imwrite(ppm, src)      # PPM is written as RGB by OpenCV
    cv2.imwrite(os.path.join(out, "grey-ref.pgm"), g)
    man.write("grey %s %s\n" % (ppm, os.path.join(out, "grey-ref.pgm")))
    gs = os.path.join(out, "resize-src.pgm")
    cv2.imwrite(gs, g)
    for (w, h) in ((800, 1067), (411, 389), (97, 131), (g.shape[1] // 2,
                   g.shape[0] // 2), (g.shape[1] + 37, g.shape[0] + 11)):
        r = cv2.resize(g, (w, h), interpolation=cv2.INTER_LINEAR_EXACT)
        rp = os.path.join(out, "resize-%dx%d.pgm" % (w, h))
        cv2.imwrite(rp, r)
        man.write("resize %s %d %d %s\n" % (gs, w, h, rp))
    man.close()


if __name__ == "__main__":
    main()
