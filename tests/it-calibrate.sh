#!/bin/sh
# it-calibrate.sh — `idphotoctl calibrate` against the real daemon on the
# simulated rig: the simulated camera relights its frame by the lamp
# levels (camera.sim.lamps), with the right lamp giving only 60 % of the
# left one's light. Calibration evens the light where the lamps must light
# evenly, the backdrop beside the subject (R-BG-1, bg.balance: left third
# of the photo against the right third), so the weak right lamp must go up
# relative to the left. The loop must bring that balance within tolerance
# in a few shots, write the levels into the config file without touching
# its comments, and the lamps (the recorded DMX frames) must follow. A run
# without --apply changes nothing, and a frame with a turned head is
# refused. Then the demo rig (lamp_right = 0.7), uncalibrated at 0.8/0.8:
# its shot is refused for the background's gradient; repeated --apply
# runs move the right lamp up, the imbalance shrinks at every run and ends
# within tolerance, and the next shot is accepted.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp

mkdir -p "$tmp/frames"
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
check "calibrate without --apply measures the backdrop and proposes a diff" \
	'grep -q "calibration shot (backdrop)" "$tmp/out" && grep -q "^-10: .*level = 0.8;" "$tmp/out" && grep -q "^+10: .*level = 0.6" "$tmp/out"'
# the weak right lamp leaves the right of the backdrop the darker (balance
# > 1): the right lamp must go up relative to the left (a face's cheeks
# said the opposite on this frame: its left cheek is the darker one)
b=$(sed -n 's/.*balance \([0-9.]*\).*/\1/p' "$tmp/out")
pl=$(awk '$1 == "key" { print $4 }' "$tmp/out"); pr=$(awk '$1 == "fill" { print $4 }' "$tmp/out")
check "balance $b > 1: the right lamp goes up relative to the left ($pl : $pr)" \
	'awk -v b="$b" -v l="$pl" -v r="$pr" "BEGIN { exit !(b > 1 && r / l > 1) }"'
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
check "the right lamp got a level of its own" 'grep -q "{ level = [01]\.[0-9]*; name = \"fill\"" "$tmp/c.conf"'
right=$(sed -n 's/.*{ level = \([0-9.]*\); name = "fill".*/\1/p' "$tmp/c.conf")
left=$(sed -n 's/^ *level = \([0-9.]*\);.*set by hand.*/\1/p' "$tmp/c.conf")
check "the right lamp ends above the left ($left : $right)" \
	'awk -v l="$left" -v r="$right" "BEGIN { exit !(r > l) }"'
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

# The demo rig (demo/run-demo's lamps: the right one gives 70 % of the
# left one's light), uncalibrated at 0.8 / 0.8.
rm -f "$tmp/frames/"*.jpg
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/frames/"
rm -rf "$tmp/state" "$tmp/photos"
cat > "$tmp/d.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "sim"; sim: { dir = "$tmp/frames"; latency_ms = 0;
  lamps = true; lamp_right = 0.7; }; };
lighting: {
  driver = "sim"; device = "$tmp/dmx";
  lamps = (
    { name = "left"; position = "left"; address = 1; level = 0.8; fade_ms = 50; },
    { name = "right"; position = "right"; address = 4; level = 0.8; fade_ms = 50; }
  );
};
CONF
"$D" -c "$tmp/d.conf" 2>>"$tmp/log" &
pid=$!
for i in $(seq 50); do "$C" status >/dev/null 2>&1 && break; sleep 0.1; done
ID=$(mkid 11010519491231002)
# shot STATE...: an ID, the pedal, the verdict
shot() { "$C" id --replace "$ID" >/dev/null 2>&1; "$C" shoot >/dev/null; wait_state "$@" >/dev/null; }
shot accepted rejected
check "uncalibrated (0.8 / 0.8): the shot is refused for the background (BG_GRADIENT)" \
	'[ "$(state)" = rejected ] && "$C" --json status | grep -q "\"BG_GRADIENT\""'
prev=; ratio=$(awk 'BEGIN { print 1 }'); shots=0; worse=0
for i in 1 2 3 4 5 6; do
	shots=$i
	"$C" -c "$tmp/d.conf" calibrate --apply >"$tmp/out" 2>&1 || { bad "calibrate --apply failed"; cat "$tmp/out"; break; }
	b=$(sed -n 's/.*balance \([0-9.]*\).*/\1/p' "$tmp/out")
	l0=$(awk '$1 == "left" { print $3 }' "$tmp/out"); l1=$(awk '$1 == "left" { print $4 }' "$tmp/out")
	r0=$(awk '$1 == "right" { print $3 }' "$tmp/out"); r1=$(awk '$1 == "right" { print $4 }' "$tmp/out")
	echo "       run $i: $(sed -n 1p "$tmp/out" | sed 's/ (left.right light)//'); left $l0 -> $l1, right $r0 -> $r1"
	# the imbalance |log b| shrinks at every run, and the right lamp never
	# goes down relative to the left
	awk -v b="$b" -v p="${prev:-0}" -v l0="$l0" -v l1="$l1" -v r0="$r0" -v r1="$r1" \
	    'BEGIN { e = b > 1 ? b : 1 / b; q = p > 1 ? p : 1 / p;
	      exit !((p == 0 || e < q) && r1 / l1 >= r0 / l0 - 1e-9) }' || worse=$((worse + 1))
	prev=$b
	grep -q "balanced: nothing to change" "$tmp/out" && break
done
check "demo rig: the imbalance shrinks at every run and the right lamp goes up ($shots runs)" \
	'[ $worse -eq 0 ] && awk -v l="$l1" -v r="$r1" "BEGIN { exit !(r > l) }"'
check "demo rig: balanced within 3 % after $shots runs ($b)" \
	'[ $shots -le 4 ] && grep -q "balanced" "$tmp/out" && awk -v b="$b" "BEGIN { exit !(b > 0.97 && b < 1.03) }"'
shot accepted rejected
check "demo rig, calibrated ($l1 / $r1): the next shot is accepted" '[ "$(state)" = accepted ]'
kill "$pid"; wait "$pid"; rc=$?; pid=
check "the daemon stops cleanly" '[ $rc -eq 0 ]'
echo "it-calibrate: $fails failed"
[ "$fails" -eq 0 ]
