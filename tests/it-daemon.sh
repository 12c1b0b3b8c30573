#!/bin/sh
# it-daemon.sh — the real idphotod binary on a temporary runtime folder,
# driven through its socket (idphotoctl) and its pedal FIFO, on the
# simulated camera serving demo/frames (01: accepted, 02: head turned,
# rejected R-SUBJ-3). Covers: a full cycle, a rejection then a retake, a
# bad ID, a pedal with no ID, an ID that already has a photo, a second
# instance, a garbage client, SIGHUP with a broken then a good config,
# the lamps (simulated DMX sink recording every frame): standby, shooting,
# recalibration on reload, a refused lamp edit, the shutdown state,
# kill -9 in the middle of processing then a restart, and a full disk.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl" PEDAL="$SRCDIR/demo/press-pedal"
ID1=11010519491231002X
ID2=440524199001010014	# check digit computed below
fails=0
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	mountpoint -q "$tmp/small" 2>/dev/null && umount "$tmp/small"
	rm -rf "$tmp"
}
trap cleanup EXIT

. "$SRCDIR/tests/lib.sh"

ID2=$(mkid 44052419900101001)
ID3=$(mkid 32010219950606002)

mkdir -p "$tmp/run"
mkfifo "$tmp/pedal"
conf() {	# conf EXTRA-PHOTO-SETTINGS
	cat > "$tmp/idphotod.conf" <<CONF
photo: { $1 };
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/idphotod.sock"; };
camera: { driver = "sim"; sim: { dir = "$SRCDIR/demo/frames"; latency_ms = 50;
  hold_ms = ${HOLD_MS:-0}; }; };
pedal: { device = "$tmp/pedal"; };
lighting: { driver = "sim"; device = "$tmp/dmx"; lamps = (
  { name = "left"; position = "left"; address = 1; level = ${LEFT:-0.8}; fade_ms = 100; },
  { name = "right"; position = "right"; address = 4; level = 0.8; fade_ms = 100; } ); };
CONF
}
# dmx CH: channel CH of the last frame the simulated DMX sink recorded
dmx() { tail -n 1 "$tmp/dmx" | awk -v c="$1" '{ v = $(c + 2); print v == "" ? 0 : v }'; }
# wait_dmx CH VALUE: up to 3 s for channel CH to read VALUE
wait_dmx() {
	for i in $(seq 30); do [ "$(dmx "$1")" = "$2" ] && return 0; sleep 0.1; done
	echo "       (channel $1 is $(dmx "$1"), wanted $2)"; return 1
}
export IDPHOTOD_SOCKET="$tmp/run/idphotod.sock" IDPHOTOD_LOG_STDERR=1

conf ""
check "idphotod -n accepts the config" '"$D" -n -c "$tmp/idphotod.conf" >/dev/null'
printf 'photo: { nonsense = 1; };\n' >"$tmp/broken.conf"
"$D" -n -c "$tmp/broken.conf" >"$tmp/out" 2>&1
check "idphotod -n refuses a broken config with file:line" \
	'[ $? -ne 0 ] && grep -q "broken.conf:1" "$tmp/out"'
start

# a second instance must not take over the socket
"$D" -c "$tmp/idphotod.conf" >"$tmp/out2" 2>&1
check "a second instance refuses to start" \
	'[ $? -ne 0 ] && grep -q "another idphotod" "$tmp/out2"'
check "the first still answers" '"$C" status >/dev/null'
check "socket mode 0660" '[ "$(stat -c %a "$tmp/run/idphotod.sock")" = 660 ]'

# lamps: standby while idle (0.8 * 0.3 of 65535 = 15728: coarse 61),
# frames refreshed continuously, the interface in the status
check "lamps at standby while idle" 'wait_dmx 1 61 && wait_dmx 4 61'
n1=$(wc -l <"$tmp/dmx"); sleep 0.5; n2=$(wc -l <"$tmp/dmx")
check "DMX frames keep coming (30 Hz: $((n2 - n1)) in 0.5 s)" '[ $((n2 - n1)) -ge 8 ]'
check "status reports the lamps" '"$C" --json status | grep -q "\"lamps\":{\"connected\":true"'
check "status says which drivers are simulated" \
	'"$C" status | grep -q "^  SIMULATED: camera, lamps, pedal " &&
	"$C" --json status | grep -q "\"simulated\":\"camera, lamps, pedal\""'
check "idphotoctl camera: connected, the simulated camera" \
	'"$C" camera | grep -q "^camera connected" && "$C" camera | grep -q "driver  *simulated camera serving"'

# pedal with no ID: refused, nothing shot
"$PEDAL" "$tmp/pedal"
sleep 0.3
check "pedal with no ID shoots nothing" \
	'"$C" --json status | grep -q "\"shots\":0" && [ "$(state)" = idle ]'

# a bad ID
"$C" id 110105194912310021 >"$tmp/out" 2>&1
check "bad ID refused (exit 1)" '[ $? -eq 1 ]'
check "bad ID message: not valid, check the ID card (no digit offered)" \
	'grep -q "not a valid ID number; check every digit against the ID card" "$tmp/out" && ! grep -q "should be" "$tmp/out"'

# the full cycle: ID, pedal, file
"$C" id $ID1 >/dev/null
check "armed" '[ "$(state)" = armed ]'
check "lamps at the calibrated level while armed (0.8: coarse 204)" 'wait_dmx 1 204 && wait_dmx 4 204'
"$PEDAL" "$tmp/pedal"
check "pedal -> accepted" 'wait_state accepted'
check "lamps back to standby after acceptance" 'wait_dmx 1 61'
check "$ID1.jpg written" '[ -f "$tmp/photos/$ID1.jpg" ]'
check "it passes the offline check" '"$C" check -q "$tmp/photos/$ID1.jpg" >/dev/null'
spare=$("$C" --json camera | json resolution_spare)
check "idphotoctl camera: the crop's spare resolution ($spare; crop.scale 0.366 gives 2.73)" \
	'echo "$spare" | awk "{ exit !(\$1 > 2.5 && \$1 < 3) }"'
check "camera original archived" '[ -n "$(ls "$tmp/state/archive/$ID1/" 2>/dev/null)" ]'
check "journal has the shot and its result" \
	'grep -q "\"event\":\"shoot\"" "$tmp/state/journal.jsonl" && grep -q "\"outcome\":\"pass\"" "$tmp/state/journal.jsonl"'
check "journal mode 0600" '[ "$(stat -c %a "$tmp/state/journal.jsonl")" = 600 ]'
check "the log masks the ID" 'grep -q "110105\*\*\*\*\*\*\*\*002X" "$tmp/log" && ! grep -q "$ID1" "$tmp/log"'

# a pedal press after acceptance does not shoot again
"$PEDAL" "$tmp/pedal"; sleep 0.3
check "pedal after acceptance ignored" '[ "$(state)" = accepted ] && "$C" --json status | grep -q "\"shots\":1"'

# the next graduate: frame 02 is rejected (head turned), a retake cycles to 01
"$C" id "$ID2" >/dev/null
"$C" shoot >/dev/null
check "frame 02 rejected" 'wait_state rejected'
"$C" --json status >"$tmp/out"
check "the reason is R-SUBJ-3 POSE_YAW" 'grep -q "POSE_YAW" "$tmp/out"'
check "no file for a rejected frame" '[ ! -e "$tmp/photos/$ID2.jpg" ]'
"$PEDAL" "$tmp/pedal"
check "retake by pedal -> accepted" 'wait_state accepted'
check "$ID2.jpg written after the retake" '[ -f "$tmp/photos/$ID2.jpg" ]'
check "history lists both attempts for ID2" '[ "$("$C" --json history "$ID2" | grep -o "\"outcome\"" | wc -l)" -eq 2 ]'

# an ID that already has a photo needs confirmation; the old one is kept
sum=$(sha256sum <"$tmp/photos/$ID1.jpg")
"$C" id $ID1 >"$tmp/out" 2>&1
check "accepted ID needs confirmation (exit 1)" '[ $? -eq 1 ] && grep -q "already has an accepted photo" "$tmp/out"'
"$C" id --replace $ID1 >/dev/null
"$C" shoot >/dev/null		# frame 02: rejected, the old photo stays
wait_state rejected >/dev/null
check "a rejected retake leaves the accepted photo alone" '[ "$(sha256sum <"$tmp/photos/$ID1.jpg")" = "$sum" ]'
"$C" shoot >/dev/null		# frame 01: accepted, replaces
wait_state accepted >/dev/null
check "the replaced photo is in versions/" '[ -n "$(ls "$tmp/photos/versions/" 2>/dev/null)" ] && [ "$(cat "$tmp/photos/versions/"* | sha256sum)" = "$sum" ]'

# garbage clients: an error, a disconnect, and the daemon carries on
sock="$tmp/run/idphotod.sock"
/usr/bin/python3 - "$sock" >"$tmp/out" <<'PY'
import socket, sys
def talk(data):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
    try:
        s.sendall(data)
        got = b""
        while True:
            b = s.recv(4096)
            if not b: break
            got += b
    except Exception as e:
        got = repr(e).encode()
    print(got.decode(errors="replace").strip())
talk(b"\x00\xff garbage\n")
talk(b"[1,2,3]\n")
talk(b"x" * 70000)
talk(b'{"cmd":"status"}\n{"cmd": \n')
PY
check "garbage gets a PROTOCOL error" '[ "$(grep -c "\"code\":\"PROTOCOL\"" "$tmp/out")" -ge 3 ]'
check "an over-long line is refused" 'grep -q "too long" "$tmp/out"'
check "the daemon carries on" '"$C" status >/dev/null && kill -0 $pid'

# reload: a broken file keeps the old settings; a good one applies live
printf 'photo: { checks: { yaw = { severity = "sometimes"; }; }; };\n' >"$tmp/idphotod.conf.bad"
cp "$tmp/idphotod.conf" "$tmp/idphotod.conf.good"
cp "$tmp/idphotod.conf.bad" "$tmp/idphotod.conf"
kill -HUP $pid; sleep 0.5
check "SIGHUP with a broken config: error with file:line, old settings stay" \
	'grep -q "idphotod.conf:1.*old settings stay" "$tmp/log" && "$C" status >/dev/null'
"$C" reload >"$tmp/out" 2>&1
check "idphotoctl reload reports the error (exit 1)" '[ $? -eq 1 ] && grep -q "idphotod.conf:1" "$tmp/out"'
conf 'checks: { yaw = { severity = "warn"; limit = 0.2; limit2 = 0.0; }; };'
kill -HUP $pid; sleep 0.5
check "SIGHUP with a good config reloads" 'grep -q "reloaded" "$tmp/log"'
"$C" id "$ID3" >/dev/null; "$C" shoot >/dev/null	# frame 02 again
wait_state accepted rejected >/dev/null
check "the new severity applies live (turned head now a warning)" '[ "$(state)" = accepted ]'

# recalibration: an overlapping lamp is refused with file:line and the
# lamps keep their levels; a good edit fades in live (standby 0.5 * 0.3)
cp "$tmp/idphotod.conf" "$tmp/idphotod.conf.good"
sed -i 's/address = 4;/address = 2;/' "$tmp/idphotod.conf"
kill -HUP $pid; sleep 0.5
check "a lamp edit that overlaps is refused with file:line" \
	'grep -q "idphotod.conf:[0-9]*: lamp \"right\" (channels 2..4) overlaps" "$tmp/log"'
check "the lamps keep their levels" '[ "$(dmx 1)" = 61 ] && [ "$(dmx 4)" = 61 ]'
LEFT=0.5 conf 'checks: { yaw = { severity = "warn"; limit = 0.2; limit2 = 0.0; }; };'
kill -HUP $pid
check "a good lamp edit applies live (left 0.5: coarse 38)" 'wait_dmx 1 38 && [ "$(dmx 4)" = 61 ]'
conf 'checks: { yaw = { severity = "warn"; limit = 0.2; limit2 = 0.0; }; };'

# kill -9 in the middle of processing, then a restart
kill -HUP $pid; wait_dmx 1 61 >/dev/null
"$C" id --replace "$ID3" >/dev/null; wait_dmx 1 204 >/dev/null
kill $pid; wait $pid 2>/dev/null; pid=
check "on exit the lamps go to the shutdown state (standby)" '[ "$(dmx 1)" = 61 ]'
rm -f "$tmp/photos/$ID3.jpg"
ID4=$(mkid 32010219950606003)
HOLD_MS=5000; conf 'checks: { yaw = { severity = "warn"; limit = 0.2; limit2 = 0.0; }; };'
start
"$C" id "$ID4" >/dev/null; "$C" shoot >/dev/null
wait_state processing >/dev/null
# the worker archives first, then holds the job (camera.sim.hold_ms)
for i in $(seq 100); do [ -n "$(ls "$tmp/state/archive/$ID4/" 2>/dev/null)" ] && break; sleep 0.1; done
sleep 0.3
kill -9 $pid; wait $pid 2>/dev/null; pid=
check "no output after kill -9 mid-processing" '[ ! -e "$tmp/photos/$ID4.jpg" ]'
HOLD_MS=0; conf 'checks: { yaw = { severity = "warn"; limit = 0.2; limit2 = 0.0; }; };'
start
check "no temporary files left in the output" '[ -z "$(ls -A "$tmp/photos" | grep "^\.")" ]'
check "the journal records the interrupted shot" 'grep -q "\"event\":\"interrupted\".*$ID4\|$ID4.*\"event\":\"interrupted\"" "$tmp/state/journal.jsonl"'
check "the camera original of the interrupted shot is archived" '[ -n "$(ls "$tmp/state/archive/$ID4/" 2>/dev/null)" ]'
check "after the restart the station is armed for that ID" '"$C" --json status | grep -q "\"state\":\"armed\",\"id\":\"$ID4\""'
check "every journal line is whole JSON" '/usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/state/journal.jsonl"'
check "the accepted IDs survived the restart" '"$C" id $ID1 2>&1 | grep -q "already has an accepted photo"'

# a full disk for the photos: a clear error, the original kept, still running
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=64k tmpfs "$tmp/small" 2>/dev/null; then
	kill $pid; wait $pid 2>/dev/null; pid=
	sed -i "s|dir = \"$tmp/photos\"|dir = \"$tmp/small\"|" "$tmp/idphotod.conf"
	head -c 60000 /dev/zero >"$tmp/small/filler" 2>/dev/null
	start
	ID5=$(mkid 32010219950606004)
	"$C" id "$ID5" >/dev/null; "$C" shoot >/dev/null
	wait_state rejected accepted >/dev/null
	"$C" --json status >"$tmp/out"
	check "disk full: the result is an error naming it" 'grep -q "No space left" "$tmp/out"'
	check "disk full: no partial photo" '[ ! -e "$tmp/small/$ID5.jpg" ] && [ -z "$(ls -A "$tmp/small" | grep "^\.")" ]'
	check "disk full: the camera original is archived" '[ -n "$(ls "$tmp/state/archive/$ID5/" 2>/dev/null)" ]'
	check "disk full: the daemon carries on" '"$C" status >/dev/null'
else
	echo "  SKIP full disk: cannot mount a tmpfs here (needs root)"
fi

kill $pid; wait $pid; rc=$?; pid=
check "SIGTERM stops it cleanly (exit 0)" '[ $rc -eq 0 ]'
check "the socket is removed" '[ ! -e "$tmp/run/idphotod.sock" ]'

[ $fails -eq 0 ] || { echo "--- daemon log"; cat "$tmp/log"; }
echo "it-daemon: $fails failed"
[ $fails -eq 0 ]
