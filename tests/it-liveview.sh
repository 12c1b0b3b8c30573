#!/bin/sh
# it-liveview.sh — live view for the operator's framing (idphotoctl
# liveview), on the simulated camera: each live-view frame goes through
# the same geometry measurements as a shot, and the operator reads what
# to change before pressing the pedal. Fixtures are made from the demo
# frame 01 with OpenCV (Debian's python3-opencv): the head moved to the
# left edge (R-GEO-1: "centre the chair"), and the frame as it is
# (ready). Live view ends by itself, and a shot in between is not held up.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp

mkdir -p "$tmp/left" "$tmp/centred" "$tmp/turned"
# the face of 01 is about 640 px wide around x = 1080: cut 650 px off
# the left and the head is too close to that edge for any crop
/usr/bin/python3 - "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/left/01.jpg" <<'PY'
import sys, cv2
im = cv2.imread(sys.argv[1])
cv2.imwrite(sys.argv[2], im[:, 650:], [cv2.IMWRITE_JPEG_QUALITY, 92])
PY
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/centred/01.jpg"
cp "$SRCDIR/demo/frames/02-ppp-yaw-L1.jpg" "$tmp/turned/01.jpg"
conf() {	# conf FRAMES-FOLDER
	cat > "$tmp/idphotod.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "sim"; preview_fps = 4;
	sim: { dir = "$1"; latency_ms = 0; }; };
lighting: { driver = "sim"; };
CONF
}
export IDPHOTOD_SOCKET="$tmp/run/s.sock" IDPHOTOD_LOG_STDERR=1

conf "$tmp/left"
start
# (a frame's check takes a while on a loaded machine: long enough runs
# that two are checked however slow it is, within reason)
"$C" --json liveview 5 >"$tmp/lv.json"; rc=$?
check "liveview 5: follows the framing until it ends (exit 0)" \
	'[ $rc -eq 0 ] && tail -1 "$tmp/lv.json" | grep -q "\"done\": *true"'
n=$(grep -c '"event": *"framing", *"face"' "$tmp/lv.json")
check "live-view frames were checked ($n in 5 s at 4 a second)" '[ "$n" -ge 2 ]'
check "head at the left edge: the hint says so (R-GEO-1)" \
	'grep -q "GEO_NO_ROOM_LEFT" "$tmp/lv.json" && grep -q "\"ready\": *false" "$tmp/lv.json"'
check "the annotated live frame is written" '[ -s "$tmp/state/preview/live.jpg" ]'
"$C" liveview 3 >"$tmp/lv.txt"
check "in words: what to change" 'grep -q "framing: adjust before shooting" "$tmp/lv.txt" && grep -q "centre the chair" "$tmp/lv.txt"'
check "nothing was archived or shot" '[ ! -d "$tmp/state/archive" ] && [ "$(state)" = idle ]'
kill $pid; wait $pid; pid=

conf "$tmp/centred"
start
"$C" --json liveview 3 >"$tmp/lv.json"
check "a well-framed subject: ready" 'grep -q "\"ready\": *true" "$tmp/lv.json" && ! grep -q GEO_ "$tmp/lv.json"'
"$C" liveview 30 >"$tmp/lv.txt" &
lv=$!
sleep 0.5
"$C" id 11010519491231002X >/dev/null
"$C" shoot >/dev/null
check "a shot during live view is taken and accepted" 'wait_state accepted'
"$C" liveview 0 >/dev/null
check "liveview 0 stops it, and the follower exits" 'for i in $(seq 50); do kill -0 $lv 2>/dev/null || break; sleep 0.1; done; ! kill -0 $lv 2>/dev/null'
check "and said it ended" 'grep -q "live view: ended" "$tmp/lv.txt"'
"$C" liveview 601 >/dev/null 2>&1
check "liveview 601: refused (exit 2)" '[ $? -eq 2 ]'

kill $pid; wait $pid; pid=

# one verdict everywhere: a well-framed but turned head is not "ready",
# since the shot would be refused for it (R-SUBJ-3)
conf "$tmp/turned"
start
"$C" --json liveview 3 >"$tmp/lv.json"
check "a turned head: not ready, and the hint says why (POSE_YAW)" \
	'grep -q "POSE_YAW" "$tmp/lv.json" && grep -q "\"ready\": *false" "$tmp/lv.json" && ! grep -q "\"ready\": *true" "$tmp/lv.json"'

kill $pid; wait $pid; rc=$?; pid=
check "SIGTERM: exit 0" '[ $rc -eq 0 ]'
echo "it-liveview: $fails failed"
[ "$fails" -eq 0 ]
