/* Check-in on the organiser's phone: scan (BarcodeDetector or jsQR), type a code,
   or tick names. Ticks and codes made without network are kept in
   localStorage, each with its own id, and sent as one batch when the network
   is back; the server counts a resent batch once. Without this script the
   page's forms still work, one post at a time. */
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) return;
  var KEY = "checkin-queue-" + root.dataset.session;
  var statusEl = document.getElementById("status");
  var pendingEl = document.getElementById("pending");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var syncing = false;

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); showPending(); }
  function say(text, bad) {
    statusEl.textContent = text;
    statusEl.className = bad ? "bad" : "ok";
  }
  function showPending() {
    var n = load().length;
    pendingEl.hidden = n === 0;
    pendingEl.textContent = n + " " + root.dataset.msgPending;
  }
  function tickButton(id) {
    return root.querySelector('button[data-registration="' + id + '"]');
  }
  function markDone(id) {
    var b = tickButton(id);
    if (!b) return;
    b.classList.remove("queued");
    b.classList.add("done");
    b.disabled = true;
    b.querySelector(".mark").textContent = "✓";
    var done = root.querySelectorAll(".ticks button.done").length;
    var count = document.getElementById("count");
    if (count) count.textContent = count.textContent.replace(/^\d+/, String(done));
  }

  function queue(item) {
    var q = load();
    q.push(item);
    save(q);
  }

  function sync() {
    var q = load();
    if (syncing || q.length === 0 || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return fetch(root.dataset.syncUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ items: q })
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (!data.ok) { say(data.message, true); return; }
      var answered = {};
      var errors = [];
      var sent = {};
      q.forEach(function (i) { sent[i.client_id] = i; });
      data.results.forEach(function (r) {
        answered[r.client_id] = true;
        if (r.ok) { markDone(r.registration); return; }
        errors.push(r.message);
        // Refused (cancelled, waitlisted...): the name can be ticked again.
        var item = sent[r.client_id];
        var b = item && item.registration && tickButton(item.registration);
        if (b) { b.disabled = false; b.classList.remove("queued"); }
      });
      // Drop what the server answered; keep what was queued meanwhile.
      save(load().filter(function (i) { return !answered[i.client_id]; }));
      if (errors.length) say(errors.join(" "), true); else say(root.dataset.msgSynced, false);
    }).catch(function () { /* still offline: try again later */ })
      .then(function () { syncing = false; });
  }

  // A name ticked on the list: kept first, then sent.
  root.querySelectorAll(".ticks form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var b = form.querySelector("button");
      if (b.disabled) return;
      b.disabled = true;
      b.classList.add("queued");
      queue({ client_id: uuid4(), registration: Number(b.dataset.registration), method: "list", checked_at: new Date().toISOString() });
      if (!navigator.onLine) say(root.dataset.msgQueued, false);
      sync();
    });
  });

  // A code, typed or scanned: answered at once when online, else kept.
  var busy = {};
  function submitCode(code, method) {
    code = code.replace(/[\s.\-]/g, "").toUpperCase();
    if (!code || busy[code]) return;
    busy[code] = true;
    setTimeout(function () { delete busy[code]; }, 3000);
    var item = { client_id: uuid4(), code: code, method: method, checked_at: new Date().toISOString() };
    if (!navigator.onLine) { queue(item); say(root.dataset.msgQueued, false); return; }
    var body = new URLSearchParams({ code: code, method: method, client_id: item.client_id, csrfmiddlewaretoken: csrf });
    fetch(root.dataset.codeUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf }
    }).then(function (r) { return r.json(); }).then(function (data) {
      say(data.message, !data.ok);
      if (data.ok) markDone(data.registration);
    }).catch(function () { queue(item); say(root.dataset.msgQueued, false); });
  }
  var form = document.getElementById("code-form");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = form.querySelector("#code");
    submitCode(input.value, "code");
    input.value = "";
    input.focus();
  });

  // The camera. The browser's own QR reader (BarcodeDetector: Chrome on
  // Android) when it has one; otherwise jsQR, fetched only when the organiser
  // taps "Scan" (iPhones, desktops).
  var scan = document.getElementById("scan");
  var video = document.getElementById("camera");
  function nativeReader() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return null;
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }).catch(function () { return null; });
  }
  function jsqrReader() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve();
      var tag = document.createElement("script");
      tag.src = root.dataset.jsqr;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    }).then(function () {
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        // A QR code on a ticket held to the camera reads fine at 640 px.
        var scale = Math.min(1, 640 / Math.max(w, h));
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var found = window.jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data,
          canvas.width, canvas.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? found.data : null);
      };
    });
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scan.hidden = false;
    scan.addEventListener("click", function () {
      scan.disabled = true;
      nativeReader().then(function (read) { return read || jsqrReader(); }).then(function (read) {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          scan.hidden = true;
          return video.play().then(function () {
            (function look() {
              read().then(function (code) {
                if (code) submitCode(code, "qr");
              }).catch(function () {}).then(function () { setTimeout(look, 300); });
            })();
          });
        });
      }).catch(function () { scan.disabled = false; say(root.dataset.msgCamera, true); });
    });
  }

  window.addEventListener("online", sync);
  setInterval(sync, 15000);
  // Ticks kept from before a reload show as waiting.
  load().forEach(function (i) {
    var b = i.registration && tickButton(i.registration);
    if (b) { b.disabled = true; b.classList.add("queued"); }
  });
  showPending();
  sync();
})();
