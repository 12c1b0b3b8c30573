#!/bin/sh
# The validator's verdicts on real photos with known verdicts
# (tests/tools/accuracy.c): the devset and the labelled shared photos,
# against the ratchet tests/accuracy-ratchet. A photo that was right when
# the ratchet was last tightened and is wrong now fails the test. This is
# a measurement of verdicts, not of time. Skips without the test data.
: "${BUILD:=build}" "${SRCDIR:=.}" "${TESTDATA:=$SRCDIR/../shared/testdata}"
if [ ! -f "$TESTDATA/devset/expect.tsv" ]; then
	echo "it-accuracy: skipped: no $TESTDATA/devset (the shared test data)"
	exit 0
fi
exec timeout 600 "$BUILD/tests/tools/accuracy" \
	--ratchet "$SRCDIR/tests/accuracy-ratchet" \
	devset:"$TESTDATA/devset/expect.tsv":"$TESTDATA/devset" \
	shared:"$SRCDIR/tests/accuracy-shared.tsv":"$TESTDATA"
