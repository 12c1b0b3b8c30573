#!/bin/sh
# it-notify.sh — the daemon's sd_notify protocol, as systemd sees it under
# Type=notify: a datagram socket stands in for the manager
# ($NOTIFY_SOCKET), with the watchdog armed ($WATCHDOG_USEC, $WATCHDOG_PID).
# Expected: READY=1 with a STATUS line, WATCHDOG=1 pings at half the
# interval, STATUS following the station's state, RELOADING=1 then
# READY=1 on SIGHUP, and STOPPING=1 on SIGTERM.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
tmp=$(mktemp -d)
pid= lpid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -n "$lpid" ] && kill $lpid 2>/dev/null; rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

/usr/bin/python3 - "$tmp/notify" "$tmp/msgs" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w") as out:
    t0 = time.monotonic()
    while True:
        m = s.recv(4096).decode()
        out.write("%.3f %s\n" % (time.monotonic() - t0, m.replace("\n", " | ")))
        out.flush()
PY
lpid=$!
for i in $(seq 50); do [ -S "$tmp/notify" ] && break; sleep 0.1; done

mkdir -p "$tmp/run"
cat > "$tmp/c.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "sim"; sim: { dir = "$SRCDIR/demo/frames"; latency_ms = 0; }; };
lighting: { driver = "sim"; };
CONF
export IDPHOTOD_SOCKET="$tmp/run/s.sock"
: >"$tmp/log"	# systemd names the stream it gives as stderr: dev:inode
NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=400000 \
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/log") sh -c \
	'export WATCHDOG_PID=$$; exec "$0" -c "$1"' "$D" "$tmp/c.conf" 2>>"$tmp/log" &
pid=$!
for i in $(seq 50); do "$C" status >/dev/null 2>&1 && break; sleep 0.1; done
"$C" id 11010519491231002X >/dev/null
sleep 1.2
kill -HUP $pid; sleep 0.3
kill $pid; wait $pid; rc=$?; pid=
sleep 0.2

check "READY=1 with the station's STATUS" 'grep -q "READY=1 | STATUS=idle" "$tmp/msgs"'
n=$(grep -c "WATCHDOG=1" "$tmp/msgs")
check "WATCHDOG=1 pings at half of 400 ms ($n in about 1.5 s)" '[ "$n" -ge 4 ]'
check "STATUS follows the state (armed, ID masked)" 'grep -q "STATUS=armed 110105\*\*\*\*\*\*\*\*002X" "$tmp/msgs"'
check "STATUS has the camera's state" 'grep -q "STATUS=armed [0-9*X]*; camera connected;" "$tmp/msgs"'
check "STATUS says the station is simulated" \
	'grep -q "STATUS=idle;.*; SIMULATED camera, lamps\$" "$tmp/msgs"'
check "so does the log at start" 'grep -q "SIMULATED camera, lamps:" "$tmp/log"'
check "SIGHUP: RELOADING=1 then READY=1" 'grep -A1 "RELOADING=1" "$tmp/msgs" | grep -q "READY=1"'
check "SIGTERM: STOPPING=1, exit 0" 'grep -q "STOPPING=1" "$tmp/msgs" && [ $rc -eq 0 ]'
check "under systemd the log lines carry priorities (<6> info)" 'grep -q "^<6>" "$tmp/log"'
check "and mask the ID" '! grep -q 11010519491231002X "$tmp/log"'
echo "it-notify: $fails failed"
[ "$fails" -eq 0 ]
