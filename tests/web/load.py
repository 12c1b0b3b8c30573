# load.py — 20 tabs at once and 1000 events in a burst, three times: the
# page keeps up (every tab sees every event and ends showing the state
# the station is in), the raw event streams too, a stream that does not
# read is cut off instead of growing the daemon, and the daemons' memory
# stays flat. Prints the figures.
import os, socket, threading, time
from common import *
from browser import *

URL = os.environ["WEB_URL"]
ID4 = os.environ["ID4"]
TABS, STREAMS, BURST = 20, 20, 1000
h, p = hostport(URL)


class Stream(threading.Thread):
    """A raw /events reader counting the state events it gets."""

    def __init__(self, cookie, read=True, url=URL):
        super().__init__(daemon=True)
        h, p = hostport(url)
        self.k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if not read:
            self.k.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.k.connect((h, p))
        self.k.sendall(("GET /events HTTP/1.1\r\nHost: %s:%d\r\nCookie: %s\r\n"
                        "Accept: text/event-stream\r\n\r\n" % (h, p, cookie)).encode())
        self.states = 0
        self.bytes = 0
        self.read = read
        self.buf = b""

    def run(self):
        if not self.read:
            return
        while True:
            try:
                d = self.k.recv(65536)
            except OSError:
                return
            if not d:
                return
            self.buf += d
            self.bytes += len(d)
            while b"\n\n" in self.buf:
                ev, self.buf = self.buf.split(b"\n\n", 1)
                if b'"event":"state"' in ev:
                    self.states += 1


def burst(n, sock=os.environ["CTL_SOCK"]):
    """n state events from idphotod: n/2 pairs of id and cancel, sent on
    one connection 100 lines at a time (idphotod drops a client that lets
    1 MB of answers pile up), their answers read in between."""
    c = Control(sock)
    for k in range(0, n, 100):
        lines = []
        for i in range(min(100, n - k) // 2):
            lines.append(json.dumps({"cmd": "id", "id": ID4}))
            lines.append(json.dumps({"cmd": "cancel"}))
        c.s.sendall(("\n".join(lines) + "\n").encode())
        got = 0
        while got < len(lines):
            o = c.line()
            if "event" not in o:
                got += 1
    c.s.close()


s = Session(URL)
streams = [Stream(s.cookie) for i in range(STREAMS)]
for t in streams:
    t.start()
# a stream that never reads, on the second page (whose queue limit is
# 16 KB for this test, IDPHOTO_WEB_TEST_SSE_MAX)
s2 = Session(os.environ["WEB_URL2"], os.environ["WEB_PASSWORD"])
mute = Stream(s2.cookie, read=False, url=os.environ["WEB_URL2"])

d = chromium("en-US")
try:
    d.get(URL + "/")
    wait(d, lambda x: text(x, "#stateword") != "")
    handles = [d.current_window_handle]
    for i in range(TABS - 1):
        d.switch_to.new_window("tab")
        d.get(URL + "/")
        handles.append(d.current_window_handle)
    ready = 0
    for hd in handles:
        d.switch_to.window(hd)
        if wait(d, lambda x: js(x, "return window.S && S.stream && S.status ? 1 : 0")):
            ready += 1
    check("%d tabs open, each with the station's state" % TABS, ready == TABS)

    def tab_states():
        out = []
        for hd in handles:
            d.switch_to.window(hd)
            out.append(js(d, "return window.idphoto.byType.state || 0"))
        return out

    rss = []
    for round_ in range(3):
        before = tab_states()
        s_before = [t.states for t in streams]
        b_before = streams[0].bytes
        t0 = time.time()
        burst(BURST)
        t_sent = time.time() - t0
        ok_streams = wait_for(lambda: all(t.states - b >= BURST for t, b in
                                          zip(streams, s_before)), 60)
        t_streams = time.time() - t0
        ok_tabs = wait_for(lambda: all(a - b >= BURST for a, b in
                                       zip(tab_states(), before)), 90, 0.5)
        t_tabs = time.time() - t0
        after = tab_states()
        check("burst %d: %d events; every raw stream got them all (%.1f s), "
              "every tab too (%.1f s; sent in %.1f s)" %
              (round_ + 1, BURST, t_streams, t_tabs, t_sent),
              bool(ok_streams) and bool(ok_tabs))
        print("       %d bytes of events per stream" % (streams[0].bytes - b_before))
        if not ok_tabs:
            print("       tabs got", [a - b for a, b in zip(after, before)])
        last = []
        for hd in handles:
            d.switch_to.window(hd)
            last.append(wait(d, lambda x: text(x, "#stateword") == "idle", 10) is not None)
        if not check("burst %d: every tab ends showing the station idle" %
                     (round_ + 1), all(last)):
            for k, hd in enumerate(handles):
                d.switch_to.window(hd)
                print("       tab %d: %r, S.status.state %r" % (k, text(d, "#stateword"),
                      js(d, "return S.status && S.status.state")))
        time.sleep(1)
        rss.append((rss_kb(os.environ["DAEMON_PID"]), rss_kb(os.environ["WEB_PID"])))
        print("       RSS after burst %d: idphotod %d kB, idphoto-web %d kB" %
              ((round_ + 1,) + rss[-1]), flush=True)
    gd = rss[2][0] - rss[0][0]
    gw = rss[2][1] - rss[0][1]
    check("memory flat from burst 1 to 3: idphotod %+d kB, idphoto-web %+d kB"
          % (gd, gw), gd < 1024 and gw < 1024)
    for i in range(2):		# 140 KB of events, more than the kernel holds
        burst(BURST, os.environ["CTL_SOCK2"])
    cut = False
    end = time.time() + 30
    mute.k.settimeout(5)
    try:
        while time.time() < end:
            if not mute.k.recv(65536):
                cut = True
                break
    except OSError:
        pass
    check("a stream that did not read was cut off, not buffered for ever", cut)
    r1, r2 = s.cmd("status"), s2.cmd("status")
    if not check("idphoto-web still answers", r1.get("ok") is True
                 and r2.get("ok") is True):
        print("       answers:", {k: r1.get(k) for k in ("ok", "code", "error")},
              {k: r2.get(k) for k in ("ok", "code", "error")})
finally:
    d.quit()
done("load.py")
