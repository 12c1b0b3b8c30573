#!/usr/bin/python3
"""pedal.py FRAMES_DIR [N]: pedal to verdict on the demo station.

Starts idphotod on the simulated hardware (the camera serving FRAMES_DIR
with no latency, the lamps on the simulated DMX sink, the pedal a FIFO),
keys in an ID, and N times (default 5) writes a pedal press to the FIFO
and waits for the station's "result" event on a subscribed control
connection. Prints each time and the median; the time covers the pedal's
debounce, the lamps brought to their shooting levels, the capture, the
whole pipeline, the atomic save and the journal. Environment: BUILD,
SRCDIR.
"""
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ID = "11010519491231002X"


def press(fifo):
    t = time.time()
    sec = int(t)
    ev = b""
    for dt, typ, code, val in ((0, 1, 48, 1), (0, 0, 0, 0), (0.1, 1, 48, 0),
                               (0.1, 0, 0, 0)):
        ev += struct.pack("llHHi", sec, int((t + dt - sec) * 1e6) % 1000000,
                          typ, code, val)
    with open(fifo, "wb") as f:
        f.write(ev)


def request(sock_path, req):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall((json.dumps(req) + "\n").encode())
    line = s.makefile().readline()
    s.close()
    return json.loads(line)


def main():
    build = os.environ.get("BUILD", "build")
    frames = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "idphotod.sock")
        fifo = os.path.join(tmp, "pedal")
        os.mkfifo(fifo)
        conf = os.path.join(tmp, "idphotod.conf")
        with open(conf, "w") as f:
            f.write("""output: { dir = "%s/photos"; state_dir = "%s/state"; };
station: { socket = "%s"; };
camera: { driver = "sim"; sim: { dir = "%s"; latency_ms = 0; }; };
pedal: { device = "%s"; };
lighting: { driver = "sim"; device = "%s/dmx"; lamps = (
  { name = "left"; position = "left"; address = 1; level = 0.8; },
  { name = "right"; position = "right"; address = 4; level = 0.8; } ); };
""" % (tmp, tmp, sock, os.path.abspath(frames), fifo, tmp))
        d = subprocess.Popen([os.path.join(build, "idphotod"), "-c", conf],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            sub = socket.socket(socket.AF_UNIX)
            sub.connect(sock)
            sub.sendall(b'{"cmd": "subscribe"}\n')
            rd = sub.makefile()
            times = []
            outcome = ""
            for i in range(n):
                r = request(sock, {"cmd": "id", "id": ID, "replace": True})
                if not r.get("ok"):
                    print("pedal: id refused: %s" % r)
                    return 1
                time.sleep(0.3)	# the lamps settle at standby
                t0 = time.monotonic()
                press(fifo)
                while True:
                    line = rd.readline()
                    if not line:
                        print("pedal: the daemon went away")
                        return 1
                    ev = json.loads(line)
                    if ev.get("event") == "result":
                        break
                times.append(time.monotonic() - t0)
                outcome = ev.get("outcome", "")
            print("pedal-to-verdict %.0f ms (median of %d: %s; %s)" % (
                1000 * statistics.median(times), n,
                " ".join("%.0f" % (1000 * t) for t in times), outcome))
        finally:
            d.terminate()
            d.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
