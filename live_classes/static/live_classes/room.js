/* The live class room (docs/live-protocol.md): one WebSocket that resumes
   after a drop without losing or repeating events, slides, chat, hands,
   reactions, polls, moderation, and an optional WebRTC mesh for audio/video.
   Plain ES5 and promises so the old Android browsers of the province run it;
   every string comes translated from the page (#live-strings). */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root) return;
  function $(id) { return document.getElementById(id); }
  var T = JSON.parse($("live-strings").textContent);
  var MOD = root.getAttribute("data-moderator") === "1";
  var NOSEQ = { welcome: 1, ack: 1 };

  function t(key, vars) {
    var s = T[key] || key;
    for (var k in vars || {}) s = s.split("{" + k + "}").join(vars[k]);
    return s;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(text, onclick, cls) {
    var b = el("button", cls == null ? "secondary" : cls, text);
    b.type = "button";
    b.onclick = onclick;
    return b;
  }
  function noop() {}
  function uuid() {
    var c = window.crypto;
    if (c && c.randomUUID) return c.randomUUID(); // only on https and localhost
    var b = new Uint8Array(16), h = "", i;
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (i = 0; i < 16; i++) {
      h += (b[i] + 256).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) h += "-";
    }
    return h;
  }

  /* ---- Connection ---- */
  var ws = null, ready = false, welcomed = false, stopped = false;
  var lastSeq = 0, attempt = 0, timer = null, pinger = null;
  // Frames that change something wait here until the server acknowledges
  // them; they are sent again after a reconnection (the server deduplicates).
  var outbox = {}, mine = {};
  var me = {}, slides = [], slide = 0, poll = null, people = {}, media = {};

  function status(key) { $("live-status").textContent = key ? T[key] : ""; }
  function raw(f) {
    if (ws && ready) ws.send(JSON.stringify(f));
  }
  function send(type, f) {
    f = f || {};
    f.type = type;
    f.id = uuid();
    outbox[f.id] = f;
    raw(f);
    return f.id;
  }

  function connect() {
    timer = null;
    var sock, url = (location.protocol === "https:" ? "wss://" : "ws://") +
      location.host + root.getAttribute("data-ws") +
      (welcomed ? "?last_seq=" + lastSeq : "");
    try { sock = ws = new WebSocket(url); } catch (e) { return retry(); }
    sock.onmessage = function (m) {
      var f;
      try { f = JSON.parse(m.data); } catch (e) { return; }
      if (f && ws === sock) handle(f);
    };
    sock.onclose = function (e) {
      if (ws !== sock) return;
      ws = null;
      ready = false;
      clearInterval(pinger);
      if (stopped) return;
      if (e.code === 4410) return ended();
      if (e.code === 4403 || e.code === 4401) return refuse(T.closed);
      retry();
    };
  }
  function retry() {
    status("reconnecting");
    var base = Math.min(30000, 1000 * Math.pow(2, attempt++));
    timer = setTimeout(connect, base / 2 + Math.random() * base / 2);
  }
  window.addEventListener("online", function () {
    if (timer) { clearTimeout(timer); connect(); }
  });

  function handle(f) {
    if (f.seq != null && !NOSEQ[f.type]) {
      if (f.seq <= lastSeq) return; // seen already
      lastSeq = f.seq;
    }
    var h = H[f.type];
    if (h) h(f);
  }

  function refuse(message) {
    stopped = true;
    if (ws) ws.close();
    var box = $("live-refused");
    if (box.hidden) {
      box.textContent = message;
      box.hidden = false;
    }
    status("");
    root.classList.add("stopped");
    mediaOff(true);
  }
  function ended() {
    if (ended.done) return;
    ended.done = stopped = true;
    if (ws) ws.close();
    status("");
    $("live-ended").hidden = false;
    root.classList.add("stopped");
    mediaOff(true);
    if (rec && rec.state !== "inactive") rec.stop(); // upload what was recorded
  }

  var H = {
    refused: function (f) { refuse(f.message || f.code); },
    welcome: function (f) {
      ready = true;
      attempt = 0;
      status("");
      me = f.you || {};
      if (!f.resumed) {
        lastSeq = f.seq;
        slides = f.slides || [];
        slide = f.slide || 0;
        poll = f.poll;
        if (poll && !poll.counts) poll.total = 0;
        people = {};
        (f.hands || []).forEach(function (u) { seen(u, { hand: true }); });
        media = {};
        (f.media || []).forEach(function (u) { media[u.id] = u; seen(u, {}); });
        $("chat-list").textContent = "";
        (f.chat || []).forEach(chat);
        renderSlide();
        renderPoll();
      } else if (f.seq > lastSeq) lastSeq = f.seq;
      welcomed = true;
      renderHand();
      renderChatState();
      renderMedia();
      renderPeople();
      for (var id in outbox) raw(outbox[id]);
      clearInterval(pinger);
      pinger = setInterval(function () { raw({ type: "ping" }); }, 25000);
      if (f.session && (f.session.status === "ended" || f.session.status === "cancelled")) return ended();
      // A reload while the server still lists us as offering media: say we stopped.
      if (!local && media[me.id] && !f.resumed) send("rtc.leave", { media: media[me.id].media });
      syncPeers();
    },
    ack: function (f) {
      var fr = outbox[f.ref];
      delete outbox[f.ref];
      if (fr && fr.type === "poll.open") {
        $("poll-form").reset();
        $("poll-form").parentNode.open = false;
      }
    },
    error: function (f) {
      var fr = f.ref && outbox[f.ref], input = $("chat-text");
      if (fr) delete outbox[f.ref];
      flash(f.message || f.code);
      if (!fr) return;
      if (fr.type === "chat.send" && !input.value) input.value = fr.text;
      if (fr.type === "poll.answer" && poll && f.code !== "poll_closed") {
        poll.answered = null;
        renderPoll();
      }
      if (fr.type === "rtc.join") mediaOff(true);
      if (fr.type === "hand.raise" || fr.type === "hand.lower") {
        me.hand_raised = fr.type === "hand.lower";
        renderHand();
      }
    },
    pong: noop,
    "chat.message": chat,
    "hand.raised": function (f) { hand(f.user, true); },
    "hand.lowered": function (f) { hand(f.user, false); },
    reaction: function (f) { float(f.emoji); },
    "slide.changed": function (f) { slide = f.slide; renderSlide(); },
    "slides.updated": function (f) { slides = f.slides || []; renderSlide(); },
    "poll.opened": function (f) {
      poll = f.poll;
      poll.total = 0;
      poll.answered = null;
      renderPoll();
    },
    "poll.results": counts,
    "poll.tally": counts,
    "poll.closed": function (f) {
      if (!poll || poll.id !== f.poll_id) return;
      poll.closed = true;
      poll.correct = f.correct || [];
      poll.counts = f.counts;
      poll.total = f.total;
      renderPoll();
    },
    "participant.muted": function (f) {
      seen(f.user, { muted: f.muted });
      if (f.user.id === me.id) { me.muted = f.muted; renderChatState(); }
    },
    "participant.removed": function (f) {
      if (f.user.id === me.id) return refuse(T.removed);
      delete people[f.user.id];
      renderPeople();
    },
    "rtc.joined": function (f) {
      media[f.user.id] = { id: f.user.id, name: f.user.name, media: f.media };
      seen(f.user, {});
      renderMedia();
      syncPeers();
    },
    "rtc.left": function (f) {
      delete media[f.user.id];
      // The server takes us out of the mesh when our last connection drops:
      // offer our media again after reconnecting.
      if (f.user.id === me.id && local) send("rtc.join", { media: localMedia });
      if (f.user.id !== me.id) drop(f.user.id);
      renderMedia();
      renderPeople();
    },
    "session.ended": ended,
    "rtc.signal": signal,
    presence: function (f) {
      if (!MOD) return;
      $("live-count").textContent = f.count;
      if (f.joined) seen(f.joined, { online: true });
      if (f.left) seen(f.left, { online: false });
    }
  };

  function flash(text) {
    var box = $("chat-error");
    box.textContent = text;
    clearTimeout(flash.t);
    flash.t = setTimeout(function () { box.textContent = ""; }, 6000);
  }

  /* ---- Chat, hands, reactions ---- */
  function chat(f) {
    var list = $("chat-list"), by = f.by || {};
    var own = mine[f.client_id] || by.id === me.id;
    var atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
    var li = el("li", own ? "own" : "");
    var d = new Date(f.at);
    li.appendChild(el("b", "", own ? T.you : by.name));
    if (!isNaN(d)) li.appendChild(el("time", "muted", " " + ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2)));
    li.appendChild(el("div", "text", f.text)); // textContent: shown as typed
    list.appendChild(li);
    while (list.children.length > 200) list.removeChild(list.firstChild);
    if (atEnd || own) list.scrollTop = list.scrollHeight;
    if (f.by) seen(f.by, {});
  }
  $("chat-form").onsubmit = function (e) {
    e.preventDefault();
    var input = $("chat-text"), text = input.value.trim();
    if (!text) return;
    mine[send("chat.send", { text: text })] = 1;
    input.value = "";
  };
  function renderChatState() {
    var input = $("chat-text");
    input.disabled = !!me.muted;
    input.placeholder = me.muted ? T.muted_you : input.getAttribute("data-ph");
  }
  $("chat-text").setAttribute("data-ph", $("chat-text").placeholder);

  function hand(u, up) {
    seen(u, { hand: up });
    if (u.id === me.id) { me.hand_raised = up; renderHand(); }
  }
  function renderHand() {
    var b = $("hand");
    b.textContent = me.hand_raised ? T.lower : T.raise;
    b.setAttribute("aria-pressed", me.hand_raised ? "true" : "false");
  }
  $("hand").onclick = function () {
    send(me.hand_raised ? "hand.lower" : "hand.raise");
    me.hand_raised = !me.hand_raised; // shown at once; the event confirms
    renderHand();
  };
  var reacts = document.querySelectorAll(".react");
  for (var i = 0; i < reacts.length; i++) {
    reacts[i].onclick = function () { send("reaction.send", { emoji: this.getAttribute("data-emoji") }); };
  }
  function float(emoji) {
    var s = el("span", "float", emoji);
    s.style.left = 10 + Math.random() * 70 + "%";
    $("reactions").appendChild(s);
    setTimeout(function () { s.parentNode && s.parentNode.removeChild(s); }, 2500);
  }

  /* ---- Slides ---- */
  var mode = "saver";
  function renderSlide() {
    var s = slides[slide], img = $("slide-img");
    img.hidden = !s;
    $("slide-none").hidden = !!s;
    if (s && img.getAttribute("src") !== s.url) {
      if (s.width && s.height) { img.width = s.width; img.height = s.height; }
      img.src = s.url;
    }
    $("slide-pos").textContent = s ? t("slide", { k: slide + 1, n: slides.length }) : "";
    if (MOD) {
      $("slide-prev").disabled = slide <= 0;
      $("slide-next").disabled = slide >= slides.length - 1;
    }
    if (mode !== "saver" && slides[slide + 1]) new Image().src = slides[slide + 1].url;
  }
  if (MOD) {
    $("slide-prev").onclick = function () { if (slide > 0) send("slide.goto", { slide: slide - 1 }); };
    $("slide-next").onclick = function () { if (slide < slides.length - 1) send("slide.goto", { slide: slide + 1 }); };
  }

  /* ---- Polls and quiz questions ---- */
  function counts(f) {
    // Trainers get every answer (poll.tally) and the throttled results too:
    // never let an older total replace a newer one.
    if (!poll || poll.id !== f.poll_id || poll.closed || f.total < (poll.total || 0)) return;
    poll.counts = f.counts;
    poll.total = f.total;
    renderPoll();
  }
  function renderPoll() {
    var box = $("poll-box");
    box.textContent = "";
    box.hidden = !poll;
    if (!poll) return;
    var answered = poll.answered != null && poll.answered !== false;
    var canAnswer = !MOD && !poll.closed && !answered;
    var bars = MOD || poll.closed || answered;
    box.appendChild(el("p", "q", poll.question));
    var ul = box.appendChild(el("ul", "opts"));
    poll.options.forEach(function (o, i) {
      var li = ul.appendChild(el("li"));
      if (canAnswer) {
        li.appendChild(button(o, function () {
          poll.answered = i;
          send("poll.answer", { poll_id: poll.id, option: i });
          renderPoll();
        }));
        return;
      }
      var right = poll.closed && (poll.correct || []).indexOf(i) >= 0;
      var c = poll.counts ? poll.counts[i] || 0 : 0;
      var pct = poll.total ? Math.round((100 * c) / poll.total) : 0;
      var lab = li.appendChild(el("div", right ? "ok" : "", (right ? "✓ " : "") + o + (poll.answered === i ? " ←" : "")));
      if (right) lab.title = T.correct;
      if (bars && poll.counts) {
        lab.appendChild(el("span", "muted", " " + c + " (" + pct + "%)"));
        var bar = li.appendChild(el("div", "bar")), fill = bar.appendChild(el("span"));
        fill.style.width = pct + "%";
      }
    });
    var note = [];
    if (!MOD && answered && !poll.closed) note.push(T.answered);
    if (poll.closed) note.push(T.poll_closed);
    if (poll.closed && !MOD && answered && poll.kind === "quiz" && typeof poll.answered === "number") {
      note.push((poll.correct || []).indexOf(poll.answered) >= 0 ? T.right : T.wrong);
    }
    if (bars && poll.counts) note.push(t("answers", { n: poll.total || 0 }));
    box.appendChild(el("p", "muted", note.join(" · ")));
    if (MOD && !poll.closed) box.appendChild(button(T.close_poll, function () { send("poll.close", { poll_id: poll.id }); }));
  }
  if (MOD) {
    var form = $("poll-form");
    $("poll-kind").onchange = function () { form.classList.toggle("quiz", this.value === "quiz"); };
    form.onsubmit = function (e) {
      e.preventDefault();
      var rows = form.querySelectorAll(".opt-row"), options = [], correct = [];
      var kind = $("poll-kind").value;
      for (var i = 0; i < rows.length; i++) {
        var text = rows[i].querySelector(".poll-opt").value.trim();
        if (!text) continue;
        if (rows[i].querySelector("[type=checkbox]").checked) correct.push(options.length);
        options.push(text);
      }
      var err = options.length < 2 ? T.need_options : kind === "quiz" && !correct.length ? T.need_correct : "";
      $("poll-form-error").textContent = err;
      if (err) return;
      send("poll.open", { kind: kind, question: $("poll-q").value.trim(), options: options, correct: kind === "quiz" ? correct : [] });
    };
  }

  /* ---- Moderation: the participants seen so far ---- */
  function seen(u, props) {
    if (!u || u.id == null) return;
    var p = people[u.id], changed = !p;
    if (!p) p = people[u.id] = { id: u.id, name: u.name };
    for (var k in props) {
      if (p[k] !== props[k]) { p[k] = props[k]; changed = true; }
    }
    if (changed) renderPeople();
  }
  function renderPeople() {
    if (!MOD) return;
    var ul = $("people"), list = [];
    ul.textContent = "";
    for (var id in people) if (+id !== me.id) list.push(people[id]);
    list.sort(function (a, b) {
      return (b.hand ? 2 : 0) + (b.online ? 1 : 0) - (a.hand ? 2 : 0) - (a.online ? 1 : 0) || (a.name > b.name ? 1 : -1);
    });
    list.forEach(function (p) {
      var li = ul.appendChild(el("li", p.online === false ? "gone" : ""));
      var m = media[p.id];
      li.appendChild(el("span", "who", (p.hand ? "✋ " : "") + p.name + (p.muted ? " 🔇" : "") + (m ? (m.media === "video" ? " 📷" : " 🎤") : "")));
      li.appendChild(button(p.muted ? T.unmute : T.mute, function () {
        send("moderation.mute", { user_id: p.id, muted: !p.muted });
      }));
      if (p.hand) li.appendChild(button(T.lower_other, function () { send("hand.lower", { user_id: p.id }); }));
      li.appendChild(button(T.remove, function () {
        if (confirm(t("remove_q", { name: p.name }))) send("moderation.remove", { user_id: p.id });
      }));
    });
  }
  if (MOD) {
    $("end-class").onclick = function () { if (confirm(T.end_q)) send("session.end"); };
  }

  /* ---- Audio and video: a WebRTC mesh for small groups ----
     No STUN/TURN servers: the room runs on the local network or the province's
     data centre; a TURN server is to be configured later for other networks.
     Whoever wants media connects to each person offering it; between two
     people who both offer media, the lower user id makes the offer, and the
     "perfect negotiation" pattern settles any remaining glare. */
  var local = null, localMedia = "", peers = {};
  var hasRTC = !!(window.RTCPeerConnection && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  function mediaMsg(text) { $("media-msg").textContent = text || ""; }
  function mediaError(e) {
    var n = e && e.name;
    if (n === "NotAllowedError" || n === "SecurityError" || n === "PermissionDeniedError") return T.denied;
    if (n === "NotFoundError" || n === "DevicesNotFoundError" || n === "OverconstrainedError") return T.no_mic;
    return T.media_failed;
  }
  function renderMedia() {
    $("media-toggle").textContent = local ? T.media_off : mode === "video" ? T.cam_on : T.mic_on;
    var names = [];
    for (var id in media) names.push(media[id].name + (media[id].media === "video" ? " 📷" : " 🎤"));
    $("media-list").textContent = names.length ? T.on_air + " " + names.join(", ") : "";
  }
  function setMode(m) {
    if (m !== "audio" && m !== "video") m = "saver";
    var was = mode;
    mode = m;
    $("live-mode").value = m;
    $("live-media").hidden = m === "saver";
    try { localStorage.setItem("live-mode", m); } catch (e) { /* private mode */ }
    if (was !== m) mediaOff(m === "saver");
    if (m !== "saver" && !hasRTC) mediaMsg(T.no_rtc);
    renderMedia();
    renderSlide();
  }
  $("live-mode").onchange = function () { setMode(this.value); };
  $("media-toggle").onclick = function () {
    if (local) return mediaOff(false);
    if (!hasRTC) return mediaMsg(T.no_rtc);
    mediaMsg("");
    var video = mode === "video" ? { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { max: 15 } } : false;
    navigator.mediaDevices.getUserMedia({ audio: true, video: video }).then(function (s) {
      if (mode === "saver") return s.getTracks().forEach(function (tr) { tr.stop(); });
      local = s;
      localMedia = mode;
      send("rtc.join", { media: mode });
      if (mode === "video") {
        var v = el("video", "self");
        v.muted = true;
        v.autoplay = true;
        v.setAttribute("playsinline", "");
        v.srcObject = s;
        $("peers").insertBefore(v, $("peers").firstChild);
      }
      for (var id in peers) attach(peers[id], false);
      renderMedia();
      syncPeers();
    }, function (e) { mediaMsg(mediaError(e)); });
  };
  // Stop offering media; keep listening unless `all` (data saver, the end).
  function mediaOff(all) {
    if (local) {
      local.getTracks().forEach(function (tr) { tr.stop(); });
      local = null;
      send("rtc.leave", { media: localMedia });
      var self = document.querySelector("video.self");
      if (self) self.parentNode.removeChild(self);
    }
    for (var id in peers) drop(id);
    renderMedia();
    if (!all) syncPeers();
  }
  function syncPeers() {
    if (mode === "saver" || !hasRTC || !ready) return;
    for (var id in media) {
      id = +id;
      if (id !== me.id && !peers[id] && (!local || id > me.id)) attach(peer(id), true);
    }
  }
  function sig(to, kind, data) { raw({ type: "rtc.signal", to: to, kind: kind, data: data }); }
  function peer(id) {
    var pc, p;
    try { pc = new RTCPeerConnection({ iceServers: [] }); } catch (e) { mediaMsg(T.media_failed); return null; }
    p = peers[id] = { id: id, pc: pc, polite: me.id > id, making: false, ignore: false };
    pc.onicecandidate = function (e) { if (e.candidate) sig(id, "ice", e.candidate); };
    pc.onnegotiationneeded = function () {
      p.making = true;
      pc.createOffer().then(function (o) { return pc.setLocalDescription(o); })
        .then(function () { sig(id, "offer", pc.localDescription); })
        .catch(noop).then(function () { p.making = false; });
    };
    pc.ontrack = function (e) { show(p, e.track); };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "failed") drop(id);
    };
    return p;
  }
  // Add our microphone/camera, or (when only listening and starting the
  // connection ourselves) ask to receive audio, and video in video mode.
  function attach(p, starting) {
    if (!p) return;
    try {
      if (local && !p.sending) {
        local.getTracks().forEach(function (tr) { p.pc.addTrack(tr, local); });
        p.sending = true;
      } else if (!local && starting && !p.recv) {
        p.pc.addTransceiver("audio", { direction: "recvonly" });
        if (mode === "video") p.pc.addTransceiver("video", { direction: "recvonly" });
        p.recv = true;
      }
    } catch (e) { mediaMsg(T.media_failed); }
  }
  function signal(f) {
    if (mode === "saver" || !hasRTC || !f.from) return;
    var id = f.from.id, p = peers[id], d = f.data;
    if (!p) {
      if (f.kind !== "offer") return;
      p = peer(id);
      if (!p) return;
    }
    var pc = p.pc;
    if (f.kind === "ice") return pc.addIceCandidate(d).catch(noop);
    var offer = f.kind === "offer";
    var collision = offer && (p.making || pc.signalingState !== "stable");
    p.ignore = !p.polite && collision;
    if (p.ignore) return;
    var done = collision && pc.signalingState === "have-local-offer"
      ? pc.setLocalDescription({ type: "rollback" }).then(function () { return pc.setRemoteDescription(d); })
      : pc.setRemoteDescription(d);
    done.then(function () {
      if (!offer) return;
      attach(p, false);
      return pc.createAnswer().then(function (a) { return pc.setLocalDescription(a); })
        .then(function () { sig(id, "answer", pc.localDescription); });
    }).catch(function (e) { if (window.console) console.warn("rtc", e); });
  }
  function show(p, track) {
    if (mode === "audio" && track.kind === "video") return;
    if (!p.box) {
      p.stream = new MediaStream();
      p.box = el("figure", "peer");
      p.media = p.box.appendChild(el(mode === "video" ? "video" : "audio"));
      p.media.autoplay = true;
      p.media.setAttribute("playsinline", "");
      p.box.appendChild(el("figcaption", "", (media[p.id] || people[p.id] || {}).name || ""));
      $("peers").appendChild(p.box);
    }
    p.stream.addTrack(track);
    p.media.srcObject = p.stream;
    if (track.kind === "video") p.box.classList.add("video");
    var play = p.media.play && p.media.play();
    if (play && play.catch) play.catch(noop);
  }
  function drop(id) {
    var p = peers[id];
    if (!p) return;
    delete peers[id];
    try { p.pc.close(); } catch (e) { /* already closed */ }
    if (p.box && p.box.parentNode) p.box.parentNode.removeChild(p.box);
  }

  /* ---- Recording the trainer's voice for the replay ---- */
  var rec = null, recStart = null, pending = null;
  function recMsg(text, retryBtn) {
    var box = $("rec-msg");
    box.textContent = text;
    if (retryBtn) box.appendChild(button(T.retry, function () { upload(pending); }));
  }
  function recButton() { $("rec").textContent = rec ? T.rec_stop : T.rec_start; }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* below */ }
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function upload(blob) {
    pending = blob;
    recMsg(T.uploading);
    var fd = new FormData();
    fd.append("audio", blob, "replay.webm");
    fd.append("started_at", recStart.toISOString());
    fetch(root.getAttribute("data-upload"), {
      method: "POST", body: fd, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok && j.ok) { pending = null; recMsg(T.uploaded); }
        else recMsg(j.error || T.upload_failed, true);
      });
    }, function () { recMsg(T.upload_failed, true); });
  }
  if (MOD) {
    recButton();
    $("rec").onclick = function () {
      if (rec) return rec.stop();
      if (!window.MediaRecorder || !navigator.mediaDevices) return recMsg(T.rec_unsupported);
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        var type = "audio/webm;codecs=opus", chunks = [];
        var opts = MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(type) ? { mimeType: type, audioBitsPerSecond: 32000 } : {};
        var r = rec = new MediaRecorder(s, opts);
        recStart = new Date();
        r.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        r.onstop = function () {
          s.getTracks().forEach(function (tr) { tr.stop(); });
          rec = null;
          recButton();
          upload(new Blob(chunks, { type: r.mimeType || "audio/webm" }));
        };
        r.start(10000); // a chunk every 10 s: a crash loses little
        recButton();
        recMsg(t("recording", { time: recStart.toLocaleTimeString() }));
      }, function (e) { recMsg(mediaError(e)); });
    };
  }
  window.addEventListener("beforeunload", function (e) {
    if (rec || pending) { e.preventDefault(); e.returnValue = ""; }
  });

  var saved = "saver";
  try { saved = localStorage.getItem("live-mode") || "saver"; } catch (e) { /* private mode */ }
  setMode(saved);
  renderHand();
  status("connecting");
  connect();
})();
