# marionette.py — lets selenium drive Debian 12's firefox-esr, which has
# no geckodriver package: a small W3C WebDriver endpoint (HTTP, on a free
# loopback port) that passes each command to Firefox's own remote
# protocol, Marionette (firefox --marionette; a TCP socket carrying
# "length:JSON" packets, [0, id, "WebDriver:Command", params] one way and
# [1, id, error, result] back). Only the commands the web tests use are
# mapped. Marionette's port is the one Firefox picked (marionette.port 0)
# and wrote to the profile's MarionetteActivePort.
import http.server, json, os, re, shutil, socket, subprocess, tempfile, \
    threading, time


class Marionette:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buf = b""
        self.n = 0
        self.lock = threading.Lock()
        self.packet()		# the greeting: applicationType, protocol

    def packet(self):
        while b":" not in self.buf:
            self.more()
        n, rest = self.buf.split(b":", 1)
        n = int(n)
        while len(rest) < n:
            self.buf = rest
            self.more()
            rest = self.buf
        self.buf = rest[n:]
        return json.loads(rest[:n])

    def more(self):
        d = self.s.recv(65536)
        if not d:
            raise OSError("Firefox closed the Marionette connection")
        self.buf += d

    def call(self, name, params=None):
        with self.lock:
            self.n += 1
            m = json.dumps([0, self.n, name, params or {}]).encode()
            self.s.sendall(str(len(m)).encode() + b":" + m)
            while True:
                r = self.packet()
                if r[0] == 1 and r[1] == self.n:
                    return r[2], r[3]


E = r"(?P<e>[^/]+)"
# (HTTP method, path after /session/<id>, Marionette command, params)
ROUTES = [
    ("POST", "/url", "WebDriver:Navigate", lambda b, m: {"url": b["url"]}),
    ("GET", "/url", "WebDriver:GetCurrentURL", None),
    ("GET", "/title", "WebDriver:GetTitle", None),
    ("POST", "/timeouts", "WebDriver:SetTimeouts", lambda b, m: b),
    ("POST", "/execute/sync", "WebDriver:ExecuteScript",
     lambda b, m: {"script": b["script"], "args": b.get("args", [])}),
    ("POST", "/execute/async", "WebDriver:ExecuteAsyncScript",
     lambda b, m: {"script": b["script"], "args": b.get("args", [])}),
    ("POST", "/element", "WebDriver:FindElement", lambda b, m: b),
    ("POST", "/elements", "WebDriver:FindElements", lambda b, m: b),
    ("GET", "/element/active", "WebDriver:GetActiveElement", None),
    ("POST", "/element/%s/element" % E, "WebDriver:FindElement",
     lambda b, m: dict(b, element=m["e"])),
    ("POST", "/element/%s/elements" % E, "WebDriver:FindElements",
     lambda b, m: dict(b, element=m["e"])),
    ("GET", "/element/%s/text" % E, "WebDriver:GetElementText",
     lambda b, m: {"id": m["e"]}),
    ("GET", "/element/%s/name" % E, "WebDriver:GetElementTagName",
     lambda b, m: {"id": m["e"]}),
    ("GET", "/element/%s/displayed" % E, "WebDriver:IsElementDisplayed",
     lambda b, m: {"id": m["e"]}),
    ("GET", "/element/%s/attribute/(?P<n>[^/]+)" % E,
     "WebDriver:GetElementAttribute", lambda b, m: {"id": m["e"], "name": m["n"]}),
    ("GET", "/element/%s/property/(?P<n>[^/]+)" % E,
     "WebDriver:GetElementProperty", lambda b, m: {"id": m["e"], "name": m["n"]}),
    ("POST", "/element/%s/click" % E, "WebDriver:ElementClick",
     lambda b, m: {"id": m["e"]}),
    ("POST", "/element/%s/clear" % E, "WebDriver:ElementClear",
     lambda b, m: {"id": m["e"]}),
    ("POST", "/element/%s/value" % E, "WebDriver:ElementSendKeys",
     lambda b, m: {"id": m["e"], "text": b.get("text", "".join(b.get("value", [])))}),
    ("GET", "/window", "WebDriver:GetWindowHandle", None),
    ("POST", "/window", "WebDriver:SwitchToWindow",
     lambda b, m: {"handle": b["handle"], "focus": True}),
    ("DELETE", "/window", "WebDriver:CloseWindow", None),
    ("GET", "/window/handles", "WebDriver:GetWindowHandles", None),
    ("POST", "/window/new", "WebDriver:NewWindow",
     lambda b, m: {"type": b.get("type", "tab"), "focus": True}),
    ("GET", "/window/rect", "WebDriver:GetWindowRect", None),
    ("POST", "/window/rect", "WebDriver:SetWindowRect", lambda b, m: b),
    ("GET", "/screenshot", "WebDriver:TakeScreenshot",
     lambda b, m: {"full": False, "hash": False}),
    ("POST", "/actions", "WebDriver:PerformActions", lambda b, m: b),
    ("DELETE", "/actions", "WebDriver:ReleaseActions", None),
]


def unwrap(r):
    return r["value"] if isinstance(r, dict) and list(r) == ["value"] else r


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, obj):
        b = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def handle_one(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(n) or b"{}") if n else {}
        mn = self.server.mn
        path = self.path
        if method == "POST" and path == "/session":
            err, r = mn.call("WebDriver:NewSession",
                             {"acceptInsecureCerts": True})
            if err:
                return self.reply(500, {"value": err})
            return self.reply(200, {"value": r})
        m = re.match(r"^/session/[^/]+(/.*)?$", path)
        sub = (m.group(1) or "") if m else None
        if sub == "" and method == "DELETE":
            mn.call("WebDriver:DeleteSession")
            return self.reply(200, {"value": None})
        for meth, pat, cmd, fn in ROUTES:
            mm = re.match("^" + pat + "$", sub or "")
            if meth == method and mm:
                err, r = mn.call(cmd, fn(body, mm.groupdict()) if fn else {})
                if err:
                    return self.reply(404 if "no such" in err.get("error", "")
                                      else 500, {"value": err})
                return self.reply(200, {"value": unwrap(r)})
        self.reply(404, {"value": {"error": "unknown command", "message":
                                   "%s %s is not mapped" % (method, path),
                                   "stacktrace": ""}})

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_DELETE(self):
        self.handle_one("DELETE")


class Firefox:
    """Headless firefox-esr with a fresh profile, and the endpoint for
    selenium's webdriver.Remote at .url."""

    def __init__(self, lang="en-US", width=1366, height=768):
        self.profile = tempfile.mkdtemp(prefix="idphoto-ff-")
        prefs = {
            "marionette.port": 0,
            "intl.accept_languages": lang,
            "intl.locale.requested": lang,
            "media.autoplay.default": 0,
            "media.autoplay.blocking_policy": 0,
            "browser.shell.checkDefaultBrowser": False,
            "browser.startup.homepage_override.mstone": "ignore",
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.auto": False,
            "browser.aboutwelcome.enabled": False,
        }
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in prefs.items():
                f.write("user_pref(%s, %s);\n" % (json.dumps(k), json.dumps(v)))
        exe = shutil.which("firefox-esr") or shutil.which("firefox")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--marionette", "--no-remote", "--profile",
             self.profile, "--width", str(width), "--height", str(height),
             "about:blank"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        portfile = os.path.join(self.profile, "MarionetteActivePort")
        end = time.time() + 60
        while time.time() < end and not os.path.exists(portfile):
            time.sleep(0.2)
        time.sleep(0.3)
        with open(portfile) as f:
            port = int(f.read().strip())
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.mn = Marionette(port)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def stop(self):
        try:
            self.httpd.shutdown()
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
