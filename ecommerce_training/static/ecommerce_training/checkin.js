/* Check-in on the organiser's phone: scan (BarcodeDetector), type a code,
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

  // The camera, where the browser can read QR codes itself.
  var scan = document.getElementById("scan");
  var video = document.getElementById("camera");
  // Some browsers have the class but read no QR code (desktop Linux): ask.
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") >= 0) scan.hidden = false;
    }).catch(function () {});
    scan.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        scan.hidden = true;
        return video.play().then(function () {
          (function look() {
            detector.detect(video).then(function (codes) {
              if (codes.length) submitCode(codes[0].rawValue, "qr");
            }).catch(function () {}).then(function () { setTimeout(look, 300); });
          })();
        });
      }).catch(function () { say(root.dataset.msgCamera, true); });
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
