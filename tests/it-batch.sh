#!/bin/sh
# it-batch.sh — the batch, end to end (R-FLOW-1..3): a roster imported
# from a GBK and from a UTF-8 spreadsheet export (BOM, CRLF), bad and
# duplicate rows refused whole, the daemon naming the graduate and
# warning about an ID not on the roster, real shots through the daemon
# on the simulated camera (demo/frames: 01 passes, 02 is rejected), the
# report for a complete set, a set with one missing and one extra photo,
# a photo tampered with after it was accepted, the export's refusal and
# its round trip (unzip -t, the manifest's SHA-256 against sha256sum,
# idphotoctl check on the unpacked photos), the modes of the personal
# data, masked logs, and the purge of the finished batch.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp
A=$(mkid 11010519800101001) B=$(mkid 31010419900315002)
N=$(mkid 44030519851120003) X=$(mkid 32010219950606004)

mkdir -p "$tmp/frames"
mkfifo "$tmp/pedal"
# the camera serves an accepted frame, a turned head, then another good
# frame (the first on a slightly other blue: not the same bytes), and
# then the first again: one frame accepted for two graduates
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$SRCDIR/demo/frames/02-ppp-yaw-L1.jpg" "$tmp/frames/"
"$BUILD/tests/tools/mkvariant" backdrop 104 197 255 "$SRCDIR/demo/frames/01-ppp-008.jpg" \
	"$tmp/frames/03-ppp-008-b.jpg" || bad "mkvariant"
sim_conf "$tmp/frames"
ctl() { "$C" -c "$tmp/idphotod.conf" "$@"; }
# press: the software pedal; prints the outcome, accepted or rejected
press() {
	"$C" shoot >/dev/null || return 1
	wait_state accepted rejected >/dev/null
	state
}
# shoot ID: arms ID and presses the pedal
shoot() { "$C" id "$1" >/dev/null && press; }
# status-of ID: the report's status for ID
status_of() {
	ctl --csv report 2>/dev/null | awk -F, -v id="\"$1\"" '$2 == id { gsub(/"/, "", $6); print $6 }'
}

echo "-- roster import"
# GBK, CRLF, 身份证号码/姓名/学习中心 in another order; 张三 李四 as GBK bytes
printf '\320\325\303\373,\311\355\267\335\326\244\272\305\302\353\r\n\325\305\310\375,%s\r\n\300\356\313\304,%s\r\n' \
	"$A" "$B" > "$tmp/gbk.csv"
expect 0 "GBK roster with CRLF" ctl roster import "$tmp/gbk.csv"
has "$tmp/out" "2 graduates (GB18030)" "the encoding was found"
st=$(stat -c %a "$tmp/state/roster.json")
check "roster.json is 0600 (personal data), got $st" '[ "$st" = 600 ]'
expect 0 "roster show" ctl roster show
has "$tmp/out" "李四" "names come back as UTF-8"

cp "$tmp/state/roster.json" "$tmp/roster.before"
printf '\357\273\277身份证号,姓名\r\n%s,张三\r\n%s,王五\r\n%s,李四\r\n12345,赵六\r\n' \
	"$A" "$A" "$B" > "$tmp/bad.csv"
expect 1 "a roster with a duplicate and a bad ID" ctl roster import "$tmp/bad.csv"
has "$tmp/err" "bad.csv:3: .*also on line 2" "the duplicate ID by line"
has "$tmp/err" "bad.csv:5: " "the bad ID by line"
has "$tmp/err" "nothing was imported" "says nothing was imported"
check "the roster is unchanged" 'cmp -s "$tmp/roster.before" "$tmp/state/roster.json"'
expect 2 "roster with no operand" ctl roster import

echo "-- the daemon knows the roster"
start
expect 0 "id on the roster" "$C" id "$A"
has "$tmp/out" "张三" "the operator sees the name"
expect 0 "id not on the roster is armed" "$C" id "$X"
has "$tmp/out" "not on the roster" "with a warning"
"$C" cancel >/dev/null

echo "-- shots and the report"
r=$(shoot "$A"); check "A: accepted ($r)" '[ "$r" = accepted ]'
r=$(shoot "$B"); check "B: rejected ($r, frame 02 is turned)" '[ "$r" = rejected ]'
expect 1 "report while B has only a rejected attempt" ctl report
has "$tmp/out" "rejected" "B is rejected in the table"
check "B's status is rejected" '[ "$(status_of "$B")" = rejected ]'
expect 1 "export of an incomplete set is refused" ctl export -o "$tmp/early.zip"
has "$tmp/err" "not complete (1 rejected" "and says why"
check "no zip was written" '[ ! -e "$tmp/early.zip" ]'
r=$("$C" retake >/dev/null && press)
check "B's retake: accepted ($r)" '[ "$r" = accepted ]'

expect 0 "report of a complete set" ctl report
has "$tmp/out" "The set is complete" "says complete"
expect 0 "report --json" ctl --json report
has "$tmp/out" '"complete": true' "JSON says complete"
expect 0 "report --csv" ctl --csv report
check "CSV has a header and two rows" '[ "$(wc -l < "$tmp/out")" -eq 3 ]'

echo "-- export round trip"
expect 0 "export" ctl export -o "$tmp/batch.zip"
check "the zip is 0600" '[ "$(stat -c %a "$tmp/batch.zip")" = 600 ]'
expect 0 "unzip -t" unzip -t "$tmp/batch.zip"
mkdir "$tmp/unz" && (cd "$tmp/unz" && unzip -q "$tmp/batch.zip")
check "the zip holds A.jpg, B.jpg, manifest.csv, report.csv" \
	'[ "$(ls "$tmp/unz" | sort | tr "\n" " ")" = "$A.jpg $B.jpg manifest.csv report.csv " ]'
expect 0 "the exported photos pass idphotoctl check" ctl check "$tmp/unz/$A.jpg" "$tmp/unz/$B.jpg"
for id in "$A" "$B"; do
	sum=$(sha256sum "$tmp/unz/$id.jpg" | cut -c1-64)
	check "manifest SHA-256 of $id matches sha256sum" "grep -q '\"$id\",.*\"$sum\"' '$tmp/unz/manifest.csv'"
done
has "$tmp/unz/manifest.csv" "张三" "the manifest names the graduate"
check "the manifest starts with a UTF-8 BOM" '[ "$(head -c 3 "$tmp/unz/manifest.csv" | od -An -tx1 | tr -d " ")" = efbbbf ]'
expect 1 "an existing zip is not overwritten" ctl export -o "$tmp/batch.zip"

echo "-- one missing, one extra"
printf '\357\273\277身份证号,姓名,学习中心\r\n%s,张三,北京\r\n%s,李四,北京\r\n%s,王五,上海\r\n' \
	"$A" "$B" "$N" > "$tmp/utf8.csv"
expect 0 "UTF-8 roster with BOM and CRLF replaces the old one" ctl roster import "$tmp/utf8.csv"
cp "$tmp/photos/$A.jpg" "$tmp/photos/$X.jpg"
expect 1 "report: one missing, one extra" ctl report
check "N is missing" '[ "$(status_of "$N")" = missing ]'
has "$tmp/out" "$X.jpg  not on the roster" "the extra file is listed"
expect 1 "export refused while N is missing" ctl export -o "$tmp/b2.zip"
expect 0 "export --allow-missing" ctl export --allow-missing -o "$tmp/b2.zip"
check "the partial zip holds the two good photos only" \
	'[ "$(unzip -Z1 "$tmp/b2.zip" | grep -c jpg)" -eq 2 ] && ! unzip -Z1 "$tmp/b2.zip" | grep -q "$X"'
rm "$tmp/photos/$X.jpg"

echo "-- tampering"
cp "$tmp/photos/$A.jpg" "$tmp/A.orig"
# change one byte near the end of the scan: still a JPEG that passes the
# checks, not the one accepted (a byte in the middle garbles the lower half
# of the picture, and the mouth check then refuses it: 'fails')
size=$(stat -c %s "$tmp/photos/$A.jpg")
printf '\125' | dd of="$tmp/photos/$A.jpg" bs=1 seek=$((size - 400)) conv=notrunc 2>/dev/null
check "an edited photo is 'changed'" '[ "$(status_of "$A")" = changed ]'
head -c 20000 "$tmp/A.orig" > "$tmp/photos/$A.jpg"
check "a truncated photo 'fails'" '[ "$(status_of "$A")" = fails ]'
rm "$tmp/photos/$A.jpg"
check "a deleted accepted photo is 'lost'" '[ "$(status_of "$A")" = lost ]'
cp "$tmp/A.orig" "$tmp/photos/$A.jpg"
check "restored, it is ok again" '[ "$(status_of "$A")" = ok ]'

echo "-- the same frame under two IDs"
r=$(shoot "$N"); check "N: accepted ($r), with the frame A had" '[ "$r" = accepted ]'
check "the daemon warned at the second acceptance" \
	'grep -q "DUPLICATE: 440305\*\*\*\*\*\*\*\*[0-9X]* was accepted with the same camera original as 110105" "$tmp/log"'
expect 1 "report: the set is not complete" ctl report
check "A is a duplicate" '[ "$(status_of "$A")" = duplicate ]'
check "N is a duplicate" '[ "$(status_of "$N")" = duplicate ]'
check "B, another frame, is ok" '[ "$(status_of "$B")" = ok ]'
has "$tmp/out" "duplicate .*the same photo as $N" "the table names the other ID"

echo "-- personal data"
check "journal is 0600" '[ "$(stat -c %a "$tmp/state/journal.jsonl")" = 600 ]'
check "the archive folders are 0700" '[ "$(stat -c %a "$tmp/state/archive/$A")" = 700 ]'
check "the log never has a full ID" '! grep -q -e "$A" -e "$B" -e "$X" "$tmp/log"'
check "the log never has a name" '! grep -q -e "张三" -e "李四" "$tmp/log"'

echo "-- purge"
expect 1 "purge refused while the daemon runs" ctl purge --before 2999-01-01
has "$tmp/err" "idphotod is running" "and says why"
stop
expect 2 "purge with a bad date" ctl purge --before 2024-13-45
expect 0 "purge of an older date removes nothing" ctl purge --before 2000-01-01
has "$tmp/out" "nothing from before" "says so"
expect 0 "purge --dry-run" ctl purge --dry-run --before 2999-01-01
has "$tmp/out" "would remove .*$A.jpg" "lists A's photo"
check "the dry run removed nothing" '[ -e "$tmp/photos/$A.jpg" ] && [ -e "$tmp/state/roster.json" ]'
expect 0 "purge" ctl purge --before 2999-01-01
check "photos, originals, previews and roster are gone" \
	'[ ! -e "$tmp/photos/$A.jpg" ] && [ ! -e "$tmp/photos/$B.jpg" ] && [ ! -e "$tmp/state/archive/$A" ] && [ ! -e "$tmp/state/preview/$A.jpg" ] && [ ! -e "$tmp/state/roster.json" ]'
check "the journal holds no ID any more" '! grep -q -e "$A" -e "$B" "$tmp/state/journal.jsonl"'
check "the journal is still 0600" '[ "$(stat -c %a "$tmp/state/journal.jsonl")" = 600 ]'
start
expect 0 "the daemon starts on the purged state" "$C" status
has "$tmp/out" "0 shots" "with nothing accepted"
stop

echo "it-batch: $fails failed"
[ "$fails" -eq 0 ]
