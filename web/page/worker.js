/*
 * worker.js — one event stream for every tab of this browser (a
 * SharedWorker): a browser opens at most six HTTP/1.1 connections to one
 * host, and an EventSource holds one for ever, so twenty tabs with their
 * own streams would starve each other. Each tab gets every event, and
 * {"event": "stream", "connected": ...} when the stream opens or breaks
 * (the tab then asks /api/hello for the state as it is).
 */
"use strict";
var ports = [];
var es = null;

function post(o) {
	for (var i = 0; i < ports.length; i++) ports[i].postMessage(o);
}

function open() {
	es = new EventSource("/events");
	es.onopen = function () { post({ event: "stream", connected: true }); };
	es.onerror = function () { post({ event: "stream", connected: false }); };
	es.onmessage = function (m) {
		var o;
		try { o = JSON.parse(m.data); } catch (e) { return; }
		post(o);
	};
}

onconnect = function (e) {
	var p = e.ports[0];
	ports.push(p);
	p.onmessage = function (m) {
		if (m.data === "close")
			ports = ports.filter(function (x) { return x !== p; });
	};
	p.start();
	if (es === null)
		open();
	else if (es.readyState === 1)
		p.postMessage({ event: "stream", connected: true });
};
