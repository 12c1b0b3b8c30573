# http.py — idphoto-web's HTTP side without a browser: what other sites,
# other hosts and broken or slow clients get, the password, the words,
# and that none of it stops the station.
import json, os, re, socket, time
from common import *

URL, URL2 = os.environ["WEB_URL"], os.environ["WEB_URL2"]
ID1 = os.environ["ID1"]
SRC = os.path.join(os.path.dirname(__file__), "..", "..")
h, p = hostport(URL)

print("-- sessions, origin and token")
s = Session(URL)
check("\"/\" gives an HttpOnly SameSite=Strict session cookie",
      s.cookie is not None and s.token is not None)
st, hd, b = request(URL, "GET", "/")
c = hd.get("set-cookie", "")
check("the cookie is HttpOnly and SameSite=Strict",
      "HttpOnly" in c and "SameSite=Strict" in c)
check("the page forbids framing and foreign scripts (CSP, X-Frame-Options)",
      "frame-ancestors 'none'" in hd.get("content-security-policy", "") and
      hd.get("x-frame-options") == "DENY")
st, hd, b = s.post("status")
check("a same-origin POST with the token works", st == 200 and
      json.loads(b).get("ok") is True)
st, hd, b = s.post("cancel", headers={"Origin": "http://evil.example"})
check("a POST from another origin is refused (403 ORIGIN)",
      st == 403 and json.loads(b)["code"] == "ORIGIN")
st, hd, b = s.post("cancel", headers={"Origin": None})
check("a POST without Origin or Sec-Fetch-Site is refused",
      st == 403 and json.loads(b)["code"] == "ORIGIN")
st, hd, b = s.post("cancel", headers={"Origin": None,
                                      "Sec-Fetch-Site": "cross-site"})
check("... and one the browser calls cross-site", st == 403)
st, hd, b = s.post("cancel", headers={"X-Idphoto-Token": "0" * 64})
check("a POST with a wrong token is refused (403 TOKEN)",
      st == 403 and json.loads(b)["code"] == "TOKEN")
st, hd, b = s.post("cancel", headers={"X-Idphoto-Token": None})
check("a POST without the token is refused", st == 403)
st, hd, b = s.post("cancel", headers={"Cookie": None})
check("a POST without the session cookie is refused (403 SESSION)",
      st == 403 and json.loads(b)["code"] == "SESSION")
st, hd, b = s.post("cancel", headers={"Content-Type": "text/plain"})
check("a form-like POST (text/plain, as a cross-site form sends) is refused",
      st == 415)
st, hd, b = s.get("/api/cancel")
check("a GET of a command changes nothing (404)", st == 404)
st, hd, b = request(URL, "GET", "/api/session")
check("/api/session needs the cookie", st == 403)
st, hd, b = request(URL, "GET", "/events")
check("/events needs the cookie", st == 403)
st, hd, b = request(URL, "GET", "/", headers={"Host": "evil.example:%d" % p})
check("a request naming another Host is refused (DNS rebinding)", st == 421)
st, hd, b = request(URL, "DELETE", "/")
check("other methods are refused (405)", st == 405)

print("-- bad requests, huge bodies, slow clients")
st, hd, b = s.post("id", raw="x" * 100000)
check("a 100 KB body is refused (413)", st == 413)
st, hd, b = s.post("id", raw="{not json")
check("a body that is not JSON is refused (400)", st == 400)
st, hd, b = s.post("id", {"id": ["a"]})
check("an ID that is not a string is refused (400)", st == 400)
st, hd, b = s.post("nonsense")
check("an unknown command is refused (404)", st == 404)
st, hd, b = s.post("liveview", {"seconds": 99999})
check("liveview seconds out of range is refused (400)", st == 400)
for path in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/.hidden.js",
             "/img/0", "/img/999999", "/img/1x", "/style.css/../app.js"]:
    st, hd, b = s.get(path)
    if st != 404:
        break
check("paths outside the page and unknown pictures: 404", st == 404)
# stalled and broken clients, then a normal request still answers at once
slow = []
for i in range(40):
    k = socket.create_connection((h, p))
    k.sendall(b"GET / HTTP/1.1\r\nHost: ")	# and then nothing
    slow.append(k)
t0 = time.time()
st, hd, b = s.post("status")
check("40 stalled connections do not hold up a request",
      st == 200 and time.time() - t0 < 5)
k = socket.create_connection((h, p))
k.sendall(b"GET / HTTP/1.1\r\nHost: %s:%d\r\nno colon in this header\r\n\r\n" % (h.encode(), p))
k.settimeout(10)
r = k.recv(100)
check("a malformed request gets an HTTP error: %r" % r[:12], r.startswith(b"HTTP/1.1 400"))
k.close()
st, hd, b = s.post("id", {"id": "110105194912310029"})
j = json.loads(b)
check("the daemon's refusal of a wrong check character reaches the page "
      "as BAD_ID, without the daemon's \"should be\" text",
      j.get("code") == "BAD_ID" and "should" not in b.decode())
st, hd, b = s.post("history", {"id": ID1})
check("an ID travels in a POST body (history)", st == 200 and
      json.loads(b).get("ok") is True)

print("-- the password (a page beyond loopback)")
st, hd, b = request(URL2, "GET", "/")
check("without a login \"/\" goes to the login page",
      st == 303 and hd.get("location") == "/login.html")
st, hd, b = request(URL2, "GET", "/login.html")
check("the login page is served", st == 200 and b"password" in b)
h2, p2 = hostport(URL2)
o2 = "http://%s:%d" % (h2, p2)
st, hd, b = request(URL2, "POST", "/api/login", json.dumps({"password": "wrong"}),
                    {"Origin": o2, "Content-Type": "application/json"})
check("a wrong password is refused (403)", st == 403 and "set-cookie" not in hd)
st, hd, b = request(URL2, "POST", "/api/login", json.dumps(
    {"password": os.environ["WEB_PASSWORD"]}),
    {"Origin": "http://evil.example", "Content-Type": "application/json"})
check("a login from another origin is refused", st == 403)
s2 = Session(URL2, os.environ["WEB_PASSWORD"])
check("the right password gives a session", s2.token is not None)
check("which can command the station", s2.cmd("status").get("ok") is True)

print("-- the words")
st, hd, b = request(URL, "GET", "/api/strings?lang=zh_CN")
zh = json.loads(b)["messages"]
page = ""
for f in ["index.html", "app.js", "login.html", "login.js"]:
    page += open(os.path.join(SRC, "web", "page", f), encoding="utf-8").read()
ids = set(re.findall(r'data-i18n="([^"]+)"', page))
ids |= set(re.findall(r'_\("((?:[^"\\]|\\.)+)"\)', page))
# the codes' words and the wrong-number message are msgids too
ids |= set(re.findall(r'^\s+[A-Z_]+: "([^"]+)"', page, re.M))
ids |= set(re.findall(r'var BADID = "([^"]+)"', page))
ids = {i.replace('\\"', '"') for i in ids}
missing = sorted(i for i in ids if i not in zh)
check("every word of the page (%d) has its zh_CN translation in the "
      "catalogue" % len(ids), not missing)
for m in missing[:10]:
    print("       missing: %r" % m)
check("the page's zh_CN words call the person 毕业生 only",
      not any("考生" in v or "被拍者" in v for v in zh.values()))
check("the wrong-number message in Chinese names no character",
      "should" not in zh.get("this number is not valid, check it against the ID card", "should"))
st, hd, b = request(URL, "GET", "/api/strings?lang=en")
check("English is the msgids themselves", json.loads(b)["messages"] == {})
print("-- answers go to their questions")
# idphotod answers a history later than the commands after it (its
# reader runs on its own thread): each answer must still reach the
# request it answers, and twenty at once must not be refused as BUSY
# (idphotod reads two histories at a time; idphoto-web asks one at a
# time and shares the answer)
import threading
sess = Session(URL)
got = []
def ask(cmd, body):
    got.append((cmd, sess.cmd(cmd, body)))
ts = []
for i in range(20):
    ts.append(threading.Thread(target=ask, args=("history", {})))
    ts.append(threading.Thread(target=ask, args=("status", {})))
for t in ts:
    t.start()
for t in ts:
    t.join(30)
wrong = [(c, {k: r.get(k) for k in ("ok", "code", "error")}) for c, r in got
         if not r.get("ok") or ("history" in r) != (c == "history") or
         ("state" in r) != (c == "status")]
check("20 histories and 20 statuses asked at once: each answer fits its "
      "question, none refused (%d answers)" % len(got),
      len(got) == 40 and not wrong)
for w in wrong[:5]:
    print("       wrong:", w)
print("-- the stalled clients")
t0 = time.time()
gone = 0
for k in slow:
    k.settimeout(max(1, 30 - (time.time() - t0)))
    try:
        k.recv(100)	# an error response, or the end: either way, cut off
        gone += 1
    except (socket.timeout, OSError):
        pass
check("the 40 stalled clients were cut off by the timeout (%d of 40, "
      "within %.0f s)" % (gone, time.time() - t0), gone == 40)
done("httpside.py")
