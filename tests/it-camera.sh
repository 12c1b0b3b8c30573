#!/bin/sh
# it-camera.sh — idphotod with the real libgphoto2 driver, against
# fakeptpip, a PTP/IP camera on loopback (tests/tools/fakeptpip.c):
# `idphotoctl camera` shows what the camera reads back, and live view
# that the camera lacks is refused in words; the camera's
# state reaches idphotoctl and the log: reconnecting after it vanished in
# the middle of a download, and connected again by itself without a
# pedal press; frames from the camera's own shutter; a shot while it
# hangs ends at camera.timeout; a camera switched off for good is found
# gone while the station waits, and called absent. No shot is dropped:
# each gets a result.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl" F="$BUILD/tests/tools/fakeptpip"
ID1=11010519491231002X
fails=0
tmp=$(mktemp -d)
pid= fpid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -n "$fpid" ] && kill $fpid 2>/dev/null; rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

export HOME="$tmp"	# libgphoto2 keeps its PTP/IP GUID under $HOME
port=$((30000 + $$ % 20000))
mkdir -p "$tmp/run" "$tmp/frames"
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/frames/"	# accepted
cat > "$tmp/idphotod.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "gphoto2"; model = "PTP/IP Camera";
	port = "ptpip:127.0.0.1:$port:$port"; timeout = 3; };
lighting: { driver = "sim"; };
CONF
export IDPHOTOD_SOCKET="$tmp/run/s.sock" IDPHOTOD_LOG_STDERR=1

# fake OPTIONS...: (re)starts the camera
fake() {
	[ -n "$fpid" ] && kill $fpid 2>/dev/null && wait $fpid 2>/dev/null
	"$F" -p $port -d "$tmp/frames" -l "$tmp/ops.log" "$@" 2>>"$tmp/fake.log" &
	fpid=$!
}
camstate() { "$C" --json status | json camera state; }
# wait_cam STATE [SECONDS]: waits for the camera's state
wait_cam() {
	for i in $(seq $((${2:-20} * 10))); do
		[ "$(camstate)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "       (camera is $(camstate), wanted $1)"
	return 1
}
press() { "$C" shoot >/dev/null; wait_state accepted rejected >/dev/null; state; }
last() { "$C" --json status | json last "$1"; }

echo "-- the camera vanishes in the middle of a download (down 4 s)"
fake -v 1 -D 4000
start
check "connected to the PTP/IP camera" 'wait_cam connected'
"$C" camera >"$tmp/out"
check "idphotoctl camera: the model and the port" \
	'grep -q "model  *PTP/IP Camera" "$tmp/out" && grep -q "port  *ptpip:127.0.0.1:$port" "$tmp/out"'
check "idphotoctl camera: the battery, read from the camera" 'grep -q "battery  *73%" "$tmp/out"'
check "idphotoctl --json camera: the state and the settings" \
	'[ "$("$C" --json camera | json camera info "serial number")" = IDP0001 ]'
"$C" liveview 5 >"$tmp/out" 2>&1; rc=$?
check "live view on a camera without it: says so (exit 1)" \
	'[ $rc -eq 1 ] && grep -q "live view: ERROR: camera: live view: this camera" "$tmp/out"'
check "and the camera stays connected" '[ "$(camstate)" = connected ]'
"$C" id $ID1 >/dev/null
check "the shot gets a result: rejected, not lost" '[ "$(press)" = rejected ]'
check "an error that says what happened" 'last outcome | grep -qx error && last error | grep -q "camera"'
check "no partial frame reached the pipeline" '[ ! -e "$tmp/photos/$ID1.jpg" ]'
check "the camera is reconnecting" '[ "$(camstate)" = reconnecting ]'
"$C" status >"$tmp/out"
check "idphotoctl status says RECONNECTING" 'grep -q "camera RECONNECTING" "$tmp/out"'
check "back by itself, without a pedal press" 'wait_cam connected 15'
check "the retake is accepted" '[ "$(press)" = accepted ]'
check "$ID1.jpg written" '[ -f "$tmp/photos/$ID1.jpg" ]'
check "the log has the camera lost and found" \
	'grep -q "camera reconnecting:" "$tmp/log" && [ $(grep -c "camera: gphoto2: PTP/IP Camera" "$tmp/log") -ge 2 ]'

echo "-- the camera's own shutter"
ID2=$(mkid 44052419900101001)
"$C" id $ID2 >/dev/null
kill -USR1 $fpid
check "with a graduate waiting, it is their shot" 'wait_state accepted && [ -f "$tmp/photos/$ID2.jpg" ]'
check "journalled as a shot from the camera's shutter" 'grep -q "\"source\": *\"camera shutter\"" "$tmp/state/journal.jsonl"'
kill -USR1 $fpid
check "with no one waiting, it is kept, not used" 'for i in $(seq 50); do ls "$tmp/state/archive/unassigned/" 2>/dev/null | grep -q jpg && break; sleep 0.1; done; ls "$tmp/state/archive/unassigned/" | grep -q "IMG_.*JPG"'
check "and the station stays as it was" '[ "$(state)" = accepted ]'

echo "-- a camera that never answers the trigger"
fake -m
check "the idle station finds the camera gone, and the new one" 'wait_cam reconnecting 10 && wait_cam connected 20'
ID2=$(mkid 44052419900101003)
"$C" id $ID2 >/dev/null
check "the hung shot ends with an error at camera.timeout (3 s)" \
	'[ "$(press)" = rejected ] && last error | grep -q "no answer"'
check "then the camera is back" 'wait_cam connected 15'
check "and the retake is accepted" '[ "$(press)" = accepted ]'

echo "-- a camera switched off for good"
kill $fpid; wait $fpid 2>/dev/null; fpid=
check "the idle station notices and reconnects" 'wait_cam reconnecting 10'
check "after the first tries it is absent" 'wait_cam absent 40'
check "the daemon is still running" 'kill -0 $pid'
ID3=$(mkid 32010219950606002)
"$C" id $ID3 >/dev/null
check "a shot now fails at once, saying why" \
	'[ "$(press)" = rejected ] && last error | grep -q "cannot reach the camera"'

kill $pid; wait $pid; rc=$?; pid=
check "SIGTERM: exit 0" '[ $rc -eq 0 ]'
echo "it-camera: $fails failed"
[ "$fails" -eq 0 ]
