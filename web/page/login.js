/* login.js — the password form: POST /api/login, then the page. */
"use strict";
var MSG = {};
function _(s) { return Object.prototype.hasOwnProperty.call(MSG, s) ? MSG[s] : s; }
document.addEventListener("DOMContentLoaded", function () {
	var zh = (navigator.languages || [navigator.language || ""]).some(function (l) {
		return String(l).toLowerCase().indexOf("zh") === 0;
	});
	fetch("/api/strings?lang=" + (zh ? "zh_CN" : "en")).then(function (r) {
		return r.json();
	}).then(function (j) {
		MSG = j.messages || {};
		var ns = document.querySelectorAll("[data-i18n]");
		for (var i = 0; i < ns.length; i++)
			ns[i].textContent = _(ns[i].getAttribute("data-i18n"));
	});
	document.getElementById("login").addEventListener("submit", function (e) {
		e.preventDefault();
		fetch("/api/login", {
			method: "POST", credentials: "same-origin",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ password: document.getElementById("password").value })
		}).then(function (r) { return r.json(); }).then(function (r) {
			if (r.ok) location.href = "/";
			else document.getElementById("loginerr").textContent =
			    r.code === "SLOW_DOWN" ? _("too many wrong passwords: wait a minute") :
			    _("wrong password");
		});
	});
});
