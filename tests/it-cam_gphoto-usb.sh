#!/bin/sh
# it-cam_gphoto-usb.sh — a USB PTP camera emulated by umockdev
# (tests/devices/canon-eos-2000d.umockdev), seen by the gphoto2 command
# and by the station: `gphoto2 --auto-detect` lists it by its ID, and by
# its PTP class alone under an ID libgphoto2 does not know; idphotod,
# configured for the first camera found, finds it, and when another
# program holds the interface (gvfs: USBDEVFS_CLAIMINTERFACE fails with
# EBUSY, emulated by tests/tools/usbmock) says "could not claim the USB
# device" with the fix, in idphotoctl status and in the log, and keeps
# running. Skips when umockdev or gphoto2 is not installed.
# Environment from `make check`: BUILD, SRCDIR.
set -u
D="$BUILD/idphotod" C="$BUILD/idphotoctl" U="$BUILD/tests/tools/usbmock"
DEV="$SRCDIR/tests/devices/canon-eos-2000d.umockdev"
NODE=/dev/bus/usb/001/008 SYS=/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5
fails=0
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
. "$SRCDIR/tests/lib.sh"

for p in umockdev-run gphoto2; do
	if ! command -v $p >/dev/null; then
		echo "SKIP: $p is not installed (make deps)"; exit 0
	fi
done
"$U" >/dev/null 2>&1
if [ $? -eq 77 ]; then echo "SKIP: built without umockdev"; exit 0; fi

export HOME="$tmp"	# libgphoto2's settings
# umockdev-run reads no comments: drop ours
grep -v '^#' "$DEV" >"$tmp/cam.umockdev"
# the same camera under an ID libgphoto2 has no entry for
sed -e 's/A904E132/A904FFFE/' -e 's/32e1/fffe/g' "$tmp/cam.umockdev" \
	>"$tmp/ptp.umockdev"

echo "-- gphoto2 --auto-detect"
timeout 30 umockdev-run --device "$tmp/cam.umockdev" -- gphoto2 --auto-detect \
	>"$tmp/out" 2>&1
check "lists the Canon (04a9:32e1, libgphoto2 names it EOS 1500D) at usb:001,008" \
	'grep -Eq "^Canon EOS 1500D +usb:001,008 *$" "$tmp/out"'
timeout 30 umockdev-run --device "$tmp/ptp.umockdev" -- gphoto2 --auto-detect \
	>"$tmp/out" 2>&1
check "an unknown ID with interface 06/01/01: USB PTP Class Camera" \
	'grep -Eq "^USB PTP Class Camera +usb:001,008 *$" "$tmp/out"'
timeout 30 umockdev-run -- gphoto2 --auto-detect >"$tmp/out" 2>&1
check "no camera plugged: none listed" '[ $(wc -l <"$tmp/out") -eq 2 ]'

echo "-- the station, with gvfs holding the camera"
mkdir -p "$tmp/run"
cat > "$tmp/idphotod.conf" <<CONF
output: { dir = "$tmp/photos"; state_dir = "$tmp/state"; };
station: { socket = "$tmp/run/s.sock"; };
camera: { driver = "gphoto2"; timeout = 5; };
CONF
export IDPHOTOD_SOCKET="$tmp/run/s.sock" IDPHOTOD_LOG_STDERR=1
SRCDIR="$SRCDIR" "$U" -b canon-eos-2000d.umockdev $NODE $SYS -- \
	"$D" -c "$tmp/idphotod.conf" >>"$tmp/log" 2>&1 &
pid=$!
for i in $(seq 100); do
	grep -q "could not claim" "$tmp/log" && break
	sleep 0.1
done
msg="could not claim the USB device: another program holds the camera, usually the desktop's volume monitor. Fix: systemctl --user mask --now gvfs-gphoto2-volume-monitor"
check "the log says it could not claim the camera, and the fix" \
	'grep -F "camera absent: camera: open: $msg" "$tmp/log" | grep -q "(libgphoto2 -53)"'
"$C" status >"$tmp/out" 2>&1
check "idphotoctl status: camera ABSENT, could not claim" \
	'grep -F "camera ABSENT (camera: open: $msg" "$tmp/out" >/dev/null'
check "the station keeps running, idle" '[ "$(state)" = idle ]'
kill $pid; wait $pid 2>/dev/null; pid=
check "and stops when told" 'grep -q "idphotod: stopping" "$tmp/log"'
[ $fails -eq 0 ] || cat "$tmp/log"
exit $((fails > 0))
