# browser.py — headless Chromium through chromium-driver and selenium,
# or headless Firefox (IDPHOTO_WEB_BROWSER=firefox) through Marionette
# (marionette.py: Debian 12 has no geckodriver), at the studio screen's
# size, in a given language.
import os, shutil
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def chromium(lang="en-US", width=1366, height=768):
    o = webdriver.ChromeOptions()
    o.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=%d,%d" % (width, height),
              "--lang=" + lang, "--autoplay-policy=no-user-gesture-required",
              "--disable-background-timer-throttling",
              "--disable-renderer-backgrounding",
              "--disable-backgrounding-occluded-windows"]:
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": lang})
    svc = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    d = webdriver.Chrome(service=svc, options=o)
    # the page itself gets the whole screen, as in a kiosk
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1,
        "mobile": False})
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    return d


def firefox(lang="en-US", width=1366, height=768):
    from marionette import Firefox
    ff = Firefox(lang, width, height)
    d = webdriver.Remote(command_executor=ff.url,
                         options=webdriver.FirefoxOptions())
    quit = d.quit

    def quit_and_stop():
        try:
            quit()
        finally:
            ff.stop()
    d.quit = quit_and_stop
    # the page itself gets the whole screen, as in a kiosk
    dw, dh = d.execute_script("return [outerWidth - innerWidth, "
                              "outerHeight - innerHeight]")
    d.set_window_rect(width=width + dw, height=height + dh)
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    return d


def browser(lang="en-US", width=1366, height=768):
    """The browser the tests run in: IDPHOTO_WEB_BROWSER, chromium by
    default."""
    if os.environ.get("IDPHOTO_WEB_BROWSER") == "firefox":
        return firefox(lang, width, height)
    return chromium(lang, width, height)


def is_chromium(d):
    return d.capabilities.get("browserName", "") in ("chrome", "chromium")


def wait(d, fn, timeout=20):
    """fn(d) truthy within timeout, or None."""
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.1).until(
            lambda x: fn(x))
    except Exception:
        return None


def text(d, css):
    try:
        return d.find_element(By.CSS_SELECTOR, css).text
    except Exception:
        return ""


def js(d, script, *args):
    return d.execute_script(script, *args)
