# page.py — the operator's page in headless Chromium against the demo
# station: what the operator sees when keying an ID (a wrong check
# character), an accepted shot (the panel, the 480x640 photo, the sound),
# a second tab, the replace confirmation, a rejection (its reasons and
# its zone), everything again in a zh_CN browser, the keys, and the
# camera going absent and coming back on the second station.
import os, subprocess, time
from common import *
from browser import *

URL, URL2 = os.environ["WEB_URL"], os.environ["WEB_URL2"]
ID1, ID2, ID3 = os.environ["ID1"], os.environ["ID2"], os.environ["ID3"]
SHOTS = os.environ["SHOTS"]
BADID = "this number is not valid, check it against the ID card"


def pedal():
    subprocess.run([os.environ["PRESS"], os.environ["PEDAL"]], check=True,
                   timeout=10)


def state(d):
    return js(d, "return window.S && S.status ? S.status.state : ''")


def wait_state(d, *want):
    return wait(d, lambda x: state(x) in want)


def typein(d, s):
    f = d.find_element(By.ID, "idfield")
    f.send_keys(s)
    return f


def key(d, k):
    """A single key pressed with the focus off the ID field: chromedriver
    focuses the body for this; Firefox types into whatever has the focus,
    as a keyboard does, so the focus is taken off first."""
    if is_chromium(d):
        d.find_element(By.TAG_NAME, "body").send_keys(k)
        return
    js(d, "if (document.activeElement) document.activeElement.blur()")
    ActionChains(d).send_keys(k).perform()


def photo_size(d):
    return js(d, "var i = document.getElementById('photoimg');"
              "return i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null")


def shot(d, name):
    """A screenshot at 1366x768, and a smaller one (0.6 scale, the same
    layout) for the README: small-NAME."""
    if not is_chromium(d):	# Firefox: the shot, at 1366x768 only
        path = os.path.join(SHOTS, "firefox-" + name)
        d.save_screenshot(path)
        return path
    path = os.path.join(SHOTS, name)
    d.save_screenshot(path)
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1366, "height": 768, "deviceScaleFactor": 0.6, "mobile": False})
    time.sleep(0.3)
    d.save_screenshot(os.path.join(SHOTS, "small-" + name))
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    return path


REASON = "the collar shadow is the gown's, approved by the class teacher"


def mkid(d17):
    """A valid ID (ISO 7064 MOD 11-2) from 17 digits."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return d17 + "10X98765432"[sum(int(c) * k for c, k in zip(d17, w)) % 11]


# its own graduate: the override leaves an accepted photo, and load.py's
# bursts key ID4 in and out, which an accepted photo would refuse
IDO = mkid("35020319970707003")


def has_accept():
    """Whether this idphotod has the accept command (issue 16's override):
    an unknown command is refused as USAGE, naming the commands it has."""
    r = Control(os.environ["CTL_SOCK"]).ask({"cmd": "accept", "override": ""})
    return not (r.get("code") == "USAGE" and "unknown command" in r.get("error", ""))


def shoot_until_rejected(d):
    """Pedal presses on the armed ID until a shot is rejected: the
    simulated camera serves 01 (accepted) and 02 (rejected) in turn, so at
    most two, the accepted one replaced (R, then Y). The last result."""
    r = None
    for i in range(2):
        n = js(d, "return window.idphoto.results")
        pedal()
        wait(d, lambda x: js(x, "return window.idphoto.results") > n)
        r = js(d, "return S.last")
        if r["outcome"] == "fail":
            break
        key(d, "r")
        wait(d, lambda x: x.find_element(By.ID, "confirm").is_displayed(), 5)
        key(d, "y")
        wait_state(d, "armed")
    return r


def override(d):
    """The override control: on a rejected, overridable result, O (shown on
    the screen) asks for a reason, Enter sends it (POST /api/accept with
    the token), and the result says who accepted it and why."""
    if not check("idphotod has the accept command (issue 16's override)",
                 has_accept()):
        return
    f = typein(d, IDO)
    f.send_keys(Keys.ENTER)
    wait_state(d, "armed")
    r = shoot_until_rejected(d)
    if not check("a rejection to override", r and r["outcome"] == "fail"):
        return
    if r.get("overridable") is not True:
        check("a rejection that is not overridable has no override control",
              not d.find_element(By.ID, "overbtn").is_displayed())
        return
    check("a rejected, overridable result shows the override with its key, O",
          wait(d, lambda x: x.find_element(By.ID, "overbtn").is_displayed())
          and "O" in text(d, "#overbtn kbd"))
    key(d, "o")
    check("O asks for a reason",
          wait(d, lambda x: x.find_element(By.ID, "overdlg").is_displayed())
          and d.switch_to.active_element.get_attribute("id") == "overreason")
    d.switch_to.active_element.send_keys(Keys.ENTER)
    check("an empty reason is not sent: %r" % text(d, "#overmsg"),
          "needs a reason" in text(d, "#overmsg")
          and d.find_element(By.ID, "overdlg").is_displayed())
    d.switch_to.active_element.send_keys(REASON + Keys.ENTER)
    check("the reason accepts the photo: ACCEPTED",
          wait(d, lambda x: text(x, "#verdictword").endswith("ACCEPTED")))
    check("... by the operator, with the reason: %r" % text(d, "#overridden")[:60],
          "accepted by the operator" in text(d, "#overridden") and
          REASON in text(d, "#overridden"))
    check("... and the photo as saved", wait(d, photo_size) == [480, 640])
    shot(d, "override.png")
    key(d, "c")
    wait_state(d, "idle")


d = browser("en-US")
try:
    print("-- English, 1366x768")
    d.get(URL + "/")
    check("the page loads and shows the idle station",
          wait(d, lambda x: text(x, "#stateword") == "idle") is not None)
    check("no ID in the page's address", ID1 not in d.current_url)
    check("the page fits 1366x768 (no scroll bars)",
          js(d, "return document.documentElement.scrollWidth <= innerWidth && "
             "document.documentElement.scrollHeight <= innerHeight"))

    f = typein(d, "11010519491231002")
    check("as typed: 17 of 18 characters",
          "17 of 18" in text(d, "#idcheck"))
    f.send_keys("9")		# the right one is X
    msg = text(d, "#idcheck")
    check("a wrong check character: \"%s\"" % BADID, msg == BADID)
    check("... which never names the expected character",
          "X" not in msg and "should" not in msg)
    f.send_keys(Keys.ENTER)
    time.sleep(0.5)
    check("Enter on a wrong number sends nothing: the station stays idle",
          state(d) == "idle")
    f.clear()
    f.send_keys(ID1.lower())	# a scanner may send a small x
    check("the right number is called well formed",
          text(d, "#idcheck") == "the number is well formed")
    f.send_keys(Keys.ENTER)
    check("Enter keys the ID in: armed", wait_state(d, "armed"))
    check("the header shows the ID", text(d, "#whoid") == ID1)

    # a second tab, opened before the shot
    first = d.current_window_handle
    d.switch_to.new_window("tab")
    d.get(URL + "/")
    wait(d, lambda x: text(x, "#stateword") == "armed")
    second = d.current_window_handle
    n2 = js(d, "return window.idphoto.results")
    d.switch_to.window(first)

    pedal()
    check("the pedal: ACCEPTED", wait(d, lambda x: text(x, "#verdictword").endswith("ACCEPTED")))
    check("the result panel is the green one",
          "pass" in d.find_element(By.ID, "result").get_attribute("class"))
    sz = wait(d, photo_size)
    check("the photo as saved loaded: %s (480x640)" % (sz,), sz == [480, 640])
    fr = wait(d, lambda x: js(x, "var i = document.getElementById('frameimg');"
                               "return i.complete && i.naturalWidth"))
    check("the annotated camera frame loaded beside it", bool(fr))
    check("the accept sound played", js(d, "return window.idphoto.lastSound") == "accept")
    check("the photo's address holds no ID",
          ID1 not in d.find_element(By.ID, "photoimg").get_attribute("src"))
    check("the shot is in today's strip",
          wait(d, lambda x: len(x.find_elements(By.CSS_SELECTOR, "#strip .thumb.pass")) >= 1))
    check("and in the graduate's history",
          wait(d, lambda x: "accepted" in text(x, "#history")))
    check("the station panel: camera and lamps connected, disk space",
          "connected" in text(d, "#cam") and "connected" in text(d, "#lamps") and
          "GB free" in text(d, "#disk"))
    check("the station panel: the pedal, simulated (the demo's FIFO), connected",
          d.find_element(By.ID, "pedal").get_attribute("data-state") == "connected"
          and "simulated" in text(d, "#pedal"))
    check("the batch panel: no roster imported here (%r)" % text(d, "#roster"),
          "no roster imported" in text(d, "#roster"))
    p = shot(d, "accepted.png")
    check("screenshot %s" % p, os.path.getsize(p) > 10000)

    d.switch_to.window(second)
    check("the second tab got the same result",
          wait(d, lambda x: text(x, "#verdictword").endswith("ACCEPTED") and
               js(x, "return window.idphoto.results") > n2))
    check("... and its photo", wait(d, photo_size) == [480, 640])
    d.close()
    d.switch_to.window(first)

    print("-- replacing an accepted photo")
    f = typein(d, ID1)
    f.send_keys(Keys.ENTER)
    check("keying in an ID with an accepted photo asks first",
          wait(d, lambda x: x.find_element(By.ID, "confirm").is_displayed()))
    check("the question names the ID", ID1 in text(d, "#confirmtext"))
    key(d, "n")
    check("N keeps the photo: the question goes, the station stays accepted",
          wait(d, lambda x: not x.find_element(By.ID, "confirm").is_displayed())
          and state(d) == "accepted")
    key(d, "p")		# P: replace, the single key
    check("P asks to replace the current graduate's photo",
          wait(d, lambda x: x.find_element(By.ID, "confirm").is_displayed()))
    key(d, "y")
    check("Y confirms: armed to replace", wait_state(d, "armed"))
    check("... and the page says so",
          wait(d, lambda x: "replacing" in text(x, "#whonote")))

    print("-- a rejection")
    pedal()
    check("the pedal: RETAKE", wait(d, lambda x: text(x, "#verdictword").endswith("RETAKE")))
    check("the result panel is the red one",
          "fail" in d.find_element(By.ID, "result").get_attribute("class"))
    first_reason = text(d, "#reasons li.first")
    check("the first reason, largest: %r" % first_reason[:60],
          "head is turned" in first_reason)
    fs = js(d, "var l = document.querySelectorAll('#reasons li');"
            "return [parseFloat(getComputedStyle(l[0]).fontSize),"
            " l.length > 1 ? parseFloat(getComputedStyle(l[1]).fontSize) : 0]")
    check("the first reason is set larger than the others (%s)" % fs, fs[0] > fs[1])
    check("the failing zone is outlined on the frame",
          len(d.find_elements(By.CSS_SELECTOR, "#frameover rect.zone")) == 1)
    check("no photo is shown as saved",
          not d.find_element(By.ID, "photoimg").get_attribute("src"))
    check("the retake sound played", js(d, "return window.idphoto.lastSound") == "retake")
    colours = js(d, "return getComputedStyle(document.querySelector('#verdict')).backgroundColor")
    check("red, not green: %s" % colours, colours.startswith("rgb(179, 20, 28"))
    p = shot(d, "rejected.png")
    check("screenshot %s" % p, os.path.getsize(p) > 10000)
    key(d, "r")
    check("R after a rejection: armed again", wait_state(d, "armed"))
    pedal()
    check("the retake is accepted",
          wait(d, lambda x: text(x, "#verdictword").endswith("ACCEPTED")))
    check("the replaced photo is in the history as a version",
          wait(d, lambda x: "versions/" in text(x, "#history")))

    print("-- keys")
    key(d, "c")
    check("C cancels: idle", wait_state(d, "idle"))
    f = typein(d, ID2)
    f.send_keys(Keys.ENTER)
    wait_state(d, "armed")
    f.send_keys(Keys.ENTER)	# Enter on the empty field: the software pedal
    check("Enter on the empty field shoots (the software pedal)",
          wait(d, lambda x: js(x, "return window.S.last && S.last.id") == ID2))
    wait_state(d, "accepted", "rejected")
    key(d, "r")
    check("R retakes: armed", wait_state(d, "armed"))
    key(d, "c")
    wait_state(d, "idle")

    print("-- live view")
    key(d, "l")
    check("L starts live view: the frame with the guide bands",
          wait(d, lambda x: "live" in x.find_element(By.ID, "result").get_attribute("class")
               and len(x.find_elements(By.CSS_SELECTOR, "#frameover .guide-band")) == 2))
    check("... the framing hint: %r" % text(d, "#verdictword"),
          text(d, "#verdictword") in ("ready: press the pedal", "adjust before shooting"))
    check("... and the live frame loaded",
          wait(d, lambda x: js(x, "var i = document.getElementById('frameimg');"
                               "return i.complete && i.naturalWidth > 0")))
    key(d, "l")
    check("L again ends it",
          wait(d, lambda x: "live" not in x.find_element(By.ID, "result").get_attribute("class"), 30))

    print("-- the operator's override of a rejection")
    override(d)
finally:
    d.quit()

print("-- 中文 (a zh_CN browser)")
d = browser("zh-CN")
try:
    d.get(URL + "/")
    check("the page follows the browser's language",
          wait(d, lambda x: text(x, "#stateword") == "空闲"))
    f = typein(d, "110105194912310029")
    check("the wrong check character, in Chinese: %r" % text(d, "#idcheck"),
          text(d, "#idcheck") not in ("", BADID) and "X" not in text(d, "#idcheck"))
    f.clear()
    f.send_keys(ID3 + Keys.ENTER)
    wait_state(d, "armed")
    r = shoot_until_rejected(d)
    check("a rejection under zh_CN: %r" % text(d, "#verdictword"),
          r and r["outcome"] == "fail" and text(d, "#verdictword").endswith("重拍"))
    check("its reason in Chinese: %r" % text(d, "#reasons li.first")[:40],
          "头部转向一侧" in text(d, "#reasons li.first"))
    check("the keys are named in Chinese", "重拍" in text(d, "#keys"))
    p = shot(d, "rejected-zh_CN.png")
    check("screenshot %s" % p, os.path.getsize(p) > 10000)
    d.find_element(By.ID, "lang-en").click()
    check("the switch turns the page to English",
          wait(d, lambda x: text(x, "#verdictword").endswith("RETAKE")))
    d.find_element(By.ID, "lang-zh").click()
    wait(d, lambda x: text(x, "#verdictword").endswith("重拍"))
    key(d, "c")
finally:
    d.quit()

print("-- the camera goes absent and comes back (second station, logged in)")
d = browser("en-US")
try:
    d.get(URL2 + "/")
    check("the page beyond loopback asks for the password",
          wait(d, lambda x: "login" in x.current_url))
    d.find_element(By.ID, "password").send_keys(os.environ["WEB_PASSWORD"] + Keys.ENTER)
    check("after the login the camera shows connected, with its battery",
          wait(d, lambda x: x.find_element(By.ID, "cam").get_attribute("data-state") == "connected"
               and "73%" in text(x, "#cam"), 30))
    subprocess.run(["kill", os.environ["FAKE_PID"]])
    check("the camera switched off: the page says it is not there",
          wait(d, lambda x: x.find_element(By.ID, "cam").get_attribute("data-state")
               in ("reconnecting", "absent"), 30))
    check("... in words, with what to do",
          "USB cable" in text(d, "#errors"))
    shot(d, "camera-absent.png")
    fk = subprocess.Popen([os.environ["FAKE"], "-p", os.environ["FAKE_PORT"], "-d",
                           os.environ["FRAMES"]], stderr=subprocess.DEVNULL)
    with open(os.path.join(os.environ["TMPD"], "fake2.pid"), "w") as pf:
        pf.write(str(fk.pid))
    check("switched on again: connected",
          wait(d, lambda x: x.find_element(By.ID, "cam").get_attribute("data-state") == "connected", 40))
    check("... and the error is gone",
          wait(d, lambda x: "USB cable" not in text(x, "#errors"), 20))
    check("a station without a pedal says so: %r" % text(d, "#pedal"),
          d.find_element(By.ID, "pedal").get_attribute("data-state") == "none")
    fk.terminate()
finally:
    d.quit()
done("page.py")
