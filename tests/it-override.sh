#!/bin/sh
# it-override.sh — the operator's override (idphotoctl accept --override
# REASON), end to end through the real idphotod on the simulated camera.
# The camera serves two real portraits of the development set
# (../shared/testdata/devset): 01 and 03, smiles with the lips apart,
# rejected for an appearance check only (SUBJ_MOUTH_OPEN, R-SUBJ-3), and
# 02, a frame with no room below the eyes, rejected for the geometry
# (GEO_NO_ROOM_BELOW, R-GEO-3). Covers: "overridable" on each rejection;
# accept refused without a reason, with a blank one and with one too long
# (NO_REASON); refused for the geometry (NOT_OVERRIDABLE, naming the
# check and its requirement); accepted for the appearance failure, the
# photo written from the archived original (480x640, no new shot); the
# journal's result with the reason, the overridden checks and the seq; a
# second accept refused (NOTHING_TO_ACCEPT); a newer shot ends the
# override; a restart keeps the last rejected frame (an override after
# it) and that it was overridden; history, report and the export's
# manifest saying "accepted by the operator" with the reason; and the
# console's a, which asks for the reason.
# Environment from `make check`: BUILD, SRCDIR, TESTDATA.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
DEVSET="${TESTDATA:-$SRCDIR/../shared/testdata}/devset"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp

if [ ! -f "$DEVSET/london-smile-blue-024.jpg" ] ||
    [ ! -f "$DEVSET/london-blue-136.jpg" ] ||
    [ ! -f "$DEVSET/london-smile-blue-026.jpg" ]; then
	echo "SKIP: no development set at $DEVSET"
	exit 0
fi
A=$(mkid 11010519800101001) B=$(mkid 31010419900315002) E=$(mkid 44030519851120003)

mkdir -p "$tmp/frames"
cp "$DEVSET/london-smile-blue-024.jpg" "$tmp/frames/01-smile.jpg"
cp "$DEVSET/london-blue-136.jpg" "$tmp/frames/02-geometry.jpg"
cp "$DEVSET/london-smile-blue-026.jpg" "$tmp/frames/03-smile.jpg"
sim_conf "$tmp/frames" "lamps = false;"
mkfifo "$tmp/pedal"
printf '身份证号,姓名\n%s,甲\n%s,乙\n%s,丙\n' "$A" "$B" "$E" >"$tmp/roster.csv"
export IDPHOTOD_SOCKET="$tmp/run/idphotod.sock" IDPHOTOD_LOG_STDERR=1 LC_ALL=C LANGUAGE=
ctl() { "$C" -c "$tmp/idphotod.conf" "$@"; }
# stop: SIGTERM, and the daemon must exit 0 with no sanitizer report
# (BUILD=build-asan: make check-asan runs this script there too)
stop() {
	kill "$pid"; wait "$pid"; rc=$?; pid=
	check "idphotod stopped cleanly (exit $rc)" \
		'[ "$rc" -eq 0 ] && ! grep -q "Sanitizer\|runtime error:" "$tmp/log"'
}
shoot() {	# shoot ID: arms it, presses the pedal, waits for the verdict
	"$C" id "$1" >/dev/null && "$C" shoot >/dev/null &&
	    wait_state accepted rejected >/dev/null
}
last() { "$C" --json status | json last "$@"; }
# refused CODE: the last reply in $tmp/out (--json) is a refusal with CODE
refused() { grep '"reply":"accept"' "$tmp/out" | grep -q "\"ok\":false,.*\"code\":\"$1\"\|\"code\":\"$1\".*\"ok\":false"; }
J="$tmp/state/journal.jsonl"

expect 0 "roster imported" ctl roster import "$tmp/roster.csv"
start

# nothing rejected yet
"$C" id "$A" >/dev/null
expect 1 "accept with nothing rejected is refused" "$C" --json accept --override "looks fine"
check "  ... as NOTHING_TO_ACCEPT" 'refused NOTHING_TO_ACCEPT'

# 01: lips apart, rejected for R-SUBJ-3 only: overridable
"$C" shoot >/dev/null
check "the smile is rejected" 'wait_state rejected'
check "  ... for SUBJ_MOUTH_OPEN (R-SUBJ-3)" \
	'"$C" --json status | grep -q "\"code\":\"SUBJ_MOUTH_OPEN\",\"requirement\":\"R-SUBJ-3\",\"severity\":\"fail\""'
check "  ... and the result says it is overridable" '[ "$(last overridable)" = true ]'
expect 0 "history of $A" "$C" history "$A"
has "$tmp/out" "the operator may accept it anyway" "  ... which offers the override"
shots=$("$C" --json status | json counts shots)

expect 1 "accept without --override is refused" "$C" --json accept
check "  ... as NO_REASON" 'refused NO_REASON'
expect 1 "accept with a blank reason is refused" "$C" --json accept --override "   "
check "  ... as NO_REASON" 'refused NO_REASON'
long=$(printf '%0501d' 0)
expect 1 "accept with a 501-byte reason is refused" "$C" --json accept --override "$long"
check "  ... as NO_REASON" 'refused NO_REASON'
check "nothing was written by the refusals" '[ ! -e "$tmp/photos/$A.jpg" ] && [ "$(state)" = rejected ]'

expect 0 "accept --override with a reason accepts the smile" \
	"$C" accept --override "natural smile, the graduate's own wish"
has "$tmp/out" "^ACCEPTED $A" "  ... and prints ACCEPTED"
has "$tmp/out" "accepted by the operator over SUBJ_MOUTH_OPEN" "  ... over the check it overrode"
check "the station is accepted" '[ "$(state)" = accepted ]'
check "$A.jpg written, 480x640" \
	'[ "$(/usr/bin/python3 -c "import cv2, sys; i = cv2.imread(sys.argv[1]); print(\"%dx%d\" % (i.shape[1], i.shape[0]))" "$tmp/photos/$A.jpg")" = 480x640 ]'
check "  ... from the archived original: no new shot" \
	'[ "$("$C" --json status | json counts shots)" = "$shots" ] && [ "$(ls "$tmp/state/archive/$A" | wc -l)" -eq 1 ]'
check "the result event carries the override" \
	'[ "$(last override reason)" = "natural smile, the graduate'"'"'s own wish" ] && [ "$(last outcome)" = pass ]'
# the journal: one result with outcome pass and the override object
grep '"event":"result"' "$J" | grep '"override"' >"$tmp/ov"
check "the journal has one result with the override" '[ "$(wc -l <"$tmp/ov")" -eq 1 ]'
check "  ... with the reason, the checks overridden and the shot's seq" \
	'/usr/bin/python3 -c "import json, sys
e = json.loads(open(sys.argv[1]).readline())
o = e[\"override\"]
rej = [json.loads(l) for l in open(sys.argv[2]) if \"\\\"outcome\\\":\\\"fail\\\"\" in l][0]
assert e[\"outcome\"] == \"pass\" and e[\"id\"] == sys.argv[3], e
assert o[\"reason\"] == \"natural smile, the graduate'"'"'s own wish\", o
assert o[\"checks\"] == [\"SUBJ_MOUTH_OPEN\"], o
assert o[\"seq\"] == rej[\"seq\"] == e[\"seq\"], (o, rej[\"seq\"])
assert e[\"archive\"] == rej[\"archive\"] and e[\"output\"].endswith(sys.argv[3] + \".jpg\")
" "$tmp/ov" "$J" "$A"'

expect 1 "a second accept is refused" "$C" --json accept --override "again"
check "  ... as NOTHING_TO_ACCEPT: already accepted by the operator" \
	'refused NOTHING_TO_ACCEPT && grep -q "already accepted by the operator" "$tmp/out"'

# 02: no room below the eyes (R-GEO-3): not overridable
shoot "$B"
check "the geometry frame is rejected, not overridable" \
	'[ "$(state)" = rejected ] && [ "$(last overridable)" = false ]'
expect 1 "accept --override is refused for a geometry failure" \
	"$C" --json accept --override "the crop looks fine to me"
check "  ... as NOT_OVERRIDABLE, naming GEO_NO_ROOM_BELOW and R-GEO-3" \
	'refused NOT_OVERRIDABLE && grep -q "\"checks\":\[{\"code\":\"GEO_NO_ROOM_BELOW\",\"requirement\":\"R-GEO-3\"}\]" "$tmp/out"'
expect 1 "  ... and in words" "$C" accept --override "the crop looks fine to me"
has "$tmp/out" "NOT_OVERRIDABLE" "  ... the refusal names its code"
has "$tmp/out" "R-GEO-3 *GEO_NO_ROOM_BELOW" "  ... and lists the check with its requirement"
check "no photo for $B" '[ ! -e "$tmp/photos/$B.jpg" ]'

# E: 03, another smile
shoot "$E"
check "E's smile is rejected" '[ "$(state)" = rejected ] && [ "$(last overridable)" = true ]'
"$C" retake >/dev/null
check "after a retake (armed, no new shot) it can still be overridden: NO_REASON first" \
	'"$C" --json accept >"$tmp/out"; refused NO_REASON'

# a restart keeps E's last rejected frame: the override works after it
stop
start
check "after a restart E is armed again" '[ "$(state)" = armed ] && [ "$("$C" --json status | json id)" = "$E" ]'
expect 0 "accept --override after a restart" "$C" accept --override "smile approved by the centre"
check "$E.jpg written" '[ -s "$tmp/photos/$E.jpg" ]'
stop
start
"$C" id "$E" --replace >/dev/null
expect 1 "after another restart the override is not repeated" "$C" --json accept --override "again"
check "  ... NOTHING_TO_ACCEPT (already overridden)" 'refused NOTHING_TO_ACCEPT'
"$C" shoot >/dev/null; wait_state accepted rejected >/dev/null
check "E shot again (01: the smile, overridable)" '[ "$(last overridable)" = true ]'
"$C" shoot >/dev/null; sleep 0.2; wait_state accepted rejected >/dev/null
check "a newer shot (02: geometry) replaces the smile as the last rejected frame" \
	'[ "$(last overridable)" = false ]'
expect 1 "  ... and accept now is NOT_OVERRIDABLE" "$C" --json accept --override "x"
check "  ... (code)" 'refused NOT_OVERRIDABLE'

# history, report, export
expect 0 "history of $A" "$C" history "$A"
has "$tmp/out" "accepted by the operator over SUBJ_MOUTH_OPEN (shot [0-9]*): natural smile" \
	"  ... shows the override and its reason"
stop
expect 1 "report (B has no photo)" ctl report
has "$tmp/out" "$A .*ok .*accepted by the operator: natural smile, the graduate's own wish" \
	"report: $A ok, accepted by the operator, with the reason"
expect 1 "report --json" ctl report --json
check "report --json: $A ok with the override" \
	'/usr/bin/python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
e = [x for x in r[\"entries\"] if x[\"id\"] == sys.argv[2]][0]
assert e[\"status\"] == \"ok\", e
assert e[\"attempts\"] == 1, e	# the override renders the one shot
assert e[\"override\"][\"checks\"] == [\"SUBJ_MOUTH_OPEN\"], e
assert e[\"note\"] == \"accepted by the operator: natural smile, the graduate'"'"'s own wish\", e
" "$tmp/out" "$A"'
expect 1 "report --csv" ctl report --csv
has "$tmp/out" "accepted by the operator: natural smile" "report.csv: the note says so"
expect 0 "export --allow-missing" ctl export --out "$tmp/set.zip" --allow-missing
mkdir "$tmp/unz" && (cd "$tmp/unz" && unzip -q "$tmp/set.zip")
has "$tmp/unz/manifest.csv" '"captured","note"' "the manifest has a note column"
has "$tmp/unz/manifest.csv" "^\"$A\",.*,\"accepted by the operator: natural smile, the graduate's own wish\"" \
	"the manifest marks $A accepted by the operator, with the reason"
check "$A.jpg is in the export" '[ -s "$tmp/unz/$A.jpg" ]'

# the console: a after a rejection asks why, then accepts (a restart:
# the camera serves 01 again; the duplicate of A's frame is only warned)
F=$(mkid 32010219950606004)
start
( "$C" status >/dev/null; echo "$F"; wait_state armed >/dev/null; echo
  wait_state rejected >/dev/null; echo a; sleep 0.5; echo "   "
  sleep 0.5; echo a; sleep 0.5; echo "the mouth is closed enough"
  wait_state accepted >/dev/null; sleep 0.5; echo q ) |
	"$C" console >"$tmp/console" 2>&1
has "$tmp/console" "^  a  accept the rejected frame anyway" "console: the help names a"
has "$tmp/console" "the operator may accept it anyway" "console: the rejection offers the override"
has "$tmp/console" "Why accept it anyway?" "console: a asks for the reason"
has "$tmp/console" "not accepted: no reason given" "console: a blank reason accepts nothing"
has "$tmp/console" "accepted by the operator over SUBJ_MOUTH_OPEN (shot [0-9]*): the mouth is closed enough" \
	"console: the verdict says it was accepted by the operator, and why"
check "console: $F.jpg written" '[ -s "$tmp/photos/$F.jpg" ]'
stop

echo "it-override: $fails failed"
[ "$fails" -eq 0 ]
