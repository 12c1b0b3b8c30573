#!/bin/sh
# it-link.sh — one program per folder: each program links only its own
# library and the shared ones (Makefile: DAEMON_LIBS, CTL_LIBS). Checked
# on the binaries with nm (their global symbols): idphotod has no report, export, purge, roster
# import or CSV code, idphotoctl no station, camera thread, worker,
# control socket or queue.
# Environment from `make check`: BUILD.
set -u
fails=0
ok()  { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
# none BINARY PATTERN DESC: no defined symbol of BINARY matches PATTERN
none() {
	syms=$(nm --defined-only --extern-only "$1" | awk '{ print $3 }' | grep -E "$2")
	if [ -z "$syms" ]; then ok "$3"; else bad "$3:" $syms; fi
}
# some BINARY PATTERN DESC: the check can fail: the pattern finds these
some() {
	if nm --defined-only --extern-only "$1" | awk '{ print $3 }' | grep -qE "$2"; then
		ok "$3"; else bad "$3"; fi
}
command -v nm >/dev/null || { echo "  SKIP it-link: no nm"; exit 0; }
D="$BUILD/idphotod" C="$BUILD/idphotoctl"
none "$D" '^(ctl_|csv_)' "idphotod: no idphotoctl code (report, export, purge, roster import, CSV)"
none "$C" '^(station_|st_|camthread_|worker_|control_|queue_|msg_)' \
	"idphotoctl: no daemon code (station, camera thread, worker, control socket, queues)"
some "$D" '^station_request$' "idphotod has the station (the check sees symbols)"
some "$C" '^ctl_report$' "idphotoctl has the report"
some "$D" '^store_journal_append$' "idphotod has the shared store"
some "$C" '^store_journal_replay$' "idphotoctl has the shared store"
echo "it-link: $fails failed"
[ $fails -eq 0 ]
