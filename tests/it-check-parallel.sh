#!/bin/sh
# it-check-parallel.sh — idphotoctl check of a set on one worker per
# processor (ctl/check.c) prints exactly what one file after the other
# prints: the same lines in the same order (files given one by one and
# folders in name order, skipped files among them, an unreadable folder
# in its place), the same summary and exit status, with and without
# --verbose and --json. The one-at-a-time run is the same program held
# to one processor (taskset), where check does not start workers.
# Environment from `make check`: BUILD, SRCDIR, TESTDATA.
set -u
C="$BUILD/idphotoctl"
T="${TESTDATA:-../shared/testdata}"
fails=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

if [ ! -d "$T/portraits" ] || [ ! -d "$T/devset" ]; then
	echo "SKIP: $T (the shared test photos) is not there"
	exit 0
fi
if ! command -v taskset >/dev/null 2>&1; then
	echo "SKIP: no taskset(1) to hold check to one processor"
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "SKIP: one processor only; the parallel check is not started"
	exit 0
fi
export LANGUAGE=en
f="$tmp/set"
mkdir -p "$f/versions"
i=10
for p in "$SRCDIR"/demo/frames/*.jpg "$T"/devset/london-blue-00*.jpg; do
	[ -f "$p" ] || continue
	# finished photos, and camera frames that fail as finished photos
	"$C" process -q --id 11010519491231002X -o "$tmp/o$i" "$p" \
	    >/dev/null 2>&1 && cp "$tmp/o$i/11010519491231002X.jpg" \
	    "$f/out-$i.jpg"
	cp "$p" "$f/frame-$i.jpg"
	i=$((i + 1))
done
printf 'id,name\n' >"$f/list.csv"
cp "$f/frame-10.jpg" "$f/versions/"
n=$(ls "$f"/*.jpg | wc -l)
check "a set of photos to check ($n)" '[ "$n" -ge 8 ]'
one="$f/frame-11.jpg"

for opt in "" --verbose --json -q; do
	taskset -c 0 "$C" check $opt "$one" "$f" "$tmp/none" "$f/list.csv" \
	    >"$tmp/serial" 2>&1
	rs=$?
	"$C" check $opt "$one" "$f" "$tmp/none" "$f/list.csv" \
	    >"$tmp/parallel" 2>&1
	rp=$?
	check "check $opt: the same exit status ($rs, $rp)" '[ $rs -eq $rp ]'
	check "check $opt: the same output, line for line" \
	    'cmp -s "$tmp/serial" "$tmp/parallel"'
	[ "$opt" = -q ] || check "check $opt: a line for every file" \
	    '[ "$(wc -l <"$tmp/parallel")" -ge "$n" ]'
done
echo "it-check-parallel: $fails failed"
[ "$fails" -eq 0 ]
