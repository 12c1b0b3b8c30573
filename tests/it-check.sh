#!/bin/sh
# it-check.sh — idphotoctl check over a folder as a learning centre runs
# it: one line per file (verdict, file, first reason in words), a summary
# (checked, passed, failed, skipped), a README or CSV beside the photos
# skipped with a note, a PNG or WebP named as such; --verbose has every
# measurement in units a person reads; --json stays one object per file;
# process --json prints an error object for a bad file.
# Environment from `make check`: BUILD, SRCDIR, TESTDATA.
set -u
C="$BUILD/idphotoctl"
T="${TESTDATA:-../shared/testdata}"
ID=11010519491231002X
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp

if [ ! -f "$T/bad-files/hivision-test2-png-named.jpg" ]; then
	echo "SKIP: $T (the shared test photos) is not there"
	exit 0
fi
export LANGUAGE=en
f="$tmp/set"
mkdir -p "$f"
"$C" process -q --id $ID -o "$f" "$SRCDIR/demo/frames/01-ppp-008.jpg" >/dev/null 2>&1
check "a good photo to start from" '[ -f "$f/$ID.jpg" ]'
cp "$f/$ID.jpg" "$f/photo.jpg"				# misnamed: R-FILE-7
cp "$T/bad-files/hivision-test2-png-named.jpg" "$f/440524199001010018.jpg"
cp "$T/bad-files/hivision-test1-webp-named.jpg" "$f/x.webp"
cp "$T/portraits/london-036.jpg" "$f/london.jpg"
printf '# photos for upload\n' >"$f/README.md"
printf 'id,name\n' >"$f/list.csv"

"$C" check "$f" >"$tmp/out" 2>&1; rc=$?
check "a folder with failures: exit 1 (got $rc)" '[ $rc -eq 1 ]'
n=$(grep -c '^\(PASS\|WARN\|FAIL\) ' "$tmp/out")
check "one line per photo ($n for 5)" '[ "$n" -eq 5 ]'
check "the good photo passes, with px, dpi and KB" \
	'grep -q "^PASS $f/$ID.jpg  (480x640 px, 300 dpi, [0-9.]* KB)\$" "$tmp/out"'
check "the misnamed copy: the reason in words (R-FILE-7)" \
	'grep -q "^FAIL $f/photo.jpg: The file must be named by the graduate.s resident ID number.*(R-FILE-7)\$" "$tmp/out"'
check "a PNG named .jpg is named a PNG" 'grep -q "^FAIL $f/440524199001010018.jpg: PNG image, not a JPEG\$" "$tmp/out"'
check "a WebP is named a WebP" 'grep -q "^FAIL $f/x.webp: WebP image, not a JPEG\$" "$tmp/out"'
check "the README and the CSV are skipped with a note" \
	'grep -q "^skip $f/README.md: not a photo\$" "$tmp/out" && grep -q "^skip $f/list.csv: not a photo\$" "$tmp/out"'
check "the summary" 'tail -n 1 "$tmp/out" | grep -q "^checked 5: 1 passed (0 with warnings), 4 failed, 2 skipped (not photos)\$"'
n=$(wc -l <"$tmp/out")
check "nothing else ($n lines)" '[ "$n" -eq 8 ]'
check "no measurement dump without --verbose" '! grep -q "face.width" "$tmp/out"'

"$C" check --verbose "$f/london.jpg" >"$tmp/v" 2>&1
check "--verbose: the measurements" 'grep -q "^  face.width  *[0-9]" "$tmp/v"'
check "--verbose: no e-notation" '! grep -q "[0-9]e[+-][0-9]" "$tmp/v"'
check "--verbose: the file's pixels as WxH px" 'grep -q "FILE_SIZE_PX  *1350x1350 px (limit 480x640 px)" "$tmp/v"'
check "--verbose: its density in dpi" 'grep -q "FILE_DPI  *[0-9]* dpi (limit 300 dpi)" "$tmp/v"'
check "--verbose: its size in KB" 'grep -q "FILE_BYTES  *369.7 KB (limit 48.8 KB)" "$tmp/v"'
check "--verbose: a yes/no finding shows no 0 / 0" '! grep -q "FILE_NAME_ID  *0" "$tmp/v"'

"$C" check --json "$f" >"$tmp/j" 2>&1
n=$(wc -l <"$tmp/j")
check "--json: one object per photo, no summary ($n lines)" '[ "$n" -eq 5 ] &&
	/usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/j"'

"$C" process --json --id $ID -o "$tmp/none" "$T/bad-files/hivision-test2-png-named.jpg" >"$tmp/p" 2>/dev/null; rc=$?
check "process --json, a bad file: exit 1 and an error object" '[ $rc -eq 1 ] &&
	grep -q "\"verdict\":\"error\",\"error\":\"PNG image, not a JPEG\"" "$tmp/p"'
echo "it-check: $fails failed"
[ "$fails" -eq 0 ]
