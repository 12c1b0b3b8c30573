#!/bin/sh
# it-install.sh — make install and make uninstall into a DESTDIR: every
# piece lands where the build says it looks (the catalogue where the
# LOCALEDIR compiled in points), the config is the real camera's, the
# demo frames are not installed, and uninstall leaves no file behind
# (an edited config excepted: the studio's calibration stays).
# Environment from `make check`: BUILD, SRCDIR.
set -u
fails=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

if [ "$(cd "$SRCDIR" && pwd -P)/build" != "$(cd "$BUILD" && pwd -P)" ]; then
	echo "SKIP: BUILD is not \$SRCDIR/build (make install builds there)"
	exit 0
fi
d="$tmp/root"
mk() { make -s -C "$SRCDIR" --no-print-directory DESTDIR="$d" "$@" >>"$tmp/log" 2>&1; }
paths() { make -s -C "$SRCDIR" --no-print-directory print-install-paths; }

check "make install into a DESTDIR" 'mk install'
eval "$(paths)"		# BINDIR SBINDIR LOCALEDIR SYSCONFDIR ...
check "idphotod in SBINDIR" '[ -x "$d$SBINDIR/idphotod" ]'
check "idphotoctl in BINDIR" '[ -x "$d$BINDIR/idphotoctl" ]'
mo="$d$LOCALEDIR/zh_CN/LC_MESSAGES/idphotod.mo"
check "the zh_CN catalogue under LOCALEDIR ($LOCALEDIR)" '[ -f "$mo" ]'
check "the LOCALEDIR compiled into idphotoctl is that one" \
	'grep -a -q -F "$LOCALEDIR" "$BUILD/idphotoctl"'
check "the unit, udev rules, sysusers, tmpfiles" '[ -f "$d$SYSTEMDDIR/idphotod.service" ] &&
	[ -f "$d$UDEVDIR/70-idphotod.rules" ] && [ -f "$d$SYSUSERSDIR/idphotod.conf" ] &&
	[ -f "$d$TMPFILESDIR/idphotod.conf" ]'
check "the unit runs the installed idphotod" \
	'grep -q "^ExecStart=$SBINDIR/idphotod -c $SYSCONFDIR/idphotod/idphotod.conf\$" "$d$SYSTEMDDIR/idphotod.service"'
conf="$d$SYSCONFDIR/idphotod/idphotod.conf"
check "the installed config shoots the real camera and lamps" \
	'grep -q "^  driver = \"gphoto2\";" "$conf" && grep -q "^  driver = \"enttec\";" "$conf"'
check "idphotod -n: the installed config is OK and not simulated" \
	'"$BUILD/idphotod" -n -c "$conf" >"$tmp/n" 2>&1 && grep -q "configuration OK" "$tmp/n" &&
	! grep -q SIMULATED "$tmp/n"'
check "no demo frames installed" '! find "$d" -name "*.jpg" | grep -q .'
check "the man pages name the project in their footer" \
	'grep -q "^\.Os idphotod [0-9]" "$d$MANDIR/man8/idphotod.8"'
# the DMX interfaces share their USB IDs (any FTDI 0403:6001 cable, the
# USBasp on 16c0:05dc): no rule may match them by ID alone
rules="$d$UDEVDIR/70-idphotod.rules"
loose=$(grep -v '^#' "$rules" | grep -E '"0403"|"16c0"' | grep -v -E 'product\}=="\*(DMX USB PRO|uDMX)\*"')
check "udev: the Enttec and the uDMX only by their strings${loose:+: $loose}" '[ -z "$loose" ] &&
	grep -q "ATTRS{product}==\"\*DMX USB PRO\*\".*dmx-enttec-pro" "$rules" &&
	grep "\"16c0\"" "$rules" | grep -q "manufacturer}==\"\*www.anyma.ch\*\""'
echo "# the studio's edit" >>"$conf"
check "a second install keeps an edited config" \
	'mk install && grep -q "studio.s edit" "$conf"'

check "make uninstall" 'mk uninstall'
check "uninstall keeps the edited config" '[ -f "$conf" ]'
rm -f "$conf"
left=$(find "$d" ! -type d)
check "uninstall leaves no other file${left:+: $left}" '[ -z "$left" ]'
mk install && mk uninstall
check "an unedited config goes with uninstall" '[ ! -e "$conf" ] && [ ! -d "${conf%/*}" ]'
[ "$fails" -eq 0 ] || sed 's/^/       /' "$tmp/log"
echo "it-install: $fails failed"
[ "$fails" -eq 0 ]
