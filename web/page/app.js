/*
 * app.js — the operator's page. Plain JavaScript, no framework.
 *
 * The station's events come from idphoto-web's /events stream (Server-
 * Sent Events), shared by every tab of this browser through one
 * SharedWorker (worker.js): a browser opens at most six connections to
 * one host, and every tab would hold one. The state a late tab starts
 * from is GET /api/hello. Commands are POSTs with the session's token.
 *
 * Every word shown is a msgid of the idphotod gettext catalogue: _()
 * looks it up in the words idphoto-web serves (/api/strings), and
 * data-i18n marks the page's fixed words. {name} in a msgid is filled
 * in by fmt().
 *
 * window.idphoto holds counters the browser tests read (events seen,
 * sounds played).
 */
"use strict";

var MSG = {};
var LANG = "en";
var TOKEN = "";
var S = {			/* what the page knows */
	status: null, last: null, calibration: null, live: null,
	liveOn: false, daemon: true, stream: false, lastShot: null,
	confirmFor: null, history: [], histId: "", pages: 0
};
window.idphoto = { events: 0, results: 0, sounds: [], lastSound: "", byType: {} };

function _(s) { return Object.prototype.hasOwnProperty.call(MSG, s) ? MSG[s] : s; }
/* a msgid translated later, where it is shown (make pot extracts both) */
function N_(s) { return s; }
function fmt(s, o) {
	return s.replace(/\{(\w+)\}/g, function (m, k) {
		return o[k] === undefined ? m : String(o[k]);
	});
}
function $(id) { return document.getElementById(id); }
function el(tag, cls, text) {
	var e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined) e.textContent = text;
	return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
function hhmm(t) {
	var d = new Date(t * 1000);
	return d.toLocaleTimeString(LANG === "zh_CN" ? "zh-CN" : "en-GB",
	    { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/* ---- words --------------------------------------------------------- */

function pickLang() {
	var saved = null;
	try { saved = localStorage.getItem("idphoto-lang"); } catch (e) { }
	if (saved === "en" || saved === "zh_CN") return saved;
	var ls = navigator.languages || [navigator.language || "en"];
	for (var i = 0; i < ls.length; i++) {
		var l = String(ls[i]).toLowerCase();
		if (l.indexOf("zh") === 0) return "zh_CN";
		if (l.indexOf("en") === 0) return "en";
	}
	return "en";
}

function loadWords(lang) {
	return fetch("/api/strings?lang=" + encodeURIComponent(lang),
	    { credentials: "same-origin" }).then(function (r) {
		return r.json();
	}).then(function (j) {
		MSG = j.messages || {};
		LANG = j.lang === "zh_CN" ? "zh_CN" : "en";
		document.documentElement.lang = LANG === "zh_CN" ? "zh-CN" : "en";
		var ns = document.querySelectorAll("[data-i18n]");
		for (var i = 0; i < ns.length; i++)
			ns[i].textContent = _(ns[i].getAttribute("data-i18n"));
		$("lang-en").classList.toggle("on", LANG === "en");
		$("lang-zh").classList.toggle("on", LANG === "zh_CN");
		document.title = _("ID photo station");
		renderAll();
	});
}

function setLang(lang) {
	try { localStorage.setItem("idphoto-lang", lang); } catch (e) { }
	loadWords(lang);
}

/* ---- the ID field -------------------------------------------------- */

var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/* "empty", "partial", "ok", "bad" or "other" (not a resident ID
 * number: a passport or permit number is for the station to judge). */
function idCheck(s) {
	if (s === "") return "empty";
	if (!/^[0-9]/.test(s)) return "other";
	if (/^[0-9]{1,17}$/.test(s)) return "partial";
	if (!/^[0-9]{17}[0-9X]$/.test(s)) return "bad";
	var sum = 0;
	for (var i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * W[i];
	return "10X98765432".charAt(sum % 11) === s.charAt(17) ? "ok" : "bad";
}

var BADID = N_("this number is not valid, check it against the ID card");

function showIdCheck() {
	var f = $("idfield"), v = f.value.toUpperCase(), c = idCheck(v);
	var box = $("idcheck");
	if (v !== f.value) f.value = v;
	box.className = "ic-" + c;
	f.className = "ic-" + c;
	if (c === "bad") box.textContent = _(BADID);
	else if (c === "partial")
		box.textContent = fmt(_("{n} of 18 characters"), { n: v.length });
	else if (c === "ok") box.textContent = _("the number is well formed");
	else if (c === "other")
		box.textContent = _("not a resident ID number: the station decides");
	else box.textContent = "";
}

function submitId(replace) {
	var f = $("idfield"), v = f.value.toUpperCase().trim();
	var c = idCheck(v);
	if (c === "bad" || c === "partial") {
		showIdCheck();
		$("idcheck").textContent = _(BADID);
		$("idcheck").className = "ic-bad";
		f.className = "ic-bad";
		return;
	}
	cmd("id", { id: v, replace: !!replace }).then(function (r) {
		if (r.ok) { f.value = ""; showIdCheck(); }
		else if (r.code === "NEEDS_CONFIRM") askReplace(v);
	});
}

/* ---- commands ------------------------------------------------------ */

var CODEWORDS = {
	BAD_ID: BADID,
	BUSY: N_("the last shot is still being taken or checked: wait for its result"),
	NO_ID: N_("key in the graduate's ID number first"),
	DONE: N_("this graduate's photo is accepted: key in the next ID, or retake to replace it"),
	JOURNAL: N_("the journal cannot be written (disk full?): free space on the station, then try again"),
	DAEMON: N_("idphotod is not running: start it (sudo systemctl start idphotod); this page reconnects by itself"),
	SESSION: N_("the page's session has expired: reload the page"),
	TOKEN: N_("the page's session has expired: reload the page"),
	/* the operator's override (accept with a reason) */
	NOTHING_TO_ACCEPT: N_("there is no rejected shot to accept: the override is for the last shot's rejection"),
	NOT_OVERRIDABLE: N_("this rejection cannot be overridden: retake"),
	NO_REASON: N_("an override needs a reason: type why the photo is acceptable")
};

/* A command; quiet: a background question (a history) whose refusal
 * is not the operator's business, so it gets no banner. */
function cmd(name, body, quiet) {
	return fetch("/api/" + name, {
		method: "POST", credentials: "same-origin",
		headers: { "Content-Type": "application/json", "X-Idphoto-Token": TOKEN },
		body: JSON.stringify(body || {})
	}).then(function (r) { return r.json(); }).then(function (r) {
		if (quiet) return r;
		if (!r.ok && r.code !== "NEEDS_CONFIRM")
			banner(CODEWORDS[r.code] ? _(CODEWORDS[r.code]) :
			    (r.error ? _(r.error) : r.code), "bad");
		else if (r.ok)
			banner("", "");
		return r;
	}).catch(function () {
		if (quiet) return { ok: false, code: "NET" };
		banner(_("the page cannot reach idphoto-web: check that it runs (systemctl status idphoto-web)"), "bad");
		return { ok: false, code: "NET" };
	});
}

function banner(text, kind) {
	var b = $("banner");
	b.textContent = text;
	b.className = text ? kind : "";
}

/* ---- replacing an accepted photo ----------------------------------- */

function askReplace(id) {
	S.confirmFor = id;
	$("confirmtext").textContent = fmt(_("{id} already has an accepted photo. Replace it?"), { id: id });
	$("confirm").classList.remove("hidden");
	$("confirmyes").focus();
}

function answerReplace(yes) {
	var id = S.confirmFor;
	S.confirmFor = null;
	$("confirm").classList.add("hidden");
	$("idfield").focus();
	if (yes && id) {
		cmd("id", { id: id, replace: true }).then(function (r) {
			if (r.ok) { $("idfield").value = ""; showIdCheck(); }
		});
	} else {
		/* the number is done with: a key pressed next is a command,
		 * not more of the number */
		$("idfield").value = "";
		showIdCheck();
		banner(_("not replaced: the accepted photo stays"), "info");
	}
}

/* ---- the operator's override of a rejection ------------------------ */

/* The last shot was rejected and the station says a reason may accept
 * it ("overridable"), and the page is not in live view. */
function canOverride() {
	var r = S.last;
	return !!(r && !passed(r) && r.overridable === true && !(S.liveOn && S.live) &&
	    S.status && S.status.state === "rejected");
}

function askOverride() {
	if (!canOverride()) return;
	S.overriding = true;
	$("overreason").value = "";
	$("overmsg").textContent = "";
	$("overdlg").classList.remove("hidden");
	$("overreason").focus();
}

function closeOverride() {
	S.overriding = false;
	$("overdlg").classList.add("hidden");
	$("idfield").focus();
}

function sendOverride() {
	var why = $("overreason").value.trim();
	if (!why) { $("overmsg").textContent = _(CODEWORDS.NO_REASON); return; }
	cmd("accept", { override: why }).then(function (r) {
		if (r.ok) closeOverride();
		else $("overmsg").textContent = CODEWORDS[r.code] ? _(CODEWORDS[r.code]) :
		    (r.error ? _(r.error) : r.code);
	});
}

/* ---- sounds (WebAudio: no files) ----------------------------------- */

var AC = null;
function audio() {
	if (!AC) {
		var C = window.AudioContext || window.webkitAudioContext;
		if (!C) return null;
		AC = new C();
	}
	if (AC.state === "suspended") AC.resume();
	return AC;
}
function tone(ac, f0, f1, t0, dur, type, vol) {
	var o = ac.createOscillator(), g = ac.createGain();
	o.type = type;
	o.frequency.setValueAtTime(f0, ac.currentTime + t0);
	o.frequency.linearRampToValueAtTime(f1, ac.currentTime + t0 + dur);
	g.gain.setValueAtTime(0.0001, ac.currentTime + t0);
	g.gain.exponentialRampToValueAtTime(vol, ac.currentTime + t0 + 0.02);
	g.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + t0 + dur);
	o.connect(g);
	g.connect(ac.destination);
	o.start(ac.currentTime + t0);
	o.stop(ac.currentTime + t0 + dur + 0.05);
}
/* accepted: a bright rising three-note chime; retake: two low buzzes */
function sound(kind) {
	window.idphoto.sounds.push(kind);
	window.idphoto.lastSound = kind;
	document.body.setAttribute("data-sound", kind);
	var ac = audio();
	if (!ac) return;
	if (kind === "accept") {
		tone(ac, 660, 660, 0, 0.12, "sine", 0.4);
		tone(ac, 880, 880, 0.12, 0.12, "sine", 0.4);
		tone(ac, 1320, 1320, 0.24, 0.3, "sine", 0.4);
	} else {
		tone(ac, 220, 180, 0, 0.25, "square", 0.25);
		tone(ac, 220, 180, 0.35, 0.35, "square", 0.25);
	}
}

/* ---- the result ---------------------------------------------------- */

/* The zone of the frame a finding is about, in source pixels. */
function zone(code, g) {
	if (!g) return null;
	var W_ = g.width, H = g.height, f = g.face, e = g.eyes, c = g.crop;
	if (/^(GEO_|RES_)/.test(code)) return c || [0, 0, W_, H];
	if (/^(BG_|IQ_COLOUR|PERSONS|FILE_ADDED)/.test(code)) return [0, 0, W_, H];
	if (/^(EYES_|LIGHT_RED_EYE|SUBJ_GLARE|IQ_BLURRED)/.test(code) && e) {
		var d = Math.abs(e[2] - e[0]) || (f ? f[2] / 3 : 100);
		var x0 = Math.min(e[0], e[2]) - d * 0.5, y0 = Math.min(e[1], e[3]) - d * 0.35;
		return [x0, y0, Math.abs(e[2] - e[0]) + d, d * 0.7];
	}
	if (/^SUBJ_(CLOTHING|SHOULDERS)/.test(code) && f)
		return [Math.max(0, f[0] - f[2] * 0.5), f[1] + f[3],
		    f[2] * 2, Math.max(10, H - f[1] - f[3])];
	if (f) return f;
	return [0, 0, W_, H];
}

var SVGNS = "http://www.w3.org/2000/svg";
function svgRect(svg, r, cls) {
	var e = document.createElementNS(SVGNS, "rect");
	e.setAttribute("x", r[0]); e.setAttribute("y", r[1]);
	e.setAttribute("width", Math.max(1, r[2])); e.setAttribute("height", Math.max(1, r[3]));
	e.setAttribute("class", cls);
	svg.appendChild(e);
	return e;
}
function svgLine(svg, x0, y0, x1, y1, cls) {
	var e = document.createElementNS(SVGNS, "line");
	e.setAttribute("x1", x0); e.setAttribute("y1", y0);
	e.setAttribute("x2", x1); e.setAttribute("y2", y1);
	e.setAttribute("class", cls);
	svg.appendChild(e);
}
function svgText(svg, x, y, t, cls) {
	var e = document.createElementNS(SVGNS, "text");
	e.setAttribute("x", x); e.setAttribute("y", y);
	e.setAttribute("class", cls);
	e.textContent = t;
	svg.appendChild(e);
}

/* The overlay over the picture as drawn (object-fit: contain). */
function fitOverlay() {
	var img = $("frameimg"), svg = $("frameover"), wrap = $("framewrap");
	var nw = img.naturalWidth, nh = img.naturalHeight;
	if (!nw || !img.getAttribute("src")) { svg.style.display = "none"; return; }
	var bw = wrap.clientWidth, bh = wrap.clientHeight, k = Math.min(bw / nw, bh / nh);
	svg.style.display = "";
	svg.style.left = (bw - nw * k) / 2 + "px";
	svg.style.top = (bh - nh * k) / 2 + "px";
	svg.style.width = nw * k + "px";
	svg.style.height = nh * k + "px";
}

function passed(r) { return r && (r.outcome === "pass" || r.outcome === "warn"); }

function renderResult() {
	if (S.liveOn && S.live) return renderLive();
	var r = S.last, sec = $("result"), svg = $("frameover");
	clear(svg);
	clear($("reasons"));
	$("overbtn").classList.add("hidden");
	if (!r) {
		sec.className = "none";
		$("verdictword").textContent = _("key in an ID, then press the pedal");
		$("frameimg").removeAttribute("src");
		$("photoimg").removeAttribute("src");
		return;
	}
	var ok = passed(r), ov = ok && r.override;
	sec.className = ok ? (r.outcome === "warn" || ov ? "pass warn" : "pass") : "fail";
	$("verdictword").textContent = ok ? _("ACCEPTED") : _("RETAKE");
	if (ov) {
		var oli = el("li", "first override", fmt(_("accepted by the operator: {reason}"),
		    { reason: r.override.reason || "" }));
		oli.id = "overridden";
		$("reasons").appendChild(oli);
		(r.override.checks || []).forEach(function (c) {
			$("reasons").appendChild(el("li", "warn", fmt(_("overridden: {code}"), { code: c })));
		});
	}
	$("overbtn").classList.toggle("hidden", !canOverride());
	var fs = (r.findings || []).slice().sort(function (a, b) {
		return (b.severity === "fail") - (a.severity === "fail");
	});
	if (r.outcome === "error" && r.error)
		$("reasons").appendChild(el("li", "first", _(r.error)));
	fs.forEach(function (f, i) {
		var li = el("li", (i === 0 && r.outcome !== "error" && !ov ? "first " : "") + f.severity);
		li.appendChild(el("span", "advice", _(f.advice || f.code)));
		li.appendChild(el("span", "req", " " + (f.requirement || "") +
		    (f.severity === "warn" ? " · " + _("warning") : "")));
		$("reasons").appendChild(li);
	});
	if (ok && !fs.length && !ov)
		$("reasons").appendChild(el("li", "first ok", _("every check passed")));
	if (r.preview) {
		$("frameimg").src = r.preview + "?n=" + (r.seq || 0) + "-" + (r.time || 0);
		$("framecap").textContent = _("the camera's frame: planned crop and the spec's bands");
	} else
		$("frameimg").removeAttribute("src");
	if (ok && r.photo) {
		$("photoimg").src = r.photo + "?n=" + (r.seq || 0) + "-" + (r.time || 0);
		$("photocap").textContent = fmt(_("the photo as saved (480×640), {kb} KB, quality {q}"),
		    { kb: Math.round((r.size || 0) / 1024), q: r.quality || "?" });
	} else {
		$("photoimg").removeAttribute("src");
		$("photocap").textContent = _("no photo was saved: retake");
	}
	var g = r.geom;
	if (g && g.width && g.height) {
		svg.setAttribute("viewBox", "0 0 " + g.width + " " + g.height);
		svg.setAttribute("preserveAspectRatio", "none");
		var fail = fs.filter(function (f) { return f.severity === "fail"; });
		if (!ok && fail.length) {
			var z = zone(fail[0].code, g);
			if (z) svgRect(svg, z, "zone");
		}
	}
	fitOverlay();
}

/* Live view: the frame with guide lines where the photo's bands fall in
 * a centred 3:4 crop of the frame's height, and the framing hint. */
function renderLive() {
	var v = S.live, sec = $("result"), svg = $("frameover");
	clear(svg);
	clear($("reasons"));
	sec.className = "live" + (v.ready ? " ready" : "");
	$("verdictword").textContent = v.error ? _("live view: the camera cannot") :
	    v.ready ? _("ready: press the pedal") : _("adjust before shooting");
	if (v.error) $("reasons").appendChild(el("li", "first", _(v.error)));
	(v.hints || []).forEach(function (h, i) {
		$("reasons").appendChild(el("li", i === 0 ? "first" : "", _(h.advice)));
	});
	if (!v.face && !v.error)
		$("reasons").appendChild(el("li", "first", _("no face in the frame yet")));
	if (v.preview) {
		if (!S.liveLoading) {
			S.liveLoading = true;
			$("frameimg").src = v.preview + "?n=live" + (S.liveN = (S.liveN || 0) + 1);
		}
	}
	$("framecap").textContent = _("live view: head top, eye band and centre line");
	$("photoimg").removeAttribute("src");
	$("photocap").textContent = _("live view: no photo yet");
	var img = $("frameimg"), w = img.naturalWidth || 1704, h = img.naturalHeight || 1360;
	svg.setAttribute("viewBox", "0 0 " + w + " " + h);
	var cw = h * 0.75, x0 = (w - cw) / 2, k = h / 640;
	svgRect(svg, [x0, 0, cw, h], "guide-crop");
	svgRect(svg, [x0, 50 * k, cw, 60 * k], "guide-band");
	svgRect(svg, [x0, 200 * k, cw, 100 * k], "guide-band");
	svgLine(svg, w / 2, 0, w / 2, h, "guide-line");
	svgText(svg, x0 + 8, 48 * k, _("head top"), "guide-text");
	svgText(svg, x0 + 8, 198 * k, _("eyes"), "guide-text");
	fitOverlay();
}

/* ---- the header, the station --------------------------------------- */

var STATEWORD = {
	idle: N_("idle"), armed: N_("armed"), capturing: N_("capturing"),
	processing: N_("processing"), accepted: N_("accepted"), rejected: N_("rejected")
};

function renderHeader() {
	var st = S.status || {};
	document.body.className = "st-" + (st.state || "idle") +
	    (S.daemon && S.stream ? "" : " down");
	$("stateword").textContent = st.state ? _(STATEWORD[st.state] || st.state) : "";
	$("whoname").textContent = st.name || "";
	$("whoid").textContent = st.id || "";
	var note = "";
	if (st.on_roster === false)
		note = _("this ID is not on the roster: check the number against the list (idphotoctl roster show) before you shoot");
	else if (S.note)
		note = _(S.note);
	$("whonote").textContent = note;
}

function gb(n) { return (n / 1073741824).toFixed(1); }

function renderStation() {
	var st = S.status || {}, errs = [];
	var cam = st.camera || {}, ci = st.camera_info || {};
	var cw = cam.state === "connected" ? _("connected") :
	    cam.state === "reconnecting" ? _("RECONNECTING") : cam.state ? _("ABSENT") : "—";
	$("cam").textContent = cw + (ci.battery ? " · " + fmt(_("battery {b}"), { b: ci.battery }) : "") +
	    (cam.text ? " · " + cam.text : "");
	$("cam").className = cam.state === "connected" ? "good" : cam.state ? "bad" : "";
	$("cam").setAttribute("data-state", cam.state || "");
	if (cam.state && cam.state !== "connected")
		errs.push(cam.state === "reconnecting" ?
		    _("the camera is not answering: the station is reconnecting; check that it is switched on and its USB cable is in") :
		    _("the camera is absent: switch it on, check its battery and its USB cable; the station finds it by itself"));
	var l = st.lamps;
	if (l) {
		var lv = (l.lamps || []).map(function (x) {
			return _(x.position) + " " + Math.round(100 * x.level) + " %";
		}).join(", ");
		$("lamps").textContent = (l.connected ? _("connected") : _("ABSENT")) +
		    " · " + _(l.mode) + (lv ? " · " + lv : "");
		$("lamps").className = l.connected ? "good" : "bad";
		if (!l.connected)
			errs.push(_("the lamps' DMX interface is not answering: check its USB cable; the station retries every second"));
	} else {
		$("lamps").textContent = _("no lamps configured");
		$("lamps").className = "";
	}
	var pd = st.pedal, pw = [];
	if (pd && pd.driver === "none")
		pw.push(_("none configured: shoot with Enter"));
	else if (pd) {
		pw.push(pd.connected ? _("connected") : _("ABSENT"));
		pw.push(pd.simulated ? _("simulated (a FIFO)") : _("USB foot switch"));
		if (!pd.connected)
			errs.push(_("the pedal is not answering: check its USB cable; the station finds it again by itself, and Enter on this page shoots meanwhile"));
	}
	pw.push(S.lastShot ? fmt(_("last shot at {t}"), { t: hhmm(S.lastShot) }) : _("no shot yet"));
	$("pedal").textContent = pw.join(" · ");
	$("pedal").className = pd && pd.driver !== "none" ? (pd.connected ? "good" : "bad") : "";
	$("pedal").setAttribute("data-state", pd ? (pd.driver === "none" ? "none" :
	    pd.connected ? "connected" : "absent") : "");
	var c = S.calibration;
	if (c && c.ok)
		$("calib").textContent = fmt(_("balance {b} (left/right), lightness {l} L*, at {t}"),
		    { b: c.balance.toFixed(2), l: c.lightness.toFixed(0), t: hhmm(c.time) });
	else if (c)
		$("calib").textContent = c.error ? _(c.error) : _("the calibration shot failed");
	else
		$("calib").textContent = _("no calibration since the page started: idphotoctl calibrate");
	if (st.disk && st.disk.total) {
		$("disk").textContent = fmt(_("{free} GB free of {total} GB"),
		    { free: gb(st.disk.free), total: gb(st.disk.total) });
		var low = st.disk.free < 1073741824;
		$("disk").className = low ? "bad" : "good";
		if (low)
			errs.push(_("the output folder's disk is nearly full: make room (export and purge a finished batch) before the next graduates"));
	} else
		$("disk").textContent = "—";
	if (!S.daemon)
		errs.unshift(_(CODEWORDS.DAEMON));
	if (!S.stream)
		errs.unshift(_("the page lost idphoto-web: it reconnects by itself; if not, check systemctl status idphoto-web"));
	var ul = $("errors");
	clear(ul);
	errs.forEach(function (e) { ul.appendChild(el("li", "", e)); });
	var n = st.counts || {};
	$("progress").textContent = fmt(_("graduates with an accepted photo: {done}; since the station started: {shots} shots, {acc} accepted, {rej} rejected"),
	    { done: st.accepted_ids || 0, shots: n.shots || 0, acc: n.accepted || 0, rej: n.rejected || 0 });
	var ro = st.roster;
	$("roster").textContent = ro ? fmt(_("roster: {done} of {total} done, {rej} rejected, {missing} missing"),
	    { done: ro.done, total: ro.total, rej: ro.rejected, missing: ro.missing }) :
	    _("no roster imported (idphotoctl roster import)");
	$("roster").className = ro ? (ro.missing + ro.rejected === 0 ? "good" : "") : "";
	$("pagecount").textContent = S.pages > 1 ? fmt(_("{n} pages open"), { n: S.pages }) : "";
}

/* ---- the batch ----------------------------------------------------- */

function renderStrip(list) {
	var strip = $("strip"), today = new Date();
	today.setHours(0, 0, 0, 0);
	clear(strip);
	var seen = {};
	for (var i = list.length - 1; i >= 0; i--) {
		var r = list[i];
		if (r.event !== "result" || !r.time || r.time * 1000 < today.getTime()) continue;
		var ok = passed(r), key = r.id + (ok ? "+" : "-");
		var t = el("button", "thumb " + (ok ? "pass" : "fail"));
		t.type = "button";
		t.title = (r.id || "") + " " + hhmm(r.time);
		if (ok && r.photo && !seen[key]) {
			var im = el("img");
			im.src = r.photo;
			im.alt = ok ? _("accepted") : _("rejected");
			t.appendChild(im);
		} else
			t.appendChild(el("span", "", ok ? "✓" : "✗"));
		seen[key] = 1;
		t.appendChild(el("span", "tid", (r.id || "").slice(-4)));
		(function (id) {
			t.addEventListener("click", function () { loadHistory(id); });
		})(r.id);
		strip.appendChild(t);
		if (strip.childNodes.length >= 40) break;
	}
	if (!strip.childNodes.length)
		strip.appendChild(el("span", "empty", _("no shots today yet")));
}

function renderHistory() {
	var ol = $("history");
	clear(ol);
	$("histhead").textContent = S.histId ?
	    fmt(_("This graduate's shots: {id}"), { id: S.histId }) : _("This graduate's shots");
	S.history.forEach(function (r) {
		var ok = passed(r), li = el("li", ok ? "pass" : "fail");
		li.appendChild(el("span", "when", r.time ? hhmm(r.time) : ""));
		li.appendChild(el("span", "what", r.event === "interrupted" ? _("interrupted") :
		    ok ? _("accepted") : r.outcome === "error" ? _("error") : _("rejected")));
		if (r.photo) {
			var im = el("img");
			im.src = r.photo;
			im.alt = "";
			li.appendChild(im);
			if (r.version)
				li.appendChild(el("span", "ver", _("replaced, kept in versions/")));
		}
		var f = (r.findings || []).filter(function (x) { return x.severity === "fail"; })[0];
		if (!ok && (f || r.error))
			li.appendChild(el("span", "why", f ? _(f.advice) : _(r.error)));
		ol.appendChild(li);
	});
	if (!S.history.length && S.histId)
		ol.appendChild(el("li", "empty", _("no shots yet")));
}

/* Histories are read from the whole journal: one question at a time
 * per tab, and while one is out, later wishes only mark it to be asked
 * again (with the latest ID) when it is answered. A burst of events
 * then costs a tab two questions, not one per event. */
var HQ = { strip: { busy: false, again: false },
	hist: { busy: false, again: false, want: "" } };

function loadStrip() {
	var q = HQ.strip;
	if (q.busy) { q.again = true; return; }
	q.busy = true;
	q.again = false;
	cmd("history", {}, true).then(function (r) {
		q.busy = false;
		if (r.ok) renderStrip(r.history || []);
		if (q.again) loadStrip();
	});
}

function loadHistory(id) {
	var q = HQ.hist;
	q.want = id || "";
	if (!id) { S.histId = ""; S.history = []; renderHistory(); return; }
	if (q.busy) { q.again = true; return; }
	q.busy = true;
	q.again = false;
	cmd("history", { id: id }, true).then(function (r) {
		q.busy = false;
		if (q.want === id && r.ok) {
			S.histId = id;
			S.history = r.history || [];
			renderHistory();
		}
		/* asked for again, or for another graduate, meanwhile */
		if (q.again && q.want) loadHistory(q.want);
	});
}

/* ---- events -------------------------------------------------------- */

var pending = false;
function renderAll() {
	renderHeader();
	renderStation();
	renderResult();
	renderHistory();
}
/* status events can come a thousand at a time: draw once a frame */
function later() {
	if (pending) return;
	pending = true;
	requestAnimationFrame(function () {
		pending = false;
		renderHeader();
		renderStation();
		$("overbtn").classList.toggle("hidden", !canOverride());
	});
}

function applyHello(h) {
	S.daemon = !!h.daemon;
	if (h.status) S.status = h.status;
	if (h.last) S.last = h.last;
	if (h.calibration) S.calibration = h.calibration;
	if (h.pages) S.pages = h.pages;
	renderAll();
	loadStrip();
	if (S.status && S.status.id) loadHistory(S.status.id);
}

function onEvent(ev) {
	window.idphoto.events++;
	window.idphoto.byType[ev.event] = (window.idphoto.byType[ev.event] || 0) + 1;
	switch (ev.event) {
	case "hello":
		applyHello(ev);
		break;
	case "stream":
		S.stream = ev.connected;
		if (ev.connected)
			fetch("/api/hello", { credentials: "same-origin" }).then(function (r) {
				return r.json();
			}).then(applyHello);
		later();
		break;
	case "status":
		S.status = ev;
		S.daemon = true;
		later();
		break;
	case "daemon":
		S.daemon = ev.connected;
		later();
		break;
	case "state":
		var old = S.status ? S.status.id : "";
		S.status = Object.assign({}, S.status || {}, { state: ev.state, id: ev.id,
		    name: ev.name, on_roster: ev.on_roster, note: ev.note });
		if (ev.state === "capturing") S.lastShot = Date.now() / 1000;
		/* "replacing the accepted photo", "retake": for as long as
		 * the graduate is in the chair */
		if (ev.note) S.note = ev.note;
		else if (ev.state === "idle" || ev.state === "accepted" || (ev.id && ev.id !== old))
			S.note = "";
		if (ev.id && ev.id !== old) loadHistory(ev.id);
		if (!ev.id && old) loadHistory("");
		later();
		break;
	case "camera":
		S.status = Object.assign({}, S.status || {}, {
		    camera: { connected: ev.connected, state: ev.state, text: ev.text } });
		later();
		break;
	case "lamps":
		later();
		break;
	case "notice":
		banner(_(ev.message), "info");
		break;
	case "result":
		window.idphoto.results++;
		S.last = ev;
		S.liveOn = false;
		renderResult();
		if (S.overriding && !canOverride()) closeOverride();
		sound(passed(ev) ? "accept" : "retake");
		loadStrip();
		if (ev.id) loadHistory(ev.id);
		break;
	case "framing":
		if (ev.done) {
			S.liveOn = false;
			S.live = null;
			if (ev.error) banner(_(ev.error), "bad");
		} else {
			S.live = ev;
			S.liveOn = true;
		}
		renderResult();
		break;
	case "calibration":
		S.calibration = ev;
		later();
		break;
	}
}

function connect() {
	if (window.SharedWorker) {
		var w = new SharedWorker("worker.js");
		w.port.onmessage = function (m) { onEvent(m.data); };
		w.port.start();
		window.addEventListener("pagehide", function () { w.port.postMessage("close"); });
	} else {
		var es = new EventSource("/events");
		es.onmessage = function (m) { onEvent(JSON.parse(m.data)); };
		es.onopen = function () { S.stream = true; later(); };
		es.onerror = function () { S.stream = false; later(); };
	}
}

/* ---- keys ---------------------------------------------------------- */

function toggleLive() {
	cmd("liveview", { seconds: S.liveOn ? 0 : 60 });
}

function retake() { cmd("retake", {}).then(function (r) {
	if (r.code === "NEEDS_CONFIRM" && S.status) askReplace(S.status.id);
}); }

function replace() {
	var id = (S.status && S.status.id) || (S.last && S.last.id);
	if (id) askReplace(id);
	else banner(_(CODEWORDS.NO_ID), "bad");
}

function onKey(e) {
	if (e.ctrlKey || e.altKey || e.metaKey) return;
	audio();	/* the first key unlocks the sounds */
	var k = e.key;
	if (S.overriding) {
		if (k === "Enter") { e.preventDefault(); sendOverride(); }
		else if (k === "Escape") { e.preventDefault(); closeOverride(); }
		return;		/* the reason is being typed */
	}
	if (S.confirmFor) {
		if (k === "y" || k === "Y") { e.preventDefault(); answerReplace(true); }
		else if (k === "n" || k === "N" || k === "Escape") { e.preventDefault(); answerReplace(false); }
		return;
	}
	var f = $("idfield");
	if (k === "Escape") { e.preventDefault(); f.value = ""; showIdCheck(); f.focus(); return; }
	var inField = document.activeElement === f;
	if (inField && f.value !== "") return;	/* typing an ID */
	if (document.activeElement && document.activeElement.tagName === "BUTTON" &&
	    (k === "Enter" || k === " ")) return;
	var lk = k.length === 1 ? k.toLowerCase() : k;
	if (lk === "r") { e.preventDefault(); retake(); }
	else if (lk === "c") { e.preventDefault(); cmd("cancel", {}); }
	else if (lk === "p") { e.preventDefault(); replace(); }
	else if (lk === "l") { e.preventDefault(); toggleLive(); }
	else if (lk === "o" && canOverride()) { e.preventDefault(); askOverride(); }
	else if (k === "Enter" && inField) { e.preventDefault(); cmd("shoot", {}); }
	else if (!inField && /^[0-9xX]$/.test(k)) { f.focus(); }
}

/* ---- start --------------------------------------------------------- */

function start() {
	$("idfield").addEventListener("input", showIdCheck);
	$("idform").addEventListener("submit", function (e) {
		e.preventDefault();
		if ($("idfield").value.trim() === "") cmd("shoot", {});
		else submitId(false);
	});
	document.addEventListener("keydown", onKey);
	$("confirmyes").addEventListener("click", function () { answerReplace(true); });
	$("confirmno").addEventListener("click", function () { answerReplace(false); });
	$("overbtn").addEventListener("click", askOverride);
	$("overyes").addEventListener("click", sendOverride);
	$("overno").addEventListener("click", closeOverride);
	$("lang-en").addEventListener("click", function () { setLang("en"); });
	$("lang-zh").addEventListener("click", function () { setLang("zh_CN"); });
	window.addEventListener("resize", fitOverlay);
	$("frameimg").addEventListener("load", function () {
		fitOverlay();
		if (S.liveLoading) { S.liveLoading = false; if (S.liveOn) renderLive(); }
	});
	$("frameimg").addEventListener("error", function () { S.liveLoading = false; });
	fetch("/api/session", { credentials: "same-origin" }).then(function (r) {
		if (r.status === 403) { location.href = "/login.html"; throw new Error("login"); }
		return r.json();
	}).then(function (s) {
		TOKEN = s.token;
		return loadWords(pickLang());
	}).then(function () {
		S.stream = true;
		connect();
		$("idfield").focus();
	}).catch(function (e) {
		if (String(e.message) !== "login")
			banner(_("the page cannot reach idphoto-web: check that it runs (systemctl status idphoto-web)"), "bad");
	});
}

document.addEventListener("DOMContentLoaded", start);
