#!/bin/sh
# it-hardening.sh — regressions of the bugs an outside fuzzing run found
# (numbered as in the report that listed them), each on the real binaries:
#  1 idle clients filling every slot lock nobody out, and time out;
#  2 a torn journal line does not swallow the next event;
#  3 a huge or negative seq in the journal does not wedge the station;
#  4 a NUL byte (or U+0000 in UTF-16) refuses a roster, naming the line;
#  5 a problem whose message is cut mid-character still stops the import;
#  6 a config the pipeline cannot use (bad id_escape, a 0..0.001 face
#    band) is refused by -n and by a reload, with file:line;
#  7 a 1 MB config is refused unparsed, the station stays responsive;
#  8 check --json names a file whose name is not UTF-8;
#  9 a result line with a NUL byte is the same non-answer for the
#    daemon and for report;
# 10 a request without its final newline before the client closes is
#    answered.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl" PY=/usr/bin/python3
fails=0
. "$SRCDIR/tests/lib.sh"
sim_tmp

ID1=$(mkid 11010519491231002) ID2=$(mkid 44052419900101001)
ID3=$(mkid 32010219950606002)
mkdir -p "$tmp/frames"
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/frames/"
conf() {	# conf EXTRA-PHOTO-SETTINGS
	cat > "$tmp/idphotod.conf" <<CONF
photo: { $1 };
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/idphotod.sock"; };
camera: { driver = "sim"; sim: { dir = "$tmp/frames"; latency_ms = 20; }; };
CONF
}
conf ""
export IDPHOTOD_SOCKET="$tmp/run/idphotod.sock" IDPHOTOD_LOG_STDERR=1
J="$tmp/state/journal.jsonl"
ctl() { "$C" -c "$tmp/idphotod.conf" "$@"; }
crash() { kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=; }
# sock PY-CODE: runs python with s(path) -> a connected socket
sock() {
	timeout 60 "$PY" -c "
import socket, sys, time
def s():
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect('$tmp/run/idphotod.sock')
    return c
def reply(c, t=5):
    c.settimeout(t); b = b''
    while not b.endswith(b'\n'):
        d = c.recv(4096)
        if not d: break
        b += d
    return b.decode()
$1"
}

start
echo "-- 10: a request without its final newline"
out=$(sock "c = s(); c.sendall(b'{\"cmd\": \"status\"}'); c.shutdown(socket.SHUT_WR); print(reply(c))")
check "it is answered" 'echo "$out" | grep -q "\"ok\": *true"'

echo "-- 1: idle clients"
out=$(sock "
cs = [s() for i in range(32)]
time.sleep(0.5)
import subprocess
r = subprocess.run(['$C', 'status'], capture_output=True)
print('status', r.returncode)
print('first', reply(cs[0]).strip())
")
check "32 idle clients: the operator's status still works" 'echo "$out" | grep -q "^status 0"'
check "the longest idle one made room, and was told" \
	'echo "$out" | grep -q "^first.*\"IDLE\""'
out=$(sock "
c = s(); c.sendall(b'{\"cmd\": \"sta'); t = time.time()
r = reply(c, 20)
print('after %.0f s' % (time.time() - t), r.strip())
")
check "half a request is dropped after the idle timeout" \
	'echo "$out" | grep -q "^after 1[0-2] s.*IDLE"'
out=$(sock "c = s(); c.sendall(b'{\"cmd\": \"subscribe\"}\n'); reply(c); c.settimeout(12)
try:
    d = c.recv(4096); print('got', d)
except socket.timeout:
    print('still open')
")
check "a quiet subscriber is kept" 'echo "$out" | grep -q "still open\|got b.{"'

echo "-- 2: a torn journal line"
ctl id "$ID1" >/dev/null
crash
printf '{"event":"arm","id":"1101' >>"$J"
start
ctl id --replace "$ID2" >/dev/null
crash
start
check "the ID armed after the restart is remembered" \
	'"$C" --json status | grep -q "$ID2"'
check "the repair is journalled" 'grep -q "\"journal_repaired\"" "$J"'
check "the fragment ended on its own line" \
	'grep -c "\"event\":\"arm\",\"id\":\"1101\$" "$J" | grep -q 1'

echo "-- 3: a huge or negative seq in the journal"
for seq in 4294967295 -1 9223372036854775807; do
	crash
	printf '{"event":"shoot","id":"%s","seq":%s}\n' "$ID3" "$seq" >>"$J"
	start
	st=$(state)
	check "seq $seq: the station is not left capturing ($st)" '[ "$st" != capturing ]'
	ctl id --replace "$ID3" >/dev/null 2>&1
	"$C" shoot >/dev/null 2>&1
	wait_state accepted rejected >/dev/null
	check "seq $seq: the next shot gets its result" \
		'[ "$(state)" = accepted ] || [ "$(state)" = rejected ]'
done
check "no graduate's frame went to archive/unassigned" '[ ! -d "$tmp/state/archive/unassigned" ]'

echo "-- 9: a result line with a NUL byte"
accepted() { "$C" --json status | json counts accepted; }
n=$(accepted)
crash
ID4=$(mkid 11010519800101001)
printf '{"event":"result","id":"%s","seq":7,"outcome":"pass"}\000,"output":"x"}\n' "$ID4" >>"$J"
start
check "the daemon does not count it accepted ($n, then $(accepted))" '[ "$(accepted)" = "$n" ]'
printf 'id,name\n%s,Zhang San\n' "$ID4" >"$tmp/one.csv"
ctl roster import "$tmp/one.csv" >/dev/null 2>&1
st=$(ctl --json report 2>/dev/null | "$PY" -c 'import json, sys
r = json.load(sys.stdin); print([e["status"] for e in r["entries"]][0])')
check "nor does report ($st)" '[ "$st" = missing ]'

echo "-- 6, 7: configs that every shot would fail on"
cp "$tmp/idphotod.conf" "$tmp/good.conf"
conf 'id_escape = "([";'
"$D" -n -c "$tmp/idphotod.conf" >"$tmp/out" 2>&1
check "-n refuses id_escape \"([\" with file:line" \
	'[ $? -ne 0 ] && grep -q "idphotod.conf:1: photo.id_escape" "$tmp/out"'
ctl reload >"$tmp/out" 2>&1
check "a reload refuses it with file:line" 'grep -q "idphotod.conf:1" "$tmp/out"'
conf 'geometry: { face_width = { min = 0.0; max = 0.001; target = 0.0; }; };'
"$D" -n -c "$tmp/idphotod.conf" >"$tmp/out" 2>&1
check "-n refuses a 0..0.001 face band with file:line" \
	'[ $? -ne 0 ] && grep -q "idphotod.conf:1: photo.geometry.face_width" "$tmp/out"'
ctl reload >/dev/null 2>&1
"$PY" -c "print('photo: { id_escape = \"' + 'a' * (1 << 20) + '\"; };')" >"$tmp/idphotod.conf"
ctl reload >"$tmp/out" 2>&1
check "a reload refuses a 1 MB config unparsed" 'grep -q "at most 65536" "$tmp/out"'
cp "$tmp/good.conf" "$tmp/idphotod.conf"
ctl id --replace "$ID1" >/dev/null 2>&1
"$C" shoot >/dev/null 2>&1
wait_state accepted rejected >/dev/null
check "the old config stayed: an ID is taken and a shot accepted" '[ "$(state)" = accepted ]'
stop

echo "-- 4: a NUL byte in a roster"
printf 'id,name\n%s,A\n%s,B\000\n%s,C\n' "$ID1" "$ID2" "$ID3" >"$tmp/nul.csv"
ctl roster import "$tmp/nul.csv" >"$tmp/out" 2>&1
check "UTF-8: refused, naming line 3" '[ $? -ne 0 ] && grep -q "line 3" "$tmp/out"'
printf 'id,name\n%s,A\n%s,\000B\n%s,C\n' "$ID1" "$ID2" "$ID3" | "$PY" -c '
import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode().encode("utf-16"))' >"$tmp/nul16.csv"
ctl roster import "$tmp/nul16.csv" >"$tmp/out" 2>&1
check "UTF-16 U+0000: refused, naming line 3" '[ $? -ne 0 ] && grep -q "line 3" "$tmp/out"'

echo "-- 5: problems cut mid-character"
long=$("$PY" -c 'print("A" + "张" * 400)')
printf 'id,name\n%s,A\n%s,%s\n%s,%s\n' "$ID1" "$ID2" "$long" "$ID3" "$long" >"$tmp/same.csv"
ctl roster import "$tmp/same.csv" >"$tmp/out" 2>&1
check "a 1.2 KB name under two IDs is refused" '[ $? -ne 0 ] && grep -q "1 problem" "$tmp/out"'
printf 'id,name\n%s,A\n%s,B\n%s,C\n' "$ID1" "$("$PY" -c 'print("1.1E+17" + "号" * 100)')" "$ID3" >"$tmp/badid.csv"
ctl roster import "$tmp/badid.csv" >"$tmp/out" 2>&1
check "a 307-byte ID cut mid-character in its message is a problem" \
	'[ $? -ne 0 ] && grep -q "1 problem" "$tmp/out"'

echo "-- 8: check --json and a file name that is not UTF-8"
mkdir -p "$tmp/chk"
cp "$SRCDIR/demo/frames/01-ppp-008.jpg" "$tmp/chk/$(printf 'caf\351.jpg')"
f=$("$C" check --json "$tmp/chk" | "$PY" -c 'import json, sys
print(json.loads(sys.stdin.readline()).get("file", "NONE"))')
check "the file is named, escaped ($f)" '[ "$f" = "$tmp/chk/caf\\xe9.jpg" ]'

[ $fails -eq 0 ] && echo "it-hardening: all ok" || echo "it-hardening: $fails failed"
[ $fails -eq 0 ]
