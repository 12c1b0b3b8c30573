# lib.sh — what the integration scripts tests/it-*.sh share; sourced
# (. "$SRCDIR/tests/lib.sh"). The caller sets fails=0 first.

ok()  { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
# check DESC SHELL-CONDITION
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# expect RC DESC CMD...: runs CMD (output to $tmp/out, $tmp/err),
# checks its exit status
expect() {
	want=$1 desc=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"
	else bad "$desc: exit $got, wanted $want"; sed 's/^/       /' "$tmp/out" "$tmp/err"; fi
}
# has FILE PATTERN DESC: FILE holds PATTERN (grep)
has() {
	if grep -q -- "$2" "$1"; then ok "$3"; else bad "$3: no '$2' in:"; sed 's/^/       /' "$1"; fi
}

# a valid ID (ISO 7064 MOD 11-2) from 17 digits
mkid() {
	echo "$1" | awk '{ split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ");
		s = 0; for (k = 1; k <= 17; k++) s += substr($0, k, 1) * w[k];
		printf "%s%s\n", $0, substr("10X98765432", s % 11 + 1, 1) }'
}

# The station's scripts: sim_tmp makes the temporary folder $tmp (with
# run/ for the socket; no daemon yet, pid empty) and removes it on exit
# after sim_cleanup kills the daemon in $pid; a script with more to clean
# up traps its own function after sim_tmp, ending with sim_cleanup.
sim_tmp() {
	tmp=$(mktemp -d)
	pid=
	mkdir -p "$tmp/run"
	trap sim_cleanup EXIT
}
sim_cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
# sim_conf FRAMES [SIM-SETTINGS]: $tmp/idphotod.conf for a simulated
# station (camera serving the frames of the folder FRAMES, lamps and the
# pedal FIFO $tmp/pedal, photos and state under $tmp), and the socket
# exported for idphotoctl; SIM-SETTINGS go into camera.sim.
sim_conf() {
	cat > "$tmp/idphotod.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/idphotod.sock"; };
camera: { driver = "sim"; sim: { dir = "$1"; latency_ms = 20;${2:+ $2} }; };
pedal: { device = "$tmp/pedal"; };
lighting: { driver = "sim"; device = "$tmp/dmx"; };
CONF
	export IDPHOTOD_SOCKET="$tmp/run/idphotod.sock" IDPHOTOD_LOG_STDERR=1
}
# stop: SIGTERM to the daemon, and waits for it
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }

# The daemon: start runs $D with $tmp/idphotod.conf (log in $tmp/log,
# pid in $pid) and waits for its socket; state prints the station's
# state; wait_state STATE... waits up to 20 s for one of them. The
# caller sets D, C, tmp and IDPHOTOD_SOCKET.
start() {
	"$D" -c "$tmp/idphotod.conf" >>"$tmp/log" 2>&1 &
	pid=$!
	for i in $(seq 50); do
		"$C" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	bad "the daemon did not come up"; cat "$tmp/log"; exit 1
}
state() { "$C" --json status | json state; }
# json KEY...: the value at that path of the JSON object on stdin
json() {
	/usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v.get(k, "") if isinstance(v, dict) else ""
print(str(v).lower() if isinstance(v, bool) else v)' "$@"
}
# wait_state STATE...: up to 20 s for the station to reach one of them
wait_state() {
	for i in $(seq 200); do
		s=$(state)
		for w in "$@"; do [ "$s" = "$w" ] && return 0; done
		sleep 0.1
	done
	echo "       (state is $s, wanted $*)"
	return 1
}
