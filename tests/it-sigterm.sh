#!/bin/sh
# it-sigterm.sh — SIGTERM must never lose a frame (issue: a SIGTERM while
# a shot was in flight freed the worker before the frame reached it: a
# use-after-free, or a release build deadlocked for good). Three cases on
# the simulated camera: SIGTERM while the camera takes the shot (latency
# 1.5 s), while the frame is being processed (held 3 s by the simulated
# camera's fault injection, camera.sim.hold_ms), and SIGHUP + SIGTERM
# together while a shot is in flight (a reload). Each must end with: exit
# 0 in bounded time, the camera original archived, the journal holding a
# result or an "interrupted" mark for the shot, and after a restart the
# ID armed again (or accepted). Run by `make check` on the normal build
# and again on the AddressSanitizer build (BUILD=build-asan), where any
# sanitizer report in the daemon's log fails the test.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
fails=0
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

. "$SRCDIR/tests/lib.sh"

mkdir -p "$tmp/run"
export IDPHOTOD_SOCKET="$tmp/run/idphotod.sock" IDPHOTOD_LOG_STDERR=1
# the sanitizers: every report is fatal and fails the case
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:exitcode=99:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=99"

conf() {	# conf LATENCY_MS HOLD_MS
	cat > "$tmp/idphotod.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/idphotod.sock"; };
camera: { driver = "sim"; sim: { dir = "$SRCDIR/demo/frames";
  latency_ms = $1; }; };
CONF
}
# stop SIGNALS...: sends them, then waits up to 30 s for the exit; the
# exit status in $rc (255: still running after 30 s, then killed)
stop() {
	for s in "$@"; do kill -"$s" "$pid"; done
	for i in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"; wait "$pid" 2>/dev/null; rc=255
	else
		wait "$pid"; rc=$?
	fi
	pid=
}
sanitizer_clean() { ! grep -q "Sanitizer\|runtime error:" "$tmp/log"; }

# case NAME ID LATENCY HOLD WAIT_STATE SIGNALS...
case_() {
	name=$1 id=$2 lat=$3 hold=$4 waitfor=$5; shift 5
	rm -rf "$tmp/state" "$tmp/photos"; : >"$tmp/log"
	conf "$lat" "$hold"
	start
	"$C" id "$id" >/dev/null
	"$C" shoot >/dev/null
	wait_state "$waitfor" >/dev/null || bad "$name: never $waitfor"
	sleep 0.2
	stop "$@"
	check "$name: exits 0, in time (status $rc)" '[ $rc -eq 0 ]'
	check "$name: no sanitizer report" sanitizer_clean
	check "$name: the camera original is archived" \
		'[ -n "$(ls "$tmp/state/archive/$id/" 2>/dev/null)" ]'
	check "$name: the journal has the shot's result or an interrupted mark" \
		'grep "\"id\":\"$id\"" "$tmp/state/journal.jsonl" |
		    grep -q "\"event\":\"result\"\|\"event\":\"interrupted\""'
	check "$name: every journal line is whole JSON" \
		'/usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/state/journal.jsonl"'
	conf 0 0
	start
	check "$name: after a restart the ID is armed again (or accepted)" \
		'[ "$("$C" --json status | json id)" = "$id" ] &&
		    case "$(state)" in armed|accepted) true;; *) false;; esac'
	stop TERM
	check "$name: the restarted daemon exits 0 too" '[ $rc -eq 0 ] && sanitizer_clean'
	[ $fails -eq 0 ] || { echo "--- daemon log"; cat "$tmp/log"; }
}

case_ "SIGTERM during capture" "$(mkid 11010519491231001)" 1500 0 capturing TERM
case_ "SIGTERM during processing" "$(mkid 11010519491231002)" 0 3000 processing TERM
case_ "SIGHUP+SIGTERM (a reload) during capture" "$(mkid 11010519491231003)" \
	1500 0 capturing HUP TERM

echo "it-sigterm: $fails failed"
[ $fails -eq 0 ]
