#!/bin/sh
# Every fuzz target, built with the project's compiler against
# tests/fuzz/replay.c, replayed over its committed corpus
# (tests/fuzz/corpus/<target>/: seeds and the reproducers of bugs fuzzing
# found), and the JPEG targets also over the bad files of the test data.
# A target aborts on a broken invariant, so a reproducer whose bug comes
# back fails here. Needs BUILD, SRCDIR (and TESTDATA, CASCADES) from make.
set -u
: "${BUILD:?}" "${SRCDIR:?}"
fail=0; n=0
for bin in "$BUILD"/tests/fuzz/*-replay; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin" -replay)
	set --
	[ -d "$SRCDIR/tests/fuzz/corpus/$t" ] && set -- "$SRCDIR/tests/fuzz/corpus/$t"
	case "$t" in
	fuzz_jpeg_*|fuzz_pipeline|fuzz_check_file)
		set -- "$@" "$SRCDIR/tests/fuzz/corpus/jpeg"
		[ -d "${TESTDATA:-}/bad-files" ] && set -- "$@" "$TESTDATA/bad-files";;
	esac
	[ $# -gt 0 ] || { echo "not ok $t: no corpus"; fail=1; continue; }
	n=$((n + 1))
	if out=$(timeout 300 "$bin" "$@" 2>&1); then
		echo "ok $t: $(echo "$out" | tail -1 | sed 's/.*: //')"
	else
		echo "not ok $t"; echo "$out" | tail -20; fail=1
	fi
done
[ $n -gt 0 ] || { echo "not ok: no replay binaries in $BUILD/tests/fuzz"; exit 1; }
exit $fail
