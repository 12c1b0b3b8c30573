#!/bin/sh
# it-ctl.sh — idphotoctl's offline modes end to end, as an operator or a
# learning centre runs them: exit statuses (0 good, 1 a photo failed or
# could not be made, 2 usage or config error), the files written, the
# replace-never-silently rule (R-FILE-7 naming, atomic save), JSON output,
# folders, and every bad file in the shared test data.
# Environment from `make check`: BUILD, SRCDIR, TESTDATA.
set -u
C="$BUILD/idphotoctl"
T="${TESTDATA:-../shared/testdata}"
ID=11010519491231002X
fails=0

. "$SRCDIR/tests/lib.sh"
sim_tmp
# expect RC DESC CMD...: as lib.sh's, but a failure shows stderr only
expect() {
	want=$1 desc=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"
	else bad "$desc: exit $got, wanted $want"; sed 's/^/       /' "$tmp/err"; fi
}

if [ ! -f "$T/portraits/ppp-004.jpg" ]; then
	echo "SKIP: $T (the shared test photos) is not there"
	exit 0
fi
out="$tmp/out-dir"
# the good frame: ppp-004 on the spec's light-blue backdrop (R-BG-2); the
# real photo's grey wall would be refused, rightly
G="$tmp/ppp-004-blue.jpg"
G2="$tmp/ppp-000-white.jpg"	# another graduate, on white
"$BUILD/tests/tools/mkvariant" backdrop 100 197 255 "$T/portraits/ppp-004.jpg" "$G" &&
"$BUILD/tests/tools/mkvariant" backdrop 255 255 255 "$T/portraits/ppp-000.jpg" "$G2" ||
	{ echo "FAIL cannot make the backdrop variants"; exit 1; }

# usage errors
expect 2 "unknown command" "$C" frob
has "$tmp/err" "unknown command" "names the unknown command"
expect 2 "process without --id" "$C" process "$G"
expect 0 "--help" "$C" --help
has "$tmp/out" "Exit status" "--help documents the exit status"

# a broken config: the error names file:line
printf 'photo: {\n  eye_line = [ 200, 300 ];\n  quality_min = "x";\n};\n' >"$tmp/bad.conf"
expect 2 "broken config" "$C" -c "$tmp/bad.conf" check "$G"
has "$tmp/err" "bad.conf:[0-9]" "config error names file:line"
expect 0 "the shipped example config" "$C" -c "$SRCDIR/conf/idphotod.conf" --help

# R-FILE-7: a wrong check digit is refused before any work, and said so
expect 1 "ID with a wrong check digit" "$C" process --id 110105194912310021 -o "$out" "$G"
has "$tmp/err" "not a valid ID number; check every digit against the ID card" "check-digit message: check the card, no digit offered"
[ ! -e "$out/110105194912310021.jpg" ] && ok "nothing written for a bad ID" || bad "a file was written for a bad ID"

# a good frame makes a good photo, and check agrees
expect 0 "process ppp-004 on light blue" "$C" process -q --id "$(echo $ID | tr X x)" -o "$out" "$G"
[ -f "$out/$ID.jpg" ] && ok "wrote <ID>.jpg with the x normalised" || bad "no $out/$ID.jpg"
ls -a "$out" | grep -q '^\.' && [ -z "$(ls -A "$out" | grep -v "^$ID.jpg$")" ] \
	&& ok "no temporary file left" || bad "stray files: $(ls -A "$out")"
expect 0 "check the output" "$C" check --json "$out/$ID.jpg"
has "$tmp/out" '"verdict":"pass"' "JSON verdict pass"
has "$tmp/out" '"out.face_width"\|"face.width"' "JSON carries every measurement"
sum1=$(sha256sum <"$out/$ID.jpg")

# a retake never silently destroys the accepted photo
expect 1 "process again without --replace" "$C" process -q --id $ID -o "$out" "$G2"
has "$tmp/err" "already exists" "says the photo exists"
[ "$(sha256sum <"$out/$ID.jpg")" = "$sum1" ] && ok "old photo untouched" || bad "old photo changed"
expect 0 "process again with --replace" "$C" process -q --replace --id $ID -o "$out" "$G2"
v=$(ls "$out/versions" 2>/dev/null | head -n 1)
[ -n "$v" ] && [ "$(sha256sum <"$out/versions/$v")" = "$sum1" ] \
	&& ok "old photo kept in versions/ ($v)" || bad "old photo not in versions/"
[ "$(sha256sum <"$out/$ID.jpg")" != "$sum1" ] && ok "new photo in place" || bad "photo not replaced"

# annotate writes a JPEG
expect 0 "process --annotate" "$C" process -q --replace --id $ID -o "$out" --annotate "$tmp/seen.jpg" "$G"
head -c 2 "$tmp/seen.jpg" | od -An -tx1 | grep -q 'ff d8' && ok "annotation is a JPEG" || bad "no annotation"

# bad files: each gets exit 1 and an error that names the problem
for f in empty:empty truncated:truncated random-bytes:"not a JPEG" \
    hivision-test2-png-named:PNG hivision-test1-webp-named:WebP; do
	name=${f%%:*} why=${f#*:}
	expect 1 "process $name.jpg" "$C" process -q --id $ID -o "$tmp/nothing" "$T/bad-files/$name.jpg"
	has "$tmp/err" "$why" "$name.jpg: error says '$why'"
	expect 1 "check $name.jpg" "$C" check "$T/bad-files/$name.jpg"
done
[ ! -e "$tmp/nothing/$ID.jpg" ] && ok "bad input wrote nothing" || bad "bad input wrote a file"

# no face: a reason, not a file
expect 1 "process a frame with no face" "$C" process --id $ID -o "$tmp/nothing" "$T/no-face/opencv-baboon.jpg"
has "$tmp/out" "FACE_NONE" "the reason is FACE_NONE"

# a folder: one line per visible file, a misnamed copy fails R-FILE-7
mkdir -p "$tmp/folder/sub"
cp "$out/$ID.jpg" "$tmp/folder/"
cp "$out/$ID.jpg" "$tmp/folder/photo.jpg"
cp "$out/$ID.jpg" "$tmp/folder/sub/$ID.jpg"
expect 1 "check a folder with a misnamed photo" "$C" check --json "$tmp/folder"
n=$(wc -l <"$tmp/out")
[ "$n" -eq 2 ] && ok "two JSON lines (sub-folders not entered)" || bad "$n JSON lines, wanted 2"
has "$tmp/out" '"code":"FILE_NAME_ID"' "photo.jpg fails R-FILE-7"
rm "$tmp/folder/photo.jpg"
expect 0 "check the folder once the stray file is gone" "$C" check "$tmp/folder"

# the advice follows the locale: Chinese for the operators (zh_CN), English
# otherwise (the catalogue is the one `make` builds under build/locale)
LANG=C.UTF-8 LANGUAGE=zh_CN IDPHOTOD_LOCALEDIR="$BUILD/locale" \
	expect 1 "check a turned head, in Chinese" "$C" check "$T/pose/ppp-yaw-R4.jpg"
has "$tmp/out" "没有找到人脸" "zh_CN: the advice is in Chinese"
LANG=C.UTF-8 LANGUAGE=en IDPHOTOD_LOCALEDIR="$BUILD/locale" \
	expect 1 "the same in English" "$C" check "$T/pose/ppp-yaw-R4.jpg"
has "$tmp/out" "No face was found" "en: the advice is in English"

echo "it-ctl: $fails failed"
[ "$fails" -eq 0 ]
