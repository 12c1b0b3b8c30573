# common.py — what the web tests share: ok/bad lines like tests/lib.sh,
# a raw HTTP client, the page's session, and idphotod's control socket.
import http.client, json, os, socket, sys, time, urllib.parse

fails = 0


def ok(msg):
    print("  ok   " + msg, flush=True)


def bad(msg):
    global fails
    fails += 1
    print("  FAIL " + msg, flush=True)


def check(msg, cond):
    (ok if cond else bad)(msg)
    return cond


def done(name):
    print("%s: %d failed" % (name, fails), flush=True)
    sys.exit(1 if fails else 0)


def hostport(url):
    u = urllib.parse.urlparse(url)
    return u.hostname, u.port


def request(url, method="GET", path="/", body=None, headers=None):
    """(status, headers dict, body bytes) of one request on its own
    connection."""
    h, p = hostport(url)
    c = http.client.HTTPConnection(h, p, timeout=10)
    hd = {"Host": "%s:%d" % (h, p)}
    hd.update(headers or {})
    c.request(method, path, body=body, headers=hd)
    r = c.getresponse()
    data = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    c.close()
    return out


class Session:
    """A browser-like session: the cookie from "/" (or a login), the
    token from /api/session, same-origin POSTs."""

    def __init__(self, url, password=None):
        self.url = url
        h, p = hostport(url)
        self.origin = "http://%s:%d" % (h, p)
        self.cookie = None
        if password is not None:
            st, hd, b = request(url, "POST", "/api/login",
                                json.dumps({"password": password}),
                                {"Origin": self.origin,
                                 "Content-Type": "application/json"})
            self.cookie = hd.get("set-cookie", "").split(";")[0] or None
        else:
            st, hd, b = request(url, "GET", "/")
            self.cookie = hd.get("set-cookie", "").split(";")[0] or None
        st, hd, b = self.get("/api/session")
        self.token = json.loads(b)["token"] if st == 200 else None

    def get(self, path, headers=None):
        hd = {"Cookie": self.cookie} if self.cookie else {}
        hd.update(headers or {})
        return request(self.url, "GET", path, None, hd)

    def post(self, cmd, obj=None, headers=None, raw=None):
        hd = {"Origin": self.origin, "Content-Type": "application/json",
              "X-Idphoto-Token": self.token or ""}
        if self.cookie:
            hd["Cookie"] = self.cookie
        hd.update(headers or {})
        hd = {k: v for k, v in hd.items() if v is not None}
        body = raw if raw is not None else json.dumps(obj or {})
        return request(self.url, "POST", "/api/" + cmd, body, hd)

    def cmd(self, cmd, obj=None):
        st, hd, b = self.post(cmd, obj)
        return json.loads(b)


class Control:
    """idphotod's control socket: JSON lines each way."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rb")

    def send(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())

    def line(self):
        return json.loads(self.f.readline())

    def ask(self, obj):
        self.send(obj)
        while True:
            o = self.line()
            if "event" not in o:
                return o


def rss_kb(pid):
    with open("/proc/%d/status" % int(pid)) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    return -1


def wait_for(fn, timeout=20.0, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except Exception:
            pass
        time.sleep(step)
    return None
