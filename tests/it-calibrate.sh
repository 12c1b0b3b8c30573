#!/bin/sh
# it-calibrate.sh — `idphotoctl calibrate` against the real daemon on the
# simulated rig: the simulated camera relights its frame by the lamp
# levels (camera.sim.lamps), with the right lamp giving only 60 % of the
# left one's light. The loop must bring the face's cheek balance within
# tolerance in a few shots, write the levels into the config file without
# touching its comments, and the lamps (the recorded DMX frames) must
# follow. A run without --apply changes nothing, and a frame with a turned
# head is refused.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

mkdir -p "$tmp/frames" "$tmp/run"
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/frames/"
cat > "$tmp/c.conf" <<CONF
# the technician's file: these comments must survive calibration
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "sim"; sim: { dir = "$tmp/frames"; latency_ms = 0;
  lamps = true; lamp_right = 0.6; }; };
lighting: {
  driver = "sim"; device = "$tmp/dmx";
  lamps = (
    { name = "key"; position = "left"; address = 1;
      level = 0.8;   # set by hand on 2026-11-01
      fade_ms = 100; },
    { name = "fill"; position = "right"; address = 4; fade_ms = 100; }
  );
};
CONF
export IDPHOTOD_SOCKET="$tmp/run/s.sock" IDPHOTOD_LOG_STDERR=1
"$D" -c "$tmp/c.conf" 2>"$tmp/log" &
pid=$!
for i in $(seq 50); do "$C" status >/dev/null 2>&1 && break; sleep 0.1; done

sum=$(sha256sum <"$tmp/c.conf")
"$C" calibrate >"$tmp/out" 2>&1
check "calibrate without --apply proposes a change as a diff" \
	'grep -q "^-10: .*level = 0.8;" "$tmp/out" && grep -q "^+10: .*level = 0.9" "$tmp/out"'
# this frame's left cheek is the darker one (balance < 1): the left lamp
# must go up relative to the right
b=$(sed -n 's/.*balance \([0-9.]*\).*/\1/p' "$tmp/out")
pl=$(awk '$1 == "key" { print $4 }' "$tmp/out"); pr=$(awk '$1 == "fill" { print $4 }' "$tmp/out")
check "balance $b < 1: the left lamp goes up relative to the right ($pl : $pr)" \
	'awk -v b="$b" -v l="$pl" -v r="$pr" "BEGIN { exit !(b < 1 && l / r > 1) }"'
check "without --apply the file is untouched" '[ "$(sha256sum <"$tmp/c.conf")" = "$sum" ]'

shots=0
for i in 1 2 3 4 5 6; do
	shots=$i
	"$C" calibrate --apply >"$tmp/out" 2>&1 || { bad "calibrate --apply failed"; cat "$tmp/out"; break; }
	grep -q "balanced: nothing to change" "$tmp/out" && break
done
check "the balance converges within 4 shots (took $shots)" '[ $shots -le 4 ] && grep -q "balanced" "$tmp/out"'
b=$(sed -n 's/.*balance \([0-9.]*\).*/\1/p' "$tmp/out")
check "the last balance is within 3 % ($b)" 'awk -v b="$b" "BEGIN { exit !(b > 0.97 && b < 1.03) }"'
check "the comments are kept" 'grep -q "^# the technician.s file" "$tmp/c.conf" && grep -q "# set by hand on 2026-11-01" "$tmp/c.conf"'
check "the edited file is a good config" '"$D" -n -c "$tmp/c.conf" >/dev/null'
check "the right lamp got a level of its own" 'grep -q "name = \"fill\"" "$tmp/c.conf" && grep -q "{ level = 0\.[0-9]*; name = \"fill\"" "$tmp/c.conf"'
right=$(sed -n 's/.*{ level = \([0-9.]*\); name = "fill".*/\1/p' "$tmp/c.conf")
# the lamps are in standby again: the DMX frames show the new levels
exp=$(awk -v r="$right" 'BEGIN { printf "%d", int(r * 0.3 * 65535 + 0.5) / 256 }')
sleep 0.5
got=$(tail -n 1 "$tmp/dmx" | awk '{ print $(4 + 2) }')
check "the recorded DMX frames carry the new right level (coarse $exp)" '[ "$got" = "$exp" ]'

# exposure: a darker target is reached; a brighter one than the lamps
# can give is said so
"$C" --lightness 24 calibrate --apply >"$tmp/out" 2>&1
"$C" --lightness 24 calibrate --apply >"$tmp/out" 2>&1
"$C" --lightness 24 calibrate >"$tmp/out" 2>&1
L=$(sed -n 's/.*lightness \([0-9.]*\) L.*/\1/p' "$tmp/out")
check "--lightness 24 brings the face to about L* 24 ($L)" 'awk -v l="$L" "BEGIN { exit !(l > 22 && l < 26) }"'
"$C" --lightness 60 calibrate >"$tmp/out" 2>&1
check "a lightness the lamps cannot give is named" 'grep -q "at full output" "$tmp/out"'

# one verdict everywhere: a turned head is never calibrated on (its
# cheeks' balance is the pose's, not the lamps'), and nothing is written
rm -f "$tmp/frames/"*.jpg
cp "$SRCDIR/demo/frames/02-ppp-yaw-L1.jpg" "$tmp/frames/"
sum=$(sha256sum <"$tmp/c.conf")
"$C" calibrate --apply >"$tmp/out" 2>&1
check "a turned head: not calibrated on (POSE_YAW), the file untouched" \
	'grep -q "not calibrated on this frame (POSE_YAW)" "$tmp/out" && [ "$(sha256sum <"$tmp/c.conf")" = "$sum" ]'

kill "$pid"; wait "$pid"; rc=$?; pid=
check "the daemon stops cleanly" '[ $rc -eq 0 ]'
echo "it-calibrate: $fails failed"
[ "$fails" -eq 0 ]
