#!/bin/sh
# it-console.sh — `idphotoctl console` as an operator meets it, its stdin
# a pipe that the test writes line by line, against the real idphotod on
# the simulated camera (demo/frames: 01 passes):
#  - the status line: "state idle;" with no stray space;
#  - the [y/N] replace prompt (ctl/online.c handle_input): only y or yes
#    replaces; n, no or an empty line answer no (and the empty line does
#    not shoot); anything else, such as the next graduate's ID from the
#    scanner, answers no and is then taken as typed: that ID is armed;
#  - idphotod killed while the console runs (SIGTERM, then kill -9): the
#    console waits, says what it did not send, reconnects when idphotod is
#    back and keeps working;
#  - one ignored pedal press (software or the pedal device) gives one
#    message;
#  - history shows local times, not seconds since 1970;
#  - idphotod(8) and idphotoctl(1) quote what this simulated station
#    prints in status and its log, and name the default drivers.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl" PEDAL="$SRCDIR/demo/press-pedal"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp
cpid=
cleanup() {
	exec 3>&- 2>/dev/null
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	sim_cleanup
}
trap cleanup EXIT

ID1=$(mkid 11010519491231002)
ID2=$(mkid 44052419900101001)
ID3=$(mkid 32010219950606002)
mkfifo "$tmp/pedal" "$tmp/in"
sim_conf "$SRCDIR/demo/frames"
export LANG=C.UTF-8 LANGUAGE=en
unset LC_ALL

out="$tmp/console"
# type LINE: one line to the console's stdin
type_line() { printf '%s\n' "$1" >&3; }
# mark: the number of lines the console has printed so far
mark() { wc -l <"$out"; }
# since N: what the console printed after line N
since() { tail -n +"$(($1 + 1))" "$out"; }
# wait_out N PATTERN: up to 20 s for PATTERN (grep -E) after line N
wait_out() {
	for i in $(seq 200); do
		since "$1" | grep -q -E -- "$2" && return 0
		sleep 0.1
	done
	echo "       (no '$2' in:)"; since "$1" | sed 's/^/         /'
	return 1
}
# field KEY: the station's status field
field() { "$C" --json status | json "$1"; }
counts() { "$C" --json status | json counts shots; }
alive() { kill -0 "$cpid" 2>/dev/null; }

start
# the console, its stdin the FIFO held open on fd 3
"$C" console <"$tmp/in" >"$out" 2>&1 &
cpid=$!
exec 3>"$tmp/in"
check "the console starts" 'wait_out 0 "^idphotod console"'

echo "-- the status line"
m=$(mark); type_line s
check "s: \"state idle;\" (no space before the semicolon)" \
	'wait_out $m "^state idle; camera " && ! since $m | grep -q "^state idle ;"'
type_line "$ID2"
wait_state armed >/dev/null
m=$(mark); type_line s
check "s with an ID keyed in: \"state armed $ID2;\"" "wait_out $m '^state armed $ID2; camera '"
m=$(mark); type_line c
check "the state event has no trailing space either: \"state: idle\"" \
	'wait_out $m "^state: idle\$"'
wait_state idle >/dev/null

echo "-- the [y/N] replace prompt"
m=$(mark); type_line "$ID1"; type_line ""
check "$ID1 accepted" "wait_out $m '^ACCEPTED $ID1'"
wait_state accepted >/dev/null
sum=$(sha256sum <"$tmp/photos/$ID1.jpg")
shots=$(counts)

m=$(mark); type_line "$ID1"
check "keying $ID1 in again asks [y/N]" "wait_out $m 'Replace the accepted photo\\? \\[y/N\\]'"
m=$(mark); type_line "$ID3"	# the scanner: the next graduate's ID
check "a scanned ID answers no: $ID1 keeps its photo" \
	"wait_out $m 'not replaced: $ID1 keeps its photo'"
check "and the scanned ID is taken as typed: $ID3 armed" \
	'wait_state armed && [ "$(field id)" = "$ID3" ]'
check "not as a replacement" '! since $m | grep -q "replacing the accepted photo"'
check "$ID1's photo is unchanged" '[ "$(sha256sum <"$tmp/photos/$ID1.jpg")" = "$sum" ]'

m=$(mark); type_line "$ID1"
wait_out $m 'y/N' >/dev/null
m=$(mark); type_line ""
check "an empty line answers no" "wait_out $m 'not replaced: $ID1 keeps its photo'"
sleep 0.5
check "and does not shoot (shots still $shots)" '[ "$(counts)" = "$shots" ]'
check "the station keeps $ID3" '[ "$(field id)" = "$ID3" ]'

m=$(mark); type_line "$ID1"
wait_out $m 'y/N' >/dev/null
m=$(mark); type_line n
check "n answers no" "wait_out $m 'not replaced: $ID1 keeps its photo'"

m=$(mark); type_line "$ID1"
wait_out $m 'y/N' >/dev/null
m=$(mark); type_line y
check "y replaces: $ID1 armed as a replacement" \
	"wait_out $m 'state: armed $ID1 .*replacing the accepted photo' && [ \"\$(field id)\" = $ID1 ]"
check "y: no \"not replaced\"" '! since $m | grep -q "not replaced"'
type_line c
wait_state idle >/dev/null

echo "-- one ignored pedal press, one message"
m=$(mark); type_line ""	# the software pedal, no ID keyed in
sleep 1.5
n=$(since $m | grep -c .)
check "software pedal with no ID: one line ($(since $m | tr '\n' '|'))" \
	'[ "$n" -eq 1 ] && since $m | grep -q "pedal ignored: key in the graduate"'
m=$(mark); "$PEDAL" "$tmp/pedal"
sleep 1.5
n=$(since $m | grep -c .)
check "the pedal device with no ID: one line ($(since $m | tr '\n' '|'))" \
	'[ "$n" -eq 1 ] && since $m | grep -q "pedal ignored: key in the graduate"'
check "nothing was shot" '[ "$(counts)" = "$shots" ]'

echo "-- idphotod goes away and comes back"
m=$(mark)
stop
check "SIGTERM: the console says it waits" "wait_out $m 'idphotod went away: waiting for it to come back'"
sleep 1.5
check "and has not quit" 'alive'
m=$(mark); type_line "$ID2"
check "a line typed meanwhile is not sent, and said so" \
	"wait_out $m 'not sent \\(idphotod is not back yet\\): $ID2'"
start
check "idphotod back: the console says so" "wait_out $m '^idphotod is back'"
m=$(mark); type_line "$ID2"
check "and keeps working: $ID2 armed from the console" \
	"wait_out $m '^state: armed $ID2' && [ \"\$(field id)\" = $ID2 ]"
m=$(mark); type_line ""
check "and its events come again: the shot's verdict" "wait_out $m '^(ACCEPTED|REJECTED) $ID2'"

m=$(mark)
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
check "kill -9: the console waits again" "wait_out $m 'idphotod went away'"
sleep 1
start
check "and reconnects" "wait_out $m '^idphotod is back'"
m=$(mark); type_line s
check "status after the second restart" "wait_out $m '^state [a-z]+[ ;]'"
check "the console is still running" 'alive'

m=$(mark); type_line q
for i in $(seq 50); do alive || break; sleep 0.1; done
check "q quits the console" '! alive'
wait "$cpid"; rc=$?; cpid=
check "with exit 0" '[ $rc -eq 0 ]'

echo "-- history: local times"
"$C" --json history "$ID1" >"$tmp/h.json"
t=$(/usr/bin/python3 -c 'import json, sys
h = json.load(open(sys.argv[1]))["history"]
print(int(h[0]["time"]))' "$tmp/h.json")
check "the journal has a time for $ID1 ($t)" '[ -n "$t" ] && [ "$t" -gt 1000000000 ]'
for tz in UTC Asia/Shanghai America/New_York; do
	want=$(TZ=$tz date -d "@$t" '+%Y-%m-%d %H:%M:%S')
	TZ=$tz "$C" history "$ID1" >"$tmp/h" 2>&1
	check "TZ=$tz: history's first line starts with $want" \
		"head -n 1 \"$tmp/h\" | grep -q '^$want $ID1 '"
done
check "no epoch seconds in history" "! grep -q '$t' \"$tmp/h\""

echo "-- the man pages say what this simulated station says"
sim=$(field simulated)
check "status --json names the simulated drivers ($sim)" '[ "$sim" = "camera, lamps, pedal" ]'
said=$("$C" status | grep '^  SIMULATED: ' | sed 's/^  //')
logged=$(grep -o 'SIMULATED [^:]*: [^(]*' "$tmp/log" | head -n 1 | sed 's/ *$//')
M8="$SRCDIR/man/idphotod.8" M1="$SRCDIR/man/idphotoctl.1"
check "idphotod(8) quotes the status line ($said)" 'grep -q -F -- "$said" "$M8"'
check "idphotod(8) quotes the log at start ($logged)" '[ -n "$logged" ] && grep -q -F -- "$logged" "$M8"'
check "idphotod(8) gives systemd's STATUS ending (; SIMULATED $sim)" 'grep -q -F -- "; SIMULATED $sim" "$M8"'
check "idphotod(8) names the default drivers, gphoto2 autodetect and enttec" \
	'grep -q "gphoto2 ," "$M8" && grep -q "autodetects" "$M8" && grep -q "^.Dq enttec ,$" "$M8"'
check "idphotoctl(1) status: the SIMULATED line and the defaults" \
	'grep -q -F "SIMULATED: $sim" "$M1" && grep -q "^.Dq gphoto2$" "$M1" && grep -q "^.Dq enttec$" "$M1"'
check "the code's defaults are those (store/conf.c)" \
	'grep -q "cam.driver), \"%s\", \"gphoto2\")" "$SRCDIR/store/conf.c" && grep -q "rig.dmx.driver), \"%s\", \"enttec\")" "$SRCDIR/store/conf.c"'

stop
[ "$fails" -eq 0 ] && { echo "it-console: 0 failed"; exit 0; }
sed 's/^/  console: /' "$out" | tail -n 40
sed 's/^/  log: /' "$tmp/log" | tail -n 20
echo "it-console: $fails failed"
exit 1
