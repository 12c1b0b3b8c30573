#!/bin/sh
# it-readme.sh — the README's demo, as written: `make run`, then each
# command its demo section shows (build/idphotoctl ..., demo/press-pedal
# ...), run from the source folder; what the console prints must contain
# the transcript the README shows, line by line (the byte count too).
# Only the demo's folder moves ($DEMO instead of build/demo), so a demo a
# developer has running is left alone.
# Environment from `make check`: BUILD, SRCDIR.
set -u
fails=0
tmp=$(mktemp -d)
mk=
cleanup() { [ -n "$mk" ] && kill -- -"$mk" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
. "$SRCDIR/tests/lib.sh"

if [ "$(cd "$SRCDIR" && pwd -P)/build" != "$(cd "$BUILD" && pwd -P)" ]; then
	echo "SKIP: BUILD is not \$SRCDIR/build (the README's commands use build/)"
	exit 0
fi
cd "$SRCDIR"
demo="$tmp/demo"
# the demo section: from its heading to the next one
sed -n '/^## A full cycle in a minute/,/^## [^A]/p' README.md >"$tmp/section"
# its commands, with the demo's folder moved
grep -E '^    (build/idphotoctl|demo/press-pedal) ' "$tmp/section" |
	sed -e 's/^    //' -e "s|build/demo|$demo|g" >"$tmp/cmds"
# the console's transcript: the indented block after "It prints"
awk '/It prints/ { on = 1; next } on && /^    / { sub(/^    /, ""); print; next }
	on && /^$/ { next } on { exit }' "$tmp/section" |
	sed -e "s|build/demo|$demo|g" -e '/^$/d' >"$tmp/want"
n=$(wc -l <"$tmp/cmds")
check "the README's demo shows its commands ($n)" '[ "$n" -ge 4 ]'
check "and the console's transcript" 'grep -q "^ACCEPTED " "$tmp/want"'
console=$(grep ' console$' "$tmp/cmds")
status=$(grep ' status$' "$tmp/cmds")
calib=$(grep ' calibrate --apply$' "$tmp/cmds")
pedal=$(grep '^demo/press-pedal ' "$tmp/cmds")
sock="$demo/run/idphotod.sock"
ID=$(grep -o 'type or scan the ID, `[0-9X]*`' "$tmp/section" | grep -o '[0-9]\{17\}[0-9X]')
check "the ID the README types ($ID)" '[ -n "$ID" ]'

# make run, as written (its own session, to be stopped as one)
DEMO="$demo" setsid make -s run >"$tmp/log" 2>&1 &
mk=$!
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.2; done
check "make run: the station comes up" '[ -S "$sock" ]'

{ sleep 1; echo "$ID"; sleep 1; echo; sleep 15; echo q; } |
	timeout 40 sh -c "$console" >"$tmp/console" 2>&1
check "the console command runs (exit 0)" '[ $? -eq 0 ]'
# every line shown, in that order
missing=$(awk 'BEGIN { n = 0; i = 0 } NR == FNR { want[n++] = $0; next } i < n && $0 == want[i] { i++ }
	END { if (i < n) print want[i] }' "$tmp/want" "$tmp/console")
check "it prints what the README shows${missing:+ (not: $missing)}" '[ -z "$missing" ]'
check "the verdict is its last line of substance" \
	'[ "$(grep -v "^\(  \|$\)" "$tmp/console" | tail -n 1)" = "$(grep "^ACCEPTED" "$tmp/want")" ]'
check "no '>' prompt" '! grep -q "^>" "$tmp/console"'
[ -n "$missing" ] && sed 's/^/       /' "$tmp/console"

timeout 20 sh -c "$status" >"$tmp/status" 2>&1
check "the status command (exit 0), saying it is simulated" \
	'[ $? -eq 0 ] && grep -q "SIMULATED: camera, lamps, pedal" "$tmp/status"'

"$BUILD/idphotoctl" -s "$sock" id 320102198512034562 >/dev/null 2>&1
timeout 20 sh -c "$pedal" >"$tmp/pedal" 2>&1
check "the press-pedal command (exit 0)" '[ $? -eq 0 ]'
for i in $(seq 100); do
	"$BUILD/idphotoctl" -s "$sock" --json status 2>/dev/null | grep -q '"state":"rejected"' && break
	sleep 0.2
done
check "the second frame is rejected, as the README says" \
	'"$BUILD/idphotoctl" -s "$sock" --json status | grep -q "\"state\":\"rejected\""'

timeout 60 sh -c "$calib" >"$tmp/calib" 2>&1; rc=$?
check "the calibrate --apply command (exit $rc)" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || sed 's/^/       /' "$tmp/calib"
[ "$fails" -eq 0 ] || sed 's/^/  log: /' "$tmp/log" | tail -n 20
echo "it-readme: $fails failed"
[ "$fails" -eq 0 ]
